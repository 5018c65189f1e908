"""An OVA's disk carries its guest: exported, imported twice, the two guests collide as clones do; a disk
whose content is malformed, oversized or tampered is refused with a message naming the problem, and
nothing of the refused import remains."""

import copy
import json
import subprocess
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import World, guestdisk, libvirt, ovf
from simulator.appliance import ApplianceError, export_domain, import_domain


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


@pytest.fixture(scope="module")
def exported():
    """kvm-host's db01 after its admin left a file and a user on it, shut off and exported: (world, OVA)."""
    world = World.new("kvm-host")
    for line in (
        "sudo virsh start db01",
        "sudo virsh console db01",
        "echo 'listen = 5432' | sudo tee /srv/app.conf",
        "echo 'dba:x:1001:1001::/home/dba:/bin/bash' | sudo tee -a /etc/passwd",
        "sudo apt-get install -y gpg",
        "gpg --batch --passphrase '' --quick-generate-key 'DB admin <dba@db01>'",
        "exit",
        "sudo virsh shutdown db01",
    ):
        assert world.run(line).status == 0, line
    return world.to_dict(), export_domain(world.machine, "db01")


@pytest.fixture
def world(exported):
    return World.from_dict(copy.deepcopy(exported[0]))


IDENTITY_FILES = (
    "/etc/hostname",
    "/etc/hosts",
    "/etc/machine-id",
    "/etc/ssh/ssh_host_ed25519_key",
    "/etc/ssh/ssh_host_rsa_key.pub",
    "/etc/netplan/50-cloud-init.yaml",
    "/etc/passwd",
    "/srv/app.conf",
)


def _identity(machine):
    files = {path: machine.fs.read(path) for path in IDENTITY_FILES}
    files["dbus"] = machine.fs.read("/var/lib/dbus/machine-id")
    files["cloud-init"] = sorted(machine.fs.listdir("/var/lib/cloud/instances"))
    files["pgp"] = sorted(machine.fs.listdir("/home/learner/.gnupg/private-keys-v1.d"))
    disk = machine.disks[0]
    files["disk"] = (disk["ptuuid"], [(p["uuid"], p["partuuid"], p["label"]) for p in disk["parts"]])
    files["packages"] = dict(machine.package_changes)
    return files


def test_the_disk_member_carries_the_guest_and_the_ova_stays_genuine(world, exported):
    data = exported[1]
    vm = ovf.import_ova(data)  # the tar, the manifest's SHA256 digests and the OVF all verify
    assert [name for name, _ in ovf.read_tar(data)] == ["db01.ovf", "db01.mf", "db01-disk1.vmdk"]
    content = vm.disks[0].content
    assert content.startswith(b"KDMV streamOptimized capacity=26843545600 guestlab-disk=1\n")
    assert guestdisk.read(content, 26843545600).nodes["/srv/app.conf"]["content"] == "listen = 5432\n"
    assert export_domain(world.machine, "db01") == data, "the same guest gives the same bytes"


def test_real_tar_lists_it_and_sha256sum_verifies_its_manifest(exported, tmp_path):
    (tmp_path / "db01.ova").write_bytes(exported[1])
    listing = subprocess.run(["tar", "tf", "db01.ova"], cwd=tmp_path, capture_output=True, text=True)
    assert listing.stdout == "db01.ovf\ndb01.mf\ndb01-disk1.vmdk\n"
    subprocess.run(["tar", "xf", "db01.ova"], cwd=tmp_path, check=True)
    check = subprocess.run(["sha256sum", "-c", "db01.mf"], cwd=tmp_path, capture_output=True, text=True)
    assert check.stdout == "db01.ovf: OK\ndb01-disk1.vmdk: OK\n"


def test_an_appliance_imported_twice_gives_two_guests_with_the_source_identity(world, exported):
    host, data = world.machine, exported[1]
    assert import_domain(host, data, "db02").foreign is False
    import_domain(host, data, "db03")
    db01, db02, db03 = (world.machines[name] for name in ("db01", "db02", "db03"))
    assert _identity(db02) == _identity(db03) == _identity(db01)
    assert db02.fs.read("/etc/hostname") == "db01\n", "the domain is renamed, not the guest inside"
    domains = libvirt.domains(host)
    assert domains["db02"]["mac"] == domains["db03"]["mac"] == domains["db01"]["mac"], "virt-v2v keeps it"
    assert len({domains[name]["uuid"] for name in ("db01", "db02", "db03")}) == 3, "a new domain UUID each"


