"""The hardware a system sees on its buses: lspci (pciutils 3.10), lsusb (usbutils 017) and lshw (B.02.19).

Inside a VM these show the hypervisor's emulated and paravirtual devices, and the guest drivers bound to
them, which is how a guest tells its hypervisor and checks its drivers. A container sees its host's.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.commands import Context, command
from simulator.commands.options import UsageError, parse
from simulator.hardware import paravirtual


@dataclass(frozen=True)
class PciDevice:
    slot: str
    class_name: str
    class_id: str
    vendor: str
    vendor_id: str
    device: str
    device_id: str
    rev: str = ""
    subsystem: str = ""  # "Vendor Name" of the subsystem, and its ids
    subsystem_id: str = ""
    driver: str = ""
    modules: str = ""


# Per platform (a VM's hypervisor, a host's CPU vendor): slot | class | class id | vendor | vendor id |
# device | device id | rev | subsystem | subsystem ids | driver in use | kernel modules.
# KVM: a libvirt Q35 guest (virt-manager defaults) as captured on Ubuntu 24.04; Xen HVM: the Xen
# platform device of HVM guests; VirtualBox and VMware: their classic emulated devices. Names and ids
# are pci.ids'; the subsystems and drivers of the non-KVM guests are UNVERIFIED against captures of
# these exact versions. A Hyper-V generation 2 guest has no PCI bus: lspci prints nothing.
PCI_TABLE = """
[kvm]
00:00.0 | Host bridge | 0600 | Intel Corporation | 8086 | 82G33/G31/P35/P31 Express DRAM Controller | 29c0 |  | Red Hat, Inc. QEMU Virtual Machine | 1af4:1100
00:01.0 | VGA compatible controller | 0300 | Red Hat, Inc. | 1af4 | Virtio 1.0 GPU | 1050 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
00:02.0 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.1 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.2 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.3 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.4 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.5 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.6 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:02.7 | PCI bridge | 0604 | Red Hat, Inc. | 1b36 | QEMU PCIe Root port | 000c |  |  |  | pcieport
00:1f.0 | ISA bridge | 0601 | Intel Corporation | 8086 | 82801IB (ICH9) LPC Interface Controller | 2918 | 02 | Red Hat, Inc. QEMU Virtual Machine | 1af4:1100 | lpc_ich | lpc_ich
00:1f.2 | SATA controller | 0106 | Intel Corporation | 8086 | 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] | 2922 | 02 | Red Hat, Inc. QEMU Virtual Machine | 1af4:1100 | ahci | ahci
00:1f.3 | SMBus | 0c05 | Intel Corporation | 8086 | 82801I (ICH9 Family) SMBus Controller | 2930 | 02 | Red Hat, Inc. QEMU Virtual Machine | 1af4:1100 | i801_smbus | i2c_i801
01:00.0 | Ethernet controller | 0200 | Red Hat, Inc. | 1af4 | Virtio 1.0 network device | 1041 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
02:00.0 | USB controller | 0c03 | Red Hat, Inc. | 1b36 | QEMU XHCI Host Controller | 000d | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | xhci_hcd | xhci_pci
03:00.0 | Communication controller | 0780 | Red Hat, Inc. | 1af4 | Virtio 1.0 console | 1043 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
04:00.0 | SCSI storage controller | 0100 | Red Hat, Inc. | 1af4 | Virtio 1.0 block device | 1042 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
05:00.0 | Unclassified device [00ff] | 00ff | Red Hat, Inc. | 1af4 | Virtio 1.0 memory balloon | 1045 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
06:00.0 | Unclassified device [00ff] | 00ff | Red Hat, Inc. | 1af4 | Virtio 1.0 RNG | 1044 | 01 | Red Hat, Inc. Device 1100 | 1af4:1100 | virtio-pci | virtio_pci
[xen]
00:00.0 | Host bridge | 0600 | Intel Corporation | 8086 | 440FX - 82441FX PMC [Natoma] | 1237 | 02 | XenSource, Inc. Device 0001 | 5853:0001
00:01.0 | ISA bridge | 0601 | Intel Corporation | 8086 | 82371SB PIIX3 ISA [Natoma/Triton II] | 7000 |  | XenSource, Inc. Device 0001 | 5853:0001
00:01.1 | IDE interface | 0101 | Intel Corporation | 8086 | 82371SB PIIX3 IDE [Natoma/Triton II] | 7010 |  | XenSource, Inc. Device 0001 | 5853:0001 | ata_piix | pata_acpi
00:01.3 | Bridge | 0680 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 ACPI | 7113 | 01 | XenSource, Inc. Device 0001 | 5853:0001 | piix4_smbus | i2c_piix4
00:02.0 | VGA compatible controller | 0300 | Cirrus Logic | 1013 | GD 5446 | 00b8 |  | XenSource, Inc. Device 0001 | 5853:0001 | cirrus | cirrus
00:03.0 | Unassigned class [ff80] | ff80 | XenSource, Inc. | 5853 | Xen Platform Device | 0001 | 01 | XenSource, Inc. Xen Platform Device | 5853:0001 | xen-platform-pci
[oracle]
00:00.0 | Host bridge | 0600 | Intel Corporation | 8086 | 440FX - 82441FX PMC [Natoma] | 1237 | 02
00:01.0 | ISA bridge | 0601 | Intel Corporation | 8086 | 82371SB PIIX3 ISA [Natoma/Triton II] | 7000
00:01.1 | IDE interface | 0101 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 IDE | 7111 | 01 |  |  | ata_piix | pata_acpi
00:02.0 | VGA compatible controller | 0300 | InnoTek Systemberatung GmbH | 80ee | VirtualBox Graphics Adapter | beef |  |  |  | vboxvideo | vboxvideo
00:03.0 | Ethernet controller | 0200 | Intel Corporation | 8086 | 82540EM Gigabit Ethernet Controller | 100e | 02 | Intel Corporation PRO/1000 MT Desktop Adapter | 8086:001e | e1000 | e1000
00:04.0 | System peripheral | 0880 | InnoTek Systemberatung GmbH | 80ee | VirtualBox Guest Service | cafe |  |  |  | vboxguest | vboxguest
00:07.0 | Bridge | 0680 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 ACPI | 7113 | 08 |  |  | piix4_smbus | i2c_piix4
00:06.0 | USB controller | 0c03 | Apple Inc. | 106b | KeyLargo/Intrepid USB | 003f |  |  |  | ohci-pci | ohci_pci
00:0d.0 | SATA controller | 0106 | Intel Corporation | 8086 | 82801HM/HEM (ICH8M/ICH8M-E) SATA Controller [AHCI mode] | 2829 | 02 |  |  | ahci | ahci
[vmware]
00:00.0 | Host bridge | 0600 | Intel Corporation | 8086 | 440BX/ZX/DX - 82443BX/ZX/DX Host bridge | 7190 | 01 | VMware Virtual Machine Chipset | 15ad:1976
00:01.0 | PCI bridge | 0604 | Intel Corporation | 8086 | 440BX/ZX/DX - 82443BX/ZX/DX AGP bridge | 7191 | 01
00:07.0 | ISA bridge | 0601 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 ISA | 7110 | 08 | VMware Virtual Machine Chipset | 15ad:1976
00:07.1 | IDE interface | 0101 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 IDE | 7111 | 01 | VMware Virtual Machine Chipset | 15ad:1976 | ata_piix | pata_acpi
00:07.3 | Bridge | 0680 | Intel Corporation | 8086 | 82371AB/EB/MB PIIX4 ACPI | 7113 | 08 | VMware Virtual Machine Chipset | 15ad:1976 | piix4_smbus | i2c_piix4
00:07.7 | System peripheral | 0880 | VMware | 15ad | Virtual Machine Communication Interface | 0740 | 10 | VMware Virtual Machine Communication Interface | 15ad:0740 | vmw_vmci | vmw_vmci
00:0f.0 | VGA compatible controller | 0300 | VMware | 15ad | SVGA II Adapter | 0405 |  | VMware SVGA II Adapter | 15ad:0405 | vmwgfx | vmwgfx
00:11.0 | PCI bridge | 0604 | VMware | 15ad | PCI bridge | 0790 | 02
02:00.0 | USB controller | 0c03 | VMware | 15ad | USB1.1 UHCI Controller | 0774 |  | VMware USB1.1 UHCI Controller | 15ad:1976 | uhci_hcd
02:01.0 | Ethernet controller | 0200 | VMware | 15ad | VMXNET3 Ethernet Controller | 07b0 | 01 | VMware VMXNET3 Ethernet Controller | 15ad:07b0 | vmxnet3 | vmxnet3
02:03.0 | USB controller | 0c03 | VMware | 15ad | USB2 EHCI Controller | 0770 |  | VMware USB2 EHCI Controller | 15ad:0770 | ehci-pci | ehci_pci
03:00.0 | Serial Attached SCSI controller | 0107 | VMware | 15ad | PVSCSI SCSI Controller | 07c0 | 02 | VMware PVSCSI SCSI Controller | 15ad:07c0 | vmw_pvscsi | vmw_pvscsi
[microsoft]
[intel]
00:00.0 | Host bridge | 0600 | Intel Corporation | 8086 | 11th Gen Core Processor Host Bridge/DRAM Registers | 9a14 | 01 |  |  | igen6_edac | igen6_edac
00:02.0 | VGA compatible controller | 0300 | Intel Corporation | 8086 | TigerLake-LP GT2 [Iris Xe Graphics] | 9a49 | 01 |  |  | i915 | i915
00:14.0 | USB controller | 0c03 | Intel Corporation | 8086 | Tiger Lake-LP USB 3.2 Gen 2x1 xHCI Host Controller | a0ed | 20 |  |  | xhci_hcd | xhci_pci
00:14.3 | Network controller | 0280 | Intel Corporation | 8086 | Wi-Fi 6 AX201 | a0f0 | 20 |  |  | iwlwifi | iwlwifi
00:1f.0 | ISA bridge | 0601 | Intel Corporation | 8086 | Tiger Lake-LP LPC Controller | a082 | 20
00:1f.3 | Audio device | 0403 | Intel Corporation | 8086 | Tiger Lake-LP Smart Sound Technology Audio Controller | a0c8 | 20 |  |  | snd_hda_intel | snd_hda_intel, snd_sof_pci_intel_tgl
00:1f.4 | SMBus | 0c05 | Intel Corporation | 8086 | Tiger Lake-LP SMBus Controller | a0a3 | 20 |  |  | i801_smbus | i2c_i801
00:1f.6 | Ethernet controller | 0200 | Intel Corporation | 8086 | Ethernet Connection (13) I219-LM | 15fb | 20 |  |  | e1000e | e1000e
[amd]
00:00.0 | Host bridge | 0600 | Advanced Micro Devices, Inc. [AMD] | 1022 | Family 17h (Models 00h-0fh) Root Complex | 1450
00:14.0 | SMBus | 0c05 | Advanced Micro Devices, Inc. [AMD] | 1022 | FCH SMBus Controller | 790b | 59 |  |  | piix4_smbus | i2c_piix4, sp5100_tco
00:14.3 | ISA bridge | 0601 | Advanced Micro Devices, Inc. [AMD] | 1022 | FCH LPC Bridge | 790e | 51
03:00.0 | VGA compatible controller | 0300 | ASPEED Technology, Inc. | 1a03 | ASPEED Graphics Family | 2000 | 41 |  |  | ast | ast
41:00.0 | Ethernet controller | 0200 | Intel Corporation | 8086 | I350 Gigabit Network Connection | 1521 | 01 |  |  | igb | igb
"""  # noqa: E501


def _pci_table(text: str) -> dict[str, tuple[PciDevice, ...]]:
    table: dict[str, list[PciDevice]] = {}
    rows: list[PciDevice] = []
    for line in text.strip().splitlines():
        if line.startswith("["):
            rows = table.setdefault(line.strip("[]"), [])
        else:
            rows.append(PciDevice(*(cell.strip() for cell in line.split("|"))))
    return {key: tuple(rows) for key, rows in table.items()}


PCI = _pci_table(PCI_TABLE)


# A KVM guest without virtio (hardware.KVM_WITHOUT_VIRTIO): QEMU's e1000e in the NIC's slot; the
# block, console, balloon and RNG devices absent (its disk is on the ICH9 SATA controller).
KVM_E1000E = _pci_table(
    "[kvm]\n01:00.0 | Ethernet controller | 0200 | Intel Corporation | 8086 | 82574L Gigabit Network "
    "Connection | 10d3 |  | Red Hat, Inc. QEMU Virtual Machine | 1af4:1100 | e1000e | e1000e\n"
)["kvm"][0]


def pci_devices(machine) -> tuple[PciDevice, ...]:
    devices = PCI[machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor]
    if machine.platform.id == "kvm" and not paravirtual(machine.spec):
        slots = {"03:00.0", "04:00.0", "05:00.0", "06:00.0"}
        kept = (KVM_E1000E if d.slot == "01:00.0" else d for d in devices if d.slot not in slots)
        return tuple(kept)
    return devices


def _pci_line(device: PciDevice, numeric: int) -> str:
    """show_slot_name + the class and names (pciutils 3.10 ls-kernel/lspci.c show_terse); -nn mixes
    in the ids, -n shows only them. An unknown subclass keeps its "[xxxx]" in every mode."""
    rev = f" (rev {device.rev})" if device.rev else ""
    if numeric == 1:
        return f"{device.slot} {device.class_id}: {device.vendor_id}:{device.device_id}{rev}"
    class_name = device.class_name
    name = f"{device.vendor} {device.device}"
    if numeric >= 2:
        if "[" not in class_name:
            class_name += f" [{device.class_id}]"
        name += f" [{device.vendor_id}:{device.device_id}]"
    return f"{device.slot} {class_name}: {name}{rev}"


def _kernel_lines(device: PciDevice, numeric: int) -> list[str]:
    lines = []
    if device.subsystem:
        if numeric >= 2:
            lines.append(f"\tSubsystem: {device.subsystem} [{device.subsystem_id}]")
        elif numeric == 1:
            lines.append(f"\tSubsystem: {device.subsystem_id}")
        else:
            lines.append(f"\tSubsystem: {device.subsystem}")
    if device.driver:
        lines.append(f"\tKernel driver in use: {device.driver}")
    if device.modules:
        lines.append(f"\tKernel modules: {device.modules}")
    return lines


def _number(text: str, limit: int) -> str:
    """One part of a filter: empty or * (any), else hex within the limit; ValueError otherwise."""
    if text not in ("", "*") and not 0 <= int(text, 16) <= limit:
        raise ValueError(text)
    return text


def _slot_filter(spec: str):
    """-s [[domain:]bus:][slot][.[func]]: each part may be left out (or be *)."""
    bus, _, rest = spec.rpartition(":")
    slot, _, func = rest.partition(".")
    bus = _number(bus.rpartition(":")[2], 0xFF)
    slot, func = _number(slot, 0x1F), _number(func, 7)

    def matches(device: PciDevice) -> bool:
        dbus, dslot, dfunc = device.slot[:2], device.slot[3:5], device.slot[6:]
        return all(
            not want or want == "*" or int(want, 16) == int(have, 16)
            for want, have in ((bus, dbus), (slot, dslot), (func, dfunc))
        )

    return matches


def _id_filter(spec: str):
    """-d [vendor]:[device][:class]"""
    parts = [_number(part, 0xFFFF) for part in spec.split(":")]
    if len(parts) > 3:
        raise ValueError(spec)

    def matches(device: PciDevice) -> bool:
        have = (device.vendor_id, device.device_id, device.class_id)
        return all(
            not want or want == "*" or int(want, 16) == int(got, 16)
            for want, got in zip(parts, have, strict=False)
        )

    return matches


@command(
    "lspci",
    man="""
