"""Package tools over the package model: dpkg and dpkg-query (dpkg 1.22.6), apt, apt-get and apt-cache
(apt 2.7.14), and debconf's dpkg-reconfigure (1.5.86), as Ubuntu 24.04 has them.

Formats follow the sources: dpkg's src/query/main.c (list_format_*, searchfiles, print_status, list_files),
src/main/select.c (getselections); apt's apt-private/private-install.cc, private-output.cc (YnPrompt),
private-main.cc (the "stable CLI" warning) and apt-pkg/contrib/strutl.cc (SizeToStr). The archive is part
of the simulated world: apt reaches Ubuntu's mirrors without a network, and nothing changes upstream, so
`apt update` finds every index current ("Hit:").
"""

from __future__ import annotations

import hashlib
import re

from simulator import packages
from simulator.archive import ARCHIVE, MIRROR, SECURITY, Package
from simulator.commands import MAN_PAGES, Context, command
from simulator.filesystem import FsError
from simulator.patterns import Glob, PatternTooCostly, Regex, line_budget

DPKG_ACTION_HELP = (
    "\nType dpkg --help for help about installing and deinstalling packages [*];\n"
    "Use 'apt' or 'aptitude' for user-friendly package management;\n"
    "Type dpkg -Dhelp for a list of dpkg debug flag values;\n"
    "Type dpkg --force-help for a list of forcing options;\n"
    "Type dpkg-deb --help for help about manipulating *.deb files;\n\n"
    "Options marked [*] produce a lot of output - pipe it through 'less' or 'more' !\n"
)
QUERY_HELP = "\nUse --help for help about querying packages.\n"
STATUS_WORDS = {
    "ii": "install ok installed",
    "rc": "deinstall ok config-files",
    "pn": "purge ok not-installed",
}
LOCK_FRONTEND = (
    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
    "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n"
)
LOCK_LISTS = (
    "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\n"
    "E: Unable to lock directory /var/lib/apt/lists/\n"
    "W: Problem unlinking the file /var/cache/apt/pkgcache.bin - RemoveCaches (13: Permission denied)\n"
    "W: Problem unlinking the file /var/cache/apt/srcpkgcache.bin - RemoveCaches (13: Permission denied)\n"
)
SOURCES_FILE = "/etc/apt/sources.list.d/ubuntu.sources"


def _sources(ctx: Context) -> list[tuple[str, str]]:
    """(URI, suite) of each index in the deb822 sources file (sources.list(5)), in its order."""
    try:
        text = ctx.machine.fs.read(SOURCES_FILE, uid=ctx.uid)
    except FsError:
        return []
    found = []
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            key, colon, value = line.partition(":")
            if colon and not line.startswith(("#", " ")):
                fields[key.strip().lower()] = value.split()
        if "deb" not in fields.get("types", []) or fields.get("enabled", ["yes"])[0] == "no":
            continue
        found += [
            (uri.rstrip("/"), suite) for uri in fields.get("uris", []) for suite in fields.get("suites", [])
        ]
    return found[:64]


def _tty(ctx: Context) -> bool:
    return bool(getattr(ctx, "tty", False))


def _matcher(ctx: Context, pattern: str):
    """dpkg's package patterns: fnmatch(3) globs (a backslash quotes), the architecture after ':' dropped."""
    name = pattern.split(":", 1)[0]
    chars, i = [], 0
    while i < len(name):
        if name[i] == "\\" and i + 1 < len(name):
            chars.append((name[i + 1], False))
            i += 2
            continue
        chars.append((name[i], True))
        i += 1
    glob = Glob(chars, line_budget(ctx))

    def matches(candidate: str) -> bool:
        try:
            return glob.fullmatch(candidate)
        except PatternTooCostly:
            return False

    return matches


def size_text(size: float) -> str:
    """apt's SizeToStr: four significant digits with an SI prefix ("1041 k", "13.9 M", "512 ")."""
    value, index = abs(size), 0
    for prefix in ("", "k", "M", "G", "T"):
        if value < 100 and index:
            return f"{value:.1f} {prefix}"
        if value < 10000:
            return f"{value:.0f} {prefix}"
        value /= 1000
        index += 1
    return ""


# ---------------------------------------------------------------- dpkg-query


def _list(ctx: Context, patterns: list[str]) -> int:
    """dpkg -l: the header and one line per package, columns as wide as their widest entry."""
    states = packages.status(ctx.machine)
    misses = 0
    if patterns:
        chosen, found = {}, []
        for pattern in patterns:
            match = _matcher(ctx, pattern)
            hits = [name for name in states if match(name)]
            found.append(bool(hits))
            chosen.update({name: states[name] for name in hits})
        rows = [(name, chosen[name]) for name in sorted(chosen)]
    else:
        rows = [(name, state) for name, state in states.items() if state != "pn"]
        found = []
    if rows:
        entries = [_list_entry(name, state) for name, state in rows]
        widths = [max([minimum] + [len(e[i]) for e in entries]) for i, minimum in ((1, 14), (2, 12), (3, 12))]
        desc = max([33] + [len(e[4]) for e in entries])
        out = [
            "Desired=Unknown/Install/Remove/Purge/Hold\n"
            "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n"
            "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n",
            _list_line(("||/", "Name", "Version", "Architecture", "Description"), widths),
            "+++-" + "-".join("=" * w for w in (*widths, desc)) + "\n",
        ]
        for entry in entries:
            ctx.tick()
            out.append(_list_line(entry, widths))
        ctx.out("".join(out))
    for pattern, hit in zip(patterns, found, strict=True):
        if not hit:
            ctx.err(f"dpkg-query: no packages found matching {pattern}\n")
            misses += 1
    return 1 if misses else 0


