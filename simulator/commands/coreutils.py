"""Small GNU coreutils 9.4 tools as Ubuntu 24.04 prints them: seq, yes, basename, dirname, od, du; and rev
(util-linux 2.39), the one-line filter that sits with them.

seq and yes make output without end: they count one `ctx.tick` per line, so the line's budget stops them
as Ctrl-C would (`seq 1 1e9`, `yes`).
"""

from __future__ import annotations

import math
import posixpath
import re
from decimal import Decimal, InvalidOperation

from simulator.commands import Context, command
from simulator.commands.files import blocks_of, human, size_of
from simulator.commands.options import Options, gnu
from simulator.commands.text import read_inputs
from simulator.filesystem import FsError

COREUTILS = "(GNU coreutils) 9.4"
CHUNK = 1024  # lines made between two looks at the budget


def _usage(ctx: Context, prog: str, text: str) -> int:
    ctx.err(f"{prog}: {text}\nTry '{prog} --help' for more information.\n")
    return 1


@command(
    "seq",
    man="""
NAME
       seq - print a sequence of numbers

SYNOPSIS
       seq [OPTION]... LAST
       seq [OPTION]... FIRST LAST
       seq [OPTION]... FIRST INCREMENT LAST

DESCRIPTION
       Print numbers from FIRST (default 1) to LAST, in steps of INCREMENT (default 1).
       -w     equalize width by padding with leading zeroes
       -s STRING   separate the numbers with STRING (default: newline)
       -f FORMAT   printf-style floating-point FORMAT (%g, %f, %e), for example -f '%03g'
       Example: seq -w 1 10; seq -s, 5; seq 0 0.5 2
""",
)
def seq(ctx: Context, argv: list[str]) -> int:
    # Options come first, and a negative number starts the operands (seq.c stops getopt there).
    args = argv[1:]
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1 and not re.match(r"-\.?\d", args[i]):
        if args[i] == "--":
            return seq_main(ctx, ["seq", *args])
        i += 2 if args[i] in ("-s", "-f", "--separator", "--format") else 1
    return seq_main(ctx, ["seq", *args[:i], "--", *args[i:]])


