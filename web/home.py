"""The home page: what a newcomer can do here, and a first lab or quiz in one click."""

from flask import Blueprint

from web.render import render

bp = Blueprint("home", __name__)

# The first lab a newcomer meets: a bare-metal Intel host, the objective's starting point.
FIRST_LAB = "intel-vtx-host"


@bp.get("/")
def index():
    return render("home/index.html", "home/_content.html", first_lab=FIRST_LAB)
