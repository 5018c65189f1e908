"""Generated files (/proc, /sys): computed from the machine at every read, as the kernel does.

Formats follow Linux 6.8: arch/x86/kernel/cpu/proc.c (/proc/cpuinfo), kernel/module/procfs.c (/proc/modules),
fs/proc/meminfo.c, and the sysfs DMI attributes (drivers/firmware/dmi-id.c).
"""

from __future__ import annotations

from simulator import layout
from simulator.filesystem import DEVICE_READ
from simulator.hardware import MODULES


def cpu_count(machine) -> int:
    """Processors the system sees: all the host's on bare metal and in Docker (which filters nothing from
    /proc/cpuinfo), the VM's virtual CPUs, or an LXC container's cpuset as lxcfs shows it."""
    if machine.kind == "metal" or machine.spec["platform"] == "docker":
        return machine.cpu.cores * machine.cpu.threads_per_core
    return machine.spec["cpus"]


def cpuinfo(machine) -> str:
    cpu = machine.cpu
    flags = machine.cpu_flags()
    count = cpu_count(machine)
    vm = machine.kind == "vm"
    blocks = []
    for n in range(count):
        if vm:
            package, siblings, core, cores, apic = n, 1, 0, 1, n
        else:
            # a container sees the host's processors: lxcfs hides those outside its cpuset and renumbers
            # "processor", but every topology field stays the host's (siblings = all the host's threads)
            package, siblings, core, cores = 0, cpu.cores * cpu.threads_per_core, n % cpu.cores, cpu.cores
            apic = core * cpu.threads_per_core + n // cpu.cores
        lines = [
            f"processor\t: {n}",
            f"vendor_id\t: {cpu.vendor_id}",
            f"cpu family\t: {cpu.family}",
            f"model\t\t: {cpu.model}",
            f"model name\t: {cpu.model_name}",
            f"stepping\t: {cpu.stepping}",
        ]
        if not vm:
            lines.append(f"microcode\t: {cpu.microcode}")
        lines += [
            f"cpu MHz\t\t: {cpu.mhz}",
            f"cache size\t: {cpu.cache_kb} KB",
            f"physical id\t: {package}",
            f"siblings\t: {siblings}",
            f"core id\t\t: {core}",
            f"cpu cores\t: {cores}",
            f"apicid\t\t: {apic}",
            f"initial apicid\t: {apic}",
            "fpu\t\t: yes",
            "fpu_exception\t: yes",
            f"cpuid level\t: {cpu.cpuid_level}",
            "wp\t\t: yes",
            f"flags\t\t: {' '.join(flags)}",
        ]
        if "vmx" in flags and cpu.vmx_flags:
            lines.append(f"vmx flags\t: {cpu.vmx_flags}")
        lines += [f"bugs\t\t: {cpu.bugs}", f"bogomips\t: {cpu.bogomips}"]
        if cpu.tlb_size:
            lines.append(f"TLB size\t: {cpu.tlb_size} 4K pages")
        lines += [
            "clflush size\t: 64",
            "cache_alignment\t: 64",
            f"address sizes\t: {cpu.address_sizes}",
            # show_cpuinfo prints each power flag as " %s": "power management: ts ttp ..."
            "power management:" + ("".join(" " + f for f in cpu.power_management.split()) if not vm else ""),
        ]
        blocks.append("\n".join(lines) + "\n\n")
    return "".join(blocks)


def modules(machine) -> str:
    """One line per module, newest first; addresses read as zero without CAP_SYSLOG (kptr_restrict)."""
    lines = []
    all_holders = machine.all_holders()
    for name in machine.modules:
        users = all_holders[name]
        holders = "".join(f"{h}," for h in users) or "-"
        count = machine.use_count(name, users)
        lines.append(f"{name} {MODULES[name].size} {count} {holders} Live 0x0000000000000000\n")
    return "".join(lines)


