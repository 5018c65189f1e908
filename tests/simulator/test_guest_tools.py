"""The guest tools' commands: present where their package is, answering as the hypervisor allows."""

import pytest

from simulator import Result, World

VBOX_LOGO = (
    "Oracle VM VirtualBox Guest Additions Command Line Management Interface Version 7.0.16_Ubuntu\n"
    "Copyright (C) 2008-2024 Oracle and/or its affiliates\n\n"
)


@pytest.fixture(scope="module")
def vmware():
    return World.new("vmware-guest")


@pytest.fixture(scope="module")
def oracle():
    return World.new("virtualbox-guest")


def test_vmware_toolbox_cmd_reports_what_the_host_tells(vmware):
    assert vmware.run("vmware-toolbox-cmd -v") == Result("12.4.5.49651 (build-23787635)\n", "", 0)
    assert vmware.run("vmware-toolbox-cmd stat speed").stdout == "2800 MHz\n"
    assert vmware.run("vmware-toolbox-cmd stat memlimit").stdout == "4294967295 MB\n"
    assert vmware.run("vmware-toolbox-cmd stat balloon").stdout == "0 MB\n"
    session = vmware.run("vmware-toolbox-cmd stat sessionid").stdout
    assert session.startswith("0x") and vmware.run("vmware-toolbox-cmd stat sessionid").stdout == session
    raw = vmware.run("vmware-toolbox-cmd stat raw text session").stdout
    assert raw.startswith(f"session = {int(session, 16)}\nuptime = ")
    assert "version = VMware ESXi 8.0.2 build-22380479\nprovider =\nuuid.bios = " in raw
    assert vmware.run("vmware-toolbox-cmd stat") == Result(
        "",
        "vmware-toolbox-cmd: Missing subcommand\nTry 'vmware-toolbox-cmd help stat' for more information.\n",
        64,
    )
    assert vmware.run("vmware-toolbox-cmd disk list") == Result(
        "", "vmware-toolbox-cmd: You must be root to perform disk operations.\n", 77
    )
    assert vmware.run("sudo vmware-toolbox-cmd disk list").stdout == "/\n/boot/efi\n"


def test_vmware_time_sync_is_a_setting_the_host_keeps():
    world = World.new("vmware-guest")
    assert world.run("vmware-toolbox-cmd timesync status").stdout == "Disabled\n"
    assert world.run("vmware-toolbox-cmd timesync enable").stdout == "Enabled\n"
    assert World.from_dict(world.to_dict()).run("vmware-toolbox-cmd timesync status").stdout == "Enabled\n"


def test_vmware_tools_installed_on_another_hypervisor_refuse_and_their_service_stays_dead():
    kvm = World.new("kvm-guest")
    assert kvm.run("vmware-toolbox-cmd -v").status == 127
    install = kvm.run("sudo apt install -y open-vm-tools").stdout
    assert install.endswith(
        "Setting up open-vm-tools (2:12.4.5-1~ubuntu0.24.04.1) ...\n"
        "Created symlink /etc/systemd/system/multi-user.target.wants/open-vm-tools.service "
        "\u2192 /usr/lib/systemd/system/open-vm-tools.service.\n"
        "Processing triggers for man-db (2.12.0-4build2) ...\n"
    )
    assert kvm.run("vmware-toolbox-cmd -v") == Result(
        "", "vmware-toolbox-cmd must be run inside a virtual machine.\n", 1
    )
    status = kvm.run("systemctl status open-vm-tools")
    assert status.status == 3
    assert status.stdout.startswith(
        "○ open-vm-tools.service - Service for virtual machines hosted on VMware\n"
    )
    assert "             └─ ConditionVirtualization=vmware was not met\n" in status.stdout
    assert kvm.run("systemctl is-active open-vm-tools") == Result("inactive\n", "", 3)


