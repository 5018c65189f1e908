"""Sign up, log in, log out, change password; who the current visitor is; who may see what."""

import functools
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from sqlite_utils import Database

from web import accounts, sessions, throttle
from web.db import get_db, write_transaction
from web.render import render

bp = Blueprint("auth", __name__)


@bp.before_app_request
def load_user() -> None:
    token = session.get("sid")
    g.user = sessions.user_for(get_db(), token) if token else None
    if token and g.user is None:
        session.clear()
    if g.user is None and "browser" not in session and request.endpoint != "static":
        # Given on the first page view, so the parallel requests that page then makes share one guest.
        session["browser"] = secrets.token_urlsafe(16)


def _start_session(user: accounts.User) -> None:
    """A new session token at every log-in and sign-up; the one it replaces is ended."""
    db = get_db()
    browser = session.get("browser")
    sessions.end(db, session.get("sid"))
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(db, user.id)
    if user.is_guest:
        session["browser"] = browser
    g.user = user


def current_owner() -> accounts.User:
    """The visitor who owns what is being done: the account, or this browser's guest row."""
    if g.user is None:
        _start_session(_admit_stranger(get_db(), session["browser"]))
    return g.user


def admit_class_member() -> accounts.User:
    """A visitor who gave a class's valid join code: their guest row is made at once, never counted against
    the limits for new anonymous visitors (a whole class behind one school address joins together)."""
    if g.user is None:
        db = get_db()
        with write_transaction(db):
            guest = accounts.guest_for_browser(db, session["browser"]) or accounts.create_guest(
                db, session["browser"]
            )
        _start_session(guest)
    return g.user


def _admit_stranger(db: Database, browser_key: str) -> accounts.User:
    """This browser's guest, made if it has none yet. New guests from one address are limited, so a script
    cannot fill the database; a learner joining a class by its code is no stranger and will get their row
    from accounts.create_guest directly, never from here."""
    with write_transaction(db):
        guest = accounts.guest_for_browser(db, browser_key)
        if guest is None:
            wait = throttle.take(db, throttle.guest_bucket(_address()))
            if wait:
                abort(
                    429,
                    f"Too many new visitors from your address. Sign up or log in, or wait {_duration(wait)}.",
                )
            guest = accounts.create_guest(db, browser_key)
    return guest


def _address() -> str:
    return request.remote_addr or "unknown"


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
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
    """Only same-site paths, so a crafted link cannot send someone elsewhere after logging in. A backslash
    (browsers read "/\\host" as "//host") or a control character (no header may hold one) is refused too."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
        and target.isprintable()
        and "\\" not in target
    ):
        return target
    return url_for("home.index")


def _invite_throttled() -> dict:
    if throttle.retry_after(get_db(), throttle.invite_rules(_address())):
        return {"invite": "Too many wrong invite codes from your address. Try again later."}
    return {}


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if request.method != "POST":
        form = {"username": "", "invite": request.args.get("invite", "")}
        return render("auth/signup.html", "auth/_signup_form.html", form=form, errors={})
    db = get_db()
    form = {"username": request.form.get("username", "").strip(), "invite": request.form.get("invite", "")}
    password = request.form.get("password", "")
    errors = _invite_throttled() if form["invite"] else {}
    try:
        accounts.validate_credentials(form["username"], password)
    except accounts.AccountError as exc:
        errors.update(exc.errors)
    if not errors:
        wait = throttle.take(db, throttle.signup_bucket(_address()))
        if wait:
            errors["form"] = (
                f"Too many sign-ups from your address. Please wait {_duration(wait)} and try again."
            )
    if not errors:
        guest = g.user if g.user is not None and g.user.is_guest else None
        try:
            user = accounts.sign_up(db, form["username"], password, guest=guest, invite=form["invite"])
        except accounts.AccountError as exc:
            errors.update(exc.errors)
            if "invite" in exc.errors:
                throttle.record(db, throttle.invite_rules(_address()))
    if errors:
        return render("auth/signup.html", "auth/_signup_form.html", form=form, errors=errors), 422
    _start_session(user)
    flash(f"Welcome, {user.username}. Your account is ready.")
    return redirect(url_for("home.index"), 303)


def _too_many(template: str, fragment: str, wait: int, what: str, **context):
    error = f"Too many {what}. Please wait {_duration(wait)} and try again."
    return render(template, fragment, error=error, **context), 429, {"Retry-After": str(wait)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    if request.method == "POST":
        db = get_db()
        username = request.form.get("username", "").strip()
        rules = throttle.login_rules(username, _address())
        wait = throttle.retry_after(db, rules)
        if wait:
            return _too_many(
                "auth/login.html",
                "auth/_login_form.html",
                wait,
                "failed log-in attempts",
                username=username,
                next=next_url,
            )
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
        db = get_db()
        rules = throttle.password_rules(g.user.id)
        wait = throttle.retry_after(db, rules)
        if wait:
            return _too_many(
                "auth/password.html", "auth/_password_form.html", wait, "wrong current passwords"
            )
        try:
            user = accounts.change_password(
                db, g.user, request.form.get("current", ""), request.form.get("new", "")
            )
        except accounts.WrongPassword as exc:
            throttle.record(db, rules)
            return render("auth/password.html", "auth/_password_form.html", error=str(exc)), 422
        except accounts.AccountError as exc:
            return render("auth/password.html", "auth/_password_form.html", error=str(exc)), 422
        throttle.clear(db, rules)
        _start_session(user)
        sessions.end_others(db, user.id, keep=session["sid"])
        flash("Your password is changed. Other sessions of this account have been logged out.")
        return redirect(url_for("home.index"), 303)
    return render("auth/password.html", "auth/_password_form.html", error=None)
