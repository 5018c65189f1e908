"""systemctl (systemd 255): the units that matter in a guest (simulator/units.py keeps their state), the
mounts systemd tracks (simulator/mount_units.py), the manager's state, and the power verbs, which run as
poweroff, halt and reboot do (simulator/commands/power.py).

`reboot --firmware-setup` asks the firmware to open its setup screen at the next boot (UEFI only); the
machine then waits in firmware setup (see simulator/firmware.py) instead of booting.
"""

from __future__ import annotations

import fnmatch
import time

from simulator import emergency, mount_units, packages, units
from simulator.commands import Context, command, journal, power
from simulator.commands.identity import NO_SYSTEMD
from simulator.commands.options import UsageError, parse
from simulator.commands.processes import SHELL_PID, processes
from simulator.filesystem import DEFAULT_EPOCH
from simulator.machine import BOOT_SECONDS
from simulator.units import SERVICES, SOCKETS, Service

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
    "now": "now",
}


# What a unit's ConditionVirtualization= names, as `systemctl status` prints it when unmet.
CONDITIONS = {
    "open-vm-tools": "vmware",
    "vgauth": "vmware",
    "hv-kvp-daemon": "microsoft",
    "virtualbox-guest-utils": "oracle",
}


def installed(machine) -> list[str]:
    """The units of the installed packages (those this model describes)."""
    return [unit for unit in packages.installed_services(machine) if unit in SERVICES]


def running(machine) -> list[str]:
    return [u for u in installed(machine) if packages.service_runs(machine, u) and units.active(machine, u)]


def _ago(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}min ago"
    return f"{minutes}min {secs}s ago" if minutes else f"{secs}s ago"


def _stamp(clock_seconds: int) -> str:
    return time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(clock_seconds))


def _timespan(seconds: int) -> str:
    """format_timespan: the largest units first, as `Duration:` prints a unit's last run."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}min" if minutes else "", f"{secs}s" if secs else ""]
    return " ".join(part for part in parts if part) or "0"


def _loaded_line(machine, unit: str, unit_file: str, vendor: str) -> str:
    """systemctl-show.c (255): `masked (Reason: ...)`, or the file, its state, and the preset (none for a
    static unit, show_preset_for_state)."""
    state = units.file_state(machine, unit.removesuffix(".service"))
    if state == "masked":
        return f"     Loaded: masked (Reason: Unit {unit} is masked.)"
    preset = "" if state == "static" else f"; preset: {vendor}"
    return f"     Loaded: loaded ({unit_file}; {state}{preset})"


def status_text(machine, name: str) -> str:
    service = SERVICES[name]
    booted = machine.now() - int(machine.uptime())
    changed = units.since(machine, name)
    started = booted + 4 if changed is None else DEFAULT_EPOCH + changed
    since = f"{_stamp(started)}; {_ago(machine.now() - started)}"
    masked = units.file_state(machine, name) == "masked"
    loaded = _loaded_line(machine, f"{name}.service", service.unit_file, service.vendor)
    title = f"{name}.service" if masked else f"{name}.service - {service.description}"
    if not packages.service_runs(machine, name):
        return "\n".join(_dead(name, service, loaded, since)) + "\n"
    if units.failed(machine, name):
        return _failed(machine, name, service, title, loaded, since)
    if not units.active(machine, name):
        return "\n".join(_stopped(machine, name, service, title, loaded, since, changed)) + "\n"
    lines = [f"● {title}", loaded, f"     Active: active ({service.state}) since {since}"]
    if service.triggered_by and not masked:
        lines.append(f"TriggeredBy: {_bullet(machine, service.triggered_by)} {service.triggered_by}")
    if not masked:
        lines += _docs(service.docs)
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
        lines += [f"   Main PID: {service.pid or 655} (code=exited, status=0/SUCCESS)", "        CPU: 512ms"]
    return "\n".join(lines) + "\n"


# cloud-init 24.3.1's cloud-init.target: no [Install] section (static; cloud-init-generator links it into
# multi-user.target.wants under /run at each boot unless /etc/cloud/cloud-init.disabled exists, which its
# ConditionPathExists= checks too)
CLOUD_TARGET = "cloud-init.target"
CLOUD_DISABLED = "/etc/cloud/cloud-init.disabled"


def installed_targets(machine) -> list[str]:
    return [CLOUD_TARGET] if "cloud-init" in installed(machine) else []


def cloud_target_active(machine) -> bool:
    return not machine.fs.exists(CLOUD_DISABLED)


def cloud_target_status(machine) -> str:
    """A target's status: no process, its sub-state the same word as its state (print_status_info)."""
    booted = machine.now() - int(machine.uptime())
    since = f"{_stamp(booted + 6)}; {_ago(machine.now() - booted - 6)}"
    loaded = f"     Loaded: loaded (/usr/lib/systemd/system/{CLOUD_TARGET}; static)"
    if not cloud_target_active(machine):
        return f"○ {CLOUD_TARGET} - Cloud-init target\n{loaded}\n     Active: inactive (dead)\n"
    return f"● {CLOUD_TARGET} - Cloud-init target\n{loaded}\n     Active: active since {since}\n"


