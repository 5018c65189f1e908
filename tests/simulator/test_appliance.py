"""The host page's world operations: a line run as root beside the terminal, OVA export and import."""

import pytest

from simulator import World, libvirt
from simulator.appliance import ApplianceError, export_domain, import_domain


@pytest.fixture
def world():
    return World.new("kvm-host")


def test_a_line_run_as_root_leaves_the_terminal_alone(world):
    world.run("cd /tmp")
    result = world.run_as_root("virsh start db01")
    assert (result.stdout, result.status) == ("Domain 'db01' started\n\n", 0)
    assert world.shell.history == ["cd /tmp"] and world.shell.cwd == "/tmp"
    assert world.run("sudo virsh domstate db01").stdout == "running\n\n"


def test_shutting_down_a_guest_ends_the_console_open_on_it(world):
    world.run("sudo virsh console web01")
    assert world.prompt.startswith("learner@web01:")
    world.run_as_root("virsh shutdown web01")
    assert world.prompt.startswith("learner@kvmhost:")


def test_an_exported_guest_imports_under_a_new_name(world):
    host = world.machine
    data = export_domain(host, "db01")
    assert import_domain(host, data, "db02").name == "db02"
    db01, db02 = libvirt.domains(host)["db01"], libvirt.domains(host)["db02"]
    assert (db02["vcpus"], db02["memory_kib"], db02["mac"], db02["state"]) == (
        4,
        4096 * 1024,
        db01["mac"],
        "shut off",
    )
    assert db02["uuid"] != db01["uuid"]
    assert (
        libvirt.parse_image(host.fs.read(db02["disk"]))["size"]
        == libvirt.parse_image(host.fs.read(db01["disk"]))["size"]
    )
    assert world.machines["db02"].fs.read("/etc/hostname") == "db01\n", "the guest's own, from its disk"


def test_a_refused_import_changes_nothing(world):
    host = world.machine
    data = export_domain(host, "db01")
    before = world.to_dict()
    with pytest.raises(ApplianceError, match="domain 'db01' already exists with uuid"):
        import_domain(host, data)
    with pytest.raises(ApplianceError, match="invalid VM name"):
        import_domain(host, data, "no/slashes")
    with pytest.raises(ApplianceError, match="manifest digest mismatch"):
        import_domain(host, data.replace(b"KDMV", b"KDMW"), "db02")
    assert world.to_dict() == before


def test_a_running_guest_is_not_exported(world):
    with pytest.raises(ApplianceError, match="shut it down first"):
        export_domain(world.machine, "web01")
