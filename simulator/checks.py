"""Task checks: a registry of plain functions that judge the machine's state or the learner's answer.

A check is `check(world, params, answer) -> (passed, detail)`: it never looks at the commands typed, so every
valid way to reach the goal passes, and its detail says in plain words what it looked at and what it found.
A check that can see a fix half done returns a third value, the share of its points that earns (0 to 1).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable

from simulator import cloning, lan, layout, pgp
from simulator.filesystem import FsError
from simulator.hardware import PLATFORMS
from simulator.keys import KEY_NAMES, MACHINE_ID, fingerprint, host_key_fingerprints, parse_key

CHECKS: dict[str, Callable] = {}
TITLES: dict[str, str] = {}

HYPERVISOR_NAMES = {
    "kvm": ("kvm", "qemu", "qemu/kvm", "kvm/qemu", "qemu-kvm", "linux kvm", "libvirt", "proxmox"),
    "oracle": ("oracle", "virtualbox", "virtual box", "vbox", "innotek", "oracle vm virtualbox"),
    "vmware": ("vmware", "esxi", "esx", "vsphere", "vmware workstation"),
    "microsoft": ("microsoft", "hyper-v", "hyperv", "hyper v", "ms hyper-v", "azure"),
    "xen": ("xen", "xen hvm", "xenserver", "xcp-ng", "citrix hypervisor"),
}
OTHER_HYPERVISORS = ("parallels", "bhyve", "virtual pc", "acrn", "powervm", "z/vm", "qnx", "uml")
CONTAINER_RUNTIMES = ("docker", "podman", "lxc", "lxd", "incus", "containerd", "systemd-nspawn", "openvz")
CONTAINER_KINDS = {
    "system": (
        "system container",
        "system containers",
        "system-container",
        "os container",
        "operating system container",
        "full os",
        "full operating system",
        "whole operating system",
        "machine container",
    ),
    "application": (
        "application container",
        "application containers",
        "application-container",
        "app container",
        "process container",
        "single application",
        "single process",
        "one application",
    ),
}
KIND_ALONE = {"system": ("system", "os"), "application": ("application", "app")}
FILLER = {
    "a",
    "an",
    "the",
    "it",
    "is",
    "its",
    "it's",
    "this",
    "one",
    "kind",
    "type",
    "container",
    "i",
    "think",
}
RUNTIME_NAMES = {
    "lxc": ("lxc", "linux containers", "lxc/lxd", "lxd", "incus"),
    "docker": ("docker", "moby", "docker engine", "dockerd"),
    "other": ("podman", "containerd", "cri-o", "crio", "runc", "systemd-nspawn", "nspawn", "openvz", "rkt"),
}
YES = ("yes", "y", "true")
LIKE_YES = ("supported", "capable", "vt-x", "vtx", "vmx", "svm", "amd-v", "amdv", "exposed", "present")
NO = ("no", "n", "false", "not", "none", "unsupported", "incapable", "absent", "hidden", "missing")
EXTENSIONS = {
    "intel": ("vt-x", "vtx", "vmx", "intel vt", "intel virtualization technology"),
    "amd": ("amd-v", "amdv", "svm", "secure virtual machine", "amd virtualization"),
}
NO_ANSWER = "No answer has been given yet."
NEGATED_CLAUSE = re.compile(
    r"\b(?:but not|rather than|instead of|as opposed to|not|isn't|isnt|never)\b"
    r"[^,.;:!?()]*?(?=[,.;:!?()]|\bbut\b|$)"
)


def check(check_id: str, title: str):
    def register(fn):
        CHECKS[check_id] = fn
        TITLES[check_id] = title
        return fn

    return register


def answer_check(check_id: str, title: str):
    """Register a check of the written answer; an empty one fails with NO_ANSWER and only that (where to
    look is what the task's hints are for, and hints cost points)."""

    def register(fn):
        @functools.wraps(fn)
        def judge(world, params, answer):
            if not answer.strip():
                return False, NO_ANSWER
            return fn(world, params, answer)

        return check(check_id, title)(judge)

    return register


def normalise(text: str) -> str:
    """Lower case, punctuation other than - / _ : turned into spaces, spaces collapsed."""
    return " ".join(
        re.sub(r"[^a-z0-9\-/_:.']+", " ", text.lower()).replace(".", " ").replace("'", "").split()
    )


def mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9_-]){re.escape(phrase)}(?![a-z0-9_-])", normalise(text)) is not None


