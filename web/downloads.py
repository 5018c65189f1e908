"""Files sent to be saved, under a name any character may be in: a learner names objects and guests, an
instructor classes. A header carries only printable Latin-1 (gunicorn refuses anything else, and the
browser would never see the file), so the name goes as RFC 6266 says: an ASCII `filename` for old clients
and the whole name, UTF-8 and percent-encoded, in `filename*` (RFC 8187), as Werkzeug's send_file does.
"""

import unicodedata
from urllib.parse import quote

from flask import Response


def attachment(body, mimetype: str, filename: str) -> Response:
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(ch for ch in plain if ch.isprintable() and ch not in '"\\') or "download"
    disposition = f'attachment; filename="{plain}"'
    if plain != filename:
        disposition += "; filename*=UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