def _bullet(machine, unit: str) -> str:
    """A unit's dot (unit_active_state_to_glyph, systemd 255): × failed, ○ inactive, ● active; units this
    model does not keep are active as they are at boot."""
    name = _short(unit)
    if units.failed(machine, name):
        return "×"
    return "○" if (name in SOCKETS or name in SERVICES) and not units.active(machine, name) else "●"


def _failed(machine, name: str, service: Service, title: str, loaded: str, since: str) -> str:
    """A service whose start failed: the result, the process that failed and what the journal holds of it
    (print_status_info, systemctl-show.c 255; the journal lines to root and adm only)."""
    record = units.failure(machine, name)
    pid, code = record["process"]
    lines = [f"× {title}", loaded, f"     Active: failed (Result: {record['failed']}) since {since}"]
    if "ran" in record:  # the run the failed restart ended
        lines.append(f"   Duration: {_timespan(max(record['ran'], 1))}")
    if service.triggered_by:
        lines.append(f"TriggeredBy: {_bullet(machine, service.triggered_by)} {service.triggered_by}")
    exited = f"code=exited, status={code}/{units.EXIT_NAMES[code]}"
    lines += _docs(service.docs)
    lines += [f"    Process: {pid} ExecStartPre={units.CHECKED[name]} ({exited})", "        CPU: 12ms"]
    return "\n".join(lines) + "\n"


def _journal_tail(ctx: Context, unit: str) -> str:
    """The unit's last journal lines under its status, for those who may read the system journal."""
    if not (ctx.is_root or journal.READERS & set(ctx.machine.groups(ctx.uid))):
        return ""
    tail = journal.unit_lines(ctx.machine, unit)
    return "\n" + tail if tail else ""


def _docs(docs: tuple[str, ...]) -> list[str]:
    return [("       Docs: " if i == 0 else "             ") + doc for i, doc in enumerate(docs)]


def _stopped(machine, name: str, service: Service, title: str, loaded: str, since: str, changed) -> list[str]:
    """A unit stopped since the boot (`inactive (dead) since` the stop, how long its run lasted), or one
    the boot did not start (disabled or masked): `inactive (dead)`."""
    lines = [f"○ {title}", loaded]
    if changed is None:
        lines.append("     Active: inactive (dead)")
    else:
        ran = changed - machine.boot_clock + BOOT_SECONDS - 4
        lines += [f"     Active: inactive (dead) since {since}", f"   Duration: {_timespan(max(ran, 1))}"]
    if units.file_state(machine, name) == "masked":
        return lines
    if service.triggered_by:
        lines.append(f"TriggeredBy: {_bullet(machine, service.triggered_by)} {service.triggered_by}")
    lines += _docs(service.docs)
    if changed is not None and service.state == "running":
        lines += [f"   Main PID: {service.pid} (code=exited, status=0/SUCCESS)", "        CPU: 41ms"]
    return lines


def _dead(name: str, service: Service, loaded: str, since: str) -> list[str]:
    """A unit that did not start here: a guest agent on another hypervisor (its ConditionVirtualization=
    unmet, or, for qemu-guest-agent, the virtio port it binds to missing)."""
    lines = [f"\u25cb {name}.service - {service.description}", loaded, "     Active: inactive (dead)"]
    if name in CONDITIONS:
        lines += [
            f"  Condition: start condition unmet at {since}",
            f"             \u2514\u2500 ConditionVirtualization={CONDITIONS[name]} was not met",
        ]
    return lines + _docs(service.docs)


