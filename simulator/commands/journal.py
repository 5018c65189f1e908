"""journalctl (systemd 255): the journal as the kernel ring buffer plus a few boot-time service messages.

Formats follow src/shared/logs-show.c: "short" is `%b %d %H:%M:%S HOST IDENTIFIER[PID]: MESSAGE`,
"short-monotonic" is `[%5lu.%06lu] HOST ...`. Kernel entries come from the same ring buffer that dmesg
prints; messages that userspace wrote to /dev/kmsg ("systemd[1]: ...") keep their own identifier, as
journald-kmsg.c parses it. journald stamps the entries it reads from /dev/kmsg with the time it read them;
the simulator uses boot time + the kernel offset instead (a few seconds apart for the earliest lines).
Only the current boot is kept: the simulated journal does not outlive a reboot.
"""

from __future__ import annotations

import fnmatch
import re
import time

from simulator import emergency, units
from simulator.commands import Context, command
from simulator.commands.options import gnu
from simulator.commands.system import kernel_level
from simulator.patterns import PatternTooCostly, Regex, line_budget

# journal-util.c journal_access_check(), systemd 255: the ACL on /var/log/journal (tmpfiles.d/systemd.conf)
# names adm (and wheel, absent on Ubuntu), so the long form of the hint lists 'adm', 'systemd-journal'.
ACCESS_HINT = (
    "Hint: You are currently not seeing messages from other users and the system.\n"
    "      Users in groups 'adm', 'systemd-journal' can see all messages.\n"
    "      Pass -q to turn off this notice.\n"
)
READERS = {0, 4}  # root's group and adm; systemd-journal has no member in the images
USER_MANAGER_PID = 1021
OUTPUTS = ("short", "short-monotonic", "short-iso", "cat")
BOOT_ARG = re.compile(r"[+-]?\d+|[0-9a-f]{32}")
KMSG_IDENTIFIER = re.compile(r"(\S+)\[(\d+)\]: (.*)")
# syslog priorities by name (systemd's log_level_from_string), 0 to 7
PRIORITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")
UNIT_TYPES = ("service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice",
              "scope")  # fmt: skip
# A message systemd (PID 1) logs about a unit carries UNIT=, which `journalctl -u` matches as well.
UNIT_IN_MESSAGE = re.compile(r"[\w@\\.:-]+\.(?:" + "|".join(UNIT_TYPES) + r")\b")
# The unit whose processes log under an identifier (_SYSTEMD_UNIT=), as Ubuntu 24.04 runs them.
PROCESS_UNITS = {
    "systemd-journald": "systemd-journald.service",
    "systemd-networkd": "systemd-networkd.service",
    "cloud-init": "cloud-final.service",
    "sshd": "ssh.service",
}


def _system_entries(machine) -> list[tuple[float, str, str]]:
    """(offset, identifier, message) of services started at boot, after the kernel hands over.

    Plausible excerpts of an Ubuntu 24.04 boot (unit descriptions as systemd 255 prints them);
    not copied from one real journal.
    """
    entries = [
        (3.104512, "systemd-journald[312]", "Journal started"),
        (3.201877, "systemd[1]", "Starting systemd-networkd.service - Network Configuration..."),
        (3.442019, "systemd[1]", "Started systemd-networkd.service - Network Configuration."),
    ]
    if machine.emergency:
        return entries + _emergency_entries(machine)
    if machine.kind == "vm":
        entries.append((5.912233, "cloud-init[702]", "Cloud-init v. 24.3.1-0ubuntu0~24.04.2 finished"))
    if not _failed_at_boot(machine, "ssh"):
        entries.append((6.020114, "systemd[1]", "Started ssh.service - OpenBSD Secure Shell server."))
    entries += [
        (6.351402, "systemd[1]", "Reached target multi-user.target - Multi-User System."),
        (6.352019, "systemd[1]", "Startup finished in 1.874s (kernel) + 4.478s (userspace) = 6.352s."),
    ]
    return entries + _session_entries() + unit_entries(machine)


