"""Quizzes: practice with instant feedback, timed exams scored like LPI's, reviews, due cards and mastery."""

import datetime
import json
import random
from pathlib import Path

import click
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, request, url_for
from markupsafe import Markup

from quiz import exam as exams
from quiz import report
from quiz.bank import check_banks, summary
from quiz.citations import man_citation, module_citation, objective_citation
from quiz.gift import export_gift
from quiz.grading import grade
from quiz.mastery import mastery, mastery_svg
from quiz.model import AREAS, TERMS, TYPE_LABELS, TYPES
from quiz.moodle_xml import export_moodle_xml
from quiz.practice import choose_practice, practice_title
from quiz.render import text_to_html
from simulator import scenario_check_ids
from web import class_progress, instructor_bank, lab_store, quiz_store
from web.auth import current_owner, instructor_required, safe_next
from web.banks import bank, lab_check_results, lab_events
from web.db import get_db
from web.render import is_partial, render

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes", cli_group="bank")

PRACTICE_SIZES = (5, 10, 20)
# A shorter exam a learner may choose besides the full one (quiz.exam's 60 questions in 90 minutes).
EXAM_SIZES = (10, 20, 30, 40)
EXAM_TIMES = (15, 30, 45, 60)
GRACE_SECONDS = 5
EXAM_DATE_HORIZON = datetime.timedelta(days=2 * 365)
PRACTICE_FINISHED = (
    "This practice is finished, so it takes no more answers. Start a new practice to try again."
)
KEY_KEPT_FOR_EXAM = (
    "This question is in your exam in progress, so its answer stays hidden until you submit the exam."
)
# Why a practice could not start: an empty "what I got wrong" or "due" list says so, not "try other areas".
NOTHING_TO_PRACTISE = {
    "all": "No question matches that choice yet. Try other areas or types.",
    "wrong": "No question matches that choice yet. You have answered none wrong so far.",
    "due": "No question matches that choice yet. None is due for review now: come back when the home page "
    "shows reviews due.",
}
EXAM_FIRST = "Your exam is in progress. Practice shows answers, so it opens again once you submit the exam."


@bp.app_template_filter("rich")
def rich_filter(text: str, text_format: str = "markdown") -> Markup:
    """Question text in its format, `{{ q.stem | rich(q.text_format) }}`: Markdown (the banks) or HTML
    (imported from Moodle), either way through an allow-list sanitiser (quiz.render), so it is safe HTML."""
    return Markup(text_to_html(text or "", text_format))


@bp.app_template_filter("when")
def when_filter(iso: str | None) -> str:
    """A stored UTC time as a person reads it, "29 Nov 2026, 07:23 UTC" (app.js shows it in local time)."""
    moment = quiz_store.parse_time(iso)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC" if moment else ""


@bp.get("/")
def index():
    db = get_db()
    context = {
        "areas": AREAS,
        "terms": TERMS,
        "types": TYPES,
        "type_labels": TYPE_LABELS,
        "sizes": PRACTICE_SIZES,
        "exam_sizes": EXAM_SIZES,
        "exam_times": EXAM_TIMES,
        "counts": summary(bank()),
    }
    if g.user is None:
        return render("quizzes/index.html", "quizzes/_dashboard.html", **context)
    exam_date = quiz_store.exam_date(db, g.user.id)
    due = [qid for qid in quiz_store.due_question_ids(db, g.user.id) if qid in bank().questions]
    return render(
        "quizzes/index.html",
        "quizzes/_dashboard.html",
        **context,
        attempts=quiz_store.list_attempts(db, g.user.id),
        open_exam=quiz_store.open_exam(db, g.user.id),
        due_count=len(due),
        exam_date=exam_date,
        mastery_charts=_mastery_charts(db, g.user.id),
    )


def _mastery_charts(db, user_id: int) -> dict[str, Markup]:
    result = _mastery(db, user_id)
    return {group: Markup(mastery_svg(result, group)) for group in ("areas", "terms")}


