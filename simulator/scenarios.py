"""Scenarios are data (simulator/scenarios/*.yaml); this module loads and validates them once.

A scenario: id, title, summary (one sentence for the lab list and the lab's intro, known before any
machine exists, so without {placeholders}), story, `machine` (the spec Machine takes), optional `source`
(the machine it was cloned from; with `clone: disk-copy` the machine is the source's whole disk booted
again, and the source may carry cloning.py's `address`, `data_disks` and `pgp`), optional `guests` (KVM
guests of `machine` under libvirt: name, state, seed, cpus, memory_mb), optional `media` (ISO images in
the host's images directory: file name -> the OS on it) and tasks, each with checks from simulator.checks,
points and graduated hints.
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


@functools.cache
def _all() -> dict[str, dict]:
    scenarios = {}
    for path in sorted(DIRECTORY.glob("*.yaml")):
        scenario = _validate(yaml.safe_load(path.read_text(encoding="utf-8")), path)
        scenarios[scenario["id"]] = scenario
    return dict(sorted(scenarios.items(), key=lambda item: (item[1].get("order", 99), item[0])))


def list_scenarios() -> list[dict]:
    """Every scenario's id, title and summary, in teaching order."""
    return [{"id": s["id"], "title": s["title"], "summary": s["summary"]} for s in _all().values()]


def scenario_check_ids() -> dict[str, frozenset[str]]:
    """Every scenario's check ids: what a lab question may name."""
    return {
        s["id"]: frozenset(check["id"] for task in s["tasks"] for check in task["checks"])
        for s in _all().values()
    }


def load_scenario(scenario_id: str) -> dict:
    """The scenario as data (do not modify it: it is shared). KeyError for an unknown id."""
    return _all()[scenario_id]
