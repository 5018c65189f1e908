"""One sqlite-utils Database per request, and the schema as versioned migrations applied at start."""

import fcntl
import sqlite3
from pathlib import Path

import click
from flask import current_app, g
from sqlite_utils import Database, Migrations

migrations = Migrations("guestlab")

BUSY_TIMEOUT_MS = 5000


def connect(path: str) -> Database:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


def get_db() -> Database:
    """The request's connection, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


def migrate(path: str) -> None:
    """Apply pending migrations. A file lock keeps several starting workers from racing each other."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "w") as lock:
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


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)


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
