import re

import pytest

from simulator import Result, World
from simulator.commands.disks import human_size

PLATFORM_SCENARIOS = {
    "kvm": "kvm-guest",
    "oracle": "virtualbox-guest",
    "vmware": "vmware-guest",
    "microsoft": "hyperv-guest",
    "xen": "xen-guest",
    "lxc": "lxc-container",
    "docker": "docker-container",
    "none": "intel-vtx-host",
}


@pytest.fixture(scope="module")
def worlds():
    return {platform: World.new(scenario) for platform, scenario in PLATFORM_SCENARIOS.items()}


def test_uname_all_and_single_fields(worlds):
    world = worlds["kvm"]
    assert world.run("uname -a").stdout == (
        "Linux web01 6.8.0-49-generic #49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024 "
        "x86_64 x86_64 x86_64 GNU/Linux\n"
    )
    assert world.run("uname -r").stdout == "6.8.0-49-generic\n"
    assert world.run("uname -m").stdout == "x86_64\n"
    assert world.run("uname -n").stdout == "web01\n"
    assert world.run("uname").stdout == "Linux\n"
    assert world.run("uname -rm").stdout == "6.8.0-49-generic x86_64\n"
    assert world.run("uname -z") == Result(
        "", "uname: invalid option -- 'z'\nTry 'uname --help' for more information.\n", 1
    )


@pytest.mark.parametrize(
    ("platform", "expected", "status"),
    [
        ("kvm", "kvm", 0),
        ("oracle", "oracle", 0),
        ("vmware", "vmware", 0),
        ("microsoft", "microsoft", 0),
        ("xen", "xen", 0),
        ("lxc", "lxc", 0),
        ("docker", "docker", 0),
        ("none", "none", 1),
    ],
)
def test_systemd_detect_virt_ids_and_exit_codes(worlds, platform, expected, status):
    assert worlds[platform].run("systemd-detect-virt") == Result(expected + "\n", "", status)


def test_systemd_detect_virt_vm_and_container_options(worlds):
    assert worlds["kvm"].run("systemd-detect-virt --container") == Result("none\n", "", 1)
    assert worlds["kvm"].run("systemd-detect-virt -v") == Result("kvm\n", "", 0)
    assert worlds["docker"].run("systemd-detect-virt -v") == Result("none\n", "", 1)
    assert worlds["docker"].run("systemd-detect-virt -c") == Result("docker\n", "", 0)
    assert worlds["kvm"].run("systemd-detect-virt -q") == Result("", "", 0)
    assert worlds["none"].run("systemd-detect-virt --quiet").status == 1
    assert worlds["kvm"].run("systemd-detect-virt -r") == Result("", "", 1)
    assert worlds["lxc"].run("systemd-detect-virt --private-users") == Result("", "", 0)
    assert worlds["docker"].run("systemd-detect-virt --private-users").status == 1
    assert worlds["kvm"].run("systemd-detect-virt --cvm") == Result("none\n", "", 1)


def test_systemd_detect_virt_lists_help_and_version(worlds):
    listing = worlds["kvm"].run("systemd-detect-virt --list").stdout.split()
    assert listing[:3] == ["none", "kvm", "amazon"] and {"oracle", "lxc", "docker", "podman", "wsl"} <= set(
        listing
    )
    assert (
        worlds["kvm"].run("systemd-detect-virt --list-cvm").stdout
        == "none\nsev\nsev-es\nsev-snp\ntdx\nprotvirt\n"
    )
    assert worlds["kvm"].run("systemd-detect-virt -h").stdout.startswith("systemd-detect-virt [OPTIONS...]\n")
    assert (
        worlds["kvm"]
        .run("systemd-detect-virt --version")
        .stdout.startswith("systemd 255 (255.4-1ubuntu8.4)\n")
    )
    assert worlds["kvm"].run("systemd-detect-virt --bogus").status == 1


