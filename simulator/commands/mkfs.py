"""Making a filesystem on an attached volume: mkfs.ext4 / mke2fs (e2fsprogs 1.47.0) and the mkfs front end
(util-linux 2.39.3), for whole extra disks (a cloud volume's /dev/vdb); see simulator/mounting.py.

The statistics follow misc/mke2fs.c with Ubuntu's mke2fs.conf for a disk of 1 GiB or more ("default" usage
type: 4 KiB blocks, an inode per 16 KiB, 32768 blocks a group, sparse_super backups, the journal size of
lib/ext2fs/mkjournal.c). A progress meter's close (lib/ext2fs/progress.c: 2*digits+1 spaces, as many
backspaces, then "done") is shown as a terminal leaves it.
"""

from __future__ import annotations

import math
import time

from simulator import mounting
from simulator.commands import Context, command
from simulator.commands.options import gnu

BANNER = "mke2fs 1.47.0 (5-Feb-2023)\n"


def _has_backup(group: int) -> bool:
    """sparse_super: groups 0 and 1, and the powers of 3, 5 and 7."""
    if group <= 1:
        return True
    for base in (3, 5, 7):
        power = base
        while power < group:
            power *= base
        if power == group:
            return True
    return False


def _journal_blocks(blocks: int) -> int:
    for limit, size in ((32768, 1024), (256 * 1024, 4096), (512 * 1024, 8192), (4096 * 1024, 16384)):
        if blocks < limit:
            return size
    return 32768 if blocks < 8192 * 1024 else 65536


def _statistics(size: int, fs_uuid: str) -> str:
    blocks = size // 4096
    groups = math.ceil(blocks / 32768)
    inodes = size // 16384
    lines = [
        f"Creating filesystem with {blocks} 4k blocks and {inodes} inodes\n",
        f"Filesystem UUID: {fs_uuid}\n",
    ]
    if groups > 1:
        lines.append("Superblock backups stored on blocks: ")
        column = 0
        for group in range(1, groups):
            if not _has_backup(group):
                continue
            block = group * 32768
            if group != 1:
                lines.append(", ")
            need = len(str(block)) + 2
            if need > column:
                lines.append("\n\t")
                column = 72
            column -= need
            lines.append(str(block))
        lines.append("\n\n")
    erase = " " * max(0, 2 * len(str(groups)) + 1 - 4)
    lines += [
        f"Allocating group tables: done{erase}\n",
        f"Writing inode tables: done{erase}\n",
        f"Creating journal ({_journal_blocks(blocks)} blocks): done\n",
        "Writing superblocks and filesystem accounting information: done\n\n",
    ]
    return "".join(lines)


@command(
    "mkfs.ext4",
    man="""
mkfs.ext4 - create an ext4 filesystem (e2fsprogs 1.47.0; the same program as mke2fs -t ext4)

  sudo mkfs.ext4 /dev/vdb          a new, empty filesystem on the whole volume (what it held is gone)
  sudo mkfs.ext4 -L data /dev/vdb  with a label (mount LABEL=data)
  -F                               do not ask before overwriting an existing filesystem
""",
)
@gnu("FL:qt:")
def mkfs_ext4(ctx: Context, opts, operands: list[str]) -> int:
    return _make(ctx, opts, operands)


@command(
    "mke2fs",
    man="""
mke2fs - create an ext2/ext3/ext4 filesystem (e2fsprogs 1.47.0): `mke2fs -t ext4 DEVICE`
""",
)
@gnu("FL:qt:")
def mke2fs(ctx: Context, opts, operands: list[str]) -> int:
    return _make(ctx, opts, operands)


def _make(ctx: Context, opts, operands: list[str]) -> int:
    if opts.get("t", "ext4") != "ext4":
        ctx.err(BANNER + f"mke2fs: invalid filesystem type '{opts.get('t')}' for this simulator: only ext4\n")
        return 1
    if len(operands) != 1:
        ctx.err(
            "Usage: mke2fs [-c|-l filename] [-b block-size] [-C cluster-size]\n"
            "\t[-i bytes-per-inode] [-I inode-size] [-J journal-options]\n"
            "\t[-G flex-group-size] [-N number-of-inodes] [-d root-directory|tarball]\n"
            "\t[-m reserved-blocks-percentage] [-o creator-os]\n"
            "\t[-g blocks-per-group] [-L volume-label] [-M last-mounted-directory]\n"
            "\t[-O feature[,...]] [-r fs-revision] [-E extended-option[,...]]\n"
            "\t[-t fs-type] [-T usage-type ] [-U UUID] [-e errors_behavior][-z undo_file]\n"
            "\t[-jnqvDFSV] device [blocks-count]\n"
        )
        return 1
    device = operands[0]
    quiet = "q" in opts
    banner = "" if quiet else BANNER
    if not ctx.machine.fs.exists(device, ctx.cwd):
        ctx.err(banner + f"The file {device} does not exist and no size was specified.\n")
        return 1
    disk = mounting.find_disk(ctx.machine, device, ctx.cwd)
    if disk is None:
        ctx.err(banner + f"mke2fs: {device}: this simulator makes filesystems only on attached volumes\n")
        return 1
    if not ctx.is_root:
        ctx.err(banner + "mkfs.ext4: Permission denied while trying to determine filesystem size\n")
        return 1
    if disk.get("mount"):
        ctx.err(banner + f"{device} contains a ext4 file system\n")
        ctx.err(f"\tlast mounted on {disk['mount']}\n" if disk.get("mount") else "")
        ctx.err(f"mke2fs: {device} is mounted; will not make a filesystem here!\n")
        return 1
    if disk.get("fstype") and "F" not in opts:
        made = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(disk.get("made", ctx.machine.now())))
        ctx.out(banner + f"{device} contains a ext4 file system\n\tcreated on {made}\nProceed anyway? (y,N) ")
        if not ctx.stdin.strip().lower().startswith("y"):
            return 1
        banner = ""
    fs_uuid = mounting.make_filesystem(ctx.machine, disk, opts.get("L", "") or "")
    disk["made"] = ctx.machine.now()
    if not quiet:
        ctx.out(banner + _statistics(disk["size"], fs_uuid))
    return 0


@command(
    "mkfs",
    man="""
mkfs - build a Linux filesystem (util-linux 2.39.3): runs mkfs.TYPE

  sudo mkfs -t ext4 /dev/vdb       the same as sudo mkfs.ext4 /dev/vdb
""",
)
def mkfs(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    kind = "ext2"  # util-linux's default type
    if len(args) >= 2 and args[0] == "-t":
        kind, args = args[1], args[2:]
    elif args and args[0].startswith("--type="):
        kind, args = args[0].split("=", 1)[1], args[1:]
    if not args:
        ctx.err("mkfs: no device specified\nTry 'mkfs --help' for more information.\n")
        return 1
    return ctx.execute([f"mkfs.{kind}", *args], ctx.stdin, caller="mkfs")
