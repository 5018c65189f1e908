"""cloud-init, kvm-ok, lspci, nproc, arch, and Ubuntu's command-not-found handler."""

import json

import pytest

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


def test_cloud_init_version_and_query_keys():
    world = World.new("kvm-guest")
    assert world.run("cloud-init --version") == Result("/usr/bin/cloud-init 24.3.1-0ubuntu0~24.04.2\n", "", 0)
    assert world.run("cloud-init query instance_id") == Result("iid-web01\n", "", 0)
    assert world.run("cloud-init query region") == Result("null\n", "", 0)
    ds = json.loads(world.run("cloud-init query ds").stdout)
    assert ds["meta_data"] == {"instance-id": "iid-web01", "local-hostname": "web01"}
    assert ds["_doc"].startswith("EXPERIMENTAL: The structure and format of content scoped under the 'ds'")
    assert world.run("cloud-init query v1 --list-keys").stdout.splitlines()[:3] == [
        "_beta_keys",
        "availability_zone",
        "cloud_name",
    ]
    assert json.loads(world.run("cloud-init query -a").stdout)["v1"]["local_hostname"] == "web01"
    assert world.run("cloud-init query nope") == Result("", "Undefined instance-data key 'nope'\n", 1)


def test_cloud_init_clean_prepares_a_first_boot():
    world = World.new("kvm-guest")
    old_id = world.machine.machine_id()
    assert world.run("cloud-init clean").stderr == (
        "Error:\nCould not remove /var/lib/cloud/data: [Errno 13] Permission denied: '/var/lib/cloud/data'\n"
    )
    assert world.run("sudo cloud-init clean --logs --machine-id -c network") == Result("", "", 0)
    assert world.run("ls /var/lib/cloud").stdout == "seed\n"
    assert world.run("ls /var/log/cloud-init.log /etc/netplan/50-cloud-init.yaml").status == 2
    assert world.run("cat /etc/machine-id").stdout == "uninitialized\n"
    assert world.run("sudo cloud-init clean --seed --reboot").status == 0
    assert world.run("ls /var/lib/cloud").stdout == ""
    assert world.machine.machine_id() not in (old_id, "uninitialized")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("cloud-init clean --foo", "/usr/bin/cloud-init: error: unrecognized arguments: --foo\n"),
        (
            "cloud-init clean -c bogus",
            "/usr/bin/cloud-init clean: error: argument -c/--configs: invalid choice: 'bogus' "
            "(choose from 'all', 'ssh_config', 'network')\n",
        ),
        (
            "cloud-init bogus",
            "/usr/bin/cloud-init: error: argument subcommand: invalid choice: 'bogus' (choose from 'init', "
            "'modules', 'single', 'query', 'features', 'analyze', 'devel', 'collect-logs', 'clean', "
            "'status', 'schema')\n",
        ),
    ],
)
def test_cloud_init_argparse_errors(line, error):
    result = World.new("kvm-guest").run(line)
    assert result.stderr.startswith("usage: /usr/bin/cloud-init ") and result.stderr.endswith(error)
    assert result.status == 2


def test_lspci_numeric_ids_kernel_drivers_and_filters():
    world = World.new("kvm-guest")
    assert world.run("lspci -nn -s 01:00.0").stdout == (
        "01:00.0 Ethernet controller [0200]: Red Hat, Inc. Virtio 1.0 network device [1af4:1041] (rev 01)\n"
    )
    assert world.run("lspci -k -s 01:00.0").stdout == (
        "01:00.0 Ethernet controller: Red Hat, Inc. Virtio 1.0 network device (rev 01)\n"
        "\tSubsystem: Red Hat, Inc. Device 1100\n"
        "\tKernel driver in use: virtio-pci\n"
        "\tKernel modules: virtio_pci\n"
    )
    assert world.run("lspci -nn -s 06:00.0").stdout == (
        "06:00.0 Unclassified device [00ff]: Red Hat, Inc. Virtio 1.0 RNG [1af4:1044] (rev 01)\n"
    )
    assert world.run("lspci -n -d 1af4: | wc -l").stdout == "6\n"
    assert world.run("lspci -s zz") == Result("", "lspci: -s: Invalid slot number\n", 1)
    vmware = World.new("vmware-guest").run("lspci -k -d 15ad:07b0").stdout
    assert vmware.endswith("\tKernel driver in use: vmxnet3\n\tKernel modules: vmxnet3\n")


