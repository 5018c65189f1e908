"""Moodle GIFT export and import, for teachers who keep their quizzes in Moodle.

Both follow Moodle's own GIFT filter (question/format/gift/format.php, Moodle 4.x): `~ = # { } :` and the
backslash are escaped with a backslash, a newline is `\\n`; a text may start with its format (`[html]`,
`[moodle]`, `[plain]`, `[markdown]`; Moodle's default is `[moodle]`, and answers and feedback take the
question text's format unless they name one); `// [id:...] [tag:...]` comment lines carry the id number and
tags (Moodle 3.6+), `$CATEGORY:` switches category. Import reads what Moodle writes, reports every block it
leaves out with its lines, and notes whatever it reads differently (quiz.moodle_import decides that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quiz.model import AREAS, FillAnswer, Question
from quiz.moodle_import import (
    MOODLE_FORMATS,
    Answer,
    Draft,
    Importer,
    ImportResult,
    Refused,
    Remark,
    Text,
    category_of_area,
)

SPECIAL = "~=#{}:"
WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
ID_OR_TAG = re.compile(r"\[(id|tag):((?:\\.|[^\]\\])*)\]")


def escape_gift(text: str) -> str:
    """Escape as Moodle's GIFT export does: backslash and `~ = # { } :`, newlines as `\\n`."""
    out = text.replace("\r", "").replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    return out.replace("\n", "\\n")


def percent(fraction: float) -> str:
    """A fraction as Moodle writes a weight: 0.3333333 -> 33.33333, 1 -> 100."""
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def right_share(question: Question) -> str:
    """Each right option's percentage in Moodle multiple choice: 100 split evenly, as Moodle writes it."""
    return percent(1 / max(1, len(question.correct_option_ids)))


def option_fractions(question: Question) -> list[float]:
    """Each option's share of the mark in Moodle: kept from an import, else an even split of 100% among
    the right options of a multiple-answer question and -100% for each wrong one (a wrong pick cancels a
    right one, the nearest Moodle gets to all-or-nothing); 100% / 0% in a single-answer one."""
    right = max(1, len(question.correct_option_ids))
    if question.type == "single":
        default = [1.0 if o.correct else 0.0 for o in question.options]
    else:
        default = [1 / right if o.correct else -1.0 for o in question.options]
    return [d if o.fraction is None else o.fraction for o, d in zip(question.options, default, strict=True)]


def moodle_short_answers(fill: FillAnswer) -> list[str]:
    """The exact answers as Moodle short answers: `*` (a Moodle wildcard) escaped as `\\*`, and a
    `sudo ` variant of each when sudo is optional."""
    answers = list(fill.exact) + ([f"sudo {a}" for a in fill.exact] if fill.optional_sudo else [])
    return [a.replace("*", "\\*") for a in answers]


def wildcard_of(pattern: str) -> str | None:
    """A pattern that import made from a Moodle wildcard answer, written back as one; else None."""
    literals = [re.sub(r"\\(.)", r"\1", bit) for bit in pattern.split(".*")]
    if ".*".join(re.escape(literal) for literal in literals) != pattern:
        return None
    return "*".join(literal.replace("*", "\\*") for literal in literals)


def short_answer_remarks(question: Question, case_rule: bool) -> tuple[list[str], list[str]]:
    """Moodle's short answers for a fill question and what is lost on the way; `case_rule` says whether
    the format can carry case sensitivity (Moodle XML can, GIFT cannot)."""
    fill = question.fill or FillAnswer()
    answers = moodle_short_answers(fill)
    lost = []
    for pattern in fill.patterns:
        wildcard = wildcard_of(pattern)
        if wildcard is None:
            lost.append(f"the pattern {pattern!r} is left out: Moodle short answers take only * wildcards")
        else:
            answers.append(wildcard)
    if fill.case_sensitive and not case_rule:
        lost.append("GIFT cannot mark a short answer case-sensitive: Moodle will accept any case")
    return answers, lost


