"""An instructor in Los Angeles sets due dates on their own clock; a learner there at 20:00 (already the
next day in UTC) sees what is due today and what tomorrow; the instructor decides whether late work counts."""

import datetime
import re
import uuid

from conftest import assert_accessible, sign_up
from playwright.sync_api import expect

from web import class_store, invite_store
from web.db import connect

ZONE = "America/Los_Angeles"
# 20:00 on 4 December in Los Angeles (UTC-8): 04:00 on 5 December in UTC.
EVENING_IN_LA = datetime.datetime(2026, 12, 5, 4, 0, tzinfo=datetime.UTC)


def _assign(page, title, closes):
    page.get_by_role("link", name="New assignment").click()
    expect(page.get_by_text(f"(your time: {ZONE})").first).to_be_visible()
    page.get_by_label("Title").fill(title)
    page.get_by_label("An exam").check()
    page.get_by_label(re.compile("^Opens")).fill("2026-12-01T09:00")
    page.get_by_label(re.compile("^Closes")).fill(closes)
    page.get_by_role("button", name="Create assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_due_dates_follow_the_instructors_and_the_learners_clocks(browser, base_url, live_app, monkeypatch):
    invite = invite_store.create(connect(live_app.config["DATABASE"]), None)
    tag = uuid.uuid4().hex[:6]
    contexts = [browser.new_context(base_url=base_url, timezone_id=ZONE, locale="en-GB") for _ in range(2)]
    teacher, learner = (context.new_page() for context in contexts)

    sign_up(teacher, f"teach-{tag}", invite)
    teacher.goto("/classes/")
    teacher.get_by_label("Name of a new class").fill(f"Evening {tag}")
    teacher.get_by_role("button", name="Create class").click()
    code = teacher.locator("#class-code").inner_text()
    class_page = teacher.url

    _assign(teacher, "Tonight", "2026-12-04T22:00")
    # shown on the instructor's clock, whatever the server wrote
    expect(teacher.get_by_role("definition").filter(has_text="to")).to_contain_text("22:00")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Count late work too").click()
    expect(teacher.get_by_role("region", name="Late work")).to_contain_text("counts in the grade")
    expect(teacher.get_by_role("button", name="Count only the work done by the close")).to_be_visible()
    teacher.goto(class_page)
    _assign(teacher, "After midnight", "2026-12-05T02:00")

    monkeypatch.setattr(class_store, "now_utc", lambda: EVENING_IN_LA)
    sign_up(learner, f"ada-{tag}")
    learner.goto("/classes/")
    learner.get_by_label("Join code").fill(code)
    learner.get_by_label("Join code").press("Enter")
    learner.goto("/classes/")
    due = learner.get_by_role("region", name="Your assignments")
    expect(due.get_by_role("listitem").filter(has_text="Tonight")).to_contain_text("due today")
    expect(due.get_by_role("listitem").filter(has_text="After midnight")).to_contain_text("due tomorrow")
    expect(due.get_by_role("listitem").filter(has_text="After midnight")).to_contain_text("02:00")
    assert_accessible(learner)
    for context in contexts:
        context.close()
