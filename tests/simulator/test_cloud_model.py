"""The cloud model: allocation, validation, lifecycles, and nothing half-created when an action is refused."""

import copy

import orjson
import pytest

from simulator.cloud import Cloud, CloudError, NotFound, QuotaExceeded, instances
from simulator.procfs import generate
from simulator.world import Network, World

# Made with OpenSSH 9.6's ssh-keygen; the fingerprints are what `ssh-keygen -lf` printed for them.
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINHHtbgUzzhcQfI/yVEJUT6uOr6H0O15pE1iGVbXF5oa learner@laptop"
ED25519_FP = "SHA256:X2b+KUZRi/nuLAIxpcPUZJ3zYEqM2P9h8wLdabTBrEs"
RSA = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC2QiuZz7OiybaPLtSgyx8z66mdWnjJmfxyvdL0wBENWI/0wGh8B4C5z/oAEO6n"
    "yN7FtfzrZsJIj0t1T8NrLHQCTODZ/sedl+zyRlLokJlrEONSu2YVGZM8Bhu1BbhY3OZjlvsHCXQDXJhRqoo8yRyFpNzOVUzrOCub"
    "oJ0WfrQ0Gp/Bu+WV2emTbLc5qQgJogmTEKCXj0GHJcAlgDpJRYMoNe7kda0AJ94bk4AgV6sE8bfJD342rHSFtXwVcm7zDJvBemJR"
    "+qCmTPyEteH4KfhPlKtE6ySr7VETnfrrfdlcFK8o2uGdjxMxH1vZ+geCAmINuJgZwnZKFZl5ZtaCDfAz rsa@laptop"
)
RSA_FP = "SHA256:SyxR/bw3i+gVyK4Shhtdu6AOII9ghx3bnhqPBHbKZks"
ECDSA = (
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBNerCfLqVQvrpJ30OEqs/6ygIoWw"
    "Uw8+IBS6YgddG4QV1TNIusEKP36GWwrdpXby7MOxQ9p8vbt33BphV2U+/ek= ec@laptop"
)
ECDSA_FP = "SHA256:oEgEL2Ysx8ANVm/E3Ukt/4O0XGAck86e/rUtZSNi65k"


@pytest.fixture
def world():
    world = World.new("kvm-guest", seed=7)
    world.cloud = Cloud.new(world)
    return world


@pytest.fixture
def cloud(world):
    return world.cloud


def unchanged(cloud, action):
    """Run an action that must be refused; return the error, having checked that nothing changed."""
    before = copy.deepcopy(cloud.state)
    machines = set(cloud.world.machines)
    with pytest.raises(CloudError) as refused:
        action()
    assert cloud.state == before
    assert set(cloud.world.machines) == machines
    return refused.value


@pytest.mark.parametrize(
    ("key", "expected", "bits"), [(ED25519, ED25519_FP, 256), (RSA, RSA_FP, 2048), (ECDSA, ECDSA_FP, 256)]
)
def test_keypair_fingerprint_is_what_ssh_keygen_prints(cloud, key, expected, bits):
    keypair = cloud.create_keypair("laptop", key + "\n")
    assert keypair["fingerprint"] == expected
    assert keypair["bits"] == bits


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Paste a public key"),
        ("ssh-ed25519", "no key data"),
        ("ssh-dss AAAAB3NzaC1kc3M= x", "Unknown key type 'ssh-dss'"),
        (ED25519[:60], "not a valid OpenSSH public key"),
        (ED25519.replace("ssh-ed25519", "ssh-rsa", 1), "not a valid OpenSSH public key"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----", "private key"),
        (ED25519 + "\n" + RSA, "single line"),
    ],
)
def test_malformed_keys_are_refused_with_a_reason_and_nothing_saved(cloud, text, says):
    error = unchanged(cloud, lambda: cloud.create_keypair("laptop", text))
    assert says in str(error)
    assert error.field == "public_key"


def test_a_keypair_name_is_taken_once(cloud):
    cloud.create_keypair("laptop", ED25519)
    error = unchanged(cloud, lambda: cloud.create_keypair("laptop", RSA))
    assert str(error) == "Key pair 'laptop' already exists."


