"""Whatever a learner types, the terminal answers with a Result and the machine stays serialisable."""

import json

from conftest import FakeMachine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.filesystem import FileSystem
from simulator.result import Result
from simulator.shell import Shell

SHELL_ALPHABET = list("abcxyz019 \t\n'\"\\$`{}()[]*?~!#;&|<>=-+/.:,%@^") + ["\x00", "\x07", "\x1b", "é", "😀"]
FRAGMENTS = [
    "ls",
    "ls -l /",
    "cat /etc/passwd",
    "grep -E",
    "sudo",
    "sudo -i",
    "exit",
    "echo",
    "cd /tmp",
    "cd -",
    "mkdir -p a/b",
    "rm -rf a",
    "cp -r /etc x",
    "mv x y",
    "ln -s / l",
    "touch f",
    "chmod 777 f",
    "> f",
    ">> /etc/hostname",
    "2>&1",
    "| wc -l",
    "| sort -n -k2",
    "&&",
    "||",
    ";",
    "$(echo hi)",
    "`pwd`",
    "${HOME%/*}",
    "$((1/0))",
    "!!",
    "'unterminated",
    '"also',
    "*",
    "/etc/*",
    "history",
    "bash -c 'echo $0'",
    "sh -c",
    "su -",
    "tee -a f",
    "head -n -1",
    "tail -c 3",
    "cut -f2 -d,",
    "tr -s a",
    "uniq -c",
    "stat /",
    "readlink -f l",
    "(cd /; ls)",
    # bash's grammar and builtins
    "for i in 1 2; do",
    "for ((i=0; i<3; i++)); do",
    "while read -r l; do",
    "until false; do",
    "done",
    "if [ -e /etc ]; then",
    "elif",
    "else",
    "fi",
    "case $x in a|b)",
    ";;",
    "esac",
    "f() {",
    "}",
    "{",
    "[[ $x =~ ^(a|b)+$ ]]",
    "[[ -n $y && $z == a* ]]",
    "(( x += 2 ))",
    "a=(1 2 3)",
    "${a[@]:1}",
    "${#a[@]}",
    "${x^^}",
    "${x//a/b}",
    "${x:?unset}",
    "{1..5}",
    "printf '%s %d\\n' a",
    "read -a arr <<< 'a b'",
    "set -euo pipefail",
    "set -x",
    "shift 2",
    "local v=1",
    "return 3",
    "break",
    "continue 2",
    "declare -p",
    "alias l='ls -l'",
    "eval 'echo $((2**3))'",
    "source /etc/hosts",
    "getopts ab: o",
    "time true",
    "cat <<EOF",
    "EOF",
    "sed -n '1,/x/p'",
    "awk -F: '{print $1}'",
    "find / -name x -o -type d",
    "xargs -n1",
    "seq 3",
    "\x03",
]

text_lines = st.text(alphabet=SHELL_ALPHABET, max_size=200)
command_lines = st.lists(st.sampled_from(FRAGMENTS) | text_lines, min_size=1, max_size=8).map(" ".join)


def run_all(lines: list[str]) -> None:
    machine = FakeMachine()
    shell = Shell.for_user(machine)
    for line in lines:
        result = shell.run(machine, line)
        assert isinstance(result, Result)
        assert isinstance(result.status, int) and 0 <= result.status <= 255
        assert isinstance(result.stdout, str) and isinstance(result.stderr, str)
        assert "internal error" not in result.stderr, (line, result.stderr)
    data = json.loads(json.dumps(machine.fs.to_dict()))
    assert FileSystem.from_dict(data).to_dict() == machine.fs.to_dict()
    assert Shell.from_dict(json.loads(json.dumps(shell.to_dict()))) == shell


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text_lines, min_size=1, max_size=5))
def test_arbitrary_text_never_raises(lines):
    run_all(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(command_lines, min_size=1, max_size=6))
def test_command_like_lines_never_raise(lines):
    run_all(lines)


@settings(max_examples=40, deadline=None)
@given(st.tuples(command_lines, st.integers(1, 600)).map(lambda pair: pair[0] * pair[1]))
def test_long_repetitive_lines_never_raise(line):
    run_all([line])


def test_deep_nesting_is_refused_not_crashed():
    for opener in ('"$(', "$(", "`", "(", "${", "${a:-"):
        depth = 3900 // (len(opener) + 2)
        closed = ["echo " + opener * depth + "x" + closers * depth for closers in (")", "}", ")}")]
        run_all(["echo " + opener * depth, *closed])
