import pytest
import yaml

from simulator import World, list_scenarios, load_scenario
from simulator.checks import CHECKS
from simulator.scenarios import _validate

REQUIRED = {
    "intel-vtx-host": {"answer-virtualization-capable", "kvm-module-loaded"},
    "amd-v-host": {"answer-cpu-flag", "kvm-module-loaded"},
    "vtx-disabled-host": {"vtx-enabled-in-firmware", "kvm-module-loaded", "dev-kvm-present"},
    "kvm-guest": {"answer-hypervisor", "answer-guest-drivers", "answer-cpu-virtualization"},
    "virtualbox-guest": {"answer-hypervisor", "answer-guest-drivers"},
    "vmware-guest": {"answer-hypervisor", "answer-guest-drivers"},
    "hyperv-guest": {"answer-hypervisor", "answer-guest-drivers"},
    "xen-guest": {"answer-hypervisor", "answer-guest-drivers"},
    "lxc-container": {"answer-container-kind", "answer-container-runtime"},
    "docker-container": {"answer-container-kind", "answer-container-runtime"},
    "kvm-host": {"domain-running", "domain-cloned"},
    "clone-identifiers": {
        "hostname-changed",
        "machine-id-regenerated",
        "ssh-host-keys-regenerated",
        "answer-mac-address",
    },
}


def test_the_required_scenarios_and_check_ids_exist():
    ids = [s["id"] for s in list_scenarios()]
    assert set(REQUIRED) <= set(ids)
    for scenario_id, checks in REQUIRED.items():
        used = {c["id"] for task in load_scenario(scenario_id)["tasks"] for c in task["checks"]}
        assert checks <= used, scenario_id


@pytest.mark.parametrize("scenario_id", sorted(REQUIRED))
def test_every_scenario_starts_and_grades_to_a_low_score(scenario_id):
    world = World.new(scenario_id)
    grade = world.grade()
    assert grade["max_score"] > 0 and grade["score"] < grade["max_score"]
    assert all(
        set(c) == {"id", "task", "title", "passed", "detail", "points", "max_points"} for c in grade["checks"]
    )
    assert all(c["id"] in CHECKS and c["detail"] for c in grade["checks"])
    assert world.story and world.prompt.endswith("$ ")


def test_answers_hints_and_scores():
    world = World.new("intel-vtx-host")
    world.answer("capable", "yes, vmx")
    world.run("sudo modprobe kvm_intel")
    assert world.grade()["score"] == 5
    assert world.take_hint("load-kvm").startswith("lsmod | grep kvm")
    assert world.take_hint("load-kvm").startswith("Files in /etc/modprobe.d/")
    grade = world.grade()
    assert grade["score"] == 3 and grade["tasks"][1] == {
        "id": "load-kvm",
        "title": "Load KVM for this CPU",
        "points": 1.0,
        "max_points": 3,
        "hints_taken": 2,
    }
    world.take_hint("load-kvm")
    world.take_hint("load-kvm")
    assert world.take_hint("load-kvm") == "sudo modprobe kvm_intel"
    assert world.grade()["tasks"][1]["points"] == 0


def test_partial_credit_per_check():
    world = World.new("vtx-disabled-host")
    for line in (
        "sudo reboot --firmware-setup",
        "set vtx on",
        "save",
        "sudo modprobe kvm_intel",
        "sudo modprobe -r kvm_intel",
    ):
        world.run(line)
    world.machine.fs.mknod("/dev/kvm", "chardev", 10, 232, 0o660)
    grade = world.grade()
    assert [c["passed"] for c in grade["checks"]] == [True, False, True]
    assert grade["score"] == 6 and grade["max_score"] == 8


def test_unknown_task_is_refused():
    with pytest.raises(KeyError):
        World.new("kvm-guest").answer("nope", "x")


def test_run_never_raises():
    world = World.new("kvm-guest")
    for line in [
        "",
        "   ",
        "'",
        "$(",
        "nonexistent-command",
        "\x00",
        "a" * 5000,
        "ip",
        "dmidecode -t",
        "ssh-keygen -l",
        "modinfo -F",
        "systemd-detect-virt extra",
    ]:
        assert world.run(line).status is not None