def test_lsusb_lists_each_hypervisors_virtual_devices():
    assert World.new("kvm-guest").run("lsusb").stdout == (
        "Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub\n"
        "Bus 001 Device 002: ID 0627:0001 Adomax Technology Co., Ltd QEMU Tablet\n"
        "Bus 002 Device 001: ID 1d6b:0003 Linux Foundation 3.0 root hub\n"
    )
    vmware = World.new("vmware-guest")
    assert vmware.run("lsusb -d 0e0f:0003") == Result(
        "Bus 002 Device 002: ID 0e0f:0003 VMware, Inc. Virtual Mouse\n", "", 0
    )
    assert vmware.run("lsusb -d 1234:") == Result("", "", 1)
    assert "USB controller: VMware USB2 EHCI Controller" in vmware.run("lspci").stdout
    assert "80ee:0021 VirtualBox USB Tablet" in World.new("virtualbox-guest").run("lsusb -s 1:2").stdout
    assert World.new("hyperv-guest").run("lsusb") == Result("", "", 1), "list_devices: 1 when none is listed"


def test_lsusb_reads_its_filters_as_usbutils_017_does():
    world = World.new("kvm-guest")
    tablet = "Bus 001 Device 002: ID 0627:0001 Adomax Technology Co., Ltd QEMU Tablet\n"
    assert world.run("lsusb -s 2") == Result(tablet, "", 0), "a bare number is the device number"
    assert world.run("lsusb -s 001:002 -d 0x0627:") == Result(tablet, "", 0)
    assert world.run("lsusb -s x:y") == Result("", "", 1), "strtoul reads no digits as 0: no such device"
    refused = world.run("lsusb -d 0627")
    assert (refused.stdout, refused.status) == ("", 1)
    assert refused.stderr.startswith("Usage: lsusb [options]...\nList USB devices\n  -v, --verbose\n")
    assert world.run("lsusb -V") == Result("lsusb (usbutils) 017\n", "", 0)


def test_cloud_id_names_the_datasource_cloud():
    world = World.new("kvm-guest")
    assert world.run("cloud-id") == Result("nocloud\n", "", 0)
    assert world.run("cloud-id -l") == Result("nocloud\tNone\n", "", 0)
    as_json = world.run("cloud-id -j")
    assert json.loads(as_json.stdout)["cloud_id"] == "nocloud"
    assert as_json.stderr == "DEPRECATED: Use: cloud-init query v1\n"
    assert World.new("vmware-guest").run("cloud-id").stdout == "none\n"
    assert World.new("intel-vtx-host").run("cloud-id").status == 127


def test_lshw_short_lists_the_tree_and_warns_a_user():
    world = World.new("kvm-guest")
    result = world.run("lshw -short -class network")
    assert result.stdout == (  # the columns are as wide as the whole tree needs, shown or not
        "H/W path          Device      Class          Description\n"
        "========================================================\n"
        "/0/100/2/0                    network        Virtio 1.0 network device\n"
        "/0/100/2/0/0      enp1s0      network        Ethernet interface\n"
    )
    assert result.stderr == (
        "WARNING: you should run this program as super-user.\n"
        "WARNING: output may be incomplete or inaccurate, you should run this program as super-user.\n"
    )
    full = world.run("sudo lshw -short").stdout.splitlines()
    assert full[2].split() == ["system", "Standard", "PC", "(Q35", "+", "ICH9,", "2009)"]
    assert (
        "/dev/vda1   volume         23GiB EXT4 volume" in world.run("sudo lshw -short -class volume").stdout
    )
