"""systemd's units on a machine (systemd 255, Ubuntu 24.04): the services this model describes, the sockets
that start some of them, and what `systemctl` changed since the image in `machine.units`.

A unit's state is two things, as in systemd: its unit file state (enabled, disabled, static, masked), kept
across reboots, and whether it runs now, which a boot recomputes from the unit file states (a transient
`systemctl start` or `stop` is forgotten). `machine.units` holds only what differs from the image:
{unit: {"file": state, "active": bool, "since": clock}}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    description: str
    unit_file: str
    preset: str  # the unit file's state as installed: enabled | static | disabled
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


SERVICES = {
    "ssh": Service(
        "OpenBSD Secure Shell server",
        "/usr/lib/systemd/system/ssh.service",
        "disabled",
        '"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"',
        1051,
        "3.1M (peak: 4.0M)",
        ("man:sshd(8)", "man:sshd_config(5)"),
        triggered_by="ssh.socket",
        reloads=True,
        sysv=True,
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
        reloads=True,
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
        reloads=True,
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


@dataclass(frozen=True)
class Socket:
    """A socket unit that starts its service on the first connection (socket activation)."""

    description: str
    unit_file: str
    service: str
    listen: str
    preset: str = "enabled"


# openssh-server 1:9.6p1-3ubuntu13's ssh.socket, docker.io's docker.socket (descriptions as their units say)
SOCKETS = {
    "ssh.socket": Socket(
        "OpenBSD Secure Shell server socket", "/usr/lib/systemd/system/ssh.socket", "ssh", "[::]:22 (Stream)"
    ),
    "docker.socket": Socket(
        "Docker Socket for the API",
        "/usr/lib/systemd/system/docker.socket",
        "docker",
        "/run/docker.sock (Stream)",
    ),
}


def _record(machine, name: str) -> dict:
    return machine.units.get(name, {})


def file_state(machine, name: str) -> str:
    """enabled, disabled, static or masked: what `systemctl is-enabled` prints."""
    installed = (
        SERVICES[name].preset if name in SERVICES else SOCKETS[name].preset if name in SOCKETS else "enabled"
    )
    return _record(machine, name).get("file", installed)


def socket_of(name: str) -> str:
    """The socket unit that activates a service, when this model knows it."""
    return next((socket for socket, unit in SOCKETS.items() if unit.service == name), "")


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
    record = _record(machine, name)
    return record["active"] if "active" in record else starts_at_boot(machine, name)


def since(machine, name: str) -> int | None:
    """The machine clock when the unit last started or stopped since the boot (None: at the boot)."""
    return _record(machine, name).get("since")


def set_active(machine, name: str, running: bool) -> None:
    machine.units.setdefault(name, {}).update(active=running, since=machine.clock)


def set_file_state(machine, name: str, state: str) -> None:
    """A new unit file state counts from the next boot: whether the unit runs now stays as it is."""
    running = active(machine, name)
    record = machine.units.setdefault(name, {})
    record.setdefault("active", running)
    record["file"] = state


def mask(machine, name: str) -> bool:
    """Link the unit to /dev/null; what its file state was comes back with unmask. False if it was masked."""
    state = file_state(machine, name)
    if state == "masked":
        return False
    set_file_state(machine, name, "masked")
    machine.units[name]["unmasked"] = state
    return True


def unmask(machine, name: str) -> bool:
    """Remove the /dev/null link: the unit file state is what it was. False if it was not masked."""
    if file_state(machine, name) != "masked":
        return False
    set_file_state(machine, name, machine.units[name].pop("unmasked"))
    return True


def boot(machine) -> None:
    """A boot forgets what was started or stopped by hand; the unit file states stay."""
    for name in list(machine.units):
        record = machine.units[name]
        record.pop("active", None)
        record.pop("since", None)
        if not record:
            del machine.units[name]


def accept_connection(machine, service: str) -> bool:
    """A client connects to a service's port: the service answers if it runs, or its socket listens and
    starts it (socket activation); else the connection is refused."""
    if active(machine, service):
        return True
    socket = socket_of(service)
    if socket and active(machine, socket):
        set_active(machine, service, True)
        return True
    return False
