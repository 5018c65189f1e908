"""Command line: list scenarios, or run commands from stdin against a scenario's machine.

python -m simulator scenarios                  one scenario per line: id<TAB>title
python -m simulator shell SCENARIO [--seed N] [--json] [--grade]
    reads one command per line from stdin and runs them in order, printing their output as a
    terminal would (stdout to stdout, stderr to stderr); --json prints one JSON object per command
    instead, {"command", "stdout", "stderr", "status"}; --grade ends with a JSON line
    {"checks": [{"id", "title", "passed"}], "score", "max_score"}.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from simulator import World, list_scenarios
from simulator.scenarios import load_scenario

NEEDS_WEB = "simulator: editors open in GuestLab's web terminal only; {} was not changed\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Run GuestLab's simulated Linux machines.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("scenarios", help="list the scenarios, one per line: id<TAB>title")
    shell = commands.add_parser("shell", help="run commands read from stdin, one per line")
    shell.add_argument("scenario")
    shell.add_argument("--seed", type=int, default=None, help="seed of the machine's randomness")
    shell.add_argument("--json", action="store_true", help="one JSON object per command")
    shell.add_argument("--grade", action="store_true", help="end with the grade as a JSON line")
    args = parser.parse_args(argv)

    if args.command == "scenarios":
        for scenario in list_scenarios():
            print(f"{scenario['id']}\t{scenario['title']}")
        return 0
    try:
        load_scenario(args.scenario)
    except KeyError:
        known = ", ".join(s["id"] for s in list_scenarios())
        print(f"python -m simulator: unknown scenario '{args.scenario}' (known: {known})", file=sys.stderr)
        return 2
    world = World.new(args.scenario, seed=args.seed)
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        result = world.run(line)
        if world.editor is not None:
            result = dataclasses.replace(result, stderr=result.stderr + NEEDS_WEB.format(world.editor.path))
            world.abandon_editor()
        if args.json:
            print(
                json.dumps(
                    {
                        "command": line,
                        "stdout": result.stdout,
                        "stderr": result.stderr,
                        "status": result.status,
                    }
                ),
                flush=True,
            )
        else:
            sys.stdout.write(result.stdout)
            sys.stdout.flush()
            sys.stderr.write(result.stderr)
            sys.stderr.flush()
    if args.grade:
        grade = world.grade()
        checks = [{"id": c["id"], "title": c["title"], "passed": c["passed"]} for c in grade["checks"]]
        print(json.dumps({"checks": checks, "score": grade["score"], "max_score": grade["max_score"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
