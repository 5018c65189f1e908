"""Moodle GIFT export and import, for teachers who keep their quizzes in Moodle.

The escaping follows Moodle's own GIFT filter (question/format/gift/format.php): `~ = # { } :` and the
backslash itself are escaped with a backslash, a newline is written as `\\n`. Import takes the subset we
can grade (single and multiple choice, true/false, short answer) and reports everything else, one reason
per question; imported text stays text, and is shown through render.markdown_to_html, which escapes HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from quiz.model import AREAS, FillAnswer, Option, Question

SPECIAL = "~=#{}:"
TEXT_FORMATS = ("markdown", "moodle", "html", "plain")
WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
MOODLE_WILDCARD = re.compile(r"(?<!\\)\*+")


@dataclass(frozen=True)
class Rejected:
    """A question the import left out: the line it starts on, its ::title:: if any, and why."""

    line: int
    title: str
    reason: str


class _Refused(ValueError):
    """A question block we will not import; the message is the reason shown to the teacher."""


def escape_gift(text: str) -> str:
    """Escape as Moodle's GIFT export does: backslash and `~ = # { } :`, newlines as `\\n`."""
    out = text.replace("\r", "").replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\n", "\\n")


def _gift_text(text: str) -> str:
    """An answer or feedback text: a leading `[` would read as a format name, so name one."""
    return ("[markdown]" if text.startswith("[") else "") + escape_gift(text)


def right_share(question: Question) -> str:
    """Each right option's percentage in Moodle multiple choice: 100 split evenly, as Moodle writes it."""
    return f"{100 / max(1, len(question.correct_option_ids)):.5f}".rstrip("0").rstrip(".")


def moodle_short_answers(fill: FillAnswer) -> list[str]:
    """The exact answers as Moodle short answers: `*` (a Moodle wildcard) escaped as `\\*`, and a
    `sudo ` variant of each when sudo is optional."""
    answers = list(fill.exact) + ([f"sudo {a}" for a in fill.exact] if fill.optional_sudo else [])
    return [a.replace("*", "\\*") for a in answers]


def _export_question(question: Question) -> str | None:
    head = f"::{escape_gift(question.id)}::[markdown]{escape_gift(question.stem)}{{\n"
    tail = f"\t####{escape_gift(question.explanation)}\n}}" if question.explanation else "}"
    if question.type in ("single", "multiple"):
        share = right_share(question)
        lines = []
        for option in question.options:
            if question.type == "single":
                mark = "=" if option.correct else "~"
            else:
                mark = f"~%{share}%" if option.correct else "~%-100%"
            feedback = f"#{_gift_text(option.explanation)}" if option.explanation else ""
            lines.append(f"\t{mark}{_gift_text(option.text)}{feedback}\n")
        return head + "".join(lines) + tail
    if question.type == "fill" and question.fill and question.fill.exact:
        answers = moodle_short_answers(question.fill)
        return head + "".join(f"\t={escape_gift(a)}\n" for a in answers) + tail
    return None


def export_gift(questions: Iterable[Question]) -> str:
    """GIFT text for Moodle. Lab questions and fill questions with only patterns are skipped, each
    with a comment line; fill patterns, case sensitivity and whitespace folding cannot be expressed
    in GIFT (Moodle's short answers ignore case and take exact text with `*` wildcards).
    Multiple choice gives each right option an equal share of 100% and each wrong one -100%.
    """
    blocks = []
    for question in questions:
        text = _export_question(question)
        if text is not None:
            blocks.append(text)
        elif question.type == "lab":
            blocks.append(f"// lab question {question.id} skipped: needs the simulator")
        else:
            blocks.append(f"// {question.type} question {question.id} skipped: no exact answer to export")
    return "\n\n".join(blocks) + "\n"


def _live(text: str) -> list[bool]:
    """For each character, whether it is unescaped: a backslash and the character after it are not."""
    live = [True] * len(text)
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            live[i] = live[i + 1] = False
            i += 2
        else:
            i += 1
    return live


def _find(text: str, chars: str, start: int = 0) -> int:
    live = _live(text)
    return next((i for i in range(start, len(text)) if live[i] and text[i] in chars), -1)


