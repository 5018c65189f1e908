"""The package model and the tools over it: dpkg, dpkg-query, apt, apt-get, apt-cache, dpkg-reconfigure."""

import re

import pytest

from simulator import Result, World
from simulator.archive import ARCHIVE
from simulator.commands import COMMANDS
from simulator.commands.registry_loader import load_all
from simulator.layout import SHELL_ONLY
from simulator.shell import BASH_BUILTINS
from simulator.world import World as WorldClass

SCENARIOS = {
    "metal": "intel-vtx-host",
    "kvm": "kvm-guest",
    "oracle": "virtualbox-guest",
    "vmware": "vmware-guest",
    "microsoft": "hyperv-guest",
    "xen": "xen-guest",
    "lxc": "lxc-container",
    "docker": "docker-container",
}
LIST_HEADER = (
    "Desired=Unknown/Install/Remove/Purge/Hold\n"
    "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n"
    "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n"
)
APT_WARNING = "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n"
LOCK = (
    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"
    "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n"
)
READING = (
    "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n"
)


@pytest.fixture
def kvm():
    return World.new("kvm-guest")


def test_every_program_the_simulator_runs_belongs_to_a_package():
    """A handler alone is not a program on disk: archive.py must name it in its package (bash's builtins
    excepted), or no machine has it."""
    load_all()
    owned = {program for package in ARCHIVE.values() for program in package.programs}
    assert sorted(set(COMMANDS) - owned - SHELL_ONLY - BASH_BUILTINS) == []


def test_dpkg_list_sizes_its_columns_to_the_widest_entry(kvm):
    assert kvm.run("dpkg -l openssh-server") == Result(
        LIST_HEADER + "||/ Name           Version             Architecture Description\n"
        "+++-==============-===================-============-"
        "=================================================================\n"
        "ii  openssh-server 1:9.6p1-3ubuntu13.5 amd64        "
        "secure shell (SSH) server, for secure access from remote machines\n",
        "",
        0,
    )
    missing = kvm.run("dpkg -l 'qemu-g*' cpu-checker")
    assert missing.stdout.endswith(
        "ii  qemu-guest-agent 1:8.2.2+ds-0ubuntu1.4 amd64        Guest-side qemu-system agent\n"
    )
    assert (missing.stderr, missing.status) == ("dpkg-query: no packages found matching cpu-checker\n", 1)


def test_dpkg_lists_files_and_finds_owners(kvm):
    assert kvm.run("dpkg -L qemu-guest-agent").stdout == (
        "/.\n/usr\n/usr/lib\n/usr/lib/systemd\n/usr/lib/systemd/system\n"
        "/usr/lib/systemd/system/qemu-guest-agent.service\n/usr/lib/udev\n/usr/lib/udev/rules.d\n"
        "/usr/lib/udev/rules.d/60-qemu-guest-agent.rules\n/usr/sbin\n/usr/sbin/qemu-ga\n/usr/share\n"
        "/usr/share/doc\n/usr/share/doc/qemu-guest-agent\n/usr/share/doc/qemu-guest-agent/copyright\n"
    )
    assert kvm.run("dpkg -S qemu-ga") == Result("qemu-guest-agent: /usr/sbin/qemu-ga\n", "", 0)
    assert kvm.run("dpkg -S /usr/bin/ls /bin/ls") == Result(
        "coreutils: /usr/bin/ls\n", "dpkg-query: no path found matching pattern /bin/ls\n", 1
    )
    assert kvm.run("dpkg -L cpu-checker") == Result(
        "",
        "dpkg-query: package 'cpu-checker' is not installed\n"
        "Use dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n",
        1,
    )
    assert kvm.run("dpkg -S").status == 2


