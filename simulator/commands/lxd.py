"""lxc and lxd as the LXD 5.21 snap answers them on Ubuntu 24.04, through the lxd-installer wrappers.

Modelled: `lxd init --auto` (a `default` dir storage pool and the `lxdbr0` bridge), `lxc launch IMAGE
[NAME]`, `lxc list` (alias `ls`), `lxc start`, `lxc stop` and `lxc delete [--force]`. Each instance is the
directory LXD keeps for it, /var/snap/lxd/common/lxd/storage-pools/default/containers/NAME, with its
backup.yaml (the image it came from, its state). Messages follow LXD 5.21's client (lxc/init.go, which
launch.go calls, lxc/config/remote.go, lxc/delete.go) and the daemon's errors it passes on; the snap's
installation on first use (lxd-installer) is not shown.
"""

from __future__ import annotations

import hashlib

import yaml

from simulator.commands import Context, command
from simulator.filesystem import FsError

LXD = "/var/snap/lxd/common/lxd"
POOL = f"{LXD}/storage-pools/default"
CONTAINERS = f"{POOL}/containers"
BRIDGE = f"{LXD}/networks/lxdbr0"
CREATION_FAILED = "Error: Failed instance creation: "  # client/util.go remoteOperationError's prefix
SOCKET_DENIED = f'Error: LXD unix socket "{LXD}/unix.socket" not accessible: permission denied\n'
# lxd init connects with client.ConnectLXDUnix, whose Go HTTP error is not reworded (lxd/main_init.go, 5.21)
INIT_DENIED = (
    'Error: Failed to connect to local LXD: Get "http://unix.socket/1.0": '
    f"dial unix {LXD}/unix.socket: connect: permission denied\n"
)
# A launch before `lxd init`: the default profile has no root disk yet. LXD 5.21's
# doc/howto/projects_work.md quotes it; driver_lxc.go wraps instancetype.ErrNoRootDisk so.
NO_ROOT_DISK = (
    f"{CREATION_FAILED}Failed creating instance record: Failed initialising instance: "
    "Failed getting root disk: No root device could be found\n"
)
# lxc/config/default.go: the remotes every client knows; all but local speak simplestreams.
REMOTES = ("local", "images", "ubuntu", "ubuntu-daily", "ubuntu-minimal", "ubuntu-minimal-daily")
# Aliases of the `ubuntu:` remote (cloud-images.ubuntu.com/releases) and of `images:` for a few systems.
UBUNTU = {
    ("24.04", "noble", "n", "lts"): ("noble", "24.04", "ubuntu 24.04 LTS amd64 (release) (20241119)"),
    ("22.04", "jammy", "j"): ("jammy", "22.04", "ubuntu 22.04 LTS amd64 (release) (20241112)"),
    ("20.04", "focal", "f"): ("focal", "20.04", "ubuntu 20.04 LTS amd64 (release) (20241112)"),
}
IMAGES = {
    "ubuntu/24.04": ("Ubuntu", "noble", "24.04", "Ubuntu noble amd64 (20241128_07:42)"),
    "debian/12": ("Debian", "bookworm", "12", "Debian bookworm amd64 (20241128_05:24)"),
    "alpine/3.20": ("Alpine", "3.20", "3.20", "Alpine 3.20 amd64 (20241128_13:00)"),
}
WORDS = (("able", "brave", "calm", "eager", "fond", "keen"), ("ant", "bee", "cat", "doe", "eel", "fox"))


def _image(remote: str, alias: str) -> dict | None:
    """The image an alias names on a remote; simplestreams also lists each alias with /ARCH appended."""
    alias = alias.removesuffix("/amd64")
    if remote == "ubuntu":
        for aliases, (release, version, description) in UBUNTU.items():
            if alias in aliases:
                return {"os": "Ubuntu", "release": release, "version": version, "description": description}
    if remote == "images" and alias in IMAGES:
        os_name, release, version, description = IMAGES[alias]
        return {"os": os_name, "release": release, "version": version, "description": description}
    return None


