"""find as GNU findutils 4.9.0 (Ubuntu 24.04) runs it: start points, then an expression of tests, actions
and operators, evaluated for every file of each tree (find/parser.c, find/tree.c, find/pred.c).

The walk goes through the FileSystem with the caller's uid, names in C-locale order (a real find follows
the directory's own order), one `ctx.tick` per file, so `find /` ends within the line's budget.
Warnings are printed as on a terminal (GNU prints them when standard input is a terminal).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.clock import parse_date
from simulator.commands.files import (
    _lookup_id,
    _parse_mode,
    blocks_of,
    group_name,
    inode_of,
    links_of,
    ls_time,
    mode_string,
    size_of,
    user_name,
)
from simulator.commands.mounts import mount_table
from simulator.commands.text import translate_regex
from simulator.filesystem import FsError, Node
from simulator.patterns import Glob, Regex, line_budget

TYPE_LETTERS = {"file": "f", "dir": "d", "symlink": "l", "chardev": "c", "blockdev": "b"}
GLOBAL_OPTIONS = {
    "-maxdepth",
    "-mindepth",
    "-depth",
    "-d",
    "-xdev",
    "-mount",
    "-noleaf",
    "-ignore_readdir_race",
}
PATTERN_TESTS = {"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-lname", "-ilname"}
SIZE_UNITS = {"b": 512, "c": 1, "w": 2, "k": 1024, "M": 1 << 20, "G": 1 << 30}
REGEX_TYPES = (
    "findutils-default",
    "ed",
    "emacs",
    "gnu-awk",
    "grep",
    "posix-awk",
    "awk",
    "posix-basic",
    "posix-egrep",
    "egrep",
    "posix-extended",
    "posix-minimal-basic",
    "sed",
)
PRINTF_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "0": "\0", "a": "\a", "b": "\b", "f": "\f", "r": "\r"}
PRINTF_ESCAPES["v"] = "\v"


class FindError(Exception):
    """A fatal error in the command line: find prints it and exits 1 before walking anything."""


class Quit(Exception):
    """-quit: stop walking at once (pending -exec ... + still run)."""


@dataclass
class Entry:
    """One file as the expression sees it."""

    path: str  # as printed: the start point joined with the names below it
    real: str  # where the node sits in the tree
    node: Node
    depth: int
    start: str
    pruned: bool = False


@dataclass
class Test:
    """A primary: `run(entry) -> bool`; `action` says whether it prints or runs something itself."""

    name: str
    run: Callable[[Entry], bool]
    action: bool = False


@dataclass
class Find:
    """One find run: its options, its pending -exec ... + batches, and its exit status."""

    ctx: Context
    follow: str = "P"
    maxdepth: int = -1
    mindepth: int = 0
    depth_first: bool = False
    regex_type: str = "findutils-default"
    one_filesystem: bool = False  # -xdev: mount points are listed, not entered
    status: int = 0
    batches: list = field(default_factory=list)

    def error(self, text: str) -> None:
        self.ctx.err(f"find: {text}\n")
        self.status = 1


@command(
    "find",
    man="""
NAME
       find - search for files in a directory hierarchy

SYNOPSIS
       find [-H] [-L] [-P] [starting-point...] [expression]

DESCRIPTION
       Walk each starting point (default .) and evaluate the expression for every file; with no
       action in it, print the names of the files for which it is true.
       Global options: -maxdepth N  -mindepth N  -depth (contents before the directory)
       Tests: -name PAT -iname PAT -path PAT -ipath PAT -regex RE -iregex RE
              -type f|d|l|b|c|p|s (several: -type f,d)   -empty   -readable -writable -executable
              -size [+-]N[cwbkMG]  -mtime [+-]DAYS  -mmin [+-]MIN  -newer FILE  -newermt DATE
              -perm MODE (exactly) -perm -MODE (all of) -perm /MODE (any of)
              -user NAME  -group NAME  -nouser -nogroup  -links N  -inum N
       Actions: -print -print0 -printf FORMAT -ls -delete -prune -quit
              -exec CMD {} \\;   -exec CMD {} +   -execdir CMD {} \\;
       Operators: ( EXPR )  ! EXPR  EXPR -a EXPR (or just EXPR EXPR)  EXPR -o EXPR  EXPR , EXPR
       -P never follows symbolic links (default), -H follows them on the command line, -L everywhere.
       Example: find /etc -name '*.conf' -newer /etc/hostname
       Exit status: 0, or 1 when any file could not be visited or any error occurred.