def test_dpkg_status_and_query_formats(kvm):
    assert kvm.run("dpkg -s qemu-guest-agent").stdout.startswith(
        "Package: qemu-guest-agent\nStatus: install ok installed\nPriority: optional\nSection: admin\n"
        "Installed-Size: 1017\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\n"
        "Architecture: amd64\nSource: qemu\nVersion: 1:8.2.2+ds-0ubuntu1.4\n"
    )
    assert kvm.run("dpkg -s cpu-checker") == Result(
        "",
        "dpkg-query: package 'cpu-checker' is not installed and no information is available\n"
        "Use dpkg --info (= dpkg-deb --info) to examine archive files.\n",
        1,
    )
    assert kvm.run("dpkg-query -W -f='${Package} ${db:Status-Abbrev}|${Version}\\n' 'qemu*' sed").stdout == (
        "qemu-guest-agent ii |1:8.2.2+ds-0ubuntu1.4\nsed ii |4.9-2build1\n"
    )
    assert kvm.run("dpkg-query -W sed").stdout == "sed\t4.9-2build1\n"
    assert kvm.run("dpkg --get-selections sed qemu-guest-agent libc6").stdout == (
        "sed\t\t\t\t\t\tinstall\nqemu-guest-agent\t\t\t\tinstall\nlibc6:amd64\t\t\t\t\tinstall\n"
    )
    assert kvm.run("dpkg") == Result(
        "",
        "dpkg: error: need an action option\n\n"
        "Type dpkg --help for help about installing and deinstalling packages [*];\n"
        "Use 'apt' or 'aptitude' for user-friendly package management;\n"
        "Type dpkg -Dhelp for a list of dpkg debug flag values;\n"
        "Type dpkg --force-help for a list of forcing options;\n"
        "Type dpkg-deb --help for help about manipulating *.deb files;\n\n"
        "Options marked [*] produce a lot of output - pipe it through 'less' or 'more' !\n",
        2,
    )


def test_apt_warns_scripts_only_when_its_output_is_not_the_terminal(kvm):
    assert kvm.run("apt list --installed qemu-guest-agent") == Result(
        "Listing... Done\nqemu-guest-agent/noble-updates,now 1:8.2.2+ds-0ubuntu1.4 amd64 [installed]\n", "", 0
    )
    piped = kvm.run("apt list --installed 'qemu*' | cat")
    assert piped.stdout.startswith("Listing...\nqemu-guest-agent/")
    assert piped.stderr == APT_WARNING
    assert kvm.run("apt-get update").stderr.startswith("E: Could not open lock file /var/lib/apt/lists/lock")


def test_apt_needs_root_and_asks_before_adding_dependencies(kvm):
    assert kvm.run("apt install cpu-checker") == Result("", LOCK, 100)
    asked = kvm.run("sudo apt install cpu-checker")
    assert asked == Result(
        READING + "The following additional packages will be installed:\n  msr-tools\n"
        "The following NEW packages will be installed:\n  cpu-checker msr-tools\n"
        "0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\n"
        "Need to get 22.2 kB of archives.\n"
        "After this operation, 66.6 kB of additional disk space will be used.\n"
        "Do you want to continue? [Y/n] Abort.\n",
        "",
        1,
    )
    assert kvm.run("ls /usr/sbin/kvm-ok").status == 2
    assert kvm.run("sudo apt install nosuch") == Result(READING, "E: Unable to locate package nosuch\n", 100)