@pytest.mark.parametrize(
    ("platform", "facts"),
    [
        ("kvm", "kvm\n"),
        ("oracle", "virtualbox\n"),
        ("vmware", "vmware\n"),
        ("microsoft", "hyperv\n"),
        ("xen", "xen\nxen-hvm\n"),
        ("lxc", "lxc\n"),
        ("docker", "docker\n"),
        ("none", ""),
    ],
)
def test_virt_what_facts_as_root(worlds, platform, facts):
    assert worlds[platform].run("sudo virt-what") == Result(facts, "", 0)


def test_virt_what_refuses_non_root(worlds):
    assert worlds["kvm"].run("virt-what") == Result("", "virt-what: this script must be run as root\n", 1)


def test_dmidecode_as_non_root_fails_like_dmidecode_3_5(worlds):
    assert worlds["kvm"].run("dmidecode") == Result(
        "# dmidecode 3.5\nScanning /dev/mem for entry point.\n",
        "/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n/dev/mem: Permission denied\n",
        1,
    )
    assert worlds["kvm"].run("dmidecode -s system-manufacturer") == Result(
        "", "/sys/firmware/dmi/tables/smbios_entry_point: Permission denied\n/dev/mem: Permission denied\n", 1
    )


@pytest.mark.parametrize(
    ("platform", "manufacturer", "product", "bios"),
    [
        ("kvm", "QEMU", "Standard PC (Q35 + ICH9, 2009)", "SeaBIOS"),
        ("oracle", "innotek GmbH", "VirtualBox", "innotek GmbH"),
        ("vmware", "VMware, Inc.", "VMware Virtual Platform", "Phoenix Technologies LTD"),
        ("microsoft", "Microsoft Corporation", "Virtual Machine", "Microsoft Corporation"),
        ("xen", "Xen", "HVM domU", "Xen"),
    ],
)
def test_dmidecode_strings_per_hypervisor(worlds, platform, manufacturer, product, bios):
    world = worlds[platform]
    assert world.run("sudo dmidecode -s system-manufacturer").stdout == manufacturer + "\n"
    assert world.run("sudo dmidecode --string system-product-name").stdout == product + "\n"
    assert world.run("sudo dmidecode --string=bios-vendor").stdout == bios + "\n"
    assert world.run("cat /sys/class/dmi/id/sys_vendor").stdout == manufacturer + "\n"


def test_dmidecode_system_uuid_matches_sysfs(worlds):
    world = worlds["kvm"]
    assert (
        world.run("sudo dmidecode -s system-uuid").stdout
        == world.run("sudo cat /sys/class/dmi/id/product_uuid").stdout
    )


def test_dmidecode_type_system_block(worlds):
    out = worlds["kvm"].run("sudo dmidecode -t system").stdout
    assert out.startswith(
        "# dmidecode 3.5\nGetting SMBIOS data from sysfs.\nSMBIOS 3.0.0 present.\n\n"
        "Handle 0x0100, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: QEMU\n"
        "\tProduct Name: Standard PC (Q35 + ICH9, 2009)\n\tVersion: pc-q35-8.2\n"
        "\tSerial Number: Not Specified\n\tUUID: "
    )
    assert out.endswith(
        "\tWake-up Type: Power Switch\n\tSKU Number: Not Specified\n\tFamily: Not Specified\n\n"
    )
    assert worlds["kvm"].run("sudo dmidecode -t 1").stdout == out
    bios = worlds["vmware"].run("sudo dmidecode -t bios").stdout
    assert (
        "Handle 0x0000, DMI type 0, 24 bytes\nBIOS Information\n\tVendor: Phoenix Technologies LTD\n" in bios
    )
    assert "\t\tSystem is a virtual machine\n" in bios


def test_dmidecode_full_dump_header_depends_on_the_entry_point(worlds):
    smbios3 = worlds["kvm"].run("sudo dmidecode").stdout
    assert smbios3.startswith(
        "# dmidecode 3.5\nGetting SMBIOS data from sysfs.\nSMBIOS 3.0.0 present.\nTable at 0x000F5A40.\n\n"
    )
    legacy = worlds["xen"].run("sudo dmidecode").stdout.splitlines()
    assert legacy[2:5] == ["SMBIOS 2.4 present.", legacy[3], "Table at 0x000F5A40."]
    assert re.fullmatch(r"\d+ structures occupying \d+ bytes\.", legacy[3])


