"""The path through the labs: groups in teaching order, difficulty and time, progress, "Next" as the
first unfinished lab, and a worked solution once every hint is taken or the lab is passed."""

import re

import pytest

from simulator import list_scenarios, scenarios
from web import lab_path

TOTAL = len(list_scenarios())


def _start(client, scenario="intel-vtx-host"):
    assert client.post(f"/labs/{scenario}/start").status_code == 303
    return f"/labs/{scenario}"


def _finish_intel(client):
    url = _start(client, "intel-vtx-host")
    client.post(url + "/answer/capable", data={"answer": "yes, VT-x"})
    client.post(url + "/run", data={"line": "sudo modprobe kvm_intel"})
    return url


def _headings(page):
    return re.findall(r'<h2 id="group-[^"]+">([^<]+)</h2>', page)


def test_the_list_groups_the_labs_from_hosts_to_cloning_with_difficulty_and_time(client):
    page = client.get("/labs/").get_data(as_text=True)
    assert _headings(page) == ["1. Hosts", "2. Guests", "3. Containers", "4. Cloning", "5. Cloud"]
    first, last = "Can this Intel laptop host virtual machines?", "A KVM host and its guests"
    assert page.index(first) < page.index(last)
    card = page[page.index("VT-x is switched off in the firmware") :]
    assert "Medium" in card[:600] and "about 15 min" in card[:600]
    assert f"0 of {TOTAL} labs finished" in page
    assert "Next: Can this Intel laptop host virtual machines?" in page


def test_next_skips_a_finished_lab_and_the_finished_lab_is_marked(client):
    _finish_intel(client)
    page = client.get("/labs/").get_data(as_text=True)
    assert f"1 of {TOTAL} labs finished" in page
    assert "Next: An AMD EPYC server as a KVM host" in page
    card = page[page.index("Can this Intel laptop host virtual machines?") :][:900]
    assert 'class="lab-card finished"' in page and "Finished</strong>: 5 of 5 points" in card


def test_the_intro_of_a_lab_gives_its_difficulty_and_time(client):
    page = client.get("/labs/kvm-host").get_data(as_text=True)
    assert "Hard" in page and "about 30 min" in page


def test_a_lab_in_progress_is_not_finished_and_stays_next(client):
    url = _start(client, "intel-vtx-host")
    client.post(url + "/answer/capable", data={"answer": "yes, VT-x"})
    page = client.get("/labs/").get_data(as_text=True)
    assert "In progress: 2 of 5 points" in page and f"0 of {TOTAL} labs finished" in page
    assert "Next: Can this Intel laptop host virtual machines?" in page


def test_finishing_a_lab_offers_the_first_unfinished_one_not_merely_the_following(client, htmx):
    _finish_intel(client)
    url = _start(client, "amd-v-host")
    htmx.post(url + "/answer/cpu-flag", data={"answer": "svm"})
    amd_done = htmx.post(url + "/run", data={"line": "sudo modprobe kvm_amd"}).get_data(as_text=True)
    assert "Next: <a" in amd_done and "VT-x is switched off in the firmware</a>" in amd_done
    # Going back to the first lab after finishing it: Next is still the first unfinished one.
    again = client.get("/labs/intel-vtx-host").get_data(as_text=True)
    assert "VT-x is switched off in the firmware</a>" in again


def test_no_solution_until_every_hint_is_taken(client, htmx):
    url = _start(client, "amd-v-host")
    page = client.get(url).get_data(as_text=True)
    assert "Show a solution" not in page
    for task, hints in (("cpu-flag", 2), ("load-kvm", 3)):
        for _ in range(hints):
            almost = htmx.post(url + f"/hint/{task}").get_data(as_text=True)
        if task == "cpu-flag":
            assert "Show a solution" not in almost  # hints of one task are not every hint
    page = htmx.post(url + "/hint/load-kvm").get_data(as_text=True)
    assert "Show a solution" in page
    assert "Run <code>sudo modprobe kvm_amd</code>" in page
    assert "Why it works:" in page


def test_a_passed_lab_shows_its_solution_without_any_hint(client):
    url = _finish_intel(client)
    page = client.get(url).get_data(as_text=True)
    assert "Show a solution" in page and "answer <code>yes, VT-x (vmx)</code>" in page


def test_an_embedded_lab_in_a_quiz_never_shows_the_solution(client, htmx):
    url = _finish_intel(client)
    page = htmx.post(url + "/run", data={"line": "true", "only_tasks": "capable"}).get_data(as_text=True)
    assert "Show a solution" not in page


def test_a_scenario_without_path_keys_lands_in_more_labs_with_defaults(monkeypatch):
    plain = {"id": "plain", "title": "Plain", "summary": "A scenario with no path keys.", "tasks": [{}, {}]}
    scenarios._path_defaults(plain, scenarios.DIRECTORY / "plain.yaml")
    assert (plain["group"], plain["order"], plain["difficulty"], plain["minutes"]) == ("more", 99, 2, 10)
    cloud = {**plain, "id": "cloudy", "group": "cloud", "order": 1}
    odd = {**plain, "id": "odd", "group": "networking", "order": 1}
    listed = scenarios.list_scenarios() + [
        {key: s[key] for key in scenarios.PATH_KEYS} for s in (plain, cloud, odd)
    ]
    monkeypatch.setattr(lab_path, "list_scenarios", lambda: listed)
    path = lab_path.lab_path(None, None)
    titles = ["Hosts", "Guests", "Containers", "Cloning", "Cloud", "Networking", "More labs"]
    assert [g.title for g in path.groups] == titles
    assert [lab.scenario["id"] for lab in path.groups[4].labs] == ["cloudy", "cloud-lab"]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("difficulty", 4, "difficulty must be 1, 2 or 3"), ("minutes", 0, "minutes must be a whole number")],
)
def test_path_keys_are_checked_when_scenarios_load(key, value, message):
    scenario = {"id": "x", "tasks": [], key: value}
    with pytest.raises(ValueError, match=message):
        scenarios._path_defaults(scenario, scenarios.DIRECTORY / "x.yaml")
