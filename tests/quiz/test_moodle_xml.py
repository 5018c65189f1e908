import xml.etree.ElementTree as ET

from conftest import make_fill, make_lab, make_multiple, make_single

from quiz.moodle_xml import export_moodle_xml


def parse(*questions):
    return ET.fromstring(export_moodle_xml(questions).encode())


def test_moodle_xml_parses_as_a_quiz():
    root = parse(make_single(), make_multiple(), make_fill())
    assert root.tag == "quiz"
    assert [q.get("type") for q in root.findall("question")] == ["multichoice", "multichoice", "shortanswer"]


def test_moodle_xml_single_choice_has_one_full_answer():
    question = parse(make_single()).find("question")
    assert question.findtext("name/text") == "single-q"
    assert question.find("questiontext").get("format") == "markdown"
    assert question.findtext("questiontext/text") == "Stem of single-q?"
    assert question.findtext("generalfeedback/text") == "Explanation of single-q."
    assert question.findtext("single") == "true"
    answers = question.findall("answer")
    assert [a.get("fraction") for a in answers] == ["0", "100", "0"]
    assert answers[1].findtext("text") == "Option b"
    assert answers[1].findtext("feedback/text") == "Why b is True"


def test_moodle_xml_multiple_choice_fractions_add_up_to_100():
    question = parse(make_multiple(right=("a", "b", "c"))).find("question")
    assert question.findtext("single") == "false"
    fractions = [float(a.get("fraction")) for a in question.findall("answer")]
    assert fractions == [33.33333, 33.33333, 33.33333, -100]
    assert round(sum(f for f in fractions if f > 0) / 100, 2) == 1


def test_moodle_xml_short_answer_keeps_case_sensitivity_and_sudo():
    question = parse(make_fill(optional_sudo=True)).find("question")
    assert question.findtext("usecase") == "1"
    assert [a.findtext("text") for a in question.findall("answer")] == [
        "dbus-uuidgen --ensure",
        "sudo dbus-uuidgen --ensure",
    ]
    assert {a.get("fraction") for a in question.findall("answer")} == {"100"}


def test_moodle_xml_escapes_markup_and_wildcards():
    question = make_single(stem="Is <b>this</b> & ]]> safe?")
    assert parse(question).findtext("question/questiontext/text") == "Is <b>this</b> & ]]> safe?"
    assert parse(make_fill(exact=("ls *.vmdk",))).findtext("question/answer/text") == "ls \\*.vmdk"


def test_moodle_xml_leaves_out_labs_with_a_comment():
    text = export_moodle_xml([make_lab(qid="clone-lab")])
    assert "lab question clone-lab skipped" in text
    assert ET.fromstring(text.encode()).findall("question") == []


def test_moodle_xml_stays_parseable_with_control_characters():
    question = make_single(qid="x--y", stem="bell \x07 and nul \x00 here")
    root = ET.fromstring(export_moodle_xml([question, make_lab(qid="lab--1")]).encode())
    assert root.findtext("question/questiontext/text") == "bell  and nul  here"
