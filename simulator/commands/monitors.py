"""watch and top (procps-ng 4.0.4): full-screen programs that run until Ctrl-C (top: or q).

On the lab's terminal it draws its screen once, as an 80-column terminal shows it (watch.c,
output_header: "Every 2.0s: CMD" on the left, "HOST: DATE" ending at the last column, a blank line, then
what the command printed, stdout and stderr alike), and waits for Ctrl-C (commands/follow.py), which
ends it with status 0 (watch catches SIGINT: die() -> exit(EXIT_SUCCESS)). The command runs once here,
though watch would run it again every interval; on a real terminal the screen also goes away at the end
(curses' alternate screen), which a transcript cannot show.
"""

from __future__ import annotations

import dataclasses
import re
import time

from simulator.commands import Context, command, follow, options

WIDTH, HEIGHT = 80, 24  # the terminal watch draws on
PROCPS = "procps-ng 4.0.4"

# watch.c usage() with local/c.h's USAGE_* pieces
WATCH_USAGE = """
Usage:
 watch [options] command

Options:
  -b, --beep             beep if command has a non-zero exit
  -c, --color            interpret ANSI color and style sequences
  -C, --no-color         do not interpret ANSI color and style sequences
  -d, --differences[=<permanent>]
                         highlight changes between updates
  -e, --errexit          exit if command has a non-zero exit
  -g, --chgexit          exit when output from command changes
  -q, --equexit <cycles>
                         exit when output from command does not change
  -n, --interval <secs>  seconds to wait between updates
  -p, --precise          attempt run command in precise intervals
  -r, --no-rerun         do not rerun program on window resize
  -t, --no-title         turn off header
  -w, --no-wrap          turn off line wrapping
  -x, --exec             pass command to exec instead of "sh -c"

 -h, --help     display this help and exit
 -v, --version  output version information and exit

For more details see watch(1).
"""
# watch.c's getopt_long: "+" stops at the command, whose own options are its own
WATCH_SHORT = "+bcCdeghq:n:prtwxv"
WATCH_LONG = {
    "beep": "b",
    "color": "c",
    "no-color": "C",
    "differences=?": "d",
    "errexit": "e",
    "chgexit": "g",
    "equexit=": "q",
    "interval=": "n",
    "precise": "p",
    "no-rerun": "r",
    "no-title": "t",
    "no-wrap": "w",
    "exec": "x",
    "help": "h",
    "version": "v",
}


@command(
    "watch",
    man="""
watch - execute a program periodically, showing output fullscreen (procps-ng 4.0.4)

  watch CMD            run CMD every 2 seconds and show its output under a header; Ctrl-C ends it
  watch -n 5 CMD       every 5 seconds        watch -t CMD    without the header
In GuestLab the screen is drawn once and waits for Ctrl-C.
""",
)
def watch(ctx: Context, argv: list[str]) -> int:
    try:
        opts, args = options.parse(argv[1:], WATCH_SHORT, WATCH_LONG)
    except options.UsageError as error:
        ctx.err(f"watch: {error}\n{WATCH_USAGE}")
        return 1
    if "h" in opts:
        ctx.out(WATCH_USAGE)
        return 0
    if "v" in opts:
        ctx.out(f"watch from {PROCPS}\n")
        return 0
    interval = 2.0
    for value in opts.all("n"):
        try:
            interval = min(max(float(value), 0.1), 4294967295.0)  # watch.c clamps it so
        except ValueError:
            ctx.err(f"watch: failed to parse argument: '{value}'\n")
            return 1
    title, wrap = "t" not in opts, "w" not in opts
    if not args:
        ctx.err(WATCH_USAGE)
        return 1
    text = " ".join(args)
    output: list[str] = []
    # the command's stdout and stderr are one pipe (watch.c dup2s both): not the terminal
    piped = {"tty": False} if hasattr(ctx, "tty") else {}
    child = dataclasses.replace(ctx, stdout=output, stderr=output, **piped)
    child.execute(["sh", "-c", text], caller="watch")
    rows = [_header(ctx.machine, interval, text), ""] if title else []
    rows += _screen_lines("".join(output), wrap)
    ctx.out("\n".join(rows[:HEIGHT]).rstrip("\n") + "\n")
    if follow.waits_on_terminal(ctx):
        while follow.wait(ctx):
            pass
    return 0