""",
)
def find(ctx: Context, argv: list[str]) -> int:
    run = Find(ctx)
    args = argv[1:]
    asked = next((arg for arg in args if arg in ("-help", "--help", "-version", "--version")), None)
    if asked is not None:  # find answers these wherever they stand, before anything else
        ctx.out(MAN_PAGES["find"] if "help" in asked else "find (GNU findutils) 4.9.0\n")
        return 0
    while args and args[0] in ("-H", "-L", "-P"):
        run.follow = args.pop(0)[1]
    if args and args[0] == "--":
        args.pop(0)
    starts = []
    while args and not _is_expression(args[0]):
        starts.append(args.pop(0))
    try:
        expression = _Parser(run, args).parse()
    except FindError as error:
        ctx.err(f"find: {error}\n")
        return 1
    for start in starts or ["."]:
        try:
            _walk(run, expression, start)
        except Quit:
            break
    _flush_batches(run)
    return run.status


def _is_expression(arg: str) -> bool:
    return (arg.startswith("-") and arg != "-") or arg in ("(", ")", "!", ",")


class _Parser:
    """find's expression grammar: ! binds tightest, then -a (also implied), then -o, then ','."""

    def __init__(self, run: Find, args: list[str]):
        self.run = run
        self.args = args
        self.i = 0
        self.first_test = ""
        self.previous = ""
        self.has_action = False
        self.tokens: list = []
        self.pos = 0

    def parse(self) -> Callable[[Entry], bool]:
        while self.i < len(self.args):
            self._token()
        if not self.tokens:
            return _print_test(self.run).run
        expression = self._comma()
        if self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if token == ")":
                raise FindError("you have too many ')'")
            raise FindError(f"unexpected token {token}")
        if self.has_action:
            return expression
        printing = _print_test(self.run).run
        return lambda entry: expression(entry) and printing(entry)

    def _take(self, option: str) -> str:
        if self.i >= len(self.args):
            raise FindError(f"missing argument to `{option}'")
        value = self.args[self.i]
        self.i += 1
        return value

    def _token(self) -> None:
        arg = self.args[self.i]
        self.i += 1
        if arg in ("(", ")", "!", "-not", "-a", "-and", "-o", "-or", ","):
            self.tokens.append({"-not": "!", "-and": "-a", "-or": "-o"}.get(arg, arg))
            return
        if not arg.startswith("-") or arg == "-":
            text = f"paths must precede expression: `{arg}'"
            fs = self.run.ctx.machine.fs
            if self.previous in PATTERN_TESTS and fs.lexists(arg, self.run.ctx.cwd, self.run.ctx.uid):
                text += f"\nfind: possible unquoted pattern after predicate `{self.previous}'?"
            raise FindError(text)
        if arg in GLOBAL_OPTIONS:
            if self.first_test:
                self.run.ctx.err(
                    f"find: warning: you have specified the global option {arg} after the argument "
                    f"{self.first_test}, but global options are not positional, i.e., {arg} affects tests "
                    "specified before it as well as those specified after it.  Please specify global "
                    "options before other arguments.\n"
                )
            self._global(arg)
            return
        if arg == "-regextype":
            kind = self._take(arg)
            if kind not in REGEX_TYPES:
                valid = ", ".join(f"‘{t}’" for t in REGEX_TYPES)
                raise FindError(f"Unknown regular expression type ‘{kind}’; valid types are {valid}.")
            self.run.regex_type = kind
            return
        if arg == "-follow":
            self.run.follow = "L"
            return
        if arg in ("-warn", "-nowarn", "-daystart"):
            return
        maker = PRIMARIES.get(arg)
        if maker is None and arg.startswith("-newer") and len(arg) == 8:
            maker = _newer_than
        if maker is None:
            raise FindError(f"unknown predicate `{arg}'")
        self.first_test = self.first_test or arg
        self.previous = arg
        test = maker(self, arg)
        self.has_action = self.has_action or test.action
        self.tokens.append(test)

    def _global(self, arg: str) -> None:
        run = self.run
        if arg in ("-maxdepth", "-mindepth"):
            value = self._take(arg)
            if not re.fullmatch(r"\+?\d+", value):
                raise FindError(f"Expected a positive decimal integer argument to {arg}, but got ‘{value}’")
            if arg == "-maxdepth":
                run.maxdepth = int(value)
            else:
                run.mindepth = int(value)
        elif arg in ("-depth", "-d"):
            run.depth_first = True
        elif arg in ("-xdev", "-mount"):
            run.one_filesystem = True

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _comma(self):
        left = self._or()
        while self._peek() == ",":
            self.pos += 1
            right = self._operand(",", self._or)
            left = _sequence(left, right)
        return left

    def _or(self):
        left = self._and()
        while self._peek() == "-o":
            self.pos += 1
            right = self._operand("-o", self._and)
            left = _either(left, right)
        return left

    def _and(self):
        left = self._unary()
        while True:
            token = self._peek()
            if token == "-a":
                self.pos += 1
                right = self._operand("-a", self._unary)
            elif token is not None and token not in (")", "-o", ","):
                right = self._unary()
            else:
                return left
            left = _both(left, right)

    def _operand(self, operator: str, parse):
        if self._peek() in (None, ")", "-o", "-a", ","):
            raise FindError(f"expected an expression after '{operator}'")
        return parse()

    def _unary(self):
        token = self._peek()
        if token is None:
            raise FindError("expected an expression")
        self.pos += 1
        if token == "!":
            if self._peek() in (None, ")", "-o", "-a", ","):
                raise FindError("expected an expression after '!'")
            inner = self._unary()
            return lambda entry: not inner(entry)
        if token == "(":
            if self._peek() == ")":
                raise FindError("invalid expression; empty parentheses are not allowed.")
            inner = self._comma()
            if self._peek() != ")":
                raise FindError(
                    "invalid expression; I was expecting to find a ')' somewhere but did not see one."
                )
            self.pos += 1
            return inner
        if token in ("-o", "-a", ","):
            raise FindError(
                f"invalid expression; you have used a binary operator '{token}' with nothing before it."
            )
        if token == ")":
            raise FindError("invalid expression; you have too many ')'")
        return token.run


