"""A KVM host under libvirt: virsh over its guests, virt-clone, qemu-img, and what a clone shares."""

import json
import xml.etree.ElementTree as ET

import pytest

from simulator import World

IMAGES = "/var/lib/libvirt/images"


@pytest.fixture
def world():
    return World.new("kvm-host")


def _run(world, line):
    result = world.run(line)
    return "".join(text for _, text in result.chunks), result.status


def _domain(world, name):
    return world.machine.hypervisor["domains"][name]


def test_the_learner_reaches_an_empty_session_and_sudo_the_system_guests(world):
    assert _run(world, "virsh list --all") == (" Id   Name   State\n--------------------\n\n", 0)
    table = " Id   Name    State\n------------------------\n 1    web01   running\n -    db01    shut off\n\n"
    assert _run(world, "sudo virsh list --all") == (table, 0)
    assert _run(world, "virsh -c qemu:///system list --all") == (table, 0)  # the learner is in group libvirt
    assert _run(world, "virsh start web01") == ("error: failed to get domain 'web01'\n\n", 1)
    assert _run(world, "sudo virsh list") == (
        " Id   Name    State\n-----------------------\n 1    web01   running\n\n",
        0,
    )
    assert _run(world, "sudo virsh list --state-shutoff --name") == ("db01\n\n", 0)
    assert _run(world, "sudo virsh domstate -- web01") == ("running\n\n", 0)
    assert _run(world, "sudo virsh -q list --all --name") == ("web01\ndb01\n", 0)
    assert _run(world, "sudo virsh -q list --all") == (" 1   web01   running\n -   db01    shut off\n", 0)


def test_without_the_libvirt_group_the_system_socket_is_refused(world):
    world.run("sudo sed -i 's/^libvirt:x:111:learner$/libvirt:x:111:/' /etc/group")
    assert _run(world, "virsh -c qemu:///system list") == (
        "error: failed to connect to the hypervisor\n"
        "error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': Permission denied\n\n",
        1,
    )


def test_virsh_without_libvirtd():
    world = World.new("clone-identifiers")
    world.run("sudo apt-get install -y libvirt-clients")
    output, status = _run(world, "sudo virsh list")
    assert (output, status) == (
        "error: failed to connect to the hypervisor\n"
        "error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n\n",
        1,
    )


def test_dominfo_of_a_running_and_a_shut_off_guest(world):
    web01, db01 = _domain(world, "web01"), _domain(world, "db01")
    assert world.machines["web01"].product_uuid == web01["uuid"]  # the guest's SMBIOS UUID is the domain's
    output, status = _run(world, "sudo virsh dominfo web01")
    assert status == 0
    assert output == (
        "Id:             1\n"
        "Name:           web01\n"
        f"UUID:           {web01['uuid']}\n"
        "OS Type:        hvm\n"
        "State:          running\n"
        "CPU(s):         2\n"
        f"CPU time:       {output.split('CPU time:')[1].split()[0]}\n"
        "Max memory:     2097152 KiB\n"
        "Used memory:    2097152 KiB\n"
        "Persistent:     yes\n"
        "Autostart:      disable\n"
        "Managed save:   no\n"
        "Security model: apparmor\n"
        "Security DOI:   0\n"
        f"Security label: libvirt-{web01['uuid']} (enforcing)\n"
        "\n"
    )
    assert output.split("CPU time:")[1].split()[0].endswith("s")
    assert _run(world, "sudo virsh dominfo db01") == (
        "Id:             -\n"
        "Name:           db01\n"
        f"UUID:           {db01['uuid']}\n"
        "OS Type:        hvm\n"
        "State:          shut off\n"
        "CPU(s):         4\n"
        "Max memory:     4194304 KiB\n"
        "Used memory:    4194304 KiB\n"
        "Persistent:     yes\n"
        "Autostart:      disable\n"
        "Managed save:   no\n"
        "Security model: apparmor\n"
        "Security DOI:   0\n"
        "\n",
        0,
    )
    assert _run(world, f"sudo virsh domstate {db01['uuid']}") == ("shut off\n\n", 0)
    assert _run(world, "sudo virsh domstate 1 --reason") == ("running (booted)\n\n", 0)


