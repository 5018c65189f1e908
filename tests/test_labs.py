import json

import pytest

from web.db import connect


@pytest.fixture
def db(app):
    return connect(app.config["DATABASE"])


def _start(client, scenario="intel-vtx-host"):
    response = client.post(f"/labs/{scenario}/start")
    assert response.status_code == 303
    return f"/labs/{scenario}"


def test_lab_list_shows_every_scenario_not_started(client):
    page = client.get("/labs/").get_data(as_text=True)
    for title in ("VT-x is switched off in the firmware", "A cloud VM of unknown origin"):
        assert title in page
    assert "Not started" in page


def test_unknown_scenario_is_a_404(client):
    assert client.get("/labs/no-such-lab").status_code == 404
    assert client.post("/labs/no-such-lab/start").status_code == 404


def test_lab_page_before_start_offers_to_start(client):
    page = client.get("/labs/kvm-guest").get_data(as_text=True)
    assert "Start this lab" in page and "command-line" not in page


def test_command_runs_and_output_is_appended_as_a_fragment(client, htmx):
    url = _start(client)
    response = htmx.post(url + "/run", data={"line": "grep -c vmx /proc/cpuinfo"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "grep -c vmx /proc/cpuinfo" in page
    assert '<hx-partial hx-target="#lab-tasks"' not in page, "checks did not change: no need to resend them"


def test_lab_state_and_log_survive_a_reload_and_a_restart(client, htmx, restart):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "sudo modprobe kvm_intel"})
    htmx.post(url + "/run", data={"line": "lsmod | grep kvm"})
    page = client.get(url).get_data(as_text=True)
    assert "sudo modprobe kvm_intel" in page and "kvm_intel" in page
    restarted = restart(client)
    page = restarted.get(url).get_data(as_text=True)
    assert "lsmod | grep kvm" in page
    assert "Passed" in page


def test_check_passes_when_the_module_is_loaded(client, htmx, db):
    url = _start(client)
    assert "<strong>Passed:</strong>" not in client.get(url).get_data(as_text=True)
    page = htmx.post(url + "/run", data={"line": "sudo modprobe kvm_intel"}).get_data(as_text=True)
    assert '<hx-partial hx-target="#lab-tasks"' in page
    assert "<strong>Passed:</strong>" in page
    state = json.loads(db["labs"].get(1)["state"])
    assert state["shell"]["history"][-1] == "sudo modprobe kvm_intel"


def test_written_answer_is_saved_and_graded(client, htmx):
    url = _start(client, "kvm-guest")
    page = htmx.post(url + "/answer/hypervisor", data={"answer": "KVM"}).get_data(as_text=True)
    assert 'value="KVM"' in page
    assert "Passed" in page


def test_hint_is_shown_and_costs_a_point(client, htmx):
    url = _start(client, "kvm-guest")
    before = client.get(url).get_data(as_text=True)
    assert "Hint 1:" not in before
    page = htmx.post(url + "/hint/hypervisor").get_data(as_text=True)
    assert "Hint 1:" in page and "costs 1 point" in page


def test_reset_gives_a_fresh_machine_and_clears_the_log(client, htmx):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "sudo modprobe kvm_intel"})
    client.post(url + "/reset")
    page = client.get(url).get_data(as_text=True)
    assert "<kbd>sudo modprobe kvm_intel</kbd>" not in page


def test_clear_empties_the_terminal(client, htmx):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "uname -r"})
    page = htmx.post(url + "/run", data={"line": "clear"}).get_data(as_text=True)
    assert 'hx-target="#terminal-output" hx-swap="innerHTML"' in page
    assert "<kbd>uname -r</kbd>" not in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "line",
    [
        "x" * 10_000,
        "\x00\x01\x1b[31m",
        'echo "unterminated',
        "$(" * 500,
        "🙂" * 100,
        "cat /dev/zero | head -c 5",
    ],
)
def test_strange_input_never_500s_and_keeps_state(client, htmx, line):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "touch /tmp/kept"})
    response = htmx.post(url + "/run", data={"line": line})
    assert response.status_code == 200
    htmx.post(url + "/run", data={"line": "\x03"})  # Ctrl-C drops a command left open (an open quote)
    assert "kept" in htmx.post(url + "/run", data={"line": "ls /tmp"}).get_data(as_text=True)


def test_escape_sequences_are_not_sent_to_the_browser(client, htmx):
    url = _start(client)
    page = htmx.post(url + "/run", data={"line": "printf '\\033[31mred'"}).get_data(as_text=True)
    assert "\x1b" not in page