def _list_entry(name: str, state: str) -> tuple[str, str, str, str, str]:
    package = ARCHIVE[name]
    if state == "pn":
        return ("pn ", package.full_name, "<none>", "<none>", "(no description available)")
    return (state + " ", package.full_name, package.version, package.arch, package.summary)


def _list_line(entry, widths) -> str:
    flags, name, version, arch, desc = entry
    return f"{flags} {name:<{widths[0]}} {version:<{widths[1]}} {arch:<{widths[2]}} {desc}\n"


def _known(ctx: Context, name: str) -> tuple[Package | None, str]:
    """The package a dpkg argument names (an :amd64 or :all suffix is allowed) and its state ("" unknown)."""
    base, _, arch = name.partition(":")
    package = ARCHIVE.get(base)
    if package is None or (arch and arch != package.arch):
        return None, ""
    return package, packages.status(ctx.machine).get(base, "")


def _files(ctx: Context, names: list[str]) -> int:
    """dpkg -L: every path the package put on the system, in the order of its file list."""
    if not names:
        ctx.err("dpkg-query: error: --listfiles needs at least one package name argument\n" + QUERY_HELP)
        return 2
    misses = 0
    for i, name in enumerate(names):
        package, state = _known(ctx, name)
        if state not in ("ii", "rc"):
            ctx.err(f"dpkg-query: package '{name.split(':')[0]}' is not installed\n")
            misses += 1
        else:
            listing = package.listing() if state == "ii" else _conffile_listing(package)
            ctx.tick(len(listing))
            ctx.out("".join(path + "\n" for path in listing))
        if i < len(names) - 1:
            ctx.out("\n")
    if misses:
        ctx.err("Use dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n")
    return 1 if misses else 0


def _conffile_listing(package: Package) -> list[str]:
    """What dpkg still lists of a removed package: its conffiles and their directories."""
    entries = set()
    for path, _ in package.conffiles:
        while path:
            entries.add(path)
            path = path.rpartition("/")[0]
    return ["/.", *sorted(entries)]


def _search(ctx: Context, args: list[str]) -> int:
    """dpkg -S: which installed package owns a path; a bare word becomes the pattern *word*."""
    if not args:
        ctx.err("dpkg-query: error: --search needs at least one file name pattern argument\n" + QUERY_HELP)
        return 2
    owned: dict[str, list[str]] = {}
    for name in packages.installed(ctx.machine):
        if name in ARCHIVE:
            for path in ARCHIVE[name].listing()[1:]:
                owned.setdefault(path, []).append(ARCHIVE[name].full_name)
    misses = 0
    for arg in args:
        pattern = arg if arg[:1] in "*[?/" else f"*{arg}*"
        if not any(c in pattern for c in "*[?\\"):
            path = pattern.rstrip("/") or "/"
            while path.endswith("/.") and len(path) > 2:
                path = path[:-2]
            hits = [path] if path in owned else []
        else:
            match = _matcher(ctx, pattern)
            hits = []
            for path in owned:
                ctx.tick()
                if match(path):
                    hits.append(path)
        if not hits:
            ctx.err(f"dpkg-query: no path found matching pattern {pattern}\n")
            misses += 1
        for path in hits:
            ctx.out(f"{', '.join(sorted(owned[path]))}: {path}\n")
    return 1 if misses else 0


def control_stanza(package: Package, state: str, conffiles: dict[str, str] | None = None) -> str:
    """The package's entry in /var/lib/dpkg/status, as `dpkg -s` prints it."""
    if state == "pn":
        return (
            f"Package: {package.name}\nStatus: {STATUS_WORDS[state]}\nPriority: {package.priority}\n"
            f"Section: {package.section}\nArchitecture: {package.arch}\n"
        )
    fields = [("Package", package.name)]
    if package.essential:
        fields.append(("Essential", "yes"))
    fields += [
        ("Status", STATUS_WORDS[state]),
        ("Priority", package.priority),
        ("Section", package.section),
        ("Installed-Size", str(package.size)),
        ("Maintainer", package.maintainer),
        ("Architecture", package.arch),
    ]
    if package.multi_arch:
        fields.append(("Multi-Arch", package.multi_arch))
    if package.source:
        fields.append(("Source", package.source))
    fields.append(("Version", package.version))
    if package.depends:
        fields.append(("Depends", package.depends))
    if package.conffiles:
        lines = "".join(
            f"\n {path} {hashlib.md5(content.encode()).hexdigest()}" for path, content in package.conffiles
        )
        fields.append(("Conffiles", lines))
    fields.append(("Description", f"{package.summary}\n{package.description}"))
    if package.homepage:
        fields.append(("Homepage", package.homepage))
    if package.original:
        fields.append(("Original-Maintainer", package.original))
    return "".join(f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}\n" for key, value in fields)


def _status(ctx: Context, names: list[str]) -> int:
    """dpkg -s: the status entry of each package (every installed one without arguments)."""
    states = packages.status(ctx.machine)
    if not names:
        ctx.out("\n".join(control_stanza(ARCHIVE[n], s) for n, s in states.items() if s != "pn"))
        return 0
    misses = 0
    for i, name in enumerate(names):
        package, state = _known(ctx, name)
        if not state:
            base = name.split(":")[0]
            ctx.err(f"dpkg-query: package '{base}' is not installed and no information is available\n")
            misses += 1
        else:
            ctx.out(control_stanza(package, state))
        if i < len(names) - 1:
            ctx.out("\n")
    if misses:
        ctx.err("Use dpkg --info (= dpkg-deb --info) to examine archive files.\n")
    return 1 if misses else 0