def socket_status(machine, unit: str) -> str:
    """A socket unit's status: listening while active, with the service it triggers."""
    socket = SOCKETS[unit]
    changed = units.since(machine, unit)
    started = machine.now() - int(machine.uptime()) + 2 if changed is None else DEFAULT_EPOCH + changed
    since = f"{_stamp(started)}; {_ago(machine.now() - started)}"
    running = units.active(machine, unit)
    masked = units.file_state(machine, unit) == "masked"
    lines = [
        f"{'●' if running else '○'} {unit}" + ("" if masked else f" - {socket.description}"),
        _loaded_line(machine, unit, socket.unit_file, "enabled"),
    ]
    result = units.failed(machine, unit)
    if result:
        lines[0] = "×" + lines[0][1:]
        lines += [
            f"     Active: failed (Result: {result}) since {since}",
            f"   Triggers: {_bullet(machine, socket.service)} {socket.service}.service",
            f"     Listen: {socket.listen}",
        ]
        return "\n".join(lines) + "\n"
    if not running:
        return (
            "\n".join([*lines, f"     Active: inactive (dead){' since ' + since if changed else ''}"]) + "\n"
        )
    sub = "running" if units.active(machine, socket.service) else "listening"
    lines += [
        f"     Active: active ({sub}) since {since}",
        f"   Triggers: {_bullet(machine, socket.service)} {socket.service}.service",
        f"     Listen: {socket.listen}",
        "      Tasks: 0 (limit: 4557)",
        "     Memory: 8.0K (peak: 256.0K)",
        "        CPU: 1ms",
        f"     CGroup: /system.slice/{unit}",
    ]
    return "\n".join(lines) + "\n"


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
        f"    State: {system_state(machine)}",
        f"    Units: {units} loaded (incl. loaded aliases)",
        "     Jobs: 0 queued",
        f"   Failed: {len(failed_units(machine))} units",
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
    """The loaded units that --type, --state and the patterns select: services, ssh's and docker's
    sockets, and mounts (a stopped unit shows with --all only, as one no job or failure keeps in view)."""
    types = {t for value in opts.all("t") for t in value.split(",")}
    states = {state for value in opts.all("state") for state in value.split(",")}
    listed = []
    for name in sorted(installed(machine)):
        service = SERVICES[name]
        running = packages.service_runs(machine, name) and units.active(machine, name)
        sub = service.state if running else "failed" if units.failed(machine, name) else "dead"
        listed.append(("service", f"{name}.service", running, sub, service.description))
    if not types:  # a failed socket shows among the units listed by default, as a failed unit does
        listed += [("socket", name, False, "failed", socket.description)
                   for name, socket in SOCKETS.items() if units.failed(machine, name)]  # fmt: skip
    if "target" in types and CLOUD_TARGET in installed_targets(machine):
        running = cloud_target_active(machine)
        listed.append(("target", CLOUD_TARGET, running, "active" if running else "dead", "Cloud-init target"))
    if types & {"socket", "mount"}:  # UNVERIFIED beyond these: the rest of a real system's units
        for name, socket in SOCKETS.items():
            if socket.service in installed(machine):
                running = units.active(machine, name)
                sub = "listening" if running else "failed" if units.failed(machine, name) else "dead"
                listed.append(("socket", name, running, sub, socket.description))
        for mount in mount_units.units(machine):
            sub = "mounted" if mount["active"] else "dead"
            listed.append(("mount", mount["unit"], mount["active"], sub, mount["description"]))
    rows = []
    for kind, unit, running, sub, description in sorted(listed, key=lambda row: row[1]):
        active = "active" if running else "failed" if sub == "failed" else "inactive"
        if types and kind not in types:
            continue
        if states and not states & {"loaded", active, sub}:
            continue
        if not states and active == "inactive" and "a" not in opts:
            continue
        if patterns and not any(
            fnmatch.fnmatchcase(unit, p) or fnmatch.fnmatchcase(unit.removesuffix(".service"), p)
            for p in patterns
        ):
            continue
        # a failed unit's row starts with a dot (systemctl-list-units.c: circle)
        rows.append(["●" if active == "failed" else " ", unit, "loaded", active, sub, description])
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
    machine = ctx.machine
    names = [(f"{name}.service", name) for name in installed(machine)]
    names += [(name, name) for name, socket in SOCKETS.items() if socket.service in installed(machine)]
    rows = []
    for unit, name in sorted(names):
        state = units.file_state(machine, name)
        vendor = SERVICES[name].vendor if name in SERVICES else "enabled"
        if not patterns or any(fnmatch.fnmatchcase(unit, p) for p in patterns):
            preset = "-" if units.file_state(machine, name) == "static" else vendor
            rows.append([unit, state, preset])
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


