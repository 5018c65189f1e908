"""The virtual filesystem: a flat dict of absolute paths to plain-data nodes.

A flat dict keeps lookups O(1) and makes the whole tree JSON-serialisable as it is; a child index,
rebuilt on load, keeps listing a directory cheap. Generated nodes (/proc, /sys) store no content: reading
one calls `fs.generate(name)`, a hook the machine sets, so what they show is always computed from the model.
Permissions follow Linux: root bypasses read/write checks, others need the owner, group or other bits,
and every directory on the way needs search (x) permission.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_SYMLINKS = 40
MAX_FILE_SIZE = 1 << 20
# The whole tree's file contents and node count: a full disk answers ENOSPC, as ext4 does when it runs
# out of blocks or inodes. Machines start far below both (a few KiB, a few hundred nodes); the caps keep
# a saved lab state small however many files a learner writes.
MAX_TOTAL_SIZE = 8 << 20
MAX_NODES = 20_000
DEVICE_READ = 64 * 1024  # bytes one read of an endless device gives
DEFAULT_EPOCH = 1732701600

STRERROR = {
    "ENOENT": "No such file or directory",
    "EACCES": "Permission denied",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "ENOTEMPTY": "Directory not empty",
    "ELOOP": "Too many levels of symbolic links",
    "EPERM": "Operation not permitted",
    "EINVAL": "Invalid argument",
    "EBUSY": "Device or resource busy",
    "EFBIG": "File too large",
    "ENOSPC": "No space left on device",
}


class FsError(Exception):
    """A failed filesystem call, carrying the errno name and the strerror text commands print."""

    def __init__(self, errno: str, path: str):
        super().__init__(f"{path}: {STRERROR[errno]}")
        self.errno = errno
        self.path = path
        self.message = STRERROR[errno]


@dataclass(slots=True)
class Node:
    """One inode. Which fields matter depends on `kind`; the rest keep their defaults."""

    kind: str
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    content: str = ""
    target: str = ""
    major: int = 0
    minor: int = 0
    mtime: int = 0
    generator: str | None = None

    def to_dict(self) -> dict:
        """The fields that differ from their defaults (built field by field: asdict is ten times slower)."""
        data: dict = {"kind": self.kind}
        if self.mode != 0o644:
            data["mode"] = self.mode
        if self.uid:
            data["uid"] = self.uid
        if self.gid:
            data["gid"] = self.gid
        if self.content:
            data["content"] = self.content
        if self.target:
            data["target"] = self.target
        if self.major:
            data["major"] = self.major
        if self.minor:
            data["minor"] = self.minor
        if self.mtime:
            data["mtime"] = self.mtime
        if self.generator is not None:
            data["generator"] = self.generator
        return data

    def copy(self) -> Node:
        return Node(
            self.kind,
            self.mode,
            self.uid,
            self.gid,
            self.content,
            self.target,
            self.major,
            self.minor,
            self.mtime,
            self.generator,
        )

    @property
    def size(self) -> int:
        """The size `stat` reports: bytes of content, 4096 for a directory, target length for a link."""
        if self.kind == "dir":
            return 4096
        if self.kind == "symlink":
            return len(self.target.encode())
        return len(self.content.encode())


def _no_generator(name: str) -> str:
    return ""


def _fixed_clock() -> int:
    return DEFAULT_EPOCH


def _own_group(uid: int) -> tuple[int, ...]:
    return (uid,)


def _always_saved(path: str) -> bool:
    return False


class FileSystem:
    """A whole machine's tree. Paths may be relative to `cwd`; `uid` is who asks (0 = root).

    Run-time hooks, not serialised: `generate(name) -> str` computes generated files, `now() -> int`
    gives the clock, `groups(uid) -> gids` tells group membership (default: the group with gid == uid,
    the user-private-group convention of Debian, Ubuntu and Fedora), `unsaved(path) -> bool` names what
    is rebuilt on load and never saved (a machine's /sys/module and /dev/disk).
    """

    def __init__(self, base: dict[str, Node] | None = None):
        self.nodes: dict[str, Node] = {}
        self.children: dict[str, set[str] | frozenset[str]] = {}  # frozen: a base's or block's, shared
        self.base: dict[str, Node] = base or {}
        self.generate: Callable[[str], str] = _no_generator
        self.now: Callable[[], int] = _fixed_clock
        self.groups: Callable[[int], tuple[int, ...]] = _own_group
        self.unsaved: Callable[[str], bool] = _always_saved
        self.used = 0  # characters of file content in the tree
        self.work = None  # while a line runs, its work budget: every directory read and tree walked counts
        self.version = 0  # counts changes, so that an unchanged tree is not encoded again (see to_dict)
        self._encoded: tuple[int, dict] | None = None
        self._put("/", Node("dir", mode=0o755, mtime=DEFAULT_EPOCH))

    def to_dict(self) -> dict:
        """The nodes that differ from `base`, and the base paths that are gone (removed or renamed).

        `base` is what every installed image holds identically (programs, module files): it is rebuilt,
        not stored, so a saved state carries only what this machine made different.
        """
        if self._encoded is not None and self._encoded[0] == self.version:
            return self._encoded[1]  # shared: callers build from it, never change it
        base, unsaved = self.base, self.unsaved
        nodes = {}
        for path, node in self.nodes.items():
            same = base.get(path)
            if same is node:
                continue
            if same is None:
                if not unsaved(path):  # an Intel host's ~270 /sys/module nodes: not encoded to be dropped
                    nodes[path] = node.to_dict()
            elif same != node:
                nodes[path] = node.to_dict()
        encoded = {"nodes": nodes, "absent": [path for path in base if path not in self.nodes]}
        self._encoded = (self.version, encoded)
        return encoded

    @classmethod
    def from_dict(cls, data: dict, base: dict[str, Node] | None = None) -> FileSystem:
        """The tree `to_dict` saved. A state without "absent" predates `base` and lists every node."""
        fs = cls(base)
        stored = data["nodes"]
        if "absent" in data and base:
            fs._adopt_base(data["absent"])
        for path, node in stored.items():
            fs._put(path, Node(**node))
        return fs

    def encoded_as(self, data: dict) -> None:
        """Take `data` (what this tree was loaded from, less what is rebuilt on load) as its encoding until
        it changes, so that saving a machine loaded for a command that only reads costs nothing."""
        self._encoded = (self.version, data)

    def _adopt_base(self, absent) -> None:
        """Lay down the base nodes, shared with every filesystem of this base until one is changed (see
        _own): loading a saved machine then costs what it made different, not the whole image."""
        index = _base_index(self.base)
        self.version += 1
        self.nodes.update(self.base)
        self._add_names(index.children)
        self.used += index.used
        for path in absent:
            node = self.nodes.pop(path, None)
            if node is not None:
                self.used -= len(node.content)
                self.children.pop(path, None)
                parent, _, name = path.rpartition("/")
                if (parent or "/") in self.children:
                    self._names(parent or "/").discard(name)

    def rebase(self, base: dict[str, Node]) -> None:
        """Save this tree from now on as its differences from `base`, sharing base's nodes where this tree
        holds equal ones (see _own)."""
        _base_index(base)  # marks base's nodes as shared
        self.version += 1
        self.base = base
        for path, node in self.nodes.items():
            same = base.get(path)
            if same is not None and same is not node and same == node:
                self.nodes[path] = same

    def _own(self, path: str, node: Node) -> Node:
        """The node at `path`, about to change: made this filesystem's own first if it is a shared one."""
        self.version += 1
        if id(node) in _SHARED_IDS:
            node = node.copy()
            self.nodes[path] = node
        return node

    def add_block(self, block: Block) -> None:
        """Builder: put a block of shared nodes at once (see Block), where none of its paths is yet."""
        self.version += 1
        self.nodes.update(block.nodes)
        self._add_names(block.children)
        self.used += block.used

    def _add_names(self, children: dict[str, frozenset[str]]) -> None:
        """Add a block's or a base's child lists: shared as they are where a directory lists nothing yet
        (a loaded machine's ~340 directories then cost no set each), else merged into a list of its own."""
        if len(children) > len(self.children):  # a base laid down in a new tree: start from its lists
            self.children, children = dict(children), self.children
        for path, names in children.items():
            there = self.children.get(path)
            if not there:
                self.children[path] = names
            elif names:
                self.children[path] = set(there) | names

    def _names(self, path: str) -> set[str]:
        """The child names of directory `path`, about to change: its own set, copied first if shared."""
        names = self.children.get(path)
        if type(names) is not set:
            names = self.children[path] = set(names or ())
        return names

    def add_shared(self, nodes) -> None:
        """Builder: put nodes made once for every filesystem (see `shared`), where nothing is yet."""
        for path, node in nodes:
            if path not in self.nodes:
                self._put(path, node)

    def _put(self, path: str, node: Node) -> None:
        self.version += 1
        old = self.nodes.get(path)
        self.used += len(node.content) - (len(old.content) if old is not None else 0)
        self.nodes[path] = node
        if node.kind == "dir":
            self.children.setdefault(path, set())
        if path != "/":
            parent, _, name = path.rpartition("/")
            self._names(parent or "/").add(name)

    def _drop(self, path: str) -> None:
        self.version += 1
        for sub in list(self.walk(path)):  # walk first: it reads the child index this loop empties
            self.used -= len(self.nodes.pop(sub).content)
            self.children.pop(sub, None)
        parent, name = posixpath.split(path)
        self._names(parent).discard(name)

    def _allowed(self, node: Node, uid: int, bit: int) -> bool:
        """Whether `uid` has permission `bit` (4 read, 2 write, 1 execute/search) on `node`."""
        if uid == 0:
            return bit != 1 or node.kind == "dir" or bool(node.mode & 0o111)
        if node.uid == uid:
            return bool((node.mode >> 6) & bit)
        if node.gid in self.groups(uid):
            return bool((node.mode >> 3) & bit)
        return bool(node.mode & bit)

    def resolve(self, path: str, cwd: str = "/", follow: bool = True, uid: int = 0) -> str:
        """The canonical absolute path, following symlinks (also in intermediate components).

        The last component may be missing (so callers can create it); a missing or non-directory
        intermediate component raises ENOENT or ENOTDIR. A trailing slash always follows the last link.
        """
        if path == "":
            raise FsError("ENOENT", path)
        pending = deque(p for p in path.split("/") if p)
        if path.endswith("/") and pending:
            pending[-1] += "/"
        current = "/" if path.startswith("/") else posixpath.normpath(posixpath.join("/", cwd))
        hops = 0
        while pending:
            name = pending.popleft()
            slash = name.endswith("/")
            name = name.rstrip("/")
            dirnode = self.nodes.get(current)
            if dirnode is None:
                raise FsError("ENOENT", path)
            if dirnode.kind != "dir":
                raise FsError("ENOTDIR", path)
            if not self._allowed(dirnode, uid, 1):
                raise FsError("EACCES", path)
            if name == ".":
                continue
            if name == "..":
                current = posixpath.dirname(current)
                continue
            candidate = posixpath.join(current, name)
            node = self.nodes.get(candidate)
            if node is None:
                if pending:
                    raise FsError("ENOENT", path)
                return candidate
            if node.kind == "symlink" and (pending or follow or slash):
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise FsError("ELOOP", path)
                parts = [p for p in node.target.split("/") if p]
                if slash and parts:
                    parts[-1] += "/"
                pending.extendleft(reversed(parts))
                if node.target.startswith("/"):
                    current = "/"
                continue
            if slash and not pending and node.kind != "dir":
                raise FsError("ENOTDIR", path)
            current = candidate
        return current

    def _existing(self, path: str, cwd: str, follow: bool, uid: int) -> tuple[str, Node]:
        real = self.resolve(path, cwd, follow, uid)
        node = self.nodes.get(real)
        if node is None:
            raise FsError("ENOENT", path)
        return real, node

    def _parent_for_change(self, real: str, path: str, uid: int) -> Node:
        """The parent directory of `real`, checked for the write+search permission a change needs."""
        parent = self.nodes.get(posixpath.dirname(real))
        if parent is None:
            raise FsError("ENOENT", path)
        if parent.kind != "dir":
            raise FsError("ENOTDIR", path)
        if not (self._allowed(parent, uid, 2) and self._allowed(parent, uid, 1)):
            raise FsError("EACCES", path)
        return parent

    def _check_sticky(self, parent: Node, node: Node, path: str, uid: int) -> None:
        if uid and parent.mode & 0o1000 and uid not in (node.uid, parent.uid):
            raise FsError("EPERM", path)

    def exists(self, path: str, cwd: str = "/", uid: int = 0) -> bool:
        try:
            return self.resolve(path, cwd, uid=uid) in self.nodes
        except FsError:
            return False

    def lexists(self, path: str, cwd: str = "/", uid: int = 0) -> bool:
        """Whether `path` itself exists (a dangling symlink counts, as for lstat)."""
        try:
            self.lstat(path, cwd, uid)
            return True
        except FsError:
            return False

    def access(self, path: str, want: str, cwd: str = "/", uid: int = 0) -> bool:
        """access(2): may `uid` use `path` for all of `want` ("r", "w", "x", combined like "rx")?"""
        try:
            _, node = self._existing(path, cwd, True, uid)
        except FsError:
            return False
        writable = "w" not in want or node.generator is None
        return writable and all(self._allowed(node, uid, {"r": 4, "w": 2, "x": 1}[bit]) for bit in want)

    def is_dir(self, path: str, cwd: str = "/", uid: int = 0) -> bool:
        try:
            return self._existing(path, cwd, True, uid)[1].kind == "dir"
        except FsError:
            return False

    def is_file(self, path: str, cwd: str = "/", uid: int = 0) -> bool:
        try:
            return self._existing(path, cwd, True, uid)[1].kind == "file"
        except FsError:
            return False

    def lstat(self, path: str, cwd: str = "/", uid: int = 0) -> Node:
        """The node itself (a symlink stays a symlink). It is the live node: change it through methods."""
        return self._existing(path, cwd, False, uid)[1]

    def stat(self, path: str, cwd: str = "/", uid: int = 0) -> Node:
        return self._existing(path, cwd, True, uid)[1]

    def read(self, path: str, cwd: str = "/", uid: int = 0) -> str:
        _, node = self._existing(path, cwd, True, uid)
        if node.kind == "dir":
            raise FsError("EISDIR", path)
        if not self._allowed(node, uid, 4):
            raise FsError("EACCES", path)
        if node.generator is not None:
            return self.generate(node.generator)
        if node.kind == "chardev":
            return self._device(node)
        return node.content

    def _device(self, node: Node) -> str:
        """What reading a memory device gives (drivers/char/mem.c, random.c): /dev/zero and /dev/full endless
        zero bytes, /dev/random and /dev/urandom endless random ones; here DEVICE_READ of them, the rest
        of the stream being what no reader here waits for. Other devices read as empty."""
        if node.major != 1 or node.minor not in (5, 7, 8, 9):
            return ""
        if node.minor in (8, 9):
            return self.generate("urandom")
        return "\0" * DEVICE_READ

    def write(
        self,
        path: str,
        data: str,
        cwd: str = "/",
        uid: int = 0,
        append: bool = False,
        mode: int = 0o644,
        gid: int | None = None,
    ) -> None:
        """Write (or append to) a file, creating it owned by uid:gid (gid defaults to uid) if needed."""
        real = self.resolve(path, cwd, uid=uid)
        node = self.nodes.get(real)
        if node is None:
            self._parent_for_change(real, path, uid)
            if len(data) > MAX_FILE_SIZE:
                raise FsError("EFBIG", path)
            self._check_space(path, len(data), 1)
            self._put(real, Node("file", mode, uid, uid if gid is None else gid, data, mtime=self.now()))
            return
        if node.kind == "dir":
            raise FsError("EISDIR", path)
        if node.generator is not None or not self._allowed(node, uid, 2):
            raise FsError("EACCES", path)
        if node.kind != "file":
            return
        content = node.content + data if append else data
        if len(content) > MAX_FILE_SIZE:
            raise FsError("EFBIG", path)
        self._check_space(path, len(content) - len(node.content), 0)
        self.used += len(content) - len(node.content)
        node = self._own(real, node)
        node.content = content
        node.mtime = self.now()

    def _check_space(self, path: str, growth: int, new_nodes: int) -> None:
        if (growth > 0 and self.used + growth > MAX_TOTAL_SIZE) or len(self.nodes) + new_nodes > MAX_NODES:
            raise FsError("ENOSPC", path)

    def touch(self, path: str, cwd: str = "/", uid: int = 0) -> None:
        """Create an empty file or bump the modification time, as touch(1) does."""
        real = self.resolve(path, cwd, uid=uid)
        node = self.nodes.get(real)
        if node is None:
            self.write(path, "", cwd, uid)
        elif uid and uid != node.uid and not self._allowed(node, uid, 2):
            raise FsError("EACCES", path)
        else:
            self._own(real, node).mtime = self.now()

    def mkdir(
        self, path: str, cwd: str = "/", uid: int = 0, parents: bool = False, mode: int = 0o755
    ) -> None:
        if parents:
            real = "/" if path.startswith("/") else posixpath.normpath(posixpath.join("/", cwd))
            for name in path.split("/"):
                if name:
                    try:
                        parent, real = real, self.resolve(name, real, uid=uid)
                        if real not in self.nodes:
                            self.mkdir(name, parent, uid=uid, mode=mode)
                    except FsError as error:
                        raise FsError(error.errno, path) from None
            if self.nodes[real].kind != "dir":
                raise FsError("EEXIST", path)
            return
        real = self.resolve(path, cwd, uid=uid)
        if real in self.nodes:
            raise FsError("EEXIST", path)
        self._parent_for_change(real, path, uid)
        self._check_space(path, 0, 1)
        self._put(real, Node("dir", mode, uid, uid, mtime=self.now()))

    def listdir(self, path: str, cwd: str = "/", uid: int = 0) -> list[str]:
        """Names in a directory, in C-locale (code point) order, without . and .."""
        real, node = self._existing(path, cwd, True, uid)
        if node.kind != "dir":
            raise FsError("ENOTDIR", path)
        if not self._allowed(node, uid, 4):
            raise FsError("EACCES", path)
        names = self.children[real]
        if self.work is not None:
            self.work.tick(1 + len(names) // 16)
        return sorted(names)

    def walk(self, path: str) -> Iterator[str]:
        """Every path in the subtree at the canonical `path`, parents before children, sorted."""
        stack = [path]
        while stack:
            current = stack.pop()
            if self.work is not None:
                self.work.tick()
            yield current
            names = sorted(self.children.get(current, ()), reverse=True)
            stack.extend(posixpath.join(current, name) for name in names)

    def remove(self, path: str, cwd: str = "/", uid: int = 0, recursive: bool = False) -> None:
        """Unlink a file or link; with `recursive`, a whole directory tree. A link is never followed."""
        real, node = self._existing(path, cwd, False, uid)
        if real == "/":
            raise FsError("EBUSY", path)
        if node.kind == "dir" and not recursive:
            raise FsError("EISDIR", path)
        parent = self._parent_for_change(real, path, uid)
        self._check_sticky(parent, node, path, uid)
        for sub in self.walk(real):
            subnode = self.nodes[sub]
            if subnode.generator is not None or sub.startswith(("/proc/", "/sys/")):
                raise FsError("EPERM", path)
            if subnode.kind == "dir" and self.children[sub]:
                if not all(self._allowed(subnode, uid, bit) for bit in (4, 2, 1)):
                    raise FsError("EACCES", path)
        self._drop(real)

    def rmdir(self, path: str, cwd: str = "/", uid: int = 0) -> None:
        real, node = self._existing(path, cwd, False, uid)
        if node.kind != "dir":
            raise FsError("ENOTDIR", path)
        if real == "/":
            raise FsError("EBUSY", path)
        if self.children[real]:
            raise FsError("ENOTEMPTY", path)
        parent = self._parent_for_change(real, path, uid)
        self._check_sticky(parent, node, path, uid)
        self._drop(real)

    def symlink(self, target: str, linkpath: str, cwd: str = "/", uid: int = 0) -> None:
        real = self.resolve(linkpath, cwd, follow=False, uid=uid)
        if real in self.nodes:
            raise FsError("EEXIST", linkpath)
        self._parent_for_change(real, linkpath, uid)
        self._check_space(linkpath, 0, 1)
        self._put(real, Node("symlink", 0o777, uid, uid, target=target, mtime=self.now()))

    def mknod(
        self, path: str, kind: str, major: int, minor: int, mode: int, uid: int = 0, gid: int = 0
    ) -> None:
        """Create a device node (a builder call: parents are created, no permission checks)."""
        if kind not in ("chardev", "blockdev"):
            raise FsError("EINVAL", path)
        self.add_dir(posixpath.dirname(path))
        self._put(path, Node(kind, mode, uid, gid, major=major, minor=minor, mtime=self.now()))

    def rename(self, src: str, dst: str, cwd: str = "/", uid: int = 0) -> None:
        """rename(2): replace `dst` atomically; a directory may only replace an empty directory."""
        real_src, node = self._existing(src, cwd, False, uid)
        real_dst = self.resolve(dst, cwd, follow=False, uid=uid)
        if real_src == real_dst:
            return
        if real_src == "/" or real_dst.startswith(real_src.rstrip("/") + "/"):
            raise FsError("EINVAL", src if real_src == "/" else dst)
        src_parent = self._parent_for_change(real_src, src, uid)
        self._check_sticky(src_parent, node, src, uid)
        self._parent_for_change(real_dst, dst, uid)
        old = self.nodes.get(real_dst)
        if old is not None:
            if old.kind == "dir" and node.kind != "dir":
                raise FsError("EISDIR", dst)
            if old.kind != "dir" and node.kind == "dir":
                raise FsError("ENOTDIR", dst)
            if old.kind == "dir" and self.children[real_dst]:
                raise FsError("ENOTEMPTY", dst)
            self._drop(real_dst)
        moved = [(sub, self.nodes[sub]) for sub in self.walk(real_src)]
        self._drop(real_src)
        for sub, subnode in moved:
            self._put(real_dst + sub[len(real_src) :], subnode)

    def chmod(self, path: str, mode: int, cwd: str = "/", uid: int = 0) -> None:
        real, node = self._existing(path, cwd, True, uid)
        if uid and uid != node.uid:
            raise FsError("EPERM", path)
        self._own(real, node).mode = mode & 0o7777

    def chown(self, path: str, owner: int | None, group: int | None, cwd: str = "/", uid: int = 0) -> None:
        """Change owner and/or group (None keeps it). Only root may give files away."""
        real, node = self._existing(path, cwd, True, uid)
        if uid:
            gives_away = owner not in (None, node.uid)
            foreign_group = group is not None and group not in self.groups(uid)
            if gives_away or foreign_group or uid != node.uid:
                raise FsError("EPERM", path)
        node = self._own(real, node)
        if owner is not None:
            node.uid = owner
        if group is not None:
            node.gid = group

    def add_base(self) -> None:
        """Builder: lay down the `base` nodes (shared until changed)."""
        self._adopt_base(())

    def add_dir(self, path: str, mode: int = 0o755, uid: int = 0, gid: int = 0) -> Node:
        """Builder: make sure a directory exists (parents too) and return it."""
        node = self.nodes.get(path)
        if node is None:
            self.add_dir(posixpath.dirname(path))
            node = Node("dir", mode, uid, gid, mtime=self.now())
            self._put(path, node)
        return node

    def add_file(self, path: str, content: str = "", mode: int = 0o644, uid: int = 0, gid: int = 0) -> Node:
        """Builder: create or replace a file, creating parent directories."""
        self.add_dir(posixpath.dirname(path))
        node = Node("file", mode, uid, gid, content, mtime=self.now())
        self._put(path, node)
        return node

    def discard(self, path: str) -> None:
        """Builder: drop a tree the kernel takes away itself (a module's /sys/module entry), if there."""
        if path in self.nodes:
            self._drop(path)

    def add_generated(self, path: str, generator: str, mode: int = 0o444) -> Node:
        """Builder: a read-only file whose content is `generate(generator)` at every read."""
        node = self.add_file(path, mode=mode)
        node.generator = generator
        return node

    def add_symlinks(self, links: dict[str, str]) -> None:
        """Builder: many symlinks (path -> target) at once, each directory made and listed once: udev's
        /dev/disk, remade whenever a machine is loaded, took half of loading one link by link."""
        now = self.now()
        names: dict[str, list[str]] = {}
        for path, target in links.items():
            parent, _, name = path.rpartition("/")
            names.setdefault(parent, []).append(name)
            self.nodes[path] = Node("symlink", 0o777, target=target, mtime=now)
        for parent, listed in names.items():
            self.add_dir(parent)
            self._names(parent).update(listed)
        self.version += 1

    def add_symlink(self, path: str, target: str) -> Node:
        self.add_dir(posixpath.dirname(path))
        node = Node("symlink", 0o777, target=target, mtime=self.now())
        self._put(path, node)
        return node


class Block:
    """Shared nodes (see `shared`) with their child lists worked out once, to be put in a tree in one step."""

    def __init__(self, nodes: list[tuple[str, Node]]):
        self.nodes = dict(nodes)
        children: dict[str, set[str]] = {}
        for path, node in nodes:
            if node.kind == "dir":
                children.setdefault(path, set())
            parent, _, name = path.rpartition("/")
            children.setdefault(parent or "/", set()).add(name)
        self.children = {path: frozenset(names) for path, names in children.items()}
        self.used = sum(len(node.content) for node in self.nodes.values())


@dataclass(frozen=True)
class _BaseIndex:
    base: dict  # the base itself, so that a recycled id() is never taken for it
    children: dict[str, frozenset[str]]
    used: int
    ids: frozenset[int]  # the shared node objects, which a filesystem copies before changing one


_BASE_INDEXES: dict[int, _BaseIndex] = {}
_SHARED_IDS: set[int] = set()  # nodes that many filesystems hold: each copies one before changing it
_SHARED_KEEP: list = []  # and keeps them alive, so that an id() is never reused


def shared(nodes: list[tuple[str, Node]]) -> tuple[tuple[str, Node], ...]:
    """Nodes (path, Node) to put in many filesystems without copying: made once per process."""
    _SHARED_KEEP.append(nodes)
    _SHARED_IDS.update(id(node) for _, node in nodes)
    return tuple(nodes)


def _base_index(base: dict[str, Node]) -> _BaseIndex:
    """The child lists, content size and node identities of a base (each base is built once per process)."""
    index = _BASE_INDEXES.get(id(base))
    if index is None or index.base is not base:
        children: dict[str, set[str]] = {}
        for path, node in base.items():
            if node.kind == "dir":
                children.setdefault(path, set())
            parent, _, name = path.rpartition("/")
            children.setdefault(parent or "/", set()).add(name)
        used = sum(len(node.content) for node in base.values())
        ids = frozenset(id(node) for node in base.values())
        _SHARED_IDS.update(ids)
        index = _BaseIndex(base, {k: frozenset(v) for k, v in children.items()}, used, ids)
        _BASE_INDEXES[id(base)] = index
    return index
