"""The command tree the parser builds and the evaluator runs. Words stay raw text until they run."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.bash.lexer import HereDoc


@dataclass(slots=True)
class Redirect:
    fd: int | None
    op: str
    target: str
    heredoc: HereDoc | None = None


@dataclass(slots=True)
class Simple:
    assignments: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class Pipeline:
    commands: list  # Simple or compound nodes
    negate: bool = False
    timed: str = ""  # "time" or "time -p"


@dataclass(slots=True)
class AndOr:
    """pipeline (&& or || pipeline)...: `items` pairs each pipeline with the connector before it."""

    items: list[tuple[str, Pipeline]]


@dataclass(slots=True)
class Sequence:
    """Commands separated by ; & or newlines."""

    items: list[AndOr]


@dataclass(slots=True)
class Group:
    body: Sequence
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class Subshell:
    body: Sequence
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class If:
    clauses: list[tuple[Sequence, Sequence]]
    otherwise: Sequence | None = None
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class Loop:
    """while or until."""

    condition: Sequence
    body: Sequence
    until: bool = False
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class For:
    name: str
    words: list[str] | None  # None: for NAME; do ... (the positional parameters)
    body: Sequence
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class ArithFor:
    init: str
    condition: str
    step: str
    body: Sequence
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class CaseItem:
    patterns: list[str]
    body: Sequence | None
    terminator: str  # ;; ;& ;;&


@dataclass(slots=True)
class Case:
    word: str
    items: list[CaseItem]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class Arith:
    """(( expression ))"""

    expression: str
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class Cond:
    """[[ expression ]]: a tree of ("and"|"or", left, right), ("not", x), ("unary", op, word),
    ("binary", op, left, right) and ("word", word) tuples."""

    expression: tuple
    redirects: list[Redirect] = field(default_factory=list)


@dataclass(slots=True)
class FunctionDef:
    name: str
    source: str  # the body as typed, which the shell keeps (declare -f prints it; state stays plain text)
    body: object = None
    redirects: list[Redirect] = field(default_factory=list)
