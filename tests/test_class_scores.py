"""A class's exam is scored as every exam is (200-800, 500 to pass) wherever the class shows it, and the
gradebook's overall mean counts closed work left undone as 0 and leaves open work not started out."""

import json

from tests.test_class_deadlines import _close, _db, _gradebook, _joined, _right
from tests.test_classes import assign, make_class, signup


def _teacher(app, invite_code):
    return signup(app, "teacher", invite_code)


def _answer_right(app, db, student, location, how_many):
    attempt_id = int(location.split("/")[3])
    bank = app.extensions["guestlab.bank"].questions
    question_ids = json.loads(db["attempts"].get(attempt_id)["question_ids"])
    for number, qid in enumerate(question_ids[:how_many], start=1):
        student.post(f"/quizzes/attempts/{attempt_id}/{number}", data=_right(bank[qid]))
    return attempt_id


def test_a_class_exam_shows_its_scaled_score_and_pass_mark_everywhere(app, invite_code):
    teacher = _teacher(app, invite_code)
    db = _db(app)
    class_id = make_class(teacher)
    exam = assign(teacher, class_id, title="Quiz", kind="exam", exam_size="4", minutes="30")
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{exam}/start").headers["Location"]
    attempt_id = _answer_right(app, db, student, location, 1)
    student.post(f"/quizzes/attempts/{attempt_id}/submit")
    # 1 of 4 right: 350 on the exam's own review, and so in the class
    assert "350 / 800" in student.get(f"/quizzes/attempts/{attempt_id}/review").text
    own = student.get(f"/classes/{class_id}/assignments/{exam}").text
    assert "Your score: 350 / 800, not passed (500 to pass)." in own
    assert "25%" not in own
    assert "score 350 / 800, not passed (500 to pass)" in student.get(f"/classes/{class_id}").text
    assert "Done · 350 / 800, not passed (500 to pass)" in teacher.get(f"/classes/{class_id}/live").text
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    assert "score 350 / 800, not passed" in teacher.get(f"/classes/{class_id}/students/{sam}").text
    rows = _gradebook(teacher, class_id)
    assert rows[0][1:3] == ["Quiz (200-800, 500 to pass)", "Quiz: late (200-800, 500 to pass, not counted)"]
    assert rows[1][1] == "350"
    assert rows[1][4] == "25"  # the overall mean stays in %, the exam by its share right


def test_a_passed_class_exam_says_passed(app, invite_code):
    teacher = _teacher(app, invite_code)
    db = _db(app)
    class_id = make_class(teacher)
    exam = assign(teacher, class_id, title="Quiz", kind="exam", exam_size="4", minutes="30")
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{exam}/start").headers["Location"]
    attempt_id = _answer_right(app, db, student, location, 2)
    student.post(f"/quizzes/attempts/{attempt_id}/submit")
    assert "Your score: 500 / 800, passed." in student.get(f"/classes/{class_id}/assignments/{exam}").text


def test_the_overall_mean_counts_closed_work_not_done_as_0_and_leaves_open_work_out(app, invite_code):
    teacher = _teacher(app, invite_code)
    db = _db(app)
    class_id = make_class(teacher)
    practice = assign(teacher, class_id, title="Warm-up", kind="practice", size="4", type=["single"])
    closed = assign(teacher, class_id, title="Closed lab", scenario="kvm-guest")
    assign(teacher, class_id, title="Open lab", scenario="kvm-guest")
    _close(db, closed)
    student = _joined(app, db, class_id)
    location = student.post(f"/classes/{class_id}/assignments/{practice}/start").headers["Location"]
    _answer_right(app, db, student, location, 2)
    header, row = _gradebook(teacher, class_id)
    cells = dict(zip(header, row, strict=True))
    # Warm-up 50, the closed lab 0 (nothing done), the open lab not started: out of the mean
    assert [cells["Warm-up (%)"], cells["Closed lab (%)"], cells["Open lab (%)"]] == ["50", "", ""]
    assert cells["overall (%: attempted work; closed work not done counts 0)"] == "25"
    page = teacher.get(f"/classes/{class_id}").text
    assert "an assignment past its close with nothing done counts 0" in page
    assert 'aria-describedby="overall-note"' in page
