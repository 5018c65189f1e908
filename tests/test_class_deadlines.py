"""Grades as they stood at an assignment's close, late work beside them, and mastery from exams with
unanswered questions, as the instructor reads them on the board and in the gradebook."""

import csv
import datetime
import io
import json
import re

import pytest

from tests.test_classes import assign, code_of, make_class, signup
from web.db import connect

PAST = "2022-01-01T00:00:00+00:00"
BEFORE = "2021-06-01T00:00:00+00:00"
AFTER = "2023-01-01T00:00:00+00:00"


@pytest.fixture
def teacher(app, invite_code):
    return signup(app, "teacher", invite_code)


def _db(app):
    return connect(app.config["DATABASE"])


def _gradebook(client, class_id) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(f"/classes/{class_id}/gradebook.csv").text)))


def _close(db, assignment_id, at=PAST):
    db.execute(
        "UPDATE assignments SET opens_at = '2021-01-01T00:00:00+00:00', closes_at = ? WHERE id = ?",
        [at, assignment_id],
    )
    db.conn.commit()


def _joined(app, db, class_id, name="sam"):
    student = signup(app, name)
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    return student


def _right(question) -> dict:
    if question.type == "fill":
        return {"answer": question.fill.exact[0]}
    return {"option": sorted(question.correct_option_ids)}


def test_a_lab_reset_after_the_close_keeps_the_grade_the_student_had_at_the_close(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, scenario="vtx-disabled-host", fault=["kvm-blacklisted"])
    student = _joined(app, db, class_id)
    student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo rm /etc/modprobe.d/blacklist-kvm.conf"})
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo modprobe kvm_intel"})
    before = _gradebook(teacher, class_id)[1][1]
    _close(db, assignment)
    student.post("/labs/vtx-disabled-host/reset")
    rows = _gradebook(teacher, class_id)
    assert int(before) > 0
    assert rows[1][1] == before and rows[1][2] == "0"  # late: the fresh machine, which does not count
    live = teacher.get(f"/classes/{class_id}/live").text
    assert f"Done · {before}%" in live and "<strong>Late:</strong> 0%" in live


def test_an_extension_given_after_the_close_lets_later_work_count_as_on_time(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, scenario="vtx-disabled-host", fault=["kvm-blacklisted"])
    student = _joined(app, db, class_id)
    student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    _close(db, assignment)
    student.post("/labs/vtx-disabled-host/run", data={"line": "echo late"})  # keeps the grade at the close
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    teacher.post(
        f"/classes/{class_id}/assignments/{assignment}/extensions",
        data={"student": sam, "closes_at": "2099-01-01T00:00"},
    )
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo rm /etc/modprobe.d/blacklist-kvm.conf"})
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo modprobe kvm_intel"})
    row = _gradebook(teacher, class_id)[1]
    assert int(row[1]) > 0 and row[2:4] == ["", ""]


