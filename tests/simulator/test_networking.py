"""systemd-networkd and netplan on the server, cloud and container images; NetworkManager on none."""

import re

import pytest

from simulator import Result, World


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


def test_ip_link_set_down_drops_routes_and_ipv6_until_up():
    world = World.new("kvm-guest")
    nic = world.machine.nics[0]
    assert world.run("ip link set enp1s0 down") == Result(
        "", "RTNETLINK answers: Operation not permitted\n", 2
    )
    assert world.run("sudo ip link set dev enp1s0 down").status == 0
    assert world.run("ip link show enp1s0").stdout.splitlines()[0] == (
        "2: enp1s0: <BROADCAST,MULTICAST> mtu 1500 qdisc fq_codel state DOWN mode DEFAULT group default "
        "qlen 1000"
    )
    assert world.run("ip -br addr").stdout.splitlines()[1] == (
        f"enp1s0           DOWN           {nic['ipv4']}/24 "
    )
    assert world.run("ip route").stdout == ""
    assert "  2 enp1s0 ether    off         configured\n" in world.run("networkctl").stdout
    world.run("sudo ip link set enp1s0 up")
    assert world.run("ip -br link").stdout.splitlines()[1].startswith("enp1s0           UP ")
    assert world.run("ip route").stdout.startswith("default via ")


def test_ip_link_set_name_needs_the_link_down_and_moves_sysfs():
    world = World.new("kvm-guest")
    mac = world.machine.nics[0]["mac"]
    assert world.run("sudo ip link set enp1s0 name eth0") == Result(
        "", "RTNETLINK answers: Device or resource busy\n", 2
    )
    assert world.run("sudo ip link set enp1s0 down && sudo ip link set enp1s0 name eth0 up").status == 0
    assert world.run("ls /sys/class/net").stdout == "eth0  lo\n"
    assert world.run("cat /sys/class/net/eth0/address").stdout == mac + "\n"
    assert world.run(
        "sudo ip link set eth0 mtu 9000 && ip -o link show eth0 || ip link show eth0"
    ).stdout.startswith("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 ")
    world.run("sudo reboot")
    assert world.run("ip -br link").stdout.splitlines()[1].startswith("enp1s0           UP ")
    assert world.run("ls /sys/class/net").stdout == "enp1s0  lo\n"


@pytest.mark.parametrize(
    ("line", "message", "status"),
    [
        ("ip link set", 'Not enough information: "dev" argument is required.\n', 255),
        ("ip link set foo up", 'Cannot find device "foo"\n', 1),
        ("ip link set enp1s0 foo", 'Error: either "dev" is duplicate, or "foo" is a garbage.\n', 255),
        ("ip link set enp1s0 address zz", '"zz" is invalid lladdr.\n', 1),
        ("ip link set enp1s0 mtu abc", 'Error: argument "abc" is wrong: Invalid "mtu" value\n\n', 255),
        ("sudo ip link set enp1s0 mtu 70000", "Error: mtu greater than device maximum.\n", 2),
        ("ip link set enp1s0 name a/b", 'Error: argument "a/b" is wrong: "name" not a valid ifname\n', 255),
        ("ip neigh foo", 'Command "foo" is unknown, try "ip neigh help".\n', 255),
    ],
)
def test_ip_link_set_errors_as_iproute2_6_1(kvm, line, message, status):
    assert kvm.run(line) == Result("", message, status)


def test_ip_neigh_lists_the_gateway(kvm):
    nic = kvm.machine.nics[0]
    line = kvm.run("ip neigh").stdout
    assert re.fullmatch(rf"{nic['gateway']} dev enp1s0 lladdr 52:54:00(:[0-9a-f]{{2}}){{3}} STALE \n", line)
    assert kvm.run("ip neigh show dev enp1s0").stdout == line.replace(" dev enp1s0", "")


def test_ping_the_gateway_prints_iputils_statistics():
    world = World.new("kvm-guest")
    result = world.run("ping -c 3 192.168.122.1")
    lines = result.stdout.splitlines()
    assert lines[0] == "PING 192.168.122.1 (192.168.122.1) 56(84) bytes of data."
    assert all(
        re.fullmatch(r"64 bytes from 192\.168\.122\.1: icmp_seq=\d ttl=64 time=0\.\d{3} ms", x)
        for x in lines[1:4]
    )
    assert lines[4:7] == [
        "",
        "--- 192.168.122.1 ping statistics ---",
        "3 packets transmitted, 3 received, 0% packet loss, time 2009ms",
    ]
    assert re.fullmatch(r"rtt min/avg/max/mdev = 0\.\d{3}/0\.\d{3}/0\.\d{3}/0\.\d{3} ms", lines[7])
    assert result.status == 0
    assert (
        world.run("ping -c 1 localhost")
        .stdout.splitlines()[1]
        .startswith("64 bytes from localhost (127.0.0.1): ")
    )


