"""openstack: the unified OpenStack client over the learner's cloud (simulator/cloud), as
python-openstackclient 6.6 (Ubuntu 24.04, OpenStack 2024.1) prints it through cliff (simulator/cliff.py),
with openstacksdk's errors.

The client finds its cloud as openstacksdk does: `--os-cloud NAME` or $OS_CLOUD, looked up in
~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml; without either it has no auth URL. Names or
IDs are accepted wherever a resource is named. What the API refuses comes back as openstacksdk words it:
`ConflictException: 409: Client Error for url: URL, MESSAGE`.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid

import yaml

from simulator import cliff
from simulator.cliff import Column
from simulator.commands import Context, command
from simulator.filesystem import DEFAULT_EPOCH, FsError

CLOUDS_YAML = ("~/.config/openstack/clouds.yaml", "/etc/openstack/clouds.yaml")
PROJECT_ID = "f4c3b1a2e5d64f7a8b9c0d1e2f3a4b5c"
USER_ID = "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b"


class Failure(Exception):
    """The client stops: this text on stderr, this status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


# -- arguments ---------------------------------------------------------------------------------------
# Each command: (its options: name -> "flag" | "value" | "append", its positionals, required options).
FORMAT_OPTIONS = {"-f": "value", "--format": "value", "-c": "append", "--column": "append"}
FORMAT_OPTIONS |= {
    "--noindent": "flag",
    "--max-width": "value",
    "--fit-width": "flag",
    "--print-empty": "flag",
}
FORMAT_OPTIONS |= {"--prefix": "value", "--quote": "value", "--sort-column": "append"}


class Args:
    def __init__(self):
        self.values: dict[str, list[str]] = {}
        self.positionals: list[str] = []

    def get(self, name: str, default=None):
        values = self.values.get(name)
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.values


def parse(prog: str, argv: list[str], options: dict, positionals: list[str], required=()) -> Args:
    """argparse, as cliff's commands declare their arguments (--name=value too, unique long prefixes)."""
    spec = {**options, "-h": "flag", "--help": "flag"}
    args = Args()
    words = list(argv)
    while words:
        word = words.pop(0)
        if word.startswith("-") and len(word) > 1 and not _negative_number(word):
            name, eq, inline = word.partition("=")
            if name not in spec and name.startswith("--"):
                matches = [o for o in spec if o.startswith(name)]
                if len(matches) == 1:
                    name = matches[0]
            if name not in spec:
                raise Failure(
                    _usage(prog, options, positionals, required)
                    + f"{prog}: error: unrecognized arguments: {word}\n",
                    2,
                )
            kind = spec[name]
            if kind == "flag":
                args.values.setdefault(name, []).append("")
                continue
            if eq:
                value = inline
            elif words:
                value = words.pop(0)
            else:
                raise Failure(
                    _usage(prog, options, positionals, required)
                    + f"{prog}: error: argument {_option_label(name, spec)}: expected one argument\n",
                    2,
                )
            args.values.setdefault(_canonical(name), []).append(value)
        else:
            args.positionals.append(word)
    if args.has("-h") or args.has("--help"):
        raise Failure("", 0)
    missing = [r for r in required if not args.has(r)]
    fixed = [p for p in positionals if not p.startswith("[")]
    if len(args.positionals) < len(fixed):
        missing += fixed[len(args.positionals) :]
    if missing:
        raise Failure(
            _usage(prog, options, positionals, required)
            + f"{prog}: error: the following arguments are required: {', '.join(missing)}\n",
            2,
        )
    variadic = any(p.endswith("...]") or p.endswith("...") for p in positionals)
    if len(args.positionals) > len(positionals) and not variadic:
        extra = " ".join(args.positionals[len(positionals) :])
        raise Failure(
            _usage(prog, options, positionals, required)
            + f"{prog}: error: unrecognized arguments: {extra}\n",
            2,
        )
    return args


def _negative_number(word: str) -> bool:
    return word[1:].replace(".", "", 1).isdigit()


LONG_OF = {"-f": "--format", "-c": "--column"}


def _canonical(name: str) -> str:
    return LONG_OF.get(name, name)


def _option_label(name: str, spec: dict) -> str:
    short = {v: k for k, v in LONG_OF.items()}
    name = _canonical(name)
    return f"{short[name]}/{name}" if name in short else name


def _usage(prog: str, options: dict, positionals: list[str], required) -> str:
    """argparse's usage line, wrapped as it wraps: cliff's formatter options first, then the command's."""
    parts = [f"usage: {prog} [-h]"]
    if "--format" in options:
        formats = cliff.LIST_FORMATS if prog.endswith(" list") else cliff.SHOW_FORMATS
        parts += [f"[-f {{{','.join(formats)}}}]", "[-c COLUMN]", "[--noindent]"]
        if not prog.endswith(" list"):
            parts.append("[--prefix PREFIX]")
        parts += ["[--max-width <integer>]", "[--fit-width]", "[--print-empty]"]
    for name, kind in options.items():
        if name in FORMAT_OPTIONS:
            continue
        if kind == "flag":
            parts.append(f"[{name}]")
        else:
            metavar = "<" + name.lstrip("-") + ">"
            parts.append(f"{name} {metavar}" if name in required else f"[{name} {metavar}]")
    parts += positionals
    indent = " " * (len("usage: ") + len(prog) + 1)
    line, lines = "", []
    for part in parts:
        if line and len(line) + len(part) + 1 > 79:
            lines.append(line)
            line = indent + part
        else:
            line = f"{line} {part}" if line else part
    lines.append(line)
    return "\n".join(lines) + "\n"


