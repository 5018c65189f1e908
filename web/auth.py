"""Sign up, log in, log out, change password; who the current visitor is; who may see what."""

import functools
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, request, session, url_for

from web import accounts, sessions, throttle
from web.db import get_db
from web.render import render

bp = Blueprint("auth", __name__)


@bp.before_app_request
def load_user() -> None:
    token = session.get("sid")
    g.user = sessions.user_for(get_db(), token) if token else None
    if token and g.user is None:
        session.clear()


def _start_session(user: accounts.User) -> None:
    """A new session token at every log-in and sign-up; the one it replaces is ended."""
    db = get_db()
    sessions.end(db, session.get("sid"))
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(db, user.id)
    g.user = user


def current_owner() -> accounts.User:
    """The visitor who owns what is being done: the account, or a guest row made on first use."""
    if g.user is None:
        _start_session(accounts.create_guest(get_db()))
    return g.user


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None or g.user.is_guest:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)
        return view(**kwargs)

    return wrapped


def instructor_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None or g.user.is_guest:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)
        if not g.user.is_instructor:
            abort(403)
        return view(**kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send someone elsewhere after logging in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = {"username": "", "invite": ""}
    if request.method != "POST":
        return render("auth/signup.html", "auth/_signup_form.html", form=form, errors={})
    form = {"username": request.form.get("username", "").strip(), "invite": request.form.get("invite", "")}
    invite = current_app.config.get("INSTRUCTOR_INVITE_CODE")
    role = "instructor" if invite and form["invite"] == invite else "learner"
    errors = {}
    if form["invite"] and role != "instructor":
        errors["invite"] = "That instructor invite code is not valid. Leave it empty to sign up as a learner."
    guest = g.user if g.user is not None and g.user.is_guest else None
    try:
        accounts.validate_credentials(form["username"], request.form.get("password", ""))
        if not errors:
            user = accounts.sign_up(
                get_db(), form["username"], request.form.get("password", ""), role, guest=guest
            )
    except accounts.AccountError as exc:
        errors.update(exc.errors)
    if errors:
        return render("auth/signup.html", "auth/_signup_form.html", form=form, errors=errors), 422
    _start_session(user)
    flash(f"Welcome, {user.username}. Your account is ready.")
    return redirect(url_for("home.index"), 303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method == "POST":
        db = get_db()
        username = request.form.get("username", "").strip()
        address = request.remote_addr or "unknown"
        wait = throttle.retry_after(db, username, address)
        if wait:
            minutes = max(1, round(wait / 60))
            error = (
                f"Too many failed log-in attempts. Please wait {minutes} minute{'s' if minutes != 1 else ''} "
                "and try again."
            )
            response = render(
                "auth/login.html", "auth/_login_form.html", username=username, next=next_url, error=error
            )
            return response, 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(db, username, request.form.get("password", ""))
        if user is None:
            throttle.record_failure(db, username, address)
            error = "That user name and password do not match an account."
            return render(
                "auth/login.html", "auth/_login_form.html", username=username, next=next_url, error=error
            ), 401
        throttle.clear(db, username)
        if g.user is not None and g.user.is_guest:
            accounts.adopt_guest_work(db, g.user, user)
        _start_session(user)
        flash(f"Logged in as {user.username}.")
        return redirect(safe_next(next_url), 303)
    return render("auth/login.html", "auth/_login_form.html", username="", next=next_url, error=None)


@bp.post("/logout")
def logout():
    sessions.end(get_db(), session.get("sid"))
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("home.index"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if request.method == "POST":
        try:
            user = accounts.change_password(
                get_db(), g.user, request.form.get("current", ""), request.form.get("new", "")
            )
        except accounts.AccountError as exc:
            return render("auth/password.html", "auth/_password_form.html", error=str(exc)), 422
        _start_session(user)
        sessions.end_others(get_db(), user.id, keep=session["sid"])
        flash("Your password is changed. Other sessions of this account have been logged out.")
        return redirect(url_for("home.index"), 303)
    return render("auth/password.html", "auth/_password_form.html", error=None)
