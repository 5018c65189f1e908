"""One command line tried on a fresh copy of a scenario's machine: what it printed, the programs it ran and
what it changed. A typed quiz answer is graded by comparing its trial with the key's (quiz/grading.py).

A scenario's world is built once per (scenario, seed, machine additions, setup lines) and copied for each
trial, so grading stays fast. Lines run as root in a shell of their own, as the host page's buttons run.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from simulator.world import World

# What time alone changes, not the command: the machine clock, the random generator's position, mtimes.
VOLATILE_KEYS = frozenset({"clock", "boot_clock", "draws", "mtime", "atime", "ctime"})


@dataclass(frozen=True)
class Trial:
    stdout: str
    stderr: str
    status: int
    programs: tuple[str, ...]  # every program the line ran, by name, in order (builtins excluded)
    changes: dict  # state location -> its new JSON value ("" when removed), for each location changed


def run(scenario: str, line: str, seed: int = 1, machine: dict | None = None, setup: tuple = ()) -> Trial:
    """Run `line` on a fresh copy of the world and report the trial; never raises for any line."""
    base = _base(scenario, seed, json.dumps(machine or {}, sort_keys=True), tuple(setup))
    world = World.from_dict(json.loads(base))
    before = _state(world)
    result = world.run_as_root(line)
    after = _state(world)
    changed = before.keys() | after.keys()
    changes = {key: after.get(key, "") for key in changed if before.get(key) != after.get(key)}
    return Trial(
        result.stdout,
        result.stderr,
        result.status,
        tuple(result.effects.get("programs", ())),
        changes,
    )


@functools.lru_cache(maxsize=64)
def _base(scenario: str, seed: int, machine: str, setup: tuple) -> str:
    world = World.new(scenario, seed=seed, machine=json.loads(machine))
    for line in setup:
        world.run_as_root(line)
    return json.dumps(world.to_dict())


def _state(world: World) -> dict[str, str]:
    """The machines' state flattened to location -> JSON value, without what time alone changes."""
    flat: dict[str, str] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in VOLATILE_KEYS:
                    walk(item, f"{path}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}/{index}")
        else:
            flat[path] = json.dumps(value, sort_keys=True)

    walk({name: machine.to_dict() for name, machine in world.machines.items()}, "")
    return flat
