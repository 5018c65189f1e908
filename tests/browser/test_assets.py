import re

from playwright.sync_api import expect


def test_the_next_page_takes_scripts_and_styles_from_the_cache_without_asking(page):
    """Chromium's own account (DevTools protocol) of where each request was answered from."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    requested, from_cache = [], set()
    devtools.on(
        "Network.requestWillBeSent", lambda e: requested.append((e["requestId"], e["request"]["url"]))
    )
    devtools.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))

    page.goto("/")
    expect(page.get_by_role("link", name="GuestLab")).to_be_visible()
    home = page.content()
    assert page.evaluate("typeof htmx") == "object"
    requested.clear()

    page.get_by_role("link", name="Quizzes").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assets = [(rid, url) for rid, url in requested if re.search(r"\.(js|css)$", url)]
    assert len(assets) == 3 and all(url.split("/")[-1] in home for _, url in assets)
    assert [url for rid, url in assets if rid not in from_cache] == []
