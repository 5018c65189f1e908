"""Who am I running on? uname, lscpu, dmesg, systemd-detect-virt, virt-what, dmidecode, free, uptime.

Modelled on coreutils 9.4 (uname), util-linux 2.39.3 (lscpu, dmesg), systemd 255 (systemd-detect-virt),
virt-what 1.25, dmidecode 3.5 and procps-ng 4.0.4 (free, uptime): the versions of Ubuntu 24.04.
"""

from __future__ import annotations

import time

from simulator import procfs
from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.options import Options, UsageError, gnu, parse
from simulator.layout import KERNEL_VERSION, RELEASE

SYSTEMD_VERSION = (
    "systemd 255 (255.4-1ubuntu8.4)\n+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS "
    "+OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 "
    "-PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP "
    "+SYSVINIT default-hierarchy=unified\n"
)


def try_help(ctx: Context, tool: str, option: str) -> int:
    """coreutils/util-linux style answer to an option not modelled: --help shows the man page (the real
    tools print their usage and exit 0), anything else is rejected."""
    if option == "--help":
        ctx.out(MAN_PAGES[tool])
        return 0
    if option.startswith("--"):
        ctx.err(f"{tool}: unrecognized option '{option}'\n")
    else:
        ctx.err(f"{tool}: invalid option -- '{option[1:2]}'\n")
    ctx.err(f"Try '{tool} --help' for more information.\n")
    return 1


@command(
    "uname",
    man="""
uname - print system information

  -s kernel name   -n host name   -r kernel release   -v kernel version   -m machine (x86_64)
  -a all of them, plus processor, hardware platform and operating system
A container shares its host's kernel, so uname -r there shows the host's kernel release.
""",
)
@gnu(
    "snrvmpioa",
    {
        "kernel-name": "s",
        "nodename": "n",
        "kernel-release": "r",
        "kernel-version": "v",
        "machine": "m",
        "processor": "p",
        "hardware-platform": "i",
        "operating-system": "o",
        "all": "a",
    },
    version="(GNU coreutils) 9.4",
)
def uname(ctx: Context, opts: Options, operands: list[str]) -> int:
    if operands:
        ctx.err(f"uname: extra operand '{operands[0]}'\nTry 'uname --help' for more information.\n")
        return 1
    machine = ctx.machine
    values = {
        "s": "Linux",
        "n": machine.hostname,
        "r": RELEASE,
        "v": KERNEL_VERSION,
        "m": "x86_64",
        "p": "x86_64",
        "i": "x86_64",
        "o": "GNU/Linux",
    }
    chosen = set(opts.order)
    if "a" in chosen:
        chosen = set("snrvmpio")
    ctx.out(" ".join(values[k] for k in "snrvmpio" if k in (chosen or {"s"})) + "\n")
    return 0


VULNERABILITIES = {
    "intel": [
        ("Gather data sampling", "Mitigation; Microcode"),
        ("Itlb multihit", "Not affected"),
        ("L1tf", "Not affected"),
        ("Mds", "Not affected"),
        ("Meltdown", "Not affected"),
        ("Mmio stale data", "Not affected"),
        ("Reg file data sampling", "Not affected"),
        ("Retbleed", "Not affected"),
        ("Spec rstack overflow", "Not affected"),
        ("Spec store bypass", "Mitigation; Speculative Store Bypass disabled via prctl"),
        ("Spectre v1", "Mitigation; usercopy/swapgs barriers and __user pointer sanitization"),
        (
            "Spectre v2",
            "Mitigation; Enhanced / Automatic IBRS; IBPB conditional; RSB filling; "
            "PBRSB-eIBRS SW sequence; BHI SW loop, KVM SW loop",
        ),
        ("Srbds", "Not affected"),
        ("Tsx async abort", "Not affected"),
    ],
    "amd": [
        ("Gather data sampling", "Not affected"),
        ("Itlb multihit", "Not affected"),
        ("L1tf", "Not affected"),
        ("Mds", "Not affected"),
        ("Meltdown", "Not affected"),
        ("Mmio stale data", "Not affected"),
        ("Reg file data sampling", "Not affected"),
        ("Retbleed", "Mitigation; untrained return thunk; SMT vulnerable"),
        ("Spec rstack overflow", "Mitigation; SMT Vulnerable, Safe RET, no microcode"),
        ("Spec store bypass", "Mitigation; Speculative Store Bypass disabled via prctl"),
        ("Spectre v1", "Mitigation; usercopy/swapgs barriers and __user pointer sanitization"),
        (
            "Spectre v2",
            "Mitigation; Retpolines; IBPB conditional; STIBP disabled; RSB filling; "
            "PBRSB-eIBRS Not affected; BHI Not affected",
        ),
        ("Srbds", "Not affected"),
        ("Tsx async abort", "Not affected"),
    ],
}