# -- the cloud and its endpoints -----------------------------------------------------------------------
class Client:
    def __init__(self, ctx: Context, cloud, config: dict):
        self.ctx, self.cloud, self.config = ctx, cloud, config
        auth_url = config.get("auth", {}).get("auth_url", "http://controller/identity")
        self.base = auth_url.split("/identity")[0].rstrip("/")
        self.host = self.base.split("://", 1)[-1].split("/")[0].split(":")[0]

    def url(self, service: str, path: str) -> str:
        roots = {
            "compute": f"{self.base}/compute/v2.1",
            "network": f"http://{self.host}:9696/networking/v2.0",
            "volume": f"{self.base}/volume/v3/{PROJECT_ID}",
            "image": f"{self.base}/image/v2",
        }
        return roots[service] + path

    def http_error(self, code: int, service: str, path: str, message: str) -> Failure:
        names = {400: "BadRequestException", 403: "ForbiddenException", 404: "NotFoundException"}
        names |= {409: "ConflictException", 413: "HttpException"}
        label = {400: "Client Error", 403: "Client Error", 404: "Client Error", 409: "Client Error"}
        return Failure(
            f"{names.get(code, 'HttpException')}: {code}: {label.get(code, 'Client Error')} for url: "
            f"{self.url(service, path)}, {message}\n"
        )

    def find(self, kind: str, ref: str, sdk_name: str) -> dict:
        from simulator.cloud import NotFound

        try:
            return self.cloud.find(kind, ref)
        except NotFound:
            raise Failure(f"No {sdk_name} found for {ref}\n") from None


def _config(ctx: Context, args_cloud: str | None) -> dict:
    """openstacksdk's config: the named cloud of clouds.yaml, or the OS_* variables."""
    name = args_cloud or ctx.env.get("OS_CLOUD")
    if not name:
        if ctx.env.get("OS_AUTH_URL"):
            return {"auth": {"auth_url": ctx.env["OS_AUTH_URL"]}}
        raise Failure("Missing value auth-url required for auth plugin password\n")
    home = ctx.env.get("HOME", "/root")
    for path in CLOUDS_YAML:
        path = path.replace("~", home, 1)
        try:
            text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
        except FsError:
            continue
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            raise Failure(f"Cannot load configuration file {path}\n") from None
        clouds = data.get("clouds") if isinstance(data, dict) else None
        if isinstance(clouds, dict) and isinstance(clouds.get(name), dict):
            return clouds[name]
    raise Failure(f"Cloud {name} was not found.\n")


def _timestamp(seconds: int | None) -> str:
    if seconds is None:
        return "None"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(DEFAULT_EPOCH + seconds))


def _micro(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000", time.gmtime(DEFAULT_EPOCH + seconds))


def _md5(public_key: str) -> str:
    """Nova's key pair fingerprint (nova/crypto.py): MD5 of the key blob, colon-separated."""
    import base64

    blob = base64.b64decode(public_key.split()[1])
    return ":".join(f"{b:02x}" for b in hashlib.md5(blob).digest())


TERMINAL_WIDTH = 80  # the lab terminal's columns, as ls lays out its names for


def _fit(ctx: Context, args: Args) -> int:
    """The width cliff fits tables to: --max-width, else the terminal's when stdout is one (or
    --fit-width, or CLIFF_FIT_WIDTH=1), else none."""
    value = args.get("--max-width") or ctx.env.get("CLIFF_MAX_TERM_WIDTH", "0")
    if value.lstrip("-").isdigit() and int(value) > 0:
        return int(value)
    fit = args.has("--fit-width") or ctx.env.get("CLIFF_FIT_WIDTH", "0") == "1"
    return TERMINAL_WIDTH if getattr(ctx, "tty", False) or fit else 0


def _output_list(ctx: Context, args: Args, names: list[str], rows: list[list]) -> int:
    fmt = args.get("--format", "table")
    if fmt not in cliff.LIST_FORMATS:
        raise Failure(
            f"{ctx.prog}: error: argument -f/--format: invalid choice: '{fmt}' "
            f"(choose from {', '.join(repr(f) for f in cliff.LIST_FORMATS)})\n",
            2,
        )
    try:
        names, rows = cliff.select(names, rows, args.all("--column"))
    except cliff.ColumnError as error:
        raise Failure(f"{error}\n") from None
    if fmt == "table" and not rows and args.has("--print-empty"):
        ctx.out(cliff.table(names, [], ["c"] * len(names)))
        return 0
    ctx.out(cliff.emit_list(fmt, names, rows, args.has("--noindent"), _fit(ctx, args)))
    return 0


def _output_one(ctx: Context, args: Args, data: dict) -> int:
    fmt = args.get("--format", "table")
    if fmt not in cliff.SHOW_FORMATS:
        raise Failure(
            f"{ctx.prog}: error: argument -f/--format: invalid choice: '{fmt}' "
            f"(choose from {', '.join(repr(f) for f in cliff.SHOW_FORMATS)})\n",
            2,
        )
    names, values = list(data), list(data.values())
    try:
        names, rows = cliff.select(names, [values], args.all("--column"))
    except cliff.ColumnError as error:
        raise Failure(f"{error}\n") from None
    ctx.out(
        cliff.emit_one(fmt, names, rows[0], args.has("--noindent"), args.get("--prefix", ""), _fit(ctx, args))
    )
    return 0


# -- servers ---------------------------------------------------------------------------------------
VM_STATE = {"building": "building", "active": "active", "shutoff": "stopped", "rebooting": "active"}
TASK_STATE = {"building": "spawning", "rebooting": "rebooting_hard"}
POWER_STATE = {"active": "Running", "shutoff": "Shutdown", "building": "NOSTATE", "rebooting": "Running"}


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
        "OS-SRV-USG:launched_at": None if status == "building" else _micro(instance["created"] + 15),
        "OS-SRV-USG:terminated_at": None,
        "accessIPv4": "",
        "accessIPv6": "",
        "addresses": _addresses(client, instance),
        "config_drive": "",
        "created": _timestamp(instance["created"]),
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
        "updated": _timestamp(instance["created"] + (15 if status != "building" else 1)),
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
    "--security-group": "append",
    "--key-name": "value",
    "--user-data": "value",
    "--availability-zone": "value",
    "--wait": "flag",
    **FORMAT_OPTIONS,
}


