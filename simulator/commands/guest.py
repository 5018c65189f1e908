"""What a guest (or a would-be KVM host) tells about itself: cloud-init, kvm-ok, lspci, nproc, arch.

Modelled on cloud-init 24.4 (cloudinit/cmd/status.py), Ubuntu cpu-checker 0.7 (the kvm-ok script),
pciutils 3.10 (lspci) and coreutils 9.4 (nproc, arch).
"""

from __future__ import annotations

import json
import time

from simulator import cloudinit
from simulator.commands import Context, command
from simulator.procfs import cpu_count


def _cloud_init_status(ctx: Context, args: list[str]) -> int:
    machine = ctx.machine
    long = "--long" in args or "-l" in args
    wait = "--wait" in args or "-w" in args
    fmt = "tabular"
    for i, arg in enumerate(args):
        if arg == "--format" and i + 1 < len(args):
            fmt = args[i + 1]
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
    if fmt not in ("tabular", "json", "yaml"):
        ctx.err(
            "usage: /usr/bin/cloud-init status [-h] [--format {json,tabular,yaml}] [-l] [-w]\n"
            f"/usr/bin/cloud-init status: error: argument --format: invalid choice: '{fmt}' "
            "(choose from 'json', 'tabular', 'yaml')\n"
        )
        return 2
    detail = cloudinit.DATASOURCES[machine.spec["platform"]]
    finished = cloudinit.finished(machine)
    last_update = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(finished))
    if fmt == "tabular":
        prefix = "\n" if wait else ""
        ctx.out(f"{prefix}status: done\n")
        if long:
            ctx.out(
                "extended_status: done\nboot_status_code: enabled-by-generator\n"
                f"last_update: {last_update}\ndetail: {detail}\nerrors: []\nrecoverable_errors: {{}}\n"
            )
        return 0
    stages = cloudinit.stages(machine)
    details = {
        "datasource": detail.split()[0].lower().replace("datasource", ""),
        "boot_status_code": "enabled-by-generator",
        "status": "done",
        "extended_status": "done",
        "detail": detail,
        "errors": [],
        "recoverable_errors": {},
        "last_update": last_update,
        **stages,
        "stage": None,
    }
    ctx.out(json.dumps(details, indent=2, sort_keys=True, separators=(",", ": ")) + "\n")
    return 0


# The top-level keys of /run/cloud-init/instance-data.json (cloud-init docs, cli.rst: query --list-keys).
QUERY_KEYS = (
    "_beta_keys",
    "availability_zone",
    "base64_encoded_keys",
    "cloud_name",
    "ds",
    "instance_id",
    "local_hostname",
    "platform",
    "public_ssh_keys",
    "region",
    "sensitive_keys",
    "subplatform",
    "sys_info",
    "v1",
    "variant",
    "vendordata",
)


def _cloud_init_query(ctx: Context, args: list[str]) -> int:
    data = cloudinit.instance_data(ctx.machine)
    if "--list-keys" in args:
        ctx.out("\n".join(QUERY_KEYS) + "\n")
        return 0
    names = [a for a in args if not a.startswith("-")]
    if not names:
        ctx.err("Expected one of the options: --all, --format, --list-keys or varname\n")
        return 1
    value: object = data
    for part in names[0].split("."):
        if not isinstance(value, dict) or part not in value:
            ctx.err(f"Undefined instance-data key '{names[0]}'\n")
            return 1
        value = value[part]
    if isinstance(value, dict):
        ctx.out(json.dumps(value, indent=1, sort_keys=True, separators=(",", ": ")) + "\n")
    else:
        ctx.out(f"{value}\n")
    return 0


@command(
    "cloud-init",
    man="""
cloud-init - the tool behind a cloud image's first-boot configuration

  cloud-init status [--long] [--wait] [--format json]   has it finished? (done / running / error /
                                                        disabled); --long adds the datasource
  cloud-init query --list-keys        the instance-data keys
  cloud-init query v1.cloud_name      one of them (dotted path)

Installed on Ubuntu cloud images and server installs; a bare-metal desktop may not have it.
""",
)
def cloud_init(ctx: Context, argv: list[str]) -> int:
    args = argv[1:]
    if args and args[0] == "status":
        return _cloud_init_status(ctx, args[1:])
    if args and args[0] == "query":
        return _cloud_init_query(ctx, args[1:])
    ctx.err(
        "usage: /usr/bin/cloud-init [-h] [--version] [--debug] [--force] [--all-stages]\n"
        "                           {init,modules,single,query,features,analyze,devel,collect-logs,"
        "clean,status,schema} ...\n"
        "/usr/bin/cloud-init: error: the following arguments are required: subcommand\n"
    )
    return 2


