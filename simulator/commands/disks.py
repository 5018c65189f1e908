"""Block devices: lsblk, blkid, fdisk (util-linux 2.39.3), tune2fs and e2label (e2fsprogs 1.47.0), from the
machine's disks and their filesystems.

blkid is kept simple: it prints the same probe results for root and for other users (the real tool shows
non-root users what its cache in /run/blkid holds, which after boot is the same information).
"""

from __future__ import annotations

import json
import math
import random
import re
import time
import uuid

from simulator import mounting
from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.options import UsageError, parse
from simulator.commands.system import try_help
from simulator.filesystem import DEFAULT_EPOCH
from simulator.layout import fs_usage


def human_size(size: int) -> str:
    """util-linux size_to_human_string() with one-letter suffixes: 25G, 913M, 23.9G."""
    units = "BKMGTP"
    exp = 0
    value = float(size)
    while value >= 1024 and exp < len(units) - 1:
        value /= 1024
        exp += 1
    if exp == 0:
        return f"{size}B"
    whole, tenth = int(value), int(round((value - int(value)) * 10))
    if tenth == 10:
        whole, tenth = whole + 1, 0
    return f"{whole}.{tenth}{units[exp]}" if tenth else f"{whole}{units[exp]}"


def _table(
    header: list[str], rows: list[list[str]], right: set[int], minimum: dict[int, int], headings: bool = True
) -> str:
    """libsmartcols: columns as wide as their widest cell (or lsblk's width hint), all but the last padded;
    without headings (-n) the header neither prints nor counts."""
    shown = [header, *rows] if headings else rows
    widths = [max([minimum.get(i, 0)] + [len(row[i]) for row in shown]) for i in range(len(header))]
    lines = []
    for row in shown:
        cells = []
        for i, cell in enumerate(row):
            if i == len(row) - 1:
                cells.append(cell)
            else:
                cells.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        lines.append(" ".join(cells) + "\n")
    return "".join(lines)


def _tree(disk: dict) -> list[tuple[str, dict]]:
    parts = disk["parts"]
    return [(disk["name"], disk)] + [
        (("└─" if i == len(parts) - 1 else "├─") + part["name"], part) for i, part in enumerate(parts)
    ]


def _usage(part: dict) -> tuple[str, str]:
    """lsblk's FSAVAIL (f_bavail, what df calls Available) and FSUSE% (used / f_blocks) of a mounted fs."""
    if not part.get("mount"):
        return "", ""
    blocks, used, avail = fs_usage(part)
    return human_size(avail * 1024), f"{round(used * 100 / blocks)}%"


# lsblk's columns: header, how to read it from a disk or partition, right-aligned, width hint.
LSBLK_COLUMNS = {
    "NAME": ("NAME", None, False),
    "KNAME": ("KNAME", lambda dev, disk: dev["name"], False),
    "PATH": ("PATH", lambda dev, disk: f"/dev/{dev['name']}", False),
    "MAJ:MIN": ("MAJ:MIN", lambda dev, disk: f"{dev['major']:3d}:{dev['minor']:<3d}", False),
    "RM": ("RM", lambda dev, disk: "0", True),
    "SIZE": ("SIZE", lambda dev, disk: human_size(dev["size"]), True),
    "RO": ("RO", lambda dev, disk: "0", True),
    "TYPE": ("TYPE", lambda dev, disk: "part" if "partuuid" in dev else "disk", False),
    "FSTYPE": ("FSTYPE", lambda dev, disk: dev.get("fstype", ""), False),
    "FSVER": ("FSVER", lambda dev, disk: dev.get("fsver", ""), False),
    "LABEL": ("LABEL", lambda dev, disk: dev.get("label", ""), False),
    "UUID": ("UUID", lambda dev, disk: dev.get("uuid", ""), False),
    "PARTUUID": ("PARTUUID", lambda dev, disk: dev.get("partuuid", ""), False),
    "PTUUID": ("PTUUID", lambda dev, disk: disk["ptuuid"], False),
    "PTTYPE": ("PTTYPE", lambda dev, disk: disk["pttype"], False),
    "FSAVAIL": ("FSAVAIL", lambda dev, disk: _usage(dev)[0], True),
    "FSUSE%": ("FSUSE%", lambda dev, disk: _usage(dev)[1], True),
    "MOUNTPOINT": ("MOUNTPOINT", lambda dev, disk: dev.get("mount") or "", False),
    "MOUNTPOINTS": ("MOUNTPOINTS", lambda dev, disk: dev.get("mount") or "", False),
}
LSBLK_DEFAULT = ["NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE", "MOUNTPOINTS"]
LSBLK_FS = ["NAME", "FSTYPE", "FSVER", "LABEL", "UUID", "FSAVAIL", "FSUSE%", "MOUNTPOINTS"]
LSBLK_LONG = {
    "fs": "f",
    "output=": "o",
    "nodeps": "d",
    "noheadings": "n",
    "paths": "p",
    "json": "J",
    "list": "l",
}


