"""The builtins of bash 5.2 that act on the shell itself, as `help NAME` documents them, with bash's
messages ("bash: cd: too many arguments"). echo, pwd, true and false live with the other commands in
commands/builtins.py; printf, test and [ also answer as /usr/bin programs (coreutils) under sudo."""

from __future__ import annotations

import fnmatch
import posixpath
import re

from simulator.bash import builtin_docs, conditions
from simulator.bash.errors import (
    ExpansionError,
    FunctionReturn,
    LoopControl,
    ShellExit,
)
from simulator.bash.lexer import IDENTIFIER
from simulator.bash.printf import Printf, shell_word
from simulator.commands import COMMANDS, MAN_PAGES, Context
from simulator.dialogue import TerminalInput
from simulator.filesystem import FsError

NAME = "bash"
HISTORY_USAGE = "history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]"
READONLY = {"UID", "EUID", "PPID", "BASHPID"}  # bash's own read-only variables
KEYWORDS = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "case",
    "esac",
    "for",
    "select",
    "while",
    "until",
    "do",
    "done",
}
KEYWORDS |= {"in", "function", "time", "{", "}", "!", "[[", "]]", "coproc"}
OPTION_LETTERS = {"errexit": "e", "nounset": "u", "xtrace": "x", "noclobber": "C", "allexport": "a"}
OPTION_LETTERS |= {"noglob": "f", "verbose": "v", "pipefail": "pipefail", "noexec": "n", "hashall": "h"}
SET_O_ORDER = [
    "allexport", "braceexpand", "emacs", "errexit", "errtrace", "functrace", "hashall", "histexpand",
    "history", "ignoreeof", "interactive-comments", "keyword", "monitor", "noclobber", "noexec", "noglob",
    "nolog", "notify", "nounset", "onecmd", "physical", "pipefail", "posix", "privileged", "verbose", "vi",
    "xtrace",
]  # fmt: skip
# shopt's options in its order, and those on in an interactive bash 5.2 that read no startup file
SHOPT = """
    autocd assoc_expand_once cdable_vars cdspell checkhash checkjobs checkwinsize cmdhist compat31
    compat32 compat40 compat41 compat42 compat43 compat44 complete_fullquote direxpand dirspell dotglob
    execfail expand_aliases extdebug extglob extquote failglob force_fignore globasciiranges globskipdots
    globstar gnu_errfmt histappend histreedit histverify hostcomplete huponexit inherit_errexit
    interactive_comments lastpipe lithist localvar_inherit localvar_unset login_shell mailwarn
    no_empty_cmd_completion nocaseglob nocasematch noexpand_translation nullglob patsub_replacement progcomp
    progcomp_alias promptvars restricted_shell shift_verbose sourcepath varredir_close xpg_echo
""".split()
SHOPT_ON = set(
    """
    checkwinsize cmdhist complete_fullquote expand_aliases extquote force_fignore globasciiranges
    globskipdots hostcomplete interactive_comments patsub_replacement progcomp promptvars sourcepath
""".split()
)
ALWAYS_ON = {"braceexpand", "emacs", "hashall", "histexpand", "history", "interactive-comments", "monitor"}
READ_USAGE = (
    "read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] "
    "[-t timeout] [-u fd] [name ...]\n"
)
SIGNALS = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
    "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
    "WINCH", "IO", "PWR", "SYS",
]  # fmt: skip
# Linux's numbers (x86_64 glibc): 1-31 as above, 32 and 33 kept by glibc, then the real-time signals
SIGNAL_NAMES = dict(enumerate(SIGNALS, 1))
SIGNAL_NAMES |= {34 + n: f"RTMIN+{n}" if n else "RTMIN" for n in range(16)}
SIGNAL_NAMES |= {64 - n: f"RTMAX-{n}" if n else "RTMAX" for n in reversed(range(15))}
SIGNAL_NUMBERS = {name: number for number, name in SIGNAL_NAMES.items()}


def _error(ctx, text: str) -> None:
    ctx.err(f"{NAME}: {text}\n")


def which(ctx: Context, name: str) -> str | None:
    """The first executable called `name` on $PATH in the virtual filesystem, as `which` prints it."""
    from simulator.shell import USER_PATH

    fs = ctx.machine.fs
    if "/" in name:
        return name if fs.is_file(name, ctx.cwd, ctx.uid) and fs.access(name, "x", ctx.cwd, ctx.uid) else None
    for directory in ctx.env.get("PATH", USER_PATH).split(":"):
        path = posixpath.join(directory, name)
        if fs.is_file(path, ctx.cwd, ctx.uid) and fs.access(path, "x", ctx.cwd, ctx.uid):
            return path
    return None


