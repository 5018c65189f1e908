"""Classes end to end through the app: create, join, assign, start, and the results reaching the class."""

import csv
import datetime
import io
import re

import pytest

from web import class_store
from web.db import connect

PASSWORD = "correct horse battery"


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def signup(app, name, invite=""):
    client = app.test_client()
    response = client.post("/signup", data={"username": name, "password": PASSWORD, "invite": invite})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def teacher(app, invite_code):
    return signup(app, "teacher", invite_code)


def make_class(client, name="LPIC-1 autumn") -> int:
    response = client.post("/classes/", data={"name": name})
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def code_of(db, class_id) -> str:
    return db.execute("SELECT code FROM classes WHERE id = ?", [class_id]).fetchone()[0]


def window(days_before=1, days_after=7):
    now = datetime.datetime.now(datetime.UTC)
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "opens_at": (now - datetime.timedelta(days=days_before)).strftime(fmt),
        "closes_at": (now + datetime.timedelta(days=days_after)).strftime(fmt),
    }


def assign(client, class_id, **fields) -> int:
    data = {"title": "Fix the host", "kind": "lab", "max_attempts": "0", **window(), **fields}
    response = client.post(f"/classes/{class_id}/assignments", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].split("/")[-1])


def test_instructor_creates_a_class_and_a_student_joins_with_its_code(app, teacher, db):
    class_id = make_class(teacher)
    page = teacher.get(f"/classes/{class_id}").text
    code = code_of(db, class_id)
    assert code in page and "LPIC-1 autumn" in page
    student = signup(app, "sam")
    response = student.post("/classes/join", data={"code": code.lower()[:4] + "-" + code.lower()[4:]})
    assert response.status_code == 303
    assert "sam" in teacher.get(f"/classes/{class_id}").text


def test_rotated_code_no_longer_joins(app, teacher, db):
    class_id = make_class(teacher)
    old = code_of(db, class_id)
    teacher.post(f"/classes/{class_id}/code")
    assert code_of(db, class_id) != old
    response = signup(app, "sam").post("/classes/join", data={"code": old})
    assert response.status_code == 422
    assert "does not open a class" in response.text


def test_a_visitor_without_an_account_joins_as_a_guest_even_when_new_visitors_are_limited(app, teacher, db):
    class_id = make_class(teacher)
    db.execute("INSERT INTO throttle_buckets (key, full_at) VALUES ('guest:127.0.0.1', 1e12)")
    db.conn.commit()
    visitor = app.test_client()
    visitor.get("/classes/")
    response = visitor.post("/classes/join", data={"code": code_of(db, class_id)})
    assert response.status_code == 303
    assert "Guest #" in teacher.get(f"/classes/{class_id}").text


def test_wrong_codes_are_limited_per_account(app, teacher):
    make_class(teacher)
    student = signup(app, "sam")
    statuses = [student.post("/classes/join", data={"code": "WRONG123"}).status_code for _ in range(10)]
    assert statuses == [422] * 10
    refused = student.post("/classes/join", data={"code": "WRONG123"})
    assert refused.status_code == 429 and "Please wait 15 minutes" in refused.text


def test_removed_student_leaves_the_roster(app, teacher, db):
    class_id = make_class(teacher)
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    teacher.post(f"/classes/{class_id}/students/{sam}/remove")
    assert student.get(f"/classes/{class_id}").status_code == 404


def test_archived_class_takes_no_one(app, teacher, db):
    class_id = make_class(teacher)
    teacher.post(f"/classes/{class_id}/archive", data={"archived": "1"})
    response = signup(app, "sam").post("/classes/join", data={"code": code_of(db, class_id)})
    assert response.status_code == 422


