"""A KVM host's guests as OVA appliances: export a shut off domain, import an OVA as a new domain.

Export describes the domain as virt-manager shows it (name, vCPUs, memory, disk capacity, NIC MAC, OS
Ubuntu 64-bit, BIOS firmware) through simulator/ovf.py; the disk's content stands for the streamOptimized
VMDK a converter would write. Import is what `virt-v2v -i ova` then `virsh define` amount to: a new shut
off domain whose guest is a fresh Ubuntu machine with the OVA's name, vCPUs, memory and MAC, its disk a
qcow2 image of the OVA's capacity. A refused import changes nothing.
"""

from __future__ import annotations

import dataclasses

from simulator import libvirt, ovf
from simulator.filesystem import FsError


class ApplianceError(Exception):
    """Why an export or an import did not happen, as the tool would say it."""


def export_domain(host, name: str) -> bytes:
    """The bytes of NAME.ova for a shut off domain (a running guest's disk is still being written)."""
    domain = libvirt.domains(host).get(name)
    if domain is None:
        raise ApplianceError(f"error: failed to get domain '{name}'")
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
    vm = ovf.VirtualMachine(
        name=name,
        os=ovf.UBUNTU_64,
        cpus=domain["vcpus"],
        memory_mib=max(1, domain["memory_kib"] // 1024),
        disks=(ovf.Disk(f"{name}-disk1.vmdk", capacity, _vmdk(capacity)),),
        nics=(ovf.Nic(network=domain["network"], mac=domain["mac"]),),
    )
    try:
        return ovf.export_ova(vm, mtime=host.now())
    except ovf.OvaError as error:
        raise ApplianceError(str(error)) from None


def _vmdk(capacity: int) -> bytes:
    """The simulated streamOptimized image: its magic and its capacity, as the qcow2 images are a header."""
    return f"KDMV streamOptimized capacity={capacity}\n".encode()


def import_domain(host, data: bytes, name: str = "") -> str:
    """Define a shut off domain from an OVA's bytes, under `name` or the OVA's own; returns its name.
    Raises ApplianceError (with ovf's message for a bad archive) before anything changes."""
    try:
        vm = ovf.import_ova(data)
        if name:
            vm = dataclasses.replace(vm, name=name)
            ovf.check_vm(vm)
    except ovf.OvaError as error:
        raise ApplianceError(str(error)) from None
    existing = libvirt.domains(host).get(vm.name)
    if existing is not None:
        raise ApplianceError(
            f"error: operation failed: domain '{vm.name}' already exists with uuid {existing['uuid']}"
        )
    from simulator.machine import Machine

    spec = {"platform": "kvm", "hostname": vm.name, "cpus": vm.cpus, "memory_mb": vm.memory_mib}
    guest = Machine.create(
        {**spec, "seed": host.rng().randrange(1 << 31), "host": "main"}, over_install=True, of_its_kind=True
    )
    if vm.nics:
        guest.nics[0].pop("hwmac", None)
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
    libvirt.define(host, vm.name, guest, key, disk=disk)
    return vm.name


def _free_path(host, name: str) -> str:
    path, number = f"{libvirt.IMAGES}/{name}.qcow2", 0
    while host.fs.exists(path):
        number += 1
        path = f"{libvirt.IMAGES}/{name}-{number}.qcow2"
    return path
