"""Machines that stop themselves (poweroff, halt, shutdown now and later) and what keeps their state: a
KVM host's domain, a cloud's instance, or the lab's power button; systemd 255's and logind's words."""

import json

from simulator.result import Result
from simulator.world import World

WALL = "\nBroadcast message from root@{host} on pts/1 ({at}):\n\n{text}\n\n"
OFF = "guestlab: web01 is powered off. Press its Power on button on this page to start it again.\n"
CLOSED = "Connection to web01 closed by remote host.\nConnection to web01 closed.\n"  # OpenSSH's clientloop.c
WELCOME = "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)\n\n"


def reloaded(world: World) -> World:
    return World.from_dict(json.loads(json.dumps(world.to_dict())))


def test_poweroff_needs_root_as_polkit_answers_without_an_agent():
    world = World.new("kvm-guest")
    assert world.run("poweroff") == Result(
        "", "Call to PowerOff failed: Interactive authentication required.\n", 1
    )
    assert world.run("systemctl halt").stderr == "Call to Halt failed: Interactive authentication required.\n"
    assert (
        world.run("shutdown +5").stderr
        == "Failed to schedule shutdown: Interactive authentication required.\n"
    )
    assert world.run("sudo poweroff now") == Result("", "Too many arguments.\n", 1)
    assert world.run("poweroff --help").stdout.startswith("poweroff - power off the machine (root)")
    assert world.run("hostname").stdout == "web01\n"


def test_systemctl_poweroff_and_halt_take_no_argument_and_reboot_one():
    world = World.new("kvm-guest")
    for line in ("sudo systemctl poweroff now", "sudo systemctl halt -- x", "sudo systemctl reboot a b"):
        assert world.run(line) == Result("", "Too many arguments.\n", 1)
    assert "The system will reboot now!" in world.run("sudo systemctl reboot now").stdout


def test_a_lab_machine_that_powers_off_waits_for_its_power_button():
    world = World.new("kvm-guest")
    world.run("echo kept > notes.txt")
    result = world.run("sudo poweroff")
    wall = WALL.format(host="web01", at="Wed 2024-11-27 10:00:03 UTC", text="The system will power off now!")
    assert result == Result(wall + OFF, CLOSED, 255)  # the terminal's login ends with the machine
    world = reloaded(world)  # a restarted server still knows it is off
    assert world.run("hostname") == Result("", OFF, 1)
    assert world.powered_off == [{"name": "main", "hostname": "web01", "halted": False}]
    assert world.grade()["checks"]  # the checks still read the stopped machine
    boot = world.machine.boot_id
    assert world.power_on("main").stdout == (
        "\nguestlab: web01 is up again: the terminal logs in to it anew.\n\n" + WELCOME
    )
    assert world.powered_off == [] and world.machine.boot_id != boot  # a fresh boot
    assert world.run("cat notes.txt").stdout == "kept\n"
    assert world.power_on("main") is None  # it is running: the button does nothing


LOGGED_IN_AGAIN = "\nguestlab: web01 is up again: the terminal logs in to it anew.\n\n" + WELCOME


def test_a_reboot_ends_the_terminals_login_as_ssh_does_and_a_fresh_login_follows_the_boot():
    world = World.new("kvm-guest")
    world.run("echo kept > notes.txt; echo gone > /tmp/scratch; FOO=1; cd /etc")
    world.run("sudo systemctl stop qemu-guest-agent")
    world.run("sleep 600")
    assert " up 10 min," in world.run("uptime").stdout
    boot = world.machine.boot_id
    result = world.run("sudo reboot")
    wall = WALL.format(host="web01", at="Wed 2024-11-27 10:10:12 UTC", text="The system will reboot now!")
    assert result == Result(wall + LOGGED_IN_AGAIN, CLOSED, 255)
    assert [fd for fd, _ in result.chunks] == [1, 2, 1]  # the wall, ssh's last words, then the new login
    assert world.machine.boot_id != boot and world.prompt == "learner@web01:~$ "
    assert world.run("pwd; echo ${FOO:-unset}").stdout == "/home/learner\nunset\n"  # a new login shell
    assert world.run("uptime").stdout.startswith(" 10:10:58 up 0 min,")
    assert world.run("ls /tmp; cat notes.txt").stdout == "kept\n"  # tmpfiles emptied /tmp, home stays
    assert world.run("systemctl is-active qemu-guest-agent").stdout == "active\n"  # enabled: started again
    assert "cd /etc" in reloaded(world).run("history").stdout  # bash saved its history as the line dropped


