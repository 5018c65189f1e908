"""qemu-img info, create and convert, QEMU 8.2 (Ubuntu 24.04's qemu-utils), over the simulated images.

A simulated qcow2 image is one header line (simulator/libvirt.py: its virtual size, the bytes it holds,
its backing file), a VMware image one line that starts as a sparse VMDK does ("KDMV"); anything else is
read as a raw image of the file's own length. Sizes print as QEMU's size_to_str does ("%0.3g" of the
largest binary unit under 1000: "25 GiB", "196 KiB"); `info` ends with the protocol layer ("Child node
'/file'"), as since QEMU 8.0. Images are created and converted to qcow2 and vmdk only; options may follow
the file names, as glibc's getopt permutes them.
"""

from __future__ import annotations

import math
import posixpath
import re

from simulator import libvirt
from simulator.commands import MAN_PAGES, Context, command
from simulator.filesystem import FsError

SUFFIXES = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
SIZE = re.compile(r"(\d+(?:\.\d+)?)([bkmgtpe]?)", re.IGNORECASE)
BAD_SIZE = (
    "qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for\n"
    "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.\n"
)
QCOW2_SPECIFIC = """\
Format specific information:
    compat: 1.1
    compression type: zlib
    lazy refcounts: false
    refcount bits: 16
    corrupt: false
    extended l2: false
"""


