import re
from pathlib import Path

from conftest import make_fill, make_lab, make_multiple, make_single
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.bank import load_bank
from quiz.gift import escape_gift, export_gift, import_gift
from quiz.grading import grade
from quiz.model import FillAnswer, Option, Question
from quiz.moodle_import import Remark
from quiz.render import text_to_html

AREA = "clone-unique-properties"

TRICKY = Question(
    id="tricky-text",
    type="single",
    area=AREA,
    stem="Which file holds the *D-Bus* id?\n\n```\ncat /etc/machine-id # {x} = ~y: \\z\n```",
    explanation="See `man machine-id`: 32 hex digits {lowercase}.",
    options=(
        Option("a", "/etc/machine-id", True, "Right: systemd's copy = the D-Bus id #1."),
        Option("b", "[not] /etc/hostid", False, "No: that is the {gethostid} file: 4 bytes."),
        Option("c", "~/.ssh/id_rsa", False, "No \\ never."),
    ),
)


def fields(question):
    options = [(o.text, o.correct, o.explanation) for o in question.options]
    return question.id, question.type, question.stem.strip(), question.explanation, options, question.choose


def export(*questions):
    text, _ = export_gift(questions)
    return text


def body(*questions):
    """The exported text after its report and category line, for asserting on one question."""
    return export(*questions).split("$CATEGORY:", 1)[1].split("\n", 2)[2]


def imported(text, area=AREA):
    result = import_gift(text, area)
    return result.questions, result.rejected


def round_trip(*questions):
    result = import_gift(export(*questions), AREA)
    assert result.rejected == [] and result.notes == []
    return result.questions