def test_dmidecode_xen_hvmloader_bios_and_serial(worlds):
    world = worlds["xen"]
    assert world.run("sudo dmidecode -t bios").stdout.endswith(
        "BIOS Information\n\tVendor: Xen\n\tVersion: 4.17.3\n\tRelease Date: 06/23/2023\n"
        "\tAddress: 0xE8000\n\tRuntime Size: 96 kB\n\tROM Size: 64 kB\n\tCharacteristics:\n"
        "\t\tPCI is supported\n\t\tEDD is supported\n\t\tTargeted content distribution is supported\n"
        "\tBIOS Revision: 4.17\n\n"
    )
    uuid = world.run("sudo dmidecode -s system-uuid").stdout
    assert uuid == uuid.upper()
    assert world.run("sudo dmidecode -s system-serial-number").stdout == uuid.lower()


def test_dmidecode_rejects_unknown_keywords(worlds):
    result = worlds["kvm"].run("sudo dmidecode -s cpu")
    assert result.status == 2 and result.stderr.startswith(
        "Invalid string keyword: cpu\nValid string keywords are:\n  bios-vendor\n"
    )


def test_dmesg_needs_root_on_ubuntu(worlds):
    assert worlds["kvm"].run("dmesg") == Result(
        "", "dmesg: read kernel buffer failed: Operation not permitted\n", 1
    )
    assert worlds["docker"].run("sudo dmesg").status == 1


@pytest.mark.parametrize(
    ("platform", "line"),
    [
        ("kvm", "Hypervisor detected: KVM"),
        ("vmware", "Hypervisor detected: VMware"),
        ("microsoft", "Hypervisor detected: Microsoft Hyper-V"),
        ("xen", "Hypervisor detected: Xen HVM"),
    ],
)
def test_dmesg_shows_the_hypervisor(worlds, platform, line):
    assert f"[    0.000000] {line}\n" in worlds[platform].run("sudo dmesg").stdout


def test_dmesg_without_time_stamps(worlds):
    assert worlds["kvm"].run("sudo dmesg -t").stdout.splitlines()[5].startswith("DMI: QEMU Standard PC (Q35")


def test_lscpu_virtualization_lines(worlds):
    host = worlds["none"].run("lscpu").stdout
    assert "Virtualization features:  \n  Virtualization:         VT-x\n" in host
    assert "Hypervisor vendor" not in host
    guest = worlds["kvm"].run("lscpu").stdout
    assert "  Hypervisor vendor:      KVM\n  Virtualization type:    full\n" in guest
    assert "Virtualization:  " not in guest.replace("Virtualization features:", "")
    vbox = worlds["oracle"].run("lscpu").stdout
    assert "  Hypervisor vendor:      Oracle\n" in vbox
    assert (
        worlds["none"].run("lscpu").stdout.startswith("Architecture:             x86_64\n  CPU op-mode(s):")
    )


def test_lscpu_into_a_pipe_prints_flat_field_data_lines():
    # util-linux 2.39 print_summary: no tree and no section headers when stdout is not a terminal.
    assert worlds_run("intel-vtx-host", "lscpu | grep -i virt") == (
        "Address sizes:                        39 bits physical, 48 bits virtual\n"
        "Virtualization:                       VT-x\n"
    )
    guest = worlds_run("kvm-guest", "lscpu | cat")
    assert guest.startswith("Architecture:                         x86_64\nCPU op-mode(s):")
    assert (
        "\nHypervisor vendor:                    KVM\nVirtualization type:                  full\n" in guest
    )
    assert "\nL1d cache:                            96 KiB (2 instances)\n" in guest
    assert "\nVulnerability Meltdown:               Not affected\n" in guest
    assert "features" not in guest and "Caches" not in guest and "NUMA:" not in guest


def worlds_run(scenario: str, line: str) -> str:
    return World.new(scenario).run(line).stdout


def test_lscpu_reports_amd_v():
    assert "  Virtualization:         AMD-V\n" in World.new("amd-v-host").run("lscpu").stdout


