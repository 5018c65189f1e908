"""One learner's cloud: its images, flavors, key pairs, networks, security groups, instances, volumes and
floating IPs, as plain data kept in the lab's World (`world.cloud`).

The console and the `openstack` command both act through this class, so what one creates the other
shows. Every action checks everything first and changes nothing when it raises a CloudError; instances
are machines of the world (`world.machines[instance["machine"]]`), made when they are launched and gone
when they are deleted. Time is the world's: the learner's machine's clock (3 s per command), so an
instance builds over a few commands, and `settle` waits as `openstack server create --wait` does.
"""

from __future__ import annotations

import ipaddress
import random
import re
import uuid

from simulator.cloud import addressing, catalog, firewall, instances
from simulator.cloud.errors import CloudError, Conflict, NotFound, QuotaExceeded
from simulator.cloud.keypairs import NAME as KEYPAIR_NAME
from simulator.cloud.keypairs import parse_public_key
from simulator.shell import Shell

# Seconds of the world's clock each transition takes (a small image on an idle compute host).
BUILD_SECONDS = 15
REBOOT_SECONDS = 9
# Statuses as the console shows them; the API's are the upper-case ones (BUILD, ACTIVE, ...).
STATUSES = ("building", "active", "shutoff", "rebooting", "deleted")
API_STATUS = {
    "building": "BUILD",
    "active": "ACTIVE",
    "shutoff": "SHUTOFF",
    "rebooting": "REBOOT",
    "deleted": "DELETED",
}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
MAX_USER_DATA = 16384  # Nova refuses user-data over 64 KiB base64-encoded; 16 KiB keeps lab state small
MAX_VOLUME_GB = 20
KEPT_DELETED = 10  # deleted instances still answering `server show` (Nova soft-deletes, then purges)


def _a_or_an(noun: str) -> str:
    """The noun with its article, as a sentence starts: "An instance", "A volume"."""
    return f"{'An' if noun[0] in 'aeiou' else 'A'} {noun}"


