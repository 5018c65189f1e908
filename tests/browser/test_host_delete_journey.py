import re

from conftest import assert_accessible
from playwright.sync_api import expect


def test_delete_a_shut_off_guest_and_its_disk_by_keyboard(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    machines.locator("summary", has_text="Delete db01").focus()
    page.keyboard.press("Enter")
    expect(machines.get_by_text("the guest and its disk /var/lib/libvirt/images/db01.qcow2")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(machines.get_by_role("button", name="Delete db01 and its disk")).to_be_focused()
    page.keyboard.press("Enter")
    expect(machines.get_by_role("status")).to_contain_text("Domain 'db01' has been undefined")
    expect(table.get_by_role("row", name=re.compile("^db01"))).to_have_count(0)
    expect(page.locator("#machine-list")).to_be_focused()
