"""A new guest installs from the ISO on the host's clock: subiquity's steps on its console, nothing of the
installed system reachable until the installer has rebooted, and the install carried across a save."""

import io
import tarfile
import zlib

import pytest

from simulator import World, installer
from simulator.appliance import ApplianceError, export_domain, import_domain

ISO = "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
BACK = "guestlab: nothing on {}'s console waits for you to type: the terminal is back here.\n"
CREATE = f"sudo virt-install --name vm1 --memory 2048 --vcpus 2 --disk size=10 --cdrom {ISO}"


@pytest.fixture
def world():
    return World.new("kvm-host")


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


def _wait(world, seconds):
    """Time passes on the host (as the panel's polling moves it)."""
    world.machine.tick(seconds)
    return world.advance()


def test_virt_install_without_wait_leaves_the_installer_running(world):
    output, status = _run(world, CREATE + " --noautoconsole")
    assert status == 0 and output.endswith(
        "\nDomain is still running. Installation may be in progress.\n"
        "You can reconnect to the console to complete the installation process.\n"
    )
    assert " vm1     running" in _run(world, "sudo virsh list")[0]
    assert world.machine.hypervisor["domains"]["vm1"]["install"]["until"] == (
        world.machine.hypervisor["domains"]["vm1"]["install"]["started"] + installer.INSTALL_SECONDS
    )


def test_while_installing_the_domain_boots_the_iso_and_a_reboot_ends_it(world):
    _run(world, CREATE + " --noautoconsole --os-variant generic")
    xml = _run(world, "sudo virsh dumpxml vm1")[0]
    assert "<boot dev='cdrom'/>\n    <boot dev='hd'/>" in xml and "<on_reboot>destroy</on_reboot>" in xml
    assert f"<source file='{ISO}'/>\n      <target dev='sdb' bus='sata'/>\n      <readonly/>" in xml
    assert "<on_reboot>restart</on_reboot>" in _run(world, "sudo virsh dumpxml vm1 --inactive")[0]
    _wait(world, installer.INSTALL_SECONDS)
    _run(world, "sudo virsh start vm1")
    xml = _run(world, "sudo virsh dumpxml vm1")[0]
    assert "cdrom" not in xml and "<on_reboot>restart</on_reboot>" in xml


def test_the_console_shows_the_installer_steps_so_far_in_subiquity_words(world):
    _run(world, CREATE + " --noautoconsole")
    early, status = _run(world, "sudo virsh console vm1")
    assert status == 0
    assert early == (
        "Connected to domain 'vm1'\nEscape character is ^] (Ctrl + ])\nStarting installer\n"
        + BACK.format("vm1")
    )
    assert world.current[0] is world.machine, "the terminal stays on the host, and says why"
    _wait(world, 100)
    middle = _run(world, "sudo virsh console vm1")[0]
    assert "Installing system\n  configuring apt\n  installing system\n" in middle
    assert "     configuring storage\n" in middle and "configuring disk: disk-vda\n" in middle
    assert "installing kernel" not in middle
    _wait(world, 170)
    late = _run(world, "sudo virsh console vm1")[0]
    assert late.startswith(middle.removesuffix(BACK.format("vm1")))
    for step in (
        "       installing kernel\n",
        "  final system configuration\n",
        "   installing qemu-guest-agent\n",
        "   installing openssh-server\n",
        "Updating system\n",
        "   downloading and installing security updates\n",
    ):
        assert step in late
    assert late.index("qemu-guest-agent") < late.index("openssh-server"), "autoinstall's packages: first"
    _wait(world, 10)  # 292 s since the ISO booted: the autoinstall reboots at 300
    assert _run(world, "sudo virsh console vm1")[0].endswith("Installation complete!\n" + BACK.format("vm1"))


def test_without_the_guest_tools_the_installer_adds_no_agent(world):
    _run(world, CREATE + " --noautoconsole --os-variant generic")
    _wait(world, 280)
    console = _run(world, "sudo virsh console vm1")[0]
    assert "configuring disk: disk-sda" in console and "installing openssh-server" in console
    assert "qemu-guest-agent" not in console


