"""watch (procps-ng 4.0.4): a full-screen program that runs a command every few seconds until Ctrl-C.

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

from simulator.commands import Context, command, follow

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
FLAGS = {"-b", "-c", "-C", "-d", "-e", "-g", "-p", "-r", "-t", "-w", "-x"}
LONG_FLAGS = {
    "--beep",
    "--color",
    "--no-color",
    "--differences",
    "--errexit",
    "--chgexit",
    "--precise",
    "--no-rerun",
    "--no-title",
    "--no-wrap",
    "--exec",
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
    args, interval, title, wrap = argv[1:], 2.0, True, True
    while args and args[0].startswith("-") and args[0] != "-":  # "+..." getopt: options end at the command
        arg = args.pop(0)
        if arg == "--":
            break
        if arg in ("-h", "--help"):
            ctx.out(WATCH_USAGE)
            return 0
        if arg in ("-v", "--version"):
            ctx.out(f"watch from {PROCPS}\n")
            return 0
        name, eq, value = arg.partition("=")
        if name in ("-n", "--interval", "-q", "--equexit") or re.fullmatch(r"-[nq].+", arg):
            if not eq and len(arg) > 2 and not arg.startswith("--"):  # -n5
                name, value = arg[:2], arg[2:]
            elif not eq:
                if not args:
                    ctx.err(f"watch: option requires an argument -- '{name.lstrip('-')[0]}'\n{WATCH_USAGE}")
                    return 1
                value = args.pop(0)
            if name in ("-q", "--equexit"):
                continue
            try:
                interval = min(max(float(value), 0.1), 4294967295.0)  # watch.c clamps it so
            except ValueError:
                ctx.err(f"watch: failed to parse argument: '{value}'\n")
                return 1
        elif arg in FLAGS or arg in LONG_FLAGS or name == "--differences":
            title = title and arg not in ("-t", "--no-title")
            wrap = wrap and arg not in ("-w", "--no-wrap")
        else:
            refused = (
                f"unrecognized option '{arg}'" if arg.startswith("--") else f"invalid option -- '{arg[1]}'"
            )
            ctx.err(f"watch: {refused}\n{WATCH_USAGE}")
            return 1
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