def test_export_escapes_gift_special_characters():
    assert escape_gift("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_export_single_choice_marks_the_right_answer_and_feedback():
    text = body(make_single(qid="pick-one"))
    assert text.startswith("// [id:pick-one] [tag:difficulty-2]\n::pick-one::[markdown]Stem of pick-one?{\n")
    assert "\t=Option b#Why b is True\n" in text
    assert "\t~Option a#Why a is False\n" in text
    assert "\t####Explanation of pick-one.\n}" in text


def test_export_multiple_choice_weights_sum_to_100():
    text = export(make_multiple(right=("a", "b", "c")))
    assert text.count("~%33.33333%") == 3
    assert "~%-100%Option d" in text


def test_export_fill_lists_exact_answers_with_sudo_variants():
    text = export(make_fill(exact=("hostnamectl set-hostname web2",), optional_sudo=True))
    assert "\t=hostnamectl set-hostname web2\n\t=sudo hostnamectl set-hostname web2\n" in text


def test_export_fill_escapes_moodle_wildcards():
    assert "\t=ls \\\\*.vmdk\n" in export(make_fill(exact=("ls *.vmdk",)))


def test_export_leaves_out_labs_and_says_why():
    text, remarks = export_gift([make_lab(qid="clone-lab")])
    assert remarks == [
        Remark(0, "clone-lab", "not exported: a lab question needs the simulator, which Moodle does not have")
    ]
    assert text.startswith("// clone-lab: not exported: a lab question needs the simulator")
    assert "::clone-lab::" not in text


def test_export_leaves_out_fill_questions_with_only_regular_expressions():
    _, remarks = export_gift([make_fill(qid="regex-only", exact=(), patterns=("kvm(_intel)?",))])
    assert remarks[0].title == "regex-only" and "only regular expressions" in remarks[0].reason


def test_export_reports_what_moodle_grades_differently():
    _, remarks = export_gift([make_multiple(qid="two"), make_fill(qid="cased", patterns=("kvm(_intel)?",))])
    assert [r.title for r in remarks] == ["two", "cased", "cased"]
    assert "Moodle gives partial credit (a 50%, b -100%, c 50%, d -100%" in remarks[0].reason
    assert "the pattern 'kvm(_intel)?' is left out" in remarks[1].reason
    assert "case-sensitive" in remarks[2].reason


def test_export_puts_each_area_in_its_category_with_id_and_tags():
    text = export(make_single(qid="s", terms=("virtual-machine",), difficulty=3), make_multiple(qid="m"))
    assert "$CATEGORY: $course$/top/GuestLab 102.6/Virtual machines and containers\n" in text
    assert "$CATEGORY: $course$/top/GuestLab 102.6/What to change when cloning\n" in text
    assert "// [id:s] [tag:virtual-machine] [tag:difficulty-3]\n::s::" in text
    back = import_gift(text, "images-deployment").questions
    assert [(q.id, q.area, q.terms, q.difficulty) for q in back] == [
        ("s", "vm-and-containers", ("virtual-machine",), 3),
        ("m", "clone-unique-properties", (), 2),
    ]


def test_export_writes_short_answer_wildcards_back():
    (question,), _ = imported("Name it.{=kvm*intel}")
    assert "\t=kvm*intel\n" in export(question)


def test_gift_round_trip_keeps_explanations():
    for question in (make_single(), make_multiple(), make_multiple(qid="one-right", right=("d",)), TRICKY):
        result = import_gift(export(question), AREA)
        (back,) = result.questions
        assert fields(back) == fields(question)


def test_gift_round_trip_keeps_what_fill_accepts():
    question = make_fill(
        exact=("dbus-uuidgen --ensure", "ls *.vmdk"), optional_sudo=True, case_sensitive=False
    )
    (back,) = import_gift(export(question), AREA).questions
    assert (back.type, back.stem, back.explanation) == (question.type, question.stem, question.explanation)
    for answer in ("dbus-uuidgen --ensure", "sudo  dbus-uuidgen --ensure", "ls *.vmdk", "ls x.vmdk", "nope"):
        assert grade(back, answer).correct == grade(question, answer).correct, answer


def test_gift_round_trip_of_many_questions_keeps_order():
    questions = [make_single(qid=f"q-{n}") for n in range(5)]
    assert [q.id for q in import_gift(export(*questions), AREA).questions] == [q.id for q in questions]


def test_import_true_false_becomes_single_choice_with_feedback():
    (question,), _ = imported("::tf::Containers share the host kernel.{TRUE#No, they do.#Yes.}", AREA)
    assert question.type == "single"
    assert [(o.text, o.correct, o.explanation) for o in question.options] == [
        ("True", True, "Yes."),
        ("False", False, "No, they do."),
    ]


def test_import_false_answer_swaps_the_feedback():
    (question,), _ = imported("A VM shares the host kernel.{F#Wrong.#Right.}", AREA)
    assert [(o.text, o.correct, o.explanation) for o in question.options] == [
        ("True", False, "Wrong."),
        ("False", True, "Right."),
    ]


def test_import_short_answer_becomes_case_insensitive_fill():
    (question,), _ = imported("::sa::Tool that seeds a cloud instance?{=cloud-init =cloudinit}", AREA)
    assert question.type == "fill"
    assert question.fill == FillAnswer(exact=("cloud-init", "cloudinit"), case_sensitive=False)
    assert grade(question, "Cloud-Init").correct


def test_import_short_answer_wildcard_becomes_a_pattern():
    (question,), _ = imported("Name the KVM module for Intel.{=kvm*intel}", AREA)
    assert grade(question, "kvm_intel").correct
    assert grade(question, "kvm-intel").correct
    assert not grade(question, "kvm_amd").correct


def test_import_multiple_choice_with_weights():
    text = "::m::Pick two. {~%50%hostname ~%50%machine-id ~%-100%kernel#No: shared.}"
    (question,), _ = imported(text, AREA)
    assert question.type == "multiple" and question.choose == 2
    assert question.correct_option_ids == {"a", "b"}
    assert question.options[2].explanation == "No: shared."


def test_import_missing_word_leaves_a_blank_in_the_stem():
    (question,), _ = imported("The {=hypervisor ~kernel ~shell} runs the guests.", AREA)
    assert question.stem == "The _____ runs the guests."


def test_import_skips_comments_and_reads_categories():
    text = "// a comment\n$CATEGORY: $course$/102.6\n\n// about q\n::q::Is KVM type 1?{T}\n"
    result = import_gift(text, AREA)
    assert [q.id for q in result.questions] == ["q"] and result.rejected == []
    assert result.notes == [
        Remark(5, "", "category '$course$/102.6' is not a knowledge area: its questions went to "
               "'What to change when cloning'")
    ]  # fmt: skip


def test_import_rejects_essay_with_reason_and_lines():
    _, rejected = imported("// header\n\n::essay-1::Explain\ncloud-init.{}", AREA)
    assert rejected == [
        Remark(3, "essay-1", "essay questions are not supported: GuestLab grades every answer itself", 4)
    ]
    assert rejected[0].lines == "3-4"


def test_import_rejects_other_question_types_with_reasons():
    text = "\n\n".join(
        [
            "::num::How many bits in a MAC?{#48}",
            "::match::Match.{=KVM -> type 1 =VirtualBox -> type 2}",
            "::desc::Just some text.",
            "::two-full::Pick.{=a =b ~c}",
            "::nobody::Pick.{~a ~b}",
            "::broken::Pick.{~a ~b",
        ]
    )
    questions, rejected = imported(text, AREA)
    assert questions == []
    assert [r.title for r in rejected] == ["num", "match", "desc", "two-full", "nobody", "broken"]
    assert [r.line for r in rejected] == [1, 3, 5, 7, 9, 11]
    assert "numerical" in rejected[0].reason and "matching" in rejected[1].reason
    assert "description" in rejected[2].reason and "exactly one answer worth 100%" in rejected[3].reason
    assert "add up to 100%" in rejected[4].reason and "braces" in rejected[5].reason


def test_import_gives_untitled_questions_an_id_from_their_line():
    questions, _ = imported("\n\nIs LXC a container?{T}", AREA)
    assert questions[0].id == "line-3"


def test_import_accepts_duplicate_names_as_moodle_does():
    result = import_gift("::q::A?{T}\n\n::q::B?{F}", AREA, taken={"other"})
    assert [q.id for q in result.questions] == ["q", "q-2"]
    assert result.notes == [Remark(3, "q", "the id 'q' is used already, so this question is 'q-2'")]


def test_import_keeps_ids_clear_of_taken_ones():
    result = import_gift("::kvm::A?{T}", AREA, taken={"kvm"})
    assert [q.id for q in result.questions] == ["kvm-2"]


def test_import_html_is_sanitised_when_shown():
    (question,), _ = imported("::x::<script>alert(1)</script><b>Bold</b>?{T}", AREA)
    assert question.text_format == "html"
    assert text_to_html(question.stem, question.text_format) == "<b>Bold</b>?"


def test_import_enforces_size_limits():
    result = import_gift("x" * 300, AREA, max_bytes=200)
    assert result.questions == [] and result.rejected == [Remark(0, "", "the file is larger than 200 bytes")]
    result = import_gift("\n\n".join(f"Q{n}?{{T}}" for n in range(5)), AREA, max_questions=3)
    assert len(result.questions) == 3
    assert "more than 3 questions" in result.rejected[0].reason


def test_import_rejects_an_unknown_area():
    assert import_gift("A?{T}", "nowhere").questions == []


def test_import_never_raises_on_junk():
    for junk in (
        None,
        42,
        b"\xff\xfe",
        b"A?{T}",
        "",
        "{",
        "}",
        "::",
        "::x",
        "{}{}",
        "\\",
        "~{=}",
        "{#}",
        "{~%%}",
    ):
        result = import_gift(junk, AREA)
        assert all(isinstance(q, Question) for q in result.questions)
        assert all(r.reason for r in result.rejected)


def shown(question, text):
    return text_to_html(text, question.text_format)


def test_import_reads_html_as_moodle_writes_it():
    (question,), _ = imported("::h::[html]<p>Run <code>lscpu</code>\\: is 2*3*4 \\= 24?</p>{TRUE}")
    assert question.text_format == "html"
    assert shown(question, question.stem) == "<p>Run <code>lscpu</code>: is 2*3*4 = 24?</p>"


def test_import_plain_and_moodle_texts_keep_stars_and_hashes_literal():
    for fmt in ("[plain]", "[moodle]", ""):
        (question,), _ = imported(f"::p::{fmt}What is 2*3*4?{{=\\#24#yes ~26}}")
        assert "2*3*4" in shown(question, question.stem), fmt
        assert shown(question, question.options[0].text) == "#24", fmt


def test_import_plain_text_is_escaped_and_moodle_text_keeps_its_html():
    (plain,), _ = imported("::p::[plain]Is <b>x</b> bold?{T}")
    (auto,), _ = imported("::m::[moodle]Is <b>x</b> bold?{T}")
    assert "&lt;b&gt;x&lt;/b&gt;" in shown(plain, plain.stem)
    assert "<b>x</b>" in shown(auto, auto.stem)


def test_import_markdown_renders_as_markdown():
    (question,), _ = imported("::md::[markdown]Is *this* `code`?{=yes ~no}")
    assert question.text_format == "markdown"
    assert shown(question, question.stem) == "<p>Is <em>this</em> <code>code</code>?</p>\n"


def test_answers_take_the_question_format_unless_they_name_one():
    (question,), _ = imported("::f::[markdown]Pick.{=[plain]*a* ~*b*}")
    assert question.text_format == "html"
    assert [shown(question, o.text) for o in question.options] == ["*a*", "<p><em>b</em></p>"]


def test_import_strips_a_byte_order_mark():
    (question,), _ = imported("\ufeff::first::Is KVM a hypervisor?{T}".encode())
    assert question.id == "first" and question.stem == "Is KVM a hypervisor?"


def test_a_question_right_after_a_category_line_is_kept():
    text = "$CATEGORY: $course$/top/Images and deployment\n::img::Is qcow2 an image format?{T}"
    result = import_gift(text, AREA)
    assert [(q.id, q.area) for q in result.questions] == [("img", "images-deployment")]


def test_categories_name_areas_by_id_or_title():
    text = (
        "$CATEGORY: guest-integration\n\nA?{T}\n\n$CATEGORY: $course$/top/x/ELEMENTS OF AN IAAS CLOUD\nB?{F}"
    )
    assert [q.area for q in import_gift(text, AREA).questions] == ["guest-integration", "iaas-elements"]


def test_partial_credit_in_a_single_answer_question_is_kept_and_noted():
    result = import_gift("::p::Pick.{=right ~%50%half#close ~wrong}", AREA)
    (question,) = result.questions
    assert [(o.correct, o.fraction) for o in question.options] == [(True, None), (False, 0.5), (False, None)]
    assert "worth 50% in Moodle" in result.notes[0].reason
    assert "\t~%50%half#close\n" in export(question)


def test_a_lone_short_answer_without_equals_is_accepted():
    (question,), _ = imported("Who is buried in Grant's tomb?{Grant}")
    assert question.type == "fill" and question.fill.exact == ("Grant",)


def test_general_feedback_is_the_explanation():
    (question,), _ = imported("::g::Pick.{=a ~b ####Because a.}")
    assert question.explanation == "Because a."


def test_partial_short_answers_are_left_out_with_a_note():
    result = import_gift("::s::Name it.{=virsh =%50%vir#close}", AREA)
    assert result.questions[0].fill.exact == ("virsh",)
    assert "'vir' is worth 50% in Moodle" in result.notes[0].reason


def test_id_and_tags_come_from_the_comment_before_the_question():
    comment = "// [id:my-q] [tag:ssh-host-keys] [tag:difficulty-1] [tag:week 3]"
    text = f"// question: 12  name: Q\n{comment}\n::Q::A?{{T}}"
    result = import_gift(text, AREA)
    (question,) = result.questions
    assert (question.id, question.terms, question.difficulty) == ("my-q", ("ssh-host-keys",), 1)
    assert "tag 'week 3' is not a GuestLab term" in result.notes[0].reason


MOODLE_DOC_EXAMPLES = [
    ("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}", "single", ["no one"]),
    ("Grant is {~buried =entombed ~living} in Grant's tomb.", "single", ["entombed"]),
    ("Grant is buried in Grant's tomb.{FALSE}", "single", ["false"]),
    ("Who's buried in Grant's tomb?{=no one =nobody}", "fill", ["no one", "nobody"]),
    ("::Q1:: 1+1=2 {T}", "single", ["true"]),
    (
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }",
        "single",
        ["yellow"],
    ),
    ("::Q3:: Two plus {=two =2} equals four.", "fill", ["two", "2"]),
    (
        "What two people are entombed in Grant's tomb? {\n   ~%-100%No one\n   ~%50%Grant\n"
        "   ~%50%Grant's wife\n   ~%-100%Grant's father\n}",
        "multiple",
        ["Grant", "Grant's wife"],
    ),
    ("::Q8:: How are you? {}", None, "essay questions are not supported"),
    ("::Q5:: What is a number from 1 to 5? {#3:2}", None, "numerical questions are not supported"),
    ("::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }", None, "matching"),
]


