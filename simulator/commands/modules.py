"""Kernel modules: lsmod, modprobe, rmmod, modinfo, as kmod 31 (Ubuntu 24.04) prints them.

Modules are found through their files under /lib/modules/<release>/kernel, so a container, which has no
/lib/modules of its own, cannot load anything, as in life.
"""

from __future__ import annotations

import hashlib

from simulator.commands import MAN_PAGES, Context, command
from simulator.commands.options import UsageError, parse
from simulator.hardware import MODULES
from simulator.layout import RELEASE, modprobe_config

PARAMETERS = {
    "kvm_intel": ("nested:bool", "enable_apicv:bool", "ept:bool", "unrestricted_guest:bool"),
    "kvm_amd": ("nested:int", "npt:int", "avic:bool", "sev:bool"),
    "kvm": ("ignore_msrs:bool", "halt_poll_ns:uint", "enable_vmware_backdoor:bool"),
}


def module_file(name: str) -> str:
    return f"/lib/modules/{RELEASE}/kernel/{MODULES[name].path}"


def asks_for_help(ctx: Context, argv: list[str]) -> bool:
    """kmod's tools take -h/--help wherever it stands and print their usage; the man page here."""
    if "-h" not in argv[1:] and "--help" not in argv[1:]:
        return False
    ctx.out(MAN_PAGES[argv[0].rsplit("/", 1)[-1]])
    return True


def find_module(ctx: Context, name: str) -> str | None:
    """The canonical name (dashes become underscores, as kmod does) if its file exists on this system."""
    name = name.replace("-", "_")
    if name in MODULES and ctx.machine.fs.exists(module_file(name)):
        return name
    return None


@command(
    "lsmod",
    man="""
lsmod - show the status of modules in the Linux kernel

Formats /proc/modules: name, size in bytes, use count, and the modules using it ("Used by").
  lsmod | grep kvm      is KVM loaded? (kvm plus kvm_intel or kvm_amd)
""",
)
def lsmod(ctx: Context, argv: list[str]) -> int:
    if len(argv) > 1:
        ctx.err("Usage: lsmod\n")
        return 1
    machine = ctx.machine
    lines = ["Module                  Size  Used by\n"]
    all_holders = machine.all_holders()
    for name in machine.modules:
        holders = all_holders[name]
        used = f" {','.join(holders)}" if holders else ""
        lines.append(f"{name:<19} {MODULES[name].size:>8}  {machine.use_count(name, holders)}{used}\n")
    ctx.out("".join(lines))
    return 0


def _remove(ctx: Context, name: str, verbose: bool) -> int:
    machine = ctx.machine
    if name not in machine.modules:
        ctx.err(f"modprobe: FATAL: Module {name} is not in kernel.\n")
        return 1
    if machine.use_count(name):
        ctx.err(f"modprobe: FATAL: Module {name} is in use.\n")
        return 1
    if not ctx.is_root:
        ctx.err(f"modprobe: ERROR: could not remove '{name}': Operation not permitted\n")
        return 1
    pending = [name]
    while pending:
        current = pending.pop(0)
        if current in machine.modules and not machine.use_count(current):
            if verbose:
                ctx.out(f"rmmod {current}\n")
            machine.remove_module(current)
            pending.extend(MODULES[current].depends)
    return 0


def _insert(ctx: Context, name: str, verbose: bool, use_blacklist: bool) -> int:
    machine = ctx.machine
    if name in machine.modules:
        return 0
    blacklist, install = modprobe_config(machine.fs)
    if use_blacklist and name in blacklist:
        return 0  # kmod returns KMOD_PROBE_APPLY_BLACKLIST, which modprobe does not report
    if not ctx.is_root:
        ctx.err(f"modprobe: ERROR: could not insert '{name}': Operation not permitted\n")
        return 1
    order: list[str] = []

    def visit(module: str) -> None:
        for dep in MODULES[module].depends:
            visit(dep)
        if module not in order and module not in machine.modules:
            order.append(module)

    visit(name)
    for module in order:
        if module in install:
            if verbose:
                ctx.out(f"install {install[module]} \n")
            if install[module].split()[0] in ("/bin/false", "/usr/bin/false", "false"):
                # libkmod-module.c command_do()'s ERR, where kmod's snapshot of 2024-02-02 (noble's
                # 31+20240202) has it, as a build with ENABLE_DEBUG prints it (tools/log.c log_kmod);
                # tools/modprobe.c insmod_insert then words the -EINVAL it returns. UNVERIFIED: that
                # Ubuntu's patches to the package leave that line where upstream has it
                ctx.err(
                    "modprobe: ERROR: ../libkmod/libkmod-module.c:1084 command_do() Error running install "
                    f"command '{install[module]}' for module {module}: retcode 1\n"
                    f"modprobe: ERROR: could not insert '{name}': Invalid argument\n"
                )
                return 1
            continue
        if verbose:
            ctx.out(f"insmod {module_file(module)} \n")
        if machine.insert_module(module):
            ctx.err(f"modprobe: ERROR: could not insert '{name}': Operation not supported\n")
            return 1
    return 0


