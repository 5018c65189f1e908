"""The question banks, loaded and validated once at start, and what lab questions need from the simulator."""

from pathlib import Path

from flask import current_app

from quiz.bank import load_bank
from quiz.mastery import lab_outcome
from quiz.model import Bank, Question
from simulator import scenario_check_ids
from simulator.checks import TITLES
from web import lab_store
from web.db import get_db


def init_app(app) -> None:
    path = Path(app.config["QUESTIONS_DIR"])
    app.extensions["guestlab.bank"] = load_bank(path, scenario_check_ids())


def bank() -> Bank:
    return current_app.extensions["guestlab.bank"]


def lab_check_results(question: Question, grade: dict | None) -> list[dict]:
    """The question's checks as they stand in the grade of the learner's own lab (None: not started yet)."""
    if grade is None:
        return [
            {
                "id": check,
                "title": TITLES[check],
                "passed": False,
                "detail": "You have not started this lab yet.",
            }
            for check in question.checks
        ]
    results = {c["id"]: c for c in grade["checks"]}
    return [
        {
            "id": check,
            "title": TITLES[check],
            "passed": bool(results.get(check, {}).get("passed")),
            "detail": results.get(check, {}).get("detail", ""),
        }
        for check in question.checks
    ]


def lab_events(user_id: int, lab_questions: list[Question]) -> list[dict]:
    """Lab work as mastery evidence: each lab question whose lab was started, or whose checks passed once
    (quiz.mastery.lab_outcome says when it is right, and since when)."""
    db = get_db()
    labs = lab_store.labs_by_scenario(db, user_id)
    evidence = lab_store.lab_evidence(db, user_id)
    passing = {
        sid: {c["id"] for c in lab_store.saved_grade(db, lab)["checks"] if c["passed"]}
        for sid, lab in labs.items()
    }
    events = []
    for question in lab_questions:
        lab = labs.get(question.scenario)
        if lab is None and question.scenario not in evidence:
            continue
        correct, at = lab_outcome(
            question.checks,
            evidence.get(question.scenario, {}),
            passing.get(question.scenario, set()),
            lab["updated_at"] if lab else None,
        )
        if at is None:
            continue
        events.append(
            {
                "question_id": question.id,
                "area": question.area,
                "terms": question.terms,
                "correct": correct,
                "at": at,
            }
        )
    return events
