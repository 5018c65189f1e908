"""Classes: instructors run a class (roster, co-instructors, join codes, assignments, live view, statistics,
gradebook); students join with a code and see what is due.

Every route that names a class finds it through the visitor's membership, in the query
(class_store.class_for): anyone else gets a 404, as if it did not exist.
"""

import datetime
import random

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from quiz import exam as exams
from quiz.model import AREAS, TERMS, TYPE_LABELS, TYPES, Bank
from quiz.practice import choose_practice
from simulator import breaks, list_scenarios, load_scenario
from web import class_progress, class_store, lab_store, quiz_store, throttle
from web.auth import admit_class_member, instructor_required
from web.db import get_db
from web.downloads import attachment
from web.render import is_partial, render
from web.times import days_until, local_moment, readable, viewer_zone, zone_named

bp = Blueprint("classes", __name__, url_prefix="/classes")

POLL_SECONDS = 5
MAX_TITLE = 120
MAX_PRACTICE = 60
MAX_EXAM_MINUTES = 240
MAX_ATTEMPTS = 20
NO_CLASS = "That join code does not open a class: it may be mistyped, changed by the instructor, or archived."
EXAM_FIRST = "Your exam is in progress. Practice shows answers, so it opens again once you submit the exam."


@bp.app_template_filter("utc")
def utc(value) -> str:
    """A stored time (ISO text or datetime) as people read it: 2026-11-29 14:05 UTC."""
    return readable(class_store.parse_time(value) if isinstance(value, str) else value)


@bp.app_template_filter("due_in")
def due_in(moment: datetime.datetime) -> str:
    """How far off a close is in the reader's days (their browser's zone): due today, tomorrow, in N days."""
    days = days_until(moment, class_store.now_utc(), viewer_zone())
    return "due today" if days <= 0 else "due tomorrow" if days == 1 else f"due in {days} days"


def _address() -> str:
    return request.remote_addr or "unknown"


def _teaching(class_id: int) -> dict:
    """The class, for one of its instructors; a 404 for anyone else."""
    found = class_store.class_for(get_db(), class_id, g.user.id, "instructor") if g.user else None
    if found is None:
        abort(404)
    return found


def _attending(class_id: int) -> dict:
    found = class_store.class_for(get_db(), class_id, g.user.id, "student") if g.user else None
    if found is None:
        abort(404)
    return found


def _assignment(class_id: int, assignment_id: int) -> dict:
    found = class_store.assignment_in(get_db(), class_id, assignment_id)
    if found is None:
        abort(404)
    return found


def _student_of(class_id: int, user_id: int) -> dict:
    student = next(
        (s for s in class_store.members(get_db(), class_id, "student") if s["id"] == user_id), None
    )
    if student is None:
        abort(404)
    return student


@bp.app_template_global("assignments_due")
def assignments_due(heading_level: int = 2) -> Markup:
    """What the signed-in student has due and late (templates/classes/_due.html), for the dashboard:
    `{{ assignments_due() }}` in any template; nothing at all for someone with no assignment."""
    items = class_progress.student_due(get_db(), g.user.id) if g.user else []
    if not items:
        return Markup("")
    return Markup(render_template("classes/_due.html", items=items, heading_level=heading_level))


@bp.get("/")
def index():
    db = get_db()
    teaching = class_store.classes_of(db, g.user.id, "instructor") if g.user else []
    attending = class_store.classes_of(db, g.user.id, "student") if g.user else []
    items = class_progress.student_due(db, g.user.id) if g.user else []
    return render(
        "classes/index.html",
        "classes/_index.html",
        teaching=teaching,
        attending=attending,
        items=items,
        code=request.args.get("code", ""),
        error=None,
    )


@bp.post("/")
@instructor_required
def create():
    name = " ".join(request.form.get("name", "").split())[: class_store.MAX_NAME]
    if not name:
        flash("Give the class a name.")
        return redirect(url_for("classes.index"), 303)
    class_id = class_store.create_class(get_db(), g.user.id, name)
    return redirect(url_for("classes.show", class_id=class_id), 303)


