"""Characters to tokens, as bash's reader splits them (parse.y's read_token).

A word keeps its quotes and substitutions as typed: the word evaluator (words.py) takes them apart later.
The parser pulls tokens one at a time, because what comes next depends on where it is: the right side of
`=~` in [[ ]] and the body of (( )) are read raw, and a here-document's body starts after the newline
that ends its command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.bash.errors import Incomplete

OPERATORS = sorted(
    ["&&", "||", ";;&", ";;", ";&", "|&", "&>>", "&>", ">>", ">|", ">&", "<<<", "<<-", "<<", "<&", "<>"]
    + [">", "<", "|", ";", "&", "(", ")", "\n"],
    key=len,
    reverse=True,
)
REDIRECTIONS = {">", ">>", ">|", ">&", "<", "<<<", "<<", "<<-", "<&", "<>", "&>", "&>>"}
METACHARS = frozenset(" \t\n;&|<>()")
OPENERS = frozenset("\\'\"`$")  # where a quoted string or a substitution may start
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a shell name: variables, functions
ARRAY_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$")


def _eof(closing: str) -> Incomplete:
    return Incomplete(f"unexpected EOF while looking for matching `{closing}'")


def skip_quote(text: str, i: int) -> int:
    j = text.find("'", i)
    if j < 0:
        raise _eof("'")
    return j + 1


def skip_part(text: str, i: int) -> int:
    """Past the backslash escape, quoted string or substitution starting at text[i], else past text[i]."""
    c = text[i]
    if c == "\\":
        return i + 2
    if c == "'":
        return skip_quote(text, i + 1)
    if c == '"':
        return skip_double(text, i + 1)
    if c == "`":
        return skip_escaped(text, i + 1, "`")
    if c == "$":
        following = text[i + 1 : i + 2]
        if following == "(":
            return skip_paren(text, i + 2)
        if following == "{":
            return skip_brace(text, i + 2)
        if following == "'":
            return skip_escaped(text, i + 2, "'")
    return i + 1


def skip_double(text: str, i: int) -> int:
    while i < len(text):
        if text[i] == '"':
            return i + 1
        # inside double quotes ' and $' are plain characters
        i = i + 1 if text[i] == "'" or text.startswith("$'", i) else skip_part(text, i)
    raise _eof('"')


def skip_escaped(text: str, i: int, close: str) -> int:
    """Past the `close` that ends a `...` or $'...' word, where a backslash escapes the next character."""
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == close:
            return i + 1
        else:
            i += 1
    raise _eof(close)


def skip_paren(text: str, i: int) -> int:
    depth = 1
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;"):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        i = skip_part(text, i) if c in OPENERS else i + 1
    raise _eof(")")


def skip_brace(text: str, i: int) -> int:
    while i < len(text):
        c = text[i]
        if c == "}":
            return i + 1
        i = skip_part(text, i) if c in OPENERS else i + 1
    raise _eof("}")


def skip_word(text: str, i: int) -> int:
    while i < len(text) and text[i] not in METACHARS:
        i = skip_part(text, i) if text[i] in OPENERS else i + 1
    return min(i, len(text))


@dataclass(slots=True)
class Token:
    kind: str  # "word", "op", "io" (the fd number written before a redirection, as in 2>), or "eof"
    text: str
    start: int
    end: int


@dataclass(slots=True)
class HereDoc:
    """A here-document waiting for its body: filled in when the lexer passes the end of its line."""

    delimiter: str
    strip_tabs: bool
    body: str | None = None


class Lexer:
    def __init__(self, source: str):
        self.source = source
        self.pos = 0
        self.heredocs: list[HereDoc] = []

    def next(self) -> Token:
        text = self.source
        while self.pos < len(text):
            c = text[self.pos]
            if c in " \t":
                self.pos += 1
            elif c == "\\" and text.startswith("\n", self.pos + 1):
                self.pos += 2
            elif c == "\\" and self.pos + 1 == len(text):
                raise Incomplete("syntax error: unexpected end of file")
            elif c == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break
        start = self.pos
        if start >= len(text):
            return Token("eof", "", start, start)
        if text[start] in METACHARS:
            op = next(op for op in OPERATORS if text.startswith(op, start))
            self.pos += len(op)
            if op == "\n" and self.heredocs:
                self._read_heredocs()
            return Token("op", op, start, self.pos)
        end = skip_word(text, start)
        if text.startswith("(", end) and ARRAY_ASSIGNMENT.match(text, start, end):
            end = skip_paren(text, end + 1)  # name=( elements ): one word, split later
            end = skip_word(text, end)
        self.pos = end
        word = text[start:end]
        kind = "io" if word.isdigit() and len(word) < 10 and text[end : end + 1] in ("<", ">") else "word"
        return Token(kind, word, start, end)

    def read_until_double_paren(self) -> str:
        """The raw text of (( ... )) or for (( ... )), after the opening parentheses: up to the `))`."""
        text = self.source
        depth = 0
        i = self.pos
        while i < len(text):
            c = text[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    if text.startswith("))", i):
                        body = text[self.pos : i]
                        self.pos = i + 2
                        return body
                    raise Incomplete("syntax error: unexpected end of file")
                depth -= 1
            i = skip_part(text, i) if c in OPENERS else i + 1
        raise _eof(")")

    def read_regex_word(self) -> Token:
        """The right side of =~ in [[ ]]: parentheses and | belong to the regex, up to a blank."""
        text = self.source
        while self.pos < len(text) and text[self.pos] in " \t":
            self.pos += 1
        start = i = self.pos
        depth = 0
        while i < len(text):
            c = text[i]
            if c in " \t\n" and depth == 0:
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            i = skip_part(text, i) if c in OPENERS else i + 1
        self.pos = i
        return Token("word", text[start:i], start, i)

    def _read_heredocs(self) -> None:
        for doc in self.heredocs:
            lines = []
            while True:
                if self.pos >= len(self.source):
                    raise Incomplete(f"here-document delimited by end-of-file (wanted `{doc.delimiter}')")
                end = self.source.find("\n", self.pos)
                line = self.source[self.pos : len(self.source) if end < 0 else end]
                self.pos = len(self.source) if end < 0 else end + 1
                if doc.strip_tabs:
                    line = line.lstrip("\t")
                if line == doc.delimiter:
                    break
                lines.append(line + "\n")
            doc.body = "".join(lines)
        self.heredocs.clear()
