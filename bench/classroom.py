"""The classroom for Locust: virtual learners, and the hammers that measure what one endpoint can take.

A learner is a browser of its own: its own cookies and session, its own address, and the CSRF token of the
last page it loaded. After a think time of 3 s on average it runs a lab command, asks for a completion or
looks at a page (fetching the static files a browser has not cached); half the class also answers practice
questions, the other half sits the exam, saving an answer (as every change does) or moving on.

Learners are guests, as a visitor who starts a lab without signing up is. The app lets one address make
200 guests at once, then one every 30 s, so each learner sends its own X-Forwarded-For address, which only
the benchmark's server trusts (GUESTLAB_TRUST_PROXY): a classroom of distinct machines. Signing a thousand
learners up instead would spend the ramp on argon2 (about 150 ms of CPU and 64 MiB per password) rather
than on the mix.
"""

import collections
import itertools
import random
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

from bench import pages

THINK_SECONDS = 3.0
PRACTICE_SIZE = 10
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
COMMANDS = {
    "intel-vtx-host": [
        "grep -c vmx /proc/cpuinfo",
        "lsmod | grep kvm",
        "sudo modprobe kvm_intel",
        "ls -l /dev/kvm",
    ],
    "kvm-guest": ["systemd-detect-virt", "ip a", "cat /etc/machine-id", "lspci | grep -i virtio"],
    "docker-container": ["cat /proc/1/cgroup", "systemd-detect-virt", "ls -a /", "hostname"],
    "clone-identifiers": ["hostnamectl", "cat /etc/machine-id", "ip link", "ls /etc/ssh"],
}
COMPLETIONS = ["sys", "cat /proc/cp", "lsm", "ls /dev/k"]
PAGES = [("/", "home page"), ("/labs/", "labs page"), ("/quizzes/", "quizzes page")]
FRESH = "fresh"

ready = collections.Counter()
"""How many users of each class have finished setting up, so that a ramp step is measured only after."""

_addresses = itertools.count(1)