lspci - list PCI devices (pciutils 3.10)

  lspci             one line per device: slot, class, vendor and device
  lspci -nn         with the numeric class [0200] and vendor:device [1af4:1041] ids
  lspci -k          with the kernel driver in use and the modules that can drive it
  lspci -v          verbose (the same details, one block per device)
  lspci -s 01:00.0  only that slot        lspci -d 1af4:   only that vendor (1af4 = Red Hat: virtio)

Inside a VM it shows the hypervisor's emulated and paravirtual devices: "Red Hat, Inc. Virtio ..."
(KVM), "VMware SVGA II Adapter" / "VMXNET3" (VMware), "InnoTek ... VirtualBox Guest Service"
(VirtualBox), "XenSource, Inc. Xen Platform Device" (Xen). A Hyper-V generation 2 VM has no PCI bus:
lspci prints nothing. In a container it shows the host's devices.
""",
)
def lspci(ctx: Context, argv: list[str]) -> int:
    try:
        opts, operands = parse(argv[1:], "nkvmts:d:DPqQxbAHF:iOp", {})
    except UsageError as error:
        ctx.err(f"lspci: {error}\nUsage: lspci [<switches>]\n")
        return 1
    if operands:
        ctx.err("Usage: lspci [<switches>]\n")
        return 1
    devices = pci_devices(ctx.machine)
    for option, make, error in (("s", _slot_filter, "Invalid slot number"), ("d", _id_filter, "Invalid ID")):
        for spec in opts.all(option):
            try:
                devices = tuple(filter(make(spec), devices))
            except ValueError:
                ctx.err(f"lspci: -{option}: {error}\n")
                return 1
    numeric = opts.order.count("n")
    verbose = opts.order.count("v")
    out = []
    for device in devices:
        out.append(_pci_line(device, numeric))
        if verbose or "k" in opts:
            out += _kernel_lines(device, numeric)
        if verbose:
            out.append("")
    ctx.out("".join(line + "\n" for line in out))
    return 0


LINUX = "Linux Foundation"
# (bus, device, vendor:product, name): the root hub of each host controller on the PCI bus above, and
# what the hypervisor plugs in (usb.ids names, as usbutils 017 prints them from the hwdb).
USB = {
    "kvm": (
        (1, 1, "1d6b:0002", f"{LINUX} 2.0 root hub"),
        (1, 2, "0627:0001", "Adomax Technology Co., Ltd QEMU Tablet"),
        (2, 1, "1d6b:0003", f"{LINUX} 3.0 root hub"),
    ),
    "oracle": (
        (1, 1, "1d6b:0001", f"{LINUX} 1.1 root hub"),
        (1, 2, "80ee:0021", "VirtualBox USB Tablet"),
    ),
    "vmware": (
        (1, 1, "1d6b:0002", f"{LINUX} 2.0 root hub"),
        (2, 1, "1d6b:0001", f"{LINUX} 1.1 root hub"),
        (2, 2, "0e0f:0003", "VMware, Inc. Virtual Mouse"),
        (2, 3, "0e0f:0002", "VMware, Inc. Virtual USB Hub"),
    ),
    "xen": (),
    "microsoft": (),
    "intel": (
        (1, 1, "1d6b:0002", f"{LINUX} 2.0 root hub"),
        (1, 2, "8087:0026", "Intel Corp. AX201 Bluetooth"),
        (2, 1, "1d6b:0003", f"{LINUX} 3.0 root hub"),
    ),
    "amd": (),
}


def usb_devices(machine) -> tuple:
    return USB[machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor]


LSUSB_USAGE = (
    "Usage: lsusb [options]...\n"
    "List USB devices\n"
    "  -v, --verbose\n"
    "      Increase verbosity (show descriptors)\n"
    "  -s [[bus]:][devnum]\n"
    "      Show only devices with specified device and/or\n"
    "      bus numbers (in decimal)\n"
    "  -d vendor:[product]\n"
    "      Show only devices with the specified vendor and\n"
    "      product ID numbers (in hexadecimal)\n"
    "  -D device\n"
    "      Selects which device lsusb will examine\n"
    "  -t, --tree\n"
    "      Dump the physical USB device hierarchy as a tree\n"
    "  -V, --version\n"
    "      Show version of program\n"
    "  -h, --help\n"
    "      Show usage and help\n"
)
ANY = -1


def _strtoul(text: str, base: int) -> int:
    """C's strtoul as lsusb stores it in an int: leading digits only (none is 0), a minus sign wrapping."""
    text = text.lstrip(" \t\n")
    sign = -1 if text[:1] == "-" else 1
    text = text[1:] if text[:1] in ("+", "-") else text
    if base == 16 and text[:2].lower() == "0x":
        text = text[2:]
    digits = "0123456789abcdef"[:base]
    length = len(text) - len(text.lower().lstrip(digits))
    value = (sign * int(text[:length] or "0", base)) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _usb_filter(opts) -> tuple[int, int, int, int] | None:
    """-s [[bus]:][devnum] (decimal) and -d vendor:[product] (hex) as lsusb.c main() reads them, with no
    check of the numbers; None when -d has no colon, a usage error."""
    bus = devnum = vendor = product = ANY
    if "s" in opts:
        left, colon, right = opts.get("s").partition(":")
        if not colon:
            left, right = "", left
        bus = _strtoul(left, 10) if left else bus
        devnum = _strtoul(right, 10) if right else devnum
    if "d" in opts:
        left, colon, right = opts.get("d").partition(":")
        if not colon:
            return None
        vendor = _strtoul(left, 16) if left else vendor
        product = _strtoul(right, 16) if right else product
    return bus, devnum, vendor, product


