"""A KVM host's guests as OVA appliances: export a shut off domain, import an OVA as a new domain.

Export describes the domain as virt-manager shows it (name, vCPUs, memory, disk capacity, NIC MAC, OS
Ubuntu 64-bit, BIOS firmware) through simulator/ovf.py; the disk member is the guest's disk as a
stream-optimized VMDK would hold it: its files, partition table and packages (simulator/guestdisk.py),
and no boot loader when its install was stopped half way, so that its import boots nothing either.
A domain still installing is running, and is not exported.

Import is what `virt-v2v -i ova` then `virsh define` amount to: a new shut off domain with the OVA's
name, vCPUs and memory, its disk a qcow2 image of the OVA's capacity, and the guest the disk holds, so
that one appliance imported twice gives two guests with one host name, machine-id, set of SSH host keys
and filesystem UUIDs, as clones have. The MAC: virt-v2v keeps the OVF's rasd:Address (`keep`, the
default here); VBoxManage import generates new ones unless told `--options keepallmacs` (`generate`).
A disk with no GuestLab content (a VMDK made elsewhere) gives a fresh Ubuntu guest, and says so.
A refused import changes nothing.
"""

from __future__ import annotations

import dataclasses

from simulator import guestdisk, libvirt, ovf
from simulator.filesystem import FsError

MAC_POLICIES = ("keep", "generate")


class ApplianceError(Exception):
    """Why an export or an import did not happen, as the tool would say it."""


def export_domain(host, name: str) -> bytes:
    """The bytes of NAME.ova for a shut off domain (a running guest's disk is still being written)."""
    domain = libvirt.domains(host).get(name)
    if domain is None:
        raise ApplianceError(f"error: failed to get domain '{name}'")
    if libvirt.installing(domain):
        raise ApplianceError(
            f"Domain '{name}' is running its installer: an export needs it shut off, with the install "
            "finished (the installer powers it off at its end)."
        )
    if domain["state"] != "shut off":
        raise ApplianceError(
            f"Domain '{name}' is running: shut it down first, so that its disk is not "
            "being written while it is copied."
        )
    try:
        text = host.fs.read(domain["disk"])
    except FsError:
        raise ApplianceError(
            f"Cannot access storage file '{domain['disk']}': No such file or directory"
        ) from None
    image = libvirt.parse_image(text)
    capacity = image["size"] if image else max(1, len(text.encode()))
    guest = host.network.machine(domain["machine"])
    vm = ovf.VirtualMachine(
        name=name,
        os=ovf.UBUNTU_64,
        cpus=domain["vcpus"],
        memory_mib=max(1, domain["memory_kib"] // 1024),
        disks=(ovf.Disk(f"{name}-disk1.vmdk", capacity, _vmdk(guest, capacity, domain)),),
        nics=(ovf.Nic(network=domain["network"], mac=domain["mac"]),),
    )
    try:
        return ovf.export_ova(vm, mtime=host.now())
    except ovf.OvaError as error:
        raise ApplianceError(str(error)) from None


def _vmdk(guest, capacity: int, domain: dict) -> bytes:
    try:  # an install stopped half way wrote no boot loader: the disk carries that too
        return guestdisk.vmdk(guest, capacity, bootable=not domain.get("unbootable"))
    except guestdisk.DiskError as error:
        raise ApplianceError(str(error)) from None


@dataclasses.dataclass(frozen=True)
class Imported:
    name: str  # the new domain's
    foreign: bool  # its disk carried no GuestLab content: the guest is a fresh install

    def message(self, source: str) -> str:
        """What the panel says once the import is done."""
        done = f"Domain '{self.name}' defined from {source}"
        if not self.foreign:
            return done
        return (
            f"{done}\nIts disk holds no GuestLab guest (an appliance made elsewhere): {self.name} is a fresh "
            "Ubuntu 24.04 install with the OVA's hardware, not a copy of the exported system."
        )


def import_domain(host, data: bytes, name: str = "", mac: str = "keep") -> Imported:
    """Define a shut off domain from an OVA's bytes, under `name` or the OVA's own, its MAC the OVF's
    (`keep`) or a new one (`generate`). Raises ApplianceError (with ovf's or guestdisk's message for a bad
    archive) before anything changes."""
    if mac not in MAC_POLICIES:
        raise ApplianceError(f"MAC address policy {mac!r}: keep or generate")
    try:
        vm = ovf.import_ova(data)
        if name:
            vm = dataclasses.replace(vm, name=name)
            ovf.check_vm(vm)
        content = guestdisk.read(vm.disks[0].content, vm.disks[0].capacity)
    except ovf.OvaError as error:
        raise ApplianceError(str(error)) from None
    except guestdisk.DiskError as error:
        raise ApplianceError(f"{vm.disks[0].file_name}: {error}") from None
    existing = libvirt.domains(host).get(vm.name)
    if existing is not None:
        raise ApplianceError(
            f"error: operation failed: domain '{vm.name}' already exists with uuid {existing['uuid']}"
        )
    guest = _guest(host, vm, content)
    guest.nics[0].pop("hwmac", None)
    if mac == "generate" or not vm.nics:
        guest.nics[0]["mac"] = libvirt.new_mac(host)
    else:
        guest.nics[0]["mac"] = vm.nics[0].mac.lower()
    network = host.network
    key = vm.name if network.machine(vm.name) is None else f"{vm.name}-{host.clock}"
    disk = _free_path(host, vm.name)
    capacity = vm.disks[0].capacity
    if not host.fs.is_dir(libvirt.IMAGES):
        host.fs.add_dir("/var/lib/libvirt")
        host.fs.add_dir(libvirt.IMAGES, mode=0o711)
    host.fs.write(disk, libvirt.image_header(capacity, min(capacity, libvirt.FRESH_QCOW2)), mode=0o600)
    network.add(key, guest)
    domain = libvirt.define(host, vm.name, guest, key, disk=disk)
    if content is not None and not content.bootable:  # SeaBIOS will find nothing to boot on it
        domain["unbootable"] = True
    return Imported(vm.name, content is None)


def _guest(host, vm: ovf.VirtualMachine, content: guestdisk.GuestDisk | None):
    """The guest machine: the one the disk holds, or a fresh install when the disk is foreign."""
    hardware = {"seed": host.rng().randrange(1 << 31), "host": "main", "cpus": vm.cpus}
    hardware["memory_mb"] = vm.memory_mib
    if content is None:
        from simulator.machine import Machine

        # the installer's host name: the VM's name when it is one (RFC 1123), else the image's default
        hostname = vm.name if guestdisk.HOSTNAME.fullmatch(vm.name) else "ubuntu"
        return Machine.create(
            {"platform": "kvm", "hostname": hostname, **hardware}, over_install=True, of_its_kind=True
        )
    try:
        return guestdisk.restore(content, hardware)
    except guestdisk.DiskError as error:
        host.draws -= 1  # the seed drawn above: a refused import leaves the host as it was
        raise ApplianceError(f"{vm.disks[0].file_name}: {error}") from None


def _free_path(host, name: str) -> str:
    path, number = f"{libvirt.IMAGES}/{name}.qcow2", 0
    while host.fs.exists(path):
        number += 1
        path = f"{libvirt.IMAGES}/{name}-{number}.qcow2"
    return path
