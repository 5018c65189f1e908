"""Text filters as GNU grep 3.11 and GNU coreutils 9.4 print them: grep, head, tail, wc, sort, uniq, cut,
tee, tr.

Each reads its FILE operands through the FileSystem with the caller's uid, or standard input when there
are none (or for "-"). grep's basic and extended regular expressions are translated to Python's `re`
syntax and run by simulator.patterns in bounded time (RE2, or a time-limited backtracker for
backreferences).
"""

from __future__ import annotations

import re

from simulator.commands import MAN_PAGES, Context, command, follow
from simulator.commands.options import Options, gnu
from simulator.dialogue import all_input
from simulator.filesystem import FsError
from simulator.patterns import POSIX_CLASSES, Glob, PatternTooCostly, Regex, bracket_expression, line_budget

COREUTILS = "(GNU coreutils) 9.4"
STDIN_NAME = "(standard input)"
COLOR_WHEN = {"always": "always", "yes": "always", "force": "always", "never": "never", "no": "never"}
COLOR_WHEN |= {"none": "never", "auto": "auto", "tty": "auto", "if-tty": "auto"}
# GNU grep's default GREP_COLORS: ms=01;31 (match), fn=35 (file name), ln=32 (line number), se=36 (":"),
# each followed by "erase to end of line" (\33[K) so a coloured background never spills over.
MATCH_COLOUR, NAME_COLOUR, NUMBER_COLOUR, SEPARATOR_COLOUR = "01;31", "35", "32", "36"


def painted(text: str, colour: str) -> str:
    return f"\x1b[{colour}m\x1b[K{text}\x1b[m\x1b[K"