def _field(package: Package, state: str, name: str) -> str:
    """One ${Field} of dpkg-query's --showformat (lib/dpkg/pkg-format.c); unknown fields are empty."""
    installed = state != "pn"
    values = {
        "package": package.name,
        "binary:package": package.full_name,
        "version": package.version if installed else "",
        "architecture": package.arch,
        "status": STATUS_WORDS.get(state, ""),
        "db:status-abbrev": f"{state} ",
        "db:status-want": {"ii": "install", "rc": "deinstall", "pn": "purge"}[state],
        "db:status-status": {"ii": "installed", "rc": "config-files", "pn": "not-installed"}[state],
        "db:status-eflag": "ok",
        "installed-size": str(package.size) if installed else "",
        "maintainer": package.maintainer if installed else "",
        "section": package.section,
        "priority": package.priority,
        "essential": "yes" if package.essential else "",
        "source": package.source,
        "depends": package.depends if installed else "",
        "homepage": package.homepage if installed else "",
        "description": f"{package.summary}\n{package.description}" if installed else "",
        "binary:summary": package.summary if installed else "",
        "multi-arch": package.multi_arch,
    }
    return values.get(name.lower(), "")


class FormatError(Exception):
    """A --showformat dpkg-query rejects (lib/dpkg/pkg-format.c), with its message."""


def _check_format(template: str) -> None:
    i = template.find("${")
    while i >= 0:
        end = template.find("}", i)
        if end < 0:
            raise FormatError("missing closing brace")
        _, semicolon, width = template[i + 2 : end].partition(";")
        digits = width[1:] if width.startswith("-") else width
        bad = next((c for c in digits if not c.isdigit()), None)
        if semicolon and bad is not None:
            raise FormatError(f"invalid character '{bad}' in field width")
        i = template.find("${", end)


def _format(template: str, package: Package, state: str) -> str:
    """Expand --showformat: ${Field} and ${Field;width} (negative: left-aligned), \\n \\t \\\\ escapes."""
    out, i = [], 0
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(template[i + 1], template[i + 1]))
            i += 2
        elif template.startswith("${", i) and "}" in template[i:]:
            end = template.index("}", i)
            name, _, width = template[i + 2 : end].partition(";")
            value = _field(package, state, name)
            if width.lstrip("-").isdigit():
                size = min(int(width.lstrip("-")), 1000)
                value = value.ljust(size) if width.startswith("-") else value.rjust(size)
            out.append(value)
            i = end + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _show(ctx: Context, template: str, patterns: list[str]) -> int:
    """dpkg-query -W: one formatted line per package (without patterns, every one dpkg knows)."""
    try:
        _check_format(template)
    except FormatError as error:
        ctx.err(f"dpkg-query: error in show format: {error}\n")
        return 1
    states = packages.status(ctx.machine)
    chosen, misses = {}, []
    for pattern in patterns:
        match = _matcher(ctx, pattern)
        hits = [name for name in states if match(name)]
        if not hits:
            misses.append(pattern)
        chosen.update({name: states[name] for name in hits})
    if not patterns:
        chosen = {name: state for name, state in states.items() if state != "pn"}
    for name in sorted(chosen):
        ctx.tick()
        ctx.out(_format(template, ARCHIVE[name], chosen[name]))
    for pattern in misses:
        ctx.err(f"dpkg-query: no packages found matching {pattern}\n")
    return 1 if misses else 0


def _selections(ctx: Context, patterns: list[str], program: str) -> int:
    """--get-selections: the name, tabs to column 48, and the wanted state (src/main/select.c)."""
    states = packages.status(ctx.machine)
    want = {"ii": "install", "rc": "deinstall", "pn": "purge"}
    if patterns:
        for pattern in patterns:
            match = _matcher(ctx, pattern)
            hits = [name for name in states if match(name)]
            if not hits:
                ctx.err(f"{program}: no packages found matching {pattern}\n")
            for name in hits:
                ctx.out(_selection_line(ARCHIVE[name].full_name, want[states[name]]))
        return 0
    for name, state in states.items():
        if state != "pn":
            ctx.out(_selection_line(ARCHIVE[name].full_name, want[state]))
    return 0


def _selection_line(name: str, want: str) -> str:
    return name + "\t" * max(1, 6 - (len(name) >> 3)) + want + "\n"


QUERY_ACTIONS = {
    "-l": "list",
    "--list": "list",
    "-L": "listfiles",
    "--listfiles": "listfiles",
    "-S": "search",
    "--search": "search",
    "-s": "status",
    "--status": "status",
    "-W": "show",
    "--show": "show",
    "--get-selections": "get-selections",
}


