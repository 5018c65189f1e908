import pytest

from simulator import Result, World
from simulator.commands.journal import ACCESS_HINT


@pytest.fixture
def kvm():
    return World.new("kvm-guest")


def test_journalctl_k_shows_the_dmesg_ring_buffer_with_wall_clock_times(kvm):
    kernel = kvm.run("journalctl -k --no-pager").stdout.splitlines()
    ring = kvm.run("sudo dmesg -t").stdout.splitlines()
    assert len(kernel) == len(ring)
    assert kernel[0].startswith("Nov 27 09:59:")
    assert kernel[0].endswith(" web01 kernel: " + ring[0])
    assert "web01 systemd[1]: Detected virtualization kvm." in "\n".join(kernel)


def test_journalctl_dmesg_boot_zero_and_monotonic_output(kvm):
    result = kvm.run("journalctl --dmesg -b 0 -o short-monotonic --grep hypervisor")
    assert result == Result("[    0.000000] web01 kernel: Hypervisor detected: KVM\n", "", 0)
    assert kvm.run("journalctl -k -n 1 -o cat").stdout.startswith("EXT4-fs (vda1): re-mounted ")


def test_journalctl_grep_without_match_prints_no_entries_and_fails(kvm):
    assert kvm.run("journalctl -g nothing-like-this") == Result("-- No entries --\n", "", 1)


def test_journalctl_without_journal_group_shows_only_own_messages(kvm):
    kvm.machine.groups = lambda uid: (uid,)
    result = kvm.run("journalctl -k")
    assert result == Result("-- No entries --\n", ACCESS_HINT, 0)
    own = kvm.run("journalctl")
    assert own.stderr == ACCESS_HINT
    assert own.stdout.splitlines()[-1].endswith("web01 systemd[1021]: Startup finished in 98ms.")
    assert "kernel:" not in own.stdout
    assert kvm.run("journalctl -q -k") == Result("", "", 0)
    assert "kernel: Hypervisor detected: KVM" in kvm.run("sudo journalctl -k").stdout


def test_journalctl_in_docker_finds_no_journal():
    docker = World.new("docker-container")
    assert docker.run("journalctl -k") == Result("-- No entries --\n", "No journal files were found.\n", 0)


def test_journalctl_rejects_unknown_output_and_boot(kvm):
    assert kvm.run("journalctl -o fancy") == Result("", "Unknown output format 'fancy'.\n", 1)
    assert kvm.run("journalctl -b -1").status == 1


def test_journalctl_u_shows_one_unit_and_what_systemd_logged_about_it(kvm):
    assert kvm.run("sudo journalctl -u ssh -o cat") == Result(
        "Started ssh.service - OpenBSD Secure Shell server.\n", "", 0
    )
    assert kvm.run("sudo journalctl --unit=ssh.service -o cat") == kvm.run("sudo journalctl -u ssh -o cat")
    networkd = kvm.run("sudo journalctl -u 'systemd-*' -o cat").stdout.splitlines()
    assert networkd == [
        "Journal started",
        "Starting systemd-networkd.service - Network Configuration...",
        "Started systemd-networkd.service - Network Configuration.",
    ]
    assert kvm.run("sudo journalctl -u apache2") == Result("-- No entries --\n", "", 0)


def test_journalctl_p_keeps_that_priority_and_the_more_urgent_ones(kvm):
    assert kvm.run("sudo journalctl -p err") == Result("-- No entries --\n", "", 0)
    assert kvm.run("sudo journalctl -p notice -k -o cat").stdout.startswith("Linux version 6.8.0-")
    assert kvm.run("sudo journalctl -p 5 -k") == kvm.run("sudo journalctl -p emerg..notice -k")
    assert kvm.run("sudo journalctl -p info..notice -k") == kvm.run("sudo journalctl -p notice..info -k")
    assert kvm.run("sudo journalctl -p loud") == Result("", "Unknown log level loud\n", 1)
    assert kvm.run("sudo journalctl -p ..err") == Result("", "Failed to parse log level range ..err\n", 1)


def test_journalctl_f_shows_the_last_ten_entries_as_follow_starts(kvm):
    # systemd 255 journalctl: --follow sets --lines=10 unless -n was given; then it waits for new entries
    # until Ctrl-C (on the terminal: test_until_interrupted.py); through a pipe it ends there.
    last_ten = kvm.run("sudo journalctl -n 10").stdout
    assert kvm.run("sudo journalctl -f | cat") == Result(last_ten, "", 0)
    assert kvm.run("sudo journalctl --follow -n 3 | cat").stdout.splitlines() == last_ten.splitlines()[-3:]
    assert kvm.run("sudo journalctl -fu ssh | cat").stdout == kvm.run("sudo journalctl -u ssh -n 10").stdout
    assert kvm.run("sudo journalctl -f -r") == Result(
        "", "Please specify either --reverse or --follow, not both.\n", 1
    )
