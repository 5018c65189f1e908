"""A learner's labs in SQLite: the world's state as JSON and its latest commands, saved as each one runs."""

from __future__ import annotations

import datetime
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

import orjson
from sqlite_utils import Database

from simulator import Result, World, breaks, libvirt, load_scenario
from simulator.completion import complete as complete_line
from simulator.editing import NoEditor, Session
from web.db import write_transaction

# The terminal shows the latest SHOWN_COMMANDS within about SHOWN_BYTES; Up and Down recall RECALL lines;
# the log keeps KEEP_COMMANDS, as a terminal's scrollback does.
SHOWN_COMMANDS = 100
SHOWN_BYTES = 256 * 1024
RECALL = 200
KEEP_COMMANDS = 300
# What the log stores (a command's whole output is shown when it runs; this bounds what is kept for later).
# 64 KiB of each output is about a thousand lines, more than anyone scrolls back through after a reload.
# A lab keeps 1 MiB, four terminal pages (SHOWN_BYTES), so a reload always finds a full page.
# A learner keeps 8 MiB over all labs: room for eight labs' full logs (there are 11 labs, and most logs
# are far smaller), while a thousand learners cost at most 8 GB of disk.
KEEP_OUTPUT_BYTES = 64 * 1024
LAB_LOG_BYTES = 1024 * 1024
USER_LOG_BYTES = 8 * 1024 * 1024
LOG_FULL = (
    f"guestlab: your labs' saved terminal logs are full ({USER_LOG_BYTES >> 20} MiB in all), so this output "
    "was shown but not saved. Resetting a lab you have finished frees its log.\n"
)
MAX_RETRIES = 5
# A lab's state is read and written whole by every command: at 512 KiB a command still costs ~10 ms of the
# server (a typical lab is 30 KiB and 1-2 ms; at 2 MiB it was 85 ms, slowing the whole class).
MAX_STATE_BYTES = 512 * 1024
TOO_LARGE = (
    "simulator: this command would make the lab's machines larger than 512 KiB, so it was undone.\n"
    "simulator: remove some large files or copies, or reset the lab.\n"
)
CLEAR_SEQUENCE = "\x1b[H\x1b[2J"
EDITOR_TOO_LARGE = "guestlab: writing this would make the lab larger than 512 KiB, so it was not written."


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def find_lab(db: Database, user_id: int, scenario_id: str) -> dict | None:
    """The owner's current lab for a scenario: labs are only ever found through their owner. (execute, not
    query: sqlite-utils wraps a query in a savepoint, two more statements on every command.)"""
    cursor = db.execute("SELECT * FROM labs WHERE user_id = ? AND scenario_id = ?", [user_id, scenario_id])
    row = cursor.fetchone()
    return None if row is None else dict(zip((column[0] for column in cursor.description), row, strict=True))


def lab_scenario(lab: dict) -> dict:
    """The scenario as this lab has it: an assigned lab's tasks follow the faults its recipe planted."""
    recipe = orjson.loads(lab["recipe"]) if lab.get("recipe") else None
    if recipe is None or recipe["faults"] is None:
        return load_scenario(lab["scenario_id"])
    return breaks.scenario(lab["scenario_id"], tuple(recipe["faults"]))


def labs_by_scenario(db: Database, user_id: int) -> dict[str, dict]:
    return {row["scenario_id"]: row for row in db["labs"].rows_where("user_id = ?", [user_id])}


def start_lab(db: Database, user_id: int, scenario_id: str) -> dict:
    """The owner's lab for the scenario, made on first start; two starts at once still make one lab."""
    existing = find_lab(db, user_id, scenario_id)
    if existing is not None:
        return existing
    world = World.new(scenario_id, seed=secrets.randbelow(2**31))
    now = _now()
    db.execute(
        """INSERT INTO labs (user_id, scenario_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (user_id, scenario_id) DO NOTHING""",
        [user_id, scenario_id, _encode(world), now, now],
    )
    return find_lab(db, user_id, scenario_id)


