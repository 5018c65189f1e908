import json
from datetime import UTC, date, datetime, timedelta

from quiz.schedule import due, effective_due, forecast, new_card, next_due, review

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def learned(question_id, times=4, start=NOW):
    """A card answered right `times` times, each time when it fell due."""
    card, at = new_card(question_id, start), start
    for _ in range(times):
        card = review(card, True, at)
        at = datetime.fromisoformat(card["due"])
    return card


def test_new_card_is_json_and_due_at_once():
    card = new_card("q1")
    assert json.loads(json.dumps(card)) == card
    assert card["question_id"] == "q1"
    assert due({"q1": card}, NOW) == ["q1"]


def test_new_card_ids_are_deterministic():
    assert new_card("q1") == new_card("q1")


def test_wrong_answer_comes_back_within_minutes():
    card = review(new_card("q1", NOW), False, NOW)
    assert datetime.fromisoformat(card["due"]) - NOW <= timedelta(minutes=10)
    assert card["question_id"] == "q1"


def test_right_answers_space_the_card_out():
    card = learned("q1")
    interval = datetime.fromisoformat(card["due"]) - datetime.fromisoformat(card["last_review"])
    assert interval > timedelta(days=7)


def test_review_is_deterministic():
    assert learned("q1", times=6) == learned("q1", times=6)


def test_due_lists_most_overdue_first():
    cards = {
        "late": review(new_card("late", NOW), False, NOW - timedelta(days=3)),
        "later": review(new_card("later", NOW), False, NOW - timedelta(days=5)),
        "fresh": learned("fresh", start=NOW),
    }
    assert due(cards, NOW) == ["later", "late"]


def test_due_puts_unseen_cards_after_reviewed_ones():
    cards = {"new": new_card("new"), "old": review(new_card("old"), False, NOW - timedelta(days=1))}
    assert due(cards, NOW) == ["old", "new"]


def test_schedule_respects_exam_date():
    card = learned("q1")
    last = datetime.fromisoformat(card["last_review"])
    next_due = datetime.fromisoformat(card["due"])
    exam = last + (next_due - last) / 2
    assert exam - last > timedelta(days=4)
    eve = exam - timedelta(days=1)
    assert due({"q1": card}, eve - timedelta(minutes=1), exam_date=exam) == []
    assert due({"q1": card}, eve, exam_date=exam) == ["q1"]
    assert due({"q1": card}, eve) == []
    assert effective_due(card, exam) == eve


def test_schedule_leaves_cards_due_before_the_exam_alone():
    card = learned("q1")
    exam = datetime.fromisoformat(card["due"]) + timedelta(days=10)
    assert effective_due(card, exam) == datetime.fromisoformat(card["due"])


def test_schedule_does_not_pull_a_card_just_reviewed_before_the_exam():
    card = learned("q1")
    exam = datetime.fromisoformat(card["last_review"]) + timedelta(days=2)
    assert effective_due(card, exam) == datetime.fromisoformat(card["due"])


def test_schedule_accepts_an_exam_day_as_a_date():
    card = learned("q1")
    last = datetime.fromisoformat(card["last_review"])
    exam_day = (last + timedelta(days=6)).date()
    assert isinstance(exam_day, date)
    assert effective_due(card, exam_day) < datetime.fromisoformat(card["due"])


def test_schedule_ignores_an_exam_already_past():
    card = learned("q1")
    last = datetime.fromisoformat(card["last_review"])
    assert due({"q1": card}, last + timedelta(days=6), exam_date=last + timedelta(days=5)) == []


def test_review_of_a_damaged_card_starts_afresh():
    card = review({"question_id": "q1", "due": "not a date"}, True, NOW)
    assert card["question_id"] == "q1"
    assert card["last_review"] is not None


def test_naive_times_are_taken_as_utc():
    card = review(new_card("q1"), False, NOW.replace(tzinfo=None))
    assert datetime.fromisoformat(card["last_review"]) == NOW


def test_forecast_counts_overdue_and_today_together_then_each_day():
    wrong = review(new_card("wrong", NOW), False, NOW)  # back within minutes: today
    once = review(new_card("once", NOW - timedelta(days=30)), True, NOW - timedelta(days=30))  # overdue
    later = learned("later", times=3)
    day = (datetime.fromisoformat(later["due"]).date() - NOW.date()).days
    counts = forecast({"wrong": wrong, "once": once, "later": later}, NOW)
    assert len(counts) == 7 and counts[0] == 2
    assert sum(counts) == (3 if day < 7 else 2)


def test_forecast_brings_cards_forward_to_the_eve_of_the_exam():
    far = {
        **learned("far", times=3),
        "last_review": (NOW - timedelta(days=10)).isoformat(),
        "due": (NOW + timedelta(days=30)).isoformat(),
    }
    assert forecast({"far": far}, NOW) == [0] * 7
    counts = forecast({"far": far}, NOW, NOW.date() + timedelta(days=4))
    assert counts == [0, 0, 0, 1, 0, 0, 0]


def test_next_due_is_the_first_card_still_to_come():
    wrong = review(new_card("wrong", NOW), False, NOW)
    cards = {"wrong": wrong, "learned": learned("learned", start=NOW - timedelta(days=60))}
    assert next_due(cards, NOW) == datetime.fromisoformat(wrong["due"])
    assert next_due({"overdue": review(new_card("o", NOW), False, NOW - timedelta(days=1))}, NOW) is None
