"""Every fill question of the banks, graded on tables of answers that must pass and answers that must not.

Commands are graded by running them on the question's simulated machine (quiz/execution.py): another
spelling of the same command passes, `echo` of the expected text or a command that does something else
does not. Answers that are not commands (a path, a word) are graded by their exact answers and patterns.
"""

from __future__ import annotations

import time

import pytest

from quiz.bank import load_bank
from quiz.execution import SEEDS, _trial
from quiz.grading import grade_fill
from quiz.model import question_from_dict, question_to_dict
from simulator import scenario_check_ids

TABLES: dict[str, tuple[list[str], list[str]]] = {
    # clone-unique-properties
    "fill-dbus-uuidgen-ensure": (
        [
            "dbus-uuidgen --ensure",
            "sudo dbus-uuidgen --ensure",
            "dbus-uuidgen --ensure=/var/lib/dbus/machine-id",
        ],
        ["dbus-uuidgen", "dbus-uuidgen --get", "dbus-uuidgen --ensure=/etc/machine-id", "uuidgen"],
    ),
    "fill-systemd-machine-id-setup": (
        ["systemd-machine-id-setup", "sudo systemd-machine-id-setup", "systemd-machine-id-setup --print"],
        ["systemd-id128 new", "dbus-uuidgen --ensure", "echo uninitialized > /etc/machine-id"],
    ),
    "fill-machine-id-path": (
        ["/etc/machine-id"],
        ["/var/lib/dbus/machine-id", "machine-id", "/etc/machine_id"],
    ),
    "fill-dbus-machine-id-path": (["/var/lib/dbus/machine-id"], ["/etc/machine-id", "/var/lib/dbus"]),
    "fill-ssh-keygen-a": (
        ["ssh-keygen -A", "sudo ssh-keygen -A", "/usr/bin/ssh-keygen -A"],
        ["ssh-keygen", "ssh-keygen -t ed25519 -f /etc/ssh/ssh_host_ed25519_key -N ''", "ssh-keygen -a"],
    ),
    "fill-ssh-keygen-remove-host": (
        [
            "ssh-keygen -R 192.168.122.50",
            "ssh-keygen -R '192.168.122.50'",
            "ssh-keygen -f ~/.ssh/known_hosts -R 192.168.122.50",
            "ssh-keygen -R 192.168.122.50 -f /root/.ssh/known_hosts",
        ],
        ["ssh-keygen -R 192.168.122.51", "ssh-keygen -F 192.168.122.50", "rm ~/.ssh/known_hosts"],
    ),
    "fill-hostnamectl": (
        [
            "hostnamectl set-hostname web02",
            'hostnamectl set-hostname "web02"',
            "sudo hostnamectl hostname web02",
            "hostnamectl --static set-hostname web02",
        ],
        ["hostnamectl set-hostname web03", "echo web02 > /etc/hostname", "hostname web02", "hostnamectl"],
    ),
    "fill-tune2fs-uuid": (
        [
            "tune2fs -U random /dev/vdb1",
            "tune2fs /dev/vdb1 -U $(uuidgen)",
            'tune2fs -U "$(uuidgen)" /dev/vdb1',
            "sudo tune2fs -U random /dev/vdb1",
            "tune2fs -U time /dev/vdb1",
        ],
        ["tune2fs -U random /dev/vda1", "tune2fs -L data /dev/vdb1", "tune2fs -l /dev/vdb1", "uuidgen"],
    ),
    "fill-xfs-admin-uuid": (
        ["xfs_admin -U generate /dev/vdc1", "xfs_admin -U $(uuidgen) /dev/vdc1"],
        ["xfs_admin -U generate /dev/vdb1", "xfs_admin -l /dev/vdc1", "tune2fs -U random /dev/vdc1"],
    ),
    "fill-blkid": (
        ["blkid", "sudo blkid", "/usr/sbin/blkid"],
        ["lsblk", "blkid /dev/vda1", "echo blkid", "lsblk -f"],
    ),
    "fill-virt-sysprep-list": (
        ["virt-sysprep --list-operations"],
        ["virt-sysprep --help", "virt-sysprep", "echo abrt-data"],
    ),
    # guest-integration
    "virtio-disk-name": (["/dev/vda"], ["/dev/sda", "vda", "/dev/vda1", "/dev/xvda"]),
    "fill-vboxguest-module": (["vboxguest"], ["vboxsf", "vboxvideo", "virtualbox", "VBoxGuest"]),
    "fill-dmesg-hypervisor": (
        [
            "dmesg | grep -i hypervisor",
            "sudo dmesg | grep Hypervisor",
            "journalctl -k -g Hypervisor",
            "dmesg -T | grep -i hypervisor",
            "journalctl -k | grep -i hypervisor",
            "dmesg | grep -E 'Hypervisor detected'",
        ],
        ['echo "Hypervisor detected: KVM"', "dmesg", "dmesg | grep -i kvm", "lscpu | grep -i hypervisor"],
    ),
    "fill-dmi-sys-vendor": (
        ["/sys/class/dmi/id/sys_vendor", "/sys/devices/virtual/dmi/id/sys_vendor"],
        ["/sys/class/dmi/id/product_name", "sys_vendor", "/proc/cpuinfo"],
    ),
    "fill-cloud-init-status-wait": (
        ["cloud-init status --wait", "cloud-init status -w", "sudo cloud-init status --wait --long"],
        ["cloud-init status", "cloud-init status --long", "cloud-init init"],
    ),
    "fill-cloud-init-clean-logs": (
        [
            "cloud-init clean --logs",
            "cloud-init clean -l",
            "sudo cloud-init clean --logs",
            "cloud-init clean -ls",
        ],
        ["cloud-init clean", "rm -rf /var/lib/cloud /var/log/cloud-init.log", "cloud-init clean --reboot"],
    ),
    # iaas-elements
    "fill-bucket": (["bucket", "Buckets"], ["container", "volume", "blob"]),
    "fill-elasticity": (["elasticity", "Elasticity"], ["scalability", "elastic", "autoscaling"]),
    "fill-iaas-abbreviation": (["IaaS", "iaas", "Infrastructure as a Service"], ["PaaS", "SaaS", "laaS"]),
    "fill-lsblk-new-volume": (["lsblk", "sudo lsblk", "/usr/bin/lsblk"], ["lsblk -f", "blkid", "fdisk -l"]),
    "fill-mkfs-new-volume": (
        [
            "mkfs.ext4 /dev/vdb",
            "mkfs -t ext4 /dev/vdb",
            "sudo mke2fs -t ext4 /dev/vdb",
            "mkfs.ext4 -L data /dev/vdb",
        ],
        ["mkfs.ext4 /dev/vda", "mkfs.xfs /dev/vdb", "mkfs.ext4 /dev/vdb1", "mount /dev/vdb /mnt"],
    ),
    "fill-nofail-option": (["nofail"], ["noauto", "defaults", "_netdev"]),
    # images-deployment
    "fill-ova-archive-format": (["tar", "TAR", "ustar"], ["zip", "gzip", "ovf"]),
    "fill-tar-list-ova": (
        ["tar -tf appliance.ova", "tar tvf appliance.ova", "tar --list -f appliance.ova"],
        ["tar -xf appliance.ova", "tar -tf appliance.ovf", "unzip -l appliance.ova"],
    ),
    "fill-qemu-img-convert": (
        [
            "qemu-img convert -f vmdk -O qcow2 disk.vmdk disk.qcow2",
            "qemu-img convert disk.vmdk -O qcow2 disk.qcow2",
            "qemu-img convert -p -O qcow2 disk.vmdk disk.qcow2",
            "qemu-img convert -O qcow2 -f vmdk disk.vmdk disk.qcow2",
        ],
        [
            "qemu-img convert -O qcow2 disk.qcow2 disk.vmdk",
            "qemu-img convert -O vmdk disk.vmdk disk.qcow2",
            "cp disk.vmdk disk.qcow2",
            "qemu-img convert -O qcow2 disk.vmdk disk2.qcow2",
        ],
    ),
    "fill-qemu-img-info": (
        ["qemu-img info vm1.qcow2", "qemu-img info -U vm1.qcow2", "sudo qemu-img info vm1.qcow2"],
        ["qemu-img info base.qcow2", "qemu-img check vm1.qcow2", "ls -l vm1.qcow2"],
    ),
    "fill-qemu-img-overlay": (
        [
            "qemu-img create -f qcow2 -b base.qcow2 -F qcow2 vm1.qcow2",
            "qemu-img create -f qcow2 -F qcow2 -b base.qcow2 vm1.qcow2",
            "qemu-img create -b base.qcow2 -F qcow2 -f qcow2 vm1.qcow2",
        ],
        [
            "qemu-img create -f qcow2 vm1.qcow2 20G",
            "qemu-img create -f qcow2 -b base.qcow2 vm1.qcow2",
            "cp base.qcow2 vm1.qcow2",
        ],
    ),
    "fill-docker-pull": (
        ["docker pull nginx", "docker image pull nginx:latest", "sudo docker pull docker.io/library/nginx"],
        ["docker run nginx", "docker pull httpd", "docker push nginx"],
    ),
    "fill-docker-images": (
        ["docker images", "docker image ls", "docker image list -a"],
        ["docker ps", "docker image pull", "docker container ls"],
    ),
    "fill-docker-history": (
        ["docker history nginx", "docker image history --no-trunc nginx"],
        ["docker inspect nginx", "docker history httpd", "docker logs nginx"],
    ),
    "fill-lxc-launch": (
        [
            "lxc launch ubuntu:24.04 web1",
            "lxc launch ubuntu:noble web1",
            "sudo lxc launch ubuntu:24.04 web1",
            "lxc launch ubuntu:n web1",
        ],
        ["lxc launch ubuntu:22.04 web1", "lxc launch ubuntu:24.04 web2", "lxc list", "echo Launching web1"],
    ),
    # vm-and-containers
    "fill-modprobe-kvm-intel": (
        [
            "modprobe kvm_intel",
            "modprobe kvm-intel",
            "sudo modprobe -v kvm_intel",
            "/usr/sbin/modprobe kvm_intel",
        ],
        ["modprobe kvm", "modprobe kvm_amd", "insmod kvm_intel", "modprobe -r kvm_intel"],
    ),
    "fill-modprobe-kvm-amd": (
        ["modprobe kvm_amd", "modprobe kvm-amd", "sudo modprobe kvm_amd"],
        ["modprobe kvm", "modprobe kvm_intel", "modprobe -r kvm_amd"],
    ),
    "fill-lsmod-grep-kvm": (
        [
            "lsmod | grep kvm",
            "lsmod | grep -i KVM",
            "lsmod | grep -E kvm",
            "lsmod | egrep kvm",
            "sudo lsmod | grep kvm",
            "grep kvm /proc/modules",
            "lsmod | grep 'kvm'",
        ],
        ["lsmod", "echo kvm_intel", "lsmod | grep virtio", "modprobe kvm", "lsmod | grep -v kvm"],
    ),
    "fill-cpuinfo-path": (["/proc/cpuinfo"], ["/proc/meminfo", "cpuinfo", "/sys/devices/system/cpu"]),
    "fill-lscpu": (["lscpu", "sudo lscpu", "/usr/bin/lscpu"], ["lscpu -e", "cat /proc/cpuinfo", "lshw"]),
    "fill-systemd-detect-virt": (
        ["systemd-detect-virt", "sudo systemd-detect-virt", "/usr/bin/systemd-detect-virt"],
        ["systemd-detect-virt -c", "echo kvm", "virt-what", "systemd-detect-virt --list"],
    ),
    "fill-detect-container-only": (
        ["systemd-detect-virt --container", "systemd-detect-virt -c", "sudo systemd-detect-virt -c"],
        ["systemd-detect-virt", "systemd-detect-virt --vm", "echo none"],
    ),
    "fill-namespaces-of-shell": (
        ["ls -l /proc/$$/ns", "ls -lh /proc/$$/ns", "ls -la /proc/$$/ns/", "ls -l /proc/self/ns"],
        ["ls /proc/$$/ns", "ls -l /proc/1/ns/net", "cat /proc/$$/ns", "lsns"],
    ),
}