def start_assigned_lab(
    db: Database,
    user_id: int,
    scenario_id: str,
    assignment_id: int,
    faults: list[str] | None,
    seed: int,
    max_attempts: int = 0,
) -> dict:
    """The owner's lab of the scenario built from an assignment's recipe (its faults and seed, and how many
    attempts its resets may start, 0 for no limit) and linked to it, so its checks count for the class.
    A learner has one lab per scenario: one not made for this assignment is replaced (the caller has asked
    the learner first)."""
    recipe = orjson.dumps({"faults": faults, "seed": seed, "max_attempts": max_attempts}).decode()
    world = World.new(scenario_id, seed=seed, faults=faults)
    now = _now()
    with write_transaction(db):
        existing = find_lab(db, user_id, scenario_id)
        if existing is not None and existing["assignment_id"] == assignment_id:
            return existing
        if existing is not None:
            db.execute("DELETE FROM lab_commands WHERE lab_id = ?", [existing["id"]])
            db.execute("DELETE FROM labs WHERE id = ?", [existing["id"]])
        db.execute(
            """INSERT INTO labs (user_id, scenario_id, state, created_at, updated_at, assignment_id, recipe)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [user_id, scenario_id, _encode(world), now, now, assignment_id, recipe],
        )
    return find_lab(db, user_id, scenario_id)


def _encode(world: World) -> str:
    """A world as the JSON text its lab row keeps. orjson: every command writes it, and orjson does it in a
    tenth of the standard library's time (0.03 ms against 0.36 ms for a typical 30 KiB lab)."""
    return orjson.dumps(world.to_dict()).decode()


def terminal_busy(world: World) -> str:
    """Why a page's action must wait ("" when it need not): a program in the terminal waits for an answer,
    and its line runs again from the state before it at each answer (simulator/dialogue.py), so a machine
    changed meanwhile would change what it already printed. Pages wait, as the terminal waits for the
    editor."""
    if world.dialogue is None:
        return ""
    question = world.prompt.strip()
    return f"The terminal waits for an answer ({question}): answer it or press Ctrl-C there, then try again."


def _decode(state: str) -> World:
    return World.from_dict(orjson.loads(state))


def load_world(lab: dict) -> World:
    return _decode(lab["state"])


class LabBusy(RuntimeError):
    """The lab changed under every retry: too many commands at once for one lab."""


class EditorOpen(RuntimeError):
    """A line arrived while an editor holds the terminal (typed in another tab): it waits for the editor."""


class LoggedCommand:
    """A command line and what it printed, kept in the lab's log."""

    def __init__(self, prompt, line, result):
        self.id = None
        self.prompt = prompt
        self.line = line
        self.result = result
        self.grade = None
        self.grade_changed = False
        self.rescored: list[dict] = []

    @property
    def kept(self) -> bool:
        return True

    def refuse(self, message: str) -> None:
        """The command's effects were not kept: say so instead of showing its output."""
        self.result = Result("", message, 1)
        self.grade_changed = False
        self.rescored = []


@dataclass(frozen=True)
class LabView:
    """What the lab's fragments show of its world after an action, copied out of it: the world itself goes
    back to the recent-worlds cache, where the next request may take it while this one still renders."""

    prompt: str
    answers: dict
    hints: dict
    grade: dict
    last_command: str  # the newest history entry: a command typed over several lines, joined
    asking: bool  # the prompt is a question (ssh's about a host key, a program's): the answer is no command
    secret: bool  # the program asking turned the terminal's echo off: what is typed is not shown

    editor: Session | None = None
    machines: list | None = None  # a KVM host's guests (the Virtual machines panel), else None
    powered_off: tuple = ()  # the machines that stopped themselves, each with its power button
    grade_before: dict | None = None  # the grade before the action, when act was asked for it

    @classmethod
    def of(cls, world: World, grade_before: dict | None = None) -> LabView:
        editor = world.editor.copy() if world.editor else None
        history = world.shell.history
        last = history[-1] if history else ""
        answers, hints = dict(world.answers), dict(world.hints)
        machines = _machines(world)
        grade, stopped = world.grade(), tuple(world.powered_off)
        return cls(
            world.prompt,
            answers,
            hints,
            grade,
            last,
            world.asking,
            world.secret,
            editor,
            machines,
            stopped,
            grade_before,
        )


def _machines(world: World) -> list | None:
    return libvirt.overview(world.machine) if world.scenario.get("guests") else None


def act(
    db: Database,
    lab: dict,
    action,
    grade_before: bool = False,
    too_large: Exception | None = None,
    with_state: bool = False,
):
    """Load the lab's world, apply `action(world)`, save world and log together; returns (action's value, a
    LabView of the world, with the grade before the action too when asked: a world kept from the lab's last
    action keeps the grade it had then, so it is not graded again). `with_state`: the action is called as
    `action(world, state)`, with the saved state the world was loaded from (its encoding, unchanged yet).

    A world grown past MAX_STATE_BYTES is not saved: a command is refused in the terminal, another action
    raises `too_large` when given (a page's refusal), else leaves the lab as it was.

    The simulator runs outside any lock; the save succeeds only if nobody saved the lab meanwhile (its
    revision is unchanged since `lab` was read), else the action runs again on the newer state. So two tabs
    never lose each other's commands, and a slow command never holds the database's write lock.
    """
    # Plain SQL on this path: it runs for every command typed, and sqlite-utils' table helpers would
    # introspect the schema each time.
    lab_id = lab["id"]
    key = _recent_key(db, lab_id)
    revision, state = lab["revision"], lab["state"]
    closed = _unfrozen_close(db, lab)
    for _ in range(MAX_RETRIES):
        world, graded = _take_recent(key, revision) or (_decode(state), None)
        if graded is None and (grade_before or closed):
            graded = world.grade()
        before = graded if grade_before else None
        at_close = _encode_closed_grade(closed, graded) if closed else None
        value = action(world, state) if with_state else action(world)
        new_state = _encode(world)
        if len(new_state) > MAX_STATE_BYTES:
            if too_large is not None and not isinstance(value, LoggedCommand):
                raise too_large
            world, new_state = _decode(state), None
            if isinstance(value, LoggedCommand):
                value.refuse(TOO_LARGE)
        now = _now()
        view = LabView.of(world, before)
        with write_transaction(db):
            if new_state is not None:
                saved = db.execute(
                    f"""UPDATE labs SET state = ?, revision = revision + 1, updated_at = ?{KEEP_CLOSED_GRADE}
                       WHERE id = ? AND revision = ?""",
                    [new_state, now, *_keep_closed(closed, at_close), lab_id, revision],
                ).rowcount
                if not saved:
                    revision, state = db.execute(
                        "SELECT revision, state FROM labs WHERE id = ?", [lab_id]
                    ).fetchone()
                    continue
                _record_evidence(db, lab_id, view.grade, now)
            if isinstance(value, LoggedCommand) and value.kept:
                value.id = _log(db, lab_id, value, now)
        if new_state is not None:
            _remember(key, revision + 1, world, view.grade)
        return value, view
    raise LabBusy(lab_id)


def _unfrozen_close(db: Database, lab: dict) -> str | None:
    """For a lab assigned in a class whose assignment has closed for its owner (their extension counted):
    that close, when the lab's grade at it is not kept yet; None otherwise (most labs: no query)."""
    if not lab.get("assignment_id"):
        return None
    row = db.execute(
        """SELECT max(s.closes_at, coalesce(e.closes_at, s.closes_at)) FROM assignments s
           LEFT JOIN assignment_extensions e ON e.assignment_id = s.id AND e.user_id = ?
           WHERE s.id = ?""",
        [lab["user_id"], lab["assignment_id"]],
    ).fetchone()
    if row is None or datetime.datetime.fromisoformat(row[0]) > datetime.datetime.now(datetime.UTC):
        return None
    kept = orjson.loads(lab["closed_grade"]) if lab.get("closed_grade") else None
    return None if kept is not None and kept["closes_at"] == row[0] else row[0]


def _encode_closed_grade(closes_at: str, grade: dict) -> str:
    """The grade of the state saved last before the close: what the student had done by then."""
    passed = sum(1 for check in grade["checks"] if check["passed"])
    return orjson.dumps(
        {
            "closes_at": closes_at,
            "score": grade["score"],
            "max_score": grade["max_score"],
            "passed": passed,
            "checks": len(grade["checks"]),
        }
    ).decode()


# Kept once per close: a save racing another keeps the grade the first one kept for the same close.
KEEP_CLOSED_GRADE = """, closed_grade = CASE
    WHEN ? IS NOT NULL AND (closed_grade IS NULL OR json_extract(closed_grade, '$.closes_at') != ?) THEN ?
    ELSE closed_grade END"""


def _keep_closed(closes_at: str | None, at_close: str | None) -> list:
    return [closes_at, closes_at, at_close]


def closed_grade(lab: dict, closes_at: datetime.datetime) -> dict | None:
    """The lab's grade kept at this close (see _unfrozen_close), or None when no change came after it."""
    kept = orjson.loads(lab["closed_grade"]) if lab.get("closed_grade") else None
    if kept is None or datetime.datetime.fromisoformat(kept["closes_at"]) != closes_at:
        return None
    return kept


def _record_evidence(db: Database, lab_id: int, grade: dict, now: str) -> None:
    """The checks passing in the state just saved, kept as the learner's evidence with the time they last
    passed: a reset takes the machine back, never what the learner showed on it."""
    db.conn.executemany(
        """INSERT INTO lab_evidence (user_id, scenario_id, check_id, passed_at)
           SELECT user_id, scenario_id, ?, ? FROM labs WHERE id = ?
           ON CONFLICT (user_id, scenario_id, check_id) DO UPDATE SET passed_at = excluded.passed_at""",
        [(check["id"], now, lab_id) for check in grade["checks"] if check["passed"]],
    )


def lab_evidence(db: Database, user_id: int) -> dict[str, dict[str, str]]:
    """scenario -> check -> when it last passed, for every check the learner has ever passed."""
    found: dict[str, dict[str, str]] = {}
    for row in db.query(
        "SELECT scenario_id, check_id, passed_at FROM lab_evidence WHERE user_id = ?", [user_id]
    ):
        found.setdefault(row["scenario_id"], {})[row["check_id"]] = row["passed_at"]
    return found


# The worlds this process saved last, by database file and lab: the next command on a lab finds its world
# here, unchanged since its revision, and skips parsing and rebuilding it (half of a command's time). A
# request takes a world out (under the lock) and puts it back once saved, so no two requests ever hold the
# same world; what a page shows of it leaves as a LabView copy. The revision check keeps processes correct.
_recent_lock = threading.Lock()
_recent: OrderedDict = OrderedDict()
RECENT_WORLDS = 128  # a built world takes 150-300 KB: at most ~40 MB of a worker's memory


def _recent_key(db: Database, lab_id: int) -> tuple:
    return db.execute("PRAGMA database_list").fetchone()[2], lab_id


def complete(db: Database, lab: dict, line: str) -> list[str]:
    """Tab completion over the lab's world: the one this process keeps for the lab's revision when it has
    it, else loaded from the state; either way kept afterwards, for the learner's next command."""
    key = _recent_key(db, lab["id"])
    world, graded = _take_recent(key, lab["revision"]) or (_decode(lab["state"]), None)
    try:
        return complete_line(world, line)
    finally:
        _remember(key, lab["revision"], world, graded)


def saved_grade(db: Database, lab: dict) -> dict:
    """The grade of the lab's saved state: the one this process kept with the lab's world at that revision
    when it has it (graded as the last action saved it), else graded from the state."""
    with _recent_lock:
        entry = _recent.get(_recent_key(db, lab["id"]))
    if entry is not None and entry[0] == lab["revision"] and entry[2] is not None:
        return entry[2]
    return load_world(lab).grade()


def _take_recent(key: tuple, revision: int) -> tuple[World, dict | None] | None:
    """The world kept for the lab at this revision, and its grade when known (None if not kept)."""
    with _recent_lock:
        entry = _recent.pop(key, None)
    return entry[1:] if entry is not None and entry[0] == revision else None


def _remember(key: tuple, revision: int, world: World, grade: dict | None) -> None:
    with _recent_lock:
        _recent[key] = (revision, world, grade)
        _recent.move_to_end(key)
        while len(_recent) > RECENT_WORLDS:
            _recent.popitem(last=False)


def _log(db: Database, lab_id: int, entry: LoggedCommand, now: str) -> int:
    """Append to the lab's log, keeping its last KEEP_COMMANDS commands within its budget of bytes, as a
    terminal's scrollback; when the owner's labs have no room left, the output is not kept, and the
    terminal says so. The lab's log totals follow, so that the log is trimmed only when over a limit."""
    result = entry.result
    kept_bytes, kept_commands, budget = _log_room(db, lab_id)
    stdout, stderr = kept_output(result.stdout), kept_output(result.stderr)
    output = interleaved(result)
    if _size(entry.prompt, entry.line, stdout, stderr) > budget:
        stdout, stderr, output = "", LOG_FULL, None
        entry.result = Result(result.stdout, result.stderr + LOG_FULL, result.status)
    size = _size(entry.prompt, entry.line, stdout, stderr)
    entry_id = db.execute(
        """INSERT INTO lab_commands (lab_id, prompt, line, stdout, stderr, status, at, size, output)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            lab_id,
            entry.prompt,
            entry.line,
            stdout,
            stderr,
            result.status,
            now,
            size,
            None if output is None else orjson.dumps(output).decode(),
        ],
    ).lastrowid
    trimmed = []
    if kept_commands + 1 > KEEP_COMMANDS:
        trimmed += db.execute(
            """DELETE FROM lab_commands WHERE lab_id = ? AND id < (
                   SELECT id FROM lab_commands WHERE lab_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
               RETURNING size""",
            [lab_id, lab_id, KEEP_COMMANDS - 1],
        ).fetchall()
    if kept_bytes - sum(row[0] for row in trimmed) + size > budget:
        trimmed += db.execute(
            """DELETE FROM lab_commands WHERE lab_id = ? AND id < ? AND id IN (
                   SELECT id FROM (SELECT id, SUM(size) OVER (ORDER BY id DESC) AS newer
                                   FROM lab_commands WHERE lab_id = ?)
                   WHERE newer > ?)
               RETURNING size""",
            [lab_id, entry_id, lab_id, budget],
        ).fetchall()
    db.execute(
        "UPDATE labs SET log_bytes = log_bytes + ?, log_commands = log_commands + ? WHERE id = ?",
        [size - sum(row[0] for row in trimmed), 1 - len(trimmed), lab_id],
    )
    return entry_id


def _log_room(db: Database, lab_id: int) -> tuple[int, int, int]:
    """(the bytes and commands this lab's log holds, the bytes it may keep: its own limit, or what the
    owner's other labs leave of theirs)."""
    kept_bytes = kept_commands = others = 0
    for lab, log_bytes, log_commands in db.execute(
        """SELECT id, log_bytes, log_commands FROM labs
           WHERE user_id = (SELECT user_id FROM labs WHERE id = ?)""",
        [lab_id],
    ):
        if lab == lab_id:
            kept_bytes, kept_commands = log_bytes, log_commands
        else:
            others += log_bytes
    return kept_bytes, kept_commands, min(LAB_LOG_BYTES, USER_LOG_BYTES - others)


def interleaved(result: Result) -> list | None:
    """The output in the order it was written, when stdout and stderr alternate (`ls a b` with one missing,
    `dmesg | tail; echo done`); None when all of stdout then all of stderr shows the same, or when the
    output is too large to keep twice."""
    fds = [fd for fd, _ in result.chunks]
    if fds == sorted(fds) or len(result.stdout) + len(result.stderr) > KEEP_OUTPUT_BYTES:
        return None
    return [[fd, text] for fd, text in result.chunks]


def kept_output(output: str) -> str:
    """One command's output as the log keeps it: at most KEEP_OUTPUT_BYTES, the cut marked."""
    data = output.encode()
    if len(data) <= KEEP_OUTPUT_BYTES:
        return output
    kept = data[:KEEP_OUTPUT_BYTES].decode(errors="ignore")
    return f"{kept}\n[output truncated: {len(data) - len(kept.encode())} bytes not kept]\n"


def _size(*texts: str) -> int:
    return sum(len(text.encode()) for text in texts)


def run_command(db: Database, lab: dict, line: str):
    """Run one line; the entry says whether the checks changed, so the tasks panel is resent only then."""

    def run(world, state):
        if world.editor is not None:
            raise EditorOpen(world.editor.title)
        # an answer typed with the terminal's echo off (a passphrase) is neither shown nor kept
        shown = line if not world.secret else "\x03" if line.endswith("\x03") else ""
        return LoggedCommand(world.prompt, shown, world.run(line, saved=state))

    entry, view = act(db, lab, run, grade_before=True, with_state=True)
    entry.rescored = rescored_tasks(view.grade_before, view.grade)
    entry.grade, entry.grade_changed = view.grade, view.grade != view.grade_before
    return entry, view


def rescored_tasks(before: dict, after: dict) -> list[dict]:
    """The tasks whose points an action changed, as graded after it: what the terminal announces."""
    old = {task["id"]: task["points"] for task in before["tasks"]}
    return [task for task in after["tasks"] if old.get(task["id"]) != task["points"]]


class EditorReply(LoggedCommand):
    """What one action in the editor panel did. The log keeps only what the editor leaves on the screen when
    it exits (nano and vim leave nothing; sudoedit may say "FILE unchanged"), under no prompt."""

    def __init__(self, output: str, closed: bool):
        super().__init__("", "", Result("", output, 0))
        self.closed = closed
        self.refused = ""

    @property
    def kept(self) -> bool:
        return bool(self.result.stderr) and not self.refused

    def refuse(self, message: str) -> None:
        """The lab would grow too large: nothing was written, and the editor stays open with its buffer."""
        super().refuse(message)
        self.refused = EDITOR_TOO_LARGE
        self.closed = False


def edit(db: Database, lab: dict, action: str, buffer: str, command: str = ""):
    """Apply an action of the editor panel (write out, exit, answer, vim command) as a lab action: saved with
    the world, the log and the checks, like a command. Raises NoEditor when no editor is open."""

    def apply(world):
        if world.editor is None:
            raise NoEditor
        output = world.edit(action, buffer, command)
        return EditorReply(output, world.editor is None)

    reply, view = act(db, lab, apply, grade_before=True)
    reply.rescored = rescored_tasks(view.grade_before, view.grade)
    reply.grade, reply.grade_changed = view.grade, view.grade != view.grade_before
    return reply, view


def reset_lab(db: Database, lab_id: int, scenario_id: str) -> bool:
    """A fresh machine for the same scenario (an assigned lab's: its recipe again), as the next attempt;
    the old log goes too. False, with nothing changed, when an assigned lab's attempts are used up."""
    lab = dict(next(iter(db.query("SELECT * FROM labs WHERE id = ?", [lab_id]))))
    recipe_text, attempt = lab["recipe"], lab["attempt"]
    recipe = orjson.loads(recipe_text) if recipe_text else None
    if recipe is not None and recipe.get("max_attempts") and attempt >= recipe["max_attempts"]:
        return False
    if recipe is not None:
        world = World.new(scenario_id, seed=recipe["seed"], faults=recipe["faults"])
    else:
        world = World.new(scenario_id, seed=secrets.randbelow(2**31))
    closed = _unfrozen_close(db, lab)
    at_close = _encode_closed_grade(closed, saved_grade(db, lab)) if closed else None
    with write_transaction(db):
        db.execute("DELETE FROM lab_commands WHERE lab_id = ?", [lab_id])
        db.execute(
            f"""UPDATE labs SET state = ?, revision = revision + 1, updated_at = ?, attempt = attempt + 1,
                               log_bytes = 0, log_commands = 0{KEEP_CLOSED_GRADE}
               WHERE id = ?""",
            [_encode(world), _now(), *_keep_closed(closed, at_close), lab_id],
        )
    return True


def command_log(db: Database, lab_id: int) -> list[dict]:
    """The commands shown in the terminal: the latest ones since the last `clear`, within a page's worth."""
    shown, size = [], 0
    for row in db.query(
        "SELECT * FROM lab_commands WHERE lab_id = ? ORDER BY id DESC LIMIT ?", [lab_id, SHOWN_COMMANDS]
    ):
        size += len(row["stdout"]) + len(row["stderr"]) + len(row["line"])
        if CLEAR_SEQUENCE in row["stdout"] or (shown and size > SHOWN_BYTES):
            break
        row["output"] = orjson.loads(row["output"]) if row.get("output") else None
        shown.append(row)
    return shown[::-1]


def lab_context(db: Database, scenario: dict, lab: dict) -> dict:
    """What a page showing a lab's terminal and tasks needs."""
    world = load_world(lab)
    return {
        "scenario": scenario,
        "world": world,
        "grade": world.grade(),
        "log": command_log(db, lab["id"]),
        "history": world.shell.history[-RECALL:],  # as bash keeps it: a command typed over lines is one
        "machines": _machines(world),
        "media": libvirt.media(world.machine) if world.scenario.get("guests") else [],
    }
