"""The home page: a dashboard for a returning learner, a welcome and what an account adds for others."""

import datetime
import re

import pytest

from web import lab_path, quiz_store
from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _page(client):
    return client.get("/").get_data(as_text=True)


def test_a_visitor_sees_the_first_lab_and_what_an_account_adds(client):
    page = _page(client)
    assert "Start your first lab" in page and "What an account adds" in page
    assert "Continue where you left off" not in page


def test_a_new_account_is_offered_its_first_lab_not_a_sign_up(client, auth):
    auth.signup()
    page = _page(client)
    assert "Start your first lab" in page and "What an account adds" not in page


def test_a_returning_learner_continues_the_lab_worked_on_last(client, auth, db):
    auth.signup()
    client.post("/labs/kvm-guest/start")
    client.post("/labs/intel-vtx-host/start")
    db.execute(
        "UPDATE labs SET updated_at = '2020-01-01T00:00:00+00:00' WHERE scenario_id = 'intel-vtx-host'"
    )
    page = _page(client)
    assert "Welcome back, ada" in page and "Continue the lab" in page
    assert 'href="/labs/kvm-guest"' in page


def test_an_open_exam_comes_first_with_its_end(client, auth, db):
    auth.signup()
    client.post("/quizzes/exam")
    client.post("/labs/kvm-guest/start")
    page = _page(client)
    assert "Resume your exam" in page and 'href="/quizzes/attempts/1/1"' in page
    assert "Continue the lab" not in page


def test_an_exam_whose_time_ran_out_leads_to_its_result(client, auth, db):
    auth.signup()
    client.post("/quizzes/exam")
    db["attempts"].update(1, {"deadline": "2020-01-01T00:00:00+00:00"})
    assert "See your result" in _page(client)


def _answer_two_wrong(client):
    client.post("/quizzes/practice", data={"size": "5"})
    for number in (1, 2):
        client.post(f"/quizzes/attempts/1/{number}", data={"option": "none", "answer": "definitely not it"})


def test_reviews_due_today_and_the_week_ahead_come_from_the_schedule(client, auth, monkeypatch):
    auth.signup()
    _answer_two_wrong(client)
    page = _page(client)
    assert re.search(r'<span class="big-number">2</span> questions due for review today, 0 of them now', page)
    # ... and when they come back, so "0 now" does not leave the learner guessing.
    soon = re.search(r'the next at <time datetime="([^"]+)" data-local-time>(\d\d:\d\d) UTC</time>', page)
    assert soon and soon.group(1)[11:16] == soon.group(2)
    assert quiz_store.parse_time(soon.group(1)) > quiz_store.now_utc()
    assert "Review them now" not in page
    assert page.count('<th scope="row">') >= 7 and "Reviews due in the next 7 days" in page
    later = quiz_store.now_utc() + datetime.timedelta(minutes=20)
    monkeypatch.setattr(quiz_store, "now_utc", lambda: later)
    page = _page(client)
    assert re.search(r'<span class="big-number">2</span> questions due for review today\.', page)
    assert "Review them now" in page


def test_days_to_the_exam_date_set_from_the_home_page(client, auth, db):
    auth.signup()
    client.post("/quizzes/practice", data={"size": "5"})
    soon = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=12)
    response = client.post("/quizzes/exam-date", data={"exam_date": soon.isoformat(), "next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert '<span class="big-number">12</span> days to your exam' in _page(client)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\n", "/\t"]
)
def test_exam_date_form_never_sends_elsewhere(client, target):
    response = client.post("/quizzes/exam-date", data={"exam_date": "", "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_recent_results_show_scores_and_practice_counts(app, client, auth, db):
    auth.signup()
    client.post("/quizzes/exam")
    client.post("/quizzes/attempts/1/submit")
    client.post("/quizzes/practice", data={"size": "5"})
    client.post("/quizzes/attempts/2/submit")
    page = _page(client)
    assert "200 / 800, not passed" in page and "0 of 5 right" in page


def test_a_returning_guest_is_told_how_to_keep_the_work(client):
    client.post("/labs/kvm-guest/start")
    page = _page(client)
    assert "Welcome back" in page and "studying as a guest" in page


def test_the_dashboard_costs_one_query_per_panel(app, client, auth, db):
    auth.signup()
    client.post("/quizzes/exam")
    client.post("/labs/kvm-guest/start")
    statements = []
    with app.app_context():
        from web.db import get_db

        get_db().conn.set_trace_callback(statements.append)
    client.get("/")
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    # who is asking, then one query for each of the five panels (the last: what their classes have due)
    assert len(selects) <= 6, selects


def test_a_finished_lab_leads_on_to_the_next_one_not_back_into_it(app, client, htmx, auth):
    auth.signup()
    client.post("/labs/intel-vtx-host/start")
    assert "Continue the lab" in _page(client)
    htmx.post("/labs/intel-vtx-host/answer/capable", data={"answer": "yes, VT-x"})
    htmx.post("/labs/intel-vtx-host/run", data={"line": "sudo modprobe kvm_intel"})
    page = _page(client)
    assert "You finished the lab" in page and "Continue the lab" not in page
    following = lab_path.lab_path(connect(app.config["DATABASE"]), 1).next(after="intel-vtx-host")
    assert "Go on to the next lab" in page and f'href="/labs/{following["id"]}"' in page


def test_a_practice_answered_in_the_second_a_lab_was_touched_is_what_continues(app, client, auth, db):
    auth.signup()
    client.post("/labs/kvm-guest/start")
    client.post("/quizzes/practice", data={"size": "5"})
    second = db.execute("SELECT updated_at FROM labs").fetchone()[0][:19]
    db.execute("UPDATE labs SET updated_at = ?", [second + ".999+00:00"])
    db.execute("UPDATE attempts SET started_at = ?", [second + "+00:00"])
    db.conn.commit()
    assert "Continue the practice" in _page(client)
