"""systemctl and reboot (systemd 255): the services that matter in a guest, and rebooting the model.

`reboot --firmware-setup` asks the firmware to open its setup screen at the next boot (UEFI only); the
machine then waits in firmware setup (see simulator/firmware.py) instead of booting.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass

from simulator import emergency, packages
from simulator.commands import Context, command
from simulator.commands.identity import NO_SYSTEMD
from simulator.commands.options import UsageError, parse
from simulator.commands.processes import SHELL_PID, processes


@dataclass(frozen=True)
class Service:
    description: str
    unit_file: str
    preset: str  # enabled | static | disabled
    command: str
    pid: int
    memory: str
    docs: tuple[str, ...] = ()
    state: str = "running"
    triggered_by: str = ""
    status: str = ""  # what the daemon last told systemd (sd_notify STATUS=)


SERVICES = {
    "ssh": Service(
        "OpenBSD Secure Shell server",
        "/usr/lib/systemd/system/ssh.service",
        "enabled",
        '"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"',
        1051,
        "3.1M (peak: 4.0M)",
        ("man:sshd(8)", "man:sshd_config(5)"),
        triggered_by="ssh.socket",
    ),
    "systemd-journald": Service(
        "Journal Service",
        "/usr/lib/systemd/system/systemd-journald.service",
        "static",
        "/usr/lib/systemd/systemd-journald",
        361,
        "14.2M (peak: 15.0M)",
        ("man:systemd-journald.service(8)", "man:journald.conf(5)"),
        triggered_by="systemd-journald.socket",
        status="Processing requests...",
    ),
    # units/systemd-networkd.service.in (Description, both Documentation= lines, Also=...socket); the daemon
    # reports READY=1 with STATUS=Processing requests... (src/network/networkd.c)
    "systemd-networkd": Service(
        "Network Configuration",
        "/usr/lib/systemd/system/systemd-networkd.service",
        "enabled",
        "/usr/lib/systemd/systemd-networkd",
        598,
        "2.9M (peak: 3.4M)",
        ("man:systemd-networkd.service(8)", "man:org.freedesktop.network1(5)"),
        triggered_by="systemd-networkd.socket",
        status="Processing requests...",
    ),
    "cloud-init": Service(
        "Cloud-init: Network Stage",
        "/usr/lib/systemd/system/cloud-init.service",
        "enabled",
        "",
        0,
        "",
        state="exited",
    ),
    "qemu-guest-agent": Service(
        "QEMU Guest Agent",
        "/usr/lib/systemd/system/qemu-guest-agent.service",
        "static",
        "/usr/sbin/qemu-ga",
        702,
        "1.6M (peak: 2.0M)",
    ),
    "open-vm-tools": Service(
        "Service for virtual machines hosted on VMware",
        "/usr/lib/systemd/system/open-vm-tools.service",
        "enabled",
        "/usr/bin/vmtoolsd",
        702,
        "6.3M (peak: 6.8M)",
        ("http://open-vm-tools.sourceforge.net/about",),
    ),
    # Debian's virtualbox-guest-utils.service (UNVERIFIED: description and command line from memory)
    "virtualbox-guest-utils": Service(
        "Virtualbox guest utils",
        "/usr/lib/systemd/system/virtualbox-guest-utils.service",
        "enabled",
        "/usr/sbin/VBoxService",
        702,
        "2.4M (peak: 3.0M)",
    ),
    # The services of the host-side packages (docker.io, containerd, libvirt, lxc), as their units name them.
    "docker": Service(
        "Docker Application Container Engine",
        "/usr/lib/systemd/system/docker.service",
        "enabled",
        "/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
        1402,
        "28.4M (peak: 30.1M)",
        ("https://docs.docker.com",),
        triggered_by="docker.socket",
    ),
    "containerd": Service(
        "containerd container runtime",
        "/usr/lib/systemd/system/containerd.service",
        "enabled",
        "/usr/bin/containerd",
        1388,
        "20.2M (peak: 21.0M)",
        ("https://containerd.io",),
    ),
    "libvirtd": Service(
        "libvirt legacy monolithic daemon",
        "/usr/lib/systemd/system/libvirtd.service",
        "enabled",
        "/usr/sbin/libvirtd --timeout 120",
        1420,
        "9.6M (peak: 10.2M)",
        ("man:libvirtd(8)", "https://libvirt.org/"),
        triggered_by="libvirtd.socket",
    ),
    "virtlogd": Service(
        "libvirt logging daemon",
        "/usr/lib/systemd/system/virtlogd.service",
        "static",
        "/usr/sbin/virtlogd",
        1418,
        "1.4M (peak: 1.8M)",
        ("man:virtlogd(8)", "https://libvirt.org/"),
        triggered_by="virtlogd.socket",
    ),
    "lxc": Service(
        "LXC Container Initialization and Autoboot Code",
        "/usr/lib/systemd/system/lxc.service",
        "enabled",
        "",
        0,
        "",
        ("man:lxc-autostart", "man:lxc"),
        state="exited",
    ),
    "lxc-net": Service(
        "LXC network bridge setup",
        "/usr/lib/systemd/system/lxc-net.service",
        "enabled",
        "",
        0,
        "",
        state="exited",
    ),
    "hv-kvp-daemon": Service(
        "Hyper-V KVP Protocol Daemon",
        "/usr/lib/systemd/system/hv-kvp-daemon.service",
        "enabled",
        "/usr/sbin/hv_kvp_daemon -n",
        702,
        "1.1M (peak: 1.6M)",
    ),
}
SYSTEMCTL_OPTIONS = {
    "all": "a",
    "type=": "t",
    "state=": "state",
    "failed": "failed",
    "no-pager": "no-pager",
    "no-legend": "no-legend",
    "plain": "plain",
    "full": "l",
    "quiet": "q",
    "firmware-setup": "firmware-setup",
}
POLKIT_REFUSAL = (
    "Failed to reboot system via logind: Interactive authentication required.\n"
    "Failed to start reboot.target: Interactive authentication required.\n"
    "See system logs and 'systemctl status reboot.target' for details.\n"
)


# What a unit's ConditionVirtualization= names, as `systemctl status` prints it when unmet.
CONDITIONS = {"open-vm-tools": "vmware", "hv-kvp-daemon": "microsoft", "virtualbox-guest-utils": "oracle"}


def installed(machine) -> list[str]:
    """The units of the installed packages (those this model describes)."""
    return [unit for unit in packages.installed_services(machine) if unit in SERVICES]


def running(machine) -> list[str]:
    return [unit for unit in installed(machine) if packages.service_runs(machine, unit)]


def _ago(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}min ago"
    return f"{minutes}min {secs}s ago" if minutes else f"{secs}s ago"


def status_text(machine, name: str) -> str:
    service = SERVICES[name]
    started = machine.now() - int(machine.uptime()) + 4
    since = time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(started))
    # systemctl-show.c (systemd 255) prints no preset for static units (show_preset_for_state).
    preset = "" if service.preset == "static" else "; preset: enabled"
    loaded = f"     Loaded: loaded ({service.unit_file}; {service.preset}{preset})"
    if not packages.service_runs(machine, name):
        return "\n".join(_dead(name, service, loaded, since, _ago(machine.now() - started))) + "\n"
    lines = [
        f"● {name}.service - {service.description}",
        loaded,
        f"     Active: active ({service.state}) since {since}; {_ago(machine.now() - started)}",
    ]
    if service.triggered_by:
        lines.append(f"TriggeredBy: ● {service.triggered_by}")
    for i, doc in enumerate(service.docs):
        lines.append(("       Docs: " if i == 0 else "             ") + doc)
    if service.state == "running":
        # the process's comm, which the kernel cuts to 15 characters (TASK_COMM_LEN)
        binary = service.command.strip('"').split()[0].rsplit("/", 1)[-1].rstrip(":")[:15]
        lines.append(f"   Main PID: {service.pid} ({binary})")
        if service.status:
            lines.append(f'     Status: "{service.status}"')
        lines += [
            "      Tasks: 1 (limit: 4557)",
            f"     Memory: {service.memory}",
            "        CPU: 41ms",
            f"     CGroup: /system.slice/{name}.service",
            f"             └─{service.pid} {service.command}",
        ]
    else:
        lines += ["   Main PID: 655 (code=exited, status=0/SUCCESS)", "        CPU: 512ms"]
    return "\n".join(lines) + "\n"


def _dead(name: str, service: Service, loaded: str, since: str, ago: str) -> list[str]:
    """A unit that did not start here: a guest agent on another hypervisor (its ConditionVirtualization=
    unmet, or, for qemu-guest-agent, the virtio port it binds to missing)."""
    lines = [f"\u25cb {name}.service - {service.description}", loaded, "     Active: inactive (dead)"]
    if name in CONDITIONS:
        lines += [
            f"  Condition: start condition unmet at {since}; {ago}",
            f"             \u2514\u2500 ConditionVirtualization={CONDITIONS[name]} was not met",
        ]
    for i, doc in enumerate(service.docs):
        lines.append(("       Docs: " if i == 0 else "             ") + doc)
    return lines


def _quoted(args: str) -> str:
    """systemd's cgroup tree quotes a command line whose first word holds spaces (a retitled process)."""
    return f'"{args}"' if args.startswith("sshd:") else args


