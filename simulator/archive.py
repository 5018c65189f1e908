"""The simulated Ubuntu 24.04 (noble) archive: every package GuestLab knows, as read-only catalog data.

Like hardware.py, a catalog: each package's version, control fields, files, programs, services, kernel
modules and configuration files, and which of them each kind of image carries. What installing one does to a
machine lives in packages.py.

Versions, sizes and dependencies are those of noble and noble-updates as of late 2024, written from
memory of the archive (`apt show` / `dpkg -s` captures), not checked against it: treat them as plausible.
Descriptions are the packages' synopses and the start of their long descriptions. Each package lists the
programs GuestLab runs (a handler in simulator/commands/), not every file it ships.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNSHARED = ("/etc/", "/usr/lib/command-not-found")
UBUNTU = "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"
CORE = "Ubuntu Core Developers <ubuntu-devel-discuss@lists.ubuntu.com>"
MIRROR = "http://archive.ubuntu.com/ubuntu"
SECURITY = "http://security.ubuntu.com/ubuntu"
# /var/lib/dpkg holds about this many paths on a fresh server image besides those the catalog models
DATABASE_BASE = 71_642


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    summary: str
    section: str = "admin"
    priority: str = "optional"
    size: int = 100  # Installed-Size, KiB
    arch: str = "amd64"
    depends: str = ""
    bin: tuple[str, ...] = ()  # programs in /usr/bin
    sbin: tuple[str, ...] = ()  # programs in /usr/sbin
    files: tuple[str, ...] = ()  # other paths it ships
    conffiles: tuple[tuple[str, str], ...] = ()  # (path, content)
    configs: tuple[tuple[str, str], ...] = ()  # (path, content) its scripts manage (ucf): not conffiles
    services: tuple[str, ...] = ()  # systemd units (without .service) it ships
    modules: tuple[str, ...] = ()  # kernel modules its service loads when it starts
    description: str = ""
    homepage: str = ""
    essential: bool = False
    maintainer: str = UBUNTU
    original: str = ""  # Original-Maintainer
    component: str = "main"
    pocket: str = "noble"  # noble (release) or noble-updates
    deb: int = 0  # .deb size in bytes (0: a third of the installed size)
    multi_arch: str = ""  # "same" for libraries: dpkg and apt then name them NAME:amd64
    source: str = ""  # the source package, when its name differs

    @property
    def full_name(self) -> str:
        """dpkg's non-ambiguous name (pnaw_nonambig): NAME:ARCH for Multi-Arch: same packages."""
        return f"{self.name}:{self.arch}" if self.multi_arch == "same" else self.name

    @property
    def programs(self) -> dict[str, str]:
        """command name -> path."""
        paths = {name: f"/usr/bin/{name}" for name in self.bin}
        paths.update({name: f"/usr/sbin/{name}" for name in self.sbin})
        return paths

    def paths(self) -> list[str]:
        """Every file it ships (no directories), sorted."""
        own = [*self.programs.values(), *self.files, *(path for path, _ in self.conffiles + self.configs)]
        own += [f"/usr/lib/systemd/system/{unit}.service" for unit in self.services]
        own.append(f"/usr/share/doc/{self.name}/copyright")
        return sorted(set(own))

    def shared_paths(self) -> list[str]:
        """The files every machine with it holds alike; configuration (/etc) and the handler bash looks for
        (command-not-found) each machine unpacks for itself."""
        return [path for path in self.paths() if not path.startswith(UNSHARED)]

    def listing(self) -> list[str]:
        """What `dpkg -L` prints: "/." then every directory and file, parents first."""
        entries = set()
        for path in self.paths():
            entries.add(path)
            parent = path.rpartition("/")[0]
            while parent:
                entries.add(parent)
                parent = parent.rpartition("/")[0]
        return ["/.", *sorted(entries)]

    @property
    def deb_size(self) -> int:
        return self.deb or self.size * 1024 // 3

    @property
    def depends_names(self) -> list[str]:
        """The first alternative of each Depends entry (what apt picks), without versions."""
        entries = [entry for entry in self.depends.split(",") if entry.strip()]
        return [re.split(r"[\s(:]", entry.split("|")[0].strip())[0] for entry in entries]

    @property
    def filename(self) -> str:
        """The .deb as apt names it in its cache ("1:" epochs are written "1%3a")."""
        return f"{self.name}_{self.version.replace(':', '%3a')}_{self.arch}.deb"


def _p(name: str, version: str, summary: str, **fields) -> Package:
    return Package(name, version, summary, **fields)


# /etc/ssh as the openssh and ssh-import-id packages ship it; contents shortened (the real moduli holds
# about half a megabyte of prime lines), so sizes in ls -l differ from a real system.
SSHD_CONFIG = (
    "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
    "UsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"
    "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n"
)
SSH_CONFIG = (
    "# This is the ssh client system-wide configuration file.  See\n"
    "# ssh_config(5) for more information.\n\n"
    "Include /etc/ssh/ssh_config.d/*.conf\n\nHost *\n    SendEnv LANG LC_*\n    HashKnownHosts yes\n"
    "    GSSAPIAuthentication yes\n"
)
SSH_IMPORT_ID = """{
\t"_comment_": "This file is JSON syntax and will be loaded by ssh-import-id to obtain the URL string, \
which defaults to launchpad.net.  The following URL *must* be an https address with a valid, signed \
certificate!!!  %s is the variable that will be filled by the ssh-import-id utility.",
\t"URL": "https://launchpad.net/~%s/+sshkeys"
}
"""
UNIT_WANTS = "/etc/systemd/system/multi-user.target.wants"
SOCKET_WANTS = "/etc/systemd/system/sockets.target.wants"
# Services a package starts through a socket it enables instead (openssh-server on Ubuntu 22.10 and later:
# sshd runs from the first connection on, and ssh.service itself stays disabled)
SOCKET_ACTIVATED = {"ssh": "ssh.socket"}
# Units without an [Install] section: started by something else (udev, a socket, another unit), never enabled
STATIC_UNITS = {
    "qemu-guest-agent",
    "vgauth",
    "virtlogd",
    "systemd-journald",
}
# Services whose [Install] WantedBy= is another target than multi-user.target: cloud-init's four stages
# (24.3.1's units; cloud-init.target itself is enabled at boot by cloud-init-generator)
TARGET_WANTS = {
    unit: "/etc/systemd/system/cloud-init.target.wants"
    for unit in ("cloud-init-local", "cloud-init", "cloud-config", "cloud-final")
}


def wants_link(unit: str) -> str:
    """The link `systemctl enable` (and deb-systemd-helper) makes for a service of this model."""
    if unit in SOCKET_ACTIVATED:
        return f"{SOCKET_WANTS}/{SOCKET_ACTIVATED[unit]}"
    return f"{TARGET_WANTS.get(unit, UNIT_WANTS)}/{unit}.service"


