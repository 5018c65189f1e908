import json

from simulator.commands import COMMANDS
from simulator.filesystem import FileSystem
from simulator.result import Result
from simulator.shell import CLEAR_SCREEN, MAX_LINE, Shell


def test_echo_prints_its_arguments(sh):
    assert sh("echo hello   world") == Result("hello world\n", "", 0)


def test_single_quotes_keep_everything_literal(sh):
    assert sh("echo '$HOME  *  \\n'").stdout == "$HOME  *  \\n\n"


def test_double_quotes_expand_variables_but_keep_spaces(sh):
    assert sh('echo "home:  $HOME"').stdout == "home:  /home/learner\n"


def test_backslash_escapes_outside_quotes(sh):
    assert sh("echo a\\ b \\$HOME").stdout == "a b $HOME\n"


def test_comments_are_ignored(sh):
    assert sh("echo shown # not shown").stdout == "shown\n"


def test_variables_of_a_login_shell(sh):
    out = sh("echo $USER $HOME ${HOSTNAME} $PWD $UID").stdout
    assert out == "learner /home/learner lab /home/learner 1000\n"


def test_assignment_and_export(sh):
    sh("GREETING=hi")
    assert sh("echo $GREETING").stdout == "hi\n"
    assert "GREETING" not in sh("env").stdout
    sh("export GREETING")
    assert "GREETING=hi\n" in sh("env").stdout
    sh("unset GREETING")
    assert sh("echo [$GREETING]").stdout == "[]\n"


def test_prefix_assignment_is_only_for_that_command(sh):
    assert "LANG=de_DE.UTF-8\n" in sh("LANG=de_DE.UTF-8 env").stdout
    assert sh("echo $LANG").stdout == "C.UTF-8\n"


def test_unquoted_expansion_is_split_into_words(sh):
    sh('FILES="a   b"')
    assert sh("echo $FILES").stdout == "a b\n"
    assert sh('echo "$FILES"').stdout == "a   b\n"


def test_parameter_operators(sh):
    sh("NAME=web01.example.com")
    assert sh("echo ${NAME%%.*} ${NAME#*.} ${#NAME} ${MISSING:-default}").stdout == (
        "web01 example.com 17 default\n"
    )


def test_readonly_uid_cannot_be_assigned(sh):
    assert sh("UID=0") == Result("", "bash: UID: readonly variable\n", 1)


def test_status_of_last_command(sh):
    sh("false")
    assert sh("echo $?").stdout == "1\n"
    assert sh("echo $?").stdout == "0\n"


def test_tilde_expansion(sh):
    assert sh("echo ~ ~/x ~root").stdout == "/home/learner /home/learner/x /root\n"


def test_command_substitution(sh):
    assert sh("echo host=$(cat /etc/hostname)").stdout == "host=lab\n"
    assert sh("echo `whoami`").stdout == "learner\n"


def test_quotes_and_substitutions_nest_inside_each_other_as_in_bash(sh):
    assert sh("echo ${x:-`echo }`}").stdout == "}\n"
    assert sh("echo $(echo ${x:-)})").stdout == ")\n"
    assert sh("echo $(echo $'it\\'s')").stdout == "it's\n"
    assert sh("echo ${x:-$'a}b'}").stdout == "a}b\n"


def test_arithmetic_expansion(sh):
    assert sh("echo $((2 + 3 * 4)) $(( (7 - 1) / 4 ))").stdout == "14 1\n"


def test_globbing_against_the_virtual_filesystem(sh):
    assert sh("echo /etc/ho*").stdout == "/etc/hostname /etc/hosts\n"
    assert sh("echo /etc/ssh/*.pub").stdout == "/etc/ssh/ssh_host_ed25519_key.pub\n"
    assert sh("echo /dev/[kn]*").stdout == "/dev/kvm /dev/null\n"


def test_glob_without_match_stays_literal(sh):
    assert sh("echo /etc/*.nothing").stdout == "/etc/*.nothing\n"


def test_quoted_glob_is_not_expanded(sh):
    assert sh("echo '/etc/ho*'").stdout == "/etc/ho*\n"