def mentioned(text: str, table: dict[str, tuple[str, ...]]) -> set[str]:
    return {key for key, names in table.items() if any(mentions(text, n) for n in names)}


def affirmed(text: str) -> str:
    """The answer without the clauses it negates: "KVM, not Xen" and "KVM rather than Xen" name KVM only."""
    return NEGATED_CLAUSE.sub(" ", text.lower())


def yes_or_no(text: str) -> bool | None:
    """A clear yes, a clear no ("no, vmx is absent" is a no), or None when the answer says both or neither.

    A yes that also says "not" counts when it stands once the negated clause is gone ("yes, not AMD-V")."""
    said_yes = any(mentions(text, w) for w in YES)
    said_no = any(mentions(text, w) for w in NO)
    if said_no and said_yes:
        rest = affirmed(text)
        return yes_or_no(rest) if rest != text.lower() else None
    if said_no:
        return False
    return True if said_yes or any(mentions(text, w) for w in LIKE_YES) else None


def _read(answer: str) -> str:
    return f'Read your answer "{answer.strip()}"'


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def vendor_module(machine) -> str:
    return "kvm_intel" if machine.cpu.vendor == "intel" else "kvm_amd"


@answer_check("answer-virtualization-capable", "You said whether this CPU can run hardware-accelerated VMs")
def answer_virtualization_capable(world, params, answer):
    machine = world.machine
    vendor, flag = machine.cpu.vendor, machine.cpu.virt_flag
    capable = flag in machine.cpu_flags()
    said = yes_or_no(answer)
    if said is None:
        return False, f"{_read(answer)}: it does not clearly say yes or no."
    if said != capable:
        return False, f"{_read(answer)}: that is not what the flags in /proc/cpuinfo show."
    if not capable:
        return True, f"{_read(answer)}: right, the flags in /proc/cpuinfo do not include {flag}."
    other = "amd" if vendor == "intel" else "intel"
    text = affirmed(answer)
    if any(mentions(text, name) for name in EXTENSIONS[other]):
        return (
            False,
            f"{_read(answer)}: yes is right, but the extension it names belongs to the other CPU maker.",
        )
    if not any(mentions(text, name) for name in EXTENSIONS[vendor]):
        return False, (
            f"{_read(answer)}: yes is right, but the question also asks for the extension's name "
            "(/proc/cpuinfo shows it as a flag)."
        )
    extension = "VT-x" if vendor == "intel" else "AMD-V"
    return True, f"{_read(answer)}: right, the flags in /proc/cpuinfo include {flag}, that is {extension}."


@check("kvm-module-loaded", "The KVM module for this CPU is loaded")
def kvm_module_loaded(world, params, answer):
    machine = world.machine
    module = params.get("module") or vendor_module(machine)
    if module in machine.modules:
        others = [m for m in ("kvm", "irqbypass") if m in machine.modules]
        extra = f" (with {_listing(others)})" if others else ""
        return True, f"Looked at the loaded modules (/proc/modules): {module} is loaded{extra}."
    found = (
        "kvm is loaded, but it is only the common part, and the module for this CPU's maker is not"
        if "kvm" in machine.modules
        else "no KVM module is loaded"
    )
    return (
        False,
        f"Looked at the loaded modules (/proc/modules) for the KVM module that fits this CPU: {found}.",
    )


@answer_check("answer-cpu-flag", "You named the CPU flag that shows hardware virtualization support")
def answer_cpu_flag(world, params, answer):
    flag = world.machine.cpu.virt_flag
    other = "vmx" if flag == "svm" else "svm"
    text = affirmed(answer)
    names_flag, names_other = mentions(text, flag), mentions(text, other)
    if names_flag and names_other:
        return False, f"{_read(answer)}: it names both vmx and svm; name only the one this CPU shows."
    if names_flag:
        extension = "AMD-V" if flag == "svm" else "VT-x"
        return (
            True,
            f"{_read(answer)}: right, this CPU shows {extension} as the flag {flag} in /proc/cpuinfo.",
        )
    if names_other:
        return (
            False,
            f"{_read(answer)}: {other} is the flag of the other CPU maker; this CPU does not show it.",
        )
    if any(mentions(text, name) for names in EXTENSIONS.values() for name in names):
        return False, (
            f"{_read(answer)}: that is the extension's name; the question asks for the flag as "
            "/proc/cpuinfo spells it."
        )
    return False, f"{_read(answer)}: it names no virtualization flag from /proc/cpuinfo."


