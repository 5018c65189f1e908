"""gunicorn.conf.py, as `make run` uses it, against a real gunicorn."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from web.gunicorn_worker import SyncWorkerWithHeaders
from web.security import HEADERS

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn"]


@pytest.fixture
def serve(tmp_path):
    """Start gunicorn with the project's config, the given options and environment; yields its base URL."""
    started = []

    def start(*options, app="app:create_app()", **env):
        command = [*GUNICORN, "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0", "--workers", "1", *options]
        command += [app]
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


SECURITY_HEADERS = {**HEADERS, "Cache-Control": "no-store"}


def _exchange(url, request: bytes, timeout=30) -> bytes:
    """Send raw bytes, as a client gunicorn refuses would; everything the server answers until it closes."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def _status_and_headers(answer: bytes) -> tuple[int, dict[str, list[str]]]:
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.lower(), []).append(value.strip())
    return int(head[0].split()[1]), headers


def _assert_security_headers(headers):
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == [value], name


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(101)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
    ],
    ids=["malformed request line", "request line too long", "too many headers", "header too large"],
)
def test_a_request_gunicorn_refuses_gets_its_status_with_our_security_headers(serve, request_bytes, status):
    answer = _exchange(serve(GUESTLAB_SECRET_KEY="k"), request_bytes)
    got_status, headers = _status_and_headers(answer)
    assert got_status == status
    _assert_security_headers(headers)


def test_a_page_of_the_app_keeps_its_security_headers_once_each(serve):
    answer = _exchange(serve(GUESTLAB_SECRET_KEY="k"), b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers = _status_and_headers(answer)
    assert status == 200
    _assert_security_headers(headers)


def test_a_request_that_outruns_the_worker_timeout_gets_503_with_our_headers(serve):
    url = serve("--timeout", "2", app="tests.slow_app:app")
    answer = _exchange(url, b"GET /stall HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers = _status_and_headers(answer)
    assert status == 503
    _assert_security_headers(headers)
    assert b"took too long" in answer


def test_a_response_already_begun_is_cut_short_not_followed_by_a_second_answer(serve):
    url = serve("--timeout", "2", app="tests.slow_app:app")
    answer = _exchange(url, b"GET /begun HTTP/1.1\r\nHost: x\r\n\r\n")
    status, _ = _status_and_headers(answer)
    assert status == 200
    assert answer.endswith(b"\r\n\r\nfirst line\n")


def _worker_serving(app, **settings):
    """A worker of ours, outside any arbiter, that serves `app` (its own config: the hooks a test sets)."""
    cfg = Config()
    for name, value in settings.items():
        cfg.set(name, value)
    worker = SyncWorkerWithHeaders(0, os.getppid(), [], None, 2, cfg, Logger(cfg))
    worker.wsgi = app
    return worker


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
    return [b"hello\n"]


def _served_by(worker, client):
    """What a client gets from `worker.handle` (parse, respond, refuse, close) of one GET over a socket pair;
    `client` wraps the worker's end of it."""
    worker_end, client_end = socket.socketpair()
    with worker_end, client_end:
        client_end.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        client_end.shutdown(socket.SHUT_WR)
        worker.handle(worker_end, client(worker_end), ("127.0.0.1", 1))
        worker.tmp.close()
        return client_end.makefile("rb").read()


class _StallingClient:
    """A client that stops reading: the worker's first write of the head half goes out, then the timeout's
    SIGABRT lands in the blocked sendall, as it does in a real one."""

    def __init__(self, sock, worker):
        self.sock = sock
        self.worker = worker

    def sendall(self, data):
        self.sock.sendall(data[: len(data) // 2])
        self.worker.handle_abort(signal.SIGABRT, None)

    def __getattr__(self, name):
        return getattr(self.sock, name)


def test_a_timeout_while_the_head_is_being_written_adds_no_second_answer():
    worker = _worker_serving(_hello)
    received = _served_by(worker, lambda sock: _StallingClient(sock, worker))
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert received.count(b"HTTP/1.1 ") == 1


def test_a_timeout_once_the_response_is_sent_adds_nothing_to_it():
    def slow_post_request(worker, req, environ, resp):
        worker.handle_abort(signal.SIGABRT, None)

    received = _served_by(_worker_serving(_hello, post_request=slow_post_request), lambda sock: sock)
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert received.endswith(b"\r\n\r\nhello\n")
