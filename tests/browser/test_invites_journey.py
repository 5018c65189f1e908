import uuid

from conftest import assert_accessible
from playwright.sync_api import expect

from web import invite_store
from web.db import connect


def test_an_invited_instructor_invites_another_and_revokes_an_invite(page, live_app):
    code = invite_store.create(connect(live_app.config["DATABASE"]), None)
    name = f"teacher-{uuid.uuid4().hex[:8]}"
    page.goto(f"/signup?invite={code}")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text("instructor")

    account.get_by_role("link", name="Invites").click()
    expect(page.get_by_text("You have no open invites.")).to_be_visible()
    page.get_by_label("Valid for (days)").fill("3")
    page.get_by_role("button", name="Create invite").click()
    expect(page.get_by_role("status").filter(has_text="shown only now")).to_contain_text("-")
    expect(page.get_by_role("button", name="Revoke")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status").first).to_contain_text("The invite is revoked")
    expect(page.get_by_text("You have no open invites.")).to_be_visible()
