"""A bash-like interpreter over a simulated machine, modelled on interactive GNU bash 5.2.

One line in, one Result out: the line is tokenised, parsed into a list of pipelines, its words expanded
(tilde, parameters, command substitution, word splitting, globbing against the virtual filesystem, quote
removal) and each simple command runs as a shell builtin or a handler from the command registry.
Messages are bash's own, with the "bash: " prefix of an interactive non-login shell (bash over ssh, a
login shell, would say "-bash: "; Ubuntu's command-not-found hook would drop the prefix). "command not
found" with status 127 is bash's fallback when no command_not_found_handle exists (bash manual, "Command
Search and Execution"). An unterminated quote is reported as interactive bash 5.2 does when input ends
(the prompt would otherwise wait for more): "unexpected EOF while looking for matching `\"'", status 2.
`exit` leaves a shell entered with sudo -i/-s, su or bash; at the top it sets `exited` (the world may
close an ssh session) and the lab terminal stays open. Nothing raises out of `Shell.run`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from simulator.commands import COMMANDS, MAN_PAGES, Context, Interrupted, Work
from simulator.commands.registry_loader import load_all
from simulator.filesystem import FsError
from simulator.layout import SHELL_ONLY, SUGGESTIONS
from simulator.patterns import Budget, Glob, PatternTooCostly
from simulator.result import Result

NAME = "bash"
PID = 4242
MAX_LINE = 4096
MAX_OUTPUT = 256 * 1024
MAX_LINE_OUTPUT = 4 * 1024 * 1024
MAX_COMMANDS = 256
MAX_DEPTH = 8
# Memory: bash grows strings until malloc fails, then dies with "bash: xrealloc: cannot allocate N bytes"
# (lib/malloc/xmalloc.c). We stop at fixed sizes instead and fail the line with that message, naming
# the limit: one expanded word or variable value, all variables of the shell (with the outer shells of
# sudo -i/su/bash), and all words expanded in one line. Nothing is ever silently truncated.
MAX_VALUE = 64 * 1024
PER_VALUE = f"{MAX_VALUE // 1024} KiB per value"
MAX_VARIABLES = 1024 * 1024
MAX_LINE_EXPANSION = 192 * 1024
MAX_GLOB_TESTS = 20_000  # directory entries one line may test against glob patterns
TOO_DEEP = "expression nested too deeply"
HISTORY_SIZE = 1000
CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
HISTORY_USAGE = "history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]"
USER_PATH = (
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin"
)
ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
BASH_BUILTINS = {"echo", "pwd", "true", "false", "kill", "printf", "test", "["}
READONLY = {"UID", "EUID", "PPID"}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
HISTORY_EVENT = re.compile(r"!(!|-?\d+|\$|[^\s=(\"'!;&|<>]+)")  # !!, !n, !-n, !$, !prefix
OPERATORS = sorted(
    ["&&", "||", ";;", "|&", "&>>", "&>", ">>", ">|", ">&", "<<<", "<<", "<&", "<>", ">", "<", "|", ";", "&"]
    + ["(", ")", "\n"],
    key=len,
    reverse=True,
)
REDIRECTIONS = {">", ">>", ">|", ">&", "<", "<<<", "<<", "<&", "<>", "&>", "&>>"}
METACHARS = frozenset(" \t\n;&|<>()")
OPENERS = frozenset("\\'\"`$")  # where a quoted string or a substitution may start


class ShellSyntaxError(Exception):
    """A line bash refuses to run (status 2); the text is bash's message without the "bash: " prefix."""


class ExpansionError(Exception):
    """An expansion that aborts its command (status 1), such as a bad substitution."""


class LineAborted(Exception):
    """A resource limit that stops the rest of the line."""