def _mastery(db, user_id: int) -> dict:
    """Mastery from quiz answers and from lab work: a lab question counts as answered by the lab's checks."""
    questions = bank().questions
    events = [
        {
            "question_id": row["question_id"],
            "area": questions[row["question_id"]].area,
            "terms": questions[row["question_id"]].terms,
            "correct": bool(row["correct"]),
            "at": row["answered_at"],
        }
        for row in quiz_store.answer_events(db, user_id)
        if row["question_id"] in questions
    ]
    events += lab_events(user_id, [q for q in questions.values() if q.type == "lab"])
    return mastery(events)


@bp.post("/practice")
def start_practice():
    owner = current_owner()
    db = get_db()
    exam = _exam_in_progress()
    if exam is not None:
        flash(EXAM_FIRST)
        return redirect(url_for("quizzes.question", attempt_id=exam["id"], number=exam["position"]), 303)
    mode = request.form.get("mode", "all")
    areas = set(request.form.getlist("area")) & set(AREAS)
    terms = set(request.form.getlist("term")) & set(TERMS)
    types = set(request.form.getlist("type")) & set(TYPES)
    size = request.form.get("size", type=int)
    among, title = None, practice_title(areas, terms, AREAS, TERMS)
    if mode == "wrong":
        among, title = quiz_store.missed_question_ids(db, owner.id), "What I got wrong"
    elif mode == "due":
        among, title = quiz_store.due_question_ids(db, owner.id), "Due for review"
    question_ids = choose_practice(
        bank().questions.values(),
        areas=areas,
        terms=terms,
        types=types,
        size=size if size in PRACTICE_SIZES else PRACTICE_SIZES[1],
        rng=random.Random(),
        among=among,
    )
    if not question_ids:
        # An empty list of wrong or due questions is the reason, whatever areas or types were ticked.
        flash(NOTHING_TO_PRACTISE[mode if among is not None and not among else "all"])
        return redirect(url_for("quizzes.index"), 303)
    attempt_id = quiz_store.create_attempt(db, owner.id, "practice", title, question_ids)
    return redirect(url_for("quizzes.question", attempt_id=attempt_id, number=1), 303)


@bp.post("/exam")
def start_exam():
    """The full exam (no length or time given), or a shorter one of the length and time the learner chose
    from the lists offered. One exam runs at a time: a second start resumes it."""
    owner = current_owner()
    db = get_db()
    running = quiz_store.open_exam(db, owner.id)
    if running is None:
        size = request.form.get("size", type=int)
        minutes = request.form.get("minutes", type=int)
        if size in EXAM_SIZES and minutes in EXAM_TIMES:
            title = f"Short exam, {size} questions in {minutes} minutes"
        elif "size" in request.form or "minutes" in request.form:
            # A form from an older page, or edited: starting a 90-minute exam instead would be a surprise.
            flash(
                f"That length or time is not offered. A shorter exam has {_one_of(EXAM_SIZES)} questions in "
                f"{_one_of(EXAM_TIMES)} minutes: choose again."
            )
            return redirect(url_for("quizzes.index"), 303)
        else:
            size, minutes, title = exams.EXAM_QUESTIONS, exams.EXAM_MINUTES, "Exam 102.6"
        deadline = exams.deadline(quiz_store.now_utc(), minutes)
        question_ids = exams.build_exam(bank(), random.Random(), size=size)
        quiz_store.start_exam(db, owner.id, title, question_ids, deadline)
        running = quiz_store.open_exam(db, owner.id)
    return redirect(url_for("quizzes.question", attempt_id=running["id"], number=running["position"]), 303)


def _one_of(values) -> str:
    """(10, 20, 30) as "10, 20 or 30"."""
    *first, last = map(str, values)
    return f"{', '.join(first)} or {last}"


def _attempt_or_404(attempt_id: int) -> dict:
    attempt = quiz_store.get_attempt(get_db(), g.user.id, attempt_id) if g.user else None
    if attempt is None:
        abort(404)
    return attempt


def _expired(attempt: dict) -> bool:
    deadline = quiz_store.parse_time(attempt["deadline"])
    return deadline is not None and exams.is_expired(deadline, quiz_store.now_utc(), GRACE_SECONDS)