def test_moodle_documentation_examples():
    for text, kind, expected in MOODLE_DOC_EXAMPLES:
        result = import_gift(text, AREA)
        if kind is None:
            assert result.questions == [] and expected in result.rejected[0].reason, text
            continue
        (question,) = result.questions
        assert question.type == kind, text
        if kind == "fill":
            assert list(question.fill.exact) == expected, text
        else:
            assert [
                o.text if o.id not in ("true", "false") else o.id for o in question.options if o.correct
            ] == expected


def test_our_export_reads_back_as_the_same_questions():
    questions = [make_single(), make_multiple(), make_fill(exact=("virsh list",)), TRICKY]
    back = import_gift(export(*questions), AREA).questions
    assert [fields(q) for q in back] == [fields(q) for q in questions]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ~=#{}:%\\-\n>TF[]*/$01")), max_size=80))
def test_import_survives_any_gift_like_text(text):
    result = import_gift(text, AREA)
    assert all(isinstance(q, Question) for q in result.questions)
    assert all(isinstance(r, Remark) and r.reason for r in result.rejected + result.notes)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_import_survives_any_text(text):
    result = import_gift(text, AREA)
    assert all(r.reason for r in result.rejected)


TEXT = r"(?:[^\\~=#{}:\n]|\\[\\~=#{}:n])*"
EXPORTED_BLOCK = re.compile(
    rf"// \[id:[a-z0-9-]+\](?: \[tag:[a-z0-9-]+\])+\n"
    rf"::{TEXT}::\[(?:markdown|html)\]{TEXT}\{{\n"
    rf"(?:\t(?:=|~(?:%-?\d+(?:\.\d+)?%)?){TEXT}(?:#{TEXT})?\n)+"
    rf"(?:\t####{TEXT}\n)?\}}"
)


