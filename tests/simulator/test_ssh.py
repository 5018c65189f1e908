"""ssh between the machines of a lab: host keys asked about, remembered (hashed), and checked; the terminal
attaches to the other machine until `exit`."""

import pytest

from simulator import World
from simulator.world import TRUST_PROMPT


@pytest.fixture
def world():
    return World.new("clone-identifiers", seed=1)


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


def test_a_new_host_key_is_asked_about_and_remembered(world):
    source_ip = world.source.nics[0]["ipv4"]
    output, status = _run(world, f"ssh {source_ip}")
    assert output.startswith(f"The authenticity of host '{source_ip} ({source_ip})' can't be established.\n")
    assert "ED25519 key fingerprint is SHA256:" in output
    assert world.prompt == TRUST_PROMPT
    assert _run(world, "perhaps") == ("", 0)
    assert world.prompt == "Please type 'yes', 'no' or the fingerprint: "
    output, status = _run(world, "yes")
    assert output == (
        f"Warning: Permanently added '{source_ip}' (ED25519) to the list of known hosts.\n"
        "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)\n\n"
    )
    assert world.current[0] is world.source
    assert world.prompt == "learner@web01:~$ "
    assert _run(world, "exit") == (f"logout\nConnection to {source_ip} closed.\n", 0)
    assert world.current[0] is world.machine
    assert world.run("cut -c1-3 ~/.ssh/known_hosts").stdout == "|1|\n"  # hashed, as Ubuntu's ssh_config asks
    assert _run(world, f"ssh {source_ip} whoami") == ("learner\n", 0)  # known now: no question


def test_no_refuses_and_ctrl_c_cancels(world):
    world.run("ssh web01")
    assert _run(world, "no") == ("Host key verification failed.\n", 255)
    world.run("ssh web01")
    assert _run(world, "\x03") == ("", 255)
    world.run("ssh web01")
    assert _run(world, "yes I am\x03") == ("", 255)  # Ctrl-C drops the line, whatever it began with
    assert world.prompt.startswith("learner@")


def test_enter_or_ctrl_d_alone_is_no_and_one_word_counts_as_confirm_reads_it(world):
    """OpenSSH's confirm() (sshconnect.c): an empty answer is no, and read_passphrase gives "" at the end
    of input; leading blanks are skipped, the first word compared without case."""
    for answer in ("", "\x04", "  No thanks"):
        world.run("ssh web01")
        assert _run(world, answer) == ("Host key verification failed.\n", 255)
    world.run("ssh web01")
    output, status = _run(world, " YES please")
    assert status == 0 and output.startswith("Warning: Permanently added 'web01' (ED25519)")
    assert _run(world, "\x04") == ("logout\nConnection to web01 closed.\n", 0)  # Ctrl-D logs out too
    assert world.current[0] is world.machine


def test_a_changed_host_key_is_refused_until_forgotten(world):
    world.run("ssh -o StrictHostKeyChecking=accept-new web01 true")
    world.run("ssh web01 'sudo rm /etc/ssh/ssh_host_*; sudo ssh-keygen -A'")
    output, status = _run(world, "ssh web01 true")
    assert status == 255
    assert "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" in output
    assert "Offending ED25519 key in /home/learner/.ssh/known_hosts:1\n" in output
    assert output.endswith("Host key verification failed.\n")
    assert _run(world, "ssh-keygen -R web01")[0].startswith("# Host web01 found: line 1\n")
    assert _run(world, "ssh -o StrictHostKeyChecking=accept-new web01 hostname")[0].endswith("web01\n")


def test_the_session_survives_a_reload(world):
    world.run("ssh -o StrictHostKeyChecking=accept-new web01")
    again = World.from_dict(world.to_dict())
    assert again.current[0].spec["seed"] == world.source.spec["seed"]
    assert again.run("hostname").stdout == "web01\n"
    assert again.run("exit").stderr == "logout\nConnection to web01 closed.\n"
    assert again.current[0] is again.machine


def test_errors_as_ssh_prints_them(world):
    assert _run(world, "ssh nosuchhost") == (
        "ssh: Could not resolve hostname nosuchhost: Name or service not known\n",
        255,
    )
    assert _run(world, "ssh -p 2222 web01") == (
        "ssh: connect to host web01 port 2222: Connection refused\n",
        255,
    )
    assert _run(world, "ssh -Z web01")[0].startswith("ssh: illegal option -- Z\nusage: ssh ")
    output, status = _run(world, "ssh -o StrictHostKeyChecking=yes web01")
    assert output == (
        "No ED25519 host key is known for web01 and you have requested strict checking.\n"
        "Host key verification failed.\n"
    )