def _lsblk_json(devices: list[tuple[dict, dict]], columns: list[str], paths: bool) -> str:
    """libsmartcols' JSON: three-space indents, booleans for RM/RO, mountpoints as an array (indented
    four more, as libsmartcols writes arrays), partitions as "children", siblings joined by "},{"."""

    def value(column: str, dev: dict, disk: dict) -> str:
        if column == "NAME":
            return json.dumps(f"/dev/{dev['name']}" if paths else dev["name"])
        text = LSBLK_COLUMNS[column][1](dev, disk).strip()
        if column in ("RM", "RO"):
            return "false"
        if column == "MAJ:MIN":
            return json.dumps(text.replace(" ", ""))
        return json.dumps(text) if text else "null"

    def obj(dev: dict, disk: dict, depth: int, children: list[dict]) -> str:
        pad = "   " * depth
        fields = []
        for column in columns:
            key = column.lower()
            if column == "MOUNTPOINTS":
                mount = json.dumps(dev["mount"]) if dev.get("mount") else "null"
                fields.append(f'{pad}   "{key}": [\n{pad}       {mount}\n{pad}   ]')
            else:
                fields.append(f'{pad}   "{key}": {value(column, dev, disk)}')
        if children:
            inner = siblings([obj(child, disk, depth + 2, []) for child in children])
            fields.append(f'{pad}   "children": [\n' + inner + f"\n{pad}   ]")
        return f"{pad}{{\n" + ",\n".join(fields) + f"\n{pad}}}"

    def siblings(objects: list[str]) -> str:
        """ul_jsonwrt opens the next object right after the comma: "},{"."""
        return ",".join([objects[0], *(o.lstrip(" ") for o in objects[1:])]) if objects else ""

    items = [obj(disk, disk, 2, children) for disk, children in devices]
    return '{\n   "blockdevices": [\n' + siblings(items) + "\n   ]\n}\n"


@command(
    "lsblk",
    man="""
lsblk - list block devices (util-linux 2.39.3)

  lsblk       NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS (vda = virtio disk, sda = SCSI/SATA, xvda = Xen,
              nvme0n1 = NVMe)
  lsblk -f    FSTYPE FSVER LABEL UUID FSAVAIL FSUSE% MOUNTPOINTS: the labels or UUIDs /etc/fstab names
  -o NAME,SIZE,UUID  choose columns    -d disks only    -n no header    -p full paths    -J JSON
""",
)
def lsblk(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "fo:dnpJlb", LSBLK_LONG)
    except UsageError as error:
        ctx.err(f"lsblk: {error}\nTry 'lsblk --help' for more information.\n")
        return 1
    columns = LSBLK_FS if "f" in opts else LSBLK_DEFAULT
    if "o" in opts:
        spec = opts.get("o")
        named = [c for c in (spec[1:] if spec.startswith("+") else spec).split(",") if c]
        unknown = [c for c in named if c.upper() not in LSBLK_COLUMNS]
        if unknown:
            ctx.err(f"lsblk: unknown column: {unknown[0]}\n")
            return 1
        columns = (columns if spec.startswith("+") else []) + [c.upper() for c in named]
    disks = ctx.machine.disks
    if operands:
        wanted = []
        for device in operands:
            disk = next((d for d in disks if f"/dev/{d['name']}" == device), None)
            found = [(d, p) for d in disks for p in d["parts"] if f"/dev/{p['name']}" == device]
            part = (
                {**found[0][1], "parts": [], "ptuuid": found[0][0]["ptuuid"], "pttype": "gpt"}
                if found
                else None
            )
            if disk is None and part is None:
                ctx.err(f"lsblk: {device}: not a block device\n")
                return 32
            wanted.append(disk or part)
        disks = wanted
    paths = "p" in opts
    devices = [(disk, [] if "d" in opts else disk["parts"]) for disk in disks]
    if "J" in opts:
        ctx.out(_lsblk_json(devices, columns, paths))
        return 0
    rows = []
    for disk, parts in devices:
        for index, dev in enumerate([disk, *parts]):
            name = f"/dev/{dev['name']}" if paths else dev["name"]
            if dev is not disk and "l" not in opts:
                name = ("└─" if index == len(parts) else "├─") + name
            rows.append([name if c == "NAME" else LSBLK_COLUMNS[c][1](dev, disk) for c in columns])
    header = [LSBLK_COLUMNS[c][0] for c in columns]
    right = {i for i, c in enumerate(columns) if LSBLK_COLUMNS[c][2]}
    minimum = {columns.index("SIZE"): 5} if "SIZE" in columns and "o" not in opts else {}
    ctx.out(_table(header, rows, right, minimum, headings="n" not in opts))
    return 0


def blkid_pairs(part: dict) -> list[tuple[str, str]]:
    pairs = []
    if part["fstype"] == "vfat" and part["label"]:
        pairs.append(("LABEL_FATBOOT", part["label"]))
    if part.get("label"):
        pairs.append(("LABEL", part["label"]))
    if part.get("uuid"):
        pairs += [
            ("UUID", part["uuid"]),
            ("BLOCK_SIZE", "512" if part["fstype"] in ("vfat", "xfs") else "4096"),
            ("TYPE", part["fstype"]),
        ]
    if "partuuid" in part:  # a filesystem on a whole disk (a cloud volume) has no partition
        pairs.append(("PARTUUID", part["partuuid"]))
    return pairs


