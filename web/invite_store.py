"""Instructor invites: random single-use codes that expire, of which only a hash is stored.

A code carries 128 random bits, so a fast hash is enough: nobody can guess one to test against it.
"""

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

DEFAULT_DAYS = 7
MAX_DAYS = 90


@dataclass(frozen=True)
class Invite:
    id: int
    created_at: str
    expires_at: str


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _normalise(code: str) -> str:
    """Case, spaces and dashes do not matter, so a code read out or retyped still works."""
    return "".join(code.split()).replace("-", "").lower()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def create(db: Database, created_by: int | None, days: int = DEFAULT_DAYS) -> str:
    """A new invite valid for `days`; returns the code, which is shown once and never stored."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"An invite lasts 1 to {MAX_DAYS} days.")
    letters = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=").lower()
    code = "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))
    now = _now()
    db["invites"].insert(
        {
            "code_hash": _digest(code),
            "created_by": created_by,
            "created_at": now.isoformat(timespec="seconds"),
            "expires_at": (now + datetime.timedelta(days=days)).isoformat(timespec="seconds"),
        }
    )
    return code


def redeem(db: Database, code: str, user_id: int) -> bool:
    """Mark the invite used by `user_id` if it is open; one statement, so two sign-ups cannot both win."""
    cursor = db.execute(
        """UPDATE invites SET used_by = :user_id, used_at = :now
           WHERE code_hash = :hash AND used_at IS NULL AND expires_at > :now""",
        {"user_id": user_id, "now": _now().isoformat(timespec="seconds"), "hash": _digest(code)},
    )
    return cursor.rowcount == 1


def open_invites(db: Database, created_by: int) -> list[Invite]:
    """The instructor's invites that can still be used, soonest to expire first."""
    return [
        Invite(row["id"], row["created_at"], row["expires_at"])
        for row in db.query(
            """SELECT id, created_at, expires_at FROM invites WHERE created_by = ? AND used_at IS NULL
               AND expires_at > ? ORDER BY expires_at, id""",
            [created_by, _now().isoformat(timespec="seconds")],
        )
    ]


def revoke(db: Database, invite_id: int, created_by: int) -> bool:
    """Delete an unused invite of this instructor's; False when there is none (or it is someone else's)."""
    cursor = db.execute(
        "DELETE FROM invites WHERE id = ? AND created_by = ? AND used_at IS NULL", [invite_id, created_by]
    )
    return cursor.rowcount == 1
