"""The system users and groups of an Ubuntu 24.04 server (cloud image), and the learner's account.

Order, ids, homes and shells as captures of a noble server's /etc/passwd and /etc/group show them: the
base-passwd entries (root to nobody), then the accounts each package's postinst or systemd-sysusers
created, in install order (sysusers takes ids from 999 down, adduser --system from 100 up). cloud-init
adds the default user (here `learner`, 1000) to adm, cdrom, sudo, dip and lxd. Docker's ubuntu:24.04
image carries only the base-passwd entries. /etc/shadow and /etc/gshadow are root:shadow 0640, with `*`
(no password) for base accounts, `!*` for sysusers ones, `!` for adduser ones and the locked learner.
"""

from __future__ import annotations

from typing import NamedTuple


class User(NamedTuple):
    name: str
    uid: int
    gid: int
    gecos: str
    home: str
    shell: str
    password: str = "*"  # the /etc/shadow field


NOLOGIN = "/usr/sbin/nologin"
BASE_USERS = [
    User("root", 0, 0, "root", "/root", "/bin/bash"),
    User("daemon", 1, 1, "daemon", "/usr/sbin", NOLOGIN),
    User("bin", 2, 2, "bin", "/bin", NOLOGIN),
    User("sys", 3, 3, "sys", "/dev", NOLOGIN),
    User("sync", 4, 65534, "sync", "/bin", "/bin/sync"),
    User("games", 5, 60, "games", "/usr/games", NOLOGIN),
    User("man", 6, 12, "man", "/var/cache/man", NOLOGIN),
    User("lp", 7, 7, "lp", "/var/spool/lpd", NOLOGIN),
    User("mail", 8, 8, "mail", "/var/mail", NOLOGIN),
    User("news", 9, 9, "news", "/var/spool/news", NOLOGIN),
    User("uucp", 10, 10, "uucp", "/var/spool/uucp", NOLOGIN),
    User("proxy", 13, 13, "proxy", "/bin", NOLOGIN),
    User("www-data", 33, 33, "www-data", "/var/www", NOLOGIN),
    User("backup", 34, 34, "backup", "/var/backups", NOLOGIN),
    User("list", 38, 38, "Mailing List Manager", "/var/list", NOLOGIN),
    User("irc", 39, 39, "ircd", "/run/ircd", NOLOGIN),
    User("_apt", 42, 65534, "", "/nonexistent", NOLOGIN),
    User("nobody", 65534, 65534, "nobody", "/nonexistent", NOLOGIN),
]
SERVER_USERS = [
    User("systemd-network", 998, 998, "systemd Network Management", "/", NOLOGIN, "!*"),
    User("systemd-timesync", 997, 997, "systemd Time Synchronization", "/", NOLOGIN, "!*"),
    User("messagebus", 101, 102, "", "/nonexistent", NOLOGIN, "!"),
    User("systemd-resolve", 992, 992, "systemd Resolver", "/", NOLOGIN, "!*"),
    User("pollinate", 102, 1, "", "/var/cache/pollinate", "/bin/false", "!"),
    User("polkitd", 991, 991, "User for polkitd", "/", NOLOGIN, "!*"),
    User("syslog", 103, 104, "", "/nonexistent", NOLOGIN, "!"),
    User("uuidd", 104, 105, "", "/run/uuidd", NOLOGIN, "!"),
    User("tcpdump", 105, 107, "", "/nonexistent", NOLOGIN, "!"),
    User("tss", 106, 108, "TPM software stack,,,", "/var/lib/tpm", "/bin/false", "!"),
    User("landscape", 107, 109, "", "/var/lib/landscape", NOLOGIN, "!"),
    User("fwupd-refresh", 989, 989, "Firmware update daemon", "/var/lib/fwupd", NOLOGIN, "!*"),
    User("usbmux", 108, 46, "usbmux daemon,,,", "/var/lib/usbmux", NOLOGIN, "!"),
    User("sshd", 109, 65534, "", "/run/sshd", NOLOGIN, "!"),
]
LEARNER = User("learner", 1000, 1000, "learner", "/home/learner", "/bin/bash", "!")

