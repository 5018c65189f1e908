import re

from conftest import assert_accessible, run_line, terminal
from playwright.sync_api import expect


def test_clone_on_the_host_page_see_the_duplicate_from_a_third_guest_and_fix_the_clone(page):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    expect(terminal(page)).to_be_focused()
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    status = machines.get_by_role("status")

    machines.get_by_role("button", name="Start db01").press("Enter")
    expect(status).to_contain_text("Domain 'db01' started")
    machines.get_by_role("button", name="Shut down web01").press("Enter")
    expect(table.get_by_role("row", name=re.compile("^web01 shut off"))).to_be_visible()
    machines.locator("summary", has_text="Clone web01").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("web02")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Clone 'web02' created successfully.")
    for name in ("web01", "web02"):
        machines.get_by_role("button", name=f"Start {name}").press("Enter")
        expect(table.get_by_role("row", name=re.compile(f"^{name} running"))).to_be_visible()
    # one machine-id, one DHCP client id: web02 took over web01's lease, and the panel shows it
    web02 = table.get_by_role("row", name=re.compile("^web02 running")).get_by_role("cell").nth(4)
    expect(web02).to_have_text(re.compile(r"^192\.168\.122\.\d+$"))
    address = web02.inner_text().strip()
    web01 = table.get_by_role("row", name=re.compile("^web01 running")).get_by_role("cell").nth(4)
    expect(web01).to_have_text("none")

    log = page.get_by_role("log", name="Terminal output")
    run_line(page, "sudo virsh console db01")
    expect(terminal(page)).to_have_accessible_name(re.compile("^learner@db01"))
    run_line(page, f"arping -D -I enp1s0 -c 2 {address}; echo status $?")
    expect(log).to_contain_text(f"Unicast reply from {address} [")
    expect(log).to_contain_text("Received 1 response(s)\nstatus 1")
    run_line(page, f"arping -c 2 {address}")  # two MACs answer the broadcast probe
    expect(log).to_contain_text("Sent 2 probes (1 broadcast(s))\nReceived 3 response(s)")
    tasks = page.get_by_role("region", name=re.compile("^Tasks"))
    expect(tasks.get_by_role("article", name=re.compile("Give web02 an address of its own"))).to_contain_text(
        "0 of 3 points"
    )

    run_line(page, "exit")
    run_line(page, "sudo virsh console web02")
    for line in ("sudo rm /etc/machine-id", "sudo systemd-machine-id-setup", "sudo reboot"):
        run_line(page, line)
    task = tasks.get_by_role("article", name=re.compile("Give web02 an address of its own"))
    expect(task).to_contain_text("3 of 3 points")
    expect(task).to_contain_text("Passed: Each guest has an IP address of its own")
    run_line(page, "exit")
    run_line(page, "sudo virsh console db01")
    run_line(page, f"arping -c 2 {address}")  # one MAC answers now: web01's, on the address it kept
    expect(log).to_contain_text("Sent 2 probes (1 broadcast(s))\nReceived 2 response(s)")
    assert_accessible(page)


def test_create_a_vm_make_a_template_and_deploy_from_it_by_keyboard(page, fast_installs):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    expect(terminal(page)).to_be_focused()
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    status = machines.get_by_role("status")
    create = machines.get_by_role("group", name="Create a virtual machine")

    create.get_by_role("textbox", name="Name").fill("web01")
    create.get_by_role("button", name="Create and install").press("Enter")
    expect(status).to_contain_text("A guest named web01 exists already: choose another name.")
    expect(create.get_by_role("button", name="Create and install")).to_be_focused()

    create.get_by_role("textbox", name="Name").fill("vm1")
    create.get_by_role("checkbox", name=re.compile("^Guest drivers and tools")).press("Space")
    expect(create.get_by_role("combobox", name=re.compile("^Install medium"))).to_have_value(
        "/var/lib/libvirt/images/ubuntu-24.04.1-live-server-amd64.iso"
    )
    create.get_by_role("button", name="Create and install").press("Enter")
    expect(status).to_contain_text("--os-variant generic")
    expect(status).to_contain_text("this panel follows it, then starts the guest from its disk.")
    expect(table.get_by_role("row", name=re.compile("^vm1 installing"))).to_be_visible()
    expect(machines.locator("#machine-list")).to_be_focused()
    expect(table.get_by_role("row", name=re.compile("^vm1 running"))).to_be_visible(timeout=30_000)

    machines.get_by_role("button", name="Make db01 a template").press("Enter")
    expect(status).to_contain_text("db01 is a template now")
    expect(table.get_by_role("row", name=re.compile("^db01 shut off, template"))).to_be_visible()
    expect(machines.get_by_role("button", name="Start db01")).to_have_count(0)

    machines.locator("summary", has_text="Deploy a guest from db01").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(machines.get_by_role("textbox", name="Name of the guest deployed from db01")).to_be_focused()
    page.keyboard.type("app01")
    machines.get_by_role("radio", name=re.compile("^Linked clone")).check()
    assert_accessible(page)
    machines.get_by_role("button", name="Deploy from db01").press("Enter")
    expect(status).to_contain_text("Domain 'app01' started")
    row = table.get_by_role("row", name=re.compile("^app01 running"))
    expect(row).to_contain_text("linked clone of /var/lib/libvirt/images/db01.qcow2")
    assert_accessible(page)
