"""DHCP leases over time on a KVM host: running guests' networkd renews at T1 (rebinds at T2 when unanswered),
so their addresses stay in virsh, the panel and on the LAN however long the lab runs; a shut off guest's
lease expires at its time and it asks again when started."""

import time

import pytest

from simulator import World, dhcp, libvirt

HOUR = 3600


@pytest.fixture
def world():
    world = World.new("kvm-host")
    assert world.run("sudo virsh start db01").status == 0
    return world


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


def _wait(world, seconds):
    """Time passes on the host, as the panel's polling or a long session moves it."""
    world.machine.tick(seconds)
    world.advance()


def _leases(world) -> dict[str, tuple[str, str, str]]:
    """What `virsh net-dhcp-leases default` lists: MAC -> (expiry time, address, host name)."""
    rows = [row.split() for row in _run(world, "sudo virsh -q net-dhcp-leases default")[0].splitlines()]
    return {row[2]: (f"{row[0]} {row[1]}", row[4], row[5]) for row in rows if row}


def _clock(world) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(world.machine.now()))


def _domain(world, name):
    return libvirt.domains(world.machine)[name]


def test_running_guests_keep_their_addresses_for_ten_hours(world):
    macs = {name: _domain(world, name)["mac"] for name in ("web01", "db01")}
    addresses = {name: world.machines[name].nics[0]["ipv4"] for name in macs}
    shown = {guest["name"]: guest["ip"] for guest in libvirt.overview(world.machine)}
    assert shown == addresses
    expiries = []
    for _ in range(40):  # ten hours in quarters
        _wait(world, HOUR // 4)
        leases = _leases(world)
        for name, mac in macs.items():
            expiry, address, hostname = leases[mac]
            assert (address, hostname) == (f"{addresses[name]}/24", name)
            assert (
                _clock(world)
                < expiry
                <= time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(world.machine.now() + HOUR))
            )
        assert {guest["name"]: guest["ip"] for guest in libvirt.overview(world.machine)} == shown
        domifaddr = _run(world, "sudo virsh domifaddr web01")[0]
        assert f"{macs['web01']}    ipv4         {addresses['web01']}/24" in domifaddr
        expiries.append(leases[macs["web01"]][0])
    assert len(set(expiries)) > 15, "the expiry time moves on with each renewal"
    _run(world, "sudo virsh console db01")
    output, status = _run(world, f"arping -c 1 {addresses['web01']}")
    assert status == 0 and macs["web01"].upper() in output
    assert _run(world, f"ssh -o StrictHostKeyChecking=no {addresses['web01']} hostname")[0].endswith(
        "web01\n"
    )


def test_renewal_comes_at_t1_with_dnsmasq_s_fuzz_and_restarts_the_hour(world):
    state = dict(_domain(world, "web01")["dhcp"])
    acked = state["expiry"] - HOUR
    assert HOUR // 2 - 225 <= state["t1"] - acked <= HOUR // 2, "T1: half the lease less up to T1/8"
    assert state["t2"] - state["t1"] == HOUR // 8 * 7 - HOUR // 2, "T2 carries the same fuzz"
    lease = dhcp.leases(world.machine)[state["client"]]
    _wait(world, state["t1"] - world.machine.now() - 1)
    assert lease["expiry"] == state["expiry"], "nothing is sent before T1"
    _wait(world, 2)
    renewed = _domain(world, "web01")["dhcp"]
    assert lease["expiry"] == state["t1"] + HOUR == renewed["expiry"]
    assert renewed["t1"] > state["t1"] + HOUR // 2 - 226