@bp.get("/join")
def join_page():
    """The link an instructor hands out fills in the code; joining takes a click (a GET changes nothing)."""
    return render(
        "classes/join.html",
        "classes/_join.html",
        code=class_store.normal_code(request.args.get("code", "")),
        error=None,
    )


@bp.post("/join")
def join():
    db = get_db()
    code = class_store.normal_code(request.form.get("code", ""))
    rules = throttle.join_rules(g.user.id if g.user else None, _address())
    wait = throttle.retry_after(db, rules)
    if wait:
        minutes = max(1, round(wait / 60))
        unit = "minute" if minutes == 1 else "minutes"
        error = f"Too many wrong join codes. Please wait {minutes} {unit} and try again."
        return (
            render("classes/join.html", "classes/_join.html", code=code, error=error),
            429,
            {"Retry-After": str(wait)},
        )
    found = class_store.class_by_code(db, code)
    if found is None:
        throttle.record(db, rules)
        return render("classes/join.html", "classes/_join.html", code=code, error=NO_CLASS), 422
    user = admit_class_member()
    if class_store.class_for(db, found["id"], user.id, "instructor"):
        flash("You teach this class already.")
        return redirect(url_for("classes.show", class_id=found["id"]), 303)
    if class_store.join(db, found["id"], user.id):
        flash(f"You joined {found['name']}.")
    return redirect(url_for("classes.show", class_id=found["id"]), 303)


@bp.get("/<id:class_id>")
def show(class_id):
    db = get_db()
    if g.user and class_store.class_for(db, class_id, g.user.id, "instructor"):
        class_store.mark_seen(db, class_id, g.user.id)
        return _class_page(class_id)
    found = _attending(class_id)
    items = [i for i in class_progress.student_due(db, g.user.id) if i["assignment"]["class_id"] == class_id]
    return render("classes/student.html", "classes/_student.html", cls=found, items=items)


def _class_page(class_id: int, status: int = 200, **extra):
    db = get_db()
    found = _teaching(class_id)
    context = {
        "cls": found,
        "students": class_store.members(db, class_id, "student"),
        "instructors": class_store.members(db, class_id, "instructor"),
        "assignments": class_store.assignments(db, class_id),
        "join_url": url_for("classes.join_page", code=found["code"], _external=True),
        "overall_rule": class_progress.OVERALL_RULE,
        "error": None,
        **extra,
    }
    return render("classes/class.html", "classes/_class.html", **context), status


@bp.post("/<id:class_id>/code")
def rotate_code(class_id):
    _teaching(class_id)
    class_store.rotate_code(get_db(), class_id)
    flash("The class has a new join code; the old one no longer works.")
    return redirect(url_for("classes.show", class_id=class_id, _anchor="join-code"), 303)


@bp.post("/<id:class_id>/archive")
def archive(class_id):
    _teaching(class_id)
    archived = request.form.get("archived") == "1"
    class_store.set_archived(get_db(), class_id, archived)
    flash(
        "The class is archived: no one can join, and its work is closed."
        if archived
        else "The class is open again."
    )
    return redirect(url_for("classes.show", class_id=class_id), 303)


@bp.post("/<id:class_id>/students/<id:user_id>/remove")
def remove_student(class_id, user_id):
    _teaching(class_id)
    student = _student_of(class_id, user_id)
    class_store.remove_student(get_db(), class_id, user_id)
    flash(f"{class_store.display_name(student)} is no longer in the class.")
    return redirect(url_for("classes.show", class_id=class_id, _anchor="roster"), 303)


@bp.post("/<id:class_id>/instructors")
def add_instructor(class_id):
    _teaching(class_id)
    try:
        added = class_store.add_instructor(get_db(), class_id, request.form.get("username", ""))
    except class_store.NotAnInstructor as exc:
        return _class_page(class_id, 422, error=str(exc))
    flash(f"{added['username']} now teaches this class with you.")
    return redirect(url_for("classes.show", class_id=class_id, _anchor="instructors"), 303)


