import pytest

from simulator import Result, World


@pytest.fixture(scope="module")
def worlds():
    return {
        name: World.new(name) for name in ("kvm-guest", "docker-container", "intel-vtx-host", "lxc-container")
    }


def test_df_lists_the_disks_that_lsblk_and_fstab_name(worlds):
    lines = worlds["kvm-guest"].run("df -h").stdout.splitlines()
    assert lines[0] == "Filesystem      Size  Used Avail Use% Mounted on"
    assert [line.split()[0] for line in lines[1:]] == [
        "tmpfs",
        "/dev/vda1",
        "tmpfs",
        "tmpfs",
        "/dev/vda16",
        "/dev/vda15",
        "tmpfs",
    ]
    assert lines[2] == "/dev/vda1        24G  2.2G   21G  10% /"


def test_df_type_column_and_excluded_types(worlds):
    out = worlds["kvm-guest"].run("df -T -x tmpfs").stdout.splitlines()
    assert out[0] == "Filesystem     Type 1K-blocks    Used Available Use% Mounted on"
    assert [line.split()[1] for line in out[1:]] == ["ext4", "ext4", "vfat"]
    assert (
        worlds["intel-vtx-host"].run("df -h /boot/efi").stdout.splitlines()[1].startswith("/dev/nvme0n1p1 ")
    )


def test_docker_root_is_overlay_and_the_host_disk_shows_behind_etc_hosts(worlds):
    docker = worlds["docker-container"]
    lines = docker.run("df -h").stdout.splitlines()
    assert lines[1].startswith("overlay ") and lines[1].endswith(" /")
    assert lines[2] == "tmpfs            64M     0   64M   0% /dev"
    assert lines[3] == "shm              64M     0   64M   0% /dev/shm"
    assert lines[4].startswith("/dev/nvme0n1p2 ") and lines[4].endswith(" /etc/hosts")
    assert docker.run("findmnt -n -o SOURCE /") == Result("overlay\n", "", 0)


def test_mount_lists_sources_targets_types_and_options(worlds):
    out = worlds["kvm-guest"].run("mount").stdout
    assert "/dev/vda1 on / type ext4 (rw,relatime,discard,errors=remount-ro,commit=30)\n" in out
    assert "proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)\n" in out
    assert worlds["kvm-guest"].run("mount -t vfat").stdout.startswith("/dev/vda15 on /boot/efi type vfat (")


def test_findmnt_tree_and_root_source(worlds):
    kvm = worlds["kvm-guest"]
    tree = kvm.run("findmnt").stdout.splitlines()
    assert tree[0].split() == ["TARGET", "SOURCE", "FSTYPE", "OPTIONS"]
    assert tree[1].split()[:3] == ["/", "/dev/vda1", "ext4"]
    assert any(line.startswith("│ ├─/sys/kernel/security ") for line in tree)
    assert any(line.startswith("  └─/boot/efi ") for line in tree)
    assert kvm.run("findmnt -n -o SOURCE /") == Result("/dev/vda1\n", "", 0)
    lxc = worlds["lxc-container"].run("findmnt -n -o SOURCE /").stdout
    assert lxc == "/dev/nvme0n1p2[/var/lib/lxc/build-lxc/rootfs]\n"


def test_stat_in_docker_shows_the_overlay_device_and_the_host_disk_behind_bind_mounts():
    world = World.new("docker-container")
    root = next(p for d in world.machine.disks for p in d["parts"] if p["fstype"] == "ext4")
    assert world.run("stat /").stdout.splitlines()[2] == "Device: 0,52\tInode: 2           Links: 16"
    assert world.run("stat /usr/bin/ls").stdout.splitlines()[2].startswith("Device: 0,52\t")
    host = f"Device: {root['major']},{root['minor']}\t"
    assert world.run("stat /etc/hosts").stdout.splitlines()[2].startswith(host)
    assert world.run("df / /etc/hosts").stdout.splitlines()[1].startswith("overlay ")


def test_stat_in_lxc_shows_the_host_disk_its_root_is_bound_from():
    world = World.new("lxc-container")
    root = next(p for d in world.machine.disks for p in d["parts"] if p["fstype"] == "ext4")
    assert world.run("stat /").stdout.splitlines()[2].startswith(f"Device: {root['major']},{root['minor']}\t")


