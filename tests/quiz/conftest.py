"""Small factories for Question objects, so the engine's tests do not depend on the YAML banks."""

from __future__ import annotations

import pytest

from quiz.model import FillAnswer, Option, Question


def make_single(qid="single-q", area="vm-and-containers", right="b", **fields):
    """A single-choice question with options a, b, c where `right` is correct."""
    options = tuple(
        Option(id=oid, text=f"Option {oid}", correct=oid == right, explanation=f"Why {oid} is {oid == right}")
        for oid in ("a", "b", "c")
    )
    defaults = dict(stem=f"Stem of {qid}?", explanation=f"Explanation of {qid}.", options=options)
    return Question(id=qid, type="single", area=area, **{**defaults, **fields})


def make_multiple(qid="multiple-q", area="clone-unique-properties", right=("a", "c"), **fields):
    """A multiple-choice question with options a to d where the ids in `right` are correct."""
    options = tuple(
        Option(id=oid, text=f"Option {oid}", correct=oid in right, explanation=f"About {oid}.")
        for oid in ("a", "b", "c", "d")
    )
    defaults = dict(
        stem=f"Stem of {qid}? (Choose {len(right)}.)",
        explanation=f"Explanation of {qid}.",
        options=options,
        choose=len(right),
    )
    return Question(id=qid, type="multiple", area=area, **{**defaults, **fields})


def make_fill(qid="fill-q", area="clone-unique-properties", **fill_fields):
    """A fill question whose accepted answer is `dbus-uuidgen --ensure` unless told otherwise."""
    fill = FillAnswer(**{"exact": ("dbus-uuidgen --ensure",), **fill_fields})
    return Question(
        id=qid,
        type="fill",
        area=area,
        stem="Which command creates a D-Bus machine id if none exists?",
        explanation="dbus-uuidgen --ensure writes /var/lib/dbus/machine-id when it is missing.",
        fill=fill,
        terms=("dbus-machine-id",),
    )


LAB_CHECKS = ("hostname-changed", "machine-id-regenerated")


def make_lab(qid="lab-q", area="clone-unique-properties", checks=LAB_CHECKS):
    return Question(
        id=qid,
        type="lab",
        area=area,
        stem="Prepare the clone.",
        explanation="A clone needs its own identity.",
        scenario="clone-identifiers",
        checks=tuple(checks),
    )


@pytest.fixture
def single():
    return make_single()


@pytest.fixture
def multiple():
    return make_multiple()


@pytest.fixture
def fill():
    return make_fill()


@pytest.fixture
def lab():
    return make_lab()
