"""What a guest's exported disk carries: its files, its partition table and its packages, inside the
simulated stream-optimized VMDK of an OVA (simulator/appliance.py).

A real disk image holds everything the installed system keeps on disk: the host name, /etc/machine-id and
the D-Bus id, the SSH host keys, the netplan file and its `match: macaddress`, the PGP keys, cloud-init's
instance state, the users and every file; the filesystem UUIDs and labels are in its partition table and
superblocks. So a simulated disk carries them too, and an appliance imported twice gives two guests that
collide as clones do.

The member's bytes (format 1): the simulated VMDK header line, then deflate (zlib) of canonical JSON
(sorted keys, no spaces, ASCII), as a stream-optimized VMDK's grains are deflated:

    KDMV streamOptimized capacity=26843545600 guestlab-disk=1\\n<zlib stream>

    {"spec": {...}, "disk": {"ptuuid": ..., "parts": [...]}, "packages": {...},
     "nodes": {path: node}, "absent": [path, ...]}

A disk whose install was stopped before curtin installed GRUB has no boot code: its "disk" says
"bootloader": false (only then, so that every other disk's bytes stay as they were).

`nodes` and `absent` are the filesystem's differences from the image every machine shares
(layout.base_tree): only what lives on the disk, never /proc, /sys, /dev or /run, which the kernel and
systemd rebuild at boot. `spec` is what of the machine's description the disk follows from (the package
set the dpkg database derives from, the disk layout). The same guest always gives the same bytes, so
the same manifest digest.

Reading is hardened: a disk with no GuestLab mark is foreign (`read` returns None, the guest is a fresh
install), and a marked one is refused with a DiskError naming what is wrong (size, count, path, type, mode,
UTF-8) when it is malformed, oversized or inconsistent. Nothing is built until all of it has been checked.
"""

from __future__ import annotations

import json
import posixpath
import re
import zlib
from dataclasses import dataclass

from simulator import layout
from simulator.archive import ARCHIVE
from simulator.filesystem import MAX_FILE_SIZE, MAX_NODES, Node
from simulator.hardware import CPUS

FORMAT = 1
HEADER = re.compile(rb"KDMV streamOptimized capacity=([0-9]{1,20})(?: guestlab-disk=([0-9]{1,4}))?\n")
# Bytes of JSON once inflated. A guest's saved state is a few hundred KiB at most (a lab keeps 512 KiB of
# machines), so this is ample; and it bounds what json.loads may build from a small deflate stream (2 MiB
# of "[]," is some 40 MB of lists).
MAX_PAYLOAD = 2 * 2**20
RUNTIME = ("/proc", "/sys", "/dev", "/run")  # filled at boot (procfs, sysfs, devtmpfs, tmpfs): not on a disk
PATH_MAX, NAME_MAX = 4096, 255  # Linux's limits, in bytes
KINDS = ("file", "dir", "symlink", "chardev", "blockdev")
SPEC_FIELDS = {  # what of a KVM guest's spec its disk follows from, and each one's type
    "hostname": str,
    "cpu": str,
    "firmware": str,
    "nested": bool,
    "virtio": bool,
    "guest_tools": bool,
    "packages": list,
    "disk_gib": int,
    "image": str,
}
PACKAGE_STATES = ("ii", "auto", "rc", "pn")
FSTYPES = ("", "ext4", "xfs", "vfat", "btrfs", "swap")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VFAT_ID = re.compile(r"[0-9A-F]{4}-[0-9A-F]{4}")
HOSTNAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")


class DiskError(Exception):
    """Why a disk's GuestLab content is refused, in words that name the problem."""


@dataclass(frozen=True)
class GuestDisk:
    """A disk's content, checked: what `restore` builds a guest from."""

    spec: dict
    disk: dict
    packages: dict
    nodes: dict
    absent: list
    bootable: bool = True  # False: no boot loader, the install that wrote it stopped half way


def on_disk(path: str) -> bool:
    """Whether a path lives on the guest's disk (not in a tree the kernel or systemd fill at boot)."""
    return not any(path == top or path.startswith(top + "/") for top in RUNTIME)


def _base() -> dict[str, Node]:
    return layout.base_tree(True)


# Writing


def vmdk(guest, capacity: int, bootable: bool = True) -> bytes:
    """The simulated VMDK of a guest's system disk: header line, then the deflated content."""
    content = {
        "spec": {key: guest.spec[key] for key in SPEC_FIELDS if key in guest.spec},
        "disk": {**_partition_table(guest.disks[0]), **({} if bootable else {"bootloader": False})},
        "packages": dict(guest.package_changes),
        **_differences(guest.fs),
    }
    # ASCII JSON: a file's text escaped as \uXXXX, so that even a lone surrogate (printf '\ud800') encodes;
    # import then refuses what is not UTF-8
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    if len(text) > MAX_PAYLOAD:
        raise DiskError(
            f"the guest's files take {len(text)} bytes, more than the {MAX_PAYLOAD} an imported disk may "
            "hold: remove some of them first"
        )
    header = f"KDMV streamOptimized capacity={capacity} guestlab-disk={FORMAT}\n".encode()
    return header + zlib.compress(text.encode(), 9)