@command(
    "modprobe",
    man="""
modprobe - add or remove modules from the Linux kernel (root only)

  modprobe kvm_intel    load KVM for Intel VT-x, after its dependencies (kvm, irqbypass)
  modprobe kvm_amd      load KVM for AMD-V
  modprobe -r kvm_intel remove it, and the dependencies nothing else uses
  modprobe -v ...       show each insmod/rmmod
  modprobe -b NAME      honour the blacklist for NAME too (as udev's alias-based loads do)

/etc/modprobe.d/*.conf: "blacklist NAME" stops only the automatic (udev, alias-based) load at boot;
"modprobe NAME" by name still loads it. "install NAME /bin/false" makes every load fail.

When the CPU has no usable VT-x/AMD-V (switched off in the firmware, or a VM without nested
virtualization) the load fails with "Operation not supported": read the reason with dmesg.
""",
)
def modprobe(ctx: Context, argv: list[str]) -> int:
    if asks_for_help(ctx, argv):
        return 0
    remove = verbose = use_blacklist = False
    names: list[str] = []
    flags = {"r": "remove", "v": "verbose", "b": "use-blacklist"}
    for arg in argv[1:]:
        if arg.startswith("--") and arg[2:] in flags.values():
            letters = [k for k, v in flags.items() if v == arg[2:]]
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            letters = list(arg[1:])
        elif arg.startswith("-"):
            ctx.err(f"modprobe: unrecognized option '{arg}'\n")
            return 1
        else:
            if "=" not in arg or not names:
                names.append(arg)
            continue
        for letter in letters:
            if letter not in flags:
                ctx.err(f"modprobe: invalid option -- '{letter}'\n")
                return 1
            remove |= letter == "r"
            verbose |= letter == "v"
            use_blacklist |= letter == "b"
    if not names:
        ctx.err("modprobe: ERROR: missing parameters. See -h.\n")
        return 1
    name = find_module(ctx, names[0])
    if name is None:
        if remove:
            ctx.err(f"modprobe: FATAL: Module {names[0]} not found.\n")
        else:
            ctx.err(f"modprobe: FATAL: Module {names[0]} not found in directory /lib/modules/{RELEASE}\n")
        return 1
    return _remove(ctx, name, verbose) if remove else _insert(ctx, name, verbose, use_blacklist)


@command(
    "rmmod",
    man="""
rmmod - remove a module from the Linux kernel (root only). Prefer modprobe -r, which also removes
the dependencies nothing else uses.
""",
)
def rmmod(ctx: Context, argv: list[str]) -> int:
    if asks_for_help(ctx, argv):
        return 0
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        ctx.err("rmmod: ERROR: missing module name.\n")
        return 1
    machine = ctx.machine
    status = 0
    for raw in names:
        name = raw.replace("-", "_")
        if name not in machine.modules:
            ctx.err(f"rmmod: ERROR: Module {name} is not currently loaded\n")
            status = 1
        elif machine.holders(name):
            ctx.err(f"rmmod: ERROR: Module {name} is in use by: {' '.join(machine.holders(name))}\n")
            status = 1
        elif machine.use_count(name):
            ctx.err(f"rmmod: ERROR: Module {name} is in use\n")  # kmod: references but no holders
            status = 1
        elif not ctx.is_root or machine.kind == "container":
            # In a container even root lacks CAP_SYS_MODULE: the modules are the host kernel's.
            ctx.err(f"rmmod: ERROR: could not remove module {name}: Operation not permitted\n")
            status = 1
        else:
            machine.remove_module(name)
    return status