def _image_missing(remote: str, alias: str) -> str:
    """Why an image cannot be had. The local store is asked by the client (getImgInfo in lxc/utils.go); a
    simplestreams alias is resolved by the daemon's ImageDownload, whose error the client wraps."""
    if remote == "local":
        return f'Error: Failed to find image "{alias}" on remote "local"\n'
    return (
        f"{CREATION_FAILED}Failed getting remote image info: Failed getting image: "
        f'The requested image couldn\'t be found for fingerprint "{alias}"\n'
    )


def _new_name(ctx: Context, instances: dict) -> str:
    """The name the daemon picks for an unnamed instance: two words, tried at most 100 times
    (instancesPost in lxd/instances_post.go)."""
    rng = ctx.machine.rng()
    for _ in range(100):
        name = f"{rng.choice(WORDS[0])}-{rng.choice(WORDS[1])}"
        if name not in instances:
            return name
    return ""


def _allowed(ctx: Context) -> bool:
    """Root, or a member of the lxd group (the unix socket's group), may talk to LXD."""
    if ctx.is_root:
        return True
    groups = ctx.machine.fs.read("/etc/group")
    return any(
        line.split(":")[0] == "lxd" and ctx.user in line.split(":")[3].split(",")
        for line in groups.splitlines()
        if line.count(":") == 3
    )


def _instances(ctx: Context) -> dict[str, dict]:
    fs = ctx.machine.fs
    if not fs.is_dir(CONTAINERS):
        return {}
    found = {}
    for name in sorted(fs.listdir(CONTAINERS)):
        try:
            found[name] = yaml.safe_load(fs.read(f"{CONTAINERS}/{name}/backup.yaml"))["container"]
        except (FsError, TypeError, KeyError, yaml.YAMLError):
            continue
    return found


def _save(ctx: Context, name: str, container: dict) -> None:
    fs = ctx.machine.fs
    fs.mkdir(f"{CONTAINERS}/{name}", parents=True, mode=0o100)
    fs.write(f"{CONTAINERS}/{name}/backup.yaml", yaml.safe_dump({"container": container}, sort_keys=False))


def _addresses(name: str) -> tuple[str, str]:
    """The addresses lxdbr0's dnsmasq gives an instance: fixed per name here (from its MAC, 00:16:3e:...)."""
    digest = hashlib.sha256(name.encode()).digest()
    ipv4 = f"10.147.91.{20 + digest[0] % 200} (eth0)"
    ipv6 = f"fd42:8b1c:5e7a:3d2f:216:3eff:fe{digest[1]:02x}:{digest[2]:02x}{digest[3]:02x} (eth0)"
    return ipv4, ipv6


@command(
    "lxd",
    man="""
NAME
       lxd - the LXD container and VM manager (here: its first-time setup)

SYNOPSIS
       lxd init --auto

DESCRIPTION
       --auto answers every question with its default: a storage pool named default (dir driver) and
       a bridge lxdbr0 with NAT, so that `lxc launch` can create instances.
""",
)
def lxd(ctx: Context, argv: list[str]) -> int:
    if argv[1:2] != ["init"]:
        ctx.err("Error: GuestLab's lxd knows `lxd init --auto` only\n")
        return 1
    if not _allowed(ctx):  # the lxd group may initialise LXD too (doc/tutorial/first_steps.md)
        ctx.err(INIT_DENIED)
        return 1
    if "--auto" not in argv[2:]:
        ctx.err("Error: GuestLab's lxd init asks no questions: use lxd init --auto\n")
        return 1
    ctx.machine.fs.mkdir(CONTAINERS, parents=True, mode=0o711)
    ctx.machine.fs.mkdir(BRIDGE, parents=True, mode=0o711)
    return 0