@command(
    "lsusb",
    man="""
lsusb - list USB devices (usbutils 017)

  lsusb              Bus, Device, ID vendor:product and name of each device
  lsusb -s 1:2       only bus 1, device 2        lsusb -d 0627:   only that vendor
A VM has the hypervisor's virtual USB devices: a QEMU Tablet (KVM), a VirtualBox USB Tablet, VMware's
Virtual Mouse and Virtual USB Hub; the root hubs are the guest kernel's own (vendor 1d6b, Linux).
""",
)
def lsusb(ctx: Context, argv: list[str]) -> int:
    """usbutils 017 lsusb.c main() and list_devices(): the status is 1 when no device is listed, even with
    no filter (libusb, built with udev, finds no /dev/bus/usb yet lists nothing rather than failing)."""
    try:
        opts, operands = parse(argv[1:], "s:d:hV", {})
    except UsageError as error:
        ctx.err(f"lsusb: {error}\n{LSUSB_USAGE}")
        return 1
    if "V" in opts:
        ctx.out("lsusb (usbutils) 017\n")
        return 0
    wanted = _usb_filter(opts)
    if wanted is None or operands or "h" in opts:
        ctx.err(LSUSB_USAGE)
        return 0 if wanted is not None and not operands else 1
    bus_wanted, devnum_wanted, vendor_wanted, product_wanted = wanted
    rows = []
    for bus, device, ids, name in usb_devices(ctx.machine):
        vendor, product = (int(part, 16) for part in ids.split(":"))
        if bus_wanted not in (ANY, bus) or devnum_wanted not in (ANY, device):
            continue
        if vendor_wanted not in (ANY, vendor) or product_wanted not in (ANY, product):
            continue
        rows.append(f"Bus {bus:03d} Device {device:03d}: ID {ids} {name}\n")
    ctx.out("".join(rows))
    return 0 if rows else 1