def _both(left, right):
    return lambda entry: left(entry) and right(entry)


def _either(left, right):
    return lambda entry: left(entry) or right(entry)


def _sequence(left, right):
    def run(entry):
        left(entry)
        return right(entry)

    return run


def _walk(run: Find, expression, start: str) -> None:
    ctx = run.ctx
    fs = ctx.machine.fs
    follow_start = run.follow in ("H", "L")
    try:
        real = fs.resolve(start, ctx.cwd, follow=follow_start, uid=ctx.uid)
        node = fs.nodes.get(real)
        if node is None and follow_start:
            real = fs.resolve(start, ctx.cwd, follow=False, uid=ctx.uid)
            node = fs.nodes.get(real)
        if node is None:
            raise FsError("ENOENT", start)
    except FsError as error:
        run.error(f"‘{start}’: {error.message}")
        return
    others = _other_filesystems(run, real)
    stack: list[tuple[bool, Entry, tuple[tuple[str, str], ...]]] = [
        (False, Entry(start, real, node, 0, start), ())
    ]
    while stack:
        after, entry, ancestors = stack.pop()
        if after:
            expression(entry)
            continue
        ctx.tick()
        if entry.depth >= run.mindepth and not run.depth_first:
            expression(entry)
        if entry.node.kind != "dir" or entry.pruned or entry.depth == run.maxdepth or entry.real in others:
            if run.depth_first and entry.depth >= run.mindepth:
                stack.append((True, entry, ancestors))
            continue
        if run.depth_first and entry.depth >= run.mindepth:
            stack.append((True, entry, ancestors))
        try:
            names = fs.listdir(entry.real, uid=ctx.uid)
        except FsError as error:
            run.error(f"‘{entry.path}’: {error.message}")
            continue
        inside = (*ancestors, (entry.real, entry.path))
        children = []
        for name in names:
            child = _child(run, entry, name, inside)
            if child is not None:
                children.append((False, child, inside))
        stack.extend(reversed(children))


def _other_filesystems(run: Find, start: str) -> set[str]:
    """With -xdev, the mount points of filesystems other than the start point's."""
    if not run.one_filesystem:
        return set()
    targets = {mount.target for mount in mount_table(run.ctx.machine)}
    home = max(
        (t for t in targets if start == t or start.startswith(t.rstrip("/") + "/")), key=len, default="/"
    )
    return targets - {home}


