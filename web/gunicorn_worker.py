"""gunicorn's sync worker, whose own answers (a request it refuses, a request that outran the worker timeout)
carry the security headers that every answer of the app carries."""

from gunicorn import util
from gunicorn.http.wsgi import Response
from gunicorn.workers.sync import SyncWorker

from web.security import CACHE_CONTROL, HEADERS

# What web.security.add_headers gives every answer of the app that is not a static file.
_HEADER_BLOCK = "".join(
    f"{name}: {value}\r\n" for name, value in {**HEADERS, "Cache-Control": CACHE_CONTROL}.items()
).encode("latin-1")

# Where the bytes of a response's head go out (the final one's, a 103 Early Hints'): an abort that lands here
# may have sent part of a head, or all of it before send_headers records headers_sent.
_WRITING_A_HEAD = {util.write.__code__, Response.send_headers.__code__}


class _HeadersAfterStatusLine:
    """The client socket as gunicorn's util.write_error sees it: the first bytes written, an answer's status
    line, are followed by our headers; everything else is the socket's own."""

    def __init__(self, sock):
        self._sock = sock
        self._status_line_written = False

    def sendall(self, data: bytes) -> None:
        if not self._status_line_written:
            self._status_line_written = True
            status_line, crlf, rest = data.partition(b"\r\n")
            data = status_line + crlf + _HEADER_BLOCK + rest
        self._sock.sendall(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def _response_begun(abort: SystemExit) -> bool:
    """Whether any byte of an answer may have reached the client when the abort landed, read from where it
    landed: inside the writing of a head, or after handle_request's response had sent its own (its
    post_request hook runs then, outside the check gunicorn makes on headers_sent)."""
    level = abort.__traceback__
    while level is not None:
        code = level.tb_frame.f_code
        if code in _WRITING_A_HEAD:
            return True
        if code is SyncWorker.handle_request.__code__:
            response = level.tb_frame.f_locals.get("resp")
            if response is not None and response.headers_sent:
                return True
        level = level.tb_next
    return False


class SyncWorkerWithHeaders(SyncWorker):
    """Only the error path differs from SyncWorker: a normal request runs exactly its code, on its socket.

    (Not named "...SyncWorker": gunicorn swaps a class of that name for its threaded worker when threads > 1.)
    """

    timed_out = False

    def handle_abort(self, sig, frame):
        """The arbiter's SIGABRT after `timeout` seconds without a sign of life: SyncWorker raises SystemExit
        wherever the request was; it comes back here through handle_error, as any request's failure does."""
        self.timed_out = True
        super().handle_abort(sig, frame)

    def handle_error(self, req, client, addr, exc):
        """gunicorn's own answer (400, 414, 431, 500, ...) with our headers; after a timeout, 503 instead,
        unless the response had begun: then the client gets what was sent and the connection closes.

        Whether the response had begun is read from the abort's traceback (_response_begun), which shows
        where in gunicorn the worker was and the response it was writing."""
        client = _HeadersAfterStatusLine(client)
        if not (self.timed_out and isinstance(exc, SystemExit)):
            super().handle_error(req, client, addr, exc)
            return
        what = f"{req.method} {req.uri}" if req is not None else "a request not yet read"
        self.log.error("Worker timeout (%ss) while handling %s", self.cfg.timeout, what, exc_info=exc)
        if _response_begun(exc):
            return
        try:
            util.write_error(
                client, 503, "Service Unavailable", "The server took too long; please try again."
            )
        except OSError:
            self.log.debug("Failed to send the timeout's answer.")
