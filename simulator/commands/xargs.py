"""xargs as GNU findutils 4.9.0 (Ubuntu 24.04) runs it (xargs/xargs.c): items read from standard input (or
-a FILE) become arguments of a command, run as many times as the options ask.

Exit statuses are GNU's: 123 when a command failed, 124 when one exited with 255 (xargs stops), 126 when
the command cannot be run, 127 when it is not found, 1 for a usage or input error. -P is accepted; the
commands run one after another, in order.
"""

from __future__ import annotations

import re
import shlex

from simulator.commands import Context, command
from simulator.filesystem import FsError

SHORT_WITH_VALUE = set("adEILnPs")
SHORT_FLAGS = set("0prtx")
LONG = {
    "null": "0",
    "arg-file": "a",
    "delimiter": "d",
    "eof": "E",
    "replace": "I",
    "max-lines": "L",
    "max-args": "n",
    "max-procs": "P",
    "max-chars": "s",
    "no-run-if-empty": "r",
    "verbose": "t",
    "exit": "x",
    "interactive": "p",
    "help": "help",
    "version": "version",
}
TAKES_VALUE = {"a", "d", "E", "I", "L", "n", "P", "s"}
DEFAULT_MAX_CHARS = 131072
ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "0": "\0"}


class XargsError(Exception):
    """A usage or input error: xargs prints it and exits with `status`."""

    def __init__(self, text: str, status: int = 1, usage: bool = False):
        super().__init__(text)
        self.status = status
        self.usage = usage


@command(
    "xargs",
    man="""
NAME
       xargs - build and execute command lines from standard input

SYNOPSIS
       xargs [OPTION]... [COMMAND [INITIAL-ARGUMENTS]]

DESCRIPTION
       Read items separated by blanks and newlines (quotes and backslash protect them) from standard
       input and run COMMAND (default: echo) with INITIAL-ARGUMENTS followed by as many items as fit.
       -n N       at most N items per command        -L N   at most N input lines per command
       -I STR     run once per input line, replacing STR in the arguments (implies -L 1)
       -0         items end with a null character (as find -print0 writes them)
       -d DELIM   items end with DELIM (a character or an escape such as \\n)
       -r         do not run COMMAND when the input is empty
       -t         print each command line on standard error before running it
       -a FILE    read items from FILE instead of standard input     -P N   accepted; runs in order
       Example: find /etc -name '*.conf' -print0 | xargs -0 grep -l ssh
       Exit status: 0; 123 if a command failed; 124 if one exited with 255; 126 if COMMAND cannot be
       run; 127 if it is not found; 1 for other errors.
""",
)
def xargs(ctx: Context, argv: list[str]) -> int:
    try:
        options, words = _options(argv[1:])
        if "help" in options:
            from simulator.commands import MAN_PAGES

            ctx.out(MAN_PAGES["xargs"])
            return 0
        if "version" in options:
            ctx.out("xargs (GNU findutils) 4.9.0\n")
            return 0
        settings = _settings(ctx, options)
        text = _input(ctx, options)
        groups = _groups(ctx, text, settings)
    except XargsError as error:
        ctx.err(f"xargs: {error}\n")
        if error.usage:
            ctx.err("Try 'xargs --help' for more information.\n")
        return error.status
    return _run_all(ctx, words or ["echo"], groups, settings)


