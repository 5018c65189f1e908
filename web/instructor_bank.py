"""An instructor's own bank: questions imported from Moodle GIFT, with a report of what was left out."""

import datetime
import json

from sqlite_utils import Database

from quiz.gift import Rejected, import_gift
from quiz.model import Question, question_from_dict, question_to_dict
from web.db import write_transaction

MAX_IMPORT_BYTES = 200_000
MAX_IMPORT_QUESTIONS = 500


def import_questions(
    db: Database, owner_id: int, text, area: str, author: str, taken_ids: set[str]
) -> tuple[list[Question], list[Rejected]]:
    """Store what GIFT import accepts; an id already used (shipped banks or earlier imports) is refused."""
    questions, rejected = import_gift(
        text, area, MAX_IMPORT_BYTES, MAX_IMPORT_QUESTIONS, author=author, licence="as imported"
    )
    mine = {row["question_id"] for row in db["bank_questions"].rows_where("owner_id = ?", [owner_id])}
    accepted = []
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with write_transaction(db):
        for question in questions:
            if question.id in taken_ids or question.id in mine:
                rejected.append(
                    Rejected(0, question.id, f"a question with the id {question.id!r} exists already")
                )
                continue
            db["bank_questions"].insert(
                {
                    "owner_id": owner_id,
                    "question_id": question.id,
                    "area": question.area,
                    "data": json.dumps(question_to_dict(question)),
                    "created_at": now,
                }
            )
            mine.add(question.id)
            accepted.append(question)
    return accepted, rejected


def own_questions(db: Database, owner_id: int) -> list[dict]:
    return [
        {
            "id": row["id"],
            "question": question_from_dict(json.loads(row["data"])),
            "created_at": row["created_at"],
        }
        for row in db["bank_questions"].rows_where("owner_id = ?", [owner_id], order_by="id")
    ]


def delete_question(db: Database, owner_id: int, row_id: int) -> bool:
    """Deletes only the owner's own question; someone else's id deletes nothing."""
    cursor = db.execute("DELETE FROM bank_questions WHERE id = ? AND owner_id = ?", [row_id, owner_id])
    return cursor.rowcount == 1
