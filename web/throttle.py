"""Throttling kept in SQLite, so every worker process and a restart see the same counts.

A rule counts events under a key within a window; once the limit is reached, the caller waits.
"""

import time
from dataclasses import dataclass

from sqlite_utils import Database

from web.db import write_transaction


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int
    window: int = 15 * 60


def login_rules(username: str, address: str) -> list[Rule]:
    """Failed log-ins. The tight limit is per name *and* address, so nobody can lock an owner out from
    elsewhere; looser ones per name and per address still stop a spread-out or a one-place attack."""
    name = (username or "").casefold()
    return [
        Rule(f"login:{name}|{address}", 5),
        Rule(f"login-name:{name}", 50),
        Rule(f"login-addr:{address}", 50),
    ]


def invite_rules(address: str) -> list[Rule]:
    """Wrong instructor invite codes, so a code cannot be guessed by trying many."""
    return [Rule(f"invite:{address}", 10, 60 * 60)]


def guest_rules(address: str) -> list[Rule]:
    """New guest records, so one address cannot fill the database with them."""
    return [Rule(f"guest:{address}", 60, 60 * 60)]


def retry_after(db: Database, rules: list[Rule], now: float | None = None) -> int:
    """Seconds until another event is allowed under every rule, or 0 when one is allowed now."""
    now = time.time() if now is None else now
    wait = 0
    for rule in rules:
        times = [
            row["at"]
            for row in db.query(
                "SELECT at FROM throttle_events WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                [rule.key, now - rule.window, rule.limit],
            )
        ]
        if len(times) >= rule.limit:
            wait = max(wait, int(times[-1] + rule.window - now) + 1)
    return wait


def record(db: Database, rules: list[Rule], now: float | None = None) -> None:
    now = time.time() if now is None else now
    longest = max(rule.window for rule in rules)
    with write_transaction(db):
        for rule in rules:
            db.execute("INSERT INTO throttle_events (key, at) VALUES (?, ?)", [rule.key, now])
        db.execute("DELETE FROM throttle_events WHERE at < ?", [now - longest])


def clear(db: Database, rules: list[Rule]) -> None:
    for rule in rules:
        db.execute("DELETE FROM throttle_events WHERE key = ?", [rule.key])
