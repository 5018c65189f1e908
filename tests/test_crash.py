"""Nothing acknowledged is lost when workers die: SIGKILL them again and again while a class works.

A worker killed mid-request never answers, so its learner retries as a browser would; whatever the server
did acknowledge (a 200 for a command, a 204 for an autosaved answer) must be in the database afterwards,
and the database must pass SQLite's integrity check.
"""

import http.client
import json
import random
import re
import threading
import time

from tests.live import Browser

KILLS = 50
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)/1$")
OPTION = re.compile(r'name="option" value="([^"]+)"')


def _until_answered(send, stop_at: float):
    """Send until the server answers at all (a killed worker drops the connection); None if time ran out."""
    while time.monotonic() < stop_at:
        try:
            return send()
        except (OSError, http.client.HTTPException):  # the worker died mid-answer, or a new one is booting
            time.sleep(0.05)
    return None


class Worker(threading.Thread):
    def __init__(self, url: str, seed: int, done: threading.Event):
        super().__init__()
        self.browser = Browser(url)
        self.rng = random.Random(seed)
        self.seed = seed
        self.done = done
        self.stop_at = time.monotonic() + 120
        self.commands: list[str] = []  # lines whose run the server acknowledged
        self.answers: dict[int, object] = {}  # question number -> the response acknowledged
        self.attempt_id = None
        self.errors: list[str] = []

    def run(self):
        _until_answered(lambda: self.browser.get("/labs/"), self.stop_at)
        _until_answered(lambda: self.browser.post("/labs/kvm-guest/start", {}), self.stop_at)
        started = _until_answered(lambda: self.browser.post("/quizzes/exam", {}), self.stop_at)
        self.attempt_id = int(ATTEMPT_URL.search(started.url).group(1))
        number = 0
        # Work until the kills are done: each of the exam's 60 questions once, commands around them (fewer
        # than the log keeps, so every acknowledged one must still be there).
        while not self.done.is_set() and time.monotonic() < self.stop_at and len(self.commands) < 250:
            if number < 60 and self.rng.random() < 0.5:
                number += 1
                self._answer(number)
            else:
                self._command(f"echo learner-{self.seed}-{len(self.commands)}")

    def _command(self, line: str):
        reply = _until_answered(
            lambda: self.browser.post("/labs/kvm-guest/run", {"line": line}, htmx=True, timeout=10),
            self.stop_at,
        )
        if reply is not None and reply.status == 200 and line in reply.body:
            self.commands.append(line)
        elif reply is not None:
            self.errors.append(f"command: {reply.status}")

    def _answer(self, number: int):
        path = f"/quizzes/attempts/{self.attempt_id}/{number}"
        page = _until_answered(lambda: self.browser.get(path, timeout=10), self.stop_at)
        if page is None:
            return
        options = OPTION.findall(page.body)
        if 'type="checkbox"' in page.body:
            fields, stored = [("option", o) for o in sorted(options[:2])], sorted(options[:2])
        elif options:
            fields, stored = [("option", options[0])], options[0]
        else:
            fields, stored = [("answer", f"kill test {number}")], f"kill test {number}"
        reply = _until_answered(
            lambda: self.browser.post(path, [*fields, ("go", "autosave")], timeout=10), self.stop_at
        )
        if reply is not None and reply.status == 204:
            self.answers[number] = stored
        elif reply is not None:
            self.errors.append(f"answer: {reply.status}")


def test_killing_workers_fifty_times_loses_no_acknowledged_answer_or_command(gunicorn_server):
    server = gunicorn_server
    done = threading.Event()
    learners = [Worker(server.url, seed, done) for seed in range(6)]
    for learner in learners:
        learner.start()
    kills, rng = 0, random.Random(7)
    deadline = time.monotonic() + 100

    def work_done():
        return sum(len(learner.commands) + len(learner.answers) for learner in learners)

    while kills < KILLS and time.monotonic() < deadline:
        before = work_done()
        while work_done() == before and time.monotonic() < deadline:
            time.sleep(0.02)  # each kill lands while the class is being served, not on a booting worker
        time.sleep(rng.uniform(0, 0.1))
        kills += server.kill_a_worker()
    done.set()
    for learner in learners:
        learner.join(timeout=150)
    server.stop()

    assert kills >= KILLS
    assert [e for learner in learners for e in learner.errors] == []
    logged = {line for (line,) in server.query("SELECT line FROM lab_commands")}
    acknowledged = [line for learner in learners for line in learner.commands]
    assert len(acknowledged) > 20, "the learners got work done between the kills"
    assert set(acknowledged) <= logged
    for learner in learners:
        ids = json.loads(
            server.query("SELECT question_ids FROM attempts WHERE id = ?", [learner.attempt_id])[0][0]
        )
        rows = server.query(
            "SELECT question_id, response FROM answers WHERE attempt_id = ?", [learner.attempt_id]
        )
        stored = {qid: json.loads(response) for qid, response in rows}
        for number, response in learner.answers.items():
            assert stored.get(ids[number - 1]) == response
    assert server.query("PRAGMA integrity_check") == [("ok",)]
