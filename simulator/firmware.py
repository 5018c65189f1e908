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
RULE = "=" * 78


def _state(enabled: bool) -> str:
    return "[Enabled]" if enabled else "[Disabled]"


WIDTH = 80  # the setup screen is drawn for an 80-column console: no line may be longer
LABEL = 22  # the Main page's label column


def _row(label: str, value: str) -> str:
    return f"   {label:<{LABEL}}{value}"


def _fit(line: str) -> str:
    return (line if len(line) <= WIDTH else line[: WIDTH - 3] + "...") + "\n"


def screen(machine) -> str:
    vendor = machine.cpu.vendor
    dmi = machine.dmi
    pending = machine.setup["virt_enabled"]
    changed = pending != machine.virt_enabled
    label = LABELS[vendor]
    keyword = SETTING_NAMES[vendor][0]
    lines = [
        RULE,
        f" UEFI Firmware Setup{dmi['sys_vendor'] + ' ' + dmi['product_name']:>{len(RULE) - 20}}",
        RULE,
        " Main",
        _row("Firmware Version", dmi["bios_version"]),
        _row("Processor", machine.cpu.model_name),
        _row("Memory", f"{machine.spec['memory_mb']} MB"),
    ]
    if machine.is_guest:
        lines += [
            " (virtual firmware: nested virtualization is switched on the host, not here)",
            RULE,
            " show   redraw this screen",
            " save   save changes and reboot",
            " exit   discard changes and reboot",
        ]
        return "".join(_fit(line) for line in lines)
    command = f"set {keyword} on|off"
    lines += [
        " Advanced > CPU Configuration",
        f"   {label}   {_state(pending)}{' *' if changed else ''}",
        RULE,
        f" {'show':<{len(command)}}   redraw this screen",
        f" {command}   switch {label.split(' (')[0]}",
        f" {'save':<{len(command)}}   save changes and reboot",
        f" {'exit':<{len(command)}}   discard changes and reboot",
    ]
    if changed:
        lines.append(" * changed, not saved yet")
    return "".join(_fit(line) for line in lines)


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
