"""virt-clone, virtinst 4.1 (Ubuntu 24.04): a full copy of a shut off guest as a new libvirt domain.

The clone gets a new name, domain UUID and MAC (virt-clone always generates one unless --mac is given),
and a copy of the disk image. Everything inside the disk comes along: host name, /etc/machine-id, SSH
host keys, filesystem UUIDs, every file; the clone is a new machine of the lab, shut off.

The messages and their order are virtinst 4.1's (virtinst/virtclone.py, cloner.py, cli.py); a MAC that
is not one fails as libvirt's XML parser refuses it. "Allocating" is the text meter's last line.
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
CHECKS = ("all", "path_in_use", "disk_size", "path_exists", "mac_in_use")  # --check names (cli.py)
WITH_VALUE = {"-o": "original", "--original": "original", "-n": "name", "--name": "name", "-f": "file"}
WITH_VALUE |= {"--file": "file", "-m": "mac", "--mac": "mac", "--check": "check", "--connect": "connect"}


ARGUMENTS = {"original": "-o/--original", "name": "-n/--name", "file": "-f/--file", "mac": "-m/--mac"}
ARGUMENTS |= {"check": "--check", "connect": "--connect"}


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
                    raise CloneError(f"argument {ARGUMENTS[WITH_VALUE[key]]}: expected one argument")
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
       --auto-clone names the new guest SRC-clone unless --name is given, and its disk image after
       it; --mac gives the clone a MAC of your choosing (RANDOM, the default, generates one).
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
    """virtclone.main's order of checks, then Cloner.start_duplicate."""
    host = ctx.machine
    checks = _checks(options["check"])
    if not options["file"] and not options.get("auto"):
        raise CloneError(
            "Either --auto-clone or --file is required, use '--auto-clone or --file' and try again."
        )
    if not options.get("original"):
        raise CloneError("An original machine name is required, use '--original src_name' and try again.")
    source_name = options["original"]
    source = connection.domains.get(source_name)
    if source is None:
        raise CloneError(f"Domain '{source_name}' was not found.")
    if source["state"] != "shut off":
        raise CloneError("Domain to clone must be shutoff.")
    name = options.get("name")
    if not name and not options.get("auto"):
        raise CloneError(
            "A name is required for the new virtual machine, use '--name NEW_VM_NAME' to specify one."
        )
    name = name or _free_name(ctx, connection, source_name)
    given = options["mac"][0] if options["mac"] else "RANDOM"
    if given != "RANDOM":
        if "mac_in_use" in checks and any(d["mac"] == given.lower() for d in connection.domains.values()):
            raise CloneError(
                f"The MAC address '{given}' is in use by another virtual machine. "
                "(Use --check mac_in_use=off or --check all=off to override)"
            )
    if options["file"]:
        path = posixpath.normpath(posixpath.join(ctx.cwd, options["file"][0]))
        if host.fs.exists(path):
            raise CloneError(
                f"Could not use path '{path}' for cloning: "
                f"Clone onto existing storage volume is not currently supported: '{path}'"
            )
    else:
        path = _clone_path(ctx, source_name, name, source["disk"])
    if name in connection.domains:
        raise CloneError(f"Invalid name for new guest: Guest name '{name}' is already in use.")
    if given != "RANDOM" and not MAC.fullmatch(given.lower()):
        raise CloneError(f"XML error: unable to parse mac address '{given}'")
    mac = libvirt.new_mac(host) if given == "RANDOM" else given.lower()
    try:
        image = host.fs.read(source["disk"])
    except FsError as error:
        raise CloneError(f"Could not use path '{source['disk']}' for cloning: {error.message}") from None
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
    ctx.out(_meter(host, f"Allocating '{posixpath.basename(path)}'", libvirt.parse_image(image)))
    ctx.out(f"\nClone '{name}' created successfully.\n")


def _meter(host, text: str, image: dict | None) -> str:
    """The text meter's last line on an 80-column terminal: the volume's allocation when last polled, the
    time taken, and " ... " when that is not its capacity (virtinst/_progresspriv.py TextMeter._do_end)."""
    size, allocated = (image["size"], image["allocated"]) if image else (0, 0)
    seconds = 1 + allocated // 500_000_000  # about 500 MB/s
    host.tick(seconds)
    shown = f" | {_format_number(allocated):>5}B"
    elapsed = f"  {seconds // 60:02d}:{seconds % 60:02d}"
    end = "     " if allocated == size else " ... "
    rest = 80 - len(shown) - len(elapsed) - len(end)
    return f"\r{text[:rest]:<{rest}}{shown}{elapsed}{end}\n"


def _format_number(number: float) -> str:
    """virtinst's format_number: 1024 steps while above 999, "%.1f" below 9.95, else "%.0f"."""
    symbols, depth = ("", "k", "M", "G", "T", "P", "E"), 0
    while number > 999 and depth < len(symbols) - 1:
        number, depth = number / 1024.0, depth + 1
    if depth == 0:
        return f"{int(number)} "
    return f"{number:.1f} {symbols[depth]}" if number < 9.95 else f"{number:.0f} {symbols[depth]}"


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


def _free_name(ctx: Context, connection: Connection, source: str) -> str:
    """--auto-clone's guest name (cloner._generate_clone_name): SRC-clone, then SRC-clone1 ...; a source
    already called X-clone or X-cloneN gives X-clone(N+1), never X-clone-clone."""
    match = re.search(r"-clone[1-9]*$", source)
    number, forced = 0, False
    if match:
        digits = re.search(r"[1-9]+$", match.group())
        number, forced = (int(digits.group()) if digits else 0), True
        source = source[: match.start()]
    base = source + "-clone"
    name = f"{base}{number + 1}" if forced else base
    while name in connection.domains:
        ctx.tick()
        number += 1
        name = f"{base}{number + (1 if forced else 0)}"
    return name


def _clone_path(ctx: Context, source_name: str, name: str, source_path: str) -> str:
    """Cloner.generate_clone_disk_path: the source's image named after the new guest when it was named
    after the source (else NAME-clone), its extension kept, then -1, -2 ... while the path is taken."""
    stem, suffix = source_path, ""
    if "." in source_path and len(source_path.rsplit(".", 1)[1]) <= 7:
        stem, suffix = source_path.rsplit(".", 1)
        suffix = "." + suffix
    directory, base = posixpath.split(stem)
    base = name if base == source_name else base + "-clone"
    path, number = f"{directory}/{base}{suffix}", 0
    while ctx.machine.fs.exists(path):
        ctx.tick()
        number += 1
        path = f"{directory}/{base}-{number}{suffix}"
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
