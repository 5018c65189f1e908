"""gunicorn.conf.py, as `make run` uses it, against a real gunicorn."""

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn"]


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn with the project's config and the given environment; yields its base URL."""
    started = []

    def start(**env):
        command = [*GUNICORN, "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0", "--workers", "1"]
        command += ["app:create_app()"]
        environment = {**os.environ, "GUESTLAB_DATABASE": str(tmp_path / "db.sqlite"), **env}
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True)
        started.append(process)
        for line in process.stderr:
            if match := re.search(r"Listening at: (http://\S+)", line):
                return match.group(1)
        raise AssertionError("gunicorn did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def _cookie_over_forwarded_https(url):
    request = urllib.request.Request(url + "/login", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request) as response:
        return response.headers["Set-Cookie"]


def test_a_forwarded_https_header_is_not_believed_unless_a_proxy_is_trusted(serve):
    assert "Secure" not in _cookie_over_forwarded_https(serve(GUESTLAB_SECRET_KEY="k"))


def test_a_trusted_proxys_forwarded_https_is_believed(serve):
    url = serve(GUESTLAB_SECRET_KEY="k", GUESTLAB_TRUST_PROXY="true")
    assert "Secure" in _cookie_over_forwarded_https(url)


def test_there_is_no_control_socket_to_steer_or_to_hang_new_workers(tmp_path):
    printed = subprocess.run(
        [*GUNICORN, "-c", "gunicorn.conf.py", "--print-config", "app:create_app()"],
        cwd=ROOT,
        env={**os.environ, "GUESTLAB_SECRET_KEY": "k", "GUESTLAB_DATABASE": str(tmp_path / "db.sqlite")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^control_socket_disable\s+= True$", printed, re.M)