def test_interfaces_disks_and_the_default_network(world):
    web01, db01 = _domain(world, "web01"), _domain(world, "db01")
    assert _run(world, "sudo virsh domiflist web01") == (
        " Interface   Type      Source    Model    MAC\n"
        "-------------------------------------------------------------\n"
        f" vnet0       network   default   virtio   {web01['mac']}\n\n",
        0,
    )
    assert _run(world, "sudo virsh domiflist db01")[0].splitlines()[2] == (
        f" -           network   default   virtio   {db01['mac']}"
    )
    assert world.machines["web01"].nics[0]["mac"] == web01["mac"]
    assert _run(world, "sudo virsh domblklist db01") == (
        " Target   Source\n"
        "----------------------------------------------\n"
        f" vda      {IMAGES}/db01.qcow2\n\n",
        0,
    )
    assert _run(world, "sudo virsh net-list") == (
        " Name      State    Autostart   Persistent\n"
        "--------------------------------------------\n"
        " default   active   yes         yes\n\n",
        0,
    )


def test_one_lease_per_running_guest(world):
    web01 = _domain(world, "web01")
    ip = world.machines["web01"].nics[0]["ipv4"]
    client = world.machine.hypervisor["leases"]
    (client_id,) = client
    output, status = _run(world, "sudo virsh net-dhcp-leases default")
    header, dashes, row, blank = output.split("\n")[:4]
    assert header == (
        " Expiry Time           MAC address         Protocol   IP address           Hostname"
        "   Client ID or DUID"
    )
    assert dashes == "-" * 144
    assert row == f" 2024-11-27 11:00:00   {web01['mac']}   ipv4       {ip}/24   web01      {client_id}"
    assert client_id.startswith("ff:") and ":00:02:00:00:ab:11:" in client_id  # networkd's DUID-EN
    world.run("sudo virsh start db01")
    assert len(_run(world, "sudo virsh net-dhcp-leases default")[0].splitlines()) == 5  # two leases
    assert _run(world, "sudo virsh net-dhcp-leases nonet") == (
        "error: failed to get network 'nonet'\n"
        "error: Network not found: no network with matching name 'nonet'\n\n",
        1,
    )


def test_start_shutdown_destroy_reboot_and_their_errors(world):
    assert _run(world, "sudo virsh start web01") == ("error: Domain 'web01' is already active\n\n", 1)
    assert _run(world, "sudo virsh shutdown db01") == (
        "error: Failed to shutdown domain 'db01'\n"
        "error: Requested operation is not valid: domain is not running\n\n",
        1,
    )
    assert _run(world, "sudo virsh destroy db01")[0].startswith("error: Failed to destroy domain 'db01'\n")
    assert _run(world, "sudo virsh reboot db01")[0].startswith("error: Failed to reboot domain 'db01'\n")
    assert _run(world, "sudo virsh start db01") == ("Domain 'db01' started\n\n", 0)
    assert _domain(world, "db01")["id"] == 2
    assert _run(world, "sudo virsh reboot db01") == ("Domain 'db01' is being rebooted\n\n", 0)
    assert _run(world, "sudo virsh shutdown web01") == ("Domain 'web01' is being shutdown\n\n", 0)
    assert _run(world, "sudo virsh destroy db01") == ("Domain 'db01' destroyed\n\n", 0)
    assert _run(world, "sudo virsh list") == (" Id   Name   State\n--------------------\n\n", 0)
    assert _run(world, "sudo virsh start nosuch") == ("error: failed to get domain 'nosuch'\n\n", 1)
    world.run(f"sudo rm {IMAGES}/db01.qcow2")
    assert _run(world, "sudo virsh start db01") == (
        "error: Failed to start domain 'db01'\n"
        f"error: Cannot access storage file '{IMAGES}/db01.qcow2': No such file or directory\n\n",
        1,
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("virsh bogus", "error: unknown command: 'bogus'\n"),
        ("virsh start", "error: command 'start' requires <domain> option\n"),
        ("virsh start a b", "error: unexpected data 'b'\n"),
        ("virsh list --bogus", "error: command 'list' doesn't support option --bogus\n"),
        ("virsh start --domain", "error: expected syntax: --domain <string>\n"),
        ("virsh -c xen:/// list", "error: failed to connect to the hypervisor\n"),
    ],
)
def test_usage_errors_as_virsh_prints_them(world, line, message):
    output, status = _run(world, "sudo " + line)
    assert output.startswith(message) and status == 1


