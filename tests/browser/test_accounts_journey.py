from conftest import assert_accessible
from playwright.sync_api import expect


def test_sign_up_log_out_and_log_in_again(page, signed_up):
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text(signed_up)
    account.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("User name").fill(signed_up)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Logged in as {signed_up}.")
    expect(account).to_contain_text(signed_up)


def test_wrong_password_shows_an_error_in_the_form(page, signed_up):
    page.get_by_role("button", name="Log out").click()
    page.goto("/login")
    page.get_by_label("User name").fill(signed_up)
    page.get_by_label("Password").fill("not my password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("That user name and password do not match an account.")
    assert_accessible(page)


def test_navigation_by_keyboard_alone(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    visited = []
    for label in ("Home", "Labs", "Quizzes", "Cloud", "Classes"):
        page.goto("/")
        link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True)
        for _ in range(20):
            page.keyboard.press("Tab")
            if link.evaluate("el => el === document.activeElement"):
                break
        expect(link).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        expect(page.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        visited.append(page.url)
    assert len(set(visited)) == 5


def test_every_page_passes_axe(page, signed_up):
    for path in ("/", "/labs/", "/quizzes/", "/cloud/", "/classes/", "/account/password", "/nowhere"):
        page.goto(path)
        assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    for path in ("/login", "/signup"):
        page.goto(path)
        assert_accessible(page)
