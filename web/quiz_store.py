"""Quiz attempts, answers and review cards in SQLite. Every answer is saved the moment it is given."""

import datetime
import json

from sqlite_utils import Database

from quiz import exam as exams
from quiz import schedule
from quiz.model import Question
from web.db import write_transaction
from web.times import iso, now_utc, parse_time  # noqa: F401 - parse_time and now_utc are also read from here


def create_attempt(
    db: Database,
    user_id: int,
    kind: str,
    title: str,
    question_ids: list[str],
    deadline=None,
    assignment_id: int | None = None,
) -> int:
    return (
        db["attempts"]
        .insert(
            {
                "user_id": user_id,
                "kind": kind,
                "title": title,
                "question_ids": json.dumps(question_ids),
                "started_at": iso(now_utc()),
                "deadline": iso(deadline),
                "assignment_id": assignment_id,
            }
        )
        .last_pk
    )


def start_exam(
    db: Database,
    user_id: int,
    title: str,
    question_ids: list[str],
    deadline,
    assignment_id: int | None = None,
) -> int:
    """The learner's open exam, or a new one: checked and created under the write lock, so two clicks on
    "Start" (or two tabs) give one exam, never two running side by side."""
    with write_transaction(db):
        running = open_exam(db, user_id)
        if running is not None:
            return running["id"]
        return create_attempt(db, user_id, "exam", title, question_ids, deadline, assignment_id)


def _parsed(row: dict) -> dict:
    row["question_ids"] = json.loads(row["question_ids"])
    row["result"] = json.loads(row["result"]) if row["result"] else None
    return row


def get_attempt(db: Database, user_id: int, attempt_id: int) -> dict | None:
    """An attempt only ever comes back to its owner; anyone else gets nothing, as if it did not exist."""
    rows = list(db["attempts"].rows_where("id = ? AND user_id = ?", [attempt_id, user_id]))
    return _parsed(rows[0]) if rows else None


def list_attempts(db: Database, user_id: int) -> list[dict]:
    rows = list(
        db["attempts"].rows_where("user_id = ?", [user_id], order_by="started_at DESC, id DESC", limit=50)
    )
    for row in rows:
        row["result"] = json.loads(row["result"]) if row["result"] else None
    return rows


def open_exam(db: Database, user_id: int) -> dict | None:
    """The learner's exam not yet submitted (its time may have run out), parsed as get_attempt gives it."""
    rows = list(
        db["attempts"].rows_where(
            "user_id = ? AND kind = 'exam' AND submitted_at IS NULL", [user_id], order_by="id DESC", limit=1
        )
    )
    return _parsed(rows[0]) if rows else None


def set_position(db: Database, attempt_id: int, number: int) -> None:
    """Where the learner is in the attempt, so "resume" returns to that question."""
    db.execute("UPDATE attempts SET position = ? WHERE id = ?", [number, attempt_id])


def answers(db: Database, attempt_id: int) -> dict[str, dict]:
    found = {}
    for row in db["answers"].rows_where("attempt_id = ?", [attempt_id]):
        row["response"] = json.loads(row["response"]) if row["response"] is not None else None
        found[row["question_id"]] = row
    return found


# Answers and flags are written only while their attempt is open: checked in the writing statement itself,
# so a write racing the submit cannot land after it.
WHILE_OPEN = "WHERE EXISTS (SELECT 1 FROM attempts WHERE id = ? AND submitted_at IS NULL)"


def save_answer(db: Database, attempt_id: int, question_id: str, response, correct: bool | None) -> bool:
    """Store an answer while its attempt is open, in one statement (so it waits its turn for the write
    lock); False, with nothing stored, once the attempt has been submitted."""
    return (
        db.execute(
            f"""INSERT INTO answers (attempt_id, question_id, response, correct, answered_at)
               SELECT ?, ?, ?, ?, ? {WHILE_OPEN}
               ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response,
                   correct = excluded.correct, answered_at = excluded.answered_at""",
            [
                attempt_id,
                question_id,
                json.dumps(response),
                None if correct is None else int(correct),
                iso(now_utc()),
                attempt_id,
            ],
        ).rowcount
        == 1
    )


def set_flag(db: Database, attempt_id: int, question_id: str, flagged: bool) -> bool:
    """Flag a question for review while its attempt is open; False once the attempt has been submitted."""
    return (
        db.execute(
            f"""INSERT INTO answers (attempt_id, question_id, flagged)
               SELECT ?, ?, ? {WHILE_OPEN}
               ON CONFLICT (attempt_id, question_id) DO UPDATE SET flagged = excluded.flagged""",
            [attempt_id, question_id, int(flagged), attempt_id],
        ).rowcount
        == 1
    )


def is_submitted(db: Database, attempt_id: int) -> bool:
    row = db.execute("SELECT submitted_at FROM attempts WHERE id = ?", [attempt_id]).fetchone()
    return bool(row and row[0])


def finish(db: Database, attempt_id: int, result: dict) -> None:
    db.execute(
        "UPDATE attempts SET submitted_at = ?, result = ? WHERE id = ? AND submitted_at IS NULL",
        [iso(now_utc()), json.dumps(result), attempt_id],
    )


