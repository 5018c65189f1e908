import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _tab_to(page, locator, limit=80):
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def test_practice_quiz_by_keyboard_with_feedback(page):
    page.goto("/quizzes/")
    assert_accessible(page)
    single = page.get_by_role("checkbox", name="One answer")
    _tab_to(page, single)
    page.keyboard.press("Space")
    expect(single).to_be_checked()
    start = page.get_by_role("button", name="Start practice")
    _tab_to(page, start)
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile(r"Practice on [^:]+: question 1 of \d+"))
    ).to_be_visible()
    assert_accessible(page)
    first_option = page.get_by_role("radio").first
    _tab_to(page, first_option)
    page.keyboard.press("Space")
    expect(first_option).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Answer"))
    page.keyboard.press("Enter")
    feedback = page.get_by_role("heading", name=re.compile(r"^(Correct\.|Not quite\.)$"))
    expect(feedback).to_be_visible()
    expect(feedback).to_be_focused()
    expect(page.get_by_text(re.compile(r"^(Right answer|You chose this; it is wrong\.)"))).not_to_have_count(
        0
    )
    assert_accessible(page)
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_role("heading", name=re.compile("question 2 of"))).to_be_visible()


def test_exam_resumes_after_the_page_is_closed_and_can_be_reviewed(page, context):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start an exam").click()
    expect(page.get_by_role("heading", name="Exam 102.6: question 1 of 60")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(89|90):\d\d$"))
    answer_first = (
        page.get_by_role("radio").or_(page.get_by_role("checkbox")).or_(page.get_by_label("Your answer"))
    )
    target = answer_first.first
    if target.get_attribute("type") in ("radio", "checkbox"):
        target.focus()
        page.keyboard.press("Space")
    else:
        target.fill("modprobe kvm")
    page.get_by_role("button", name="Save answer").press("Enter")
    expect(page.get_by_role("heading", name="Exam 102.6: question 1 of 60")).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Answer saved.")).to_be_visible()
    page.get_by_role("button", name="Flag for review").press("Enter")
    expect(page.get_by_role("button", name="Unflag")).to_be_visible()
    url = page.url
    page.close()

    again = context.new_page()
    again.goto("/quizzes/")
    again.get_by_role("link", name="Resume your exam").click()
    assert again.url == url
    expect(again.get_by_role("button", name="Unflag")).to_be_visible()
    expect(again.get_by_role("link", name="Question 1, answered, flagged")).to_be_visible()
    again.get_by_role("button", name="Save and review all").press("Enter")
    expect(again.get_by_role("heading", name="Before you submit")).to_be_visible()
    expect(again.get_by_text("You have answered 1 of 60 questions.")).to_be_visible()
    assert_accessible(again)
    again.get_by_role("button", name="Submit the exam").press("Enter")
    expect(again.get_by_role("heading", name="Review: Exam 102.6")).to_be_visible()
    expect(again.get_by_text(re.compile(r"\d+ / 800: not passed"))).to_be_visible()
    expect(again.get_by_role("table", name="By knowledge area")).to_be_visible()
    assert_accessible(again)


def test_lab_question_is_done_in_the_embedded_terminal(page):
    page.goto("/quizzes/")
    page.get_by_role("checkbox", name="Do it in a lab").check()
    page.get_by_role("button", name="Start practice").click()
    page.get_by_role("button", name="Start the lab for this question").click()
    terminal = page.get_by_role("textbox", name=re.compile(r"^(learner@|root@)"))
    terminal.fill("uname -s")
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text("Linux")
    expect(terminal).to_be_focused()
    assert_accessible(page)
    page.get_by_role("button", name="Check my lab").click()
    expect(page.get_by_role("heading", name=re.compile(r"^(Correct\.|Not quite\.)$"))).to_be_visible()


def test_an_exam_answer_that_fails_to_save_says_so_and_is_saved_on_retry(page):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start an exam").click()
    expect(page.get_by_role("heading", name="Exam 102.6: question 1 of 60")).to_be_visible()
    failures = []

    def fail_the_first_autosave(route):
        if route.request.method == "POST" and "autosave" in (route.request.post_data or "") and not failures:
            failures.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/quizzes/attempts/\d+/1$"), fail_the_first_autosave)
    status = page.locator("#question-status")
    answer = page.get_by_role("radio").or_(page.get_by_role("checkbox")).or_(page.get_by_label("Your answer"))
    target = answer.first
    if target.get_attribute("type") in ("radio", "checkbox"):
        target.check()
    else:
        target.fill("modprobe kvm")
        target.press("Tab")
    expect(status).to_have_text(re.compile("Your answer is not saved yet"))
    expect(status).to_have_text("Your answer is saved now.", timeout=10_000)
    assert len(failures) == 1
    page.reload()
    expect(page.get_by_role("link", name="Question 1, answered")).to_be_visible()
