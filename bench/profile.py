"""`python -m bench profile ENDPOINT`: where a request's time goes, sampled by py-spy in the real server.

The server starts as for the load test and one endpoint (ceiling, command, answer or the classroom mix) is
asked for without a pause, while py-spy samples every gunicorn worker. By default only samples that hold
the GIL count, which is the CPU the Python code uses; --wall counts every moment a worker is handling a
request, waiting included (for SQLite's lock, or for the client to close the connection).

Writes the samples as collapsed stacks (speedscope.app and flamegraph.pl read them) and prints the
functions that hold most of the samples, with and without what they call.
"""

import locust  # noqa: F401, I001 - first, so gevent patches the standard library before anything uses it

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gevent
from locust.env import Environment

from bench import classroom, load, server

TARGETS = [*load.HAMMERS, "mix"]
MIX_LEARNERS = 250
HAMMER_USERS = 12
LINE_NUMBER = re.compile(r":\d+\)$")


def summarise(collapsed: str, top: int = 30) -> str:
    """The functions under most samples taken while a worker handled a request (idle waits left out)."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [
            LINE_NUMBER.sub(")", frame) for frame in stack.split(";") if not frame.startswith("process ")
        ]
        if not any(frame.startswith("SyncWorker.handle (") for frame in frames):
            continue
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    if not total:
        return "no samples taken while handling a request"
    lines = [f"{total} samples while handling requests", "", "with what they call:"]
    # Frames under every sample (gunicorn's loop down to the worker's handle) say nothing.
    ranked = [(frame, n) for frame, n in inclusive.most_common() if n < total][:top]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in ranked]
    lines += ["", "in the function itself:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top // 2)]
    return "\n".join(lines)


def record(target: str, seconds: int, wall: bool, output: Path) -> str:
    py_spy = shutil.which("py-spy", path=os.path.dirname(sys.executable)) or shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("py-spy is not installed: `make bench` installs it (pip install -e '.[bench]')")
    mix = target == "mix"
    user_classes = classroom.LEARNERS if mix else [load.HAMMERS[target]]
    server_cpus, load_cpus = load.cpu_split()
    with server.running(server_cpus) as app:
        os.sched_setaffinity(0, load_cpus)
        env = Environment(user_classes=user_classes, host=app.url)
        env.create_local_runner()
        kind, count = ("Learner", MIX_LEARNERS) if mix else (user_classes[0].__name__, HAMMER_USERS)
        load.spawn(env, kind, count)
        gevent.sleep(load.SETTLE_SECONDS)
        processes = app.gunicorn_processes()
        arbiter = next(pid for pid, parent in processes.items() if parent not in processes)
        command = [py_spy, "record", "--pid", str(arbiter), "--subprocesses", "--nonblocking", "--idle"]
        command += ["--format", "raw", "--rate", "200", "--duration", str(seconds), "--output", str(output)]
        command += [] if wall else ["--gil"]
        env.stats.reset_all()
        sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while sampler.poll() is None:
            gevent.sleep(0.5)
        total = env.stats.total
        env.runner.quit()
    if sampler.returncode:
        raise SystemExit(f"py-spy failed: {sampler.stderr.read().decode(errors='replace')[-1000:]}")
    p50, p99 = (total.get_response_time_percentile(share) for share in (0.5, 0.99))
    figures = f"{total.num_requests / seconds:.1f} requests/s, p50 {p50} ms, p99 {p99} ms"
    return f"{target}: {figures}, {total.num_failures} failed\n{summarise(output.read_text())}"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench profile", description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--wall", action="store_true", help="count waiting too, not only CPU")
    parser.add_argument("--output", type=Path, help="collapsed stacks (default: profile-TARGET.txt)")
    options = parser.parse_args(arguments)
    output = options.output or Path(f"profile-{options.target}{'-wall' if options.wall else ''}.txt")
    print(record(options.target, options.seconds, options.wall, output.resolve()))
    print(f"\ncollapsed stacks: {output} (open in speedscope.app, or flamegraph.pl {output} > flame.svg)")
    return 0
