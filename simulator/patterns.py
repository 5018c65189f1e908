"""Bounded-time matching for every pattern a learner types: grep and journalctl regexes, shell globs.

Python's `re` backtracks, so one short pattern such as (a+)+b against 30 characters takes seconds and
doubles with each extra character. Nothing here does that:

* Regular expressions run on RE2 (google-re2), which matches in time linear in the input (an automaton,
  as GNU grep's DFA). RE2 refuses what needs backtracking: backreferences (\\1, which grep's BRE and ERE
  have, and which GNU grep itself matches by backtracking) and the lookarounds our translation of
  \\< \\> and grep -w uses. Those fall back to the `regex` package, whose `timeout=` stops a runaway
  search; the allowance is shared by the whole line (`Budget.regex_seconds`).
* Globs (pathname expansion, ${var#pat}, ${var%pat}, ${var/pat/str}) run on a bit-parallel
  automaton over the pattern's positions (a DP over pattern and text: one big-integer step per text
  character), never a regex.

Every match charges a `Budget` in steps (text characters times the automaton's size); a line that
spends its budget gets `PatternTooCostly`, which callers report the way the real program fails when a
match is too costly (GNU grep: "memory exhausted", exit 2).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import re2
import regex

MAX_STEPS = 20_000_000  # per line: about 0.1 s of matching (see bench/pathological_bench.py)
REGEX_SECONDS = 0.03  # per line: wall-clock allowance for backtracking (backreference) matches
RE2_STEP_SCALE = 8  # an RE2 step (program instruction x character, in C) costs far less than a glob step

POSIX_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r" \t\n\r\f\v",
    "blank": r" \t",
    "xdigit": "0-9A-Fa-f",
    "punct": r"!-/:-@\[-`{-~",
    "cntrl": r"\x00-\x1f\x7f",
    "print": r" -~",
    "graph": r"!-~",
}


class PatternTooCostly(Exception):
    """A match that would exceed the line's work budget."""


class Budget:
    """The matching work one line may do: steps for automata, seconds for the backtracking fallback."""

    def __init__(self, steps: int = MAX_STEPS, regex_seconds: float = REGEX_SECONDS):
        self.steps = steps
        self.regex_seconds = regex_seconds

    def spend(self, steps: int) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise PatternTooCostly("pattern matching too costly")


def _re2_options(ignore_case: bool, longest: bool) -> re2.Options:
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not ignore_case
    options.longest_match = longest
    return options


