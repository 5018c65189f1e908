"""The command registry: a dict from command name to a plain handler function.

A handler is `handler(ctx: Context, argv: list[str]) -> int`. It writes to ctx.out / ctx.err and returns
the exit status. Each family of commands lives in its own module and registers with `@command("name")`.

Every line typed at the prompt has one budget of work (`Work`), shared by all it runs: loops, commands,
files walked, lines printed. A handler that does work proportional to its input calls `ctx.tick(n)`;
when the budget is spent the line stops as if the learner had pressed Ctrl-C, with what it already did
left in place, as a real interrupted command leaves it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.machine import Machine

COMMANDS: dict[str, Callable[[Context, list[str]], int]] = {}
MAN_PAGES: dict[str, str] = {}
MAX_WORK = 200_000  # steps one line may take: loop turns, commands, files walked, lines made
MAX_CPU_SECONDS = 0.5  # and, whatever the steps cost, this much CPU time
STOPPED = "GuestLab stopped this line: it used its budget of"
MAX_GRACES, GRACE_STEPS, GRACE_SECONDS = 3, 20_000, 0.05


def command(name: str, man: str = ""):
    """Register a handler under `name`, with a short man page (a study aid, a few lines)."""

    def register(handler):
        COMMANDS[name] = handler
        if man:
            MAN_PAGES[name] = man.strip("\n") + "\n"
        return handler

    return register


class Interrupted(Exception):
    """The line's budget is spent: it stops here, as Ctrl-C would stop it (status 130)."""


class BrokenPipe(Exception):
    """The writer of a pipe whose reader is gone: the shell ends it as SIGPIPE would (status 141)."""


@dataclass
class Work:
    """The work budget of one line: a step count, deterministic, and a CPU-time backstop."""

    limit: int = MAX_WORK
    done: int = 0
    started: float = field(default_factory=time.thread_time)
    cpu_limit: float = MAX_CPU_SECONDS
    graces: int = 0

    def tick(self, steps: int = 1) -> None:
        self.done += steps
        if self.done > self.limit:
            raise Interrupted(f"{STOPPED} {MAX_WORK:,} steps of work")
        checked = (self.done >> 4) != ((self.done - steps) >> 4)  # the clock is read every 16 steps
        if checked and time.thread_time() - self.started > self.cpu_limit:
            raise Interrupted(f"{STOPPED} {MAX_CPU_SECONDS} s of CPU time")

    def grace(self) -> bool:
        """A little more work for the readers of a pipe whose writer was stopped (`ping host | head -n 2`:
        head still reads what ping wrote, as it would have before SIGPIPE ended ping). A few per line."""
        if self.graces >= MAX_GRACES:
            return False
        self.graces += 1
        self.limit = self.done + GRACE_STEPS
        self.cpu_limit = time.thread_time() - self.started + GRACE_SECONDS
        return True


@dataclass
class Context:
    """What one command sees: the machine, who runs it, where, its stdin, and where its output goes."""

    machine: Machine
    user: str
    uid: int
    cwd: str
    env: dict[str, str]
    stdin: str = ""
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    work: Work = field(default_factory=Work)
    effects: dict = field(default_factory=dict)  # what the terminal must do after the line (open an editor)

    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)

    def tick(self, steps: int = 1) -> None:
        """Count work against the line's budget; raises Interrupted when it is spent."""
        self.work.tick(steps)

    def execute(self, argv: list[str], stdin: str = "", caller: str = "bash") -> int:
        """Run a program as xargs and find -exec do (found on $PATH, never a shell builtin), writing into
        this ctx's streams; `caller` prefixes the message when it cannot be run."""
        from simulator.shell import Shell

        shell = Shell(user=self.user, cwd=self.cwd, env=dict(self.env))
        return shell.execute(dataclasses.replace(self, stdin=stdin), argv, caller)

    @property
    def is_root(self) -> bool:
        return self.uid == 0