def _options(args: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """getopt with "+": options stop at the first word, which starts the command."""
    options: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            matches = [long for long in LONG if long.startswith(name)] if name else []
            if name in LONG:
                matches = [name]
            if len(matches) != 1:
                if matches:
                    listed = " ".join(f"'--{m}'" for m in matches)
                    raise XargsError(f"option '--{name}' is ambiguous; possibilities: {listed}", usage=True)
                raise XargsError(f"unrecognized option '--{name}'", usage=True)
            key = LONG[matches[0]]
            if key in TAKES_VALUE and not has_value:
                if i >= len(args):
                    raise XargsError(f"option '--{matches[0]}' requires an argument", usage=True)
                value, i = args[i], i + 1
            elif has_value and key not in TAKES_VALUE:
                raise XargsError(f"option '--{matches[0]}' doesn't allow an argument", usage=True)
            options.append((key, value))
            continue
        if not arg.startswith("-") or arg == "-":
            return options, args[i - 1 :]
        j = 1
        while j < len(arg):
            letter = arg[j]
            if letter in SHORT_FLAGS:
                options.append((letter, ""))
                j += 1
                continue
            if letter not in SHORT_WITH_VALUE:
                raise XargsError(f"invalid option -- '{letter}'", usage=True)
            value = arg[j + 1 :]
            if not value:
                if i >= len(args):
                    raise XargsError(f"option requires an argument -- '{letter}'", usage=True)
                value, i = args[i], i + 1
            options.append((letter, value))
            break
    return options, args[i:]


def _count(value: str, letter: str, least: int) -> int:
    if not re.fullmatch(r"\s*[+-]?\d+", value):
        raise XargsError(f'invalid number "{value}" for -{letter} option', usage=True)
    number = int(value)
    if number < least:
        raise XargsError(f"value {number} for -{letter} option should be >= {least}", usage=True)
    return number


def _delimiter(text: str) -> str:
    if len(text) == 1:
        return text
    if text.startswith("\\"):
        code = text[1:]
        if code in ESCAPES:
            return ESCAPES[code]
        if re.fullmatch(r"[0-7]{1,3}", code):
            return chr(int(code, 8))
        if re.fullmatch(r"x[0-9a-fA-F]{1,2}", code):
            return chr(int(code[1:], 16))
    raise XargsError(
        f"Invalid input delimiter specification {text}: the delimiter must be either a single character "
        "or an escape sequence starting with \\."
    )


def _settings(ctx: Context, options: list[tuple[str, str]]) -> dict:
    settings: dict = {"delimiter": None, "max_args": 0, "max_lines": 0, "replace": None, "eof": None}
    settings.update(run_empty=True, verbose=False, max_chars=DEFAULT_MAX_CHARS, exit=False)
    for key, value in options:
        if key == "0":
            settings["delimiter"] = "\0"
        elif key == "d":
            settings["delimiter"] = _delimiter(value)
        elif key == "n":
            settings["max_args"] = _count(value, "n", 1)
        elif key == "L":
            settings["max_lines"] = _count(value, "L", 1)
        elif key == "I":
            if settings["max_args"]:
                ctx.err(
                    "xargs: warning: options --max-args and --replace/-I/-i are mutually exclusive, "
                    "ignoring previous --max-args value\n"
                )
                settings["max_args"] = 0
            settings["replace"] = value
        elif key == "P":
            _count(value, "P", 0)
        elif key == "s":
            settings["max_chars"] = _count(value, "s", 1)
        elif key == "E":
            settings["eof"] = value
        elif key == "r":
            settings["run_empty"] = False
        elif key == "t":
            settings["verbose"] = True
        elif key == "x":
            settings["exit"] = True
        elif key == "p":
            raise XargsError(
                "-p asks whether to run each command (y/n); this terminal cannot answer it. Run without -p."
            )
    return settings


def _input(ctx: Context, options: list[tuple[str, str]]) -> str:
    files = [value for key, value in options if key == "a"]
    if not files:
        return ctx.stdin
    try:
        return ctx.machine.fs.read(files[-1], ctx.cwd, ctx.uid)
    except FsError as error:
        raise XargsError(f"Cannot open input file ‘{files[-1]}’: {error.message}") from None


def _groups(ctx: Context, text: str, settings: dict) -> list[list[str]]:
    """The argument lists, one per command run."""
    if settings["replace"] is not None:
        lines = _lines(ctx, text, settings, keep_blanks=True)
        return [[" ".join(line).lstrip(" \t")] if settings["delimiter"] is None else line for line in lines]
    if settings["max_lines"]:
        lines = _lines(ctx, text, settings, keep_blanks=False)
        per = settings["max_lines"]
        return [[item for line in lines[i : i + per] for item in line] for i in range(0, len(lines), per)]
    items = _items(ctx, text, settings)
    per = settings["max_args"] or len(items) or 1
    return [items[i : i + per] for i in range(0, len(items), per)] or [[]]


def _items(ctx: Context, text: str, settings: dict) -> list[str]:
    return [item for line in _lines(ctx, text, settings, keep_blanks=False) for item in line]


def _lines(ctx: Context, text: str, settings: dict, keep_blanks: bool) -> list[list[str]]:
    """Input lines as lists of items. With a delimiter each item is its own line; otherwise blanks and
    newlines separate items, quotes and backslashes protect them, and a line ending in a blank goes on."""
    delimiter = settings["delimiter"]
    if delimiter is not None:
        items = text.split(delimiter)
        if items and items[-1] == "":
            items.pop()
        ctx.tick(len(items))
        return [[item] for item in items]
    lines: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        ctx.tick()
        if keep_blanks:
            words = [raw] if raw.strip(" \t") else []
        else:
            words = _split(raw)
        if settings["eof"] is not None and settings["eof"] in words:
            current.extend(words[: words.index(settings["eof"])])
            break
        current.extend(words)
        if current and not (raw.endswith((" ", "\t")) and not keep_blanks):
            lines.append(current)
            current = []
    if current:
        lines.append(current)
    if keep_blanks:
        return [[_unquote_line(line[0])] for line in lines] if lines else []
    return lines


def _split(line: str) -> list[str]:
    words: list[str] = []
    word: list[str] = []
    started = False
    i = 0
    while i < len(line):
        char = line[i]
        if char in " \t":
            if started:
                words.append("".join(word))
                word, started = [], False
            i += 1
            continue
        started = True
        if char in "'\"":
            end = line.find(char, i + 1)
            if end < 0:
                kind = "single" if char == "'" else "double"
                raise XargsError(
                    f"unmatched {kind} quote; by default quotes are special to xargs unless you use "
                    "the -0 option"
                )
            word.append(line[i + 1 : end])
            i = end + 1
            continue
        if char == "\\" and i + 1 < len(line):
            word.append(line[i + 1])
            i += 2
            continue
        word.append(char)
        i += 1
    if started:
        words.append("".join(word))
    return words


def _unquote_line(line: str) -> str:
    """-I takes the whole line as one item, still removing quotes and backslashes."""
    return " ".join(_split(line)) if ("'" in line or '"' in line or "\\" in line) else line


def _run_all(ctx: Context, words: list[str], groups: list[list[str]], settings: dict) -> int:
    status = 0
    replace = settings["replace"]
    for group in groups:
        if not group and not settings["run_empty"]:
            continue
        if not group and replace is not None:
            continue
        if replace is not None:
            argv = [word.replace(replace, group[0]) for word in words]
        else:
            argv = [*words, *group]
        if sum(len(word) + 1 for word in argv) > settings["max_chars"]:
            ctx.err("xargs: argument line too long\n")
            return 1
        if settings["verbose"]:
            ctx.err(" ".join(shlex.quote(word) for word in argv) + "\n")
        result = _run(ctx, argv)
        if result == 255:
            ctx.err(f"xargs: {argv[0]}: exited with status 255; aborting\n")
            return 124
        if result in (-126, -127):
            return -result
        if result:
            status = 123
    return status


def _run(ctx: Context, argv: list[str]) -> int:
    """The command's status, or -126/-127 when it cannot be run (after xargs's message)."""
    from simulator.shell import which

    fs = ctx.machine.fs
    if which(ctx, argv[0]) is None:
        if "/" in argv[0] and fs.exists(argv[0], ctx.cwd, ctx.uid):
            message, status = "Permission denied", -126
        else:
            message, status = "No such file or directory", -127
        ctx.err(f"xargs: {argv[0]}: {message}\n")
        return status
    return ctx.execute(argv, caller="xargs")