def server_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, QuotaExceeded

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
    return _output_one(ctx, args, _server_detail(client, instance))


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
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    rows = []
    for instance in sorted(client.cloud.list("instances"), key=lambda i: i["created"], reverse=True):
        rows.append(
            [
                instance["id"],
                instance["name"],
                API_STATUS[instance["status"]],
                _addresses(client, instance),
                instance["image_name"],
                instance["flavor"],
            ]
        )
    return _output_list(ctx, args, ["ID", "Name", "Status", "Networks", "Image", "Flavor"], rows)


def server_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<server>"])
    instance = client.find("instances", args.positionals[0], "Server")
    return _output_one(ctx, args, _server_detail(client, instance))


def _server_action(verb: str, method: str):
    def action(client: Client, ctx: Context, argv: list[str]) -> int:
        from simulator.cloud import CloudError

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
    failed = 0
    for ref in args.positionals:
        try:
            instance = client.find("instances", ref, "Server")
        except Failure as error:
            ctx.err(f"Failed to delete server with name or ID '{ref}': {str(error).strip()}\n")
            failed += 1
            continue
        client.cloud.terminate(instance["id"])
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} servers failed to delete.\n")
    return 0


def server_add_volume(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

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
    return _output_one(
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
    from simulator.cloud import CloudError

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


def _server_group(add: bool):
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
    from simulator.cloud import CloudError

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
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {"--name": "value", "--wait": "flag", **FORMAT_OPTIONS}, ["<server>"])
    instance = client.find("instances", args.positionals[0], "Server")
    try:
        image = client.cloud.create_image(instance["id"], args.get("--name") or instance["name"])
    except CloudError as error:
        raise client.http_error(409, "compute", f"/servers/{instance['id']}/action", str(error)) from None
    return _output_one(ctx, args, _image_detail(image))


# -- images, flavors, key pairs ------------------------------------------------------------------------
def _image_detail(image: dict) -> dict:
    return {
        "container_format": "bare",
        "created_at": _timestamp(image.get("created", 0)),
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
        "updated_at": _timestamp(image.get("created", 0)),
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
    return _output_list(ctx, args, ["ID", "Name", "Status"], rows)


def image_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<image>"])
    image = next((i for i in client.cloud.images() if args.positionals[0] in (i["id"], i["name"])), None)
    if image is None:
        raise Failure(f"No Image found for {args.positionals[0]}\n")
    return _output_one(ctx, args, _image_detail(image))


def image_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {}, ["<image>", "[<image> ...]"])
    failed = 0
    for ref in args.positionals:
        image = next((i for i in client.cloud.images() if ref in (i["id"], i["name"])), None)
        try:
            if image is None:
                raise Failure(f"No Image found for {ref}")
            client.cloud.delete_image(image["id"])
        except (Failure, CloudError) as error:
            ctx.err(f"Failed to delete image with name or ID '{ref}': {str(error).strip()}\n")
            failed += 1
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
    return _output_list(ctx, args, ["ID", "Name", "RAM", "Disk", "Ephemeral", "VCPUs", "Is Public"], rows)


def keypair_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, Conflict

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
    return _output_one(ctx, args, _keypair_detail(keypair))


def _keypair_detail(keypair: dict) -> dict:
    return {
        "created_at": None,
        "fingerprint": _md5(keypair["public_key"]),
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
        [k["name"], _md5(k["public_key"]), "ssh"]
        for k in sorted(client.cloud.list("keypairs"), key=lambda k: k["name"])
    ]
    return _output_list(ctx, args, ["Name", "Fingerprint", "Type"], rows)


def keypair_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<key>", "[<key> ...]"])
    for ref in args.positionals:
        client.find("keypairs", ref, "Keypair")
        client.cloud.delete_keypair(ref)
    return 0


# -- volumes -------------------------------------------------------------------------------------------
def _volume_detail(client: Client, volume: dict) -> dict:
    attachments = []
    if volume["attached_to"]:
        instance = client.cloud.state["instances"][volume["attached_to"]]
        attachments = [
            {
                "attachment_id": volume["id"],
                "device": volume["device"],
                "host_name": None,
                "id": volume["id"],
                "server_id": instance["id"],
                "volume_id": volume["id"],
            }
        ]
    return {
        "attachments": Column(cliff.format_list_of_dicts(attachments), attachments),
        "availability_zone": "nova",
        "bootable": "false",
        "consistencygroup_id": None,
        "created_at": _micro(volume["created"]),
        "description": None,
        "encrypted": False,
        "id": volume["id"],
        "multiattach": False,
        "name": volume["name"],
        "properties": Column("", {}),
        "replication_status": None,
        "size": volume["size"],
        "snapshot_id": volume.get("snapshot"),
        "source_volid": None,
        "status": volume["status"],
        "type": "lvmdriver-1",
        "updated_at": _micro(volume["created"]),
        "user_id": USER_ID,
    }


def volume_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, QuotaExceeded

    options = {
        "--size": "value",
        "--snapshot": "value",
        "--description": "value",
        "--type": "value",
        **FORMAT_OPTIONS,
    }
    args = parse(ctx.prog, argv, options, ["<name>"])
    if not args.has("--size") and not args.has("--snapshot"):
        raise Failure("--size is a required option if snapshot or source volume are not specified.\n")
    size = args.get("--size")
    if size is not None and not size.strip().lstrip("-").isdigit():
        raise Failure(
            _usage(ctx.prog, options, ["<name>"], ())
            + f"{ctx.prog}: error: argument --size: invalid int value: '{size}'\n",
            2,
        )
    try:
        volume = client.cloud.create_volume(args.positionals[0], size, args.get("--snapshot") or "")
    except QuotaExceeded as error:
        raise client.http_error(
            413, "volume", "/volumes", f"VolumeSizeExceedsAvailableQuota: {error}"
        ) from None
    except CloudError as error:
        raise client.http_error(400, "volume", "/volumes", f"Invalid input received: {error}") from None
    return _output_one(ctx, args, _volume_detail(client, volume))


def volume_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    rows = []
    for volume in sorted(client.cloud.list("volumes"), key=lambda v: v["created"], reverse=True):
        attached = ""
        if volume["attached_to"]:
            server = client.cloud.state["instances"][volume["attached_to"]]["name"]
            attached = f"Attached to {server} on {volume['device']} "
        rows.append([volume["id"], volume["name"], volume["status"], volume["size"], attached])
    return _output_list(ctx, args, ["ID", "Name", "Status", "Size", "Attached to"], rows)


def _find_volume(client: Client, ref: str) -> dict:
    from simulator.cloud import NotFound

    try:
        return client.cloud.find("volumes", ref)
    except NotFound:
        raise Failure(f"No volume with a name or ID of '{ref}' exists.\n") from None


def volume_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<volume>"])
    return _output_one(ctx, args, _volume_detail(client, _find_volume(client, args.positionals[0])))


def volume_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {"--force": "flag", "--purge": "flag"}, ["<volume>", "[<volume> ...]"])
    failed = 0
    for ref in args.positionals:
        try:
            volume = _find_volume(client, ref)
            client.cloud.delete_volume(volume["id"])
        except Failure as error:
            ctx.err(f"Failed to delete volume with name or ID '{ref}': {str(error).strip()}\n")
            failed += 1
        except CloudError:
            message = (
                "Invalid volume: Volume status must be available or error or error_restoring or "
                "error_extending or error_managing and must not be migrating, attached, belong to a group, "
                "have snapshots, awaiting a transfer, or be disassociated from snapshots after volume "
                "transfer. "
                "(HTTP 400)"
            )
            ctx.err(f"Failed to delete volume with name or ID '{ref}': {message}\n")
            failed += 1
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} volumes failed to delete.\n")
    return 0


