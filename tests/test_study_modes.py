"""Study mode (feedback after each answer) and exams of a length and time the learner chooses."""

import datetime
import json

import pytest

from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _minutes_allowed(attempt):
    started = datetime.datetime.fromisoformat(attempt["started_at"])
    return round((datetime.datetime.fromisoformat(attempt["deadline"]) - started).total_seconds() / 60)


def test_a_shorter_exam_has_the_length_and_time_chosen(client, db):
    response = client.post("/quizzes/exam", data={"size": "20", "minutes": "30"})
    assert response.status_code == 303
    attempt = db["attempts"].get(1)
    assert len(json.loads(attempt["question_ids"])) == 20 and _minutes_allowed(attempt) == 30
    assert attempt["title"] == "Short exam, 20 questions in 30 minutes"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Short exam, 20 questions in 30 minutes: question 1 of 20" in page


def test_a_length_not_offered_is_refused_in_words_and_starts_nothing(client, db):
    for form in ({"size": "3", "minutes": "1"}, {"size": "20", "minutes": "-5"}, {"size": "99999"}):
        response = client.post("/quizzes/exam", data=form, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "That length or time is not offered." in page
        assert "10, 20, 30 or 40 questions in 15, 30, 45 or 60 minutes" in page
    assert db["attempts"].count == 0
    client.post("/quizzes/exam")
    attempt = db["attempts"].get(1)
    assert len(json.loads(attempt["question_ids"])) == 60 and _minutes_allowed(attempt) == 90
    assert attempt["title"] == "Exam 102.6"


def test_a_shorter_exam_is_scored_on_the_same_scale(client, db):
    client.post("/quizzes/exam", data={"size": "10", "minutes": "15"})
    client.post("/quizzes/attempts/1/submit")
    page = client.get("/quizzes/attempts/1/review").get_data(as_text=True)
    assert "200 / 800: not passed" in page and "0 of 10 right" in page and "of 15 min." in page


@pytest.mark.parametrize(
    ("form", "title"),
    [
        ({}, "Practice on all areas"),
        ({"area": "iaas-elements"}, "Practice on Elements of an IaaS cloud"),
        (
            {"area": "iaas-elements", "term": "ssh-host-keys"},
            "Practice on Elements of an IaaS cloud and SSH host keys",
        ),
    ],
)
def test_practices_are_named_by_what_they_are_on(client, db, form, title):
    client.post("/quizzes/practice", data={"size": "5", **form})
    assert db["attempts"].get(1)["title"] == title


def test_the_list_of_attempts_shows_a_readable_date(client, db):
    client.post("/quizzes/practice", data={"size": "5"})
    db["attempts"].update(1, {"started_at": "2026-11-29T07:23:41+00:00"})
    page = client.get("/quizzes/").get_data(as_text=True)
    assert "29 Nov 2026, 07:23 UTC" in page and "2026-11-29T07:23" not in page.split("datetime=")[0]
    assert "Practice on all areas, 29 Nov 2026, 07:23 UTC" in page


def test_a_question_page_puts_the_focus_on_the_question(client):
    location = client.post("/quizzes/practice", data={"size": "5"}).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert '<h1 id="question-title" tabindex="-1" data-focus-after-swap>' in page


@pytest.mark.parametrize(
    "mode, reason",
    [("wrong", "You have answered none wrong so far."), ("due", "None is due for review now")],
)
def test_an_empty_wrong_or_due_list_says_so_rather_than_try_other_areas(client, mode, reason):
    response = client.post("/quizzes/practice", data={"mode": mode}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert reason in page and "Try other areas" not in page
