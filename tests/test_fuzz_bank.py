"""Hostile input in an instructor's own bank: a question is saved, previewed or refused with the problems
listed, a refusal stores nothing, and one instructor never reaches another's questions."""

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.model import AREAS, TERMS
from tests.fuzz import TEXT, form, fuzz
from tests.test_my_bank import SINGLE
from web import invite_store
from web.db import connect

KINDS = ("single", "multiple", "fill", "lab")
FIELDS = {
    "id": ("kvm-1", "kvm-2", "Bad Id", "own:1"),
    "area": tuple(AREAS),
    "difficulty": ("1", "2", "3", "0", "4"),
    "terms": tuple(TERMS),
    "text_format": ("markdown", "html"),
    "stem": ("Which module does KVM need on Intel?", "**Bold** <b>html</b>"),
    "explanation": ("kvm_intel drives VT-x.",),
    "correct": ("0", "1", "7", "25", "26"),
    "exact": ("modprobe kvm_intel", "a\nb"),
    "patterns": (r"^modprobe\s+kvm_intel$", "(", ".*", "(?i)x"),
    "case_sensitive": ("on", ""),
    "optional_sudo": ("on", ""),
    "scenario": ("intel-vtx-host", "kvm-guest", "nope"),
    "checks": ("kvm-module-loaded", "nope"),
    "action": ("save", "preview"),
    **{f"option-{n}-text": ("kvm_intel", "kvm_amd", "") for n in (0, 1, 2, 25)},
    **{f"option-{n}-explanation": ("VT-x", "") for n in (0, 1)},
}


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def instructors(app, db):
    """Grace and Hopper, instructors, each with one question of their own."""
    clients = []
    for name in ("grace", "hopper"):
        client = app.test_client()
        signup = {
            "username": name,
            "password": "correct horse battery",
            "invite": invite_store.create(db, None),
        }
        client.post("/signup", data=signup)
        question = {**SINGLE, "id": f"{name}-q", "action": "save"}
        assert client.post("/quizzes/mine/new/single", data=question).status_code == 303
        clients.append(client)
    return clients


def _rows(db, owner: str) -> list[dict]:
    return list(
        db.query(
            """SELECT b.* FROM bank_questions b JOIN users u ON u.id = b.owner_id
               WHERE u.username = ? ORDER BY b.id""",
            [owner],
        )
    )


# A question of each type that saves as it stands; the fuzz changes a field or two of it.
VALID = {
    "single": SINGLE,
    "multiple": {
        **SINGLE,
        "stem": "Which modules are KVM's? (Choose two.)",
        "correct": ["0", "1"],
        "option-2-text": "kvm_arm",
        "option-2-explanation": "Not on x86.",
    },
    "fill": {**SINGLE, "exact": "modprobe kvm_intel", "patterns": r"^(sudo )?modprobe +kvm_intel$"},
    "lab": {**SINGLE, "scenario": "intel-vtx-host", "checks": "kvm-module-loaded"},
}
CHANGES = st.lists(st.sampled_from(sorted(FIELDS)), max_size=3, unique=True).flatmap(
    lambda names: form({name: FIELDS[name] for name in names})
)


@fuzz
@given(
    kind=st.sampled_from([*KINDS, "essay", "", "🙂", "single%2F..%2Fx"]),
    row=st.sampled_from([None] * 8 + [1, 2, 0, 2**64]),  # a new question, or row 1 (Grace's), 2 (Hopper's)...
    number=st.integers(0, 10**6),
    changes=CHANGES,
)
def test_a_question_form_saves_previews_or_lists_the_problems(db, instructors, kind, row, number, changes):
    fields = {**VALID.get(kind, SINGLE), "id": f"q-{number}", "action": "save", **changes}
    grace, _ = instructors
    mine, theirs = _rows(db, "grace"), _rows(db, "hopper")
    address = f"/quizzes/mine/new/{kind}" if row is None else f"/quizzes/mine/{row}/edit"
    response = grace.post(address, data=fields)
    assert response.status_code in (200, 303, 404, 422)
    page = response.get_data(as_text=True)
    if response.status_code == 422:
        assert 'role="alert"' in page and "This question cannot be saved yet:" in page
    if response.status_code != 303:
        assert _rows(db, "grace") == mine
    else:
        assert len(_rows(db, "grace")) == len(mine) + (row is None)
        assert grace.get("/quizzes/mine").status_code == 200
        ET.fromstring(grace.get("/quizzes/export.xml").get_data())
        assert grace.get("/quizzes/export.gift").status_code == 200
    assert _rows(db, "hopper") == theirs


@fuzz
@given(row=st.one_of(st.sampled_from([1, 2]), st.integers(-1, 2**64)), confirm=st.booleans())
def test_a_question_is_deleted_only_by_its_owner(db, instructors, row, confirm):
    grace, _ = instructors
    theirs = _rows(db, "hopper")
    owned = any(r["id"] == row for r in _rows(db, "grace"))
    response = (
        grace.post(f"/quizzes/mine/{row}/delete") if confirm else grace.get(f"/quizzes/mine/{row}/delete")
    )
    assert response.status_code == (404 if not owned else 303 if confirm else 200)
    assert _rows(db, "hopper") == theirs


XML_PIECES = st.sampled_from(
    ['<?xml version="1.0"?>', "<quiz>", "</quiz>", '<question type="multichoice">', "</question>",
     '<question type="shortanswer">', '<question type="truefalse">', '<question type="category">',
     "<name><text>q</text></name>", '<questiontext format="html"><text>', "</text></questiontext>",
     '<answer fraction="100"><text>', '<answer fraction="-50"><text>', '<answer fraction="x">',
     "</text></answer>",
     "<single>true</single>", "<usecase>1</usecase>", "<category><text>$course$/kvm</text></category>",
     "<![CDATA[<b>x</b>]]>", "&amp;", "&bogus;", '<!DOCTYPE q [<!ENTITY e "x">]>', "&e;", "kvm", "é", "\x00"]
)  # fmt: skip
XML_TEXT = st.one_of(st.lists(XML_PIECES, max_size=30).map("".join), TEXT)


@fuzz
@given(text=XML_TEXT, as_file=st.booleans(), area=st.one_of(st.sampled_from(sorted(AREAS)), TEXT))
def test_moodle_xml_is_imported_or_each_refusal_reported(db, instructors, text, as_file, area):
    grace, _ = instructors
    before, theirs = len(_rows(db, "grace")), _rows(db, "hopper")
    data = {"area": area, "format": "xml"}
    if as_file:
        data["file"] = (io.BytesIO(text.encode(errors="surrogatepass")), "questions.xml")
    else:
        data["text"] = text
    response = grace.post("/quizzes/import", data=data, content_type="multipart/form-data")
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert len(_rows(db, "grace")) == before or response.status_code == 200
    if response.status_code == 422:
        assert len(_rows(db, "grace")) == before and "Import report" in page
    assert _rows(db, "hopper") == theirs