# -- networking -------------------------------------------------------------------------------------------
def _network_detail(client: Client, network: dict) -> dict:
    subnets = list(network["subnets"])
    return {
        "admin_state_up": Column("UP", True),
        "availability_zone_hints": Column("", []),
        "availability_zones": Column("", []),
        "created_at": _timestamp(network["created"]),
        "description": "",
        "id": network["id"],
        "mtu": 1442,
        "name": network["name"],
        "port_security_enabled": True,
        "project_id": PROJECT_ID,
        "provider:network_type": None,
        "router:external": Column(
            "External" if network.get("external") else "Internal", bool(network.get("external"))
        ),
        "shared": False,
        "status": "ACTIVE",
        "subnets": Column(", ".join(sorted(subnets)), subnets),
        "updated_at": _timestamp(network["created"]),
    }


def network_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, Conflict

    args = parse(ctx.prog, argv, {"--description": "value", **FORMAT_OPTIONS}, ["<name>"])
    try:
        network = client.cloud.create_network(args.positionals[0])
    except CloudError as error:
        raise client.http_error(
            409 if isinstance(error, Conflict) else 400, "network", "/networks", str(error)
        ) from None
    return _output_one(ctx, args, _network_detail(client, network))


def network_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog, argv, {"--external": "flag", "--internal": "flag", "--long": "flag", **FORMAT_OPTIONS}, []
    )
    rows = []
    for network in sorted(client.cloud.list("networks"), key=lambda n: n["id"]):
        if args.has("--external") and not network.get("external"):
            continue
        if args.has("--internal") and network.get("external"):
            continue
        subnets = list(network["subnets"])
        rows.append([network["id"], network["name"], Column(", ".join(sorted(subnets)), subnets)])
    return _output_list(ctx, args, ["ID", "Name", "Subnets"], rows)


