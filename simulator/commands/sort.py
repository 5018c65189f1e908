"""sort as GNU coreutils 9.4 sorts in the C.UTF-8 locale (byte order): keys (-k F[.C][opts][,F[.C][opts]],
repeatable), -t, -n -g -h -V -M -f -b -d -i -r per key or globally, -u, -s, -c/-C, -o, -z.

Lines equal on every key are ordered by the whole line (the "last resort" comparison), unless -s or -u;
-u keeps the first line of each run of equal keys.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from simulator.commands import Context, command
from simulator.commands.options import Options, gnu
from simulator.commands.text import COREUTILS, read_inputs
from simulator.filesystem import FsError

ORDERING = "bdfgiMhnRrV"
KEY_SPEC = re.compile(r"(\d+)(?:\.(\d+))?([bdfgiMhnRrV]*)(?:,(\d+)(?:\.(\d+))?([bdfgiMhnRrV]*))?")
NUMBER = re.compile(r"[ \t]*(-?)(\d*)(?:\.(\d*))?")
GENERAL = re.compile(
    r"[ \t]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[ \t]*[-+]?(?:inf(?:inity)?|nan)", re.IGNORECASE
)
HUMAN = re.compile(r"[ \t]*(-?)(\d*(?:\.\d*)?)([KMGTPEZYRQk]?)")
SUFFIXES = "KMGTPEZYRQ"
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


@dataclass
class Key:
    start_field: int
    start_char: int
    end_field: int  # 0: to the end of the line
    end_char: int  # 0: to the end of the field
    flags: str


class SortError(Exception):
    pass


def parse_key(spec: str, global_flags: str) -> Key:
    match = KEY_SPEC.fullmatch(spec)
    if not match:
        lead = re.match(r"\d*", spec).group()
        if lead and spec[len(lead) :].startswith("."):
            raise SortError(f"invalid number after '.': invalid count at start of '{spec[len(lead) + 1 :]}'")
        raise SortError(f"invalid number at field start: invalid count at start of '{spec[len(lead) :]}'")
    start, start_char, start_flags, end, end_char, end_flags = match.groups()
    if int(start) == 0:
        raise SortError(f"field number is zero: invalid field specification '{spec}'")
    if start_char is not None and int(start_char) == 0:
        raise SortError(f"character offset is zero: invalid field specification '{spec}'")
    flags = (start_flags or "") + (end_flags or "")
    if not any(flag in flags for flag in ORDERING if flag != "b"):
        flags = global_flags + flags
    return Key(int(start), int(start_char or 1), int(end or 0), int(end_char or 0), flags)


def fields_of(line: str, separator: str | None) -> list[tuple[int, int]]:
    """(start, end) of each field: with -t, between separators; else each field keeps its leading blanks."""
    if separator is not None:
        spans, start = [], 0
        while True:
            cut = line.find(separator, start)
            if cut < 0:
                spans.append((start, len(line)))
                return spans
            spans.append((start, cut))
            start = cut + 1
    return [match.span() for match in re.finditer(r"[ \t]*[^ \t]+", line)] or [(0, 0)]


def key_text(line: str, key: Key, separator: str | None) -> str:
    spans = fields_of(line, separator)
    if key.start_field > len(spans):
        return ""
    begin = spans[key.start_field - 1][0]
    if "b" in key.flags:
        while begin < len(line) and line[begin] in " \t":
            begin += 1
    begin = min(begin + key.start_char - 1, len(line))
    if key.end_field == 0 or key.end_field > len(spans):
        end = len(line)
    else:
        field_start, field_end = spans[key.end_field - 1]
        if key.end_char == 0:
            end = field_end
        else:
            skip = field_start
            if "b" in key.flags:
                while skip < field_end and line[skip] in " \t":
                    skip += 1
            end = min(skip + key.end_char, field_end)
    return line[begin:end] if end > begin else ""


def numeric_value(text: str) -> float:
    match = NUMBER.match(text)
    sign, whole, fraction = match.groups()
    if not whole and not fraction:
        return 0.0
    value = float(f"{whole or 0}.{fraction or 0}")
    return -value if sign else value


def general_value(text: str) -> tuple:
    match = GENERAL.match(text)
    if not match:
        return (0, 0.0)  # not a number: before every number
    value = float(match.group().strip())
    if value != value:
        return (1, 0.0)
    return (2, value)


def human_value(text: str) -> tuple:
    sign, number, suffix = HUMAN.match(text).groups()
    magnitude = SUFFIXES.index(suffix.upper()) + 1 if suffix else 0
    value = float(number) if number not in ("", ".") else 0.0
    direction = -1 if sign and (value or magnitude) else 1
    return (direction, direction * magnitude, direction * value)


def month_value(text: str) -> int:
    word = text.lstrip(" \t")[:3].upper()
    return MONTHS.index(word) + 1 if word in MONTHS else 0


def _version_order(c: str) -> int:
    if c == "" or c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return -1 if c == "~" else ord(c) + 256


def compare_version(a: str, b: str) -> int:
    """Debian's version order (coreutils filevercmp): ~ first, letters before other characters,
    digit runs compared as numbers."""
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            x = _version_order(a[i] if i < len(a) else "")
            y = _version_order(b[j] if j < len(b) else "")
            if x != y:
                return -1 if x < y else 1
            i, j = i + 1, j + 1
        run_a = re.match(r"0*(\d*)", a[i:])
        run_b = re.match(r"0*(\d*)", b[j:])
        i, j = i + run_a.end(), j + run_b.end()
        x, y = run_a.group(1), run_b.group(1)
        if (len(x), x) != (len(y), y):
            return -1 if (len(x), x) < (len(y), y) else 1
    return 0


def transform(text: str, flags: str) -> str:
    if "d" in flags:
        text = "".join(c for c in text if c.isalnum() or c in " \t")
    if "i" in flags:
        text = "".join(c for c in text if c.isprintable())
    if "f" in flags:
        text = text.upper()
    return text


def compare_keys(a: str, b: str, flags: str) -> int:
    if "n" in flags:
        x, y = numeric_value(a), numeric_value(b)
    elif "g" in flags:
        x, y = general_value(a), general_value(b)
    elif "h" in flags:
        x, y = human_value(a), human_value(b)
    elif "M" in flags:
        x, y = month_value(a), month_value(b)
    elif "V" in flags:
        return compare_version(a, b)
    else:
        x, y = transform(a, flags).encode(), transform(b, flags).encode()
    return (x > y) - (x < y)


class Sorter:
    def __init__(self, opts: Options, keys: list[Key]):
        self.keys = keys
        self.separator = opts.get("t")
        self.reverse = "r" in opts
        self.last_resort = not ("s" in opts or "u" in opts)

    def compare(self, a: str, b: str) -> int:
        for key in self.keys:
            left, right = key_text(a, key, self.separator), key_text(b, key, self.separator)
            result = compare_keys(left, right, key.flags)
            if result:
                return -result if "r" in key.flags else result
        if not self.last_resort:
            return 0
        result = (a.encode() > b.encode()) - (a.encode() < b.encode())
        return -result if self.reverse else result


@command(
    "sort",
    man="""
