"""The simulator against ../shared/domain/facts.md: one test per checkable fact, named after its section.

Each test runs the real command line through a scenario and asserts the exact format the facts give.
Where the simulator models an older tool than the one facts.md quotes (util-linux 2.39, systemd 255),
the test says so.
"""

import re

import pytest

from simulator import World
from simulator.result import Result

VMS = {
    # scenario: (systemd-detect-virt, virt-what facts, lscpu vendor, dmesg name, dmidecode -s strings, OUI)
    "kvm-guest": (
        "kvm",
        "kvm\n",
        "KVM",
        "KVM",
        ("QEMU", "Standard PC (Q35 + ICH9, 2009)", "SeaBIOS"),
        "52:54:00",
    ),
    "virtualbox-guest": (
        "oracle",
        "virtualbox\n",
        "Oracle",
        None,
        ("innotek GmbH", "VirtualBox", "innotek GmbH"),
        "08:00:27",
    ),
    "vmware-guest": (
        "vmware",
        "vmware\n",
        "VMware",
        "VMware",
        ("VMware, Inc.", "VMware Virtual Platform", "Phoenix Technologies LTD"),
        "00:0c:29",
    ),
    "hyperv-guest": (
        "microsoft",
        "hyperv\n",
        "Microsoft",
        "Microsoft Hyper-V",
        ("Microsoft Corporation", "Virtual Machine", "Microsoft Corporation"),
        "00:15:5d",
    ),
    "xen-guest": (
        "xen",
        "xen\nxen-hvm\n",
        "Xen",
        "Xen HVM",
        ("Xen", "HVM domU", "Xen"),
        "00:16:3e",
    ),
}
HOSTS = ("intel-vtx-host", "amd-v-host", "vtx-disabled-host")
CONTAINERS = {"lxc-container": "lxc", "docker-container": "docker"}


def world(scenario: str) -> World:
    return World.new(scenario, seed=1)


# 1.1 / 1.2 / 1.3: /proc/cpuinfo field order and the TABs after each name ------------------------------

CPUINFO_NAMES = [
    "processor\t",
    "vendor_id\t",
    "cpu family\t",
    "model\t\t",
    "model name\t",
    "stepping\t",
    "microcode\t",
    "cpu MHz\t\t",
    "cache size\t",
    "physical id\t",
    "siblings\t",
    "core id\t\t",
    "cpu cores\t",
    "apicid\t\t",
    "initial apicid\t",
    "fpu\t\t",
    "fpu_exception\t",
    "cpuid level\t",
    "wp\t\t",
    "flags\t\t",
    "vmx flags\t",
    "bugs\t\t",
    "bogomips\t",
    "TLB size\t",
    "clflush size\t",
    "cache_alignment\t",
    "address sizes\t",
    "power management",
]


def cpuinfo_blocks(scenario: str) -> list[list[str]]:
    text = world(scenario).run("cat /proc/cpuinfo").stdout
    assert text.endswith("\n\n")  # every block, the last one included, ends in a blank line
    return [block.split("\n") for block in text[:-2].split("\n\n")]


@pytest.mark.parametrize("scenario", [*HOSTS, *VMS, *CONTAINERS])
def test_1_1_cpuinfo_field_order_and_tabs(scenario):
    blocks = cpuinfo_blocks(scenario)
    for number, block in enumerate(blocks):
        names = [line.split(":", 1)[0] for line in block]
        assert names == [n for n in CPUINFO_NAMES if n in names], block  # the kernel's order
        assert all(n in CPUINFO_NAMES for n in names), names
        assert block[0] == f"processor\t: {number}"
        assert all(re.fullmatch(r"[a-zA-Z_ ]+\t+: .*|power management:.*", line) for line in block)
        assert block[-1].startswith("power management:")


