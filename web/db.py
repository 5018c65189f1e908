"""One sqlite-utils Database per worker thread, and the schema as versioned migrations applied at start."""

import contextlib
import fcntl
import os
import sqlite3
import threading
from pathlib import Path

import click
from flask import current_app, g
from sqlite_utils import Database, Migrations
from werkzeug.routing import IntegerConverter

migrations = Migrations("guestlab")

BUSY_TIMEOUT_MS = 5000


class RowIdConverter(IntegerConverter):
    """`<id:name>` in routes: a positive integer SQLite can store, so a huge one is a 404, not a 500."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**63 - 1)


def connect(path: str) -> Database:
    """A connection whose transactions take the write lock when they begin (see write_transaction)."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level="IMMEDIATE")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


_thread = threading.local()


def get_db() -> Database:
    """The thread's connection, opened on its first request and kept for the next ones.

    Opening one per request cost more than many a request's queries (connect, pragmas, and in WAL mode a
    checkpoint whenever the last connection closes). A connection belongs to one process and one database
    file: after gunicorn forks, or when a test switches databases, a new one is opened (SQLite connections
    must not cross a fork, so the parent's is left alone, never closed or used).
    """
    if "db" not in g:
        key = (os.getpid(), current_app.config["DATABASE"])
        held = getattr(_thread, "held", None)
        if held is None or held[0] != key:
            if held is not None and held[0][0] == key[0]:
                held[1].close()
            held = _thread.held = (key, connect(key[1]))
        g.db = held[1]
    return g.db


def close_db(_exc=None) -> None:
    """The request is over: whatever it left open is undone, so the next one starts clean."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


@contextlib.contextmanager
def write_transaction(db: Database):
    """Every write that reads first, or writes more than once, runs inside this: BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes cannot wait for the lock: when another connection
    wrote in between, SQLite refuses the upgrade at once with "database is locked", whatever the busy
    timeout. IMMEDIATE takes the write lock first, waiting up to the timeout, so concurrent writers queue.
    Nested inside another transaction it becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        db.rollback()  # a no-op when the error already ended the transaction
        raise


