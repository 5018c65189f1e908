"""`make bench`: the classroom load test. Starts the app as `make run` does, ramps learners (classroom.py)
in steps, measures each step, then hammers the static file, a lab command and an exam answer one at a time
with no think time. Prints a table, then one JSON line (figures.py). Exits 0 whether targets are met or not.

The load generator is this process: Locust's FastHttpUser, its fastest client, in one process pinned to a
core of its own while the server gets the others (on a 2-core machine: one each, so the server's figures
are those of one core). The "generator" column says how busy that core was: near 100 % the generator, not
the server, is the limit. BENCH_SERVER_CPUS and BENCH_LOAD_CPUS (taskset lists) change the split.

BENCH_QUICK=1 runs two small steps and short phases (about a minute). BENCH_STEPS="50,100" chooses the
learners of each step, BENCH_SECONDS=30 how long each step and each saturated endpoint is measured.
"""

import locust  # noqa: I001 - first, so gevent patches the standard library before anything uses it

import json
import logging
import os
import sys
import time

import gevent
from locust.env import Environment

from bench import classroom, figures, server

QUICK = os.environ.get("BENCH_QUICK") == "1"
STEPS = [10, 30] if QUICK else [100, 250, 500, 750, 1000, 1250, 1500, 2000]
MEASURE_SECONDS = 10 if QUICK else 30
SETTLE_SECONDS = 2 if QUICK else 5
SPAWN_RATE = 50
SATURATION_USERS = 8 if QUICK else 24
SATURATION_SECONDS = 5 if QUICK else 20
RAMP_BUDGET_SECONDS = 11 * 60
"""The ramp stops starting steps after this, so that the whole run stays under 15 minutes."""
HAMMERS = {
    "ceiling": classroom.CeilingHammer,
    "command": classroom.CommandHammer,
    "answer": classroom.AnswerHammer,
}


def cpu_split() -> tuple[str | None, set[int]]:
    """Server cores (taskset list) and generator cores: the last core for Locust, the others for the app."""
    cores = sorted(os.sched_getaffinity(0))
    load = {int(c) for c in os.environ.get("BENCH_LOAD_CPUS", str(cores[-1])).split(",")}
    default_server = ",".join(str(c) for c in cores if c not in load) or None
    return os.environ.get("BENCH_SERVER_CPUS", default_server), load


class Window:
    """One measured stretch: Locust's statistics reset at its start, CPU and memory read around it."""

    def __init__(self, env: Environment, app: server.Server):
        self.env, self.app = env, app
        env.stats.reset_all()
        self.user_errors = self._exceptions()
        self.started = time.monotonic()
        self.generator_cpu = server.cpu_seconds(os.getpid())
        self.processes = app.gunicorn_processes()
        self.server_cpu = sum(server.cpu_seconds(pid) for pid in self.processes)
        self.rss_mb = 0.0

    def _exceptions(self) -> int:
        return sum(error["count"] for error in self.env.runner.exceptions.values())

    def sample_memory(self) -> None:
        self.rss_mb = max([self.rss_mb] + [server.rss_mb(pid) for pid in self.app.workers()])

    def measure(self, seconds: float) -> None:
        deadline = self.started + seconds
        while time.monotonic() < deadline:
            self.sample_memory()
            gevent.sleep(min(1.0, max(0.0, deadline - time.monotonic())))

    def figures(self, learners: int) -> dict:
        seconds = time.monotonic() - self.started
        server_cpu = sum(server.cpu_seconds(pid) for pid in self.processes) - self.server_cpu
        self.sample_memory()
        return {
            "learners": learners,
            "seconds": round(seconds, 2),
            "endpoints": {
                name: _entry(entry)
                for (name, _), entry in sorted(self.env.stats.entries.items())
                if entry.num_requests
            },
            "total": _entry(self.env.stats.total),
            "user_errors": self._exceptions() - self.user_errors,
            "generator_cpu": round((server.cpu_seconds(os.getpid()) - self.generator_cpu) / seconds, 3),
            "server_cpu": round(server_cpu / seconds, 3),
            "worker_rss_mb": round(self.rss_mb, 1),
            "failure_messages": {
                f"{error.name}: {error.error}": error.occurrences for error in self.env.stats.errors.values()
            },
        }


