import re
from pathlib import Path

import pytest

from quiz.bank import check_banks, summary
from quiz.grading import fill_accepts
from quiz.model import AREAS, TERMS
from simulator import scenario_check_ids

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "questions"
MINIMUM_PER_TYPE = {"single": 45, "multiple": 28, "fill": 28, "lab": 17}


@pytest.fixture(scope="module")
def bank():
    loaded, errors = check_banks(QUESTIONS_DIR, scenario_check_ids())
    assert errors == [], "\n".join(str(e) for e in errors)
    return loaded


@pytest.fixture(scope="module")
def counts(bank):
    return summary(bank)


def test_shipped_banks_load_without_errors(bank):
    assert bank is not None


def test_there_is_one_bank_file_per_area():
    assert sorted(p.stem for p in QUESTIONS_DIR.glob("*.yaml")) == sorted(AREAS)


def test_every_question_sits_in_the_file_of_its_area(bank):
    for question in bank.questions.values():
        assert Path(question.source_file).stem == question.area, question.id


def test_bank_files_point_editors_at_the_schema():
    for path in QUESTIONS_DIR.glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=schema.json\n"), path.name


def test_at_least_160_questions(counts):
    assert counts["questions"] >= 160


@pytest.mark.parametrize(("kind", "minimum"), MINIMUM_PER_TYPE.items())
def test_minimum_questions_per_type(counts, kind, minimum):
    assert counts["by_type"][kind] >= minimum


@pytest.mark.parametrize("area", AREAS)
def test_every_area_has_at_least_16_questions(counts, area):
    assert counts["by_area"][area] >= 16


@pytest.mark.parametrize("term", TERMS)
def test_every_term_has_at_least_6_questions(counts, term):
    assert counts["by_term"][term] >= 6


def test_every_option_has_its_own_explanation(bank):
    for question in bank.questions.values():
        for option in question.options:
            assert option.explanation.strip(), f"{question.id} option {option.id}"
            assert option.explanation != question.explanation, f"{question.id} option {option.id}"


def test_every_question_has_an_explanation(bank):
    assert all(q.explanation.strip() for q in bank.questions.values())


def test_fill_questions_accept_their_exact_answers(bank):
    for question in bank.questions.values():
        if question.type == "fill":
            for answer in question.fill.exact:
                assert fill_accepts(question.fill, answer), f"{question.id}: {answer!r}"
                assert not fill_accepts(question.fill, answer + " extra"), (
                    f"{question.id}: {answer!r} + extra"
                )


def test_every_scenario_check_is_exercised_by_a_lab_question(bank):
    used = {(q.scenario, check) for q in bank.questions.values() if q.type == "lab" for check in q.checks}
    expected = {(scenario, check) for scenario, checks in scenario_check_ids().items() for check in checks}
    assert expected - used == set()


def test_single_questions_do_not_ask_to_choose_several(bank):
    for question in bank.questions.values():
        if question.type == "single":
            assert "choose two" not in question.stem.lower(), question.id


# What cloud-init's `status` prints (cloudinit/cmd/status.py, as in ../shared/domain/facts.md): the status
# line's values, by version, and the boot status codes of `--long`.
CLOUD_INIT_STATUSES = {
    "not started",
    "not run",
    "running",
    "done",
    "error",
    "degraded done",
    "degraded running",
    "disabled",
}
CLOUD_INIT_BOOT_CODES = {
    "enabled-by-generator",
    "enabled-by-kernel-command-line",
    "enabled-by-sysvinit",
    "disabled-by-generator",
    "disabled-by-kernel-command-line",
    "disabled-by-marker-file",
    "disabled-by-environment-variable",
    "unknown",
}


def _texts(question):
    yield question.stem
    yield question.explanation
    for option in question.options:
        yield option.text
        yield option.explanation


def test_every_cloud_init_status_string_in_the_banks_is_one_cloud_init_prints(bank):
    codes = re.compile(r"\b(?:en|dis)abled-by-[a-z-]+[a-z]")
    statuses = re.compile(r"`(?:extended_)?status: ([a-z ]+)`")
    found_codes, found_statuses = set(), set()
    for question in bank.questions.values():
        for text in _texts(question):
            found_codes |= set(codes.findall(text))
            found_statuses |= set(statuses.findall(text))
    assert found_codes and found_statuses  # the banks do quote both
    assert found_codes - CLOUD_INIT_BOOT_CODES == set()
    assert found_statuses - CLOUD_INIT_STATUSES == set()


def test_no_lab_question_scores_a_subset_of_another_labs_checks(bank):
    """Two lab questions on one scenario where one's checks contain the other's would count the same work
    twice; each lab question asks for something of its own."""
    labs = [q for q in bank.questions.values() if q.type == "lab"]
    overlaps = [
        (a.id, b.id)
        for a in labs
        for b in labs
        if a.id != b.id and a.scenario == b.scenario and set(a.checks) <= set(b.checks)
    ]
    assert overlaps == []


def test_no_question_says_ubuntus_ssh_unit_makes_missing_host_keys(bank):
    # Ubuntu 24.04's ssh.service runs `sshd -t` first, which fails with "no hostkeys available": only
    # cloud-init, ssh-keygen -A or dpkg-reconfigure openssh-server make them (as the simulator's sshd says).
    unit_makes_keys = re.compile(r"ssh`? unit'?s? `?ssh-keygen -A", re.IGNORECASE)
    for question in bank.questions.values():
        for text in _texts(question):
            assert not unit_makes_keys.search(text), question.id