def _form_context(class_id: int, form: dict, errors: dict) -> dict:
    own = class_progress.questions_for(get_db(), g.user.id)
    return {
        "cls": _teaching(class_id),
        "form": form,
        "errors": errors,
        "scenarios": list_scenarios(),
        "breakable": {sid: breaks.faults_for(sid) for sid in breaks.BREAKABLE},
        "faults": breaks.FAULTS,
        "areas": AREAS,
        "terms": TERMS,
        "types": TYPES,
        "type_labels": TYPE_LABELS,
        "questions": sorted(own.values(), key=lambda q: (q.area, q.id)),
        "zone": zone_named(form["tz"]).key,
    }


def _default_form() -> dict:
    """A new assignment: open now, closing in a week, in the instructor's own time (their browser's zone)."""
    zone = viewer_zone()
    now = class_store.now_utc().replace(second=0, microsecond=0).astimezone(zone)
    return {
        "tz": zone.key,
        "kind": "lab",
        "title": "",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "max_attempts": "0",
        "late_counts": "",
        "scenario": "vtx-disabled-host",
        "fault": [],
        "seed": "",
        "variant": "same",
        "area": [],
        "term": [],
        "type": [],
        "size": "10",
        "question": [],
        "exam_size": "30",
        "minutes": "45",
    }


@bp.get("/<id:class_id>/assignments/new")
def new_assignment(class_id):
    _teaching(class_id)
    now = class_store.now_utc().replace(second=0, microsecond=0)
    return render(
        "classes/assignment_form.html",
        "classes/_assignment_form.html",
        **_form_context(class_id, _default_form(), {}),
        fresh=True,  # app.js puts the default times in the browser's zone if the server did not know it
        now_instant=now.isoformat(),
        week_instant=(now + datetime.timedelta(days=7)).isoformat(),
    )


def _read_form() -> dict:
    form = _default_form()
    for key in form:
        if isinstance(form[key], list):
            form[key] = request.form.getlist(key)
        else:
            form[key] = request.form.get(key, "").strip()
    return form


def _when(text: str, zone_name: str) -> datetime.datetime | None:
    """A datetime-local value in the zone the form was filled in (its `tz` field, set by app.js from the
    browser; UTC without it), as the instant it names."""
    return local_moment(text, zone_named(zone_name))


def _number(text: str, low: int, high: int) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _validate(form: dict, owner_id: int) -> tuple[dict, dict]:
    """The assignment's recipe from the form, and a message per field that cannot be accepted."""
    errors = {}
    if not form["title"] or len(form["title"]) > MAX_TITLE:
        errors["title"] = f"Give the assignment a title of at most {MAX_TITLE} characters."
    opens, closes = _when(form["opens_at"], form["tz"]), _when(form["closes_at"], form["tz"])
    if opens is None:
        errors["opens_at"] = "Give the date and time it opens."
    if closes is None:
        errors["closes_at"] = "Give the date and time it closes."
    elif opens is not None and closes <= opens:
        errors["closes_at"] = "It must close after it opens."
    attempts = _number(form["max_attempts"] or "0", 0, MAX_ATTEMPTS)
    if attempts is None:
        errors["max_attempts"] = f"Allow 0 (no limit) to {MAX_ATTEMPTS} attempts."
    spec = {}
    if form["kind"] == "lab":
        spec, lab_errors = _lab_spec(form)
        errors.update(lab_errors)
    elif form["kind"] == "practice":
        spec, practice_errors = _practice_spec(form, owner_id)
        errors.update(practice_errors)
    elif form["kind"] == "exam":
        size = _number(form["exam_size"], 1, exams.EXAM_QUESTIONS)
        minutes = _number(form["minutes"], 1, MAX_EXAM_MINUTES)
        if size is None:
            errors["exam_size"] = f"An exam has 1 to {exams.EXAM_QUESTIONS} questions."
        if minutes is None:
            errors["minutes"] = f"Give 1 to {MAX_EXAM_MINUTES} minutes."
        spec = {"size": size, "minutes": minutes, "areas": [a for a in AREAS if a in form["area"]]}
    else:
        errors["kind"] = "Choose a lab, a practice set or an exam."
    return {"spec": spec, "opens": opens, "closes": closes, "attempts": attempts}, errors


