"""The programs the guest-tool and host packages put on PATH, answering as the hypervisor under them allows.

vmware-toolbox-cmd (open-vm-tools 12.4, toolbox/toolboxcmd.c and toolboxcmd-stat.c), VBoxControl
(virtualbox-guest-utils 7.0.16, Additions/common/VBoxControl/VBoxControl.cpp), qemu-ga (QEMU 8.2,
qga/main.c), cloud-id (cloud-init 24.3, cloudinit/cmd/cloud_id.py); and the version answers of the
host-side packages' programs (docker.io, libvirt-clients, qemu, lxc, openssh-server), which GuestLab does
not otherwise run. The shell finds each only where its package put it on disk, so an uninstalled tool is
"command not found". The open-vm-tools strings are its stable-12.4.5 tree's (buildNumber.h,
vm_tools_version.h, checkvm.c); qemu-ga's is qga/main.c's (QEMU_VERSION, without the package's suffix).
UNVERIFIED against the noble builds themselves: the Debian version suffixes of the host programs, and the
VirtualBox revision the Ubuntu build reports (the upstream 7.0.16's).
"""

from __future__ import annotations

import dataclasses
import time

from simulator import sshd as sshd_checks
from simulator.commands import Context, command
from simulator.commands.options import UsageError, parse
from simulator.layout import KERNEL_VERSION, RELEASE

EX_USAGE = 64
EX_NOPERM = 77
TOOLS_VERSION = (
    "12.4.5.49651 (build-23787635)"  # TOOLS_VERSION_EXT_CURRENT_STR (PRODUCT_BUILD_NUMBER), BUILD_NUMBER
)
UNLIMITED = 4294967295  # what the host reports for "no limit"
ESXI = "VMware ESXi 8.0.2 build-22380479"


def _vmware_help(program: str, topic: str) -> str:
    return (
        f"Usage: {program} <command> [options] [subcommand]\n"
        f"Type '{program} {topic} <command>' for help on a specific command.\n"
        f"Type '{program} -v' to see the VMware Tools version.\n"
        "Use '-q' option to suppress stdout output.\n"
        "Most commands take a subcommand.\n\n"
        "Available commands:\n   config\n   device\n   disk (not available on all operating systems)\n"
        "   info\n   logging\n   script\n   stat\n   timesync\n"
        "   upgrade (not available on all operating systems)\n"
    )


def _stats(machine) -> dict[str, str]:
    """What the host answers through the backdoor and guestlib (an ESXi host with no limits set)."""
    session = int(machine.product_uuid.replace("-", "")[:16], 16)
    host_time = time.strftime("%d %b %Y %H:%M:%S", time.gmtime(machine.now()))
    return {
        "speed": f"{int(float(machine.cpu.mhz))} MHz",
        "hosttime": host_time,
        "sessionid": f"0x{session:x}",
        "balloon": "0 MB",
        "swap": "0 MB",
        "memlimit": f"{UNLIMITED} MB",
        "memres": "0 MB",
        "cpures": "0 MHz",
        "cpulimit": f"{UNLIMITED} MHz",
    }


def _bios_uuid(machine) -> str:
    """VMware's uuid.bios spelling of the SMBIOS UUID: 16 hex bytes, a dash after the eighth."""
    hexes = machine.product_uuid.replace("-", "")
    pairs = [hexes[i : i + 2] for i in range(0, 32, 2)]
    return " ".join(pairs[:8]) + "-" + " ".join(pairs[8:])


