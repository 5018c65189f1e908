"""The hardware catalog: CPUs, the platforms a Linux system can run on, and the kernel modules it can load.

Everything here is read-only data, so that a machine's state only names catalog entries ("cpu": "intel-i7")
and every generated view stays consistent with the catalog. Sources are the ones cited in
/work/shared/domain/facts.md (util-linux lscpu dumps, systemd virt.c, QEMU/VirtualBox/VMware DMI captures).
"""

from __future__ import annotations

from dataclasses import dataclass, field

INTEL_FLAGS = (
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse "
    "sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl "
    "xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx est tm2 "
    "ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx "
    "f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l2 invpcid_single cdp_l2 ssbd ibrs ibpb stibp "
    "ibrs_enhanced tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms "
    "invpcid rdt_a avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb intel_pt avx512cd sha_ni "
    "avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves split_lock_detect dtherm ida arat pln pts hwp "
    "hwp_notify hwp_act_window hwp_epp hwp_pkg_req avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes "
    "vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid movdiri movdir64b fsrm avx512_vp2intersect "
    "md_clear ibt flush_l1d arch_capabilities"
)

AMD_FLAGS = (
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht "
    "syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid "
    "amd_dcm aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx "
    "f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw skinit "
    "wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb hw_pstate ssbd ibpb vmmcall "
    "fsgsbase bmi1 avx2 smep bmi2 rdseed adx smap clflushopt sha_ni xsaveopt xsavec xgetbv1 xsaves clzero "
    "irperf xsaveerptr arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists "
    "pausefilter pfthreshold avic v_vmsave_vmload vgif overflow_recov succor smca sev"
)

# Host-only features a hypervisor hides from its guests (power management, VMX/SVM sub-features).
HOST_ONLY_FLAGS = frozenset(
    "dts acpi tm pbe art pebs bts aperfmperf dtes64 monitor ds_cpl est tm2 sdbg xtpr pdcm epb cat_l2 cdp_l2 "
    "tpr_shadow vnmi flexpriority ept vpid ept_ad intel_pt split_lock_detect dtherm ida pln pts hwp "
    "hwp_notify hwp_act_window hwp_epp hwp_pkg_req rdt_a invpcid_single amd_dcm rapl skinit wdt tce "
    "perfctr_nb bpext perfctr_llc mwaitx cpb hw_pstate irperf npt lbrv svm_lock nrip_save tsc_scale "
    "vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif overflow_recov "
    "succor smca sev".split()
)

# The util-linux VirtualBox guest dump: a short list and, surprisingly, no `hypervisor` flag.
VIRTUALBOX_FLAGS = (
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht "
    "syscall nx rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni "
    "pclmulqdq ssse3 cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx rdrand lahf_lm abm "
    "3dnowprefetch fsgsbase bmi1 avx2 bmi2 invpcid rdseed clflushopt md_clear flush_l1d arch_capabilities"
)


@dataclass(frozen=True)
class Cpu:
    vendor_id: str
    family: int
    model: int
    model_name: str
    stepping: int
    microcode: str
    mhz: str
    max_mhz: str
    min_mhz: str
    cache_kb: int
    cores: int
    threads_per_core: int
    cpuid_level: int
    bogomips: str
    address_sizes: str
    flags: str
    bugs: str
    vmx_flags: str = ""
    tlb_size: int = 0
    power_management: str = ""
    caches: tuple[tuple[str, str], ...] = ()

    @property
    def vendor(self) -> str:
        return "intel" if self.vendor_id == "GenuineIntel" else "amd"

    @property
    def virt_flag(self) -> str:
        return "vmx" if self.vendor == "intel" else "svm"


CPUS: dict[str, Cpu] = {
    "intel-i7-1165g7": Cpu(
        vendor_id="GenuineIntel",
        family=6,
        model=140,
        model_name="11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
        stepping=1,
        microcode="0xb8",
        mhz="2800.000",
        max_mhz="4700.0000",
        min_mhz="400.0000",
        cache_kb=12288,
        cores=4,
        threads_per_core=2,
        cpuid_level=27,
        bogomips="5606.40",
        address_sizes="39 bits physical, 48 bits virtual",
        flags=INTEL_FLAGS,
        vmx_flags=(
            "vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb flexpriority apicv "
            "tsc_offset vtpr mtf vapic ept vpid unrestricted_guest vapic_reg vid ple pml ept_mode_based_exec "
            "tsc_scaling"
        ),
        bugs="spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb gds bhi",
        caches=(
            ("L1d", "192 KiB (4 instances)"),
            ("L1i", "128 KiB (4 instances)"),
            ("L2", "5 MiB (4 instances)"),
            ("L3", "12 MiB (1 instance)"),
        ),
    ),
    "amd-epyc-7451": Cpu(
        vendor_id="AuthenticAMD",
        family=23,
        model=1,
        model_name="AMD EPYC 7451 24-Core Processor",
        stepping=2,
        microcode="0x8001250",
        mhz="2300.000",
        max_mhz="2300.0000",
        min_mhz="1200.0000",
        cache_kb=512,
        cores=24,
        threads_per_core=2,
        cpuid_level=13,
        bogomips="4590.83",
        address_sizes="48 bits physical, 48 bits virtual",
        flags=AMD_FLAGS,
        bugs="sysret_ss_attrs null_seg spectre_v1 spectre_v2 spec_store_bypass retbleed smt_rsb div0",
        tlb_size=2560,
        power_management="ts ttp tm hwpstate cpb eff_freq_ro [13] [14]",
        caches=(
            ("L1d", "768 KiB (24 instances)"),
            ("L1i", "1.5 MiB (24 instances)"),
            ("L2", "12 MiB (24 instances)"),
            ("L3", "64 MiB (8 instances)"),
        ),
    ),
}


