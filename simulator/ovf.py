"""OVF descriptors and OVA archives: export a virtual machine as a genuine OVA, import one back safely.

The API is plain data and two functions, with one exception type:

    vm = VirtualMachine(
        name="web01",
        os=UBUNTU_64,                                   # OperatingSystem(94, "Ubuntu 64-bit")
        cpus=2,
        memory_mib=2048,
        disks=(Disk("web01-disk1.vmdk", capacity=10 * 2**30, content=b"...", controller="sata"),),
        nics=(Nic(network="default", mac="52:54:00:3a:7f:01", adapter="virtio"),),
        firmware="efi",
    )
    data = export_ova(vm)          # the bytes of web01.ova
    import_ova(data) == vm         # True; a bad archive raises OvaError("manifest digest mismatch for ...")

A disk's `content` stands for the stream-optimized VMDK image (a small blob in the simulator); `capacity`
is the size in bytes the guest sees. `check_vm(vm)` raises the OvaError that export would raise for an
invalid description (use it to validate what a learner typed before exporting).

What export writes, modelled on what VMware ovftool 4 and VirtualBox 7 write:
- An uncompressed POSIX ustar tar whose members are, in this order, `NAME.ovf`, `NAME.mf`, then the disks.
- An OVF 1.0 envelope (namespace http://schemas.dmtf.org/ovf/envelope/1), the version both tools write
  by default and every importer (ESXi, vCenter, VirtualBox, virt-v2v, oVirt) reads; OVF 2.0 adds nothing a
  single VM needs and fewer tools accept it. Sections: References/File, DiskSection/Disk (capacity in
  bytes, format = the VMDK streamOptimized URL), NetworkSection/Network, one VirtualSystem with an
  OperatingSystemSection (CIM_OperatingSystem OSType id) and a VirtualHardwareSection whose Items carry
  CIM_ResourceAllocationSettingData ResourceType numbers: 3 processor, 4 memory (AllocationUnits
  `byte * 2^20`), 5 IDE controller, 6 parallel SCSI HBA, 20 "other storage device" with ResourceSubType
  AHCI for SATA (as VirtualBox and ovftool write it), 17 disk drive (HostResource `ovf:/disk/vmdisk1`),
  10 Ethernet adapter (Connection = network, Address = MAC). The rasd elements of an Item are in
  alphabetical order, as the CIM schema's sequence requires.
- Firmware has no standard place in OVF 1.0: it goes where ovftool writes it and virt-v2v reads it,
  `<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>`; ovf:required="false" lets any
  other reader ignore it. No other vendor extension (no vbox:Machine) is written.
- The manifest has ovftool's `SHA256(NAME.ovf)= <hex>` lines: ovftool 4.2 and later write SHA256 by default,
  even for OVF 1.0. (VirtualBox writes `SHA1 (NAME.ovf) = <hex>` for OVF 1.0 and SHA256 only for OVF 2.0;
  ESXi accepts only the unspaced form.) `sha256sum -c` verifies either form.

What import accepts, and why it may be stricter than VirtualBox:
- The archive: at most MAX_OVA_BYTES (8 MiB) and MAX_MEMBERS (64) members; ustar only (no gzip, no pax or
  GNU long-name headers, which an OVA never needs); only regular files, with plain names (no directory,
  no absolute path, no `..`); no two members with one name; the .ovf first (the OVF spec's rule, so a
  reader can stream the archive).
- The manifest is required (VirtualBox only warns when it is missing; the simulator refuses, since dropping
  the manifest is the easiest way to hide a tampered disk). It must be named after the descriptor, come
  right after it or at the very end (the two places the spec allows), list every other member exactly once
  with a SHA1 or SHA256 digest (ovftool writes either), and every digest must match. A signature
  (.cert) is refused: the simulator cannot check one, and accepting it unchecked would mislead.
- The descriptor: UTF-8, at most MAX_DESCRIPTOR_BYTES (1 MiB), parsed with defusedxml refusing any DTD (so
  no entity declarations and no external entities; an OVF descriptor never has a DOCTYPE); an OVF 1.0
  Envelope with one VirtualSystem; every reference resolves (Disk fileRef to a File, File href to a member,
  HostResource to a Disk, Parent to a controller, Connection to a Network), every member and every Disk is
  used, and every number is in range (check_vm's limits).
- CD drives, USB controllers, sound cards and other Items are ignored; disk formats other than the
  streamOptimized VMDK are refused.

Import is pure: it returns a new VirtualMachine or raises OvaError, and never raises anything else,
whatever the bytes; nothing of a refused import exists anywhere.
"""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

import defusedxml
import defusedxml.ElementTree