def _entry(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50_ms": entry.get_response_time_percentile(0.5) or 0,
        "p95_ms": entry.get_response_time_percentile(0.95) or 0,
        "p99_ms": entry.get_response_time_percentile(0.99) or 0,
    }


def spawn(env: Environment, kind: str, count: int) -> bool:
    """Start users up to `count` and wait until each has set itself up (a user that failed never does);
    `kind` is the name they count themselves under in classroom.ready."""
    env.runner.start(count, spawn_rate=SPAWN_RATE)
    deadline = time.monotonic() + 30 + 3 * count / SPAWN_RATE
    while classroom.ready[kind] < count:
        if time.monotonic() > deadline:
            return False
        gevent.sleep(0.2)
    return True


def ramp(app: server.Server, steps: list[int], seconds: float) -> list[dict]:
    """Learners in growing steps, each measured after all have started, until latency misses its target."""
    env = Environment(user_classes=classroom.LEARNERS, host=app.url)
    env.create_local_runner()
    results = []
    began = time.monotonic()
    try:
        for learners in steps:
            if time.monotonic() - began > RAMP_BUDGET_SECONDS:
                print(f"ramp stopped before {learners} learners: time budget spent", file=sys.stderr)
                break
            all_started = spawn(env, "Learner", learners)
            gevent.sleep(SETTLE_SECONDS)
            window = Window(env, app)
            window.measure(seconds)
            step = window.figures(learners)
            if not all_started:
                step["user_errors"] += learners - classroom.ready["Learner"]
            results.append(step)
            print(
                f"{learners} learners: p99 {step['total']['p99_ms']} ms, {figures.errors(step)} errors",
                file=sys.stderr,
            )
            if not figures.worth_going_on(step):
                break
    finally:
        env.runner.quit()
    return results


def saturate(app: server.Server, name: str, users: int, seconds: float) -> dict:
    """One endpoint asked for by `users` users without a pause: its throughput when the server is full."""
    user_class = HAMMERS[name]
    env = Environment(user_classes=[user_class], host=app.url)
    env.create_local_runner()
    try:
        spawn(env, user_class.__name__, users)
        gevent.sleep(SETTLE_SECONDS)
        window = Window(env, app)
        window.measure(seconds)
        return window.figures(users)
    finally:
        env.runner.quit()


def conditions(server_cpus: str | None, load_cpus: set[int]) -> dict:
    return {
        "quick": QUICK,
        "cpus": os.cpu_count(),
        "server_cpus": server_cpus or "all",
        "load_cpus": ",".join(map(str, sorted(load_cpus))),
        "workers": int(os.environ.get("WORKERS", 3)),
        "load_average": round(os.getloadavg()[0], 2),
        "think_seconds": classroom.THINK_SECONDS,
    }


def main() -> int:
    locust.log.setup_logging("WARNING")
    logging.getLogger("locust.runners").setLevel(logging.ERROR)
    steps = [int(n) for n in os.environ["BENCH_STEPS"].split(",")] if os.environ.get("BENCH_STEPS") else STEPS
    seconds = float(os.environ.get("BENCH_SECONDS", MEASURE_SECONDS))
    saturation_seconds = float(os.environ.get("BENCH_SECONDS", SATURATION_SECONDS))
    server_cpus, load_cpus = cpu_split()
    run_conditions = conditions(server_cpus, load_cpus)
    started = time.monotonic()
    with server.running(server_cpus) as app:
        os.sched_setaffinity(0, load_cpus)
        steps_measured = ramp(app, steps, seconds)
        saturation = {name: saturate(app, name, SATURATION_USERS, saturation_seconds) for name in HAMMERS}
    run_conditions["minutes"] = round((time.monotonic() - started) / 60, 1)
    print(figures.table(steps_measured, saturation))
    print(json.dumps(figures.summary(steps_measured, saturation, run_conditions)))
    return 0