@pytest.fixture(scope="module")
def bank():
    return load_bank(scenario_checks=scenario_check_ids())


def fill_questions():
    return [q for q in load_bank().questions.values() if q.type == "fill"]


def test_every_fill_question_has_a_table(bank):
    fills = {q.id for q in bank.questions.values() if q.type == "fill"}
    assert sorted(fills - TABLES.keys()) == []
    assert sorted(TABLES.keys() - fills) == []


@pytest.mark.parametrize("qid", sorted(TABLES))
def test_answers_accepted_and_refused(bank, qid):
    question = bank.questions[qid]
    accepted, refused = TABLES[qid]
    assert [a for a in accepted if not grade_fill(question, a).correct] == []
    assert [a for a in refused if grade_fill(question, a).correct] == []


@pytest.mark.parametrize("qid", sorted(q.id for q in fill_questions() if q.fill.run))
def test_each_key_does_what_its_question_asks(bank, qid):
    """A key that fails, or changes nothing when it should, would make the comparison meaningless."""
    run = bank.questions[qid].fill.run
    for key in bank.questions[qid].fill.exact:
        tried = _trial(run, key, SEEDS[0])
        assert tried.stdout if run.compare == "output" else tried.changes, f"{qid}: {key!r} did nothing"


def test_echo_of_the_expected_output_is_refused_with_a_reason(bank):
    grade = grade_fill(
        bank.questions["fill-dmesg-hypervisor"], 'echo "[    0.000000] Hypervisor detected: KVM"'
    )
    assert not grade.correct
    assert grade.feedback == (
        "It prints the expected result, but not by asking the system: use the tool the question names.",
    )


