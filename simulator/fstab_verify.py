"""`findmnt --verify` (util-linux 2.39, misc-utils/findmnt-verify.c): /etc/fstab checked line by line as
libmount reads it, each problem under its mount point as "[E]" (an error: the boot needs it) or "[W]",
then the summary on stderr; the exit status counts the errors and the lines that did not parse.

A source given as a tag (UUID=, LABEL=, PARTUUID=) must name a device that exists, unless the line is
`noauto`: that is the unknown-UUID error behind an emergency boot. A mount point that does not exist is an
error too ("unreachable on boot required target"), as systemd would have to create it.
"""

from __future__ import annotations

from simulator import layout
from simulator.filesystem import DEFAULT_EPOCH, FsError

PSEUDO = {"proc", "sysfs", "tmpfs", "devpts", "devtmpfs", "cgroup2", "securityfs", "debugfs", "tracefs"}
SUPPORTED = {"ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "iso9660", "tmpfs", "squashfs", "overlay"}
# libmount's option maps: what the kernel's mount flags take (VFS), what only mount(8) reads (userspace)
VFS_OPTIONS = {
    "defaults", "ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev", "sync", "async", "dirsync",
    "remount", "bind", "rbind", "mand", "nomand", "atime", "noatime", "iversion", "noiversion", "diratime",
    "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime",
    "nosymfollow", "silent", "loud", "move",
}  # fmt: skip
USER_OPTIONS = {"auto", "noauto", "user", "nouser", "users", "owner", "group", "nofail", "_netdev", "loop"}
ERRNO_ENOENT = "No such file or directory"


class Report:
    def __init__(self, verbose: bool):
        self.verbose = verbose
        self.lines: list[str] = []
        self.errors = self.warnings = 0
        self.target = ""
        self.printed = False

    def _say(self, kind: str, text: str) -> None:
        if not self.printed and self.target:
            self.lines.append(self.target)
            self.printed = True
        self.lines.append(f"   [{kind}] {text}")

    def error(self, text: str) -> None:
        self.errors += 1
        self._say("E", text)

    def warn(self, text: str) -> None:
        self.warnings += 1
        self._say("W", text)

    def ok(self, text: str) -> None:
        if self.verbose:
            self._say(" ", text)


def _entries(machine) -> list[list[str]]:
    """The fields of the lines libmount parses (comments and blank lines skipped; broken ones apart)."""
    text = machine.fs.read("/etc/fstab") if machine.fs.is_file("/etc/fstab") else ""
    lines = [line.split() for line in text.splitlines()]
    return [fields for fields in lines if fields and not fields[0].startswith("#") and len(fields) >= 3]


def _split_options(options: list[str]) -> tuple[list[str], list[str], list[str]]:
    vfs = [o for o in options if o in VFS_OPTIONS]
    user = [o for o in options if o in USER_OPTIONS or o.startswith(("x-", "comment="))]
    fs = [o for o in options if o not in vfs and o not in user]
    return vfs, fs, user


def _device(machine, spec: str) -> tuple[str, str] | None:
    """(device path, on-disk type) of an fstab source that exists, else None."""
    part = layout.fstab_device(machine, spec)
    if part is not None:
        return f"/dev/{part['name']}", part.get("fstype", "")
    key, _, value = spec.partition("=")
    for disk in machine.disks:
        tags = {"UUID": disk.get("uuid"), "LABEL": disk.get("label")}
        if (key in tags and value and tags[key] == value.strip('"')) or spec == f"/dev/{disk['name']}":
            return f"/dev/{disk['name']}", disk.get("fstype", "")
    return None


def verify(machine, verbose: bool = False) -> tuple[str, str, str, int]:
    """What `findmnt --verify` writes, in order: the parse errors (stderr, as libmount reads the file),
    the report (stdout), the summary (stderr); then its exit status."""
    report = Report(verbose)
    parse_errors = [
        f"findmnt: /etc/fstab: parse error at line {n} -- ignored\n"
        for n in layout.fstab_parse_errors(machine)
    ]
    entries = [fields for fields in _entries(machine) if not layout._fstab_line_broken(fields)]
    for index, fields in enumerate(entries):
        spec, target, fstype = fields[0], fields[1], fields[2]
        options = fields[3].split(",") if len(fields) > 3 else []
        passno = fields[5] if len(fields) > 5 else "0"
        report.target, report.printed = target, False
        for later in entries[index + 1 :]:  # verify_order
            if later[1] == target:
                report.warn("target specified more than once")
            elif target.startswith(later[1].rstrip("/") + "/"):
                report.error(f"wrong order: {target} specified before {later[1]}")
        required = "noauto" not in options
        if fstype != "swap":
            _target(machine, report, target, options, required)
        real = _source(machine, report, spec, fstype, options, required)
        if real is not None:
            _fstype(report, real, fstype)
        if target == "/" and passno != "1" and fstype not in ("xfs", "btrfs"):
            report.warn(f"recommended root FS passno is 1 (current is {passno})")
    report.target, report.printed = "", True
    if _fstab_newer(machine):
        report.warn(
            "your fstab has been modified, but systemd still uses the old version;\n"
            "       use 'systemctl daemon-reload' to reload"
        )
    out = "".join(line + "\n" for line in report.lines)
    err = ""
    if report.errors or report.warnings or parse_errors:
        counts = ((len(parse_errors), "parse error"), (report.errors, "error"), (report.warnings, "warning"))
        err += "\n" + ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts) + "\n"
    else:
        out += "Success, no errors or warnings detected\n"
    return "".join(parse_errors), out, err, report.errors + len(parse_errors)