def _cd(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    while args and args[0] in ("-L", "-P", "-e", "-@"):
        args = args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if len(args) > 1:
        _error(ctx, "cd: too many arguments")
        return 1
    if not args:
        target = shell.env.get("HOME", shell.vars.get("HOME"))
        if target is None:
            _error(ctx, "cd: HOME not set")
            return 1
    elif args[0] == "-":
        target = shell.env.get("OLDPWD", shell.vars.get("OLDPWD"))
        if target is None:
            _error(ctx, "cd: OLDPWD not set")
            return 1
    else:
        target = args[0]
    if target == "":
        return 0
    fs = ctx.machine.fs
    logical = posixpath.normpath(posixpath.join(shell.cwd, target))
    logical = "/" + logical.lstrip("/")
    try:
        node = fs.stat(logical, uid=ctx.uid)
    except FsError as error:
        _error(ctx, f"cd: {target}: {error.message}")
        return 1
    if node.kind != "dir":
        _error(ctx, f"cd: {target}: Not a directory")
        return 1
    if not fs.access(logical, "x", uid=ctx.uid):
        _error(ctx, f"cd: {target}: Permission denied")
        return 1
    shell.env["OLDPWD"] = shell.cwd
    shell.cwd = logical
    shell.env["PWD"] = logical
    if args == ["-"]:
        ctx.out(logical + "\n")
    return 0


def _valid_names(ctx, builtin: str, args: list[str]):
    for arg in args:
        name = re.split(r"\+?=", arg, maxsplit=1)[0]
        if IDENTIFIER.fullmatch(name) or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\[[^\]]*\]", name):
            yield arg
        else:
            _error(ctx, f"{builtin}: `{arg}': not a valid identifier")


def _declare_line(shell, name: str, flags: str = "") -> str:
    if name in shell.arrays:
        elements = " ".join(
            f'[{k}]="{_dq(v)}"' for k, v in sorted(shell.arrays[name].items(), key=lambda kv: int(kv[0]))
        )
        return f"declare -a{flags.replace('-', '')} {name}=({elements})"
    flag = flags or ("-x" if name in shell.env else "--")
    if name in shell.readonly and "r" not in flag:
        flag = "-r" if flag == "--" else flag + "r"
    if not shell.is_set(name) or (name not in shell.vars and name not in shell.env):
        return f"declare {flag} {name}"
    return f'declare {flag} {name}="{_dq(shell.lookup(name))}"'


