"""awk: mawk 1.3.4's output and messages (checked against the real mawk)."""

import pytest

from simulator.result import Result


@pytest.fixture
def sh(sh):
    sh("echo -e 'vda 10 x\\nvdb 32 y\\nsda 5 z' > disks.txt")
    return sh


def test_awk_fields_and_separators(sh):
    assert sh("awk -F: '{print $1}' /etc/passwd").stdout == "root\nlearner\n"
    assert sh("awk '{print $NF, NF}' disks.txt").stdout == "x 3\ny 3\nz 3\n"
    assert sh("awk -F: -v OFS=- '{$1 = $1; print}' /etc/group").stdout.splitlines()[0] == "root-x-0-"
    assert sh("awk 'BEGIN {FS = \":\"} $3 >= 1000 {print $1}' /etc/passwd").stdout == "learner\n"
    assert sh("awk '{$5 = \"!\"; print; print NF}' disks.txt").stdout.splitlines()[:2] == ["vda 10 x  !", "5"]


def test_awk_patterns_and_sums(sh):
    assert sh("awk '/vmx|svm/' /proc/cpuinfo").stdout == "flags\t\t: fpu vmx hypervisor\nflags\t\t: fpu vmx\n"
    assert sh("awk '/vmx/ {n++} END {print n+0}' /proc/cpuinfo").stdout == "2\n"
    assert sh("awk '{s += $2} END {print s, NR}' disks.txt").stdout == "47 3\n"
    assert sh("awk '$2 > 9' disks.txt").stdout == "vda 10 x\nvdb 32 y\n"
    assert sh("awk 'NR == 2, NR == 3 {print $1}' disks.txt").stdout == "vdb\nsda\n"
    assert sh("awk '!/^vd/' disks.txt").stdout == "sda 5 z\n"


def test_awk_comparison_rules(sh):
    assert sh('awk \'BEGIN {print ("10" < "9"), (10 < 9), (x == 0), (x == "")}\'').stdout == "1 0 1 1\n"
    assert sh("awk '$2 < 6' disks.txt").stdout == "sda 5 z\n"


def test_awk_arrays_and_control_flow(sh):
    program = "{a[substr($1, 1, 2)] += $2} END {for (k in a) print k, a[k]}"
    assert sorted(sh(f"awk '{program}' disks.txt").stdout.splitlines()) == ["sd 5", "vd 42"]
    program = 'BEGIN {for (i = 0; i < 9; i++) {if (i == 2) continue; if (i == 5) break; printf "%d ", i}}'
    assert sh(f"awk '{program}'").stdout == "0 1 3 4 "
    assert sh(
        "awk 'BEGIN {a[1, 2] = 3; if ((1, 2) in a) print \"in\"; delete a[1, 2]; print length(a)}'"
    ).stdout == ("in\n0\n")
    assert sh("awk 'BEGIN {do n++; while (n < 4); print n}'").stdout == "4\n"
    assert sh("awk 'function f(n) {return n < 2 ? 1 : n * f(n - 1)} BEGIN {print f(6)}'").stdout == "720\n"


def test_awk_string_functions(sh):
    program = (
        'BEGIN {print substr("hello", 2, 3), substr("hello", 0, 2), index("hello", "ll"), length("abc")}'
    )
    assert sh(f"awk '{program}'").stdout == "ell he 3 3\n"
    program = 'BEGIN {n = split("a:b:c", p, ":"); s = "aaa"; g = gsub(/a/, "[&]", s); print n, p[3], g, s}'
    assert sh(f"awk '{program}'").stdout == "3 c 3 [a][a][a]\n"
    program = 'BEGIN {print match("foobar", /o+/), RSTART, RLENGTH, toupper("ab"), tolower("CD")}'
    assert sh(f"awk '{program}'").stdout == "2 2 2 AB cd\n"
    assert sh('awk \'BEGIN {s = "baaac"; gsub(/a*/, "x", s); print s}\'').stdout == "xbxcx\n"


def test_awk_numbers_and_printf(sh):
    program = "BEGIN {print 1/3, 2^31, 2^10, int(-3.7), 7 % 3, -7 % 3, 1e6, 0.1 + 0.2, 1/0}"
    assert sh(f"awk '{program}'").stdout == "0.333333 2.14748e+09 1024 -3 1 -1 1000000 0.3 inf\n"
    program = 'BEGIN {printf "%5.2f|%-4s|%03d|%x|%c|%e|%#o|%5.1f%%\\n", 3.14159, "ab", 7, 255, 65, 1234.5, 8'
    program += ", 45.67}"
    assert sh(f"awk '{program}'").stdout == " 3.14|ab  |007|ff|A|1.234500e+03|010| 45.7%\n"
    assert sh('awk \'BEGIN {x = sprintf("%s=%d", "a", 42.9); print x}\'').stdout == "a=42\n"


