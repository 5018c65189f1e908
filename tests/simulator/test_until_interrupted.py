"""Programs that run until Ctrl-C on the lab's terminal (commands/follow.py): they show their first seconds,
wait as if reading the terminal, show more for each line typed, and end at Ctrl-C as the real tool does."""

import pytest

from simulator.world import World

CTRL_C = "\x03"


@pytest.fixture
def world():
    return World.new("kvm-guest")


def shown(result) -> str:
    return "".join(text for _, text in result.chunks)


def test_ping_without_count_shows_four_replies_then_waits_for_ctrl_c(world):
    first = shown(world.run("ping localhost"))
    assert first.startswith("PING localhost (127.0.0.1) 56(84) bytes of data.\n")
    assert first.count("icmp_seq=") == 4 and first.splitlines()[-1].split()[5] == "icmp_seq=4"
    assert world.asking and world.prompt == "" and not world.secret  # what is typed is echoed
    more = shown(world.run("hello"))  # ping does not read it; three seconds passed while it was typed
    assert [line.split()[5] for line in more.splitlines()] == ["icmp_seq=5", "icmp_seq=6", "icmp_seq=7"]
    result = world.run(CTRL_C)
    end = shown(result)
    # ping_common.c finish(): the terminal showed ^C and its newline, then the block (its first \n eaten)
    assert end.startswith(
        "--- localhost ping statistics ---\n7 packets transmitted, 7 received, 0% packet loss"
    )
    assert end.splitlines()[2].startswith("rtt min/avg/max/mdev = ") and result.status == 0
    assert not world.asking and shown(world.run("echo $?")) == "0\n"
    assert "hello" not in world.shell.history


def test_ping_of_a_host_that_never_answers_ends_with_status_1(world):
    assert shown(world.run("ping 8.8.8.8")) == "PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.\n"
    result = world.run(CTRL_C)
    assert shown(result) == (
        "--- 8.8.8.8 ping statistics ---\n"
        "4 packets transmitted, 0 received, 100% packet loss, time 3068ms\n\n"
    )
    assert result.status == 1


def test_ping_of_an_absent_neighbour_reports_unreachable_until_ctrl_c(world):
    own = world.machine.nics[0]["ipv4"]
    first = shown(world.run("ping 192.168.122.77"))
    assert first.splitlines()[1:] == [
        f"From {own} icmp_seq={n} Destination Host Unreachable" for n in range(1, 5)
    ]
    end = shown(world.run(CTRL_C))
    assert "4 packets transmitted, 0 received, +4 errors, 100% packet loss" in end and end.endswith(
        "pipe 4\n"
    )


def test_ping_with_an_interval_sends_as_often_and_quiet_shows_only_the_statistics(world):
    assert (
        shown(world.run("ping -i 0.5 -q 127.0.0.1")) == "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n"
    )
    end = shown(world.run(CTRL_C))
    assert end.splitlines()[1].startswith("7 packets transmitted, 7 received, 0% packet loss, time 30")
    assert shown(world.run("ping -i x 127.0.0.1")) == "ping: bad timing interval: x\n"


def test_the_clock_moves_on_by_the_time_ping_ran(world):
    before = world.machine.clock
    world.run("ping localhost")
    world.run("x")
    world.run(CTRL_C)
    assert world.machine.clock - before >= 3 + 6  # its first seconds, then two lines typed


def test_tail_follow_shows_the_file_then_waits_until_ctrl_c_kills_it(world):
    assert shown(world.run("tail -f /etc/hostname")) == world.machine.hostname + "\n" and world.asking
    assert shown(world.run("more typing")) == "" and world.asking
    result = world.run(CTRL_C)
    assert result.status == 130 and not world.asking
    assert shown(world.run("tail -f /nope")) == (
        "tail: cannot open '/nope' for reading: No such file or directory\ntail: no files remaining\n"
    )
    assert not world.asking
    assert shown(world.run("tail -f /etc/hostname | cat")) == world.machine.hostname + "\n"  # no Ctrl-C there


def test_journalctl_follow_shows_the_last_entries_then_waits(world):
    first = shown(world.run("sudo journalctl -f -n 2"))
    assert len(first.splitlines()) == 2 and world.asking
    assert world.run(CTRL_C).status == 130 and not world.asking


def test_watch_draws_its_header_and_the_output_then_ctrl_c_ends_it_with_0(world):
    screen = shown(world.run("watch uptime")).splitlines()
    header = screen[0]
    assert header.startswith("Every 2.0s: uptime ") and len(header) == 80  # the date ends at column 80
    assert header.endswith(f"{world.machine.hostname}: Wed Nov 27 10:00:00 2024")
    assert screen[1] == "" and " up " in screen[2] and world.asking
    result = world.run(CTRL_C)
    assert result.status == 0 and not world.asking  # watch catches SIGINT and exits with success


def test_watch_runs_its_command_through_a_pipe_and_knows_its_options(world):
    # -t: no header; ls writes to watch's pipe, so one name a line
    assert shown(world.run("watch -t -n 1 ls /etc/netplan")).splitlines()[0].endswith(".yaml")
    world.run(CTRL_C)
    # getopt's flags cluster (-tn 1); options stop at the command, whose own options (-l) are its own
    assert shown(world.run("watch -tn 1 ls -l /etc/netplan")).startswith("total ")
    world.run(CTRL_C)
    assert world.run("watch --help").stdout.startswith("\nUsage:\n watch [options] command\n")
    assert world.run("watch").status == 1 and world.run("watch").stderr.startswith("\nUsage:\n")
    assert world.run("watch -n x date").stderr == "watch: failed to parse argument: 'x'\n"


def test_top_batch_prints_one_snapshot_of_the_machines_processes(world):
    result = world.run("top -b -n 1")
    lines = result.stdout.split("\n")
    assert result.status == 0 and lines[0].startswith("top - 10:00:00 up 0 min,  1 user,  load average: ")
    assert lines[1].startswith("Tasks:  11 total,   1 running,  10 sleeping,")
    assert lines[2].endswith("0.0 si,  0.0 st ")  # show_special leaves one blank after "st"
    assert lines[3].startswith("MiB Mem :") and lines[3].endswith("buff/cache     ")
    assert lines[4].endswith(" avail Mem ") and lines[5] == ""
    assert lines[6] == "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND"
    assert lines[7].endswith(" R   0.3   0.1   0:00.01 top")
    assert lines[8] == "      1 root      20   0   22012  13120   8746 S   0.0   0.3   0:01.23 systemd"
    pids = [line.split()[0] for line in lines[8:] if line]
    listed = world.run("ps -e -o pid=").stdout.split()[:-1]  # the machine's processes, ps itself left out
    assert pids == listed
    assert result.stdout.endswith("bash\n\n")  # bye_bye() writes its newline after the last frame
    assert world.run("top -bn1 | head -1").stdout.startswith("top - ")


def test_top_on_the_terminal_waits_for_q_or_ctrl_c(world):
    screen = shown(world.run("top"))
    assert screen.startswith("top - ") and "    PID USER" in screen and world.asking
    assert shown(world.run("x")) == "" and world.asking  # another key: the screen stays
    result = world.run("q")
    assert result.status == 0 and not world.asking
    world.run("top")
    assert world.run(CTRL_C).status == 0 and not world.asking
    assert world.run("top -z").stderr.startswith("top: unknown option 'z'\n")
    assert world.run("top -h").stdout.startswith("\nUsage:\n top [options]\n")
