"""The in-memory shape of a question bank: shared by the loader, graders, exam builder and exports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

AREAS = {
    "vm-and-containers": "Virtual machines and containers",
    "iaas-elements": "Elements of an IaaS cloud",
    "clone-unique-properties": "What to change when cloning",
    "images-deployment": "Images and deployment",
    "guest-integration": "Guest drivers, tools and cloud-init",
}

TERMS = {
    "virtual-machine": "Virtual machine",
    "linux-container": "Linux container",
    "application-container": "Application container",
    "guest-drivers": "Guest drivers",
    "ssh-host-keys": "SSH host keys",
    "dbus-machine-id": "D-Bus machine id",
}

TYPES = ("single", "multiple", "fill", "lab")
# How the pickers of questions (practice, a class's practice set) name the types to learners.
TYPE_LABELS = {
    "single": "One answer",
    "multiple": "Several answers",
    "fill": "Type the answer",
    "lab": "Do it in a lab",
}
TEXT_FORMATS = ("markdown", "html")


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    explanation: str
    fraction: float | None = None
    """Moodle's share of the mark (1.0 = 100%) when the option came from Moodle with one; export keeps it."""


@dataclass(frozen=True)
class CommandRun:
    """How a typed command is graded by what it does: run on a fresh copy of `scenario`'s machine (with
    `machine` added to its spec and `setup` lines run first), it must print what an `exact` answer prints
    (`compare: output`) or change the machine as one does (`compare: state`), running one of `tools`
    (by default the first program that exact answer runs)."""

    scenario: str
    compare: str = "output"
    tools: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    machine: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Advice:
    """What to tell a learner whose wrong answer fully matches `pattern` (a typical misconception)."""

    pattern: str
    message: str


@dataclass(frozen=True)
class FillAnswer:
    """Accepted answers for a `fill` question: exact strings and regular expressions, after normalisation;
    for a command, `run` says how to grade it by running it instead."""

    exact: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    case_sensitive: bool = True
    optional_sudo: bool = False
    run: CommandRun | None = None
    advice: tuple[Advice, ...] = ()


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    area: str
    stem: str
    explanation: str
    terms: tuple[str, ...] = ()
    difficulty: int = 2
    author: str = "GuestLab contributors"
    licence: str = "CC-BY-SA-4.0"
    options: tuple[Option, ...] = ()
    choose: int = 1
    fill: FillAnswer | None = None
    scenario: str | None = None
    checks: tuple[str, ...] = ()
    source_file: str = ""
    text_format: str = "markdown"
    """How stem, explanation and option texts are written: "markdown" (the banks) or "html" (from Moodle)."""

    @property
    def correct_option_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)


@dataclass
class Bank:
    """All loaded questions, by id, in file order."""

    questions: dict[str, Question] = field(default_factory=dict)

    def by_area(self, area: str) -> list[Question]:
        return [q for q in self.questions.values() if q.area == area]


def question_to_dict(question: Question) -> dict:
    """A JSON-able form of a question, for questions kept in the database (an instructor's imports)."""
    return asdict(question)


def question_from_dict(data: dict) -> Question:
    fields = dict(data)
    fields["options"] = tuple(Option(**o) for o in fields.get("options", ()))
    fields["fill"] = fill_from_dict(fields["fill"]) if fields.get("fill") else None
    for name in ("terms", "checks"):
        fields[name] = tuple(fields.get(name, ()))
    return Question(**fields)


def fill_from_dict(data: dict) -> FillAnswer:
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    if fields.get("run"):
        run = {k: tuple(v) if isinstance(v, list) else v for k, v in fields["run"].items()}
        fields["run"] = CommandRun(**run)
    fields["advice"] = tuple(Advice(**a) for a in fields.get("advice", ()))
    return FillAnswer(**fields)
