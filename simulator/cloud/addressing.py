"""Subnets and addresses: a CIDR checked as Neutron checks it, DHCP pools, addresses handed out once.

Modelled on Neutron 2024.1 (neutron/db/ipam_backend_mixin.py, ipam/utils.py): IPv4 only, as the labs use.
"""

from __future__ import annotations

import ipaddress

from simulator.cloud.errors import CloudError, Conflict

# Smaller than /29 leaves no room for a gateway, DHCP and instances; larger than /16 is more than a lab
# needs and would make the allocation tables pointless.
MIN_PREFIX, MAX_PREFIX = 16, 29


def parse_cidr(text: str) -> ipaddress.IPv4Network:
    text = text.strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise CloudError(
            f"'{text[:60]}' is not a CIDR: write an IPv4 network such as 10.0.1.0/24.", "cidr"
        ) from None
    if network.version != 4:
        raise CloudError("Only IPv4 subnets are available in this cloud.", "cidr")
    if "/" not in text:
        raise CloudError(f"'{text}' has no prefix length: write it as {text}/24, for example.", "cidr")
    if str(network) != text:
        raise CloudError(
            f"{text} has host bits set: the network is {network} (the address with the host part zero).",
            "cidr",
        )
    if not MIN_PREFIX <= network.prefixlen <= MAX_PREFIX:
        raise CloudError(
            f"A subnet here is between /{MIN_PREFIX} and /{MAX_PREFIX}; {text} is a /{network.prefixlen}.",
            "cidr",
        )
    return network


def parse_address(text: str, field: str) -> ipaddress.IPv4Address:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        raise CloudError(f"'{text[:60]}' is not an IPv4 address.", field) from None
    if address.version != 4:
        raise CloudError(f"'{text}' is not an IPv4 address.", field)
    return address


def overlapping(network: ipaddress.IPv4Network, others: dict[str, str]) -> str | None:
    """The name of the first subnet (name -> CIDR) that overlaps `network`, if any."""
    for name, cidr in others.items():
        if network.overlaps(ipaddress.ip_network(cidr)):
            return name
    return None


def plan_subnet(cidr: str, gateway: str = "", pool_start: str = "", pool_end: str = "") -> dict:
    """The subnet's addresses: the gateway (the first host unless given), the DHCP allocation pool (every
    other host unless given), each checked to lie in the subnet and not on one another."""
    network = parse_cidr(cidr)
    hosts = network.hosts()
    first, last = next(hosts), network.broadcast_address - 1
    gateway_ip = parse_address(gateway, "gateway") if gateway.strip() else first
    if gateway_ip not in network or gateway_ip in (network.network_address, network.broadcast_address):
        raise CloudError(
            f"Gateway {gateway_ip} is not a usable address of {network} ({first} to {last}).", "gateway"
        )
    if pool_start.strip() or pool_end.strip():
        if not (pool_start.strip() and pool_end.strip()):
            raise CloudError("Give both ends of the allocation pool, or neither.", "pool_start")
        start = parse_address(pool_start, "pool_start")
        end = parse_address(pool_end, "pool_end")
        for address, field in ((start, "pool_start"), (end, "pool_end")):
            if not first <= address <= last:
                raise CloudError(
                    f"{address} is not a usable address of {network} ({first} to {last}).", field
                )
        if start > end:
            raise CloudError(f"The pool starts at {start}, after its end {end}.", "pool_end")
        if start <= gateway_ip <= end:
            raise CloudError(f"The pool {start}-{end} contains the gateway {gateway_ip}.", "pool_start")
    else:
        start, end = first, last
        if gateway_ip == first:
            start = first + 1
        elif gateway_ip == last:
            end = last - 1
    return {
        "cidr": str(network),
        "gateway": str(gateway_ip),
        "pool": [str(start), str(end)],
        "prefix": network.prefixlen,
    }


def allocate(subnet: dict, used: set[str]) -> str:
    """The lowest free address of the subnet's pool (the gateway and `used` are taken)."""
    start, end = (ipaddress.ip_address(a) for a in subnet["pool"])
    taken = set(used) | {subnet["gateway"]}
    address = start
    while address <= end:
        if str(address) not in taken:
            return str(address)
        address += 1
    raise Conflict(
        f"No free address is left in subnet {subnet['name']} ({subnet['pool'][0]}-{subnet['pool'][1]})."
    )


def contains(cidr: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr)
    except ValueError:
        return False
