"""sed: GNU sed 4.9's output and messages, byte for byte (checked against the real sed)."""

import pytest

from simulator.result import Result


@pytest.fixture
def sh(sh):
    sh("echo -e 'one\\ntwo\\nthree\\nfour' > lines.txt")
    return sh


def test_sed_prints_selected_lines_and_substitutes(sh):
    flags = "flags\t\t: fpu vmx hypervisor\nflags\t\t: fpu vmx\n"
    assert sh("sed -n '/^flags/p' /proc/cpuinfo").stdout == flags
    assert sh("sed 's/o/0/g' lines.txt").stdout == "0ne\ntw0\nthree\nf0ur\n"
    assert sh("sed -n '2,3p' lines.txt").stdout == "two\nthree\n"
    assert sh("sed '$!d' lines.txt").stdout == "four\n"


def test_sed_addresses(sh):
    assert sh("sed -n '1~2p' lines.txt").stdout == "one\nthree\n"
    assert sh("sed -n '2,+1p' lines.txt").stdout == "two\nthree\n"
    assert sh("sed -n '0,/o/p' lines.txt").stdout == "one\n"
    assert sh("sed -n '1,/o/p' lines.txt").stdout == "one\ntwo\n"
    assert sh("sed -n '\\,th,=' lines.txt").stdout == "3\n"
    assert sh("sed -n '/T/Ip' lines.txt").stdout == "two\nthree\n"


def test_sed_replacement_escapes(sh):
    assert sh("sed -E 's/(t)(w|h)/\\2\\1/' lines.txt").stdout == "one\nwto\nhtree\nfour\n"
    assert sh("sed 's/.*/\\U&/;2s/.*/\\L\\u&/' lines.txt").stdout == "ONE\nTwo\nTHREE\nFOUR\n"
    assert sh("sed 's/o/[&]/2' lines.txt").stdout == "one\ntwo\nthree\nfour\n"
    assert sh("echo foo | sed 's/o/0/2'").stdout == "fo0\n"
    assert sh("echo baaac | sed 's/a*/x/g'").stdout == "xbxcx\n"


def test_sed_hold_space_and_branches(sh):
    assert sh("sed '1!G;h;$!d' lines.txt").stdout == "four\nthree\ntwo\none\n"
    assert sh("sed ':a;N;$!ba;s/\\n/,/g' lines.txt").stdout == "one,two,three,four\n"
    assert sh("sed '$!N;P;D' lines.txt").stdout == "one\ntwo\nthree\nfour\n"
    assert sh("sed 's/w/W/;t;s/$/!/' lines.txt").stdout == "one!\ntWo\nthree!\nfour!\n"


def test_sed_text_commands(sh):
    assert sh("sed '1i\\top' lines.txt").stdout == "top\none\ntwo\nthree\nfour\n"
    assert sh("sed '$a end' lines.txt").stdout == "one\ntwo\nthree\nfour\nend\n"
    assert sh("sed '2,3c\\mid' lines.txt").stdout == "one\nmid\nfour\n"
    assert sh("sed 2q lines.txt").stdout == "one\ntwo\n"
    assert sh("sed 2q5 lines.txt").status == 5
    assert sh("sed -n 'y/otw/OTW/;2l' lines.txt").stdout == "TWO$\n"
    assert sh("echo -e 'a\\tb' | sed -n l").stdout == "a\\tb$\n"


def test_sed_keeps_a_missing_final_newline(sh):
    sh("echo -n 'a' > noeol")
    assert sh("sed p noeol").stdout == "a\na"