def test_every_way_to_reboot_ends_the_login_even_from_a_root_shell():
    world = World.new("kvm-guest")
    for line in ("sudo shutdown -r now", "sudo systemctl reboot", "sudo -i"):
        result = world.run(line)
        assert line == "sudo -i" or (result.stderr == CLOSED and result.stdout.endswith(LOGGED_IN_AGAIN))
    result = world.run("reboot")  # root's own request: logind's wall is not echoed to it
    assert result == Result(LOGGED_IN_AGAIN, CLOSED, 255)
    assert world.prompt == "learner@web01:~$ "  # the new login is the learner's, not sudo's root shell
    assert world.run("sudo reboot --no-wall").stdout == LOGGED_IN_AGAIN


def test_a_reboot_scheduled_later_ends_the_login_when_its_time_comes():
    world = World.new("kvm-guest")
    world.run("sudo shutdown -r +5 'kernel update'")
    assert world.run("sleep 200").stderr == ""  # logind's reminders only
    last = world.run("sleep 200")
    now = WALL.format(
        host="web01", at="Wed 2024-11-27 10:05:00 UTC", text="kernel update\nThe system will reboot now!"
    )
    assert last.stderr == CLOSED and now + LOGGED_IN_AGAIN in last.stdout
    assert world.run("shutdown --show") == Result("", "No scheduled shutdown.\n", 1)


def test_a_host_rebooted_under_an_ssh_session_into_its_guest_ends_both():
    world = World.new("kvm-host")
    world.run("sudo shutdown -r +1")
    world.run("ssh web01")
    world.run("yes")
    assert world.prompt.startswith("learner@web01")
    world.machine.tick(90)  # the host's clock (each machine keeps its own) reaches the time
    result = world.run("true")
    assert "Connection to kvmhost closed by remote host.\n" in result.stderr
    assert world.sessions == [] and world.prompt.startswith("learner@kvmhost:~$")


def test_halt_ends_the_login_and_the_power_button_logs_in_again():
    world = World.new("kvm-guest")
    result = world.run("sudo halt")
    assert result.stderr == CLOSED and result.stdout.endswith(
        "guestlab: web01 is halted. Press its Power on button on this page to start it again.\n"
    )
    assert world.run("hostname").status == 1
    assert world.power_on("main").stdout == LOGGED_IN_AGAIN
    assert world.run("hostname").stdout == "web01\n"


def test_shutdown_later_says_when_shows_it_and_powers_off_on_the_machines_clock():
    world = World.new("kvm-guest")
    result = world.run("sudo shutdown +1")
    at = "Wed 2024-11-27 10:01:00 UTC"
    assert result.stdout == WALL.format(
        host="web01", at="Wed 2024-11-27 10:00:00 UTC", text=f"The system will power off at {at}!"
    )
    assert result.stderr == f"Shutdown scheduled for {at}, use 'shutdown -c' to cancel.\n"
    assert (
        world.run("shutdown --show").stderr == f"Shutdown scheduled for {at}, use 'shutdown -c' to cancel.\n"
    )
    outputs = [world.run("true").stdout for _ in range(25)]
    assert any("The system will power off now!" in out and out.endswith(OFF) for out in outputs)
    assert world.run("true") == Result("", OFF, 1)


