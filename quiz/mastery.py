"""How well a learner knows each area and term, from quiz answers and lab checks, and a chart of it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any

from quiz.model import AREAS, TERMS

# Recent answers count more: within an area (or term) the newest answer weighs 1, the one before it
# DECAY, then DECAY**2 and so on, so about the last ten answers decide the score (0.8**10 ~ 0.1).
# Counting by position rather than by age means a break from study does not erase what was learned.
DECAY = 0.8


def _moment(value: Any) -> float:
    """A sortable number for an event's `at`: datetime, ISO string or epoch seconds; unknown is oldest."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return float("-inf")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float("-inf")


def _score(outcomes: list[bool]) -> float:
    """Decay-weighted share of right answers; `outcomes` newest first."""
    weights = [DECAY**i for i in range(len(outcomes))]
    return sum(w for w, right in zip(weights, outcomes, strict=True) if right) / sum(weights)


def mastery(events: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, dict[str, float | int]]]:
    """`{"areas": {area: {"score": 0..1, "seen": n}}, "terms": {term: {...}}}` for every known area/term.

    An event is `{question_id or check, area, terms, correct, at}`; malformed events are skipped.
    Areas and terms never seen have score 0 and seen 0.
    """
    valid = [e for e in events if isinstance(e, Mapping) and isinstance(e.get("correct"), bool)]
    valid.sort(key=lambda e: _moment(e.get("at")), reverse=True)
    by_area: dict[str, list[bool]] = {a: [] for a in AREAS}
    by_term: dict[str, list[bool]] = {t: [] for t in TERMS}
    for event in valid:
        if event.get("area") in by_area:
            by_area[event["area"]].append(event["correct"])
        terms = event.get("terms")
        for term in set(terms) if isinstance(terms, list | tuple | set | frozenset) else ():
            if term in by_term:
                by_term[term].append(event["correct"])

    def summary(groups: dict[str, list[bool]]) -> dict[str, dict[str, float | int]]:
        return {k: {"score": _score(v) if v else 0.0, "seen": len(v)} for k, v in groups.items()}

    return {"areas": summary(by_area), "terms": summary(by_term)}


def lab_outcome(
    checks: Iterable[str], evidence: Mapping[str, Any], passing_now: set[str], worked_at: Any
) -> tuple[bool, Any]:
    """A lab question as mastery evidence: (right, when).

    Right once each of its checks has passed, now or at any earlier time (`evidence`: check -> when it
    last passed), so resetting a lab to practise again never takes back what was shown; dated by the
    latest of those passes, so recent work weighs more. Otherwise not yet right, dated by the last work
    on the lab (`worked_at`), when the checks passing now count as passing then.
    """
    checks = list(checks)
    when = {c: evidence[c] for c in checks if c in evidence}
    when.update({c: worked_at for c in checks if c in passing_now})
    if checks and len(when) == len(checks):
        return True, max(when.values(), key=_moment)
    return False, worked_at


ROW_HEIGHT = 46
BAR_WIDTH = 260
CHART_WIDTH = 420


def mastery_svg(result: Mapping[str, Any], group: str = "areas") -> str:
    """An inline SVG bar chart of mastery per area (or per term): labelled, text percentages, no script.

    Colours are presentation attributes, not `style`, so a strict Content-Security-Policy allows them;
    text is `currentColor`, so it follows the page's light or dark scheme.
    """
    names = TERMS if group == "terms" else AREAS
    areas = result.get(group, {}) if isinstance(result, Mapping) else {}
    rows, summary = [], []
    for index, (area, name) in enumerate(names.items()):
        entry = areas.get(area, {}) if isinstance(areas, Mapping) else {}
        seen = entry.get("seen", 0) if isinstance(entry, Mapping) else 0
        score = entry.get("score", 0.0) if isinstance(entry, Mapping) else 0.0
        score = min(max(float(score), 0.0), 1.0) if isinstance(score, int | float) else 0.0
        percent = round(score * 100)
        value = f"{percent}%" if seen else "not practised yet"
        summary.append(f"{name}: {value}")
        top = index * ROW_HEIGHT
        rows.append(
            f'<g class="mastery-row">'
            f'<text x="0" y="{top + 14}" font-size="13" fill="currentColor">{escape(name)}</text>'
            f'<rect x="0" y="{top + 20}" width="{BAR_WIDTH}" height="14" rx="3" fill="#e2e8f0"/>'
            f'<rect x="0" y="{top + 20}" width="{round(BAR_WIDTH * score)}" height="14" rx="3" '
            f'fill="#2b6cb0"/>'
            f'<text x="{BAR_WIDTH + 8}" y="{top + 32}" font-size="13" fill="currentColor">'
            f"{escape(value)}</text>"
            f"</g>"
        )
    title = "Mastery by term. " if group == "terms" else "Mastery by area. "
    label = escape(title + "; ".join(summary), quote=True)
    height = len(names) * ROW_HEIGHT
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mastery-chart" role="img" aria-label="{label}" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">'
        f"<title>{escape(title.rstrip('. '))}</title>" + "".join(rows) + "</svg>"
    )