def test_firmware_flow_for_the_vtx_disabled_host():
    world = World.new("vtx-disabled-host")
    assert world.run("sudo modprobe kvm_intel").stderr == (
        "modprobe: ERROR: could not insert 'kvm_intel': Operation not supported\n"
    )
    entered = world.run("sudo systemctl reboot --firmware-setup")
    assert world.mode == "firmware" and world.prompt == "Setup> "
    assert "Intel(R) Virtualization Technology (VT-x)   [Disabled]" in entered.stdout
    assert world.run("set vtx on").stdout.startswith(
        "Intel(R) Virtualization Technology (VT-x) set to [Enabled]"
    )
    assert "[Enabled] *" in world.run("show").stdout
    assert world.run("save").stdout.startswith("Saving configuration changes and resetting...\n")
    assert world.mode == "shell"
    assert " vmx " in world.run("cat /proc/cpuinfo").stdout
    assert world.run("grep -c 'vmx flags' /proc/cpuinfo").stdout == "8\n"
    assert "VMX (outside TXT) disabled by BIOS" not in world.run("sudo dmesg").stdout
    assert world.run("sudo modprobe kvm_intel").status == 0
    assert world.run("ls -l /dev/kvm").stdout.startswith("crw-rw---- 1 root kvm 10, 232")
    assert world.grade()["score"] == world.grade()["max_score"]


def test_firmware_exit_discards_and_wrong_vendor_setting_is_refused():
    world = World.new("vtx-disabled-host")
    world.run("sudo reboot --firmware-setup")
    assert world.run("set svm on").status == 1
    world.run("set vtx on")
    assert world.run("exit").stdout == (
        "Discarding changes and exiting setup...\n\n"
        "guestlab: laptop7 is up again: the terminal logs in to it anew.\n\n"
        "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)\n\n"
    )
    assert world.mode == "shell" and not world.machine.virt_enabled


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        ("set", "Usage: set vtx on|off\n"),
        ("set vtx", "Usage: set vtx on|off\n"),
        ("set vtx on now", "Usage: set vtx on|off\n"),
        ("set svm on", "Unknown setting 'svm': this is an Intel machine, whose switch is vtx\n"),
        (
            "set turbo on",
            "Unknown setting 'turbo'. Settings: vtx (Intel(R) Virtualization Technology (VT-x))\n",
        ),
        ("set vtx maybe", "Unknown value 'maybe' for vtx: use on or off\n"),
        ("boot", "Unknown command 'boot'. Commands: show, set vtx on|off, save, exit\n"),
    ],
)
def test_firmware_setup_explains_its_mistakes(line, stderr):
    world = World.new("vtx-disabled-host")
    world.run("sudo reboot --firmware-setup")
    result = world.run(line)
    assert (result.stdout, result.stderr, result.status) == ("", stderr, 1)
    assert world.mode == "firmware" and not world.machine.setup["virt_enabled"]


def test_firmware_setup_of_a_vm_has_no_virtualization_switch():
    world = World.new("hyperv-guest")
    world.run("sudo reboot --firmware-setup")
    assert world.run("set vtx on").stderr == (
        "A VM's firmware has no virtualization switch: the host decides whether the guest sees "
        "VT-x/AMD-V (nested virtualization)\n"
    )
    assert world.run("boot").stderr == "Unknown command 'boot'. Commands: show, save, exit\n"


@pytest.mark.parametrize("scenario", [s["id"] for s in list_scenarios()])
def test_task_instructions_state_the_goal_not_the_starting_state(scenario):
    for task in load_scenario(scenario)["tasks"]:
        text = " ".join(task["instructions"].split()).lower()
        for phrase in ("not loaded yet", "is not loaded", "keeps it out", "yet here", "if you can"):
            assert phrase not in text, (task["id"], phrase)