def test_the_ack_after_a_discover_has_no_fuzz_a_renewal_s_has_up_to_t1_over_8(world):
    booted = _domain(world, "db01")["dhcp"]  # started by the fixture: a DISCOVER, then its REQUEST
    acked = booted["expiry"] - HOUR
    assert (booted["t1"] - acked, booted["t2"] - acked) == (HOUR // 2, HOUR // 8 * 7)
    _wait(world, booted["t1"] - world.machine.now())
    renewed = _domain(world, "db01")["dhcp"]
    fuzz = booted["t1"] + HOUR // 2 - renewed["t1"]
    assert 0 <= fuzz <= HOUR // 2 // 8 and renewed["t2"] == booted["t1"] + HOUR // 8 * 7 - fuzz


def test_a_guest_shut_off_without_release_keeps_its_lease_until_it_expires(world):
    mac, address = _domain(world, "web01")["mac"], world.machines["web01"].nics[0]["ipv4"]
    _wait(world, HOUR)  # renewed once meanwhile
    expiry = dhcp.leases(world.machine)[_domain(world, "web01")["dhcp"]["client"]]["expiry"]
    assert _run(world, "sudo virsh destroy web01")[1] == 0  # no DHCPRELEASE from a guest pulled off
    assert mac in _leases(world) and "dhcp" not in _domain(world, "web01")
    _wait(world, expiry - world.machine.now() - 5)
    assert mac in _leases(world), "listed until its expiry time"
    _wait(world, 10)
    assert mac not in _leases(world), "expired: net-dhcp-leases lists it no more"
    assert _run(world, "sudo virsh domifaddr web01")[0].count("\n") == 3
    _wait(world, 5 * HOUR)
    assert _run(world, "sudo virsh start web01")[1] == 0
    assert _leases(world)[mac][1] == f"{address}/24", "dnsmasq gives the same address back while it is free"
    assert mac in _leases(world) and _domain(world, "web01")["dhcp"]["next"] > world.machine.now()


def test_a_clean_shutdown_releases_the_lease_at_once(world):
    mac = _domain(world, "web01")["mac"]
    _wait(world, 2 * HOUR)
    _run(world, "sudo virsh shutdown web01")
    assert mac not in _leases(world)


def test_guests_stopping_and_starting_over_ten_hours_always_hold_a_lease_while_up(world):
    names = ("web01", "db01")
    for step in range(60):  # every ten minutes, one of them shut down, destroyed or started
        name = names[step % 2]
        running = _domain(world, name)["state"] == "running"
        if step % 7 == 3 and running:
            _run(world, f"sudo virsh {'destroy' if step % 2 else 'shutdown'} {name}")
        elif not running:
            _run(world, f"sudo virsh start {name}")
        _wait(world, 600)
        leases = _leases(world)
        for other in names:
            domain, guest = _domain(world, other), world.machines[other]
            if domain["state"] == "running":
                assert leases[domain["mac"]][1] == f"{guest.nics[0]['ipv4']}/24", (step, other)
    addresses = [world.machines[name].nics[0]["ipv4"] for name in names]
    assert len(set(addresses)) == 2


def test_a_dozen_followed_installs_leave_the_running_guests_their_leases(world):
    iso = "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
    for number in range(12):
        line = f"sudo virt-install --name vm{number} --memory 1024 --vcpus 1 --disk size=4 --cdrom {iso}"
        assert world.run(line + " --noautoconsole").status == 0
        _wait(world, 300)
        _run(world, f"sudo virsh start vm{number}")
    leases = _leases(world)
    for guest in libvirt.overview(world.machine):
        if guest["state"] == "running":
            assert guest["ip"] and leases[guest["mac"]][1] == f"{guest['ip']}/24", guest["name"]
    assert len({guest["ip"] for guest in libvirt.overview(world.machine)}) == 14


def test_clones_with_one_machine_id_still_share_one_lease_which_follows_the_last_renewal(world):
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
        "sudo virsh start web02",
    ):
        assert world.run(line).status == 0, line
    web01, web02 = world.machines["web01"], world.machines["web02"]
    address = web01.nics[0]["ipv4"]
    holders = []
    for _ in range(40):
        _wait(world, HOUR // 4)
        shared = [mac for mac, (_, ip, _) in _leases(world).items() if ip == f"{address}/24"]
        assert len(shared) == 1, "one client id, one lease"
        assert web01.nics[0]["ipv4"] == web02.nics[0]["ipv4"] == address, "both keep the address: DUP!"
        holders.append(shared[0])
    assert set(holders) == {_domain(world, "web01")["mac"], _domain(world, "web02")["mac"]}, (
        "dnsmasq gives the lease the MAC of whichever clone renewed last"
    )


def test_a_clone_shut_down_releases_the_shared_lease_and_the_other_renews_it(world):
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
        "sudo virsh start web02",  # the lease now carries web02's MAC
    ):
        assert world.run(line).status == 0, line
    address, web02 = world.machines["web01"].nics[0]["ipv4"], _domain(world, "web02")
    assert _run(world, "sudo virsh shutdown web01")[1] == 0
    assert web02["mac"] not in _leases(world), "dnsmasq releases by client id, whichever MAC the lease has"
    _wait(world, web02["dhcp"]["next"] - world.machine.now())
    assert _leases(world)[web02["mac"]][1] == f"{address}/24", "web02 renews it back (authoritative)"
    assert world.machines["web02"].nics[0]["ipv4"] == address


