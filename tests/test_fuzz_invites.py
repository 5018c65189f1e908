"""Hostile input in the instructor invites page: an invite is made or the length refused in words, and
an instructor revokes only their own invites."""

from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz import NUMBERS, TEXT, fuzz
from web import invite_store
from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def grace(app, db):
    """Grace, an instructor; Hopper, another, has made invite 3 (invites 1 and 2 were theirs to sign up)."""
    clients = {}
    for name in ("grace", "hopper"):
        clients[name] = app.test_client()
        signup = {
            "username": name,
            "password": "correct horse battery",
            "invite": invite_store.create(db, None),
        }
        clients[name].post("/signup", data=signup)
    clients["hopper"].post("/account/invites/", data={"days": "7"})
    return clients["grace"]


def _invites(db, creator: str) -> list[dict]:
    return list(
        db.query(
            "SELECT i.* FROM invites i JOIN users u ON u.id = i.created_by WHERE u.username = ?", [creator]
        )
    )


@fuzz
@given(
    days=st.one_of(
        st.sampled_from(["1", "7", "90"]), NUMBERS, TEXT, st.lists(NUMBERS, min_size=2, max_size=2)
    )
)
def test_an_invite_is_made_or_its_length_refused_in_words(grace, db, days):
    before = len(_invites(db, "grace"))
    response = grace.post("/account/invites/", data={"days": days})
    assert response.status_code in (201, 422)
    page = response.get_data(as_text=True)
    if response.status_code == 422:
        assert "An invite lasts 1 to 90 days." in page and len(_invites(db, "grace")) == before
    else:
        assert len(_invites(db, "grace")) == before + 1


@fuzz
@given(invite_id=st.one_of(st.integers(-1, 5), st.just(2**64), TEXT.map(lambda t: t.replace("/", ""))))
@example(invite_id="#")
@example(invite_id="?x")
def test_an_instructor_revokes_only_their_own_invites(grace, db, invite_id):
    grace.post("/account/invites/", data={"days": "7"})
    own = {row["id"] for row in _invites(db, "grace")}
    theirs = _invites(db, "hopper")
    response = grace.post(f"/account/invites/{quote(str(invite_id), safe='')}/revoke")  # '#' or '?' as typed
    assert response.status_code in (303, 404, 405, 308)
    assert (response.status_code == 303) == (str(invite_id) in {str(i) for i in own})
    assert _invites(db, "hopper") == theirs