def test_subnets_must_not_overlap_and_host_bits_are_refused(cloud):
    net = cloud.create_network("back")
    error = unchanged(cloud, lambda: cloud.create_subnet(net["id"], "back-sub", "10.0.0.128/25"))
    assert "overlaps subnet private-subnet (10.0.0.0/24)" in str(error)
    error = unchanged(cloud, lambda: cloud.create_subnet(net["id"], "back-sub", "10.1.0.5/24"))
    assert "host bits set: the network is 10.1.0.0/24" in str(error)
    assert unchanged(cloud, lambda: cloud.create_subnet(net["id"], "s", "10.1.0.0")).field == "cidr"
    assert "/16 and /29" in str(unchanged(cloud, lambda: cloud.create_subnet(net["id"], "s", "10.0.0.0/8")))


def test_subnet_gateway_and_pool_are_checked(cloud):
    net = cloud.create_network("back")
    error = unchanged(cloud, lambda: cloud.create_subnet(net["id"], "s", "10.1.0.0/24", gateway="10.2.0.1"))
    assert error.field == "gateway"
    error = unchanged(
        cloud,
        lambda: cloud.create_subnet(
            net["id"], "s", "10.1.0.0/24", pool_start="10.1.0.1", pool_end="10.1.0.50"
        ),
    )
    assert "contains the gateway 10.1.0.1" in str(error)
    subnet = cloud.create_subnet(
        net["id"], "s", "10.1.0.0/24", pool_start="10.1.0.100", pool_end="10.1.0.101"
    )
    assert subnet["gateway"] == "10.1.0.1"
    assert subnet["pool"] == ["10.1.0.100", "10.1.0.101"]


def test_addresses_are_allocated_without_collision_and_released(cloud):
    net = cloud.create_network("small")
    cloud.create_subnet(net["id"], "small-sub", "10.9.0.0/24", pool_start="10.9.0.10", pool_end="10.9.0.11")
    first = cloud.launch("a", "debian-12", "m1.small", network="small")
    second = cloud.launch("b", "debian-12", "m1.small", network="small")
    assert (first["fixed_ip"], second["fixed_ip"]) == ("10.9.0.10", "10.9.0.11")
    error = unchanged(cloud, lambda: cloud.launch("c", "debian-12", "m1.small", network="small"))
    assert "No free address is left in subnet small-sub" in str(error)
    cloud.terminate("a")
    assert cloud.launch("c", "debian-12", "m1.small", network="small")["fixed_ip"] == "10.9.0.10"


def test_quota_overflow_says_what_and_creates_nothing(cloud):
    for n in range(4):
        cloud.launch(f"web-{n}", "debian-12", "m1.small")
    error = unchanged(cloud, lambda: cloud.launch("web-4", "debian-12", "m1.small"))
    assert isinstance(error, QuotaExceeded)
    assert str(error) == (
        "Quota exceeded for instances: requested 1, but already used 4 of 4. Delete some instances first."
    )


def test_cores_quota_counts_the_flavor(cloud):
    cloud.launch("big", "ubuntu-24.04", "m1.large")
    error = unchanged(cloud, lambda: cloud.launch("big2", "ubuntu-24.04", "m1.xlarge"))
    assert "Quota exceeded for cores: requested 8, but already used 4 of 8." in str(error)


def test_flavor_too_small_for_image(cloud):
    error = unchanged(cloud, lambda: cloud.launch("r", "rocky-9", "m1.tiny"))
    assert str(error) == "Flavor m1.tiny's disk (1 GB) is too small for image rocky-9, which needs 10 GB."
    assert error.field == "flavor"


def test_unknown_references_are_refused_before_anything_is_made(cloud):
    assert unchanged(
        cloud, lambda: cloud.launch("x", "ubuntu-24.04", "m1.small", security_groups=["web"])
    ).field == ("security_groups")
    assert (
        unchanged(cloud, lambda: cloud.launch("x", "ubuntu-24.04", "m1.small", key_name="nokey")).field
        == "key_name"
    )
    assert "public" in str(
        unchanged(cloud, lambda: cloud.launch("x", "ubuntu-24.04", "m1.small", network="public"))
    )
    assert isinstance(unchanged(cloud, lambda: cloud.find("instances", "ghost")), NotFound)