# (name, gid, members); the learner's memberships are added by `groups_of`.
BASE_GROUPS = [
    ("root", 0, ""),
    ("daemon", 1, ""),
    ("bin", 2, ""),
    ("sys", 3, ""),
    ("adm", 4, "syslog"),
    ("tty", 5, ""),
    ("disk", 6, ""),
    ("lp", 7, ""),
    ("mail", 8, ""),
    ("news", 9, ""),
    ("uucp", 10, ""),
    ("man", 12, ""),
    ("proxy", 13, ""),
    ("kmem", 15, ""),
    ("dialout", 20, ""),
    ("fax", 21, ""),
    ("voice", 22, ""),
    ("cdrom", 24, ""),
    ("floppy", 25, ""),
    ("tape", 26, ""),
    ("sudo", 27, ""),
    ("audio", 29, ""),
    ("dip", 30, ""),
    ("www-data", 33, ""),
    ("backup", 34, ""),
    ("operator", 37, ""),
    ("list", 38, ""),
    ("irc", 39, ""),
    ("src", 40, ""),
    ("shadow", 42, ""),
    ("utmp", 43, ""),
    ("video", 44, ""),
    ("sasl", 45, ""),
    ("plugdev", 46, ""),
    ("staff", 50, ""),
    ("games", 60, ""),
    ("users", 100, ""),
    ("nogroup", 65534, ""),
]
SERVER_GROUPS = [
    ("systemd-journal", 999, ""),
    ("systemd-network", 998, ""),
    ("systemd-timesync", 997, ""),
    ("input", 996, ""),
    ("sgx", 995, ""),
    ("kvm", 994, ""),
    ("render", 993, ""),
    ("lxd", 101, ""),
    ("messagebus", 102, ""),
    ("systemd-resolve", 992, ""),
    ("_ssh", 103, ""),
    ("polkitd", 991, ""),
    ("crontab", 990, ""),
    ("syslog", 104, ""),
    ("uuidd", 105, ""),
    ("rdma", 106, ""),
    ("tcpdump", 107, ""),
    ("tss", 108, ""),
    ("landscape", 109, ""),
    ("fwupd-refresh", 989, ""),
    ("netdev", 110, ""),
]
LEARNER_GROUPS = ("adm", "cdrom", "sudo", "dip", "lxd")
KVM_GID = 994
SHADOW_GID = 42
ADM_GID = 4  # adm: reads the logs in /var/log
SYSLOG_UID = 103  # rsyslog drops to it ($PrivDropToUser) and owns the files it writes
IMAGE_DAY = 20039  # days since 1970 when the image was built (2024-11-12): "last changed" in /etc/shadow
LEARNER_DAY = 20054  # when cloud-init created the learner


def users(minimal: bool) -> list[User]:
    """Every account, in /etc/passwd order (`minimal`: a Docker image's base-passwd only)."""
    return [*BASE_USERS, *([] if minimal else SERVER_USERS), LEARNER]


def groups(minimal: bool) -> list[tuple[str, int, str]]:
    """(name, gid, members) in /etc/group order, the learner added where cloud-init puts it."""
    rows = [*BASE_GROUPS, *([] if minimal else SERVER_GROUPS), ("learner", 1000, "")]
    result = []
    for name, gid, members in rows:
        if name == "adm" and minimal:
            members = ""  # no syslog account in the Docker image
        if name in LEARNER_GROUPS:
            members = ",".join(m for m in (members, LEARNER.name) if m)
        result.append((name, gid, members))
    return result


def passwd_text(minimal: bool) -> str:
    return "".join(f"{u.name}:x:{u.uid}:{u.gid}:{u.gecos}:{u.home}:{u.shell}\n" for u in users(minimal))


def group_text(minimal: bool) -> str:
    return "".join(f"{name}:x:{gid}:{members}\n" for name, gid, members in groups(minimal))


def shadow_text(minimal: bool) -> str:
    """Base accounts keep shadow's ageing fields (0:99999:7); sysusers and adduser ones leave them empty."""
    lines = []
    for user in users(minimal):
        if user is LEARNER:
            lines.append(f"{user.name}:{user.password}:{LEARNER_DAY}:0:99999:7:::\n")
        elif user.password == "*":
            lines.append(f"{user.name}:*:{IMAGE_DAY}:0:99999:7:::\n")
        else:
            lines.append(f"{user.name}:{user.password}:{IMAGE_DAY}::::::\n")
    return "".join(lines)


def gshadow_text(minimal: bool) -> str:
    """`*` for base-passwd groups, `!*` for the ones systemd-sysusers made (ids from 999 down), `!` else."""
    lines = []
    for name, gid, members in groups(minimal):
        if gid <= 100 or gid == 65534:
            password = "*"
        else:
            password = "!*" if 900 <= gid < 1000 else "!"
        lines.append(f"{name}:{password}::{members}\n")
    return "".join(lines)


def user_table(minimal: bool) -> dict[str, dict]:
    """name -> uid, gid, home, shell: what the shell, sudo and id look up (as getpwnam would)."""
    return {u.name: {"uid": u.uid, "gid": u.gid, "home": u.home, "shell": u.shell} for u in users(minimal)}
