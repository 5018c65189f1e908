"""awk's printf and sprintf formats, as mawk applies C's printf to awk values.

mawk converts %d and %i arguments with its maximum integer (2147483647) as the bound and %c of a
number to that character; a missing argument is a run time error naming the format.
"""

from __future__ import annotations

import math
import re

from simulator.commands.awk.values import MAX_INT, to_int, to_number, to_string

MAX_WIDTH = 8192  # mawk's sprintf buffer: no field may be wider
SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([cdiouxXeEfFgGs%])?")


class PrintfError(Exception):
    pass


def format_printf(interp, name: str, values: list) -> str:
    """The text printf (or sprintf, `name`) makes of values[0] applied to values[1:]."""
    from simulator.commands.awk.interp import AwkError

    fmt = to_string(values[0], interp.convfmt)
    args = values[1:]
    out: list[str] = []
    position = 0
    used = 0

    def next_arg():
        nonlocal used
        if used >= len(args):
            error = AwkError(f'run time error: not enough arguments passed to {name}("{fmt}")')
            error.partial = "".join(out)
            raise error
        used += 1
        return args[used - 1]

    while True:
        start = fmt.find("%", position)
        if start < 0:
            out.append(fmt[position:])
            break
        out.append(fmt[position:start])
        match = SPEC.match(fmt, start)
        flags, width, precision, conversion = match.groups()
        if conversion is None:
            out.append(fmt[start : match.end()])
            position = match.end()
            if match.end() == start + 1:
                position = start + 1
            continue
        position = match.end()
        if conversion == "%":
            out.append("%")
            continue
        if width == "*":
            width = str(to_int(to_number(next_arg())))
            if width.startswith("-"):
                flags, width = flags + "-", width[1:]
        if precision == "*":
            precision = str(max(to_int(to_number(next_arg())), 0))
        if int(width or 0) > MAX_WIDTH or int(precision or 0) > MAX_WIDTH:
            raise AwkError(f"program limit exceeded: sprintf buffer size={MAX_WIDTH}")
        out.append(convert(flags, width or "", precision, conversion, next_arg(), interp.convfmt))
    return "".join(out)


def convert(flags: str, width: str, precision: str | None, conversion: str, value, convfmt: str) -> str:
    spec = "%" + flags + width + ("." + precision if precision is not None else "")
    plain = "%" + flags.replace("0", "") + width  # for text: no zero padding, no precision
    if conversion == "c":
        if isinstance(value, float):
            code = to_int(value) & 0xFF
            text = chr(code) if code else ""
        else:
            text = str(value)[:1]
        return (plain + "s") % text
    if conversion == "s":
        return (spec + "s") % to_string(value, convfmt)
    number = to_number(value)
    if conversion in "di":
        return (spec + "d") % clamp(number, -MAX_INT, MAX_INT)
    if conversion == "o" and "#" in flags:  # C's alternate octal form is a leading 0, Python's is 0o
        digits = f"{clamp(number, 0, 2**64 - 1):o}"
        return ("%" + flags.replace("#", "") + width + "s") % ("0" + digits if digits != "0" else digits)
    if conversion in "ouxX":
        return (spec + ("d" if conversion == "u" else conversion)) % clamp(number, 0, 2**64 - 1)
    if math.isnan(number) or math.isinf(number):
        text = "-nan" if math.isnan(number) else ("inf" if number > 0 else "-inf")
        return (plain + "s") % (text.upper() if conversion.isupper() else text)
    return (spec + conversion) % number


def clamp(number: float, low: int, high: int) -> int:
    if math.isnan(number):
        return low
    if number >= high:
        return high
    if number <= low:
        return low
    return int(number)
