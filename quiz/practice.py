"""Choosing the questions of a practice session from what the learner asked for."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from quiz.model import Question


def choose_practice(
    questions: Iterable[Question],
    *,
    areas: set[str],
    terms: set[str],
    types: set[str],
    size: int,
    rng: random.Random,
    among: Sequence[str] | None = None,
) -> list[str]:
    """Question ids matching every filter (an empty filter matches all), at most `size` of them.

    With `among` (missed or due questions, in priority order) only those are taken, in that order;
    otherwise the matches are shuffled.
    """
    matching = {
        q.id: q
        for q in questions
        if (not areas or q.area in areas)
        and (not types or q.type in types)
        and (not terms or set(q.terms) & terms)
    }
    if among is not None:
        return [qid for qid in among if qid in matching][:size]
    chosen = list(matching)
    rng.shuffle(chosen)
    return chosen[:size]


def practice_title(areas: set[str], terms: set[str], area_names: dict, term_names: dict) -> str:
    """A practice named by what it is on, as a person would list it: "Practice on SSH host keys"."""
    names = [area_names[a] for a in area_names if a in areas]
    names += [term_names[t] for t in term_names if t in terms]
    if not names:
        return "Practice on all areas"
    if len(names) <= 2:
        return "Practice on " + " and ".join(names)
    return f"Practice on {names[0]} and {len(names) - 1} more topics"
