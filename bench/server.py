"""The app as `make run` starts it, on a free port with a database of its own, and what its workers use.

Figures come from /proc: resident memory (VmRSS) and CPU time of the gunicorn processes `make run` started.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
STOP_SECONDS = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stat(pid: int) -> tuple[str, list[str]]:
    """The command name in /proc/PID/stat (it may hold spaces), and the fields after it: state, ppid..."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", []
    return text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system time the process has used so far."""
    _, fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def gunicorn_processes(self) -> dict[int, int]:
        """pid -> parent pid of every gunicorn process (not the shell make starts it with) in make's group."""
        found = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                name, fields = _stat(int(entry.name))
                if name == "gunicorn" and int(fields[2]) == self.process.pid:
                    found[int(entry.name)] = int(fields[1])
        return found

    def workers(self) -> list[int]:
        """The worker processes: gunicorn processes whose parent is the gunicorn arbiter."""
        processes = self.gunicorn_processes()
        return sorted(pid for pid, parent in processes.items() if parent in processes)

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"`make run` exited with {server.process.returncode}:\n{server.tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/", timeout=5):
                if server.workers():
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s:\n{server.tail()}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group make leads: gunicorn finishes its requests and stops its workers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def running(cpus: str | None = None) -> Iterator[Server]:
    """`make run` on a free port, pinned to `cpus` (taskset's list form) when given, stopped on leaving.

    The database and the log live in a temporary folder; the secret key is made
    up for the run, so the instance folder is not touched. Only the benchmark's server trusts X-Forwarded-For
    (see classroom.py).
    make is told that the run dependencies are installed (`-o`): `make bench` has just installed them.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="guestlab-bench-") as folder:
        env = {
            **os.environ,
            "GUESTLAB_DATABASE": f"{folder}/bench.sqlite",
            "GUESTLAB_SECRET_KEY": secrets.token_hex(32),
            "GUESTLAB_TRUST_PROXY": "true",
        }
        command = ["make", "--no-print-directory", "-o", ".venv/.run-deps", "run", f"PORT={port}"]
        if cpus and shutil.which("taskset"):
            command = ["taskset", "-c", cpus, *command]
        log = Path(folder) / "server.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_until_up(server)
            yield server
        finally:
            _stop(process)
