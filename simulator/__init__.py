"""GuestLab's simulator: Linux machines as plain data, and an interpreter that answers like the real tools."""

from simulator.result import Result
from simulator.scenarios import list_scenarios, load_scenario, scenario_check_ids
from simulator.world import World

__all__ = ["Result", "World", "list_scenarios", "load_scenario", "scenario_check_ids"]