@command(
    "kvm-ok",
    man="""
kvm-ok - check whether this CPU can run KVM-accelerated VMs (Ubuntu package cpu-checker)

Looks for vmx/svm on the first "flags" line of /proc/cpuinfo, then for /dev/kvm; as root it also reads
the firmware's lock bit (MSR) to tell "disabled by your BIOS". Exit 0: KVM acceleration can be used.
""",
)
def kvm_ok(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    program = argv[0] if "/" in argv[0] else "/usr/sbin/kvm-ok"
    flags = machine.cpu_flags()
    virt = next((f for f in ("vmx", "svm") if f in flags), "")

    def assert_root() -> int | None:
        if not ctx.is_root:
            ctx.out(f"INFO: For more detailed results, you should run this as root\nHINT:   sudo {program}\n")
            return 1
        return None

    if not virt:
        ctx.out("INFO: Your CPU does not support KVM extensions\n")
        if assert_root():
            return 1
        ctx.out("KVM acceleration can NOT be used\n")
        return 1
    if machine.fs.exists("/dev/kvm"):
        ctx.out("INFO: /dev/kvm exists\nKVM acceleration can be used\n")
        return 0
    brand = "intel" if virt == "vmx" else "amd"
    ctx.out(f"INFO: /dev/kvm does not exist\nHINT:   sudo modprobe kvm_{brand}\n")
    if assert_root():
        return 1
    ctx.out("INFO: Your CPU supports KVM extensions\n")
    if not machine.virt_enabled and machine.kind == "metal":
        ctx.out(
            f"INFO: KVM ({virt}) is disabled by your BIOS\n"
            "HINT: Enter your BIOS setup and enable Virtualization Technology (VT),\n"
            "      and then hard poweroff/poweron your system\n"
            "KVM acceleration can NOT be used\n"
        )
        return 1
    ctx.out("KVM acceleration can be used\n")
    return 0


# PCI devices as lspci prints them, per platform. KVM: a libvirt Q35 guest (virt-manager defaults) as
# captured on Ubuntu 24.04; Xen HVM: the Xen platform device of HVM guests; VirtualBox and VMware: their
# classic emulated devices (UNVERIFIED against captures of these exact versions); Hyper-V generation 2
# guests have no PCI bus at all, so lspci prints nothing.
PCI = {
    "kvm": (
        "00:00.0 Host bridge: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller",
        "00:01.0 VGA compatible controller: Red Hat, Inc. Virtio 1.0 GPU (rev 01)",
        *(f"00:02.{n} PCI bridge: Red Hat, Inc. QEMU PCIe Root port" for n in range(8)),
        "00:1f.0 ISA bridge: Intel Corporation 82801IB (ICH9) LPC Interface Controller (rev 02)",
        "00:1f.2 SATA controller: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller "
        "[AHCI mode] (rev 02)",
        "00:1f.3 SMBus: Intel Corporation 82801I (ICH9 Family) SMBus Controller (rev 02)",
        "01:00.0 Ethernet controller: Red Hat, Inc. Virtio 1.0 network device (rev 01)",
        "02:00.0 USB controller: Red Hat, Inc. QEMU XHCI Host Controller (rev 01)",
        "03:00.0 Communication controller: Red Hat, Inc. Virtio 1.0 console (rev 01)",
        "04:00.0 SCSI storage controller: Red Hat, Inc. Virtio 1.0 block device (rev 01)",
        "05:00.0 Unclassified device [00ff]: Red Hat, Inc. Virtio 1.0 memory balloon (rev 01)",
        "06:00.0 Unclassified device [00ff]: Red Hat, Inc. Virtio 1.0 RNG (rev 01)",
    ),
    "xen": (
        "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)",
        "00:01.0 ISA bridge: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]",
        "00:01.1 IDE interface: Intel Corporation 82371SB PIIX3 IDE [Natoma/Triton II]",
        "00:01.3 Bridge: Intel Corporation 82371AB/EB/MB PIIX4 ACPI (rev 01)",
        "00:02.0 VGA compatible controller: Cirrus Logic GD 5446",
        "00:03.0 Unassigned class [ff80]: XenSource, Inc. Xen Platform Device (rev 01)",
    ),
    "oracle": (
        "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)",
        "00:01.0 ISA bridge: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]",
        "00:01.1 IDE interface: Intel Corporation 82371AB/EB/MB PIIX4 IDE (rev 01)",
        "00:02.0 VGA compatible controller: InnoTek Systemberatung GmbH VirtualBox Graphics Adapter",
        "00:03.0 Ethernet controller: Intel Corporation 82540EM Gigabit Ethernet Controller (rev 02)",
        "00:04.0 System peripheral: InnoTek Systemberatung GmbH VirtualBox Guest Service",
        "00:07.0 Bridge: Intel Corporation 82371AB/EB/MB PIIX4 ACPI (rev 08)",
        "00:0d.0 SATA controller: Intel Corporation 82801HM/HEM (ICH8M/ICH8M-E) SATA Controller "
        "[AHCI mode] (rev 02)",
    ),
    "vmware": (
        "00:00.0 Host bridge: Intel Corporation 440BX/ZX/DX - 82443BX/ZX/DX Host bridge (rev 01)",
        "00:01.0 PCI bridge: Intel Corporation 440BX/ZX/DX - 82443BX/ZX/DX AGP bridge (rev 01)",
        "00:07.0 ISA bridge: Intel Corporation 82371AB/EB/MB PIIX4 ISA (rev 08)",
        "00:07.1 IDE interface: Intel Corporation 82371AB/EB/MB PIIX4 IDE (rev 01)",
        "00:07.3 Bridge: Intel Corporation 82371AB/EB/MB PIIX4 ACPI (rev 08)",
        "00:07.7 System peripheral: VMware Virtual Machine Communication Interface (rev 10)",
        "00:0f.0 VGA compatible controller: VMware SVGA II Adapter",
        "00:11.0 PCI bridge: VMware PCI bridge (rev 02)",
        "02:01.0 Ethernet controller: VMware VMXNET3 Ethernet Controller (rev 01)",
        "03:00.0 Serial Attached SCSI controller: VMware PVSCSI SCSI Controller (rev 02)",
    ),
    "microsoft": (),
    "intel": (
        "00:00.0 Host bridge: Intel Corporation 11th Gen Core Processor Host Bridge/DRAM Registers (rev 01)",
        "00:02.0 VGA compatible controller: Intel Corporation TigerLake-LP GT2 [Iris Xe Graphics] (rev 01)",
        "00:14.0 USB controller: Intel Corporation Tiger Lake-LP USB 3.2 Gen 2x1 xHCI Host Controller "
        "(rev 20)",
        "00:14.3 Network controller: Intel Corporation Wi-Fi 6 AX201 (rev 20)",
        "00:1f.0 ISA bridge: Intel Corporation Tiger Lake-LP LPC Controller (rev 20)",
        "00:1f.3 Audio device: Intel Corporation Tiger Lake-LP Smart Sound Technology Audio Controller "
        "(rev 20)",
        "00:1f.4 SMBus: Intel Corporation Tiger Lake-LP SMBus Controller (rev 20)",
        "00:1f.6 Ethernet controller: Intel Corporation Ethernet Connection (13) I219-LM (rev 20)",
    ),
    "amd": (
        "00:00.0 Host bridge: Advanced Micro Devices, Inc. [AMD] Family 17h (Models 00h-0fh) Root Complex",
        "00:14.0 SMBus: Advanced Micro Devices, Inc. [AMD] FCH SMBus Controller (rev 59)",
        "00:14.3 ISA bridge: Advanced Micro Devices, Inc. [AMD] FCH LPC Bridge (rev 51)",
        "03:00.0 VGA compatible controller: ASPEED Technology, Inc. ASPEED Graphics Family (rev 41)",
        "41:00.0 Ethernet controller: Intel Corporation I350 Gigabit Network Connection (rev 01)",
    ),
}


@command(
    "lspci",
    man="""
lspci - list PCI devices

Inside a VM it shows the hypervisor's emulated and paravirtual devices: "Red Hat, Inc. Virtio ..."
(KVM), "VMware SVGA II Adapter" / "VMXNET3" (VMware), "InnoTek ... VirtualBox Guest Service"
(VirtualBox), "XenSource, Inc. Xen Platform Device" (Xen). A Hyper-V generation 2 VM has no PCI bus:
lspci prints nothing. In a container it shows the host's devices.
""",
)
def lspci(ctx: Context, argv: list[str]) -> int:
    machine = ctx.machine
    key = machine.spec["platform"] if machine.kind == "vm" else machine.cpu.vendor
    ctx.out("".join(line + "\n" for line in PCI[key]))
    return 0


@command("nproc", man="nproc - print the number of processing units available\n")
def nproc(ctx: Context, argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] not in ("--all",):
        ctx.err(f"nproc: extra operand '{argv[1]}'\nTry 'nproc --help' for more information.\n")
        return 1
    ctx.out(f"{cpu_count(ctx.machine)}\n")
    return 0


@command("arch", man="arch - print machine hardware name (same as uname -m)\n")
def arch(ctx: Context, argv: list[str]) -> int:
    if len(argv) > 1:
        ctx.err(f"arch: extra operand '{argv[1]}'\nTry 'arch --help' for more information.\n")
        return 1
    ctx.out("x86_64\n")
    return 0
