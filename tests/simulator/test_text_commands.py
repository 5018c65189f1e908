import pytest

from simulator.result import Result

CPU_FLAGS = "grep -c -E 'vmx|svm' /proc/cpuinfo"


@pytest.fixture
def sh(sh):
    sh("echo -e 'b 2\\nA 10\\na 1\\nb 2\\nc 3' > data.txt")
    return sh


def test_grep_prints_matching_lines(sh):
    assert sh("grep beta notes.txt") == Result("beta\n", "", 0)


def test_grep_no_match_is_status_1(sh):
    assert sh("grep delta notes.txt") == Result("", "", 1)


def test_grep_missing_file_is_status_2(sh):
    assert sh("grep x /nope") == Result("", "grep: /nope: No such file or directory\n", 2)


def test_grep_counts_cpus_with_virtualization(sh):
    assert sh(CPU_FLAGS).stdout == "2\n"
    assert sh("grep -c hypervisor /proc/cpuinfo").stdout == "1\n"


def test_grep_options(sh):
    assert sh("grep -i ^a data.txt").stdout == "A 10\na 1\n"
    assert sh("grep -v b data.txt").stdout == "A 10\na 1\nc 3\n"
    assert sh("grep -n gamma notes.txt").stdout == "3:gamma\n"
    assert sh("grep -o 'a[0-9]*' notes.txt").stdout == "a\na\na\na\na\n"
    assert sh("grep -w a data.txt").stdout == "a 1\n"
    assert sh("grep -x 'c 3' data.txt").stdout == "c 3\n"
    assert sh("grep -m 1 b data.txt").stdout == "b 2\n"
    assert sh("grep -q beta notes.txt") == Result("", "", 0)
    assert sh("grep -F 'a.' notes.txt") == Result("", "", 1)


def test_grep_several_files_prefix_names(sh):
    assert sh("grep -c a notes.txt data.txt").stdout == "notes.txt:3\ndata.txt:1\n"
    assert sh("grep -l gamma notes.txt data.txt").stdout == "notes.txt\n"
    assert sh("grep -h gamma notes.txt data.txt").stdout == "gamma\n"


def test_grep_basic_and_extended_regex(sh):
    assert sh("grep 'b\\|c' data.txt").stdout == "b 2\nb 2\nc 3\n"
    assert sh("grep -E 'b|c' data.txt").stdout == "b 2\nb 2\nc 3\n"
    assert sh("grep 'a+' notes.txt") == Result("", "", 1)
    assert sh("grep -E '^[[:upper:]]' data.txt").stdout == "A 10\n"
    assert sh("grep -E 'l{2}' /etc/passwd") == Result("", "", 1)


def test_grep_invalid_regex(sh):
    assert sh("grep -E '(' notes.txt") == Result("", "grep: Unmatched ( or \\(\n", 2)
    assert sh("grep '[' notes.txt") == Result("", "grep: Unmatched [, [^, [:, [., or [=\n", 2)


def test_grep_stdin_and_usage(sh):
    assert sh("cat notes.txt | grep -c a").stdout == "3\n"
    assert sh("grep") == Result(
        "", "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2
    )


def test_grep_directory_and_recursive(sh):
    assert sh("grep x /etc") == Result("", "grep: /etc: Is a directory\n", 2)
    assert sh("grep -r ^lab /etc") == Result(
        "/etc/hostname:lab\n", "grep: /etc/ssh/ssh_host_ed25519_key: Permission denied\n", 2
    )
    assert (
        sh("sudo grep -r root@ /etc").stdout
        == "/etc/ssh/ssh_host_ed25519_key.pub:ssh-ed25519 AAAAC3Nz root@lab\n"
    )


def test_head_and_tail(sh):
    assert sh("head -n 2 data.txt").stdout == "b 2\nA 10\n"
    assert sh("head -2 data.txt").stdout == "b 2\nA 10\n"
    assert sh("tail -n 1 data.txt").stdout == "c 3\n"
    assert sh("tail -2 data.txt").stdout == "b 2\nc 3\n"
    assert sh("tail -n +4 data.txt").stdout == "b 2\nc 3\n"
    assert sh("head -c 3 notes.txt").stdout == "alp"
    assert sh("cat data.txt | head -n 1").stdout == "b 2\n"