def _header(machine, interval: float, text: str) -> str:
    """output_header(): the interval and command from the left, "HOST: ctime" ending at the last column."""
    stamp = time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(machine.now()))
    left, right = f"Every {interval:.1f}s: ", f"{machine.hostname}: {stamp}"
    right_length = len(right) + 1  # ctime's text ends with its newline
    row = [" "] * WIDTH
    if WIDTH < right_length:
        return ""
    if right_length + len(left) + 1 <= WIDTH:
        row[: len(left)] = left
        if right_length + len(left) + 2 <= WIDTH:
            if WIDTH < right_length + len(left) + 4:
                row[WIDTH - right_length - 4 : WIDTH - right_length] = "... "
            elif WIDTH < right_length + len(left) + len(text):
                shown = text[: WIDTH - right_length - len(left) - 4]
                row[len(left) : len(left) + len(shown)] = shown
                row[WIDTH - right_length - 4 : WIDTH - right_length] = "... "
            else:
                row[len(left) : len(left) + len(text)] = text
    start = WIDTH - right_length + 1
    row[start : start + len(right)] = right
    return "".join(row[:WIDTH]).rstrip()


def _screen_lines(text: str, wrap: bool) -> list[str]:
    """The command's output as the screen below the header holds it: lines wrapped (or cut) at the width."""
    lines = []
    for line in text.expandtabs(8).split("\n"):
        if not wrap or len(line) <= WIDTH:
            lines.append(line[:WIDTH])
            continue
        lines += [line[i : i + WIDTH] for i in range(0, len(line), WIDTH)]
    return lines


# top (procps-ng 4.0.4, src/top/top.c and top_nls.c). Its summary lines as show_special() prints them
# with no terminal capabilities (batch mode): the "~N" colour marks gone, which leaves one blank after
# "st" and five after "buff/cache". The task area: the default fields, sorted by %CPU (top itself first,
# the rest by PID); rows are not padded (UNVERIFIED for batch mode), and `top -b` ends with the empty
# line bye_bye() writes. SHR and the CPU times are the model's own, not measured.
TOP_USAGE = """
Usage:
 top [options]

Options:
 -b, --batch-mode                run in non-interactive batch mode
 -c, --cmdline-toggle            reverse last remembered 'c' state
 -d, --delay =SECS [.TENTHS]     iterative delay as SECS [.TENTHS]
 -E, --scale-summary-mem =SCALE  set mem as: k,m,g,t,p,e for SCALE
 -e, --scale-task-mem =SCALE     set mem with: k,m,g,t,p for SCALE
 -H, --threads-show              show tasks plus all their threads
 -i, --idle-toggle               reverse last remembered 'i' state
 -n, --iterations =NUMBER        exit on maximum iterations NUMBER
 -O, --list-fields               output all field names, then exit
 -o, --sort-override =FIELD      force sorting on this named FIELD
 -p, --pid =PIDLIST              monitor only the tasks in PIDLIST
 -S, --accum-time-toggle         reverse last remembered 'S' state
 -s, --secure-mode               run with secure mode restrictions
 -U, --filter-any-user =USER     show only processes owned by USER
 -u, --filter-only-euser =USER   show only processes owned by USER
 -w, --width [=COLUMNS]          change print width [,use COLUMNS]
 -1, --single-cpu-toggle         reverse last remembered '1' state

 -h, --help                      display this help text, then exit
 -V, --version                   output version information & exit

For more details see top(1).
"""
TOP_HEADER = "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND"