def _failed_at_boot(machine, name: str) -> bool:
    log = units.failure(machine, name).get("log", [])
    return bool(log) and log[0][0] == machine.boot_clock


def unit_entries(machine) -> list[tuple[float, str, str]]:
    """What units logged since the boot as they started, stopped and failed (simulator/units.py), at the
    uptime of each; entries of one moment a millisecond apart, in the order logged."""
    entries = []
    for record in machine.units.values():
        for i, (clock, identifier, message) in enumerate(record.get("log", [])):
            at = machine.uptime() - (machine.clock - clock) + i * 0.001
            entries.append((at if clock != machine.boot_clock else 5.8 + i * 0.001, identifier, message))
    return entries


def unit_lines(machine, unit: str, count: int = 10) -> str:
    """The unit's last journal lines, as `systemctl status` shows them under its state."""
    entries = sorted(e for e in unit_entries(machine) if _unit(e[1], e[2]) == unit)
    return "".join(
        _line(machine, at, ident, message, "short", True) for at, ident, message in entries[-count:]
    )


# -x (--catalog): the explanation systemd's message catalog (catalog/systemd.catalog.in) holds for the
# MESSAGE_ID= of PID 1's messages about units, as logs-show.c print_catalog prints it under the entry.
# Ubuntu builds systemd with support-url http://www.ubuntu.com/support (UNVERIFIED); job ids here are
# made up from the entry's time.
SUPPORT = "http://www.ubuntu.com/support"
CATALOG = (
    (re.compile(r"Starting (\S+) - .*\.\.\.$"), "A start job for unit {0} has begun execution",
     "A start job for unit {0} has begun execution.\n\nThe job identifier is {job}."),
    (re.compile(r"Started (\S+) - .*\.$"), "A start job for unit {0} has finished successfully",
     "A start job for unit {0} has finished successfully.\n\nThe job identifier is {job}."),
    (re.compile(r"Failed to start (\S+) - .*\.$"), "A start job for unit {0} has failed",
     "A start job for unit {0} has finished with a failure.\n\n"
     "The job identifier is {job} and the job result is failed."),
    (re.compile(r"Stopping (\S+) - .*\.\.\.$"), "A stop job for unit {0} has begun execution",
     "A stop job for unit {0} has begun execution.\n\nThe job identifier is {job}."),
    (re.compile(r"Stopped (\S+) - .*\.$"), "A stop job for unit {0} has finished",
     "A stop job for unit {0} has finished.\n\nThe job identifier is {job} and the job result is done."),
    (re.compile(r"(\S+): Deactivated successfully\.$"), "Unit succeeded",
     "The unit {0} has successfully entered the 'dead' state."),
    (re.compile(r"(\S+): Failed with result '([\w-]+)'\.$"), "Unit failed",
     "The unit {0} has entered the 'failed' state with result '{1}'."),
    (re.compile(r"(\S+): Control process exited, code=(\w+), status=(\d+)/\w+$"), "Unit process exited",
     "An ExecStartPre= process belonging to unit {0} has exited.\n\n"
     "The process' exit code is '{1}' and its exit status is {2}."),
    (re.compile(r"(\S+): Scheduled restart job, restart counter is at \d+\.$"),
     "Automatic restarting of a unit has been scheduled",
     "Automatic restarting of the unit {0} has been scheduled, as the result for\n"
     "the configured Restart= setting for the unit."),
)  # fmt: skip


def explanation(identifier: str, message: str, job: int) -> str:
    """The catalog text of an entry, each line after "░░ ", or "" for an entry without one."""
    if identifier != "systemd[1]":
        return ""
    for pattern, subject, body in CATALOG:
        found = pattern.match(message)
        if found:
            text = f"Subject: {subject}\nDefined-By: systemd\nSupport: {SUPPORT}\n\n{body}"
            text = text.format(*found.groups(), job=job)
            return "".join(f"\u2591\u2591 {line}\n" for line in text.split("\n"))
    return ""


