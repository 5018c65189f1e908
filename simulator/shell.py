"""A bash-like interpreter over a simulated machine, modelled on interactive GNU bash 5.2.

One line in, one Result out. The stages live in simulator/bash/ (lexer, parser, word and command
evaluators, builtins); this module holds the state of one interactive shell (variables, functions,
aliases, options, history, the shells it was started from) and runs a typed line through the stages.
Messages are bash's own, with the "bash: " prefix of an interactive non-login shell (bash over ssh, a
login shell, would say "-bash: "; Ubuntu's command-not-found hook would drop the prefix). "command not
found" with status 127 is bash's fallback when no command_not_found_handle exists (bash manual, "Command
Search and Execution"). When a line ends inside a construct (an open quote, `for` without `done`, a
here-document), the shell prompts `> ` for the rest, as interactive bash does. `exit` leaves a shell
entered with sudo -i/-s, su or bash; at the top it sets `exited` (the world may close an ssh session) and
the lab terminal stays open. Nothing raises out of `Shell.run`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from simulator.bash import builtin_docs
from simulator.bash.builtins import BUILTINS, READONLY, which
from simulator.bash.errors import (
    ExpansionError,
    FunctionReturn,
    Incomplete,
    LineAborted,
    LoopControl,
    ShellExit,
    ShellSyntaxError,
)
from simulator.bash.evaluator import CommandEvaluator, DevNull, Input, LineInterrupted, Pipe, Streams
from simulator.bash.lexer import Lexer
from simulator.bash.parser import parse
from simulator.bash.words import MAX_VALUE, NAME, PER_VALUE, PID, WordEvaluator, no_memory
from simulator.commands import COMMANDS, BrokenPipe, Context, Interrupted, Work, gnu_help
from simulator.commands.registry_loader import load_all
from simulator.dialogue import END_OF_INPUT, Answers, NeedsInput, TerminalInput, TerminalInterrupt
from simulator.filesystem import FsError
from simulator.layout import SHELL_ONLY, SUGGESTIONS
from simulator.patterns import Budget, PatternTooCostly
from simulator.result import Result

__all__ = ["BUILTINS", "NAME", "Shell", "load_commands", "login_env", "shell_vars", "which"]

MAX_LINE = 4096
MAX_PENDING = 4 * MAX_LINE  # a command typed over several lines, as a whole
MAX_OUTPUT = 256 * 1024
MAX_LINE_OUTPUT = 4 * 1024 * 1024
MAX_DEPTH = 8  # nested $( ), bash -c and scripts
# Memory: bash grows strings until malloc fails, then dies with "bash: xrealloc: cannot allocate N bytes"
# (lib/malloc/xmalloc.c). We stop at fixed sizes instead and fail the line with that message, naming
# the limit: one expanded word or variable value, all variables of the shell (with the outer shells of
# sudo -i/su/bash), and all words expanded in one line. Nothing is ever silently truncated.
MAX_VARIABLES = 1024 * 1024
MAX_EXPANSION = 192 * 1024  # characters of words one command expands (its argv, its redirections)
TOO_DEEP = "expression nested too deeply"
HISTORY_SIZE = 1000
CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
INTERRUPT = "\x03"  # Ctrl-C at the end of a line: drops it, and a command left open over several lines
USER_PATH = (
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin"
)
ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
BASH_BUILTINS = {"echo", "pwd", "true", "false"}  # builtins whose handlers live in commands/builtins.py
HISTORY_EVENT = re.compile(r"!(!|-?\d+|\$|[^\s=(\"'!;&|<>]+)")  # !!, !n, !-n, !$, !prefix
JOINS_WITH_SPACE = ("do", "then", "else", "{", "in", "|", "&&", "||", ";", "(", "\\")
STATE_FIELDS = (
    "user",
    "cwd",
    "env",
    "vars",
    "arrays",
    "functions",
    "aliases",
    "options",
    "readonly",
    "login",
)


@dataclass
class Run:
    """What one top-level line shares across its commands: the machine and its resource budgets.

    The work budget (`work`, commands/__init__.py) bounds everything a line does: commands, loop turns,
    files walked. Beside it: MAX_LINE_OUTPUT characters of output, MAX_EXPANSION characters of expanded
    words per command, MAX_GLOB_TESTS (words.py) file names tried against globs, and `patterns`, the
    matching work of globs, ${var#pat}-style operators and grep/journalctl regexes. $( ) and scripts
    nest MAX_DEPTH deep.
    """

    machine: Any
    budget: int = MAX_LINE_OUTPUT
    depth: int = 0
    expanded: int = 0
    glob_tests: int = 0
    function_depth: int = 0
    loops: int = 0
    aliasing: set = field(default_factory=set)
    patterns: Budget = field(default_factory=Budget)
    work: Work = field(default_factory=Work)
    effects: dict = field(default_factory=dict)
    answers: Answers | None = None  # the terminal's input (dialogue.py); None: no terminal (ssh host CMD)
    screen: list | None = None  # the terminal's output, where /dev/tty writes go whatever stdout is

    def expand(self, size: int) -> None:
        self.expanded += size
        if self.expanded > MAX_EXPANSION:
            raise no_memory(self.expanded, f"{MAX_EXPANSION // 1024} KiB of expanded words per command")


class Terminal:
    """The terminal's two streams, which keep the order in which stdout and stderr were written."""

    def __init__(self):
        self.chunks: list[tuple[int, str]] = []
        self.out = _TerminalStream(self.chunks, 1)
        self.err = _TerminalStream(self.chunks, 2)

    def output(self) -> tuple[tuple[int, str], ...]:
        merged: list[list] = []
        for fd, text in self.chunks:
            if merged and merged[-1][0] == fd:
                merged[-1][1] += text
            elif text:
                merged.append([fd, text])
        return tuple((fd, text) for fd, text in merged)


class _TerminalStream(list):
    def __init__(self, chunks: list, fd: int):
        super().__init__()
        self.chunks = chunks
        self.fd = fd

    def append(self, text: str) -> None:
        super().append(text)
        self.chunks.append((self.fd, text))


@dataclass
class ShellContext(Context):
    """A Context that also knows its shell, whether stdout is the terminal, and its output allowance.
    Its stdin is read from the shell's input only when the command asks for it, so that in
    `while read line; do echo "$line"; done < file` echo leaves the rest of the file to `read`."""

    shell: Shell | None = None
    run: Run | None = None
    tty: bool = False
    limit: int = MAX_OUTPUT
    truncated: bool = False
    input: Input | None = None

    @property
    def stdin(self) -> str:
        """All of standard input; the terminal gives nothing (dialogue.TerminalInput) but stays the input of
        the programs this one runs (sudo, env), which may ask it their questions."""
        if self.input is not None and not isinstance(self.input, TerminalInput):
            self._stdin = self.input.rest()
            self.input = None
        return self._stdin

    @stdin.setter
    def stdin(self, text: str) -> None:
        self._stdin = text

    def out(self, text: str) -> None:
        self._emit(self.stdout, text)

    def err(self, text: str) -> None:
        self._emit(self.stderr, text)

    def _emit(self, stream: list[str], text: str) -> None:
        if isinstance(stream, Pipe | DevNull):  # a pipe is bounded by its capacity (then SIGPIPE)
            stream.append(text)
            return
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


class ArithVariables:
    """The shell's variables as arithmetic reads and writes them."""

    def __init__(self, shell: Shell):
        self.shell = shell

    def get(self, name: str, index: str | None) -> str | None:
        if index is None:
            return self.shell.lookup(name)
        return self.shell.arrays.get(name, {}).get(index, self.shell.lookup(name) if index == "0" else None)

    def set(self, name: str, index: str | None, value: str) -> None:
        error = self.shell.assign_target(name if index is None else f"{name}[{index}]", value)
        if error:
            raise ExpansionError(error)


@dataclass
class Shell(WordEvaluator, CommandEvaluator):
    """One interactive shell's state: plain data that round-trips through to_dict / from_dict."""

    user: str = "learner"
    cwd: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, dict[str, str]] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)  # set -e -u -x -C, -o pipefail
    readonly: list[str] = field(default_factory=list)
    umask: int = 0o002
    history: list[str] = field(default_factory=list)
    history_base: int = 0
    status: int = 0
    login: bool = True
    stack: list[dict] = field(default_factory=list)
    positional: list[str] = field(default_factory=list)  # $0 $1 ...: empty means just $0 = bash
    pending: str = ""  # the start of a command that continues on the next line
    farewell: str | None = None  # in the shell of a session (ssh, a console): what follows its "logout"
    exited: bool = field(default=False, compare=False)
    # While a line runs: not saved
    machine: Any = field(default=None, compare=False, repr=False)
    conditions: int = field(default=0, compare=False, repr=False)
    locals: list = field(default_factory=list, compare=False, repr=False)
    function_names: list = field(default_factory=list, compare=False, repr=False)
    substitution_status: int | None = field(default=None, compare=False, repr=False)
    getopts_at: tuple = field(default=(1, 0), compare=False, repr=False)  # OPTIND, letter within it
    sourcing: int = field(default=0, compare=False, repr=False)  # files being read by . or source

    @classmethod
    def for_user(cls, machine, user: str = "learner") -> Shell:
        """A fresh login shell, as after `ssh user@machine`."""
        home = machine.users[user]["home"]
        return cls(user=user, cwd=home, env=login_env(machine, user), vars=shell_vars(machine, user))

    def to_dict(self) -> dict:
        data = {
            "user": self.user,
            "cwd": self.cwd,
            "env": dict(self.env),
            "vars": dict(self.vars),
            "history": list(self.history),
            "history_base": self.history_base,
            "status": self.status,
            "login": self.login,
            "stack": [_copy_frame(frame) for frame in self.stack],
            "positional": list(self.positional),
        }
        # Newer state only when used, so that saved labs stay as small as before.
        for name in ("arrays", "functions", "aliases", "options", "readonly", "pending"):
            value = getattr(self, name)
            if value:
                data[name] = {k: dict(v) for k, v in value.items()} if name == "arrays" else _copy(value)
        if self.umask != 0o002:
            data["umask"] = self.umask
        if self.farewell is not None:
            data["farewell"] = self.farewell
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Shell:
        return cls(**data)

    def uid(self, machine) -> int:
        return machine.users.get(self.user, {"uid": 65534})["uid"]

    def prompt(self, machine) -> str:
        """Ubuntu's default PS1: user@host:dir$ (with # for root), the home directory shown as ~; PS2 `> `
        while a command continues."""
        if self.pending:
            return "> "
        home = self.env.get("HOME", "")
        where = self.cwd
        if home and home != "/" and (where == home or where.startswith(home + "/")):
            where = "~" + where[len(home) :]
        return f"{self.user}@{machine.hostname}:{where}{'#' if self.uid(machine) == 0 else '$'} "

    def run(self, machine, line: str, answers: Answers | None = None) -> Result:
        """Interpret one line typed at the prompt; `answers` are what its programs read from the terminal
        (dialogue.py), None when there is no terminal. A program that reads past them stops the line with
        effects["asks"], and the world runs the line again once the next answer is typed."""
        self.exited = False
        self.machine = machine
        load_commands()
        if line.endswith(INTERRUPT):  # the terminal echoes ^C after what was typed; nothing runs
            self.pending = ""
            self.status = 130
            return Result(status=130)
        if line == END_OF_INPUT:
            return self._end_of_input(machine, answers)
        if len(line) > MAX_LINE:
            return self._line_too_long()
        terminal = Terminal()
        try:
            line = self._expand_history(line, terminal.out)
        except ShellSyntaxError as error:
            self.status = 1
            self.pending = ""
            return Result(stderr=f"{NAME}: {error}\n", status=1)
        if len(line) > MAX_LINE:
            # bash would run an expanded line of any length; we hold it to the typed line's limit
            return self._line_too_long()
        text = self.pending + line
        if not text.strip():
            self.pending = ""
            return Result(stdout="".join(terminal.out), status=self.status, chunks=terminal.output())
        try:
            tree = parse(text)
        except Incomplete:
            if len(text) > MAX_PENDING:
                self.pending = ""
                return self._line_too_long()
            self.pending = text + "\n"
            return Result(stdout="".join(terminal.out), status=self.status, chunks=terminal.output())
        except ShellSyntaxError as error:
            tree = None
            terminal.err.append(f"{NAME}: {error}\n")
        except RecursionError:
            tree = None
            terminal.err.append(f"{NAME}: {TOO_DEEP}\n")
        self.pending = ""
        self._remember(_history_entry(text))
        run = Run(machine, answers=answers, screen=terminal.out if answers is not None else None)
        run.budget -= sum(len(t) for t in terminal.out)  # the echoed expansion is output of this line
        if tree is None:
            self.status = 2
        else:
            machine.fs.work = run.work
            try:
                self.status = self._run_top(run, tree, terminal)
            finally:
                machine.fs.work = None
        return Result(
            "".join(terminal.out), "".join(terminal.err), self.status, run.effects, terminal.output()
        )

    def _run_top(self, run: Run, tree, terminal: Terminal) -> int:
        err = terminal.err
        stdin = TerminalInput(run.answers) if run.answers is not None else Input()
        try:
            return self.run_sequence(run, tree, Streams(terminal.out, err, True, stdin))
        except NeedsInput as waiting:
            run.effects["asks"] = {"echo": waiting.echo}
            return self.status
        except TerminalInterrupt:  # Ctrl-C at a question the program did not catch: killed by SIGINT
            return 130
        except ShellExit as leaving:
            return self._leave(leaving.status, err)
        except LineInterrupted as stopped:
            return stopped.status
        except (LineAborted, PatternTooCostly) as error:
            err.append(f"{NAME}: {error}\n")
            return 1
        except Interrupted as error:
            err.append(f"^C\n{error}\n")
            return 130
        except RecursionError:
            err.append(f"{NAME}: {TOO_DEEP}\n")
            return 1
        except Exception as error:  # a bug in a command must never take the terminal down
            err.append(f"{NAME}: internal error ({type(error).__name__})\n")
            return 1
        finally:
            self.locals.clear()
            self.function_names.clear()
            self.conditions = 0

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
            found = _last_word(history[-1])
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

    def _end_of_input(self, machine, answers: Answers | None) -> Result:
        """Ctrl-D on an empty line at the prompt. bash 5.2 (parse.y, handle_eof_input_unit) runs `exit` for
        it, with its "logout" (exit.def); under a command left open (the `> ` prompt) the parser meets
        the end of its input instead: an open here-document ends there with a warning (make_cmd.c) and the
        command runs; anything else is a syntax error that drops the command."""
        err: list[str] = []
        if not self.pending:
            status = self._leave(self.status, err)
            return Result(stderr="".join(err), status=status, chunks=((2, "".join(err)),))
        try:
            parse(self.pending)
            message = "syntax error: unexpected end of file"  # UNVERIFIED: never reached in practice
        except ShellSyntaxError as error:
            message = str(error)
        wanted = re.fullmatch(r"here-document delimited by end-of-file \(wanted `(.*)'\)", message, re.S)
        if wanted:
            # UNVERIFIED: bash counts lines over the whole session; this shell's LINENO is always 1
            warning = (
                f"{NAME}: warning: here-document at line 1 delimited by end-of-file (wanted `{wanted[1]}')\n"
            )
            ran = self.run(machine, wanted[1], answers)  # the document ends where the input did
            if self.history and self.history[-1].endswith("\n" + wanted[1]):  # no delimiter was typed
                self.history[-1] = self.history[-1][: -len(wanted[1]) - 1]
            return dataclasses.replace(ran, stderr=warning + ran.stderr, chunks=((2, warning), *ran.chunks))
        self._remember(_history_entry(self.pending.rstrip("\n")))  # its lines were read, so kept
        self.pending, self.status = "", 2
        err.append(f"{NAME}: {message}\n")
        return Result(stderr="".join(err), status=2, chunks=((2, "".join(err)),))

    def _leave(self, status: int, err: list[str]) -> int:
        """`exit` at the prompt: back to the outer shell, or a note that the lab terminal stays open."""
        if self.stack:
            err.append("logout\n" if self.login else "exit\n")
            outer = self.stack.pop()
            for name in STATE_FIELDS:
                setattr(self, name, outer.get(name, type(getattr(self, name))()))
            return status
        self.exited = True
        if self.farewell is not None:
            err.append("logout\n" + self.farewell)
        else:
            err.append("logout\n(This lab terminal stays open: there is no session to leave.)\n")
        return status

    def enter(self, machine, user: str, login: bool, env: dict[str, str] | None = None) -> None:
        """Start a nested interactive shell (sudo -i, sudo -s, su, bash); `exit` comes back here."""
        self.stack.append({name: getattr(self, name) for name in STATE_FIELDS})
        self.user = user
        self.login = login
        self.vars = shell_vars(machine, user)
        self.arrays, self.functions, self.aliases, self.options, self.readonly = {}, {}, {}, [], []
        if login:
            self.env = login_env(machine, user)
            self.cwd = self.env["HOME"]
            self.env["PWD"] = self.cwd
        else:
            self.env = dict(env if env is not None else self.env)

    def fork(self) -> Shell:
        """A subshell: same state, but nothing it changes comes back (pipelines, ( ), $( ))."""
        return Shell(
            user=self.user,
            cwd=self.cwd,
            env=dict(self.env),
            vars=dict(self.vars),
            arrays={k: dict(v) for k, v in self.arrays.items()},
            functions=dict(self.functions),
            aliases=dict(self.aliases),
            options=list(self.options),
            readonly=list(self.readonly),
            umask=self.umask,
            history=self.history,
            history_base=self.history_base,
            status=self.status,
            login=False,
            positional=list(self.positional),
            machine=self.machine,
            conditions=self.conditions,
            locals=[{} for _ in self.locals],  # inside a function still: local and return work there
            function_names=list(self.function_names),
            sourcing=self.sourcing,
        )

    # Variables

    def is_set(self, name: str) -> bool:
        return name in self.vars or name in self.env or name in self.arrays or name in DYNAMIC

    def lookup(self, name: str) -> str:
        """The value of a variable as $name shows it (unset reads as empty)."""
        if name in self.vars:
            return self.vars[name]
        if name in self.env:
            return self.env[name]
        if name in self.arrays:
            return self.arrays[name].get("0", "")
        dynamic = DYNAMIC.get(name)
        return dynamic(self) if dynamic else ""

    def array_values(self, name: str) -> list[str]:
        if name in self.arrays:
            array = self.arrays[name]
            return [array[k] for k in sorted(array, key=int)]
        if name == "FUNCNAME":
            return list(reversed(self.function_names))
        return [self.lookup(name)] if self.is_set(name) else []

    def arith_variables(self) -> ArithVariables:
        return ArithVariables(self)

    def variables_size(self, extra: int = 0) -> int:
        """Characters held in variables by this shell and the outer shells it will return to."""
        frames = [(self.env, self.vars)] + [(f["env"], f["vars"]) for f in self.stack]
        size = sum(len(k) + len(v) for pair in frames for d in pair for k, v in d.items())
        size += sum(len(k) + len(v) for array in self.arrays.values() for k, v in array.items())
        size += sum(len(k) + len(v) for k, v in self.functions.items())
        return extra + size

    def assign(self, name: str, value: str, exported: bool | None = None) -> None:
        """Set a variable (in the environment if it is exported there), within the memory limits."""
        if len(value) > MAX_VALUE:
            raise no_memory(len(value), PER_VALUE)
        if name in self.arrays and not exported:
            self._grow(len(value))
            self.arrays[name]["0"] = value
            return
        target = self.env if (name in self.env if exported is None else exported) else self.vars
        old = target.get(name)
        growth = len(value) - (len(old) if old is not None else -len(name))
        if growth > 0:
            self._grow(growth)
        if exported:
            self.vars.pop(name, None)
        target[name] = value

    def _grow(self, growth: int) -> None:
        if self.variables_size(growth) > MAX_VARIABLES:
            raise no_memory(self.variables_size(growth), f"{MAX_VARIABLES // 1024} KiB for all variables")

    def assign_target(self, target: str, value) -> str | None:
        """NAME, NAME+, NAME[i] or NAME[i]+ = value (a list for NAME=(...)); bash's message on failure."""
        append = target.endswith("+")
        target = target.rstrip("+")
        name, _, subscript = target.partition("[")
        if name in READONLY or name in self.readonly:
            return f"{name}: readonly variable"
        if isinstance(value, list):
            array = {} if not append else dict(self.arrays.get(name, {}))
            if append and name not in self.arrays and self.is_set(name):
                array = {"0": self.lookup(name)}
            start = max(map(int, array), default=-1) + 1
            for offset, element in enumerate(value):
                array[str(start + offset)] = element
            self._grow(sum(len(v) for v in value))
            self.vars.pop(name, None)
            self.env.pop(name, None)
            self.arrays[name] = array
            return None
        if subscript:
            index_text = subscript[:-1]
            try:
                index = self.arithmetic(Run(self.machine), index_text, Streams([], []))
            except ExpansionError as error:
                return str(error)
            if int(index) < 0:
                return f"{name}[{index_text}]: bad array subscript"
            array = self.arrays.setdefault(name, {})
            if name in self.vars or name in self.env:
                array.setdefault("0", self.vars.pop(name, None) or self.env.pop(name, ""))
            old = array.get(index, "")
            if len(old + value) > MAX_VALUE:
                raise no_memory(len(old + value), PER_VALUE)
            self._grow(len(value))
            array[index] = old + value if append else value
            return None
        if append:
            value = self.lookup(name) + value
        self.assign(name, value)
        if "a" in self.options:
            self.assign(name, self.lookup(name), exported=True)
        return None

    def unset(self, name: str) -> None:
        self.env.pop(name, None)
        self.vars.pop(name, None)
        self.arrays.pop(name, None)

    def declare_local(self, name: str) -> None:
        """Remember how `name` was outside the function, to put it back on return (bash's dynamic scope)."""
        frame = self.locals[-1]
        if name not in frame:
            frame[name] = self._saved(name)

    def _saved(self, name: str) -> tuple:
        return (
            self.vars.get(name),
            self.env.get(name),
            dict(self.arrays[name]) if name in self.arrays else None,
        )

    def restore_locals(self, frame: dict) -> None:
        for name, (value, exported, array) in frame.items():
            self.unset(name)
            if value is not None:
                self.vars[name] = value
            if exported is not None:
                self.env[name] = exported
            if array is not None:
                self.arrays[name] = array

    @contextlib.contextmanager
    def temporary(self, assignments):
        """VAR=value before a function or builtin: set for its duration only."""
        if not assignments:
            yield
            return
        saved = {name.split("[")[0].rstrip("+"): None for name, _ in assignments}
        for name in saved:
            saved[name] = self._saved(name)
        try:
            for name, value in assignments:
                self.assign_target(name, value)
            yield
        finally:
            self.restore_locals(saved)

    def option_set(self, name: str) -> bool:
        from simulator.bash.builtins import OPTION_LETTERS

        return OPTION_LETTERS.get(name, name) in self.options

    # Running programs

    def builtin_for(self, name: str):
        return BUILTINS.get(name)

    def answers_help(self, name: str) -> bool:
        """Whether `name --help` is bash's builtin printing its help (not a program's --help)."""
        builtin = name in BUILTINS or name in BASH_BUILTINS
        return builtin and name in builtin_docs.DOCS and name not in builtin_docs.NO_HELP_OPTION

    def context(self, run: Run, env: dict[str, str], streams: Streams) -> ShellContext:
        machine = run.machine
        return ShellContext(
            machine,
            self.user,
            self.uid(machine),
            self.cwd,
            env,
            "",
            streams.out,
            streams.err,
            work=run.work,
            effects=run.effects,
            shell=self,
            run=run,
            tty=streams.tty,
            input=streams.stdin,
        )

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
        # which programs the line ran, by name: a typed answer is graded on the tool it used (quiz/grading.py)
        ctx.effects.setdefault("programs", []).append(posixpath.basename(argv[0]))
        if gnu_help.asked(ctx, argv):  # getopt_long answers --help before the program does anything
            return 0
        try:
            status = found(ctx, argv)
        except (Interrupted, BrokenPipe, LineInterrupted, ShellExit):
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
        if not name:
            return (": command not found", 127)
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
        child = self.fork()
        child.functions, child.aliases, child.arrays, child.options = {}, {}, {}, []
        child.positional = [path, *argv[1:]]
        return child.run_nested(ctx, text)

    def run_nested(self, ctx: Context, text: str) -> int:
        """Run `text` (bash -c, a script, sudo -s CMD) in this shell, writing into ctx's streams."""
        run = getattr(ctx, "run", None) or Run(ctx.machine, work=ctx.work, effects=ctx.effects)
        self.machine = ctx.machine
        if run.depth >= MAX_DEPTH:
            ctx.err(f"{NAME}: maximum nesting level exceeded ({MAX_DEPTH})\n")
            return 1
        run.depth += 1
        stdin = ctx.input if isinstance(getattr(ctx, "input", None), TerminalInput) else Input(ctx.stdin)
        streams = Streams(ctx.stdout, ctx.stderr, getattr(ctx, "tty", False), stdin)
        try:
            return self.run_text(run, text, streams)
        except ShellExit as leaving:
            return leaving.status
        except (LoopControl, FunctionReturn):
            return self.status
        except LineInterrupted as stopped:
            return stopped.status
        except (LineAborted, PatternTooCostly) as error:
            ctx.err(f"{NAME}: {error}\n")
            return 1
        finally:
            run.depth -= 1

    def substitute(self, run: Run, text: str, streams: Streams) -> str:
        """$( ) and ` `: the output of text run in a subshell, without its trailing newlines."""
        if run.depth >= MAX_DEPTH:
            raise ExpansionError(f"maximum nesting level exceeded ({MAX_DEPTH})")
        out: list[str] = []
        run.depth += 1
        try:
            status = self.in_subshell(
                run, lambda child: child.run_text(run, text, Streams(out, streams.err, False, streams.stdin))
            )
        except BrokenPipe:
            status = 141
        finally:
            run.depth -= 1
        self.substitution_status = status
        return "".join(out).rstrip("\n")


