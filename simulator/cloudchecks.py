"""The cloud lab's checks: they judge the learner's cloud and its instances' disks, whether the work was done
from the console, the openstack client or inside the instances, never the commands typed."""

from __future__ import annotations

from simulator import cloudconfig, packages
from simulator.checks import answer_check, check
from simulator.cloudlab import OFFICE_IP
from simulator.filesystem import FsError
from simulator.keys import KEY_NAMES

# Ports and protocols a web server that opens "only SSH and HTTP" must not let in from outside.
CLOSED_PROBES = (("tcp", 443), ("tcp", 3306), ("tcp", 8080), ("tcp", 25), ("udp", 53), ("icmp", None))


def _instances(world) -> list[dict]:
    cloud = getattr(world, "cloud", None)
    return [] if cloud is None else [i for i in cloud.list("instances") if i["status"] == "active"]


def _web_servers(world, package: str = "nginx") -> list[dict]:
    found = []
    for instance in _instances(world):
        machine = world.cloud.machine(instance)
        if machine is not None and packages.is_installed(machine, package):
            found.append(instance)
    return found


def _read(machine, path: str) -> str:
    try:
        return machine.fs.read(path)
    except FsError:
        return ""


@check("cloud-keypair-is-learners", "The cloud has a key pair holding the workstation's public key")
def cloud_keypair_is_learners(world, params, answer):
    cloud = getattr(world, "cloud", None)
    public = _read(world.machine, "/home/learner/.ssh/id_ed25519.pub").split()
    if cloud is None or len(public) < 2:
        return False, "There is no cloud or no key on the workstation to compare with."
    pairs = cloud.list("keypairs")
    for pair in pairs:
        if pair["public_key"].split()[1] == public[1]:
            return True, f"Key pair {pair['name']} holds ~/.ssh/id_ed25519.pub."
    names = ", ".join(p["name"] for p in pairs) or "none"
    return False, f"No key pair holds ~/.ssh/id_ed25519.pub (key pairs: {names})."


@check(
    "cloud-web-server-from-user-data",
    "An active instance got its host name and its web server from user-data",
)
def cloud_web_server_from_user_data(world, params, answer):
    package = params.get("package", "nginx")
    instances = _instances(world)
    if not instances:
        return False, "No instance is active."
    for instance in instances:
        machine = world.cloud.machine(instance)
        config = cloudconfig.load(instance.get("user_data") or "")[0] if instance.get("user_data") else {}
        wanted = str(config.get("hostname", "")).split(".")[0]
        asked = package in [str(p) for p in config.get("packages") or []] or package in str(
            config.get("runcmd")
        )
        if (
            wanted
            and machine.hostname == wanted
            and asked
            and packages.is_installed(machine, package)
            and package in packages.running_services(machine)
        ):
            return (
                True,
                f"{instance['name']} calls itself {wanted} and runs {package}, as its user-data asked.",
            )
    names = ", ".join(i["name"] for i in instances)
    return False, (
        f"No active instance ({names}) has user-data that sets its host name (hostname:) and installs "
        f"{package} (packages:), with both done."
    )


@check("cloud-only-ssh-http", "The web server lets in SSH and HTTP from anywhere, and nothing else")
def cloud_only_ssh_http(world, params, answer):
    servers = _web_servers(world)
    if not servers:
        return False, "No active instance runs nginx yet."
    cloud = world.cloud
    for instance in servers:
        opened = [p for p in (22, 80) if cloud.allows(instance, "tcp", p, OFFICE_IP)]
        extra = [f"{proto}/{port}" if port else proto for proto, port in CLOSED_PROBES]
        extra = [
            label
            for label, (proto, port) in zip(extra, CLOSED_PROBES, strict=True)
            if cloud.allows(instance, proto, port, OFFICE_IP)
        ]
        if opened == [22, 80] and not extra:
            return True, f"{instance['name']}'s security groups let in tcp/22 and tcp/80 only."
        detail = f"{instance['name']} lets in from outside: " + (
            ", ".join(f"tcp/{p}" for p in opened) or "nothing"
        )
        if extra:
            detail += f", and also {', '.join(extra)}"
    return False, detail + "."


