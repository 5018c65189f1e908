"""Hostile input in the cloud console: every form answers with the section or a refusal beside the field,
a refusal leaves the cloud as it was, and no form reaches another learner's cloud."""

import base64
import html
import io
import re
import struct
import urllib.parse

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from tests.fuzz import HOSTILE, TEXT, form, fuzz, sendable
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


def test_a_page_polling_an_instance_deleted_meanwhile_shows_the_instances(db, learners):
    ada, _ = learners
    gone = _ids(db, "ada", "instances")[0]
    ada.post(f"/cloud/instances/{gone}/terminate", headers=PARTIAL)
    response = ada.post("/cloud/instances/progress", data={"instance": gone}, headers=PARTIAL)
    assert response.status_code == 200 and "Launch an instance" in response.get_data(as_text=True)


def test_a_superscript_digit_is_refused_as_a_number_not_a_server_error(db, learners):
    ada, _ = learners
    group, balancer = _ids(db, "ada", "security_groups")[0], _ids(db, "ada", "load_balancers")[0]
    volume, scaling = _ids(db, "ada", "volumes")[0], _ids(db, "ada", "scaling_groups")[0]
    for address, fields in [
        ("/cloud/volumes/create", {"name": "logs", "size": "²"}),
        (f"/cloud/volumes/{volume}/extend", {"size": "²"}),
        (f"/cloud/security-groups/{group}/rule", {"protocol": "tcp", "port_min": "²", "port_max": "²"}),
        ("/cloud/load-balancers/create", {"name": "lb2", "port": "²"}),
        (f"/cloud/load-balancers/{balancer}/send", {"count": "²"}),
        (f"/cloud/autoscaling/{scaling}/load", {"load": "²"}),
    ]:
        response = ada.post(address, data=fields, headers=PARTIAL)
        assert response.status_code == 422 and 'class="field-error"' in response.get_data(as_text=True)


IMAGES = ("ubuntu-24.04", "debian-12", "rocky-9", "almalinux-9", "cirros")
FLAVORS = ("m1.tiny", "m1.small", "m1.xlarge", "m1.huge")
NUMBER = ("1", "5", "20", "21", "0", "-1")

