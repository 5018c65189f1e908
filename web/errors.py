"""Error pages in the site's layout. An htmx swap gets a short notice in the status area instead, so an
error never fills the terminal or a panel with a whole page."""

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError

from web.lab_store import LabBusy
from web.render import is_partial, render

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "This page is not open to your account."),
    404: (
        "Page not found",
        "There is no page at this address. It may have moved, or the link may be mistyped.",
    ),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Busy", "Too many commands reached this lab at once. Try again."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    422: ("Not accepted", "What you sent could not be used."),
    429: ("Too many requests", "Please wait a little and try again."),
    500: ("Something went wrong", "An error on our side stopped this page. Your saved work is safe."),
}

STALE_PAGE = (
    "This page is out of date: your session may have ended (for example, you logged out in another tab). "
    "Reload the page and try again."
)


def _page(status: int, detail: str | None = None, heading: str | None = None):
    title, message = MESSAGES.get(status, (f"Error {status}", "The request did not succeed."))
    title, message = heading or title, detail or message
    if is_partial():
        notice = render_template("errors/_notice.html", title=title, message=message)
        return notice, status, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render(
        "errors/error.html", "errors/_error.html", status=status, title=title, message=message
    ), status


def error_page(status: int, detail: str):
    """An error page (for htmx, a notice) that says what went wrong in the view's own words."""
    return _page(status, detail)


@bp.app_errorhandler(CSRFError)
def csrf_error(exc):
    return _page(400, STALE_PAGE, heading="Page out of date")


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
def http_error(exc):
    """Our own abort(code, message) messages are shown; Werkzeug's stock descriptions are not."""
    own = exc.description if exc.description != type(exc).description else None
    return _page(exc.code, own)


@bp.app_errorhandler(LabBusy)
def lab_busy(exc):
    return _page(409)


@bp.app_errorhandler(500)
def server_error(exc):
    return _page(500)
