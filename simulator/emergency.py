"""Emergency mode: a boot whose /etc/fstab names a device that never appears stops before local-fs.target,
and systemd 255 (Ubuntu 24.04) offers the console to root through sulogin.

The console lines follow systemd's job status messages (status_unit_format=combined: "UNIT - DESCRIPTION")
and sulogin-shell.c's banner; sulogin (util-linux 2.39) asks for Enter when it needs no password (root's is
empty, or it runs with --force, which SYSTEMD_SULOGIN_FORCE=1 asks for), and refuses a locked root's console.
UNVERIFIED: that a forced sulogin words its question "Press Enter for maintenance", as Ubuntu consoles
captured with a password-less root show it. Control-D (go on without a shell) has no key in the web
terminal: Enter, then `exit`, does the same.
"""

from __future__ import annotations

from simulator import layout
from simulator.filesystem import FsError

PROMPT = "(or press Control-D to continue): "
BANNER = (
    'You are in emergency mode. After logging in, type "journalctl -xb" to view\n'
    'system logs, "systemctl reboot" to reboot, "systemctl default" or "exit"\n'
    "to boot into default mode.\n"
)
LOCKED = (
    "Cannot open access to console, the root account is locked.\n"
    "See sulogin(8) man page for more details.\n\nPress Enter to continue.\n"
)


def escape_path(path: str) -> str:
    """systemd-escape --path: slashes become dashes, and other bytes outside [A-Za-z0-9:_.] \\xNN."""
    trimmed = path.strip("/") or "-"
    out = []
    for index, char in enumerate(trimmed):
        if char == "/":
            out.append("-")
        elif char.isascii() and (char.isalnum() or char in ":_" or (char == "." and index)):
            out.append(char)
        else:
            out.append("".join(f"\\x{byte:02x}" for byte in char.encode()))
    return "".join(out)


def device_path(spec: str) -> str:
    """The device node systemd-fstab-generator waits for: UUID=X is /dev/disk/by-uuid/X, and so on."""
    key, _, value = spec.partition("=")
    folders = {"UUID": "by-uuid", "LABEL": "by-label", "PARTUUID": "by-partuuid"}
    if key in folders and value:
        return f"/dev/disk/{folders[key]}/{value.strip(chr(34))}"
    return spec


def console(machine) -> str:
    """What the console shows once the device timeouts have run out (90 s each)."""
    lines = []
    for spec, target in machine.emergency:
        device = device_path(spec)
        lines.append(f"[ TIME ] Timed out waiting for device {escape_path(device)}.device - {device}.")
        lines.append(f"[DEPEND] Dependency failed for {escape_path(target)}.mount - {target}.")
    lines.append("[DEPEND] Dependency failed for local-fs.target - Local File Systems.")
    return "\n".join(lines) + "\n" + BANNER + "Press Enter for maintenance\n"


def _root_locked(machine) -> bool:
    try:
        shadow = machine.fs.read("/etc/shadow")
    except FsError:
        return False
    for line in shadow.splitlines():
        fields = line.split(":")
        if fields[0] == "root" and len(fields) > 1:
            return fields[1].startswith(("!", "*"))
    return False


def _forced(machine) -> bool:
    """Whether a drop-in of emergency.service sets SYSTEMD_SULOGIN_FORCE=1."""
    folder = "/etc/systemd/system/emergency.service.d"
    fs = machine.fs
    if not fs.is_dir(folder):
        return False
    for name in fs.listdir(folder):
        if name.endswith(".conf") and fs.is_file(f"{folder}/{name}"):
            text = fs.read(f"{folder}/{name}").replace('"', "")
            if "SYSTEMD_SULOGIN_FORCE=1" in text:
                return True
    return False


def refusal(machine) -> str:
    """sulogin's refusal of the console, or "" when it lets root in."""
    return LOCKED if _root_locked(machine) and not _forced(machine) else ""


def resume(machine) -> None:
    """`exit` from the emergency shell (or Control-D): systemd tries the default target again, mounting
    what fstab now names."""
    machine.emergency = [list(failure) for failure in layout.mount_at_boot(machine)]
