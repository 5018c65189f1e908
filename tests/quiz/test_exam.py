import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from conftest import make_fill, make_lab, make_multiple, make_single

from quiz.exam import (
    DEFAULT_WEIGHTS,
    EXAM_MINUTES,
    build_exam,
    deadline,
    is_expired,
    passed,
    scaled_score,
    score_attempt,
)
from quiz.model import AREAS, Bank


def bank_of(per_area=30, labs=2):
    questions = {}
    for area in AREAS:
        for n in range(per_area):
            q = make_single(qid=f"{area}-{n}", area=area)
            questions[q.id] = q
        for n in range(labs):
            q = make_lab(qid=f"{area}-lab-{n}", area=area)
            questions[q.id] = q
    return Bank(questions=questions)


def test_exam_has_60_distinct_questions():
    exam = build_exam(bank_of(), random.Random(1))
    assert len(exam) == 60
    assert len(set(exam)) == 60


def test_exam_is_deterministic_for_a_seed():
    assert build_exam(bank_of(), random.Random(7)) == build_exam(bank_of(), random.Random(7))
    assert build_exam(bank_of(), random.Random(7)) != build_exam(bank_of(), random.Random(8))


def test_exam_follows_the_default_weights():
    bank = bank_of()
    per_area = Counter(bank.questions[qid].area for qid in build_exam(bank, random.Random(1)))
    assert per_area == {
        "vm-and-containers": 22,
        "clone-unique-properties": 16,
        "guest-integration": 11,
        "iaas-elements": 6,
        "images-deployment": 5,
    }
    assert set(DEFAULT_WEIGHTS) == set(AREAS)


def test_exam_equal_weights_give_equal_shares():
    bank = bank_of()
    exam = build_exam(bank, random.Random(1), weights=dict.fromkeys(AREAS, 1))
    assert set(Counter(bank.questions[qid].area for qid in exam).values()) == {12}


def test_exam_fills_seats_an_area_cannot_from_the_others():
    bank = bank_of()
    for n in range(27):
        del bank.questions[f"vm-and-containers-{n}"]
    exam = build_exam(bank, random.Random(1))
    per_area = Counter(bank.questions[qid].area for qid in exam)
    assert len(exam) == 60
    assert per_area["vm-and-containers"] == 3


def test_exam_from_a_small_bank_uses_every_eligible_question():
    exam = build_exam(bank_of(per_area=2), random.Random(1))
    assert len(exam) == 10


def test_exam_leaves_out_labs_by_default():
    bank = bank_of(per_area=3)
    assert all(bank.questions[qid].type != "lab" for qid in build_exam(bank, random.Random(1)))
    with_labs = build_exam(bank, random.Random(1), include_labs=True)
    assert sum(bank.questions[qid].type == "lab" for qid in with_labs) == 10


def test_exam_refuses_weights_without_a_positive_area():
    with pytest.raises(ValueError):
        build_exam(bank_of(), random.Random(1), weights={"vm-and-containers": 0})


def test_exam_area_with_zero_weight_gets_no_questions():
    bank = bank_of()
    exam = build_exam(bank, random.Random(1), weights={**DEFAULT_WEIGHTS, "iaas-elements": 0})
    assert all(bank.questions[qid].area != "iaas-elements" for qid in exam)


def test_scaled_score_maps_the_ends_of_the_scale():
    assert scaled_score(0, 60) == 200
    assert scaled_score(60, 60) == 800


def test_scaled_score_500_is_pass():
    assert scaled_score(30, 60) == 500
    assert passed(500)
    assert not passed(scaled_score(29, 60))


def test_scaled_score_of_an_empty_exam_is_the_minimum():
    assert scaled_score(0, 0) == 200


def test_score_attempt_totals_per_area_and_overall():
    questions = [
        make_single(qid="s1", area="vm-and-containers"),
        make_single(qid="s2", area="vm-and-containers"),
        make_multiple(qid="m1", area="clone-unique-properties"),
        make_fill(qid="f1", area="clone-unique-properties"),
    ]
    responses = {"s1": "b", "s2": "a", "m1": ["a", "c"], "f1": "dbus-uuidgen --ensure"}
    result = score_attempt(questions, responses)
    assert (result.correct, result.total, result.percent) == (3, 4, 75)
    assert result.scaled == 650 and result.passed
    assert result.areas["vm-and-containers"].percent == 50
    assert result.areas["clone-unique-properties"].correct == 2
    assert list(result.areas) == ["vm-and-containers", "clone-unique-properties"]
    assert not result.grades["s2"].correct


def test_score_attempt_counts_unanswered_questions_as_wrong():
    result = score_attempt([make_single(qid="s1"), make_single(qid="s2")], {"s1": "b"})
    assert (result.correct, result.total) == (1, 2)


def test_exam_time_is_90_minutes():
    assert EXAM_MINUTES == 90
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert deadline(start, EXAM_MINUTES) == datetime(2025, 3, 1, 10, 30, tzinfo=UTC)


def test_exam_expires_at_the_deadline():
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert not is_expired(deadline(start), start + timedelta(minutes=89, seconds=59))
    assert is_expired(deadline(start), start + timedelta(minutes=90))


def test_exam_grace_lets_a_late_answer_count():
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert not is_expired(deadline(start), start + timedelta(minutes=90, seconds=5), grace_seconds=10)