@check("vtx-enabled-in-firmware", "Hardware virtualization is enabled in the firmware")
def vtx_enabled_in_firmware(world, params, answer):
    machine = world.machine
    label = "Intel Virtualization Technology (VT-x)" if machine.cpu.vendor == "intel" else "SVM Mode (AMD-V)"
    if machine.setup is not None:
        return False, (
            f"The machine is still in its firmware setup: a change to {label} takes effect once it is saved "
            "and the machine boots."
        )
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


@answer_check("answer-hypervisor", "You named the hypervisor this guest runs on")
def answer_hypervisor(world, params, answer):
    actual = world.machine.platform.id
    text = affirmed(answer)
    said = mentioned(text, HYPERVISOR_NAMES)
    others = [name for name in OTHER_HYPERVISORS if mentions(text, name)]
    if len(said) + len(others) > 1:
        return False, f"{_read(answer)}: it names several hypervisors; name only the one this guest runs on."
    if said == {actual}:
        return True, f"{_read(answer)}: right, {PLATFORMS[actual].name} (systemd-detect-virt: {actual})."
    if said or others:
        return False, f"{_read(answer)}: that is not the hypervisor this guest runs on."
    if any(mentions(text, name) for name in CONTAINER_RUNTIMES):
        return False, f"{_read(answer)}: that names a container runtime; this machine is a VM."
    return False, f"{_read(answer)}: it names no hypervisor that the checker knows."


@answer_check("answer-guest-drivers", "You named a guest driver module loaded on this machine")
def answer_guest_drivers(world, params, answer):
    machine = world.machine
    drivers = [m for m in machine.platform.modules if m in machine.modules]
    words = set(normalise(affirmed(answer)).replace("-", "_").replace(",", " ").split())
    named = [m for m in drivers if m in words]
    foreign = sorted(
        m
        for p in PLATFORMS.values()
        if p.id != machine.platform.id
        for m in p.modules
        if m in words and m not in machine.platform.modules
    )
    if foreign:
        return False, (
            f"{_read(answer)}: {_listing(foreign)} {'is a driver' if len(foreign) == 1 else 'are drivers'} "
            "for another hypervisor's devices, not loaded here; name only drivers that lsmod shows."
        )
    if named:
        verb = "is a guest driver" if len(named) == 1 else "are guest drivers"
        return True, f"{_read(answer)}: right, {_listing(named)} {verb} loaded on this machine."
    family = DRIVER_FAMILIES.get(machine.platform.id)
    if family and family in words:
        return False, (
            f"{_read(answer)}: {family} is the family of this hypervisor's drivers; name one module of it, "
            "as lsmod lists it."
        )
    return False, f"{_read(answer)}: it names none of the guest driver modules that lsmod shows loaded here."


# The word a hypervisor's guest drivers share (virtio_net, virtio_blk...): a family, not a module.
DRIVER_FAMILIES = {"kvm": "virtio", "oracle": "vbox", "vmware": "vmw", "microsoft": "hv", "xen": "xen"}
# The guest driver behind the system disk (vda, xvda, sda) of each paravirtualised platform.
DISK_DRIVERS = {"kvm": "virtio_blk", "xen": "xen_blkfront", "microsoft": "hv_storvsc", "vmware": "vmw_pvscsi"}


@answer_check("answer-disk-driver", "You named the guest driver module that handles the system disk")
def answer_disk_driver(world, params, answer):
    machine = world.machine
    disk, driver = machine.platform.disk, DISK_DRIVERS.get(machine.platform.id)
    words = set(normalise(affirmed(answer)).replace("-", "_").replace(",", " ").split())
    if driver and driver in words:
        return True, f"{_read(answer)}: right, {driver} handles /dev/{disk}."
    family = DRIVER_FAMILIES.get(machine.platform.id)
    if family and family in words:
        return False, (
            f"{_read(answer)}: {family} is the family of this hypervisor's drivers; name the one module "
            f"of it that handles /dev/{disk}."
        )
    loaded = [m for m in machine.platform.modules if m in machine.modules and m in words]
    if loaded:
        return False, f"{_read(answer)}: {_listing(loaded)} is loaded, but it does not handle /dev/{disk}."
    return False, f"{_read(answer)}: that is not the module behind /dev/{disk}; lsmod lists the loaded ones."


