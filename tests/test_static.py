import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import pytest

from web import assets

SOURCE = Path(__file__).resolve().parent.parent / "static"


def _linked_assets(client) -> dict[str, str]:
    """The asset URLs the home page links, by the source file they come from (`app.js` -> `/static/...`)."""
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'<(?:script|link)[^>]* (?:src|href)="(/static/[^"]+)"', page)
    return {re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix("/static/")): url for url in urls}


def test_pages_link_every_asset_by_a_name_that_carries_its_content_hash(client):
    linked = _linked_assets(client)
    assert set(linked) == {"app.css", "app.js", "htmx.min.js", "favicon.svg"}
    for name, url in linked.items():
        content = (SOURCE / name).read_bytes()
        assert url == "/static/" + assets.fingerprinted(name, content)


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress), ("", bytes)]
)
def test_a_script_comes_compressed_as_the_browser_accepts(client, encoding, decompress):
    response = client.get(_linked_assets(client)["app.js"], headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding", "") == encoding
    assert decompress(response.data) == (SOURCE / "app.js").read_bytes()
    assert response.mimetype == "text/javascript"
    assert response.headers["Vary"] == "Accept-Encoding"


def test_compression_shrinks_the_scripts_and_styles_to_under_half(client):
    for name in ("htmx.min.js", "app.js", "app.css"):
        response = client.get(_linked_assets(client)[name], headers={"Accept-Encoding": "br, gzip"})
        assert response.headers["Content-Encoding"] == "br"
        assert len(response.data) < len((SOURCE / name).read_bytes()) / 2, name


def test_assets_are_cached_for_a_year_as_immutable_with_their_type(client):
    types = {
        "app.css": "text/css",
        "app.js": "text/javascript",
        "htmx.min.js": "text/javascript",
        "favicon.svg": "image/svg+xml",
    }
    for name, url in _linked_assets(client).items():
        response = client.get(url)
        directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=31536000", "immutable"}, name
        assert response.mimetype == types[name]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_learner_gets_assets_without_cookies_so_shared_caches_can_keep_them(client, auth):
    auth.signup()
    response = client.get(_linked_assets(client)["app.css"])
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers["Vary"]


def test_a_repeat_visit_revalidates_to_a_304_without_the_body(client):
    url = _linked_assets(client)["app.js"]
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""


def test_plain_names_and_the_notes_beside_the_assets_are_not_served(client):
    for path in ("/static/app.js", "/static/VENDORED.md", "/static/htmx.LICENSE"):
        assert client.get(path).status_code == 404, path


def test_a_changed_file_gets_a_new_name_and_the_old_one_stays_for_pages_already_open(tmp_path):
    source, target = tmp_path / "static", tmp_path / "build" / "static"
    source.mkdir()
    (source / "app.css").write_text("body { color: black; }\n" * 20)
    before = assets.build(source, target)["app.css"]
    (source / "app.css").write_text("body { color: navy; }\n" * 20)
    after = assets.build(source, target)["app.css"]
    assert after != before and re.fullmatch(r"app\.[0-9a-f]{12}\.css", after)
    assert (target / after).read_text().startswith("body { color: navy; }")
    assert (target / before).read_text().startswith("body { color: black; }")
    assert gzip.decompress((target / (after + ".gz")).read_bytes()) == (source / "app.css").read_bytes()


def test_workers_building_at_once_get_one_manifest_and_whole_files(tmp_path):
    target = tmp_path / "build" / "static"
    with ThreadPoolExecutor(4) as pool:
        manifests = list(pool.map(lambda _: assets.build(SOURCE, target), range(4)))
    assert all(manifest == manifests[0] for manifest in manifests)
    for name, built in manifests[0].items():
        original = (SOURCE / name).read_bytes()
        assert (target / built).read_bytes() == original
        assert brotli.decompress((target / (built + ".br")).read_bytes()) == original
    assert sorted(p.name for p in target.parent.iterdir()) == ["static"]
