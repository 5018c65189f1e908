"""sed as GNU sed 4.9 (Ubuntu 24.04) runs it: the script compiled as sed/compile.c reads it (so errors
name the same expression and character), then run as sed/execute.c runs it, over the simulated files.

Written here rather than adapted: PythonSed 2.1 (the GNU-compatible sed on PyPI, last released 2022)
opens files with Python's open(), matches with Python's backtracking `re` and prints its own error
texts ("sed.py error: ..."), none of which fits a simulated machine that must answer in bounded time.

Regular expressions are translated by text.translate_regex (as for grep) and run by simulator.patterns
in bounded time; `.` matches a newline in the pattern space as in GNU sed (not with the M flag). The `e`
command and the s///e flag are refused as sed --sandbox refuses them: no program is ever run.
--debug is accepted and ignored.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field

from simulator.commands import Context, command
from simulator.commands.text import regex_error_message, translate_regex
from simulator.dialogue import all_input
from simulator.filesystem import FsError
from simulator.patterns import PatternTooCostly, Regex, line_budget

VERSION = """sed (GNU sed) 4.9
Packaged by Debian
Copyright (C) 2022 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by Jay Fenlason, Tom Lord, Ken Pizzini,
Paolo Bonzini, Jim Meyering, and Assaf Gordon.

This sed program was built with SELinux support.
SELinux is disabled on this system.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
E-mail bug reports to: <bug-sed@gnu.org>.
"""

USAGE = """Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"""
CONTACT = "E-mail bug reports to: <bug-sed@gnu.org>.\n"

EXIT_BAD_USAGE = 1
EXIT_BAD_INPUT = 2
EXIT_PANIC = 4
MAX_SPACE = 1 << 20  # pattern or hold space: past this, sed's "couldn't re-allocate memory"
EOF = ""  # what the script reader returns past the end

# replacement case conversions, as sed.h numbers them
REPL_ASIS, REPL_UPPERCASE, REPL_LOWERCASE, REPL_UPPERCASE_FIRST, REPL_LOWERCASE_FIRST = 0, 1, 2, 4, 8
REPL_MODIFIERS = REPL_UPPERCASE_FIRST | REPL_LOWERCASE_FIRST


class SedError(Exception):
    """sed stops: `message` (without the "sed: " prefix) goes to stderr and `status` is the exit code."""

    def __init__(self, message: str, status: int = EXIT_BAD_USAGE):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Address:
    kind: str  # num, num_mod, step, step_mod, last, regex, null
    number: int = 0
    step: int = 0
    regex: SedRegex | None = None


@dataclass
class Replacement:
    """One piece of an s/// replacement: literal text, then group `group` (-1: none), with a case mode."""

    text: str
    group: int = -1
    case: int = REPL_ASIS


@dataclass
class Subst:
    regex: SedRegex | None
    replacement: list[Replacement]
    max_group: int
    globally: bool = False
    print: int = 0
    occurrence: int = 0
    outfile: str | None = None


@dataclass
class Cmd:
    name: str
    a1: Address | None = None
    a2: Address | None = None
    bang: bool = False
    range_active: bool = False
    range_closed: bool = False
    text: str = ""
    label: str = ""
    jump: int = -1
    int_arg: int = -1
    filename: str = ""
    subst: Subst | None = None
    table: dict = field(default_factory=dict)


class SedRegex:
    """A sed regular expression: BRE or ERE with GNU extensions, flags I and M."""

    def __init__(self, pattern: str, extended: bool, icase: bool, multiline: bool, budget):
        python = translate_regex(pattern, extended, leading_star_literal=False)
        prefix = "(?m)" if multiline else "(?s)"
        self.groups = re.compile(python).groups
        self.regex = Regex(prefix + python, icase, longest=True, budget=budget)

    def search(self, text: str, pos: int = 0):
        return self.regex.search_from(text, pos)


