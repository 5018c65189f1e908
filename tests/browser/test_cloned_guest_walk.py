"""What a learner walking the cloned-guest lab ran into: each test is one thing found and fixed."""

from playwright.sync_api import expect


def test_a_long_fingerprint_in_a_check_does_not_widen_the_page(page):
    # The pgp-key check names the source's 40-digit fingerprint: unbroken, it pushed the task column past
    # the viewport and the whole page scrolled sideways.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/labs/cloned-guest")
    page.get_by_role("button", name="Start this lab").click()
    expect(page.get_by_role("article", name="4. Give the clone its own OpenPGP key")).to_contain_text(
        "holds the source's secret key"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
