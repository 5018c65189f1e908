"""virt-clone, virtinst 4.1 (Ubuntu 24.04): a full copy of a shut off guest as a new libvirt domain.

The clone gets a new name, domain UUID and MAC (virt-clone always generates one unless --mac is given),
and a copy of the disk image. Everything inside the disk comes along: host name, /etc/machine-id, SSH
host keys, filesystem UUIDs, every file; the clone is a new machine of the lab, shut off.

The messages are virtinst's (virtinst/virtclone.py, cloner.py, devices/disk.py) as remembered, not
checked against 4.1; the "Allocating" progress line is its text meter's final state, approximately.
"""

from __future__ import annotations

import json
import posixpath
import re

from simulator import libvirt
from simulator.commands import Context, command
from simulator.commands.virsh import Connection, VirshError, connect
from simulator.filesystem import FsError

USAGE = """\
usage: virt-clone --original [NAME] ...
"""
MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}")
CHECKS = ("all", "path_in_use", "disk_size", "path_exists", "mac_in_use")
WITH_VALUE = {"-o": "original", "--original": "original", "-n": "name", "--name": "name", "-f": "file"}
WITH_VALUE |= {"--file": "file", "-m": "mac", "--mac": "mac", "--check": "check", "--connect": "connect"}


class CloneError(Exception):
    pass


def _options(args: list[str]) -> dict:
    found: dict = {"file": [], "mac": [], "check": []}
    while args:
        arg = args.pop(0)
        key, _, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key == "--auto-clone":
            found["auto"] = True
        elif key in WITH_VALUE:
            if not value:
                if not args:
                    raise CloneError(f"argument {arg}: expected one argument")
                value = args.pop(0)
            name = WITH_VALUE[key]
            if isinstance(found.get(name), list):
                found[name].append(value)
            else:
                found[name] = value
        else:
            raise CloneError(f"unrecognized arguments: {arg}")
    return found


@command(
    "virt-clone",
    man="""
NAME
       virt-clone - clone existing virtual machine images

SYNOPSIS
       virt-clone --original NAME [--name NEW] (--auto-clone | --file PATH) [--mac RANDOM|MAC]

DESCRIPTION
       Copy a shut off guest's disk and define the copy as a new guest with a new name, UUID and MAC
       address. Nothing inside the disk changes: host name, machine ID, SSH host keys and filesystem
       UUIDs are the source's (virt-sysprep is the tool that resets them).
       --auto-clone names the disk image after the new guest; --check path_in_use=off lets --file
       point at a disk another guest uses.
""",
)
def virt_clone(ctx: Context, argv: list[str]) -> int:
    try:
        options = _options(argv[1:])
    except CloneError as error:
        ctx.err(f"{USAGE}virt-clone: error: {error}\n")
        return 2
    try:
        connection = connect(ctx, options.get("connect"))
        _clone(ctx, connection, options)
    except VirshError as error:
        ctx.err(f"ERROR    {str(error).splitlines()[-1]}\n")
        return 1
    except CloneError as error:
        ctx.err(f"ERROR    {error}\n")
        return 1
    return 0


def _clone(ctx: Context, connection: Connection, options: dict) -> None:
    host = ctx.machine
    if "original" not in options:
        raise CloneError("--original or --original-xml is required.")
    if not options["file"] and not options.get("auto"):
        raise CloneError("Either --auto-clone or --file is required, use '--auto-clone --file' to allow both")
    checks = _checks(options["check"])
    source_name = options["original"]
    source = connection.domains.get(source_name)
    if source is None:
        raise CloneError(f"Domain '{source_name}' was not found.")
    if source["state"] == "running":
        raise CloneError("Domain with devices to clone must be paused or shutoff.")
    name = options.get("name") or f"{source_name}-clone"
    if name in connection.domains:
        raise CloneError(f"Invalid name for new guest: Guest name '{name}' is already in use.")
    path = options["file"][0] if options["file"] else _free_path(ctx, name)
    path = posixpath.normpath(posixpath.join(ctx.cwd, path))
    users = [n for n, d in connection.domains.items() if d["disk"] == path]
    if users and "path_in_use" in checks:
        raise CloneError(
            f"Disk {path} is already in use by other guests {users!r}. "
            "(Use --check path_in_use=off or --check all=off to override)"
        )
    if host.fs.exists(path) and not users:
        raise CloneError(f"Clone onto existing storage volume is not currently supported: '{path}'")
    mac = options["mac"][0].lower() if options["mac"] else "random"
    if mac == "random":
        mac = libvirt.new_mac(host)
    elif not MAC.fullmatch(mac):
        raise CloneError(f"MAC address must be of the format AA:BB:CC:DD:EE:FF, was '{options['mac'][0]}'")
    elif "mac_in_use" in checks and any(d["mac"] == mac for d in connection.domains.values()):
        raise CloneError(f"The MAC address '{mac}' is in use by another virtual machine.")
    try:
        image = host.fs.read(source["disk"])
    except FsError:
        raise CloneError(
            f"Could not use path '{source['disk']}' for cloning: No such file or directory"
        ) from None
    try:
        host.fs.write(path, image, mode=0o600)
    except FsError as error:
        raise CloneError(
            f"Couldn't create storage volume '{posixpath.basename(path)}': {error.message}"
        ) from None
    network = host.network
    clone = _copy(network.machine(source["machine"]), host.rng().randrange(1 << 31), mac)
    key = name if network.machine(name) is None else f"{name}-{host.clock}"
    network.add(key, clone)
    domain = libvirt.define(host, name, clone, key, disk=path)
    domain.update(vcpus=source["vcpus"], memory_kib=source["memory_kib"])
    size = libvirt.parse_image(image)
    shown = f"{size['size'] // 1024**3} GB" if size else "0 B"
    ctx.out(f"Allocating '{posixpath.basename(path)}'".ljust(45) + f"| {shown:>6}  00:00:04     \n\n")
    ctx.out(f"Clone '{name}' created successfully.\n")


def _checks(values: list[str]) -> set[str]:
    """The checks still on after every --check NAME=off."""
    on = set(CHECKS)
    for value in values:
        for item in value.split(","):
            check, _, state = item.partition("=")
            if check not in CHECKS or state not in ("on", "off", "yes", "no"):
                raise CloneError(f"Unknown --check options: ['{check}']")
            if state in ("off", "no"):
                on -= set(CHECKS) if check == "all" else {check}
    return on


def _free_path(ctx: Context, name: str) -> str:
    """--auto-clone's image name: NAME.qcow2 in the images directory, NAME-1.qcow2 ... when taken."""
    path, number = f"{libvirt.IMAGES}/{name}.qcow2", 0
    while ctx.machine.fs.exists(path):
        ctx.tick()
        number += 1
        path = f"{libvirt.IMAGES}/{name}-{number}.qcow2"
    return path


def _copy(source, seed: int, mac: str):
    """The guest as its disk image makes it: every file the source's, a new seed (so a new SMBIOS UUID,
    the domain's), and the new MAC on its NIC."""
    from simulator.machine import Machine

    data = json.loads(json.dumps(source.to_dict()))
    data["spec"]["seed"] = seed
    for nic in data["nics"]:
        nic.pop("hwmac", None)
    data["nics"][0]["mac"] = mac
    return Machine.from_dict(data)
