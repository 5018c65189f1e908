"""Throttling kept in SQLite, so every worker process and a restart see the same counts.

Three shapes. A Rule refuses once `limit` events happened under its key within a sliding window. A Backoff
slows down, exponentially, the addresses taking part in an attack on one name without refusing anyone else.
A Bucket allows a burst and then a steady rate, for limits a whole class arriving at once must not hit.
"""

import math
import time
from dataclasses import dataclass

from sqlite_utils import Database

from web.db import write_transaction

# Longer than any window below: older events can no longer change an answer.
KEEP_EVENTS = 24 * 60 * 60


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int
    window: int = 15 * 60

    def wait(self, db: Database, now: float) -> int:
        times = [
            row[0]
            for row in db.execute(
                "SELECT at FROM throttle_events WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                [self.key, now - self.window, self.limit],
            )
        ]
        if len(times) < self.limit:
            return 0
        return math.ceil(times[-1] + self.window - now)


@dataclass(frozen=True)
class Backoff:
    """Once `free` events happened under `key` within the window, an address that has events of its own
    under `own_key` waits 2, 4, 8... seconds after its last one, up to `cap`. An address with none passes."""

    key: str
    own_key: str
    free: int
    window: int = 60 * 60
    cap: int = 15 * 60

    def wait(self, db: Database, now: float) -> int:
        (own_last,) = db.execute(
            "SELECT max(at) FROM throttle_events WHERE key = ? AND at > ?", [self.own_key, now - self.window]
        ).fetchone()
        if own_last is None:
            return 0
        (count,) = db.execute(
            "SELECT count(*) FROM throttle_events WHERE key = ? AND at > ?", [self.key, now - self.window]
        ).fetchone()
        if count < self.free:
            return 0
        delay = min(2 ** (count - self.free + 1), self.cap)
        return max(0, math.ceil(own_last + delay - now))


@dataclass(frozen=True)
class Bucket:
    """A burst of `burst` events at once, then one more every `interval` seconds (GCRA: one time per key)."""

    key: str
    burst: int
    interval: float


def login_rules(username: str, address: str) -> list[Rule | Backoff]:
    """Failed log-ins. Locking a name out for everyone would let anyone lock its owner out, so (as OWASP
    advises) the name gets a backoff instead: addresses that keep failing on it are slowed down more and
    more, while its owner, logging in from an address with no recent failures on it, passes at once. The
    price: each new address an attacker brings gets a guess, and then waits like the others."""
    name = (username or "").casefold()
    pair = f"login:{name}|{address}"
    return [
        Rule(pair, 5),
        Backoff(f"login-name:{name}", own_key=pair, free=5),
        Rule(f"login-addr:{address}", 50),
    ]


def password_rules(user_id: int) -> list[Rule]:
    """Wrong current passwords on the change-password form: a stolen session must not guess its way in."""
    return [Rule(f"password:{user_id}", 5)]


def invite_rules(address: str) -> list[Rule]:
    """Wrong instructor invite codes: they cannot be guessed, but trying many is a sign of trouble."""
    return [Rule(f"invite:{address}", 10, 60 * 60)]


def join_rules(user_id: int | None, address: str) -> list[Rule]:
    """Wrong class join codes: per account, and per address for visitors without one yet (a join code
    is short, so guessing must be slow; a whole class mistyping now and then stays well under)."""
    if user_id is not None:
        return [Rule(f"join:{user_id}", 10)]
    return [Rule(f"join-addr:{address}", 50)]


def guest_bucket(address: str) -> Bucket:
    """New guest records from one address. A school's classes share one address, so the burst is large."""
    return Bucket(f"guest:{address}", burst=200, interval=30)


def signup_bucket(address: str) -> Bucket:
    """Sign-ups from one address: each costs a password hash; a class signing up together must fit."""
    return Bucket(f"signup:{address}", burst=60, interval=60)


def retry_after(db: Database, rules: list[Rule | Backoff], now: float | None = None) -> int:
    """Seconds until another event is allowed under every rule, or 0 when one is allowed now."""
    now = time.time() if now is None else now
    return max((rule.wait(db, now) for rule in rules), default=0)


def record(db: Database, rules: list[Rule | Backoff], now: float | None = None) -> None:
    now = time.time() if now is None else now
    with write_transaction(db):
        for rule in rules:
            db.execute("INSERT INTO throttle_events (key, at) VALUES (?, ?)", [rule.key, now])
        db.execute("DELETE FROM throttle_events WHERE at < ?", [now - KEEP_EVENTS])


def clear(db: Database, rules: list[Rule | Backoff]) -> None:
    for rule in rules:
        db.execute("DELETE FROM throttle_events WHERE key = ?", [rule.key])


def take(db: Database, bucket: Bucket, now: float | None = None) -> int:
    """Spend one event from the bucket: 0 when it is allowed (and counted), else seconds until one is.

    The bucket keeps the time at which it will be full again; each event pushes that time one interval on,
    and an event that would push it more than a whole burst ahead of now is refused. One statement, so two
    workers cannot both spend the last event.
    """
    now = time.time() if now is None else now
    span = bucket.burst * bucket.interval
    db.execute("DELETE FROM throttle_buckets WHERE full_at < ?", [now])
    spent = db.execute(
        """INSERT INTO throttle_buckets (key, full_at) VALUES (:key, :now + :interval)
           ON CONFLICT (key) DO UPDATE SET full_at = max(full_at, :now) + :interval
           WHERE max(full_at, :now) + :interval - :now <= :span""",
        {"key": bucket.key, "now": now, "interval": bucket.interval, "span": span},
    ).rowcount
    if spent:
        return 0
    (full_at,) = db.execute("SELECT full_at FROM throttle_buckets WHERE key = ?", [bucket.key]).fetchone()
    return max(1, math.ceil(full_at + bucket.interval - span - now))