def _lab_spec(form: dict) -> tuple[dict, dict]:
    scenario_id = form["scenario"]
    try:
        load_scenario(scenario_id)
    except KeyError:
        return {}, {"scenario": "Choose one of the labs."}
    faults = None
    if scenario_id in breaks.BREAKABLE:
        try:
            faults = list(breaks.check_faults(scenario_id, form["fault"]))
        except breaks.UnknownFault:
            return {}, {"fault": "Tick only faults of the chosen lab's kind (host or clone)."}
    elif form["fault"]:
        return {}, {"fault": "Only the host and clone labs take planted faults."}
    seed = _number(form["seed"], 0, 2**31 - 1) if form["seed"] else random.randrange(2**31)
    if seed is None:
        return {}, {"seed": "A seed is a whole number from 0 to 2147483647, or empty for a random one."}
    variant = "each" if form["variant"] == "each" else "same"
    return {"scenario": scenario_id, "faults": faults, "seed": seed, "variant": variant}, {}


def _practice_spec(form: dict, owner_id: int) -> tuple[dict, dict]:
    pool = class_progress.questions_for(get_db(), owner_id)
    picked = [qid for qid in form["question"] if qid in pool]
    if picked:
        return {"question_ids": picked[:MAX_PRACTICE]}, {}
    size = _number(form["size"], 1, MAX_PRACTICE)
    if size is None:
        return {}, {"size": f"A practice set has 1 to {MAX_PRACTICE} questions."}
    chosen = choose_practice(
        pool.values(),
        areas=set(form["area"]) & set(AREAS),
        terms=set(form["term"]) & set(TERMS),
        types=set(form["type"]) & set(TYPES),
        size=size,
        rng=random.Random(),
    )
    if not chosen:
        return {}, {"size": "No question matches those areas, terms and types."}
    return {"question_ids": chosen}, {}


@bp.post("/<id:class_id>/assignments")
def create_assignment(class_id):
    _teaching(class_id)
    form = _read_form()
    recipe, errors = _validate(form, g.user.id)
    if errors:
        page = render(
            "classes/assignment_form.html",
            "classes/_assignment_form.html",
            **_form_context(class_id, form, errors),
        )
        return page, 422
    assignment_id = class_store.create_assignment(
        get_db(),
        class_id,
        g.user.id,
        form["kind"],
        form["title"],
        recipe["spec"],
        recipe["opens"],
        recipe["closes"],
        recipe["attempts"],
        form["late_counts"] == "1",
    )
    flash(f"Assignment {form['title']} created.")
    return redirect(url_for("classes.assignment", class_id=class_id, assignment_id=assignment_id), 303)


@bp.get("/<id:class_id>/assignments/<id:assignment_id>")
def assignment(class_id, assignment_id):
    db = get_db()
    if g.user and class_store.class_for(db, class_id, g.user.id, "instructor"):
        found = _assignment(class_id, assignment_id)
        return render(
            "classes/assignment.html",
            "classes/_assignment.html",
            cls=_teaching(class_id),
            assignment=found,
            students=class_store.members(db, class_id, "student"),
            extensions=class_store.extensions(db, assignment_id),
            faults=breaks.FAULTS,
            zone=viewer_zone().key,
        )
    cls = _attending(class_id)
    found = _assignment(class_id, assignment_id)
    standing = class_progress.student_standing(db, found, g.user.id)
    replaces = None
    if found["kind"] == "lab":
        lab = lab_store.find_lab(db, g.user.id, found["spec"]["scenario"])
        replaces = lab if lab is not None and lab["assignment_id"] != assignment_id else None
    return render(
        "classes/start.html",
        "classes/_start.html",
        cls=cls,
        assignment=found,
        standing=standing,
        replaces=replaces,
    )