def test_shutdown_c_cancels_with_loginds_wall_and_bad_times_are_refused():
    world = World.new("kvm-guest")
    world.run("sudo shutdown -r 23:30 'kernel update'")
    assert world.run("shutdown --show").stderr.startswith("Reboot scheduled for Wed 2024-11-27 23:30:00 UTC")
    cancelled = world.run("sudo shutdown -c")
    assert cancelled.status == 0 and cancelled.stdout.endswith(
        "\n\nThe system shutdown has been cancelled\n\n"
    )
    assert world.run("shutdown --show") == Result("", "No scheduled shutdown.\n", 1)
    assert world.run("sudo shutdown -c") == Result("", "", 0)  # nothing to cancel: nothing said
    assert world.run("sudo shutdown --no-wall +5").stdout == ""  # logind told to keep quiet
    assert world.run("sudo shutdown --no-wall -c") == Result("", "", 0)
    assert world.run("sudo shutdown -r 25:00") == Result("", "Failed to parse time specification: 25:00\n", 1)
    assert world.run("sudo shutdown -y") == Result("", "shutdown: invalid option -- 'y'\n", 1)


def test_shutdown_reads_its_time_as_systemd_does_with_strtol():
    world = World.new("kvm-guest")
    for spec, at in (
        ("9:5", "Thu 2024-11-28 09:05"),
        ("23:", "Wed 2024-11-27 23:00"),
        ("+07", "Wed 2024-11-27 10:07"),
    ):
        world.run("sudo shutdown -c")
        assert world.run(f"sudo shutdown {spec}").stderr.startswith(f"Shutdown scheduled for {at}:")
    for spec in ("24:00", "9:60", "+ 5", "9:5x", "\u0665", "1" * 4000 + ":00"):
        assert world.run(f"sudo shutdown '{spec}'") == Result(
            "", f"Failed to parse time specification: {spec}\n", 1
        )


def test_shutdown_r_later_reboots_when_the_time_comes():
    world = World.new("kvm-guest")
    boot = world.machine.boot_id
    world.run("sudo shutdown -r +1")
    for _ in range(25):
        world.run("true")
    assert world.machine.boot_id != boot and world.machine.shutdown is None
    assert world.run("hostname").stdout == "web01\n"


def test_a_guest_powered_off_over_ssh_closes_the_connection_and_is_shut_off_at_its_host():
    world = World.new("kvm-host")
    world.run("ssh web01")
    world.run("yes")
    result = world.run("sudo shutdown -h now")
    assert result.stderr == "Connection to web01 closed by remote host.\nConnection to web01 closed.\n"
    assert result.status == 255 and "The system will power off now!" in result.stdout
    assert world.run("hostname").stdout == "kvmhost\n"
    assert " -    web01   shut off\n" in world.run("sudo virsh list --all").stdout
    mac = world.machine.hypervisor["domains"]["web01"]["mac"]
    assert mac not in world.run("sudo virsh net-dhcp-leases default").stdout  # networkd released it
    assert world.run("sudo virsh start web01").stdout == "Domain 'web01' started\n\n"


def test_a_guest_powered_off_on_its_console_lets_go_of_the_console():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    result = world.run("sudo poweroff")
    assert result.stdout.endswith("] reboot: Power down\n") and result.status == 0
    assert world.prompt.startswith("learner@kvmhost")
    assert world.machine.hypervisor["domains"]["web01"]["state"] == "shut off"


def test_a_reboot_on_the_console_shows_systemd_going_down_the_boot_and_a_new_login():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    world.run("sudo systemctl stop qemu-guest-agent; cd /tmp; FOO=1")
    shown = world.run("sudo reboot").stdout
    going_down = shown[shown.index("The system will reboot now!") : shown.index("Restarting system")]
    assert "Stopping ssh.service - OpenBSD Secure Shell server...\n" in going_down
    assert "qemu-guest-agent" not in going_down  # stopped by hand before the reboot
    assert "[  OK  ] Reached target reboot.target - System Reboot.\n" in going_down
    lines = shown[shown.index("Restarting system") :].splitlines()
    assert lines[1].startswith("[    0.000000] Linux version 6.8.0-49-generic ")
    assert "Welcome to Ubuntu 24.04.1 LTS!" in lines
    assert "[  OK  ] Started qemu-guest-agent.service - QEMU Guest Agent." in lines  # enabled: back again
    assert shown.endswith(
        "Ubuntu 24.04.1 LTS web01 ttyS0\n\nweb01 login: learner (automatic login)\n\n"
        "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-49-generic x86_64)\n\n"
    )
    assert world.run("pwd; echo ${FOO:-unset}").stdout == "/home/learner\nunset\n"  # a new login
    assert world.prompt.startswith("learner@web01")
    world = reloaded(world)
    assert "web01 login: learner (automatic login)\n" in world.run("sudo systemctl reboot").stdout
    world.run("exit")
    assert world.prompt.startswith("learner@kvmhost")


