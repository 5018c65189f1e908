"""What an installed Ubuntu 24.04 system holds on disk, and what its kernel says while it boots.

`install` lays down the image once (files, users, identifiers, disks, NICs); `boot_log` and `boot_modules`
are replayed on every boot. Generated views (/proc, /sys) are registered here but computed in procfs.
"""

from __future__ import annotations

import copy
import functools
import random
import re
import uuid

from simulator import accounts, packages
from simulator.filesystem import DEFAULT_EPOCH, Block, Node, shared
from simulator.hardware import (
    BOOT_EARLY,
    BOOT_LATE,
    CONTAINER_HOST_MODULES,
    CPUS,
    GUEST_EXTRAS,
    KVM_WITHOUT_VIRTIO,
    METAL,
    METAL_MODULES,
    MODULE_PARAMETERS,
    MODULES,
    PLATFORMS,
    paravirtual,
)
from simulator.keys import KEY_NAMES, new_machine_id, ssh_keypair

RELEASE = "6.8.0-49-generic"
KERNEL_VERSION = "#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024"
KERNEL_BANNER = (
    f"Linux version {RELEASE} (buildd@lcy02-amd64-103) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) "
    f"13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) {KERNEL_VERSION}"
)
OS_PRETTY = "Ubuntu 24.04.1 LTS"
OS_RELEASE = f"""PRETTY_NAME="{OS_PRETTY}"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
"""
# What Ubuntu's command-not-found suggests for a program this machine lacks (the package model knows).
SUGGESTIONS = packages.suggestions()
SHELL_ONLY = {"cd", "history", "help", "exit", "export", "alias", "unset", "type", "source", "clear"}
CLOUD_IMAGES = {"kvm", "microsoft", "xen"}  # guests made from Ubuntu's cloud images, not the installer
GIB = 1 << 30
MIB = 1 << 20

# Guest networks as the hypervisors' default NAT/bridge setups hand them out: address, prefix, gateway.
NETWORKS = {
    "kvm": ("192.168.122.{}", 24, "192.168.122.1"),
    "oracle": ("10.0.2.15", 24, "10.0.2.2"),
    "vmware": ("192.168.142.{}", 24, "192.168.142.2"),
    "microsoft": ("172.23.{}.{}", 20, "172.23.16.1"),
    "xen": ("10.0.0.{}", 24, "10.0.0.1"),
    "metal": ("192.168.1.{}", 24, "192.168.1.1"),
    "lxc": ("10.143.27.{}", 24, "10.143.27.1"),
    "docker": ("172.17.0.2", 16, "172.17.0.1"),
}


def base_tree(with_modules: bool) -> dict[str, Node]:
    """What every image holds alike: the standard packages' files and (outside containers) the kernel's
    module files. Machines share it as their filesystem's `base`, so saved states carry only their changes."""
    modules = tuple(f"/usr/lib/modules/{RELEASE}/kernel/{module.path}" for module in MODULES.values())
    return packages.base_tree(with_modules, modules if with_modules else ())


def install(machine) -> None:
    fs = machine.fs
    spec = machine.spec
    rng = machine.rng()
    for path, target in (
        ("/bin", "usr/bin"),
        ("/sbin", "usr/sbin"),
        ("/lib", "usr/lib"),
        ("/lib64", "usr/lib64"),
    ):
        fs.add_symlink(path, target)
    for path in (
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/etc/ssh",
        "/etc/modprobe.d",
        "/etc/modules-load.d",
        "/var/lib/dbus",
        "/var/log",
        "/run",
        "/proc",
        "/sys",
        "/dev",
        "/boot",
        "/mnt",
        "/opt",
        "/srv",
    ):
        fs.add_dir(path)
    fs.add_dir("/tmp", mode=0o1777)
    fs.add_dir("/root", mode=0o700)
    fs.add_dir("/home/learner", mode=0o750, uid=1000, gid=1000)
    fs.add_file(
        "/home/learner/.profile",
        "# ~/.profile: executed by the command interpreter for login shells.\n",
        uid=1000,
        gid=1000,
    )
    fs.add_file("/usr/lib/os-release", OS_RELEASE)
    fs.add_symlink("/etc/os-release", "../usr/lib/os-release")
    fs.add_file("/etc/hostname", spec["hostname"] + "\n")
    fs.add_file(
        "/etc/hosts",
        f"127.0.0.1 localhost\n127.0.1.1 {spec['hostname']}\n\n"
        "::1 ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n",
    )
    _install_accounts(machine)
    fs.add_file(
        "/etc/sudoers.d/90-cloud-init-users",
        "# Created by cloud-init v. 24.3.1 on Wed, 27 Nov 2024 09:58:12 +0000\n\n"
        "# User rules for learner\nlearner ALL=(ALL) NOPASSWD:ALL\n",
        mode=0o440,
    )
    fs.add_file(
        "/etc/modules",
        "# /etc/modules is obsolete and has been replaced by /etc/modules-load.d/.\n"
        "# Please see modules-load.d(5) and modprobe.d(5) for details.\n#\n"
        "# Updating this file still works, but it is undocumented and unsupported.\n\n",
    )
    fs.add_base()
    for path, content in spec.get("files", {}).items():  # what the scenario's admins left behind
        fs.add_file(path, content)
    _install_identity(machine, rng)
    _install_hardware(machine, rng)
    _install_views(machine)
    packages.lay_down(machine)  # the image's own package set, and what their first boot left


def _install_accounts(machine) -> None:
    """/etc/passwd, group, shadow and gshadow (see accounts.py); the shadow files are root:shadow 0640."""
    fs = machine.fs
    minimal = machine.spec["platform"] == "docker"
    fs.add_file("/etc/passwd", accounts.passwd_text(minimal))
    fs.add_file("/etc/group", accounts.group_text(minimal))
    fs.add_file("/etc/shadow", accounts.shadow_text(minimal), mode=0o640, gid=accounts.SHADOW_GID)
    fs.add_file("/etc/gshadow", accounts.gshadow_text(minimal), mode=0o640, gid=accounts.SHADOW_GID)