def test_head_several_files_get_headers(sh):
    assert sh("head -n 1 notes.txt data.txt").stdout == "==> notes.txt <==\nalpha\n\n==> data.txt <==\nb 2\n"


def test_head_tail_errors(sh):
    assert sh("head /nope") == Result(
        "", "head: cannot open '/nope' for reading: No such file or directory\n", 1
    )
    assert sh("tail -n x notes.txt") == Result("", "tail: invalid number of lines: 'x'\n", 1)


def test_wc_widths_like_gnu(sh):
    assert sh("wc -l notes.txt") == Result("3 notes.txt\n", "", 0)
    assert sh("wc notes.txt").stdout == " 3  3 17 notes.txt\n"
    assert sh("wc -l < notes.txt").stdout == "3\n"
    assert sh("cat notes.txt | wc").stdout == "      3       3      17\n"
    assert sh("wc -l notes.txt data.txt").stdout == " 3 notes.txt\n 5 data.txt\n 8 total\n"
    assert sh("wc -w /nope") == Result("", "wc: /nope: No such file or directory\n", 1)


def test_sort_and_uniq(sh):
    assert sh("sort data.txt").stdout == "A 10\na 1\nb 2\nb 2\nc 3\n"
    assert sh("sort -r data.txt").stdout == "c 3\nb 2\nb 2\na 1\nA 10\n"
    assert sh("sort -n -k 2 data.txt").stdout == "a 1\nb 2\nb 2\nc 3\nA 10\n"
    assert sh("sort -u data.txt").stdout == "A 10\na 1\nb 2\nc 3\n"
    assert sh("sort data.txt | uniq -c").stdout == "      1 A 10\n      1 a 1\n      2 b 2\n      1 c 3\n"
    assert sh("sort data.txt | uniq -d").stdout == "b 2\n"
    assert sh("sort /nope") == Result("", "sort: cannot read: /nope: No such file or directory\n", 2)


def test_cut_fields_and_characters(sh):
    assert sh("cut -d: -f1,7 /etc/passwd").stdout == "root:/bin/bash\nlearner:/bin/bash\n"
    assert sh("cut -c 1-3 notes.txt").stdout == "alp\nbet\ngam\n"
    assert sh("cut -d ' ' -f 2 data.txt").stdout == "2\n10\n1\n2\n3\n"
    assert sh("cut notes.txt").stderr == (
        "cut: you must specify a list of bytes, characters, or fields\n"
        "Try 'cut --help' for more information.\n"
    )


def test_tee_writes_files_with_the_callers_rights(sh):
    assert sh("echo hi | tee a.txt b.txt").stdout == "hi\n"
    assert sh("cat a.txt b.txt").stdout == "hi\nhi\n"
    assert sh("echo more | tee -a a.txt > /dev/null; cat a.txt").stdout == "hi\nmore\n"
    assert sh("echo x | tee /etc/hostname") == Result("x\n", "tee: /etc/hostname: Permission denied\n", 1)


def test_tr_translates_deletes_and_squeezes(sh):
    assert sh("echo hello | tr a-z A-Z").stdout == "HELLO\n"
    assert sh("echo hello | tr -d l").stdout == "heo\n"
    assert sh("echo 'a    b' | tr -s ' '").stdout == "a b\n"
    assert sh("echo hello | tr '[:lower:]' '[:upper:]'").stdout == "HELLO\n"


def test_echo_options(sh):
    assert sh("echo -n no newline").stdout == "no newline"
    assert sh("echo -e 'a\\tb\\nc'").stdout == "a\tb\nc\n"
    assert sh("echo 'a\\tb'").stdout == "a\\tb\n"
    assert sh("echo -x").stdout == "-x\n"


def test_egrep_and_fgrep_warn_then_work_as_grep_e_and_f(sh):
    result = sh("egrep 'alpha|gamma' /home/learner/notes.txt")
    assert result.stdout == "alpha\ngamma\n"
    assert result.stderr == "egrep: warning: egrep is obsolescent; using grep -E\n"
    result = sh("fgrep -c a.p /home/learner/notes.txt")
    assert (result.stdout, result.stderr, result.status) == (
        "0\n",
        "fgrep: warning: fgrep is obsolescent; using grep -F\n",
        1,
    )