MAX_OVA_BYTES = 8 * 2**20
MAX_MEMBERS = 64
MAX_DESCRIPTOR_BYTES = 2**20
MAX_CPUS = 256
MAX_MEMORY_MIB = 2**20  # 1 TiB
MAX_DISKS = 8
MAX_CAPACITY = 2**46  # 64 TiB, above VMFS's 62 TB limit for one VMDK
MAX_NICS = 8

OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1"
RASD_NS = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
VSSD_NS = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
VMW_NS = "http://www.vmware.com/schema/ovf"
STREAM_OPTIMIZED = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
# the virtual hardware family ovftool writes for ESXi 6.5 and later; VirtualBox and virt-v2v ignore it
VIRTUAL_SYSTEM_TYPE = "vmx-13"

# CIM_ResourceAllocationSettingData.ResourceType
PROCESSOR, MEMORY, IDE, SCSI, ETHERNET, DISK_DRIVE, OTHER_STORAGE = 3, 4, 5, 6, 10, 17, 20
# controller kind: (ResourceType, ResourceSubType written, description, how many disks it takes:
# IDE has master and slave, SCSI IDs 0-6 (7 is the HBA itself), AHCI up to 30 ports but 8 is enough)
CONTROLLERS = {
    "ide": (IDE, "PIIX4", "IDE Controller", 2),
    "scsi": (SCSI, "lsilogic", "SCSI Controller", 7),
    "sata": (OTHER_STORAGE, "AHCI", "SATA Controller", 8),
}
ADAPTERS = ("E1000", "E1000e", "PCNet32", "VmxNet3", "virtio")
FIRMWARES = ("bios", "efi")


class OvaError(Exception):
    """What is wrong with an OVA or a VM description, in words a learner understands."""


@dataclass(frozen=True)
class OperatingSystem:
    id: int  # CIM_OperatingSystem OSType, OVF's OperatingSystemSection ovf:id
    description: str


# a few CIM_OperatingSystem OSType values (DMTF CIM schema; the same numbers in VirtualBox's ovfreader.h)
RHEL_64 = OperatingSystem(80, "Red Hat Enterprise Linux 64-bit")
UBUNTU_64 = OperatingSystem(94, "Ubuntu 64-bit")
DEBIAN_64 = OperatingSystem(96, "Debian 64-bit")
LINUX_64 = OperatingSystem(101, "Linux 64-bit")


@dataclass(frozen=True)
class Disk:
    file_name: str  # the .vmdk member of the OVA
    capacity: int  # bytes the guest sees
    content: bytes  # stands for the stream-optimized VMDK image
    controller: str = "sata"  # ide, scsi or sata


@dataclass(frozen=True)
class Nic:
    network: str
    mac: str
    adapter: str = "virtio"  # one of ADAPTERS


@dataclass(frozen=True)
class VirtualMachine:
    name: str
    os: OperatingSystem
    cpus: int
    memory_mib: int
    disks: tuple[Disk, ...]
    nics: tuple[Nic, ...] = ()
    firmware: str = "bios"


# A VM's name is its libvirt domain's: libvirt 10.0 refuses only '/' (the QEMU driver) and a newline
# (virXMLCheckIllegalChars), virtinst 4.1 nothing more in a clone's name (virt-install and virt-manager's
# wizard also refuse a space), and OVF's VirtualSystem ovf:id is any xs:string. The limits here, shared
# with the host page's forms (web/machines.py), are: at most NAME_MAX characters, Linux's HOST_NAME_MAX,
# since an installed guest takes its name as its host name; no control character; and few enough bytes
# that the members named after it (NAME-disk8.vmdk) fit a ustar header's 100-byte name field.
NAME_MAX = 64
MEMBER_NAME_BYTES = 100
NAME_BYTES = MEMBER_NAME_BYTES - len("-disk1.vmdk")
NETWORK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


def check_vm(vm: VirtualMachine) -> None:
    """Raise OvaError naming the first thing in vm that no OVA can hold; the limits import also applies."""
    problem = name_problem(vm.name)
    if problem:
        raise OvaError(f"invalid VM name {vm.name!r}: {problem}")
    if not 0 <= vm.os.id <= 65535:
        raise OvaError(f"operating system id {vm.os.id} is not a CIM_OperatingSystem OSType (0 to 65535)")
    if not 0 < len(vm.os.description) <= 256 or not vm.os.description.isprintable():
        raise OvaError("the operating system description must be 1 to 256 printable characters")
    if not 1 <= vm.cpus <= MAX_CPUS:
        raise OvaError(f"{vm.cpus} virtual CPUs: a VM has 1 to {MAX_CPUS}")
    if not 1 <= vm.memory_mib <= MAX_MEMORY_MIB:
        raise OvaError(f"{vm.memory_mib} MiB of memory: a VM has 1 MiB to {MAX_MEMORY_MIB} MiB (1 TiB)")
    if vm.firmware not in FIRMWARES:
        raise OvaError(f"unknown firmware {vm.firmware!r}: bios or efi")
    _check_disks(vm.disks)
    _check_nics(vm.nics)


