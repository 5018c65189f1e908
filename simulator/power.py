"""A machine that stops itself (poweroff, halt, a shutdown logind scheduled): what becomes of it and of
whatever keeps its state.

A KVM guest's domain is shut off at its host, as ACPI power-off ends QEMU (libvirt 10.0: `virsh list`
then shows "shut off", and networkd released its lease on the way down); a cloud instance goes SHUTOFF
(Nova 2024.1 notices the guest stopped itself); any other machine is simply off (`machine.stopped`) until
its power button is pressed (`power_on`). `halt` stops the CPU and leaves the power on: the domain stays
"running" and the instance ACTIVE, though nothing answers any more, as on real hardware.
"""

from __future__ import annotations

from simulator import libvirt


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


def stopped_here(machine) -> bool:
    """Whether the machine stopped itself and only its own power button brings it back (a guest's domain
    and an instance are started from their hypervisor or cloud instead)."""
    return bool(machine.stopped) and not machine.spec.get("host") and not machine.spec.get("cloud")