def test_every_exported_block_follows_the_gift_grammar():
    """An independent reading of the grammar (Moodle's GIFT documentation), not our parser: every special
    character in a text is escaped, every answer line starts with = or ~ and an optional %weight%."""
    questions = [*load_bank(Path("questions")).questions.values(), TRICKY]
    text, remarks = export_gift(questions)
    blocks = [b.strip() for b in text.split("\n\n") if b.startswith("// [id:")]
    assert len(blocks) + sum("not exported" in r.reason for r in remarks) == len(questions)
    for block in blocks:
        assert EXPORTED_BLOCK.fullmatch(block), block


def test_embedded_images_are_noted_as_not_imported():
    result = import_gift('::i::[html]<p>Look: <img src\\="@@PLUGINFILE@@/a.png"></p>{T}', AREA)
    assert [q.id for q in result.questions] == ["i"]
    assert "embedded in Moodle are not imported" in result.notes[0].reason


MOODLE_EXPORT = """// question: 0  name: Switch category to $course$/top/LPIC/Images and deployment
$CATEGORY: $course$/top/LPIC/Images and deployment


// question: 1234  name: qcow2
// [tag:virtual-machine]
::qcow2::[html]<p>Which format has <a href\\="https\\://qemu.org">snapshots</a>?</p>\\n<p>One.</p>{
\t=<p>qcow2</p>#<p>Right.</p>
\t~<p>raw</p>#<p>No snapshots.</p>
\t####<p>QEMU copy-on-write.</p>
}


// question: 1235  name: tf
::tf::[html]<p>A container shares the host kernel.</p>{TRUE#<p>It does.</p>#<p>Yes.</p>}


// question: 1236  name: sa
::sa::[html]<p>Name the tool.</p>{
\t=%100%virsh#
\t=%50%virt*#<p>Close.</p>
}


// question: 1237  name: multi
::multi::[html]<p>Pick two.</p>{
\t~%50%<p>a</p>#
\t~%50%<p>b</p>#
\t~%-100%<p>c</p>#
}
"""


