"""The awk lexer: program text to tokens, as mawk's scanner reads it.

A `/` starts a regular expression where an operand is expected and divides elsewhere; a name written
against its `(` is a function call; backslash-newline continues a line; `#` comments run to the end of
the line. Errors are AwkSyntaxError with mawk's words and line.
"""

from __future__ import annotations

from dataclasses import dataclass

DIGITS = frozenset("0123456789")  # awk reads only ASCII digits; str.isdigit takes "²" too
KEYWORDS = {
    "BEGIN",
    "END",
    "function",
    "func",
    "if",
    "else",
    "while",
    "for",
    "do",
    "break",
    "continue",
    "next",
    "nextfile",
    "exit",
    "return",
    "delete",
    "in",
    "getline",
    "print",
    "printf",
}
BUILTINS = {
    "length",
    "substr",
    "index",
    "split",
    "sub",
    "gsub",
    "match",
    "sprintf",
    "tolower",
    "toupper",
    "int",
    "sqrt",
    "exp",
    "log",
    "sin",
    "cos",
    "atan2",
    "rand",
    "srand",
    "close",
    "system",
    "fflush",
}
# longest first, so ">>" wins over ">"
OPERATORS = sorted(
    "+= -= *= /= %= ^= == <= >= != ++ -- && || >> !~ { } ( ) [ ] ; , + - * / % ^ ! > < | ? : ~ $ =".split(),
    key=len,
    reverse=True,
)
# after these an operand has ended, so "/" divides
OPERAND_END = {"NUMBER", "STRING", "ERE", "NAME", "BUILTIN", ")", "]", "$", "++", "--"}
STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "a": "\a", "b": "\b"} | {
    "f": "\f",
    "v": "\v",
}


class AwkSyntaxError(Exception):
    """A compile error, already in mawk's words ("line 1: syntax error at or near }")."""


@dataclass
class Token:
    kind: str  # NUMBER STRING ERE NAME FUNC_NAME BUILTIN NEWLINE EOF, a keyword, or an operator
    value: object
    where: str  # "line 3", or "prog.awk: line 3" for a program read with -f

    def text(self) -> str:
        """How mawk names this token in "syntax error at or near ..."."""
        if self.kind == "EOF":
            return "end of file"
        if self.kind == "NEWLINE":
            return "end of line"
        if self.kind == "NUMBER":
            return self.value[1]
        return str(self.value)


def unescape(text: str, keep_unknown: bool = True) -> str:
    """awk string escapes: \\n \\t \\" \\\\ \\/ \\ddd; mawk keeps the backslash of an unknown one."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n in STRING_ESCAPES:
            out.append(STRING_ESCAPES[n])
            i += 2
        elif n in "01234567":
            j = i + 1
            while j < len(text) and j < i + 4 and text[j] in "01234567":
                j += 1
            out.append(chr(int(text[i + 1 : j], 8) & 0xFF))
            i = j
        else:
            out.append("\\" + n if keep_unknown else n)
            i += 2
    return "".join(out)


def regex_unescape(text: str) -> str:
    """A /regex/ literal's text: \\/ is a slash and C escapes become characters; the rest is the ERE's."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            n = text[i + 1]
            if n == "/":
                out.append("/")
            elif n in "ntrfva":
                out.append(STRING_ESCAPES[n])
            else:
                out.append(c + n)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def tokenize(source: str, file: str | None = None) -> list[Token]:
    """The tokens of one program text; with -f, `file` names it in every message, lines counted in it."""
    prefix = f"{file}: " if file else ""
    tokens: list[Token] = []
    i = 0
    line = 1

    def at() -> str:
        return f"{prefix}line {line}"

    n = len(source)
    while i < n:
        c = source[i]
        if c in " \t\r":
            i += 1
            continue
        if c == "\\" and source[i + 1 : i + 2] == "\n":
            i += 2
            line += 1
            continue
        if c == "#":
            while i < n and source[i] != "\n":
                i += 1
            continue
        if c == "\n":
            tokens.append(Token("NEWLINE", "\n", at()))
            line += 1
            i += 1
            continue
        if c == '"':
            j = i + 1
            while j < n and source[j] != '"':
                if source[j] == "\n":
                    raise AwkSyntaxError(f'{at()}: runaway string constant "{source[i + 1 : j]} ...')
                j += 2 if source[j] == "\\" else 1
            if j >= n:
                raise AwkSyntaxError(f'{at()}: runaway string constant "{source[i + 1 : j]} ...')
            tokens.append(Token("STRING", unescape(source[i + 1 : j]), at()))
            i = j + 1
            continue
        if c == "/" and (not tokens or tokens[-1].kind not in OPERAND_END):
            j = i + 1
            in_bracket = False
            while j < n and (source[j] != "/" or in_bracket):
                if source[j] == "\n":
                    raise AwkSyntaxError(f"{at()}: runaway regular expression /{source[i + 1 : j]} ...")
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[" and not in_bracket:
                    in_bracket = True
                    if source[j + 1 : j + 2] == "^":
                        j += 1
                    if source[j + 1 : j + 2] == "]":
                        j += 1
                elif source[j] == "]":
                    in_bracket = False
                j += 1
            if j >= n:
                raise AwkSyntaxError(f"{at()}: runaway regular expression /{source[i + 1 : j]} ...")
            tokens.append(Token("ERE", regex_unescape(source[i + 1 : j]), at()))
            i = j + 1
            continue
        if c in DIGITS or (c == "." and source[i + 1 : i + 2] in DIGITS):
            j = i
            while j < n and source[j] in DIGITS:
                j += 1
            if j < n and source[j] == ".":
                j += 1
                while j < n and source[j] in DIGITS:
                    j += 1
            if j < n and source[j] in "eE":
                k = j + 1
                if k < n and source[k] in "+-":
                    k += 1
                if k < n and source[k] in DIGITS:
                    while k < n and source[k] in DIGITS:
                        k += 1
                    j = k
            text = source[i:j]
            tokens.append(Token("NUMBER", (float(text), text), at()))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (source[j].isalnum() or source[j] == "_") and source[j].isascii():
                j += 1
            word = source[i:j]
            if word in KEYWORDS:
                kind = "function" if word == "func" else word
                tokens.append(Token(kind, word, at()))
            elif word in BUILTINS:
                tokens.append(Token("BUILTIN", word, at()))
            elif source[j : j + 1] == "(":
                tokens.append(Token("FUNC_NAME", word, at()))
            else:
                tokens.append(Token("NAME", word, at()))
            i = j
            continue
        for op in OPERATORS:
            if source.startswith(op, i):
                tokens.append(Token(op, op, at()))
                i += len(op)
                break
        else:
            shown = f"'{c}'" if " " < c < "\x7f" else f"0x{ord(c) & 0xFF:02x}"
            raise AwkSyntaxError(f"{line}: unexpected character {shown}")
    tokens.append(Token("EOF", "", f"{prefix}line {line + 1}"))
    return tokens
