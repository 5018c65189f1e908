"""Question text to safe HTML: Markdown (CommonMark without raw HTML) or HTML, then an nh3 allow-list."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

MARKDOWN = MarkdownIt("commonmark", {"html": False})

ALLOWED_TAGS = {
    "p", "code", "pre", "em", "strong", "ul", "ol", "li", "a", "br", "blockquote",
    "b", "i", "u", "sub", "sup", "span", "div", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=LINK_REL, url_schemes=URL_SCHEMES
    )


@lru_cache(maxsize=4096)
def _render(text: str, text_format: str) -> str:
    return sanitize_html(text if text_format == "html" else MARKDOWN.render(text))


def markdown_to_html(text: str) -> str:
    """Safe HTML for a stem or explanation; raw HTML in the source is shown as text, never rendered.

    Cached per text, since the banks do not change while the app runs.
    """
    return _render(text, "markdown") if isinstance(text, str) else ""


def text_to_html(text: str, text_format: str = "markdown") -> str:
    """Safe HTML for question text in its format: HTML (imported from Moodle) only passes the allow-list."""
    return _render(text, text_format) if isinstance(text, str) else ""
