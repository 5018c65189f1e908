"""The cloud console: pages and forms over the learner's own cloud, its refusals, and who sees what."""

import re

import pytest

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINHHtbgUzzhcQfI/yVEJUT6uOr6H0O15pE1iGVbXF5oa learner@laptop"


@pytest.fixture
def opened(client, auth):
    auth.signup()
    assert client.post("/cloud/start").status_code == 303


def launch(htmx, **fields):
    data = {"name": "web-1", "image": "ubuntu-24.04", "flavor": "m1.small", "network": "private"}
    data.update(fields)
    return htmx.post("/cloud/instances/launch", data={**data, "security_groups": ["default"]})


def instance_id(client, name="web-1"):
    page = client.get("/cloud/instances").get_data(as_text=True)
    return re.search(rf'href="/cloud/instances/([0-9a-f-]+)">{name}<', page).group(1)


def wait_active(htmx, ident):
    for _ in range(6):
        page = htmx.post("/cloud/instances/progress", data={"instance": ident}).get_data(as_text=True)
        if "state-active" in page:
            return page
    raise AssertionError("the instance never became active")


def test_a_visitor_is_offered_their_own_cloud(client):
    page = client.get("/cloud/").get_data(as_text=True)
    assert "Open my cloud" in page
    assert client.post("/cloud/start").status_code == 303  # a guest may open one, as with labs
    assert "Launch an instance" in client.get("/cloud/instances").get_data(as_text=True)


def test_launch_shows_building_then_active_with_the_console_log(client, htmx, opened):
    reply = launch(htmx, user_data="#cloud-config\nhostname: webby\n")
    assert reply.status_code == 200
    assert "Instance web-1 is building on 10.0.0.2." in reply.get_data(as_text=True)
    ident = instance_id(client)
    detail = client.get(f"/cloud/instances/{ident}").get_data(as_text=True)
    assert "Building" in detail
    page = wait_active(htmx, ident)
    assert "OpenStack Nova" in page  # the kernel's DMI line in the console log
    assert "webby login: " in page
    assert "#cloud-config\nhostname: webby" in page


def test_a_refused_launch_keeps_the_form_and_says_why(client, htmx, opened):
    reply = launch(htmx, name="db", image="rocky-9", flavor="m1.tiny", user_data="#!/bin/sh\necho hi\n")
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Flavor m1.tiny&#39;s disk (1 GB) is too small for image rocky-9, which needs 10 GB." in page
    assert 'id="launch-flavor" name="flavor" aria-describedby="launch-flavor-note"' in page
    assert 'value="db"' in page and "echo hi" in page
    assert "Instances: none yet" in client.get("/cloud/instances").get_data(as_text=True)


def test_overlapping_subnet_is_refused_and_no_network_is_left_behind(client, htmx, opened):
    reply = htmx.post("/cloud/networks/create", data={"name": "back", "cidr": "10.0.0.64/26"})
    assert reply.status_code == 422
    assert "10.0.0.64/26 overlaps subnet private-subnet (10.0.0.0/24)" in reply.get_data(as_text=True)
    assert ">back<" not in client.get("/cloud/networks").get_data(as_text=True)
    reply = htmx.post("/cloud/networks/create", data={"name": "back", "cidr": "10.0.1.0/24"})
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Network back was created." in page and "<code>10.0.1.0/24</code>" in page


def test_key_pairs_show_the_fingerprint_and_refuse_bad_keys(client, htmx, opened):
    reply = htmx.post("/cloud/key-pairs/import", data={"name": "laptop", "public_key": "ssh-ed25519 AAAA"})
    assert reply.status_code == 422
    assert "not a valid OpenSSH public key" in reply.get_data(as_text=True)
    reply = htmx.post("/cloud/key-pairs/import", data={"name": "laptop", "public_key": ED25519})
    assert "SHA256:X2b+KUZRi/nuLAIxpcPUZJ3zYEqM2P9h8wLdabTBrEs" in reply.get_data(as_text=True)


