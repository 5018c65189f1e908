"""Security group rules: what Neutron accepts (neutron/db/securitygroups_db.py _validate_port_range,
_validate_ip_prefix) and whether a packet from outside reaches an instance.

Security groups are stateful allow-lists: a new inbound connection passes when any ingress rule of any of
the instance's groups matches its protocol, port and source; replies to outbound traffic always pass.
"""

from __future__ import annotations

import ipaddress

from simulator.cloud.errors import CloudError

PROTOCOLS = ("tcp", "udp", "icmp", "any")
# Well-known names the console offers as shortcuts, as Horizon's "Rule" menu does.
SERVICES = {"ssh": 22, "http": 80, "https": 443, "dns": 53, "mysql": 3306, "rdp": 3389}


def rule(protocol: str, port_min: str | int | None, port_max: str | int | None, remote: str) -> dict:
    """A checked ingress rule: protocol, port range (None for all ports or ICMP), remote CIDR."""
    protocol = (protocol or "any").strip().lower()
    if protocol not in PROTOCOLS:
        raise CloudError(f"Protocol '{protocol[:20]}' is not one of {', '.join(PROTOCOLS)}.", "protocol")
    low, high = _port(port_min, "port_min"), _port(port_max, "port_max")
    if low is None and high is not None:
        low = high
    if high is None and low is not None:
        high = low
    if low is not None:
        if protocol not in ("tcp", "udp"):
            raise CloudError(f"Ports apply to TCP and UDP only; {protocol} rules have none.", "port_min")
        if low > high:
            raise CloudError(f"The port range starts at {low}, after its end {high}.", "port_max")
    remote = (remote or "0.0.0.0/0").strip()
    try:
        network = ipaddress.ip_network(remote, strict=False)
    except ValueError:
        raise CloudError(
            f"'{remote[:60]}' is not a CIDR such as 0.0.0.0/0 or 192.0.2.7/32.", "remote"
        ) from None
    if network.version != 4:
        raise CloudError("Only IPv4 sources are available in this cloud.", "remote")
    return {
        "direction": "ingress",
        "protocol": protocol,
        "port_min": low,
        "port_max": high,
        "remote": str(network),
    }


def _port(value, field: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().lower()
    if text in SERVICES:
        return SERVICES[text]
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise CloudError(f"Port '{text[:20]}' is not a number from 1 to 65535.", field)
    return int(text)


def same(a: dict, b: dict) -> bool:
    keys = ("direction", "protocol", "port_min", "port_max", "remote", "remote_group")
    return all(a.get(key) == b.get(key) for key in keys)


def matches(item: dict, protocol: str, port: int | None, source: str, member_addresses: set[str]) -> bool:
    """Whether one rule lets a new inbound connection in."""
    if item["direction"] != "ingress":
        return False
    if item["protocol"] not in ("any", protocol):
        return False
    if item["port_min"] is not None and (port is None or not item["port_min"] <= port <= item["port_max"]):
        return False
    if item.get("remote_group"):
        return source in member_addresses
    try:
        return ipaddress.ip_address(source) in ipaddress.ip_network(item["remote"])
    except ValueError:
        return False


def describe(item: dict) -> str:
    """One line a learner reads: "tcp 22 from 0.0.0.0/0"."""
    ports = ""
    if item["port_min"] is not None:
        ports = (
            f" {item['port_min']}"
            if item["port_min"] == item["port_max"]
            else f" {item['port_min']}-{item['port_max']}"
        )
    source = "members of this group" if item.get("remote_group") else item["remote"]
    what = "all protocols" if item["protocol"] == "any" else item["protocol"]
    way = "from" if item["direction"] == "ingress" else "to"
    return f"{item['direction']} {what}{ports} {way} {source}"
