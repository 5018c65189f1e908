"""Commands that stand next to the shell: echo, pwd, true/false, clear, which, env, whoami, id,
and the ones that start another shell or user (sudo 1.9.15, su from util-linux 2.39, bash 5.2 and sh).

echo and pwd behave as bash's builtins do. sh is bash here (Ubuntu's sh is dash, whose messages differ).
"""

from __future__ import annotations

import dataclasses

from simulator.commands import COMMANDS, MAN_PAGES, Context, command
from simulator.commands.files import group_entries, group_name, user_name
from simulator.filesystem import FsError
from simulator.shell import BUILTINS, CLEAR_SCREEN, NAME, Shell, login_env, shell_vars, which

SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
SUDO_USAGE = """usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user]
            [-u user] [command [arg ...]]
usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]
            [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
            [-u user] file ...
"""
SUDOEDIT_USAGE = """usage: sudoedit -h | -V
usage: sudoedit [-ABkNnS] [-r role] [-t type] [-C num] [-D directory]
                [-g group] [-h host] [-p prompt] [-R directory] [-T timeout]
                [-u user] file ...
"""
SUDO_IGNORED = {"-E", "-H", "-n", "-S", "-P", "-b", "--preserve-env", "--set-home", "--non-interactive"}
BASH_VERSION = "GNU bash, version 5.2.21(1)-release (x86_64-pc-linux-gnu)"
ECHO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}
ECHO_ESCAPES.update({"e": "\x1b", "E": "\x1b"})