def test_security_group_rule_errors_open_that_groups_form(client, htmx, opened):
    htmx.post("/cloud/security-groups/create", data={"name": "web"})
    page = client.get("/cloud/security-groups").get_data(as_text=True)
    group = re.search(r"/cloud/security-groups/([0-9a-f-]+)/rule", page.split(">web<", 1)[1]).group(1)
    reply = htmx.post(f"/cloud/security-groups/{group}/rule", data={"protocol": "tcp", "port_min": "99999"})
    assert reply.status_code == 422
    assert "Port &#39;99999&#39; is not a number from 1 to 65535." in reply.get_data(as_text=True)
    reply = htmx.post(f"/cloud/security-groups/{group}/rule", data={"protocol": "tcp", "port_min": "ssh"})
    assert "Rule added: ingress tcp 22 from 0.0.0.0/0." in reply.get_data(as_text=True)


def test_volume_attaches_as_vdb_and_the_instance_terminal_shows_it(client, htmx, opened):
    launch(htmx)
    ident = instance_id(client)
    wait_active(htmx, ident)
    htmx.post("/cloud/volumes/create", data={"name": "data", "size": "5"})
    volumes = client.get("/cloud/volumes").get_data(as_text=True)
    volume = re.search(r"/cloud/volumes/([0-9a-f-]+)/attach", volumes).group(1)
    reply = htmx.post(f"/cloud/instances/{ident}/attach", data={"volume": volume})
    assert "Volume data is attached as /dev/vdb." in reply.get_data(as_text=True)
    assert client.post(f"/cloud/instances/{ident}/terminal").status_code == 303
    page = client.get(f"/cloud/instances/{ident}").get_data(as_text=True)
    assert "ubuntu@web-1:~$" in page
    out = htmx.post("/labs/cloud-lab/run", data={"line": "lsblk"}).get_data(as_text=True)
    assert "vdb     253:16   0    5G  0 disk" in out


def test_another_learner_never_reaches_my_instances(app, client, htmx, opened):
    launch(htmx)
    ident = instance_id(client)
    other = app.test_client()
    other.post("/signup", data={"username": "bob", "password": "another horse battery"})
    assert other.get(f"/cloud/instances/{ident}").status_code == 404
    other.post("/cloud/start")
    assert other.get(f"/cloud/instances/{ident}").status_code == 404
    assert other.post(f"/cloud/instances/{ident}/stop", headers=htmx.headers).status_code == 422
    assert "Instances: none yet" in other.get("/cloud/instances").get_data(as_text=True)
    assert "Building" in client.get(f"/cloud/instances/{ident}").get_data(as_text=True)


def test_every_change_needs_the_csrf_token(tmp_path):
    from app import create_app

    app = create_app({"SECRET_KEY": "t", "DATABASE": str(tmp_path / "c.sqlite")})
    client = app.test_client()
    assert client.post("/cloud/start").status_code == 400
    assert client.post("/cloud/instances/launch", data={"name": "x"}).status_code == 400


def test_a_security_group_is_added_to_a_running_instance_from_its_page(client, htmx, opened):
    htmx.post("/cloud/security-groups/create", data={"name": "web"})
    launch(htmx)
    ident = instance_id(client)
    page = client.get(f"/cloud/instances/{ident}").get_data(as_text=True)
    group = re.search(r'<option value="([0-9a-f-]+)">web</option>', page).group(1)
    reply = htmx.post(f"/cloud/instances/{ident}/groups/add", data={"group": group})
    assert "Security group web now applies to this instance." in reply.get_data(as_text=True)
    reply = htmx.post(f"/cloud/instances/{ident}/groups/add", data={"group": group})
    assert reply.status_code == 422
    assert "Instance web-1 is already in security group web." in reply.get_data(as_text=True)


