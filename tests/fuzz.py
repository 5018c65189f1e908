"""What the fuzz tests send: hostile values mixed with valid ones, and forms built of them."""

import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Each example runs on the same app and database: a test function's fixtures are its world.
fuzz = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TRICKY = [
    "",
    " ",
    "\x00",
    "\r\n",
    "%FF",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    "{{ 7 * 7 }}",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "🙂",
    "日本語 Ωmega",
    "\u202e",
    "x" * 5000,
]
TEXT = st.one_of(st.text(st.characters(codec="utf-8"), max_size=60), st.sampled_from(TRICKY))
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "-0", "1e309", "nan", "inf", "0x10", " 5 ", "5.5", "١٢", "²", "+3", "1_000"]),
)
HOSTILE = st.one_of(TEXT, NUMBERS)


def value(*valid: str):
    """One of the valid values, or something hostile."""
    return st.one_of(st.sampled_from(valid), HOSTILE) if valid else HOSTILE


def form(fields: dict[str, tuple[str, ...]]):
    """A form of some of `fields` (name -> valid values), each a valid or hostile value, or the field sent
    twice (a list), as a tampered form may."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(value(*valid), st.lists(value(*valid), min_size=2, max_size=3))
            for name, valid in fields.items()
        },
    )


# What gunicorn 27 sends as a header value (its HEADER_VALUE_RE); for anything else it answers a 500 instead.
SENDABLE = re.compile(r"[ \t\x21-\x7e\x80-\xff]*")


def sendable(response) -> bool:
    """Whether a real server can send the response's headers (the test client sends any text)."""
    return all(SENDABLE.fullmatch(value) for _, value in response.headers.items())
