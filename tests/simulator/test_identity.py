import base64
import hashlib
import re

from simulator import Result, World
from simulator.keys import MACHINE_ID


def independent_fingerprint(pub_line: str) -> str:
    blob = base64.b64decode(pub_line.split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def test_host_key_files_use_the_openssh_wire_format():
    world = World.new("kvm-guest")
    for kind, name in (("ed25519", "ssh-ed25519"), ("ecdsa", "ecdsa-sha2-nistp256"), ("rsa", "ssh-rsa")):
        pub = world.run(f"cat /etc/ssh/ssh_host_{kind}_key.pub").stdout
        blob = base64.b64decode(pub.split()[1])
        assert pub.startswith(name + " ") and pub.endswith(" root@web01\n")
        assert blob[4 : 4 + len(name)] == name.encode()
        private = world.run(f"sudo cat /etc/ssh/ssh_host_{kind}_key").stdout
        assert private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert world.run("cat /etc/ssh/ssh_host_rsa_key").stderr.endswith("Permission denied\n")


def test_ssh_keygen_fingerprints_are_real_sha256():
    world = World.new("kvm-guest")
    pub = world.run("cat /etc/ssh/ssh_host_ed25519_key.pub").stdout
    assert world.run("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub") == Result(
        f"256 {independent_fingerprint(pub)} root@web01 (ED25519)\n", "", 0
    )
    rsa = world.run("ssh-keygen -l -f /etc/ssh/ssh_host_rsa_key").stdout
    assert rsa.startswith("3072 SHA256:") and rsa.endswith(" root@web01 (RSA)\n")
    assert world.run("ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub").stdout.startswith("256 SHA256:")
    assert world.run("ssh-keygen -lf /nope").status == 255


def test_ssh_keygen_A_generates_only_missing_or_empty_keys():
    world = World.new("kvm-guest")
    assert world.run("sudo ssh-keygen -A") == Result("", "", 0)
    world.run("sudo rm /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_rsa_key.pub")
    world.run("sudo cp /dev/null /etc/ssh/ssh_host_ed25519_key")
    assert world.run("sudo ssh-keygen -A") == Result(
        "ssh-keygen: generating new host keys: RSA ED25519 \n", "", 0
    )
    assert world.run("ls /etc/ssh/ssh_host_rsa_key.pub").status == 0


def test_ssh_keygen_A_as_learner_cannot_save():
    world = World.new("kvm-guest")
    world.run("sudo rm /etc/ssh/ssh_host_ecdsa_key")
    result = world.run("ssh-keygen -A")
    assert result.stdout == "ssh-keygen: generating new host keys: ECDSA \n" and result.status == 1
    assert result.stderr.startswith("Could not save your private key in /etc/ssh/ssh_host_ecdsa_key.")
    assert result.stderr.endswith(": Permission denied\r\n")


def test_ssh_keygen_errors_end_in_crlf_like_openssh_log():
    world = World.new("kvm-guest")
    assert world.run("ssh-keygen -lf /x") == Result("", "ssh-keygen: /x: No such file or directory\r\n", 255)
    assert world.run("ssh-keygen -lf /etc/hostname") == Result(
        "", "/etc/hostname is not a public key file.\r\n", 255
    )


def test_ssh_keygen_R_forgets_a_host():
    world = World.new("kvm-guest")
    world.run("mkdir ~/.ssh")
    world.run("echo '192.168.122.50 ssh-ed25519 AAAAC3Nza' > ~/.ssh/known_hosts")
    assert world.run("ssh-keygen -R 192.168.122.50") == Result(
        "# Host 192.168.122.50 found: line 1\n/home/learner/.ssh/known_hosts updated.\n"
        "Original contents retained as /home/learner/.ssh/known_hosts.old\n",
        "",
        0,
    )
    assert world.run("cat ~/.ssh/known_hosts").stdout == ""


def test_hostname_prints_and_only_root_sets_it():
    world = World.new("kvm-guest")
    assert world.run("hostname") == Result("web01\n", "", 0)
    assert world.run("hostname web02") == Result(
        "", "hostname: you must be root to change the host name\n", 1
    )
    assert world.run("sudo hostname web02") == Result("", "", 0)
    assert world.run("cat /etc/hostname").stdout == "web01\n"
    assert world.run("hostname -I").stdout == world.machine.nics[0]["ipv4"] + " \n"


def test_hostnamectl_status_block():
    world = World.new("hyperv-guest")
    lines = world.run("hostnamectl").stdout.splitlines()
    assert lines[:3] == [
        " Static hostname: files02",
        "       Icon name: computer-vm",
        "         Chassis: vm 🖴",
    ]
    assert f"      Machine ID: {world.machine.machine_id()}" in lines
    assert "  Virtualization: microsoft" in lines
    assert " Hardware Vendor: Microsoft Corporation" in lines
    assert "  Hardware Model: Virtual Machine" in lines
    assert "Firmware Version: Hyper-V UEFI Release v4.1" in lines


def test_hostnamectl_shows_a_transient_name_that_differs():
    world = World.new("kvm-guest")
    world.run("sudo hostname temp")
    assert world.run("hostnamectl").stdout.startswith("   Static hostname: web01\nTransient hostname: temp\n")


def test_hostnamectl_set_hostname_needs_root_and_persists():
    world = World.new("kvm-guest")
    assert world.run("hostnamectl set-hostname web02") == Result(  # set_hostname() sets the pretty name first
        "", "Could not set pretty hostname: Access denied\n", 1
    )
    assert world.run("hostnamectl --static set-hostname web02").stderr == (
        "Could not set static hostname: Access denied\n"
    )
    assert world.run("sudo hostnamectl set-hostname web02") == Result("", "", 0)
    assert world.run("cat /etc/hostname").stdout == "web02\n"
    world.run("sudo reboot")
    assert world.run("hostname").stdout == "web02\n"


def test_dbus_uuidgen_prints_a_new_id_and_never_overwrites():
    world = World.new("kvm-guest")
    new = world.run("dbus-uuidgen").stdout.strip()
    assert MACHINE_ID.fullmatch(new) and new != world.machine.machine_id()
    before = world.machine.machine_id()
    assert world.run("sudo dbus-uuidgen --ensure=/etc/machine-id") == Result("", "", 0)
    assert world.machine.machine_id() == before
    assert world.run("dbus-uuidgen --get").stdout == before + "\n"


def test_dbus_uuidgen_ensure_replaces_a_dangling_link_by_a_file():
    world = World.new("kvm-guest")
    world.run("sudo rm /etc/machine-id")
    world.run("sudo dbus-uuidgen --ensure")
    assert world.machine.fs.lstat("/var/lib/dbus/machine-id").kind == "file"
    assert not world.machine.fs.exists("/etc/machine-id")


def test_systemd_machine_id_setup():
    world = World.new("vmware-guest")
    old = world.machine.machine_id()
    assert world.run("sudo systemd-machine-id-setup") == Result("", "", 0)
    world.run("sudo rm /etc/machine-id")
    assert world.run("systemd-machine-id-setup") == Result(
        "", "Cannot open /etc/machine-id: Permission denied\n", 1
    )
    assert world.run("sudo systemd-machine-id-setup") == Result(
        "", "Initializing machine ID from random generator.\n", 0
    )
    assert MACHINE_ID.fullmatch(world.machine.machine_id()) and world.machine.machine_id() != old
    assert world.run("cat /var/lib/dbus/machine-id").stdout == world.machine.machine_id() + "\n"


def test_systemd_machine_id_setup_uses_the_kvm_uuid():
    world = World.new("kvm-guest")
    world.run("sudo rm /etc/machine-id")
    assert world.run("sudo systemd-machine-id-setup --print") == Result(
        world.machine.product_uuid.replace("-", "") + "\n", "Initializing machine ID from VM UUID.\n", 0
    )


def test_dbus_uuidgen_ensure_copies_the_systemd_id_into_a_missing_dbus_file():
    world = World.new("kvm-guest")
    machine_id = world.machine.machine_id()
    world.run("sudo rm /var/lib/dbus/machine-id")
    assert world.run("sudo dbus-uuidgen --ensure") == Result("", "", 0)
    assert world.run("cat /var/lib/dbus/machine-id").stdout == machine_id + "\n"
    assert world.machine.fs.lstat("/var/lib/dbus/machine-id").kind == "file"
    assert world.machine.fs.lstat("/var/lib/dbus/machine-id").mode & 0o777 == 0o644


def test_dbus_uuidgen_ensure_never_writes_etc_machine_id():
    world = World.new("kvm-guest")
    world.run("sudo rm -f /etc/machine-id /var/lib/dbus/machine-id")
    assert world.run("sudo dbus-uuidgen --ensure") == Result("", "", 0)
    new = world.run("cat /var/lib/dbus/machine-id").stdout.strip()
    assert MACHINE_ID.fullmatch(new)
    assert not world.machine.fs.exists("/etc/machine-id")


def test_dbus_uuidgen_ensure_file_refuses_an_empty_file():
    world = World.new("kvm-guest")
    world.run("sudo rm /etc/machine-id")
    world.run("sudo touch /etc/machine-id")
    assert world.run("sudo dbus-uuidgen --ensure=/etc/machine-id") == Result(
        "",
        "UUID file '/etc/machine-id' should contain a hex string of length 32, not length 0, "
        "with no other text\n",
        1,
    )


def test_dbus_uuidgen_get_names_both_files_when_neither_holds_an_id():
    world = World.new("kvm-guest")
    world.run("sudo rm -f /etc/machine-id /var/lib/dbus/machine-id")
    assert world.run("dbus-uuidgen --get") == Result(
        "",
        "D-Bus library appears to be incorrectly set up: see the manual page for dbus-uuidgen to correct "
        'this issue. (Failed to open "/var/lib/dbus/machine-id": No such file or directory; '
        'Failed to open "/etc/machine-id": No such file or directory)\n',
        1,
    )
    both = world.run("dbus-uuidgen --get --ensure")
    assert both == Result("", "Can't specify both --get and --ensure\n", 1)


def test_groups_lists_group_names_for_the_session_and_for_named_users():
    world = World.new("intel-vtx-host")
    assert world.run("groups").stdout == "learner adm cdrom sudo dip lxd\n"
    result = world.run("groups root learner nobody ghost")
    assert result.stdout == "root : root\nlearner : learner adm cdrom sudo dip lxd\nnobody : nogroup\n"
    assert (result.stderr, result.status) == ("groups: 'ghost': no such user\n", 1)


def test_etc_ssh_holds_the_configuration_beside_the_host_keys():
    world = World.new("kvm-guest")
    names = world.run("ls /etc/ssh").stdout.split()
    for name in ("moduli", "ssh_config", "ssh_config.d", "sshd_config", "sshd_config.d", "ssh_import_id"):
        assert name in names
    listing = world.run("ls -l /etc/ssh").stdout
    assert "-rw------- 1 root root" in listing and "drwxr-xr-x 2 root root 4096" in listing
    assert (
        world.run("cat /etc/ssh/sshd_config.d/60-cloudimg-settings.conf").stdout
        == "PasswordAuthentication no\n"
    )


def test_ssh_keygen_generates_a_user_key_pair_with_openssh_messages():
    world = World.new("kvm-guest")
    result = world.run("ssh-keygen -t ed25519 -N '' -C me@lab")
    assert result.stdout == "Generating public/private ed25519 key pair.\n"
    assert world.prompt == "Enter file in which to save the key (/home/learner/.ssh/id_ed25519): "
    result = world.run("")  # Enter: the default
    lines = ["", "", *result.stdout.splitlines()]
    assert lines[2] == "Your identification has been saved in /home/learner/.ssh/id_ed25519"
    assert lines[3:5] == [
        "Your public key has been saved in /home/learner/.ssh/id_ed25519.pub",
        "The key fingerprint is:",
    ]
    assert lines[5].startswith("SHA256:") and lines[5].endswith(" me@lab")
    assert lines[6:8] == ["The key's randomart image is:", "+--[ED25519 256]--+"]
    assert all(len(row) == 19 and row[0] == row[-1] == "|" for row in lines[8:17])
    assert lines[17:] == ["+----[SHA256]-----+"]
    assert "".join(lines[8:17]).count("S") == 1 and "E" in "".join(lines[8:17])
    assert result.stderr == "Created directory '/home/learner/.ssh'.\r\n" and result.status == 0
    listing = world.run("ls -l ~/.ssh").stdout.splitlines()
    assert listing[1].startswith("-rw------- 1 learner learner ") and listing[1].endswith(" id_ed25519")
    assert listing[2].startswith("-rw-r--r-- 1 learner learner ")
    public = world.run("cat ~/.ssh/id_ed25519.pub").stdout
    assert world.run("ssh-keygen -y -f ~/.ssh/id_ed25519").stdout == public
    fingerprint = lines[5].split()[0]
    assert world.run("ssh-keygen -lf ~/.ssh/id_ed25519.pub").stdout == f"256 {fingerprint} me@lab (ED25519)\n"


def test_ssh_keygen_asks_before_overwriting_and_quiet_prints_nothing():
    world = World.new("kvm-guest")
    assert world.run("ssh-keygen -q -t rsa -b 4096 -f /tmp/k -N secret") == Result("", "", 0)
    assert world.run("ssh-keygen -lf /tmp/k.pub").stdout.startswith("4096 SHA256:")
    again = world.run("ssh-keygen -q -f /tmp/k -N ''")
    assert again.stdout == "/tmp/k already exists.\n" and world.prompt == "Overwrite (y/n)? "
    assert world.run("n") == Result("", "", 1)
    assert world.run("echo y | ssh-keygen -q -f /tmp/k -N ''").status == 0
    assert world.run("ssh-keygen -lf /tmp/k.pub").stdout.startswith("256 SHA256:")


def test_ssh_keygen_md5_fingerprint_and_errors():
    world = World.new("kvm-guest")
    md5 = world.run("ssh-keygen -E md5 -lf /etc/ssh/ssh_host_ed25519_key.pub").stdout
    assert re.fullmatch(r"256 MD5:([0-9a-f]{2}:){15}[0-9a-f]{2} root@\S+ \(ED25519\)\n", md5)
    assert world.run("ssh-keygen -y -f /etc/passwd") == Result(
        "", 'Load key "/etc/passwd": error in libcrypto\r\n', 255
    )
    assert (
        world.run("ssh-keygen -f /etc/k -N ''").stderr == 'Saving key "/etc/k" failed: Permission denied\r\n'
    )
    assert world.run("ssh-keygen -t rsa -b 512").stderr == "Invalid RSA key length: minimum is 1024 bits\r\n"
    too_many = world.run("ssh-keygen key.pub")
    assert too_many.stderr.startswith("Too many arguments.\r\nusage: ssh-keygen [-q] [-a rounds]")
    assert too_many.status == 1
    assert world.run("ssh-keygen -j").stderr.startswith("unknown option -- j\nusage: ")


def test_ssh_keygen_y_ignores_a_private_key_others_can_read():
    world = World.new("kvm-guest")
    world.run("ssh-keygen -q -f /tmp/k -N '' && chmod 644 /tmp/k")
    result = world.run("ssh-keygen -y -f /tmp/k")
    assert result.stderr.split("\r\n")[1] == "@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @"
    assert result.stderr.endswith(
        "Permissions 0644 for '/tmp/k' are too open.\r\n"
        "It is required that your private key files are NOT accessible by others.\r\n"
        "This private key will be ignored.\r\n"
        'Load key "/tmp/k": bad permissions\r\n'
    )
    assert result.status == 255


def test_hostnamectl_prints_one_name_per_flag():
    world = World.new("kvm-guest")
    world.run("sudo hostname temp")
    assert world.run("hostnamectl --static") == Result("web01\n", "", 0)
    assert world.run("hostnamectl --transient") == Result("temp\n", "", 0)
    assert world.run("hostnamectl hostname --pretty") == Result("\n", "", 0)
    assert world.run("hostnamectl --static --pretty") == Result(
        "", "Cannot query more than one name type at a time\n", 1
    )
    assert world.run("hostnamectl --bogus") == Result("", "hostnamectl: unrecognized option '--bogus'\n", 1)


def test_hostnamectl_turns_a_free_form_name_into_pretty_and_static_names():
    world = World.new("kvm-guest")
    assert world.run("sudo hostnamectl hostname 'Web Server 2'") == Result("", "", 0)
    assert (
        world.run("cat /etc/hostname /etc/machine-info").stdout
        == 'WebServer2\nPRETTY_HOSTNAME="Web Server 2"\n'
    )
    assert world.run("hostnamectl").stdout.startswith(
        " Static hostname: WebServer2\n Pretty hostname: Web Server 2\n"
    )
    assert world.run("hostname").stdout == "WebServer2\n"
    assert world.run("sudo hostnamectl set-hostname web03 && ls /etc/machine-info").status == 2
    hint = world.run("sudo hostnamectl --transient hostname tmp1")
    assert hint.stderr.endswith(
        "Hint: static hostname is already set, so the specified transient hostname will not be used.\n"
    )
    assert world.run("hostname").stdout == "web03\n"


def test_ssh_keygen_takes_an_empty_option_value():
    world = World.new("kvm-guest")
    assert world.run("ssh-keygen -R ''").status == 255
    assert world.run("ssh-keygen -q -N '' -f /tmp/k") == Result("", "", 0)


def test_ssh_keygen_ecdsa_sizes_pick_the_curve():
    world = World.new("kvm-guest")
    assert world.run("ssh-keygen -q -t ecdsa -b 521 -N '' -f /tmp/e").status == 0
    assert world.run("cat /tmp/e.pub").stdout.startswith("ecdsa-sha2-nistp521 ")
    assert world.run("ssh-keygen -lf /tmp/e.pub").stdout.startswith("521 SHA256:")
    assert world.run("ssh-keygen -t ecdsa -b 300").stderr == (
        "Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits\r\n"
    )
