"""Hostile input in classes: creating, joining, assigning, extending, and the gradebook's downloads."""

import pytest
from hypothesis import given
from werkzeug.http import parse_options_header

from tests.fuzz import TEXT, fuzz, sendable
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
