import re

import pytest

from simulator import Result, World


def test_lsmod_formats_proc_modules_like_kmod():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm_intel")
    assert world.run("lsmod | head -4").stdout == (
        "Module                  Size  Used by\n"
        "kvm_intel             487424  0\n"
        "kvm                  1409024  1 kvm_intel\n"
        "irqbypass              12288  1 kvm\n"
    )
    assert world.run("cat /proc/modules").stdout.splitlines()[1] == (
        "kvm 1409024 1 kvm_intel, Live 0x0000000000000000"
    )


def test_modprobe_loads_dependencies_first():
    world = World.new("intel-vtx-host")
    assert world.run("sudo modprobe -v kvm-intel") == Result(
        "insmod /lib/modules/6.8.0-49-generic/kernel/virt/lib/irqbypass.ko.zst \n"
        "insmod /lib/modules/6.8.0-49-generic/kernel/arch/x86/kvm/kvm.ko.zst \n"
        "insmod /lib/modules/6.8.0-49-generic/kernel/arch/x86/kvm/kvm-intel.ko.zst \n",
        "",
        0,
    )
    assert world.run("sudo modprobe kvm_intel") == Result("", "", 0)


def test_modprobe_as_learner_is_not_permitted():
    assert World.new("intel-vtx-host").run("modprobe kvm_intel") == Result(
        "", "modprobe: ERROR: could not insert 'kvm_intel': Operation not permitted\n", 1
    )


def test_modprobe_unknown_module():
    assert World.new("intel-vtx-host").run("sudo modprobe foo") == Result(
        "", "modprobe: FATAL: Module foo not found in directory /lib/modules/6.8.0-49-generic\n", 1
    )


def test_modprobe_kvm_intel_fails_when_vtx_is_disabled_in_firmware():
    world = World.new("vtx-disabled-host")
    assert world.run("sudo modprobe kvm_intel") == Result(
        "", "modprobe: ERROR: could not insert 'kvm_intel': Operation not supported\n", 1
    )
    assert world.run("sudo dmesg | tail -1").stdout.endswith(
        "] kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 0\n"
    )
    assert world.machine.modules[:3] == ["kvm", "irqbypass", "tls"]
    assert not world.machine.fs.exists("/dev/kvm")


def test_modprobe_kvm_intel_fails_on_amd():
    world = World.new("amd-v-host")
    assert world.run("sudo modprobe kvm_intel").stderr.endswith("Operation not supported\n")
    assert world.run("sudo dmesg | tail -1").stdout.endswith("] kvm_intel: VMX not supported by CPU 0\n")
    assert world.run("sudo modprobe kvm_amd").status == 0
    assert "kvm_amd" in world.run("lsmod").stdout and world.machine.holders("ccp") == ["kvm_amd"]


def test_modprobe_kvm_amd_fails_on_intel():
    world = World.new("intel-vtx-host")
    assert world.run("sudo modprobe kvm_amd").status == 1
    assert world.run("sudo dmesg | tail -1").stdout.endswith(
        "] kvm_amd: SVM not supported by CPU 0, not amd or hygon\n"
    )


def test_kvm_intel_in_a_guest_without_nested_virtualization():
    world = World.new("kvm-guest")
    world.run("sudo modprobe kvm_intel")
    assert world.run("sudo dmesg | tail -1").stdout.endswith("] kvm_intel: VMX not supported by CPU 0\n")


def test_modprobe_remove():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm_intel")
    assert world.run("sudo modprobe -r kvm") == Result("", "modprobe: FATAL: Module kvm is in use.\n", 1)
    assert world.run("modprobe -r kvm_intel") == Result(
        "", "modprobe: ERROR: could not remove 'kvm_intel': Operation not permitted\n", 1
    )
    assert world.run("sudo modprobe -r kvm_intel") == Result("", "", 0)
    assert world.machine.modules[0] == "tls" and "kvm" not in world.machine.modules
    assert world.run("sudo modprobe -r kvm_intel") == Result(
        "", "modprobe: FATAL: Module kvm_intel is not in kernel.\n", 1
    )


def test_rmmod_refuses_a_module_in_use():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm_intel")
    assert world.run("sudo rmmod kvm") == Result("", "rmmod: ERROR: Module kvm is in use by: kvm_intel\n", 1)
    assert world.run("sudo rmmod kvm_intel") == Result("", "", 0)