def _questions(attempt: dict) -> dict:
    """The questions this attempt draws on: an assigned set may hold its instructor's own questions."""
    return class_progress.attempt_questions(get_db(), attempt)


def _submit(attempt: dict) -> None:
    pool = _questions(attempt)
    questions = [pool[qid] for qid in attempt["question_ids"] if qid in pool]
    quiz_store.submit_exam(get_db(), attempt, questions)


def _exam_in_progress() -> dict | None:
    """The learner's exam still running; one whose time ran out is submitted here, as on any visit to it."""
    exam = quiz_store.open_exam(get_db(), g.user.id) if g.user else None
    if exam is not None and _expired(exam):
        _submit(exam)
        return None
    return exam


def _withheld_keys(attempt: dict) -> set[str]:
    """Questions whose answers this attempt must not show: those of the learner's exam still running."""
    exam = _exam_in_progress()
    if exam is None or exam["id"] == attempt["id"]:
        return set()
    return set(exam["question_ids"])


def _time_is_up(attempt: dict):
    _submit(attempt)
    flash("Time is up. Your exam has been submitted with the answers you saved.")
    return redirect(url_for("quizzes.review", attempt_id=attempt["id"]), 303)


def _question_at(attempt: dict, number: int):
    ids, pool = attempt["question_ids"], _questions(attempt)
    if not 1 <= number <= len(ids):
        what = "exam" if attempt["kind"] == "exam" else "practice"
        abort(404, f"This {what} has {len(ids)} questions, so there is no question {number}.")
    if ids[number - 1] not in pool:
        abort(404)
    return pool[ids[number - 1]]


def _question_context(attempt: dict, number: int) -> dict:
    ids = attempt["question_ids"]
    question = _question_at(attempt, number)
    saved = quiz_store.answers(get_db(), attempt["id"])
    row = saved.get(question.id)
    withheld = attempt["kind"] == "practice" and question.id in _withheld_keys(attempt)
    graded = row is not None and row["correct"] is not None
    show_feedback = attempt["kind"] == "practice" and graded and not withheld
    feedback = grade(question, row["response"]) if show_feedback else None
    context = {
        "attempt": attempt,
        "withheld": withheld,
        "number": number,
        "total": len(ids),
        "question": question,
        "saved": row,
        "feedback": feedback,
        "answered": {qid for qid, r in saved.items() if r["response"]},
        "flagged": {qid for qid, r in saved.items() if r["flagged"]},
        "lab": None,
        "lab_checks": None,
    }
    if question.type == "lab":
        context.update(_lab_question_context(question))
    return context


def _lab_question_context(question) -> dict:
    """A lab question shows the learner's own lab (terminal and tasks) inside the question, and where its
    checks stand; the lab's world is loaded once for both."""
    lab = lab_store.find_lab(get_db(), g.user.id, question.scenario)
    if lab is None:
        return {"lab": None, "lab_checks": lab_check_results(question, None)}
    scenario = lab_store.lab_scenario(lab)
    context = lab_store.lab_context(get_db(), scenario, lab)
    wanted = set(question.checks)
    context["only_tasks"] = {t["id"] for t in scenario["tasks"] if wanted & {c["id"] for c in t["checks"]}}
    return {"lab": context, "lab_checks": lab_check_results(question, context["grade"])}


@bp.get("/attempts/<id:attempt_id>/<id:number>")
def question(attempt_id, number):
    attempt = _attempt_or_404(attempt_id)
    if attempt["kind"] == "exam" and not attempt["submitted_at"] and _expired(attempt):
        return _time_is_up(attempt)
    if attempt["submitted_at"] and attempt["kind"] == "exam":
        return redirect(url_for("quizzes.review", attempt_id=attempt_id), 303)
    context = _question_context(attempt, number)
    quiz_store.set_position(get_db(), attempt_id, number)
    return render("quizzes/question.html", "quizzes/_question.html", **context)