def test_objects_go_up_and_come_down_as_attachments(client, htmx, opened):
    import io

    htmx.post("/cloud/object-storage/create", data={"bucket": "site"})
    reply = htmx.post(
        "/cloud/object-storage/site/upload",
        data={"file": (io.BytesIO(b"<h1>hi</h1>"), "index.html"), "key": ""},
        content_type="multipart/form-data",
    )
    assert "Object index.html (11 bytes) was stored in site." in reply.get_data(as_text=True)
    download = client.get("/cloud/object-storage/site/objects/index.html")
    assert download.data == b"<h1>hi</h1>"
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"] == 'attachment; filename="index.html"'
    assert client.get("/cloud/object-storage/site/objects/nothing").status_code == 404
    reply = htmx.post("/cloud/object-storage/create", data={"bucket": "Bad Name"})
    assert reply.status_code == 422
    assert 'id="bucket-name" name="bucket" type="text" value="Bad Name"' in reply.get_data(as_text=True)


def test_a_load_balancer_answers_from_its_members_and_a_group_scales_with_the_load(client, htmx, opened):
    reply = htmx.post(
        "/cloud/load-balancers/create", data={"name": "front", "network": "private", "port": "80"}
    )
    assert "Load balancer front listens on 10.0.0.2:80." in reply.get_data(as_text=True)
    data = {"name": "web", "image": "ubuntu-24.04", "flavor": "m1.small", "min": "1", "desired": "1"}
    reply = htmx.post("/cloud/autoscaling/create", data={**data, "max": "3", "target": "50"})
    assert "Group web launched 1 instance(s)." in reply.get_data(as_text=True)
    group = re.search(r"/cloud/autoscaling/([0-9a-f-]+)/load", reply.get_data(as_text=True)).group(1)
    page = htmx.post(f"/cloud/autoscaling/{group}/load", data={"load": "120"}).get_data(as_text=True)
    assert "Load 120%: the group wants 3 instance(s) and has 3." in page
    assert "<svg" in page and "<td>120%</td><td>3</td><td>40%</td>" in page
    reply = htmx.post(f"/cloud/autoscaling/{group}/load", data={"load": "5000"})
    assert reply.status_code == 422
    assert "Load is a whole number from 0 to 1000; &#39;5000&#39; is not." in reply.get_data(as_text=True)


def test_a_cloud_that_would_outgrow_its_lab_is_refused_and_kept_as_it_was(
    app, client, htmx, opened, monkeypatch
):
    from web import lab_store
    from web.db import connect

    [state] = connect(app.config["DATABASE"]).execute("SELECT state FROM labs").fetchone()
    monkeypatch.setattr(lab_store, "MAX_STATE_BYTES", len(state) + 1024)  # the workstation, not an instance
    reply = launch(htmx)
    assert reply.status_code == 422
    assert "Your cloud would outgrow the 512 KiB a lab keeps" in reply.get_data(as_text=True)
    assert "Instances: none yet" in client.get("/cloud/instances").get_data(as_text=True)


def test_the_console_waits_while_the_lab_terminal_waits_for_an_answer(client, htmx, opened):
    """The terminal's line runs again from its start at each answer: the console changes nothing meanwhile,
    and its clock stands still (a build does not move on)."""
    ident = instance_id(client) if launch(htmx).status_code == 200 else None
    asked = htmx.post(
        "/labs/cloud-lab/run", data={"line": "read -p 'Go on? ' x; openstack server list -c Name"}
    )
    assert "Go on?" in asked.get_data(as_text=True)
    refused = launch(htmx, name="web-2")
    assert refused.status_code == 422
    assert "The terminal waits for an answer (Go on?): answer it or press Ctrl-C there" in refused.get_data(
        as_text=True
    )
    for _ in range(3):
        page = htmx.post("/cloud/instances/progress", data={"instance": ident}).get_data(as_text=True)
        assert "state-active" not in page
    answered = htmx.post("/labs/cloud-lab/run", data={"line": "yes"}).get_data(as_text=True)
    assert "| web-1 |" in answered and "web-2" not in answered
    assert "state-active" in wait_active(htmx, ident)
