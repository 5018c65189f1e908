import re

from conftest import run_line, terminal
from playwright.sync_api import expect


def test_a_guest_rebooted_on_its_console_is_seen_going_down_and_booting_then_logged_in_again(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    run_line(page, "sudo virsh console web01")
    run_line(page, "cd /tmp")
    run_line(page, "sudo reboot")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("[  OK  ] Reached target reboot.target - System Reboot.")
    expect(log).to_contain_text("reboot: Restarting system")
    expect(log).to_contain_text("Welcome to Ubuntu 24.04.1 LTS!")
    expect(log.locator("samp").last).to_contain_text("web01 login: learner (automatic login)")
    expect(terminal(page)).to_have_accessible_name(re.compile(r"^learner@web01:~\$"))  # a new login
    expect(terminal(page)).to_be_focused()
    run_line(page, "exit")
    expect(terminal(page)).to_have_accessible_name(re.compile(r"^learner@kvmhost"))
    expect(terminal(page)).to_be_focused()
