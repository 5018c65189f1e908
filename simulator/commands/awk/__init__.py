"""awk as Ubuntu 24.04 installs it: mawk 1.3.4 (the `awk` alternative), with its messages.

mawk rather than gawk: it is what a learner's `awk` runs on Ubuntu, so its answers (and its errors,
such as "awk: line 1: syntax error at or near }") are the ones they will meet. Like mawk, `**` is no
operator here. One stage per module: lexer (tokens), parser (a tree of tuples), interp (the
evaluator, records and fields), builtins and printf.
"""

from __future__ import annotations

from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.awk.interp import AwkError, Interpreter
from simulator.commands.awk.lexer import AwkSyntaxError, tokenize, unescape
from simulator.commands.awk.parser import parse
from simulator.dialogue import all_input
from simulator.filesystem import FsError
from simulator.patterns import PatternTooCostly

VERSION = """mawk 1.3.4 20240123
Copyright 2008-2023,2024, Thomas E. Dickey
Copyright 1991-1996,2014, Michael D. Brennan

random-funcs:       srandom/random
regex-funcs:        internal

compiled limits:
sprintf buffer      8192
maximum-integer     2147483647
"""
USAGE = """Usage: mawk [Options] [Program] [file ...]

Program:
    The -f option value is the name of a file containing program text.
    If no -f option is given, a "--" ends option processing; the following
    parameters are the program text.

Options:
    -f program-file  Program  text is read from file instead of from the
                     command-line.  Multiple -f options are accepted.
    -F value         sets the field separator, FS, to value.
    -v var=value     assigns value to program variable var.
    --               unambiguous end of options.

    Implementation-specific options are prefixed with "-W".  They can be
    abbreviated:

    -W version       show version information and exit.
    -W dump          show assembler-like listing of program and exit.
    -W help          show this message and exit.
    -W interactive   set unbuffered output, line-buffered input.
    -W exec file     use file as program as well as last option.
    -W random=number set initial random seed.
    -W sprintf=number adjust size of sprintf buffer.
    -W posix_space   do not consider "\\n" a space.
    -W usage         show this message and exit.
"""
W_OPTIONS = ("version", "dump", "help", "interactive", "exec", "random", "sprintf", "posix_space", "usage")


class Usage(Exception):
    """Options mawk rejects: the message, already in its words."""


def parse_options(args: list[str]):
    """mawk's own option loop: -f -F -v -W, each value attached or the next word; -- ends them."""
    files: list[str] = []
    warnings: list[str] = []
    assignments: list[tuple[str, str]] = []
    fs = None
    wanted = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        letter = arg[1]
        if letter not in "fFvW":
            if arg in ("--version", "--help", "--usage"):
                wanted = arg[2:]
                i += 1
                continue
            raise Usage(f"not an option: {arg}")
        value = arg[2:]
        if not value:
            if i + 1 >= len(args):
                raise Usage(f"option -{letter} lacks argument")
            i += 1
            value = args[i]
        i += 1
        if letter == "f":
            files.append(value)
        elif letter == "F":
            fs = unescape(value)
        elif letter == "v":
            name, equals, text = value.partition("=")
            if not equals or not name.replace("_", "a").isalnum() or name[0].isdigit():
                raise Usage(f"improper assignment: -v {value}")
            assignments.append((name, unescape(text)))
        else:
            option = next((w for w in W_OPTIONS if w.startswith(value.split("=")[0]) and value), None)
            if option is None:
                warnings.append(f"vacuous option: -W {value}")
            elif option in ("version", "help", "usage"):
                wanted = option
    return files, assignments, fs, wanted, warnings, args[i:]


@command(
    "awk",
    man="""
NAME
       awk - pattern scanning and text processing language (mawk 1.3.4 on Ubuntu)

SYNOPSIS
       awk [-F FS] [-v VAR=VALUE] 'PROGRAM' [FILE]...
       awk [-F FS] [-v VAR=VALUE] -f PROGFILE [FILE]...

DESCRIPTION
       For each input record (line), run every `pattern { action }` whose pattern matches; BEGIN and END
       run before and after the input. Fields are $1..$NF ($0 is the whole record).
       -F FS     field separator (a character, or an extended regular expression)
       -v V=X    set variable V before BEGIN
       Variables: NR NF FNR FS OFS ORS RS FILENAME. Functions: length substr index split sub gsub match
       sprintf tolower toupper int sqrt exp log sin cos atan2 rand srand.
       Examples: awk -F: '{print $1}' /etc/passwd      awk '/vmx|svm/ {n++} END {print n+0}' /proc/cpuinfo
                 awk '{s += $2} END {print s}' file     lsmod | awk 'NR > 1 {print $1}'
       Pipes to and from commands and system() are not available in this simulated shell.
""",
)
def awk(ctx: Context, argv: list[str]) -> int:
    prog = argv[0].rsplit("/", 1)[-1]
    try:
        files, assignments, fs, wanted, warnings, operands = parse_options(argv[1:])
    except Usage as problem:
        ctx.err(f"{prog}: {problem}\n")
        return 2
    for warning in warnings:
        ctx.err(f"{prog}: {warning}\n")
    if wanted == "version":
        ctx.out(VERSION)
        return 0
    if wanted in ("help", "usage") or (not files and not operands):
        ctx.err(USAGE)
        return 0
    try:
        program = parse(_program_tokens(ctx, files, operands))
        interpreter = Interpreter(ctx, program, prog, [prog, *operands], assignments, fs)
        interpreter.check_literals(program.regex_literals)
        return interpreter.run()
    except _CannotOpen as error:
        ctx.err(f"{prog}: cannot open {error}\n")
        return 2
    except AwkSyntaxError as error:
        ctx.err(f"{prog}: {error}\n")
        return 2
    except AwkError as error:
        message = str(error)
        ctx.err(f"{prog}: {message}\n")
        if message.startswith("run time error"):
            ctx.err(f'\tFILENAME="{interpreter.vars["FILENAME"]}" FNR={_count(interpreter, "FNR")} ')
            ctx.err(f"NR={_count(interpreter, 'NR')}\n")
        return 2
    except PatternTooCostly:
        ctx.err(f"{prog}: regular expression too costly\n")
        return 2
    except RecursionError:
        ctx.err(f"{prog}: program limit exceeded: nesting too deep\n")
        return 2


command("mawk", man=MAN_PAGES["awk"])(awk)


class _CannotOpen(Exception):
    pass


def _program_tokens(ctx: Context, files: list[str], operands: list[str]) -> list:
    """The program's tokens: the first operand, or each -f file in turn (a file ends as a line does)."""
    if not files:
        return tokenize(operands.pop(0))
    tokens: list = []
    for name in files:
        try:
            text = all_input(ctx) if name == "-" else ctx.machine.fs.read(name, ctx.cwd, ctx.uid)
        except FsError as error:
            raise _CannotOpen(f"{name} ({error.message})") from None
        part = tokenize(text, name)
        if tokens:
            tokens[-1].kind, tokens[-1].value = "NEWLINE", "\n"  # the previous file's end
        tokens.extend(part)
    return tokens


def _count(interpreter: Interpreter, name: str) -> int:
    value = interpreter.vars[name]
    return int(value) if isinstance(value, float) else 0