def test_apt_install_prints_the_whole_sequence_and_the_program_appears(kvm):
    result = kvm.run("sudo apt install -y cpu-checker")
    # the database count follows from the catalog: any number, as long as it is dpkg's sentence
    counted = re.sub(r"\(Reading database \.\.\. \d+ files", "(Reading database ... N files", result.stdout)
    assert Result(counted, result.stderr, result.status) == Result(
        READING + "The following additional packages will be installed:\n  msr-tools\n"
        "The following NEW packages will be installed:\n  cpu-checker msr-tools\n"
        "0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\n"
        "Need to get 22.2 kB of archives.\n"
        "After this operation, 66.6 kB of additional disk space will be used.\n"
        "Get:1 http://archive.ubuntu.com/ubuntu noble/main amd64 msr-tools amd64 1.3-5build1 [13.7 kB]\n"
        "Get:2 http://archive.ubuntu.com/ubuntu noble/main amd64 cpu-checker amd64 0.7-1.3build2 [8533 B]\n"
        "Fetched 22.2 kB in 0s (66.6 kB/s)\n"
        "Selecting previously unselected package msr-tools.\n"
        "(Reading database ... N files and directories currently installed.)\n"
        "Preparing to unpack .../msr-tools_1.3-5build1_amd64.deb ...\n"
        "Unpacking msr-tools (1.3-5build1) ...\n"
        "Selecting previously unselected package cpu-checker.\n"
        "Preparing to unpack .../cpu-checker_0.7-1.3build2_amd64.deb ...\n"
        "Unpacking cpu-checker (0.7-1.3build2) ...\n"
        "Setting up msr-tools (1.3-5build1) ...\n"
        "Setting up cpu-checker (0.7-1.3build2) ...\n"
        "Processing triggers for man-db (2.12.0-4build2) ...\n",
        "",
        0,
    )
    assert kvm.run("which kvm-ok").stdout == "/usr/sbin/kvm-ok\n"
    assert kvm.run("apt list --installed msr-tools").stdout.endswith("amd64 [installed,automatic]\n")
    assert kvm.run("sudo apt install -y cpu-checker").stdout == (
        READING + "cpu-checker is already the newest version (0.7-1.3build2).\n"
        "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"
    )


def test_apt_remove_takes_dependents_along_and_names_orphans(kvm):
    kvm.run("sudo apt install -y cpu-checker")
    assert kvm.run("sudo apt remove cpu-checker").stdout == (
        READING + "The following packages were automatically installed and are no longer required:\n"
        "  msr-tools\nUse 'sudo apt autoremove' to remove it.\n"
        "The following packages will be REMOVED:\n  cpu-checker\n"
        "0 upgraded, 0 newly installed, 1 to remove and 0 not upgraded.\n"
        "After this operation, 25.6 kB disk space will be freed.\n"
        "Do you want to continue? [Y/n] Abort.\n"
    )
    removed = kvm.run("sudo apt-get remove -y msr-tools")
    assert "The following packages will be REMOVED:\n  cpu-checker msr-tools\n" in removed.stdout
    assert (
        "Removing cpu-checker (0.7-1.3build2) ...\nRemoving msr-tools (1.3-5build1) ...\n" in removed.stdout
    )
    gone = kvm.run("kvm-ok")
    assert gone.status == 127 and "sudo apt install cpu-checker" in gone.stderr
    assert kvm.run("dpkg -l cpu-checker").stdout.endswith(
        "pn  cpu-checker    <none>       <none>       (no description available)\n"
    )


def test_essential_packages_stay(kvm):
    result = kvm.run("sudo apt remove -y coreutils")
    assert result.stderr == (
        "E: Removing essential system-critical packages is not permitted. This might break the system.\n"
    )
    assert result.status == 100
    assert kvm.run("ls /usr/bin/ls").status == 0


def test_purging_openssh_server_takes_its_keys_and_a_new_install_makes_new_ones(kvm):
    before = kvm.run("sudo cat /etc/ssh/ssh_host_ed25519_key.pub").stdout
    purge = kvm.run("sudo apt purge -y openssh-server")
    assert "The following packages will be REMOVED:\n  openssh-server*\n" in purge.stdout
    assert purge.stdout.endswith("Purging configuration files for openssh-server (1:9.6p1-3ubuntu13.5) ...\n")
    assert kvm.run("ls /etc/ssh/ssh_host_ed25519_key").status == 2
    assert kvm.run("systemctl status ssh").stderr == "Unit ssh.service could not be found.\n"
    install = kvm.run("sudo apt install -y openssh-server").stdout
    assert "Creating SSH2 ED25519 key; this may take some time ...\n256 SHA256:" in install
    # socket activation (Ubuntu 22.10 and later): ssh.socket is enabled, ssh.service is not
    assert "Created symlink /etc/systemd/system/sockets.target.wants/ssh.socket" in install
    assert "multi-user.target.wants/ssh.service" not in install
    assert kvm.run("sudo cat /etc/ssh/ssh_host_ed25519_key.pub").stdout not in ("", before)


