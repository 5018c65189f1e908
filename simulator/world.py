"""The World: a scenario's machines, the terminal attached to one of them, and the learner's progress.

Everything the web app keeps between requests is `to_dict()`; `run` is the only way commands reach a
machine, and it never raises: a terminal must always answer.
"""

from __future__ import annotations

import dataclasses

import orjson

from simulator import (
    breaks,
    cloning,
    cloudlab,
    emergency,
    firmware,
    installer,
    lan,
    layout,
    libvirt,
    packages,
    power,
    serial_console,
    units,
)
from simulator.checks import CHECKS, TITLES
from simulator.cloud import Cloud
from simulator.commands.ssh import add_known_host
from simulator.dialogue import END_OF_INPUT, MAX_ANSWER_TEXT, MAX_ANSWERS, SECONDS_PER_ANSWER, Answers
from simulator.editing import NoEditor, Session
from simulator.keys import KEY_LABELS, KEY_NAMES, host_key_fingerprints
from simulator.machine import Machine
from simulator.result import Result
from simulator.scenarios import load_scenario
from simulator.shell import Shell


def clone_identity(source: Machine) -> dict:
    """What a disk-image copy carries over: host name, machine-id, SSH host keys, filesystem UUIDs."""
    keys = {}
    for kind in KEY_NAMES:
        path = f"/etc/ssh/ssh_host_{kind}_key"
        keys[kind] = [source.fs.read(path), source.fs.read(path + ".pub")]
    return {
        "hostname": source.hostname,
        "machine_id": source.machine_id(),
        "ssh_keys": keys,
        "disks": source.disks,
    }


