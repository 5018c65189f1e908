"""tune2fs, e2label and fdisk over the machine's disks (e2fsprogs 1.47.0, util-linux 2.39.3)."""

import pytest

from simulator import Result, World


@pytest.fixture
def kvm():
    return World.new("kvm-guest")


def test_tune2fs_l_lists_the_superblock(kvm):
    root = kvm.machine.disks[0]["parts"][0]
    out = kvm.run("sudo tune2fs -l /dev/vda1").stdout.splitlines()
    assert out[:4] == [
        "tune2fs 1.47.0 (5-Feb-2023)",
        "Filesystem volume name:   cloudimg-rootfs",
        "Last mounted on:          /",
        f"Filesystem UUID:          {root['uuid']}",
    ]
    assert out[6] == (
        "Filesystem features:      has_journal ext_attr resize_inode dir_index filetype needs_recovery "
        "extent 64bit flex_bg sparse_super large_file huge_file dir_nlink extra_isize metadata_csum"
    )
    assert "Inode size:\t          256" in out and "Reserved GDT blocks:      1024" in out
    assert kvm.run("tune2fs -l /dev/vda1") == Result(
        "tune2fs 1.47.0 (5-Feb-2023)\n",
        "tune2fs: Permission denied while trying to open /dev/vda1\n"
        "Couldn't find valid filesystem superblock.\n",
        1,
    )
    assert kvm.run("sudo tune2fs -l /dev/vda15").stderr == (
        "tune2fs: Bad magic number in super-block while trying to open /dev/vda15\n"
        "/dev/vda15 contains a vfat file system labelled 'UEFI'\n"
    )


def test_tune2fs_U_refuses_a_mounted_metadata_csum_filesystem(kvm):
    old = kvm.machine.disks[0]["parts"][0]["uuid"]
    result = kvm.run("sudo tune2fs -U random /dev/vda1")
    assert result == Result(
        "tune2fs 1.47.0 (5-Feb-2023)\n",
        "The UUID may only be changed when the filesystem is unmounted.\n"
        "If you only use kernels newer than v4.4, run 'tune2fs -O metadata_csum_seed' and re-run this "
        "command.\n",
        1,
    )
    assert kvm.machine.disks[0]["parts"][0]["uuid"] == old


def test_tune2fs_U_wants_an_unmounted_filesystem_checked_since_it_was_mounted(kvm):
    boot = kvm.machine.disks[0]["parts"][3]
    boot["mount"] = None  # as umount /boot leaves it
    result = kvm.run("sudo tune2fs -U random /dev/vda16")
    assert result.stdout == (
        "tune2fs 1.47.0 (5-Feb-2023)\n\nThis operation requires a freshly checked filesystem.\n\n"
        "Please run e2fsck -f on the filesystem.\n\n"
    )
    assert result.status == 1
    assert kvm.run("sudo e2fsck /dev/vda16").stdout.startswith("/dev/vda16: clean, ")
    assert kvm.run("sudo tune2fs -U random /dev/vda16").status == 1  # a clean one is not checked again
    checked = kvm.run("sudo e2fsck -f /dev/vda16")
    assert checked.stderr == "e2fsck 1.47.0 (5-Feb-2023)\n" and checked.status == 0
    assert checked.stdout.startswith("Pass 1: Checking inodes, blocks, and sizes\n")
    assert kvm.run("sudo tune2fs -U random /dev/vda16") == Result(
        "tune2fs 1.47.0 (5-Feb-2023)\nSetting the UUID on this filesystem could take some time.\n"
        "Proceed anyway (or wait 5 seconds to proceed) ? (y,N) <proceeding>\n",
        "",
        0,
    )  # nobody answers the question in time, so tune2fs goes on, and says so


def test_e2fsck_refuses_a_mounted_filesystem(kvm):
    assert kvm.run("sudo e2fsck -f /dev/vda1") == Result(
        "/dev/vda1 is mounted.\n", "e2fsck 1.47.0 (5-Feb-2023)\ne2fsck: Cannot continue, aborting.\n\n\n", 8
    )


def test_tune2fs_U_gives_an_unmounted_filesystem_a_new_uuid_that_blkid_shows(kvm):
    boot = kvm.machine.disks[0]["parts"][3]
    boot["mount"] = None  # as umount /boot leaves it
    old = boot["uuid"]
    assert kvm.run("sudo e2fsck -f /dev/vda16").status == 0
    assert kvm.run("sudo tune2fs -U random /dev/vda16 < /dev/null").status == 0
    new = kvm.run("blkid -s UUID -o value /dev/vda16").stdout.strip()
    assert new != old and len(new) == 36 and new[14] == "4"
    assert kvm.run("sudo tune2fs -U 0d2d5d3c-1111-4222-8333-444455556666 /dev/vda16").status == 0
    assert "0d2d5d3c-1111-4222-8333-444455556666" in kvm.run("lsblk -f").stdout
    assert kvm.run("sudo tune2fs -U nonsense /dev/vda16").stderr == "tune2fs: Invalid UUID format\n\n"


