"""Hostile input in the cloud console: every form answers with the section or a refusal beside the field,
a refusal leaves the cloud as it was, and no form reaches another learner's cloud."""

import re

import orjson
import pytest

from web.db import connect

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINHHtbgUzzhcQfI/yVEJUT6uOr6H0O15pE1iGVbXF5oa learner@laptop"

GROUP = {"name": "asg", "image": "debian-12", "flavor": "m1.small", "min": "1", "desired": "1", "max": "2"}
PLACE = re.compile(r"\{(\w+)\}")
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}  # as htmx 4 asks for a fragment


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _cloud_lab(app, username):
    """A learner with a cloud of each kind of resource: an instance, a volume, a key pair, a bucket..."""
    client = app.test_client()
    client.post("/signup", data={"username": username, "password": "correct horse battery"})
    client.post("/cloud/start")
    steps = [
        ("/cloud/key-pairs/import", {"name": "laptop", "public_key": ED25519}),
        (
            "/cloud/instances/launch",
            {"name": "web-1", "image": "debian-12", "flavor": "m1.small", "network": "private"},
        ),
        ("/cloud/volumes/create", {"name": "data", "size": "1"}),
        ("/cloud/floating-ips/allocate", {}),
        ("/cloud/security-groups/create", {"name": "web"}),
        ("/cloud/object-storage/create", {"bucket": "site"}),
        ("/cloud/load-balancers/create", {"name": "lb"}),
        ("/cloud/autoscaling/create", GROUP),
    ]
    for url, data in steps:
        assert client.post(url, data=data, headers=PARTIAL).status_code == 200, url
    return client


def _state(db, username) -> bytes:
    row = db.execute(
        "SELECT l.state FROM labs l JOIN users u ON u.id = l.user_id WHERE u.username = ?", [username]
    ).fetchone()
    return row[0].encode()


@pytest.fixture
def learners(app):
    """Ada, signed in, and Bob: two learners with clouds of their own."""
    return _cloud_lab(app, "ada"), _cloud_lab(app, "bob")


def _ids(db, username: str, kind: str) -> list[str]:
    return list(orjson.loads(_state(db, username))["cloud"][kind])


def test_a_refusal_whose_field_is_not_on_the_page_is_said_above_the_forms(db, learners):
    ada, _ = learners  # Ada has a group: the page shows it, not the form to create one
    response = ada.post("/cloud/autoscaling/create", data={**GROUP, "name": "asg2"}, headers=PARTIAL)
    assert response.status_code == 422
    assert "You already have an autoscaling group" in response.get_data(as_text=True)


def test_an_action_on_another_learners_instance_from_its_page_is_not_found(db, learners):
    ada, _ = learners
    theirs = _state(db, "bob")
    for headers in (PARTIAL, {}):
        for bob_instance in _ids(db, "bob", "instances"):
            response = ada.post(f"/cloud/instances/{bob_instance}/image", data={"name": "x"}, headers=headers)
            assert response.status_code == 404
    assert _state(db, "bob") == theirs