def read_inputs(ctx: Context, prog: str, operands: list[str], open_message: str = "{name}"):
    """Yield (name, text) per operand, stdin for none or "-"; report failures and yield (name, None)."""
    for operand in operands or ["-"]:
        if operand == "-":
            yield operand, all_input(ctx)
            continue
        try:
            text = ctx.machine.fs.read(operand, ctx.cwd, ctx.uid)
        except FsError as error:
            ctx.err(f"{prog}: {open_message.format(name=operand)}: {error.message}\n")
            yield operand, None
            continue
        ctx.tick(len(text) // 4096 + 1)  # the filters' work grows with what they read
        yield operand, text


QUANTIFIERS = {"*", "+", "?"}
# X** is X*, X+? is X*...: POSIX allows a repetition of a repetition, Python's re does not
COMBINED = {("+", "+"): "+", ("?", "?"): "?"}


def translate_regex(pattern: str, extended: bool, leading_star_literal: bool = True) -> str:
    """POSIX basic (extended=False) or extended regular expression, with GNU extensions, to Python re.

    grep reads a `*` that starts an ERE as a literal star; sed (glibc's POSIX syntax) rejects it
    (`leading_star_literal=False`). Errors are raised as re.error with glibc's words where they differ.
    """
    out: list[str] = []
    i = 0

    def quantifier(q: str) -> None:
        if out and out[-1] in QUANTIFIERS:
            out[-1] = COMBINED.get((out[-1], q), "*")
        else:
            out.append(q)

    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "{" and not extended:
                interval = re.match(r"\\\{(\d*(?:,\d*)?)\\\}", pattern[i:])
                if interval is None:
                    closed = "\\}" in pattern[i:]
                    raise re.error("Invalid content of \\{\\}" if closed else "Unmatched \\{")
                out.append("{" + interval.group(1) + "}")
                i += interval.end()
                continue
            if n in "+?" and not extended:
                quantifier(n)
            elif n in "(){}|+?":
                out.append(n if not extended else "\\" + n)
            elif n == "<":
                out.append(r"\b(?=\w)")
            elif n == ">":
                out.append(r"\b(?<=\w)")
            elif n == "`":
                out.append(r"\A")
            elif n == "'":
                out.append(r"\Z")
            elif n in "wWsSbB" or n.isdigit():
                out.append("\\" + n)
            else:
                out.append(re.escape(n))
            i += 2
            continue
        if c == "[":
            bracket = bracket_expression(pattern, i + 1)
            if bracket is None:
                raise re.error("unterminated character set")
            text, i = bracket
            out.append(text)
            continue
        at_start = not out or out[-1] in ("^", "(", "|")
        if c in "(){}|+?" and not extended:
            out.append("\\" + c)
        elif c == "*" and at_start and (leading_star_literal or not extended):
            out.append(r"\*")
        elif c in "*+?" and at_start and not leading_star_literal:
            raise re.error("Invalid preceding regular expression")
        elif c in "*+?":
            quantifier(c)
        elif c == "{" and extended and not re.match(r"\{\d*(,\d*)?\}", pattern[i:]):
            out.append(r"\{")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def regex_error_message(error: re.error) -> str:
    """glibc's regerror() text for what Python's re rejected in a translated POSIX regex."""
    text = str(error)
    if text.startswith(("Unmatched \\{", "Invalid ")):
        return text
    if "missing )" in text or "unterminated subpattern" in text:
        return "Unmatched ( or \\("
    if "unbalanced parenthesis" in text:
        return "Unmatched ) or \\)"
    if "character set" in text:
        return "Unmatched [, [^, [:, [., or [="
    if "invalid group reference" in text:
        return "Invalid back reference"
    if "nothing to repeat" in text or "multiple repeat" in text:
        return "Invalid preceding regular expression"
    if "end of pattern" in text:
        return "Trailing backslash"
    if "bad character range" in text:
        return "Invalid range end"
    return "Invalid regular expression"


@command(
    "grep",
    man="""
NAME
       grep - print lines that match patterns

SYNOPSIS
       grep [OPTION]... PATTERNS [FILE]...

DESCRIPTION
       Print lines of each FILE (or standard input) that match a basic regular expression.
       -E     extended regular expressions (+ ? | ( ) { } are special)   -F   fixed strings
       -i     ignore case          -v   select non-matching lines        -w   whole words only
       -x     whole lines only     -c   print a count of matching lines  -n   prefix line numbers
       -o     print only the matched parts   -l   print only names of files with matches
       -q     quiet: exit status only (0 match, 1 none, 2 error)   -s   no messages about files
       -m N   stop after N matching lines    -r   search directories recursively
       -h/-H  never/always prefix the file name   -e PATTERN   use PATTERN (may repeat)
       Example: grep -c -E 'vmx|svm' /proc/cpuinfo counts CPUs with hardware virtualization.
""",
)
@gnu(
    "EFGPivwxcnoqslLhHrRm:e:A:B:C:",
    {
        "extended-regexp": "E",
        "fixed-strings": "F",
        "basic-regexp": "G",
        "perl-regexp": "P",
        "ignore-case": "i",
        "invert-match": "v",
        "word-regexp": "w",
        "line-regexp": "x",
        "count": "c",
        "line-number": "n",
        "only-matching": "o",
        "quiet": "q",
        "silent": "q",
        "no-messages": "s",
        "files-with-matches": "l",
        "files-without-match": "L",
        "no-filename": "h",
        "with-filename": "H",
        "recursive": "r",
        "dereference-recursive": "R",
        "include=": "include",
        "exclude=": "exclude",
        "after-context=": "A",
        "before-context=": "B",
        "context=": "C",
        "max-count=": "m",
        "regexp=": "e",
        "color=?": "color",
        "colour=?": "color",
    },
    status=2,
    version="(GNU grep) 3.11",
)
def grep(ctx: Context, opts: Options, operands: list[str]) -> int:
    patterns = opts.all("e")
    if not patterns:
        if not operands:
            ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
            return 2
        patterns = [operands.pop(0)]
    patterns = [p for text in patterns for p in text.split("\n")]
    mode = opts.last_of("E", "F", "G", "P") or "G"
    try:
        if mode == "P":  # Perl syntax is (nearly) Python's: -P patterns are used as they are
            pieces = patterns
        else:
            pieces = [re.escape(p) if mode == "F" else translate_regex(p, mode == "E") for p in patterns]
        regex = "|".join(f"(?:{p})" for p in pieces)
        if "x" in opts:
            regex = f"^(?:{regex})$"
        elif "w" in opts:
            regex = rf"(?<!\w)(?:{regex})(?!\w)"
        compiled = Regex(regex, "i" in opts, longest=mode != "P", budget=line_budget(ctx))
    except re.error as error:
        ctx.err(f"grep: {regex_error_message(error)}\n")
        return 2
    colour = COLOR_WHEN.get(opts.get("color", "auto") if "color" in opts else "never")
    if colour is None:  # GNU grep answers an unknown WHEN with its whole --help, and status 0
        ctx.out(MAN_PAGES["grep"])
        return 0
    max_count = opts.get("m")
    if max_count is not None and not re.fullmatch(r"-?\d+", max_count):
        ctx.err("grep: invalid max count\n")
        return 2
    recursive = "r" in opts or "R" in opts
    targets = operands or (["."] if recursive else ["-"])
    for key in ("A", "B", "C"):
        if opts.get(key) is not None and not (opts.get(key).isascii() and opts.get(key).isdigit()):
            ctx.err(f"grep: {opts.get(key)}: invalid context length argument\n")
            return 2
    searcher = _Grep(ctx, opts, compiled, int(max_count) if max_count is not None else -1)
    searcher.colour = colour == "always" or colour == "auto" and getattr(ctx, "tty", False)
    # -r names the files it finds under a directory; one plain file operand stays unnamed
    walked = recursive and any(t != "-" and ctx.machine.fs.is_dir(t, ctx.cwd, ctx.uid) for t in targets)
    show_names = "H" in opts or (len(targets) > 1 or walked) and "h" not in opts
    try:
        for target in targets:
            for name, text in _grep_inputs(ctx, opts, target, recursive, bool(operands)):
                if searcher.search(name, text, show_names) and "q" in opts:
                    return 0
    except PatternTooCostly:
        # GNU grep's answer when its matcher runs out of memory, as a backreference pattern that needs
        # exponential backtracking makes it do (dfa.c/regexec.c: xalloc_die): "grep: memory exhausted".
        ctx.err("grep: memory exhausted\n")
        return 2
    if searcher.error and not ("q" in opts and searcher.matched):
        return 2
    return 0 if searcher.matched else 1


def _grep_inputs(ctx: Context, opts: Options, target: str, recursive: bool, named: bool):
    fs = ctx.machine.fs
    quiet = "s" in opts
    if target == "-":
        yield STDIN_NAME, all_input(ctx)
        return
    paths = [target]
    if recursive and fs.is_dir(target, ctx.cwd, ctx.uid):
        prefix = "" if not named else target if target.endswith("/") else target + "/"
        paths = _tree_files(ctx, fs.resolve(target, ctx.cwd), prefix, "R" in opts, quiet)
    for path in paths:
        ctx.tick()
        if path is None:
            yield "", None
            continue
        if not _grep_wants(ctx, opts, path):
            continue
        try:
            yield path, fs.read(path, ctx.cwd, ctx.uid)
        except FsError as error:
            if not quiet:
                ctx.err(f"grep: {path}: {error.message}\n")
            yield path, None


def _tree_files(ctx: Context, real: str, prefix: str, follow: bool, quiet: bool):
    """The files under a directory as grep -r visits them (-R also follows links), one tick per entry;
    devices and (for -r) links met on the way are skipped, unreadable directories reported (None)."""
    fs = ctx.machine.fs
    stack = [(real, prefix, True)]
    seen = {real}  # -R through a link back up the tree would loop
    while stack:
        path, shown, is_dir = stack.pop()
        if not is_dir:
            yield shown
            continue
        try:
            names = fs.listdir(path, uid=ctx.uid)
        except FsError as error:
            if not quiet:
                ctx.err(f"grep: {shown.rstrip('/') or '.'}: {error.message}\n")
            yield None  # reported: the run ends with status 2
            continue
        entries = []
        for name in names:
            ctx.tick()
            child = path.rstrip("/") + "/" + name
            node = fs.nodes[child]
            if node.kind == "symlink" and follow:
                try:
                    child = fs.resolve(child, uid=ctx.uid)
                except FsError:
                    continue
                node = fs.nodes.get(child, node)
            if node.kind == "dir" and child not in seen:
                seen.add(child)
                entries.append((child, shown + name + "/", True))
            elif node.kind == "file":
                entries.append((child, shown + name, False))
        stack.extend(reversed(entries))


def _grep_wants(ctx: Context, opts: Options, path: str) -> bool:
    """--include / --exclude: shell patterns matched against the file's base name."""
    base = path.rstrip("/").rsplit("/", 1)[-1]

    def matches(pattern: str) -> bool:
        return Glob([(c, True) for c in pattern], line_budget(ctx)).fullmatch(base)

    if any(matches(pattern) for pattern in opts.all("exclude")):
        return False
    includes = opts.all("include")
    return not includes or any(matches(pattern) for pattern in includes)


class _Grep:
    """One grep run over several inputs: counts what matched and whether any input failed."""

    def __init__(self, ctx: Context, opts: Options, regex: Regex, max_count: int):
        self.ctx = ctx
        self.opts = opts
        self.regex = regex
        self.max_count = max_count
        self.matched = False
        self.error = False
        self.colour = False
        context = opts.get("C", "0")
        self.after = int(opts.get("A", context))
        self.before = int(opts.get("B", context))
        self.printed_group = False  # for the "--" between groups of context

    def _paint(self, text: str, colour: str) -> str:
        return painted(text, colour) if self.colour else text

    def _prefix(self, name: str, show_names: bool, number: int | None = None) -> str:
        separator = self._paint(":", SEPARATOR_COLOUR)
        prefix = self._paint(name, NAME_COLOUR) + separator if show_names else ""
        if number is not None:
            prefix += self._paint(str(number), NUMBER_COLOUR) + separator
        return prefix

    def _highlight(self, line: str) -> str:
        """The line with each match coloured, as --color shows selected lines."""
        if not self.colour:
            return line
        out, start = [], 0
        for found in self.regex.spans(line):
            begin, end = found
            if end == begin:
                continue
            out.append(line[start:begin] + painted(line[begin:end], MATCH_COLOUR))
            start = end
        return "".join(out) + line[start:]

    def search(self, name: str, text: str | None, show_names: bool) -> bool:
        if text is None:
            self.error = True
            return False
        ctx, opts = self.ctx, self.opts
        invert = "v" in opts
        selected = []
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        ctx.tick(len(lines) // 64 + 1)
        for number, line in enumerate(lines, 1):
            if self.max_count >= 0 and len(selected) >= self.max_count:
                break
            if bool(self.regex.search(line)) != invert:
                selected.append((number, line))
        if selected:
            self.matched = True
        if "q" in opts:
            return bool(selected)
        prefix = self._prefix(name, show_names)
        if "l" in opts or "L" in opts:
            if bool(selected) == ("l" in opts):
                ctx.out(self._paint(name, NAME_COLOUR) + "\n")
            return bool(selected)
        if "c" in opts:
            ctx.out(f"{prefix}{len(selected)}\n")
            return bool(selected)
        if "\0" in text and selected:
            ctx.err(f"grep: {name}: binary file matches\n")
            return True
        if any(key in opts for key in "ABC") and not ("o" in opts and not invert):
            ctx.out(self.with_context(name if show_names else None, lines, selected))
            return True
        out = []
        for number, line in selected:
            lead = self._prefix(name, show_names, number if "n" in opts else None)
            if "o" in opts and not invert:
                matches = (found for found in self.regex.findall(line) if found)
                out.extend(f"{lead}{self._paint(found, MATCH_COLOUR)}\n" for found in matches)
            else:
                out.append(f"{lead}{line if invert else self._highlight(line)}\n")
        ctx.out("".join(out))
        return bool(selected)

    def with_context(self, name: str | None, lines: list[str], selected: list[tuple[int, str]]) -> str:
        """Selected lines (name:number:) with -B/-A lines around them (name-number-), groups split by --."""
        matched = {number for number, _ in selected}
        shown: list[int] = []
        for number in sorted(matched):
            for around in range(max(1, number - self.before), min(len(lines), number + self.after) + 1):
                if not shown or around > shown[-1]:
                    shown.append(around)
        out = []
        for index, number in enumerate(shown):
            if (index == 0 and self.printed_group) or (index and number != shown[index - 1] + 1):
                out.append("--\n")
            mark = ":" if number in matched else "-"
            lead = (name + mark if name is not None else "") + (f"{number}{mark}" if "n" in self.opts else "")
            out.append(f"{lead}{lines[number - 1]}\n")
        self.printed_group = self.printed_group or bool(shown)
        return "".join(out)


def _numeric_shorthand(argv: list[str]) -> list[str]:
    """head -5 / tail -5 mean -n 5 (and tail +5 means -n +5), the historical syntax: only as the first
    argument, so `head -n -2` keeps its negative count."""
    first = argv[1] if len(argv) > 1 else ""
    if re.fullmatch(r"-\d+", first):
        return [argv[0], "-n", first[1:], *argv[2:]]
    if argv[0].endswith("tail") and re.fullmatch(r"\+\d+", first):
        return [argv[0], "-n", first, *argv[2:]]
    return argv


def _head_tail(ctx: Context, prog: str, opts: Options, operands: list[str]) -> int:
    by_bytes = opts.last_of("n", "c") == "c"
    raw = opts.get("c" if by_bytes else "n", "10")
    match = re.fullmatch(r"([-+]?)(\d+)", raw.strip())
    if not match:
        what = "bytes" if by_bytes else "lines"
        ctx.err(f"{prog}: invalid number of {what}: '{raw}'\n")
        return 1
    sign, count = match.group(1), int(match.group(2))
    status = 0
    many = len(operands) > 1 and "q" not in opts or "v" in opts
    blocks = []
    for name, text in read_inputs(ctx, prog, operands, "cannot open '{name}' for reading"):
        if text is None:
            status = 1
            continue
        if ctx.machine.fs.is_dir(name, ctx.cwd, ctx.uid) and name != "-":
            ctx.err(f"{prog}: error reading '{name}': Is a directory\n")
            status = 1
            continue
        units = list(text) if by_bytes else text.splitlines(keepends=True)
        if prog == "head":
            chosen = units[: len(units) - count] if sign == "-" else units[:count]
        elif sign == "+":
            chosen = units[max(count - 1, 0) :]
        else:
            chosen = units[len(units) - count :] if count else []
        header = f"==> {STDIN_NAME if name == '-' else name} <==\n" if many else ""
        blocks.append(header + "".join(chosen))
    ctx.out(("\n" if many else "").join(blocks))
    if "f" in opts and operands:
        # -f on the terminal: tail waits for the files to grow until Ctrl-C kills it (status 130); nothing
        # writes to them meanwhile here. (GNU tail ignores -f on a pipe, and so on standard input here.)
        if not blocks:
            ctx.err(f"{prog}: no files remaining\n")
            return 1
        if follow.waits_on_terminal(ctx):
            follow.until_interrupted(ctx)
    return status


HEAD_TAIL_LONG = {"lines=": "n", "bytes=": "c", "quiet": "q", "silent": "q", "verbose": "v"}


@command(
    "head",
    man="""
NAME
       head - output the first part of files

SYNOPSIS
       head [-n N | -N] [-c N] [FILE]...

DESCRIPTION
       Print the first 10 lines of each FILE; with several files, each gets a ==> FILE <== header.
       -n N   the first N lines (-n -N: all but the last N)    -c N   the first N bytes
""",
)
def head(ctx: Context, argv: list[str]) -> int:
    return _head_tail_command("head", ctx, argv)


@command(
    "tail",
    man="""
NAME
       tail - output the last part of files

SYNOPSIS
       tail [-n N | -N | -n +N] [-c N] [FILE]...

DESCRIPTION
       Print the last 10 lines of each FILE; with several files, each gets a ==> FILE <== header.
       -n N   the last N lines (-n +N: from line N on)    -c N   the last N bytes
       -f     follow: then wait for the file to grow, until Ctrl-C
""",
)
def tail(ctx: Context, argv: list[str]) -> int:
    return _head_tail_command("tail", ctx, argv)


def _head_tail_command(prog: str, ctx: Context, argv: list[str]) -> int:
    long = dict(HEAD_TAIL_LONG, follow="f") if prog == "tail" else HEAD_TAIL_LONG
    parse = gnu("n:c:qvf" if prog == "tail" else "n:c:qv", long, version=COREUTILS)
    return parse(lambda c, o, a: _head_tail(c, prog, o, a))(ctx, _numeric_shorthand(argv))


@command(
    "wc",
    man="""
NAME
       wc - print newline, word, and byte counts for each file

SYNOPSIS
       wc [-lwcm] [FILE]...

DESCRIPTION
       Print lines, words and bytes of each FILE (and a total line for several files).
       -l     lines (newline characters)   -w   words   -c   bytes   -m   characters
       `wc -l < file` prints just the number: with no FILE operand there is no name to print.
""",
)
@gnu(
    "lwcmL",
    {"lines": "l", "words": "w", "bytes": "c", "chars": "m", "max-line-length": "L"},
    version=COREUTILS,
)
def wc(ctx: Context, opts: Options, operands: list[str]) -> int:
    chosen = [k for k in "lwmcL" if k in opts] or ["l", "w", "c"]
    fs = ctx.machine.fs
    rows = []
    status = 0
    regular_bytes = 0
    streaming = False
    for name, text in read_inputs(ctx, "wc", operands):
        if name != "-" and fs.is_dir(name, ctx.cwd, ctx.uid):
            ctx.err(f"wc: {name}: Is a directory\n")
            rows.append(({k: 0 for k in chosen}, name))
            status = 1
            continue
        if text is None:
            status = 1
            continue
        data = text.encode()
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(data), "m": len(text)}
        counts["L"] = max((len(line.expandtabs(8)) for line in text.split("\n")), default=0)
        if name == "-":
            streaming = True
        else:
            regular_bytes += len(data)
        rows.append((counts, name if operands else ""))
    if len(operands) > 1:
        total = {k: (max if k == "L" else sum)([0] + [r[0][k] for r in rows]) for k in chosen}
        rows.append((total, "total"))
    if len(chosen) == 1 and len(rows) == 1:
        width = 1
    else:
        width = max(len(str(regular_bytes)), 7 if streaming else 1)
    ctx.out(
        "".join(
            " ".join(f"{counts[k]:>{width}}" for k in chosen) + (f" {name}" if name else "") + "\n"
            for counts, name in rows
        )
    )
    return status


@command(
    "uniq",
    man="""
NAME
       uniq - report or omit repeated lines

SYNOPSIS
       uniq [-cdui] [INPUT]

DESCRIPTION
       Collapse ADJACENT equal lines into one (so usually: sort | uniq).
       -c     prefix lines by the number of occurrences     -d   only print duplicated lines
       -u     only print unique lines                       -i   ignore case
""",
)
@gnu(
    "cdDuif:s:w:z",
    {"count": "c", "repeated": "d", "all-repeated": "D", "unique": "u", "ignore-case": "i"}
    | {"skip-fields=": "f", "skip-chars=": "s", "check-chars=": "w", "zero-terminated": "z"},
    version=COREUTILS,
)
def uniq(ctx: Context, opts: Options, operands: list[str]) -> int:
    if len(operands) > 2:
        ctx.err(f"uniq: extra operand '{operands[2]}'\nTry 'uniq --help' for more information.\n")
        return 1
    numbers = {}
    for key, what in (("f", "fields to skip"), ("s", "bytes to skip"), ("w", "bytes to compare")):
        value = opts.get(key)
        if value is not None and not value.isdigit():
            ctx.err(f"uniq: {value}: invalid number of {what}\n")
            return 1
        numbers[key] = int(value) if value is not None else None
    name, text = next(read_inputs(ctx, "uniq", operands[:1]))
    if text is None:
        return 1
    delimiter = "\0" if "z" in opts else "\n"

    def compared(line: str) -> str:
        if numbers["f"]:
            for skipped, field in enumerate(re.finditer(r"[ \t]*[^ \t]+", line), 1):
                if skipped == numbers["f"]:
                    line = line[field.end() :]
                    break
            else:
                line = ""  # fewer fields than skipped: nothing is left to compare
        if numbers["s"]:
            line = line[numbers["s"] :]
        if numbers["w"] is not None:
            line = line[: numbers["w"]]
        return line.lower() if "i" in opts else line

    lines = text.split(delimiter)
    if lines[-1] == "":
        lines.pop()
    groups: list[list[str]] = []
    for line in lines:
        if groups and compared(groups[-1][0]) == compared(line):
            groups[-1].append(line)
        else:
            groups.append([line])
    out = []
    for group in groups:
        if ("d" in opts or "D" in opts) and len(group) < 2 or ("u" in opts and len(group) > 1):
            continue
        shown = group if "D" in opts else group[:1]
        out.extend((f"{len(group):7d} " if "c" in opts else "") + line + delimiter for line in shown)
    if len(operands) == 2:
        try:
            ctx.machine.fs.write(operands[1], "".join(out), ctx.cwd, ctx.uid)
        except FsError as error:
            ctx.err(f"uniq: {operands[1]}: {error.message}\n")
            return 1
        return 0
    ctx.out("".join(out))
    return 0


def _ranges(spec: str) -> list[tuple[int, int]] | None:
    ranges = []
    for part in spec.split(","):
        match = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if not match or part in ("", "-"):
            return None
        low, dash, high = match.groups()
        start = int(low) if low else 1
        end = (int(high) if high else 1 << 30) if dash else start
        if start == 0:
            return None
        ranges.append((start, end))
    return ranges


@command(
    "cut",
    man="""
NAME
       cut - remove sections from each line of files

SYNOPSIS
       cut -f LIST [-d DELIM] [-s] [FILE]...
       cut -c LIST [FILE]...

DESCRIPTION
       -f LIST   select fields (1,3 or 2-4 or 3-), separated by TAB or by -d DELIM (one character)
       -c LIST   select characters             -s   skip lines that have no delimiter
       Example: cut -d: -f1,7 /etc/passwd prints each user and their shell.
""",
)
@gnu(
    "b:c:d:f:sz",
    {"bytes=": "b", "characters=": "c", "delimiter=": "d", "fields=": "f", "only-delimited": "s"}
    | {"complement": "complement", "output-delimiter=": "output", "zero-terminated": "z"},
    version=COREUTILS,
)
def cut(ctx: Context, opts: Options, operands: list[str]) -> int:
    kind = opts.last_of("b", "c", "f")
    if kind is None:
        ctx.err("cut: you must specify a list of bytes, characters, or fields\n")
        ctx.err("Try 'cut --help' for more information.\n")
        return 1
    ranges = _ranges(opts.get(kind))
    if ranges is None:
        ctx.err(f"cut: invalid field value '{opts.get(kind)}'\nTry 'cut --help' for more information.\n")
        return 1
    delimiter = opts.get("d", "\t")
    if len(delimiter) != 1:
        ctx.err("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n")
        return 1

    complement = "complement" in opts

    def chosen(items: list[str]) -> list[str]:
        return [
            item
            for index, item in enumerate(items, 1)
            if any(a <= index <= b for a, b in ranges) != complement
        ]

    joiner = opts.get("output", delimiter if kind == "f" else "")

    status = 0
    out = []
    for _, text in read_inputs(ctx, "cut", operands):
        if text is None:
            status = 1
            continue
        for line in text.splitlines():
            if kind != "f":
                out.append(joiner.join(chosen(list(line))) + "\n")
            elif delimiter not in line:
                if "s" not in opts:
                    out.append(line + "\n")
            else:
                out.append(joiner.join(chosen(line.split(delimiter))) + "\n")
    ctx.out("".join(out))
    return status


@command(
    "tee",
    man="""
NAME
       tee - read from standard input and write to standard output and files

SYNOPSIS
       tee [-a] [FILE]...

DESCRIPTION
       Copy standard input to each FILE and to standard output. -a appends instead of overwriting.
       tee opens the files itself, so `echo text | sudo tee /etc/f` can write where your shell cannot.
""",
)
@gnu("ai", {"append": "a", "ignore-interrupts": "i"}, version=COREUTILS)
def tee(ctx: Context, opts: Options, operands: list[str]) -> int:
    status = 0
    for operand in operands:
        try:
            ctx.machine.fs.write(operand, all_input(ctx), ctx.cwd, ctx.uid, append="a" in opts)
        except FsError as error:
            ctx.err(f"tee: {operand}: {error.message}\n")
            status = 1
    ctx.out(all_input(ctx))
    return status


TR_CLASSES = {
    "upper": "A-Z",
    "lower": "a-z",
    "digit": "0-9",
    "alpha": "A-Za-z",
    "alnum": "0-9A-Za-z",
    "space": " \t\n\r\f\v",
    "blank": " \t",
}


TR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _tr_set(text: str) -> str:
    """Expand a tr SET: escapes (an escaped character is never a range dash), ranges a-z, [:class:]."""
    chars: list[tuple[str, bool]] = []  # (character, written literally with a backslash)
    i = 0
    while i < len(text):
        octal = re.match(r"\\([0-7]{1,3})", text[i:])
        if octal:
            chars.append((chr(int(octal.group(1), 8) & 0xFF), True))
            i += octal.end()
        elif text[i] == "\\" and i + 1 < len(text):
            chars.append((TR_ESCAPES.get(text[i + 1], text[i + 1]), True))
            i += 2
        else:
            match = re.match(r"\[:([a-z]+):\]", text[i:])
            if match and match.group(1) in POSIX_CLASSES:
                spec = TR_CLASSES.get(match.group(1)) or POSIX_CLASSES[match.group(1)]
                chars.extend((c, True) for c in _tr_set(spec))
                i += match.end()
                continue
            chars.append((text[i], False))
            i += 1
    out = []
    j = 0
    while j < len(chars):
        if j + 2 < len(chars) and chars[j + 1] == ("-", False) and chars[j][0] <= chars[j + 2][0]:
            out.extend(chr(c) for c in range(ord(chars[j][0]), ord(chars[j + 2][0]) + 1))
            j += 3
        else:
            out.append(chars[j][0])
            j += 1
    return "".join(out)


@command(
    "tr",
    man="""
NAME
       tr - translate or delete characters

SYNOPSIS
       tr [-ds] SET1 [SET2]

DESCRIPTION
       Copy standard input to standard output, replacing characters of SET1 by those of SET2.
       Sets may use ranges (a-z) and classes ([:upper:], [:lower:], [:digit:], [:space:]).
       -d     delete characters in SET1      -s   squeeze repeats of the last set into one
""",
)
@gnu("dscC", {"delete": "d", "squeeze-repeats": "s", "complement": "c"}, version=COREUTILS)
def tr(ctx: Context, opts: Options, operands: list[str]) -> int:
    needed = 1 if "d" in opts or ("s" in opts and len(operands) == 1) else 2
    if len(operands) < needed:
        if not operands:
            ctx.err("tr: missing operand\nTry 'tr --help' for more information.\n")
        else:
            ctx.err(f"tr: missing operand after '{operands[0]}'\n")
            ctx.err("Two strings must be given when translating.\nTry 'tr --help' for more information.\n")
        return 1
    first = _tr_set(operands[0])
    complement = "c" in opts or "C" in opts
    members = set(first)

    def in_first(c: str) -> bool:
        return (c in members) != complement

    text = all_input(ctx)
    if "d" in opts:
        text = "".join(c for c in text if not in_first(c))
        squeeze = set(_tr_set(operands[1])) if len(operands) > 1 else set()
    elif len(operands) > 1:
        second = _tr_set(operands[1])
        if second:
            if complement:
                # the complement in byte order, each mapped to SET2's character at its place (or its last)
                order = [chr(b) for b in range(256) if chr(b) not in members]
                place = {c: second[min(k, len(second) - 1)] for k, c in enumerate(order)}
                text = "".join(place.get(c, second[-1]) if in_first(c) else c for c in text)
            else:
                second = second + second[-1] * max(0, len(first) - len(second))
                text = text.translate({ord(a): b for a, b in zip(first, second, strict=False)})
        squeeze = set(second)
    else:
        squeeze = None  # squeeze SET1 itself (or its complement)
    if "s" in opts:
        out: list[str] = []
        for c in text:
            repeated = c in squeeze if squeeze is not None else in_first(c)
            if not (out and out[-1] == c and repeated):
                out.append(c)
        text = "".join(out)
    ctx.out(text)
    return 0


def _obsolescent_grep(option: str):
    def run(ctx: Context, argv: list[str]) -> int:
        # grep 3.8+ installs egrep and fgrep as scripts that warn, then exec grep -E / grep -F.
        name = argv[0].rsplit("/", 1)[-1]
        ctx.err(f"{name}: warning: {name} is obsolescent; using grep {option}\n")
        return grep(ctx, ["grep", option, *argv[1:]])

    return run


command("egrep", man="NAME\n       egrep - obsolescent: grep -E, with a warning (GNU grep 3.8 and later)\n")(
    _obsolescent_grep("-E")
)
command("fgrep", man="NAME\n       fgrep - obsolescent: grep -F, with a warning (GNU grep 3.8 and later)\n")(
    _obsolescent_grep("-F")
)
