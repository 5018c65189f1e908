"""The command registry: a dict from command name to a plain handler function.

A handler is `handler(ctx: Context, argv: list[str]) -> int`. It writes to ctx.out / ctx.err and returns
the exit status. Each family of commands lives in its own module and registers with `@command("name")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.machine import Machine

COMMANDS: dict[str, Callable[[Context, list[str]], int]] = {}
MAN_PAGES: dict[str, str] = {}


def command(name: str, man: str = ""):
    """Register a handler under `name`, with a short man page (a study aid, a few lines)."""

    def register(handler):
        COMMANDS[name] = handler
        if man:
            MAN_PAGES[name] = man.strip("\n") + "\n"
        return handler

    return register


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

    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)

    @property
    def is_root(self) -> bool:
        return self.uid == 0