def test_dumpxml_describes_the_domain(world):
    web01 = _domain(world, "web01")
    output, status = _run(world, "sudo virsh dumpxml web01")
    root = ET.fromstring(output)
    assert (root.get("type"), root.get("id")) == ("kvm", "1")
    assert root.findtext("name") == "web01" and root.findtext("uuid") == web01["uuid"]
    assert root.find("memory").text == "2097152" and root.find("memory").get("unit") == "KiB"
    assert root.findtext("vcpu") == "2" and root.findtext("os/type") == "hvm"
    assert root.find("devices/disk/source").get("file") == f"{IMAGES}/web01.qcow2"
    assert root.find("devices/interface/mac").get("address") == web01["mac"]
    assert root.find("devices/interface/source").get("network") == "default"
    assert root.find("devices/interface/model").get("type") == "virtio"
    assert "id=" not in _run(world, "sudo virsh dumpxml db01")[0].splitlines()[0]


def test_console_attaches_to_the_guest_and_exit_comes_back(world):
    assert _run(world, "sudo virsh console web01") == (
        "Connected to domain 'web01'\nEscape character is ^] (Ctrl + ])\n",
        0,
    )
    assert world.prompt == "learner@web01:~$ "
    assert world.run("hostname").stdout == "web01\n"
    assert _run(world, "exit") == ("logout\n", 0)
    assert world.prompt == "learner@kvmhost:~$ "
    assert _run(world, "sudo virsh console db01") == ("error: The domain is not running\n\n", 1)


def test_undefine_a_running_guest_leaves_it_transient_until_it_stops(world):
    assert _run(world, "sudo virsh undefine web01") == ("Domain 'web01' has been undefined\n\n", 0)
    assert "Persistent:     no\n" in world.run("sudo virsh dominfo web01").stdout
    world.run("sudo virsh destroy web01")
    assert _run(world, "sudo virsh dominfo web01") == ("error: failed to get domain 'web01'\n\n", 1)
    assert _run(world, "sudo virsh undefine db01") == ("Domain 'db01' has been undefined\n\n", 0)
    images = "db01.qcow2\nubuntu-24.04.1-live-server-amd64.iso\nweb01.qcow2\n"
    assert world.run(f"sudo ls -1 {IMAGES}").stdout == images  # the disks stay
    assert list(world.machines) == ["main"], "an undefined guest leaves the lab: its state is freed"


def test_guests_cloned_then_undefined_give_their_room_back(world):
    world.run("sudo virsh shutdown web01")
    empty = len(json.dumps(world.to_dict()))
    for name in ("c1", "c2"):
        world.run(f"sudo virt-clone --original web01 --name {name} --auto-clone")
    assert len(json.dumps(world.to_dict())) > empty + 15000
    for name in ("c1", "c2"):
        world.run(f"sudo virsh undefine {name} --remove-all-storage")
    assert len(json.dumps(world.to_dict())) < empty + 1000
    assert (
        World.from_dict(json.loads(json.dumps(world.to_dict()))).run("sudo virsh list --all").stdout
        == (_run(world, "sudo virsh list --all")[0])
    )


