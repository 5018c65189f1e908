"""The word evaluator: one raw word to fields, in bash's order (bash manual, "Shell Expansions"):
brace expansion, then tilde, parameter, arithmetic and command substitution (left to right), word
splitting on IFS, pathname expansion against the virtual filesystem, and quote removal.

`WordEvaluator` is a part of the Shell class: it reads and writes the shell's variables.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.bash.arith import Arithmetic, ArithmeticError_
from simulator.bash.errors import ExpansionError, FatalExpansion, LineAborted
from simulator.bash.lexer import (
    IDENTIFIER,
    OPENERS,
    skip_brace,
    skip_escaped,
    skip_paren,
    skip_part,
    skip_quote,
)
from simulator.filesystem import FsError
from simulator.patterns import Glob

if TYPE_CHECKING:
    from simulator.shell import Run, Streams

NAME = "bash"
PID = 4242
MAX_VALUE = 64 * 1024
PER_VALUE = f"{MAX_VALUE // 1024} KiB per value"
MAX_BRACE_WORDS = 32768
MAX_GLOB_TESTS = 20_000  # directory entries one line may test against glob patterns
BRACE_RANGE = re.compile(r"(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$|([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$")
PARAMETER = re.compile(r"([!#]?)([A-Za-z_][A-Za-z0-9_]*|[?$#@*!0-9-])(\[[^\]]*\])?(.*)", re.S)


def no_memory(size: int, limit: str) -> LineAborted:
    return LineAborted(f"xrealloc: cannot allocate {size} bytes (limit {limit})")


class Fields:
    """Expanded characters of one word, remembering which may glob and which fields must survive empty."""

    def __init__(self, run: Run, ifs: str = " \t\n", special: str | None = "*?["):
        self.special = special  # which unquoted characters stay active; None: all (a regex)
        self.fields: list[list[tuple[str, bool]]] = [[]]
        self.keep = [False]
        self.run = run
        self.size = 0
        self.ifs = ifs

    def _grow(self, text: str) -> None:
        """Refuse a word (or the line's words) past its limit before building it."""
        self.size += len(text)
        if self.size > MAX_VALUE:
            raise no_memory(self.size, PER_VALUE)
        self.run.expand(len(text))

    def literal(self, text: str) -> None:
        self._grow(text)
        self.fields[-1].extend((c, self.active(c)) for c in text)

    def active(self, c: str) -> bool:
        return self.special is None or c in self.special

    def quoted(self, text: str) -> None:
        self._grow(text)
        self.keep[-1] = True
        self.fields[-1].extend((c, False) for c in text)

    def new_field(self) -> None:
        self.fields.append([])
        self.keep.append(True)

    def expansion(self, text: str, split: bool) -> None:
        self._grow(text)
        if not split:
            self.fields[-1].extend((c, self.active(c)) for c in text)
            return
        blanks = {c for c in self.ifs if c in " \t\n"}
        after_blank = False  # whitespace next to a non-blank IFS character belongs to the same delimiter
        for c in text:
            if c in blanks:
                if self.fields[-1] or self.keep[-1]:
                    self.fields.append([])
                    self.keep.append(False)
                    after_blank = True
            elif c in self.ifs:
                if not (after_blank and not self.fields[-1] and not self.keep[-1]):
                    self.keep[-1] = True
                    self.fields.append([])
                    self.keep.append(False)
                after_blank = False
            else:
                self.fields[-1].append((c, self.active(c)))
                after_blank = False

    def words(self) -> list[list[tuple[str, bool]]]:
        return [f for f, keep in zip(self.fields, self.keep, strict=True) if f or keep]


def brace_expand(word: str, budget: list[int]) -> list[str]:
    """{a,b,c} and {1..10..2} / {a..e}, as bash does before any other expansion; quotes protect."""
    start = _brace_open(word)
    if start < 0:
        return [word]
    depth, i, commas = 0, start, []
    while i < len(word):
        c = word[i]
        if c in OPENERS:
            i = skip_part(word, i)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                break
        elif c == "," and depth == 1:
            commas.append(i)
        i += 1
    else:
        return [word]
    prefix, body, suffix = word[:start], word[start + 1 : i], word[i + 1 :]
    if commas:
        cuts = [start, *commas, i]
        choices = [word[a + 1 : b] for a, b in zip(cuts, cuts[1:], strict=False)]
    else:
        choices = _brace_sequence(body)
        if choices is None:
            rest = brace_expand(suffix, budget)
            return [prefix + "{" + body + "}" + r for r in rest]
    results = []
    for choice in choices:
        for expanded in brace_expand(prefix + choice + suffix, budget):
            budget[0] -= 1
            if budget[0] < 0:
                raise LineAborted(f"brace expansion too large (max {MAX_BRACE_WORDS} words)")
            results.append(expanded)
    return results


def _brace_open(word: str) -> int:
    i = 0
    while i < len(word):
        c = word[i]
        if c in OPENERS:
            i = skip_part(word, i)
        elif c == "{":
            return i
        else:
            i += 1
    return -1


def _brace_sequence(body: str) -> list[str] | None:
    match = BRACE_RANGE.match(body)
    if not match:
        return None
    if match.group(1) is not None:
        first, last = int(match.group(1)), int(match.group(2))
        step = abs(int(match.group(3) or 1)) or 1
        if abs(last - first) // step > MAX_BRACE_WORDS:
            raise LineAborted(f"brace expansion too large (max {MAX_BRACE_WORDS} words)")
        numbers = range(first, last + 1, step) if first <= last else range(first, last - 1, -step)
        width = max(len(match.group(1)), len(match.group(2)))
        padded = any(len(g.lstrip("-")) > 1 and g.lstrip("-").startswith("0") for g in match.group(1, 2))
        return [str(n).zfill(width) if padded else str(n) for n in numbers]
    first, last = ord(match.group(4)), ord(match.group(5))
    step = abs(int(match.group(6) or 1)) or 1
    codes = range(first, last + 1, step) if first <= last else range(first, last - 1, -step)
    return [chr(c) if chr(c) not in "\\`" else "\\" + chr(c) for c in codes]


class WordEvaluator:
    """Expansion, as a part of Shell (which holds env, vars, arrays, positional, status and options)."""

    def expand_words(self, run: Run, words: list[str], streams: Streams) -> list[str]:
        budget = [MAX_BRACE_WORDS]
        return [
            field
            for word in words
            for braced in brace_expand(word, budget)
            for field in self.expand(run, braced, streams)
        ]

    def expand(
        self, run: Run, word: str, streams: Streams, split: bool = True, glob: bool = True
    ) -> list[str]:
        """Expand one word into zero or more fields, as bash does for command arguments."""
        if word in ('"$@"', '"${@}"'):
            return self.positional[1:]
        if re.fullmatch(r'"\$\{[A-Za-z_][A-Za-z0-9_]*\[@\]\}"', word):
            return self.array_values(word[3:-5])
        return [text for text, _ in self._fields(run, word, streams, split, glob)]

    def expand_one(self, run: Run, word: str, streams: Streams) -> str:
        """A word where bash neither splits nor globs: assignments, here-strings, [[ ]] operands, case."""
        return "".join(text for text, _ in self._fields(run, word, streams, split=False, glob=False))

    def expand_pattern(
        self, run: Run, word: str, streams: Streams, regex: bool = False
    ) -> list[tuple[str, bool]]:
        """A pattern (case, [[ == ]], ${x#pat}) or with `regex` the right side of =~: expanded, with quoted
        characters matching literally."""
        fields = self._build(run, word, streams, split=False, special=None if regex else "*?[")
        return [c for chars in fields.words() for c in chars]

    def _fields(self, run: Run, word: str, streams: Streams, split: bool, glob: bool):
        fields = self._build(run, word, streams, split)
        for chars in fields.words():
            text = "".join(c for c, _ in chars)
            matches = self.glob(run, chars) if glob and any(active for _, active in chars) else None
            for match in matches or [text]:
                yield match, chars

    def _build(
        self, run: Run, word: str, streams: Streams, split: bool, special: str | None = "*?["
    ) -> Fields:
        if word.startswith("~"):
            word = self._tilde(run, word)
        fields = Fields(run, self.lookup("IFS") if self.is_set("IFS") else " \t\n", special)
        i = 0
        while i < len(word):
            c = word[i]
            if c == "\\":
                if word[i + 1 : i + 2] == "\n":
                    pass
                elif i + 1 < len(word):
                    fields.quoted(word[i + 1])
                else:
                    fields.literal("\\")
                i += 2
            elif c == "'":
                end = skip_quote(word, i + 1)
                fields.quoted(word[i + 1 : end - 1])
                i = end
            elif c == '"':
                i = self._expand_double(run, word, i + 1, fields, streams)
            elif c == "`":
                end = skip_escaped(word, i + 1, "`")
                inner = re.sub(r"\\([$`\\])", r"\1", word[i + 1 : end - 1])
                fields.expansion(self.substitute(run, inner, streams), split)
                i = end
            elif c == "$" and word.startswith("'", i + 1):
                end = skip_escaped(word, i + 2, "'")
                fields.quoted(ansi_c(word[i + 2 : end - 1]))
                i = end
            elif c == "$" and word.startswith('"', i + 1):
                i += 1  # $"..." is a translatable string; with no translation it reads as "..."
            elif c == "$":
                value, i = self._dollar(run, word, i, streams)
                if value is None:
                    fields.literal("$")
                elif isinstance(value, list):
                    fields.expansion(" ".join(value), split)
                else:
                    fields.expansion(value, split)
            else:
                fields.literal(c)
                i += 1
        return fields

    def _expand_double(self, run: Run, word: str, i: int, fields: Fields, streams: Streams) -> int:
        fields.quoted("")
        while i < len(word):
            c = word[i]
            if c == '"':
                return i + 1
            if c == "\\" and word[i + 1 : i + 2] == "\n":
                i += 2
            elif c == "\\" and word[i + 1 : i + 2] in ("$", "`", '"', "\\"):
                fields.quoted(word[i + 1])
                i += 2
            elif c == "`":
                end = skip_escaped(word, i + 1, "`")
                fields.quoted(self.substitute(run, word[i + 1 : end - 1], streams))
                i = end
            elif c == "$":
                value, i = self._dollar(run, word, i, streams)
                if isinstance(value, list):  # "$@" and "${a[@]}": one field per element
                    for n, element in enumerate(value):
                        if n:
                            fields.new_field()
                        fields.quoted(element)
                else:
                    fields.quoted("$" if value is None else value)
            else:
                fields.quoted(c)
                i += 1
        return i

    def _tilde(self, run: Run, word: str) -> str:
        match = re.match(r"~([A-Za-z0-9_.+-]*)(?=/|$|:)", word)
        if not match:
            return word
        name = match.group(1)
        users = run.machine.users
        if name == "":
            home = self.env.get("HOME", users.get(self.user, {}).get("home", "/"))
        elif name in ("+", "-"):
            home = self.cwd if name == "+" else self.env.get("OLDPWD")
        else:
            home = users.get(name, {}).get("home")
        if home is None:
            return word
        return "'" + home.replace("'", "'\\''") + "'" + word[match.end() :]

    def _dollar(self, run: Run, word: str, i: int, streams: Streams):
        """Expand the $-expression at word[i]: a string, a list ($@ and arrays), or None for a plain $."""
        following = word[i + 1 : i + 2]
        if following == "(":
            end = skip_paren(word, i + 2)
            inner = word[i + 2 : end - 1]
            if inner.startswith("(") and inner.endswith(")"):
                return self.arithmetic(run, inner[1:-1], streams), end
            return self.substitute(run, inner, streams), end
        if following == "{":
            end = skip_brace(word, i + 2)
            return self.parameter(run, word[i + 2 : end - 1], streams), end
        if following == "[":  # $[ ] is the old form of $(( ))
            end = word.find("]", i + 2)
            if end > 0:
                return self.arithmetic(run, word[i + 2 : end], streams), end + 1
        if following and following in "?$#!@*-0123456789":
            if following == "@":
                return list(self.positional[1:]), i + 2
            return self.special(following), i + 2
        match = IDENTIFIER.match(word, i + 1)
        if match:
            return self.value_of(match.group(0)), match.end()
        return None, i + 1

    def special(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(PID)
        argv = self.positional or [NAME]
        if name == "#":
            return str(len(argv) - 1)
        if name in "@*":
            separator = self.lookup("IFS")[:1] if self.is_set("IFS") else " "
            return separator.join(argv[1:])
        if name.isdigit():
            return argv[int(name)] if int(name) < len(argv) else ""
        if name == "-":
            return "himBHs" + "".join(flag for flag in "eux" if flag in self.options)
        return ""

    def value_of(self, name: str) -> str:
        """$name, with set -u's error for an unset variable."""
        if "u" in self.options and not self.is_set(name):
            raise FatalExpansion(f"{name}: unbound variable")
        return self.lookup(name)

    def parameter(self, run: Run, inner: str, streams: Streams):
        """${...}: plain, length, indirection, substrings, case, defaults and the pattern operators."""
        match = PARAMETER.fullmatch(inner)
        if not match:
            raise ExpansionError(f"${{{inner}}}: bad substitution")
        flag, name, subscript, rest = match.groups()
        if flag == "!" and rest in ("*", "@") and not subscript:
            return sorted(n for n in {*self.vars, *self.env, *self.arrays} if n.startswith(name))
        if flag == "!" and subscript in ("[@]", "[*]"):
            return sorted(self.arrays.get(name, {}), key=int) if not rest else self._bad(inner)
        if flag == "!":
            name = self.lookup(name)
            if not (IDENTIFIER.fullmatch(name) or name in ("@", "*") or name.isdigit()):
                raise ExpansionError(
                    f"{name}: invalid indirect expansion" if name else f"${{{inner}}}: bad substitution"
                )
        values = self._parameter_values(run, name, subscript, streams)
        is_set = values is not None
        if flag == "#":
            if rest:
                self._bad(inner)
            if isinstance(values, list):
                return str(len(values))
            return str(len(values or ""))
        if not rest:
            if values is None and "u" in self.options and name not in "@*":
                raise FatalExpansion(f"{name}: unbound variable")
            return "" if values is None else values
        return self._operator(run, inner, name, values, is_set, rest, streams)

    def _bad(self, inner: str):
        raise ExpansionError(f"${{{inner}}}: bad substitution")

    def _parameter_values(self, run: Run, name: str, subscript: str | None, streams: Streams):
        """A string, a list (for @ and arrays with [@]), or None when unset."""
        if subscript:
            index = subscript[1:-1]
            if index in ("@", "*"):
                if name in self.arrays:
                    values = self.array_values(name)
                else:
                    values = [self.lookup(name)] if self.is_set(name) else []
                return (
                    values
                    if index == "@"
                    else (self.lookup("IFS")[:1] if self.is_set("IFS") else " ").join(values)
                )
            position = self.arithmetic(run, index, streams)
            array = self.arrays.get(name)
            if array is None:
                return (self.lookup(name) if self.is_set(name) else None) if position == "0" else None
            if int(position) < 0:
                keys = sorted(map(int, array))
                position = str(keys[int(position)]) if keys and -int(position) <= len(keys) else position
            return array.get(position)
        if name == "@":
            return list(self.positional[1:])
        if not IDENTIFIER.fullmatch(name):
            if name == "*" or name in "?$#!-" or name.isdigit():
                if name.isdigit() and int(name) >= len(self.positional or [NAME]):
                    return None
                return self.special(name)
        return self.lookup(name) if self.is_set(name) else None

    def _operator(self, run: Run, inner: str, name: str, values, is_set: bool, rest: str, streams: Streams):
        many = isinstance(values, list)
        value = "" if values is None else values
        if rest[:1] == ":" and rest[1:2] not in ("-", "=", "+", "?"):
            return self._substring(run, inner, value, rest[1:], streams)
        op = re.match(r":?[-=+?]|##?|%%?|/#|/%|//?|\^\^?|,,?|~~?|@[QEPAaUuLK]$", rest)
        if not op:
            self._bad(inner)
        operator, operand = op.group(0), rest[op.end() :]
        if operator in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            empty = (not value if not many else not any(value)) if operator.startswith(":") else not is_set
            if operator.endswith("+"):
                return "" if empty else self.expand_one(run, operand, streams)
            if not empty:
                return values
            word = self.expand_one(run, operand, streams) if operand else ""  # only when needed, as bash
            if operator.endswith("?"):
                raise FatalExpansion(f"{name}: {word or 'parameter null or not set'}")
            if operator.endswith("="):
                if not IDENTIFIER.fullmatch(name):
                    raise ExpansionError(f"${name}: cannot assign in this way")
                self.assign(name, word)
            return word
        items = value if many else [value]
        if operator.startswith("@"):
            results = [self._transform(operator[1], item) for item in items]
        elif operator[0] in "^,~":
            pattern = self.expand_pattern(run, operand, streams) if operand else None
            results = [self._case(item, operator, pattern, run) for item in items]
        elif operator.startswith("/"):
            pattern_text, _, replacement = _split_replacement(operand)
            pattern = self.expand_pattern(run, pattern_text, streams)
            replacement = self.expand_one(run, replacement, streams)
            results = [self._replace(run, item, operator, pattern, replacement) for item in items]
        else:
            glob = Glob(self.expand_pattern(run, operand, streams), run.patterns)
            longest = len(operator) == 2
            results = []
            for item in items:
                if operator.startswith("#"):
                    cut = glob.prefix(item, longest)
                    results.append(item if cut is None else item[cut:])
                else:
                    cut = glob.suffix(item, longest)
                    results.append(item if cut is None else item[: len(item) - cut])
        return results if many else results[0]

    def _substring(self, run: Run, inner: str, value, spec: str, streams: Streams):
        offset_text, has_length, length_text = _split_colon(spec)
        try:
            offset = int(self.arithmetic(run, offset_text, streams)) if offset_text.strip() else 0
            length = int(self.arithmetic(run, length_text, streams)) if has_length else None
        except ExpansionError:
            raise
        items = value if isinstance(value, list) else value
        size = len(items)
        if offset < 0:
            offset = max(size + offset, 0) if size + offset >= 0 else size + 1
        if offset > size:
            return [] if isinstance(items, list) else ""
        if length is None:
            return items[offset:]
        if length < 0:
            if isinstance(items, list):
                raise ExpansionError(f"{length_text.strip()}: substring expression < 0")
            end = size + length
            if end < offset:
                raise ExpansionError(f"{length_text.strip()}: substring expression < 0")
            return items[offset:end]
        return items[offset : offset + length]

    @staticmethod
    def _transform(op: str, value: str) -> str:
        if op == "Q":
            return "'" + value.replace("'", "'\\''") + "'"
        if op == "E":
            return ansi_c(value)
        if op == "U":
            return value.upper()
        if op == "u":
            return value[:1].upper() + value[1:]
        if op == "L":
            return value.lower()
        return value

    @staticmethod
    def _case(value: str, operator: str, pattern, run: Run) -> str:
        change = {"^": str.upper, ",": str.lower, "~": str.swapcase}[operator[0]]
        glob = Glob(pattern, run.patterns) if pattern else None

        def fits(c: str) -> bool:
            return glob is None or glob.fullmatch(c)

        if len(operator) == 2:
            return "".join(change(c) if fits(c) else c for c in value)
        return change(value[0]) + value[1:] if value and fits(value[0]) else value

    def _replace(self, run: Run, value: str, operator: str, pattern, replacement: str) -> str:
        if not pattern:
            return value
        glob = Glob(pattern, run.patterns)
        if operator == "/#":
            cut = glob.prefix(value, True)
            return value if cut is None else replacement + value[cut:]
        if operator == "/%":
            cut = glob.suffix(value, True)
            return value if cut is None else value[: len(value) - cut] + replacement
        try:
            return glob.replace(value, replacement, operator == "//", MAX_VALUE)
        except ValueError as error:
            raise no_memory(error.args[0], PER_VALUE) from None

    def arithmetic(self, run: Run, expression: str, streams: Streams) -> str:
        text = self.expand_one(run, expression, streams)
        try:
            return str(Arithmetic(text, self.arith_variables()).evaluate())
        except ArithmeticError_ as error:
            raise ExpansionError(f"{text.lstrip()}: {error}") from None

    def glob(self, run: Run, chars: list[tuple[str, bool]]) -> list[str]:
        """Pathname expansion against the virtual filesystem; an empty list when nothing matches."""
        fs = run.machine.fs
        uid = self.uid(run.machine)
        components: list[list[tuple[str, bool]]] = [[]]
        for c, active in chars:
            if c == "/":
                components.append([])
            else:
                components[-1].append((c, active))
        absolute = chars[0][0] == "/"
        trailing_slash = chars[-1][0] == "/"
        candidates = ["/" if absolute else ""]
        for component in (c for c in components if c):
            name = "".join(c for c, _ in component)
            if not any(active for _, active in component):
                candidates = [_join(prefix, name) for prefix in candidates]
                continue
            glob = Glob(component, run.patterns)
            explicit_dot = name.startswith(".")
            matched = []
            for prefix in candidates:
                try:
                    names = fs.listdir(prefix or ".", self.cwd, uid)
                except FsError:
                    continue
                run.glob_tests += len(names)
                run.work.tick(len(names) // 16 + 1)
                if run.glob_tests > MAX_GLOB_TESTS:
                    raise LineAborted(f"too many file names matched against patterns (max {MAX_GLOB_TESTS})")
                matched.extend(
                    _join(prefix, entry)
                    for entry in names
                    if (explicit_dot or not entry.startswith(".")) and glob.fullmatch(entry)
                )
            candidates = matched
        results = []
        for path in candidates:
            try:
                node = fs.lstat(path, self.cwd, uid)
            except FsError:
                continue
            if trailing_slash:
                if not fs.is_dir(path, self.cwd, uid):
                    continue
                path += "/"
            if node is not None:
                results.append(path)
        return sorted(results)


def _split_replacement(operand: str) -> tuple[str, str, str]:
    """pattern/replacement, where a / inside quotes or after a backslash belongs to the pattern."""
    i = 0
    while i < len(operand):
        c = operand[i]
        if c == "/":
            return operand[:i], "/", operand[i + 1 :]
        i = skip_part(operand, i) if c in OPENERS else i + 1
    return operand, "", ""


def _split_colon(spec: str) -> tuple[str, bool, str]:
    depth = 0
    for i, c in enumerate(spec):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == ":" and depth == 0:
            return spec[:i], True, spec[i + 1 :]
    return spec, False, ""


def _join(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + name if prefix.endswith("/") else f"{prefix}/{name}"


ANSI_C_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "e": "\x1b",
    "E": "\x1b",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def numeric_escape(body: str) -> str | None:
    """The character of \\xHH, \\uHHHH, \\UHHHHHHHH or \\NNN (octal), given what follows the backslash."""
    if body[0] == "x" and len(body) > 1:
        return chr(int(body[1:], 16))
    if body[0] in "uU" and len(body) > 1:
        return chr(min(int(body[1:], 16), 0x10FFFF))
    if body[0] in "01234567":
        return chr(int(body, 8) & 0xFF)
    return None


def ansi_c(text: str) -> str:
    """Backslash escapes of $'...' and echo -e: \\n \\t \\\\ \\e \\xHH \\0NNN and friends."""

    def replace(match: re.Match) -> str:
        body = match.group(1)
        if body in ANSI_C_ESCAPES:
            return ANSI_C_ESCAPES[body]
        code = numeric_escape(body)
        if code is not None:
            return code
        if body[0] == "c" and len(body) == 2:
            return chr(ord(body[1].upper()) ^ 0x40)
        return "\\" + body

    return re.sub(
        r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)",
        replace,
        text,
        flags=re.S,
    )
