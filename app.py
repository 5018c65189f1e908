"""GuestLab: the application factory. Wiring only; behaviour lives in web/, simulator/ and quiz/."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

import simulator
from quiz import execution
from web.db import private_dir


def _secret_key(instance_path: str) -> str:
    """A key made once per installation and kept in the instance folder, so sessions survive restarts."""
    private_dir(instance_path)
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    # static/ is the source; the build (web/assets.py) is what /static/ serves.
    app = Flask(__name__, static_folder="build/static", instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "guestlab.sqlite"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        # The server ends sessions 30 days after log-in (web.sessions): re-sending the cookie on every
        # response would extend nothing, and costs a signature per request.
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=1024 * 1024,
        TRUST_PROXY=False,
        QUESTIONS_DIR=os.path.join(os.path.dirname(os.path.abspath(__file__)), "questions"),
    )
    app.config.from_pyfile("config.py", silent=True)
    # GUESTLAB_DATABASE, GUESTLAB_SECRET_KEY, GUESTLAB_TRUST_PROXY, ... override the defaults.
    app.config.from_prefixed_env("GUESTLAB")
    if test_config:
        app.config.update(test_config)
    if "INSTRUCTOR_INVITE_CODE" in app.config:
        app.logger.warning(
            "GUESTLAB_INSTRUCTOR_INVITE_CODE is no longer read: make single-use invites with "
            "`flask --app app create-invite` or on the Invites page of an instructor account."
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)

    from web import (
        assets,
        auth,
        banks,
        classes,
        cli,
        cloud,
        db,
        errors,
        home,
        invites,
        labs,
        machines,
        my_bank,
        quizzes,
        security,
        utf8_forms,
    )

    assets.init_app(app)
    # Static files are answered before Flask sees the request: no session, no cookie, precompressed.
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        add_headers_function=assets.add_headers,
    )
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    db.init_app(app)
    db.migrate(app.config["DATABASE"])
    security.init_app(app)
    utf8_forms.init_app(app)
    banks.init_app(app)
    simulator.warm_up()
    execution.warm_up(app.extensions["guestlab.bank"])
    for blueprint in (
        home.bp,
        auth.bp,
        invites.bp,
        labs.bp,
        machines.bp,
        quizzes.bp,
        my_bank.bp,
        cloud.bp,
        classes.bp,
        errors.bp,
        cli.bp,
    ):
        app.register_blueprint(blueprint)
    return app
