"""A KVM host's libvirt state: its domains, the `default` network and dnsmasq's leases, the disk images.

Plain data in the host's `machine.hypervisor` ("domains", "leases", "next_id", "next_vnet"), saved with
the world; each domain's guest is a machine of the world under the domain's name. Modelled on
libvirt 10.0 (Ubuntu 24.04) with its `default` NAT network (virbr0, 192.168.122.0/24, dnsmasq
handing out .2-.254 for an hour).

Leases are dnsmasq's, kept alive by each running guest's systemd-networkd (simulator/dhcp.py): keyed
by the DHCP client identifier (ff + IAID + DUID-EN, the DUID derived from /etc/machine-id), so two guests
with one machine-id share one lease, and one address: whichever asked last holds it with its MAC.
The identifier's bytes are derived from the machine-id and the interface name here, not with networkd's
exact SipHash, so only their equality is faithful.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from simulator import dhcp, layout, packages
from simulator.filesystem import FsError

IMAGES = "/var/lib/libvirt/images"
NETWORK = {
    "name": "default",
    "uuid": "5d6e1c3f-8c3a-4a9f-9a41-0d6f3b2f6c11",
    "address": "192.168.122.1",
    "prefix": 24,
}
QCOW2_MAGIC = "QFI\xfb"  # what a qcow2 file starts with; the simulated image is this header line only
FRESH_QCOW2 = 196_608  # bytes of a new, empty qcow2: header, L1 table, refcount table and block


def domains(host) -> dict[str, dict]:
    return host.hypervisor.setdefault("domains", {})


def listed(host) -> list[tuple[str, dict]]:
    """The domains in `virsh list`'s order: running ones by id, then the others by name."""
    found = list(domains(host).items())
    found.sort(key=lambda item: (item[1]["id"] is None, item[1]["id"] or 0, item[0].lower()))
    return found


def address(host, domain: dict) -> str:
    """The IPv4 address dnsmasq leased to a running domain's MAC (what `virsh domifaddr` reports), or ""."""
    if domain["state"] != "running":
        return ""
    return next((lease["ip"] for _, lease in active_leases(host) if lease["mac"] == domain["mac"]), "")


def overview(host) -> list[dict]:
    """What a virtualization manager lists of each domain, in `virsh list --all`'s order."""
    return [
        {
            "name": name,
            "state": domain["state"],
            "vcpus": domain["vcpus"],
            "memory_mib": domain["memory_kib"] // 1024,
            "mac": domain["mac"],
            "disk": domain["disk"],
            "ip": address(host, domain),
            "template": is_template(domain),
            "backing": backing_of(host, domain),
            "installing": _install_progress(host, domain),
            "unbootable": bool(domain.get("unbootable")),
        }
        for name, domain in listed(host)
    ]


def _install_progress(host, domain: dict) -> dict | None:
    if not installing(domain):
        return None
    from simulator import installer  # the installer drives this module's domains: import it late

    return installer.progress(host, host.network.machine(domain["machine"]), domain)


def backing_of(host, domain: dict) -> str:
    """The backing file of the domain's disk when it is a qcow2 overlay (a linked clone), else ""."""
    try:
        image = parse_image(host.fs.read(domain["disk"]))
    except FsError:
        return ""
    return image["backing"] if image else ""


def _images_directory(host) -> None:
    if not host.fs.is_dir(IMAGES):
        host.fs.add_dir("/var/lib/libvirt")
        host.fs.add_dir(IMAGES, mode=0o711)


# What a simulated install medium holds: one line naming the OS that libosinfo would detect on it.
ISO_MARK = "ISO 9660 CD-ROM filesystem data (simulated): "


def add_media(host, media: dict[str, str]) -> None:
    """Install media (file name -> the OS id on it) in the images directory, as an admin downloads them."""
    if media:
        _images_directory(host)
    for name, os_id in media.items():
        host.fs.add_file(f"{IMAGES}/{name}", f"{ISO_MARK}{os_id}\n")


def media(host) -> list[str]:
    """The install media a new guest can boot from: the ISO images in the host's images directory."""
    if not host.fs.is_dir(IMAGES):
        return []
    return [f"{IMAGES}/{name}" for name in sorted(host.fs.listdir(IMAGES)) if name.endswith(".iso")]


