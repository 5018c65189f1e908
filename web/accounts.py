"""Users: guests who have not signed up yet, learners and instructors. Passwords are hashed with argon2id."""

import datetime
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database
from zxcvbn import zxcvbn

from web import invite_store
from web.db import write_transaction

ROLES = ("guest", "learner", "instructor")
USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,32}")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# zxcvbn's "safely unguessable" score: about 10^8 guesses or more.
MIN_STRENGTH = 3
# zxcvbn refuses longer input; a password whose first 72 characters are strong is strong.
STRENGTH_CHECKED = 72

_hasher = PasswordHasher()
# Verifying against this keeps a log-in for an unknown name as slow as one for a known name.
_DUMMY_HASH = _hasher.hash("guestlab-timing-equaliser")


@dataclass(frozen=True)
class User:
    id: int
    username: str | None
    role: str

    @property
    def is_guest(self) -> bool:
        return self.role == "guest"

    @property
    def is_instructor(self) -> bool:
        return self.role == "instructor"


class AccountError(ValueError):
    """A sign-up or password change that cannot be accepted, with a message per form field."""

    def __init__(self, message: str, field: str = "", errors: dict[str, str] | None = None):
        self.errors = errors or {field: message}
        super().__init__(" ".join(self.errors.values()))


class WrongPassword(AccountError):
    """The current password given to change it is not right; the caller throttles these."""


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _user(row) -> User:
    return User(row["id"], row["username"], row["role"])


def get_user(db: Database, user_id: int) -> User | None:
    rows = list(db.query("SELECT id, username, role FROM users WHERE id = ?", [user_id]))
    return _user(rows[0]) if rows else None


def guest_for_browser(db: Database, browser_key: str) -> User | None:
    row = db.execute(
        "SELECT id, username, role FROM users WHERE browser_key = ? AND role = 'guest'", [browser_key]
    ).fetchone()
    return User(*row) if row else None


def create_guest(db: Database, browser_key: str) -> User:
    """A visitor who starts a lab or a quiz gets a guest row, so their work has an owner from the start.

    One per browser: parallel first requests from one browser carry the same key, and whichever insert
    comes second does nothing, so they all find the same row.
    """
    db.execute(
        """INSERT INTO users (role, created_at, browser_key) VALUES ('guest', ?, ?)
           ON CONFLICT (browser_key) DO NOTHING""",
        [_now(), browser_key],
    )
    return guest_for_browser(db, browser_key)


def validate_credentials(username: str, password: str) -> None:
    """Every problem at once, so a person fixes them in one go."""
    errors = {}
    if not USERNAME_RE.fullmatch(username or ""):
        errors["username"] = "Choose a user name of 3 to 32 letters, digits, dots, dashes or underscores."
    try:
        validate_password(password, username)
    except AccountError as exc:
        errors.update(exc.errors)
    if errors:
        raise AccountError("", errors=errors)


