"""An instructor's own bank in the browser: list and filter, write and edit with a preview, delete.

Questions are checked by the YAML banks' own rules (quiz.bank.check_question); only the owner reaches
them (every query names the owner; someone else's row is a 404), and only instructors reach this page.
"""

import dataclasses
import re

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from quiz.bank import check_question
from quiz.gift import wildcard_of
from quiz.model import AREAS, TERMS, TEXT_FORMATS, TYPES, Question
from simulator import list_scenarios, scenario_check_ids
from web import instructor_bank
from web.auth import instructor_required
from web.db import get_db
from web.render import render

bp = Blueprint("my_bank", __name__, url_prefix="/quizzes/mine")

OPTION_ROWS = 8  # as many as a bank question may have; an imported one with more shows them all
MAX_OPTION_ROWS = 26
OPTION_INDEX = re.compile(r"options\[(\d+)\]\.?")
TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple choice",
    "fill": "fill in the blank",
    "lab": "lab task",
}
PREVIEW_ATTEMPT = {
    "id": 1,
    "kind": "practice",
    "title": "Preview",
    "deadline": None,
    "submitted_at": None,
    "question_ids": [],
}


@bp.app_template_filter("moodle_wildcard")
def moodle_wildcard_filter(pattern: str) -> str:
    """A pattern read from a Moodle wildcard answer, shown as Moodle wrote it ("" for other patterns)."""
    return wildcard_of(pattern) or ""


@bp.get("")
@instructor_required
def index():
    area = request.args.get("area", "") if request.args.get("area") in AREAS else ""
    kind = request.args.get("type", "") if request.args.get("type") in TYPES else ""
    rows = instructor_bank.own_questions(get_db(), g.user.id, area, kind)
    return render(
        "my_bank/index.html",
        "my_bank/_index.html",
        rows=rows,
        areas=AREAS,
        types=TYPE_NAMES,
        chosen={"area": area, "type": kind},
    )


def _blank(kind: str) -> dict:
    return {
        "id": "",
        "type": kind,
        "area": next(iter(AREAS)),
        "difficulty": 2,
        "terms": [],
        "text_format": "markdown",
        "stem": "",
        "explanation": "",
        "options": [],
        "exact": "",
        "patterns": "",
        "case_sensitive": True,
        "optional_sudo": False,
        "scenario": "",
        "checks": "",
    }


