"""Grade a typed command by what it does, not by how it is spelt (questions/README.md, "Commands").

The answer and each key (the question's `exact` answers) run on fresh copies of the same seeded machine
(simulator/trial.py). A question that asks to *show* something wants the key's output; one that asks to
*change* something wants the key's change to the machine. Either way the answer must run the tool the
question is about, so `echo` of the expected text does not pass.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from quiz.model import Bank, CommandRun
from simulator import trial

SEEDS = (1, 2)  # the key runs on two machines so that what is random in its change can be told apart
# A log line's time stamp as dmesg, dmesg -T and journalctl print it: where it was read from is not the
# question, what the kernel said is.
LOG_PREFIX = re.compile(
    r"^(?:\[[^\]\n]*\] |[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \S+ kernel: )",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Verdict:
    correct: bool
    feedback: str = ""


def warm_up(bank: Bank) -> None:
    """Build each command question's machine and run its keys now, before a server forks its workers, so
    that they share them and no learner's answer waits for them (a second or two in all)."""
    for question in bank.questions.values():
        run = question.fill.run if question.fill else None
        for key in run and question.fill.exact or ():
            _random_locations(run.scenario, key, json.dumps(run.machine, sort_keys=True), run.setup)


def judge(run: CommandRun, keys: tuple[str, ...], answer: str) -> Verdict:
    """Whether `answer` does what one of `keys` does on the question's machine, with a reason if not."""
    line = " ".join(answer.split())
    tried = _trial(run, line, SEEDS[0])
    feedback = ""
    for key in keys:
        expected = _trial(run, key, SEEDS[0])
        if not _same_effect(run, key, expected, tried):
            continue
        tools = set(run.tools) or set(expected.programs[:1])
        if tools & set(tried.programs):
            return Verdict(True)
        feedback = (
            "It prints the expected result, but not by asking the system: use the tool the question names."
        )
    if not feedback and tried.status != 0:
        said = tried.stderr.strip().splitlines() or tried.stdout.strip().splitlines()[-1:]
        feedback = (
            f"On the question's machine this fails: `{said[0] if said else f'exit status {tried.status}'}`"
        )
    return Verdict(False, feedback)


def _same_effect(run: CommandRun, key: str, expected: trial.Trial, tried: trial.Trial) -> bool:
    if tried.status != expected.status:
        return False
    if run.compare == "output":
        return _shown(tried.stdout) == _shown(expected.stdout)
    if tried.changes.keys() != expected.changes.keys() or not expected.changes:
        return False
    random = _random_locations(run.scenario, key, json.dumps(run.machine, sort_keys=True), run.setup)
    return all(tried.changes[k] == v for k, v in expected.changes.items() if k not in random)


def _shown(stdout: str) -> list[str]:
    return [line.rstrip() for line in LOG_PREFIX.sub("", stdout).splitlines()]


@functools.lru_cache(maxsize=512)
def _random_locations(scenario: str, key: str, machine: str, setup: tuple[str, ...]) -> frozenset[str]:
    """The locations the key changes to values that differ from one machine to another (a new UUID)."""
    first, second = (_cached_trial(scenario, key, seed, machine, setup) for seed in SEEDS)
    return frozenset(k for k in first.changes if first.changes.get(k) != second.changes.get(k))


def _trial(run: CommandRun, line: str, seed: int) -> trial.Trial:
    return _cached_trial(run.scenario, line, seed, json.dumps(run.machine, sort_keys=True), run.setup)


@functools.lru_cache(maxsize=512)
def _cached_trial(scenario: str, line: str, seed: int, machine: str, setup: tuple[str, ...]) -> trial.Trial:
    return trial.run(scenario, line, seed=seed, machine=json.loads(machine), setup=setup)
