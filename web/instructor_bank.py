"""An instructor's own bank: questions imported from Moodle (GIFT, Moodle XML) or written in the browser.

Every query names the owner, so an instructor reaches only their own rows. A row's id never changes,
edits included: assignments refer to questions by it (see questions_of).
"""

import dataclasses
import datetime
import json

from sqlite_utils import Database

from quiz.gift import import_gift
from quiz.model import Question, question_from_dict, question_to_dict
from quiz.moodle_import import ImportResult
from quiz.moodle_xml import import_moodle_xml
from web.db import write_transaction

MAX_IMPORT_BYTES = 200_000
MAX_IMPORT_QUESTIONS = 500
IMPORTERS = {"gift": import_gift, "xml": import_moodle_xml}
OWN_ID_PREFIX = "own:"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _slugs(db: Database, owner_id: int) -> set[str]:
    return {row["question_id"] for row in db["bank_questions"].rows_where("owner_id = ?", [owner_id])}


def import_questions(
    db: Database, owner_id: int, text, area: str, author: str, shipped_ids: set[str], fmt: str = "gift"
) -> ImportResult:
    """Store all that the import accepts, in one transaction (all or nothing); ids are made unique
    against the shipped banks and the owner's bank, as Moodle allows duplicate names."""
    with write_transaction(db):
        result = IMPORTERS[fmt](
            text,
            area,
            MAX_IMPORT_BYTES,
            MAX_IMPORT_QUESTIONS,
            author=author,
            licence="as imported",
            taken=shipped_ids | _slugs(db, owner_id),
        )
        now = _now()
        db["bank_questions"].insert_all(
            {
                "owner_id": owner_id,
                "question_id": question.id,
                "area": question.area,
                "data": json.dumps(question_to_dict(question)),
                "created_at": now,
            }
            for question in result.questions
        )
    return result


def _row(row: dict) -> dict:
    return {
        "id": row["id"],
        "question": question_from_dict(json.loads(row["data"])),
        "created_at": row["created_at"],
    }


def own_questions(db: Database, owner_id: int, area: str = "", kind: str = "") -> list[dict]:
    """The owner's rows ({id, question, created_at}), oldest first, optionally of one area and type."""
    rows = [_row(row) for row in db["bank_questions"].rows_where("owner_id = ?", [owner_id], order_by="id")]
    return [
        r
        for r in rows
        if (not area or r["question"].area == area) and (not kind or r["question"].type == kind)
    ]


def own_question(db: Database, owner_id: int, row_id: int) -> dict | None:
    """One of the owner's rows, or None (also when it is someone else's)."""
    rows = list(db["bank_questions"].rows_where("id = ? AND owner_id = ?", [row_id, owner_id]))
    return _row(rows[0]) if rows else None


def id_taken(db: Database, owner_id: int, question_id: str, except_row: int | None = None) -> bool:
    found = db.execute(
        "SELECT 1 FROM bank_questions WHERE owner_id = ? AND question_id = ? AND id IS NOT ?",
        [owner_id, question_id, except_row],
    ).fetchone()
    return found is not None


def save_question(db: Database, owner_id: int, question: Question, row_id: int | None = None) -> int | None:
    """Create (row_id None) or replace one of the owner's questions; the row id, or None when row_id is
    not the owner's. The caller checks the id is free (id_taken); the unique index guards it anyway."""
    data = {"question_id": question.id, "area": question.area, "data": json.dumps(question_to_dict(question))}
    with write_transaction(db):
        if row_id is None:
            return db["bank_questions"].insert({"owner_id": owner_id, "created_at": _now(), **data}).last_pk
        cursor = db.execute(
            "UPDATE bank_questions SET question_id = ?, area = ?, data = ? WHERE id = ? AND owner_id = ?",
            [data["question_id"], data["area"], data["data"], row_id, owner_id],
        )
    return row_id if cursor.rowcount == 1 else None


def delete_question(db: Database, owner_id: int, row_id: int) -> bool:
    """Deletes only the owner's own question; someone else's id deletes nothing."""
    with write_transaction(db):
        cursor = db.execute("DELETE FROM bank_questions WHERE id = ? AND owner_id = ?", [row_id, owner_id])
    return cursor.rowcount == 1


def questions_of(db: Database, instructor_id: int) -> list[Question]:
    """The instructor's questions for practice sets and exams, as the quiz engine's Questions.

    Their ids are `own:<row id>`: stable across edits, and never a shipped id (those are slugs, without
    a colon).
    """
    return [
        dataclasses.replace(row["question"], id=f"{OWN_ID_PREFIX}{row['id']}")
        for row in own_questions(db, instructor_id)
    ]