def _child(run: Find, parent: Entry, name: str, ancestors: tuple[tuple[str, str], ...]) -> Entry | None:
    """The entry for `name` in `parent`; with -L a link to a directory above it is a loop, reported."""
    fs = run.ctx.machine.fs
    path = parent.path + name if parent.path.endswith("/") else f"{parent.path}/{name}"
    real = posixpath.join(parent.real, name)
    node = fs.nodes[real]
    if run.follow == "L" and node.kind == "symlink":
        try:
            target = fs.resolve(real, uid=run.ctx.uid)
        except FsError:
            target = ""
        if target in fs.nodes:
            shown = next((seen for real_dir, seen in ancestors if real_dir == target), None)
            if shown is not None:
                run.error(
                    f"File system loop detected; ‘{path}’ is part of the same file system loop as ‘{shown}’."
                )
                return None
            real, node = target, fs.nodes[target]
    return Entry(path, real, node, parent.depth + 1, parent.start)


def _flush_batches(run: Find) -> None:
    while run.batches:
        batch = run.batches.pop(0)
        batch.flush()


def _print_test(run: Find) -> Test:
    return Test("-print", lambda entry: run.ctx.out(entry.path + "\n") or True, action=True)


PRIMARIES: dict[str, Callable[[_Parser, str], Test]] = {}


def primary(*names: str):
    def register(maker):
        for name in names:
            PRIMARIES[name] = maker
        return maker

    return register


def _glob(pattern: str, fold: bool, budget) -> Glob:
    """fnmatch(3) without FNM_PATHNAME or FNM_PERIOD: * also matches / and a leading dot."""
    chars = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            chars.append((pattern[i + 1].lower() if fold else pattern[i + 1], False))
            i += 2
            continue
        chars.append((pattern[i].lower() if fold else pattern[i], True))
        i += 1
    return Glob(chars, budget)


@primary("-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-lname", "-ilname")
def _name(parser: _Parser, option: str) -> Test:
    pattern = parser._take(option)
    fold = option.startswith("-i")
    glob = _glob(pattern, fold, line_budget(parser.run.ctx))
    if option in ("-name", "-iname") and "/" in pattern and pattern != "/":
        wider = "-iwholename" if fold else "-wholename"
        parser.run.ctx.err(
            f"find: warning: ‘{option}’ matches against basenames only, but the given pattern contains a "
            f"directory separator (‘/’), thus the expression will evaluate to false all the time.  "
            f"Did you mean ‘{wider}’?\n"
        )

    def subject(entry: Entry) -> str | None:
        if option in ("-name", "-iname"):
            return _basename(entry.path)
        if option in ("-lname", "-ilname"):
            return entry.node.target if entry.node.kind == "symlink" else None
        return entry.path

    def run(entry: Entry) -> bool:
        text = subject(entry)
        if text is None:
            return False
        return glob.fullmatch(text.lower() if fold else text)

    return Test(option, run)


def _basename(path: str) -> str:
    stripped = path.rstrip("/")
    return posixpath.basename(stripped) if stripped else "/"


@primary("-regex", "-iregex")
def _regex(parser: _Parser, option: str) -> Test:
    pattern = parser._take(option)
    kind = parser.run.regex_type
    extended = kind in ("posix-extended", "posix-egrep", "egrep", "awk", "posix-awk", "gnu-awk")
    if kind in ("findutils-default", "emacs"):
        pattern = re.sub(r"(\\\\)|\\([+?])|([+?{}])", _emacs_to_basic, pattern)
    try:
        compiled = Regex(
            f"^(?:{translate_regex(pattern, extended)})$",
            option == "-iregex",
            budget=line_budget(parser.run.ctx),
        )
    except re.error:
        raise FindError("Invalid regular expression") from None
    return Test(option, lambda entry: compiled.search(entry.path))


def _emacs_to_basic(match: re.Match) -> str:
    """Emacs syntax (find's default) has + and ? as operators and { } as plain characters."""
    if match.group(1):
        return match.group(1)
    if match.group(2):
        return match.group(2)
    char = match.group(3)
    return "\\" + char if char in "+?" else "[" + char + "]"


