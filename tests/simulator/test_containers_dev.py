"""Containers' own /dev, PID 1's environment, the host's DMI; cloud-init's files; the setup screen width."""

import pytest

from simulator import firmware
from simulator.machine import Machine
from simulator.world import World


@pytest.fixture(scope="module")
def worlds():
    return {name: World.new(name) for name in ("docker-container", "lxc-container", "kvm-guest")}


def test_container_dev_has_no_host_devices(worlds):
    docker = worlds["docker-container"].run("ls -1 /dev").stdout.split()
    assert docker == sorted(
        "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero".split()
    )
    lxc = worlds["lxc-container"].run("ls -1 /dev").stdout.split()
    assert lxc == sorted(
        "console fd full log mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero".split()
    )
    assert worlds["docker-container"].run("readlink /dev/core").stdout == "/proc/kcore\n"


def test_containers_list_host_disks_but_blkid_finds_nothing(worlds):
    for name in ("docker-container", "lxc-container"):
        world = worlds[name]
        assert "disk" in world.run("lsblk").stdout
        assert world.run("sudo blkid").stdout == ""
        assert world.run("sudo blkid").status == 2


def test_pid1_environ(worlds):
    assert worlds["lxc-container"].run("sudo cat /proc/1/environ").stdout == "container=lxc\0"
    docker = worlds["docker-container"].run("sudo cat /proc/1/environ").stdout.split("\0")
    assert docker[:2] == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME=3f4e5d6c7b8a",
    ]
    assert not any(v.startswith("container=") for v in docker)
    assert (
        worlds["lxc-container"].run("sudo cat /proc/1/environ | tr '\\0' '\\n'").stdout == "container=lxc\n"
    )


def test_container_dmi_is_the_hosts(worlds):
    assert worlds["lxc-container"].run("cat /sys/class/dmi/id/sys_vendor").stdout == "Dell Inc.\n"
    assert worlds["docker-container"].run("cat /sys/class/dmi/id/product_name").stdout == "Latitude 5420\n"


def test_cloud_init_files_match_query(worlds):
    kvm = worlds["kvm-guest"]
    assert kvm.run("readlink /var/lib/cloud/instance").stdout == "/var/lib/cloud/instances/iid-web01\n"
    assert (
        kvm.run("cat /var/lib/cloud/data/instance-id").stdout
        == kvm.run("cloud-init query instance_id").stdout
    )
    assert kvm.run("cat /var/lib/cloud/instance/boot-finished").status == 0
    assert '"datasource": "DataSourceNoCloud' in kvm.run("cat /var/lib/cloud/data/status.json").stdout
    assert "finished at" in kvm.run("sudo cat /var/log/cloud-init-output.log").stdout
    assert kvm.run("ls /run/cloud-init/instance-data.json").status == 0
    assert worlds["docker-container"].run("ls /var/lib/cloud").status == 2


@pytest.mark.parametrize(
    "spec", [{"platform": "metal"}, {"platform": "metal", "cpu": "amd-epyc-7451"}, {"platform": "kvm"}]
)
def test_setup_screen_fits_80_columns(spec):
    machine = Machine.create(spec)
    machine.enter_firmware()
    machine.setup["virt_enabled"] = not machine.virt_enabled
    assert max(len(line) for line in firmware.screen(machine).splitlines()) <= 80
