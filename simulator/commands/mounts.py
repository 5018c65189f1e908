"""What is mounted where: df (coreutils 9.4), mount and findmnt (util-linux 2.39.3), as on Ubuntu 24.04;
and the swap areas in use: swapon and swapoff (util-linux 2.39.3, sys-utils/swapon.c and swapoff.c).

All three read one table, `mount_table`, in /proc/self/mounts order: the disk partitions from the machine's
disks (the same ones lsblk, blkid and /etc/fstab name) among the pseudo filesystems systemd mounts at boot.
A Docker container sees an overlay root, a few tmpfs and the host disk behind its /etc/hosts bind mount;
an LXD container sees its root as a bind mount of a directory on the host disk. The pseudo filesystems'
option strings are plausible for Ubuntu 24.04 (6.8 kernel), not copied from one machine.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass

from simulator import fstab_verify, layout, mounting
from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.options import UsageError, gnu, parse
from simulator.filesystem import DEFAULT_EPOCH, FsError
from simulator.layout import esp_mask, fs_usage

DF_ZERO_BLOCK = {"sysfs", "proc", "devpts", "securityfs", "cgroup2", "pstore", "bpf", "autofs"}
DF_ZERO_BLOCK |= {"hugetlbfs", "mqueue", "debugfs", "tracefs", "fusectl", "configfs", "binfmt_misc"}
# Captures of `df` on Ubuntu 22.04 and 24.04 list no udev line although devtmpfs has blocks (cause not
# traced in the coreutils/gnulib source); it is left out as they show.
DF_HIDDEN = DF_ZERO_BLOCK | {"devtmpfs"}


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    fstype: str
    options: str
    blocks: int = 0  # KiB
    used: int = 0
    avail: int = 0
    root: str = ""  # the bind-mounted directory, as findmnt shows it in brackets


def use_percent(used: int, avail: int) -> str:
    """coreutils df: used / (used + available), rounded up; "-" without blocks."""
    return f"{math.ceil(used * 100 / (used + avail))}%" if used + avail else "-"


def _tmpfs(target: str, kib: int, options: str, used: int = 0, source: str = "tmpfs") -> Mount:
    return Mount(source, target, "tmpfs", options, kib, used, kib - used)


def _partition(part: dict) -> Mount:
    options = {
        "/": "rw,relatime",
        "/boot": "rw,relatime",
        "/boot/efi": f"rw,relatime,fmask={esp_mask(part):04o},dmask={esp_mask(part):04o},codepage=437,"
        "iocharset=iso8859-1,shortname=mixed,errors=remount-ro",
    }.get(part["mount"], "rw,relatime")
    if part["fstype"] == "xfs":  # the kernel's defaults for an XFS v5 filesystem (Linux 6.8)
        options = "rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota"
    if part["mount"] == "/" and part.get("label") == "cloudimg-rootfs":
        options = "rw,relatime,discard,errors=remount-ro,commit=30"
    return Mount(f"/dev/{part['name']}", part["mount"], part["fstype"], options, *fs_usage(part))


def _overlay_options(machine) -> str:
    """overlay2's mount options: short layer links under l/, the container layer's diff and work dirs."""
    rng = random.Random(f"{machine.spec['seed']}/overlay")
    letters = string.ascii_uppercase + string.digits
    links = ":".join(
        "/var/lib/docker/overlay2/l/" + "".join(rng.choice(letters) for _ in range(26)) for _ in range(2)
    )
    layer = f"/var/lib/docker/overlay2/{rng.getrandbits(256):064x}"
    return f"rw,relatime,lowerdir={links},upperdir={layer}/diff,workdir={layer}/work,nouserxattr"


def mount_table(machine) -> list[Mount]:
    ram = machine.spec["memory_mb"] * 1024 * 97 // 100
    host_root = next(p for d in machine.disks for p in d["parts"] if p["fstype"] == "ext4")
    host_disk = (f"/dev/{host_root['name']}", *fs_usage({**host_root, "mount": "/"}))
    if machine.spec["platform"] == "docker":
        # docker 24-26 defaults: /dev and /dev/shm of 64 MiB, masked /proc and /sys paths as read-only tmpfs
        masked = "ro,relatime,inode64"
        return [
            Mount(
                "overlay",
                "/",
                "overlay",
                _overlay_options(machine),
                *host_disk[1:],
            ),
            Mount("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
            _tmpfs("/dev", 65536, "rw,nosuid,size=65536k,mode=755,inode64"),
            Mount("devpts", "/dev/pts", "devpts", "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666"),
            Mount("sysfs", "/sys", "sysfs", "ro,nosuid,nodev,noexec,relatime"),
            Mount("cgroup", "/sys/fs/cgroup", "cgroup2", "ro,nosuid,nodev,noexec,relatime"),
            Mount("mqueue", "/dev/mqueue", "mqueue", "rw,nosuid,nodev,noexec,relatime"),
            _tmpfs("/dev/shm", 65536, "rw,nosuid,nodev,noexec,relatime,size=65536k,inode64", source="shm"),
            Mount(host_disk[0], "/etc/resolv.conf", "ext4", "rw,relatime", *host_disk[1:]),
            Mount(host_disk[0], "/etc/hostname", "ext4", "rw,relatime", *host_disk[1:]),
            Mount(host_disk[0], "/etc/hosts", "ext4", "rw,relatime", *host_disk[1:]),
            _tmpfs("/proc/acpi", ram // 2, masked),
            _tmpfs("/proc/scsi", ram // 2, masked),
            _tmpfs("/sys/firmware", ram // 2, masked),
        ]
    if machine.spec["platform"] == "lxc":
        # A plain LXC container (lxc-create), as the scenario and its checks say: not LXD's storage pool.
        rootfs = f"/var/lib/lxc/{machine.hostname}/rootfs"
        return [
            Mount(host_disk[0], "/", "ext4", "rw,relatime,idmapped", *host_disk[1:], root=rootfs),
            Mount(
                "none",
                "/dev",
                "tmpfs",
                "rw,relatime,size=492k,mode=755,uid=1000000,gid=1000000,inode64",
                492,
                0,
                492,
            ),
            Mount("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
            Mount("sysfs", "/sys", "sysfs", "rw,relatime"),
            _tmpfs("/dev/shm", ram // 2, "rw,nosuid,nodev,uid=1000000,gid=1000000,inode64"),
            _tmpfs(
                "/run",
                ram // 5,
                f"rw,nosuid,nodev,size={ram // 5}k,nr_inodes=819200,mode=755,uid=1000000,gid=1000000,inode64",
                96,
            ),
            _tmpfs(
                "/run/lock",
                5120,
                "rw,nosuid,nodev,noexec,relatime,size=5120k,uid=1000000,gid=1000000,inode64",
            ),
        ]
    parts = {p["mount"]: p for d in machine.disks for p in d["parts"] if p.get("mount")}
    run = ram // 10
    table = [
        Mount("sysfs", "/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime"),
        Mount("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
        Mount(
            "udev",
            "/dev",
            "devtmpfs",
            f"rw,nosuid,relatime,size={ram // 2}k,mode=755,inode64",
            ram // 2,
            0,
            ram // 2,
        ),
        Mount("devpts", "/dev/pts", "devpts", "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000"),
        _tmpfs("/run", run, f"rw,nosuid,nodev,noexec,relatime,size={run}k,mode=755,inode64", 1020),
        _partition(parts["/"]),
        Mount("securityfs", "/sys/kernel/security", "securityfs", "rw,nosuid,nodev,noexec,relatime"),
        _tmpfs("/dev/shm", ram // 2, "rw,nosuid,nodev,inode64"),
        _tmpfs("/run/lock", 5120, "rw,nosuid,nodev,noexec,relatime,size=5120k,inode64"),
        Mount(
            "cgroup2",
            "/sys/fs/cgroup",
            "cgroup2",
            "rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot",
        ),
        Mount("pstore", "/sys/fs/pstore", "pstore", "rw,nosuid,nodev,noexec,relatime"),
    ]
    if machine.spec["firmware"] == "uefi":
        # Linux 6.x efivarfs reports the variable store's size: 128K on a PC, as 24.04 captures show
        efivars = "rw,nosuid,nodev,noexec,relatime"
        table.append(Mount("efivarfs", "/sys/firmware/efi/efivars", "efivarfs", efivars, 128, 55, 69))
    table += [
        Mount("bpf", "/sys/fs/bpf", "bpf", "rw,nosuid,nodev,noexec,relatime,mode=700"),
        Mount("hugetlbfs", "/dev/hugepages", "hugetlbfs", "rw,nosuid,nodev,relatime,pagesize=2M"),
        Mount("mqueue", "/dev/mqueue", "mqueue", "rw,nosuid,nodev,noexec,relatime"),
        Mount("debugfs", "/sys/kernel/debug", "debugfs", "rw,nosuid,nodev,noexec,relatime"),
        Mount("tracefs", "/sys/kernel/tracing", "tracefs", "rw,nosuid,nodev,noexec,relatime"),
        Mount("fusectl", "/sys/fs/fuse/connections", "fusectl", "rw,nosuid,nodev,noexec,relatime"),
        Mount("configfs", "/sys/kernel/config", "configfs", "rw,nosuid,nodev,noexec,relatime"),
    ]
    table += [_partition(parts[target]) for target in ("/boot", "/boot/efi") if target in parts]
    table += [_partition(part) for target, part in parts.items() if target not in ("/", "/boot", "/boot/efi")]
    table.append(
        _tmpfs(
            "/run/user/1000",
            run,
            f"rw,nosuid,nodev,relatime,size={run}k,mode=700,uid=1000,gid=1000,inode64",
            12,
        )
    )
    for disk in mounting.volume_disks(machine):  # mounted volumes (whole disks), as they were mounted
        if disk.get("mount"):
            source = f"/dev/{disk['name']}"
            table.append(Mount(source, disk["mount"], disk["fstype"], "rw,relatime", *fs_usage(disk)))
    return table


def _human(kib: int) -> str:
    """coreutils human_readable() with -h: powers of 1024, rounded up, one decimal below 10."""
    value = float(kib * 1024)
    if value < 1024:
        return str(int(value))
    for unit in "KMGTP":
        value /= 1024
        if value < 1024 or unit == "P":
            break
    if value < 10:
        tenths = math.ceil(value * 10 - 1e-9) / 10
        return f"{tenths:.1f}{unit}" if tenths < 10 else f"{math.ceil(tenths)}{unit}"
    return f"{math.ceil(value - 1e-9)}{unit}"


def _columns(rows: list[list[str]], widths: list[int], right: set[int]) -> str:
    """df's alignment: every column at least its minimum width; a left-aligned last one is not padded."""
    widths = [max([w] + [len(r[i]) for r in rows]) for i, w in enumerate(widths)]
    out = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell if i == len(row) - 1 else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append(" ".join(cells) + "\n")
    return "".join(out)