def test_a_generated_mac_is_new_and_the_netplan_match_still_names_the_old_one(world, exported):
    import_domain(world.machine, exported[1], "db02", mac="generate")
    domains = libvirt.domains(world.machine)
    assert domains["db02"]["mac"] != domains["db01"]["mac"]
    netplan = world.machines["db02"].fs.read("/etc/netplan/50-cloud-init.yaml")
    assert f'macaddress: "{domains["db01"]["mac"]}"' in netplan, "the disk still names the OVA's MAC"


def test_the_collisions_show_from_a_terminal_as_between_clones(world, exported):
    import_domain(world.machine, exported[1], "db02")
    import_domain(world.machine, exported[1], "db03")
    for line in ("sudo virsh start db02", "sudo virsh start db03"):
        assert world.run(line).status == 0, line
    db02, db03 = world.machines["db02"], world.machines["db03"]
    address = db02.nics[0]["ipv4"]
    assert db03.nics[0]["ipv4"] == address, "one machine-id: one DHCP client id, one lease"
    leases, _ = _run(world, "sudo virsh -q net-dhcp-leases default")
    assert len([line for line in leases.splitlines() if f"{address}/24" in line]) == 1
    world.run("sudo virsh console web01")
    output, status = _run(world, f"arping -D -c 2 {address}")
    assert "Unicast reply from " + address in output and status == 1, output
    seen = set()
    for _ in range(2):
        world.run(f"ping -c 1 {address}")
        neighbours, _ = _run(world, "ip neigh")
        seen.add(next(line for line in neighbours.splitlines() if line.startswith(address + " ")))
    assert len(seen) == 1, "one MAC kept by both: the same lladdr, whoever answers"
    world.run("exit")
    world.run("sudo virsh console db02")
    assert _run(world, "hostname") == ("db01\n", 0)
    assert _run(world, "cat /srv/app.conf") == ("listen = 5432\n", 0)


def test_the_same_host_key_answers_at_two_addresses(world, exported):
    import_domain(world.machine, exported[1], "db02", mac="generate")
    import_domain(world.machine, exported[1], "db03", mac="generate")
    world.run("sudo virsh start db02")
    world.run("sudo virsh console db02")
    for line in ("sudo rm /etc/machine-id", "sudo systemd-machine-id-setup", "sudo reboot", "exit"):
        world.run(line)
    world.run("sudo virsh start db03")
    first, second = (world.machines[name].nics[0]["ipv4"] for name in ("db02", "db03"))
    assert first != second
    world.run("sudo virsh console web01")
    output, _ = _run(world, f"ssh {first}")
    world.run("yes")
    world.run("exit")
    fingerprint = output.split("key fingerprint is ")[1].split("\n")[0]
    again, _ = _run(world, f"ssh {second}")
    assert f"ED25519 key fingerprint is {fingerprint}\n" in again
    assert "This host key is known by the following other names/addresses:" in again


def test_a_foreign_disk_imports_as_a_fresh_guest_and_says_so(world):
    vm = ovf.VirtualMachine(
        name="appliance",
        os=ovf.UBUNTU_64,
        cpus=1,
        memory_mib=1024,
        disks=(ovf.Disk("appliance-disk1.vmdk", 10 * 2**30, b"KDMV\x01\x00\x00\x00 a real VMDK's bytes"),),
        nics=(ovf.Nic("default", "08:00:27:aa:bb:cc", "E1000"),),
    )
    imported = import_domain(world.machine, ovf.export_ova(vm))
    assert imported.foreign is True
    assert "holds no GuestLab guest" in imported.message("appliance.ova")
    guest = world.machines["appliance"]
    assert guest.fs.read("/etc/hostname") == "appliance\n"
    assert guest.machine_id() != world.machines["db01"].machine_id()


# Refusals


def _content(data: bytes) -> dict:
    raw = ovf.import_ova(data).disks[0].content
    return json.loads(zlib.decompress(raw[raw.index(b"\n") + 1 :]))


def _ova(body: bytes) -> bytes:
    """An OVA whose disk member is `body`, its manifest rewritten to match (a careful tamperer)."""
    vm = ovf.VirtualMachine(
        name="db01",
        os=ovf.UBUNTU_64,
        cpus=4,
        memory_mib=4096,
        disks=(ovf.Disk("db01-disk1.vmdk", 26843545600, body),),
        nics=(ovf.Nic("default", "52:54:00:12:34:56"),),
    )
    return ovf.export_ova(vm)


HEADER = b"KDMV streamOptimized capacity=26843545600 guestlab-disk=1\n"


