"""Nova and Glance through the client: servers, their actions and templates, images, flavors, key pairs."""

from __future__ import annotations

import hashlib

from simulator import cliff
from simulator.cliff import Column
from simulator.cloud import CloudError, Conflict, QuotaExceeded
from simulator.commands import Context
from simulator.filesystem import FsError
from simulator.osc.args import FORMAT_OPTIONS, Failure, parse
from simulator.osc.client import (
    PROJECT_ID,
    USER_ID,
    Client,
    delete_each,
    md5,
    micro,
    output_list,
    output_one,
    timestamp,
)

# -- servers ---------------------------------------------------------------------------------------
VM_STATE = {"building": "building", "active": "active", "shutoff": "stopped", "rebooting": "active"}
TASK_STATE = {"building": "spawning", "rebooting": "rebooting_hard"}
POWER_STATE = {"active": "Running", "shutoff": "Shutdown", "building": "NOSTATE", "rebooting": "Running"}
POWER_CODES = {"NOSTATE": 0, "Running": 1, "Shutdown": 4}  # nova/compute/power_state.py


def _addresses(client: Client, instance: dict) -> Column:
    network = client.cloud.state["networks"].get(instance["network"], {}).get("name", "")
    addresses = [instance["fixed_ip"]] + ([instance["floating_ip"]] if instance.get("floating_ip") else [])
    if instance["status"] == "building":
        return Column("", {})
    return Column(cliff.format_dict_of_list({network: addresses}), {network: addresses})


def _server_detail(client: Client, instance: dict) -> dict:
    cloud = client.cloud
    image = next((i for i in cloud.images() if i["id"] == instance["image"]), None)
    flavor = cloud.flavor(instance["flavor"])
    flavor_info = {
        "description": None,
        "disk": flavor["disk"],
        "ephemeral": 0,
        "extra_specs": {},
        "id": flavor["name"],
        "is_disabled": None,
        "is_public": True,
        "location": None,
        "name": flavor["name"],
        "original_name": flavor["name"],
        "ram": flavor["ram"],
        "rxtx_factor": None,
        "swap": 0,
        "vcpus": flavor["vcpus"],
    }
    groups = [{"name": cloud.state["security_groups"][g]["name"]} for g in instance["security_groups"]]
    volumes = [{"delete_on_termination": False, "id": v} for v in instance["volumes"]]
    status = instance["status"]
    host_id = hashlib.sha224((PROJECT_ID + "compute-1").encode()).hexdigest()
    data = {
        "OS-DCF:diskConfig": "MANUAL",
        "OS-EXT-AZ:availability_zone": "nova" if status != "building" else "",
        "OS-EXT-SRV-ATTR:host": None,
        "OS-EXT-SRV-ATTR:hostname": None,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": None,
        "OS-EXT-SRV-ATTR:instance_name": None,
        "OS-EXT-STS:power_state": Column(
            POWER_STATE[status], {"NOSTATE": 0, "Running": 1, "Shutdown": 4}[POWER_STATE[status]]
        ),
        "OS-EXT-STS:task_state": TASK_STATE.get(status),
        "OS-EXT-STS:vm_state": VM_STATE[status],
        "OS-SRV-USG:launched_at": None if status == "building" else micro(instance["created"] + 15),
        "OS-SRV-USG:terminated_at": None,
        "accessIPv4": "",
        "accessIPv6": "",
        "addresses": _addresses(client, instance),
        "config_drive": "",
        "created": timestamp(instance["created"]),
        "flavor": Column(cliff.format_dict(flavor_info), flavor_info),
        "hostId": host_id if status != "building" else "",
        "id": instance["id"],
        "image": f"{image['name']} ({image['id']})" if image else instance["image"],
        "key_name": instance["key_name"],
        "name": instance["name"],
        "progress": 0,
        "project_id": PROJECT_ID,
        "properties": Column("", {}),
        "security_groups": Column(cliff.format_list_of_dicts(groups), groups),
        "status": API_STATUS[status],
        "updated": timestamp(instance["created"] + (15 if status != "building" else 1)),
        "user_id": USER_ID,
        "volumes_attached": Column(cliff.format_list_of_dicts(volumes), volumes),
    }
    return data