@gnu("ws:f:", {"equal-width": "w", "separator=": "s", "format=": "f"}, version=COREUTILS)
def seq_main(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _usage(ctx, "seq", "missing operand")
    if len(operands) > 3:
        return _usage(ctx, "seq", f"extra operand ‘{operands[3]}’")
    numbers = []
    for text in operands:
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            return _usage(ctx, "seq", f"invalid floating point argument: ‘{text}’")
        if value.is_nan():
            return _usage(ctx, "seq", f"invalid ‘not-a-number’ argument: ‘{text}’")
        numbers.append(value)
    first, step, last = Decimal(1), Decimal(1), numbers[-1]
    if len(numbers) > 1:
        first = numbers[0]
    if len(numbers) == 3:
        step = numbers[1]
        if step == 0:
            return _usage(ctx, "seq", f"invalid Zero increment value: ‘{operands[1]}’")
    template = opts.get("f")
    printf = ""
    if template is not None:
        problem = _format_problem(template)
        if problem:
            ctx.err(f"seq: {problem}\n")
            return 1
        printf = _python_format(template)
        if "w" in opts:
            return _usage(ctx, "seq", "format string may not be specified when printing equal width strings")
    # the precision of FIRST and INCREMENT (never LAST) decides how every number is printed
    precision = max(_precision(operands[0]), _precision(operands[1])) if len(operands) > 1 else 0
    width = 0
    if "w" in opts and first.is_finite() and last.is_finite():
        width = max(len(f"{first:.{precision}f}"), len(f"{last:.{precision}f}"))
    separator = opts.get("s", "\n")
    started = False
    for values in _sequence(first, step, last, precision):
        if getattr(ctx, "truncated", False):  # the shell keeps no more of this output: only count
            ctx.tick(len(values))
            continue
        if template is not None:
            chunk = [printf % (float(value) / 10**precision) for value in values]
        else:
            chunk = [_fixed(value, precision) for value in values]
        if width:
            chunk = [_zero_pad(text, width) for text in chunk]
        ctx.tick(len(chunk))
        ctx.out((separator if started else "") + separator.join(chunk))
        started = True
    if started:
        ctx.out("\n")
    return 0


def _sequence(first: Decimal, step: Decimal, last: Decimal, precision: int):
    """Chunks of FIRST + i * INCREMENT up to LAST, as whole numbers of 10**-precision: exact decimal
    arithmetic (0.1 0.1 0.3 ends on 0.3, as seq prints it) at the speed of integers."""
    if not (first.is_finite() and step.is_finite()):
        # inf + anything stays inf: seq prints it until stopped; an infinite step leaves FIRST alone
        if (step > 0 and first <= last) or (step < 0 and first >= last):
            while True:
                yield [first] * CHUNK if not first.is_finite() else [first]
                if first.is_finite():
                    return
        return
    digits = max(precision, -last.as_tuple().exponent if last.is_finite() else 0, 0)
    shift = 10 ** (digits - precision)
    value = int(first.scaleb(precision))
    increment = int(step.scaleb(precision))
    end = last.scaleb(digits)
    # the last whole number (in units of 10**-precision) the sequence may reach, or None for no end
    if not end.is_finite():
        bound = None if (end > 0) == (increment > 0) else value - increment
    elif increment > 0:
        bound = math.floor(end) // shift
    else:
        bound = -(math.floor(-end) // shift)
    while bound is None or (value <= bound if increment > 0 else value >= bound):
        stop = value + increment * CHUNK
        if bound is not None:
            stop = min(stop, bound + 1) if increment > 0 else max(stop, bound - 1)
        yield range(value, stop, increment)
        value = stop


def _fixed(value, precision: int) -> str:
    """A whole number of 10**-precision written with `precision` decimals, as %.Nf writes it."""
    if isinstance(value, Decimal):  # only FIRST, when it or the step is infinite
        return (
            str(value).lower().replace("infinity", "inf")
            if not value.is_finite()
            else f"{value:.{precision}f}"
        )
    if not precision:
        return str(value)
    digits = str(abs(value)).rjust(precision + 1, "0")
    return f"{'-' if value < 0 else ''}{digits[:-precision]}.{digits[-precision:]}"


def _precision(text: str) -> int:
    """Digits after the point, as seq.c's scan_arg counts them (an exponent moves the point)."""
    mantissa, _, exponent = text.strip().lower().partition("e")
    digits = len(mantissa.partition(".")[2])
    if exponent:
        try:
            digits -= int(exponent)
        except ValueError:
            return 0
    return max(digits, 0)


def _zero_pad(text: str, width: int) -> str:
    if text.startswith("-"):
        return "-" + text[1:].rjust(width - 1, "0")
    return text.rjust(width, "0")


def _format_problem(template: str) -> str:
    directives = re.findall(r"%(%|[-+ #0']*\d*(?:\.\d*)?[a-zA-Z]?)", template)
    real = [d for d in directives if d != "%"]
    if not real:
        return f"format ‘{template}’ has no % directive"
    if len(real) > 1:
        return f"format ‘{template}’ has too many % directives"
    if not real[0] or real[0][-1] not in "eEfFgG":  # (glibc's hexadecimal %a is not modelled)
        return f"format ‘{template}’ has unknown %{real[0][-1:]} directive"
    return ""


def _python_format(template: str) -> str:
    """The -f FORMAT as a Python %-format of one float (the ' grouping flag dropped: C locale)."""
    return re.sub(
        r"%(%|[-+ #0']*\d*(?:\.\d*)?[eEfFgG])",
        lambda m: "%%" if m.group(1) == "%" else "%" + m.group(1).replace("'", ""),
        template.replace("%%", "\0"),
    ).replace("\0", "%%")


@command(
    "yes",
    man="""
NAME
       yes - output a string repeatedly until killed

SYNOPSIS
       yes [STRING]...

DESCRIPTION
       Repeatedly output a line with all specified STRING(s), or 'y'. Stop it with Ctrl-C
       (in GuestLab it stops when the line's work budget is spent).
""",
)
@gnu("", version=COREUTILS)
def yes(ctx: Context, opts: Options, operands: list[str]) -> int:
    block = (" ".join(operands) if operands else "y") + "\n"
    block *= CHUNK
    while True:
        ctx.tick(CHUNK // 64)  # a block costs little: `yes | head` must fill the pipe before the budget ends
        ctx.out(block)


@command(
    "basename",
    man="""
NAME
       basename - strip directory and suffix from filenames

SYNOPSIS
       basename NAME [SUFFIX]
       basename OPTION... NAME...

DESCRIPTION
       Print NAME with any leading directory components removed, and a trailing SUFFIX if given.
       -a     support multiple arguments and treat each as a NAME
       -s SUFFIX   remove a trailing SUFFIX; implies -a
       -z     end each output line with NUL, not newline
       Example: basename /usr/bin/sort  ->  sort;  basename include/stdio.h .h  ->  stdio
""",
)
@gnu("as:z", {"multiple": "a", "suffix=": "s", "zero": "z"}, version=COREUTILS)
def basename(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _usage(ctx, "basename", "missing operand")
    suffix = opts.get("s")
    names = operands
    if "a" not in opts and suffix is None:
        if len(operands) > 2:
            return _usage(ctx, "basename", f"extra operand ‘{operands[2]}’")
        names, suffix = operands[:1], operands[1] if len(operands) == 2 else None
    end = "\0" if "z" in opts else "\n"
    ctx.out("".join(_base(name, suffix) + end for name in names))
    return 0


def _base(name: str, suffix: str | None) -> str:
    stripped = name.rstrip("/")
    if not stripped:
        return "/" if name else ""
    base = stripped.rsplit("/", 1)[-1]
    if suffix and base != suffix and base.endswith(suffix):
        base = base[: -len(suffix)]
    return base


@command(
    "dirname",
    man="""
NAME
       dirname - strip last component from file name

SYNOPSIS
       dirname [OPTION] NAME...

DESCRIPTION
       Print each NAME with its last non-slash component and trailing slashes removed; if NAME
       contains no /'s, print '.' (the current directory).
       -z     end each output line with NUL, not newline
       Example: dirname /usr/bin/  ->  /usr;  dirname stdio.h  ->  .
""",
)
@gnu("z", {"zero": "z"}, version=COREUTILS)
def dirname(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _usage(ctx, "dirname", "missing operand")
    end = "\0" if "z" in opts else "\n"
    ctx.out("".join(_dir(name) + end for name in operands))
    return 0


def _dir(name: str) -> str:
    stripped = name.rstrip("/")
    if not stripped:
        return "/" if name else "."
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0].rstrip("/")
    return head or "/"


@command(
    "rev",
    man="""
NAME
       rev - reverse lines characterwise

SYNOPSIS
       rev [FILE]...

DESCRIPTION
       Copy the FILEs (or standard input) to standard output, reversing the order of characters
       in every line. (util-linux)
""",
)
@gnu("0", {"zero": "0"}, version="from util-linux 2.39.3")
def rev(ctx: Context, opts: Options, operands: list[str]) -> int:
    status = 0
    end = "\0" if "0" in opts else "\n"
    for _, text in read_inputs(ctx, "rev", operands, "cannot open {name}"):
        if text is None:
            status = 1
            continue
        lines = text.split(end)
        ctx.tick(len(lines))
        ctx.out(end.join(line[::-1] for line in lines))
    return status


# od's output types: (bytes per element, field width, how one element is written)
OD_TYPES = {
    "c": (1, 4, None),
    "a": (1, 4, None),
    "o1": (1, 4, "{:03o}"),
    "o2": (2, 7, "{:06o}"),
    "o4": (4, 12, "{:011o}"),
    "x1": (1, 3, "{:02x}"),
    "x2": (2, 5, "{:04x}"),
    "x4": (4, 9, "{:08x}"),
    "d1": (1, 5, "{:d}"),
    "d2": (2, 7, "{:d}"),
    "d4": (4, 12, "{:d}"),
    "u1": (1, 4, "{:d}"),
    "u2": (2, 6, "{:d}"),
    "u4": (4, 11, "{:d}"),
}
OD_ESCAPES = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
OD_NAMES = (
    "nul soh stx etx eot enq ack bel bs ht nl vt ff cr so si dle dc1 dc2 dc3 dc4 nak syn etb can em sub esc "
    "fs gs rs us sp"
).split()


@command(
    "od",
    man="""
NAME
       od - dump files in octal and other formats

SYNOPSIS
       od [OPTION]... [FILE]...

DESCRIPTION
       Write an unambiguous representation, octal bytes by default, of FILE (or standard input).
       -A RADIX   addresses in d, o (default), x or n (none)      -An   no addresses
       -t TYPE    c (characters), a (named characters), x1 x2 x4 (hex), o1 o2 o4 (octal),
                  d1 d2 d4 (signed decimal), u1 u2 u4 (unsigned decimal)
       -c  same as -t c     -x  same as -t x2     -b  same as -t o1     -d  same as -t u2
       -N BYTES   read at most BYTES     -j BYTES   skip BYTES first     -v  do not collapse repeats (*)
       Example: od -c /etc/hostname shows a trailing \\n; od -An -t x1 shows bytes in hex.
""",
)
@gnu("A:t:cxbdvoN:j:", {"address-radix=": "A", "format=": "t", "read-bytes=": "N", "skip-bytes=": "j"})
def od(ctx: Context, opts: Options, operands: list[str]) -> int:
    types = []
    for key in opts.order:
        if key == "t":
            continue
        if key in "cxbdo":
            types.append({"c": "c", "x": "x2", "b": "o1", "d": "u2", "o": "o2"}[key])
    for spec in opts.all("t"):
        parsed = _od_types(spec)
        if isinstance(parsed, str):
            ctx.err(f"od: {parsed}\n")
            return 1
        types.extend(parsed)
    types = types or ["o2"]
    radix = opts.get("A", "o")
    if radix not in ("d", "o", "x", "n"):
        ctx.err(f"od: invalid output address radix '{radix}'; it must be one character from [doxn]\n")
        return 1
    status = 0
    data = b""
    opened = False
    for _, text in read_inputs(ctx, "od", operands):
        if text is None:
            status = 1
            continue
        opened = True
        data += text.encode("utf-8", "surrogateescape")
    if not opened:
        return status
    for key, option in (("j", "skip-bytes"), ("N", "read-bytes")):
        value = opts.get(key)
        if value is not None and not value.isdigit():
            ctx.err(f"od: invalid --{option} argument ‘{value}’\n")
            return 1
    data = data[int(opts.get("j", "0")) :]
    if opts.get("N") is not None:
        data = data[: int(opts.get("N", "0"))]
    ctx.out(_od_dump(ctx, data, types, radix, "v" in opts))
    return status


def _od_types(spec: str) -> list[str] | str:
    out = []
    i = 0
    while i < len(spec):
        letter = spec[i]
        if letter in "ca":
            out.append(letter)
            i += 1
            continue
        if letter not in "doux":
            return f"invalid character '{letter}' in type string ‘{spec}’"
        size = re.match(r"\d*", spec[i + 1 :]).group(0)
        i += 1 + len(size)
        name = letter + (size or "4")  # no size: an int
        if name not in OD_TYPES:
            return f"invalid type string ‘{spec}’;\nthis system doesn't provide a {size}-byte integral type"
        out.append(name)
    return out


def _od_dump(ctx: Context, data: bytes, types: list[str], radix: str, verbose: bool) -> str:
    per_byte = max(OD_TYPES[t][1] / OD_TYPES[t][0] for t in types)
    lines = []
    previous = None
    starred = False
    for offset in range(0, len(data), 16):
        ctx.tick()
        block = data[offset : offset + 16]
        if block == previous and not verbose:
            if not starred:
                lines.append("*\n")
                starred = True
            continue
        previous, starred = block, False
        for index, kind in enumerate(types):
            size, _, _ = OD_TYPES[kind]
            width = int(per_byte * size)
            fields = "".join(_od_field(block, i, kind).rjust(width) for i in range(0, len(block), size))
            address = _od_address(offset, radix) if index == 0 else " " * len(_od_address(0, radix))
            lines.append(address + fields + "\n")
    if radix != "n":
        lines.append(_od_address(len(data), radix).rstrip() + "\n")
    return "".join(lines)


def _od_address(offset: int, radix: str) -> str:
    if radix == "n":
        return ""
    return {"o": "{:07o}", "d": "{:07d}", "x": "{:06x}"}[radix].format(offset)


def _od_field(block: bytes, i: int, kind: str) -> str:
    if kind == "c":
        byte = block[i]
        if byte in OD_ESCAPES:
            return OD_ESCAPES[byte]
        return chr(byte) if 32 <= byte < 127 else f"{byte:03o}"
    if kind == "a":
        byte = block[i] & 0x7F
        return OD_NAMES[byte] if byte <= 32 else "del" if byte == 127 else chr(byte)
    size, _, template = OD_TYPES[kind]
    chunk = block[i : i + size].ljust(size, b"\0")
    value = int.from_bytes(chunk, "little", signed=kind[0] == "d")
    return template.format(value)


@command(
    "du",
    man="""
NAME
       du - estimate file space usage

SYNOPSIS
       du [OPTION]... [FILE]...

DESCRIPTION
       Summarize the disk usage of each FILE (default .), recursively for directories, in KiB.
       -a     write counts for all files, not just directories
       -s     display only a total for each argument       -c   produce a grand total
       -h     print sizes in human readable format (4.0K, 1.5M)
       -d N, --max-depth=N   print a directory total only if it is N or fewer levels below
       -k     1024-byte blocks (default)    -m   1 MiB blocks
       --apparent-size   print apparent sizes (bytes in the file) rather than disk usage
       -b     apparent size in bytes
       Example: sudo du -sh /var/log
""",
)
@gnu(
    "ashckmd:bx",
    {
        "all": "a",
        "summarize": "s",
        "human-readable": "h",
        "total": "c",
        "max-depth=": "d",
        "apparent-size": "apparent",
        "bytes": "b",
        "one-file-system": "x",
    },
    version=COREUTILS,
)
def du(ctx: Context, opts: Options, operands: list[str]) -> int:
    depth = opts.get("d")
    if depth is not None and not re.fullmatch(r"\d+", depth):
        ctx.err(f"du: invalid maximum depth ‘{depth}’\nTry 'du --help' for more information.\n")
        return 1
    if "s" in opts and depth is not None and depth != "0":
        ctx.err(f"du: warning: summarizing conflicts with --max-depth={depth}\n")
        ctx.err("Try 'du --help' for more information.\n")
        return 1
    max_depth = 0 if "s" in opts else int(depth) if depth is not None else -1
    apparent = "apparent" in opts or "b" in opts
    unit = opts.last_of("k", "m", "b", "h") or "k"
    status = 0
    grand = 0
    seen: set[str] = set()  # du counts each file once, however many operands reach it
    for operand in operands or ["."]:
        fs = ctx.machine.fs
        try:
            real = fs.resolve(operand, ctx.cwd, follow=False, uid=ctx.uid)
            if real not in fs.nodes:
                raise FsError("ENOENT", operand)
        except FsError as error:
            ctx.err(f"du: cannot access '{operand}': {error.message}\n")
            status = 1
            continue
        total, failed = _du_walk(ctx, real, operand, 0, (max_depth, "a" in opts, apparent, unit), seen)
        grand += total
        status = status or failed
    if "c" in opts:
        ctx.out(f"{_du_size(grand, apparent, unit)}\ttotal\n")
    return status


def _du_walk(ctx: Context, real: str, shown: str, depth: int, how: tuple, seen: set[str]) -> tuple[int, int]:
    """(bytes, failed) of the tree at `real`, printing each directory (and with -a each file) after
    its contents, as du does; `how` is (max depth, -a, apparent sizes, unit)."""
    max_depth, every, apparent, unit = how
    fs = ctx.machine.fs
    ctx.tick()
    if real in seen:
        return 0, 0
    seen.add(real)
    node = fs.nodes[real]
    own = size_of(real, node) if apparent else blocks_of(real, node) * 1024
    if apparent and node.kind == "symlink":
        own = node.size
    total, failed = own, 0
    if node.kind == "dir":
        try:
            names = fs.listdir(real, uid=ctx.uid)
        except FsError as error:
            ctx.err(f"du: cannot read directory '{shown}': {error.message}\n")
            names, failed = [], 1
        for name in names:
            child = posixpath.join(real, name)
            child_shown = shown + name if shown.endswith("/") else f"{shown}/{name}"
            size, bad = _du_walk(ctx, child, child_shown, depth + 1, how, seen)
            total += size
            failed = failed or bad
    if (node.kind == "dir" or every or depth == 0) and (max_depth < 0 or depth <= max_depth):
        ctx.out(f"{_du_size(total, apparent, unit)}\t{shown}\n")
    return total, failed


def _du_size(size: int, apparent: bool, unit: str) -> str:
    if unit == "b":
        return str(size)
    if unit == "h":
        return human(size)
    block = 1 << 20 if unit == "m" else 1024
    return str(-(-size // block))
