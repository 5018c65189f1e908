"""A unit that fails: ssh.service whose ExecStartPre=/usr/sbin/sshd -t fails (host keys gone, a bad
sshd_config keyword), as systemd 255 and OpenSSH 9.6 on Ubuntu 24.04 report it, and how it recovers."""

import re

import pytest

from simulator.world import World


@pytest.fixture
def world():
    return World.new("cloned-guest")


def run(world, line):
    return world.run(line)


def broken(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*")
    return run(world, "sudo systemctl restart ssh")


def test_a_restart_without_host_keys_fails_as_systemctl_says(world):
    world.machine.tick(100)
    result = broken(world)
    assert result.status == 1
    assert result.stderr == (
        "Job for ssh.service failed because the control process exited with error code.\n"
        'See "systemctl status ssh.service" and "journalctl -xeu ssh.service" for details.\n'
    )
    status = run(world, "systemctl status ssh")
    assert status.status == 3
    lines = status.stdout.splitlines()
    assert lines[0] == "× ssh.service - OpenBSD Secure Shell server"
    assert lines[2].startswith("     Active: failed (Result: exit-code) since ")
    assert lines[3] == "   Duration: 2min 9s"  # since it started, 4 s into the boot
    assert any(
        line.startswith("    Process: ")
        and line.endswith(" ExecStartPre=/usr/sbin/sshd -t (code=exited, status=1/FAILURE)")
        for line in lines
    )
    assert lines[-1].endswith("systemd[1]: Failed to start ssh.service - OpenBSD Secure Shell server.")
    assert "sshd: no hostkeys available -- exiting." in run(world, "journalctl -u ssh").stdout


def test_the_failed_state_as_each_verb_reports_it(world):
    broken(world)
    assert (run(world, "systemctl is-active ssh").stdout, run(world, "systemctl is-active ssh").status) == (
        "failed\n",
        3,
    )
    assert run(world, "systemctl is-failed ssh").status == 0
    assert run(world, "systemctl is-failed ssh.socket").status == 1
    listed = run(world, "systemctl --failed").stdout
    assert "● ssh.service loaded failed failed OpenBSD Secure Shell server\n" in listed
    assert "1 loaded units listed.\n" in listed
    assert run(world, "systemctl list-units --failed").stdout == listed
    assert run(world, "systemctl is-system-running").stdout == "degraded\n"
    assert run(world, "systemctl reset-failed ssh").status == 1  # not root
    assert run(world, "sudo systemctl reset-failed ssh").status == 0
    assert run(world, "systemctl is-active ssh").stdout == "inactive\n"
    assert "0 loaded units listed." in run(world, "systemctl --failed").stdout


def test_sshd_t_prints_its_own_errors(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*")
    result = run(world, "sudo sshd -t")
    assert (result.stderr, result.status) == ("sshd: no hostkeys available -- exiting.\n", 1)
    run(world, "echo 'PermitRootLogn no' | sudo tee -a /etc/ssh/sshd_config")
    result = run(world, "sudo sshd -t")
    assert result.status == 255
    assert result.stderr == (
        "/etc/ssh/sshd_config: line 8: Bad configuration option: PermitRootLogn\n"
        "/etc/ssh/sshd_config: terminating, 1 bad configuration options\n"
    )


def test_a_bad_keyword_fails_the_restart_once_with_status_255(world):
    run(world, "echo 'Bogus yes' | sudo tee /etc/ssh/sshd_config.d/10-bad.conf")
    assert run(world, "sudo systemctl restart ssh").status == 1
    status = run(world, "systemctl status ssh").stdout
    assert "ExecStartPre=/usr/sbin/sshd -t (code=exited, status=255/EXCEPTION)" in status
    assert "/etc/ssh/sshd_config.d/10-bad.conf: line 1: Bad configuration option: Bogus" in status
    assert "Scheduled restart job" not in status  # RestartPreventExitStatus=255


def test_regenerated_keys_let_ssh_start_again(world):
    broken(world)
    run(world, "sudo ssh-keygen -A")
    assert run(world, "sudo systemctl restart ssh").status == 0
    assert run(world, "systemctl is-active ssh").stdout == "active\n"
    assert run(world, "systemctl is-system-running").stdout == "running\n"


def test_the_failure_is_saved_and_a_reboot_tries_again(world):
    broken(world)
    saved = World.from_dict(world.to_dict())
    assert saved.run("systemctl is-active ssh").stdout == "failed\n"
    saved.machine.reboot()
    assert saved.run("systemctl is-active ssh").stdout == "failed\n"  # still no keys
    saved.run("sudo ssh-keygen -A")
    saved.machine.reboot()
    assert saved.run("systemctl is-active ssh").stdout == "active\n"


def test_a_connection_while_ssh_service_fails_is_reset_then_refused(world):
    broken(world)
    first = world.run("ssh -o StrictHostKeyChecking=no localhost true")
    assert first.status == 255
    assert first.stderr == (
        "kex_exchange_identification: read: Connection reset by peer\nConnection reset by 127.0.0.1 port 22\n"
    )
    assert world.run("systemctl is-failed ssh.socket").stdout == "failed\n"
    assert (
        "Active: failed (Result: service-start-limit-hit)" in world.run("systemctl status ssh.socket").stdout
    )
    again = world.run("ssh localhost true")
    assert again.stderr == "ssh: connect to host localhost port 22: Connection refused\n"
    world.run("sudo ssh-keygen -A")
    assert world.run("sudo systemctl restart ssh").status == 0
    assert world.run("systemctl is-active ssh.socket").stdout == "active\n"


def test_cloud_init_stages_are_known_oneshot_units_active_exited(world):
    # cloud-init 24.3.1-0ubuntu0~24.04.2 keeps cloud-init.service (no cloud-init-network.service)
    for unit, description in (
        ("cloud-init-local", "Cloud-init: Local Stage (pre-network)"),
        ("cloud-init", "Cloud-init: Network Stage"),
        ("cloud-config", "Cloud-init: Config Stage"),
        ("cloud-final", "Cloud-init: Final Stage"),
    ):
        lines = run(world, f"systemctl status {unit}").stdout.splitlines()
        assert lines[0] == f"● {unit}.service - {description}"
        assert lines[1].endswith(f"/{unit}.service; enabled; preset: enabled)")  # WantedBy=cloud-init.target
        assert lines[2].startswith("     Active: active (exited) since ")
    assert run(world, "systemctl status cloud-init-network").status == 4
    assert run(world, "systemctl is-active cloud-init.target").stdout == "active\n"
    assert run(world, "systemctl is-enabled cloud-init.target").stdout == "static\n"
    assert (
        "cloud-init.target loaded active active Cloud-init target"
        in run(world, "systemctl list-units --type=target").stdout
    )


def test_vgauth_runs_on_vmware_and_its_condition_fails_elsewhere():
    vmware = World.new("vmware-guest")
    lines = vmware.run("systemctl status vgauth").stdout.splitlines()
    assert lines[0] == "● vgauth.service - Authentication service for virtual machines hosted on VMware"
    assert lines[2].startswith("     Active: active (running) since ")
    assert "VGAuthService" in lines[-1]
    other = World.new("kvm-guest")
    other.run("sudo apt-get install -y open-vm-tools")
    status = other.run("systemctl status vgauth").stdout
    assert "ConditionVirtualization=vmware was not met" in status


def test_journalctl_xeu_as_systemctl_suggests_explains_the_failure(world):
    run(world, "echo 'Bogus yes' | sudo tee -a /etc/ssh/sshd_config")
    run(world, "sudo systemctl restart ssh")
    result = run(world, "journalctl -xeu ssh.service")
    assert result.status == 0
    lines = result.stdout.splitlines()
    exited = next(i for i, line in enumerate(lines) if "Control process exited" in line)
    assert lines[exited].endswith(
        "systemd[1]: ssh.service: Control process exited, code=exited, status=255/EXCEPTION"
    )
    assert lines[exited + 1 : exited + 7] == [
        "░░ Subject: Unit process exited",
        "░░ Defined-By: systemd",
        "░░ Support: http://www.ubuntu.com/support",
        "░░ ",
        "░░ An ExecStartPre= process belonging to unit ssh.service has exited.",
        "░░ ",
    ]
    assert re.search(
        r" sshd\[\d+\]: /etc/ssh/sshd_config: terminating, 1 bad configuration options$", lines[exited - 1]
    )
    assert "░░" not in run(world, "journalctl -eu ssh.service").stdout


def test_from_the_kvm_host_a_guest_whose_sshd_fails_resets_the_connection():
    world = World.new("kvm-host")
    assert world.run("ssh -o StrictHostKeyChecking=accept-new web01").status == 0
    world.run("sudo rm /etc/ssh/ssh_host_*")
    world.run("sudo systemctl stop ssh")  # the socket still listens on port 22
    world.run("exit")
    result = world.run("ssh web01")
    address = world.machines["web01"].nics[0]["ipv4"]  # where the name led
    assert result.stderr == (
        "kex_exchange_identification: read: Connection reset by peer\n"
        f"Connection reset by {address} port 22\n"
    )
    assert world.run("ssh web01").stderr == "ssh: connect to host web01 port 22: Connection refused\n"


def test_dpkg_reconfigure_makes_the_keys_a_restart_needs(world):
    broken(world)
    world.run("sudo dpkg-reconfigure openssh-server")
    assert run(world, "sudo systemctl restart ssh").status == 0


def test_status_of_two_units_puts_a_blank_line_between_them(world):
    out = run(world, "systemctl status ssh ssh.socket").stdout
    assert "CGroup: /system.slice/ssh.service\n" in out
    assert "\n\n● ssh.socket - OpenBSD Secure Shell server socket\n" in out


def test_a_loop_of_failing_restarts_keeps_the_saved_lab_bounded(world):
    run(world, "sudo rm /etc/ssh/ssh_host_*")
    run(world, "for i in $(seq 60); do sudo systemctl restart ssh 2>/dev/null; done")
    assert len(world.machine.units["ssh"]["log"]) == 200
    assert run(world, "systemctl is-failed ssh").stdout == "failed\n"