class World:
    def __init__(
        self,
        scenario_id: str,
        seed: int,
        machines: dict[str, Machine],
        shell: Shell,
        answers: dict[str, str] | None = None,
        hints: dict[str, int] | None = None,
        editor: Session | None = None,
        faults: tuple[str, ...] | None = None,
    ):
        self.scenario_id = scenario_id
        # None: the scenario as written; a tuple: the faults the break builder planted (maybe none)
        self.faults = faults
        self.scenario = load_scenario(scenario_id) if faults is None else breaks.scenario(scenario_id, faults)
        self.seed = seed
        self.machines = machines
        self.shell = shell
        self.answers = answers or {}
        self.hints = hints or {}
        self.editor = editor  # the editor open over the terminal, until it is left
        self.sessions: list[dict] = []  # ssh sessions into other machines, the newest last
        self.question: dict | None = None  # what ssh asked the learner, answered by the next line
        # a line whose program waits for an answer (dialogue.py): the line, the answers so far, the output
        # shown and the question on screen; the world is as it was before the line, until it completes
        self.dialogue: dict | None = None
        # while a line runs: the learner's own machine as the terminal's login found it (boot id, host
        # name), or None when the terminal is on its console (firmware setup, the emergency shell)
        self.login: tuple[str, str] | None = None
        self.cloud: Cloud | None = (
            None  # the learner's IaaS cloud (simulator/cloud), in scenarios that have one
        )
        network = Network(self)
        for machine in machines.values():
            machine.network = network

    @classmethod
    def new(
        cls, scenario_id: str, seed: int | None = None, faults=None, machine: dict | None = None
    ) -> World:
        """The scenario's world; with `faults` (see simulator.breaks) those faults and only those planted;
        `machine` adds to the learner's machine spec (a quiz question's disk)."""
        scenario = load_scenario(scenario_id)
        if faults is not None:
            faults = breaks.check_faults(scenario_id, faults)
        spec = {**scenario["machine"], **(machine or {})}
        if seed is not None:
            spec["seed"] = seed
        if faults is not None and breaks.BREAKABLE[scenario_id] == "host":
            spec = breaks.host_spec(spec, faults)
        machines, stale_uuid = {}, None
        if scenario.get("clone") == "disk-copy":  # the source's whole disk, booted as a second machine
            source = cloning.template(dict(scenario["source"]))
            cloning.pristine_identity(scenario["source"], source)  # what the checks compare with
            source.save_over_install()
            machines["source"] = source
            machine = cloning.disk_copy(source, spec)  # saved over the same install as its source
        else:
            if "source" in scenario:
                source = Machine.create(dict(scenario["source"]), over_install=True)
                machines["source"] = source
                identity = clone_identity(source)
                if faults is not None:
                    identity, stale_uuid = breaks.clone_identity(identity, faults, spec.get("seed", 0))
                spec.update(identity)
            machine = Machine.create(spec, over_install=True)
        if stale_uuid:
            root = layout.root_partition(machine)
            machine.fs.add_file(
                "/etc/fstab", breaks.stale_fstab(machine.fs.read("/etc/fstab"), root["label"], stale_uuid)
            )
        machines = {"main": machine, **machines}
        for guest_spec in scenario.get("guests", ()):  # KVM guests of the learner's machine, under libvirt
            guest_spec = dict(guest_spec)
            name, state = guest_spec.pop("name"), guest_spec.pop("state", "shut off")
            guest = Machine.create(
                {"platform": "kvm", "hostname": name, **guest_spec, "host": "main"}, over_install=True
            )
            machines[name] = guest
            libvirt.define(machine, name, guest, name)
            if state == "running":
                libvirt.start(machine, name, guest)
        libvirt.add_media(machine, scenario.get("media", {}))
        shell = Shell.for_user(machine, "learner")
        world = cls(scenario_id, spec.get("seed", 0), machines, shell, faults=faults)
        if "cloud" in scenario:
            world.cloud = Cloud.new(world, (scenario["cloud"] or {}).get("quotas"))
            cloudlab.prepare(world)  # the workstation: the client configured, an SSH key of the learner's
        return world

    @property
    def machine(self) -> Machine:
        return self.machines["main"]

    @property
    def source(self) -> Machine | None:
        return self.machines.get("source")

    @property
    def current(self) -> tuple[Machine, Shell]:
        """The machine the terminal is attached to and its shell: the learner's own, or one reached by ssh."""
        if self.sessions:
            session = self.sessions[-1]
            return self.machines[session["machine"]], session["shell"]
        return self.machine, self.shell

    @property
    def asking(self) -> bool:
        """Whether the prompt is a question (ssh's about a host key, a program's), which the next line
        answers."""
        return self.question is not None or self.dialogue is not None

    @property
    def secret(self) -> bool:
        """Whether the program asking turned the terminal's echo off (a password): the answer is not shown."""
        return self.dialogue is not None and not self.dialogue["echo"]

    @property
    def mode(self) -> str:
        return "firmware" if self.current[0].setup is not None else "shell"

    @property
    def prompt(self) -> str:
        if self.question is not None:
            return self.question["prompt"]
        if self.dialogue is not None:
            return self.dialogue["prompt"]
        machine, shell = self.current
        return "Setup> " if self.mode == "firmware" else shell.prompt(machine)

    @property
    def story(self) -> str:
        """The scenario's story, with the source machine's identifiers filled in where it names them."""
        source = self.source
        if source is None:
            return self.scenario["story"]
        keys = host_key_fingerprints(source.fs)
        return self.scenario["story"].format(
            source_hostname=source.hostname,
            source_machine_id=source.machine_id(),
            source_mac=source.nics[0]["mac"],
            source_ip=source.nics[0]["ipv4"],
            source_ed25519=keys.get("ed25519", ""),
        )

    def run(self, line: str, saved: str | bytes | None = None) -> Result:
        """Run a line typed at the terminal. `saved`: this world's own encoding (`to_dict` as JSON) when the
        caller has it at hand, as a lab does with its saved state; else it is made here (0.04-0.13 ms), to
        be put back if a program waits for an answer."""
        if self.question is not None:
            return self._answer(line)
        if self.dialogue is not None:
            return self._reply(line)
        before = saved if saved is not None else orjson.dumps(self.to_dict())
        result = self._run(line, Answers())
        return self._asked(result, before, {"line": line, "answers": [], "shown": 0, "waited": 0})

    def _reply(self, line: str) -> Result:
        """A line typed while a program waits: one more answer, and its command line runs again from where
        it started (dialogue.py). Ctrl-C is delivered where the program reads; past MAX_ANSWERS lines or
        MAX_ANSWER_TEXT characters the line is interrupted so."""
        dialogue = self.dialogue
        interrupted = line.endswith("\x03")
        ended = line == END_OF_INPUT  # nothing echoed, not even the newline
        answers = dialogue["answers"] if interrupted else [*dialogue["answers"], line]
        if len(answers) > MAX_ANSWERS or sum(map(len, answers)) > MAX_ANSWER_TEXT:
            answers, interrupted = dialogue["answers"], True
        waited = dialogue["waited"] + SECONDS_PER_ANSWER
        before = orjson.dumps(self.to_dict())
        self.dialogue = None
        result = self._run(dialogue["line"], Answers(answers, interrupted))
        state = {**dialogue, "answers": answers, "waited": waited}
        result = self._asked(result, before, state, echoed=dialogue["echo"] and not interrupted and not ended)
        if self.dialogue is None:  # the line ran to its end: the time spent answering has passed
            self.current[0].tick(waited)
        return result

    def _asked(self, result: Result, before: str | bytes, dialogue: dict, echoed: bool = True) -> Result:
        """The output not shown yet; when a program waits for an answer, the world as `before` the line,
        with the line kept and the unfinished last line of output as the prompt."""
        if "asks" not in result.effects and not dialogue["shown"]:
            return result  # a line that asked nothing: all it printed is new
        chunks = list(result.chunks)
        if sum(len(text) for _, text in chunks) != len(result.stdout) + len(result.stderr):
            chunks = [(1, result.stdout), (2, result.stderr)]  # output added after the shell's, unordered
        written = "".join(text for _, text in chunks)
        new = _after(chunks, dialogue["shown"])
        if not echoed and new and new[0][1].startswith("\n"):  # the newline after an unechoed Enter or ^C
            new[0] = (new[0][0], new[0][1][1:])
        if "asks" not in result.effects:
            return _from_chunks(result, new)
        self._restore(before)
        shown = "".join(text for _, text in new)
        prompt = shown[shown.rfind("\n") + 1 :]
        new = _after(new, 0, len(shown) - len(prompt))
        self.dialogue = {
            **dialogue,
            "shown": len(written),
            "prompt": prompt.replace("\r", ""),
            "echo": result.effects["asks"]["echo"],
        }
        return _from_chunks(Result(status=result.status), new)

    def _restore(self, saved: str | bytes) -> None:
        """The world as it was saved (machines, sessions, cloud), in this same object."""
        restored = World.from_dict(orjson.loads(saved))
        vars(self).update(vars(restored))
        network = Network(self)
        for machine in self.machines.values():
            machine.network = network
        if self.cloud is not None:
            self.cloud.world = self

    def _run(self, line: str, answers: Answers) -> Result:
        machine, shell = self.current
        if machine.stopped:  # only its own power button brings it back (the lab page's Power on)
            return Result("", powered_off(machine), 1)
        self.login = self._logged_in()
        going_down = self._console_shutdown(machine)
        try:
            if machine.setup is not None:  # a setup screen reads keys, not a tty: Ctrl-D does nothing there
                result = Result() if line == END_OF_INPUT else firmware.run(machine, line)
                if machine.setup is None and machine is self.machine:  # setup left: it boots, a new login
                    result = self._log_in_again(result)
            else:
                result = shell.run(machine, line, answers)
                if machine.setup is not None:
                    result = self._into_firmware(result, machine)
                if "ssh" in result.effects:
                    result = self._ssh(result, result.effects["ssh"])
                if "console" in result.effects:
                    result = self._console(result, result.effects["console"])
                if shell.exited and self.sessions and shell is self.sessions[-1]["shell"]:
                    ended = self.sessions.pop()  # `exit` in an ssh session or a console: back where it was
                    if ended.get("maintenance"):  # leaving the emergency shell continues the boot
                        emergency.resume(machine)
                result = self._after_boot(result, machine, going_down)
            machine.tick()
            result = self._after_power(self._scheduled(result))  # time passed: what logind planned
        except Exception as error:  # noqa: BLE001 - the terminal must answer whatever happens
            result = Result("", f"simulator: internal error ({type(error).__name__})\n", 1)
            machine.tick()
        self.login = None  # known only while a line runs: a button pressed later has no terminal's login
        self.advance()
        if "editor" in result.effects:
            self.editor = Session.from_dict(result.effects["editor"])
        return result

    def run_as_root(self, line: str) -> Result:
        """A line run by root on the learner's machine, as the host page's buttons run virsh and virt-clone:
        in a shell of its own, so the terminal's history, directory and sessions are untouched. Never
        raises; a guest powered off under an ssh session or a console ends that session."""
        if self.machine.stopped:
            return Result("", powered_off(self.machine), 1)
        try:
            result = Shell.for_user(self.machine, "root").run(self.machine, line)
        except Exception as error:  # noqa: BLE001 - a button must answer whatever happens
            result = Result("", f"simulator: internal error ({type(error).__name__})\n", 1)
        self.machine.tick()
        self.advance()
        network = Network(self)
        self.sessions = [s for s in self.sessions if network.powered(s["machine"])]
        return result

    def _scheduled(self, result: Result) -> Result:
        """logind's scheduled shutdowns: its reminders as the time nears, and the action when it comes,
        its last wall first (walls reach the terminal when sudo asked for the shutdown)."""
        for machine in list(self.machines.values()):
            shown = machine.shutdown and machine.shutdown.get("wall") and machine is self.current[0]
            for clock in power.reminders_due(machine):
                if shown:
                    wall = power.broadcast(machine, power.announcement(machine, clock), clock)
                    result = _appended(result, stdout=wall)
            action = power.due(machine)
            if not action:
                continue
            if shown:  # logind's last word, at the time it had set
                at = machine.shutdown["at"]
                result = _appended(
                    result, stdout=power.broadcast(machine, power.announcement(machine, at), at)
                )
            machine.shutdown = None
            if action == "reboot":
                going_down = self._console_shutdown(machine)
                machine.reboot()
                result = self._after_boot(result, machine, going_down)
            else:
                power.power_off(machine, action)
        return result

    def _after_power(self, result: Result) -> Result:
        """A machine that went down ends the sessions into it: ssh's connection closes, a console shows the
        kernel's last line and lets go; the terminal is back on the machine the session came from. The
        learner's own machine, once off, says so."""
        network = Network(self)
        for session in list(reversed(self.sessions)):
            name = session["machine"]
            if network.powered(name):
                continue
            self.sessions.remove(session)
            machine = self.machines.get(name)
            if session.get("console") or session.get("maintenance"):  # systemd's last lines on the console
                if machine is not None:
                    action = "halt" if machine.stopped == "halt" else "poweroff"
                    result = _appended(
                        result, stdout=serial_console.shutdown(machine, action, machine.uptime())
                    )
            else:
                result = _connection_closed(result, session["host"])
        if self.machine.stopped and self.login is not None:  # the terminal's own connection
            result = self._connection_lost(result)
        if not self.sessions and self.machine.stopped:
            result = _appended(result, stdout=powered_off(self.machine))
        return result

    def _into_firmware(self, result: Result, machine: Machine) -> Result:
        """The machine restarted into its firmware setup, which the terminal shows as its console does; the
        learner's own machine ends the terminal's login on the way."""
        if machine is self.machine and self.login is not None:
            note = f"\nguestlab: {machine.hostname} restarts into its firmware setup, shown here.\n"
            result = _appended(self._connection_lost(result), stdout=note)
        return _appended(result, stdout=firmware.screen(machine))

    def _logged_in(self) -> tuple[str, str] | None:
        """The lab's terminal is a login over ssh into the learner's own machine (pts/0; sudo's is pts/1,
        see commands/power.py), unless it shows that machine's console: its firmware setup, or the
        emergency shell sulogin opened there. Returns the boot and host name that login is into."""
        machine = self.machine
        on_console = any(s["machine"] == "main" and s.get("maintenance") for s in self.sessions)
        if machine.stopped or machine.setup is not None or on_console or machine.emergency:
            return None
        return machine.boot_id, machine.hostname

    def _connection_lost(self, result: Result) -> Result:
        """The learner's own machine went down under the terminal's login: sshd's connection closes as
        OpenSSH's client says (clientloop.c), and whatever ran inside it (ssh further on, a console) ends
        with it."""
        host = self.login[1]
        self.login = None
        self.sessions = []
        self.question = None
        return _connection_closed(result, host)

    def _log_in_again(self, result: Result) -> Result:
        """The learner's own machine booted: the terminal logs in anew, a fresh login shell whose bash read
        the history the old one saved as the connection dropped (bash saves it on SIGHUP). A boot stopped
        in emergency mode never starts sshd: the terminal shows the console instead, and the new login
        waits for the boot to go on."""
        machine, old = self.machine, self.shell
        self.shell = Shell.for_user(machine, "learner")
        self.shell.history, self.shell.history_base = list(old.history), old.history_base
        if machine.emergency:
            note = (
                f"\nguestlab: {machine.hostname} stopped before its network came up: its console follows.\n"
            )
            return _appended(result, stdout=note)
        note = f"\nguestlab: {machine.hostname} is up again: the terminal logs in to it anew.\n\n"
        return _appended(result, stdout=note + welcome())

    def power_on(self, name: str) -> Result | None:
        """The power button of a machine that stopped itself (never a guest or an instance: their
        hypervisor or cloud starts them): what its console shows as it boots (the emergency shell's
        question when /etc/fstab stops the boot), or None when there is no such machine to start."""
        machine = self.machines.get(name)
        if machine is None or not power.stopped_here(machine):
            return None
        power.power_on(machine)
        if machine is self.machine:
            return self._after_boot(self._log_in_again(Result()), machine)
        return self._after_boot(Result(), machine)

    @property
    def powered_off(self) -> list[dict]:
        """The machines a power button brings back (name, hostname, halted), the learner's own first."""
        return [
            {"name": name, "hostname": machine.hostname, "halted": machine.stopped == "halt"}
            for name, machine in self.machines.items()
            if power.stopped_here(machine)
        ]

    def advance(self) -> list[str]:
        """Time passed: cloud instances finish building or rebooting, guests' installers finish. Returns the
        guests whose install ended."""
        if self.cloud is not None:
            self.cloud.advance()
        if not self.machine.hypervisor.get("domains"):
            return []
        libvirt.catch_up(self.machine)  # the running guests renew their DHCP leases as time passes
        return installer.advance(self.machine)

    def _console_shutdown(self, machine: Machine) -> str:
        """What a console attached to the machine (virsh console, the emergency shell) would show if it
        rebooted now (systemd's lines as it goes down, which depend on what runs before the reboot), or ""
        when no console is attached."""
        name = self.network_name(machine)
        on_console = [s for s in self.sessions if s.get("console") or s.get("maintenance")]
        if not any(s["machine"] == name for s in on_console):
            return ""
        return serial_console.shutdown(machine, "reboot", machine.uptime() + serial_console.SHUTDOWN_SECONDS)

    def _after_boot(self, result: Result, machine: Machine, going_down: str = "") -> Result:
        """A reboot ends the sessions opened on the machine before it, and a boot that went on ends the
        emergency shell; a boot that stopped in emergency mode shows systemd's console messages and
        sulogin's question, which the next line answers. A console stays attached across a reboot: it
        shows the machine going down (`going_down`) and booting, and a new login. The terminal's own login
        into the learner's machine ends as ssh's does, and logs in again once the machine is up."""
        if machine is self.machine and self.login is not None and self.login[0] != machine.boot_id:
            result = self._log_in_again(self._connection_lost(result))
        name = self.network_name(machine)
        for session in self.sessions:
            if session.get("console") and session["machine"] == name and self._rebooted(session, machine):
                shell = Shell.for_user(machine, "learner")
                shell.farewell = ""
                session.update(shell=shell, boot_id=machine.boot_id)
                result = _appended(result, stdout=going_down + serial_console.boot(machine))
        ended = [s for s in self.sessions if s["machine"] == name and not self._lasts(s, machine)]
        self.sessions = [kept for kept in self.sessions if kept not in ended]
        for session in ended:
            if session.get("maintenance") and self._rebooted(session, machine):  # it was on the console
                result = _appended(result, stdout=going_down + serial_console.boot(machine, login=False))
            elif not session.get("console") and not session.get("maintenance"):  # sshd went down with it
                result = _connection_closed(result, session["host"])
        maintenance = any(s.get("maintenance") for s in self.sessions)
        if machine.emergency and self.question is None and not maintenance:
            self.question = {"maintenance": name, "prompt": emergency.PROMPT}
            return _appended(result, stdout=emergency.console(machine))
        return result

    @staticmethod
    def _rebooted(session: dict, machine: Machine) -> bool:
        return session.get("boot_id", machine.boot_id) != machine.boot_id

    @staticmethod
    def _lasts(session: dict, machine: Machine) -> bool:
        """Whether a session on this machine survives: not across a reboot, and an emergency shell not
        past the end of emergency mode (exit, systemctl default)."""
        if World._rebooted(session, machine):
            return False
        return not session.get("maintenance") or bool(machine.emergency)

    def network_name(self, machine: Machine) -> str:
        return next(n for n, m in self.machines.items() if m is machine)

    def _ssh(self, result: Result, request: dict) -> Result:
        """ssh checked the host: ask about a new host key, or log in (or run the command) there."""
        if "question" in request:
            self.question = {**request, "prompt": TRUST_PROMPT}
            return _appended(result, stdout=request["question"])
        return self._connect(result, request)

    def _answer(self, line: str) -> Result:
        """The learner's answer to ssh's question about a new host key: OpenSSH's confirm() (sshconnect.c)
        reads one word, and an empty answer or Ctrl-D (read_passphrase gives "" at the end of input) is
        no. At sulogin's prompt Enter opens the shell and Ctrl-D goes on with the boot."""
        request, answer = self.question, line.strip(" \t").split(maxsplit=1)
        answer = answer[0] if answer else ""
        if "maintenance" in request:
            if line == END_OF_INPUT:
                return self._continue_boot(request["maintenance"])
            return self._maintenance(request["maintenance"])
        interrupted = line.endswith("\x03")
        if interrupted or answer in ("", END_OF_INPUT) or answer.lower() == "no":
            self.question = None
            refused = "" if interrupted else "Host key verification failed.\n"
            return _appended(Result(status=255), stderr=refused)
        if answer.lower() != "yes" and answer != request["fingerprint"]:
            self.question = {**request, "prompt": "Please type 'yes', 'no' or the fingerprint: "}
            return Result()
        self.question = None
        return self._connect(Result(), request)

    def _continue_boot(self, name: str) -> Result:
        """Ctrl-D at sulogin's prompt: no shell; systemd-sulogin-shell starts the default target again,
        which mounts what /etc/fstab names now (and stops here again if it still cannot)."""
        machine = self.machines[name]
        self.question = None
        emergency.resume(machine)
        return self._after_boot(Result(), machine)

    def _maintenance(self, name: str) -> Result:
        """Enter at sulogin's prompt: a root shell on the console until it exits or the machine reboots;
        or sulogin's refusal when root is locked and nothing forces it, after which the boot goes on
        (and fails again)."""
        machine = self.machines[name]
        self.question = None
        refusal = emergency.refusal(machine)
        if refusal:
            emergency.resume(machine)
            return self._after_boot(Result(stdout=refusal), machine)
        shell = Shell.for_user(machine, "root")
        shell.farewell = ""
        session = {"machine": name, "host": machine.hostname, "shell": shell, "maintenance": True}
        self.sessions.append({**session, "boot_id": machine.boot_id})
        return Result()

    def _connect(self, result: Result, request: dict) -> Result:
        client, client_shell = self.current
        target = self.machines[request["machine"]]
        if request.get("new"):
            add_known_host(client, client_shell.user, request["host"], request["key"])
            label = request["key"].split()[0]
            warning = f"Warning: Permanently added '{request['host']}' ({KEY_LABELS.get(label, label)}) "
            result = _appended(result, stderr=warning + "to the list of known hosts.\n")
        shell = Shell.for_user(target, request["user"])
        shell.farewell = f"Connection to {request['host']} closed.\n"
        if request["command"]:
            ran = shell.run(target, request["command"])
            return _appended(dataclasses.replace(result, status=ran.status), ran.stdout, ran.stderr)
        self.sessions.append(
            {
                "machine": request["machine"],
                "host": request["host"],
                "shell": shell,
                "boot_id": target.boot_id,
            }
        )
        return _appended(dataclasses.replace(result, status=0), stdout=welcome())

    def _console(self, result: Result, request: dict) -> Result:
        """virsh console: the terminal attaches to the guest's serial console, logged in as the learner."""
        target = self.machines[request["machine"]]
        shell = Shell.for_user(target, "learner")
        shell.farewell = ""  # logging out of a console leaves the console; the terminal comes back
        self.sessions.append(
            {
                "machine": request["machine"],
                "host": request["domain"],
                "shell": shell,
                "console": True,
                "boot_id": target.boot_id,
            }
        )
        return result

    def edit(self, action: str, buffer: str, command: str = "") -> str:
        """What the learner did in the open editor: nano's "save" (^O), "savefile" (^S), "exit", "write" with
        the file name as `command`, "yes", "no" or "cancel" to its questions; or a vim `command`. Returns
        what the terminal shows once the editor has closed."""
        if self.editor is None:
            raise NoEditor
        closed, output = self.editor.act(self.current[0], action, buffer, command)
        if closed:
            self.editor = None
        return output

    def save_editor(self, buffer: str) -> str:
        """Write the buffer out as nano's ^S or vim's :w does; returns the editor's status line."""
        self.edit("savefile", buffer, ":w")
        return self.editor.message

    def abandon_editor(self) -> None:
        """Close the editor without writing anything (the command line has no panel to show it in)."""
        self.editor = None

    def _task(self, task_id: str) -> dict:
        for task in self.scenario["tasks"]:
            if task["id"] == task_id:
                return task
        raise KeyError(task_id)

    def answer(self, task_id: str, text: str) -> None:
        self._task(task_id)
        self.answers[task_id] = text

    def take_hint(self, task_id: str) -> str:
        """The next hint of a task; each one taken costs the task's hint_cost points."""
        hints = self._task(task_id)["hints"]
        taken = self.hints.get(task_id, 0)
        if taken >= len(hints):
            return hints[-1] if hints else "There are no hints for this task."
        self.hints[task_id] = taken + 1
        return hints[taken]

    def grade(self) -> dict:
        checks, tasks = [], []
        for task in self.scenario["tasks"]:
            per_check = task["points"] / len(task["checks"])
            earned = 0.0
            for item in task["checks"]:
                passed, detail, *share = CHECKS[item["id"]](
                    self, item["params"], self.answers.get(task["id"], "")
                )
                points = per_check * (1.0 if passed else share[0] if share else 0.0)
                earned += points
                checks.append(
                    {
                        "id": item["id"],
                        "task": task["id"],
                        "title": TITLES[item["id"]],
                        "passed": passed,
                        "detail": detail,
                        "points": round(points, 2),
                        "max_points": round(per_check, 2),
                    }
                )
            cost = self.hints.get(task["id"], 0) * task["hint_cost"]
            tasks.append(
                {
                    "id": task["id"],
                    "title": task["title"],
                    "points": round(max(0.0, earned - cost), 2),
                    "max_points": task["points"],
                    "hints_taken": self.hints.get(task["id"], 0),
                }
            )
        return {
            "checks": checks,
            "tasks": tasks,
            "score": round(sum(t["points"] for t in tasks), 2),
            "max_score": sum(t["max_points"] for t in tasks),
        }

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario_id,
            "seed": self.seed,
            "machines": {name: m.to_dict() for name, m in self.machines.items()},
            "shell": self.shell.to_dict(),
            "answers": dict(self.answers),
            "hints": dict(self.hints),
            "editor": self.editor.to_dict() if self.editor else None,
            "sessions": [{**session, "shell": session["shell"].to_dict()} for session in self.sessions],
            "question": dict(self.question) if self.question else None,
            **({"dialogue": _copy_dialogue(self.dialogue)} if self.dialogue else {}),
            "faults": None if self.faults is None else list(self.faults),
            "cloud": self.cloud.to_dict() if self.cloud is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> World:
        machines = {name: Machine.from_dict(m) for name, m in data["machines"].items()}
        scenario = load_scenario(data["scenario"])
        for name in ("main", "source", *(guest["name"] for guest in scenario.get("guests", ()))):
            if name in machines:  # saved before machines were saved over their install: from now on
                machines[name].save_over_install()
        world = cls(
            data["scenario"],
            data["seed"],
            machines,
            Shell.from_dict(data["shell"]),
            dict(data["answers"]),
            dict(data["hints"]),
            Session.from_dict(data["editor"]) if data.get("editor") else None,
            None if data.get("faults") is None else tuple(data["faults"]),
        )
        world.sessions = [{**s, "shell": Shell.from_dict(s["shell"])} for s in data.get("sessions", [])]
        world.question = data.get("question")
        world.dialogue = data.get("dialogue")
        if data.get("cloud") is not None:
            world.cloud = Cloud.from_dict(data["cloud"], world)
        return world


