"""systemd's units on a machine (systemd 255, Ubuntu 24.04): the services this model describes, the socket
that starts sshd, and what `systemctl` changed.

A unit's state is two things, as in systemd. Its unit file state is on disk, so it lasts across reboots:
enabled is a link in its target's .wants directory, masked a link to /dev/null in /etc/systemd/system,
static a unit without an [Install] section (archive.STATIC_UNITS); the links are what packages and
`systemctl enable/disable/mask/unmask` make and remove. Whether the unit runs now is what the boot decided
from those states, unless `systemctl start` or `stop` changed it since: `machine.units` keeps those
changes ({unit: {"active": bool, "since": clock}}), and a boot forgets them.

A unit can also have failed: its start ran a process that exited non-zero (ssh.service's ExecStartPre=
`sshd -t`, simulator/sshd.py). The record then holds the result ("failed": "exit-code"), the process that
failed ("process": [pid, status]) and what the start logged ("log": [[clock, identifier, message], ...]),
which the journal shows; `systemctl reset-failed`, a successful start and the next boot clear it.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator import sshd
from simulator.archive import SOCKET_ACTIVATED, SOCKET_WANTS, STATIC_UNITS, TARGET_WANTS, UNIT_WANTS
from simulator.syslog import RSYSLOG_PID

ETC = "/etc/systemd/system"


@dataclass(frozen=True)
class Service:
    description: str
    unit_file: str
    command: str
    pid: int
    memory: str
    docs: tuple[str, ...] = ()
    state: str = "running"
    triggered_by: str = ""
    status: str = ""  # what the daemon last told systemd (sd_notify STATUS=)
    vendor: str = "enabled"  # the distribution's preset (90-systemd.preset: enable *)
    reloads: bool = False  # whether the unit has an ExecReload=
    sysv: bool = False  # whether /etc/init.d holds a script of the same name (systemd-sysv-install)
    alias: str = ""  # its [Install] Alias=, linked by enable


SERVICES = {
    "ssh": Service(
        "OpenBSD Secure Shell server",
        "/usr/lib/systemd/system/ssh.service",
        '"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"',
        1051,
        "3.1M (peak: 4.0M)",
        ("man:sshd(8)", "man:sshd_config(5)"),
        triggered_by="ssh.socket",
        reloads=True,
        sysv=True,
        alias="sshd",
    ),
    "systemd-journald": Service(
        "Journal Service",
        "/usr/lib/systemd/system/systemd-journald.service",
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
        "/usr/lib/systemd/systemd-networkd",
        598,
        "2.9M (peak: 3.4M)",
        ("man:systemd-networkd.service(8)", "man:org.freedesktop.network1(5)"),
        triggered_by="systemd-networkd.socket",
        status="Processing requests...",
    ),
    # cloud-init 24.3.1-0ubuntu0~24.04.2: Ubuntu's no-single-process.patch keeps the four oneshot stages
    # (RemainAfterExit=yes, no Documentation=) and the name cloud-init.service, which upstream 24.3 renamed
    # cloud-init-network.service; the pid is the stage's ExecStart= process, long exited.
    "cloud-init-local": Service(
        "Cloud-init: Local Stage (pre-network)",
        "/usr/lib/systemd/system/cloud-init-local.service",
        "",
        512,
        "",
        state="exited",
    ),
    "cloud-init": Service(
        "Cloud-init: Network Stage", "/usr/lib/systemd/system/cloud-init.service", "", 655, "", state="exited"
    ),
    "cloud-config": Service(
        "Cloud-init: Config Stage",
        "/usr/lib/systemd/system/cloud-config.service",
        "",
        889,
        "",
        state="exited",
    ),
    "cloud-final": Service(
        "Cloud-init: Final Stage", "/usr/lib/systemd/system/cloud-final.service", "", 934, "", state="exited"
    ),
    "qemu-guest-agent": Service(
        "QEMU Guest Agent",
        "/usr/lib/systemd/system/qemu-guest-agent.service",
        "/usr/sbin/qemu-ga",
        702,
        "1.6M (peak: 2.0M)",
    ),
    "open-vm-tools": Service(
        "Service for virtual machines hosted on VMware",
        "/usr/lib/systemd/system/open-vm-tools.service",
        "/usr/bin/vmtoolsd",
        702,
        "6.3M (peak: 6.8M)",
        ("http://open-vm-tools.sourceforge.net/about",),
    ),
    # open-vm-tools' vgauth.service (ConditionVirtualization=vmware, ExecStart=/usr/bin/VGAuthService);
    # UNVERIFIED: Debian's Description= and the memory figures
    "vgauth": Service(
        "Authentication service for virtual machines hosted on VMware",
        "/usr/lib/systemd/system/vgauth.service",
        "/usr/bin/VGAuthService",
        701,
        "2.0M (peak: 2.4M)",
        ("http://github.com/vmware/open-vm-tools",),
    ),
    # Debian's virtualbox-guest-utils.service (UNVERIFIED: description and command line from memory)
    "virtualbox-guest-utils": Service(
        "Virtualbox guest utils",
        "/usr/lib/systemd/system/virtualbox-guest-utils.service",
        "/usr/sbin/VBoxService",
        702,
        "2.4M (peak: 3.0M)",
    ),
    # The services of the host-side packages (docker.io, containerd, libvirt, lxc), as their units name them.
    "docker": Service(
        "Docker Application Container Engine",
        "/usr/lib/systemd/system/docker.service",
        "/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
        1402,
        "28.4M (peak: 30.1M)",
        ("https://docs.docker.com",),
        triggered_by="docker.socket",
        reloads=True,
    ),
    "containerd": Service(
        "containerd container runtime",
        "/usr/lib/systemd/system/containerd.service",
        "/usr/bin/containerd",
        1388,
        "20.2M (peak: 21.0M)",
        ("https://containerd.io",),
    ),
    "libvirtd": Service(
        "libvirt legacy monolithic daemon",
        "/usr/lib/systemd/system/libvirtd.service",
        "/usr/sbin/libvirtd --timeout 120",
        1420,
        "9.6M (peak: 10.2M)",
        ("man:libvirtd(8)", "https://libvirt.org/"),
        triggered_by="libvirtd.socket",
        reloads=True,
    ),
    "virtlogd": Service(
        "libvirt logging daemon",
        "/usr/lib/systemd/system/virtlogd.service",
        "/usr/sbin/virtlogd",
        1418,
        "1.4M (peak: 1.8M)",
        ("man:virtlogd(8)", "https://libvirt.org/"),
        triggered_by="virtlogd.socket",
    ),
    "lxc": Service(
        "LXC Container Initialization and Autoboot Code",
        "/usr/lib/systemd/system/lxc.service",
        "",
        0,
        "",
        ("man:lxc-autostart", "man:lxc"),
        state="exited",
    ),
    "lxc-net": Service(
        "LXC network bridge setup",
        "/usr/lib/systemd/system/lxc-net.service",
        "",
        0,
        "",
        state="exited",
    ),
    # nginx 1.24.0-2ubuntu7's nginx.service (Description=, Documentation=, ExecReload=), a forking daemon
    # whose master process names itself as below; nginx-common ships /etc/init.d/nginx. Only the master is
    # shown (no worker processes, no ExecStartPre/ExecStart "Process:" lines).
    "nginx": Service(
        "A high performance web server and a reverse proxy server",
        "/usr/lib/systemd/system/nginx.service",
        '"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"',
        1187,
        "2.9M (peak: 3.3M)",
        ("man:nginx(8)",),
        reloads=True,
        sysv=True,
    ),
    # Ubuntu's rsyslog.service (checked against copies of the installed file): Description=, the three
    # Documentation= lines, ExecStart=, Alias=syslog.service, Requires=syslog.socket (which journald
    # forwards to); its PID is the one its start line in /var/log/syslog names (simulator/syslog.py).
    # Not shown: the "Process:" line of its ExecStartPre= (reload-apparmor-profile). UNVERIFIED: memory.
    "rsyslog": Service(
        "System Logging Service",
        "/usr/lib/systemd/system/rsyslog.service",
        "/usr/sbin/rsyslogd -n -iNONE",
        RSYSLOG_PID,
        "3.0M (peak: 3.5M)",
        ("man:rsyslogd(8)", "man:rsyslog.conf(5)", "https://www.rsyslog.com/doc/"),
        triggered_by="syslog.socket",
        alias="syslog",
    ),
    "hv-kvp-daemon": Service(
        "Hyper-V KVP Protocol Daemon",
        "/usr/lib/systemd/system/hv-kvp-daemon.service",
        "/usr/sbin/hv_kvp_daemon -n",
        702,
        "1.1M (peak: 1.6M)",
    ),
}


@dataclass(frozen=True)
class Socket:
    """A socket unit that starts its service on the first connection (socket activation)."""

    description: str
    unit_file: str
    service: str
    listen: str


# openssh-server 1:9.6p1-3ubuntu13's ssh.socket (its Description= line)
SOCKETS = {
    "ssh.socket": Socket(
        "OpenBSD Secure Shell server socket", "/usr/lib/systemd/system/ssh.socket", "ssh", "[::]:22 (Stream)"
    ),
}


def full_name(name: str) -> str:
    """The unit's file name: the model names a service without its .service suffix."""
    return name if name in SOCKETS else f"{name}.service"


