"""Hostile query strings on every page: any parameter, any value, sent twice or not as UTF-8, is answered
with the page (or a redirect, or a 404), never a 500, and with headers a real server can send."""

import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import HOSTILE, TEXT, fuzz, sendable
from web import invite_store
from web.db import connect

# Every parameter a page reads, and a few it does not.
KEYS = ["code", "invite", "area", "type", "show", "line", "domain", "next", "page", "filter", "q", "sort"]
PAGES = [
    "/",
    "/signup",
    "/login",
    "/account/password",
    "/account/invites/",
    "/classes/",
    "/classes/join",
    "/classes/1",
    "/classes/1/live",
    "/classes/1/statistics",
    "/classes/1/gradebook.csv",
    "/classes/1/gradebook.xlsx",
    "/classes/1/assignments/new",
    "/classes/1/assignments/1",
    "/classes/2",
    "/labs/",
    "/labs/kvm-host",
    "/labs/kvm-host/complete",
    "/labs/kvm-host/machines",
    "/labs/kvm-host/machines/export",
    "/cloud/",
    "/cloud/instances",
    "/quizzes/",
    "/quizzes/attempts/1/1",
    "/quizzes/attempts/1/summary",
    "/quizzes/attempts/1/review",
    "/quizzes/export",
    "/quizzes/export.gift",
    "/quizzes/export.xml",
    "/quizzes/import",
    "/quizzes/mine",
    "/quizzes/mine/new/fill",
    "/quizzes/mine/1/edit",
    "/quizzes/mine/1/delete",
]
PAIRS = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), TEXT), HOSTILE), max_size=4)
RAW = st.binary(max_size=30).map(lambda raw: urllib.parse.quote_from_bytes(raw, safe="=&"))


@pytest.fixture
def grace(app, client):
    """An instructor with one of everything a page may show: a class with a student and an assignment,
    a practice submitted, a lab, a question of her own; another instructor's class is number 2."""
    db = connect(app.config["DATABASE"])
    for name, browser in (("grace", client), ("hopper", app.test_client())):
        invite = invite_store.create(db, None)
        browser.post(
            "/signup", data={"username": name, "password": "correct horse battery", "invite": invite}
        )
        browser.post("/classes/", data={"name": f"{name}'s class"})
    form = {"title": "Lab", "kind": "lab", "scenario": "kvm-guest", "opens_at": "2026-01-01T00:00"}
    client.post("/classes/1/assignments", data={**form, "closes_at": "2030-01-01T00:00"})
    client.post("/quizzes/practice", data={"size": "5"})
    client.post("/quizzes/attempts/1/1", data={"option": "a"})
    client.post("/quizzes/attempts/1/submit")
    client.post("/labs/kvm-host/start")
    fill = {"id": "q-1", "area": "vm-and-containers", "difficulty": "2", "stem": "Which?", "exact": "virsh"}
    client.post("/quizzes/mine/new/fill", data={**fill, "explanation": "Because.", "action": "save"})
    return client


@fuzz
@given(page=st.sampled_from(PAGES), pairs=PAIRS, raw=st.one_of(st.none(), RAW), partial=st.booleans())
def test_any_query_string_gets_the_page_or_a_refusal(grace, htmx, page, pairs, raw, partial):
    query = raw if raw is not None else urllib.parse.urlencode(pairs)
    response = (htmx if partial else grace).get(f"{page}?{query}")
    assert response.status_code in (200, 303, 308, 404), (page, query)
    assert sendable(response)
