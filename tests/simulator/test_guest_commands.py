"""cloud-init, kvm-ok, lspci, nproc, arch, and Ubuntu's command-not-found handler."""

import json

from simulator import World
from simulator.result import Result


def test_cloud_init_status_on_a_cloud_vm():
    world = World.new("kvm-guest")
    assert world.run("cloud-init status") == Result("status: done\n", "", 0)
    assert world.run("cloud-init status --wait") == Result("\nstatus: done\n", "", 0)
    long = world.run("cloud-init status --long").stdout.splitlines()
    assert long[:3] == ["status: done", "extended_status: done", "boot_status_code: enabled-by-generator"]
    assert long[3].startswith("last_update: ") and long[3].endswith(" +0000")
    assert long[4:] == [
        "detail: DataSourceNoCloud [seed=/dev/sr0][dsmode=net]",
        "errors: []",
        "recoverable_errors: {}",
    ]
    data = json.loads(world.run("cloud-init status --format json").stdout)
    assert data["status"] == "done" and data["datasource"] == "nocloud"
    assert world.run("cloud-init query v1.cloud_name") == Result("nocloud\n", "", 0)
    assert "cloud_name\n" in world.run("cloud-init query --list-keys").stdout


def test_cloud_init_is_missing_on_bare_metal_and_command_not_found_names_the_package():
    world = World.new("intel-vtx-host")
    assert world.run("cloud-init status") == Result(
        "", "Command 'cloud-init' not found, but can be installed with:\nsudo apt install cloud-init\n", 127
    )
    assert world.run("nosuchcommand").stderr == "nosuchcommand: command not found\n"


def test_docker_has_no_command_not_found_handler():
    world = World.new("docker-container")
    assert world.run("kvm-ok") == Result("", "bash: kvm-ok: command not found\n", 127)
    assert world.run("lspci").status == 127


def test_kvm_ok_on_a_host_with_kvm_loaded_and_not():
    world = World.new("intel-vtx-host")
    assert world.run("kvm-ok") == Result(
        "INFO: /dev/kvm does not exist\nHINT:   sudo modprobe kvm_intel\n"
        "INFO: For more detailed results, you should run this as root\nHINT:   sudo /usr/sbin/kvm-ok\n",
        "",
        1,
    )
    assert world.run("sudo kvm-ok") == Result(
        "INFO: /dev/kvm does not exist\nHINT:   sudo modprobe kvm_intel\n"
        "INFO: Your CPU supports KVM extensions\nKVM acceleration can be used\n",
        "",
        0,
    )
    world.run("sudo modprobe kvm_intel")
    assert world.run("kvm-ok") == Result("INFO: /dev/kvm exists\nKVM acceleration can be used\n", "", 0)


def test_kvm_ok_when_the_firmware_hides_vmx():
    world = World.new("vtx-disabled-host")
    assert world.run("sudo kvm-ok") == Result(
        "INFO: Your CPU does not support KVM extensions\nKVM acceleration can NOT be used\n", "", 1
    )


def test_kvm_ok_is_not_installed_in_a_guest():
    world = World.new("kvm-guest")
    assert world.run("kvm-ok") == Result(
        "", "Command 'kvm-ok' not found, but can be installed with:\nsudo apt install cpu-checker\n", 127
    )


def test_lspci_shows_the_hypervisors_devices():
    assert "01:00.0 Ethernet controller: Red Hat, Inc. Virtio 1.0 network device (rev 01)\n" in (
        World.new("kvm-guest").run("lspci").stdout
    )
    assert World.new("hyperv-guest").run("lspci") == Result("", "", 0)
    assert "XenSource, Inc. Xen Platform Device" in World.new("xen-guest").run("lspci").stdout
    assert "VMware VMXNET3 Ethernet Controller" in World.new("vmware-guest").run("lspci").stdout
    assert "VirtualBox Guest Service" in World.new("virtualbox-guest").run("lspci").stdout


def test_nproc_and_arch():
    world = World.new("intel-vtx-host")
    assert world.run("nproc") == Result("8\n", "", 0)
    assert world.run("arch") == Result("x86_64\n", "", 0)