def module_fields(name: str) -> list[tuple[str, str]]:
    module = MODULES[name]
    fields = [("filename", module_file(name))]
    if module.description:
        fields.append(("description", module.description))
    if module.author:
        fields.append(("author", module.author))
    fields += [
        ("license", module.license),
        ("srcversion", hashlib.sha1(name.encode()).hexdigest()[:24].upper()),
    ]
    fields += [("alias", alias) for alias in ALIASES.get(name, ())]
    fields += [
        ("depends", ",".join(module.depends)),
        ("retpoline", "Y"),
        ("intree", "Y"),
        ("name", name),
        ("vermagic", f"{RELEASE} SMP preempt mod_unload modversions "),
        ("sig_id", "PKCS#7"),
        ("signer", "Build time autogenerated kernel key"),
        ("sig_key", SIGNING_KEY),
        ("sig_hashalgo", "sha512"),
        ("signature", _signature(name)),
    ]
    fields += [("parm", parm) for parm in PARAMETERS.get(name, ())]
    return fields


# The CPU-feature aliases udev matches to load the KVM vendor module at boot: X86_FEATURE_VMX is
# word 4 bit 5 (0x85), X86_FEATURE_SVM word 6 bit 2 (0xC2) (arch/x86/include/asm/cpufeatures.h).
ALIASES = {
    "kvm_intel": ("cpu:type:x86,ven*fam*mod*:feature:*0085*",),
    "kvm_amd": ("cpu:type:x86,ven*fam*mod*:feature:*00C2*",),
}
# Ubuntu signs its modules with a per-build key: sig_* lines as kmod 31 modinfo prints them (the
# signature as colon-separated hex, 20 bytes a line, continuation lines indented to the value column).
SIGNING_KEY = "4C:63:0C:6E:F1:1D:2B:BF:6A:83:5D:A0:9C:2F:8E:41:57:3B:D6:12"


def _signature(name: str) -> str:
    digest = b"".join(hashlib.sha512(f"{name}/{i}".encode()).digest() for i in range(8))
    rows = [":".join(f"{b:02X}" for b in digest[i : i + 20]) for i in range(0, len(digest), 20)]
    return (":\n" + " " * 16).join(rows)


@command(
    "modinfo",
    man="""
modinfo - show information about a Linux kernel module

  modinfo kvm_intel           file name, licence, author, dependencies, parameters...
  modinfo -F depends kvm_amd  only one field (filename, license, description, author, depends, name,
                              vermagic, parm...); -n is -F filename, -a -d -l author, description, licence
  modinfo -p kvm_intel        the parameters it takes (set them in /etc/modprobe.d/*.conf: options ...)
""",
)
def modinfo(ctx: Context, argv: list[str]) -> int:
    if asks_for_help(ctx, argv):
        return 0
    try:
        opts, args = parse(argv[1:], "adlpnF:k:b:0", MODINFO_OPTIONS)
    except UsageError as error:
        ctx.err(f"modinfo: {error}\n")
        return 1
    shortcut = opts.last_of("a", "d", "l", "n", "F")
    field = {"a": "author", "d": "description", "l": "license", "n": "filename"}.get(shortcut or "", "")
    field = opts.get("F", "") if shortcut == "F" else field
    end = "\0" if "0" in opts else "\n"
    if not args:
        ctx.err("modinfo: ERROR: missing module or filename.\n")
        return 1
    status = 0
    for raw in args:
        name = find_module(ctx, raw)
        if name is None:
            ctx.err(f"modinfo: ERROR: Module {raw} not found.\n")
            status = 1
            continue
        for key, value in module_fields(name):
            if "p" in opts and not field:
                if key == "parm":  # kmod's modinfo_params_do: "name:description (type)", no description here
                    parameter, _, kind = value.partition(":")
                    ctx.out(f"{parameter}: ({kind}){end}")
            elif not field:
                ctx.out(f"{key + ':':<16}{value}{end}")
            elif key == field:
                ctx.out(value + end)
    return status


MODINFO_OPTIONS = {
    "author": "a",
    "description": "d",
    "license": "l",
    "parameters": "p",
    "filename": "n",
    "field=": "F",
    "set-version=": "k",
    "basedir=": "b",
    "null": "0",
}


def _module_at(ctx: Context, path: str) -> str | None:
    """The module whose file `path` is (insmod takes a file, not a name)."""
    fs = ctx.machine.fs
    real = fs.resolve(path, ctx.cwd)
    return next(
        (name for name in MODULES if fs.exists(module_file(name)) and fs.resolve(module_file(name)) == real),
        None,
    )


