"""What makes one installed system distinct from its clones: hostname, machine-id, SSH host keys.

Modelled on hostname 3.23, systemd 255 (hostnamectl, systemd-machine-id-setup), dbus 1.14 (dbus-uuidgen) and
OpenSSH 9.6 (ssh-keygen).
"""

from __future__ import annotations

import base64
import posixpath
import re
from datetime import UTC, datetime

from simulator import lan
from simulator.commands import Context, command
from simulator.commands.options import UsageError, parse
from simulator.commands.ssh import names_host
from simulator.dialogue import stdin_is_terminal
from simulator.filesystem import FsError
from simulator.hardware import METAL
from simulator.keys import (
    KEY_LABELS,
    KEY_NAMES,
    MACHINE_ID,
    fingerprint,
    key_bits,
    md5_fingerprint,
    parse_key,
    private_comment,
    randomart,
    ssh_keypair,
)
from simulator.layout import OS_PRETTY, RELEASE

HOSTNAME = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
NO_SYSTEMD = "System has not been booted with systemd as init system (PID 1). Can't operate.\n"


def _home(ctx: Context) -> str:
    return ctx.machine.users.get(ctx.user, {}).get("home", "/")


# hostname 3.23 (Debian's, not coreutils') hostname.c usage(): -h/--help on stdout, a usage error on
# stderr; both exit(-1), status 255
HOSTNAME_USAGE = (
    "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n"
    "       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n"
    "       hostname                                 display host name\n"
    "\n"
    "       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n"
    "       {yp,nis,}domainname                      display NIS domain name\n"
    "\n"
    "       dnsdomainname                            display dns domain name\n"
    "\n"
    "       hostname -V|--version|-h|--help          print info and exit\n"
    "\n"
    "Program name:\n"
    "       {yp,nis,}domainname=hostname -y\n"
    "       dnsdomainname=hostname -d\n"
    "\n"
    "Program options:\n"
    "    -a, --alias            alias names\n"
    "    -A, --all-fqdns        all long host names (FQDNs)\n"
    "    -b, --boot             set default hostname if none available\n"
    "    -d, --domain           DNS domain name\n"
    "    -f, --fqdn, --long     long host name (FQDN)\n"
    "    -F, --file             read host name or NIS domain name from given file\n"
    "    -i, --ip-address       addresses for the host name\n"
    "    -I, --all-ip-addresses all addresses for the host\n"
    "    -s, --short            short host name\n"
    "    -y, --yp, --nis        NIS/YP domain name\n"
    "\n"
    "Description:\n"
    "   This command can get or set the host name or the NIS domain name. You can\n"
    "   also get the DNS domain or the FQDN (fully qualified domain name).\n"
    "   Unless you are using bind or NIS for host lookups you can change the\n"
    "   FQDN (Fully Qualified Domain Name) and the DNS domain name (which is\n"
    "   part of the FQDN) in the /etc/hosts file.\n"
)


