import csv
import io
import re
import uuid

from conftest import assert_accessible, run_line, sign_up, terminal
from playwright.sync_api import expect

from web import invite_store
from web.db import connect


def _join_and_start(page, name, code):
    sign_up(page, name)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_label("Join code").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("You joined")
    page.get_by_role("link", name="Broken host").click()
    page.get_by_role("button", name="Start").click()
    expect(terminal(page)).to_be_visible()


def test_a_class_runs_a_lab_with_a_planted_fault(browser, base_url, live_app):
    invite = invite_store.create(connect(live_app.config["DATABASE"]), None)
    tag = uuid.uuid4().hex[:6]
    teacher_name, ada, bob = f"teach-{tag}", f"ada-{tag}", f"bob-{tag}"
    contexts = [browser.new_context(base_url=base_url) for _ in range(3)]
    teacher, first, second = (context.new_page() for context in contexts)

    sign_up(teacher, teacher_name, invite)
    teacher.goto("/classes/")
    teacher.get_by_label("Name of a new class").fill(f"Autumn {tag}")
    teacher.get_by_role("button", name="Create class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"Autumn {tag}")
    assert_accessible(teacher)
    code = teacher.locator("#class-code").inner_text()

    teacher.get_by_role("link", name="New assignment").click()
    teacher.get_by_label("Title").fill("Broken host")
    teacher.get_by_label("Lab", exact=True).select_option("vtx-disabled-host")
    teacher.get_by_label("The CPU's KVM module blacklisted").check()
    teacher.get_by_role("textbox", name=re.compile("^Seed")).fill("1234")
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Create assignment").click()
    expect(teacher.get_by_text("The CPU's KVM module blacklisted in /etc/modprobe.d")).to_be_visible()

    _join_and_start(first, ada, code)
    run_line(first, "sudo modprobe kvm_intel")
    expect(first.get_by_role("region", name=re.compile("^Tasks"))).to_contain_text("4 of 4 points")

    first.goto("/classes/")
    expect(first.get_by_role("region", name="Your assignments")).to_contain_text("Done")
    assert_accessible(first)

    _join_and_start(second, bob, code)
    run_line(second, "cat /etc/modprobe.d/blacklist-kvm.conf")
    expect(second.get_by_role("log", name="Terminal output")).to_contain_text("blacklist kvm_intel")

    teacher.get_by_role("link", name=f"Autumn {tag}").click()
    teacher.get_by_role("link", name="Live view").click()
    board = teacher.get_by_role("table", name="Who is working on what")
    expect(board.get_by_role("row", name=re.compile(ada))).to_contain_text("Done · 100%")
    expect(board.get_by_role("row", name=re.compile(ada))).to_contain_text("Working now: Broken host")
    expect(board.get_by_role("row", name=re.compile(bob))).to_contain_text("Working · 0%")
    heat = teacher.get_by_role("table", name="Most missed checks and questions")
    expect(heat.get_by_role("row", name=re.compile(bob))).to_contain_text("✗ missed")
    assert_accessible(teacher)

    # Bob fixes it while the instructor watches: the board updates itself.
    run_line(second, "sudo modprobe kvm_intel")
    expect(board.get_by_role("row", name=re.compile(bob))).to_contain_text("Done · 100%", timeout=15000)

    board.get_by_role("link", name=bob).click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text(bob)
    log = teacher.get_by_label("Command log of Broken host")
    expect(log).to_contain_text("cat /etc/modprobe.d/blacklist-kvm.conf")
    expect(log).to_contain_text("sudo modprobe kvm_intel")
    expect(teacher.get_by_role("textbox")).to_have_count(0)
    assert_accessible(teacher)
    teacher.go_back()

    class_id = re.search(r"/classes/(\d+)/live", teacher.url).group(1)
    response = teacher.request.get(f"/classes/{class_id}/gradebook.csv")
    rows = {row[0]: row for row in csv.reader(io.StringIO(response.text()))}
    assert rows[ada][1] == "100" and rows[bob][1] == "100"
    assert list(rows)[0] == "student"
    for context in contexts:
        context.close()