def _response_from_form(question) -> object:
    """The answer as given; nothing chosen or typed is None, so it does not count as answered."""
    if question.type == "single":
        return request.form.get("option") or None
    if question.type == "multiple":
        return sorted(set(request.form.getlist("option"))) or None
    if question.type == "fill":
        return request.form.get("answer", "")[:1000].strip() or None
    return None


@bp.post("/attempts/<id:attempt_id>/<id:number>")
def answer(attempt_id, number):
    attempt = _attempt_or_404(attempt_id)
    if attempt["kind"] == "exam":
        question = _question_at(attempt, number)
        go = request.form.get("go", "save")
        if attempt["submitted_at"] or _expired(attempt):
            return _exam_closed(attempt, go)
        return _save_exam_answer(attempt, number, question, go)
    context = _question_context(attempt, number)
    question = context["question"]
    if attempt["submitted_at"]:
        return _refused(attempt, number, PRACTICE_FINISHED)
    if context["withheld"]:
        return _refused(attempt, number, KEY_KEPT_FOR_EXAM)
    if context["saved"] is None or context["saved"]["correct"] is None:
        response = context["lab_checks"] if question.type == "lab" else _response_from_form(question)
        quiz_store.save_practice_answer(
            get_db(), attempt, question.id, response, grade(question, response).correct
        )
    # The verdict is what the learner waits for: the focus goes to it ("Correct." / "Not quite."), so a
    # screen reader says it at once, and Tab goes on to "Next question".
    return _question_response(attempt, number, focus="feedback")


def _exam_closed(attempt: dict, go: str):
    """An answer that came after the exam ended (by the clock, or submitted from another tab) is refused
    in words: an autosave must never look saved when it was not."""
    expired = not attempt["submitted_at"]
    if expired:
        _submit(attempt)
    message = (
        "Time is up. Your exam has been submitted with the answers you saved."
        if expired
        else "This exam has been submitted, so its answers can no longer change."
    )
    if go == "autosave":
        return message, 409, {"Content-Type": "text/plain; charset=utf-8"}
    flash(message)
    target = url_for("quizzes.review", attempt_id=attempt["id"])
    if is_partial():
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


def _save_exam_answer(attempt: dict, number: int, question, go: str):
    """Exam answers are saved as they are given: on every change (autosave, the most frequent request of
    a class in an exam, so it reads no more than it needs), and with each button."""
    db = get_db()
    response = _response_from_form(question)
    if not quiz_store.save_answer(db, attempt["id"], question.id, response, None):
        return _exam_closed(quiz_store.get_attempt(db, g.user.id, attempt["id"]), go)
    saved = "Answer saved." if response is not None else "No answer given to that question."
    if go == "autosave":
        return "", 204
    if go == "flag":
        flagged = not quiz_store.answers(db, attempt["id"]).get(question.id, {}).get("flagged")
        if not quiz_store.set_flag(db, attempt["id"], question.id, flagged):
            return _exam_closed(quiz_store.get_attempt(db, g.user.id, attempt["id"]), go)
        # The flag is a toggle: the focus stays on it, as on any toggle button, rather than going to the top.
        status = "Flagged for review." if flagged else "Flag removed."
        return _question_response(attempt, number, status=status, focus="flag")
    if go == "summary":
        target = url_for("quizzes.summary_page", attempt_id=attempt["id"])
        if is_partial():
            return "", 200, {"HX-Redirect": target}
        return redirect(target, 303)
    if go == "next" and number < len(attempt["question_ids"]):
        return _question_response(attempt, number + 1, status=saved, moved=True)
    return _question_response(attempt, number, status=saved)


def _question_response(attempt, number, status=None, moved=False, focus=None):
    """After an answer: the fragment for htmx (with the address if it moved on), else a redirect."""
    url = url_for("quizzes.question", attempt_id=attempt["id"], number=number)
    if not is_partial():
        return redirect(url, 303)
    quiz_store.set_position(get_db(), attempt["id"], number)
    page = render(
        "quizzes/question.html",
        "quizzes/_question.html",
        **_question_context(attempt, number),
        status=status,
        focus=focus,
    )
    return page, 200, {"HX-Push-Url": url} if moved else {}