def _random(shell: Shell) -> str:
    """From the machine's seeded generator, so that a lab replays the same way."""
    rng = getattr(shell.machine, "rng", None)
    return str(rng().randrange(32768)) if rng is not None else "0"


DYNAMIC = {
    "RANDOM": _random,
    "SECONDS": lambda shell: str(getattr(shell.machine, "clock", 0)),
    "LINENO": lambda shell: "1",
    "BASHPID": lambda shell: str(PID),
    "PPID": lambda shell: "4241",
    "BASH_VERSION": lambda shell: "5.2.21(1)-release",
    "SHLVL": lambda shell: str(1 + len(shell.stack)),
    "FUNCNAME": lambda shell: shell.function_names[-1] if shell.function_names else "",
    "BASH": lambda shell: "/usr/bin/bash",
}


def _copy(value):
    return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value


def _copy_frame(frame: dict) -> dict:
    return {
        name: _copy(value) if name != "arrays" else {k: dict(v) for k, v in value.items()}
        for name, value in frame.items()
    }


def _last_word(line: str) -> str:
    lexer, last = Lexer(line), ""
    try:
        while (token := lexer.next()).kind != "eof":
            if token.kind == "word":
                last = token.text
    except ShellSyntaxError:
        pass
    return last


def _history_entry(text: str) -> str:
    """A command typed over several lines, as bash's cmdhist keeps it: one entry, joined with ; or a blank."""
    lines = text.split("\n")
    if len(lines) == 1 or "<<" in text:
        return text
    entry = lines[0]
    for line in lines[1:]:
        if not line.strip():
            continue
        joined_by_space = not entry.strip() or entry.rstrip().endswith(JOINS_WITH_SPACE)
        entry += (" " if joined_by_space else "; ") + line.strip()
    return entry


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
