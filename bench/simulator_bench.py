"""How long one lab command costs the web app: World.from_dict + world.run + world.to_dict.

Run: .venv/bin/python bench/simulator_bench.py [--rounds N]
Target: the median of the full cycle stays under 2 ms for every typical command (exit 1 if missed).
"run" times the command alone on a live world; "cycle" adds loading and saving the state, as a request
does (the JSON encoding the store adds is shown apart, in "json").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import World  # noqa: E402

TARGET_MS = 2.0
COMMANDS = [
    ("intel-vtx-host", "ls -l /dev"),
    ("intel-vtx-host", "lsmod | grep kvm"),
    ("intel-vtx-host", "cat /proc/cpuinfo"),
    ("intel-vtx-host", "sudo modprobe kvm_intel"),
    ("kvm-guest", "systemd-detect-virt"),
    ("kvm-guest", "ip a"),
    ("clone-identifiers", "hostnamectl"),
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(scenario: str, line: str, rounds: int) -> dict[str, list[float]]:
    state = World.new(scenario).to_dict()
    run, cycle, encode = [], [], []
    for _ in range(rounds):
        world = World.from_dict(state)
        start = time.perf_counter()
        world.run(line)
        run.append(time.perf_counter() - start)

        start = time.perf_counter()
        world = World.from_dict(state)
        world.run(line)
        saved = world.to_dict()
        cycle.append(time.perf_counter() - start)

        start = time.perf_counter()
        json.loads(json.dumps(saved))
        encode.append(time.perf_counter() - start)
    return {"run": run, "cycle": cycle, "json": encode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    for scenario, line in COMMANDS:  # warm the caches (scenarios, registries, base trees)
        World.from_dict(World.new(scenario).to_dict()).run(line)

    print(f"target: median of from_dict + run + to_dict < {TARGET_MS} ms per command\n")
    header = f"{'command':<26}{'run med':>9}{'run p95':>9}{'cycle med':>11}{'cycle p95':>11}{'json med':>10}"
    print(header)
    missed = []
    for scenario, line in COMMANDS:
        times = measure(scenario, line, args.rounds)
        ms = {key: [t * 1000 for t in samples] for key, samples in times.items()}
        median = statistics.median(ms["cycle"])
        print(
            f"{line:<26}{statistics.median(ms['run']):>9.3f}{percentile(ms['run'], 0.95):>9.3f}"
            f"{median:>11.3f}{percentile(ms['cycle'], 0.95):>11.3f}{statistics.median(ms['json']):>10.3f}"
        )
        if median >= TARGET_MS:
            missed.append(line)
    state = json.dumps(World.new("intel-vtx-host").to_dict())
    print(f"\nsaved state of a fresh intel-vtx-host: {len(state)} bytes of JSON (times in ms)")
    if missed:
        print(f"MISSED the {TARGET_MS} ms target: {', '.join(missed)}")
        return 1
    print("target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