def _packed(content, text: bytes | None = None) -> bytes:
    if text is None:
        text = json.dumps(content).encode()
    return _ova(HEADER + zlib.compress(text))


def _refused(world, data, *words):
    before = world.to_dict()
    with pytest.raises(ApplianceError) as refusal:
        import_domain(world.machine, data, "db02")
    message = str(refusal.value)
    for word in words:
        assert word in message, message
    assert world.to_dict() == before, "nothing of a refused import remains"
    return message


def _with_node(content, path, node=None):
    changed = copy.deepcopy(content)
    changed["nodes"][path] = node or {"kind": "file", "content": "x"}
    return changed


def test_a_disk_changed_without_its_manifest_is_refused(world, exported):
    data = exported[1]
    at = data.index(HEADER) + len(HEADER) + 10
    tampered = data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]
    _refused(world, tampered, "manifest digest mismatch for db01-disk1.vmdk")


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/etc/../../root/x", "not in normal form"),
        ("/etc//x", "not in normal form"),
        ("//etc/x", "not in normal form"),
        ("etc/x", "not absolute"),
        ("/etc/a\0b", "NUL"),
        ("/proc/evil", "not on a disk"),
        ("/dev/sda9", "not on a disk"),
        ("/nowhere/x", "has no parent directory"),
        ("/etc/" + "x" * 256, "longer than Linux allows"),
        ("/etc/\ud800", "not valid UTF-8"),
    ],
)
def test_a_bad_path_is_refused_by_name(world, exported, path, words):
    message = _refused(world, _packed(_with_node(_content(exported[1]), path)), "db01-disk1.vmdk: ", words)
    assert message.startswith("db01-disk1.vmdk: ")


@pytest.mark.parametrize(
    ("node", "words"),
    [
        ({"kind": "socket"}, "a node has a kind"),
        ({"kind": "file", "mode": 0o17777}, "the mode must be"),
        ({"kind": "file", "mode": True}, "the mode must be"),
        ({"kind": "file", "uid": -1}, "the owner must be"),
        ({"kind": "dir", "content": "x"}, "only a regular file has content"),
        ({"kind": "symlink"}, "needs a target"),
        ({"kind": "file", "generator": "cpuinfo"}, "swap file"),
        ({"kind": "file", "content": "x" * (2**20 + 1)}, "at most 1048576 characters"),
        ({"kind": "file", "owner": "root"}, "known fields only"),
    ],
)
def test_a_bad_node_is_refused_by_name(world, exported, node, words):
    _refused(world, _packed(_with_node(_content(exported[1]), "/srv/bad", node)), words)


def test_huge_node_counts_and_oversized_content_are_refused(world, exported):
    content = _content(exported[1])
    many = copy.deepcopy(content)
    many["nodes"].update({f"/srv/f{n}": {"kind": "file"} for n in range(20_001)})
    _refused(world, _packed(many), "at most 20000")
    big = copy.deepcopy(content)
    big["nodes"].update({f"/srv/f{n}": {"kind": "file", "content": "y" * 2**20} for n in range(2)})
    _refused(world, _packed(big), "inflates to more than 2097152 bytes")
    _refused(world, _ova(HEADER + zlib.compress(b" " * (guestdisk.MAX_PAYLOAD + 1))), "inflates to more than")


def test_a_malformed_stream_is_refused_by_name(world, exported):
    content = _content(exported[1])
    _refused(world, _packed(None, b'{"spec": \xff}'), "not UTF-8 text")
    _refused(world, _packed(None, b"[" * 100_000), "not well-formed JSON")
    _refused(world, _packed(None, b'{"a": 1, "a": 2}'), "repeats a key")
    _refused(world, _packed(None, b"NaN"), "not a number")
    _refused(world, _packed({**content, "extra": 1}), "nothing else")
    _refused(world, _ova(HEADER + zlib.compress(json.dumps(content).encode())[:-9]), "truncated")
    _refused(world, _ova(HEADER + b"not deflate at all"), "not a valid deflate")
    _refused(world, _ova(HEADER + zlib.compress(b"{}") + b"junk"), "bytes after the end")
    smaller = HEADER.replace(b"capacity=26843545600", b"capacity=1073741824")
    _refused(world, _ova(smaller + zlib.compress(b"{}")), "a capacity of 1073741824 bytes, its OVF Disk 2684")
    newer = HEADER.replace(b"guestlab-disk=1", b"guestlab-disk=2")
    _refused(world, _ova(newer + zlib.compress(b"{}")), "in format 2")


