"""Lines that must not exhaust the server: bounded matching, bounded memory, bounded history expansion.

No timings: the inputs are ones a backtracking matcher would take hours or gigabytes over, and the
matchers' work is counted through patterns.Budget.
"""

import pytest

from simulator import patterns
from simulator.filesystem import MAX_FILE_SIZE, MAX_TOTAL_SIZE, FileSystem, FsError
from simulator.patterns import Budget, Glob, PatternTooCostly, Regex
from simulator.shell import MAX_LINE, MAX_VALUE, MAX_VARIABLES

A40 = "a" * 40


@pytest.mark.parametrize(
    "command",
    [
        "grep -E '(a+)+b'",
        "grep 'a*a*a*a*a*a*a*a*a*a*b'",
        "grep -E '(a|a)*b'",
        "grep -c -E '(a+)+b'",
        "grep -o -E '(a+)+$'",
    ],
)
def test_grep_answers_catastrophic_patterns_like_a_dfa(sh, command):
    # 40 a's: Python's backtracking re would need about 2**40 steps for (a+)+b
    result = sh(f"echo {A40} | {command}")
    expected = {"grep -c": "0\n", "grep -o": A40 + "\n"}
    assert result.stdout == next((v for k, v in expected.items() if command.startswith(k)), "")
    assert result.stderr == ""


def test_grep_still_matches_and_prints_leftmost_longest(sh):
    assert sh("echo abcd | grep -oE 'a|ab'").stdout == "ab\n"
    assert sh("echo 'vmx svm' | grep -ow 'svm'").stdout == "svm\n"
    assert sh("echo abab | grep -E '(ab)\\1'").stdout == "abab\n"
    assert sh("echo abba | grep -E '(ab)\\1'").status == 1


def test_a_backreference_blow_up_fails_as_grep_memory_exhausted(sh):
    result = sh(f"echo {A40} | grep -E '(a|aa)+\\1c'")
    assert result.stderr == "grep: memory exhausted\n"
    assert result.status == 2


def test_invalid_patterns_keep_their_messages(sh):
    assert sh("echo a | grep -E '(a'").stderr == "grep: Unmatched ( or \\(\n"


def test_glob_matches_without_backtracking(sh):
    sh("touch /tmp/" + "a" * 60)
    result = sh("ls /tmp/*a*a*a*a*a*a*a*a*a*a*a*a*b")
    assert result.status == 2 and "No such file or directory" in result.stderr
    assert sh("ls /tmp/*a*a*a*a*a*a*a*a*a*a*a*a").stdout == "/tmp/" + "a" * 60 + "\n"


def test_glob_semantics():
    def g(pattern, text, quoted=""):
        return Glob([(c, c not in quoted) for c in pattern]).fullmatch(text)

    assert g("*.txt", "notes.txt") and not g("*.txt", "notes.txt~")
    assert g("a?c", "abc") and not g("a?c", "ac")
    assert g("[[:digit:]]x[!a-c]", "1xd") and not g("[[:digit:]]x[!a-c]", "1xb")
    assert g("a*", "a*") and g("a*", "a*", quoted="*") and not g("a*", "ab", quoted="*")
    assert g("*", "") and not g("?", "")


def test_glob_work_is_linear_in_the_text():
    budget = Budget()
    pattern = [(c, True) for c in "*a" * 1000 + "b"]
    Glob(pattern, budget).fullmatch("a" * 5000)
    cost = Glob(pattern).cost
    assert patterns.MAX_STEPS - budget.steps <= (5000 + 1) * cost


def test_a_budget_stops_matching():
    with pytest.raises(PatternTooCostly):
        Glob([(c, True) for c in "*a*b"], Budget(steps=100)).fullmatch("a" * 1000)
    with pytest.raises(PatternTooCostly):
        Regex("a+b", budget=Budget(steps=10)).search("a" * 1000)


