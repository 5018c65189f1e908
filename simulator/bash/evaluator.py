"""The command evaluator: runs the tree of nodes.py against the shell's state, as bash's execute_cmd.c.

`CommandEvaluator` is a part of the Shell class. Every command and every turn of a loop is counted against
the line's work budget (commands/__init__.py), so that no line runs for long whatever it says.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.bash import builtin_docs, nodes
from simulator.bash.arith import Arithmetic, ArithmeticError_
from simulator.bash.conditions import TestError, binary, ere_to_python, unary
from simulator.bash.errors import (
    ExpansionError,
    FunctionReturn,
    LoopControl,
    RedirectError,
    ShellExit,
    ShellSyntaxError,
)
from simulator.bash.parser import ASSIGNMENT, parse
from simulator.bash.printf import shell_word
from simulator.commands import BrokenPipe, Interrupted
from simulator.filesystem import FsError
from simulator.patterns import Glob, Regex

if TYPE_CHECKING:
    from simulator.shell import Run

NAME = "bash"
COMMAND_COST = 20  # work steps one simple command costs; a loop turn costs 1
MAX_FUNCTION_DEPTH = 48  # bash's FUNCNEST is unset by default; Python's stack is the real bound here
PIPE_CAPACITY = 1 << 20  # what a pipeline stage may write before its reader is taken to have exited
TOO_DEEP = "expression nested too deeply"


class Input:
    """A command's standard input, consumed as it is read: `read` takes a line, a program takes the rest."""

    def __init__(self, text: str = ""):
        self.text = text
        self.pos = 0

    def rest(self) -> str:
        text = self.text[self.pos :]
        self.pos = len(self.text)
        return text

    def line(self, delimiter: str = "\n", echo: bool = True) -> tuple[str, bool] | None:
        """The next record and whether its delimiter was found; None at end of input. (`echo` matters only
        when the input is the terminal: dialogue.TerminalInput.)"""
        if self.pos >= len(self.text):
            return None
        end = self.text.find(delimiter, self.pos) if delimiter else -1
        if end < 0:
            record = self.text[self.pos :]
            self.pos = len(self.text)
            return record, False
        record = self.text[self.pos : end]
        self.pos = end + 1
        return record, True

    def take(self, count: int) -> str:
        text = self.text[self.pos : self.pos + count]
        self.pos += len(text)
        return text


class Pipe(list):
    """The write end of a pipe: past its capacity the writer gets SIGPIPE, as when its reader is gone
    (`yes | head -n 3`); the reader still sees everything written before."""

    def __init__(self):
        super().__init__()
        self.size = 0

    def append(self, text: str) -> None:
        self.size += len(text)
        if self.size > PIPE_CAPACITY:
            raise BrokenPipe()
        super().append(text)


class DevNull(list):
    """Output redirected to /dev/null: gone as it is written, so it never fills memory or the terminal."""

    def append(self, text: str) -> None:
        pass


@dataclass
class Streams:
    out: list[str]
    err: list[str]
    tty: bool = False
    stdin: Input = field(default_factory=Input)


class Sink:
    """Output redirected to a file: collected while the command runs, written when it ends."""

    def __init__(self, lines: list[str], path: str | None = None):
        self.lines = lines
        self.path = path


@functools.lru_cache(maxsize=256)
def parse_cached(source: str) -> nodes.Sequence:
    """Function bodies and aliases are kept as text; each is parsed once per process."""
    return parse(source)