def test_practice_answers_after_the_close_are_late_and_count_once_the_instructor_says(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Warm-up", kind="practice", size="4", type=["single"])
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    bank = app.extensions["guestlab.bank"].questions
    attempt_id = int(location.split("/")[3])
    question_ids = json.loads(db["attempts"].get(attempt_id)["question_ids"])
    first = bank[question_ids[0]]
    student.post(location, data=_right(first))
    db.execute("UPDATE answers SET answered_at = ? WHERE attempt_id = ?", [BEFORE, attempt_id])
    db.conn.commit()
    _close(db, assignment)
    second = bank[question_ids[1]]
    student.post(f"/quizzes/attempts/{attempt_id}/2", data=_right(second))
    rows = _gradebook(teacher, class_id)
    assert rows[1][1:3] == ["25", "50"] and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", rows[1][3])
    teacher.post(f"/classes/{class_id}/assignments/{assignment}/late", data={"late_counts": "1"})
    assert _gradebook(teacher, class_id)[1][1:3] == ["50", "50"]
    page = teacher.get(f"/classes/{class_id}/assignments/{assignment}").text
    assert "Work done after the close counts in the grade." in page


def test_an_exam_submitted_after_the_close_counts_the_answers_given_by_then(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Quiz", kind="exam", exam_size="4", minutes="30")
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    attempt_id = int(location.split("/")[3])
    bank = app.extensions["guestlab.bank"].questions
    question_ids = json.loads(db["attempts"].get(attempt_id)["question_ids"])
    for number, qid in enumerate(question_ids[:2], start=1):
        student.post(f"/quizzes/attempts/{attempt_id}/{number}", data=_right(bank[qid]))
        if number == 1:
            db.execute("UPDATE answers SET answered_at = ? WHERE attempt_id = ?", [BEFORE, attempt_id])
            db.conn.commit()
            _close(db, assignment)
    student.post(f"/quizzes/attempts/{attempt_id}/submit")
    row = _gradebook(teacher, class_id)[1]
    assert row[1:3] == ["350", "500"]  # 1 then 2 of 4 right: 200-800, as the exam itself is scored


def test_an_exams_unanswered_questions_count_against_the_class_mastery(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Quiz", kind="exam", exam_size="4", minutes="30")
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    attempt_id = int(location.split("/")[3])
    student.post(f"/quizzes/attempts/{attempt_id}/submit")
    rows = _gradebook(teacher, class_id)
    mastery = [cell for header, cell in zip(rows[0], rows[1], strict=True) if header.startswith("mastery")]
    assert "0" in mastery and set(mastery) <= {"0", ""}


def test_the_assignment_form_keeps_the_late_work_choice(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    counted = assign(teacher, class_id, title="Counts", scenario="kvm-guest", late_counts="1")
    default = assign(teacher, class_id, title="Default", scenario="kvm-guest")
    rows = dict(db.execute("SELECT id, late_counts FROM assignments").fetchall())
    assert rows == {counted: 1, default: 0}
    header = _gradebook(teacher, class_id)[0]
    assert "Counts: late (%, counted)" in header and "Default: late (%, not counted)" in header


# 20:00 on 4 December in Los Angeles (UTC-8): already 5 December in UTC.
EVENING_IN_LA = datetime.datetime(2026, 12, 5, 4, 0, tzinfo=datetime.UTC)


def _assign_at(client, class_id, title, closes_at, tz="America/Los_Angeles"):
    data = {"title": title, "kind": "exam", "exam_size": "3", "minutes": "5", "tz": tz}
    data |= {"opens_at": "2026-12-01T09:00", "closes_at": closes_at}
    response = client.post(f"/classes/{class_id}/assignments", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].split("/")[-1])


def test_an_assignment_is_due_at_the_instant_the_instructor_meant_in_their_zone(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    in_la = _assign_at(teacher, class_id, "In LA", "2026-12-04T22:00")
    without = _assign_at(teacher, class_id, "No zone", "2026-12-04T22:00", tz="")
    bogus = _assign_at(teacher, class_id, "Bogus", "2026-12-04T22:00", tz="../../etc/passwd")
    closes = dict(db.execute("SELECT id, closes_at FROM assignments").fetchall())
    assert closes[in_la] == "2026-12-05T06:00:00+00:00"
    assert closes[without] == closes[bogus] == "2026-12-04T22:00:00+00:00"
    page = teacher.get(f"/classes/{class_id}/assignments/{in_la}").text
    assert '<time data-local-date datetime="2026-12-05T06:00:00+00:00">2026-12-05 06:00 UTC</time>' in page


def test_an_extension_is_read_in_the_instructors_zone(app, teacher):
    db = _db(app)
    class_id = make_class(teacher)
    assignment = _assign_at(teacher, class_id, "Quiz", "2026-12-04T22:00")
    _joined(app, db, class_id)
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    response = teacher.post(
        f"/classes/{class_id}/assignments/{assignment}/extensions",
        data={"student": sam, "closes_at": "2026-12-06T23:30", "tz": "America/Los_Angeles"},
        follow_redirects=True,
    )
    assert "sam has until 2026-12-06 23:30 (America/Los_Angeles)." in response.text
    row = db.execute("SELECT closes_at FROM assignment_extensions").fetchone()
    assert row[0] == "2026-12-07T07:30:00+00:00"


def test_due_today_is_the_learners_today_in_their_zone(app, teacher, monkeypatch):
    from web import class_store

    db = _db(app)
    class_id = make_class(teacher)
    _assign_at(teacher, class_id, "Tonight", "2026-12-04T22:00")  # 22:00 in LA, 06:00 UTC on the 5th
    _assign_at(teacher, class_id, "After midnight", "2026-12-05T02:00")  # the 5th in LA, 10:00 UTC
    _assign_at(teacher, class_id, "Next week", "2026-12-11T12:00")
    student = _joined(app, db, class_id)
    monkeypatch.setattr(class_store, "now_utc", lambda: EVENING_IN_LA)
    student.set_cookie("tz", "America/Los_Angeles")
    page = student.get("/classes/").text
    due = dict(re.findall(r'>(Tonight|After midnight|Next week)</a>.*?class="due-in">([^<]+)<', page, re.S))
    assert due == {"Tonight": "due today", "After midnight": "due tomorrow", "Next week": "due in 7 days"}
    student.set_cookie("tz", "Not/AZone")  # counted in UTC days, as without the browser's word
    page = student.get("/classes/").text
    due = dict(re.findall(r'>(Tonight|After midnight|Next week)</a>.*?class="due-in">([^<]+)<', page, re.S))
    assert due == {"Tonight": "due today", "After midnight": "due today", "Next week": "due in 6 days"}


def test_the_days_to_the_exam_are_counted_in_the_learners_zone(app, teacher, monkeypatch):
    from web import quiz_store

    student = signup(app, "sam")
    student.post("/quizzes/exam-date", data={"exam_date": "2026-12-06"})
    student.post("/labs/kvm-guest/start")  # a returning learner: the home page is the dashboard
    monkeypatch.setattr(quiz_store, "now_utc", lambda: EVENING_IN_LA)
    student.set_cookie("tz", "America/Los_Angeles")
    page = student.get("/").text
    assert '<span class="big-number">2</span> days to your exam' in page
    assert "Days in your time zone (America/Los_Angeles)" in page
    student.delete_cookie("tz")
    assert '<span class="big-number">1</span> day to your exam' in student.get("/").text
