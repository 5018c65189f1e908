"""A program's questions in the browser terminal: gpg --gen-key answered by keyboard alone, the passphrase
typed into a field that hides it, and the key listed at the end."""

import re

from conftest import assert_accessible
from playwright.sync_api import expect


def _answer(page, label, text):
    field = page.get_by_label(label, exact=True)
    expect(field).to_be_focused()
    field.press_sequentially(text)
    field.press("Enter")
    return field


def test_gpg_gen_key_by_keyboard(page):
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    expect(terminal).to_be_focused()
    terminal.press_sequentially("gpg --gen-key")
    terminal.press("Enter")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("GnuPG needs to construct a user ID to identify your key.")
    expect(page.get_by_role("status").filter(has_text="The program asks: Real name:")).to_be_attached()

    _answer(page, "Real name:", "Ada Lovelace")
    _answer(page, "Email address:", "ada@example.org")
    expect(log).to_contain_text('"Ada Lovelace <ada@example.org>"')
    _answer(page, "Change (N)ame, (E)mail, or (O)kay/(Q)uit?", "O")

    passphrase = page.get_by_label("Passphrase:", exact=True)
    expect(passphrase).to_have_attribute("type", "password")
    assert_accessible(page)
    _answer(page, "Passphrase:", "engine-1843")
    expect(log).to_contain_text("Please re-enter this passphrase")
    _answer(page, "Passphrase:", "engine-1843")
    expect(log).to_contain_text("public and secret key created and signed.")
    expect(log).not_to_contain_text("engine-1843")

    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    expect(terminal).to_be_focused()
    terminal.press("ArrowUp")  # the answers are not commands: Up recalls the command itself
    expect(terminal).to_have_value("gpg --gen-key")
    terminal.fill("gpg -k")
    terminal.press("Enter")
    expect(log).to_contain_text("uid           [ultimate] Ada Lovelace <ada@example.org>")


def test_up_and_down_recall_nothing_into_an_answer(page):
    """At a program's question the shell's history is not the program's: Up leaves the unseen password
    field as typed, so no command is sent as a passphrase by mistake; back at the shell, Up recalls."""
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    terminal.press_sequentially("hostname")
    terminal.press("Enter")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text("web01")
    terminal.press_sequentially('read -s -p "Secret: " s; echo "[${#s}]"')
    terminal.press("Enter")
    secret = page.get_by_label("Secret:", exact=True)
    expect(secret).to_be_focused()
    expect(secret).to_have_attribute("type", "password")
    secret.press("ArrowUp")
    expect(secret).to_have_value("")
    secret.press_sequentially("abc")
    secret.press("ArrowUp")
    secret.press("ArrowDown")
    expect(secret).to_have_value("abc")
    secret.press("Enter")
    expect(log).to_contain_text("[3]")
    terminal = page.get_by_role("textbox", name=re.compile(r"^learner@web01"))
    terminal.press("ArrowUp")
    expect(terminal).to_have_value('read -s -p "Secret: " s; echo "[${#s}]"')