def _next_address() -> str:
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Visitor(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.rng = random.Random()
        self.address = _next_address()
        self.csrf = ""
        self.last_html = ""
        self.cache: dict[str, str] = {}
        self.page("/", "home page")

    def _headers(self, extra: dict | None = None) -> dict:
        return {"X-Forwarded-For": self.address, **(extra or {})}

    @staticmethod
    def _check(response, expected: int) -> None:
        if response.status_code != expected:
            response.failure(f"status {response.status_code}, expected {expected}")

    def page(self, path: str, name: str) -> str:
        """A full page load: the HTML, then its static files as a browser's cache asks for them."""
        with self.client.get(path, name=name, headers=self._headers(), catch_response=True) as response:
            self._check(response, 200)
            html = response.text or ""
        self.csrf = pages.csrf_token(html)
        self.last_html = html
        for static in pages.static_files(html):
            self.fetch_static(static)
        return html

    def fetch_static(self, path: str) -> None:
        """Once for a file cached as fresh (ours are, for a year); else again with its ETag each page."""
        cached = self.cache.get(path)
        if cached == FRESH:
            return
        validator = {"If-None-Match": cached} if cached else {}
        response = self.client.get(path, name="static", headers=self._headers(validator))
        headers = response.headers or {}
        if pages.fresh_for_a_while(headers.get("Cache-Control", "")):
            self.cache[path] = FRESH
        elif headers.get("ETag"):
            self.cache[path] = headers["ETag"]

    def post(self, path: str, name: str, data: dict, expected: int, partial: bool = False):
        """A form post as the page sends it: the token in htmx's header, a redirect not followed."""
        extra = {"X-CSRFToken": self.csrf, **(HTMX if partial else {})}
        with self.client.post(
            path,
            name=name,
            data=data,
            headers=self._headers(extra),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self._check(response, expected)
            return response

    def start_activity(self, path: str, name: str, data: dict | None = None) -> str:
        """Start a lab, a practice or an exam: a POST answered 303, then the page it leads to."""
        response = self.post(path, name, data or {}, 303)
        location = pages.location_path(response.headers.get("Location", ""))
        self.page(location, "lab page" if location.startswith("/labs/") else "question page")
        return location

    def start_lab(self) -> None:
        self.scenario = self.rng.choice(list(COMMANDS))
        self.start_activity(f"/labs/{self.scenario}/start", "start lab")

    def run_command(self) -> None:
        line = self.rng.choice(COMMANDS[self.scenario])
        self.post(f"/labs/{self.scenario}/run", "command", {"line": line}, 200, partial=True)

    def start_exam(self) -> None:
        self.exam_url = self.start_activity("/quizzes/exam", "start exam").rsplit("/", 1)[0]
        self.exam_number = 1
        self.exam_form = pages.question_form(self.last_html)

    def save_exam_answer(self) -> None:
        """What app.js posts on every change of an exam answer."""
        data = {**self.exam_form.answer(self.rng), "go": "autosave"}
        self.post(f"{self.exam_url}/{self.exam_number}", "answer", data, 204)


class Learner(Visitor):
    """A learner of the classroom mix: lab work and page views, and either practice or an exam."""

    abstract = True

    def wait_time(self) -> float:
        return self.rng.expovariate(1 / THINK_SECONDS)

    def on_start(self) -> None:
        super().on_start()
        self.start_lab()

    @task(4)
    def command(self) -> None:
        self.run_command()

    @task(1)
    def complete(self) -> None:
        query = urlencode({"line": self.rng.choice(COMPLETIONS)})
        self.client.get(f"/labs/{self.scenario}/complete?{query}", name="complete", headers=self._headers())

    @task(1)
    def look_around(self) -> None:
        if self.rng.random() < 0.5:
            self.page(f"/labs/{self.scenario}", "lab page")
        else:
            self.page(*self.rng.choice(PAGES))


class PractisingLearner(Learner):
    def on_start(self) -> None:
        super().on_start()
        self.start_practice()
        ready["Learner"] += 1

    def start_practice(self) -> None:
        data = {"mode": "all", "size": str(PRACTICE_SIZE)}
        self.practice_url = self.start_activity("/quizzes/practice", "start practice", data).rsplit("/", 1)[0]
        self.practice_number = 1
        self.practice_form = pages.question_form(self.last_html)

    @task(4)
    def practice(self) -> None:
        """Answer the question on screen or, once answered, go to the next (a new set after the last)."""
        if self.practice_form is not None:
            data = self.practice_form.answer(self.rng)
            url = f"{self.practice_url}/{self.practice_number}"
            self.post(url, "practice answer", data, 200, partial=True)
            self.practice_form = None
        elif self.practice_number < PRACTICE_SIZE:
            self.practice_number += 1
            self.page(f"{self.practice_url}/{self.practice_number}", "question page")
            self.practice_form = pages.question_form(self.last_html)
        else:
            self.start_practice()


class ExamCandidate(Learner):
    """Sits the exam; the app keeps the exam's keys out of practice meanwhile, so it does not practise."""

    def on_start(self) -> None:
        super().on_start()
        self.start_exam()
        ready["Learner"] += 1

    @task(6)
    def answer(self) -> None:
        self.save_exam_answer()

    @task(2)
    def answer_and_next(self) -> None:
        """The "Save and next" button: the answer saved and the next question swapped in by htmx."""
        data = {**self.exam_form.answer(self.rng), "go": "next"}
        response = self.post(
            f"{self.exam_url}/{self.exam_number}", "answer and next", data, 200, partial=True
        )
        html = response.text or ""
        position = pages.question_position(html)
        if position is None:
            return
        number, total = position
        if number == total:
            self.page(f"{self.exam_url}/1", "question page")
            number, html = 1, self.last_html
        self.exam_number = number
        self.exam_form = pages.question_form(html)


LEARNERS = [PractisingLearner, ExamCandidate]
"""The classroom: as many learners practising as sitting the exam, all of them working in labs."""


class CeilingHammer(FastHttpUser):
    """The fastest thing the server does: the stylesheet the pages link to, asked for without a pause."""

    wait_time = constant(0)

    def on_start(self) -> None:
        html = self.client.get("/", name="home page").text or ""
        self.stylesheet = next(path for path in pages.static_files(html) if path.endswith(".css"))
        ready["CeilingHammer"] += 1

    @task
    def ceiling(self) -> None:
        self.client.get(self.stylesheet, name="ceiling")


class CommandHammer(Visitor):
    wait_time = constant(0)

    def on_start(self) -> None:
        super().on_start()
        self.start_lab()
        ready["CommandHammer"] += 1

    @task
    def command(self) -> None:
        self.run_command()


class AnswerHammer(Visitor):
    wait_time = constant(0)

    def on_start(self) -> None:
        super().on_start()
        self.start_exam()
        ready["AnswerHammer"] += 1

    @task
    def answer(self) -> None:
        self.save_exam_answer()