def _deduplicated(table: list[Mount]) -> list[Mount]:
    """df shows one line per device: for bind mounts of one filesystem, the shortest mount point."""
    best: dict[str, Mount] = {}
    for mount in table:
        if mount.source.startswith("/dev/"):
            known = best.get(mount.source)
            if known is None or len(mount.target) < len(known.target):
                best[mount.source] = mount
    return [m for m in table if not m.source.startswith("/dev/") or best[m.source] is m]


def _inodes(machine, mount: Mount) -> tuple[int, int]:
    """(inodes, used) of a mounted filesystem: ext4 has 8192 per 128 MiB block group (mke2fs's 16 KiB
    ratio); vfat has none; tmpfs allows half the RAM's pages; the rest report none."""
    if mount.fstype in ("ext4", "overlay"):
        part = next(
            (p for d in machine.disks for p in d["parts"] if f"/dev/{p['name']}" == mount.source), None
        )
        size = part["size"] if part else mount.blocks * 1024
        total = math.ceil(size / 4096 / 32768) * 8192
        return total, 61000 if mount.target in ("/", "/etc/hosts") or mount.fstype == "overlay" else 320
    if mount.fstype == "tmpfs":
        pages = machine.spec["memory_mb"] * 256
        return pages // 2, {"/run": 910, "/run/lock": 3, "/dev/shm": 1}.get(mount.target, 24)
    return 0, 0


