"""`CMD --help` for every command the shell knows: each answers as the real tool does, and none says it
does not know --help unless the real tool does (EXCEPTIONS, each with its source)."""

import pytest

from simulator.bash.builtins import BUILTINS
from simulator.commands import COMMANDS
from simulator.commands.registry_loader import load_all
from simulator.world import World

load_all()

# how a tool says it does not know --help (a help text may well say "invalid option" in its prose)
REFUSALS = (
    ": --: invalid option",  # bash's builtins
    "invalid option -- '-'",  # getopt() without long options
    "unrecognized option '--help'",  # getopt_long()
    "Unknown command verb '--help'",  # systemd's verbs
    "unknown option -- -",  # BSD getopt
)

# The real tools that do refuse --help, and where that is written.
EXCEPTIONS = {
    # iputils 20240117 ping/ping.c: getopt() without long options, so "--help" is the option '-'
    "ping": "ping: invalid option -- '-'\n",
    # OpenSSH 9.6p1 ssh-keygen.c: getopt() (openbsd-compat's on Linux) knows no "--help" either
    "ssh-keygen": "unknown option -- -\n",
}


@pytest.fixture(scope="module")
def world():
    return World.new("kvm-guest")


def shown(result) -> str:
    return "".join(text for _, text in result.chunks)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_command_refuses_help_unless_the_real_one_does(world, name):
    result = world.run(f"sudo {name} --help < /dev/null")
    text = shown(result)
    world.run("\x03") if world.asking else None
    if name in EXCEPTIONS:
        assert text.startswith(EXCEPTIONS[name])
    else:
        assert not any(refusal in text for refusal in REFUSALS), text


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_no_bash_builtin_refuses_help(world, name):
    if name in ("exit", "logout", "exec"):
        return  # they answer --help too (below), but a stray run would end the session
    text = shown(world.run(f"{name} --help < /dev/null"))
    world.run("\x03") if world.asking else None
    assert not any(refusal in text for refusal in REFUSALS), text


def test_coreutils_env_printenv_and_groups_print_their_help(world):
    for name, first in (
        ("env", "Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\n"),
        ("printenv", "Usage: printenv [OPTION]... [VARIABLE]...\n"),
        ("groups", "Usage: groups [OPTION]... [USERNAME]...\n"),
    ):
        result = world.run(f"{name} --help")
        assert result.status == 0 and result.stdout.startswith(first)
        assert result.stdout.endswith(f"or available locally via: info '(coreutils) {name} invocation'\n")


def test_ps_help_prints_how_to_ask_for_sections_and_each_section(world):
    result = world.run("ps --help")
    assert result.status == 0 and result.stdout == (
        "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n"
        "  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n"
    )
    simple = world.run("ps --help s").stdout
    assert simple.startswith(
        "\nUsage:\n ps [options]\n\nBasic options:\n -A, -e               all processes\n"
    )
    assert "Selection by list:" not in simple
    everything = world.run("ps --help all").stdout
    assert all(title in everything for title in ("Basic options:", "Output formats:", "Show threads:"))


def test_ping_help_is_its_usage_on_stderr_with_status_2(world):
    result = world.run("ping --help")
    assert result.status == 2 and result.stdout == ""
    assert result.stderr.startswith("ping: invalid option -- '-'\n\nUsage\n  ping [options] <destination>\n")
    assert world.run("ping -h").stderr.startswith("\nUsage\n") and world.run("ping -h").status == 2


def test_hostname_help_is_its_usage_on_stdout_with_status_255(world):
    result = world.run("hostname --help")
    assert result.status == 255 and result.stderr == ""
    assert result.stdout.startswith(
        "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n"
    )
    assert result.stdout.endswith("   part of the FQDN) in the /etc/hosts file.\n")
    bad = world.run("hostname one two")
    assert bad.status == 255 and bad.stderr == result.stdout


def test_bash_builtins_print_their_help_text_with_status_2(world):
    result = world.run("pwd --help")
    assert result.status == 2 and result.stdout.startswith(
        "pwd: pwd [-LP]\n    Print the name of the current working directory.\n    \n    Options:\n"
    )
    cd = world.run("cd --help").stdout.splitlines()
    assert cd[:2] == ["cd: cd [-L|[-P [-e]] [-@]] [dir]", "    Change the shell working directory."]
    for name in ("read", "export", "type", "printf", "exit", "declare", "history", "kill", "umask"):
        assert world.run(f"{name} --help").stdout.startswith(f"{name}: {name} "), name
    assert world.run("echo --help").stdout == "--help\n"  # echo takes no options but its own
    assert world.run("test --help").status == 0  # a non-empty string is true
    assert world.run("sudo pwd --help").stdout.startswith("Usage: pwd [OPTION]...\n")  # /usr/bin/pwd


@pytest.mark.parametrize("name", ["cd", "read", "set", "source", "getopts", "mapfile", "alias", "shopt"])
def test_every_bash_builtin_answers_help(world, name):
    result = world.run(f"{name} --help")
    assert result.status == 2 and result.stdout.startswith(f"{name}: ") and result.stderr == ""


def test_networkctl_resolvectl_and_shutdown_print_their_help(world):
    for line, first in (
        (
            "networkctl --help",
            "networkctl [OPTIONS...] COMMAND\n\nQuery and control the networking subsystem.\n",
        ),
        ("resolvectl -h", "resolvectl [OPTIONS...] COMMAND ...\n\nSend control commands to the network"),
        ("shutdown --help", "shutdown [OPTIONS...] [TIME] [WALL...]\n\nShut down the system.\n"),
    ):
        result = world.run(line)
        assert result.status == 0 and result.stdout.startswith(first), line


@pytest.mark.parametrize("name", ["ls", "cat", "head", "tail", "sort", "nproc", "sleep", "mkdir"])
def test_coreutils_programs_print_their_9_4_usage(world, name):
    result = world.run(f"{name} --help")
    assert result.status == 0 and result.stdout.startswith(f"Usage: {name} ")
    assert result.stdout.endswith(f"info '(coreutils) {name} invocation'\n")


def test_help_is_found_among_the_options_as_getopt_long_permutes_them(world):
    assert world.run("head -n 3 --help").stdout.startswith("Usage: head [OPTION]... [FILE]...\n")
    assert world.run("tail -- --help").stderr.startswith("tail: cannot open '--help' for reading")
    assert world.run("env FOO=1 printenv --help").stdout.startswith("Usage: printenv ")  # env runs printenv
    # 9.4's words, not 9.1's: the units go up to Q
    assert "and so on for T, P, E, Z, Y, R, Q." in world.run("head --help").stdout


def test_hostname_names_the_option_it_does_not_know_before_its_usage(world):
    for line, first in (
        ("hostname -x", "hostname: invalid option -- 'x'\n"),
        ("hostname --bogus", "hostname: unrecognized option '--bogus'\n"),
    ):
        result = world.run(line)
        assert result.status == 255 and result.stderr.startswith(
            first + "Usage: hostname [-b] {hostname|-F file}"
        )
