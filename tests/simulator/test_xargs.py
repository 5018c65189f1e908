"""xargs (GNU findutils 4.9.0): outputs checked against the real xargs."""

from simulator.result import Result


def test_xargs_joins_items_into_one_echo(sh):
    assert sh("echo -e 'a b\\nc' | xargs") == Result("a b c\n", "", 0)


def test_xargs_splits_by_count_and_lines(sh):
    assert sh("echo -e 'a b\\nc' | xargs -n 2 echo x").stdout == "x a b\nx c\n"
    assert sh("echo -e 'a b \\nc\\nd' | xargs -L 1 echo").stdout == "a b c\nd\n"
    assert sh("echo -e '  a  b \\n c' | xargs -I{} echo [{}]").stdout == "[a  b ]\n[c]\n"


def test_xargs_quotes_and_delimiters(sh):
    assert sh('echo "a \'b c\' \\"d e\\"" | xargs -n1').stdout == "a\nb c\nd e\n"
    assert sh("echo -ne 'a\\0b c\\0' | xargs -0 -n1 echo").stdout == "a\nb c\n"
    assert sh("echo -n a:b:c | xargs -d: -n1").stdout == "a\nb\nc\n"
    assert sh('echo "it\'s" | xargs echo') == Result(
        "",
        "xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 "
        "option\n",
        1,
    )


def test_xargs_runs_found_files_through_another_program(sh):
    sh("mkdir d && echo hello > d/a.txt && echo bye > d/b.txt")
    assert sh("find d -name '*.txt' -print0 | xargs -0 grep -l hello") == Result("d/a.txt\n", "", 0)
    assert sh("find d -type f | xargs -t cat") == Result("hello\nbye\n", "cat d/a.txt d/b.txt\n", 0)


def test_xargs_empty_input(sh):
    assert sh("echo -n | xargs echo hi").stdout == "hi\n"
    assert sh("echo -n | xargs -r echo hi") == Result("", "", 0)


def test_xargs_exit_statuses(sh):
    assert sh("echo a | xargs false") == Result("", "", 123)
    assert sh("echo a | xargs nosuch") == Result("", "xargs: nosuch: No such file or directory\n", 127)
    assert sh("echo a | xargs /etc/passwd") == Result("", "xargs: /etc/passwd: Permission denied\n", 126)
    assert sh("echo -e 'a\\nb' | xargs -n1 sh -c 'exit 255'") == Result(
        "", "xargs: sh: exited with status 255; aborting\n", 124
    )


def test_xargs_usage_errors(sh):
    try_help = "Try 'xargs --help' for more information.\n"
    assert sh("echo a | xargs -n 0") == Result(
        "", "xargs: value 0 for -n option should be >= 1\n" + try_help, 1
    )
    assert sh("echo a | xargs -n x").stderr == 'xargs: invalid number "x" for -n option\n' + try_help
    assert sh("echo a | xargs -z").stderr == "xargs: invalid option -- 'z'\n" + try_help
    assert sh("xargs -a /nonexist echo") == Result(
        "", "xargs: Cannot open input file ‘/nonexist’: No such file or directory\n", 1
    )
    assert sh("echo a | xargs -s 5 echo") == Result("", "xargs: argument line too long\n", 1)


def test_xargs_reads_items_from_a_file_and_accepts_parallel_runs(sh):
    sh("echo -e 'x\\ny' > list")
    assert sh("xargs -a list -P 4 -n 1 echo").stdout == "x\ny\n"
