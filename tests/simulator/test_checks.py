"""Every check passes by at least two correct routes and fails with a detail that says what it saw."""

import pytest

from simulator import World, list_scenarios
from simulator.checks import CHECKS


def verdict(world, check_id, task_id=None, **params):
    answer = world.answers.get(task_id, "") if task_id else ""
    return CHECKS[check_id](world, params, answer)


def answered(scenario, task_id, text):
    world = World.new(scenario)
    world.answer(task_id, text)
    return world


@pytest.mark.parametrize(
    "text", ["yes, VT-x", "Yes, it has VT-x (vmx flag)", "vmx is there", "yes: Intel VT, not AMD-V"]
)
def test_answer_virtualization_capable_passes(text):
    passed, detail = verdict(
        answered("intel-vtx-host", "capable", text), "answer-virtualization-capable", "capable"
    )
    assert passed and detail.endswith(": right, the flags in /proc/cpuinfo include vmx, that is VT-x.")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "No answer has been given yet."),
        ("no", 'Read your answer "no": that is not what the flags in /proc/cpuinfo show.'),
        ("yes and no", 'Read your answer "yes and no": it does not clearly say yes or no.'),
        (
            "yes",
            'Read your answer "yes": yes is right, but the question also asks for the extension\'s name '
            "(/proc/cpuinfo shows it as a flag).",
        ),
        (
            "yes, AMD-V",
            'Read your answer "yes, AMD-V": yes is right, but the extension it names belongs to the other '
            "CPU maker.",
        ),
    ],
)
def test_answer_virtualization_capable_fails(text, detail):
    assert verdict(
        answered("intel-vtx-host", "capable", text), "answer-virtualization-capable", "capable"
    ) == (False, detail)


def test_answer_virtualization_capable_fails_without_giving_the_answer_away():
    for text in ("", "no", "yes"):
        detail = verdict(
            answered("intel-vtx-host", "capable", text), "answer-virtualization-capable", "capable"
        )[1]
        assert "vmx" not in detail and "VT-x" not in detail


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
        "Looked at the loaded modules (/proc/modules): kvm_intel is loaded (with kvm and irqbypass)."
    )


def test_kvm_module_loaded_fails_with_only_kvm():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm")
    assert verdict(world, "kvm-module-loaded") == (
        False,
        "Looked at the loaded modules (/proc/modules) for the KVM module that fits this CPU: kvm is loaded, "
        "but it is only the common part, and the module for this CPU's maker is not.",
    )


def test_kvm_module_loaded_fails_without_naming_the_module():
    assert verdict(World.new("intel-vtx-host"), "kvm-module-loaded") == (
        False,
        "Looked at the loaded modules (/proc/modules) for the KVM module that fits this CPU: "
        "no KVM module is loaded.",
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


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("vmx", 'Read your answer "vmx": vmx is the flag of the other CPU maker; this CPU does not show it.'),
        (
            "svm or vmx",
            'Read your answer "svm or vmx": it names both vmx and svm; name only the one this CPU shows.',
        ),
        (
            "amd-v",
            'Read your answer "amd-v": that is the extension\'s name; the question asks for the flag as '
            "/proc/cpuinfo spells it.",
        ),
        ("", "No answer has been given yet."),
        ("lm", 'Read your answer "lm": it names no virtualization flag from /proc/cpuinfo.'),
    ],
)
def test_answer_cpu_flag_fails(text, detail):
    assert verdict(answered("amd-v-host", "cpu-flag", text), "answer-cpu-flag", "cpu-flag") == (False, detail)


