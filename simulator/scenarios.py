"""Scenarios are data (simulator/scenarios/*.yaml); this module loads and validates them once.

A scenario: id, title, summary (one sentence for the lab list and the lab's intro, known before any
machine exists, so without {placeholders}), story, `machine` (the spec Machine takes), optional `source`
(the machine it was cloned from; with `clone: disk-copy` the machine is the source's whole disk booted
again, and the source may carry cloning.py's `address`, `data_disks` and `pgp`), optional `guests` (KVM
guests of `machine` under libvirt: name, state, seed, cpus, memory_mb), optional `media` (ISO images in
the host's images directory: file name -> the OS on it) and tasks, each with checks from simulator.checks,
points and graduated hints.

Its place on the lab path, all optional: `group` (hosts, guests, containers, cloning, cloud, or a new
one), `order` within the path, `difficulty` (1 to 3) and `minutes` (an estimate); and a `solution`: one
worked route, `steps` (each a command to `run`, or an `answer` to type in a task, given as `text` or as
the output of the command `from`, with `why`) and a `why` for the whole.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from simulator.checks import CHECKS

DIRECTORY = Path(__file__).with_name("scenarios")
REQUIRED = ("id", "title", "summary", "story", "machine", "tasks")
TASK_REQUIRED = ("id", "title", "instructions", "checks", "points")


def _validate(scenario: dict, path: Path) -> dict:
    missing = [key for key in REQUIRED if key not in scenario]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    summary = scenario["summary"]
    if not isinstance(summary, str) or not summary.strip() or "{" in summary or "\n" in summary.strip():
        raise ValueError(f"{path.name}: summary must be one line of text, without {{placeholders}}")
    if scenario["id"] != path.stem:
        raise ValueError(f"{path.name}: id {scenario['id']!r} does not match the file name")
    _path_defaults(scenario, path)
    seen = set()
    for task in scenario["tasks"]:
        missing = [key for key in TASK_REQUIRED if key not in task]
        if missing:
            raise ValueError(f"{path.name}: task {task.get('id', '?')} lacks {', '.join(missing)}")
        if task["id"] in seen:
            raise ValueError(f"{path.name}: task id {task['id']} appears twice")
        seen.add(task["id"])
        task.setdefault("hints", [])
        task.setdefault("hint_cost", 1)
        task["checks"] = [c if isinstance(c, dict) else {"id": c} for c in task["checks"]]
        for item in task["checks"]:
            item.setdefault("params", {})
            if item["id"] not in CHECKS:
                raise ValueError(f"{path.name}: task {task['id']} uses unknown check {item['id']}")
    return scenario


DEFAULT_GROUP = "more"  # a scenario that says nothing of its place on the path comes after the rest
MINUTES_PER_TASK = 5


def _path_defaults(scenario: dict, path: Path) -> None:
    scenario.setdefault("group", DEFAULT_GROUP)
    scenario.setdefault("order", 99)
    scenario.setdefault("difficulty", 2)
    scenario.setdefault("minutes", MINUTES_PER_TASK * max(1, len(scenario["tasks"])))
    if not isinstance(scenario["group"], str) or not scenario["group"].replace("-", "").isalnum():
        raise ValueError(f"{path.name}: group must be one word, such as hosts or cloning")
    if scenario["difficulty"] not in (1, 2, 3):
        raise ValueError(f"{path.name}: difficulty must be 1, 2 or 3")
    if not isinstance(scenario["minutes"], int) or scenario["minutes"] < 1:
        raise ValueError(f"{path.name}: minutes must be a whole number above 0")
    solution = scenario.get("solution")
    if solution is None:
        return
    tasks = {task["id"] for task in scenario["tasks"]}
    for step in solution.get("steps", ()):
        answer = step.get("answer")
        if not step.get("why") or ("run" in step) == (answer is not None):
            raise ValueError(f"{path.name}: a solution step has either run or answer, and a why")
        given = answer is not None and ("text" in answer) != ("from" in answer)
        if answer is not None and (answer.get("task") not in tasks or not given):
            raise ValueError(f"{path.name}: a solution answer names one of its tasks and has text or from")
    if not solution.get("steps") or not solution.get("why"):
        raise ValueError(f"{path.name}: a solution needs steps and a why")


@functools.cache
def _all() -> dict[str, dict]:
    scenarios = {}
    for path in sorted(DIRECTORY.glob("*.yaml")):
        scenario = _validate(yaml.safe_load(path.read_text(encoding="utf-8")), path)
        scenarios[scenario["id"]] = scenario
    return dict(sorted(scenarios.items(), key=lambda item: (item[1].get("order", 99), item[0])))


PATH_KEYS = ("id", "title", "summary", "group", "order", "difficulty", "minutes")


def list_scenarios() -> list[dict]:
    """Every scenario's id, title, summary and place on the lab path, in teaching order."""
    return [{key: s[key] for key in PATH_KEYS} for s in _all().values()]


def scenario_check_ids() -> dict[str, frozenset[str]]:
    """Every scenario's check ids: what a lab question may name."""
    return {
        s["id"]: frozenset(check["id"] for task in s["tasks"] for check in task["checks"])
        for s in _all().values()
    }


def load_scenario(scenario_id: str) -> dict:
    """The scenario as data (do not modify it: it is shared). KeyError for an unknown id."""
    return _all()[scenario_id]
