"""What the quiz's typed commands need from a machine: LXD's lxc, qemu-img convert, a shell's namespaces,
a blank data disk, the programs a line ran, and a fresh trial of a line (simulator/trial.py)."""

import pytest

from simulator import World, trial

NS = "lrwxrwxrwx 1 learner learner {size} Nov 27 10:00 {name} -> '{kind}:[{inode}]'\n"


@pytest.fixture
def host():
    world = World.new("kvm-host")
    world.run_as_root("apt-get install -y lxd-installer")
    return world


def _root(world, line):
    result = world.run_as_root(line)
    return result.stdout, result.stderr, result.status


def test_lxc_launch_needs_lxd_init_then_lists_the_running_container(host):
    assert _root(host, "lxc launch ubuntu:24.04 web1") == (
        "Launching web1\n",
        "Error: Failed instance creation: Failed creating instance record: Failed initialising instance: "
        "Failed getting root disk: No root device could be found\n",
        1,
    )
    assert _root(host, "lxd init --auto") == ("", "", 0)
    assert _root(host, "lxc launch ubuntu:noble web1") == ("Launching web1\n", "", 0)
    rule = "+------+---------+----------------------+" + "-" * 47 + "+-----------+-----------+\n"
    assert _root(host, "lxc list") == (
        rule
        + "| NAME |  STATE  |         IPV4         |"
        + "                     IPV6                      |   TYPE    | SNAPSHOTS |\n"
        + rule
        + "| web1 | RUNNING | 10.147.91.121 (eth0) |"
        + " fd42:8b1c:5e7a:3d2f:216:3eff:fe9a:7fb2 (eth0) | CONTAINER | 0         |\n"
        + rule,
        "",
        0,
    )
    assert _root(host, "lxc delete web1")[1:] == (
        "Error: The instance is currently running, stop it first or pass --force\n",
        1,
    )
    assert _root(host, "lxc stop web1; lxc delete web1; lxc list | wc -l") == ("3\n", "", 0)


def test_lxc_launch_words_a_missing_image_as_lxd_5_21_does(host):
    host.run_as_root("lxd init --auto")
    assert _root(host, "lxc launch ubuntu:99.04 web1") == (
        "Launching web1\n",
        "Error: Failed instance creation: Failed getting remote image info: Failed getting image: "
        'The requested image couldn\'t be found for fingerprint "99.04"\n',
        1,
    )
    # without a remote the image is looked for in the local store, which holds none
    assert _root(host, "lxc launch noble web1") == (
        "Launching web1\n",
        'Error: Failed to find image "noble" on remote "local"\n',
        1,
    )
    assert _root(host, "lxc launch ubuntu:24.04/amd64 web1") == ("Launching web1\n", "", 0)
    assert _root(host, "lxc launch cloud:24.04 web2") == ("", 'Error: The remote "cloud" doesn\'t exist\n', 1)


def test_lxc_launch_refuses_a_name_in_use_and_names_an_unnamed_instance(host):
    host.run_as_root("lxd init --auto")
    host.run_as_root("lxc launch ubuntu:24.04 web1")
    assert _root(host, "lxc launch images:debian/12 web1") == (
        "Launching web1\n",
        'Error: Failed instance creation: Failed creating instance record: Instance "web1" already exists\n',
        1,
    )
    out, err, status = _root(host, "lxc launch ubuntu:22.04")
    assert (out.splitlines()[0], err, status) == ("Launching the instance", "", 0)
    name = out.splitlines()[1].removeprefix("Instance name is: ")
    assert len(out.splitlines()) == 2 and name in host.run_as_root("lxc list").stdout


def test_lxd_init_is_open_to_the_lxd_group_and_refused_to_others(host):
    result = host.run("lxd init --auto")
    assert (result.stdout, result.stderr, result.status) == ("", "", 0)
    host.machine.fs.write(
        "/etc/group", host.machine.fs.read("/etc/group").replace("lxd:x:101:learner", "lxd:x:101:")
    )
    result = host.run("lxd init --auto")
    assert (result.stderr, result.status) == (
        'Error: Failed to connect to local LXD: Get "http://unix.socket/1.0": '
        "dial unix /var/snap/lxd/common/lxd/unix.socket: connect: permission denied\n",
        1,
    )