def test_grep_color_takes_no_separate_argument(sh):
    assert sh("grep -E --color 'vmx|svm' /proc/cpuinfo | cat") == Result(
        "flags\t\t: fpu vmx hypervisor\nflags\t\t: fpu vmx\n", "", 0
    )
    assert sh("grep --colour=never -c vmx /proc/cpuinfo").stdout == "2\n"


def test_grep_color_always_paints_matches_names_and_numbers_as_gnu_grep(sh):
    red, off = "\x1b[01;31m\x1b[K", "\x1b[m\x1b[K"
    assert sh("grep --color=always a notes.txt").stdout == f"{red}a{off}lph{red}a{off}\nbet{red}a{off}\n" + (
        f"g{red}a{off}mm{red}a{off}\n"
    )
    assert sh("grep --col=always -nH beta notes.txt").stdout == (
        f"\x1b[35m\x1b[Knotes.txt{off}\x1b[36m\x1b[K:{off}\x1b[32m\x1b[K2{off}\x1b[36m\x1b[K:{off}{red}beta{off}\n"
    )


def test_grep_recursive_walks_directories(sh):
    sh("mkdir -p d/e && echo vmx > d/a && echo vmx > d/e/b && echo no > d/c && ln -s a d/l")
    assert sh("grep -r vmx d") == Result("d/a:vmx\nd/e/b:vmx\n", "", 0)
    assert sh("grep -R vmx d").stdout == "d/a:vmx\nd/e/b:vmx\nd/l:vmx\n"
    assert sh("cd d && grep -rl vmx").stdout == "a\ne/b\n"
    assert sh("grep -r secret /root") == Result("", "grep: /root: Permission denied\n", 2)


def test_sort_keys_like_gnu(sh):
    assert sh("sort -k2,2n -k1,1r data.txt").stdout == "a 1\nb 2\nb 2\nc 3\nA 10\n"
    assert sh("sort -u -k1,1 data.txt").stdout == "A 10\na 1\nb 2\nc 3\n"
    assert sh("sort -c data.txt") == Result("", "sort: data.txt:2: disorder: A 10\n", 1)
    assert sh("sort -o sorted.txt data.txt; cat sorted.txt").stdout == "A 10\na 1\nb 2\nb 2\nc 3\n"
    assert sh("echo -e '1K\\n3\\n2M' | sort -h").stdout == "3\n1K\n2M\n"


def test_tr_complement(sh):
    assert sh("tr -cs a-z '\\n' < data.txt").stdout == "b\na\nb\nc\n"
    assert sh("tr -cd 'a-z\\n' < data.txt").stdout == "b\n\na\nb\nc\n"


def test_uniq_skips_fields_and_cut_complements(sh):
    assert sh("echo -e 'x a\\ny a\\nz b' | uniq -c -f1").stdout == "      2 x a\n      1 z b\n"
    assert sh("cut -d' ' --complement -f1 data.txt").stdout == "2\n10\n1\n2\n3\n"
    assert sh("cut -d' ' -f1,2 --output-delimiter=: data.txt").stdout == "b:2\nA:10\na:1\nb:2\nc:3\n"


def test_grep_context_lines(sh):
    assert sh("grep -A1 -n beta notes.txt").stdout == "2:beta\n3-gamma\n"
    assert sh("grep -C1 A data.txt").stdout == "b 2\nA 10\na 1\n"
    assert sh("grep -B1 -e alpha -e gamma notes.txt").stdout == "alpha\nbeta\ngamma\n"
    assert sh("grep -A0 -e alpha -e gamma notes.txt").stdout == "alpha\n--\ngamma\n"


def test_wc_longest_line_and_total_despite_a_missing_file(sh):
    assert sh("wc -L notes.txt").stdout == "5 notes.txt\n"
    assert sh("wc -l notes.txt /nope") == Result(
        " 3 notes.txt\n 3 total\n", "wc: /nope: No such file or directory\n", 1
    )


def test_head_tail_negative_counts_and_quiet_headers(sh):
    assert sh("head -n -1 notes.txt").stdout == "alpha\nbeta\n"
    assert sh("head -q -n1 notes.txt data.txt").stdout == "alpha\nb 2\n"
    assert sh("tail -q -n1 notes.txt data.txt").stdout == "gamma\nc 3\n"
