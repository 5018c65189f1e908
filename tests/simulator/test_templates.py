"""The kvm-templates scenario: a template made properly, three guests deployed from it, and checks that
judge the result whatever way the learner took (two ways each), refusing the tempting shortcuts."""

import pytest

from simulator import World, libvirt

APPS = ("app01", "app02", "app03")
MARK = "urn:guestlab:template"  # the host page's "Make a template": a metadata element on the domain
TEMPLATE = f"virsh metadata base {MARK} --key guestlab --set '<template/>' --config"


@pytest.fixture
def world():
    return World.new("kvm-templates")


def _checks(world):
    return {c["id"]: (c["passed"], c["detail"]) for c in world.grade()["checks"]}


def _run_all(world, lines):
    for line in lines:
        result = world.run(line)
        assert result.status == 0, (line, result.stdout, result.stderr)


def _deploy(world, name, kind="full"):
    """What the panel's Deploy button runs as root on the host."""
    if kind == "linked":
        overlay = f"{libvirt.IMAGES}/{name}.qcow2"
        lines = [
            f"qemu-img create -f qcow2 -F qcow2 -b {libvirt.IMAGES}/base.qcow2 {overlay}",
            f"virt-clone --original base --name {name} --file {overlay} --preserve-data",
        ]
    else:
        lines = [f"virt-clone --original base --name {name} --auto-clone"]
    for line in [*lines, f"virsh metadata {name} {MARK} --remove --config", f"virsh start {name}"]:
        assert world.run_as_root(line).status == 0, line


def _in_guest(world, name, lines):
    _run_all(world, [f"sudo virsh console {name}", *lines])
    world.run("exit")


def test_virt_sysprep_then_per_guest_names_and_keys_pass_every_check(world):
    _run_all(world, ["sudo virt-sysprep -d base"])
    _run_all(world, [f"sudo {TEMPLATE}"])
    for name in APPS:
        _run_all(world, [f"sudo virt-clone --original base --name {name} --auto-clone"])
        _run_all(world, [f"sudo virsh metadata {name} {MARK} --remove --config"])
        _run_all(world, [f"sudo virt-sysprep -d {name} --hostname {name} --enable customize"])
        _run_all(world, [f"sudo virsh start {name}"])
        _in_guest(world, name, ["sudo ssh-keygen -A"])
    checks = _checks(world)
    assert all(passed for passed, _ in checks.values()), checks
    assert checks["distinct-addresses"][1] == "Looked at the IP address of app01, app02, app03: each its own."


def test_generalized_by_hand_and_fixed_inside_each_guest_also_passes(world):
    _run_all(world, ["sudo virsh start base", "sudo virsh console base"])
    _run_all(world, ["sudo tee /etc/machine-id < /dev/null", "sudo rm -f /var/lib/dbus/machine-id"])
    _run_all(world, ["sudo sh -c 'rm /etc/ssh/ssh_host_*'", "exit", "sudo virsh destroy base"])
    _run_all(world, [f"sudo {TEMPLATE}"])
    assert _checks(world)["template-generalized"][0]
    for name, kind in zip(APPS, ("full", "linked", "linked"), strict=True):
        _deploy(world, name, kind)
        _in_guest(
            world, name, [f"sudo hostnamectl set-hostname {name}", "sudo dpkg-reconfigure openssh-server"]
        )
    checks = _checks(world)
    assert all(passed for passed, _ in checks.values()), checks


def test_deploying_an_ungeneralized_template_collides_and_says_so(world):
    _run_all(world, [f"sudo {TEMPLATE}"])
    for name in APPS:
        _deploy(world, name)
    checks = _checks(world)
    assert checks["template-generalized"][0] is False
    assert "/etc/machine-id still holds" in checks["template-generalized"][1]
    assert checks["deployed-guests"][0] and checks["distinct-macs"][0], "virt-clone gives each a MAC"
    machine_id = world.machines["app01"].machine_id()
    assert checks["distinct-machine-ids"] == (
        False,
        f"Looked at the machine-id of each guest: app01 and app02 and app03 share {machine_id}.",
    )
    assert checks["distinct-addresses"][0] is False, "one machine-id, one DHCP lease, one address"
    assert not checks["distinct-host-keys"][0] and not checks["distinct-hostnames"][0]


def test_a_transient_host_name_and_half_the_keys_are_not_enough(world):
    _run_all(world, ["sudo virt-sysprep -d base"])
    _run_all(world, [f"sudo {TEMPLATE}"])
    for name in APPS:
        _deploy(world, name)
        _in_guest(world, name, [f"sudo hostname {name}", "sudo ssh-keygen -A"])
    _in_guest(world, "app03", ["sudo rm /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_rsa_key"])
    checks = _checks(world)
    assert checks["distinct-hostnames"][0] is False, "hostname NAME does not survive a reboot"
    assert "app01 has no host name" in checks["distinct-hostnames"][1]
    assert checks["distinct-host-keys"] == (
        False,
        "Looked at the SSH host keys of each guest: app03 has no SSH host keys.",
    )
    assert checks["distinct-machine-ids"][0] and checks["distinct-addresses"][0]


def test_two_deployed_guests_are_not_three(world):
    _run_all(world, [f"sudo {TEMPLATE}"])
    _deploy(world, "app01")
    _deploy(world, "app02")
    assert _checks(world)["deployed-guests"] == (
        False,
        "3 running guests cloned from base are needed; found app01, app02.",
    )
