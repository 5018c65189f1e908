"""What a learner walking the cloned-guest lab ran into: each test is one thing found and fixed."""

import re

from playwright.sync_api import expect


def test_a_long_fingerprint_in_a_check_does_not_widen_the_page(page):
    # The pgp-key check names the source's 40-digit fingerprint: unbroken, it pushed the task column past
    # the viewport and the whole page scrolled sideways.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").click()
    expect(page.get_by_role("article", name="4. Give the clone its own OpenPGP key")).to_contain_text(
        "holds the source's secret key"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_a_screen_reader_hears_when_a_command_or_the_editor_changes_a_tasks_points(page):
    # The task list is swapped silently: only the terminal's log was a live region, so a learner who cannot
    # see the list never learnt that a check had passed.
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").click()
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    terminal.fill("sudo hostnamectl set-hostname web02")
    terminal.press("Enter")
    news = page.locator("#grade-announce")
    expect(news).to_have_attribute("role", "status")
    expect(news).to_have_text("Task 1, Give the clone its own host name: 1 of 2 points.")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web02"))
    terminal.fill("sudo nano /etc/hosts")
    terminal.press("Enter")
    buffer = page.get_by_role("textbox", name=re.compile("nano"))
    expect(buffer).to_be_focused()
    buffer.fill(buffer.input_value().replace("127.0.1.1 web01", "127.0.1.1 web02"))
    buffer.press("Control+o")
    expect(page.get_by_role("textbox", name="File Name to Write:")).to_be_focused()
    page.keyboard.press("Enter")  # nano 7.2 asks the name to write: Enter accepts the file's own
    expect(news).to_have_text("Task 1, Give the clone its own host name: 2 of 2 points.")
    buffer.press("Control+x")
    terminal.fill("hostname")
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text("hostname")
    expect(news).to_have_text("Task 1, Give the clone its own host name: 2 of 2 points.")  # nothing new
