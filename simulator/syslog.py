"""/var/log/syslog as rsyslog 8.2312 writes it on Ubuntu 24.04: what the journal holds, forwarded to rsyslog
(imuxsock) and read from the kernel (imklog), one line each in RSYSLOG_FileFormat, the default since
Ubuntu 24.04's rsyslog.conf sets no other: "%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag%%msg%", the
stamp with microseconds and the zone ("2024-05-01T10:00:01.123456+00:00"). Each boot appends what it
logged, from the same entries journalctl prints, so the two agree; it is a real file (root may read,
empty or delete it, virt-sysprep's logfiles removes it), syslog:adm 0640 as rsyslog's $FileOwner,
$FileGroup and $FileCreateMode make it. A container has no rsyslog (no kernel log to read, and the
images leave it out), nor does a boot stopped in emergency mode. What is logged after boot (a module
loaded by hand) reaches the journal only: not modelled here.

rsyslogd's own start message is the one line the journal does not have (rsyslog logs it to its outputs
only). The stamps are those the journal gives each entry; rsyslog's imklog stamps the kernel's boot
messages with the moment it read them instead (UNVERIFIED how Ubuntu's build sets ParseKernelTimestamp),
which is not modelled.
"""

from __future__ import annotations

import time

PATH = "/var/log/syslog"
RSYSLOG_PID = 777
RSYSLOG_STARTS = 5.612408  # seconds after boot: started with the other services, before ssh.service
START = (
    f'rsyslogd: [origin software="rsyslogd" swVersion="8.2312.0" x-pid="{RSYSLOG_PID}" '
    'x-info="https://www.rsyslog.com"] start'
)


def stamp(seconds: float) -> str:
    """date-rfc3339 of a UTC time: microseconds and the +00:00 zone."""
    whole = int(seconds)
    micro = round((seconds - whole) * 1e6)
    if micro == 1_000_000:
        whole, micro = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{micro:06d}+00:00"


MAX_KEPT = 64 * 1024  # past this, the next boot starts a new file, as if logrotate had moved it to syslog.1


def boot(machine) -> None:
    """Append this boot's lines, once it is up (Machine.boot)."""
    from simulator import accounts, packages

    if machine.kind == "container" or machine.emergency or "rsyslog" not in packages.installed(machine):
        return
    fs = machine.fs
    mode, uid, gid, old = 0o640, accounts.SYSLOG_UID, accounts.ADM_GID, ""
    if fs.is_file(PATH):
        node = fs.stat(PATH)
        mode, uid, gid = node.mode & 0o7777, node.uid, node.gid
        old = fs.read(PATH) if node.size <= MAX_KEPT else ""
    fs.add_file(PATH, old + text(machine), mode=mode, uid=uid, gid=gid)


def text(machine) -> str:
    """This boot's lines."""
    from simulator.commands.journal import all_entries

    boot = machine.now() - machine.uptime()
    entries = [(at, f"{ident}:", message) for at, ident, message in all_entries(machine)]
    entries.append((RSYSLOG_STARTS, START.split(" ", 1)[0], START.split(" ", 1)[1]))
    entries.sort(key=lambda entry: entry[0])
    return "".join(f"{stamp(boot + at)} {machine.hostname} {tag} {message}\n" for at, tag, message in entries)