def test_awk_getline_and_files(sh):
    assert sh("awk 'BEGIN {while ((getline line < \"disks.txt\") > 0) n++; print n}'").stdout == "3\n"
    assert sh(
        'awk \'{print $1 > "names.txt"} END {close("names.txt")}\' disks.txt; cat names.txt'
    ).stdout == ("vda\nvdb\nsda\n")
    assert sh("awk 'NR == 1 {getline; print}' disks.txt").stdout == "vdb 32 y\n"
    assert sh('awk \'BEGIN {print "x" > "/etc/x"}\'') == Result(
        "", 'awk: cannot open "/etc/x" for output (Permission denied)\n', 2
    )


def test_awk_exit_next_and_variables(sh):
    assert sh("awk 'BEGIN {exit 3} END {print \"end\"}'") == Result("end\n", "", 3)
    assert sh("awk 'NR == 1 {next} {print $1}' disks.txt").stdout == "vdb\nsda\n"
    assert sh("awk -v n=2 'NR == n' disks.txt").stdout == "vdb 32 y\n"
    assert sh("awk '{print FILENAME, FNR}' disks.txt /etc/hostname").stdout == (
        "disks.txt 1\ndisks.txt 2\ndisks.txt 3\n/etc/hostname 1\n"
    )
    assert (
        sh('awk \'BEGIN {RS = ""} {print NR": "$1}\' /proc/cpuinfo').stdout == "1: processor\n2: processor\n"
    )


def test_awk_syntax_and_run_time_errors(sh):
    assert sh("awk '{print $1' disks.txt") == Result("", "awk: line 2: missing } near end of file\n", 2)
    assert sh("awk 'BEGIN {x = }'") == Result("", "awk: line 1: syntax error at or near }\n", 2)
    assert sh("awk 'BEGIN {print 2**3}'").stderr == "awk: line 1: syntax error at or near *\n"
    assert sh("awk 'BEGIN {print (1, 2}'").stderr == "awk: line 1: missing ) near }\n"
    assert sh("awk 'BEGIN {f(1)}'").stderr == "awk: line 2: function f never defined\n"
    assert sh("awk '/(/'").stderr == "awk: line 1: regular expression compile failed (missing ')')\n(\n"
    assert sh("awk '{print $-1}' disks.txt") == Result(
        "", 'awk: run time error: negative field index $-1\n\tFILENAME="disks.txt" FNR=1 NR=1\n', 2
    )
    assert sh('awk \'BEGIN {printf "%s %s\\n", "a"}\'') == Result(
        "a ",
        'awk: run time error: not enough arguments passed to printf("%s %s\n")\n\tFILENAME="" FNR=0 NR=0\n',
        2,
    )
    assert sh("awk '{print}' /nope") == Result("", "awk: cannot open /nope (No such file or directory)\n", 2)
    assert sh("awk -x") == Result("", "awk: not an option: -x\n", 2)


def test_awk_refuses_pipes_and_system(sh):
    message = 'awk: cannot run "date": this simulated awk runs no programs (pipes and system() are refused)\n'
    assert sh("awk 'BEGIN {\"date\" | getline d}'") == Result("", message, 2)
    assert sh("awk 'BEGIN {system(\"date\")}'") == Result("", message, 2)
    assert sh("awk 'BEGIN {print 1 | \"date\"}'") == Result("", message, 2)


def test_awk_version_and_usage(sh):
    assert sh("awk -W version").stdout.startswith("mawk 1.3.4 20240123\n")
    result = sh("awk")
    assert result.status == 0 and result.stderr.startswith("Usage: mawk [Options] [Program] [file ...]\n")


def test_awk_endless_loop_is_stopped_by_the_budget(sh):
    assert sh("awk 'BEGIN {while (1) n++}'").status == 130
    assert sh("awk 'function f(n) {return f(n + 1)} BEGIN {f(1)}'").status == 2


def test_awk_names_are_scalars_or_arrays(sh):
    clash = "awk: line 1: illegal reference to variable x\n"
    assert sh("awk 'BEGIN {x = 1; print x[1]}'") == Result("", clash, 2)
    assert sh("awk 'BEGIN {a[1]; a = 2}'") == Result("", "awk: line 1: illegal reference to array a\n", 2)
    assert sh("awk 'function f(arr) {arr[1] = 2} BEGIN {f(q); print q[1], length(q)}'").stdout == "2 1\n"


def test_awk_program_files_name_themselves_in_errors(sh):
    sh("echo 'function twice(x) { return 2 * x }' > lib.awk; echo 'BEGIN { print twice(21) }' > main.awk")
    assert sh("awk -f lib.awk -f main.awk").stdout == "42\n"
    sh("echo 'BEGIN { y = }' > bad.awk")
    error = "awk: bad.awk: line 1: syntax error at or near }\n"
    assert sh("awk -f main.awk -f lib.awk -f bad.awk").stderr == error
    assert sh("awk -f nope.awk") == Result("", "awk: cannot open nope.awk (No such file or directory)\n", 2)
