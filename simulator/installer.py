"""Ubuntu 24.04 Server's installer in a new KVM guest, on the host's clock: the domain runs the live ISO for
INSTALL_SECONDS, its serial console shows the installer's progress, then the installer reboots.

The steps are subiquity's and curtin's own event descriptions, in their order (subiquity 24.04:
subiquity/server/controllers/install.py, the titles of subiquity/ui/views/installprogress.py; curtin 24.0:
curtin/commands/install.py STAGE_DESCRIPTIONS, block_meta.py, extract.py, curthooks.py), each indented one
space a level as subiquity's server journals them (server.py, _maybe_push_to_journal). Which curtin the
24.04.1 installer snap carries is unverified: 24.0 has "configuring NVMe over TCP" and "copying metadata
from /cdrom", and still says "updating initramfs configuration".

GuestLab's installer answers its own questions as an autoinstall would: the lab's account, the whole disk,
OpenSSH server, and with the guest drivers and tools qemu-guest-agent in its `packages:` (subiquity installs
those first, then openssh-server). It shows itself on ttyS0 as well, which a real live-server ISO does only
when booted with console=ttyS0. The installed system is the guest machine virt-install made: it is not up
(no sshd, no address) until the installer reboots and the domain starts again from its disk.

State is the domain's `install` ({"started", "until": seconds of the host's clock, "medium": the ISO,
"watched"}), saved with the world. `watched` is virt-manager's way: it starts the guest again once the
installer has powered it off (virt-install --noautoconsole leaves it shut off). An installer stopped half
way leaves a disk without a boot loader: the domain is `unbootable`, and SeaBIOS finds nothing to boot.
"""

from __future__ import annotations

import hashlib

from simulator import libvirt

INSTALL_SECONDS = 300  # from the ISO's boot to the installer's reboot (packages from the medium, SSD)
COMPLETE_SECONDS = 10  # "Installation complete!" shows this long before the autoinstall reboots
TITLE = "title"  # a line that is the progress screen's title, not an event

# What SeaBIOS 1.16 prints on the serial console when the disk, the only boot device of the installed
# definition, holds no boot loader (src/boot.c boot_disk, boot_fail; QEMU's boot-fail-wait is -1: no retry).
NO_BOOT = "Booting from Hard Disk...\nBoot failed: not a bootable disk\n\nNo bootable device.\n"


def begin(host, name: str, guest, medium: str, watched: bool) -> None:
    """Boot the new domain from the ISO: it runs (an id, a tap) while the installer works."""
    domain = libvirt.domains(host)[name]
    libvirt.power_on(host, domain, guest)
    until = host.clock + INSTALL_SECONDS
    domain["install"] = {"started": host.clock, "until": until, "medium": medium, "watched": watched}


def watch(host, name: str) -> None:
    """virt-manager's way: follow the install and start the guest again once the installer powers it off."""
    libvirt.domains(host)[name]["install"]["watched"] = True


def remaining(host, domain: dict) -> int:
    return max(0, domain["install"]["until"] - host.clock)


def advance(host) -> list[str]:
    """Finish the installs whose time has come; returns the names of the domains that finished."""
    domains = libvirt.domains(host)
    done = [
        name for name, domain in domains.items() if libvirt.installing(domain) and not remaining(host, domain)
    ]
    for name in done:
        finish(host, name)
    return done


def finish(host, name: str) -> None:
    """The installer reboots: the install-time definition says on_reboot=destroy, so the domain powers off,
    its disk holding the installed system; virt-manager (`watched`) starts it again from that disk."""
    domain = libvirt.domains(host)[name]
    guest = host.network.machine(domain["machine"])
    install = domain.pop("install")
    guest.tick(host.clock - install["started"])
    libvirt.stop(host, name, clean=True)
    if install["watched"] and name in libvirt.domains(host):  # undefined meanwhile, it is gone once it stops
        libvirt.start(host, name, guest)