def _is_enabled(ctx: Context, names: list[str], quiet: bool) -> int:
    """is-enabled: the unit file state of each; 0 when one is enabled (or static), else 1."""
    if not names:
        ctx.err("Too few arguments.\n")
        return 1
    status = 1
    for name in names:
        kind = _kind(ctx.machine, name)
        mount = mount_units.find(ctx.machine, name) if kind == "mount" else None
        if kind not in ("service", "socket", "target") and (mount is None or mount["source"] == "mountinfo"):
            ctx.err(f"Failed to get unit file state for {_unit_name(name)}: No such file or directory\n")
            return 1
        # an fstab line's unit is the generator's; the API filesystems' units ship static
        state = (
            {"fstab": "generated", "static": "static"}[mount["source"]]
            if mount
            else "static"
            if kind == "target"
            else units.file_state(ctx.machine, name)
        )
        if not quiet:
            ctx.out(state + "\n")
        if state in ("enabled", "static", "generated"):
            status = 0
    return status


def _kind(machine, name: str) -> str:
    """What a name given to systemctl is here: "service", "socket", "mount", "target", or "" (not loaded)."""
    if name in installed(machine):
        return "service"
    if name == CLOUD_TARGET and "cloud-init" in installed(machine):
        return "target"
    if name in SOCKETS and SOCKETS[name].service in installed(machine):
        return "socket"
    if name.endswith(".mount") and mount_units.find(machine, name) is not None:
        return "mount"
    return ""


def _short(arg: str) -> str:
    """The model's name of a unit: ssh.service and ssh name one service; ssh.socket is a socket."""
    return arg.removesuffix(".service")


def _full(name: str) -> str:
    return units.full_name(name)


def _sysv(ctx: Context, name: str, verb: str) -> None:
    """systemd-sysv-install keeps an /etc/init.d script's rc links in step with enable and disable."""
    if name in SERVICES and SERVICES[name].sysv:
        ctx.err(
            f"Synchronizing state of {name}.service with SysV service script with "
            "/usr/lib/systemd/systemd-sysv-install.\n"
            f"Executing: /usr/lib/systemd/systemd-sysv-install {verb} {name}\n"
        )


def _install_verb(ctx: Context, verb: str, name: str) -> int:
    """enable, disable, mask, unmask: the symlinks systemd makes or removes, as install_changes_dump
    (shared/install.c, 255) reports them on stderr."""
    machine = ctx.machine
    state = units.file_state(machine, name)
    if verb in ("mask", "unmask"):
        changes = units.mask(machine, name) if verb == "mask" else units.unmask(machine, name)
    elif state == "masked":
        ctx.err(f"Failed to {verb} unit: Unit file /etc/systemd/system/{_full(name)} is masked.\n")
        return 1
    elif state == "static":  # no [Install] section: nothing to link, and systemctl says why
        ctx.err(NO_INSTALL_CONFIG)
        return 0
    else:
        _sysv(ctx, name, verb)
        changes = units.enable(machine, name) if verb == "enable" else units.disable(machine, name)
    if changes:
        ctx.err("".join(change + "\n" for change in changes))
    return 0