@command(
    "vmware-toolbox-cmd",
    man="""
vmware-toolbox-cmd - the command line of VMware Tools (open-vm-tools), inside a VMware guest

  vmware-toolbox-cmd -v              the Tools version
  vmware-toolbox-cmd stat speed      what the host tells: speed, hosttime, sessionid, balloon, swap,
                                     memlimit, memres, cpures, cpulimit, raw
  vmware-toolbox-cmd timesync status|enable|disable   periodic time sync with the host
  vmware-toolbox-cmd disk list       filesystems that can be shrunk (root)
Outside a VMware VM it refuses: "must be run inside a virtual machine".
""",
)
def vmware_toolbox_cmd(ctx: Context, argv: list[str]) -> int:
    program, machine = argv[0], ctx.machine
    if machine.spec["platform"] != "vmware":
        ctx.err(f"{program} must be run inside a virtual machine.\n")
        return 1
    try:  # getopt_long with "hqv", --help and --version (toolboxcmd.c)
        opts, words = parse(argv[1:], "hqv", {"help": "h", "version": "v"})
    except UsageError as error:
        ctx.err(f"{program}: {error}\nTry '{program} -h' for more information.\n")
        return 1
    if "v" in opts:
        ctx.out(f"{TOOLS_VERSION}\n")
        return 0
    if "q" in opts:  # -q: what would go to stdout is dropped (ToolsCmd_Print)
        ctx = dataclasses.replace(ctx, stdout=[])
    if "h" in opts or words[:1] == ["help"]:
        ctx.out(_vmware_help(program, "help"))
        return 0
    if not words:
        ctx.err(f"{program}: Missing command\nTry '{program} help' for more information.\n")
        return EX_USAGE
    verb, subs = words[0], words[1:]
    if verb not in ("timesync", "script", "disk", "stat", "device", "logging", "info", "config"):
        ctx.err(f"{program}: Unknown command '{verb}'\nTry '{program} help' for more information.\n")
        return EX_USAGE
    if verb in ("script", "disk", "logging", "info", "config") and not ctx.is_root:
        ctx.err(f"{program}: You must be root to perform {verb} operations.\n")
        return EX_NOPERM
    if not subs:
        ctx.err(f"{program}: Missing subcommand\nTry '{program} help {verb}' for more information.\n")
        return EX_USAGE
    if verb == "stat":
        return _vmware_stat(ctx, program, subs)
    if verb == "timesync":
        return _vmware_timesync(ctx, program, subs[0])
    if verb == "disk" and subs[0] == "list":
        mounts = [p["mount"] for d in machine.disks for p in d["parts"] if p["mount"]]
        ctx.out("".join(m + "\n" for m in sorted(mounts, key=lambda m: m != "/")))
        return 0
    ctx.err(f"{program}: Unknown subcommand '{subs[0]}'\nTry '{program} help {verb}' for more information.\n")
    return EX_USAGE


def _vmware_stat(ctx: Context, program: str, subs: list[str]) -> int:
    stats = _stats(ctx.machine)
    name = subs[0]
    if name in stats:
        ctx.out(stats[name] + "\n")
        return 0
    if name == "raw":
        encoding = subs[1] if len(subs) > 1 else "text"
        stat = subs[2] if len(subs) > 2 else "session"
        if encoding not in ("text", "json", "xml", "yaml") or stat != "session":
            ctx.err(f"{program}: Unknown subcommand '{stat if encoding == 'text' else encoding}'\n")
            return EX_USAGE
        machine = ctx.machine
        session = int(stats["sessionid"], 16)
        ctx.out(
            f"session = {session}\nuptime = {int(machine.uptime() * 1_000_000)}\nversion = {ESXI}\n"
            f"provider =\nuuid.bios = {_bios_uuid(machine)}\n"
        )
        return 0
    ctx.err(f"{program}: Unknown subcommand '{name}'\nTry '{program} help stat' for more information.\n")
    return EX_USAGE


def _vmware_timesync(ctx: Context, program: str, action: str) -> int:
    settings = ctx.machine.hypervisor
    if action in ("enable", "disable"):
        settings["timesync"] = action == "enable"
    elif action != "status":
        ctx.err(
            f"{program}: Unknown subcommand '{action}'\nTry '{program} help timesync' for more information.\n"
        )
        return EX_USAGE
    ctx.out("Enabled\n" if settings.get("timesync", False) else "Disabled\n")
    return 0


