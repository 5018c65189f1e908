from tests.parallel import in_parallel, post, session_cookie
from web import throttle
from web.db import connect


def _guests(app):
    return connect(app.config["DATABASE"])["users"].count_where("role = 'guest'")


def test_parallel_first_requests_from_one_browser_make_one_guest(app, server):
    cookie = session_cookie(server + "/labs/")
    statuses = in_parallel(10, lambda: post(server + "/quizzes/exam-date", {"exam_date": ""}, cookie))
    assert statuses == [303] * 10
    assert _guests(app) == 1


def test_a_class_behind_one_address_all_get_in(app):
    statuses = {
        app.test_client().post("/quizzes/exam-date", data={"exam_date": ""}).status_code for _ in range(150)
    }
    assert statuses == {303}
    assert _guests(app) == 150


def test_new_guests_from_one_address_are_limited_with_a_clear_message(app, monkeypatch):
    monkeypatch.setattr(throttle, "guest_bucket", lambda address: throttle.Bucket(f"guest:{address}", 3, 30))
    responses = [app.test_client().post("/labs/kvm-guest/start") for _ in range(4)]
    assert [r.status_code for r in responses] == [303, 303, 303, 429]
    assert "Too many new visitors from your address" in responses[-1].get_data(as_text=True)
    assert "30 seconds" in responses[-1].get_data(as_text=True)


def test_a_browser_that_already_has_a_guest_is_never_refused(app, client, monkeypatch):
    monkeypatch.setattr(throttle, "guest_bucket", lambda address: throttle.Bucket(f"guest:{address}", 1, 30))
    assert client.post("/labs/kvm-guest/start").status_code == 303
    assert app.test_client().post("/labs/kvm-guest/start").status_code == 429
    assert client.post("/labs/intel-vtx-host/start").status_code == 303


def test_a_signed_up_guests_browser_key_cannot_reach_the_account(app, client, auth):
    client.post("/labs/intel-vtx-host/start")
    with client.session_transaction() as session:
        browser = session["browser"]
    auth.signup()
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["browser"] = browser
    stranger.post("/quizzes/exam-date", data={"exam_date": ""})
    assert "Log out" not in stranger.get("/").get_data(as_text=True)
    db = connect(app.config["DATABASE"])
    assert db["users"].count == 2 and db["labs"].count_where("user_id = 1") == 1
