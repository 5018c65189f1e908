import json

import pytest

from simulator import World
from simulator.hardware import PLATFORMS
from simulator.machine import Machine


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_platform_round_trips_through_json(platform):
    machine = Machine.create({"platform": platform, "seed": 3})
    data = json.loads(json.dumps(machine.to_dict()))
    assert Machine.from_dict(data).to_dict() == machine.to_dict()


def test_world_round_trips_in_the_middle_of_a_session():
    world = World.new("vtx-disabled-host")
    world.run("sudo modprobe kvm_intel")
    world.run("cd /etc")
    world.answer("firmware", "anything")
    copy = World.from_dict(json.loads(json.dumps(world.to_dict())))
    assert copy.to_dict() == world.to_dict()
    assert copy.run("pwd").stdout == "/etc\n"
    assert copy.run("sudo systemctl reboot --firmware-setup").status == 255  # the terminal's login ended
    assert copy.mode == "firmware"
    again = World.from_dict(json.loads(json.dumps(copy.to_dict())))
    assert again.mode == "firmware"
    assert again.run("set vtx on").status == 0


def transcript(seed):
    world = World.new("clone-identifiers", seed=seed)
    lines = [
        "cat /etc/machine-id",
        "ip link",
        "dbus-uuidgen",
        "sudo rm /etc/ssh/ssh_host_rsa_key",
        "sudo ssh-keygen -A",
        "ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub",
        "sudo dmesg",
        "uptime",
    ]
    return [world.run(line) for line in lines]


def test_same_seed_same_transcript():
    assert transcript(5) == transcript(5)


def test_another_seed_gives_other_identifiers():
    assert transcript(5)[1] != transcript(6)[1]


def test_cpuinfo_uses_the_kernel_tab_layout():
    machine = Machine.create({"platform": "metal", "cpu": "intel-i7-1165g7"})
    block = machine.fs.read("/proc/cpuinfo").split("\n\n")[0]
    assert block.splitlines()[:5] == [
        "processor\t: 0",
        "vendor_id\t: GenuineIntel",
        "cpu family\t: 6",
        "model\t\t: 140",
        "model name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
    ]
    assert "\nvmx flags\t: vnmi preemption_timer" in block
    assert block.endswith("power management:")
    assert machine.fs.read("/proc/cpuinfo").count("processor\t:") == 8


def test_vmx_disappears_when_the_firmware_disables_it():
    machine = Machine.create({"platform": "metal", "virt_enabled": False})
    cpuinfo = machine.fs.read("/proc/cpuinfo")
    assert " vmx " not in cpuinfo and "vmx flags" not in cpuinfo
    assert "x86/cpu: VMX (outside TXT) disabled by BIOS" in [text for _, text in machine.dmesg]


def test_amd_shows_svm_and_no_vmx_flags_line():
    cpuinfo = Machine.create({"platform": "metal", "cpu": "amd-epyc-7451"}).fs.read("/proc/cpuinfo")
    assert " svm " in cpuinfo and "vmx" not in cpuinfo and "TLB size\t: 2560 4K pages" in cpuinfo


def test_kvm_guest_has_the_hypervisor_flag_and_no_vmx_without_nesting():
    flags = Machine.create({"platform": "kvm"}).cpu_flags()
    assert "hypervisor" in flags and "vmx" not in flags
    assert "vmx" in Machine.create({"platform": "kvm", "nested": True}).cpu_flags()


def test_virtualbox_guest_lacks_the_hypervisor_flag_as_in_the_util_linux_dump():
    assert "hypervisor" not in Machine.create({"platform": "oracle"}).cpu_flags()


def test_guest_drivers_are_loaded_at_boot():
    machine = Machine.create({"platform": "microsoft"})
    assert (
        next(line for line in machine.fs.read("/proc/modules").splitlines() if line.startswith("hv_vmbus "))
        == "hv_vmbus 135168 8 "
        + "".join(f"{m}," for m in machine.holders("hv_vmbus"))
        + " Live 0x0000000000000000"
    )


@pytest.mark.parametrize(
    ("platform", "nic", "oui"),
    [
        ("kvm", "enp1s0", "52:54:00"),
        ("oracle", "enp0s3", "08:00:27"),
        ("vmware", "ens33", "00:0c:29"),
        ("microsoft", "eth0", "00:15:5d"),
        ("xen", "eth0", "00:16:3e"),
    ],
)
def test_nics_are_named_and_addressed_like_the_hypervisor_does(platform, nic, oui):
    machine = Machine.create({"platform": platform})
    assert machine.fs.read(f"/sys/class/net/{nic}/address").startswith(oui)


