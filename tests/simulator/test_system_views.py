"""/proc, /sys and /dev entries: each consistent with the command that shows the same thing."""

from simulator import Result, World


def test_sys_class_net_entries_are_links_into_sys_devices():
    world = World.new("kvm-guest")
    assert world.run("ls -l /sys/class/net").stdout == (
        "total 0\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 10:00 enp1s0 -> "
        "../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/virtio0/net/enp1s0\n"
        "lrwxrwxrwx 1 root root 0 Nov 27 10:00 lo -> ../../devices/virtual/net/lo\n"
    )
    mac = world.machine.nics[0]["mac"]
    assert world.run("cat /sys/class/net/enp1s0/address").stdout == mac + "\n"
    assert world.run("readlink /sys/class/net/lo").stdout == "../../devices/virtual/net/lo\n"
    assert World.new("docker-container").run("readlink /sys/class/net/eth0").stdout == (
        "../../devices/virtual/net/eth0\n"
    )


def test_dev_disk_links_match_blkid():
    world = World.new("kvm-guest")
    root = world.machine.disks[0]["parts"][0]
    assert world.run(f"readlink /dev/disk/by-uuid/{root['uuid']}").stdout == "../../vda1\n"
    assert world.run(f"readlink -f /dev/disk/by-partuuid/{root['partuuid']}").stdout == "/dev/vda1\n"
    assert world.run("readlink /dev/disk/by-label/cloudimg-rootfs").stdout == "../../vda1\n"
    assert world.run("readlink /dev/disk/by-path/pci-0000:04:00.0-part15").stdout == "../../vda15\n"
    assert f'/dev/vda1: LABEL="cloudimg-rootfs" UUID="{root["uuid"]}"' in world.run("blkid").stdout
    host = World.new("intel-vtx-host")
    ids = host.run("ls /dev/disk/by-id").stdout.split()
    assert any(name.startswith("nvme-PC_SN530_NVMe_WDC_512GB_") and name.endswith("-part2") for name in ids)
    assert World.new("lxc-container").run("ls /dev/disk").status == 2


def test_dev_disk_is_rebuilt_not_saved():
    world = World.new("kvm-guest")
    world.run("sudo rm /dev/disk/by-label/BOOT")
    state = world.to_dict()
    saved = next(iter(state["machines"].values()))["fs"]["nodes"]
    assert not any(path.startswith("/dev/disk/") for path in saved)
    assert World.from_dict(state).run("readlink /dev/disk/by-label/BOOT").stdout == "../../vda16\n"


def test_proc_mounts_is_the_table_findmnt_shows():
    world = World.new("kvm-guest")
    assert world.run("readlink /proc/mounts").stdout == "self/mounts\n"
    mounts = world.run("cat /proc/mounts").stdout.splitlines()
    assert "/dev/vda1 / ext4 rw,relatime,discard,errors=remount-ro,commit=30 0 0" in mounts
    assert mounts[0] == "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0"
    targets = world.run("findmnt -ln -o TARGET").stdout.split()
    assert targets == [line.split()[1] for line in mounts]
    assert world.run("findmnt -n -o SOURCE /").stdout == "/dev/vda1\n"


def test_proc_self_cgroup_is_the_login_session():
    assert World.new("kvm-guest").run("cat /proc/self/cgroup") == Result(
        "0::/user.slice/user-1000.slice/session-1.scope\n", "", 0
    )
    assert World.new("docker-container").run("cat /proc/self/cgroup").stdout == "0::/\n"
    assert World.new("kvm-guest").run("cat /proc/1/cgroup").stdout == "0::/init.scope\n"


def test_proc_devices_lists_the_disk_drivers():
    world = World.new("kvm-guest")
    text = world.run("cat /proc/devices").stdout
    assert text.startswith("Character devices:\n  1 mem\n  4 /dev/vc/0\n")
    assert "\n 10 misc\n" in text and "\nBlock devices:\n  7 loop\n  8 sd\n" in text
    assert "\n253 virtblk\n" in text
    assert "\n202 xvd\n" in World.new("xen-guest").run("cat /proc/devices").stdout


def test_an_lxc_guest_sees_the_hosts_cpu_topology():
    world = World.new("lxc-container")
    info = world.run("cat /proc/cpuinfo").stdout
    blocks = [b for b in info.split("\n\n") if b]
    assert len(blocks) == world.machine.spec["cpus"]
    for block in blocks:
        fields = dict(line.split("\t: ", 1) for line in block.splitlines() if "\t: " in line)
        assert fields["siblings"] == "8" and fields["cpu cores"] == "4"  # the host's 4 cores x 2 threads


def test_docker_shows_every_host_processor():
    world = World.new("docker-container")
    assert world.run("grep -c ^processor /proc/cpuinfo").stdout == "8\n"
    assert world.run("nproc").stdout == "8\n"
    assert World.new("lxc-container").run("grep -c ^processor /proc/cpuinfo").stdout == "2\n"