def test_sed_script_errors_name_expression_and_character(sh):
    unterminated = "sed: -e expression #1, char 5: unterminated `s' command\n"
    assert sh("sed 's/a/b' lines.txt") == Result("", unterminated, 1)
    unknown = "sed: -e expression #2, char 7: unknown option to `s'\n"
    assert sh("sed -e p -e 's/a/b/q' lines.txt").stderr == unknown
    assert sh("sed k lines.txt").stderr == "sed: -e expression #1, char 1: unknown command: `k'\n"
    assert sh("sed '1,2{p' lines.txt").stderr == "sed: -e expression #1, char 0: unmatched `{'\n"
    assert sh("sed bx lines.txt") == Result("", "sed: can't find label for jump to `x'\n", 4)
    assert sh("sed 's/\\(a\\)/\\2/' lines.txt").stderr == (
        "sed: -e expression #1, char 11: invalid reference \\2 on `s' command's RHS\n"
    )
    assert sh("sed 'y/ab/c/' lines.txt").stderr == (
        "sed: -e expression #1, char 7: strings for `y' command are different lengths\n"
    )
    assert sh("sed 's/a\\{1/x/' lines.txt").stderr == "sed: -e expression #1, char 9: Unmatched \\{\n"
    assert sh("sed -E 's/*/x/' x").stderr == (
        "sed: -e expression #1, char 6: Invalid preceding regular expression\n"
    )
    assert sh("sed 0p lines.txt").stderr == "sed: -e expression #1, char 2: invalid usage of line address 0\n"


def test_sed_refuses_to_run_programs(sh):
    assert sh("sed 's/x/date/e' lines.txt").stderr == (
        "sed: -e expression #1, char 10: e/r/w commands disabled in sandbox mode\n"
    )


def test_sed_usage_and_files(sh):
    assert sh("sed").status == 1
    usage = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n"
    assert sh("sed").stderr.startswith(usage)
    assert sh("sed -k p").stderr.startswith("sed: invalid option -- 'k'\nUsage: sed")
    assert sh("sed --version").stdout.startswith("sed (GNU sed) 4.9\n")
    assert sh("sed p /nope lines.txt").status == 2
    assert sh("sed p /nope").stderr == "sed: can't read /nope: No such file or directory\n"
    assert sh("sed p /etc") == Result("", "sed: read error on /etc: Is a directory\n", 4)


def test_sed_in_place(sh):
    assert sh("sed -i.bak '2d' lines.txt; cat lines.txt lines.txt.bak") == Result(
        "one\nthree\nfour\none\ntwo\nthree\nfour\n", "", 0
    )
    result = sh("sed -i s/lab/x/ /etc/hosts")
    assert result.status == 4
    assert result.stderr.startswith("sed: couldn't open temporary file /etc/sed")
    assert result.stderr.endswith(": Permission denied\n")
    edited = "127.0.0.1 localhost\n127.0.1.1 x\n"
    assert sh("sudo sed -i s/lab/x/ /etc/hosts; cat /etc/hosts").stdout == edited
    assert sh("ls -l /etc/hosts").stdout.startswith("-rw-r--r-- 1 root root")


def test_sed_w_file_and_script_file(sh):
    assert sh("sed -n '/t/w out.txt' lines.txt; cat out.txt").stdout == "two\nthree\n"
    sh("echo '/o/!d' > prog.sed")
    assert sh("sed -f prog.sed lines.txt").stdout == "one\ntwo\nfour\n"


def test_sed_in_place_that_fails_leaves_no_temporary_file(sh):
    assert sh("sed -i ':a;G;h;ba' lines.txt; ls; head -1 lines.txt") == Result(
        "lines.txt  notes.txt\none\n", "sed: couldn't re-allocate memory\n", 0
    )


def test_sed_endless_loop_is_stopped_by_the_budget(sh):
    assert sh("echo x | sed ':a;ba'").status == 130
    assert sh("echo x | sed ':a;G;h;ba'") == Result("", "sed: couldn't re-allocate memory\n", 4)


def test_sed_in_place_replaces_a_link_unless_told_to_follow_it(sh):
    sh("ln -s lines.txt link")
    followed = sh("sed -i --follow-symlinks 1d link; ls -l link | cut -c1; head -1 lines.txt")
    assert followed.stdout == "l\ntwo\n"
    assert sh("sed -i 1d link; ls -l link | cut -c1; head -1 lines.txt").stdout == "-\ntwo\n"