def test_a_guest_powered_off_on_its_console_shows_systemd_going_down():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    lines = world.run("sudo poweroff").stdout.splitlines()
    assert lines[-3:-1] == [
        "[  OK  ] Finished systemd-poweroff.service - System Power Off.",
        "[  OK  ] Reached target poweroff.target - System Power Off.",
    ]


def test_halt_stops_the_guest_but_leaves_its_domain_running():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    assert world.run("sudo halt").stdout.endswith("] reboot: System halted\n")
    assert " 1    web01   running\n" in world.run("sudo virsh list").stdout
    assert (
        world.run("ssh web01").stderr == "ssh: Could not resolve hostname web01: Name or service not known\n"
    )
    console = world.run("sudo virsh console web01")  # its serial console attaches; nothing answers there
    assert (
        console.stderr
        == "guestlab: web01 is halted, so nothing answers on its console: the terminal stays here.\n"
    )
    assert world.prompt.startswith("learner@kvmhost")
    world.run("sudo virsh destroy web01")
    world.run("sudo virsh start web01")
    world.run("sudo virsh console web01")
    assert world.run("hostname").stdout == "web01\n"


def test_a_host_that_powers_off_shuts_its_guests_down_first():
    world = World.new("kvm-host")
    world.run("sudo poweroff")
    assert world.machine.hypervisor["domains"]["web01"]["state"] == "shut off"
    assert world.run_as_root("virsh list") == Result("", OFF.replace("web01", "kvmhost"), 1)
    world.power_on("main")
    assert " -    web01   shut off\n" in world.run("sudo virsh list --all").stdout


def test_a_cloud_instance_that_powers_itself_off_is_shutoff():
    world = World.new("cloud-lab")
    for line in (
        "openstack keypair create --public-key ~/.ssh/id_ed25519.pub laptop",
        "openstack security group create web",
        "openstack security group rule create --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 web",
        "openstack server create --image ubuntu-24.04 --flavor m1.small --key-name laptop "
        "--security-group web --wait web",
        "openstack floating ip create public",
        "openstack server add floating ip web 203.0.113.2",
        "ssh -o StrictHostKeyChecking=accept-new ubuntu@203.0.113.2",
    ):
        world.run(line)
    assert world.run("hostname").stdout == "web\n"
    result = world.run("sudo systemctl poweroff")
    assert (
        result.stderr
        == "Connection to 203.0.113.2 closed by remote host.\nConnection to 203.0.113.2 closed.\n"
    )
    assert world.run("openstack server show web -f value -c status").stdout == "SHUTOFF\n"
    world.run("openstack server start web")
    assert world.run("openstack server show web -f value -c status").stdout == "ACTIVE\n"


def test_stopping_ssh_service_leaves_its_socket_listening_as_on_ubuntu_24_04():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    assert world.run("sudo systemctl stop ssh") == Result(
        "", "Stopping 'ssh.service', but its triggering units are still active:\nssh.socket\n", 0
    )
    assert world.run("systemctl is-active ssh") == Result("inactive\n", "", 3)
    world.run("exit")
    assert (
        world.run("ssh -o StrictHostKeyChecking=accept-new web01 true").status == 0
    )  # the socket takes the connection and starts sshd
    world.run("sudo virsh console web01")
    assert world.run("systemctl is-active ssh").stdout == "active\n"


def test_ssh_is_refused_while_sshd_and_its_socket_are_stopped_until_the_reboot():
    world = World.new("kvm-host")
    world.run("sudo virsh console web01")
    assert world.run("sudo systemctl stop ssh.socket ssh") == Result("", "", 0)
    status = world.run("systemctl status ssh").stdout.splitlines()
    assert status[0] == "○ ssh.service - OpenBSD Secure Shell server"
    assert status[1] == "     Loaded: loaded (/usr/lib/systemd/system/ssh.service; disabled; preset: enabled)"
    assert status[2].startswith("     Active: inactive (dead) since Wed 2024-11-27 ") and status[2].endswith(
        " ago"
    )
    assert status[4] == "TriggeredBy: ○ ssh.socket"
    world.run("exit")
    world = reloaded(world)  # the units' state is saved with the lab
    assert world.run("ssh web01") == Result(
        "", "ssh: connect to host web01 port 22: Connection refused\n", 255
    )
    world.run("sudo virsh reboot web01")  # a boot forgets what was stopped by hand
    assert world.run("ssh -o StrictHostKeyChecking=accept-new web01 true").status == 0