def test_glob_skips_hidden_files(sh):
    sh("touch .hidden visible")
    assert sh("echo *").stdout == "notes.txt visible\n"
    assert sh("echo .h*").stdout == ".hidden\n"


def test_pipe_passes_stdout_to_stdin(sh):
    assert sh("cat /etc/passwd | grep learner | cut -d: -f1").stdout == "learner\n"


def test_status_of_a_pipeline_is_the_last_commands(sh):
    assert sh("false | true").status == 0
    assert sh("true | false").status == 1


def test_and_or_lists(sh):
    assert sh("true && echo yes || echo no").stdout == "yes\n"
    assert sh("false && echo yes || echo no").stdout == "no\n"
    assert sh("false; echo next").stdout == "next\n"


def test_redirect_stdout_to_a_file(sh):
    sh("echo one > out.txt")
    sh("echo two >> out.txt")
    assert sh("cat out.txt").stdout == "one\ntwo\n"


def test_redirect_truncates_before_the_command_runs(sh):
    sh("echo data > f")
    sh("cat f > f")
    assert sh("cat f").stdout == ""


def test_redirect_stderr_and_merge(sh):
    assert sh("ls /nope 2> err.txt") == Result("", "", 2)
    assert sh("cat err.txt").stdout == "ls: cannot access '/nope': No such file or directory\n"
    assert sh("ls /nope 2>&1 | wc -l").stdout == "1\n"
    assert sh("ls /nope /etc/hostname &> all.txt").stderr == ""
    assert sh("cat all.txt").stdout == (
        "ls: cannot access '/nope': No such file or directory\n/etc/hostname\n"
    )


def test_redirect_to_dev_null(sh):
    assert sh("cat /nope 2>/dev/null") == Result("", "", 1)


def test_input_redirection_and_here_string(sh):
    assert sh("wc -l < /etc/passwd").stdout == "2\n"
    assert sh("grep -c b <<< 'abc'").stdout == "1\n"
    assert sh("cat < /nope") == Result("", "bash: /nope: No such file or directory\n", 1)


def test_learner_cannot_write_system_files(sh):
    assert sh("echo x > /etc/hostname") == Result("", "bash: /etc/hostname: Permission denied\n", 1)


def test_sudo_does_not_apply_to_the_redirection(sh):
    assert sh("sudo echo x > /etc/hostname") == Result("", "bash: /etc/hostname: Permission denied\n", 1)
    assert sh("cat /etc/hostname").stdout == "lab\n"


def test_sudo_tee_writes_a_system_file(sh):
    assert sh("echo web02 | sudo tee /etc/hostname") == Result("web02\n", "", 0)
    assert sh("cat /etc/hostname").stdout == "web02\n"


def test_sudo_sh_c_runs_the_redirection_as_root(sh):
    assert sh("sudo sh -c 'echo web03 > /etc/hostname'").status == 0
    assert sh("cat /etc/hostname").stdout == "web03\n"


def test_sudo_runs_as_root_with_a_reset_environment(sh):
    assert sh("sudo whoami").stdout == "root\n"
    env = sh("sudo env").stdout
    assert "SUDO_USER=learner\n" in env and "HOME=/root\n" in env and "USER=root\n" in env


def test_root_only_file_needs_sudo(sh):
    assert sh("cat /root/secret.txt").stderr == "cat: /root/secret.txt: Permission denied\n"
    assert sh("cat /etc/ssh/ssh_host_ed25519_key").status == 1
    assert sh("sudo cat /root/secret.txt").stdout == "top secret\n"


def test_sudo_without_arguments_prints_usage(sh):
    result = sh("sudo")
    assert result.status == 1 and result.stdout == ""
    assert result.stderr.startswith("usage: sudo -h | -K | -k | -V\n")


def test_sudo_cannot_run_shell_builtins(sh):
    assert sh("sudo cd /root") == Result("", "sudo: cd: command not found\n", 1)


def test_sudo_unknown_command_and_user(sh):
    assert sh("sudo nosuch") == Result("", "sudo: nosuch: command not found\n", 1)
    assert sh("sudo -u nobody id").stderr.startswith("sudo: unknown user nobody\n")


def test_sudo_u_runs_as_another_user(sh):
    assert sh("sudo -u learner whoami").stdout == "learner\n"