def test_dmi_files_and_their_permissions():
    machine = Machine.create({"platform": "oracle"})
    assert machine.fs.read("/sys/class/dmi/id/sys_vendor") == "innotek GmbH\n"
    assert machine.fs.read("/sys/class/dmi/id/product_name", uid=1000) == "VirtualBox\n"
    assert machine.fs.stat("/sys/class/dmi/id/product_uuid").mode == 0o400


def test_xen_guest_has_sys_hypervisor_type():
    assert Machine.create({"platform": "xen"}).fs.read("/sys/hypervisor/type") == "xen\n"


def test_containers_mark_themselves():
    docker = Machine.create({"platform": "docker"})
    assert docker.fs.exists("/.dockerenv") and not docker.fs.exists("/etc/machine-id")
    assert docker.fs.read("/proc/1/cgroup") == "0::/\n"
    lxc = Machine.create({"platform": "lxc"})
    assert lxc.fs.read("/run/systemd/container") == "lxc\n"


def test_ubuntu_links_the_dbus_machine_id_to_etc():
    machine = Machine.create({"platform": "kvm"})
    assert machine.fs.lstat("/var/lib/dbus/machine-id").target == "/etc/machine-id"
    assert len(machine.machine_id()) == 32


def test_installer_fstab_names_filesystems_by_uuid():
    machine = Machine.create({"platform": "metal"})
    root = next(p for p in machine.disks[0]["parts"] if p["mount"] == "/")
    fstab = machine.fs.read("/etc/fstab")
    assert f"# / was on /dev/{root['name']} during curtin installation\n" in fstab
    assert f"/dev/disk/by-uuid/{root['uuid']} / ext4 defaults 0 1\n" in fstab


def test_cloud_image_fstab_names_filesystems_by_label():
    world = World.new("kvm-guest")
    assert world.run("cat /etc/fstab").stdout == (
        "LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,commit=30,errors=remount-ro\t0 1\n"
        "LABEL=BOOT\t/boot\text4\tdefaults\t0 2\n"
        "LABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n"
    )
    assert ' LABEL="cloudimg-rootfs" UUID="' in world.run("blkid /dev/vda1").stdout
    assert "root=LABEL=cloudimg-rootfs ro" in world.run("cat /proc/cmdline").stdout
    assert World.new("xen-guest").run("cat /etc/fstab").stdout.startswith("LABEL=cloudimg-rootfs\t/")


def test_commands_have_entries_in_usr_bin_and_usr_sbin():
    world = World.new("kvm-guest")
    assert world.run("ls /usr/sbin/modprobe").stdout == "/usr/sbin/modprobe\n"
    assert world.run("ls /usr/bin/lscpu").stdout == "/usr/bin/lscpu\n"


def test_dev_kvm_appears_with_the_vendor_module_and_goes_at_reboot():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm")
    assert world.run("ls /dev/kvm").status == 2
    world.run("sudo modprobe kvm_intel")
    assert world.run("ls -l /dev/kvm").stdout.startswith("crw-rw---- 1 root kvm 10, 232 ")
    world.run("sudo reboot")
    assert world.run("ls /dev/kvm").status == 2
    assert "kvm" not in world.run("lsmod").stdout


def test_reboot_rewrites_dmesg_and_resets_uptime():
    world = World.new("intel-vtx-host")
    for _ in range(30):
        world.run("true")
    world.run("sudo modprobe kvm_intel")
    before = world.machine.uptime()
    world.run("sudo reboot")
    assert world.machine.uptime() < before
    log = world.run("sudo dmesg").stdout
    assert log.startswith("[    0.000000] Linux version 6.8.0-49-generic")
    assert "kvm" not in log.lower().replace("kvm-clock", "")
    assert world.run("uptime").stdout.split(" up ")[1].startswith("0 min,  1 user,  load average: ")


def test_modules_listed_in_modules_load_d_come_back_after_reboot():
    world = World.new("intel-vtx-host")
    world.run("echo kvm_intel | sudo tee /etc/modules-load.d/kvm.conf")
    world.run("sudo reboot")
    assert world.machine.modules[:3] == ["kvm_intel", "kvm", "irqbypass"]


def test_boot_fills_an_empty_machine_id_from_the_kvm_uuid():
    world = World.new("kvm-guest")
    world.run("sudo cp /dev/null /etc/machine-id")
    assert world.run("cat /etc/machine-id").stdout == ""
    world.run("sudo reboot")
    assert world.machine.machine_id() == world.machine.product_uuid.replace("-", "")