def _cpu_list(count: int) -> str:
    return "0" if count == 1 else f"0-{count - 1}"


def _cache_size(kib: int, instances: int) -> str:
    amount = f"{kib} KiB" if kib < 1024 else f"{kib / 1024:g} MiB"
    return f"{amount} ({instances} instance{'s' if instances > 1 else ''})"


def lscpu_rows(machine) -> list[tuple[int, str, str]]:
    """(indent level, field, value), in util-linux 2.39's order (print_summary / print_summary_cputype)."""
    cpu = machine.cpu
    count = procfs.cpu_count(machine)
    vm = machine.kind == "vm"
    flags = machine.cpu_flags()
    sockets, cores, threads = (count, 1, 1) if vm else (1, cpu.cores, cpu.threads_per_core)
    rows = [
        (0, "Architecture", "x86_64"),
        (1, "CPU op-mode(s)", "32-bit, 64-bit"),
        (1, "Address sizes", cpu.address_sizes),
        (1, "Byte Order", "Little Endian"),
        (0, "CPU(s)", str(count)),
        (1, "On-line CPU(s) list", _cpu_list(count)),
        (0, "Vendor ID", cpu.vendor_id),
        (1, "Model name", cpu.model_name),
        (2, "CPU family", str(cpu.family)),
        (2, "Model", str(cpu.model)),
        (2, "Thread(s) per core", str(threads)),
        (2, "Core(s) per socket", str(cores)),
        (2, "Socket(s)", str(sockets)),
        (2, "Stepping", str(cpu.stepping)),
    ]
    if not vm:
        # print_summary_cputype: "Frequency boost" where cpufreq/boost exists (acpi-cpufreq on these AMD
        # parts; intel_pstate has none), then "CPU(s) scaling MHz" = cpu MHz / max MHz, "%.0f%%".
        if cpu.vendor == "amd":
            rows.append((2, "Frequency boost", "enabled"))
        scaling = float(cpu.mhz) / float(cpu.max_mhz) * 100
        rows += [(2, "CPU(s) scaling MHz", f"{scaling:.0f}%")]
        rows += [(2, "CPU max MHz", cpu.max_mhz), (2, "CPU min MHz", cpu.min_mhz)]
    rows += [(2, "BogoMIPS", cpu.bogomips), (2, "Flags", " ".join(flags))]
    virt = (
        [(1, "Virtualization", "AMD-V")]
        if "svm" in flags
        else [(1, "Virtualization", "VT-x")]
        if "vmx" in flags
        else []
    )
    if machine.kind == "vm":
        virt += [(1, "Hypervisor vendor", machine.platform.lscpu_vendor), (1, "Virtualization type", "full")]
    if virt:
        rows += [(0, "Virtualization features", ""), *virt]
    if vm:
        caches = [
            ("L1d", 48 * count, count),
            ("L1i", 32 * count, count),
            ("L2", 1280 * count, count),
            ("L3", 12288 * sockets, sockets),
        ]
        rows += [(0, "Caches (sum of all)", "")] + [(1, n, _cache_size(k, i)) for n, k, i in caches]
    else:
        rows += [(0, "Caches (sum of all)", "")] + [(1, n, v) for n, v in cpu.caches]
    rows += [(0, "NUMA", ""), (1, "NUMA node(s)", "1"), (1, "NUMA node0 CPU(s)", _cpu_list(count))]
    rows += [(0, "Vulnerabilities", "")] + [(1, n, v) for n, v in VULNERABILITIES[cpu.vendor]]
    return rows


