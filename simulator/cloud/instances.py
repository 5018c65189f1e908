"""An instance's machine: made from an image or a template, booted through cloud-init, given volumes as
virtio disks, and the serial console's log.

What the guest sees follows Nova 2024.1 on libvirt/QEMU (i440fx): the NIC at PCI 00:03.0 (ens3) with
Neutron's fa:16:3e MAC, the root disk /dev/vda of the flavor's size, volumes as /dev/vdb, /dev/vdc... in
the order they are attached, vCPUs and memory from the flavor, SMBIOS saying OpenStack Nova.
"""

from __future__ import annotations

import copy
import re
import time

from simulator import cloudinit, layout, mounting
from simulator.cloud import catalog
from simulator.filesystem import FsError
from simulator.keys import KEY_LABELS, KEY_NAMES, fingerprint, key_bits, parse_key
from simulator.machine import Machine

GIB = 1 << 30
FILESYSTEM_FIELDS = ("fstype", "fsver", "label", "uuid", "made")  # what mkfs wrote on a volume
VIRTIO_MAJOR = 253  # virtio_blk's dynamic block major on Ubuntu 24.04 (/proc/devices: "253 virtblk")
NIC = "ens3"  # systemd's predictable name for a NIC on PCI slot 3, where Nova's i440fx machine puts it


def hostname_for(name: str) -> str:
    """Nova's sanitize_hostname (nova/utils.py): lower case, '_' and ' ' become '-', others dropped,
    no '-' or '.' at the ends, at most 63 characters."""
    host = re.sub(r"[ _]", "-", name.lower())
    host = re.sub(r"[^a-z0-9.-]", "", host).strip(".-")
    return host[:63] or "server"


def _spec(cloud, instance: dict, image: dict, flavor: dict) -> dict:
    return {
        "platform": "kvm",
        "cpu": "amd-epyc-7451",  # a compute host's server CPU, passed through (Nova's cpu_mode host-model)
        "hostname": hostname_for(instance["name"]),
        "cpus": flavor["vcpus"],
        "memory_mb": flavor["ram"],
        "disk_gib": flavor["disk"],
        "seed": cloud.rng().getrandbits(31),
        "uuid": instance["id"],
        "dmi": {**catalog.NOVA_DMI, "product_serial": instance["id"]},
        "mac": instance["mac"],
        "cloud": True,
        "image": image["name"],
    }


def build(cloud, instance: dict, image: dict, flavor: dict, subnet: dict, keypair: dict | None) -> None:
    """Make the instance's machine (powered off until it is active) and join it to the world."""
    spec = _spec(cloud, instance, image, flavor)
    if "machine" in image:
        machine = _from_template(image["machine"], spec)
    else:
        machine = Machine.create(spec, over_install=True, of_its_kind=True)
        if image["os_release"] != machine.fs.read("/usr/lib/os-release"):
            machine.fs.add_file("/usr/lib/os-release", image["os_release"])
    nic = machine.nics[0]
    if nic["name"] != NIC:
        machine.rename_nic(nic, NIC)
        nic.pop("hwname", None)  # the instance's own boot name, not one given later
    nic.update(
        mac=instance["mac"], ipv4=instance["fixed_ip"], prefix=subnet["prefix"], gateway=subnet["gateway"]
    )
    machine.boot()  # the instance's own first boot: its NIC named and addressed as the cloud made it
    from simulator.world import Network  # the world imports the cloud: join it late

    Network(cloud.world).add(instance["machine"], machine)


def _from_template(saved: dict, spec: dict) -> Machine:
    """A copy of the template's disk under a new instance: everything on it kept, identifiers included."""
    data = copy.deepcopy(saved)
    data["spec"] = {**data["spec"], **spec, "disks": None}
    data["nics"] = [{**data["nics"][0], "mac": spec["mac"]}]
    root = data["disks"][0]
    grow = spec["disk_gib"] * GIB - root["size"]
    root["size"] += grow  # cloud-init's growpart widens the root partition to the new disk
    for part in root["parts"]:
        if part["mount"] == "/":
            part["size"] += grow
    data["disks"] = [root]
    return Machine.from_dict(data)


def seed(cloud, instance: dict) -> dict:
    """What the metadata service serves the instance (simulator.cloudinit.boot's seed)."""
    keys = []
    if instance["key_name"] and instance["key_name"] in cloud.state["keypairs"]:
        keys.append(cloud.state["keypairs"][instance["key_name"]]["public_key"])
    return {
        "instance-id": instance["id"],
        "local-hostname": hostname_for(instance["name"]),
        "user-data": instance["user_data"],
        "public-keys": keys,
        "region": catalog.REGION,
        "availability-zone": catalog.AVAILABILITY_ZONE,
        # the public image underneath (a template's distribution), which names the default user
        "image": instance.get("base_image", instance["image_name"]),
        "flavor": instance["flavor"],
        # the image's default user (a template keeps its source's); the image may be deleted since
        "default-user": next((i["default_user"] for i in cloud.images() if i["id"] == instance["image"]), ""),
        "key-name": instance["key_name"],  # meta_data.json names the key by it
        "public-ipv4": instance.get("floating_ip") or "",
    }