def normalize_text(text: str, kind: str) -> str:
    """sed's \\X escapes (compile.c normalize_text): kind is "regex", "replacement" or "text"."""
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        simple = {"a": "\a", "f": "\f", "\n": "\n", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e in "dxo":
            base, digits = {
                "d": (10, "0123456789"),
                "x": (16, "0123456789abcdefABCDEF"),
                "o": (8, "01234567"),
            }[e]
            j = i + 2
            value = 0
            limit = 1
            while j < n and text[j] in digits and limit <= 255:
                value = value * base + int(text[j], 16)
                j += 1
                limit *= base
            if j == i + 2:
                out.append(e)
            else:
                ch = chr(value & 0xFF)
                if kind == "replacement" and ch in "&\\":
                    out.append("\\")
                out.append(ch)
            i = j
        elif e == "c":
            if i + 2 < n:
                target = text[i + 2]
                out.append(chr(ord(target.upper()) ^ 0x40))
                i += 3
                if target == "\\":
                    if text[i : i + 1] != "\\":
                        raise SedError("recursive escaping after \\c not allowed")
                    i += 1
            else:
                if kind != "text":
                    out.append("\\")
                i += 2
        else:
            if kind != "text":
                out.append("\\")
            out.append(e)
            i += 2
    return "".join(out)


class Compiler:
    """compile.c: reads one script source after another into one program (a flat list of Cmd)."""

    def __init__(self, extended: bool, posix: bool, sandbox: bool, budget):
        self.extended = extended
        self.posix = posix
        self.sandbox = sandbox
        self.budget = budget
        self.program: list[Cmd] = []
        self.blocks: list[tuple[int, str | None, int, int]] = []  # an open {: its index, and where it was
        self.labels: dict[str, int] = {}
        self.jumps: list[int] = []
        self.pending: Cmd | None = None  # an a, i or c whose text goes on in the next -e
        self.expressions = 0
        self.no_default_output = False
        self.first_script = True
        self.write_files: list[str] = []
        self.text = ""
        self.pos = 0
        self.line = 0
        self.file: str | None = None

    # the script reader
    def error(self, why: str) -> SedError:
        if self.file is not None:
            return SedError(f"file {self.file} line {self.line}: {why}")
        return SedError(f"-e expression #{self.expressions}, char {self.pos}: {why}")

    def inchar(self) -> str:
        if self.pos >= len(self.text):
            return EOF
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\n":
            self.line += 1
        return ch

    def savchar(self, ch: str) -> None:
        if ch == EOF:
            return
        if ch == "\n" and self.line > 0:
            self.line -= 1
        self.pos -= 1

    def nonblank(self) -> str:
        ch = self.inchar()
        while ch in (" ", "\t"):
            ch = self.inchar()
        return ch

    def integer(self, ch: str) -> int:
        digits = ""
        while ch.isdigit() and ch.isascii():
            digits += ch
            ch = self.inchar()
        self.savchar(ch)
        return int(digits)

    def end_of_cmd(self) -> None:
        ch = self.nonblank()
        if ch in ("}", "#"):
            self.savchar(ch)
        elif ch not in (EOF, "\n", ";"):
            raise self.error("extra characters after command")

    # sources
    def compile_string(self, script: str) -> None:
        self.expressions += 1
        self.file = None
        self._compile(script, 0)

    def compile_file(self, name: str, script: str) -> None:
        self.file = name
        self._compile(script, 1)

    def _compile(self, script: str, line: int) -> None:
        self.text, self.pos, self.line = script, 0, line
        if self.pending is not None:
            self.read_text(self.pending, "\n")
        self.compile_program()
        self.first_script = False

    def finish(self) -> list[Cmd]:
        if self.blocks:
            _, self.file, self.line, self.expressions = self.blocks[-1]
            self.pos = 0
            raise self.error("unmatched `{'")
        for index in self.jumps:
            cmd = self.program[index]
            if cmd.label and cmd.label not in self.labels:
                raise SedError(f"can't find label for jump to `{cmd.label}'", EXIT_PANIC)
            cmd.jump = self.labels.get(cmd.label, len(self.program))
        return self.program

    # pieces of commands
    def match_slash(self, slash: str, regex: bool) -> str | None:
        out: list[str] = []
        ch = self.inchar()
        while ch not in (EOF, "\n"):
            if ch == slash:
                return "".join(out)
            if ch == "\\":
                ch = self.inchar()
                if ch == EOF:
                    break
                if ch != "\n" and (ch != slash or (not regex and ch == "&")):
                    out.append("\\")
            elif ch == "[" and regex:
                out.append(ch)
                ch = self.char_class(out)
                if ch != "]":
                    break
            out.append(ch)
            ch = self.inchar()
        if ch == "\n":
            self.savchar(ch)
        return None

    def char_class(self, out: list[str]) -> str:
        """Copy a bracket expression up to (not including) its closing ]; return that ] or what ended it."""
        state = 0
        delim = ""
        ch = self.inchar()
        if ch == "^":
            out.append(ch)
            ch = self.inchar()
        if ch == "]":
            out.append(ch)
            ch = self.inchar()
        while True:
            if ch in (EOF, "\n"):
                return ch
            if ch in ".:=":
                if state == 1:
                    delim, state = ch, 2
                    out.append(ch)
                    ch = self.inchar()
                    continue
                if state == 2 and ch == delim:
                    state = 3
                    out.append(ch)
                    ch = self.inchar()
                    continue
            elif ch == "[":
                if state == 0:
                    state = 1
                out.append(ch)
                ch = self.inchar()
                continue
            elif ch == "]":
                if state in (0, 1):
                    return ch
                if state == 3:
                    state = 0
            state &= ~1
            out.append(ch)
            ch = self.inchar()

    def regex(self, raw: str, icase: bool, multiline: bool, needed: int = 0) -> SedRegex | None:
        if raw == "":
            if icase or multiline:
                raise self.error("cannot specify modifiers on empty regexp")
            return None
        pattern = normalize_text(raw, "regex")
        try:
            compiled = SedRegex(pattern, self.extended, icase, multiline, self.budget)
        except re.error as error:
            raise self.error(regex_error_message(error)) from None
        if needed and compiled.groups < needed - 1:
            raise self.error(f"invalid reference \\{needed - 1} on `s' command's RHS")
        return compiled

    def address(self, ch: str) -> Address | None:
        if ch in ("/", "\\"):
            if ch == "\\":
                ch = self.inchar()
            raw = self.match_slash(ch, True)
            if raw is None:
                raise self.error("unterminated address regex")
            icase = multiline = False
            while True:
                ch = self.nonblank()
                if ch == "I" and not self.posix:
                    icase = True
                elif ch == "M" and not self.posix:
                    multiline = True
                else:
                    self.savchar(ch)
                    return Address("regex", regex=self.regex(raw, icase, multiline))
        if ch.isdigit() and ch.isascii():
            address = Address("num", number=self.integer(ch))
            ch = self.nonblank()
            if ch != "~" or self.posix:
                self.savchar(ch)
            else:
                following = self.nonblank()
                step = self.integer(following) if following.isdigit() else self._unread(following)
                if step > 0:
                    address.kind, address.step = "num_mod", step
            return address
        if ch in ("+", "~") and not self.posix:
            following = self.nonblank()
            step = self.integer(following) if following.isdigit() else self._unread(following)
            if step == 0:
                return Address("null")
            return Address("step" if ch == "+" else "step_mod", step=step)
        if ch == "$":
            return Address("last")
        return None

    def _unread(self, ch: str) -> int:
        self.savchar(ch)
        return 0

    def read_label(self) -> str:
        out = []
        ch = self.nonblank()
        while ch not in (EOF, "\n", " ", "\t", ";", "}", "#"):
            out.append(ch)
            ch = self.inchar()
        self.savchar(ch)
        return "".join(out)

    def read_filename(self) -> str:
        if self.sandbox:
            raise self.error("e/r/w commands disabled in sandbox mode")
        out = []
        ch = self.nonblank()
        while ch not in (EOF, "\n"):
            out.append(ch)
            ch = self.inchar()
        return "".join(out)

    def read_text(self, cmd: Cmd, leadin: str) -> None:
        self.pending = cmd
        if leadin == EOF:
            return
        out = [] if leadin == "\n" else [leadin]
        ch = self.inchar()
        while ch not in (EOF, "\n"):
            if ch == "\\":
                ch = self.inchar()
                if ch != EOF:
                    out.append("\\")
            if ch == EOF:
                break
            out.append(ch)
            ch = self.inchar()
        out.append("\n")
        cmd.text = normalize_text("".join(out), "text")
        self.pending = None

    def replacement(self, raw: str) -> tuple[list[Replacement], int]:
        """compile.c setup_replacement: & and \\0..\\9, case escapes \\L \\U \\E \\l \\u."""
        text = normalize_text(raw, "replacement")
        parts: list[Replacement] = []
        literal: list[str] = []
        case = save = REPL_ASIS
        max_group = 0
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\\":
                part = Replacement("".join(literal), -1, case)
                parts.append(part)
                literal = []
                case = save
                i += 1
                if i == len(text):
                    part.text += "\\"
                    break
                e = text[i]
                if self.posix and not e.isdigit():
                    part.text += e
                elif e.isdigit():
                    part.group = int(e)
                    max_group = max(max_group, part.group)
                elif e in "LUE":
                    case = save = {"L": REPL_LOWERCASE, "U": REPL_UPPERCASE, "E": REPL_ASIS}[e]
                elif e in "lu":
                    save = case
                    case |= REPL_LOWERCASE_FIRST if e == "l" else REPL_UPPERCASE_FIRST
                else:
                    part.text += e
            elif c == "&":
                parts.append(Replacement("".join(literal), 0, case))
                literal = []
                case = save
            else:
                literal.append(c)
            i += 1
        if literal:
            parts.append(Replacement("".join(literal), -1, case))
        # a literal chunk carries the case mode in force where it began; the next piece takes over
        return parts, max_group

    def subst_flags(self, subst: Subst) -> tuple[bool, bool]:
        icase = multiline = False
        while True:
            ch = self.nonblank()
            if ch in "iImMe" and ch and self.posix:
                raise self.error("unknown option to `s'")
            if ch in ("i", "I"):
                icase = True
            elif ch in ("m", "M"):
                multiline = True
            elif ch == "e":
                raise self.error("e/r/w commands disabled in sandbox mode")
            elif ch == "p":
                if subst.print:
                    raise self.error("multiple `p' options to `s' command")
                subst.print = 1
            elif ch == "g":
                if subst.globally:
                    raise self.error("multiple `g' options to `s' command")
                subst.globally = True
            elif ch == "w":
                subst.outfile = self.open_write()
                return icase, multiline
            elif ch.isdigit() and ch.isascii():
                if subst.occurrence:
                    raise self.error("multiple number options to `s' command")
                subst.occurrence = self.integer(ch)
                if not subst.occurrence:
                    raise self.error("number option to `s' command may not be zero")
            elif ch in ("}", "#"):
                self.savchar(ch)
                return icase, multiline
            elif ch in (EOF, "\n", ";"):
                return icase, multiline
            else:
                raise self.error("unknown option to `s'")

    def open_write(self) -> str:
        name = self.read_filename()
        if not name:
            raise self.error("missing filename in r/R/w/W commands")
        if name not in self.write_files:
            self.write_files.append(name)
        return name

    # the program
    def compile_program(self) -> None:
        while True:
            ch = self.inchar()
            while ch == ";" or (ch != EOF and ch.isspace()):
                ch = self.inchar()
            if ch == EOF:
                return
            cmd = Cmd("")
            a1 = self.address(ch)
            if a1 is not None:
                if a1.kind in ("step", "step_mod"):
                    raise self.error("invalid usage of +N or ~N as first address")
                cmd.a1 = a1
                ch = self.nonblank()
                if ch == ",":
                    cmd.a2 = self.address(self.nonblank())
                    if cmd.a2 is None:
                        raise self.error("unexpected `,'")
                    ch = self.nonblank()
                if (
                    a1.kind == "num"
                    and a1.number == 0
                    and ((cmd.a2 is None and ch != "r") or (cmd.a2 and cmd.a2.kind != "regex") or self.posix)
                ):
                    raise self.error("invalid usage of line address 0")
            if ch == "!":
                cmd.bang = True
                ch = self.nonblank()
                if ch == "!":
                    raise self.error("multiple `!'s")
            if self.posix and ch in "eFvzLQTRW" and ch:
                raise self.error(f"unknown command: `{ch}'")
            cmd.name = ch
            if not self.command(cmd, ch):
                continue
            self.program.append(cmd)

    def command(self, cmd: Cmd, ch: str) -> bool:
        """Read the rest of one command; False when it adds nothing to the program (comments, v)."""
        if ch == "#":
            if cmd.a1:
                raise self.error("comments don't accept any addresses")
            ch = self.inchar()
            if ch == "n" and self.first_script and self.pos == 2 and self.line < 2:
                self.no_default_output = True
            while ch not in (EOF, "\n"):
                ch = self.inchar()
            return False
        if ch == "v":
            wanted = self.read_label() or "4.0"
            if _version_key(wanted) > _version_key("4.9"):
                raise self.error("expected newer version of sed")
            self.posix = False
            return False
        if ch == "{":
            self.blocks.append((len(self.program), self.file, self.line, self.expressions))
            cmd.bang = not cmd.bang
        elif ch == "}":
            if not self.blocks:
                raise self.error("unexpected `}'")
            if cmd.a1:
                raise self.error("`}' doesn't want any addresses")
            self.end_of_cmd()
            self.program[self.blocks.pop()[0]].jump = len(self.program)
        elif ch == "e":
            raise self.error("e/r/w commands disabled in sandbox mode")
        elif ch in ("a", "i", "c"):
            ch = self.nonblank()
            if ch == EOF:
                raise self.error("expected \\ after `a', `c' or `i'")
            if ch == "\\":
                ch = self.inchar()
            else:
                if self.posix:
                    raise self.error("expected \\ after `a', `c' or `i'")
                self.savchar(ch)
                ch = "\n"
            self.read_text(cmd, ch)
        elif ch == ":":
            if cmd.a1:
                raise self.error(": doesn't want any addresses")
            label = self.read_label()
            if not label:
                raise self.error('":" lacks a label')
            self.labels.setdefault(label, len(self.program))
        elif ch in ("b", "t", "T"):
            cmd.label = self.read_label()
            self.jumps.append(len(self.program))
        elif ch in ("q", "Q", "l", "L"):
            if ch in "qQ" and cmd.a2:
                raise self.error("command only uses one address")
            ch = self.nonblank()
            if ch.isdigit() and ch.isascii() and not self.posix:
                cmd.int_arg = self.integer(ch)
            else:
                self.savchar(ch)
            self.end_of_cmd()
        elif ch and ch in "=dDFgGhHnNpPzx":
            self.end_of_cmd()
        elif ch == "r":
            cmd.filename = self.read_filename()
            if not cmd.filename:
                raise self.error("missing filename in r/R/w/W commands")
            if cmd.a1 and cmd.a1.kind == "num" and cmd.a1.number == 0 and not cmd.a2:
                cmd.a1.number = 1
                cmd.int_arg = 0  # prepend: 0r puts the file before line 1
        elif ch == "R":
            cmd.filename = self.read_filename()
            if not cmd.filename:
                raise self.error("missing filename in r/R/w/W commands")
        elif ch in ("w", "W"):
            cmd.filename = self.open_write()
        elif ch == "s":
            self.compile_subst(cmd)
        elif ch == "y":
            self.compile_y(cmd)
        elif ch == EOF:
            raise self.error("missing command")
        else:
            raise self.error(f"unknown command: `{ch}'")
        return True

    def compile_subst(self, cmd: Cmd) -> None:
        slash = self.inchar()
        pattern = self.match_slash(slash, True)
        if pattern is None:
            raise self.error("unterminated `s' command")
        raw = self.match_slash(slash, False)
        if raw is None:
            raise self.error("unterminated `s' command")
        parts, max_group = self.replacement(raw)
        subst = Subst(None, parts, max_group)
        icase, multiline = self.subst_flags(subst)
        subst.regex = self.regex(pattern, icase, multiline, max_group + 1)
        cmd.subst = subst

    def compile_y(self, cmd: Cmd) -> None:
        slash = self.inchar()
        source = self.match_slash(slash, False)
        if source is None:
            raise self.error("unterminated `y' command")
        target = self.match_slash(slash, False)
        if target is None:
            raise self.error("unterminated `y' command")
        source, target = normalize_text(source, "text"), normalize_text(target, "text")
        if len(source) != len(target):
            raise self.error("strings for `y' command are different lengths")
        cmd.table = {ord(a): b for a, b in zip(source, target, strict=True)}
        self.end_of_cmd()


class Input:
    """The input files as one stream (or separate ones with -s / -i), read through the filesystem."""

    def __init__(self, sed: Sed, names: list[str]):
        self.sed = sed
        self.names = list(names)
        self.lines: list[tuple[str, bool]] = []
        self.index = 0
        self.name = "-"
        self.line_number = 0
        self.bad_count = 0
        self.opened = False
        self.reset_at_next_file = True

    def _open_next(self) -> None:
        sed = self.sed
        name = self.names.pop(0)
        if sed.follow_symlinks:
            name = _follow_symlinks(sed.ctx, name)
        self.name = name
        self.lines, self.index, self.opened = [], 0, False
        if name == "-" and sed.in_place is None:
            text = all_input(sed.ctx)
        else:
            fs = sed.ctx.machine.fs
            try:
                text = fs.read(name, sed.ctx.cwd, sed.ctx.uid)
            except FsError as error:
                if error.errno == "EISDIR":
                    if sed.in_place is not None:
                        raise SedError(f"couldn't edit {name}: not a regular file", EXIT_PANIC) from None
                    raise SedError(f"read error on {name}: Is a directory", EXIT_PANIC) from None
                else:
                    sed.ctx.err(f"sed: can't read {name}: {error.message}\n")
                self.bad_count += 1
                return
            if sed.in_place is not None:
                sed.start_in_place(name)
        self.opened = True
        delimiter = sed.delimiter
        pieces = text.split(delimiter)
        last = pieces.pop()
        self.lines = [(piece, True) for piece in pieces]
        if last:
            self.lines.append((last, False))

    def _closedown(self) -> None:
        if self.opened and self.sed.in_place is not None:
            self.sed.finish_in_place(self.name)
        self.opened = False

    def read(self) -> tuple[str, bool] | None:
        while self.index >= len(self.lines):
            self._closedown()
            if not self.names:
                return None
            if self.reset_at_next_file:
                self.line_number = 0
                self.sed.reset_for_file()
                self.reset_at_next_file = self.sed.separate
            self._open_next()
        self.line_number += 1
        self.sed.ctx.tick()
        line = self.lines[self.index]
        self.index += 1
        return line

    def at_eof(self) -> bool:
        if self.index < len(self.lines):
            return False
        if self.sed.separate:
            return True
        while True:
            self._closedown()
            if not self.names:
                return True
            self._open_next()
            if self.lines:
                return False

    def close(self) -> None:
        self._closedown()


class Sed:
    """One run of a compiled program (execute.c)."""

    def __init__(self, ctx: Context, program: list[Cmd], settings: dict):
        self.ctx = ctx
        self.program = program
        self.quiet = settings["quiet"]
        self.separate = settings["separate"]
        self.in_place = settings["in_place"]
        self.line_length = settings["line_length"]
        self.delimiter = settings["delimiter"]
        self.posix = settings["posix"]
        self.follow_symlinks = settings["follow"]
        self.write_files: dict[str, list[str]] = {name: [] for name in settings["write_files"]}
        self.line = ""
        self.chomped = True
        self.hold = ""
        self.replaced = False
        self.missing_newline: set[str | None] = set()
        self.append_queue: list[tuple[str, str | None]] = []
        self.last_regex: SedRegex | None = None
        self.output: list[str] | None = None  # the in-place file being written, else None for stdout
        self.read_files: dict[str, tuple[list[str], int]] = {}
        self.input: Input | None = None

    # output
    def emit(self, text: str, target: str | None = None) -> None:
        """Write to the output (or a w file); a line that lacked its newline first gets one, as
        output_missing_newline() gives it when more follows."""
        if not text:
            return
        if target in self.missing_newline:
            self.missing_newline.discard(target)
            text = self.delimiter + text
        if target is None:
            if self.output is not None:
                self.output.append(text)
            else:
                self.ctx.out(text)
        elif target == "/dev/stdout":
            self.ctx.out(text)
        elif target == "/dev/stderr":
            self.ctx.err(text)
        else:
            self.write_files[target].append(text)

    def output_line(self, text: str, chomped: bool, target: str | None = None) -> None:
        self.emit(text + (self.delimiter if chomped else ""), target)
        if not chomped and text:
            self.missing_newline.add(target)

    def dump_append(self) -> None:
        for text, filename in self.append_queue:
            if filename is None:
                self.emit(text)
            else:
                self.emit(self.read_whole(filename))
        self.append_queue = []

    def read_whole(self, name: str) -> str:
        if name == "/dev/stdin":
            text, self.ctx.stdin = all_input(self.ctx), ""
            return text
        try:
            return self.ctx.machine.fs.read(name, self.ctx.cwd, self.ctx.uid)
        except FsError:
            return ""  # r silently ignores a file it cannot read

    def read_one_line(self, name: str) -> tuple[str, bool] | None:
        if name not in self.read_files:
            lines = self.read_whole(name).split(self.delimiter)
            self.read_files[name] = (lines, 0)
        lines, index = self.read_files[name]
        if index >= len(lines) or (index == len(lines) - 1 and lines[index] == ""):
            return None
        self.read_files[name] = (lines, index + 1)
        return lines[index], index < len(lines) - 1

    # in-place editing
    def start_in_place(self, name: str) -> None:
        fs = self.ctx.machine.fs
        node = fs.stat(name, self.ctx.cwd, self.ctx.uid)
        if node.kind != "file":
            raise SedError(f"couldn't edit {name}: not a regular file", EXIT_PANIC)
        directory = posixpath.dirname(name) or "."
        self.temp_name = f"{directory}/sed{_temp_suffix(name)}"
        try:
            fs.write(self.temp_name, "", self.ctx.cwd, self.ctx.uid, mode=node.mode & 0o7777)
        except FsError as error:
            raise SedError(
                f"couldn't open temporary file {self.temp_name}: {error.message}", EXIT_PANIC
            ) from None
        self.original = node
        self.output = []
        self.missing_newline.discard(None)

    def finish_in_place(self, name: str) -> None:
        fs, cwd, uid = self.ctx.machine.fs, self.ctx.cwd, self.ctx.uid
        content, self.output = "".join(self.output or []), None
        try:
            fs.write(self.temp_name, content, cwd, uid)
            if uid == 0:
                fs.chown(self.temp_name, self.original.uid, self.original.gid, cwd, uid)
            if self.in_place:
                base = posixpath.basename(name)
                backup = self.in_place.replace("*", base) if "*" in self.in_place else name + self.in_place
                if "/" not in backup and "*" in self.in_place:
                    backup = posixpath.join(posixpath.dirname(name), backup)
                fs.rename(name, backup, cwd, uid)
            fs.rename(self.temp_name, name, cwd, uid)
        except FsError as error:
            raise SedError(f"cannot rename {self.temp_name}: {error.message}", EXIT_PANIC) from None

    # addresses
    def reset_for_file(self) -> None:
        self.hold = ""
        for cmd in self.program:
            cmd.range_active = bool(cmd.a1 and cmd.a1.kind == "num" and cmd.a1.number == 0)
            cmd.range_closed = False
        self.read_files = {}

    def match_regex(self, regex: SedRegex | None, text: str, pos: int = 0):
        if regex is None:
            regex = self.last_regex
            if regex is None:
                raise SedError("-e expression #1, char 0: no previous regular expression")
        else:
            self.last_regex = regex
        self.ctx.tick(2)  # a search costs more than an ordinary command
        return regex.search(text, pos)

    def match_one(self, address: Address) -> bool:
        number = self.input.line_number
        kind = address.kind
        if kind == "null":
            return True
        if kind == "regex":
            return self.match_regex(address.regex, self.line) is not None
        if kind == "num_mod":
            return number >= address.number and (number - address.number) % address.step == 0
        if kind in ("step", "step_mod"):
            return address.number <= number
        if kind == "last":
            return self.input.at_eof()
        return address.number == number

    def match_address(self, cmd: Cmd) -> bool:
        if cmd.a1 is None:
            return True
        number = self.input.line_number
        if not cmd.range_active:
            if cmd.a2 is None:
                return self.match_one(cmd.a1)
            if cmd.a1.kind == "num":
                if cmd.range_closed or number < cmd.a1.number:
                    return False
            elif not self.match_one(cmd.a1):
                return False
            cmd.range_active = True
            a2 = cmd.a2
            if a2.kind == "num":
                if number >= a2.number:
                    cmd.range_active, cmd.range_closed = False, True
                return number <= a2.number or self.match_one(cmd.a1)
            if a2.kind == "step":
                a2.number = number + a2.step
            elif a2.kind == "step_mod":
                a2.number = number + a2.step - number % a2.step
            if a2.kind != "null":
                return True
        if cmd.a2.kind == "num":
            if number >= cmd.a2.number:
                cmd.range_active, cmd.range_closed = False, True
            return number <= cmd.a2.number
        if self.match_one(cmd.a2):
            cmd.range_active, cmd.range_closed = False, True
        return True

    # running
    def read_pattern_space(self, append: bool) -> bool:
        self.dump_append()
        self.replaced = False
        got = self.input.read()
        if got is None:
            return False
        text, chomped = got
        self.line = self.line + text if append else text
        self.chomped = chomped
        self.check_size(self.line)
        return True

    def check_size(self, text: str) -> None:
        if len(text) > MAX_SPACE:
            raise SedError("couldn't re-allocate memory", EXIT_PANIC)
        self.ctx.tick(len(text) >> 12)  # copying a long buffer is work too

    def run(self, names: list[str]) -> int:
        self.input = Input(self, names or ["-"])
        status = 0
        try:
            while self.read_pattern_space(False):
                status = self.execute()
                if status != -1:
                    break
                status = 0
        except (SedError, PatternTooCostly):
            if self.output is not None:  # as sed's panic(), remove the unfinished temporary file
                self.ctx.machine.fs.remove(self.temp_name, self.ctx.cwd, self.ctx.uid)
            raise
        self.input.close()
        self.flush_write_files()
        if self.input.bad_count:
            status = EXIT_BAD_INPUT
        return status

    def flush_write_files(self) -> None:
        fs = self.ctx.machine.fs
        for name, chunks in self.write_files.items():
            if name not in ("/dev/stdout", "/dev/stderr") and chunks:
                try:
                    fs.write(name, "".join(chunks), self.ctx.cwd, self.ctx.uid, append=True)
                except FsError as error:
                    raise SedError(
                        f"couldn't write {len(chunks)} items to {name}: {error.message}", EXIT_PANIC
                    ) from None

    def execute(self) -> int:
        """One cycle over the pattern space; -1 to go on with the next line, else the exit status."""
        program = self.program
        index = 0
        while index < len(program):
            cmd = program[index]
            if self.match_address(cmd) == cmd.bang:
                index += 1
                continue
            name = cmd.name
            if name in ("{", "b"):
                index = cmd.jump
                self.ctx.tick()
                continue
            if name in ("t", "T"):
                if self.replaced == (name == "t"):
                    self.replaced = False
                    index = cmd.jump
                    self.ctx.tick()
                    continue
                self.replaced = False
            elif name == "a":
                self.append_queue.append((cmd.text, None))
            elif name == "c":
                if not cmd.range_active:
                    self.emit(cmd.text[:-1] + self.delimiter if cmd.text else "")
                return -1
            elif name == "d":
                return -1
            elif name == "D":
                cut = self.line.find(self.delimiter)
                if cut < 0:
                    return -1
                self.line = self.line[cut + 1 :]
                index = 0
                self.ctx.tick()
                continue
            elif name == "g":
                self.line = self.hold
            elif name == "G":
                self.line += self.delimiter + self.hold
                self.check_size(self.line)
            elif name == "h":
                self.hold = self.line
            elif name == "H":
                self.hold += self.delimiter + self.line
                self.check_size(self.hold)
            elif name == "i":
                self.emit(cmd.text[:-1] + self.delimiter if cmd.text else "")
            elif name == "l":
                self.list_line(self.line_length if cmd.int_arg == -1 else cmd.int_arg)
            elif name == "n":
                if not self.quiet:
                    self.output_line(self.line, self.chomped)
                if self.input.at_eof() or not self.read_pattern_space(False):
                    return -1
            elif name == "N":
                if self.input.at_eof():
                    if not self.posix and not self.quiet:
                        self.output_line(self.line, self.chomped)
                    return -1
                self.line += self.delimiter
                self.read_pattern_space(True)
            elif name == "p":
                self.output_line(self.line, self.chomped)
            elif name == "P":
                cut = self.line.find(self.delimiter)
                self.output_line(
                    self.line if cut < 0 else self.line[:cut], True if cut >= 0 else self.chomped
                )
            elif name in ("q", "Q"):
                if name == "q":
                    if not self.quiet:
                        self.output_line(self.line, self.chomped)
                    self.dump_append()
                return max(0, cmd.int_arg) & 255 if cmd.int_arg != -1 else 0
            elif name == "r":
                if cmd.int_arg == 0:
                    self.emit(self.read_whole(cmd.filename))
                else:
                    self.append_queue.append(("", cmd.filename))
            elif name == "R":
                got = self.read_one_line(cmd.filename)
                if got is not None:
                    self.append_queue.append((got[0] + (self.delimiter if got[1] else ""), None))
            elif name == "s":
                self.substitute(cmd.subst)
            elif name == "w":
                self.output_line(self.line, self.chomped, cmd.filename)
            elif name == "W":
                cut = self.line.find(self.delimiter)
                first = self.line if cut < 0 else self.line[:cut]
                self.output_line(first, True if cut >= 0 else self.chomped, cmd.filename)
            elif name == "x":
                self.line, self.hold = self.hold, self.line
            elif name == "y":
                self.line = self.line.translate(cmd.table)
            elif name == "z":
                self.line = ""
            elif name == "=":
                self.emit(f"{self.input.line_number}{self.delimiter}")
            elif name == "F":
                self.emit(f"{self.input.name}{self.delimiter}")
            index += 1
        if not self.quiet:
            self.output_line(self.line, self.chomped)
        return -1

    def list_line(self, width_limit: int) -> None:
        out: list[str] = []
        width = 0
        escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
        for byte in self.line.encode("utf-8", "surrogateescape"):
            c = chr(byte)
            if 32 <= byte < 127:
                piece = "\\\\" if c == "\\" else c
            elif c in escapes:
                piece = escapes[c]
            else:
                piece = f"\\{byte:03o}"
            if width_limit > 0 and width + len(piece) >= width_limit:
                out.append("\\" + self.delimiter)
                width = 0
            out.append(piece)
            width += len(piece)
        self.emit("".join(out) + "$" + self.delimiter)

    def substitute(self, subst: Subst) -> None:
        line = self.line
        match = self.match_regex(subst.regex, line)
        if match is None:
            return
        out: list[str] = []
        start = last_end = count = 0
        while True:
            offset, end = match.span()
            matched = end - offset
            if start < offset:
                out.append(line[start:offset])
                start = offset
            again = True
            if (matched > 0 or count == 0 or offset > last_end) and count + 1 >= max(subst.occurrence, 1):
                count += 1
                self.replaced = True
                out.append(_expand(subst.replacement, match, line))
                again = subst.globally
            else:
                if matched > 0 or count == 0 or offset > last_end:
                    count += 1
                if matched == 0:
                    if start >= len(line):
                        break
                    matched = 1
                out.append(line[offset : offset + matched])
            start = offset + matched
            last_end = end
            self.ctx.tick()
            if not again or start > len(line):
                break
            match = self.match_regex(subst.regex, line, start)
            if match is None:
                break
        if start < len(line):
            out.append(line[start:])
        if count < max(subst.occurrence, 1):
            return
        self.line = "".join(out)
        self.check_size(self.line)
        if subst.print:
            self.output_line(self.line, self.chomped)
        if subst.outfile:
            self.output_line(self.line, self.chomped, subst.outfile)


def _expand(parts: list[Replacement], match, line: str) -> str:
    """execute.c append_replacement: the replacement for one match, with \\L \\U \\l \\u applied."""
    out: list[str] = []
    pending = 0
    for part in parts:
        case = part.case if part.case & REPL_MODIFIERS else part.case | pending
        pending = 0
        if part.text:
            out.append(_modified(part.text, case))
            case &= ~REPL_MODIFIERS
        if part.group >= 0:
            try:
                value = match.group(part.group) or ""
            except IndexError:  # s//\1/ reusing a regex without that group: GNU's register is unset
                value = ""
            if not value and part.case & REPL_MODIFIERS:
                pending = case & REPL_MODIFIERS
            elif value:
                out.append(_modified(value, case))
    return "".join(out)


def _modified(text: str, case: int) -> str:
    if case == REPL_ASIS or not text:
        return text
    head, rest = "", text
    if case & REPL_UPPERCASE_FIRST:
        head, rest = text[0].upper(), text[1:]
    elif case & REPL_LOWERCASE_FIRST:
        head, rest = text[0].lower(), text[1:]
    case &= ~REPL_MODIFIERS
    if case == REPL_UPPERCASE:
        rest = rest.upper()
    elif case == REPL_LOWERCASE:
        rest = rest.lower()
    return head + rest


def _follow_symlinks(ctx: Context, name: str) -> str:
    """--follow-symlinks: the file a chain of links leads to, named as sed's follow_symlink() names it."""
    fs = ctx.machine.fs
    for _ in range(40):
        try:
            node = fs.lstat(name, ctx.cwd, ctx.uid)
        except FsError:
            return name
        if node.kind != "symlink":
            return name
        target = node.target
        relative = not target.startswith("/") and "/" in name
        name = posixpath.join(posixpath.dirname(name), target) if relative else target
    return name


def _version_key(version: str) -> list[int]:
    return [int(part) if part.isdigit() else 0 for part in re.split(r"[.-]", version)]


def _temp_suffix(name: str) -> str:
    """mkstemp's six random characters, drawn from the name so a transcript stays the same."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(name.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:6])


LONG_OPTIONS = {
    "quiet": "n",
    "silent": "n",
    "debug": "debug",
    "expression": "e=",
    "file": "f=",
    "follow-symlinks": "follow",
    "in-place": "i?",
    "line-length": "l=",
    "null-data": "z",
    "zero-terminated": "z",
    "posix": "posix",
    "regexp-extended": "E",
    "separate": "s",
    "sandbox": "sandbox",
    "unbuffered": "u",
    "binary": "b",
    "help": "help",
    "version": "version",
}
SHORT_WITH_VALUE = "efl"


class UsageProblem(Exception):
    pass


def parse_arguments(args: list[str]) -> tuple[list[tuple[str, str | None]], list[str]]:
    """GNU getopt_long over sed's options ("bsnrzuEe:f:l:i::"), permuting operands."""
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            matches = [n for n in LONG_OPTIONS if n.startswith(name)] if name else []
            exact = [n for n in matches if n == name]
            if exact:
                matches = exact
            if not matches:
                raise UsageProblem(f"unrecognized option '--{name}'")
            if len({LONG_OPTIONS[m] for m in matches}) > 1:
                listed = " ".join(f"'--{m}'" for m in matches)
                raise UsageProblem(f"option '--{name}' is ambiguous; possibilities: {listed}")
            full = matches[0]
            spec = LONG_OPTIONS[full]
            key = spec.rstrip("=?")
            if spec.endswith("="):
                if not has_value:
                    if i >= len(args):
                        raise UsageProblem(f"option '--{full}' requires an argument")
                    value, i = args[i], i + 1
                options.append((key, value))
            elif spec.endswith("?"):
                options.append((key, value if has_value else ""))
            else:
                if has_value:
                    raise UsageProblem(f"option '--{full}' doesn't allow an argument")
                options.append((key, None))
        elif arg.startswith("-") and arg != "-":
            j = 1
            while j < len(arg):
                letter = arg[j]
                if letter == "i":
                    options.append(("i", arg[j + 1 :]))
                    break
                if letter in SHORT_WITH_VALUE:
                    value = arg[j + 1 :]
                    if not value:
                        if i >= len(args):
                            raise UsageProblem(f"option requires an argument -- '{letter}'")
                        value, i = args[i], i + 1
                    options.append((letter, value))
                    break
                if letter not in "bsnrzuE":
                    raise UsageProblem(f"invalid option -- '{letter}'")
                options.append(("E" if letter == "r" else letter, None))
                j += 1
        else:
            operands.append(arg)
    return options, operands


@command(
    "sed",
    man="""
NAME
       sed - stream editor for filtering and transforming text

SYNOPSIS
       sed [-n] [-E] [-i[SUFFIX]] [-s] [-z] {-e SCRIPT | -f FILE | SCRIPT} [FILE]...

DESCRIPTION
       Read each line into the pattern space, run the script on it, print the result (unless -n).
       -n     print only what p (or s///p) prints      -E, -r   extended regular expressions
       -e S   add script S (may repeat)   -f FILE   read the script from FILE
       -i[SUF] edit the files in place (keeping a backup FILE+SUF)   -s   files are separate streams
       Addresses: N, $, /RE/, \\%RE%, FIRST~STEP, A,B  A,+N  A,~N  0,/RE/ and ! to negate.
       Commands: s/RE/REPL/[gpIiNm w FILE]  p d D n N P q Q a i c y = l r w h H g G x b t T :label {}
       Replacements: & (the match), \\1..\\9, \\L \\U \\l \\u \\E (case), \\n (newline).
       Examples: sed -n '/^flags/p' /proc/cpuinfo    sed 's/old/new/g' file    sed -i '2d' file
       GNU sed 4.9.
""",
)
def sed(ctx: Context, argv: list[str]) -> int:
    try:
        options, operands = parse_arguments(argv[1:])
    except UsageProblem as problem:
        ctx.err(f"sed: {problem}\n{USAGE}")
        return EXIT_BAD_USAGE
    keys = [key for key, _ in options]
    if "help" in keys:
        ctx.out(USAGE + CONTACT)
        return 0
    if "version" in keys:
        ctx.out(VERSION)
        return 0
    try:
        return _run(ctx, options, operands)
    except SedError as error:
        ctx.err(f"sed: {error.message}\n")
        return error.status
    except PatternTooCostly:
        ctx.err("sed: memory exhausted\n")
        return EXIT_PANIC


def _run(ctx: Context, options: list[tuple[str, str | None]], operands: list[str]) -> int:
    keys = {key for key, _ in options}
    posix = "posix" in keys
    compiler = Compiler("E" in keys, posix, "sandbox" in keys, line_budget(ctx))
    line_length = 70
    in_place = None
    for key, value in options:
        if key == "l":
            digits = re.match(r"\s*[-+]?\d*", value).group().strip()
            line_length = int(digits) if digits.lstrip("+-") else 0
        elif key == "i":
            in_place = value
    scripts = [(key, value) for key, value in options if key in ("e", "f")]
    if not scripts:
        if not operands:
            ctx.err(USAGE)
            return EXIT_BAD_USAGE
        scripts = [("e", operands.pop(0))]
    for key, value in scripts:
        if key == "e":
            compiler.compile_string(value)
        else:
            compiler.compile_file(value, _script_file(ctx, value))
    program = compiler.finish()
    if in_place is not None and not operands:
        raise SedError("no input files", EXIT_PANIC)
    for name in compiler.write_files:
        if name in ("/dev/stdout", "/dev/stderr"):
            continue
        try:
            ctx.machine.fs.write(name, "", ctx.cwd, ctx.uid)
        except FsError as error:
            raise SedError(f"couldn't open file {name}: {error.message}", EXIT_PANIC) from None
    settings = {
        "quiet": "n" in keys or compiler.no_default_output,
        "separate": "s" in keys or in_place is not None,
        "in_place": in_place,
        "line_length": line_length,
        "delimiter": "\0" if "z" in keys else "\n",
        "posix": posix,
        "follow": "follow" in keys,
        "write_files": compiler.write_files,
    }
    return Sed(ctx, program, settings).run(operands)


def _script_file(ctx: Context, name: str) -> str:
    if name == "-":
        text, ctx.stdin = ctx.stdin, ""
        return text
    try:
        text = ctx.machine.fs.read(name, ctx.cwd, ctx.uid)
    except FsError as error:
        raise SedError(f"couldn't open file {name}: {error.message}", EXIT_PANIC) from None
    return text