def _refused(attempt, number, reason: str):
    """A practice answer that is not taken: the question again, saying why, and nothing stored."""
    page = render(
        "quizzes/question.html", "quizzes/_question.html", **_question_context(attempt, number), status=reason
    )
    return page, 409


@bp.get("/attempts/<id:attempt_id>/summary")
def summary_page(attempt_id):
    attempt = _attempt_or_404(attempt_id)
    if attempt["submitted_at"]:
        return redirect(url_for("quizzes.review", attempt_id=attempt_id), 303)
    saved = quiz_store.answers(get_db(), attempt_id)
    return render("quizzes/summary.html", "quizzes/_summary.html", attempt=attempt, saved=saved)


@bp.post("/attempts/<id:attempt_id>/submit")
def submit(attempt_id):
    attempt = _attempt_or_404(attempt_id)
    if attempt["kind"] == "exam":
        _submit(attempt)
    else:
        quiz_store.finish(get_db(), attempt_id, {})
    return redirect(url_for("quizzes.review", attempt_id=attempt_id), 303)


@bp.get("/attempts/<id:attempt_id>/review")
def review(attempt_id):
    attempt = _attempt_or_404(attempt_id)
    if attempt["kind"] == "exam" and not attempt["submitted_at"]:
        if not _expired(attempt):
            flash("Submit the exam to see its review.")
            return redirect(url_for("quizzes.summary_page", attempt_id=attempt_id), 303)
        _submit(attempt)
        attempt = _attempt_or_404(attempt_id)
    items = _review_items(attempt)
    counts = report.filter_counts(items)
    show = request.args.get("show")
    if show not in report.FILTERS:
        show = report.default_filter(counts) if attempt["kind"] == "exam" else "all"
    context = {
        "attempt": attempt,
        "shown_items": [item for item in items if report.shown(item, show)],
        "show": show,
        "swapped": is_partial(),
        "counts": counts,
        "areas": AREAS,
    }
    if not is_partial():
        context.update(_score_report(attempt))
    return render("quizzes/review.html", "quizzes/_review_questions.html", **context)


def _score_report(attempt: dict) -> dict:
    """What the top of an exam's review shows: the areas against the pass line, the time used, and this
    score among the learner's other exams."""
    result = attempt["result"]
    if attempt["kind"] != "exam" or not result:
        return {}
    started, submitted, deadline = (
        quiz_store.parse_time(attempt[name]) for name in ("started_at", "submitted_at", "deadline")
    )
    return {
        "area_rows": report.area_rows(result["areas"], AREAS),
        "pass_scaled": exams.PASS_SCALED,
        "pass_share": report.PASS_SHARE,
        "time_used": report.time_used(started, submitted, deadline),
        "history": report.score_history(quiz_store.list_attempts(get_db(), g.user.id)),
    }


def _review_items(attempt: dict) -> list[dict]:
    """Each question with the learner's answer and whether its key may be shown: a submitted exam shows
    every key; a practice only those of questions answered, so reading the review cannot come first; and
    no review shows the key of a question in the exam still running."""
    saved = quiz_store.answers(get_db(), attempt["id"])
    withheld = _withheld_keys(attempt)
    pool = _questions(attempt)
    items = []
    for number, qid in enumerate(attempt["question_ids"], start=1):
        question = pool.get(qid)
        if question is None:
            continue
        row = saved.get(qid)
        graded = row is not None and row["correct"] is not None
        answered = row is not None and row["response"] is not None
        show_key = qid not in withheld and (attempt["kind"] == "exam" or graded)
        items.append(
            {
                "number": number,
                "question": question,
                "row": row,
                "grade": grade(question, row["response"]) if graded and qid not in withheld else None,
                "withheld": qid in withheld,
                "show_key": show_key,
                "state": report.review_state(answered, bool(row["correct"]) if graded else None),
                "flagged": bool(row and row["flagged"]),
                "module": module_citation(question) if show_key else None,
                "man": man_citation(question) if show_key else None,
                "objective": objective_citation(question),
            }
        )
    return items