def test_ping_an_absent_neighbour_or_the_outside_world_loses_everything():
    world = World.new("kvm-guest")
    own = world.machine.nics[0]["ipv4"]
    absent = world.run("ping -c 3 192.168.122.77")
    assert absent.stdout.splitlines()[1] == f"From {own} icmp_seq=1 Destination Host Unreachable"
    assert absent.stdout.endswith(
        "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2056ms\npipe 3\n"
    )
    assert absent.status == 1
    # no rtt line and no pipe: finish() still ends its block with a newline, an empty line
    assert world.run("ping -c 2 8.8.8.8").stdout == (
        "PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.\n\n--- 8.8.8.8 ping statistics ---\n"
        "2 packets transmitted, 0 received, 100% packet loss, time 1044ms\n\n"
    )
    assert world.run("ping example.com") == Result(
        "", "ping: example.com: Temporary failure in name resolution\n", 2
    )
    assert world.run("ping -c x 1.1.1.1") == Result("", "ping: invalid argument: 'x'\n", 1)


def test_ping_without_count_and_without_a_terminal_runs_until_the_line_is_stopped():
    result = World.new("kvm-guest").run("ping 127.0.0.1 | cat")  # nobody can type Ctrl-C to it
    assert result.stdout.count("64 bytes from 127.0.0.1") > 10  # cat shows what ping wrote before


def test_ss_lists_the_listening_sockets_as_iproute2_6_1(kvm):
    assert kvm.run("ss -tln | cat").stdout == (
        "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n"
        "LISTEN 0      4096      127.0.0.54:53        0.0.0.0:*          \n"
        "LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*          \n"
        "LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*          \n"
        "LISTEN 0      4096            [::]:22           [::]:*          \n"
    )
    assert "0.0.0.0:ssh" in kvm.run("ss -tl").stdout
    udp = kvm.run("sudo ss -ulnp | cat").stdout.splitlines()
    assert udp[0].startswith("State  Recv-Q Send-Q ")
    assert udp[3].endswith(':68        0.0.0.0:*    users:(("systemd-network",pid=598,fd=21))')
    assert "users:" not in kvm.run("ss -tlnp").stdout
    assert kvm.run("ss -s").stdout.splitlines()[1] == "TCP:   4 (estab 0, closed 0, orphaned 0, timewait 0)"


STATIC = """network:
  version: 2
  ethernets:
    enp1s0:
      dhcp4: false
      addresses: [192.168.122.50/24]
      routes:
        - to: default
          via: 192.168.122.1
"""


def test_netplan_get_merges_the_files_and_apply_changes_the_address():
    world = World.new("kvm-guest")
    assert world.run("netplan get") == Result(
        "", "Command failed: Cannot open /etc/netplan/50-cloud-init.yaml: Permission denied\n", 0
    )
    world.machine.fs.add_file("/etc/netplan/60-static.yaml", STATIC, mode=0o600)
    merged = world.run("sudo netplan get").stdout
    assert merged.startswith("network:\n  version: 2\n  ethernets:\n    enp1s0:\n      match:\n")
    assert "      dhcp4: false\n" in merged and '        - "192.168.122.50/24"\n' in merged
    assert world.run("sudo netplan get ethernets.enp1s0.dhcp4").stdout == "false\n"
    assert world.run("sudo netplan apply") == Result("", "", 0)
    assert world.run("ip -br addr show enp1s0").stdout.startswith(
        "enp1s0           UP             192.168.122.50/24 "
    )
    assert world.run("ip route").stdout.startswith("default via 192.168.122.1 dev enp1s0 proto static \n")
    world.run("sudo rm /etc/netplan/60-static.yaml && sudo netplan apply")
    assert "metric 100" in world.run("ip route").stdout


def test_netplan_as_a_user_fails_where_its_generator_first_writes():
    world = World.new("kvm-guest")
    refused = world.run("netplan apply")
    assert (refused.stderr, refused.status) == (
        "Cannot open /etc/netplan/50-cloud-init.yaml: Permission denied\n",
        78,
    )
    world.run(
        "sudo chmod 600 /etc/netplan/50-cloud-init.yaml && sudo chown learner /etc/netplan/50-cloud-init.yaml"
    )
    for verb, status in (("generate", 1), ("apply", 78)):
        result = world.run(f"netplan {verb}")
        unit = "/run/systemd/system/netplan-ovs-cleanup.service"
        assert (result.status, result.stderr[: -len("XXXXXX”: Permission denied\n")]) == (
            status,
            f"ERROR: cannot create file {unit}: Failed to create file “{unit}.",
        )
        assert result.stderr.endswith("”: Permission denied\n")


