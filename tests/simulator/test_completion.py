"""Tab completion's candidates, as bash with Ubuntu's bash-completion offers them."""

import pytest

from simulator import World
from simulator.completion import complete


@pytest.fixture(scope="module")
def world():
    return World.new("intel-vtx-host", seed=1)


@pytest.mark.parametrize(
    ("line", "candidates"),
    [
        ("echo $HO", ["$HOME/", "$HOSTNAME"]),
        ("echo ${HOM", ["${HOME}/"]),
        ("echo x$US", ["x$USER"]),
        ("cd /etc/ss", ["/etc/ssh/"]),
        ("ls /etc/host", ["/etc/hostname", "/etc/hosts"]),
        ("sudo nan", ["nano"]),
    ],
)
def test_candidates(world, line, candidates):
    assert complete(world, line) == candidates


def test_cd_offers_directories_only(world):
    assert all(c.endswith("/") for c in complete(world, "cd /etc/"))
    assert "/etc/hosts" in complete(world, "cat /etc/")


def test_command_names_come_from_path_so_a_removed_package_takes_its_program_away():
    world = World.new("kvm-guest", seed=3)
    assert "vim" in complete(world, "vi")
    world.run("sudo apt remove -y vim")
    assert "vim" not in complete(world, "vi")
    world.run("greet() { echo hi; }")
    assert complete(world, "gre") == ["greet", "grep"]