def test_boot_takes_the_dbus_id_when_etc_machine_id_is_missing():
    world = World.new("hyperv-guest")
    world.run("sudo rm /etc/machine-id /var/lib/dbus/machine-id")
    world.run("sudo dbus-uuidgen --ensure")
    dbus = world.run("cat /var/lib/dbus/machine-id").stdout
    world.run("sudo reboot")
    assert world.run("cat /etc/machine-id").stdout == dbus


def test_a_changed_mac_is_lost_at_reboot():
    world = World.new("kvm-guest")
    original = world.machine.nics[0]["mac"]
    assert world.run("sudo ip link set dev enp1s0 address 52:54:00:aa:bb:cc").status == 0
    assert "52:54:00:aa:bb:cc" in world.run("ip link").stdout
    world.run("sudo reboot")
    assert world.machine.nics[0]["mac"] == original


def reload(world: World) -> World:
    return World.from_dict(json.loads(json.dumps(world.to_dict())))


def test_saved_state_leaves_out_the_program_and_module_files_every_image_shares():
    nodes = World.new("kvm-guest").to_dict()["machines"]["main"]["fs"]["nodes"]
    assert "/usr/sbin/lsmod" not in nodes
    assert not any(path.startswith("/usr/lib/modules/") for path in nodes)
    assert "/etc/machine-id" in nodes


def test_a_removed_program_stays_removed_after_a_reload():
    world = World.new("intel-vtx-host")
    assert world.run("sudo rm /usr/sbin/lsmod").status == 0
    copy = reload(world)
    assert copy.to_dict() == world.to_dict()
    assert copy.run("ls /usr/sbin/lsmod").status == 2
    assert copy.run("bash -c lsmod").stderr == "bash: lsmod: command not found\n"


def test_a_changed_program_file_keeps_its_change_after_a_reload():
    world = World.new("intel-vtx-host")
    world.run("sudo chmod 700 /usr/bin/lscpu")
    world.run("sudo mv /usr/bin/uname /tmp/uname")
    copy = reload(world)
    assert copy.to_dict() == world.to_dict()
    assert copy.run("ls -l /usr/bin/lscpu").stdout.startswith("-rwx------ 1 root root 0 ")
    assert copy.run("lscpu").stderr == "bash: /usr/bin/lscpu: Permission denied\n"
    assert copy.run("ls /tmp/uname").stdout == "/tmp/uname\n"


def test_a_state_saved_with_every_node_listed_still_loads():
    world = World.new("kvm-guest")
    world.run("sudo rm /usr/bin/uname")
    state = world.to_dict()
    fs = world.machine.fs
    state["machines"]["main"]["fs"] = {"nodes": {path: node.to_dict() for path, node in fs.nodes.items()}}
    copy = World.from_dict(state)
    assert copy.to_dict() == world.to_dict()
    assert copy.run("uname").status == 127


def test_a_scenario_machine_stores_only_what_differs_from_a_fresh_install():
    world = World.new("kvm-guest", seed=7)
    stored = world.to_dict()["machines"]["main"]["fs"]["nodes"]
    # the identifiers its seed chose, not the ~200 files every install of the scenario writes alike
    assert "/etc/machine-id" in stored and "/etc/passwd" not in stored
    world.run("echo hello > /tmp/note")
    copy = reload(world)
    assert (
        copy.run("cat /tmp/note; cat /etc/machine-id").stdout
        == world.run("cat /tmp/note; cat /etc/machine-id").stdout
    )
    assert files(copy) == files(world)


def files(world: World) -> dict:
    """Every node of the main machine but those rebuilt on load (/dev/disk links, /sys/module)."""
    rebuilt = ("/dev/disk", "/sys/module")
    return {
        path: node.to_dict() for path, node in world.machine.fs.nodes.items() if not path.startswith(rebuilt)
    }


INSTALL_DIGEST = """
import hashlib, json, sys
from simulator import World
from simulator.machine import _install_key, _installed_tree
for name in sys.argv[1:]:
    for machine in World.new(name, seed=5).machines.values():
        tree = _installed_tree(_install_key(machine.spec))
        text = json.dumps({path: node.to_dict() for path, node in sorted(tree.items())}, sort_keys=True)
        print(name, hashlib.sha256(text.encode()).hexdigest())
"""


def test_the_install_a_state_is_saved_against_is_the_same_in_every_process():
    """Each worker rebuilds the install a lab is saved against: any difference would corrupt labs."""
    import os
    import subprocess
    import sys

    from simulator import list_scenarios

    names = [scenario["id"] for scenario in list_scenarios()]
    digests = [
        subprocess.run(
            [sys.executable, "-c", INSTALL_DIGEST, *names],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    ]
    assert digests[0] == digests[1] and digests[0].count("\n") >= len(names)