def _wants(name: str) -> str:
    """Where `enable` links the unit: its [Install] WantedBy= target's .wants directory."""
    if name in SOCKETS:
        return f"{SOCKET_WANTS}/{full_name(name)}"
    return f"{TARGET_WANTS.get(name, UNIT_WANTS)}/{full_name(name)}"


def unit_file(name: str) -> str:
    return SOCKETS[name].unit_file if name in SOCKETS else SERVICES[name].unit_file


def file_state(machine, name: str) -> str:
    """enabled, disabled, static or masked, as the links on disk say: what `systemctl is-enabled` prints."""
    fs = machine.fs
    masked = f"{ETC}/{full_name(name)}"
    if fs.lexists(masked) and fs.lstat(masked).kind == "symlink" and fs.lstat(masked).target == "/dev/null":
        return "masked"
    if name in STATIC_UNITS:
        return "static"
    return "enabled" if fs.lexists(_wants(name)) else "disabled"


def socket_of(name: str) -> str:
    """The socket unit that activates a service, when this model knows it."""
    return SOCKET_ACTIVATED.get(name, "")


def starts_at_boot(machine, name: str) -> bool:
    """Whether a boot starts the unit: enabled or static (pulled in by what needs it), or, for a service
    that is not, its socket enabled: the first connection starts it (ssh on Ubuntu 24.04, where the
    learner's own login did)."""
    state = file_state(machine, name)
    if state == "masked":
        return False
    if state in ("enabled", "static"):
        return True
    socket = socket_of(name)
    return bool(socket) and starts_at_boot(machine, socket)