# The packages an Ubuntu 24.04 server (or cloud) image carries; docker's ubuntu image has fewer (see below).
BASE = [
    _p(
        "base-files",
        "13ubuntu10.1",
        "Debian base system miscellaneous files",
        section="admin",
        priority="required",
        size=394,
        essential=True,
        files=("/usr/lib/os-release", "/etc/os-release"),
        description=" This package contains the basic filesystem hierarchy of a Debian system, and\n"
        " several important miscellaneous files, such as /etc/debian_version,\n"
        " /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,\n"
        " and the text of several common licenses in use on Debian systems.",
        pocket="noble-updates",
    ),
    _p(
        "bash",
        "5.2.21-2ubuntu4",
        "GNU Bourne Again SHell",
        section="shells",
        priority="required",
        size=1864,
        essential=True,
        bin=("bash",),
        depends="base-files (>= 2.1.12), debianutils (>= 5.6-0.1)",
        description=" Bash is an sh-compatible command language interpreter that executes\n"
        " commands read from the standard input or from a file.  Bash also\n"
        " incorporates useful features from the Korn and C shells (ksh and csh).",
        homepage="http://tiswww.case.edu/php/chet/bash/bashtop.html",
    ),
    _p(
        "dash",
        "0.5.12-6ubuntu5",
        "POSIX-compliant shell",
        section="shells",
        priority="required",
        size=227,
        essential=True,
        bin=("sh",),
        description=" The Debian Almquist Shell (dash) is a POSIX-compliant shell derived\n from ash.",
        homepage="http://gondor.apana.org.au/~herbert/dash/",
    ),
    _p(
        "coreutils",
        "9.4-3ubuntu6",
        "GNU core utilities",
        section="utils",
        priority="required",
        size=7116,
        essential=True,
        bin=(
            "[",
            "arch",
            "basename",
            "cat",
            "chmod",
            "chown",
            "cp",
            "cut",
            "date",
            "df",
            "dirname",
            "du",
            "echo",
            "env",
            "false",
            "groups",
            "head",
            "id",
            "ln",
            "ls",
            "mkdir",
            "mv",
            "nproc",
            "od",
            "printenv",
            "printf",
            "pwd",
            "readlink",
            "rm",
            "rmdir",
            "seq",
            "sleep",
            "sort",
            "stat",
            "tail",
            "tee",
            "test",
            "touch",
            "tr",
            "true",
            "truncate",
            "uname",
            "uniq",
            "wc",
            "whoami",
            "yes",
        ),
        description=" This package contains the basic file, shell and text manipulation\n"
        " utilities which are expected to exist on every operating system.",
        homepage="https://www.gnu.org/software/coreutils/",
    ),
    _p(
        "util-linux",
        "2.39.3-9ubuntu6.1",
        "miscellaneous system utilities",
        section="utils",
        priority="required",
        size=3396,
        essential=True,
        pocket="noble-updates",
        bin=("dmesg", "findmnt", "lsblk", "lscpu", "more", "rev", "su", "whereis"),
        sbin=("blkid", "mkfs"),
        description=" This package contains a number of important utilities, most of which\n"
        " are oriented towards maintenance of your system. Some of the more\n"
        " important utilities included in this package allow you to view kernel\n"
        " messages, create new filesystems, view block device information,\n"
        " interface with real time clock, etc.",
        homepage="https://www.kernel.org/pub/linux/utils/util-linux/",
    ),
    _p(
        "mount",
        "2.39.3-9ubuntu6.1",
        "tools for mounting and manipulating filesystems",
        section="admin",
        priority="required",
        size=402,
        pocket="noble-updates",
        bin=("mount", "umount"),
        sbin=("swapon", "swapoff"),
        source="util-linux",
        description=" This package provides the mount(8), umount(8), swapon(8),\n"
        " swapoff(8), and losetup(8) commands.",
        homepage="https://www.kernel.org/pub/linux/utils/util-linux/",
    ),
    _p(
        "fdisk",
        "2.39.3-9ubuntu6.1",
        "collection of partitioning utilities",
        section="utils",
        priority="important",
        size=484,
        pocket="noble-updates",
        sbin=("fdisk",),
        source="util-linux",
        description=" This package contains the classic fdisk, sfdisk and cfdisk partitioning\n"
        " utilities from the util-linux suite.",
        homepage="https://www.kernel.org/pub/linux/utils/util-linux/",
    ),
    _p(
        "grep",
        "3.11-4build1",
        "GNU grep, egrep and fgrep",
        section="utils",
        priority="required",
        size=1040,
        essential=True,
        bin=("grep", "egrep", "fgrep"),
        description=" 'grep' is a utility to search for text in files; it can be used from the\n"
        " command line or in scripts.  Even if you don't want to use it, other packages\n"
        " on your system probably will.",
        homepage="https://www.gnu.org/software/grep/",
    ),
    _p(
        "sed",
        "4.9-2build1",
        "GNU stream editor for filtering/transforming text",
        section="utils",
        priority="required",
        size=872,
        essential=True,
        bin=("sed",),
        description=" sed reads the specified files or the standard input if no\n"
        " files are specified, makes editing changes according to a\n"
        " list of commands, and writes the results to the standard output.",
        homepage="https://www.gnu.org/software/sed/",
    ),
    _p(
        "mawk",
        "1.3.4.20240123-1build1",
        "Pattern scanning and text processing language",
        section="interpreters",
        priority="required",
        size=237,
        bin=("awk", "mawk"),  # /usr/bin/awk: the alternative, mawk unless gawk is installed
        description=" Mawk is an interpreter for the AWK Programming Language. The AWK\n"
        " language is useful for manipulation of data files, text retrieval and\n"
        " processing, and for prototyping and experimenting with algorithms.",
        homepage="https://invisible-island.net/mawk/",
    ),
    _p(
        "findutils",
        "4.9.0-5build1",
        "utilities for finding files--find, xargs",
        section="utils",
        priority="required",
        size=1840,
        essential=True,
        bin=("find", "xargs"),
        description=" GNU findutils provides utilities to find files meeting specified criteria\n"
        " and perform various actions on the files which are found.",
        homepage="https://savannah.gnu.org/projects/findutils/",
    ),
    _p(
        "kmod",
        "31+20240202-2ubuntu7",
        "tools for managing Linux kernel modules",
        section="admin",
        priority="required",
        size=258,
        sbin=("lsmod", "modprobe", "modinfo", "insmod", "rmmod", "depmod"),
        description=" This package contains a set of programs for loading, inserting, and\n"
        " removing kernel modules for Linux.",
        homepage="https://git.kernel.org/pub/scm/utils/kernel/kmod/kmod.git",
    ),
    _p(
        "iproute2",
        "6.1.0-1ubuntu6",
        "networking and traffic control tools",
        section="net",
        priority="important",
        size=3344,
        bin=("ss",),
        sbin=("ip",),
        description=" The iproute2 suite is a collection of utilities for networking and\n traffic control.",
        homepage="https://wiki.linuxfoundation.org/networking/iproute2",
    ),
    _p(
        "procps",
        "2:4.0.4-4ubuntu3.2",
        "/proc file system utilities",
        section="admin",
        priority="important",
        size=2420,
        pocket="noble-updates",
        bin=("ps", "free", "uptime"),
        description=" This package provides command line and full screen utilities for browsing\n"
        ' procfs, a "pseudo" file system dynamically generated by the kernel to\n'
        " provide information about the status of entries in its process table.",
        homepage="https://gitlab.com/procps-ng/procps",
    ),
    _p(
        "systemd",
        "255.4-1ubuntu8.4",
        "system and service manager",
        section="admin",
        priority="important",
        size=11272,
        pocket="noble-updates",
        bin=(
            "systemctl",
            "journalctl",
            "hostnamectl",
            "networkctl",
            "systemd-detect-virt",
            "systemd-machine-id-setup",
        ),
        files=("/usr/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-networkd"),
        services=("systemd-journald", "systemd-networkd"),
        description=" systemd is a system and service manager for Linux. It provides aggressive\n"
        " parallelization capabilities, uses socket and D-Bus activation for starting\n"
        " services, offers on-demand starting of daemons, keeps track of processes using\n"
        " Linux control groups, maintains mount and automount points and implements an\n"
        " elaborate transactional dependency-based service control logic.",
        homepage="https://www.freedesktop.org/wiki/Software/systemd",
    ),
    _p(
        "systemd-sysv",
        "255.4-1ubuntu8.4",
        "system and service manager - SysV compatibility symlinks",
        section="admin",
        priority="important",
        size=64,
        pocket="noble-updates",
        depends="systemd",
        sbin=("halt", "poweroff", "reboot", "shutdown"),
        source="systemd",
        description=" This package provides manual pages and compatibility symlinks needed for\n"
        " systemd to replace sysvinit.",
        homepage="https://www.freedesktop.org/wiki/Software/systemd",
    ),
    _p(
        "systemd-resolved",
        "255.4-1ubuntu8.4",
        "systemd DNS resolver",
        section="net",
        priority="important",
        size=862,
        pocket="noble-updates",
        depends="systemd (= 255.4-1ubuntu8.4)",
        bin=("resolvectl",),
        source="systemd",
        description=" This package provides systemd's DNS resolver and the command line tool to\n manage it.",
        homepage="https://www.freedesktop.org/wiki/Software/systemd",
    ),
    _p(
        "dbus-bin",
        "1.14.10-4ubuntu4.1",
        "simple interprocess messaging system (command line utilities)",
        section="admin",
        size=133,
        pocket="noble-updates",
        bin=("dbus-uuidgen",),
        source="dbus",
        description=" D-Bus is a message bus, used for sending messages between applications.\n"
        " This package contains the command line utilities.",
        homepage="https://dbus.freedesktop.org/",
    ),
    _p(
        "dbus",
        "1.14.10-4ubuntu4.1",
        "simple interprocess messaging system (system message bus)",
        section="admin",
        size=158,
        pocket="noble-updates",
        depends="dbus-bin (= 1.14.10-4ubuntu4.1)",
        description=" D-Bus is a message bus, used for sending messages between applications.\n"
        " This package provides the system message bus.",
        homepage="https://dbus.freedesktop.org/",
    ),
    _p(
        "hostname",
        "3.23+nmu2ubuntu2",
        "utility to set/show the host name or domain name",
        section="admin",
        priority="required",
        size=52,
        essential=True,
        bin=("hostname",),
        description=" This package provides commands which can be used to display the system's\n"
        " DNS name, and to display or set its hostname or NIS domain name.",
    ),
    _p(
        "sudo",
        "1.9.15p5-3ubuntu5",
        "Provide limited super user privileges to specific users",
        section="admin",
        priority="important",
        size=4052,
        bin=("sudo", "sudoedit"),
        description=" Sudo is a program designed to allow a sysadmin to give limited root\n"
        " privileges to users and log root activity.",
        homepage="https://www.sudo.ws/",
    ),
    _p(
        "debianutils",
        "5.17build1",
        "Miscellaneous utilities specific to Debian",
        section="utils",
        priority="required",
        size=216,
        essential=True,
        bin=("which",),
        description=" This package provides a number of small utilities which are used\n"
        " primarily by the installation scripts of Debian packages.",
    ),
    _p(
        "ncurses-bin",
        "6.4+20240113-1ubuntu2",
        "terminal-related programs and man pages",
        section="utils",
        priority="required",
        size=646,
        essential=True,
        bin=("clear",),
        source="ncurses",
        description=" This package contains programs used for manipulating the terminfo\n"
        " database and individual terminfo entries, as well as some programs for\n"
        " resetting terminals and such.",
        homepage="https://invisible-island.net/ncurses/",
    ),
    _p(
        "libc-bin",
        "2.39-0ubuntu8.3",
        "GNU C Library: Binaries",
        section="libs",
        priority="required",
        size=2568,
        essential=True,
        pocket="noble-updates",
        bin=("getent",),
        source="glibc",
        description=" This package contains utility programs related to the GNU C Library.",
        homepage="https://www.gnu.org/software/libc/libc.html",
    ),
    _p(
        "libc6",
        "2.39-0ubuntu8.3",
        "GNU C Library: Shared libraries",
        section="libs",
        priority="required",
        size=13540,
        pocket="noble-updates",
        files=("/usr/lib/x86_64-linux-gnu/libc.so.6",),
        multi_arch="same",
        source="glibc",
        description=" Contains the standard libraries that are used by nearly all programs on\n the system.",
        homepage="https://www.gnu.org/software/libc/libc.html",
    ),
    _p(
        "libglib2.0-0t64",
        "2.80.0-6ubuntu3.1",
        "GLib library of C routines",
        section="libs",
        size=4680,
        pocket="noble-updates",
        files=("/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0",),
        multi_arch="same",
        source="glib2.0",
        description=" GLib is a library containing many useful C routines for things such\n"
        " as trees, hashes, lists, and strings.",
        homepage="https://wiki.gnome.org/Projects/GLib",
    ),
    _p(
        "python3",
        "3.12.3-0ubuntu2",
        "interactive high-level object-oriented language (default python3 version)",
        section="python",
        priority="important",
        size=92,
        files=("/usr/lib/python3.12/os.py",),
        source="python3-defaults",
        description=" Python, the high-level, interactive object oriented language,\n"
        " includes an extensive class library with lots of goodies for\n"
        " network programming, system administration, sounds and graphics.",
        homepage="https://www.python.org/",
    ),
    _p(
        "man-db",
        "2.12.0-4build2",
        "tools for reading manual pages",
        section="doc",
        priority="standard",
        size=2828,
        bin=("man", "whatis", "apropos"),
        description=" This package provides the man command, the primary way of examining the\n"
        " system help files (manual pages).",
        homepage="https://gitlab.com/man-db/man-db",
    ),
    _p(
        "less",
        "590-2ubuntu2.1",
        "pager program similar to more",
        section="text",
        priority="important",
        size=335,
        pocket="noble-updates",
        bin=("less",),
        description=' This package provides "less", a file pager (that is, a memory-efficient\n'
        " utility for displaying text one screenful at a time).",
        homepage="https://www.greenwoodsoftware.com/less/",
    ),
    _p(
        "lsb-release",
        "12.0-2",
        "Linux Standard Base version reporting utility (minimal implementation)",
        section="misc",
        priority="important",
        size=18,
        arch="all",
        bin=("lsb_release",),
        source="lsb-release-minimal",
        description=" The Linux Standard Base (http://www.linuxbase.org/) is a standard\n"
        " core system that third-party applications written for Linux can\n"
        " depend upon.",
    ),
    _p(
        "dmidecode",
        "3.5-3build1",
        "SMBIOS/DMI table decoder",
        section="utils",
        priority="important",
        size=253,
        sbin=("dmidecode",),
        description=" Dmidecode reports information about the system's hardware as described in\n"
        " the system BIOS according to the SMBIOS/DMI standard.",
        homepage="https://nongnu.org/dmidecode/",
    ),
    _p(
        "pciutils",
        "1:3.10.0-2build1",
        "PCI utilities",
        section="admin",
        priority="standard",
        size=212,
        bin=("lspci",),
        description=" This package contains various utilities for inspecting and setting of\n"
        " devices connected to the PCI bus.",
        homepage="https://mj.ucw.cz/sw/pciutils/",
    ),
    _p(
        "usbutils",
        "1:017-3build1",
        "Linux USB utilities",
        section="utils",
        priority="standard",
        size=323,
        bin=("lsusb",),
        description=" This package contains the lsusb utility for inspecting the devices\n"
        " connected to the USB bus.",
        homepage="https://github.com/gregkh/usbutils",
    ),
    _p(
        "iputils-ping",
        "3:20240117-1build1",
        "Tools to test the reachability of network hosts",
        section="net",
        priority="important",
        size=116,
        bin=("ping",),
        source="iputils",
        description=" The ping command sends ICMP ECHO_REQUEST packets to a host in order to\n"
        " test if the host is reachable via the network.",
        homepage="https://github.com/iputils/iputils/",
    ),
    _p(
        "iputils-arping",
        "3:20240117-1build1",
        "Tool to send ICMP echo requests to an ARP address",
        section="net",
        size=56,
        bin=("arping",),
        source="iputils",
        description=" The arping command acts like the standard ping command except it pings\n"
        " a machine by its ARP address instead of its IP address.",
        homepage="https://github.com/iputils/iputils/",
    ),
    _p(
        "e2fsprogs",
        "1.47.0-2.4~exp1ubuntu4.1",
        "ext2/ext3/ext4 file system utilities",
        section="admin",
        priority="required",
        size=1592,
        essential=True,
        pocket="noble-updates",
        sbin=("tune2fs", "e2label", "e2fsck", "mke2fs", "mkfs.ext4"),
        description=" The ext2, ext3 and ext4 file systems are successors of the original ext\n"
        ' ("extended") file system. They are the main file system types used for\n'
        " hard disks on Debian and other Linux systems.",
        homepage="http://e2fsprogs.sourceforge.net",
    ),
    _p(
        "parted",
        "3.6-4build1",
        "disk partition manipulator",
        section="admin",
        priority="standard",
        size=122,
        sbin=("parted",),
        description=" GNU Parted is a program that allows you to create, destroy, resize,\n"
        " move, and copy hard disk partitions.",
        homepage="https://www.gnu.org/software/parted",
    ),
    _p(
        "initramfs-tools",
        "0.142ubuntu25.4",
        "generic modular initramfs generator (automation)",
        section="utils",
        priority="important",
        size=105,
        arch="all",
        pocket="noble-updates",
        sbin=("update-initramfs",),
        description=" This package builds a bootable initramfs for Linux kernel packages.  The\n"
        " initramfs is loaded along with the kernel and is responsible for\n"
        " mounting the root filesystem and starting the main init system.",
    ),
    _p(
        "netplan.io",
        "1.0.1-1ubuntu2~24.04.1",
        "Declarative network configuration for various backends",
        section="net",
        priority="important",
        size=349,
        pocket="noble-updates",
        sbin=("netplan",),
        description=" netplan reads YAML network configuration files which are written\n"
        " by administrators, installers, cloud image instantiations, or other OS\n"
        " deployments.",
        homepage="https://netplan.io/",
    ),
    _p(
        "lshw",
        "02.19.git.2021.06.19.996aaad9c7-2build3",
        "information about hardware configuration",
        section="utils",
        priority="standard",
        size=919,
        bin=("lshw",),
        description=" A small tool to provide detailed information on the hardware\n"
        " configuration of the machine.",
        homepage="https://github.com/lyonel/lshw",
    ),
    _p(
        "apt",
        "2.7.14build2",
        "commandline package manager",
        section="admin",
        priority="important",
        size=4156,
        bin=("apt", "apt-get", "apt-cache"),
        conffiles=(
            ("/etc/apt/apt.conf.d/01autoremove", 'APT\n{\n  NeverAutoRemove\n  {\n\t"^firmware-linux.*";\n'),
            ("/etc/cron.daily/apt-compat", "#!/bin/sh\n\nset -e\n"),
            ("/etc/logrotate.d/apt", "/var/log/apt/term.log {\n  rotate 12\n  monthly\n"),
        ),
        description=" This package provides commandline tools for searching and\n"
        " managing as well as querying information about packages\n"
        " as a low-level access to all features of the libapt-pkg library.",
        maintainer=CORE,
        original="APT Development Team <deity@lists.debian.org>",
    ),
    _p(
        "dpkg",
        "1.22.6ubuntu6.1",
        "Debian package management system",
        section="admin",
        priority="required",
        size=6664,
        essential=True,
        pocket="noble-updates",
        bin=("dpkg", "dpkg-query"),
        description=" This package provides the low-level infrastructure for handling the\n"
        " installation and removal of Debian software packages.",
        maintainer=CORE,
        original="Dpkg Developers <debian-dpkg@lists.debian.org>",
        homepage="https://wiki.debian.org/Teams/Dpkg",
    ),
    _p(
        "debconf",
        "1.5.86ubuntu1",
        "Debian configuration management system",
        section="admin",
        priority="required",
        size=512,
        arch="all",
        sbin=("dpkg-reconfigure",),
        description=" Debconf is a configuration management system for debian packages. Packages\n"
        " use Debconf to ask questions when they are installed.",
    ),
    _p(
        "command-not-found",
        "23.04.0",
        "Suggest installation of packages in interactive bash sessions",
        section="admin",
        priority="standard",
        size=27,
        arch="all",
        files=("/usr/lib/command-not-found",),
        description=" This package will install a handler for command_not_found that looks up\n"
        " programs not currently installed but available from the repositories.",
    ),
    _p(
        "openssh-client",
        "1:9.6p1-3ubuntu13.5",
        "secure shell (SSH) client, for secure access to remote machines",
        section="net",
        priority="standard",
        size=4476,
        pocket="noble-updates",
        depends="libc6 (>= 2.38)",
        bin=("ssh", "ssh-keygen"),
        conffiles=(("/etc/ssh/ssh_config", SSH_CONFIG),),
        source="openssh",
        description=" This is the portable version of OpenSSH, a free implementation of\n"
        " the Secure Shell protocol as specified by the IETF secsh working\n"
        " group.",
        original="Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>",
        homepage="https://www.openssh.com/",
    ),
    _p(
        "openssh-sftp-server",
        "1:9.6p1-3ubuntu13.5",
        "secure shell (SSH) sftp server module, for SFTP access from remote machines",
        section="net",
        size=155,
        pocket="noble-updates",
        files=("/usr/lib/openssh/sftp-server",),
        source="openssh",
        description=" This package provides the SFTP server module for the SSH server.",
        original="Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>",
        homepage="https://www.openssh.com/",
    ),
    _p(
        "openssh-server",
        "1:9.6p1-3ubuntu13.5",
        "secure shell (SSH) server, for secure access from remote machines",
        section="net",
        size=2047,
        pocket="noble-updates",
        depends="libc6 (>= 2.38), openssh-client (= 1:9.6p1-3ubuntu13.5), openssh-sftp-server, "
        "systemd | systemd-standalone-sysusers",
        sbin=("sshd",),
        files=("/usr/lib/systemd/system/ssh.socket",),
        configs=(("/etc/ssh/sshd_config", SSHD_CONFIG),),
        conffiles=(
            ("/etc/ssh/moduli", "#    $OpenBSD: moduli,v 1.37 2024/03/01 00:28:37 dtucker Exp $\n"),
            (
                "/etc/default/ssh",
                "# Default settings for openssh-server. This file is sourced by "
                "/bin/sh from\n# /etc/init.d/ssh.\n\n# Options to pass to sshd\nSSHD_OPTS=\n",
            ),
        ),
        services=("ssh",),
        source="openssh",
        description=" This is the portable version of OpenSSH, a free implementation of\n"
        " the Secure Shell protocol as specified by the IETF secsh working\n"
        " group.",
        original="Debian OpenSSH Maintainers <debian-ssh@lists.debian.org>",
        homepage="https://www.openssh.com/",
    ),
    _p(
        "ssh-import-id",
        "5.11-0ubuntu2",
        "securely retrieve an SSH public key and install it locally",
        section="misc",
        size=56,
        arch="all",
        conffiles=(("/etc/ssh/ssh_import_id", SSH_IMPORT_ID),),
        description=" This utility will securely contact a public keyserver and retrieve\n"
        " one or more user's public keys.",
    ),
    _p(
        "nano",
        "7.2-2ubuntu0.1",
        "small, friendly text editor inspired by Pico",
        section="editors",
        priority="important",
        size=881,
        pocket="noble-updates",
        bin=("nano", "editor"),  # /usr/bin/editor: Debian's alternative, nano unless one is chosen
        conffiles=(("/etc/nanorc", "## Sample initialization file for GNU nano.\n"),),
        description=" GNU nano is an easy-to-use text editor originally designed as a replacement\n"
        " for Pico, the ncurses-based editor from the non-free mailer package Pine.",
        homepage="https://www.nano-editor.org/",
    ),
    _p(
        "uuid-runtime",
        "2.39.3-9ubuntu6.1",
        "runtime components for the Universally Unique ID library",
        section="utils",
        priority="optional",
        size=169,
        pocket="noble-updates",
        bin=("uuidgen",),
        depends="libuuid1 (>= 2.31.1)",
        description=" The libuuid library generates and parses 128-bit Universally Unique IDs\n"
        " (UUIDs). This package contains uuidgen, which prints a new UUID.",
        homepage="https://www.kernel.org/pub/linux/utils/util-linux/",
    ),
    _p(
        "vim-common",
        "2:9.1.0016-1ubuntu7.5",
        "Vi IMproved - Common files",
        section="editors",
        priority="important",
        size=391,
        arch="all",
        pocket="noble-updates",
        files=("/usr/share/vim/vim91/debian.vim",),
        source="vim",
        description=" Vim is an almost compatible version of the UNIX editor Vi.\n"
        " This package contains files shared by all non GUI-enabled vim variants.",
        homepage="https://www.vim.org/",
    ),
    _p(
        "vim-tiny",
        "2:9.1.0016-1ubuntu7.5",
        "Vi IMproved - enhanced vi editor - compact version",
        section="editors",
        priority="important",
        size=1716,
        pocket="noble-updates",
        depends="vim-common (= 2:9.1.0016-1ubuntu7.5)",
        bin=("vi",),
        source="vim",
        description=" Vim is an almost compatible version of the UNIX editor Vi.\n"
        " This package contains a minimal version of Vim compiled with no GUI and\n"
        " a small subset of features.",
        homepage="https://www.vim.org/",
    ),
    _p(
        "vim",
        "2:9.1.0016-1ubuntu7.5",
        "Vi IMproved - enhanced vi editor",
        section="editors",
        size=4058,
        pocket="noble-updates",
        depends="vim-common (= 2:9.1.0016-1ubuntu7.5)",
        bin=("vim",),
        description=" Vim is an almost compatible version of the UNIX editor Vi.\n"
        " Many new features have been added: multi level undo, syntax\n"
        " highlighting, command line history, on-line help, filename\n"
        " completion, block operations, folding, Unicode support, etc.",
        homepage="https://www.vim.org/",
    ),
    _p(
        "cloud-init",
        "24.3.1-0ubuntu0~24.04.2",
        "initialization and customization tool for cloud instances",
        section="admin",
        size=2920,
        arch="all",
        pocket="noble-updates",
        depends="netplan.io, python3",
        bin=("cloud-init", "cloud-id"),
        conffiles=(
            (
                "/etc/cloud/cloud.cfg",
                "# The top level settings are used as module\n# and base configuration.\n",
            ),
        ),
        services=("cloud-init-local", "cloud-init", "cloud-config", "cloud-final"),
        description=" Cloud-init provides a framework and tool to configure and customize virtual\n"
        " machine instances for Infrastructure-as-a-Service (IaaS) clouds platforms.",
        homepage="https://cloud-init.io/",
    ),
]

