"""Tab completion as bash with Ubuntu's bash-completion offers it: command names (from $PATH) for the
first word, module names after modprobe, modinfo and rmmod, variable names after $ (a directory's value
gets its /, as bash gives it), only directories after cd, file names elsewhere, directories with a
trailing /. The web terminal lists several candidates as readline does (static/app.js)."""

from __future__ import annotations

import posixpath
import re

from simulator.bash.builtins import KEYWORDS
from simulator.filesystem import FsError
from simulator.hardware import MODULES
from simulator.shell import BASH_BUILTINS, BUILTINS, load_commands

# Words after which a new command starts, so its name is completed rather than a file name.
COMMAND_POSITION = {"|", "||", "&&", ";", "sudo", "then", "do", "!"}
MAX_CANDIDATES = 200


def complete(world, line: str) -> list[str]:
    """Candidates for the last word of `line`, each a full replacement for that word."""
    if world.mode != "shell" or world.asking:  # a program's question is read without bash's completion
        return []
    words = line.split(" ")
    word = words[-1]
    before = [w for w in words[:-1] if w]
    if VARIABLE.search(word):
        return _variables(world, word)
    if not before or before[-1] in COMMAND_POSITION:
        if "/" not in word:
            return _commands(world, word)
    command = _current_command(before)
    if command in MODULE_COMMANDS and "/" not in word and not word.startswith("-"):
        return _modules(world, word, loaded_only=command == "rmmod" or "-r" in before)
    return _files(world, word, directories_only=command in DIRECTORY_COMMANDS)


MODULE_COMMANDS = {"modprobe", "modinfo", "rmmod"}
DIRECTORY_COMMANDS = {"cd", "pushd", "rmdir"}
VARIABLE = re.compile(r"\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?$")


def _current_command(before: list[str]) -> str:
    """The command the word belongs to: the first word after the last command boundary (and sudo)."""
    start = max((i + 1 for i, w in enumerate(before) if w in COMMAND_POSITION), default=0)
    return before[start] if start < len(before) else ""


def _modules(world, prefix: str, loaded_only: bool) -> list[str]:
    names = world.machine.modules if loaded_only else MODULES
    return sorted(name for name in names if name.startswith(prefix))[:MAX_CANDIDATES]


def _commands(world, prefix: str) -> list[str]:
    """What bash offers for a command name: aliases, functions, builtins, keywords and the programs in
    $PATH's directories (so a tool comes and goes with its package)."""
    load_commands()
    machine, shell = world.machine, world.shell
    names = set(BUILTINS) | BASH_BUILTINS | KEYWORDS | set(shell.aliases) | set(shell.functions)
    for directory in shell.env.get("PATH", "").split(":"):
        try:
            entries = machine.fs.listdir(directory or ".", shell.cwd, shell.uid(machine))
        except FsError:
            continue
        names.update(entry for entry in entries if entry.startswith(prefix))
    return sorted(name for name in names if name.startswith(prefix))[:MAX_CANDIDATES]


def _variables(world, word: str) -> list[str]:
    """$NAME or ${NAME at the end of the word: the shell's variables and the environment's."""
    match = VARIABLE.search(word)
    brace, prefix = match.group(1), match.group(2) or ""
    shell = world.shell
    values = {**shell.vars, **shell.env}
    candidates = []
    for name in sorted(values):
        if not name.startswith(prefix):
            continue
        slash = "/" if values[name] and world.machine.fs.is_dir(values[name], shell.cwd) else ""
        candidates.append(f"{word[: match.start()]}${brace}{name}{'}' if brace else ''}{slash}")
    return candidates[:MAX_CANDIDATES]


def _files(world, word: str, directories_only: bool = False) -> list[str]:
    machine, shell = world.machine, world.shell
    home = shell.env.get("HOME", "/")
    typed_dir, _, stem = word.rpartition("/")
    if word.startswith("/") and not typed_dir:
        typed_dir = "/"
    shown_dir = typed_dir + "/" if typed_dir and typed_dir != "/" else typed_dir
    directory = typed_dir or "."
    if directory == "~" or directory.startswith("~/"):
        directory = home + directory[1:]
    uid = shell.uid(machine)
    try:
        names = machine.fs.listdir(directory, shell.cwd, uid)
    except FsError:
        return []
    candidates = []
    for name in names:
        if not name.startswith(stem) or (name.startswith(".") and not stem.startswith(".")):
            continue
        path = posixpath.join(directory, name)
        suffix = "/" if machine.fs.is_dir(path, shell.cwd) else ""
        if directories_only and not suffix:
            continue
        candidates.append(f"{shown_dir}{name}{suffix}")
    return candidates[:MAX_CANDIDATES]