NAME
       sort - sort lines of text files

SYNOPSIS
       sort [OPTION]... [FILE]...

DESCRIPTION
       Write the sorted lines of all FILEs (or standard input), in byte order (C.UTF-8 locale).
       -r     reverse        -n   numeric (by leading number)    -u   only the first of equal lines
       -f     ignore case    -h   human sizes (2K 1G)    -V   versions    -g   general numbers
       -k F[,G]   sort by fields F to G (-k2,2n: field 2 numerically; repeat -k for ties)
       -t SEP     fields are separated by SEP     -s   stable (no last-resort comparison)
       -c     check whether the input is sorted   -o FILE   write the result to FILE
       Example: sort -t: -k3,3n /etc/passwd sorts users by UID.
""",
)
@gnu(
    "bcCdfghik:Mno:rRst:uVz",
    {
        "ignore-leading-blanks": "b",
        "check": "c",
        "dictionary-order": "d",
        "ignore-case": "f",
        "general-numeric-sort": "g",
        "human-numeric-sort": "h",
        "ignore-nonprinting": "i",
        "key=": "k",
        "month-sort": "M",
        "numeric-sort": "n",
        "output=": "o",
        "reverse": "r",
        "random-sort": "R",
        "stable": "s",
        "field-separator=": "t",
        "unique": "u",
        "version-sort": "V",
        "zero-terminated": "z",
    },
    status=2,
    version=COREUTILS,
)
def sort(ctx: Context, opts: Options, operands: list[str]) -> int:
    global_flags = "".join(flag for flag in ORDERING if flag in opts and flag != "r")
    separator = opts.get("t")
    if separator is not None and len(separator) != 1:
        ctx.err(f"sort: multi-character tab '{separator}'\n")
        return 2
    try:
        keys = [parse_key(spec, global_flags + ("r" if "r" in opts else "")) for spec in opts.all("k")]
    except SortError as error:
        ctx.err(f"sort: {error}\n")
        return 2
    if not keys:  # the whole line is the key
        keys = [Key(1, 1, 0, 0, global_flags + ("r" if "r" in opts else ""))]
    delimiter = "\0" if "z" in opts else "\n"
    sorter = Sorter(opts, keys)
    lines: list[str] = []
    names: list[str] = []
    for name, text in read_inputs(ctx, "sort", operands, "cannot read: {name}"):
        if text is None:
            return 2
        pieces = text.split(delimiter)
        if pieces[-1] == "":
            pieces.pop()
        lines.extend(pieces)
        names.append(name)
        ctx.tick(len(pieces) // 64 + 1)
    ordering = functools.cmp_to_key(sorter.compare)
    if "c" in opts or "C" in opts:
        return _check(ctx, opts, sorter, lines, names[0] if names else "-")
    ctx.tick(len(lines) // 16 + 1)
    ordered = sorted(lines, key=ordering)
    if "u" in opts:
        unique: list[str] = []
        for line in ordered:
            if not unique or sorter.compare(unique[-1], line) != 0:
                unique.append(line)
        ordered = unique
    text = "".join(line + delimiter for line in ordered)
    target = opts.get("o")
    if target is None:
        ctx.out(text)
        return 0
    try:
        ctx.machine.fs.write(target, text, ctx.cwd, ctx.uid)
    except FsError as error:
        ctx.err(f"sort: open failed: {target}: {error.message}\n")
        return 2
    return 0


def _check(ctx: Context, opts: Options, sorter: Sorter, lines: list[str], name: str) -> int:
    strict = "u" in opts
    for number in range(1, len(lines)):
        result = sorter.compare(lines[number - 1], lines[number])
        if result > 0 or (strict and result == 0):
            if "C" not in opts:
                shown = "-" if name == "-" else name
                ctx.err(f"sort: {shown}:{number + 1}: disorder: {lines[number]}\n")
            return 1
    return 0