LSHW_CLASSES = {
    "06": "bridge",
    "03": "display",
    "02": "network",
    "01": "storage",
    "0c": "bus",
    "04": "multimedia",
}
LSHW_CLASSES |= {"07": "communication", "08": "generic", "00": "generic", "ff": "generic"}
STORAGE_DESCRIPTIONS = {
    "vd": "Virtual I/O device",
    "sd": "Virtual disk",
    "nvme": "NVMe disk",
    "xvd": "Xen disk",
}


def _scaled(value: int, base: int, limit: int) -> tuple[int, str]:
    """lshw's kilobytes()/decimalkilos(): divide while above the limit or evenly divisible."""
    prefixes, i = "KMGTPEZY", 0
    while i <= len(prefixes) and (value > limit or value % base == 0):
        value //= base
        i += 1
    return value, prefixes[i - 1] if 0 < i <= len(prefixes) else ""


def kilobytes(size: int) -> str:
    value, prefix = _scaled(size, 1024, 10240)
    return f"{value}{prefix}iB"


def decimal_size(size: int) -> str:
    value, prefix = _scaled(size, 1000, 10000)
    return f"{value}{prefix}B"


def _pci_path(device: PciDevice) -> str:
    """lshw's physical id of a PCI function: its device number in hex, with .function when not 0, below
    the host bridge (/0/100); a device on another bus sits under the root port that leads to it."""
    bus, slot, function = int(device.slot[:2], 16), int(device.slot[3:5], 16), int(device.slot[6:], 16)
    own = f"{slot:x}" + (f".{function}" if function else "")
    if bus == 0:
        return f"/0/100/{own}"
    port = f"2.{bus - 1}" if bus > 1 else "2"
    return f"/0/100/{port}/{own}"