def test_a_clone_shares_everything_inside_its_disk(world):
    assert _run(world, "sudo virt-clone --original web01 --name web02 --auto-clone") == (
        "ERROR    Domain to clone must be shutoff.\n",
        1,
    )
    world.run("sudo virsh shutdown web01")
    output, status = _run(world, "sudo virt-clone --original web01 --name web02 --auto-clone")
    assert (output, status) == (
        "\rAllocating 'web02.qcow2'"
        + " " * 35
        + " | 2.1 GB  00:05 ... \n\nClone 'web02' created successfully.\n",
        0,
    )
    web01, web02 = _domain(world, "web01"), _domain(world, "web02")
    assert web02["state"] == "shut off" and web02["disk"] == f"{IMAGES}/web02.qcow2"
    assert web02["uuid"] != web01["uuid"] and web02["mac"] != web01["mac"]
    assert web02["mac"].startswith("52:54:00:")
    world.run("sudo virsh start web01")
    (before,) = _run(world, "sudo virsh net-dhcp-leases default")[0].splitlines()[2:-1]
    world.run("sudo virsh start web02")
    macs = {name: world.run(f"sudo virsh domiflist {name}").stdout.split()[-1] for name in ("web01", "web02")}
    assert macs == {"web01": web01["mac"], "web02": web02["mac"]}
    seen = {}
    for name in ("web01", "web02"):
        world.run(f"sudo virsh console {name}")
        seen[name] = [
            world.run(line).stdout
            for line in ("hostname", "cat /etc/machine-id", "cat /sys/class/net/enp1s0/address")
        ]
        world.run("exit")
    assert seen["web01"][:2] == seen["web02"][:2] == ["web01\n", world.machines["web01"].machine_id() + "\n"]
    assert seen["web01"][2] == web01["mac"] + "\n" and seen["web02"][2] == web02["mac"] + "\n"
    keys = "cat /etc/ssh/ssh_host_ed25519_key.pub"
    assert world.machines["web02"].fs.read(keys.split()[1]) == world.machines["web01"].fs.read(
        keys.split()[1]
    )
    assert world.machines["web02"].disks == world.machines["web01"].disks  # filesystem UUIDs too
    # One machine-id, one DHCP client identifier: dnsmasq hands web02 web01's lease and address.
    leases = _run(world, "sudo virsh net-dhcp-leases default")[0].splitlines()[2:-1]
    assert len(leases) == 1
    # after the expiry: the lease web01 held, now with web02's MAC
    assert leases[0][22:] == before[22:].replace(web01["mac"], web02["mac"])
    assert f"   {web02['mac']}   ipv4       " in leases[0] and "   web01      ff:" in leases[0]
    assert world.machines["web02"].nics[0]["ipv4"] == world.machines["web01"].nics[0]["ipv4"]
    assert _run(world, "sudo virsh list")[0].splitlines()[2:4] == [
        " 2    web01   running",
        " 3    web02   running",
    ]


def test_a_new_machine_id_and_a_reboot_give_the_clone_a_lease_of_its_own(world):
    world.run("sudo virsh shutdown web01")
    world.run("sudo virt-clone --original web01 --name web02 --auto-clone")
    world.run("sudo virsh start web01")
    world.run("sudo virsh start web02")
    world.run("sudo virsh console web02")
    world.run("sudo rm /etc/machine-id && sudo systemd-machine-id-setup && sudo reboot")
    address = world.run("ip -br -4 addr show enp1s0").stdout.split()[2]
    world.run("exit")
    world.run("sudo virsh reboot web01")  # web01 asks again and has its lease back
    leases = world.run("sudo virsh net-dhcp-leases default").stdout.splitlines()[2:-1]
    web01, web02 = _domain(world, "web01"), _domain(world, "web02")
    owners = {line.split()[2]: line.split()[4] for line in leases}
    assert (
        owners[web02["mac"]] == address
        and owners[web01["mac"]] == world.machines["web01"].nics[0]["ipv4"] + "/24"
    )
    assert address != owners[web01["mac"]]


