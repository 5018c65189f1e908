"""The Machine: one Linux system as plain data, and what happens when it is installed and booted.

The state is what a real system would keep (files, loaded modules, the kernel log, firmware settings);
everything else (/proc, /sys, /dev/kvm, command output) is derived from it, so nothing can go stale.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import uuid
from collections.abc import Mapping
from types import MappingProxyType

from simulator import accounts, layout, mounting, packages, procfs, syslog, units
from simulator.filesystem import DEFAULT_EPOCH, FileSystem, FsError
from simulator.hardware import (
    CPUS,
    HOST_ONLY_FLAGS,
    METAL,
    MODULES,
    OPEN_REFERENCES,
    PLATFORMS,
    VIRTUALBOX_FLAGS,
    Cpu,
    Platform,
)
from simulator.keys import MACHINE_ID, new_machine_id

BOOT_SECONDS = 30  # uptime when the first prompt appears after a boot
# What tells machines of one kind apart: a machine made at run time (virt-install, an appliance, a cloud
# instance) is saved over the install of its spec less these, which it shares with every other of its kind.
IDENTITY = ("hostname", "seed", "cpus", "memory_mb", "disk_gib", "uuid", "dmi", "mac")


@functools.cache
def _image_uids(minimal: bool) -> frozenset[int]:
    return frozenset(u.uid for u in accounts.users(minimal))


CACHED_PASSWD = 16 * 1024  # an image's /etc/passwd is about 1.5 KiB; a learner's giant one is not kept


@functools.lru_cache(maxsize=256)
def _user_table(passwd: str, minimal: bool) -> Mapping[str, dict]:
    """The image's accounts with /etc/passwd's over them, parsed once per text: a machine just loaded (most
    commands, see web/lab_store.py) asks for its prompt, and almost every one has its image's file."""
    table = accounts.user_table(minimal=minimal)
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) == 7 and fields[0] and fields[2].isdigit() and fields[3].isdigit():
            uid, gid, home, shell = int(fields[2]), int(fields[3]), fields[5], fields[6]
            table[fields[0]] = {"uid": uid, "gid": gid, "home": home, "shell": shell}
    return MappingProxyType(table)


@functools.cache
def _groups(uid: int, minimal: bool) -> tuple[int, ...]:
    """The user-private group and the supplementary groups /etc/group gives (the image's, as installed)."""
    name = next((u.name for u in accounts.users(minimal) if u.uid == uid), "")
    listed = [gid for _, gid, members in accounts.groups(minimal) if name and name in members.split(",")]
    return (uid, *listed)


