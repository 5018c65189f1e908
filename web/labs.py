"""Labs: Simulated hosts, guests and containers in your browser."""

from flask import Blueprint

from web.render import render

bp = Blueprint("labs", __name__, url_prefix="/labs")


@bp.get("/")
def index():
    return render(
        "coming.html",
        "_coming.html",
        title="Labs",
        blurb="Simulated hosts, guests and containers in your browser.",
    )
