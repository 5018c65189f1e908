import uuid

from conftest import assert_accessible
from playwright.sync_api import expect

from web import invite_store
from web.db import connect


def test_an_instructor_writes_previews_edits_and_deletes_a_question(page, live_app):
    code = invite_store.create(connect(live_app.config["DATABASE"]), None)
    page.goto(f"/signup?invite={code}")
    page.get_by_label("User name").fill(f"teacher-{uuid.uuid4().hex[:8]}")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    page.goto("/quizzes/mine")
    expect(page.get_by_text("Your bank is empty.")).to_be_visible()

    page.get_by_role("link", name="single choice").click()
    page.get_by_label("Id (lowercase letters, digits and hyphens)").fill("kvm-on-intel")
    page.get_by_label("Question text").fill("Which module gives *KVM* on an Intel CPU?")
    page.get_by_label("Option 1", exact=True).fill("kvm_intel")
    page.get_by_label("Why option 1 is right or wrong").fill("Intel's vendor module.")
    page.get_by_role("radio", name="Option 1 is right").check()
    page.get_by_label("Option 2", exact=True).fill("kvm_amd")
    page.get_by_label("Why option 2 is right or wrong").fill("That one is AMD's.")
    page.get_by_label("Explanation, shown after answering").fill("KVM has one module per vendor.")
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#question-preview")
    expect(preview.get_by_role("heading", name="Preview, as learners see it")).to_be_visible()
    expect(preview.locator(".stem em")).to_have_text("KVM")
    expect(preview.locator(".option-text")).to_have_text(["kvm_intel", "kvm_amd"])
    expect(page.get_by_role("heading", name="New single choice question")).to_be_focused()
    assert_accessible(page)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Question kvm-on-intel saved.")
    expect(page.get_by_role("heading", name="kvm-on-intel")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Edit kvm-on-intel").click()
    page.get_by_label("Question text").fill("Which module gives KVM on Intel? Pick one.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Which module gives KVM on Intel? Pick one.")).to_be_visible()

    page.get_by_role("link", name="Delete kvm-on-intel").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Delete kvm-on-intel?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete kvm-on-intel").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Question kvm-on-intel deleted")
    expect(page.get_by_text("Your bank is empty.")).to_be_visible()