def _partition_table(disk: dict) -> dict:
    keep = ("fstype", "fsver", "label", "uuid", "partuuid")
    return {
        "ptuuid": disk["ptuuid"],
        "parts": [
            {"number": _number(disk["name"], part["name"]), **{key: part[key] for key in keep}}
            for part in disk["parts"]
        ],
    }


def _number(disk: str, part: str) -> int:
    return int(part[len(disk) :].removeprefix("p"))


def _differences(fs) -> dict:
    base = _base()
    nodes = {
        path: node.to_dict() for path, node in fs.nodes.items() if on_disk(path) and base.get(path) != node
    }
    absent = sorted(path for path in base if on_disk(path) and path not in fs.nodes)
    return {"nodes": nodes, "absent": absent}


# Reading


def read(data: bytes, capacity: int) -> GuestDisk | None:
    """The checked content of a disk member whose OVF Disk has `capacity` bytes; None for a disk with no
    GuestLab content (a foreign VMDK)."""
    match = HEADER.match(data)
    if match is None or match.group(2) is None:
        return None
    if int(match.group(1)) != capacity:
        raise DiskError(
            f"the image's header gives a capacity of {int(match.group(1))} bytes, its OVF Disk {capacity}"
        )
    if int(match.group(2)) != FORMAT:
        raise DiskError(
            f"the disk's GuestLab content is in format {int(match.group(2))}; this GuestLab reads format "
            f"{FORMAT}"
        )
    content = _parse(_inflate(data[match.end() :]))
    if not isinstance(content, dict) or set(content) != {"spec", "disk", "packages", "nodes", "absent"}:
        raise DiskError(
            "the disk's content must be an object with spec, disk, packages, nodes and absent, nothing else"
        )
    spec = _spec(content["spec"])
    disk = _disk(content["disk"])
    packages = _packages(content["packages"])
    nodes, absent = _tree(content["nodes"], content["absent"])
    return GuestDisk(spec, disk, packages, nodes, absent, bootable="bootloader" not in disk)


def _inflate(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_PAYLOAD + 1)
    except zlib.error:
        raise DiskError("the disk's content is not a valid deflate (zlib) stream") from None
    if len(text) > MAX_PAYLOAD or inflater.unconsumed_tail:
        raise DiskError(f"the disk's content inflates to more than {MAX_PAYLOAD} bytes")
    if not inflater.eof:
        raise DiskError("the disk's content is truncated: its deflate stream does not end")
    if inflater.unused_data:
        raise DiskError("the disk holds bytes after the end of its content")
    return text


def _parse(text: bytes):
    def unique(pairs):
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise DiskError("the disk's content repeats a key in one object")
        return dict(pairs)

    def constant(name):
        raise DiskError(f"the disk's content holds {name}, which is not a number")

    try:
        return json.loads(text.decode("utf-8"), object_pairs_hook=unique, parse_constant=constant)
    except UnicodeDecodeError:
        raise DiskError("the disk's content is not UTF-8 text") from None
    except (ValueError, RecursionError):
        raise DiskError("the disk's content is not well-formed JSON") from None


