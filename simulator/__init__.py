"""GuestLab's simulator: Linux machines as plain data, and an interpreter that answers like the real tools."""

import functools

from simulator import layout
from simulator.result import Result
from simulator.scenarios import list_scenarios, load_scenario, scenario_check_ids
from simulator.shell import load_commands
from simulator.world import World

__all__ = ["Result", "World", "list_scenarios", "load_scenario", "scenario_check_ids", "warm_up"]


@functools.cache  # once per process
def warm_up() -> None:
    """Import every command and build the images' shared nodes and each scenario's installed machines now,
    before a server forks its workers, so that they share them and no learner's first command waits for
    them (about 0.5 s in all)."""
    load_commands()
    for with_modules in (True, False):
        layout.base_tree(with_modules)
    for scenario in list_scenarios():
        World.new(scenario["id"], seed=0)  # builds the installs its machines are saved against
