"""Instructor invites in the browser: make single-use codes, see the open ones, revoke them."""

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from web import invite_store
from web.auth import instructor_required
from web.db import get_db
from web.render import render

bp = Blueprint("invites", __name__, url_prefix="/account/invites")


def _page(status: int = 200, new_code: str | None = None, error: str | None = None):
    invites = invite_store.open_invites(get_db(), g.user.id)
    context = {"invites": invites, "new_code": new_code, "error": error, "days": invite_store.DEFAULT_DAYS}
    return render("invites/index.html", "invites/_invites.html", **context), status


@bp.get("/")
@instructor_required
def index():
    return _page()


@bp.post("/")
@instructor_required
def create():
    """The page itself shows the new code, not a redirect: it is shown once and must not sit in a cookie."""
    try:
        days = int(request.form.get("days", invite_store.DEFAULT_DAYS))
        code = invite_store.create(get_db(), g.user.id, days)
    except ValueError:
        return _page(422, error=f"An invite lasts 1 to {invite_store.MAX_DAYS} days.")
    return _page(201, new_code=code)


@bp.post("/<id:invite_id>/revoke")
@instructor_required
def revoke(invite_id: int):
    if not invite_store.revoke(get_db(), invite_id, g.user.id):
        abort(404)
    flash("The invite is revoked: its code no longer works.")
    return redirect(url_for("invites.index"), 303)