def _holds_the_disk(machine, device: PciDevice, nodes: list) -> bool:
    """The controller the boot disk hangs off: virtio-blk for vdX, else the first SCSI/SATA/SAS one."""
    if not machine.disks or any(node[2] == "disk" for node in nodes):
        return False
    if machine.disks[0]["name"].startswith("vd"):
        return device.device == "Virtio 1.0 block device"
    return device.class_id in ("0100", "0106", "0107", "0108")


def _disk_nodes(disk: dict, path: str) -> list[tuple[str, str, str, str]]:
    prefix = next((p for p in STORAGE_DESCRIPTIONS if disk["name"].startswith(p)), "sd")
    size = decimal_size(disk["size"])
    nodes = [(path, f"/dev/{disk['name']}", "disk", f"{size} {STORAGE_DESCRIPTIONS[prefix]}")]
    for n, part in enumerate(disk["parts"], 1):
        label = {"ext4": "EXT4 volume", "vfat": "Windows FAT volume"}.get(
            part["fstype"], "BIOS Boot partition"
        )
        nodes.append((f"{path}/{n}", f"/dev/{part['name']}", "volume", f"{kilobytes(part['size'])} {label}"))
    return nodes


def lshw_nodes(machine) -> list[tuple[str, str, str, str]]:
    """(H/W path, device, class, description) in lshw's tree order (B.02.19's printhwnode); the
    description is asString(): the product, after the size for memory, disks and volumes."""
    memory_gib = machine.spec["memory_mb"] // 1024
    board = machine.dmi.get("board_name") or "Motherboard"
    nodes = [("", "", "system", machine.dmi["product_name"]), ("/0", "", "bus", board)]
    nodes.append(("/0/0", "", "memory", "96KiB BIOS" if machine.kind == "vm" else "64KiB BIOS"))
    sockets = machine.spec["cpus"] if machine.kind == "vm" else 1
    nodes += [(f"/0/{0x400 + n:x}", "", "processor", machine.cpu.model_name) for n in range(sockets)]
    nodes.append(("/0/1000", "", "memory", f"{memory_gib}GiB System Memory"))
    nodes.append(("/0/1000/0", "", "memory", f"{memory_gib}GiB DIMM RAM"))
    nic = machine.nics[0]["name"] if machine.nics else ""
    for device in pci_devices(machine):
        kind = LSHW_CLASSES.get(device.class_id[:2], "generic")
        path = "/0/100" if device.slot == "00:00.0" else _pci_path(device)
        virtio = device.vendor_id == "1af4"
        wired = device.class_id == "0200" and not virtio  # the Wi-Fi card's interface is not modelled
        nodes.append((path, nic if wired else "", kind, device.device))
        if kind == "network" and virtio:  # virtio-net's interface is a node of its own, on the virtio bus
            nodes.append((f"{path}/0", nic, "network", "Ethernet interface"))
        if kind == "storage" and _holds_the_disk(machine, device, nodes):
            nodes += _disk_nodes(machine.disks[0], f"{path}/0")
    return nodes


