"""Markdown stems and explanations to safe HTML: CommonMark without raw HTML, then an nh3 allow-list."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {"p", "code", "pre", "em", "strong", "ul", "ol", "li", "a", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    html = MARKDOWN.render(text)
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=LINK_REL, url_schemes=URL_SCHEMES
    )


def markdown_to_html(text: str) -> str:
    """Safe HTML for a stem or explanation; raw HTML in the source is shown as text, never rendered.

    Cached per text, since the banks do not change while the app runs.
    """
    return _render(text) if isinstance(text, str) else ""
