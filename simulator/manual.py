"""The manual pages GuestLab ships, and how man-db 2.12 finds them.

Each page is a text file in `manpages/` named PAGE.SECTION, holding what `man PAGE` prints to a pipe on an
80-column terminal (see manpages/README.md). Pages are read when first asked for. Every page also stands
in the filesystem as /usr/share/man/manSECTION/PAGE.SECTION.gz (an empty file shared by all machines), so
whereis and dpkg -L see it and removing that file hides the page, as it would for man.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

PAGES_DIR = Path(__file__).parent / "manpages"
# man-db's default section search order (man_db.conf SECTION), for the sections that hold pages here.
SECTION_ORDER = ("1", "n", "l", "8", "3", "0", "2", "5", "4", "9", "6", "7")
# Pages reached through a link, as Ubuntu's alternatives install them: (name, section) -> page name.
LINKS = {("awk", "1"): "mawk", ("vi", "1"): "vim"}
# Pages a package brings: installed and removed with it (packages.files).
PACKAGE_PAGES = {
    ("kvm-ok", "1"): "cpu-checker",
    ("cloud-init", "1"): "cloud-init",
    ("lspci", "8"): "pciutils",
    ("virt-sysprep", "1"): "guestfs-tools",
}
WHATIS_WIDTH = 80  # apropos and whatis cut longer lines to the terminal width, ending them with "..."


@functools.cache
def catalog() -> dict[tuple[str, str], str]:
    """(name, section) -> the page file's name, for every page and link."""
    pages = {}
    for path in PAGES_DIR.iterdir():
        name, dot, section = path.name.rpartition(".")
        if dot and section in SECTION_ORDER:
            pages[(name, section)] = path.name
    for (name, section), target in LINKS.items():
        pages[(name, section)] = f"{target}.{section}"
    return pages


def installed_path(name: str, section: str) -> str:
    return f"/usr/share/man/man{section}/{name}.{section}.gz"


def shared_paths() -> list[str]:
    """The page files every image holds (those a package brings are installed with it)."""
    return sorted(installed_path(n, s) for n, s in catalog() if (n, s) not in PACKAGE_PAGES)


def package_paths(package: str) -> list[str]:
    return sorted(installed_path(n, s) for (n, s), owner in PACKAGE_PAGES.items() if owner == package)


@functools.cache
def text(name: str, section: str) -> str:
    return (PAGES_DIR / catalog()[(name, section)]).read_text()


def summary(name: str, section: str) -> str:
    """The description after " - " in the page's NAME section, with the justification spaces undone."""
    lines = text(name, section).splitlines()
    start = lines.index("NAME") + 1
    joined = ""
    for line in lines[start:]:
        if not line.strip():
            break
        # a line broken inside a word: groff's inserted hyphen (U+2010) goes, a word's own hyphen stays
        if joined.endswith("\u2010"):
            joined = joined[:-1] + line.strip()
        elif re.search(r"\S-$", joined):
            joined += line.strip()
        else:
            joined += (" " if joined else "") + line.strip()
    return re.sub(r"\s+", " ", joined).split(" - ", 1)[1]


def whatis_line(name: str, section: str, description: str) -> str:
    """man-db's display format: "name (section)" padded to 20 columns, " - ", the description, cut to fit."""
    line = f"{f'{name} ({section})':<20} - {description}"
    return line if len(line) <= WHATIS_WIDTH else line[: WHATIS_WIDTH - 3] + "..."