DF_FIELDS = {
    "source": "Filesystem",
    "fstype": "Type",
    "itotal": "Inodes",
    "iused": "IUsed",
    "iavail": "IFree",
    "ipcent": "IUse%",
    "size": "1K-blocks",
    "used": "Used",
    "avail": "Avail",
    "pcent": "Use%",
    "file": "File",
    "target": "Mounted on",
}


def _human_count(count: int) -> str:
    return _human(count / 1024) if count >= 1024 else str(count)


@command(
    "df",
    man="""
df - report file system disk space usage (coreutils 9.4)

  df -h     human-readable sizes (powers of 1024)    -T  show each file system's type
  df -i     inodes instead of blocks (IUsed, IFree)  df -x tmpfs   exclude a type (repeatable)
  df --output=source,fstype,size,used,avail,pcent,target   choose the columns   df PATH  one file system
In a Docker container the root is "overlay", and the host's disk shows up behind /etc/hosts.
""",
)
def df(ctx: Context, argv: list[str]) -> int:
    args = [f"--output={','.join(DF_FIELDS)}" if a == "--output" else a for a in argv[1:]]
    long = {"human-readable": "h", "print-type": "T", "exclude-type=": "x", "type=": "t", "all": "a"}
    long |= {"inodes": "i", "output=": "output", "local": "l", "total": "total"}
    try:
        opts, operands = parse(args, "hTx:t:ail", long)
    except UsageError as error:
        ctx.err(f"df: {error}\nTry 'df --help' for more information.\n")
        return 1
    if "help" in opts:
        ctx.out(MAN_PAGES["df"])
        return 0
    fields = [f for spec in opts.all("output") for f in spec.split(",") if f]
    unknown = [f for f in fields if f not in DF_FIELDS]
    if unknown:
        ctx.err(
            f"df: '{unknown[0]}': not a valid field for --output\nTry 'df --help' for more information.\n"
        )
        return 1
    clash = next((f"-{o}" for o in ("i", "T", "P") if o in opts), None)
    if fields and clash:
        ctx.err(f"df: options {clash} and --output are mutually exclusive\n")
        ctx.err("Try 'df --help' for more information.\n")
        return 1
    table = _deduplicated(mount_table(ctx.machine))
    if "a" not in opts:
        table = [m for m in table if m.fstype not in DF_HIDDEN]
    table = [m for m in table if m.fstype not in opts.all("x")]
    if opts.all("t"):
        table = [m for m in table if m.fstype in opts.all("t")]
    status = 0
    files = ["-"] * len(table)
    if operands:
        chosen, files = [], []
        for path in operands:
            absolute = path if path.startswith("/") else f"{ctx.cwd.rstrip('/')}/{path}"
            if not ctx.machine.fs.exists(path) and all(m.target != absolute for m in table):
                ctx.err(f"df: {path}: No such file or directory\n")
                status = 1
                continue
            chosen.append(max((m for m in table if _covers(m.target, absolute)), key=lambda m: len(m.target)))
            files.append(path)
        table = chosen
    if not table:
        if status == 0:
            ctx.err("df: no file systems processed\n")
        return 1
    human = "h" in opts
    if not fields:
        fields = ["source", "fstype"] if "T" in opts else ["source"]
        fields += (
            ["itotal", "iused", "iavail", "ipcent"] if "i" in opts else ["size", "used", "avail", "pcent"]
        )
        fields.append("target")
    size = _human if human else str
    count = _human_count if human else str
    rows = []
    for mount, name in zip(table, files, strict=True):
        inodes, iused = _inodes(ctx.machine, mount)
        values = {
            "source": mount.source,
            "fstype": mount.fstype,
            "itotal": count(inodes),
            "iused": count(iused),
            "iavail": count(inodes - iused),
            "ipcent": use_percent(iused, inodes - iused),
            "size": size(mount.blocks),
            "used": size(mount.used),
            "avail": size(mount.avail),
            "pcent": use_percent(mount.used, mount.avail),
            "file": name,
            "target": mount.target,
        }
        rows.append([values[f] for f in fields])
    header = [DF_FIELDS[f] for f in fields]
    if human:
        header = ["Size" if f == "size" else h for f, h in zip(fields, header, strict=True)]
    if "output" not in opts and "i" not in opts and not human:
        header = ["Available" if f == "avail" else h for f, h in zip(fields, header, strict=True)]
    minimum = {"source": 14, "fstype": 4, "size": 5, "used": 5, "avail": 5, "pcent": 4}
    minimum |= {"itotal": 5, "iused": 5, "iavail": 5, "ipcent": 5}
    widths = [minimum.get(f, 0) for f in fields]
    right = {i for i, f in enumerate(fields) if f not in ("source", "fstype", "file", "target")}
    ctx.out(_columns([header, *rows], widths, right))
    return status