def test_1_1_vmx_flags_only_on_intel_with_vmx_and_tlb_size_only_on_amd():
    intel, amd = cpuinfo_blocks("intel-vtx-host")[0], cpuinfo_blocks("amd-v-host")[0]
    assert any(line.startswith("vmx flags\t: ") for line in intel)
    assert not any(line.startswith("TLB size") for line in intel)
    assert not any(line.startswith("vmx flags") for line in amd)
    assert "TLB size\t: 2560 4K pages" in amd
    for scenario in ("kvm-guest", "vmware-guest"):  # guests without nested VT-x: no vmx, so no vmx flags
        block = cpuinfo_blocks(scenario)[0]
        assert not any(line.startswith("vmx flags") for line in block)


def test_1_2_intel_block_matches_the_util_linux_dump():
    block = cpuinfo_blocks("intel-vtx-host")[0]
    for line in (
        "vendor_id\t: GenuineIntel",
        "cpu family\t: 6",
        "model\t\t: 140",
        "model name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
        "stepping\t: 1",
        "cache size\t: 12288 KB",
        "siblings\t: 8",
        "cpu cores\t: 4",
        "fpu\t\t: yes",
        "fpu_exception\t: yes",
        "cpuid level\t: 27",
        "wp\t\t: yes",
        "clflush size\t: 64",
        "cache_alignment\t: 64",
        "address sizes\t: 39 bits physical, 48 bits virtual",
        "power management:",
    ):
        assert line in block
    assert re.fullmatch(r"cpu MHz\t\t: \d+\.\d{3}", block[7])
    assert re.fullmatch(r"microcode\t: 0x[0-9a-f]+", block[6])


def test_1_3_amd_block_matches_the_epyc_dump():
    block = cpuinfo_blocks("amd-v-host")[0]
    for line in (
        "vendor_id\t: AuthenticAMD",
        "cpu family\t: 23",
        "model\t\t: 1",
        "model name\t: AMD EPYC 7451 24-Core Processor",
        "stepping\t: 2",
        "cache size\t: 512 KB",
        "siblings\t: 48",
        "cpu cores\t: 24",
        "cpuid level\t: 13",
        "address sizes\t: 48 bits physical, 48 bits virtual",
    ):
        assert line in block
    flags = next(line for line in block if line.startswith("flags\t\t: ")).split()[2:]
    assert {"svm", "npt", "nrip_save", "vmcb_clean"} <= set(flags)  # SVM sub-features live in flags
    assert block[-1].startswith("power management: ts ttp tm hwpstate cpb eff_freq_ro")


# 1.4: flags ----------------------------------------------------------------------------------------


def flags(scenario: str) -> set[str]:
    return set(world(scenario).run("grep -m1 ^flags /proc/cpuinfo").stdout.split()[2:])


def test_1_4_vmx_on_intel_host_svm_on_amd_host_hypervisor_only_in_guests():
    assert "vmx" in flags("intel-vtx-host") and "hypervisor" not in flags("intel-vtx-host")
    assert "svm" in flags("amd-v-host") and "hypervisor" not in flags("amd-v-host")
    for scenario in ("kvm-guest", "vmware-guest", "hyperv-guest", "xen-guest"):
        assert "hypervisor" in flags(scenario)
        assert not {"vmx", "svm"} & flags(scenario)  # no nested virtualization exposed
    # the util-linux VirtualBox dump has no hypervisor flag and a short flag list
    assert "hypervisor" not in flags("virtualbox-guest")


# 1.5: lscpu ----------------------------------------------------------------------------------------


def lscpu(scenario: str) -> dict[str, str]:
    out = world(scenario).run("lscpu | cat").stdout  # into a pipe: flat "Field: value" lines
    return dict(line.split(":", 1) for line in out.splitlines()) | {}


def lscpu_value(scenario: str, field: str) -> str | None:
    value = lscpu(scenario).get(field)
    return None if value is None else value.strip()


def test_1_5_lscpu_virtualization_on_hosts():
    assert lscpu_value("intel-vtx-host", "Virtualization") == "VT-x"
    assert lscpu_value("amd-v-host", "Virtualization") == "AMD-V"
    assert lscpu_value("intel-vtx-host", "Hypervisor vendor") is None


@pytest.mark.parametrize("scenario", VMS)
def test_1_5_lscpu_hypervisor_vendor_and_full_virtualization_in_guests(scenario):
    assert lscpu_value(scenario, "Hypervisor vendor") == VMS[scenario][2]
    assert lscpu_value(scenario, "Virtualization type") == "full"
    assert lscpu_value(scenario, "Virtualization") is None  # guest flags lack vmx/svm