def _install_identity(machine, rng) -> None:
    fs = machine.fs
    spec = machine.spec
    if machine.spec["platform"] == "docker":
        fs.add_file("/.dockerenv", "", mode=0o755)
        return
    fs.add_file("/etc/machine-id", spec.get("machine_id", new_machine_id(rng)) + "\n", mode=0o444)
    fs.add_symlink("/var/lib/dbus/machine-id", "/etc/machine-id")
    keys = spec.get("ssh_keys") or {}
    for kind in KEY_NAMES:
        private, public = keys.get(kind) or ssh_keypair(machine.rng(), kind, f"root@{machine.hostname}")
        fs.add_file(f"/etc/ssh/ssh_host_{kind}_key", private, mode=0o600)
        fs.add_file(f"/etc/ssh/ssh_host_{kind}_key.pub", public, mode=0o644)
    _install_ssh_config(machine)
    if machine.kind == "container":
        fs.add_file("/run/systemd/container", "lxc\n")


def _install_ssh_config(machine) -> None:
    """The drop-in directories of /etc/ssh (the files themselves come with their packages, packages.py)."""
    fs = machine.fs
    fs.add_dir("/etc/ssh/ssh_config.d")
    fs.add_dir("/etc/ssh/sshd_config.d")
    if machine.spec["platform"] in CLOUD_IMAGES:  # the cloud images turn password logins off
        fs.add_file("/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", "PasswordAuthentication no\n")


def _disk_layout(machine) -> tuple[str, list[tuple[int, int, str, str, str, str | None]]]:
    """The boot disk and its partitions (number, size, fstype, fsver, label, mountpoint). A guest whose
    spec says `image: installer` was installed from the server ISO, not made from a cloud image."""
    platform = machine.spec["platform"]
    if machine.kind == "vm" and platform in CLOUD_IMAGES and machine.spec.get("image") != "installer":
        disk = machine.spec.get("disk_gib", 25) * GIB  # the image grown to the VM's disk (growpart)
        root = disk - 4 * MIB - 106 * MIB - 913 * MIB - 2 * MIB
        parts = [
            (1, root, "ext4", "1.0", "cloudimg-rootfs", "/"),
            (14, 4 * MIB, "", "", "", None),
            (15, 106 * MIB, "vfat", "FAT32", "UEFI", "/boot/efi"),
            (16, 913 * MIB, "ext4", "1.0", "BOOT", "/boot"),
        ]
        return boot_disk(machine), parts
    metal = METAL[machine.cpu.vendor]
    disk = boot_disk(machine) if machine.kind == "vm" else metal.disk
    size = machine.spec.get("disk_gib", 25) * GIB if machine.kind == "vm" else metal.disk_gib * GIB
    if machine.spec["firmware"] != "uefi":  # curtin on BIOS: a 1 MiB bios_grub partition, no ESP
        return disk, [(1, MIB, "", "", "", None), (2, size - MIB - 2 * MIB, "ext4", "1.0", "", "/")]
    return disk, [
        (1, GIB, "vfat", "FAT32", "", "/boot/efi"),
        (2, size - GIB - 2 * MIB, "ext4", "1.0", "", "/"),
    ]


# The EFI system partition of an installed Ubuntu 24.04 (and of its cloud image, which boots either way):
# grub-install --uefi-secure-boot puts shim-signed's shimx64.efi, mmx64.efi and BOOTX64.CSV and
# grub-efi-amd64-signed's grubx64.efi in EFI/ubuntu with a grub.cfg that finds /boot/grub, and the removable
# path EFI/BOOT gets shim as BOOTX64.EFI with fbx64.efi, which re-creates the boot entry from BOOTX64.CSV.
# The binaries' bytes are not modelled, only their sizes: shim 15.8 (shim-signed 1.58), GRUB 2.12.
# UNVERIFIED: the exact sizes of the signed binaries in noble's packages.
ESP_BINARIES = {
    "EFI/BOOT/BOOTX64.EFI": 966_664,
    "EFI/BOOT/fbx64.efi": 88_040,
    "EFI/BOOT/mmx64.efi": 856_280,
    "EFI/ubuntu/grubx64.efi": 2_320_264,
    "EFI/ubuntu/mmx64.efi": 856_280,
    "EFI/ubuntu/shimx64.efi": 966_664,
}
# shim's debian/BOOTX64.CSV: one line for fallback, in UCS-2 little-endian (iconv -t UCS-2, no BOM)
ESP_CSV = "".join(c + "\0" for c in "shimx64.efi,ubuntu,,This is the boot entry for ubuntu\n")


def esp_grub_cfg(machine) -> str:
    """The stub grub-install writes beside grubx64.efi: find the filesystem holding /boot/grub by its UUID
    (with a hint of where it was), then read the real grub.cfg there."""
    parts = machine.disks[0]["parts"]
    boot = next((p for p in parts if p["mount"] == "/boot"), None) or root_partition(machine)
    number = int(boot["name"].removeprefix(machine.disks[0]["name"]).removeprefix("p"))
    prefix = "/grub" if boot["mount"] == "/boot" else "/boot/grub"
    return (
        f"search.fs_uuid {boot['uuid']} root hd0,gpt{number} \n"
        f"set prefix=($root)'{prefix}'\nconfigfile $prefix/grub.cfg\n"
    )


def _install_esp(machine) -> None:
    """The ESP's files under /boot/efi, where a machine mounts one. vfat has no owners or modes: the mount
    gives every file root's and the bits its mask leaves (esp_mask), and every file looks executable."""
    esp = next((p for d in machine.disks[:1] for p in d["parts"] if p["mount"] == "/boot/efi"), None)
    if esp is None or machine.kind == "container":
        return
    fs, mode = machine.fs, 0o777 & ~esp_mask(esp)
    for directory in ("/boot/efi", "/boot/efi/EFI", "/boot/efi/EFI/BOOT", "/boot/efi/EFI/ubuntu"):
        fs.add_dir(directory, mode=mode)
    for name, size in ESP_BINARIES.items():
        fs.add_generated(f"/boot/efi/{name}", f"allocated:{size}", mode=mode)
    fs.add_file("/boot/efi/EFI/ubuntu/BOOTX64.CSV", ESP_CSV, mode=mode)
    fs.add_file("/boot/efi/EFI/ubuntu/grub.cfg", esp_grub_cfg(machine), mode=mode)


