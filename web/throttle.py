"""Log-in throttling kept in SQLite, so every worker process and a restart see the same count."""

import time

from sqlite_utils import Database

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"name:{(username or '').casefold()}", MAX_FAILURES_PER_NAME),
        (f"addr:{address}", MAX_FAILURES_PER_ADDRESS),
    ]


def retry_after(db: Database, username: str, address: str, now: float | None = None) -> int:
    """Seconds until another attempt is allowed, or 0 when one is allowed now."""
    now = time.time() if now is None else now
    wait = 0
    for key, limit in _keys(username, address):
        times = [
            row["at"]
            for row in db.query(
                "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                [key, now - WINDOW_SECONDS, limit],
            )
        ]
        if len(times) >= limit:
            wait = max(wait, int(times[-1] + WINDOW_SECONDS - now) + 1)
    return wait


def record_failure(db: Database, username: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with db.atomic():
        db["login_failures"].insert_all({"key": key, "at": now} for key, _ in _keys(username, address))
        db.execute("DELETE FROM login_failures WHERE at < ?", [now - WINDOW_SECONDS])


def clear(db: Database, username: str) -> None:
    db.execute("DELETE FROM login_failures WHERE key = ?", [f"name:{(username or '').casefold()}"])