def test_dpkg_reconfigure_openssh_server_creates_the_missing_host_keys(kvm):
    assert kvm.run("dpkg-reconfigure openssh-server") == Result(
        "", "/usr/sbin/dpkg-reconfigure must be run as root\n", 1
    )
    kvm.run("sudo rm /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub")
    result = kvm.run("sudo dpkg-reconfigure openssh-server")
    fingerprint = kvm.run("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub").stdout
    assert result == Result(f"Creating SSH2 ED25519 key; this may take some time ...\n{fingerprint}", "", 0)
    assert fingerprint.startswith("256 SHA256:") and fingerprint.endswith(" root@web01 (ED25519)\n")
    assert kvm.run("sudo dpkg-reconfigure openssh-server") == Result("", "", 0)
    assert kvm.run("sudo dpkg-reconfigure cpu-checker").stderr == (
        "/usr/sbin/dpkg-reconfigure: cpu-checker is not installed\n"
    )


def test_apt_update_and_policy_speak_of_the_archive(kvm):
    assert kvm.run("sudo apt update").stdout == (
        "Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease\n"
        "Hit:2 http://archive.ubuntu.com/ubuntu noble-updates InRelease\n"
        "Hit:3 http://archive.ubuntu.com/ubuntu noble-backports InRelease\n"
        "Hit:4 http://security.ubuntu.com/ubuntu noble-security InRelease\n"
        + READING
        + "All packages are up to date.\n"
    )
    assert kvm.run("apt update") == Result(
        "Reading package lists... Done\n",
        "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\n"
        "E: Unable to lock directory /var/lib/apt/lists/\n"
        "W: Problem unlinking the file /var/cache/apt/pkgcache.bin - RemoveCaches (13: Permission denied)\n"
        "W: Problem unlinking the file /var/cache/apt/srcpkgcache.bin - RemoveCaches "
        "(13: Permission denied)\n",
        100,
    )
    assert kvm.run("apt-cache policy cpu-checker").stdout == (
        "cpu-checker:\n  Installed: (none)\n  Candidate: 0.7-1.3build2\n  Version table:\n"
        "     0.7-1.3build2 500\n        500 http://archive.ubuntu.com/ubuntu noble/main amd64 Packages\n"
    )
    assert kvm.run("apt show nosuch") == Result(
        "", "N: Unable to locate package nosuch\nE: No packages found\n", 100
    )


@pytest.mark.parametrize("platform", sorted(SCENARIOS))
def test_installing_the_qemu_guest_agent_adds_its_file_command_and_service(platform):
    world = World.new(SCENARIOS[platform])
    if platform == "kvm":  # Ubuntu's KVM images come with it: take it away first
        world.run("sudo apt purge -y qemu-guest-agent")
    assert world.run("qemu-ga --version").status == 127
    install = world.run("sudo apt install -y qemu-guest-agent")
    assert "Setting up qemu-guest-agent (1:8.2.2+ds-0ubuntu1.4) ...\n" in install.stdout
    assert world.run("ls /usr/sbin/qemu-ga").stdout == "/usr/sbin/qemu-ga\n"
    assert world.run("qemu-ga --version").stdout == "QEMU Guest Agent 8.2.2\n"
    status = world.run("systemctl status qemu-guest-agent")
    if platform == "docker":  # installed, but no systemd runs in an application container
        assert status.stderr.startswith("System has not been booted with systemd")
    elif platform == "kvm":
        assert status.stdout.startswith("● qemu-guest-agent.service - QEMU Guest Agent\n")
        assert "Active: active (running)" in status.stdout
    else:  # no virtio port to bind to: the unit is there, and dead
        assert status == Result(
            "○ qemu-guest-agent.service - QEMU Guest Agent\n"
            "     Loaded: loaded (/usr/lib/systemd/system/qemu-guest-agent.service; static)\n"
            "     Active: inactive (dead)\n",
            "",
            3,
        )
    saved = WorldClass.from_dict(world.to_dict())
    assert saved.run("dpkg -l qemu-guest-agent").stdout.endswith("Guest-side qemu-system agent\n")
    assert saved.run("sudo apt remove -y qemu-guest-agent").status == 0
    assert saved.run("ls /usr/sbin/qemu-ga").status == 2
    assert saved.run("qemu-ga --version").status == 127
    if platform != "docker":
        assert saved.run("systemctl status qemu-guest-agent") == Result(
            "", "Unit qemu-guest-agent.service could not be found.\n", 4
        )
    assert "qemu-ga" not in saved.run("ps -e").stdout


