"""What a self-learner, an instructor and an exam-crammer met walking GuestLab in Chromium (QA, session 6)."""

import uuid

from playwright.sync_api import expect

from web import invite_store
from web.db import connect

PASSWORD = "a long enough passphrase"


def _instructor(page, live_app):
    invite = invite_store.create(connect(live_app.config["DATABASE"]), None)
    page.goto(f"/signup?invite={invite}")
    page.get_by_label("User name").fill(f"teach-{uuid.uuid4().hex[:6]}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto("/classes/")
    page.get_by_label("Name of a new class").fill("Tuesday evening")
    page.get_by_label("Name of a new class").press("Enter")
    expect(page.get_by_role("heading", name="Tuesday evening", level=1)).to_be_visible()


def test_a_refused_assignment_puts_the_focus_on_what_went_wrong(page, live_app):
    _instructor(page, live_app)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Clone fixes")
    page.get_by_label("Opens (UTC)").fill("2026-12-05T10:00")
    page.get_by_label("Closes (UTC)").fill("2026-12-01T10:00")
    page.get_by_role("button", name="Create assignment").press("Enter")
    summary = page.get_by_role("alert").filter(has_text="The assignment was not created")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()