def test_an_inconsistent_description_is_refused_by_name(world, exported):
    content = _content(exported[1])
    cases = [
        (("spec", "cpu"), "no-such-cpu", "unknown CPU"),
        (("spec", "packages"), ["not-a-package"], "not in the archive"),
        (("spec", "hostname"), "bad host!", "not valid"),
        (("packages",), {"bash": "zz"}, "unknown dpkg state"),
        (("disk", "ptuuid"), "nope", "not valid"),
        (("disk", "bootloader"), True, "given only as false"),
        (("disk", "bootloader"), 0, "given only as false"),
        (("absent",), ["/etc/not-in-the-image"], "which the image does not hold"),
        (("absent",), ["/usr/bin"], "has no parent directory"),
    ]
    for keys, value, words in cases:
        changed = copy.deepcopy(content)
        target = changed
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
        _refused(world, _packed(changed), words)
    fewer = copy.deepcopy(content)
    fewer["disk"]["parts"] = fewer["disk"]["parts"][:1]
    _refused(world, _packed(fewer), "are not those of its install")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(["spec", "disk", "packages", "nodes", "absent", "node", "part", "root"]),
    key=st.text(max_size=12),
    value=JSON,
)
def test_the_importer_refuses_any_mutation_cleanly(world, exported, where, key, value):
    """Whatever replaces a piece of a genuine disk, the import succeeds or is refused with the disk
    member named, and a refusal leaves the world as it was."""
    content = _content(exported[1])
    if where == "node":
        content["nodes"]["/srv/app.conf"][key or "kind"] = value
    elif where == "part":
        content["disk"]["parts"][0][key or "uuid"] = value
    elif where == "root":
        content = value
    elif isinstance(content[where], dict):
        content[where][key] = value
    else:
        content[where] = value
    before = world.to_dict()
    try:
        import_domain(world.machine, _packed(content), "fuzzed")
    except ApplianceError as refusal:
        assert str(refusal).startswith("db01-disk1.vmdk: ")
        assert world.to_dict() == before
    else:
        libvirt.forget(world.machine, "fuzzed")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300))
def test_the_importer_takes_any_bytes_after_the_mark(world, body):
    before = world.to_dict()
    try:
        import_domain(world.machine, _ova(HEADER + body), "fuzzed")
    except ApplianceError as refusal:
        assert str(refusal).startswith("db01-disk1.vmdk: ")
        assert world.to_dict() == before
    else:  # pragma: no cover - random bytes are never a valid deflate stream of a guest
        pytest.fail("random bytes imported as a guest")


def test_an_import_beside_its_running_source_shares_its_filesystem_uuids(world, exported):
    import_domain(world.machine, exported[1], "db02")
    for line in ("sudo virsh start db01", "sudo virsh start db02"):
        assert world.run(line).status == 0, line
    db01, db02 = world.machines["db01"], world.machines["db02"]
    assert db02.nics[0]["ipv4"] == db01.nics[0]["ipv4"], "one machine-id and one MAC: one lease"
    world.run("sudo virsh shutdown db02")
    image = "/var/lib/libvirt/images/db02.qcow2"
    assert _run(world, f"sudo virsh attach-disk db01 {image} vdb --subdriver qcow2")[1] == 0
    world.run("sudo virsh console db01")
    output, _ = _run(world, "sudo blkid -s UUID -o value /dev/vda1 /dev/vdb1")
    first, second = output.split()
    assert first == second, "the imported disk carries its source's filesystem UUIDs"


def test_a_file_no_utf8_can_hold_exports_but_is_refused_on_import(world):
    world.machines["db01"].fs.add_file("/srv/odd", "\ud800")  # what printf '\ud800' leaves
    data = export_domain(world.machine, "db01")
    _refused(world, data, "/srv/odd: the content is not valid UTF-8")


def test_a_foreign_disk_named_as_no_host_can_be_installs_as_ubuntu(world):
    vm = ovf.VirtualMachine(
        name="Appliance v2 (été)",
        os=ovf.UBUNTU_64,
        cpus=1,
        memory_mib=1024,
        disks=(ovf.Disk("appliance-disk1.vmdk", 2**30, b"KDMV\x01"),),
    )
    assert import_domain(world.machine, ovf.export_ova(vm)).foreign
    guest = world.machines["Appliance v2 (été)"]
    assert guest.fs.read("/etc/hostname") == "ubuntu\n"


def test_a_guest_too_large_to_import_is_not_exported(world):
    for n in range(3):
        world.machines["db01"].fs.add_file(f"/srv/big{n}", "z" * 2**20)
    with pytest.raises(ApplianceError, match="more than the 2097152 an imported disk may hold"):
        export_domain(world.machine, "db01")