def _query(ctx: Context, argv: list[str], program: str) -> int:
    args = argv[1:]
    action, template, operands, i = None, "${binary:Package}\t${Version}\n", [], 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands += args[i:]
            break
        if arg in ("-f", "--showformat") and program == "dpkg-query":
            if i >= len(args):
                ctx.err(
                    f"dpkg-query: error: {arg.lstrip('-')[:1] if arg == '-f' else 'showformat'} option "
                    "takes a value\n" + QUERY_HELP
                )
                return 2
            template, i = args[i], i + 1
        elif arg.startswith("--showformat=") and program == "dpkg-query":
            template = arg.split("=", 1)[1]
        elif arg.startswith("-f") and len(arg) > 2 and program == "dpkg-query":
            template = arg[3:] if arg[2] == "=" else arg[2:]  # dpkg's own parser skips "=" after a letter
        elif arg in ("--no-pager",):
            continue
        elif arg in QUERY_ACTIONS and (program == "dpkg-query" or arg not in ("-W", "--show")):
            action = QUERY_ACTIONS[arg]
        elif arg.startswith("-") and arg != "-":
            return _bad_option(ctx, program, arg)
        else:
            operands.append(arg)
    if action is None:
        return _usage(ctx, program, "need an action option")
    if action == "list":
        return _list(ctx, operands)
    if action == "listfiles":
        return _files(ctx, operands)
    if action == "search":
        return _search(ctx, operands)
    if action == "status":
        return _status(ctx, operands)
    if action == "show":
        return _show(ctx, template, operands)
    return _selections(ctx, operands, program)


def _usage(ctx: Context, program: str, message: str) -> int:
    ctx.err(f"{program}: error: {message}\n" + (DPKG_ACTION_HELP if program == "dpkg" else QUERY_HELP))
    return 2


def _bad_option(ctx: Context, program: str, arg: str) -> int:
    shown = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
    return _usage(ctx, program, f"unknown option {shown}")


@command(
    "dpkg-query",
    man="""
dpkg-query - tool to query the dpkg database

  dpkg-query -l [PATTERN...]        list packages (status, name, version, architecture, description)
  dpkg-query -W [-f FORMAT] [PATTERN...]   one line per package; FORMAT like '${Package} ${Version}\\n'
  dpkg-query -L PACKAGE             the files a package installed
  dpkg-query -S PATH|PATTERN        which package owns a file
  dpkg-query -s PACKAGE             a package's status entry
""",
)
def dpkg_query(ctx: Context, argv: list[str]) -> int:
    if _asks_for_help(ctx, argv):
        return 0
    return _query(ctx, argv, "dpkg-query")


def _asks_for_help(ctx: Context, argv: list[str]) -> bool:
    """dpkg's and dpkg-query's --help (and -?) action: the man page here, as every tool's --help."""
    if "--help" not in argv[1:] and "-?" not in argv[1:]:
        return False
    ctx.out(MAN_PAGES[argv[0].rsplit("/", 1)[-1]])
    return True


# ---------------------------------------------------------------- dpkg


@command(
    "dpkg",
    man="""
dpkg - package manager for Debian (the low-level tool under apt)

  dpkg -l [PATTERN]          list installed packages ("ii" = installed, "rc" = removed, config left)
  dpkg -L PACKAGE            files the package installed
  dpkg -S /usr/sbin/qemu-ga  which package owns this file
  dpkg -s PACKAGE            status, version, dependencies, description
  dpkg --get-selections      every package and whether it should be installed
  dpkg -r PACKAGE            remove (root)        dpkg -P PACKAGE   purge, configuration too (root)
""",
)
def dpkg(ctx: Context, argv: list[str]) -> int:
    if _asks_for_help(ctx, argv):
        return 0
    args = argv[1:]
    removal = next((a for a in args if a in ("-r", "--remove", "-P", "--purge")), None)
    if removal is None and any(a in ("-i", "--install", "--unpack", "--configure") for a in args):
        ctx.err(
            "dpkg: error: --install needs at least one package archive file argument\n" + DPKG_ACTION_HELP
        )
        return 2
    if removal is None:
        if "--version" in args:
            ctx.out(
                "Debian 'dpkg' package management program version 1.22.6 (amd64).\n"
                "This is free software; see the GNU General Public License version 2 or\n"
                "later for copying conditions. There is NO warranty.\n"
            )
            return 0
        return _query(ctx, argv, "dpkg")
    names = [a for a in args if not a.startswith("-")]
    if not names:
        return _usage(
            ctx,
            "dpkg",
            f"--{'purge' if removal in ('-P', '--purge') else 'remove'} needs at least "
            "one package name argument",
        )
    if not ctx.is_root:
        ctx.err("dpkg: error: requested operation requires superuser privilege\n")
        return 2
    return _dpkg_remove(ctx, names, purge=removal in ("-P", "--purge"))


def _dpkg_remove(ctx: Context, names: list[str], purge: bool) -> int:
    machine = ctx.machine
    failed = []
    announced = triggered = False
    for name in names:
        package, state = _known(ctx, name)
        if package is None or state == "pn" or (state == "rc" and not purge):
            ctx.err(f"dpkg: warning: ignoring request to remove {name} which isn't installed\n")
            continue
        users = [n for n in sorted(packages.installed(machine)) if package.name in ARCHIVE[n].depends_names]
        action = "purge" if purge else "remove"
        if state == "ii" and users:
            ctx.err(
                f"dpkg: dependency problems prevent removal of {package.full_name}:\n"
                + "".join(f" {u} depends on {package.name}.\n" for u in users)
                + f"\ndpkg: error processing package {package.full_name} (--{action}):\n"
                " dependency problems - not removing\n"
            )
            failed.append(package.full_name)
            continue
        if not announced:
            ctx.out(_reading_database(machine))
            announced = True
        if state == "ii":
            ctx.out(f"Removing {package.full_name} ({package.version}) ...\n")
            machine.remove_package(package.name, purge)
            triggered = True
        if purge:
            ctx.out(f"Purging configuration files for {package.full_name} ({package.version}) ...\n")
            packages.purge_config(machine, package.name)
    if triggered and packages.is_installed(machine, "man-db"):
        ctx.out(f"Processing triggers for man-db ({ARCHIVE['man-db'].version}) ...\n")
    if failed:
        ctx.err("Errors were encountered while processing:\n" + "".join(f" {n}\n" for n in failed))
        return 1
    return 0