class Machine:
    """One system. `spec` is what the scenario chose and never changes; the rest is the running state
    (`saved_fs`, when given, is the filesystem as `to_dict` saved it)."""

    def __init__(self, spec: dict, saved_fs: dict | None = None):
        platform = PLATFORMS[spec.get("platform", "kvm")]
        self.spec = {
            "platform": "kvm",
            "cpu": "intel-i7-1165g7",
            "firmware": platform.firmware,
            "nested": False,
            "memory_mb": 4096,
            "cpus": 2,
            "hostname": "ubuntu",
            "seed": 0,
            **spec,
        }
        self.platform: Platform = platform
        self.cpu: Cpu = CPUS[self.spec["cpu"]]
        # A scenario's machine is saved against a fresh install of its spec, one made at run time against the
        # install of its kind (`like`, see save_over_install); any other against its image.
        self.over_install = saved_fs is not None and saved_fs.get("over") == "install"
        self.like: dict | None = saved_fs.get("like") if self.over_install else None
        if self.over_install:
            base = _installed_tree(_install_key(self.like or self.spec))
        else:
            base = layout.base_tree(platform.kind != "container")
        self.fs = FileSystem(base) if saved_fs is None else FileSystem.from_dict(saved_fs, base)
        self.hostname = self.spec["hostname"]
        self.virt_enabled = self.spec.get("virt_enabled", True)  # the firmware's VT-x / AMD-V switch
        self.draws = 0
        self.clock = 0
        self.boot_clock = 0
        self.units_loaded = 0  # when systemd last read its units and /etc/fstab: boot, daemon-reload
        self.boot_id = ""
        self.modules: list[str] = []
        self.dmesg: list[tuple[float, str]] = []
        self.nics: list[dict] = []
        self.disks: list[dict] = []
        self.swaps: list[str] = []  # the active swap areas, in the order they were turned on
        self.setup: dict | None = None  # the firmware setup screen, while open: its unsaved settings
        # the fstab (device, mount point) pairs whose devices never appeared: the boot is in emergency mode
        self.emergency: list[list[str]] = []
        self.package_changes: dict[str, str] = {}  # what apt/dpkg changed since the image: name -> state
        self.units: dict[str, dict] = {}  # what systemctl changed since the image (simulator/units.py)
        # a shutdown logind has scheduled: {"action": poweroff | reboot | halt, "at": clock, "tty": ...}
        self.shutdown: dict | None = None
        # "" while it runs; "poweroff" once it powered itself off (a machine no hypervisor or cloud keeps
        # the state of), "halt" once halted: the CPU stopped, the power still on
        self.stopped = ""
        # what the hypervisor keeps for this guest (time sync, guest properties); on a KVM host, libvirt's
        # state (its domains and leases: libvirt.py)
        self.hypervisor: dict = {}
        self._users: tuple | None = None  # (filesystem, its version, the users it gave)
        self._hook()

    # Randomness and time: a counter-keyed generator and a counter clock keep the state tiny and replayable.
    def rng(self) -> random.Random:
        self.draws += 1
        return random.Random(f"{self.spec['seed']}/{self.draws}")

    def now(self) -> int:
        return DEFAULT_EPOCH + self.clock

    def uptime(self) -> float:
        return BOOT_SECONDS + self.clock - self.boot_clock + 0.37

    def tick(self, seconds: int = 3) -> None:
        self.clock += seconds

    def _hook(self) -> None:
        self.fs.generate = lambda name: procfs.generate(self, name)
        self.fs.now = self.now
        self.fs.groups = self.groups
        self.fs.unsaved = _derived

    def groups(self, uid: int) -> tuple[int, ...]:
        if uid in _image_uids(self.minimal_image):
            return _groups(uid, self.minimal_image)
        return self._listed_groups(uid)  # an account added since (cloud-init's default user): /etc/group

    def _listed_groups(self, uid: int) -> tuple[int, ...]:
        name = next((n for n, u in self.users.items() if u["uid"] == uid), "")
        try:
            text = self.fs.read("/etc/group")
        except FsError:
            return (uid,)
        listed = []
        for line in text.splitlines():
            fields = line.split(":")
            if len(fields) == 4 and fields[2].isdigit() and name and name in fields[3].split(","):
                listed.append(int(fields[2]))
        return (uid, *listed)

    @property
    def users(self) -> Mapping[str, dict]:
        """getpwnam's view: /etc/passwd as it stands (users added later included), over the image's
        accounts, so that a damaged file never loses root or the learner."""
        if self._users is not None and self._users[:2] == (self.fs, self.fs.version):
            return self._users[2]  # read many times a command (the prompt, ~, ls -l's owners)
        try:
            text = self.fs.read("/etc/passwd")
        except FsError:
            text = ""
        parse = _user_table if len(text) <= CACHED_PASSWD else _user_table.__wrapped__
        self._users = (self.fs, self.fs.version, parse(text, self.minimal_image))
        return self._users[2]

    @property
    def minimal_image(self) -> bool:
        """Docker's ubuntu image: base-passwd accounts only, no systemd, no cloud-init."""
        return self.spec["platform"] == "docker"

    @property
    def kind(self) -> str:
        return self.platform.kind

    @property
    def is_guest(self) -> bool:
        return self.platform.kind == "vm"

    @property
    def dmi(self) -> dict[str, str]:
        if self.platform.kind == "vm":  # a cloud's hypervisor names itself (spec "dmi": OpenStack Nova)
            return {**self.platform.dmi, **self.spec.get("dmi", {})}
        return METAL[self.cpu.vendor].dmi

    @property
    def product_uuid(self) -> str:
        if self.spec.get("uuid"):  # a cloud gives the firmware its instance's UUID
            return self.spec["uuid"]
        return str(uuid.UUID(int=random.Random(f"{self.spec['seed']}/dmi").getrandbits(128), version=4))

    def cpu_flags(self) -> list[str]:
        """The flags the running kernel shows: VMX hidden when the firmware disabled it, guests filtered."""
        if self.spec["platform"] == "oracle":
            return VIRTUALBOX_FLAGS.split()
        flags = self.cpu.flags.split()
        if self.is_guest:
            flags = [f for f in flags if f not in HOST_ONLY_FLAGS]
            if not self.spec["nested"]:
                flags.remove(self.cpu.virt_flag)
            flags.insert(flags.index("rdrand") + 1, "hypervisor")
        elif not self.virt_enabled and self.cpu.vendor == "intel":
            flags.remove("vmx")
        return flags

    @property
    def has_kvm_device(self) -> bool:
        return "kvm_intel" in self.modules or "kvm_amd" in self.modules

    def log(self, text: str, at: float | None = None) -> None:
        self.dmesg.append((self.uptime() if at is None else at, text))

    def machine_id(self) -> str:
        try:
            return self.fs.read("/etc/machine-id").strip()
        except FsError:
            return ""

    def insert_module(self, name: str) -> str | None:
        """Load one module (dependencies already loaded); the errno name when its init fails."""
        reason = self._init_failure(name)
        if reason:
            self.log(reason)
            return "EOPNOTSUPP"
        if name not in self.modules:
            self.modules.insert(0, name)
            layout.module_sysfs(self, name, loaded=True)
        if name in ("kvm_intel", "kvm_amd") and self.kind != "container":
            self.fs.mknod("/dev/kvm", "chardev", 10, 232, 0o660, 0, accounts.KVM_GID)
        return None

    def remove_module(self, name: str) -> None:
        self.modules.remove(name)
        layout.module_sysfs(self, name, loaded=False)
        if name in ("kvm_intel", "kvm_amd") and not self.has_kvm_device:
            self.fs.remove("/dev/kvm")

    def _init_failure(self, name: str) -> str:
        # Messages of kvm_intel / kvm_amd init in Linux 6.8 (arch/x86/kvm/vmx/vmx.c, svm/svm.c).
        flags = self.cpu_flags()
        if name == "kvm_intel":
            if "vmx" in flags:
                return ""
            if self.cpu.vendor == "intel" and not self.is_guest:
                return "kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 0"
            return "kvm_intel: VMX not supported by CPU 0"
        if name == "kvm_amd":
            if self.cpu.vendor != "amd":
                return "kvm_amd: SVM not supported by CPU 0, not amd or hygon"
            if "svm" not in flags:
                return "kvm_amd: SVM not supported by CPU 0"
            if not self.virt_enabled and not self.is_guest:
                return "kvm_amd: SVM disabled (by BIOS) in MSR_VM_CR on CPU 0"
        return ""

    def holders(self, name: str) -> list[str]:
        return [m for m in self.modules if name in MODULES[m].depends]

    def all_holders(self) -> dict[str, list[str]]:
        """holders() of every loaded module, in one pass: lsmod and /proc/modules list them all (about 120
        on a host), which asking holders() of each made quadratic (5 ms for `lsmod | grep kvm`)."""
        found: dict[str, list[str]] = {name: [] for name in self.modules}
        for module in self.modules:
            for dep in set(MODULES[module].depends):
                if dep in found:
                    found[dep].append(module)
        return found

    def use_count(self, name: str, holders: list[str] | None = None) -> int:
        """lsmod's "Used by" count: the modules using it (its `holders`, when known) and its other open
        references."""
        return len(self.holders(name) if holders is None else holders) + OPEN_REFERENCES.get(name, 0)

    def install(self) -> None:
        """Lay down the installed system: what a fresh image of this platform holds on its disk."""
        layout.install(self)
        self.boot()

    def boot(self) -> None:
        """What every boot does: a new kernel log and boot id, boot-time modules, machine-id if missing."""
        self.boot_clock = self.units_loaded = self.clock
        self.stopped = ""
        self.shutdown = None
        units.boot(self)
        self._empty_tmp()
        self.boot_id = uuid.UUID(int=self.rng().getrandbits(128), version=4).hex
        self.hostname = (
            self.fs.read("/etc/hostname").strip() if self.fs.exists("/etc/hostname") else "localhost"
        )
        if self.fs.exists("/dev/kvm"):
            self.fs.remove("/dev/kvm")
        for name in self.modules:
            layout.module_sysfs(self, name, loaded=False)
        self.modules = []
        self.dmesg = []
        for nic in self.nics:  # udev and networkd give each NIC its name, MAC and settings again
            nic["mac"] = nic.pop("hwmac", nic["mac"])
            self.rename_nic(nic, nic.get("hwname", nic["name"]))
            nic.pop("down", None)
            nic.pop("mtu", None)
            nic.pop("neighbours", None)  # the ARP cache lives in the kernel's memory
            if "configured" in nic:  # what `ip address` changed by hand lasted until now
                nic["ipv4"], nic["prefix"] = nic.pop("configured")
                nic.pop("added", None)
                nic.pop("unaddressed", None)
        self.hypervisor.pop("neighbours", None)  # and so does the bridge's (simulator/lan.py)
        self._configure_network()
        layout.boot_log(self)
        layout.udev_disk_links(self)
        self.emergency = [list(failure) for failure in layout.mount_at_boot(self)]
        if mounting.volume_disks(self):  # attached volumes: what /etc/fstab lists of them is mounted too
            mounting.mount_at_boot(self)
        self.swaps = layout.fstab_swaps(self)
        if self.spec["platform"] != "docker" and not MACHINE_ID.fullmatch(self.machine_id()):
            self.fs.add_file("/etc/machine-id", self.initial_machine_id()[0] + "\n", mode=0o444)
        for name in layout.boot_modules(self):
            self.load_with_dependencies(name)
        syslog.boot(self)

    def _configure_network(self) -> None:
        """systemd-networkd applies netplan's rendering at boot: addresses, and any MAC address set there."""
        if self.kind == "container" or not self.fs.is_dir("/etc/netplan"):
            return
        from simulator.commands.netplan import apply_config, read_netplan  # the same reading netplan does

        loaded = read_netplan(self.fs)
        if not isinstance(loaded, str):
            apply_config(self, loaded[0])

    def rename_nic(self, nic: dict, name: str) -> None:
        """`ip link set IF name NEW`: its /sys/class/net entry moves; `hwname` remembers the boot name."""
        if name == nic["name"]:
            return
        old = f"/sys/class/net/{nic['name']}"
        if self.fs.lexists(old):
            self.fs.rename(old, f"/sys/class/net/{name}")
        nic.setdefault("hwname", nic["name"])
        nic["name"] = name
        if nic["name"] == nic["hwname"]:
            del nic["hwname"]

    def initial_machine_id(self) -> tuple[str, str]:
        """(id, origin) in systemd's order when /etc/machine-id is not valid: D-Bus id, the VM's UUID,
        random. systemd 255 (Ubuntu 24.04) logs "from VM UUID", as 252 (Debian 12) does; 237 (Ubuntu
        18.04) said "from KVM UUID"."""
        try:
            dbus = self.fs.read("/var/lib/dbus/machine-id").strip()
        except FsError:
            dbus = ""
        if MACHINE_ID.fullmatch(dbus):
            return dbus, "D-Bus machine ID"
        if self.platform.id == "kvm":
            return self.product_uuid.replace("-", ""), "VM UUID"
        return new_machine_id(self.rng()), "random generator"

    def load_with_dependencies(self, name: str) -> str | None:
        """modprobe's order: dependencies first (depth first), then the module itself."""
        for dep in MODULES[name].depends:
            if dep not in self.modules:
                error = self.load_with_dependencies(dep)
                if error:
                    return error
        if name in self.modules:
            return None
        return self.insert_module(name)

    def install_package(self, name: str, auto: bool = False) -> list[str]:
        """Unpack and configure one package (dependencies first, by the caller); what its postinst prints."""
        return packages.install(self, name, auto)

    def _empty_tmp(self) -> None:
        """systemd-tmpfiles --boot --remove empties /tmp: Ubuntu 24.04's tmp.conf says `D /tmp 1777 root
        root -` (Debian's patch to systemd 255); what the image itself holds there stays."""
        if not self.fs.is_dir("/tmp"):
            return
        for name in self.fs.listdir("/tmp"):
            path = f"/tmp/{name}"
            if path not in self.fs.base:
                with contextlib.suppress(FsError):
                    self.fs.remove(path, recursive=True)

    def remove_package(self, name: str, purge: bool = False) -> None:
        packages.remove(self, name, purge)

    def reboot(self) -> None:
        self.tick(40)
        self.boot()
        seed = self.hypervisor.get("cloud_seed")
        if seed:  # a cloud instance: cloud-init runs again with what the metadata service serves
            from simulator import cloudinit

            cloudinit.boot(self, seed)
        network = getattr(self, "network", None)
        if network is not None and self.spec.get("host"):
            network.dhcp(self)  # a libvirt guest asks its host's dnsmasq for a lease again

    def enter_firmware(self) -> None:
        """Reboot into the firmware setup screen: the system stays down until setup is left."""
        self.tick(20)
        self.setup = {"virt_enabled": self.virt_enabled}

    def leave_firmware(self, save: bool) -> None:
        if save:
            self.virt_enabled = self.setup["virt_enabled"]
        self.setup = None
        self.tick(25)
        self.boot()

    def to_dict(self) -> dict:
        return {
            "spec": self.spec,
            "hostname": self.hostname,
            "virt_enabled": self.virt_enabled,
            "draws": self.draws,
            "clock": self.clock,
            "boot_clock": self.boot_clock,
            **({"units_loaded": self.units_loaded} if self.units_loaded != self.boot_clock else {}),
            "boot_id": self.boot_id,
            "modules": _compact_modules(self.modules, self._reference_modules()),
            "dmesg": [list(line) for line in self.dmesg],
            "nics": [dict(nic) for nic in self.nics],
            "disks": [{**disk, "parts": [dict(part) for part in disk["parts"]]} for disk in self.disks],
            "swaps": list(self.swaps),
            "setup": dict(self.setup) if self.setup is not None else None,
            **({"emergency": [list(f) for f in self.emergency]} if self.emergency else {}),
            "packages": dict(self.package_changes),
            **({"units": {name: dict(record) for name, record in self.units.items()}} if self.units else {}),
            **({"shutdown": dict(self.shutdown)} if self.shutdown else {}),
            **({"stopped": self.stopped} if self.stopped else {}),
            "hypervisor": dict(self.hypervisor),
            "fs": self._saved_fs(),
        }

    def _saved_fs(self) -> dict:
        fs = _without_derived(self.fs.to_dict())
        if not self.over_install:
            return fs
        return {**fs, "over": "install", "like": self.like} if self.like else {**fs, "over": "install"}

    def _reference_modules(self) -> list[str]:
        """/proc/modules order (newest first) of a plain boot: what the saved list is compared with."""
        if self.kind == "container":
            return []
        return list(_boot_order(tuple(layout.hardware_modules(self.spec))))

    @classmethod
    def from_dict(cls, data: dict) -> Machine:
        machine = cls(data["spec"], data["fs"])
        machine.hostname = data["hostname"]
        machine.virt_enabled = data["virt_enabled"]
        machine.draws = data["draws"]
        machine.clock = data["clock"]
        machine.boot_clock = data["boot_clock"]
        machine.units_loaded = data.get("units_loaded", machine.boot_clock)
        machine.boot_id = data["boot_id"]
        machine.modules = _expand_modules(data["modules"], machine._reference_modules())
        machine.dmesg = [(at, text) for at, text in data["dmesg"]]
        machine.nics = data["nics"]
        machine.disks = data["disks"]
        machine.swaps = list(data.get("swaps", []))
        machine.setup = data["setup"]
        machine.emergency = [list(f) for f in data.get("emergency", [])]
        layout.modules_sysfs(machine, machine.modules)  # /sys/module and /dev/disk: rebuilt, not saved
        layout.udev_disk_links(machine)
        machine.package_changes = dict(data.get("packages", {}))
        machine.units = {name: dict(record) for name, record in data.get("units", {}).items()}
        machine.shutdown = dict(data["shutdown"]) if data.get("shutdown") else None
        machine.stopped = data.get("stopped", "")
        machine.hypervisor = dict(data.get("hypervisor", {}))
        if "packages" not in data:  # saved before the package model: unpack what its image now carries
            packages.unpack_image_extras(machine)
        elif "absent" in data["fs"]:
            machine.fs.encoded_as(data["fs"])
        return machine

    @classmethod
    def create(cls, spec: dict, over_install: bool = False, of_its_kind: bool = False) -> Machine:
        """A freshly installed machine. `over_install` saves it as its differences from a fresh install of
        its spec (seed aside): a scenario's lab then stores a few nodes, not its whole installed system,
        so every command loads and saves it in a fraction of the time. `of_its_kind`: see
        save_over_install."""
        machine = cls(spec)
        machine.install()
        if over_install:
            machine.save_over_install(of_its_kind)
        return machine

    def save_over_install(self, of_its_kind: bool = False) -> None:
        """Save this machine from now on as its differences from a fresh install of its spec, or with
        `of_its_kind` of its spec less its IDENTITY: for a machine made at run time, whose spec (its name,
        its size) is each learner's own, an install that every machine of its kind shares, built once per
        process. Its ~200 installed files are then not stored (a virt-install guest: 226 nodes, 39 KiB, 2 ms
        of every command's load and save)."""
        if not self.over_install:
            self.like = {k: v for k, v in self.spec.items() if k not in IDENTITY} if of_its_kind else None
            self.fs.rebase(_installed_tree(_install_key(self.like or self.spec)))
            self.over_install = True


