"""A WSGI app whose requests outrun gunicorn's worker timeout, for tests/test_gunicorn.py to serve with the
project's gunicorn config: the product itself has no request that hangs."""

import time

STALL = 60  # seconds: longer than any timeout a test gives gunicorn


def app(environ, start_response):
    if environ["PATH_INFO"] == "/begun":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100")])
        return _first_line_then_stall()
    time.sleep(STALL)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"too late\n"]


def _first_line_then_stall():
    yield b"first line\n"
    time.sleep(STALL)
    yield b"never sent\n"