def runs_libvirtd(host) -> bool:
    return packages.is_installed(host, "libvirt-daemon-system")


def image_header(size: int, allocated: int, backing: str = "", backing_fmt: str = "qcow2") -> str:
    """The one line a simulated qcow2 image holds: its virtual size, bytes in use, and backing file with
    its format (written only when it is not qcow2)."""
    line = f"{QCOW2_MAGIC} qcow2 size={size} allocated={allocated}"
    if backing:
        line += f" backing={backing}" + (f" backing_fmt={backing_fmt}" if backing_fmt != "qcow2" else "")
    return line + "\n"


def parse_image(text: str) -> dict | None:
    """A qcow2 header line as a dict (size, allocated, backing, backing_fmt), or None for anything else (a
    raw image)."""
    if not text.startswith(QCOW2_MAGIC + " qcow2 "):
        return None
    fields = dict(item.split("=", 1) for item in text.split()[2:] if "=" in item)
    try:
        size, allocated = int(fields["size"]), int(fields["allocated"])
    except (KeyError, ValueError):
        return None
    if not (0 <= size < 1 << 63 and 0 <= allocated < 1 << 63):  # what a qcow2 header can hold
        return None
    backing = fields.get("backing", "")
    return {
        "size": size,
        "allocated": allocated,
        "backing": backing,
        "backing_fmt": fields.get("backing_fmt", "qcow2"),
    }