def _covers(target: str, path: str) -> bool:
    return target == "/" or path == target or path.startswith(target + "/")


# What the running system itself needs mounted: umount answers "target is busy" for these.
SYSTEM_MOUNTS = ("/", "/boot", "/boot/efi")


def _mount_one(ctx: Context, device: str, target: str) -> int:
    """Mount one disk filesystem (libmount's messages; 32 is its "mount failure" status)."""
    machine = ctx.machine
    volume = mounting.find_disk(machine, device, ctx.cwd)
    if volume is not None:
        return _mount_volume(ctx, volume, device, target)
    part = layout.fstab_device(machine, device) or find_device(ctx, device)
    if part is None and device.partition("=")[0] in ("UUID", "LABEL", "PARTUUID", "PARTLABEL"):
        # libmount resolves a tag before any mount(2): MNT_ERR_NOSOURCE, "can't find", MNT_EX_USAGE
        ctx.err(f"mount: {target}: can't find {device}.\n")
        return 1
    if part is None:
        ctx.err(f"mount: {target}: special device {device} does not exist.\n")
        return 32
    if not machine.fs.is_dir(target):
        ctx.err(f"mount: {target}: mount point does not exist.\n")
        return 32
    if part.get("mount"):
        ctx.err(f"mount: {target}: /dev/{part['name']} already mounted on {part['mount']}.\n")
        return 32
    part["mount"] = target
    part["mounted"] = machine.clock  # the mount unit's "active (mounted) since"
    part.pop("last_mount", None)
    part.pop("checked", None)  # mounted since its last check
    return 0