@primary("-type", "-xtype")
def _type(parser: _Parser, option: str) -> Test:
    value = parser._take(option)
    if not value:
        raise FindError(f"Arguments to {option} should contain at least one letter")
    wanted: set[str] = set()
    for index, letter in enumerate(value):
        if index % 2:
            if letter != ",":
                raise FindError(f"Must separate multiple arguments to {option} using: ','")
            if index == len(value) - 1:
                raise FindError(
                    f"Last file type in list argument to {option} is missing, i.e., list is ending on: ','"
                )
            continue
        if letter not in "fdlbcpsD":
            raise FindError(f"Unknown argument to {option}: {letter}")
        if letter in wanted:
            raise FindError(f"Duplicate file type '{letter}' in the argument list to {option}.")
        wanted.add(letter)
    if option == "-xtype" and parser.run.follow != "L":
        fs = parser.run.ctx.machine.fs

        def target_type(entry: Entry) -> bool:
            node = entry.node
            if node.kind == "symlink":
                try:
                    node = fs.stat(entry.real)
                except FsError:
                    pass  # a dangling link is a link
            return TYPE_LETTERS.get(node.kind) in wanted

        return Test(option, target_type)
    return Test(option, lambda entry: TYPE_LETTERS.get(entry.node.kind) in wanted)


def _number(parser: _Parser, option: str, text: str, units: dict | None = None) -> tuple[str, int, int]:
    """A [+-]N argument (N[cwbkMG] for -size): (comparison, N, unit size), with find's errors."""
    unit, original = 1, text
    if units is not None:
        if not text:
            raise FindError(f"invalid null argument to {option}")
        if not text[-1].isdigit():
            if text[-1] not in units:
                raise FindError(f"invalid -size type `{text[-1]}'")
            unit, text = units[text[-1]], text[:-1]
        else:
            unit = units["b"]
    match = re.fullmatch(r"([+-]?)(\d+)", text)
    if not match and units is not None:
        raise FindError(f"Invalid argument `{original}' to {option}")
    if not match:
        raise FindError(f"invalid argument `{text}' to `{option}'")
    return match.group(1), int(match.group(2)), unit


def _compare(sign: str, value: int, wanted: int) -> bool:
    if sign == "+":
        return value > wanted
    if sign == "-":
        return value < wanted
    return value == wanted