@dataclass(frozen=True)
class Platform:
    """Where a Linux system runs: bare metal, a hypervisor, or a container runtime."""

    id: str  # the systemd-detect-virt identifier ("none" for bare metal)
    kind: str  # metal | vm | container
    name: str
    dmi: dict[str, str] = field(default_factory=dict)
    lscpu_vendor: str = ""  # lscpu "Hypervisor vendor:" (CPUID leaf 0x40000000 or DMI)
    dmesg_name: str = ""  # kernel "Hypervisor detected: %s"
    virt_what: tuple[str, ...] = ()
    oui: str = ""
    nic: str = "eth0"
    disk: str = "sda"
    modules: tuple[str, ...] = ()  # the guest drivers udev loads at boot
    emulated: tuple[str, ...] = ()  # drivers for emulated real hardware (not guest drivers)
    chassis: str = "vm"
    dmi_handles: tuple[int, int] = (
        0x0000,
        0x0001,
    )  # handles of the BIOS (type 0) and system (type 1) records
    bios_bytes: int = 24
    firmware: str = "bios"  # the default: SeaBIOS, VirtualBox and VMware BIOS; Hyper-V Gen2 and PCs are UEFI


PLATFORMS: dict[str, Platform] = {
    "metal": Platform(id="none", kind="metal", name="bare metal", chassis="laptop", firmware="uefi"),
    "kvm": Platform(
        id="kvm",
        kind="vm",
        name="KVM",
        dmi={
            "sys_vendor": "QEMU",
            "product_name": "Standard PC (Q35 + ICH9, 2009)",
            "product_version": "pc-q35-8.2",
            "product_family": "",
            "bios_vendor": "SeaBIOS",
            "bios_version": "1.16.3-debian-1.16.3-2",
            "bios_date": "04/01/2014",
            "board_vendor": "",
            "board_name": "",
            "chassis_vendor": "QEMU",
            "chassis_type": "1",
            "chassis_version": "pc-q35-8.2",
        },
        lscpu_vendor="KVM",
        dmesg_name="KVM",
        virt_what=("kvm",),
        oui="52:54:00",
        nic="enp1s0",
        disk="vda",
        modules=("virtio_net", "virtio_blk", "virtio_balloon", "virtio_console", "virtio_rng"),
        dmi_handles=(0x0000, 0x0100),
    ),
    "oracle": Platform(
        id="oracle",
        kind="vm",
        name="VirtualBox",
        dmi={
            "sys_vendor": "innotek GmbH",
            "product_name": "VirtualBox",
            "product_version": "1.2",
            "product_family": "Virtual Machine",
            "bios_vendor": "innotek GmbH",
            "bios_version": "VirtualBox",
            "bios_date": "12/01/2006",
            "board_vendor": "Oracle Corporation",
            "board_name": "VirtualBox",
            "chassis_vendor": "Oracle Corporation",
            "chassis_type": "1",
            "chassis_version": "",
        },
        lscpu_vendor="Oracle",
        virt_what=("virtualbox",),
        oui="08:00:27",
        nic="enp0s3",
        disk="sda",
        modules=("vboxguest", "vboxsf", "vboxvideo"),
        emulated=("e1000",),
        bios_bytes=20,
    ),
    "vmware": Platform(
        id="vmware",
        kind="vm",
        name="VMware",
        dmi={
            "sys_vendor": "VMware, Inc.",
            "product_name": "VMware Virtual Platform",
            "product_version": "None",
            "product_family": "",
            "bios_vendor": "Phoenix Technologies LTD",
            "bios_version": "6.00",
            "bios_date": "11/12/2020",
            "board_vendor": "Intel Corporation",
            "board_name": "440BX Desktop Reference Platform",
            "chassis_vendor": "No Enclosure",
            "chassis_type": "1",
            "chassis_version": "N/A",
        },
        lscpu_vendor="VMware",
        dmesg_name="VMware",
        virt_what=("vmware",),
        oui="00:0c:29",
        nic="ens33",
        disk="sda",
        modules=("vmw_balloon", "vmw_vmci", "vmxnet3", "vmw_pvscsi", "vmwgfx"),
    ),
    "microsoft": Platform(
        id="microsoft",
        kind="vm",
        name="Hyper-V",
        dmi={
            "sys_vendor": "Microsoft Corporation",
            "product_name": "Virtual Machine",
            "product_version": "Hyper-V UEFI Release v4.1",
            "product_family": "Virtual Machine",
            "bios_vendor": "Microsoft Corporation",
            "bios_version": "Hyper-V UEFI Release v4.1",
            "bios_date": "08/23/2024",
            "board_vendor": "Microsoft Corporation",
            "board_name": "Virtual Machine",
            "chassis_vendor": "Microsoft Corporation",
            "chassis_type": "3",
            "chassis_version": "Hyper-V UEFI Release v4.1",
            "chassis_asset_tag": "7783-7084-3265-9085-8269-3286-77",
        },
        lscpu_vendor="Microsoft",
        dmesg_name="Microsoft Hyper-V",
        virt_what=("hyperv",),
        oui="00:15:5d",
        nic="eth0",
        disk="sda",
        modules=("hv_vmbus", "hv_netvsc", "hv_storvsc", "hv_utils", "hv_balloon", "hyperv_keyboard"),
        bios_bytes=26,
        firmware="uefi",
    ),
    "xen": Platform(
        id="xen",
        kind="vm",
        name="Xen",
        dmi={
            "sys_vendor": "Xen",
            "product_name": "HVM domU",
            "product_version": "4.17.3",
            "product_family": "",
            "bios_vendor": "Xen",
            "bios_version": "4.17.3",
            "bios_date": "06/23/2023",
            "board_vendor": "",
            "board_name": "",
            "chassis_vendor": "Xen",
            "chassis_type": "1",
            "chassis_version": "",
        },
        lscpu_vendor="Xen",
        dmesg_name="Xen HVM",
        virt_what=("xen", "xen-hvm"),
        oui="00:16:3e",
        nic="eth0",
        disk="xvda",
        modules=("xen_netfront", "xen_blkfront"),
        dmi_handles=(0x0000, 0x0100),
    ),
    "lxc": Platform(
        id="lxc", kind="container", name="LXC", virt_what=("lxc",), oui="00:16:3e", chassis="container"
    ),
    "docker": Platform(
        id="docker",
        kind="container",
        name="Docker",
        virt_what=("docker",),
        oui="02:42:ac",
        chassis="container",
    ),
}


