import re

from conftest import assert_accessible
from playwright.sync_api import expect


def test_shut_down_and_clone_a_guest_on_the_host_page_by_keyboard(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"learner@kvmhost"))
    expect(terminal).to_be_focused()
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    expect(table.get_by_role("row", name=re.compile("^web01 running"))).to_be_visible()
    assert_accessible(page)

    machines.get_by_role("button", name="Shut down web01").press("Enter")
    status = machines.get_by_role("status")
    expect(status).to_contain_text("Domain 'web01' is being shutdown")
    expect(table.get_by_role("row", name=re.compile("^web01 shut off"))).to_be_visible()

    machines.locator("summary", has_text="Clone web01").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(machines.get_by_role("textbox", name="Name of the clone of web01")).to_be_focused()
    page.keyboard.type("web02")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Clone 'web02' created successfully.")
    expect(table.get_by_role("row", name=re.compile("^web02 shut off"))).to_be_visible()

    terminal.fill("sudo virsh list --all")
    terminal.press("Enter")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text(re.compile(r"-\s+web02\s+shut off"))
    assert_accessible(page)
