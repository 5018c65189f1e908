"""What a guest's serial console (`virsh console`) shows as the guest goes down and comes up again: the
guest boots with console=ttyS0 and without `quiet` (layout.cmdline), so the kernel's messages and systemd
255's status lines (status_unit_format=combined: "UNIT - DESCRIPTION", as emergency.py) reach it.

Kept short: a real console shows every unit stopped and started; this shows the ones a learner knows
(the services this model runs), in systemd's order, and the kernel's last line (kernel/reboot.c, "reboot: "
prefix). After a boot, agetty on ttyS0 shows /etc/issue ("Ubuntu 24.04.1 LTS \\n \\l") and logs the
learner in as `agetty --autologin` words it ("HOST login: USER (automatic login)"): GuestLab's console is
always logged in, where a real one would ask for a name and a password.
"""

from __future__ import annotations

from simulator import layout, units

STOPPED = "[  OK  ] Stopped"
# the action's final service and target (systemd-reboot.service etc.), and the kernel's last word
FINAL = {
    "reboot": (
        "systemd-reboot.service - System Reboot",
        "reboot.target - System Reboot",
        "Restarting system",
    ),
    "poweroff": (
        "systemd-poweroff.service - System Power Off",
        "poweroff.target - System Power Off",
        "Power down",
    ),
    "halt": ("systemd-halt.service - System Halt", "halt.target - System Halt", "System halted"),
}
SHUTDOWN_SECONDS = 2.0  # from the request to the kernel's last line, the services being quick to stop
SERVICES = ("ssh", "qemu-guest-agent", "systemd-networkd")  # the units shown stopping, in systemd's order


def shutdown(machine, action: str, uptime: float) -> str:
    """The lines from systemd's stopping the services to the kernel's last one; `uptime` is the machine's
    when the shutdown was asked for (the kernel stamps its line a moment later)."""
    if machine.emergency:  # the boot stopped before local-fs.target: only the emergency shell runs
        unit = "emergency.service - Emergency Shell"
        lines = [f"{STOPPED} target emergency.target - Emergency Mode."]
        lines += [f"         Stopping {unit}...", f"{STOPPED} {unit}."]
    else:
        lines = [f"{STOPPED} target multi-user.target - Multi-User System."]
        for name in SERVICES:
            if units.active(machine, name):
                unit = f"{name}.service - {units.SERVICES[name].description}"
                lines += [f"         Stopping {unit}...", f"{STOPPED} {unit}."]
    service, target, last = FINAL[action]
    lines += [
        "[  OK  ] Reached target shutdown.target - System Shutdown.",
        "[  OK  ] Reached target final.target - Late Shutdown Services.",
        f"[  OK  ] Finished {service}.",
        f"[  OK  ] Reached target {target}.",
        f"[{uptime + SHUTDOWN_SECONDS:12.6f}] reboot: {last}",
    ]
    return "\n".join(lines) + "\n"


def boot(machine, login: bool = True) -> str:
    """The boot up to the login (or only up to multi-user.target, when the terminal goes back to a shell
    of its own), or up to where emergency mode stops it (emergency.console goes on)."""
    lines = []
    for at, text in machine.dmesg:
        lines.append(f"[{at:12.6f}] {text}")
        if text == "systemd[1]: Detected architecture x86-64.":
            lines += ["", f"Welcome to {layout.OS_PRETTY}!", ""]
    if machine.emergency:
        return "\n".join(lines) + "\n"
    lines.append("[  OK  ] Reached target local-fs.target - Local File Systems.")
    if units.active(machine, "systemd-networkd"):
        lines.append(
            f"[  OK  ] Started systemd-networkd.service - {units.SERVICES['systemd-networkd'].description}."
        )
    if units.active(machine, "ssh.socket"):
        lines.append(f"[  OK  ] Listening on ssh.socket - {units.SOCKETS['ssh.socket'].description}.")
    if units.active(machine, "qemu-guest-agent"):
        lines.append(
            f"[  OK  ] Started qemu-guest-agent.service - {units.SERVICES['qemu-guest-agent'].description}."
        )
    lines += [
        "[  OK  ] Started serial-getty@ttyS0.service - Serial Getty on ttyS0.",
        "[  OK  ] Reached target multi-user.target - Multi-User System.",
    ]
    if not login:
        return "\n".join(lines) + "\n"
    host = machine.hostname
    lines += [
        "",
        f"{layout.OS_PRETTY} {host} ttyS0",
        "",
        f"{host} login: learner (automatic login)",
        "",
        f"Welcome to {layout.OS_PRETTY} (GNU/Linux {layout.RELEASE} x86_64)",
        "",
    ]
    return "\n".join(lines) + "\n"
