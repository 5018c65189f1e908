"""The numbers of a score report: areas against the pass line, time used, and scores over attempts.

Pure Python over a submitted attempt's stored result, so the web layer only renders what it gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from quiz.exam import MAX_SCALED, MIN_SCALED, PASS_SCALED

# The share of an area's questions that the pass mark asks for overall: 500 on 200-800 is half of them.
PASS_SHARE = 100 * (PASS_SCALED - MIN_SCALED) // (MAX_SCALED - MIN_SCALED)


@dataclass(frozen=True)
class AreaRow:
    area: str
    name: str
    correct: int
    total: int
    percent: int

    @property
    def weak(self) -> bool:
        """Below the pass line: the areas worth practising first."""
        return self.percent < PASS_SHARE


def area_rows(result_areas: Mapping[str, Mapping], names: Mapping[str, str]) -> list[AreaRow]:
    """The exam's areas, weakest first (ties in the bank's order of areas), as the chart shows them."""
    order = {area: index for index, area in enumerate(names)}
    rows = [
        AreaRow(area, names.get(area, area), int(r["correct"]), int(r["total"]), int(r["percent"]))
        for area, r in result_areas.items()
    ]
    return sorted(rows, key=lambda row: (row.percent, order.get(row.area, len(order))))


@dataclass(frozen=True)
class TimeUsed:
    seconds: int
    allowed: int | None

    @property
    def text(self) -> str:
        return _duration(self.seconds)

    @property
    def allowed_text(self) -> str | None:
        return _duration(self.allowed) if self.allowed is not None else None


def _duration(seconds: int) -> str:
    """1 h 5 min, 12 min 30 s, 45 s: a duration as a person says it."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def time_used(started: datetime, submitted: datetime, deadline: datetime | None) -> TimeUsed:
    """From start to submission, never more than the time allowed (the server submits at the deadline,
    a few seconds of grace later, and those seconds were not the learner's)."""
    end = min(submitted, deadline) if deadline else submitted
    allowed = int((deadline - started).total_seconds()) if deadline else None
    return TimeUsed(int((end - started).total_seconds()), allowed)


@dataclass(frozen=True)
class ScorePoint:
    attempt_id: int
    title: str
    started_at: str
    scaled: int
    passed: bool


def score_history(attempts: Iterable[Mapping]) -> list[ScorePoint]:
    """Submitted exams with a score, oldest first (the order of a chart over time)."""
    points = [
        ScorePoint(a["id"], a["title"], a["started_at"], a["result"]["scaled"], a["result"]["passed"])
        for a in attempts
        if a.get("kind") == "exam" and a.get("submitted_at") and a.get("result")
    ]
    return sorted(points, key=lambda p: (p.started_at, p.attempt_id))


# Where review filters put a question; "unanswered" is its own state, never counted among "wrong".
FILTERS = ("wrong", "unanswered", "flagged", "all")


def review_state(answered: bool, correct: bool | None) -> str:
    if not answered:
        return "unanswered"
    return "right" if correct else "wrong"


def filter_counts(items: Iterable[Mapping]) -> dict[str, int]:
    """How many questions each filter shows; items carry `state` and `flagged`."""
    items = list(items)
    return {
        "wrong": sum(1 for i in items if i["state"] == "wrong"),
        "unanswered": sum(1 for i in items if i["state"] == "unanswered"),
        "flagged": sum(1 for i in items if i["flagged"]),
        "all": len(items),
    }


def shown(item: Mapping, show: str) -> bool:
    if show == "flagged":
        return bool(item["flagged"])
    return show == "all" or item["state"] == show


def default_filter(counts: Mapping[str, int]) -> str:
    """A long review opens on what needs attention: the wrong answers, else those not answered (they count
    as wrong too: an exam whose time ran out), else everything."""
    return next((name for name in ("wrong", "unanswered") if counts[name]), "all")
