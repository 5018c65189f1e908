"""A machine that stops itself (poweroff, halt, a shutdown logind scheduled): what becomes of it and of
whatever keeps its state.

A KVM guest's domain is shut off at its host, as ACPI power-off ends QEMU (libvirt 10.0: `virsh list`
then shows "shut off", and networkd released its lease on the way down); a cloud instance goes SHUTOFF
(Nova 2024.1 notices the guest stopped itself); any other machine is simply off (`machine.stopped`) until
its power button is pressed (`power_on`). `halt` stops the CPU and leaves the power on: the domain stays
"running" and the instance ACTIVE, though nothing answers any more, as on real hardware.
"""

from __future__ import annotations

import time

from simulator import libvirt

# action: (logind's method, handle_action_verb_to_string, logind_show_shutdown's word)
ACTIONS = {
    "poweroff": ("PowerOff", "power off", "Shutdown"),
    "reboot": ("Reboot", "reboot", "Reboot"),
    "halt": ("Halt", "halt", "Shutdown"),
}
# logind-utmp.c when_wall: the minutes left at which logind says it again (every minute of the last ten)
WALL_MINUTES = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 25, 40, 55, 70, 100, 130, 150, 180)


def stamp(seconds: int) -> str:
    """FORMAT_TIMESTAMP in UTC, as logind and systemctl print the moments of a shutdown."""
    return time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def broadcast(machine, message: str) -> str:
    """utmp_wall's text as a terminal shows it: from root on sudo's pts/1, at the machine's time."""
    header = f"Broadcast message from root@{machine.hostname} on pts/1 ({stamp(machine.now())}):"
    return f"\n{header}\n\n{message}\n\n"


def announcement(machine) -> str:
    """warn_wall's message for the scheduled shutdown: the admin's words first, then when it happens."""
    scheduled = machine.shutdown
    verb = ACTIONS[scheduled["action"]][1]
    left = scheduled["at"] > machine.clock
    when = f"at {stamp(machine.now() - machine.clock + scheduled['at'])}" if left else "now"
    text = f"The system will {verb} {when}!"
    return f"{scheduled['message']}\n{text}" if scheduled.get("message") else text


def next_wall(at: int, last: int) -> int:
    """when_wall: the clock of logind's next reminder after the one it gave at `last`."""
    left = at - last
    for before, minutes in zip(WALL_MINUTES, WALL_MINUTES[1:], strict=False):
        if minutes * 60 >= left:
            return last + left - before * 60
    return last + left % 3600


def power_off(machine, action: str) -> None:
    """The machine goes down for good: "poweroff" or "halt". A KVM host's running guests are shut down
    first, as libvirt-guests.service does (Ubuntu's default ON_SHUTDOWN=shutdown)."""
    for name, domain in list(libvirt.domains(machine).items()):
        if domain["state"] == "running":
            libvirt.stop(machine, name, clean=True)
    network = getattr(machine, "network", None)
    if action == "halt" or network is None:
        machine.stopped = action
        return
    name = network.name_of(machine)
    host = network.machine(machine.spec["host"]) if machine.spec.get("host") else None
    cloud = network.world.cloud if machine.spec.get("cloud") else None
    if host is not None:
        domain = next((d for d, found in libvirt.domains(host).items() if found["machine"] == name), None)
        if domain is not None:
            libvirt.stop(host, domain, clean=True)
            return
    if cloud is not None and cloud.shut_down_by_guest(name):
        return
    machine.stopped = action


def power_on(machine) -> None:
    """The power button of a machine that stopped itself: it boots again, its files as it left them."""
    machine.tick(20)
    machine.boot()


def due(machine) -> str:
    """The action of a scheduled shutdown whose time has come on the machine's clock, or ""."""
    if machine.shutdown and machine.clock >= machine.shutdown["at"]:
        return machine.shutdown["action"]
    return ""


def reminder_due(machine) -> bool:
    """Whether logind walls the scheduled shutdown again now (and remembers that it did)."""
    scheduled = machine.shutdown
    if not scheduled or machine.clock >= scheduled["at"]:
        return False
    if machine.clock < next_wall(scheduled["at"], scheduled["warned"]):
        return False
    scheduled["warned"] = machine.clock
    return True


def stopped_here(machine) -> bool:
    """Whether the machine stopped itself and only its own power button brings it back (a guest's domain
    and an instance are started from their hypervisor or cloud instead)."""
    return bool(machine.stopped) and not machine.spec.get("host") and not machine.spec.get("cloud")
