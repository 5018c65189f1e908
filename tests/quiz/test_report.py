from datetime import UTC, datetime, timedelta

from quiz.exam import PASS_SCALED
from quiz.model import AREAS
from quiz.report import (
    PASS_SHARE,
    area_rows,
    default_filter,
    filter_counts,
    review_state,
    score_history,
    shown,
    time_used,
)

START = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)


def test_the_pass_share_is_the_pass_mark_on_the_raw_scale():
    assert PASS_SCALED == 500 and PASS_SHARE == 50


def test_areas_come_weakest_first_and_below_half_are_weak():
    areas = {
        "vm-and-containers": {"correct": 11, "total": 22, "percent": 50},
        "iaas-elements": {"correct": 1, "total": 6, "percent": 16},
        "guest-integration": {"correct": 10, "total": 11, "percent": 90},
        "images-deployment": {"correct": 1, "total": 5, "percent": 20},
    }
    rows = area_rows(areas, AREAS)
    assert [r.area for r in rows] == [
        "iaas-elements",
        "images-deployment",
        "vm-and-containers",
        "guest-integration",
    ]
    assert [r.weak for r in rows] == [True, True, False, False]
    assert rows[0].name == "Elements of an IaaS cloud" and (rows[0].correct, rows[0].total) == (1, 6)


def test_equal_scores_keep_the_order_of_the_areas():
    same = {"correct": 1, "total": 2, "percent": 50}
    rows = area_rows({"images-deployment": same, "vm-and-containers": same}, AREAS)
    assert [r.area for r in rows] == ["vm-and-containers", "images-deployment"]


def test_time_used_is_start_to_submit_in_words():
    used = time_used(START, START + timedelta(minutes=42, seconds=10), START + timedelta(minutes=90))
    assert used.seconds == 2530 and used.text == "42 min 10 s" and used.allowed_text == "1 h 30 min"


def test_time_used_never_counts_the_grace_after_the_deadline():
    deadline = START + timedelta(minutes=30)
    used = time_used(START, deadline + timedelta(seconds=4), deadline)
    assert used.text == "30 min" and used.allowed_text == "30 min"


def test_time_used_without_a_deadline_has_no_limit():
    used = time_used(START, START + timedelta(seconds=45), None)
    assert used.text == "45 s" and used.allowed_text is None


def _attempt(attempt_id, started, scaled, kind="exam", submitted=True):
    return {
        "id": attempt_id,
        "kind": kind,
        "title": "Exam 102.6",
        "started_at": started,
        "submitted_at": "x" if submitted else None,
        "result": {"scaled": scaled, "passed": scaled >= 500} if submitted else None,
    }


def test_score_history_is_submitted_exams_oldest_first():
    attempts = [
        _attempt(3, "2026-11-29T09:00:00+00:00", 620),
        _attempt(4, "2026-11-29T10:00:00+00:00", 0, submitted=False),
        _attempt(2, "2026-11-28T09:00:00+00:00", 0, kind="practice"),
        _attempt(1, "2026-11-27T09:00:00+00:00", 440),
    ]
    history = score_history(attempts)
    assert [(p.attempt_id, p.scaled, p.passed) for p in history] == [(1, 440, False), (3, 620, True)]


def test_not_answered_is_its_own_state_and_filter():
    assert review_state(False, None) == "unanswered"
    assert review_state(True, False) == "wrong"
    assert review_state(True, True) == "right"
    items = [
        {"state": "wrong", "flagged": True},
        {"state": "unanswered", "flagged": False},
        {"state": "unanswered", "flagged": True},
        {"state": "right", "flagged": False},
    ]
    assert filter_counts(items) == {"wrong": 1, "unanswered": 2, "flagged": 2, "all": 4}
    assert [shown(i, "wrong") for i in items] == [True, False, False, False]
    assert [shown(i, "flagged") for i in items] == [True, False, True, False]
    assert default_filter(filter_counts(items)) == "wrong"
    assert default_filter(filter_counts(items[1:])) == "unanswered"
    assert default_filter(filter_counts(items[3:])) == "all"