def test_modinfo_fields_and_field_option():
    world = World.new("intel-vtx-host")
    lines = world.run("modinfo kvm_intel").stdout.splitlines()
    assert lines[0] == "filename:       /lib/modules/6.8.0-49-generic/kernel/arch/x86/kvm/kvm-intel.ko.zst"
    assert "depends:        kvm" in lines and "name:           kvm_intel" in lines
    assert "parm:           nested:bool" in lines
    assert world.run("modinfo -F depends kvm_amd") == Result("kvm,ccp\n", "", 0)
    assert world.run("modinfo -F license irqbypass").stdout == "GPL v2\n"
    assert world.run("modinfo nope") == Result("", "modinfo: ERROR: Module nope not found.\n", 1)


def test_containers_have_no_modules_to_load():
    world = World.new("lxc-container")
    assert world.run("sudo modprobe kvm").stderr == (
        "modprobe: FATAL: Module kvm not found in directory /lib/modules/6.8.0-49-generic\n"
    )
    assert world.run("modinfo kvm").status == 1


def test_guest_driver_modules_per_hypervisor():
    expected = {
        "kvm-guest": "virtio_net",
        "virtualbox-guest": "vboxguest",
        "vmware-guest": "vmw_balloon",
        "hyperv-guest": "hv_vmbus",
        "xen-guest": "xen_netfront",
    }
    for scenario, module in expected.items():
        assert f"\n{module} " in World.new(scenario).run("lsmod").stdout


def test_modinfo_shows_the_cpu_feature_alias_and_ubuntus_module_signature():
    world = World.new("intel-vtx-host")
    lines = world.run("modinfo kvm_intel").stdout.splitlines()
    alias = lines.index("alias:          cpu:type:x86,ven*fam*mod*:feature:*0085*")
    assert lines[alias - 1].startswith("srcversion:     ") and lines[alias + 1] == "depends:        kvm"
    start = lines.index("sig_id:         PKCS#7")
    assert lines[start - 1] == "vermagic:       6.8.0-49-generic SMP preempt mod_unload modversions "
    assert lines[start + 1] == "signer:         Build time autogenerated kernel key"
    assert lines[start + 3] == "sig_hashalgo:   sha512"
    assert re.fullmatch(r"signature:      ([0-9A-F]{2}:){20}", lines[start + 4])
    assert re.fullmatch(r" {16}([0-9A-F]{2}:){20}", lines[start + 5])
    assert world.run("modinfo -F alias kvm_amd").stdout == "cpu:type:x86,ven*fam*mod*:feature:*00C2*\n"


def test_a_blacklisted_kvm_intel_stays_unloaded_at_boot_but_loads_by_name():
    world = World.new("intel-vtx-host")
    assert world.run("lsmod | grep kvm").status == 1
    assert world.run("grep -r kvm_intel /etc/modprobe.d/").stdout.endswith(
        "/etc/modprobe.d/blacklist-kvm.conf:blacklist kvm_intel\n"
    )
    assert world.run("sudo modprobe -b kvm_intel") == Result("", "", 0)
    assert "kvm_intel" not in world.machine.modules
    assert world.run("sudo modprobe kvm_intel") == Result("", "", 0)
    world.run("sudo reboot")
    assert "kvm_intel" not in world.machine.modules
    world.run("sudo rm /etc/modprobe.d/blacklist-kvm.conf")
    world.run("sudo reboot")
    assert world.machine.modules[:3] == ["kvm_intel", "kvm", "irqbypass"]
    assert world.run("ls /dev/kvm").status == 0


def test_udev_loads_kvm_amd_at_boot_without_a_blacklist():
    world = World.new("amd-v-host")
    assert "kvm_amd" not in world.machine.modules
    world.run("sudo rm /etc/modprobe.d/blacklist-kvm.conf")
    world.run("sudo reboot")
    assert "kvm_amd" in world.machine.modules


