"""A program's questions on the terminal, answered over several lines typed in the lab's terminal.

The web terminal sends one line at a time, and a program cannot wait for the next. So a line typed at the
prompt runs with the answers typed so far as its terminal input (`Answers`); a program that reads past
them raises `NeedsInput`, the world puts everything back as it was before the line, and keeps the line and
its answers (world.py, `dialogue`). The next line typed is one more answer, and the line runs again from
the same state, until it reads no further than its answers: then it has run once, as in bash with those
keys pressed, and its effects stay. What a program printed before the answer it waits for was shown
already; only what follows is shown each time. Each run starts from the same state (files, clock, the
seeded generator), so a program prints the same up to where it reads, and may change things before it
asks, as gpg makes its home first: nothing of a run that ends waiting is kept. The world's clock stands
still meanwhile; a program's timeout reads the time each answer came (`arrives`, SECONDS_PER_ANSWER each),
and the time spent answering passes once the line ends.

The question on screen is the last line printed, unfinished ("Real name: "), which becomes the prompt.
Ctrl-C typed at a question is delivered to the program as `TerminalInterrupt` (SIGINT) at that point;
a program that does not catch it ends the line with status 130, as bash reports a job killed by SIGINT.
Ctrl-D on an empty line is one more answer, END_OF_INPUT: the tty's end of file (Linux's n_tty: read
returns 0, nothing echoed, not even a newline). A program reading its stdin sees the end of its input
there (`read` returns 1, `cat` stops); one reading /dev/tty byte by byte as gpg does (ttyio.c do_get) gets
the character itself. The end of file is not sticky: a program that reads on waits for more.
"""

from __future__ import annotations

from simulator.bash.evaluator import Input

MAX_ANSWERS = 64  # lines one command line may read from the terminal: each one runs the line again
MAX_ANSWER_TEXT = 16 * 1024
SECONDS_PER_ANSWER = 3  # the machine's clock moves on this much for each line typed, as for a command
END_OF_INPUT = "\x04"  # Ctrl-D typed on an empty line, as the web terminal sends it


class NeedsInput(BaseException):
    """A program reads the terminal past the answers typed so far. A BaseException, as KeyboardInterrupt
    is: a handler's `except Exception` must not take it for an error of its own."""

    def __init__(self, echo: bool):
        super().__init__()
        self.echo = echo


class TerminalInterrupt(BaseException):
    """Ctrl-C typed while a program waited for an answer: SIGINT, delivered where it was reading."""


class Answers:
    """The terminal's input for one line: the answers typed so far, then Ctrl-C or nothing yet."""

    def __init__(self, lines: list[str] | None = None, interrupted: bool = False):
        self.lines = list(lines or [])
        self.interrupted = interrupted
        self.read = 0

    def waiting_since(self) -> int:
        """Seconds from the line being typed to the moment the program began to wait for its next input
        (each line typed takes SECONDS_PER_ANSWER of the world's time): a countdown shows from there."""
        return self.read * SECONDS_PER_ANSWER

    def arrives(self) -> int | None:
        """When the next input (an answer or Ctrl-C) reaches the program, in seconds from the line being
        typed; None while nothing more has been typed: a program's timeout compares with it."""
        if self.read < len(self.lines) or self.interrupted:
            return (self.read + 1) * SECONDS_PER_ANSWER
        return None

    def read_line(self, echo: bool = True) -> str:
        """The next line typed at the terminal (without its newline); with echo False it is not shown,
        as when a program turns the terminal's echo off for a password."""
        if self.read < len(self.lines):
            self.read += 1
            return self.lines[self.read - 1]
        if self.interrupted:
            raise TerminalInterrupt()
        raise NeedsInput(echo)


class TerminalInput(Input):
    """Standard input when it is the terminal (nothing redirected): `read` and programs that read lines
    from stdin get the answers, None at a Ctrl-D (the end of input); `rest()`, what a program that reads
    all of its input gets, is every line typed up to a Ctrl-D."""

    def __init__(self, answers: Answers):
        super().__init__("")
        self.answers = answers

    def line(self, delimiter: str = "\n", echo: bool = True) -> tuple[str, bool] | None:
        typed = self.answers.read_line(echo)
        return None if typed == END_OF_INPUT else (typed, True)

    def take(self, count: int) -> str:
        typed = self.answers.read_line()
        return "" if typed == END_OF_INPUT else typed[:count]

    def rest(self) -> str:
        lines = []
        while (record := self.line()) is not None:
            lines.append(record[0] + "\n")
        return "".join(lines)


def stdin_is_terminal(ctx) -> bool:
    return isinstance(getattr(ctx, "input", None), TerminalInput)


def all_input(ctx) -> str:
    """All of a program's standard input (cat, sort, grep with no file): from the terminal, every line
    typed up to a Ctrl-D, as a program reading to end of file waits for it."""
    if stdin_is_terminal(ctx):
        ctx.stdin, ctx.input = ctx.input.rest(), None
    return ctx.stdin


def to_terminal(ctx, text: str) -> None:
    """Write on the terminal itself (/dev/tty), as gpg's tty_printf does, even when stdout is redirected."""
    run = getattr(ctx, "run", None)
    screen = getattr(run, "screen", None)
    if screen is None:
        ctx.out(text)
    else:
        screen.append(text)


def terminal(ctx) -> Answers | None:
    """The controlling terminal of the line `ctx` runs in (/dev/tty), or None: a command run by ssh without
    a terminal, or by the host page's buttons."""
    run = getattr(ctx, "run", None)
    return getattr(run, "answers", None)
