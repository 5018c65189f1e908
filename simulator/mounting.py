"""Filesystems on whole extra disks (a cloud volume's /dev/vdb): made by mkfs, mounted and unmounted.

The disk itself carries its filesystem (fstype, uuid, label) and, while it is not mounted, what is on it
(`files`: paths under the mount point -> node data). Mounting moves those nodes into the machine's tree
under the mount point; unmounting (or detaching the volume) moves them back out. So what a guest writes
on a mounted volume goes with the disk wherever it is attached next, and the machine's own root keeps
only what was written elsewhere.
"""

from __future__ import annotations

import posixpath
import uuid

from simulator import layout
from simulator.filesystem import FsError, Node


def volume_disks(machine) -> list[dict]:
    """The whole disks a filesystem can be made on and mounted: attached volumes (no partition table)."""
    return [disk for disk in machine.disks if disk.get("volume")]


def find_disk(machine, spec: str, cwd: str = "/") -> dict | None:
    """The volume disk a device path, /dev/disk link, UUID= or LABEL= names."""
    key, _, value = spec.partition("=")
    disks = volume_disks(machine)
    if key in ("UUID", "LABEL") and value:
        return next((d for d in disks if d.get(key.lower()) == value), None)
    fs = machine.fs
    try:
        real = fs.resolve(spec, cwd)
    except FsError:
        return None
    return next((d for d in disks if f"/dev/{d['name']}" == real), None)


def make_filesystem(machine, disk: dict, label: str = "") -> str:
    """mkfs.ext4 on the whole disk: a new UUID, an empty filesystem (what was on the disk is gone)."""
    disk.update(
        fstype="ext4",
        fsver="1.0",
        label=label,
        uuid=str(uuid.UUID(int=machine.rng().getrandbits(128), version=4)),
        files={},
    )
    layout.udev_disk_links(machine)  # udev sees the new filesystem: /dev/disk/by-uuid, by-label
    return disk["uuid"]


def _take(machine, target: str) -> dict:
    """Everything under the directory `target`, as node data by relative path, taken out of the tree."""
    fs = machine.fs
    taken = {}
    if fs.is_dir(target):
        for path in list(fs.walk(target))[1:]:
            taken[posixpath.relpath(path, target)] = fs.nodes[path].to_dict()
        for name in list(fs.children.get(target, ())):
            fs._drop(posixpath.join(target, name))
    return taken


def _place(machine, target: str, files: dict) -> None:
    fs = machine.fs
    for relative, data in sorted(files.items()):
        path = posixpath.join(target, relative)
        fs.add_dir(posixpath.dirname(path))
        fs._put(path, Node(**data))


def mount(machine, disk: dict, target: str) -> None:
    """The disk's files appear under `target` (an existing directory); what the directory held is hidden
    under the mount until it is unmounted, as on Linux."""
    disk["hidden"] = _take(machine, target)
    _place(machine, target, disk.pop("files", None) or {})
    disk["mount"], disk["mounted"] = target, machine.clock


def unmount(machine, disk: dict) -> None:
    """The files under the mount point go back onto the disk; what the directory held shows again."""
    target = disk.pop("mount", None)
    if not target:
        return
    disk["files"] = _take(machine, target)
    _place(machine, target, disk.pop("hidden", None) or {})


def mount_at_boot(machine) -> None:
    """What systemd's fstab generator mounts at boot of the volume disks: every entry naming one with a
    filesystem, unless noauto (a missing device is layout.mount_at_boot's: emergency mode)."""
    for disk in volume_disks(machine):
        unmount(machine, disk)
    for device, target, fstype, options in layout.fstab_entries(machine):
        disk = find_disk(machine, device)
        if disk is None or fstype == "swap" or "noauto" in options:
            continue
        if disk.get("fstype") and not disk.get("mount") and machine.fs.is_dir(target):
            mount(machine, disk, target)
