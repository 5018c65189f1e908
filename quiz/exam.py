"""Build, time and score an exam the way LPI does: 60 questions, 90 minutes, 200-800 with 500 to pass."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from quiz.grading import Grade, grade
from quiz.model import AREAS, Bank, Question

# LPI: each LPIC-1 exam (101-500, 102-500) has 60 questions in 90 minutes, scored 200-800, 500 passes
# (https://www.lpi.org/our-certifications/lpic-1-overview; checked through secondary copies of LPI's FAQ,
# e.g. penguin-gym-linux.com/en/articles/lpic/passing-score-and-details, not the live page).
EXAM_QUESTIONS = 60
EXAM_MINUTES = 90
MIN_SCALED, MAX_SCALED, PASS_SCALED = 200, 800, 500


# Objective 102.6 does not weight its five Key Knowledge Areas, so we derive the emphasis from its own
# text: one point for each area, plus one for each of the objective's six Terms that belongs to it
# (virtual machine, Linux container, application container -> vm-and-containers; SSH host keys,
# D-Bus machine id -> clone-unique-properties; guest drivers -> guest-integration). Of 60 questions that
# gives 22, 16, 11, 6 and 5 (a tie in remainders goes to the area listed first in AREAS).
DEFAULT_WEIGHTS: dict[str, float] = {
    "vm-and-containers": 4,
    "clone-unique-properties": 3,
    "guest-integration": 2,
    "iaas-elements": 1,
    "images-deployment": 1,
}


def _quotas(available: Mapping[str, int], weights: Mapping[str, float], size: int) -> dict[str, int]:
    """Seats per area proportional to weight (largest remainder), capped by what each area has.

    Seats an area cannot fill go to the others, again in proportion to their weights.
    """
    quotas = {area: 0 for area in available}
    weighted = [a for a in available if weights.get(a, 0) > 0]
    seats_to_fill = min(size, sum(available[a] for a in weighted))
    while (left := seats_to_fill - sum(quotas.values())) > 0:
        open_areas = [a for a in weighted if quotas[a] < available[a]]
        total = sum(weights[a] for a in open_areas)
        shares = {a: left * weights[a] / total for a in open_areas}
        seats = {a: int(shares[a]) for a in open_areas}
        by_remainder = sorted(open_areas, key=lambda a: seats[a] - shares[a])
        for area in by_remainder[: left - sum(seats.values())]:
            seats[area] += 1
        for area in open_areas:
            quotas[area] += min(seats[area], available[area] - quotas[area])
    return quotas


def build_exam(
    bank: Bank,
    rng: random.Random,
    size: int = EXAM_QUESTIONS,
    weights: Mapping[str, float] | None = None,
    include_labs: bool = False,
) -> list[str]:
    """Question ids for one exam: spread over the areas by `weights`, no duplicates, order from `rng`.

    Lab questions need the simulator and untimed work, so they are left out unless `include_labs`.
    A bank smaller than `size` gives every eligible question.
    """
    weights = DEFAULT_WEIGHTS if weights is None else weights
    if any(w < 0 for w in weights.values()) or not any(weights.get(a, 0) > 0 for a in AREAS):
        raise ValueError("weights must be non-negative and give at least one area a positive weight")
    pools = {
        area: sorted(q.id for q in bank.by_area(area) if include_labs or q.type != "lab") for area in AREAS
    }
    quotas = _quotas({a: len(p) for a, p in pools.items()}, weights, size)
    chosen = [qid for area in AREAS for qid in rng.sample(pools[area], quotas[area])]
    rng.shuffle(chosen)
    return chosen


# LPI does not publish how raw answers map to the 200-800 scale (its items carry different difficulties),
# so we use an honest straight line: 0% -> 200, 100% -> 800, hence 50% -> 500, the pass mark.
def scaled_score(correct: int, total: int) -> int:
    """Map a raw result linearly onto 200-800 (0% -> 200, 50% -> 500, 100% -> 800), rounding down."""
    if total <= 0:
        return MIN_SCALED
    correct = max(0, min(correct, total))
    return MIN_SCALED + (MAX_SCALED - MIN_SCALED) * correct // total


def passed(scaled: int) -> bool:
    return scaled >= PASS_SCALED


@dataclass(frozen=True)
class AreaResult:
    correct: int
    total: int
    percent: int


@dataclass(frozen=True)
class ExamResult:
    """Raw and scaled results; `areas` follows AREAS order and holds only areas the exam asked about.

    Percentages are whole numbers rounded down, so a shown 50% never hides a fail.
    """

    correct: int
    total: int
    percent: int
    scaled: int
    passed: bool
    areas: dict[str, AreaResult] = field(default_factory=dict)
    grades: dict[str, Grade] = field(default_factory=dict)


def _percent(correct: int, total: int) -> int:
    return 100 * correct // total if total else 0


def score_attempt(questions: Iterable[Question], responses: Mapping[str, Any]) -> ExamResult:
    """Grade every question of the exam (an unanswered one is wrong) and total by area."""
    grades: dict[str, Grade] = {}
    tally: dict[str, list[int]] = {}
    for question in questions:
        result = grade(question, responses.get(question.id))
        grades[question.id] = result
        counts = tally.setdefault(question.area, [0, 0])
        counts[0] += result.correct
        counts[1] += 1
    ordered = [a for a in AREAS if a in tally] + sorted(a for a in tally if a not in AREAS)
    areas = {a: AreaResult(tally[a][0], tally[a][1], _percent(*tally[a])) for a in ordered}
    correct = sum(r.correct for r in areas.values())
    total = sum(r.total for r in areas.values())
    scaled = scaled_score(correct, total)
    return ExamResult(
        correct=correct,
        total=total,
        percent=_percent(correct, total),
        scaled=scaled,
        passed=passed(scaled),
        areas=areas,
        grades=grades,
    )


def deadline(started_at: datetime, minutes: int = EXAM_MINUTES) -> datetime:
    return started_at + timedelta(minutes=minutes)


def is_expired(deadline_at: datetime, now: datetime, grace_seconds: int = 0) -> bool:
    """Whether the time is up; `grace_seconds` lets an answer sent as the clock ran out still count.

    Takes the deadline an attempt stored when it began, so a later change of EXAM_MINUTES does not move
    it. Both datetimes must be of the same kind (both aware, or both naive UTC).
    """
    return now >= deadline_at + timedelta(seconds=grace_seconds)