def active(machine, name: str) -> bool:
    """Whether the unit runs now: as `systemctl start/stop` left it since the boot, else as the boot did."""
    record = machine.units.get(name, {})
    return record["active"] if "active" in record else starts_at_boot(machine, name)


def since(machine, name: str) -> int | None:
    """The machine clock when the unit last started or stopped since the boot (None: at the boot)."""
    return machine.units.get(name, {}).get("since")


def set_active(machine, name: str, running: bool) -> None:
    """Started or stopped now: a failure is forgotten, what the unit logged stays."""
    logged = machine.units.get(name, {}).get("log")
    machine.units[name] = {"active": running, "since": machine.clock, **({"log": logged} if logged else {})}


def _keep_running_state(machine, name: str) -> None:
    """A change of unit file state counts from the next boot: whether the unit runs now stays as it is."""
    if name not in machine.units:
        machine.units[name] = {"active": active(machine, name)}


def enable(machine, name: str) -> list[str]:
    """The links `systemctl enable` makes (none when they are there already), as it reports them."""
    if file_state(machine, name) != "disabled":
        return []
    _keep_running_state(machine, name)
    made = []
    alias = SERVICES[name].alias if name in SERVICES else ""
    if alias and not machine.fs.lexists(f"{ETC}/{alias}.service"):
        machine.fs.add_symlink(f"{ETC}/{alias}.service", unit_file(name))
        made.append(f"Created symlink {ETC}/{alias}.service \u2192 {unit_file(name)}.")
    machine.fs.add_symlink(_wants(name), unit_file(name))
    return [*made, f"Created symlink {_wants(name)} \u2192 {unit_file(name)}."]