GUESTS = [
    _p(
        "qemu-guest-agent",
        "1:8.2.2+ds-0ubuntu1.4",
        "Guest-side qemu-system agent",
        section="admin",
        size=1017,
        pocket="noble-updates",
        depends="libc6 (>= 2.38), libglib2.0-0t64 (>= 2.75.3)",
        sbin=("qemu-ga",),
        files=("/usr/lib/udev/rules.d/60-qemu-guest-agent.rules",),
        services=("qemu-guest-agent",),
        source="qemu",
        description=" This package provides a daemon (agent) to run inside qemu-system\n"
        " guests (full system emulation).  It communicates with the host using\n"
        " a virtio-serial channel org.qemu.guest_agent.0,\n"
        " and allows to perform some functions in the guest\n"
        " from the host, including:\n"
        "  - querying and setting guest system time\n"
        "  - performing guest filesystem sync operation\n"
        "  - initiating guest shutdown or suspend to ram\n"
        "  - accessing guest files\n"
        "  - freezing/thawing guest filesystem operations\n"
        "  - others.\n"
        " .\n"
        " Install this package on a system which is running as guest\n"
        " inside qemu virtual machine.  It is not used on the host.",
        original="Debian QEMU Team <pkg-qemu-devel@lists.alioth.debian.org>",
        homepage="https://www.qemu.org/",
    ),
    _p(
        "open-vm-tools",
        "2:12.4.5-1~ubuntu0.24.04.1",
        "Open VMware Tools for virtual machines hosted on VMware (CLI)",
        section="admin",
        size=3124,
        pocket="noble-updates",
        depends="libc6 (>= 2.38), libglib2.0-0t64 (>= 2.75.3)",
        bin=("vmtoolsd", "vmware-toolbox-cmd", "vmware-checkvm"),
        conffiles=(("/etc/vmware-tools/tools.conf.example", "# Example tools.conf\n"),),
        services=("open-vm-tools", "vgauth"),
        description=" The Open Virtual Machine Tools (open-vm-tools) are the open source\n"
        " implementation of VMware Tools. They are a set of guest operating system\n"
        " virtualization components that enhance performance and user\n"
        " experience of virtual machines.",
        original="Bernd Zeimetz <bzed@debian.org>",
        homepage="https://github.com/vmware/open-vm-tools",
    ),
    _p(
        "virtualbox-guest-utils",
        "7.0.16-dfsg-2ubuntu1.1",
        "x86 virtualization solution - non-X11 guest utilities",
        section="misc",
        size=3120,
        component="multiverse",
        pocket="noble-updates",
        depends="libc6 (>= 2.38)",
        bin=("VBoxControl",),
        sbin=("VBoxService",),
        services=("virtualbox-guest-utils",),
        source="virtualbox",
        description=" VirtualBox is a free x86 virtualization solution allowing a wide range\n"
        " of x86 operating systems such as Windows, DOS, BSD or Linux to run on a\n"
        " Linux system.\n"
        " .\n"
        " This package provides the non-X11 guest utilities for VirtualBox. They\n"
        " should be installed inside virtual machines and include the mount tool for\n"
        " shared folders (vboxsf) and a service that syncs the guest time with the host.",
        original="Debian Virtualbox Team <team+debian-virtualbox@tracker.debian.org>",
        homepage="https://www.virtualbox.org",
    ),
    _p(
        "linux-cloud-tools-common",
        "6.8.0-49.49",
        "Linux kernel version specific cloud tools for version 6.8.0",
        section="kernel",
        size=183,
        arch="all",
        pocket="noble-updates",
        files=("/usr/sbin/hv_kvp_daemon",),
        services=("hv-kvp-daemon",),
        source="linux",
        description=" This package provides the architecture independent parts for kernel\n"
        " version locked tools for cloud tools (such as the Hyper-V daemons).",
    ),
    _p(
        "cpu-checker",
        "0.7-1.3build2",
        "tools to help evaluate certain CPU (or BIOS) features",
        section="utils",
        size=25,
        depends="msr-tools",
        sbin=("kvm-ok",),
        description=" There are some CPU features that are filtered or disabled by system BIOSes.\n"
        " This set of tools seeks to help identify when certain features are in this\n"
        " state, based on kernel values, CPU flags and other conditions.  Supported\n"
        " feature tests are NX/XD and VMX/SVM.",
        maintainer=UBUNTU,
        homepage="https://launchpad.net/cpu-checker",
    ),
    _p(
        "msr-tools",
        "1.3-5build1",
        "Utilities for modifying MSRs from userspace",
        section="utils",
        size=40,
        files=("/usr/share/man/man1/rdmsr.1.gz",),
        description=" Utilities to read and write model-specific registers (MSRs) from userspace.",
    ),
    _p(
        "virt-what",
        "1.25-2",
        "detect if we are running in a virtual machine",
        section="admin",
        size=62,
        sbin=("virt-what",),
        files=("/usr/libexec/virt-what-cpuid-helper",),
        description=" virt-what is a shell script which can be used to detect if the program\n"
        " is running in a virtual machine.",
        homepage="https://people.redhat.com/~rjones/virt-what/",
    ),
]