def test_a_command_that_fails_says_what_the_machine_answered(bank):
    grade = grade_fill(bank.questions["fill-qemu-img-info"], "qemu-img info vm2.qcow2")
    assert grade.feedback == (
        "On the question's machine this fails: `qemu-img: Could not open 'vm2.qcow2': "
        "Could not open 'vm2.qcow2': No such file or directory`",
    )


def test_junk_and_hostile_answers_are_simply_wrong(bank):
    question = bank.questions["fill-lsmod-grep-kvm"]
    for answer in [
        "",
        "   ",
        "(",
        "lsmod |",
        "while :; do :; done",
        ":(){ :|:& };:",
        "x" * 499,
        "lsmod\ngrep kvm",
    ]:
        assert not grade_fill(question, answer).correct


@pytest.mark.parametrize(
    ("qid", "answer", "advice"),
    [
        ("fill-modprobe-kvm-intel", "sudo modprobe kvm", "`kvm` is the common core"),
        ("fill-modprobe-kvm-amd", "modprobe kvm_intel", "`kvm_intel` is for Intel's VT-x"),
        ("fill-vboxguest-module", "VirtualBox", "the product or the family"),
        ("virtio-disk-name", "/dev/sda", "a `virtio_blk` disk gets a `vd` name"),
    ],
)
def test_a_typical_wrong_answer_gets_the_advice_written_for_it(bank, qid, answer, advice):
    grade = grade_fill(bank.questions[qid], answer)
    assert not grade.correct and advice in grade.feedback[0]


def test_grading_a_command_is_fast_once_its_machine_is_built(bank):
    question = bank.questions["fill-lsmod-grep-kvm"]
    grade_fill(question, "lsmod | grep -i kvm")
    started = time.perf_counter()
    for n in range(20):
        grade_fill(question, f"lsmod | grep -i kvm{' ' * n}| cat")
    assert (time.perf_counter() - started) / 20 < 0.1


def test_a_question_graded_by_running_survives_the_database_round_trip(bank):
    question = bank.questions["fill-tune2fs-uuid"]
    assert question_from_dict(question_to_dict(question)) == question