def name_problem(name: str) -> str:
    """What keeps `name` from naming a VM in an OVA (see NAME_MAX), or ""."""
    if not 1 <= len(name) <= NAME_MAX:
        return f"a name has 1 to {NAME_MAX} characters"
    if "/" in name:
        return "a name cannot contain '/'"
    if not name.isprintable():
        return "a name cannot contain control characters"
    if len(name.encode()) > NAME_BYTES:
        return f"a name takes at most {NAME_BYTES} bytes in UTF-8, so that NAME-disk1.vmdk fits a tar header"
    return ""


def _member_problem(name: str) -> str:
    if not name or len(name.encode()) > MEMBER_NAME_BYTES or name in (".", ".."):
        return f"a file of an OVA has a name of 1 to {MEMBER_NAME_BYTES} bytes"
    if "/" in name or not name.isprintable():
        return "a file of an OVA has no '/' or control character in its name"
    return ""


def _check_disks(disks: tuple[Disk, ...]) -> None:
    if not 1 <= len(disks) <= MAX_DISKS:
        raise OvaError(f"{len(disks)} disks: a VM in an OVA has 1 to {MAX_DISKS}")
    names = [disk.file_name for disk in disks]
    for disk in disks:
        problem = _member_problem(disk.file_name)
        if problem:
            raise OvaError(f"invalid disk file name {disk.file_name!r}: {problem}")
        if not disk.file_name.endswith(".vmdk"):
            raise OvaError(f"disk file {disk.file_name} must end in .vmdk: it is a VMDK image")
        if names.count(disk.file_name) > 1:
            raise OvaError(f"two disks share the file name {disk.file_name}")
        if not 1 <= disk.capacity <= MAX_CAPACITY:
            raise OvaError(f"disk {disk.file_name}: capacity {disk.capacity} bytes is not 1 byte to 64 TiB")
        if disk.controller not in CONTROLLERS:
            raise OvaError(
                f"disk {disk.file_name}: unknown controller {disk.controller!r} (ide, scsi or sata)"
            )
    for kind, (_, _, description, room) in CONTROLLERS.items():
        if sum(disk.controller == kind for disk in disks) > room:
            raise OvaError(f"the {description} takes at most {room} disks")


def _check_nics(nics: tuple[Nic, ...]) -> None:
    if len(nics) > MAX_NICS:
        raise OvaError(f"{len(nics)} network adapters: a VM in an OVA has at most {MAX_NICS}")
    for nic in nics:
        if not NETWORK_NAME.fullmatch(nic.network):
            raise OvaError(f"invalid network name {nic.network!r}")
        if not MAC.fullmatch(nic.mac):
            raise OvaError(f"invalid MAC address {nic.mac!r}: six hexadecimal bytes separated by ':'")
        if int(nic.mac[:2], 16) & 1:
            raise OvaError(
                f"MAC address {nic.mac} is a multicast address: a network adapter needs a unicast one"
            )
        if nic.adapter not in ADAPTERS:
            raise OvaError(f"unknown network adapter type {nic.adapter!r} ({', '.join(ADAPTERS)})")


def export_ova(vm: VirtualMachine, *, mtime: int = 0) -> bytes:
    """The bytes of an OVA holding vm: NAME.ovf, NAME.mf, then the disks, all modified at mtime."""
    check_vm(vm)
    files = [(f"{vm.name}.ovf", envelope(vm).encode())]
    files += [(disk.file_name, disk.content) for disk in vm.disks]
    manifest = "".join(f"SHA256({name})= {hashlib.sha256(data).hexdigest()}\n" for name, data in files)
    members = [files[0], (f"{vm.name}.mf", manifest.encode()), *files[1:]]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            archive.addfile(info, io.BytesIO(data))
    if buffer.tell() > MAX_OVA_BYTES:
        raise OvaError(f"the OVA would be {buffer.tell()} bytes, more than the {MAX_OVA_BYTES} bytes limit")
    return buffer.getvalue()