@answer_check("answer-cpu-virtualization", "You said whether this VM exposes VT-x/AMD-V to its own guests")
def answer_cpu_virtualization(world, params, answer):
    machine = world.machine
    flag = machine.cpu.virt_flag
    exposed = flag in machine.cpu_flags()
    said = yes_or_no(answer)
    if said is None:
        return False, f"{_read(answer)}: it does not clearly say yes or no."
    if said != exposed:
        return False, f"{_read(answer)}: that is not what this guest's /proc/cpuinfo shows."
    return (
        True,
        f"{_read(answer)}: right, the guest's flags {'include' if exposed else 'lack'} {flag}.",
    )


def container_kinds(answer: str) -> set[str]:
    """The kinds an answer names once its negated clauses are gone; a bare "system" or "app" counts alone."""
    text = affirmed(answer)
    said = mentioned(text, CONTAINER_KINDS)
    if not said:
        words = [w for w in normalise(text).split() if w not in FILLER]
        said = {kind for kind, names in KIND_ALONE.items() if len(words) == 1 and words[0] in names}
    return said


@answer_check("answer-container-kind", "You said what kind of container this is")
def answer_container_kind(world, params, answer):
    actual = "system" if world.machine.spec["platform"] == "lxc" else "application"
    said = container_kinds(answer)
    if len(said) > 1:
        return False, f"{_read(answer)}: it names both kinds; say which one this container is."
    if not said:
        return False, f"{_read(answer)}: it names neither a system container nor an application container."
    if said != {actual}:
        return False, f"{_read(answer)}: that is not the kind of container this is (what is PID 1?)."
    evidence = (
        "systemd runs as PID 1 with a full set of services"
        if actual == "system"
        else "there is no init system: the application itself is the container's main process"
    )
    return True, f"{_read(answer)}: right, {_article(actual)} {actual} container ({evidence})."