@dataclass(frozen=True)
class Metal:
    """The physical machine behind a bare-metal host (and behind a container) for a CPU vendor."""

    dmi: dict[str, str]
    chassis: str
    nic: str
    oui: str
    disk: str
    disk_gib: int


METAL: dict[str, Metal] = {
    "intel": Metal(
        dmi={
            "sys_vendor": "Dell Inc.",
            "product_name": "Latitude 5420",
            "product_version": "",
            "product_family": "Latitude",
            "bios_vendor": "Dell Inc.",
            "bios_version": "1.36.1",
            "bios_date": "06/11/2024",
            "board_vendor": "Dell Inc.",
            "board_name": "0K0DNP",
            "chassis_vendor": "Dell Inc.",
            "chassis_type": "10",
            "chassis_version": "",
        },
        chassis="laptop",
        nic="enp0s31f6",
        oui="8c:47:be",
        disk="nvme0n1",
        disk_gib=512,
    ),
    "amd": Metal(
        dmi={
            "sys_vendor": "Supermicro",
            "product_name": "AS -1023US-TR4",
            "product_version": "0123456789",
            "product_family": "Family",
            "bios_vendor": "American Megatrends Inc.",
            "bios_version": "2.3",
            "bios_date": "03/24/2022",
            "board_vendor": "Supermicro",
            "board_name": "H11DSU-iN",
            "chassis_vendor": "Supermicro",
            "chassis_type": "17",
            "chassis_version": "0123456789",
        },
        chassis="server",
        nic="eno1",
        oui="ac:1f:6b",
        disk="sda",
        disk_gib=960,
    ),
}


# Modelled after Ubuntu 24.04 (kernel 6.8, kmod 31): name -> size in /proc/modules, dependencies, file under
# /lib/modules/<release>/kernel/, description, author, licence.
@dataclass(frozen=True)
class Module:
    size: int
    path: str
    depends: tuple[str, ...] = ()
    description: str = ""
    author: str = ""
    license: str = "GPL"


