"""Hostile input in every form: whatever is sent, the answer is a page or a clear refusal, never a 500,
and a refused form leaves nothing half-written."""

import io
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.model import AREAS, TERMS, TYPES
from tests.fuzz import TEXT, fuzz
from web.db import connect
from web.labs import LINE_NOT_UTF8
from web.utf8_forms import NOT_UTF8

PASSWORD = "correct horse battery"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _browser_destination(location: str) -> str:
    """The host a browser goes to for a Location: it drops tabs and newlines, trims control characters
    and spaces, and reads a backslash as a slash."""
    cleaned = re.sub("[\t\n\r]", "", location).strip("".join(map(chr, range(33)))).replace("\\", "/")
    return urllib.parse.urlsplit(urllib.parse.urljoin("http://localhost/login", cleaned)).netloc


def _after_redirect(client, response) -> str:
    assert response.status_code == 303, response.status_code
    return _text(client.get(response.headers["Location"]))


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def instructor(client, auth, invite_code):
    auth.signup(username="grace", invite=invite_code)
    return client


@fuzz
@given(username=TEXT, password=TEXT, invite=TEXT)
def test_sign_up_takes_an_account_or_says_what_to_fix(client, username, password, invite):
    response = client.post("/signup", data={"username": username, "password": password, "invite": invite})
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert 'role="alert"' in _text(response) and "Please fix" in _text(response)


NEXT_PIECES = ["/", "\\", "//", "\t", "\n", " ", "evil.com", "@", ":", "%2F", "http:"]
NEXT = st.one_of(TEXT, st.lists(st.sampled_from(NEXT_PIECES), max_size=6).map("".join))


@fuzz
@given(username=st.one_of(st.just("ada"), TEXT), password=st.one_of(st.just(PASSWORD), TEXT), next_url=NEXT)
def test_log_in_lets_in_or_says_why_not_and_never_sends_elsewhere(client, auth, username, password, next_url):
    auth.signup(username="ada", password=PASSWORD)
    form = {"username": username, "password": password, "next": next_url}
    response = client.post("/login", data=form)
    messages = {401: "do not match an account", 429: "Too many failed log-in attempts"}
    assert response.status_code in (303, *messages)
    if response.status_code == 303:
        assert _browser_destination(response.headers["Location"]) == "localhost"
    else:
        assert messages[response.status_code] in _text(response)


@settings(fuzz, max_examples=10)  # each example hashes a password: slow on purpose
@given(current=st.one_of(st.just(PASSWORD), TEXT), new=TEXT)
def test_change_password_changes_it_or_says_why_not(client, auth, db, current, new):
    auth.signup(username="ada", password=PASSWORD)
    before = db["users"].get(1)["password_hash"]
    response = client.post("/account/password", data={"current": current, "new": new})
    if response.status_code == 303:
        assert "Your password is changed." in _after_redirect(client, response)
        client.post("/account/password", data={"current": new, "new": PASSWORD})
    else:  # refused as it stands (422), or for too many wrong current passwords already (429)
        assert response.status_code in (422, 429) and 'role="alert"' in _text(response)
        assert db["users"].get(1)["password_hash"] == before


@fuzz
@given(value=st.one_of(TEXT, st.dates().map(str), st.dates().map(lambda d: f"{d.year:05d}-01-01")))
def test_exam_date_is_saved_or_refused_and_the_dashboard_still_shows(client, auth, value):
    auth.signup()
    client.post("/quizzes/practice", data={"size": "5", "type": "single"})
    client.post("/quizzes/attempts/1/1", data={"option": "a"})
    page = _after_redirect(client, client.post("/quizzes/exam-date", data={"exam_date": value}))
    said = (
        "That is not a date.",
        "That date has passed.",
        "That date is more than two years away.",
        "Exam date set to",
        "Exam date cleared.",
    )
    assert any(message in page for message in said)


@fuzz
@given(
    mode=st.one_of(st.sampled_from(["all", "wrong", "due"]), TEXT),
    areas=st.lists(st.one_of(st.sampled_from(sorted(AREAS)), TEXT), max_size=3),
    terms=st.lists(st.one_of(st.sampled_from(sorted(TERMS)), TEXT), max_size=3),
    types=st.lists(st.one_of(st.sampled_from(sorted(TYPES)), TEXT), max_size=3),
    size=st.one_of(st.sampled_from(["5", "10", "20"]), TEXT),
)
def test_practice_starts_or_says_no_question_matches(client, mode, areas, terms, types, size):
    form = {"mode": mode, "area": areas, "term": terms, "type": types, "size": size}
    response = client.post("/quizzes/practice", data=form)
    page = _after_redirect(client, response)
    if "/attempts/" not in response.headers["Location"]:
        assert "No question matches that choice yet." in page