def _reading_database(machine) -> str:
    count = packages.database_size(machine)
    return f"(Reading database ... {count} files and directories currently installed.)\n"


# ---------------------------------------------------------------- apt


def _reading(ctx: Context, state: bool = True) -> str:
    """The three lines apt prints while it loads its cache; "Done" only on a terminal."""
    done = " Done" if _tty(ctx) else ""
    lines = f"Reading package lists...{done}\n"
    if state:
        lines += f"Building dependency tree...{done}\nReading state information...{done}\n"
    return lines


def _wrapped(names: list[str]) -> str:
    """apt's ShowList: two-space indent, names wrapped before the 80th column."""
    lines, line = [], " "
    for name in names:
        if len(line) + 1 + len(name) >= 80:
            lines.append(line)
            line = " "
        line += " " + name
    lines.append(line)
    return "".join(entry + "\n" for entry in lines)


def _pocket(package: Package) -> str:
    return f"{package.pocket}/{package.component}"


def _mirror(package: Package) -> str:
    return SECURITY if package.pocket == "noble-security" else MIRROR


class Apt:
    """One apt, apt-get or apt-cache run: its name, options and the machine it works on."""

    def __init__(self, ctx: Context, program: str, yes: bool):
        self.ctx = ctx
        self.program = program
        self.yes = yes
        self.machine = ctx.machine

    def locate(self, names: list[str]) -> list[Package] | None:
        found = []
        for name in names:
            package = ARCHIVE.get(name.split(":")[0])
            if package is None:
                self.ctx.err(f"E: Unable to locate package {name}\n")
                return None
            found.append(package)
        return found

    def confirm(self, asked: bool) -> bool:
        """YnPrompt: without -y apt asks, and an empty or closed stdin (a web terminal) answers no."""
        if self.yes or not asked:
            return True
        self.ctx.out("Do you want to continue? [Y/n] ")
        stdin = self.ctx.stdin
        if not stdin:
            self.ctx.out("Abort.\n")
            return False
        answer = stdin.split("\n", 1)[0]
        if answer == "" or answer[:1] in "yY":
            return True
        self.ctx.out("Abort.\n")
        return False

    def install(self, names: list[str]) -> int:
        ctx, machine = self.ctx, self.machine
        if not ctx.is_root:
            ctx.err(LOCK_FRONTEND)
            return 100
        ctx.out(_reading(ctx))
        wanted = self.locate(names)
        if wanted is None:
            return 100
        new, order = [], []
        for package in wanted:
            if packages.is_installed(machine, package.name):
                ctx.out(f"{package.name} is already the newest version ({package.version}).\n")
                if machine.package_changes.get(package.name) == "auto":
                    machine.package_changes[package.name] = "ii"
                    ctx.out(f"{package.name} set to manually installed.\n")
                continue
            new.append(package.name)
            self._order(package.name, order)
        extras = sorted(n for n in order if n not in new)
        if extras:
            ctx.out("The following additional packages will be installed:\n" + _wrapped(extras))
        if order:
            ctx.out("The following NEW packages will be installed:\n" + _wrapped(sorted(order)))
        ctx.out(f"0 upgraded, {len(order)} newly installed, 0 to remove and 0 not upgraded.\n")
        if not order:
            return 0
        chosen = [ARCHIVE[n] for n in order]
        fetch = sum(p.deb_size for p in chosen)
        ctx.out(f"Need to get {size_text(fetch)}B of archives.\n")
        used = size_text(sum(p.size for p in chosen) * 1024)
        ctx.out(f"After this operation, {used}B of additional disk space will be used.\n")
        if not self.confirm(bool(extras)):
            return 1
        for index, package in enumerate(chosen, 1):
            ctx.out(
                f"Get:{index} {_mirror(package)} {_pocket(package)} amd64 {package.name} {package.arch} "
                f"{package.version} [{size_text(package.deb_size)}B]\n"
            )
        ctx.out(f"Fetched {size_text(fetch)}B in 0s ({size_text(fetch * 3)}B/s)\n")
        states = packages.status(machine)
        for index, package in enumerate(chosen):
            if states.get(package.name) != "rc":  # dpkg still knows a package whose conffiles stayed
                ctx.out(f"Selecting previously unselected package {package.full_name}.\n")
            if index == 0:
                ctx.out(_reading_database(machine))
            ctx.out(
                f"Preparing to unpack .../{package.filename} ...\n"
                f"Unpacking {package.full_name} ({package.version}) ...\n"
            )
        for package in chosen:
            ctx.out(f"Setting up {package.full_name} ({package.version}) ...\n")
            lines = machine.install_package(package.name, auto=package.name not in new)
            ctx.out("".join(line + "\n" for line in lines))
        if packages.is_installed(machine, "man-db"):
            ctx.out(f"Processing triggers for man-db ({ARCHIVE['man-db'].version}) ...\n")
        return 0

    def _order(self, name: str, order: list[str]) -> None:
        """Dependencies first (the first alternative of each), each once, skipping what is installed."""
        if name in order or name not in ARCHIVE or packages.is_installed(self.machine, name):
            return
        for dep in ARCHIVE[name].depends_names:
            self._order(dep, order)
        order.append(name)

    def remove(self, names: list[str], purge: bool) -> int:
        ctx, machine = self.ctx, self.machine
        if not ctx.is_root:
            ctx.err(LOCK_FRONTEND)
            return 100
        ctx.out(_reading(ctx))
        wanted = self.locate(names)
        if wanted is None:
            return 100
        doomed: list[str] = []
        for package in wanted:
            state = packages.status(machine).get(package.name, "")
            if state == "ii" or (purge and state == "rc"):
                self._dependents(package.name, doomed)
            else:
                ctx.out(f"Package '{package.name}' is not installed, so not removed\n")
        orphans = self._orphans(doomed)
        if orphans:
            command = ("sudo " if "SUDO_USER" in ctx.env else "") + f"{self.program} autoremove"
            ctx.out(
                "The following packages were automatically installed and are no longer required:\n"
                + _wrapped(orphans)
                + f"Use '{command}' to remove {'it' if len(orphans) == 1 else 'them'}.\n"
            )
        if doomed:
            listed = sorted(f"{n}*" if purge else n for n in doomed)
            ctx.out("The following packages will be REMOVED:\n" + _wrapped(listed))
        essential = sorted(n for n in doomed if ARCHIVE[n].essential)
        if essential:
            ctx.out(
                "WARNING: The following essential packages will be removed.\n"
                "This should NOT be done unless you know exactly what you are doing!\n" + _wrapped(essential)
            )
        ctx.out(f"0 upgraded, 0 newly installed, {len(doomed)} to remove and 0 not upgraded.\n")
        if not doomed:
            return 0
        installed_now = [n for n in doomed if packages.is_installed(machine, n)]
        freed = sum(ARCHIVE[n].size for n in installed_now) * 1024
        if freed:
            ctx.out(f"After this operation, {size_text(freed)}B disk space will be freed.\n")
        if essential:
            ctx.err(
                "E: Removing essential system-critical packages is not permitted. "
                "This might break the system.\n"
            )
            return 100
        if not self.confirm(True):
            return 1
        ctx.out(_reading_database(machine))
        for name in reversed(doomed):  # dependents first
            package = ARCHIVE[name]
            if name in installed_now:
                ctx.out(f"Removing {package.full_name} ({package.version}) ...\n")
                machine.remove_package(name, purge)
        if packages.is_installed(machine, "man-db"):
            ctx.out(f"Processing triggers for man-db ({ARCHIVE['man-db'].version}) ...\n")
        if purge:
            for name in doomed:
                package = ARCHIVE[name]
                ctx.out(f"Purging configuration files for {package.full_name} ({package.version}) ...\n")
                packages.purge_config(machine, name)
        return 0

    def _dependents(self, name: str, doomed: list[str]) -> None:
        """The package and, before it, every installed package that depends on it."""
        if name in doomed:
            return
        doomed.append(name)
        for other in sorted(packages.installed(self.machine)):
            if other in ARCHIVE and name in ARCHIVE[other].depends_names:
                self._dependents(other, doomed)

    def _orphans(self, doomed: list[str]) -> list[str]:
        """Automatically installed packages nothing installed would depend on any more."""
        left = packages.installed(self.machine) - set(doomed)
        needed = set()
        for name in left:
            if self.machine.package_changes.get(name) != "auto" and name in ARCHIVE:
                needed |= packages.closure(name)
        return sorted(
            n for n, s in self.machine.package_changes.items() if s == "auto" and n in left - needed
        )

    def update(self) -> int:
        ctx = self.ctx
        if not ctx.is_root:
            ctx.out(_reading(ctx, state=False))
            ctx.err(LOCK_LISTS)
            return 100
        failed = []
        for index, (uri, suite) in enumerate(_sources(ctx), 1):
            ctx.tick()
            host = uri.split("//", 1)[-1].split("/", 1)[0]
            if uri in (MIRROR, SECURITY):
                ctx.out(f"Hit:{index} {uri} {suite} InRelease\n")
            else:  # the lab's network reaches Ubuntu's mirrors and nothing else
                reason = f"Temporary failure resolving '{host}'"
                ctx.out(f"Err:{index} {uri} {suite} InRelease\n  {reason}\n")
                failed.append(f"W: Failed to fetch {uri}/dists/{suite}/InRelease  {reason}\n")
        ctx.out(_reading(ctx, state=self.program == "apt"))
        if self.program == "apt":
            ctx.out("All packages are up to date.\n")
        if failed:
            ctx.err(
                "".join(failed)
                + "W: Some index files failed to download. They have been ignored, or old ones "
                "used instead.\n"
            )
        return 0

    def upgrade(self) -> int:
        """Nothing in the archive is newer than what is installed: apt computes an empty upgrade."""
        if not self.ctx.is_root:
            self.ctx.err(LOCK_FRONTEND)
            return 100
        done = " Done" if _tty(self.ctx) else ""
        self.ctx.out(
            _reading(self.ctx) + f"Calculating upgrade...{done}\n"
            "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"
        )
        return 0

    def autoremove(self, purge: bool) -> int:
        orphans = self._orphans([])
        if not orphans:
            if not self.ctx.is_root:
                self.ctx.err(LOCK_FRONTEND)
                return 100
            self.ctx.out(
                _reading(self.ctx) + "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"
            )
            return 0
        return self.remove(orphans, purge)

    def listing(self, args: list[str]) -> int:
        """apt list [--installed] [PATTERN]: name/suites,now version arch [state]."""
        ctx, machine = self.ctx, self.machine
        only_installed = "--installed" in args
        patterns = [a for a in args if not a.startswith("-")]
        states = packages.status(machine)
        ctx.out("Listing..." + (" Done\n" if _tty(ctx) else "\n"))
        if "--upgradable" in args:  # the archive never moves on: nothing is newer than what is installed
            return 0
        matchers = [_matcher(ctx, p) for p in patterns]
        for name in sorted(ARCHIVE):
            ctx.tick()
            state = states.get(name, "")
            if only_installed and state != "ii":
                continue
            if matchers and not any(m(name) for m in matchers):
                continue
            package = ARCHIVE[name]
            mark = self._mark(name, state)
            suites = package.pocket + (",now" if state == "ii" else "")
            ctx.out(f"{package.full_name.split(':')[0]}/{suites} {package.version} {package.arch}{mark}\n")
        return 0

    def _mark(self, name: str, state: str) -> str:
        if state == "ii":
            auto = self.machine.package_changes.get(name) == "auto"
            return " [installed,automatic]" if auto else " [installed]"
        return " [residual-config]" if state == "rc" else ""

    def show(self, names: list[str], raw: bool) -> int:
        ctx = self.ctx
        found = False
        for name in names:
            package = ARCHIVE.get(name.split(":")[0])
            if package is None:
                ctx.err(f"N: Unable to locate package {name}\n")
                continue
            found = True
            ctx.out(self._record(package, raw) + "\n")
        if not found:
            ctx.err("E: No packages found\n")
            return 100
        return 0

    def _record(self, package: Package, raw: bool) -> str:
        """apt show (sizes in SI units) or apt-cache show (the Packages index entry)."""
        fields = [("Package", package.name)]
        if raw:
            fields += [("Architecture", package.arch), ("Version", package.version)]
        else:
            fields.append(("Version", package.version))
        fields += [("Priority", package.priority), ("Section", package.section)]
        if package.source and not raw:
            fields.append(("Source", package.source))
        fields += [("Origin", "Ubuntu"), ("Maintainer", package.maintainer)]
        if package.original:
            fields.append(("Original-Maintainer", package.original))
        fields.append(("Bugs", "https://bugs.launchpad.net/ubuntu/+filebug"))
        fields.append(("Installed-Size", str(package.size) if raw else f"{size_text(package.size * 1024)}B"))
        if package.depends:
            fields.append(("Depends", package.depends))
        if raw:
            source = package.source or package.name
            pool = source[:4] if source.startswith("lib") else source[0]
            version = package.version.split(":", 1)[-1]  # the pool's file names carry no epoch
            deb = f"{package.name}_{version}_{package.arch}.deb"
            fields.append(("Filename", f"pool/{package.component}/{pool}/{source}/{deb}"))
            fields.append(("Size", str(package.deb_size)))
            digest = hashlib.sha256(f"{package.name}_{package.version}".encode()).hexdigest()
            fields.append(("SHA256", digest))
        if package.homepage:
            fields.append(("Homepage", package.homepage))
        if not raw:
            fields.append(("Download-Size", f"{size_text(package.deb_size)}B"))
            if packages.is_installed(self.machine, package.name):
                auto = self.machine.package_changes.get(package.name) == "auto"
                fields.append(("APT-Manual-Installed", "no" if auto else "yes"))
            fields.append(("APT-Sources", f"{_mirror(package)} {_pocket(package)} amd64 Packages"))
        fields.append(("Description", f"{package.summary}\n{package.description}"))
        if raw:
            fields.append(("Description-md5", hashlib.md5(package.summary.encode()).hexdigest()))
        return "".join(f"{key}: {value}\n" for key, value in fields)

    def policy(self, names: list[str]) -> int:
        ctx = self.ctx
        if not names:
            ctx.out(
                "Package files:\n 100 /var/lib/dpkg/status\n     release a=now\n"
                + "".join(
                    f" {prio} {MIRROR} {suite}/main amd64 Packages\n"
                    f"     release v=24.04,o=Ubuntu,a={suite},n=noble,l=Ubuntu,c=main,b=amd64\n"
                    f"     origin archive.ubuntu.com\n"
                    for suite, prio in (("noble-backports", 100), ("noble-updates", 500), ("noble", 500))
                )
                + "Pinned packages:\n"
            )
            return 0
        for name in names:
            package = ARCHIVE.get(name.split(":")[0])
            if package is None:
                ctx.err(f"N: Unable to locate package {name}\n")
                continue
            installed = packages.is_installed(self.machine, package.name)
            ctx.out(
                f"{package.full_name}:\n  Installed: {package.version if installed else '(none)'}\n"
                f"  Candidate: {package.version}\n  Version table:\n"
                f" {'***' if installed else '   '} {package.version} 500\n"
                f"        500 {_mirror(package)} {_pocket(package)} amd64 Packages\n"
                + ("        100 /var/lib/dpkg/status\n" if installed else "")
            )
        return 0

    def search(self, patterns: list[str]) -> int:
        """apt search REGEX...: packages whose name or description matches every pattern (case ignored)."""
        ctx = self.ctx
        if not patterns:
            ctx.err("E: You must give at least one search pattern\n")
            return 100
        budget = line_budget(ctx)
        try:
            regexes = [Regex(p, ignore_case=True, budget=budget) for p in patterns]
        except re.error:
            ctx.err("E: Regex compilation error\n")
            return 100
        done = " Done" if _tty(ctx) else ""
        ctx.out(f"Sorting...{done}\nFull Text Search...{done}\n")
        states = packages.status(self.machine)
        for name in sorted(ARCHIVE):
            ctx.tick()
            package = ARCHIVE[name]
            text = f"{name}\n{package.summary}\n{package.description}"
            try:
                if not all(r.search(text) for r in regexes):
                    continue
            except PatternTooCostly:
                return 0
            mark = " [installed]" if states.get(name) == "ii" else ""
            ctx.out(
                f"{name}/{package.pocket} {package.version} {package.arch}{mark}\n  {package.summary}\n\n"
            )
        return 0


