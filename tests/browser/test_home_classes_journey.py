"""Home pages for people in classes: a student's work due, an instructor's classes and what is new in
them; a class exam's score on the exam's own scale."""

import re
import uuid

from conftest import assert_accessible, sign_up
from playwright.sync_api import expect

from web import invite_store
from web.db import connect


def _home(page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()


def test_home_pages_of_a_class_and_its_exam_score(browser, base_url, live_app):
    invite = invite_store.create(connect(live_app.config["DATABASE"]), None)
    tag = uuid.uuid4().hex[:6]
    teacher, student = (browser.new_context(base_url=base_url).new_page() for _ in range(2))

    sign_up(teacher, f"teach-{tag}", invite)
    _home(teacher)
    expect(teacher.get_by_role("heading", name="Classes you teach")).to_be_visible()
    teacher.get_by_role("link", name="Create a class").click()
    teacher.get_by_label("Name of a new class").fill(f"Autumn {tag}")
    teacher.get_by_role("button", name="Create class").click()
    code = teacher.locator("#class-code").inner_text()
    expect(
        teacher.get_by_text("a student's overall score is the mean of the assignments attempted")
    ).to_be_visible()
    teacher.get_by_role("link", name="New assignment").click()
    teacher.get_by_label("Title").fill("Quiz")
    teacher.get_by_label("An exam").check()
    teacher.get_by_label("Questions", exact=True).fill("4")
    teacher.get_by_role("button", name="Create assignment").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Quiz")

    sign_up(student, f"sam-{tag}")
    student.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    student.get_by_label("Join code").fill(code)
    student.get_by_label("Join code").press("Enter")
    _home(student)
    due = student.get_by_role("region", name="Your assignments")
    expect(due).to_contain_text(re.compile(r"due in \d days"))
    assert_accessible(student)
    due.get_by_role("link", name="Quiz").click()
    student.get_by_role("button", name="Start").click()
    student.get_by_role("button", name="Save and review all").press("Enter")
    student.get_by_role("button", name="Submit the exam").press("Enter")
    expect(student.get_by_text(re.compile(r"200 / 800: not passed"))).to_be_visible()
    _home(student)
    expect(student.get_by_role("region", name="Your assignments")).to_contain_text(
        "score 200 / 800, not passed (500 to pass)"
    )

    _home(teacher)
    classes = teacher.get_by_role("region", name="Classes you teach")
    expect(classes).to_contain_text("New since you last looked: 1 quiz or exam submitted.")
    assert_accessible(teacher)
    classes.get_by_role("link", name=f"Autumn {tag}", exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"Autumn {tag}")
    _home(teacher)
    expect(teacher.get_by_role("region", name="Classes you teach")).to_contain_text(
        "Nothing new since you last looked."
    )