def test_nothing_of_the_guest_answers_before_the_install_ends(world):
    _run(world, CREATE + " --noautoconsole")
    assert _run(world, "sudo virt-clone --original vm1 --auto-clone") == (
        "ERROR    Domain to clone must be shutoff.\n",
        1,
    )
    assert _run(world, "ssh vm1") == ("ssh: Could not resolve hostname vm1: Name or service not known\n", 255)
    assert _run(world, "ssh 192.168.122.77")[0] == (
        "ssh: connect to host 192.168.122.77 port 22: No route to host\n"
    )
    assert "192.168.122" not in _run(world, "sudo virsh domifaddr vm1")[0]
    assert _run(world, "sudo virsh domifaddr vm1 --source agent") == (
        "error: Guest agent is not responding: QEMU guest agent is not connected\n\n",
        1,
    )


def test_the_installer_reboot_powers_the_guest_off_unless_someone_follows(world):
    _run(world, CREATE + " --noautoconsole")
    assert _wait(world, installer.INSTALL_SECONDS) == ["vm1"]
    assert " -    vm1     shut off" in _run(world, "sudo virsh list --all")[0]
    assert _run(world, "sudo virsh start vm1")[1] == 0
    _run(world, "sudo virsh console vm1")
    assert world.current[0].hostname == "vm1", "the installed system boots from its disk"
    assert _run(world, "systemctl is-active qemu-guest-agent") == ("active\n", 0)


def test_the_installed_system_has_curtins_partitions_and_fstab_not_a_cloud_images(world):
    _run(world, CREATE + " --noautoconsole")
    _wait(world, installer.INSTALL_SECONDS)
    _run(world, "sudo virsh start vm1")
    _run(world, "sudo virsh console vm1")
    fstab = _run(world, "cat /etc/fstab")[0]
    assert "# / was on /dev/vda2 during curtin installation\n/dev/disk/by-uuid/" in fstab
    assert "cloudimg-rootfs" not in fstab + _run(world, "cat /proc/cmdline")[0] + _run(world, "lsblk -f")[0]


def test_a_followed_install_starts_the_guest_from_its_disk(world):
    _run(world, CREATE + " --noautoconsole")
    installer.watch(world.machine, "vm1")
    _wait(world, installer.INSTALL_SECONDS)
    assert " vm1     running" in _run(world, "sudo virsh list")[0]
    assert _run(world, "ssh vm1")[0].startswith("The authenticity of host 'vm1 (192.168.122.")


def test_an_install_goes_on_after_a_save_and_a_restart(world):
    _run(world, CREATE + " --noautoconsole")
    installer.watch(world.machine, "vm1")
    _wait(world, 120)
    before = _run(world, "sudo virsh console vm1")[0]
    world = World.from_dict(world.to_dict())  # what a restarted server loads
    assert _run(world, "sudo virsh console vm1")[0].startswith(before)
    assert _wait(world, 60) == []
    assert _wait(world, installer.INSTALL_SECONDS) == ["vm1"]
    assert " vm1     running" in _run(world, "sudo virsh list")[0]


def test_an_install_stopped_half_way_leaves_nothing_to_boot(world):
    _run(world, CREATE + " --noautoconsole")
    _wait(world, 60)
    assert _run(world, "sudo virsh destroy vm1")[1] == 0
    assert _run(world, "sudo virsh start vm1")[1] == 0
    assert _run(world, "sudo virsh console vm1")[0].endswith("No bootable device.\n" + BACK.format("vm1"))
    assert _run(world, "ssh vm1")[1] == 255
    _wait(world, installer.INSTALL_SECONDS)
    assert _run(world, "sudo virsh console vm1")[0].endswith("No bootable device.\n" + BACK.format("vm1")), (
        "nothing installs"
    )
    _run(world, "sudo virsh destroy vm1")
    _run(world, "sudo virt-clone --original vm1 --name vm2 --auto-clone")
    _run(world, "sudo virsh start vm2")
    assert _run(world, "sudo virsh console vm2")[0].endswith("No bootable device.\n" + BACK.format("vm2")), (
        "its copy neither"
    )