def test_df_inodes_and_output_fields():
    world = World.new("kvm-guest")
    assert world.run("df -i /").stdout == (
        "Filesystem      Inodes IUsed   IFree IUse% Mounted on\n"
        "/dev/vda1      1572864 61000 1511864    4% /\n"
    )
    assert "/dev/vda15           0     0       0     - /boot/efi\n" in world.run("df -i").stdout
    assert world.run("df -ih /").stdout.splitlines()[1] == "/dev/vda1        1.5M   60K  1.5M    4% /"
    assert world.run("df --output=source,fstype,pcent /boot").stdout == (
        "Filesystem     Type Use%\n/dev/vda16     ext4  11%\n"
    )
    assert world.run("df --output / | tail -1").stdout.split()[-2:] == ["/", "/"]
    assert world.run("df -i --output") == Result(
        "", "df: options -i and --output are mutually exclusive\nTry 'df --help' for more information.\n", 1
    )


def test_a_uefi_install_holds_its_esp_files_in_boot_efi():
    """Ubuntu 24.04's ESP as grub-install --uefi-secure-boot leaves it, on curtin's `defaults` mount."""
    world = World.new("vtx-disabled-host")
    assert world.run("ls -1 /boot/efi/EFI/BOOT /boot/efi/EFI/ubuntu").stdout == (
        "/boot/efi/EFI/BOOT:\nBOOTX64.EFI\nfbx64.efi\nmmx64.efi\n\n"
        "/boot/efi/EFI/ubuntu:\nBOOTX64.CSV\ngrub.cfg\ngrubx64.efi\nmmx64.efi\nshimx64.efi\n"
    )
    sizes = world.run("stat -c %s /boot/efi/EFI/BOOT/BOOTX64.EFI /boot/efi/EFI/ubuntu/shimx64.efi").stdout
    assert sizes == "966664\n966664\n"  # the removable path's shim is a copy of Ubuntu's
    root = world.run("sudo blkid -s UUID -o value /dev/nvme0n1p2").stdout.strip()
    assert world.run("cat /boot/efi/EFI/ubuntu/grub.cfg").stdout == (
        f"search.fs_uuid {root} root hd0,gpt2 \nset prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n"
    )
    assert world.run("ls -l /boot/efi/EFI/ubuntu/shimx64.efi").stdout.startswith(
        "-rwxr-xr-x 1 root root 966664 "
    )
    assert "fmask=0022,dmask=0022" in world.run("findmnt -no OPTIONS /boot/efi").stdout
    used = world.run("df --output=used /boot/efi").stdout.split()[1]
    assert world.run("du -sk /boot/efi").stdout == f"{used}\t/boot/efi\n"  # df and du agree
    assert world.run("df -h /boot/efi").stdout.splitlines()[1].split()[1:5] == ["1.0G", "5.9M", "1019M", "1%"]


def test_the_cloud_images_esp_is_root_only_and_points_grub_at_boot(worlds):
    world = worlds["kvm-guest"]
    assert world.run("ls /boot/efi") == Result(
        "", "ls: cannot open directory '/boot/efi': Permission denied\n", 2
    )
    assert world.run("sudo ls -1 /boot/efi/EFI/BOOT").stdout == "BOOTX64.EFI\nfbx64.efi\nmmx64.efi\n"
    boot = world.run("sudo blkid -s UUID -o value /dev/vda16").stdout.strip()
    assert world.run("sudo head -n 2 /boot/efi/EFI/ubuntu/grub.cfg").stdout == (
        f"search.fs_uuid {boot} root hd0,gpt16 \nset prefix=($root)'/grub'\n"
    )
    csv = world.run("sudo cat /boot/efi/EFI/ubuntu/BOOTX64.CSV").stdout  # UCS-2: a NUL after each letter
    assert (
        csv.replace("\0", "") == "shimx64.efi,ubuntu,,This is the boot entry for ubuntu\n" and len(csv) == 108
    )
    assert world.run("df -h /boot/efi").stdout.splitlines()[1].split()[1:5] == ["106M", "5.9M", "101M", "6%"]


def test_a_bios_install_has_a_bios_grub_partition_and_no_esp():
    world = World.new("vmware-guest")
    assert world.machine.spec["firmware"] == "bios"
    assert world.run("lsblk -no NAME,SIZE,MOUNTPOINTS /dev/sda").stdout.splitlines()[1:] == [
        "├─sda1  1M ",
        "└─sda2 25G /",
    ]
    assert "/boot/efi" not in world.run("cat /etc/fstab; findmnt").stdout
    assert world.run("ls /boot/efi").stderr == "ls: cannot access '/boot/efi': No such file or directory\n"