API_STATUS = {
    "building": "BUILD",
    "active": "ACTIVE",
    "shutoff": "SHUTOFF",
    "rebooting": "HARD_REBOOT",
    "deleted": "DELETED",
}


def _read_user_data(ctx: Context, path: str) -> str:
    try:
        return ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError as error:
        errno = {"ENOENT": 2, "EACCES": 13, "EISDIR": 21}.get(error.code, 2)
        raise Failure(f"Can't open '{path}': [Errno {errno}] {error.message}: '{path}'\n") from None


SERVER_CREATE = {
    "--image": "value",
    "--flavor": "value",
    "--network": "append",
    "--nic": "append",
    "--security-group": "append",
    "--key-name": "value",
    "--user-data": "value",
    "--availability-zone": "value",
    "--wait": "flag",
    **FORMAT_OPTIONS,
}


def server_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, SERVER_CREATE, ["<server-name>"], ("--flavor",))
    cloud = client.cloud
    name = args.positionals[0]
    image_ref = args.get("--image")
    if image_ref is None:
        raise Failure("An image (--image, --image-property) or volume (--volume, --snapshot) is required\n")
    image = next((i for i in cloud.images() if image_ref in (i["id"], i["name"])), None)
    if image is None:
        raise Failure(f"No Image found for {image_ref}\n")
    flavor_ref = args.get("--flavor")
    if not any(flavor_ref in (f["name"], f["id"]) for f in cloud.flavors()):
        raise Failure(f"No Flavor found for {flavor_ref}\n")
    flavor = cloud.flavor(flavor_ref)
    if flavor["disk"] < image.get("min_disk", 0):  # Nova's FlavorDiskSmallerThanMinDisk
        raise client.http_error(
            400,
            "compute",
            "/servers",
            "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is "
            f"{flavor['disk'] << 30} bytes, minimum size is {image['min_disk'] << 30} bytes.",
        )
    if flavor["ram"] < image.get("min_ram", 0):  # Nova's FlavorMemoryTooSmall
        raise client.http_error(
            400, "compute", "/servers", "Flavor's memory is too small for requested image."
        )
    networks = args.all("--network")
    for nic in args.all("--nic"):  # --nic net-id=ID (or none/auto, which leave it to Nova)
        fields = dict(part.split("=", 1) for part in nic.split(",") if "=" in part)
        if "net-id" in fields:
            networks.append(fields["net-id"])
        elif nic not in ("none", "auto"):
            raise Failure(
                f"Invalid --nic argument '{nic}'. Nic arguments must be of the form --nic <net-id=net-uuid,"
                "v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,port-id=port-uuid>.\n"
            )
    for ref in networks:
        client.find("networks", ref, "Network")
    if not networks:
        private = [n for n in cloud.list("networks") if not n.get("external")]
        if len(private) > 1:
            raise client.http_error(
                409,
                "compute",
                "/servers",
                "Multiple possible networks found, use a Network ID to be more specific.",
            )
        networks = [private[0]["id"]] if private else []
    for ref in args.all("--security-group"):
        client.find("security_groups", ref, "SecurityGroup")
    key = args.get("--key-name")
    if key and key not in cloud.state["keypairs"]:
        raise client.http_error(400, "compute", "/servers", "Invalid key_name provided.")
    user_data = _read_user_data(ctx, args.get("--user-data")) if args.has("--user-data") else None
    try:
        instance = cloud.launch(
            name,
            image["id"],
            flavor_ref,
            network=networks[0] if networks else "",
            security_groups=args.all("--security-group") or ["default"],
            key_name=key or "",
            user_data=user_data,
        )
    except QuotaExceeded as error:
        raise client.http_error(403, "compute", "/servers", _nova_quota(cloud, str(error), flavor)) from None
    except CloudError as error:
        raise client.http_error(400, "compute", "/servers", str(error)) from None
    if args.has("--wait"):
        cloud.settle(instance["id"])
    return output_one(ctx, args, _server_detail(client, instance))


