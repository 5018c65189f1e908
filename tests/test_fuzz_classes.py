"""Hostile input in classes: creating, joining, assigning, extending, and the gradebook's downloads."""

import re
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from tests.fuzz import HOSTILE, TEXT, form, fuzz, sendable
from web import invite_store
from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def instructor(client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    return client


@fuzz
@given(name=TEXT)
def test_a_class_of_any_name_is_made_or_refused_and_its_gradebook_downloads(instructor, db, name):
    before = db["classes"].count
    response = instructor.post("/classes/", data={"name": name})
    assert response.status_code == 303
    if db["classes"].count == before:
        assert "Give the class a name." in instructor.get(response.headers["Location"]).get_data(as_text=True)
        return
    class_id = response.headers["Location"].rsplit("/", 1)[-1]
    for kind in ("csv", "xlsx"):
        download = instructor.get(f"/classes/{class_id}/gradebook.{kind}")
        assert download.status_code == 200 and sendable(download), download.headers["Content-Disposition"]
        assert parse_options_header(download.headers["Content-Disposition"])[1]["filename"].endswith(kind)


TABLES = ("classes", "class_members", "assignments", "assignment_extensions")


def _rows(db, class_id: int) -> dict:
    """Everything of one class: the class, its members, its assignments and their extensions."""
    return {
        "classes": list(db.query("SELECT * FROM classes WHERE id = ?", [class_id])),
        "members": list(
            db.query("SELECT * FROM class_members WHERE class_id = ? ORDER BY user_id", [class_id])
        ),
        "assignments": list(db.query("SELECT * FROM assignments WHERE class_id = ? ORDER BY id", [class_id])),
        "extensions": list(
            db.query(
                """SELECT e.* FROM assignment_extensions e JOIN assignments a ON a.id = e.assignment_id
                   WHERE a.class_id = ? ORDER BY e.assignment_id, e.user_id""",
                [class_id],
            )
        ),
    }


LAB = {"title": "Lab 1", "kind": "lab", "scenario": "kvm-guest", "opens_at": "2026-01-01T00:00"}
PRACTICE = {"title": "Set 1", "kind": "practice", "size": "5", "opens_at": "2026-01-01T00:00"}


@pytest.fixture
def classes(app, invite_code):
    """Grace teaches a class Ada attends, with a lab and a practice assigned; Hopper teaches another, with
    Bob in it. Returns the clients and the ids a form may name."""
    db = connect(app.config["DATABASE"])
    clients, ids = {}, {}
    for name in ("grace", "hopper", "ada", "bob"):
        clients[name] = app.test_client()
        invite = invite_store.create(db, None) if name in ("grace", "hopper") else ""
        signup = {"username": name, "password": "correct horse battery", "invite": invite}
        assert clients[name].post("/signup", data=signup).status_code == 303
    for teacher, student in (("grace", "ada"), ("hopper", "bob")):
        made = clients[teacher].post("/classes/", data={"name": f"{teacher}'s class"})
        class_id = int(made.headers["Location"].rsplit("/", 1)[-1])
        code = db["classes"].get(class_id)["code"]
        clients[student].post("/classes/join", data={"code": code})
        for fields in (LAB, PRACTICE):
            form = {**fields, "closes_at": "2030-01-01T00:00"}
            assert clients[teacher].post(f"/classes/{class_id}/assignments", data=form).status_code == 303
        ids[teacher] = {
            "class": class_id,
            "code": code,
            "assignments": [
                a["id"] for a in db.query("SELECT id FROM assignments WHERE class_id = ?", [class_id])
            ],
            "student": db["users"].rows_where("username = ?", [student]).__next__()["id"],
        }
    return clients, ids


ROUTES = {
    "/classes/{class}/code": {},
    "/classes/{class}/archive": {"archived": ("1", "0")},
    "/classes/{class}/students/{user}/remove": {},
    "/classes/{class}/instructors": {"username": ("hopper", "ada", "nobody", "GRACE")},
    "/classes/{class}/assignments/{assignment}/extensions": {
        "student": ("{user}",),
        "closes_at": ("2031-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00", "2031-02-30T00:00"),
    },
    "/classes/join": {"code": ("{code}",)},
}
PLACE = re.compile(r"\{(\w+)\}")


@settings(fuzz, max_examples=150)
@given(data=st.data())
def test_any_class_form_is_done_or_refused_and_never_reaches_another_class(db, classes, data):
    clients, ids = classes
    grace = clients["grace"]
    theirs = _rows(db, ids["hopper"]["class"])
    mine = ids["grace"]

    def place(kind: str):
        """Of Grace's class, of Hopper's, or anything."""
        own = {"class": [mine["class"]], "user": [mine["student"]], "assignment": mine["assignments"]}
        other = {
            "class": [ids["hopper"]["class"]],
            "user": [ids["hopper"]["student"]],
            "assignment": ids["hopper"]["assignments"],
        }
        if kind == "code":
            return st.one_of(st.sampled_from([mine["code"], ids["hopper"]["code"]]), HOSTILE)
        ints = st.integers(-5, 2**70).map(str)
        return st.one_of(
            st.sampled_from(own[kind]).map(str), st.sampled_from(other[kind]).map(str), ints, HOSTILE
        )

    address = data.draw(st.sampled_from(sorted(ROUTES)))
    fields = data.draw(form(ROUTES[address]))
    path = PLACE.sub(lambda m: urllib.parse.quote(data.draw(place(m[1])), safe=""), address)
    for name, sent in fields.items():
        placed = PLACE.fullmatch(sent) if isinstance(sent, str) else None
        if placed:
            fields[name] = data.draw(place(placed[1]))

    response = grace.post(path, data=fields)

    assert response.status_code in (303, 308, 404, 405, 422, 429)
    assert sendable(response)
    if response.status_code == 422:
        assert 'role="alert"' in response.get_data(as_text=True) or "form-error" in response.get_data(
            as_text=True
        )
    if address != "/classes/join" or response.status_code != 303:
        assert _rows(db, ids["hopper"]["class"]) == theirs
    for page in ("", "/live", "/statistics", "/gradebook.csv", "/gradebook.xlsx"):
        assert grace.get(f"/classes/{mine['class']}{page}").status_code == 200
    for assignment in mine["assignments"]:
        assert grace.get(f"/classes/{mine['class']}/assignments/{assignment}").status_code == 200
        attending = db["class_members"].count_where(
            "class_id = ? AND user_id = ?", [mine["class"], mine["student"]]
        )
        seen = clients["ada"].get(f"/classes/{mine['class']}/assignments/{assignment}")
        assert seen.status_code == (200 if attending else 404)
    assert clients["ada"].get("/").status_code == 200


@fuzz
@given(which=st.integers(0, 3), class_of=st.sampled_from(["grace", "hopper"]), replace=TEXT)
def test_a_student_starts_only_their_own_classes_work(db, classes, which, class_of, replace):
    clients, ids = classes
    ada, named = clients["ada"], ids[class_of]
    assignment = (ids["grace"]["assignments"] + ids["hopper"]["assignments"])[which]
    labs, attempts = db["labs"].count, db["attempts"].count
    response = ada.post(
        f"/classes/{named['class']}/assignments/{assignment}/start", data={"replace": replace}
    )
    if class_of == "hopper" or assignment not in named["assignments"]:
        assert response.status_code == 404
        assert (db["labs"].count, db["attempts"].count) == (labs, attempts)
    else:
        assert response.status_code == 303 and ada.get(response.headers["Location"]).status_code == 200