def export_remarks(question: Question) -> list[str]:
    """Where Moodle will grade this question differently from GuestLab."""
    if question.type == "fill" and question.fill and question.fill.run:
        return [
            "GuestLab also accepts any other command that does the same on a simulated machine; Moodle "
            "compares the text with the accepted answers only"
        ]
    if question.type != "multiple":
        return []
    weights = ", ".join(
        f"{o.id} {percent(f)}%" for o, f in zip(question.options, option_fractions(question), strict=True)
    )
    return [
        f"Moodle gives partial credit ({weights}, never below 0); GuestLab gives the mark only for exactly "
        "the right options"
    ]


def skip_reason(question: Question) -> str | None:
    """Why a question cannot be exported at all, or None."""
    if question.type == "lab":
        return "a lab question needs the simulator, which Moodle does not have"
    if question.type == "fill":
        answers, _ = short_answer_remarks(question, case_rule=True)
        if not answers:
            return "a fill question with only regular expressions: Moodle short answers cannot take them"
    if question.type not in ("single", "multiple", "fill"):
        return f"unknown question type {question.type!r}"
    return None


def _gift_text(text: str, text_format: str) -> str:
    """An answer or feedback text: a leading `[` would read as a format name, so name its format."""
    return (f"[{text_format}]" if text.startswith("[") else "") + escape_gift(text)


def _id_and_tags(question: Question) -> str:
    tags = [*question.terms, f"difficulty-{question.difficulty}"]
    bits = [f"[id:{question.id}]"] + [f"[tag:{tag}]" for tag in tags]
    return "// " + " ".join(b.replace("\n", " ") for b in bits) + "\n"


def _export_question(question: Question, remarks: list[Remark]) -> str:
    fmt = question.text_format
    head = f"{_id_and_tags(question)}::{escape_gift(question.id)}::[{fmt}]{escape_gift(question.stem)}{{\n"
    tail = f"\t####{_gift_text(question.explanation, fmt)}\n}}" if question.explanation else "}"
    if question.type == "fill":
        answers, lost = short_answer_remarks(question, case_rule=False)
        remarks.extend(Remark(0, question.id, reason) for reason in lost)
        return head + "".join(f"\t={escape_gift(a)}\n" for a in answers) + tail
    lines = []
    for option, fraction in zip(question.options, option_fractions(question), strict=True):
        if question.type == "single" and fraction == 1:
            mark = "="
        else:
            mark = "~" if fraction == 0 else f"~%{percent(fraction)}%"
        feedback = f"#{_gift_text(option.explanation, fmt)}" if option.explanation else ""
        lines.append(f"\t{mark}{_gift_text(option.text, fmt)}{feedback}\n")
    return head + "".join(lines) + tail


def by_area(questions: Iterable[Question]) -> dict[str, list[Question]]:
    """Questions grouped by knowledge area, areas in the model's order, unknown areas last."""
    groups: dict[str, list[Question]] = {area: [] for area in AREAS}
    for question in questions:
        groups.setdefault(question.area, []).append(question)
    return {area: group for area, group in groups.items() if group}


def export_gift(questions: Iterable[Question]) -> tuple[str, list[Remark]]:
    """GIFT text for Moodle, one `$CATEGORY:` per knowledge area, and the report: every question left
    out and why, and every one Moodle will grade differently. The report heads the file as comments too.
    """
    blocks, remarks = [], []
    for area, group in by_area(questions).items():
        blocks.append(f"$CATEGORY: {category_of_area(area)}")
        for question in group:
            reason = skip_reason(question)
            if reason:
                remarks.append(Remark(0, question.id, f"not exported: {reason}"))
                continue
            blocks.append(_export_question(question, remarks))
            remarks.extend(Remark(0, question.id, r) for r in export_remarks(question))
    header = "".join(f"// {r.title}: {r.reason}\n" for r in remarks)
    return (header + "\n" if header else "") + "\n\n".join(blocks) + "\n", remarks


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
    """Split an answer list at unescaped marker characters: [(marker, body), ...]. Text before the first
    marker is an answer too, with the marker "" (Moodle reads `{Grant ~Lee}` and `{Grant}` that way)."""
    live = _live(text)
    cuts = [i for i, char in enumerate(text) if live[i] and char in markers]
    ends = cuts[1:] + [len(text)] if cuts else []
    items = [(text[c], text[c + 1 : end]) for c, end in zip(cuts, ends, strict=True)]
    lead = text[: cuts[0]] if cuts else text
    return ([("", lead)] if lead.strip() else []) + items


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


