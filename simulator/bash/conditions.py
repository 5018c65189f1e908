"""test, [ and [[ ]] as bash 5.2 evaluates them (test.c, and execute_cmd.c for [[ ]]).

`test` takes its arguments already expanded and decides by their number, as POSIX asks; [[ ]] gets a tree
from the parser, expands each operand without splitting or globbing, and matches `==` against a pattern
and `=~` against an extended regular expression, setting BASH_REMATCH.
"""

from __future__ import annotations

import re
import stat as stat_module

from simulator.filesystem import FsError

UNARY = set("abcdefghkprstuwxGLNOSznov") | {"R"}
BINARY = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"}
INTEGER_OPS = {
    "-eq": "__eq__",
    "-ne": "__ne__",
    "-lt": "__lt__",
    "-le": "__le__",
    "-gt": "__gt__",
    "-ge": "__ge__",
}


class TestError(Exception):
    """A malformed test: status 2 and bash's message ("[: missing `]'", "integer expression expected")."""


def file_test(ctx, op: str, path: str) -> bool:
    fs = ctx.machine.fs
    if op == "t":
        return path == "1" and bool(getattr(ctx, "tty", False))
    try:
        node = fs.lstat(path, ctx.cwd, ctx.uid) if op in ("h", "L") else fs.stat(path, ctx.cwd, ctx.uid)
    except (FsError, ValueError):
        return False
    if node is None:
        return False
    kind = node.kind
    mode = node.mode
    if op in ("e", "a"):
        return True
    if op == "f":
        return kind == "file"
    if op == "d":
        return kind == "dir"
    if op in ("h", "L"):
        return kind == "symlink"
    if op in ("b", "c", "p", "S"):
        return kind == {"b": "blockdev", "c": "chardev", "p": "fifo", "S": "socket"}[op]
    if op in ("r", "w", "x"):
        return fs.access(path, op, ctx.cwd, ctx.uid)
    if op == "s":
        return kind != "file" or len(fs.read(path, ctx.cwd, 0)) > 0
    if op == "u":
        return bool(mode & stat_module.S_ISUID)
    if op == "g":
        return bool(mode & stat_module.S_ISGID)
    if op == "k":
        return bool(mode & stat_module.S_ISVTX)
    if op == "O":
        return node.uid == ctx.uid
    if op == "G":
        return node.gid in ctx.machine.groups(ctx.uid)
    if op == "N":
        return False
    return False


def integer(text: str, builtin: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[-+]?\d+", value):
        raise TestError(f"{builtin}: {text}: integer expression expected")
    return int(value)


def unary(ctx, shell, op: str, operand: str) -> bool:
    if op == "z":
        return operand == ""
    if op == "n":
        return operand != ""
    if op == "v":
        return shell is not None and shell.is_set(operand.split("[", 1)[0]) if operand else False
    if op == "o":
        return shell is not None and shell.option_set(operand)
    if op == "R":
        return False
    return file_test(ctx, op, operand)


def binary(ctx, op: str, left: str, right: str, builtin: str) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op in INTEGER_OPS:
        return getattr(integer(left, builtin), INTEGER_OPS[op])(integer(right, builtin))
    fs = ctx.machine.fs
    try:
        a = fs.stat(left, ctx.cwd, ctx.uid)
    except (FsError, ValueError):
        a = None
    try:
        b = fs.stat(right, ctx.cwd, ctx.uid)
    except (FsError, ValueError):
        b = None
    if op == "-ef":
        return a is not None and a is b
    mtime_a = a.mtime if a is not None else None
    mtime_b = b.mtime if b is not None else None
    if op == "-nt":
        return mtime_a is not None and (mtime_b is None or mtime_a > mtime_b)
    return mtime_b is not None and (mtime_a is None or mtime_a < mtime_b)


def test(ctx, shell, args: list[str], builtin: str = "test") -> bool:
    """The test builtin over expanded arguments, by their number (POSIX) and then by precedence."""
    return _Test(ctx, shell, args, builtin).run()


class _Test:
    def __init__(self, ctx, shell, args: list[str], builtin: str):
        self.ctx, self.shell, self.args, self.builtin = ctx, shell, args, builtin
        self.pos = 0

    def run(self) -> bool:
        args = self.args
        if len(args) <= 4:
            return self.by_count(args)
        result = self.disjunction()
        if self.pos < len(args):
            raise TestError(f"{self.builtin}: too many arguments")
        return result

    def by_count(self, args: list[str]) -> bool:
        if not args:
            return False
        if len(args) == 1:
            return args[0] != ""
        if len(args) == 2:
            if args[0] == "!":
                return args[1] == ""
            if args[0][:1] == "-" and args[0][1:] in UNARY and len(args[0]) == 2:
                return unary(self.ctx, self.shell, args[0][1:], args[1])
            raise TestError(f"{self.builtin}: {args[0]}: unary operator expected")
        if len(args) == 3:
            if args[1] in BINARY:
                return binary(self.ctx, args[1], args[0], args[2], self.builtin)
            if args[1] in ("-a", "-o"):
                left, right = args[0] != "", args[2] != ""
                return left and right if args[1] == "-a" else left or right
            if args[0] == "!":
                return not self.by_count(args[1:])
            if args[0] == "(" and args[2] == ")":
                return args[1] != ""
            raise TestError(f"{self.builtin}: {args[1]}: binary operator expected")
        if args[0] == "!":
            return not self.by_count(args[1:])
        if args[0] == "(" and args[3] == ")":
            return self.by_count(args[1:3])
        result = self.disjunction()
        if self.pos < len(args):
            raise TestError(f"{self.builtin}: too many arguments")
        return result

    def take(self) -> str:
        if self.pos >= len(self.args):
            raise TestError(f"{self.builtin}: argument expected")
        self.pos += 1
        return self.args[self.pos - 1]

    def peek(self) -> str | None:
        return self.args[self.pos] if self.pos < len(self.args) else None

    def disjunction(self) -> bool:
        result = self.conjunction()
        while self.peek() == "-o":
            self.take()
            right = self.conjunction()
            result = result or right
        return result

    def conjunction(self) -> bool:
        result = self.negation()
        while self.peek() == "-a":
            self.take()
            right = self.negation()
            result = result and right
        return result

    def negation(self) -> bool:
        if self.peek() == "!":
            self.take()
            return not self.negation()
        return self.primary()

    def primary(self) -> bool:
        token = self.take()
        if token == "(":
            result = self.disjunction()
            if self.take() != ")":
                raise TestError(f"{self.builtin}: `)' expected")
            return result
        following = self.peek()
        if following in BINARY:
            self.take()
            return binary(self.ctx, following, token, self.take(), self.builtin)
        if token[:1] == "-" and token[1:] in UNARY and len(token) == 2 and following is not None:
            return unary(self.ctx, self.shell, token[1:], self.take())
        return token != ""


def ere_to_python(chars: list[tuple[str, bool]]) -> str:
    """The right side of =~: unquoted characters are an ERE, quoted ones match themselves."""
    from simulator.commands.text import translate_regex

    pieces, run = [], []
    for c, active in chars:
        if active:
            run.append(c)
        else:
            if run:
                pieces.append(translate_regex("".join(run), True))
                run = []
            pieces.append(re.escape(c))
    if run:
        pieces.append(translate_regex("".join(run), True))
    return "".join(pieces)
