"""The break builder: an instructor chooses which faults a host or clone lab plants, and a seed.

A recipe (scenario, faults, seed) always builds the same machine, so a class can share one, or each
student can get a variant by seed. Only the scenarios named in BREAKABLE take faults; the tasks follow
the faults: a planted fault that needs its own repair brings its task, a fault left out leaves nothing
to repair, and its check passes from the start.
"""

from __future__ import annotations

import copy
import functools
import random
import uuid
from dataclasses import dataclass

from simulator.scenarios import load_scenario


@dataclass(frozen=True)
class Fault:
    id: str
    family: str
    title: str


FAULTS = {
    fault.id: fault
    for fault in (
        Fault("virt-off", "host", "Hardware virtualization (VT-x / AMD-V) switched off in the firmware"),
        Fault("kvm-blacklisted", "host", "The CPU's KVM module blacklisted in /etc/modprobe.d"),
        Fault("wrong-kvm-module", "host", "The other maker's KVM module loaded at boot, this CPU's refused"),
        Fault("same-hostname", "clone", "The clone keeps its source's host name"),
        Fault("same-machine-id", "clone", "The clone keeps its source's machine ID"),
        Fault("same-ssh-keys", "clone", "The clone keeps its source's SSH host keys"),
        Fault("stale-fstab-uuid", "clone", "/etc/fstab names the source's root filesystem UUID"),
    )
}

BREAKABLE = {
    "intel-vtx-host": "host",
    "amd-v-host": "host",
    "vtx-disabled-host": "host",
    "clone-identifiers": "clone",
}

# What each clone fault keeps of the source (see world.clone_identity); a key not kept is made anew.
CLONE_KEEPS = {"same-hostname": "hostname", "same-machine-id": "machine_id", "same-ssh-keys": "ssh_keys"}

# Checks that belong to one fault: a task built only of them is dropped when its fault is not planted.
FAULT_CHECKS = {
    "hostname-changed": "same-hostname",
    "machine-id-regenerated": "same-machine-id",
    "ssh-host-keys-regenerated": "same-ssh-keys",
    "vtx-enabled-in-firmware": "virt-off",
}

# With faults chosen, the story no longer tells what is broken: finding out is part of the work.
STORIES = {
    "host": (
        "This machine should become a KVM host, but KVM is not ready on it. Find out what stands in the "
        "way, and get the kernel's KVM support working."
    ),
    "clone": (
        "web02 was made by copying the disk image of the KVM guest {source_hostname}, and the hypervisor "
        "gave it a MAC address of its own. Find out what else it still shares with its source, and make it "
        "a machine of its own, called web02."
    ),
}

FIRMWARE_TASK = {
    "id": "firmware",
    "title": "Enable hardware virtualization in the firmware",
    "instructions": (
        "While the firmware keeps VT-x / AMD-V switched off, KVM cannot use the CPU's extension. "
        "Switch it on in the firmware setup."
    ),
    "points": 3,
    "checks": [{"id": "vtx-enabled-in-firmware", "params": {}}],
    "hints": [
        "Try sudo modprobe for this CPU's KVM module, then read the reason with sudo dmesg | tail.",
        "The switch is in the firmware setup, reached with sudo systemctl reboot --firmware-setup.",
    ],
    "hint_cost": 1,
}

FSTAB_TASK = {
    "id": "fstab",
    "title": "Make /etc/fstab name the clone's own root filesystem",
    "instructions": (
        "The clone's root filesystem was given a new UUID when it was copied, but /etc/fstab still names "
        "the source's, so the next boot would not find /. Point the root line at the clone's filesystem."
    ),
    "points": 2,
    "checks": [{"id": "fstab-root-current", "params": {}}],
    "hints": [
        "blkid lists each filesystem's UUID and label; compare with the root line of /etc/fstab.",
        "Edit the line with sudo nano /etc/fstab (UUID= or LABEL= both work), or with sudo sed -i.",
    ],
    "hint_cost": 1,
}


class UnknownFault(ValueError):
    """A fault this scenario cannot plant."""


def faults_for(scenario_id: str) -> list[Fault]:
    family = BREAKABLE.get(scenario_id)
    return [fault for fault in FAULTS.values() if fault.family == family]


def check_faults(scenario_id: str, faults) -> tuple[str, ...]:
    """The faults in catalogue order, or UnknownFault naming the first one the scenario cannot plant."""
    allowed = {fault.id for fault in faults_for(scenario_id)}
    for fault in faults:
        if fault not in allowed:
            raise UnknownFault(f"{scenario_id} cannot plant {fault!r}")
    return tuple(fault for fault in FAULTS if fault in set(faults))