def test_a_gift_file_as_moodle_exports_it():
    result = import_gift(MOODLE_EXPORT, "vm-and-containers")
    qcow2, tf, sa, multi = result.questions
    assert result.rejected == []
    assert shown(qcow2, qcow2.stem) == (
        '<p>Which format has <a href="https://qemu.org" rel="noopener noreferrer nofollow">'
        "snapshots</a>?</p>\n<p>One.</p>"
    )
    assert [(o.text, o.correct, o.explanation) for o in qcow2.options] == [
        ("<p>qcow2</p>", True, "<p>Right.</p>"),
        ("<p>raw</p>", False, "<p>No snapshots.</p>"),
    ]
    assert (qcow2.explanation, qcow2.terms, qcow2.area) == (
        "<p>QEMU copy-on-write.</p>",
        ("virtual-machine",),
        "images-deployment",
    )
    assert [(o.id, o.correct, o.explanation) for o in tf.options] == [
        ("true", True, "<p>Yes.</p>"),
        ("false", False, "<p>It does.</p>"),
    ]
    assert sa.fill.exact == ("virsh",)
    assert (multi.type, multi.choose, [o.fraction for o in multi.options]) == (
        "multiple",
        2,
        [0.5, 0.5, -1.0],
    )
    assert [r.reason for r in result.notes] == [
        "answer 'virt*' is worth 50% in Moodle; only full-mark answers were kept"
    ]
