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
class FillAnswer:
    """Accepted answers for a `fill` question: exact strings and regular expressions, after normalisation."""

    exact: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    case_sensitive: bool = True
    optional_sudo: bool = False


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
    fields["fill"] = (
        FillAnswer(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields["fill"].items()})
        if fields.get("fill")
        else None
    )
    for name in ("terms", "checks"):
        fields[name] = tuple(fields.get(name, ()))
    return Question(**fields)
