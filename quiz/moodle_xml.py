"""Moodle XML export, the richer sibling of GIFT: it also carries case sensitivity of short answers.

Element names follow Moodle's own exporter (question/format/xml/format.php, writequestion).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from quiz.gift import moodle_short_answers, right_share
from quiz.model import Question

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold, which would make the file unreadable."""
    return NOT_XML.sub("", text)


def _text(parent: ET.Element, tag: str, text: str, markdown: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "markdown"} if markdown else {})
    ET.SubElement(element, "text").text = _xml_safe(text)
    return element


def _answer(parent: ET.Element, fraction: str, text: str, feedback: str = "") -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction, "format": "markdown"})
    ET.SubElement(answer, "text").text = _xml_safe(text)
    _text(answer, "feedback", feedback)


def _question(quiz: ET.Element, question: Question, kind: str) -> ET.Element:
    element = ET.SubElement(quiz, "question", {"type": kind})
    ET.SubElement(ET.SubElement(element, "name"), "text").text = _xml_safe(question.id)
    _text(element, "questiontext", question.stem)
    _text(element, "generalfeedback", question.explanation)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    return element


def export_moodle_xml(questions: Iterable[Question]) -> str:
    """A `<quiz>` document for Moodle's XML import.

    single -> multichoice with `<single>true</single>`; multiple -> `<single>false</single>`, each right
    option an equal share of 100 and each wrong one -100 (so a wrong pick cancels a right one, the
    nearest Moodle gets to LPI's all-or-nothing); fill -> shortanswer with its exact answers (`*` escaped,
    a `sudo ` variant when sudo is optional; patterns cannot be expressed). Labs and pattern-only fill
    questions are left out, each with an XML comment.
    """
    quiz = ET.Element("quiz")
    for question in questions:
        if question.type in ("single", "multiple"):
            element = _question(quiz, question, "multichoice")
            single = question.type == "single"
            ET.SubElement(element, "single").text = "true" if single else "false"
            ET.SubElement(element, "shuffleanswers").text = "true"
            ET.SubElement(element, "answernumbering").text = "abc"
            right = right_share(question)
            for option in question.options:
                wrong = "0" if single else "-100"
                _answer(element, right if option.correct else wrong, option.text, option.explanation)
        elif question.type == "fill" and question.fill and question.fill.exact:
            element = _question(quiz, question, "shortanswer")
            ET.SubElement(element, "usecase").text = "1" if question.fill.case_sensitive else "0"
            for answer in moodle_short_answers(question.fill):
                _answer(element, "100", answer)
        else:
            note = f"{question.type} question {question.id} skipped: cannot be expressed"
            quiz.append(ET.Comment(" " + _xml_safe(note).replace("--", "- -") + " "))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