def overview_text(ctx: Context, line: str) -> str:
    """`systemctl status` without a unit: the manager's state and the cgroup tree (systemctl-show.c, 255)."""
    machine = ctx.machine
    booted = machine.now() - int(machine.uptime())
    since = time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(booted))
    table = {proc.pid: proc for proc in processes(machine, ctx.user)}
    services = [(name, table.get(SERVICES[name].pid)) for name in sorted(running(machine))]
    services = [(name, proc) for name, proc in services if proc is not None]
    session = [p for pid, p in sorted(table.items()) if pid >= 4200]
    tree = ["/", "├─init.scope", f"│ └─1 {table[1].args}", "├─system.slice"]
    for i, (name, proc) in enumerate(services):
        last = i == len(services) - 1
        tree += [
            f"│ {'└' if last else '├'}─{name}.service",
            f"│ {' ' if last else '│'} └─{proc.pid} {_quoted(proc.args)}",
        ]
    tree += ["└─user.slice", f"  └─user-{machine.users[ctx.user]['uid']}.slice", "    └─session-1.scope"]
    members = [f"{p.pid} {_quoted(p.args)}" for p in session] + [
        f"{SHELL_PID + 1 + machine.clock % 500} {line}"
    ]
    tree += [f"      {'└' if i == len(members) - 1 else '├'}─{m}" for i, m in enumerate(members)]
    units = 243 if machine.kind == "container" else 287
    lines = [
        f"● {machine.hostname}",
        "    State: running",
        f"    Units: {units} loaded (incl. loaded aliases)",
        "     Jobs: 0 queued",
        "   Failed: 0 units",
        f"    Since: {since}; {_ago(machine.now() - booted)}",
        "  systemd: 255.4-1ubuntu8.4",
        f"   CGroup: {tree[0]}",
        *(f"           {branch}" for branch in tree[1:]),
    ]
    return "\n".join(lines) + "\n"