@command(
    "echo",
    man="""
NAME
       echo - display a line of text

SYNOPSIS
       echo [-neE] [STRING]...

DESCRIPTION
       Print the STRINGs separated by spaces, then a newline.
       -n     do not print the trailing newline
       -e     interpret backslash escapes: \\n newline, \\t tab, \\\\ backslash, \\c stop output
       -E     do not interpret escapes (the default)
       Redirect it to write files: `echo text > file` (the shell opens the file, not echo).
""",
)
def echo(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    newline, escapes = True, False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        newline = newline and "n" not in args[0]
        for flag in args[0][1:]:
            escapes = {"e": True, "E": False}.get(flag, escapes)
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stopped = _echo_escapes(text)
        newline = newline and not stopped
    ctx.out(text + ("\n" if newline else ""))
    return 0


def _echo_escapes(text: str) -> tuple[str, bool]:
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        following = text[i + 1 : i + 2]
        if c != "\\" or not following:
            out.append(c)
            i += 1
        elif following == "c":
            return "".join(out), True
        elif following in ECHO_ESCAPES:
            out.append(ECHO_ESCAPES[following])
            i += 2
        elif following == "0":
            digits = text[i + 2 : i + 5]
            count = len(digits) - len(digits.lstrip("01234567"))
            out.append(chr(int(digits[:count] or "0", 8) & 0xFF))
            i += 2 + count
        elif following == "x" and text[i + 2 : i + 3].isalnum():
            digits = text[i + 2 : i + 4]
            count = 2 if len(digits) == 2 and all(d in "0123456789abcdefABCDEF" for d in digits) else 1
            if digits[0] not in "0123456789abcdefABCDEF":
                out.append("\\x")
                i += 2
                continue
            out.append(chr(int(digits[:count], 16)))
            i += 2 + count
        else:
            out.append(c)
            i += 1
    return "".join(out), False


@command(
    "pwd",
    man="""
NAME
       pwd - print name of current/working directory

SYNOPSIS
       pwd [-LP]

DESCRIPTION
       -L     print the logical path, as reached through symbolic links (the default)
       -P     print the physical path, with every symbolic link resolved
""",
)
def pwd(ctx: Context, argv: list[str]) -> int:
    physical = False
    for arg in argv[1:]:
        if arg not in ("-L", "-P", "-LP", "-PL"):
            ctx.err(f"{NAME}: pwd: {arg[:2]}: invalid option\npwd: usage: pwd [-LP]\n")
            return 2
        physical = arg.endswith("P")
    ctx.out((ctx.machine.fs.resolve(ctx.cwd) if physical else ctx.cwd) + "\n")
    return 0


@command("true", man="NAME\n       true - do nothing, successfully (exit status 0)\n")
def true(ctx: Context, argv: list[str]) -> int:
    return 0


@command("false", man="NAME\n       false - do nothing, unsuccessfully (exit status 1)\n")
def false(ctx: Context, argv: list[str]) -> int:
    return 1


@command("clear", man="NAME\n       clear - clear the terminal screen\n\nSYNOPSIS\n       clear\n")
def clear(ctx: Context, argv: list[str]) -> int:
    ctx.out(CLEAR_SCREEN)
    return 0


@command(
    "which",
    man="""
NAME
       which - locate a command

SYNOPSIS
       which [-a] NAME...

DESCRIPTION
       Print the path of the executable that would run for each NAME, searching $PATH.
       Exit status 1 if a NAME was not found (nothing is printed for it).
""",
)
def which_command(ctx: Context, argv: list[str]) -> int:
    status = 0
    for name in (a for a in argv[1:] if not a.startswith("-")):
        path = which(ctx, name)
        if path:
            ctx.out(path + "\n")
        else:
            status = 1
    return status


@command(
    "env",
    man="""
NAME
       env - print the environment, or run a program in a modified environment

SYNOPSIS
       env [NAME=VALUE]... [COMMAND [ARG]...]

DESCRIPTION
       Without a COMMAND, print every exported variable as NAME=VALUE. With one, run it with the
       NAME=VALUE pairs added to its environment.
""",
)
def env(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    variables = dict(ctx.env)
    while args and "=" in args[0] and not args[0].startswith("="):
        name, _, value = args.pop(0).partition("=")
        variables[name] = value
    if not args:
        ctx.out("".join(f"{name}={value}\n" for name, value in variables.items()))
        return 0
    child = dataclasses.replace(ctx, env=variables)
    if args[0] in BUILTINS or not (args[0] in COMMANDS or which(child, args[0])):
        ctx.err(f"env: '{args[0]}': No such file or directory\n")
        return 127
    return Shell(user=ctx.user, cwd=ctx.cwd, env=variables).execute(child, args, "env")


@command(
    "printenv",
    man="""
NAME
       printenv - print all or part of the environment

SYNOPSIS
       printenv [NAME]...
""",
)
def printenv(ctx: Context, argv: list[str]) -> int:
    names = argv[1:]
    if not names:
        ctx.out("".join(f"{name}={value}\n" for name, value in ctx.env.items()))
        return 0
    found = [ctx.env[name] for name in names if name in ctx.env]
    ctx.out("".join(value + "\n" for value in found))
    return 0 if len(found) == len(names) else 1


@command("whoami", man="NAME\n       whoami - print effective user name\n\nSYNOPSIS\n       whoami\n")
def whoami(ctx: Context, argv: list[str]) -> int:
    ctx.out(user_name(ctx, ctx.uid) + "\n")
    return 0


@command(
    "id",
    man="""
NAME
       id - print real and effective user and group IDs

SYNOPSIS
       id [-u|-g|-G] [-n] [USER]

DESCRIPTION
       Without options: uid=1000(learner) gid=1000(learner) groups=...  -u, -g, -G print only the user
       id, the group id or all group ids; -n prints names instead of numbers.
""",
)
def id_command(ctx: Context, argv: list[str]) -> int:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    names = [a for a in argv[1:] if not a.startswith("-")]
    users = ctx.machine.users
    user = names[0] if names else _own_name(ctx)
    if user not in users:
        ctx.err(f"id: '{names[0]}': no such user\n")
        return 1
    uid, gid = users[user]["uid"], users[user]["gid"]
    groups = _group_ids(ctx, user)

    def show(number: int, name: str) -> str:
        return name if "n" in flags else str(number)

    if "u" in flags:
        ctx.out(show(uid, user) + "\n")
    elif "g" in flags:
        ctx.out(show(gid, group_name(ctx, gid)) + "\n")
    elif "G" in flags:
        ctx.out(" ".join(show(g, group_name(ctx, g)) for g in groups) + "\n")
    else:
        listed = ",".join(f"{g}({group_name(ctx, g)})" for g in groups)
        ctx.out(f"uid={uid}({user}) gid={gid}({group_name(ctx, gid)}) groups={listed}\n")
    return 0


def _own_name(ctx: Context) -> str | None:
    return next((n for n, u in ctx.machine.users.items() if u["uid"] == ctx.uid), None)


def _group_ids(ctx: Context, user: str) -> list[int]:
    """The user's primary group first, then every /etc/group entry that lists the user."""
    gid = ctx.machine.users[user]["gid"]
    return [gid] + [g for g, _, members in group_entries(ctx) if user in members and g != gid]


def _group_names(ctx: Context, user: str) -> list[str]:
    return [group_name(ctx, g) for g in _group_ids(ctx, user)]


@command(
    "groups",
    man="""
NAME
       groups - print the groups a user is in

SYNOPSIS
       groups [USER]...

DESCRIPTION
       Without USER: the groups of the current process, primary group first. With USERs: one line
       per user, "USER : GROUP...". Membership of kvm (or libvirt) lets a user open /dev/kvm.
""",
)
def groups(ctx: Context, argv: list[str]) -> int:
    users = ctx.machine.users
    names = argv[1:]
    if not names:
        ctx.out(" ".join(_group_names(ctx, _own_name(ctx))) + "\n")
        return 0
    status = 0
    for name in names:
        if name not in users:
            ctx.err(f"groups: '{name}': no such user\n")
            status = 1
            continue
        ctx.out(f"{name} : {' '.join(_group_names(ctx, name))}\n")
    return status


def _may_sudo(ctx: Context) -> bool:
    if ctx.is_root:
        return True
    entries = group_entries(ctx)
    return not entries or any(name in ("sudo", "admin", "wheel") and ctx.user in m for _, name, m in entries)


def _sudo_env(ctx: Context, user: str, argv: list[str]) -> dict[str, str]:
    """sudo's env_reset: a fresh environment for the target user, plus who called."""
    info = ctx.machine.users[user]
    caller = ctx.machine.users.get(ctx.user, {"uid": ctx.uid, "gid": ctx.uid})
    return {
        "HOME": info["home"],
        "LANG": ctx.env.get("LANG", "C.UTF-8"),
        "LOGNAME": user,
        "MAIL": f"/var/mail/{user}",
        "PATH": SECURE_PATH,
        "SHELL": info["shell"],
        "SUDO_COMMAND": " ".join([which(ctx, argv[0]) or argv[0], *argv[1:]]) if argv else info["shell"],
        "SUDO_GID": str(caller["gid"]),
        "SUDO_UID": str(caller["uid"]),
        "SUDO_USER": ctx.user,
        "TERM": ctx.env.get("TERM", "xterm-256color"),
        "USER": user,
    }


@command(
    "sudo",
    man="""
NAME
       sudo - execute a command as another user

SYNOPSIS
       sudo [-u USER] COMMAND [ARG]...
       sudo -i | -s [COMMAND]
       sudo -l

DESCRIPTION
       Run COMMAND as root (or USER). Here the learner needs no password, as on cloud images.
       -u USER  run as USER instead of root
       -i       start a root login shell (in root's home); `exit` comes back
       -s       start a root shell in the current directory
       -l       list what you may run
       Redirections belong to YOUR shell: `sudo echo x > /etc/f` fails because your shell opens
       /etc/f; use `echo x | sudo tee /etc/f` or `sudo sh -c 'echo x > /etc/f'`.
""",
)
def sudo(ctx: Context, argv: list[str]) -> int:
    """sudo, and sudoedit (the same program: sudo -e)."""
    args = argv[1:]
    user, mode = "root", ""
    program = "sudoedit" if argv[0].rsplit("/", 1)[-1] == "sudoedit" else "sudo"
    usage = SUDOEDIT_USAGE if program == "sudoedit" else SUDO_USAGE
    if program == "sudoedit":
        mode = "edit"
    while args and args[0].startswith("-") and len(args[0]) > 1:
        option = args.pop(0)
        if option == "--":
            break
        if option in ("-u", "--user") or option.startswith("-u"):
            if option in ("-u", "--user") and not args:
                ctx.err("sudo: option requires an argument -- 'u'\n" + SUDO_USAGE)
                return 1
            user = option[2:] if len(option) > 2 and not option.startswith("--") else args.pop(0)
        elif option in ("-i", "--login", "-s", "--shell"):
            mode = "login" if option in ("-i", "--login") else "shell"
        elif option in ("-e", "--edit"):
            mode = "edit"
        elif option in ("-l", "--list"):
            return _sudo_list(ctx)
        elif option in ("-V", "--version"):
            ctx.out("Sudo version 1.9.15p5\nSudoers policy plugin version 1.9.15p5\n")
            return 0
        elif option in ("-h", "--help"):
            ctx.out("sudo - execute a command as another user\n\n" + SUDO_USAGE)
            return 0
        elif option in ("-k", "-K", "-v", "--reset-timestamp", "--remove-timestamp", "--validate"):
            if not args:
                return 0
        elif option not in SUDO_IGNORED:
            ctx.err(f"{program}: invalid option -- '{option.lstrip('-')[:1]}'\n" + usage)
            return 1
    if not args and mode in ("", "edit"):
        ctx.err(usage)
        return 1
    users = ctx.machine.users
    if user not in users:
        ctx.err(f"{program}: unknown user {user}\n{program}: error initializing audit plugin sudoers_audit\n")
        return 1
    if not _may_sudo(ctx):
        ctx.err(f"{ctx.user} is not in the sudoers file.\n")
        return 1
    host = ctx.machine.hostname
    # A cloud instance's name is also answered by the cloud's DNS (Neutron's dnsmasq serves its
    # instances' names on their network), so only elsewhere does a name missing from /etc/hosts fail.
    if not _resolvable(ctx.machine.fs, host) and not getattr(ctx.machine, "hypervisor", {}).get("cloud_seed"):
        # sudoers' fqdn callback (Debian builds sudo --with-fqdn): getaddrinfo() fails when /etc/hosts no
        # longer names the host, and sudo warns with gai_strerror(), then runs the command anyway.
        ctx.err(f"{program}: unable to resolve host {host}: Name or service not known\n")
    if not mode and args[0] == "sudoedit":
        ctx.err("sudo: sudoedit doesn't need to be run via sudo\n")
        mode, args = "edit", args[1:]
    if mode == "edit":
        from simulator.commands.editors import sudo_edit

        return sudo_edit(ctx, args, program, user)
    env = _sudo_env(ctx, user, args)
    target = dataclasses.replace(ctx, user=user, uid=users[user]["uid"], env=env)
    if mode:
        return _start_shell(target, user, login=mode == "login", command_line=" ".join(args))
    if args[0] in BUILTINS:
        ctx.err(f"sudo: {args[0]}: command not found\n")
        return 1
    return Shell(user=user, cwd=ctx.cwd, env=env).execute(target, args, "sudo")


def _resolvable(fs, host: str) -> bool:
    """Whether /etc/hosts (the "files" source of getaddrinfo) names the host."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        text = fs.read("/etc/hosts")
    except FsError:
        return False
    return any(host in line.split("#")[0].split()[1:] for line in text.splitlines())


def _sudo_list(ctx: Context) -> int:
    host = ctx.machine.hostname
    ctx.out(
        f"Matching Defaults entries for {ctx.user} on {host}:\n"
        "    env_reset, mail_badpass,\n"
        f"    secure_path={SECURE_PATH.replace(':', chr(92) + ':')},\n"
        "    use_pty\n\n"
        f"User {ctx.user} may run the following commands on {host}:\n"
        "    (ALL : ALL) ALL\n"
        "    (ALL) NOPASSWD: ALL\n"
    )
    return 0


def _start_shell(ctx: Context, user: str, login: bool, command_line: str = "") -> int:
    """Run `command_line` in a shell as `user`, or, without one, make the terminal's shell that user's."""
    machine = ctx.machine
    if command_line:
        env = login_env(machine, user) if login else dict(ctx.env)
        cwd = env["HOME"] if login else ctx.cwd
        child = Shell(user=user, cwd=cwd, env=env, vars=shell_vars(machine, user), login=login)
        return child.run_nested(dataclasses.replace(ctx, cwd=cwd, env=env), command_line)
    shell = getattr(ctx, "shell", None)
    if shell is not None:
        shell.enter(machine, user, login, env=dict(ctx.env))
    return 0


@command(
    "su",
    man="""
NAME
       su - run a command with substitute user and group ID

SYNOPSIS
       su [-] [-c COMMAND] [USER]

DESCRIPTION
       Become USER (default root). `-` (or -l) starts a login shell. Asks for USER's password, so on
       cloud images (where root has none) use `sudo su -` or `sudo -i` instead. -c runs one COMMAND.
""",
)
def su(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    login, command_line, user = False, "", "root"
    while args:
        arg = args.pop(0)
        if arg in ("-", "-l", "--login"):
            login = True
        elif arg in ("-c", "--command"):
            if not args:
                ctx.err("su: option requires an argument -- 'c'\nTry 'su --help' for more information.\n")
                return 1
            command_line = args.pop(0)
        else:
            user = arg
    if user not in ctx.machine.users:
        missing = "does not exist or the user entry does not contain all the required fields"
        ctx.err(f"su: user {user} {missing}\n")
        return 1
    if not ctx.is_root:
        ctx.out("Password: \n")
        ctx.err("su: Authentication failure\n")
        return 1
    info = ctx.machine.users[user]
    env = dict(ctx.env, HOME=info["home"], SHELL=info["shell"], USER=user, LOGNAME=user)
    target = dataclasses.replace(ctx, user=user, uid=info["uid"], env=env)
    return _start_shell(target, user, login, command_line)


SHELL_MAN = """
NAME
       bash, sh - the GNU Bourne-Again SHell

SYNOPSIS
       bash [-c STRING | FILE] [ARG]...

DESCRIPTION
       -c STRING  run the commands in STRING (as in `sudo sh -c 'echo x > /etc/f'`)
       FILE       run the commands in the script FILE
       Without arguments, start a nested interactive shell; `exit` returns.
"""


@command("bash", man=SHELL_MAN)
def bash(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    name = argv[0].rsplit("/", 1)[-1]
    if args[:1] == ["--version"]:
        ctx.out(f"{BASH_VERSION}\nCopyright (C) 2022 Free Software Foundation, Inc.\n")
        return 0
    while args[:1] in (["-l"], ["--login"], ["-i"]):
        args = args[1:]
    child = Shell(user=ctx.user, cwd=ctx.cwd, env=dict(ctx.env), vars=shell_vars(ctx.machine, ctx.user))
    if args[:1] == ["-c"]:
        if len(args) < 2:
            ctx.err(f"{name}: -c: option requires an argument\n")
            return 2
        child.positional = args[2:]
        return child.run_nested(ctx, args[1])
    if args:
        try:
            text = ctx.machine.fs.read(args[0], ctx.cwd, ctx.uid)
        except FsError as error:
            ctx.err(f"{name}: {args[0]}: {error.message}\n")
            return 127
        child.positional = list(args)
        return child.run_nested(ctx, text)
    return _start_shell(ctx, ctx.user, login=False)


COMMANDS["sh"] = bash
MAN_PAGES["sh"] = MAN_PAGES["bash"]