@command(
    "lshw",
    man="""
lshw - list hardware (B.02.19)

  sudo lshw -short               one line per device: H/W path, device name, class, description
  sudo lshw -short -class network   only one class (network, disk, storage, display, system, memory...)
As a normal user it warns that it should run as root, and shows less.
""",
)
def lshw(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    classes, short = [], False
    while args:
        arg = args.pop(0)
        if arg in ("-short", "-businfo", "-sanitize", "-numeric", "-quiet", "-notime"):
            short = short or arg in ("-short", "-businfo")
        elif arg in ("-class", "-C") and args:
            classes.append(args.pop(0))
        else:
            ctx.err(
                "Hardware Lister (lshw) - B.02.19\n"
                "usage: lshw [-format] [-options ...]\n"
                "       lshw -version\n\n"
            )
            return 1
    if not ctx.is_root:
        ctx.err("WARNING: you should run this program as super-user.\n")
    nodes = lshw_nodes(ctx.machine)
    if short:
        width_path = max(len("H/W path"), *(len(n[0]) for n in nodes))
        width_dev = max(len("Device"), *(len(n[1]) for n in nodes))
        width_class = max(len("Class"), *(len(n[2]) for n in nodes))
        lines = [
            f"{'H/W path':<{width_path}}  {'Device':<{width_dev}}  {'Class':<{width_class}}  Description",
            "=" * (width_path + width_dev + width_class + len("Description") + 6),
        ]
        for path, device, kind, description in nodes:
            if not classes or kind in classes:
                lines.append(
                    f"{path:<{width_path}}  {device:<{width_dev}}  {kind:<{width_class}}  {description}"
                )
        if getattr(ctx, "tty", False):  # printline() cuts each line to the terminal's width
            lines = [line[:80] for line in lines]
        ctx.out("".join(line + "\n" for line in lines))
    else:
        for path, device, kind, description in nodes:
            if classes and kind not in classes:
                continue
            depth = path.count("/")
            pad = "  " * depth
            ctx.out(f"{pad}*-{kind}\n{pad}     description: {description}\n")
            ctx.out(f"{pad}     physical id: {path.rsplit('/', 1)[-1] or '0'}\n")
            if device:
                ctx.out(f"{pad}     logical name: {device}\n")
    if not ctx.is_root:
        ctx.err(
            "WARNING: output may be incomplete or inaccurate, you should run this program as super-user.\n"
        )
    return 0
