"""Processes: ps (procps-ng 4.0.4) over the machine's process table, which follows from where it runs.

What PID 1 is tells a system container (systemd, a whole OS) from an application container (the app itself).
The table is derived from the platform, never stored: only the shell of the session is "really" running.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from simulator import packages, procfs
from simulator.commands import Context, command
from simulator.units import SERVICES

SHELL_PID = 4242  # the session's bash, as $$ in simulator/shell.py


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    user: str
    args: str
    comm: str
    tty: str = "?"
    stat: str = "Ss"
    rss: int = 5120
    vsz: int = 17000


# Services whose rows processes() writes itself (their PIDs are fixed points of a session's tree).
LISTED_APART = {"ssh", "systemd-journald", "systemd-networkd"}
SERVICE_USERS = {"rsyslog": "syslog"}  # rsyslogd runs as $PrivDropToUser syslog (Ubuntu's rsyslog.conf)
SINGLE_THREADED = {"nginx"}  # its master forks workers and runs no threads: no "l" in its STAT


def _service_process(unit: str) -> Proc:
    """A running service's main process as its unit describes it: the command line (a daemon that retitles
    itself, as nginx's master does, shows its title) and the kernel's 15-character comm of its program."""
    service = SERVICES[unit]
    args = service.command.strip('"')
    program = args.split(":")[0] if service.command.startswith('"') else args.split()[0].rsplit("/", 1)[-1]
    user = SERVICE_USERS.get(unit, "root")
    stat = "Ss" if unit in SINGLE_THREADED else "Ssl"
    return Proc(service.pid, 1, user, args, program[:15], stat=stat, rss=3840)


def processes(machine, user: str) -> list[Proc]:
    comm, argv = procfs.pid1(machine)
    if machine.spec["platform"] == "docker":
        return [
            Proc(1, 0, "root", argv.replace("\0", " ").strip(), comm, stat="Ss", rss=24576, vsz=31000),
            Proc(SHELL_PID, 0, user, "bash", "bash", "pts/0", "Ss", 4096, 4600),
        ]
    table = [Proc(1, 0, "root", argv.replace("\0", " ").strip(), comm, rss=13120, vsz=22012)]
    if machine.kind != "container":
        table.append(Proc(2, 0, "root", "[kthreadd]", "kthreadd", stat="S", rss=0, vsz=0))
    table.append(Proc(361, 1, "root", "/usr/lib/systemd/systemd-journald", "systemd-journal", rss=15360))
    # ps cuts a user name longer than its 8-column field (systemd-network) to 7 characters and a "+"
    table.append(Proc(598, 1, "systemd+", "/usr/lib/systemd/systemd-networkd", "systemd-network", rss=8960))
    for unit in packages.running_services(machine):
        if unit not in LISTED_APART and SERVICES[unit].state == "running":
            table.append(_service_process(unit))
    listener = 1051 if "ssh" in packages.running_services(machine) else 1  # sessions outlive the server
    if listener != 1:
        table.append(
            Proc(1051, 1, "root", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "sshd", rss=8192)
        )
    table += [
        Proc(4200, listener, "root", f"sshd: {user} [priv]", "sshd", rss=10240),
        Proc(4241, 4200, user, f"sshd: {user}@pts/0", "sshd", stat="S", rss=6912),
        Proc(SHELL_PID, 4241, user, "-bash", "bash", "pts/0", "Ss", 5248, 8756),
    ]
    return sorted(table, key=lambda proc: proc.pid)  # as ps reads /proc: in order of PID


# procps-ng 4.0.4 src/ps/help.c: `ps --help SECTION` (a word or its letter); all of them for "all"/"a"
PS_HELP_SECTIONS = {
    ("simple", "s"): (
        "\n"
        "Basic options:\n"
        " -A, -e               all processes\n"
        " -a                   all with tty, except session leaders\n"
        "  a                   all with tty, including other users\n"
        " -d                   all except session leaders\n"
        " -N, --deselect       negate selection\n"
        "  r                   only running processes\n"
        "  T                   all processes on this terminal\n"
        "  x                   processes without controlling ttys\n"
    ),
    ("list", "l"): (
        "\n"
        "Selection by list:\n"
        " -C <command>         command name\n"
        " -G, --Group <GID>    real group id or name\n"
        " -g, --group <group>  session or effective group name\n"
        " -p, p, --pid <PID>   process id\n"
        "        --ppid <PID>  parent process id\n"
        " -q, q, --quick-pid <PID>\n"
        "                      process id (quick mode)\n"
        " -s, --sid <session>  session id\n"
        " -t, t, --tty <tty>   terminal\n"
        " -u, U, --user <UID>  effective user id or name\n"
        " -U, --User <UID>     real user id or name\n"
        "\n"
        "  The selection options take as their argument either:\n"
        "    a comma-separated list e.g. '-u root,nobody' or\n"
        "    a blank-separated list e.g. '-p 123 4567'\n"
    ),
    ("output", "o"): (
        "\n"
        "Output formats:\n"
        " -D <format>          date format for lstart\n"
        " -F                   extra full\n"
        " -f                   full-format, including command lines\n"
        "  f, --forest         ascii art process tree\n"
        " -H                   show process hierarchy\n"
        " -j                   jobs format\n"
        "  j                   BSD job control format\n"
        " -l                   long format\n"
        "  l                   BSD long format\n"
        " -M, Z                add security data (for SELinux)\n"
        " -O <format>          preloaded with default columns\n"
        "  O <format>          as -O, with BSD personality\n"
        " -o, o, --format <format>\n"
        "                      user-defined format\n"
        "  -P                  add psr column\n"
        "  s                   signal format\n"
        "  u                   user-oriented format\n"
        "  v                   virtual memory format\n"
        "  X                   register format\n"
        " -y                   do not show flags, show rss vs. addr (used with -l)\n"
        "     --context        display security context (for SELinux)\n"
        "     --headers        repeat header lines, one per page\n"
        "     --no-headers     do not print header at all\n"
        "     --cols, --columns, --width <num>\n"
        "                      set screen width\n"
        "     --rows, --lines <num>\n"
        "                      set screen height\n"
        "     --signames       display signal masks using signal names\n"
    ),
    ("threads", "t"): (
        "\n"
        "Show threads:\n"
        "  H                   as if they were processes\n"
        " -L                   possibly with LWP and NLWP columns\n"
        " -m, m                after processes\n"
        " -T                   possibly with SPID column\n"
    ),
    ("misc", "m"): (
        "\n"
        "Miscellaneous options:\n"
        " -c                   show scheduling class with -l option\n"
        "  c                   show true command name\n"
        "  e                   show the environment after command\n"
        "  k,    --sort        specify sort order as: [+|-]key[,[+|-]key[,...]]\n"
        "  L                   show format specifiers\n"
        "  n                   display numeric uid and wchan\n"
        "  S,    --cumulative  include some dead child process data\n"
        " -y                   do not show flags, show rss (only with -l)\n"
        " -V, V, --version     display version information and exit\n"
        " -w, w                unlimited output width\n"
        "\n"
        "        --help <simple|list|output|threads|misc|all>\n"
        "                      display help and exit\n"
    ),
}
PS_USAGE_FOOT = "\nFor more details see ps(1).\n"
PS_HELP_TRY = (  # the usage without a section, and after an option ps does not know (on stderr)
    "\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n"
    " for additional help text.\n"
)


def _cputime(proc: Proc, bsd: bool = False) -> str:
    seconds = 1 if proc.pid == 1 else 0
    return f"0:{seconds:02d}" if bsd else f"00:00:{seconds:02d}"


@command(
    "ps",
    man="""
