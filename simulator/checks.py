"""Task checks: a registry of plain functions that judge the machine's state or the learner's answer.

A check is `check(world, params, answer) -> (passed, detail)`: it never looks at the commands typed, so every
valid way to reach the goal passes, and its detail says in plain words what it looked at and what it found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from simulator.filesystem import FsError
from simulator.hardware import PLATFORMS
from simulator.keys import KEY_NAMES, MACHINE_ID, host_key_fingerprints

CHECKS: dict[str, Callable] = {}
TITLES: dict[str, str] = {}

HYPERVISOR_NAMES = {
    "kvm": ("kvm", "qemu", "qemu/kvm", "kvm/qemu", "linux kvm", "libvirt", "proxmox"),
    "oracle": ("oracle", "virtualbox", "virtual box", "vbox", "innotek", "oracle vm virtualbox"),
    "vmware": ("vmware", "esxi", "vsphere", "vmware workstation"),
    "microsoft": ("microsoft", "hyper-v", "hyperv", "hyper v", "azure"),
    "xen": ("xen", "xen hvm", "xenserver", "xcp-ng", "citrix hypervisor"),
}
CONTAINER_KINDS = {
    "system": (
        "system",
        "system container",
        "os container",
        "operating system container",
        "full os",
        "machine container",
        "lxc-style",
    ),
    "application": (
        "application",
        "application container",
        "app",
        "app container",
        "process container",
        "single application",
        "single process",
    ),
}
RUNTIME_NAMES = {
    "lxc": ("lxc", "lxd", "incus", "linux containers"),
    "docker": ("docker", "moby", "docker engine"),
}
YES = ("yes", "y", "true")
LIKE_YES = ("supported", "capable", "vt-x", "vtx", "vmx", "svm", "amd-v", "amdv", "exposed", "present")
NO = ("no", "n", "false", "not", "none", "unsupported", "incapable", "absent", "hidden", "missing")


def check(check_id: str, title: str):
    def register(fn):
        CHECKS[check_id] = fn
        TITLES[check_id] = title
        return fn

    return register


def normalise(text: str) -> str:
    """Lower case, punctuation other than - / _ : turned into spaces, spaces collapsed."""
    return " ".join(re.sub(r"[^a-z0-9\-/_:.]+", " ", text.lower()).replace(".", " ").split())


def mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9_-]){re.escape(phrase)}(?![a-z0-9_-])", normalise(text)) is not None


def mentioned(text: str, table: dict[str, tuple[str, ...]]) -> set[str]:
    return {key for key, names in table.items() if any(mentions(text, n) for n in names)}


def yes_or_no(text: str) -> bool | None:
    """A clear yes, a clear no ("no, vmx is absent" is a no), or None when the answer says both or neither."""
    said_yes = any(mentions(text, w) for w in YES)
    said_no = any(mentions(text, w) for w in NO)
    if said_no:
        return None if said_yes else False
    return True if said_yes or any(mentions(text, w) for w in LIKE_YES) else None


def _read(answer: str) -> str:
    return f'Read your answer "{answer.strip()}"' if answer.strip() else "There is no answer yet"


def vendor_module(machine) -> str:
    return "kvm_intel" if machine.cpu.vendor == "intel" else "kvm_amd"


@check("answer-virtualization-capable", "You said whether this CPU can run hardware-accelerated VMs")
def answer_virtualization_capable(world, params, answer):
    machine = world.machine
    flag = machine.cpu.virt_flag
    capable = flag in machine.cpu_flags()
    said = yes_or_no(answer)
    if said is None:
        return False, f"{_read(answer)}: it does not clearly say yes or no."
    if said != capable:
        return False, f"{_read(answer)}: it is not what the flags in /proc/cpuinfo show."
    found = "include" if capable else "do not include"
    return True, f"{_read(answer)}: right, the flags in /proc/cpuinfo {found} {flag}."


@check("kvm-module-loaded", "The KVM module for this CPU is loaded")
def kvm_module_loaded(world, params, answer):
    machine = world.machine
    module = params.get("module") or vendor_module(machine)
    loaded = module in machine.modules
    others = [m for m in ("kvm", "irqbypass") if m in machine.modules]
    extra = f" (with {', '.join(others)})" if loaded and others else ""
    return loaded, (
        f"Looked for {module} in the loaded modules (/proc/modules): "
        f"{'loaded' + extra if loaded else 'not loaded'}."
    )


@check("answer-cpu-flag", "You named the CPU flag that shows hardware virtualization support")
def answer_cpu_flag(world, params, answer):
    flag = world.machine.cpu.virt_flag
    other = "vmx" if flag == "svm" else "svm"
    if mentions(answer, flag) and not mentions(answer, other):
        return (
            True,
            f"{_read(answer)}: right, this CPU shows AMD-V/VT-x as the flag {flag}.",
        )
    return (
        False,
        f"{_read(answer)}: it does not name the flag this CPU uses (see /proc/cpuinfo).",
    )


@check("vtx-enabled-in-firmware", "Hardware virtualization is enabled in the firmware")
def vtx_enabled_in_firmware(world, params, answer):
    machine = world.machine
    label = "Intel Virtualization Technology (VT-x)" if machine.cpu.vendor == "intel" else "SVM Mode (AMD-V)"
    if machine.setup is not None:
        return False, f"The machine is still in its firmware setup: save and boot for {label} to apply."
    state = "Enabled" if machine.virt_enabled else "Disabled"
    return machine.virt_enabled, f"Looked at the firmware setting {label}: {state}."


@check("dev-kvm-present", "/dev/kvm exists")
def dev_kvm_present(world, params, answer):
    fs = world.machine.fs
    if not fs.exists("/dev/kvm"):
        return (
            False,
            "Looked for the device /dev/kvm: it does not exist (it appears when kvm_intel or kvm_amd loads).",
        )
    node = fs.stat("/dev/kvm")
    ok = node.kind == "chardev" and (node.major, node.minor) == (10, 232)
    return ok, f"Looked at /dev/kvm: {'character device 10, 232' if ok else 'not the KVM character device'}."


@check("answer-hypervisor", "You named the hypervisor this guest runs on")
def answer_hypervisor(world, params, answer):
    actual = world.machine.platform.id
    said = mentioned(answer, HYPERVISOR_NAMES)
    if len(said) > 1:
        return False, f"{_read(answer)}: it names several hypervisors; name one."
    if said != {actual}:
        return False, f"{_read(answer)}: it is not the hypervisor this guest runs on."
    return (
        True,
        f"{_read(answer)}: right, {PLATFORMS[actual].name} (systemd-detect-virt: {actual}).",
    )


@check("answer-guest-drivers", "You named a guest driver module loaded on this machine")
def answer_guest_drivers(world, params, answer):
    machine = world.machine
    drivers = [m for m in machine.platform.modules if m in machine.modules]
    words = set(normalise(answer).replace("-", "_").replace(",", " ").split())
    named = [m for m in drivers if m in words]
    if named:
        return True, f"{_read(answer)}: {', '.join(named)} is a loaded guest driver."
    return False, (
        f"{_read(answer)}: it names none of the guest driver modules loaded here "
        f"(lsmod shows {len(drivers)} of them)."
    )


@check("answer-cpu-virtualization", "You said whether this VM exposes VT-x/AMD-V to its own guests")
def answer_cpu_virtualization(world, params, answer):
    machine = world.machine
    flag = machine.cpu.virt_flag
    exposed = flag in machine.cpu_flags()
    said = yes_or_no(answer)
    if said is None:
        return False, f"{_read(answer)}: it does not clearly say yes or no."
    if said != exposed:
        return False, f"{_read(answer)}: it is not what this guest's /proc/cpuinfo shows."
    return (
        True,
        f"{_read(answer)}: right, the guest's flags {'include' if exposed else 'lack'} {flag}.",
    )


@check("answer-container-kind", "You said what kind of container this is")
def answer_container_kind(world, params, answer):
    actual = "system" if world.machine.spec["platform"] == "lxc" else "application"
    said = mentioned(answer, CONTAINER_KINDS)
    if said != {actual}:
        return (
            False,
            f"{_read(answer)}: it is not the kind of container this is (what is PID 1?).",
        )
    evidence = (
        "systemd runs as PID 1 with a full set of services"
        if actual == "system"
        else "there is no init system: the application itself is the container's main process"
    )
    return True, f"{_read(answer)}: right, a {actual} container ({evidence})."


@check("answer-container-runtime", "You named the container runtime")
def answer_container_runtime(world, params, answer):
    actual = world.machine.platform.id
    said = mentioned(answer, RUNTIME_NAMES)
    if said != {actual}:
        return (
            False,
            f"{_read(answer)}: it is not the runtime systemd-detect-virt -c reports.",
        )
    return True, f"{_read(answer)}: right, systemd-detect-virt -c says {actual}."


def _static_hostname(machine) -> str:
    try:
        return machine.fs.read("/etc/hostname").strip()
    except FsError:
        return ""


@check("hostname-changed", "The clone has its own host name, now and after a reboot")
def hostname_changed(world, params, answer):
    machine, source = world.machine, world.source
    static, running = _static_hostname(machine), machine.hostname
    old = source.hostname
    if static == old or not static:
        lost = f" (the running name is {running}, but it will not survive a reboot)" if running != old else ""
        return False, f"Looked at /etc/hostname: {static or 'empty'}, the same as the source {old}{lost}."
    if running != static:
        return False, f"/etc/hostname says {static} but the running host name is still {running}."
    return True, f"Looked at /etc/hostname and the running host name: {static}; the source is {old}."


@check("machine-id-regenerated", "The clone has a new machine ID, the same for systemd and D-Bus")
def machine_id_regenerated(world, params, answer):
    machine, source = world.machine, world.source
    current, old = machine.machine_id(), source.machine_id()
    if not MACHINE_ID.fullmatch(current):
        return (
            False,
            f"Looked at /etc/machine-id: {current or 'missing or empty'}, not 32 lowercase hex digits.",
        )
    if current == old:
        return False, f"Looked at /etc/machine-id: {current}, still the source's id."
    try:
        dbus = machine.fs.read("/var/lib/dbus/machine-id").strip()
    except FsError:
        dbus = ""
    if dbus != current:
        return False, (
            f"/etc/machine-id is new ({current}) but /var/lib/dbus/machine-id "
            f"{'says ' + dbus if dbus else 'is missing'}: D-Bus and systemd disagree."
        )
    return True, f"Looked at /etc/machine-id and /var/lib/dbus/machine-id: both {current}, new."


@check("ssh-host-keys-regenerated", "The clone has new SSH host keys of every type")
def ssh_host_keys_regenerated(world, params, answer):
    current = host_key_fingerprints(world.machine.fs)
    old = host_key_fingerprints(world.source.fs)
    problems = []
    for kind in KEY_NAMES:
        if kind not in current or not world.machine.fs.exists(f"/etc/ssh/ssh_host_{kind}_key"):
            problems.append(f"{kind} missing")
        elif current[kind] == old.get(kind):
            problems.append(f"{kind} still the source's ({current[kind]})")
    if problems:
        return False, "Looked at /etc/ssh/ssh_host_*_key.pub: " + "; ".join(problems) + "."
    return (
        True,
        "Looked at /etc/ssh/ssh_host_*_key.pub: rsa, ecdsa and ed25519 present, none equal to the source's.",
    )


@check("answer-mac-address", "You gave the MAC address of the clone's network interface")
def answer_mac_address(world, params, answer):
    nic = world.machine.nics[0]
    said = re.findall(r"[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}", answer.lower())
    if any(m.replace("-", ":") == nic["mac"] for m in said):
        return True, f"{_read(answer)}: right, the address of {nic['name']}."
    return (
        False,
        f"{_read(answer)}: it is not the address in /sys/class/net/{nic['name']}/address.",
    )