def envelope(vm: VirtualMachine) -> str:
    """The OVF 1.0 descriptor of vm, laid out as ovftool writes it."""
    networks = list(dict.fromkeys(nic.network for nic in vm.nics))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<Envelope ovf:version="1.0" xml:lang="en-US" xmlns="{OVF_NS}" xmlns:ovf="{OVF_NS}"'
        f' xmlns:rasd="{RASD_NS}" xmlns:vssd="{VSSD_NS}" xmlns:vmw="{VMW_NS}">',
        "  <References>",
        *(
            f'    <File ovf:href={quoteattr(disk.file_name)} ovf:id="file{n}"'
            f' ovf:size="{len(disk.content)}"/>'
            for n, disk in enumerate(vm.disks, 1)
        ),
        "  </References>",
        "  <DiskSection>",
        "    <Info>Virtual disk information</Info>",
        *(
            f'    <Disk ovf:capacity="{disk.capacity}" ovf:diskId="vmdisk{n}" ovf:fileRef="file{n}"'
            f' ovf:format="{STREAM_OPTIMIZED}"/>'
            for n, disk in enumerate(vm.disks, 1)
        ),
        "  </DiskSection>",
        *_network_section(networks),
        f"  <VirtualSystem ovf:id={quoteattr(vm.name)}>",
        "    <Info>A virtual machine</Info>",
        f"    <Name>{escape(vm.name)}</Name>",
        f'    <OperatingSystemSection ovf:id="{vm.os.id}">',
        "      <Info>The kind of installed guest operating system</Info>",
        f"      <Description>{escape(vm.os.description)}</Description>",
        "    </OperatingSystemSection>",
        "    <VirtualHardwareSection>",
        "      <Info>Virtual hardware requirements</Info>",
        "      <System>",
        "        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>",
        "        <vssd:InstanceID>0</vssd:InstanceID>",
        f"        <vssd:VirtualSystemIdentifier>{escape(vm.name)}</vssd:VirtualSystemIdentifier>",
        f"        <vssd:VirtualSystemType>{VIRTUAL_SYSTEM_TYPE}</vssd:VirtualSystemType>",
        "      </System>",
        *(_item(item) for item in _hardware_items(vm)),
        f'      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="{vm.firmware}"/>',
        "    </VirtualHardwareSection>",
        "  </VirtualSystem>",
        "</Envelope>",
    ]
    return "\n".join(lines) + "\n"


def _network_section(networks: list[str]) -> list[str]:
    if not networks:
        return []
    return [
        "  <NetworkSection>",
        "    <Info>The list of logical networks</Info>",
        *(
            f"    <Network ovf:name={quoteattr(name)}>\n"
            f"      <Description>The {escape(name)} network</Description>\n"
            "    </Network>"
            for name in networks
        ),
        "  </NetworkSection>",
    ]


def _hardware_items(vm: VirtualMachine) -> list[dict[str, str]]:
    """The Items of the VirtualHardwareSection, each as rasd element name -> text."""
    items = [
        {
            "AllocationUnits": "hertz * 10^6",
            "Description": "Number of Virtual CPUs",
            "ElementName": f"{vm.cpus} virtual CPU(s)",
            "ResourceType": str(PROCESSOR),
            "VirtualQuantity": str(vm.cpus),
        },
        {
            "AllocationUnits": "byte * 2^20",
            "Description": "Memory Size",
            "ElementName": f"{vm.memory_mib}MB of memory",
            "ResourceType": str(MEMORY),
            "VirtualQuantity": str(vm.memory_mib),
        },
    ]
    disk_items = []
    for kind, (resource_type, subtype, description, _) in CONTROLLERS.items():
        disks = [n for n, disk in enumerate(vm.disks, 1) if disk.controller == kind]
        if not disks:
            continue
        controller_id = str(len(items) + 1)
        items.append(
            {
                "Address": "0",
                "Description": description,
                "ElementName": f"{kind}Controller0",
                "ResourceSubType": subtype,
                "ResourceType": str(resource_type),
            }
        )
        for address, n in enumerate(disks):
            item = {
                "AddressOnParent": str(address),
                "Description": "Hard disk",
                "ElementName": f"disk{n}",
                "HostResource": f"ovf:/disk/vmdisk{n}",
                "Parent": controller_id,
                "ResourceType": str(DISK_DRIVE),
            }
            disk_items.append((n, item))
    # disks keep the description's order, whatever their controllers
    items += [item for _, item in sorted(disk_items, key=lambda pair: pair[0])]
    for n, nic in enumerate(vm.nics, 1):
        items.append(
            {
                "Address": nic.mac,
                "AutomaticAllocation": "true",
                "Connection": nic.network,
                "Description": f"{nic.adapter} ethernet adapter on {nic.network}",
                "ElementName": f"Ethernet {n}",
                "ResourceSubType": nic.adapter,
                "ResourceType": str(ETHERNET),
            }
        )
    for instance_id, item in enumerate(items, 1):
        item["InstanceID"] = str(instance_id)
    return items


