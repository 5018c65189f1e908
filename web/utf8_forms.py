"""Form bodies must be UTF-8 text. Werkzeug quietly turns one that is not into an empty form (raw bytes) or
into literal `%FF` text (percent-escapes), so a lab line would run as something nobody typed; here such a
form is refused with a message instead."""

from urllib.parse import parse_qsl

from flask import Request
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser

NOT_UTF8 = "What you sent is not UTF-8 text, so it was not used. Type it again, or paste it as plain text."


class FormNotUTF8(BadRequest):
    """A form body that is not UTF-8; a view may answer it in its own place, as the terminal does."""


class UTF8FormDataParser(FormDataParser):
    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        # Werkzeug's own decodes with errors="werkzeug.url_quote". An HTTPException is not a ValueError,
        # so the parser's silent mode lets it through instead of answering with an empty form.
        try:
            items = parse_qsl(stream.read().decode(), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise FormNotUTF8(NOT_UTF8) from None
        return stream, self.cls(items), self.cls()


class UTF8Request(Request):
    form_data_parser_class = UTF8FormDataParser


def init_app(app) -> None:
    app.request_class = UTF8Request
