"""date and sleep on the machine's clock (coreutils 9.4)."""

import pytest

from simulator import World
from simulator.result import Result


@pytest.fixture
def world():
    return World.new("kvm-guest")


def test_date_shows_the_machine_clock_in_c_locale(world):
    assert world.run("date") == Result("Wed Nov 27 10:00:00 UTC 2024\n", "", 0)
    assert world.run("date -u +%F").stdout == "2024-11-27\n"


def test_sleep_moves_the_clock_without_waiting(world):
    world.run("sleep 100")
    assert world.run("date +%T").stdout == "10:01:43\n"
    assert world.run("sleep 2h; uptime").stdout.startswith(" 12:01:46 up  2:02,")
    assert world.run("sleep 1m 30s; date +%T").stdout == "12:03:19\n"


def test_sleep_inf_ends_at_the_budget(world):
    result = world.run("sleep inf")
    assert result.status == 130 and result.stderr.startswith("^C\n")


def test_sleep_errors(world):
    assert world.run("sleep") == Result(
        "", "sleep: missing operand\nTry 'sleep --help' for more information.\n", 1
    )
    assert world.run("sleep 1 x") == Result(
        "", "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n", 1
    )


def test_date_formats(world):
    assert world.run("date -d @0").stdout == "Thu Jan  1 00:00:00 UTC 1970\n"
    assert world.run("date -R -d @0").stdout == "Thu, 01 Jan 1970 00:00:00 +0000\n"
    assert world.run("date -Iseconds -d @1700000000").stdout == "2023-11-14T22:13:20+00:00\n"
    assert world.run("date -I -d @0").stdout == "1970-01-01\n"
    assert world.run("date --rfc-3339=seconds -d @0").stdout == "1970-01-01 00:00:00+00:00\n"
    assert (
        world.run("date -d @0 +%_H:%-M:%^a:%#Z:%010s:%N:%j:%P").stdout
        == " 0:0:THU:utc:0000000000:000000000:001:am\n"
    )


def test_date_parses_simple_dates(world):
    assert world.run("date -d '2024-01-02 03:04:05'").stdout == "Tue Jan  2 03:04:05 UTC 2024\n"
    assert world.run("date -d '2024-01-10 3 days ago' +%F").stdout == "2024-01-07\n"
    assert world.run("date -d yesterday +%F").stdout == "2024-11-26\n"
    assert world.run("date -d '2024-01-31 +1 month' +%F").stdout == "2024-03-02\n"


def test_date_errors(world):
    assert world.run("date -d foo") == Result("", "date: invalid date ‘foo’\n", 1)
    assert world.run("date +%F x") == Result(
        "", "date: extra operand ‘x’\nTry 'date --help' for more information.\n", 1
    )
    assert world.run("date -R +%F") == Result("", "date: multiple output formats specified\n", 1)
    assert (
        world.run("date -d @99999999999999999").stderr == "date: time ‘99999999999999999’ is out of range\n"
    )
    assert world.run("date -Ifoo").stderr.startswith("date: invalid argument ‘foo’ for ‘--iso-8601’\n")


def test_setting_the_date_needs_root(world):
    assert world.run("date -s '2025-01-01 00:00'") == Result(
        "Wed Jan  1 00:00:00 UTC 2025\n", "date: cannot set date: Operation not permitted\n", 1
    )
    assert world.run("date +%Y").stdout == "2024\n"
    assert world.run("sudo date -s '2025-01-01 00:00'").status == 0
    assert world.run("date +%F").stdout == "2025-01-01\n"
    assert world.run("uptime").stdout.startswith(" 00:00:06 up 0 min,")
