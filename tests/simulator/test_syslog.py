"""/var/log/syslog as rsyslog writes it on Ubuntu 24.04 (simulator/syslog.py): every line of this boot's
journal in RFC 3339 format, syslog:adm 0640, a new boot appended, and no file in a container."""

import re

import pytest

from simulator.world import World

RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 ")


@pytest.fixture
def world():
    return World.new("kvm-guest")


def test_syslog_is_rsyslogs_file_readable_by_adm(world):
    assert world.run("stat -c '%U %G %a' /var/log/syslog").stdout == "syslog adm 640\n"
    assert "adm" in world.run("id -nG").stdout.split()  # the cloud image's user reads it without sudo
    assert world.run("cat /var/log/syslog").status == 0
    denied = world.run("sudo -u nobody cat /var/log/syslog")
    assert denied.status == 1 and "Permission denied" in denied.stderr


def test_each_journal_line_is_in_syslog_with_its_rfc_3339_time(world):
    syslog = world.run("sudo cat /var/log/syslog").stdout.splitlines()
    journal = world.run("sudo journalctl -o short-iso").stdout.splitlines()
    assert all(RFC_3339.match(line) for line in syslog)
    # journalctl's "2024-11-27T09:59:32+00:00 web01 systemd[1]: ..." is the same line, to the second
    shortened = [RFC_3339.sub(lambda m: m.group(0)[:19] + "+00:00 ", line) for line in syslog]
    assert [line for line in shortened if "rsyslogd:" not in line] == journal
    assert any(line.endswith('x-info="https://www.rsyslog.com"] start') for line in syslog)
    assert syslog[0].split(" ", 3)[1:3] == ["web01", "kernel:"]


def test_the_daemon_writing_it_is_the_rsyslog_service(world):
    """systemctl knows the rsyslogd that /var/log/syslog's start line names, running under its unit."""
    status = world.run("systemctl status rsyslog").stdout
    assert status.startswith("● rsyslog.service - System Logging Service\n")
    assert "Active: active (running)" in status and "TriggeredBy: ● syslog.socket" in status
    pid = re.search(r"Main PID: (\d+) \(rsyslogd\)", status).group(1)
    assert f'x-pid="{pid}"' in world.run("sudo cat /var/log/syslog").stdout
    assert world.run("systemctl is-active rsyslog").stdout == "active\n"


def test_a_reboot_appends_its_lines_and_root_may_remove_the_file(world):
    before = world.run("sudo wc -l < /var/log/syslog").stdout
    world.run("sudo reboot")
    after = world.run("sudo wc -l < /var/log/syslog").stdout
    assert (
        int(after) > int(before) and world.run("sudo grep -c 'Linux version' /var/log/syslog").stdout == "2\n"
    )
    assert world.run("sudo rm /var/log/syslog").status == 0
    world.run("sudo reboot")
    assert world.run("sudo grep -c 'Linux version' /var/log/syslog").stdout == "1\n"  # rsyslog made it anew


@pytest.mark.parametrize("scenario", ["lxc-container", "docker-container"])
def test_containers_have_no_syslog(scenario):
    assert World.new(scenario).run("ls /var/log/syslog").status == 2


@pytest.mark.parametrize("scenario", ["kvm-host", "vmware-guest", "hyperv-guest", "xen-guest"])
def test_every_other_scenario_machine_has_one(scenario):
    world = World.new(scenario)
    assert world.run("sudo head -1 /var/log/syslog").stdout.split()[2] == "kernel:"
