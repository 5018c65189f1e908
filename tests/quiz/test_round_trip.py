"""Our exports read back by our imports give the shipped banks' questions again, in both formats."""

from pathlib import Path

import pytest

from quiz.bank import load_bank
from quiz.gift import export_gift, import_gift
from quiz.grading import fill_accepts, grade
from quiz.moodle_xml import export_moodle_xml, import_moodle_xml

QUESTIONS = list(load_bank(Path("questions")).questions.values())


def shape(q):
    options = [(o.text, o.correct, o.explanation) for o in q.options]
    return (q.area, q.type, q.stem, q.explanation, q.terms, q.difficulty, q.text_format, options, q.choose)


def tries(q):
    exact = list(q.fill.exact)
    return exact + [f"sudo {a}" for a in exact] + [a.upper() for a in exact] + ["not it"]


@pytest.mark.parametrize(
    ("export", "read", "keeps_case"),
    [(export_gift, import_gift, False), (export_moodle_xml, import_moodle_xml, True)],
    ids=["gift", "xml"],
)
def test_the_whole_bank_comes_back_from_its_export(export, read, keeps_case):
    text, remarks = export(QUESTIONS)
    result = read(text, "vm-and-containers", max_bytes=10**7)
    assert result.rejected == [] and result.notes == []
    back = {q.id: q for q in result.questions}
    left_out = {r.title for r in remarks if r.reason.startswith("not exported")}
    assert set(back) == {q.id for q in QUESTIONS} - left_out
    for question in QUESTIONS:
        if question.id not in back:
            continue
        assert shape(back[question.id]) == shape(question), question.id
        if question.fill:
            for answer in tries(question):
                if keeps_case or answer == answer.lower() or question.fill.case_sensitive is False:
                    if question.fill.run:  # graded by running here; the export keeps the text rules
                        expected = fill_accepts(question.fill, answer)
                    else:
                        expected = grade(question, answer).correct
                    assert grade(back[question.id], answer).correct == expected, answer
