from conftest import make_fill, make_lab, make_multiple, make_single
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.gift import Rejected, escape_gift, export_gift, import_gift
from quiz.grading import grade
from quiz.model import FillAnswer, Option, Question

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


def round_trip(*questions):
    imported, rejected = import_gift(export_gift(questions), AREA)
    assert rejected == []
    return imported


def test_export_escapes_gift_special_characters():
    assert escape_gift("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"


def test_export_single_choice_marks_the_right_answer_and_feedback():
    text = export_gift([make_single(qid="pick-one")])
    assert text.startswith("::pick-one::[markdown]Stem of pick-one?{\n")
    assert "\t=Option b#Why b is True\n" in text
    assert "\t~Option a#Why a is False\n" in text
    assert "\t####Explanation of pick-one.\n}" in text


def test_export_multiple_choice_weights_sum_to_100():
    text = export_gift([make_multiple(right=("a", "b", "c"))])
    assert text.count("~%33.33333%") == 3
    assert "~%-100%Option d" in text


def test_export_fill_lists_exact_answers_with_sudo_variants():
    text = export_gift([make_fill(exact=("hostnamectl set-hostname web2",), optional_sudo=True)])
    assert "\t=hostnamectl set-hostname web2\n\t=sudo hostnamectl set-hostname web2\n" in text


def test_export_fill_escapes_moodle_wildcards():
    assert "\t=ls \\\\*.vmdk\n" in export_gift([make_fill(exact=("ls *.vmdk",))])


def test_export_skips_lab_questions_with_a_comment():
    text = export_gift([make_lab(qid="clone-lab")])
    assert text == "// lab question clone-lab skipped: needs the simulator\n"


def test_export_skips_fill_questions_with_only_patterns():
    text = export_gift([make_fill(qid="regex-only", exact=(), patterns=("kvm(_intel)?",))])
    assert text.startswith("// fill question regex-only skipped")


def test_gift_round_trip_keeps_explanations():
    for question in (make_single(), make_multiple(), make_multiple(qid="one-right", right=("d",)), TRICKY):
        (back,) = round_trip(question)
        assert fields(back) == fields(question)


def test_gift_round_trip_keeps_what_fill_accepts():
    question = make_fill(
        exact=("dbus-uuidgen --ensure", "ls *.vmdk"), optional_sudo=True, case_sensitive=False
    )
    (back,) = round_trip(question)
    assert (back.type, back.stem, back.explanation) == (question.type, question.stem, question.explanation)
    for answer in ("dbus-uuidgen --ensure", "sudo  dbus-uuidgen --ensure", "ls *.vmdk", "ls x.vmdk", "nope"):
        assert grade(back, answer).correct == grade(question, answer).correct, answer


def test_gift_round_trip_of_many_questions_keeps_order():
    questions = [make_single(qid=f"q-{n}") for n in range(5)]
    assert [q.id for q in round_trip(*questions)] == [q.id for q in questions]


def test_import_true_false_becomes_single_choice_with_feedback():
    (question,), _ = import_gift("::tf::Containers share the host kernel.{TRUE#No, they do.#Yes.}", AREA)
    assert question.type == "single"
    assert [(o.text, o.correct, o.explanation) for o in question.options] == [
        ("True", True, "Yes."),
        ("False", False, "No, they do."),
    ]


def test_import_false_answer_swaps_the_feedback():
    (question,), _ = import_gift("A VM shares the host kernel.{F#Wrong.#Right.}", AREA)
    assert [(o.text, o.correct, o.explanation) for o in question.options] == [
        ("True", False, "Wrong."),
        ("False", True, "Right."),
    ]


def test_import_short_answer_becomes_case_insensitive_fill():
    (question,), _ = import_gift("::sa::Tool that seeds a cloud instance?{=cloud-init =cloudinit}", AREA)
    assert question.type == "fill"
    assert question.fill == FillAnswer(exact=("cloud-init", "cloudinit"), case_sensitive=False)
    assert grade(question, "Cloud-Init").correct


def test_import_short_answer_wildcard_becomes_a_pattern():
    (question,), _ = import_gift("Name the KVM module for Intel.{=kvm*intel}", AREA)
    assert grade(question, "kvm_intel").correct
    assert grade(question, "kvm-intel").correct
    assert not grade(question, "kvm_amd").correct


def test_import_multiple_choice_with_weights():
    text = "::m::Pick two. {~%50%hostname ~%50%machine-id ~%-100%kernel#No: shared.}"
    (question,), _ = import_gift(text, AREA)
    assert question.type == "multiple" and question.choose == 2
    assert question.correct_option_ids == {"a", "b"}
    assert question.options[2].explanation == "No: shared."


def test_import_missing_word_leaves_a_blank_in_the_stem():
    (question,), _ = import_gift("The {=hypervisor ~kernel ~shell} runs the guests.", AREA)
    assert question.stem == "The _____ runs the guests."


def test_import_ignores_comments_and_categories():
    text = "// a comment\n$CATEGORY: $course$/102.6\n\n// about q\n::q::Is KVM type 1?{T}\n"
    questions, rejected = import_gift(text, AREA)
    assert [q.id for q in questions] == ["q"] and rejected == []


def test_import_rejects_essay_with_reason():
    _, rejected = import_gift("// header\n\n::essay-1::Explain cloud-init.{}", AREA)
    assert rejected == [
        Rejected(3, "essay-1", "essay questions are not supported: GuestLab grades every answer itself")
    ]


def test_import_rejects_other_question_types_with_reasons():
    text = "\n\n".join(
        [
            "::num::How many bits in a MAC?{#48}",
            "::match::Match.{=KVM -> type 1 =VirtualBox -> type 2}",
            "::desc::Just some text.",
            "::partial::Pick.{=a ~%50%b ~c}",
            "::nobody::Pick.{~a ~b}",
            "::broken::Pick.{~a ~b",
        ]
    )
    questions, rejected = import_gift(text, AREA)
    assert questions == []
    assert [r.title for r in rejected] == ["num", "match", "desc", "partial", "nobody", "broken"]
    assert "numerical" in rejected[0].reason and "matching" in rejected[1].reason
    assert "description" in rejected[2].reason and "partial" in rejected[3].reason
    assert all(r.reason for r in rejected)


def test_import_gives_untitled_questions_an_id_from_their_line():
    questions, _ = import_gift("\n\nIs LXC a container?{T}", AREA)
    assert questions[0].id == "gift-line-3"


def test_import_rejects_duplicate_names():
    questions, rejected = import_gift("::q::A?{T}\n\n::q::B?{F}", AREA)
    assert len(questions) == 1 and rejected[0].reason.startswith("a question named 'q'")


def test_import_keeps_raw_html_as_text():
    (question,), _ = import_gift("::x::<script>alert(1)</script>?{T}", AREA)
    assert question.stem == "<script>alert(1)</script>?"


def test_import_enforces_size_limits():
    assert import_gift("x" * 300, AREA, max_bytes=200) == (
        [],
        [Rejected(0, "", "the file is larger than 200 bytes")],
    )
    questions, rejected = import_gift("\n\n".join(f"Q{n}?{{T}}" for n in range(5)), AREA, max_questions=3)
    assert len(questions) == 3
    assert "more than 3 questions" in rejected[0].reason


def test_import_rejects_an_unknown_area():
    assert import_gift("A?{T}", "nowhere")[0] == []


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
        questions, rejected = import_gift(junk, AREA)
        assert isinstance(questions, list) and isinstance(rejected, list)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ~=#{}:%\\-\n>TF[]*/$01")), max_size=80))
def test_import_survives_any_gift_like_text(text):
    questions, rejected = import_gift(text, AREA)
    assert all(isinstance(q, Question) for q in questions)
    assert all(isinstance(r, Rejected) for r in rejected)
