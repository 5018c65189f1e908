import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _terminal(page):
    """The command line, labelled by its prompt: a shell prompt, or the firmware setup's."""
    return page.get_by_role("textbox", name=re.compile(r"^(learner@|root@|Setup>)"))


def _run(page, line):
    _terminal(page).fill(line)
    _terminal(page).press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)
    expect(_terminal(page)).to_have_value("")
    expect(_terminal(page)).to_be_focused()


def test_vtx_lab_end_to_end_by_keyboard(page):
    page.goto("/labs/vtx-disabled-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"learner@laptop7"))
    expect(terminal).to_be_focused()
    assert_accessible(page)

    _run(page, "sudo modprobe kvm_intel")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("modprobe: ERROR: could not insert 'kvm_intel': Operation not supported")

    _run(page, "sudo systemctl reboot --firmware-setup")
    expect(page.get_by_role("textbox", name="Setup>")).to_be_visible()
    _run(page, "set vtx on")
    _run(page, "save")
    expect(page.get_by_role("textbox", name=re.compile(r"learner@laptop7"))).to_be_visible()

    terminal.fill("sudo modpr")
    terminal.press("Tab")
    expect(terminal).to_have_value("sudo modprobe ")
    terminal.type("kvm_intel")
    terminal.press("Enter")
    expect(log.locator("kbd").last).to_have_text("sudo modprobe kvm_intel")

    tasks = page.get_by_role("region", name=re.compile("^Tasks"))
    expect(tasks).to_contain_text("8 of 8 points")

    terminal.press("ArrowUp")
    expect(terminal).to_have_value("sudo modprobe kvm_intel")
    terminal.press("ArrowUp")
    expect(terminal).to_have_value("save")
    terminal.press("ArrowDown")
    terminal.press("ArrowDown")
    expect(terminal).to_have_value("")

    page.reload()
    expect(log).to_contain_text("sudo modprobe kvm_intel")
    expect(page.get_by_role("region", name=re.compile("^Tasks"))).to_contain_text("8 of 8 points")
    assert_accessible(page)


def test_answer_and_hint_in_a_guest_lab(page):
    page.goto("/labs/hyperv-guest")
    page.get_by_role("button", name="Start this lab").click()
    _run(page, "systemd-detect-virt")
    expect(page.get_by_role("log", name="Terminal output")).to_contain_text("microsoft")
    answer = page.get_by_role("textbox", name="Which hypervisor does this VM run on?")
    answer.fill("Hyper-V")
    answer.press("Enter")
    expect(page.get_by_role("region", name=re.compile("^Tasks"))).to_contain_text("Passed")
    hint = page.get_by_role("button", name=re.compile("Show hint 1 of"))
    hint.first.press("Enter")
    expect(page.get_by_text(re.compile("^Hint 1:"))).to_be_visible()
    assert_accessible(page)


def test_a_loop_typed_over_several_lines_and_ctrl_c(page):
    page.goto("/labs/intel-vtx-host")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"learner@"))
    expect(terminal).to_be_focused()
    expect(terminal).to_be_in_viewport()
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_be_in_viewport()

    terminal.type("for i in 1 2")
    terminal.press("Enter")
    continued = page.get_by_role("textbox", name="> ")
    expect(continued).to_be_focused()
    continued.type("do echo n$i")
    continued.press("Enter")
    expect(log.locator("kbd").last).to_have_text("do echo n$i")
    continued.type("done")
    continued.press("Enter")
    expect(log).to_contain_text("n1\nn2")
    expect(terminal).to_be_focused()
    terminal.press("ArrowUp")
    expect(terminal).to_have_value("for i in 1 2; do echo n$i; done")

    terminal.fill("while true")
    terminal.press("Enter")
    continued.type("do echo never")
    continued.press("Control+c")
    expect(log.locator("kbd").last).to_have_text("do echo never^C")
    expect(terminal).to_be_visible()
    terminal.press("ArrowUp")
    expect(terminal).to_have_value("for i in 1 2; do echo n$i; done")