def _text(raw: str, default: str) -> Text:
    """A text from escaped GIFT: its leading [format] if it names one (else `default`), escapes undone."""
    raw = raw.strip()
    match = re.match(r"\[(\w+)\]", raw)
    if match and match.group(1) in MOODLE_FORMATS:
        return Text(_unescape(raw[match.end() :]).strip(), match.group(1))
    return Text(_unescape(raw).strip(), default)


def _text_and_feedback(body: str, default: str) -> tuple[Text, Text]:
    cut = _find(body, "#")
    if cut < 0:
        return _text(body, default), Text("", default)
    return _text(body[:cut], default), _text(body[cut + 1 :], default)


def _weight(body: str) -> tuple[float | None, str]:
    body = body.strip()
    match = WEIGHT.match(body)
    return (float(match.group(1)) / 100, body[match.end() :]) if match else (None, body)


def _choice_answers(answers: str, fmt: str) -> list[Answer]:
    out = []
    for mark, body in _split_at_markers(answers, "~="):
        fraction, body = (1.0, body) if mark == "=" else _weight(body)
        text, feedback = _text_and_feedback(body, fmt)
        out.append(Answer(text, fraction or 0.0, feedback))
    return out


def _true_false_answers(answers: str, fmt: str) -> list[Answer]:
    parts, rest = [], answers
    while len(parts) < 2 and (cut := _find(rest, "#")) >= 0:
        parts.append(rest[:cut])
        rest = rest[cut + 1 :]
    parts.append(rest)
    answer, wrong, right = (_text(p, fmt) for p in parts + [""] * (3 - len(parts)))
    truth = TRUE_FALSE[answer.text]
    return [
        Answer(Text("true"), float(truth), right if truth else wrong),
        Answer(Text("false"), float(not truth), wrong if truth else right),
    ]


def _short_answers(answers: str, fmt: str) -> list[Answer]:
    out = []
    for _, body in _split_at_markers(answers, "="):
        fraction, body = _weight(body)
        text, feedback = _text_and_feedback(body, fmt)
        out.append(Answer(text, 1.0 if fraction is None else fraction, feedback))
    return out


def _last_general_feedback(answers: str) -> int:
    live = _live(answers)
    starts = [i for i in range(len(answers) - 3) if answers[i : i + 4] == "####" and all(live[i : i + 4])]
    return starts[-1] if starts else -1


def _kind(answers: str) -> str:
    """The question type as Moodle tells it from the answer block."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if _find(answers, "~") >= 0:
        return "multichoice"
    if _find(answers, "=") >= 0 and "->" in answers:
        return "matching"
    cut = _find(answers, "#")
    return "truefalse" if (answers[:cut] if cut >= 0 else answers).strip() in TRUE_FALSE else "shortanswer"


def _draft(text: str, draft: Draft) -> Draft:
    """Fill a Draft (line, id number, tags and category already set) from one question's GIFT text."""
    draft.name, text = _title(text)
    start, end = _find(text, "{"), _find(text, "}")
    if start < 0 and end < 0:
        raise Refused("a description (no answers) is not a question")
    if start < 0 or end < start:
        raise Refused("the braces { } do not match")
    before, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    if _find(after, "{}") >= 0:
        raise Refused("more than one answer block")
    draft.stem = _text(before + ("_____" + after if after.strip() else ""), "moodle")
    fmt = draft.stem.format
    if (cut := _last_general_feedback(answers)) >= 0:
        answers, draft.general_feedback = answers[:cut], _text(answers[cut + 4 :], fmt)
    answers = answers.strip()
    draft.kind = _kind(answers)
    if draft.kind == "multichoice":
        draft.single = _find(answers, "=") >= 0
        draft.answers = _choice_answers(answers, fmt)
    elif draft.kind == "truefalse":
        draft.answers = _true_false_answers(answers, fmt)
    elif draft.kind == "shortanswer":
        draft.answers = _short_answers(answers, fmt)
    return draft


