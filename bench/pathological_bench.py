"""Lines that once made one request exhaust the server: each must now answer within the target.

Run: .venv/bin/python bench/pathological_bench.py
Targets (worst of 3; exit 1 if one misses):
- CASES, lines that are simply bounded: world.run under 100 ms. The setup lines of a case run first and
  are not timed. Before the fixes: (a+)+b over 28 a's took 16 s, doubling per extra a; x=$x$x... seven
  times took 9.5 s and 6 GB; !! repeated 2000 times made an 8 MB line.
- BUDGET_CASES, lines that would run forever: stopped by the line's work budget (^C) in under 0.6 s of
  CPU time, both in world.run and through the web endpoint (an htmx POST through Flask, the simulator
  and SQLite); wall time is shown beside it, as it grows with whatever else the machine runs. Before the
  budget, a 2 KB line of cp -r and ls -R held a gunicorn worker for 30 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import simulator  # noqa: E402
from simulator import World  # noqa: E402

TARGET_MS = 100.0
A28 = "a" * 28
X10 = "x=$x$x$x$x$x$x$x$x$x$x"
BIG_X = ["x=aaaaaaaaaa", X10, X10, X10, "x=$x$x$x$x$x$x"]  # a 60000-character variable
CASES = [
    ("grep -E (a+)+b", [], f"echo {A28} | grep -E '(a+)+b'"),
    ("grep a*a*...b", [], f"echo {'a' * 40} | grep 'a*a*a*a*a*a*a*a*a*a*b'"),
    ("grep -E (a|a)*b", [], f"echo {'a' * 40} | grep -E '(a|a)*b'"),
    ("grep -E backreference", [], f"echo {'a' * 40} | grep -E '(a|aa)+\\1c'"),
    ("grep -wE (a+)+b (fallback)", [], f"echo {'a' * 4000} | grep -wE '(a+)+b'"),
    ("glob *a*a*...b", ["touch /tmp/" + "a" * 60], "ls /tmp/*a*a*a*a*a*a*a*a*b"),
    ("glob long pattern", ["touch /tmp/" + "a" * 200], "ls /tmp/" + "*a" * 1500 + "b"),
    ("${x%pattern}", ["x=" + "a" * 3000], "echo ${#x} ${x%" + "*a" * 400 + "b}"),
    ("${x//?/$x}", ["x=" + "a" * 1000], "y=${x//?/$x}"),
    ("x=$x$x... x7", ["x=aaaaaaaaaa"] + [X10] * 6, X10),
    ("${x:-${x:-...}} nesting", BIG_X, "echo " + "${x:-" * 300 + "}" * 300),
    ("$x repeated", BIG_X, "echo " + " $x" * 1000),
    ("!! x2000", ["echo " + "a" * 4000], "!!" * 2000),
    ("journalctl -g (a+)+b", [], "sudo journalctl -g '(.+)+x$'"),
    ("many commands", [], "true;" * 800),
]
BUDGET_TARGET_MS = 600.0  # of CPU time
BUDGET_CASES = [
    ("while true", "while true; do :; done"),
    ("until with arithmetic", "x=0; until false; do x=$((x + 1)); done"),
    ("for (( )) forever", "for ((;;)); do echo y; done > /dev/null"),
    ("recursion", "f() { f; f; }; f"),
    ("cp -r / and ls -R / repeated", "sudo cp -r /usr /c1; " + "ls -R / >/dev/null 2>&1; " * 40),
    ("ls -R / in a loop", "while :; do sudo ls -R / > /dev/null; done"),
    ("grep -r in a loop", "for i in {1..30000}; do grep -r kvm /usr > /dev/null; done"),
    ("yes", "yes > /dev/null"),
    ("yes | head", "yes | head -n 3"),
    ("seq 1 1e9", "seq 1 1e9 > /dev/null"),
    ("find / repeated", "while :; do find / > /dev/null 2>&1; done"),
    ("sleep 100", "sleep 100; uptime"),
]
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def main() -> int:
    simulator.warm_up()  # as the server does before its workers fork: a first command is not the import
    missed = 0
    print(f"target: each line under {TARGET_MS:.0f} ms")
    for label, setup, line in CASES:
        missed += _report(label, TARGET_MS, *_worst_in_process(setup, line))
    print(f"\ntarget: lines that would run forever stopped in under {BUDGET_TARGET_MS:.0f} ms of CPU")
    for label, line in BUDGET_CASES:
        missed += _report(label, BUDGET_TARGET_MS, *_worst_in_process([], line, cpu=True))
    print(f"\nthe same through the web endpoint, under {BUDGET_TARGET_MS:.0f} ms of CPU")
    for label, line in BUDGET_CASES:
        missed += _report(label + " (web)", BUDGET_TARGET_MS, *_worst_through_web(line))
    return 1 if missed else 0


def _worst_in_process(setup: list[str], line: str, cpu: bool = False) -> tuple[float, str]:
    clock = time.thread_time if cpu else time.perf_counter
    worst, wall = 0.0, 0.0
    for _ in range(3):
        world = World.new("intel-vtx-host")
        for before in setup:
            world.run(before)
        start, started = clock(), time.perf_counter()
        result = world.run(line)
        worst = max(worst, clock() - start)
        wall = max(wall, time.perf_counter() - started)
    note = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
    return worst * 1000, (f"wall {wall * 1000:6.0f} ms  " if cpu else "") + note[0]


def _worst_through_web(line: str) -> tuple[float, str]:
    from app import create_app

    with tempfile.TemporaryDirectory() as folder:
        config = {"SECRET_KEY": "bench", "DATABASE": f"{folder}/bench.sqlite", "WTF_CSRF_ENABLED": False}
        client = create_app(config).test_client()
        worst, wall, body = 0.0, 0.0, ""
        for _ in range(3):
            client.post("/labs/intel-vtx-host/reset")
            client.post("/labs/intel-vtx-host/start")
            start, started = time.thread_time(), time.perf_counter()
            response = client.post("/labs/intel-vtx-host/run", data={"line": line}, headers=HTMX)
            worst = max(worst, time.thread_time() - start)
            wall = max(wall, time.perf_counter() - started)
            body = (
                response.get_data(as_text=True)
                if response.status_code == 200
                else f"HTTP {response.status_code}"
            )
    stopped = "stopped this line" if "GuestLab stopped this line" in body else body[-70:].replace("\n", " ")
    return worst * 1000, f"wall {wall * 1000:6.0f} ms  {stopped}"


def _report(label: str, target_ms: float, ms: float, note: str) -> int:
    ok = ms < target_ms
    print(f"{'ok  ' if ok else 'SLOW'} {ms:8.1f} ms  {label:34} -> {note[:70]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
