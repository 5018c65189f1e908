"""What a self-learner, an instructor and an exam-crammer met walking GuestLab in Chromium (QA, session 6)."""

import re
import uuid

from conftest import terminal
from playwright.sync_api import expect

from web import invite_store
from web.db import connect

PASSWORD = "a long enough passphrase"


def _instructor(page, live_app):
    invite = invite_store.create(connect(live_app.config["DATABASE"]), None)
    page.goto(f"/signup?invite={invite}")
    page.get_by_label("User name").fill(f"teach-{uuid.uuid4().hex[:6]}")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.goto("/classes/")
    page.get_by_label("Name of a new class").fill("Tuesday evening")
    page.get_by_label("Name of a new class").press("Enter")
    expect(page.get_by_role("heading", name="Tuesday evening", level=1)).to_be_visible()


def test_a_refused_assignment_puts_the_focus_on_what_went_wrong(page, live_app):
    _instructor(page, live_app)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Clone fixes")
    page.get_by_label(re.compile(r"^Opens")).fill("2026-12-05T10:00")
    page.get_by_label(re.compile(r"^Closes")).fill("2026-12-01T10:00")
    page.get_by_role("button", name="Create assignment").press("Enter")
    summary = page.get_by_role("alert").filter(has_text="The assignment was not created")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()


def _asks_before_leaving(page) -> bool:
    """Whether closing the tab now makes the browser ask first (a beforeunload dialog)."""
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    return asked == ["beforeunload"]


def test_text_typed_in_the_editor_and_not_yet_sent_is_not_lost_to_a_careless_reload(context):
    page = context.new_page()
    page.goto("/labs/amd-v-host")
    page.get_by_role("button", name="Start this lab").click()
    terminal(page).fill("nano notes.txt")
    terminal(page).press("Enter")
    buffer = page.get_by_role("textbox", name="Editing /home/learner/notes.txt with nano")
    buffer.press_sequentially("kvm_amd for AMD-V")
    assert _asks_before_leaving(page)

    page = context.new_page()
    page.goto("/labs/amd-v-host")
    buffer = page.get_by_role("textbox", name="Editing /home/learner/notes.txt with nano")
    expect(buffer).to_have_value("")  # what was typed never reached the server
    buffer.press_sequentially("kvm_amd for AMD-V")
    buffer.press("Control+o")
    expect(page.get_by_role("textbox", name="File Name to Write:")).to_be_focused()
    page.keyboard.press("Enter")  # nano 7.2 asks the name to write: Enter accepts the file's own
    expect(page.get_by_role("status").filter(has_text="Wrote 1 line")).to_be_visible()
    assert not _asks_before_leaving(page)

    page = context.new_page()
    page.goto("/labs/amd-v-host")
    page.get_by_role("textbox", name="Editing /home/learner/notes.txt with nano").press("Control+x")
    expect(terminal(page)).to_be_focused()
    assert not _asks_before_leaving(page)


def test_deleting_a_volume_asks_first_as_deleting_an_instance_does(page):
    page.goto("/cloud/")
    page.get_by_role("button", name="Open my cloud").click()
    page.get_by_role("navigation", name="Cloud").get_by_role("link", name="Volumes").click()
    page.get_by_label("Name", exact=True).fill("data1")
    page.get_by_role("button", name="Create volume").click()
    volumes = page.get_by_role("table", name="Volumes")
    expect(volumes.get_by_role("rowheader", name="data1")).to_be_visible()
    delete = page.get_by_text("Delete data1…")
    delete.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Its data goes with it")).to_be_visible()
    expect(volumes.get_by_role("rowheader", name="data1")).to_be_visible()
    page.get_by_role("button", name="Yes, delete data1").click()
    expect(page.get_by_role("table", name="Volumes: none yet")).to_be_visible()


def test_a_screen_reader_hears_a_check_and_what_was_found_as_two_sentences(page):
    page.goto("/labs/intel-vtx-host")
    page.get_by_role("button", name="Start this lab").click()
    check = page.get_by_role("listitem").filter(has_text="No answer has been given yet.")
    # A full stop ends the check's title (visually hidden: the detail has a line of its own).
    assert re.search(r"hardware-accelerated VMs ?\. No answer has been given yet\.", check.aria_snapshot())


def test_a_new_invite_code_shown_only_once_takes_the_focus(page, live_app):
    _instructor(page, live_app)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Invites").click()
    page.get_by_role("button", name="Create invite").press("Enter")
    shown = page.get_by_role("status").filter(has_text="New invite code, shown only now")
    expect(shown).to_be_focused()


def test_what_a_form_did_is_spoken_on_the_page_it_leads_to(page):
    # A screen reader speaks a change in a live region, not a region that loads with its words in it.
    page.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => { window.spoken = [];
             new MutationObserver((records) => { for (const r of records) if (r.addedNodes.length)
               window.spoken.push(r.target.textContent.trim()); })
             .observe(document.getElementById("flash"), { childList: true }); });"""
    )
    name = f"learner-{uuid.uuid4().hex[:6]}"
    page.goto("/signup")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").press("Enter")
    expect(page.get_by_role("status").filter(has_text=f"Welcome, {name}")).to_be_visible()
    page.wait_for_timeout(300)  # the words come back in the region a moment after the page loads
    assert page.evaluate("window.spoken") == [f"Welcome, {name}. Your account is ready."]
