"""The hardware a system sees on its buses: lspci (pciutils 3.10), lsusb (usbutils 017) and lshw (B.02.19).

Inside a VM these show the hypervisor's emulated and paravirtual devices, and the guest drivers bound to
them, which is how a guest tells its hypervisor and checks its drivers. A container sees its host's.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.commands import Context, command
from simulator.commands.options import UsageError, parse


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


RED_HAT, INTEL, QEMU_VM = "Red Hat, Inc.", "Intel Corporation", "Red Hat, Inc. QEMU Virtual Machine"


def _virtio(slot: str, class_name: str, class_id: str, name: str, device_id: str) -> PciDevice:
    return PciDevice(
        slot, class_name, class_id, RED_HAT, "1af4", f"Virtio 1.0 {name}", device_id, "01",
        "Red Hat, Inc. Device 1100", "1af4:1100", "virtio-pci", "virtio_pci",
    )  # fmt: skip


# Per platform. KVM: a libvirt Q35 guest (virt-manager defaults) as captured on Ubuntu 24.04; Xen HVM:
# the Xen platform device of HVM guests; VirtualBox and VMware: their classic emulated devices. Vendor and
# device ids are those of pci.ids; subsystems and drivers of the non-KVM guests are UNVERIFIED against
# captures of these exact versions. A Hyper-V generation 2 guest has no PCI bus: lspci prints nothing.
PCI = {
    "kvm": (
        PciDevice(
            "00:00.0",
            "Host bridge",
            "0600",
            INTEL,
            "8086",
            "82G33/G31/P35/P31 Express DRAM Controller",
            "29c0",
            "",
            QEMU_VM,
            "1af4:1100",
        ),
        _virtio("00:01.0", "VGA compatible controller", "0300", "GPU", "1050"),
        *(
            PciDevice(
                f"00:02.{n}",
                "PCI bridge",
                "0604",
                RED_HAT,
                "1b36",
                "QEMU PCIe Root port",
                "000c",
                "",
                "",
                "",
                "pcieport",
            )
            for n in range(8)
        ),
        PciDevice(
            "00:1f.0",
            "ISA bridge",
            "0601",
            INTEL,
            "8086",
            "82801IB (ICH9) LPC Interface Controller",
            "2918",
            "02",
            QEMU_VM,
            "1af4:1100",
            "lpc_ich",
            "lpc_ich",
        ),
        PciDevice(
            "00:1f.2",
            "SATA controller",
            "0106",
            INTEL,
            "8086",
            "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]",
            "2922",
            "02",
            QEMU_VM,
            "1af4:1100",
            "ahci",
            "ahci",
        ),
        PciDevice(
            "00:1f.3",
            "SMBus",
            "0c05",
            INTEL,
            "8086",
            "82801I (ICH9 Family) SMBus Controller",
            "2930",
            "02",
            QEMU_VM,
            "1af4:1100",
            "i801_smbus",
            "i2c_i801",
        ),
        _virtio("01:00.0", "Ethernet controller", "0200", "network device", "1041"),
        PciDevice(
            "02:00.0",
            "USB controller",
            "0c03",
            RED_HAT,
            "1b36",
            "QEMU XHCI Host Controller",
            "000d",
            "01",
            "Red Hat, Inc. Device 1100",
            "1af4:1100",
            "xhci_hcd",
            "xhci_pci",
        ),
        _virtio("03:00.0", "Communication controller", "0780", "console", "1043"),
        _virtio("04:00.0", "SCSI storage controller", "0100", "block device", "1042"),
        _virtio("05:00.0", "Unclassified device [00ff]", "00ff", "memory balloon", "1045"),
        _virtio("06:00.0", "Unclassified device [00ff]", "00ff", "RNG", "1044"),
    ),
    "xen": (
        PciDevice(
            "00:00.0",
            "Host bridge",
            "0600",
            INTEL,
            "8086",
            "440FX - 82441FX PMC [Natoma]",
            "1237",
            "02",
            "XenSource, Inc. Device 0001",
            "5853:0001",
        ),
        PciDevice(
            "00:01.0",
            "ISA bridge",
            "0601",
            INTEL,
            "8086",
            "82371SB PIIX3 ISA [Natoma/Triton II]",
            "7000",
            "",
            "XenSource, Inc. Device 0001",
            "5853:0001",
        ),
        PciDevice(
            "00:01.1",
            "IDE interface",
            "0101",
            INTEL,
            "8086",
            "82371SB PIIX3 IDE [Natoma/Triton II]",
            "7010",
            "",
            "XenSource, Inc. Device 0001",
            "5853:0001",
            "ata_piix",
            "pata_acpi",
        ),
        PciDevice(
            "00:01.3",
            "Bridge",
            "0680",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 ACPI",
            "7113",
            "01",
            "XenSource, Inc. Device 0001",
            "5853:0001",
            "piix4_smbus",
            "i2c_piix4",
        ),
        PciDevice(
            "00:02.0",
            "VGA compatible controller",
            "0300",
            "Cirrus Logic",
            "1013",
            "GD 5446",
            "00b8",
            "",
            "XenSource, Inc. Device 0001",
            "5853:0001",
            "cirrus",
            "cirrus",
        ),
        PciDevice(
            "00:03.0",
            "Unassigned class [ff80]",
            "ff80",
            "XenSource, Inc.",
            "5853",
            "Xen Platform Device",
            "0001",
            "01",
            "XenSource, Inc. Xen Platform Device",
            "5853:0001",
            "xen-platform-pci",
        ),
    ),
    "oracle": (
        PciDevice(
            "00:00.0", "Host bridge", "0600", INTEL, "8086", "440FX - 82441FX PMC [Natoma]", "1237", "02"
        ),
        PciDevice(
            "00:01.0", "ISA bridge", "0601", INTEL, "8086", "82371SB PIIX3 ISA [Natoma/Triton II]", "7000"
        ),
        PciDevice(
            "00:01.1",
            "IDE interface",
            "0101",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 IDE",
            "7111",
            "01",
            "",
            "",
            "ata_piix",
            "pata_acpi",
        ),
        PciDevice(
            "00:02.0",
            "VGA compatible controller",
            "0300",
            "InnoTek Systemberatung GmbH",
            "80ee",
            "VirtualBox Graphics Adapter",
            "beef",
            "",
            "",
            "",
            "vboxvideo",
            "vboxvideo",
        ),
        PciDevice(
            "00:03.0",
            "Ethernet controller",
            "0200",
            INTEL,
            "8086",
            "82540EM Gigabit Ethernet Controller",
            "100e",
            "02",
            "Intel Corporation PRO/1000 MT Desktop Adapter",
            "8086:001e",
            "e1000",
            "e1000",
        ),
        PciDevice(
            "00:04.0",
            "System peripheral",
            "0880",
            "InnoTek Systemberatung GmbH",
            "80ee",
            "VirtualBox Guest Service",
            "cafe",
            "",
            "",
            "",
            "vboxguest",
            "vboxguest",
        ),
        PciDevice(
            "00:07.0",
            "Bridge",
            "0680",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 ACPI",
            "7113",
            "08",
            "",
            "",
            "piix4_smbus",
            "i2c_piix4",
        ),
        PciDevice(
            "00:0d.0",
            "SATA controller",
            "0106",
            INTEL,
            "8086",
            "82801HM/HEM (ICH8M/ICH8M-E) SATA Controller [AHCI mode]",
            "2829",
            "02",
            "",
            "",
            "ahci",
            "ahci",
        ),
    ),
    "vmware": (
        PciDevice(
            "00:00.0",
            "Host bridge",
            "0600",
            INTEL,
            "8086",
            "440BX/ZX/DX - 82443BX/ZX/DX Host bridge",
            "7190",
            "01",
            "VMware Virtual Machine Chipset",
            "15ad:1976",
        ),
        PciDevice(
            "00:01.0",
            "PCI bridge",
            "0604",
            INTEL,
            "8086",
            "440BX/ZX/DX - 82443BX/ZX/DX AGP bridge",
            "7191",
            "01",
        ),
        PciDevice(
            "00:07.0",
            "ISA bridge",
            "0601",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 ISA",
            "7110",
            "08",
            "VMware Virtual Machine Chipset",
            "15ad:1976",
        ),
        PciDevice(
            "00:07.1",
            "IDE interface",
            "0101",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 IDE",
            "7111",
            "01",
            "VMware Virtual Machine Chipset",
            "15ad:1976",
            "ata_piix",
            "pata_acpi",
        ),
        PciDevice(
            "00:07.3",
            "Bridge",
            "0680",
            INTEL,
            "8086",
            "82371AB/EB/MB PIIX4 ACPI",
            "7113",
            "08",
            "VMware Virtual Machine Chipset",
            "15ad:1976",
            "piix4_smbus",
            "i2c_piix4",
        ),
        PciDevice(
            "00:07.7",
            "System peripheral",
            "0880",
            "VMware",
            "15ad",
            "Virtual Machine Communication Interface",
            "0740",
            "10",
            "VMware Virtual Machine Communication Interface",
            "15ad:0740",
            "vmw_vmci",
            "vmw_vmci",
        ),
        PciDevice(
            "00:0f.0",
            "VGA compatible controller",
            "0300",
            "VMware",
            "15ad",
            "SVGA II Adapter",
            "0405",
            "",
            "VMware SVGA II Adapter",
            "15ad:0405",
            "vmwgfx",
            "vmwgfx",
        ),
        PciDevice("00:11.0", "PCI bridge", "0604", "VMware", "15ad", "PCI bridge", "0790", "02"),
        PciDevice(
            "02:01.0",
            "Ethernet controller",
            "0200",
            "VMware",
            "15ad",
            "VMXNET3 Ethernet Controller",
            "07b0",
            "01",
            "VMware VMXNET3 Ethernet Controller",
            "15ad:07b0",
            "vmxnet3",
            "vmxnet3",
        ),
        PciDevice(
            "03:00.0",
            "Serial Attached SCSI controller",
            "0107",
            "VMware",
            "15ad",
            "PVSCSI SCSI Controller",
            "07c0",
            "02",
            "VMware PVSCSI SCSI Controller",
            "15ad:07c0",
            "vmw_pvscsi",
            "vmw_pvscsi",
        ),
    ),
    "microsoft": (),
    "intel": (
        PciDevice(
            "00:00.0",
            "Host bridge",
            "0600",
            INTEL,
            "8086",
            "11th Gen Core Processor Host Bridge/DRAM Registers",
            "9a14",
            "01",
            "",
            "",
            "igen6_edac",
            "igen6_edac",
        ),
        PciDevice(
            "00:02.0",
            "VGA compatible controller",
            "0300",
            INTEL,
            "8086",
            "TigerLake-LP GT2 [Iris Xe Graphics]",
            "9a49",
            "01",
            "",
            "",
            "i915",
            "i915",
        ),
        PciDevice(
            "00:14.0",
            "USB controller",
            "0c03",
            INTEL,
            "8086",
            "Tiger Lake-LP USB 3.2 Gen 2x1 xHCI Host Controller",
            "a0ed",
            "20",
            "",
            "",
            "xhci_hcd",
            "xhci_pci",
        ),
        PciDevice(
            "00:14.3",
            "Network controller",
            "0280",
            INTEL,
            "8086",
            "Wi-Fi 6 AX201",
            "a0f0",
            "20",
            "",
            "",
            "iwlwifi",
            "iwlwifi",
        ),
        PciDevice(
            "00:1f.0", "ISA bridge", "0601", INTEL, "8086", "Tiger Lake-LP LPC Controller", "a082", "20"
        ),
        PciDevice(
            "00:1f.3",
            "Audio device",
            "0403",
            INTEL,
            "8086",
            "Tiger Lake-LP Smart Sound Technology Audio Controller",
            "a0c8",
            "20",
            "",
            "",
            "snd_hda_intel",
            "snd_hda_intel, snd_sof_pci_intel_tgl",
        ),
        PciDevice(
            "00:1f.4",
            "SMBus",
            "0c05",
            INTEL,
            "8086",
            "Tiger Lake-LP SMBus Controller",
            "a0a3",
            "20",
            "",
            "",
            "i801_smbus",
            "i2c_i801",
        ),
        PciDevice(
            "00:1f.6",
            "Ethernet controller",
            "0200",
            INTEL,
            "8086",
            "Ethernet Connection (13) I219-LM",
            "15fb",
            "20",
            "",
            "",
            "e1000e",
            "e1000e",
        ),
    ),
    "amd": (
        PciDevice(
            "00:00.0",
            "Host bridge",
            "0600",
            "Advanced Micro Devices, Inc. [AMD]",
            "1022",
            "Family 17h (Models 00h-0fh) Root Complex",
            "1450",
        ),
        PciDevice(
            "00:14.0",
            "SMBus",
            "0c05",
            "Advanced Micro Devices, Inc. [AMD]",
            "1022",
            "FCH SMBus Controller",
            "790b",
            "59",
            "",
            "",
            "piix4_smbus",
            "i2c_piix4, sp5100_tco",
        ),
        PciDevice(
            "00:14.3",
            "ISA bridge",
            "0601",
            "Advanced Micro Devices, Inc. [AMD]",
            "1022",
            "FCH LPC Bridge",
            "790e",
            "51",
        ),
        PciDevice(
            "03:00.0",
            "VGA compatible controller",
            "0300",
            "ASPEED Technology, Inc.",
            "1a03",
            "ASPEED Graphics Family",
            "2000",
            "41",
            "",
            "",
            "ast",
            "ast",
        ),
        PciDevice(
            "41:00.0",
            "Ethernet controller",
            "0200",
            INTEL,
            "8086",
            "I350 Gigabit Network Connection",
            "1521",
            "01",
            "",
            "",
            "igb",
            "igb",
        ),
    ),
}


def pci_devices(machine) -> tuple[PciDevice, ...]:
    return PCI[machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor]


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
