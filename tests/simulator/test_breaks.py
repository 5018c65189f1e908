"""The break builder: the instructor's choice of faults and seed builds the same machine every time."""

import pytest

from simulator.breaks import UnknownFault, faults_for, variant_seed
from simulator.world import World


def checks(world: World) -> dict[str, bool]:
    return {check["id"]: check["passed"] for check in world.grade()["checks"]}


def run(world: World, *lines: str) -> None:
    for line in lines:
        world.run(line)


def test_same_recipe_builds_the_same_machine():
    first = World.new("clone-identifiers", seed=7, faults=["same-machine-id", "stale-fstab-uuid"])
    second = World.new("clone-identifiers", seed=7, faults=["same-machine-id", "stale-fstab-uuid"])
    assert first.to_dict() == second.to_dict()


def test_each_student_gets_another_machine_from_the_same_class_seed():
    seeds = {variant_seed(7, student) for student in range(1, 30)}
    assert len(seeds) == 29
    assert variant_seed(7, 3) == variant_seed(7, 3)
    one, two = (
        World.new("clone-identifiers", seed=variant_seed(7, s), faults=["same-ssh-keys"]) for s in (1, 2)
    )
    assert one.machine.nics[0]["mac"] != two.machine.nics[0]["mac"]


def test_a_host_without_faults_has_kvm_loaded_at_boot():
    world = World.new("intel-vtx-host", seed=3, faults=[])
    assert checks(world)["kvm-module-loaded"]
    assert [task["id"] for task in world.scenario["tasks"]] == ["capable", "load-kvm"]


def test_virtualization_off_in_firmware_brings_its_task_and_hides_vmx():
    world = World.new("intel-vtx-host", seed=3, faults=["virt-off"])
    assert [task["id"] for task in world.scenario["tasks"]] == ["capable", "firmware", "load-kvm"]
    assert not checks(world)["vtx-enabled-in-firmware"]
    assert world.run("grep -cw vmx /proc/cpuinfo").stdout == "0\n"


def test_blacklisted_module_is_loaded_by_name():
    world = World.new("amd-v-host", seed=3, faults=["kvm-blacklisted"])
    assert not checks(world)["kvm-module-loaded"]
    assert "blacklist kvm_amd" in world.run("cat /etc/modprobe.d/blacklist-kvm.conf").stdout
    run(world, "sudo modprobe kvm_amd")
    assert checks(world)["kvm-module-loaded"]


def test_wrong_module_must_be_fixed_in_the_configuration_first():
    world = World.new("intel-vtx-host", seed=3, faults=["wrong-kvm-module"])
    result = world.run("sudo modprobe kvm_intel")
    assert "Error running install command '/bin/false' for module kvm_intel" in result.stderr
    assert world.run("cat /etc/modules-load.d/kvm.conf").stdout.endswith("kvm_amd\n")
    run(world, "sudo rm /etc/modprobe.d/kvm.conf", "sudo modprobe kvm_intel")
    assert checks(world)["kvm-module-loaded"]


def test_only_the_chosen_identifiers_are_duplicated():
    world = World.new("clone-identifiers", seed=5, faults=["same-hostname"])
    assert world.machine.hostname == world.source.hostname
    assert world.machine.machine_id() != world.source.machine_id()
    assert [task["id"] for task in world.scenario["tasks"]] == ["hostname", "mac"]


@pytest.mark.parametrize(
    "fix",
    [
        "sudo sed -i 's/^UUID=[^[:space:]]*/LABEL=cloudimg-rootfs/' /etc/fstab",
        'sudo sed -i "s/^UUID=[^[:space:]]*/UUID=$(sudo blkid -s UUID -o value /dev/vda1)/" /etc/fstab',
    ],
)
def test_stale_fstab_uuid_is_fixed_by_label_or_by_the_new_uuid(fix):
    world = World.new("clone-identifiers", seed=5, faults=["stale-fstab-uuid"])
    stale = world.run("head -1 /etc/fstab").stdout.split()[0]
    assert stale == f"UUID={world.source.disks[0]['parts'][0]['uuid']}"
    assert stale.removeprefix("UUID=") not in world.run("sudo blkid").stdout
    assert not checks(world)["fstab-root-current"]
    run(world, fix)
    assert checks(world)["fstab-root-current"]


def test_planted_faults_survive_saving_the_lab():
    world = World.new("clone-identifiers", seed=5, faults=["stale-fstab-uuid"])
    again = World.from_dict(world.to_dict())
    assert [task["id"] for task in again.scenario["tasks"]] == ["mac", "fstab"]


def test_a_fault_the_scenario_cannot_plant_is_refused():
    assert {fault.id for fault in faults_for("clone-identifiers")} >= {"same-ssh-keys", "stale-fstab-uuid"}
    with pytest.raises(UnknownFault):
        World.new("clone-identifiers", seed=5, faults=["virt-off"])