def _title(block: str) -> tuple[str, str]:
    """The ::title:: (unescaped) and the rest of the block."""
    if not block.startswith("::"):
        return "", block
    live = _live(block)
    close = next(
        (i for i in range(2, len(block) - 1) if block[i : i + 2] == "::" and live[i] and live[i + 1]), -1
    )
    if close < 0:
        raise Refused("the question name is not closed with ::")
    return _unescape(block[2:close]).strip(), block[close + 2 :].strip()


def _id_and_tags_of(comment: str) -> tuple[str, list[str]]:
    idnumber, tags = "", []
    for kind, value in ID_OR_TAG.findall(comment):
        value = re.sub(r"\\(.)", r"\1", value).strip()
        if kind == "id":
            idnumber = value
        else:
            tags.append(value)
    return idnumber, tags


def _read(text: str, importer: Importer) -> None:
    """Feed each question to the importer: blocks end at blank lines; `//` lines are comments (with id and
    tags); a `$CATEGORY:` line switches category for what follows, even without a blank line after it."""
    category, idnumber, tags, lines, first = "", "", [], [], 0

    def flush(last: int) -> bool:
        draft = Draft(first, "", "", Text(), idnumber=idnumber, tags=tuple(tags), category=category)
        draft.last_line = last
        try:
            return importer.add(_draft("\n".join(lines).strip(), draft))
        except Refused as reason:
            importer.reject(first, draft.name, str(reason), last)
            return True

    for number, line in enumerate(text.split("\n") + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            found_id, found_tags = _id_and_tags_of(stripped)
            idnumber, tags = found_id or idnumber, tags + found_tags
            continue
        if stripped and not stripped.startswith("$CATEGORY:"):
            first = first or number
            lines.append(line)
            continue
        if lines and not flush(number - 1):
            return
        if stripped:
            category = _unescape(stripped[len("$CATEGORY:") :]).strip()
        idnumber, tags, lines, first = "", [], [], 0


def decode_upload(text: object, max_bytes: int) -> str | Remark:
    """Text from an upload or a form: UTF-8 (a byte-order mark dropped), within `max_bytes`; else why not."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return Remark(0, "", "the file is not UTF-8 text")
    if not isinstance(text, str):
        return Remark(0, "", "the file is not text")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return Remark(0, "", f"the file is larger than {max_bytes} bytes")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def import_gift(
    text: object,
    area: str,
    max_bytes: int = 200_000,
    max_questions: int = 500,
    *,
    author: str = "GIFT import",
    licence: str = "unknown",
    taken: Iterable[str] = (),
) -> ImportResult:
    """Questions read from GIFT text, those left out with a reason each, and notes on what was read
    differently. Questions go to the area their `$CATEGORY:` names, else to `area`. Ids come from
    `[id:]`, else the ::title::, else the line, made unique against `taken`. Never raises.
    """
    if area not in AREAS:
        return ImportResult(rejected=[Remark(0, "", f"unknown area {area!r}")])
    decoded = decode_upload(text, max_bytes)
    if isinstance(decoded, Remark):
        return ImportResult(rejected=[decoded])
    importer = Importer(area, set(taken), max_questions, author, licence)
    _read(decoded, importer)
    return importer.result
