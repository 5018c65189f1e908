"""find (GNU findutils 4.9.0): outputs checked against the real find on the same tree."""

import pytest

from simulator import World
from simulator.result import Result
from simulator.shell import Shell

MAXDEPTH_WARNING = (
    "find: warning: you have specified the global option -maxdepth after the argument -name, but global "
    "options are not positional, i.e., -maxdepth affects tests specified before it as well as those "
    "specified after it.  Please specify global options before other arguments.\n"
)


@pytest.fixture
def sh(sh):
    sh("mkdir -p d/sub && echo hello > d/h.txt && touch d/e.log d/sub/deep.txt && chmod 600 d/e.log")
    return sh


def test_find_lists_the_tree_parents_first(sh):
    assert sh("find d") == Result("d\nd/e.log\nd/h.txt\nd/sub\nd/sub/deep.txt\n", "", 0)
    assert sh("cd d && find") == Result(".\n./e.log\n./h.txt\n./sub\n./sub/deep.txt\n", "", 0)


def test_find_tests(sh):
    assert sh("find d -name '*.txt'").stdout == "d/h.txt\nd/sub/deep.txt\n"
    assert sh("find d -iname '*.TXT' -type f").stdout == "d/h.txt\nd/sub/deep.txt\n"
    assert sh("find d -type d").stdout == "d\nd/sub\n"
    assert sh("find d -maxdepth 1 -type f").stdout == "d/e.log\nd/h.txt\n"
    assert sh("find d -mindepth 2").stdout == "d/sub/deep.txt\n"
    assert sh("find d -perm 600").stdout == "d/e.log\n"
    assert sh("find d -perm -u+x").stdout == "d\nd/sub\n"
    assert sh("find d -size +0 -type f").stdout == "d/h.txt\n"
    assert sh("find d -size -1M").stdout == "d/e.log\nd/sub/deep.txt\n"
    assert sh("find d -empty").stdout == "d/e.log\nd/sub/deep.txt\n"
    assert sh("find d -path '*sub*'").stdout == "d/sub\nd/sub/deep.txt\n"
    assert sh("find d -regex '.*/[eh]\\..*'").stdout == "d/e.log\nd/h.txt\n"
    assert sh("find d -user learner -name h.txt").stdout == "d/h.txt\n"


def test_find_newer_and_mtime_follow_the_machine_clock():
    world = World.new("kvm-guest")
    world.run("mkdir d && touch d/old")
    world.run("sleep 2d")
    world.run("touch d/new")
    assert world.run("find d -type f -newer d/old").stdout == "d/new\n"
    assert world.run("find d -type f -mtime +1").stdout == "d/old\n"
    assert world.run("find d -type f -mmin -1").stdout == "d/new\n"


def test_find_operators(sh):
    assert sh("find d -name e.log -o -name h.txt").stdout == "d/e.log\nd/h.txt\n"
    assert sh("find d ! -name '*.txt' -type f").stdout == "d/e.log\n"
    assert sh("find d \\( -name sub -prune \\) -o -type f -print").stdout == "d/e.log\nd/h.txt\n"
    assert sh("find d -not -type d -a -name 'e*'").stdout == "d/e.log\n"


def test_find_actions(sh):
    assert (
        sh("find d -name '*.txt' -exec echo found {} \\;").stdout == "found d/h.txt\nfound d/sub/deep.txt\n"
    )
    assert sh("find d -name '*.txt' -exec wc -c {} +").stdout == "6 d/h.txt\n0 d/sub/deep.txt\n6 total\n"
    assert sh("find d -name deep.txt -execdir pwd \\;").stdout == "/home/learner/d/sub\n"
    assert sh("find d -maxdepth 1 -type f -print0").stdout == "d/e.log\0d/h.txt\0"
    assert sh("find d -printf '%M %m %s %y %d %f %h\\n'").stdout == (
        "drwxr-xr-x 755 4096 d 0 d .\n-rw------- 600 0 f 1 e.log d\n-rw-r--r-- 644 6 f 1 h.txt d\n"
        "drwxr-xr-x 755 4096 d 1 sub d\n-rw-r--r-- 644 0 f 2 deep.txt d/sub\n"
    )
    assert sh("find d -print -quit").stdout == "d\n"
    assert sh("find d -name h.txt -ls").stdout.endswith(
        " 4 -rw-r--r--   1 learner  learner         6 Nov 27 10:00 d/h.txt\n"
    )


def test_find_delete_removes_depth_first(sh):
    assert sh("find d -name sub -delete") == Result(
        "", "find: cannot delete ‘d/sub’: Directory not empty\n", 1
    )
    assert sh("find d/sub -delete; ls -1 d") == Result("e.log\nh.txt\n", "", 0)


