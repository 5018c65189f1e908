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


def test_in_study_mode_the_verdict_takes_the_focus_and_tab_goes_on_to_the_next_question(page):
    page.goto("/quizzes/")
    page.get_by_role("checkbox", name="One answer").check()
    page.get_by_role("button", name="Start practice").click()
    expect(page.get_by_role("heading", name=re.compile("question 1 of"))).to_be_focused()
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Answer").press("Enter")
    verdict = page.get_by_role("heading", name=re.compile(r"^(Correct\.|Not quite\.)$"))
    expect(verdict).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Next question")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("question 2 of"))).to_be_focused()