TRUST_PROMPT = "Are you sure you want to continue connecting (yes/no/[fingerprint])? "


def welcome() -> str:
    """The first line of Ubuntu's message of the day, as a login over ssh shows it."""
    return f"Welcome to {layout.OS_PRETTY} (GNU/Linux {layout.RELEASE} x86_64)\n\n"


def powered_off(machine: Machine) -> str:
    return (
        f"guestlab: {machine.hostname} is {'halted' if machine.stopped == 'halt' else 'powered off'}. "
        "Press its Power on button on this page to start it again.\n"
    )


def _copy_dialogue(dialogue: dict) -> dict:
    return {**dialogue, "answers": list(dialogue["answers"])}


def _after(chunks, skip: int, end: int | None = None) -> list[tuple[int, str]]:
    """The output in `chunks` from character `skip` on (to character `end`), kept in order and by stream."""
    kept, at = [], 0
    for fd, text in chunks:
        start, stop = max(skip - at, 0), len(text) if end is None else max(min(end - at, len(text)), 0)
        if start < stop:
            kept.append((fd, text[start:stop]))
        at += len(text)
    return kept


def _from_chunks(result: Result, chunks: list) -> Result:
    stdout = "".join(text for fd, text in chunks if fd == 1)
    stderr = "".join(text for fd, text in chunks if fd == 2)
    return dataclasses.replace(result, stdout=stdout, stderr=stderr, chunks=tuple(chunks))