def test_answer_cpu_flag_passes_with_the_other_flag_negated():
    assert verdict(answered("amd-v-host", "cpu-flag", "svm, not vmx"), "answer-cpu-flag", "cpu-flag")[0]


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
            "The machine is still in its firmware setup: a change to Intel Virtualization Technology (VT-x) "
            "takes effect once it is saved and the machine boots.",
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
        ("kvm-guest", ["kvm", "QEMU/KVM", "KVM, not Xen", "It's not VMware, it's KVM"]),
        ("virtualbox-guest", ["VirtualBox", "Oracle VM VirtualBox", "oracle", "Innotek GmbH"]),
        ("vmware-guest", ["VMware", "vmware, inc. ESXi", "VMware rather than Hyper-V"]),
        ("hyperv-guest", ["Hyper-V", "microsoft", "MS Hyper-V", "Microsoft Hyper-V instead of KVM"]),
        ("xen-guest", ["xen", "Xen HVM", "XenServer"]),
    ],
)
def test_answer_hypervisor_accepts_ids_and_product_names(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "hypervisor", text), "answer-hypervisor", "hypervisor")[0], text


SEVERAL = ": it names several hypervisors; name only the one this guest runs on."


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "",
            "No answer has been given yet.",
        ),
        ("vmware", 'Read your answer "vmware": that is not the hypervisor this guest runs on.'),
        (
            "kvm or xen",
            'Read your answer "kvm or xen"' + SEVERAL,
        ),
        (
            "KVM, Xen, VMware, Hyper-V, VirtualBox",
            'Read your answer "KVM, Xen, VMware, Hyper-V, VirtualBox"' + SEVERAL,
        ),
        (
            "kvm or parallels",
            'Read your answer "kvm or parallels"' + SEVERAL,
        ),
        ("docker", 'Read your answer "docker": that names a container runtime; this machine is a VM.'),
        ("a computer", 'Read your answer "a computer": it names no hypervisor that the checker knows.'),
        ("not KVM", 'Read your answer "not KVM": it names no hypervisor that the checker knows.'),
    ],
)
def test_answer_hypervisor_fails(text, found):
    assert verdict(answered("kvm-guest", "hypervisor", text), "answer-hypervisor", "hypervisor") == (
        False,
        found,
    )


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
        ("kvm-guest", "virtio_net, vboxguest, hv_vmbus, vmxnet3, xen_netfront"),
        ("virtualbox-guest", "e1000"),
        ("kvm-guest", ""),
        ("xen-guest", "virtio_net"),
    ],
)
def test_answer_guest_drivers_fails(scenario, text):
    assert not verdict(answered(scenario, "drivers", text), "answer-guest-drivers", "drivers")[0]


def test_answer_guest_drivers_details():
    def detail(text):
        return verdict(answered("kvm-guest", "drivers", text), "answer-guest-drivers", "drivers")[1]

    assert detail("") == "No answer has been given yet."
    assert detail("virtio_net and virtio_blk") == (
        'Read your answer "virtio_net and virtio_blk": right, virtio_net and virtio_blk are guest drivers '
        "loaded on this machine."
    )
    assert detail("virtio_net, vboxguest") == (
        'Read your answer "virtio_net, vboxguest": vboxguest is a driver for another hypervisor\'s devices, '
        "not loaded here; name only drivers that lsmod shows."
    )
    assert "virtio" not in detail("e1000")


def test_answer_guest_drivers_fails_for_a_driver_that_was_unloaded():
    world = answered("kvm-guest", "drivers", "virtio_balloon")
    world.run("sudo modprobe -r virtio_balloon")
    assert not verdict(world, "answer-guest-drivers", "drivers")[0]


