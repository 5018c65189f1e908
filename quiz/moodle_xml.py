"""Moodle XML export and import, the richer sibling of GIFT: it carries case sensitivity of short answers.

Element names and format names follow Moodle's own code (question/format/xml/format.php, Moodle 4.x):
`<question type="category">` switches category, `<idnumber>` and `<tags>` sit in each question, texts
carry `format="html|moodle_auto_format|plain_text|markdown"` and answers a `fraction` in percent. Answers
and feedback without a format take the question text's, as in Moodle.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.parsers import expat

from quiz.gift import (
    by_area,
    decode_upload,
    export_remarks,
    option_fractions,
    percent,
    short_answer_remarks,
    skip_reason,
)
from quiz.model import AREAS, Question
from quiz.moodle_import import Answer, Draft, Importer, ImportResult, Remark, Text, category_of_area

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FORMAT_NAMES = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
FORMAT_NAMES["wiki_like"] = "moodle"  # retired in Moodle; shown as its auto-format


def _xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold, which would make the file unreadable."""
    return NOT_XML.sub("", text)


def _text(parent: ET.Element, tag: str, text: str, text_format: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    ET.SubElement(element, "text").text = _xml_safe(text)
    return element


def _answer(parent: ET.Element, fraction: float, text: str, feedback: str, text_format: str) -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": percent(fraction), "format": text_format})
    ET.SubElement(answer, "text").text = _xml_safe(text)
    _text(answer, "feedback", feedback, text_format)


def _category(quiz: ET.Element, area: str) -> None:
    element = ET.SubElement(quiz, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(element, "category"), "text").text = category_of_area(area)
    _text(element, "info", "", "moodle_auto_format")
    ET.SubElement(element, "idnumber")


def _question(quiz: ET.Element, question: Question, kind: str) -> ET.Element:
    fmt = question.text_format
    element = ET.SubElement(quiz, "question", {"type": kind})
    ET.SubElement(ET.SubElement(element, "name"), "text").text = _xml_safe(question.id)
    _text(element, "questiontext", question.stem, fmt)
    _text(element, "generalfeedback", question.explanation, fmt)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = _xml_safe(question.id)
    return element


def _tags(element: ET.Element, question: Question) -> None:
    tags = ET.SubElement(element, "tags")
    for tag in [*question.terms, f"difficulty-{question.difficulty}"]:
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def _comment(text: str) -> ET.Comment:
    return ET.Comment(" " + _xml_safe(text).replace("--", "- -") + " ")


def export_moodle_xml(questions: Iterable[Question]) -> tuple[str, list[Remark]]:
    """A `<quiz>` document for Moodle's XML import, a category per knowledge area, and the report (also
    at the head of the file as comments): every question left out and why, and every one Moodle will
    grade differently.

    single -> multichoice with `<single>true</single>`; multiple -> `<single>false</single>` with the
    fractions of quiz.gift.option_fractions; fill -> shortanswer with its exact answers (`*` escaped, a
    `sudo ` variant when sudo is optional), wildcard patterns and case rule.
    """
    quiz = ET.Element("quiz")
    remarks: list[Remark] = []
    for area, group in by_area(questions).items():
        _category(quiz, area)
        for question in group:
            reason = skip_reason(question)
            if reason:
                remarks.append(Remark(0, question.id, f"not exported: {reason}"))
                continue
            if question.type == "fill":
                element = _question(quiz, question, "shortanswer")
                ET.SubElement(element, "usecase").text = "1" if question.fill.case_sensitive else "0"
                answers, lost = short_answer_remarks(question, case_rule=True)
                remarks.extend(Remark(0, question.id, r) for r in lost)
                for answer in answers:
                    _answer(element, 1.0, answer, "", question.text_format)
            else:
                element = _question(quiz, question, "multichoice")
                ET.SubElement(element, "single").text = "true" if question.type == "single" else "false"
                ET.SubElement(element, "shuffleanswers").text = "true"
                ET.SubElement(element, "answernumbering").text = "abc"
                for option, fraction in zip(question.options, option_fractions(question), strict=True):
                    _answer(element, fraction, option.text, option.explanation, question.text_format)
                remarks.extend(Remark(0, question.id, r) for r in export_remarks(question))
            _tags(element, question)
    for position, remark in enumerate(remarks):
        quiz.insert(position, _comment(f"{remark.title}: {remark.reason}"))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n", remarks


class _NotAllowed(ValueError):
    pass


def _parse(text: str) -> tuple[ET.Element, dict[int, int]]:
    """The document's root and the line each element starts on (by id()). A DOCTYPE is refused, so no
    entity can be declared: nothing expands or is fetched (the attacks defusedxml guards against)."""
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()

    def refuse(*_args):
        raise _NotAllowed("the file declares a DOCTYPE or entities, which Moodle XML never has")

    def start(tag, attributes):
        lines[id(builder.start(tag, attributes))] = parser.CurrentLineNumber

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    parser.Parse(text.encode("utf-8", "surrogatepass"), True)
    return builder.close(), lines


def _format(element: ET.Element | None, default: str) -> str:
    name = element.get("format", "") if element is not None else ""
    return FORMAT_NAMES.get(name, default)


def _text_of(element: ET.Element | None, default: str) -> Text:
    if element is None:
        return Text("", default)
    return Text((element.findtext("text") or "").strip(), _format(element, default))


def _fraction(answer: ET.Element) -> float:
    try:
        value = float(answer.get("fraction", "0")) / 100
    except ValueError:
        return 0.0
    return value if -1 <= value <= 1 else 0.0


def _draft(element: ET.Element, line: int, category: str) -> Draft:
    stem = _text_of(element.find("questiontext"), "moodle")
    fmt = stem.format
    draft = Draft(
        line=line,
        name=(element.findtext("name/text") or "").strip(),
        kind=element.get("type", ""),
        stem=stem,
        general_feedback=_text_of(element.find("generalfeedback"), fmt),
        single=(element.findtext("single") or "true").strip().casefold() in ("true", "1"),
        case_sensitive=(element.findtext("usecase") or "0").strip() == "1",
        idnumber=(element.findtext("idnumber") or "").strip(),
        tags=tuple((t.findtext("text") or "").strip() for t in element.findall("tags/tag")),
        category=category,
    )
    draft.answers = [
        Answer(_text_of(a, fmt), _fraction(a), _text_of(a.find("feedback"), _format(a, fmt)))
        for a in element.findall("answer")
    ]
    return draft


def import_moodle_xml(
    text: object,
    area: str,
    max_bytes: int = 200_000,
    max_questions: int = 500,
    *,
    author: str = "Moodle XML import",
    licence: str = "unknown",
    taken: Iterable[str] = (),
) -> ImportResult:
    """Questions read from a Moodle XML `<quiz>`, as import_gift does for GIFT. Never raises."""
    if area not in AREAS:
        return ImportResult(rejected=[Remark(0, "", f"unknown area {area!r}")])
    decoded = decode_upload(text, max_bytes)
    if isinstance(decoded, Remark):
        return ImportResult(rejected=[decoded])
    try:
        root, lines = _parse(decoded)
    except (_NotAllowed, expat.ExpatError) as error:
        return ImportResult(rejected=[Remark(getattr(error, "lineno", 0), "", f"not readable XML: {error}")])
    if root.tag != "quiz":
        return ImportResult(rejected=[Remark(1, "", f"the document is a <{root.tag}>, not a Moodle <quiz>")])
    importer = Importer(area, set(taken), max_questions, author, licence)
    category = ""
    for element in root.findall("question"):
        line = lines.get(id(element), 0)
        if element.get("type") == "category":
            category = (element.findtext("category/text") or "").strip()
            continue
        if not importer.add(_draft(element, line, category)):
            break
    for element in root:
        if element.tag != "question":
            importer.reject(lines.get(id(element), 0), "", f"<{element.tag}> is not a question: left out")
    return importer.result
