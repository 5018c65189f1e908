"""What a returning learner's home page shows, one query per panel: where to continue, reviews due and
coming, the exam date, recent results."""

import datetime
import json

from sqlite_utils import Database

from quiz import schedule
from web import quiz_store

RECENT_RESULTS = 5
FORECAST_DAYS = 7


def continue_item(db: Database, user_id: int) -> dict | None:
    """The open exam (its clock runs), else whatever the learner touched last: a lab or an open practice.
    Labs stamp milliseconds and answers whole seconds, so they are compared to the second, and within one
    second the practice counts as the later."""
    rows = db.query(
        """SELECT * FROM (
               SELECT 'lab' AS kind, NULL AS id, scenario_id, NULL AS title, 1 AS position, NULL AS deadline,
                      updated_at AS at
               FROM labs WHERE user_id = :user
               UNION ALL
               SELECT kind, id, NULL, title, position, deadline,
                      COALESCE((SELECT MAX(answered_at) FROM answers WHERE attempt_id = attempts.id),
                               started_at)
               FROM attempts WHERE user_id = :user AND submitted_at IS NULL)
           ORDER BY kind = 'exam' DESC, substr(at, 1, 19) DESC, kind = 'lab' LIMIT 1""",
        {"user": user_id},
    )
    return next(iter(rows), None)


def recent_results(db: Database, user_id: int) -> list[dict]:
    rows = db.query(
        """SELECT id, kind, title, started_at, submitted_at, result, json_array_length(question_ids) AS total,
                  (SELECT COUNT(*) FROM answers WHERE attempt_id = attempts.id AND correct = 1) AS right
           FROM attempts WHERE user_id = ? AND submitted_at IS NOT NULL
           ORDER BY submitted_at DESC, id DESC LIMIT ?""",
        [user_id, RECENT_RESULTS],
    )
    return [{**row, "result": json.loads(row["result"]) if row["result"] else None} for row in rows]


def reviews(
    db: Database, user_id: int, question_ids, exam_date: datetime.date | None, zone: datetime.tzinfo
) -> dict:
    """From the FSRS cards of questions still in the bank: how many are due now, and a forecast of those
    due today (overdue included) and on each of the next days, days of the learner's `zone`."""
    cards = {
        row["question_id"]: json.loads(row["card"])
        for row in db.query("SELECT question_id, card FROM cards WHERE user_id = ?", [user_id])
        if row["question_id"] in question_ids
    }
    now = quiz_store.now_utc()
    counts = schedule.forecast(cards, now, exam_date, FORECAST_DAYS, zone)
    next_due = schedule.next_due(cards, now, exam_date)
    return {
        "due_now": len(schedule.due(cards, now, exam_date)),
        "next_due": next_due.isoformat(timespec="seconds") if next_due else None,
        "forecast": [
            {"date": now.astimezone(zone).date() + datetime.timedelta(days=offset), "count": count}
            for offset, count in enumerate(counts)
        ],
    }


def days_to(exam_date: datetime.date | None, zone: datetime.tzinfo) -> int | None:
    """Days from the learner's today (in their `zone`) to their exam date."""
    return (exam_date - quiz_store.now_utc().astimezone(zone).date()).days if exam_date else None