def _mounted(machine) -> set[str]:
    """Where filesystems are mounted now: a mount point stat()s as the root of what is mounted on it."""
    points = {p["mount"] for d in machine.disks for p in d["parts"] if p.get("mount")}
    return points | {d["mount"] for d in machine.disks if d.get("mount")}


def _target(machine, report: Report, target: str, options: list[str], required: bool) -> None:
    fs = machine.fs
    if target in _mounted(machine):
        report.ok("target exists")
    elif not fs.exists(target):
        if required:
            report.error(f"unreachable on boot required target: {ERRNO_ENOENT}")
        else:
            report.warn(f"unreachable target: {ERRNO_ENOENT}")
    elif not fs.is_dir(target) and "bind" not in options:
        report.error("target is not a directory")
    else:
        report.ok("target exists")
    vfs, fs_options, user = _split_options(options)
    for label, chosen in (("VFS options", vfs), ("FS options", fs_options), ("userspace options", user)):
        if chosen:
            report.ok(f"{label}: {','.join(chosen)}")


def _source(machine, report: Report, spec: str, fstype: str, options: list[str], required: bool):
    """verify_source: a tag must resolve; a path is looked at. Returns the on-disk type to compare with the
    line's, or None when there is nothing to compare."""
    key, _, value = spec.partition("=")
    if key in ("UUID", "LABEL", "PARTUUID", "PARTLABEL") and value:
        found = _device(machine, spec)
        if found is None:
            if required:
                report.error(f"unreachable on boot required source: {key}={value}")
            else:
                report.warn(f"unreachable: {key}={value}")
            return None
        report.ok(f"{key}={value} translated to {found[0]}")
        report.ok(f"source {found[0]} exists")
        return found[1]
    if fstype in PSEUDO:
        report.ok(f"do not check {spec} source (pseudo/net)")
        report.ok(f"do not check {spec} FS type (pseudo/net)")  # verify_fstype's, right after
        return None
    fs = machine.fs
    if not fs.exists(spec):
        report.warn(f"unreachable source: {spec}: {ERRNO_ENOENT}")
        return None
    found = _device(machine, spec)
    if fs.is_dir(spec) or fs.is_file(spec):
        if "bind" not in options:
            report.warn(f"non-bind mount source {spec} is a directory or regular file")
        return "swap" if fstype == "swap" else None
    if found is None:
        report.warn(f"source {spec} is not a block device")
        return None
    report.ok(f"source {spec} exists")
    return found[1]


def _fstype(report: Report, real: str, fstype: str) -> None:
    """verify_fstype: the line's type against what is on the disk."""
    if fstype not in ("auto", "swap", "none") and fstype not in SUPPORTED:
        report.warn(f"{fstype} seems unsupported by the current kernel")
    if not real:
        report.warn("cannot detect on-disk filesystem type (reason unknown)")
    elif fstype != "auto" and fstype != real:
        report.warn(f"{fstype} does not match with on-disk {real}")
    else:
        report.ok(f"FS type is {real}")


def _fstab_newer(machine) -> bool:
    try:
        return machine.fs.stat("/etc/fstab").mtime > DEFAULT_EPOCH + machine.units_loaded
    except FsError:
        return False
