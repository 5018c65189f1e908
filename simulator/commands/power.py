"""poweroff, halt, reboot and shutdown: systemd 255's systemctl in its compatibility modes
(systemctl-compat-halt.c, systemctl-compat-shutdown.c), asking logind as it does (systemctl-logind.c).

An action runs through logind: polkit refuses it to a user who is not root (no agent can ask for a
password here, so "Interactive authentication required."), and logind's wall message announces it
(logind-utmp.c warn_wall, utmp-wtmp.c utmp_wall). The wall goes to every terminal but the one the request
came from: under sudo (Ubuntu 24.04's sudoers says use_pty) that is sudo's own pts/1, so the learner's
terminal sees it; a root shell's own request is not echoed back to it.

A shutdown at a later time (+MINUTES, HH:MM) is logind's ScheduledShutdown, kept in `machine.shutdown`
and carried out by the world when the machine's clock reaches it, with logind's reminders on the way
(simulator/power.py); each machine keeps its own clock, so a shutdown waits while the terminal is elsewhere.
"""

from __future__ import annotations

import dataclasses
import re

from simulator import power
from simulator.commands import MAN_PAGES, Context, command
from simulator.filesystem import DEFAULT_EPOCH
from simulator.power import ACTIONS, stamp

REFUSED = "Interactive authentication required."
DEFAULT_DELAY = 60  # `shutdown` without a time: in a minute (arg_when = now + USEC_PER_MINUTE)


def wall(ctx: Context, message: str) -> None:
    """utmp_wall's broadcast, as the learner's terminal receives it (see the module's docstring)."""
    if "SUDO_USER" in ctx.env:
        ctx.out(power.broadcast(ctx.machine, message))


def without_wall(ctx: Context) -> Context:
    """--no-wall: logind is told to send no wall message (SetWallMessage's enable flag), so none reaches
    the learner's terminal; the output still goes where ctx's goes."""
    return dataclasses.replace(ctx, env={k: v for k, v in ctx.env.items() if k != "SUDO_USER"})


def act_now(ctx: Context, action: str, firmware: bool = False, message: str = "", dry: bool = False) -> int:
    """logind_reboot: PowerOff, Reboot or Halt now, the wall first (only the wall for -k, a dry run)."""
    machine = ctx.machine
    method, verb, _ = ACTIONS[action]
    if not ctx.is_root:
        ctx.err(f"Call to {method} failed: {REFUSED}\n")
        return 1
    if firmware:
        if machine.spec["firmware"] != "uefi" or machine.kind == "container":
            ctx.err(
                "Cannot indicate to EFI to boot into setup mode: Firmware does not support boot into "
                "firmware.\n"
            )
            return 1
        wall(ctx, f"The system will {verb} now!")
        machine.enter_firmware()
        return 0
    wall(ctx, f"{message}\nThe system will {verb} now!" if message else f"The system will {verb} now!")
    if dry:
        return 0
    if action == "reboot":
        machine.reboot()
    else:
        power.power_off(machine, action)
    return 0


def schedule(ctx: Context, action: str, when: int, message: str = "", dry: bool = False) -> int:
    """logind_schedule_shutdown: logind keeps the time and walls at once (less than 15 minutes left)."""
    machine = ctx.machine
    _, verb, word = ACTIONS[action]
    if not ctx.is_root:
        ctx.err(f"Failed to schedule shutdown: {REFUSED}\n")
        return 1
    if not dry:
        # `wall`: whether the learner's terminal gets logind's last word ("now") too
        machine.shutdown = {"action": action, "at": when - DEFAULT_EPOCH, "message": message}
        machine.shutdown.update(warned=machine.clock, wall="SUDO_USER" in ctx.env)
    if when - machine.now() < 15 * 60:
        announced = f"The system will {verb} at {stamp(when)}!"
        wall(ctx, f"{message}\n{announced}" if message else announced)
    ctx.err(f"{word} scheduled for {stamp(when)}, use 'shutdown -c' to cancel.\n")
    return 0