def check_name(name: str, what: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not NAME.fullmatch(name):
        raise CloudError(
            f"{_a_or_an(what)} name is 1 to 63 letters, digits, dots, dashes or underscores, starting with a "
            f"letter or digit; '{name[:40]}' is not.",
            field,
        )
    return name


class Cloud:
    """A learner's cloud over its world. `state` is plain JSON-able data; `world` gives machines and time."""

    def __init__(self, state: dict, world):
        self.state = state
        self.world = world

    @classmethod
    def new(cls, world, quotas: dict | None = None) -> Cloud:
        """A fresh project as devstack leaves one: the public and private networks, the default group."""
        cloud = cls(
            {
                "draws": 0,
                "quotas": {**catalog.QUOTAS, **(quotas or {})},
                "keypairs": {},
                "networks": {},
                "subnets": {},
                "security_groups": {},
                "images": {},
                "instances": {},
                "volumes": {},
                "snapshots": {},
                "floating_ips": {},
            },
            world,
        )
        public = cloud._add("networks", {"name": catalog.PUBLIC_NETWORK, "external": True, "subnets": []})
        plan = addressing.plan_subnet(catalog.PUBLIC_CIDR)
        subnet = cloud._add("subnets", {"name": "public-subnet", "network": public["id"], "used": [], **plan})
        public["subnets"].append(subnet["id"])
        private = cloud.create_network(catalog.PRIVATE_NETWORK)
        cloud.create_subnet(private["id"], *catalog.PRIVATE_SUBNET)
        group = cloud._add(
            "security_groups", {"name": "default", "description": "Default security group", "rules": []}
        )
        group["rules"].append(
            {
                "id": cloud._new_id(),
                **firewall.rule("any", None, None, ""),
                "remote": None,
                "remote_group": group["id"],
            }
        )
        group["rules"].append(
            {
                "id": cloud._new_id(),
                "direction": "egress",
                "protocol": "any",
                "port_min": None,
                "port_max": None,
                "remote": "0.0.0.0/0",
            }
        )
        return cloud

    def to_dict(self) -> dict:
        return self.state

    @classmethod
    def from_dict(cls, data: dict, world) -> Cloud:
        return cls(data, world)

    # Identity and time: ids from the world's seed and a counter; time from the learner's machine.
    def _new_id(self) -> str:
        self.state["draws"] += 1
        rng = random.Random(f"{self.world.seed}/cloud/{self.state['draws']}")
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def rng(self) -> random.Random:
        self.state["draws"] += 1
        return random.Random(f"{self.world.seed}/cloud-rng/{self.state['draws']}")

    def now(self) -> int:
        return self.world.machine.clock

    def _add(self, kind: str, record: dict) -> dict:
        record = {"id": self._new_id(), "created": self.now(), **record}
        self.state[kind][record["id"]] = record
        return record

    # Looking things up: by id or by name, as the openstack client accepts either.
    def find(self, kind: str, ref: str) -> dict:
        table = self.state[kind]
        ref = (ref or "").strip()
        if ref in table and table[ref].get("status") != "deleted":
            return table[ref]
        named = [r for r in table.values() if r.get("name") == ref and r.get("status") != "deleted"]
        if not named:
            raise NotFound(f"No {_SINGULAR[kind]} with a name or ID of '{ref[:60]}' exists.")
        return named[0]

    def list(self, kind: str) -> list[dict]:
        """Every live resource of a kind, oldest first (deleted instances left out)."""
        rows = [r for r in self.state[kind].values() if r.get("status") != "deleted"]
        return sorted(rows, key=lambda r: (r["created"], r.get("name", "")))

    def _unique(self, kind: str, name: str, field: str = "name") -> None:
        if any(r.get("name") == name and r.get("status") != "deleted" for r in self.state[kind].values()):
            taken = f"{_a_or_an(_SINGULAR[kind])} named '{name}' already exists; choose another name."
            raise Conflict(taken, field)

    # Quotas
    def usage(self) -> dict:
        live = [i for i in self.state["instances"].values() if i["status"] != "deleted"]
        return {
            "instances": len(live),
            "cores": sum(catalog.FLAVORS[i["flavor"]]["vcpus"] for i in live),
            "ram": sum(catalog.FLAVORS[i["flavor"]]["ram"] for i in live),
            "volumes": len(self.state["volumes"]),
            "gigabytes": sum(v["size"] for v in self.state["volumes"].values())
            + sum(s["size"] for s in self.state["snapshots"].values()),
            "snapshots": len(self.state["snapshots"]),
            "images": len(self.state["images"]),
            "key_pairs": len(self.state["keypairs"]),
            "networks": sum(1 for n in self.state["networks"].values() if not n.get("external")),
            "subnets": sum(1 for s in self.state["subnets"].values() if s["name"] != "public-subnet"),
            "security_groups": len(self.state["security_groups"]),
            "security_group_rules": sum(len(g["rules"]) for g in self.state["security_groups"].values()),
            "floating_ips": len(self.state["floating_ips"]),
        }

    def quota(self) -> dict:
        """{resource: {"used", "limit"}} for the console's overview."""
        usage = self.usage()
        return {key: {"used": usage[key], "limit": limit} for key, limit in self.state["quotas"].items()}

    def _require(self, **wanted: int) -> None:
        """Raise QuotaExceeded (in Nova's, Cinder's or Neutron's words) when a request would not fit."""
        usage, limits = self.usage(), self.state["quotas"]
        for key, amount in wanted.items():
            if usage[key] + amount <= limits[key]:
                continue
            unit = {"ram": " MB", "gigabytes": " GB"}.get(key, "")
            label = _QUOTA_LABELS.get(key, key.replace("_", " "))
            raise QuotaExceeded(
                f"Quota exceeded for {label}: requested {amount}{unit}, but already used {usage[key]}{unit} "
                f"of {limits[key]}{unit}. Delete some {label} first.",
                "" if key not in ("gigabytes",) else "size",
            )

    # Images and flavors
    def images(self) -> list[dict]:
        """Public images then the learner's own templates, as `openstack image list` shows them."""
        public = [
            {"id": _public_image_id(name), "name": name, "visibility": "public", "status": "active", **info}
            for name, info in catalog.IMAGES.items()
        ]
        return public + self.list("images")

    def image(self, ref: str) -> dict:
        for image in self.images():
            if ref in (image["id"], image["name"]):
                return image
        raise NotFound(f"No image with a name or ID of '{(ref or '')[:60]}' exists.", "image")

    @staticmethod
    def flavors() -> list[dict]:
        return [{"name": name, **flavor} for name, flavor in catalog.FLAVORS.items()]

    @staticmethod
    def flavor(ref: str) -> dict:
        for name, flavor in catalog.FLAVORS.items():
            if ref in (name, flavor["id"]):
                return {"name": name, **flavor}
        raise NotFound(f"No flavor with a name or ID of '{(ref or '')[:60]}' exists.", "flavor")

    def create_image(self, instance_ref: str, name: str) -> dict:
        """A template from an instance: its whole root disk as it stands (cloud-init's state included,
        unless `cloud-init clean` was run in it), to launch others from. Glance's snapshot of a server."""
        name = check_name(name, "image")
        instance = self.find("instances", instance_ref)
        if instance["status"] not in ("active", "shutoff"):
            raise Conflict(
                f"Instance {instance['name']} is {instance['status']}: wait until it is active or shut off."
            )
        if name in catalog.IMAGES:
            raise Conflict(f"'{name}' is a public image's name; choose another.", "name")
        self._unique("images", name)
        self._require(images=1)
        source = self.image(instance["image"])
        machine = self.machine(instance)
        return self._add(
            "images",
            {
                "name": name,
                "visibility": "private",
                "status": "active",
                "distro": source["distro"],
                "os_distro": source["os_distro"],
                "default_user": source["default_user"],
                "min_disk": catalog.FLAVORS[instance["flavor"]]["disk"],
                "min_ram": source["min_ram"],
                "size": 1_200_000_000 + len(machine.fs.nodes) * 4096,
                "os_release": source["os_release"],
                "from_instance": instance["id"],
                "base_image": source.get("base_image", source["name"]),  # the distribution underneath
                "machine": instances.snapshot(machine),
            },
        )

    def delete_image(self, ref: str) -> None:
        image = self.image(ref)
        if image["visibility"] == "public":
            raise Conflict(
                f"Image {image['name']} is public: only its owner, the cloud's operator, can delete it."
            )
        del self.state["images"][image["id"]]

    # Key pairs
    def create_keypair(self, name: str, public_key: str) -> dict:
        name = (name or "").strip()
        if not KEYPAIR_NAME.fullmatch(name):
            raise CloudError(
                "A key pair name is 1 to 255 letters, digits, spaces, dots, dashes, underscores or @.", "name"
            )
        if name in self.state["keypairs"]:
            raise Conflict(f"Key pair '{name}' already exists.", "name")
        parsed = parse_public_key(public_key)
        self._require(key_pairs=1)
        record = {"id": name, "name": name, "created": self.now(), **parsed}
        self.state["keypairs"][name] = record
        return record

    def delete_keypair(self, name: str) -> None:
        keypair = self.find("keypairs", name)
        del self.state["keypairs"][keypair["id"]]

    # Networks and subnets
    def create_network(self, name: str) -> dict:
        name = check_name(name, "network")
        self._unique("networks", name)
        self._require(networks=1)
        return self._add("networks", {"name": name, "external": False, "subnets": []})

    def create_subnet(
        self,
        network_ref: str,
        name: str,
        cidr: str,
        gateway: str = "",
        pool_start: str = "",
        pool_end: str = "",
    ) -> dict:
        network = self.find("networks", network_ref)
        name = check_name(name, "subnet")
        if network.get("external"):
            raise Conflict(
                f"Network {network['name']} is the provider's: its subnets are not yours to change.",
                "network",
            )
        self._unique("subnets", name)
        plan = addressing.plan_subnet(cidr, gateway, pool_start, pool_end)
        others = {s["name"]: s["cidr"] for s in self.state["subnets"].values()}
        clash = addressing.overlapping(ipaddress.ip_network(plan["cidr"]), others)
        if clash:
            raise Conflict(
                f"{plan['cidr']} overlaps subnet {clash} ({others[clash]}): "
                "two subnets of one cloud must not share addresses.",
                "cidr",
            )
        if network["subnets"]:
            raise Conflict(
                f"Network {network['name']} already has a subnet; this cloud gives each network one.",
                "network",
            )
        self._require(subnets=1)
        subnet = self._add("subnets", {"name": name, "network": network["id"], "used": [], **plan})
        network["subnets"].append(subnet["id"])
        return subnet

    def delete_subnet(self, ref: str) -> None:
        subnet = self.find("subnets", ref)
        if subnet["used"]:
            raise Conflict(
                f"Subnet {subnet['name']} still has {len(subnet['used'])} address(es) in use: "
                "delete its instances first."
            )
        if subnet["name"] == "public-subnet":
            raise Conflict("The public subnet belongs to the provider.")
        self.state["networks"][subnet["network"]]["subnets"].remove(subnet["id"])
        del self.state["subnets"][subnet["id"]]

    def delete_network(self, ref: str) -> None:
        network = self.find("networks", ref)
        if network.get("external"):
            raise Conflict(f"Network {network['name']} belongs to the provider.")
        users = [i["name"] for i in self.list("instances") if i["network"] == network["id"]]
        if users:
            raise Conflict(
                f"Network {network['name']} is in use by {', '.join(users)}: delete those instances first."
            )
        for subnet_id in list(network["subnets"]):
            del self.state["subnets"][subnet_id]
        del self.state["networks"][network["id"]]

    def subnet_of(self, network: dict) -> dict | None:
        return self.state["subnets"][network["subnets"][0]] if network["subnets"] else None

    # Security groups
    def create_security_group(self, name: str, description: str = "") -> dict:
        name = check_name(name, "security group")
        self._unique("security_groups", name)
        self._require(security_groups=1, security_group_rules=1)
        group = self._add(
            "security_groups", {"name": name, "description": (description or "").strip()[:255], "rules": []}
        )
        # Neutron gives every new group an egress rule to anywhere; ingress starts closed.
        group["rules"].append(
            {
                "id": self._new_id(),
                "direction": "egress",
                "protocol": "any",
                "port_min": None,
                "port_max": None,
                "remote": "0.0.0.0/0",
            }
        )
        return group

    def delete_security_group(self, ref: str) -> None:
        group = self.find("security_groups", ref)
        if group["name"] == "default":
            raise Conflict("The default security group cannot be deleted.")
        users = [i["name"] for i in self.list("instances") if group["id"] in i["security_groups"]]
        if users:
            raise Conflict(f"Security group {group['name']} is in use by {', '.join(users)}.")
        del self.state["security_groups"][group["id"]]

    def add_rule(
        self, group_ref: str, protocol: str = "tcp", port_min=None, port_max=None, remote: str = ""
    ) -> dict:
        group = self.find("security_groups", group_ref)
        new = firewall.rule(protocol, port_min, port_max, remote)
        for existing in group["rules"]:
            if firewall.same(existing, new):
                raise Conflict(f"Security group rule already exists. Rule id is {existing['id']}.")
        self._require(security_group_rules=1)
        record = {"id": self._new_id(), **new}
        group["rules"].append(record)
        return record

    def delete_rule(self, rule_id: str) -> None:
        for group in self.state["security_groups"].values():
            for item in group["rules"]:
                if item["id"] == rule_id:
                    group["rules"].remove(item)
                    return
        raise NotFound(f"No security group rule with ID '{(rule_id or '')[:60]}' exists.")

    def allows(self, instance_ref, protocol: str, port: int | None, source_ip: str) -> bool:
        """Whether a new connection (tcp/udp to `port`, or icmp) from `source_ip` reaches the instance:
        it must be running and one of its groups' ingress rules must match. For ssh and curl."""
        instance = instance_ref if isinstance(instance_ref, dict) else self.find("instances", instance_ref)
        if instance["status"] != "active":
            return False
        for group_id in instance["security_groups"]:
            group = self.state["security_groups"].get(group_id)
            if group is None:
                continue
            members = {i["fixed_ip"] for i in self.list("instances") if group_id in i["security_groups"]}
            if any(firewall.matches(item, protocol, port, source_ip, members) for item in group["rules"]):
                return True
        return False

    def add_security_group(self, instance_ref: str, group_ref: str) -> dict:
        """`openstack server add security group`: the group's rules apply to the instance at once."""
        instance = self.find("instances", instance_ref)
        try:
            group = self.find("security_groups", group_ref)
        except NotFound as missing:
            raise CloudError(str(missing), "group") from None
        if group["id"] in instance["security_groups"]:
            raise Conflict(
                f"Instance {instance['name']} is already in security group {group['name']}.", "group"
            )
        instance["security_groups"].append(group["id"])
        return group

    def remove_security_group(self, instance_ref: str, group_ref: str) -> dict:
        instance = self.find("instances", instance_ref)
        group = self.find("security_groups", group_ref)
        if group["id"] not in instance["security_groups"]:
            raise Conflict(f"Instance {instance['name']} is not in security group {group['name']}.", "group")
        instance["security_groups"].remove(group["id"])
        return group

    def instance_at(self, address: str) -> dict | None:
        """The live instance holding this fixed or floating address."""
        for instance in self.list("instances"):
            if address in (instance["fixed_ip"], instance.get("floating_ip")):
                return instance
        return None

    # Instances
    def launch(
        self,
        name: str,
        image: str,
        flavor: str,
        network: str = catalog.PRIVATE_NETWORK,
        security_groups: list[str] | tuple[str, ...] = ("default",),
        key_name: str = "",
        user_data: str | None = None,
    ) -> dict:
        """A new instance, building: everything is checked, then its address, port and machine are made."""
        name = check_name(name, "instance")
        self._unique("instances", name)
        chosen_image = self.image(image)
        chosen_flavor = self.flavor(flavor)
        if chosen_flavor["disk"] < chosen_image["min_disk"]:
            raise CloudError(
                f"Flavor {chosen_flavor['name']}'s disk ({chosen_flavor['disk']} GB) is too small for image "
                f"{chosen_image['name']}, which needs {chosen_image['min_disk']} GB.",
                "flavor",
            )
        if chosen_flavor["ram"] < chosen_image["min_ram"]:
            raise CloudError(
                f"Flavor {chosen_flavor['name']}'s memory ({chosen_flavor['ram']} MB) is too small for image "
                f"{chosen_image['name']}, which needs {chosen_image['min_ram']} MB.",
                "flavor",
            )
        try:
            chosen_network = self.find("networks", network)
        except NotFound as missing:
            raise CloudError(str(missing), "network") from None
        if chosen_network.get("external"):
            raise CloudError(
                f"Network {chosen_network['name']} is the provider's: launch on a private network and "
                "give the instance a floating IP from it.",
                "network",
            )
        subnet = self.subnet_of(chosen_network)
        if subnet is None:
            raise CloudError(
                f"Network {chosen_network['name']} has no subnet, so no address to give.", "network"
            )
        groups = []
        for ref in security_groups or ("default",):
            try:
                group = self.find("security_groups", ref)
            except NotFound as missing:
                raise CloudError(str(missing), "security_groups") from None
            if group["id"] not in groups:
                groups.append(group["id"])
        keypair = None
        if key_name:
            try:
                keypair = self.find("keypairs", key_name)
            except NotFound as missing:
                raise CloudError(str(missing), "key_name") from None
        if user_data is not None and len(user_data.encode()) > MAX_USER_DATA:
            raise CloudError(
                f"User data is {len(user_data.encode())} bytes; at most {MAX_USER_DATA} fit.", "user_data"
            )
        self._require(instances=1, cores=chosen_flavor["vcpus"], ram=chosen_flavor["ram"])
        address = addressing.allocate(subnet, set(subnet["used"]))
        subnet["used"].append(address)
        # Nova's instance_name_template instance-%08x, from a counter never reused (deleted records go)
        self.state["launched"] = number = self.state.get("launched", 0) + 1
        instance = self._add(
            "instances",
            {
                "name": name,
                "status": "building",
                "until": self.now() + BUILD_SECONDS,
                "image": chosen_image["id"],
                "image_name": chosen_image["name"],
                "base_image": chosen_image.get("base_image", chosen_image["name"]),
                "flavor": chosen_flavor["name"],
                "network": chosen_network["id"],
                "fixed_ip": address,
                "floating_ip": None,
                "mac": catalog.MAC_PREFIX + "".join(f":{b:02x}" for b in self.rng().randbytes(3)),
                "security_groups": groups,
                "key_name": keypair["name"] if keypair else None,
                "user_data": user_data or None,
                "volumes": [],
                "machine": f"instance-{number:08x}",
                "boots": 0,
            },
        )
        instances.build(self, instance, chosen_image, chosen_flavor, subnet, keypair)
        return instance

    def advance(self) -> None:
        """Finish the transitions whose time has come (building and rebooting instances become active)."""
        for instance in self.list("instances"):
            if instance.get("until") is not None and instance["until"] <= self.now():
                instance["until"] = None
                instance["status"] = "active"
                instances.boot(self, instance)

    def settle(self, instance_ref: str | None = None) -> None:
        """Wait, as `--wait` does: the world's clock moves on until the instance (or all) is done."""
        pending = [i for i in self.list("instances") if i.get("until") is not None]
        if instance_ref is not None:
            target = self.find("instances", instance_ref)
            pending = [i for i in pending if i["id"] == target["id"]]
        if pending:
            wait = max(i["until"] for i in pending) - self.now()
            if wait > 0:
                self.world.machine.tick(wait)
        self.advance()

    def start(self, ref: str) -> dict:
        instance = self.find("instances", ref)
        if instance["status"] != "shutoff":
            raise Conflict(
                f"Cannot start instance {instance['name']}: it is {instance['status']}, not shut off."
            )
        instance["status"] = "active"
        instances.boot(self, instance)
        return instance

    def stop(self, ref: str) -> dict:
        instance = self.find("instances", ref)
        if instance["status"] != "active":
            raise Conflict(
                f"Cannot stop instance {instance['name']}: it is {instance['status']}, not active."
            )
        instance["status"] = "shutoff"
        instances.power_off(self, instance)
        return instance

    def shut_down_by_guest(self, machine_name: str) -> bool:
        """The guest powered itself off: its instance is SHUTOFF, as Nova's power state sync records it.
        False when no active instance runs on that machine."""
        for instance in self.state["instances"].values():
            if instance["machine"] == machine_name and instance["status"] == "active":
                instance["status"] = "shutoff"
                return True
        return False

    def reboot(self, ref: str) -> dict:
        instance = self.find("instances", ref)
        if instance["status"] != "active":
            raise Conflict(
                f"Cannot reboot instance {instance['name']}: it is {instance['status']}, not active."
            )
        instance["status"] = "rebooting"
        instance["until"] = self.now() + REBOOT_SECONDS
        instances.power_off(self, instance)
        return instance

    def terminate(self, ref: str) -> None:
        """Delete an instance: its volumes are detached (their data kept), its floating IP freed, its
        address released; its ephemeral root disk, the machine, is gone."""
        instance = self.find("instances", ref)
        for volume_id in list(instance["volumes"]):
            self.detach_volume(volume_id)
        if instance.get("floating_ip"):
            self.disassociate_floating_ip(instance["floating_ip"])
        subnet = self.subnet_of(self.state["networks"][instance["network"]])
        if subnet and instance["fixed_ip"] in subnet["used"]:
            subnet["used"].remove(instance["fixed_ip"])
        instances.destroy(self, instance)
        instance.update(status="deleted", until=None, deleted=self.now())
        deleted = [i for i in self.state["instances"].values() if i["status"] == "deleted"]
        for old in sorted(deleted, key=lambda i: i["deleted"])[:-KEPT_DELETED]:
            del self.state["instances"][old["id"]]

    def machine(self, instance: dict):
        """The world's machine behind an instance (None once it is deleted)."""
        return self.world.machines.get(instance["machine"])

    def powered(self, machine_name: str) -> bool:
        """Whether the instance on this machine is running (for the world's network and ssh)."""
        for instance in self.state["instances"].values():
            if instance["machine"] == machine_name:
                return instance["status"] == "active"
        return False

    def open_console(self, ref: str) -> str:
        """Attach the lab's terminal to the instance's console, logged in as the image's default user (root
        when the guest has no such user), as the console's Terminal tab does; `exit` comes back. Returns
        the user."""
        instance = self.find("instances", ref)
        if instance["status"] != "active":
            raise Conflict(
                f"Instance {instance['name']} is {instance['status']}: its console opens once it is active."
            )
        machine = self.machine(instance)
        user = self.default_user(instance)
        if user not in machine.users:
            user = "root"
        world = self.world
        world.sessions = [s for s in world.sessions if s["machine"] != instance["machine"]]
        shell = Shell.for_user(machine, user)
        shell.farewell = ""
        world.sessions.append(
            {"machine": instance["machine"], "host": instance["name"], "shell": shell, "console": True}
        )
        return user

    def console_log(self, ref: str) -> str:
        return instances.console_log(self, self.find("instances", ref))

    def default_user(self, instance: dict) -> str:
        return self.image(instance["image"])["default_user"]

    # Block storage
    def create_volume(self, name: str, size, snapshot: str = "") -> dict:
        name = check_name(name, "volume")
        self._unique("volumes", name)
        source = self.find("snapshots", snapshot) if snapshot else None
        size = _size(size, source["size"] if source else 1)
        if source and size < source["size"]:
            raise CloudError(
                f"A volume from snapshot {source['name']} needs at least its {source['size']} GB.", "size"
            )
        self._require(volumes=1, gigabytes=size)
        return self._add(
            "volumes",
            {
                "name": name,
                "size": size,
                "status": "available",
                "attached_to": None,
                "device": None,
                "filesystem": dict(source["filesystem"]) if source and source["filesystem"] else None,
                "files": dict(source["files"]) if source else {},
                "snapshot": source["id"] if source else None,
            },
        )

    def delete_volume(self, ref: str) -> None:
        volume = self.find("volumes", ref)
        if volume["status"] == "in-use":
            raise Conflict(
                f"Volume {volume['name']} is attached to {self._attached_name(volume)}: detach it first."
            )
        children = [s["name"] for s in self.state["snapshots"].values() if s["volume"] == volume["id"]]
        if children:
            raise Conflict(
                f"Volume {volume['name']} has snapshots ({', '.join(children)}): delete them first."
            )
        del self.state["volumes"][volume["id"]]

    def attach_volume(self, volume_ref: str, instance_ref: str) -> dict:
        """Attach: the volume becomes the instance's next virtio disk (/dev/vdb, /dev/vdc...)."""
        volume = self.find("volumes", volume_ref)
        instance = self.find("instances", instance_ref)
        if volume["status"] != "available":
            raise Conflict(
                f"Volume {volume['name']} is already attached to {self._attached_name(volume)}.", "volume"
            )
        if instance["status"] not in ("active", "shutoff"):
            raise Conflict(
                f"Instance {instance['name']} is {instance['status']}: attach when it is active or shut off.",
                "instance",
            )
        volume["device"] = instances.attach(self, instance, volume)
        volume["status"] = "in-use"
        volume["attached_to"] = instance["id"]
        instance["volumes"].append(volume["id"])
        return volume

    def detach_volume(self, volume_ref: str) -> dict:
        """Detach: what the guest wrote on the volume goes with it; the instance loses the disk."""
        volume = self.find("volumes", volume_ref)
        if volume["status"] != "in-use":
            raise Conflict(f"Volume {volume['name']} is not attached to any instance.")
        instance = self.state["instances"][volume["attached_to"]]
        instances.detach(self, instance, volume)
        instance["volumes"].remove(volume["id"])
        volume.update(status="available", attached_to=None, device=None)
        return volume

    def extend_volume(self, ref: str, size) -> dict:
        volume = self.find("volumes", ref)
        new = _size(size, volume["size"])
        if new <= volume["size"]:
            raise CloudError(
                f"New size for extend must be greater than current size ({volume['size']} GB).", "size"
            )
        if volume["status"] != "available":
            raise Conflict(f"Volume {volume['name']} is in use: detach it before extending it.", "size")
        self._require(gigabytes=new - volume["size"])
        volume["size"] = new
        return volume

    def create_snapshot(self, volume_ref: str, name: str) -> dict:
        volume = self.find("volumes", volume_ref)
        name = check_name(name, "snapshot")
        self._unique("snapshots", name)
        if volume["status"] != "available":
            raise Conflict(
                f"Volume {volume['name']} is in use: detach it first (or the snapshot may be inconsistent)."
            )
        self._require(snapshots=1, gigabytes=volume["size"])
        return self._add(
            "snapshots",
            {
                "name": name,
                "volume": volume["id"],
                "size": volume["size"],
                "status": "available",
                "filesystem": dict(volume["filesystem"]) if volume["filesystem"] else None,
                "files": dict(volume["files"]),
            },
        )

    def delete_snapshot(self, ref: str) -> None:
        snapshot = self.find("snapshots", ref)
        del self.state["snapshots"][snapshot["id"]]

    def _attached_name(self, volume: dict) -> str:
        instance = self.state["instances"].get(volume["attached_to"] or "")
        return instance["name"] if instance else "nothing"

    # Floating IPs
    def allocate_floating_ip(self) -> dict:
        self._require(floating_ips=1)
        public = self.find("networks", catalog.PUBLIC_NETWORK)
        subnet = self.subnet_of(public)
        used = set(subnet["used"]) | {f["address"] for f in self.state["floating_ips"].values()}
        address = addressing.allocate(subnet, used)
        subnet["used"].append(address)
        return self._add("floating_ips", {"name": address, "address": address, "instance": None})

    def associate_floating_ip(self, ip_ref: str, instance_ref: str) -> dict:
        floating = self.find("floating_ips", ip_ref)
        instance = self.find("instances", instance_ref)
        if floating["instance"]:
            holder = self.state["instances"][floating["instance"]]["name"]
            raise Conflict(
                f"Floating IP {floating['address']} is already associated with {holder}.", "instance"
            )
        if instance.get("floating_ip"):
            raise Conflict(
                f"Instance {instance['name']} already has floating IP {instance['floating_ip']}.", "instance"
            )
        floating["instance"] = instance["id"]
        instance["floating_ip"] = floating["address"]
        return floating

    def disassociate_floating_ip(self, ip_ref: str) -> dict:
        floating = self.find("floating_ips", ip_ref)
        if floating["instance"]:
            self.state["instances"][floating["instance"]]["floating_ip"] = None
        floating["instance"] = None
        return floating

    def release_floating_ip(self, ip_ref: str) -> None:
        floating = self.find("floating_ips", ip_ref)
        self.disassociate_floating_ip(floating["id"])
        subnet = self.subnet_of(self.find("networks", catalog.PUBLIC_NETWORK))
        subnet["used"].remove(floating["address"])
        del self.state["floating_ips"][floating["id"]]


def _size(value, default: int) -> int:
    text = str(value if value is not None else default).strip().upper().removesuffix("GB").removesuffix("G")
    if not text.isdecimal() or not 1 <= int(text) <= MAX_VOLUME_GB:
        raise CloudError(
            f"Size is a whole number of GB from 1 to {MAX_VOLUME_GB}; '{str(value)[:20]}' is not.", "size"
        )
    return int(text)


def _public_image_id(name: str) -> str:
    return str(uuid.UUID(int=random.Random(f"image/{name}").getrandbits(128), version=4))


_SINGULAR = {
    "keypairs": "key pair",
    "networks": "network",
    "subnets": "subnet",
    "security_groups": "security group",
    "images": "image",
    "instances": "instance",
    "volumes": "volume",
    "snapshots": "snapshot",
    "floating_ips": "floating IP",
}
_QUOTA_LABELS = {
    "ram": "RAM",
    "key_pairs": "key pairs",
    "floating_ips": "floating IPs",
    "security_group_rules": "security group rules",
}
