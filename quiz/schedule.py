"""Spaced repetition with FSRS (the `fsrs` package), aware of the learner's exam date.

Cards are plain JSON-able dicts (fsrs' Card.to_dict plus `question_id`) so the web layer stores them as
they are. Fuzzing is off and time is always passed in, so the same answers at the same times give the
same schedule.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(enable_fuzzing=False)

# Exam-date rule: a card FSRS would next show after the day before the exam is shown on that day
# instead (EXAM_EVE_OFFSET before the exam), so everything is seen once more before the exam; unless
# it was reviewed within FRESH_BEFORE_EXAM of the exam, which is recent enough to leave it be.
EXAM_EVE_OFFSET = timedelta(days=1)
FRESH_BEFORE_EXAM = timedelta(days=3)

NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(moment: datetime | date) -> datetime:
    """A UTC-aware datetime, as fsrs requires; naive values are taken to be UTC, dates mean midnight."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time.min, tzinfo=UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def new_card(question_id: str, now: datetime | None = None) -> dict[str, Any]:
    """A card never reviewed, due at `now` (or at once when `now` is not given)."""
    card = Card(card_id=zlib.crc32(question_id.encode()), due=_utc(now) if now else NEVER)
    return {**card.to_dict(), "question_id": question_id}


def _load(card_dict: Any, question_id: str) -> Card:
    """The stored card, or a fresh one when what is stored is damaged."""
    try:
        card = Card.from_dict(card_dict)
        card.due = _utc(card.due)
        card.last_review = _utc(card.last_review) if card.last_review else None
        return card
    except (KeyError, TypeError, ValueError, AttributeError):
        return Card(card_id=zlib.crc32(question_id.encode()), due=NEVER)


def review(card_dict: Mapping[str, Any], correct: bool, now: datetime) -> dict[str, Any]:
    """The card after one answer: wrong -> Rating.Again, right -> Rating.Good."""
    question_id = str(card_dict.get("question_id", "")) if isinstance(card_dict, Mapping) else ""
    card = _load(card_dict, question_id)
    rating = Rating.Good if correct else Rating.Again
    card, _ = SCHEDULER.review_card(card, rating, review_datetime=_utc(now))
    return {**card.to_dict(), "question_id": question_id}


def effective_due(card_dict: Mapping[str, Any], exam_date: datetime | date | None = None) -> datetime:
    """When the card is due, after the exam-date rule above is applied."""
    card = _load(card_dict, "")
    if exam_date is None or card.last_review is None:
        return card.due
    exam = _utc(exam_date)
    eve = exam - EXAM_EVE_OFFSET
    if card.due > eve and card.last_review < exam - FRESH_BEFORE_EXAM:
        return eve
    return card.due


def due(
    cards: Mapping[str, Mapping[str, Any]], now: datetime, exam_date: datetime | date | None = None
) -> list[str]:
    """Question ids due at `now`, most overdue first; cards never reviewed come after the reviewed ones.

    The exam date only counts while the exam is still ahead.
    """
    now = _utc(now)
    if exam_date is not None and _utc(exam_date) <= now:
        exam_date = None
    reviewed, unseen = [], []
    for question_id, card_dict in cards.items():
        when = effective_due(card_dict, exam_date)
        if when <= now:
            seen = isinstance(card_dict, Mapping) and bool(card_dict.get("last_review"))
            (reviewed if seen else unseen).append((when, question_id))
    return [question_id for _, question_id in sorted(reviewed) + sorted(unseen)]


def next_due(
    cards: Mapping[str, Mapping[str, Any]], now: datetime, exam_date: datetime | date | None = None
) -> datetime | None:
    """When the next card not yet due becomes due (a wrong answer comes back within minutes), or None."""
    now = _utc(now)
    if exam_date is not None and _utc(exam_date) <= now:
        exam_date = None
    later = [when for card in cards.values() if (when := effective_due(card, exam_date)) > now]
    return min(later, default=None)


def forecast(
    cards: Mapping[str, Mapping[str, Any]],
    now: datetime,
    exam_date: datetime | date | None = None,
    days: int = 7,
    zone: tzinfo = UTC,
) -> list[int]:
    """Reviews per day for `days` days from today (days of the learner's `zone`): today's count holds every
    card due by the end of today, overdue ones included, as `due` would list them over the day; the
    exam-date rule applies."""
    now = _utc(now)
    if exam_date is not None and _utc(exam_date) <= now:
        exam_date = None
    today = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
    counts = [0] * days
    for card_dict in cards.values():
        day = (effective_due(card_dict, exam_date) - today).days
        if day < days:
            counts[max(day, 0)] += 1
    return counts