def _item(fields: dict[str, str]) -> str:
    inner = "".join(f"        <rasd:{key}>{escape(fields[key])}</rasd:{key}>\n" for key in sorted(fields))
    return f"      <Item>\n{inner}      </Item>"


def import_ova(data: bytes) -> VirtualMachine:
    """The VM an OVA holds, after checking the archive, its manifest and its descriptor; else OvaError."""
    if len(data) > MAX_OVA_BYTES:
        raise OvaError(f"the file is {len(data)} bytes: an OVA may be at most {MAX_OVA_BYTES} bytes (8 MiB)")
    members = read_tar(data)
    descriptor_name = _check_layout(members)
    contents = dict(members)
    _verify_manifest(contents, descriptor_name)
    return _read_envelope(contents, descriptor_name)


def read_tar(data: bytes) -> list[tuple[str, bytes]]:
    """The (name, content) of each member of a ustar archive, refusing anything but plain regular files."""
    if not data:
        raise OvaError("the file is empty")
    if data[:2] == b"\x1f\x8b":
        raise OvaError("the file is compressed with gzip: an OVA is a plain, uncompressed tar archive")
    members: list[tuple[str, bytes]] = []
    offset = 0
    while offset + 512 <= len(data):
        header = data[offset : offset + 512]
        if header == bytes(512):
            break
        if len(members) == MAX_MEMBERS:
            raise OvaError(f"the archive holds more than {MAX_MEMBERS} files")
        name, size = _read_header(header, len(members) + 1)
        start = offset + 512
        if start + size > len(data):
            raise OvaError(f"the archive is truncated: it ends inside {name}")
        members.append((name, data[start : start + size]))
        offset = start + (size + 511) // 512 * 512
    else:
        if not members:
            raise OvaError("the file is not a tar archive: an OVA is a tar file")
        raise OvaError("the archive is truncated: its end-of-archive marker is missing")
    if not members:
        raise OvaError("the archive is empty")
    return members


LINK_TYPES = {b"1": "a hard link", b"2": "a symbolic link"}
SPECIAL_TYPES = {b"3": "a character device", b"4": "a block device", b"5": "a directory", b"6": "a FIFO"}


def _read_header(header: bytes, position: int) -> tuple[str, int]:
    if header[257:262] != b"ustar":
        if position == 1:
            raise OvaError("the file is not a tar archive: an OVA is a POSIX (ustar) tar file")
        raise OvaError(f"file {position} of the archive has no valid tar header")
    stored = _octal(header[148:156])
    unsigned = sum(header[:148]) + 8 * 32 + sum(header[156:])
    signed = unsigned - 2 * sum(byte for byte in header[:148] + header[156:] if byte > 127)
    if stored not in (unsigned, signed):
        raise OvaError(f"the tar header of file {position} is corrupt (its checksum does not match)")
    try:
        name = header[:100].split(b"\0")[0].decode()
        prefix = header[345:500].split(b"\0")[0].decode()
    except UnicodeDecodeError:
        raise OvaError(f"the name of file {position} in the archive is not valid UTF-8") from None
    name = f"{prefix}/{name}" if prefix else name
    if not name.isprintable():
        raise OvaError(f"{name!r}: control characters are not allowed in a file name")
    kind = header[156:157]
    if kind in LINK_TYPES:
        raise OvaError(f"{name} is {LINK_TYPES[kind]}: links are not allowed in an OVA")
    if kind in SPECIAL_TYPES:
        raise OvaError(f"{name} is {SPECIAL_TYPES[kind]}: an OVA holds only regular files")
    if kind not in (b"0", b"\0", b"7"):
        raise OvaError(
            f"file {position} uses a tar extension (type {kind.decode('latin-1')!r}) an OVA does not need"
        )
    _check_member_name(name)
    size = _octal(header[124:136])
    if size is None:
        raise OvaError(f"the size of {name} in its tar header is not a number")
    return name, size


def _octal(field: bytes) -> int | None:
    digits = field.strip(b"\0 ")
    return int(digits, 8) if re.fullmatch(rb"[0-7]{1,12}", digits) else None


def _check_member_name(name: str) -> None:
    if not name:
        raise OvaError("a file in the archive has an empty name")
    if name.startswith("/"):
        raise OvaError(f"{name}: absolute paths are not allowed in an OVA")
    if ".." in name.split("/"):
        raise OvaError(f"{name}: '..' is not allowed in the path of a file in an OVA")
    if "/" in name:
        raise OvaError(f"{name}: an OVA holds its files at the top level, not in directories")


