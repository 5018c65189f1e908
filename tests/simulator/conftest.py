"""A tiny stand-in machine: just the attributes the shell and the file and text commands use."""

from dataclasses import dataclass, field

import pytest

from simulator.filesystem import FileSystem
from simulator.layout import base_tree
from simulator.shell import Shell

USERS = {
    "root": {"uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash"},
    "learner": {"uid": 1000, "gid": 1000, "home": "/home/learner", "shell": "/bin/bash"},
}
CPUINFO = "processor\t: 0\nflags\t\t: fpu vmx hypervisor\n\nprocessor\t: 1\nflags\t\t: fpu vmx\n"


def build_fs() -> FileSystem:
    fs = FileSystem(base_tree(with_modules=False))
    fs.add_base()
    fs.add_symlink("/bin", "usr/bin")
    fs.add_file(
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\nlearner:x:1000:1000:learner:/home/learner:/bin/bash\n",
    )
    fs.add_file("/etc/group", "root:x:0:\nsudo:x:27:learner\nkvm:x:993:\nlearner:x:1000:\n")
    fs.add_file("/etc/hostname", "lab\n")
    fs.add_file("/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 lab\n")
    fs.add_file("/etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", mode=0o600)
    fs.add_file("/etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAAC3Nz root@lab\n")
    fs.add_dir("/root", mode=0o700)
    fs.add_file("/root/secret.txt", "top secret\n", mode=0o600)
    fs.add_dir("/home/learner", uid=1000, gid=1000)
    fs.add_file("/home/learner/notes.txt", "alpha\nbeta\ngamma\n", uid=1000, gid=1000)
    fs.add_dir("/tmp", mode=0o1777)
    fs.add_generated("/proc/cpuinfo", "cpuinfo")
    fs.mknod("/dev/null", "chardev", 1, 3, 0o666)
    fs.mknod("/dev/kvm", "chardev", 10, 232, 0o660, 0, 993)
    fs.generate = lambda name: CPUINFO
    return fs


@dataclass
class FakeMachine:
    fs: FileSystem = field(default_factory=build_fs)
    hostname: str = "lab"
    users: dict = field(default_factory=lambda: USERS)
    kind: str = "vm"
    disks: list = field(default_factory=list)


@pytest.fixture
def machine():
    return FakeMachine()


@pytest.fixture
def shell(machine):
    return Shell.for_user(machine)


@pytest.fixture
def sh(machine, shell):
    """Run one line as the learner and return its Result."""
    return lambda line: shell.run(machine, line)