def test_mask_refuses_start_and_enable_until_unmask():
    world = World.new("kvm-guest")
    assert world.run("sudo systemctl mask ssh").stderr == (
        "Created symlink /etc/systemd/system/ssh.service \u2192 /dev/null.\n"
    )
    assert world.run("systemctl is-enabled ssh") == Result("masked\n", "", 1)
    assert world.run("sudo systemctl start ssh") == Result(
        "", "Failed to start ssh.service: Unit ssh.service is masked.\n", 1
    )
    assert world.run("sudo systemctl enable ssh") == Result(
        "", "Failed to enable unit: Unit file /etc/systemd/system/ssh.service is masked.\n", 1
    )
    assert world.run("systemctl status ssh").stdout.startswith(
        "● ssh.service\n     Loaded: masked (Reason: Unit ssh.service is masked.)\n"
    )
    assert world.run("readlink /etc/systemd/system/ssh.service").stdout == "/dev/null\n"
    assert world.run("sudo systemctl unmask ssh").stderr == 'Removed "/etc/systemd/system/ssh.service".\n'
    assert world.run("systemctl is-enabled ssh").stdout == "disabled\n"
    world.run("sudo rm /etc/systemd/system/sockets.target.wants/ssh.socket")  # by hand, as systemctl would
    assert world.run("systemctl is-enabled ssh.socket").stdout == "disabled\n"


def test_enable_and_disable_report_their_links_and_last_across_a_reboot():
    world = World.new("kvm-guest")
    assert world.run("sudo systemctl enable ssh").stderr == (
        "Synchronizing state of ssh.service with SysV service script with "
        "/usr/lib/systemd/systemd-sysv-install.\n"
        "Executing: /usr/lib/systemd/systemd-sysv-install enable ssh\n"
        "Created symlink /etc/systemd/system/sshd.service \u2192 /usr/lib/systemd/system/ssh.service.\n"
        "Created symlink /etc/systemd/system/multi-user.target.wants/ssh.service \u2192 "
        "/usr/lib/systemd/system/ssh.service.\n"
    )
    assert world.run("readlink /etc/systemd/system/multi-user.target.wants/ssh.service").stdout == (
        "/usr/lib/systemd/system/ssh.service\n"  # the state is the link on disk
    )
    assert world.run("sudo systemctl disable --now systemd-networkd").stderr == (
        'Removed "/etc/systemd/system/multi-user.target.wants/systemd-networkd.service".\n'
    )
    assert world.run("systemctl is-active systemd-networkd").stdout == "inactive\n"
    static = world.run("sudo systemctl enable systemd-journald")  # no [Install] section: nothing to link
    assert static.status == 0 and static.stderr.startswith(
        "The unit files have no installation config (WantedBy=, RequiredBy=, UpheldBy=,\n"
    )
    world.run("sudo reboot")
    assert world.run("systemctl is-enabled ssh systemd-networkd").stdout == "enabled\ndisabled\n"
    assert world.run("systemctl is-active systemd-networkd").stdout == "inactive\n"


def test_unit_changes_need_root_and_a_unit_that_exists():
    world = World.new("kvm-guest")
    assert world.run("systemctl restart ssh") == Result(
        "",
        "Failed to restart ssh.service: Interactive authentication required.\n"
        "See system logs and 'systemctl status ssh.service' for details.\n",
        1,
    )
    assert (
        world.run("systemctl enable ssh").stderr
        == "Failed to enable unit: Interactive authentication required.\n"
    )
    assert world.run("sudo systemctl start nope") == Result(
        "", "Failed to start nope.service: Unit nope.service not found.\n", 5
    )
    assert world.run("sudo systemctl reload systemd-journald").stderr == (
        "Failed to reload systemd-journald.service: Job type reload is not applicable for unit "
        "systemd-journald.service.\n"
    )
    assert world.run("sudo systemctl reload ssh") == Result("", "", 0)
    world.run("sudo systemctl stop ssh.socket ssh")
    assert world.run("sudo systemctl reload ssh") == Result("", "Job for ssh.service invalid.\n", 1)


