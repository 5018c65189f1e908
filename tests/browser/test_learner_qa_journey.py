"""What a learner preparing for LPIC-1 met on a walk through GuestLab over a few days (issue 12)."""

import re

from playwright.sync_api import expect


def test_flagging_an_exam_question_by_keyboard_keeps_the_focus_on_the_flag(page):
    page.goto("/quizzes/")
    page.get_by_label("Questions", exact=True).select_option("10")
    page.get_by_label("Minutes").select_option("15")
    page.get_by_role("button", name="Start a shorter exam").click()
    expect(page.get_by_role("heading", name=re.compile("question 1 of 10"))).to_be_focused()
    page.get_by_role("button", name="Flag for review").focus()
    page.keyboard.press("Enter")
    unflag = page.get_by_role("button", name="Unflag")
    expect(unflag).to_be_focused()
    expect(unflag).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status").filter(has_text="Flagged for review.")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Flag for review")).to_be_focused()
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name=re.compile("question 2 of 10"))).to_be_focused()