@bp.post("/<id:class_id>/assignments/<id:assignment_id>/late")
def late_counts(class_id, assignment_id):
    """The instructor's choice, at any time: whether work done after the close counts in the grade."""
    _teaching(class_id)
    _assignment(class_id, assignment_id)
    counts = request.form.get("late_counts") == "1"
    class_store.set_late_counts(get_db(), assignment_id, counts)
    flash("Late work now counts in the grade." if counts else "Only the work done by the close counts now.")
    url = url_for("classes.assignment", class_id=class_id, assignment_id=assignment_id, _anchor="late-title")
    return redirect(url, 303)


@bp.post("/<id:class_id>/assignments/<id:assignment_id>/extensions")
def extend(class_id, assignment_id):
    _teaching(class_id)
    _assignment(class_id, assignment_id)
    student = _student_of(class_id, request.form.get("student", type=int) or 0)
    zone = zone_named(request.form.get("tz"))
    closes = local_moment(request.form.get("closes_at", ""), zone)
    if closes is None:
        flash("Give the date and time the extension runs to.")
    else:
        class_store.set_extension(get_db(), assignment_id, student["id"], closes)
        until = f"{closes.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"
        flash(f"{class_store.display_name(student)} has until {until}.")
    return redirect(url_for("classes.assignment", class_id=class_id, assignment_id=assignment_id), 303)


@bp.post("/<id:class_id>/assignments/<id:assignment_id>/start")
def start(class_id, assignment_id):
    """Start (or resume) the work of an assignment: it is made as the labs and quizzes make it, linked to
    the assignment, so its results reach the class."""
    db = get_db()
    cls = _attending(class_id)
    found = _assignment(class_id, assignment_id)
    here = url_for("classes.assignment", class_id=class_id, assignment_id=assignment_id)
    now = class_store.now_utc()
    refusal = None
    if cls["archived_at"]:
        refusal = "This class is archived: its work is closed."
    elif now < class_store.parse_time(found["opens_at"]):
        refusal = "This assignment is not open yet."
    elif now > class_store.closes_for(db, found, g.user.id):
        refusal = "This assignment has closed. Ask your instructor for an extension."
    if refusal:
        flash(refusal)
        return redirect(here, 303)
    if found["kind"] == "lab":
        return _start_lab(found, here)
    return _start_quiz(found, here)


def _start_lab(found: dict, here: str):
    """The assigned lab; the learner's own lab of the same scenario is replaced only once they say so."""
    spec = found["spec"]
    own = lab_store.find_lab(get_db(), g.user.id, spec["scenario"])
    if own is not None and own["assignment_id"] != found["id"] and request.form.get("replace") != "1":
        flash("Tick the box to replace your own lab of this scenario with the assigned one.")
        return redirect(here, 303)
    seed = spec["seed"] if spec["variant"] == "same" else breaks.variant_seed(spec["seed"], g.user.id)
    lab_store.start_assigned_lab(
        get_db(), g.user.id, spec["scenario"], found["id"], spec["faults"], seed, found["max_attempts"]
    )
    return redirect(url_for("labs.show", scenario_id=spec["scenario"], _anchor="command-line"), 303)