def _check_layout(members: list[tuple[str, bytes]]) -> str:
    """Check which members are where; return the descriptor's name."""
    names = [name for name, _ in members]
    for name in names:
        if names.count(name) > 1:
            raise OvaError(f"the archive holds two files named {name}")
        if name.endswith(".cert"):
            raise OvaError(
                f"{name}: signed OVAs are not supported (the simulator cannot check a certificate)"
            )
    if not names[0].endswith(".ovf"):
        if any(name.endswith(".ovf") for name in names):
            raise OvaError("the OVF descriptor must be the first file in the archive")
        raise OvaError("the archive holds no OVF descriptor (.ovf file)")
    descriptor = names[0]
    manifest = descriptor[: -len(".ovf")] + ".mf"
    if manifest not in names:
        raise OvaError(f"the archive has no manifest ({manifest}): its files cannot be verified")
    if manifest not in (names[1], names[-1]):
        raise OvaError(
            f"the manifest {manifest} must come right after {descriptor} or at the end of the archive"
        )
    for name in names[1:]:
        if name.endswith((".ovf", ".mf")) and name != manifest:
            raise OvaError(f"the archive holds a second descriptor or manifest, {name}")
    return descriptor


MANIFEST_LINE = re.compile(r"([A-Za-z0-9]+) ?\((.+)\) ?= ?([0-9A-Fa-f]+)")
DIGESTS = {"SHA1": (hashlib.sha1, 40), "SHA256": (hashlib.sha256, 64)}


def _verify_manifest(contents: dict[str, bytes], descriptor: str) -> None:
    manifest = descriptor[: -len(".ovf")] + ".mf"
    try:
        lines = contents[manifest].decode().splitlines()
    except UnicodeDecodeError:
        raise OvaError(f"the manifest {manifest} is not text") from None
    listed: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = MANIFEST_LINE.fullmatch(line.strip())
        if not match:
            raise OvaError(f"line {number} of the manifest is not of the form SHA256(file)= digest")
        algorithm, name, digest = match.groups()
        if algorithm not in DIGESTS:
            raise OvaError(
                f"line {number} of the manifest uses {algorithm}: only SHA1 and SHA256 are accepted"
            )
        hash_function, length = DIGESTS[algorithm]
        if len(digest) != length:
            raise OvaError(f"line {number} of the manifest: a {algorithm} digest has {length} hex digits")
        if name in listed:
            raise OvaError(f"the manifest lists {name} twice")
        if name == manifest:
            raise OvaError("the manifest lists itself: it lists the other files of the archive")
        if name not in contents:
            raise OvaError(f"the manifest lists {name}, which is not in the archive")
        if hash_function(contents[name]).hexdigest() != digest.lower():
            raise OvaError(f"manifest digest mismatch for {name}")
        listed.add(name)
    for name in contents:
        if name not in listed and name != manifest:
            raise OvaError(f"{name} is not listed in the manifest")


def _read_envelope(contents: dict[str, bytes], descriptor: str) -> VirtualMachine:
    root = _parse_xml(contents[descriptor], descriptor)
    if root.tag != _ovf("Envelope"):
        raise OvaError(f"{descriptor} is not an OVF 1.0 descriptor: its root is not an {OVF_NS} Envelope")
    files = _references(root, contents, descriptor)
    disks = _disk_section(root, files)
    networks = _network_names(root)
    if root.find(_ovf("VirtualSystemCollection")) is not None:
        raise OvaError(
            "the OVA holds several virtual machines (VirtualSystemCollection): import one at a time"
        )
    systems = root.findall(_ovf("VirtualSystem"))
    if len(systems) != 1:
        raise OvaError(f"the OVF descriptor must describe one VirtualSystem, not {len(systems)}")
    system = systems[0]
    vm = VirtualMachine(
        name=system.get(_ovf("id"), ""),
        os=_operating_system(system),
        **_hardware(_section(system, "VirtualHardwareSection"), disks, networks, contents),
    )
    check_vm(vm)
    return vm


def _parse_xml(data: bytes, descriptor: str) -> Element:
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise OvaError(f"{descriptor} is larger than {MAX_DESCRIPTOR_BYTES} bytes")
    try:
        # a str, so that expat ignores the encoding the declaration claims: an OVF descriptor is UTF-8
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OvaError(f"{descriptor} is not UTF-8 text") from None
    try:
        return defusedxml.ElementTree.fromstring(text, forbid_dtd=True)
    except defusedxml.DTDForbidden:
        raise OvaError(
            f"{descriptor} has a <!DOCTYPE> declaration: DTDs and the entity declarations they hold "
            "are not allowed"
        ) from None
    except ParseError as error:
        raise OvaError(f"{descriptor} is not well-formed XML ({error})") from None