def boot(cloud, instance: dict) -> None:
    """The instance powers on: a fresh boot of its machine (not the first, which `build` did), then
    cloud-init with the metadata service's seed."""
    machine = cloud.machine(instance)
    if instance["boots"]:
        machine.reboot()
    instance["boots"] += 1
    cloudinit.boot(machine, seed(cloud, instance))


def power_off(cloud, instance: dict) -> None:
    """Sessions into a machine that goes down end, as an ssh connection drops."""
    world = cloud.world
    world.sessions = [s for s in world.sessions if s["machine"] != instance["machine"]]


def destroy(cloud, instance: dict) -> None:
    power_off(cloud, instance)
    cloud.world.machines.pop(instance["machine"], None)


def snapshot(machine: Machine) -> dict:
    """The machine as a template keeps it: its whole disk, its attached volumes left out."""
    data = machine.to_dict()
    data["disks"] = data["disks"][:1]
    mounts = [disk["mount"] + "/" for disk in mounting.volume_disks(machine) if disk.get("mount")]
    if mounts:  # what is on a mounted volume is the volume's, not the root disk's
        saved = data["fs"]["nodes"]
        nodes = {path: node for path, node in saved.items() if not path.startswith(tuple(mounts))}
        data["fs"] = {**data["fs"], "nodes": nodes}
    return data


def attach(cloud, instance: dict, volume: dict) -> str:
    """The volume appears as the next free /dev/vdX; its filesystem (if it was formatted) comes with it."""
    machine = cloud.machine(instance)
    taken = {disk["name"] for disk in machine.disks}
    letter = next(c for c in "bcdefghijklmnopqrstuvwxyz" if f"vd{c}" not in taken)
    name = f"vd{letter}"
    index = ord(letter) - ord("a")
    disk = {
        "name": name,
        "major": VIRTIO_MAJOR,
        "minor": 16 * index,
        "size": volume["size"] * GIB,
        "pttype": "",
        "ptuuid": "",
        "parts": [],
        "volume": volume["id"],
        "serial": volume["id"][:20],
        **(volume["filesystem"] or {}),
        "files": dict(volume["files"]),
    }
    machine.disks.append(disk)
    machine.fs.mknod(f"/dev/{name}", "blockdev", VIRTIO_MAJOR, 16 * index, 0o660, 0, 6)
    layout.udev_disk_links(machine)
    return f"/dev/{name}"


def detach(cloud, instance: dict, volume: dict) -> None:
    machine = cloud.machine(instance)
    if machine is None:
        return
    for disk in list(machine.disks):
        if disk.get("volume") == volume["id"]:
            mounting.unmount(machine, disk)  # what was written on it leaves with it
            if disk.get("fstype"):
                volume["filesystem"] = {key: disk[key] for key in FILESYSTEM_FIELDS if key in disk}
            volume["files"] = disk.get("files", {})
            machine.disks.remove(disk)
            machine.fs.discard(f"/dev/{disk['name']}")
            layout.udev_disk_links(machine)


def console_log(cloud, instance: dict) -> str:
    """`openstack console log show`: the serial console since the last boot. The kernel's messages,
    cloud-init's stages (what it also writes to /var/log/cloud-init-output.log), its key fingerprints,
    then the login prompt; a building instance has printed only the kernel's first lines."""
    machine = cloud.machine(instance)
    if machine is None or instance["status"] == "deleted":
        return ""
    kernel = "".join(f"[{at:12.6f}] {text}\n" for at, text in machine.dmesg)
    if instance["status"] == "building":
        return "".join(kernel.splitlines(keepends=True)[:8])
    if instance["status"] in ("shutoff", "rebooting"):
        return kernel + f"[{machine.uptime():12.6f}] reboot: Power down\n"
    try:
        output = machine.fs.read("/var/log/cloud-init-output.log")
    except FsError:  # a guest that removed its log still has a console
        output = ""
    start = output.rfind("running 'init-local'")
    last_boot = output[output.rfind("\n", 0, start) + 1 :] if start >= 0 else output
    pretty = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in _os_release(machine).splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        "Linux",
    )
    stamp = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(machine.now()))
    return (
        kernel
        + last_boot
        + "-----BEGIN SSH HOST KEY FINGERPRINTS-----\n"
        + _fingerprints(machine)
        + "-----END SSH HOST KEY FINGERPRINTS-----\n"
        + f"{stamp}\n\n{pretty} {machine.hostname} ttyS0\n\n{machine.hostname} login: "
    )


def _os_release(machine: Machine) -> str:
    try:
        return machine.fs.read("/usr/lib/os-release")
    except FsError:
        return ""


def _fingerprints(machine: Machine) -> str:
    """cc_keys_to_console's block: `ssh-keygen -lf` of each host key (bits, fingerprint, comment, type)."""
    lines = []
    for kind in ("ecdsa", "ed25519", "rsa"):
        try:
            parsed = parse_key(machine.fs.read(f"/etc/ssh/ssh_host_{kind}_key.pub"))
        except FsError:  # a key the learner removed is not printed
            continue
        if parsed:
            blob, comment, _ = parsed
            label = KEY_LABELS[KEY_NAMES[kind]]
            lines.append(f"{key_bits(blob)} {fingerprint(blob)} {comment} ({label})\n")
    return "".join(lines)