# Each form of the console: its address ({kind} stands for one of a cloud's resources) and its fields with
# values that work.
FORMS = {
    "/cloud/instances/launch": {
        "name": ("web-1", "db"),
        "image": IMAGES,
        "flavor": FLAVORS,
        "network": ("private", "public"),
        "security_groups": ("default",),
        "key_name": ("", "laptop"),
        "user_data": ("", "#cloud-config\nhostname: webby\n", "#!/bin/sh\necho hi\n"),
    },
    "/cloud/instances/progress": {"instance": ("{instances}",), "section": ("instances", "volumes")},
    "/cloud/instances/{instances}/start": {"from": ("detail", "")},
    "/cloud/instances/{instances}/stop": {"from": ("detail", "")},
    "/cloud/instances/{instances}/reboot": {"from": ("detail", "")},
    "/cloud/instances/{instances}/terminate": {},
    "/cloud/instances/{instances}/image": {"name": ("snap-1",)},
    "/cloud/instances/{instances}/attach": {"volume": ("{volumes}",)},
    "/cloud/instances/{instances}/floating-ip": {"floating_ip": ("new", "{floating_ips}")},
    "/cloud/instances/{instances}/groups/add": {"group": ("{security_groups}", "default")},
    "/cloud/instances/{instances}/groups/remove": {"group": ("{security_groups}", "default")},
    "/cloud/volumes/create": {"name": ("data", "logs"), "size": NUMBER, "snapshot": ("", "{snapshots}")},
    "/cloud/volumes/{volumes}/attach": {"instance": ("{instances}",)},
    "/cloud/volumes/{volumes}/detach": {},
    "/cloud/volumes/{volumes}/extend": {"size": NUMBER},
    "/cloud/volumes/{volumes}/snapshot": {"name": ("before",)},
    "/cloud/volumes/{volumes}/delete": {},
    "/cloud/snapshots/{snapshots}/delete": {},
    "/cloud/networks/create": {
        "name": ("back", "front"),
        "cidr": ("", "10.0.1.0/24", "10.0.0.64/26", "192.168.7.0/30", "::/0", "10.0.2.0/33"),
        "subnet_name": ("", "back-subnet"),
        "gateway": ("", "10.0.1.1", "10.0.2.1"),
        "pool_start": ("", "10.0.1.10"),
        "pool_end": ("", "10.0.1.20", "10.0.1.5"),
    },
    "/cloud/networks/{networks}/subnet": {
        "subnet_name": ("extra",),
        "cidr": ("10.0.3.0/24", "10.0.0.0/8"),
        "gateway": ("", "10.0.3.1"),
        "pool_start": ("",),
        "pool_end": ("",),
    },
    "/cloud/networks/{networks}/delete": {},
    "/cloud/security-groups/create": {"name": ("web", "ssh"), "description": ("", "HTTP in")},
    "/cloud/security-groups/{security_groups}/rule": {
        "protocol": ("tcp", "udp", "icmp", "any"),
        "port_min": ("22", "80", "0", "65536", ""),
        "port_max": ("22", "443", "", "1"),
        "remote": ("", "0.0.0.0/0", "10.0.0.0/24", "{security_groups}"),
    },
    "/cloud/security-groups/{security_groups}/delete": {},
    "/cloud/rules/{rules}/delete": {},
    "/cloud/floating-ips/allocate": {},
    "/cloud/floating-ips/{floating_ips}/associate": {"instance": ("{instances}",)},
    "/cloud/floating-ips/{floating_ips}/disassociate": {},
    "/cloud/floating-ips/{floating_ips}/release": {},
    "/cloud/key-pairs/import": {"name": ("laptop", "work"), "public_key": (ED25519, "ssh-ed25519 AAAA", "")},
    "/cloud/key-pairs/delete": {"name": ("{keypairs}", "laptop")},
    "/cloud/images/{images}/delete": {},
    "/cloud/object-storage/create": {"bucket": ("site", "logs"), "public": ("on", "")},
    "/cloud/object-storage/{buckets}/public": {"public": ("on", "")},
    "/cloud/object-storage/{buckets}/delete": {},
    "/cloud/object-storage/{buckets}/delete-object": {"key": ("index.html",)},
    "/cloud/load-balancers/create": {
        "name": ("lb", "web-lb"),
        "network": ("private", "public", ""),
        "port": ("80", "443", "0", "70000", ""),
    },
    "/cloud/load-balancers/{balancers}/member": {"instance": ("{instances}",)},
    "/cloud/load-balancers/{balancers}/remove": {"instance": ("{instances}",)},
    "/cloud/load-balancers/{balancers}/send": {"count": ("10", "0", "1000", "")},
    "/cloud/load-balancers/{balancers}/delete": {},
    "/cloud/autoscaling/create": {
        "name": ("web-asg",),
        "image": IMAGES,
        "flavor": FLAVORS,
        "min": ("1", "0"),
        "desired": ("1", "2"),
        "max": ("2", "3", "1"),
        "target": ("60", "", "101"),
        "load_balancer": ("", "{balancers}"),
    },
    "/cloud/autoscaling/{groups}/load": {"load": ("90", "10", "0", "100", "101")},
    "/cloud/autoscaling/{groups}/delete": {},
}


def _refs(state: bytes) -> dict[str, list[str]]:
    """What a form may name of a cloud: each resource's id and name, by kind (as FORMS' places say)."""
    cloud = orjson.loads(state)["cloud"]
    refs = {}
    for kind in ("instances", "volumes", "snapshots", "networks", "security_groups", "floating_ips"):
        records = cloud[kind].values()
        refs[kind] = [r["id"] for r in records] + [r.get("name", "") for r in records]
    refs["rules"] = [rule["id"] for group in cloud["security_groups"].values() for rule in group["rules"]]
    refs["keypairs"] = list(cloud["keypairs"])
    refs["images"] = [i["id"] for i in cloud["images"].values()] + ["debian-12"]
    refs["buckets"] = list(cloud.get("buckets", {}))
    refs["balancers"] = list(cloud.get("load_balancers", {}))
    refs["groups"] = list(cloud.get("scaling_groups", {}))
    return refs