def test_free_columns(worlds):
    lines = worlds["kvm"].run("free").stdout.splitlines()
    assert lines[0] == "               total        used        free      shared  buff/cache   available"
    assert lines[1].startswith("Mem:     ") and len(lines[1]) == 8 + 6 * 12
    assert lines[2] == "Swap:              0           0           0"
    human = worlds["kvm"].run("free -h").stdout.splitlines()
    assert human[1].startswith("Mem:           3.9Gi") and human[2].endswith("0B          0B          0B")


def test_uptime_format(worlds):
    out = World.new("kvm-guest").run("uptime").stdout
    assert out.startswith(" 10:00:") and " up 0 min,  1 user,  load average: " in out


def test_ip_addr_show_on_kvm(worlds):
    world = worlds["kvm"]
    nic = world.machine.nics[0]
    out = world.run("ip a").stdout
    assert out.startswith(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default "
        "qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
    )
    assert (
        "2: enp1s0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default "
        "qlen 1000\n"
        f"    link/ether {nic['mac']} brd ff:ff:ff:ff:ff:ff\n"
        f"    inet {nic['ipv4']}/24 metric 100 brd 192.168.122.255 scope global dynamic enp1s0\n"
    ) in out
    lease = re.compile(r"\d+sec")
    assert lease.sub("", world.run("ip addr show").stdout) == lease.sub("", world.run("ip address").stdout)


def test_ip_link_and_route(worlds):
    world = worlds["kvm"]
    link = world.run("ip l").stdout
    assert "state UP mode DEFAULT group default qlen 1000\n    link/ether 52:54:00:" in link
    routes = world.run("ip r").stdout.splitlines()
    assert routes[0].startswith("default via 192.168.122.1 dev enp1s0 proto dhcp src 192.168.122.")
    assert routes[0].endswith(" metric 100 ")
    assert world.run("ip -4 a").stdout.count("link/") == 0
    assert world.run("ip a show dev eth9") == Result("", 'Device "eth9" does not exist.\n', 1)
    assert world.run("ip foo") == Result("", 'Object "foo" is unknown, try "ip help".\n', 1)


def test_ip_link_set_needs_root(worlds):
    assert worlds["kvm"].run("ip link set dev enp1s0 address 52:54:00:00:00:01") == Result(
        "", "RTNETLINK answers: Operation not permitted\n", 2
    )


def test_docker_nic_is_a_veth(worlds):
    out = worlds["docker"].run("ip link").stdout
    assert (
        "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT" in out
    )
    assert "link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0" in out


def test_lsblk_default_and_fs_columns(worlds):
    out = worlds["kvm"].run("lsblk").stdout.splitlines()
    assert out[0] == "NAME    MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS"
    assert out[1] == "vda     253:0    0   25G  0 disk "
    assert out[2] == "├─vda1  253:1    0   24G  0 part /"
    assert out[5] == "└─vda16 259:0    0  913M  0 part /boot"
    fs = worlds["kvm"].run("lsblk -f").stdout.splitlines()
    assert fs[0].split() == ["NAME", "FSTYPE", "FSVER", "LABEL", "UUID", "FSAVAIL", "FSUSE%", "MOUNTPOINTS"]
    assert "ext4   1.0   cloudimg-rootfs " + worlds["kvm"].machine.disks[0]["parts"][0]["uuid"] in fs[2]


def test_human_sizes_like_util_linux():
    assert [human_size(n) for n in (25 << 30, 913 << 20, int(23.94 * (1 << 30)), 4 << 20, 512)] == [
        "25G",
        "913M",
        "23.9G",
        "4M",
        "512B",
    ]


def test_blkid_lines(worlds):
    world = worlds["kvm"]
    root = world.machine.disks[0]["parts"][0]
    assert world.run("blkid /dev/vda1").stdout == (
        f'/dev/vda1: LABEL="cloudimg-rootfs" UUID="{root["uuid"]}" BLOCK_SIZE="4096" TYPE="ext4" '
        f'PARTUUID="{root["partuuid"]}"\n'
    )
    assert world.run("blkid -s UUID -o value /dev/vda1").stdout == root["uuid"] + "\n"
    assert 'TYPE="vfat"' in world.run("sudo blkid").stdout