def test_vboxcontrol_reads_the_guest_properties(oracle):
    assert oracle.run("VBoxControl --version") == Result("7.0.16_Ubuntur162802\n", "", 0)
    assert oracle.run("VBoxControl guestproperty get /VirtualBox/GuestInfo/Net/0/V4/IP") == Result(
        VBOX_LOGO + "Value: 10.0.2.15\n", "", 0
    )
    listing = oracle.run("VBoxControl --nologo guestproperty enumerate").stdout
    assert listing.startswith("Name: /VirtualBox/GuestAdd/Revision, value: 162802, timestamp: ")
    assert ", flags: TRANSIENT, RDONLYGUEST\n" in listing
    assert oracle.run("VBoxControl --nologo guestproperty get /nothing") == Result("No value set!\n", "", 1)
    usage = oracle.run("VBoxControl --nologo info")
    assert usage.status == 2
    assert "VBoxControl guestproperty            get <property> [--verbose]\n" in usage.stdout


def test_vboxcontrol_elsewhere_cannot_reach_a_host():
    kvm = World.new("kvm-guest")
    kvm.run("sudo apt install -y virtualbox-guest-utils")
    assert kvm.run("VBoxControl --nologo guestproperty enumerate") == Result(
        "",
        "VBoxControl: error: Could not contact the host system.  Make sure that you are running this\n"
        "application inside a VirtualBox guest system, and that you have sufficient\nuser permissions.\n",
        1,
    )


@pytest.mark.parametrize(
    ("scenario", "cloud"),
    [
        ("kvm-guest", "nocloud"),
        ("vmware-guest", "none"),
        ("lxc-container", "nocloud"),
        ("xen-guest", "nocloud"),
    ],
)
def test_cloud_id_names_the_datasource(scenario, cloud):
    world = World.new(scenario)
    assert world.run("cloud-id") == Result(f"{cloud}\n", "", 0)
    assert world.run("cloud-id -l").stdout == f"{cloud}\tNone\n"
    assert f'"cloud_id": "{cloud}"' in world.run("cloud-id -j").stdout


def test_hosts_have_no_cloud_init_and_the_docker_image_no_guest_tools():
    assert World.new("intel-vtx-host").run("cloud-id").status == 127
    docker = World.new("docker-container")
    for program in ("cloud-id", "vmware-toolbox-cmd", "VBoxControl", "qemu-ga"):
        assert docker.run(f"{program} --version").status == 127


def test_host_packages_answer_their_version_once_installed():
    host = World.new("intel-vtx-host")
    assert host.run("docker --version").status == 127
    assert host.run("sudo apt install -y docker.io").status == 0
    assert host.run("docker --version") == Result("Docker version 24.0.7, build 24.0.7-0ubuntu4.1\n", "", 0)
    assert host.run("docker ps").stderr.startswith(
        "permission denied while trying to connect to the Docker daemon"
    )
    assert host.run("sudo docker ps").stdout == (
        "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
    )
    assert "overlay" in host.run("lsmod").stdout
    assert "Active: active (running)" in host.run("systemctl status docker").stdout
    host.run("sudo reboot")
    assert "br_netfilter" in host.run("lsmod").stdout


def test_vmware_toolbox_cmd_parses_options_as_getopt_does():
    world = World.new("vmware-guest")
    assert world.run("vmware-toolbox-cmd -x") == Result(
        "",
        "vmware-toolbox-cmd: invalid option -- 'x'\nTry 'vmware-toolbox-cmd -h' for more information.\n",
        1,
    )
    assert world.run("vmware-toolbox-cmd foo") == Result(
        "",
        "vmware-toolbox-cmd: Unknown command 'foo'\nTry 'vmware-toolbox-cmd help' for more information.\n",
        64,
    )
    assert world.run("vmware-toolbox-cmd -q timesync enable") == Result("", "", 0)
    assert world.run("vmware-toolbox-cmd timesync status").stdout == "Enabled\n"
    assert world.run("vmware-toolbox-cmd help").stdout.startswith(
        "Usage: vmware-toolbox-cmd <command> [options] [subcommand]\n"
        "Type 'vmware-toolbox-cmd help <command>' for help on a specific command.\n"
    )
