"""A number argument written with digits that are not ASCII ('²', '١', '⑤'): each tool answers with its
own error as it does for any word that is not a number, never "internal error" (str.isdigit says yes to
'²', then int() raises)."""

import pytest

from simulator import World

ODD_NUMBERS = ["²", "١", "⑤", "-²", "2²"]
LINES = [
    "kill -{} 1",
    "kill -s {} 1",
    "read -n {} x < /etc/hosts",
    "history {}",
    "awk '{{print ${}}}' /etc/hosts",
    "awk 'BEGIN {{ print {} }}'",
    "dmesg -l {}",
    "journalctl -n {}",
    "journalctl -p {}",
    "grep -A {} a /etc/hosts",
    "ssh -p {} localhost",
    "getent passwd {}",
    "ps -p {}",
    "arping -c {} 10.0.0.1",
    "ping -c {} 127.0.0.1",
    "head -n {} /etc/hosts",
    "sleep {}",
    "exit {}",
]


@pytest.fixture(scope="module")
def world():
    return World.new("intel-vtx-host", seed=1)


@pytest.mark.parametrize("line", LINES)
def test_a_number_in_other_digits_gets_the_tools_own_error(world, line):
    for number in ODD_NUMBERS:
        result = world.run(line.format(number))
        assert "internal error" not in result.stderr, (line.format(number), result.stderr)