def test_find_errors(sh):
    assert sh("find d -foo") == Result("", "find: unknown predicate `-foo'\n", 1)
    assert sh("find d -name") == Result("", "find: missing argument to `-name'\n", 1)
    assert sh("find d -name a b") == Result("", "find: paths must precede expression: `b'\n", 1)
    assert sh("find . -name x d") == Result(
        "",
        "find: paths must precede expression: `d'\n"
        "find: possible unquoted pattern after predicate `-name'?\n",
        1,
    )
    assert sh("find d -type q").stderr == "find: Unknown argument to -type: q\n"
    assert sh("find d -size 3X").stderr == "find: invalid -size type `X'\n"
    assert sh("find d -perm 999").stderr == "find: invalid mode ‘999’\n"
    assert sh("find d -mtime x").stderr == "find: invalid argument `x' to `-mtime'\n"
    assert sh("find d -user nobodyx").stderr == "find: ‘nobodyx’ is not the name of a known user\n"
    assert sh("find d \\( -name x").stderr == (
        "find: invalid expression; I was expecting to find a ')' somewhere but did not see one.\n"
    )
    assert sh("find d -o").stderr == (
        "find: invalid expression; you have used a binary operator '-o' with nothing before it.\n"
    )
    assert (
        sh("find d -exec echo {} {} +").stderr
        == "find: Only one instance of {} is supported with -exec ... +\n"
    )
    assert sh("find d nosuch -maxdepth 0") == Result("d\n", "find: ‘nosuch’: No such file or directory\n", 1)


def test_find_warns_about_a_global_option_after_a_test(sh):
    assert sh("find d -name h.txt -maxdepth 1") == Result("d/h.txt\n", MAXDEPTH_WARNING, 0)


def test_find_exec_of_a_missing_program(sh):
    assert sh("find d -name h.txt -exec nosuch {} \\;") == Result(
        "", "find: ‘nosuch’: No such file or directory\n", 0
    )
    assert sh("find d -name h.txt -exec nosuch {} +").status == 1


def test_find_ok_needs_an_answer_the_terminal_cannot_give(sh):
    result = sh("find d -ok rm {} \\;")
    assert result.status == 1 and "-ok asks a question" in result.stderr
    assert sh("ls -1 d").stdout == "e.log\nh.txt\nsub\n"


def test_find_reports_unreadable_directories(sh):
    assert sh("find /root") == Result("/root\n", "find: ‘/root’: Permission denied\n", 1)


def test_find_as_root_reads_everything(machine):
    root = Shell.for_user(machine, "root")
    assert root.run(machine, "find /root -type f") == Result("/root/secret.txt\n", "", 0)


def test_find_follows_links_only_when_asked(sh):
    sh("ln -s d l")
    assert sh("find l").stdout == "l\n"
    assert sh("find -H l -name h.txt").stdout == "l/h.txt\n"
    assert sh("find -L . -maxdepth 1 -type d -name l").stdout == "./l\n"


def test_find_reports_a_link_loop_when_following_links(sh):
    sh("mkdir -p lp/e && ln -s .. lp/e/up && touch lp/f && ln -s nowhere lp/dang")
    assert sh("find -L lp") == Result(
        "lp\nlp/dang\nlp/e\nlp/f\n",
        "find: File system loop detected; ‘lp/e/up’ is part of the same file system loop as ‘lp’.\n",
        1,
    )
    assert sh("find lp -xtype l").stdout == "lp/dang\n"
    assert sh("find lp -xtype d").stdout == "lp\nlp/e\nlp/e/up\n"


def test_find_printf_times(sh):
    assert sh("find d -maxdepth 0 -printf '%t|%TY-%Tm-%Td %TT|%T@|%a\\n'").stdout == (
        "Wed Nov 27 10:00:00.0000000000 2024|2024-11-27 10:00:00.0000000000|1732701600.0000000000|"
        "Wed Nov 27 10:00:00.0000000000 2024\n"
    )


def test_find_newermt_compares_with_a_date(sh):
    assert sh("find d -maxdepth 0 -newermt '2024-11-01'").stdout == "d\n"
    assert sh("find d -maxdepth 0 -newermt '2024-12-01'").stdout == ""
    assert sh("find d -newermt foo") == Result(
        "", "find: I cannot figure out how to interpret ‘foo’ as a date or time\n", 1
    )


def test_find_xdev_lists_mount_points_without_entering_them():
    world = World.new("kvm-guest")
    assert world.run("sudo find / -xdev -maxdepth 1 -name proc").stdout == "/proc\n"
    assert world.run("sudo find / -xdev -path '/proc/*'").stdout == ""
    assert world.run("sudo find /proc -xdev -name cpuinfo").stdout == "/proc/cpuinfo\n"
