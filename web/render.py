"""The one rule for page or fragment: htmx partial requests get the fragment, everything else the page."""

from flask import render_template, request


def is_partial() -> bool:
    return request.headers.get("HX-Request-Type") == "partial"


def render(page: str, fragment: str, **context) -> str:
    return render_template(fragment if is_partial() else page, **context)
