"""getent, whereis, lsb_release, less, more and uuidgen."""

import pytest

from simulator import World
from simulator.result import Result


@pytest.fixture(scope="module")
def world():
    return World.new("kvm-guest")


def test_getent_reads_the_account_tables(world):
    assert (
        world.run("getent passwd learner").stdout == "learner:x:1000:1000:learner:/home/learner:/bin/bash\n"
    )
    assert world.run("getent passwd 0 nosuch") == Result("root:x:0:0:root:/root:/bin/bash\n", "", 2)
    assert world.run("getent group sudo").stdout.startswith("sudo:x:27:")
    assert world.run("getent shadow root") == Result("", "", 2)
    assert world.run("sudo getent shadow root").stdout.startswith("root:")


def test_getent_hosts_from_etc_hosts(world):
    assert world.run("getent hosts localhost") == Result("127.0.0.1       localhost\n", "", 0)
    assert world.run("getent hosts ip6-loopback").stdout == "::1             ip6-localhost ip6-loopback\n"
    assert world.run("getent hosts 127.0.1.1").stdout == "127.0.1.1       web01\n"
    assert world.run("getent ahosts localhost").stdout == (
        "127.0.0.1       STREAM localhost\n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n"
    )
    assert world.run("getent hosts nosuch") == Result("", "", 2)


def test_getent_errors(world):
    usage = "Try `getent --help' or `getent --usage' for more information.\n"
    assert world.run("getent") == Result("", "getent: wrong number of arguments\n" + usage, 1)
    assert world.run("getent foo") == Result("", "Unknown database: foo\n" + usage, 1)


def test_whereis_lists_programs_and_manual_pages(world):
    assert world.run("whereis ls") == Result("ls: /usr/bin/ls /usr/share/man/man1/ls.1.gz\n", "", 0)
    assert world.run("whereis -b modprobe").stdout == "modprobe: /usr/sbin/modprobe\n"
    assert world.run("whereis nosuch").stdout == "nosuch:\n"
    assert world.run("whereis").status == 1


def test_lsb_release_describes_noble(world):
    assert world.run("lsb_release -a") == Result(
        "Distributor ID:\tUbuntu\nDescription:\tUbuntu 24.04.1 LTS\nRelease:\t24.04\nCodename:\tnoble\n",
        "No LSB modules are available.\n",
        0,
    )
    assert world.run("lsb_release -cs") == Result("noble\n", "", 0)
    assert world.run("lsb_release -r").stdout == "Release:\t24.04\n"


def test_pagers_print_the_file(world):
    world.run("echo -e 'a\\nb' > m1; echo c > m2")
    assert world.run("less -N m1") == Result("a\nb\n", "", 0)
    assert world.run("more m1") == Result("a\nb\n", "", 0)
    assert world.run("more m1 | cat").stdout == "::::::::::::::\nm1\n::::::::::::::\na\nb\n"
    assert world.run("cat m2 | less").stdout == "c\n"
    assert world.run("less nosuch").stdout == "nosuch: No such file or directory\n"
    assert world.run("more nosuch").stderr == "more: cannot open nosuch: No such file or directory\n"


def test_uuidgen_is_deterministic_per_world():
    first, second = World.new("kvm-guest"), World.new("kvm-guest")
    made = [first.run(line).stdout for line in ("uuidgen", "uuidgen -r", "uuidgen -t")]
    assert made == [second.run(line).stdout for line in ("uuidgen", "uuidgen -r", "uuidgen -t")]
    assert made[0] != made[1]
    assert made[0][14] == "4" and made[2][14] == "1"
    assert made[2].strip().endswith(first.machine.nics[0]["mac"].replace(":", ""))


def test_uuidgen_name_based(world):
    assert world.run("uuidgen --sha1 --namespace @dns --name example.com").stdout == (
        "cfbff0d1-9375-5685-968c-48ce8b15ae17\n"
    )
