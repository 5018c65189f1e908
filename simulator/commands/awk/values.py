"""awk's values as mawk keeps them: numbers (float), strings (str), and strnums.

A strnum is a string that came from input (a field, getline, split, ARGV, -v) and looks like a number:
it compares as a number. An uninitialized value is both "" and 0. Numbers print as integers when they
are whole and within mawk's maximum integer (2147483647), else through OFMT / CONVFMT.
"""

from __future__ import annotations

import math
import re

MAX_INT = 2147483647
NUMBER_PREFIX = re.compile(
    r"[ \t\n\r\f\v]*[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)", re.I
)
LOOKS_NUMERIC = re.compile(r"[ \t\n\r\f\v]*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[ \t\n\r\f\v]*")


class StrNum(str):
    """Input text; `number` is its value when the whole text looks numeric, else None."""

    number: float | None = None


def strnum(text: str) -> StrNum:
    value = StrNum(text)
    if LOOKS_NUMERIC.fullmatch(text):
        value.number = float(text)
    return value


UNINIT = StrNum("")
UNINIT.number = 0.0


def to_int(number: float) -> int:
    """mawk's d_to_I: truncate toward zero, bounded by its maximum integer (NaN falls to the bottom)."""
    if number >= MAX_INT:
        return MAX_INT
    if number > -MAX_INT:
        return int(number)
    return -MAX_INT


def to_number(value) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, StrNum) and value.number is not None:
        return value.number
    match = NUMBER_PREFIX.match(value)
    if not match:
        return 0.0
    text = match.group().strip()
    if "x" in text.lower():
        sign = -1.0 if text.startswith("-") else 1.0
        return sign * int(text.lstrip("+-")[2:], 16)
    return float(text)


def format_number(number: float, fmt: str) -> str:
    """A number as a string: whole numbers as %d, the rest through CONVFMT (or OFMT for print)."""
    if math.isnan(number):
        return "-nan" if math.copysign(1.0, number) < 0 else "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number == int(number) and -MAX_INT <= number <= MAX_INT:
        return str(int(number))
    try:
        return fmt % number
    except (TypeError, ValueError):
        return f"{number:.6g}"


def to_string(value, convfmt: str = "%.6g") -> str:
    if isinstance(value, float):
        return format_number(value, convfmt)
    return str(value)


def is_numeric(value) -> bool:
    """Whether a comparison treats this value as a number."""
    return isinstance(value, float) or (isinstance(value, StrNum) and value.number is not None)


def truth(value) -> bool:
    if isinstance(value, float):
        return value != 0.0
    if isinstance(value, StrNum) and value.number is not None:
        return value.number != 0.0
    return value != ""


def compare(left, right, op: str, convfmt: str) -> bool:
    if is_numeric(left) and is_numeric(right):
        a, b = to_number(left), to_number(right)
    else:
        a, b = to_string(left, convfmt), to_string(right, convfmt)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "==":
        return a == b
    return a != b
