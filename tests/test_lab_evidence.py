"""Lab checks passed once stay evidence of mastery, whatever happens to the lab afterwards."""

import pytest

from quiz.model import Question
from web.banks import lab_events
from web.db import connect

HYPERVISOR_QUESTION = Question(
    id="lab-name-the-hypervisor",
    type="lab",
    area="guest-integration",
    stem="Which hypervisor runs this guest?",
    explanation="",
    terms=("guest-drivers",),
    scenario="kvm-guest",
    checks=("answer-hypervisor",),
)


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _events(app, user_id):
    with app.test_request_context():
        return lab_events(user_id, [HYPERVISOR_QUESTION])


def _answer_kvm(client, htmx):
    client.post("/labs/kvm-guest/start")
    htmx.post("/labs/kvm-guest/answer/hypervisor", data={"answer": "KVM"})


def test_a_passed_check_is_kept_as_evidence_with_its_time(client, htmx, db):
    _answer_kvm(client, htmx)
    rows = list(db["lab_evidence"].rows)
    assert [(r["scenario_id"], r["check_id"]) for r in rows] == [("kvm-guest", "answer-hypervisor")]


def test_resetting_the_lab_keeps_the_question_right(app, client, htmx, db):
    _answer_kvm(client, htmx)
    user_id = db["labs"].get(1)["user_id"]
    [before] = _events(app, user_id)
    client.post("/labs/kvm-guest/reset")
    [after] = _events(app, user_id)
    assert before["correct"] and after["correct"]
    assert after["at"] == db["lab_evidence"].get((user_id, "kvm-guest", "answer-hypervisor"))["passed_at"]


def test_a_lab_started_but_not_passed_is_not_yet_right(app, client, db):
    client.post("/labs/kvm-guest/start")
    [event] = _events(app, db["labs"].get(1)["user_id"])
    assert event["correct"] is False


def test_evidence_moves_with_a_guest_who_logs_in(app, client, htmx, db, auth):
    app.test_client().post(
        "/signup", data={"username": "ada", "password": "correct horse battery", "invite": ""}
    )
    _answer_kvm(client, htmx)
    auth.login()
    ada = next(db["users"].rows_where("username = 'ada'"))
    assert [r["user_id"] for r in db["lab_evidence"].rows] == [ada["id"]]
    [event] = _events(app, ada["id"])
    assert event["correct"]
