"""Programs that run until Ctrl-C (ping without -c, watch, top, tail -f, journalctl -f) on the lab's terminal.

The web terminal cannot keep a program running between lines, so such a program shows what its first
seconds would (`FIRST_SECONDS` of the machine's clock) and then waits as if it read the terminal
(dialogue.py): the next line typed is echoed, and the program shows what the seconds that line took
would (SECONDS_PER_ANSWER each); Ctrl-C is delivered where it waits. `until_interrupted` says how long it
has run when it must stop and wait (`shown_until`), and `wait` returns False once Ctrl-C has come.

With no terminal (ssh HOST CMD, the host page's buttons) or its output not on the terminal (`ping x | head`,
where the reader leaves and SIGPIPE ends the writer), the program keeps going until the line's work budget
stops it, as before: nobody could type Ctrl-C to it there.
"""

from __future__ import annotations

from simulator.dialogue import SECONDS_PER_ANSWER, TerminalInterrupt, terminal

FIRST_SECONDS = 3  # what a program shows before it waits: ping's replies at 0, 1, 2 and 3 seconds


def waits_on_terminal(ctx) -> bool:
    """Whether Ctrl-C can reach this program: a terminal, and its output on it."""
    return terminal(ctx) is not None and getattr(ctx, "tty", False)


def shown_until(ctx) -> float:
    """How many seconds of the program's run the terminal shows now: its first seconds, and one answer's
    worth for each line typed since."""
    return FIRST_SECONDS + terminal(ctx).read * SECONDS_PER_ANSWER


def wait(ctx) -> bool:
    """Wait for the next line typed (ignored, as the program does not read it) or Ctrl-C: False once Ctrl-C
    has come, True when a line came and the program goes on."""
    return next_line(ctx) is not None


def next_line(ctx) -> str | None:
    """The next line typed (a key a full-screen program reads, as top's q), or None at Ctrl-C."""
    try:
        return terminal(ctx).read_line()
    except TerminalInterrupt:
        return None


def until_interrupted(ctx) -> None:
    """Wait for Ctrl-C, which kills the program (SIGINT's default action: bash reports status 130), as
    tail -f and journalctl -f (systemd 255 installs no SIGINT handler) end."""
    while wait(ctx):
        pass
    raise TerminalInterrupt()
