"""Making guests on the KVM host: virt-install from an ISO (with or without the guest drivers and tools),
linked clones over a qcow2 backing file, the source's MAC kept, and templates that do not start."""

import pytest

from simulator import World

ISO = "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
INSTALL = (
    f"sudo virt-install --name vm1 --memory 2048 --vcpus 2 --disk size=10 --cdrom {ISO} "
    "--network network=default --noautoconsole --wait -1"
)


@pytest.fixture
def world():
    return World.new("kvm-host")  # its images directory holds the Ubuntu Server ISO


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


def test_virt_install_from_the_iso_waits_for_the_installer_then_restarts_the_guest(world):
    output, status = _run(world, INSTALL)
    lines = [line.rsplit("\r", 1)[-1] for line in output.split("\n")][:-1]  # as the terminal leaves it
    assert status == 0
    assert lines[:2] == ["", "Starting install..."]
    assert lines[2].startswith("Allocating 'vm1.qcow2'") and lines[2].endswith("|  10 GB  00:00     ")
    assert lines[3].startswith("Creating domain...")
    assert lines[4:] == [
        "",
        "Domain is still running. Installation may be in progress.",
        "Waiting for the installation to complete.",
        "Domain has shutdown. Continuing.",
        "Domain creation completed.",
        "Restarting guest.",
    ]
    assert " vm1     running" in _run(world, "sudo virsh list")[0]
    info, _ = _run(world, "sudo qemu-img info -U /var/lib/libvirt/images/vm1.qcow2")
    assert "virtual size: 10 GiB (10737418240 bytes)" in info
    world.run("sudo virsh console vm1")
    assert _run(world, "lsblk -dn -o NAME,SIZE /dev/vda") == ("vda 10G\n", 0), "the guest sees that disk"
    world.run("exit")
    assert "CPU(s):         2\n" in _run(world, "sudo virsh dominfo vm1")[0]


def test_a_guest_installed_with_its_drivers_has_virtio_and_the_guest_agent(world):
    world.run(INSTALL)
    world.run("sudo virsh console vm1")
    modules, _ = _run(world, "lsmod")
    assert "virtio_net" in modules and "virtio_blk" in modules and "e1000e" not in modules
    assert "Virtio 1.0 network device" in _run(world, "lspci")[0]
    assert _run(world, "systemctl is-active qemu-guest-agent") == ("active\n", 0)


def test_a_generic_guest_gets_emulated_devices_and_no_guest_agent(world):
    world.run(INSTALL.replace("vm1", "vm2") + " --os-variant generic")
    assert _run(world, "sudo virsh -q domblklist vm2")[0].split()[0] == "sda"
    assert "<model type='e1000e'/>" in _run(world, "sudo virsh dumpxml vm2")[0]
    assert _run(world, "sudo virsh -q domiflist vm2")[0].split()[:4] == [
        "vnet2",
        "network",
        "default",
        "e1000e",
    ]
    world.run("sudo virsh console vm2")
    modules, _ = _run(world, "lsmod")
    assert "e1000e" in modules and "virtio_net" not in modules and "virtio_blk" not in modules
    devices, _ = _run(world, "lspci")
    assert "01:00.0 Ethernet controller: Intel Corporation 82574L Gigabit Network Connection\n" in devices
    assert "Virtio 1.0 block device" not in devices
    assert _run(world, "lsblk -dn -o NAME")[0] == "sda\n"
    assert _run(world, "systemctl status qemu-guest-agent")[0] == (
        "Unit qemu-guest-agent.service could not be found.\n"
    )
    world.run("exit")
    assert _run(world, "sudo virsh domifaddr vm2 --source agent") == (
        "error: Failed to query for interfaces addresses\n"
        "error: argument unsupported: QEMU guest agent is not configured\n\n",
        1,
    )


