"""The World: a scenario's machines, the terminal attached to one of them, and the learner's progress.

Everything the web app keeps between requests is `to_dict()`; `run` is the only way commands reach a
machine, and it never raises: a terminal must always answer.
"""

from __future__ import annotations

import dataclasses

from simulator import firmware
from simulator.checks import CHECKS, TITLES
from simulator.editing import NoEditor, Session
from simulator.keys import KEY_NAMES, host_key_fingerprints
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
    ):
        self.scenario_id = scenario_id
        self.scenario = load_scenario(scenario_id)
        self.seed = seed
        self.machines = machines
        self.shell = shell
        self.answers = answers or {}
        self.hints = hints or {}
        self.editor = editor  # the editor open over the terminal, until it is left

    @classmethod
    def new(cls, scenario_id: str, seed: int | None = None) -> World:
        scenario = load_scenario(scenario_id)
        spec = dict(scenario["machine"])
        if seed is not None:
            spec["seed"] = seed
        machines = {}
        if "source" in scenario:
            source = Machine.create(dict(scenario["source"]))
            machines["source"] = source
            spec.update(clone_identity(source))
        machine = Machine.create(spec)
        machines = {"main": machine, **machines}
        return cls(scenario_id, spec.get("seed", 0), machines, Shell.for_user(machine, "learner"))

    @property
    def machine(self) -> Machine:
        return self.machines["main"]

    @property
    def source(self) -> Machine | None:
        return self.machines.get("source")

    @property
    def mode(self) -> str:
        return "firmware" if self.machine.setup is not None else "shell"

    @property
    def prompt(self) -> str:
        return "Setup> " if self.mode == "firmware" else self.shell.prompt(self.machine)

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
            source_ed25519=keys.get("ed25519", ""),
        )

    def run(self, line: str) -> Result:
        machine = self.machine
        try:
            if machine.setup is not None:
                result = firmware.run(machine, line)
            else:
                result = self.shell.run(machine, line)
                if machine.setup is not None:
                    result = dataclasses.replace(result, stdout=result.stdout + firmware.screen(machine))
        except Exception as error:  # noqa: BLE001 - the terminal must answer whatever happens
            result = Result("", f"simulator: internal error ({type(error).__name__})\n", 1)
        machine.tick()
        if "editor" in result.effects:
            self.editor = Session.from_dict(result.effects["editor"])
        return result

    def edit(self, action: str, buffer: str, command: str = "") -> str:
        """What the learner did in the open editor: "save", "exit", then "yes", "no" or "cancel" to nano's
        question, or a vim `command`. Returns what the terminal shows once the editor has closed."""
        if self.editor is None:
            raise NoEditor
        closed, output = self.editor.act(self.machine, action, buffer, command)
        if closed:
            self.editor = None
        return output

    def save_editor(self, buffer: str) -> str:
        """Write the buffer out as nano's ^O or vim's :w does; returns the editor's status line."""
        self.edit("save", buffer, ":w")
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
                passed, detail = CHECKS[item["id"]](self, item["params"], self.answers.get(task["id"], ""))
                points = per_check if passed else 0.0
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
        }

    @classmethod
    def from_dict(cls, data: dict) -> World:
        machines = {name: Machine.from_dict(m) for name, m in data["machines"].items()}
        return cls(
            data["scenario"],
            data["seed"],
            machines,
            Shell.from_dict(data["shell"]),
            dict(data["answers"]),
            dict(data["hints"]),
            Session.from_dict(data["editor"]) if data.get("editor") else None,
        )