BLKID_FORMATS = ("full", "value", "device", "export", "udev")


def _blkid_format(device: str, pairs: list[tuple[str, str]], output: str, first: bool) -> str:
    """blkid.c print_tags/print_value for one device: -o full|value|device|export|udev."""
    if output == "device":
        return device + "\n"
    if output == "value":
        return "".join(v + "\n" for _, v in pairs)
    if output == "full":
        return f"{device}: " + " ".join(f'{k}="{v}"' for k, v in pairs) + "\n"
    lines = [] if first else [""]  # a blank line between devices
    if output == "export":  # safe_print puts a backslash before each of: space \ " ' $ ` < >
        lines.append(f"DEVNAME={device}")
        lines += [f"{k}=" + "".join("\\" + c if c in " \\\"'$`<>" else c for c in v) for k, v in pairs]
    else:  # udev (print_udev_format): UUID and LABEL also blkid_encode_string'd as _ENC ("\x20" for a space)
        for k, v in pairs:
            lines.append(f"ID_FS_{k}={v.replace(' ', '_')}")
            if k in ("UUID", "LABEL", "UUID_SUB"):
                enc = "".join(c if c.isalnum() or c in "#+-.:=@_" else f"\\x{ord(c):02x}" for c in v)
                lines.append(f"ID_FS_{k}_ENC={enc}")
    return "".join(line + "\n" for line in lines)


