"""gunicorn settings for `make run`: whom to trust, how many workers of which kind, and what they log."""

import gc
import json
import os


def _trusts_proxy(value: str) -> bool:
    """GUESTLAB_TRUST_PROXY read as the app reads it (Flask's from_prefixed_env: JSON, else the string)."""
    try:
        return bool(json.loads(value))
    except ValueError:
        return bool(value)


# gunicorn's default believes X-Forwarded-Proto from 127.0.0.1, where any user of this host connects from.
# Only a reverse proxy the administrator vouched for (on this host, since we bind 127.0.0.1) is believed.
forwarded_allow_ips = "127.0.0.1,::1" if _trusts_proxy(os.environ.get("GUESTLAB_TRUST_PROXY", "")) else ""

# No control socket. Its default path is one for every gunicorn its user runs (so `gunicornc` could steer
# another server), and it is served by a thread of the master, which gunicorn itself starts only after the
# first workers "to avoid fork deadlocks": workers forked later, to replace one that died, are forked
# beside it all the same. Nothing here uses gunicornc; signals (HUP, TTIN, TTOU) manage the workers.
control_socket_disable = True

# The app is loaded once and forked, so a worker that dies is replaced at once and the workers share the
# loaded banks and simulator.
preload_app = True


def pre_fork(server, worker):
    """What the master loaded and kept (banks, images, each scenario's installed machines: some 90,000
    objects) lives as long as the workers: frozen, a worker's full collections skip it (86 ms each, about one
    per 500 lab commands) and do not write to its pages, which then stay shared between the workers. Its
    garbage (the worlds warm_up built) is collected first."""
    gc.collect()
    gc.freeze()


# Sync workers, 3 on 2 cores (Makefile's WORKERS). Measured with `make bench` on this 2-core machine, server
# on both cores: at 1000 learners sync workers had p99 130 ms with 0.92 cores busy, threaded ones (2 x 4
# threads, keep-alive) 420 ms with 1.2 cores busy: the threads' contention for the GIL cost more than the
# connections they keep. A sync worker does wait for each client to close its connection (a quarter of its
# time on loopback, bench/PROFILE.md): in production put a buffering reverse proxy (nginx) in front.
# Our sync worker differs only when gunicorn answers itself: a request it refuses (400, 414, 431...) gets
# web/security.py's headers too, and one that outruns `timeout` a 503 with them, unless its response began.
worker_class = "web.gunicorn_worker.SyncWorkerWithHeaders"
# No access log of gunicorn's own: formatting it cost 0.2 ms of every request. The reverse proxy logs
# requests; errors still go to gunicorn's error log (standard error).
accesslog = None