def _mount_volume(ctx: Context, disk: dict, device: str, target: str) -> int:
    """An attached volume (a whole disk, simulator/mounting.py): its files come into the tree at `target`."""
    if not ctx.machine.fs.is_dir(target, ctx.cwd):
        ctx.err(f"mount: {target}: mount point does not exist.\n")
        return 32
    if disk.get("mount"):
        ctx.err(f"mount: {target}: {device} already mounted on {disk['mount']}.\n")
        return 32
    if not disk.get("fstype"):
        ctx.err(
            f"mount: {target}: wrong fs type, bad option, bad superblock on /dev/{disk['name']}, missing "
            "codepage or helper program, or other error.\n"
            "       dmesg(1) may have more information after failed mount system call.\n"
        )
        return 32
    mounting.mount(ctx.machine, disk, ctx.machine.fs.resolve(target, ctx.cwd))
    return 0


def _systemd_hint(ctx: Context) -> None:
    """mount.c's systemd_hint, once a mount was tried: /etc/fstab changed since systemd last read it (at boot
    or daemon-reload), so its generated .mount units are stale. Printed only on a terminal."""
    machine = ctx.machine
    try:
        changed = machine.fs.stat("/etc/fstab").mtime > DEFAULT_EPOCH + machine.units_loaded
    except FsError:
        return
    if changed and getattr(ctx, "tty", False):
        ctx.out(
            "mount: (hint) your fstab has been modified, but systemd still uses\n"
            "       the old version; use 'systemctl daemon-reload' to reload.\n"
        )


def find_device(ctx: Context, device: str) -> dict | None:
    """The partition a /dev path names, through udev's links."""
    fs = ctx.machine.fs
    if not fs.exists(device, ctx.cwd):
        return None
    real = fs.resolve(device, ctx.cwd)
    return next((p for d in ctx.machine.disks for p in d["parts"] if f"/dev/{p['name']}" == real), None)


def _mount_all(ctx: Context) -> int:
    """mount -a: every fstab filesystem not yet mounted (not noauto, not swap). mount.c's mount_all sums
    up: 0 when every one mounted (or failed with nofail), 32 when none did, 64 when some did."""
    succeeded = failed = 0
    mounted = {p["mount"] for d in ctx.machine.disks for p in d["parts"] if p.get("mount")}
    mounted |= {d["mount"] for d in mounting.volume_disks(ctx.machine) if d.get("mount")}
    for device, target, fstype, options in layout.fstab_entries(ctx.machine):
        if fstype == "swap" or "noauto" in options or target in mounted:
            continue
        if _mount_one(ctx, device, target) and "nofail" not in options:
            failed += 1
        else:
            succeeded += 1
        if succeeded + failed == 1:
            _systemd_hint(ctx)
        mounted.add(target)
    if not failed:
        return 0
    return 64 if succeeded else 32


@command(
    "mount",
    man="""
mount - mount a filesystem; without arguments, list what is mounted

  mount                  every mount: SOURCE on TARGET type FSTYPE (OPTIONS)
  mount -t ext4          only one type     (the list comes from /proc/self/mounts)
  mount -a               mount every filesystem of /etc/fstab not yet mounted (root)
  mount /srv             mount what /etc/fstab names for /srv (or for that device)
  mount /dev/vdb1 /srv   mount a device on a directory
  mount /dev/vdb /data   mount an attached volume's filesystem (made by mkfs.ext4 on the whole disk)
""",
)
@gnu("at:l", {"all": "a", "types=": "t", "show-labels": "l"})
def mount(ctx: Context, opts, operands: list[str]) -> int:
    if operands or "a" in opts:
        if not ctx.is_root:
            ctx.err("mount: only root can do that\n")
            return 1
        if "a" in opts or len(operands) == 1:  # mount.c's table_parser_errcb, as libmount reads fstab
            for number in layout.fstab_parse_errors(ctx.machine):
                ctx.err(f"mount: /etc/fstab: parse error at line {number} -- ignored\n")
        if "a" in opts:
            return _mount_all(ctx)
        if len(operands) == 2:
            status = _mount_one(ctx, operands[0], operands[1].rstrip("/") or "/")
            _systemd_hint(ctx)
            return status
        wanted = operands[0].rstrip("/") or "/"
        device = find_device(ctx, operands[0])  # libmount also finds the line whose tag names the device
        entry = next(
            (
                e
                for e in layout.fstab_entries(ctx.machine)
                if wanted in (e[0], e[1])
                or device is not None
                and layout.fstab_device(ctx.machine, e[0]) is device
            ),
            None,
        )
        if entry is None:
            ctx.err(f"mount: {operands[0]}: can't find in /etc/fstab.\n")
            return 1
        status = _mount_one(ctx, entry[0], entry[1])
        _systemd_hint(ctx)
        return status
    types = [t for value in opts.all("t") for t in value.split(",")]
    table = [m for m in mount_table(ctx.machine) if not types or m.fstype in types]
    ctx.out("".join(f"{m.source} on {m.target} type {m.fstype} ({m.options})\n" for m in table))
    return 0


