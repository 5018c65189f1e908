"""seq, yes, basename, dirname, od, du, rev: outputs checked against coreutils 9.x and util-linux."""

import pytest

from simulator.result import Result


def test_seq_counts_and_formats(sh):
    assert sh("seq 3").stdout == "1\n2\n3\n"
    assert sh("seq 10 -3 1").stdout == "10\n7\n4\n1\n"
    assert sh("seq -w 8 10").stdout == "08\n09\n10\n"
    assert sh("seq -s, 3").stdout == "1,2,3\n"
    assert sh("seq -f '%03g' 3").stdout == "001\n002\n003\n"
    assert sh("seq 1 0.5 2.6").stdout == "1.0\n1.5\n2.0\n2.5\n"
    assert sh("seq -w -1 1").stdout == "-1\n00\n01\n"
    assert sh("seq 5 1") == Result("", "", 0)


def test_seq_errors(sh):
    assert sh("seq") == Result("", "seq: missing operand\nTry 'seq --help' for more information.\n", 1)
    assert (
        sh("seq x").stderr
        == "seq: invalid floating point argument: ‘x’\nTry 'seq --help' for more information.\n"
    )
    assert sh("seq 1 0 3").stderr.startswith("seq: invalid Zero increment value: ‘0’\n")
    assert sh("seq -f %d 3") == Result("", "seq: format ‘%d’ has unknown %d directive\n", 1)


@pytest.mark.parametrize("line", ["seq 1 1e9", "yes", "yes hello > /dev/null", "seq inf > /dev/null"])
def test_endless_output_stops_at_the_budget(sh, line):
    result = sh(line)
    assert result.status == 130
    assert "^C" in result.stderr


def test_seq_output_before_the_stop_stays(sh):
    assert sh("seq 1 1e9").stdout.startswith("1\n2\n3\n")


def test_basename_and_dirname(sh):
    assert sh("basename /usr/bin/sort").stdout == "sort\n"
    assert sh("basename include/stdio.h .h").stdout == "stdio\n"
    assert sh("basename -as .c a/x.c b/y.c").stdout == "x\ny\n"
    assert (
        sh("basename a b c").stderr
        == "basename: extra operand ‘c’\nTry 'basename --help' for more information.\n"
    )
    assert sh("dirname /usr/bin/ stdio.h //a").stdout == "/usr\n.\n/\n"
    assert sh("dirname") == Result(
        "", "dirname: missing operand\nTry 'dirname --help' for more information.\n", 1
    )


def test_od_dumps(sh):
    assert sh("echo hello | od -c").stdout == "0000000   h   e   l   l   o  \\n\n0000006\n"
    assert sh("echo hello | od -An -t x1").stdout == " 68 65 6c 6c 6f 0a\n"
    assert sh("echo hello | od -x").stdout == "0000000 6568 6c6c 0a6f\n0000006\n"
    assert sh("echo hello | od").stdout == "0000000 062550 066154 005157\n0000006\n"
    assert sh("echo -n abc | od -t x1 -t c").stdout == "0000000  61  62  63\n          a   b   c\n0000003\n"
    assert sh("echo hello | od -t q") == Result("", "od: invalid character 'q' in type string ‘q’\n", 1)


def test_rev(sh):
    assert sh("echo -e 'abc\\ndef' | rev").stdout == "cba\nfed\n"
    assert sh("rev /nonexist") == Result("", "rev: cannot open /nonexist: No such file or directory\n", 1)


def test_du_sizes(sh):
    sh("mkdir -p du1/a/b && echo hi > du1/a/f && seq 1000 > du1/a/b/g && ln -s f du1/a/l")
    assert sh("du du1").stdout == "8\tdu1/a/b\n16\tdu1/a\n20\tdu1\n"
    assert sh("du -a du1").stdout == "4\tdu1/a/b/g\n8\tdu1/a/b\n4\tdu1/a/f\n0\tdu1/a/l\n16\tdu1/a\n20\tdu1\n"
    assert sh("du -sh du1").stdout == "20K\tdu1\n"
    assert sh("du -d 1 du1").stdout == "16\tdu1/a\n20\tdu1\n"
    assert sh("du -b du1").stdout == "7989\tdu1/a/b\n12089\tdu1/a\n16185\tdu1\n"
    assert sh("du -sc du1 du1").stdout == "20\tdu1\n20\ttotal\n"
    assert sh("du nosuch") == Result("", "du: cannot access 'nosuch': No such file or directory\n", 1)
    assert sh("du -s /root") == Result(
        "4\t/root\n", "du: cannot read directory '/root': Permission denied\n", 1
    )