def _table(rows: list[list[str]]) -> list[str]:
    """format-table.c: columns as wide as their widest cell, one space apart, no trailing blanks."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        " ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _unit_rows(machine, opts, patterns: list[str]) -> list[list[str]]:
    """The loaded units that --type, --state and the patterns select (only services are modelled)."""
    types = {t for value in opts.all("t") for t in value.split(",")}
    states = {state for value in opts.all("state") for state in value.split(",")}
    rows = []
    for name in sorted(installed(machine)):
        unit, service = f"{name}.service", SERVICES[name]
        if types and "service" not in types:
            continue
        if states and not states & {"loaded", "active", service.state}:
            continue
        if patterns and not any(
            fnmatch.fnmatchcase(unit, p) or fnmatch.fnmatchcase(name, p) for p in patterns
        ):
            continue
        rows.append([" ", unit, "loaded", "active", service.state, service.description])
    return rows


def _list_units(ctx: Context, opts, patterns: list[str]) -> int:
    """verb_list_units (systemctl-list-units.c, systemd 255): the table, then the legend."""
    rows = _unit_rows(ctx.machine, opts, patterns)
    legend = "no-legend" not in opts
    header = [["", "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION"]] if legend else []
    table = header + rows
    if "plain" in opts:
        table = [row[1:] for row in table]
    if table:
        ctx.out("".join(line + "\n" for line in _table(table)))
    if not legend:
        return 0
    if rows:
        ctx.out(
            "\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
            "SUB    = The low-level unit activation state, values depend on unit type.\n"
        )
    states = {state for value in opts.all("state") for state in value.split(",")}
    hint = "To show all installed unit files use 'systemctl list-unit-files'.\n"
    if "a" in opts or "inactive" in states:
        ctx.out(f"{len(rows)} loaded units listed.\n{hint}")
    elif not states:
        ctx.out(f"{len(rows)} loaded units listed. Pass --all to see loaded but inactive units, too.\n{hint}")
    else:
        ctx.out(f"{len(rows)} loaded units listed.\n")
    return 0


def _list_unit_files(ctx: Context, opts, patterns: list[str]) -> int:
    """verb_list_unit_files: UNIT FILE, STATE, PRESET (a dash where a static unit has none)."""
    rows = [
        [unit, SERVICES[unit.removesuffix(".service")].preset, "-" if state == "static" else "enabled"]
        for unit, state in (
            (f"{name}.service", SERVICES[name].preset) for name in sorted(installed(ctx.machine))
        )
        if not patterns or any(fnmatch.fnmatchcase(unit, p) for p in patterns)
    ]
    legend = "no-legend" not in opts
    table = ([["UNIT FILE", "STATE", "PRESET"]] if legend else []) + rows
    if table:
        ctx.out("".join(line + "\n" for line in _table(table)))
    if legend:
        ctx.out(f"\n{len(rows)} unit files listed.\n")
    return 0


UNIT_TYPES = {"socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice", "scope"}


def _unit_name(name: str) -> str:
    return name if name.rpartition(".")[2] in UNIT_TYPES else f"{name}.service"


def _is_enabled(ctx: Context, units: list[str], quiet: bool) -> int:
    """is-enabled: the unit file state of each; 0 when one is enabled (or static), else 1."""
    if not units:
        ctx.err("Too few arguments.\n")
        return 1
    status = 1
    for unit in units:
        if unit not in installed(ctx.machine):
            ctx.err(f"Failed to get unit file state for {_unit_name(unit)}: No such file or directory\n")
            return 1
        state = SERVICES[unit].preset
        if not quiet:
            ctx.out(state + "\n")
        if state in ("enabled", "static"):
            status = 0
    return status


def reboot_machine(ctx: Context, firmware: bool) -> int:
    machine = ctx.machine
    if not ctx.is_root:
        ctx.err(POLKIT_REFUSAL)
        return 1
    if firmware:
        if machine.spec["firmware"] != "uefi" or machine.kind == "container":
            ctx.err(
                "Cannot indicate to EFI to boot into setup mode: Firmware does not support boot into "
                "firmware.\n"
            )
            return 1
        machine.enter_firmware()
        return 0
    machine.reboot()
    return 0


@command(
    "systemctl",
    man="""