@bp.post("/exam-date")
def set_exam_date():
    """Set or clear the date of the learner's real exam; from the quizzes page or the home page, and back."""
    owner = current_owner()
    back = safe_next(request.form.get("next") or url_for("quizzes.index"))
    value = request.form.get("exam_date", "").strip()
    try:
        parsed = datetime.date.fromisoformat(value) if value else None
    except ValueError:
        flash("That is not a date. Use the date picker, or the form YYYY-MM-DD.")
        return redirect(back, 303)
    if parsed and parsed < quiz_store.now_utc().date():
        flash("That date has passed. Choose the date of an exam still ahead, or clear the field.")
        return redirect(back, 303)
    if parsed and parsed > quiz_store.now_utc().date() + EXAM_DATE_HORIZON:
        # A year typed wrong (20267 for 2026) or a date years away would only spread the reviews thin.
        flash("That date is more than two years away. Choose the date of the exam you have booked.")
        return redirect(back, 303)
    quiz_store.set_exam_date(get_db(), owner.id, parsed.isoformat() if parsed else None)
    flash(f"Exam date set to {parsed.isoformat()}." if parsed else "Exam date cleared.")
    return redirect(back, 303)


EXPORTERS = {
    "gift": (export_gift, "text/plain", "guestlab-102.6.gift.txt"),
    "xml": (export_moodle_xml, "application/xml", "guestlab-102.6.moodle.xml"),
}
IMPORT_FORMATS = {"gift": "Moodle GIFT", "xml": "Moodle XML"}


def _export_questions() -> list:
    own = [row["question"] for row in instructor_bank.own_questions(get_db(), g.user.id)]
    return list(bank().questions.values()) + own


@bp.get("/export")
@instructor_required
def export_page():
    """What the exports hold, and the report: every question left out and where Moodle grades otherwise."""
    questions = _export_questions()
    return render(
        "quizzes/export.html",
        "quizzes/_export.html",
        gift_remarks=export_gift(questions)[1],
        xml_remarks=export_moodle_xml(questions)[1],
        count=len(questions),
    )


@bp.get("/export.<fmt>")
@instructor_required
def export(fmt):
    """The banks and the instructor's own questions, with their answers: learners must not read the keys."""
    if fmt not in EXPORTERS:
        abort(404)
    exporter, mimetype, filename = EXPORTERS[fmt]
    text, _ = exporter(_export_questions())
    return Response(
        text, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"}
    )


@bp.route("/import", methods=["GET", "POST"])
@instructor_required
def import_view():
    """Instructors import Moodle GIFT or Moodle XML into their own bank; the report says what was left
    out, and what was read differently, and why."""
    report, status = None, 200
    form = {"area": next(iter(AREAS)), "text": "", "format": "gift"}
    if request.method == "POST":
        form["area"] = request.form.get("area", "")
        form["format"] = request.form.get("format", "gift")
        if form["format"] not in IMPORT_FORMATS:
            form["format"] = "gift"
        upload = request.files.get("file")
        text = upload.read(instructor_bank.MAX_IMPORT_BYTES + 1) if upload and upload.filename else None
        if text is None:
            text = form["text"] = request.form.get("text", "")
        report = instructor_bank.import_questions(
            get_db(), g.user.id, text, form["area"], g.user.username, set(bank().questions), form["format"]
        )
        status = 200 if report.questions or not report.rejected else 422
    page = render(
        "quizzes/import.html",
        "quizzes/_import.html",
        areas=AREAS,
        formats=IMPORT_FORMATS,
        form=form,
        report=report,
    )
    return page, status


@bp.cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print counts by type, area and term as JSON.")
def check_command(path, as_json):
    """Validate every question bank under PATH (default: questions/)."""
    path = path or Path(current_app.config["QUESTIONS_DIR"])
    loaded, errors = check_banks(path, scenario_check_ids())
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise SystemExit(1)
    if as_json:
        click.echo(json.dumps(summary(loaded), indent=2))
    else:
        click.echo(f"{len(loaded.questions)} questions: all valid.")
