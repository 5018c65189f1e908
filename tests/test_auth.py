import pytest

from web import accounts, throttle
from web.db import connect


def test_signup_logs_the_new_learner_in(client, auth):
    response = auth.signup()
    assert response.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "ada" in page and "Log out" in page


def test_password_is_stored_as_an_argon2id_hash(app, auth):
    auth.signup()
    db = connect(app.config["DATABASE"])
    stored = db["users"].get(1)["password_hash"]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_signup_refuses_a_short_password_with_422(auth):
    response = auth.signup(password="short")
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_signup_refuses_a_taken_name_whatever_its_case(auth):
    auth.signup()
    auth.logout()
    response = auth.signup(username="ADA")
    assert response.status_code == 422
    assert "taken" in response.get_data(as_text=True)


def test_login_with_the_right_password_and_logout(client, auth):
    auth.signup()
    auth.logout()
    assert "Log in" in client.get("/").get_data(as_text=True)
    response = auth.login()
    assert response.status_code == 303
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_login_with_a_wrong_password_says_so_without_naming_which_part(auth):
    auth.signup()
    auth.logout()
    wrong_password = auth.login(password="not the password")
    unknown_user = auth.login(username="nobody")
    assert wrong_password.status_code == unknown_user.status_code == 401
    message = "That user name and password do not match an account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)


def test_login_is_rate_limited_after_five_failures_with_a_clear_message(auth):
    auth.signup()
    auth.logout()
    for _ in range(5):
        assert auth.login(password="wrong password!").status_code == 401
    response = auth.login()
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(app, auth):
    auth.signup()
    auth.logout()
    attacker = app.test_client()
    for _ in range(6):
        attacker.post(
            "/login",
            data={"username": "ada", "password": "a wrong guess"},
            environ_base={"REMOTE_ADDR": "127.0.0.66"},
        )
    assert auth.login().status_code == 303


def test_an_attacker_spraying_many_addresses_cannot_lock_the_owner_out(app, auth):
    auth.signup()
    auth.logout()
    attacker = app.test_client()
    for address in range(11):
        for _ in range(5):
            response = attacker.post(
                "/login",
                data={"username": "ada", "password": "a wrong guess"},
                environ_base={"REMOTE_ADDR": f"198.51.100.{address}"},
            )
            assert response.status_code in (401, 429)
    assert auth.login().status_code == 303


def test_an_address_failing_on_a_name_under_attack_is_slowed_more_and_more(app):
    db = connect(app.config["DATABASE"])
    for address in range(10):
        throttle.record(db, throttle.login_rules("ada", f"198.51.100.{address}"), now=1000)
    attacker = throttle.login_rules("ada", "198.51.100.1")
    waits, now = [], 2000
    for _ in range(5):
        throttle.record(db, attacker, now=now)
        waits.append(throttle.retry_after(db, attacker, now=now))
        now += waits[-1]
    assert waits == [128, 256, 512, 900, 900]
    assert throttle.retry_after(db, throttle.login_rules("ada", "203.0.113.7"), now=now) == 0


def test_an_owner_who_mistyped_during_an_attack_waits_at_most_fifteen_minutes(app):
    db = connect(app.config["DATABASE"])
    for n in range(200):
        throttle.record(db, throttle.login_rules("ada", f"198.51.{n // 200}.{n % 200}"), now=1000 + n)
    owner = throttle.login_rules("ada", "203.0.113.7")
    throttle.record(db, owner, now=1300)
    assert 0 < throttle.retry_after(db, owner, now=1301) <= 15 * 60
    assert throttle.retry_after(db, owner, now=1300 + 15 * 60) == 0


def test_wrong_current_passwords_are_throttled(client, auth):
    auth.signup()
    for _ in range(5):
        response = client.post("/account/password", data={"current": "a wrong guess", "new": "x"})
        assert response.status_code == 422
    response = client.post(
        "/account/password", data={"current": "correct horse battery", "new": "a brand new secret"}
    )
    assert response.status_code == 429
    assert "Too many wrong current passwords" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_signups_from_one_address_are_limited(app, monkeypatch):
    monkeypatch.setattr(
        throttle, "signup_bucket", lambda address: throttle.Bucket(f"signup:{address}", 2, 60)
    )
    statuses = [
        app.test_client()
        .post("/signup", data={"username": f"pupil{n}", "password": "correct horse battery"})
        .status_code
        for n in range(3)
    ]
    assert statuses == [303, 303, 422]
    page = app.test_client().post("/signup", data={"username": "pupil9", "password": "correct horse battery"})
    assert "Too many sign-ups from your address" in page.get_data(as_text=True)


def test_a_whole_class_can_sign_up_from_one_address(app):
    db = connect(app.config["DATABASE"])
    waits = [throttle.take(db, throttle.signup_bucket("192.0.2.1"), now=1000 + n) for n in range(40)]
    assert waits == [0] * 40