def private_dir(path: str | Path) -> None:
    """Create a folder only its owner can enter (or close an existing one): it holds secrets."""
    Path(path).mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _private_file(path: str) -> None:
    """The database holds password hashes: only its owner may read it. SQLite gives the -wal and -shm
    files it makes the database file's mode, so making this one private makes them private too."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name):
            os.chmod(name, 0o600)


def migrate(path: str) -> None:
    """Apply pending migrations. A file lock keeps several starting workers from racing each other."""
    folder = Path(path).parent
    if not folder.exists():
        private_dir(folder)
    _private_file(path)
    with open(os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT, 0o600), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        db = Database(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000))
        try:
            db.enable_wal()
            migrations.apply(db)
        finally:
            db.close()


@click.command("init-db")
def init_db_command():
    """Create or upgrade the database to the current schema."""
    migrate(current_app.config["DATABASE"])
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


def backup(path: str, target: str) -> None:
    """A consistent copy of the live database at `target`, through SQLite's online backup API.

    The copy is one read transaction's snapshot, taken while the server keeps running; it is written
    beside the target and moved into place whole, so a failed backup never leaves a half-written file.
    """
    destination = Path(target).resolve()
    if destination == Path(path).resolve():
        raise click.ClickException("The backup must go to another file than the database itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as source:
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise click.ClickException("The copy failed SQLite's integrity check; nothing was kept.")
        os.chmod(partial, 0o600)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_command(target):
    """Copy the database to TARGET while the server runs (see README, "Backup and restore")."""
    backup(current_app.config["DATABASE"], target)
    click.echo(f"Backup written: {target}")


def init_app(app) -> None:
    app.url_map.converters["id"] = RowIdConverter
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(backup_command)


@migrations(name="0001_create_users")
def create_users(db):
    db["users"].create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "session_version": int,
            "created_at": str,
        },
        pk="id",
        not_null={"role", "created_at"},
        defaults={"session_version": 0},
    )
    db["users"].create_index(["username"], unique=True)


@migrations(name="0002_create_login_failures")
def create_login_failures(db):
    db["login_failures"].create({"id": int, "key": str, "at": float}, pk="id", not_null={"key", "at"})
    db["login_failures"].create_index(["key", "at"])


@migrations(name="0003_create_labs")
def create_labs(db):
    db["labs"].create(
        {
            "id": int,
            "user_id": int,
            "scenario_id": str,
            "state": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"user_id", "scenario_id", "state", "created_at", "updated_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["labs"].create_index(["user_id", "scenario_id", "updated_at"])
    db["lab_commands"].create(
        {
            "id": int,
            "lab_id": int,
            "prompt": str,
            "line": str,
            "stdout": str,
            "stderr": str,
            "status": int,
            "at": str,
        },
        pk="id",
        not_null={"lab_id", "prompt", "line", "stdout", "stderr", "status", "at"},
        foreign_keys=[("lab_id", "labs", "id")],
    )
    db["lab_commands"].create_index(["lab_id", "id"])


@migrations(name="0004_create_quiz_tables")
def create_quiz_tables(db):
    db["users"].add_column("exam_date", str)
    db["attempts"].create(
        {
            "id": int,
            "user_id": int,
            "kind": str,
            "title": str,
            "question_ids": str,
            "started_at": str,
            "deadline": str,
            "submitted_at": str,
            "result": str,
        },
        pk="id",
        not_null={"user_id", "kind", "title", "question_ids", "started_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["attempts"].create_index(["user_id", "started_at"])
    db["answers"].create(
        {
            "attempt_id": int,
            "question_id": str,
            "response": str,
            "correct": int,
            "flagged": int,
            "answered_at": str,
        },
        pk=("attempt_id", "question_id"),
        not_null={"attempt_id", "question_id"},
        defaults={"flagged": 0},
        foreign_keys=[("attempt_id", "attempts", "id")],
    )
    db["cards"].create(
        {"user_id": int, "question_id": str, "card": str, "updated_at": str},
        pk=("user_id", "question_id"),
        not_null={"user_id", "question_id", "card"},
        foreign_keys=[("user_id", "users", "id")],
    )


@migrations(name="0005_create_bank_questions")
def create_bank_questions(db):
    db["bank_questions"].create(
        {"id": int, "owner_id": int, "question_id": str, "area": str, "data": str, "created_at": str},
        pk="id",
        not_null={"owner_id", "question_id", "area", "data", "created_at"},
        foreign_keys=[("owner_id", "users", "id")],
    )
    db["bank_questions"].create_index(["owner_id", "question_id"], unique=True)


@migrations(name="0006_add_attempts_position")
def add_attempts_position(db):
    db["attempts"].add_column("position", int, not_null_default=1)


@migrations(name="0007_create_sessions")
def create_sessions(db):
    db["sessions"].create(
        {"id": str, "user_id": int, "created_at": str},
        pk="id",
        not_null={"user_id", "created_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db["sessions"].create_index(["user_id"])
    db["labs"].add_column("revision", int, not_null_default=0)


@migrations(name="0008_rename_login_failures_to_throttle_events")
def rename_login_failures(db):
    db.rename_table("login_failures", "throttle_events")


@migrations(name="0009_drop_users_session_version")
def drop_users_session_version(db):
    """Server-side sessions (0007) replaced the per-user session counter."""
    db["users"].transform(drop={"session_version"})


@migrations(name="0010_one_lab_per_scenario")
def one_lab_per_scenario(db):
    """A learner has one lab per scenario; parallel starts once made several. The newest of each is kept."""
    stale = """SELECT id FROM labs l WHERE EXISTS (
                   SELECT 1 FROM labs newer WHERE newer.user_id = l.user_id
                   AND newer.scenario_id = l.scenario_id
                   AND (newer.updated_at > l.updated_at
                        OR (newer.updated_at = l.updated_at AND newer.id > l.id)))"""
    db.execute(f"DELETE FROM lab_commands WHERE lab_id IN ({stale})")
    db.execute(f"DELETE FROM labs WHERE id IN ({stale})")
    db["labs"].create_index(["user_id", "scenario_id"], unique=True, index_name="labs_one_per_scenario")


@migrations(name="0020_add_lab_commands_size")
def add_lab_commands_size(db):
    """Each logged command's size in bytes, in an index with its lab, so the log's limits are summed
    without reading the output itself."""
    db["lab_commands"].add_column("size", int, not_null_default=0)
    db.execute(
        """UPDATE lab_commands SET size = length(CAST(prompt AS BLOB)) + length(CAST(line AS BLOB))
                                         + length(CAST(stdout AS BLOB)) + length(CAST(stderr AS BLOB))"""
    )
    db["lab_commands"].create_index(["lab_id", "id", "size"])
    db.execute("DROP INDEX idx_lab_commands_lab_id_id")


@migrations(name="0030_create_throttle_buckets")
def create_throttle_buckets(db):
    db["throttle_buckets"].create({"key": str, "full_at": float}, pk="key", not_null={"full_at"})


@migrations(name="0031_add_users_browser_key")
def add_users_browser_key(db):
    """One guest per browser: the key its signed session carries from the first page view."""
    db["users"].add_column("browser_key", str)
    db["users"].create_index(["browser_key"], unique=True)


@migrations(name="0032_create_invites")
def create_invites(db):
    db["invites"].create(
        {
            "id": int,
            "code_hash": str,
            "created_by": int,
            "created_at": str,
            "expires_at": str,
            "used_by": int,
            "used_at": str,
        },
        pk="id",
        not_null={"code_hash", "created_at", "expires_at"},
        foreign_keys=[("created_by", "users", "id"), ("used_by", "users", "id")],
    )
    db["invites"].create_index(["code_hash"], unique=True)
    db["invites"].create_index(["created_by", "expires_at"])


@migrations(name="0040_add_lab_commands_output")
def add_lab_commands_output(db):
    """A command's output in the order written, when stdout and stderr alternate (JSON [[fd, text]])."""
    db["lab_commands"].add_column("output", str)


