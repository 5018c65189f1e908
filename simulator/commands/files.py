"""File commands as GNU coreutils 9.4 prints them: ls, cat, touch, mkdir, rmdir, rm, cp, mv, ln, readlink,
stat, chmod, chown.

All work goes through the FileSystem with the caller's uid, so permissions decide as on a real system.
Times are shown in UTC, names sorted in C.UTF-8 (code point) order, as on a cloud image. Hard links are
copies here: the virtual filesystem has no shared inodes.
"""

from __future__ import annotations

import math
import posixpath
import re
import time
import zlib

from simulator import layout
from simulator.commands import Context, command
from simulator.commands.options import Options, gnu
from simulator.commands.text import read_inputs
from simulator.dialogue import stdin_is_terminal
from simulator.filesystem import MAX_FILE_SIZE, FsError, Node

COREUTILS = "(GNU coreutils) 9.4"
SIX_MONTHS = 15_778_476
TYPE_CHARS = {"dir": "d", "file": "-", "symlink": "l", "chardev": "c", "blockdev": "b"}
NEEDS_QUOTES = re.compile(r"[^A-Za-z0-9._+,/:@%^=~-]")


def _table(ctx: Context, path: str) -> list[list[str]]:
    try:
        text = ctx.machine.fs.read(path)
    except FsError:
        return []
    return [line.split(":") for line in text.splitlines() if line.count(":") >= 3]


def user_name(ctx: Context, uid: int) -> str:
    """The name /etc/passwd gives `uid` (falling back to the machine's users, then the number)."""
    for fields in _table(ctx, "/etc/passwd"):
        if fields[2] == str(uid):
            return fields[0]
    return next((n for n, u in ctx.machine.users.items() if u["uid"] == uid), str(uid))


def group_entries(ctx: Context) -> list[tuple[int, str, list[str]]]:
    """(gid, name, members) for every well-formed line of /etc/group."""
    return [(int(f[2]), f[0], f[3].split(",")) for f in _table(ctx, "/etc/group") if f[2].isdigit()]


def group_name(ctx: Context, gid: int) -> str:
    for number, name, _ in group_entries(ctx):
        if number == gid:
            return name
    return next((n for n, u in ctx.machine.users.items() if u["gid"] == gid), str(gid))


def quote(name: str, tty: bool = True) -> str:
    """ls's default quoting on a terminal ("shell-escape"): 'my file'; unquoted when piped."""
    if not tty or not NEEDS_QUOTES.search(name):
        return name
    return f'"{name}"' if "'" in name else f"'{name}'"


def mode_string(node: Node) -> str:
    """-rw-r--r--, drwxrwxrwt, crw-rw----: the type letter and the nine permission bits."""
    chars = [TYPE_CHARS[node.kind]]
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = node.mode >> shift
        chars.append("r" if bits & 4 else "-")
        chars.append("w" if bits & 2 else "-")
        execute = bits & 1
        if node.mode & special:
            chars.append(letter if execute else letter.upper())
        else:
            chars.append("x" if execute else "-")
    return "".join(chars)


def human(size: int) -> str:
    """ls -h: powers of 1024, rounded up, one decimal below 10 (4.0K, 13K, 1.5M)."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGTPE":
        value /= 1024
        if value < 10 and math.ceil(value * 10) / 10 < 10:
            return f"{math.ceil(value * 10) / 10:.1f}{unit}"
        if math.ceil(value) < 1024:
            return f"{math.ceil(value)}{unit}"
    return f"{math.ceil(value)}E"


def size_of(path: str, node: Node) -> int:
    allocated = layout.allocated_bytes(node)
    if allocated is not None:
        return allocated
    if node.generator is not None:
        return 4096 if path.startswith("/sys/") else 0
    if node.kind == "symlink" and path.startswith(("/sys/", "/proc/")):
        return 0  # kernfs and procfs links have no size
    return node.size


def blocks_of(path: str, node: Node) -> int:
    """Allocated size in KiB, as ls -s and the "total" line count it (4 KiB blocks)."""
    if node.kind == "dir":
        return 4
    if node.kind != "file" or (node.generator is not None and layout.allocated_bytes(node) is None):
        return 0
    return math.ceil(size_of(path, node) / 4096) * 4


def links_of(ctx: Context, path: str, node: Node) -> int:
    if node.kind != "dir":
        return 1
    fs = ctx.machine.fs
    children = fs.children.get(path, ())
    return 2 + sum(1 for name in children if fs.nodes[posixpath.join(path, name)].kind == "dir")


def inode_of(path: str) -> int:
    """A stable inode number per path (the tree stores none): 2 for the root, as on ext4."""
    return zlib.crc32(path.encode()) % 3_000_000 + 2 if path != "/" else 2


def ls_time(mtime: int, now: int) -> str:
    stamp = time.gmtime(mtime)
    month = time.strftime("%b", stamp)
    if abs(now - mtime) < SIX_MONTHS:
        return f"{month} {stamp.tm_mday:2d} {stamp.tm_hour:02d}:{stamp.tm_min:02d}"
    return f"{month} {stamp.tm_mday:2d}  {stamp.tm_year}"


def _fail(ctx: Context, prog: str, what: str, error: FsError) -> int:
    ctx.err(f"{prog}: {what}: {error.message}\n")
    return 1


@command(
    "ls",
    man="""
NAME
       ls - list directory contents

SYNOPSIS
       ls [-1aAdhilnrRStu] [FILE]...

DESCRIPTION
       List information about the FILEs (the current directory by default), sorted by name.
       -a     do not ignore entries starting with .        -A   like -a, without . and ..
       -d     list directories themselves, not their contents
       -l     long listing: type+permissions, links, owner, group, size, date, name (-> link target)
       -h     with -l, human-readable sizes (4.0K, 1.5M)   -n   numeric user and group IDs
       -R     list subdirectories recursively              -1   one name per line
       -r     reverse order   -t   newest first   -S   largest first
       -i     print each file's inode number first
       In a long listing, c and b mark character and block devices, shown as "major, minor"
       (for example /dev/kvm: crw-rw---- 1 root kvm 10, 232).
