"""The cloned-guest lab in the browser: two identifiers fixed in the terminal turn their checks green, and a
stale fstab line stops the reboot in emergency mode, from which the keyboard finds the way back."""

import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _run(page, terminal, line):
    terminal.fill(line)
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)


def _task(page, title):
    return page.get_by_role("article", name=re.compile(title))


def test_fixing_the_clone_turns_its_checks_green(page):
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    expect(terminal).to_be_focused()
    log = page.get_by_role("log", name="Terminal output")
    hostname = _task(page, "Give the clone its own host name")
    expect(hostname).to_contain_text("0 of 2 points")

    _run(page, terminal, "sudo hostnamectl set-hostname web02")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web02"))
    _run(page, terminal, "sudo true")
    expect(log).to_contain_text("sudo: unable to resolve host web02: Name or service not known")
    expect(hostname).to_contain_text("1 of 2 points")
    _run(page, terminal, "sudo sed -i 's/^127.0.1.1 .*/127.0.1.1 web02/' /etc/hosts")
    expect(hostname).to_contain_text("2 of 2 points")
    expect(hostname.get_by_role("listitem")).to_contain_text("Passed:")

    machine_id = _task(page, "Give the clone its own machine ID")
    _run(page, terminal, "sudo rm /etc/machine-id && sudo systemd-machine-id-setup")
    expect(log).to_contain_text("Initializing machine ID from VM UUID.")
    expect(machine_id).to_contain_text("3 of 3 points")
    expect(machine_id.get_by_text("Not yet:")).to_have_count(0)
    assert_accessible(page)

    page.reload()
    expect(_task(page, "Give the clone its own machine ID")).to_contain_text("3 of 3 points")


def test_emergency_mode_and_back_by_keyboard(page):
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    for line in ("sudo umount /srv", "sudo e2fsck -f /dev/vdb1", "sudo tune2fs -U random /dev/vdb1"):
        _run(page, terminal, line)
    _run(page, terminal, "sudo reboot")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("You are in emergency mode.")
    sulogin = page.get_by_role("textbox", name="(or press Control-D to continue):")
    expect(sulogin).to_be_focused()
    sulogin.press("Enter")
    root = page.get_by_role("textbox", name=re.compile(r"^root@web01"))
    expect(root).to_be_focused()
    fstab = 'sed -i "s|^UUID=[^ ]* /srv |UUID=$(blkid -s UUID -o value /dev/vdb1) /srv |" /etc/fstab'
    _run(page, root, fstab)
    _run(page, root, "reboot")
    expect(page.get_by_role("textbox", name=re.compile(r"^learner@web01"))).to_be_focused()
    working = _task(page, "Leave it working")
    expect(working.get_by_role("listitem").first).to_contain_text("Passed:")
    assert_accessible(page)
