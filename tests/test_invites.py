import datetime
import re

from tests.parallel import in_parallel, post
from web import invite_store
from web.db import connect

CODE = re.compile(r'<code id="new-invite-code">([a-z2-7-]+)</code>')


def _roles(app):
    return dict(connect(app.config["DATABASE"]).execute("SELECT username, role FROM users").fetchall())


def test_an_invite_works_once(app, auth, invite_code):
    assert auth.signup(username="grace", invite=invite_code).status_code == 303
    auth.logout()
    response = auth.signup(username="alan", invite=invite_code)
    assert response.status_code == 422
    assert "used already or expired" in response.get_data(as_text=True)
    assert _roles(app) == {"grace": "instructor"}


def test_two_sign_ups_with_one_code_at_once_make_exactly_one_instructor(app, server, invite_code):
    names = iter(["grace", "alan", "barbara", "edsger"])

    def sign_up():
        data = {"username": next(names), "password": "correct horse battery", "invite": invite_code}
        return post(server + "/signup", data)

    assert sorted(in_parallel(4, sign_up)) == [303, 422, 422, 422]
    assert list(_roles(app).values()) == ["instructor"]


def test_a_failed_sign_up_does_not_use_the_invite_up(app, auth, invite_code):
    assert auth.signup(username="x", invite=invite_code).status_code == 422
    assert auth.signup(username="grace", invite=invite_code).status_code == 303


def test_an_expired_invite_is_refused(app, auth, invite_code):
    db = connect(app.config["DATABASE"])
    yesterday = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).isoformat()
    db.execute("UPDATE invites SET expires_at = ?", [yesterday])
    assert auth.signup(username="grace", invite=invite_code).status_code == 422


def test_invites_are_random_and_stored_only_as_a_hash(app):
    db = connect(app.config["DATABASE"])
    codes = {invite_store.create(db, None) for _ in range(20)}
    assert len(codes) == 20 and all(len(code.replace("-", "")) == 26 for code in codes)
    stored = " ".join(row["code_hash"] for row in db["invites"].rows)
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_a_code_typed_in_capitals_without_dashes_still_works(auth, invite_code):
    assert auth.signup(username="grace", invite=invite_code.replace("-", " ").upper()).status_code == 303


def test_create_invite_command(app, runner, auth):
    result = runner.invoke(args=["create-invite", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "valid 3 days, usable once" in result.output
    code = result.output.split()[-1]
    assert auth.signup(username="grace", invite=code).status_code == 303
    assert _roles(app) == {"grace": "instructor"}


def test_an_instructor_makes_lists_and_revokes_invites(app, client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    assert "Invites" in client.get("/").get_data(as_text=True)
    response = client.post("/account/invites/", data={"days": "2"})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    code = CODE.search(page).group(1)
    assert "Open invites" in page and page.count("Revoke") == 1
    assert client.post("/account/invites/1/revoke").status_code == 404
    assert client.post("/account/invites/2/revoke").status_code == 303
    assert "You have no open invites." in client.get("/account/invites/").get_data(as_text=True)
    auth.logout()
    assert auth.signup(username="alan", invite=code).status_code == 422


def test_invites_are_for_instructors_and_each_sees_only_their_own(app, client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    client.post("/account/invites/", data={"days": "2"})
    other = app.test_client()
    other.post("/signup", data={"username": "ada", "password": "correct horse battery"})
    assert other.get("/account/invites/").status_code == 403
    assert other.post("/account/invites/", data={"days": "2"}).status_code == 403
    db = connect(app.config["DATABASE"])
    db.execute("UPDATE users SET role = 'instructor' WHERE username = 'ada'")
    assert "You have no open invites." in other.get("/account/invites/").get_data(as_text=True)
    assert other.post("/account/invites/2/revoke").status_code == 404


def test_an_invite_lasts_one_to_ninety_days(client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    response = client.post("/account/invites/", data={"days": "365"})
    assert response.status_code == 422
    assert "1 to 90 days" in response.get_data(as_text=True)


def test_an_invite_link_fills_in_the_code(client, invite_code):
    page = client.get(f"/signup?invite={invite_code}").get_data(as_text=True)
    assert f'value="{invite_code}"' in page