def _job_verb(ctx: Context, verb: str, name: str, stopping: list[str]) -> int:
    """start, stop, restart, reload: the job systemd queues (systemctl-start-unit.c, 255)."""
    machine, full = ctx.machine, _full(name)
    masked = units.file_state(machine, name) == "masked"
    if masked and verb in ("start", "restart", "reload"):
        ctx.err(f"Failed to {verb} {full}: Unit {full} is masked.\n")
        return 1
    if verb == "reload":
        if name in SOCKETS or not SERVICES[name].reloads:
            ctx.err(f"Failed to reload {full}: Job type reload is not applicable for unit {full}.\n")
            return 1
        if not units.active(machine, name):  # unit_reload: -ENOEXEC, the job ends JOB_INVALID (job.c, 255)
            ctx.err(f"Job for {full} invalid.\n")  # bus-wait-for-jobs.c's word for that result
            return 1
        return 0
    if name in SERVICES and not packages.service_runs(machine, name):
        return 0  # its condition fails: the job succeeds, and the unit stays inactive
    if verb == "stop":
        if units.active(machine, name):
            units.set_active(machine, name, False)
        socket = units.socket_of(name)
        if socket and units.active(machine, socket) and socket not in stopping:
            ctx.err(f"Stopping '{full}', but its triggering units are still active:\n{socket}\n")
        return 0
    if verb == "restart" or not units.active(machine, name):
        if not units.start(machine, name, stopping=verb == "restart" and units.active(machine, name)):
            # bus-wait-for-jobs.c (255): the job failed and the unit's Result is exit-code
            ctx.err(
                f"Job for {full} failed because the control process exited with error code.\n"
                f'See "systemctl status {full}" and "journalctl -xeu {full}" for details.\n'
            )
            return 1
    return 0


def _refusal(ctx: Context, verb: str, names: list[str]) -> int:
    """polkit's answer to a user who is not root (no agent can ask for a password here)."""
    if verb in INSTALL_VERBS:
        ctx.err(f"Failed to {verb} unit: {polkit_refused}\n")
        return 1
    full = _full(names[0]) if names[0] in SOCKETS or names[0] in SERVICES else _unit_name(names[0])
    ctx.err(
        f"Failed to {verb} {full}: {polkit_refused}\n"
        f"See system logs and 'systemctl status {full}' for details.\n"
    )
    return 1


polkit_refused = power.REFUSED
# systemctl-enable.c (255): the notice for a unit without an [Install] section, as Ubuntu 24.04 prints it
NO_INSTALL_CONFIG = (
    "The unit files have no installation config (WantedBy=, RequiredBy=, UpheldBy=,\n"
    "Also=, or Alias= settings in the [Install] section, and DefaultInstance= for\n"
    "template units). This means they are not meant to be enabled or disabled using systemctl.\n"
    " \n"
    "Possible reasons for having these kinds of units are:\n"
    "\u2022 A unit may be statically enabled by being symlinked from another unit's\n"
    "  .wants/, .requires/, or .upholds/ directory.\n"
    "\u2022 A unit's purpose may be to act as a helper for some other unit which has\n"
    "  a requirement dependency on it.\n"
    "\u2022 A unit may be started when needed via activation (socket, path, timer,\n"
    "  D-Bus, udev, scripted systemctl call, ...).\n"
    "\u2022 In case of template units, the unit is meant to be enabled with some\n"
    "  instance name specified.\n"
)
INSTALL_VERBS = ("enable", "disable", "mask", "unmask")
JOB_VERBS = ("start", "stop", "restart", "reload")


def _change(ctx: Context, verb: str, args: list[str], now: bool) -> int:
    """The verbs that change units: every name checked first, then each changed in turn."""
    if not args:
        ctx.err("Too few arguments.\n")
        return 1
    machine = ctx.machine
    names = [_short(arg) for arg in args]
    if not ctx.is_root:
        return _refusal(ctx, verb, names)
    kinds = [_kind(machine, name) for name in names]
    if "mount" in kinds and verb in JOB_VERBS and verb != "reload":
        return _mount_jobs(ctx, verb, names, kinds)
    for arg, kind in zip(args, kinds, strict=True):
        if kind not in ("service", "socket"):
            full = _unit_name(arg)
            if verb in INSTALL_VERBS:
                ctx.err(f"Failed to {verb} unit: Unit file {full} does not exist.\n")
                return 1
            ctx.err(f"Failed to {verb} {full}: Unit {full} not found.\n")
            return 5
    status = 0
    for name in names:
        if verb in INSTALL_VERBS:
            status = _install_verb(ctx, verb, name) or status
            if now and not status and verb in ("enable", "disable"):
                _job_verb(ctx, "start" if verb == "enable" else "stop", name, names)
        else:
            status = _job_verb(ctx, verb, name, names) or status
    return status