@pytest.mark.parametrize("scenario", CONTAINERS)
def test_1_5_lscpu_does_not_report_docker_or_lxc(scenario):
    assert lscpu_value(scenario, "Hypervisor vendor") is None
    assert lscpu_value(scenario, "Virtualization type") is None


def test_1_5_lscpu_summary_field_order():
    # util-linux 2.39 (Ubuntu 24.04) print_summary_cputype; "Microcode version" is newer than 2.39.
    # Frequency boost only where cpufreq/boost exists (acpi-cpufreq on the EPYC, not intel_pstate).
    order = [
        "Model name",
        "CPU family",
        "Model",
        "Thread(s) per core",
        "Core(s) per socket",
        "Socket(s)",
        "Stepping",
        "Frequency boost",
        "CPU(s) scaling MHz",
        "CPU max MHz",
        "CPU min MHz",
        "BogoMIPS",
        "Flags",
    ]
    intel, amd = list(lscpu("intel-vtx-host")), list(lscpu("amd-v-host"))
    assert [f for f in intel if f in order] == [f for f in order if f != "Frequency boost"]
    assert [f for f in amd if f in order] == order
    assert lscpu_value("amd-v-host", "Frequency boost") == "enabled"
    assert lscpu_value("intel-vtx-host", "CPU(s) scaling MHz") == "60%"  # 2800 of 4700 MHz, "%.0f%%"
    out = world("intel-vtx-host").run("lscpu").stdout  # on a terminal: the indented tree
    assert "\nVirtualization features:  \n  Virtualization:         VT-x\n" in out


# 1.6: dmesg ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", VMS)
def test_1_6_dmesg_hypervisor_detected(scenario):
    name = VMS[scenario][3]
    out = world(scenario).run("sudo dmesg | grep 'Hypervisor detected'").stdout
    # VirtualBox exposes no CPUID hypervisor leaf in the util-linux dump the guest is modelled on
    assert out == ("" if name is None else f"[    0.000000] Hypervisor detected: {name}\n")


def test_1_6_no_hypervisor_line_on_bare_metal():
    assert world("intel-vtx-host").run("sudo dmesg | grep -c 'Hypervisor detected'").stdout == "0\n"


# 2: KVM modules, lsmod, modprobe failures, /dev/kvm ------------------------------------------------

LSMOD_HEADER = "Module                  Size  Used by"


