"""A careless clone: a KVM template's whole disk copied into a new domain with its MAC address kept
(virt-clone --mac keeps it when given the source's, VirtualBox's "Include all network adapter MAC
addresses"), started beside its source on the same network, so that every identifier collides.

`template` makes the source as its administrator left it: installed from the server ISO (so /etc/fstab
names filesystems by UUID), a static address in netplan matched by MAC, a data disk mounted on /srv, and
an OpenPGP key of the host's own in root's keyring. `disk_copy` is what a copy of its disks boots as.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import uuid

from simulator import layout, pgp
from simulator.filesystem import FsError
from simulator.keys import host_key_fingerprints
from simulator.machine import Machine

GIB = 1 << 30
# systemd-sulogin-shell passes --force to sulogin when this is set (systemd 255, sulogin-shell.c): with
# root's password locked, as on every Ubuntu image, sulogin then opens the console without one instead of
# refusing it. Administrators who want emergency mode usable at the console set it in a drop-in.
SULOGIN_DROP_IN = "[Service]\nEnvironment=SYSTEMD_SULOGIN_FORCE=1\n"


def template(spec: dict) -> Machine:
    machine = Machine.create(spec)
    if "address" in spec:
        _static_address(machine, spec["address"])
    for disk in spec.get("data_disks", ()):
        _data_disk(machine, disk)
    if "pgp" in spec:
        home = pgp.home(machine, "root")
        key = pgp.new_key(machine.rng(), spec["pgp"], machine.now() - 30 * pgp.DAY)
        pgp.add_key(machine.fs, home, key, machine.rng())
        pgp.take_check_due(machine.fs, home)  # its admin has listed the keys since
        machine.fs.add_file(f"{home}/trustdb.gpg", "", mode=0o600)
    for unit in ("emergency", "rescue"):
        machine.fs.add_dir(f"/etc/systemd/system/{unit}.service.d")
        machine.fs.add_file(f"/etc/systemd/system/{unit}.service.d/sulogin-force.conf", SULOGIN_DROP_IN)
    machine.boot()
    return machine


def disk_copy(source: Machine, spec: dict) -> Machine:
    """The clone: the source's disks and NIC as they are, in a domain of its own (its own DMI UUID and
    seed), booted once."""
    data = copy.deepcopy(source.to_dict())
    data["spec"] = {**source.spec, **spec}
    clone = Machine.from_dict(data)
    clone.boot()
    return clone


def netplan_static(nic: dict, address: str, gateway: str) -> str:
    """/etc/netplan/50-cloud-init.yaml as the 24.04 installer leaves a static address (netplan 1.0's
    emitter: strings double-quoted, lists indented under their key)."""
    return (
        "network:\n  version: 2\n  ethernets:\n"
        f'    {nic["name"]}:\n      match:\n        macaddress: "{nic["mac"]}"\n'
        f'      addresses:\n      - "{address}"\n'
        f"      nameservers:\n        addresses:\n        - {gateway}\n        search: []\n"
        f'      set-name: "{nic["name"]}"\n'
        f'      routes:\n      - to: "default"\n        via: "{gateway}"\n'
    )


def _static_address(machine: Machine, address: str) -> None:
    nic = machine.nics[0]
    interface = ipaddress.ip_interface(address)
    gateway = str(next(interface.network.hosts()))
    nic.update(ipv4=str(interface.ip), prefix=interface.network.prefixlen, gateway=gateway)
    nic.update(dhcp=False, static=True)
    machine.fs.add_file("/etc/netplan/50-cloud-init.yaml", netplan_static(nic, address, gateway), mode=0o600)


def _data_disk(machine: Machine, disk: dict) -> None:
    """Another virtio disk (vdb, vdc...), one partition with the filesystem the scenario names, mounted
    where it says and named in fstab by UUID= as an administrator adds it (the installer's own lines use
    /dev/disk/by-uuid/)."""
    rng = machine.rng()
    size = disk.get("size_gib", 20) * GIB
    name, minor = disk["name"], 16 * (ord(disk["name"][-1]) - ord("a"))
    fstype = disk.get("fstype", "ext4")
    part = {
        "name": f"{name}1",
        "major": 253,
        "minor": minor + 1,
        "size": size - 2 * (1 << 20),
        "fstype": fstype,
        "fsver": "1.0" if fstype == "ext4" else "",
        "label": "",
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "partuuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "mount": disk["mount"],
    }
    ptuuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    machine.disks.append(
        {
            "name": name,
            "major": 253,
            "minor": minor,
            "size": size,
            "pttype": "gpt",
            "ptuuid": ptuuid,
            "parts": [part],
        }
    )
    fs = machine.fs
    fs.mknod(f"/dev/{name}", "blockdev", 253, minor, 0o660, 0, 6)
    fs.mknod(f"/dev/{name}1", "blockdev", 253, minor + 1, 0o660, 0, 6)
    if not fs.exists(disk["mount"]):
        fs.mkdir(disk["mount"], parents=True)
    fs.write("/etc/fstab", f"UUID={part['uuid']} {disk['mount']} {fstype} defaults 0 2\n", append=True)
    layout.udev_disk_links(machine)


_PRISTINE: dict[str, dict] = {}


def pristine_identity(spec: dict, fresh: Machine | None = None) -> dict:
    """The identifiers of the source as the scenario makes it (to tell whether anything changed it), and
    `copied_at`, its clock when its disk was copied (the clone's first boot): taken from a `fresh` one when
    it is given, else made again once per process."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _PRISTINE:
        source = fresh if fresh is not None else template(dict(spec))
        _PRISTINE[key] = {**identity(source), "copied_at": source.clock}
    return _PRISTINE[key]


def identity(machine: Machine) -> dict:
    """What makes a machine itself, as the checks compare clones with their source."""
    nic = machine.nics[0]
    return {
        "hostname": _static_hostname(machine),
        "machine_id": machine.machine_id(),
        "ssh": host_key_fingerprints(machine.fs),
        "pgp": sorted(pgp.secret_fingerprints(machine.fs, pgp.home(machine, "root"))),
        "mac": nic.get("hwmac", nic["mac"]),
        "ipv4": nic["ipv4"],
        "uuids": {p["name"]: p["uuid"] for d in machine.disks for p in d["parts"] if p["uuid"]},
    }


def _static_hostname(machine: Machine) -> str:
    try:
        return machine.fs.read("/etc/hostname").strip()
    except FsError:
        return ""