@pytest.mark.parametrize("text", ["no", "No: the vmx flag is absent", "not exposed"])
def test_answer_cpu_virtualization_passes(text):
    assert verdict(answered("kvm-guest", "nested", text), "answer-cpu-virtualization", "nested")[0]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("yes", 'Read your answer "yes": that is not what this guest\'s /proc/cpuinfo shows.'),
        ("", "No answer has been given yet."),
        ("maybe", 'Read your answer "maybe": it does not clearly say yes or no.'),
    ],
)
def test_answer_cpu_virtualization_fails(text, detail):
    assert verdict(answered("kvm-guest", "nested", text), "answer-cpu-virtualization", "nested") == (
        False,
        detail,
    )


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        (
            "lxc-container",
            [
                "system container",
                "a system container (full OS with systemd)",
                "System.",
                "a system container, not an application container",
                "system container rather than an application one",
            ],
        ),
        (
            "docker-container",
            [
                "application container",
                "app container",
                "application container, not a system container",
                "an application container instead of a system container",
                "not a system container but an application container",
                "app",
                "an application container with no init system",
            ],
        ),
    ],
)
def test_answer_container_kind_passes(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "kind", text), "answer-container-kind", "kind")[0], text


def test_answer_container_kind_says_an_application_container():
    assert verdict(answered("docker-container", "kind", "app"), "answer-container-kind", "kind")[1] == (
        'Read your answer "app": right, an application container (there is no init system: the application '
        "itself is the container's main process)."
    )


@pytest.mark.parametrize(
    ("scenario", "text", "detail"),
    [
        (
            "lxc-container",
            "application",
            'Read your answer "application": that is not the kind of container this is (what is PID 1?).',
        ),
        (
            "docker-container",
            "system",
            'Read your answer "system": that is not the kind of container this is (what is PID 1?).',
        ),
        (
            "docker-container",
            "a system container, not an application container",
            'Read your answer "a system container, not an application container": that is not the kind of '
            "container this is (what is PID 1?).",
        ),
        (
            "docker-container",
            "a VM",
            'Read your answer "a VM": it names neither a system container nor an application container.',
        ),
        (
            "docker-container",
            "system container or application container",
            'Read your answer "system container or application container": it names both kinds; '
            "say which one this container is.",
        ),
        ("docker-container", "", "No answer has been given yet."),
    ],
)
def test_answer_container_kind_fails(scenario, text, detail):
    assert verdict(answered(scenario, "kind", text), "answer-container-kind", "kind") == (False, detail)


@pytest.mark.parametrize(
    ("scenario", "answers"),
    [
        ("lxc-container", ["lxc", "LXD (LXC)", "LXC, not Docker", "Linux Containers"]),
        ("docker-container", ["docker", "Docker Engine", "Docker rather than Podman"]),
    ],
)
def test_answer_container_runtime_passes(scenario, answers):
    for text in answers:
        assert verdict(answered(scenario, "runtime", text), "answer-container-runtime", "runtime")[0], text


@pytest.mark.parametrize(
    ("scenario", "text"),
    [
        ("lxc-container", "docker"),
        ("docker-container", "podman"),
        ("docker-container", ""),
        ("docker-container", "docker or podman"),
        ("docker-container", "lxc, docker, podman"),
    ],
)
def test_answer_container_runtime_fails(scenario, text):
    assert not verdict(answered(scenario, "runtime", text), "answer-container-runtime", "runtime")[0]


def test_answer_container_runtime_accepts_lxd_and_explains_it():
    passed, detail = verdict(
        answered("lxc-container", "runtime", "LXD"), "answer-container-runtime", "runtime"
    )
    assert passed and detail == (
        'Read your answer "LXD": accepted: LXD and Incus manage containers that run on LXC, and LXC is what '
        "systemd-detect-virt -c reports (lxc). Nothing here shows an LXD or Incus manager (there is no "
        "/dev/lxd/sock), so LXC is the more precise answer."
    )


def test_answer_container_runtime_details():
    def detail(scenario, text):
        return verdict(answered(scenario, "runtime", text), "answer-container-runtime", "runtime")[1]

    assert detail("docker-container", "") == "No answer has been given yet."
    assert detail("docker-container", "podman") == (
        'Read your answer "podman": that is not the runtime systemd-detect-virt -c reports.'
    )
    assert (
        detail("docker-container", "docker")
        == 'Read your answer "docker": right, systemd-detect-virt -c says docker.'
    )


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
        "Looked at /etc/hostname and the running host name: both web02; the source's is web01.",
    )


