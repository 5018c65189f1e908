"""Hostile input in a KVM host's Virtual machines panel: every form answers with the panel or a refusal
that says why, a refusal leaves the lab as it was, and nothing reaches another learner's lab."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from simulator import libvirt
from tests.fuzz import TEXT, form, fuzz, sendable
from web.db import connect
from web.lab_store import load_world

URL = "/labs/kvm-host"
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
ISO = "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
GUESTS = ("web01", "db01", "-x", "web01 --remove-all-storage")
NEW = ("db02", "vm1", "-vm", "db02; touch pwned", "Ā", "web01")
FORMS = {
    "start": {"domain": GUESTS},
    "shutdown": {"domain": GUESTS},
    "clone": {"domain": GUESTS, "name": NEW, "kind": ("full", "linked"), "mac": ("generate", "keep")},
    "template": {"domain": GUESTS},
    "deploy": {"domain": GUESTS, "name": NEW, "kind": ("full", "linked")},
    "delete": {"domain": GUESTS},
    "create": {
        "name": NEW,
        "vcpus": ("1", "2", "0", "999"),
        "memory": ("512", "2048", "511", "99999999"),
        "disk": ("4", "10", "201"),
        "network": ("default", "other"),
        "medium": (ISO, "/etc/passwd", ""),
        "drivers": ("yes", ""),
    },
}


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


@pytest.fixture
def learners(app):
    """Ada, signed in, and Bob, each with a KVM host lab of their own."""
    clients = []
    for name in ("ada", "bob"):
        client = app.test_client()
        client.post("/signup", data={"username": name, "password": "correct horse battery"})
        assert client.post(URL + "/start").status_code == 303
        clients.append(client)
    return clients


def _lab(db, username: str) -> dict:
    return next(
        db.query("SELECT l.* FROM labs l JOIN users u ON u.id = l.user_id WHERE u.username = ?", [username])
    )


def _state(db, username: str) -> str:
    return _lab(db, username)["state"]


@settings(fuzz, max_examples=30)  # each example runs virt-install or virt-clone on a whole host
@given(action=st.sampled_from(sorted(FORMS)), data=st.data(), partial=st.booleans())
def test_any_panel_form_is_done_or_refused_in_words_and_the_lab_carries_on(
    db, learners, action, data, partial
):
    ada, _ = learners
    mine, theirs = _state(db, "ada"), _state(db, "bob")
    fields = data.draw(form(FORMS[action]))

    response = ada.post(f"{URL}/machines/{action}", data=fields, headers=PARTIAL if partial else {})

    assert response.status_code in ((200, 404, 422) if partial else (303, 404))
    if response.status_code == 422:
        assert response.headers["HX-Retarget"] == "#machines-status"
        refusal = '<pre class="machines-output" role="alert">'
        assert response.get_data(as_text=True).strip().startswith(refusal)
        assert len(response.get_data(as_text=True)) > 40  # the reason, not an empty status
    if response.status_code in (404, 422):
        assert _state(db, "ada") == mine
    assert _state(db, "bob") == theirs
    assert ada.get(URL).status_code == 200
    assert ada.post(URL + "/run", data={"line": "true"}, headers=PARTIAL).status_code == 200

    for guest in libvirt.domains(load_world(_lab(db, "ada")).machine):
        download = ada.get(URL + "/machines/export", query_string={"domain": guest})
        assert download.status_code in (200, 303) and sendable(download)  # 303: refused, said on the lab page
        if download.status_code == 200:
            disposition = download.headers["Content-Disposition"]
            assert parse_options_header(disposition)[1]["filename"] == f"{guest}.ova"


def test_a_superscript_digit_is_refused_as_a_number_not_a_server_error(db, learners):
    ada, _ = learners
    before = _state(db, "ada")
    fields = {"name": "vm1", "vcpus": "²", "memory": "2048", "disk": "10", "medium": ISO}
    response = ada.post(URL + "/machines/create", data=fields, headers=PARTIAL)
    assert response.status_code == 422
    assert "vCPUs: give a whole number from 1 to" in response.get_data(as_text=True)
    assert _state(db, "ada") == before


@pytest.fixture
def ova(learners):
    ada, _ = learners
    return ada.get(URL + "/machines/export", query_string={"domain": "db01"}).get_data()


@settings(fuzz, max_examples=40)
@given(
    flip=st.one_of(st.none(), st.tuples(st.integers(0, 2**24), st.integers(1, 255))),
    cut=st.one_of(st.none(), st.integers(0, 2**24)),
    junk=st.one_of(st.none(), st.binary(max_size=200)),
    name=st.one_of(st.just(""), st.just("db02"), TEXT),
    filename=st.one_of(st.just("db01.ova"), TEXT),
)
def test_any_ova_upload_is_imported_or_refused_in_words(db, learners, ova, flip, cut, junk, name, filename):
    """An OVA as exported, with a byte changed, cut short, or something else altogether."""
    ada, _ = learners
    data = bytearray(ova if junk is None else junk)
    if flip and data:
        data[flip[0] % len(data)] ^= flip[1]
    if cut is not None:
        del data[cut % (len(data) + 1) :]
    mine, theirs = _state(db, "ada"), _state(db, "bob")
    upload = {"ova": (io.BytesIO(bytes(data)), filename), "name": name}
    response = ada.post(
        URL + "/machines/import", data=upload, headers=PARTIAL, content_type="multipart/form-data"
    )
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert len(response.get_data(as_text=True)) > 40 and _state(db, "ada") == mine
    else:
        assert "defined from" in response.get_data(as_text=True)
    assert _state(db, "bob") == theirs