def _nova_quota(cloud, message: str, flavor: dict) -> str:
    """Nova's words for the first quota a new instance would exceed (nova/exception.py TooManyInstances)."""
    usage, limits = cloud.usage(), cloud.state["quotas"]
    wanted = {"instances": 1, "cores": flavor["vcpus"], "ram": flavor["ram"]}
    for key, amount in wanted.items():
        if usage[key] + amount > limits[key]:
            return (
                f"Quota exceeded for {key}: Requested {amount}, but already used {usage[key]} of "
                f"{limits[key]} {key}"
            )
    return message


def server_list(client: Client, ctx: Context, argv: list[str]) -> int:
    """Nova's list, newest first; --long adds the states, the image's id, the zone, host and properties."""
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    long = args.has("--long")
    names = ["ID", "Name", "Status"] + (["Task State", "Power State"] if long else []) + ["Networks"]
    names += ["Image Name", "Image ID"] if long else ["Image"]
    names += ["Flavor"] + (["Availability Zone", "Host", "Properties"] if long else [])
    rows = []
    for instance in sorted(client.cloud.list("instances"), key=lambda i: i["created"], reverse=True):
        status = instance["status"]
        row = [instance["id"], instance["name"], API_STATUS[status]]
        if long:
            power = POWER_STATE[status]
            row += [TASK_STATE.get(status), Column(power, POWER_CODES[power])]
        row.append(_addresses(client, instance))
        row += [instance["image_name"], instance["image"]] if long else [instance["image_name"]]
        row.append(instance["flavor"])
        if long:
            row += ["nova" if status != "building" else "", None, Column("", {})]
        rows.append(row)
    return output_list(ctx, args, names, rows)


def server_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<server>"])
    instance = client.find("instances", args.positionals[0], "Server")
    return output_one(ctx, args, _server_detail(client, instance))


def server_action(verb: str, method: str):
    def action(client: Client, ctx: Context, argv: list[str]) -> int:
        args = parse(ctx.prog, argv, {"--wait": "flag"}, ["<server>", "[<server> ...]"])
        for ref in args.positionals:
            instance = client.find("instances", ref, "Server")
            try:
                getattr(client.cloud, method)(instance["id"])
            except CloudError:
                state = VM_STATE.get(instance["status"], instance["status"])
                raise client.http_error(
                    409,
                    "compute",
                    f"/servers/{instance['id']}/action",
                    f"Cannot '{verb}' instance {instance['id']} while it is in vm_state {state}",
                ) from None
            if args.has("--wait"):
                client.cloud.settle(instance["id"])
        return 0

    return action


def server_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--wait": "flag", "--force": "flag"}, ["<server>", "[<server> ...]"])
    failed = delete_each(
        ctx,
        args.positionals,
        "server",
        lambda ref: client.cloud.terminate(client.find("instances", ref, "Server")["id"]),
    )
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} servers failed to delete.\n")
    return 0


def server_add_volume(client: Client, ctx: Context, argv: list[str]) -> int:
    options = {
        "--device": "value",
        "--tag": "value",
        "--enable-delete-on-termination": "flag",
        **FORMAT_OPTIONS,
    }
    args = parse(ctx.prog, argv, options, ["<server>", "<volume>"])
    instance = client.find("instances", args.positionals[0], "Server")
    volume = client.find("volumes", args.positionals[1], "Volume")
    try:
        client.cloud.attach_volume(volume["id"], instance["id"])
    except CloudError as error:
        path = f"/servers/{instance['id']}/os-volume_attachments"
        if volume["status"] == "in-use":
            message = f"Invalid volume: volume {volume['id']} is already attached to another instance"
            raise client.http_error(400, "compute", path, message) from None
        raise client.http_error(409, "compute", path, str(error)) from None
    return output_one(
        ctx,
        args,
        {
            "ID": volume["id"],
            "Server ID": instance["id"],
            "Volume ID": volume["id"],
            "Device": volume["device"],
            "Tag": None,
            "Delete On Termination": False,
        },
    )


