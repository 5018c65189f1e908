import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from quiz.mastery import lab_outcome, mastery, mastery_svg
from quiz.model import AREAS, TERMS

START = datetime(2025, 3, 1, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def answer(correct, minutes, area="clone-unique-properties", terms=("dbus-machine-id",), **extra):
    return {
        "question_id": "q",
        "area": area,
        "terms": list(terms),
        "correct": correct,
        "at": START + timedelta(minutes=minutes),
        **extra,
    }


def test_mastery_lists_every_area_and_term_even_unseen():
    result = mastery([])
    assert set(result["areas"]) == set(AREAS)
    assert set(result["terms"]) == set(TERMS)
    assert result["areas"]["iaas-elements"] == {"score": 0.0, "seen": 0}


def test_mastery_all_right_is_full_score():
    result = mastery([answer(True, 1), answer(True, 2)])
    assert result["areas"]["clone-unique-properties"] == {"score": 1.0, "seen": 2}
    assert result["terms"]["dbus-machine-id"]["score"] == 1.0


def test_mastery_recent_answers_count_more():
    improving = mastery([answer(False, 1), answer(False, 2), answer(True, 3), answer(True, 4)])
    slipping = mastery([answer(True, 1), answer(True, 2), answer(False, 3), answer(False, 4)])
    improving_score = improving["areas"]["clone-unique-properties"]["score"]
    slipping_score = slipping["areas"]["clone-unique-properties"]["score"]
    assert improving_score > 0.5 > slipping_score


def test_mastery_orders_events_by_time_not_by_list_position():
    events = [answer(True, 4), answer(False, 1)]
    assert mastery(events) == mastery(list(reversed(events)))


def test_mastery_combines_quiz_answers_and_lab_checks():
    events = [
        answer(True, 1, question_id="q1"),
        {
            "check": "machine-id-regenerated",
            "area": "clone-unique-properties",
            "terms": ["dbus-machine-id"],
            "correct": False,
            "at": (START + timedelta(minutes=2)).isoformat(),
        },
    ]
    result = mastery(events)
    assert result["terms"]["dbus-machine-id"]["seen"] == 2
    assert 0 < result["areas"]["clone-unique-properties"]["score"] < 0.5


def test_mastery_skips_malformed_events():
    result = mastery(
        [
            None,
            "x",
            {"area": "iaas-elements"},
            {"area": "iaas-elements", "correct": "yes"},
            answer(True, 1, area="nowhere", terms=("no-such-term",)),
        ]
    )
    assert all(v["seen"] == 0 for v in result["areas"].values())
    assert all(v["seen"] == 0 for v in result["terms"].values())


def test_mastery_svg_is_valid_labelled_and_has_one_bar_per_area():
    svg = mastery_svg(mastery([answer(True, 1), answer(False, 2)]))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert "Mastery by area" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == "Mastery by area"
    assert len(root.findall(f"{SVG}g")) == len(AREAS)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "What to change when cloning" in texts
    assert "44%" in texts
    assert texts.count("not practised yet") == len(AREAS) - 1


def test_mastery_svg_has_no_script_links_or_styles():
    svg = mastery_svg(mastery([]))
    for forbidden in ("<script", "href", "style=", "<foreignObject", "url("):
        assert forbidden not in svg


@pytest.mark.parametrize("junk", [None, {}, {"areas": None}, {"areas": {"iaas-elements": {"score": "x"}}}])
def test_mastery_svg_survives_junk(junk):
    ET.fromstring(mastery_svg(junk))


def test_mastery_svg_escapes_text(monkeypatch):
    monkeypatch.setitem(AREAS, "iaas-elements", '<b>"IaaS" & co</b>')
    svg = mastery_svg(mastery([]))
    assert "<b>" not in svg
    assert ET.fromstring(svg) is not None


def test_mastery_chart_by_term_names_every_term_and_follows_the_page_colour():
    svg = mastery_svg(mastery([]), "terms")
    assert "Mastery by term" in svg and "D-Bus machine id" in svg and "Guest drivers" in svg
    assert 'fill="currentColor"' in svg


def test_a_lab_question_is_right_once_each_check_has_passed_now_or_before():
    evidence = {"machine-id-regenerated": "2026-11-28T10:00:00+00:00"}
    right, at = lab_outcome(
        ["machine-id-regenerated", "hostname-changed"],
        evidence,
        {"hostname-changed"},
        "2026-11-29T09:00:00+00:00",
    )
    assert right and at == "2026-11-29T09:00:00+00:00"


def test_a_reset_lab_keeps_what_its_checks_showed_dated_by_the_latest_pass():
    evidence = {"a": "2026-11-28T10:00:00+00:00", "b": "2026-11-28T11:00:00+00:00"}
    assert lab_outcome(["a", "b"], evidence, set(), "2026-11-29T09:00:00+00:00") == (
        True,
        "2026-11-28T11:00:00+00:00",
    )


def test_a_lab_question_with_a_check_never_passed_is_not_yet_right():
    evidence = {"a": "2026-11-28T10:00:00+00:00"}
    assert lab_outcome(["a", "b"], evidence, set(), "2026-11-29T09:00:00+00:00") == (
        False,
        "2026-11-29T09:00:00+00:00",
    )
    assert lab_outcome([], {}, set(), "2026-11-29T09:00:00+00:00")[0] is False


def test_an_old_lab_pass_weighs_less_than_newer_quiz_answers():
    right, at = lab_outcome(["a"], {"a": START.isoformat()}, set(), None)
    events = [answer(right, 0, at=at), answer(False, 10), answer(False, 20)]
    newer = [answer(False, 0), answer(False, 10), answer(right, 20, at=START + timedelta(minutes=30))]
    assert (
        mastery(events)["areas"]["clone-unique-properties"]["score"]
        < (mastery(newer)["areas"]["clone-unique-properties"]["score"])
    )
