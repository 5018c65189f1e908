import re

from playwright.sync_api import expect


def _run(page, terminal, line):
    terminal.fill(line)
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)


def test_a_guest_rebooted_on_its_console_is_seen_going_down_and_booting_then_logged_in_again(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    host = page.get_by_role("textbox", name=re.compile(r"^learner@kvmhost"))
    _run(page, host, "sudo virsh console web01")
    guest = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    _run(page, guest, "cd /tmp")
    _run(page, guest, "sudo reboot")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("[  OK  ] Reached target reboot.target - System Reboot.")
    expect(log).to_contain_text("reboot: Restarting system")
    expect(log).to_contain_text("Welcome to Ubuntu 24.04.1 LTS!")
    expect(log.locator("samp").last).to_contain_text("web01 login: learner (automatic login)")
    expect(page.get_by_role("textbox", name=re.compile(r"^learner@web01:~\$"))).to_be_focused()  # a new login
    _run(page, guest, "exit")
    expect(host).to_be_focused()
