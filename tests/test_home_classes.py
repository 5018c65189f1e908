"""The home page of someone in a class: a student's class work due, soonest first, in their own days; an
instructor's classes, with what their students finished since the instructor last looked."""

from tests.test_classes import assign, code_of, make_class, signup, window
from web.db import connect

LONG_AGO = "2020-01-01T00:00:00+00:00"
FIRST_VISIT = '<h1 id="page-title">Learn Linux as a virtualization guest</h1>'


def _home(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_a_student_with_nothing_done_yet_sees_their_class_work_soonest_first(app, invite_code):
    db = connect(app.config["DATABASE"])
    teacher = signup(app, "teacher", invite_code)
    class_id = make_class(teacher)
    assign(teacher, class_id, title="Later lab", scenario="kvm-guest", **window(days_after=5))
    assign(teacher, class_id, title="Sooner lab", scenario="kvm-guest", **window(days_after=2))
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    page = _home(student)
    assert FIRST_VISIT not in page
    assert "Your assignments" in page
    assert page.index("Sooner lab") < page.index("Later lab")
    # closes in 2 days less a minute or so: tomorrow or the day after, as the reader's calendar says
    sooner = page[page.index("Sooner lab") : page.index("Later lab")]
    assert "due tomorrow" in sooner or "due in 2 days" in sooner


def test_a_learner_in_no_class_still_gets_the_first_visit_page(app):
    assert FIRST_VISIT in _home(signup(app, "sam"))


def test_an_instructor_sees_their_classes_and_the_work_finished_since_they_last_looked(app, invite_code):
    db = connect(app.config["DATABASE"])
    teacher = signup(app, "teacher", invite_code)
    class_id = make_class(teacher, "Evening class")
    page = _home(teacher)
    assert FIRST_VISIT not in page
    assert f'<a href="/classes/{class_id}">Evening class</a>' in page
    assert "Nothing new since you last looked." in page

    exam = assign(teacher, class_id, title="Quiz", kind="exam", exam_size="4", minutes="30")
    db.execute("UPDATE class_members SET joined_at = ?", [LONG_AGO])  # the class is older than the work
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    location = student.post(f"/classes/{class_id}/assignments/{exam}/start").headers["Location"]
    student.post(f"/quizzes/attempts/{location.split('/')[3]}/submit")
    assert "New since you last looked: 1 quiz or exam submitted." in _home(teacher)
    assert "New since you last looked" not in _home(student)  # a student is told nothing of the others

    db.execute("UPDATE attempts SET submitted_at = ?", [LONG_AGO])  # the work, then the look
    teacher.get(f"/classes/{class_id}")
    assert "Nothing new since you last looked." in _home(teacher)


def test_the_live_boards_polls_are_not_a_look(app, invite_code):
    db = connect(app.config["DATABASE"])
    teacher = signup(app, "teacher", invite_code)
    class_id = make_class(teacher)
    teacher.get(f"/classes/{class_id}/live", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    assert db.execute("SELECT seen_at FROM class_members").fetchone()[0] is None
    teacher.get(f"/classes/{class_id}/live")
    assert db.execute("SELECT seen_at FROM class_members").fetchone()[0] is not None
