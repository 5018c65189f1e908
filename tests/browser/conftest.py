"""Browser tests drive the real app, served from a thread, in Chromium: Debian's when present."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from app import create_app
from tests.live import serve_in_thread

SYSTEM_CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }
    if os.path.exists(SYSTEM_CHROMIUM):
        args["executable_path"] = SYSTEM_CHROMIUM
    return args


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "live.sqlite"
    return create_app({"SECRET_KEY": "browser-tests", "DATABASE": str(path)})


@pytest.fixture(scope="session")
def live_server(live_app):
    """The whole app, CSRF and all, on a free port for the session."""
    with serve_in_thread(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture
def fast_installs(live_app):
    """The panel following a guest's install moves the host's clock 50 s a poll instead of 30 (the
    installer's 300 s in 12 s of polling): a setting for tests, no learner's shortcut."""
    live_app.config["INSTALL_POLL_SECONDS"] = 50
    yield
    del live_app.config["INSTALL_POLL_SECONDS"]


@pytest.fixture
def page(page):
    """Every page a test visits must run with no Content-Security-Policy violation."""
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    yield page
    assert not violations, violations


_axe = Axe()


def assert_accessible(page):
    """Fail on any serious or critical axe-core violation, with axe's own report."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


PASSWORD = "a long enough passphrase"


def sign_up(page, name, invite=""):
    """Create an account through the sign-up form (an instructor's with an invite code), logged in."""
    page.goto(f"/signup?invite={invite}" if invite else "/signup")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {name}")).to_be_visible()


@pytest.fixture
def signed_up(page):
    """A fresh learner account, logged in; returns the user name."""
    import uuid

    name = f"learner-{uuid.uuid4().hex[:8]}"
    sign_up(page, name)
    return name


def terminal(page):
    """The lab's command line, labelled by its prompt."""
    return page.get_by_role("textbox", name=re.compile(r"^learner@"))


def run_line(page, line):
    """Type a line at the prompt and wait until the terminal has echoed it and cleared the field."""
    terminal(page).fill(line)
    terminal(page).press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)
    expect(terminal(page)).to_have_value("")