@pytest.mark.parametrize(
    "password, message",
    [
        ("password123", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("ada-correct-horse-battery", "does not contain your user name"),
        ("my name is ADA and hi", "does not contain your user name"),
    ],
)
def test_signup_refuses_guessable_passwords_with_a_clear_message(auth, password, message):
    response = auth.signup(password=password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_long_passphrases_of_any_characters_are_welcome(auth):
    passphrase = "seven purple hypervisors dream of paravirtualised guests ünd tea " * 3
    assert len(passphrase) > 64
    assert auth.signup(password=passphrase).status_code == 303
    auth.logout()
    assert auth.login(password=passphrase).status_code == 303


def test_change_password_refuses_a_guessable_new_password(client, auth):
    auth.signup()
    response = client.post(
        "/account/password", data={"current": "correct horse battery", "new": "password123"}
    )
    assert response.status_code == 422
    assert "too easy to guess" in response.get_data(as_text=True)


def test_wrong_invite_codes_are_throttled(auth, invite_code):
    for n in range(10):
        assert "invite code is not valid" in auth.signup(username=f"m{n}xx", invite=f"guess{n}").get_data(
            as_text=True
        )
    page = auth.signup(username="mallory", invite=invite_code).get_data(as_text=True)
    assert "Too many wrong invite codes" in page


def test_login_redirects_only_to_local_next_pages(client, auth):
    auth.signup()
    auth.logout()
    response = client.post(
        "/login", data={"username": "ada", "password": "correct horse battery", "next": "//evil.example/"}
    )
    assert response.headers["Location"] == "/"
    auth.logout()
    response = client.post(
        "/login", data={"username": "ada", "password": "correct horse battery", "next": "/labs/"}
    )
    assert response.headers["Location"] == "/labs/"


def test_change_password_needs_the_current_one(client, auth):
    auth.signup()
    response = client.post("/account/password", data={"current": "wrong", "new": "a brand new secret"})
    assert response.status_code == 422
    response = client.post(
        "/account/password", data={"current": "correct horse battery", "new": "a brand new secret"}
    )
    assert response.status_code == 303
    auth.logout()
    assert auth.login().status_code == 401
    assert auth.login(password="a brand new secret").status_code == 303


def test_change_password_logs_out_other_sessions(app, auth):
    auth.signup()
    other = app.test_client()
    other.post("/login", data={"username": "ada", "password": "correct horse battery"})
    assert "Log out" in other.get("/").get_data(as_text=True)
    auth.client.post(
        "/account/password", data={"current": "correct horse battery", "new": "a brand new secret"}
    )
    assert "Log out" not in other.get("/").get_data(as_text=True)


def test_change_password_page_needs_an_account(client):
    response = client.get("/account/password")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=")


def test_signup_with_an_invite_code_makes_an_instructor(app, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    db = connect(app.config["DATABASE"])
    assert db["users"].get(1)["role"] == "instructor"


def test_signup_with_a_wrong_invite_code_is_refused(auth):
    response = auth.signup(username="mallory", invite="guess")
    assert response.status_code == 422
    assert "invite code is not valid" in response.get_data(as_text=True)


def test_plain_signup_makes_a_learner(app, auth):
    auth.signup()
    db = connect(app.config["DATABASE"])
    assert db["users"].get(1)["role"] == "learner"


def test_create_instructor_command(app, runner):
    result = runner.invoke(args=["create-instructor", "grace", "--password", "a long enough secret"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db = connect(app.config["DATABASE"])
        user = accounts.authenticate(db, "grace", "a long enough secret")
    assert user is not None and user.is_instructor


def test_guest_work_is_kept_when_the_guest_signs_up(app, client, auth):
    client.post("/labs/intel-vtx-host/start")
    auth.signup()
    db = connect(app.config["DATABASE"])
    user = db["users"].get(1)
    assert user["username"] == "ada" and user["role"] == "learner"
    assert db["labs"].get(1)["user_id"] == 1


def test_the_guest_cookie_is_worthless_once_the_guest_signs_up(app, client, auth):
    client.post("/labs/intel-vtx-host/start")
    guest_cookie = client.get_cookie("session").value
    auth.signup()
    stolen = app.test_client()
    stolen.set_cookie("session", guest_cookie)
    assert stolen.get("/account/password").status_code == 303


def test_logout_ends_the_session_on_the_server(app, client, auth):
    auth.signup()
    cookie = client.get_cookie("session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/account/password").status_code == 303


def test_signup_reports_every_problem_at_once(auth):
    response = auth.signup(username="x", password="short")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a user name" in page and "at least 10 characters" in page


def test_purge_guests_deletes_idle_guests_and_their_work_only(app, client, auth, runner):
    client.post("/labs/intel-vtx-host/start")
    client.post("/labs/intel-vtx-host/run", data={"line": "ls"})
    client.post("/quizzes/practice", data={"size": "5"})
    db = connect(app.config["DATABASE"])
    long_ago = "2020-01-01T00:00:00+00:00"
    db.execute("UPDATE users SET created_at = ?", [long_ago])
    db.execute("UPDATE labs SET updated_at = ?", [long_ago])
    db.execute("UPDATE attempts SET started_at = ?", [long_ago])
    db.execute("UPDATE sessions SET created_at = ?", [long_ago])
    other = app.test_client()
    other.post("/signup", data={"username": "ada", "password": "correct horse battery", "invite": ""})
    result = runner.invoke(args=["purge-guests", "--days", "30"])
    assert "1 idle guests deleted." in result.output
    assert db["users"].count == 1 and db["labs"].count == 0 and db["lab_commands"].count == 0
    assert db["attempts"].count == 0


def test_logging_in_after_a_guest_lab_keeps_the_lab_worked_on_last(app, client, auth):
    """The account and the guest both have a lab of one scenario: one lab each scenario, the latest wins."""
    auth.signup()
    client.post("/labs/intel-vtx-host/start")
    client.post("/labs/intel-vtx-host/run", data={"line": "echo from the account"})
    auth.logout()
    client.post("/labs/intel-vtx-host/start")
    client.post("/labs/intel-vtx-host/run", data={"line": "echo from the guest"})
    assert auth.login().status_code == 303
    db = connect(app.config["DATABASE"])
    labs = list(db["labs"].rows)
    assert len(labs) == 1 and labs[0]["user_id"] == 1
    assert [row["line"] for row in db["lab_commands"].rows] == ["echo from the guest"]
