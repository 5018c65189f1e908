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

# The app is loaded once and forked, so a worker that dies is replaced at once and the workers share the
# loaded banks and simulator. Threaded workers keep connections alive and serve another request while
# one waits on its client or on SQLite (a sync worker idled a quarter of its time closing connections;
# see bench/PROFILE.md); the recent-worlds cache is per process, so every thread of a worker shares it.
preload_app = True
worker_class = "gthread"
threads = 4
# Longer than a learner's pause between two clicks: a connection the server closes just as the browser
# reuses it fails that request (the bench saw one such error at 500 learners with 5 s).
keepalive = 75
# No access log of gunicorn's own: formatting it cost 0.2 ms of every request. A reverse proxy in front
# logs requests; errors still go to gunicorn's error log (standard error).
accesslog = None