ANSWER = st.fixed_dictionaries(
    {},
    optional={
        "option": st.lists(st.one_of(st.sampled_from(list("abcdef")), TEXT), max_size=4),
        "answer": TEXT,
        "go": st.one_of(st.sampled_from(["save", "next", "flag", "summary", "autosave"]), TEXT),
    },
)


@fuzz
@given(kind=st.sampled_from(sorted(TYPES)), form=ANSWER, partial=st.booleans())
def test_a_practice_answer_of_any_type_is_graded_once(app, client, htmx, db, kind, form, partial):
    start = client.post("/quizzes/practice", data={"size": "5", "type": kind})
    url = start.headers["Location"]
    attempt_id = int(url.split("/")[-2])
    response = (htmx if partial else client).post(url, data=form)
    assert response.status_code == (200 if partial else 303)
    assert db["answers"].count_where("attempt_id = ?", [attempt_id]) == 1
    assert ("Correct." in _text(response) or "Not quite." in _text(response)) if partial else True


@fuzz
@given(number=st.integers(1, 60), form=ANSWER, partial=st.booleans())
def test_an_exam_answer_is_saved_whatever_is_sent(client, htmx, number, form, partial):
    client.post("/quizzes/exam")
    response = (htmx if partial else client).post(f"/quizzes/attempts/1/{number}", data=form)
    assert response.status_code in (200, 204, 303)
    assert client.get("/quizzes/attempts/1/summary").status_code == 200


@fuzz
@given(line=st.one_of(TEXT, st.text(st.sampled_from(list("ls -a|>&;$(){}'\"\\*?~!#\n\t")), max_size=40)))
def test_any_command_line_gets_an_answer_and_the_lab_carries_on(client, htmx, line):
    client.post("/labs/intel-vtx-host/start")
    assert htmx.post("/labs/intel-vtx-host/run", data={"line": line}).status_code == 200
    assert htmx.post("/labs/intel-vtx-host/run", data={"line": "true"}).status_code == 200


@fuzz
@given(next_url=NEXT, answer=TEXT, line=TEXT)
def test_lab_forms_answer_and_never_send_elsewhere(client, htmx, next_url, answer, line):
    start = client.post("/labs/kvm-guest/start", data={"next": next_url})
    assert _browser_destination(start.headers["Location"]) == "localhost"
    assert htmx.post("/labs/kvm-guest/answer/hypervisor", data={"answer": answer}).status_code == 200
    completions = client.get("/labs/kvm-guest/complete", query_string={"line": line}).get_json()
    assert isinstance(completions["completions"], list)


@fuzz
@given(
    go=st.one_of(
        st.sampled_from(["save", "savefile", "write", "exit", "yes", "no", "cancel", "command", ":w", ":q!"]),
        TEXT,
    ),
    content=TEXT,
    command=TEXT,
    filename=TEXT,
    editor=st.sampled_from(["nano", "sudo nano", "vim", "sudoedit"]),
)
def test_any_editor_action_gets_an_answer_and_the_lab_carries_on(
    client, htmx, go, content, command, filename, editor
):
    client.post("/labs/intel-vtx-host/start")
    htmx.post("/labs/intel-vtx-host/run", data={"line": f"{editor} /etc/hosts"})
    htmx.post("/labs/intel-vtx-host/editor", data={"go": "save", "content": content})  # nano: the name asked
    data = {"go": go, "content": content, "command": command, "filename": filename}
    assert htmx.post("/labs/intel-vtx-host/editor", data=data).status_code in (200, 409, 422)
    htmx.post("/labs/intel-vtx-host/editor", data={"go": "command", "command": ":q!", "content": ""})
    for _ in range(2):  # nano: back from a question on another name, then from the name
        htmx.post("/labs/intel-vtx-host/editor", data={"go": "cancel", "content": content})
    htmx.post("/labs/intel-vtx-host/editor", data={"go": "exit", "content": content})
    htmx.post("/labs/intel-vtx-host/editor", data={"go": "no", "content": content})
    assert htmx.post("/labs/intel-vtx-host/run", data={"line": "true"}).status_code == 200