VBOX_VERSION = "7.0.16_Ubuntu"
VBOX_REVISION = 162802
VBOX_LOGO = (
    f"Oracle VM VirtualBox Guest Additions Command Line Management Interface Version {VBOX_VERSION}\n"
    "Copyright (C) 2008-2024 Oracle and/or its affiliates\n\n"
)
VBOX_USAGE_LINES = [
    ("print version number and exit", "[-V|--version]"),
    ("suppress the logo", "--nologo ..."),
    None,
    ("get <property> [--verbose]", "guestproperty"),
    ("set <property> [<value> [--flags <flags>]]", "guestproperty"),
    ("delete|unset <property>", "guestproperty"),
    ("enumerate [--patterns <patterns>]", "guestproperty"),
    ("wait <patterns>", "guestproperty"),
    ("[--timestamp <last timestamp>]", ""),
    ("[--timeout <timeout in ms>", ""),
    ("list [--automount]", "sharedfolder"),
    ("", "writecoredump"),
    ("", "writelog [-n|--no-newline] [--] <msg>"),
    ("", "takesnapshot"),
    ("", "savestate"),
    ("", "suspend"),
    ("", "poweroff"),
    ("[command]", "help"),
    ("", "version"),
]


def _vbox_usage(program: str) -> str:
    """VBoxControl's usage(): each line "NAME COMMAND<pad to 35> TEXT" (doUsage)."""
    lines = ["Usage:\n\n"]
    for entry in VBOX_USAGE_LINES:
        if entry is None:
            lines.append("\n")
            continue
        text, syntax = entry
        name = program if syntax or not text else ""
        width = 35 - len(name) if text else 1
        lines.append(f"{name} {syntax:<{width}}{' ' if text else ''}{text}\n")
    return "".join(lines)


def _guest_properties(machine) -> list[tuple[str, str, str]]:
    """(name, value, flags): what VBoxService publishes from inside the guest, and the host's own."""
    nic = machine.nics[0]
    prefix = nic["prefix"]
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    netmask = ".".join(str(mask >> s & 255) for s in (24, 16, 8, 0))
    address = [int(b) for b in nic["ipv4"].split(".")]
    broadcast = ".".join(str(b | (~mask >> s & 255)) for b, s in zip(address, (24, 16, 8, 0), strict=True))
    guest = "TRANSIENT, RDONLYGUEST"
    return [
        ("/VirtualBox/GuestInfo/OS/Product", "Linux", guest),
        ("/VirtualBox/GuestInfo/OS/Release", RELEASE, guest),
        ("/VirtualBox/GuestInfo/OS/Version", KERNEL_VERSION, guest),
        ("/VirtualBox/GuestInfo/OS/ServicePack", "", guest),
        ("/VirtualBox/GuestAdd/VersionExt", VBOX_VERSION, guest),
        ("/VirtualBox/GuestAdd/Version", VBOX_VERSION.split("_")[0], guest),
        ("/VirtualBox/GuestAdd/Revision", str(VBOX_REVISION), guest),
        ("/VirtualBox/GuestInfo/OS/LoggedInUsersList", "learner", guest),
        ("/VirtualBox/GuestInfo/OS/LoggedInUsers", "1", guest),
        ("/VirtualBox/GuestInfo/OS/NoLoggedInUsers", "false", guest),
        ("/VirtualBox/GuestInfo/Net/0/V4/IP", nic["ipv4"], guest),
        ("/VirtualBox/GuestInfo/Net/0/V4/Broadcast", broadcast, guest),
        ("/VirtualBox/GuestInfo/Net/0/V4/Netmask", netmask, guest),
        ("/VirtualBox/GuestInfo/Net/0/MAC", nic["mac"].replace(":", "").upper(), guest),
        ("/VirtualBox/GuestInfo/Net/0/Status", "Up", guest),
        ("/VirtualBox/GuestInfo/Net/Count", "1", guest),
        ("/VirtualBox/HostInfo/GUI/LanguageID", "en_US", ""),
        ("/VirtualBox/HostInfo/VBoxVer", "7.0.16", "TRANSIENT, RDONLYGUEST"),
        ("/VirtualBox/HostInfo/VBoxVerExt", "7.0.16", "TRANSIENT, RDONLYGUEST"),
        ("/VirtualBox/HostInfo/VBoxRev", str(VBOX_REVISION), "TRANSIENT, RDONLYGUEST"),
        *((name, value, "") for name, value in machine.hypervisor.get("properties", {}).items()),
    ]


