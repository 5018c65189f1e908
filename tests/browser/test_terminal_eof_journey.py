"""Ctrl-D in the browser terminal, by keyboard alone: on an empty line it ends what a program reads from
the terminal (`cat > file` writes the file, `read` returns 1) and at the prompt logs out as `exit` does;
on a line with text at the prompt it deletes the character under the cursor, as readline does."""

import re

from conftest import assert_accessible, run_line, terminal
from playwright.sync_api import expect


def test_ctrl_d_ends_a_programs_input_and_logs_out_at_the_prompt(page):
    page.goto("/labs/kvm-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    expect(terminal(page)).to_be_focused()
    help_text = page.locator("#terminal-help")
    expect(help_text).to_contain_text("Ctrl-D on an empty line logs out, as exit does.")

    terminal(page).press_sequentially("cat > notes.txt")
    terminal(page).press("Enter")
    program = page.get_by_role("textbox", name="Input to the running program")
    expect(program).to_be_focused()
    expect(help_text).to_contain_text("Ctrl-D on an empty line ends its input")
    assert_accessible(page)
    for line in ("first line", "second line"):
        program.press_sequentially(line)
        program.press("Enter")
        expect(program).to_have_value("")
    program.press("Control+d")
    expect(terminal(page)).to_be_focused()
    log = page.get_by_role("log", name="Terminal output")
    run_line(page, "cat notes.txt")
    expect(log.locator("samp").last).to_have_text("first line\nsecond line\n")

    terminal(page).press_sequentially("read answer")
    terminal(page).press("Enter")
    expect(program).to_be_focused()
    program.press("Control+d")
    expect(terminal(page)).to_be_focused()
    run_line(page, "echo $?")
    expect(log.locator("samp").last).to_have_text("1\n")

    terminal(page).press_sequentially("hostnamex")  # at the prompt with text: delete-char under the cursor
    terminal(page).press("ArrowLeft")
    terminal(page).press("Control+d")
    expect(terminal(page)).to_have_value("hostname")
    terminal(page).fill("")
    terminal(page).press("Control+d")
    expect(log).to_contain_text("logout\n(This lab terminal stays open: there is no session to leave.)")
    expect(page.get_by_role("textbox", name=re.compile(r"^learner@web01:~\$"))).to_be_focused()
    terminal(page).press("ArrowUp")  # the Ctrl-D is no command to recall
    expect(terminal(page)).to_have_value("echo $?")