def test_a_new_machine_id_counts_only_from_the_next_boot(world):
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
        "sudo virsh start web02",
        "sudo virsh console web02",
        "sudo rm /etc/machine-id",
        "sudo systemd-machine-id-setup",
    ):
        assert world.run(line).status == 0, line
    _wait(world, 3 * HOUR)
    assert len(dhcp.leases(world.machine)) == 2, "networkd renews with the client id it started with"
    assert world.run("sudo reboot").status == 0  # on web02's console, which stays open across it
    assert world.machines["web02"].nics[0]["ipv4"] != world.machines["web01"].nics[0]["ipv4"]
    _wait(world, 3 * HOUR)
    assert len(dhcp.leases(world.machine)) == 3, "a lease of its own, kept alive too"


def test_a_guest_whose_link_is_down_rebinds_then_loses_its_lease_and_asks_again(world):
    mac, address = _domain(world, "web01")["mac"], world.machines["web01"].nics[0]["ipv4"]
    _run(world, "sudo virsh console web01")
    assert _run(world, "sudo ip link set enp1s0 down") == ("", 0)
    _run(world, "exit")
    state = dict(_domain(world, "web01")["dhcp"])
    _wait(world, state["t1"] - world.machine.now() + 1)
    renewing = _domain(world, "web01")["dhcp"]["next"]
    assert renewing == state["t1"] + (state["t2"] - state["t1"]) // 2, "unanswered: again halfway to T2"
    _wait(world, state["t2"] - world.machine.now() + 1)
    retried = _domain(world, "web01")["dhcp"]
    assert retried["expiry"] == state["expiry"] and state["t2"] < retried["next"] < state["expiry"]
    assert mac in _leases(world)
    _wait(world, state["expiry"] - world.machine.now() + 1)
    assert mac not in _leases(world), "neither renewed nor rebound: the lease ran out"
    _wait(world, 2 * HOUR)
    _run(world, "sudo virsh console web01")
    assert _run(world, "sudo ip link set enp1s0 up") == ("", 0)
    _run(world, "exit")
    _wait(world, dhcp.RETRY_MIN + 1)
    assert _leases(world)[mac][1] == f"{address}/24", "back on the link, it asks again and gets it back"


def test_timers_survive_a_save_and_a_very_long_wait_stays_bounded(world):
    _wait(world, HOUR)
    saved = World.from_dict(world.to_dict())
    assert saved.machine.hypervisor["domains"]["web01"]["dhcp"] == _domain(world, "web01")["dhcp"]
    began = time.process_time()
    _wait(saved, 10 * 365 * 86400)
    assert time.process_time() - began < 1
    mac = saved.machine.hypervisor["domains"]["web01"]["mac"]
    assert mac in _leases(saved)


def test_networkctl_renew_asks_dnsmasq_now_and_restarts_the_hour(world):
    _wait(world, 600)
    before = dict(_domain(world, "web01")["dhcp"])
    _run(world, "ssh -o StrictHostKeyChecking=accept-new web01")
    assert _run(world, "networkctl renew enp1s0") == (
        "Failed to renew dynamic configuration of interface enp1s0: Interactive authentication required.\n",
        1,
    )
    assert _run(world, "sudo networkctl renew eth9") == (
        'Failed to resolve interface "eth9": No such device\n',
        1,
    )
    assert _run(world, "sudo networkctl renew") == ("Too few arguments.\n", 1)
    assert _domain(world, "web01")["dhcp"] == before, "nothing sent by a refused renewal"
    assert _run(world, "sudo networkctl renew enp1s0") == ("", 0)
    renewed = _domain(world, "web01")["dhcp"]
    lease = dhcp.leases(world.machine)[renewed["client"]]
    assert renewed["expiry"] == lease["expiry"] == world.machine.now() + HOUR > before["expiry"]
    assert world.machine.now() < renewed["t1"] <= world.machine.now() + HOUR // 2, "T1 counts from now"
    assert _run(world, "sudo networkctl reload") == ("", 0)
    assert _run(world, "sudo networkctl reload enp1s0") == ("Too many arguments.\n", 1)
    assert _run(world, "sudo networkctl reconfigure enp1s0") == ("", 0)
