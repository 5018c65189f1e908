"""A learner's labs in SQLite: the world's state as JSON and a log of every command, saved as each runs."""

import datetime
import json
import secrets

from sqlite_utils import Database

from simulator import World, list_scenarios
from web.db import write_transaction

LOG_LIMIT = 500


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def find_lab(db: Database, user_id: int, scenario_id: str) -> dict | None:
    """The owner's current lab for a scenario: labs are only ever found through their owner."""
    rows = db.query(
        """SELECT * FROM labs WHERE user_id = ? AND scenario_id = ?
           ORDER BY updated_at DESC, id DESC LIMIT 1""",
        [user_id, scenario_id],
    )
    return next(iter(rows), None)


def labs_by_scenario(db: Database, user_id: int) -> dict[str, dict]:
    latest = {}
    for row in db["labs"].rows_where("user_id = ?", [user_id], order_by="updated_at ASC, id ASC"):
        latest[row["scenario_id"]] = row
    return latest


def start_lab(db: Database, user_id: int, scenario_id: str) -> dict:
    existing = find_lab(db, user_id, scenario_id)
    if existing is not None:
        return existing
    world = World.new(scenario_id, seed=secrets.randbelow(2**31))
    now = _now()
    lab_id = (
        db["labs"]
        .insert(
            {
                "user_id": user_id,
                "scenario_id": scenario_id,
                "state": json.dumps(world.to_dict()),
                "created_at": now,
                "updated_at": now,
            }
        )
        .last_pk
    )
    return db["labs"].get(lab_id)


def load_world(lab: dict) -> World:
    return World.from_dict(json.loads(lab["state"]))


def act(db: Database, lab_id: int, action):
    """Load the world, apply `action(world)`, save world and its log together; returns the action's value.

    The whole read-modify-write is one IMMEDIATE transaction, so two tabs cannot lose each other's commands.
    """
    # Plain SQL on this path: it runs for every command typed, and sqlite-utils' table helpers would
    # introspect the schema each time.
    with write_transaction(db):
        state = db.execute("SELECT state FROM labs WHERE id = ?", [lab_id]).fetchone()[0]
        world = World.from_dict(json.loads(state))
        value = action(world)
        now = _now()
        db.execute(
            "UPDATE labs SET state = ?, updated_at = ? WHERE id = ?",
            [json.dumps(world.to_dict()), now, lab_id],
        )
        if isinstance(value, LoggedCommand):
            result = value.result
            value.id = db.execute(
                """INSERT INTO lab_commands (lab_id, prompt, line, stdout, stderr, status, at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [lab_id, value.prompt, value.line, result.stdout, result.stderr, result.status, now],
            ).lastrowid
    return value, world


class LoggedCommand:
    """A command line and what it printed, kept in the lab's log."""

    def __init__(self, prompt, line, result):
        self.id = None
        self.prompt = prompt
        self.line = line
        self.result = result


def run_command(db: Database, lab_id: int, line: str):
    """Run one line; the entry says whether the checks changed, so the tasks panel is resent only then."""

    def run(world):
        before, prompt = world.grade(), world.prompt
        entry = LoggedCommand(prompt, line, world.run(line))
        entry.grade = world.grade()
        entry.grade_changed = entry.grade != before
        return entry

    return act(db, lab_id, run)


def reset_lab(db: Database, lab_id: int, scenario_id: str) -> None:
    """A fresh machine for the same scenario; the old log is dropped with it."""
    world = World.new(scenario_id, seed=secrets.randbelow(2**31))
    with write_transaction(db):
        db.execute("DELETE FROM lab_commands WHERE lab_id = ?", [lab_id])
        db["labs"].update(lab_id, {"state": json.dumps(world.to_dict()), "updated_at": _now()})


def command_log(db: Database, lab_id: int) -> list[dict]:
    """The commands shown in the terminal: the latest ones since the last `clear`."""
    rows = list(
        db.query(
            """SELECT * FROM (SELECT * FROM lab_commands WHERE lab_id = ? ORDER BY id DESC LIMIT ?)
               ORDER BY id""",
            [lab_id, LOG_LIMIT],
        )
    )
    for index in range(len(rows) - 1, -1, -1):
        if CLEAR_SEQUENCE in rows[index]["stdout"]:
            return rows[index + 1 :]
    return rows


def history(db: Database, lab_id: int) -> list[str]:
    return [row["line"] for row in db["lab_commands"].rows_where("lab_id = ?", [lab_id], order_by="id")]


CLEAR_SEQUENCE = "\x1b[H\x1b[2J"


def lab_context(db: Database, scenario: dict, lab: dict) -> dict:
    """What a page showing a lab's terminal and tasks needs."""
    world = load_world(lab)
    order = [s["id"] for s in list_scenarios()]
    following = order[order.index(scenario["id"]) + 1 :]
    return {
        "next_lab": next((s for s in list_scenarios() if s["id"] in following[:1]), None),
        "scenario": scenario,
        "world": world,
        "grade": world.grade(),
        "log": command_log(db, lab["id"]),
        "history": history(db, lab["id"]),
    }