@answer_check("answer-container-runtime", "You named the container runtime")
def answer_container_runtime(world, params, answer):
    actual = world.machine.platform.id
    text = affirmed(answer)
    said = mentioned(text, RUNTIME_NAMES)
    if len(said) > 1:
        return (
            False,
            f"{_read(answer)}: it names several runtimes; name only the one that runs this container.",
        )
    if said != {actual}:
        return False, f"{_read(answer)}: that is not the runtime systemd-detect-virt -c reports."
    if actual == "lxc" and any(mentions(text, n) for n in ("lxd", "incus")) and not mentions(text, "lxc"):
        return True, (
            f"{_read(answer)}: accepted: LXD and Incus manage containers that run on LXC, and LXC is what "
            "systemd-detect-virt -c reports (lxc). Nothing here shows an LXD or Incus manager (there is no "
            "/dev/lxd/sock), so LXC is the more precise answer."
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
    lost = (
        f" (the running host name is {running}, but it will not survive a reboot)" if running != old else ""
    )
    if not static:
        return (
            False,
            f"Looked at /etc/hostname: it is missing or empty, so no name is set for the next boot{lost}.",
        )
    if static == old:
        return False, f"Looked at /etc/hostname: {static}, the same as the source's{lost}."
    if running != static:
        return False, f"Looked at /etc/hostname: {static}, but the running host name is {running}."
    return True, f"Looked at /etc/hostname and the running host name: both {static}; the source's is {old}."


@check("machine-id-regenerated", "The clone has a new machine ID, the same for systemd and D-Bus")
def machine_id_regenerated(world, params, answer):
    machine, source = world.machine, world.source
    current, old = machine.machine_id(), source.machine_id()
    if not current:
        return (
            False,
            "Looked at /etc/machine-id: it is missing or empty (a machine ID is 32 lowercase hex digits).",
        )
    if not MACHINE_ID.fullmatch(current):
        return False, f'Looked at /etc/machine-id: "{current}", which is not 32 lowercase hex digits.'

    if current == old:
        return False, f"Looked at /etc/machine-id: {current}, still the source's ID."
    try:
        dbus = machine.fs.read("/var/lib/dbus/machine-id").strip()
    except FsError:
        dbus = ""
    if dbus != current:
        return False, (
            f"/etc/machine-id is new ({current}) but /var/lib/dbus/machine-id "
            f"{'says ' + dbus if dbus else 'is missing'}: D-Bus and systemd disagree."
        )
    return True, f"Looked at /etc/machine-id and /var/lib/dbus/machine-id: both {current}, a new ID."


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


@answer_check("answer-mac-address", "You gave the MAC address of the clone's network interface")
def answer_mac_address(world, params, answer):
    nic = world.machine.nics[0]
    said = {m.replace("-", ":") for m in re.findall(r"[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}", answer.lower())}
    if said == {nic["mac"]}:
        return True, f"{_read(answer)}: right, the address of {nic['name']}."
    if len(said) > 1:
        return False, f"{_read(answer)}: it gives several MAC addresses; give only the clone's."
    if world.source is not None and said == {world.source.nics[0]["mac"]}:
        return False, f"{_read(answer)}: that is the source machine's address; the clone has a new one."
    if not said:
        return (
            False,
            f"{_read(answer)}: it contains no MAC address (six pairs of hex digits, like 52:54:00:…).",
        )
    return False, f"{_read(answer)}: it is not the address in /sys/class/net/{nic['name']}/address."


@check("domain-running", "The guest runs on the KVM host")
def domain_running(world, params, answer):
    domain = world.machine.hypervisor.get("domains", {}).get(params["domain"])
    if domain is None:
        return False, f"virsh list --all on the host shows no domain {params['domain']}."
    if domain["state"] != "running":
        return False, f"{params['domain']} is {domain['state']}."
    return True, f"{params['domain']} is running (domain id {domain['id']})."


@check("domain-cloned", "A clone of the guest is defined and running, with a MAC of its own")
def domain_cloned(world, params, answer):
    domains = world.machine.hypervisor.get("domains", {})
    source, name = domains.get(params["source"]), params["clone"]
    clone = domains.get(name)
    if source is None or clone is None:
        return False, f"virsh list --all on the host shows no domain {name}."
    if clone["mac"] == source["mac"]:
        return False, f"{name} has the MAC address of {params['source']} ({clone['mac']})."
    if clone["state"] != "running":
        return False, f"{name} is defined (MAC {clone['mac']}) but {clone['state']}."
    return True, f"{name} is running with its own MAC address {clone['mac']}."


def _fstab_source(machine, source: str) -> dict | None:
    """The partition an fstab source names (UUID=, LABEL=, /dev/disk/by-uuid/, /dev/NAME), or None."""
    parts = [p for d in machine.disks for p in d["parts"]]
    for prefix, key in (("UUID=", "uuid"), ("/dev/disk/by-uuid/", "uuid"), ("LABEL=", "label")):
        if source.startswith(prefix):
            wanted = source[len(prefix) :].strip('"')
            return next((p for p in parts if wanted and p[key] == wanted), None)
    return next((p for p in parts if source == f"/dev/{p['name']}"), None)


@check("fstab-root-current", "/etc/fstab names the clone's own root filesystem")
def fstab_root_current(world, params, answer):
    machine = world.machine
    try:
        lines = machine.fs.read("/etc/fstab").splitlines()
    except FsError:
        return False, "Looked at /etc/fstab: it is missing, so the next boot would not know what to mount."
    entries = [line.split() for line in lines if line.split() and not line.split()[0].startswith("#")]
    roots = [fields for fields in entries if len(fields) > 1 and fields[1] == "/"]
    if not roots:
        return False, "Looked at /etc/fstab: no line mounts /."
    source = roots[0][0]
    part = _fstab_source(machine, source)
    if part is None or part["mount"] != "/":
        return False, f"Looked at the root line of /etc/fstab: {source} names no filesystem of this machine."
    return True, f"Looked at the root line of /etc/fstab: {source} is this machine's root filesystem."


# The cloned-guest checks: each compares the clone with its source as the scenario made it (so that a
# change made to the source by mistake does not count as the clone's), accepts whatever way reached the
# state, and gives partial credit (a third value, the share of the points) for a fix half done.


def _pristine(world) -> dict:
    return cloning.pristine_identity(world.scenario["source"])


def _hosts_names(machine) -> set[str]:
    """The names /etc/hosts gives an address of this machine (a loopback one, as Debian's 127.0.1.1, or
    its own), which getaddrinfo finds for sudo."""
    try:
        text = machine.fs.read("/etc/hosts")
    except FsError:
        return set()
    own = {nic.get("ipv4") for nic in machine.nics}
    names = set()
    for line in text.splitlines():
        fields = line.split("#")[0].split()
        if len(fields) > 1 and (fields[0] in own or _loopback(fields[0])):
            names.update(name.lower() for name in fields[1:])
    return names


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@check("hostname", "The clone has a host name of its own, now and after a reboot, that it can resolve")
def clone_hostname(world, params, answer):
    machine = world.machine
    old = _pristine(world)["hostname"]
    static, running = _static_hostname(machine), machine.hostname
    if not static:
        return False, "Looked at /etc/hostname: it is missing or empty, so the next boot has no name.", 0.0
    if static == old:
        if running != old:
            return (
                False,
                (
                    f"The running host name is {running}, but /etc/hostname still says {old}: the change is "
                    "transient and the next boot brings the source's name back."
                ),
                0.0,
            )
        return False, f"Looked at /etc/hostname and the running host name: both {old}, the source's.", 0.0
    if running != static:
        return (
            False,
            (f"/etc/hostname says {static}, but the running host name is still {running} (until a reboot)."),
            0.5,
        )
    if static.lower() not in _hosts_names(machine) and static.split(".")[0].lower() not in _hosts_names(
        machine
    ):
        return (
            False,
            (
                f"The host name is {static} now and after a reboot, but /etc/hosts does not name it (its "
                f'127.0.1.1 line), so sudo warns "unable to resolve host {static}".'
            ),
            0.5,
        )
    return True, f"Host name {static}, running, in /etc/hostname and in /etc/hosts; the source's is {old}."


@check("machine-id", "The clone has a machine ID of its own in /etc/machine-id")
def clone_machine_id(world, params, answer):
    current, old = world.machine.machine_id(), _pristine(world)["machine_id"]
    if current in ("", "uninitialized"):
        return False, (
            f"Looked at /etc/machine-id: {'empty' if not current else 'uninitialized'}. systemd writes a new "
            "ID there at the next boot (or systemd-machine-id-setup does now); until then there is none."
        )
    if not MACHINE_ID.fullmatch(current):
        return False, f'Looked at /etc/machine-id: "{current}", which is not 32 lowercase hex digits.'
    if current == old:
        return False, f"Looked at /etc/machine-id: {current}, still the source's ID."
    return True, f"Looked at /etc/machine-id: {current}, the source's is {old}."


@check("dbus-machine-id", "D-Bus reads the clone's new machine ID")
def clone_dbus_machine_id(world, params, answer):
    fs, old = world.machine.fs, _pristine(world)["machine_id"]
    current = world.machine.machine_id()
    path = "/var/lib/dbus/machine-id"
    try:
        dbus = fs.read(path).strip()
    except FsError:
        return False, f"Looked at {path}: it is missing (D-Bus falls back to /etc/machine-id, but "
        "dbus-uuidgen --ensure would write a new random ID there, not the machine's)."
    link = " (a link to /etc/machine-id)" if fs.lstat(path).kind == "symlink" else ""
    if dbus == old:
        return False, f"Looked at {path}{link}: {dbus}, still the source's ID."
    if not MACHINE_ID.fullmatch(dbus):
        return False, f'Looked at {path}{link}: "{dbus}", not a machine ID.'
    if dbus != current:
        return False, f"{path} says {dbus}, /etc/machine-id {current or 'nothing'}: they disagree.", 0.5
    return True, f"Looked at {path}{link}: {dbus}, the same new ID as /etc/machine-id."


@check("ssh-host-keys", "Every SSH host key is new, and each private key matches its .pub")
def clone_ssh_host_keys(world, params, answer):
    fs, old = world.machine.fs, _pristine(world)["ssh"]
    good, problems = [], []
    for kind in KEY_NAMES:
        path = f"/etc/ssh/ssh_host_{kind}_key"
        try:
            private = parse_key(fs.read(path)) if fs.stat(path).size else None
        except FsError:
            private = None
        try:
            public = parse_key(fs.read(path + ".pub"))
        except FsError:
            public = None
        if private is None:
            problems.append(f"{kind}: no private key")
        elif fingerprint(private[0]) == old.get(kind):
            problems.append(f"{kind}: still the source's key")
        elif public is None:
            problems.append(f"{kind}: a new private key but no {path}.pub")
        elif public[0] != private[0]:
            problems.append(f"{kind}: {path}.pub does not match the private key")
        else:
            good.append(kind)
    if problems:
        return False, "Looked at /etc/ssh/ssh_host_*_key: " + "; ".join(problems) + ".", len(good) / 3
    return True, "Looked at /etc/ssh/ssh_host_*_key: rsa, ecdsa and ed25519 all new, each with its .pub."


@check("pgp-key", "The clone has an OpenPGP key of its own, and not the source's secret key")
def clone_pgp_key(world, params, answer):
    machine = world.machine
    home = pgp.home(machine, "root")
    secrets, old = pgp.secret_fingerprints(machine.fs, home), set(_pristine(world)["pgp"])
    kept, own = secrets & old, secrets - old
    if kept and own:
        return (
            False,
            (
                f"Root's keyring (sudo gpg -K) has a key of its own ({sorted(own)[0]}) but still the "
                f"source's secret key {sorted(kept)[0]}: the clone can still sign as its source."
            ),
            0.5,
        )
    if kept:
        return False, f"Root's keyring (sudo gpg -K) holds the source's secret key {sorted(kept)[0]}.", 0.0
    if not own:
        return (
            False,
            (
                "The source's secret key is gone from root's keyring, but the clone has none of its own "
                "(sudo gpg -K lists nothing)."
            ),
            0.5,
        )
    return True, f"Root's keyring holds a secret key of the clone's own ({sorted(own)[0]}), not the source's."


def _netplan_entry(machine, nic: dict) -> dict | None:
    """The ethernets entry of /etc/netplan that configures this NIC at the next boot."""
    from simulator.commands.netplan import read_netplan

    loaded = read_netplan(machine.fs)
    if isinstance(loaded, str):
        return None
    permanent = nic.get("hwmac", nic["mac"])
    for key, settings in ((loaded[0].get("network") or {}).get("ethernets") or {}).items():
        if not isinstance(settings, dict):
            continue
        match = settings.get("match") or {}
        name = nic.get("hwname", nic["name"])
        if key == name or str(match.get("macaddress", "")).lower() == permanent or match.get("name") == name:
            return settings
    return None


def _boot_network(machine, nic: dict) -> tuple[str, str]:
    """(MAC, IPv4 or "dhcp" or "") the NIC will have after a reboot, from netplan."""
    settings = _netplan_entry(machine, nic) or {}
    mac = str(settings.get("macaddress", "")).lower() or nic.get("hwmac", nic["mac"])
    addresses = [a for a in settings.get("addresses") or [] if isinstance(a, str) and "." in a]
    if addresses and not settings.get("dhcp4"):
        address = addresses[0].split("/")[0]
    else:
        address = "dhcp" if settings.get("dhcp4") else ""
    return mac, address


@check("mac-address", "The clone's NIC has a MAC address of its own, now and after a reboot")
def clone_mac_address(world, params, answer):
    machine = world.machine
    nic = machine.nics[0]
    old = _pristine(world)["mac"]
    taken = {n["mac"] for name, m in world.machines.items() if m is not machine for n in m.nics}
    now, (later, _) = nic["mac"], _boot_network(machine, nic)
    if now in taken and later in taken:
        return False, f"{nic['name']} has {now}, the source's MAC address, and keeps it after a reboot.", 0.0
    if now in taken:
        return (
            False,
            (
                f"{nic['name']} still has {now} (the source's); netplan gives it {later} once applied "
                "(netplan apply) or at the next boot."
            ),
            0.5,
        )
    if later in taken:
        return (
            False,
            (
                f"{nic['name']} has {now} now, but nothing keeps it: after a reboot it is {later} again "
                "(set macaddress: in netplan, or change it at the hypervisor)."
            ),
            0.5,
        )
    return True, f"{nic['name']} has {now}, its own, also after a reboot (the source's is {old})."


@check("ip-address", "The clone has an IPv4 address of its own on the network, now and after a reboot")
def clone_ip_address(world, params, answer):
    machine = world.machine
    nic = machine.nics[0]
    others = {n.get("ipv4") for name, m in world.machines.items() if m is not machine for n in m.nics}
    network = ipaddress.ip_interface(f"{_pristine(world)['ipv4']}/{nic['prefix']}").network
    held = lan.held_addresses(nic)  # `ip address add/del` may have changed it until the next boot
    now, (_, later) = held[0] if held else "", _boot_network(machine, nic)
    gateway = nic["gateway"]

    def problem(address: str) -> str:
        if address == "dhcp":
            return ""
        if not address:
            return "no address"
        if address in others:
            return f"{address}, the source's"
        if address == gateway or ipaddress.ip_address(address) not in network:
            return f"{address}, not a host address of {network} beside the gateway {gateway}"
        return ""

    wrong_now, wrong_later = problem(now), problem(later)
    if wrong_now and wrong_later:
        return False, f"{nic['name']} has {wrong_now}, now and after a reboot (netplan).", 0.0
    if wrong_now:
        return False, f"{nic['name']} has {wrong_now} now; netplan gives it {later} once applied.", 0.5
    if wrong_later:
        return (
            False,
            (f"{nic['name']} has {now} now, but netplan gives it {wrong_later} at the next boot."),
            0.5,
        )
    kind = "by DHCP" if later == "dhcp" else f"{later} in netplan"
    return True, f"{nic['name']} has {now}, its own in {network} ({kind} after a reboot)."


def _data_filesystems(machine) -> list[dict]:
    """The partitions with a filesystem UUID that the running clone can change (not /, /boot or the ESP)."""
    system = ("/", "/boot", "/boot/efi")
    return [
        p
        for d in machine.disks
        for p in d["parts"]
        if p["fstype"] in ("ext4", "xfs") and (p.get("mount") or p.get("last_mount")) not in system
    ]


@check("filesystem-uuid", "The clone's data filesystems have UUIDs of their own, and /etc/fstab follows them")
def clone_filesystem_uuid(world, params, answer):
    """Each data filesystem earns its share: all of it when its UUID is new and fstab mounts it by that,
    half when the UUID is new but fstab still names the old one (or it is not mounted again)."""
    machine = world.machine
    old = _pristine(world)["uuids"]
    wanted, failed = layout.boot_mounts(machine)
    found, credit = [], 0.0
    for part in _data_filesystems(machine):
        name = f"/dev/{part['name']} ({part['fstype']})"
        stale = [spec for spec, target in failed if target == (part.get("mount") or part.get("last_mount"))]
        if part["uuid"] == old.get(part["name"]):
            found.append(f"{name} still has the source's UUID {part['uuid']}")
        elif stale:
            found.append(
                f"{name} has a new UUID, but /etc/fstab still names {stale[0]}: the next boot waits for it "
                "and stops in emergency mode"
            )
            credit += 0.5
        elif part["name"] not in wanted or not part.get("mount"):
            found.append(f"{name} has a new UUID, but is not mounted by /etc/fstab (mount -a)")
            credit += 0.5
        else:
            credit += 1
    parts = _data_filesystems(machine)
    if found:
        return False, "Looked at blkid and /etc/fstab: " + "; ".join(found) + ".", credit / len(parts)
    listed = ", ".join(f"{p['name']} {p['uuid']}" for p in parts)
    return True, f"Looked at blkid and /etc/fstab: {listed}, new, named by /etc/fstab and mounted."


@check("boots", "The clone comes up after a reboot, not in emergency mode")
def clone_boots(world, params, answer):
    machine = world.machine
    if machine.emergency:
        waiting = ", ".join(target for _, target in machine.emergency)
        return False, f"The clone is in emergency mode: the boot waited in vain for {waiting}."
    _, failed = layout.boot_mounts(machine)
    if failed:
        waiting = ", ".join(f"{spec} ({target})" for spec, target in failed)
        return False, f"/etc/fstab names {waiting}, which no disk has: a reboot would stop in emergency mode."
    keys = [k for k in KEY_NAMES if machine.fs.exists(f"/etc/ssh/ssh_host_{k}_key")]
    if not keys:
        return False, "There are no SSH host keys: after a reboot sshd exits (no hostkeys available)."
    if machine.boot_clock <= _pristine(world)["copied_at"]:
        return False, (
            "/etc/fstab and the SSH host keys are in order, but the clone has not been rebooted since it was "
            "copied: reboot it (sudo reboot) and see it come up."
        )
    return True, "The clone came up from its last reboot: every /etc/fstab filesystem mounted, sshd has keys."


def _accounts(machine) -> set[str]:
    """The account names /etc/passwd lists."""
    try:
        return {line.split(":")[0] for line in machine.fs.read("/etc/passwd").splitlines() if ":" in line}
    except FsError:
        return set()


@check("no-collateral", "The application's files, the users and the source machine are as they were")
def clone_no_collateral(world, params, answer):
    machine, source = world.machine, world.source
    spec = world.scenario["source"]
    files = []
    for path, content in spec.get("files", {}).items():
        try:
            if machine.fs.read(path) != content:
                files.append(f"{path} was changed")
        except FsError:
            files.append(f"{path} is missing")
    gone = sorted(_accounts(source) - _accounts(machine))
    users = [f"the account{'s' if len(gone) > 1 else ''} {_listing(gone)} gone"] if gone else []
    pristine = _pristine(world)
    moved = [key for key, value in cloning.identity(source).items() if value != pristine[key]]
    changed = [*files, *users] + ([f"the source's {_listing(moved)} changed"] if moved else [])
    if changed:
        share = sum(not found for found in (files, users, moved)) / 3
        return False, "Found: " + "; ".join(changed) + ".", share
    return True, "The application's files and the accounts are as they were, and the source is untouched."


# The host's and the cloud lab's checks register themselves when imported.
from simulator import cloudchecks, host_checks  # noqa: E402, F401