@command(
    "blkid",
    man="""
blkid - locate/print block device attributes

  blkid              every device: UUID, LABEL, TYPE, PARTUUID
  blkid /dev/vda1    one device
  blkid -s UUID -o value /dev/vda1    just the filesystem UUID
Cloned disks carry the same filesystem UUIDs as their source.
""",
)
def blkid(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    show, output, devices = [], "full", []
    while args:
        arg = args.pop(0)
        if arg == "-s" and args:
            show.append(args.pop(0))
        elif arg == "-o" and args:
            output = args.pop(0)
            if output not in BLKID_FORMATS:
                ctx.err(f"blkid: unsupported output format {output}\n")
                return 4
        elif arg.startswith("-"):
            return try_help(ctx, "blkid", arg)
        else:
            devices.append(arg)
    # blkid probes the /dev node of each device /proc/partitions lists: inside a container the host's
    # disks are listed there (and in /sys/block, which is why lsblk shows them) but have no node in the
    # container's /dev, so nothing is found
    fs = ctx.machine.fs
    parts = [p for d in ctx.machine.disks for p in d["parts"] if fs.exists(f"/dev/{p['name']}")]
    parts += [
        d for d in mounting.volume_disks(ctx.machine) if d.get("fstype") and fs.exists(f"/dev/{d['name']}")
    ]
    disks = {f"/dev/{d['name']}": d for d in ctx.machine.disks if fs.exists(f"/dev/{d['name']}")}
    chosen = [p for p in parts if not devices or f"/dev/{p['name']}" in devices]
    out = []
    for device in devices:
        if device in disks and not disks[device].get("fstype"):
            d = disks[device]
            pairs = [
                (k, v)
                for k, v in (("PTUUID", d["ptuuid"]), ("PTTYPE", d["pttype"]))
                if v and (not show or k in show)
            ]
            if pairs:
                out.append(_blkid_format(device, pairs, output, first=not out))
    for part in chosen:
        device = f"/dev/{part['name']}"
        pairs = [(k, v) for k, v in blkid_pairs(part) if not show or k in show]
        if not pairs:
            continue
        out.append(_blkid_format(device, pairs, output, first=not out))
    ctx.out("".join(out))
    return 0 if out else 2


E2FS_BANNER = "tune2fs 1.47.0 (5-Feb-2023)\n"
# mke2fs 1.47.0 with Debian's mke2fs.conf (no metadata_csum_seed, no orphan_file: GRUB cannot read them),
# printed in superblock bit order; a mounted filesystem also has needs_recovery set (its journal is live).
EXT4_FEATURES = (
    "has_journal ext_attr resize_inode dir_index filetype{recovery} extent 64bit flex_bg sparse_super "
    "large_file huge_file dir_nlink extra_isize metadata_csum"
)


def find_partition(ctx: Context, spec: str) -> dict | None:
    """The partition a device path (or LABEL=, UUID=, a /dev/disk/by-* link) names."""
    parts = [p for d in ctx.machine.disks for p in d["parts"]]
    key, _, value = spec.partition("=")
    if key in ("LABEL", "UUID") and value:
        return next((p for p in parts if p[key.lower()] == value), None)
    fs = ctx.machine.fs
    if not fs.exists(spec, ctx.cwd):
        return None
    real = fs.resolve(spec, ctx.cwd)
    return next((p for p in parts if f"/dev/{p['name']}" == real), None)


def _superblock(machine, part: dict) -> list[str]:
    """list_super2() of lib/e2p/ls.c (e2fsprogs 1.47.0) for an ext4 made by the installer."""
    blocks = part["size"] // 4096
    groups = math.ceil(blocks / 32768)
    inodes = groups * 8192
    total_kib, used_kib, _ = fs_usage(part) if part.get("mount") else (blocks * 4, blocks * 4 // 50, 0)
    free_blocks = (total_kib - used_kib) // 4
    # calc_reserved_gdt_blocks(): room to grow to 1024 times the size (or 2^32 blocks), 64 descriptors a block
    reserve_groups = math.ceil(min(blocks * 1024, 0xFFFFFFFF) / 32768)
    reserved_gdt = min(math.ceil(reserve_groups / 64) - math.ceil(groups / 64), 1024)
    seed = random.Random(f"{machine.spec['seed']}/{part['name']}/ext4")
    created = DEFAULT_EPOCH - 86400 * 30 - 600
    booted = int(machine.now() - machine.uptime())
    mounted = bool(part.get("mount"))

    def when(stamp: int) -> str:
        return time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(stamp))

    rows = [
        ("Filesystem volume name", part["label"] or "<none>"),
        ("Last mounted on", part.get("mount") or part.get("last_mount") or "<not available>"),
        ("Filesystem UUID", part["uuid"]),
        ("Filesystem magic number", "0xEF53"),
        ("Filesystem revision #", "1 (dynamic)"),
        ("Filesystem features", EXT4_FEATURES.format(recovery=" needs_recovery" if mounted else "")),
        ("Filesystem flags", "signed_directory_hash "),
        ("Default mount options", "user_xattr acl"),
        ("Filesystem state", "clean"),
        ("Errors behavior", "Continue"),
        ("Filesystem OS type", "Linux"),
        ("Inode count", str(inodes)),
        ("Block count", str(blocks)),
        ("Reserved block count", str(blocks // 20)),
        ("Free blocks", str(free_blocks)),
        ("Free inodes", str(inodes - (61000 if part.get("mount") == "/" else 320))),
        ("First block", "0"),
        ("Block size", "4096"),
        ("Fragment size", "4096"),
        ("Group descriptor size", "64"),
        ("Reserved GDT blocks", str(reserved_gdt)),
        ("Blocks per group", "32768"),
        ("Fragments per group", "32768"),
        ("Inodes per group", "8192"),
        ("Inode blocks per group", "512"),
        ("Flex block group size", "16"),
        ("Filesystem created", when(created)),
        ("Last mount time", when(booted) if mounted else when(created + 60)),
        ("Last write time", when(booted if mounted else created + 120)),
        ("Mount count", str(1 + machine.boot_clock // 40) if mounted else "1"),
        ("Maximum mount count", "-1"),
        ("Last checked", when(created)),
        ("Check interval", "0 (<none>)"),
        ("Lifetime writes", f"{1200 + seed.randrange(4000)} MB"),
        ("Reserved blocks uid", "0 (user root)"),
        ("Reserved blocks gid", "0 (group root)"),
        ("First inode", "11"),
        ("Inode size", "256"),
        ("Required extra isize", "32"),
        ("Desired extra isize", "32"),
        ("Journal inode", "8"),
        ("Default directory hash", "half_md4"),
        ("Directory Hash Seed", str(uuid.UUID(int=seed.getrandbits(128), version=4))),
        ("Journal backup", "inode blocks"),
        ("Checksum type", "crc32c"),
        ("Checksum", f"0x{seed.getrandbits(32):08x}"),
    ]
    # "Inode size:" is followed by a tab in ls.c; "Filesystem features:" and "Default mount options:"
    # are printed one column short and each feature adds its own leading space
    lines = []
    for label, value in rows:
        if label == "Inode size":
            lines.append(f"Inode size:\t          {value}\n")
        elif label in ("Filesystem features", "Default mount options"):
            lines.append(f"{label + ':':<25} {value}\n")
        else:
            lines.append(f"{label + ':':<26}{value}\n")
    return lines


def _open_ext(ctx: Context, program: str, spec: str) -> dict | None:
    """ext2fs_open2() as tune2fs reports its failures (com_err, then a hint)."""
    part = find_partition(ctx, spec)
    if part is None:
        ctx.err(f"{program}: No such file or directory while trying to open {spec}\n")
        ctx.err("Couldn't find valid filesystem superblock.\n")
        return None
    if not ctx.is_root:
        ctx.err(f"{program}: Permission denied while trying to open {spec}\n")
        ctx.err("Couldn't find valid filesystem superblock.\n")
        return None
    if part["fstype"] != "ext4":
        ctx.err(f"{program}: Bad magic number in super-block while trying to open {spec}\n")
        if part["fstype"]:
            label = f" labelled '{part['label']}'" if part["label"] else ""
            ctx.err(f"{spec} contains a {part['fstype']} file system{label}\n")
        return None
    return part


def _new_uuid(machine, value: str) -> str | None:
    """-U clear|null|random|time|UUID; None when the value is not a UUID."""
    lowered = value.lower()
    if lowered in ("clear", "null"):
        return str(uuid.UUID(int=0))
    if lowered in ("random", "time"):
        rng = machine.rng()
        version = 1 if lowered == "time" else 4  # time: a version 1 UUID (the clock and a node id)
        return str(uuid.UUID(int=rng.getrandbits(128), version=version))
    try:
        return str(uuid.UUID(value)) if len(value) == 36 else None
    except ValueError:
        return None


def set_fs_uuid(machine, part: dict, new: str) -> None:
    """The filesystem's UUID changes: blkid and lsblk show it, /dev/disk/by-uuid follows (udev), and
    /etc/fstab, which may still name the old one, is left as it was."""
    fs = machine.fs
    old_link, new_link = f"/dev/disk/by-uuid/{part['uuid']}", f"/dev/disk/by-uuid/{new}"
    if fs.lexists(old_link):
        fs.rename(old_link, new_link)
    part["uuid"] = new


@command(
    "tune2fs",
    man="""
tune2fs - adjust tunable filesystem parameters on ext2/ext3/ext4 filesystems (e2fsprogs 1.47.0)

  tune2fs -l /dev/vda1            the superblock: volume name, UUID, features, counts, dates (root)
  tune2fs -U random /dev/vdb1     a new filesystem UUID (also time, clear, or a given UUID); with
                                  metadata_csum the filesystem must be unmounted and freshly checked
  tune2fs -L NAME /dev/vda1       a new volume label (at most 16 bytes)
A clone has its template's filesystem UUIDs: give it new ones, then fix /etc/fstab to match.
""",
)
def tune2fs(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "c:e:fg:C:i:jlL:m:o:O:r:s:T:u:U:I:J:E:Q:z:", {})
    except UsageError as error:
        ctx.err(f"tune2fs: {error}\n")
        return 1
    ctx.out(E2FS_BANNER)
    if len(operands) != 1:
        ctx.err(
            "Usage: tune2fs [-c max_mounts_count] [-e errors_behavior] [-f] [-g group]\n"
            "\t[-i interval[d|m|w]] [-j] [-J journal_options] [-l]\n"
            "\t[-m reserved_blocks_percent] [-o [^]mount_options[,...]]\n"
            "\t[-r reserved_blocks_count] [-u user] [-C mount_count]\n"
            "\t[-L volume_label] [-M last_mounted_dir]\n"
            "\t[-O [^]feature[,...]] [-Q quota_options]\n"
            "\t[-E extended-option[,...]] [-T last_check_time] [-U UUID]\n"
            "\t[-I new_inode_size] [-z undo_file] device\n"
        )
        return 1
    part = _open_ext(ctx, "tune2fs", operands[0])
    if part is None:
        return 1
    if "L" in opts:
        part["label"] = opts.get("L")[:16]
    if "U" in opts:
        status = _change_uuid(ctx, part, opts.get("U"))
        if status:
            return status
    if "l" in opts:
        ctx.out("".join(_superblock(ctx.machine, part)))
    return 0


def _change_uuid(ctx: Context, part: dict, value: str) -> int:
    """tune2fs.c U_flag: metadata_csum without csum_seed means every checksum is rewritten, which races
    with a mounted filesystem (refused), and needs one checked since it was last mounted
    (check_fsck_needed: e2fsck -f first)."""
    if part.get("mount"):
        ctx.err(
            "The UUID may only be changed when the filesystem is unmounted.\n"
            "If you only use kernels newer than v4.4, run 'tune2fs -O metadata_csum_seed' and re-run this "
            "command.\n"
        )
        return 1
    if not part.get("checked"):
        ctx.out("\nThis operation requires a freshly checked filesystem.\n\n")
        ctx.out("Please run e2fsck -f on the filesystem.\n\n")
        return 1
    if getattr(ctx, "tty", False):  # five seconds to change one's mind; unanswered, misc/util.c goes on
        ctx.out(
            "Setting the UUID on this filesystem could take some time.\n"
            "Proceed anyway (or wait 5 seconds to proceed) ? (y,N) <proceeding>\n"
        )
    new = _new_uuid(ctx.machine, value)
    if new is None:
        ctx.err("tune2fs: Invalid UUID format\n\n")
        return 1
    set_fs_uuid(ctx.machine, part, new)
    return 0


@command(
    "e2fsck",
    man="""
e2fsck - check a Linux ext2/ext3/ext4 file system (e2fsprogs 1.47.0)

  e2fsck -f /dev/vdb1     check the filesystem even if it seems clean (it must not be mounted)
  e2fsck /dev/vdb1        check only if it needs it: a clean filesystem is left as it is
Exit status 0: no errors; 8: operational error (a mounted filesystem, a missing device).
""",
)
def e2fsck(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "pnyfvtcC:b:B:j:l:L:E:z:", {})
    except UsageError as error:
        ctx.err(f"e2fsck: {error}\n")
        return 16
    ctx.err("e2fsck 1.47.0 (5-Feb-2023)\n")
    if len(operands) != 1:
        ctx.err(
            "Usage: e2fsck [-panyrcdfktvDFV] [-b superblock] [-B blocksize]\n"
            "\t\t[-l|-L bad_blocks_file] [-C fd] [-j external_journal]\n"
            "\t\t[-E extended-options] [-z undo_file] device\n"
        )
        return 16
    part = _open_ext(ctx, "e2fsck", operands[0])
    if part is None:
        return 8
    if part.get("mount"):
        ctx.out(f"{operands[0]} is mounted.\n")
        ctx.err("e2fsck: Cannot continue, aborting.\n\n\n")
        return 8
    blocks = part["size"] // 4096
    inodes = math.ceil(blocks / 32768) * 8192
    summary = f"{11 + inodes // 500}/{inodes} files, {blocks // 40}/{blocks} blocks"
    if "f" not in opts:
        ctx.out(f"{operands[0]}: clean, {summary}\n")
        return 0
    ctx.out(
        "Pass 1: Checking inodes, blocks, and sizes\nPass 2: Checking directory structure\n"
        "Pass 3: Checking directory connectivity\nPass 4: Checking reference counts\n"
        "Pass 5: Checking group summary information\n"
        f"{operands[0]}: {summary.replace(' files,', ' files (0.0% non-contiguous),')}\n"
    )
    part["checked"] = True
    return 0


def _xfs_uuid(machine, value: str) -> str | None:
    """xfs_db's uuid command: generate (random), nil, or a UUID written out."""
    if value == "generate":
        return str(uuid.UUID(int=machine.rng().getrandbits(128), version=4))
    if value == "nil":
        return str(uuid.UUID(int=0))
    try:
        return str(uuid.UUID(value)) if len(value) == 36 else None
    except ValueError:
        return None


XFS_ADMIN_USAGE = (
    "Usage: xfs_admin [-efjlpuV] [-c 0|1] [-L label] [-O v5_feature] [-r rtdev] [-U uuid] device [logdev]\n"
)


@command(
    "xfs_admin",
    man="""
xfs_admin - change parameters of an XFS filesystem (xfsprogs 6.6.0)

  xfs_admin -u /dev/vdc1            print the filesystem's UUID
  xfs_admin -U generate /dev/vdc1   a new random UUID (also nil, or a given UUID); the filesystem must
                                    be unmounted
  xfs_admin -l /dev/vdc1            print the label
A clone has its template's filesystem UUIDs: unmount, give it a new one, then fix /etc/fstab to match.
""",
)
def xfs_admin(ctx: Context, argv: list[str]) -> int:
    """xfs_admin.sh (xfsprogs 6.6): a mounted XFS filesystem is refused for the options that need it offline,
    and read or relabelled through xfs_io on its mount point otherwise; an unmounted one is changed by
    xfs_db -x -p xfs_admin, one command per option in their order (db/sb.c uuid_f, label_f)."""
    try:
        opts, operands = parse(argv[1:], "efjlpuVc:L:O:r:U:", {})
    except UsageError:
        ctx.err(XFS_ADMIN_USAGE)
        return 2
    if "V" in opts:
        ctx.out("xfs_admin version 6.6.0\n")
        return 0
    if len(operands) not in (1, 2):
        ctx.err(XFS_ADMIN_USAGE)
        return 2
    device = operands[0]
    part = find_partition(ctx, device)
    if part is not None and part["fstype"] == "xfs" and part.get("mount"):  # findmnt -t xfs finds it
        if set(opts.order) & set("cefjOprU"):  # require_offline
            ctx.out(f"{device}: filesystem is mounted.\n")
            return 2
        return _xfs_io_online(ctx, part, opts)
    if part is None or not ctx.is_root:
        reason = "No such file or directory" if part is None else "Permission denied"
        ctx.err(f"xfs_db: {device}: {reason}\n\nfatal error -- couldn't initialize XFS library\n")
        return 1
    if part["fstype"] != "xfs":
        ctx.err(
            f"xfs_db: {device} is not a valid XFS filesystem (unexpected SB magic number 0x00000000)\n"
            "Use -F to force a read attempt.\n"
        )
        return 1
    for key in opts.order:
        if key == "U":
            new = _xfs_uuid(ctx.machine, opts.get("U"))
            if new is None:  # uuid_f says so with dbprintf and returns 0: xfs_db, and xfs_admin, exit 0
                ctx.out("invalid UUID\n")
                continue
            ctx.out(f"Clearing log and setting UUID\nwriting all SBs\nnew UUID = {new}\n")
            set_fs_uuid(ctx.machine, part, new)
        elif key == "L":  # label_f and do_label: 12 bytes at most; "--" (or two quotes) clears it
            label = opts.get("L")
            ctx.out("writing all SBs\n")
            if len(label.encode()) > 12:
                ctx.out(f"xfs_admin: truncating label length from {len(label.encode())} to 12\n")
                label = label.encode()[:12].decode(errors="ignore")
            part["label"] = "" if label in ("--", '""', "''") else label
            ctx.out(f'new label = "{part["label"]}"\n')
        elif key == "u":
            ctx.out(f"UUID = {part['uuid']}\n")
        elif key == "l":
            ctx.out(f'label = "{part["label"]}"\n')
    return 0


def _xfs_io_online(ctx: Context, part: dict, opts) -> int:
    """xfs_io -p xfs_admin on the mount point: fsuuid for -u, label for -l, label -s for -L."""
    for key in opts.order:
        if key == "u":
            ctx.out(f"UUID = {part['uuid']}\n")
        elif key == "L":  # io/label.c perror()s what FS_IOC_SETFSLABEL refuses
            if not ctx.is_root or len(opts.get("L").encode()) > 12:
                reason = "Operation not permitted" if not ctx.is_root else "Invalid argument"
                ctx.err(f"label: {reason}\n")
                return 1
            part["label"] = opts.get("L")
            ctx.out(f'label = "{part["label"]}"\n')
        elif key == "l":
            ctx.out(f'label = "{part["label"]}"\n')
    return 0


@command(
    "e2label",
    man="""
e2label - change the label on an ext2/ext3/ext4 filesystem (e2fsprogs 1.47.0)

  e2label /dev/vda1          print the volume label
  e2label /dev/vda1 NAME     set it (root); /etc/fstab may name filesystems by LABEL=
""",
)
def e2label(ctx: Context, argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        ctx.err("Usage: e2label device [newlabel]\n")
        return 1
    part = _open_ext(ctx, "e2label", argv[1])
    if part is None:
        return 1
    if len(argv) == 2:
        ctx.out(part["label"] + "\n")
    else:
        part["label"] = argv[2][:16]
    return 0


# fdisk's "Disk model:" line comes from sysfs (device/model); virtio and Xen disks have none.
DISK_MODELS = {
    "vmware": "VMware Virtual S",
    "oracle": "VBOX HARDDISK",
    "microsoft": "Virtual Disk",
    "intel": "SAMSUNG MZVL2512HCJQ-00BL7",
    "amd": "SAMSUNG MZ7LH960HAJR-00005",
}
PARTITION_TYPES = {
    "vfat": "EFI System",
    "": "BIOS boot",
    "ext4": "Linux filesystem",
    "xfs": "Linux filesystem",
}
# Ubuntu 24.04's cloud image (noble): BIOS boot, ESP and /boot first, the root last, grown to the disk.
CLOUD_LAYOUT = {14: (2048, 10239), 15: (10240, 227327), 16: (227328, 2097152)}


def partition_extents(disk: dict) -> list[tuple[dict, int, int, str]]:
    """(partition, first sector, last sector, GPT type name) in table order."""
    total = disk["size"] // 512
    rows = []
    start = 2048
    for part in disk["parts"]:
        number = int(re.search(r"\d+$", part["name"]).group())
        kind = PARTITION_TYPES[part["fstype"]]
        if part["label"] == "BOOT":
            kind = "Linux extended boot"
        if number in CLOUD_LAYOUT and part["label"] in ("", "UEFI", "BOOT"):
            first, last = CLOUD_LAYOUT[number]
        elif part["label"] == "cloudimg-rootfs":
            first, last = 2099200, total - 34
        else:
            first, last = start, start + part["size"] // 512 - 1
        start = last + 1
        rows.append((part, first, last, kind))
    return rows


def _fdisk_disk(machine, disk: dict) -> str:
    """list_disk_geometry() and the partition table of fdisk -l (util-linux 2.39.3)."""
    sectors = disk["size"] // 512
    size = human_size(disk["size"])
    lines = [f"Disk /dev/{disk['name']}: {size[:-1]} {size[-1]}iB, {disk['size']} bytes, {sectors} sectors"]
    key = machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor
    if key in DISK_MODELS and not disk["name"].startswith(("vd", "xvd")):
        lines.append(f"Disk model: {DISK_MODELS[key]}")
    physical = 4096 if key == "microsoft" else 512
    lines += [
        "Units: sectors of 1 * 512 = 512 bytes",
        f"Sector size (logical/physical): 512 bytes / {physical} bytes",
        f"I/O size (minimum/optimal): {physical} bytes / {physical} bytes",
        f"Disklabel type: {disk['pttype']}",
        f"Disk identifier: {disk['ptuuid'].upper()}",
        "",
    ]
    extents = partition_extents(disk)
    header = ["Device", "Start", "End", "Sectors", "Size", "Type"]
    rows = []
    for part, first, last, kind in extents:
        count = last - first + 1
        rows.append(
            [f"/dev/{part['name']}", str(first), str(last), str(count), human_size(count * 512), kind]
        )
    table = _table(header, rows, {1, 2, 3, 4}, {})
    lines.append(table.rstrip("\n"))
    starts = [first for _, first, _, _ in extents]
    if starts != sorted(starts):
        lines += ["", "Partition table entries are not in disk order."]
    return "\n".join(lines) + "\n"


@command(
    "fdisk",
    man="""
fdisk - manipulate disk partition table (util-linux 2.39.3)

  sudo fdisk -l            every disk: size, model, sector sizes, label type (gpt/dos), identifier and
                           the partitions (start, end, sectors, size, type)
  sudo fdisk -l /dev/vda   one disk
""",
)
def fdisk(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(
            argv[1:], "lb:c::C:H:o:S:t:u::xs:w:W:L::hV", {"list": "l", "bytes": "bytes", "help": "h"}
        )
    except UsageError as error:
        ctx.err(f"fdisk: {error}\nTry 'fdisk --help' for more information.\n")
        return 1
    if "h" in opts:  # the man page, as every tool's --help here (options.gnu)
        ctx.out(MAN_PAGES["fdisk"])
        return 0
    machine = ctx.machine
    fs = machine.fs
    disks = {f"/dev/{d['name']}": d for d in machine.disks if fs.exists(f"/dev/{d['name']}")}
    if "l" not in opts:
        if len(operands) != 1:
            ctx.err("fdisk: bad usage\nTry 'fdisk --help' for more information.\n")
            return 1
        ctx.out(
            "\nWelcome to fdisk (util-linux 2.39.3).\n"
            "Changes will remain in memory only, until you decide to write them.\n"
            "Be careful before using the write command.\n\n"
        )
    chosen = []
    for device in operands:
        real = fs.resolve(device, ctx.cwd) if fs.exists(device, ctx.cwd) else device
        if real not in disks:
            reason = "No such file or directory" if not fs.exists(device, ctx.cwd) else "Permission denied"
            if fs.exists(device, ctx.cwd) and ctx.is_root:
                continue  # not a disk (a partition or a file): fdisk -l prints nothing for it
            ctx.err(f"fdisk: cannot open {device}: {reason}\n")
            return 1
        if not ctx.is_root:
            ctx.err(f"fdisk: cannot open {device}: Permission denied\n")
            return 1
        chosen.append(disks[real])
    if not operands:
        chosen = list(disks.values()) if ctx.is_root else []
    if "l" not in opts:
        ctx.out("Command (m for help): \n")  # the end of input ends the dialogue
        return 0
    ctx.out("\n\n".join(_fdisk_disk(machine, disk) for disk in chosen))
    return 0


PARTED_MODELS = {
    "vd": "Virtio Block Device (virtblk)",
    "xvd": "Xen Virtual Block Device (xvd)",
}
PARTED_SCSI = {"vmware": "VMware Virtual S", "oracle": "ATA VBOX HARDDISK", "microsoft": "Msft Virtual Disk"}
PARTED_SCSI |= {"amd": "ATA SAMSUNG MZ7LH960", "kvm": "QEMU QEMU HARDDISK"}
PARTED_FLAGS = {"BIOS boot": "bios_grub", "EFI System": "boot, esp", "Linux extended boot": "bls_boot"}


def parted_size(size: int) -> str:
    """PED_UNIT_COMPACT: the largest unit of which there are ten or more, three digits kept."""
    units = ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB"), (1, "B"))
    unit, name = next((u, n) for u, n in units if size >= 10 * u or u == 1)
    value = size / unit
    return (
        f"{value:.0f}{name}"
        if value >= 100
        else f"{value:.1f}{name}"
        if value >= 10
        else f"{value:.2f}{name}"
    )


def _parted_print(machine, disk: dict) -> str:
    """do_print of GNU parted 3.6 for one GPT disk, then a blank line."""
    key = machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor
    model = next((m for p, m in PARTED_MODELS.items() if disk["name"].startswith(p)), None)
    if model is None:
        model = f"{DISK_MODELS.get(key, 'Unknown')} (nvme)" if disk["name"].startswith("nvme") else ""
        model = model or f"{PARTED_SCSI.get(key, 'ATA Disk')} (scsi)"
    physical = "4096B" if key == "microsoft" else "512B"
    lines = [
        f"Model: {model}",
        f"Disk /dev/{disk['name']}: {parted_size(disk['size'])}",
        f"Sector size (logical/physical): 512B/{physical}",
        f"Partition Table: {disk['pttype']}",
        "Disk Flags: ",
        "",
    ]
    rows = [["Number", "Start", "End", "Size", "File system", "Name", "Flags"]]
    numbered = [(int(re.search(r"\d+$", e[0]["name"]).group()), e) for e in partition_extents(disk)]
    for number, (part, first, last, kind) in sorted(numbered, key=lambda item: item[0]):
        fstype = {"vfat": "fat32"}.get(part["fstype"], part["fstype"])
        start, end, size = (parted_size(n * 512) for n in (first, last + 1, last - first + 1))
        rows.append([f"{number:2d}", start, end, size, fstype, "", PARTED_FLAGS.get(kind, "")])
    widths = [max(len(row[i]) for row in rows) for i in range(7)]
    for row in rows:
        lines.append(
            "".join(cell.ljust(width + 2) for cell, width in zip(row[:-1], widths, strict=False)) + row[-1]
        )
    return "\n".join(lines) + "\n\n"


@command(
    "parted",
    man="""
parted - a partition manipulation program (GNU parted 3.6)

  sudo parted -l                 every disk's model, size, sector sizes, table type and partitions
  sudo parted /dev/vda print     one disk (sizes in "compact" units: kB, MB, GB as the numbers suit)
""",
)
def parted(ctx: Context, argv: list[str]) -> int:
    args = [a for a in argv[1:] if a not in ("-s", "--script")]
    machine = ctx.machine
    disks = {f"/dev/{d['name']}": d for d in machine.disks if machine.fs.exists(f"/dev/{d['name']}")}
    if args in (["-l"], ["--list"]):
        if ctx.is_root:
            ctx.out("".join(_parted_print(machine, disk) for disk in disks.values()))
        return 0
    if len(args) == 2 and args[1] in ("print", "p"):
        device = args[0]
        if device not in disks:
            ctx.err(f"Error: Could not stat device {device} - No such file or directory.\n")
            return 1
        if not ctx.is_root:
            ctx.err(f"Error: Error opening {device}: Permission denied\n")
            return 1
        ctx.out(_parted_print(machine, disks[device]))
        return 0
    ctx.err("parted: only -l and DEVICE print are simulated (the interactive editor is not)\n")
    return 1