@fuzz
@given(raw=st.binary(max_size=40))
def test_a_command_line_that_is_not_utf8_is_refused_in_the_terminal(client, htmx, db, raw):
    client.post("/labs/intel-vtx-host/start")
    before = db["lab_commands"].count
    body = b"line=" + urllib.parse.quote_from_bytes(raw).encode()
    response = htmx.post(
        "/labs/intel-vtx-host/run", data=body, content_type="application/x-www-form-urlencoded"
    )
    try:
        line = raw.decode()
    except UnicodeDecodeError:
        assert response.status_code == 422 and "did not arrive as UTF-8 text" in _text(response)
        assert db["lab_commands"].count == before
        return
    assert response.status_code == 200
    assert db.execute("SELECT line FROM lab_commands ORDER BY id DESC LIMIT 1").fetchone()[0] == line[:4096]


def test_a_raw_invalid_byte_in_a_command_line_is_refused_not_run_as_an_empty_line(client, htmx, db):
    client.post("/labs/intel-vtx-host/start")
    for body in (b"line=%FF", b"line=echo \xff"):
        response = htmx.post(
            "/labs/intel-vtx-host/run", data=body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 422 and LINE_NOT_UTF8.strip() in _text(response)
    assert db["lab_commands"].count == 0


def test_any_other_form_that_is_not_utf8_is_refused_with_a_message(client, auth, db):
    auth.signup()
    response = client.post(
        "/quizzes/exam-date", data=b"exam_date=2030-01-0%FF", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and NOT_UTF8 in _text(response)
    assert db["users"].get(1)["exam_date"] is None


GIFT_PIECES = st.sampled_from(
    ["::t::", "::", "{", "}", "=", "~", "#", "####", "%50%", "%-100%", "\\", "T", "FALSE", "->", "[html]",
     "[markdown]", "//c", "\n", "\n\n", " ", "kvm", "é", "$CATEGORY: x", "*"]
)  # fmt: skip
GIFT_TEXT = st.one_of(st.lists(GIFT_PIECES, max_size=30).map("".join), TEXT)


def _imported(client, response, db, before) -> None:
    """The report counts what was stored, a refused import stores nothing, and what was stored shows in
    the bank and exports as well-formed files."""
    page = _text(response)
    assert response.status_code in (200, 422)
    count = int(re.search(r"(\d+) questions? imported", page)[1]) if "Import report" in page else 0
    assert db["bank_questions"].count == before + count
    assert response.status_code == 200 or count == 0
    if count:
        assert client.get("/quizzes/mine").status_code == 200
        ET.fromstring(client.get("/quizzes/export.xml").get_data())
        assert client.get("/quizzes/export.gift").status_code == 200


@fuzz
@given(text=GIFT_TEXT, area=st.one_of(st.sampled_from(sorted(AREAS)), TEXT))
def test_gift_text_is_imported_or_each_refusal_reported(instructor, db, text, area):
    before = db["bank_questions"].count
    response = instructor.post("/quizzes/import", data={"area": area, "text": text})
    _imported(instructor, response, db, before)


@fuzz
@given(content=st.one_of(st.binary(max_size=200), GIFT_TEXT.map(str.encode)))
def test_a_gift_file_is_imported_or_each_refusal_reported(instructor, db, content):
    before = db["bank_questions"].count
    data = {"area": "vm-and-containers", "file": (io.BytesIO(content), "questions.gift")}
    response = instructor.post("/quizzes/import", data=data, content_type="multipart/form-data")
    _imported(instructor, response, db, before)


ASSIGNMENT_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(TEXT, st.sampled_from(values))
        for name, values in {
            "title": ["Lab 1"],
            "kind": ["lab", "practice", "exam"],
            "opens_at": ["2026-01-01T00:00", "2026-13-01T00:00"],
            "closes_at": ["2030-01-01T00:00", "2020-01-01T00:00"],
            "max_attempts": ["0", "3", "-1", "99"],
            "scenario": ["vtx-disabled-host", "clone-identifiers", "kvm-guest", "nope"],
            "fault": ["virt-off", "stale-fstab-uuid", "same-hostname"],
            "seed": ["", "42", "-1", "99999999999"],
            "variant": ["same", "each"],
            "area": sorted(AREAS),
            "size": ["1", "0", "61"],
            "question": ["vm-001", "nope"],
            "exam_size": ["5", "0"],
            "minutes": ["10", "0", "999"],
        }.items()
    },
)