def variant_seed(seed: int, student: int) -> int:
    """Each student's own seed from the class's, the same every time it is asked for."""
    return random.Random(f"{seed}:{student}").randrange(2**31)


@functools.lru_cache(maxsize=64)
def scenario(scenario_id: str, faults: tuple[str, ...]) -> dict:
    """The scenario with the tasks the planted faults call for (shared, as load_scenario's: do not modify)."""
    base = copy.deepcopy(load_scenario(scenario_id))
    tasks = [task for task in base["tasks"] if _needed(task, faults)]
    if "virt-off" in faults and not any(t["id"] == "firmware" for t in tasks):
        tasks.insert(len(tasks) - 1 if tasks else 0, copy.deepcopy(FIRMWARE_TASK))
    if "stale-fstab-uuid" in faults:
        tasks.append(copy.deepcopy(FSTAB_TASK))
    base["tasks"] = tasks
    base["story"] = STORIES[BREAKABLE[scenario_id]]
    return base


def _needed(task: dict, faults: tuple[str, ...]) -> bool:
    """A task stays unless every one of its checks judges a fault that was not planted."""
    return any(FAULT_CHECKS.get(check["id"], "any") in ("any", *faults) for check in task["checks"])


def host_spec(spec: dict, faults: tuple[str, ...]) -> dict:
    """The host's spec with its firmware switch and its module configuration set by the faults.

    The scenario's own modprobe.d and modules-load.d files are dropped: the faults alone say what is there.
    """
    spec = dict(spec)
    vendor_intel = "intel" in spec.get("cpu", "intel")
    right, wrong = ("kvm_intel", "kvm_amd") if vendor_intel else ("kvm_amd", "kvm_intel")
    files = {
        path: text
        for path, text in (spec.get("files") or {}).items()
        if not path.startswith(("/etc/modprobe.d/", "/etc/modules-load.d/"))
    }
    spec["virt_enabled"] = "virt-off" not in faults
    if "kvm-blacklisted" in faults:
        files["/etc/modprobe.d/blacklist-kvm.conf"] = (
            f"# VirtualBox cannot start VMs while KVM holds the CPU's extension: keep {right} from loading.\n"
            f"blacklist {right}\n"
        )
    if "wrong-kvm-module" in faults:
        # An AMD host's configuration copied to an Intel one (or the reverse): it loads the other maker's
        # module by name and makes every load of this CPU's module fail (modprobe.d(5), "install").
        files["/etc/modules-load.d/kvm.conf"] = f"# KVM for this host\n{wrong}\n"
        files["/etc/modprobe.d/kvm.conf"] = f"# only {wrong} on this host\ninstall {right} /bin/false\n"
    spec["files"] = files
    return spec


def clone_identity(identity: dict, faults: tuple[str, ...], seed: int) -> tuple[dict, str | None]:
    """What of the source's identity the clone keeps, and the source's root UUID when fstab keeps it stale.

    A stale fstab: the copy's root filesystem got a new UUID (as virt-sysprep's fs-uuids operation or
    tune2fs -U gives one), while /etc/fstab, copied with the image, still names the old one.
    """
    kept = {key: value for key, value in identity.items() if key not in CLONE_KEEPS.values()}
    for fault, key in CLONE_KEEPS.items():
        if fault in faults:
            kept[key] = identity[key]
    stale = None
    if "stale-fstab-uuid" in faults:
        kept["disks"] = copy.deepcopy(identity["disks"])
        root = next(p for d in kept["disks"] for p in d["parts"] if p["mount"] == "/")
        stale = root["uuid"]
        root["uuid"] = str(uuid.UUID(int=random.Random(f"fstab:{seed}").getrandbits(128), version=4))
    return kept, stale


def stale_fstab(fstab: str, root_label: str, old_uuid: str) -> str:
    """The clone's fstab with its root line naming the source's filesystem by UUID."""
    lines = []
    for line in fstab.splitlines(keepends=True):
        fields = line.split()
        if fields and not fields[0].startswith("#") and len(fields) > 1 and fields[1] == "/":
            rest = line.split(None, 1)[1]
            line = f"UUID={old_uuid}\t{rest}" if root_label else f"/dev/disk/by-uuid/{old_uuid} {rest}"
        lines.append(line)
    return "".join(lines)