HOSTS = [
    _p(
        "xfsprogs",
        "6.6.0-1ubuntu2",
        "Utilities for managing the XFS filesystem",
        section="admin",
        size=3856,
        sbin=("xfs_admin",),
        description=" A set of commands to use the XFS filesystem, including mkfs.xfs.\n"
        " .\n"
        " XFS is a high performance journaling filesystem which originated\n"
        " on the SGI IRIX platform.",
        homepage="https://xfs.wiki.kernel.org/",
    ),
    _p(
        "gpg",
        "2.4.4-2ubuntu17",
        "GNU Privacy Guard -- minimalist public key operations",
        section="utils",
        priority="optional",
        size=1720,
        pocket="noble",
        bin=("gpg",),
        source="gnupg2",
        description=" GnuPG is GNU's tool for secure communication and data storage.\n"
        " It can be used to encrypt data and to create digital signatures.\n"
        " .\n"
        " This package contains /usr/bin/gpg itself, and is useful on its own\n"
        " only for public key operations (encryption, signature verification,\n"
        " listing OpenPGP certificates, etc).",
        homepage="https://www.gnupg.org/",
    ),
    _p(
        "libvirt-clients",
        "10.0.0-2ubuntu8.4",
        "Programs for the libvirt library",
        section="admin",
        size=3604,
        pocket="noble-updates",
        bin=("virsh",),
        source="libvirt",
        description=" Libvirt is a C toolkit to interact with the virtualization capabilities\n"
        " of recent versions of Linux (and other OSes).\n"
        " .\n"
        " This package contains the libvirt shell virsh and other client binaries.",
        homepage="https://libvirt.org/",
    ),
    _p(
        "libvirt-daemon",
        "10.0.0-2ubuntu8.4",
        "Virtualization daemon",
        section="admin",
        size=1040,
        pocket="noble-updates",
        sbin=("libvirtd",),
        services=("libvirtd",),
        source="libvirt",
        description=" Libvirt is a C toolkit to interact with the virtualization capabilities\n"
        " of recent versions of Linux (and other OSes).\n"
        " .\n"
        " This package contains the daemon libvirtd to manage the hypervisors.",
        homepage="https://libvirt.org/",
    ),
    _p(
        "libvirt-daemon-system",
        "10.0.0-2ubuntu8.4",
        "Libvirt daemon configuration files",
        section="admin",
        size=552,
        pocket="noble-updates",
        depends="libvirt-clients (= 10.0.0-2ubuntu8.4), libvirt-daemon (= 10.0.0-2ubuntu8.4), "
        "qemu-system-x86 | qemu-kvm",
        conffiles=(
            ("/etc/libvirt/libvirtd.conf", "# Master libvirt daemon configuration file\n"),
            ("/etc/libvirt/qemu.conf", "# Master configuration file for the QEMU driver.\n"),
        ),
        services=("virtlogd",),
        modules=("bridge", "stp", "llc"),
        source="libvirt",
        description=" Libvirt is a C toolkit to interact with the virtualization capabilities\n"
        " of recent versions of Linux (and other OSes).\n"
        " .\n"
        " This package contains the configuration files to run the libvirt daemon as a\n"
        " system service.",
        homepage="https://libvirt.org/",
    ),
    _p(
        "qemu-system-common",
        "1:8.2.2+ds-0ubuntu1.4",
        "QEMU full system emulation binaries (common files)",
        section="misc",
        size=3972,
        pocket="noble-updates",
        files=("/usr/lib/qemu/qemu-bridge-helper",),
        source="qemu",
        description=" QEMU is a fast processor emulator.\n"
        " This package provides common files needed for target-specific\n"
        " full system emulation (qemu-system-*) packages.",
        homepage="https://www.qemu.org/",
    ),
    _p(
        "qemu-system-x86",
        "1:8.2.2+ds-0ubuntu1.4",
        "QEMU full system emulation binaries (x86)",
        section="misc",
        size=49080,
        pocket="noble-updates",
        depends="qemu-system-common (= 1:8.2.2+ds-0ubuntu1.4), libc6 (>= 2.38)",
        bin=("qemu-system-x86_64",),
        source="qemu",
        description=" QEMU is a fast processor emulator: currently the package supports\n"
        " i386 and x86-64 emulation. By using dynamic translation it achieves\n"
        " reasonable speed while being easy to port on new host CPUs.",
        original="Debian QEMU Team <pkg-qemu-devel@lists.alioth.debian.org>",
        homepage="https://www.qemu.org/",
    ),
    _p(
        "qemu-utils",
        "1:8.2.2+ds-0ubuntu1.4",
        "QEMU utilities",
        section="misc",
        size=6440,
        pocket="noble-updates",
        bin=("qemu-img",),
        source="qemu",
        description=" This package provides QEMU related utilities:\n"
        "  * qemu-img: QEMU disk image utility\n"
        "  * qemu-io:  QEMU disk exerciser\n"
        "  * qemu-nbd: QEMU disk network block device server",
        homepage="https://www.qemu.org/",
    ),
    _p(
        "guestfs-tools",
        "1.52.0-1ubuntu2",
        "Guest disk image management system - tools",
        section="utils",
        size=21360,
        component="universe",
        depends="libguestfs0 (>= 1:1.52), libvirt0",
        bin=("virt-sysprep",),
        description=" The libguestfs library allows accessing and modifying guest disk images.\n"
        " This package contains the guestfs tools, among them virt-sysprep, which resets a\n"
        " virtual machine's disk so that clones can be made from it.",
        homepage="https://libguestfs.org/",
    ),
    _p(
        "virtinst",
        "1:4.1.0-3ubuntu0.1",
        "Programs to create and clone virtual machines",
        section="admin",
        size=1744,
        arch="all",
        component="main",
        pocket="noble-updates",
        depends="libvirt-clients, qemu-utils",
        bin=("virt-clone", "virt-install", "virt-xml"),
        description=" Virtinst is a set of commandline tools to create virtual machines using\n"
        " libvirt:\n"
        " .\n"
        " virt-install: provision new virtual machines\n"
        " virt-clone: clone existing virtual machines\n"
        " virt-xml: edit libvirt XML using command line options.",
        original="Debian Libvirt Maintainers <pkg-libvirt-maintainers@lists.alioth.debian.org>",
        homepage="https://virt-manager.org/",
        source="virt-manager",
    ),
    _p(
        "containerd",
        "1.7.12-0ubuntu4.1",
        "daemon to control runC",
        section="admin",
        size=141_000,
        pocket="noble-updates",
        depends="runc (>= 1.1.0)",
        files=("/etc/containerd/config.toml",),
        services=("containerd",),
        modules=("overlay",),
        description=" Containerd is a daemon to control runC, built for performance and density.",
        homepage="https://containerd.io",
    ),
    _p(
        "runc",
        "1.1.12-0ubuntu3.1",
        "Open Container Project - runtime",
        section="admin",
        size=11_200,
        pocket="noble-updates",
        files=("/usr/share/man/man8/runc.8.gz",),
        description=" runc is a CLI tool for spawning and running containers according to the Open\n"
        " Container Project (OCP) specification.",
        homepage="https://github.com/opencontainers/runc",
    ),
    _p(
        "docker.io",
        "24.0.7-0ubuntu4.1",
        "Linux container runtime",
        section="admin",
        size=105_000,
        component="universe",
        pocket="noble-updates",
        depends="containerd (>= 1.2.6-0ubuntu1~), runc (>= 1.0.0~rc2+git20161109.131.5137186-1~), "
        "iptables, libc6 (>= 2.34)",
        bin=("docker",),
        services=("docker",),
        modules=("overlay", "br_netfilter", "bridge", "stp", "llc", "veth"),
        source="docker.io-app",
        description=" Docker complements kernel namespacing with a high-level API which operates at\n"
        " the process level. It runs unix processes with strong guarantees of isolation\n"
        " and repeatability across servers.",
        original="Debian Go Packaging Team <team+pkg-go@tracker.debian.org>",
        homepage="https://mobyproject.org",
    ),
    _p(
        "lxd-installer",
        "4ubuntu0.1",
        "Wrapper to install lxd snap on demand",
        section="admin",
        size=20,
        pocket="noble-updates",
        sbin=("lxc", "lxd"),
        description=" This package provides wrappers in /usr/sbin for the lxc and lxd commands\n"
        " which install the LXD snap the first time either is run.",
        homepage="https://launchpad.net/ubuntu/+source/lxd-installer",
    ),
    _p(
        "iptables",
        "1.8.10-3ubuntu2",
        "administration tools for packet filtering and NAT",
        section="net",
        size=2764,
        files=("/usr/share/iptables/iptables.xslt",),
        description=" The iptables/xtables framework has been replaced by nftables.",
        homepage="https://www.netfilter.org/",
    ),
    _p(
        "liblxc1",
        "1:5.0.3-2ubuntu7",
        "Linux Containers userspace tools (library)",
        section="libs",
        size=1244,
        component="universe",
        files=("/usr/lib/x86_64-linux-gnu/liblxc.so.1",),
        multi_arch="same",
        source="lxc",
        description=" Containers are insulated areas inside a system, which have their own namespace\n"
        " for filesystem, network, PID, IPC, CPU and memory allocation.",
        homepage="https://linuxcontainers.org/",
    ),
    _p(
        "lxc",
        "1:5.0.3-2ubuntu7",
        "Linux Containers userspace tools",
        section="admin",
        size=1620,
        component="universe",
        depends="liblxc1 (= 1:5.0.3-2ubuntu7), libc6 (>= 2.38)",
        bin=("lxc-ls",),
        files=("/etc/lxc/default.conf",),
        services=("lxc", "lxc-net"),
        modules=("veth", "bridge", "stp", "llc"),
        description=" Containers are insulated areas inside a system, which have their own namespace\n"
        " for filesystem, network, PID, IPC, CPU and memory allocation and which can be\n"
        " created using the Control Group and Namespace features included in the Linux\n"
        " kernel.",
        homepage="https://linuxcontainers.org/",
    ),
    _p(
        "gawk",
        "1:5.2.1-2build3",
        "GNU awk, a pattern scanning and processing language",
        section="interpreters",
        size=2464,
        files=("/usr/share/awk/inplace.awk",),
        description=" `awk', a program that you can use to select particular records in a\n"
        " file and perform operations upon them.",
        homepage="https://www.gnu.org/software/gawk/",
    ),
]

