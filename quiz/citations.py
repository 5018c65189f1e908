"""Where to read more about a question: a section of a manual page GuestLab ships (or, for a cloud-config
key, cloud-init's documentation of the module that reads it), and the objective's text.

What the question is about is read from what it names in `code`, in this order: a fill question's key, the
stem, the right options, the explanation (the wrong options name what it is not about). In a question on
cloud-config, a name that is a cloud-config key is that key (`hostname` is not hostname(5) there): the
first one cites its module's documentation. Otherwise the first command or file with a page names it
(`mkfs.ext4`, without a page of its own, its front end's: mkfs(8)); its section is the first one past
NAME and SYNOPSIS that speaks of what else the question names. The objective's text is LPI's own Key
Knowledge Area for the question's area, with the Terms it is tagged with.
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

# The cloud-init 24.3 module that reads each cloud-config key the banks use, by the title of its section in
# the module reference (doc/module-docs/cc_*/data.yaml, rendered in reference/modules.rst).
CLOUD_INIT_MODULES = "https://docs.cloud-init.io/en/24.3/reference/modules.html"
CLOUD_CONFIG_MODULES = {
    "users": "Users and Groups",
    "groups": "Users and Groups",
    "ssh_authorized_keys": "SSH",
    "ssh_deletekeys": "SSH",
    "ssh_genkeytypes": "SSH",
    "disable_root": "SSH",
    "ssh_pwauth": "Set Passwords",
    "chpasswd": "Set Passwords",
    "hostname": "Set Hostname",
    "fqdn": "Set Hostname",
    "preserve_hostname": "Set Hostname",
    "prefer_fqdn_over_hostname": "Set Hostname",
    "create_hostname_file": "Set Hostname",
    "manage_etc_hosts": "Update Etc Hosts",
    "runcmd": "Runcmd",
    "bootcmd": "Bootcmd",
    "packages": "Package Update Upgrade Install",
    "package_update": "Package Update Upgrade Install",
    "package_upgrade": "Package Update Upgrade Install",
    "package_reboot_if_required": "Package Update Upgrade Install",
    "write_files": "Write Files",
    "mounts": "Mounts",
    "timezone": "Timezone",
    "final_message": "Final Message",
}
CLOUD_CONFIG = re.compile(r"cloud-config", re.IGNORECASE)

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
class ModuleCitation:
    """cloud-init's documentation of the module that reads a cloud-config key."""

    key: str
    module: str

    @property
    def url(self) -> str:
        return f"{CLOUD_INIT_MODULES}#{self.module.lower().replace(' ', '-')}"


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
    front_end = name.split(".", 1)[0]  # mkfs.ext4, fsck.xfs: the front end's page when none of their own
    for candidate in dict.fromkeys((name, front_end)):
        for section in manual.SECTION_ORDER:
            if (candidate, section) in pages:
                return candidate, section
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


def _spans(question: Question) -> list[str]:
    """The `code` spans of the question in the order that says what it is about (see the module's text)."""
    key = list(question.fill.exact[:1]) if question.type == "fill" and question.fill else []
    right = [span for option in question.options if option.correct for span in CODE.findall(option.text)]
    return key + CODE.findall(question.stem) + right + CODE.findall(question.explanation)


def _keys(question: Question) -> set[str]:
    """The cloud-config keys a question on cloud-config names; none in any other question."""
    texts = [question.stem, question.explanation, *(o.text for o in question.options)]
    if not any(CLOUD_CONFIG.search(text) for text in texts):
        return set()
    return {span.strip() for span in CODE.findall(" ".join(texts))} & CLOUD_CONFIG_MODULES.keys()


def module_citation(question: Question) -> ModuleCitation | None:
    keys = _keys(question)
    for span in _spans(question):
        if span.strip() in keys:
            return ModuleCitation(span.strip(), CLOUD_CONFIG_MODULES[span.strip()])
    return None


def man_citation(question: Question) -> ManCitation | None:
    # A fill question asks for a command or a file: its key names the page to read, before whatever the
    # stem and the explanation mention on the way (`lsblk -f` beside `blkid`, the `--vm` option alone).
    spans = _spans(question)
    keys = _keys(question)
    words = [word for span in spans if span.strip() not in keys for word in span.split() if word[0] != "-"]
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
