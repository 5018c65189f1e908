"""Server time of typical lab commands: one htmx POST each, through Flask, the simulator and SQLite.

Server time is measured around the WSGI application (session, CSRF, auth, simulator, saving, rendering),
not the test client that builds the request. Target (issue 3): median under 2 ms per command.
Run with `make bench` or `python bench/server_bench.py`.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402

TARGET_MEDIAN_MS = 2.0
ROUNDS = 30
COMMANDS = [
    ("intel-vtx-host", "grep -c vmx /proc/cpuinfo"),
    ("intel-vtx-host", "lsmod | grep kvm"),
    ("intel-vtx-host", "sudo modprobe kvm_intel"),
    ("intel-vtx-host", "ls -l /dev/kvm"),
    ("kvm-guest", "systemd-detect-virt"),
    ("kvm-guest", "ip a"),
    ("kvm-guest", "cat /etc/machine-id"),
    ("docker-container", "cat /proc/1/cgroup"),
]
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        config = {"SECRET_KEY": "bench", "DATABASE": f"{folder}/bench.sqlite", "WTF_CSRF_ENABLED": False}
        app = create_app(config)
        server_times = []
        inner = app.wsgi_app

        def timed(environ, start_response):
            start = time.perf_counter()
            body = b"".join(inner(environ, start_response))
            server_times.append((time.perf_counter() - start) * 1000)
            return [body]

        app.wsgi_app = timed
        client = app.test_client()
        for scenario in {s for s, _ in COMMANDS}:
            client.post(f"/labs/{scenario}/start")
        medians = []
        print(f"{'command':40} {'median ms':>10} {'p95 ms':>8}")
        for scenario, line in COMMANDS:
            server_times.clear()
            for _ in range(ROUNDS):
                response = client.post(f"/labs/{scenario}/run", data={"line": line}, headers=HTMX)
                assert response.status_code == 200
            times = sorted(server_times)
            median = statistics.median(times)
            medians.append(median)
            print(f"{line:40} {median:10.2f} {times[int(len(times) * 0.95) - 1]:8.2f}")
        overall = statistics.median(medians)
        verdict = "meets" if overall < TARGET_MEDIAN_MS else "MISSES"
        print(f"median of medians: {overall:.2f} ms ({verdict} the {TARGET_MEDIAN_MS} ms target)")
        return 0 if overall < TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
