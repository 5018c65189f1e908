import datetime
import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _answer_first_option(page):
    answer = page.get_by_role("radio").or_(page.get_by_role("checkbox")).or_(page.get_by_label("Your answer"))
    target = answer.first
    if target.get_attribute("type") in ("radio", "checkbox"):
        target.check()
    else:
        target.fill("modprobe kvm")


def test_the_score_report_reads_at_a_glance_and_its_review_filters_by_keyboard(page):
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start a shorter exam").click()
    expect(
        page.get_by_role("heading", name="Short exam, 20 questions in 30 minutes: question 1 of 20")
    ).to_be_focused()
    _answer_first_option(page)
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name=re.compile("question 2 of 20"))).to_be_visible()
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Unflag")).to_be_visible()
    page.get_by_role("button", name="Save and review all").click()

    expect(page.get_by_role("heading", name="Before you submit")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    expect(page.locator("#exam-end")).not_to_contain_text("UTC")
    expect(page.get_by_role("link", name="Question 2, not answered, flagged for review")).to_be_visible()
    expect(page.get_by_role("link", name="Question 1, answered")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the exam").click()

    expect(page.get_by_text("Not passed", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^2[0-9]0 / 800: not passed$"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Time used: .+ of 30 min\.$"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Score by knowledge area"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Practise ")).first).to_be_visible()
    assert_accessible(page)

    filters = page.get_by_role("navigation", name="Show questions")
    unanswered = filters.get_by_role("link", name=re.compile(r"^Not answered \(\d+\)$"))
    unanswered.focus()
    page.keyboard.press("Enter")
    expect(unanswered).to_have_attribute("aria-current", "true")
    expect(unanswered).to_be_focused()
    # waits for htmx to push the address: when nothing was wrong, "Not answered" was already current
    expect(page).to_have_url(re.compile(r"show=unanswered$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Question \d+: not answered"))).not_to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"^Question \d+: (wrong|right)"))).to_have_count(0)

    flagged = filters.get_by_role("link", name="Flagged (1)")
    flagged.focus()
    page.keyboard.press("Enter")
    expect(flagged).to_be_focused()
    expect(page.get_by_role("heading", name=re.compile(r"^Question \d+: "))).to_have_count(1)
    expect(
        page.get_by_role("heading", name="Question 2: not answered (counts as wrong) flagged")
    ).to_be_visible()
    expect(page.get_by_text("Read more:")).to_have_count(1)
    assert_accessible(page)

    page.go_back()
    expect(page.get_by_role("heading", name=re.compile(r"^Question \d+: not answered")).first).to_be_visible()


def test_the_review_filters_work_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start a shorter exam").click()
    page.get_by_role("button", name="Save and review all").click()
    page.get_by_role("button", name="Submit the exam").click()
    page.get_by_role("link", name=re.compile(r"^All \(20\)$")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Question \d+: "))).to_have_count(20)
    context.close()


def test_a_returning_learner_finds_where_to_continue_and_what_is_due(page, signed_up):
    page.goto("/")
    expect(page.get_by_role("button", name="Start your first lab")).to_be_visible()
    page.get_by_role("button", name="Start your first lab").click()
    expect(page.get_by_role("log", name="Terminal output")).to_be_visible()

    page.goto("/quizzes/")
    page.get_by_role("checkbox", name="One answer").check()  # not a lab question, answered on the page
    page.get_by_role("button", name="Start practice").click()
    _answer_first_option(page)
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_role("heading", name=re.compile(r"^(Correct\.|Not quite\.)$"))).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name=f"Welcome back, {signed_up}")).to_be_visible()
    expect(page.get_by_role("link", name="Continue the practice")).to_be_visible()
    forecast = page.get_by_role("table", name="Reviews due in the next 7 days")
    expect(forecast.get_by_role("row")).to_have_count(8)
    expect(forecast.get_by_role("row").nth(1)).to_have_text(re.compile(r"^\s*Today\s*1\s*$"))
    assert_accessible(page)

    exam_day = datetime.date.today() + datetime.timedelta(days=30)
    page.get_by_label("Date of your exam").fill(exam_day.isoformat())
    page.get_by_role("button", name="Save exam date").click()
    expect(page.get_by_text(re.compile(r"^(29|30|31) days to your exam"))).to_be_visible()
    page.get_by_role("link", name="Continue the practice").click()
    expect(page.get_by_role("heading", name=re.compile(r"question 1 of \d+"))).to_be_focused()


def test_the_countdown_speaks_at_a_few_moments_not_every_second(page):
    page.clock.install()
    page.goto("/quizzes/")
    page.get_by_label("Questions", exact=True).select_option("10")
    page.get_by_label("Minutes", exact=True).select_option("15")
    page.get_by_role("button", name="Start a shorter exam").click()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    spoken = page.locator("#timer-status")
    page.clock.run_for(3000)
    expect(spoken).to_have_text("")
    page.clock.fast_forward("10:00")
    expect(spoken).to_have_text("5 minutes left in the exam.")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^[45]:\d\d$"))
    page.clock.fast_forward("01:00")
    expect(spoken).to_have_text("5 minutes left in the exam.")