def test_an_install_false_line_makes_every_load_fail():
    world = World.new("intel-vtx-host")
    world.run("echo 'install kvm_intel /bin/false' | sudo tee /etc/modprobe.d/no-kvm.conf")
    assert world.run("sudo modprobe kvm_intel") == Result(
        "",
        "modprobe: ERROR: ../libkmod/libkmod-module.c:1084 command_do() Error running install command "
        "'/bin/false' for module kvm_intel: retcode 1\n"
        "modprobe: ERROR: could not insert 'kvm_intel': Invalid argument\n",
        1,
    )
    assert "kvm_intel" not in world.machine.modules
    world.run("echo kvm_intel | sudo tee /etc/modules-load.d/kvm.conf")
    world.run("sudo rm /etc/modprobe.d/blacklist-kvm.conf")
    world.run("sudo reboot")
    assert "kvm_intel" not in world.machine.modules


def test_enabling_vtx_in_the_firmware_lets_udev_load_kvm_intel():
    world = World.new("vtx-disabled-host")
    assert "kvm_intel" not in world.machine.modules
    world.machine.virt_enabled = True
    world.run("sudo reboot")
    assert "kvm_intel" in world.machine.modules


def test_guests_load_their_drivers_at_boot_and_no_kvm_without_nested_virtualization():
    world = World.new("kvm-guest")
    assert "virtio_net" in world.machine.modules
    assert "kvm_intel" not in world.machine.modules


@pytest.mark.parametrize(
    ("scenario", "module", "value"),
    [("intel-vtx-host", "kvm_intel", "Y\n"), ("amd-v-host", "kvm_amd", "1\n")],
)
def test_sys_module_shows_the_nested_parameter_while_loaded(scenario, module, value):
    world = World.new(scenario)
    path = f"/sys/module/{module}/parameters/nested"
    assert world.run(f"cat {path}").stderr == f"cat: {path}: No such file or directory\n"
    world.run(f"sudo modprobe {module}")
    assert world.run(f"cat {path}").stdout == value
    assert world.run(f"ls /sys/module/{module}").stdout == "initstate  parameters\n"
    world.run(f"sudo modprobe -r {module}")
    assert world.run(f"ls /sys/module/{module}").status == 2


@pytest.mark.parametrize(
    ("scenario", "modules"),
    [
        ("docker-container", ["veth", "br_netfilter", "bridge", "stp", "llc", "overlay"]),
        ("lxc-container", ["veth", "bridge", "stp", "llc"]),
    ],
)
def test_lsmod_in_a_container_lists_the_host_kernels_modules(scenario, modules):
    world = World.new(scenario)
    lines = world.run("lsmod").stdout.splitlines()
    assert lines[0] == "Module                  Size  Used by"
    assert [line.split()[0] for line in lines[1:]] == modules
    assert "llc                    16384  2 bridge,stp" in lines
    assert world.run("cat /proc/modules").stdout.startswith("veth 40960 0 - Live 0x")
    assert not world.machine.fs.exists("/dev/kvm")


def test_a_container_cannot_unload_the_hosts_modules():
    world = World.new("docker-container")
    assert (
        world.run("sudo rmmod veth").stderr
        == "rmmod: ERROR: could not remove module veth: Operation not permitted\n"
    )
    assert "veth" in world.run("lsmod").stdout


@pytest.mark.parametrize(
    ("scenario", "drivers"),
    [
        ("intel-vtx-host", {"i915", "e1000e", "nvme", "snd_hda_intel", "iwlmvm", "xhci_pci", "btrfs"}),
        ("amd-v-host", {"ast", "igb", "ahci", "ccp", "k10temp", "ipmi_si", "xhci_pci"}),
        ("kvm-guest", {"virtio_net", "virtio_blk", "qemu_fw_cfg", "virtio_gpu"}),
        ("vmware-guest", {"vmxnet3", "vmw_vmci", "vmw_vsock_vmci_transport", "mptspi"}),
        ("hyperv-guest", {"hv_netvsc", "hv_storvsc", "hv_sock", "hyperv_drm"}),
    ],
)
def test_lsmod_lists_the_drivers_of_the_hardware(scenario, drivers):
    world = World.new(scenario)
    rows = world.run("lsmod").stdout.splitlines()[1:]
    names = [row.split()[0] for row in rows]
    assert drivers <= set(names)
    assert len(names) == len(set(names)) == int(world.run("wc -l < /proc/modules").stdout)
    if scenario.endswith("host"):
        assert 60 <= len(names) <= 125


