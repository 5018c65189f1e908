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


def _page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_at_320_px_no_question_feedback_or_score_report_pushes_the_page_sideways(page):
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto("/quizzes/")
    assert _page_width(page) <= 320
    # Every typed-answer question of this area, the sysfs path of fill-dmi-sys-vendor among them.
    page.get_by_role("checkbox", name=re.compile("^Guest drivers, tools and cloud-init")).check()
    page.get_by_role("checkbox", name="Type the answer").check()
    page.get_by_label("How many questions").select_option("20")
    page.get_by_role("button", name="Start practice").click()
    total = int(re.search(r"of (\d+)$", page.get_by_role("heading", level=1).inner_text()).group(1))
    for number in range(1, total + 1):
        page.get_by_label("Your answer").fill("not it")
        page.get_by_role("button", name="Answer").click()
        expect(page.get_by_role("heading", name="Not quite.")).to_be_visible()
        assert _page_width(page) <= 320, f"question {number}"
        if number < total:
            page.get_by_role("link", name="Next question").click()
            expect(page.get_by_role("heading", name=re.compile(f"question {number + 1} of"))).to_be_visible()
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start a shorter exam").click()
    page.get_by_role("button", name="Save and review all").click()
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_text("Not passed", exact=True)).to_be_visible()
    assert _page_width(page) <= 320
    page.goto("/quizzes/")
    assert _page_width(page) <= 320


def test_what_an_exam_button_did_is_put_into_a_status_region_already_on_the_page(page):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start a shorter exam").click()
    expect(page.get_by_role("heading", name=re.compile("question 1 of"))).to_be_focused()
    # Screen readers speak a change inside a live region, not a region swapped in with its words.
    page.evaluate(
        """() => { window.spoken = []; new MutationObserver((records) => { for (const r of records)
             if (r.target.id === "question-status" && r.target.isConnected && r.addedNodes.length)
               window.spoken.push(r.target.textContent.trim()); })
           .observe(document.body, { subtree: true, childList: true }); }"""
    )
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Unflag")).to_be_focused()
    for _ in range(40):  # wait_for_function would evaluate a string, which the page's CSP forbids
        if page.evaluate("window.spoken"):
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.spoken") == ["Flagged for review."]
    expect(page.get_by_role("status").filter(has_text="Flagged for review.")).to_be_visible()