def _mount_jobs(ctx: Context, verb: str, names: list[str], kinds: list[str]) -> int:
    """start, stop, restart of mount units (and of services named with them)."""
    status = 0
    for name, kind in zip(names, kinds, strict=True):
        if not kind:
            ctx.err(f"Failed to {verb} {_unit_name(name)}: Unit {_unit_name(name)} not found.\n")
            return 5
        if kind != "mount":
            status = _job_verb(ctx, verb, name, names) or status
            continue
        for step in ("stop", "start") if verb == "restart" else (verb,):
            complaint = (mount_units.start if step == "start" else mount_units.stop)(ctx.machine, name)
            if complaint:
                ctx.err(complaint)
                status = 1
                break
    return status


def _status(ctx: Context, verb: str, args: list[str]) -> int:
    """status and is-active of each unit: 3 when one is not active, 4 when one is not found (status)."""
    machine, status, shown = ctx.machine, 0, False
    for arg in args:
        name = _short(arg)
        kind = _kind(machine, name)
        if not kind:
            if verb == "status":  # unit_name_mangle adds .service only to a name without a unit type
                ctx.err(f"Unit {_unit_name(arg)} could not be found.\n")
                status = 4
            else:
                ctx.out("inactive\n")
                status = status or 3
            continue
        if kind == "mount":
            running = mount_units.find(machine, name)["active"]
            text = mount_units.status_text(machine, name)
        elif kind == "target":
            running = cloud_target_active(machine)
            text = cloud_target_status(machine)
        elif kind == "socket":
            running = units.active(machine, name)
            text = socket_status(machine, name)
        else:
            running = packages.service_runs(machine, name) and units.active(machine, name)
            text = status_text(machine, name)
            if units.failed(machine, name):
                text += _journal_tail(ctx, f"{name}.service")
        if verb == "status":  # one blank line between the units shown (systemctl-show.c: show_one)
            ctx.out(("\n" if shown else "") + text)
            shown = True
        else:
            ctx.out(_active_state(machine, name, running) + "\n")
        if not running and status != 4:
            status = 3
    return status


def _active_state(machine, name: str, running: bool) -> str:
    """What is-active and is-failed print: the unit's ActiveState."""
    if units.failed(machine, name):
        return "failed"
    return "active" if running else "inactive"


def failed_units(machine) -> list[str]:
    """The failed services and sockets (mounts do not fail in this model), by their full names."""
    names = [name for name in installed(machine) if units.failed(machine, name)]
    names += [name for name in SOCKETS if units.failed(machine, name)]
    return sorted(_full(name) for name in names)


def _is_failed(ctx: Context, args: list[str], quiet: bool) -> int:
    """is-failed: each unit's active state; 0 when one of them failed (verb_is_failed, systemd 255)."""
    if not args:
        ctx.err("Too few arguments.\n")
        return 1
    machine, status = ctx.machine, 1
    for arg in args:
        name = _short(arg)
        kind = _kind(machine, name)
        running = kind == "service" and packages.service_runs(machine, name) and units.active(machine, name)
        running = running or kind == "socket" and units.active(machine, name)
        state = _active_state(machine, name, running) if kind in ("service", "socket") else "inactive"
        if kind == "mount":
            state = "active" if mount_units.find(machine, name)["active"] else "inactive"
        if not quiet:
            ctx.out(state + "\n")
        if state == "failed":
            status = 0
    return status


def _reset_failed(ctx: Context, args: list[str]) -> int:
    """reset-failed: forget the failure of the units named, or of every unit (root)."""
    if not ctx.is_root:
        ctx.err(
            f"Failed to reset failed state of unit {_unit_name(args[0]) if args else ''}: {polkit_refused}\n"
        )
        return 1
    names = [_short(arg) for arg in args] or [_short(unit) for unit in failed_units(ctx.machine)]
    for arg, name in zip(args or names, names, strict=True):
        if not _kind(ctx.machine, name):
            unit = _unit_name(arg)  # UNVERIFIED: bus error text of ResetFailedUnit for a unit not loaded
            ctx.err(f"Failed to reset failed state of unit {unit}: Unit {unit} not loaded.\n")
            return 1
        units.reset_failed(ctx.machine, name)
    return 0


