from quiz.render import markdown_to_html


def test_render_turns_markdown_into_html():
    html = markdown_to_html("Run `dbus-uuidgen --ensure` **once**.")
    assert html == "<p>Run <code>dbus-uuidgen --ensure</code> <strong>once</strong>.</p>\n"


def test_render_escapes_raw_html():
    html = markdown_to_html('<script>alert(1)</script> <img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_render_keeps_code_blocks():
    html = markdown_to_html("```sh\ncat /etc/machine-id\n```")
    assert html.startswith("<pre><code>cat /etc/machine-id\n</code></pre>")


def test_render_links_get_rel_and_lose_javascript_urls():
    html = markdown_to_html("[cloud-init](https://cloudinit.readthedocs.io/) [x](javascript:alert(1))")
    assert '<a href="https://cloudinit.readthedocs.io/" rel="noopener noreferrer nofollow">' in html
    assert 'href="javascript' not in html


def test_render_drops_tags_outside_the_allow_list_but_keeps_their_text():
    html = markdown_to_html("# Heading\n\n![logo](https://example.com/x.png)")
    assert "<h1>" not in html and "Heading" in html
    assert "<img" not in html


def test_render_of_junk_is_empty():
    assert markdown_to_html(None) == ""
    assert markdown_to_html(42) == ""
