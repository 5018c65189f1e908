"""How a line stops early: syntax errors, failed expansions, limits, and bash's flow of control."""

from __future__ import annotations


class ShellSyntaxError(Exception):
    """A line bash refuses to run (status 2); the text is bash's message without the "bash: " prefix."""


class Incomplete(ShellSyntaxError):
    """Input ends inside a construct: interactive bash prompts `> ` for more; a script reports `message`."""


class ExpansionError(Exception):
    """An expansion that aborts its command (status 1), such as a bad substitution."""


class FatalExpansion(ExpansionError):
    """${x?} and set -u's unbound variable."""


class RedirectError(Exception):
    """A redirection that cannot be made (ambiguous, a bad descriptor): the command fails, the rest runs."""


class LineAborted(Exception):
    """A resource limit that stops the rest of the line."""


class ShellExit(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class LoopControl(Exception):
    """break N / continue N, unwinding to the Nth enclosing loop."""

    def __init__(self, kind: str, levels: int):
        super().__init__(kind)
        self.kind = kind
        self.levels = levels


class FunctionReturn(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status