def _emergency_entries(machine) -> list[tuple[float, str, str]]:
    """A boot that waited 90 s (DefaultTimeoutStartSec) for an fstab device and went to emergency mode:
    the job results systemd 255 logs (core/job.c job_emit_done_message, unit.c on OnFailure=)."""
    entries = []
    for spec, target in machine.emergency:
        device, mount = emergency.device_path(spec), emergency.escape_path(target) + ".mount"
        unit = emergency.escape_path(device) + ".device"
        entries += [
            (93.2, "systemd[1]", f"{unit}: Job {unit}/start timed out."),
            (93.2, "systemd[1]", f"Timed out waiting for device {unit} - {device}."),
            (93.2, "systemd[1]", f"Dependency failed for {mount} - {target}."),
            (93.2, "systemd[1]", f"{mount}: Job {mount}/start failed with result 'dependency'."),
        ]
    return entries + [
        (93.2, "systemd[1]", "Dependency failed for local-fs.target - Local File Systems."),
        (93.2, "systemd[1]", "local-fs.target: Job local-fs.target/start failed with result 'dependency'."),
        (93.2, "systemd[1]", "local-fs.target: Triggering OnFailure= dependencies."),
        (93.3, "systemd[1]", "Started emergency.service - Emergency Shell."),
        (93.3, "systemd[1]", "Reached target emergency.target - Emergency Mode."),
    ]


def _session_entries() -> list[tuple[float, str, str]]:
    """The learner's ssh login: what the user's own journal (user-1000.journal) holds."""
    manager = f"systemd[{USER_MANAGER_PID}]"
    return [
        (21.118230, manager, "Queued start job for default target default.target."),
        (21.131772, manager, "Created slice app.slice - User Application Slice."),
        (21.140115, manager, "Reached target default.target - Main User Target."),
        (21.140342, manager, "Startup finished in 98ms."),
    ]


def _kernel_entries(machine) -> list[tuple[float, str, str]]:
    entries = []
    for at, text in machine.dmesg:
        match = KMSG_IDENTIFIER.fullmatch(text)
        if match:
            entries.append((at, f"{match.group(1)}[{match.group(2)}]", match.group(3)))
        else:
            entries.append((at, "kernel", text))
    return entries


def _unit(identifier: str, message: str) -> str | None:
    """The unit an entry belongs to for `journalctl -u`: its process's unit, or the one PID 1 logs about."""
    name = identifier.partition("[")[0]
    if identifier == "systemd[1]":
        found = UNIT_IN_MESSAGE.search(message)
        return found.group(0) if found else None
    if name == "systemd":  # the learner's user manager
        return "user@1000.service"
    return PROCESS_UNITS.get(name)


# The levels systemd 255 logs its job results at (src/core/job.c: job_done_messages, the job timer and
# job_finish_and_invalidate); the other messages here are info.
JOB_MESSAGE_LEVELS = (
    (re.compile(r"Timed out waiting for "), 3),  # JOB_TIMEOUT: LOG_ERR
    (re.compile(r"Dependency failed for "), 4),  # JOB_DEPENDENCY: LOG_WARNING
    (re.compile(r"\S+: Job \S+ timed out\.$"), 4),  # job_dispatch_timer: log_unit_warning
    (re.compile(r"\S+: Job \S+ failed with result "), 5),  # LOG_NOTICE, before OnFailure=
    (re.compile(r"Failed to start "), 3),  # JOB_FAILED: LOG_ERR
    (re.compile(r"\S+: Control process exited, code="), 5),  # service.c: LOG_NOTICE for a failure
    (re.compile(r"\S+: Failed with result "), 4),  # unit_log_failure: LOG_WARNING
    (re.compile(r"\S+: Start request repeated too quickly\."), 4),  # LOG_WARNING
)