def _split_at_markers(text: str, markers: str) -> list[tuple[str, str]]:
    """Split an answer list at unescaped marker characters: [(marker, body), ...]."""
    live = _live(text)
    cuts = [i for i, char in enumerate(text) if live[i] and char in markers]
    if not cuts or text[: cuts[0]].strip():
        raise _Refused("the answers must each start with = or ~")
    return [(text[c], text[c + 1 : end]) for c, end in zip(cuts, cuts[1:] + [len(text)], strict=True)]


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            if following == "\\" or following in SPECIAL:
                out.append(following)
            elif following == "n":
                out.append("\n")
            else:
                out.append(char + following)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _plain(raw: str) -> str:
    """Text from escaped GIFT: a leading [format] dropped, escapes undone, trimmed."""
    raw = raw.strip()
    match = re.match(r"\[(\w+)\]", raw)
    if match and match.group(1) in TEXT_FORMATS:
        raw = raw[match.end() :]
    return _unescape(raw).strip()


def _text_and_feedback(body: str) -> tuple[str, str]:
    cut = _find(body, "#")
    if cut < 0:
        return _plain(body), ""
    return _plain(body[:cut]), _plain(body[cut + 1 :])


def _split_weight(body: str) -> tuple[float | None, str]:
    body = body.strip()
    match = WEIGHT.match(body)
    return (float(match.group(1)), body[match.end() :]) if match else (None, body)


def _choice_question(answers: str, fields: dict) -> Question:
    items = _split_at_markers(answers, "~=")
    if len(items) < 2:
        raise _Refused("a choice question needs at least two answers")
    if len(items) > len(OPTION_IDS):
        raise _Refused(f"more than {len(OPTION_IDS)} answers")
    single = any(mark == "=" for mark, _ in items)
    options, right_weights = [], []
    for option_id, (mark, body) in zip(OPTION_IDS, items, strict=False):
        weight, body = (100.0, body) if mark == "=" else _split_weight(body)
        weight = weight or 0.0
        if single and 0 < weight < 100:
            raise _Refused("partial-credit answers are not supported in single-answer questions")
        text, feedback = _text_and_feedback(body)
        if not text:
            raise _Refused("an answer is empty")
        options.append(Option(id=option_id, text=text, correct=weight > 0, explanation=feedback))
        if weight > 0:
            right_weights.append(weight)
    if single and len(right_weights) != 1:
        raise _Refused("a single-answer question needs exactly one right answer (=)")
    if not single and (not right_weights or round(sum(right_weights) / 100, 2) != 1):
        raise _Refused("the weights of the right answers must add up to 100%")
    return Question(
        type="single" if single else "multiple", options=tuple(options), choose=len(right_weights), **fields
    )


def _true_false_question(answers: str, fields: dict) -> Question:
    parts = []
    rest = answers
    while len(parts) < 2 and (cut := _find(rest, "#")) >= 0:
        parts.append(rest[:cut])
        rest = rest[cut + 1 :]
    parts.append(rest)
    answer, wrong_feedback, right_feedback = (_plain(p) for p in parts + [""] * (3 - len(parts)))
    truth = TRUE_FALSE[answer]
    feedback_true, feedback_false = (
        (right_feedback, wrong_feedback) if truth else (wrong_feedback, right_feedback)
    )
    options = (
        Option(id="true", text="True", correct=truth, explanation=feedback_true),
        Option(id="false", text="False", correct=not truth, explanation=feedback_false),
    )
    return Question(type="single", options=options, **fields)


def _short_answer_question(answers: str, fields: dict) -> Question:
    exact, patterns = [], []
    for _, body in _split_at_markers(answers, "="):
        weight, body = _split_weight(body)
        if weight is not None and 0 < weight < 100:
            raise _Refused("partial-credit short answers are not supported")
        if weight is not None and weight <= 0:
            continue
        answer, _ = _text_and_feedback(body)
        if MOODLE_WILDCARD.search(answer):
            bits = MOODLE_WILDCARD.split(answer)
            patterns.append(".*".join(re.escape(b.replace("\\*", "*")) for b in bits))
        elif answer:
            exact.append(answer.replace("\\*", "*"))
    if not exact and not patterns:
        raise _Refused("a short-answer question needs at least one right answer")
    fill = FillAnswer(exact=tuple(exact), patterns=tuple(patterns), case_sensitive=False)
    return Question(type="fill", fill=fill, **fields)