def test_systemctl_status_of_the_guest_agents(worlds):
    assert (
        worlds["kvm"]
        .run("systemctl status qemu-guest-agent")
        .stdout.startswith(
            "● qemu-guest-agent.service - QEMU Guest Agent\n"
            "     Loaded: loaded (/usr/lib/systemd/system/qemu-guest-agent.service; static)\n"
            "     Active: active (running) since Wed 2024-11-27 "
        )
    )
    assert worlds["vmware"].run("systemctl status open-vm-tools").status == 0
    assert worlds["oracle"].run("systemctl status virtualbox-guest-utils").status == 0
    assert worlds["microsoft"].run("systemctl status hv-kvp-daemon").status == 0
    assert worlds["kvm"].run("systemctl status open-vm-tools") == Result(
        "", "Unit open-vm-tools.service could not be found.\n", 4
    )
    ssh = worlds["kvm"].run("systemctl status ssh").stdout
    # Ubuntu 24.04: ssh.socket starts the service, which is itself disabled
    assert "/usr/lib/systemd/system/ssh.service; disabled; preset: enabled)\n" in ssh
    assert (
        ssh.startswith("● ssh.service - OpenBSD Secure Shell server\n")
        and "TriggeredBy: ● ssh.socket\n" in ssh
    )


def test_systemctl_in_an_application_container(worlds):
    assert worlds["docker"].run("systemctl status ssh") == Result(
        "",
        "System has not been booted with systemd as init system (PID 1). Can't operate.\n"
        "Failed to connect to bus: Host is down\n",
        1,
    )


def test_reboot_needs_root():
    world = World.new("kvm-guest")
    result = world.run("reboot")
    assert result == Result("", "Call to Reboot failed: Interactive authentication required.\n", 1)
    rebooted = world.run("sudo reboot")  # logind's wall reaches the learner's terminal (sudo's pty is pts/1)
    assert rebooted.stdout.startswith(
        "\nBroadcast message from root@web01 on pts/1 (Wed 2024-11-27 10:00:03 UTC):\n\n"
        "The system will reboot now!\n\n"
    )
    assert (
        rebooted.status == 255
    )  # the terminal's ssh login went down with the machine (tests/simulator/test_power.py)


def test_firmware_setup_needs_uefi():
    result = World.new("kvm-guest").run("sudo systemctl reboot --firmware-setup")
    assert result.status == 1 and result.stderr.startswith("Cannot indicate to EFI to boot into setup mode")


def test_ps_shows_what_pid_1_is(worlds):
    assert worlds["lxc"].run("ps -p 1 -o comm=") == Result("systemd\n", "", 0)
    assert worlds["docker"].run("ps -p 1") == Result(
        "    PID TTY          TIME CMD\n      1 ?        00:00:01 python3\n", "", 0
    )
    assert worlds["docker"].run("cat /proc/1/comm").stdout == "python3\n"
    full = worlds["kvm"].run("ps -ef").stdout.splitlines()
    assert full[0] == "UID          PID    PPID  C STIME TTY          TIME CMD"
    assert full[1].startswith("root           1       0  0 ") and full[1].endswith(" /sbin/init")
    assert any(line.endswith(" /usr/sbin/qemu-ga") for line in full)
    bsd = worlds["none"].run("ps aux").stdout.splitlines()
    assert bsd[0] == "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert worlds["kvm"].run("ps -p 99999").status == 1
    assert worlds["kvm"].run("ps -Z").stderr.startswith("error: unsupported SysV option\n")


def test_systemctl_status_without_a_unit_shows_the_system_overview():
    world = World.new("kvm-guest")
    lines = world.run("systemctl status").stdout.splitlines()
    assert lines[:5] == [
        "● web01",
        "    State: running",
        "    Units: 287 loaded (incl. loaded aliases)",
        "     Jobs: 0 queued",
        "   Failed: 0 units",
    ]
    assert lines[5].startswith("    Since: ") and lines[6] == "  systemd: 255.4-1ubuntu8.4"
    assert lines[7:10] == ["   CGroup: /", "           ├─init.scope", "           │ └─1 /sbin/init"]
    assert "           │ ├─qemu-guest-agent.service" in lines
    assert '           │ │ └─1051 "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"' in lines
    assert lines[-1].endswith("systemctl status")


