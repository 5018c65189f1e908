"""Server-side sessions: the cookie holds a random token, the database its hash, so a session can be ended.

Logging out ends this session; changing the password ends all the others; a stolen copy of an ended
session's cookie is worth nothing.
"""

import datetime
import hashlib
import secrets

from sqlite_utils import Database

from web.accounts import User

LIFETIME = datetime.timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def start(db: Database, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    db.execute(
        "INSERT INTO sessions (id, user_id, created_at) VALUES (?, ?, ?)",
        [_digest(token), user_id, _now().isoformat(timespec="seconds")],
    )
    return token


def user_for(db: Database, token: str | None) -> User | None:
    """The user whose live session this is, or None for an unknown, ended or expired one."""
    if not token:
        return None
    oldest = (_now() - LIFETIME).isoformat(timespec="seconds")
    row = db.execute(
        """SELECT users.id, users.username, users.role FROM sessions JOIN users ON users.id = sessions.user_id
           WHERE sessions.id = ? AND sessions.created_at > ?""",
        [_digest(token), oldest],
    ).fetchone()
    return User(*row) if row else None


def end(db: Database, token: str | None) -> None:
    if token:
        db.execute("DELETE FROM sessions WHERE id = ?", [_digest(token)])


def end_others(db: Database, user_id: int, keep: str | None) -> None:
    db.execute("DELETE FROM sessions WHERE user_id = ? AND id != ?", [user_id, _digest(keep or "")])
