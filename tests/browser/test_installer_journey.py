import re

from conftest import assert_accessible, run_line, terminal
from playwright.sync_api import expect


def test_create_a_vm_watch_its_installer_finish_then_log_in(page, fast_installs):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    expect(terminal(page)).to_be_focused()
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    create = machines.get_by_role("group", name="Create a virtual machine")

    create.get_by_role("textbox", name="Name").fill("vm1")
    create.get_by_role("button", name="Create and install").press("Enter")
    expect(machines.get_by_role("status")).to_contain_text("Domain is still running. Installation may be")
    expect(table.get_by_role("row", name=re.compile("^vm1 installing"))).to_be_visible()
    expect(machines.get_by_role("progressbar", name=re.compile("^vm1: "))).to_be_visible()
    assert_accessible(page)

    # before it has finished, the guest cannot be cloned: virt-clone's refusal, said where the learner is
    machines.locator("summary", has_text="Clone vm1").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    name = machines.get_by_role("textbox", name="Name of the clone of vm1")
    expect(name).to_be_focused()
    page.keyboard.type("vm2")
    page.keyboard.press("Enter")
    expect(machines.get_by_role("alert")).to_contain_text("ERROR    Domain to clone must be shutoff.")
    expect(name).to_be_focused()

    log = page.get_by_role("log", name="Terminal output")
    run_line(page, "sudo virsh console vm1")
    expect(log).to_contain_text("Connected to domain 'vm1'")
    expect(log).to_contain_text("Starting installer")
    expect(terminal(page)).to_have_accessible_name(re.compile("^learner@kvmhost"))

    news = machines.locator("#install-news")
    expect(news).to_have_text("vm1: Installation complete! It runs from its disk now.", timeout=30_000)
    expect(table.get_by_role("row", name=re.compile("^vm1 running"))).to_be_visible()
    expect(machines.get_by_role("progressbar")).to_have_count(0)

    run_line(page, "sudo virsh console vm1")
    expect(terminal(page)).to_have_accessible_name(re.compile("^learner@vm1"))
    run_line(page, "systemctl is-active qemu-guest-agent")
    expect(log).to_contain_text("active")
    assert_accessible(page)