@check("cloud-web-public", "The web server has a floating IP and answers HTTP on it")
def cloud_web_public(world, params, answer):
    servers = _web_servers(world)
    if not servers:
        return False, "No active instance runs nginx yet."
    for instance in servers:
        address = instance.get("floating_ip")
        machine = world.cloud.machine(instance)
        if (
            address
            and world.cloud.allows(instance, "tcp", 80, OFFICE_IP)
            and "nginx" in packages.running_services(machine)
        ):
            return True, f"{instance['name']} answers HTTP at {address}."
    instance = servers[0]
    if not instance.get("floating_ip"):
        return False, f"{instance['name']} has no floating IP."
    return False, f"{instance['name']} has {instance['floating_ip']}, but HTTP does not get through to nginx."


@check(
    "cloud-volume-at-data",
    "A volume of 5 GB or more on the web server, with a filesystem, mounted at /data by fstab",
)
def cloud_volume_at_data(world, params, answer):
    from simulator import layout, mounting

    size = int(params.get("size", 5))
    servers = _web_servers(world)
    if not servers:
        return False, "No active instance runs nginx yet."
    for instance in servers:
        machine = world.cloud.machine(instance)
        for device, target, _, _ in layout.fstab_entries(machine):
            disk = mounting.find_disk(machine, device)
            if target.rstrip("/") != "/data" or disk is None:
                continue
            volume = world.cloud.state["volumes"][disk["volume"]]
            if volume["size"] < size:
                return False, f"/data is volume {volume['name']}, of {volume['size']} GB: {size} are wanted."
            if not disk.get("fstype"):
                return False, f"/etc/fstab names {device} for /data, but it has no filesystem (mkfs) yet."
            if disk.get("mount") != target:
                return False, f"/etc/fstab names {device} for /data, but it is not mounted there now."
            return (
                True,
                f"Volume {volume['name']} ({volume['size']} GB, {disk['fstype']}) is on /data, from fstab.",
            )
        if instance["volumes"]:
            return False, f"{instance['name']} has a volume, but no /etc/fstab line mounts it on /data."
    return False, f"No volume is attached to {servers[0]['name']}."


def _identity(machine) -> tuple[str, str, str]:
    keys = "".join(_read(machine, f"/etc/ssh/ssh_host_{kind}_key.pub") for kind in KEY_NAMES)
    return machine.hostname, machine.machine_id(), keys


@check(
    "cloud-template-clones-unique", "Three instances launched from one template, each with its own identity"
)
def cloud_template_clones_unique(world, params, answer):
    count = int(params.get("count", 3))
    by_image: dict[str, list[dict]] = {}
    templates = {i["id"] for i in world.cloud.list("images")} if getattr(world, "cloud", None) else set()
    for instance in _instances(world):
        if instance["image"] in templates:
            by_image.setdefault(instance["image"], []).append(instance)
    if not by_image:
        return False, "No active instance was launched from an image of your own (a template)."
    image, clones = max(by_image.items(), key=lambda item: len(item[1]))
    name = world.cloud.state["images"][image]["name"]
    if len(clones) < count:
        return False, f"{len(clones)} active instance(s) come from template {name}; {count} are needed."
    identities = {i["name"]: _identity(world.cloud.machine(i)) for i in clones}
    for label, index in (("host name", 0), ("machine ID", 1), ("SSH host keys", 2)):
        seen: dict[str, str] = {}
        for instance_name, identity in identities.items():
            if identity[index] in seen:
                return False, f"{seen[identity[index]]} and {instance_name} share their {label}."
            seen[identity[index]] = instance_name
    return True, f"{len(clones)} instances from {name}, with distinct host names, machine IDs and host keys."