@command(
    "VBoxControl",
    man="""
VBoxControl - the VirtualBox Guest Additions' command line, inside a VirtualBox guest

  VBoxControl --version                      the Additions' version
  VBoxControl guestproperty enumerate        the guest properties (OS, logged-in users, network)
  VBoxControl guestproperty get NAME         one of them
  VBoxControl guestproperty set NAME VALUE   publish a value the host can read
  VBoxControl sharedfolder list              the host's shared folders
Outside a VirtualBox VM it cannot contact the host.
""",
)
def vbox_control(ctx: Context, argv: list[str]) -> int:
    program = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    logo = True
    while args and args[0].startswith("-"):
        if args[0] in ("-V", "-v", "--version", "-version"):
            ctx.out(f"{VBOX_VERSION}r{VBOX_REVISION}\n")
            return 0
        if args[0] in ("-nologo", "--nologo"):
            logo = False
        elif args[0] in ("-help", "--help"):
            ctx.out((VBOX_LOGO if logo else "") + _vbox_usage(program))
            return 0
        else:
            break
        args = args[1:]
    if logo:
        ctx.out(VBOX_LOGO)
    commands = {
        "guestproperty",
        "sharedfolder",
        "writecoredump",
        "writelog",
        "takesnapshot",
        "savestate",
        "suspend",
        "pause",
        "poweroff",
        "powerdown",
        "getversion",
        "version",
        "help",
    }
    if not args or args[0] not in commands:
        ctx.out(_vbox_usage(program))
        return 2
    verb, rest = args[0], args[1:]
    if verb in ("getversion", "version"):
        if rest:
            ctx.err(f"{program}: error: getversion does not take any arguments\n")
            return 2
        ctx.out(f"{VBOX_VERSION}r{VBOX_REVISION}\n")
        return 0
    if verb == "help":
        ctx.out(_vbox_usage(program))
        return 0
    if ctx.machine.spec["platform"] != "oracle":
        ctx.err(
            f"{program}: error: Could not contact the host system.  Make sure that you are running this\n"
            "application inside a VirtualBox guest system, and that you have sufficient\nuser permissions.\n"
        )
        return 1
    if verb == "guestproperty":
        return _vbox_property(ctx, program, rest)
    if verb == "sharedfolder" and rest[:1] == ["list"]:
        ctx.out("Shared Folder mappings (0):\n\n")
        return 0
    ctx.err(f"{program}: error: not implemented\n")
    return 1


def _vbox_property(ctx: Context, program: str, args: list[str]) -> int:
    machine = ctx.machine
    table = {name: (value, flags) for name, value, flags in _guest_properties(machine)}
    stamp = int(machine.now() - machine.uptime() + 20) * 1_000_000_000
    usage = "".join(line for line in _vbox_usage(program).splitlines(True) if "guestproperty" in line)
    action = args[0] if args else ""
    rest = args[1:]
    if action == "enumerate" and not rest:
        ctx.out(
            "".join(
                f"Name: {name}, value: {value}, timestamp: {stamp}, flags: {flags}\n"
                for name, (value, flags) in sorted(table.items())
            )
        )
        return 0
    if action == "get" and (len(rest) == 1 or (len(rest) == 2 and rest[1] in ("--verbose", "-verbose"))):
        if rest[0] not in table:
            ctx.out("No value set!\n")
            return 1
        value, flags = table[rest[0]]
        ctx.out(f"Value: {value}\n")
        if len(rest) == 2:
            ctx.out(f"Timestamp: {stamp} ns\nFlags: {flags}\n")
        return 0
    if action == "set" and len(rest) in (1, 2):
        properties = machine.hypervisor.setdefault("properties", {})
        if len(rest) == 2:
            properties[rest[0]] = rest[1][:1024]
        else:
            properties.pop(rest[0], None)
        return 0
    if action in ("delete", "unset") and rest:
        machine.hypervisor.get("properties", {}).pop(rest[0], None)
        return 0
    ctx.out("Usage:\n\n" + usage)
    return 1


