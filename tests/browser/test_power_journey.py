import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _run(page, terminal, line):
    terminal.fill(line)
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)


def test_a_guest_powered_off_in_its_terminal_is_started_again_from_the_page_by_keyboard(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    host = page.get_by_role("textbox", name=re.compile(r"^learner@kvmhost"))
    expect(host).to_be_focused()
    _run(page, host, "sudo virsh console web01")
    guest = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    expect(guest).to_be_visible()
    _run(page, guest, "sudo poweroff")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("The system will power off now!")
    expect(log).to_contain_text("reboot: Power down")
    expect(host).to_be_visible()  # the terminal is back on the host
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    expect(table.get_by_role("row", name=re.compile("^web01 shut off"))).to_be_visible()

    machines.get_by_role("button", name="Start web01").press("Enter")
    expect(machines.get_by_role("status")).to_contain_text("Domain 'web01' started")
    expect(table.get_by_role("row", name=re.compile("^web01 running"))).to_be_visible()
    assert_accessible(page)


def test_a_lab_machine_that_powered_off_is_powered_on_by_its_button_from_the_keyboard(page):
    page.goto("/labs/kvm-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    expect(terminal).to_be_focused()
    _run(page, terminal, "sudo poweroff")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("web01 is powered off. Press its Power on button")
    button = page.get_by_role("button", name="Power on web01")
    expect(button).to_be_visible()
    assert_accessible(page)

    terminal.focus()  # Tab on the empty command line moves on: Run, then the power button
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(log).to_contain_text("the power button was pressed: web01 boots.")
    expect(button).to_have_count(0)
    expect(terminal).to_be_focused()
    _run(page, terminal, "hostname")
    expect(log.locator("samp").last).to_have_text("web01\n")
