"""bash 5.2's printf builtin (builtins/printf.def): the format is reused until the arguments run out,
numbers may be written in C's forms or as 'c (a character's code), and a bad number prints its value so
far with bash's message and status 1. Also used for coreutils' /usr/bin/printf, which differs in details
that a learner does not meet (its %b and %q follow the same rules)."""

from __future__ import annotations

import re

from simulator.bash.words import ansi_c, numeric_escape

CONVERSION = re.compile(r"%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%]?)")
FORMAT_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|.)", re.S)
SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r"}
SIMPLE_ESCAPES.update({"t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'", "?": "?"})
MAX_OUTPUT = 256 * 1024
SHELL_SPECIAL = set(" \t\n'\"\\|&;()<>!{}*[]?^$`,")


class StopOutput(Exception):
    """\\c in a %b argument: nothing more is printed."""


def _format_escapes(text: str) -> str:
    def replace(match: re.Match) -> str:
        body = match.group(1)
        if body in SIMPLE_ESCAPES:
            return SIMPLE_ESCAPES[body]
        code = numeric_escape(body)
        return "\\" + body if code is None else code

    return FORMAT_ESCAPE.sub(replace, text)


def _b_escapes(text: str) -> str:
    """%b: echo -e's escapes, where octal is \\0NNN and \\c ends all output."""
    stop = text.find("\\c")
    cut = text if stop < 0 else text[:stop]
    cut = re.sub(r"\\0([0-7]{0,3})", lambda m: chr(int(m.group(1) or "0", 8) & 0xFF), cut)
    expanded = ansi_c(cut)
    if stop >= 0:
        raise StopOutput(expanded)
    return expanded


def shell_quote(text: str) -> str:
    """%q: bash's backslash quoting, or $'...' when the text holds control characters."""
    if text == "":
        return "''"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        body = "".join(
            {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\x1b": "\\E", "\a": "\\a", "\b": "\\b"}.get(c)
            or (f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else "\\" + c if c in "'\\" else c)
            for c in text
        )
        return f"$'{body}'"
    quoted = []
    for index, c in enumerate(text):
        if c in SHELL_SPECIAL or (index == 0 and c in "~#"):
            quoted.append("\\" + c)
        else:
            quoted.append(c)
    return "".join(quoted)


def shell_word(text: str) -> str:
    """A word as bash prints it back in `set` and `set -x`: bare when it needs no quotes, else in single
    quotes, or as $'...' when it holds control characters."""
    if text and re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", text):
        return text
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return shell_quote(text)
    return "'" + text.replace("'", "'\\''") + "'"


class Printf:
    def __init__(self, name: str):
        self.name = name
        self.errors: list[str] = []

    def number(self, arg: str, unsigned: bool = False) -> int:
        if arg[:1] in ("'", '"'):
            return ord(arg[1]) if len(arg) > 1 else 0
        text = arg.strip()
        match = re.match(r"[-+]?(0[xX][0-9A-Fa-f]+|0[0-7]*|[1-9]\d*)", text)
        if not match:
            if text:
                self.errors.append(f"{self.name}: {arg}: invalid number")
            return 0
        digits = match.group(0)
        sign = -1 if digits.startswith("-") else 1
        body = digits.lstrip("+-")
        value = (
            int(body, 16) if body[:2].lower() == "0x" else int(body, 8) if body.startswith("0") else int(body)
        )
        if match.end() != len(text):
            self.errors.append(f"{self.name}: {arg}: invalid number")
        value *= sign
        if value >= 1 << 63 or value < -(1 << 63):
            self.errors.append(f"{self.name}: {arg}: Numerical result out of range")
            value = (1 << 63) - 1 if value > 0 else -(1 << 63)
        return value & ((1 << 64) - 1) if unsigned and value < 0 else value

    def real(self, arg: str) -> float:
        if arg[:1] in ("'", '"'):
            return float(ord(arg[1])) if len(arg) > 1 else 0.0
        try:
            return float(arg.strip()) if arg.strip() else 0.0
        except ValueError:
            match = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", arg)
            self.errors.append(f"{self.name}: {arg}: invalid number")
            return float(match.group(0)) if match else 0.0

    def format(self, fmt: str, args: list[str]) -> tuple[str, int]:
        """(output, status): the format applied until the arguments are used up."""
        out: list[str] = []
        size = 0
        position = 0
        try:
            while True:
                consumed_before = position
                text, position = self._once(fmt, args, position)
                out.append(text)
                size += len(text)
                if size > MAX_OUTPUT:
                    break
                if position >= len(args) or position == consumed_before:
                    break
        except StopOutput as stop:
            out.append(stop.args[0])
        except ValueError as error:
            out.append(error.args[1] if len(error.args) > 1 else "")
            self.errors.append(error.args[0])
            return "".join(out), 1
        return "".join(out), 1 if self.errors else 0

    def _once(self, fmt: str, args: list[str], position: int) -> tuple[str, int]:
        pieces: list[str] = []
        i = 0

        def next_arg() -> str | None:
            nonlocal position
            if position < len(args):
                position += 1
                return args[position - 1]
            return None

        while i < len(fmt):
            percent = fmt.find("%", i)
            literal = fmt[i : len(fmt) if percent < 0 else percent]
            pieces.append(_format_escapes(literal))
            if percent < 0:
                break
            match = CONVERSION.match(fmt, percent)
            flags, width, precision, conversion = match.groups()
            i = match.end()
            if conversion == "%":
                pieces.append("%")
                continue
            if not conversion:
                raise ValueError(
                    f"{self.name}: `{fmt[percent + 1 : percent + 2] or '%'}': missing format character",
                    "".join(pieces),
                )
            if width == "*":
                width = str(self.number(next_arg() or "0"))
            if precision == "*":
                precision = str(self.number(next_arg() or "0"))
            flags = flags.replace("'", "")
            if width and width.startswith("-"):
                flags, width = flags + "-", width[1:]
            spec = "%" + flags + (width or "") + ("." + precision if precision is not None else "")
            arg = next_arg()
            if conversion in "sbqc":
                value = "" if arg is None else arg
                if conversion == "b":
                    try:
                        value = _b_escapes(value)
                    except StopOutput as stop:
                        raise StopOutput("".join(pieces) + (spec + "s") % stop.args[0]) from None
                elif conversion == "q":
                    value = shell_quote(value)
                elif conversion == "c":
                    value = value[:1]
                    spec = "%" + flags + (width or "")
                pieces.append((spec + "s") % value)
            elif conversion in "di":
                pieces.append((spec + "d") % self.number(arg or "0"))
            elif conversion in "ouxX":
                pieces.append(
                    (spec + ("d" if conversion == "u" else conversion)) % self.number(arg or "0", True)
                )
            elif conversion in "eEfFgGaA":
                python = {"a": "e", "A": "E", "F": "f"}.get(conversion, conversion)
                pieces.append((spec + python) % self.real(arg or "0"))
            else:
                raise ValueError(f"{self.name}: `{conversion}': invalid format character", "".join(pieces))
        return "".join(pieces), position
