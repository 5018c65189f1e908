"""What a virtual learner reads from the pages it gets: the CSRF token, the static files, a question's form.

Regular expressions over our own templates are enough here; a full HTML parser would cost the load
generator CPU that it needs for sending requests.
"""

import random
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)" name="option" value="([^"]+)"')
FILL = re.compile(r'<input id="answer" name="answer"')
STATIC = re.compile(r'(?:href|src)="(/static/[^"?]+)(?:\?[^"]*)?"')
MAX_AGE = re.compile(r"max-age=(\d+)")
POSITION = re.compile(r"question (\d+) of (\d+)</h1>")


def csrf_token(html: str) -> str:
    """The token the page's meta tag carries; htmx and app.js send it as X-CSRFToken."""
    match = CSRF_META.search(html)
    if match is None:
        raise ValueError("the page has no csrf-token meta tag")
    return match.group(1)


def static_files(html: str) -> list[str]:
    """The stylesheets, scripts and icon a browser fetches after the page itself."""
    return list(dict.fromkeys(STATIC.findall(html)))


def fresh_for_a_while(cache_control: str) -> bool:
    """Whether a browser would reuse the response without asking again: a max-age above 0, no no-cache."""
    match = MAX_AGE.search(cache_control)
    return bool(
        match
        and int(match.group(1)) > 0
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
    )


def location_path(location: str) -> str:
    """The path of a redirect's Location, absolute or not, without its fragment."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class QuestionForm:
    kind: str
    options: tuple[str, ...]

    def answer(self, rng: random.Random) -> dict[str, object]:
        """Fields a learner might send: one choice, two choices, a typed word, or none for a lab question."""
        if self.kind == "single":
            return {"option": rng.choice(self.options)}
        if self.kind == "multiple":
            return {"option": rng.sample(self.options, min(2, len(self.options)))}
        if self.kind == "fill":
            return {"answer": rng.choice(["kvm", "systemd-detect-virt", "/proc/cpuinfo"])}
        return {}


def question_form(html: str) -> QuestionForm:
    choices = CHOICE.findall(html)
    if choices:
        kind = "single" if choices[0][0] == "radio" else "multiple"
        return QuestionForm(kind, tuple(value for _, value in choices))
    return QuestionForm("fill" if FILL.search(html) else "lab", ())


def question_position(html: str) -> tuple[int, int] | None:
    """(number, total) from the heading "…: question 3 of 60", or None on a page without one."""
    match = POSITION.search(html)
    return (int(match.group(1)), int(match.group(2))) if match else None