def size_to_str(value: int) -> str:
    exponent = math.frexp(value / (1000.0 / 1024.0))[1] if value else 0
    index = min(max(0, (exponent - 1) // 10), len(SUFFIXES) - 1)
    return f"{value / (1 << (index * 10)):.3g} {SUFFIXES[index]}B"  # C's "%0.3g"


def parse_size(text: str) -> int | None:
    """qemu_strtosz: a number with an optional binary suffix (B, K, M, G, T, P, E)."""
    match = SIZE.fullmatch(text)
    if not match:
        return None
    power = "bkmgtpe".index(match.group(2).lower()) if match.group(2) else 0
    return int(float(match.group(1)) * (1 << (10 * power)))


VMDK_MAGIC = "KDMV"  # a sparse VMDK's magic number, "VMDK" little-endian
VMDK_OPTIONS = "compat6=off hwversion=undefined"  # what `create -f vmdk` reports (vmdk.c create_opts)
FRESH_VMDK = 65_536  # bytes of a new, empty monolithicSparse VMDK: header, grain directory and tables
FORMATS = ("qcow2", "vmdk")
# The other drivers QEMU 8.2 has by these names (block/*.c format_name): -f with one of them opens the file
# with a driver this model lacks, where any other name is bdrv_fill_options' "Unknown driver".
OTHER_DRIVERS = (
    "qcow",
    "qed",
    "vdi",
    "vpc",
    "vhdx",
    "parallels",
    "bochs",
    "cloop",
    "dmg",
    "luks",
    "vvfat",
    "file",
    "host_device",
    "host_cdrom",
    "nbd",
    "ssh",
    "http",
    "https",
    "ftp",
    "ftps",
    "rbd",
    "iscsi",
    "nfs",
    "blkdebug",
    "blkverify",
    "blklogwrites",
    "copy-on-read",
    "compress",
    "throttle",
    "quorum",
    "null-co",
    "null-aio",
    "preallocate",
    "copy-before-write",
    "snapshot-access",
    "replication",
    "nvme",
)


def vmdk_header(size: int, allocated: int) -> str:
    return f"{VMDK_MAGIC} vmdk size={size} allocated={allocated}\n"


def read_image(text: str) -> dict:
    """An image file's format, virtual size and bytes in use (a file of no known format is raw)."""
    image = libvirt.parse_image(text)
    if image is not None:
        return {"format": "qcow2", **image}
    if text.startswith(VMDK_MAGIC + " vmdk "):
        fields = dict(item.split("=", 1) for item in text.split()[2:] if "=" in item)
        if fields.get("size", "").isdigit() and fields.get("allocated", "").isdigit():
            return {"format": "vmdk", "size": int(fields["size"]), "allocated": int(fields["allocated"])}
    length = len(text.encode())
    return {"format": "raw", "size": length, "allocated": length}


def _open_error(path: str, error: FsError) -> str:
    return f"qemu-img: Could not open '{path}': Could not open '{path}': {error.message}\n"


def _info(ctx: Context, args: list[str]) -> int:
    """info [-f FMT] [-U] [--backing-chain] [--output=human] FILENAME: each image of the chain, a blank line
    between them."""
    fmt, chain, share, files = "", False, False, []
    while args:
        arg = args.pop(0)
        if arg == "-f" and args:
            fmt = args.pop(0)
        elif arg == "--backing-chain":
            chain = True
        elif arg in ("-U", "--force-share"):
            share = True
        elif arg == "--output" or arg.startswith("--output="):
            output = arg.partition("=")[2] if "=" in arg else (args.pop(0) if args else "")
            if output not in ("human", "json"):
                ctx.err("qemu-img: --output must be used with human or json as argument.\n")
                return 1
            if output == "json":  # GuestLab's own refusal: the JSON form is not modelled
                ctx.err("qemu-img: GuestLab's qemu-img prints the human format only (--output=human)\n")
                return 1
        elif arg.startswith("--"):
            ctx.err(f"qemu-img: unrecognized option '{arg}'\nTry 'qemu-img --help' for more information\n")
            return 1
        elif arg.startswith("-") and len(arg) > 1:
            ctx.err(f"qemu-img: invalid option -- '{arg[1:2]}'\nTry 'qemu-img --help' for more information\n")
            return 1
        else:
            files.append(arg)
    if len(files) != 1:
        ctx.err("qemu-img: Expecting one image file name\nTry 'qemu-img --help' for more information\n")
        return 1
    path, shown = files[0], []
    while path:
        described = _describe(ctx, path, fmt, share)
        if isinstance(described, str):
            ctx.out("\n".join(shown))
            ctx.err(described)
            return 1
        text, backing, backing_fmt = described
        shown.append(text)
        # a backing file is opened read-only, in the format its overlay records
        path, fmt, share = (backing if chain else ""), backing_fmt, True
    ctx.out("\n".join(shown))
    return 0


def _describe(ctx: Context, path: str, fmt: str, share: bool) -> tuple[str, str, str] | str:
    """One image as info prints it, its backing file's actual path and format; or the error that stops it.
    Without -U, QEMU's image locking refuses an image a running guest writes (QEMU 8.2)."""
    if fmt not in ("", "raw", *FORMATS, *OTHER_DRIVERS):  # no driver: nothing is opened
        return f"qemu-img: Could not open '{path}': {_not_format(fmt)}\n"
    try:
        text = ctx.machine.fs.read(path, ctx.cwd, ctx.uid)
    except FsError as error:
        return _open_error(path, error)
    absolute = posixpath.normpath(posixpath.join(ctx.cwd, path))
    if not share and _written(ctx.machine, absolute):
        return (
            f"qemu-img: Could not open '{path}': Failed to get shared \"write\" lock\n"
            f"Is another process using the image [{path}]?\n"
        )
    found = read_image(text)["format"]
    if fmt in FORMATS and found != fmt:
        return f"qemu-img: Could not open '{path}': {_not_format(fmt)}\n"
    if found == "vmdk" and fmt != "raw":
        return _vmdk_text(path, read_image(text)), "", ""
    image = libvirt.parse_image(text)
    if fmt not in ("", "raw", "qcow2", "vmdk"):
        return f"qemu-img: Could not open '{path}': {_not_format(fmt)}\n"
    length = _file_length(text)
    if fmt == "raw":
        image = None  # a qcow2 file read as data: a raw image of the file's length
    on_disk = -(-length // 4096) * 4096 + (4096 if image else 0)  # ext4's count for a new qcow2: 196 KiB
    lines = [f"image: {path}"]
    backing_path = ""
    if image is None:
        lines += ["file format: raw", f"virtual size: {size_to_str(length)} ({length} bytes)"]
        lines += [f"disk size: {size_to_str(on_disk)}"]
    else:
        size = image["size"]
        lines += ["file format: qcow2", f"virtual size: {size_to_str(size)} ({size} bytes)"]
        lines += [f"disk size: {size_to_str(on_disk)}", "cluster_size: 65536"]
        if image["backing"]:
            backing = image["backing"]
            backing_path = posixpath.normpath(posixpath.join(posixpath.dirname(path) or ".", backing))
            shown = backing if backing_path == backing else f"{backing} (actual path: {backing_path})"
            lines += [f"backing file: {shown}", f"backing file format: {image['backing_fmt']}"]
    printed = (
        "\n".join(lines)
        + "\n"
        + (QCOW2_SPECIFIC if image else "")
        + f"Child node '/file':\n    filename: {path}\n    protocol type: file\n"
        f"    file length: {size_to_str(length)} ({length} bytes)\n    disk size: {size_to_str(on_disk)}\n"
    )
    return printed, backing_path, (image or {}).get("backing_fmt", "")


def _file_length(text: str) -> int:
    """The bytes of an image file: what a qcow2 header says it holds, else the file's own length."""
    image = libvirt.parse_image(text)
    return image["allocated"] if image else len(text.encode())


def _backing_size(text: str, fmt: str) -> int | str:
    """The virtual size of a backing file opened in format `fmt` (a raw image: the file's length), as
    bdrv_img_create takes it for an overlay given no size; or why the file cannot be opened so."""
    if fmt == "raw":
        return _file_length(text)
    if fmt not in FORMATS:
        return _not_format(fmt)
    image = read_image(text)
    if image["format"] != fmt:
        return _not_format(fmt)
    return image["size"]


def _not_format(fmt: str) -> str:
    """Why a driver refuses a file of another format (QEMU 8.2): block.c bdrv_fill_options for a name no
    driver has, qcow2_do_open's message, or vmdk_open_desc_file's when the file is no sparse VMDK nor a
    descriptor naming a createType. UNVERIFIED: each of OTHER_DRIVERS words its refusal its own way."""
    if fmt == "vmdk":
        return "invalid VMDK image descriptor"
    if fmt in ("qcow2", *OTHER_DRIVERS):
        return f"Image is not in {fmt} format"
    return f"Unknown driver '{fmt}'"


def _written(host, path: str) -> bool:
    """Whether a running guest has the image open for writing: its own disk, or one attached to it."""
    owner = libvirt.disk_owner(host, path)
    running = owner is not None and libvirt.domains(host)[owner]["state"] == "running"
    return running or libvirt.holder(host, path) is not None


def _vmdk_text(path: str, image: dict) -> str:
    """The common lines only: the VMDK's format-specific block (cid, extents) is not modelled."""
    size, on_disk = image["size"], -(-image["allocated"] // 4096) * 4096
    return (
        f"image: {path}\nfile format: vmdk\nvirtual size: {size_to_str(size)} ({size} bytes)\n"
        f"disk size: {size_to_str(on_disk)}\ncluster_size: 65536\n"
    )


def _options(ctx: Context, args: list[str], with_value: str, flags: str) -> tuple[dict, list[str]] | None:
    """getopt with permutation: `-x VALUE` for letters in `with_value`, bare letters in `flags`."""
    options, operands = {}, []
    while args:
        arg = args.pop(0)
        if arg == "--":
            operands += args
            break
        if arg.startswith("-") and len(arg) > 1:
            letter = arg[1]
            if letter in with_value:
                value = arg[2:] or (args.pop(0) if args else None)
                if value is None:
                    ctx.err(
                        f"qemu-img: option requires an argument -- '{letter}'\n"
                        "Try 'qemu-img --help' for more information\n"
                    )
                    return None
                options[letter] = value
            elif letter in flags and len(arg) == 2:
                options[letter] = ""
            else:
                ctx.err(
                    f"qemu-img: invalid option -- '{letter}'\nTry 'qemu-img --help' for more information\n"
                )
                return None
        else:
            operands.append(arg)
    return options, operands


def _convert(ctx: Context, args: list[str]) -> int:
    """qemu-img convert [-f FMT] [-O FMT] [-p] [-c] SOURCE OUTPUT (qemu-img.c img_convert)."""
    parsed = _options(ctx, args, "fOoBtT", "pcqnU")
    if parsed is None:
        return 1
    options, operands = parsed
    if len(operands) < 2:
        ctx.err("qemu-img: Expecting one image file name\nTry 'qemu-img --help' for more information\n")
        return 1
    *sources, target = operands
    if len(sources) > 1:
        ctx.err("qemu-img: GuestLab's qemu-img converts one image at a time\n")
        return 1
    source, out_format = sources[0], options.get("O", "raw")
    fs = ctx.machine.fs
    named = options.get("f")
    if named and named not in ("raw", *FORMATS, *OTHER_DRIVERS):
        ctx.err(f"qemu-img: Could not open '{source}': {_not_format(named)}\n")
        return 1
    try:
        image = read_image(fs.read(source, ctx.cwd, ctx.uid))
    except FsError as error:
        ctx.err(_open_error(source, error))
        return 1
    if named == "raw":  # the raw driver reads any file as data
        length = _file_length(fs.read(source, ctx.cwd, ctx.uid))
        image = {"format": "raw", "size": length, "allocated": length}
    if named and named != image["format"]:
        ctx.err(f"qemu-img: Could not open '{source}': {_not_format(named)}\n")
        return 1
    if out_format not in FORMATS:
        ctx.err(f"qemu-img: {target}: GuestLab's qemu-img converts to qcow2 or vmdk only (-O qcow2)\n")
        return 1
    metadata = {"qcow2": libvirt.FRESH_QCOW2, "vmdk": FRESH_VMDK}.get(image["format"], 0)
    data = max(0, image["allocated"] - metadata)  # the guest's data is copied, not the old format's tables
    if out_format == "qcow2":
        content = libvirt.image_header(image["size"], libvirt.FRESH_QCOW2 + data)
    else:
        content = vmdk_header(image["size"], FRESH_VMDK + data)
    try:
        fs.write(target, content, ctx.cwd, ctx.uid)
    except FsError as error:
        ctx.err(f"qemu-img: {target}: error while converting {out_format}: {error.message}\n")
        return 1
    if "p" in options:
        ctx.out("    (100.00/100%)\n")
    return 0


def _create_vmdk(ctx: Context, path: str, size: int) -> int:
    ctx.out(f"Formatting '{path}', fmt=vmdk size={size} {VMDK_OPTIONS}\n")
    try:
        ctx.machine.fs.write(path, vmdk_header(size, FRESH_VMDK), ctx.cwd, ctx.uid)
    except FsError as error:
        ctx.err(f"qemu-img: {path}: Could not create '{path}': {error.message}\n")
        return 1
    return 0


def _create(ctx: Context, args: list[str]) -> int:
    fmt, backing, backing_fmt, operands = "raw", "", "", []
    while args:
        arg = args.pop(0)
        if arg in ("-f", "-b", "-F", "-o") and args:
            value = args.pop(0)
            if arg == "-f":
                fmt = value
            elif arg == "-b":
                backing = value
            elif arg == "-F":
                backing_fmt = value
        elif arg == "-q":
            continue
        elif arg.startswith("-") and len(arg) > 1:
            ctx.err(f"qemu-img: invalid option -- '{arg[1:2]}'\nTry 'qemu-img --help' for more information\n")
            return 1
        else:
            operands.append(arg)
    if not operands or len(operands) > 2:
        ctx.err("qemu-img: Expecting image file name\nTry 'qemu-img --help' for more information\n")
        return 1
    path = operands[0]
    if fmt not in FORMATS:
        ctx.err(f"qemu-img: {path}: GuestLab's qemu-img creates qcow2 and vmdk images only (-f qcow2)\n")
        return 1
    fs = ctx.machine.fs
    size = None
    if len(operands) == 2:
        size = parse_size(operands[1])
        if size is None:
            ctx.err(BAD_SIZE)
            return 1
        if size >= 1 << 63:
            ctx.err("qemu-img: Image size must be less than 8 EiB!\n")
            return 1
    if fmt == "vmdk" and size is not None and not backing:
        return _create_vmdk(ctx, path, size)
    if backing:
        if not backing_fmt:
            ctx.err(f"qemu-img: {path}: Backing file specified without backing format\n")
            return 1
        actual = posixpath.normpath(posixpath.join(posixpath.dirname(path) or ".", backing))
        try:
            under = _backing_size(fs.read(actual, ctx.cwd, ctx.uid), backing_fmt)
        except FsError as error:
            under = f"Could not open '{actual}': {error.message}"
        if isinstance(under, str):
            ctx.err(f"qemu-img: {path}: {under}\nCould not open backing image.\n")
            return 1
        size = size if size is not None else under  # none given: the backing file's virtual size
    if size is None:
        ctx.err("qemu-img: Image creation needs a size parameter\n")
        return 1
    shown_backing = f" backing_file={backing} backing_fmt={backing_fmt}" if backing else ""
    ctx.out(
        f"Formatting '{path}', fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
        f"size={size}{shown_backing} lazy_refcounts=off refcount_bits=16\n"
    )
    try:
        header = libvirt.image_header(size, libvirt.FRESH_QCOW2, backing, backing_fmt or "qcow2")
        fs.write(path, header, ctx.cwd, ctx.uid)
    except FsError as error:
        ctx.err(f"qemu-img: {path}: Could not create '{path}': {error.message}\n")
        return 1
    return 0


@command(
    "qemu-img",
    man="""
NAME
       qemu-img - QEMU disk image utility

SYNOPSIS
       qemu-img info [-f FMT] [-U] [--backing-chain] FILENAME
       qemu-img create -f qcow2 [-b BACKING_FILE -F qcow2] FILENAME [SIZE]
       qemu-img convert [-f FMT] -O OUTPUT_FMT [-p] FILENAME OUTPUT_FILENAME

DESCRIPTION
       info shows an image's format, virtual size, space used and backing file (--backing-chain: the
       whole chain); the disk of a running guest is locked, -U (--force-share) reads it anyway.
       create makes a new qcow2 image; with -b it is an overlay (a linked clone) whose unwritten
       clusters are read from BACKING_FILE, which must then never change. SIZE takes k, M, G, T suffixes.
       convert copies an image into another format (a VMware .vmdk into qcow2 for KVM); -O names the
       output format.
""",
)
def qemu_img(ctx: Context, argv: list[str]) -> int:
    if len(argv) < 2:
        ctx.err("qemu-img: Not enough arguments\nTry 'qemu-img --help' for more information\n")
        return 1
    if argv[1] in ("-V", "--version"):
        ctx.out(
            "qemu-img version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)\n"
            "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project developers\n"
        )
        return 0
    if argv[1] in ("-h", "--help"):  # the man page, as every tool's --help here (options.gnu)
        ctx.out(MAN_PAGES["qemu-img"])
        return 0
    if argv[1] == "info":
        return _info(ctx, argv[2:])
    if argv[1] == "create":
        return _create(ctx, argv[2:])
    if argv[1] == "convert":
        return _convert(ctx, argv[2:])
    ctx.err(f"qemu-img: Command not found: {argv[1]}\n")
    return 1