def test_parameter_patterns(sh):
    sh("x=/usr/lib/modules/6.8.0.tar.gz")
    assert sh("echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*}").stdout == (
        "usr/lib/modules/6.8.0.tar.gz 6.8.0.tar.gz /usr/lib/modules/6.8.0.tar /usr/lib/modules/6\n"
    )
    assert sh("echo ${x/lib/LIB} ${x//./_} ${x//[0-9]/N}").stdout == (
        "/usr/LIB/modules/6.8.0.tar.gz /usr/lib/modules/6_8_0_tar_gz /usr/lib/modules/N.N.N.tar.gz\n"
    )
    assert sh("y=aXbXc; echo ${y/X*/-} ${y#nothing}").stdout == "a- aXbXc\n"


def test_parameter_patterns_on_pathological_input(sh):
    sh("x=aaaaaaaaaa; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x")  # 1000 a's
    assert sh("echo ${x%" + "*a" * 300 + "b}").stdout == "a" * 1000 + "\n"
    assert sh("echo ${#x} ${x#" + "*a" * 300 + "}").stdout == "1000 " + "a" * 700 + "\n"


def test_doubling_a_variable_fails_at_the_value_limit(sh):
    sh("x=aaaaaaaaaa")
    for _ in range(3):
        assert sh("x=$x$x$x$x$x$x$x$x$x$x").status == 0
    result = sh("x=$x$x$x$x$x$x$x$x$x$x")
    assert result.status == 1
    assert result.stderr.startswith("bash: xrealloc: cannot allocate ")
    assert result.stderr.endswith(f" bytes (limit {MAX_VALUE // 1024} KiB per value)\n")
    assert sh("echo ${#x}").stdout == "10000\n"  # never silently truncated: the old value stays


def test_replacement_and_nesting_are_bounded(sh):
    sh("x=aaaaaaaaaa; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x")
    assert "xrealloc: cannot allocate" in sh("y=${x//?/$x}").stderr
    sh("x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x")  # 60000 characters
    assert "per command" in sh("echo " + "${x:-" * 200 + "}" * 200 + " $x $x $x $x").stderr
    assert "per command" in sh("echo" + " $x" * 500).stderr


def test_all_variables_together_are_bounded(sh):
    sh("x=aaaaaaaaaa; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x")
    results = [sh(f"v{i}=$x$x$x$x$x$x") for i in range(MAX_VARIABLES // 60000 + 2)]
    assert results[-1].status == 1
    assert "for all variables" in results[-1].stderr


def test_history_expansion_is_held_to_the_line_limit(sh, shell):
    sh("echo " + "a" * 4000)
    result = sh("!!" * 2000)
    assert result == result.__class__("", f"bash: line too long (max {MAX_LINE} characters)\n", 2)
    assert all(len(line) <= MAX_LINE for line in shell.history)
    assert sh("!!").stdout.count("a" * 4000) == 2  # the echoed line and echo's output


def test_a_full_filesystem_answers_enospc():
    fs = FileSystem()
    fs.add_dir("/tmp", mode=0o1777)
    chunk = "x" * MAX_FILE_SIZE
    for i in range(MAX_TOTAL_SIZE // MAX_FILE_SIZE - 1):
        fs.write(f"/tmp/f{i}", chunk)
    with pytest.raises(FsError) as error:
        fs.write("/tmp/last", chunk + chunk[:1024])
    assert error.value.errno == "EFBIG"
    fs.write("/tmp/last", chunk[:-4096])
    with pytest.raises(FsError) as error:
        fs.write("/tmp/more", "y" * 8192)
    assert error.value.message == "No space left on device"
    fs.remove("/tmp/f0")
    fs.write("/tmp/more", "y" * 8192)
    assert FileSystem.from_dict(fs.to_dict()).used == fs.used


def test_a_full_filesystem_through_the_shell(sh):
    sh("x=aaaaaaaaaa; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x")
    last = None
    for i in range(MAX_TOTAL_SIZE // 60000 + 2):
        last = sh(f"echo $x$x$x$x$x$x > /tmp/f{i}")
    assert last.stderr.endswith(": No space left on device\n")