@migrations(name="0200_create_classes")
def create_classes(db):
    """A class, its join code, and its members: students and the instructors who run it."""
    db["classes"].create(
        {"id": int, "name": str, "code": str, "created_by": int, "created_at": str, "archived_at": str},
        pk="id",
        not_null={"name", "code", "created_by", "created_at"},
        foreign_keys=[("created_by", "users", "id")],
    )
    db["classes"].create_index(["code"], unique=True)
    db["class_members"].create(
        {"class_id": int, "user_id": int, "role": str, "joined_at": str},
        pk=("class_id", "user_id"),
        not_null={"class_id", "user_id", "role", "joined_at"},
        foreign_keys=[("class_id", "classes", "id"), ("user_id", "users", "id")],
    )
    db["class_members"].create_index(["user_id", "role"])


@migrations(name="0201_create_assignments")
def create_assignments(db):
    """Work set for a class (a lab, a practice set or an exam, its recipe as JSON), and extensions."""
    db["assignments"].create(
        {
            "id": int,
            "class_id": int,
            "kind": str,
            "title": str,
            "spec": str,
            "opens_at": str,
            "closes_at": str,
            "max_attempts": int,
            "created_by": int,
            "created_at": str,
        },
        pk="id",
        not_null={"class_id", "kind", "title", "spec", "opens_at", "closes_at", "created_by", "created_at"},
        defaults={"max_attempts": 0},
        foreign_keys=[("class_id", "classes", "id"), ("created_by", "users", "id")],
    )
    db["assignments"].create_index(["class_id", "closes_at"])
    db["assignment_extensions"].create(
        {"assignment_id": int, "user_id": int, "closes_at": str},
        pk=("assignment_id", "user_id"),
        not_null={"assignment_id", "user_id", "closes_at"},
        foreign_keys=[("assignment_id", "assignments", "id"), ("user_id", "users", "id")],
    )


@migrations(name="0202_link_work_to_assignments")
def link_work_to_assignments(db):
    """A lab or quiz attempt started from an assignment names it, so its results reach the class.
    A lab also keeps its recipe (planted faults, seed) so that a reset rebuilds the assigned machine."""
    db["attempts"].add_column("assignment_id", int)
    db["attempts"].create_index(["assignment_id", "user_id"])
    db["labs"].add_column("assignment_id", int)
    db["labs"].add_column("recipe", str)
    db["labs"].create_index(["assignment_id", "user_id"])


@migrations(name="0203_add_labs_attempt")
def add_labs_attempt(db):
    """Which attempt at its lab a learner is on: each reset starts the next; an assigned lab may cap them."""
    db["labs"].add_column("attempt", int, not_null_default=1)


@migrations(name="0400_create_lab_evidence")
def create_lab_evidence(db):
    """Each lab check a learner has passed, and when it last passed: evidence of mastery that a reset of
    the lab (a fresh machine to practise on again) leaves in place."""
    db["lab_evidence"].create(
        {"user_id": int, "scenario_id": str, "check_id": str, "passed_at": str},
        pk=("user_id", "scenario_id", "check_id"),
        not_null={"passed_at"},
        foreign_keys=[("user_id", "users", "id")],
    )


@migrations(name="0500_add_labs_log_totals")
def add_labs_log_totals(db):
    """The commands and bytes a lab's log holds, kept with each command logged or trimmed, so the log's
    limits are checked without summing or counting the logs (that and trimming took 0.2 ms of every
    command)."""
    db["labs"].add_column("log_bytes", int, not_null_default=0)
    db["labs"].add_column("log_commands", int, not_null_default=0)
    db.execute(
        """UPDATE labs SET (log_bytes, log_commands) =
               (SELECT COALESCE(SUM(size), 0), COUNT(*) FROM lab_commands WHERE lab_id = labs.id)"""
    )


@migrations(name="0610_add_assignments_late_counts")
def add_assignments_late_counts(db):
    """Whether work done after an assignment's close counts in its grade (the instructor's choice; by
    default it does not: the grade is what was done by the close, late work shown beside it)."""
    db["assignments"].add_column("late_counts", int, not_null_default=0)


@migrations(name="0611_add_labs_closed_grade")
def add_labs_closed_grade(db):
    """An assigned lab's grade as it stood at its assignment's close for its owner (JSON, with that close),
    kept by the first change after the close: the lab stays open, its grade at the close does not move."""
    db["labs"].add_column("closed_grade", str)


@migrations(name="0630_add_class_members_seen_at")
def add_class_members_seen_at(db):
    """When an instructor last looked at a class (its page or its live board): their home page counts the
    work students have finished since."""
    db["class_members"].add_column("seen_at", str)