def test_instance_builds_then_is_active_and_its_machine_is_what_the_console_says(world, cloud):
    instance = cloud.launch("Web_1", "ubuntu-24.04", "m1.medium")
    assert instance["status"] == "building"
    assert not cloud.allows(instance, "tcp", 22, "10.0.0.9")
    world.run("true")
    assert instance["status"] == "building"  # 3 s later: still building
    for _ in range(5):
        world.run("true")
    assert instance["status"] == "active"
    machine = cloud.machine(instance)
    assert machine.hostname == "web-1"
    assert generate(machine, "cpuinfo").count("processor\t:") == 2
    assert " hypervisor " in generate(machine, "cpuinfo")
    assert generate(machine, "dmi:product_name") == "OpenStack Nova\n"
    assert generate(machine, "dmi:sys_vendor") == "OpenStack Foundation\n"
    assert generate(machine, "dmi:product_uuid") == instance["id"] + "\n"
    assert machine.nics[0]["name"] == "ens3"
    assert machine.nics[0]["mac"].startswith("fa:16:3e:")
    assert machine.nics[0]["ipv4"] == instance["fixed_ip"] == "10.0.0.2"
    assert machine.disks[0]["size"] == 40 * (1 << 30)


def test_stop_start_reboot_and_wrong_transitions(cloud):
    instance = cloud.launch("web", "debian-12", "m1.small")
    assert "building, not active" in str(unchanged(cloud, lambda: cloud.stop("web")))
    cloud.settle("web")
    cloud.stop("web")
    assert instance["status"] == "shutoff"
    assert "shut off" not in cloud.console_log("web") and "Power down" in cloud.console_log("web")
    assert "shutoff, not active" in str(unchanged(cloud, lambda: cloud.reboot("web")))
    cloud.start("web")
    assert instance["status"] == "active"
    cloud.reboot("web")
    assert instance["status"] == "rebooting"
    cloud.settle("web")
    assert instance["status"] == "active"
    assert instance["boots"] == 3


def test_console_log_has_kernel_cloud_init_and_login(cloud):
    cloud.launch("web", "debian-12", "m1.small")
    cloud.settle()
    log = cloud.console_log("web")
    assert "OpenStack Foundation OpenStack Nova" in log
    assert "running 'modules:final'" in log
    assert "-----BEGIN SSH HOST KEY FINGERPRINTS-----" in log
    assert log.endswith("Debian GNU/Linux 12 (bookworm) web ttyS0\n\nweb login: ")


def test_security_group_rules_decide_what_reaches_an_instance(cloud):
    cloud.create_security_group("web", "ssh and http")
    cloud.add_rule("web", "tcp", "22", None, "198.51.100.0/24")
    cloud.add_rule("web", "tcp", "http", None, "")
    instance = cloud.launch("web-1", "ubuntu-24.04", "m1.small", security_groups=["default", "web"])
    cloud.settle()
    assert cloud.allows(instance, "tcp", 22, "198.51.100.7")
    assert not cloud.allows(instance, "tcp", 22, "203.0.113.200")
    assert cloud.allows(instance, "tcp", 80, "203.0.113.200")
    assert not cloud.allows(instance, "tcp", 443, "198.51.100.7")
    assert not cloud.allows(instance, "udp", 22, "198.51.100.7")
    other = cloud.launch("db", "ubuntu-24.04", "m1.small")
    cloud.settle()
    assert cloud.allows(other, "tcp", 5432, instance["fixed_ip"])  # default: members reach one another
    assert not cloud.allows(other, "tcp", 5432, "198.51.100.7")


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (("tcp", "0", None, ""), "port_min", "1 to 65535"),
        (("tcp", "80", "22", ""), "port_max", "after its end"),
        (("icmp", "22", None, ""), "port_min", "TCP and UDP only"),
        (("gre", None, None, ""), "protocol", "not one of"),
        (("tcp", "22", None, "10.0.0.300/24"), "remote", "not a CIDR"),
    ],
)
def test_bad_rules_are_refused(cloud, args, field, says):
    cloud.create_security_group("web")
    error = unchanged(cloud, lambda: cloud.add_rule("web", *args))
    assert error.field == field
    assert says in str(error)