@pytest.mark.parametrize("scenario", [s["id"] for s in list_scenarios()])
def test_task_texts_carry_no_markup_the_page_would_show_literally(scenario):
    # The lab page prints instructions and hints as plain text: `hostname web02` showed its backticks.
    data = load_scenario(scenario)
    for task in data["tasks"]:
        for text in (data["story"], task["title"], task["instructions"], *task.get("hints", [])):
            assert "`" not in text and "**" not in text, (task["id"], text)


def test_amd_firmware_uses_svm_mode():
    world = World.new("amd-v-host")
    assert "SVM Mode (AMD-V)" in world.run("sudo systemctl reboot --firmware-setup").stdout
    world.run("set svm off")
    world.run("save")
    assert world.run("sudo modprobe kvm_amd").status == 1
    assert world.run("sudo dmesg | tail -1").stdout.endswith(
        "kvm_amd: SVM disabled (by BIOS) in MSR_VM_CR on CPU 0\n"
    )


def test_clone_story_names_the_source_identifiers():
    world = World.new("clone-identifiers")
    assert world.source.machine_id() in world.story and "web01" in world.story
    assert world.machine.machine_id() == world.source.machine_id()
    assert world.run("cat /etc/ssh/ssh_host_ed25519_key.pub").stdout == world.source.fs.read(
        "/etc/ssh/ssh_host_ed25519_key.pub"
    )
    assert world.machine.disks == world.source.disks
    assert world.machine.nics[0]["mac"] != world.source.nics[0]["mac"]


def test_full_clone_workflow_scores_everything():
    world = World.new("clone-identifiers")
    for line in (
        "sudo hostnamectl set-hostname web02",
        "sudo rm /etc/machine-id",
        "sudo systemd-machine-id-setup",
        "sudo rm /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ecdsa_key /etc/ssh/ssh_host_ed25519_key",
        "sudo ssh-keygen -A",
    ):
        world.run(line)
    world.answer("mac", world.run("cat /sys/class/net/enp1s0/address").stdout)
    grade = world.grade()
    assert grade["score"] == grade["max_score"] == 9


def test_a_vm_firmware_has_no_vtx_switch():
    world = World.new("hyperv-guest")
    screen = world.run("sudo systemctl reboot --firmware-setup").stdout
    assert "Microsoft Corporation Virtual Machine" in screen and "VT-x" not in screen
    assert world.run("set vtx on").status == 1
    world.run("save")
    assert world.mode == "shell" and "vmx" not in world.machine.cpu_flags()


@pytest.mark.parametrize("scenario", list_scenarios(), ids=lambda s: s["id"])
def test_every_scenario_has_a_one_sentence_summary_without_placeholders(scenario):
    summary = scenario["summary"]
    assert summary == load_scenario(scenario["id"])["summary"]
    assert summary[0].isupper() and summary.endswith(".") and summary.count(". ") == 0
    assert "{" not in summary and "\n" not in summary and len(summary) <= 140


def write_scenario(tmp_path, **changes):
    scenario = {
        "id": "demo",
        "title": "Demo",
        "summary": "A demo.",
        "story": "Story.",
        "machine": {"platform": "kvm"},
        "tasks": [],
        **changes,
    }
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in scenario.items() if v is not None}))
    return path


def test_the_loader_requires_a_summary(tmp_path):
    path = write_scenario(tmp_path, summary=None)
    with pytest.raises(ValueError, match="demo.yaml: missing summary"):
        _validate(yaml.safe_load(path.read_text()), path)


@pytest.mark.parametrize("summary", ["", "Clone of {source_hostname}.", "Two\nlines.", 42])
def test_the_loader_refuses_a_summary_that_is_not_one_plain_line(tmp_path, summary):
    path = write_scenario(tmp_path, summary=summary)
    with pytest.raises(ValueError, match="summary must be one line"):
        _validate(yaml.safe_load(path.read_text()), path)


def test_a_plain_summary_loads(tmp_path):
    path = write_scenario(tmp_path)
    assert _validate(yaml.safe_load(path.read_text()), path)["summary"] == "A demo."