def test_terminal_output_is_escaped(client, htmx):
    url = _start(client)
    page = htmx.post(url + "/run", data={"line": "echo '<script>alert(1)</script>'"}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_tab_completion_offers_commands_and_files(client):
    url = _start(client)
    assert "modprobe" in client.get(url + "/complete?line=modp").get_json()["completions"]
    assert "/proc/cpuinfo" in client.get(url + "/complete?line=cat /proc/cpui").get_json()["completions"]
    assert client.get(url + "/complete?line=cat /nope/x").get_json()["completions"] == []


def test_tab_completion_follows_what_the_commands_changed(client, htmx):
    url = _start(client)
    assert client.get(url + "/complete?line=ls /tmp/no").get_json()["completions"] == []
    htmx.post(url + "/run", data={"line": "touch /tmp/notes"})
    assert client.get(url + "/complete?line=ls /tmp/no").get_json()["completions"] == ["/tmp/notes"]
    htmx.post(url + "/run", data={"line": "rm /tmp/notes"})
    assert client.get(url + "/complete?line=ls /tmp/no").get_json()["completions"] == []


def test_another_visitor_cannot_reach_my_lab(app, client, htmx):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "touch /tmp/mine"})
    stranger = app.test_client()
    assert "Start this lab" in stranger.get(url).get_data(as_text=True)
    assert stranger.post(url + "/run", data={"line": "ls /tmp"}).status_code == 404


def test_guest_lab_is_kept_when_the_guest_signs_up(client, htmx, auth, db):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "sudo modprobe kvm_intel"})
    auth.signup()
    assert db["labs"].count == 1 and db["labs"].get(1)["user_id"] == 1
    assert "sudo modprobe kvm_intel" in client.get(url).get_data(as_text=True)


def test_tab_completion_offers_module_names_after_modprobe(client):
    url = _start(client)
    assert client.get(url + "/complete?line=sudo modprobe kvm_i").get_json()["completions"] == ["kvm_intel"]
    assert client.get(url + "/complete?line=modprobe -r kvm_i").get_json()["completions"] == []


def test_unknown_task_is_a_404(client):
    url = _start(client)
    assert client.post(url + "/answer/nope", data={"answer": "x"}).status_code == 404
    assert client.post(url + "/hint/%00").status_code == 404


def test_the_log_keeps_only_the_last_commands(client, htmx, db, monkeypatch):
    from web import lab_store

    monkeypatch.setattr(lab_store, "KEEP_COMMANDS", 5)
    url = _start(client)
    other = _start(client, "kvm-guest")
    for n in range(8):
        htmx.post(url + "/run", data={"line": f"echo {n}"})
        htmx.post(other + "/run", data={"line": f"echo other {n}"})
    lines = [row["line"] for row in db["lab_commands"].rows_where("lab_id = 1", order_by="id")]
    assert lines == [f"echo {n}" for n in range(3, 8)]


def test_a_command_that_would_bloat_the_lab_is_refused_and_nothing_is_lost(client, htmx, db, monkeypatch):
    from web import lab_store

    url = _start(client)
    htmx.post(url + "/run", data={"line": "touch /tmp/kept"})
    monkeypatch.setattr(lab_store, "MAX_STATE_BYTES", len(db["labs"].get(1)["state"]) + 500)
    page = htmx.post(url + "/run", data={"line": "echo " + "x" * 2000 + " > /tmp/big"}).get_data(as_text=True)
    assert "larger than 512 KiB, so it was undone" in page
    listing = htmx.post(url + "/run", data={"line": "ls /tmp"}).get_data(as_text=True)
    assert "kept" in listing and "big" not in listing


def test_a_save_that_loses_a_race_runs_again_on_the_newer_state(client, htmx, db):
    from web import lab_store

    url = _start(client)
    calls = []

    def meanwhile_another_tab_types(world):
        if not calls:
            htmx.post(url + "/run", data={"line": "touch /tmp/from-the-other-tab"})
        calls.append(world.run("touch /tmp/from-this-tab"))

    lab_store.act(db, lab_store.find_lab(db, 1, "intel-vtx-host"), meanwhile_another_tab_types)
    listing = htmx.post(url + "/run", data={"line": "ls /tmp"}).get_data(as_text=True)
    assert len(calls) == 2
    assert "from-the-other-tab" in listing and "from-this-tab" in listing


