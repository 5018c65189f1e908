"""libxml2 2.9.14's refusals as libvirt 10.0's catchXMLError shows them: message, line, pointer."""

import pytest

from simulator import libxml2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "(m):1: Document is empty\n\n^"),
        ("  ", "(m):1: Start tag expected, '<' not found\n  \n--^"),
        ("<a>on", "(m):1: Premature end of data in tag a line 1\n<a>on\n-----^"),
        ("<a/><b/>", "(m):1: Extra content at the end of the document\n<a/><b/>\n----^"),
        ("<a>\n<b></c>\n</a>", "(m):2: Opening and ending tag mismatch: b line 2 and c\n<b></c>\n-------^"),
    ],
)
def test_a_malformed_document_is_worded_as_libxml2_words_it(text, expected):
    assert libxml2.error(text, "(m)") == expected


def test_a_well_formed_document_has_no_error():
    assert libxml2.error('<app xmlns="urn:x" role="web"><tier>1</tier></app>', "(m)") is None
