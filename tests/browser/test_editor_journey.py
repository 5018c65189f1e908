import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _start(page, scenario="intel-vtx-host"):
    page.goto(f"/labs/{scenario}")
    page.get_by_role("button", name="Start this lab").click()
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@"))
    expect(terminal).to_be_focused()
    return terminal


def _run(page, terminal, line):
    terminal.fill(line)
    terminal.press("Enter")
    expect(page.get_by_role("log", name="Terminal output").locator("kbd").last).to_have_text(line)


def _edit_the_hostname_line(buffer):
    """Go to the 127.0.1.1 line by keyboard and add a name at its end."""
    buffer.press("Control+Home")
    buffer.press("ArrowDown")
    buffer.press("End")
    buffer.press_sequentially(" web01")


def test_sudo_nano_edits_etc_hosts_by_keyboard(page):
    terminal = _start(page)
    _run(page, terminal, "sudo nano /etc/hosts")
    buffer = page.get_by_role("textbox", name="Editing /etc/hosts with nano")
    expect(buffer).to_be_focused()
    expect(terminal).to_be_hidden()
    status = page.get_by_role("status").filter(has_text="Read 6 lines")
    expect(status).to_have_text("[ Read 6 lines ]")
    assert_accessible(page)

    _edit_the_hostname_line(buffer)
    expect(page.get_by_text("Modified", exact=True)).to_be_visible()
    buffer.press("Control+o")
    name = page.get_by_role("textbox", name="File Name to Write:")
    expect(name).to_be_focused()
    expect(name).to_have_value("/etc/hosts")
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#editor-status")).to_have_text("[ Wrote 6 lines ]")
    expect(buffer).to_be_focused()
    buffer.press("Control+x")
    expect(buffer).to_be_hidden()
    expect(terminal).to_be_focused()
    expect(page.locator("#editor-announce")).to_have_text("The editor is closed.")

    _run(page, terminal, "cat /etc/hosts")
    log = page.get_by_role("log", name="Terminal output")
    expect(log.locator(".entry").last).to_contain_text("127.0.1.1 devbox web01")


def test_nano_without_sudo_shows_the_error_and_keeps_the_buffer(page):
    terminal = _start(page)
    _run(page, terminal, "nano /etc/hosts")
    buffer = page.get_by_role("textbox", name="Editing /etc/hosts with nano")
    status = page.locator("#editor-status")
    expect(status).to_have_text("[ File '/etc/hosts' is unwritable ]")
    _edit_the_hostname_line(buffer)
    buffer.press("Control+o")
    expect(page.get_by_role("textbox", name="File Name to Write:")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_have_text("[ Error writing /etc/hosts: Permission denied ]")
    expect(buffer).to_have_value(re.compile("127.0.1.1 devbox web01"))

    page.reload()
    buffer = page.get_by_role("textbox", name="Editing /etc/hosts with nano")
    expect(buffer).to_have_value(re.compile("127.0.1.1 devbox web01"))
    expect(buffer).to_be_focused()

    buffer.press("Escape")
    expect(status).to_have_text("Save modified buffer?")
    expect(page.get_by_role("button", name="Y Yes")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("n")
    expect(terminal).to_be_focused()
    _run(page, terminal, "grep -c web01 /etc/hosts")
    expect(page.get_by_role("log", name="Terminal output").locator(".entry").last).to_contain_text("0")


def test_vim_by_its_command_line(page):
    terminal = _start(page)
    _run(page, terminal, "vim notes.txt")
    buffer = page.get_by_role("textbox", name="Editing /home/learner/notes.txt with vim")
    expect(page.locator("#editor-status")).to_have_text('"notes.txt" [New]')
    assert_accessible(page)
    buffer.press_sequentially("first note")
    buffer.press("Escape")
    command = page.get_by_role("textbox", name="Command")
    expect(command).to_be_focused()
    expect(command).to_have_value(":")
    command.press_sequentially("wq")
    command.press("Enter")
    expect(terminal).to_be_focused()
    _run(page, terminal, "cat notes.txt")
    expect(page.get_by_role("log", name="Terminal output").locator(".entry").last).to_contain_text(
        "first note"
    )


def test_a_second_tab_lists_candidates_as_bash_does(page):
    terminal = _start(page)
    terminal.fill("ls /etc/host")
    terminal.press("Tab")  # the candidates agree no further: the first Tab lists nothing, as in bash
    log = page.get_by_role("log", name="Terminal output")
    expect(log.locator(".completions")).to_have_count(0)
    terminal.press("Tab")
    listing = log.locator(".completions").last
    expect(listing).to_contain_text("ls /etc/host")
    expect(listing).to_contain_text("hostname")
    expect(listing).to_contain_text("hosts")
    expect(listing.locator(".prompt-echo")).to_have_text(re.compile(r"^learner@\S+:~\$ $"))
    expect(terminal).to_have_value("ls /etc/host")
    expect(terminal).to_be_focused()


def test_nano_exit_asks_the_file_name_which_ctrl_c_cancels(page):
    terminal = _start(page)
    _run(page, terminal, "sudo nano /etc/hosts")
    buffer = page.get_by_role("textbox", name="Editing /etc/hosts with nano")
    status = page.locator("#editor-status")
    _edit_the_hostname_line(buffer)
    buffer.press("Control+x")
    expect(status).to_have_text("Save modified buffer?")
    expect(page.get_by_role("button", name="Y Yes")).to_be_focused()
    page.keyboard.press("y")
    name = page.get_by_role("textbox", name="File Name to Write:")
    expect(name).to_be_focused()
    page.reload()  # the question stays, with the focus
    expect(name).to_be_focused()
    expect(name).to_have_value("/etc/hosts")
    page.keyboard.press("Control+c")
    expect(status).to_have_text("[ Cancelled ]")
    expect(buffer).to_be_focused()
    expect(buffer).to_have_value(re.compile("127.0.1.1 devbox web01"))

    buffer.press("Control+x")
    expect(page.get_by_role("button", name="Y Yes")).to_be_focused()
    page.keyboard.press("y")
    expect(name).to_be_focused()
    page.keyboard.press("Enter")
    expect(buffer).to_be_hidden()
    expect(terminal).to_be_focused()
    _run(page, terminal, "grep -c web01 /etc/hosts")
    expect(page.get_by_role("log", name="Terminal output").locator(".entry").last).to_contain_text("1")