def test_mount_units_follow_fstab_and_what_is_mounted():
    world = World.new("kvm-guest")
    mounts = world.run("systemctl list-units --type=mount --no-legend --plain").stdout.splitlines()
    assert "-.mount loaded active mounted Root Mount" in [" ".join(line.split()) for line in mounts]
    boot = world.run("systemctl status boot.mount").stdout.splitlines()
    assert boot[:2] + boot[3:5] == [
        "● boot.mount - /boot",
        "     Loaded: loaded (/etc/fstab; generated)",
        "      Where: /boot",
        "       What: /dev/vda16",
    ]
    assert boot[2].startswith("     Active: active (mounted) since Wed 2024-11-27 09:59:33 UTC; ")
    world.run(
        "echo 'UUID=0bad0bad-0000-4000-8000-000000000000 /srv ext4 defaults 0 2' | sudo tee -a /etc/fstab"
    )
    srv = world.run("systemctl status srv.mount")
    assert srv.status == 3 and srv.stdout.splitlines()[2:5] == [
        "     Active: inactive (dead)",
        "      Where: /srv",
        "       What: /dev/disk/by-uuid/0bad0bad-0000-4000-8000-000000000000",
    ]
    listed = world.run("systemctl list-units --type=mount --all --no-legend --plain 'srv*'").stdout
    assert listed == "srv.mount loaded inactive dead /srv\n"  # a stopped unit only with --all


def test_findmnt_verify_reports_fstab_problems_as_util_linux_2_39():
    world = World.new("kvm-guest")
    assert world.run("findmnt --verify") == Result("Success, no errors or warnings detected\n", "", 0)
    world.run("echo 'tmpfs /tmp tmpfs defaults 0 0' | sudo tee -a /etc/fstab >/dev/null")
    world.run("sudo systemctl daemon-reload")
    assert world.run("findmnt --verify --verbose").stdout.endswith(
        "/tmp\n   [ ] target exists\n   [ ] VFS options: defaults\n"
        "   [ ] do not check tmpfs source (pseudo/net)\n   [ ] do not check tmpfs FS type (pseudo/net)\n"
        "Success, no errors or warnings detected\n"
    )
    world.run("sudo sed -i '/^tmpfs /d' /etc/fstab")
    world.run("sudo systemctl daemon-reload")
    world.run(
        "printf 'UUID=0bad0bad-0000-4000-8000-000000000000 /srv ext4 defaults 0 2\\n"
        "/dev/vdb1 /data xfs defaults,noauto 0 0\\n' | sudo tee -a /etc/fstab >/dev/null"
    )
    world.run("sudo systemctl daemon-reload")
    assert world.run("findmnt --verify") == Result(
        "/srv\n"
        "   [E] unreachable on boot required source: UUID=0bad0bad-0000-4000-8000-000000000000\n"
        "/data\n"
        "   [W] unreachable target: No such file or directory\n"
        "   [W] unreachable source: /dev/vdb1: No such file or directory\n",
        "\n0 parse errors, 1 error, 2 warnings\n",
        1,
    )
    world.run("echo broken | sudo tee -a /etc/fstab >/dev/null")
    result = world.run("findmnt -x")  # libmount's parse error first, as it reads the file
    assert result.status == 2
    assert result.chunks[0] == (2, "findmnt: /etc/fstab: parse error at line 6 -- ignored\n")
    assert result.stdout.endswith(  # fstab changed since systemd read it
        "   [W] your fstab has been modified, but systemd still uses the old version;\n"
        "       use 'systemctl daemon-reload' to reload\n"
    )
    assert result.stderr.endswith("\n1 parse error, 1 error, 3 warnings\n")


