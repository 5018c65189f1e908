"""What GIFT and Moodle XML imports share: a question as Moodle read it (a Draft) made into ours.

Both readers give Drafts with Moodle's own meaning (texts in Moodle's four formats, answer fractions,
categories, id numbers, tags); `build_question` decides, the same way for both, what GuestLab can grade,
and says why in a Remark whenever it leaves something out or reads it differently.
Moodle's rules modelled: question/format/gift/format.php and question/format/xml/format.php (Moodle 4.x).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from quiz.model import AREAS, TERMS, FillAnswer, Option, Question
from quiz.render import markdown_to_html

MOODLE_FORMATS = ("moodle", "html", "plain", "markdown")
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
MOODLE_WILDCARD = re.compile(r"(?<!\\)\*+")
DIFFICULTY_TAG = re.compile(r"difficulty-([1-3])")
CATEGORY_ROOT = "$course$/top/GuestLab 102.6"
EMBEDDED_FILE = re.compile(r"@@PLUGINFILE@@|<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class Remark:
    """A line of an import or export report: where (line, or question id), which question, and what."""

    line: int
    title: str
    reason: str
    last_line: int = 0

    @property
    def lines(self) -> str:
        """Where, for the report: "7", "7-9" for a block of lines, or "" when not about a line."""
        if not self.line:
            return ""
        return f"{self.line}-{self.last_line}" if self.last_line > self.line else str(self.line)


class Refused(ValueError):
    """A question we will not import; the message is the reason shown to the teacher."""


@dataclass(frozen=True)
class Text:
    text: str = ""
    format: str = "moodle"


@dataclass(frozen=True)
class Answer:
    text: Text
    fraction: float
    feedback: Text = Text()


@dataclass
class Draft:
    """One question as Moodle would read it. kind: multichoice, truefalse or shortanswer."""

    line: int
    name: str
    kind: str
    stem: Text
    general_feedback: Text = Text()
    single: bool = True
    answers: list[Answer] = field(default_factory=list)
    case_sensitive: bool = False
    idnumber: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    last_line: int = 0


@dataclass
class ImportResult:
    questions: list[Question] = field(default_factory=list)
    rejected: list[Remark] = field(default_factory=list)
    notes: list[Remark] = field(default_factory=list)


def area_of_category(category: str) -> str | None:
    """The knowledge area a Moodle category names by its last part: an area id or its title, any case."""
    last = category.rstrip("/").rsplit("/", 1)[-1].strip().casefold()
    for area, title in AREAS.items():
        if last in (area, title.casefold()):
            return area
    return None


def category_of_area(area: str) -> str:
    """The Moodle category path our exports write for an area; area_of_category reads it back."""
    return f"{CATEGORY_ROOT}/{AREAS.get(area, area)}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:72].strip("-")


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `-3`... when taken: Moodle allows duplicate names, our ids must differ."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}-{n}"
    return candidate


def moodle_to_html(text: Text) -> str:
    """HTML for a text as Moodle shows it: FORMAT_MOODLE and FORMAT_PLAIN keep line breaks, plain escapes
    everything, Markdown is rendered; the result still goes through the sanitiser when shown."""
    if text.format == "html":
        return text.text
    if text.format == "markdown":
        return markdown_to_html(text.text)
    body = html.escape(text.text, quote=False) if text.format == "plain" else text.text
    return body.replace("\r\n", "\n").replace("\n", "<br>\n")


def _texts(draft: Draft) -> list[Text]:
    return [draft.stem, draft.general_feedback] + [t for a in draft.answers for t in (a.text, a.feedback)]


def _as(text: Text, text_format: str) -> str:
    return text.text if text_format == "markdown" else moodle_to_html(text)


def _tags(draft: Draft, note) -> dict:
    terms, difficulty = [], 2
    for tag in draft.tags:
        found = DIFFICULTY_TAG.fullmatch(tag.strip())
        if found:
            difficulty = int(found.group(1))
        elif tag.strip() in TERMS:
            terms.append(tag.strip())
        else:
            note(f"tag {tag!r} is not a GuestLab term, so it was not kept")
    return {"terms": tuple(dict.fromkeys(terms)), "difficulty": difficulty}


def _choice(draft: Draft, text_format: str, note) -> dict:
    if len(draft.answers) < 2:
        raise Refused("a choice question needs at least two answers")
    if len(draft.answers) > len(OPTION_IDS):
        raise Refused(f"more than {len(OPTION_IDS)} answers")
    options = []
    for option_id, answer in zip(OPTION_IDS, draft.answers, strict=False):
        text = _as(answer.text, text_format).strip()
        if not text:
            raise Refused("an answer is empty")
        correct = answer.fraction >= 1 if draft.single else answer.fraction > 0
        fraction = None if answer.fraction in (0, 1) and draft.single else answer.fraction
        options.append(Option(option_id, text, correct, _as(answer.feedback, text_format).strip(), fraction))
    right = [o for o in options if o.correct]
    if draft.single:
        if len(right) != 1:
            raise Refused(f"a single-answer question needs exactly one answer worth 100%, found {len(right)}")
        for option in options:
            if option.fraction and 0 < option.fraction < 1:
                note(
                    f"answer {option.id} is worth {option.fraction:.0%} in Moodle; GuestLab marks all or "
                    "nothing, so choosing it counts as wrong"
                )
        return {"type": "single", "options": tuple(options)}
    total = sum(a.fraction for a in draft.answers if a.fraction > 0)
    if not right or abs(total - 1) > 0.011:
        raise Refused(f"the right answers must add up to 100% (they add up to {total:.0%})")
    return {"type": "multiple", "options": tuple(options), "choose": len(right)}


def _short_answer(draft: Draft, note) -> dict:
    exact, patterns = [], []
    for answer in draft.answers:
        value = answer.text.text.strip()
        if answer.fraction < 1:
            note(
                f"answer {value!r} is worth {answer.fraction:.0%} in Moodle; only full-mark answers were kept"
            )
            continue
        if MOODLE_WILDCARD.search(value):
            bits = MOODLE_WILDCARD.split(value)
            patterns.append(".*".join(re.escape(b.replace("\\*", "*")) for b in bits))
        elif value:
            exact.append(value.replace("\\*", "*"))
    if not exact and not patterns:
        raise Refused("a short-answer question needs at least one answer worth 100%")
    fill = FillAnswer(tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(patterns)), draft.case_sensitive)
    return {"type": "fill", "fill": fill}


def _true_false(draft: Draft, text_format: str) -> dict:
    right = {a.text.text.strip().casefold() for a in draft.answers if a.fraction >= 1}
    if len(right & {"true", "false"}) != 1:
        raise Refused("a true/false question needs exactly one of true and false worth 100%")
    truth = "true" in right
    feedback = {a.text.text.strip().casefold(): _as(a.feedback, text_format).strip() for a in draft.answers}
    options = (
        Option("true", "True", truth, feedback.get("true", "")),
        Option("false", "False", not truth, feedback.get("false", "")),
    )
    return {"type": "single", "options": options}


def build_question(
    draft: Draft, area: str, taken: set[str], author: str, licence: str, notes: list[Remark]
) -> Question:
    """Our Question for a Draft, or Refused. Its id is made unique against `taken`, which it joins.

    Texts stay Markdown when all of them are Markdown; otherwise each becomes the HTML Moodle would show.
    """
    title = draft.name or draft.idnumber

    def note(text: str) -> None:
        notes.append(Remark(draft.line, title, text))

    if draft.kind not in ("multichoice", "truefalse", "shortanswer"):
        raise Refused(f"{draft.kind} questions are not supported: GuestLab grades every answer itself")
    text_format = "markdown" if all(t.format == "markdown" or not t.text for t in _texts(draft)) else "html"
    if any(EMBEDDED_FILE.search(t.text) for t in _texts(draft)):
        note("images and files embedded in Moodle are not imported: they will not show")
    stem = _as(draft.stem, text_format).strip()
    if not stem:
        raise Refused("the question has no text")
    if draft.kind == "multichoice":
        shape = _choice(draft, text_format, note)
    elif draft.kind == "truefalse":
        shape = _true_false(draft, text_format)
    else:
        shape = _short_answer(draft, note)
    wanted = slug(draft.idnumber) or slug(draft.name) or f"line-{draft.line}"
    qid = unique_id(wanted, taken)
    if qid != wanted:
        note(f"the id {wanted!r} is used already, so this question is {qid!r}")
    taken.add(qid)
    return Question(
        id=qid,
        area=area,
        stem=stem,
        explanation=_as(draft.general_feedback, text_format).strip(),
        author=author,
        licence=licence,
        text_format=text_format,
        **_tags(draft, note),
        **shape,
    )


class Importer:
    """Turns a reader's Drafts into an ImportResult: areas from categories, the question cap, unique ids."""

    def __init__(self, area: str, taken: set[str], max_questions: int, author: str, licence: str):
        self.result = ImportResult()
        self.area, self.taken, self.max_questions = area, set(taken), max_questions
        self.author, self.licence = author, licence
        self.unknown_categories: set[str] = set()

    def reject(self, line: int, title: str, reason: str, last_line: int = 0) -> None:
        self.result.rejected.append(Remark(line, title, reason, last_line))

    def add(self, draft: Draft) -> bool:
        """Build and keep one draft; False once the cap is reached (the caller stops reading)."""
        title = draft.name or draft.idnumber
        if len(self.result.questions) >= self.max_questions:
            reason = f"more than {self.max_questions} questions: the rest were left out"
            self.reject(draft.line, title, reason, draft.last_line)
            return False
        try:
            question = build_question(
                draft, self._area(draft), self.taken, self.author, self.licence, self.result.notes
            )
        except Refused as reason:
            self.reject(draft.line, title, str(reason), draft.last_line)
        else:
            self.result.questions.append(question)
        return True

    def _area(self, draft: Draft) -> str:
        if not draft.category:
            return self.area
        area = area_of_category(draft.category)
        if area is None and draft.category not in self.unknown_categories:
            self.unknown_categories.add(draft.category)
            self.result.notes.append(
                Remark(
                    draft.line,
                    "",
                    f"category {draft.category!r} is not a knowledge area: its questions went to "
                    f"{AREAS[self.area]!r}",
                )
            )
        return area or self.area