def _priority(identifier: str, message: str) -> int:
    """The syslog priority of an entry, which the model does not store: the kernel's printk level (as dmesg
    reads it), systemd's level for its job results, info for the rest."""
    if identifier == "kernel":
        return kernel_level(message)
    return next((level for pattern, level in JOB_MESSAGE_LEVELS if pattern.match(message)), 6)


def _mangled(unit: str) -> str:
    """unit_name_mangle() of systemd 255: a name without a unit type gets ".service"."""
    return unit if unit.rpartition(".")[2] in UNIT_TYPES else unit + ".service"


def _priorities(text: str) -> range | str:
    """-p: one priority (that one and the more urgent ones) or FROM..TO, by name or number (journalctl.c of
    systemd 255); the error message when the text is neither."""

    def level(word: str) -> int | None:
        if word.isascii() and word.isdigit() and int(word) < len(PRIORITIES):
            return int(word)
        return PRIORITIES.index(word) if word in PRIORITIES else None

    low, dots, high = text.partition("..")
    if not dots:
        chosen = level(text)
        return f"Unknown log level {text}" if chosen is None else range(0, chosen + 1)
    first, last = level(low), level(high)
    if first is None or last is None:
        return f"Failed to parse log level range {text}"
    return range(min(first, last), max(first, last) + 1)


def _line(machine, at: float, identifier: str, message: str, output: str, host: bool) -> str:
    boot = machine.now() - machine.uptime()
    if output == "cat":
        return message + "\n"
    if output == "short-monotonic":
        stamp = f"[{int(at):5d}.{round((at - int(at)) * 1e6):06d}]"
    elif output == "short-iso":
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(boot + at))
    else:
        stamp = time.strftime("%b %d %H:%M:%S", time.gmtime(boot + at))
    source = f"{machine.hostname} {identifier}" if host else identifier
    return f"{stamp} {source}: {message}\n"


def _normalise(args: list[str]) -> list[str]:
    """-b and -n take an optional argument that may be the next word (journalctl peeks at it); flags
    written together before them (`journalctl -xb`, as emergency mode suggests) are taken apart first."""
    args = [part for arg in args for part in _split_flags(arg)]
    out = []
    i = 0
    while i < len(args):
        arg = args[i]
        following = args[i + 1] if i + 1 < len(args) else ""
        if arg in ("-b", "--boot"):
            if BOOT_ARG.fullmatch(following):
                out.append(f"--boot={following}")
                i += 1
            else:
                out.append("--boot=0")
        elif arg in ("-n", "--lines"):
            if following.lstrip("+").isdigit():
                out.append(f"--lines={following}")
                i += 1
            else:
                out.append("--lines=10")
        else:
            out.append(arg)
        i += 1
    return out


def _split_flags(arg: str) -> list[str]:
    if re.fullmatch(r"-[kqrmaxef]+[bn]", arg):
        return [*(f"-{flag}" for flag in arg[1:-1]), f"-{arg[-1]}"]
    return [arg]


@command(
    "journalctl",
    man="""
journalctl - print log entries from the systemd journal

  journalctl -k (--dmesg)      kernel messages of this boot: what dmesg shows, with wall-clock times
  journalctl -b (-b 0)         this boot only        -n N    the last N entries
  journalctl -g PATTERN        entries whose message matches (case-insensitive if all lowercase)
  journalctl -u UNIT           entries of one unit (ssh = ssh.service) and what systemd logged about it
  journalctl -p err            entries of that priority and more urgent (emerg alert crit err warning
                               notice info debug, or 0-7; FROM..TO for a range)
  journalctl -o short-monotonic   seconds since boot, as dmesg   --no-pager  print without a pager
  journalctl -f (--follow)     the last 10 entries (or -n N); nothing new arrives here, so it ends there
  journalctl -xeu ssh.service  the unit's last 1000 entries (-e), systemd's explanations under its own (-x)
Members of the adm and systemd-journal groups (and root) read the whole journal; other users see only
their own messages and a hint. A Docker container has no journal.
""",
)
def journalctl(ctx: Context, argv: list[str]) -> int:
    return _journalctl(ctx, [argv[0], *_normalise(argv[1:])])