def network_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<network>"])
    return _output_one(
        ctx, args, _network_detail(client, client.find("networks", args.positionals[0], "Network"))
    )


def network_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {}, ["<network>", "[<network> ...]"])
    failed = 0
    for ref in args.positionals:
        try:
            network = client.find("networks", ref, "Network")
            client.cloud.delete_network(network["id"])
        except Failure as error:
            ctx.err(f"Failed to delete network with name or ID '{ref}': {str(error).strip()}\n")
            failed += 1
        except CloudError:
            message = (
                "ConflictException: 409: Client Error for url: "
                f"{client.url('network', '/networks/' + network['id'])}, "
                f"Unable to complete operation on network {network['id']}. There are one or more ports "
                "still in use on the network."
            )
            ctx.err(f"Failed to delete network with name or ID '{ref}': {message}\n")
            failed += 1
    if failed:
        raise Failure(f"{failed} of {len(args.positionals)} networks failed to delete.\n")
    return 0


def _subnet_detail(client: Client, subnet: dict) -> dict:
    start, end = subnet["pool"]
    return {
        "allocation_pools": Column(f"{start}-{end}", [{"start": start, "end": end}]),
        "cidr": subnet["cidr"],
        "created_at": _timestamp(subnet["created"]),
        "description": "",
        "dns_nameservers": Column("", []),
        "enable_dhcp": True,
        "gateway_ip": subnet.get("gateway"),
        "host_routes": Column("", []),
        "id": subnet["id"],
        "ip_version": 4,
        "name": subnet["name"],
        "network_id": subnet["network"],
        "project_id": PROJECT_ID,
        "updated_at": _timestamp(subnet["created"]),
    }


SUBNET_CREATE = {
    "--network": "value",
    "--subnet-range": "value",
    "--gateway": "value",
    "--allocation-pool": "append",
    "--dhcp": "flag",
    "--no-dhcp": "flag",
    "--dns-nameserver": "append",
    **FORMAT_OPTIONS,
}


def subnet_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, Conflict

    args = parse(ctx.prog, argv, SUBNET_CREATE, ["<name>"], ("--network",))
    network = client.find("networks", args.get("--network"), "Network")
    cidr = args.get("--subnet-range")
    if cidr is None:
        raise Failure("Must specify --subnet-range or --subnet-pool\n")
    start = end = ""
    for pool in args.all("--allocation-pool"):
        fields = dict(part.split("=", 1) for part in pool.split(",") if "=" in part)
        start, end = fields.get("start", ""), fields.get("end", "")
    gateway = args.get("--gateway", "")
    try:
        subnet = client.cloud.create_subnet(
            network["id"], args.positionals[0], cidr, "" if gateway == "auto" else gateway, start, end
        )
    except Conflict as error:
        if error.field != "cidr":
            raise client.http_error(409, "network", "/subnets", str(error)) from None
        message = (  # Neutron's words for an overlap
            f"Invalid input for operation: Requested subnet with cidr: {cidr} for network: "
            f"{network['id']} overlaps with another subnet."
        )
        raise client.http_error(400, "network", "/subnets", message) from None
    except CloudError as error:
        message = str(error)
        if error.field == "cidr":
            message = f"Invalid input for cidr. Reason: '{cidr}' is not a valid IP subnet."
        raise client.http_error(400, "network", "/subnets", message) from None
    return _output_one(ctx, args, _subnet_detail(client, subnet))


def subnet_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--network": "value", "--long": "flag", **FORMAT_OPTIONS}, [])
    subnets = sorted(client.cloud.list("subnets"), key=lambda s: s["id"])
    if args.has("--network"):
        network = client.find("networks", args.get("--network"), "Network")
        subnets = [s for s in subnets if s["network"] == network["id"]]
    rows = [[s["id"], s["name"], s["network"], s["cidr"]] for s in subnets]
    return _output_list(ctx, args, ["ID", "Name", "Network", "Subnet"], rows)


def subnet_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<subnet>"])
    return _output_one(
        ctx, args, _subnet_detail(client, client.find("subnets", args.positionals[0], "Subnet"))
    )


def _rule_row(rule: dict, group: dict) -> dict:
    protocol = None if rule["protocol"] == "any" else rule["protocol"]
    ports = ""
    if rule.get("port_min") is not None:
        ports = f"{rule['port_min']}:{rule['port_max']}"
    return {
        "id": rule["id"],
        "protocol": protocol,
        "ethertype": "IPv4",
        "range": rule.get("remote") or "0.0.0.0/0" if not rule.get("remote_group") else None,
        "ports": ports,
        "direction": rule.get("direction", "ingress"),
        "remote_group": rule.get("remote_group"),
        "group": group["id"],
    }


def _group_detail(client: Client, group: dict) -> dict:
    rules = []
    for rule in group["rules"]:
        row = _rule_row(rule, group)
        item = {"direction": row["direction"], "ethertype": "IPv4", "id": row["id"]}
        if row["protocol"]:
            item["protocol"] = row["protocol"]
        if rule.get("port_min") is not None:
            item["port_range_max"] = rule["port_max"]
            item["port_range_min"] = rule["port_min"]
        if row["remote_group"]:
            item["remote_group_id"] = row["remote_group"]
        elif rule.get("remote"):
            item["remote_ip_prefix"] = rule["remote"]
        rules.append(item)
    return {
        "created_at": _timestamp(group["created"]),
        "description": group["description"],
        "id": group["id"],
        "name": group["name"],
        "project_id": PROJECT_ID,
        "revision_number": len(group["rules"]),
        "rules": Column(cliff.format_list_of_dicts(rules), rules),
        "stateful": True,
        "tags": Column("", []),
        "updated_at": _timestamp(group["created"]),
    }


