from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """What one command line printed and its exit status, as the terminal shows it."""

    stdout: str = ""
    stderr: str = ""
    status: int = 0