@command(
    "top",
    man="""
top - display Linux processes (procps-ng 4.0.4)

  top             the summary (uptime, tasks, CPU, memory) and the busiest processes; q or Ctrl-C quits
  top -b -n 1     one snapshot as text (batch mode), for a file or a pipe
In GuestLab interactive top draws its first screen and waits for q or Ctrl-C.
""",
)
def top(ctx: Context, argv: list[str]) -> int:
    batch, args = False, argv[1:]
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            ctx.out(TOP_USAGE)
            return 0
        if arg in ("-V", "--version"):
            ctx.out(f"top from {PROCPS}\n")
            return 0
        if arg in ("-b", "--batch-mode"):
            batch = True
            continue
        match = re.fullmatch(r"-(b?)([nd])(.*)|--(iterations|delay)(?:=(.*))?", arg)
        if match is None:
            ctx.err(f"top: unknown option '{arg.lstrip('-')[:1] if not arg.startswith('--') else arg}'\n")
            ctx.err(TOP_USAGE)
            return 1
        batch = batch or match.group(1) == "b"
        letter = match.group(2) or match.group(4)[0]
        value = match.group(3) or match.group(5) or (args.pop(0) if args else None)
        if value is None:
            ctx.err(f"top: -{letter} argument missing\n")
            return 1
        if letter == "n" and not value.isdigit():
            ctx.err(f"top: bad iterations argument '{value}'\n")
            return 1
        if letter == "d" and not re.fullmatch(r"\d+(\.\d*)?|\.\d+", value):
            ctx.err(f"top: bad delay interval '{value}'\n")
            return 1
    interactive = not batch and follow.waits_on_terminal(ctx)
    lines = _top_summary(ctx.machine) + ["", TOP_HEADER] + _top_rows(ctx)
    if interactive:
        ctx.out("\n".join(lines[: HEIGHT - 1]) + "\n")
        while (key := follow.next_line(ctx)) is not None and key.strip() != "q":
            pass  # any other key: top would act on it; here the screen stays as it is
        return 0  # q, or Ctrl-C: top's SIGINT handler ends it with success (bye_bye)
    ctx.out("\n".join(lines) + "\n\n")
    return 0


def _top_summary(machine) -> list[str]:
    from simulator import procfs
    from simulator.commands.processes import processes
    from simulator.commands.system import uptime_text

    tasks = len(processes(machine, "learner")) + 1  # and top itself, running
    m = procfs.memory(machine)
    cache = m["Buffers"] + m["Cached"] + m["SReclaimable"]
    used = m["MemTotal"] - m["MemFree"] - cache  # as free(1) here counts it

    def mib(kib: int) -> str:
        return f"{kib / 1024:.1f}"[:9].rjust(9)

    return [
        "top -" + uptime_text(machine).rstrip("\n"),
        f"Tasks: {tasks:3d} total,   1 running, {tasks - 1:3d} sleeping,   0 stopped,   0 zombie",
        "%Cpu(s):  0.0 us,  0.0 sy,  0.0 ni,100.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st ",
        f"MiB Mem : {mib(m['MemTotal'])} total, {mib(m['MemFree'])} free, {mib(used)} used, "
        f"{mib(cache)} buff/cache     ",
        f"MiB Swap: {mib(m['SwapTotal'])} total, {mib(m['SwapFree'])} free, "
        f"{mib(m['SwapTotal'] - m['SwapFree'])} used. {mib(m['MemAvailable'])} avail Mem ",
    ]


def _top_rows(ctx: Context) -> list[str]:
    from simulator.commands.processes import SHELL_PID, Proc, processes

    machine = ctx.machine
    table = processes(machine, ctx.user if ctx.user != "root" else "learner")
    me = Proc(4300 + machine.clock % 500, SHELL_PID, ctx.user, "top", "top", "pts/0", "R+", 5632, 11908)
    memory = machine.spec["memory_mb"] * 1024
    rows = []
    for proc in [me, *table]:
        cpu = "0.3" if proc is me else "0.0"
        seconds = 123 if proc.pid == 1 else 1 if proc is me else 0  # hundredths of a second
        time_plus = f"{seconds // 6000}:{seconds // 100 % 60:02d}.{seconds % 100:02d}"
        rows.append(
            f"{proc.pid:>7} {proc.user[:8]:<8} {20:>3} {0:>3} {proc.vsz:>7} {proc.rss:>6} "
            f"{proc.rss * 2 // 3:>6} {proc.stat[0]} {cpu:>5} {proc.rss * 100 / memory:>5.1f} {time_plus:>9} "
            f"{proc.comm}"
        )
    return rows