@command(
    "umount",
    man="""
umount - unmount filesystems

  umount /mnt            detach the filesystem mounted on /mnt (root only)
  umount /dev/sdb1       the same, naming the device
  A filesystem in use (open files, a process's working directory under it) is "target is busy".
""",
)
@gnu("flRrtvna", {"force": "f", "lazy": "l", "recursive": "R", "read-only": "r", "all": "a", "types=": "t"})
def umount(ctx: Context, opts, operands: list[str]) -> int:
    """umount(8) of util-linux 2.39.3, exit codes of libmount (32: the unmount failed).

    What the running system needs (/, /boot, the ESP, the pseudo filesystems) and the directory the shell
    is in are "target is busy"; a data disk's filesystem can go."""
    if not operands:
        ctx.err("umount: bad usage\nTry 'umount --help' for more information.\n")
        return 1
    status = 0
    for operand in operands:
        path = operand.rstrip("/") or operand[:1]
        volume = next(
            (
                d
                for d in mounting.volume_disks(ctx.machine)
                if d.get("mount") and path in (d["mount"], f"/dev/{d['name']}")
            ),
            None,
        )
        if volume is not None and ctx.is_root and not _covers(volume["mount"], ctx.cwd):
            mounting.unmount(ctx.machine, volume)  # its files go back onto the volume
            continue
        table = mount_table(ctx.machine)  # as the previous operand left it
        found = next((m for m in table if path and (m.target == path or m.source == operand)), None)
        if found is None:
            exists = ctx.machine.fs.lexists(operand, ctx.cwd, ctx.uid)
            ctx.err(f"umount: {operand}: {'not mounted' if exists else 'no mount point specified'}.\n")
            status = 32
        elif not ctx.is_root:
            ctx.err(f"umount: {found.target}: must be superuser to unmount.\n")
            status = status or 1
        elif found.target in SYSTEM_MOUNTS or _covers(found.target, ctx.cwd) or not _disk_part(ctx, found):
            ctx.err(f"umount: {found.target}: target is busy.\n")
            status = 32
        else:
            part = _disk_part(ctx, found)
            part["last_mount"], part["mount"] = part["mount"], None
    return status


def _disk_part(ctx: Context, mount: Mount) -> dict | None:
    return next((p for d in ctx.machine.disks for p in d["parts"] if p.get("mount") == mount.target), None)


FINDMNT_COLUMNS = ("TARGET", "SOURCE", "FSTYPE", "OPTIONS")


def _findmnt_source(mount: Mount) -> str:
    return f"{mount.source}[{mount.root}]" if mount.root else mount.source


def _tree(table: list[Mount]) -> list[tuple[str, Mount]]:
    """findmnt's tree: each mount under the nearest earlier mount whose target contains it."""
    children: dict[str, list[Mount]] = {}
    lines: list[tuple[str, Mount]] = []

    def walk(mount: Mount, prefix: str, branch: str) -> None:
        lines.append((prefix + branch + mount.target, mount))
        kids = children.get(mount.target, [])
        below = prefix + ("" if not branch else "│ " if branch == "├─" else "  ")
        for j, kid in enumerate(kids):
            walk(kid, below, "└─" if j == len(kids) - 1 else "├─")

    root = next((m for m in table if m.target == "/"), table[0])
    ordered = [root] + [m for m in table if m is not root]
    for i, mount in enumerate(ordered[1:], 1):
        parents = [m for m in ordered[:i] if m.target != mount.target and _covers(m.target, mount.target)]
        parent = max(parents, key=lambda m: len(m.target)) if parents else root
        children.setdefault(parent.target, []).append(mount)
    walk(root, "", "")
    return lines


