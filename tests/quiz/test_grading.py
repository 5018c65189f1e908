import signal

import pytest
from conftest import make_fill, make_multiple

from quiz.grading import GRADERS, MAX_FILL_LENGTH, grade, normalise_fill
from quiz.model import Advice, FillAnswer, Question


def test_registry_has_a_grader_for_every_type():
    assert set(GRADERS) == {"single", "multiple", "fill", "lab"}


def test_single_choice_right_option_is_correct_with_its_explanation(single):
    result = grade(single, "b")
    assert result.correct and result.score == 1.0
    assert result.chosen == ("b",)
    assert result.feedback == ("Why b is True",)


def test_single_choice_wrong_option_names_the_right_one(single):
    result = grade(single, "a")
    assert not result.correct
    assert result.missed == ("b",)
    assert result.feedback == ("Why a is False",)


def test_multiple_choice_needs_exactly_the_correct_set(multiple):
    assert grade(multiple, ["a", "c"]).correct
    assert grade(multiple, {"c", "a"}).correct
    assert not grade(multiple, ["a"]).correct
    assert not grade(multiple, ["a", "b", "c"]).correct
    assert not grade(multiple, ["a", "b", "c", "d"]).correct


def test_multiple_choice_partial_score_is_informational(multiple):
    half = grade(multiple, ["a"])
    assert not half.correct and half.score == 0.5
    assert half.missed == ("c",)
    assert grade(multiple, ["a", "b"]).score == 0.0
    assert grade(multiple, ["a", "b", "c", "d"]).score == 0.0


def test_multiple_choice_feedback_follows_option_order(multiple):
    assert grade(multiple, ["c", "b"]).feedback == ("About b.", "About c.")


def test_multiple_choice_with_an_unknown_option_is_wrong(multiple):
    assert not grade(multiple, ["a", "c", "zz"]).correct


def test_fill_accepts_the_exact_answer(fill):
    assert grade(fill, "dbus-uuidgen --ensure").correct


def test_fill_collapses_whitespace(fill):
    assert grade(fill, "  dbus-uuidgen \t  --ensure \n").correct


def test_fill_is_case_sensitive_by_default(fill):
    assert not grade(fill, "DBUS-UUIDGEN --ensure").correct


def test_fill_casefolds_when_not_case_sensitive():
    question = make_fill(case_sensitive=False, exact=("Cloud-Init",))
    assert grade(question, "CLOUD-init").correct


def test_fill_accepts_optional_sudo():
    question = make_fill(optional_sudo=True)
    assert grade(question, "sudo dbus-uuidgen --ensure").correct
    assert grade(question, "dbus-uuidgen --ensure").correct


def test_fill_refuses_sudo_unless_optional(fill):
    assert not grade(fill, "sudo dbus-uuidgen --ensure").correct


def test_fill_patterns_match_the_whole_normalised_answer():
    question = make_fill(exact=(), patterns=(r"systemd-machine-id-setup( --commit)?",))
    assert grade(question, "systemd-machine-id-setup").correct
    assert grade(question, "systemd-machine-id-setup   --commit").correct
    assert not grade(question, "echo; systemd-machine-id-setup").correct


def test_fill_patterns_ignore_case_when_not_case_sensitive():
    question = make_fill(exact=(), patterns=(r"KVM",), case_sensitive=False)
    assert grade(question, "kvm").correct


BACKTRACKING = [(r"(a+)+b", "aab"), (r"(a|aa)+\1b", "aab"), (r"(a*)*\1c", "aac")]


@pytest.mark.parametrize(("pattern", "right"), BACKTRACKING)
def test_an_instructors_backtracking_pattern_cannot_hang_the_grading(pattern, right):
    """Python's re takes hours on these against 40 a's; the answer is graded, wrong, at once. The alarm
    only turns a hang into a failure instead of a stuck test run."""
    advice = (Advice(pattern=pattern, message="Close, but no."),)
    question = make_fill(exact=("yes",), patterns=(pattern,), advice=advice)
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(30)
    try:
        grading = grade(question, "a" * 40)
    finally:
        signal.alarm(0)
    assert not grading.correct
    assert grade(question, right).correct


def _too_long(signum, frame):
    raise AssertionError("grading a fill-in answer did not end")


def test_fill_over_500_characters_is_wrong():
    question = make_fill(exact=(), patterns=(r".*",))
    assert grade(question, "x" * MAX_FILL_LENGTH).correct
    assert not grade(question, "x" * (MAX_FILL_LENGTH + 1)).correct


def test_fill_empty_answer_is_wrong():
    assert not grade(make_fill(exact=(), patterns=(r".*",)), "   ").correct


def test_normalise_fill_is_public():
    fill = FillAnswer(case_sensitive=False, optional_sudo=True)
    assert normalise_fill("  SUDO   Hostnamectl  ", fill) == "hostnamectl"


def test_lab_is_correct_when_all_checks_passed(lab):
    results = [{"id": "hostname-changed", "passed": True}, {"id": "machine-id-regenerated", "passed": True}]
    assert grade(lab, results).correct


def test_lab_reports_the_checks_still_failing_with_partial_score(lab):
    results = [{"id": "hostname-changed", "passed": True}, {"id": "machine-id-regenerated", "passed": False}]
    result = grade(lab, results)
    assert not result.correct
    assert result.score == 0.5
    assert result.missed == ("machine-id-regenerated",)


def test_lab_needs_passed_to_be_true_not_truthy(lab):
    results = [{"id": "hostname-changed", "passed": "yes"}, {"id": "machine-id-regenerated", "passed": 1}]
    assert not grade(lab, results).correct


def test_lab_without_checks_is_never_correct():
    question = Question(id="l", type="lab", area="iaas-elements", stem="s", explanation="e")
    assert not grade(question, []).correct


JUNK = [None, 0, 3.5, b"b", ["b"], {"b": 1}, "x" * 100_000, object(), [None], [["a"]], {"id": "x"}]


@pytest.mark.parametrize("junk", JUNK, ids=repr)
@pytest.mark.parametrize("kind", ["single", "multiple", "fill", "lab"])
def test_junk_is_simply_wrong(kind, junk, single, multiple, fill, lab):
    question = {"single": single, "multiple": multiple, "fill": fill, "lab": lab}[kind]
    result = grade(question, junk)
    assert result.correct is False


def test_unknown_question_type_is_wrong():
    question = Question(id="q", type="essay", area="iaas-elements", stem="s", explanation="e")
    assert not grade(question, "anything").correct


def test_multiple_with_huge_response_is_wrong():
    assert not grade(make_multiple(), [str(i) for i in range(10_000)]).correct