def test_the_saved_state_keeps_only_what_apt_changed(kvm):
    kvm.run("sudo apt install -y cpu-checker")
    machine = next(iter(kvm.to_dict()["machines"].values()))
    assert machine["packages"] == {"cpu-checker": "ii", "msr-tools": "auto"}
    assert not [path for path in machine["fs"]["nodes"] if path.startswith("/var/lib/dpkg")]


def test_learner_patterns_and_formats_get_the_real_errors(kvm):
    assert kvm.run("apt search '('") == Result("", "E: Regex compilation error\n", 100)
    assert kvm.run("apt search ssh-se").stdout == (
        "Sorting... Done\nFull Text Search... Done\n"
        "openssh-server/noble-updates 1:9.6p1-3ubuntu13.5 amd64 [installed]\n"
        "  secure shell (SSH) server, for secure access from remote machines\n\n"
    )
    assert kvm.run("dpkg-query -W -f='${Package;abc}' sed") == Result(
        "", "dpkg-query: error in show format: invalid character 'a' in field width\n", 1
    )
    assert kvm.run("dpkg-query -W -f='x${Package' sed").stderr == (
        "dpkg-query: error in show format: missing closing brace\n"
    )
    assert kvm.run("dpkg-query -W -f='${Package;-5}|${Version;12}|\\n' sed").stdout == "sed  | 4.9-2build1|\n"
    assert kvm.run("dpkg -l '[z-a]' '*****************************************x'").status == 1
    assert kvm.run("apt list --upgradable") == Result("Listing... Done\n", "", 0)


def test_apt_update_reads_the_sources_and_reaches_only_ubuntus_mirrors(kvm):
    kvm.run("echo 'Types: deb' | sudo tee /etc/apt/sources.list.d/ubuntu.sources")
    kvm.run(
        "echo 'URIs: http://ppa.launchpad.net/x/ubuntu/' | sudo tee -a /etc/apt/sources.list.d/ubuntu.sources"
    )
    kvm.run("echo 'Suites: noble' | sudo tee -a /etc/apt/sources.list.d/ubuntu.sources")
    assert kvm.run("sudo apt-get update") == Result(
        "Err:1 http://ppa.launchpad.net/x/ubuntu noble InRelease\n"
        "  Temporary failure resolving 'ppa.launchpad.net'\nReading package lists... Done\n",
        "W: Failed to fetch http://ppa.launchpad.net/x/ubuntu/dists/noble/InRelease  "
        "Temporary failure resolving 'ppa.launchpad.net'\n"
        "W: Some index files failed to download. They have been ignored, or old ones used instead.\n",
        0,
    )


