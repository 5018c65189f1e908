"""gunicorn settings for `make run`: whom to trust, and a control socket of this installation's own."""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def _trusts_proxy(value: str) -> bool:
    """GUESTLAB_TRUST_PROXY read as the app reads it (Flask's from_prefixed_env: JSON, else the string)."""
    try:
        return bool(json.loads(value))
    except ValueError:
        return bool(value)


# gunicorn's default believes X-Forwarded-Proto from 127.0.0.1, where any user of this host connects from.
# Only a reverse proxy the administrator vouched for (on this host, since we bind 127.0.0.1) is believed.
forwarded_allow_ips = "127.0.0.1,::1" if _trusts_proxy(os.environ.get("GUESTLAB_TRUST_PROXY", "")) else ""

# The default, $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl, is one path for every gunicorn
# its user runs, so `gunicornc` could steer another server. This one lives in the private instance folder:
# `gunicornc -s instance/gunicorn.ctl`.
control_socket = os.path.join(HERE, "instance", "gunicorn.ctl")
