"""A lab machine that powered itself off: the terminal says so, and the page's power button (a form, so a
keyboard reaches it) boots it again with nothing of the lab lost; an instance that did shows SHUTOFF."""

import re

import pytest

from app import create_app
from simulator import power
from web import lab_store
from web.db import get_db

URL = "/labs/kvm-guest"
PANEL = '<hx-partial hx-target="#power-panel" hx-swap="outerHTML">'


@pytest.fixture
def lab(client):
    assert client.post(URL + "/start").status_code == 303


def _run(htmx, line: str, url: str = URL) -> str:
    return htmx.post(url + "/run", data={"line": line}).get_data(as_text=True)


def test_poweroff_brings_the_power_button_and_power_on_boots_the_machine(client, htmx, lab):
    _run(htmx, "echo kept > notes.txt")
    page = _run(htmx, "sudo poweroff")
    assert "The system will power off now!" in page and "web01 is powered off." in page
    assert '<button type="submit">Power on web01</button>' in page.split(PANEL, 1)[1]
    refused = _run(htmx, "hostname")
    assert "guestlab: web01 is powered off. Press its Power on button" in refused
    whole = client.get(URL).get_data(as_text=True)  # a reload shows the button too
    assert '<button type="submit">Power on web01</button>' in whole
    reply = htmx.post(URL + "/power-on", data={"machine": "main"}).get_data(as_text=True)
    assert "the power button was pressed: web01 boots.\n" in reply
    assert "the terminal logs in to it anew.\n\nWelcome to Ubuntu 24.04.1 LTS" in reply
    assert "Power on web01" not in reply and "data-focus-after-swap" in reply
    assert "<samp>kept\n</samp>" in _run(htmx, "cat notes.txt")
    assert "Power on web01" not in client.get(URL).get_data(as_text=True)


def test_a_reboot_typed_in_the_terminal_ends_its_login_and_a_new_one_follows(client, htmx, lab):
    _run(htmx, "cd /etc")
    page = _run(htmx, "sudo reboot")
    closed = page.index("Connection to web01 closed by remote host.")
    assert page.index("The system will reboot now!") < closed < page.index("Welcome to Ubuntu 24.04.1 LTS")
    assert "learner@web01:~$" in page  # the new login's prompt, in its home directory
    assert "Power on web01" not in page  # it came back by itself
    assert "<samp>/home/learner\n</samp>" in _run(htmx, "pwd")
    assert "Connection to web01 closed by remote host." in client.get(URL).get_data(as_text=True)  # kept


def test_the_power_button_of_a_running_or_unknown_machine_is_404(htmx, lab):
    assert htmx.post(URL + "/power-on", data={"machine": "main"}).status_code == 404
    assert htmx.post(URL + "/power-on", data={"machine": "nope"}).status_code == 404


def test_only_the_owner_presses_the_power_button(app, htmx, lab):
    _run(htmx, "sudo poweroff")
    stranger = app.test_client()
    assert stranger.post(URL + "/power-on", data={"machine": "main"}).status_code == 404
    assert "web01 is powered off." in _run(htmx, "hostname")


def test_without_htmx_the_power_button_redirects_to_the_command_line(client, htmx, lab):
    _run(htmx, "sudo poweroff")
    response = client.post(URL + "/power-on", data={"machine": "main"})
    assert response.status_code == 303 and response.headers["Location"].endswith(URL + "#command-line")


def test_the_power_button_needs_the_csrf_token(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "db.sqlite")})
    client = app.test_client()
    page = client.get(URL).get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post(URL + "/start", data={"csrf_token": token}).status_code == 303
    token = client.get(URL).get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    client.post(URL + "/run", data={"line": "sudo poweroff", "csrf_token": token})
    assert client.post(URL + "/power-on", data={"machine": "main"}).status_code == 400
    assert client.post(URL + "/power-on", data={"machine": "main", "csrf_token": token}).status_code == 303


def test_an_instance_powered_off_from_its_terminal_is_shutoff_in_the_cloud_console(client, htmx, auth):
    auth.signup()
    assert client.post("/cloud/start").status_code == 303
    htmx.post(
        "/cloud/instances/launch",
        data={"name": "web-1", "image": "ubuntu-24.04", "flavor": "m1.small", "network": "private",
              "security_groups": ["default"]},
    )  # fmt: skip
    page = client.get("/cloud/instances").get_data(as_text=True)
    ident = re.search(r'href="/cloud/instances/([0-9a-f-]+)">web-1<', page).group(1)
    for _ in range(6):
        htmx.post("/cloud/instances/progress", data={"instance": ident})
    assert client.post(f"/cloud/instances/{ident}/terminal").status_code == 303
    reply = htmx.post("/labs/cloud-lab/run", data={"line": "sudo poweroff"}).get_data(as_text=True)
    assert "reboot: Power down" in reply
    detail = client.get(f"/cloud/instances/{ident}").get_data(as_text=True)
    assert (
        '<span class="state state-shutoff">Shutoff</span> <span class="muted small">(SHUTOFF)</span>'
        in detail
    )


def test_a_second_machine_of_the_lab_gets_a_button_named_apart(app, client, htmx):
    assert client.post("/labs/cloned-guest/start").status_code == 303
    with app.app_context():  # the source went down (its admin powered it off)
        lab = lab_store.find_lab(get_db(), 1, "cloned-guest")
        lab_store.act(get_db(), lab, lambda world: power.power_off(world.source, "poweroff"))
    _run(htmx, "sudo poweroff", url="/labs/cloned-guest")
    page = client.get("/labs/cloned-guest").get_data(as_text=True)
    assert "Power on web01</button>" in page and "Power on web01 (source)</button>" in page
    htmx.post("/labs/cloned-guest/power-on", data={"machine": "source"})
    page = client.get("/labs/cloned-guest").get_data(as_text=True)
    assert "Power on web01</button>" in page and "(source)</button>" not in page


def test_the_power_button_waits_while_the_terminal_waits_for_an_answer(app, client, htmx):
    """The line in a dialogue runs again from its start at each answer: nothing may change under it."""
    assert client.post("/labs/cloned-guest/start").status_code == 303
    with app.app_context():
        lab = lab_store.find_lab(get_db(), 1, "cloned-guest")
        lab_store.act(get_db(), lab, lambda world: power.power_off(world.source, "poweroff"))
    assert "Go on?" in _run(htmx, "read -p 'Go on? ' x", url="/labs/cloned-guest")
    refused = htmx.post("/labs/cloned-guest/power-on", data={"machine": "source"})
    assert refused.status_code == 409
    assert "The terminal waits for an answer (Go on?)" in refused.get_data(as_text=True)
    assert "(source)</button>" in client.get("/labs/cloned-guest").get_data(as_text=True)
    _run(htmx, "yes", url="/labs/cloned-guest")
    assert htmx.post("/labs/cloned-guest/power-on", data={"machine": "source"}).status_code == 200