def test_virt_clone_options_and_errors(world):
    world.run("sudo virsh shutdown web01")
    line = f"sudo virt-clone --original db01 --name copy --file {IMAGES}/c.qcow2 --mac 52:54:00:AA:BB:CC"
    assert _run(world, line)[1] == 0
    copy = _domain(world, "copy")
    assert copy["mac"] == "52:54:00:aa:bb:cc" and copy["disk"] == f"{IMAGES}/c.qcow2"
    assert copy["vcpus"] == 4 and copy["memory_kib"] == 4194304
    assert world.machines["copy"].nics[0]["mac"] == "52:54:00:aa:bb:cc"
    assert _run(world, "sudo virt-clone --original db01 --auto-clone --mac 52:54:00:aa:bb:cc") == (
        "ERROR    The MAC address '52:54:00:aa:bb:cc' is in use by another virtual machine. "
        "(Use --check mac_in_use=off or --check all=off to override)\n",
        1,
    )
    assert (
        _run(world, "sudo virt-clone -o db01 --auto-clone -m 52:54:00:aa:bb:cc --check mac_in_use=off")[1]
        == 0
    )
    assert _domain(world, "db01-clone")["mac"] == "52:54:00:aa:bb:cc"  # a duplicate MAC, as asked
    assert _run(world, "sudo virt-clone --original db01 --auto-clone --mac RANDOM")[0].endswith(
        "Clone 'db01-clone1' created successfully.\n"
    )
    assert _run(world, "sudo virt-clone --original db01-clone1 --auto-clone")[0].endswith(
        "Clone 'db01-clone2' created successfully.\n"
    )
    assert _run(world, f"sudo virt-clone --original db01 --name x --file {IMAGES}/web01.qcow2") == (
        f"ERROR    Could not use path '{IMAGES}/web01.qcow2' for cloning: "
        f"Clone onto existing storage volume is not currently supported: '{IMAGES}/web01.qcow2'\n",
        1,
    )
    errors = {
        "-o db01 -n web01 --auto-clone": "Invalid name for new guest: Guest name 'web01' is already in use.",
        "-o nope --auto-clone": "Domain 'nope' was not found.",
        "-o db01": "Either --auto-clone or --file is required, use '--auto-clone or --file' and try again.",
        "--auto-clone": "An original machine name is required, use '--original src_name' and try again.",
        "-o db01 -f /tmp/x.qcow2": (
            "A name is required for the new virtual machine, use '--name NEW_VM_NAME' to specify one."
        ),
        "-o db01 -n z --auto-clone --mac zz": "XML error: unable to parse mac address 'zz'",
        "-o db01 --auto-clone --check bogus=off": "Unknown --check options: ['bogus']",
    }
    for args, message in errors.items():
        assert _run(world, f"sudo virt-clone {args}") == (f"ERROR    {message}\n", 1), args
    assert _run(world, "virt-clone --original db01 --auto-clone") == (
        "ERROR    Domain 'db01' was not found.\n",
        1,
    )
    assert _run(world, "sudo virt-clone --original") == (
        "usage: virt-clone --original [NAME] ...\n"
        "virt-clone: error: argument -o/--original: expected one argument\n",
        2,
    )


def test_qemu_img_info_of_a_guest_disk_and_an_overlay(world):
    assert _run(world, f"qemu-img info {IMAGES}/web01.qcow2") == (
        f"qemu-img: Could not open '{IMAGES}/web01.qcow2': Could not open '{IMAGES}/web01.qcow2': "
        "Permission denied\n",
        1,
    )
    assert _run(world, f"sudo qemu-img info {IMAGES}/web01.qcow2") == (
        f"qemu-img: Could not open '{IMAGES}/web01.qcow2': Failed to get shared \"write\" lock\n"
        f"Is another process using the image [{IMAGES}/web01.qcow2]?\n",
        1,
    )  # web01 runs: QEMU holds its image's write lock
    output, status = _run(world, f"sudo qemu-img info -U {IMAGES}/web01.qcow2")
    assert output.startswith(
        f"image: {IMAGES}/web01.qcow2\nfile format: qcow2\nvirtual size: 25 GiB (26843545600 bytes)\n"
    )
    assert _run(
        world, f"cd {IMAGES} && sudo qemu-img create -f qcow2 -b web01.qcow2 -F qcow2 web03.qcow2"
    ) == (
        "Formatting 'web03.qcow2', fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
        "size=26843545600 backing_file=web01.qcow2 backing_fmt=qcow2 lazy_refcounts=off refcount_bits=16\n",
        0,
    )
    assert _run(world, f"sudo qemu-img info {IMAGES}/web03.qcow2") == (
        f"image: {IMAGES}/web03.qcow2\n"
        "file format: qcow2\n"
        "virtual size: 25 GiB (26843545600 bytes)\n"
        "disk size: 196 KiB\n"
        "cluster_size: 65536\n"
        f"backing file: web01.qcow2 (actual path: {IMAGES}/web01.qcow2)\n"
        "backing file format: qcow2\n"
        "Format specific information:\n"
        "    compat: 1.1\n"
        "    compression type: zlib\n"
        "    lazy refcounts: false\n"
        "    refcount bits: 16\n"
        "    corrupt: false\n"
        "    extended l2: false\n"
        "Child node '/file':\n"
        f"    filename: {IMAGES}/web03.qcow2\n"
        "    protocol type: file\n"
        "    file length: 192 KiB (196608 bytes)\n"
        "    disk size: 196 KiB\n",
        0,
    )