def save_practice_answer(db: Database, attempt: dict, question_id: str, response, correct: bool) -> bool:
    """A practice answer is graded once: saved with its verdict, its review card moved, and the attempt
    finished when that was its last unanswered question. False once the practice was submitted."""
    with write_transaction(db):
        if not save_answer(db, attempt["id"], question_id, response, correct):
            return False
        review_card(db, attempt["user_id"], question_id, correct)
        if len(answers(db, attempt["id"])) == len(attempt["question_ids"]):
            finish(db, attempt["id"], {})
    return True


def submit_exam(db: Database, attempt: dict, questions: list[Question]) -> None:
    """Score an exam once; the timer and a second submit both land here, and only the first one counts.

    Every answer given is saved with its verdict and moves that question's review card.
    """
    with write_transaction(db):
        if is_submitted(db, attempt["id"]):
            return
        saved = answers(db, attempt["id"])
        responses = {qid: row["response"] for qid, row in saved.items()}
        result = exams.score_attempt(questions, responses)
        for question in questions:
            correct = result.grades[question.id].correct
            if question.id in saved and saved[question.id]["response"] is not None:
                # the verdict only: when the answer was given stays, for a class's due date
                db.execute(
                    "UPDATE answers SET correct = ? WHERE attempt_id = ? AND question_id = ?",
                    [int(correct), attempt["id"], question.id],
                )
                review_card(db, attempt["user_id"], question.id, correct)
        finish(
            db,
            attempt["id"],
            {
                "correct": result.correct,
                "total": result.total,
                "percent": result.percent,
                "scaled": result.scaled,
                "passed": result.passed,
                "areas": {area: vars(r) for area, r in result.areas.items()},
            },
        )


def cards(db: Database, user_id: int) -> dict[str, dict]:
    return {
        row["question_id"]: json.loads(row["card"])
        for row in db["cards"].rows_where("user_id = ?", [user_id])
    }


def review_card(db: Database, user_id: int, question_id: str, correct: bool) -> None:
    """Spaced repetition: every graded answer moves that question's card (FSRS)."""
    now = now_utc()
    existing = cards_for(db, user_id, [question_id]).get(question_id) or schedule.new_card(question_id, now)
    card = schedule.review(existing, correct, now)
    db["cards"].upsert(
        {
            "user_id": user_id,
            "question_id": question_id,
            "card": json.dumps(card, default=str),
            "updated_at": iso(now),
        },
        pk=("user_id", "question_id"),
    )


def cards_for(db: Database, user_id: int, question_ids: list[str]) -> dict[str, dict]:
    marks = ",".join("?" for _ in question_ids)
    rows = db.query(
        f"SELECT question_id, card FROM cards WHERE user_id = ? AND question_id IN ({marks})",
        [user_id, *question_ids],
    )
    return {row["question_id"]: json.loads(row["card"]) for row in rows}


def due_question_ids(db: Database, user_id: int) -> list[str]:
    """Questions due for review now, most overdue first, brought forward before the learner's exam date."""
    return schedule.due(cards(db, user_id), now_utc(), exam_date(db, user_id))


def missed_question_ids(db: Database, user_id: int) -> list[str]:
    """Questions whose latest graded answer was wrong: "what I got wrong"."""
    rows = db.query(
        """SELECT a.question_id, a.correct FROM answers a JOIN attempts t ON t.id = a.attempt_id
           WHERE t.user_id = ? AND a.correct IS NOT NULL ORDER BY a.answered_at""",
        [user_id],
    )
    latest = {row["question_id"]: row["correct"] for row in rows}
    return [qid for qid, correct in latest.items() if not correct]


# The questions of submitted exams left without a graded answer, as wrong answers given at the submit: the
# exam's score counts them wrong, and so does mastery. A practice left unfinished counts nothing (a learner
# may stop whenever they like).
UNANSWERED_IN_EXAMS = """SELECT t.id AS attempt_id, t.user_id, t.assignment_id, j.value AS question_id,
           0 AS correct, t.submitted_at AS answered_at
    FROM attempts t, json_each(t.question_ids) j
    WHERE t.kind = 'exam' AND t.submitted_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.attempt_id = t.id AND a.question_id = j.value
                      AND a.correct IS NOT NULL)"""


def answer_events(db: Database, user_id: int) -> list[dict]:
    """Every graded answer of the learner, and the questions of their submitted exams left unanswered."""
    return list(
        db.query(
            f"""SELECT a.question_id, a.correct, a.answered_at
                FROM answers a JOIN attempts t ON t.id = a.attempt_id
                WHERE t.user_id = :user AND a.correct IS NOT NULL
                UNION ALL
                SELECT question_id, correct, answered_at FROM ({UNANSWERED_IN_EXAMS}) WHERE user_id = :user
                ORDER BY answered_at""",
            {"user": user_id},
        )
    )


def set_exam_date(db: Database, user_id: int, exam_date: str | None) -> None:
    db["users"].update(user_id, {"exam_date": exam_date})


def exam_date(db: Database, user_id: int) -> datetime.date | None:
    row = db.execute("SELECT exam_date FROM users WHERE id = ?", [user_id]).fetchone()
    return datetime.date.fromisoformat(row[0]) if row and row[0] else None