@command(
    "insmod",
    man="""
insmod - insert one module file into the Linux kernel (kmod 31; root only)

  insmod /lib/modules/$(uname -r)/kernel/arch/x86/kvm/kvm.ko.zst
It takes a file, resolves no dependencies and reads no /etc/modprobe.d: load kvm before kvm_intel
yourself ("Unknown symbol in module" otherwise). modprobe does all of that for you.
""",
)
def insmod(ctx: Context, argv: list[str]) -> int:
    if asks_for_help(ctx, argv):
        return 0
    args = [a for a in argv[1:] if a not in ("-f", "--force", "-s", "--syslog", "-v", "--verbose")]
    if not args:
        ctx.err("insmod: ERROR: missing filename.\n")
        return 1
    path = args[0]
    if path == "-":
        ctx.err("insmod: ERROR: this tool does not support loading from stdin!\n")
        return 1
    machine = ctx.machine
    fs = machine.fs
    if not fs.exists(path, ctx.cwd, ctx.uid):
        ctx.err(f"insmod: ERROR: could not load module {path}: No such file or directory\n")
        return 1

    def refuse(reason: str) -> int:
        ctx.err(f"insmod: ERROR: could not insert module {path}: {reason}\n")
        return 1

    if not ctx.is_root or machine.kind == "container":
        return refuse("Operation not permitted")
    name = _module_at(ctx, path)
    if name is None:
        return refuse("Invalid module format")  # the kernel finds no ELF module in it: ENOEXEC
    if name in machine.modules:
        return refuse("File exists")
    if any(dep not in machine.modules for dep in MODULES[name].depends):
        return refuse("Unknown symbol in module")  # a dependency's symbols are missing: ENOENT
    if machine.insert_module(name):
        return refuse("Operation not supported")
    return 0


DEPMOD_FILES = (
    "modules.dep",
    "modules.dep.bin",
    "modules.alias",
    "modules.alias.bin",
    "modules.softdep",
    "modules.symbols",
    "modules.symbols.bin",
    "modules.builtin.bin",
    "modules.builtin.alias.bin",
    "modules.devname",
)


@command(
    "depmod",
    man="""
depmod - generate modules.dep and map files (kmod 31; root only)

  depmod -a        rebuild /lib/modules/$(uname -r)/modules.dep (and the .bin indexes, aliases,
                   symbols) after adding a module file, so that modprobe finds it and its dependencies
""",
)
def depmod(ctx: Context, argv: list[str]) -> int:
    if ctx.is_root:
        for name in DEPMOD_FILES:
            path = f"/lib/modules/{RELEASE}/{name}"
            if ctx.machine.fs.exists(path):
                ctx.machine.fs.touch(path)
        return 0
    # depmod_output(): each index is written to a temporary file next to it, which a user may not create;
    # the failures are reported and depmod still succeeds
    now = ctx.machine.now()
    for n, name in enumerate(DEPMOD_FILES):
        temp = f"{name}.{4100 + ctx.machine.clock % 500}.{(n * 97 + 311) % 1000000}.{now}"
        ctx.err(f"depmod: ERROR: openat(/lib/modules/{RELEASE}, {temp}, 301, 644): Permission denied\n")
    return 0


@command(
    "update-initramfs",
    man="""
update-initramfs - generate an initramfs image (initramfs-tools 0.142; root only)

  update-initramfs -u          rebuild the newest kernel's /boot/initrd.img-VERSION, so that a change
                               in /etc/modprobe.d or /etc/initramfs-tools/modules reaches early boot
  update-initramfs -u -k all   every installed kernel
""",
)
def update_initramfs(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    actions = [a for a in args if a in ("-u", "-c", "-d")]
    if len(actions) != 1:
        ctx.err(
            "Usage: update-initramfs {-c|-d|-u} [-k version] [-v] [-b directory]\n\n"
            "Options:\n"
            " -k version\tSpecify kernel version or 'all'\n"
            " -c\t\tCreate a new initramfs\n"
            " -u\t\tUpdate an existing initramfs\n"
            " -d\t\tRemove an existing initramfs\n"
            " -b directory\tSet alternate boot directory\n"
            " -v\t\tBe verbose\n\n"
            "See update-initramfs(8) for further details.\n"
        )
        return 1
    image = f"/boot/initrd.img-{RELEASE}"
    if actions == ["-d"]:
        if ctx.is_root and ctx.machine.fs.exists(image):
            ctx.machine.fs.remove(image)
        return 0
    ctx.out(f"update-initramfs: Generating {image}\n")
    if not ctx.is_root:  # mkinitramfs cannot write the new image under /boot (UNVERIFIED wording)
        ctx.err(f"update-initramfs: failed for {image} with 1.\n")
        return 1
    if ctx.machine.fs.exists(image):
        ctx.machine.fs.touch(image)
    return 0