@primary("-size")
def _size(parser: _Parser, option: str) -> Test:
    sign, wanted, unit = _number(parser, option, parser._take(option), SIZE_UNITS)

    def run(entry: Entry) -> bool:
        size = size_of(entry.real, entry.node)
        return _compare(sign, -(-size // unit), wanted)

    return Test(option, run)


@primary("-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin")
def _age(parser: _Parser, option: str) -> Test:
    sign, wanted, _ = _number(parser, option, parser._take(option))
    unit = 60 if option.endswith("min") else 86400
    now = parser.run.ctx.machine.fs.now()
    return Test(option, lambda entry: _compare(sign, (now - entry.node.mtime) // unit, wanted))


@primary("-newer", "-anewer", "-cnewer")
def _newer(parser: _Parser, option: str) -> Test:
    reference = parser._take(option)
    ctx = parser.run.ctx
    try:
        mtime = ctx.machine.fs.stat(reference, ctx.cwd, ctx.uid).mtime
    except FsError as error:
        raise FindError(f"‘{reference}’: {error.message}") from None
    return Test(option, lambda entry: entry.node.mtime > mtime)


def _newer_than(parser: _Parser, option: str) -> Test:
    """-newerXY: X's time (a, c, m: the tree keeps one time) newer than the reference file's Y time,
    or than the date Y = t describes."""
    mine, theirs = option[6], option[7]
    if mine not in "acmB" or theirs not in "acmBt":
        raise FindError(f"invalid predicate `{option}'")
    if "B" in (mine, theirs):
        raise FindError(
            "This system does not provide a way to find the birth time of a file.\n"
            f"find: invalid predicate `{option}'"
        )
    reference = parser._take(option)
    ctx = parser.run.ctx
    if theirs == "t":
        when = parse_date(reference, ctx.machine.fs.now())
        if when is None:
            raise FindError(f"I cannot figure out how to interpret ‘{reference}’ as a date or time")
    else:
        try:
            when = ctx.machine.fs.stat(reference, ctx.cwd, ctx.uid).mtime
        except FsError as error:
            raise FindError(f"‘{reference}’: {error.message}") from None
    return Test(option, lambda entry: entry.node.mtime > when)


@primary("-perm")
def _perm(parser: _Parser, option: str) -> Test:
    text = parser._take(option)
    kind = text[0] if text[:1] in ("-", "/") else ""
    # a symbolic mode without who means a (all), and find applies no umask to it
    symbolic = re.sub(r"(^|,)([-+=])", r"\1a\2", text[len(kind) :])
    mode = _parse_mode(symbolic, 0) if symbolic else None
    if mode is None:
        raise FindError(f"invalid mode ‘{text[len(kind) :]}’")
    if kind == "-":
        return Test(option, lambda entry: entry.node.mode & mode == mode)
    if kind:
        return Test(option, lambda entry: mode == 0 or bool(entry.node.mode & mode))
    return Test(option, lambda entry: entry.node.mode & 0o7777 == mode)


@primary("-user", "-group", "-uid", "-gid")
def _owner(parser: _Parser, option: str) -> Test:
    text = parser._take(option)
    by_user = option in ("-user", "-uid")
    if option in ("-uid", "-gid"):
        sign, wanted, _ = _number(parser, option, text)
        field_of = (lambda node: node.uid) if by_user else (lambda node: node.gid)
        return Test(option, lambda entry: _compare(sign, field_of(entry.node), wanted))
    number = _lookup_id(parser.run.ctx, text, "/etc/passwd" if by_user else "/etc/group")
    if number is None:
        what = "is not the name of a known user" if by_user else "is not the name of an existing group"
        raise FindError(f"‘{text}’ {what}")
    if by_user:
        return Test(option, lambda entry: entry.node.uid == number)
    return Test(option, lambda entry: entry.node.gid == number)


@primary("-nouser", "-nogroup")
def _orphan(parser: _Parser, option: str) -> Test:
    ctx = parser.run.ctx

    def run(entry: Entry) -> bool:
        if option == "-nouser":
            return user_name(ctx, entry.node.uid) == str(entry.node.uid)
        return group_name(ctx, entry.node.gid) == str(entry.node.gid)

    return Test(option, run)


@primary("-links", "-inum")
def _counted(parser: _Parser, option: str) -> Test:
    sign, wanted, _ = _number(parser, option, parser._take(option))
    ctx = parser.run.ctx
    if option == "-links":
        return Test(option, lambda entry: _compare(sign, links_of(ctx, entry.real, entry.node), wanted))
    return Test(option, lambda entry: _compare(sign, inode_of(entry.real), wanted))


@primary("-empty")
def _empty(parser: _Parser, option: str) -> Test:
    fs = parser.run.ctx.machine.fs

    def run(entry: Entry) -> bool:
        if entry.node.kind == "dir":
            return not fs.children.get(entry.real)
        return entry.node.kind == "file" and size_of(entry.real, entry.node) == 0

    return Test(option, run)


@primary("-readable", "-writable", "-executable")
def _access(parser: _Parser, option: str) -> Test:
    ctx = parser.run.ctx
    want = option[1]
    want = "x" if want == "e" else want
    return Test(option, lambda entry: ctx.machine.fs.access(entry.real, want, uid=ctx.uid))


@primary("-true", "-false")
def _constant(parser: _Parser, option: str) -> Test:
    return Test(option, lambda entry: option == "-true")


@primary("-print", "-print0")
def _print(parser: _Parser, option: str) -> Test:
    ctx = parser.run.ctx
    end = "\0" if option == "-print0" else "\n"
    return Test(option, lambda entry: ctx.out(entry.path + end) or True, action=True)


@primary("-ls")
def _ls(parser: _Parser, option: str) -> Test:
    ctx = parser.run.ctx
    now = ctx.machine.fs.now()

    def run(entry: Entry) -> bool:
        node = entry.node
        if node.kind in ("chardev", "blockdev"):
            size = f"{node.major:>3}, {node.minor:>3}"
        else:
            size = str(size_of(entry.real, node))
        name = entry.path + (f" -> {node.target}" if node.kind == "symlink" else "")
        ctx.out(
            f"{inode_of(entry.real):>9} {blocks_of(entry.real, node):>6} {mode_string(node)} "
            f"{links_of(ctx, entry.real, node):>3} {user_name(ctx, node.uid):<8} "
            f"{group_name(ctx, node.gid):<8} {size:>8} {ls_time(node.mtime, now)} {name}\n"
        )
        return True

    return Test(option, run, action=True)


@primary("-printf")
def _printf(parser: _Parser, option: str) -> Test:
    pieces = _printf_format(parser.run.ctx, parser._take(option))
    ctx = parser.run.ctx

    def run(entry: Entry) -> bool:
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece is None:
                break
            else:
                spec, directive = piece
                out.append(spec % _directive(ctx, entry, directive))
        ctx.out("".join(out))
        return True

    return Test(option, run, action=True)


def _printf_format(ctx: Context, text: str) -> list:
    """-printf's format as literal strings, (spec, directive) pairs, and None for \\c (stop here)."""
    pieces: list = []
    literal = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            code = text[i + 1]
            octal = re.match(r"[0-7]{1,3}", text[i + 1 :])
            if octal:
                literal.append(chr(int(octal.group(0), 8)))
                i += 1 + len(octal.group(0))
                continue
            if code == "c":
                pieces.extend(["".join(literal), None])
                return pieces
            if code in PRINTF_ESCAPES:
                literal.append(PRINTF_ESCAPES[code])
            else:
                ctx.err(f"find: warning: unrecognized escape `\\{code}'\n")
                literal.append("\\" + code)
            i += 2
            continue
        if char == "%":
            match = re.match(r"%([-+ #0]*)(\d*)(\.\d+)?([ACT].|[%abcdDfFgGhHiklmMnpPsStuUyY]|.?)", text[i:])
            assert match is not None
            flags, width, precision, directive = match.groups()
            i += len(match.group(0))
            if directive == "%":
                literal.append("%")
                continue
            if not directive or not _known_directive(directive):
                ctx.err(f"find: warning: unrecognized format directive `%{directive}'\n")
                literal.append("%" + directive)
                continue
            pieces.append("".join(literal))
            literal = []
            spec = "%" + ("-" if "-" in flags else "") + width + (precision or "") + "s"
            pieces.append((spec, directive))
            continue
        literal.append(char)
        i += 1
    pieces.append("".join(literal))
    return [piece for piece in pieces if piece != ""]


def _known_directive(directive: str) -> bool:
    if directive[0] in "ACT" and len(directive) == 2:
        return directive[1] in "@aAbBcdDeFgGhHIjklmMnprRsStTuUVwWxXyYzZ+"
    return directive in set("abcdDfFgGhHiklmMnpPsStuUyY")


def _directive(ctx: Context, entry: Entry, directive: str) -> str:
    node = entry.node
    letter = directive[0]
    if letter in "aAcCtT":
        key = directive[1:] if letter in "ACT" else ""
        return _time_field(node.mtime, key)
    values: dict[str, Callable[[], object]] = {
        "b": lambda: blocks_of(entry.real, node) * 2,
        "k": lambda: blocks_of(entry.real, node),
        "d": lambda: entry.depth,
        "D": lambda: 2049,
        "f": lambda: _basename(entry.path),
        "F": lambda: "ext4",
        "g": lambda: group_name(ctx, node.gid),
        "G": lambda: node.gid,
        "h": lambda: _dirname(entry.path),
        "H": lambda: entry.start,
        "i": lambda: inode_of(entry.real),
        "l": lambda: node.target if node.kind == "symlink" else "",
        "m": lambda: f"{node.mode & 0o7777:o}",
        "M": lambda: mode_string(node),
        "n": lambda: links_of(ctx, entry.real, node),
        "p": lambda: entry.path,
        "P": lambda: entry.path[len(entry.start) :].lstrip("/") if entry.depth else "",
        "s": lambda: size_of(entry.real, node),
        "S": lambda: "1",
        "u": lambda: user_name(ctx, node.uid),
        "U": lambda: node.uid,
        "y": lambda: TYPE_LETTERS.get(node.kind, "U"),
        "Y": lambda: _target_type(ctx, entry),
    }
    return str(values[letter]())


def _dirname(path: str) -> str:
    stripped = path.rstrip("/")
    if "/" not in stripped:
        return "."
    head = stripped.rsplit("/", 1)[0]
    return head or "/"


def _target_type(ctx: Context, entry: Entry) -> str:
    if entry.node.kind != "symlink":
        return TYPE_LETTERS.get(entry.node.kind, "U")
    fs = ctx.machine.fs
    try:
        return TYPE_LETTERS.get(fs.stat(entry.real).kind, "U")
    except FsError as error:
        return "L" if error.errno == "ELOOP" else "N"


def _time_field(mtime: int, key: str) -> str:
    """%t and %Tk: the times carry nanoseconds (whole seconds here), printed as find 4.9 prints them."""
    stamp = time.gmtime(mtime)
    if key == "":
        return time.strftime("%a %b %e %H:%M:%S.0000000000 %Y", stamp)
    if key == "@":
        return f"{mtime}.0000000000"
    if key == "S":
        return f"{stamp.tm_sec:02d}.0000000000"
    if key == "T":
        return time.strftime("%H:%M:%S.0000000000", stamp)
    if key == "+":
        return time.strftime("%Y-%m-%d+%H:%M:%S.0000000000", stamp)
    return time.strftime("%" + key, stamp)


@primary("-prune")
def _prune(parser: _Parser, option: str) -> Test:
    run = parser.run

    def prune(entry: Entry) -> bool:
        if not run.depth_first:
            entry.pruned = True
        return True

    return Test(option, prune)


@primary("-quit")
def _quit(parser: _Parser, option: str) -> Test:
    def stop(entry: Entry) -> bool:
        raise Quit

    return Test(option, stop)


@primary("-delete")
def _delete(parser: _Parser, option: str) -> Test:
    run = parser.run
    run.depth_first = True
    ctx = run.ctx

    def delete(entry: Entry) -> bool:
        if entry.path in (".", "./"):
            return True
        fs = ctx.machine.fs
        try:
            if entry.node.kind == "dir":
                fs.rmdir(entry.real, uid=ctx.uid)
            else:
                fs.remove(entry.real, uid=ctx.uid)
        except FsError as error:
            run.error(f"cannot delete ‘{entry.path}’: {error.message}")
            return False
        return True

    return Test(option, delete, action=True)


@primary("-ok", "-okdir")
def _ok(parser: _Parser, option: str) -> Test:
    raise FindError(
        f"{option} asks a question (y/n) for each file before running the command; this terminal cannot "
        "answer it. Use -exec (or -execdir) instead."
    )


@primary("-exec", "-execdir")
def _exec(parser: _Parser, option: str) -> Test:
    words: list[str] = []
    batched = False
    while True:
        if parser.i >= len(parser.args):
            raise FindError(f"missing argument to `{option}'")
        word = parser.args[parser.i]
        parser.i += 1
        if word == ";":
            break
        if word == "+" and words and words[-1] == "{}":
            batched = True
            break
        words.append(word)
    if not words:
        raise FindError(f"missing argument to `{option}'")
    run = parser.run
    if batched:
        if any("{}" in word for word in words[:-1]):
            raise FindError(f"Only one instance of {{}} is supported with {option} ... +")
        batch = _Batch(run, words[:-1], option == "-execdir")
        run.batches.append(batch)
        return Test(option, batch.add, action=True)

    def execute(entry: Entry) -> bool:
        cwd, name = _exec_place(run, entry, option == "-execdir")
        argv = [word.replace("{}", name) for word in words]
        return _run_program(run, argv, cwd) == 0

    return Test(option, execute, action=True)


def _exec_place(run: Find, entry: Entry, in_directory: bool) -> tuple[str, str]:
    """(directory to run in, name to pass): -execdir runs in the file's directory with ./NAME."""
    if not in_directory:
        return run.ctx.cwd, entry.path
    parent = posixpath.dirname(entry.real) if entry.real != "/" else "/"
    base = _basename(entry.path)
    return parent, base if base == "/" else "./" + base


def _run_program(run: Find, argv: list[str], cwd: str) -> int:
    from simulator.shell import which

    ctx = dataclasses.replace(run.ctx, cwd=cwd)
    if which(ctx, argv[0]) is None:
        run.ctx.err(f"find: ‘{argv[0]}’: No such file or directory\n")
        return 1
    return ctx.execute(argv, caller="find")


@dataclass
class _Batch:
    """-exec CMD {} +: names gathered and run in as few commands as fit (per directory for -execdir)."""

    run: Find
    words: list[str]
    in_directory: bool
    cwd: str = ""
    names: list[str] = field(default_factory=list)

    def add(self, entry: Entry) -> bool:
        cwd, name = _exec_place(self.run, entry, self.in_directory)
        if self.names and cwd != self.cwd:
            self.flush()
        self.cwd = cwd
        self.names.append(name)
        if len(self.names) >= 4096:
            self.flush()
        return True

    def flush(self) -> None:
        if not self.names:
            return
        names, self.names = self.names, []
        if _run_program(self.run, [*self.words, *names], self.cwd) != 0:
            self.run.status = 1