@fuzz
@given(form=ASSIGNMENT_FIELDS)
def test_an_assignment_is_created_or_each_field_refused_in_words(instructor, db, form):
    class_id = instructor.post("/classes/", data={"name": "Fuzz"}).headers["Location"].split("/")[-1]
    before = db["assignments"].count
    response = instructor.post(f"/classes/{class_id}/assignments", data=form)
    assert response.status_code in (303, 422)
    assert db["assignments"].count == before + (response.status_code == 303)
    if response.status_code == 422:
        assert 'class="form-error"' in _text(response)


POST_ROUTES = [
    "/classes/",
    "/classes/join",
    "/signup",
    "/login",
    "/account/password",
    "/quizzes/practice",
    "/quizzes/exam",
    "/quizzes/attempts/1/1",
    "/quizzes/attempts/1/submit",
    "/quizzes/exam-date",
    "/quizzes/import",
    "/quizzes/mine/1/delete",
    "/labs/kvm-guest/start",
    "/labs/kvm-guest/run",
    "/labs/kvm-guest/answer/hypervisor",
    "/labs/kvm-guest/hint/hypervisor",
    "/labs/kvm-guest/reset",
    "/logout",
]


@fuzz
@given(path=st.sampled_from(POST_ROUTES), body=st.binary(max_size=80), partial=st.booleans())
def test_any_body_posted_anywhere_is_answered_without_a_server_error(instructor, htmx, path, body, partial):
    instructor.post("/labs/kvm-guest/start")
    response = (htmx if partial else instructor).post(
        path, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    if response.status_code == 400:
        assert NOT_UTF8 in _text(response) or LINE_NOT_UTF8.strip() in _text(response)


FORM_ROUTES = [
    "/classes/1/code",
    "/classes/1/archive",
    "/classes/1/instructors",
    "/classes/1/assignments",
    "/classes/1/assignments/1/extensions",
    "/classes/1/students/2/remove",
    "/account/invites/",
    "/quizzes/mine/new/single",
    "/quizzes/mine/1/edit",
    "/cloud/instances/launch",
    "/cloud/instances/progress",
    "/cloud/volumes/create",
    "/cloud/networks/create",
    "/cloud/security-groups/create",
    "/cloud/key-pairs/import",
    "/cloud/key-pairs/delete",
    "/cloud/object-storage/create",
    "/cloud/load-balancers/create",
    "/cloud/autoscaling/create",
    "/labs/kvm-host/machines/start",
    "/labs/kvm-host/machines/clone",
    "/labs/kvm-host/machines/create",
    "/labs/kvm-host/machines/delete",
    "/labs/kvm-host/machines/import",
]
FIELDLESS = {"/classes/1/code", "/classes/1/students/2/remove"}  # a button: its body is never read
BODY_PIECES = [b"name=", b"domain=", b"size=", b"days=", b"&", b"=", b"web01", b"5", b"%FF", b"\xff", b"%00"]
# A lone surrogate (U+D800) as UTF-8 would spell it, escaped and raw: never valid UTF-8.
BODY_PIECES += [b"%ED%A0%80", b"\xed\xa0\x80", b"%C0%AF", b"+", b"%2B"]
BODY = st.one_of(st.binary(max_size=80), st.lists(st.sampled_from(BODY_PIECES), max_size=12).map(b"".join))


@pytest.fixture
def everything(instructor):
    """An instructor with a class, an assignment, a question of her own, a cloud and a KVM host."""
    instructor.post("/classes/", data={"name": "Fuzz"})
    form = {"title": "Lab", "kind": "lab", "scenario": "kvm-guest", "opens_at": "2026-01-01T00:00"}
    instructor.post("/classes/1/assignments", data={**form, "closes_at": "2030-01-01T00:00"})
    instructor.post("/cloud/start")
    instructor.post("/labs/kvm-host/start")
    return instructor


@fuzz
@given(path=st.sampled_from(FORM_ROUTES), body=BODY, partial=st.booleans())
def test_any_body_posted_to_any_form_is_refused_in_words_or_used(everything, htmx, path, body, partial):
    response = (htmx if partial else everything).post(
        path, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    try:
        urllib.parse.unquote_to_bytes(body).decode()
    except UnicodeDecodeError:
        if response.status_code != 404 and path not in FIELDLESS:
            assert response.status_code == 400 and NOT_UTF8 in _text(response)