def cancel(ctx: Context) -> int:
    """CancelScheduledShutdown: logind walls the cancellation; without a schedule nothing is said."""
    machine = ctx.machine
    if not ctx.is_root:
        ctx.err(f"Failed to talk to logind, shutdown hasn't been cancelled: {REFUSED}\n")
        return 1
    if machine.shutdown:
        machine.shutdown = None
        wall(ctx, "The system shutdown has been cancelled")
    return 0


def show(ctx: Context) -> int:
    scheduled = ctx.machine.shutdown
    if not scheduled:
        ctx.err("No scheduled shutdown.\n")
        return 1
    at = DEFAULT_EPOCH + scheduled["at"]
    ctx.err(f"{ACTIONS[scheduled['action']][2]} scheduled for {stamp(at)}, use 'shutdown -c' to cancel.\n")
    return 0


# strtol's number: blanks and a sign before digits; no digit at all reads as 0 (and consumes nothing)
STRTOL = r"((?:\s*[+-]?[0-9]{1,18})?)"


def parse_time(machine, spec: str) -> int | None:
    """parse_shutdown_time_spec: "now", +MINUTES (safe_atou64: blanks and the + optional), or HH:MM
    (each read by strtol, so 9:5 is 09:05) today, else tomorrow. Returns the moment (seconds since the
    epoch), 0 for now, None when it cannot be read."""
    if spec == "now":
        return 0
    now = machine.now()
    if ":" not in spec:
        minutes = re.fullmatch(r"\s*\+?([0-9]{1,15})", spec)
        return now + 60 * int(minutes[1]) if minutes else None
    found = re.fullmatch(f"{STRTOL}:{STRTOL}", spec)
    if not found:
        return None
    hour, minute = (int(number.strip() or 0) for number in found.groups())
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:
        return None
    midnight = now - now % 86400
    at = midnight + 3600 * hour + 60 * minute
    return at if at > now else at + 86400


HALT_OPTIONS = {"--halt": "halt", "-p": "poweroff", "--poweroff": "poweroff", "--reboot": "reboot"}


def _halt_compat(ctx: Context, argv: list[str], action: str) -> int:
    """halt_parse_argv: the program's name chooses the action, --halt/--poweroff/--reboot override it;
    reboot takes one argument (the reboot parameter), the others none."""
    name = argv[0].rsplit("/", 1)[-1]
    operands = []
    for arg in argv[1:]:
        if arg == "--help":
            ctx.out(MAN_PAGES.get(name, ""))
            return 0
        if arg in HALT_OPTIONS:
            action = HALT_OPTIONS[arg]
        elif arg == "--no-wall":
            ctx = without_wall(ctx)
        elif arg in ("-f", "--force", "-n", "--no-sync", "-i", "-h"):
            continue
        elif arg.startswith("--"):
            ctx.err(f"{name}: unrecognized option '{arg}'\n")
            return 1
        elif arg.startswith("-") and arg != "-":
            ctx.err(f"{name}: invalid option -- '{arg[1:2]}'\n")
            return 1
        else:
            operands.append(arg)
    if len(operands) > (1 if action == "reboot" else 0):
        ctx.err("Too many arguments.\n")
        return 1
    return act_now(ctx, action)


@command(
    "poweroff",
    man="""
poweroff - power off the machine (root)

  sudo poweroff      logind powers the machine off now; everyone's terminal gets its wall message.
                     A KVM guest's domain is then "shut off" (virsh list --all), a cloud instance SHUTOFF;
                     an ssh session into it ends with "Connection to HOST closed by remote host."
""",
)
def poweroff(ctx: Context, argv: list[str]) -> int:
    return _halt_compat(ctx, argv, "poweroff")


@command(
    "halt",
    man="""
halt - halt the machine (root)

  sudo halt          stop the system without powering it off: the CPU stops, the power stays on
                     (a KVM guest's domain still shows "running"; virsh destroy turns it off)
  halt -p            power off instead, as poweroff
""",
)
def halt(ctx: Context, argv: list[str]) -> int:
    return _halt_compat(ctx, argv, "halt")


