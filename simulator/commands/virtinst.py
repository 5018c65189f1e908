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
import shlex

from simulator import installer, libvirt
from simulator.commands import MAN_PAGES, Context, command
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


NEGATIVE_NUMBER = re.compile(r"-\d+|-\d*\.\d+")


def _looks_like_option(word: str) -> bool:
    """argparse's test for the word after an option that wants a value: '-x' is an option, not the value
    (`--name=-x` passes one), unless it is a negative number or holds a space."""
    return word.startswith("-") and word != "-" and " " not in word and not NEGATIVE_NUMBER.fullmatch(word)


def _options(args: list[str]) -> dict:
    found: dict = {"file": [], "mac": [], "check": []}
    while args:
        arg = args.pop(0)
        key, _, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key == "--auto-clone":
            found["auto"] = True
        elif key in ("--preserve-data", "--preserve"):
            found["preserve"] = True
        elif key in WITH_VALUE:
            if not value:
                if not args or _looks_like_option(args[0]):
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
       virt-clone --original NAME [--name NEW] (--auto-clone | --file PATH [--preserve-data])
                  [--mac RANDOM|MAC] [--check mac_in_use=off]

DESCRIPTION
       Copy a shut off guest's disk and define the copy as a new guest with a new name, UUID and MAC
       address. Nothing inside the disk changes: host name, machine ID, SSH host keys and filesystem
       UUIDs are the source's (virt-sysprep is the tool that resets them).
       --auto-clone names the new guest SRC-clone unless --name is given, and its disk image after
       it; --mac gives the clone a MAC of your choosing (RANDOM, the default, generates one; the
       source's own MAC needs --check mac_in_use=off). --preserve-data uses the --file image as it is
       (a qcow2 overlay made with qemu-img create -b: a linked clone) instead of copying the disk.
""",
)
def virt_clone(ctx: Context, argv: list[str]) -> int:
    return _run_tool(ctx, argv, USAGE, _options, _clone)


def _run_tool(ctx: Context, argv: list[str], usage: str, parse, act) -> int:
    """virtinst's two ways to fail: argparse's usage error (status 2), then its logged ERROR (status 1)."""
    if "-h" in argv[1:] or "--help" in argv[1:]:  # argparse answers it wherever it stands: the man page here
        ctx.out(MAN_PAGES[argv[0].rsplit("/", 1)[-1]])
        return 0
    try:
        options = parse(argv[1:])
    except CloneError as error:
        ctx.err(f"{usage}{argv[0].rsplit('/', 1)[-1]}: error: {error}\n")
        return 2
    try:
        status = act(ctx, connect(ctx, options.get("connect")), options)
    except VirshError as error:
        ctx.err(f"ERROR    {str(error).splitlines()[-1]}\n")
        return 1
    except CloneError as error:
        ctx.err(f"ERROR    {error}\n")
        return 1
    return status or 0


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
    preserve = options.get("preserve") and options["file"]
    if options["file"]:
        path = posixpath.normpath(posixpath.join(ctx.cwd, options["file"][0]))
        if preserve and not host.fs.is_file(path):  # cloner.py set_new_path over DeviceDisk.validate() (4.1)
            raise CloneError(
                f"Could not use path '{path}' for cloning: "
                f"Must specify storage creation parameters for non-existent path '{path}'."
            )
        if host.fs.exists(path) and not preserve:
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
        if not preserve:  # --preserve-data: the disk is there already (an overlay: a linked clone)
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
    domain.update(vcpus=source["vcpus"], memory_kib=source["memory_kib"], origin=source_name)
    if source.get("unbootable"):  # a copy of a disk the installer left half written
        domain["unbootable"] = True
    if source.get("metadata"):  # the rest of the XML is copied, custom metadata (a template's mark) too
        domain["metadata"] = json.loads(json.dumps(source["metadata"]))
    if not preserve:
        ctx.out(_meter(host, f"Allocating '{posixpath.basename(path)}'", libvirt.parse_image(image)))
    ctx.out(f"\nClone '{name}' created successfully.\n")


def _meter(host, text: str, image: dict | None, seconds: int | None = None) -> str:
    """The text meter's last line on an 80-column terminal: the volume's allocation when last polled, the
    time taken, and " ... " when that is not its capacity (virtinst/_progresspriv.py TextMeter._do_end)."""
    size, allocated = (image["size"], image["allocated"]) if image else (0, 0)
    if seconds is None:
        seconds = 1 + allocated // 500_000_000  # a copy: about 500 MB/s
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


OS_VARIANTS = {"ubuntu24.04": "Ubuntu 24.04 LTS", "generic": "Generic OS"}
INSTALL_WITH_VALUE = {
    "-n": "name",
    "--name": "name",
    "--vcpus": "vcpus",
    "--memory": "memory",
    "--ram": "memory",
    "-r": "memory",
    "--disk": "disk",
    "-w": "network",
    "--network": "network",
    "-c": "cdrom",
    "--cdrom": "cdrom",
    "--os-variant": "os",
    "--osinfo": "os",
    "--graphics": "graphics",
    "--wait": "wait",
    "--connect": "connect",
}
INSTALL_FLAGS = {"--noautoconsole": "noautoconsole", "--noreboot": "noreboot"}
INSTALL_ARGUMENTS = {"name": "-n/--name", "vcpus": "--vcpus", "memory": "--memory", "disk": "--disk"}
INSTALL_ARGUMENTS |= {"network": "-w/--network", "cdrom": "-c/--cdrom", "os": "--os-variant/--osinfo"}
INSTALL_ARGUMENTS |= {"graphics": "--graphics", "wait": "--wait", "connect": "--connect"}
INSTALL_USAGE = "usage: virt-install --name NAME --memory MB STORAGE INSTALL [options]\n"
INSTALL_METHODS = "--location URL, --cdrom CD/ISO, --pxe, --import, --boot hd|cdrom|..."
MIN_DISK_GIB = 4


def _install_options(args: list[str]) -> dict:
    found: dict = {}
    while args:
        arg = args.pop(0)
        key, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key in INSTALL_FLAGS and not has_value:
            found[INSTALL_FLAGS[key]] = True
        elif key in INSTALL_WITH_VALUE:
            if not has_value and key == "--wait" and (not args or _looks_like_option(args[0])):
                value = "-1"  # nargs="?", const=-1: wait for the install to end
            elif not has_value:
                if not args or _looks_like_option(args[0]):
                    raise CloneError(
                        f"argument {INSTALL_ARGUMENTS[INSTALL_WITH_VALUE[key]]}: expected one argument"
                    )
                value = args.pop(0)
            if key == "--wait" and not re.fullmatch(r"-?\d+", value):  # type=int
                raise CloneError(f"argument --wait: invalid int value: '{value}'")
            found[INSTALL_WITH_VALUE[key]] = value
        else:
            raise CloneError(f"unrecognized arguments: {arg}")
    return found


def _suboptions(text: str, first: str) -> dict[str, str]:
    """virtinst's comma-separated suboptions; a bare first value is `first` (--disk 20 is size=20)."""
    found = {}
    for item in text.split(","):
        key, has_value, value = item.partition("=")
        found[key if has_value else first] = value if has_value else key
    return found


@command(
    "virt-install",
    man="""
NAME
       virt-install - provision new virtual machines

SYNOPSIS
       virt-install --name NAME --memory MiB --vcpus N --disk size=GiB --cdrom ISO
                    [--network network=default] [--os-variant ubuntu24.04|generic]
                    [--graphics none] [--noautoconsole] [--wait [MINUTES]] [--noreboot]

DESCRIPTION
       Define a new guest, make its disk (NAME.qcow2 in /var/lib/libvirt/images) and boot it from the
       install medium. --os-variant names the OS (libosinfo detects it from a known ISO): for an OS
       known to support virtio the guest gets paravirtual devices (virtio disk and NIC, balloon,
       console, RNG, the guest agent's channel); with generic it gets emulated ones (a SATA disk, an
       e1000e NIC).

       The installer then runs in the guest for a few minutes (virsh console NAME shows its progress).
       --noautoconsole returns at once and leaves it running: when it has finished, the installer
       reboots, which powers the guest off (virsh start NAME boots the installed system). --wait
       waits for the installer to finish (MINUTES at most; -1 or none given: as long as it takes),
       then restarts the guest from its disk, unless --noreboot. Without --noautoconsole virt-install
       opens the guest's console: a graphical one needs virt-viewer, and without it virt-install
       waits as with --wait -1; --graphics none gives a serial console, which virt-install shows
       until the install ends, then attaches to the installed guest.
""",
)
def virt_install(ctx: Context, argv: list[str]) -> int:
    return _run_tool(ctx, argv, INSTALL_USAGE, _install_options, _install)


def _install(ctx: Context, connection: Connection, options: dict) -> int | None:
    """virtinstall.main's order: required options, then the name, the medium and the OS, the devices; then
    start_install: the console (virt-viewer is not installed: none, so --wait -1; --graphics none: the
    serial console), the domain booted from the ISO, and the wait (_wait_for_domain). The installer runs on
    the host's clock (simulator/installer.py): virt-install waits through it when told to (the clock moves
    on), else leaves it running; once the installer has powered the guest off, virt-install restarts it."""
    host = ctx.machine
    missing = ""
    if "memory" not in options:
        missing += "\n--memory amount in MiB is required"
    if "disk" not in options:
        missing += "\n--disk storage must be specified (override with --disk none)"
    if "cdrom" not in options:
        missing += f"\nAn install method must be specified\n({INSTALL_METHODS})"
    if missing:
        raise CloneError(missing)
    name = options.get("name", "")
    if not name:
        raise CloneError("--name is required")
    if "/" in name:
        raise CloneError(f"XML error: name {name} cannot contain '/'")
    memory, vcpus = _count(options["memory"], "--memory"), _count(options.get("vcpus", "1"), "--vcpus")
    if memory < 256:
        raise CloneError(f"Requested memory {memory} MiB is abnormally low. Were you trying to specify GiB?")
    disk = _suboptions(options["disk"], "size")
    size = _count(disk.get("size", ""), "--disk size")
    if size < MIN_DISK_GIB:  # GuestLab's own refusal: its installer would not fit, so none is attempted
        raise CloneError(
            f"--disk size={size}: the simulated Ubuntu installer needs at least {MIN_DISK_GIB} GiB"
        )
    network = _suboptions(options.get("network", "network=default"), "network")
    if network.get("network", "default") != libvirt.NETWORK["name"] or (
        not connection.system and "network" in options
    ):  # the default network is the system daemon's: a session daemon has none
        raise CloneError(f"Network not found: no network with matching name '{network['network']}'")
    if (
        not connection.system
    ):  # GuestLab's own refusal: a session's guests (user networking) are not simulated
        raise CloneError(
            "GuestLab simulates the guests of the system daemon only: "
            "run virt-install with sudo, or with --connect qemu:///system"
        )
    medium = posixpath.normpath(posixpath.join(ctx.cwd, options["cdrom"]))
    if not host.fs.is_file(medium):
        raise CloneError(f"Must specify storage creation parameters for non-existent path '{medium}'.")
    os_name = options.get("os") or _detect(host.fs.read(medium))
    if not os_name:
        raise CloneError("--osinfo/--os-variant OS name is required, but no value was\nset or detected.")
    if os_name not in OS_VARIANTS:
        raise CloneError(f"Unknown OS name '{os_name}'. See `--osinfo list` for valid values.")
    wait = None if options.get("wait") is None else int(options["wait"])
    autoconsole = "none" if options.get("noautoconsole") else "default"
    if wait == 0:  # virtinst's convert_wait_zero
        ctx.err("WARNING  Treating --wait 0 as --noautoconsole\n")
        autoconsole, wait = "none", None
    if autoconsole == "default" and options.get("graphics", "").split(",")[0] != "none":
        # _determine_default_autoconsole_type: a VNC/SPICE display, and no virt-viewer on the host
        ctx.err(
            "WARNING  Unable to connect to graphical console: virt-viewer not installed. "
            "Please install the 'virt-viewer' package.\n"
        )
        autoconsole = "none"
        if wait is None:  # _set_default_wait
            ctx.err("WARNING  No console to launch for the guest, defaulting to --wait -1\n")
            wait = -1
    elif autoconsole == "default":  # --graphics none: the serial console, with virsh console
        autoconsole = "text"
        ctx.err(
            "WARNING  CDROM media does not print to the text console by default, so you likely will not "
            "see text install output. You might want to use --location. See the man page for examples "
            "of using --location with CDROM media\n"
        )
    ctx.out("\nStarting install...\n")
    # Installer.start_install: Guest.validate_name, then virt-install's install_fail (virtinst 4.1)
    problem = f"Guest name '{name}' can not contain ' ' character." if " " in name else ""
    if name in connection.domains:
        problem = problem or f"Guest name '{name}' is already in use."
    if problem:
        raise CloneError(
            f"{problem}\nDomain installation does not appear to have been successful.\n"
            "If it was, you can restart your domain by running:\n"
            f"  virsh --connect {'qemu:///system' if connection.system else 'qemu:///session'} start {name}\n"
            "otherwise, please restart your installation."
        )
    path = _clone_path(ctx, name, name, f"{libvirt.IMAGES}/{name}.qcow2")
    virtio = os_name != "generic"  # libosinfo: an OS known to support virtio gets virtio devices
    from simulator.machine import Machine

    guest = Machine.create(
        {
            "platform": "kvm",
            "hostname": name,
            "seed": host.rng().randrange(1 << 31),
            "cpus": vcpus,
            "memory_mb": memory,
            "disk_gib": size,
            "host": "main",
            "virtio": virtio,
            "guest_tools": virtio,  # the installer's packages: qemu-guest-agent where its channel is
            "image": "installer",  # curtin's partitions and fstab, not a cloud image's
            "packages": ["iputils-arping"],
        },
        over_install=True,
        of_its_kind=True,
    )
    capacity = size * 1024**3
    host.fs.write(path, libvirt.image_header(capacity, libvirt.FRESH_QCOW2), mode=0o600)
    key = name if host.network.machine(name) is None else f"{name}-{host.clock}"
    host.network.add(key, guest)
    domain = libvirt.define(host, name, guest, key, disk=path)
    domain.update(vcpus=vcpus, memory_kib=memory * 1024)
    # a new qcow2 volume is sparse: the meter shows its capacity at once
    ctx.out(
        _meter(host, f"Allocating '{posixpath.basename(path)}'", {"size": capacity, "allocated": capacity}, 0)
    )
    ctx.out(_meter(host, "Creating domain...", {"size": 0, "allocated": 0}, 0))
    installer.begin(host, name, guest, medium, watched=False)
    console = f"virsh --connect qemu:///system console {shlex.quote(name)}"
    if autoconsole == "text":  # _txt_console, waited for: it ends when the installer powers the guest off
        ctx.out(f"Running text console command: {console}\n")
        ctx.out(f"Connected to domain '{name}'\nEscape character is ^] (Ctrl + ])\n")
        host.tick(installer.remaining(host, domain))
        ctx.out(installer.console(host, guest, domain))
        installer.finish(host, name)
    else:
        ctx.out("\nDomain is still running. Installation may be in progress.\n")
        if wait is None:
            ctx.out("You can reconnect to the console to complete the installation process.\n")
            return
        minutes = "" if wait < 0 else f" {wait} minute{'s' if wait != 1 else ''}"
        ctx.out(f"Waiting{minutes} for the installation to complete.\n")
        if 0 <= wait * 60 < installer.remaining(host, domain):
            host.tick(wait * 60)
            ctx.out("Installation has exceeded specified time limit. Exiting application.\n")
            return 1
        host.tick(installer.remaining(host, domain))
        installer.finish(host, name)  # the installer's reboot: on_reboot=destroy while installing
        ctx.out("Domain has shutdown. Continuing.\n")
    ctx.out("Domain creation completed.\n")
    if options.get("noreboot"):
        ctx.out(f"You can restart your domain by running:\n  {console.replace(' console ', ' start ')}\n")
        return
    ctx.out("Restarting guest.\n")
    libvirt.start(host, name, guest)
    if autoconsole == "text":
        ctx.out(f"Running text console command: {console}\n")
        ctx.out(f"Connected to domain '{name}'\nEscape character is ^] (Ctrl + ])\n")
        ctx.effects["console"] = {"machine": domain["machine"], "domain": name}


def _detect(medium: str) -> str:
    """libosinfo's detection from the medium: the OS a simulated ISO names, else nothing."""
    mark = libvirt.ISO_MARK
    return medium.removeprefix(mark).strip() if medium.startswith(mark) else ""


def _count(text: str, option: str) -> int:
    """A positive whole number (the wording of this refusal is GuestLab's: virtinst's differs by option)."""
    if not text.isdigit() or not 0 < int(text) < 1 << 20:
        raise CloneError(f"{option}: '{text}' is not a whole number from 1 to 1048575")
    return int(text)