def test_qemu_img_create_and_its_errors(world):
    assert _run(world, "qemu-img create -f qcow2 /tmp/disk.qcow2 10G") == (
        "Formatting '/tmp/disk.qcow2', fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
        "size=10737418240 lazy_refcounts=off refcount_bits=16\n",
        0,
    )
    assert world.run("qemu-img info /tmp/disk.qcow2").stdout.splitlines()[2] == (
        "virtual size: 10 GiB (10737418240 bytes)"
    )
    assert _run(world, "qemu-img create -f qcow2 /tmp/x.qcow2 10Q") == (
        "qemu-img: Invalid image size specified. You may use k, M, G, T, P or E suffixes for\n"
        "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.\n",
        1,
    )
    assert _run(world, "qemu-img create -f qcow2 -b /tmp/disk.qcow2 /tmp/o.qcow2") == (
        "qemu-img: /tmp/o.qcow2: Backing file specified without backing format\n",
        1,
    )
    assert _run(world, "qemu-img info /tmp/none") == (
        "qemu-img: Could not open '/tmp/none': Could not open '/tmp/none': No such file or directory\n",
        1,
    )
    output, status = _run(world, f"qemu-img create -f qcow2 {IMAGES}/new.qcow2 1G")
    assert output.endswith(
        f"qemu-img: {IMAGES}/new.qcow2: Could not create '{IMAGES}/new.qcow2': Permission denied\n"
    )


def test_the_world_with_its_domains_round_trips(world):
    world.run("sudo virsh shutdown web01")
    world.run("sudo virt-clone --original web01 --name web02 --auto-clone")
    world.run("sudo virsh start web02")
    world.run("sudo virsh console web02")
    saved = json.loads(json.dumps(world.to_dict()))
    again = World.from_dict(saved)
    assert again.to_dict() == saved
    assert again.machine.hypervisor == world.machine.hypervisor
    assert again.run("hostname").stdout == "web01\n"  # still on web02's console
    assert again.run("cat /sys/class/net/enp1s0/address").stdout == _domain(world, "web02")["mac"] + "\n"
    again.run("exit")
    assert again.run("sudo virsh list --all --name").stdout == "web02\ndb01\nweb01\n\n"


def test_the_scenario_checks(world):
    failed = {check["id"]: check["passed"] for check in world.grade()["checks"]}
    assert failed == {
        "domain-running": False,
        "domain-cloned": False,
        "distinct-machine-ids": False,
        "distinct-addresses": False,
    }
    for line in (
        "sudo virsh start db01",
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "virsh -c qemu:///system start web02",
        "sudo virsh start web01",
    ):
        world.run(line)
    checks = {check["id"]: (check["passed"], check["detail"]) for check in world.grade()["checks"]}
    address = world.machines["web01"].nics[0]["ipv4"]
    assert checks["distinct-addresses"] == (
        False,
        f"Looked at the IP address of each guest: web01 and web02 share {address}.",
    )
    world.run("sudo virsh console web02")
    for line in ("sudo rm /etc/machine-id", "sudo systemd-machine-id-setup", "sudo reboot", "exit"):
        world.run(line)
    grade = world.grade()
    assert all(check["passed"] for check in grade["checks"]) and grade["score"] == grade["max_score"]


