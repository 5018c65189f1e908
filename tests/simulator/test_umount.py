"""umount (util-linux 2.39.3) over the machine's fixed mount table."""

from simulator import World
from simulator.result import Result


def test_umount_answers_as_util_linux():
    world = World.new("kvm-guest")
    usage = "umount: bad usage\nTry 'umount --help' for more information.\n"
    assert world.run("umount") == Result("", usage, 1)
    assert world.run("umount /boot") == Result("", "umount: /boot: must be superuser to unmount.\n", 1)
    assert world.run("umount /mnt") == Result("", "umount: /mnt: not mounted.\n", 32)
    assert world.run("umount /nosuch") == Result("", "umount: /nosuch: no mount point specified.\n", 32)
    assert world.run("sudo umount /") == Result("", "umount: /: target is busy.\n", 32)