@gnu(
    "kb:n:g:o:qrmaxeu:p:f",
    {
        "unit=": "u",
        "priority=": "p",
        "dmesg": "k",
        "boot=": "b",
        "lines=": "n",
        "grep=": "g",
        "output=": "o",
        "quiet": "q",
        "reverse": "r",
        "no-pager": "no-pager",
        "no-hostname": "no-hostname",
        "merge": "m",
        "all": "a",
        "catalog": "x",
        "pager-end": "e",
        "follow": "f",
    },
)
def _journalctl(ctx: Context, opts, operands: list[str]) -> int:
    machine = ctx.machine
    output = opts.get("o", "short")
    if output not in OUTPUTS:
        ctx.err(f"Unknown output format '{output}'.\n")
        return 1
    if operands:
        ctx.err(f"Failed to add match '{operands[0]}': Invalid argument\n")
        return 1
    if "f" in opts and "r" in opts:
        ctx.err("Please specify either --reverse or --follow, not both.\n")
        return 1
    if "e" in opts and "n" not in opts:  # --pager-end shows the last 1000 entries (journalctl.c)
        opts.add("n", "1000")
    if "f" in opts and "n" not in opts:  # --follow starts from the last 10 entries (systemd 255)
        opts.add("n", "10")
    boot = opts.get("b", "0")
    if boot not in ("0", "-0", "+0", machine.boot_id):
        # Unverified wording; only the current boot is kept in the simulated journal.
        ctx.err(f"Data from the specified boot ({boot}) is not available: No such boot ID in journal\n")
        return 1
    quiet = "q" in opts
    if machine.spec["platform"] == "docker":
        if not quiet:
            ctx.err("No journal files were found.\n")
        ctx.out("-- No entries --\n")
        return 0
    privileged = ctx.is_root or bool(READERS & set(machine.groups(ctx.uid)))
    if not privileged and not quiet:
        ctx.err(ACCESS_HINT)
    entries = _kernel_entries(machine) if machine.kind != "container" else []
    if "k" in opts:
        entries = entries if privileged else []
    elif privileged:
        entries = sorted(entries + _system_entries(machine), key=lambda e: e[0])
    else:
        entries = _session_entries()
    unit = opts.get("u")
    if unit is not None:
        wanted = _mangled(unit)
        entries = [e for e in entries if fnmatch.fnmatchcase(_unit(e[1], e[2]) or "", wanted)]
    priority = opts.get("p")
    if priority is not None:
        chosen = _priorities(priority)
        if isinstance(chosen, str):
            ctx.err(chosen + "\n")
            return 1
        entries = [e for e in entries if _priority(e[1], e[2]) in chosen]
    pattern = opts.get("g")
    if pattern is not None:
        try:
            compiled = Regex(pattern, pattern == pattern.lower(), budget=line_budget(ctx))
            entries = [e for e in entries if compiled.search(e[2])]
        except re.error:
            ctx.err(f'Failed to compile pattern "{pattern}"\n')
            return 1
        except PatternTooCostly:
            # PCRE2 stops a runaway match at its match limit; journalctl then reports the failed match
            # (wording unverified).
            ctx.err(f'Failed to match pattern "{pattern}": match limit exceeded\n')
            return 1
    lines = opts.get("n")
    if lines is not None:
        if not (lines.isascii() and lines.lstrip("+").isdigit()):
            ctx.err(f'Failed to parse lines "{lines}"\n')
            return 1
        entries = entries[-int(lines) :] if int(lines) else []
    if "r" in opts:
        entries.reverse()
    explain = "x" in opts and output != "cat"
    ctx.out(
        "".join(
            _line(machine, at, ident, message, output, "no-hostname" not in opts)
            + (explanation(ident, message, round(at * 7)) if explain else "")
            for at, ident, message in entries
        )
    )
    if not entries:
        if not quiet:
            ctx.out("-- No entries --\n")
        return 1 if pattern is not None else 0
    return 0