def test_the_emergency_shell_is_maintenance_to_systemd():
    world = World.new("cloned-guest")
    for line in (
        "sudo umount /srv",
        "sudo e2fsck -f /dev/vdb1",
        "sudo tune2fs -U random /dev/vdb1",
        "sudo reboot",
        "",
    ):
        world.run(line)
    assert world.prompt == "root@web01:~# "
    assert world.run("systemctl status").stdout.splitlines()[1] == "    State: maintenance"
    assert world.run("systemctl is-system-running") == Result("maintenance\n", "", 1)
    assert world.run("systemctl status srv.mount").stdout.splitlines()[2] == "     Active: inactive (dead)"
    # Ubuntu's /swap.img draws findmnt's warning on any real system too
    assert world.run("findmnt --verify").stdout.startswith(
        "none\n   [W] non-bind mount source /swap.img is a directory or regular file\n"
        "/srv\n   [E] unreachable on boot required source: UUID="
    )


def test_a_reboot_from_the_emergency_shell_shows_the_console_going_down_and_booting():
    world = World.new("cloned-guest")
    world.run("sudo sed -i 's|^UUID=[^ ]* /srv |UUID=0bad0bad-0000-4000-8000-000000000000 /srv |' /etc/fstab")
    world.run("sudo reboot")
    world.run("")
    again = world.run("systemctl reboot").stdout  # fstab still broken: emergency mode again
    assert again.startswith(
        "[  OK  ] Stopped target emergency.target - Emergency Mode.\n"
        "         Stopping emergency.service - Emergency Shell...\n"
    )
    assert "ssh.service" not in again, "emergency mode started no service"
    booted = again[again.index("reboot: Restarting system") :]
    assert "Welcome to Ubuntu 24.04.1 LTS!" in booted and booted.endswith("Press Enter for maintenance\n")
    assert "Reached target local-fs.target" not in booted
    world.run("")
    world.run("sed -i 's|^UUID=0bad0bad-0000-4000-8000-000000000000 /srv |#&|' /etc/fstab")
    fixed = world.run("systemctl reboot").stdout
    assert fixed.endswith("[  OK  ] Reached target multi-user.target - Multi-User System.\n")
    assert "login:" not in fixed, "the terminal goes back to the learner's own shell"
    assert world.prompt == "learner@web01:~$ "


def test_ctrl_d_at_sulogins_prompt_goes_on_with_the_boot():
    world = World.new("cloned-guest")
    world.run("sudo sed -i 's|^UUID=[^ ]* /srv |UUID=0bad0bad-0000-4000-8000-000000000000 /srv |' /etc/fstab")
    world.run("sudo reboot")
    assert world.prompt == "(or press Control-D to continue): "
    again = world.run("\x04").stdout  # the default target again: the same device is still missing
    assert again.startswith("[ TIME ] Timed out waiting for device") and again.endswith(
        "Press Enter for maintenance\n"
    )
    assert world.prompt == "(or press Control-D to continue): "
    world.run("")
    assert world.prompt == "root@web01:~# "


def test_powered_off_in_the_emergency_shell_it_boots_into_emergency_mode_again():
    world = World.new("cloned-guest")
    for line in (
        "sudo umount /srv",
        "sudo e2fsck -f /dev/vdb1",
        "sudo tune2fs -U random /dev/vdb1",
        "sudo reboot",
        "",
    ):
        world.run(line)
    result = world.run("poweroff")  # root's own console: logind's wall is not echoed to it
    assert result.stdout.endswith("] reboot: Power down\n" + OFF) and result.stderr == ""
    console = world.power_on("main")
    assert console.stdout.endswith("Press Enter for maintenance\n")
    assert world.prompt == "(or press Control-D to continue): "


def test_the_hosts_arp_entry_of_a_guest_that_powered_off_fails():
    world = World.new("kvm-host")
    address = world.machine.hypervisor["leases"]
    ip = next(lease["ip"] for lease in address.values())
    world.run(f"ping -c1 {ip}")
    world.run("sudo virsh console web01")
    world.run("sudo poweroff")
    assert "Destination Host Unreachable" in world.run(f"ping -c1 {ip}").stdout
    assert f"{ip} dev virbr0 FAILED \n" in world.run("ip neigh").stdout
    world.run("sudo virsh start web01")
    world.run(f"ping -c1 {ip}")
    assert f"{ip} dev virbr0 lladdr 52:54:00:" in world.run("ip neigh").stdout


