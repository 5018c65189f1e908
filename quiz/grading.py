"""Grade one response to one question: a registry of plain functions by question type, as CTFd does.

Responses come straight from a form or the simulator, so anything may arrive; junk is simply wrong,
never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from quiz.execution import judge
from quiz.model import FillAnswer, Question
from simulator.patterns import Budget, PatternTooCostly, Regex

MAX_FILL_LENGTH = 500


@dataclass(frozen=True)
class Grade:
    """The verdict on one response.

    `correct` is all-or-nothing, as LPI scores; `score` (0..1) is partial credit, for information only.
    `chosen` holds the option ids picked (option order), the normalised fill answer, or the lab checks
    that passed; `missed` the correct options not picked or the lab checks that did not pass;
    `feedback` the explanations of the options picked, in option order.
    """

    correct: bool
    score: float
    chosen: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    feedback: tuple[str, ...] = ()


WRONG = Grade(correct=False, score=0.0)


def normalise_fill(text: str, fill: FillAnswer) -> str:
    """Strip, collapse whitespace runs, casefold unless case-sensitive, drop a leading `sudo ` if optional."""
    text = " ".join(text.split())
    if not fill.case_sensitive:
        text = text.casefold()
    if fill.optional_sudo and text.startswith("sudo "):
        text = text[len("sudo ") :]
    return text


def grade_single(question: Question, response: Any) -> Grade:
    options = {o.id: o for o in question.options}
    option = options.get(response) if isinstance(response, str) else None
    if option is None:
        return WRONG
    return Grade(
        correct=option.correct,
        score=1.0 if option.correct else 0.0,
        chosen=(option.id,),
        missed=tuple(o.id for o in question.options if o.correct and o is not option),
        feedback=(option.explanation,),
    )


def _option_ids(response: Any) -> set[str] | None:
    """The set of ids in a multiple-choice response, or None when it is not a collection of strings."""
    if isinstance(response, str):
        return {response}
    if not isinstance(response, Iterable) or isinstance(response, bytes | dict):
        return None
    ids = set()
    for item in response:
        if not isinstance(item, str):
            return None
        ids.add(item)
        if len(ids) > 100:
            return None
    return ids


def grade_multiple(question: Question, response: Any) -> Grade:
    """Full credit only for exactly the correct set; `score` is (right picks - wrong picks) / correct, >= 0.

    An id that is not one of the question's options makes the whole response junk, hence wrong.
    """
    ids = _option_ids(response)
    if ids is None or not ids <= {o.id for o in question.options}:
        return WRONG
    right = question.correct_option_ids
    picked = [o for o in question.options if o.id in ids]
    hits = sum(1 for o in picked if o.correct)
    return Grade(
        correct=ids == right,
        score=max(0.0, (hits - (len(picked) - hits)) / len(right)) if right else 0.0,
        chosen=tuple(o.id for o in picked),
        missed=tuple(o.id for o in question.options if o.correct and o.id not in ids),
        feedback=tuple(o.explanation for o in picked),
    )


def fill_matches(answer: str, fill: FillAnswer) -> bool:
    """Whether a normalised answer equals a normalised exact answer or fully matches a pattern."""
    if any(answer == normalise_fill(exact, fill) for exact in fill.exact):
        return True
    budget = Budget()
    return any(_fully_matches(pattern, answer, fill, budget) for pattern in fill.patterns)


def _fully_matches(pattern: str, answer: str, fill: FillAnswer, budget: Budget) -> bool:
    """A pattern an instructor wrote, run in bounded time: `(a+)+$` must not hang a worker; one too
    costly to match (a backreference that backtracks past the budget) does not match."""
    try:
        return Regex(pattern, ignore_case=not fill.case_sensitive, budget=budget).fullmatch(answer)
    except (re.error, PatternTooCostly):
        return False


def fill_accepts(fill: FillAnswer, response: str) -> bool:
    """Whether a typed answer, normalised, is one of the accepted answers (see questions/README.md)."""
    answer = normalise_fill(response, fill)
    return bool(answer) and fill_matches(answer, fill)


def grade_fill(question: Question, response: Any) -> Grade:
    """Right when the answer is an accepted one or, for a command, when it does what a key does when run.
    A wrong answer gets the advice written for its misconception, or what running it showed."""
    fill = question.fill
    if not isinstance(response, str) or len(response) > MAX_FILL_LENGTH or fill is None:
        return WRONG
    answer = normalise_fill(response, fill)
    if not answer:
        return WRONG
    correct, feedback = fill_matches(answer, fill), ""
    if not correct and fill.run is not None:
        verdict = judge(fill.run, fill.exact, response)
        correct, feedback = verdict.correct, verdict.feedback
    if not correct:
        feedback = _advice(fill, answer) or feedback
    return Grade(
        correct=correct,
        score=1.0 if correct else 0.0,
        chosen=(answer,),
        feedback=(feedback,) if feedback else (),
    )


def _advice(fill: FillAnswer, answer: str) -> str:
    budget = Budget()
    for advice in fill.advice:
        if _fully_matches(advice.pattern, answer, fill, budget):
            return advice.message
    return ""


def _passed_checks(response: Any) -> set[str]:
    """Ids of the checks reported as passed (`passed` must be exactly True); malformed entries are ignored."""
    if not isinstance(response, list | tuple):
        return set()
    results = {}
    for item in response:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            results[item["id"]] = item.get("passed") is True
    return {check for check, passed in results.items() if passed}


def grade_lab(question: Question, response: Any) -> Grade:
    """Correct when every check of the question passed; `score` is the share that passed."""
    if not question.checks:
        return WRONG
    passed = _passed_checks(response)
    done = tuple(c for c in question.checks if c in passed)
    return Grade(
        correct=len(done) == len(question.checks),
        score=len(done) / len(question.checks),
        chosen=done,
        missed=tuple(c for c in question.checks if c not in passed),
    )


GRADERS: dict[str, Callable[[Question, Any], Grade]] = {
    "single": grade_single,
    "multiple": grade_multiple,
    "fill": grade_fill,
    "lab": grade_lab,
}


def grade(question: Question, response: Any) -> Grade:
    """Grade with the question type's grader; an unknown type is wrong."""
    grader = GRADERS.get(question.type)
    return grader(question, response) if grader else WRONG