def test_systemctl_is_active_without_a_unit_wants_one():
    result = World.new("kvm-guest").run("systemctl is-active")
    assert (result.stderr, result.status) == ("Too few arguments.\n", 1)


def test_sudo_warns_when_etc_hosts_no_longer_names_the_host():
    world = World.new("clone-identifiers")
    assert world.run("sudo true").stderr == ""
    world.run("sudo hostnamectl set-hostname web02")
    result = world.run("sudo cat /etc/hostname")
    assert result.stderr == "sudo: unable to resolve host web02: Name or service not known\n"
    assert (result.stdout, result.status) == ("web02\n", 0)
    world.run("echo 127.0.1.1 web02 | sudo tee -a /etc/hosts")
    assert world.run("sudo true").stderr == ""


def test_dmidecode_handles_follow_the_firmware_numbering(worlds):
    assert "Handle 0x0300, DMI type 3, 22 bytes\n" in worlds["kvm"].run("sudo dmidecode -t chassis").stdout
    assert "Handle 0x0003, DMI type 3, 22 bytes\n" in worlds["vmware"].run("sudo dmidecode -t 3").stdout


def test_ip_s_link_prints_iproute2_6_1_counter_tables(worlds):
    out = worlds["kvm"].run("ip -s link show lo").stdout.splitlines(keepends=True)
    assert out[2:] == [
        "    RX:  bytes packets errors dropped  missed   mcast           \n",
        out[3],
        "    TX:  bytes packets errors dropped carrier collsns           \n",
        out[3],
    ]
    assert re.fullmatch(r"    {1,10}\d+ +\d+      0       0       0       0 \n", out[3])
    assert len(out[3]) == len("    RX:  bytes packets errors dropped  missed   mcast ") + 1


def test_systemctl_list_units_prints_systemd_255s_table_and_legend(worlds):
    assert worlds["kvm"].run("systemctl list-units --type=service").stdout == (
        "  UNIT                     LOAD   ACTIVE SUB     DESCRIPTION\n"
        "  cloud-config.service     loaded active exited  Cloud-init: Config Stage\n"
        "  cloud-final.service      loaded active exited  Cloud-init: Final Stage\n"
        "  cloud-init-local.service loaded active exited  Cloud-init: Local Stage (pre-network)\n"
        "  cloud-init.service       loaded active exited  Cloud-init: Network Stage\n"
        "  qemu-guest-agent.service loaded active running QEMU Guest Agent\n"
        "  rsyslog.service          loaded active running System Logging Service\n"
        "  ssh.service              loaded active running OpenBSD Secure Shell server\n"
        "  systemd-journald.service loaded active running Journal Service\n"
        "  systemd-networkd.service loaded active running Network Configuration\n"
        "\n"
        "LOAD   = Reflects whether the unit definition was properly loaded.\n"
        "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
        "SUB    = The low-level unit activation state, values depend on unit type.\n"
        "9 loaded units listed. Pass --all to see loaded but inactive units, too.\n"
        "To show all installed unit files use 'systemctl list-unit-files'.\n"
    )
    assert worlds["kvm"].run("systemctl list-units --state=exited --no-legend 'cloud-init*'").stdout == (
        "  cloud-init-local.service loaded active exited Cloud-init: Local Stage (pre-network)\n"
        "  cloud-init.service       loaded active exited Cloud-init: Network Stage\n"
    )
    failed = worlds["kvm"].run("systemctl list-units --state=failed")
    assert failed.stdout.endswith("0 loaded units listed.\n")
    assert worlds["kvm"].run("systemctl --failed") == failed  # its short form, learnt for LPIC-1
    assert worlds["kvm"].run("systemctl list-units --no-legend --plain 'ssh*'").stdout == (
        "ssh.service loaded active running OpenBSD Secure Shell server\n"
    )


