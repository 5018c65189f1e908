"""awk's built-in functions as mawk computes them (substr's rounding, index("", ...) == 0, ASCII-only
toupper/tolower, rand() from a seeded generator so a transcript stays the same)."""

from __future__ import annotations

import math

from simulator.commands.awk.interp import AwkError
from simulator.commands.awk.printf import format_printf
from simulator.commands.awk.values import strnum, to_int, to_number, to_string

SPRINTF_BUFFER = 8192
ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def call_builtin(interp, name: str, args: list):
    convfmt = interp.convfmt

    def text(index: int) -> str:
        return to_string(interp.eval(args[index]), convfmt)

    def number(index: int) -> float:
        return to_number(interp.eval(args[index]))

    if name == "length":
        if not args:
            return float(len(interp.record))
        if args[0][0] == "var":
            held = interp.scope(args[0][1]).get(args[0][1])
            if isinstance(held, dict):
                return float(len(held))
        return float(len(text(0).encode()))  # mawk counts bytes
    if name == "substr":
        return substr(text(0), number(1), number(2) if len(args) == 3 else None)
    if name == "index":
        haystack, needle = text(0), text(1)
        return float(haystack.find(needle) + 1)
    if name == "split":
        return split(interp, args)
    if name in ("sub", "gsub"):
        return substitute(interp, name == "gsub", args)
    if name == "match":
        found = interp.regex_of(args[1]).search_from(text(0))
        start, length = (found.start() + 1, found.end() - found.start()) if found else (0, -1)
        interp.vars["RSTART"], interp.vars["RLENGTH"] = float(start), float(length)
        return float(start)
    if name == "sprintf":
        result = format_printf(interp, "sprintf", [interp.eval(arg) for arg in args])
        if len(result) > SPRINTF_BUFFER:
            raise AwkError(f"program limit exceeded: sprintf buffer size={SPRINTF_BUFFER}")
        return result
    if name == "tolower":
        return text(0).translate(ASCII_LOWER)
    if name == "toupper":
        return text(0).translate(ASCII_UPPER)
    if name == "int":
        value = number(0)
        return float(math.trunc(value)) if math.isfinite(value) else value
    if name in ("sqrt", "exp", "log", "sin", "cos"):
        return math_function(name, number(0))
    if name == "atan2":
        return math.atan2(number(0), number(1))
    if name == "rand":
        return interp.random.random()
    if name == "srand":
        previous = interp.seed
        clock = getattr(interp.ctx.machine, "now", None)
        interp.seed = number(0) if args else float(clock() if callable(clock) else 0)
        interp.random.seed(interp.seed)
        return previous
    if name == "close":
        return interp.close(text(0))
    if name == "system":
        raise AwkError(interp.refusal(text(0)))
    return 0.0  # fflush


def math_function(name: str, value: float) -> float:
    try:
        if name == "sqrt":
            return math.sqrt(value) if value >= 0 else -math.nan
        if name == "exp":
            return math.exp(value)
        if name == "log":
            if value == 0:
                return -math.inf
            return math.log(value) if value > 0 else -math.nan
        return math.sin(value) if name == "sin" else math.cos(value)
    except OverflowError:
        return math.inf
    except ValueError:
        return -math.nan


def substr(text: str, start: float, length: float | None) -> str:
    """mawk's bi_substr: truncated start and length, a start before 1 eats into the length."""
    size = len(text)
    if size == 0:
        return ""
    count = size if length is None else to_int(length)
    begin = to_int(start) - 1
    if begin > size:
        count = 0
    if begin < 0:
        count -= begin + 1
        begin = 0
    count = min(count, size - begin)
    return text[begin : begin + count] if count > 0 else ""


def split(interp, args: list) -> float:
    source = to_string(interp.eval(args[0]), interp.convfmt)
    if args[1][0] != "var":
        raise AwkError("line 1: syntax error at or near )")
    array = interp.get_array(args[1][1])
    if len(args) == 3:
        separator = ("regex", args[2][1]) if args[2][0] == "regex" else interp.eval(args[2])
    else:
        separator = interp.vars["FS"]
    pieces = interp.split_text(source, separator, paragraph=False)
    array.clear()
    for index, piece in enumerate(pieces, 1):
        array[str(index)] = strnum(piece)
    interp.ctx.tick(len(pieces) // 64 + 1)
    return float(len(pieces))


def substitute(interp, every: bool, args: list) -> float:
    regex = interp.regex_of(args[0])
    replacement = to_string(interp.eval(args[1]), interp.convfmt)
    target = args[2] if len(args) == 3 else ("field", ("num", 0.0))
    if target[0] not in ("var", "index", "field"):
        raise AwkError("line 1: sub() third argument must be a variable")
    text = to_string(interp.lvalue(target), interp.convfmt)
    out: list[str] = []
    count = 0
    position = 0
    last_end = -1
    while position <= len(text):
        found = regex.search_from(text, position)
        if found is None:
            break
        start, end = found.span()
        if start == end and start == last_end:
            # no empty match right after a match: step over one character
            if start >= len(text):
                break
            out.append(text[position : start + 1])
            position = start + 1
            continue
        out.append(text[position:start])
        out.append(expand(replacement, text[start:end]))
        count += 1
        last_end = end
        interp.ctx.tick()
        if end == start:
            if start < len(text):
                out.append(text[start])
            position = start + 1
        else:
            position = end
        if not every:
            break
    if count == 0:
        return 0.0
    out.append(text[position:])
    interp.assign(target, "".join(out))
    return float(count)


def expand(replacement: str, matched: str) -> str:
    """& is the match, \\& a literal &, \\\\ a backslash."""
    out = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        if c == "\\" and i + 1 < len(replacement) and replacement[i + 1] in "&\\":
            out.append(replacement[i + 1])
            i += 2
            continue
        out.append(matched if c == "&" else c)
        i += 1
    return "".join(out)