def test_systemctl_stops_and_starts_an_fstab_mount_unit():
    world = World.new("cloned-guest")
    assert world.run("systemctl is-enabled srv.mount dev-hugepages.mount") == Result(
        "generated\nstatic\n", "", 0
    )
    assert world.run("sudo systemctl stop srv.mount") == Result("", "", 0)
    assert world.run("findmnt /srv").status == 1
    assert world.run("sudo systemctl start srv.mount") == Result("", "", 0)
    assert world.run("findmnt -n -o SOURCE /srv").stdout == "/dev/vdb1\n"
    assert world.run("sudo systemctl stop -- -.mount").stderr == (
        "Failed to stop -.mount: Operation refused, unit -.mount may be requested by dependency only "
        "(it is configured to refuse manual start/stop).\n"
    )
    world.run("sudo sed -i 's|^UUID=[^ ]* /srv |UUID=0bad0bad-0000-4000-8000-000000000000 /srv |' /etc/fstab")
    world.run("sudo systemctl daemon-reload")
    world.run("sudo systemctl stop srv.mount")
    assert world.run("sudo systemctl start srv.mount") == Result(
        "", "A dependency job for srv.mount failed. See 'journalctl -xe' for details.\n", 1
    )


def test_a_mount_units_active_since_is_when_it_was_mounted_not_the_boot():
    world = World.new("cloned-guest")
    world.run("sudo umount /srv; sleep 300")
    world.run("sudo mount /srv")
    world.machine.tick(20)
    active = world.run("systemctl status srv.mount").stdout.splitlines()[2]
    assert active == "     Active: active (mounted) since Wed 2024-11-27 10:05:03 UTC; 23s ago"
    world.run("sudo systemctl stop srv.mount; sleep 120; sudo systemctl start srv.mount")
    assert "since Wed 2024-11-27 10:07:" in world.run("systemctl status srv.mount").stdout
    world.run("sudo reboot")  # mounted by the boot again, a few seconds in
    world.machine.tick(600)
    assert "; 10min 30s ago\n" in world.run("systemctl status srv.mount").stdout


def test_logind_reminds_every_minute_of_the_last_ten_with_the_admins_words():
    world = World.new("kvm-guest")
    world.run("sudo shutdown +3 'disk swap'")
    outputs = [world.run("true").stdout for _ in range(70)]
    reminders = [
        out
        for out in outputs
        if "disk swap\nThe system will power off at Wed 2024-11-27 10:03:00 UTC!" in out
    ]
    assert len(reminders) == 2  # with 2 and with 1 minute left
    assert any("disk swap\nThe system will power off now!" in out for out in outputs)


def test_a_long_sleep_gets_each_of_loginds_reminders_at_the_minute_it_was_sent():
    world = World.new("kvm-guest")
    world.run("sudo shutdown +5")
    later = "The system will power off at Wed 2024-11-27 10:05:00 UTC!"
    assert world.run("sleep 130").stdout == (
        WALL.format(host="web01", at="Wed 2024-11-27 10:01:00 UTC", text=later)
        + WALL.format(host="web01", at="Wed 2024-11-27 10:02:00 UTC", text=later)
    )
    last = world.run("sleep 200").stdout
    assert last.count("Broadcast message") == 3
    assert (
        WALL.format(host="web01", at="Wed 2024-11-27 10:05:00 UTC", text="The system will power off now!")
        in last
    )


def test_ss_shows_port_22_while_sshd_or_its_socket_holds_it():
    world = World.new("kvm-guest")
    assert 'users:(("sshd",pid=1051,fd=3),("systemd",pid=1,fd=89))' in world.run("sudo ss -tlnp").stdout
    world.run("sudo systemctl stop ssh.socket")
    assert 'users:(("sshd",pid=1051,fd=3))' in world.run("sudo ss -tlnp").stdout  # sshd keeps its descriptors
    world.run("sudo systemctl stop ssh")
    assert ":22 " not in world.run("ss -tln").stdout
