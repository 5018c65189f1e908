"""Elasticity: an autoscaling group keeps between `min` and `max` instances of one image and flavor, as
many as a simulated load needs.

A target-tracking policy, as Heat's OS::Heat::AutoScalingGroup with a scaling policy driven by an alarm
(or AWS's target tracking) does it: the load is the CPU the group's work needs, in percent of one
instance; the group wants ceil(load / target) instances, within its bounds. Scaling out launches
instances named after the group; scaling in deletes the newest first. Each change of load is kept in
the group's history (for the console's chart).
"""

from __future__ import annotations

import math

from simulator.cloud import balancing
from simulator.cloud.errors import CloudError, Conflict, NotFound

MAX_GROUPS = 1
MAX_LOAD = 1000  # percent of one instance: ten instances' worth of work
HISTORY = 24


def _groups(cloud) -> dict:
    return cloud.state.setdefault("scaling_groups", {})


def groups(cloud) -> list[dict]:
    return sorted(_groups(cloud).values(), key=lambda g: g["created"])


def group(cloud, ref: str) -> dict:
    for found in _groups(cloud).values():
        if ref in (found["id"], found["name"]):
            return found
    raise NotFound(f"No autoscaling group with a name or ID of '{(ref or '')[:60]}' exists.", "group")


def _number(value, field: str, low: int, high: int) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdecimal() or not low <= int(text) <= high:
        raise CloudError(
            f"{field.capitalize()} is a whole number from {low} to {high}; '{text[:20]}' is not.", field
        )
    return int(text)


def create(
    cloud, name: str, image: str, flavor: str, minimum, desired, maximum, target=60, load_balancer: str = ""
) -> dict:
    """A group with `desired` instances launched now; the quota must hold them all, or none is made."""
    from simulator.cloud.model import check_name

    name = check_name(name, "autoscaling group")
    if cloud.state.get("scaling_groups"):
        raise Conflict(f"You already have an autoscaling group; this cloud allows {MAX_GROUPS}.", "name")
    limit = cloud.state["quotas"]["instances"]
    low = _number(minimum, "min", 0, limit)
    high = _number(maximum, "max", 1, limit)
    want = _number(desired, "desired", 0, limit)
    if not low <= want <= high:
        raise CloudError(f"Desired ({want}) must lie between min ({low}) and max ({high}).", "desired")
    goal = _number(target, "target", 10, 100)
    chosen_image, chosen_flavor = cloud.image(image), cloud.flavor(flavor)
    lb = balancing.balancer(cloud, load_balancer) if load_balancer else None
    for n in range(1, want + 1):
        cloud._unique("instances", f"{name}-{n}")
    cloud._require(
        instances=want, cores=want * chosen_flavor["vcpus"], ram=want * chosen_flavor["ram"]
    )  # all or nothing: never a group left half launched
    record = {
        "id": cloud._new_id(),
        "name": name,
        "image": chosen_image["name"],
        "flavor": chosen_flavor["name"],
        "min": low,
        "max": high,
        "desired": want,
        "target": goal,
        "load": 0,
        "instances": [],
        "launched": 0,
        "load_balancer": lb["id"] if lb else None,
        "history": [],
        "note": "",
        "created": cloud.now(),
    }
    _groups(cloud)[record["id"]] = record
    for _ in range(want):
        _scale_out(cloud, record)
    _record(cloud, record)
    return record


def _scale_out(cloud, record: dict) -> None:
    record["launched"] += 1
    instance = cloud.launch(f"{record['name']}-{record['launched']}", record["image"], record["flavor"])
    record["instances"].append(instance["id"])
    if record["load_balancer"] and record["load_balancer"] in cloud.state.get("load_balancers", {}):
        balancing.add_member(cloud, record["load_balancer"], instance["id"])


def _scale_in(cloud, record: dict) -> None:
    newest = record["instances"].pop()
    if newest in cloud.state["instances"] and cloud.state["instances"][newest]["status"] != "deleted":
        cloud.terminate(newest)


def _record(cloud, record: dict) -> None:
    count = len(record["instances"])
    record["history"].append(
        {
            "at": cloud.now(),
            "load": record["load"],
            "instances": count,
            "per_instance": _per(record["load"], count),
        }
    )
    del record["history"][:-HISTORY]


def _per(load: int, count: int) -> int:
    """The CPU each instance runs at, in percent (the work shared, at most all of each)."""
    return min(100, round(load / count)) if count else 0


def set_load(cloud, ref: str, load) -> dict:
    """The work changes: the policy sets the desired count, and the group launches or deletes instances
    to match. When the quota stops a scale-out, the group keeps what it could launch and says why."""
    record = group(cloud, ref)
    record["load"] = _number(load, "load", 0, MAX_LOAD)
    live = cloud.state["instances"]
    record["instances"] = [i for i in record["instances"] if i in live and live[i]["status"] != "deleted"]
    wanted = min(record["max"], max(record["min"], math.ceil(record["load"] / record["target"])))
    record["desired"] = wanted
    record["note"] = ""
    while len(record["instances"]) > wanted:
        _scale_in(cloud, record)
    while len(record["instances"]) < wanted:
        try:
            _scale_out(cloud, record)
        except CloudError as refused:
            record["launched"] -= 1
            record["note"] = f"Scaling out stopped at {len(record['instances'])} instances: {refused}"
            break
    _record(cloud, record)
    return record


def delete(cloud, ref: str) -> None:
    record = group(cloud, ref)
    while record["instances"]:
        _scale_in(cloud, record)
    del _groups(cloud)[record["id"]]