class ShellExit(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def _eof(closing: str) -> ShellSyntaxError:
    return ShellSyntaxError(f"unexpected EOF while looking for matching `{closing}'")


def _skip_quote(text: str, i: int) -> int:
    j = text.find("'", i)
    if j < 0:
        raise _eof("'")
    return j + 1


def _skip_part(text: str, i: int) -> int:
    """Past the backslash escape, quoted string or substitution starting at text[i], else past text[i]."""
    c = text[i]
    if c == "\\":
        return i + 2
    if c == "'":
        return _skip_quote(text, i + 1)
    if c == '"':
        return _skip_double(text, i + 1)
    if c == "`":
        return _skip_escaped(text, i + 1, "`")
    if c == "$":
        following = text[i + 1 : i + 2]
        if following == "(":
            return _skip_paren(text, i + 2)
        if following == "{":
            return _skip_brace(text, i + 2)
        if following == "'":
            return _skip_escaped(text, i + 2, "'")
    return i + 1


def _skip_double(text: str, i: int) -> int:
    while i < len(text):
        if text[i] == '"':
            return i + 1
        # inside double quotes ' and $' are plain characters
        i = i + 1 if text[i] == "'" or text.startswith("$'", i) else _skip_part(text, i)
    raise _eof('"')


def _skip_escaped(text: str, i: int, close: str) -> int:
    """Past the `close` that ends a `...` or $'...' word, where a backslash escapes the next character."""
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == close:
            return i + 1
        else:
            i += 1
    raise _eof(close)


def _skip_paren(text: str, i: int) -> int:
    depth = 1
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i = _skip_part(text, i) if c in OPENERS else i + 1
    raise _eof(")")


def _skip_brace(text: str, i: int) -> int:
    while i < len(text):
        c = text[i]
        if c == "}":
            return i + 1
        i = _skip_part(text, i) if c in OPENERS else i + 1
    raise _eof("}")


def _skip_word(text: str, i: int) -> int:
    while i < len(text) and text[i] not in METACHARS:
        i = _skip_part(text, i) if text[i] in OPENERS else i + 1
    return min(i, len(text))


@dataclass
class Token:
    kind: str  # "word", "op", or "io" (the fd number written before a redirection, as in 2>)
    text: str


def tokenize(line: str) -> list[Token]:
    """Split a line into words and operators; quotes and substitutions stay inside their word."""
    tokens = []
    i = 0
    while i < len(line):
        c = line[i]
        if c in " \t":
            i += 1
        elif c == "#":
            break
        elif c in METACHARS:
            op = next(op for op in OPERATORS if line.startswith(op, i))
            tokens.append(Token("op", op))
            i += len(op)
        else:
            end = _skip_word(line, i)
            word = line[i:end]
            kind = "io" if word.isdigit() and len(word) < 10 and line[end : end + 1] in ("<", ">") else "word"
            tokens.append(Token(kind, word))
            i = end
    return tokens


@dataclass
class Redirect:
    fd: int | None
    op: str
    target: str


@dataclass
class Command:
    assignments: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    body: list | None = None  # the list inside ( ... ): a subshell


@dataclass
class Pipeline:
    commands: list[Command]
    negate: bool = False


class Parser:
    """Recursive descent: list := pipeline ((; & && ||) pipeline)*, pipeline := command (| command)*."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def unexpected(self, token: Token | None) -> ShellSyntaxError:
        if token is None:
            return ShellSyntaxError("syntax error: unexpected end of file")
        text = "newline" if token.text == "\n" else token.text
        return ShellSyntaxError(f"syntax error near unexpected token `{text}'")

    def at_end(self, token: Token | None, inner: bool) -> bool:
        return token is None or (inner and token.kind == "op" and token.text == ")")

    def parse_list(self, inner: bool = False) -> list[tuple[str, Pipeline]]:
        items: list[tuple[str, Pipeline]] = []
        connector = ";"
        while True:
            token = self.peek()
            if self.at_end(token, inner):
                if connector != ";":
                    raise self.unexpected(token)
                return items
            if connector == ";" and token.kind == "op" and token.text == "\n":
                self.pos += 1
                continue
            items.append((connector, self.parse_pipeline(inner)))
            token = self.peek()
            if self.at_end(token, inner):
                return items
            if token.kind != "op" or token.text not in (";", "&", "&&", "||", "\n"):
                raise self.unexpected(token)
            self.pos += 1
            connector = token.text if token.text in ("&&", "||") else ";"

    def parse_pipeline(self, inner: bool) -> Pipeline:
        pipeline = Pipeline([])
        token = self.peek()
        if token.kind == "word" and token.text == "!":
            pipeline.negate = True
            self.pos += 1
        pipeline.commands.append(self.parse_command(inner))
        while (token := self.peek()) is not None and token.kind == "op" and token.text in ("|", "|&"):
            if len(pipeline.commands) >= 32:
                raise ShellSyntaxError("pipeline too long (max 32 commands)")
            if token.text == "|&":
                pipeline.commands[-1].redirects.append(Redirect(2, ">&", "1"))
            self.pos += 1
            pipeline.commands.append(self.parse_command(inner))
        return pipeline

    def parse_command(self, inner: bool) -> Command:
        command = Command()
        token = self.peek()
        if token is None:
            raise self.unexpected(None)
        if token.kind == "op" and token.text == "(":
            self.pos += 1
            command.body = self.parse_list(inner=True)
            closing = self.peek()
            if closing is None:
                raise self.unexpected(None)
            self.pos += 1
            if not command.body:
                raise self.unexpected(closing)
        while (token := self.peek()) is not None:
            if token.kind == "word":
                if command.body is not None:
                    raise self.unexpected(token)
                if not command.words and ASSIGNMENT.match(token.text):
                    command.assignments.append(token.text)
                else:
                    command.words.append(token.text)
                self.pos += 1
            elif token.kind == "io" or (token.kind == "op" and token.text in REDIRECTIONS):
                fd = None
                if token.kind == "io":
                    fd = int(token.text)
                    self.pos += 1
                op = self.tokens[self.pos].text
                self.pos += 1
                target = self.peek()
                if target is None:
                    raise ShellSyntaxError("syntax error near unexpected token `newline'")
                if target.kind != "word":
                    raise self.unexpected(target)
                self.pos += 1
                command.redirects.append(Redirect(fd, op, target.text))
            elif token.text == "(":
                raise self.unexpected(token)
            else:
                break
        if command.body is None and not (command.words or command.assignments or command.redirects):
            raise self.unexpected(token)
        return command


class _Fields:
    """Expanded characters of one word, remembering which may glob and which fields must survive empty."""

    def __init__(self, run: _Run):
        self.fields: list[list[tuple[str, bool]]] = [[]]
        self.keep = [False]
        self.run = run
        self.size = 0

    def _grow(self, text: str) -> None:
        """Refuse a word (or the line's words) past its limit before building it."""
        self.size += len(text)
        if self.size > MAX_VALUE:
            raise _no_memory(self.size, PER_VALUE)
        self.run.expand(len(text))

    def literal(self, text: str) -> None:
        self._grow(text)
        self.fields[-1].extend((c, c in "*?[") for c in text)

    def quoted(self, text: str) -> None:
        self._grow(text)
        self.keep[-1] = True
        self.fields[-1].extend((c, False) for c in text)

    def expansion(self, text: str, split: bool) -> None:
        self._grow(text)
        if not split:
            self.fields[-1].extend((c, c in "*?[") for c in text)
            return
        for c in text:
            if c in " \t\n":
                if self.fields[-1] or self.keep[-1]:
                    self.fields.append([])
                    self.keep.append(False)
            else:
                self.fields[-1].append((c, c in "*?["))

    def words(self) -> list[list[tuple[str, bool]]]:
        return [f for f, keep in zip(self.fields, self.keep, strict=True) if f or keep]


def _no_memory(size: int, limit: str) -> LineAborted:
    return LineAborted(f"xrealloc: cannot allocate {size} bytes (limit {limit})")


@dataclass
class _Run:
    """What one top-level line shares across its commands: the machine and its resource budgets.

    The budgets bound a line's work whatever it says (there are no loops; scripts and $( ) nest at most
    MAX_DEPTH deep): MAX_COMMANDS simple commands, MAX_LINE_OUTPUT characters of output,
    MAX_LINE_EXPANSION characters of expanded words, MAX_GLOB_TESTS file names tried against globs,
    and `patterns`, the matching work of globs, ${var#pat}-style operators and grep/journalctl regexes.
    """

    machine: Any
    budget: int = MAX_LINE_OUTPUT
    commands: int = 0
    depth: int = 0
    expanded: int = 0
    glob_tests: int = 0
    patterns: Budget = field(default_factory=Budget)
    work: Work = field(default_factory=Work)
    effects: dict = field(default_factory=dict)

    def expand(self, size: int) -> None:
        self.expanded += size
        if self.expanded > MAX_LINE_EXPANSION:
            raise _no_memory(self.expanded, f"{MAX_LINE_EXPANSION // 1024} KiB of expanded words per line")


@dataclass
class Streams:
    out: list[str]
    err: list[str]
    tty: bool = False


@dataclass
class ShellContext(Context):
    """A Context that also knows its shell, whether stdout is the terminal, and its output allowance."""

    shell: Shell | None = None
    run: _Run | None = None
    tty: bool = False
    limit: int = MAX_OUTPUT
    truncated: bool = False

    def out(self, text: str) -> None:
        self._emit(self.stdout, text)

    def err(self, text: str) -> None:
        self._emit(self.stderr, text)

    def _emit(self, stream: list[str], text: str) -> None:
        allowance = self.limit if self.run is None else min(self.limit, self.run.budget)
        if len(text) > allowance:
            text = text[: max(allowance, 0)]
            if not self.truncated:
                self.truncated = True
                self.stderr.append(f"{NAME}: output truncated (limit {MAX_OUTPUT // 1024} KiB per command)\n")
        if text:
            stream.append(text)
            self.limit -= len(text)
            if self.run:
                self.run.budget -= len(text)


class _Sink:
    def __init__(self, lines: list[str], path: str | None = None):
        self.lines = lines
        self.path = path


@dataclass
class Shell:
    """One interactive shell's state: plain data that round-trips through to_dict / from_dict."""

    user: str = "learner"
    cwd: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    history_base: int = 0
    status: int = 0
    login: bool = True
    stack: list[dict] = field(default_factory=list)
    positional: list[str] = field(default_factory=list)  # $0 $1 ...: empty means just $0 = bash
    exited: bool = field(default=False, compare=False)

    @classmethod
    def for_user(cls, machine, user: str = "learner") -> Shell:
        """A fresh login shell, as after `ssh user@machine`."""
        home = machine.users[user]["home"]
        return cls(user=user, cwd=home, env=login_env(machine, user), vars=shell_vars(machine, user))

    def to_dict(self) -> dict:
        return {
            "user": self.user,
            "cwd": self.cwd,
            "env": dict(self.env),
            "vars": dict(self.vars),
            "history": list(self.history),
            "history_base": self.history_base,
            "status": self.status,
            "login": self.login,
            "stack": [
                {**frame, "env": dict(frame["env"]), "vars": dict(frame["vars"])} for frame in self.stack
            ],
            "positional": list(self.positional),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Shell:
        return cls(**data)

    def uid(self, machine) -> int:
        return machine.users.get(self.user, {"uid": 65534})["uid"]

    def prompt(self, machine) -> str:
        """Ubuntu's default PS1: user@host:dir$ (with # for root), the home directory shown as ~."""
        home = self.env.get("HOME", "")
        where = self.cwd
        if home and home != "/" and (where == home or where.startswith(home + "/")):
            where = "~" + where[len(home) :]
        return f"{self.user}@{machine.hostname}:{where}{'#' if self.uid(machine) == 0 else '$'} "

    def run(self, machine, line: str) -> Result:
        """Interpret one line typed at the prompt."""
        self.exited = False
        load_commands()
        if len(line) > MAX_LINE:
            return self._line_too_long()
        out: list[str] = []
        err: list[str] = []
        try:
            line = self._expand_history(line, out)
        except ShellSyntaxError as error:
            self.status = 1
            return Result(stderr=f"{NAME}: {error}\n", status=1)
        if len(line) > MAX_LINE:
            # bash would run an expanded line of any length; we hold it to the typed line's limit
            return self._line_too_long()
        if not line.strip():
            return Result(stdout="".join(out), status=self.status)
        self._remember(line)
        run = _Run(machine)
        run.budget -= sum(len(text) for text in out)  # the echoed expansion is output of this line
        try:
            self.status = self._execute(run, line, Streams(out, err, tty=True))
        except ShellExit as leaving:
            self.status = self._leave(leaving.status, err)
        except (LineAborted, PatternTooCostly) as error:
            err.append(f"{NAME}: {error}\n")
            self.status = 1
        except Interrupted as error:
            err.append(f"^C\n{NAME}: {error}\n")
            self.status = 130
        except Exception as error:  # a bug in a command must never take the terminal down
            err.append(f"{NAME}: internal error ({type(error).__name__})\n")
            self.status = 1
        return Result("".join(out), "".join(err), self.status, run.effects)

    def _line_too_long(self) -> Result:
        self.status = 2
        return Result(stderr=f"{NAME}: line too long (max {MAX_LINE} characters)\n", status=2)

    def _remember(self, line: str) -> None:
        self.history.append(line)
        if len(self.history) > HISTORY_SIZE:
            self.history_base += len(self.history) - HISTORY_SIZE
            del self.history[:-HISTORY_SIZE]

    def _expand_history(self, line: str, out: list[str]) -> str:
        """bash's history expansion for !!, !n, !-n, !$ and !prefix; the expanded line is echoed."""
        result = []
        i = 0
        quote = ""
        changed = False
        while i < len(line):
            c = line[i]
            if c == "\\" and quote != "'":
                result.append(line[i : i + 2])
                i += 2
                continue
            if c == "'" and quote != '"':
                quote = "" if quote == "'" else "'"
            elif c == '"' and quote != "'":
                quote = "" if quote == '"' else '"'
            after_dollar = line[i - 1 : i] == "$" or line[max(i - 2, 0) : i] == "${"
            if c != "!" or quote == "'" or after_dollar:
                result.append(c)
                i += 1
                continue
            match = HISTORY_EVENT.match(line, i)
            if not match:
                result.append(c)
                i += 1
                continue
            result.append(self._history_event(match.group(0), match.group(1)))
            changed = True
            i = match.end()
        expanded = "".join(result)
        if changed:
            out.append(expanded + "\n")
        return expanded

    def _history_event(self, text: str, spec: str) -> str:
        history = self.history
        found = None
        if spec == "!" and history:
            found = history[-1]
        elif spec == "$" and history:
            words = [t.text for t in tokenize(history[-1]) if t.kind == "word"]
            found = words[-1] if words else ""
        elif re.fullmatch(r"-?\d+", spec):
            number = int(spec)
            index = number - self.history_base - 1 if number > 0 else len(history) + number
            if 0 <= index < len(history) and number != 0:
                found = history[index]
        else:
            found = next((h for h in reversed(history) if h.startswith(spec)), None)
        if found is None:
            raise ShellSyntaxError(f"{text}: event not found")
        return found

    def _leave(self, status: int, err: list[str]) -> int:
        """`exit` at the prompt: back to the outer shell, or a note that the lab terminal stays open."""
        if self.stack:
            err.append("logout\n" if self.login else "exit\n")
            outer = self.stack.pop()
            self.user, self.cwd, self.env, self.vars, self.login = (
                outer["user"],
                outer["cwd"],
                outer["env"],
                outer["vars"],
                outer["login"],
            )
            return status
        self.exited = True
        err.append("logout\n(This lab terminal stays open: there is no session to leave.)\n")
        return status

    def enter(self, machine, user: str, login: bool, env: dict[str, str] | None = None) -> None:
        """Start a nested interactive shell (sudo -i, sudo -s, su, bash); `exit` comes back here."""
        self.stack.append(
            {"user": self.user, "cwd": self.cwd, "env": self.env, "vars": self.vars, "login": self.login}
        )
        self.user = user
        self.login = login
        self.vars = shell_vars(machine, user)
        if login:
            self.env = login_env(machine, user)
            self.cwd = self.env["HOME"]
            self.env["PWD"] = self.cwd
        else:
            self.env = dict(env if env is not None else self.env)

    def _fork(self) -> Shell:
        """A subshell: same state, but nothing it changes comes back (pipelines, ( ), $( ))."""
        return Shell(
            user=self.user,
            cwd=self.cwd,
            env=dict(self.env),
            vars=dict(self.vars),
            history=self.history,
            history_base=self.history_base,
            status=self.status,
            login=False,
            positional=list(self.positional),
        )

    def _execute(self, run: _Run, line: str, streams: Streams) -> int:
        try:
            items = Parser(tokenize(line)).parse_list()
        except ShellSyntaxError as error:
            streams.err.append(f"{NAME}: {error}\n")
            return 2
        except RecursionError:
            streams.err.append(f"{NAME}: {TOO_DEEP}\n")
            return 2
        return self._run_list(run, items, streams)

    def _run_list(self, run: _Run, items: list[tuple[str, Pipeline]], streams: Streams) -> int:
        status = self.status
        for connector, pipeline in items:
            if (connector == "&&" and status != 0) or (connector == "||" and status == 0):
                continue
            status = self._run_pipeline(run, pipeline, streams)
            self.status = status
        return status

    def _run_pipeline(self, run: _Run, pipeline: Pipeline, streams: Streams) -> int:
        stdin = ""
        status = 0
        last = len(pipeline.commands) - 1
        for index, command in enumerate(pipeline.commands):
            out = streams.out if index == last else []
            part = Streams(out, streams.err, streams.tty and index == last)
            if last == 0:
                status = self._run_command(run, command, stdin, part)
            else:
                try:
                    status = self._fork()._run_command(run, command, stdin, part)
                except ShellExit as leaving:
                    status = leaving.status
            stdin = "".join(out) if index < last else ""
        return int(status == 0) if pipeline.negate else status

    def _run_command(self, run: _Run, command: Command, stdin: str, streams: Streams) -> int:
        run.commands += 1
        run.work.tick()
        if run.commands > MAX_COMMANDS:
            raise LineAborted(f"too many commands in one line (max {MAX_COMMANDS})")
        self._substitution_status = None
        try:
            argv = [w for word in command.words for w in self._expand(run, word, streams)]
            assignments = [self._assignment(run, text, streams) for text in command.assignments]
            opened = self._open_redirects(run, command.redirects, stdin, streams)
        except (ExpansionError, ShellSyntaxError, FsError, RecursionError) as error:
            if isinstance(error, FsError):
                message = f"{error.path}: {error.message}"
            else:
                message = TOO_DEEP if isinstance(error, RecursionError) else str(error)
            streams.err.append(f"{NAME}: {message}\n")
            return 1
        stdin, out, err, sinks = opened
        ctx_streams = Streams(out.lines, err.lines, streams.tty and out.lines is streams.out)
        if command.body is not None:
            status = self._subshell(run, command.body, ctx_streams)
        elif not argv:
            status = self._assign_all(assignments, ctx_streams)
        else:
            env = dict(self.env)
            env.update(assignments)
            status = self._dispatch(run, self._context(run, env, stdin, ctx_streams), argv)
        self._flush(run, sinks, streams)
        return status

    def _subshell(self, run: _Run, body: list, streams: Streams) -> int:
        try:
            return self._fork()._run_list(run, body, streams)
        except ShellExit as leaving:
            return leaving.status

    def _assign_all(self, assignments: list[tuple[str, str]], streams: Streams) -> int:
        for name, value in assignments:
            if name in READONLY:
                streams.err.append(f"{NAME}: {name}: readonly variable\n")
                return 1
            self.assign(name, value)
        return self._substitution_status or 0

    def _context(self, run: _Run, env: dict[str, str], stdin: str, streams: Streams) -> ShellContext:
        machine = run.machine
        return ShellContext(
            machine,
            self.user,
            self.uid(machine),
            self.cwd,
            env,
            stdin,
            streams.out,
            streams.err,
            work=run.work,
            effects=run.effects,
            shell=self,
            run=run,
            tty=streams.tty,
        )

    def _dispatch(self, run: _Run, ctx: ShellContext, argv: list[str]) -> int:
        builtin = BUILTINS.get(argv[0])
        if builtin is not None:
            return builtin(self, ctx, argv)
        return self.execute(ctx, argv, NAME)

    def execute(self, ctx: Context, argv: list[str], caller: str = NAME) -> int:
        """Run a program (not a shell builtin) as `ctx` says; `caller` prefixes "command not found"."""
        found = self._lookup(ctx, argv[0])
        if isinstance(found, tuple):
            message, status = found
            if status == 127 and caller == NAME and "/" not in argv[0] and self._interactive(ctx):
                return _command_not_found(ctx, argv[0])
            ctx.err(f"{caller}: {message}\n")
            return status if caller == NAME else 1
        if isinstance(found, str):
            return self._run_script(ctx, found, argv)
        try:
            status = found(ctx, argv)
        except Interrupted:
            raise
        except Exception as error:  # a handler bug becomes one line, never a crash
            ctx.err(f"{argv[0]}: internal error ({type(error).__name__})\n")
            return 1
        return status & 255 if isinstance(status, int) else 0

    def _interactive(self, ctx: Context) -> bool:
        """Is this the login shell, which read /etc/bash.bashrc and so has command_not_found_handle?"""
        run = getattr(ctx, "run", None)
        return run is not None and run.depth == 0 and ctx.machine.fs.is_file("/usr/lib/command-not-found")

    def _lookup(self, ctx: Context, name: str):
        """A handler, a script path, or (message, status) when bash cannot run `name`."""
        fs = ctx.machine.fs
        if "/" not in name:
            if (name in BASH_BUILTINS or name in SHELL_ONLY) and name in COMMANDS:
                return COMMANDS[name]
            # bash's search_for_command: the first executable file on $PATH; failing that, the first
            # file found at all, which then fails to execute ("Permission denied").
            not_executable = None
            for directory in ctx.env.get("PATH", USER_PATH).split(":"):
                path = posixpath.join(directory or ".", name)
                if fs.is_file(path, ctx.cwd, ctx.uid):
                    if fs.access(path, "x", ctx.cwd, ctx.uid):
                        return self._lookup(ctx, path)
                    not_executable = not_executable or path
            if not_executable:
                return self._lookup(ctx, not_executable)
            return (f"{name}: command not found", 127)
        try:
            node = fs.stat(name, ctx.cwd, ctx.uid)
        except FsError as error:
            return (f"{name}: {error.message}", 126 if error.errno in ("EACCES", "ENOTDIR") else 127)
        if node.kind == "dir":
            return (f"{name}: Is a directory", 126)
        if not fs.access(name, "x", ctx.cwd, ctx.uid):
            return (f"{name}: Permission denied", 126)
        base = posixpath.basename(name)
        if base in COMMANDS:
            return COMMANDS[base]
        if node.kind == "file" and (node.content.startswith("#!") and "sh" in node.content.split("\n", 1)[0]):
            return name
        if node.kind == "file" and node.content and not node.content.startswith("#!"):
            return name
        return (f"{name}: cannot execute binary file: Exec format error", 126)

    def _run_script(self, ctx: Context, path: str, argv: list[str]) -> int:
        try:
            text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
        except FsError as error:
            ctx.err(f"{NAME}: {path}: {error.message}\n")
            return 126
        child = self._fork()
        child.positional = [path, *argv[1:]]
        return child.run_nested(ctx, text)

    def run_nested(self, ctx: Context, text: str) -> int:
        """Run `text` (bash -c, a script, sudo -s CMD) in this shell, writing into ctx's streams."""
        run = getattr(ctx, "run", None) or _Run(ctx.machine)
        if run.depth >= MAX_DEPTH:
            ctx.err(f"{NAME}: maximum nesting level exceeded ({MAX_DEPTH})\n")
            return 1
        run.depth += 1
        try:
            return self._execute(run, text, Streams(ctx.stdout, ctx.stderr))
        except ShellExit as leaving:
            return leaving.status
        except (LineAborted, PatternTooCostly) as error:
            ctx.err(f"{NAME}: {error}\n")
            return 1
        finally:
            run.depth -= 1

    def _open_redirects(self, run: _Run, redirects: list[Redirect], stdin: str, streams: Streams):
        """Open files the way bash does before the command runs: as the shell's user, truncating at once."""
        fs = run.machine.fs
        uid = self.uid(run.machine)
        fds: dict[int, _Sink] = {1: _Sink(streams.out), 2: _Sink(streams.err)}
        sinks: list[_Sink] = []
        for redirect in redirects:
            op = redirect.op
            fd = redirect.fd if redirect.fd is not None else (0 if op.startswith("<") else 1)
            if op == "<<":
                wanted = f"(wanted `{redirect.target}')"
                streams.err.append(
                    f"{NAME}: warning: here-document at line 1 delimited by end-of-file {wanted}\n"
                )
                stdin = ""
                continue
            if op == "<<<":
                stdin = self._single(run, redirect.target, streams, split=False) + "\n"
                continue
            if op in (">&", "<&") and (redirect.target.isdigit() or redirect.target == "-"):
                if redirect.target == "-":
                    fds[fd] = _Sink([])
                elif int(redirect.target) in fds:
                    fds[fd] = fds[int(redirect.target)]
                elif int(redirect.target) != 0:
                    raise ExpansionError(f"{redirect.target}: Bad file descriptor")
                continue
            path = self._single(run, redirect.target, streams)
            if op in ("<", "<>", "<&"):
                content = fs.read(path, self.cwd, uid)
                if fd == 0:
                    stdin = content
                continue
            fs.write(path, "", self.cwd, uid, append=op in (">>", "&>>"))
            sink = _Sink([], path)
            sinks.append(sink)
            if op in ("&>", "&>>") or (op == ">&" and redirect.fd is None):
                fds[1] = fds[2] = sink
            else:
                fds[fd] = sink
        return stdin, fds[1], fds[2], sinks

    def _flush(self, run: _Run, sinks: list[_Sink], streams: Streams) -> None:
        for sink in sinks:
            if sink.lines:
                try:
                    run.machine.fs.write(
                        sink.path, "".join(sink.lines), self.cwd, self.uid(run.machine), True
                    )
                except FsError as error:
                    streams.err.append(f"{NAME}: {sink.path}: {error.message}\n")

    def _single(self, run: _Run, word: str, streams: Streams, split: bool = True) -> str:
        words = self._expand(run, word, streams, split=split)
        if len(words) != 1:
            raise ExpansionError(f"{word}: ambiguous redirect")
        return words[0]

    def _assignment(self, run: _Run, text: str, streams: Streams) -> tuple[str, str]:
        name, value = text.split("=", 1)
        return name, "".join(self._expand(run, value, streams, split=False, glob=False) or [""])

    def _tilde(self, run: _Run, word: str) -> str:
        match = re.match(r"~([A-Za-z0-9_.+-]*)(?=/|$)", word)
        if not match:
            return word
        name = match.group(1)
        users = run.machine.users
        if name == "":
            home = self.env.get("HOME", users.get(self.user, {}).get("home", "/"))
        elif name in ("+", "-"):
            home = self.cwd if name == "+" else self.env.get("OLDPWD")
        else:
            home = users.get(name, {}).get("home")
        if home is None:
            return word
        return "'" + home.replace("'", "'\\''") + "'" + word[match.end() :]

    def _expand(
        self, run: _Run, word: str, streams: Streams, split: bool = True, glob: bool = True
    ) -> list[str]:
        """Expand one word into zero or more fields, as bash does for command arguments."""
        if word.startswith("~"):
            word = self._tilde(run, word)
        fields = _Fields(run)
        i = 0
        while i < len(word):
            c = word[i]
            if c == "\\":
                if i + 1 < len(word):
                    fields.quoted(word[i + 1])
                else:
                    fields.literal("\\")
                i += 2
            elif c == "'":
                end = _skip_quote(word, i + 1)
                fields.quoted(word[i + 1 : end - 1])
                i = end
            elif c == '"':
                i = self._expand_double(run, word, i + 1, fields, streams)
            elif c == "`":
                end = _skip_escaped(word, i + 1, "`")
                inner = re.sub(r"\\([$`\\])", r"\1", word[i + 1 : end - 1])
                fields.expansion(self._substitute(run, inner, streams), split)
                i = end
            elif c == "$" and word.startswith("'", i + 1):
                end = _skip_escaped(word, i + 2, "'")
                fields.quoted(ansi_c(word[i + 2 : end - 1]))
                i = end
            elif c == "$":
                value, i = self._dollar(run, word, i, streams)
                if value is None:
                    fields.literal("$")
                else:
                    fields.expansion(value, split)
            else:
                fields.literal(c)
                i += 1
        results = []
        for chars in fields.words():
            text = "".join(c for c, _ in chars)
            matches = self._glob(run, chars) if glob and any(active for _, active in chars) else None
            results.extend(matches or [text])
        return results

    def _expand_double(self, run: _Run, word: str, i: int, fields: _Fields, streams: Streams) -> int:
        fields.quoted("")
        while i < len(word):
            c = word[i]
            if c == '"':
                return i + 1
            if c == "\\" and word[i + 1 : i + 2] in ("$", "`", '"', "\\", "\n"):
                fields.quoted(word[i + 1])
                i += 2
            elif c == "`":
                end = _skip_escaped(word, i + 1, "`")
                fields.quoted(self._substitute(run, word[i + 1 : end - 1], streams))
                i = end
            elif c == "$":
                value, i = self._dollar(run, word, i, streams)
                fields.quoted("$" if value is None else value)
            else:
                fields.quoted(c)
                i += 1
        return i

    def _dollar(self, run: _Run, word: str, i: int, streams: Streams) -> tuple[str | None, int]:
        """Expand the $-expression at word[i]; None when the $ is just a dollar sign."""
        following = word[i + 1 : i + 2]
        if following == "(":
            end = _skip_paren(word, i + 2)
            inner = word[i + 2 : end - 1]
            if inner.startswith("(") and inner.endswith(")"):
                return self._arithmetic(run, inner[1:-1], streams), end
            return self._substitute(run, inner, streams), end
        if following == "{":
            end = _skip_brace(word, i + 2)
            return self._parameter(run, word[i + 2 : end - 1], streams), end
        if following and following in "?$#!@*-0123456789":
            return self._special(following), i + 2
        match = IDENTIFIER.match(word, i + 1)
        if match:
            return self.lookup(match.group(0)), match.end()
        return None, i + 1

    def _special(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(PID)
        argv = self.positional or [NAME]
        if name == "#":
            return str(len(argv) - 1)
        if name in "@*":
            return " ".join(argv[1:])
        if name.isdigit():
            return argv[int(name)] if int(name) < len(argv) else ""
        return "" if name == "!" else "himBHs"

    def lookup(self, name: str) -> str:
        """The value of a variable as $name shows it (unset reads as empty)."""
        if name in self.vars:
            return self.vars[name]
        return self.env.get(name, "")

    def _parameter(self, run: _Run, inner: str, streams: Streams) -> str:
        """${...}: plain, length, defaults and the #, %, / pattern operators."""
        match = re.fullmatch(r"(#?)([A-Za-z_][A-Za-z0-9_]*|[?$#@*0-9])(.*)", inner, re.S)
        if not match:
            raise ExpansionError(f"${{{inner}}}: bad substitution")
        length, name, rest = match.groups()
        value = self._special(name) if not IDENTIFIER.fullmatch(name) else self.lookup(name)
        is_set = not IDENTIFIER.fullmatch(name) or name in self.vars or name in self.env
        if length:
            if rest:
                raise ExpansionError(f"${{{inner}}}: bad substitution")
            return str(len(value))
        if not rest:
            return value
        op = re.match(r":?[-=+?]|##?|%%?|//?", rest)
        if not op:
            raise ExpansionError(f"${{{inner}}}: bad substitution")
        operator, operand = op.group(0), rest[op.end() :]
        word = "".join(self._expand(run, operand, streams, split=False, glob=False)) if operand else ""
        if operator in (":-", "-", ":=", "=", ":+", "+", ":?", "?"):
            empty = not value if operator.startswith(":") else not is_set
            if operator.endswith("+"):
                return "" if empty else word
            if not empty:
                return value
            if operator.endswith("?"):
                raise ExpansionError(f"{name}: {word or 'parameter null or not set'}")
            if operator.endswith("="):
                self.assign(name, word)
            return word
        if operator.startswith("/"):
            pattern, _, replacement = word.partition("/")
            if not pattern:
                return value
            glob = Glob([(c, True) for c in pattern], run.patterns)
            try:
                return glob.replace(value, replacement, operator == "//", MAX_VALUE)
            except ValueError as error:
                raise _no_memory(error.args[0], PER_VALUE) from None
        glob = Glob([(c, True) for c in word], run.patterns)
        longest = len(operator) == 2
        if operator.startswith("#"):
            cut = glob.prefix(value, longest)
            return value if cut is None else value[cut:]
        cut = glob.suffix(value, longest)
        return value if cut is None else value[: len(value) - cut]

    def variables_size(self, extra: int = 0) -> int:
        """Characters held in variables by this shell and the outer shells it will return to."""
        frames = [(self.env, self.vars)] + [(f["env"], f["vars"]) for f in self.stack]
        return extra + sum(len(k) + len(v) for pair in frames for d in pair for k, v in d.items())

    def assign(self, name: str, value: str, exported: bool | None = None) -> None:
        """Set a variable (in the environment if it is exported there), within the memory limits."""
        if len(value) > MAX_VALUE:
            raise _no_memory(len(value), PER_VALUE)
        target = self.env if (name in self.env if exported is None else exported) else self.vars
        old = target.get(name)
        growth = len(value) - (len(old) if old is not None else -len(name))
        if growth > 0 and self.variables_size(growth) > MAX_VARIABLES:
            raise _no_memory(self.variables_size(growth), f"{MAX_VARIABLES // 1024} KiB for all variables")
        if exported:
            self.vars.pop(name, None)
        target[name] = value

    def _arithmetic(self, run: _Run, expression: str, streams: Streams) -> str:
        text = "".join(self._expand(run, expression, streams, split=False, glob=False))
        try:
            return str(Arithmetic(text, self.lookup).evaluate())
        except (ValueError, ZeroDivisionError) as error:
            raise ExpansionError(f"{text.strip()}: {error}") from None

    def _substitute(self, run: _Run, text: str, streams: Streams) -> str:
        if run.depth >= MAX_DEPTH:
            raise ExpansionError(f"maximum nesting level exceeded ({MAX_DEPTH})")
        out: list[str] = []
        run.depth += 1
        try:
            status = self._fork()._execute(run, text, Streams(out, streams.err))
        except ShellExit as leaving:
            status = leaving.status
        finally:
            run.depth -= 1
        self._substitution_status = status
        return "".join(out).rstrip("\n")

    def _glob(self, run: _Run, chars: list[tuple[str, bool]]) -> list[str]:
        """Pathname expansion against the virtual filesystem; an empty list when nothing matches."""
        fs = run.machine.fs
        uid = self.uid(run.machine)
        components: list[list[tuple[str, bool]]] = [[]]
        for c, active in chars:
            if c == "/":
                components.append([])
            else:
                components[-1].append((c, active))
        absolute = chars[0][0] == "/"
        trailing_slash = chars[-1][0] == "/"
        candidates = ["/" if absolute else ""]
        for component in (c for c in components if c):
            name = "".join(c for c, _ in component)
            if not any(active for _, active in component):
                candidates = [_join(prefix, name) for prefix in candidates]
                continue
            glob = Glob(component, run.patterns)
            explicit_dot = name.startswith(".")
            matched = []
            for prefix in candidates:
                try:
                    names = fs.listdir(prefix or ".", self.cwd, uid)
                except FsError:
                    continue
                run.glob_tests += len(names)
                if run.glob_tests > MAX_GLOB_TESTS:
                    raise LineAborted(f"too many file names matched against patterns (max {MAX_GLOB_TESTS})")
                matched.extend(
                    _join(prefix, entry)
                    for entry in names
                    if (explicit_dot or not entry.startswith(".")) and glob.fullmatch(entry)
                )
            candidates = matched
        results = []
        for path in candidates:
            try:
                node = fs.lstat(path, self.cwd, uid)
            except FsError:
                continue
            if trailing_slash:
                if not fs.is_dir(path, self.cwd, uid):
                    continue
                path += "/"
            if node is not None:
                results.append(path)
        return sorted(results)


def _join(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + name if prefix.endswith("/") else f"{prefix}/{name}"


ANSI_C_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "e": "\x1b",
    "E": "\x1b",
    "\\": "\\",
    "'": "'",
    '"': '"',
}


def ansi_c(text: str) -> str:
    """Backslash escapes of $'...' and echo -e: \\n \\t \\\\ \\e \\xHH \\0NNN and friends."""

    def replace(match: re.Match) -> str:
        body = match.group(1)
        if body in ANSI_C_ESCAPES:
            return ANSI_C_ESCAPES[body]
        if body[0] == "x" and len(body) > 1:
            return chr(int(body[1:], 16))
        if body[0] in "01234567":
            return chr(int(body, 8) & 0xFF)
        return "\\" + body

    return re.sub(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", replace, text, flags=re.S)


class Arithmetic:
    """$(( )) over 64-bit integers: + - * / % ** ( ) and unary minus, with variables by name."""

    def __init__(self, text: str, lookup):
        self.tokens = re.findall(r"\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|[-+*/%()]|\S)", text)
        self.pos = 0
        self.lookup = lookup

    def evaluate(self) -> int:
        if not self.tokens:
            return 0
        value = self.sum()
        if self.pos != len(self.tokens):
            raise ValueError(f'syntax error in expression (error token is "{self.tokens[self.pos]}")')
        return value

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise ValueError("syntax error: operand expected")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def sum(self) -> int:
        value = self.product()
        while self.peek() in ("+", "-"):
            value = _wrap(value + self.product() if self.take() == "+" else value - self.product())
        return value

    def product(self) -> int:
        value = self.power()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            right = self.power()
            if op != "*" and right == 0:
                raise ZeroDivisionError("division by 0")
            quotient = abs(value) // abs(right) * (1 if (value < 0) == (right < 0) else -1)
            value = _wrap(value * right if op == "*" else quotient if op == "/" else value - quotient * right)
        return value

    def power(self) -> int:
        base = self.unary()
        if self.peek() == "**":
            self.take()
            exponent = self.power()
            if exponent < 0:
                raise ValueError("exponent less than 0")
            return _wrap(pow(base, exponent, 1 << 64))
        return base

    def unary(self) -> int:
        token = self.take()
        if token in ("-", "+"):
            value = self.unary()
            return _wrap(-value) if token == "-" else value
        if token == "(":
            value = self.sum()
            if self.take() != ")":
                raise ValueError("syntax error: missing `)'")
            return value
        if token.isdigit():
            return _wrap(int(token))
        if IDENTIFIER.fullmatch(token):
            value = self.lookup(token).strip()
            return _wrap(int(value)) if re.fullmatch(r"-?\d+", value) else 0
        raise ValueError(f'syntax error: operand expected (error token is "{token}")')


def _wrap(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def shell_vars(machine, user: str) -> dict[str, str]:
    """Variables bash sets for itself at start-up without exporting them."""
    uid = str(machine.users[user]["uid"])
    return {"HOSTNAME": machine.hostname, "UID": uid, "EUID": uid}


def login_env(machine, user: str) -> dict[str, str]:
    """The environment of a login shell on Ubuntu: what `env` shows right after ssh."""
    info = machine.users[user]
    return {
        "HOME": info["home"],
        "LANG": "C.UTF-8",
        "LOGNAME": user,
        "PATH": ROOT_PATH if info["uid"] == 0 else USER_PATH,
        "PWD": info["home"],
        "SHELL": info["shell"],
        "TERM": "xterm-256color",
        "USER": user,
    }


_loaded = False


def load_commands() -> None:
    """Import every command module once, so the registry is complete before the first line runs."""
    global _loaded
    if not _loaded:
        load_all()
        _loaded = True


def _cd(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if len(args) > 1:
        ctx.err(f"{NAME}: cd: too many arguments\n")
        return 1
    if not args:
        target = shell.env.get("HOME")
        if target is None:
            ctx.err(f"{NAME}: cd: HOME not set\n")
            return 1
    elif args[0] == "-":
        target = shell.env.get("OLDPWD")
        if target is None:
            ctx.err(f"{NAME}: cd: OLDPWD not set\n")
            return 1
    else:
        target = args[0]
    if target == "":
        return 0
    fs = ctx.machine.fs
    logical = posixpath.normpath(posixpath.join(shell.cwd, target))
    logical = "/" + logical.lstrip("/")
    try:
        node = fs.stat(logical, uid=ctx.uid)
    except FsError as error:
        ctx.err(f"{NAME}: cd: {target}: {error.message}\n")
        return 1
    if node.kind != "dir":
        ctx.err(f"{NAME}: cd: {target}: Not a directory\n")
        return 1
    if not fs.access(logical, "x", uid=ctx.uid):
        ctx.err(f"{NAME}: cd: {target}: Permission denied\n")
        return 1
    shell.env["OLDPWD"] = shell.cwd
    shell.cwd = logical
    shell.env["PWD"] = logical
    if args == ["-"]:
        ctx.out(logical + "\n")
    return 0


def _valid_names(ctx: ShellContext, builtin: str, args: list[str]):
    for arg in args:
        name = arg.split("=", 1)[0]
        if IDENTIFIER.fullmatch(name):
            yield arg
        else:
            ctx.err(f"{NAME}: {builtin}: `{arg}': not a valid identifier\n")


def _export(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for name in sorted(shell.env):
            value = shell.env[name].replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
            ctx.out(f'declare -x {name}="{value}"\n')
        return 0
    valid = list(_valid_names(ctx, "export", args))
    for arg in valid:
        name, has_value, value = arg.partition("=")
        if has_value:
            shell.assign(name, value, exported=True)
        elif name in shell.vars:
            shell.env[name] = shell.vars.pop(name)
    return 0 if len(valid) == len(args) else 1


def _unset(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("-v", "-f")]
    valid = list(_valid_names(ctx, "unset", [a for a in args if "=" not in a]))
    for name in args:
        if "=" in name:
            ctx.err(f"{NAME}: unset: `{name}': not a valid identifier\n")
    for name in valid:
        if name in READONLY:
            ctx.err(f"{NAME}: unset: {name}: cannot unset: readonly variable\n")
            continue
        shell.env.pop(name, None)
        shell.vars.pop(name, None)
    return 0 if len(valid) == len(args) else 1


def _exit(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    if len(argv) > 2:
        ctx.err(f"{NAME}: {argv[0]}: too many arguments\n")
        return 1
    if len(argv) == 2:
        if not re.fullmatch(r"[-+]?\d+", argv[1]):
            ctx.err(f"{NAME}: {argv[0]}: {argv[1]}: numeric argument required\n")
            raise ShellExit(2)
        raise ShellExit(int(argv[1]) & 255)
    raise ShellExit(shell.status)


def _history(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["-c"]:
        shell.history_base += len(shell.history)
        shell.history.clear()
        return 0
    if args and args[0].startswith("-") and args[0] != "--":
        ctx.err(f"{NAME}: history: {args[0][:2]}: invalid option\n")
        ctx.err(f"history: usage: {HISTORY_USAGE}\n")
        return 2
    entries = list(enumerate(shell.history, shell.history_base + 1))
    if args:
        if not args[-1].isdigit():
            ctx.err(f"{NAME}: history: {args[-1]}: numeric argument required\n")
            return 1
        entries = entries[-int(args[-1]) :] if int(args[-1]) else []
    ctx.out("".join(f"{number:5d}  {line}\n" for number, line in entries))
    return 0


def _type(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    terse = "-t" in argv[1:]
    status = 0
    for name in (a for a in argv[1:] if not a.startswith("-")):
        if name in BUILTINS or name in BASH_BUILTINS:
            ctx.out("builtin\n" if terse else f"{name} is a shell builtin\n")
            continue
        path = which(ctx, name)
        if path:
            ctx.out("file\n" if terse else f"{name} is {path}\n")
        else:
            if not terse:
                ctx.err(f"{NAME}: type: {name}: not found\n")
            status = 1
    return status


def which(ctx: Context, name: str) -> str | None:
    """The first executable called `name` on $PATH in the virtual filesystem, as `which` prints it."""
    fs = ctx.machine.fs
    if "/" in name:
        return name if fs.is_file(name, ctx.cwd, ctx.uid) and fs.access(name, "x", ctx.cwd, ctx.uid) else None
    for directory in ctx.env.get("PATH", USER_PATH).split(":"):
        path = posixpath.join(directory, name)
        if fs.is_file(path, ctx.cwd, ctx.uid) and fs.access(path, "x", ctx.cwd, ctx.uid):
            return path
    return None


def _help(shell: Shell, ctx: ShellContext, argv: list[str]) -> int:
    names = sorted(set(BUILTINS) | set(COMMANDS))
    width = max(map(len, names)) + 2
    per_line = max(1, 78 // width)
    rows = [names[i : i + per_line] for i in range(0, len(names), per_line)]
    ctx.out("GuestLab simulates these commands (type 'man NAME' for a short manual page):\n\n")
    ctx.out("".join("  " + "".join(n.ljust(width) for n in row).rstrip() + "\n" for row in rows))
    return 0


BUILTINS = {
    "cd": _cd,
    "export": _export,
    "unset": _unset,
    "exit": _exit,
    "logout": _exit,
    "history": _history,
    "type": _type,
    "help": _help,
}

BUILTIN_MAN = {
    "cd": """NAME
       cd - change the shell's working directory (bash builtin)

SYNOPSIS
       cd [DIR]

DESCRIPTION
       Change the current directory to DIR; without DIR, to $HOME. `cd -` goes back to $OLDPWD and prints it.
       cd is part of the shell, so `sudo cd /root` cannot work: use `sudo -i` for a root shell.
""",
    "export": """NAME
       export - give variables to the commands the shell starts (bash builtin)

SYNOPSIS
       export [NAME[=VALUE] ...]

DESCRIPTION
       Mark each NAME for export to the environment of later commands. Without arguments, list the
       exported variables as `declare -x NAME="VALUE"`.
""",
    "unset": """NAME
       unset - remove shell variables (bash builtin)

SYNOPSIS
       unset NAME ...
""",
    "exit": """NAME
       exit - leave the current shell (bash builtin)

SYNOPSIS
       exit [N]

DESCRIPTION
       Leave a shell started with `sudo -i`, `sudo -s`, `su` or `bash`, with status N (default: the
       status of the last command). The lab terminal itself stays open.
""",
    "history": """NAME
       history - show the command history (bash builtin)

SYNOPSIS
       history [-c] [N]

DESCRIPTION
       List the lines typed so far, numbered; with N, only the last N. -c clears the list.
       `!!` repeats the last line (as in `sudo !!`), `!N` line N, `!prefix` the last line starting so.
""",
    "type": """NAME
       type - tell how the shell would run a command (bash builtin)

SYNOPSIS
       type [-t] NAME ...
""",
    "help": """NAME
       help - list the commands this simulated machine understands

SYNOPSIS
       help
""",
}
for _name, _page in BUILTIN_MAN.items():
    MAN_PAGES.setdefault(_name, _page.strip("\n") + "\n")


def _command_not_found(ctx: Context, name: str) -> int:
    """Ubuntu's command_not_found_handle (command-not-found 23.04, CommandNotFound.py): the package to
    install, with sudo for admins, "Please ask your administrator." for others; no "bash:" prefix."""
    package = SUGGESTIONS.get(name)
    if package is None:
        ctx.err(f"{name}: command not found\n")
        return 127
    ctx.err(f"Command '{name}' not found, but can be installed with:\n")
    if ctx.uid == 0:
        ctx.err(f"apt install {package}\n")
    elif 27 in ctx.machine.groups(ctx.uid):
        ctx.err(f"sudo apt install {package}\n")
    else:
        ctx.err(f"apt install {package}\nPlease ask your administrator.\n")
    return 127