@settings(fuzz, max_examples=200)
@given(data=st.data(), partial=st.booleans())
def test_any_cloud_form_is_done_or_refused_beside_its_field_and_never_reaches_another_cloud(
    db, learners, data, partial
):
    ada, _ = learners
    mine, theirs = _state(db, "ada"), _state(db, "bob")
    refs, others = _refs(mine), _refs(theirs)

    def ref(kind: str):
        """One of my resources, one of Bob's, or anything (an index, as the cloud grows between examples)."""
        pick = st.integers(0, 99)
        return st.one_of(
            pick.map(lambda i: (refs[kind] or [""])[i % len(refs[kind] or [""])]),
            pick.map(lambda i: (others[kind] or [""])[i % len(others[kind] or [""])]),
            HOSTILE,
        )

    address = data.draw(st.sampled_from(sorted(FORMS)))
    fields = data.draw(form(FORMS[address]))
    path = PLACE.sub(lambda m: urllib.parse.quote(data.draw(ref(m[1])), safe=""), address)
    for name, sent in fields.items():
        placed = PLACE.fullmatch(sent) if isinstance(sent, str) else None
        if placed:
            fields[name] = data.draw(ref(placed[1]))
    headers = PARTIAL if partial else {}

    response = ada.post(path, data=fields, headers=headers)

    answers = (200, 404, 405, 422, 308) if partial else (303, 404, 405, 308)  # 308: Werkzeug merges "//"
    assert response.status_code in answers or address == "/cloud/instances/progress"  # polled by htmx only
    if response.status_code == 422:
        page = response.get_data(as_text=True)
        assert re.search(r'class="field-error"[^>]*>[^<]+<', page), page
    if response.status_code != 200 and partial:
        assert _state(db, "ada") == mine
    assert _state(db, "bob") == theirs
    if not partial and response.status_code == 303:
        assert ada.get(response.headers["Location"]).status_code == 200


@fuzz
@given(
    content=st.binary(max_size=300),
    filename=st.one_of(st.just("index.html"), TEXT),
    key=st.one_of(st.just(""), TEXT),
    bucket=st.one_of(st.just("site"), st.just("ghost"), TEXT),
)
def test_an_object_uploaded_under_any_name_comes_back_as_it_went(
    db, learners, content, filename, key, bucket
):
    ada, _ = learners
    before = _state(db, "ada")
    data = {"key": key, "file": (io.BytesIO(content), filename)}
    address = f"/cloud/object-storage/{urllib.parse.quote(bucket, safe='')}/upload"
    response = ada.post(address, data=data, headers=PARTIAL, content_type="multipart/form-data")
    assert response.status_code in (200, 404, 405, 422, 308)
    if response.status_code != 200:
        assert _state(db, "ada") == before
        return
    stored = re.search(
        r"Object (.+) \(\d+ bytes\) was stored", html.unescape(response.get_data(as_text=True))
    )
    download = ada.get(f"/cloud/object-storage/site/objects/{urllib.parse.quote(stored[1])}")
    assert download.status_code == 200 and download.get_data() == content
    disposition = download.headers["Content-Disposition"]
    assert sendable(download), disposition
    assert parse_options_header(disposition)[1]["filename"] == stored[1].rsplit("/", 1)[-1]


def _blob(*fields: bytes) -> bytes:
    """An SSH key blob (RFC 4253): each field as a 32-bit length and its bytes."""
    return b"".join(struct.pack(">I", len(field)) + field for field in fields)


KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "ssh-dss"]


@fuzz
@given(
    kind=st.sampled_from(KEY_TYPES),
    named=st.sampled_from(KEY_TYPES),
    fields=st.lists(st.one_of(st.binary(max_size=40), st.just(b"\x01" * 32)), max_size=3),
    tail=st.binary(max_size=5),
    comment=st.one_of(st.just(""), TEXT),
    name=st.one_of(st.sampled_from(["laptop", "work"]), TEXT),
)
def test_a_public_key_of_any_shape_is_imported_or_refused_beside_its_field(
    db, learners, kind, named, fields, tail, comment, name
):
    ada, _ = learners
    before = _state(db, "ada")
    data = base64.b64encode(_blob(named.encode(), *fields) + tail).decode()
    response = ada.post(
        "/cloud/key-pairs/import",
        data={"name": name, "public_key": f"{kind} {data} {comment}"},
        headers=PARTIAL,
    )
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert 'class="field-error"' in response.get_data(as_text=True)
        assert _state(db, "ada") == before
    else:
        assert "was imported (SHA256:" in response.get_data(as_text=True)