class Regex:
    """A regex in Python `re` syntax, checked by `re` (so errors read as before) and run in bounded time.

    `longest=True` asks for POSIX leftmost-longest matches (grep -o prints those); otherwise leftmost-
    first, as Perl and PCRE2 (journalctl -g) do.
    """

    def __init__(self, pattern: str, ignore_case: bool = False, longest: bool = False, budget=None):
        flags = re.IGNORECASE if ignore_case else 0
        re.compile(pattern, flags)  # raises re.error with the messages callers translate
        self.budget = budget if budget is not None else Budget()
        self.fallback = None
        # A pattern with no special character (alone in the group grep puts each pattern in) matches where
        # its text occurs: `grep vmx /proc/cpuinfo` then tests each line with `in`, not through the RE2
        # wrapper (several calls per line), and is charged as RE2 would be.
        core = pattern[3:-1] if pattern.startswith("(?:") and pattern.endswith(")") else pattern
        self.literal = core if not ignore_case and re.escape(core) == core else None
        try:
            self.re2 = re2.compile(pattern, _re2_options(ignore_case, longest))
            self.size = max(self.re2.programsize, 1)
        except re2.error:
            self.re2 = None
            # POSIX: leftmost-longest, as the programs whose patterns need the fallback match
            self.fallback = regex.compile(pattern, flags | regex.VERSION0 | (regex.POSIX if longest else 0))

    def _charge(self, length: int) -> None:
        if self.re2 is not None:
            self.budget.spend(length * self.size // RE2_STEP_SCALE + 1)

    def _timed(self, call):
        start = time.monotonic()
        try:
            return call(max(self.budget.regex_seconds, 0.001))
        except TimeoutError:
            self.budget.regex_seconds = 0
            raise PatternTooCostly("regular expression too costly") from None
        finally:
            self.budget.regex_seconds -= time.monotonic() - start

    def search(self, text: str) -> bool:
        self._charge(len(text))
        if self.literal is not None:
            return self.literal in text
        if self.re2 is not None:
            return self.re2.search(text) is not None
        return self._timed(lambda seconds: self.fallback.search(text, timeout=seconds)) is not None

    def fullmatch(self, text: str) -> bool:
        """Whether the whole text matches (a quiz's fill-in patterns, written by instructors)."""
        self._charge(len(text))
        if self.re2 is not None:
            return self.re2.fullmatch(text) is not None
        return self._timed(lambda seconds: self.fallback.fullmatch(text, timeout=seconds)) is not None

    def search_from(self, text: str, pos: int = 0):
        """The leftmost match at or after `pos` (with span() and group(n)), or None; ^ and \\b still see
        the text before `pos`, as sed's s///g and awk's gsub need when they scan on after a match."""
        self._charge(len(text) - pos)
        if self.re2 is not None:
            return self.re2.search(text, pos)
        return self._timed(lambda seconds: self.fallback.search(text, pos, timeout=seconds))

    def findall(self, text: str) -> list[str]:
        """The text of each non-overlapping match, left to right (grep -o)."""
        self._charge(len(text))
        if self.re2 is not None:
            return [m.group(0) for m in self.re2.finditer(text)]
        return self._timed(
            lambda seconds: [m.group(0) for m in self.fallback.finditer(text, timeout=seconds)]
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each non-overlapping match, left to right (grep --color paints these)."""
        self._charge(len(text))
        if self.re2 is not None:
            return [m.span() for m in self.re2.finditer(text)]
        return self._timed(lambda seconds: [m.span() for m in self.fallback.finditer(text, timeout=seconds)])


def bracket_expression(text: str, i: int, negators: str = "^") -> tuple[str, int] | None:
    """The [...] expression whose body starts at text[i], as a regex character class, and the index past
    its "]"; None when it is not closed. grep negates with ^, the shell with ! or ^."""
    negate = text[i : i + 1] != "" and text[i] in negators
    j = i + negate
    body = []
    first = True
    while j < len(text) and (text[j] != "]" or first):
        first = False
        match = re.match(r"\[:([a-z]+):\]", text[j:])
        if match and match.group(1) in POSIX_CLASSES:
            body.append(POSIX_CLASSES[match.group(1)])
            j += match.end()
            continue
        body.append(text[j] if text[j] == "-" else re.escape(text[j]))
        j += 1
    if j >= len(text):
        return None
    return "[" + ("^" if negate else "") + "".join(body) + "]", j + 1


def _glob_bracket(text: str, i: int) -> tuple[str, int] | None:
    """A glob's [...]: one that is not a valid class (say [z-a]) is no bracket, and matches literally."""
    bracket = bracket_expression(text, i, negators="!^")
    if bracket is None:
        return None
    try:
        re.compile(bracket[0])
    except re.error:
        return None
    return bracket


STAR = object()  # the token of an active *; a quoted * is the literal "*"


class Glob:
    """A shell pattern: * ? [...] where active, everything else literal; matched without backtracking.

    Positions 0..m of the pattern's tokens form an automaton whose live states are the bits of one
    integer: a step over a character is two shifts and masks, so matching n characters costs n steps
    whatever the pattern (`Budget` counts n times the words of the integer).
    """

    def __init__(self, chars: list[tuple[str, bool]], budget: Budget | None = None, _tokens=None):
        self.budget = budget if budget is not None else Budget()
        self.tokens = _tokens if _tokens is not None else self._parse(chars)
        self.stars = 0
        for index, token in enumerate(self.tokens):
            if token is STAR:
                self.stars |= 1 << index
        self.accept = 1 << len(self.tokens)
        self.start = self._close(1)
        self.masks: dict[str, int] = {}
        self.cost = len(self.tokens) // 60 + 1

    @staticmethod
    def _parse(chars: list[tuple[str, bool]]) -> list:
        text = "".join(c for c, _ in chars)
        tokens: list = []
        i = 0
        while i < len(chars):
            c, active = chars[i]
            if active and c == "*":
                if not tokens or tokens[-1] is not STAR:
                    tokens.append(STAR)
            elif active and c == "?":
                tokens.append(None)  # any one character
            elif active and c == "[" and (bracket := _glob_bracket(text, i + 1)):
                tokens.append(re.compile(bracket[0], re.S))
                i = bracket[1]
                continue
            else:
                tokens.append(c)
            i += 1
        return tokens

    def reversed(self) -> Glob:
        return Glob([], self.budget, self.tokens[::-1])

    def _close(self, states: int) -> int:
        # a star may match nothing; stars never follow each other, so one shift closes the set
        return states | ((states & self.stars) << 1)

    def _mask(self, c: str) -> int:
        mask = self.masks.get(c)
        if mask is None:
            mask = 0
            for index, token in enumerate(self.tokens):
                if token is None or token == c or (isinstance(token, re.Pattern) and token.fullmatch(c)):
                    mask |= 1 << index
            self.masks[c] = mask
        return mask

    def _step(self, states: int, c: str) -> int:
        return self._close(((states & self._mask(c)) << 1) | (states & self.stars))

    def _run(self, text: str, start: int = 0, restart: bool = False) -> Iterator[int]:
        """Lengths k (ascending) for which the pattern matches text[start:start+k]; with `restart`,
        every end position at which some match (starting anywhere from `start`) ends."""
        states = self.start
        if states & self.accept:
            yield 0
        self.budget.spend(self.cost)
        for index in range(start, len(text)):
            states = self._step(states, text[index])
            if restart:
                states |= self.start
            if not states:
                return
            if states & self.accept:
                yield index + 1 - start
            self.budget.spend(self.cost)

    def fullmatch(self, text: str) -> bool:
        return any(length == len(text) for length in self._run(text))

    def prefix(self, text: str, longest: bool, start: int = 0) -> int | None:
        """Length of the shortest (or longest) prefix of text[start:] that the pattern matches, else None."""
        found = None
        for length in self._run(text, start):
            found = length
            if not longest:
                break
        return found

    def suffix(self, text: str, longest: bool) -> int | None:
        return self.reversed().prefix(text[::-1], longest)

    def replace(self, text: str, replacement: str, every: bool, limit: int) -> str:
        """${var/pat/str} (every=False) and ${var//pat/str}: leftmost-longest non-empty matches replaced.

        Raises ValueError with the result's size if it would exceed `limit` characters."""
        n = len(text)
        # where a match starts: ends of the reversed pattern run over the reversed text, from any start
        starts = sorted(n - end for end in self.reversed()._run(text[::-1], restart=True))
        out: list[str] = []
        size = 0
        pos = 0
        for begin in starts:
            if begin < pos or begin >= n:
                continue
            length = self.prefix(text, True, begin)
            if not length:
                continue
            size += begin - pos + len(replacement)
            if size > limit:
                raise ValueError(size + n - begin - length)
            out.append(text[pos:begin])
            out.append(replacement)
            pos = begin + length
            if not every:
                break
        out.append(text[pos:])
        return "".join(out)


def line_budget(ctx) -> Budget:
    """The running line's budget when a command runs under the shell, else a fresh one."""
    run = getattr(ctx, "run", None)
    return run.patterns if run is not None else Budget()