def _last_general_feedback(answers: str) -> int:
    live = _live(answers)
    starts = [i for i in range(len(answers) - 3) if answers[i : i + 4] == "####" and all(live[i : i + 4])]
    return starts[-1] if starts else -1


def _parse_block(text: str, fields: dict) -> Question:
    """One question block (comments removed, name already taken off) to a Question, or _Refused."""
    start, end = _find(text, "{"), _find(text, "}")
    if start < 0 and end < 0:
        raise _Refused("a description (no answers) is not a question")
    if start < 0 or end < start:
        raise _Refused("the braces { } do not match")
    before, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    if _find(after, "{}") >= 0:
        raise _Refused("more than one answer block")
    stem = _plain(before + ("_____" + after if after.strip() else ""))
    if not stem:
        raise _Refused("the question has no text")
    explanation = ""
    if (cut := _last_general_feedback(answers)) >= 0:
        answers, explanation = answers[:cut], _plain(answers[cut + 4 :])
    answers = answers.strip()
    fields = {**fields, "stem": stem, "explanation": explanation}
    if not answers:
        raise _Refused("essay questions are not supported: GuestLab grades every answer itself")
    if answers.startswith("#"):
        raise _Refused("numerical questions are not supported")
    if _find(answers, "~") >= 0:
        return _choice_question(answers, fields)
    if _find(answers, "=") >= 0 and "->" in answers:
        raise _Refused("matching questions are not supported")
    cut = _find(answers, "#")
    if (answers[:cut] if cut >= 0 else answers).strip() in TRUE_FALSE:
        return _true_false_question(answers, fields)
    return _short_answer_question(answers, fields)


def _blocks(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) of each question: separated by blank lines, `//` comment lines dropped."""
    lines: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip():
            if not lines:
                first = number
            lines.append("" if line.strip().startswith("//") else line)
            continue
        block = "\n".join(lines).strip()
        lines = []
        if block and not block.startswith("$CATEGORY:"):
            yield first, block


def _title(block: str) -> tuple[str, str]:
    """The ::title:: (unescaped) and the rest of the block."""
    if not block.startswith("::"):
        return "", block
    live = _live(block)
    close = next(
        (i for i in range(2, len(block) - 1) if block[i : i + 2] == "::" and live[i] and live[i + 1]), -1
    )
    if close < 0:
        raise _Refused("the question name is not closed with ::")
    return _unescape(block[2:close]).strip(), block[close + 2 :].strip()


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:80].strip("-")


def import_gift(
    text: object,
    area: str,
    max_bytes: int = 200_000,
    max_questions: int = 500,
    *,
    author: str = "GIFT import",
    licence: str = "unknown",
) -> tuple[list[Question], list[Rejected]]:
    """Questions read from GIFT text, all in `area`, and the ones left out with a reason each.

    Ids come from the ::title:: (made into a slug) or else from the line number. Short answers become
    case-insensitive fill questions, as Moodle's are. Never raises: unreadable input is rejected.
    """
    if area not in AREAS:
        return [], [Rejected(0, "", f"unknown area {area!r}")]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return [], [Rejected(0, "", "the file is not UTF-8 text")]
    if not isinstance(text, str):
        return [], [Rejected(0, "", "the file is not text")]
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return [], [Rejected(0, "", f"the file is larger than {max_bytes} bytes")]
    questions: list[Question] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for line, block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        title = ""
        try:
            title, body = _title(block)
            qid = _slug(title) or f"gift-line-{line}"
            if qid in seen:
                raise _Refused(f"a question named {qid!r} is already in this file")
            if len(questions) >= max_questions:
                reason = f"more than {max_questions} questions: the rest were left out"
                rejected.append(Rejected(line, title, reason))
                break
            fields = {"id": qid, "area": area, "author": author, "licence": licence}
            questions.append(_parse_block(body, fields))
            seen.add(qid)
        except _Refused as reason:
            rejected.append(Rejected(line, title, str(reason)))
    return questions, rejected
