from simulator import Result, World


def test_passwd_lists_the_system_accounts_of_an_ubuntu_server_in_order():
    world = World.new("kvm-guest")
    names = world.run("cut -d: -f1 /etc/passwd").stdout.split()
    assert names[:4] == ["root", "daemon", "bin", "sys"]
    assert names[16:20] == ["_apt", "nobody", "systemd-network", "systemd-timesync"]
    assert names[-3:] == ["usbmux", "sshd", "learner"]
    assert len(names) == 33
    assert world.run("grep -E '^(sshd|polkitd|learner):' /etc/passwd").stdout == (
        "polkitd:x:991:991:User for polkitd:/:/usr/sbin/nologin\n"
        "sshd:x:109:65534::/run/sshd:/usr/sbin/nologin\n"
        "learner:x:1000:1000:learner:/home/learner:/bin/bash\n"
    )


def test_group_lists_the_learner_where_cloud_init_adds_it():
    world = World.new("kvm-guest")
    assert world.run("grep learner /etc/group").stdout == (
        "adm:x:4:syslog,learner\ncdrom:x:24:learner\nsudo:x:27:learner\ndip:x:30:learner\n"
        "lxd:x:101:learner\nlearner:x:1000:\n"
    )
    assert world.run("grep ^kvm: /etc/group").stdout == "kvm:x:994:\n"


def test_id_and_ls_use_the_same_accounts():
    world = World.new("kvm-guest")
    assert world.run("id").stdout == (
        "uid=1000(learner) gid=1000(learner) "
        "groups=1000(learner),4(adm),24(cdrom),27(sudo),30(dip),101(lxd)\n"
    )
    assert world.run("id sshd").stdout == "uid=109(sshd) gid=65534(nogroup) groups=65534(nogroup)\n"
    assert world.run("id -gn messagebus").stdout == "messagebus\n"
    assert world.run("ls -l /etc/shadow").stdout.startswith("-rw-r----- 1 root shadow ")


def test_shadow_files_are_readable_by_root_only():
    world = World.new("kvm-guest")
    assert world.run("cat /etc/shadow") == Result("", "cat: /etc/shadow: Permission denied\n", 1)
    assert world.run("cat /etc/gshadow") == Result("", "cat: /etc/gshadow: Permission denied\n", 1)
    shadow = world.run("sudo cat /etc/shadow").stdout.splitlines()
    assert shadow[0] == "root:*:20039:0:99999:7:::"
    assert "systemd-network:!*:20039::::::" in shadow
    assert shadow[-1] == "learner:!:20054:0:99999:7:::"
    assert world.run("sudo grep -E '^(adm|kvm|users):' /etc/gshadow").stdout == (
        "adm:*::syslog,learner\nusers:*::\nkvm:!*::\n"
    )


def test_the_docker_image_has_only_the_base_accounts():
    world = World.new("docker-container")
    names = world.run("cut -d: -f1 /etc/passwd").stdout.split()
    assert names[-2:] == ["nobody", "learner"] and "sshd" not in names
    assert world.run("id sshd") == Result("", "id: 'sshd': no such user\n", 1)


def test_an_account_added_to_passwd_is_known_to_id_and_sudo():
    world = World.new("kvm-guest")
    world.run("echo 'alice:x:1001:1000::/home/alice:/bin/bash' | sudo tee -a /etc/passwd")
    assert world.run("id -un alice").stdout == "alice\n"
    assert world.run("sudo -u alice whoami").stdout == "alice\n"
    world.run("sudo rm /etc/passwd")
    assert world.run("sudo id -u").stdout == "0\n"  # the image's accounts stand in for a lost file
