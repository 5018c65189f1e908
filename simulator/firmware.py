"""The firmware setup screen, reached with `reboot --firmware-setup`: a tiny command language instead of
arrow keys, so that it works in a line-oriented terminal and in transcripts.

  show                 draw the screen again
  set vtx on|off       Intel VT-x (on AMD: set svm on|off)
  save                 save the changes and boot
  exit                 discard the changes and boot
"""

from __future__ import annotations

from simulator.result import Result

SETTING_NAMES = {"intel": ("vtx", "vt-x", "vmx", "virtualization"), "amd": ("svm", "amd-v", "virtualization")}
LABELS = {"intel": "Intel(R) Virtualization Technology (VT-x)", "amd": "SVM Mode (AMD-V)"}
ON, OFF = ("on", "enable", "enabled", "1", "true", "yes"), ("off", "disable", "disabled", "0", "false", "no")
RULE = "=" * 78 + "\n"


def _state(enabled: bool) -> str:
    return "[Enabled]" if enabled else "[Disabled]"


def screen(machine) -> str:
    vendor = machine.cpu.vendor
    dmi = machine.dmi
    pending = machine.setup["virt_enabled"]
    changed = pending != machine.virt_enabled
    label = LABELS[vendor]
    keyword = SETTING_NAMES[vendor][0]
    lines = [
        RULE,
        f" UEFI Firmware Setup{dmi['sys_vendor'] + ' ' + dmi['product_name']:>58}\n",
        RULE,
        " Main\n",
        f"   {'Firmware Version':<44}{dmi['bios_version']}\n",
        f"   {'Processor':<44}{machine.cpu.model_name}\n",
        f"   {'Memory':<44}{machine.spec['memory_mb']} MB\n",
    ]
    if machine.is_guest:
        lines += [
            " (virtual firmware: nested virtualization is switched on the host, not here)\n",
            RULE,
            " show   redraw this screen\n",
            " save   save changes and reboot     exit   discard changes and reboot\n",
        ]
        return "".join(lines)
    lines += [
        " Advanced > CPU Configuration\n",
        f"   {label:<44}{_state(pending)}{' *' if changed else ''}\n",
        RULE,
        f" show   redraw this screen          set {keyword} on|off   switch {label.split(' (')[0]}\n",
        " save   save changes and reboot     exit              discard changes and reboot\n",
    ]
    if changed:
        lines.append(" * changed, not saved yet\n")
    return "".join(lines)


def _commands(machine) -> str:
    if machine.is_guest:
        return "show, save, exit"
    return f"show, set {SETTING_NAMES[machine.cpu.vendor][0]} on|off, save, exit"


def _set(machine, words: list[str]) -> Result:
    vendor = machine.cpu.vendor
    keyword = SETTING_NAMES[vendor][0]
    if machine.is_guest:
        return Result(
            "",
            "A VM's firmware has no virtualization switch: the host decides whether the guest sees "
            "VT-x/AMD-V (nested virtualization)\n",
            1,
        )
    if len(words) != 3:
        return Result("", f"Usage: set {keyword} on|off\n", 1)
    name, value = words[1], words[2]
    if name not in SETTING_NAMES[vendor]:
        other = "amd" if vendor == "intel" else "intel"
        if name in SETTING_NAMES[other]:
            maker = "an Intel" if vendor == "intel" else "an AMD"
            return Result(
                "", f"Unknown setting '{name}': this is {maker} machine, whose switch is {keyword}\n", 1
            )
        return Result("", f"Unknown setting '{name}'. Settings: {keyword} ({LABELS[vendor]})\n", 1)
    if value not in ON + OFF:
        return Result("", f"Unknown value '{value}' for {keyword}: use on or off\n", 1)
    machine.setup["virt_enabled"] = value in ON
    return Result(f"{LABELS[vendor]} set to {_state(value in ON)} (not saved yet: type save)\n")


def run(machine, line: str) -> Result:
    """Interpret one line typed at the setup screen."""
    words = line.lower().split()
    if not words:
        return Result()
    if words[0] in ("show", "help", "?", "main", "advanced"):
        return Result(screen(machine))
    if words[0] == "set":
        return _set(machine, words)
    if words[0] in ("save", "f10"):
        machine.leave_firmware(save=True)
        return Result("Saving configuration changes and resetting...\n")
    if words[0] in ("exit", "quit", "discard", "esc"):
        machine.leave_firmware(save=False)
        return Result("Discarding changes and exiting setup...\n")
    return Result("", f"Unknown command '{words[0]}'. Commands: {_commands(machine)}\n", 1)