def test_systemctl_unit_files_and_is_enabled(worlds):
    files = worlds["kvm"].run("systemctl list-unit-files").stdout.splitlines()
    assert files[0] == "UNIT FILE                STATE    PRESET"
    assert "qemu-guest-agent.service static   -" in files and files[-1] == "10 unit files listed."
    assert "ssh.socket               enabled  enabled" in files
    assert worlds["kvm"].run("systemctl is-enabled ssh") == Result("disabled\n", "", 1)
    assert worlds["kvm"].run("systemctl is-enabled ssh.socket") == Result("enabled\n", "", 0)
    assert worlds["kvm"].run("systemctl is-enabled nope") == Result(
        "", "Failed to get unit file state for nope.service: No such file or directory\n", 1
    )
    assert worlds["kvm"].run("systemctl status nope.mount") == Result(  # a typed unit keeps its type
        "", "Unit nope.mount could not be found.\n", 4
    )
    assert worlds["kvm"].run("systemctl is-enabled nope.timer").stderr == (
        "Failed to get unit file state for nope.timer: No such file or directory\n"
    )
    assert worlds["kvm"].run("systemctl --bogus") == Result(
        "", "systemctl: unrecognized option '--bogus'\n", 1
    )


def test_dmesg_levels_decode_and_relative_times():
    world = World.new("intel-vtx-host")
    world.run("sudo modprobe kvm_amd")
    assert world.run("sudo dmesg --level=err").stdout == (
        "[   30.370000] kvm_amd: SVM not supported by CPU 0, not amd or hygon\n"
    )
    assert world.run("sudo dmesg -l err,warn -x -t").stdout == (
        "kern  :err   : kvm_amd: SVM not supported by CPU 0, not amd or hygon\n"
    )
    assert world.run("sudo dmesg -x | head -1").stdout.startswith(
        "kern  :notice: [    0.000000] Linux version "
    )
    human = world.run("sudo dmesg -H | head -2").stdout.splitlines()
    assert human[0].startswith("[Nov27 09:59] Linux version") and human[1].startswith("[  +0.000000] ")
    assert world.run("sudo dmesg -l foo") == Result("", "dmesg: unknown level 'foo'\n", 1)


def test_dmesg_follow_runs_until_the_line_is_interrupted():
    result = World.new("kvm-guest").run("sudo dmesg -w")
    assert "Hypervisor detected: KVM" in result.stdout and result.status == 130


def test_lscpu_extended_and_parsable_list_each_cpu():
    assert World.new("kvm-guest").run("lscpu -e").stdout == (
        "CPU NODE SOCKET CORE L1d:L1i:L2:L3 ONLINE\n"
        "  0    0      0    0 0:0:0:0          yes\n"
        "  1    0      1    1 1:1:1:1          yes\n"
    )
    host = World.new("intel-vtx-host")
    assert host.run("lscpu -e | head -6 | tail -1").stdout == (
        "  4    0      0    0 0:0:0:0          yes 4700.0000 400.0000 2800.0000\n"
    )
    parsable = host.run("lscpu -p").stdout.splitlines()
    assert parsable[3:6] == ["# CPU,Core,Socket,Node,,L1d,L1i,L2,L3", "0,0,0,0,,0,0,0,0", "1,1,0,0,,1,1,1,0"]
    assert host.run("lscpu -e=CPU,CORE").stdout.splitlines()[-1] == "  7    3"
    assert host.run("lscpu -e=foo") == Result("", "lscpu: unknown column: foo\n", 1)


@pytest.mark.parametrize(
    "line",
    [
        "lscpu --help",
        "blkid --help",
        "free --help",
        "uptime --help",
        "dmidecode --help",
        "modprobe --help",
        "modinfo --help",
        "rmmod --help",
        "insmod --help",
        "fdisk --help",
        "whereis --help",
        "dpkg --help",
        "dpkg-query --help",
    ],
)
def test_help_of_the_tools_of_the_objective_shows_their_manual_not_an_error(line):
    # The real tools answer --help with their usage (exit 0); the simulator's --help is the man page where
    # it does not model the usage itself (coreutils' programs do: test_help_everywhere.py).
    from simulator.commands import MAN_PAGES

    result = World.new("kvm-guest").run(line)
    assert (result.stdout, result.stderr, result.status) == (MAN_PAGES[line.split()[0]], "", 0)