def _ovf(name: str) -> str:
    return f"{{{OVF_NS}}}{name}"


def _section(parent: Element, name: str) -> Element:
    section = parent.find(_ovf(name))
    if section is None:
        raise OvaError(f"the OVF descriptor has no {name}")
    return section


def _number(text: str | None, what: str) -> int:
    value = (text or "").strip()
    if not re.fullmatch(r"[0-9]{1,20}", value):
        raise OvaError(f"{what} must be a whole number, not {text!r}")
    return int(value)


def _references(root: Element, contents: dict[str, bytes], descriptor: str) -> dict[str, str]:
    """File ovf:id -> member name, checking each File is a member of the archive and each member is used."""
    files: dict[str, str] = {}
    for file in _section(root, "References").findall(_ovf("File")):
        file_id, href = file.get(_ovf("id"), ""), file.get(_ovf("href"), "")
        if not file_id or file_id in files:
            raise OvaError(f"a File in References has a missing or repeated ovf:id {file_id!r}")
        if href not in contents or href == descriptor:
            raise OvaError(f"the OVF descriptor refers to {href!r}, which is not in the archive")
        size = file.get(_ovf("size"))
        if size is not None and _number(size, f"the ovf:size of {href}") != len(contents[href]):
            raise OvaError(
                f"References gives {href} a size of {size} bytes, but it holds {len(contents[href])}"
            )
        files[file_id] = href
    manifest = descriptor[: -len(".ovf")] + ".mf"
    for name in contents:
        if name not in (descriptor, manifest) and name not in files.values():
            raise OvaError(f"{name} is in the archive, but the OVF descriptor does not refer to it")
    return files


CAPACITY_UNITS = re.compile(r"byte(?: \* 2\^(10|20|30|40))?")


def _disk_section(root: Element, files: dict[str, str]) -> dict[str, tuple[str, int]]:
    """Disk ovf:diskId -> (member name, capacity in bytes)."""
    disks: dict[str, tuple[str, int]] = {}
    for disk in _section(root, "DiskSection").findall(_ovf("Disk")):
        disk_id, file_ref = disk.get(_ovf("diskId"), ""), disk.get(_ovf("fileRef"), "")
        if not disk_id or disk_id in disks:
            raise OvaError(f"a Disk in the DiskSection has a missing or repeated ovf:diskId {disk_id!r}")
        if file_ref not in files:
            raise OvaError(f"disk {disk_id} refers to file {file_ref!r}, which References does not list")
        if disk.get(_ovf("format")) != STREAM_OPTIMIZED:
            raise OvaError(f"disk {disk_id} is not a stream-optimized VMDK, the only disk format supported")
        units = CAPACITY_UNITS.fullmatch(disk.get(_ovf("capacityAllocationUnits"), "byte").strip())
        if not units:
            raise OvaError(f"disk {disk_id}: unknown ovf:capacityAllocationUnits")
        capacity = _number(disk.get(_ovf("capacity")), f"the capacity of disk {disk_id}")
        disks[disk_id] = (files[file_ref], capacity * 2 ** int(units.group(1) or 0))
    used = [file_ref for file_ref, _ in disks.values()]
    for file_id, href in files.items():
        if used.count(href) != 1:
            raise OvaError(f"file {href} ({file_id}) must be the image of exactly one Disk")
    return disks


def _network_names(root: Element) -> set[str]:
    section = root.find(_ovf("NetworkSection"))
    if section is None:
        return set()
    return {network.get(_ovf("name"), "") for network in section.findall(_ovf("Network"))}


def _operating_system(system: Element) -> OperatingSystem:
    section = _section(system, "OperatingSystemSection")
    description = section.findtext(_ovf("Description"))
    if description is None:
        raise OvaError("the OperatingSystemSection has no Description")
    return OperatingSystem(_number(section.get(_ovf("id")), "the operating system id"), description.strip())


def _rasd(item: Element) -> dict[str, str]:
    prefix = f"{{{RASD_NS}}}"
    return {
        child.tag.removeprefix(prefix): (child.text or "").strip()
        for child in item
        if isinstance(child.tag, str) and child.tag.startswith(prefix)
    }


MEMORY_UNITS = {"byte * 2^20": 1, "MegaBytes": 1, "byte * 2^30": 1024}