def test_remove_keeps_configuration_and_purge_deletes_it(kvm):
    kvm.run("sudo apt remove -y openssh-server")
    assert kvm.run("dpkg -l openssh-server").stdout.endswith(
        "rc  openssh-server 1:9.6p1-3ubuntu13.5 amd64        "
        "secure shell (SSH) server, for secure access from remote machines\n"
    )
    assert kvm.run("cat /etc/ssh/sshd_config").stdout.startswith("Include /etc/ssh/sshd_config.d/*.conf\n")
    assert kvm.run("dpkg -L openssh-server").stdout == (
        "/.\n/etc\n/etc/default\n/etc/default/ssh\n/etc/ssh\n/etc/ssh/moduli\n"
    )
    assert kvm.run("ls /usr/sbin/sshd").status == 2
    assert kvm.run("sudo dpkg --purge openssh-server").stdout.endswith(
        "Purging configuration files for openssh-server (1:9.6p1-3ubuntu13.5) ...\n"
    )
    assert kvm.run("ls /etc/ssh/sshd_config /etc/ssh/ssh_host_rsa_key").status == 2
    assert kvm.run("dpkg -l | grep -c openssh-server").stdout == "0\n"


def test_a_state_saved_before_the_package_model_gets_its_image_packages_files(kvm):
    state = kvm.to_dict()
    machine = next(iter(state["machines"].values()))
    del machine["packages"]
    # then a state listed every node, and the image's package files were not among them
    nodes = next(iter(kvm.machines.values())).fs.nodes
    listed = {path: node.to_dict() for path, node in nodes.items() if path != "/usr/sbin/qemu-ga"}
    machine["fs"] = {"nodes": listed}
    assert WorldClass.from_dict(state).run("qemu-ga --version").status == 0


def test_upgrade_finds_nothing_newer(kvm):
    assert kvm.run("sudo apt upgrade") == Result(
        READING
        + "Calculating upgrade... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
        "",
        0,
    )
    assert kvm.run("apt-get dist-upgrade") == Result("", LOCK, 100)


def test_without_openssh_server_no_listener_runs_but_the_session_stays(kvm):
    assert "sshd: /usr/sbin/sshd -D [listener]" in kvm.run("ps -ef").stdout
    kvm.run("sudo apt remove -y openssh-server")
    table = kvm.run("ps -ef").stdout
    assert "[listener]" not in table
    assert "root        4200       1  0 09:59 ?        00:00:00 sshd: learner [priv]\n" in table


def test_ps_lists_the_daemons_systemctl_says_run_and_not_those_stopped(kvm):
    table = kvm.run("ps -ef").stdout
    assert "syslog       777       1  0 09:59 ?        00:00:00 /usr/sbin/rsyslogd -n -iNONE\n" in table
    assert kvm.run("sudo apt-get install -y nginx").status == 0
    nginx = "root        1187       1  0 09:59 ?        00:00:00 nginx: master process /usr/sbin/nginx"
    assert nginx in kvm.run("ps -ef").stdout
    assert "?        Ss   09:59   0:00 nginx: master process" in kvm.run("ps aux").stdout  # no threads
    pids = [int(line.split()[1]) for line in kvm.run("ps -ef").stdout.splitlines()[1:]]
    assert pids == sorted(pids)  # in the order ps reads /proc
    kvm.run("sudo systemctl stop nginx")
    assert "nginx" not in kvm.run("ps -e").stdout


def test_nginx_installed_is_a_service_systemctl_knows_and_runs_as_curl_finds_it(kvm):
    # Ubuntu's nginx postinst enables and starts nginx.service: systemctl must say what curl already sees.
    assert kvm.run("sudo apt-get install -y nginx curl").status == 0
    assert kvm.run("systemctl is-active nginx") == Result("active\n", "", 0)
    status = kvm.run("systemctl status nginx").stdout.splitlines()
    assert status[0] == "● nginx.service - A high performance web server and a reverse proxy server"
    assert (
        status[1] == "     Loaded: loaded (/usr/lib/systemd/system/nginx.service; enabled; preset: enabled)"
    )
    assert status[2].startswith("     Active: active (running) since ")
    assert "       Docs: man:nginx(8)" in status
    assert any(
        line.endswith('"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"')
        for line in status
    )
    assert "Welcome to nginx!" in kvm.run("curl -s http://localhost/").stdout
