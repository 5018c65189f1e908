"""The lab's own terminal across a reboot, by keyboard: the login ends as ssh's does, and once the machine
is up a new login takes the keyboard, with the commands typed before still recalled by Up."""

import re

from conftest import assert_accessible, run_line
from playwright.sync_api import expect


def test_a_reboot_ends_the_login_and_a_new_one_takes_the_keyboard(page):
    page.goto("/labs/kvm-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    run_line(page, "cd /etc")
    run_line(page, "sudo reboot")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("Connection to web01 closed by remote host.")
    expect(log).to_contain_text("guestlab: web01 is up again: the terminal logs in to it anew.")
    fresh = page.get_by_role("textbox", name=re.compile(r"^learner@web01:~\$"))  # home again: a new login
    expect(fresh).to_be_focused()
    expect(page.get_by_role("button", name=re.compile("^Power on"))).to_have_count(0)
    fresh.press("ArrowUp")
    expect(fresh).to_have_value("sudo reboot")
    fresh.fill("")
    run_line(page, "uptime")
    expect(log.locator("samp").last).to_contain_text("up 0 min")
    assert_accessible(page)
