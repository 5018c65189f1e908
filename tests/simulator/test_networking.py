"""systemd-networkd and netplan on the server, cloud and container images; NetworkManager on none."""

import pytest

from simulator import World
from simulator.result import Result


@pytest.fixture(scope="module")
def kvm():
    return World.new("kvm-guest")


def test_cloud_init_writes_netplan_through_netplans_emitter(kvm):
    nic = kvm.machine.nics[0]
    assert kvm.run("sudo cat /etc/netplan/50-cloud-init.yaml").stdout == (
        "network:\n"
        "  version: 2\n"
        "  ethernets:\n"
        "    enp1s0:\n"
        "      match:\n"
        f'        macaddress: "{nic["mac"]}"\n'
        "      dhcp4: true\n"
        "      dhcp6: true\n"
        '      set-name: "enp1s0"\n'
    )
    assert kvm.run("ls -l /etc/netplan").stdout.splitlines()[1].startswith("-rw------- 1 root root ")
    assert kvm.run("cat /etc/netplan/50-cloud-init.yaml").status == 1


@pytest.mark.parametrize("scenario", ["hyperv-guest", "xen-guest"])
def test_every_cloud_image_has_the_netplan_file(scenario):
    world = World.new(scenario)
    nic = world.machine.nics[0]["name"]
    assert f'      set-name: "{nic}"\n' in world.run("sudo cat /etc/netplan/50-cloud-init.yaml").stdout


def test_installer_made_systems_have_no_cloud_init_netplan_file():
    assert World.new("intel-vtx-host").run("ls /etc/netplan/50-cloud-init.yaml").status == 2


def test_networkctl_lists_links_as_systemd_255(kvm):
    """Without the legend the header row is left out of the column widths too (format-table.c)."""
    assert kvm.run("networkctl").stdout == (
        "IDX LINK   TYPE     OPERATIONAL SETUP\n"
        "  1 lo     loopback carrier     unmanaged\n"
        "  2 enp1s0 ether    routable    configured\n"
        "\n"
        "2 links listed.\n"
    )
    assert kvm.run("networkctl list --no-legend").stdout == (
        "  1 lo     loopback carrier  unmanaged\n  2 enp1s0 ether    routable configured\n"
    )


def test_systemd_networkd_is_active_and_networkmanager_absent(kvm):
    status = kvm.run("systemctl status systemd-networkd").stdout.splitlines()
    assert status[0] == "● systemd-networkd.service - Network Configuration"
    assert status[1] == (
        "     Loaded: loaded (/usr/lib/systemd/system/systemd-networkd.service; enabled; preset: enabled)"
    )
    assert status[3:9] == [
        "TriggeredBy: ● systemd-networkd.socket",
        "       Docs: man:systemd-networkd.service(8)",
        "             man:org.freedesktop.network1(5)",
        "   Main PID: 598 (systemd-network)",
        '     Status: "Processing requests..."',
        "      Tasks: 1 (limit: 4557)",
    ]
    for scenario in ("intel-vtx-host", "amd-v-host", "vmware-guest", "hyperv-guest"):
        world = World.new(scenario)
        assert world.run("systemctl is-active systemd-networkd").stdout == "active\n"
        missing = world.run("systemctl status NetworkManager")
        assert (missing.stderr, missing.status) == ("Unit NetworkManager.service could not be found.\n", 4)


def test_journald_main_pid_shows_the_truncated_comm(kvm):
    assert "   Main PID: 361 (systemd-journal)\n" in kvm.run("systemctl status systemd-journald").stdout


def test_ps_shows_networkd_under_its_shortened_user(kvm):
    line = next(x for x in kvm.run("ps aux").stdout.splitlines() if "systemd-networkd" in x)
    assert line.startswith("systemd+     598 ")


def test_networkctl_in_docker_finds_no_bus():
    result = World.new("docker-container").run("networkctl")
    assert result == Result("", "Failed to connect to system bus: No such file or directory\n", 1)
