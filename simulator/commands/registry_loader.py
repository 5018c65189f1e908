"""One import point for every command family, so the registry is complete without naming the modules."""

import importlib
import pkgutil

import simulator.commands


def load_all() -> None:
    """Import every module in simulator/commands/; each registers its commands on import."""
    for module in pkgutil.iter_modules(simulator.commands.__path__):
        importlib.import_module(f"simulator.commands.{module.name}")
