from simulator import Result, World


def test_man_prints_a_page_with_its_header_and_footer():
    world = World.new("kvm-guest")
    page = world.run("man machine-id").stdout.splitlines()
    assert page[0] == "MACHINE-ID(5)                     machine-id                     MACHINE-ID(5)"
    assert page[2:4] == ["NAME", "       machine-id - Local machine ID configuration file"]
    assert page[-1] == "systemd 255                                                      MACHINE-ID(5)"
    assert all(len(line) <= 78 for line in page)


def test_man_finds_a_section_before_or_after_the_name():
    world = World.new("kvm-guest")
    header = "HOSTNAME(5)                        hostname                        HOSTNAME(5)\n"
    assert world.run("man 5 hostname | head -1").stdout == header
    assert world.run("man hostname.5 | head -1").stdout == header
    assert world.run("man -s 5 hostname | head -1").stdout == header
    assert world.run("man hostname | head -1").stdout == "hostname - show or set the system's host name\n"


def test_man_missing_pages_and_usage():
    world = World.new("kvm-guest")
    assert world.run("man nosuch") == Result("", "No manual entry for nosuch\n", 16)
    assert world.run("man 5 lsmod") == Result("", "No manual entry for lsmod in section 5\n", 16)
    assert world.run("man") == Result("", "What manual page do you want?\nFor example, try 'man man'.\n", 1)
    assert world.run("man 1").stderr == (
        "No manual entry for 1\n(Alternatively, what manual page do you want from section 1?)\n"
        "For example, try 'man man'.\n"
    )
    assert world.run("man -z") == Result(
        "", "man: invalid option -- 'z'\nTry 'man --help' or 'man --usage' for more information.\n", 1
    )
    assert world.run("man -w lsmod") == Result("/usr/share/man/man8/lsmod.8.gz\n", "", 0)


def test_whatis_and_man_f_use_man_db_format():
    world = World.new("kvm-guest")
    assert world.run("whatis machine-id") == Result(
        "machine-id (5)       - Local machine ID configuration file\n", "", 0
    )
    assert world.run("man -f systemd-detect-virt nosuch") == Result(
        "systemd-detect-virt (1) - Detect execution in a virtualized environment\n",
        "nosuch: nothing appropriate.\n",
        16,
    )
    assert world.run("whatis awk").stdout == (
        "awk (1)              - pattern scanning and text processing language\n"
    )
    assert world.run("whatis") == Result("", "whatis what?\n", 1)


def test_apropos_and_man_k_search_names_and_descriptions():
    world = World.new("kvm-guest")
    assert world.run("apropos 'machine id'").stdout == (
        "machine-id (5)       - Local machine ID configuration file\n"
        "systemd-machine-id-setup (1) - Initialize the machine ID in /etc/machine-id\n"
    )
    assert "tune2fs (8)          - adjust tunable file system parameters on ext2/ext3/ext...\n" in (
        world.run("man -k tunable").stdout
    )
    assert world.run("apropos zzzq") == Result("", "zzzq: nothing appropriate.\n", 16)
    assert world.run("apropos '('") == Result("", "apropos: fatal: regex `(': Unmatched ( or \\(\n", 2)


def test_pages_follow_their_package():
    host = World.new("intel-vtx-host")  # cpu-checker installed: kvm-ok and its page
    assert host.run("man kvm-ok | head -1").stdout.startswith("KVM-OK(1)")
    world = World.new("kvm-guest")  # no cpu-checker here, so neither kvm-ok nor its page
    assert world.run("man kvm-ok") == Result("", "No manual entry for kvm-ok\n", 16)
    assert world.run("ls /usr/share/man/man1/kvm-ok.1.gz").status == 2
    assert world.run("ls -1 /usr/share/man/man5").stdout.split() == [
        "fstab.5.gz",
        "hostname.5.gz",
        "hosts.5.gz",
        "machine-id.5.gz",
        "modprobe.d.5.gz",
        "modules-load.d.5.gz",
        "proc.5.gz",
        "proc_cpuinfo.5.gz",
    ]
    world.run("sudo rm /usr/share/man/man5/machine-id.5.gz")
    assert world.run("man machine-id").status == 16


def test_util_linux_pages_for_making_filesystems_and_swap():
    world = World.new("kvm-guest")
    assert world.run("whatis mkfs mkswap").stdout == (
        "mkfs (8)             - build a Linux filesystem\nmkswap (8)           - set up a Linux swap area\n"
    )
    page = world.run("man 8 mkswap").stdout.splitlines()
    assert page[-1] == "util-linux 2.39.3                 2023-12-01                         MKSWAP(8)"
    assert "       -U, --uuid UUID" in page and all(len(line) <= 78 for line in page)