def _compact_modules(modules: list[str], reference: list[str]) -> list[str] | dict:
    """The loaded modules as {"new": loaded since, newest first, "gone": reference modules not loaded},
    when they are the reference list with some removed and others added in front; else the full list."""
    end = len(modules)
    gone = []
    for name in reversed(reference):
        if end and modules[end - 1] == name:
            end -= 1
        else:
            gone.append(name)
    compact = {"new": modules[:end], "gone": gone[::-1]}
    return compact if _expand_modules(compact, reference) == modules else list(modules)


def _expand_modules(saved: list[str] | dict, reference: list[str]) -> list[str]:
    if isinstance(saved, list):
        return list(saved)
    gone = set(saved["gone"])
    return [*saved["new"], *(name for name in reference if name not in gone)]


def _derived(path: str) -> bool:
    """What the kernel and udev rebuild from the state (/sys/module, /dev/disk): never saved."""
    return path == "/dev/disk" or path.startswith(("/dev/disk/", "/sys/module/"))


def _install_key(spec: dict) -> str:
    return json.dumps({**spec, "seed": 0}, sort_keys=True)


@functools.cache
def _installed_tree(key: str) -> dict:
    """The files of a fresh install of a spec (seed 0), less what is rebuilt on load: made once per
    process for each scenario machine, and the same in every process (tests/simulator check it)."""
    machine = Machine.create(json.loads(key))
    return {path: node for path, node in machine.fs.nodes.items() if not _derived(path)}


def _without_derived(fs: dict) -> dict:
    nodes = fs["nodes"]
    if not any(_derived(path) for path in nodes):
        return fs
    return {**fs, "nodes": {path: node for path, node in nodes.items() if not _derived(path)}}


@functools.cache
def _boot_order(drivers: tuple[str, ...]) -> tuple[str, ...]:
    """The modules a boot loads for these drivers, each after its dependencies, newest first."""
    order: list[str] = []

    def visit(name: str) -> None:
        for dep in MODULES[name].depends:
            visit(dep)
        if name not in order:
            order.append(name)

    for name in drivers:
        visit(name)
    return tuple(order[::-1])