def define(host, name: str, guest, machine: str, disk: str = "") -> dict:
    """Define a persistent, shut off domain for a guest machine; its disk image written on the host.
    The domain UUID is the one QEMU gives the guest's firmware (its SMBIOS product_uuid)."""
    disk = disk or f"{IMAGES}/{name}.qcow2"
    size = sum(d["size"] for d in guest.disks) or 25 * 1024**3
    domain = {
        "machine": machine,  # the guest's name among the world's machines
        "uuid": guest.product_uuid,
        "vcpus": guest.spec["cpus"],
        "memory_kib": guest.spec["memory_mb"] * 1024,
        "disk": disk,
        "mac": guest.nics[0]["mac"],
        "network": NETWORK["name"],
        "state": "shut off",
        "id": None,
        "persistent": True,
    }
    if not guest.spec.get("virtio", True):
        domain["virtio"] = False
    domains(host)[name] = domain
    _images_directory(host)
    if not host.fs.exists(disk):
        host.fs.write(disk, image_header(size, size // 12), mode=0o600)
    return domain


# A template: libvirt has none, so the host page marks the domain with a custom metadata element (what
# `virsh metadata` sets), as VirtualBox and Proxmox keep theirs. A template is never started: its disk is
# the base that clones copy, and the backing file of linked clones, which must not change.
TEMPLATE_URI = "urn:guestlab:template"
TEMPLATE_KEY = "guestlab"


def is_template(domain: dict) -> bool:
    return TEMPLATE_URI in domain.get("metadata", {})


def set_metadata(domain: dict, uri: str, key: str, element) -> None:
    """Keep a custom metadata element as libvirt does: under its namespace URI, prefixed with the key."""
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in element.attrib.items())
    inner = escape(element.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in element)
    head = f'{key}:{element.tag}{attributes} xmlns:{key}="{escape(uri)}"'
    xml = f"<{head}>{inner}</{key}:{element.tag}>" if inner else f"<{head}/>"
    domain.setdefault("metadata", {})[uri] = {"key": key, "xml": xml}


def installing(domain: dict) -> bool:
    """Whether the domain runs the installer from its ISO (simulator/installer.py)."""
    return "install" in domain


def system_up(domain: dict) -> bool:
    """Whether the guest's installed system runs: its domain runs, neither the installer nor a BIOS that
    found nothing to boot."""
    return domain["state"] == "running" and not installing(domain) and not domain.get("unbootable")


def start(host, name: str, guest) -> None:
    """Power the guest on: a new domain id, the domain's MAC on its NIC, a boot, and a DHCP lease; a disk
    an installer left half written boots nothing."""
    domain = domains(host)[name]
    power_on(host, domain, guest)
    if domain.get("unbootable"):
        return
    guest.tick(20)
    guest.boot()
    acquire(host, domain, guest)


def power_on(host, domain: dict, guest) -> None:
    """The domain runs: a new domain id, a tap, the domain's MAC on the guest's NIC."""
    domain["id"] = host.hypervisor.get("next_id", 1)
    host.hypervisor["next_id"] = domain["id"] + 1
    domain["vnet"] = host.hypervisor.get("next_vnet", 0)  # tap names are not reused while libvirtd runs
    host.hypervisor["next_vnet"] = domain["vnet"] + 1
    domain["state"] = "running"
    domain["started"] = host.clock
    nic = guest.nics[0]
    nic.pop("hwmac", None)
    nic["mac"] = domain["mac"]


def _subnet() -> ipaddress.IPv4Network:
    return ipaddress.ip_network(f"{NETWORK['address']}/{NETWORK['prefix']}", strict=False)


def acquire(host, domain: dict, guest) -> None:
    """The guest's networkd asks dnsmasq for an address as it boots, with the client id of now, which it
    keeps until its next boot; its renewals follow (catch_up)."""
    catch_up(host)
    nic, now = guest.nics[0], host.now()
    client = client_id(guest, nic["name"])
    nic["ipv4"] = dhcp.answer(host, client, domain["mac"], guest.hostname, now, _subnet(), wanted=nic["ipv4"])
    domain["dhcp"] = dhcp.bound(client, now, renewing=False)


def catch_up(host) -> None:
    """Play, in their order, the DHCP requests the running guests' networkd sent since the last call: each
    renewal at T1 (or retry, or rebinding) answered by dnsmasq, which moves its lease's expiry on."""
    network = getattr(host, "network", None)
    if network is None:
        return
    now = host.now()
    while True:
        due = []
        for name, domain in domains(host).items():
            guest = network.machine(domain["machine"])
            state = domain.get("dhcp")
            if state and system_up(domain) and guest is not None and guest.nics[0].get("dhcp"):
                if state["next"] <= now:
                    due.append((state["next"], name, guest))
        if not due:
            return
        _, name, guest = min(due, key=lambda item: item[:2])
        _request(host, domains(host)[name], guest, now)


def _request(host, domain: dict, guest, now: int) -> None:
    """The next request of a guest's networkd: unanswered while its link is down; a DHCPNAK sends it back
    to a DISCOVER, which may give it another address."""
    state, nic = domain["dhcp"], guest.nics[0]
    if nic.get("down"):
        dhcp.retry(state, state["next"], now)
        return
    dhcp.skip_periods(state, now)
    at = state["next"]
    asking = (host, state["client"], domain["mac"], guest.hostname, at, _subnet())
    held = nic["ipv4"] if at < state["expiry"] else ""  # past its lease's end, it starts over
    ip = dhcp.answer(*asking, held=held) if held else None
    nic["ipv4"] = ip or dhcp.answer(*asking, wanted=nic["ipv4"])
    domain["dhcp"] = dhcp.bound(state["client"], at, renewing=ip is not None)


def renew(host, domain: dict, guest, restart: bool) -> None:
    """`networkctl renew` (RenewLink): networkd sends its RENEWING request now, not at T1; with `restart`
    (`networkctl reconfigure`) the DHCP client starts over with a DISCOVER, its client id unchanged."""
    catch_up(host)
    state = domain.get("dhcp")
    if state is None or not guest.nics[0].get("dhcp"):
        return
    now = host.now()
    if restart:
        nic = guest.nics[0]
        nic["ipv4"] = dhcp.answer(host, state["client"], domain["mac"], guest.hostname, now, _subnet(),
                                  wanted=nic["ipv4"])  # fmt: skip
        domain["dhcp"] = dhcp.bound(state["client"], now, renewing=False)
        return
    state["next"] = now
    _request(host, domain, guest, now)


def stop(host, name: str, clean: bool) -> None:
    """Power off; a clean shutdown lets networkd release its lease (SendRelease=yes), a destroy does not.
    A transient domain (undefined while running) is gone once it stops; an installer stopped before its
    end leaves a disk without a boot loader."""
    catch_up(host)  # what its networkd sent while it ran
    domain = domains(host)[name]
    if domain.pop("install", None) is not None:
        domain["unbootable"] = True
    domain.update(state="shut off", id=None)
    domain.pop("started", None)
    client = domain.pop("dhcp", None)  # networkd is gone with the guest
    domain.pop("vnet", None)
    guest = host.network.machine(domain["machine"]) if getattr(host, "network", None) else None
    if clean and client is not None and guest is not None:
        dhcp.release(host, client["client"], guest.nics[0]["ipv4"])
    for attached in list(domain.get("attached", [])):  # a disk attached live only is gone at power-off
        if not attached["persistent"] and guest is not None:
            detach_disk(domain, guest, attached["target"])
    if not domain["persistent"]:
        forget(host, name)


def forget(host, name: str) -> None:
    """A domain gone for good (undefined): its guest machine leaves the lab with it, so that the lab's state
    shrinks again, unless another domain still names that machine."""
    domain = domains(host).pop(name)
    network = getattr(host, "network", None)
    if network is not None and all(d["machine"] != domain["machine"] for d in domains(host).values()):
        network.remove(domain["machine"])


def client_id(guest, interface: str) -> str:
    """systemd-networkd's DHCPv4 client identifier: ff, a 4-byte IAID from the interface name, then
    DUID-EN (type 2, enterprise 43793) with 8 bytes from the machine-id."""
    iaid = hashlib.sha256(interface.encode()).digest()[:4]
    machine = hashlib.sha256(guest.machine_id().encode()).digest()[:8]
    raw = b"\xff" + iaid + b"\x00\x02\x00\x00\xab\x11" + machine
    return ":".join(f"{byte:02x}" for byte in raw)


def active_leases(host) -> list[tuple[str, dict]]:
    """(client id, lease) of the leases not yet expired, in dnsmasq's order (newest last), the running
    guests' renewals played up to now first."""
    catch_up(host)
    now = host.now()
    return [(client, lease) for client, lease in dhcp.leases(host).items() if lease["expiry"] > now]


def new_mac(host) -> str:
    """A MAC in QEMU's 52:54:00 prefix, as virt-clone generates (unused on this host)."""
    used = {domain["mac"] for domain in domains(host).values()}
    rng = host.rng()
    while True:
        mac = "52:54:00" + "".join(f":{rng.randrange(256):02x}" for _ in range(3))
        if mac not in used:
            return mac


def domain_xml(name: str, domain: dict) -> str:
    """The domain's XML as `virsh dumpxml` prints it for a q35 guest defined by virt-install 4.1."""
    running = domain["state"] == "running"
    virtio = domain.get("virtio", True)  # without it: a SATA disk and an e1000e NIC
    disk_target = "<target dev='vda' bus='virtio'/>" if virtio else "<target dev='sda' bus='sata'/>"
    disk_address = (
        "<address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>"
        if virtio
        else "<address type='drive' controller='0' bus='0' target='0' unit='0'/>"
    )
    custom = "".join(f"\n    {item['xml']}" for item in domain.get("metadata", {}).values())
    # virt-install's install-time definition (installer.py _alter_bootconfig): the ISO in a CD-ROM first in
    # the boot order, and a reboot that ends the domain; the persistent one boots from the disk
    medium = domain.get("install", {}).get("medium", "") if running else ""
    boot = "<boot dev='cdrom'/>\n    <boot dev='hd'/>" if medium else "<boot dev='hd'/>"
    unit = 0 if virtio else 1  # on q35's SATA controller, after a SATA disk
    cdrom = (
        f"""
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='{escape(medium, {"'": "&apos;"})}'/>
      <target dev='sd{"ab"[unit]}' bus='sata'/>
      <readonly/>
      <address type='drive' controller='0' bus='0' target='0' unit='{unit}'/>
    </disk>"""
        if medium
        else ""
    )
    domain_id = f" id='{domain['id']}'" if running else ""
    target = f"\n      <target dev='vnet{domain['vnet']}'/>" if running else ""
    alias = "\n      <alias name='net0'/>" if running else ""
    return f"""<domain type='kvm'{domain_id}>
  <name>{name}</name>
  <uuid>{domain["uuid"]}</uuid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://ubuntu.com/ubuntu/24.04"/>
    </libosinfo:libosinfo>{custom}
  </metadata>
  <memory unit='KiB'>{domain["memory_kib"]}</memory>
  <currentMemory unit='KiB'>{domain["memory_kib"]}</currentMemory>
  <vcpu placement='static'>{domain["vcpus"]}</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-8.2'>hvm</type>
    {boot}
  </os>
  <features>
    <acpi/>
    <apic/>
    <vmport state='off'/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <clock offset='utc'>
    <timer name='rtc' tickpolicy='catchup'/>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>{"destroy" if medium else "restart"}</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' discard='unmap'/>
      <source file='{domain["disk"]}'/>
      {disk_target}
      {disk_address}
    </disk>{cdrom}
    <interface type='network'>
      <mac address='{domain["mac"]}'/>
      <source network='{domain["network"]}'/>{target}
      <model type='{"virtio" if virtio else "e1000e"}'/>{alias}
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </interface>
    <serial type='pty'>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
"""


def disk_owner(host, path: str):
    """The domain name whose disk image a path is, or None."""
    return next((name for name, domain in domains(host).items() if domain["disk"] == path), None)


def attach_disk(
    host, domain: dict, guest, source: str, target: str, persistent: bool, driver_type: str = "raw"
) -> None:
    """Hot-plug an image as the guest's virtio disk TARGET (vdb...): the guest's kernel sees what the image
    holds, a copy of its owner's partitions (same UUIDs: a clone's disk beside its source's) or, for an
    image no domain owns, an empty disk of its virtual size. libvirt never probes a format: a qcow2 image
    attached without --subdriver qcow2 is read as raw, its file's bytes, with no partition the guest knows."""
    owner = disk_owner(host, source)
    owner_guest = host.network.machine(domains(host)[owner]["machine"]) if owner else None
    letter = ord(target[-1]) - ord("a")
    major, first = 253, letter * 16  # virtio_blk's block major, 16 minors a disk
    image = parse_image(host.fs.read(source))
    if image is not None and driver_type != "qcow2":
        disk = {"size": image["allocated"], "pttype": "", "ptuuid": "", "parts": []}
    elif owner_guest is not None and owner_guest.disks:
        disk = json.loads(json.dumps(owner_guest.disks[0]))
    else:
        disk = {"size": (image or {"size": 0})["size"], "pttype": "", "ptuuid": "", "parts": []}
    old = disk.get("name", "")
    disk.update(name=target, major=major, minor=first)
    extended = sum(1 for d in guest.disks for p in d["parts"] if p["major"] == 259)
    for part in disk["parts"]:
        number = int(part["name"][len(old) :] or 0)
        if number < 16:
            part.update(major=major, minor=first + number)
        else:  # past a disk's 16 minors the kernel numbers partitions in the extended major, 259
            part.update(major=259, minor=extended)
            extended += 1
        part.update(name=f"{target}{number}", mount=None)
    guest.disks.append(disk)
    guest.fs.mknod(f"/dev/{target}", "blockdev", major, first, 0o660, 0, 6)
    for part in disk["parts"]:
        guest.fs.mknod(f"/dev/{part['name']}", "blockdev", part["major"], part["minor"], 0o660, 0, 6)
    layout.udev_disk_links(guest)
    domain.setdefault("attached", []).append({"target": target, "source": source, "persistent": persistent})


def holder(host, path: str) -> str | None:
    """The running domain that has an image open as an attached disk (QEMU holds its write lock)."""
    for name, domain in domains(host).items():
        if domain["state"] == "running" and any(d["source"] == path for d in domain.get("attached", [])):
            return name
    return None


def detach_disk(domain: dict, guest, target: str) -> None:
    """Unplug an attached disk: its device nodes go, and the domain forgets it."""
    domain["attached"] = [d for d in domain.get("attached", []) if d["target"] != target]
    if not domain["attached"]:
        del domain["attached"]
    for disk in [d for d in guest.disks if d["name"] == target]:
        guest.disks.remove(disk)
        for part in disk["parts"]:
            guest.fs.discard(f"/dev/{part['name']}")
        guest.fs.discard(f"/dev/{target}")
    layout.udev_disk_links(guest)
