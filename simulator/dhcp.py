"""DHCPv4 on a libvirt host's `default` network over time: dnsmasq's leases (the server, on the host) and
each running guest's systemd-networkd client keeping its lease alive.

Server: dnsmasq 2.90 as libvirt 10.0 runs it (dhcp-authoritative, leases of LEASE_SECONDS). Leases are
keyed by the client identifier (networkd sends ff + IAID + DUID, the DUID from /etc/machine-id), so two
guests with one machine-id share one lease: whoever sent the last DHCPREQUEST holds it with its MAC
(lease_set_hwaddr) and host name; a DHCPRELEASE drops the lease its client id names when the address
matches, whatever MAC it carries. Expired leases are pruned before each request is answered
(dhcp.c: lease_prune), so their addresses are free again. A client with no lease gets an address from
address_allocate, which starts from a hash of its MAC: the same MAC comes back to the same address while
it is free. Here the guest's previous address stands for what its MAC's hash gave it (the lab's guests
start with addresses of their own), and a sha256 of the MAC for dnsmasq's SDBM hash. Each DHCPACK
carries T1 = lease/2 - fuzz and T2 = 7/8 lease - fuzz (rfc2131.c do_options); fuzz is a random 16-bit
number halved until it is at most T1/8 for a RENEWING or REBINDING request ("desynchronise renewals"),
and 0 for the request that follows a DISCOVER (dhcp_reply, dnsmasq 2.90).

Client: systemd-networkd 255 (sd-dhcp-client.c). It keeps the client id it started with until it
restarts (a new machine-id changes nothing before a reboot). At T1 it renews (RENEWING, unicast to the
server); unanswered, it sends again after half the time left to T2, at least 60 s
(client_compute_reacquisition_timeout); at T2 it rebinds (REBINDING, broadcast) in the same way until
the lease ends, when it starts over. Answered, its lease and timers start again from the request.
A guest that cannot reach the server (its link down) lets its lease run out on the server; the
address networkd would then remove from the link stays there (not modelled).

The client's state is the domain's `dhcp` ({"client", "t1", "t2", "expiry", "next"}: seconds of the host's
clock, host.now()), saved with the world; the guest's clock stands for its own. Time is caught up lazily:
`catch_up(host)` plays the renewals due since it was last called, in their order.
"""

from __future__ import annotations

import hashlib
import ipaddress

LEASE_SECONDS = 3600  # libvirt's dnsmasq: dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0 (1 h)
RETRY_MIN = 60  # sd-dhcp-client: a renewal or rebinding request is sent again after at least a minute
MAX_CATCH_UP = 64  # renewals replayed one by one per client; beyond, whole periods are skipped at once


def _fuzz(client: str, at: int) -> int:
    """dnsmasq's fuzz for one reply: rand16() halved until it is at most T1/8. Derived from the request
    (client id and time) rather than drawn, so that replaying time leaves the world's generator alone."""
    fuzz = int.from_bytes(hashlib.sha256(f"{client}/{at}".encode()).digest()[:2], "big")
    while fuzz > (LEASE_SECONDS // 2) // 8:
        fuzz //= 2
    return fuzz


def leases(host) -> dict[str, dict]:
    """dnsmasq's leases by client id: {"ip", "mac", "hostname", "expiry"}."""
    return host.hypervisor.setdefault("leases", {})


def _prune(host, at: int) -> None:
    table = leases(host)
    for client in [client for client, lease in table.items() if lease["expiry"] <= at]:
        del table[client]


def _allocate(host, mac: str, network, wanted: str) -> str:
    """A free address for a client with no lease: the one it had while still free (what its MAC's hash
    gave it before), else the next free one from its MAC's hash (address_allocate)."""
    taken = {held["ip"] for held in leases(host).values()}
    if wanted and wanted not in taken and ipaddress.ip_address(wanted) in network:
        return wanted
    start = int(hashlib.sha256(mac.encode()).hexdigest(), 16) % 253
    free = (str(network[2 + (start + n) % 253]) for n in range(253))
    return next((address for address in free if address not in taken), "")


def answer(host, client: str, mac: str, hostname: str, at: int, network, held: str = "", wanted: str = ""):
    """dnsmasq answers a request at `at`: the client's lease made or extended, its address returned. A
    renewing client (`held`: its address) is refused (None, a DHCPNAK) when its lease holds another address
    or, with none, when the address is another client's; else, authoritative, it keeps it."""
    _prune(host, at)
    table = leases(host)
    lease = table.get(client)
    if held:
        taken = any(other["ip"] == held for name, other in table.items() if name != client)
        if (lease is not None and lease["ip"] != held) or (lease is None and taken):
            return None
        lease = table.setdefault(client, {"ip": held})
    elif lease is None:
        lease = table[client] = {"ip": _allocate(host, mac, network, wanted)}
    lease.update(mac=mac, hostname=hostname, expiry=at + LEASE_SECONDS)
    return lease["ip"]


def release(host, client: str, address: str) -> None:
    """A DHCPRELEASE: dnsmasq drops the client's lease when it holds the address released, whichever MAC
    it was last renewed with (a clone sharing it keeps its address, and renews it back at its T1)."""
    lease = leases(host).get(client)
    if lease is not None and lease["ip"] == address:
        del leases(host)[client]


def bound(client: str, at: int, renewing: bool) -> dict:
    """The client's timers after a DHCPACK to a request sent at `at`: T1 and T2 less the reply's fuzz,
    which dnsmasq draws only for a client renewing (or rebinding) the address it holds."""
    fuzz = _fuzz(client, at) if renewing else 0
    t1, t2 = at + LEASE_SECONDS // 2 - fuzz, at + LEASE_SECONDS // 8 * 7 - fuzz
    return {"client": client, "t1": t1, "t2": t2, "expiry": at + LEASE_SECONDS, "next": t1}


def retry(state: dict, at: int, now: int) -> None:
    """An unanswered renewal (before T2) or rebinding: the next try after half the time left to T2, or to
    the lease's end, at least RETRY_MIN; past the end, the client starts over (DISCOVER) and tries again
    a minute after now (the tries in between, all unanswered, change nothing)."""
    deadline = state["t2"] if at < state["t2"] else state["expiry"]
    if at >= deadline:
        state["next"] = max(at, now) + RETRY_MIN
    else:
        state["next"] = min(deadline, at + max(RETRY_MIN, (deadline - at) // 2))


def skip_periods(state: dict, now: int) -> None:
    """A client far behind the clock (a long sleep): whole renewal periods skipped at once, each of which
    would have ended in the same DHCPACK, so that catching up stays bounded."""
    period = LEASE_SECONDS // 2
    behind = (now - state["next"]) // period
    if behind > MAX_CATCH_UP:
        shift = (behind - MAX_CATCH_UP) * period
        for key in ("t1", "t2", "expiry", "next"):
            state[key] += shift