def security_group_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, Conflict

    args = parse(ctx.prog, argv, {"--description": "value", **FORMAT_OPTIONS}, ["<name>"])
    try:
        group = client.cloud.create_security_group(args.positionals[0], args.get("--description", ""))
    except CloudError as error:
        raise client.http_error(
            409 if isinstance(error, Conflict) else 400, "network", "/security-groups", str(error)
        ) from None
    return _output_one(ctx, args, _group_detail(client, group))


def security_group_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, [])
    rows = [
        [g["id"], g["name"], g["description"], PROJECT_ID, Column("", [])]
        for g in sorted(client.cloud.list("security_groups"), key=lambda g: g["id"])
    ]
    return _output_list(ctx, args, ["ID", "Name", "Description", "Project", "Tags"], rows)


def security_group_show(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, FORMAT_OPTIONS, ["<group>"])
    group = client.find("security_groups", args.positionals[0], "SecurityGroup")
    return _output_one(ctx, args, _group_detail(client, group))


def security_group_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {}, ["<group>", "[<group> ...]"])
    for ref in args.positionals:
        group = client.find("security_groups", ref, "SecurityGroup")
        try:
            client.cloud.delete_security_group(group["id"])
        except CloudError as error:
            raise client.http_error(409, "network", f"/security-groups/{group['id']}", str(error)) from None
    return 0


RULE_CREATE = {
    "--protocol": "value",
    "--dst-port": "value",
    "--remote-ip": "value",
    "--ingress": "flag",
    "--egress": "flag",
    "--ethertype": "value",
    "--description": "value",
    **FORMAT_OPTIONS,
}


def security_group_rule_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError, Conflict

    args = parse(ctx.prog, argv, RULE_CREATE, ["<group>"])
    group = client.find("security_groups", args.positionals[0], "SecurityGroup")
    protocol = (args.get("--protocol") or "tcp").lower()
    low = high = None
    ports = args.get("--dst-port")
    if ports:
        low, _, high = ports.partition(":")
        high = high or low
    if protocol == "icmp" and ports:
        raise Failure("Argument --dst-port not allowed with arguments --protocol icmp\n")
    try:
        rule = client.cloud.add_rule(group["id"], protocol, low, high, args.get("--remote-ip", "0.0.0.0/0"))
    except CloudError as error:
        code = 409 if isinstance(error, Conflict) else 400
        raise client.http_error(code, "network", "/security-group-rules", str(error)) from None
    row = _rule_row(rule, group)
    return _output_one(
        ctx,
        args,
        {
            "created_at": _timestamp(client.cloud.now()),
            "description": "",
            "direction": row["direction"],
            "ether_type": "IPv4",
            "id": rule["id"],
            "name": None,
            "port_range_max": rule.get("port_max"),
            "port_range_min": rule.get("port_min"),
            "project_id": PROJECT_ID,
            "protocol": row["protocol"],
            "remote_address_group_id": None,
            "remote_group_id": None,
            "remote_ip_prefix": rule.get("remote"),
            "revision_number": 0,
            "security_group_id": group["id"],
            "tags": Column("", []),
            "updated_at": _timestamp(client.cloud.now()),
        },
    )


def security_group_rule_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(
        ctx.prog,
        argv,
        {"--ingress": "flag", "--egress": "flag", "--long": "flag", **FORMAT_OPTIONS},
        ["[<group>]"],
    )
    names = [
        "ID",
        "IP Protocol",
        "Ethertype",
        "IP Range",
        "Port Range",
        "Direction",
        "Remote Security Group",
        "Remote Address Group",
    ]
    groups = client.cloud.list("security_groups")
    if args.positionals:
        groups = [client.find("security_groups", args.positionals[0], "SecurityGroup")]
    else:
        names.append("Security Group")
    rows = []
    for group in groups:
        for rule in group["rules"]:
            row = _rule_row(rule, group)
            if (
                args.has("--ingress")
                and row["direction"] != "ingress"
                or args.has("--egress")
                and row["direction"] != "egress"
            ):
                continue
            values = [
                row["id"],
                row["protocol"],
                "IPv4",
                row["range"],
                row["ports"],
                row["direction"],
                row["remote_group"],
                None,
            ]
            if not args.positionals:
                values.append(group["id"])
            rows.append(values)
    rows.sort(key=lambda r: r[0])
    return _output_list(ctx, args, names, rows)


def security_group_rule_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import CloudError

    args = parse(ctx.prog, argv, {}, ["<rule>", "[<rule> ...]"])
    for ref in args.positionals:
        try:
            client.cloud.delete_rule(ref)
        except CloudError:
            raise Failure(f"No SecurityGroupRule found for {ref}\n") from None
    return 0


def _floating_row(client: Client, floating: dict) -> list:
    instance = client.cloud.state["instances"].get(floating["instance"] or "")
    fixed = instance["fixed_ip"] if instance else None
    port = (
        str(uuid.UUID(int=random.Random(f"port/{instance['id']}").getrandbits(128), version=4))
        if instance
        else None
    )
    public = client.cloud.find("networks", "public")["id"]
    return [floating["id"], floating["address"], fixed, port, public, PROJECT_ID]