@command(
    "lscpu",
    man="""
lscpu - display information about the CPU architecture

Summarises /proc/cpuinfo. Under "Virtualization features":
  Virtualization: VT-x (Intel, flag vmx) or AMD-V (AMD, flag svm): the CPU can host VMs
  Hypervisor vendor: KVM, Oracle, VMware, Microsoft, Xen: we ARE a VM
  Virtualization type: full (hardware virtualization) or para
Containers are not reported: lscpu only sees the (shared) CPU.
  lscpu -e    one line per CPU: node, socket, core, caches, online, frequencies
  lscpu -p    the same, comma-separated for scripts
""",
)
def lscpu(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0].split("=")[0] in ("-e", "--extended", "-p", "--parse") and len(args) == 1:
        option, _, columns = args[0].partition("=")
        return _lscpu_cpus(ctx, option in ("-p", "--parse"), columns)
    for arg in args:
        return try_help(ctx, "lscpu", arg)
    # util-linux 2.39 print_summary: a tree with section headers on a terminal; into a pipe (isatty() false)
    # flat "Field: data" lines, headers dropped ("Don't print section lines without data on non-terminal
    # output"), caches named "L1d cache:" and vulnerabilities "Vulnerability Mds:".
    rows = lscpu_rows(ctx.machine)
    if getattr(ctx, "tty", False):
        labels = ["  " * level + name + ":" for level, name, _ in rows]
        values = [value for _, _, value in rows]
    else:
        section = ""
        labels, values = [], []
        for level, name, value in rows:
            if level == 0 and not value:
                section = name
                continue
            if section == "Caches (sum of all)":
                name += " cache"
            elif section == "Vulnerabilities":
                name = "Vulnerability " + name
            labels.append(name + ":")
            values.append(value)
    width = max(len(label) for label in labels) + 1
    ctx.out("".join(f"{label:<{width}}{value}\n" for label, value in zip(labels, values, strict=True)))
    return 0


def _cpu_topology(machine) -> list[dict[str, str]]:
    """One row per CPU: a VM's vCPUs are one socket each; a host numbers the first thread of every core
    first, then the siblings (cpuN and cpuN+cores share a core, as Linux enumerates them)."""
    cpu = machine.cpu
    count = procfs.cpu_count(machine)
    rows = []
    for n in range(count):
        vm = machine.kind != "metal"
        core = n if vm else n % cpu.cores
        socket = n if vm else 0
        row = {"CPU": str(n), "NODE": "0", "SOCKET": str(socket), "CORE": str(core)}
        row |= {"CACHE": f"{core}:{core}:{core}:{socket}", "ONLINE": "yes"}
        if not vm:
            row |= {"MAXMHZ": cpu.max_mhz, "MINMHZ": cpu.min_mhz, "MHZ": f"{float(cpu.mhz):.4f}"}
        rows.append(row)
    return rows


LSCPU_COLUMNS = ("CPU", "NODE", "SOCKET", "CORE", "CACHE", "ONLINE", "MAXMHZ", "MINMHZ", "MHZ")


def _lscpu_cpus(ctx: Context, parse: bool, columns: str) -> int:
    """lscpu -e (a table, util-linux 2.39) or -p (comma-separated, for scripts), optionally =LIST."""
    rows = _cpu_topology(ctx.machine)
    if columns:
        named = columns.lstrip("=").split(",")
        unknown = [c for c in named if c.strip().upper() not in LSCPU_COLUMNS]
        if unknown:
            ctx.err(f"lscpu: unknown column: {unknown[0]}\n")
            return 1
        chosen = [c.strip().upper() for c in named]
    elif parse:
        chosen = ["CPU", "CORE", "SOCKET", "NODE", "CACHE"]
    else:
        chosen = [c for c in LSCPU_COLUMNS if c in rows[0]]
    if parse:
        # the cache column is split by level, after an empty Book column the default list keeps
        names = {"CACHE": ",L1d,L1i,L2,L3", "CORE": "Core", "SOCKET": "Socket", "NODE": "Node"}
        header = ",".join(names.get(c, c.title() if c != "CPU" else "CPU") for c in chosen)
        ctx.out(
            "# The following is the parsable format, which can be fed to other\n"
            "# programs. Each different item in every column has an unique ID\n"
            "# starting usually from zero.\n"
            f"# {header}\n"
        )
        for row in rows:
            cells = [("," + row[c].replace(":", ",")) if c == "CACHE" else row.get(c, "") for c in chosen]
            ctx.out(",".join(cells) + "\n")
        return 0
    titles = {"CACHE": "L1d:L1i:L2:L3"}
    table = [[titles.get(c, c) for c in chosen]] + [[row.get(c, "-") for c in chosen] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(chosen))]
    for line in table:
        cells = [
            cell.ljust(width) if name == "CACHE" else cell.rjust(width)
            for cell, width, name in zip(line, widths, chosen, strict=True)
        ]
        ctx.out(" ".join(cells).rstrip() + "\n")
    return 0


LEVELS = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")


def kernel_level(text: str) -> int:
    """The printk level of a logged line, which the model does not store: pr_err for the failures the
    scenarios log (KVM init, missing modules), pr_notice for the banner, pr_info for the rest."""
    lowered = text.lower()
    failures = ("not supported", "disabled (by bios)", "isn't amd", "failed", "error")
    if any(word in lowered for word in failures):
        return 3
    if "warning" in lowered:
        return 4
    if text.startswith(("Linux version", "Kernel command line")):  # printk(KERN_NOTICE ...) in init/main.c
        return 5
    return 6