def _appended(result: Result, stdout: str = "", stderr: str = "") -> Result:
    chunks = tuple(result.chunks) + tuple((fd, text) for fd, text in ((2, stderr), (1, stdout)) if text)
    return dataclasses.replace(
        result, stdout=result.stdout + stdout, stderr=result.stderr + stderr, chunks=chunks
    )


def _connection_closed(result: Result, host: str) -> Result:
    """An ssh session whose machine went down: what OpenSSH's client prints, and its status 255."""
    closed = f"Connection to {host} closed by remote host.\nConnection to {host} closed.\n"
    return _appended(dataclasses.replace(result, status=255), stderr=closed)


class Network:
    """The lab's network as its machines see it: names and addresses resolve to the world's machines."""

    def __init__(self, world: World):
        self.world = world

    def find(self, host: str) -> tuple[str, Machine] | None:
        """The machine a name or an IPv4 address reaches from the terminal's machine: with two on one
        address, the one whose ARP reply the asker's neighbour table holds (it flips between them)."""
        asker = self.world.current[0]
        own = {link.get("ipv4") for link in lan.links(asker)}  # a host's virbr0 address is its own too
        if host.lower() in ("localhost", "127.0.0.1", "::1") or host in own:
            return self.name_of(asker), asker
        if lan.is_ipv4(host) and lan.link_for(asker, host) is not None:
            macs = lan.resolve(asker, host)
            for other, link in lan.answering(asker, host):
                if macs and link["mac"] == macs[-1]:
                    return self.name_of(other), other
        for name, machine in reversed(self.world.machines.items()):
            if not self.powered(name):
                continue
            addresses = {nic.get("ipv4") for nic in machine.nics}
            if host.lower() == machine.hostname.lower() or host in addresses:
                return name, machine
        return None

    def address(self, name: str) -> str:
        links = lan.links(self.world.machines[name])
        return next((link["ipv4"] for link in links if link.get("ipv4")), "127.0.0.1")

    def sshd_answer(self, name: str) -> str:
        """What a connection to port 22 meets: "accepted" by sshd (running, or started by ssh.socket as the
        connection comes), "refused", or "reset" (ssh.socket's service failed to start: units.connect)."""
        machine = self.world.machines[name]
        if "ssh" not in packages.installed_services(machine):
            return "refused"
        return units.connect(machine, "ssh")

    def powered(self, name: str) -> bool:
        """Whether a machine is up: not stopped by itself, a libvirt guest only while its host runs its
        domain, an instance while its cloud says it is active."""
        if self.world.machines[name].stopped:
            return False
        spec = self.world.machines[name].spec
        if spec.get("cloud"):  # a cloud instance runs while the cloud says it is active
            return self.world.cloud is not None and self.world.cloud.powered(name)
        host = spec.get("host")
        if host is None:
            return True
        domains = libvirt.domains(self.world.machines[host]).values()
        return any(d["machine"] == name and libvirt.system_up(d) for d in domains)

    def dhcp(self, guest: Machine) -> None:
        """A libvirt guest that booted asks its host's dnsmasq for an address."""
        name, host = self.name_of(guest), self.world.machines[guest.spec["host"]]
        for domain in libvirt.domains(host).values():
            if domain["machine"] == name and libvirt.system_up(domain):
                libvirt.acquire(host, domain, guest)

    def renew_lease(self, guest: Machine, restart: bool) -> None:
        """A libvirt guest's networkd asked to renew its lease now (`networkctl renew`/`reconfigure`)."""
        if guest.spec.get("host") not in self.world.machines:
            return
        name, host = self.name_of(guest), self.world.machines[guest.spec["host"]]
        for domain in libvirt.domains(host).values():
            if domain["machine"] == name and libvirt.system_up(domain):
                libvirt.renew(host, domain, guest, restart)

    def machine(self, name: str) -> Machine | None:
        return self.world.machines.get(name)

    def name_of(self, machine: Machine) -> str:
        return next(n for n, m in self.world.machines.items() if m is machine)

    def add(self, name: str, machine: Machine) -> None:
        """A new machine joins the lab (a clone virt-clone made)."""
        machine.network = self
        self.world.machines[name] = machine

    def remove(self, name: str) -> None:
        """A guest leaves the lab with its undefined domain (never the learner's own machine)."""
        if self.world.machines.get(name) is not self.world.machine:
            self.world.machines.pop(name, None)