def _form_of(question: Question) -> dict:
    fill = question.fill
    return {
        **_blank(question.type),
        "id": question.id,
        "area": question.area,
        "difficulty": question.difficulty,
        "terms": list(question.terms),
        "text_format": question.text_format,
        "stem": question.stem,
        "explanation": question.explanation,
        "options": [dataclasses.asdict(o) for o in question.options],
        "exact": "\n".join(fill.exact) if fill else "",
        "patterns": "\n".join(fill.patterns) if fill else "",
        "case_sensitive": fill.case_sensitive if fill else True,
        "optional_sudo": fill.optional_sudo if fill else False,
        "scenario": question.scenario or "",
        "checks": "\n".join(question.checks),
        "fractions": any(o.fraction is not None for o in question.options),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _posted(kind: str) -> dict:
    """The form as posted, in the editor's own shape (so it can be shown again as typed)."""
    form = request.form
    correct = set(form.getlist("correct"))
    options = [
        {
            "text": form.get(f"option-{n}-text", "").strip(),
            "explanation": form.get(f"option-{n}-explanation", "").strip(),
            "correct": str(n) in correct,
            "row": n + 1,
        }
        for n in range(MAX_OPTION_ROWS)
    ]
    return {
        **_blank(kind),
        "id": form.get("id", "").strip(),
        "area": form.get("area", ""),
        "difficulty": form.get("difficulty", ""),
        "terms": form.getlist("terms"),
        "text_format": form.get("text_format", "markdown"),
        "stem": form.get("stem", "").strip(),
        "explanation": form.get("explanation", "").strip(),
        "options": [o for o in options if o["text"] or o["explanation"] or o["correct"]],
        "exact": form.get("exact", ""),
        "patterns": form.get("patterns", ""),
        "case_sensitive": form.get("case_sensitive") == "on",
        "optional_sudo": form.get("optional_sudo") == "on",
        "scenario": form.get("scenario", ""),
        "checks": form.get("checks", ""),
    }


def _raw(form: dict) -> dict:
    """The question as a bank file would hold it, for quiz.bank.check_question."""
    raw = {
        "id": form["id"],
        "type": form["type"],
        "difficulty": int(form["difficulty"]) if str(form["difficulty"]).isdecimal() else form["difficulty"],
        "stem": form["stem"],
        "explanation": form["explanation"],
    }
    if form["terms"]:
        raw["terms"] = form["terms"]
    if form["type"] in ("single", "multiple"):
        raw["options"] = [{k: o[k] for k in ("text", "explanation", "correct")} for o in form["options"]]
        if form["type"] == "multiple":
            raw["choose"] = sum(o["correct"] for o in form["options"])
    elif form["type"] == "fill":
        answers = {"case_sensitive": form["case_sensitive"], "optional_sudo": form["optional_sudo"]}
        for key in ("exact", "patterns"):
            if _lines(form[key]):
                answers[key] = _lines(form[key])
        raw["answers"] = answers
    else:
        raw["scenario"] = form["scenario"]
        raw["checks"] = _lines(form["checks"])
    return raw


def _check(form: dict, row_id: int | None, original: Question | None) -> tuple[Question | None, list[str]]:
    defaults = {"author": original.author, "licence": original.licence} if original else {}
    defaults.setdefault("author", g.user.username)
    question, problems = check_question(_raw(form), form["area"], scenario_check_ids(), **defaults)
    problems = [_name_option_rows(problem, form["options"]) for problem in problems]
    if form["text_format"] not in TEXT_FORMATS:
        problems.append(f"unknown text format {form['text_format']!r}")
    if form["id"] and instructor_bank.id_taken(get_db(), g.user.id, form["id"], row_id):
        problems.append(f"id: you already have a question with the id {form['id']!r}")
    if problems or question is None:
        return None, problems
    return dataclasses.replace(question, text_format=form["text_format"]), []


def _name_option_rows(problem: str, options: list[dict]) -> str:
    """The banks' "options[2].explanation" as the editor's "option 3, explanation" (rows as on screen)."""

    def row(match: re.Match) -> str:
        index = int(match.group(1))
        return f"option {options[index]['row'] if index < len(options) else index + 1}, "

    return OPTION_INDEX.sub(row, problem)


def _editor(form: dict, row_id: int | None, problems=(), preview: Question | None = None, status=200):
    context = {
        "form": form,
        "row_id": row_id,
        "problems": problems,
        "preview": preview,
        "areas": AREAS,
        "terms": TERMS,
        "types": TYPE_NAMES,
        "formats": TEXT_FORMATS,
        "option_rows": max(OPTION_ROWS, len(form["options"])),
        "scenarios": list_scenarios(),
        "check_ids": scenario_check_ids(),
    }
    if preview is not None:
        attempt = {**PREVIEW_ATTEMPT, "question_ids": [preview.id]}
        context.update(
            attempt=attempt, number=1, total=1, question=preview, saved=None, feedback=None, status=None,
            withheld=False, answered=set(), flagged=set(), lab=None, lab_checks=None, is_preview=True,
        )  # fmt: skip
    return render("my_bank/edit.html", "my_bank/_edit.html", **context), status


def _save_or_preview(form: dict, row_id: int | None, original: Question | None):
    question, problems = _check(form, row_id, original)
    if problems:
        return _editor(form, row_id, problems, status=422)
    if request.form.get("action") == "preview":
        return _editor(form, row_id, preview=question)
    saved = instructor_bank.save_question(get_db(), g.user.id, question, row_id)
    if saved is None:
        abort(404)
    flash(f"Question {question.id} saved.")
    return redirect(url_for("my_bank.index"), 303)


@bp.route("/new/<kind>", methods=["GET", "POST"])
@instructor_required
def new(kind):
    if kind not in TYPE_NAMES:
        abort(404)
    if request.method == "GET":
        return _editor(_blank(kind), None)
    return _save_or_preview(_posted(kind), None, None)


@bp.route("/<id:row_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit(row_id):
    row = instructor_bank.own_question(get_db(), g.user.id, row_id)
    if row is None:
        abort(404)
    original = row["question"]
    if request.method == "GET":
        return _editor(_form_of(original), row_id)
    return _save_or_preview(_posted(original.type), row_id, original)


@bp.route("/<id:row_id>/delete", methods=["GET", "POST"])
@instructor_required
def delete(row_id):
    """GET asks for confirmation (a page of its own, so it works by keyboard and without JavaScript)."""
    row = instructor_bank.own_question(get_db(), g.user.id, row_id)
    if row is None:
        abort(404)
    if request.method == "GET":
        return render("my_bank/delete.html", "my_bank/_delete.html", row=row)
    instructor_bank.delete_question(get_db(), g.user.id, row_id)
    flash(f"Question {row['question'].id} deleted from your bank.")
    return redirect(url_for("my_bank.index"), 303)
