"""Every check passes by at least two correct routes and fails with a detail that says what it saw."""

import pytest

from simulator import World
from simulator.checks import CHECKS


def verdict(world, check_id, task_id=None, **params):
    answer = world.answers.get(task_id, "") if task_id else ""
    return CHECKS[check_id](world, params, answer)


def answered(scenario, task_id, text):
    world = World.new(scenario)
    world.answer(task_id, text)
    return world


@pytest.mark.parametrize("text", ["yes", "Yes, it has VT-x (vmx flag)", "vmx is there"])
def test_answer_virtualization_capable_passes(text):
    assert verdict(answered("intel-vtx-host", "capable", text), "answer-virtualization-capable", "capable")[0]


@pytest.mark.parametrize("text", ["no", "", "yes and no"])
def test_answer_virtualization_capable_fails(text):
    passed, detail = verdict(
        answered("intel-vtx-host", "capable", text), "answer-virtualization-capable", "capable"
    )
    assert not passed and ("answer" in detail.lower())


def test_answer_virtualization_capable_says_no_when_vtx_is_hidden():
    assert verdict(
        answered("vtx-disabled-host", "firmware", "no"), "answer-virtualization-capable", "firmware"
    )[0]


@pytest.mark.parametrize(
    "commands",
    [
        ["sudo modprobe kvm_intel"],
        ["sudo modprobe -v kvm-intel"],
        ["echo kvm_intel | sudo tee /etc/modules-load.d/kvm.conf", "sudo reboot"],
    ],
)
def test_kvm_module_loaded_passes(commands):
    world = World.new("intel-vtx-host")
    for line in commands:
        world.run(line)
    passed, detail = verdict(world, "kvm-module-loaded")
    assert passed and detail == (
        "Looked for kvm_intel in the loaded modules (/proc/modules): loaded (with kvm, irqbypass)."
    )


def test_kvm_module_loaded_fails_with_only_kvm():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm")
    assert verdict(world, "kvm-module-loaded") == (
        False,
        "Looked for kvm_intel in the loaded modules (/proc/modules): not loaded.",
    )


@pytest.mark.parametrize(
    "commands", [["sudo modprobe kvm_amd"], ["sudo modprobe kvm", "sudo modprobe kvm_amd"]]
)
def test_kvm_module_loaded_on_amd(commands):
    world = World.new("amd-v-host")
    world.run("sudo modprobe kvm_intel")
    assert not verdict(world, "kvm-module-loaded")[0]
    for line in commands:
        world.run(line)
    assert verdict(world, "kvm-module-loaded")[0]


@pytest.mark.parametrize("text", ["svm", "The flag is SVM.", "flags: svm (AMD-V)"])
def test_answer_cpu_flag_passes(text):
    assert verdict(answered("amd-v-host", "cpu-flag", text), "answer-cpu-flag", "cpu-flag")[0]


@pytest.mark.parametrize("text", ["vmx", "svm or vmx", "amd-v", ""])
def test_answer_cpu_flag_fails(text):
    assert not verdict(answered("amd-v-host", "cpu-flag", text), "answer-cpu-flag", "cpu-flag")[0]


@pytest.mark.parametrize(
    "commands",
    [
        ["sudo systemctl reboot --firmware-setup", "set vtx on", "save"],
        ["sudo reboot --firmware-setup", "show", "set vt-x enabled", "save"],
    ],
)
def test_vtx_enabled_in_firmware_passes(commands):
    world = World.new("vtx-disabled-host")
    for line in commands:
        world.run(line)
    assert verdict(world, "vtx-enabled-in-firmware") == (
        True,
        "Looked at the firmware setting Intel Virtualization Technology (VT-x): Enabled.",
    )


@pytest.mark.parametrize(
    ("commands", "detail"),
    [
        ([], "Looked at the firmware setting Intel Virtualization Technology (VT-x): Disabled."),
        (
            ["sudo reboot --firmware-setup", "set vtx on", "exit"],
            "Looked at the firmware setting Intel Virtualization Technology (VT-x): Disabled.",
        ),
        (
            ["sudo reboot --firmware-setup", "set vtx on"],
            "The machine is still in its firmware setup: save and boot for "
            "Intel Virtualization Technology (VT-x) "
            "to apply.",
        ),
    ],
)
def test_vtx_enabled_in_firmware_fails(commands, detail):
    world = World.new("vtx-disabled-host")
    for line in commands:
        world.run(line)
    assert verdict(world, "vtx-enabled-in-firmware") == (False, detail)


@pytest.mark.parametrize("load", ["sudo modprobe kvm_intel", "sudo modprobe kvm-intel"])
@pytest.mark.parametrize("enter", ["sudo systemctl reboot --firmware-setup", "sudo reboot --firmware-setup"])
def test_dev_kvm_present_passes_after_the_firmware_fix(enter, load):
    world = World.new("vtx-disabled-host")
    for line in (enter, "set vtx on", "save", load):
        world.run(line)
    assert verdict(world, "dev-kvm-present") == (True, "Looked at /dev/kvm: character device 10, 232.")


