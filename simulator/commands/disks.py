"""Block devices: lsblk and blkid (util-linux 2.39.3), from the machine's disks and their filesystems.

blkid is kept simple: it prints the same probe results for root and for other users (the real tool shows
non-root users what its cache in /run/blkid holds, which after boot is the same information).
"""

from __future__ import annotations

from simulator.commands import Context, command
from simulator.commands.system import try_help
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


def _table(header: list[str], rows: list[list[str]], right: set[int], minimum: dict[int, int]) -> str:
    """libsmartcols: columns as wide as their widest cell (or lsblk's width hint), all but the last padded."""
    widths = [max([minimum.get(i, 0)] + [len(row[i]) for row in [header, *rows]]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
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


@command(
    "lsblk",
    man="""
lsblk - list block devices

  lsblk       NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS (vda = virtio disk, sda = SCSI/SATA, xvda = Xen,
              nvme0n1 = NVMe)
  lsblk -f    FSTYPE FSVER LABEL UUID FSAVAIL FSUSE% MOUNTPOINTS: the labels or UUIDs /etc/fstab names
""",
)
def lsblk(ctx: Context, argv: list[str]) -> int:
    fs_mode = False
    for arg in argv[1:]:
        if arg in ("-f", "--fs"):
            fs_mode = True
        else:
            return try_help(ctx, "lsblk", arg)
    rows = []
    for disk in ctx.machine.disks:
        for name, dev in _tree(disk):
            mount = dev.get("mount") or ""
            if fs_mode:
                avail, pct = _usage(dev)
                rows.append(
                    [
                        name,
                        dev.get("fstype", ""),
                        dev.get("fsver", ""),
                        dev.get("label", ""),
                        dev.get("uuid", ""),
                        avail,
                        pct,
                        mount,
                    ]
                )
            else:
                rows.append(
                    [
                        name,
                        f"{dev['major']:3d}:{dev['minor']:<3d}",
                        "0",
                        human_size(dev["size"]),
                        "0",
                        "part" if dev is not disk else "disk",
                        mount,
                    ]
                )
    if fs_mode:
        header = ["NAME", "FSTYPE", "FSVER", "LABEL", "UUID", "FSAVAIL", "FSUSE%", "MOUNTPOINTS"]
        ctx.out(_table(header, rows, {5, 6}, {}))
    else:
        header = ["NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE", "MOUNTPOINTS"]
        ctx.out(_table(header, rows, {2, 3, 4}, {3: 5}))
    return 0


def blkid_pairs(part: dict) -> list[tuple[str, str]]:
    pairs = []
    if part["fstype"] == "vfat" and part["label"]:
        pairs.append(("LABEL_FATBOOT", part["label"]))
    if part["label"]:
        pairs.append(("LABEL", part["label"]))
    if part["uuid"]:
        pairs += [
            ("UUID", part["uuid"]),
            ("BLOCK_SIZE", "512" if part["fstype"] == "vfat" else "4096"),
            ("TYPE", part["fstype"]),
        ]
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
    disks = {f"/dev/{d['name']}": d for d in ctx.machine.disks if fs.exists(f"/dev/{d['name']}")}
    chosen = [p for p in parts if not devices or f"/dev/{p['name']}" in devices]
    out = []
    for device in devices:
        if device in disks:
            d = disks[device]
            pairs = [
                (k, v) for k, v in (("PTUUID", d["ptuuid"]), ("PTTYPE", d["pttype"])) if not show or k in show
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
