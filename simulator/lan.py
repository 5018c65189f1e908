"""The lab's shared Ethernet as its machines see it: their links, who answers ARP for an address, and each
machine's neighbour (ARP) table.

A KVM host running libvirtd has libvirt's `default` network: the bridge virbr0 (192.168.122.1/24, a MAC in
QEMU's 52:54:00 prefix) and one tap, vnetN, per running guest, enslaved to it (libvirt 10.0). They are
derived from the host's domains, never saved. The guests' gateway is that bridge.

Neighbour entries are what the kernel learns from ARP (Linux 6.8, net/ipv4/arp.c): the asker learns the
address of whoever answers, and whoever is asked learns the asker's. With two machines on one address
both answer, and the entry takes the MAC of the reply that came last: it flips between the two.
"""

from __future__ import annotations

import ipaddress
import random

from simulator import libvirt

BRIDGE = "virbr0"
FRESH_SECONDS = 30  # an entry confirmed this recently is REACHABLE, else STALE (base_reachable_time)


def bridge(host) -> dict | None:
    """The host's virbr0 as a link (a NIC-like dict), while libvirtd runs its default network."""
    if not host.hypervisor.get("domains") or not libvirt.runs_libvirtd(host):
        return None
    rng = random.Random(f"{host.spec['seed']}/{BRIDGE}")
    return {
        "name": BRIDGE,
        "mac": "52:54:00" + "".join(f":{rng.randrange(256):02x}" for _ in range(3)),
        "ipv4": libvirt.NETWORK["address"],
        "prefix": libvirt.NETWORK["prefix"],
        "gateway": "",
        "dhcp": False,
        "bridge": True,
        "carrier": any(d["state"] == "running" for d in libvirt.domains(host).values()),
    }


def taps(host) -> list[dict]:
    """One vnetN per running domain: the host's end of the guest's NIC, its MAC the guest's with fe:."""
    found = []
    for _, domain in libvirt.listed(host):
        if domain["state"] == "running":
            name, mac = f"vnet{domain['vnet']}", "fe" + domain["mac"][2:]
            found.append({"name": name, "mac": mac, "master": BRIDGE, "vnet": domain["vnet"]})
    return sorted(found, key=lambda tap: tap["vnet"])


def links(machine) -> list[dict]:
    """The machine's NICs, then (on a libvirt host) its bridge: the links that carry IPv4."""
    found = list(machine.nics)
    virbr0 = bridge(machine)
    if virbr0 is not None:
        found.append(virbr0)
    return found


def is_ipv4(text: str) -> bool:
    """Whether `text` is a dotted IPv4 address (what ssh, ping and the lab's names resolve without DNS)."""
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def held_interfaces(link: dict) -> list[str]:
    """ADDRESS/PREFIX of each IPv4 address a link holds: its configured one (unless deleted by hand) and
    those `ip address add` gave it (commands/network.py)."""
    own = [] if link.get("unaddressed") or not link.get("ipv4") else [f"{link['ipv4']}/{link['prefix']}"]
    return own + list(link.get("added", []))


def held_addresses(link: dict) -> list[str]:
    return [held.split("/")[0] for held in held_interfaces(link)]


def gateway_host(machine):
    """The libvirt host whose bridge is this guest's gateway, or None."""
    network = getattr(machine, "network", None)
    host = machine.spec.get("host")
    return network.machine(host) if network is not None and host else None


def answering(machine, address: str) -> list[tuple[object, dict]]:
    """(machine, link) of every other running machine holding the address on a link that is up: two after a
    careless clone. The host answers for its bridge's address."""
    network = getattr(machine, "network", None)
    if network is None:
        return []
    found = []
    for name, other in network.world.machines.items():
        if other is machine or not network.powered(name):
            continue
        for link in links(other):
            if address in held_addresses(link) and not link.get("down"):
                found.append((other, link))
    return found


def table(machine, link: dict) -> dict[str, list]:
    """A link's neighbour entries, to update: address -> [MAC, clock when confirmed]. The bridge's are kept
    with the host's libvirt state, a NIC's on the NIC; a boot empties them."""
    if link.get("bridge"):
        return machine.hypervisor.setdefault("neighbours", {})
    return link.setdefault("neighbours", {})


def _known(machine, link: dict) -> dict[str, list]:
    return (machine.hypervisor if link.get("bridge") else link).get("neighbours") or {}


def link_for(machine, address: str) -> dict | None:
    """The link whose network holds the address (the route ARP would use), if any."""
    target = ipaddress.IPv4Address(address)
    for link in links(machine):
        if link.get("down"):
            continue
        if any(target in ipaddress.ip_interface(held).network for held in held_interfaces(link)):
            return link
    return None


def resolve(machine, address: str, kernel: bool = True, dad: bool = False) -> list[str]:
    """ARP for an address on its link: the MACs that answer, in the order their replies arrive; [] off-link
    or unheard. Each answerer learns the asker, unless the request came from 0.0.0.0 (`dad`). The asker's
    kernel takes the reply that came last; a request it did not make itself (arping's, not `kernel`) only
    updates an entry it already has (arp_accept=0)."""
    link = link_for(machine, address)
    if link is None:
        return []
    replies = answering(machine, address)
    known = _known(machine, link)
    if len(replies) > 1:  # which reply wins the race: the one the entry does not already hold comes last
        held = known.get(address, [""])[0]
        replies.sort(key=lambda reply: reply[1]["mac"] != held)
    if not dad:
        for other, other_link in replies:
            table(other, other_link)[link["ipv4"]] = [link["mac"], other.clock]
    if replies and (kernel or address in known):
        table(machine, link)[address] = [replies[-1][1]["mac"], machine.clock]
    elif kernel and address in known:  # nobody answers any more (a guest powered off): the entry FAILED
        table(machine, link)[address] = ["", machine.clock]
    return [other_link["mac"] for _, other_link in replies]


def announce(machine, link: dict, address: str) -> None:
    """A gratuitous ARP (arping -U/-A) for an address: every machine on the link that has an entry for it
    takes this link's MAC (the kernel updates an entry it has; it creates none, arp_accept=0)."""
    network = getattr(machine, "network", None)
    if network is None:
        return
    for name, other in network.world.machines.items():
        if other is machine or not network.powered(name):
            continue
        for other_link in links(other):
            known = _known(other, other_link)
            if address in known:
                table(other, other_link)[address] = [link["mac"], other.clock]


def entries(machine) -> list[tuple[str, str, str, bool]]:
    """(address, link name, MAC, fresh) of each neighbour entry, links in order, oldest entry first; the MAC
    is "" for an entry whose neighbour stopped answering (FAILED)."""
    found = []
    for link in links(machine):
        if link.get("down"):
            continue
        for address, (mac, seen) in _known(machine, link).items():
            found.append((address, link["name"], mac, machine.clock - seen < FRESH_SECONDS))
    return found
