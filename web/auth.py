"""Sign up, log in, log out, change password; who the current visitor is; who may see what."""

import functools
import hmac
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
        db = get_db()
        rules = throttle.guest_rules(_address())
        wait = throttle.retry_after(db, rules)
        if wait:
            abort(
                429, f"Too many new visitors from your address. Sign up or log in, or wait {_minutes(wait)}."
            )
        throttle.record(db, rules)
        _start_session(accounts.create_guest(db))
    return g.user


def _address() -> str:
    return request.remote_addr or "unknown"


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None or g.user.is_guest:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)
        return view(**kwargs)

    return wrapped


def instructor_required(view):
    @login_required
    @functools.wraps(view)
    def wrapped(**kwargs):
        if not g.user.is_instructor:
            abort(403)
        return view(**kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send someone elsewhere after logging in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _check_invite(given: str) -> tuple[str, dict]:
    """An instructor invite code, compared in constant time; wrong guesses are throttled per address."""
    db = get_db()
    rules = throttle.invite_rules(_address())
    if throttle.retry_after(db, rules):
        return "learner", {"invite": "Too many wrong invite codes from your address. Try again later."}
    code = current_app.config.get("INSTRUCTOR_INVITE_CODE") or ""
    if code and hmac.compare_digest(given.encode(), code.encode()):
        return "instructor", {}
    throttle.record(db, rules)
    return "learner", {
        "invite": "That instructor invite code is not valid. Leave it empty to sign up as a learner."
    }


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = {"username": "", "invite": ""}
    if request.method != "POST":
        return render("auth/signup.html", "auth/_signup_form.html", form=form, errors={})
    form = {"username": request.form.get("username", "").strip(), "invite": request.form.get("invite", "")}
    errors = {}
    role = "learner"
    if form["invite"]:
        role, errors = _check_invite(form["invite"])
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
        rules = throttle.login_rules(username, _address())
        wait = throttle.retry_after(db, rules)
        if wait:
            error = f"Too many failed log-in attempts. Please wait {_minutes(wait)} and try again."
            response = render(
                "auth/login.html", "auth/_login_form.html", username=username, next=next_url, error=error
            )
            return response, 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(db, username, request.form.get("password", ""))
        if user is None:
            throttle.record(db, rules)
            error = "That user name and password do not match an account."
            return render(
                "auth/login.html", "auth/_login_form.html", username=username, next=next_url, error=error
            ), 401
        throttle.clear(db, rules[:1])
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