def disable(machine, name: str) -> list[str]:
    """The links `systemctl disable` removes, the alias's first: install.c walks /etc/systemd/system in
    readdir order, and Ubuntu 24.04's `systemctl disable ssh` is seen to say sshd.service's first."""
    if file_state(machine, name) != "enabled":
        return []
    _keep_running_state(machine, name)
    alias = SERVICES[name].alias if name in SERVICES else ""
    removed = [path for path in (f"{ETC}/{alias}.service" if alias else "", _wants(name)) if path]
    removed = [path for path in removed if machine.fs.lexists(path)]
    for path in removed:
        machine.fs.discard(path)
    return [f'Removed "{path}".' for path in removed]


def mask(machine, name: str) -> list[str]:
    """Link the unit to /dev/null: nothing starts it, not even by hand; its .wants links stay."""
    if file_state(machine, name) == "masked":
        return []
    _keep_running_state(machine, name)
    machine.fs.add_symlink(f"{ETC}/{full_name(name)}", "/dev/null")
    return [f"Created symlink {ETC}/{full_name(name)} \u2192 /dev/null."]


def unmask(machine, name: str) -> list[str]:
    if file_state(machine, name) != "masked":
        return []
    _keep_running_state(machine, name)
    machine.fs.discard(f"{ETC}/{full_name(name)}")
    return [f'Removed "{ETC}/{full_name(name)}".']


def boot(machine) -> None:
    """A boot forgets what was started, stopped or failed since the last; the unit files stay as they are
    on disk, and a unit the boot starts fails again if what broke it is still there."""
    machine.units.clear()
    start_checked(machine)


def start_checked(machine) -> None:
    """The boot's start of the units whose check can fail: decided again when what runs before them in the
    boot (cloud-init, which makes a new instance's host keys) has changed what they check."""
    for name in CHECKED:
        if machine.units.get(name, {}).get("since") == machine.boot_clock:
            del machine.units[name]
        if starts_at_boot(machine, name) and sshd.check(machine.fs)[0]:
            start(machine, name, stopping=False)


def failed(machine, name: str) -> str:
    """The result of a unit that failed ("exit-code", "service-start-limit-hit"), or ""."""
    return machine.units.get(name, {}).get("failed", "")


def failure(machine, name: str) -> dict:
    return machine.units.get(name, {})


# The services whose start runs a check that can fail: ssh.service's ExecStartPre=/usr/sbin/sshd -t
# (openssh-server 1:9.6p1-3ubuntu13's unit, Restart=on-failure, RestartPreventExitStatus=255).
CHECKED = {"ssh": "/usr/sbin/sshd -t"}
START_LIMIT_BURST = 5  # systemd 255's DefaultStartLimitBurst= (in DefaultStartLimitIntervalSec=10s)
EXIT_NAMES = {1: "FAILURE", 255: "EXCEPTION"}  # shared/exit-status.c
LOG_KEPT = 200  # a unit's latest journal entries kept with the lab (a loop of restarts stays bounded)


def _title(name: str) -> str:
    """unit_status_string: the unit and its description, as systemd 255 logs a job's start and result."""
    return f"{full_name(name)} - {SERVICES[name].description}"