def _hardware(section: Element, disks: dict, networks: set[str], contents: dict[str, bytes]) -> dict:
    """cpus, memory_mib, disks, nics and firmware from a VirtualHardwareSection."""
    items = [_rasd(item) for item in section.findall(_ovf("Item"))]
    instance_ids = [item.get("InstanceID", "") for item in items]
    for instance_id in instance_ids:
        if not instance_id or instance_ids.count(instance_id) > 1:
            raise OvaError(f"an Item has a missing or repeated InstanceID {instance_id!r}")
    by_type: dict[int, list[dict[str, str]]] = {}
    for item in items:
        resource_type = _number(item.get("ResourceType"), f"the ResourceType of Item {item['InstanceID']}")
        by_type.setdefault(resource_type, []).append(item)
    return {
        "cpus": _quantity(by_type, PROCESSOR, "processor"),
        "memory_mib": _memory(by_type),
        "disks": _disks(by_type, disks, contents),
        "nics": tuple(_nic(item, networks) for item in by_type.get(ETHERNET, [])),
        "firmware": _firmware(section),
    }


def _quantity(by_type: dict, resource_type: int, what: str) -> int:
    items = by_type.get(resource_type, [])
    if len(items) != 1:
        raise OvaError(f"the VirtualHardwareSection must have one {what} Item (ResourceType {resource_type})")
    return _number(items[0].get("VirtualQuantity"), f"the VirtualQuantity of the {what} Item")


def _memory(by_type: dict) -> int:
    quantity = _quantity(by_type, MEMORY, "memory")
    units = by_type[MEMORY][0].get("AllocationUnits")
    if units not in MEMORY_UNITS:
        raise OvaError(f"the memory Item's AllocationUnits {units!r} is not byte * 2^20 (MiB)")
    return quantity * MEMORY_UNITS[units]


def _controller_kind(item: dict[str, str]) -> str | None:
    resource_type = int(item["ResourceType"])
    if resource_type == IDE:
        return "ide"
    if resource_type == SCSI:
        return "scsi"
    if resource_type == OTHER_STORAGE and "ahci" in item.get("ResourceSubType", "").lower():
        return "sata"
    return None


def _disks(by_type: dict, disks: dict[str, tuple[str, int]], contents: dict[str, bytes]) -> tuple[Disk, ...]:
    controllers = {
        item["InstanceID"]: kind
        for items in by_type.values()
        for item in items
        if (kind := _controller_kind(item)) is not None
    }
    attached: list[str] = []
    addresses: set[tuple[str, int]] = set()
    result = []
    for item in by_type.get(DISK_DRIVE, []):
        host = item.get("HostResource", "")
        disk_id = (
            host.removeprefix("ovf:").removeprefix("/disk/")
            if host.startswith(("ovf:/disk/", "/disk/"))
            else ""
        )
        if disk_id not in disks:
            raise OvaError(f"disk drive Item {item['InstanceID']}: HostResource {host!r} names no Disk")
        if disk_id in attached:
            raise OvaError(f"disk {disk_id} is attached twice")
        parent = item.get("Parent", "")
        if parent not in controllers:
            raise OvaError(
                f"disk drive Item {item['InstanceID']}: Parent {parent!r} is not a disk controller"
            )
        address = _number(
            item.get("AddressOnParent", "0"), f"the AddressOnParent of Item {item['InstanceID']}"
        )
        if (parent, address) in addresses:
            raise OvaError(f"two disks are at address {address} of controller {parent}")
        addresses.add((parent, address))
        attached.append(disk_id)
        file_name, capacity = disks[disk_id]
        result.append(Disk(file_name, capacity, contents[file_name], controllers[parent]))
    for disk_id in disks:
        if disk_id not in attached:
            raise OvaError(f"disk {disk_id} is not attached to any controller")
    return tuple(result)


def _nic(item: dict[str, str], networks: set[str]) -> Nic:
    connection = item.get("Connection", "")
    if connection not in networks:
        raise OvaError(
            f"network adapter Item {item['InstanceID']}: network {connection!r} is not in the NetworkSection"
        )
    adapters = {adapter.lower(): adapter for adapter in ADAPTERS}
    subtype = item.get("ResourceSubType", "")
    if subtype.lower() not in adapters:
        raise OvaError(f"network adapter Item {item['InstanceID']}: unknown adapter type {subtype!r}")
    return Nic(connection, item.get("Address", ""), adapters[subtype.lower()])


def _firmware(section: Element) -> str:
    for config in section.findall(f"{{{VMW_NS}}}Config"):
        if config.get(f"{{{VMW_NS}}}key") == "firmware":
            return config.get(f"{{{VMW_NS}}}value", "")
    return "bios"