def test_lxc_refuses_a_user_outside_the_lxd_group(host):
    host.machine.fs.write(
        "/etc/group", host.machine.fs.read("/etc/group").replace("lxd:x:101:learner", "lxd:x:101:")
    )
    result = host.run("lxc list")
    assert (result.stderr, result.status) == (
        'Error: LXD unix socket "/var/snap/lxd/common/lxd/unix.socket" not accessible: permission denied\n',
        1,
    )


def test_qemu_img_converts_a_vmdk_to_qcow2_with_options_after_the_file_names():
    world = World.new("kvm-host")
    assert _root(world, "qemu-img create -f vmdk disk.vmdk 20G") == (
        "Formatting 'disk.vmdk', fmt=vmdk size=21474836480 compat6=off hwversion=undefined\n",
        "",
        0,
    )
    assert _root(world, "qemu-img convert disk.vmdk -O qcow2 disk.qcow2") == ("", "", 0)
    out, _, status = _root(world, "qemu-img info disk.qcow2")
    assert status == 0 and "file format: qcow2\nvirtual size: 20 GiB (21474836480 bytes)\n" in out
    assert _root(world, "qemu-img convert -f qcow2 -O qcow2 disk.vmdk x.qcow2") == (
        "",
        "qemu-img: Could not open 'disk.vmdk': Image is not in qcow2 format\n",
        1,
    )
    # QEMU 8.2's vmdk_open reads a file without the sparse magic as a descriptor, and finds no createType
    for line in ("qemu-img convert -f vmdk -O vmdk disk.qcow2 x.vmdk", "qemu-img info -f vmdk disk.qcow2"):
        assert _root(world, line) == (
            "",
            "qemu-img: Could not open 'disk.qcow2': invalid VMDK image descriptor\n",
            1,
        )


def test_qemu_img_knows_no_driver_by_a_made_up_name_and_reads_anything_as_raw():
    world = World.new("kvm-host")
    _root(world, "qemu-img create -f qcow2 disk.qcow2 1G")
    # bdrv_fill_options refuses the name before any file is opened
    assert _root(world, "qemu-img info -f vhd nowhere.vhd") == (
        "",
        "qemu-img: Could not open 'nowhere.vhd': Unknown driver 'vhd'\n",
        1,
    )
    assert _root(world, "qemu-img convert -f img -O qcow2 nowhere.img x.qcow2") == (
        "",
        "qemu-img: Could not open 'nowhere.img': Unknown driver 'img'\n",
        1,
    )
    assert _root(world, "qemu-img convert -f raw -O qcow2 disk.qcow2 copy.qcow2") == ("", "", 0)
    out, _, _ = _root(world, "qemu-img info copy.qcow2")
    assert "virtual size: 192 KiB (196608 bytes)\n" in out, "the qcow2 file's own bytes became the disk"


def test_the_shells_namespaces_are_links_to_the_initial_namespaces():
    world = World.new("kvm-host")
    result = world.run("ls -l /proc/$$/ns")
    assert result.stdout.splitlines()[:2] == [
        "total 0",
        NS.format(size=0, name="cgroup", kind="cgroup", inode=4026531835).rstrip("\n"),
    ]
    assert "pid_for_children -> 'pid:[4026531836]'" in result.stdout
    assert World.new("lxc-container").run("readlink /proc/$$/ns/net").stdout == "net:[4026532292]\n"


def test_a_data_disk_added_to_the_spec_is_an_unmounted_filesystem():
    world = World.new("clone-identifiers", machine={"spare_disks": [{"name": "vdb", "fstype": "ext4"}]})
    out, _, _ = _root(world, "lsblk -o NAME,FSTYPE,MOUNTPOINTS /dev/vdb")
    assert out == "NAME   FSTYPE MOUNTPOINTS\nvdb           \n└─vdb1 ext4   \n"


def test_a_trial_reports_output_programs_and_changes_and_leaves_the_cached_machine_alone():
    first = trial.run("clone-identifiers", "sudo hostnamectl set-hostname web02 && hostname")
    assert (first.stdout, first.status, first.programs) == ("web02\n", 0, ("sudo", "hostnamectl", "hostname"))
    assert first.changes["/main/hostname"] == '"web02"'
    assert first.changes["/main/fs/nodes//etc/hostname/content"] == '"web02\\n"'
    assert not [key for key in first.changes if "hostname" not in key]
    again = trial.run("clone-identifiers", "hostname")
    assert (again.stdout, again.changes) == ("web01\n", {})