def lsmod_rows(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[0] == LSMOD_HEADER
    for row in lines[1:]:
        name, size, count, *holders = row.split()
        assert row.startswith(f"{name:<19} {int(size):8d}  {int(count)}"), row  # "%-19s %8ld  %d"
        assert row == f"{name:<19} {int(size):8d}  {count}" + (f" {holders[0]}" if holders else "")
    return lines[1:]


@pytest.mark.parametrize("scenario", [*HOSTS, *VMS])
def test_2_lsmod_header_and_row_format(scenario):
    w = world(scenario)
    w.run("sudo modprobe kvm_intel")
    lsmod_rows(w.run("lsmod").stdout)


def test_2_lsmod_grep_kvm_on_an_intel_host():
    w = world("intel-vtx-host")
    assert w.run("sudo modprobe kvm_intel").status == 0
    rows = lsmod_rows(LSMOD_HEADER + "\n" + w.run("lsmod | grep -e kvm -e irqbypass").stdout)
    assert [r.split()[0] for r in rows] == ["kvm_intel", "kvm", "irqbypass"]
    assert rows[0].split()[2:] == ["0"]
    assert rows[1].split()[2:] == ["1", "kvm_intel"]
    assert rows[2].split()[2:] == ["1", "kvm"]
    # lsmod formats /proc/modules
    assert "\nkvm 1409024 1 kvm_intel, Live 0x0000000000000000\n" in "\n" + w.run("cat /proc/modules").stdout


def test_2_modprobe_fails_with_eopnotsupp_when_vtx_is_off_in_the_firmware():
    w = world("vtx-disabled-host")
    assert w.run("sudo modprobe kvm_intel") == Result(
        "", "modprobe: ERROR: could not insert 'kvm_intel': Operation not supported\n", 1
    )
    log = w.run("sudo dmesg").stdout
    assert "] x86/cpu: VMX (outside TXT) disabled by BIOS\n" in log
    assert "] kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 0\n" in log
    assert w.run("ls /dev/kvm").status == 2


def test_2_modprobe_fails_with_eopnotsupp_in_a_guest_without_nested_virtualization():
    w = world("kvm-guest")
    assert w.run("sudo modprobe kvm_intel") == Result(
        "", "modprobe: ERROR: could not insert 'kvm_intel': Operation not supported\n", 1
    )
    assert w.run("sudo dmesg | tail -1").stdout.endswith("] kvm_intel: VMX not supported by CPU 0\n")


def test_2_modprobe_of_the_other_vendors_module_fails_the_same_way():
    w = world("intel-vtx-host")
    assert w.run("sudo modprobe kvm_amd").stderr == (
        "modprobe: ERROR: could not insert 'kvm_amd': Operation not supported\n"
    )


def test_2_dev_kvm_is_misc_char_device_10_232_group_kvm():
    # facts: "crw-rw----+ 1 root kvm 10, 232" (the "+" is logind's uaccess ACL for a local seat session)
    # or, without udev rules, "crw------- 1 root root 10, 232"; Ubuntu's udev gives group kvm, 0660.
    w = world("intel-vtx-host")
    w.run("sudo modprobe kvm_intel")
    assert re.fullmatch(
        r"crw-rw----\+? 1 root kvm 10, 232 \w{3} [ \d]\d \d\d:\d\d /dev/kvm\n", w.run("ls -l /dev/kvm").stdout
    )
    assert w.run("kvm-ok") == Result("INFO: /dev/kvm exists\nKVM acceleration can be used\n", "", 0)


# 3.1: systemd-detect-virt --------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", VMS)
def test_3_1_detect_virt_vm_ids(scenario):
    w = world(scenario)
    assert w.run("systemd-detect-virt") == Result(VMS[scenario][0] + "\n", "", 0)
    assert w.run("systemd-detect-virt --vm") == Result(VMS[scenario][0] + "\n", "", 0)
    assert w.run("systemd-detect-virt --container") == Result("none\n", "", 1)


@pytest.mark.parametrize("scenario", CONTAINERS)
def test_3_1_detect_virt_container_ids(scenario):
    w = world(scenario)
    assert w.run("systemd-detect-virt") == Result(CONTAINERS[scenario] + "\n", "", 0)
    assert w.run("systemd-detect-virt -c") == Result(CONTAINERS[scenario] + "\n", "", 0)
    assert w.run("systemd-detect-virt -v") == Result("none\n", "", 1)  # the host is bare metal


@pytest.mark.parametrize("scenario", HOSTS)
def test_3_1_detect_virt_prints_none_and_fails_on_bare_metal(scenario):
    w = world(scenario)
    assert w.run("systemd-detect-virt") == Result("none\n", "", 1)
    assert w.run("systemd-detect-virt -q") == Result("", "", 1)
    assert w.run("systemd-detect-virt -r") == Result("", "", 1)  # exit code only
    assert w.run("systemd-detect-virt --private-users") == Result("", "", 1)
    assert w.run("systemd-detect-virt --cvm") == Result("none\n", "", 1)


def test_3_1_detect_virt_quiet_in_a_guest():
    assert world("kvm-guest").run("systemd-detect-virt -q") == Result("", "", 0)


def test_3_1_detect_virt_lists_the_identifiers():
    ids = world("intel-vtx-host").run("systemd-detect-virt --list").stdout.split()
    vm = (
        "qemu kvm amazon zvm vmware microsoft oracle powervm xen bochs uml parallels bhyve qnx acrn apple sre"
    )
    containers = "openvz lxc lxc-libvirt systemd-nspawn docker podman rkt wsl proot pouch container-other"
    # facts.md quotes systemd's current man page; systemd 255 (Ubuntu 24.04) has no "google" yet
    assert set(f"none {vm} vm-other {containers}".split()) <= set(ids)
    cvm = world("intel-vtx-host").run("systemd-detect-virt --list-cvm").stdout.split()
    assert {"sev", "sev-es", "sev-snp", "tdx", "protvirt"} <= set(cvm)  # "cca" is newer than 255


# 3.2: virt-what ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [*VMS, *CONTAINERS])
def test_3_2_virt_what_facts(scenario):
    expected = VMS[scenario][1] if scenario in VMS else CONTAINERS[scenario] + "\n"
    assert world(scenario).run("sudo virt-what") == Result(expected, "", 0)


def test_3_2_virt_what_prints_nothing_and_succeeds_on_bare_metal():
    assert world("amd-v-host").run("sudo virt-what") == Result("", "", 0)


def test_3_2_virt_what_must_be_run_as_root():
    assert world("kvm-guest").run("virt-what") == Result(
        "", "virt-what: this script must be run as root\n", 1
    )


# 3.3: DMI strings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", VMS)
def test_3_3_dmidecode_strings_and_sysfs(scenario):
    w = world(scenario)
    vendor, product, bios = VMS[scenario][4]
    assert w.run("sudo dmidecode -s system-manufacturer").stdout == vendor + "\n"
    assert w.run("sudo dmidecode -s system-product-name").stdout == product + "\n"
    assert w.run("sudo dmidecode -s bios-vendor").stdout == bios + "\n"
    sysfs = "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name /sys/class/dmi/id/bios_vendor"
    assert w.run(sysfs).stdout == f"{vendor}\n{product}\n{bios}\n"


def test_3_3_dmi_details_per_platform():
    vbox = world("virtualbox-guest")
    assert vbox.run("sudo dmidecode -s system-version").stdout == "1.2\n"
    assert vbox.run("sudo dmidecode -s bios-version").stdout == "VirtualBox\n"
    assert vbox.run("sudo dmidecode -s bios-release-date").stdout == "12/01/2006\n"
    assert vbox.run("sudo dmidecode -s baseboard-manufacturer").stdout == "Oracle Corporation\n"
    hyperv = world("hyperv-guest")
    assert hyperv.run("sudo dmidecode -s bios-version").stdout == "Hyper-V UEFI Release v4.1\n"
    assert hyperv.run("sudo dmidecode -s chassis-asset-tag").stdout == "7783-7084-3265-9085-8269-3286-77\n"
    assert world("vmware-guest").run("sudo dmidecode -s bios-version").stdout == "6.00\n"
    assert world("kvm-guest").run("sudo dmidecode -s bios-release-date").stdout == "04/01/2014\n"


# 3.4: /sys/hypervisor/type -------------------------------------------------------------------------


def test_3_4_sys_hypervisor_type_only_on_xen():
    assert world("xen-guest").run("cat /sys/hypervisor/type") == Result("xen\n", "", 0)
    for scenario in ("kvm-guest", "hyperv-guest", "intel-vtx-host"):
        assert world(scenario).run("cat /sys/hypervisor/type").status == 1


# 3.5: MAC address OUIs -----------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", VMS)
def test_3_5_mac_prefix_per_platform(scenario):
    out = world(scenario).run("ip -br link").stdout.splitlines()
    macs = [line.split()[2] for line in out if not line.startswith("lo ")]
    assert macs and all(mac.startswith(VMS[scenario][5]) for mac in macs), macs


# 4: guest drivers ----------------------------------------------------------------------------------

GUEST_MODULES = {
    "kvm-guest": {"virtio_net", "virtio_blk", "virtio_balloon"},
    "virtualbox-guest": {"vboxguest", "vboxsf"},
    "vmware-guest": {"vmw_balloon", "vmxnet3"},
    "hyperv-guest": {"hv_vmbus", "hv_utils", "hv_balloon"},
    "xen-guest": {"xen_netfront"},  # lsmod shows xen-netfront with '_'
}


@pytest.mark.parametrize("scenario", GUEST_MODULES)
def test_4_guest_driver_modules(scenario):
    names = {row.split()[0] for row in lsmod_rows(world(scenario).run("lsmod").stdout)}
    assert GUEST_MODULES[scenario] <= names


def test_4_vboxguest_is_used_by_vboxsf():
    row = next(
        r for r in lsmod_rows(world("virtualbox-guest").run("lsmod").stdout) if r.startswith("vboxguest ")
    )
    assert row.split()[2:] == ["1", "vboxsf"]


# 5.1: machine-id and dbus-uuidgen ------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["clone-identifiers", "intel-vtx-host", "kvm-guest"])
def test_5_1_machine_id_is_32_lowercase_hex_and_a_newline(scenario):
    out = world(scenario).run("cat /etc/machine-id").stdout
    assert re.fullmatch(r"[0-9a-f]{32}\n", out) and out != "0" * 32 + "\n"
    assert out[12] == "4"  # generated ids are v4 UUIDs written without dashes


def test_5_1_dbus_machine_id_is_a_symlink_to_etc_machine_id():
    w = world("clone-identifiers")
    assert w.run("ls -l /var/lib/dbus/machine-id").stdout.endswith(
        " /var/lib/dbus/machine-id -> /etc/machine-id\n"
    )


def test_5_1_dbus_uuidgen_ensure_never_overwrites_and_fills_a_missing_file():
    w = world("clone-identifiers")
    before = w.run("cat /etc/machine-id").stdout
    assert w.run("sudo dbus-uuidgen --ensure=/etc/machine-id") == Result("", "", 0)
    assert w.run("cat /etc/machine-id").stdout == before
    w.run("sudo rm -f /etc/machine-id")
    assert w.run("sudo dbus-uuidgen --ensure=/etc/machine-id") == Result("", "", 0)
    after = w.run("cat /etc/machine-id").stdout
    assert re.fullmatch(r"[0-9a-f]{32}\n", after) and after != before
    assert re.fullmatch(r"[0-9a-f]{32}\n", w.run("dbus-uuidgen").stdout)  # no options: a new uuid
    assert w.run("dbus-uuidgen --get").stdout == after


# 5.2: SSH host keys --------------------------------------------------------------------------------


def test_5_2_ssh_keygen_A_line_ends_in_a_space_and_is_silent_when_all_keys_exist():
    w = world("clone-identifiers")
    w.run("sudo rm /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key")
    assert w.run("sudo ssh-keygen -A") == Result(
        "ssh-keygen: generating new host keys: RSA ECDSA ED25519 \n", "", 0
    )
    assert w.run("sudo ssh-keygen -A") == Result("", "", 0)
    listing = w.run("ls -l /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ed25519_key").stdout
    assert listing.startswith("-rw------- 1 root root ")  # the private key
    assert "\n-rw-r--r-- 1 root root " in listing  # .pub mode 0644


def test_5_2_ssh_keygen_A_regenerates_zero_length_keys():
    w = world("clone-identifiers")
    w.run("sudo cp /dev/null /etc/ssh/ssh_host_ecdsa_key")
    assert w.run("sudo ssh-keygen -A").stdout == "ssh-keygen: generating new host keys: ECDSA \n"


@pytest.mark.parametrize("kind, bits", [("rsa", 3072), ("ecdsa", 256), ("ed25519", 256)])
def test_5_2_ssh_keygen_lf_format(kind, bits):
    w = world("clone-identifiers")
    host = w.run("hostname").stdout.strip()
    out = w.run(f"ssh-keygen -lf /etc/ssh/ssh_host_{kind}_key.pub").stdout
    assert re.fullmatch(rf"{bits} SHA256:[A-Za-z0-9+/]{{43}} root@{host} \({kind.upper()}\)\n", out), out


# 5.4: blkid ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", ["clone-identifiers", "intel-vtx-host"])
def test_5_4_blkid_line_format(scenario):
    lines = world(scenario).run("sudo blkid").stdout.splitlines()
    assert lines
    for line in lines:
        assert re.fullmatch(r'/dev/\w+: ([A-Z_]+="[^"]*" ?)+', line) and not line.endswith(" "), line
    ext4 = next(line for line in lines if 'TYPE="ext4"' in line)
    assert re.search(
        r' UUID="[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}" BLOCK_SIZE="4096" TYPE="ext4" PARTUUID="',
        ext4,
    )
    vfat = next(line for line in lines if 'TYPE="vfat"' in line)
    assert re.search(r' UUID="[0-9A-F]{4}-[0-9A-F]{4}" BLOCK_SIZE="512" TYPE="vfat"', vfat)


# 6: cloud-init status ------------------------------------------------------------------------------


def test_6_cloud_init_status_formats():
    w = world("kvm-guest")
    assert w.run("cloud-init status") == Result("status: done\n", "", 0)
    lines = w.run("cloud-init status --long").stdout.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == [
        "status",
        "extended_status",
        "boot_status_code",
        "last_update",
        "detail",
        "errors",
        "recoverable_errors",
    ]
    assert lines[2] == "boot_status_code: enabled-by-generator"
    assert re.fullmatch(r"last_update: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000", lines[3])
    assert lines[5:] == ["errors: []", "recoverable_errors: {}"]


# 8: containers -------------------------------------------------------------------------------------


def test_8_docker_leaves_dockerenv():
    docker, lxc = world("docker-container"), world("lxc-container")
    assert docker.run("ls -l /.dockerenv").stdout.startswith("-rwxr-xr-x 1 root root 0 ")
    assert lxc.run("ls /.dockerenv").status == 2
    assert docker.run("ls /run/.containerenv").status == 2  # that one is podman's


def test_8_lxc_sets_container_in_pid1_environment_and_run_systemd_container():
    lxc = world("lxc-container")
    assert lxc.run("cat /run/systemd/container") == Result("lxc\n", "", 0)
    assert lxc.run("sudo cat /proc/1/environ | tr '\\0' '\\n'").stdout == "container=lxc\n"
    assert world("docker-container").run("cat /run/systemd/container").status == 1  # docker has no systemd


def test_8_proc_1_cgroup():
    # cgroup v2 ("0::path"): Docker's private cgroup namespace shows "/", LXC's systemd sits in init.scope.
    # The /docker/... and /lxc/... paths facts.md lists are Salt's cgroup v1 heuristics.
    assert world("docker-container").run("cat /proc/1/cgroup").stdout == "0::/\n"
    assert world("lxc-container").run("cat /proc/1/cgroup").stdout == "0::/init.scope\n"
    assert world("intel-vtx-host").run("cat /proc/1/cgroup").stdout == "0::/init.scope\n"


def test_5_4_blkid_export_and_udev_formats():
    w = world("clone-identifiers")
    root = w.run("sudo blkid -s UUID -o value /dev/vda1").stdout.strip()
    assert w.run("sudo blkid -o export /dev/vda1 /dev/vda16").stdout.startswith(
        f"DEVNAME=/dev/vda1\nLABEL=cloudimg-rootfs\nUUID={root}\nBLOCK_SIZE=4096\nTYPE=ext4\nPARTUUID="
    )
    assert "\n\nDEVNAME=/dev/vda16\nLABEL=BOOT\n" in w.run("sudo blkid -o export /dev/vda1 /dev/vda16").stdout
    udev = w.run("sudo blkid -o udev /dev/vda1").stdout.splitlines()
    assert f"ID_FS_UUID={root}" in udev and f"ID_FS_UUID_ENC={root}" in udev and "ID_FS_TYPE=ext4" in udev
    assert w.run("sudo blkid -o device").stdout.splitlines()[0] == "/dev/vda1"
    assert w.run("blkid -o bogus") == Result("", "blkid: unsupported output format bogus\n", 4)


def test_5_1_machine_id_setup_takes_the_kvm_uuid_when_the_file_is_missing():
    w = world("clone-identifiers")  # a KVM guest; /var/lib/dbus/machine-id is a symlink left dangling
    uuid = w.run("sudo cat /sys/class/dmi/id/product_uuid").stdout.strip()
    w.run("sudo rm /etc/machine-id")
    assert w.run("sudo systemd-machine-id-setup") == Result("", "Initializing machine ID from VM UUID.\n", 0)
    assert w.run("cat /etc/machine-id").stdout == uuid.replace("-", "") + "\n"