def test_dev_kvm_present_fails_while_vtx_is_off():
    world = World.new("vtx-disabled-host")
    world.run("sudo modprobe kvm_intel")
    passed, detail = verdict(world, "dev-kvm-present")
    assert not passed and detail.startswith("Looked for the device /dev/kvm: it does not exist")


def test_dev_kvm_present_fails_on_an_impostor_file():
    world = World.new("intel-vtx-host")
    world.run("sudo touch /dev/kvm")
    assert verdict(world, "dev-kvm-present") == (False, "Looked at /dev/kvm: not the KVM character device.")


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        ("kvm-guest", ["kvm", "QEMU/KVM"]),
        ("virtualbox-guest", ["VirtualBox", "oracle", "Innotek GmbH"]),
        ("vmware-guest", ["VMware", "vmware, inc. ESXi"]),
        ("hyperv-guest", ["Hyper-V", "microsoft"]),
        ("xen-guest", ["xen", "Xen HVM"]),
    ],
)
def test_answer_hypervisor_accepts_ids_and_product_names(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "hypervisor", text), "answer-hypervisor", "hypervisor")[0], text


@pytest.mark.parametrize("text", ["vmware", "kvm or xen", "", "docker"])
def test_answer_hypervisor_fails(text):
    passed, detail = verdict(answered("kvm-guest", "hypervisor", text), "answer-hypervisor", "hypervisor")
    assert not passed and "kvm" not in detail.lower().replace(text.lower(), "")


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        ("kvm-guest", ["virtio_net", "virtio-blk and virtio_balloon"]),
        ("virtualbox-guest", ["vboxguest", "vboxsf"]),
        ("vmware-guest", ["vmw_balloon", "vmxnet3"]),
        ("hyperv-guest", ["hv_vmbus", "hv_netvsc, hv_storvsc"]),
        ("xen-guest", ["xen_netfront", "xen-blkfront"]),
    ],
)
def test_answer_guest_drivers_passes(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "drivers", text), "answer-guest-drivers", "drivers")[0], text


@pytest.mark.parametrize(
    ("scenario", "text"),
    [
        ("kvm-guest", "vboxguest"),
        ("virtualbox-guest", "e1000"),
        ("kvm-guest", ""),
        ("xen-guest", "virtio_net"),
    ],
)
def test_answer_guest_drivers_fails(scenario, text):
    assert not verdict(answered(scenario, "drivers", text), "answer-guest-drivers", "drivers")[0]


def test_answer_guest_drivers_fails_for_a_driver_that_was_unloaded():
    world = answered("kvm-guest", "drivers", "virtio_balloon")
    world.run("sudo modprobe -r virtio_balloon")
    assert not verdict(world, "answer-guest-drivers", "drivers")[0]


@pytest.mark.parametrize("text", ["no", "No: the vmx flag is absent", "not exposed"])
def test_answer_cpu_virtualization_passes(text):
    assert verdict(answered("kvm-guest", "nested", text), "answer-cpu-virtualization", "nested")[0]


@pytest.mark.parametrize("text", ["yes", ""])
def test_answer_cpu_virtualization_fails(text):
    assert not verdict(answered("kvm-guest", "nested", text), "answer-cpu-virtualization", "nested")[0]


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        ("lxc-container", ["system container", "a system container (full OS with systemd)"]),
        ("docker-container", ["application container", "app container"]),
    ],
)
def test_answer_container_kind_passes(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "kind", text), "answer-container-kind", "kind")[0], text


@pytest.mark.parametrize(
    ("scenario", "text"),
    [("lxc-container", "application"), ("docker-container", "system"), ("docker-container", "a VM")],
)
def test_answer_container_kind_fails(scenario, text):
    assert not verdict(answered(scenario, "kind", text), "answer-container-kind", "kind")[0]


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        ("lxc-container", ["lxc", "LXD (LXC)"]),
        ("docker-container", ["docker", "Docker Engine"]),
    ],
)
def test_answer_container_runtime_passes(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "runtime", text), "answer-container-runtime", "runtime")[0], text


@pytest.mark.parametrize(
    ("scenario", "text"),
    [("lxc-container", "docker"), ("docker-container", "podman"), ("docker-container", "")],
)
def test_answer_container_runtime_fails(scenario, text):
    assert not verdict(answered(scenario, "runtime", text), "answer-container-runtime", "runtime")[0]


def clone(*commands):
    world = World.new("clone-identifiers")
    for line in commands:
        world.run(line)
    return world


@pytest.mark.parametrize(
    "commands",
    [
        ["sudo hostnamectl set-hostname web02"],
        ["echo web02 | sudo tee /etc/hostname", "sudo hostname web02"],
        ["echo web02 | sudo tee /etc/hostname", "sudo reboot"],
    ],
)
def test_hostname_changed_passes(commands):
    assert verdict(clone(*commands), "hostname-changed") == (
        True,
        "Looked at /etc/hostname and the running host name: web02; the source is web01.",
    )