# The page nginx-common installs (615 bytes, as `curl -I` of a fresh Ubuntu nginx reports).
NGINX_INDEX = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
NGINX_CONF = "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\n"  # its first lines only
# What the cloud lab's instances install from user-data and the workstation uses (Ubuntu 24.04's
# versions as of the noble-updates pocket, early 2025; sizes approximate).
CLOUD = [
    _p(
        "curl",
        "8.5.0-2ubuntu10.6",
        "command line tool for transferring data with URL syntax",
        section="web",
        size=523,
        pocket="noble-updates",
        depends="libc6 (>= 2.34)",
        bin=("curl",),
        description=" This is a command line tool for transferring data with URL syntax, supporting\n"
        " DICT, FILE, FTP, FTPS, GOPHER, GOPHERS, HTTP, HTTPS, IMAP, IMAPS, LDAP, LDAPS,\n"
        " MQTT, POP3, POP3S, RTMP, RTMPS, RTSP, SCP, SFTP, SMB, SMBS, SMTP, SMTPS, TELNET, TFTP, WS and WSS.",
        original="Debian Curl Maintainers <team+curl@tracker.debian.org>",
        homepage="https://curl.se/",
    ),
    _p(
        "python3-openstackclient",
        "6.6.0-0ubuntu1",
        "OpenStack Command-line Client - Python 3.x",
        section="python",
        size=5861,
        arch="all",
        depends="python3",
        bin=("openstack",),
        source="python-openstackclient",
        maintainer="Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>",
        original="Debian OpenStack <team+openstack@tracker.debian.org>",
        description=" OpenStackClient (aka OSC) is a command-line client for OpenStack that brings\n"
        " the command set for Compute, Identity, Image, Object Storage and Block Storage\n"
        " APIs together in a single shell with a uniform command structure.",
        homepage="https://github.com/openstack/python-openstackclient",
    ),
    _p(
        "nginx-common",
        "1.24.0-2ubuntu7.1",
        "small, powerful, scalable web/proxy server - common files",
        section="httpd",
        size=377,
        arch="all",
        pocket="noble-updates",
        source="nginx",
        files=("/usr/share/nginx/html/index.html",),
        conffiles=(("/etc/nginx/nginx.conf", NGINX_CONF),),
        configs=(("/var/www/html/index.nginx-debian.html", NGINX_INDEX),),  # its postinst copies it there
        description=' Nginx ("engine X") is a high-performance web and reverse proxy server\n'
        " created by Igor Sysoev.",
        homepage="https://nginx.org",
    ),
    _p(
        "nginx",
        "1.24.0-2ubuntu7.1",
        "small, powerful, scalable web/proxy server",
        section="httpd",
        size=1414,
        pocket="noble-updates",
        depends="libc6 (>= 2.34), nginx-common (= 1.24.0-2ubuntu7.1)",
        sbin=("nginx",),
        services=("nginx",),
        source="nginx",
        description=' Nginx ("engine X") is a high-performance web and reverse proxy server\n'
        " created by Igor Sysoev.",
        homepage="https://nginx.org",
    ),
]