def test_an_empty_machine_id_and_a_reboot_also_gives_the_clone_its_own_address(world):
    for line in (
        "sudo virsh shutdown web01",
        "sudo virt-clone --original web01 --name web02 --auto-clone",
        "sudo virsh start web01",
        "sudo virsh start web02",
        "sudo virsh console web02",
        "sudo tee /etc/machine-id < /dev/null",
    ):
        world.run(line)
    checks = {check["id"]: check["passed"] for check in world.grade()["checks"]}
    assert not checks["distinct-machine-ids"], "an empty file without a reboot is no machine-id yet"
    world.run("sudo reboot")
    checks = {check["id"]: check["passed"] for check in world.grade()["checks"]}
    assert checks["distinct-machine-ids"] and checks["distinct-addresses"]


def test_two_clones_on_one_address_answer_ping_twice():
    world = World.new("kvm-host", seed=1)
    world.run("sudo virsh shutdown web01; sudo virt-clone --original web01 --name web02 --auto-clone")
    world.run("sudo virsh start web01; sudo virsh start web02; sudo virsh start db01")
    leases = world.run("sudo virsh net-dhcp-leases default").stdout
    shared = next(line.split()[4].split("/")[0] for line in leases.splitlines() if " web01 " in line)
    world.run("sudo virsh console db01")
    output = world.run(f"ping -c 2 {shared}").stdout.splitlines()
    assert output[1].startswith(f"64 bytes from {shared}: icmp_seq=1 ttl=64 time=")
    assert output[2].endswith(" ms (DUP!)") and "icmp_seq=1 " in output[2]
    assert output[-2] == "2 packets transmitted, 2 received, +2 duplicates, 0% packet loss, time 1006ms"


def test_ssh_to_an_address_nobody_holds_fails_to_connect_instead_of_resolving(world):
    assert _run(world, "ssh 192.168.122.77") == (
        "ssh: connect to host 192.168.122.77 port 22: No route to host\n",
        255,
    )
    assert _run(world, "ssh 10.9.9.9") == (
        "ssh: connect to host 10.9.9.9 port 22: Connection timed out\n",
        255,
    )
    assert _run(world, "ssh 999.1.1.1") == (
        "ssh: Could not resolve hostname 999.1.1.1: Name or service not known\n",
        255,
    )


def test_ssh_from_a_guest_to_its_host_names_the_address_it_connected_to(world):
    _run(world, "sudo virsh console web01")
    output, _ = _run(world, "ssh 192.168.122.1")
    assert output.startswith(
        "The authenticity of host '192.168.122.1 (192.168.122.1)' can't be established.\n"
    )


def test_qemu_img_info_of_a_whole_backing_chain_and_a_format_given(world):
    world.run("sudo virsh shutdown web01")
    world.run(f"sudo qemu-img create -f qcow2 -b {IMAGES}/web01.qcow2 -F qcow2 {IMAGES}/web03.qcow2")
    output, status = _run(world, f"sudo qemu-img info --backing-chain {IMAGES}/web03.qcow2")
    assert status == 0
    top, base = output.split("\n\n")
    assert top.startswith(f"image: {IMAGES}/web03.qcow2\n") and f"backing file: {IMAGES}/web01.qcow2\n" in top
    assert base.startswith(f"image: {IMAGES}/web01.qcow2\nfile format: qcow2\n")
    raw, _ = _run(world, f"sudo qemu-img info -f raw {IMAGES}/web01.qcow2")
    assert raw.startswith(f"image: {IMAGES}/web01.qcow2\nfile format: raw\nvirtual size: 2.08 GiB")
    assert _run(world, "sudo qemu-img info -f qcow2 /etc/hostname") == (
        "qemu-img: Could not open '/etc/hostname': Image is not in qcow2 format\n",
        1,
    )
    assert _run(world, f"sudo qemu-img info --json {IMAGES}/web01.qcow2")[0].startswith(
        "qemu-img: unrecognized option '--json'\n"
    )
    human = _run(world, f"sudo qemu-img info --output=human {IMAGES}/web01.qcow2")
    assert human == _run(world, f"sudo qemu-img info {IMAGES}/web01.qcow2") and human[1] == 0
    assert _run(world, f"sudo qemu-img info --output yaml {IMAGES}/web01.qcow2") == (
        "qemu-img: --output must be used with human or json as argument.\n",
        1,
    )


