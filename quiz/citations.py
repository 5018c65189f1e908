"""Where to read more about a question: a section of a manual page GuestLab ships, and the objective's text.

The manual page comes from the command or file a fill question's key names, else from the commands and
files the question names in `code`; its section is the first
one past NAME and SYNOPSIS that speaks of what else the question names. The objective's text is LPI's own
Key Knowledge Area for the question's area, with the Terms it is tagged with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quiz.model import AREAS, TERMS, Question
from simulator import manual

# LPIC-1 objective 102.6, Key Knowledge Areas, as LPI words them (../shared/seed/).
KEY_KNOWLEDGE_AREAS = {
    "vm-and-containers": "Understand the general concept of virtual machines and containers",
    "iaas-elements": (
        "Understand common elements of virtual machines in an IaaS cloud, such as computing instances, "
        "block storage, and networking"
    ),
    "clone-unique-properties": (
        "Understand the unique properties of a Linux system which have to be changed when a system is "
        "cloned or used as a template"
    ),
    "images-deployment": (
        "Understand how system images are used to deploy virtual machines, cloud instances, and containers"
    ),
    "guest-integration": (
        "Understand Linux extensions that integrate Linux with a virtualization product. "
        "Awareness of cloud-init"
    ),
}

# Tools a question may use on the way (to search, to gain root, to edit) without being about them.
INCIDENTAL = {"sudo", "man", "bash", "sed", "find", "xargs", "awk", "mawk", "nano", "vi", "vim", "dpkg"}
SKIPPED_SECTIONS = {"NAME", "SYNOPSIS", "SEE ALSO"}
CODE = re.compile(r"`([^`]+)`")
HEADING = re.compile(r"^[A-Z][A-Z ]+$")


@dataclass(frozen=True)
class ManCitation:
    name: str
    section: str
    heading: str

    @property
    def command(self) -> str:
        return f"man {self.section} {self.name}"


@dataclass(frozen=True)
class ObjectiveCitation:
    area: str
    text: str
    terms: tuple[str, ...]


def _page_for(word: str) -> tuple[str, str] | None:
    """The manual page a `code` span names: a command by its name, a file by its own (e.g. fstab(5))."""
    name = word.rsplit("/", 1)[-1] if word.startswith("/") else word
    if name in INCIDENTAL:
        return None
    if word == "/proc/cpuinfo":
        name = "proc_cpuinfo"
    pages = manual.catalog()
    for section in manual.SECTION_ORDER:
        if (name, section) in pages:
            return name, section
    return None


def _sections(name: str, section: str) -> list[tuple[str, str]]:
    """(heading, body) of each section of the page, in order."""
    found, heading, body = [], None, []
    for line in manual.text(name, section).splitlines()[1:]:
        if HEADING.match(line):
            if heading:
                found.append((heading, "\n".join(body)))
            heading, body = line, []
        else:
            body.append(line)
    if heading:
        found.append((heading, "\n".join(body)))
    return found


def _heading(name: str, section: str, others: list[str]) -> str:
    sections = [(h, b) for h, b in _sections(name, section) if h not in SKIPPED_SECTIONS]
    flat = [(h, re.sub(r"\s+", " ", b)) for h, b in sections]
    for word in others:
        for heading, body in flat:
            if word in body:
                return heading
    return "DESCRIPTION" if any(h == "DESCRIPTION" for h, _ in sections) else sections[0][0]


def man_citation(question: Question) -> ManCitation | None:
    # A fill question asks for a command or a file: its key names the page to read, before whatever the
    # stem and the explanation mention on the way (`lsblk -f` beside `blkid`, the `--vm` option alone).
    key = list(question.fill.exact[:1]) if question.type == "fill" and question.fill else []
    spans = key + CODE.findall(question.stem) + CODE.findall(question.explanation)
    words = [word for span in spans for word in span.split() if not word.startswith("-")]
    for word in words:
        page = _page_for(word)
        if page:
            others = [w for w in dict.fromkeys(s.strip() for s in spans) if w != word and len(w) > 1]
            return ManCitation(page[0], page[1], _heading(*page, others))
    return None


def objective_citation(question: Question) -> ObjectiveCitation:
    return ObjectiveCitation(
        AREAS.get(question.area, question.area),
        KEY_KNOWLEDGE_AREAS.get(question.area, ""),
        tuple(TERMS[t] for t in question.terms if t in TERMS),
    )