ARCHIVE: dict[str, Package] = {p.name: p for p in BASE + GUESTS + HOSTS + CLOUD}

# What every image of these scenarios carries beyond Ubuntu's own: virt-what (the course's tool).
COURSE = {"virt-what"}
# The guest tools each hypervisor's images come with (hv-kvp-daemon from linux-cloud-tools on Azure/Hyper-V).
GUEST_TOOLS = {
    "kvm": "qemu-guest-agent",
    "vmware": "open-vm-tools",
    "oracle": "virtualbox-guest-utils",
    "microsoft": "linux-cloud-tools-common",
}
# Ubuntu's docker image (ubuntu:24.04) is minimal: no editor, no ssh server, no cloud-init. This course's
# image adds the tools its scenario uses (systemd, whose systemctl fails there without it as PID 1, sudo,
# iproute2, kmod, util-linux's tools).
DOCKER_LACKS = {
    "pciutils",
    "usbutils",
    "lshw",
    "command-not-found",
    "cloud-init",
    "openssh-server",
    "openssh-sftp-server",
    "ssh-import-id",
    "nano",
    "uuid-runtime",
    "vim",
    "vim-tiny",
    "vim-common",
    "iputils-ping",
    "parted",
    "initramfs-tools",
    "netplan.io",
    "python3",
    "systemd-resolved",
    "dbus",
}
# Where a service runs at all (systemd's ConditionVirtualization= in the unit, or the device it binds to).
SERVICE_PLATFORMS = {
    "qemu-guest-agent": "kvm",
    "open-vm-tools": "vmware",
    "vgauth": "vmware",
    "virtualbox-guest-utils": "oracle",
    "hv-kvp-daemon": "microsoft",
}
# What Ubuntu's command-not-found suggests for programs of this objective the archive here does not model.
EXTRA_SUGGESTIONS = {
    "rdmsr": "msr-tools",
    "virt-sysprep": "guestfs-tools",
    "virt-install": "virtinst",
}


# Written by the installer (or the image build), owned by no package: where apt finds the archive.
SOURCES = (
    "/etc/apt/sources.list.d/ubuntu.sources",
    f"Types: deb\nURIs: {MIRROR}/\nSuites: noble noble-updates noble-backports\n"
    "Components: main restricted universe multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n\n"
    f"Types: deb\nURIs: {SECURITY}/\nSuites: noble-security\n"
    "Components: main restricted universe multiverse\n"
    "Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n",
)
