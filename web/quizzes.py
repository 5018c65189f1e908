"""Quizzes: Practice questions and timed exams on objective 102.6."""

from flask import Blueprint

from web.render import render

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


@bp.get("/")
def index():
    return render(
        "coming.html",
        "_coming.html",
        title="Quizzes",
        blurb="Practice questions and timed exams on objective 102.6.",
    )