MODULES: dict[str, Module] = {
    "irqbypass": Module(
        12288,
        "virt/lib/irqbypass.ko.zst",
        (),
        "IRQ bypass manager utility module",
        "Alex Williamson <alex.williamson@redhat.com>",
        "GPL v2",
    ),
    "kvm": Module(1409024, "arch/x86/kvm/kvm.ko.zst", ("irqbypass",), "", "Qumranet"),
    "kvm_intel": Module(487424, "arch/x86/kvm/kvm-intel.ko.zst", ("kvm",), "", "Qumranet"),
    "ccp": Module(
        143360,
        "drivers/crypto/ccp/ccp.ko.zst",
        (),
        "AMD Secure Processor driver",
        "Tom Lendacky <thomas.lendacky@amd.com>",
        "GPL",
    ),
    "kvm_amd": Module(208896, "arch/x86/kvm/kvm-amd.ko.zst", ("kvm", "ccp"), "", "Qumranet"),
    "failover": Module(
        12288, "net/core/failover.ko.zst", (), "Generic failover infrastructure/interface", "", "GPL v2"
    ),
    "net_failover": Module(
        24576,
        "drivers/net/net_failover.ko.zst",
        ("failover",),
        "Failover driver for Paravirtual drivers",
        "",
        "GPL v2",
    ),
    "virtio_net": Module(77824, "drivers/net/virtio_net.ko.zst", ("net_failover",), "Virtio network driver"),
    "virtio_blk": Module(32768, "drivers/block/virtio_blk.ko.zst", (), "Virtio block driver"),
    "virtio_balloon": Module(28672, "drivers/virtio/virtio_balloon.ko.zst", (), "Virtio balloon driver"),
    "virtio_console": Module(45056, "drivers/char/virtio_console.ko.zst", (), "Virtio console driver"),
    "virtio_rng": Module(
        12288, "drivers/char/hw_random/virtio-rng.ko.zst", (), "Virtio random number driver"
    ),
    "vboxguest": Module(
        57344,
        "drivers/virt/vboxguest/vboxguest.ko.zst",
        (),
        "Oracle VM VirtualBox Guest Additions for Linux Module",
        "Oracle Corporation",
        "Dual MIT/GPL",
    ),
    "vboxsf": Module(
        40960,
        "fs/vboxsf/vboxsf.ko.zst",
        ("vboxguest",),
        "Oracle VM VirtualBox Module for Host File System Access",
        "Oracle Corporation",
        "GPL v2",
    ),
    "vboxvideo": Module(
        53248,
        "drivers/gpu/drm/vboxvideo/vboxvideo.ko.zst",
        (),
        "",
        "Oracle Corporation",
        "GPL and additional rights",
    ),
    "e1000": Module(
        180224,
        "drivers/net/ethernet/intel/e1000/e1000.ko.zst",
        (),
        "Intel(R) PRO/1000 Network Driver",
        "Intel Corporation, <linux.nics@intel.com>",
        "GPL v2",
    ),
    "vmw_balloon": Module(
        28672,
        "drivers/misc/vmw_balloon.ko.zst",
        (),
        "VMware Memory Control (Balloon) Driver",
        "VMware, Inc.",
        "GPL",
    ),
    "vmw_vmci": Module(
        106496,
        "drivers/misc/vmw_vmci/vmw_vmci.ko.zst",
        (),
        "VMware Virtual Machine Communication Interface.",
        "VMware, Inc.",
        "GPL v2",
    ),
    "vmxnet3": Module(
        90112,
        "drivers/net/vmxnet3/vmxnet3.ko.zst",
        (),
        "VMware vmxnet3 virtual NIC driver",
        "VMware, Inc.",
        "GPL v2",
    ),
    "vmw_pvscsi": Module(
        28672, "drivers/scsi/vmw_pvscsi.ko.zst", (), "VMware PVSCSI driver", "VMware, Inc.", "GPL"
    ),
    "vmwgfx": Module(
        446464,
        "drivers/gpu/drm/vmwgfx/vmwgfx.ko.zst",
        (),
        "Standalone drm driver for the VMware SVGA device",
        "VMware Inc. and others",
        "GPL and additional rights",
    ),
    "hv_vmbus": Module(135168, "drivers/hv/hv_vmbus.ko.zst", (), "Microsoft Hyper-V VMBus Driver", "", "GPL"),
    "hv_netvsc": Module(
        114688, "drivers/net/hyperv/hv_netvsc.ko.zst", ("hv_vmbus",), "Microsoft Hyper-V network driver"
    ),
    "hv_storvsc": Module(
        28672, "drivers/scsi/hv_storvsc.ko.zst", ("hv_vmbus",), "Microsoft Hyper-V virtual storage driver"
    ),
    "hv_utils": Module(53248, "drivers/hv/hv_utils.ko.zst", ("hv_vmbus",), "Hyper-V Utilities"),
    "hv_balloon": Module(32768, "drivers/hv/hv_balloon.ko.zst", ("hv_vmbus",), "Hyper-V Balloon", "", "GPL"),
    "hyperv_keyboard": Module(
        12288,
        "drivers/input/serio/hyperv-keyboard.ko.zst",
        ("hv_vmbus",),
        "Microsoft Hyper-V Synthetic Keyboard Driver",
    ),
    "xen_netfront": Module(
        69632, "drivers/net/xen-netfront.ko.zst", (), "Xen virtual network device frontend"
    ),
    "xen_blkfront": Module(
        65536, "drivers/block/xen-blkfront.ko.zst", (), "Xen virtual block device frontend"
    ),
    # What a container host loads for its container networks and storage (sizes from 6.x lsmod captures).
    "llc": Module(16384, "net/llc/llc.ko.zst", ()),
    "stp": Module(12288, "net/802/stp.ko.zst", ("llc",)),
    "bridge": Module(425984, "net/bridge/bridge.ko.zst", ("stp", "llc"), "Ethernet bridge driver"),
    "br_netfilter": Module(
        32768, "net/bridge/br_netfilter.ko.zst", ("bridge",), "Linux ethernet netfilter firewall bridge"
    ),
    "veth": Module(40960, "drivers/net/veth.ko.zst", (), "Virtual Ethernet Tunnel", "", "GPL v2"),
    "overlay": Module(
        212992, "fs/overlayfs/overlay.ko.zst", (), "Overlay filesystem", "Miklos Szeredi <miklos@szeredi.hu>"
    ),
}
# The host's modules a container sees in /proc/modules (containers share the host's kernel): Docker's
# overlay storage and bridge network, LXD/LXC's bridge and veth pairs.
CONTAINER_HOST_MODULES = {
    "docker": ("overlay", "bridge", "br_netfilter", "veth"),
    "lxc": ("bridge", "veth"),
}
# Parameters under /sys/module/NAME/parameters/: kvm_intel declares nested as bool (shown Y/N), kvm_amd
# as int (shown 1/0) (arch/x86/kvm/vmx/vmx.c, svm/svm.c, Linux 6.8).
MODULE_PARAMETERS = {"kvm_intel": {"nested": "Y"}, "kvm_amd": {"nested": "1"}}