def test_a_duplicate_rule_is_refused_as_neutron_does(cloud):
    cloud.create_security_group("web")
    first = cloud.add_rule("web", "tcp", "22", None, "0.0.0.0/0")
    error = unchanged(cloud, lambda: cloud.add_rule("web", "tcp", 22, 22, ""))
    assert str(error) == f"Security group rule already exists. Rule id is {first['id']}."


def test_volumes_attach_as_vdb_then_vdc_and_detach(cloud):
    instance = cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 5)
    cloud.create_volume("logs", "2")
    assert cloud.attach_volume("data", "web")["device"] == "/dev/vdb"
    assert cloud.attach_volume("logs", "web")["device"] == "/dev/vdc"
    machine = cloud.machine(instance)
    assert [(d["name"], d["size"]) for d in machine.disks[1:]] == [("vdb", 5 << 30), ("vdc", 2 << 30)]
    assert machine.fs.exists("/dev/vdb")
    serial = cloud.find("volumes", "data")["id"][:20]  # what virtio-blk reports, as udev names it
    assert machine.fs.nodes[f"/dev/disk/by-id/virtio-{serial}"].target == "../../vdb"
    assert "already attached to web" in str(unchanged(cloud, lambda: cloud.attach_volume("data", "web")))
    assert "detach it first" in str(unchanged(cloud, lambda: cloud.delete_volume("data")))
    cloud.detach_volume("data")
    assert not machine.fs.exists("/dev/vdb")
    assert cloud.attach_volume("data", "web")["device"] == "/dev/vdb"


def test_volume_extend_and_snapshot_rules(cloud):
    cloud.create_volume("data", 5)
    assert "greater than current size (5 GB)" in str(unchanged(cloud, lambda: cloud.extend_volume("data", 5)))
    assert cloud.extend_volume("data", 8)["size"] == 8
    snap = cloud.create_snapshot("data", "data-snap")
    assert snap["size"] == 8
    assert "at least its 8 GB" in str(
        unchanged(cloud, lambda: cloud.create_volume("copy", 4, snapshot="data-snap"))
    )
    assert cloud.create_volume("copy", 8, snapshot="data-snap")["snapshot"] == snap["id"]
    cloud.create_volume("big", 20)
    error = unchanged(cloud, lambda: cloud.create_volume("huge", 20))
    assert "Quota exceeded for gigabytes: requested 20 GB, but already used 44 GB of 60 GB" in str(error)
    assert "whole number of GB" in str(unchanged(cloud, lambda: cloud.create_volume("v", "five")))


def test_terminate_keeps_volumes_and_frees_everything_else(world, cloud):
    instance = cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 5)
    cloud.attach_volume("data", "web")
    floating = cloud.allocate_floating_ip()
    cloud.associate_floating_ip(floating["address"], "web")
    assert cloud.instance_at(floating["address"]) is instance
    cloud.terminate("web")
    assert instance["machine"] not in world.machines
    assert cloud.find("volumes", "data")["status"] == "available"
    assert floating["instance"] is None
    assert cloud.instance_at(floating["address"]) is None
    assert cloud.usage()["instances"] == 0
    with pytest.raises(NotFound):
        cloud.find("instances", "web")


def test_floating_ips_come_from_the_public_range_and_associate_once(cloud):
    cloud.launch("a", "ubuntu-24.04", "m1.small")
    cloud.launch("b", "ubuntu-24.04", "m1.small")
    first = cloud.allocate_floating_ip()
    assert first["address"] == "203.0.113.2"
    cloud.associate_floating_ip(first["address"], "a")
    assert "already associated with a" in str(
        unchanged(cloud, lambda: cloud.associate_floating_ip(first["id"], "b"))
    )
    cloud.allocate_floating_ip()
    cloud.allocate_floating_ip()
    assert "floating IPs" in str(unchanged(cloud, cloud.allocate_floating_ip))


