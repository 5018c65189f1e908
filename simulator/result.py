from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    """What one command line printed and its exit status, as the terminal shows it."""

    stdout: str = ""
    stderr: str = ""
    status: int = 0
    effects: dict = field(default_factory=dict, compare=False)  # for the terminal, e.g. {"editor": ...}
    chunks: tuple = field(default=(), compare=False)  # ((1 or 2, text), ...): the output in the order written