""",
)
@gnu(
    "1aAdhilnrRSt",
    {
        "inode": "i",
        "all": "a",
        "almost-all": "A",
        "directory": "d",
        "human-readable": "h",
        "recursive": "R",
        "reverse": "r",
        "numeric-uid-gid": "n",
    },
    status=2,
    version=COREUTILS,
)
def ls(ctx: Context, opts: Options, operands: list[str]) -> int:
    fs = ctx.machine.fs
    long = "l" in opts or "n" in opts
    tty = getattr(ctx, "tty", False)
    status = 0
    files: list[tuple[str, str, Node]] = []
    directories: list[tuple[str, str]] = []
    for operand in operands or ["."]:
        follow = not long or operand.endswith("/")
        try:
            node = fs.stat(operand, ctx.cwd, ctx.uid) if follow else fs.lstat(operand, ctx.cwd, ctx.uid)
        except FsError as error:
            if follow and error.errno == "ENOENT" and fs.lexists(operand, ctx.cwd, ctx.uid):
                files.append((operand, fs.resolve(operand, ctx.cwd, False), fs.lstat(operand, ctx.cwd)))
                continue
            ctx.err(f"ls: cannot access '{operand}': {error.message}\n")
            status = 2
            continue
        real = fs.resolve(operand, ctx.cwd, follow=follow)
        if node.kind == "dir" and "d" not in opts:
            directories.append((operand, real))
        else:
            files.append((operand, real, node))
    blocks = []
    if files:
        blocks.append(_render(ctx, opts, _sorted(opts, files), long, tty, total=False))
    headers = len(operands) > 1 or "R" in opts or bool(files)
    queue = list(_sorted_dirs(opts, directories))
    while queue:
        shown, real = queue.pop(0)
        try:
            names = fs.listdir(real, uid=ctx.uid)
        except FsError as error:
            ctx.err(f"ls: cannot open directory '{shown}': {error.message}\n")
            status = 2
            continue
        if opts.last_of("a", "A") == "a":
            names = [".", "..", *names]
        elif "a" not in opts and "A" not in opts:
            names = [n for n in names if not n.startswith(".")]
        entries = []
        for name in names:
            path = posixpath.normpath(posixpath.join(real, name))
            entries.append((name, path, fs.lstat(path)))
        entries = _sorted(opts, entries)
        body = _render(ctx, opts, entries, long, tty, total=True)
        blocks.append((f"{quote(shown, tty)}:\n" if headers else "") + body)
        if "R" in opts:
            subdirs = [
                (posixpath.join(shown, name), path)
                for name, path, node in entries
                if node.kind == "dir" and name not in (".", "..")
            ]
            queue[0:0] = subdirs
    ctx.out("\n".join(blocks))
    return status


def _sorted(opts: Options, entries: list) -> list:
    key = opts.last_of("t", "S")
    if key == "t":
        entries = sorted(entries, key=lambda e: -e[2].mtime)
    elif key == "S":
        entries = sorted(entries, key=lambda e: -size_of(e[1], e[2]))
    else:
        entries = sorted(entries, key=lambda e: e[0])
    return entries[::-1] if "r" in opts else entries


def _sorted_dirs(opts: Options, directories: list[tuple[str, str]]) -> list[tuple[str, str]]:
    ordered = sorted(directories)
    return ordered[::-1] if "r" in opts else ordered


def _render(ctx: Context, opts: Options, entries: list, long: bool, tty: bool, total: bool) -> str:
    if not entries and not total:
        return ""
    if long:
        return _long_listing(ctx, opts, entries, tty, total)
    names = [quote(name, tty) for name, _, _ in entries]
    if "i" in opts:
        names = [f"{number} {name}" for number, name in zip(_inodes(entries), names, strict=True)]
    if not tty or opts.last_of("1", "l") == "1":
        return "".join(n + "\n" for n in names)
    return columns(names)


def _inodes(entries: list) -> list[str]:
    """ls -i: each entry's inode number, right-aligned to the widest of the listing."""
    numbers = [str(inode_of(path)) for _, path, _ in entries]
    width = max(map(len, numbers), default=0)
    return [number.rjust(width) for number in numbers]


