"""Security that every response gets: CSRF, strict headers and CSP, the session cookie's Secure flag."""

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Any answer of ours may carry private data (a learner's work, answer keys in an export or a review, a
# redirect to an attempt), whatever its type: no browser or proxy may keep a copy. Static files excepted.
CACHE_CONTROL = "no-store"


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS, whatever the config says."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def add_headers(response):
    """The headers above, where the view did not set its own (one pass over the response's headers:
    Werkzeug's setdefault scans them once per header, a fifth of a request's Flask overhead)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000")
    if "vary" in present:
        response.vary.add("HX-Request-Type")
    else:
        headers.add("Vary", "HX-Request-Type")
    if request.endpoint != "static" and "cache-control" not in present:
        headers.add("Cache-Control", CACHE_CONTROL)
    return response


def init_app(app) -> None:
    csrf.init_app(app)
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