def test_template_carries_the_instance_state_into_new_instances(cloud):
    source = cloud.launch("golden", "debian-12", "m1.small")
    cloud.settle()
    cloud.machine(source).fs.add_file("/etc/motd", "built by the learner\n")
    template = cloud.create_image("golden", "golden-image")
    assert template["visibility"] == "private"
    clone = cloud.launch("web-1", "golden-image", "m1.medium")
    cloud.settle()
    machine = cloud.machine(clone)
    assert machine.fs.read("/etc/motd") == "built by the learner\n"
    assert machine.fs.exists("/var/lib/cloud/instance")
    assert machine.disks[0]["size"] == 40 * (1 << 30)
    assert machine.product_uuid == clone["id"]
    assert clone["fixed_ip"] != source["fixed_ip"]


def test_the_cloud_is_saved_with_the_world(world, cloud):
    cloud.create_keypair("laptop", ED25519)
    cloud.launch("web", "ubuntu-24.04", "m1.small", key_name="laptop", user_data="#cloud-config\n")
    cloud.settle()
    data = orjson.loads(orjson.dumps(world.to_dict()))
    again = World.from_dict(data)
    assert again.to_dict() == data
    assert again.cloud.find("instances", "web")["status"] == "active"
    name = again.cloud.find("instances", "web")["machine"]
    assert Network(again).powered(name)
    again.cloud.stop("web")
    assert not Network(again).powered(name)


def run(world, *lines):
    """Type lines in the terminal; the output of the last."""
    for line in lines:
        result = world.run(line)
    return result.stdout + result.stderr


def test_data_on_a_mounted_volume_survives_detach_reattach_elsewhere_and_termination(world, cloud):
    cloud.launch("web-1", "ubuntu-24.04", "m1.small")
    cloud.launch("web-2", "debian-12", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 5)
    cloud.attach_volume("data", "web-1")
    cloud.open_console("web-1")
    run(world, "sudo mkfs.ext4 /dev/vdb", "sudo mkdir /data", "sudo mount /dev/vdb /data")
    run(world, "echo orders | sudo tee /data/orders.txt", "echo scratch > /home/ubuntu/scratch.txt")
    assert run(world, "df -h /data") == (
        "Filesystem      Size  Used Avail Use% Mounted on\n/dev/vdb        5.0G  152M  4.6G   4% /data\n"
    )
    cloud.detach_volume("data")
    assert run(world, "ls /data; lsblk /dev/vdb") == "lsblk: /dev/vdb: not a block device\n"
    cloud.terminate("web-1")
    cloud.attach_volume("data", "web-2")
    cloud.open_console("web-2")
    assert run(
        world, "sudo mkdir /srv/data", "sudo mount /dev/vdb /srv/data", "cat /srv/data/orders.txt"
    ) == ("orders\n")
    assert "scratch.txt" not in run(world, "ls /home/*")
    clone = cloud.launch("web-1", "ubuntu-24.04", "m1.small")
    cloud.settle()
    assert not cloud.machine(clone).fs.exists("/home/ubuntu/scratch.txt")  # the old root disk is gone


def test_a_volume_in_fstab_is_mounted_again_after_a_reboot(world, cloud):
    cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 5)
    cloud.attach_volume("data", "web")
    cloud.open_console("web")
    run(world, "sudo mkfs.ext4 -L data /dev/vdb", "sudo mkdir /data", "sudo mount LABEL=data /data")
    run(
        world,
        "echo kept | sudo tee /data/kept",
        "echo 'LABEL=data /data ext4 defaults,nofail 0 2' | sudo tee -a /etc/fstab",
    )
    cloud.reboot("web")
    cloud.settle()
    cloud.open_console("web")
    assert run(world, "findmnt -n -o SOURCE /data; cat /data/kept") == "/dev/vdb\nkept\n"


def test_mkfs_prints_mke2fs_statistics_and_mount_refuses_as_util_linux_does(world, cloud):
    cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 1)
    cloud.attach_volume("data", "web")
    cloud.open_console("web")
    assert run(world, "sudo mkdir /data; sudo mount /dev/vdb /data") == (
        "mount: /data: wrong fs type, bad option, bad superblock on /dev/vdb, missing codepage or helper "
        "program, or other error.\n"
        "       dmesg(1) may have more information after failed mount system call.\n"
    )
    output = run(world, "sudo mkfs.ext4 /dev/vdb")
    assert output.startswith(
        "mke2fs 1.47.0 (5-Feb-2023)\nCreating filesystem with 262144 4k blocks and 65536 inodes\n"
    )
    assert output.endswith(
        "Superblock backups stored on blocks: \n\t32768, 98304, 163840, 229376\n\n"
        "Allocating group tables: done\nWriting inode tables: done\nCreating journal (8192 blocks): done\n"
        "Writing superblocks and filesystem accounting information: done\n\n"
    )
    assert run(world, "sudo mount /dev/vdb /nowhere") == "mount: /nowhere: mount point does not exist.\n"
    assert run(world, "sudo mkfs.ext4 /dev/vdb < /dev/null; echo $?") == (
        "mke2fs 1.47.0 (5-Feb-2023)\n/dev/vdb contains a ext4 file system\n"
        "\tcreated on Wed Nov 27 10:00:03 2024\n"
        "Proceed anyway? (y,N) 1\n"
    )