def _start_quiz(found: dict, here: str):
    db = get_db()
    attempts = class_store.attempts_for(db, found["id"], g.user.id)
    unfinished = next((a for a in attempts if not a["submitted_at"]), None)
    if unfinished is not None:
        return redirect(
            url_for("quizzes.question", attempt_id=unfinished["id"], number=unfinished["position"]), 303
        )
    if found["max_attempts"] and len(attempts) >= found["max_attempts"]:
        flash(f"You have used all {found['max_attempts']} attempts of this assignment.")
        return redirect(here, 303)
    running = quiz_store.open_exam(db, g.user.id)
    if running is not None:
        flash(EXAM_FIRST if found["kind"] == "practice" else "Finish the exam you have in progress first.")
        return redirect(
            url_for("quizzes.question", attempt_id=running["id"], number=running["position"]), 303
        )
    spec = found["spec"]
    if found["kind"] == "practice":
        attempt_id = quiz_store.create_attempt(
            db, g.user.id, "practice", found["title"], spec["question_ids"], assignment_id=found["id"]
        )
    else:
        pool = Bank(class_progress.questions_for(db, found["created_by"]))
        weights = {a: exams.DEFAULT_WEIGHTS[a] for a in spec["areas"]} or None
        question_ids = exams.build_exam(pool, random.Random(), spec["size"], weights)
        deadline = exams.deadline(quiz_store.now_utc(), spec["minutes"])
        attempt_id = quiz_store.start_exam(db, g.user.id, found["title"], question_ids, deadline, found["id"])
    return redirect(url_for("quizzes.question", attempt_id=attempt_id, number=1), 303)


@bp.get("/<id:class_id>/live")
def live(class_id):
    """Who is working on what, and the heat map; the fragment polls itself every POLL_SECONDS."""
    cls = _teaching(class_id)
    db = get_db()
    if not is_partial():  # the board's own polls are not a look by the instructor
        class_store.mark_seen(db, class_id, g.user.id)
    table = class_progress.class_table(db, class_id)
    heat = class_progress.heat_map(db, class_id, table)
    return render(
        "classes/live.html", "classes/_live.html", cls=cls, table=table, heat=heat, poll=POLL_SECONDS
    )


@bp.get("/<id:class_id>/students/<id:user_id>")
def student(class_id, user_id):
    """One student's work in the class, read-only: each assignment, its attempts and the lab's command log."""
    cls = _teaching(class_id)
    db = get_db()
    who = _student_of(class_id, user_id)
    table = class_progress.class_table(db, class_id)
    work = []
    for found in table.assignments:
        key = (user_id, found["id"])
        lab = table.labs.get(key)
        attempts = table.attempts.get(key, [])
        work.append(
            {
                "assignment": found,
                "standing": table.cells[key],
                "grade": class_progress.lab_grade(lab),
                "commands": class_store.lab_commands(db, lab["id"]) if lab else [],
                "attempts": [
                    {
                        "attempt": a,
                        "answers": quiz_store.answers(db, a["id"]),
                        "questions": class_progress.attempt_questions(db, a),
                    }
                    for a in attempts
                ],
            }
        )
    return render("classes/student_work.html", "classes/_student_work.html", cls=cls, who=who, work=work)


def _owners(class_id: int) -> list[int]:
    return [m["id"] for m in class_store.members(get_db(), class_id, "instructor")]


@bp.get("/<id:class_id>/statistics")
def statistics(class_id):
    cls = _teaching(class_id)
    stats = class_progress.question_statistics(get_db(), class_id, _owners(class_id))
    return render("classes/statistics.html", "classes/_statistics.html", cls=cls, stats=stats)


@bp.get("/<id:class_id>/gradebook.csv")
def gradebook(class_id):
    rows, name = _gradebook(class_id)
    return attachment(class_progress.gradebook_csv(rows), "text/csv", f"gradebook-{name}.csv")


@bp.get("/<id:class_id>/gradebook.xlsx")
def gradebook_xlsx(class_id):
    rows, name = _gradebook(class_id)
    workbook = class_progress.gradebook_xlsx(rows, f"Gradebook: {name}")
    return attachment(workbook, XLSX, f"gradebook-{name}.xlsx")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _gradebook(class_id: int) -> tuple[list[list], str]:
    """The class's gradebook rows, and the class's name as a file name can hold it."""
    cls = _teaching(class_id)
    rows = class_progress.gradebook(get_db(), class_id, _owners(class_id))
    return rows, "".join(ch if ch.isalnum() else "-" for ch in cls["name"]).strip("-")[:40] or "class"