@command(
    "findmnt",
    man="""
findmnt - find a filesystem

  findmnt                     every mount as a tree: TARGET SOURCE FSTYPE OPTIONS
  findmnt /                   only the root filesystem
  findmnt -n -o SOURCE /      just the device holding / (no header)
  -l flat list   -t TYPE only that type   -n no header   -o COLUMNS choose columns
  findmnt --verify [--verbose]   check /etc/fstab: unknown UUIDs, missing mount points, wrong types
""",
)
@gnu(
    "no:lt:x",
    {"noheadings": "n", "output=": "o", "list": "l", "types=": "t", "verify": "x", "verbose": "verbose"},
)
def findmnt(ctx: Context, opts, operands: list[str]) -> int:
    if "x" in opts:
        parse_errors, report, summary, status = fstab_verify.verify(ctx.machine, "verbose" in opts)
        for write, text in ((ctx.err, parse_errors), (ctx.out, report), (ctx.err, summary)):
            if text:
                write(text)
        return status
    table = mount_table(ctx.machine)
    columns = [c.strip().upper() for c in (opts.get("o") or ",".join(FINDMNT_COLUMNS)).split(",")]
    for column in columns:
        if column not in FINDMNT_COLUMNS:
            ctx.err(f"findmnt: unknown column: {column}\n")
            return 1
    types = [t for value in opts.all("t") for t in value.split(",")]
    flat = "l" in opts or bool(operands) or bool(types)
    if operands:
        wanted = operands[0].rstrip("/") or "/"
        table = [m for m in table if wanted in (m.target, m.source)]
    if types:
        table = [m for m in table if m.fstype in types]
    if not table:
        return 1
    rows = [(m.target, m) for m in table] if flat else _tree(table)
    values = {
        "TARGET": lambda label, m: label,
        "SOURCE": lambda label, m: _findmnt_source(m),
        "FSTYPE": lambda label, m: m.fstype,
        "OPTIONS": lambda label, m: m.options,
    }
    lines = [] if "n" in opts else [list(columns)]
    lines += [[values[c](label, m) for c in columns] for label, m in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    ctx.out(
        "".join(
            " ".join(cell if i == len(line) - 1 else cell.ljust(widths[i]) for i, cell in enumerate(line))
            + "\n"
            for line in lines
        )
    )
    return 0


def _swap_size(nbytes: int) -> str:
    """util-linux size_to_human_string(SIZE_SUFFIX_1LETTER): powers of 1024, one rounded decimal."""
    exp = 0
    while exp < 60 and nbytes >= 1 << (exp + 10):
        exp += 10
    whole, frac = nbytes >> exp, nbytes & ((1 << exp) - 1)
    tenths = ((frac * 1000 // (1 << exp) + 50) // 100) if exp else 0
    if tenths == 10:
        whole, tenths = whole + 1, 0
    suffix = "BKMGTPE"[exp // 10]
    return f"{whole}.{tenths}{suffix}" if tenths else f"{whole}{suffix}"


SWAPON_COLUMNS = ("NAME", "TYPE", "SIZE", "USED", "PRIO")


def _swap_rows(machine, in_bytes: bool) -> list[dict[str, str]]:
    size = str if in_bytes else _swap_size
    return [
        {
            "NAME": path,
            "TYPE": "file",
            "SIZE": size(layout.swap_kib(machine, path) * 1024),
            "USED": size(0),
            "PRIO": str(-2 - n),
        }
        for n, path in enumerate(machine.swaps)
    ]


def _swapon_table(machine, columns: list[str], headings: bool, in_bytes: bool) -> str:
    """libsmartcols as swapon --show uses it: NAME and TYPE left-aligned, the numbers right-aligned, one
    space between columns, no trailing blanks, each column at least as wide as its header (even with
    --noheadings: calculate.c count_column_width); an empty table prints nothing, not even the header."""
    rows = _swap_rows(machine, in_bytes)
    if not rows:
        return ""
    header = dict(zip(columns, columns, strict=True))
    lines = ([header] if headings else []) + rows
    widths = {c: max(len(line[c]) for line in [header, *rows]) for c in columns}
    out = []
    for line in lines:
        cells = [
            line[c].rjust(widths[c])
            if c in ("SIZE", "USED", "PRIO")
            else line[c]
            if c == columns[-1]
            else line[c].ljust(widths[c])
            for c in columns
        ]
        out.append(" ".join(cells) + "\n")
    return "".join(out)


def _swapon_file(ctx: Context, path: str, quiet_if_active: bool) -> int:
    """do_swapon(): open and check the area, then swapon(2); -1 (exit status 255) when it fails."""
    machine = ctx.machine
    fs = machine.fs
    if not fs.exists(path, ctx.cwd):
        ctx.err(f"swapon: cannot open {path}: No such file or directory\n")
        return -1
    shown, path = path, fs.resolve(path, ctx.cwd)  # the kernel keeps the canonical path (/proc/swaps)
    if quiet_if_active and path in machine.swaps:
        return 0
    node = fs.stat(path)
    if not ctx.is_root and not fs.access(path, "r", uid=ctx.uid):
        ctx.err(f"swapon: cannot open {shown}: Permission denied\n")
        return -1
    mask = 0o7007 if node.kind == "blockdev" else 0o7077  # swapon_checks() warns of any kind but a device
    if node.mode & mask:
        mode, suggested = node.mode & 0o7777, ~mask & 0o666
        ctx.err(f"swapon: {shown}: insecure permissions {mode:04o}, {suggested:04o} suggested.\n")
    if node.kind == "file" and node.uid != 0:
        ctx.err(f"swapon: {shown}: insecure file owner {node.uid}, 0 (root) suggested.\n")
    if not layout.is_swap_area(machine, path):
        ctx.err(f"swapon: {shown}: read swap header failed\n")
        return -1
    if not ctx.is_root:
        ctx.err(f"swapon: {shown}: swapon failed: Operation not permitted\n")
        return -1
    if path in machine.swaps:
        ctx.err(f"swapon: {shown}: swapon failed: Device or resource busy\n")
        return -1
    machine.swaps.append(path)
    return 0


@command(
    "swapon",
    man="""
swapon - enable devices and files for paging and swapping (util-linux 2.39)

  swapon                  the same as swapon --show
  swapon --show           the active swap areas: NAME TYPE SIZE USED PRIO (from /proc/swaps)
  swapon --show=NAME,SIZE choose columns   --noheadings  --bytes (sizes in bytes)
  swapon -s               the old summary (deprecated), like cat /proc/swaps
  swapon -a               turn on every swap area in /etc/fstab (root); active ones are skipped
  swapon FILE             turn on one swap file or partition (root)
Ubuntu's installer makes a swap file, /swap.img (mode 0600), and lists it in /etc/fstab; cloud images
have no swap.
""",
)
def swapon(ctx: Context, argv: list[str]) -> int:
    columns = list(SWAPON_COLUMNS)
    args = []
    for arg in argv[1:]:
        if arg.startswith("--show="):
            columns = [c.strip().upper() for c in arg.partition("=")[2].split(",")]
            unknown = [c for c in columns if c not in SWAPON_COLUMNS]
            if unknown:
                ctx.err(f"swapon: unknown column: {unknown[0]}\n")
                return 1
            arg = "--show"
        args.append(arg)
    long = {"all": "a", "summary": "s", "verbose": "v", "show": "show", "noheadings": "n", "bytes": "b"}
    try:
        opts, operands = parse(args, "asv", long)
    except UsageError as error:
        ctx.err(f"swapon: {error}\nTry 'swapon --help' for more information.\n")
        return 1
    if "help" in opts:
        ctx.out(MAN_PAGES["swapon"])
        return 0
    machine = ctx.machine
    if "s" in opts:
        if machine.swaps:
            ctx.out("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n")
            for n, path in enumerate(machine.swaps):
                ctx.out(f"{path:<39}\t{'file':<8}\t{layout.swap_kib(machine, path)}\t0\t{-2 - n}\n")
        return 0
    if "show" in opts or ("a" not in opts and not operands):
        ctx.out(_swapon_table(machine, columns, "n" not in opts, "b" in opts))
        return 0
    status = 0
    if "a" in opts:
        for path in layout.fstab_swap_entries(machine):
            status |= _swapon_file(ctx, path, quiet_if_active=True)
    for path in operands:
        status |= _swapon_file(ctx, path, quiet_if_active=False)
    return status & 0xFF  # main() returns do_swapon's -1: the shell sees 255


@command(
    "swapoff",
    man="""
swapoff - disable devices and files for paging and swapping (util-linux 2.39)

  swapoff -a              turn off every active swap area (root)
  swapoff FILE            turn off one (root)
Exit status: 0 done, 4 swapoff(2) failed, 16 usage or permission error, 32 all failed with -a.
""",
)
@gnu("av", {"all": "a", "verbose": "v"}, status=16)
def swapoff(ctx: Context, opts, operands: list[str]) -> int:
    machine = ctx.machine
    if "a" not in opts and not operands:
        ctx.err("swapoff: bad usage\nTry 'swapoff --help' for more information.\n")
        return 16
    if not ctx.is_root and (operands or machine.swaps or layout.fstab_swap_entries(machine)):
        ctx.err("swapoff: Not superuser.\n")
        return 16
    status = 0
    for path in operands:
        exists = machine.fs.exists(path, ctx.cwd)
        real = machine.fs.resolve(path, ctx.cwd) if exists else path
        if real in machine.swaps:
            machine.swaps.remove(real)
            continue
        reason = "Invalid argument" if exists else "No such file or directory"
        ctx.err(f"swapoff: {path}: swapoff failed: {reason}\n")
        status |= 4
    if "a" in opts:
        machine.swaps.clear()
    return status