def test_virt_install_refuses_with_its_own_words(world):
    output, status = _run(world, "sudo virt-install")
    assert status == 1 and output == (
        "ERROR    \n--memory amount in MiB is required\n"
        "--disk storage must be specified (override with --disk none)\n"
        "An install method must be specified\n"
        "(--location URL, --cdrom CD/ISO, --pxe, --import, --boot hd|cdrom|...)\n"
    )
    for name, problem in [("web01", "is already in use."), ("'my vm'", "can not contain ' ' character.")]:
        output, status = _run(world, INSTALL.replace("vm1", name))
        assert (output, status) == (
            f"\nStarting install...\nERROR    Guest name '{name.strip(chr(39))}' {problem}\n"
            "Domain installation does not appear to have been successful.\n"
            "If it was, you can restart your domain by running:\n"
            f"  virsh --connect qemu:///system start {name.strip(chr(39))}\n"
            "otherwise, please restart your installation.\n",
            1,
        )
    assert _run(world, INSTALL.replace(ISO, "/nope.iso"))[0] == (
        "ERROR    Must specify storage creation parameters for non-existent path '/nope.iso'.\n"
    )
    world.machine.fs.write("/tmp/blank.iso", "nothing\n")
    assert _run(world, INSTALL.replace(ISO, "/tmp/blank.iso"))[0] == (
        "ERROR    --osinfo/--os-variant OS name is required, but no value was\nset or detected.\n"
    )
    assert _run(world, INSTALL.replace("network=default", "network=lan"))[0] == (
        "ERROR    Network not found: no network with matching name 'lan'\n"
    )
    assert _run(world, INSTALL.replace("size=10", "size=2"))[0] == (
        "ERROR    --disk size=2: the simulated Ubuntu installer needs at least 4 GiB\n"
    )
    assert "vm1" not in world.machine.hypervisor["domains"]
    assert "my vm" not in world.machine.hypervisor["domains"]
    assert not world.machine.fs.exists("/var/lib/libvirt/images/my vm.qcow2")


def test_a_linked_clone_is_an_overlay_whose_backing_file_is_the_source(world):
    world.run("sudo virsh shutdown web01")
    base = "/var/lib/libvirt/images/web01.qcow2"
    overlay = "/var/lib/libvirt/images/web03.qcow2"
    _, status = _run(world, f"sudo qemu-img create -f qcow2 -F qcow2 -b {base} {overlay}")
    assert status == 0
    output, status = _run(
        world, f"sudo virt-clone --original web01 --name web03 --file {overlay} --preserve-data"
    )
    assert (output, status) == ("\nClone 'web03' created successfully.\n", 0)
    info, _ = _run(world, f"sudo qemu-img info {overlay}")
    assert f"backing file: {base}\nbacking file format: qcow2\n" in info
    assert "disk size: 196 KiB" in info, "an overlay holds only what the clone writes"
    assert world.machine.hypervisor["domains"]["web03"]["disk"] == overlay


def test_preserve_data_onto_a_missing_file_is_refused_as_virtinst_4_1_words_it(world):
    world.run("sudo virsh shutdown web01")
    missing = "/var/lib/libvirt/images/web04.qcow2"
    output = _run(world, f"sudo virt-clone --original web01 --name web04 --file {missing} --preserve-data")
    assert output == (
        f"ERROR    Could not use path '{missing}' for cloning: "
        f"Must specify storage creation parameters for non-existent path '{missing}'.\n",
        1,
    )
    assert "web04" not in world.machine.hypervisor["domains"]


def test_keeping_the_source_mac_needs_the_check_turned_off(world):
    world.run("sudo virsh shutdown web01")
    mac = world.machine.hypervisor["domains"]["web01"]["mac"]
    refused, status = _run(world, f"sudo virt-clone --original web01 --name web02 --auto-clone --mac {mac}")
    assert status == 1 and f"The MAC address '{mac}' is in use by another virtual machine." in refused
    line = f"sudo virt-clone --original web01 --name web02 --auto-clone --mac {mac} --check mac_in_use=off"
    assert _run(world, line)[1] == 0
    assert world.machine.hypervisor["domains"]["web02"]["mac"] == mac