def system_state(machine) -> str:
    """The manager's state: "maintenance" while the emergency (or rescue) shell holds the boot, "degraded"
    while a unit has failed."""
    if machine.emergency:
        return "maintenance"
    return "degraded" if failed_units(machine) else "running"


@command(
    "systemctl",
    man="""
systemctl - control the systemd system and service manager

  systemctl status                the system: state, failed units, the cgroup tree of processes
  systemctl status ssh            state of a service (also ssh.socket, srv.mount, qemu-guest-agent,
                                  open-vm-tools, virtualbox-guest-utils, hv-kvp-daemon: the guest agents)
  systemctl start|stop|restart|reload NAME    run or stop a service now (root); a reboot forgets this
  systemctl enable|disable [--now] NAME       start it at every boot, or not (root)
  systemctl mask|unmask NAME      forbid it to start at all, or allow it again (root)
  systemctl is-active NAME        active / inactive / failed
  systemctl is-failed NAME        failed, or its other state (exit 0 only when it failed)
  systemctl reset-failed [NAME]   forget that a unit failed (root)
  systemctl is-enabled NAME       enabled / static / disabled / masked: is it started at boot?
  systemctl is-system-running     running, or maintenance in the emergency shell
  systemctl list-units [--type=service|socket|mount] [--state=running] [--all] [--no-legend] [PATTERN]
  systemctl --failed              the units that failed (--state=failed)
                                  the loaded units: UNIT LOAD ACTIVE SUB DESCRIPTION
  systemctl list-unit-files       the installed unit files and whether they are enabled
  systemctl daemon-reload         read the unit files and /etc/fstab again (root)
  systemctl poweroff | halt | reboot    as the commands of those names (root)
  systemctl reboot --firmware-setup     reboot into the UEFI firmware setup (root)
Ubuntu 24.04 starts ssh.service through ssh.socket: stopping only the service leaves port 22 open.
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
    verb, names = (args[0], args[1:]) if args else ("list-units", [])
    if verb == "list-units":
        return _list_units(ctx, opts, names)
    if verb == "list-unit-files":
        return _list_unit_files(ctx, opts, names)
    if verb == "is-enabled":
        return _is_enabled(ctx, [_short(name) for name in names], "q" in opts)
    if verb in ("poweroff", "halt", "reboot"):
        if len(names) > (1 if verb == "reboot" else 0):  # verbs.c: reboot takes its optional argument only
            ctx.err("Too many arguments.\n")
            return 1
        return power.act_now(ctx, verb, firmware=verb == "reboot" and "firmware-setup" in opts)
    if verb == "is-system-running":
        state = system_state(machine)
        if "q" not in opts:
            ctx.out(state + "\n")
        return 0 if state == "running" else 1
    if verb == "default":  # isolate default.target: from the emergency shell, the boot is tried again
        if not ctx.is_root:
            ctx.err(
                f"Failed to start default.target: {polkit_refused}\n"
                "See system logs and 'systemctl status default.target' for details.\n"
            )
            return 1
        if machine.emergency:
            emergency.resume(machine)
        return 0
    if verb == "daemon-reload":  # systemd reads its units and the fstab generator's mounts again
        if not ctx.is_root:
            ctx.err(f"Failed to reload daemon: {polkit_refused}\n")
            return 1
        machine.units_loaded = machine.clock
        return 0
    if verb == "status" and not names:
        ctx.out(overview_text(ctx, " ".join(argv)))
        return 0
    if verb == "is-active" and not names:
        ctx.err("Too few arguments.\n")
        return 1
    if verb in ("status", "is-active"):
        return _status(ctx, verb, names)
    if verb == "is-failed":
        return _is_failed(ctx, names, "q" in opts)
    if verb == "reset-failed":
        return _reset_failed(ctx, names)
    if verb in JOB_VERBS or verb in INSTALL_VERBS:
        return _change(ctx, verb, names, "now" in opts)
    ctx.err(f"Unknown command verb '{verb}'.\n")
    return 1