# modinfo's description and author of the drivers a learner is likely to look up (MODULE_DESCRIPTION and
# MODULE_AUTHOR in Linux 6.8's sources, as remembered; the others print neither).
DESCRIPTIONS = {
    "e1000e": ("Intel(R) PRO/1000 Network Driver", "Intel Corporation, <linux.nics@intel.com>"),
    "igb": (
        "Intel(R) Gigabit Ethernet Network Driver",
        "Intel Corporation, <e1000-devel@lists.sourceforge.net>",
    ),
    "ixgbe": ("Intel(R) 10 Gigabit PCI Express Network Driver", "Intel Corporation, <linux.nics@intel.com>"),
    "nvme": ("", "Matthew Wilcox <willy@linux.intel.com>"),
    "ahci": ("AHCI SATA low-level driver", "Jeff Garzik"),
    "i915": ("Intel Graphics", "Intel Corporation"),
    "ast": ("AST", "Dave Airlie"),
    "iwlwifi": ("Intel(R) Wireless WiFi driver for Linux", ""),
    "iwlmvm": ("The new Intel(R) wireless AGN driver for Linux", ""),
    "snd_hda_intel": ("Intel HDA driver", ""),
    "btusb": ("Generic Bluetooth USB driver ver 0.8", "Marcel Holtmann <marcel@holtmann.org>"),
    "thunderbolt": ("", "Andreas Noever <andreas.noever@gmail.com>"),
    "xhci_pci": ("xHCI PCI Host Controller Driver", ""),
    "ipmi_si": ("Interface to the IPMI driver for the KCS, SMIC, and BT system interfaces.", ""),
    "k10temp": ("AMD Family 10h+ CPU core temperature monitor", "Clemens Ladisch <clemens@ladisch.de>"),
    "qemu_fw_cfg": ("QEMU fw_cfg sysfs support", "Gabriel L. Somlo <somlo@cmu.edu>"),
    "virtio_scsi": ("Virtio SCSI HBA driver", "Stefan Hajnoczi <stefanha@linux.vnet.ibm.com>"),
    "virtio_gpu": ("virtio GPU", "Dave Airlie <airlied@redhat.com>"),
    "vmw_vsock_vmci_transport": ("VMCI transport for Virtual Sockets", "VMware, Inc."),
    "hv_sock": ("Hyper-V Sockets", ""),
    "hyperv_drm": ("DRM driver for Hyper-V synthetic video device", "Deepak Rawat <drawat.floss@gmail.com>"),
    "psmouse": ("PS/2 mouse driver", "Vojtech Pavlik <vojtech@suse.cz>"),
    "tls": ("Transport Layer Security Support", "Mellanox Technologies"),
}
# References a module has besides the modules that use it (mounted filesystems, open devices, queueing
# disciplines): lsmod's count includes them, and the module cannot be removed while they last.
OPEN_REFERENCES = {
    "nls_iso8859_1": 1,
    "binfmt_misc": 1,
    "sch_fq_codel": 2,
    "autofs4": 2,
    "crct10dif_pclmul": 1,
    "virtio_blk": 3,
    "nvme": 3,
    "ahci": 2,
    "i915": 18,
    "snd_hda_intel": 2,
    "mei_me": 2,
}


def _module_table(table: str) -> dict[str, Module]:
    """Modules written one a line: name, size in /proc/modules, file under kernel/ without .ko.zst, and
    dependencies (or -); a backslash carries a long line over."""
    modules = {}
    for line in table.strip().splitlines():
        name, size, path, depends = line.split()
        needs = () if depends == "-" else tuple(depends.split(","))
        modules[name] = Module(int(size), path + ".ko.zst", needs, *DESCRIPTIONS.get(name, ("", "")))
    return modules