def test_assigned_lab_with_planted_faults_counts_for_the_class(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(
        teacher, class_id, scenario="clone-identifiers", fault=["same-hostname"], seed="42", variant="same"
    )
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    assert "Fix the host" in student.get("/classes/").text
    response = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert response.headers["Location"].startswith("/labs/clone-identifiers")
    page = student.get("/labs/clone-identifiers").text
    assert "Give the clone its own host name" in page and "Give the clone its own machine ID" not in page
    student.post("/labs/clone-identifiers/run", data={"line": "sudo hostnamectl set-hostname web02"})
    student.post("/labs/clone-identifiers/answer/mac", data={"answer": "nonsense"})
    rows = list(csv.reader(io.StringIO(teacher.get(f"/classes/{class_id}/gradebook.csv").text)))
    assert rows[1][0] == "sam" and rows[1][1] == "66"
    live = teacher.get(f"/classes/{class_id}/live").text
    assert "1 of 2 checks" in live


def test_assigned_practice_set_may_hold_the_instructors_own_question(app, teacher, db):
    gift = "::mine-1:: Which command lists KVM guests? {=virsh list ~lsblk}"
    teacher.post("/quizzes/import", data={"area": "vm-and-containers", "text": gift})
    own = "own:" + str(db.execute("SELECT id FROM bank_questions").fetchone()[0])
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Warm-up", kind="practice", question=[own])
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    location = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    page = student.get(location).text
    assert "Which command lists KVM guests?" in page
    option = re.search(r'value="(\w+)">\s*<span class="option-text">(<p>)?virsh list', page)
    student.post(location, data={"option": option.group(1)})
    stats = teacher.get(f"/classes/{class_id}/statistics").text
    assert "100% right" in stats
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    work = teacher.get(f"/classes/{class_id}/students/{sam}").text
    assert "Which command lists KVM guests?" in work and "<td>Right</td>" in work
    rows = list(csv.reader(io.StringIO(teacher.get(f"/classes/{class_id}/gradebook.csv").text)))
    late = ["Warm-up: late (%, not counted)", "Warm-up: late on"]
    assert rows[0][:5] == [
        "student",
        "Warm-up (%)",
        *late,
        "overall (%: attempted work; closed work not done counts 0)",
    ]
    assert rows[1][:5] == ["sam", "100", "", "", "100"]


def test_attempt_limit_is_kept(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Two tries", kind="practice", size="1", max_attempts="1")
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    first = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    attempt = first.split("/")[3]
    student.post(f"/quizzes/attempts/{attempt}/submit")
    again = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert again.headers["Location"].endswith(f"/assignments/{assignment}")
    assert "used all 1 attempts" in student.get(again.headers["Location"]).text


def test_closed_assignment_opens_again_with_an_extension(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, kind="exam", exam_size="5", minutes="10", **window(3, -1))
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    assert "Late" in student.get("/classes/").text
    refused = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert "has closed" in student.get(refused.headers["Location"]).text
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    teacher.post(
        f"/classes/{class_id}/assignments/{assignment}/extensions", data={"student": sam, "closes_at": later}
    )
    started = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert started.headers["Location"].startswith("/quizzes/attempts/")


def test_assignment_form_says_what_is_wrong(teacher):
    class_id = make_class(teacher)
    response = teacher.post(
        f"/classes/{class_id}/assignments",
        data={"title": "", "kind": "lab", "scenario": "kvm-guest", "fault": ["virt-off"], **window(-1, -2)},
    )
    assert response.status_code == 422
    assert "Give the assignment a title" in response.text
    assert "Only the host and clone labs take planted faults" in response.text


def test_gradebook_cells_cannot_start_a_formula():
    assert class_store_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert [class_store_safe(v) for v in ("+1", "-1", "@x", "\tx", "\rx", "ok")] == [
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
    ]


def class_store_safe(value):
    from web.class_progress import safe_cell

    return safe_cell(value)


def test_join_codes_avoid_look_alike_characters():
    codes = {class_store.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert not set("".join(codes)) & set("01OIL")


def test_a_guest_who_joined_keeps_the_class_after_logging_in(app, teacher, db):
    class_id = make_class(teacher)
    signup(app, "sam").post("/logout")
    visitor = app.test_client()
    visitor.get("/classes/")
    visitor.post("/classes/join", data={"code": code_of(db, class_id)})
    assert visitor.post("/login", data={"username": "sam", "password": PASSWORD}).status_code == 303
    assert visitor.get(f"/classes/{class_id}").status_code == 200
    assert "sam" in teacher.get(f"/classes/{class_id}").text
    assert "Guest #" not in teacher.get(f"/classes/{class_id}").text


def test_the_dashboard_partial_shows_due_work_and_nothing_without_classes(app, teacher, db):
    class_id = make_class(teacher)
    assign(teacher, class_id, title="Soon", kind="exam", exam_size="3", minutes="5")
    student = signup(app, "sam")
    with app.test_request_context():
        from flask import g, render_template_string

        from web import accounts

        g.user = None
        assert render_template_string("{{ assignments_due() }}") == ""
        student.post("/classes/join", data={"code": code_of(db, class_id)})
        g.user = accounts.get_user(
            db, db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
        )
        html = render_template_string("{{ assignments_due(3) }}")
    assert "<h3" in html and "Soon" in html and "Due" in html


def test_lab_work_after_the_close_is_shown_as_late_and_counts_only_when_the_instructor_says(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, scenario="vtx-disabled-host", fault=["kvm-blacklisted"])
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    db.execute("UPDATE assignments SET closes_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", [assignment])
    db.conn.commit()
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo modprobe kvm_intel"})
    live = teacher.get(f"/classes/{class_id}/live").text
    assert 'Late · 0% <span class="muted">(0 of 2 checks)</span>' in live
    when = r"<time data-local-date datetime=\"[^\"]+\">\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>"
    late = r"<strong>Late:</strong> 100% on " + when
    assert re.search(late + r" \(not counted\)", live)
    rows = list(csv.reader(io.StringIO(teacher.get(f"/classes/{class_id}/gradebook.csv").text)))
    late_columns = ["Fix the host: late (%, not counted)", "Fix the host: late on"]
    assert rows[0][1:4] == ["Fix the host (%)", *late_columns]
    assert rows[1][1:3] == ["0", "100"] and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", rows[1][3])
    assert rows[1][4] == "0"  # overall: the late work does not count
    teacher.post(f"/classes/{class_id}/assignments/{assignment}/late", data={"late_counts": "1"})
    rows = list(csv.reader(io.StringIO(teacher.get(f"/classes/{class_id}/gradebook.csv").text)))
    assert rows[0][2] == "Fix the host: late (%, counted)" and rows[1][1:3] == ["100", "100"]
    assert "(counted)" in teacher.get(f"/classes/{class_id}/live").text


def test_discrimination_index_follows_the_rest_of_the_attempt():
    from web.class_progress import _correlation, _rest_of_attempt

    answers = [
        {"attempt_id": 1, "question_id": "q1", "correct": 1},
        {"attempt_id": 1, "question_id": "q2", "correct": 1},
        {"attempt_id": 2, "question_id": "q1", "correct": 0},
        {"attempt_id": 2, "question_id": "q2", "correct": 0},
        {"attempt_id": 3, "question_id": "q1", "correct": 1},
        {"attempt_id": 3, "question_id": "q2", "correct": 0},
    ]
    rest = _rest_of_attempt(answers)
    pairs = [
        (float(a["correct"]), rest[(a["attempt_id"], "q1")]) for a in answers if a["question_id"] == "q1"
    ]
    assert _correlation(pairs) == 0.5
    assert _correlation([(1.0, 0.5), (1.0, 0.2)]) is None


def test_a_student_of_an_archived_class_still_reads_its_assignment_but_cannot_start(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, kind="exam", exam_size="3", minutes="5")
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    teacher.post(f"/classes/{class_id}/archive", data={"archived": "1"})
    page = student.get(f"/classes/{class_id}/assignments/{assignment}")
    assert page.status_code == 200 and 'name="csrf_token"' not in page.text.split("<main")[1]
    refused = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert "archived" in student.get(refused.headers["Location"]).text


def test_an_assigned_lab_resets_to_its_recipe_until_its_attempts_are_used(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(
        teacher, class_id, scenario="vtx-disabled-host", fault=["kvm-blacklisted"], max_attempts="2"
    )
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    student.post("/labs/vtx-disabled-host/run", data={"line": "sudo rm /etc/modprobe.d/blacklist-kvm.conf"})
    student.post("/labs/vtx-disabled-host/reset")
    page = student.post(
        "/labs/vtx-disabled-host/run", data={"line": "ls /etc/modprobe.d"}, follow_redirects=True
    )
    assert "blacklist-kvm.conf" in page.text
    refused = student.post("/labs/vtx-disabled-host/reset", follow_redirects=True)
    assert "allows no more attempts" in refused.text and "ls /etc/modprobe.d" in refused.text
    assert "Attempts: 2 of 2" in student.get(f"/classes/{class_id}/assignments/{assignment}").text


def test_the_join_link_fills_in_the_code_and_joins_only_on_the_click(app, teacher, db):
    class_id = make_class(teacher)
    code = code_of(db, class_id)
    page = teacher.get(f"/classes/{class_id}").text
    link = re.search(r"http://localhost(/classes/join\?code=\w+)", page)[1]
    visitor = app.test_client()
    page = visitor.get(link).text
    assert f'value="{code}"' in page
    assert db.execute("SELECT count(*) FROM class_members WHERE role = 'student'").fetchone()[0] == 0


def test_a_learners_own_lab_is_replaced_by_the_assigned_one_only_when_they_say_so(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, scenario="vtx-disabled-host", fault=["kvm-blacklisted"])
    student = signup(app, "sam")
    student.post("/labs/vtx-disabled-host/start")
    student.post("/labs/vtx-disabled-host/run", data={"line": "echo my own work"})
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    assert (
        "replaces it with the assigned machine"
        in student.get(f"/classes/{class_id}/assignments/{assignment}").text
    )
    refused = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    assert refused.headers["Location"].endswith(f"/assignments/{assignment}")
    assert "echo my own work" in student.get("/labs/vtx-disabled-host").text
    started = student.post(f"/classes/{class_id}/assignments/{assignment}/start", data={"replace": "1"})
    assert started.headers["Location"].startswith("/labs/vtx-disabled-host")
    assert "echo my own work" not in student.get("/labs/vtx-disabled-host").text


def test_a_student_finds_what_is_due_on_the_home_dashboard(app, teacher, db):
    class_id = make_class(teacher)
    assign(teacher, class_id, title="Fix the clone", scenario="clone-identifiers", seed="1", variant="same")
    student = signup(app, "sam")
    student.post("/labs/kvm-guest/start")  # a returning learner: the home page is the dashboard
    assert "Fix the clone" not in student.get("/").text
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    home = student.get("/").text
    assert "Continue where you left off" in home and "Fix the clone" in home


def test_the_gradebook_comes_as_a_workbook_whose_text_never_becomes_a_formula(app, teacher, db):
    import zipfile

    class_id = make_class(teacher)
    assign(teacher, class_id, title='=HYPERLINK("http://evil.example","x")', scenario="kvm-guest")
    signup(app, "sam").post("/classes/join", data={"code": code_of(db, class_id)})
    response = teacher.get(f"/classes/{class_id}/gradebook.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="gradebook-LPIC-1-autumn.xlsx"'
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and '<t>=HYPERLINK("http://evil.example","x") (%)</t>' in strings
    assert "sam" in strings
    csv_text = teacher.get(f"/classes/{class_id}/gradebook.csv").text
    assert csv_text.splitlines()[0].split(",")[1].startswith("\"'=HYPERLINK(")
    assert signup(app, "eve").get(f"/classes/{class_id}/gradebook.xlsx").status_code == 404


def test_the_assignment_form_names_question_types_as_the_quizzes_page_does(teacher):
    class_id = make_class(teacher)
    page = teacher.get(f"/classes/{class_id}/assignments/new").text
    for label in ("One answer", "Several answers", "Type the answer", "Do it in a lab"):
        assert re.search(rf'name="type" value="\w+"> {label}</label>', page), label
    assert 'value="single"> single</label>' not in page


def test_a_question_left_unanswered_in_a_submitted_exam_shows_as_wrong_to_the_instructor(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Mini exam", kind="exam", exam_size="5", minutes="10")
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    started = student.post(f"/classes/{class_id}/assignments/{assignment}/start")
    student.post(f"/quizzes/attempts/{started.headers['Location'].split('/')[3]}/submit")
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    work = teacher.get(f"/classes/{class_id}/students/{sam}").text
    assert "not graded yet" not in work
    assert work.count("<td>Wrong</td>") == 5


def test_the_instructor_reads_the_option_a_student_chose_not_just_its_letter(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="One question", kind="practice", size="1", type=["single"])
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    question = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    chosen = re.search(r'name="option" value="(\w+)"', student.get(question).text).group(1)
    student.post(question, data={"option": chosen, "go": "answer"})
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    work = teacher.get(f"/classes/{class_id}/students/{sam}").text
    answer = re.search(r"<td>([^<]*)</td>\s*<td>(Right|Wrong)</td>", work).group(1)
    assert answer.startswith(f"{chosen}. ") and answer.strip() != f"{chosen}."


def test_a_lab_question_answer_shows_its_checks_to_the_instructor(app, teacher, db):
    class_id = make_class(teacher)
    assignment = assign(teacher, class_id, title="Lab question", kind="practice", size="1", type=["lab"])
    student = signup(app, "sam")
    student.post("/classes/join", data={"code": code_of(db, class_id)})
    question = student.post(f"/classes/{class_id}/assignments/{assignment}/start").headers["Location"]
    student.post(question, data={"go": "answer"})
    sam = db.execute("SELECT id FROM users WHERE username = 'sam'").fetchone()[0]
    work = teacher.get(f"/classes/{class_id}/students/{sam}").text
    answer = re.search(r"<td>([^<]*)</td>\s*<td>(Right|Wrong)</td>", work).group(1)
    assert answer.endswith(": not passed") and "{" not in answer