def columns(names: list[str], width: int = 80) -> str:
    """GNU ls's vertical columns: the most columns whose rows stay under `width`, filled top to bottom.

    As in ls.c, every column but the last counts two separating spaces, even when it ends up empty.
    """
    if not names:
        return ""
    count = 1
    widths = [max(map(len, names))]
    for cols in range(min(max(1, width // 3), len(names)), 1, -1):
        rows = math.ceil(len(names) / cols)
        trial = [0] * cols
        for index, name in enumerate(names):
            column = index // rows
            trial[column] = max(trial[column], len(name) + (0 if column == cols - 1 else 2))
        if sum(trial) < width:
            count, widths = cols, trial
            break
    rows = math.ceil(len(names) / count)
    lines = []
    for row in range(rows):
        cells = names[row::rows]
        padded = [cell.ljust(widths[column]) for column, cell in enumerate(cells[:-1])]
        lines.append("".join(padded) + cells[-1])
    return "\n".join(lines) + "\n"


def _long_listing(ctx: Context, opts: Options, entries: list, tty: bool, total: bool) -> str:
    now = ctx.machine.fs.now()
    numeric = "n" in opts
    devices = [node for _, _, node in entries if node.kind in ("chardev", "blockdev")]
    major_width = max((len(str(node.major)) for node in devices), default=0)
    minor_width = max((len(str(node.minor)) for node in devices), default=0)
    rows = []
    for name, path, node in entries:
        if node.kind in ("chardev", "blockdev"):
            size = f"{node.major:>{major_width}}, {node.minor:>{minor_width}}"
        else:
            size = human(size_of(path, node)) if "h" in opts else str(size_of(path, node))
        shown = quote(name, tty)
        if node.kind == "symlink":
            shown += " -> " + quote(node.target, tty)
        owner = str(node.uid) if numeric else user_name(ctx, node.uid)
        group = str(node.gid) if numeric else group_name(ctx, node.gid)
        links = str(links_of(ctx, path, node))
        rows.append((mode_string(node), links, owner, group, size, ls_time(node.mtime, now), shown))
    widths = [max(len(row[i]) for row in rows) for i in range(5)] if rows else [0] * 5
    lines = []
    if total:
        kib = sum(blocks_of(path, node) for _, path, node in entries)
        lines.append(f"total {human(kib * 1024) if 'h' in opts and kib else kib}")
    inodes = _inodes(entries) if "i" in opts else [""] * len(rows)
    for number, (mode, links, owner, group, size, when, shown) in zip(inodes, rows, strict=True):
        lines.append(
            (f"{number} " if number else "")
            + f"{mode} {links.rjust(widths[1])} {owner.ljust(widths[2])} {group.ljust(widths[3])} "
            f"{size.rjust(widths[4])} {when} {shown}"
        )
    return "\n".join(lines) + "\n"


@command(
    "cat",
    man="""
NAME
       cat - concatenate files and print on the standard output

SYNOPSIS
       cat [-nE] [FILE]...

DESCRIPTION
       Print each FILE in turn; with no FILE, or when FILE is -, read standard input.
       -n     number all output lines     -E   show $ at the end of each line
""",
)
@gnu("nE", {"number": "n", "show-ends": "E"}, version=COREUTILS)
def cat(ctx: Context, opts: Options, operands: list[str]) -> int:
    """From the terminal cat writes each line as it is typed, up to a Ctrl-D (a tty hands its reader one
    line at a time); the numbering of -n runs on across its inputs."""
    status, shown = 0, _CatOutput(ctx, opts)
    for operand in operands or ["-"]:
        if operand == "-" and stdin_is_terminal(ctx):
            while (record := ctx.input.line()) is not None:
                shown.write(record[0] + "\n")
            continue
        for _, text in read_inputs(ctx, "cat", [operand]):
            if text is None:
                status = 1
            else:
                shown.write(text)
    return status


class _CatOutput:
    """cat's output, written in pieces: -E marks each line's end, -n numbers each line as it starts."""

    def __init__(self, ctx: Context, opts: Options):
        self.ctx, self.ends, self.numbered = ctx, "E" in opts, "n" in opts
        self.number, self.line_start = 1, True

    def write(self, text: str) -> None:
        if self.ends:
            text = text.replace("\n", "$\n")
        if self.numbered:
            pieces = []
            for line in text.splitlines(keepends=True):
                if self.line_start:
                    pieces.append(f"{self.number:6d}\t")
                    self.number += 1
                pieces.append(line)
                self.line_start = line.splitlines()[0] != line
            text = "".join(pieces)
        self.ctx.out(text)


def _missing_operand(ctx: Context, prog: str, what: str = "operand") -> int:
    ctx.err(f"{prog}: missing {what}\nTry '{prog} --help' for more information.\n")
    return 1


@command(
    "touch",
    man="""
NAME
       touch - change file timestamps

SYNOPSIS
       touch FILE...

DESCRIPTION
       Set the modification time of each FILE to now, creating it empty if it does not exist.
""",
)
@gnu("acm", version=COREUTILS)
def touch(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _missing_operand(ctx, "touch", "file operand")
    status = 0
    for operand in operands:
        try:
            ctx.machine.fs.touch(operand, ctx.cwd, ctx.uid)
        except FsError as error:
            status = _fail(ctx, "touch", f"cannot touch '{operand}'", error)
    return status


TRUNCATE_SIZE = re.compile(r"([-+<>/%]?)(\d+)(?:([KMGT])(B|iB)?)?")


@command(
    "truncate",
    man="""
NAME
       truncate - shrink or extend the size of a file to the specified size

SYNOPSIS
       truncate -s SIZE FILE...

DESCRIPTION
       Set each FILE to SIZE bytes, creating it if it does not exist (not with -c). A shorter file is
       padded with zero bytes. SIZE may carry K, M, G (powers of 1024) or KB, MB, GB (of 1000), and a
       prefix: + extend by, - reduce by, < at most, > at least, / round down to, % round up to a multiple.

       truncate -s 0 /etc/machine-id    empty the file, keeping its owner and mode
""",
)
@gnu("cs:", {"no-create": "c", "size=": "s"}, version=COREUTILS)
def truncate(ctx: Context, opts: Options, operands: list[str]) -> int:
    """truncate(1) of coreutils 9.4: the same checks in the same order, and its messages."""
    text = opts.get("s")
    if text is None:
        ctx.err("truncate: you must specify either '--size' or '--reference'\n")
        ctx.err("Try 'truncate --help' for more information.\n")
        return 1
    match = TRUNCATE_SIZE.fullmatch(text)
    if match is None:
        ctx.err(f"truncate: Invalid number: '{text}'\n")
        return 1
    if not operands:
        return _missing_operand(ctx, "truncate", "file operand")
    how, digits, unit, decimal = match.groups()
    size = int(digits) * (1000 if decimal == "B" else 1024) ** " KMGT".index(unit or " ")
    if how in ("/", "%") and size == 0:
        ctx.err("truncate: division by zero\n")
        return 1
    status = 0
    for operand in operands:
        try:
            status |= _truncate(ctx, operand, how, size, create="c" not in opts)
        except FsError as error:
            ctx.err(f"truncate: cannot open '{operand}' for writing: {error.message}\n")
            status = 1
    return status


def _truncate(ctx: Context, path: str, how: str, size: int, create: bool) -> int:
    fs = ctx.machine.fs
    if not fs.exists(path, ctx.cwd):
        if not create:
            return 0
        fs.write(path, "", ctx.cwd, ctx.uid)
    fs.write(path, "", ctx.cwd, ctx.uid, append=True)  # opened for writing: the caller's permission
    old = len(fs.read(path, ctx.cwd))
    new = {
        "": size,
        "+": old + size,
        "-": max(old - size, 0),
        "<": min(old, size),
        ">": max(old, size),
        "/": old // size * size if size else 0,
        "%": -(-old // size) * size if size else 0,
    }[how]
    if new > MAX_FILE_SIZE:  # the simulated disk holds no more; say so before making the zero bytes
        ctx.err(f"truncate: failed to truncate '{path}' at {new} bytes: File too large\n")
        return 1
    ctx.tick(new // 4096)
    content = fs.read(path, ctx.cwd)
    fs.write(path, content[:new] + "\0" * (new - len(content)), ctx.cwd, ctx.uid)
    return 0


def _parse_mode(text: str, current: int, is_dir: bool = False) -> int | None:
    """An octal mode, or a symbolic one like u+x,go-w,a=r (who defaults to a, masked by umask 022)."""
    if re.fullmatch(r"[0-7]{1,4}", text):
        return int(text, 8)
    mode = current
    for clause in text.split(","):
        match = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause)
        if not match:
            return None
        who, op, perms = match.groups()
        mask = {"u": 0o4700, "g": 0o2070, "o": 0o1007}
        scope = sum(mask[w] for w in set(who.replace("a", "ugo"))) if who else 0o7777 & ~0o022
        bits = 0
        for p in perms:
            if p == "X" and not (is_dir or current & 0o111):
                continue
            bits |= {"r": 0o444, "w": 0o222, "x": 0o111, "X": 0o111, "s": 0o6000, "t": 0o1000}[p]
        bits &= scope
        if op == "+":
            mode |= bits
        elif op == "-":
            mode &= ~bits
        else:
            mode = (mode & ~(scope & 0o777 if who else 0o777)) | bits
    return mode


@command(
    "mkdir",
    man="""
NAME
       mkdir - make directories

SYNOPSIS
       mkdir [-pv] [-m MODE] DIRECTORY...

DESCRIPTION
       -p     make parent directories as needed; no error if the directory exists
       -m     set the permission mode (as in chmod), e.g. -m 700
       -v     print a message for each created directory
""",
)
@gnu("pvm:", {"parents": "p", "verbose": "v", "mode=": "m"}, version=COREUTILS)
def mkdir(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _missing_operand(ctx, "mkdir")
    mode = 0o755
    if "m" in opts:
        parsed = _parse_mode(opts.get("m"), 0o777, is_dir=True)
        if parsed is None:
            ctx.err(f"mkdir: invalid mode '{opts.get('m')}'\n")
            return 1
        mode = parsed
    fs = ctx.machine.fs
    status = 0
    for operand in operands:
        try:
            if "p" in opts and fs.is_dir(operand, ctx.cwd, ctx.uid):
                continue
            fs.mkdir(operand, ctx.cwd, ctx.uid, parents="p" in opts, mode=mode)
            if "m" in opts:
                fs.chmod(operand, mode, ctx.cwd, ctx.uid)
            if "v" in opts:
                ctx.out(f"mkdir: created directory '{operand}'\n")
        except FsError as error:
            status = _fail(ctx, "mkdir", f"cannot create directory '{operand}'", error)
    return status


@command(
    "rmdir",
    man="""
NAME
       rmdir - remove empty directories

SYNOPSIS
       rmdir DIRECTORY...
""",
)
@gnu("pv", {"parents": "p", "verbose": "v"}, version=COREUTILS)
def rmdir(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _missing_operand(ctx, "rmdir")
    status = 0
    for operand in operands:
        try:
            ctx.machine.fs.rmdir(operand, ctx.cwd, ctx.uid)
        except FsError as error:
            status = _fail(ctx, "rmdir", f"failed to remove '{operand}'", error)
    return status


@command(
    "rm",
    man="""
NAME
       rm - remove files or directories

SYNOPSIS
       rm [-rfv] FILE...

DESCRIPTION
       -r, -R remove directories and their contents recursively
       -f     ignore nonexistent files, never prompt
       -d     remove empty directories       -v   explain what is being done
       rm refuses to work recursively on / (--no-preserve-root overrides; do not).
""",
)
@gnu(
    "rRfvdi",
    {"recursive": "r", "force": "f", "verbose": "v", "dir": "d", "no-preserve-root": "no-preserve-root"},
    version=COREUTILS,
)
def rm(ctx: Context, opts: Options, operands: list[str]) -> int:
    force = opts.last_of("f", "i") == "f"
    recursive = "r" in opts or "R" in opts
    if not operands:
        return 0 if force else _missing_operand(ctx, "rm")
    fs = ctx.machine.fs
    status = 0
    for operand in operands:
        if posixpath.basename(operand.rstrip("/")) in (".", ".."):
            ctx.err(f"rm: refusing to remove '.' or '..' directory: skipping '{operand}'\n")
            status = 1
            continue
        try:
            real = fs.resolve(operand, ctx.cwd, follow=False, uid=ctx.uid)
            node = fs.lstat(operand, ctx.cwd, ctx.uid)
        except FsError as error:
            if not (force and error.errno == "ENOENT"):
                status = _fail(ctx, "rm", f"cannot remove '{operand}'", error)
            continue
        if real == "/" and recursive:
            if "no-preserve-root" not in opts:
                ctx.err("rm: it is dangerous to operate recursively on '/'\n")
                ctx.err("rm: use --no-preserve-root to override this failsafe\n")
                status = 1
                continue
            for name in fs.listdir("/", uid=ctx.uid):
                status |= _remove(ctx, opts, "/" + name, fs.lstat("/" + name), recursive)
            continue
        if "i" in opts and not force:
            ctx.err(f"rm: remove {_describe(node)} '{operand}'? ")
            continue
        status |= _remove(ctx, opts, operand, node, recursive)
    return status


def _describe(node: Node) -> str:
    if node.kind == "file":
        return "regular empty file" if not node.content else "regular file"
    return {"dir": "directory", "symlink": "symbolic link"}.get(node.kind, "file")


def _remove(ctx: Context, opts: Options, operand: str, node: Node, recursive: bool) -> int:
    fs = ctx.machine.fs
    try:
        if node.kind == "dir" and not recursive:
            if "d" not in opts:
                raise FsError("EISDIR", operand)
            fs.rmdir(operand, ctx.cwd, ctx.uid)
        else:
            fs.remove(operand, ctx.cwd, ctx.uid, recursive=recursive)
    except FsError as error:
        return _fail(ctx, "rm", f"cannot remove '{operand}'", error)
    if "v" in opts:
        kind = "directory" if node.kind == "dir" else ""
        ctx.out(f"removed {kind + ' ' if kind else ''}'{operand}'\n")
    return 0


def _in_directory(directory: str, source: str) -> str:
    """Where SOURCE lands when copied, moved or linked into DIRECTORY."""
    return posixpath.join(directory, posixpath.basename(source.rstrip("/")))


def _destinations(ctx: Context, prog: str, operands: list[str]) -> list[tuple[str, str]] | None:
    """Pair each source with where it goes: into the last operand when that is a directory, else onto it."""
    fs = ctx.machine.fs
    if not operands:
        _missing_operand(ctx, prog, "file operand")
        return None
    if len(operands) == 1:
        ctx.err(f"{prog}: missing destination file operand after '{operands[0]}'\n")
        ctx.err(f"Try '{prog} --help' for more information.\n")
        return None
    *sources, destination = operands
    into = fs.is_dir(destination, ctx.cwd, ctx.uid)
    if len(sources) > 1 and not into:
        ctx.err(f"{prog}: target '{destination}' is not a directory\n")
        return None
    return [(source, _in_directory(destination, source) if into else destination) for source in sources]


@command(
    "cp",
    man="""
NAME
       cp - copy files and directories

SYNOPSIS
       cp [-rapv] SOURCE DEST
       cp [-rapv] SOURCE... DIRECTORY

DESCRIPTION
       -r, -R copy directories recursively (symbolic links inside are copied as links)
       -p     preserve mode, ownership (as root) and timestamps
       -a     archive: -r and -p, as for backups     -v   explain what is being done
       The copy belongs to whoever runs cp, unless -p/-a is used as root.
""",
)
@gnu("rRapvfi", {"recursive": "r", "archive": "a", "verbose": "v", "force": "f"}, version=COREUTILS)
def cp(ctx: Context, opts: Options, operands: list[str]) -> int:
    pairs = _destinations(ctx, "cp", operands)
    if pairs is None:
        return 1
    fs = ctx.machine.fs
    recursive = bool({"r", "R", "a"} & set(opts.order))
    preserve = "a" in opts or "p" in opts
    status = 0
    for source, target in pairs:
        try:
            node = fs.lstat(source, ctx.cwd, ctx.uid) if recursive else fs.stat(source, ctx.cwd, ctx.uid)
        except FsError as error:
            status = _fail(ctx, "cp", f"cannot stat '{source}'", error)
            continue
        if node.kind == "symlink" and source.endswith("/"):
            node = fs.stat(source, ctx.cwd, ctx.uid)
        if node.kind == "dir" and not recursive:
            ctx.err(f"cp: -r not specified; omitting directory '{source}'\n")
            status = 1
            continue
        real_source = fs.resolve(source, ctx.cwd, follow=node.kind != "symlink")
        real_target = fs.resolve(target, ctx.cwd) if fs.exists(target, ctx.cwd) else None
        if real_target == real_source:
            ctx.err(f"cp: '{source}' and '{target}' are the same file\n")
            status = 1
            continue
        absolute_target = posixpath.normpath(posixpath.join(ctx.cwd, target))
        if node.kind == "dir" and (absolute_target + "/").startswith(real_source + "/"):
            ctx.err(f"cp: cannot copy a directory, '{source}', into itself, '{target}'\n")
            status = 1
            continue
        status |= _copy_tree(ctx, opts, real_source, target, preserve)
    return status


def _copy_tree(ctx: Context, opts: Options, source: str, target: str, preserve: bool) -> int:
    fs = ctx.machine.fs
    status = 0
    failed: list[str] = []  # directories that could not be made: GNU cp does not descend into them
    for path in list(fs.walk(source)):
        if any(path.startswith(prefix) for prefix in failed):
            continue
        node = fs.nodes[path]
        dest = target + path[len(source) :]
        try:
            if node.kind == "dir":
                if not fs.is_dir(dest, ctx.cwd, ctx.uid):
                    fs.mkdir(dest, ctx.cwd, ctx.uid, mode=node.mode)
            elif node.kind == "symlink":
                if fs.lexists(dest, ctx.cwd):
                    fs.remove(dest, ctx.cwd, ctx.uid)
                fs.symlink(node.target, dest, ctx.cwd, ctx.uid)
            else:
                try:
                    content = fs.read(path, uid=ctx.uid)
                except FsError as error:
                    status = _fail(ctx, "cp", f"cannot open '{path}' for reading", error)
                    continue
                mode = node.mode & 0o777 if preserve else node.mode & 0o755
                fs.write(dest, content, ctx.cwd, ctx.uid, mode=mode)
        except FsError as error:
            kind = "directory" if node.kind == "dir" else "regular file"
            status = _fail(ctx, "cp", f"cannot create {kind} '{dest}'", error)
            if node.kind == "dir":
                failed.append(path.rstrip("/") + "/")
            continue
        if preserve:
            copied = fs.lstat(dest, ctx.cwd)
            copied.mode, copied.mtime = node.mode, node.mtime
            if ctx.is_root:
                copied.uid, copied.gid = node.uid, node.gid
        if "v" in opts:
            ctx.out(f"'{path}' -> '{dest}'\n")
    return status


@command(
    "mv",
    man="""
NAME
       mv - move (rename) files

SYNOPSIS
       mv [-fv] SOURCE DEST
       mv [-fv] SOURCE... DIRECTORY

DESCRIPTION
       Rename SOURCE to DEST, or move SOURCEs into DIRECTORY. Needs write permission on both
       directories involved.
""",
)
@gnu("fvin", {"force": "f", "verbose": "v"}, version=COREUTILS)
def mv(ctx: Context, opts: Options, operands: list[str]) -> int:
    pairs = _destinations(ctx, "mv", operands)
    if pairs is None:
        return 1
    fs = ctx.machine.fs
    status = 0
    for source, target in pairs:
        try:
            fs.lstat(source, ctx.cwd, ctx.uid)
        except FsError as error:
            status = _fail(ctx, "mv", f"cannot stat '{source}'", error)
            continue
        try:
            fs.rename(source, target, ctx.cwd, ctx.uid)
        except FsError as error:
            if error.errno == "EINVAL":
                ctx.err(f"mv: cannot move '{source}' to a subdirectory of itself, '{target}'\n")
                status = 1
            else:
                status = _fail(ctx, "mv", f"cannot move '{source}' to '{target}'", error)
            continue
        if "v" in opts:
            ctx.out(f"renamed '{source}' -> '{target}'\n")
    return status


@command(
    "ln",
    man="""
NAME
       ln - make links between files

SYNOPSIS
       ln [-sfv] TARGET LINK_NAME
       ln [-sfv] TARGET... DIRECTORY

DESCRIPTION
       -s     make a symbolic link: LINK_NAME will point to the path TARGET (which may not exist)
       -f     remove an existing LINK_NAME first      -v   print each link made
       Without -s a hard link is made (in GuestLab: a copy, as there are no shared inodes).
""",
)
@gnu("sfvnT", {"symbolic": "s", "force": "f", "verbose": "v"}, version=COREUTILS)
def ln(ctx: Context, opts: Options, operands: list[str]) -> int:
    fs = ctx.machine.fs
    if not operands:
        return _missing_operand(ctx, "ln", "file operand")
    if len(operands) == 1:
        operands = [operands[0], posixpath.basename(operands[0].rstrip("/")) or operands[0]]
    *targets, last = operands
    into = fs.is_dir(last, ctx.cwd, ctx.uid) and "n" not in opts
    if len(targets) > 1 and not into:
        ctx.err(f"ln: target '{last}' is not a directory\n")
        return 1
    status = 0
    kind = "symbolic link" if "s" in opts else "hard link"
    for target in targets:
        link = _in_directory(last, target) if into else last
        try:
            if "s" not in opts:
                source = fs.stat(target, ctx.cwd, ctx.uid)
                if source.kind == "dir":
                    ctx.err(f"ln: {target}: hard link not allowed for directory\n")
                    status = 1
                    continue
            if "f" in opts and fs.lexists(link, ctx.cwd):
                fs.remove(link, ctx.cwd, ctx.uid)
            if "s" in opts:
                fs.symlink(target, link, ctx.cwd, ctx.uid)
            else:
                if fs.lexists(link, ctx.cwd):
                    raise FsError("EEXIST", link)
                fs.write(link, fs.read(target, ctx.cwd, ctx.uid), ctx.cwd, ctx.uid, mode=source.mode)
        except FsError as error:
            if error.path == target and "s" not in opts:
                status = _fail(ctx, "ln", f"failed to access '{target}'", error)
            else:
                status = _fail(ctx, "ln", f"failed to create {kind} '{link}'", error)
            continue
        if "v" in opts:
            ctx.out(f"'{link}' -> '{target}'\n")
    return status


@command(
    "readlink",
    man="""
NAME
       readlink - print resolved symbolic links or canonical file names

SYNOPSIS
       readlink [-f|-e|-m] FILE...

DESCRIPTION
       Print the target of each symbolic link (exit 1, silently, if FILE is not a link).
       -f     canonicalize: follow every link; all but the last component must exist
       -e     like -f, and the file must exist        -m   like -f, nothing needs to exist
""",
)
@gnu("femnqsv", {"canonicalize": "f", "canonicalize-existing": "e", "canonicalize-missing": "m"})
def readlink(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _missing_operand(ctx, "readlink")
    fs = ctx.machine.fs
    mode = opts.last_of("f", "e", "m")
    status = 0
    for operand in operands:
        try:
            if mode is None:
                node = fs.lstat(operand, ctx.cwd, ctx.uid)
                if node.kind != "symlink":
                    status = 1
                    continue
                ctx.out(node.target + "\n")
                continue
            if mode == "m":
                ctx.out(_canonical_missing(ctx, operand) + "\n")
                continue
            real = fs.resolve(operand, ctx.cwd, uid=ctx.uid)
            if mode == "e" and real not in fs.nodes:
                raise FsError("ENOENT", operand)
            ctx.out(real + "\n")
        except FsError as error:
            if "v" in opts:
                _fail(ctx, "readlink", operand, error)
            status = 1
    return status


def _canonical_missing(ctx: Context, operand: str) -> str:
    fs = ctx.machine.fs
    path = posixpath.normpath(posixpath.join(ctx.cwd, operand))
    head, tail = path, []
    while head != "/":
        try:
            return posixpath.join(fs.resolve(head, uid=ctx.uid), *reversed(tail))
        except FsError:
            head, name = posixpath.split(head)
            tail.append(name)
    return posixpath.join("/", *reversed(tail))


# overlayfs takes an anonymous device (major 0) when Docker mounts a container's root; with every layer on
# one file system it reports that device for files too, not the layers' disk (moby/moby#43512 shows
# `stat /bin/cat` in a container giving "Device: 92h/146d", major 0). The minor depends on how many
# anonymous mounts the host made before: this one is plausible, not taken from a capture.
OVERLAY_DEVICE = "0,52"


def _container_device(machine, path: str) -> str | None:
    """In a container, the mount holding PATH decides: the overlay root, or the host's disk behind a bind
    mount (Docker's /etc/hosts, hostname, resolv.conf; LXC's whole root), as df and mount show them."""
    from simulator.commands.mounts import mount_table

    covering = [
        m
        for m in mount_table(machine)
        if m.target == "/" or path == m.target or path.startswith(m.target + "/")
    ]
    mount = max(covering, key=lambda m: len(m.target))
    if mount.fstype == "overlay":
        return OVERLAY_DEVICE
    part = next((p for d in machine.disks for p in d["parts"] if f"/dev/{p['name']}" == mount.source), None)
    return f"{part['major']},{part['minor']}" if part else None


def _device_of(machine, path: str) -> str:
    """The st_dev of the file system holding PATH, as coreutils 9.4 stat prints it ("%Hd,%Ld"): the
    partition mounted at the longest matching mount point, so that it agrees with lsblk's MAJ:MIN."""
    if machine.kind == "container":
        device = _container_device(machine, path)
        if device:
            return device
    for prefix, device in (("/proc", "0,22"), ("/sys", "0,23"), ("/dev", "0,5"), ("/run", "0,25")):
        if path == prefix or path.startswith(prefix + "/"):
            return device
    mounted = [
        part
        for disk in machine.disks
        for part in disk["parts"]
        if part["mount"] and (path == part["mount"] or path.startswith(part["mount"].rstrip("/") + "/"))
    ]
    if not mounted:
        return "252,1"
    part = max(mounted, key=lambda p: len(p["mount"]))
    return f"{part['major']},{part['minor']}"


def _stamp(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + ".000000000 +0000"


FILE_TYPES = {
    "dir": "directory",
    "symlink": "symbolic link",
    "chardev": "character special file",
    "blockdev": "block special file",
}


@command(
    "stat",
    man="""
NAME
       stat - display file status

SYNOPSIS
       stat [-L] [-c FORMAT | --printf=FORMAT] FILE...

DESCRIPTION
       Show size, blocks, type, device, inode, links, permissions (octal and rwx), owner, group and
       the access/modify/change/birth times of each FILE. -L follows symbolic links.
       -c FORMAT   only what FORMAT asks, then a newline: %n name, %s size, %a / %A permissions,
                   %U / %G owner and group (%u %g numeric), %i inode, %F type, %h links, %y modified
       --printf    the same without the newline, and with backslash escapes (\n, \t)
""",
)
@gnu("Ltc:", {"dereference": "L", "terse": "t", "format=": "c", "printf=": "printf"}, version=COREUTILS)
def stat(ctx: Context, opts: Options, operands: list[str]) -> int:
    if not operands:
        return _missing_operand(ctx, "stat")
    fs = ctx.machine.fs
    status = 0
    chosen = opts.last_of("c", "printf")
    for operand in operands:
        try:
            follow = "L" in opts
            node = fs.stat(operand, ctx.cwd, ctx.uid) if follow else fs.lstat(operand, ctx.cwd, ctx.uid)
            path = fs.resolve(operand, ctx.cwd, follow=follow)
        except FsError as error:
            status = _fail(ctx, "stat", f"cannot statx '{operand}'", error)
            continue
        if chosen == "c":
            ctx.out(_stat_format(ctx, opts.get("c"), operand, path, node, escapes=False) + "\n")
        elif chosen == "printf":
            ctx.out(_stat_format(ctx, opts.get("printf"), operand, path, node, escapes=True))
        else:
            ctx.out(_stat_block(ctx, operand, path, node))
    return status


def _file_type(path: str, node: Node) -> str:
    return FILE_TYPES.get(node.kind) or ("regular empty file" if size_of(path, node) == 0 else "regular file")


def _mount_point(machine, path: str) -> str:
    """%m: the longest mount point above PATH (the pseudo file systems first)."""
    for prefix in ("/proc", "/sys", "/dev", "/run"):
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    mounts = [p["mount"] for d in machine.disks for p in d["parts"] if p.get("mount")]
    covering = [m for m in mounts if path == m or path.startswith(m.rstrip("/") + "/")]
    return max(covering, key=len, default="/")


def _stat_directive(ctx: Context, letter: str, operand: str, path: str, node: Node) -> str:
    """One %-directive of coreutils 9.4 stat's --format; "?" for one it does not know."""
    major, minor = (int(n) for n in _device_of(ctx.machine, path).split(","))
    values = {
        "n": lambda: operand,
        "N": lambda: f"'{operand}'" + (f" -> '{node.target}'" if node.kind == "symlink" else ""),
        "s": lambda: str(size_of(path, node)),
        "b": lambda: str(blocks_of(path, node) * 2),
        "B": lambda: "512",
        "o": lambda: "4096",
        "U": lambda: user_name(ctx, node.uid),
        "G": lambda: group_name(ctx, node.gid),
        "u": lambda: str(node.uid),
        "g": lambda: str(node.gid),
        "a": lambda: f"{node.mode & 0o7777:o}",
        "A": lambda: mode_string(node),
        "f": lambda: f"{node.mode | KIND_BITS.get(node.kind, 0o100000):x}",
        "i": lambda: str(inode_of(path)),
        "F": lambda: _file_type(path, node),
        "h": lambda: str(links_of(ctx, path, node)),
        "d": lambda: str(major << 8 | minor),
        "D": lambda: f"{major << 8 | minor:x}",
        "m": lambda: _mount_point(ctx.machine, path),
        "t": lambda: f"{node.major:x}",
        "T": lambda: f"{node.minor:x}",
        "x": lambda: _stamp(node.mtime),
        "y": lambda: _stamp(node.mtime),
        "z": lambda: _stamp(node.mtime),
        "w": lambda: _stamp(node.mtime),
        "X": lambda: str(node.mtime),
        "Y": lambda: str(node.mtime),
        "Z": lambda: str(node.mtime),
        "W": lambda: str(node.mtime),
    }
    return values[letter]() if letter in values else "?"


KIND_BITS = {"dir": 0o40000, "symlink": 0o120000, "chardev": 0o20000, "blockdev": 0o60000}
ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v", '"': '"'}


def _stat_format(ctx: Context, fmt: str, operand: str, path: str, node: Node, escapes: bool) -> str:
    """print_it(): %% is a percent sign, %X a directive; --printf also reads backslash escapes."""
    out = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt):
            letter = fmt[i + 1]
            out.append("%" if letter == "%" else _stat_directive(ctx, letter, operand, path, node))
            i += 2
        elif char == "\\" and escapes and i + 1 < len(fmt) and fmt[i + 1] in ESCAPES:
            out.append(ESCAPES[fmt[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _stat_block(ctx: Context, operand: str, path: str, node: Node) -> str:
    size = size_of(path, node)
    kind = _file_type(path, node)
    name = f"{operand} -> {node.target}" if node.kind == "symlink" else operand
    inode = inode_of(path)
    links = str(links_of(ctx, path, node))
    device = f"Device: {_device_of(ctx.machine, path)}\tInode: {inode:<11} Links: "
    if node.kind in ("chardev", "blockdev"):
        device += f"{links:<5} Device type: {node.major},{node.minor}"
    else:
        device += links
    owner, group = user_name(ctx, node.uid), group_name(ctx, node.gid)
    access = f"({node.mode & 0o7777:04o}/{mode_string(node)})"
    when = _stamp(node.mtime)
    return (
        f"  File: {name}\n"
        f"  Size: {size:<10}\tBlocks: {blocks_of(path, node) * 2:<10} IO Block: 4096   {kind}\n"
        f"{device}\n"
        f"Access: {access}  Uid: ({node.uid:5}/{owner:>8})   Gid: ({node.gid:5}/{group:>8})\n"
        f"Access: {when}\nModify: {when}\nChange: {when}\n Birth: {when}\n"
    )


def _each_path(ctx: Context, operand: str, recursive: bool) -> list[str]:
    fs = ctx.machine.fs
    real = fs.resolve(operand, ctx.cwd, uid=ctx.uid)
    if real not in fs.nodes:
        raise FsError("ENOENT", operand)
    if not recursive:
        return [operand]
    return [operand + sub[len(real) :] for sub in fs.walk(real)]


@command(
    "chmod",
    man="""
NAME
       chmod - change file mode bits

SYNOPSIS
       chmod [-R] MODE FILE...

DESCRIPTION
       MODE is octal (644, 0600, 755) or symbolic: [ugoa][+-=][rwxXst], comma-separated (u+x,go-w).
       Only the owner or root may change a file's mode.   -R   change files and directories recursively
""",
)
@gnu("Rv", {"recursive": "R", "verbose": "v"}, version=COREUTILS)
def chmod(ctx: Context, opts: Options, operands: list[str]) -> int:
    if len(operands) < 2:
        return _missing_operand(ctx, "chmod", f"operand after '{operands[0]}'" if operands else "operand")
    text, *files = operands
    if _parse_mode(text, 0) is None:
        ctx.err(f"chmod: invalid mode: '{text}'\nTry 'chmod --help' for more information.\n")
        return 1
    fs = ctx.machine.fs

    def change(path: str) -> None:
        node = fs.stat(path, ctx.cwd)
        fs.chmod(path, _parse_mode(text, node.mode, node.kind == "dir"), ctx.cwd, ctx.uid)

    return _change_each(ctx, "chmod", files, "R" in opts, "changing permissions of", change)


def _change_each(ctx: Context, tool: str, operands: list[str], recursive: bool, doing: str, change) -> int:
    """chmod and chown: apply `change` to each operand (and, with -R, everything below it)."""
    status = 0
    for operand in operands:
        try:
            paths = _each_path(ctx, operand, recursive)
        except FsError as error:
            status = _fail(ctx, tool, f"cannot access '{operand}'", error)
            continue
        for path in paths:
            try:
                change(path)
            except FsError as error:
                status = _fail(ctx, tool, f"{doing} '{path}'", error)
    return status


@command(
    "chown",
    man="""
NAME
       chown - change file owner and group

SYNOPSIS
       chown [-R] OWNER[:GROUP] FILE...

DESCRIPTION
       Give FILEs to OWNER (and GROUP); `chown :GROUP` changes only the group. Only root may give
       files away.   -R   operate on directories recursively
""",
)
@gnu("Rv", {"recursive": "R", "verbose": "v"}, version=COREUTILS)
def chown(ctx: Context, opts: Options, operands: list[str]) -> int:
    if len(operands) < 2:
        return _missing_operand(ctx, "chown", f"operand after '{operands[0]}'" if operands else "operand")
    spec, *files = operands
    owner_text, _, group_text = spec.partition(":")
    owner = _lookup_id(ctx, owner_text, "/etc/passwd") if owner_text else None
    group = _lookup_id(ctx, group_text, "/etc/group") if group_text else None
    if owner_text and owner is None:
        ctx.err(f"chown: invalid user: '{spec}'\n")
        return 1
    if group_text and group is None:
        ctx.err(f"chown: invalid group: '{spec}'\n")
        return 1
    fs = ctx.machine.fs
    return _change_each(
        ctx,
        "chown",
        files,
        "R" in opts,
        "changing ownership of",
        lambda path: fs.chown(path, owner, group, ctx.cwd, ctx.uid),
    )


def _lookup_id(ctx: Context, text: str, table: str) -> int | None:
    if text.isdigit():
        return int(text)
    for fields in _table(ctx, table):
        if fields[0] == text:
            return int(fields[2])
    users = ctx.machine.users
    if text in users:
        return users[text]["uid" if table == "/etc/passwd" else "gid"]
    return None