systemctl - control the systemd system and service manager

  systemctl status                the system: state, failed units, the cgroup tree of processes
  systemctl status ssh            state of a service (also qemu-guest-agent, open-vm-tools,
                                  virtualbox-guest-utils, hv-kvp-daemon: the guest agents)
  systemctl is-active NAME        active / inactive
  systemctl is-enabled NAME       enabled / static / disabled: is it started at boot?
  systemctl list-units [--type=service] [--state=running] [--all] [--no-legend] [PATTERN]
  systemctl --failed              the units that failed (--state=failed)
                                  the loaded units: UNIT LOAD ACTIVE SUB DESCRIPTION
  systemctl list-unit-files       the installed unit files and whether they are enabled
  systemctl daemon-reload         read the unit files and /etc/fstab again (root)
  systemctl reboot                reboot (root)
  systemctl reboot --firmware-setup   reboot into the UEFI firmware setup (root)
Not available in an application container: there, the app is PID 1, not systemd.
""",
)
def systemctl(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    try:
        opts, args = parse(argv[1:], "ahlqt:", SYSTEMCTL_OPTIONS)
    except UsageError as error:
        ctx.err(f"systemctl: {error}\n")
        return 1
    if machine.spec["platform"] == "docker":
        ctx.err(NO_SYSTEMD + "Failed to connect to bus: Host is down\n")
        return 1
    if "failed" in opts:  # --failed is short for --state=failed
        opts.add("state", "failed")
    verb, units = (args[0], [u.removesuffix(".service") for u in args[1:]]) if args else ("list-units", [])
    if verb == "list-units":
        return _list_units(ctx, opts, args[1:])
    if verb == "list-unit-files":
        return _list_unit_files(ctx, opts, args[1:])
    if verb == "is-enabled":
        return _is_enabled(ctx, units, "q" in opts)
    if verb == "reboot":
        return reboot_machine(ctx, "firmware-setup" in opts)
    if verb == "default":  # isolate default.target: from the emergency shell, the boot is tried again
        if not ctx.is_root:
            ctx.err(
                "Failed to start default.target: Interactive authentication required.\n"
                "See system logs and 'systemctl status default.target' for details.\n"
            )
            return 1
        if machine.emergency:
            emergency.resume(machine)
        return 0
    if verb == "daemon-reload":  # systemd reads its units and the fstab generator's mounts again
        if not ctx.is_root:
            ctx.err("Failed to reload daemon: Interactive authentication required.\n")
            return 1
        machine.units_loaded = machine.clock
        return 0
    if verb == "status" and not units:
        ctx.out(overview_text(ctx, " ".join(argv)))
        return 0
    if verb == "is-active" and not units:
        ctx.err("Too few arguments.\n")
        return 1
    if verb in ("status", "is-active"):
        status = 0
        for unit in units:
            if unit not in installed(machine):
                if verb == "status":  # unit_name_mangle adds .service only to a name without a unit type
                    ctx.err(f"Unit {_unit_name(unit)} could not be found.\n")
                else:
                    ctx.out("inactive\n")
                status = 4 if verb == "status" else 3
            elif not packages.service_runs(machine, unit):
                ctx.out(status_text(machine, unit) if verb == "status" else "inactive\n")
                status = 3
            else:
                ctx.out(status_text(machine, unit) if verb == "status" else "active\n")
        return status
    if verb in ("start", "stop", "restart", "enable", "disable"):
        if not ctx.is_root:
            ctx.err(
                f"Failed to {verb} {units[0] if units else ''}.service: Interactive authentication "
                "required.\nSee system logs and 'systemctl status "
                + (units[0] if units else "")
                + ".service' for details.\n"
            )
            return 1
        return 0
    ctx.err(f"Unknown command verb '{verb}'.\n")
    return 1


@command(
    "reboot",
    man="""
reboot - reboot the machine (root)

  reboot                   restart: the kernel log starts again, modules not configured in
                           /etc/modules-load.d are gone, a missing machine-id is generated, uptime resets
  reboot --firmware-setup  restart into the UEFI firmware setup (where VT-x/AMD-V is switched on or off)
""",
)
def reboot(ctx: Context, argv: list[str]) -> int:
    return reboot_machine(ctx, "--firmware-setup" in argv[1:])