@command(
    "lxc",
    man="""
NAME
       lxc - the LXD client: system containers (a whole Linux without its own kernel)

SYNOPSIS
       lxc launch IMAGE [NAME]      create an instance from an image and start it
       lxc list                     the instances: state, addresses, type
       lxc start|stop|delete NAME

DESCRIPTION
       IMAGE is REMOTE:ALIAS: ubuntu:24.04 (also ubuntu:noble), ubuntu:22.04, images:debian/12. Run
       `sudo lxd init --auto` once first. Members of the lxd group may use lxc without sudo.
""",
)
def lxc(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    if not args:
        ctx.err('Error: Usage: lxc [command]\n\nSee "lxc --help" for the commands\n')
        return 1
    if not _allowed(ctx):
        ctx.err(SOCKET_DENIED)
        return 1
    verb, rest = args[0], args[1:]
    if verb == "launch":
        return _launch(ctx, rest)
    if verb in ("list", "ls"):
        return _list(ctx)
    if verb in ("start", "stop", "delete", "rm"):
        return _change(ctx, verb, rest)
    ctx.err(f'Error: unknown command "{verb}" for "lxc"\n')
    return 1


def _launch(ctx: Context, args: list[str]) -> int:
    operands = [a for a in args if not a.startswith("-")]
    if not operands or len(operands) > 2:
        ctx.err("Error: Invalid number of arguments\n")
        return 1
    remote, found, alias = operands[0].partition(":")
    if not found:
        remote, alias = "local", operands[0]
    if remote not in REMOTES:  # config.ParseRemote, before anything is printed
        ctx.err(f'Error: The remote "{remote}" doesn\'t exist\n')
        return 1
    # The client announces the launch before it asks for the image; the daemon names an unnamed instance.
    name = operands[1] if len(operands) == 2 else ""
    ctx.out(f"Launching {name}\n" if name else "Launching the instance\n")
    image = _image(remote, alias)
    if image is None:
        ctx.err(_image_missing(remote, alias))
        return 1
    if not ctx.machine.fs.is_dir(CONTAINERS):
        ctx.err(NO_ROOT_DISK)
        return 1
    instances = _instances(ctx)
    if name in instances:  # instance.CreateInternal's conflict, wrapped by instanceCreateFromImage
        ctx.err(f'{CREATION_FAILED}Failed creating instance record: Instance "{name}" already exists\n')
        return 1
    if not name:
        name = _new_name(ctx, instances)
        if not name:
            ctx.err(f"{CREATION_FAILED}Couldn't generate a new unique name after 100 tries\n")
            return 1
        ctx.out(f"Instance name is: {name}\n")
    config = {f"image.{key}": value for key, value in image.items()}
    _save(ctx, name, {"name": name, "status": "Running", "type": "container", "config": config})
    return 0


def _change(ctx: Context, verb: str, args: list[str]) -> int:
    force = any(a in ("-f", "--force") for a in args)
    names = [a for a in args if not a.startswith("-")]
    if not names:
        ctx.err("Error: Invalid number of arguments\n")
        return 1
    instances = _instances(ctx)
    for name in names:
        if name not in instances:
            ctx.err("Error: Instance not found\n")
            return 1
        container = instances[name]
        running = container["status"] == "Running"
        if verb in ("delete", "rm"):
            if running and not force:
                ctx.err("Error: The instance is currently running, stop it first or pass --force\n")
                return 1
            ctx.machine.fs.remove(f"{CONTAINERS}/{name}", recursive=True)
            continue
        if running == (verb == "start"):
            state = "running" if running else "stopped"
            ctx.err(f"Error: The instance is already {state}\n")
            return 1
        _save(ctx, name, {**container, "status": "Running" if verb == "start" else "Stopped"})
    return 0


def _list(ctx: Context) -> int:
    header = ["NAME", "STATE", "IPV4", "IPV6", "TYPE", "SNAPSHOTS"]
    rows = []
    for name, container in _instances(ctx).items():
        running = container["status"] == "Running"
        ipv4, ipv6 = _addresses(name) if running else ("", "")
        rows.append([name, container["status"].upper(), ipv4, ipv6, container["type"].upper(), "0"])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"

    def centred(text: str, width: int) -> str:
        left = (width - len(text)) // 2
        return " " * left + text + " " * (width - len(text) - left)

    lines = [
        rule,
        "| " + " | ".join(centred(h, w) for h, w in zip(header, widths, strict=True)) + " |\n",
        rule,
    ]
    for row in rows:
        lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |\n", rule]
    ctx.out("".join(lines))
    return 0