class CommandEvaluator:
    def run_sequence(self, run: Run, sequence: nodes.Sequence, streams: Streams) -> int:
        status = self.status
        for and_or in sequence.items:
            status = self.run_and_or(run, and_or, streams)
        return status

    def run_and_or(self, run: Run, and_or: nodes.AndOr, streams: Streams) -> int:
        status = self.status
        last = len(and_or.items) - 1
        for index, (connector, pipeline) in enumerate(and_or.items):
            if (connector == "&&" and status != 0) or (connector == "||" and status == 0):
                continue
            if index < last:
                self.conditions += 1
                try:
                    status = self.run_pipeline(run, pipeline, streams)
                finally:
                    self.conditions -= 1
            else:
                status = self.run_pipeline(run, pipeline, streams)
            self.status = status
            if status and index == last and not pipeline.negate:
                self.errexit(status)
        return status

    def errexit(self, status: int) -> None:
        """set -e: a failing command outside a condition ends the shell."""
        if "e" in self.options and not self.conditions:
            raise ShellExit(status)

    def run_pipeline(self, run: Run, pipeline: nodes.Pipeline, streams: Streams) -> int:
        if pipeline.timed:
            started, steps = getattr(run.machine, "clock", 0), run.work.done
        commands = pipeline.commands
        last = len(commands) - 1
        statuses = []
        stdin = streams.stdin
        for index, command in enumerate(commands):
            out = streams.out if index == last else Pipe()
            part = Streams(out, streams.err, streams.tty and index == last, stdin)
            if last == 0:
                status = self.run_command(run, command, part)
            else:
                try:
                    stage = functools.partial(_run_stage, run=run, command=command, streams=part)
                    status = self.in_subshell(run, stage)
                except BrokenPipe:
                    status = 141
                except Interrupted:
                    if index == last or not run.work.grace():
                        raise
                    status = 141  # the reader gets what was written; the writer ends as by SIGPIPE
            statuses.append(status)
            stdin = Input("".join(out)) if index < last else stdin
        self.arrays["PIPESTATUS"] = {str(i): str(s) for i, s in enumerate(statuses)}
        status = statuses[-1]
        if "pipefail" in self.options:
            status = next((s for s in reversed(statuses) if s), 0)
        if pipeline.timed:
            streams.err.append(
                _times(pipeline.timed, getattr(run.machine, "clock", 0) - started, run.work.done - steps)
            )
        return int(status == 0) if pipeline.negate else status

    def run_command(self, run: Run, command, streams: Streams) -> int:
        if isinstance(command, nodes.Simple):
            return self.run_simple(run, command, streams)
        if isinstance(command, nodes.FunctionDef):
            self.functions[command.name] = command.source
            return 0
        try:
            opened = self.open_redirects(run, command.redirects, streams)
        except ExpansionError as error:
            abort(streams, error)
        except (RedirectError, ShellSyntaxError, FsError) as error:
            streams.err.append(f"{NAME}: {_message(error)}\n")
            return 1
        inner, sinks = opened
        try:
            return COMPOUND_RUNNERS[type(command)](self, run, command, inner)
        finally:
            self.flush(run, sinks, streams)

    def run_simple(self, run: Run, command: nodes.Simple, streams: Streams) -> int:
        run.work.tick(COMMAND_COST)
        self.substitution_status = None
        words = command.words
        if words and words[0] in self.aliases and words[0] not in run.aliasing:
            return self.run_alias(run, command, streams)
        outer_expanded, run.expanded = run.expanded, 0  # each command's words are bounded, not the line's
        try:
            return self._run_simple(run, command, streams)
        finally:
            run.expanded = outer_expanded

    def _run_simple(self, run: Run, command: nodes.Simple, streams: Streams) -> int:
        words = command.words
        try:
            argv = self.expand_words(run, words, streams)
            assignments = [self.assignment(run, text, streams) for text in command.assignments]
            inner, sinks = self.open_redirects(run, command.redirects, streams)
        except ExpansionError as error:
            abort(streams, error)
        except (RedirectError, ShellSyntaxError, FsError, RecursionError) as error:
            streams.err.append(f"{NAME}: {_message(error)}\n")
            return 1
        try:
            shown = [
                f"{n}={shell_word(v) if isinstance(v, str) else '(' + ' '.join(map(shell_word, v)) + ')'}"
                for n, v in assignments
            ]
            if not argv:
                self.trace(streams, shown)
                return self.assign_all(assignments, inner)
            self.trace(streams, [*shown, *map(shell_word, argv)])
            return self.call(run, argv, assignments, inner)
        finally:
            self.flush(run, sinks, streams)

    def run_alias(self, run: Run, command: nodes.Simple, streams: Streams) -> int:
        """Aliases replace the first word before the line is parsed; here, the command is parsed again."""
        name = command.words[0]
        rest = [*command.assignments, self.aliases[name], *command.words[1:]]
        rest += [
            f"{r.fd if r.fd is not None else ''}{r.op}{r.target}" for r in command.redirects if not r.heredoc
        ]
        run.aliasing.add(name)
        try:
            return self.run_sequence(run, parse_cached(" ".join(rest)), streams)
        except ShellSyntaxError as error:
            streams.err.append(f"{NAME}: {error}\n")
            return 2
        finally:
            run.aliasing.discard(name)

    def trace(self, streams: Streams, words: list[str]) -> None:
        if "x" in self.options and words:
            streams.err.append("+ " + " ".join(words) + "\n")

    def call(self, run: Run, argv: list[str], assignments, streams: Streams, functions: bool = True) -> int:
        """Run argv as a function, a builtin or a program, with prefix assignments for its duration."""
        name = argv[0]
        if functions and name in self.functions:
            with self.temporary(assignments):
                return self.call_function(run, name, argv, streams)
        if argv[1:2] == ["--help"] and self.answers_help(name):  # bash's builtin_help()
            streams.out.append(builtin_docs.text(name))
            return builtin_docs.EX_BADUSAGE
        builtin = self.builtin_for(name)
        if builtin is not None:
            with self.temporary(assignments):
                ctx = self.context(run, dict(self.env), streams)
                return builtin(self, ctx, argv)
        env = dict(self.env)
        for variable, value in assignments:  # a=(1 2) cmd: the program sees the text, a=(1 2), as in bash
            env[variable] = value if isinstance(value, str) else "(" + " ".join(value) + ")"
        return self.execute(self.context(run, env, streams), argv, NAME)

    def call_function(self, run: Run, name: str, argv: list[str], streams: Streams) -> int:
        if run.function_depth >= MAX_FUNCTION_DEPTH:
            streams.err.append(
                f"{NAME}: {name}: maximum function nesting level exceeded ({MAX_FUNCTION_DEPTH})\n"
            )
            raise LineInterrupted(1)
        saved_positional = self.positional
        self.positional = [saved_positional[0] if saved_positional else NAME, *argv[1:]]
        self.locals.append({})
        self.function_names.append(name)
        run.function_depth += 1
        try:
            body = parse_cached(self.functions[name])
            return self.run_sequence(run, body, streams)
        except FunctionReturn as returned:
            return returned.status
        finally:
            run.function_depth -= 1
            self.function_names.pop()
            self.restore_locals(self.locals.pop())
            self.positional = saved_positional

    def assignment(self, run: Run, text: str, streams: Streams) -> tuple[str, object]:
        """NAME=value, NAME+=value, NAME[i]=value or NAME=(elements): (target, value) after expansion."""
        match = ASSIGNMENT.match(text)
        target = text[: match.end() - 1]
        value = text[match.end() :]
        if value.startswith("(") and value.endswith(")") and "[" not in target:
            from simulator.bash.lexer import Lexer

            lexer, elements = Lexer(value[1:-1]), []
            while (token := lexer.next()).kind != "eof":
                if token.kind == "word":
                    elements.append(token.text)
            return target, self.expand_words(run, elements, streams)
        expanded = self.expand_one(run, value, streams) if value else ""
        return target, expanded

    def assign_all(self, assignments, streams: Streams) -> int:
        for target, value in assignments:
            error = self.assign_target(target, value)
            if error:  # a readonly variable: bash abandons the line
                abort(streams, error)
        return self.substitution_status or 0

    def run_text(self, run: Run, text: str, streams: Streams) -> int:
        """Parse and run text in this shell (eval, source, bash -c, scripts)."""
        try:
            tree = parse(text)
        except ShellSyntaxError as error:
            streams.err.append(f"{NAME}: {error}\n")
            return 2
        except RecursionError:
            streams.err.append(f"{NAME}: {TOO_DEEP}\n")
            return 2
        return self.run_sequence(run, tree, streams)

    # Compound commands

    def run_group(self, run: Run, node: nodes.Group, streams: Streams) -> int:
        return self.run_sequence(run, node.body, streams)

    def run_subshell(self, run: Run, node: nodes.Subshell, streams: Streams) -> int:
        return self.in_subshell(run, lambda child: child.run_sequence(run, node.body, streams))

    def in_subshell(self, run: Run, body) -> int:
        """Run body(child) in a copy of this shell, as bash forks for ( ), $( ) and a pipeline's parts:
        nothing comes back but the status; exit, return and an abandoned line end only the subshell, and
        loops outside are not its own (break there is "only meaningful in a loop")."""
        loops, run.loops = run.loops, 0
        try:
            return body(self.fork())
        except (ShellExit, LineInterrupted, FunctionReturn) as leaving:
            return leaving.status
        finally:
            run.loops = loops

    def run_condition(self, run: Run, sequence: nodes.Sequence, streams: Streams) -> int:
        self.conditions += 1
        try:
            return self.run_sequence(run, sequence, streams)
        finally:
            self.conditions -= 1

    def run_if(self, run: Run, node: nodes.If, streams: Streams) -> int:
        for condition, body in node.clauses:
            if self.run_condition(run, condition, streams) == 0:
                return self.run_sequence(run, body, streams)
        if node.otherwise is not None:
            return self.run_sequence(run, node.otherwise, streams)
        return 0

    def loop_body(self, run: Run, body: nodes.Sequence, streams: Streams) -> tuple[int, bool]:
        """Run one turn; (status, whether the loop goes on)."""
        run.work.tick()
        run.loops += 1
        try:
            return self.run_sequence(run, body, streams), True
        except LoopControl as control:
            if control.levels > 1:
                control.levels -= 1
                raise
            return 0, control.kind == "continue"
        finally:
            run.loops -= 1

    def run_loop(self, run: Run, node: nodes.Loop, streams: Streams) -> int:
        status = 0
        while True:
            run.work.tick()
            if (self.run_condition(run, node.condition, streams) == 0) == node.until:
                return status
            status, going = self.loop_body(run, node.body, streams)
            if not going:
                return status

    def run_for(self, run: Run, node: nodes.For, streams: Streams) -> int:
        try:
            values = (
                self.positional[1:] if node.words is None else self.expand_words(run, node.words, streams)
            )
        except ExpansionError as error:
            abort(streams, error)
        status = 0
        for value in values:
            error = self.assign_target(node.name, value)
            if error:
                streams.err.append(f"{NAME}: {error}\n")
                return 1
            status, going = self.loop_body(run, node.body, streams)
            if not going:
                break
        return status

    def run_arith_for(self, run: Run, node: nodes.ArithFor, streams: Streams) -> int:
        status = 0
        try:
            self.arithmetic(run, node.init, streams)
            while True:
                run.work.tick()
                if node.condition.strip() and self.arithmetic(run, node.condition, streams) == "0":
                    return status
                status, going = self.loop_body(run, node.body, streams)
                if not going:
                    return status
                self.arithmetic(run, node.step, streams)
        except ExpansionError as error:
            abort(streams, error)

    def run_case(self, run: Run, node: nodes.Case, streams: Streams) -> int:
        try:
            word = self.expand_one(run, node.word, streams)
        except ExpansionError as error:
            abort(streams, error)
        status = 0
        falling = False
        for item in node.items:
            if not falling and not any(
                Glob(self.expand_pattern(run, p, streams), run.patterns).fullmatch(word)
                for p in item.patterns
            ):
                continue
            status = self.run_sequence(run, item.body, streams) if item.body else 0
            if item.terminator == ";;":
                return status
            falling = item.terminator == ";&"
        return status

    def run_arith(self, run: Run, node: nodes.Arith, streams: Streams) -> int:
        try:
            text = self.expand_one(run, node.expression, streams)
        except ExpansionError as error:
            abort(streams, error)
        try:
            value = Arithmetic(text, self.arith_variables()).evaluate()
        except ArithmeticError_ as error:
            streams.err.append(f"{NAME}: ((: {text.lstrip()}: {error}\n")
            return 1
        return 0 if value else 1

    def run_cond(self, run: Run, node: nodes.Cond, streams: Streams) -> int:
        ctx = self.context(run, self.env, streams)
        try:
            return 0 if self.evaluate_cond(run, ctx, node.expression, streams) else 1
        except TestError as error:
            streams.err.append(f"{NAME}: {error}\n")
            return 2
        except ExpansionError as error:
            abort(streams, error)

    def evaluate_cond(self, run: Run, ctx, tree: tuple, streams: Streams) -> bool:
        kind = tree[0]
        if kind == "and":
            return self.evaluate_cond(run, ctx, tree[1], streams) and self.evaluate_cond(
                run, ctx, tree[2], streams
            )
        if kind == "or":
            return self.evaluate_cond(run, ctx, tree[1], streams) or self.evaluate_cond(
                run, ctx, tree[2], streams
            )
        if kind == "not":
            return not self.evaluate_cond(run, ctx, tree[1], streams)
        if kind == "word":
            return self.expand_one(run, tree[1], streams) != ""
        if kind == "unary":
            return unary(ctx, self, tree[1][1:], self.expand_one(run, tree[2], streams))
        op, left_word, right_word = tree[1], tree[2], tree[3]
        left = self.expand_one(run, left_word, streams)
        if op in ("==", "=", "!="):
            glob = Glob(self.expand_pattern(run, right_word, streams), run.patterns)
            return glob.fullmatch(left) == (op != "!=")
        if op == "=~":
            return self.regex_match(run, left, right_word, streams)
        if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
            right = self.expand_one(run, right_word, streams)
            variables = self.arith_variables()
            try:
                a = Arithmetic(left, variables).evaluate()
                b = Arithmetic(right, variables).evaluate()
            except ArithmeticError_ as error:
                raise ExpansionError(f"{left}: {error}") from None
            return binary(ctx, op, str(a), str(b), "[[")
        return binary(ctx, op, left, self.expand_one(run, right_word, streams), "[[")

    def regex_match(self, run: Run, text: str, word: str, streams: Streams) -> bool:
        pattern = ere_to_python(self.expand_pattern(run, word, streams, regex=True))
        try:
            compiled = Regex(pattern, budget=run.patterns)
            match = re.search(pattern, text) if compiled.search(text) else None
        except re.error:
            return False
        if match is None:
            self.arrays.pop("BASH_REMATCH", None)
            return False
        groups = [match.group(0), *(g or "" for g in match.groups())]
        self.arrays["BASH_REMATCH"] = {str(i): g for i, g in enumerate(groups)}
        return True

    # Redirections

    def open_redirects(self, run: Run, redirects: list[nodes.Redirect], streams: Streams):
        """Open files the way bash does before the command runs: as the shell's user, truncating at once."""
        if not redirects:
            return streams, []
        fs = run.machine.fs
        uid = self.uid(run.machine)
        fds: dict[int, Sink] = {1: Sink(streams.out), 2: Sink(streams.err)}
        stdin = streams.stdin
        sinks: list[Sink] = []
        for redirect in redirects:
            op = redirect.op
            fd = redirect.fd if redirect.fd is not None else (0 if op.startswith("<") else 1)
            if redirect.heredoc is not None:
                body = redirect.heredoc.body or ""
                if redirect.target != "'":
                    body = self.expand_heredoc(run, body, streams)
                if fd == 0:
                    stdin = Input(body)
                continue
            if op == "<<<":
                text = self.expand_one(run, redirect.target, streams) + "\n"
                if fd == 0:
                    stdin = Input(text)
                continue
            if op in (">&", "<&") and (redirect.target.isdigit() or redirect.target == "-"):
                if redirect.target == "-":
                    fds[fd] = Sink([])
                elif int(redirect.target) in fds:
                    fds[fd] = fds[int(redirect.target)]
                elif int(redirect.target) != 0:
                    raise RedirectError(f"{redirect.target}: Bad file descriptor")
                continue
            path = self.single(run, redirect.target, streams)
            if op in ("<", "<>", "<&"):
                content = fs.read(path, self.cwd, uid)
                if fd == 0:
                    stdin = Input(content)
                continue
            if (
                op == ">"
                and "C" in self.options
                and fs.exists(path, self.cwd, uid)
                and fs.is_file(path, self.cwd, uid)
            ):
                raise RedirectError(f"{path}: cannot overwrite existing file")
            fs.write(path, "", self.cwd, uid, append=op in (">>", "&>>"))
            if path == "/dev/null":
                sink = Sink(DevNull())
            else:
                sink = Sink([], path)
                sinks.append(sink)
            if op in ("&>", "&>>") or (op == ">&" and redirect.fd is None):
                fds[1] = fds[2] = sink
            else:
                fds[fd] = sink
        out, err = fds[1].lines, fds[2].lines
        return Streams(out, err, streams.tty and out is streams.out, stdin), sinks

    def expand_heredoc(self, run: Run, body: str, streams: Streams) -> str:
        """An unquoted here-document: $ and ` expansions, backslash only before $ ` \\ and newline."""
        escaped = body.replace('"', '\\"')
        return self.expand_one(run, f'"{escaped}"', streams)

    def single(self, run: Run, word: str, streams: Streams) -> str:
        words = self.expand(run, word, streams)
        if len(words) != 1:
            raise RedirectError(f"{word}: ambiguous redirect")
        return words[0]

    def flush(self, run: Run, sinks: list[Sink], streams: Streams) -> None:
        for sink in sinks:
            if sink.lines:
                try:
                    run.machine.fs.write(
                        sink.path, "".join(sink.lines), self.cwd, self.uid(run.machine), True
                    )
                except FsError as error:
                    streams.err.append(f"{NAME}: {sink.path}: {error.message}\n")


