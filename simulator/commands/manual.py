"""man, whatis and apropos as man-db 2.12 answers them (output to a pipe, 80 columns).

A page comes from simulator/manpages when its file stands in /usr/share/man; commands without such a
page fall back to the short study note their module registered (`MAN_PAGES`), counted as section 1 (or 8
for the programs in /usr/sbin). Messages and exit statuses are man-db's: 16 when nothing was found.
"""

from __future__ import annotations

import re

from simulator import layout, manual, packages
from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.options import UsageError, parse
from simulator.patterns import PatternTooCostly, Regex, line_budget

NOT_FOUND = 16
MAN_LONG = {"apropos": "k", "whatis": "f", "where": "w", "path": "w", "location": "w", "sections=": "s"}
# glibc regerror() texts for the mistakes a learner makes in an apropos pattern
REGEX_ERRORS = {
    "missing ), unterminated subpattern": "Unmatched ( or \\(",
    "unterminated character set": "Unmatched [, [^, [:, [., or [=",
    "nothing to repeat": "Invalid preceding regular expression",
    "multiple repeat": "Invalid preceding regular expression",
}


def _usage_error(ctx: Context, name: str, error: UsageError) -> int:
    ctx.err(f"{name}: {error}\nTry '{name} --help' or '{name} --usage' for more information.\n")
    return 1


def _installed(ctx: Context, name: str, section: str) -> bool:
    return (name, section) in manual.catalog() and ctx.machine.fs.exists(manual.installed_path(name, section))


def is_section(word: str) -> bool:
    """man-db's is_section(): a known section, or a digit followed by a letter (3perl, 1ssl)."""
    return word in manual.SECTION_ORDER or (len(word) > 1 and word[0].isdigit() and not word[1].isdigit())


def _note_section(name: str) -> str:
    """Where a command's study note stands: in its real page's section (1 or 8), else 8 or 1."""
    real = [s for n, s in manual.catalog() if n == name and s in ("1", "8")]
    return real[0] if real else ("8" if (packages.program_path(name) or "").startswith("/usr/sbin/") else "1")


def _has_note(ctx: Context, name: str) -> bool:
    """A study note is shown for a shell builtin, or for a program this machine has."""
    fs = ctx.machine.fs
    return name in MAN_PAGES and (
        name in layout.SHELL_ONLY or fs.exists(f"/usr/bin/{name}") or fs.exists(f"/usr/sbin/{name}")
    )


def _find(ctx: Context, name: str, sections: list[str]) -> tuple[str, str] | None:
    """The first page called `name` in man-db's section order, a study note standing in for a missing one."""
    for section in sections or manual.SECTION_ORDER:
        if _installed(ctx, name, section):
            return name, section
        if section == _note_section(name) and _has_note(ctx, name):
            return name, section
    return None


def _page_text(ctx: Context, name: str, section: str) -> str:
    return manual.text(name, section) if _installed(ctx, name, section) else MAN_PAGES[name]


def _entries(ctx: Context) -> list[tuple[str, str, str]]:
    """(name, section, description) of every page and study note, sorted as man-db lists them."""
    entries = {(n, s): manual.summary(n, s) for n, s in manual.catalog() if _installed(ctx, n, s)}
    for name, note in MAN_PAGES.items():
        key = (name, _note_section(name))
        described = _note_summary(name, note)
        if key not in entries and described and name not in layout.SHELL_ONLY and _has_note(ctx, name):
            entries[key] = described
    return sorted((n, s, d) for (n, s), d in entries.items())


def _note_summary(name: str, note: str) -> str:
    """The "name - description" line of a study note (after its NAME heading, or its first line)."""
    lines = [line.strip() for line in note.splitlines() if line.strip()]
    if lines and lines[0] == "NAME":
        lines = lines[1:]
    head = lines[0] if lines else ""
    prefix = f"{name} - "
    return head[len(prefix) :] if head.startswith(prefix) else ""


