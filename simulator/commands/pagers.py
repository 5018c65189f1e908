"""The pagers: less (590) and more (util-linux 2.39.3), as they behave without an interactive terminal.

The web terminal shows a command's whole output at once and cannot send keys to a running program, so a
pager prints its files as cat would (as both do when their output is not a terminal); more heads each
file with its name when there are several, and always when its output is not the terminal, as it does.
Their common options are accepted.
"""

from __future__ import annotations

from simulator.commands import Context, command
from simulator.filesystem import FsError

LESS_FLAGS = set("?aABcCdeEfFgGiIjJkKLmMnNqQrRsSuUVwWXz~")
LESS_VALUES = set("bhjkopPtTxyz")  # options that take a value (-x4, -j 10)


def _files(ctx: Context, prog: str, argv: list[str], values: set[str]) -> list[str] | None:
    """The file operands, options (and +commands) left aside; None after an unknown option."""
    files = []
    args = iter(argv[1:])
    for arg in args:
        if arg == "--":
            files.extend(args)
            break
        if arg.startswith("+") or (arg.startswith("--") and len(arg) > 2):
            continue
        if arg.startswith("-") and len(arg) > 1:
            letters = arg[1:]
            if letters[0] in values and len(letters) == 1:
                next(args, None)
            elif prog == "more" and not letters.isdigit() and not set(letters) <= set("dlfpcsun"):
                bad = next(letter for letter in letters if letter not in "dlfpcsun")
                ctx.err(f"more: invalid option -- '{bad}'\nTry 'more --help' for more information.\n")
                return None
            continue
        files.append(arg)
    return files


def _read(ctx: Context, name: str) -> tuple[str | None, str]:
    """(text, error message as the pagers print it)."""
    fs = ctx.machine.fs
    try:
        if fs.is_dir(name, ctx.cwd, ctx.uid):
            return None, f"{name} is a directory"
        return fs.read(name, ctx.cwd, ctx.uid), ""
    except FsError as error:
        return None, f"{name}: {error.message}"


@command(
    "less",
    man="""
NAME
       less - opposite of more: a pager that scrolls both ways

SYNOPSIS
       less [-NSRFXi] [FILE]...

DESCRIPTION
       Show FILE (or standard input) a screen at a time: Space next page, b back, /PATTERN search,
       n next match, g/G start/end, q quit. -N numbers lines, -S chops long lines, -R shows colours.
       In GuestLab the terminal is not interactive: less prints the whole text, as it does when its
       output is not a terminal.
""",
)
def less(ctx: Context, argv: list[str]) -> int:
    files = _files(ctx, "less", argv, LESS_VALUES)
    if not files:
        ctx.out(ctx.stdin)
        return 0
    for name in files:
        text, problem = _read(ctx, name)
        if text is None:
            ctx.out(problem + "\n")  # less writes its complaints where the text would have gone
            continue
        ctx.tick(text.count("\n") + 1)
        ctx.out(text)
    return 0


@command(
    "more",
    man="""
NAME
       more - display the contents of a file a screenful at a time

SYNOPSIS
       more [options] FILE...

DESCRIPTION
       Show each FILE a screen at a time: Space next page, Enter next line, /PATTERN search, q quit.
       -d  show help prompts   -s  squeeze blank lines   -NUMBER  lines per screen   +NUM  start at line NUM
       In GuestLab the terminal is not interactive: more prints the whole text, each of several files
       under a ::::::::::::: header with its name, as it does when its output is not a terminal.
""",
)
def more(ctx: Context, argv: list[str]) -> int:
    files = _files(ctx, "more", argv, set("n"))
    if files is None:
        return 1
    if not files:
        ctx.out(ctx.stdin)
        return 0
    for name in files:
        text, problem = _read(ctx, name)
        if text is None:
            if problem.endswith(" is a directory"):
                ctx.out(f"\n*** {name}: directory ***\n\n")
            else:
                ctx.err(f"more: cannot open {problem}\n")
            continue
        ctx.tick(text.count("\n") + 1)
        if len(files) > 1 or not getattr(ctx, "tty", False):
            ctx.out(f"::::::::::::::\n{name}\n::::::::::::::\n")
        ctx.out(text)
    return 0