@command(
    "reboot",
    man="""
reboot - reboot the machine (root)

  reboot                   restart: the kernel log starts again, modules not configured in
                           /etc/modules-load.d are gone, a missing machine-id is generated, uptime resets,
                           /tmp is emptied, services stopped by hand start again if they are enabled;
                           the terminal's login ends ("Connection to HOST closed by remote host.") and
                           a new one starts once the machine is up
  reboot --firmware-setup  restart into the UEFI firmware setup (where VT-x/AMD-V is switched on or off)
""",
)
def reboot(ctx: Context, argv: list[str]) -> int:
    if "--firmware-setup" in argv[1:]:
        return act_now(ctx, "reboot", firmware=True)
    return _halt_compat(ctx, [a for a in argv if a != "--firmware-setup"], "reboot")


SHUTDOWN_FLAGS = {
    "-H": "halt",
    "--halt": "halt",
    "-P": "poweroff",
    "--poweroff": "poweroff",
    "-h": "poweroff",
    "-r": "reboot",
    "--reboot": "reboot",
}


# systemd 255 systemctl-compat-shutdown.c, shutdown_help(): the text as Ubuntu 24.04's terminals show it
# (UNVERIFIED against the v255 tag itself)
SHUTDOWN_HELP = """shutdown [OPTIONS...] [TIME] [WALL...]

Shut down the system.

Options:
     --help      Show this help
  -H --halt      Halt the machine
  -P --poweroff  Power-off the machine
  -r --reboot    Reboot the machine
  -h             Equivalent to --poweroff, overridden by --halt
  -k             Don't halt/power-off/reboot, just send warnings
     --no-wall   Don't send wall message before halt/power-off/reboot
  -c             Cancel a pending shutdown
     --show      Show pending shutdown

See the shutdown(8) man page for details.
"""


@command(
    "shutdown",
    man="""
shutdown - power off, halt or reboot the machine, now or later (root)

  shutdown now | shutdown -h now   power off now        shutdown -r now   reboot now
  shutdown +5                      power off in 5 minutes (wall message to every terminal)
  shutdown -r 23:30                reboot at 23:30      shutdown -H +1    halt in a minute
  shutdown +5 'disk swap'          the message goes before logind's own
  shutdown -c                      cancel the scheduled shutdown
  shutdown --show                  show it
Without a time, shutdown waits one minute.
""",
)
def shutdown(ctx: Context, argv: list[str]) -> int:
    action, operands, flags = "poweroff", [], set()
    for arg in argv[1:]:
        if arg == "--help" and not operands:
            ctx.out(SHUTDOWN_HELP)
            return 0
        if operands or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg in SHUTDOWN_FLAGS:
            action = SHUTDOWN_FLAGS[arg]
        elif arg in ("-c", "--show", "--no-wall", "-k"):  # -k: only the wall, a dry run
            flags.add(arg)
        elif arg.startswith("--"):
            ctx.err(f"shutdown: unrecognized option '{arg}'\n")
            return 1
        else:
            bad = next((letter for letter in arg[1:] if f"-{letter}" not in SHUTDOWN_FLAGS), arg[1])
            ctx.err(f"shutdown: invalid option -- '{bad}'\n")
            return 1
    if "--no-wall" in flags:
        ctx = without_wall(ctx)
    if "-c" in flags:
        return cancel(ctx)
    if "--show" in flags:
        return show(ctx)
    when = ctx.machine.now() + DEFAULT_DELAY
    if operands:
        parsed = parse_time(ctx.machine, operands[0])
        if parsed is None:
            ctx.err(f"Failed to parse time specification: {operands[0]}\n")
            return 1
        when = parsed
    message, dry = " ".join(operands[1:]), "-k" in flags
    if when == 0:
        return act_now(ctx, action, message=message, dry=dry)
    return schedule(ctx, action, when, message, dry)