def test_sudo_i_opens_a_root_shell_until_exit(machine, shell):
    shell.run(machine, "sudo -i")
    assert shell.prompt(machine) == "root@lab:~# "
    assert shell.run(machine, "pwd").stdout == "/root\n"
    assert shell.run(machine, "exit").stderr == "logout\n"
    assert shell.prompt(machine) == "learner@lab:~$ "


def test_su_without_sudo_fails(sh):
    assert sh("su -").stderr == "su: Authentication failure\n"


def test_exit_at_the_top_keeps_the_terminal(machine, shell):
    result = shell.run(machine, "exit 3")
    assert result.status == 3 and result.stderr.startswith("logout\n")
    assert shell.exited
    assert shell.run(machine, "echo still here").stdout == "still here\n"


def test_exit_in_a_subshell_leaves_only_the_subshell(sh):
    assert sh("(exit 4); echo $?").stdout == "4\n"


def test_cd_and_pwd(sh):
    assert sh("cd /etc/ssh && pwd").stdout == "/etc/ssh\n"
    assert sh("cd .. ; pwd").stdout == "/etc\n"
    assert sh("cd; pwd").stdout == "/home/learner\n"
    assert sh("cd -").stdout == "/etc\n"


def test_cd_keeps_the_logical_path_through_symlinks(sh):
    assert sh("cd /bin && pwd && pwd -P").stdout == "/bin\n/usr/bin\n"


def test_cd_errors(sh):
    assert sh("cd /nope") == Result("", "bash: cd: /nope: No such file or directory\n", 1)
    assert sh("cd /etc/hostname") == Result("", "bash: cd: /etc/hostname: Not a directory\n", 1)
    assert sh("cd /root") == Result("", "bash: cd: /root: Permission denied\n", 1)
    assert sh("cd a b") == Result("", "bash: cd: too many arguments\n", 1)


def test_cd_in_a_pipeline_does_not_change_the_shell(sh):
    sh("cd /tmp | true")
    assert sh("pwd").stdout == "/home/learner\n"


def test_unknown_command(sh):
    assert sh("virt-whatever") == Result("", "bash: virt-whatever: command not found\n", 127)


def test_running_paths(sh):
    assert sh("/nope") == Result("", "bash: /nope: No such file or directory\n", 127)
    assert sh("/etc") == Result("", "bash: /etc: Is a directory\n", 126)
    assert sh("/etc/hostname") == Result("", "bash: /etc/hostname: Permission denied\n", 126)
    assert sh("/usr/bin/echo via path").stdout == "via path\n"
    assert sh("/bin/echo via link").stdout == "via link\n"


def test_a_shell_script_can_be_written_and_run(sh):
    sh("echo 'echo hello from $0 with $1' > hello.sh")
    assert sh("./hello.sh x").stderr == "bash: ./hello.sh: Permission denied\n"
    sh("chmod +x hello.sh")
    assert sh("./hello.sh world").stdout == "hello from ./hello.sh with world\n"
    assert sh("bash hello.sh again").stdout == "hello from hello.sh with again\n"
    assert sh("bash -c 'echo $0 $1 $#' name one").stdout == "name one 1\n"
    assert sh("echo $0 $# [$1]").stdout == "bash 0 []\n"


def test_syntax_errors_have_status_2(sh):
    assert sh("| ls") == Result("", "bash: syntax error near unexpected token `|'\n", 2)
    assert sh("ls ;; ls") == Result("", "bash: syntax error near unexpected token `;;'\n", 2)
    assert sh("echo >") == Result("", "bash: syntax error near unexpected token `newline'\n", 2)
    assert sh("bash -c 'ls &&'") == Result("", "bash: syntax error: unexpected end of file\n", 2)


def test_unterminated_quotes_end_a_script_with_an_error(sh):
    message = "bash: unexpected EOF while looking for matching `{}'\n"
    assert sh("""bash -c 'echo "abc'""") == Result("", message.format('"'), 2)
    assert sh("""bash -c "echo 'abc" """) == Result("", message.format("'"), 2)
    assert sh("bash -c 'echo $(ls'") == Result("", message.format(")"), 2)


def test_bad_substitution(sh):
    assert sh("echo ${a b}") == Result("", "bash: ${a b}: bad substitution\n", 1)


