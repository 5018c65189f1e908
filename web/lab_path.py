"""The path through the labs: scenarios grouped from first steps to clone and cloud work, each with its
difficulty, time estimate and the learner's progress; "Next" is the first lab not yet finished.

Where a scenario sits comes from its YAML (`group`, `order`, `difficulty`, `minutes`), so a new scenario
joins the path by naming its group; one that names none lands in "More labs" at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlite_utils import Database

from simulator import list_scenarios
from simulator.scenarios import DEFAULT_GROUP
from web import lab_store

# The groups in teaching order: what each one is about, as the lab list heads it.
GROUPS = {
    "hosts": ("Hosts", "Can this machine run virtual machines? CPU extensions, firmware and KVM."),
    "guests": ("Guests", "From inside a VM: which hypervisor runs it, and its guest drivers."),
    "containers": ("Containers", "Systems without a kernel of their own: system and application containers."),
    "cloning": ("Cloning", "Copies of a machine and what must be made new on each."),
    "cloud": ("Cloud", "Instances, images and what cloud-init does at first boot."),
}
DIFFICULTY = {1: "Easy", 2: "Medium", 3: "Hard"}


@dataclass
class PathLab:
    scenario: dict
    status: str  # "new", "started" or "finished" (every check passes)
    score: float = 0.0
    max_score: float = 0.0


@dataclass
class Group:
    id: str
    title: str
    about: str
    labs: list[PathLab] = field(default_factory=list)


@dataclass
class LabPath:
    groups: list[Group]

    @property
    def labs(self) -> list[PathLab]:
        return [lab for group in self.groups for lab in group.labs]

    @property
    def finished(self) -> int:
        return sum(lab.status == "finished" for lab in self.labs)

    def next(self, after: str | None = None) -> dict | None:
        """The first lab in path order not finished (other than `after`, the lab just done)."""
        return next(
            (lab.scenario for lab in self.labs if lab.status != "finished" and lab.scenario["id"] != after),
            None,
        )


def group_rank(group_id: str) -> tuple[int, str]:
    """Known groups in teaching order, then new ones by name, then the scenarios that named none."""
    names = list(GROUPS)
    if group_id in names:
        return names.index(group_id), ""
    return (len(names) + 1, "") if group_id == DEFAULT_GROUP else (len(names), group_id)


def lab_path(db: Database, user_id: int | None) -> LabPath:
    labs = lab_store.labs_by_scenario(db, user_id) if user_id else {}
    groups: dict[str, Group] = {}
    scenarios = sorted(list_scenarios(), key=lambda s: (group_rank(s["group"]), s["order"], s["id"]))
    for scenario in scenarios:
        group_id = scenario["group"]
        title, about = GROUPS.get(group_id, (group_id.replace("-", " ").capitalize(), ""))
        if group_id == DEFAULT_GROUP:
            title, about = "More labs", ""
        group = groups.setdefault(group_id, Group(group_id, title, about))
        group.labs.append(_progress(db, scenario, labs.get(scenario["id"])))
    return LabPath(list(groups.values()))


def _progress(db: Database, scenario: dict, lab: dict | None) -> PathLab:
    if lab is None:
        return PathLab(scenario, "new")
    grade = lab_store.saved_grade(db, lab)
    finished = all(check["passed"] for check in grade["checks"])
    return PathLab(scenario, "finished" if finished else "started", grade["score"], grade["max_score"])


def next_lab_after(db: Database, scenario_id: str) -> dict | None:
    """What a finished lab offers next: the first unfinished lab of the signed-in learner."""
    return lab_path(db, g.user.id if g.user else None).next(after=scenario_id)


def solution_unlocked(scenario: dict, hints: dict, grade: dict) -> bool:
    """A worked solution is shown once the lab is passed, or once every hint of every task is taken."""
    if "solution" not in scenario:
        return False
    if all(check["passed"] for check in grade["checks"]):
        return True
    return all(hints.get(task["id"], 0) >= len(task["hints"]) for task in scenario["tasks"])
