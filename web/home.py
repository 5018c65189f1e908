"""The home page: for a returning learner, where to continue and what is due (their classes' work
first); for an instructor, their classes and what is new in them; for anyone else, what GuestLab is, a
first lab in one click, and what an account adds."""

from flask import Blueprint, g

from web import class_store, classes, dashboard, lab_path, lab_store, quiz_store
from web.banks import bank
from web.db import get_db
from web.render import render
from web.times import viewer_zone

bp = Blueprint("home", __name__)

# The first lab a newcomer meets: a bare-metal Intel host, the objective's starting point.
FIRST_LAB = "intel-vtx-host"


@bp.get("/")
def index():
    context = {"first_lab": FIRST_LAB, "returning": False}
    if g.user is not None:
        db = get_db()
        exam_date = quiz_store.exam_date(db, g.user.id)
        zone = viewer_zone()
        context.update(
            continue_item=dashboard.continue_item(db, g.user.id),
            now=quiz_store.now_utc().isoformat(timespec="seconds"),
            results=dashboard.recent_results(db, g.user.id),
            reviews=dashboard.reviews(db, g.user.id, bank().questions, exam_date, zone),
            exam_date=exam_date,
            days_to_exam=dashboard.days_to(exam_date, zone),
            zone_name=zone.key,
            class_work=classes.assignments_due(2),
            teaching=class_store.teaching_overview(db, g.user.id) if g.user.is_instructor else [],
        )
        context["next_lab"] = _next_after_finished(db, g.user.id, context["continue_item"])
        coming = any(day["count"] for day in context["reviews"]["forecast"])
        context["returning"] = bool(
            context["continue_item"]
            or context["results"]
            or coming
            or context["class_work"]
            or g.user.is_instructor
        )
    return render("home/index.html", "home/_content.html", **context)


def _next_after_finished(db, user_id: int, item: dict | None) -> dict | None:
    """When the lab worked on last has every check passing, the lab to go on with: continuing a finished
    lab would only send the learner back to a terminal with nothing left to do."""
    if not item or item["kind"] != "lab":
        return None
    lab = lab_store.find_lab(db, user_id, item["scenario_id"])
    checks = lab_store.saved_grade(db, lab)["checks"] if lab else []
    if not checks or not all(check["passed"] for check in checks):
        return None
    return lab_path.next_lab_after(db, item["scenario_id"])
