"""What collides between machines on one network, seen as on a real LAN: arping, ip neigh, the host's virbr0,
one DHCP lease for one machine-id, one host key seen at two addresses."""

import pytest

from simulator import World


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


@pytest.fixture
def cloned():
    """web01 cloned without care into web02 (one machine-id: one lease, one address), both running; the
    terminal in db01's console, a third machine on the same network."""
    world = World.new("kvm-host")
    for line in (
        "sudo virsh start db01",
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
        "sudo virsh start web02",
        "sudo virsh console db01",
    ):
        assert world.run(line).status == 0, line
    return world


def _macs(world):
    return world.machines["web01"].nics[0]["mac"], world.machines["web02"].nics[0]["mac"]


def test_two_guests_with_one_machine_id_get_one_lease_and_one_address(cloned):
    web01, web02 = cloned.machines["web01"], cloned.machines["web02"]
    assert web01.machine_id() == web02.machine_id()
    assert web01.nics[0]["ipv4"] == web02.nics[0]["ipv4"]
    cloned.run("exit")
    leases, _ = _run(cloned, "sudo virsh -q net-dhcp-leases default")
    shared = [line for line in leases.splitlines() if web01.nics[0]["ipv4"] + "/24" in line]
    assert len(shared) == 1, "dnsmasq keys the lease by the client id networkd derives from the machine-id"


def test_arping_dad_shows_the_other_holder_and_exits_1(cloned):
    address = cloned.machines["web01"].nics[0]["ipv4"]
    cloned.run("exit")
    cloned.run("sudo virsh console web02")
    output, status = _run(cloned, f"arping -D -I enp1s0 -c 2 {address}")
    web01_mac = _macs(cloned)[0].upper()
    lines = output.splitlines()
    assert lines[0] == f"ARPING {address} from 0.0.0.0 enp1s0"
    assert lines[1].startswith(f"Unicast reply from {address} [{web01_mac}]  ")
    assert lines[1].endswith("ms")
    assert lines[2:] == ["Sent 1 probes (1 broadcast(s))", "Received 1 response(s)"]
    assert status == 1


def test_arping_dad_on_a_free_address_exits_0(cloned):
    output, status = _run(cloned, "arping -D -c 2 192.168.122.254")
    assert output == (
        "ARPING 192.168.122.254 from 0.0.0.0 enp1s0\nSent 2 probes (2 broadcast(s))\nReceived 0 response(s)\n"
    )
    assert status == 0


def test_plain_arping_hears_two_macs_on_its_broadcast_then_unicasts_to_one(cloned):
    address = cloned.machines["web01"].nics[0]["ipv4"]
    source = cloned.machines["db01"].nics[0]["ipv4"]
    output, status = _run(cloned, f"arping -c 3 {address}")
    lines = output.splitlines()
    assert lines[0] == f"ARPING {address} from {source} enp1s0"
    replies = [line.split("[")[1].split("]")[0] for line in lines[1:-2]]
    assert sorted(replies[:2]) == sorted(mac.upper() for mac in _macs(cloned))
    assert replies[2:] == [replies[1], replies[1]], "then unicast to the MAC that answered last"
    assert lines[-2:] == ["Sent 3 probes (1 broadcast(s))", "Received 4 response(s)"]
    assert status == 0


def test_arping_refuses_what_the_real_tool_refuses(cloned):
    assert _run(cloned, "arping -I eth9 192.168.122.1") == ("arping: Device eth9 not available.\n", 2)
    assert _run(cloned, "arping -c 0 192.168.122.1") == (
        "arping: invalid argument: '0': out of range: 1 <= value <= 2147483647\n",
        1,
    )
    output, status = _run(cloned, "arping")
    assert status == 2 and output.startswith("\nUsage:\n  arping [options] <destination>\n")
    assert _run(cloned, "arping -D -I lo 192.168.122.1") == ('Interface "lo" is not ARPable\n', 0)


