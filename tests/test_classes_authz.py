"""The authorization matrix: every route of classes and assignments, against every role.

Each role asks every route about one class (its assignment, its student); a role the route is not for gets
a 404 (as if the class did not exist), a log-in page or a 403, and the database stays as it was.
"""

import datetime

import pytest

from web import invite_store
from web.db import connect

PASSWORD = "correct horse battery"
ROLES = ("anonymous", "guest", "student", "other_student", "instructor", "co_instructor", "other_instructor")
TEACHERS = {"instructor", "co_instructor"}
MEMBERS = TEACHERS | {"student"}
EVERYONE = set(ROLES)

# (method, rule) -> the roles it serves; every other role is refused. Destructive routes come last.
MATRIX = [
    ("GET", "/classes/", EVERYONE),
    ("GET", "/classes/join", EVERYONE),
    ("GET", "/classes/<id:class_id>", MEMBERS),
    ("GET", "/classes/<id:class_id>/assignments/new", TEACHERS),
    ("GET", "/classes/<id:class_id>/assignments/<id:assignment_id>", MEMBERS),
    ("GET", "/classes/<id:class_id>/live", TEACHERS),
    ("GET", "/classes/<id:class_id>/students/<id:user_id>", TEACHERS),
    ("GET", "/classes/<id:class_id>/statistics", TEACHERS),
    ("GET", "/classes/<id:class_id>/gradebook.csv", TEACHERS),
    ("GET", "/classes/<id:class_id>/gradebook.xlsx", TEACHERS),
    ("POST", "/classes/<id:class_id>/assignments", TEACHERS),
    ("POST", "/classes/<id:class_id>/assignments/<id:assignment_id>/extensions", TEACHERS),
    ("POST", "/classes/<id:class_id>/assignments/<id:assignment_id>/late", TEACHERS),
    ("POST", "/classes/<id:class_id>/assignments/<id:assignment_id>/start", {"student"}),
    ("POST", "/classes/<id:class_id>/instructors", TEACHERS),
    ("POST", "/classes/<id:class_id>/code", TEACHERS),
    ("POST", "/classes/<id:class_id>/students/<id:user_id>/remove", TEACHERS),
    ("POST", "/classes/<id:class_id>/archive", TEACHERS),
]
# Routes that name no class: creating one is for instructor accounts; joining is for anyone with a code.
UNBOUND = {("POST", "/classes/"), ("POST", "/classes/join")}

STATE_TABLES = ("classes", "class_members", "assignments", "assignment_extensions", "attempts", "labs")


def test_the_matrix_covers_every_route_of_classes(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("classes.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, rule) for method, rule, _ in MATRIX} | UNBOUND


def _client(app, name=None, invite=False):
    client = app.test_client()
    if name:
        code = invite_store.create(connect(app.config["DATABASE"]), None) if invite else ""
        response = client.post("/signup", data={"username": name, "password": PASSWORD, "invite": code})
        assert response.status_code == 303
    return client


def _class(client, name):
    response = client.post("/classes/", data={"name": name})
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


@pytest.fixture
def world(app):
    db = connect(app.config["DATABASE"])
    clients = {
        "anonymous": app.test_client(),
        "guest": app.test_client(),
        "student": _client(app, "stu"),
        "other_student": _client(app, "otherstu"),
        "instructor": _client(app, "teach", invite=True),
        "co_instructor": _client(app, "coteach", invite=True),
        "other_instructor": _client(app, "elsewhere", invite=True),
    }
    clients["guest"].post("/labs/intel-vtx-host/start")
    class_id = _class(clients["instructor"], "Ours")
    other_class = _class(clients["other_instructor"], "Theirs")
    clients["instructor"].post(f"/classes/{class_id}/instructors", data={"username": "coteach"})
    code = lambda cid: db.execute("SELECT code FROM classes WHERE id = ?", [cid]).fetchone()[0]  # noqa: E731
    clients["student"].post("/classes/join", data={"code": code(class_id)})
    clients["other_student"].post("/classes/join", data={"code": code(other_class)})
    now = datetime.datetime.now(datetime.UTC)
    response = clients["instructor"].post(
        f"/classes/{class_id}/assignments",
        data={
            "title": "Exam",
            "kind": "exam",
            "exam_size": "3",
            "minutes": "10",
            "opens_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assignment_id = int(response.headers["Location"].split("/")[-1])
    student_id = db.execute("SELECT id FROM users WHERE username = 'stu'").fetchone()[0]
    ids = {"class_id": class_id, "assignment_id": assignment_id, "user_id": student_id}
    return db, clients, ids


FORMS = {
    "/classes/<id:class_id>/assignments": {
        "title": "Lab",
        "kind": "lab",
        "scenario": "vtx-disabled-host",
        "fault": "virt-off",
        "opens_at": "2026-01-01T00:00",
        "closes_at": "2030-01-01T00:00",
    },
    "/classes/<id:class_id>/assignments/<id:assignment_id>/extensions": {"closes_at": "2030-01-01T00:00"},
    "/classes/<id:class_id>/assignments/<id:assignment_id>/late": {"late_counts": "1"},
    "/classes/<id:class_id>/instructors": {"username": "elsewhere"},
    "/classes/<id:class_id>/archive": {"archived": "1"},
}


def _snapshot(db):
    return {table: list(db.query(f"SELECT * FROM [{table}]")) for table in STATE_TABLES}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_serves_its_roles_and_refuses_the_others(world, role):
    db, clients, ids = world
    client = clients[role]
    for method, rule, allowed in MATRIX:
        url = rule
        for name, value in ids.items():
            url = url.replace(f"<id:{name}>", str(value))
        data = dict(FORMS.get(rule, {}))
        if "extensions" in rule:
            data["student"] = ids["user_id"]
        before = _snapshot(db)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if role in allowed:
            assert response.status_code in (200, 303), (method, rule, response.status_code)
        else:
            assert response.status_code == 404, (method, rule, response.status_code)
            assert _snapshot(db) == before, (method, rule)


def test_only_instructor_accounts_create_classes(world):
    db, clients, _ = world
    for role in ROLES:
        before = db.execute("SELECT count(*) FROM classes").fetchone()[0]
        response = clients[role].post("/classes/", data={"name": "New"})
        after = db.execute("SELECT count(*) FROM classes").fetchone()[0]
        if role in ("instructor", "co_instructor", "other_instructor"):
            assert response.status_code == 303 and after == before + 1, role
        elif role in ("anonymous", "guest"):
            assert response.headers["Location"].startswith("/login") and after == before, role
        else:
            assert response.status_code == 403 and after == before, role


def test_an_instructor_sees_only_their_own_classes(world):
    _, clients, _ = world
    assert "Theirs" not in clients["instructor"].get("/classes/").text
    assert "Ours" not in clients["other_instructor"].get("/classes/").text
    assert "Ours" in clients["co_instructor"].get("/classes/").text


def test_a_student_of_the_class_never_sees_another_students_work(world, app):
    db, clients, ids = world
    other = db.execute("SELECT id FROM users WHERE username = 'otherstu'").fetchone()[0]
    response = clients["student"].get(f"/classes/{ids['class_id']}/students/{other}")
    assert response.status_code == 404
    response = clients["instructor"].get(f"/classes/{ids['class_id']}/students/{other}")
    assert response.status_code == 404