def floating_ip_create(client: Client, ctx: Context, argv: list[str]) -> int:
    from simulator.cloud import QuotaExceeded

    args = parse(
        ctx.prog, argv, {"--port": "value", "--floating-ip-address": "value", **FORMAT_OPTIONS}, ["<network>"]
    )
    network = client.find("networks", args.positionals[0], "Network")
    if not network.get("external"):
        raise client.http_error(
            400,
            "network",
            "/floatingips",
            f"Bad floatingip request: Network {network['id']} is not a valid external network.",
        )
    try:
        floating = client.cloud.allocate_floating_ip()
    except QuotaExceeded:
        limit = client.cloud.state["quotas"]["floating_ips"]
        raise client.http_error(
            409, "network", "/floatingips", f"Quota exceeded for resources: ['floatingip']. Limit {limit}."
        ) from None
    row = _floating_row(client, floating)
    return _output_one(
        ctx,
        args,
        {
            "created_at": _timestamp(floating["created"]),
            "description": "",
            "dns_domain": None,
            "dns_name": None,
            "fixed_ip_address": row[2],
            "floating_ip_address": floating["address"],
            "floating_network_id": row[4],
            "id": floating["id"],
            "name": floating["address"],
            "port_details": None,
            "port_id": row[3],
            "project_id": PROJECT_ID,
            "qos_policy_id": None,
            "revision_number": 0,
            "router_id": None,
            "status": "DOWN",
            "subnet_id": None,
            "tags": Column("", []),
            "updated_at": _timestamp(floating["created"]),
        },
    )


def floating_ip_list(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {"--long": "flag", **FORMAT_OPTIONS}, [])
    rows = [
        _floating_row(client, f) for f in sorted(client.cloud.list("floating_ips"), key=lambda f: f["id"])
    ]
    names = ["ID", "Floating IP Address", "Fixed IP Address", "Port", "Floating Network", "Project"]
    return _output_list(ctx, args, names, rows)


def floating_ip_delete(client: Client, ctx: Context, argv: list[str]) -> int:
    args = parse(ctx.prog, argv, {}, ["<floating-ip>", "[<floating-ip> ...]"])
    for ref in args.positionals:
        floating = next(
            (f for f in client.cloud.list("floating_ips") if ref in (f["address"], f["id"])), None
        )
        if floating is None:
            raise Failure(f"No FloatingIP found for {ref}\n")
        client.cloud.release_floating_ip(floating["id"])
    return 0


COMMANDS = {
    ("server", "create"): server_create,
    ("server", "list"): server_list,
    ("server", "show"): server_show,
    ("server", "start"): _server_action("start", "start"),
    ("server", "stop"): _server_action("stop", "stop"),
    ("server", "reboot"): _server_action("reboot", "reboot"),
    ("server", "delete"): server_delete,
    ("server", "add", "volume"): server_add_volume,
    ("server", "add", "floating", "ip"): server_add_floating_ip,
    ("server", "add", "security", "group"): _server_group(add=True),
    ("server", "remove", "security", "group"): _server_group(add=False),
    ("server", "remove", "volume"): server_remove_volume,
    ("server", "remove", "floating", "ip"): server_remove_floating_ip,
    ("server", "image", "create"): server_image_create,
    ("console", "log", "show"): console_log_show,
    ("image", "list"): image_list,
    ("image", "show"): image_show,
    ("image", "delete"): image_delete,
    ("flavor", "list"): flavor_list,
    ("keypair", "create"): keypair_create,
    ("keypair", "list"): keypair_list,
    ("keypair", "delete"): keypair_delete,
    ("volume", "create"): volume_create,
    ("volume", "list"): volume_list,
    ("volume", "show"): volume_show,
    ("volume", "delete"): volume_delete,
    ("network", "create"): network_create,
    ("network", "list"): network_list,
    ("network", "show"): network_show,
    ("network", "delete"): network_delete,
    ("subnet", "create"): subnet_create,
    ("subnet", "list"): subnet_list,
    ("subnet", "show"): subnet_show,
    ("security", "group", "create"): security_group_create,
    ("security", "group", "list"): security_group_list,
    ("security", "group", "show"): security_group_show,
    ("security", "group", "delete"): security_group_delete,
    ("security", "group", "rule", "create"): security_group_rule_create,
    ("security", "group", "rule", "list"): security_group_rule_list,
    ("security", "group", "rule", "delete"): security_group_rule_delete,
    ("floating", "ip", "create"): floating_ip_create,
    ("floating", "ip", "list"): floating_ip_list,
    ("floating", "ip", "delete"): floating_ip_delete,
}
HELP = """usage: openstack [--version] [-v | -q] [--log-file LOG_FILE] [-h] [--debug]
                 [--os-cloud <cloud-config-name>]
                 [--os-region-name <auth-region-name>]

Command-line interface to the OpenStack APIs

Commands:
"""
# What `openstack help` lists for each command (its _description in python-openstackclient).
DESCRIPTIONS = {
    ("console", "log", "show"): "Show server's console output",
    ("flavor", "list"): "List flavors",
    ("floating", "ip", "create"): "Create floating IP",
    ("floating", "ip", "delete"): "Delete floating IP(s)",
    ("floating", "ip", "list"): "List floating IP(s)",
    ("image", "delete"): "Delete image(s)",
    ("image", "list"): "List available images",
    ("image", "show"): "Display image details",
    ("keypair", "create"): "Create new public or private key for server ssh access",
    ("keypair", "delete"): "Delete public or private key(s)",
    ("keypair", "list"): "List key fingerprints",
    ("network", "create"): "Create new network",
    ("network", "delete"): "Delete network(s)",
    ("network", "list"): "List networks",
    ("network", "show"): "Show network details",
    ("security", "group", "create"): "Create a new security group",
    ("security", "group", "delete"): "Delete security group(s)",
    ("security", "group", "list"): "List security groups",
    ("security", "group", "rule", "create"): "Create a new security group rule",
    ("security", "group", "rule", "delete"): "Delete security group rule(s)",
    ("security", "group", "rule", "list"): "List security group rules",
    ("security", "group", "show"): "Display security group details",
    ("server", "add", "floating", "ip"): "Add floating IP address to server",
    ("server", "add", "security", "group"): "Add security group to server",
    ("server", "add", "volume"): "Add volume to server",
    ("server", "create"): "Create a new server",
    ("server", "delete"): "Delete server(s)",
    ("server", "image", "create"): "Create a new server disk image from an existing server",
    ("server", "list"): "List servers",
    ("server", "reboot"): "Perform a hard or soft server reboot",
    ("server", "remove", "floating", "ip"): "Remove floating IP address from server",
    ("server", "remove", "security", "group"): "Remove security group from server",
    ("server", "remove", "volume"): "Remove volume from server",
    ("server", "show"): "Show server details",
    ("server", "start"): "Start server(s).",
    ("server", "stop"): "Stop server(s).",
    ("subnet", "create"): "Create a subnet",
    ("subnet", "list"): "List subnets",
    ("subnet", "show"): "Display subnet details",
    ("volume", "create"): "Create new volume",
    ("volume", "delete"): "Delete volume(s)",
    ("volume", "list"): "List volumes",
    ("volume", "show"): "Display volume details",
}


