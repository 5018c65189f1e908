"""OVA export and import: the real tar and sha256sum read what export writes; import refuses bad archives."""

import hashlib
import io
import subprocess
import tarfile
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.ovf import (
    DEBIAN_64,
    MAX_OVA_BYTES,
    OVF_NS,
    RASD_NS,
    UBUNTU_64,
    VMW_NS,
    VSSD_NS,
    Disk,
    Nic,
    OvaError,
    VirtualMachine,
    check_vm,
    envelope,
    export_ova,
    import_ova,
)

OVF = f"{{{OVF_NS}}}"
RASD = f"{{{RASD_NS}}}"
STREAM = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"

WEB01 = VirtualMachine(
    name="web01",
    os=UBUNTU_64,
    cpus=2,
    memory_mib=2048,
    disks=(
        Disk("web01-disk1.vmdk", 10 * 2**30, b"KDMV root filesystem", "sata"),
        Disk("web01-disk2.vmdk", 2**30, b"KDMV data", "scsi"),
    ),
    nics=(Nic("default", "52:54:00:3a:7f:01", "virtio"), Nic("VM Network", "00:50:56:aa:bb:cc", "VmxNet3")),
    firmware="efi",
)


def pack(members, manifest="auto", name="web01"):
    """A tar of (name, bytes) members; with manifest="auto", NAME.mf with SHA256 lines comes second."""
    members = list(members)
    if manifest == "auto":
        lines = "".join(f"SHA256({n})= {hashlib.sha256(d).hexdigest()}\n" for n, d in members)
        members.insert(1, (f"{name}.mf", lines.encode()))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for member_name, data in members:
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def members_of(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return [(m.name, archive.extractfile(m).read()) for m in archive.getmembers()]


def repack(descriptor, vm=WEB01):
    """WEB01's OVA with another descriptor, and a manifest that matches it."""
    return pack([(f"{vm.name}.ovf", descriptor.encode()), *((d.file_name, d.content) for d in vm.disks)])


def refused(data):
    with pytest.raises(OvaError) as error:
        import_ova(data)
    return str(error.value)


def test_real_tar_lists_descriptor_then_manifest_then_disks(tmp_path):
    (tmp_path / "web01.ova").write_bytes(export_ova(WEB01))
    listing = subprocess.run(
        ["tar", "tf", "web01.ova"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert listing.stdout == "web01.ovf\nweb01.mf\nweb01-disk1.vmdk\nweb01-disk2.vmdk\n"


def test_real_sha256sum_verifies_the_manifest(tmp_path):
    (tmp_path / "web01.ova").write_bytes(export_ova(WEB01))
    subprocess.run(["tar", "xf", "web01.ova"], cwd=tmp_path, check=True)
    manifest = (tmp_path / "web01.mf").read_text()
    assert manifest.splitlines()[0].startswith("SHA256(web01.ovf)= ")
    check = subprocess.run(["sha256sum", "-c", "web01.mf"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0
    assert check.stdout == "web01.ovf: OK\nweb01-disk1.vmdk: OK\nweb01-disk2.vmdk: OK\n"


def test_real_sha256sum_catches_the_disk_changed_after_export(tmp_path):
    (tmp_path / "web01.ova").write_bytes(export_ova(WEB01))
    subprocess.run(["tar", "xf", "web01.ova"], cwd=tmp_path, check=True)
    (tmp_path / "web01-disk2.vmdk").write_bytes(b"KDMV evil")
    check = subprocess.run(["sha256sum", "-c", "web01.mf"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 1
    assert "web01-disk2.vmdk: FAILED" in check.stdout


def test_export_writes_ustar_headers_owned_by_root_with_mode_644():
    with tarfile.open(fileobj=io.BytesIO(export_ova(WEB01, mtime=1_700_000_000))) as archive:
        for member in archive.getmembers():
            assert (member.mode, member.uid, member.gid, member.mtime) == (0o644, 0, 0, 1_700_000_000)
    assert export_ova(WEB01)[257:263] == b"ustar\x00"


def test_export_is_deterministic():
    assert export_ova(WEB01) == export_ova(WEB01)


def parsed_envelope(vm=WEB01):
    return ET.fromstring(dict(members_of(export_ova(vm)))[f"{vm.name}.ovf"])


def test_envelope_is_ovf_1_0_with_its_references_disks_and_networks():
    root = parsed_envelope()
    assert root.tag == f"{OVF}Envelope"
    assert root.get(f"{OVF}version") == "1.0"
    files = [(f.get(f"{OVF}href"), f.get(f"{OVF}id"), f.get(f"{OVF}size")) for f in root.iter(f"{OVF}File")]
    assert files == [("web01-disk1.vmdk", "file1", "20"), ("web01-disk2.vmdk", "file2", "9")]
    disks = [
        (d.get(f"{OVF}diskId"), d.get(f"{OVF}fileRef"), d.get(f"{OVF}capacity"), d.get(f"{OVF}format"))
        for d in root.find(f"{OVF}DiskSection").iter(f"{OVF}Disk")
    ]
    assert disks == [("vmdisk1", "file1", "10737418240", STREAM), ("vmdisk2", "file2", "1073741824", STREAM)]
    networks = [n.get(f"{OVF}name") for n in root.find(f"{OVF}NetworkSection").iter(f"{OVF}Network")]
    assert networks == ["default", "VM Network"]
    assert [child.tag.removeprefix(OVF) for child in root] == [
        "References",
        "DiskSection",
        "NetworkSection",
        "VirtualSystem",
    ]


def test_virtual_system_names_the_os_and_the_hardware_family():
    system = parsed_envelope().find(f"{OVF}VirtualSystem")
    assert system.get(f"{OVF}id") == "web01"
    os_section = system.find(f"{OVF}OperatingSystemSection")
    assert os_section.get(f"{OVF}id") == "94"
    assert os_section.findtext(f"{OVF}Description") == "Ubuntu 64-bit"
    vssd = system.find(f"{OVF}VirtualHardwareSection/{OVF}System")
    assert vssd.findtext(f"{{{VSSD_NS}}}VirtualSystemIdentifier") == "web01"
    assert vssd.findtext(f"{{{VSSD_NS}}}VirtualSystemType") == "vmx-13"


def hardware_items(vm=WEB01):
    section = parsed_envelope(vm).find(f"{OVF}VirtualSystem/{OVF}VirtualHardwareSection")
    return [
        {child.tag.removeprefix(RASD): child.text for child in item} for item in section.iter(f"{OVF}Item")
    ]


def test_hardware_items_carry_the_cim_resource_types():
    summary = [
        (
            item["InstanceID"],
            item["ResourceType"],
            item.get("VirtualQuantity") or item.get("ResourceSubType") or item.get("HostResource"),
        )
        for item in hardware_items()
    ]
    assert summary == [
        ("1", "3", "2"),
        ("2", "4", "2048"),
        ("3", "6", "lsilogic"),
        ("4", "20", "AHCI"),
        ("5", "17", "ovf:/disk/vmdisk1"),
        ("6", "17", "ovf:/disk/vmdisk2"),
        ("7", "10", "virtio"),
        ("8", "10", "VmxNet3"),
    ]


def test_memory_is_in_mib_and_disks_sit_on_their_controllers():
    items = {item["InstanceID"]: item for item in hardware_items()}
    assert items["2"]["AllocationUnits"] == "byte * 2^20"
    assert (items["5"]["Parent"], items["5"]["AddressOnParent"]) == ("4", "0")  # disk1 on the SATA controller
    assert (items["6"]["Parent"], items["6"]["AddressOnParent"]) == ("3", "0")  # disk2 on the SCSI controller


def test_network_adapters_carry_their_network_and_mac():
    nics = [(i["Connection"], i["Address"]) for i in hardware_items() if i["ResourceType"] == "10"]
    assert nics == [("default", "52:54:00:3a:7f:01"), ("VM Network", "00:50:56:aa:bb:cc")]


def test_rasd_elements_follow_the_schema_alphabetical_order():
    section = parsed_envelope().find(f"{OVF}VirtualSystem/{OVF}VirtualHardwareSection")
    for item in section.iter(f"{OVF}Item"):
        names = [child.tag.removeprefix(RASD) for child in item]
        assert names == sorted(names)


def test_firmware_is_in_the_optional_vmware_config_element():
    section = parsed_envelope().find(f"{OVF}VirtualSystem/{OVF}VirtualHardwareSection")
    config = section.find(f"{{{VMW_NS}}}Config")
    assert config.attrib == {
        f"{OVF}required": "false",
        f"{{{VMW_NS}}}key": "firmware",
        f"{{{VMW_NS}}}value": "efi",
    }


def test_no_network_section_without_network_adapters():
    vm = VirtualMachine("db", DEBIAN_64, 1, 512, (Disk("db.vmdk", 2**30, b"x"),))
    assert parsed_envelope(vm).find(f"{OVF}NetworkSection") is None


ROUND_TRIPS = [
    WEB01,
    VirtualMachine("db", DEBIAN_64, 1, 512, (Disk("db.vmdk", 2**30, b""),)),
    VirtualMachine(
        "legacy.vm_1",
        UBUNTU_64,
        4,
        4096,
        (Disk("a.vmdk", 5, b"a", "ide"), Disk("b.vmdk", 7, b"b", "ide"), Disk("c.vmdk", 9, b"c", "sata")),
        (Nic("NAT", "08:00:27:00:00:01", "E1000"),) * 2,
    ),
    # the host page's name rule: any libvirt domain name of 1 to 64 characters, escaped in the XML
    VirtualMachine("w" * 64, UBUNTU_64, 1, 512, (Disk("w" * 64 + "-disk1.vmdk", 1, b""),)),
    VirtualMachine('web <&> "01"', UBUNTU_64, 1, 512, (Disk('web <&> "01"-disk1.vmdk', 1, b""),)),
    VirtualMachine("-serveur-é", UBUNTU_64, 1, 512, (Disk("-serveur-é-disk1.vmdk", 1, b""),)),
]


@pytest.mark.parametrize("vm", ROUND_TRIPS, ids=lambda vm: vm.name)
def test_export_then_import_gives_back_the_same_description(vm):
    assert import_ova(export_ova(vm)) == vm


def test_a_sha1_manifest_in_virtualbox_spaced_style_is_accepted():
    members = [m for m in members_of(export_ova(WEB01)) if m[0] != "web01.mf"]
    lines = "".join(f"SHA1 ({n}) = {hashlib.sha1(d).hexdigest()}\n" for n, d in members)
    assert import_ova(pack([members[0], ("web01.mf", lines.encode()), *members[1:]], manifest=None)) == WEB01


def test_the_manifest_may_come_last():
    members = members_of(export_ova(WEB01))
    assert import_ova(pack([members[0], *members[2:], members[1]], manifest=None)) == WEB01


def test_a_tampered_disk_is_refused():
    members = members_of(export_ova(WEB01))
    members[2] = ("web01-disk1.vmdk", b"KDMV root filesystem with a backdoor")
    assert refused(pack(members, manifest=None)) == "manifest digest mismatch for web01-disk1.vmdk"


def test_a_tampered_manifest_is_refused():
    members = members_of(export_ova(WEB01))
    manifest = members[1][1].decode()
    members[1] = ("web01.mf", manifest.replace(manifest[-9:-1], "00000000").encode())
    assert refused(pack(members, manifest=None)) == "manifest digest mismatch for web01-disk2.vmdk"


def test_a_manifest_that_leaves_out_a_disk_is_refused():
    members = members_of(export_ova(WEB01))
    members[1] = ("web01.mf", b"".join(members[1][1].splitlines(keepends=True)[:2]))
    assert refused(pack(members, manifest=None)) == "web01-disk2.vmdk is not listed in the manifest"


def test_a_manifest_that_lists_a_missing_file_is_refused():
    members = members_of(export_ova(WEB01))
    members[1] = ("web01.mf", members[1][1] + b"SHA256(extra.vmdk)= " + b"0" * 64 + b"\n")
    assert (
        refused(pack(members, manifest=None)) == "the manifest lists extra.vmdk, which is not in the archive"
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("MD5(web01.ovf)= " + "0" * 32, "line 1 of the manifest uses MD5: only SHA1 and SHA256 are accepted"),
        ("SHA256(web01.ovf)= abc", "line 1 of the manifest: a SHA256 digest has 64 hex digits"),
        ("web01.ovf: OK", "line 1 of the manifest is not of the form SHA256(file)= digest"),
    ],
)
def test_a_malformed_manifest_line_is_refused(line, message):
    members = members_of(export_ova(WEB01))
    members[1] = ("web01.mf", line.encode() + b"\n")
    assert refused(pack(members, manifest=None)) == message


def test_an_ova_without_a_manifest_is_refused():
    members = [m for m in members_of(export_ova(WEB01)) if m[0] != "web01.mf"]
    assert refused(pack(members, manifest=None)) == (
        "the archive has no manifest (web01.mf): its files cannot be verified"
    )


def test_the_manifest_in_the_middle_is_refused():
    members = members_of(export_ova(WEB01))
    order = [members[0], members[2], members[1], members[3]]
    assert refused(pack(order, manifest=None)) == (
        "the manifest web01.mf must come right after web01.ovf or at the end of the archive"
    )


def test_the_descriptor_must_come_first():
    members = members_of(export_ova(WEB01))
    order = [members[2], members[0], members[1], members[3]]
    assert refused(pack(order, manifest=None)) == "the OVF descriptor must be the first file in the archive"


def test_an_archive_without_a_descriptor_is_refused():
    assert (
        refused(pack([("disk.vmdk", b"x")], manifest=None))
        == "the archive holds no OVF descriptor (.ovf file)"
    )


def test_a_signature_is_refused():
    members = [*members_of(export_ova(WEB01)), ("web01.cert", b"-----BEGIN CERTIFICATE-----\n")]
    assert refused(pack(members, manifest=None)) == (
        "web01.cert: signed OVAs are not supported (the simulator cannot check a certificate)"
    )


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Envelope [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">&lol9;</Envelope>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Envelope [<!ENTITY secret SYSTEM "file:///etc/shadow">]>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">&secret;</Envelope>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Envelope SYSTEM "http://attacker.example/ovf.dtd">
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>
"""
DOCTYPE_REFUSED = (
    "web01.ovf has a <!DOCTYPE> declaration: DTDs and the entity declarations they hold are not allowed"
)


@pytest.mark.parametrize(
    "descriptor, message",
    [
        (BILLION_LAUGHS, DOCTYPE_REFUSED),
        (EXTERNAL_ENTITY, DOCTYPE_REFUSED),
        (EXTERNAL_DTD, DOCTYPE_REFUSED),
        ("<Envelope>", "web01.ovf is not well-formed XML (no element found: line 1, column 10)"),
        (
            '<?xml version="1.0" encoding="big5"?><Envelope>',
            "web01.ovf is not well-formed XML (no element found: line 1, column 47)",
        ),
        ("<Envelope/>", f"web01.ovf is not an OVF 1.0 descriptor: its root is not an {OVF_NS} Envelope"),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "external-dtd",
        "not-well-formed",
        "multi-byte-encoding",
        "no-namespace",
    ],
)
def test_hostile_or_broken_xml_is_refused(descriptor, message):
    assert refused(repack(descriptor)) == message


@pytest.mark.parametrize(
    "name, message",
    [
        ("../web01-disk1.vmdk", "../web01-disk1.vmdk: '..' is not allowed in the path of a file in an OVA"),
        ("/etc/cron.d/evil", "/etc/cron.d/evil: absolute paths are not allowed in an OVA"),
        ("evil\x1b[2J", "'evil\\x1b[2J': control characters are not allowed in a file name"),
        (
            "disks/web01-disk1.vmdk",
            "disks/web01-disk1.vmdk: an OVA holds its files at the top level, not in directories",
        ),
    ],
)
def test_a_member_outside_the_extraction_directory_is_refused(name, message):
    members = members_of(export_ova(WEB01))
    assert refused(pack([*members, (name, b"x")], manifest=None)) == message


@pytest.mark.parametrize(
    "kind, message",
    [
        (tarfile.SYMTYPE, "evil is a symbolic link: links are not allowed in an OVA"),
        (tarfile.LNKTYPE, "evil is a hard link: links are not allowed in an OVA"),
        (tarfile.CHRTYPE, "evil is a character device: an OVA holds only regular files"),
        (tarfile.BLKTYPE, "evil is a block device: an OVA holds only regular files"),
        (tarfile.DIRTYPE, "evil/ is a directory: an OVA holds only regular files"),
        (tarfile.FIFOTYPE, "evil is a FIFO: an OVA holds only regular files"),
    ],
)
def test_links_and_special_files_are_refused(kind, message):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, content in members_of(export_ova(WEB01)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        special = tarfile.TarInfo("evil")
        special.type, special.linkname = kind, "/etc/shadow"
        archive.addfile(special)
    assert refused(buffer.getvalue()) == message


def test_pax_headers_are_refused():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("web01.ovf")
        info.pax_headers = {"comment": "hello"}
        archive.addfile(info, io.BytesIO(b""))
    assert refused(buffer.getvalue()) == "file 1 uses a tar extension (type 'x') an OVA does not need"


def test_an_oversized_file_is_refused_before_it_is_read():
    assert (
        refused(bytes(MAX_OVA_BYTES + 1))
        == "the file is 8388609 bytes: an OVA may be at most 8388608 bytes (8 MiB)"
    )


def test_more_than_64_members_are_refused():
    members = [*members_of(export_ova(WEB01)), *((f"pad{n}.vmdk", b"") for n in range(61))]
    assert refused(pack(members, manifest=None)) == "the archive holds more than 64 files"


def test_a_vm_too_large_for_an_ova_cannot_be_exported():
    big = VirtualMachine("big", UBUNTU_64, 1, 512, (Disk("big.vmdk", 2**40, bytes(MAX_OVA_BYTES)),))
    with pytest.raises(OvaError, match="more than the 8388608 bytes limit"):
        export_ova(big)


def test_a_compressed_truncated_or_corrupt_archive_is_refused():
    data = export_ova(WEB01)
    assert refused(b"\x1f\x8b\x08" + data) == (
        "the file is compressed with gzip: an OVA is a plain, uncompressed tar archive"
    )
    assert refused(data[:700]) == "the archive is truncated: it ends inside web01.ovf"
    assert refused(b"hello") == "the file is not a tar archive: an OVA is a tar file"
    corrupt = b"X" + data[1:]
    assert refused(corrupt) == "the tar header of file 1 is corrupt (its checksum does not match)"
    assert refused(b"") == "the file is empty"


def descriptor_with(old, new):
    text = envelope(WEB01)
    assert old in text
    return repack(text.replace(old, new))


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            '<VirtualSystem ovf:id="web01">',
            '<VirtualSystemCollection ovf:id="x"/><VirtualSystem ovf:id="web01">',
            "the OVA holds several virtual machines (VirtualSystemCollection): import one at a time",
        ),
        (
            "#streamOptimized",
            "#monolithicSparse",
            "disk vmdisk1 is not a stream-optimized VMDK, the only disk format supported",
        ),
        (
            "ovf:/disk/vmdisk2",
            "ovf:/disk/vmdisk9",
            "disk drive Item 6: HostResource 'ovf:/disk/vmdisk9' names no Disk",
        ),
        (
            'ovf:fileRef="file2"',
            'ovf:fileRef="file7"',
            "disk vmdisk2 refers to file 'file7', which References does not list",
        ),
        (
            "<rasd:Connection>default<",
            "<rasd:Connection>lan<",
            "network adapter Item 7: network 'lan' is not in the NetworkSection",
        ),
        ("<rasd:VirtualQuantity>2<", "<rasd:VirtualQuantity>0<", "0 virtual CPUs: a VM has 1 to 256"),
        (
            "<rasd:VirtualQuantity>2<",
            "<rasd:VirtualQuantity>-2<",
            "the VirtualQuantity of the processor Item must be a whole number, not '-2'",
        ),
        (
            "<rasd:VirtualQuantity>2048<",
            "<rasd:VirtualQuantity>4194304<",
            "4194304 MiB of memory: a VM has 1 MiB to 1048576 MiB (1 TiB)",
        ),
        (
            "<rasd:AllocationUnits>byte * 2^20<",
            "<rasd:AllocationUnits>bit<",
            "the memory Item's AllocationUnits 'bit' is not byte * 2^20 (MiB)",
        ),
        (
            'ovf:capacity="1073741824"',
            'ovf:capacity="99999999999999999"',
            "disk web01-disk2.vmdk: capacity 99999999999999999 bytes is not 1 byte to 64 TiB",
        ),
        (
            'ovf:size="9"',
            'ovf:size="900"',
            "References gives web01-disk2.vmdk a size of 900 bytes, but it holds 9",
        ),
        (
            'ovf:href="web01-disk2.vmdk"',
            'ovf:href="../../etc/shadow"',
            "the OVF descriptor refers to '../../etc/shadow', which is not in the archive",
        ),
        (
            "<rasd:Address>52:54:00:3a:7f:01<",
            "<rasd:Address>01:00:5e:00:00:01<",
            "MAC address 01:00:5e:00:00:01 is a multicast address: a network adapter needs a unicast one",
        ),
        (
            "<rasd:ResourceSubType>virtio<",
            "<rasd:ResourceSubType>rtl8139<",
            "network adapter Item 7: unknown adapter type 'rtl8139'",
        ),
        (
            '<OperatingSystemSection ovf:id="94">',
            '<OperatingSystemSection ovf:id="70000">',
            "operating system id 70000 is not a CIM_OperatingSystem OSType (0 to 65535)",
        ),
        ("<rasd:InstanceID>8<", "<rasd:InstanceID>7<", "an Item has a missing or repeated InstanceID '7'"),
        ("<rasd:Parent>3<", "<rasd:Parent>1<", "disk drive Item 6: Parent '1' is not a disk controller"),
        (
            '<VirtualSystem ovf:id="web01">',
            '<VirtualSystem ovf:id="web 01; rm -rf /">',
            "invalid VM name 'web 01; rm -rf /': a name cannot contain '/'",
        ),
    ],
)
def test_an_inconsistent_descriptor_is_refused(old, new, message):
    assert refused(descriptor_with(old, new)) == message


def test_a_disk_file_the_descriptor_does_not_mention_is_refused():
    members = [m for m in members_of(export_ova(WEB01)) if m[0] != "web01.mf"] + [("stowaway.bin", b"x")]
    assert (
        refused(pack(members))
        == "stowaway.bin is in the archive, but the OVF descriptor does not refer to it"
    )


def test_other_hardware_such_as_a_cd_drive_is_ignored():
    cdrom = "<Item><rasd:InstanceID>99</rasd:InstanceID><rasd:ResourceType>15</rasd:ResourceType></Item>"
    cdrom += "<vmw:Config"
    assert import_ova(descriptor_with("<vmw:Config", cdrom)) == WEB01


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": "w" * 65}, f"invalid VM name '{'w' * 65}': a name has 1 to 64 characters"),
        (
            {"name": "é" * 45},
            f"invalid VM name '{'é' * 45}': a name takes at most 89 bytes in UTF-8, so that "
            "NAME-disk1.vmdk fits a tar header",
        ),
        ({"name": "web\u00a001"}, "invalid VM name 'web\\xa001': a name cannot contain control characters"),
        ({"firmware": "uefi"}, "unknown firmware 'uefi': bios or efi"),
        ({"disks": ()}, "0 disks: a VM in an OVA has 1 to 8"),
        ({"disks": (Disk("a.vmdk", 1, b""), Disk("a.vmdk", 1, b""))}, "two disks share the file name a.vmdk"),
        ({"disks": (Disk("a.img", 1, b""),)}, "disk file a.img must end in .vmdk: it is a VMDK image"),
        (
            {"disks": (Disk("a.vmdk", 1, b"", "nvme"),)},
            "disk a.vmdk: unknown controller 'nvme' (ide, scsi or sata)",
        ),
        (
            {"disks": tuple(Disk(f"{n}.vmdk", 1, b"", "ide") for n in range(3))},
            "the IDE Controller takes at most 2 disks",
        ),
        (
            {"nics": (Nic("default", "52:54:00:3a:7f", "virtio"),)},
            "invalid MAC address '52:54:00:3a:7f': six hexadecimal bytes separated by ':'",
        ),
        (
            {"nics": (Nic("default", "52:54:00:3a:7f:01", "rtl8139"),)},
            "unknown network adapter type 'rtl8139' (E1000, E1000e, PCNet32, VmxNet3, virtio)",
        ),
    ],
)
def test_check_vm_names_what_is_wrong(change, message):
    with pytest.raises(OvaError) as error:
        check_vm(VirtualMachine(**{**WEB01.__dict__, **change}))
    assert str(error.value) == message


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = export_ova(WEB01)


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_vm_or_an_ova_error(data):
    try:
        import_ova(data)
    except OvaError:
        pass


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_valid_ova_with_bytes_changed_gives_a_vm_or_an_ova_error(changes):
    data = bytearray(VALID)
    for position, value in changes:
        data[position] = value
    try:
        import_ova(bytes(data))
    except OvaError:
        pass


DESCRIPTOR = envelope(WEB01)


@FUZZ
@given(st.integers(0, len(DESCRIPTOR)), st.integers(0, 64), st.text(max_size=40))
def test_a_descriptor_with_text_replaced_gives_a_vm_or_an_ova_error(start, length, text):
    try:
        import_ova(repack(DESCRIPTOR[:start] + text + DESCRIPTOR[start + length :]))
    except OvaError:
        pass
