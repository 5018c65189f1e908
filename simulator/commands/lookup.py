"""Looking things up on the system: getent (glibc 2.39), whereis (util-linux 2.39.3) and lsb_release (Ubuntu
24.04's lsb-release 12.0), each read from the machine's own files.

getent reads the "files" sources nsswitch.conf names on Ubuntu: /etc/passwd, /etc/group, /etc/shadow and
/etc/hosts; a key it cannot find makes it exit 2 (nss/getent.c).
"""

from __future__ import annotations

import ipaddress

from simulator import layout
from simulator.commands import COMMANDS, MAN_PAGES, Context, command
from simulator.commands.options import Options, gnu
from simulator.filesystem import FsError

GETENT_USAGE = "Try `getent --help' or `getent --usage' for more information.\n"
TABLES = {"passwd": "/etc/passwd", "group": "/etc/group", "shadow": "/etc/shadow", "gshadow": "/etc/gshadow"}
HOST_DATABASES = ("hosts", "ahosts", "ahostsv4", "ahostsv6")


@command(
    "getent",
    man="""
NAME
       getent - get entries from Name Service Switch libraries

SYNOPSIS
       getent [OPTION]... DATABASE [KEY]...

DESCRIPTION
       Display the entries of DATABASE that match each KEY, or all of them without KEY.
       Databases: passwd, group, shadow (root), hosts, ahosts, ahostsv4, ahostsv6.
       A passwd or group KEY is a name or a numeric id; a hosts KEY a name or an address.
       Example: getent passwd learner; getent group sudo; getent hosts localhost
       Exit status: 0 found, 1 wrong arguments or unknown database, 2 a KEY was not found,
       3 the database cannot be listed.
""",
)
@gnu("s:i", {"service=": "s", "no-idn": "i"})
def getent(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        ctx.err("getent: wrong number of arguments\n" + GETENT_USAGE)
        return 1
    database, keys = operands[0], operands[1:]
    if database in TABLES:
        return _table(ctx, TABLES[database], keys, numeric=database in ("passwd", "group"))
    if database in HOST_DATABASES:
        return _hosts(ctx, database, keys)
    ctx.err(f"Unknown database: {database}\n" + GETENT_USAGE)
    return 1


def _table(ctx: Context, path: str, keys: list[str], numeric: bool) -> int:
    try:
        text = ctx.machine.fs.read(path, uid=ctx.uid)
    except FsError:
        return 2 if keys else 0
    entries = [line for line in text.splitlines() if line and not line.startswith("#") and ":" in line]
    if not keys:
        ctx.out("".join(line + "\n" for line in entries))
        return 0
    status = 0
    for key in keys:
        found = next((line for line in entries if line.split(":")[0] == key), None)
        if found is None and numeric and key.isascii() and key.isdigit():
            found = next((line for line in entries if line.split(":")[2:3] == [str(int(key))]), None)
        if found is None:
            status = 2
        else:
            ctx.out(found + "\n")
    return status


def _host_entries(ctx: Context) -> list[tuple[str, list[str]]]:
    """(address, [name, aliases...]) for each line of /etc/hosts, comments removed."""
    try:
        text = ctx.machine.fs.read("/etc/hosts", uid=ctx.uid)
    except FsError:
        return []
    entries = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and _family(words[0]):
            entries.append((words[0], words[1:]))
    return entries


def _family(address: str) -> int:
    try:
        return ipaddress.ip_address(address).version
    except ValueError:
        return 0


def _hosts(ctx: Context, database: str, keys: list[str]) -> int:
    entries = _host_entries(ctx)
    if not keys:
        if database != "hosts":
            ctx.err(f"Enumeration not supported on {database}\n")
            return 3
        ctx.out("".join(_host_line(address, names) for address, names in entries))
        return 0
    status = 0
    for key in keys:
        if database == "hosts":
            found = _lookup_host(entries, key)
            if found is None:
                status = 2
            else:
                ctx.out(_host_line(*found))
            continue
        wanted = {"ahosts": (4, 6), "ahostsv4": (4,), "ahostsv6": (6,)}[database]
        matches = [(a, n) for a, n in entries if (key in n or a == key) and _family(a) in wanted]
        if _family(key) in wanted and not matches:
            matches = [(key, [key])]
        if not matches:
            status = 2
            continue
        addresses = list(dict.fromkeys(address for address, _ in matches))
        canonical = key if _family(key) else matches[0][1][0]  # AI_CANONNAME: the line's first name
        for index, address in enumerate(addresses):
            name = canonical if index == 0 else ""
            ctx.out(f"{address:<15} STREAM {name}\n{address:<15} DGRAM  \n{address:<15} RAW    \n")
    return status


def _lookup_host(entries: list[tuple[str, list[str]]], key: str) -> tuple[str, list[str]] | None:
    """gethostbyname2 for AF_INET6 and then AF_INET, or gethostbyaddr for an address: the first line."""
    if _family(key):
        wanted = ipaddress.ip_address(key)
        return next(((a, n) for a, n in entries if ipaddress.ip_address(a) == wanted), None)
    for family in (6, 4):
        found = next(((a, n) for a, n in entries if key in n and _family(a) == family), None)
        if found:
            return found
    return None


def _host_line(address: str, names: list[str]) -> str:
    return f"{address:<15} {' '.join(names)}\n"


WHEREIS_BINARY_DIRS = ("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/games")


@command(
    "whereis",
    man="""
NAME
       whereis - locate the binary, source, and manual page files for a command

SYNOPSIS
       whereis [options] name...

DESCRIPTION
       For each name, list the programs and manual pages found in the standard places.
       -b     search only for binaries     -m   search only for manuals
       -s     search only for sources
       Example: whereis ls  ->  ls: /usr/bin/ls /usr/share/man/man1/ls.1.gz
""",
)
def whereis(ctx: Context, argv: list[str]) -> int:
    if "-h" in argv[1:] or "--help" in argv[1:]:  # the man page, as every tool's --help here (options.gnu)
        ctx.out(MAN_PAGES["whereis"])
        return 0
    kinds = set()
    names = []
    for arg in argv[1:]:
        if arg.startswith("-") and len(arg) > 1:
            for letter in arg[1:]:
                if letter not in "bmsulBMSf":
                    ctx.err(
                        f"whereis: invalid option -- '{letter}'\nTry 'whereis --help' for more information.\n"
                    )
                    return 1
                kinds.add(letter)
            continue
        names.append(arg)
    if not names:
        ctx.err("whereis: not enough arguments\nTry 'whereis --help' for more information.\n")
        return 1
    wanted = kinds & set("bms") or set("bms")
    for name in names:
        base = name.rsplit("/", 1)[-1]
        found = []
        if "b" in wanted:
            found += [f"{d}/{base}" for d in WHEREIS_BINARY_DIRS if ctx.machine.fs.is_file(f"{d}/{base}")]
        installed = any(ctx.machine.fs.is_file(f"{d}/{base}") for d in ("/usr/bin", "/usr/sbin"))
        if "m" in wanted and base in MAN_PAGES and base in COMMANDS and installed:
            section = 8 if ctx.machine.fs.is_file(f"/usr/sbin/{base}") else 1
            found.append(f"/usr/share/man/man{section}/{base}.{section}.gz")
        ctx.out(f"{base}:" + "".join(" " + path for path in found) + "\n")
    return 0


LSB_FIELDS = (
    ("i", "Distributor ID", "Ubuntu"),
    ("d", "Description", layout.OS_PRETTY),
    ("r", "Release", "24.04"),
    ("c", "Codename", "noble"),
)


@command(
    "lsb_release",
    man="""
NAME
       lsb_release - print distribution-specific information

SYNOPSIS
       lsb_release [options]

DESCRIPTION
       -i     the distributor ID         -d   the description
       -r     the release number         -c   the codename
       -a     all of the above (and the LSB modules, of which Ubuntu has none)
       -s     short output: values only, without the field names
       Example: lsb_release -cs  ->  noble
""",
)
@gnu(
    "vidrcas",
    {
        "version": "v",
        "id": "i",
        "description": "d",
        "release": "r",
        "codename": "c",
        "all": "a",
        "short": "s",
    },
)
def lsb_release(ctx: Context, opts: Options, operands: list[str]) -> int:
    if operands:
        ctx.err("Usage: lsb_release [options]\n\nlsb_release: error: No arguments are permitted\n")
        return 2
    every = "a" in opts
    chosen = [(label, value) for letter, label, value in LSB_FIELDS if every or letter in opts]
    if every or "v" in opts or not chosen:  # -v, the default, lists the LSB modules: Ubuntu has none
        ctx.err("No LSB modules are available.\n")
    if "s" in opts:
        ctx.out("".join(f"{value}\n" for _, value in chosen))
    else:
        ctx.out("".join(f"{label}:\t{value}\n" for label, value in chosen))
    return 0