def _dq(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


def _export(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    remove = False
    while args and args[0].startswith("-") and args[0] != "-":
        flag = args.pop(0)
        if flag == "--":
            break
        if flag == "-n":
            remove = True
        elif flag not in ("-p", "-f"):
            _error(ctx, f"export: {flag[:2]}: invalid option")
            ctx.err("export: usage: export [-fn] [name[=value] ...] or export -p\n")
            return 2
    if not args:
        for name in sorted(shell.env):
            ctx.out(f'declare -x {name}="{_dq(shell.env[name])}"\n')
        return 0
    valid = list(_valid_names(ctx, "export", args))
    for arg in valid:
        name, has_value, value = arg.partition("=")
        if remove:
            if name in shell.env:
                shell.vars[name] = shell.env.pop(name)
            continue
        if name in shell.readonly and has_value:
            _error(ctx, f"{name}: readonly variable")
            continue
        if name.endswith("+"):
            name = name[:-1]
            value = shell.lookup(name) + value
        if has_value:
            shell.assign(name, value, exported=True)
        elif name in shell.vars:
            shell.env[name] = shell.vars.pop(name)
    return 0 if len(valid) == len(args) else 1


def _unset(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    functions = False
    while args and args[0] in ("-v", "-f", "-n", "--"):
        functions = args.pop(0) == "-f" or functions
    status = 0
    for name in args:
        base = name.split("[", 1)[0]
        if not IDENTIFIER.fullmatch(base) or "=" in name:
            _error(ctx, f"unset: `{name}': not a valid identifier")
            status = 1
            continue
        if functions:
            shell.functions.pop(name, None)
            continue
        if base in shell.readonly or base in READONLY:
            _error(ctx, f"unset: {base}: cannot unset: readonly variable")
            status = 1
            continue
        if "[" in name and base in shell.arrays:
            index = name[len(base) + 1 : -1]
            shell.arrays[base].pop(index if index.isdigit() else str(index), None)
        elif base in shell.vars or base in shell.env or base in shell.arrays:
            shell.unset(base)
        else:
            shell.functions.pop(base, None)
    return status


def _exit(shell, ctx, argv: list[str]) -> int:
    if len(argv) > 2:
        _error(ctx, f"{argv[0]}: too many arguments")
        return 1
    if len(argv) == 2:
        if not re.fullmatch(r"\s*[-+]?\d+\s*", argv[1]):
            _error(ctx, f"{argv[0]}: {argv[1]}: numeric argument required")
            raise ShellExit(2)
        raise ShellExit(int(argv[1]) & 255)
    raise ShellExit(shell.status)


def _history(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["-c"]:
        shell.history_base += len(shell.history)
        shell.history.clear()
        return 0
    if args and args[0].startswith("-") and args[0] != "--":
        _error(ctx, f"history: {args[0][:2]}: invalid option")
        ctx.err(f"history: usage: {HISTORY_USAGE}\n")
        return 2
    entries = list(enumerate(shell.history, shell.history_base + 1))
    if args:
        if not (args[-1].isascii() and args[-1].isdigit()):
            _error(ctx, f"history: {args[-1]}: numeric argument required")
            return 1
        entries = entries[-int(args[-1]) :] if int(args[-1]) else []
    ctx.out("".join(f"{number:5d}  {line}\n" for number, line in entries))
    return 0


def describe(shell, ctx, name: str) -> tuple[str, str] | None:
    """How bash would run `name`: (kind, description) for type and command -V / -v."""
    from simulator.shell import BASH_BUILTINS

    if name in shell.aliases:
        return "alias", f"{name} is aliased to `{shell.aliases[name]}'"
    if name in KEYWORDS:
        return "keyword", f"{name} is a shell keyword"
    if name in shell.functions:
        return "function", f"{name} is a function\n{name} () \n{shell.functions[name]}"
    if name in BUILTINS or name in BASH_BUILTINS:
        return "builtin", f"{name} is a shell builtin"
    path = which(ctx, name)
    if path:
        return "file", f"{name} is {path}"
    return None


def _type(shell, ctx, argv: list[str]) -> int:
    options = "".join(a[1:] for a in argv[1:] if a.startswith("-") and len(a) > 1)
    names = [a for a in argv[1:] if not (a.startswith("-") and len(a) > 1)]
    status = 0
    for name in names:
        found = describe(shell, ctx, name)
        if found is None or ("P" in options and found[0] != "file"):
            path = which(ctx, name) if "P" in options else None
            if path:
                ctx.out(f"{path}\n")
                continue
            if "t" not in options:
                _error(ctx, f"type: {name}: not found")
            status = 1
            continue
        kind, text = found
        if "t" in options:
            ctx.out(kind + "\n")
        elif "p" in options:
            if kind == "file":
                ctx.out(text.split(" is ", 1)[1] + "\n")
        else:
            ctx.out(text + "\n")
    return status


def _help(shell, ctx, argv: list[str]) -> int:
    """help PATTERN...: bash 5.2's help.def over the builtins this shell has (exact or glob matches, else
    names that start so); with no pattern, GuestLab's own list of what it simulates."""

    args = argv[1:]
    flags = ""
    while args and args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
        if set(args[0][1:]) - set("dms"):
            _error(ctx, f"help: {args[0][:2] if args[0][1] != '-' else args[0]}: invalid option")
            ctx.err(f"help: usage: {builtin_docs.DOCS['help'][0]}\n")
            return 2
        flags += args.pop(0)[1:]
    args = args[1:] if args[:1] == ["--"] else args
    if args:
        return _help_topics(ctx, args, flags)
    names = sorted(set(BUILTINS) | set(COMMANDS))
    width = max(map(len, names)) + 2
    per_line = max(1, 78 // width)
    rows = [names[i : i + per_line] for i in range(0, len(names), per_line)]
    ctx.out("GuestLab simulates these commands (type 'man NAME' for a short manual page):\n\n")
    ctx.out("".join("  " + "".join(n.ljust(width) for n in row).rstrip() + "\n" for row in rows))
    return 0


def _help_topics(ctx, patterns: list[str], flags: str) -> int:

    found = False
    if any(char in patterns[0] for char in "*?["):  # help.def: a glob first asks for a heading
        plural = "s" if len(patterns) > 1 else ""
        ctx.out(f"Shell commands matching keyword{plural} `{', '.join(patterns)}'\n\n")
    for pattern in patterns:
        names = [n for n in builtin_docs.DOCS if n == pattern or fnmatch.fnmatchcase(n, pattern)]
        names = names or [n for n in builtin_docs.DOCS if n.startswith(pattern)]
        for name in names:
            short, lines = builtin_docs.DOCS[name]
            if "d" in flags:
                ctx.out(f"{name} - {lines[0] if lines else ''}\n")
            elif "s" in flags:
                ctx.out(f"{name}: {short}\n")
            else:
                ctx.out(builtin_docs.text(name))
        found = found or bool(names)
    if not found:  # help.def: only when no pattern matched anything, naming the last one
        pattern = patterns[-1]
        tried = f"Try `help help' or `man -k {pattern}' or `info {pattern}'."
        _error(ctx, f"help: no help topics match `{pattern}'.  {tried}")
        return 1
    return 0 if found else 1


def _test(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    name = argv[0]
    if name == "[":
        if not args or args[-1] != "]":
            _error(ctx, "[: missing `]'")
            return 2
        args = args[:-1]
    try:
        return 0 if conditions.test(ctx, shell, args, name) else 1
    except conditions.TestError as error:
        _error(ctx, str(error))
        return 2


def _printf(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    variable = None
    if args[:1] == ["-v"]:
        if len(args) < 2:
            _error(ctx, "printf: -v: option requires an argument")
            ctx.err("printf: usage: printf [-v var] format [arguments]\n")
            return 2
        variable = args[1]
        args = args[2:]
    elif args[:1] and args[0].startswith("-v") and len(args[0]) > 2:
        variable, args = args[0][2:], args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        ctx.err("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    if args[0].startswith("-") and len(args[0]) > 1 and variable is None:
        _error(ctx, f"printf: {args[0][:2]}: invalid option")
        ctx.err("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    printer = Printf("printf")
    text, status = printer.format(args[0], args[1:])
    prefix = f"{NAME}: " if shell is not None else ""  # /usr/bin/printf says just "printf: "
    for message in printer.errors:
        ctx.err(f"{prefix}{message}\n")
    if variable is not None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?", variable):
            _error(ctx, f"printf: `{variable}': not a valid identifier")
            return 2
        error = shell.assign_target(variable, text)
        if error:
            _error(ctx, error)
            return 1
        return status
    ctx.out(text)
    return status


def _read(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    raw, prompt, array, delimiter, count, exact = False, None, None, "\n", None, False
    silent = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flag = args.pop(0)
        if flag == "--":
            break
        letters = flag[1:]
        while letters:
            letter, letters = letters[0], letters[1:]
            if letter in "rse":
                raw = raw or letter == "r"
                silent = silent or letter == "s"  # -s: what is typed at the terminal is not echoed
                continue
            if letter not in "padnNtui":
                _error(ctx, f"read: -{letter}: invalid option")
                ctx.err(READ_USAGE)
                return 2
            value = letters or (args.pop(0) if args else None)
            letters = ""
            if value is None:
                _error(ctx, f"read: -{letter}: option requires an argument")
                ctx.err(READ_USAGE)
                return 2
            if letter == "p":
                prompt = value
            elif letter == "a":
                array = value
            elif letter == "d":
                delimiter = value[:1]
            elif letter in "nN":
                if not (value.isascii() and value.isdigit()):
                    _error(ctx, f"read: {value}: invalid number")
                    return 1
                count, exact = int(value), letter == "N"
    names = args or ([] if array else ["REPLY"])
    for name in names:
        if not IDENTIFIER.fullmatch(name):
            _error(ctx, f"read: `{name}': not a valid identifier")
            return 1
    source = ctx.input
    if prompt is not None and isinstance(source, TerminalInput):  # "only if input is coming from a terminal"
        ctx.err(prompt)
    if source is None:
        return 1
    if count is not None:
        text = source.take(count) if exact else _take_until(source, delimiter, count)
        found = bool(text)
        ended = found
    else:
        record = source.line(delimiter, echo=not silent)
        if record is None:
            found, text, ended = False, "", False
        else:
            text, ended = record
            found = True
            while not raw and text.endswith("\\") and not text.endswith("\\\\") and ended:
                following = source.line(delimiter)
                if following is None:
                    text = text[:-1]
                    break
                text = text[:-1] + following[0]
                ended = following[1]
    if not raw:
        text = re.sub(r"\\(.)", r"\1", text)
    ifs = shell.lookup("IFS") if shell.is_set("IFS") else " \t\n"
    if array is not None:
        fields = _split(text, ifs, None)
        error = shell.assign_target(array, fields)
        if error:
            _error(ctx, error)
            return 1
    else:
        fields = _split(text, ifs, len(names)) if names != ["REPLY"] or args else [text]
        for index, name in enumerate(names):
            shell.assign_target(name, fields[index] if index < len(fields) else "")
    return 0 if found and ended else 1


def _take_until(source, delimiter: str, count: int) -> str:
    taken = []
    while len(taken) < count:
        c = source.take(1)
        if not c or c == delimiter:
            break
        taken.append(c)
    return "".join(taken)


def _split(text: str, ifs: str, limit: int | None) -> list[str]:
    """read's field splitting: the last name takes the rest of the line, less trailing IFS whitespace."""
    blanks = "".join(c for c in ifs if c in " \t\n")
    text = text.strip(blanks) if blanks else text
    if not ifs:
        return [text]
    fields: list[str] = []
    i = 0
    while i < len(text):
        if limit is not None and len(fields) == limit - 1:
            fields.append(text[i:].rstrip(blanks) if blanks else text[i:])
            return fields
        j = i
        while j < len(text) and text[j] not in ifs:
            j += 1
        fields.append(text[i:j])
        while j < len(text) and text[j] in blanks:
            j += 1
        if j < len(text) and text[j] in ifs and text[j] not in blanks:
            j += 1
            while j < len(text) and text[j] in blanks:
                j += 1
        i = j
    return fields


def _set(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    if not args:
        for name in sorted({*shell.vars, *shell.env, *shell.arrays}):
            if name in shell.arrays:
                ctx.out(_declare_line(shell, name).split(" ", 2)[2] + "\n")
            else:
                ctx.out(f"{name}={shell_word(shell.lookup(name))}\n")
        for name in sorted(shell.functions):
            ctx.out(f"{name} () \n{shell.functions[name]}\n")
        return 0
    while args:
        arg = args[0]
        if arg == "--":
            shell.positional = [shell.positional[0] if shell.positional else NAME, *args[1:]]
            return 0
        if arg in ("-o", "+o"):
            if len(args) == 1:
                _list_options(shell, ctx, arg == "+o")
                return 0
            option = args[1]
            letter = OPTION_LETTERS.get(option)
            if letter is None and option not in SET_O_ORDER:
                _error(ctx, f"set: {option}: invalid option name")
                return 1
            _toggle(shell, letter or option, arg == "-o")
            args = args[2:]
            continue
        if arg[:1] in ("-", "+") and len(arg) > 1:
            for letter in arg[1:]:
                if letter not in "euxCafvnhbmBHkPT":
                    _error(ctx, f"set: {arg[0]}{letter}: invalid option")
                    ctx.err("set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n")
                    return 2
                _toggle(shell, letter, arg[0] == "-")
            args = args[1:]
            continue
        shell.positional = [shell.positional[0] if shell.positional else NAME, *args]
        return 0
    return 0


def _toggle(shell, letter: str, on: bool) -> None:
    if letter not in "euxCafvn" and letter != "pipefail":
        return
    if on and letter not in shell.options:
        shell.options.append(letter)
    elif not on and letter in shell.options:
        shell.options.remove(letter)


def _list_options(shell, ctx, as_commands: bool) -> None:
    for option in SET_O_ORDER:
        on = option in ALWAYS_ON or OPTION_LETTERS.get(option, "~") in shell.options
        if as_commands:
            ctx.out(f"set {'-' if on else '+'}o {option}\n")
        else:
            ctx.out(f"{option:<15}\t{'on' if on else 'off'}\n")


def _shift(shell, ctx, argv: list[str]) -> int:
    count_text = argv[1] if len(argv) > 1 else "1"
    if not re.fullmatch(r"\d+", count_text):
        _error(ctx, f"shift: {count_text}: numeric argument required")
        return 1
    count = int(count_text)
    params = shell.positional[1:]
    if count > len(params):
        _error(ctx, f"shift: {count}: shift count out of range")
        return 1
    shell.positional = [shell.positional[0] if shell.positional else NAME, *params[count:]]
    return 0


def _source(shell, ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        _error(ctx, f"{argv[0]}: filename argument required")
        ctx.err(f"{argv[0]}: usage: {argv[0]} filename [arguments]\n")
        return 2
    name = argv[1]
    fs = ctx.machine.fs
    path = name
    if "/" not in name:
        from simulator.shell import USER_PATH

        for directory in ctx.env.get("PATH", USER_PATH).split(":"):
            candidate = posixpath.join(directory, name)
            if fs.is_file(candidate, ctx.cwd, ctx.uid):
                path = candidate
                break
    try:
        text = fs.read(path, ctx.cwd, ctx.uid)
    except FsError as error:
        _error(ctx, f"{name}: {error.message}")
        return 1
    run = ctx.run
    from simulator.shell import MAX_DEPTH

    if run.depth >= MAX_DEPTH:
        _error(ctx, f"{name}: maximum nesting level exceeded ({MAX_DEPTH})")
        return 1
    saved = shell.positional
    if len(argv) > 2:
        shell.positional = [saved[0] if saved else NAME, *argv[2:]]
    run.depth += 1
    shell.sourcing += 1
    from simulator.bash.evaluator import Streams

    try:
        return shell.run_text(run, text, Streams(ctx.stdout, ctx.stderr, ctx.tty, ctx.input or _empty()))
    except FunctionReturn as returned:
        return returned.status
    finally:
        run.depth -= 1
        shell.sourcing -= 1
        if len(argv) > 2:
            shell.positional = saved


def _empty():
    from simulator.bash.evaluator import Input

    return Input("")


def _command(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    mode = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flag = args.pop(0)
        if flag == "--":
            break
        for letter in flag[1:]:
            if letter not in "pvV":
                _error(ctx, f"command: -{letter}: invalid option")
                ctx.err("command: usage: command [-pVv] command [arg ...]\n")
                return 2
            if letter in "vV":
                mode = letter
    if not args:
        return 0
    if mode:
        status = 0
        for name in args:
            found = describe(shell, ctx, name)
            if found is None:
                if mode == "V":
                    _error(ctx, f"command: {name}: not found")
                status = 1
                continue
            kind, text = found
            if mode == "V":
                ctx.out(text + "\n")
            elif kind == "alias":
                ctx.out(f"alias {name}='{shell.aliases[name]}'\n")
            elif kind == "file":
                ctx.out(text.split(" is ", 1)[1] + "\n")
            else:
                ctx.out(name + "\n")
        return status
    from simulator.bash.evaluator import Streams

    streams = Streams(ctx.stdout, ctx.stderr, ctx.tty, ctx.input or _empty())
    return shell.call(ctx.run, args, [], streams, functions=False)


def _alias(shell, ctx, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for name in sorted(shell.aliases):
            ctx.out(f"alias {name}='{_single(shell.aliases[name])}'\n")
        return 0
    status = 0
    for arg in args:
        name, has_value, value = arg.partition("=")
        if has_value:
            if not name or any(c in name for c in "/$`=\"' \t\n;|&()<>"):
                _error(ctx, f"alias: `{name}': invalid alias name")
                status = 1
                continue
            shell.aliases[name] = value
        elif name in shell.aliases:
            ctx.out(f"alias {name}='{_single(shell.aliases[name])}'\n")
        else:
            _error(ctx, f"alias: {name}: not found")
            status = 1
    return status


def _single(value: str) -> str:
    return value.replace("'", "'\\''")


def _unalias(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["-a"]:
        shell.aliases.clear()
        return 0
    if not args:
        ctx.err("unalias: usage: unalias [-a] name [name ...]\n")
        return 2
    status = 0
    for name in args:
        if shell.aliases.pop(name, None) is None:
            _error(ctx, f"unalias: {name}: not found")
            status = 1
    return status


def _eval(shell, ctx, argv: list[str]) -> int:
    text = " ".join(argv[1:])
    if not text.strip():
        return 0
    from simulator.bash.evaluator import Streams

    return shell.run_text(ctx.run, text, Streams(ctx.stdout, ctx.stderr, ctx.tty, ctx.input or _empty()))


def _local(shell, ctx, argv: list[str]) -> int:
    if not shell.locals:
        _error(ctx, f"{argv[0]}: can only be used in a function")
        return 1
    return _declare(shell, ctx, argv)


def _declare(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    flags = ""
    while args and args[0][:1] in ("-", "+") and len(args[0]) > 1:
        flag = args.pop(0)
        if flag == "--":
            break
        for letter in flag[1:]:
            if letter not in "aAfFgilnprtuxI":
                _error(ctx, f"{argv[0]}: -{letter}: invalid option")
                usage = f"{argv[0]} [-aAfFgiIlnrtux] [name[=value] ...] or {argv[0]} -p [name ...]"
                ctx.err(f"{argv[0]}: usage: {usage}\n")
                return 2
            if flag[0] == "-":
                flags += letter
    if "A" in flags:
        _error(ctx, f"{argv[0]}: -A: associative arrays are not simulated here; use an indexed array (-a)")
        return 1
    if "f" in flags or "F" in flags:
        names = args or sorted(shell.functions)
        status = 0
        for name in names:
            if name not in shell.functions:
                status = 1
                continue
            ctx.out(f"declare -f {name}\n" if "F" in flags else f"{name} () \n{shell.functions[name]}\n")
        return status
    if "p" in flags or (not args and argv[0] != "local"):
        names = args or sorted({*shell.vars, *shell.env, *shell.arrays})
        status = 0
        for name in names:
            if not shell.is_set(name) and name not in shell.arrays:
                _error(ctx, f"{argv[0]}: {name}: not found")
                status = 1
                continue
            ctx.out(_declare_line(shell, name) + "\n")
        return status
    local = argv[0] == "local" or (shell.locals and "g" not in flags)
    status = 0
    for arg in args:
        match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?=)?", arg)
        if not match or (match.end() != len(arg) and not match.group(3)):
            _error(ctx, f"{argv[0]}: `{arg}': not a valid identifier")
            status = 1
            continue
        name = match.group(1)
        if name in shell.readonly and match.group(3):
            _error(ctx, f"{name}: readonly variable")
            status = 1
            continue
        if local:
            shell.declare_local(name)
        value_text = arg[match.end() :]
        if match.group(3):
            if value_text.startswith("(") and value_text.endswith(")"):
                from simulator.bash.lexer import Lexer

                lexer, elements = Lexer(value_text[1:-1]), []
                while (token := lexer.next()).kind != "eof":
                    if token.kind == "word":
                        elements.append(token.text)
                value = elements
            else:
                value = value_text
            target = name + (match.group(2) or "") + ("+" if match.group(3) == "+=" else "")
            if "i" in flags and isinstance(value, str):
                value = shell.arithmetic(ctx.run, value, _streams(ctx))
            error = shell.assign_target(target, value)
            if error:
                _error(ctx, error)
                status = 1
        elif "a" in flags and name not in shell.arrays:
            shell.arrays[name] = {}
            shell.vars.pop(name, None)
        elif local and not shell.is_set(name):
            pass
        if "x" in flags and name in shell.vars:
            shell.env[name] = shell.vars.pop(name)
        if "r" in flags and name not in shell.readonly:
            shell.readonly.append(name)
    return status


def _streams(ctx):
    from simulator.bash.evaluator import Streams

    return Streams(ctx.stdout, ctx.stderr, ctx.tty, ctx.input or _empty())


def _readonly(shell, ctx, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("-p", "--")]
    if not args:
        for name in sorted(shell.readonly):
            ctx.out(_declare_line(shell, name, "-r") + "\n")
        return 0
    status = 0
    for arg in _valid_names(ctx, "readonly", args):
        name, has_value, value = arg.partition("=")
        if has_value:
            if name in shell.readonly:
                _error(ctx, f"{name}: readonly variable")
                status = 1
                continue
            shell.assign(name, value)
        if name not in shell.readonly:
            shell.readonly.append(name)
    return status


def _return(shell, ctx, argv: list[str]) -> int:
    if not shell.locals and not shell.sourcing:
        _error(ctx, "return: can only `return' from a function or sourced script")
        return 2
    if len(argv) > 1 and not re.fullmatch(r"[-+]?\d+", argv[1]):
        _error(ctx, f"return: {argv[1]}: numeric argument required")
        raise FunctionReturn(2)
    raise FunctionReturn(int(argv[1]) & 255 if len(argv) > 1 else shell.status)


def _loop_control(shell, ctx, argv: list[str]) -> int:
    if ctx.run is None or ctx.run.loops == 0:
        _error(ctx, f"{argv[0]}: only meaningful in a `for', `while', or `until' loop")
        return 0
    levels = 1
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            _error(ctx, f"{argv[0]}: {argv[1]}: numeric argument required")
            levels = ctx.run.loops
        elif int(argv[1]) < 1:
            _error(ctx, f"{argv[0]}: {argv[1]}: loop count out of range")
            return 1
        else:
            levels = int(argv[1])
    raise LoopControl(argv[0], min(levels, ctx.run.loops))


def _kill(shell, ctx, argv: list[str]) -> int:
    """bash's kill over the simulated process table (which follows from the machine, so nothing dies)."""
    from simulator.commands.processes import processes

    args = argv[1:]
    if not args:
        ctx.err(
            "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"
        )
        return 2
    if args[0] in ("-l", "-L"):
        if len(args) > 1:
            for arg in args[1:]:
                number = int(arg) & 127 if arg.isdigit() else None  # 130 is 128 + INT: an exit status
                if number in SIGNAL_NAMES:
                    ctx.out(SIGNAL_NAMES[number] + "\n")
                elif arg.upper().removeprefix("SIG") in SIGNAL_NUMBERS:
                    ctx.out(f"{SIGNAL_NUMBERS[arg.upper().removeprefix('SIG')]}\n")
                else:
                    _error(ctx, f"kill: {arg}: invalid signal specification")
                    return 1
            return 0
        # display_signal_list (builtins/common.c): five a line, each followed by a tab or the line's end
        cells = [f"{n:2d}) SIG{name}" for n, name in SIGNAL_NAMES.items()]
        lines = ["\t".join(cells[row : row + 5]) for row in range(0, len(cells), 5)]
        ctx.out("".join(line + ("\t" if line.count("\t") < 4 else "") + "\n" for line in lines))
        return 0
    signal = "TERM"
    if args[0] in ("-s", "-n") and len(args) > 1:
        signal, args = args[1], args[2:]
    elif args[0].startswith("-") and len(args[0]) > 1:
        signal, args = args[0][1:], args[1:]
    name = signal.upper().removeprefix("SIG")
    number = int(signal) if signal.isascii() and signal.isdigit() else None
    if not (name in SIGNAL_NUMBERS or number in SIGNAL_NAMES):
        _error(ctx, f"kill: {signal}: invalid signal specification")
        return 1
    table = {p.pid: p for p in processes(ctx.machine, shell.user)}
    status = 0
    for arg in args:
        if not re.fullmatch(r"-?\d+", arg):
            _error(ctx, f"kill: {arg}: arguments must be process or job IDs")
            status = 1
            continue
        process = table.get(abs(int(arg)))
        if process is None:
            _error(ctx, f"kill: ({arg}) - No such process")
            status = 1
        elif not ctx.is_root and process.user != shell.user:
            _error(ctx, f"kill: ({arg}) - Operation not permitted")
            status = 1
    return status


def _umask(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    symbolic = "-S" in args
    args = [a for a in args if a not in ("-S", "-p")]
    if not args:
        mask = shell.umask
        if symbolic:
            allowed = ~mask & 0o777
            parts = []
            for who, shift in (("u", 6), ("g", 3), ("o", 0)):
                bits = (allowed >> shift) & 7
                parts.append(who + "=" + "".join(c for c, b in (("r", 4), ("w", 2), ("x", 1)) if bits & b))
            ctx.out(",".join(parts) + "\n")
        else:
            ctx.out(f"{mask:04o}\n")
        return 0
    if not re.fullmatch(r"[0-7]{1,4}", args[0]):
        _error(
            ctx,
            f"umask: {args[0]}: octal number out of range"
            if args[0].isdigit()
            else f"umask: `{args[0][:1]}': invalid symbolic mode operator",
        )
        return 1
    shell.umask = int(args[0], 8) & 0o777
    return 0


def _colon(shell, ctx, argv: list[str]) -> int:
    return 0


def _let(shell, ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        _error(ctx, "let: expression expected")
        return 1
    value = "0"
    for expression in argv[1:]:
        try:
            value = shell.arithmetic(ctx.run, expression, _streams(ctx))
        except ExpansionError as error:
            _error(ctx, f"let: {error}")
            return 1
    return 0 if value != "0" else 1


def _exec(shell, ctx, argv: list[str]) -> int:
    if len(argv) == 1:
        return 0
    status = shell.call(ctx.run, argv[1:], [], _streams(ctx), functions=False)
    raise ShellExit(status)


def _mapfile(shell, ctx, argv: list[str]) -> int:
    args = argv[1:]
    strip = "-t" in args
    args = [a for a in args if a != "-t"]
    name = args[-1] if args else "MAPFILE"
    if not IDENTIFIER.fullmatch(name):
        _error(ctx, f"{argv[0]}: `{name}': not a valid identifier")
        return 1
    lines = []
    source = ctx.input
    while source is not None and (record := source.line("\n")) is not None:
        ctx.tick()
        text, ended = record
        lines.append(text if strip or not ended else text + "\n")
    error = shell.assign_target(name, lines)
    if error:
        _error(ctx, error)
        return 1
    return 0


def _getopts(shell, ctx, argv: list[str]) -> int:
    """getopts OPTSTRING NAME [ARG...], over the positional parameters by default (builtins/getopts.def).
    OPTIND counts arguments; the place inside a group of letters (-ab) is the shell's own, as in bash."""
    if len(argv) < 3:
        ctx.err("getopts: usage: getopts optstring name [arg ...]\n")
        return 2
    spec, name, args = argv[1], argv[2], argv[3:] or shell.positional[1:]
    if not IDENTIFIER.fullmatch(name):
        _error(ctx, f"getopts: `{name}': not a valid identifier")
        return 1
    silent = spec.startswith(":")
    program = shell.positional[0] if shell.positional else NAME
    text = shell.lookup("OPTIND") or "1"
    index = int(text) if text.isdigit() and int(text) > 0 else 1
    if index != shell.getopts_at[0]:
        shell.getopts_at = (index, 0)
    letter_at = shell.getopts_at[1]

    def finish(letter: str, status: int) -> int:
        shell.assign_target(name, letter)
        shell.assign("OPTIND", str(index))
        shell.getopts_at = (index, letter_at)
        return status

    if letter_at == 0:
        if index > len(args) or not args[index - 1].startswith("-") or args[index - 1] == "-":
            return finish("?", 1)
        if args[index - 1] == "--":
            index += 1
            return finish("?", 1)
        letter_at = 1
    word = args[index - 1]
    letter = word[letter_at]
    letter_at += 1
    if letter_at >= len(word):
        index, letter_at = index + 1, 0
    position = spec.find(letter, 1 if silent else 0)
    if letter == ":" or position < 0:
        if silent:
            shell.assign("OPTARG", letter)
        else:
            ctx.err(f"{program}: illegal option -- {letter}\n")
            shell.unset("OPTARG")
        return finish("?", 0)
    if spec[position + 1 : position + 2] == ":":
        if letter_at:
            shell.assign("OPTARG", word[letter_at:])
            index, letter_at = index + 1, 0
        elif index <= len(args):
            shell.assign("OPTARG", args[index - 1])
            index += 1
        elif silent:
            shell.assign("OPTARG", letter)
            return finish(":", 0)
        else:
            ctx.err(f"{program}: option requires an argument -- {letter}\n")
            shell.unset("OPTARG")
            return finish("?", 0)
    else:
        shell.unset("OPTARG")
    return finish(letter, 0)


def _nothing(shell, ctx, argv: list[str]) -> int:
    return 0


def _hash(shell, ctx, argv: list[str]) -> int:
    if len(argv) == 1:
        ctx.out("hash: hash table empty\n")
    return 0


def _builtin(shell, ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        return 0
    handler = BUILTINS.get(argv[1])
    from simulator.shell import BASH_BUILTINS

    if handler is None and argv[1] in BASH_BUILTINS:
        return COMMANDS[argv[1]](ctx, argv[1:])
    if handler is None:
        _error(ctx, f"builtin: {argv[1]}: not a shell builtin")
        return 1
    return handler(shell, ctx, argv[1:])


def _shopt(shell, ctx, argv: list[str]) -> int:
    """shopt [-pqsu] [NAME...]: a changed option is kept as "shopt:NAME" in the shell's options."""
    args = argv[1:]
    flags = ""
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flags += args.pop(0)[1:]

    def on(name: str) -> bool:
        return (name in SHOPT_ON) != (f"shopt:{name}" in shell.options)

    for name in args:
        if name not in SHOPT:
            _error(ctx, f"shopt: {name}: invalid shell option name")
            return 1
    if "s" in flags or "u" in flags:
        if not args:
            names = [n for n in SHOPT if on(n) == ("s" in flags)]
            ctx.out("".join(f"{n:<15}\t{'on' if on(n) else 'off'}\n" for n in names))
            return 0
        for name in args:
            if on(name) != ("s" in flags):
                _toggle_shopt(shell, name)
        return 0
    names = args or SHOPT
    if "q" in flags:
        return 0 if all(on(n) for n in names) else 1
    if "p" in flags:
        ctx.out("".join(f"shopt {'-s' if on(n) else '-u'} {n}\n" for n in names))
    else:
        ctx.out("".join(f"{n:<15}\t{'on' if on(n) else 'off'}\n" for n in names))
    return 0 if all(on(n) for n in args) else 1


def _toggle_shopt(shell, name: str) -> None:
    marker = f"shopt:{name}"
    if marker in shell.options:
        shell.options.remove(marker)
    else:
        shell.options.append(marker)


BUILTINS = {
    "cd": _cd,
    "export": _export,
    "unset": _unset,
    "exit": _exit,
    "logout": _exit,
    "history": _history,
    "type": _type,
    "help": _help,
    "test": _test,
    "[": _test,
    "printf": _printf,
    "read": _read,
    "set": _set,
    "shift": _shift,
    "source": _source,
    ".": _source,
    "command": _command,
    "alias": _alias,
    "unalias": _unalias,
    "eval": _eval,
    "local": _local,
    "declare": _declare,
    "typeset": _declare,
    "readonly": _readonly,
    "return": _return,
    "break": _loop_control,
    "continue": _loop_control,
    "kill": _kill,
    "umask": _umask,
    ":": _colon,
    "let": _let,
    "exec": _exec,
    "mapfile": _mapfile,
    "getopts": _getopts,
    "readarray": _mapfile,
    "wait": _nothing,
    "jobs": _nothing,
    "trap": _nothing,
    "hash": _hash,
    "builtin": _builtin,
    "shopt": _shopt,
}


def _as_program(builtin):
    """printf, test, [ and kill as the /usr/bin programs that sudo, xargs and find -exec run."""

    def program(ctx, argv: list[str]) -> int:
        return builtin(getattr(ctx, "shell", None), ctx, argv)

    return program


for _name in ("printf", "test", "["):
    COMMANDS.setdefault(_name, _as_program(BUILTINS[_name]))
BUILTIN_MAN = {
    "cd": """NAME
       cd - change the shell's working directory (bash builtin)

SYNOPSIS
       cd [DIR]

DESCRIPTION
       Change the current directory to DIR; without DIR, to $HOME. `cd -` goes back to $OLDPWD and prints it.
       cd is part of the shell, so `sudo cd /root` cannot work: use `sudo -i` for a root shell.
""",
    "export": """NAME
       export - give variables to the commands the shell starts (bash builtin)

SYNOPSIS
       export [NAME[=VALUE] ...]

DESCRIPTION
       Mark each NAME for export to the environment of later commands. Without arguments, list the
       exported variables as `declare -x NAME="VALUE"`.
""",
    "unset": """NAME
       unset - remove shell variables (bash builtin)

SYNOPSIS
       unset NAME ...
""",
    "exit": """NAME
       exit - leave the current shell (bash builtin)

SYNOPSIS
       exit [N]

DESCRIPTION
       Leave a shell started with `sudo -i`, `sudo -s`, `su` or `bash`, with status N (default: the
       status of the last command). The lab terminal itself stays open.
""",
    "history": """NAME
       history - show the command history (bash builtin)

SYNOPSIS
       history [-c] [N]

DESCRIPTION
       List the lines typed so far, numbered; with N, only the last N. -c clears the list.
       `!!` repeats the last line (as in `sudo !!`), `!N` line N, `!prefix` the last line starting so.
""",
    "type": """NAME
       type - tell how the shell would run a command (bash builtin)

SYNOPSIS
       type [-t] NAME ...
""",
    "help": """NAME
       help - list the commands this simulated machine understands

SYNOPSIS
       help
""",
}
for _name, _page in BUILTIN_MAN.items():
    MAN_PAGES.setdefault(_name, _page.strip("\n") + "\n")