def test_hostname_changed_fails_when_only_the_running_name_changed():
    assert verdict(clone("sudo hostname web02"), "hostname-changed") == (
        False,
        "Looked at /etc/hostname: web01, the same as the source's (the running host name is web02, "
        "but it will not survive a reboot).",
    )


def test_hostname_changed_fails_when_not_applied_yet():
    passed, detail = verdict(clone("echo web02 | sudo tee /etc/hostname"), "hostname-changed")
    assert not passed and detail == "Looked at /etc/hostname: web02, but the running host name is web01."


def test_hostname_changed_fails_on_an_empty_hostname_file():
    assert verdict(clone("sudo cp /dev/null /etc/hostname"), "hostname-changed") == (
        False,
        "Looked at /etc/hostname: it is missing or empty, so no name is set for the next boot.",
    )


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
    assert not passed and detail.endswith("still the source's ID.")


def test_machine_id_regenerated_fails_on_an_empty_file():
    passed, detail = verdict(clone("sudo cp /dev/null /etc/machine-id"), "machine-id-regenerated")
    assert (
        detail
        == "Looked at /etc/machine-id: it is missing or empty (a machine ID is 32 lowercase hex digits)."
        and not passed
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
        f'Read your answer "{world.source.nics[0]["mac"]}": that is the source machine\'s address; '
        "the clone has a new one.",
    )


def test_answer_mac_address_fails_with_several_addresses():
    world = World.new("clone-identifiers")
    world.answer("mac", f"{world.machine.nics[0]['mac']} or {world.source.nics[0]['mac']}")
    passed, detail = verdict(world, "answer-mac-address", "mac")
    assert not passed and detail.endswith(": it gives several MAC addresses; give only the clone's.")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (
            "",
            "No answer has been given yet.",
        ),
        (
            "52:54:00:00:00:01",
            'Read your answer "52:54:00:00:00:01": it is not the address in /sys/class/net/enp1s0/address.',
        ),
    ],
)
def test_answer_mac_address_fails_with_a_wrong_or_no_answer(text, detail):
    assert verdict(answered("clone-identifiers", "mac", text), "answer-mac-address", "mac") == (False, detail)


@pytest.mark.parametrize("scenario", [s["id"] for s in list_scenarios()])
def test_an_empty_answer_is_reported_only_as_missing(scenario):
    world = World.new(scenario)
    for task in world.scenario["tasks"]:
        if "answer" not in task:
            continue
        for item in task["checks"]:
            passed, detail = CHECKS[item["id"]](world, item["params"], "")
            assert (passed, detail) == (False, "No answer has been given yet."), detail
            assert " not " not in detail and "wrong" not in detail, detail


def test_the_family_name_virtio_is_told_apart_from_a_module():
    def detail(task, check, text):
        return verdict(answered("kvm-guest", task, text), check, task)

    assert detail("drivers", "answer-guest-drivers", "virtio") == (
        False,
        'Read your answer "virtio": virtio is the family of this hypervisor\'s drivers; '
        "name one module of it, as lsmod lists it.",
    )
    assert detail("disk", "answer-disk-driver", "virtio") == (
        False,
        'Read your answer "virtio": virtio is the family of this hypervisor\'s drivers; name the one module '
        "of it that handles /dev/vda.",
    )


@pytest.mark.parametrize("text", ["virtio_blk", "virtio-blk", "It is virtio_blk."])
def test_answer_disk_driver_passes(text):
    assert verdict(answered("kvm-guest", "disk", text), "answer-disk-driver", "disk")[0]


def test_answer_disk_driver_refuses_another_loaded_driver():
    assert verdict(answered("kvm-guest", "disk", "virtio_net"), "answer-disk-driver", "disk") == (
        False,
        'Read your answer "virtio_net": virtio_net is loaded, but it does not handle /dev/vda.',
    )
