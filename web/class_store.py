"""Classes, their members and their assignments in SQLite.

Every read of a class or an assignment names the user it is read for, and the query itself checks that
user's place in the class: the views never fetch an object first and judge access afterwards.
"""

import datetime
import json
import secrets

from sqlite_utils import Database

from web.db import write_transaction
from web.quiz_store import UNANSWERED_IN_EXAMS
from web.times import iso, now_utc, parse_time  # noqa: F401 - parse_time and now_utc are also read from here

# Join codes: 8 characters without look-alikes (0/O, 1/I/L), about 10^11 codes: too many to guess at the
# rate joins are allowed, short enough to read aloud or copy from a projector.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_NAME = 100


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str) -> str:
    """A code as typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:32]


def create_class(db: Database, owner_id: int, name: str) -> int:
    with write_transaction(db):
        class_id = (
            db["classes"]
            .insert({"name": name, "code": new_code(), "created_by": owner_id, "created_at": iso(now_utc())})
            .last_pk
        )
        _add_member(db, class_id, owner_id, "instructor")
    return class_id


def _add_member(db: Database, class_id: int, user_id: int, role: str) -> bool:
    return (
        db.execute(
            """INSERT INTO class_members (class_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (class_id, user_id) DO NOTHING""",
            [class_id, user_id, role, iso(now_utc())],
        ).rowcount
        == 1
    )


MEMBER_CLASS = """SELECT c.* FROM classes c JOIN class_members m ON m.class_id = c.id
                  WHERE c.id = ? AND m.user_id = ? AND m.role = ?"""


def class_for(db: Database, class_id: int, user_id: int, role: str) -> dict | None:
    """The class, if `user_id` is one of its members in `role` ("instructor" or "student")."""
    return next(iter(db.query(MEMBER_CLASS, [class_id, user_id, role])), None)


def classes_of(db: Database, user_id: int, role: str) -> list[dict]:
    return list(
        db.query(
            """SELECT c.*, (SELECT count(*) FROM class_members s WHERE s.class_id = c.id
                            AND s.role = 'student') AS students
               FROM classes c JOIN class_members m ON m.class_id = c.id
               WHERE m.user_id = ? AND m.role = ? ORDER BY c.archived_at IS NOT NULL, c.name, c.id""",
            [user_id, role],
        )
    )


def class_by_code(db: Database, code: str) -> dict | None:
    """The open (not archived) class with this join code."""
    rows = db.query("SELECT * FROM classes WHERE code = ? AND archived_at IS NULL", [normal_code(code)])
    return next(iter(rows), None)


def join(db: Database, class_id: int, user_id: int) -> bool:
    """Add a student; False when they are a member already (as a student or as one of its instructors)."""
    return _add_member(db, class_id, user_id, "student")


def rotate_code(db: Database, class_id: int) -> str:
    """A new join code; the old one stops working at once (those who joined stay)."""
    code = new_code()
    db.execute("UPDATE classes SET code = ? WHERE id = ?", [code, class_id])
    return code


def set_archived(db: Database, class_id: int, archived: bool) -> None:
    """An archived class takes no new members and gives no new work; its records stay."""
    db.execute(
        "UPDATE classes SET archived_at = ? WHERE id = ?", [iso(now_utc()) if archived else None, class_id]
    )


def members(db: Database, class_id: int, role: str) -> list[dict]:
    return list(
        db.query(
            """SELECT u.id, u.username, u.role AS account, m.joined_at FROM class_members m
               JOIN users u ON u.id = m.user_id WHERE m.class_id = ? AND m.role = ?
               ORDER BY u.username IS NULL, u.username COLLATE NOCASE, u.id""",
            [class_id, role],
        )
    )


def display_name(member: dict) -> str:
    return member["username"] or f"Guest #{member['id']}"


def remove_student(db: Database, class_id: int, user_id: int) -> bool:
    """Take a student off the roster; their work stays theirs, and comes back if they join again."""
    return (
        db.execute(
            "DELETE FROM class_members WHERE class_id = ? AND user_id = ? AND role = 'student'",
            [class_id, user_id],
        ).rowcount
        == 1
    )


class NotAnInstructor(ValueError):
    pass


def add_instructor(db: Database, class_id: int, username: str) -> dict:
    """Make an instructor's account a co-instructor: they see and run the class as its creator does."""
    rows = list(
        db.query(
            "SELECT id, username, role FROM users WHERE username = ? COLLATE NOCASE",
            [(username or "").strip()],
        )
    )
    if not rows or rows[0]["role"] != "instructor":
        raise NotAnInstructor(f"No instructor account is called {username!r}.")
    with write_transaction(db):
        db.execute(
            """INSERT INTO class_members (class_id, user_id, role, joined_at) VALUES (?, ?, 'instructor', ?)
               ON CONFLICT (class_id, user_id) DO UPDATE SET role = 'instructor'""",
            [class_id, rows[0]["id"], iso(now_utc())],
        )
    return rows[0]


def create_assignment(
    db: Database,
    class_id: int,
    created_by: int,
    kind: str,
    title: str,
    spec: dict,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    max_attempts: int,
    late_counts: bool = False,
) -> int:
    return (
        db["assignments"]
        .insert(
            {
                "class_id": class_id,
                "kind": kind,
                "title": title,
                "spec": json.dumps(spec),
                "opens_at": iso(opens_at),
                "closes_at": iso(closes_at),
                "max_attempts": max_attempts,
                "late_counts": int(late_counts),
                "created_by": created_by,
                "created_at": iso(now_utc()),
            }
        )
        .last_pk
    )


def _assignment(row: dict) -> dict:
    row["spec"] = json.loads(row["spec"])
    return row


def assignments(db: Database, class_id: int) -> list[dict]:
    rows = db.query("SELECT * FROM assignments WHERE class_id = ? ORDER BY closes_at, id", [class_id])
    return [_assignment(row) for row in rows]


def assignment_in(db: Database, class_id: int, assignment_id: int) -> dict | None:
    """The assignment if it belongs to this class (whose access the caller checked in its own query)."""
    rows = db.query("SELECT * FROM assignments WHERE id = ? AND class_id = ?", [assignment_id, class_id])
    row = next(iter(rows), None)
    return _assignment(row) if row else None


def set_late_counts(db: Database, assignment_id: int, counts: bool) -> None:
    """Whether work done after the close counts in the assignment's grade (it is shown beside it anyway)."""
    db.execute("UPDATE assignments SET late_counts = ? WHERE id = ?", [int(counts), assignment_id])


def set_extension(db: Database, assignment_id: int, user_id: int, closes_at: datetime.datetime) -> None:
    db["assignment_extensions"].upsert(
        {"assignment_id": assignment_id, "user_id": user_id, "closes_at": iso(closes_at)},
        pk=("assignment_id", "user_id"),
    )


def extensions(db: Database, assignment_id: int) -> dict[int, str]:
    rows = db.query(
        "SELECT user_id, closes_at FROM assignment_extensions WHERE assignment_id = ?", [assignment_id]
    )
    return {row["user_id"]: row["closes_at"] for row in rows}


def closes_for(db: Database, assignment: dict, user_id: int) -> datetime.datetime:
    """When the assignment closes for this student: their extension, if later than the class's date."""
    row = db.execute(
        "SELECT closes_at FROM assignment_extensions WHERE assignment_id = ? AND user_id = ?",
        [assignment["id"], user_id],
    ).fetchone()
    closes = parse_time(assignment["closes_at"])
    return max(closes, parse_time(row[0])) if row else closes


def attempts_for(db: Database, assignment_id: int, user_id: int) -> list[dict]:
    rows = db.query(
        "SELECT * FROM attempts WHERE assignment_id = ? AND user_id = ? ORDER BY id", [assignment_id, user_id]
    )
    return [_attempt(row) for row in rows]


def _attempt(row: dict) -> dict:
    return {
        **row,
        "question_ids": json.loads(row["question_ids"]),
        "result": json.loads(row["result"]) if row["result"] else None,
    }


def lab_for(db: Database, assignment_id: int, user_id: int) -> dict | None:
    rows = db.query("SELECT * FROM labs WHERE assignment_id = ? AND user_id = ?", [assignment_id, user_id])
    return next(iter(rows), None)


def class_work(db: Database, class_id: int) -> tuple[list[dict], list[dict]]:
    """Every lab and quiz attempt made for the class's assignments by its current students."""
    students = "SELECT user_id FROM class_members WHERE class_id = :c AND role = 'student'"
    mine = "SELECT id FROM assignments WHERE class_id = :c"
    labs = list(
        db.query(
            f"SELECT * FROM labs WHERE assignment_id IN ({mine}) AND user_id IN ({students})", {"c": class_id}
        )
    )
    attempts = [
        _attempt(row)
        for row in db.query(
            f"""SELECT * FROM attempts WHERE assignment_id IN ({mine}) AND user_id IN ({students})
                ORDER BY id""",
            {"c": class_id},
        )
    ]
    return labs, attempts


def class_answers(db: Database, class_id: int) -> list[dict]:
    """The graded answers given in the class's assignments by its current students."""
    return [
        {**row, "response": json.loads(row["response"]) if row["response"] is not None else None}
        for row in db.query(
            """SELECT a.*, t.user_id, t.assignment_id FROM answers a JOIN attempts t ON t.id = a.attempt_id
               JOIN assignments s ON s.id = t.assignment_id
               JOIN class_members m ON m.class_id = s.class_id AND m.user_id = t.user_id
                    AND m.role = 'student'
               WHERE s.class_id = ? AND a.correct IS NOT NULL""",
            [class_id],
        )
    ]


def class_unanswered(db: Database, class_id: int) -> list[dict]:
    """The questions of exams submitted in the class's assignments by its current students that were left
    without an answer: the exam counts them wrong, and so does mastery."""
    return list(
        db.query(
            f"""SELECT u.* FROM ({UNANSWERED_IN_EXAMS}) u JOIN assignments s ON s.id = u.assignment_id
                JOIN class_members m ON m.class_id = s.class_id AND m.user_id = u.user_id
                     AND m.role = 'student'
                WHERE s.class_id = ?""",
            [class_id],
        )
    )


def mark_seen(db: Database, class_id: int, user_id: int) -> None:
    """The instructor has looked at the class now: work before this is no longer new to them."""
    db.execute(
        "UPDATE class_members SET seen_at = ? WHERE class_id = ? AND user_id = ? AND role = 'instructor'",
        [iso(now_utc()), class_id, user_id],
    )


def teaching_overview(db: Database, user_id: int) -> list[dict]:
    """The classes this instructor teaches, open ones first, each with its students and what they have
    finished since the instructor last looked at it (or joined it): quiz and exam attempts submitted, labs
    worked on."""
    since = "COALESCE(m.seen_at, m.joined_at)"
    work_of_students = """JOIN assignments x ON x.id = w.assignment_id AND x.class_id = c.id
                          JOIN class_members s ON s.class_id = c.id AND s.user_id = w.user_id
                               AND s.role = 'student'"""
    return list(
        db.query(
            f"""SELECT c.id, c.name, c.archived_at,
                       (SELECT count(*) FROM class_members s WHERE s.class_id = c.id
                        AND s.role = 'student') AS students,
                       (SELECT count(*) FROM attempts w {work_of_students}
                        WHERE w.submitted_at > {since}) AS submitted,
                       (SELECT count(*) FROM labs w {work_of_students}
                        WHERE w.updated_at > {since}) AS labs_worked
                FROM classes c JOIN class_members m ON m.class_id = c.id
                WHERE m.user_id = ? AND m.role = 'instructor'
                ORDER BY c.archived_at IS NOT NULL, c.name, c.id""",
            [user_id],
        )
    )


def student_assignments(db: Database, user_id: int) -> list[dict]:
    """The assignments of the open classes this user is a student of, soonest to close first."""
    rows = db.query(
        """SELECT s.*, c.name AS class_name, e.closes_at AS extended_to FROM assignments s
           JOIN classes c ON c.id = s.class_id AND c.archived_at IS NULL
           JOIN class_members m ON m.class_id = c.id AND m.user_id = :u AND m.role = 'student'
           LEFT JOIN assignment_extensions e ON e.assignment_id = s.id AND e.user_id = :u
           ORDER BY s.closes_at, s.id""",
        {"u": user_id},
    )
    return [_assignment(row) for row in rows]


def lab_commands(db: Database, lab_id: int, limit: int = 300) -> list[dict]:
    """The lab's latest logged commands, oldest first."""
    return list(
        db.query(
            """SELECT prompt, line, stdout, stderr, status, at FROM lab_commands WHERE lab_id = ?
               ORDER BY id DESC LIMIT ?""",
            [lab_id, limit],
        )
    )[::-1]
