"""Why libxml2 2.9.14 (Ubuntu 24.04) refuses a document that is not well-formed, as libvirt 10.0 reports it.

libvirt parses a learner's XML string with virXMLParseHelper (src/util/virxml.c); its catchXMLError keeps
libxml2's first fatal error and shows it as "URL:LINE: MESSAGE" (the message ends with a newline), then the
line where the parser stopped and a pointer under the column: a dash per character before it, then "^".
The messages are parser.c's for the malformations a learner makes: nothing at all, text that is not a tag,
a start tag never finished, an element never closed, an end tag that closes another, content after the
root. Python's expat finds the fault; its kind and place are then worded as libxml2 words them.
"""

from __future__ import annotations

import xml.parsers.expat
from xml.parsers.expat import errors

BLANKS = " \t\r\n"


def error(text: str, url: str) -> str | None:
    """libvirt's message for `text` parsed under `url`, or None when expat finds it well-formed (or meets
    an entity declaration, which it does not expand)."""
    if not text:  # xmlParseDocument, before anything else
        return _report(text, url, 0, "Document is empty")
    start = len(text) - len(text.lstrip(BLANKS))
    if text[start : start + 1] != "<":  # after the blanks (xmlParseMisc), where the root should begin
        return _report(text, url, start, "Start tag expected, '<' not found")
    parser = xml.parsers.expat.ParserCreate()
    open_tags: list[tuple[str, int]] = []
    parser.StartElementHandler = lambda name, _attributes: open_tags.append((name, parser.CurrentLineNumber))
    parser.EndElementHandler = lambda _name: open_tags.pop()
    parser.EntityDeclHandler = _refuse_entities
    try:
        parser.Parse(text.encode(), True)
    except xml.parsers.expat.ExpatError as fault:
        data = text.encode()
        where = len(data[: _line_start(data, fault.lineno) + fault.offset].decode(errors="ignore"))
        return _worded(text, url, fault.code, where, open_tags)
    except _EntityDeclared:
        return None
    return None


class _EntityDeclared(Exception):
    """A DTD declares an entity: expanding it is no part of this model."""


def _refuse_entities(*_args) -> None:
    raise _EntityDeclared


def _line_start(data: bytes, lineno: int) -> int:
    offset = 0
    for _ in range(lineno - 1):
        offset = data.index(b"\n", offset) + 1
    return offset


def _worded(text: str, url: str, code: int, where: int, open_tags: list[tuple[str, int]]) -> str:
    kind = errors.messages[code]
    if kind == errors.XML_ERROR_NO_ELEMENTS and open_tags:  # xmlParseElementEnd at the end of the input
        name, line = open_tags[-1]
        return _report(text, url, len(text), f"Premature end of data in tag {name} line {line}")
    if kind == errors.XML_ERROR_TAG_MISMATCH:  # xmlParseEndTag2, once past the end tag's '>'
        closing = text[where:].removeprefix("</").split(">", 1)[0].strip(BLANKS)
        end = text.find(">", where)
        name, line = open_tags[-1]
        message = f"Opening and ending tag mismatch: {name} line {line} and {closing}"
        return _report(text, url, len(text) if end < 0 else end + 1, message)
    if kind == errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT:  # xmlParseDocument after the root element
        return _report(text, url, where, "Extra content at the end of the document")
    name = text[where + 1 :].split(None, 1)[0] if text[where + 1 :].strip() else ""
    if kind == errors.XML_ERROR_UNCLOSED_TOKEN and text[where] == "<" and name[:1].isalpha():
        line = text.count("\n", 0, where) + 1  # xmlParseElementStart: the input ended inside the start tag
        return _report(text, url, len(text), f"Couldn't find end of Start Tag {name} line {line}")
    # UNVERIFIED: the other faults keep expat's wording, where libxml2 has its own
    return _report(text, url, where, kind[:1].upper() + kind[1:])


def _report(text: str, url: str, cur: int, message: str) -> str:
    """catchXMLError: the message, then the line the parser stopped on and a pointer under its column."""

    def at(index: int) -> str:
        return text[index] if index < len(text) else "\0"

    begin = cur
    while begin > 0 and at(begin) in "\n\r":
        begin -= 1
    while begin > 0 and at(begin) not in "\n\r":
        begin -= 1
    if at(begin) in "\n\r":
        begin += 1
    end = begin
    while end < len(text) and text[end] not in "\n\r":
        end += 1
    context = text[begin:end]
    pointer = "".join("\t" if ch == "\t" else "-" for ch in context[: max(cur - begin, 0)]) + "^"
    line = text.count("\n", 0, cur) + 1
    return f"{url}:{line}: {message}\n{context}\n{pointer}"