def start(machine, name: str, stopping: bool, tries: int = 0) -> bool:
    """Start a unit (a restart stops it first): its check runs, and a failure is kept with what systemd
    255 logs. Restart=on-failure tries again up to the start limit, except after exit status 255
    (RestartPreventExitStatus=); `tries` forces that many starts (a socket starting it again and again)."""
    if name not in CHECKED:
        set_active(machine, name, True)
        return True
    status, messages = sshd.check(machine.fs)
    unit = full_name(name)
    ran = {}
    if stopping:  # how long the run now ending lasted: from its start since the boot, or 4 s into the boot
        started = since(machine, name)
        at_boot = int(machine.clock - machine.uptime()) + 4
        ran = {"ran": machine.clock - (at_boot if started is None else started)}
    log = [f"Stopping {_title(name)}...", f"{unit}: Deactivated successfully.", f"Stopped {_title(name)}."]
    log = [("systemd[1]", message) for message in log] if stopping else []
    if not status:
        log += [("systemd[1]", f"Starting {_title(name)}..."), ("systemd[1]", f"Started {_title(name)}.")]
        _record(machine, name, {"active": True}, log)
        _start_socket(machine, name)
        return True
    restarts = status != 255
    attempts = tries or (START_LIMIT_BURST if restarts else 1)
    pid = 1800 + machine.clock % 400
    for attempt in range(1, attempts + 1):
        pid += 3
        log += [("systemd[1]", f"Starting {_title(name)}...")]
        log += [(f"sshd[{pid}]", message) for message in messages]
        exited = f"{unit}: Control process exited, code=exited, status={status}/{EXIT_NAMES[status]}"
        log += [
            ("systemd[1]", exited),
            ("systemd[1]", f"{unit}: Failed with result 'exit-code'."),
            ("systemd[1]", f"Failed to start {_title(name)}."),
        ]
        if restarts:
            log.append(("systemd[1]", f"{unit}: Scheduled restart job, restart counter is at {attempt}."))
    if attempts == START_LIMIT_BURST:  # service_start: unit_test_start_limit() refuses the next start
        log += [
            ("systemd[1]", f"{unit}: Start request repeated too quickly."),
            ("systemd[1]", f"{unit}: Failed with result 'exit-code'."),  # the first failure's result stays
            ("systemd[1]", f"Failed to start {_title(name)}."),
        ]
    _record(machine, name, {"active": False, "failed": "exit-code", "process": [pid, status], **ran}, log)
    return False


def _record(machine, name: str, state: dict, log: list[tuple[str, str]]) -> None:
    """The unit's new state since now, its log added to what this boot logged of it before."""
    logged = machine.units.get(name, {}).get("log", [])
    stamped = [[machine.clock, identifier, message] for identifier, message in log]
    machine.units[name] = {**state, "since": machine.clock, "log": (logged + stamped)[-LOG_KEPT:]}


def _start_socket(machine, service: str) -> None:
    """A started service brings its failed socket back (UNVERIFIED: as if ssh.service Requires=ssh.socket)."""
    socket = socket_of(service)
    if socket and failed(machine, socket):
        set_active(machine, socket, True)


def reset_failed(machine, name: str) -> None:
    """`systemctl reset-failed`: a failed unit becomes inactive, its log stays in the journal."""
    record = machine.units.get(name)
    if record and record.get("failed"):
        record.pop("failed")
        record.pop("process", None)


def connect(machine, service: str) -> str:
    """A client connects to a service's port: "accepted" if it runs, or its socket listens and starts it
    (socket activation); "refused" when nothing listens.

    A socket whose service fails to start keeps the connection queued and starts the service again until
    the service hits its start limit; the socket then fails too (socket.c, socket_trigger_notify: result
    service-start-limit-hit) and closes its listening socket, which resets the queued connection: "reset".
    """
    if active(machine, service):
        return "accepted"
    socket = socket_of(service)
    if not socket or not active(machine, socket):
        return "refused"
    if start(machine, service, stopping=False, tries=START_LIMIT_BURST):
        return "accepted"
    _record(machine, socket, {"active": False, "failed": "service-start-limit-hit"},
            [("systemd[1]", f"{socket}: Failed with result 'service-start-limit-hit'.")])  # fmt: skip
    return "reset"
