"""The editor panel's routes: opening by command, writing out, leaving, and what they refuse."""

import json

import pytest

from app import create_app
from web.db import connect


def _start(client, scenario="intel-vtx-host"):
    assert client.post(f"/labs/{scenario}/start").status_code == 303
    return f"/labs/{scenario}"


def _open(htmx, url, line="sudo nano /etc/hosts"):
    page = htmx.post(url + "/run", data={"line": line}).get_data(as_text=True)
    assert 'hx-target="#editor-slot"' in page
    return page


def _cat(htmx, url, path="/etc/hosts"):
    return htmx.post(url + "/run", data={"line": f"cat {path}"}).get_data(as_text=True)


def test_a_line_opening_nano_sends_the_panel_with_the_file(client, htmx):
    url = _start(client)
    page = _open(htmx, url)
    assert "Editing /etc/hosts with nano" in page
    assert "127.0.1.1 devbox" in page and "[ Read 6 lines ]" in page
    assert "^O</kbd> Write Out" in page and "data-focus-after-swap" in page


def test_write_out_then_exit_changes_the_file(client, htmx):
    url = _start(client)
    _open(htmx, url)
    text = "127.0.0.1 localhost\r\n127.0.1.1 devbox web01\r\n"
    response = htmx.post(url + "/editor", data={"go": "save", "content": text})
    assert response.status_code == 200
    reply = response.get_data(as_text=True)
    assert "File Name to Write:</label>" in reply and 'name="filename" value="/etc/hosts"' in reply
    response = htmx.post(url + "/editor", data={"go": "write", "filename": "/etc/hosts", "content": text})
    assert response.get_data(as_text=True).startswith("[ Wrote 2 lines ]")
    response = htmx.post(url + "/editor", data={"go": "exit", "content": text})
    reply = response.get_data(as_text=True)
    assert '<hx-partial hx-target="#editor-slot" hx-swap="innerHTML"></hx-partial>' in reply
    assert "The editor is closed." in reply
    assert "127.0.1.1 devbox web01\n" in _cat(htmx, url)


def test_nano_without_sudo_keeps_the_buffer_through_a_reload(client, htmx):
    url = _start(client)
    _open(htmx, url, "nano /etc/hosts")
    reply = htmx.post(url + "/editor", data={"go": "savefile", "content": "my edit\n"}).get_data(as_text=True)
    assert reply.startswith("[ Error writing /etc/hosts: Permission denied ]")
    page = client.get(url).get_data(as_text=True)
    assert "my edit" in page and 'id="command-form"' in page
    assert page.split('id="command-form"')[1].split(">")[0].rstrip().endswith("hidden")


def test_exit_with_changes_asks_and_no_leaves_the_file_alone(client, htmx):
    url = _start(client)
    _open(htmx, url)
    reply = htmx.post(url + "/editor", data={"go": "exit", "content": "changed\n"}).get_data(as_text=True)
    assert reply.startswith("Save modified buffer?") and 'value="yes"' in reply
    htmx.post(url + "/editor", data={"go": "no", "content": "changed\n"})
    assert "127.0.1.1 devbox" in _cat(htmx, url)


def test_vim_buttons_and_commands(client, htmx):
    url = _start(client)
    _open(htmx, url, "sudo vim /etc/motd")
    reply = htmx.post(url + "/editor", data={"go": ":q", "content": "hello"}).get_data(as_text=True)
    assert reply.startswith("E37: No write since last change (add ! to override)")
    reply = htmx.post(url + "/editor", data={"go": "command", "command": ":wq", "content": "hello"})
    assert '<hx-partial hx-target="#editor-slot"' in reply.get_data(as_text=True)
    assert "hello\n" in _cat(htmx, url, "/etc/motd")


def test_saving_regrades_the_tasks(client, htmx):
    url = _start(client, "clone-identifiers")
    _open(htmx, url, "sudo nano /etc/hostname")
    reply = htmx.post(url + "/editor", data={"go": "savefile", "content": "web02\n"}).get_data(as_text=True)
    assert '<hx-partial hx-target="#lab-tasks"' in reply and "Looked at /etc/hostname: web02" in reply


def test_sudoedit_unchanged_is_logged_without_a_prompt(client, htmx, app):
    url = _start(client)
    _open(htmx, url, "sudoedit /etc/hosts")
    htmx.post(url + "/editor", data={"go": "exit", "content": ""})
    reply = htmx.post(url + "/editor", data={"go": "no", "content": ""}).get_data(as_text=True)
    assert "sudoedit: /etc/hosts unchanged" in reply
    assert "sudoedit: /etc/hosts unchanged" in client.get(url).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert 'data-history="[&#34;sudoedit /etc/hosts&#34;]"' in page, (
        "the logged message is not a line to recall"
    )