def test_a_template_marked_with_virsh_metadata_cannot_start(world):
    world.run("sudo virsh shutdown web01")
    mark = "sudo virsh metadata web01 urn:guestlab:template --key guestlab --set '<template/>' --config"
    assert _run(world, mark) == ("Metadata modified\n\n", 0)
    assert _run(world, "sudo virsh metadata web01 urn:guestlab:template") == (
        '<template xmlns="urn:guestlab:template"/>\n\n',
        0,
    )
    assert (
        '<guestlab:template xmlns:guestlab="urn:guestlab:template"/>'
        in _run(world, "sudo virsh dumpxml web01")[0]
    )
    assert _run(world, "sudo virsh start web01") == (
        "error: Failed to start domain 'web01'\n"
        "error: Requested operation is not valid: domain 'web01' is a template: "
        "deploy a guest from it instead\n\n",
        1,
    )
    assert _run(world, "sudo virt-clone --original web01 --name web05 --auto-clone")[1] == 0
    assert _run(world, "sudo virsh start web05")[1] == 1, "virt-clone copies the XML, the mark with it"
    unmark = "sudo virsh metadata web05 urn:guestlab:template --remove --config"
    assert _run(world, unmark) == ("Metadata removed\n\n", 0)
    assert _run(world, "sudo virsh start web05")[1] == 0
    assert _run(world, unmark) == (
        "error: metadata not found: Requested metadata element is not present\n\n",
        1,
    )
    # libvirt's catchXMLError: libxml2's message, then the line and a pointer where the parser stopped
    assert _run(world, "sudo virsh metadata web05 urn:x --key x --set '<a'") == (
        "error: (metadata_xml):1: Couldn't find end of Start Tag a line 1\n<a\n--^\n\n",
        1,
    )
    assert _run(world, "sudo virsh metadata web05 urn:x --key x --set '<a>on</b>'")[0] == (
        "error: (metadata_xml):1: Opening and ending tag mismatch: a line 1 and b\n<a>on</b>\n---------^\n\n"
    )
    assert _run(world, "sudo virsh metadata web05 urn:x --key x --set template")[0] == (
        "error: (metadata_xml):1: Start tag expected, '<' not found\ntemplate\n^\n\n"
    )


def test_a_name_that_looks_like_an_option_is_no_value_for_argparse(world):
    world.run("sudo virsh shutdown web01")
    output, status = _run(world, "sudo virt-clone --original web01 --name -x --auto-clone")
    assert (output, status) == (
        "usage: virt-clone --original [NAME] ...\n"
        "virt-clone: error: argument -n/--name: expected one argument\n",
        2,
    )
    output, status = _run(world, INSTALL.replace("--name vm1", "--name -x"))
    assert status == 2 and output.endswith("virt-install: error: argument -n/--name: expected one argument\n")
    assert _run(world, "sudo virt-clone --original web01 --name=-x --auto-clone")[1] == 0
    assert _run(world, INSTALL.replace("--name vm1", "--name=-y").replace("--wait -1", "--wait"))[1] == 0
    assert world.machine.hypervisor["domains"]["-y"]["state"] == "running", "a bare --wait waits for the end"


def test_without_sudo_virt_install_reaches_the_session_daemon_and_defines_nothing(world):
    output, status = _run(world, INSTALL.removeprefix("sudo "))
    assert (output, status) == ("ERROR    Network not found: no network with matching name 'default'\n", 1)
    output, status = _run(world, INSTALL.removeprefix("sudo ").replace(" --network network=default", ""))
    assert status == 1 and output.startswith(
        "ERROR    GuestLab simulates the guests of the system daemon only"
    )
    assert "vm1" not in world.machine.hypervisor["domains"]
    assert not world.machine.fs.exists("/var/lib/libvirt/images/vm1.qcow2")


def test_an_installed_guest_is_saved_as_what_sets_it_apart_and_reloads_the_same(world):
    world.run(INSTALL)
    world.run("sudo virsh console vm1")
    world.run("echo mine > /tmp/note")
    world.run("exit")
    state = world.to_dict()
    stored = state["machines"]["vm1"]["fs"]["nodes"]
    # its own identity (host name, machine-id, host keys) and what it wrote, not the ~200 installed files
    assert "/etc/hostname" in stored and "/tmp/note" in stored and "/etc/passwd" not in stored
    assert len(stored) < 60
    copy = World.from_dict(state)
    for line in ("sudo virsh console vm1", "hostname; cat /tmp/note /etc/machine-id; ls /etc/ssh"):
        assert _run(copy, line) == _run(world, line)
    assert copy.machines["vm1"].fs.nodes.keys() == world.machines["vm1"].fs.nodes.keys()
