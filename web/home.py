"""The home page: what a newcomer can do here, and a first lab or quiz in one click."""

from flask import Blueprint

from web.render import render

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render("home/index.html", "home/_content.html")