def _esp_used_kib() -> int:
    """What the ESP's files take on its FAT32 (4 KiB clusters): df's Used, as du counts them."""
    sizes = (*ESP_BINARIES.values(), len(ESP_CSV), 126)  # the grub.cfg stub: one cluster whatever its UUID
    directories = 4  # FAT32's root directory is a cluster chain too, as are EFI, EFI/BOOT and EFI/ubuntu
    return 4 * directories + sum(-(-size // 4096) * 4 for size in sizes)


ESP_USED_KIB = _esp_used_kib()


def esp_mask(part: dict) -> int:
    """The fmask and dmask of an ESP's mount: the cloud image's fstab says umask=0077; curtin writes
    `defaults`, and mount then takes its own umask, 022."""
    return 0o077 if part.get("label") == "UEFI" else 0o022


# Ubuntu 24.04 cloud images (the KVM, Hyper-V and Xen guests here) name filesystems by label, as captures of
# the noble cloud image's /etc/fstab show (tab-separated, no header).
CLOUD_FSTAB = (
    "LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,commit=30,errors=remount-ro\t0 1\n"
    "LABEL=BOOT\t/boot\text4\tdefaults\t0 2\n"
    "LABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n"
)
# What Ubuntu's installer (subiquity/curtin) writes on the hosts and installer-made VMs: each filesystem by
# its UUID under /dev/disk/by-uuid, after a comment naming the partition it was on (captures of 24.04).
INSTALLER_FSTAB_HEADER = (
    "# /etc/fstab: static file system information.\n#\n"
    "# Use 'blkid' to print the universally unique identifier for a\n"
    "# device; this may be used with UUID= as a more robust way to name devices\n"
    "# that works even if disks are added and removed. See fstab(5).\n#\n"
    "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
)


def boot_disk(machine) -> str:
    """A guest's boot disk: its platform's, or a KVM guest's SATA disk when it has no virtio."""
    return "sda" if machine.platform.id == "kvm" and not paravirtual(machine.spec) else machine.platform.disk


def root_partition(machine) -> dict | None:
    """The partition mounted on / (None in a container, whose disks are its host's)."""
    return next((p for d in machine.disks for p in d["parts"] if p["mount"] == "/"), None)


def is_cloud_image(machine) -> bool:
    return any(p["label"] == "cloudimg-rootfs" for d in machine.disks for p in d["parts"])


def fstab(machine) -> str:
    if is_cloud_image(machine):
        return CLOUD_FSTAB
    lines = [INSTALLER_FSTAB_HEADER]
    for part in sorted(machine.disks[0]["parts"], key=lambda p: p["mount"] != "/"):
        if part["mount"]:
            lines.append(f"# {part['mount']} was on /dev/{part['name']} during curtin installation\n")
            lines.append(f"/dev/disk/by-uuid/{part['uuid']} {part['mount']} {part['fstype']} defaults 0 1\n")
    if machine.fs.exists(SWAP_FILE):  # curtin's setup_swapfile appends it, its fields joined by tabs
        lines.append("\t".join([SWAP_FILE, "none", "swap", "sw", "0", "0"]) + "\n")
    return "".join(lines)


# The swap file Ubuntu's installer creates: curtin/swap.py (setup_swapfile) makes /swap.img under umask
# 0066 (mode 0600) with fallocate and mkswap, sized by suggested_swapsize from the installer's MemTotal and
# the target's free space. Cloud images and containers have no swap.
SWAP_FILE = "/swap.img"
GIB_SWAP_FORMULAS = (
    (1, lambda mem: mem * 2),
    (2, lambda mem: 2 * GIB),
    (4, lambda mem: mem),
    (16, lambda mem: 4 * GIB),
    (64, lambda mem: mem / 2),
)


EXT4_OVERHEAD = 0.984  # share of the partition left as data blocks after ext4's inode tables and journal
USED_PERCENT = {"/": 9, "/boot": 10}


def fs_usage(part: dict) -> tuple[int, int, int]:
    """(1K-blocks, used, available) of a mounted partition; ext4 keeps 5% for root."""
    size = part["size"] // 1024
    blocks = int(size * EXT4_OVERHEAD) if part["fstype"] == "ext4" else size
    used = blocks * USED_PERCENT.get(part["mount"], 3) // 100
    if part["mount"] == "/boot/efi":
        used = ESP_USED_KIB
    reserved = blocks // 20 if part["fstype"] == "ext4" else 0
    return blocks, used, blocks - used - reserved


def swap_file_bytes(machine) -> int:
    """curtin's suggested_swapsize(fsys=target): a step formula on memory, at most a quarter of the free
    space and 8 GiB, none when that is below half the memory and 4 GiB; written in whole MiB."""
    from simulator import procfs

    if machine.kind == "container" or is_cloud_image(machine):
        return 0
    memsize = procfs.memory(machine)["MemTotal"] * 1024
    root = root_partition(machine)
    maxsize = min(fs_usage(root)[2] * 1024 // 4, 8 * GIB)
    size = maxsize
    for top, formula in GIB_SWAP_FORMULAS:
        if memsize <= top * GIB:
            size = min(formula(memsize), maxsize)
            if size < memsize / 2 and size < 4 * GIB:
                return 0
            break
    return int(size / MIB) * MIB


def allocated_bytes(node) -> int | None:
    """The length of a file whose content is not modelled (a swap file), from its generator name."""
    if node.generator and node.generator.startswith("allocated:"):
        return int(node.generator.partition(":")[2])
    return None


def fstab_swap_entries(machine) -> list[str]:
    """The swap lines of /etc/fstab that swapon -a and systemd's fstab generator take: not noauto."""
    fs = machine.fs
    if not fs.is_file("/etc/fstab"):
        return []
    found = []
    for line in fs.read("/etc/fstab").splitlines():
        fields = line.split()
        if len(fields) < 3 or fields[0].startswith("#") or fields[2] != "swap":
            continue
        if "noauto" not in (fields[3].split(",") if len(fields) > 3 else []) and fields[0] not in found:
            found.append(fields[0])
    return found


def fstab_entries(machine) -> list[tuple[str, str, str, list[str]]]:
    """(device, mount point, type, options) of each /etc/fstab line, as libmount reads them."""
    fs = machine.fs
    if not fs.is_file("/etc/fstab"):
        return []
    entries = []
    for line in fs.read("/etc/fstab").splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#") and not _fstab_line_broken(fields):
            entries.append((fields[0], fields[1], fields[2], fields[3].split(",") if len(fields) > 3 else []))
    return entries


def _fstab_line_broken(fields: list[str]) -> bool:
    """tab_parse.c mnt_parse_table_line: source, target and type are required, dump and pass are numbers."""
    return len(fields) < 3 or any(not re.fullmatch(r"[-+]?\d+", number) for number in fields[4:6])


def fstab_parse_errors(machine) -> list[int]:
    """The numbers of the /etc/fstab lines libmount cannot parse: mount says so, and ignores them."""
    if not machine.fs.is_file("/etc/fstab"):
        return []
    lines = [line.split() for line in machine.fs.read("/etc/fstab").splitlines()]
    return [
        number
        for number, fields in enumerate(lines, 1)
        if fields and not fields[0].startswith("#") and _fstab_line_broken(fields)
    ]


def fstab_device(machine, spec: str) -> dict | None:
    """The partition an fstab device names: UUID=, LABEL=, PARTUUID= or a /dev path (a udev link too)."""
    parts = [p for d in machine.disks for p in d["parts"]]
    key, _, value = spec.partition("=")
    if key in ("UUID", "LABEL", "PARTUUID") and value:
        return next((p for p in parts if p.get(key.lower()) == value.strip('"')), None)
    for prefix, field in (("/dev/disk/by-uuid/", "uuid"), ("/dev/disk/by-label/", "label")):
        if spec.startswith(prefix):
            return next((p for p in parts if p.get(field) == spec[len(prefix) :]), None)
    if spec.startswith("/dev/disk/by-partuuid/"):
        return next((p for p in parts if p["partuuid"] == spec.rpartition("/")[2]), None)
    return next((p for p in parts if f"/dev/{p['name']}" == spec), None)


def boot_mounts(machine) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """What the next boot would mount ({partition name: mount point}) and the fstab entries it would wait
    for in vain (device, mount point), from /etc/fstab as it stands."""
    wanted: dict[str, str] = {}
    failed = []
    for spec, target, fstype, options in fstab_entries(machine):
        if fstype == "swap" or target == "/" or "noauto" in options:
            continue
        part = fstab_device(machine, spec)
        if part is not None:
            wanted.setdefault(part["name"], target)
        elif _names_volume(machine, spec):
            continue  # an attached cloud volume (a whole disk): simulator/mounting.py mounts it
        elif "nofail" not in options:
            failed.append((spec, target))
    return wanted, failed


def _names_volume(machine, spec: str) -> bool:
    """Whether an fstab device names an attached volume's filesystem: its device, UUID= or LABEL=."""
    key, _, value = spec.partition("=")
    for disk in machine.disks:
        if not disk.get("volume"):
            continue
        if key in ("UUID", "LABEL") and value and disk.get(key.lower()) == value.strip('"'):
            return True
        if spec in (f"/dev/{disk['name']}", f"/dev/disk/by-uuid/{disk.get('uuid')}"):
            return True
    return False


def mount_at_boot(machine) -> list[tuple[str, str]]:
    """What systemd-fstab-generator's mount units do at boot: each fstab filesystem is mounted where its
    device exists. Returns the (device, mount point) whose device never appears and that are not
    `nofail`: local-fs.target depends on them, so the boot ends in emergency mode. The root filesystem is
    the kernel's (root= on its command line) and swap has its own units."""
    if machine.kind == "container" or not machine.fs.is_file("/etc/fstab"):
        return []
    wanted, failed = boot_mounts(machine)
    for disk in machine.disks:
        for part in disk["parts"]:
            if part["mount"] != "/":
                if part["mount"] and part["name"] not in wanted:
                    part["last_mount"] = part["mount"]
                part["mount"] = wanted.get(part["name"])
                if part["mount"]:  # mounted since its last check (the boot's fsck pass is no `e2fsck -f`)
                    part.pop("checked", None)
    return failed


def fstab_swaps(machine) -> list[str]:
    """The swap areas a boot activates: the fstab entries that hold a swap area."""
    return [path for path in fstab_swap_entries(machine) if is_swap_area(machine, path)]


def is_swap_area(machine, path: str) -> bool:
    fs = machine.fs
    return fs.exists(path) and allocated_bytes(fs.nodes.get(path)) is not None


def swap_kib(machine, path: str) -> int:
    """What the kernel counts of a swap area (Size in /proc/swaps): every 4 KiB page but the header."""
    return (allocated_bytes(machine.fs.nodes[path]) // 4096 - 1) * 4


def _major_minor(disk: str, number: int) -> tuple[int, int]:
    if disk.startswith("nvme"):
        return 259, number
    major, per_disk = {"vda": (253, 16), "xvda": (202, 16)}.get(disk, (8, 16))
    return (259, number - per_disk) if number >= per_disk else (major, number)


def _new_disks(machine, rng) -> list[dict]:
    disk, parts = _disk_layout(machine)
    sep = "p" if disk.startswith("nvme") else ""
    major, _ = _major_minor(disk, 0)
    entries = []
    for number, size, fstype, fsver, label, mount in parts:
        if fstype == "vfat":
            fs_uuid = f"{rng.getrandbits(16):04X}-{rng.getrandbits(16):04X}"
        else:
            fs_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if fstype else ""
        maj, minor = _major_minor(disk, number)
        entries.append(
            {
                "name": f"{disk}{sep}{number}",
                "major": maj,
                "minor": minor,
                "size": size,
                "fstype": fstype,
                "fsver": fsver,
                "label": label,
                "uuid": fs_uuid,
                "partuuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "mount": None if machine.kind == "container" else mount,
            }
        )
    return [
        {
            "name": disk,
            "major": major,
            "minor": 0,
            "size": sum(p[1] for p in parts) + 2 * MIB,
            "pttype": "gpt",
            "ptuuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "parts": entries,
        }
    ]


def _spare_disk(spec: dict, rng) -> dict:
    """A blank virtio disk attached beside the system disk, never mounted (`spare_disks` in a spec): with
    `fstype`, one GPT partition (vdb1) holding that unmounted filesystem; without, no partition table."""
    name, size = spec["name"], spec.get("size", 10 * 1024 * MIB)
    major = 253
    minor = 16 * (ord(name[-1]) - ord("a"))
    disk = {
        "name": name,
        "major": major,
        "minor": minor,
        "size": size,
        "pttype": "",
        "ptuuid": "",
        "parts": [],
    }
    if spec.get("fstype"):
        disk["pttype"], disk["ptuuid"] = "gpt", str(uuid.UUID(int=rng.getrandbits(128), version=4))
        fsver = {"ext4": "1.0", "xfs": ""}.get(spec["fstype"], "")
        disk["parts"].append(
            {
                "name": f"{name}1",
                "major": major,
                "minor": minor + 1,
                "size": size - 2 * MIB,
                "fstype": spec["fstype"],
                "fsver": fsver,
                "label": spec.get("label", ""),
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "partuuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "mount": None,
                # never mounted since mkfs, so tune2fs needs no e2fsck -f first (check_fsck_needed)
                "checked": True,
            }
        )
    return disk


def _install_hardware(machine, rng) -> None:
    """Disks (new, or the source's when the image was cloned) and the NIC the hypervisor gives."""
    fs = machine.fs
    machine.disks = (
        copy.deepcopy(machine.spec["disks"]) if machine.spec.get("disks") else _new_disks(machine, rng)
    )
    machine.disks += [_spare_disk(disk, rng) for disk in machine.spec.get("spare_disks", ())]
    # a container's /dev is its runtime's tmpfs (no host disks in it), and it has no swap file or fstab
    if machine.kind != "container":
        for disk in machine.disks:
            fs.mknod(f"/dev/{disk['name']}", "blockdev", disk["major"], 0, 0o660, 0, 6)
            for part in disk["parts"]:
                fs.mknod(f"/dev/{part['name']}", "blockdev", part["major"], part["minor"], 0o660, 0, 6)
        size = swap_file_bytes(machine)
        if size:
            fs.add_generated(SWAP_FILE, f"allocated:{size}", mode=0o600)
        fs.add_file("/etc/fstab", fstab(machine))
        _install_esp(machine)
    platform = machine.spec["platform"]
    metal = METAL[machine.cpu.vendor]
    name = metal.nic if machine.kind == "metal" else machine.platform.nic
    oui = metal.oui if machine.kind == "metal" else machine.platform.oui
    mac = machine.spec.get("mac") or oui + "".join(f":{rng.randrange(256):02x}" for _ in range(3))
    address, prefix, gateway = NETWORKS[platform]
    address = address.format(*(rng.randrange(20, 240) for _ in range(address.count("{}"))))
    if platform == "docker":  # Docker derives the MAC from the address: 02:42 + the four IPv4 bytes
        mac = "02:42:" + ":".join(f"{int(b):02x}" for b in address.split("."))
    machine.nics = [
        {
            "name": name,
            "mac": mac,
            "ipv4": address,
            "prefix": prefix,
            "gateway": gateway,
            "dhcp": platform not in ("docker",),
        }
    ]


def _install_views(machine) -> None:
    fs = machine.fs
    for name in (
        "cpuinfo",
        "meminfo",
        "modules",
        "uptime",
        "version",
        "cmdline",
        "loadavg",
        "partitions",
        "swaps",
    ):
        fs.add_generated(f"/proc/{name}", name)
    fs.add_generated("/proc/1/cgroup", "cgroup")
    fs.add_generated("/proc/self/cgroup", "self_cgroup")
    fs.add_generated("/proc/self/mounts", "mounts")
    fs.add_symlink("/proc/mounts", "self/mounts")
    fs.add_generated("/proc/devices", "devices")
    fs.add_generated("/proc/1/comm", "pid1:comm")
    fs.add_generated("/proc/1/cmdline", "pid1:cmdline")
    fs.add_generated("/proc/sys/kernel/hostname", "hostname", mode=0o644)
    fs.add_dir("/proc/sys/kernel/random")
    fs.add_generated("/proc/sys/kernel/random/boot_id", "boot_id")
    fs.add_generated("/proc/1/environ", "pid1:environ", mode=0o400)
    _install_namespaces(machine)
    if machine.kind == "container":
        _install_container_dev(machine)
    else:
        fs.mknod("/dev/mem", "chardev", 1, 1, 0o640, 0, 15)
        for name, major, minor in CONTAINER_DEVICES:  # the memory devices and tty every system has
            fs.mknod(f"/dev/{name}", "chardev", major, minor, 0o666, 0, 5 if name == "tty" else 0)
    for nic in machine.nics:
        _add_net_device(fs, nic["name"], net_device_path(machine, nic["name"]))
    _add_net_device(fs, "lo", "virtual/net/lo")
    udev_disk_links(machine)
    fs.add_dir("/sys/module")
    # sysfs is the host's kernel's: inside a container /sys/class/dmi/id names the host's hardware
    for key in machine.dmi:
        fs.add_generated(f"/sys/class/dmi/id/{key}", f"dmi:{key}")
    fs.add_generated("/sys/class/dmi/id/product_uuid", "dmi:product_uuid", mode=0o400)
    fs.add_generated("/sys/class/dmi/id/product_serial", "dmi:product_serial", mode=0o400)
    if machine.kind == "container":  # Docker masks /sys/firmware; LXC leaves the host's, unreadable
        return
    fs.add_file("/sys/firmware/dmi/tables/smbios_entry_point", mode=0o400)
    fs.add_file("/sys/firmware/dmi/tables/DMI", mode=0o400)
    if machine.spec["firmware"] == "uefi":
        fs.add_dir("/sys/firmware/efi")
    if machine.spec["platform"] == "xen":
        fs.add_file("/sys/hypervisor/type", "xen\n")


# Where each platform's NIC sits in /sys/devices (its bus address as lspci shows it, or the VMBus/Xen
# device); a container's interface is the virtual end of a veth pair.
NET_DEVICE_PATHS = {
    "kvm": "pci0000:00/0000:00:02.0/0000:01:00.0/virtio0/net/{}",
    "oracle": "pci0000:00/0000:00:03.0/net/{}",
    "vmware": "pci0000:00/0000:00:11.0/0000:02:01.0/net/{}",
    "microsoft": "LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/VMBUS:00/{guid}/net/{}",
    "xen": "vif-0/net/{}",
    "intel": "pci0000:00/0000:00:1f.6/net/{}",
    "amd": "pci0000:40/0000:40:03.1/0000:41:00.0/net/{}",
}


def net_device_path(machine, name: str) -> str:
    """The device directory of a NIC under /sys/devices, which /sys/class/net/NAME links to."""
    if machine.kind == "container":
        return f"virtual/net/{name}"
    key = machine.cpu.vendor if machine.kind == "metal" else machine.spec["platform"]
    guid = uuid.UUID(int=random.Random(f"{machine.spec['seed']}/vmbus").getrandbits(128), version=4)
    return NET_DEVICE_PATHS[key].format(name, guid=guid)


def _add_net_device(fs, name: str, device: str) -> None:
    """sysfs-class-net: /sys/class/net/NAME is a link to the device's directory, which holds `address`."""
    fs.add_generated(f"/sys/devices/{device}/address", f"mac:{name}")
    fs.add_symlink(f"/sys/class/net/{name}", f"../../devices/{device}")


def disk_links(machine) -> dict[str, str]:
    """/dev/disk/by-*/NAME -> ../../DEVICE as udev's 60-persistent-storage rules name a machine's disks:
    filesystem UUIDs and labels, partition UUIDs, the bus path, and the model and serial where the
    device reports them (virtio and Xen disks report none)."""
    links = {}
    platform = machine.spec["platform"]
    key = machine.cpu.vendor if machine.kind == "metal" else platform
    if key == "kvm" and not paravirtual(machine.spec):
        key = "kvm-sata"
    for disk in machine.disks:
        ids = _disk_ids(machine, key, disk["name"])
        if disk.get("serial"):  # a cloud volume: virtio-blk reports the first 20 characters of its ID
            ids = [f"by-id/virtio-{disk['serial']}"]
        for dev in [disk, *disk["parts"]]:
            suffix = dev["name"][len(disk["name"]) :].lstrip("p")
            part = f"-part{suffix}" if suffix else ""
            target = f"../../{dev['name']}"
            for prefix in ids:
                links[f"/dev/disk/{prefix}{part}"] = target
            if dev.get("uuid"):
                links[f"/dev/disk/by-uuid/{dev['uuid']}"] = target
            if dev.get("label"):
                links[f"/dev/disk/by-label/{dev['label']}"] = target
            if dev is not disk:
                links[f"/dev/disk/by-partuuid/{dev['partuuid']}"] = target
    return links


def _disk_ids(machine, key: str, disk: str) -> list[str]:
    """The by-id and by-path names of a whole disk (partitions add -partN)."""
    rng = random.Random(f"{machine.spec['seed']}/disk-serial")
    paths = {
        "kvm": ["by-path/pci-0000:04:00.0", "by-path/virtio-pci-0000:04:00.0"],
        "kvm-sata": [
            "by-id/ata-QEMU_HARDDISK_QM00001",
            "by-path/pci-0000:00:1f.2-ata-1",
            "by-path/pci-0000:00:1f.2-ata-1.0",
        ],
        "oracle": [
            f"by-id/ata-VBOX_HARDDISK_VB{rng.getrandbits(32):08x}-{rng.getrandbits(32):08x}",
            "by-path/pci-0000:00:0d.0-ata-1",
            "by-path/pci-0000:00:0d.0-ata-1.0",
        ],
        "vmware": ["by-path/pci-0000:03:00.0-scsi-0:0:0:0"],
        "microsoft": [f"by-path/acpi-VMBUS:00-vmbus-{rng.getrandbits(128):032x}-lun-0"],
        "xen": ["by-path/xen-vbd-51712"],
        "intel": [
            f"by-id/nvme-PC_SN530_NVMe_WDC_512GB_21{rng.randrange(10**8):08d}",
            f"by-id/nvme-eui.e8238fa6bf530001001b448b4{rng.getrandbits(28):07x}",
            "by-path/pci-0000:01:00.0-nvme-1",
        ],
        "amd": [
            f"by-id/ata-SAMSUNG_MZ7LH960HAJR-00005_S45NNE0M{rng.randrange(10**6):06d}",
            f"by-id/wwn-0x5002538e{rng.getrandbits(32):08x}",
            "by-path/pci-0000:05:00.2-ata-1",
            "by-path/pci-0000:05:00.2-ata-1.0",
        ],
    }
    return paths.get(key, []) if disk == machine.disks[0]["name"] else []


def udev_disk_links(machine) -> None:
    """(Re)make /dev/disk from the machine's disks, as udev does at boot and when a filesystem changes."""
    fs = machine.fs
    fs.discard("/dev/disk")
    if machine.kind == "container":
        return
    fs.add_symlinks(disk_links(machine))


# What a container runtime puts in the container's own /dev (a small tmpfs): character devices
# (name, major, minor) bound from the host, the same six in both runtimes, and symlinks (name, target).
# runc (Docker): libcontainer/specconv AllowedDevices (null, random, full, tty, zero, urandom, all 0666),
# setupDevSymlinks (fd, stdin, stdout, stderr, and core when /proc/kcore exists), setupPtmx (ptmx ->
# pts/ptmx); /dev/console only when the container was started with a terminal (-t), which a detached web
# app was not; pts, mqueue and shm are mount points.
# LXC: conf.c lxc_devices (full, null, random, tty, urandom, zero) and dev_symlinks (fd, stdin, stdout,
# stderr), the console (a pty bound on /dev/console), ptmx (pts/ptmx); LXD's container-environment doc
# lists the same plus /dev/log, which systemd-journald's dev-log socket provides, and /dev/mqueue.
# The namespace links of a process (Linux 6.8 fs/proc/namespaces.c), in readdir order. The initial
# namespaces have fixed inode numbers (include/linux/proc_ns.h PROC_*_INIT_INO); net and mnt take the first
# two the kernel hands out. A container has its own, except the user and time namespaces (Docker and LXD
# without a user namespace), numbered as the kernel numbers later ones [values from captures, UNVERIFIED
# beyond the fixed ones].
NAMESPACES = (
    "cgroup",
    "ipc",
    "mnt",
    "net",
    "pid",
    "pid_for_children",
    "time",
    "time_for_children",
    "user",
    "uts",
)
HOST_NAMESPACE_INODES = {
    "cgroup": 4026531835,
    "ipc": 4026531839,
    "mnt": 4026531841,
    "net": 4026531840,
    "pid": 4026531836,
    "time": 4026531834,
    "user": 4026531837,
    "uts": 4026531838,
}
CONTAINER_NAMESPACE_INODES = {
    **HOST_NAMESPACE_INODES,
    "mnt": 4026532287,
    "uts": 4026532288,
    "ipc": 4026532289,
    "pid": 4026532290,
    "net": 4026532292,
    "cgroup": 4026532351,
}
SESSION_SHELL_PID = 4242  # the learner's bash, $$ (simulator/bash/words.py)


def _install_namespaces(machine) -> None:
    """/proc/$$/ns (the learner's shell, owned by the learner) and /proc/self/ns: `ls -l` shows the links."""
    inodes = CONTAINER_NAMESPACE_INODES if machine.kind == "container" else HOST_NAMESPACE_INODES
    for directory, owner in ((f"/proc/{SESSION_SHELL_PID}/ns", 1000), ("/proc/self/ns", 0)):
        for name in NAMESPACES:
            kind = name.removesuffix("_for_children")
            node = machine.fs.add_symlink(f"{directory}/{name}", f"{kind}:[{inodes[kind]}]")
            node.uid = node.gid = owner


CONTAINER_DEVICES = [
    ("full", 1, 7),
    ("null", 1, 3),
    ("random", 1, 8),
    ("tty", 5, 0),
    ("urandom", 1, 9),
    ("zero", 1, 5),
]
CONTAINER_DEV_LINKS = {
    "docker": [
        ("core", "/proc/kcore"),
        ("fd", "/proc/self/fd"),
        ("ptmx", "pts/ptmx"),
        ("stderr", "/proc/self/fd/2"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
    ],
    "lxc": [
        ("fd", "/proc/self/fd"),
        ("log", "/run/systemd/journal/dev-log"),
        ("ptmx", "pts/ptmx"),
        ("stderr", "/proc/self/fd/2"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
    ],
}


def _install_container_dev(machine) -> None:
    fs = machine.fs
    platform = machine.spec["platform"]
    for name, major, minor in CONTAINER_DEVICES:
        fs.mknod(f"/dev/{name}", "chardev", major, minor, 0o666)
    for name, target in CONTAINER_DEV_LINKS[platform]:
        fs.add_symlink(f"/dev/{name}", target)
    if platform == "lxc":
        fs.mknod("/dev/console", "chardev", 136, 0, 0o620, 0, 5)  # the pty LXC binds on /dev/console
    fs.add_dir("/dev/pts")
    fs.add_dir("/dev/mqueue", mode=0o1777)
    fs.add_dir("/dev/shm", mode=0o1777)


def module_sysfs(machine, name: str, loaded: bool) -> None:
    """/sys/module/NAME and its parameters while the module is loaded (sysfs is the host's in a container)."""
    fs = machine.fs
    path = f"/sys/module/{name}"
    if not loaded:
        fs.discard(path)
        return
    fs.add_dir("/sys/module")
    fs.add_shared(_module_nodes(name))


def modules_sysfs(machine, names: list[str]) -> None:
    """/sys/module for every loaded module at once, as a machine is loaded: one shared block per list."""
    machine.fs.add_dir("/sys/module")
    machine.fs.add_block(_modules_block(tuple(sorted(names))))


@functools.lru_cache(maxsize=64)
def _modules_block(names: tuple[str, ...]) -> Block:
    return Block([pair for name in names for pair in _module_nodes(name)])


@functools.cache
def _module_nodes(name: str) -> tuple[tuple[str, Node], ...]:
    """A module's /sys/module entry, made once and shared by every machine that loads it."""
    path = f"/sys/module/{name}"
    nodes = [(path, Node("dir", 0o755, mtime=DEFAULT_EPOCH))]
    nodes.append((f"{path}/initstate", Node("file", 0o444, content="live\n", mtime=DEFAULT_EPOCH)))
    parameters = MODULE_PARAMETERS.get(name, {})
    if parameters:
        nodes.append((f"{path}/parameters", Node("dir", 0o755, mtime=DEFAULT_EPOCH)))
    for parameter, value in parameters.items():
        node = Node("file", 0o444, content=value + "\n", mtime=DEFAULT_EPOCH)
        nodes.append((f"{path}/parameters/{parameter}", node))
    return shared(nodes)


def modprobe_config(fs) -> tuple[set[str], dict[str, str]]:
    """The `blacklist NAME` and `install NAME COMMAND` lines of /etc/modprobe.d/*.conf (modprobe.d(5)).

    kmod reads only files ending in .conf; `#` starts a comment line; names are normalised ('-' to '_').
    """
    blacklist: set[str] = set()
    install: dict[str, str] = {}
    directory = "/etc/modprobe.d"
    if not fs.is_dir(directory):
        return blacklist, install
    for name in sorted(fs.listdir(directory)):
        path = f"{directory}/{name}"
        if not name.endswith(".conf") or not fs.is_file(path):
            continue
        for line in fs.read(path).splitlines():
            words = line.split()
            if not words or words[0].startswith("#") or len(words) < 2:
                continue
            module = words[1].replace("-", "_")
            if words[0] == "blacklist":
                blacklist.add(module)
            elif words[0] == "install" and len(words) > 2:
                install.setdefault(module, " ".join(words[2:]))
    return blacklist, install


def autoloaded(name: str, install: dict[str, str]) -> bool:
    """Would a load at boot succeed without an install command standing in for the module?"""
    command = install.get(name)
    return command is None or command.split()[0] not in ("/bin/false", "/usr/bin/false", "false")


def boot_modules(machine) -> list[str]:
    """Modules loaded at boot: the drivers udev loads through their aliases (the platform's guest
    drivers; kvm_intel / kvm_amd when the CPU shows vmx / svm), then /etc/modules and modules-load.d.

    A `blacklist` line only stops the alias-based (udev) loads; an `install NAME /bin/false` line stops
    every load, by alias or by name (modprobe.d(5)).
    """
    if machine.kind == "container":
        return list(
            machine.spec.get("host_modules", CONTAINER_HOST_MODULES.get(machine.spec["platform"], ()))
        )
    fs = machine.fs
    blacklist, install = modprobe_config(fs)
    udev = hardware_modules(machine.spec)
    if machine.cpu.virt_flag in machine.cpu_flags():
        udev.append("kvm_intel" if machine.cpu.virt_flag == "vmx" else "kvm_amd")
    wanted = [n for n in udev if n not in blacklist and autoloaded(n, install)]
    files = ["/etc/modules"] + [
        f"/etc/modules-load.d/{n}" for n in fs.listdir("/etc/modules-load.d") if n.endswith(".conf")
    ]
    for path in files:
        if fs.is_file(path):
            for line in fs.read(path).splitlines():
                name = line.split("#")[0].strip().replace("-", "_")
                if name in MODULES and name not in wanted and autoloaded(name, install):
                    wanted.append(name)
    # then the services start, and load what they need (docker: overlay, br_netfilter; libvirt: bridge)
    wanted += [n for n in packages.boot_modules(machine) if n not in wanted and autoloaded(n, install)]
    return wanted


def hardware_modules(spec: dict) -> list[str]:
    """What udev and systemd load at every boot on this hardware, oldest first (kvm aside): derived from
    the catalog and the scenario's platform and CPU, so a saved machine stores only what differs."""
    platform = PLATFORMS[spec.get("platform", "kvm")]
    drivers = [*platform.emulated, *platform.modules, *GUEST_EXTRAS.get(platform.id, ())]
    if platform.id == "kvm" and not paravirtual(spec):
        drivers = [*KVM_WITHOUT_VIRTIO, *(m for m in GUEST_EXTRAS["kvm"] if m != "virtio_scsi")]
    if platform.kind == "metal":
        drivers = list(METAL_MODULES[CPUS[spec.get("cpu", "intel-i7-1165g7")].vendor])
    return [*BOOT_EARLY, *drivers, *BOOT_LATE]


def boot_log(machine) -> None:
    """The kernel ring buffer of a fresh boot (excerpts of a real Ubuntu 24.04 boot, 6.8 kernel)."""
    if machine.kind == "container":
        return
    dmi = machine.dmi
    root = root_partition(machine)
    lines = [
        (0.0, f"{KERNEL_BANNER} (Ubuntu 6.8.0-49.49-generic 6.8.12)"),
        (0.0, f"Command line: {cmdline(machine)}"),
        (0.0, "KERNEL supported cpus:"),
        (0.0, "  Intel GenuineIntel"),
        (0.0, "  AMD AuthenticAMD"),
        (
            0.0,
            f"DMI: {dmi['sys_vendor']} {dmi['product_name']}, BIOS {dmi['bios_version']} {dmi['bios_date']}",
        ),
    ]
    if machine.platform.dmesg_name:
        lines.append((0.0, f"Hypervisor detected: {machine.platform.dmesg_name}"))
    if machine.spec["platform"] == "kvm":
        lines.append((0.0, "kvm-clock: Using msrs 4b564d01 and 4b564d00"))
    lines.append((0.000005, f"tsc: Detected {machine.cpu.mhz} MHz processor"))
    if not machine.virt_enabled and machine.kind == "metal" and machine.cpu.vendor == "intel":
        lines.append((0.021403, "x86/cpu: VMX (outside TXT) disabled by BIOS"))
    lines.append(
        (
            0.087312,
            f"smpboot: CPU0: {machine.cpu.model_name} (family: {machine.cpu.family:#x}, "
            f"model: {machine.cpu.model:#x}, stepping: {machine.cpu.stepping:#x})",
        )
    )
    disk = machine.disks[0]
    if disk["name"] == "vda":
        lines.append(
            (
                1.183020,
                f"virtio_blk virtio2: [vda] {disk['size'] // 512} 512-byte logical blocks "
                f"({disk['size'] / 1e9:.1f} GB/{disk['size'] / GIB:.1f} GiB)",
            )
        )
    lines.append(
        (
            1.842214,
            f"EXT4-fs ({root['name']}): mounted filesystem {root['uuid']} ro with ordered data mode. "
            "Quota mode: none.",
        )
    )
    lines.append(
        (
            2.914406,
            "systemd[1]: systemd 255.4-1ubuntu8.4 running in system mode (+PAM +AUDIT +SELINUX "
            "+APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS "
            "+FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT "
            "+QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT "
            "default-hierarchy=unified)",
        )
    )
    if machine.is_guest:
        lines.append((2.914437, f"systemd[1]: Detected virtualization {machine.platform.id}."))
    lines.append((2.914441, "systemd[1]: Detected architecture x86-64."))
    lines.append((2.917783, f"systemd[1]: Hostname set to <{machine.hostname}>."))
    if machine.nics[0]["name"] != "eth0" and machine.kind == "vm":
        driver = {
            "kvm": "virtio_net virtio0",
            "oracle": "e1000 0000:00:03.0",
            "vmware": "vmxnet3 0000:02:01.0",
        }
        lines.append(
            (
                3.612901,
                f"{driver.get(machine.spec['platform'], 'eth')} {machine.nics[0]['name']}: renamed from eth0",
            )
        )
    lines.append((4.218810, f"EXT4-fs ({root['name']}): re-mounted {root['uuid']} r/w. Quota mode: none."))
    machine.dmesg.extend(lines)


def cmdline(machine) -> str:
    root = root_partition(machine)
    device = f"UUID={root['uuid']}" if root else "/dev/sda2"
    if is_cloud_image(machine):  # a 24.04 cloud image boots with an initrd and the root's label
        device = "LABEL=cloudimg-rootfs"
    if machine.kind == "vm":
        return f"BOOT_IMAGE=/vmlinuz-{RELEASE} root={device} ro console=tty1 console=ttyS0"
    return f"BOOT_IMAGE=/boot/vmlinuz-{RELEASE} root={device} ro quiet splash vt.handoff=7"
