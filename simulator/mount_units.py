"""The mount units systemd 255 keeps: one for each filesystem mounted (from /proc/self/mountinfo), and one
for each /etc/fstab line systemd-fstab-generator turned into a unit, mounted or not.

Names are systemd-escape --path of the mount point (`-.mount` for /, `srv.mount` for /srv). The kernel's
API filesystems systemd mounts itself (/proc, /sys, /dev, /run...) have no unit (mount_point_ignore); those
with a unit file of their own (dev-hugepages.mount...) are static. UNVERIFIED: that /run/lock shows as a
unit of mountinfo on Ubuntu 24.04.
"""

from __future__ import annotations

import time

from simulator import layout, mounting
from simulator.commands.mounts import mount_table
from simulator.emergency import device_path, escape_path

API = {
    "/proc",
    "/sys",
    "/dev",
    "/dev/pts",
    "/dev/shm",
    "/run",
    "/sys/kernel/security",
    "/sys/fs/cgroup",
    "/sys/fs/pstore",
    "/sys/firmware/efi/efivars",
    "/sys/fs/bpf",
}
# Units systemd ships for the other API filesystems: their Description= lines (units/*.mount, 255).
STATIC = {
    "/dev/hugepages": "Huge Pages File System",
    "/dev/mqueue": "POSIX Message Queue File System",
    "/sys/kernel/debug": "Kernel Debug File System",
    "/sys/kernel/tracing": "Kernel Trace File System",
    "/sys/fs/fuse/connections": "FUSE Control File System",
    "/sys/kernel/config": "Kernel Configuration File System",
}
FSTAB_DOCS = ("man:fstab(5)", "man:systemd-fstab-generator(8)")


def unit_name(where: str) -> str:
    return "-.mount" if where == "/" else escape_path(where) + ".mount"


def units(machine) -> list[dict]:
    """Each mount unit: unit, where, what, active, description, source ("fstab", "static", "mountinfo")."""
    if machine.kind == "container":
        return []
    found: dict[str, dict] = {}
    fstab = {target.rstrip("/") or "/": spec for spec, target, fstype, _ in layout.fstab_entries(machine)}
    for mount in mount_table(machine):
        if mount.target in API:
            continue
        source = "fstab" if mount.target in fstab else "static" if mount.target in STATIC else "mountinfo"
        found[mount.target] = {
            "unit": unit_name(mount.target),
            "where": mount.target,
            "what": mount.source,
            "active": True,
            "description": "Root Mount" if mount.target == "/" else STATIC.get(mount.target, mount.target),
            "source": source,
        }
    for target, spec in fstab.items():
        if target.startswith("/") and target not in found and target != "none":
            found[target] = {
                "unit": unit_name(target),
                "where": target,
                "what": device_path(spec),
                "active": False,
                "description": target,
                "source": "fstab",
            }
    return sorted(found.values(), key=lambda unit: unit["unit"])


def find(machine, unit: str) -> dict | None:
    return next((found for found in units(machine) if found["unit"] == unit), None)


def status_text(machine, unit: str) -> str:
    """`systemctl status X.mount` (systemctl-show.c, 255): Where and What instead of a main process."""
    found = find(machine, unit)
    booted = machine.now() - int(machine.uptime()) + 3
    since = time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(booted))
    loaded = {
        "fstab": "loaded (/etc/fstab; generated)",
        "static": f"loaded (/usr/lib/systemd/system/{unit}; static)",
        "mountinfo": "loaded (/proc/self/mountinfo)",
    }[found["source"]]
    hours, rest = divmod(machine.now() - booted, 3600)
    minutes, seconds = divmod(rest, 60)
    ago_text = (
        f"{hours}h {minutes}min ago"
        if hours
        else f"{minutes}min {seconds}s ago"
        if minutes
        else f"{seconds}s ago"
    )
    active = f"active (mounted) since {since}; {ago_text}" if found["active"] else "inactive (dead)"
    lines = [
        f"{'●' if found['active'] else '○'} {unit} - {found['description']}",
        f"     Loaded: {loaded}",
        f"     Active: {active}",
        f"      Where: {found['where']}",
        f"       What: {found['what']}",
    ]
    if found["source"] == "fstab":
        lines += ["       Docs: " + FSTAB_DOCS[0], "             " + FSTAB_DOCS[1]]
    return "\n".join(lines) + "\n"


def start(machine, unit: str) -> str:
    """`systemctl start X.mount` of an fstab line: the device mounted where the line says (systemd makes
    a missing mount point). Returns systemctl's complaint, or "" when it is mounted."""
    found = find(machine, unit)
    if found["active"] or found["source"] != "fstab":
        return ""
    spec = next(
        spec
        for spec, target, _, _ in layout.fstab_entries(machine)
        if (target.rstrip("/") or "/") == found["where"]
    )
    part = layout.fstab_device(machine, spec)
    volume = mounting.find_disk(machine, spec)
    if part is None and volume is None:  # the device job times out after 90 s
        return f"A dependency job for {unit} failed. See 'journalctl -xe' for details.\n"
    if not machine.fs.is_dir(found["where"]):
        machine.fs.add_dir(found["where"])
    if volume is not None:
        mounting.mount(machine, volume, found["where"])
    else:
        part["mount"] = found["where"]
        part.pop("last_mount", None)
    return ""


def stop(machine, unit: str) -> str:
    """`systemctl stop X.mount`: unmounted, except the root filesystem (RefuseManualStop=yes)."""
    found = find(machine, unit)
    if found["where"] == "/":
        return (
            f"Failed to stop {unit}: Operation refused, unit {unit} may be requested by dependency only "
            "(it is configured to refuse manual start/stop).\n"
        )
    if not found["active"] or found["source"] != "fstab":
        return ""
    for disk in machine.disks:
        if disk.get("mount") == found["where"]:
            mounting.unmount(machine, disk)
        for part in disk["parts"]:
            if part.get("mount") == found["where"]:
                part["last_mount"], part["mount"] = part["mount"], None
    return ""
