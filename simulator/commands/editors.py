"""The editors: nano (GNU nano 7.2, also Ubuntu's `editor` alternative), vi and vim (vim 9.1), sudoedit
and `sudo -e` (sudo 1.9.15), as Ubuntu 24.04 has them.

A handler edits nothing itself: it checks what the editor checks when it opens the file and asks the
terminal for an editor (`ctx.effects["editor"]`, a simulator.editing.Session as plain data); the web
terminal opens its panel after the line, and writing the file happens in simulator/editing.py.

Where the real editor would open an empty buffer with no file name (nano on a directory or an unreadable
file, an editor with no file at all), this one prints the status line it would show and opens nothing:
the panel only edits named files. Only the first file named is edited.
"""

from __future__ import annotations

import posixpath

from simulator.commands import Context, command
from simulator.editing import Session, line_count
from simulator.filesystem import FsError

VIM_NAMES = {"vi", "vim", "vim.basic", "vim.tiny", "view", "nvi"}
NO_FILE = "{0}: the web terminal's editor opens named files only: type {0} FILE\n"


@command("nano")
def nano(ctx: Context, argv: list[str]) -> int:
    return _edit(ctx, argv, _nano_session)


@command("editor")
def editor(ctx: Context, argv: list[str]) -> int:
    """/usr/bin/editor, Ubuntu's alternative for the default editor: nano."""
    return _edit(ctx, argv, _nano_session)


@command("vi")
def vi(ctx: Context, argv: list[str]) -> int:
    return _edit(ctx, argv, _vim_session)


@command("vim")
def vim(ctx: Context, argv: list[str]) -> int:
    return _edit(ctx, argv, _vim_session)


@command("sudoedit")
def sudoedit(ctx: Context, argv: list[str]) -> int:
    """sudoedit is sudo -e: sudo's own checks (who may, which user) come first."""
    from simulator.commands.builtins import sudo

    return sudo(ctx, argv)


def _edit(ctx: Context, argv: list[str], open_session) -> int:
    name = posixpath.basename(argv[0])
    files = _file_arguments(argv[1:])
    if not files:
        ctx.err(NO_FILE.format(name))
        return 1
    session = open_session(ctx, files[0], name)
    if isinstance(session, str):
        ctx.err(session + "\n")
        return 1
    ctx.effects.setdefault("editor", session.to_dict())
    return 0


def _file_arguments(args: list[str]) -> list[str]:
    """The file names: options (-x, --long, +LINE) are accepted and have no effect here."""
    files, options = [], True
    for arg in args:
        if options and arg == "--":
            options = False
        elif options and len(arg) > 1 and arg[0] in "-+":
            continue
        else:
            files.append(arg)
    return files


def _stat(ctx: Context, name: str, uid: int):
    """The file's node, or None, with the errno name when it could not be looked up."""
    try:
        return ctx.machine.fs.stat(name, ctx.cwd, uid), None
    except FsError as error:
        return None, error.errno


def _nano_session(ctx: Context, name: str, command_name: str) -> Session | str:
    """nano's open_buffer: a directory or device is refused, the path checked, the file read."""
    fs = ctx.machine.fs
    node, _ = _stat(ctx, name, ctx.uid)
    if node is not None and node.kind == "dir":
        return f'[ "{name}" is a directory ]'
    if node is not None and node.kind != "file":
        return f'[ "{name}" is a device file ]'
    session = Session("nano", command_name, name, ctx.cwd, ctx.user, ctx.uid, "")
    problem = _nano_path_problem(ctx, name)
    if node is None:
        session.new = True
        session.message = problem or "[ New File ]"
        return session
    try:
        session.content = fs.read(name, ctx.cwd, ctx.uid)
    except FsError as error:
        return f"[ Error reading {name}: {error.message} ]"
    session.readonly = not fs.access(name, "w", ctx.cwd, ctx.uid)
    lines = line_count(session.content)
    read = f"[ Read {lines} line{'' if lines == 1 else 's'} ]"
    session.message = f"[ File '{name}' is unwritable ]" if session.readonly else read
    return session