def _parse_levels(ctx: Context, spec: str) -> set[int] | None:
    """parse_level() of util-linux 2.39: names (any case) or numbers, comma-separated."""
    chosen = set()
    for word in spec.split(","):
        if word.isascii() and word.isdigit() and int(word) < len(LEVELS):
            chosen.add(int(word))
        elif word.lower() in LEVELS:
            chosen.add(LEVELS.index(word.lower()))
        else:
            ctx.err(f"dmesg: unknown level '{word}'\n")
            return None
    return chosen


DMESG_LONG = {
    "ctime": "T",
    "notime": "t",
    "read-clear": "c",
    "clear": "C",
    "kernel": "k",
    "human": "H",
    "decode": "x",
    "follow": "w",
    "level=": "l",
    "nopager": "P",
    "color=": "color",
}


@command(
    "dmesg",
    man="""
dmesg - print the kernel ring buffer (root only on Ubuntu: kernel.dmesg_restrict=1)

  sudo dmesg | grep -i hypervisor     "Hypervisor detected: KVM" in a VM guest
  sudo dmesg | grep -i kvm            why did modprobe kvm_intel fail?
  -T human-readable time stamps   -t no time stamps   -H relative times   -x facility:level prefixes
  -l err,warn  only those levels  -w wait for new messages (Ctrl-C ends it)   -c print, then clear (root)
Inside a container dmesg is refused even to root.
""",
)
def dmesg(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    try:
        opts, operands = parse(argv[1:], "cCkHLtTxwl:P", DMESG_LONG)
    except UsageError as error:
        ctx.err(f"dmesg: {error}\nTry 'dmesg --help' for more information.\n")
        return 1
    if operands:
        ctx.err("dmesg: bad usage\nTry 'dmesg --help' for more information.\n")
        return 1
    levels = None
    for spec in opts.all("l"):
        levels = _parse_levels(ctx, spec)
        if levels is None:
            return 1
    if not ctx.is_root or machine.kind == "container":
        ctx.err("dmesg: read kernel buffer failed: Operation not permitted\n")
        return 1
    if "C" in opts:
        machine.dmesg.clear()
        return 0
    boot = machine.now() - machine.uptime()
    clock = opts.last_of("t", "T", "H")
    lines, previous = [], None
    for at, text in machine.dmesg:
        level = kernel_level(text)
        if levels is not None and level not in levels:
            continue
        prefix = f"{'kern':<6}:{LEVELS[level]:<6}: " if "x" in opts else ""
        if clock == "t":
            stamp = ""
        elif clock == "T":
            stamp = f"[{time.strftime('%a %b %e %H:%M:%S %Y', time.gmtime(boot + at))}] "
        elif clock == "H":  # DMESG_TIMEFTM_RELTIME: the minute when it changes, else the delta
            now = time.gmtime(boot + at)
            if previous is None or time.strftime("%j%H%M", now) != time.strftime("%j%H%M", previous[0]):
                stamp = f"[{time.strftime('%b%d %H:%M', now)}] "
            else:
                delta = at - previous[1]
                stamp = f"[  {delta:+8.6f}] " if delta < 10 else f"[ {delta:+9.6f}] "
            previous = (now, at)
        else:
            stamp = f"[{at:12.6f}] "
        lines.append(prefix + stamp + text + "\n")
        ctx.tick()
    ctx.out("".join(lines))
    if "c" in opts:
        machine.dmesg.clear()
    if "w" in opts:  # nothing new is logged while it waits: it runs until interrupted
        while True:
            ctx.tick(1000)
    return 0


VIRT_IDS = (
    "none kvm amazon qemu bochs xen uml vmware oracle microsoft zvm parallels bhyve qnx acrn powervm apple "
    "sre vm-other systemd-nspawn lxc-libvirt lxc openvz docker podman rkt wsl proot pouch container-other"
).split()
CVM_IDS = ("none", "sev", "sev-es", "sev-snp", "tdx", "protvirt")
DETECT_VIRT_HELP = """systemd-detect-virt [OPTIONS...]

Detect execution in a virtualized environment.

  -h --help             Show this help
     --version          Show package version
  -c --container        Only detect whether we are run in a container
  -v --vm               Only detect whether we are run in a VM
  -r --chroot           Detect whether we are run in a chroot() environment
     --private-users    Only detect whether we are running in a user namespace
     --cvm              Only detect whether we are run in a confidential VM
  -q --quiet            Don't output anything, just set return value
     --list             List all known and detectable types of virtualization
     --list-cvm         List all known and detectable types of confidential
                        virtualization

See the systemd-detect-virt(1) man page for details.
"""


@command(
    "systemd-detect-virt",
    man="""
systemd-detect-virt - detect execution in a virtualized environment

Prints one id and exits 0, or prints "none" and exits 1 on bare metal.
  VMs: kvm qemu vmware oracle (VirtualBox) microsoft (Hyper-V) xen amazon ...
  containers: lxc docker podman systemd-nspawn wsl openvz ...
  -v/--vm only VMs   -c/--container only containers   -q quiet (exit status only)
  -r/--chroot, --private-users: exit status only   --cvm confidential VM   --list, --list-cvm
A container inside a VM reports the container unless --vm is given.
""",
)
def detect_virt(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    mode, quiet = "any", False
    shorts = {"c": "--container", "v": "--vm", "r": "--chroot", "q": "--quiet", "h": "--help"}
    options = []
    for arg in argv[1:]:
        if arg.startswith("--"):
            options.append(arg)
        elif arg.startswith("-") and len(arg) > 1:
            for letter in arg[1:]:
                if letter not in shorts:
                    ctx.err(f"systemd-detect-virt: invalid option -- '{letter}'\n")
                    return 1
                options.append(shorts[letter])
        else:
            ctx.err("systemd-detect-virt takes no arguments.\n")
            return 1
    for option in options:
        if option == "--help":
            ctx.out(DETECT_VIRT_HELP)
            return 0
        if option == "--version":
            ctx.out(SYSTEMD_VERSION)
            return 0
        if option == "--list":
            ctx.out("".join(i + "\n" for i in VIRT_IDS))
            return 0
        if option == "--list-cvm":
            ctx.out("".join(i + "\n" for i in CVM_IDS))
            return 0
        if option == "--quiet":
            quiet = True
        elif option in ("--container", "--vm", "--chroot", "--private-users", "--cvm"):
            mode = option[2:]
        else:
            ctx.err(f"systemd-detect-virt: unrecognized option '{option}'\n")
            return 1
    if mode == "chroot":
        return 1
    if mode == "private-users":
        return 0 if machine.spec["platform"] == "lxc" else 1
    if mode == "cvm":
        found = "none"
    else:
        container = machine.platform.id if machine.kind == "container" else "none"
        vm = machine.platform.id if machine.kind == "vm" else "none"
        found = {"container": container, "vm": vm}.get(mode, container if container != "none" else vm)
    if not quiet:
        ctx.out(found + "\n")
    return 0 if found != "none" else 1


@command(
    "virt-what",
    man="""
virt-what - detect if we are running in a virtual machine (root only)

Prints zero or more facts, one per line: kvm, virtualbox, vmware, hyperv, xen + xen-hvm, lxc, docker...
Nothing printed (and exit 0) means bare metal or unknown: the exit status is NOT the answer.
""",
)
def virt_what(ctx: Context, argv: list[str]) -> int:
    if "--version" in argv:
        ctx.out("1.25\n")
        return 0
    if not ctx.is_root:
        ctx.err("virt-what: this script must be run as root\n")
        return 1
    ctx.out("".join(fact + "\n" for fact in ctx.machine.platform.virt_what))
    return 0


DMI_KEYWORDS = {
    "bios-vendor": (0, "bios_vendor"),
    "bios-version": (0, "bios_version"),
    "bios-release-date": (0, "bios_date"),
    "bios-revision": (0, "bios_revision"),
    "firmware-revision": (0, "firmware_revision"),
    "system-manufacturer": (1, "sys_vendor"),
    "system-product-name": (1, "product_name"),
    "system-version": (1, "product_version"),
    "system-serial-number": (1, "product_serial"),
    "system-uuid": (1, "product_uuid"),
    "system-sku-number": (1, "product_sku"),
    "system-family": (1, "product_family"),
    "baseboard-manufacturer": (2, "board_vendor"),
    "baseboard-product-name": (2, "board_name"),
    "baseboard-version": (2, "board_version"),
    "baseboard-serial-number": (2, "board_serial"),
    "baseboard-asset-tag": (2, "board_asset_tag"),
    "chassis-manufacturer": (3, "chassis_vendor"),
    "chassis-type": (3, "chassis_type"),
    "chassis-version": (3, "chassis_version"),
    "chassis-serial-number": (3, "chassis_serial"),
    "chassis-asset-tag": (3, "chassis_asset_tag"),
    "processor-family": (4, "family"),
    "processor-manufacturer": (4, "manufacturer"),
    "processor-version": (4, "version"),
    "processor-frequency": (4, "frequency"),
}
DMI_TYPES = {"bios": (0,), "system": (1,), "baseboard": (2,), "chassis": (3,), "processor": (4,)}
CHASSIS_TYPES = {"1": "Other", "3": "Desktop", "10": "Notebook", "17": "Main Server Chassis"}
SMBIOS_VERSIONS = {"kvm": "3.0.0", "oracle": "2.5", "vmware": "2.7", "microsoft": "3.1.0", "xen": "2.4"}


def _dmi(machine, key: str) -> str:
    if key == "chassis_type":
        return CHASSIS_TYPES.get(machine.dmi.get("chassis_type", ""), "Other")
    if key in ("product_uuid", "product_serial"):
        value = procfs.dmi_value(machine, key)
        return (
            value.upper() if key == "product_uuid" and _smbios(machine) < (2, 6) else value or "Not Specified"
        )
    return machine.dmi.get(key) or "Not Specified"


def _smbios(machine) -> tuple[int, ...]:
    version = SMBIOS_VERSIONS.get(machine.spec["platform"], "3.3.0")
    return tuple(int(n) for n in version.split("."))


def _processor(machine) -> dict[str, str]:
    if machine.spec["platform"] == "kvm":
        return {
            "family": "Other",
            "manufacturer": "QEMU",
            "version": machine.dmi["product_version"],
            "frequency": "2000 MHz",
        }
    intel = machine.cpu.vendor == "intel"
    return {
        "family": "Core i7" if intel else "Zen",
        "manufacturer": "Intel(R) Corporation" if intel else "Advanced Micro Devices, Inc.",
        "version": machine.cpu.model_name,
        "frequency": f"{int(float(machine.cpu.mhz))} MHz",
    }


def dmi_records(machine) -> dict[int, tuple[int, int, list[str]]]:
    """SMBIOS records by type: (handle, length, lines), as dmidecode decodes them."""
    d = lambda key: _dmi(machine, key)  # noqa: E731
    bios_handle, system_handle = machine.platform.dmi_handles if machine.kind == "vm" else (0x0000, 0x0001)
    legacy = machine.spec["firmware"] == "bios"
    bios = [f"Vendor: {d('bios_vendor')}", f"Version: {d('bios_version')}", f"Release Date: {d('bios_date')}"]
    if machine.spec["platform"] == "xen":
        # Xen's hvmloader (tools/firmware/hvmloader/smbios.c smbios_type_0_init): segment 0xE800, PCI and
        # EDD characteristics, targeted content distribution, BIOS release = the Xen major.minor version
        # (capture, dmidecode on a Xen 4.2 HVM guest).
        bios += [
            "Address: 0xE8000",
            "Runtime Size: 96 kB",
            "ROM Size: 64 kB",
            "Characteristics:",
            "\tPCI is supported",
            "\tEDD is supported",
            "\tTargeted content distribution is supported",
            f"BIOS Revision: {'.'.join(d('bios_version').split('.')[:2])}",
        ]
    elif machine.spec["platform"] == "kvm":
        bios += [
            "Address: 0xE8000",
            "Runtime Size: 96 kB",
            "ROM Size: 64 kB",
            "Characteristics:",
            "\tBIOS characteristics not supported",
            "\tTargeted content distribution is supported",
            "BIOS Revision: 0.0",
        ]
    else:
        if legacy:
            bios += ["Address: 0xE0000", "Runtime Size: 128 kB"]
        bios += [
            "ROM Size: 64 kB" if legacy else "ROM Size: 32 MB",
            "Characteristics:",
            "\tPCI is supported",
            "\tBIOS is upgradeable",
            "\tSelectable boot is supported",
            "\tACPI is supported",
        ]
        if not legacy:
            bios.append("\tUEFI is supported")
        if machine.kind == "vm" and machine.spec["platform"] in ("vmware", "microsoft"):
            bios.append("\tSystem is a virtual machine")
        bios.append("BIOS Revision: 4.6")
    system = [
        f"Manufacturer: {d('sys_vendor')}",
        f"Product Name: {d('product_name')}",
        f"Version: {d('product_version')}",
        f"Serial Number: {d('product_serial')}",
        f"UUID: {d('product_uuid')}",
        "Wake-up Type: Power Switch",
        "SKU Number: Not Specified",
        f"Family: {d('product_family')}",
    ]
    records = {0: (bios_handle, machine.platform.bios_bytes, bios), 1: (system_handle, 27, system)}
    # QEMU (hw/smbios/smbios.c T0_BASE..T4_BASE) and Xen's hvmloader number records by type: 0x0000,
    # 0x0100, 0x0300; other firmware counts up: 0x0000, 0x0001, 0x0002, 0x0003.
    handle = (lambda n: n << 8) if system_handle == 0x0100 else (lambda n: n)  # noqa: E731
    if machine.dmi.get("board_vendor"):
        records[2] = (
            handle(2),
            15,
            [
                f"Manufacturer: {d('board_vendor')}",
                f"Product Name: {d('board_name')}",
                "Version: Not Specified",
                "Serial Number: Not Specified",
                "Asset Tag: Not Specified",
                "Features:",
                "\tBoard is a hosting board",
                "Location In Chassis: Not Specified",
                "Type: Motherboard",
            ],
        )
    records[3] = (
        handle(3),
        22,
        [
            f"Manufacturer: {d('chassis_vendor')}",
            f"Type: {d('chassis_type')}",
            "Lock: Not Present",
            f"Version: {d('chassis_version')}",
            "Serial Number: Not Specified",
            f"Asset Tag: {d('chassis_asset_tag')}",
            "Boot-up State: Safe",
            "Power Supply State: Safe",
            "Thermal State: Safe",
            "Security Status: Unknown",
        ],
    )
    return records


def _dmi_denied(ctx: Context, quiet: bool) -> int:
    if not quiet:
        ctx.out("# dmidecode 3.5\n")
    ctx.err("/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n")
    if not quiet:
        ctx.out("Scanning /dev/mem for entry point.\n")
    ctx.err("/dev/mem: Permission denied\n")
    return 1


@command(
    "dmidecode",
    man="""
dmidecode - dump the firmware's DMI (SMBIOS) table (root only)

  sudo dmidecode -s system-manufacturer    QEMU, innotek GmbH, VMware, Inc., Microsoft Corporation, Xen...
  sudo dmidecode -s system-product-name    Standard PC (Q35 + ICH9, 2009), VirtualBox, Virtual Machine...
  sudo dmidecode -s bios-vendor | system-uuid | chassis-type | ...   (also --string=KEYWORD)
  sudo dmidecode -t system | bios | baseboard | chassis | 0 | 1 | 2 | 3
The same strings are world-readable in /sys/class/dmi/id/ (except product_uuid and serials).
""",
)
def dmidecode(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    args = argv[1:]
    keyword, types, quiet = "", [], False
    i = 0
    while i < len(args):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        if arg in ("-s", "--string", "-t", "--type") or arg.startswith(("--string=", "--type=")):
            if "=" in arg:
                arg, value = arg.split("=", 1)
            else:
                i += 1
            if value is None:
                ctx.err(
                    f"dmidecode: option requires an argument -- '{arg[1]}'\n"
                    if arg[1] != "-"
                    else f"dmidecode: option '{arg}' requires an argument\n"
                )
                return 2
            if arg in ("-s", "--string"):
                if value not in DMI_KEYWORDS:
                    ctx.err(
                        f"Invalid string keyword: {value}\nValid string keywords are:\n"
                        + "".join(f"  {k}\n" for k in DMI_KEYWORDS)
                    )
                    return 2
                keyword = value
            else:
                for part in value.split(","):
                    if part.isdigit() and int(part) <= 4:
                        types.append(int(part))
                    elif part in DMI_TYPES:
                        types.extend(DMI_TYPES[part])
                    else:
                        ctx.err(
                            f"Invalid type keyword: {part}\nValid type keywords are:\n"
                            + "".join(f"  {k}\n" for k in DMI_TYPES)
                        )
                        return 2
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg in ("-V", "--version"):
            ctx.out("3.5\n")
            return 0
        elif arg in ("-h", "--help"):  # the man page, as every tool's --help here (options.gnu)
            ctx.out(MAN_PAGES["dmidecode"])
            return 0
        else:
            ctx.err(f"dmidecode: invalid option -- '{arg.lstrip('-')[:1]}'\n")
            return 2
        i += 1
    if machine.kind == "container":
        ctx.err("/sys/firmware/dmi/tables/smbios_entry_point: No such file or directory\n")
        ctx.err("/dev/mem: No such file or directory\n")
        return 1
    if not ctx.is_root:
        return _dmi_denied(ctx, quiet or bool(keyword))
    if keyword:
        record, key = DMI_KEYWORDS[keyword]
        if record == 4:
            sockets = procfs.cpu_count(machine) if machine.kind == "vm" else 1
            ctx.out((_processor(machine)[key] + "\n") * sockets)
        elif record == 0 and key in ("bios_revision", "firmware_revision"):
            revision = next(line for line in dmi_records(machine)[0][2] if line.startswith("BIOS Revision"))
            ctx.out(revision.split(": ")[1] + "\n")
        else:
            ctx.out(_dmi(machine, key) + "\n")
        return 0
    records = dmi_records(machine)
    version = ".".join(str(n) for n in _smbios(machine))
    shown = [t for t in sorted(records) if not types or t in types]
    out = (
        []
        if quiet
        else ["# dmidecode 3.5\n", "Getting SMBIOS data from sysfs.\n", f"SMBIOS {version} present.\n"]
    )
    if not quiet and not types:
        # dmidecode 3.5 dmi_table(): "%u structures occupying %u bytes." only when the entry point counts
        # its structures; an SMBIOS 3 (64-bit, "_SM3_") entry point does not, so only "Table at" follows
        # (capture: "SMBIOS 3.0.0 present.\nTable at 0x13F550000.").
        if _smbios(machine) < (3,):
            size = sum(
                length + 2 + sum(len(line) for line in lines) // 3 for _, length, lines in records.values()
            )
            out.append(f"{len(records) + 1} structures occupying {size} bytes.\n")
        out.append("Table at 0x000F5A40.\n")
    if not quiet:
        out.append("\n")
    for record_type in shown:
        handle, length, lines = records[record_type]
        title = {
            0: "BIOS Information",
            1: "System Information",
            2: "Base Board Information",
            3: "Chassis Information",
        }[record_type]
        out.append(f"Handle 0x{handle:04X}, DMI type {record_type}, {length} bytes\n{title}\n")
        out += [f"\t{line}\n" for line in lines]
        out.append("\n")
    if not types and not quiet:
        out.append("Handle 0x7F00, DMI type 127, 4 bytes\nEnd Of Table\n\n")
    ctx.out("".join(out))
    return 0


def _human(kib: int) -> str:
    """procps' scale_size(): B, Ki, Mi, Gi with one decimal below 10."""
    value = kib * 1024.0
    if value < 1024:
        return f"{int(value)}B"
    for unit in ("Ki", "Mi", "Gi", "Ti"):
        value /= 1024
        if value < 1024 or unit == "Ti":
            return f"{value:.1f}{unit}" if value < 10 else f"{round(value)}{unit}"
    return ""


@command(
    "free",
    man="""
free - display the amount of free and used memory (from /proc/meminfo)

  free -h human readable   -m MiB   -g GiB   (default KiB)
""",
)
def free(ctx: Context, argv: list[str]) -> int:
    fmt = lambda kib: str(kib)  # noqa: E731
    for arg in argv[1:]:
        if arg in ("-h", "--human"):
            fmt = _human
        elif arg in ("-m", "--mebi"):
            fmt = lambda kib: str(kib // 1024)  # noqa: E731
        elif arg in ("-g", "--gibi"):
            fmt = lambda kib: str(kib // 1048576)  # noqa: E731
        elif arg not in ("-k", "--kibi", "-w", "--wide"):
            return try_help(ctx, "free", arg)
    m = procfs.memory(ctx.machine)
    cache = m["Buffers"] + m["Cached"] + m["SReclaimable"]
    used = m["MemTotal"] - m["MemFree"] - cache
    rows = [
        ("Mem:", [m["MemTotal"], used, m["MemFree"], m["Shmem"], cache, m["MemAvailable"]]),
        ("Swap:", [m["SwapTotal"], 0, m["SwapFree"]]),
    ]
    out = ["               total        used        free      shared  buff/cache   available\n"]
    out += [f"{label:<8}" + "".join(f"{fmt(v):>12}" for v in values) + "\n" for label, values in rows]
    ctx.out("".join(out))
    return 0


def uptime_text(machine) -> str:
    up = int(machine.uptime())
    days, minutes = divmod(up // 60, 1440)
    hours, minutes = divmod(minutes, 60)
    since = f"{days} day{'s' if days != 1 else ''}, " if days else ""
    since += f"{hours:2d}:{minutes:02d}" if hours else f"{minutes} min"
    load = procfs.loadavg(machine).split()[:3]
    clock = time.strftime("%H:%M:%S", time.gmtime(machine.now()))
    return f" {clock} up {since},  1 user,  load average: {', '.join(load)}\n"


@command(
    "uptime",
    man="""
uptime - how long the system has been running, users, load average

  uptime -p pretty ("up 5 minutes")   -s since when (boot time)
A reboot resets it.
""",
)
def uptime(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    args = argv[1:]
    if args in (["-p"], ["--pretty"]):
        minutes = int(machine.uptime()) // 60
        hours, minutes = divmod(minutes, 60)
        parts = ([f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []) + (
            [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes or not hours else []
        )
        ctx.out("up " + ", ".join(parts) + "\n")
        return 0
    if args in (["-s"], ["--since"]):
        boot = machine.now() - int(machine.uptime())
        ctx.out(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(boot)) + "\n")
        return 0
    if args:
        return try_help(ctx, "uptime", args[0])
    ctx.out(uptime_text(machine))
    return 0