def test_a_line_while_the_editor_is_open_is_refused(client, htmx):
    url = _start(client)
    _open(htmx, url)
    response = htmx.post(url + "/run", data={"line": "touch /tmp/x"})
    assert response.status_code == 409
    assert "the terminal is busy (Editing /etc/hosts with nano)" in response.get_data(as_text=True)


def test_an_action_with_no_editor_open_is_a_409(client, htmx):
    url = _start(client)
    response = htmx.post(url + "/editor", data={"go": "save", "content": "x"})
    assert response.status_code == 409 and "closed already" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [{"go": "save", "content": "x" * (128 * 1024 + 1)}, {"go": "rm -rf", "content": ""}, {"content": ""}],
)
def test_too_large_or_unknown_actions_are_422_and_the_editor_stays(client, htmx, data):
    url = _start(client)
    _open(htmx, url)
    response = htmx.post(url + "/editor", data=data)
    assert response.status_code == 422
    assert htmx.post(url + "/editor", data={"go": "save", "content": "ok\n"}).status_code == 200


def test_only_the_owner_can_use_the_editor(app, client, htmx):
    url = _start(client)
    _open(htmx, url)
    stranger = app.test_client()
    assert stranger.post(url + "/editor", data={"go": "save", "content": "x"}).status_code == 404


def test_without_javascript_a_form_post_answers_with_the_page(client, htmx):
    url = _start(client)
    _open(htmx, url)
    response = client.post(url + "/editor", data={"go": "exit", "content": "new\n"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#editor")
    page = client.get(url).get_data(as_text=True)
    assert "Save modified buffer?" in page and 'value="yes"' in page
    response = client.post(url + "/editor", data={"go": "yes", "content": "new\n"})
    assert response.headers["Location"].endswith("#editor")
    assert 'name="filename" value="/etc/hosts"' in client.get(url).get_data(as_text=True)
    response = client.post(
        url + "/editor", data={"go": "write", "filename": "/etc/hosts", "content": "new\n"}
    )
    assert response.headers["Location"].endswith("#command-line")
    assert 'id="editor"' not in client.get(url).get_data(as_text=True)


def _token(client, url):
    return client.get(url).get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]


def test_the_editor_needs_a_csrf_token(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "db.sqlite")})
    client = app.test_client()
    url = "/labs/intel-vtx-host"
    assert client.post(url + "/start", headers={"X-CSRFToken": _token(client, url)}).status_code == 303
    headers = {"X-CSRFToken": _token(client, url)}
    response = client.post("/labs/intel-vtx-host/editor", data={"go": "save", "content": "x"})
    assert response.status_code == 400
    response = client.post(
        "/labs/intel-vtx-host/editor", data={"go": "save", "content": "x"}, headers=headers
    )
    assert response.status_code == 409


def test_the_open_editor_is_saved_in_the_lab_state(client, htmx, app):
    url = _start(client)
    _open(htmx, url)
    state = json.loads(connect(app.config["DATABASE"])["labs"].get(1)["state"])
    assert state["editor"]["name"] == "/etc/hosts" and state["editor"]["uid"] == 0


def test_a_write_that_would_bloat_the_lab_is_refused_and_the_editor_stays_open(
    client, htmx, app, monkeypatch
):
    from web import lab_store

    url = _start(client)
    _open(htmx, url)
    size = len(connect(app.config["DATABASE"])["labs"].get(1)["state"])
    monkeypatch.setattr(lab_store, "MAX_STATE_BYTES", size + 500)
    response = htmx.post(url + "/editor", data={"go": "save", "content": "x" * 4000})
    assert response.get_data(as_text=True).startswith(lab_store.EDITOR_TOO_LARGE)
    monkeypatch.undo()
    assert "127.0.1.1 devbox" in client.get(url).get_data(as_text=True), "the editor is still open, unchanged"
    assert htmx.post(url + "/editor", data={"go": "exit", "content": "x"}).status_code == 200


def test_a_buffer_that_is_not_utf8_is_refused_in_the_status_line(client, htmx):
    url = _start(client)
    _open(htmx, url)
    body = b"go=save&content=caf%E9"
    response = htmx.post(url + "/editor", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and "not UTF-8 text" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