@command(
    "qemu-ga",
    man="""
qemu-ga - the QEMU guest agent (package qemu-guest-agent)

Runs as the qemu-guest-agent service and answers the host over the virtio-serial port
org.qemu.guest_agent.0 (freeze filesystems for a snapshot, shut down cleanly, report addresses).
  qemu-ga --version     the agent's version
""",
)
def qemu_ga(ctx: Context, argv: list[str]) -> int:
    if any(a in ("-V", "--version") for a in argv[1:]):
        ctx.out("QEMU Guest Agent 8.2.2\n")  # qga/main.c prints QEMU_VERSION, not QEMU_FULL_VERSION
        return 0
    # run by hand while the service holds the port (or where there is no port): it cannot open its channel
    reason = (
        "Device or resource busy" if ctx.machine.spec["platform"] == "kvm" else "No such file or directory"
    )
    if not ctx.is_root:
        reason = "Permission denied"
    pid = 4300 + ctx.machine.clock % 500
    at = time.strftime("%H:%M:%S", time.gmtime(ctx.machine.now())) + ".042"
    ctx.err(
        f"\n** (qemu-ga:{pid}): CRITICAL **: {at}: error opening channel "
        f"'/dev/virtio-ports/org.qemu.guest_agent.0': {reason}\n"
        f"\n** (qemu-ga:{pid}): CRITICAL **: {at}: failed to create guest agent channel\n"
    )
    return 1


# The host-side packages' programs: what they print for --version, and the few listings that need no
# running guest (an empty table); anything else is beyond this lab.
VERSIONS = {
    "docker": "Docker version 24.0.7, build 24.0.7-0ubuntu4.1\n",
    "virsh": "10.0.0\n",
    "libvirtd": "libvirtd (libvirt) 10.0.0\n",
    "qemu-system-x86_64": "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)\n"
    "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project developers\n",
    "qemu-img": "qemu-img version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1.4)\n"
    "Copyright (c) 2003-2023 Fabrice Bellard and the QEMU Project developers\n",
    "lxc-ls": "5.0.3\n",
    "vmtoolsd": f"VMware Tools daemon, version {TOOLS_VERSION}\n",
    "VBoxService": f"{VBOX_VERSION}r{VBOX_REVISION}\n",
    "vmware-checkvm": "VMware software version 6 (good)\n",
}
EMPTY_LISTINGS = {
    ("docker", "ps"): "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
    ("docker", "images"): "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n",
    ("virsh", "list"): " Id   Name   State\n--------------------\n\n",
    ("lxc-ls", ""): "",
}
DOCKER_SOCKET = (
    "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: "
    'Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: '
    "connect: permission denied\n"
)


def _host_program(ctx: Context, argv: list[str]) -> int:
    program = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    if any(a in ("--version", "-v", "-V", "version") for a in args[:1]):
        if program == "vmware-checkvm" and ctx.machine.spec["platform"] != "vmware":
            ctx.err("Out of VMware virtual machine.\n")
            return 1
        ctx.out(VERSIONS[program])
        return 0
    verb = next((a for a in args if not a.startswith("-")), "")
    if program == "vmware-checkvm" and not args:
        return _host_program(ctx, [program, "--version"])
    if program == "docker" and verb in ("ps", "images") and not ctx.is_root:
        ctx.err(DOCKER_SOCKET)
        return 1
    if (program, verb) in EMPTY_LISTINGS:
        ctx.out(EMPTY_LISTINGS[(program, verb)])
        return 0
    ctx.err(f"{program}: this lab runs no {program} beyond --version\n")
    return 1


for _name in VERSIONS:
    command(_name, man=f"{_name} - installed by its package; GuestLab answers {_name} --version\n")(
        _host_program
    )


@command(
    "sshd",
    man="""
sshd - OpenSSH server daemon (package openssh-server), run by ssh.service

  sudo sshd -t    test the configuration and the host keys; silent when they are fine
  sshd -V         the version
""",
)
def sshd(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    if "-V" in args:
        ctx.err("OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024\n")
        return 0
    if "-t" in args or "-T" in args:  # its checks and their words: simulator/sshd.py
        status, messages = sshd_checks.check(ctx.machine.fs, ctx.uid)
        ctx.err("".join(message + "\n" for message in messages))
        return status
    if not ctx.is_root:
        ctx.err("sshd re-exec requires execution with an absolute path\n")
        return 1
    ctx.err("Bind to port 22 on 0.0.0.0 failed: Address already in use.\nCannot bind any address.\n")
    return 255