@command(
    "man",
    man="""
NAME
       man - an interface to the system reference manuals

SYNOPSIS
       man [SECTION] PAGE...    man -k REGEXP    man -f PAGE

DESCRIPTION
       Show the manual page of each PAGE (man 5 machine-id, or man machine-id.5). -k searches the
       names and descriptions (apropos), -f prints a page's one-line description (whatis).
""",
)
def man(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "kfws:a", MAN_LONG)
    except UsageError as error:
        return _usage_error(ctx, "man", error)
    if "k" in opts:
        return apropos(ctx, ["apropos", *operands])
    if "f" in opts:
        return whatis(ctx, ["whatis", *operands])
    sections = opts.get("s", "").replace(",", ":").split(":") if "s" in opts else []
    sections = [s for s in sections if s]
    if len(operands) > 1 and not sections and is_section(operands[0]):
        sections, operands = [operands[0]], operands[1:]
    if not operands:
        ctx.err("What manual page do you want?\nFor example, try 'man man'.\n")
        return 1
    if len(operands) == 1 and not sections and is_section(operands[0]) and not _find(ctx, operands[0], []):
        ctx.err(
            f"No manual entry for {operands[0]}\n"
            f"(Alternatively, what manual page do you want from section {operands[0]}?)\n"
            "For example, try 'man man'.\n"
        )
        return 1
    status = 0
    for name in operands:
        found = _find(ctx, name, sections)
        base, dot, suffix = name.rpartition(".")
        if found is None and dot and not sections and is_section(suffix):
            found = _find(ctx, base, [suffix])
        if found is None:
            where = f" in section {sections[0]}" if len(sections) == 1 else ""
            ctx.err(f"No manual entry for {name}{where}\n")
            status = NOT_FOUND
        elif "w" in opts:
            ctx.out(manual.installed_path(*found) + "\n" if _installed(ctx, *found) else "")
        else:
            ctx.out(_page_text(ctx, *found))
    return status


@command(
    "whatis",
    man="""
NAME
       whatis - display one-line manual page descriptions

SYNOPSIS
       whatis [-s SECTIONS] [-l] NAME...

DESCRIPTION
       Print the NAME line of each manual page called NAME (the same as man -f NAME).
""",
)
def whatis(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "s:l", {"sections=": "s", "long": "l"})
    except UsageError as error:
        return _usage_error(ctx, "whatis", error)
    if not operands:
        ctx.err("whatis what?\n")
        return 1
    sections = _sections(opts)
    entries = _entries(ctx)
    status = 0
    for word in operands:
        hits = [e for e in entries if e[0].lower() == word.lower() and (not sections or e[1] in sections)]
        if not hits:
            ctx.err(f"{word}: nothing appropriate.\n")
            status = NOT_FOUND
        for name, section, description in sorted(hits, key=lambda e: e[1]):
            ctx.out(_display(name, section, description, "l" in opts))
    return status


@command(
    "apropos",
    man="""
NAME
       apropos - search the manual page names and descriptions

SYNOPSIS
       apropos [-a] [-s SECTIONS] [-l] KEYWORD...

DESCRIPTION
       Print the pages whose name or one-line description matches a KEYWORD, a regular expression
       matched without regard to case (the same as man -k). -a asks for pages matching every KEYWORD.
""",
)
def apropos(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "s:la", {"sections=": "s", "long": "l", "and": "a"})
    except UsageError as error:
        return _usage_error(ctx, "apropos", error)
    if not operands:
        ctx.err("apropos what?\n")
        return 1
    budget = line_budget(ctx)
    matchers = []
    for word in operands:
        try:
            matchers.append(Regex(word, ignore_case=True, budget=budget))
        except re.error as error:
            reason = REGEX_ERRORS.get(error.msg, "Invalid regular expression")
            ctx.err(f"apropos: fatal: regex `{word}': {reason}\n")
            return 2
    sections = _sections(opts)
    found = []
    try:
        for name, section, description in _entries(ctx):
            ctx.tick()
            if sections and section not in sections:
                continue
            hits = [m.search(name) or m.search(description) for m in matchers]
            if all(hits) if "a" in opts else any(hits):
                found.append(_display(name, section, description, "l" in opts))
    except PatternTooCostly:
        ctx.err("apropos: fatal: regex too costly\n")
        return 2
    for word in operands if not found else ():
        ctx.err(f"{word}: nothing appropriate.\n")
    ctx.out("".join(found))
    return 0 if found else NOT_FOUND


def _sections(opts) -> list[str]:
    return [s for s in opts.get("s", "").replace(",", ":").split(":") if s]


def _display(name: str, section: str, description: str, long: bool) -> str:
    line = manual.whatis_line(name, section, description)
    return (f"{f'{name} ({section})':<20} - {description}" if long else line) + "\n"
