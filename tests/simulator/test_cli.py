import json
import subprocess
import sys

import pytest


def cli(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], input=stdin, capture_output=True, text=True, timeout=30
    )


def test_scenarios_lists_id_tab_title():
    result = cli("scenarios")
    lines = result.stdout.splitlines()
    assert (
        result.returncode == 0 and lines[0] == "intel-vtx-host\tCan this Intel laptop host virtual machines?"
    )
    assert "clone-identifiers\tA clone that still thinks it is its source" in lines


def test_shell_prints_like_a_terminal():
    result = cli("shell", "kvm-guest", stdin="systemd-detect-virt\ndmesg\nhostname\n")
    assert result.returncode == 0
    assert result.stdout == "kvm\nweb01\n"
    assert result.stderr == "dmesg: read kernel buffer failed: Operation not permitted\n"


def test_shell_json_and_grade():
    result = cli(
        "shell", "intel-vtx-host", "--json", "--grade", stdin="sudo modprobe kvm_intel\nlsmod | grep -c kvm\n"
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"command": "sudo modprobe kvm_intel", "stdout": "", "stderr": "", "status": 0}
    assert lines[1]["stdout"] == "3\n"
    grade = lines[2]
    assert grade["checks"][1] == {
        "id": "kvm-module-loaded",
        "title": "The KVM module for this CPU is loaded",
        "passed": True,
    }
    assert grade["score"] == 3 and grade["max_score"] == 5


def test_seed_changes_identifiers_and_is_deterministic():
    first = cli("shell", "kvm-guest", "--seed", "7", stdin="cat /etc/machine-id\n").stdout
    assert first == cli("shell", "kvm-guest", "--seed", "7", stdin="cat /etc/machine-id\n").stdout
    assert first != cli("shell", "kvm-guest", "--seed", "8", stdin="cat /etc/machine-id\n").stdout


@pytest.mark.parametrize("args", [("shell", "no-such-scenario")])
def test_unknown_scenario_exits_2(args):
    result = cli(*args)
    assert result.returncode == 2 and "unknown scenario 'no-such-scenario'" in result.stderr


def test_an_editor_on_the_command_line_says_it_needs_the_web_terminal_and_changes_nothing():
    result = cli("shell", "kvm-guest", stdin="sudo nano /etc/hosts\nwc -l < /etc/hosts\n")
    assert result.stderr == (
        "simulator: editors open in GuestLab's web terminal only; /etc/hosts was not changed\n"
    )
    assert result.stdout == "6\n"