@command(
    "hostname",
    man="""
hostname - show or set the system's host name

  hostname            print the kernel (transient) host name
  hostname -s | -f    short name / fully qualified name
  hostname -I         all IPv4 addresses of the host
  hostname NAME       set the kernel host name (root only; not persistent: /etc/hostname is not changed)

The name survives a reboot only if it is also in /etc/hostname (hostnamectl set-hostname does both).
""",
)
def hostname(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    args = argv[1:]
    if any(arg in ("-h", "--help") or arg.startswith("--h") and "--help".startswith(arg) for arg in args):
        ctx.out(HOSTNAME_USAGE)  # usage(stdout), and exit(-1) as for any usage
        return 255
    if not args or args in (["-s"], ["--short"]):
        ctx.out(machine.hostname.split(".")[0] + "\n")
        return 0
    if args in (["-f"], ["--fqdn"], ["--long"], ["-A"]):
        ctx.out(machine.hostname + ("\n" if args != ["-A"] else " \n"))
        return 0
    if args in (["-I"], ["--all-ip-addresses"]):
        ctx.out("".join(f"{address} " for nic in machine.nics for address in lan.held_addresses(nic)) + "\n")
        return 0
    if args in (["-i"], ["--ip-address"]):
        ctx.out("127.0.1.1\n")
        return 0
    if len(args) == 1 and not args[0].startswith("-"):
        if not ctx.is_root:
            ctx.err("hostname: you must be root to change the host name\n")
            return 1
        machine.hostname = args[0]
        return 0
    ctx.err(_hostname_refusal(args) + HOSTNAME_USAGE)
    return 255


HOSTNAME_SHORT = set("aAbdfFiIsyVh")
HOSTNAME_LONG = ("alias", "all-fqdns", "boot", "domain", "file", "fqdn", "help", "long", "ip-address",
                 "all-ip-addresses", "short", "version", "yp", "nis")  # fmt: skip


def _hostname_refusal(args: list[str]) -> str:
    """getopt_long's complaint about the first option hostname does not know, before its usage ("" for a
    usage error of known options and names)."""
    for arg in args:
        if arg == "--":
            break
        if arg.startswith("--"):
            name = arg[2:].partition("=")[0]
            if not any(known.startswith(name) for known in HOSTNAME_LONG):
                return f"hostname: unrecognized option '{arg}'\n"
        elif arg.startswith("-") and len(arg) > 1:
            unknown = next((c for c in arg[1:] if c not in HOSTNAME_SHORT), None)
            if unknown:
                return f"hostname: invalid option -- '{unknown}'\n"
    return ""


GLYPHS = {"vm": "🖴", "container": "☐", "laptop": "💻", "server": "🖳", "desktop": "🖥️"}


def _age(then: datetime, now: datetime) -> str:
    """systemd's format_timespan() down to days: 10y 7month 3w 5d."""
    days = (now - then).days
    parts = []
    for unit, length in (("y", 365.25), ("month", 30.44), ("w", 7), ("d", 1)):
        count = int(days // length)
        if count:
            parts.append(f"{count}{unit}")
            days -= count * length
    return " ".join(parts) or "0d"


def status_rows(machine) -> list[tuple[str, str]]:
    static = machine.fs.read("/etc/hostname").strip() if machine.fs.exists("/etc/hostname") else ""
    chassis = METAL[machine.cpu.vendor].chassis if machine.kind == "metal" else machine.platform.chassis
    rows = [("Static hostname", static or "n/a")]
    pretty = pretty_hostname(machine)
    if pretty and pretty != static:
        rows.append(("Pretty hostname", pretty))
    if machine.hostname != static:
        rows.append(("Transient hostname", machine.hostname))
    rows += [("Icon name", f"computer-{chassis}"), ("Chassis", f"{chassis} {GLYPHS[chassis]}")]
    if machine.machine_id():
        rows.append(("Machine ID", machine.machine_id()))
    rows.append(("Boot ID", machine.boot_id))
    if machine.platform.id != "none":
        rows.append(("Virtualization", machine.platform.id))
    rows += [("Operating System", OS_PRETTY), ("Kernel", f"Linux {RELEASE}"), ("Architecture", "x86-64")]
    if machine.kind != "container":
        dmi = machine.dmi
        rows += [
            ("Hardware Vendor", dmi["sys_vendor"]),
            ("Hardware Model", re.sub(r"[^A-Za-z0-9 ,.+-]", "_", dmi["product_name"])),
            ("Firmware Version", dmi["bios_version"]),
        ]
        date = datetime.strptime(dmi["bios_date"], "%m/%d/%Y").replace(tzinfo=UTC)
        rows += [
            ("Firmware Date", date.strftime("%a %Y-%m-%d")),
            ("Firmware Age", _age(date, datetime.fromtimestamp(machine.now(), UTC))),
        ]
    return rows


def pretty_hostname(machine) -> str:
    """PRETTY_HOSTNAME= of /etc/machine-info, where systemd-hostnamed keeps it."""
    try:
        text = machine.fs.read("/etc/machine-info")
    except FsError:
        return ""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "PRETTY_HOSTNAME":
            return value.strip().strip('"')
    return ""


def hostname_cleanup(name: str) -> str:
    """systemd's hostname_cleanup(): keep letters, digits, single hyphens and dots, at most 64 chars."""
    out, dot, hyphen = [], True, True
    for char in name:
        if len(out) >= 64:
            break
        if char == ".":
            if not (dot or hyphen):
                out.append(".")
                dot, hyphen = True, False
        elif char == "-":
            if not dot:
                out.append("-")
                dot, hyphen = False, True
        elif char.isascii() and char.isalnum():
            out.append(char)
            dot = hyphen = False
    if out and out[-1] in "-.":
        out.pop()
    return "".join(out)


def _set_names(ctx: Context, name: str, which: set[str]) -> int:
    """set_hostname() of hostnamectl (systemd 255): without --static/--transient/--pretty all three are
    set; then a valid name clears the pretty name, and an invalid one becomes the pretty name while
    its cleaned-up form becomes the hostname. hostnamed needs root (polkit)."""
    machine = ctx.machine
    implicit = not which
    which = which or {"pretty", "static", "transient"}
    for target in ("pretty", "static", "transient"):
        if target in which and not ctx.is_root:
            ctx.err(f"Could not set {target} hostname: Access denied\n")
            return 1
    valid = HOSTNAME.fullmatch(name.rstrip(".")) is not None and len(name) <= 64
    static_set = machine.fs.exists("/etc/hostname") and machine.fs.read("/etc/hostname").strip()
    if which == {"transient"} and static_set:  # hostnamed keeps using the static name
        ctx.err(
            "Hint: static hostname is already set, so the specified transient hostname will not be used.\n"
        )
        which = set()
    if "pretty" in which:
        pretty = "" if implicit and valid else name
        lines = [
            line
            for line in (
                machine.fs.read("/etc/machine-info").splitlines()
                if machine.fs.is_file("/etc/machine-info")
                else []
            )
            if not line.startswith("PRETTY_HOSTNAME=")
        ]
        if pretty:
            lines.append(f'PRETTY_HOSTNAME="{pretty}"' if " " in pretty else f"PRETTY_HOSTNAME={pretty}")
        if lines:
            machine.fs.write("/etc/machine-info", "".join(line + "\n" for line in lines))
        elif machine.fs.exists("/etc/machine-info"):
            machine.fs.remove("/etc/machine-info")
        name = hostname_cleanup(name)
    if ("static" in which or "transient" in which) and name and not HOSTNAME.fullmatch(name):
        target = "static" if "static" in which else "transient"
        ctx.err(f"Could not set {target} hostname: Invalid {target} hostname '{name}'\n")
        return 1
    if "static" in which:
        if name:
            machine.fs.write("/etc/hostname", name + "\n")
        elif machine.fs.exists("/etc/hostname"):
            machine.fs.remove("/etc/hostname")
    if "transient" in which and name:
        machine.hostname = name
    return 0


@command(
    "hostnamectl",
    man="""
hostnamectl - query and change the system host name (systemd 255)

  hostnamectl [status]          static/transient name, chassis, machine ID, boot ID, virtualization,
                                operating system, kernel, hardware vendor and model, firmware
  hostnamectl --static | --transient | --pretty   print just that one name
  hostnamectl hostname [NAME]   print, or set, the host name (set-hostname is the old spelling)
                                setting a plain name sets the static (/etc/hostname) and transient (kernel)
                                names; "Web Server 2" becomes the pretty name (/etc/machine-info) and
                                WebServer2 the host name; --static/--transient/--pretty set only that one

Setting needs root (or polkit authorisation).
""",
)
def hostnamectl(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    try:
        opts, args = parse(
            argv[1:], "hH:M:", {"static": "static", "transient": "transient", "pretty": "pretty"}
        )
    except UsageError as error:
        ctx.err(f"hostnamectl: {error}\n")
        return 1
    which = {key for key in ("static", "transient", "pretty") if key in opts}
    if machine.spec["platform"] == "docker":
        ctx.err(NO_SYSTEMD + "Failed to connect to bus: Host is down\n")
        return 1
    verb = args[0] if args else "status"
    if verb in ("status", "hostname") and len(args) <= 1 and which:
        if len(which) > 1:
            ctx.err("Cannot query more than one name type at a time\n")
            return 1
        static = machine.fs.read("/etc/hostname").strip() if machine.fs.exists("/etc/hostname") else ""
        names = {"static": static, "transient": machine.hostname, "pretty": pretty_hostname(machine)}
        ctx.out(names[which.pop()] + "\n")
        return 0
    if verb == "status" and len(args) <= 1:
        rows = status_rows(machine)
        width = max(len(label) for label, _ in rows)
        ctx.out("".join(f"{label:>{width}}: {value}\n" for label, value in rows))
        return 0
    if verb == "hostname" and len(args) == 1:
        ctx.out(machine.hostname + "\n")
        return 0
    if verb in ("set-hostname", "hostname") and len(args) == 2:
        return _set_names(ctx, args[1], which)
    if verb in ("status", "hostname", "set-hostname"):
        ctx.err(f"Too {'few' if len(args) < 2 else 'many'} arguments.\n")
        return 1
    ctx.err(f"Unknown command verb '{verb}'.\n")
    return 1


def _valid_id(machine, path: str) -> str:
    try:
        text = machine.fs.read(path).strip()
    except FsError:
        return ""
    return text if MACHINE_ID.fullmatch(text) else ""


def _read_uuid_file(ctx: Context, path: str) -> tuple[str, str, bool]:
    """dbus's _dbus_read_uuid_file_without_creating: (id, error, the file exists but holds junk)."""
    try:
        text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError as e:
        return "", f'Failed to open "{path}": {e.message}', False
    text = text.strip()
    if len(text) != 32:
        return (
            "",
            f"UUID file '{path}' should contain a hex string of length 32, not length {len(text)}, "
            "with no other text",
            True,
        )
    if not re.fullmatch(r"[0-9a-fA-F]{32}", text):
        return "", f"UUID file '{path}' contains invalid hex data", True
    return text, "", False


def _write_id(ctx: Context, path: str, value: str) -> str:
    """_dbus_write_uuid_file: a new file (mode 0644) renamed over the old one, so a symlink is replaced.

    Returns the error message, or "" when written.
    """
    fs = ctx.machine.fs
    try:
        parent = fs.resolve(posixpath.dirname(path) or "/", ctx.cwd, uid=ctx.uid)
        real = posixpath.join(parent, posixpath.basename(path))
        if not fs.access(parent, "w", uid=ctx.uid):
            return f"Could not create {path}.{_temp_suffix(ctx.machine)}: Permission denied"
        if fs.exists(real) or real in fs.nodes:
            fs.remove(real, uid=ctx.uid)
        fs.write(real, value + "\n", uid=ctx.uid, mode=0o644)
    except FsError as e:
        return f"Could not create {path}.{_temp_suffix(ctx.machine)}: {e.message}"
    return ""


DBUS_FILE = "/var/lib/dbus/machine-id"


def _local_machine_uuid(ctx: Context, create: bool) -> tuple[str, str]:
    """_dbus_read_local_machine_uuid (dbus 1.14): D-Bus's file, else /etc/machine-id (copied into
    D-Bus's file when creating), else, when creating, a new random id written to D-Bus's file only."""
    value, our_error, _ = _read_uuid_file(ctx, DBUS_FILE)
    if value:
        return value, ""
    value, etc_error, _ = _read_uuid_file(ctx, "/etc/machine-id")
    if value:
        if create:
            _write_id(ctx, DBUS_FILE, value)
        return value, ""
    if not create:
        return "", (
            "D-Bus library appears to be incorrectly set up: see the manual page for dbus-uuidgen to "
            f"correct this issue. ({our_error}; {etc_error})"
        )
    value = _new_dbus_uuid(ctx.machine)
    return value, _write_id(ctx, DBUS_FILE, value)


def _new_dbus_uuid(machine) -> str:
    """_dbus_generate_uuid: 12 random bytes, then the time in seconds (not an RFC 4122 UUID)."""
    return machine.rng().randbytes(12).hex() + f"{machine.now() & 0xFFFFFFFF:08x}"


@command(
    "dbus-uuidgen",
    man="""
dbus-uuidgen - generate or read a D-Bus universally unique id (the D-Bus machine id)

  dbus-uuidgen                 print a new random id (32 hex digits)
  dbus-uuidgen --ensure        make sure /var/lib/dbus/machine-id holds an id: kept if valid, else
                               copied from /etc/machine-id if that is valid, else a new random one
                               (written to /var/lib/dbus/machine-id only, never to /etc/machine-id)
  dbus-uuidgen --ensure=FILE   make sure FILE holds an id: a missing FILE gets a new random one; an
                               existing FILE is NEVER overwritten (an empty or invalid one is an error)
  dbus-uuidgen --get[=FILE]    print the id from FILE (default: the D-Bus id, else /etc/machine-id)

On Ubuntu /var/lib/dbus/machine-id is a symlink to /etc/machine-id, the systemd machine id.
Clone fix: rm -f /etc/machine-id /var/lib/dbus/machine-id && dbus-uuidgen --ensure=/etc/machine-id
""",
)
def dbus_uuidgen(ctx: Context, argv: list[str]) -> int:
    # dbus 1.14 tools/dbus-uuidgen.c and dbus/dbus-internals.c (_dbus_get_uuid, _dbus_read_uuid_file).
    ensure = get = False
    path = ""
    for arg in argv[1:]:
        for option in ("--ensure", "--get"):
            if arg.startswith(option):
                rest = arg[len(option) :]
                if rest[:1] not in ("=", " ", ""):
                    ctx.err("Usage: dbus-uuidgen [--ensure[=FILENAME]] [--get[=FILENAME]]\n")
                    return 1
                path = rest.lstrip("=").lstrip(" ") or path
                ensure, get = (True, get) if option == "--ensure" else (ensure, True)
                break
        else:
            if arg == "--version":
                ctx.out(
                    "D-Bus UUID Generator 1.14.10\nCopyright (C) 2006 Red Hat, Inc.\n"
                    "This is free software; see the source for copying conditions.\n"
                    "There is NO warranty; not even for MERCHANTABILITY or FITNESS FOR A PARTICULAR "
                    "PURPOSE.\n"
                )
                return 0
            ctx.err(f"Usage: {argv[0]} [--ensure[=FILENAME]] [--get[=FILENAME]]\n")
            return 0 if arg == "--help" else 1
    if ensure and get:
        ctx.err("Can't specify both --get and --ensure\n")
        return 1
    if not ensure and not get:
        ctx.out(_new_dbus_uuid(ctx.machine) + "\n")
        return 0
    if not path:
        value, error = _local_machine_uuid(ctx, create=ensure)
    else:
        value, error, junk = _read_uuid_file(ctx, path)
        if not value and ensure and not junk:
            value = _new_dbus_uuid(ctx.machine)
            error = _write_id(ctx, path, value)
    if error:
        ctx.err(error + "\n")
        return 1
    if get:
        ctx.out(value + "\n")
    return 0


@command(
    "systemd-machine-id-setup",
    man="""
systemd-machine-id-setup - initialize /etc/machine-id (root only)

If /etc/machine-id is missing, empty or "uninitialized", writes a new id taken, in order, from the
D-Bus machine id (/var/lib/dbus/machine-id), the KVM VM UUID, or the random generator. A valid id is
left alone. --print prints the id. Boot does the same when /etc/machine-id is missing or empty.
""",
)
def machine_id_setup(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    if _valid_id(machine, "/etc/machine-id"):
        if "--print" in argv:
            ctx.out(machine.machine_id() + "\n")
        return 0
    if not ctx.is_root:
        ctx.err("Cannot open /etc/machine-id: Permission denied\n")
        return 1
    value, origin = machine.initial_machine_id()
    ctx.err(f"Initializing machine ID from {origin}.\n")
    machine.fs.add_file("/etc/machine-id", mode=0o444)
    machine.fs.write("/etc/machine-id", value + "\n", mode=0o444)
    if "--print" in argv:
        ctx.out(value + "\n")
    return 0


def _temp_suffix(machine) -> str:
    rng = machine.rng()
    return "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(10)
    )


def _generate_host_keys(ctx: Context) -> int:
    """ssh-keygen -A: create each missing or empty host key, announcing them on one line.

    Errors go through OpenSSH's log.c, which ends a line written to stderr with "\\r\\n" (do_log,
    openssh-portable 9.6); so do ssh-keygen's fatal() messages below.
    """
    machine = ctx.machine
    fs = machine.fs
    generated, failed = [], False
    for kind in KEY_NAMES:
        path = f"/etc/ssh/ssh_host_{kind}_key"
        if fs.exists(path) and fs.stat(path).size:
            continue
        generated.append(kind.upper())
        if not ctx.is_root:
            temp = f"{path}.{_temp_suffix(machine)}"
            ctx.err(f"Could not save your private key in {temp}: Permission denied\r\n")
            failed = True
            continue
        private, public = ssh_keypair(machine.rng(), kind, f"{ctx.user}@{machine.hostname}")
        fs.add_file(path, private, mode=0o600)
        fs.add_file(path + ".pub", public, mode=0o644)
    if generated:
        ctx.out("ssh-keygen: generating new host keys: " + "".join(f"{k} " for k in generated) + "\n")
    return 1 if failed else 0


def _forget_host(ctx: Context, host: str, path: str) -> int:
    fs = ctx.machine.fs
    path = path or f"{_home(ctx)}/.ssh/known_hosts"
    try:
        lines = fs.read(path, ctx.cwd, ctx.uid).splitlines(keepends=True)
    except FsError as e:
        ctx.err(f"do_known_hosts: hostkeys_foreach failed for {path}: {e.message}\n")
        return 255
    kept = []
    for number, line in enumerate(lines, 1):
        if names_host(line.split(" ", 1)[0], host):
            ctx.out(f"# Host {host} found: line {number}\n")
        else:
            kept.append(line)
    if len(kept) == len(lines):
        ctx.err(f"Host {host} not found in {path}\n")
        return 0
    fs.write(path + ".old", "".join(lines), ctx.cwd, ctx.uid, mode=0o600)
    fs.write(path, "".join(kept), ctx.cwd, ctx.uid)
    ctx.out(f"{path} updated.\nOriginal contents retained as {path}.old\n")
    return 0


KEYGEN_OPTIONS = "ABHKLQUXceghiklopquvyC:D:E:F:I:M:N:O:P:R:V:Y:Z:a:b:f:g:m:n:r:s:t:w:z:"
KEYGEN_USAGE = """\
usage: ssh-keygen [-q] [-a rounds] [-b bits] [-C comment] [-f output_keyfile]
                  [-m format] [-N new_passphrase] [-O option]
                  [-t dsa | ecdsa | ecdsa-sk | ed25519 | ed25519-sk | rsa]
                  [-w provider] [-Z cipher]
       ssh-keygen -p [-a rounds] [-f keyfile] [-m format] [-N new_passphrase]
                   [-P old_passphrase] [-Z cipher]
       ssh-keygen -i [-f input_keyfile] [-m key_format]
       ssh-keygen -e [-f input_keyfile] [-m key_format]
       ssh-keygen -y [-f input_keyfile]
       ssh-keygen -c [-a rounds] [-C comment] [-f keyfile] [-P passphrase]
       ssh-keygen -l [-v] [-E fingerprint_hash] [-f input_keyfile]
       ssh-keygen -B [-f input_keyfile]
       ssh-keygen -D pkcs11
       ssh-keygen -F hostname [-lv] [-f known_hosts_file]
       ssh-keygen -H [-f known_hosts_file]
       ssh-keygen -K [-a rounds] [-w provider]
       ssh-keygen -R hostname [-f known_hosts_file]
       ssh-keygen -r hostname [-g] [-f input_keyfile]
       ssh-keygen -M generate [-O option] output_file
       ssh-keygen -M screen [-f input_file] [-O option] output_file
       ssh-keygen -I certificate_identity -s ca_key [-hU] [-D pkcs11_provider]
                  [-n principals] [-O option] [-V validity_interval]
                  [-z serial_number] file ...
       ssh-keygen -L [-f input_keyfile]
       ssh-keygen -A [-a rounds] [-f prefix_path]
       ssh-keygen -k -f krl_file [-u] [-s ca_public] [-z version_number]
                  file ...
       ssh-keygen -Q [-l] -f krl_file [file ...]
       ssh-keygen -Y find-principals -s signature_file -f allowed_signers_file
       ssh-keygen -Y match-principals -I signer_identity -f allowed_signers_file
       ssh-keygen -Y check-novalidate -n namespace -s signature_file
       ssh-keygen -Y sign -f key_file -n namespace file [-O option] ...
       ssh-keygen -Y verify -f allowed_signers_file -I signer_identity
                  -n namespace -s signature_file [-r krl_file] [-O option]
"""
KEY_TYPES = {"rsa": "rsa", "ssh-rsa": "rsa", "ecdsa": "ecdsa", "ed25519": "ed25519", "ssh-ed25519": "ed25519"}
DEFAULT_FILES = {"rsa": "id_rsa", "ecdsa": "id_ecdsa", "ed25519": "id_ed25519"}


def _bsd_getopt(args: list[str], spec: str) -> tuple[list[tuple[str, str | None]], list[str]] | str:
    """OpenSSH's own getopt (openbsd-compat): no permutation, so the first operand ends the options.
    Returns the options and operands, or the warning for a bad option."""
    found = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        arg = args[i]
        i += 1
        if arg == "--":
            break
        j = 1
        while j < len(arg):
            letter = arg[j]
            spot = spec.find(letter)
            if spot < 0 or letter == ":":
                return f"unknown option -- {letter}"
            if spec[spot + 1 : spot + 2] != ":":
                found.append((letter, None))
                j += 1
                continue
            value = arg[j + 1 :]
            if not value:
                if i >= len(args):
                    return f"option requires an argument -- {letter}"
                value, i = args[i], i + 1
            found.append((letter, value))
            break
    return found, args[i:]


class _NoFileName(Exception):
    """The end of input where ssh-keygen asked for a file name: it exits with status 1, saying nothing."""


class _Keygen:
    """One ssh-keygen run: its options, and the terminal lines it reads when a value was not given."""

    def __init__(self, ctx: Context, options: list[tuple[str, str | None]]):
        self.ctx = ctx
        self.flags = {letter for letter, _ in options}
        self.values = {letter: value for letter, value in options if value is not None}
        self.terminal = ctx.input if stdin_is_terminal(ctx) else None  # the learner answers (dialogue.py)
        self.answers = [] if self.terminal else ctx.stdin.splitlines()

    def answer(self, echo: bool = True) -> str | None:
        """The next line of input: typed at the terminal, or read from stdin; None at its end (Ctrl-D, or
        the end of a redirected stdin), where fgets returns NULL."""
        if self.terminal is not None:
            record = self.terminal.line(echo=echo)
            return None if record is None else record[0]
        if self.answers:
            return self.answers.pop(0)
        return None

    def passphrase(self) -> str | None:
        """private_key_passphrase: asked twice, not echoed (readpassphrase prints the newline). At the
        terminal a mismatch asks again; from stdin it ends the run (None)."""
        while True:
            self.ctx.err("Enter passphrase (empty for no passphrase): ")
            first = self.answer(echo=False) or ""  # read_passphrase (readpass.c): "" at the end of input
            self.ctx.err("\nEnter same passphrase again: ")
            second = self.answer(echo=False) or ""
            self.ctx.err("\n")
            if first == second:
                return first
            self.ctx.out("Passphrases do not match.  Try again.\n")
            if self.terminal is None:
                return None

    def identity_file(self, prompt: str, kind: str) -> str:
        if "f" in self.values:
            return self.values["f"]
        default = f"{_home(self.ctx)}/.ssh/{DEFAULT_FILES.get(kind, 'id_ed25519')}"
        self.ctx.out(f"{prompt} ({default}): ")
        answer = self.answer()
        if answer is None:  # ask_filename (ssh-keygen.c): fgets met the end of input, exit(1)
            raise _NoFileName
        return answer or default


def _fatal(ctx: Context, message: str, status: int = 255) -> int:
    ctx.err(message + "\r\n")  # log.c ends each line written to stderr with CR LF
    return status


def _digest(keygen: _Keygen) -> str | None:
    name = keygen.values.get("E", "sha256").lower()
    return {"sha256": "SHA256", "md5": "MD5"}.get(name)


def _fingerprint_text(blob: bytes, digest: str) -> str:
    return fingerprint(blob) if digest == "SHA256" else md5_fingerprint(blob)


def _print_fingerprint(ctx: Context, keygen: _Keygen) -> int:
    """do_fingerprint (openssh-portable 9.6): a missing FILE is fatal; otherwise the key (or FILE.pub's,
    with its comment) is printed, and a file holding no key is "not a public key file"."""
    fs = ctx.machine.fs
    digest = _digest(keygen)
    if digest is None:
        return _fatal(ctx, f'Invalid hash algorithm "{keygen.values["E"]}"')
    path = keygen.identity_file("Enter file in which the key is", "")
    try:
        fs.stat(path, ctx.cwd, ctx.uid)
    except FsError as e:
        return _fatal(ctx, f"ssh-keygen: {path}: {e.message}")
    candidates = [path] if path.endswith(".pub") else [path, path + ".pub"]
    for candidate in candidates:
        try:
            parsed = parse_key(fs.read(candidate, ctx.cwd, ctx.uid))
        except FsError:
            continue
        if parsed:
            blob, comment, name = parsed
            if not comment and candidate != candidates[-1]:
                continue
            line = _fingerprint_text(blob, digest)
            ctx.out(f"{key_bits(blob)} {line} {comment or 'no comment'} ({KEY_LABELS[name]})\n")
            if "v" in keygen.flags:
                ctx.out(randomart(blob, digest) + "\n")
            return 0
    return _fatal(ctx, f"{path} is not a public key file.")


def _print_public(ctx: Context, keygen: _Keygen) -> int:
    """do_print_public: the public key of a private key file, with the comment kept inside it."""
    fs = ctx.machine.fs
    path = keygen.identity_file("Enter file in which the key is", "")
    try:
        fs.stat(path, ctx.cwd, ctx.uid)
        text = fs.read(path, ctx.cwd, ctx.uid)
    except FsError as e:
        if e.errno == "EACCES":
            return _fatal(ctx, f'Load key "{path}": Permission denied')
        return _fatal(ctx, f"{path}: {e.message}")
    node = fs.stat(path, ctx.cwd, ctx.uid)
    if node.uid == ctx.uid and node.mode & 0o077:  # sshkey_perm_ok(): only the owner's own file is judged
        ctx.err(
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
            "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @\r\n"
            "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
            f"Permissions {node.mode & 0o7777:04o} for '{path}' are too open.\r\n"
            "It is required that your private key files are NOT accessible by others.\r\n"
            "This private key will be ignored.\r\n"
        )
        return _fatal(ctx, f'Load key "{path}": bad permissions')
    parsed = parse_key(text) if "PRIVATE KEY" in text else None
    if parsed is None:  # not an OpenSSH key, so OpenSSL's PEM reader had the last word
        return _fatal(ctx, f'Load key "{path}": error in libcrypto')
    blob, _, name = parsed
    comment = private_comment(text)
    ctx.out(f"{name} {base64.b64encode(blob).decode()}" + (f" {comment}" if comment else "") + "\n")
    return 0


def _generate(ctx: Context, keygen: _Keygen) -> int:
    """The default action: generate a key pair, save it (private 0600, .pub 0644), show its fingerprint
    and randomart (main() in ssh-keygen.c 9.6, whose default type is ed25519)."""
    machine = ctx.machine
    fs = machine.fs
    typed = keygen.values.get("t", "ed25519")
    kind = KEY_TYPES.get(typed.lower() if typed.lower() in ("rsa", "ecdsa", "ed25519") else typed)
    if kind is None:
        return _fatal(ctx, f"unknown key type {typed}")
    bits = {"rsa": 3072, "ecdsa": 256, "ed25519": 256}[kind]
    if "b" in keygen.values:
        text = keygen.values["b"]
        if not text.isdigit() or not 0 < int(text) < 2**32:
            reason = (
                "invalid" if not text.lstrip("-").isdigit() else "too small" if int(text) < 1 else "too large"
            )
            return _fatal(ctx, f"Bits has bad value {text} ({reason})")
        bits = int(text) if kind != "ed25519" else 256
    if kind == "rsa" and not 1024 <= bits <= 16384:
        limit = "minimum is 1024" if bits < 1024 else "maximum is 16384"
        return _fatal(ctx, f"Invalid RSA key length: {limit} bits")
    if kind == "ecdsa" and bits not in (256, 384, 521):
        return _fatal(ctx, "Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits")
    quiet = "q" in keygen.flags
    if not quiet:
        ctx.out(f"Generating public/private {typed} key pair.\n")
    path = keygen.identity_file("Enter file in which to save the key", kind)
    dotssh = f"{_home(ctx)}/.ssh"
    if posixpath.dirname(path) == dotssh and not fs.exists(dotssh):
        try:
            fs.mkdir(dotssh, mode=0o700, uid=ctx.uid)
            if not quiet:
                ctx.err(f"Created directory '{dotssh}'.\r\n")
        except FsError as e:
            ctx.err(f"Could not create directory '{dotssh}' ({e.message}).\r\n")
    if fs.exists(path, ctx.cwd, ctx.uid):
        ctx.out(f"{path} already exists.\nOverwrite (y/n)? ")
        if not (keygen.answer() or "").startswith(("y", "Y")):  # confirm_overwrite: no at the end of input
            return 1
    if "N" not in keygen.values and "N" not in keygen.flags and keygen.passphrase() is None:
        return 1
    comment = keygen.values.get("C", f"{ctx.user}@{machine.hostname}")
    private, public = ssh_keypair(machine.rng(), kind, comment, bits)
    try:
        fs.write(path, private, ctx.cwd, ctx.uid, mode=0o600)
        fs.chmod(path, 0o600, ctx.cwd, ctx.uid)
    except FsError as e:
        return _fatal(ctx, f'Saving key "{path}" failed: {e.message}', 1)
    if not quiet:
        ctx.out(f"Your identification has been saved in {path}\n")
    try:
        fs.write(path + ".pub", public, ctx.cwd, ctx.uid, mode=0o644)
    except FsError as e:
        return _fatal(ctx, f"Unable to save public key to {path}.pub: {e.message}")
    if not quiet:
        blob = parse_key(public)[0]
        digest = _digest(keygen) or "SHA256"
        ctx.out(
            f"Your public key has been saved in {path}.pub\n"
            f"The key fingerprint is:\n{_fingerprint_text(blob, digest)} {comment}\n"
            f"The key's randomart image is:\n{randomart(blob, digest)}\n"
        )
    return 0


@command(
    "ssh-keygen",
    man="""
ssh-keygen - OpenSSH authentication key utility (OpenSSH 9.6)

  ssh-keygen [-t ed25519|rsa|ecdsa] [-b bits] [-f FILE] [-N passphrase] [-C comment] [-q]
                          generate a key pair: FILE (private, 0600) and FILE.pub (default ~/.ssh/id_ed25519)
  ssh-keygen -A           generate every missing (or empty) host key type: RSA, ECDSA, ED25519,
                          in /etc/ssh/ssh_host_<type>_key (+ .pub); existing keys are kept (root only)
  ssh-keygen -l -f FILE   show the key's size, fingerprint, comment and type (-E md5 for the old MD5 form,
                          -v adds the randomart picture)
  ssh-keygen -y -f FILE   print the public key of a private key file
  ssh-keygen -R HOST      remove HOST's entries from ~/.ssh/known_hosts (-f to name another file)

A clone keeps its template's host keys: delete /etc/ssh/ssh_host_* and run ssh-keygen -A.
""",
)
def ssh_keygen(ctx: Context, argv: list[str]) -> int:
    try:
        return _keygen(ctx, argv)
    except _NoFileName:
        return 1


def _keygen(ctx: Context, argv: list[str]) -> int:
    parsed = _bsd_getopt(argv[1:], KEYGEN_OPTIONS)
    if isinstance(parsed, str):
        ctx.err(f"{parsed}\n" + KEYGEN_USAGE)
        return 1
    options, operands = parsed
    keygen = _Keygen(ctx, options)
    if operands:
        ctx.err("Too many arguments.\r\n" + KEYGEN_USAGE)
        return 1
    if "l" in keygen.flags and "R" in keygen.flags:
        ctx.err("Cannot use -l with -H or -R.\r\n" + KEYGEN_USAGE)
        return 1
    if "R" in keygen.flags:
        return _forget_host(ctx, keygen.values["R"], keygen.values.get("f", ""))
    if "l" in keygen.flags:
        return _print_fingerprint(ctx, keygen)
    if "y" in keygen.flags:
        return _print_public(ctx, keygen)
    if "A" in keygen.flags:
        return _generate_host_keys(ctx)
    return _generate(ctx, keygen)
