"""Load balancers: a virtual IP that spreads requests over member instances, round robin.

Modelled on OpenStack Octavia 14 (2024.1): a load balancer has a VIP on a subnet, a listener (protocol and
port) and a pool of members (an instance's address and port) with a health monitor; requests go to the
healthy members in turn. A member is healthy while its instance is active and its security groups let the
load balancer's VIP reach the port (the amphora connects from the VIP's subnet).
"""

from __future__ import annotations

from simulator.cloud import addressing
from simulator.cloud.errors import CloudError, Conflict, NotFound, QuotaExceeded

MAX_BALANCERS = 2
MAX_REQUESTS = 50  # one "send requests" action


def _balancers(cloud) -> dict:
    return cloud.state.setdefault("load_balancers", {})


def balancers(cloud) -> list[dict]:
    return sorted(_balancers(cloud).values(), key=lambda lb: lb["created"])


def balancer(cloud, ref: str) -> dict:
    for lb in _balancers(cloud).values():
        if ref in (lb["id"], lb["name"]):
            return lb
    raise NotFound(f"No load balancer with a name or ID of '{(ref or '')[:60]}' exists.", "load_balancer")


def create(cloud, name: str, network: str = "private", port=80) -> dict:
    from simulator.cloud.model import check_name

    name = check_name(name, "load balancer")
    if any(lb["name"] == name for lb in _balancers(cloud).values()):
        raise Conflict(f"A load balancer named '{name}' already exists.", "name")
    try:
        chosen = cloud.find("networks", network)
    except NotFound as missing:
        raise CloudError(str(missing), "network") from None
    subnet = cloud.subnet_of(chosen)
    if subnet is None or chosen.get("external"):
        raise CloudError(f"Network {chosen['name']} has no subnet of yours for the VIP.", "network")
    text = str(port).strip()
    if not text.isdecimal() or not 1 <= int(text) <= 65535:
        raise CloudError(f"Port '{text[:20]}' is not a number from 1 to 65535.", "port")
    if len(_balancers(cloud)) >= MAX_BALANCERS:
        raise QuotaExceeded(f"Quota exceeded for load balancers: you already have {MAX_BALANCERS}.")
    vip = addressing.allocate(subnet, set(subnet["used"]))
    subnet["used"].append(vip)
    record = {
        "id": cloud._new_id(),
        "name": name,
        "network": chosen["id"],
        "vip": vip,
        "protocol": "HTTP",
        "port": int(text),
        "members": [],
        "next": 0,
        "served": {},
        "created": cloud.now(),
    }
    _balancers(cloud)[record["id"]] = record
    return record


def delete(cloud, ref: str) -> None:
    lb = balancer(cloud, ref)
    subnet = cloud.subnet_of(cloud.state["networks"][lb["network"]])
    if subnet and lb["vip"] in subnet["used"]:
        subnet["used"].remove(lb["vip"])
    del _balancers(cloud)[lb["id"]]


def add_member(cloud, ref: str, instance_ref: str) -> dict:
    lb = balancer(cloud, ref)
    try:
        instance = cloud.find("instances", instance_ref)
    except NotFound as missing:
        raise CloudError(str(missing), "instance") from None
    if instance["network"] != lb["network"]:
        raise Conflict(
            f"Instance {instance['name']} is on another network than the VIP {lb['vip']}.", "instance"
        )
    if instance["id"] in lb["members"]:
        raise Conflict(f"Instance {instance['name']} is already a member of {lb['name']}.", "instance")
    lb["members"].append(instance["id"])
    return instance


def remove_member(cloud, ref: str, instance_id: str) -> None:
    lb = balancer(cloud, ref)
    if instance_id in lb["members"]:
        lb["members"].remove(instance_id)


def members(cloud, lb: dict) -> list[dict]:
    """Each member with its health as the monitor sees it (and why when it is down)."""
    rows = []
    for instance_id in lb["members"]:
        instance = cloud.state["instances"].get(instance_id)
        if instance is None or instance["status"] == "deleted":
            continue
        if instance["status"] != "active":
            health, why = "ERROR", f"the instance is {instance['status']}"
        elif not cloud.allows(instance, "tcp", lb["port"], lb["vip"]):
            health, why = "ERROR", f"its security groups do not let {lb['vip']} reach port {lb['port']}"
        else:
            health, why = "ONLINE", ""
        rows.append(
            {"instance": instance, "health": health, "why": why, "served": lb["served"].get(instance_id, 0)}
        )
    return rows


def send(cloud, ref: str, count) -> list[dict]:
    """`count` requests to the VIP: each goes to the next ONLINE member, round robin. Returns one row a
    request: {"n", "instance" (name or None), "status" (200, or 503 with no healthy member)}."""
    lb = balancer(cloud, ref)
    text = str(count).strip()
    if not text.isdecimal() or not 1 <= int(text) <= MAX_REQUESTS:
        raise CloudError(f"Send 1 to {MAX_REQUESTS} requests at a time.", "count")
    healthy = [row["instance"] for row in members(cloud, lb) if row["health"] == "ONLINE"]
    answers = []
    for n in range(1, int(text) + 1):
        if not healthy:
            answers.append({"n": n, "instance": None, "status": 503})
            continue
        chosen = healthy[lb["next"] % len(healthy)]
        lb["next"] += 1
        lb["served"][chosen["id"]] = lb["served"].get(chosen["id"], 0) + 1
        answers.append({"n": n, "instance": chosen["name"], "status": 200})
    return answers