def validate_password(password: str, username: str) -> None:
    """Long enough and hard to guess; no rules about kinds of characters (ASVS 6.2), so passphrases work."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.", "password")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Passwords can be at most {MAX_PASSWORD} characters long.", "password")
    if username and len(username) >= 3 and username.casefold() in password.casefold():
        raise AccountError("Choose a password that does not contain your user name.", "password")
    estimate = zxcvbn(password[:STRENGTH_CHECKED], user_inputs=[username or "", "guestlab", "lpic"])
    if estimate["score"] < MIN_STRENGTH:
        feedback = estimate["feedback"]
        reason = feedback["warning"] or "It would be easy to guess."
        hint = " ".join(feedback["suggestions"][:1]) or "A few uncommon words together make a good one."
        raise AccountError(f"That password is too easy to guess. {reason} {hint}", "password")


INVITE_REFUSED = (
    "That instructor invite code is not valid: it may be mistyped, used already or expired. "
    "Leave it empty to sign up as a learner."
)


def sign_up(
    db: Database,
    username: str,
    password: str,
    role: str = "learner",
    guest: User | None = None,
    invite: str | None = None,
) -> User:
    """Create an account; a guest's row is upgraded in place so everything they did stays theirs.

    An invite code makes the account an instructor and is used up in the same transaction, so of two
    sign-ups with one code exactly one succeeds, and a sign-up that fails does not spend the code.
    """
    validate_credentials(username, password)
    if role not in ("learner", "instructor"):
        raise AccountError("Unknown role.")
    if invite:
        role = "instructor"
    password_hash = _hasher.hash(password)
    with write_transaction(db):
        taken = db["users"].count_where("username = ? COLLATE NOCASE", [username])
        if taken:
            raise AccountError("That user name is taken; choose another.", "username")
        values = {"username": username, "password_hash": password_hash, "role": role, "browser_key": None}
        if guest is not None and guest.is_guest:
            db["users"].update(guest.id, values)
            user_id = guest.id
        else:
            user_id = db["users"].insert({**values, "created_at": _now()}).last_pk
        if invite and not invite_store.redeem(db, invite, user_id):
            raise AccountError(INVITE_REFUSED, "invite")
    return get_user(db, user_id)


def authenticate(db: Database, username: str, password: str) -> User | None:
    rows = list(db["users"].rows_where("username = ? COLLATE NOCASE", [username or ""]))
    stored = rows[0]["password_hash"] if rows else _DUMMY_HASH
    try:
        _hasher.verify(stored, (password or "")[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if not rows:
        return None
    if _hasher.check_needs_rehash(stored):
        db["users"].update(rows[0]["id"], {"password_hash": _hasher.hash(password)})
    return _user(rows[0])


def change_password(db: Database, user: User, current: str, new: str) -> User:
    """Check the current password and store the new one (the caller ends the account's other sessions)."""
    if authenticate(db, user.username or "", current) is None:
        raise WrongPassword("Your current password is not right.")
    validate_password(new, user.username or "")
    db["users"].update(user.id, {"password_hash": _hasher.hash(new)})
    return get_user(db, user.id)


# Tables whose rows belong to a user; a guest's rows move to the account they log in to.
OWNED_TABLES = ["labs", "attempts", "cards", "lab_evidence"]


def adopt_guest_work(db: Database, guest: User, user: User) -> None:
    """Logging in to an existing account after working as a guest moves the guest's work to the account."""
    if guest.id == user.id or not guest.is_guest:
        return
    with write_transaction(db):
        _drop_older_of_twin_labs(db, guest.id, user.id)
        for table in OWNED_TABLES:
            if db[table].exists():
                # OR REPLACE: where both have a row for the same key (a card), the guest's newer one wins.
                db.execute(
                    f"UPDATE OR REPLACE [{table}] SET user_id = ? WHERE user_id = ?", [user.id, guest.id]
                )
        _move_class_places(db, guest.id, user.id)
        db.execute("DELETE FROM sessions WHERE user_id = ?", [guest.id])
        db["users"].delete(guest.id)


# A guest's places in classes: where the account has one already (maybe as the class's instructor), it stays.
CLASS_TABLES = ["class_members", "assignment_extensions"]


def _move_class_places(db: Database, guest_id: int, user_id: int) -> None:
    for table in CLASS_TABLES:
        db.execute(f"UPDATE OR IGNORE [{table}] SET user_id = ? WHERE user_id = ?", [user_id, guest_id])
        db.execute(f"DELETE FROM [{table}] WHERE user_id = ?", [guest_id])


def _drop_older_of_twin_labs(db: Database, first: int, second: int) -> None:
    """Where both users have a lab of the same scenario, the one worked on last is kept (one lab per
    scenario and user); the other goes with its command log."""
    older = """SELECT l.id FROM labs l JOIN labs twin ON twin.scenario_id = l.scenario_id
               WHERE l.user_id IN (:first, :second) AND twin.user_id IN (:first, :second)
               AND twin.user_id != l.user_id
               AND (twin.updated_at > l.updated_at OR (twin.updated_at = l.updated_at AND twin.id > l.id))"""
    ids = {"first": first, "second": second}
    db.execute(f"DELETE FROM lab_commands WHERE lab_id IN ({older})", ids)
    db.execute(f"DELETE FROM labs WHERE id IN ({older})", ids)


def purge_guests(db: Database, idle_days: int) -> int:
    """Delete guests (never signed up) idle for `idle_days`, with everything they did; returns how many."""
    cutoff = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=idle_days)).isoformat()
    idle = [
        row["id"]
        for row in db.query(
            """SELECT u.id FROM users u WHERE u.role = 'guest' AND u.created_at < :cutoff
               AND NOT EXISTS (SELECT 1 FROM labs WHERE user_id = u.id AND updated_at >= :cutoff)
               AND NOT EXISTS (SELECT 1 FROM attempts WHERE user_id = u.id AND started_at >= :cutoff)
               AND NOT EXISTS (SELECT 1 FROM sessions WHERE user_id = u.id AND created_at >= :cutoff)""",
            {"cutoff": cutoff},
        )
    ]
    with write_transaction(db):
        for user_id in idle:
            db.execute(
                "DELETE FROM lab_commands WHERE lab_id IN (SELECT id FROM labs WHERE user_id = ?)", [user_id]
            )
            db.execute(
                "DELETE FROM answers WHERE attempt_id IN (SELECT id FROM attempts WHERE user_id = ?)",
                [user_id],
            )
            for table in ("labs", "attempts", "cards", "lab_evidence", "sessions", *CLASS_TABLES):
                db.execute(f"DELETE FROM [{table}] WHERE user_id = ?", [user_id])
            db.execute("DELETE FROM users WHERE id = ?", [user_id])
    return len(idle)


def set_role(db: Database, username: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.")
    rows = list(db["users"].rows_where("username = ?", [username]))
    if not rows:
        raise AccountError(f"No user named {username!r}.")
    db["users"].update(rows[0]["id"], {"role": role})
    return get_user(db, rows[0]["id"])