def test_netplan_warns_of_readable_files_and_try_waits_for_enter():
    world = World.new("kvm-guest")
    world.run("sudo chmod 644 /etc/netplan/50-cloud-init.yaml")
    warning = world.run("sudo netplan generate").stderr
    assert warning.startswith("\n** (generate:") and warning.endswith(
        "Permissions for /etc/netplan/50-cloud-init.yaml are too open. "
        "Netplan configuration should NOT be accessible by others.\n"
    )
    world.run("sudo netplan try")
    assert world.asking and world.prompt == "Changes will revert in 120 seconds"
    assert world.run("\x03").stdout == "Reverting.\n"
    bad = world.run("netplan frobnicate")
    assert bad.status == 2 and "invalid choice: 'frobnicate'" in bad.stderr


def test_resolvectl_shows_the_dhcp_dns_server(kvm):
    assert kvm.run("resolvectl status").stdout == (
        "Global\n"
        "       Protocols: -LLMNR -mDNS -DNSOverTLS DNSSEC=no/unsupported\n"
        "resolv.conf mode: stub\n"
        "\n"
        "Link 2 (enp1s0)\n"
        "    Current Scopes: DNS\n"
        "         Protocols: +DefaultRoute -LLMNR -mDNS -DNSOverTLS DNSSEC=no/unsupported\n"
        "Current DNS Server: 192.168.122.1\n"
        "       DNS Servers: 192.168.122.1\n"
    )
    assert kvm.run("resolvectl dns").stdout == "Global:\nLink 2 (enp1s0): 192.168.122.1\n"
    assert kvm.run("resolvectl query localhost").stdout.startswith("localhost: 127.0.0.1 ")
    assert kvm.run("resolvectl query example.com").status == 1


def test_networkctl_status_summarises_the_system_and_a_link(kvm):
    nic = kvm.machine.nics[0]
    assert kvm.run("networkctl status").stdout.splitlines()[:3] == [
        "●        State: routable",
        "  Online state: online",
        f"       Address: {nic['ipv4']} on enp1s0",
    ]
    link = kvm.run("networkctl status enp1s0").stdout.splitlines()
    assert link[0] == "● 2: enp1s0"
    assert "                        Driver: virtio_net" in link
    assert f"{'Address:':>31} {nic['ipv4']} (DHCP4 via 192.168.122.1)" in link
    assert kvm.run("networkctl status eth9") == Result("", 'Interface "eth9" not found.\n', 1)


def test_ip_neigh_shows_the_gateway_reachable_after_a_ping():
    world = World.new("kvm-guest")
    world.run("ping -c 1 192.168.122.1")
    assert world.run("ip neigh").stdout.endswith(" REACHABLE \n")


def test_netplan_status_shows_the_running_state(kvm):
    nic = kvm.machine.nics[0]
    assert kvm.run("netplan status").stdout == (
        "     Online state: online\n"
        "    DNS Addresses: 127.0.0.53 (stub)\n"
        "\n"
        "●  2: enp1s0 ethernet UP (networkd: enp1s0)\n"
        f"      MAC Address: {nic['mac']} (Red Hat, Inc.)\n"
        f"        Addresses: {nic['ipv4']}/24 (dhcp)\n"
        f"                   {kvm.run('ip -6 -br a show enp1s0').stdout.split()[2]} (link)\n"
        "    DNS Addresses: 192.168.122.1\n"
        f"           Routes: default via 192.168.122.1 from {nic['ipv4']} metric 100 (dhcp)\n"
        f"                   192.168.122.0/24 from {nic['ipv4']} metric 100 (link)\n"
        f"                   192.168.122.1 from {nic['ipv4']} metric 100 (dhcp, link)\n"
        "                   fe80::/64 metric 256\n"
        "\n"
        '1 inactive interfaces hidden. Use "--all" to show all.\n'
    )


def test_ip_link_set_in_docker_lacks_cap_net_admin():
    assert World.new("docker-container").run("sudo ip link set eth0 down") == Result(
        "", "RTNETLINK answers: Operation not permitted\n", 2
    )


@pytest.mark.parametrize("line", ["ip help", "ip -help", "ip --help"])
def test_ip_help_prints_the_usage_as_ip_alone_does(line):
    # iproute2's usage() answers `help` and -help (--help is read as -help): to stderr, exit 255.
    world = World.new("kvm-guest")
    usage = world.run("ip")
    assert usage.stderr.startswith("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n")
    assert world.run(line) == usage