@command(
    "openstack",
    man="""
NAME
       openstack - the OpenStack command-line client (python-openstackclient 6.6)

SYNOPSIS
       openstack [--os-cloud NAME] OBJECT ACTION [OPTIONS] [ARGS]

DESCRIPTION
       Drives the learner's cloud: the same one the Cloud page shows. The cloud comes from
       --os-cloud or $OS_CLOUD, looked up in ~/.config/openstack/clouds.yaml.

       server create NAME --image IMG --flavor FLV [--network NET] [--security-group SG]...
                     [--key-name KEY] [--user-data FILE] [--wait]
       server list | show | start | stop | reboot | delete SERVER
       server add volume SERVER VOLUME      server add floating ip SERVER ADDRESS
       server add security group SERVER GROUP   (and server remove ... of each)
       console log show SERVER              the instance's serial console: boot and cloud-init
       server image create --name NAME SERVER     (a template from an instance)
       image list | show | delete           flavor list
       keypair create --public-key FILE NAME      keypair list | delete
       volume create --size GB NAME         volume list | show | delete
       network create | list | show | delete
       subnet create --network NET --subnet-range CIDR NAME      subnet list | show
       security group create | list | show | delete
       security group rule create --protocol tcp --dst-port 22 [--remote-ip CIDR] GROUP
       security group rule list [GROUP] | delete RULE
       floating ip create public            floating ip list | delete

       Output: -f table (default), json, value, yaml, shell (one resource) or csv (lists);
       -c COLUMN (repeatable) keeps only those columns: openstack server show web -f value -c status
""",
)
def openstack(ctx: Context, argv: list[str]) -> int:
    words = argv[1:]
    cloud_name = None
    while words and words[0].startswith("--os-"):
        name, eq, value = words.pop(0).partition("=")
        if not eq:
            value = words.pop(0) if words else ""
        if name == "--os-cloud":
            cloud_name = value
    if not words or words[0] in ("-h", "--help", "help"):
        ctx.out(
            HELP
            + "".join(f"  {' '.join(words):<33} {text}\n" for words, text in sorted(DESCRIPTIONS.items()))
        )
        return 0
    if words[0] == "--version":
        ctx.out("openstack 6.6.0\n")
        return 0
    match = None
    for size in (4, 3, 2):
        if tuple(words[:size]) in COMMANDS:
            match = tuple(words[:size])
            break
    if match is None:
        typed = " ".join(w for w in words[:3] if not w.startswith("-"))
        ctx.err(f"openstack: '{typed}' is not an openstack command. See 'openstack --help'.\n")
        return 2
    ctx.prog = "openstack " + " ".join(match)
    world = getattr(getattr(ctx.machine, "network", None), "world", None)
    cloud = getattr(world, "cloud", None)
    try:
        config = _config(ctx, cloud_name)
        if cloud is None:
            url = config.get("auth", {}).get("auth_url", "http://controller/identity")
            host = url.split("://")[-1].split("/")[0]
            raise Failure(
                f"Failed to discover available identity versions when contacting {url}. "
                "Attempting to parse version from URL.\n"
                f"Could not find versioned identity endpoints when attempting to authenticate. "
                "Please check that your auth_url is correct. Unable to establish connection to "
                f"{url}: HTTPConnectionPool(host='{host}', port=80): Max retries "
                "exceeded\n"
            )
        return COMMANDS[match](Client(ctx, cloud, config), ctx, words[len(match) :])
    except Failure as failure:
        ctx.err(str(failure))
        return failure.status
