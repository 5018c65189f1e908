"""A real GuestLab server for tests that need real processes: gunicorn workers over one SQLite file, and
browsers that talk to it over HTTP with their own cookies and CSRF token, as a class of learners would."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@contextlib.contextmanager
def serve_in_thread(app):
    """The app on werkzeug's threaded server in this process (CSRF and all); yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()


class LiveServer:
    """gunicorn serving create_app() on a free port over `database`, started the way `make run` starts it."""

    def __init__(self, folder: Path, workers: int = 3):
        self.database = folder / "live.sqlite"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "GUESTLAB_DATABASE": str(self.database),
            "GUESTLAB_SECRET_KEY": "live-test",
            "PYTHONUNBUFFERED": "1",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "app:create_app()"]
        self.log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        try:
            self.wait_until_up(workers)
        except BaseException:
            self.stop()  # a server that never came up is not left running behind the failed test
            raise

    def wait_until_up(self, workers: int, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5):
                    if len(self.worker_pids()) >= workers:
                        return
            except OSError:  # not listening yet, or too busy starting to answer
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start in time")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_a_worker(self) -> bool:
        """SIGKILL one worker, as the OOM killer or a crash would; the master starts another."""
        pids = self.worker_pids()
        if not pids:
            return False
        try:
            os.kill(pids[0], signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True

    def query(self, sql: str, params=()) -> list[tuple]:
        conn = sqlite3.connect(self.database, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@dataclass
class Reply:
    status: int
    body: str
    url: str


class Browser:
    """One learner's browser: its own cookies, the CSRF token of the last page it loaded."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.csrf = ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _open(self, request: urllib.request.Request, timeout: float) -> Reply:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                reply = Reply(response.status, response.read().decode(), response.url)
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode(errors="replace"), error.url)
        found = CSRF_META.search(reply.body)
        if found:
            self.csrf = found.group(1)
        return reply

    def get(self, path: str, timeout: float = 30) -> Reply:
        return self._open(urllib.request.Request(self.base_url + path), timeout)

    def post(self, path: str, data: dict | list, htmx: bool = False, timeout: float = 30) -> Reply:
        headers = {"X-CSRFToken": self.csrf}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Request-Type": "partial"})
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base_url + path, body, headers), timeout)