def test_hostname_changed_fails_when_only_the_running_name_changed():
    assert verdict(clone("sudo hostname web02"), "hostname-changed") == (
        False,
        "Looked at /etc/hostname: web01, the same as the source web01 (the running name is web02, "
        "but it will not survive a reboot).",
    )


def test_hostname_changed_fails_when_not_applied_yet():
    passed, detail = verdict(clone("echo web02 | sudo tee /etc/hostname"), "hostname-changed")
    assert not passed and detail == "/etc/hostname says web02 but the running host name is still web01."


@pytest.mark.parametrize(
    "commands",
    [
        ["sudo rm /etc/machine-id", "sudo systemd-machine-id-setup"],
        [
            "sudo rm -f /etc/machine-id /var/lib/dbus/machine-id",
            "sudo dbus-uuidgen --ensure",
            "sudo systemd-machine-id-setup",
        ],
        ["sudo rm -f /etc/machine-id /var/lib/dbus/machine-id", "sudo dbus-uuidgen --ensure", "sudo reboot"],
        [
            "sudo rm -f /etc/machine-id /var/lib/dbus/machine-id",
            "sudo dbus-uuidgen --ensure=/etc/machine-id",
            "sudo ln -s /etc/machine-id /var/lib/dbus/machine-id",
        ],
        ["sudo cp /dev/null /etc/machine-id", "sudo reboot"],
    ],
)
def test_machine_id_regenerated_passes(commands):
    passed, detail = verdict(clone(*commands), "machine-id-regenerated")
    assert passed, detail
    assert detail.startswith("Looked at /etc/machine-id and /var/lib/dbus/machine-id: both ")


def test_machine_id_regenerated_fails_when_dbus_disagrees():
    world = clone(
        "sudo rm -f /etc/machine-id /var/lib/dbus/machine-id", "sudo dbus-uuidgen --ensure=/etc/machine-id"
    )
    passed, detail = verdict(world, "machine-id-regenerated")
    assert not passed and detail.endswith(
        "but /var/lib/dbus/machine-id is missing: D-Bus and systemd disagree."
    )


def test_machine_id_regenerated_fails_when_ensure_refuses_to_overwrite():
    passed, detail = verdict(clone("sudo dbus-uuidgen --ensure=/etc/machine-id"), "machine-id-regenerated")
    assert not passed and detail.endswith("still the source's id.")


def test_machine_id_regenerated_fails_on_an_empty_file():
    passed, detail = verdict(clone("sudo cp /dev/null /etc/machine-id"), "machine-id-regenerated")
    assert (
        detail == "Looked at /etc/machine-id: missing or empty, not 32 lowercase hex digits." and not passed
    )


@pytest.mark.parametrize(
    "commands",
    [
        [
            "sudo rm /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key "
            "/etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub",
            "sudo ssh-keygen -A",
        ],
        [
            "sudo cp /dev/null /etc/ssh/ssh_host_rsa_key",
            "sudo cp /dev/null /etc/ssh/ssh_host_ecdsa_key",
            "sudo cp /dev/null /etc/ssh/ssh_host_ed25519_key",
            "sudo ssh-keygen -A",
        ],
    ],
)
def test_ssh_host_keys_regenerated_passes(commands):
    assert verdict(clone(*commands), "ssh-host-keys-regenerated") == (
        True,
        "Looked at /etc/ssh/ssh_host_*_key.pub: rsa, ecdsa and ed25519 present, none equal to the source's.",
    )


def test_ssh_host_keys_regenerated_fails_for_partial_work():
    world = clone(
        "sudo rm /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub",
        "sudo ssh-keygen -A",
        "sudo rm /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ecdsa_key.pub",
    )
    passed, detail = verdict(world, "ssh-host-keys-regenerated")
    assert not passed
    assert detail.startswith("Looked at /etc/ssh/ssh_host_*_key.pub: rsa still the source's (SHA256:")
    assert detail.endswith("; ecdsa missing.")


@pytest.mark.parametrize("form", ["{mac}", "MAC is {upper}", "{dashes}"])
def test_answer_mac_address_passes(form):
    world = World.new("clone-identifiers")
    mac = world.machine.nics[0]["mac"]
    world.answer("mac", form.format(mac=mac, upper=mac.upper(), dashes=mac.replace(":", "-")))
    assert verdict(world, "answer-mac-address", "mac")[0]


def test_answer_mac_address_fails_with_the_source_mac():
    world = World.new("clone-identifiers")
    world.answer("mac", world.source.nics[0]["mac"])
    assert verdict(world, "answer-mac-address", "mac") == (
        False,
        f'Read your answer "{world.source.nics[0]["mac"]}": it is not the address in '
        "/sys/class/net/enp1s0/address.",
    )