def _nano_path_problem(ctx: Context, name: str) -> str:
    """nano's has_valid_path: the status line it shows when the file's directory is not usable."""
    parent = posixpath.dirname(name) or "."
    try:
        node = ctx.machine.fs.stat(parent, ctx.cwd, ctx.uid)
    except FsError as error:
        if error.errno == "ENOENT":
            return f"[ Directory '{parent}' does not exist ]"
        return f"[ Path '{parent}': {error.message} ]"
    if node.kind != "dir":
        return f"[ Path '{parent}' is not a directory ]"
    if not ctx.machine.fs.access(parent, "x", ctx.cwd, ctx.uid):
        return f"[ Path '{parent}' is not accessible ]"
    return ""


def _vim_session(ctx: Context, name: str, command_name: str) -> Session | str:
    """vim's readfile(): the file message it shows on opening ("name" 7L, 221B)."""
    fs = ctx.machine.fs
    node, errno = _stat(ctx, name, ctx.uid)
    if node is not None and node.kind == "dir":
        return f'"{name}" is a directory'
    session = Session("vim", command_name, name, ctx.cwd, ctx.user, ctx.uid, "")
    if node is None:
        session.new = errno != "EACCES"
        parent = posixpath.dirname(name) or "."
        flag = "[New]" if fs.is_dir(parent, ctx.cwd, ctx.uid) else "[New DIRECTORY]"
        flag = "[Permission Denied]" if errno == "EACCES" else flag
        session.message = f'"{name}" {flag}'
        return session
    session.readonly = not fs.access(name, "w", ctx.cwd, ctx.uid)
    try:
        session.content = fs.read(name, ctx.cwd, ctx.uid)
    except FsError:
        session.message = f'"{name}" [Permission Denied]'
        return session
    session.message = _vim_file_message(name, session.content, session.readonly)
    return session


def _vim_file_message(name: str, content: str, readonly: bool) -> str:
    noeol = content and not content.endswith("\n")
    flags = (" [readonly]" if readonly else "") + (" [noeol]" if noeol else "")
    return f'"{name}"{flags} {line_count(content)}L, {len(content.encode())}B'


def sudo_edit(ctx: Context, args: list[str], program: str, owner: str) -> int:
    """sudo -e / sudoedit (sudo_edit.c): the file is checked and read as `owner` (root), edited as a copy
    by the invoking user in their own editor, and written back as `owner` when the editor exits."""
    files = _file_arguments(args)
    if not files:
        return 1
    name = files[0]
    problem = _sudoedit_problem(ctx, name, owner)
    if problem:
        ctx.err(f"{program}: {name}: {problem}\n")
        return 1
    owner_uid = ctx.machine.users[owner]["uid"]
    fs = ctx.machine.fs
    new = not fs.exists(name, ctx.cwd, owner_uid)
    content = "" if new else fs.read(name, ctx.cwd, owner_uid)
    vim_like = _user_editor(ctx.env) in VIM_NAMES
    session = Session("vim" if vim_like else "nano", program, name, ctx.cwd, ctx.user, ctx.uid, content)
    session.sudoedit, session.original, session.owner_uid = True, content, owner_uid
    if vim_like:
        session.message = _vim_file_message(name, content, False)
    else:
        lines = line_count(content)
        session.message = f"[ Read {lines} line{'' if lines == 1 else 's'} ]"
    ctx.effects.setdefault("editor", session.to_dict())
    return 0


def _sudoedit_problem(ctx: Context, name: str, owner: str) -> str:
    """What sudo_edit_create_tfiles refuses, in its words; empty when the file may be edited."""
    fs = ctx.machine.fs
    owner_uid = ctx.machine.users[owner]["uid"]
    parent = posixpath.dirname(name) or "."
    if not fs.is_dir(parent, ctx.cwd, owner_uid):
        return "No such file or directory"
    if ctx.uid != 0 and fs.access(parent, "w", ctx.cwd, ctx.uid):
        return "editing files in a writable directory is not permitted"
    try:
        node = fs.lstat(name, ctx.cwd, owner_uid)
    except FsError as error:
        return "" if error.errno == "ENOENT" else error.message
    if node.kind == "symlink":
        return "editing symbolic links is not permitted"
    if node.kind == "dir":
        return "Is a directory"
    if node.kind != "file":
        return "not a regular file"
    return ""


def _user_editor(env: dict[str, str]) -> str:
    """The editor sudoedit runs: $SUDO_EDITOR, $VISUAL, $EDITOR, else Ubuntu's `editor` (nano)."""
    for variable in ("SUDO_EDITOR", "VISUAL", "EDITOR"):
        words = env.get(variable, "").split()
        if words:
            return posixpath.basename(words[0])
    return "editor"