def _utf8(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise DiskError(f"{what} is not valid UTF-8 (a lone surrogate)") from None


def _integer(value, low: int, high: int, what: str) -> int:
    if type(value) is not int or not low <= value <= high:
        raise DiskError(f"{what} must be a whole number from {low} to {high}")
    return value


def _text(value, longest: int, what: str, pattern: re.Pattern | None = None) -> str:
    if type(value) is not str or len(value) > longest:
        raise DiskError(f"{what} must be text of at most {longest} characters")
    _utf8(value, what)
    if pattern is not None and not pattern.fullmatch(value):
        raise DiskError(f"{what} {value!r} is not valid")
    return value


def _spec(spec) -> dict:
    if not isinstance(spec, dict):
        raise DiskError("the disk's spec must be an object")
    for key, value in spec.items():
        if key not in SPEC_FIELDS:
            raise DiskError(f"the disk's spec has an unknown field {key[:40]!r}")
        if type(value) is not SPEC_FIELDS[key]:
            raise DiskError(f"the disk's spec field {key} must be {SPEC_FIELDS[key].__name__}")
    if "hostname" not in spec:
        raise DiskError("the disk's spec has no hostname")
    _text(spec["hostname"], 64, "the installed host name", HOSTNAME)
    if spec.get("cpu", "intel-i7-1165g7") not in CPUS:
        raise DiskError(f"the disk's spec names an unknown CPU {spec['cpu'][:40]!r}")
    if spec.get("firmware", "bios") not in ("bios", "uefi"):
        raise DiskError("the disk's firmware must be bios or uefi")
    if spec.get("image", "installer") != "installer":
        raise DiskError("the disk's image must be 'installer' when it is given")
    if "disk_gib" in spec:
        _integer(spec["disk_gib"], 1, 65536, "the disk's size in GiB")
    names = spec.get("packages", [])
    if len(names) > 64 or len(set(map(str, names))) != len(names):
        raise DiskError("the disk's spec lists at most 64 packages, each once")
    for name in names:
        if type(name) is not str or name not in ARCHIVE:
            raise DiskError(f"the disk's spec names a package not in the archive: {str(name)[:60]!r}")
    return dict(spec)


PART_FIELDS = {"number", "fstype", "fsver", "label", "uuid", "partuuid"}


def _disk(disk) -> dict:
    if not isinstance(disk, dict) or set(disk) - {"bootloader"} != {"ptuuid", "parts"}:
        raise DiskError("the disk's partition table must give ptuuid and parts (and bootloader: false)")
    if disk.get("bootloader", False) is not False:
        raise DiskError("the disk's bootloader is given only as false (a disk with none)")
    _text(disk["ptuuid"], 36, "the partition table's UUID", UUID)
    parts = disk["parts"]
    if not isinstance(parts, list) or not 1 <= len(parts) <= 128:
        raise DiskError("the partition table must list 1 to 128 partitions")
    numbers = set()
    for part in parts:
        if not isinstance(part, dict) or set(part) != PART_FIELDS:
            raise DiskError("each partition gives number, fstype, fsver, label, uuid and partuuid")
        number = _integer(part["number"], 1, 128, "a partition number")
        if number in numbers:
            raise DiskError(f"partition {number} is listed twice")
        numbers.add(number)
        if part["fstype"] not in FSTYPES:
            raise DiskError(f"partition {number}: unknown filesystem type {str(part['fstype'])[:20]!r}")
        _text(part["fsver"], 16, f"partition {number}'s filesystem version", re.compile(r"[A-Za-z0-9.]*"))
        _text(part["label"], 16, f"partition {number}'s label")
        if not part["label"].isprintable():
            raise DiskError(f"partition {number}'s label holds control characters")
        _text(part["uuid"], 36, f"partition {number}'s filesystem UUID")
        if part["fstype"] and not (UUID.fullmatch(part["uuid"]) or VFAT_ID.fullmatch(part["uuid"])):
            raise DiskError(f"partition {number}'s filesystem UUID {part['uuid']!r} is not valid")
        _text(part["partuuid"], 36, f"partition {number}'s PARTUUID", UUID)
    return disk


def _packages(changes) -> dict:
    if not isinstance(changes, dict) or len(changes) > len(ARCHIVE):
        raise DiskError("the disk's package changes must be an object of package -> state")
    for name, state in changes.items():
        if name not in ARCHIVE:
            raise DiskError(f"the disk's dpkg database names a package not in the archive: {name[:60]!r}")
        if state not in PACKAGE_STATES:
            raise DiskError(f"package {name}: unknown dpkg state {str(state)[:10]!r}")
    return changes


def _check_path(path, what: str = "a path") -> str:
    if type(path) is not str:
        raise DiskError(f"{what} on the disk is not text")
    _utf8(path, f"the path {path!r}")
    shown = repr(path[:80])
    if "\0" in path:
        raise DiskError(f"the path {shown} holds a NUL byte")
    if not path.startswith("/"):
        raise DiskError(f"the path {shown} is not absolute")
    if path != "/" and (posixpath.normpath(path) != path or path.startswith("//")):
        raise DiskError(f"the path {shown} is not in normal form ('..', '.', '//' or a trailing '/')")
    if len(path.encode()) >= PATH_MAX or any(len(part.encode()) > NAME_MAX for part in path.split("/")):
        raise DiskError(f"the path {shown} is longer than Linux allows")
    if not on_disk(path):
        raise DiskError(f"{path[:80]} is not on a disk: {path.split('/')[1]} is filled at boot")
    return path


def _tree(nodes, absent) -> tuple[dict, list]:
    if not isinstance(nodes, dict):
        raise DiskError("the disk's nodes must be an object of path -> node")
    if len(nodes) > MAX_NODES:
        raise DiskError(f"the disk holds {len(nodes)} changed files: at most {MAX_NODES}")
    if not isinstance(absent, list) or len(absent) > MAX_NODES:
        raise DiskError("the disk's removed paths must be a list")
    base = _base()
    gone = set()
    for path in absent:
        _check_path(path, "a removed path")
        if path == "/" or path not in base:
            raise DiskError(f"the disk removes {path[:80]}, which the image does not hold")
        gone.add(path)
    checked = {}
    for path, data in nodes.items():
        _check_path(path)
        if path in gone:
            raise DiskError(f"{path[:80]} is both removed and changed")
        node = _node(path, data)
        if path == "/" and node.kind != "dir":
            raise DiskError("the root of the disk's filesystem must be a directory")
        checked[path] = data
    kinds = {path: node.kind for path, node in base.items() if path not in gone}
    kinds |= {path: data["kind"] for path, data in checked.items()}
    for path in kinds:
        if path != "/" and on_disk(path) and kinds.get(posixpath.dirname(path)) != "dir":
            raise DiskError(f"{path[:80]} has no parent directory on the disk")
    return checked, sorted(gone)


NODE_FIELDS = {"kind", "mode", "uid", "gid", "content", "target", "major", "minor", "mtime", "generator"}
SWAP_GENERATOR = re.compile(r"allocated:[0-9]{1,20}")


def _node(path: str, data) -> Node:
    shown = path[:80]
    if not isinstance(data, dict) or not set(data) <= NODE_FIELDS or data.get("kind") not in KINDS:
        raise DiskError(f"{shown}: a node has a kind ({', '.join(KINDS)}) and known fields only")
    kind = data["kind"]
    _integer(data.get("mode", 0o644), 0, 0o7777, f"{shown}: the mode")
    _integer(data.get("uid", 0), 0, 2**32 - 2, f"{shown}: the owner")
    _integer(data.get("gid", 0), 0, 2**32 - 2, f"{shown}: the group")
    _integer(data.get("mtime", 0), 0, 2**40, f"{shown}: the modification time")
    content = data.get("content", "")
    if content and kind != "file":
        raise DiskError(f"{shown}: only a regular file has content")
    _text(content, MAX_FILE_SIZE, f"{shown}: the content")
    target = data.get("target", "")
    if kind == "symlink" and not target:
        raise DiskError(f"{shown}: a symbolic link needs a target")
    if target and kind != "symlink":
        raise DiskError(f"{shown}: only a symbolic link has a target")
    _text(target, PATH_MAX - 1, f"{shown}: the link's target")
    if "\0" in target:
        raise DiskError(f"{shown}: the link's target holds a NUL byte")
    if kind not in ("chardev", "blockdev") and (data.get("major") or data.get("minor")):
        raise DiskError(f"{shown}: only a device node has device numbers")
    _integer(data.get("major", 0), 0, 4095, f"{shown}: the major device number")
    _integer(data.get("minor", 0), 0, 2**20 - 1, f"{shown}: the minor device number")
    generator = data.get("generator")
    swap = kind == "file" and type(generator) is str and SWAP_GENERATOR.fullmatch(generator)
    if generator is not None and not swap:
        raise DiskError(f"{shown}: the only generated file a disk holds is a swap file (allocated:N)")
    return Node(**data)


# Building


def restore(content: GuestDisk, spec: dict):
    """The guest a checked disk makes, with the hardware of `spec` (seed, vCPUs, memory, host): a fresh
    install of its spec for what boot rebuilds (/proc, /sys, /dev, /run, the NIC), the disk's files,
    partition table and dpkg database over it."""
    from simulator.machine import Machine

    fresh = Machine.create({**content.spec, **spec, "platform": "kvm"})
    data = fresh.to_dict()
    runtime = {path: node for path, node in data["fs"]["nodes"].items() if not on_disk(path)}
    kept_absent = [path for path in data["fs"]["absent"] if not on_disk(path)]
    data["fs"] = {"nodes": {**runtime, **content.nodes}, "absent": sorted(kept_absent + content.absent)}
    data["packages"] = dict(content.packages)
    disk = data["disks"][0]
    ours = {_number(disk["name"], part["name"]): part for part in disk["parts"]}
    theirs = {part["number"]: part for part in content.disk["parts"]}
    if set(ours) != set(theirs):
        raise DiskError(
            f"the disk's partitions ({', '.join(map(str, sorted(theirs)))}) are not those of its install "
            f"({', '.join(map(str, sorted(ours)))})"
        )
    disk["ptuuid"] = content.disk["ptuuid"]
    for number, part in ours.items():
        part.update({key: value for key, value in theirs[number].items() if key != "number"})
    guest = Machine.from_dict(data)
    layout.udev_disk_links(guest)
    return guest