ps - report a snapshot of the current processes

  ps            processes of this terminal        ps -e / -A   every process
  ps -ef        full format (UID PID PPID ... CMD) ps aux       BSD format with %CPU %MEM
  ps -p 1       one process      ps -p 1 -o comm=    just the name of PID 1
PID 1 tells what kind of system this is: systemd (a whole OS: host, VM or system container) or the
application itself (an application container).
""",
)
def ps(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    args = argv[1:]
    table = processes(machine, ctx.user if ctx.user != "root" else "learner")
    me = Proc(
        4300 + machine.clock % 500, SHELL_PID, ctx.user, " ".join(argv), "ps", "pts/0", "R+", 4352, 11336
    )
    table.append(me)
    pids, fmt, columns = None, "default", ""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--help" or arg.startswith("--help="):  # its argument: the next word, or after "="
            word = arg[7:] if "=" in arg else (args[i + 1] if i + 1 < len(args) else None)
            return _help(ctx, word)
        if arg in ("-e", "-A", "ax", "-ax"):
            pids = "all"
        elif arg in ("-ef", "-eF", "-fe"):
            pids, fmt = "all", "full"
        elif arg == "-f":
            fmt = "full"
        elif arg in ("aux", "-aux", "auxww", "axu"):
            pids, fmt = "all", "bsd"
        elif arg in ("-p", "--pid", "-o", "-q") and i + 1 < len(args):
            if arg == "-o":
                columns = args[i + 1]
            else:
                pids = {int(p) for p in args[i + 1].split(",") if p.isascii() and p.isdigit()}
            i += 1
        elif arg.isdigit():
            pids = {int(arg)}
        else:
            return _unknown(ctx, "SysV option" if arg.startswith("-") else "option (BSD syntax)")
        i += 1
    if pids is None:
        shown = [p for p in table if p.tty == "pts/0"]
    elif pids == "all":
        shown = table
    else:
        shown = [p for p in table if p.pid in pids]
    start = time.strftime("%H:%M", time.gmtime(machine.now() - int(machine.uptime())))
    out = []
    if columns:
        header = columns.rstrip("=")
        if not columns.endswith("="):
            out.append(
                f"{header.upper():<15}\n" if header in ("comm", "cmd", "args") else f"{header.upper()}\n"
            )
        for proc in shown:
            value = {
                "comm": proc.comm,
                "cmd": proc.args,
                "args": proc.args,
                "pid": f"{proc.pid:>7}",
                "user": proc.user,
            }.get(header, "")
            out.append(value + "\n")
    elif fmt == "full":
        out.append("UID          PID    PPID  C STIME TTY          TIME CMD\n")
        out += [
            f"{p.user:<8} {p.pid:>7} {p.ppid:>7}  0 {start} {p.tty:<8} {_cputime(p)} {p.args}\n"
            for p in shown
        ]
    elif fmt == "bsd":
        out.append("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
        memory = machine.spec["memory_mb"] * 1024
        for p in shown:
            cpu, mem = "0.1" if p.pid == 1 else "0.0", p.rss * 100 / memory
            out.append(
                f"{p.user:<8} {p.pid:>7} {cpu:>4} {mem:4.1f} {p.vsz:>6} {p.rss:>5} {p.tty:<8} {p.stat:<4} "
                f"{start} {_cputime(p, bsd=True):>6} {p.args}\n"
            )
    else:
        out.append("    PID TTY          TIME CMD\n")
        out += [f"{p.pid:>7} {p.tty:<8} {_cputime(p)} {p.comm}\n" for p in shown]
    ctx.out("".join(out))
    return 0 if shown else 1


def _help(ctx: Context, word: str | None) -> int:
    """do_help(): the sections asked for, or how to ask for them; on stdout, status 0."""
    chosen = [text for names, text in PS_HELP_SECTIONS.items() if word in names or word in ("all", "a")]
    ctx.out("\nUsage:\n ps [options]\n" + ("".join(chosen) or PS_HELP_TRY) + PS_USAGE_FOOT)
    return 0


def _unknown(ctx: Context, what: str) -> int:
    ctx.err(f"error: unsupported {what}\n\nUsage:\n ps [options]\n{PS_HELP_TRY}{PS_USAGE_FOOT}")
    return 1