def memory(machine) -> dict[str, int]:
    """The few meminfo figures free(1) reads, in kB, derived from the machine's RAM and boot modules."""
    total = machine.spec["memory_mb"] * 1024 * 97 // 100
    used = 412_000 + 1024 * len(machine.modules) * 3
    buffers = total // 60
    cached = total // 7
    reclaimable = total // 40
    free = total - used - buffers - cached - reclaimable
    swap = sum(layout.swap_kib(machine, path) for path in machine.swaps)
    return {
        "MemTotal": total,
        "MemFree": free,
        "MemAvailable": free + buffers + cached + reclaimable - total // 100,
        "Buffers": buffers,
        "Cached": cached,
        "SwapCached": 0,
        "Shmem": 1_436 + total // 400,
        "SReclaimable": reclaimable,
        "SwapTotal": swap,
        "SwapFree": swap,
    }


def meminfo(machine) -> str:
    m = memory(machine)
    rows = [
        ("MemTotal", m["MemTotal"]),
        ("MemFree", m["MemFree"]),
        ("MemAvailable", m["MemAvailable"]),
        ("Buffers", m["Buffers"]),
        ("Cached", m["Cached"]),
        ("SwapCached", 0),
        ("Active", m["Cached"] // 2),
        ("Inactive", m["Cached"] // 2 + m["Buffers"]),
        ("SwapTotal", m["SwapTotal"]),
        ("SwapFree", m["SwapFree"]),
        ("Dirty", 48),
        ("Writeback", 0),
        ("Shmem", m["Shmem"]),
        ("KReclaimable", m["SReclaimable"]),
        ("Slab", m["SReclaimable"] * 2),
        ("SReclaimable", m["SReclaimable"]),
        ("SUnreclaim", m["SReclaimable"]),
        ("CommitLimit", m["MemTotal"] // 2 + m["SwapTotal"]),  # vm_commit_limit(): half the RAM + swap
        ("Committed_AS", m["MemTotal"] // 5),
        ("VmallocTotal", 34359738367),
        ("HugePages_Total", -1),
        ("Hugepagesize", 2048),
    ]
    out = []
    for key, value in rows:
        if key == "HugePages_Total":
            out.append(f"{'HugePages_Total:':<16}{0:>8}\n")
        else:
            out.append(f"{key + ':':<16}{value:>8} kB\n")
    return "".join(out)


def swaps(machine) -> str:
    """/proc/swaps as Linux 6.8 mm/swapfile.c swap_show() prints it: the path padded to 40 columns, tabs
    between the rest (two when a number is below 10000000). Nothing is swapped out; the first area gets
    priority -2 (least_priority starts at -1 and each swapon without a priority takes --least_priority)."""
    rows = ["Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"]
    for n, path in enumerate(machine.swaps):
        size, used = layout.swap_kib(machine, path), 0
        pad = " " * (40 - len(path) if len(path) < 40 else 1)
        tab = "\t" if size < 10_000_000 else ""
        rows.append(f"{path}{pad}file\t\t{size}\t{tab}{used}\t\t{-2 - n}\n")
    return "".join(rows)


def uptime(machine) -> str:
    up = machine.uptime()
    return f"{up:.2f} {up * cpu_count(machine) * 0.97:.2f}\n"


def version(machine) -> str:
    return layout.KERNEL_BANNER + "\n"


def cmdline(machine) -> str:
    return layout.cmdline(machine) + "\n"


def loadavg(machine) -> str:
    return f"0.{machine.clock % 9:02d} 0.03 0.00 1/{180 + len(machine.modules)} {1400 + machine.clock // 3}\n"


def partitions(machine) -> str:
    rows = ["major minor  #blocks  name", ""]
    for disk in machine.disks:
        for dev in [disk, *disk["parts"]]:
            rows.append(f"{dev['major']:>4} {dev['minor']:>7} {dev['size'] // 1024:>10} {dev['name']}")
    return "\n".join(rows) + "\n"


def pid1(machine) -> tuple[str, str]:
    """(comm, argv joined by NUL) of PID 1: the app itself in Docker, systemd (as /sbin/init) elsewhere."""
    if machine.spec["platform"] == "docker":
        return "python3", "python3\0app.py\0"
    return "systemd", "/sbin/init\0"


def pid1_environ(machine) -> str:
    """PID 1's initial environment, NUL-separated as in /proc/1/environ.

    Docker (moby container.CreateDaemonEnvironment) passes PATH and HOSTNAME, then the image's ENV
    (ubuntu:24.04 sets only PATH, which replaces the default in place); runc adds HOME from /etc/passwd
    when it is missing. Docker sets no `container=`. LXC/LXD start init with an environment that is
    blank except for container=lxc (LXD's container-environment documentation).
    """
    if machine.spec["platform"] == "docker":
        variables = [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            f"HOSTNAME={machine.spec['hostname']}",
            "HOME=/root",
        ]
    elif machine.spec["platform"] == "lxc":
        variables = ["container=lxc"]
    else:
        # the kernel's HOME=/ and TERM=linux (init/main.c envp_init) plus the unknown boot parameter
        # BOOT_IMAGE, then what initramfs-tools' init exports before it runs /sbin/init [from memory of
        # Ubuntu captures, unverified]
        boot_image = layout.cmdline(machine).split()[0].split("=", 1)[1]
        variables = [
            "HOME=/",
            "init=/sbin/init",
            "NETWORK_SKIP_ENSLAVED=",
            "TERM=linux",
            f"BOOT_IMAGE={boot_image}",
            "drop_caps=",
            "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
            "PWD=/",
            "rootmnt=/root",
        ]
    return "".join(v + "\0" for v in variables)


def cgroup(machine) -> str:
    """cgroup v2: PID 1 sits in init.scope under systemd; a private cgroup namespace (Docker) shows just /."""
    return "0::/\n" if machine.spec["platform"] == "docker" else "0::/init.scope\n"


def self_cgroup(machine) -> str:
    """The shell's cgroup: the login session's scope under the learner's slice (sudo stays in it), as seen
    from the machine's own cgroup namespace; Docker's exec'd shell shares the container's root."""
    if machine.spec["platform"] == "docker":
        return "0::/\n"
    return "0::/user.slice/user-1000.slice/session-1.scope\n"


def mounts(machine) -> str:
    """/proc/self/mounts (fs/proc_namespace.c): fstab format, dump and pass 0, a space in a path as \\040."""
    from simulator.commands.mounts import mount_table

    def escape(path: str) -> str:
        return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011")

    return "".join(
        f"{escape(m.source)} {escape(m.target)} {m.fstype} {m.options} 0 0\n" for m in mount_table(machine)
    )


# /proc/devices (fs/proc/devices.c: "%3d %s"): the static majors of Linux 6.8, dynamic ones as an Ubuntu
# 24.04 system plausibly numbers them (not copied from one machine), and the block majors of its disks.
CHAR_DEVICES = [
    (1, "mem"),
    (4, "/dev/vc/0"),
    (4, "tty"),
    (4, "ttyS"),
    (5, "/dev/tty"),
    (5, "/dev/console"),
    (5, "/dev/ptmx"),
    (5, "ttyprintk"),
    (7, "vcs"),
    (10, "misc"),
    (13, "input"),
    (21, "sg"),
    (29, "fb"),
    (89, "i2c"),
    (108, "ppp"),
    (128, "ptm"),
    (136, "pts"),
    (180, "usb"),
    (189, "usb_device"),
    (202, "cpu/msr"),
    (204, "ttyMAX"),
    (226, "drm"),
    (240, "aux"),
    (241, "hidraw"),
    (242, "ttyDBC"),
    (243, "bsg"),
    (244, "watchdog"),
    (245, "remoteproc"),
    (246, "ptp"),
    (247, "pps"),
    (248, "cec"),
    (249, "lirc"),
    (250, "rtc"),
    (251, "dax"),
    (252, "dimmctl"),
    (253, "ndctl"),
    (254, "gpiochip"),
]
BLOCK_DEVICES = [
    (7, "loop"),
    (8, "sd"),
    (9, "md"),
    (11, "sr"),
    *((major, "sd") for major in range(65, 72)),
    *((major, "sd") for major in range(128, 136)),
    (254, "mdp"),
    (259, "blkext"),
]


def devices(machine) -> str:
    block = list(BLOCK_DEVICES)
    disk_majors = {d["major"]: d["name"] for d in machine.disks}
    if 253 in disk_majors:  # virtio_blk takes the first dynamic major, device-mapper the next
        block += [(252, "device-mapper"), (253, "virtblk")]
    else:
        block += [(253, "device-mapper")]
    if 202 in disk_majors:
        block.append((202, "xvd"))
    chars = "".join(f"{major:3d} {name}\n" for major, name in CHAR_DEVICES)
    blocks = "".join(f"{major:3d} {name}\n" for major, name in sorted(block))
    return f"Character devices:\n{chars}\nBlock devices:\n{blocks}"


def dmi_value(machine, key: str) -> str:
    if key == "product_uuid":
        return machine.product_uuid
    if key == "product_serial":
        return serial_number(machine)
    return machine.dmi.get(key, "")


def serial_number(machine) -> str:
    """VMware derives the serial from the UUID ("VMware-56 4d ..."), Xen's hvmloader writes the UUID itself
    (capture of dmidecode on a Xen HVM guest: "Serial Number: ec2c3dea-666a-..."); QEMU leaves it unset."""
    platform = machine.spec["platform"]
    if "product_serial" in machine.spec.get("dmi", {}):
        return machine.spec["dmi"]["product_serial"]
    if platform == "xen":
        return machine.product_uuid.lower()
    if platform == "vmware":
        hexes = machine.product_uuid.replace("-", "")
        pairs = [hexes[i : i + 2] for i in range(0, 32, 2)]
        return f"VMware-{' '.join(pairs[:8])}-{' '.join(pairs[8:])}"
    if platform in ("kvm", "oracle"):
        return ""
    return "0000-0002-6217-9471-3914-7551-45" if platform == "microsoft" else "7XKQ2G3"


def generate(machine, name: str) -> str:
    kind, _, arg = name.partition(":")
    if kind == "dmi":
        return dmi_value(machine, arg) + "\n"
    if kind == "mac":
        nic = next((n for n in machine.nics if n.get("hwname", n["name"]) == arg), None)  # named at boot
        return (nic["mac"] if nic else "00:00:00:00:00:00") + "\n"
    if kind == "hostname":
        return machine.hostname + "\n"
    if kind == "pid1":
        if arg == "environ":
            return pid1_environ(machine)
        comm, argv = pid1(machine)
        return comm + "\n" if arg == "comm" else argv
    if kind == "boot_id":
        b = machine.boot_id
        return f"{b[:8]}-{b[8:12]}-{b[12:16]}-{b[16:20]}-{b[20:]}\n"
    if kind == "allocated":  # a file whose bytes are not modelled (a swap area)
        return ""
    if kind == "urandom":  # from the machine's seeded generator; 7-bit, so that a character is one byte
        return bytes(b & 0x7F for b in machine.rng().randbytes(DEVICE_READ)).decode("ascii")
    return GENERATORS[kind](machine)


GENERATORS = {
    "cpuinfo": cpuinfo,
    "modules": modules,
    "meminfo": meminfo,
    "swaps": swaps,
    "uptime": uptime,
    "version": version,
    "cmdline": cmdline,
    "loadavg": loadavg,
    "partitions": partitions,
    "cgroup": cgroup,
    "self_cgroup": self_cgroup,
    "mounts": mounts,
    "devices": devices,
}
