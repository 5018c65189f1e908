import xml.etree.ElementTree as ET

from conftest import make_fill, make_lab, make_multiple, make_single
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.model import Question
from quiz.moodle_import import Remark
from quiz.moodle_xml import export_moodle_xml, import_moodle_xml
from quiz.render import text_to_html

AREA = "vm-and-containers"


def xml(*questions):
    text, _ = export_moodle_xml(questions)
    return text


def parse(*questions):
    root = ET.fromstring(xml(*questions).encode())
    for category in root.findall("question[@type='category']"):
        root.remove(category)
    return root


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
    text, remarks = export_moodle_xml([make_lab(qid="clone-lab")])
    assert "clone-lab: not exported: a lab question needs the simulator" in text
    assert remarks[0].title == "clone-lab"
    assert ET.fromstring(text.encode()).findall("question[@type='multichoice']") == []


def test_moodle_xml_stays_parseable_with_control_characters():
    question = make_single(qid="x--y", stem="bell \x07 and nul \x00 here")
    root = ET.fromstring(xml(question, make_lab(qid="lab--1")).encode())
    assert root.findtext("question[@type='multichoice']/questiontext/text") == "bell  and nul  here"


def test_moodle_xml_has_a_category_per_area_and_ids_and_tags():
    root = ET.fromstring(xml(make_single(qid="s", terms=("guest-drivers",)), make_fill(qid="f")).encode())
    kinds = [(q.get("type"), q.findtext("category/text") or q.findtext("idnumber")) for q in root]
    assert kinds == [
        ("category", "$course$/top/GuestLab 102.6/Virtual machines and containers"),
        ("multichoice", "s"),
        ("category", "$course$/top/GuestLab 102.6/What to change when cloning"),
        ("shortanswer", "f"),
    ]
    tags = [t.text for t in root.findall("question[@type='multichoice']/tags/tag/text")]
    assert tags == ["guest-drivers", "difficulty-2"]


def test_moodle_xml_round_trip_gives_the_same_questions():
    questions = [make_single(), make_multiple(), make_fill(exact=("virsh list",), case_sensitive=True)]
    result = import_moodle_xml(xml(*questions), AREA, author="GuestLab contributors", licence="CC-BY-SA-4.0")
    assert result.rejected == []
    expected, back = questions, result.questions
    assert [(q.id, q.area, q.type, q.stem, q.explanation, q.fill) for q in back] == [
        (q.id, q.area, q.type, q.stem, q.explanation, q.fill) for q in expected
    ]
    assert [[(o.text, o.correct, o.explanation) for o in q.options] for q in back] == [
        [(o.text, o.correct, o.explanation) for o in q.options] for q in expected
    ]


MOODLE_SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Images and deployment</text></category>
    <info format="moodle_auto_format"><text></text></info>
  </question>
<!-- question: 12  -->
  <question type="multichoice">
    <name><text>Name of question</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Which is an <b>image</b> format?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>qcow2 is QEMU's.</p>]]></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>img-1</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text><![CDATA[<p>qcow2</p>]]></text>
      <feedback format="html"><text>Correct!</text></feedback></answer>
    <answer fraction="0" format="html"><text><![CDATA[<p>ext4</p>]]></text>
      <feedback format="html"><text>A file system.</text></feedback></answer>
    <tags><tag><text>virtual-machine</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="moodle_auto_format"><text>2*3*4 is 24.</text></questiontext>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text><feedback><text>Yes.</text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text><feedback><text>No.</text></feedback>
    </answer>
  </question>
  <question type="shortanswer">
    <name><text>SA</text></name>
    <questiontext format="plain_text"><text>Name the &lt;tool&gt;.</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>virsh</text></answer>
    <answer fraction="100"><text>vir*sh</text></answer>
    <answer fraction="50"><text>virt</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Two</text></name>
    <questiontext format="markdown"><text>Pick *two*.</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>a</text></answer>
    <answer fraction="50"><text>b</text></answer>
    <answer fraction="-100"><text>c</text></answer>
  </question>
  <question type="essay">
    <name><text>Essay</text></name>
    <questiontext format="html"><text>Why?</text></questiontext>
  </question>
</quiz>
"""


def test_moodle_sample_export_is_read_as_moodle_reads_it():
    result = import_moodle_xml(MOODLE_SAMPLE, AREA)
    mc, tf, sa, two = result.questions
    assert (mc.id, mc.area, mc.terms, mc.text_format) == (
        "img-1",
        "images-deployment",
        ("virtual-machine",),
        "html",
    )
    assert text_to_html(mc.stem, "html") == "<p>Which is an <b>image</b> format?</p>"
    assert mc.explanation == "<p>qcow2 is QEMU's.</p>"
    assert [(o.text, o.correct, o.explanation) for o in mc.options] == [
        ("<p>qcow2</p>", True, "Correct!"),
        ("<p>ext4</p>", False, "A file system."),
    ]
    assert (tf.id, tf.correct_option_ids, tf.options[0].explanation) == ("tf", {"true"}, "Yes.")
    assert "2*3*4" in text_to_html(tf.stem, tf.text_format)
    assert sa.fill.exact == ("virsh",) and sa.fill.case_sensitive
    assert sa.fill.patterns == ("vir.*sh",)
    assert "&lt;tool&gt;" in text_to_html(sa.stem, sa.text_format)
    assert (two.type, two.choose, two.text_format) == ("multiple", 2, "markdown")
    assert [o.fraction for o in two.options] == [0.5, 0.5, -1.0]
    assert [(r.line, r.title) for r in result.rejected] == [(54, "Essay")]
    assert "'virt' is worth 50% in Moodle" in result.notes[0].reason


def test_moodle_xml_refuses_entities_and_junk_with_a_reason():
    bomb = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><quiz>&b;</quiz>'
    for text, reason in [
        (bomb, "DOCTYPE"),
        ("<quiz><question", "not readable XML"),
        ("<html/>", "not a Moodle <quiz>"),
        (b"\xff", "not UTF-8"),
    ]:
        result = import_moodle_xml(text, AREA)
        assert result.questions == [] and reason in result.rejected[0].reason


def test_moodle_xml_import_strips_a_byte_order_mark():
    result = import_moodle_xml("\ufeff" + xml(make_single()), AREA)
    assert [q.id for q in result.questions] == ["single-q"]


XML_BITS = st.sampled_from(
    ["<quiz>", "</quiz>", "<question type='multichoice'>", "<question type='shortanswer'>", "</question>",
     "<answer fraction='100'>", "<answer fraction='x'>", "</answer>", "<text>", "</text>",
     "<single>false</single>", "<questiontext format='html'>", "</questiontext>", "a", "&amp;",
     "<![CDATA[<b>]]>", "<question type='category'>", "<category>", "</category>", "<usecase>1</usecase>",
     "*", "<tags><tag><text>t</text></tag></tags>"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_BITS, max_size=40))
def test_moodle_xml_import_survives_any_xml_like_text(bits):
    result = import_moodle_xml("".join(bits), AREA)
    assert all(isinstance(q, Question) for q in result.questions)
    assert all(isinstance(r, Remark) and r.reason for r in result.rejected + result.notes)