def test_a_reboot_typed_in_the_guest_mounts_the_fstab_volume_again(world, cloud):
    cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 5)
    cloud.attach_volume("data", "web")
    cloud.open_console("web")
    run(world, "sudo mkfs.ext4 -q /dev/vdb", "sudo mkdir /data", "sudo mount /dev/vdb /data")
    run(world, "echo kept | sudo tee /data/kept", "sudo umount /data")
    assert run(world, "ls /data") == ""
    run(world, "echo '/dev/vdb /data ext4 defaults 0 2' | sudo tee -a /etc/fstab", "sudo reboot")
    cloud.open_console("web")
    assert run(world, "cat /data/kept") == "kept\n"


def test_machines_of_new_instances_never_take_a_live_ones_name(world, cloud):
    cloud.state["quotas"].update(instances=10, cores=10, ram=20480)
    for n in range(10):  # as many deleted instances as the cloud remembers
        cloud.launch(f"old{n}", "debian-12", "m1.small")
        cloud.terminate(f"old{n}")
    cloud.launch("a", "debian-12", "m1.small")
    cloud.launch("b", "debian-12", "m1.small")
    keep = cloud.launch("keep", "debian-12", "m1.small")
    cloud.terminate("a")
    cloud.terminate("b")  # the oldest deleted records are forgotten
    cloud.launch("c", "debian-12", "m1.small")
    fresh = cloud.launch("fresh", "debian-12", "m1.small")
    assert fresh["machine"] != keep["machine"]
    assert world.machines[keep["machine"]].hostname == "keep"


def test_a_mount_hides_what_the_directory_held_until_it_is_unmounted(world, cloud):
    cloud.launch("web", "ubuntu-24.04", "m1.small")
    cloud.settle()
    cloud.create_volume("data", 1)
    cloud.attach_volume("data", "web")
    cloud.open_console("web")
    run(world, "sudo mkfs.ext4 -q /dev/vdb", "sudo mkdir /data", "echo root-disk | sudo tee /data/local")
    run(world, "sudo mount /dev/vdb /data", "echo volume | sudo tee /data/remote")
    assert run(world, "ls /data") == "remote\n"
    assert run(world, "sudo umount /data; ls /data") == "local\n"
    cloud.detach_volume("data")
    assert cloud.find("volumes", "data")["files"].keys() == {"remote"}


def test_an_instance_from_a_debian_template_logs_in_as_debian(world, cloud):
    cloud.launch("golden", "debian-12", "m1.small")
    cloud.settle()
    cloud.create_image("golden", "shop-image")
    clone = cloud.launch("shop-1", "shop-image", "m1.small")
    cloud.settle()
    assert cloud.open_console("shop-1") == "debian"
    assert instances.seed(cloud, clone)["image"] == "debian-12"
    assert "ubuntu" not in cloud.machine(clone).users


def test_a_refusal_names_an_instance_or_an_image_with_its_article(cloud):
    bad = unchanged(cloud, lambda: cloud.launch("bad name!", "debian-12", "m1.small"))
    assert str(bad).startswith("An instance name is 1 to 63 letters")
    cloud.launch("web1", "debian-12", "m1.small")
    taken = unchanged(cloud, lambda: cloud.launch("web1", "debian-12", "m1.small"))
    assert str(taken) == "An instance named 'web1' already exists; choose another name."
    volume = unchanged(cloud, lambda: cloud.create_volume("bad name!", 1))
    assert str(volume).startswith("A volume name is")