@answer_check("answer-instance-id", "The answer is the web server's instance ID")
def answer_instance_id(world, params, answer):
    given = answer.strip().lower()
    for instance in _instances(world):
        if given == instance["id"]:
            return True, f"{instance['id']} is {instance['name']}'s instance ID."
    return False, f"'{answer.strip()[:40]}' is not the ID of an active instance."


@check("cloud-init-no-warnings", "cloud-init finished on the web server without errors or warnings")
def cloud_init_no_warnings(world, params, answer):
    from simulator.cloudinit import status_report

    instances = [i for i in _instances(world) if i.get("user_data")]
    if not instances:
        return False, "No active instance was launched with user-data."
    for instance in instances:
        report = status_report(world.cloud.machine(instance))
        if report["extended_status"] == "done":
            return True, f"cloud-init status on {instance['name']}: done, no errors, no warnings."
    instance = instances[-1]
    report = status_report(world.cloud.machine(instance))
    problems = report["errors"] + report["recoverable_errors"].get("WARNING", [])
    return (
        False,
        f"cloud-init on {instance['name']} is {report['extended_status']}: {problems[0] if problems else ''}",
    )


@check("cloud-own-network", "An instance runs on a network and subnet of your own")
def cloud_own_network(world, params, answer):
    cidr = params.get("cidr")
    cloud = getattr(world, "cloud", None)
    if cloud is None:
        return False, "There is no cloud."
    for instance in _instances(world):
        network = cloud.state["networks"][instance["network"]]
        subnet = cloud.subnet_of(network)
        if network["name"] != "private" and subnet and (cidr is None or subnet["cidr"] == cidr):
            return (
                True,
                f"{instance['name']} has {instance['fixed_ip']} on {network['name']} ({subnet['cidr']}).",
            )
    mine = [n["name"] for n in cloud.list("networks") if not n.get("external") and n["name"] != "private"]
    if not mine:
        return False, "You have made no network of your own yet."
    return False, f"No active instance runs on your network(s) {', '.join(mine)}" + (
        f" with subnet {cidr}." if cidr else "."
    )


def _saved_machine(image: dict):
    import copy

    from simulator.machine import Machine

    return Machine.from_dict(copy.deepcopy(image["machine"]))


@check(
    "cloud-template-generalised",
    "Your template was taken after cloud-init clean: no instance state, no machine-id",
)
def cloud_template_generalised(world, params, answer):
    cloud = getattr(world, "cloud", None)
    images = cloud.list("images") if cloud is not None else []
    if not images:
        return False, "You have made no image (template) yet."
    for image in images:
        disk = _saved_machine(image)
        stale = disk.fs.lexists("/var/lib/cloud/instance") or disk.fs.lexists(
            "/var/lib/cloud/data/instance-id"
        )
        machine_id = _read(disk, "/etc/machine-id").strip()
        if not stale and machine_id in ("", "uninitialized"):
            return True, f"{image['name']} holds no cloud-init instance state and no machine-id."
    disk = _saved_machine(images[-1])
    if disk.fs.lexists("/var/lib/cloud/instance"):
        return (
            False,
            f"{images[-1]['name']} still holds /var/lib/cloud/instance (cloud-init's state of its source).",
        )
    return (
        False,
        f"{images[-1]['name']} still holds its source's machine-id {_read(disk, '/etc/machine-id').strip()}.",
    )


@check("cloud-custom-page", "The web server's home page was written by its user-data")
def cloud_custom_page(world, params, answer):
    from simulator.commands.curl import web

    servers = _web_servers(world)
    if not servers:
        return False, "No active instance runs nginx yet."
    for instance in servers:
        page = web(world.cloud.machine(instance), "/")
        user_data = instance.get("user_data") or ""
        own = page is not None and page.status == 200 and "Welcome to nginx!" not in page.body
        if own and "/var/www/html" in user_data:
            return True, f"{instance['name']} serves its own page, written at its first boot."
    return False, f"{servers[0]['name']} serves nginx's default page, or a page its user-data did not write."
