"""A class at once against a real server: every answer the server acknowledged is stored, none is refused.

Many learners answer exam and practice questions at the same moment through gunicorn's worker processes,
which is when SQLite's write lock is contended; a save that lost that race used to come back as a 500
("database is locked") and the exam's autosave dropped it silently.
"""

import json
import random
import re
import threading

from tests.live import Browser, LiveServer
from tests.parallel import in_parallel

ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)/1$")
OPTION = re.compile(r'name="option" value="([^"]+)"')
LEARNERS = 24
QUESTIONS_EACH = 12


def _response_for(page: str, rng: random.Random) -> tuple[list[tuple[str, str]], object]:
    """Form fields answering the question on `page`, and the response the server should store for them."""
    options = OPTION.findall(page)
    if 'type="checkbox"' in page:
        chosen = sorted(rng.sample(options, 2))
        return [("option", o) for o in chosen], chosen
    if options:
        chosen = rng.choice(options)
        return [("option", chosen)], chosen
    text = f"answer {rng.randrange(10**6)}"
    return [("answer", text)], text


class Learner(threading.Thread):
    """Starts an exam or a practice, answers its questions (some twice), and notes what was acknowledged."""

    def __init__(self, url: str, seed: int, kind: str):
        super().__init__()
        self.browser = Browser(url)
        self.rng = random.Random(seed)
        self.kind = kind
        self.acknowledged: dict[int, object] = {}
        self.failures: list[str] = []
        self.attempt_id = None

    def run(self):
        try:
            self.browser.get("/quizzes/")
            started = self.browser.post(
                f"/quizzes/{self.kind}", {"size": 20} if self.kind == "practice" else {}
            )
            self.attempt_id = int(ATTEMPT_URL.search(started.url).group(1))
            for number in range(1, QUESTIONS_EACH + 1):
                self._answer(number)
                if self.kind == "exam" and self.rng.random() < 0.3:
                    self._answer(number)  # a change of mind: the later answer must be the one kept
        except Exception as exc:  # noqa: BLE001 (the test reports every learner's failure together)
            self.failures.append(repr(exc))

    def _answer(self, number: int):
        path = f"/quizzes/attempts/{self.attempt_id}/{number}"
        page = self.browser.get(path)
        if page.status != 200:
            self.failures.append(f"GET {path}: {page.status}")
            return
        if 'class="embedded-lab' in page.body or "Start the lab for this question" in page.body:
            return
        fields, stored = _response_for(page.body, self.rng)
        if self.kind == "exam":
            reply = self.browser.post(path, [*fields, ("go", "autosave")])
            ok = reply.status == 204
        else:
            reply = self.browser.post(path, fields, htmx=True)
            ok = reply.status == 200
        if ok:
            self.acknowledged[number] = stored
        else:
            self.failures.append(f"POST {path}: {reply.status} {reply.body[:200]}")


def _stored_answers(server: LiveServer, attempt_id: int) -> dict[str, object]:
    rows = server.query("SELECT question_id, response FROM answers WHERE attempt_id = ?", [attempt_id])
    return {qid: json.loads(response) for qid, response in rows if response is not None}


def test_a_class_answering_at_once_loses_nothing(gunicorn_server):
    server = gunicorn_server
    learners = [Learner(server.url, seed, "exam" if seed % 3 else "practice") for seed in range(LEARNERS)]
    for learner in learners:
        learner.start()
    for learner in learners:
        learner.join(timeout=120)

    assert [f for learner in learners for f in learner.failures] == []
    for learner in learners:
        assert learner.acknowledged, "every learner got at least one answer saved"
        question_ids = server.query("SELECT question_ids FROM attempts WHERE id = ?", [learner.attempt_id])
        ids = json.loads(question_ids[0][0])
        stored = _stored_answers(server, learner.attempt_id)
        for number, response in learner.acknowledged.items():
            assert stored.get(ids[number - 1]) == response, (learner.kind, number)
    assert server.query("PRAGMA integrity_check") == [("ok",)]


def test_ten_starts_at_once_from_one_browser_make_one_lab_and_one_exam(gunicorn_server):
    server = gunicorn_server
    browser = Browser(server.url)
    browser.get("/labs/")
    assert browser.post("/labs/kvm-guest/start", {}).status == 200  # the visitor's guest record exists now

    paths = iter(["/labs/intel-vtx-host/start", "/quizzes/exam"] * 10)
    replies = in_parallel(20, lambda: browser.post(next(paths), {}).status)
    assert replies == [200] * 20
    assert server.query("SELECT count(*) FROM labs WHERE scenario_id = 'intel-vtx-host'") == [(1,)]
    assert server.query("SELECT count(*) FROM attempts WHERE kind = 'exam'") == [(1,)]
