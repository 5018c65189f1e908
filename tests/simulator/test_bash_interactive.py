"""What an interactive bash does that `bash -c` does not: lines that continue, Ctrl-C, the order of output
on the terminal, and GuestLab's budget that stops any line as Ctrl-C would."""


def test_a_for_loop_typed_over_several_lines_prompts_for_the_rest(sh, shell, machine):
    assert sh("for i in 1 2 3").stdout == ""
    assert shell.prompt(machine) == "> "
    assert sh("do echo n$i").stdout == ""
    result = sh("done")
    assert result.stdout == "n1\nn2\nn3\n"
    assert shell.prompt(machine) == "learner@lab:~$ "
    assert shell.history[-1] == "for i in 1 2 3; do echo n$i; done"


def test_an_open_quote_continues_on_the_next_line(sh):
    sh('echo "first')
    assert sh('second"').stdout == "first\nsecond\n"


def test_a_here_document_reads_lines_up_to_its_delimiter(sh):
    sh("cat <<EOF")
    sh("machine-id: $((40 + 2))")
    assert sh("EOF").stdout == "machine-id: 42\n"


def test_ctrl_c_drops_a_command_left_open(sh, shell, machine):
    sh("if true; then")
    result = sh("echo never\x03")
    assert (result.stdout, result.stderr, result.status) == ("", "", 130)
    assert shell.prompt(machine) == "learner@lab:~$ "
    assert sh("echo $?").stdout == "130\n"


def test_a_syntax_error_is_reported_at_once(sh, shell, machine):
    result = sh("fi")
    assert (result.stderr, result.status) == ("bash: syntax error near unexpected token `fi'\n", 2)
    assert shell.prompt(machine) != "> "


def test_stdout_and_stderr_keep_the_order_they_were_written_in(sh):
    result = sh("echo one; ls /nope; echo two")
    assert result.chunks == (
        (1, "one\n"),
        (2, "ls: cannot access '/nope': No such file or directory\n"),
        (1, "two\n"),
    )


def test_an_endless_loop_is_stopped_like_ctrl_c_and_the_shell_goes_on(sh):
    result = sh("i=0; while true; do i=$((i + 1)); done")
    assert result.status == 130
    assert result.stderr.startswith("^C\nGuestLab stopped this line: it used its budget of")
    assert int(sh("echo $i").stdout) > 1000  # what the loop did before the stop stays, as after ^C
    assert sh("echo fine").stdout == "fine\n"


def test_runaway_recursion_is_refused_by_the_nesting_limit(sh):
    result = sh("f() { f; }; f; echo not-reached")
    assert result.stderr == "bash: f: maximum function nesting level exceeded (48)\n"
    assert result.stdout == ""


def test_walking_the_tree_again_and_again_is_stopped(sh):
    result = sh("sudo cp -r /usr /c1; while :; do ls -R / >/dev/null 2>&1; sudo cp -r /usr /c2; done")
    assert result.status == 130
    assert result.stderr.startswith("^C\nGuestLab stopped this line: it used its budget of")
    assert sh("ls -d /c1").stdout == "/c1\n"  # done before the stop: kept


def test_a_writer_to_a_pipe_whose_reader_is_satisfied_gets_sigpipe(sh):
    sh("y=$(printf '%.0sy' {1..10000})")
    result = sh("while :; do echo $y; done | head -n 2 | cut -c 1-3; echo ${PIPESTATUS[@]}")
    assert result.stdout == "yyy\nyyy\n141 0 0\n"


def test_xtrace_prints_each_command_as_bash_does(sh):
    result = sh("set -x; x='a b'; echo $x \"$x\"")
    assert result.stderr == "+ x='a b'\n+ echo a b 'a b'\n"


def test_errexit_ends_a_nested_shell(sh, shell):
    sh("bash")
    result = sh("set -e; false; echo not-reached")
    assert result.stdout == ""
    assert result.stderr == "exit\n"
    assert shell.stack == []


def test_state_round_trips_with_functions_aliases_and_arrays(sh, shell, machine):
    from simulator.shell import Shell

    sh("greet() { echo hello $1; }; alias ll='ls -l'; a=(x y); set -o pipefail")
    copy = Shell.from_dict(shell.to_dict())
    assert copy.run(machine, "greet you; echo ${a[1]}; type -t ll; [[ -o pipefail ]] && echo on").stdout == (
        "hello you\ny\nalias\non\n"
    )


def test_read_at_the_prompt_gets_end_of_input(sh):
    result = sh("read -p 'name? ' name; echo status $?")
    assert result.stdout == "status 1\n"


def test_redirections_of_a_loop_apply_to_the_whole_loop(sh):
    sh("for i in 1 2 3; do echo line$i; done > /tmp/out")
    assert sh("cat /tmp/out").stdout == "line1\nline2\nline3\n"
    assert sh('while read -r l; do echo "<$l>"; done < /tmp/out').stdout == "<line1>\n<line2>\n<line3>\n"


def test_printf_and_tee_write_hosts_as_the_recipe_says(sh):
    result = sh("printf '127.0.0.1 localhost\\n127.0.1.1 web02\\n' | sudo tee /etc/hosts > /dev/null")
    assert result.status == 0
    assert sh("cat /etc/hosts").stdout == "127.0.0.1 localhost\n127.0.1.1 web02\n"


def test_test_and_brackets_see_the_machine(sh):
    assert sh("[ -e /dev/kvm ] && echo present || echo absent").stdout == "present\n"
    assert sh("[ -c /dev/kvm ] && [ ! -d /dev/kvm ] && echo chardev").stdout == "chardev\n"
    assert sh("test -r /root/secret.txt; echo $?").stdout == "1\n"
    assert sh("[[ -f /etc/hosts && -s /etc/hosts ]] && echo file").stdout == "file\n"
    assert sh("[ -e /dev/kvm").stderr == "bash: [: missing `]'\n"