def test_history_is_numbered_like_bash(sh):
    sh("ls")
    sh("")
    sh("echo hi")
    assert sh("history") == Result("    1  ls\n    2  echo hi\n    3  history\n", "", 0)
    assert sh("history 1").stdout == "    4  history 1\n"


def test_history_keeps_the_last_1000_lines(machine, shell):
    for n in range(1005):
        shell.run(machine, f"true {n}")
    assert len(shell.history) == 1000
    assert shell.run(machine, "history 2").stdout == " 1005  true 1004\n 1006  history 2\n"


def test_history_expansion(sh):
    sh("cat /root/secret.txt")
    result = sh("sudo !!")
    assert result.stdout == "sudo cat /root/secret.txt\ntop secret\n"
    assert sh("!nosuch") == Result("", "bash: !nosuch: event not found\n", 1)


def test_clear_emits_the_ansi_sequence(sh):
    assert sh("clear").stdout == CLEAR_SCREEN


def test_help_lists_the_commands(sh):
    out = sh("help").stdout
    assert "ls" in out and "sudo" in out and "cd" in out


def test_man_pages(sh):
    assert sh("man ls").stdout.startswith("NAME\n       ls - list directory contents")
    assert sh("man nosuch") == Result("", "No manual entry for nosuch\n", 16)
    assert sh("man cd").status == 0


def test_every_command_has_a_man_page():
    from simulator.commands import MAN_PAGES
    from simulator.shell import load_commands

    load_commands()
    mine = {"ls", "cat", "grep", "sudo", "echo", "tee", "wc", "stat", "man", "clear", "bash", "sh"}
    assert mine <= set(MAN_PAGES)


def test_type_and_which(sh):
    assert sh("type cd ls").stdout == "cd is a shell builtin\nls is /usr/bin/ls\n"
    assert sh("which grep").stdout == "/usr/bin/grep\n"
    assert sh("which nosuch") == Result("", "", 1)


def test_line_too_long_is_refused_without_running(sh):
    result = sh("touch x" + " y" * MAX_LINE)
    assert result == Result("", "bash: line too long (max 4096 characters)\n", 2)
    assert sh("ls").stdout == "notes.txt\n"


def test_output_is_capped(machine, shell):
    shell.run(machine, "echo 0123456789abcdef > /tmp/s")
    for _ in range(14):
        shell.run(machine, "cat /tmp/s /tmp/s > /tmp/t; cat /tmp/t > /tmp/s")
    result = shell.run(machine, "cat /tmp/s /tmp/s")
    assert len(result.stdout) == 256 * 1024
    assert "output truncated" in result.stderr


def test_a_crashing_command_becomes_one_line(sh):
    COMMANDS["explode"] = lambda ctx, argv: 1 / 0
    sh("sudo touch /usr/bin/explode && sudo chmod 755 /usr/bin/explode")
    try:
        assert sh("explode") == Result("", "explode: internal error (ZeroDivisionError)\n", 1)
    finally:
        del COMMANDS["explode"]


def test_control_characters_do_not_crash(sh):
    result = sh("echo a\x00b\x07c\x1b[31m")
    assert isinstance(result.status, int)


def test_prompt_shows_home_as_tilde(machine, shell):
    assert shell.prompt(machine) == "learner@lab:~$ "
    shell.run(machine, "cd /etc")
    assert shell.prompt(machine) == "learner@lab:/etc$ "


def test_shell_state_round_trips(machine, shell):
    shell.run(machine, "cd /tmp; X=1; export Y=2; sudo -i")
    data = json.loads(json.dumps(shell.to_dict()))
    again = Shell.from_dict(data)
    assert again == shell
    assert again.run(machine, "exit; echo $Y").stdout == ""
    assert again.run(machine, "echo $X $Y $PWD").stdout == "1 2 /tmp\n"


def test_commands_only_touch_the_filesystem_they_are_given(machine, sh):
    sh("mkdir -p a/b && touch a/b/c && mv a z")
    assert FileSystem.from_dict(machine.fs.to_dict()).to_dict() == machine.fs.to_dict()
    assert sh("ls z/b").stdout == "c\n"