APT_USAGE = """apt 2.7.14 (amd64)
Usage: apt [options] command

apt is a commandline package manager and provides commands for
searching and managing as well as querying information about packages.
It provides the same functionality as the specialized APT tools,
like apt-get and apt-cache, but enables options more suitable for
interactive use by default.

Most used commands:
  list - list packages based on package names
  search - search in package descriptions
  show - show package details
  install - install packages
  reinstall - reinstall packages
  remove - remove packages
  autoremove - automatically remove all unused packages
  update - update list of available packages
  upgrade - upgrade the system by installing/upgrading packages
  full-upgrade - upgrade the system by removing/installing/upgrading packages
  edit-sources - edit the source information file
  satisfy - satisfy dependency strings

See apt(8) for more information about the available commands.
Configuration options and syntax is detailed in apt.conf(5).
Information about how to configure sources can be found in sources.list(5).
Package and version choices can be expressed via apt_preferences(5).
Security details are available in apt-secure(8).
                                        This APT has Super Cow Powers.
"""
YES = ("-y", "--yes", "--assume-yes", "-qy", "-yq")


def _apt(ctx: Context, argv: list[str], program: str) -> int:
    args = argv[1:]
    if program == "apt" and not _tty(ctx):
        ctx.err("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n")
    yes = any(a in YES for a in args)
    words = [a for a in args if not a.startswith("-")]
    flags = [a for a in args if a.startswith("-") and a not in YES]
    if not words:
        if program == "apt":
            ctx.out(APT_USAGE)
        else:
            ctx.err("E: No operation specified\n" if program == "apt-cache" else "E: Invalid operation\n")
        return 1
    verb, operands = words[0], words[1:]
    apt = Apt(ctx, program, yes)
    purge = "--purge" in flags
    cache = {
        "show": lambda: apt.show(operands, raw=program == "apt-cache"),
        "policy": lambda: apt.policy(operands),
    }
    verbs = {
        "install": lambda: apt.install(operands),
        "remove": lambda: apt.remove(operands, purge),
        "purge": lambda: apt.remove(operands, True),
        "autoremove": lambda: apt.autoremove(purge),
        "update": apt.update,
        "upgrade": apt.upgrade,
        "dist-upgrade": apt.upgrade,
    }
    if program == "apt":
        verbs |= cache | {"list": lambda: apt.listing(args[1:]), "search": lambda: apt.search(operands)}
        verbs["full-upgrade"] = apt.upgrade
    elif program == "apt-cache":
        verbs = cache | {"search": lambda: apt.search(operands)}
    handler = verbs.get(verb)
    if handler is None:
        ctx.err(f"E: Invalid operation {verb}\n")
        return 100
    return handler()


