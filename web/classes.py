"""Classes: Instructors assign labs and quizzes and follow their students."""

from flask import Blueprint

from web.render import render

bp = Blueprint("classes", __name__, url_prefix="/classes")


@bp.get("/")
def index():
    return render(
        "coming.html",
        "_coming.html",
        title="Classes",
        blurb="Instructors assign labs and quizzes and follow their students.",
    )