def _events(guest, domain: dict) -> list[tuple[int, int | str, str]]:
    """(how long it takes, depth, description) of each step, titles at depth TITLE."""
    disk = guest.disks[0] if guest.disks else {"name": "vda", "parts": []}
    parts = disk["parts"]
    formats = sum(1 for part in parts if part["fstype"])
    mounts = sum(1 for part in parts if part["mount"])
    seed = hashlib.sha256(domain["uuid"].encode()).digest()
    letters = "abcdefghijklmnopqrstuvwxyz0123456789_"  # Python's tempfile names: tmp + 8 of these
    scratch = "tmp" + "".join(letters[byte % len(letters)] for byte in seed[:8])
    steps = [
        (25, TITLE, "Starting installer"),
        (0, TITLE, "Installing system"),
        (12, 0, "configuring apt"),
        (1, 0, "installing system"),
        (2, 1, "executing curtin install initial step"),
        (2, 2, "curtin command install"),
        (1, 1, "executing curtin install partitioning step"),
        (1, 2, "curtin command install"),
        (2, 3, "preparing for installation"),
        (1, 3, "configuring storage"),
        (1, 4, "running 'curtin block-meta simple'"),
        (1, 5, "curtin command block-meta"),
        (3, 6, "removing previous storage devices"),
        (2, 6, f"configuring disk: disk-{disk['name']}"),
        *((2, 6, f"configuring partition: partition-{n}") for n in range(len(parts))),
        *((2, 6, f"configuring format: format-{n}") for n in range(formats)),
        *((1, 6, f"configuring mount: mount-{n}") for n in range(mounts)),
        (1, 1, "executing curtin install extract step"),
        (1, 2, "curtin command install"),
        (1, 3, "writing install sources to disk"),
        (1, 4, "running 'curtin extract'"),
        (1, 5, "curtin command extract"),
        (60, 6, f"acquiring and extracting image from cp:///tmp/{scratch}/mount"),
        (1, 1, "executing curtin install curthooks step"),
        (1, 2, "curtin command install"),
        (1, 3, "configuring installed system"),
        (1, 4, "running 'curtin curthooks'"),
        (1, 5, "curtin command curthooks"),
        (4, 6, "configuring apt configuring apt"),
        (6, 6, "installing missing packages"),
        (1, 6, "configuring iscsi service"),
        (2, 6, "configuring raid (mdadm) service"),
        (1, 6, "configuring NVMe over TCP"),
        (25, 6, "installing kernel"),
        (2, 6, "setting up swap"),
        (1, 6, "apply networking config"),
        (1, 6, "writing etc/fstab"),
        (1, 6, "configuring multipath"),
        (10, 6, "updating packages on target system"),
        (1, 6, "configuring pollinate user-agent on target"),
        (15, 6, "updating initramfs configuration"),
        (1, 6, "configuring target system bootloader"),
        (8, 7, "installing grub to target devices"),
        (1, 6, "copying metadata from /cdrom"),
        (1, 0, "final system configuration"),
        (1, 1, "calculating extra packages to install"),
    ]
    packages = ["qemu-guest-agent"] if guest.spec.get("guest_tools", True) else []
    for package in [*packages, "openssh-server"]:  # autoinstall's packages:, then the ssh model's
        steps += [
            (1, 1, f"installing {package}"),
            (2, 2, f"retrieving {package}"),
            (1, 3, "curtin command system-install"),
            (2, 2, f"unpacking {package}"),
            (1, 3, "curtin command system-install"),
        ]
    steps += [
        (1, 1, "configuring cloud-init"),
        (0, TITLE, "Updating system"),
        (1, 1, "downloading and installing security updates"),
        (30, 2, "curtin command in-target"),
        (1, 1, "restoring apt configuration"),
        (2, 2, "curtin command in-target"),
    ]
    return steps


def timeline(guest, domain: dict) -> list[tuple[int, int | str, str]]:
    """(seconds after the ISO booted, depth or TITLE, text) of each line, the last "Installation complete!",
    the steps' lengths scaled so that the whole install takes INSTALL_SECONDS."""
    steps = _events(guest, domain)
    scale = (INSTALL_SECONDS - COMPLETE_SECONDS) / sum(length for length, _, _ in steps)
    lines, elapsed = [], 0
    for length, depth, text in steps:
        lines.append((round(elapsed * scale), depth, text))
        elapsed += length
    return [*lines, (INSTALL_SECONDS - COMPLETE_SECONDS, TITLE, "Installation complete!")]


def _shown(host, guest, domain: dict) -> list[tuple[int, int | str, str]]:
    elapsed = host.clock - domain["install"]["started"]
    return [line for line in timeline(guest, domain) if line[0] <= elapsed]


def console(host, guest, domain: dict) -> str:
    """What the installer has printed on the serial console so far: titles as they change, each event
    below them."""
    return "".join(
        f"{text}\n" if depth == TITLE else f"  {' ' * depth}{text}\n"
        for _, depth, text in _shown(host, guest, domain)
    )


def progress(host, guest, domain: dict) -> dict:
    """What a manager shows of an install: how far it is, the screen's title and the latest step."""
    shown = _shown(host, guest, domain)
    title = next((text for _, depth, text in reversed(shown) if depth == TITLE), "Starting installer")
    step = next((text for _, depth, text in reversed(shown) if depth != TITLE), "")
    elapsed = host.clock - domain["install"]["started"]
    return {"percent": min(100, elapsed * 100 // INSTALL_SECONDS), "title": title, "step": step}