@command(
    "apt",
    man="""
apt - command-line package manager (Ubuntu's everyday front end to dpkg)

  apt update                 refresh the package lists (root)
  apt install [-y] PACKAGE   install with its dependencies (root); without -y apt asks first
  apt remove PACKAGE         remove, keeping configuration files; apt purge removes them too
  apt list --installed       what is installed          apt search WORD    find a package
  apt show PACKAGE           version, size, dependencies, description
  apt policy PACKAGE         installed and candidate versions, and where they come from
""",
)
def apt(ctx: Context, argv: list[str]) -> int:
    return _apt(ctx, argv, "apt")


@command(
    "apt-get",
    man="""
apt-get - APT package handling utility (the scripting interface: stable output, no progress bars)

  apt-get update    apt-get install -y PACKAGE    apt-get remove PACKAGE    apt-get purge PACKAGE
""",
)
def apt_get(ctx: Context, argv: list[str]) -> int:
    return _apt(ctx, argv, "apt-get")


@command(
    "apt-cache",
    man="""
apt-cache - query the APT cache

  apt-cache policy PACKAGE   installed and candidate versions
  apt-cache show PACKAGE     the archive's record of a package
  apt-cache search REGEX     packages whose name or description matches
""",
)
def apt_cache(ctx: Context, argv: list[str]) -> int:
    return _apt(ctx, argv, "apt-cache")


# ---------------------------------------------------------------- dpkg-reconfigure


@command(
    "dpkg-reconfigure",
    man="""
dpkg-reconfigure - reconfigure an already installed package (root)

  dpkg-reconfigure openssh-server   run the package's configuration again: creates every SSH host key
                                    that is missing (after cloning a VM, delete /etc/ssh/ssh_host_* first)
""",
)
def dpkg_reconfigure(ctx: Context, argv: list[str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not ctx.is_root:
        ctx.err("/usr/sbin/dpkg-reconfigure must be run as root\n")
        return 1
    if not names:
        ctx.err("Usage: dpkg-reconfigure [options] packages\n")
        return 1
    for name in names:
        if not packages.is_installed(ctx.machine, name.split(":")[0]):
            ctx.err(f"/usr/sbin/dpkg-reconfigure: {name} is not installed\n")
            return 1
    for name in names:
        if name.split(":")[0] == "openssh-server":
            lines = packages.create_host_keys(ctx.machine)
            ctx.out("".join(line + "\n" for line in lines))
    return 0
