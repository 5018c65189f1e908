"""What GNU coreutils 9.4 prints for --help (src/system.h and each program's usage()): env, printenv, groups
and pwd written here, the others generated in coreutils_usage.py. The shell asks `asked` before it runs a
program (shell.py), as getopt_long answers --help before the program does anything; a program not listed
prints its manual page instead (options.gnu).

Under LANG=C.UTF-8, as a cloud image is set up, emit_ancillary_info() also prints the line about
translation bugs: it leaves it out only for English locales (en_*).
"""

from __future__ import annotations

from simulator.commands import coreutils_usage

HELP_OPTION = "      --help        display this help and exit\n"
VERSION_OPTION = "      --version     output version information and exit\n"


def ancillary(program: str) -> str:
    """emit_ancillary_info(): where the documentation is."""
    return (
        "\nGNU coreutils online help: <https://www.gnu.org/software/coreutils/>\n"
        "Report any translation bugs to <https://translationproject.org/team/>\n"
        f"Full documentation <https://www.gnu.org/software/coreutils/{program}>\n"
        f"or available locally via: info '(coreutils) {program} invocation'\n"
    )


def builtin_warning(program: str) -> str:
    """USAGE_BUILTIN_WARNING: for a program bash also has as a builtin (printf, echo, kill, ...)."""
    return (
        f"\nNOTE: your shell may have its own version of {program}, which usually supersedes\n"
        "the version described here.  Please refer to your shell's documentation\n"
        "for details about the options it supports.\n"
    )


ENV = (
    "Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\n"
    "Set each NAME to VALUE in the environment and run COMMAND.\n"
    "\nMandatory arguments to long options are mandatory for short options too.\n"
    "  -i, --ignore-environment  start with an empty environment\n"
    "  -0, --null           end each output line with NUL, not newline\n"
    "  -u, --unset=NAME     remove variable from the environment\n"
    "  -C, --chdir=DIR      change working directory to DIR\n"
    "  -S, --split-string=S  process and split S into separate arguments;\n"
    "                        used to pass multiple arguments on shebang lines\n"
    "      --block-signal[=SIG]    block delivery of SIG signal(s) to COMMAND\n"
    "      --default-signal[=SIG]  reset handling of SIG signal(s) to the default\n"
    "      --ignore-signal[=SIG]   set handling of SIG signal(s) to do nothing\n"
    "      --list-signal-handling  list non default signal handling to stderr\n"
    "  -v, --debug          print verbose information for each processing step\n"
    + HELP_OPTION
    + VERSION_OPTION
    + "\nA mere - implies -i.  If no COMMAND, print the resulting environment.\n"
    "\nSIG may be a signal name like 'PIPE', or a signal number like '13'.\n"
    "Without SIG, all known signals are included.  Multiple signals can be\n"
    "comma-separated.  An empty SIG argument is a no-op.\n"
    "\nExit status:\n"
    "  125  if the env command itself fails\n"
    "  126  if COMMAND is found but cannot be invoked\n"
    "  127  if COMMAND cannot be found\n"
    "  -    the exit status of COMMAND otherwise\n" + ancillary("env")
)

PRINTENV = (
    "Usage: printenv [OPTION]... [VARIABLE]...\n"
    "Print the values of the specified environment VARIABLE(s).\n"
    "If no VARIABLE is specified, print name and value pairs for them all.\n\n"
    "  -0, --null     end each output line with NUL, not newline\n"
    + HELP_OPTION
    + VERSION_OPTION
    + builtin_warning("printenv")
    + ancillary("printenv")
)

GROUPS = (
    "Usage: groups [OPTION]... [USERNAME]...\n"
    "Print group memberships for each USERNAME or, if no USERNAME is specified, for\n"
    "the current process (which may differ if the groups database has changed).\n"
    + HELP_OPTION
    + VERSION_OPTION
    + ancillary("groups")
)

PWD = (  # /usr/bin/pwd, as sudo or a path runs it; typed at the prompt, pwd is bash's builtin
    "Usage: pwd [OPTION]...\n"
    "Print the full filename of the current working directory.\n\n"
    "  -L, --logical   use PWD from environment, even if it contains symlinks\n"
    "  -P, --physical  avoid all symlinks\n"
    + HELP_OPTION
    + VERSION_OPTION
    + "\nIf no option is specified, -P is assumed.\n"
    + builtin_warning("pwd")
    + ancillary("pwd")
)

TEXTS = {"env": ENV, "printenv": PRINTENV, "groups": GROUPS, "pwd": PWD, **coreutils_usage.TEXTS}
# Programs whose options end at their first operand ("+" getopt, or parse_gnu_standard_options_only):
# `yes x --help` prints "x --help", `env CMD --help` runs CMD with it.
FIRST_ONLY = {"env", "yes", "sleep", "seq", "basename", "dirname"}


def asked(ctx, argv: list[str]) -> bool:
    """Print the --help of argv's program if its options hold --help (before "--", and before the first
    operand for FIRST_ONLY); True if it did."""
    name = argv[0].rsplit("/", 1)[-1]
    if name not in TEXTS:
        return False
    for arg in argv[1:]:
        if arg == "--" or (name in FIRST_ONLY and not arg.startswith("-")):
            return False
        if (
            arg == "--help"
            or len(arg) > 3
            and "--help".startswith(arg)
            and name in ("env", "printenv", "groups")
        ):
            ctx.out(TEXTS[name])
            return True
    return False