# What every Ubuntu 24.04 system (6.8 kernel) loads besides its hardware drivers, sizes as 6.8 lsmod
# captures show them (rounded to pages): the initramfs's RAID and btrfs stack and crypto helpers, then
# what systemd and its units load. Descriptions are left out (modinfo prints none for these).
MODULES.update(
    _module_table(
        """
libcrc32c 12288 lib/libcrc32c -
raid6_pq 126976 lib/raid6/raid6_pq -
xor 20480 arch/x86/crypto/xor -
async_tx 16384 crypto/async_tx/async_tx -
async_xor 16384 crypto/async_tx/async_xor async_tx,xor
async_pq 20480 crypto/async_tx/async_pq async_xor,raid6_pq,async_tx
async_memcpy 16384 crypto/async_tx/async_memcpy async_tx
async_raid6_recov 20480 crypto/async_tx/async_raid6_recov async_pq,async_memcpy,raid6_pq,async_tx
raid456 192512 drivers/md/raid456 \
    async_raid6_recov,async_memcpy,async_pq,async_xor,async_tx,raid6_pq,libcrc32c
raid0 24576 drivers/md/raid0 -
raid1 57344 drivers/md/raid1 -
raid10 73728 drivers/md/raid10 -
blake2b_generic 24576 crypto/blake2b_generic -
btrfs 1990656 fs/btrfs/btrfs blake2b_generic,xor,raid6_pq,libcrc32c
crct10dif_pclmul 12288 arch/x86/crypto/crct10dif-pclmul -
crc32_pclmul 12288 arch/x86/crypto/crc32-pclmul -
polyval_generic 12288 crypto/polyval-generic -
polyval_clmulni 12288 arch/x86/crypto/polyval-clmulni polyval_generic
ghash_clmulni_intel 16384 arch/x86/crypto/ghash-clmulni-intel -
sha256_ssse3 32768 arch/x86/crypto/sha256-ssse3 -
sha1_ssse3 32768 arch/x86/crypto/sha1-ssse3 -
cryptd 24576 crypto/cryptd -
crypto_simd 16384 crypto/crypto_simd cryptd
aesni_intel 356352 arch/x86/crypto/aesni-intel crypto_simd,cryptd
psmouse 217088 drivers/input/mouse/psmouse -
autofs4 57344 fs/autofs/autofs4 -
x_tables 65536 net/netfilter/x_tables -
ip_tables 32768 net/ipv4/netfilter/ip_tables x_tables
dmi_sysfs 24576 drivers/firmware/dmi-sysfs -
nfnetlink 20480 net/netfilter/nfnetlink -
efi_pstore 12288 drivers/firmware/efi/efi-pstore -
msr 12288 arch/x86/kernel/msr -
dm_multipath 45056 drivers/md/dm-multipath -
sch_fq_codel 24576 net/sched/sch_fq_codel -
serio_raw 20480 drivers/input/serio/serio_raw -
joydev 32768 drivers/input/joydev -
input_leds 12288 drivers/input/input-leds -
binfmt_misc 24576 fs/binfmt_misc -
nls_iso8859_1 12288 fs/nls/nls_iso8859-1 -
tls 155648 net/tls/tls -
qemu_fw_cfg 20480 drivers/firmware/qemu_fw_cfg -
virtio_scsi 28672 drivers/scsi/virtio_scsi -
virtio_gpu 98304 drivers/gpu/drm/virtio/virtio-gpu -
i2c_piix4 32768 drivers/i2c/busses/i2c-piix4 -
pata_acpi 16384 drivers/ata/pata_acpi -
floppy 131072 drivers/block/floppy -
ahci 49152 drivers/ata/ahci libahci
libahci 53248 drivers/ata/libahci -
mptbase 106496 drivers/message/fusion/mptbase -
mptscsih 53248 drivers/message/fusion/mptscsih mptbase
mptspi 28672 drivers/message/fusion/mptspi mptscsih,mptbase
vsock 61440 net/vmw_vsock/vsock -
vmw_vsock_vmci_transport 45056 net/vmw_vsock/vmw_vsock_vmci_transport vsock,vmw_vmci
hv_sock 28672 net/vmw_vsock/hv_sock vsock,hv_vmbus
hyperv_drm 24576 drivers/gpu/drm/hyperv/hyperv_drm hv_vmbus
hid_hyperv 12288 drivers/hid/hid-hyperv hv_vmbus,hid
hid 180224 drivers/hid/hid -
hid_generic 12288 drivers/hid/hid-generic hid
usbhid 77824 drivers/hid/usbhid/usbhid hid
xhci_pci_renesas 20480 drivers/usb/host/xhci-pci-renesas -
xhci_pci 24576 drivers/usb/host/xhci-pci xhci_pci_renesas
video 73728 drivers/acpi/video wmi
wmi 40960 drivers/platform/x86/wmi -
nvme_auth 28672 drivers/nvme/common/nvme-auth -
nvme_core 212992 drivers/nvme/host/nvme-core nvme_auth
nvme 61440 drivers/nvme/host/nvme nvme_core
e1000e 356352 drivers/net/ethernet/intel/e1000e/e1000e -
cec 94208 drivers/media/cec/core/cec -
rc_core 73728 drivers/media/rc/rc-core -
i2c_algo_bit 16384 drivers/i2c/algos/i2c-algo-bit -
drm_buddy 20480 drivers/gpu/drm/drm_buddy -
ttm 110592 drivers/gpu/drm/ttm/ttm -
drm_display_helper 237568 drivers/gpu/drm/display/drm_display_helper cec
i915 4308992 drivers/gpu/drm/i915/i915 drm_buddy,ttm,drm_display_helper,cec,rc_core,i2c_algo_bit,video,wmi
soundcore 16384 sound/soundcore -
snd 143360 sound/core/snd soundcore
snd_timer 49152 sound/core/snd-timer snd
snd_seq_device 16384 sound/core/snd-seq-device snd
snd_seq 118784 sound/core/seq/snd-seq snd_seq_device,snd_timer,snd
snd_rawmidi 57344 sound/core/snd-rawmidi snd_seq_device,snd
snd_seq_midi_event 16384 sound/core/seq/snd-seq-midi-event snd_seq
snd_seq_midi 24576 sound/core/seq/snd-seq-midi snd_seq,snd_rawmidi,snd_seq_midi_event,snd_seq_device
snd_pcm 192512 sound/core/snd-pcm snd_timer,snd
snd_hwdep 20480 sound/core/snd-hwdep snd
snd_hda_core 139264 sound/hda/snd-hda-core snd_pcm,snd
snd_hda_codec 204800 sound/pci/hda/snd-hda-codec snd_hda_core,snd_hwdep,snd_pcm,snd
snd_intel_sdw_acpi 16384 sound/hda/snd-intel-sdw-acpi -
snd_intel_dspcfg 36864 sound/hda/snd-intel-dspcfg snd_intel_sdw_acpi,snd_hda_core
snd_hda_intel 61440 sound/pci/hda/snd-hda-intel snd_intel_dspcfg,snd_hda_codec,snd_hda_core,snd_pcm,snd
ledtrig_audio 12288 drivers/leds/trigger/ledtrig-audio -
snd_hda_codec_generic 122880 sound/pci/hda/snd-hda-codec-generic snd_hda_codec,ledtrig_audio
snd_hda_codec_realtek 200704 sound/pci/hda/snd-hda-codec-realtek snd_hda_codec_generic,snd_hda_codec
snd_hda_codec_hdmi 94208 sound/pci/hda/snd-hda-codec-hdmi snd_hda_codec
cfg80211 1339392 net/wireless/cfg80211 -
libarc4 12288 lib/crypto/libarc4 -
mac80211 1720320 net/mac80211/mac80211 cfg80211,libarc4
iwlwifi 598016 drivers/net/wireless/intel/iwlwifi/iwlwifi cfg80211
iwlmvm 864256 drivers/net/wireless/intel/iwlwifi/mvm/iwlmvm mac80211,iwlwifi,libarc4,cfg80211
ecc 45056 crypto/ecc -
ecdh_generic 16384 crypto/ecdh_generic ecc
bluetooth 1028096 net/bluetooth/bluetooth ecdh_generic
btintel 57344 drivers/bluetooth/btintel bluetooth
btusb 77824 drivers/bluetooth/btusb btintel,bluetooth
mc 81920 drivers/media/mc/mc -
videodev 364544 drivers/media/v4l2-core/videodev mc
videobuf2_common 86016 drivers/media/common/videobuf2/videobuf2-common mc
videobuf2_v4l2 36864 drivers/media/common/videobuf2/videobuf2-v4l2 videobuf2_common,videodev
videobuf2_memops 16384 drivers/media/common/videobuf2/videobuf2-memops -
videobuf2_vmalloc 20480 drivers/media/common/videobuf2/videobuf2-vmalloc videobuf2_memops,videobuf2_v4l2
uvc 12288 drivers/media/common/uvc -
uvcvideo 139264 drivers/media/usb/uvc/uvcvideo \
    uvc,videobuf2_vmalloc,videobuf2_v4l2,videodev,videobuf2_common,mc
mei 167936 drivers/misc/mei/mei -
mei_me 53248 drivers/misc/mei/mei-me mei
intel_lpss 12288 drivers/mfd/intel-lpss -
idma64 20480 drivers/dma/idma64 -
intel_lpss_pci 24576 drivers/mfd/intel-lpss-pci intel_lpss
thunderbolt 499712 drivers/thunderbolt/thunderbolt -
i2c_smbus 16384 drivers/i2c/i2c-smbus -
i2c_i801 36864 drivers/i2c/busses/i2c-i801 i2c_smbus
i2c_hid 40960 drivers/hid/i2c-hid/i2c-hid hid
i2c_hid_acpi 12288 drivers/hid/i2c-hid/i2c-hid-acpi i2c_hid
hid_multitouch 36864 drivers/hid/hid-multitouch hid
spi_intel 32768 drivers/spi/spi-intel -
spi_intel_pci 12288 drivers/spi/spi-intel-pci spi_intel
typec 106496 drivers/usb/typec/typec -
typec_ucsi 61440 drivers/usb/typec/ucsi/typec_ucsi typec
ucsi_acpi 12288 drivers/usb/typec/ucsi/ucsi_acpi typec_ucsi
sparse_keymap 12288 drivers/input/sparse-keymap -
intel_hid 28672 drivers/platform/x86/intel/intel-hid sparse_keymap
wmi_bmof 12288 drivers/platform/x86/wmi-bmof wmi
dcdbas 20480 drivers/platform/x86/dell/dcdbas -
dell_wmi_descriptor 16384 drivers/platform/x86/dell/dell-wmi-descriptor wmi
dell_smbios 32768 drivers/platform/x86/dell/dell-smbios dcdbas,dell_wmi_descriptor,wmi
dell_wmi 28672 drivers/platform/x86/dell/dell-wmi dell_smbios,dell_wmi_descriptor,sparse_keymap,wmi,video
dell_laptop 45056 drivers/platform/x86/dell/dell-laptop dell_smbios
intel_rapl_common 40960 drivers/powercap/intel_rapl_common -
intel_rapl_msr 20480 drivers/powercap/intel_rapl_msr intel_rapl_common
processor_thermal_rapl 12288 drivers/thermal/intel/int340x_thermal/processor_thermal_rapl intel_rapl_common
processor_thermal_device 20480 drivers/thermal/intel/int340x_thermal/processor_thermal_device \
    processor_thermal_rapl
processor_thermal_device_pci 16384 drivers/thermal/intel/int340x_thermal/processor_thermal_device_pci \
    processor_thermal_device
int3400_thermal 24576 drivers/thermal/intel/int340x_thermal/int3400_thermal -
int3403_thermal 16384 drivers/thermal/intel/int340x_thermal/int3403_thermal -
x86_pkg_temp_thermal 20480 drivers/thermal/intel/x86_pkg_temp_thermal -
intel_powerclamp 24576 drivers/thermal/intel/intel_powerclamp -
coretemp 24576 drivers/hwmon/coretemp -
intel_pmc_core 118784 drivers/platform/x86/intel/pmc/intel_pmc_core -
intel_cstate 24576 arch/x86/events/intel/intel-cstate -
rapl 20480 arch/x86/events/rapl -
mtd 98304 drivers/mtd/mtd -
cmdlinepart 12288 drivers/mtd/parsers/cmdlinepart -
ast 94208 drivers/gpu/drm/ast/ast i2c_algo_bit
igb 294912 drivers/net/ethernet/intel/igb/igb i2c_algo_bit,dca
dca 16384 drivers/dma/dca -
ixgbe 466944 drivers/net/ethernet/intel/ixgbe/ixgbe mdio,dca
mdio 16384 drivers/net/mdio -
ipmi_msghandler 77824 drivers/char/ipmi/ipmi_msghandler -
ipmi_devintf 16384 drivers/char/ipmi/ipmi_devintf ipmi_msghandler
ipmi_si 81920 drivers/char/ipmi/ipmi_si ipmi_msghandler
ipmi_ssif 45056 drivers/char/ipmi/ipmi_ssif ipmi_msghandler
acpi_ipmi 20480 drivers/acpi/acpi_ipmi ipmi_msghandler
k10temp 16384 drivers/hwmon/k10temp -
edac_mce_amd 28672 drivers/edac/edac_mce_amd -
amd64_edac 57344 drivers/edac/amd64_edac edac_mce_amd
acpi_power_meter 20480 drivers/hwmon/acpi_power_meter ipmi_msghandler
megaraid_sas 184320 drivers/scsi/megaraid/megaraid_sas -
"""
    )
)
# Loaded at every boot outside containers, oldest first: the initramfs's storage and crypto stack, then
# what systemd loads early (the list ends before the late extras below).
BOOT_EARLY = (
    "libcrc32c raid6_pq xor async_tx async_xor async_pq async_memcpy async_raid6_recov raid456 raid0 raid1 "
    "raid10 blake2b_generic btrfs crct10dif_pclmul crc32_pclmul polyval_generic polyval_clmulni "
    "ghash_clmulni_intel sha256_ssse3 sha1_ssse3 cryptd crypto_simd aesni_intel psmouse"
).split()
BOOT_LATE = (
    "autofs4 x_tables ip_tables dmi_sysfs nfnetlink efi_pstore msr dm_multipath sch_fq_codel serio_raw "
    "joydev input_leds binfmt_misc nls_iso8859_1 tls"
).split()
# The hardware drivers udev loads on each bare-metal machine, and the extra drivers of each guest platform
# beside its paravirtual ones (Platform.modules): emulated chipset, input and display devices.
METAL_MODULES = {
    "intel": (
        "nvme e1000e xhci_pci hid hid_generic usbhid i2c_hid_acpi hid_multitouch wmi video i915 "
        "intel_lpss_pci idma64 thunderbolt i2c_i801 spi_intel_pci mei_me snd_hda_intel snd_hda_codec_realtek "
        "snd_hda_codec_hdmi iwlmvm btusb typec_ucsi ucsi_acpi "
        "intel_hid wmi_bmof dell_wmi dell_laptop intel_rapl_msr processor_thermal_device_pci "
        "int3400_thermal int3403_thermal x86_pkg_temp_thermal intel_powerclamp coretemp intel_pmc_core "
        "intel_cstate rapl cmdlinepart mtd"
    ).split(),
    "amd": (
        "ahci megaraid_sas xhci_pci hid hid_generic usbhid igb ixgbe ast ccp ipmi_si ipmi_devintf ipmi_ssif "
        "acpi_ipmi acpi_power_meter k10temp amd64_edac i2c_piix4 wmi rapl"
    ).split(),
}
# A KVM guest made without its paravirtual drivers (virt-install for an OS libosinfo does not know to
# support virtio): an emulated Intel 82574L NIC (e1000e) and its disk on the Q35 chipset's SATA (ahci) in
# place of virtio-net and virtio-blk, and no balloon, console or RNG device. The display stays virtio-gpu.
KVM_WITHOUT_VIRTIO = ("e1000e",)


def paravirtual(spec: dict) -> bool:
    """Whether a KVM guest has its virtio devices (the default), per the scenario or virt-install."""
    return spec.get("virtio", True)


GUEST_EXTRAS = {
    "kvm": ("qemu_fw_cfg", "virtio_scsi", "virtio_gpu", "i2c_piix4", "ahci"),
    "oracle": ("ahci", "i2c_piix4", "video", "pata_acpi"),
    "vmware": ("mptspi", "ahci", "i2c_piix4", "vsock", "vmw_vsock_vmci_transport", "floppy"),
    "microsoft": ("hv_sock", "hyperv_drm", "hid_hyperv", "hid_generic"),
    "xen": ("floppy", "pata_acpi"),
}
