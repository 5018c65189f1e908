import re

from conftest import assert_accessible, run_line, terminal
from playwright.sync_api import expect


def test_import_one_ova_twice_and_see_the_duplicate_from_a_terminal(page, tmp_path):
    page.goto("/labs/kvm-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    expect(terminal(page)).to_be_focused()
    machines = page.get_by_role("region", name="Virtual machines")
    table = machines.get_by_role("table", name=re.compile("^Guests of the host"))
    status = machines.get_by_role("status")

    with page.expect_download() as download:
        machines.get_by_role("link", name="Export db01 as an OVA").click()
    assert download.value.suggested_filename == "db01.ova"
    ova = tmp_path / "db01.ova"
    download.value.save_as(ova)

    form = machines.get_by_role("group", name="Import an OVA")
    for name in ("db02", "db03"):
        form.get_by_label("OVA file (at most 8 MiB)").set_input_files(ova)
        form.get_by_role("textbox", name=re.compile("^Name of the new guest")).fill(name)
        expect(form.get_by_role("radio", name=re.compile("^Keep the OVA's"))).to_be_checked()
        form.get_by_role("button", name="Import").press("Enter")
        expect(status).to_contain_text(f"Domain '{name}' defined from db01.ova")
        expect(table.get_by_role("row", name=re.compile(f"^{name} shut off"))).to_be_visible()
    for name in ("db02", "db03"):
        machines.get_by_role("button", name=f"Start {name}").press("Enter")
        expect(table.get_by_role("row", name=re.compile(f"^{name} running"))).to_be_visible()
    # one disk imported twice: one machine-id, one MAC, so one lease and one address for both
    cells = [
        table.get_by_role("row", name=re.compile(f"^{name} running")).get_by_role("cell")
        for name in ("db02", "db03")
    ]
    expect(cells[0].nth(4)).to_have_text(re.compile(r"^192\.168\.122\.\d+$"))
    address = cells[0].nth(4).inner_text().strip()
    expect(cells[1].nth(4)).to_have_text(address)
    expect(cells[1].nth(3)).to_have_text(cells[0].nth(3).inner_text())

    log = page.get_by_role("log", name="Terminal output")
    run_line(page, "sudo virsh console web01")
    run_line(page, f"arping -D -I enp1s0 -c 2 {address}; echo status $?")
    expect(log).to_contain_text(f"Unicast reply from {address} [")
    expect(log).to_contain_text("status 1")
    run_line(page, "exit")
    run_line(page, "sudo virsh console db03")
    expect(terminal(page)).to_have_accessible_name(re.compile("^learner@db01"))  # the disk's host name
    run_line(page, "cat /etc/machine-id")
    expect(log.locator("pre").last).to_contain_text(re.compile(r"\n[0-9a-f]{32}"))
    machine_id = re.search(r"\n([0-9a-f]{32})", log.locator("pre").last.inner_text()).group(1)
    run_line(page, "exit")
    run_line(page, "sudo virsh console db02")
    run_line(page, "cat /etc/machine-id")
    expect(log.locator("pre").last).to_contain_text(f"\n{machine_id}")
    assert_accessible(page)