def test_an_embedded_lab_keeps_showing_only_its_tasks_after_an_answer(client, htmx):
    url = _start(client, "kvm-guest")
    page = htmx.post(url + "/answer/hypervisor", data={"answer": "KVM", "only_tasks": "hypervisor"}).get_data(
        as_text=True
    )
    assert 'id="task-hypervisor"' in page and 'id="task-drivers"' not in page
    assert "3 of 3 points" in page


def test_finishing_a_lab_by_command_offers_the_next_lab(client, htmx):
    url = _start(client)
    htmx.post(url + "/answer/capable", data={"answer": "yes, VT-x"})
    page = htmx.post(url + "/run", data={"line": "sudo modprobe kvm_intel"}).get_data(as_text=True)
    assert "Lab complete" in page and "Next: <a" in page


def test_a_lab_changed_by_another_worker_is_reloaded_not_served_from_memory(client, htmx, restart):
    url = _start(client)
    htmx.post(url + "/run", data={"line": "touch /tmp/first"})
    other_worker = restart(client)
    headers = {"HX-Request": "true", "HX-Request-Type": "partial"}
    other_worker.post(url + "/run", data={"line": "touch /tmp/second"}, headers=headers)
    listing = htmx.post(url + "/run", data={"line": "ls /tmp"}).get_data(as_text=True)
    assert "first" in listing and "second" in listing


def _stored(db, lab_id):
    return list(db["lab_commands"].rows_where("lab_id = ?", [lab_id], order_by="id"))


def test_a_giant_output_is_shown_whole_but_kept_cut_with_a_marker(client, htmx, db, monkeypatch):
    from web import lab_store

    monkeypatch.setattr(lab_store, "KEEP_OUTPUT_BYTES", 100)
    url = _start(client)
    shown = htmx.post(url + "/run", data={"line": "echo " + "x" * 300}).get_data(as_text=True)
    assert "x" * 300 in shown
    assert _stored(db, 1)[0]["stdout"] == "x" * 100 + "\n[output truncated: 201 bytes not kept]\n"
    page = client.get(url).get_data(as_text=True)
    assert "<samp>" + "x" * 100 + "\n[output truncated: 201 bytes not kept]" in page


def test_a_labs_log_keeps_its_newest_commands_within_its_bytes(client, htmx, db, monkeypatch):
    from web import lab_store

    monkeypatch.setattr(lab_store, "LAB_LOG_BYTES", 1000)
    url = _start(client)
    for n in range(6):
        htmx.post(url + "/run", data={"line": f"echo {n}" + "y" * 200})
    rows = _stored(db, 1)
    assert [row["line"][5] for row in rows] == ["4", "5"]
    assert sum(row["size"] for row in rows) <= 1000
    assert "echo 5" in client.get(url).get_data(as_text=True)


def test_when_a_learners_logs_are_full_the_terminal_says_so_and_keeps_no_output(
    client, htmx, db, monkeypatch
):
    from web import lab_store

    monkeypatch.setattr(lab_store, "LAB_LOG_BYTES", 1000)
    monkeypatch.setattr(lab_store, "USER_LOG_BYTES", 1000)
    first, second = _start(client), _start(client, "kvm-guest")
    for n in range(3):
        htmx.post(first + "/run", data={"line": f"echo {n}" + "y" * 200})
    page = htmx.post(second + "/run", data={"line": "echo " + "z" * 200}).get_data(as_text=True)
    assert "z" * 200 in page and "saved terminal logs are full" in page
    [row] = _stored(db, 2)
    assert row["line"] == "echo " + "z" * 200 and row["stdout"] == ""
    assert len(_stored(db, 1)) == 2
    assert "saved terminal logs are full" in client.get(second).get_data(as_text=True)


def test_resetting_a_lab_frees_its_log_for_the_learners_other_labs(client, htmx, db, monkeypatch):
    from web import lab_store

    monkeypatch.setattr(lab_store, "LAB_LOG_BYTES", 1000)
    monkeypatch.setattr(lab_store, "USER_LOG_BYTES", 1000)
    first, second = _start(client), _start(client, "kvm-guest")
    for n in range(6):  # trimmed as it goes: the newest that fit stay
        htmx.post(first + "/run", data={"line": f"echo {n}" + "y" * 200})
    assert "saved terminal logs are full" in htmx.post(
        second + "/run", data={"line": "echo " + "z" * 200}
    ).get_data(as_text=True)
    client.post(first + "/reset")
    page = htmx.post(second + "/run", data={"line": "echo " + "w" * 200}).get_data(as_text=True)
    assert "saved terminal logs are full" not in page
    assert _stored(db, 2)[-1]["stdout"] == "w" * 200 + "\n"