def test_ip_neigh_flips_between_the_two_macs_of_one_address(cloned):
    address = cloned.machines["web01"].nics[0]["ipv4"]
    seen = []
    for _ in range(2):
        cloned.run(f"ping -c 1 {address}")
        output, _ = _run(cloned, "ip neigh")
        line = next(line for line in output.splitlines() if line.startswith(address + " "))
        seen.append(line.split(" lladdr ")[1].split()[0])
    assert sorted(seen) == sorted(_macs(cloned)), "each ping's last reply wins the entry"
    assert line == f"{address} dev enp1s0 lladdr {seen[1]} REACHABLE "


def test_the_host_has_libvirt_bridge_and_a_tap_per_running_guest():
    world = World.new("kvm-host")
    output, _ = _run(world, "ip addr show virbr0")
    assert output.splitlines()[0] == (
        "3: virbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000"
    )
    assert "    inet 192.168.122.1/24 brd 192.168.122.255 scope global virbr0\n" in output
    assert "inet6" not in output
    links, _ = _run(world, "ip -br link")
    assert "vnet0            UNKNOWN        fe:54:00:" in links
    routes, _ = _run(world, "ip route")
    assert "192.168.122.0/24 dev virbr0 proto kernel scope link src 192.168.122.1 \n" in routes
    world.run("sudo virsh shutdown web01")
    output, _ = _run(world, "ip link show virbr0")
    assert "<NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN" in output
    assert "linkdown" in _run(world, "ip route")[0]


def test_the_host_reaches_its_guests_on_virbr0_and_learns_them():
    world = World.new("kvm-host")
    web01 = world.machines["web01"]
    output, status = _run(world, f"ping -c 1 {web01.nics[0]['ipv4']}")
    assert status == 0 and "1 received" in output
    neighbours, _ = _run(world, "ip neigh")
    assert f"{web01.nics[0]['ipv4']} dev virbr0 lladdr {web01.nics[0]['mac']} REACHABLE \n" in neighbours


def test_a_guest_gateway_is_the_host_bridge(cloned):
    bridge, _ = _run(cloned, "arping -c 1 192.168.122.1")
    host_mac = bridge.splitlines()[1].split("[")[1].split("]")[0].lower()
    neighbours, _ = _run(cloned, "ip neigh")
    assert neighbours.startswith(f"192.168.122.1 dev enp1s0 lladdr {host_mac} ")


def test_ssh_from_a_third_machine_sees_one_host_key_at_two_addresses(cloned):
    cloned.run("exit")
    cloned.run("sudo virsh console web02")
    cloned.run("sudo rm /etc/machine-id")
    cloned.run("sudo systemd-machine-id-setup")
    cloned.run("sudo reboot")  # a new machine-id: a lease, and an address, of its own
    cloned.run("exit")
    cloned.run("sudo virsh console db01")
    assert _run(cloned, "hostname") == ("db01\n", 0)
    web01, web02 = (cloned.machines[name].nics[0]["ipv4"] for name in ("web01", "web02"))
    assert web01 != web02
    first, _ = _run(cloned, f"ssh {web01}")
    assert "This key is not known by any other names.\n" in first
    cloned.run("yes")
    cloned.run("exit")
    second, _ = _run(cloned, f"ssh {web02}")
    fingerprint = first.split("key fingerprint is ")[1].split("\n")[0]
    assert f"ED25519 key fingerprint is {fingerprint}\n" in second
    assert second.endswith(
        "This host key is known by the following other names/addresses:\n"
        "    ~/.ssh/known_hosts:1: [hashed name]\n"
    )