def test_e2label_reads_and_sets_the_label(kvm):
    assert kvm.run("sudo e2label /dev/vda16") == Result("BOOT\n", "", 0)
    assert kvm.run("sudo e2label LABEL=BOOT data && sudo e2label /dev/vda16").stdout == "data\n"
    assert kvm.run("sudo tune2fs -L backup /dev/vda16 && blkid -s LABEL -o value /dev/vda16").stdout == (
        "tune2fs 1.47.0 (5-Feb-2023)\nbackup\n"
    )
    assert kvm.run("e2label") == Result("", "Usage: e2label device [newlabel]\n", 1)


def test_fdisk_l_prints_the_gpt_of_the_cloud_image(kvm):
    disk = kvm.machine.disks[0]
    assert kvm.run("sudo fdisk -l /dev/vda").stdout == (
        "Disk /dev/vda: 25 GiB, 26843545600 bytes, 52428800 sectors\n"
        "Units: sectors of 1 * 512 = 512 bytes\n"
        "Sector size (logical/physical): 512 bytes / 512 bytes\n"
        "I/O size (minimum/optimal): 512 bytes / 512 bytes\n"
        "Disklabel type: gpt\n"
        f"Disk identifier: {disk['ptuuid'].upper()}\n"
        "\n"
        "Device       Start      End  Sectors Size Type\n"
        "/dev/vda1  2099200 52428766 50329567  24G Linux filesystem\n"
        "/dev/vda14    2048    10239     8192   4M BIOS boot\n"
        "/dev/vda15   10240   227327   217088 106M EFI System\n"
        "/dev/vda16  227328  2097152  1869825 913M Linux extended boot\n"
        "\n"
        "Partition table entries are not in disk order.\n"
    )
    assert kvm.run("fdisk -l /dev/vda") == Result("", "fdisk: cannot open /dev/vda: Permission denied\n", 1)
    assert kvm.run("fdisk -l") == Result("", "", 0)


def test_fdisk_l_names_the_disk_model_of_emulated_disks():
    out = World.new("vmware-guest").run("sudo fdisk -l").stdout.splitlines()
    assert out[1] == "Disk model: VMware Virtual S"
    assert out[-1].startswith("/dev/sda2 ") and out[-1].endswith(" Linux filesystem")


def test_lsblk_chooses_columns_and_prints_json(kvm):
    root_uuid = kvm.machine.disks[0]["parts"][0]["uuid"]
    assert kvm.run("lsblk -no UUID /dev/vda1") == Result(root_uuid + "\n", "", 0)
    assert kvm.run("lsblk -dnp").stdout == "/dev/vda 253:0   0   25G 0 disk \n"
    assert kvm.run("lsblk -o NAME,SIZE,TYPE").stdout.splitlines()[:2] == [
        "NAME    SIZE TYPE",
        "vda      25G disk",
    ]
    listing = kvm.run("lsblk -J").stdout
    assert listing.startswith('{\n   "blockdevices": [\n      {\n         "name": "vda",\n')
    assert '               "mountpoints": [\n                   "/"\n               ]\n' in listing
    assert kvm.run("lsblk -o foo") == Result("", "lsblk: unknown column: foo\n", 1)
    assert kvm.run("lsblk /dev/nope") == Result("", "lsblk: /dev/nope: not a block device\n", 32)


def test_parted_prints_the_table_in_compact_units(kvm):
    assert kvm.run("sudo parted /dev/vda print").stdout == (
        "Model: Virtio Block Device (virtblk)\n"
        "Disk /dev/vda: 26.8GB\n"
        "Sector size (logical/physical): 512B/512B\n"
        "Partition Table: gpt\n"
        "Disk Flags: \n"
        "\n"
        "Number  Start   End     Size    File system  Name  Flags\n"
        " 1      1075MB  26.8GB  25.8GB  ext4               \n"
        "14      1049kB  5243kB  4194kB                     bios_grub\n"
        "15      5243kB  116MB   111MB   fat32              boot, esp\n"
        "16      116MB   1074MB  957MB   ext4               bls_boot\n"
        "\n"
    )
    assert kvm.run("parted /dev/vda print") == Result(
        "", "Error: Error opening /dev/vda: Permission denied\n", 1
    )
    assert kvm.run("sudo parted -l").stdout == kvm.run("sudo parted /dev/vda print").stdout


def test_lsblk_json_joins_siblings_as_libsmartcols(kvm):
    listing = kvm.run("lsblk -J -o NAME").stdout
    assert '               "name": "vda1"\n            },{\n               "name": "vda14"\n' in listing
