"""`python -m bench.inprocess [ROUNDS]`: CPU per lab command in one process, without HTTP or load generator.

The classroom's commands (classroom.COMMANDS: four scenarios, four lines each) are posted as htmx does, CSRF
token included, straight to the WSGI app, once the labs' logs are full. Each round measures them with the
recent-worlds cache as it is (a learner's next command on the same worker: the world is kept) and emptied
before each command (the next command on another worker: the world is loaded from its state), in CPU time.
Quieter than the load test and cheap enough to run on a shared machine; compare two trees by running it in
each, alternately (bench/PROFILE.md, session 5). Importing the classroom imports Locust, which patches the
standard library for gevent: nothing measured here uses a socket, and the figures match a copy without it.
"""

import sys
import tempfile
import time

from werkzeug.test import EnvironBuilder

from app import create_app
from bench.classroom import COMMANDS, HTMX
from web import lab_store

PLAN = [(scenario, lines[i]) for i in range(4) for scenario, lines in COMMANDS.items()]
FULL_LOG = 400  # commands first run, so that every lab's log is at its 300 commands
BATCH = 160


def _token(page: str) -> str:
    return page.split('name="csrf-token" content="')[1].split('"')[0]


def main(rounds: int = 5) -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SECRET_KEY": "bench", "DATABASE": f"{folder}/bench.sqlite"})
        client = app.test_client()
        token = _token(client.get("/").get_data(as_text=True))
        for scenario in COMMANDS:
            client.post(f"/labs/{scenario}/start", headers={"X-CSRFToken": token})
            token = _token(client.get(f"/labs/{scenario}").get_data(as_text=True))
        headers = {**HTMX, "X-CSRFToken": token}

        def environ(n: int) -> dict:
            scenario, line = PLAN[n % len(PLAN)]
            built = EnvironBuilder(
                path=f"/labs/{scenario}/run", method="POST", data={"line": line}, headers=headers
            ).get_environ()
            client._add_cookies_to_wsgi(built)  # the session cookie, as the test client would send it
            return built

        def start_response(status, response_headers, exc_info=None):
            assert status.startswith("200"), status

        for n in range(FULL_LOG):
            b"".join(app.wsgi_app(environ(n), start_response))
        figures: dict[str, list[float]] = {"kept": [], "loaded": []}
        for _ in range(rounds):
            for case, figure in figures.items():
                batch = [environ(n) for n in range(BATCH)]
                started = time.process_time()
                for request in batch:
                    if case == "loaded":
                        lab_store._recent.clear()
                    b"".join(app.wsgi_app(request, start_response))
                figure.append((time.process_time() - started) * 1000 / BATCH)
        for case, figure in figures.items():
            figure.sort()
            median = figure[len(figure) // 2]
            print(f"world {case:6}: min {figure[0]:.3f}  median {median:.3f} ms CPU per command")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:2])))