def server_add_floating_ip(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--fixed-ip-address": "value"}, ["<server>", "<ip-address>"])
    instance = client.find("instances", args.positionals[0], "Server")
    address = args.positionals[1]
    floating = next(
        (f for f in client.cloud.list("floating_ips") if address in (f["address"], f["id"])), None
    )
    if floating is None:
        raise Failure(f"No FloatingIP found for {address}\n")
    try:
        client.cloud.associate_floating_ip(floating["id"], instance["id"])
    except CloudError as error:
        raise client.http_error(409, "network", f"/floatingips/{floating['id']}", str(error)) from None
    return 0


def server_group(add: bool):
    """server add/remove security group: Nova changes the groups of the instance's port."""

    def action(client: Client, ctx: Context, argv: list[str]) -> int:
        args = parse(ctx.prog, argv, {}, ["<server>", "<group>"])
        instance = client.find("instances", args.positionals[0], "Server")
        group = client.find("security_groups", args.positionals[1], "SecurityGroup")
        path = f"/servers/{instance['id']}/action"
        if add and group["id"] in instance["security_groups"]:
            message = (
                f"Security group {group['name']} is already associated with the instance {instance['id']}"
            )
            raise client.http_error(400, "compute", path, message)
        if not add and group["id"] not in instance["security_groups"]:
            message = f"Security group {group['name']} not associated with the instance {instance['id']}"
            raise client.http_error(404, "compute", path, message)
        change = client.cloud.add_security_group if add else client.cloud.remove_security_group
        change(instance["id"], group["id"])
        return 0

    return action


def console_log_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--lines": "value"}, ["<server>"])
    instance = client.find("instances", args.positionals[0], "Server")
    text = client.cloud.console_log(instance["id"])
    lines = args.get("--lines")
    if lines is not None and lines.isdigit():
        text = "".join(text.splitlines(keepends=True)[-int(lines) :]) if int(lines) else ""
    ctx.out(text)
    return 0


def server_remove_volume(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<server>", "<volume>"])
    instance = client.find("instances", args.positionals[0], "Server")
    volume = client.find("volumes", args.positionals[1], "Volume")
    if volume["attached_to"] != instance["id"]:
        path = f"/servers/{instance['id']}/os-volume_attachments/{volume['id']}"
        raise client.http_error(
            404, "compute", path, f"Volume {volume['id']} is not attached to the instance."
        )
    try:
        client.cloud.detach_volume(volume["id"])
    except CloudError as error:
        raise client.http_error(409, "compute", f"/servers/{instance['id']}", str(error)) from None
    return 0


def server_remove_floating_ip(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<server>", "<ip-address>"])
    client.find("instances", args.positionals[0], "Server")
    address = args.positionals[1]
    floating = next(
        (f for f in client.cloud.list("floating_ips") if address in (f["address"], f["id"])), None
    )
    if floating is None:
        raise Failure(f"No FloatingIP found for {address}\n")
    client.cloud.disassociate_floating_ip(floating["id"])
    return 0


def server_image_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--name": "value", "--wait": "flag", **FORMAT_OPTIONS}, ["<server>"])
    instance = client.find("instances", args.positionals[0], "Server")
    try:
        image = client.cloud.create_image(instance["id"], args.get("--name") or instance["name"])
    except CloudError as error:
        raise client.http_error(409, "compute", f"/servers/{instance['id']}/action", str(error)) from None
    return output_one(ctx, args, _image_detail(image))


# -- images, flavors, key pairs ------------------------------------------------------------------------
def _image_detail(image: dict) -> dict:
    return {
        "container_format": "bare",
        "created_at": timestamp(image.get("created", 0)),
        "disk_format": "qcow2",
        "file": f"/v2/images/{image['id']}/file",
        "id": image["id"],
        "min_disk": image.get("min_disk", 0),
        "min_ram": image.get("min_ram", 0),
        "name": image["name"],
        "owner": PROJECT_ID,
        "properties": Column(
            cliff.format_dict({"os_distro": image.get("os_distro"), "os_hidden": False}),
            {"os_distro": image.get("os_distro"), "os_hidden": False},
        ),
        "protected": False,
        "schema": "/v2/schemas/image",
        "size": image.get("size"),
        "status": image["status"],
        "tags": Column("", []),
        "updated_at": timestamp(image.get("created", 0)),
        "visibility": image["visibility"],
    }


def image_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog, argv, {"--public": "flag", "--private": "flag", "--long": "flag", **FORMAT_OPTIONS}, []
    )
    images = client.cloud.images()
    if args.has("--public"):
        images = [i for i in images if i["visibility"] == "public"]
    if args.has("--private"):
        images = [i for i in images if i["visibility"] == "private"]
    rows = [[i["id"], i["name"], i["status"]] for i in sorted(images, key=lambda i: i["name"])]
    return output_list(ctx, args, ["ID", "Name", "Status"], rows)


def image_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<image>"])
    image = next((i for i in client.cloud.images() if args.positionals[0] in (i["id"], i["name"])), None)
    if image is None:
        raise Failure(f"No Image found for {args.positionals[0]}\n")
    return output_one(ctx, args, _image_detail(image))


def image_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<image>", "[<image> ...]"])

    def delete(ref: str) -> None:
        image = next((i for i in client.cloud.images() if ref in (i["id"], i["name"])), None)
        if image is None:
            raise Failure(f"No Image found for {ref}")
        try:
            client.cloud.delete_image(image["id"])
        except CloudError as error:
            raise Failure(str(error)) from None

    failed = delete_each(ctx, args.positionals, "image", delete)
    if failed:
        raise Failure(f"Failed to delete {failed} of {len(args.positionals)} images.\n")
    return 0


def flavor_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog, argv, {"--long": "flag", "--all": "flag", "--public": "flag", **FORMAT_OPTIONS}, []
    )
    rows = [
        [f["id"], f["name"], f["ram"], f["disk"], 0, f["vcpus"], True]
        for f in sorted(client.cloud.flavors(), key=lambda f: f["id"])
    ]
    return output_list(ctx, args, ["ID", "Name", "RAM", "Disk", "Ephemeral", "VCPUs", "Is Public"], rows)


def keypair_create(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--public-key": "value", "--type": "value", **FORMAT_OPTIONS}, ["<name>"])
    if not args.has("--public-key"):
        raise Failure(
            "Creating a key pair without --public-key is not available here: give one with "
            "--public-key FILE.\n"
        )
    path = args.get("--public-key")
    try:
        text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError as error:
        raise Failure(f"Key file {path} not found: [Errno 2] {error.message}: '{path}'\n") from None
    try:
        keypair = client.cloud.create_keypair(args.positionals[0], text)
    except CloudError as error:
        code = 409 if isinstance(error, Conflict) else 400
        message = str(error)
        if code == 400:
            message = "Keypair data is invalid: failed to generate fingerprint"
        raise client.http_error(code, "compute", "/os-keypairs", message) from None
    return output_one(ctx, args, _keypair_detail(keypair))


def _keypair_detail(keypair: dict) -> dict:
    return {
        "created_at": None,
        "fingerprint": md5(keypair["public_key"]),
        "id": keypair["name"],
        "is_deleted": None,
        "name": keypair["name"],
        "private_key": None,
        "type": "ssh",
        "user_id": USER_ID,
    }


def keypair_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, [])
    rows = [
        [k["name"], md5(k["public_key"]), "ssh"]
        for k in sorted(client.cloud.list("keypairs"), key=lambda k: k["name"])
    ]
    return output_list(ctx, args, ["Name", "Fingerprint", "Type"], rows)


def keypair_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<key>", "[<key> ...]"])
    for ref in args.positionals:
        client.find("keypairs", ref, "Keypair")
        client.cloud.delete_keypair(ref)
    return 0