def _run_stage(child: CommandEvaluator, run: Run, command, streams: Streams) -> int:
    return child.run_command(run, command, streams)


def abort(streams: Streams, error) -> None:
    """An expansion error (or a readonly variable assigned): bash prints it and abandons the whole line."""
    streams.err.append(f"{NAME}: {error}\n")
    raise LineInterrupted(1)


class LineInterrupted(Exception):
    """An error that ends the whole line in an interactive shell (set -u, ${x?}, runaway recursion)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


COMPOUND_RUNNERS = {
    nodes.Group: CommandEvaluator.run_group,
    nodes.Subshell: CommandEvaluator.run_subshell,
    nodes.If: CommandEvaluator.run_if,
    nodes.Loop: CommandEvaluator.run_loop,
    nodes.For: CommandEvaluator.run_for,
    nodes.ArithFor: CommandEvaluator.run_arith_for,
    nodes.Case: CommandEvaluator.run_case,
    nodes.Arith: CommandEvaluator.run_arith,
    nodes.Cond: CommandEvaluator.run_cond,
}


def _times(form: str, seconds: int, steps: int) -> str:
    """What `time` prints (bash's TIMEFORMAT default, or POSIX's for time -p): the machine's clock for real
    time (sleep moves it), the work done for CPU time, taken at a few microseconds a step."""
    user = steps * 3 / 1_000_000
    real = seconds + user + 0.001
    if form == "time -p":
        return f"real {real:.2f}\nuser {user:.2f}\nsys {0:.2f}\n"
    return "\n" + "".join(
        f"{name}\t{int(value // 60)}m{value % 60:.3f}s\n"
        for name, value in (("real", real), ("user", user), ("sys", 0.0))
    )


def _message(error: Exception) -> str:
    if isinstance(error, FsError):
        return f"{error.path}: {error.message}"
    if isinstance(error, RecursionError):
        return TOO_DEEP
    return str(error)