def test_a_clone_disk_attached_to_its_source_shows_two_disks_with_one_uuid():
    world = World.new("kvm-host")
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
    ):
        world.run(line)
    image = "/var/lib/libvirt/images/web02.qcow2"
    attach = f"sudo virsh attach-disk web01 {image} vdb --subdriver qcow2"
    assert _run(world, attach) == ("Disk attached successfully\n\n", 0)
    listing, _ = _run(world, "sudo virsh -q domblklist web01")
    assert listing.splitlines()[1].split() == ["vdb", image]
    world.run("sudo virsh console web01")
    output, _ = _run(world, "sudo blkid -s UUID -o value /dev/vda1 /dev/vdb1")
    first, second = output.split()
    assert first == second, "a copied disk carries its filesystems' UUIDs"
    assert "vdb1  253:17   0   24G  0 part \n" in _run(world, "lsblk")[0]
    world.run("exit")
    refused, status = _run(world, "sudo virsh start web02")
    assert status == 1 and 'Failed to get "write" lock' in refused, "QEMU locks an image in use"
    assert _run(world, "sudo virsh detach-disk web01 vdb") == ("Disk detached successfully\n\n", 0)
    assert _run(world, "sudo virsh start web02")[1] == 0
    # QMP carries no hint, so libvirt shows QEMU's lock error alone; a raw node meets it at device_add
    lock = 'Failed to get "write" lock\n\n'
    assert _run(world, f"sudo virsh attach-disk web01 {image} vdb") == (
        "error: Failed to attach disk\n"
        f"error: internal error: unable to execute QEMU command 'device_add': {lock}",
        1,
    )
    assert _run(world, f"sudo virsh attach-disk web01 {image} vdb --subdriver qcow2") == (
        "error: Failed to attach disk\n"
        f"error: internal error: unable to execute QEMU command 'blockdev-add': {lock}",
        1,
    )


def test_a_qcow2_image_attached_without_its_format_is_read_as_raw():
    world = World.new("kvm-host")
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
    ):
        world.run(line)
    image = "/var/lib/libvirt/images/web02.qcow2"
    assert _run(world, f"sudo virsh attach-disk web01 {image} vdb") == ("Disk attached successfully\n\n", 0)
    world.run("sudo virsh console web01")
    assert "vdb1" not in _run(world, "lsblk")[0], "libvirt probes no format: the guest sees qcow2's bytes"
    assert "/dev/vdb" not in _run(world, "sudo blkid")[0]


def test_attach_disk_refusals_are_libvirt_words():
    world = World.new("kvm-host")
    image = "/var/lib/libvirt/images/db01.qcow2"
    assert _run(world, f"sudo virsh attach-disk db01 {image} vdb") == (
        "error: Failed to attach disk\nerror: Requested operation is not valid: domain is not running\n\n",
        1,
    )
    assert _run(world, "sudo virsh attach-disk web01 /nope.qcow2 vdb")[0] == (
        "error: Failed to attach disk\n"
        "error: Cannot access storage file '/nope.qcow2': No such file or directory\n\n"
    )
    assert _run(world, f"sudo virsh attach-disk web01 {image} vda")[0] == (
        "error: Failed to attach disk\nerror: operation failed: target vda already exists\n\n"
    )
    world.run(f"sudo virsh attach-disk web01 {image} vdb")
    world.run("sudo virsh shutdown web01")
    assert "vdb" not in _run(world, "sudo virsh domblklist web01")[0], "a live attach ends at power-off"


def test_arping_unsolicited_updates_the_neighbours_entry_after_a_mac_change():
    world = World.new("kvm-host")
    web01 = world.machines["web01"]
    address = web01.nics[0]["ipv4"]
    world.run(f"ping -c 1 {address}")  # the host now holds web01's MAC for its address
    world.run("sudo virsh console web01")
    world.run("sudo ip link set dev enp1s0 address 52:54:00:00:00:99")
    output, status = _run(world, f"sudo arping -U -I enp1s0 -c 1 {address}")
    assert (output, status) == (
        f"ARPING {address} from {address} enp1s0\nSent 1 probes (1 broadcast(s))\nReceived 0 response(s)\n",
        0,
    )
    world.run("exit")
    neighbours, _ = _run(world, "ip neigh")
    assert f"{address} dev virbr0 lladdr 52:54:00:00:00:99 REACHABLE \n" in neighbours