def test_a_guest_still_installing_is_not_exported(world):
    _run(world, CREATE + " --noautoconsole")
    _wait(world, 100)
    with pytest.raises(ApplianceError, match="^Domain .vm1. is running its installer: an export needs"):
        export_domain(world.machine, "vm1")
    _wait(world, installer.INSTALL_SECONDS)  # the installer powered it off: the installed system exports
    imported = import_domain(world.machine, export_domain(world.machine, "vm1"), "vm2")
    assert not imported.foreign and not world.machine.hypervisor["domains"]["vm2"].get("unbootable")
    _run(world, "sudo virsh start vm2")
    assert "No bootable device" not in _run(world, "sudo virsh console vm2")[0]
    assert world.prompt.startswith("learner@vm1:"), "vm2 boots the system vm1 installed (its host name)"


def test_the_export_of_an_install_stopped_half_way_boots_nothing_either(world):
    _run(world, CREATE + " --noautoconsole")
    _wait(world, 60)
    _run(world, "sudo virsh destroy vm1")
    data = export_domain(world.machine, "vm1")
    assert import_domain(world.machine, data, "vm2").foreign is False
    assert _run(world, "sudo virsh start vm2") == ("Domain 'vm2' started\n\n", 0)
    assert _run(world, "sudo virsh console vm2")[0].endswith("No bootable device.\n" + BACK.format("vm2"))
    assert world.current[0] is world.machine, "no system to log in to: the terminal stays on the host"
    assert _run(world, "sudo virsh domifaddr vm2")[0].count("\n") == 3, "no system, no DHCP lease"
    complete = export_domain(world.machine, "db01")  # a disk with its boot loader does not say so
    assert b"bootloader" not in zlib.decompress(_vmdk_member(complete).split(b"\n", 1)[1])


def _vmdk_member(ova: bytes) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(ova)) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(".vmdk"))
        return archive.extractfile(member).read()


def test_virt_install_without_a_console_waits_as_wait_minus_one(world):
    output, status = _run(world, CREATE)
    assert status == 0
    assert output.startswith(
        "WARNING  Unable to connect to graphical console: virt-viewer not installed. "
        "Please install the 'virt-viewer' package.\n"
        "WARNING  No console to launch for the guest, defaulting to --wait -1\n\nStarting install...\n"
    )
    assert output.endswith(
        "Waiting for the installation to complete.\nDomain has shutdown. Continuing.\n"
        "Domain creation completed.\nRestarting guest.\n"
    )


def test_virt_install_gives_up_waiting_after_its_minutes(world):
    output, status = _run(world, CREATE + " --noautoconsole --wait 2")
    assert status == 1
    assert output.endswith(
        "Waiting 2 minutes for the installation to complete.\n"
        "Installation has exceeded specified time limit. Exiting application.\n"
    )
    assert "install" in world.machine.hypervisor["domains"]["vm1"], "the installer goes on"
    assert _run(world, CREATE.replace("vm1", "vm2") + " --wait 0")[0].startswith(
        "WARNING  Treating --wait 0 as --noautoconsole\n"
    )
    assert _run(world, CREATE.replace("vm1", "vm3") + " --wait soon") == (
        "usage: virt-install --name NAME --memory MB STORAGE INSTALL [options]\n"
        "virt-install: error: argument --wait: invalid int value: 'soon'\n",
        2,
    )


def test_virt_install_with_graphics_none_shows_the_serial_console_to_the_end(world):
    output, status = _run(world, CREATE + " --graphics none")
    assert status == 0
    assert output.startswith("WARNING  CDROM media does not print to the text console by default")
    assert "Running text console command: virsh --connect qemu:///system console vm1\n" in output
    assert "Installation complete!\nDomain creation completed.\nRestarting guest.\n" in output
    assert world.current[0].hostname == "vm1", "virt-install attaches the console of the installed guest"


def test_a_guest_undefined_while_it_installs_is_gone_when_the_installer_reboots(world):
    _run(world, CREATE + " --noautoconsole")
    installer.watch(world.machine, "vm1")
    assert _run(world, "sudo virsh undefine vm1")[1] == 0
    assert _wait(world, installer.INSTALL_SECONDS) == ["vm1"]
    assert "vm1" not in world.machine.hypervisor["domains"] and "vm1" not in world.machines