def test_lsmod_used_by_matches_proc_modules_and_sys_module():
    world = World.new("intel-vtx-host")
    assert world.run("lsmod | grep -E '^(wmi|hid) '").stdout == (
        "wmi                    40960  6 dell_wmi,dell_smbios,dell_wmi_descriptor,wmi_bmof,i915,video\n"
        "hid                   180224  4 hid_multitouch,i2c_hid,usbhid,hid_generic\n"
    )
    line = world.run("grep '^i915 ' /proc/modules").stdout
    assert line == "i915 4308992 18 - Live 0x0000000000000000\n"  # open by the console and the display
    assert world.run("ls /sys/module/i915").stdout == "initstate\n"
    assert world.run("modinfo -F filename e1000e").stdout == (
        "/lib/modules/6.8.0-49-generic/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.zst\n"
    )


def test_a_module_held_by_something_else_than_a_module_stays():
    world = World.new("kvm-guest")
    assert world.run("lsmod | grep -E '^(sch_fq_codel|virtio_blk) '").stdout == (
        "sch_fq_codel           24576  2\nvirtio_blk             32768  3\n"
    )
    assert world.run("sudo rmmod sch_fq_codel") == Result(
        "", "rmmod: ERROR: Module sch_fq_codel is in use\n", 1
    )
    assert world.run("sudo modprobe -r virtio_blk") == Result(
        "", "modprobe: FATAL: Module virtio_blk is in use.\n", 1
    )
    assert world.run("sudo rmmod input_leds") == Result("", "", 0)


def test_a_saved_machine_stores_only_the_modules_that_changed():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm_intel; sudo rmmod tls")
    state = world.machine.to_dict()
    assert state["modules"] == {"new": ["kvm_intel", "kvm", "irqbypass"], "gone": ["tls"]}
    assert not any(path.startswith("/sys/module/") for path in state["fs"]["nodes"])
    copy = World.from_dict(world.to_dict())
    assert copy.machine.modules == world.machine.modules
    assert copy.run("cat /sys/module/kvm_intel/parameters/nested").stdout == "Y\n"


def test_insmod_takes_a_file_and_resolves_no_dependencies():
    world = World.new("intel-vtx-host")
    kvm = "/lib/modules/6.8.0-49-generic/kernel/arch/x86/kvm"
    assert world.run(f"insmod {kvm}/kvm.ko.zst").stderr == (
        f"insmod: ERROR: could not insert module {kvm}/kvm.ko.zst: Operation not permitted\n"
    )
    assert world.run(f"sudo insmod {kvm}/kvm.ko.zst").stderr == (
        f"insmod: ERROR: could not insert module {kvm}/kvm.ko.zst: Unknown symbol in module\n"
    )
    irqbypass = world.run("modinfo -n irqbypass").stdout.strip()
    assert world.run(f"sudo insmod {irqbypass} && sudo insmod {kvm}/kvm.ko.zst").status == 0
    assert world.run(f"sudo insmod {kvm}/kvm-intel.ko.zst && lsmod | grep -c '^kvm'").stdout == "2\n"
    assert world.run(f"sudo insmod {kvm}/kvm.ko.zst").stderr.endswith(": File exists\n")
    assert world.run("sudo insmod kvm") == Result(
        "", "insmod: ERROR: could not load module kvm: No such file or directory\n", 1
    )
    assert world.run("sudo insmod /etc/hostname").stderr.endswith(": Invalid module format\n")


def test_depmod_and_update_initramfs_need_root():
    world = World.new("kvm-guest")
    errors = world.run("depmod -a").stderr.splitlines()
    assert len(errors) == 10
    assert errors[0].startswith("depmod: ERROR: openat(/lib/modules/6.8.0-49-generic, modules.dep.")
    assert errors[0].endswith(", 301, 644): Permission denied")
    assert world.run("sudo depmod -a") == Result("", "", 0)
    assert world.run("sudo update-initramfs -u") == Result(
        "update-initramfs: Generating /boot/initrd.img-6.8.0-49-generic\n", "", 0
    )
    assert world.run("update-initramfs").stderr.startswith("Usage: update-initramfs {-c|-d|-u} [-k version]")


def test_insmod_in_a_container_is_not_permitted_even_to_root():
    assert World.new("docker-container").run("sudo insmod /etc/passwd") == Result(
        "", "insmod: ERROR: could not insert module /etc/passwd: Operation not permitted\n", 1
    )