def test_domifaddr_from_the_leases_the_neighbour_table_and_the_guest_agent(world):
    mac, header = (
        _domain(world, "web01")["mac"],
        (" Name       MAC address          Protocol     Address\n" + "-" * 79 + "\n"),
    )
    address = world.machines["web01"].nics[0]["ipv4"]
    assert _run(world, "sudo virsh domifaddr web01") == (
        f"{header} vnet0      {mac}    ipv4         {address}/24\n\n",
        0,
    )
    assert _run(world, "sudo virsh domifaddr web01 --source arp") == (header + "\n", 0), "no traffic yet"
    world.run(f"ping -c 1 {address}")
    assert _run(world, "sudo virsh domifaddr web01 --source arp")[0] == (
        f"{header} vnet0      {mac}    ipv4         {address}/0\n\n"
    )
    agent, _ = _run(world, "sudo virsh domifaddr web01 --source agent")
    assert agent.startswith(
        header + " lo         00:00:00:00:00:00    ipv4         127.0.0.1/8\n -          -"
    )
    assert f" enp1s0     {mac}    ipv4         {address}/24\n -          -                    ipv6" in agent
    assert _run(world, "sudo virsh domifaddr db01") == (
        "error: Failed to query for interfaces addresses\n"
        "error: Requested operation is not valid: domain is not running\n\n",
        1,
    )
    assert (
        _run(world, "sudo virsh domifaddr web01 --source dhcp")[0] == "error: Unknown data source 'dhcp'\n\n"
    )


def test_an_overlay_given_no_size_takes_its_backing_file_virtual_size_in_its_format(world):
    """qemu-img 8.2's bdrv_img_create: with -b and no size, the backing file opened with the -F driver
    gives the size (a raw image: the file's length), recorded with its format for info to show."""
    world.run("head -c 5000 /dev/zero > /tmp/base.raw")
    assert _run(world, "cd /tmp && qemu-img create -f qcow2 -F raw -b base.raw overlay.qcow2") == (
        "Formatting 'overlay.qcow2', fmt=qcow2 cluster_size=65536 extended_l2=off compression_type=zlib "
        "size=5000 backing_file=base.raw backing_fmt=raw lazy_refcounts=off refcount_bits=16\n",
        0,
    )
    info = world.run("qemu-img info /tmp/overlay.qcow2").stdout.splitlines()
    assert info[2] == "virtual size: 4.88 KiB (5000 bytes)"
    assert info[5:7] == ["backing file: base.raw (actual path: /tmp/base.raw)", "backing file format: raw"]
    chain = world.run("qemu-img info --backing-chain /tmp/overlay.qcow2").stdout
    assert "\n\nimage: /tmp/base.raw\nfile format: raw\nvirtual size: 4.88 KiB (5000 bytes)\n" in chain
    assert _run(world, "qemu-img create -f qcow2 -F qcow2 -b /tmp/base.raw /tmp/o.qcow2") == (
        "qemu-img: /tmp/o.qcow2: Image is not in qcow2 format\nCould not open backing image.\n",
        1,
    )


@pytest.mark.parametrize(
    "line",
    [
        "virsh --help",
        "virsh -h",
        "virt-clone --help",
        "virt-install --help",
        "virt-sysprep --help",
        "qemu-img --help",
    ],
)
def test_help_of_the_virtualization_tools_shows_their_manual_not_an_error(world, line):
    # As every tool's --help in the simulator: its man page (the real help texts run to pages).
    from simulator.commands import MAN_PAGES

    result = world.run(line)
    assert (result.stdout, result.stderr, result.status) == (MAN_PAGES[line.split()[0]], "", 0)
