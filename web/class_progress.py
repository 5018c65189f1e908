"""Where a class stands: each student's status and score per assignment, the live heat map, statistics per
question (as Moodle's quiz statistics report gives them) and the gradebook as CSV."""

import csv
import datetime
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

import xlsxwriter
from sqlite_utils import Database

from quiz.exam import MAX_SCALED, MIN_SCALED, PASS_SCALED, scaled_score
from quiz.model import AREAS, Question
from web import class_store, instructor_bank, lab_store
from web.banks import bank
from web.db import get_db
from web.times import readable


def questions_for(db: Database, owner_id: int | None) -> dict[str, Question]:
    """The shipped banks and, when an instructor is named, that instructor's own questions."""
    questions = dict(bank().questions)
    if owner_id is not None:
        # by their `own:<row>` ids, which an edit does not change: an assignment keeps its questions
        questions.update({q.id: q for q in instructor_bank.questions_of(db, owner_id)})
    return questions


def attempt_questions(db: Database, attempt: dict) -> dict[str, Question]:
    """The questions an attempt may hold: an assigned one's set may include its instructor's own."""
    if not attempt.get("assignment_id"):
        return bank().questions
    row = db.execute("SELECT created_by FROM assignments WHERE id = ?", [attempt["assignment_id"]]).fetchone()
    return questions_for(db, row[0] if row else None)


@dataclass
class Standing:
    """One student's place in one assignment: the score they had by its close (theirs, extension counted),
    and apart from it what they did after the close, which counts only if the instructor says so."""

    status: str  # "upcoming", "due", "started", "done" or "late" (not done by the close)
    percent: int | None  # the score that counts, 0-100; None before any work
    attempts: int
    closes_at: datetime.datetime
    detail: str = ""
    late_percent: int | None = None  # best score with the work done after the close; None without any
    late_at: datetime.datetime | None = None  # the last work after the close
    late_counts: bool = False
    # An exam is scored as everywhere else, 200-800 with 500 to pass (quiz.exam); these stand beside the
    # percentages (which the gradebook's overall mean takes), None for a lab or a practice set.
    scaled: int | None = None
    late_scaled: int | None = None

    @property
    def score(self) -> str:
        """The score that counts as the learner reads it: "520 / 800, passed" for an exam, else "40%"."""
        return _shown(self.percent, self.scaled)

    @property
    def late_score(self) -> str:
        return _shown(self.late_percent, self.late_scaled)


def _shown(percent: int | None, scaled: int | None) -> str:
    if scaled is not None:
        verdict = "passed" if scaled >= PASS_SCALED else f"not passed ({PASS_SCALED} to pass)"
        return f"{scaled} / {MAX_SCALED}, {verdict}"
    return "" if percent is None else f"{percent}%"


def _percent(part: float, whole: float) -> int:
    return int(100 * part // whole) if whole else 0


def lab_grade(lab: dict | None) -> dict | None:
    """The lab's checks and score, computed once per row read (the live view asks several times)."""
    if lab is None:
        return None
    if "grade" not in lab:
        lab["grade"] = lab_store.saved_grade(get_db(), lab)
    return lab["grade"]


def _by_close(answers: list[tuple[str, bool]], closes_at: datetime.datetime) -> list[tuple[str, bool]]:
    return [(at, right) for at, right in answers if class_store.parse_time(at) <= closes_at]


def _attempt_scores(attempt: dict, closes_at) -> tuple:
    """An attempt's score by the close, its score with the answers given after it (None if none was), when
    it was last worked on after the close, and for an exam the same two scores scaled (200-800). An exam's
    score is its result; an exam submitted after the close counts by the close the answers right by then,
    out of all its questions (unanswered is wrong)."""
    answers = attempt.get("answer_times", [])
    total = len(attempt["question_ids"])
    later = [class_store.parse_time(at) for at, _ in answers if class_store.parse_time(at) > closes_at]
    submitted = class_store.parse_time(attempt["submitted_at"])
    if submitted and submitted > closes_at:
        later.append(submitted)
    right_by_close = sum(right for _, right in _by_close(answers, closes_at))
    if attempt["kind"] == "exam":
        result = attempt["result"] if submitted else None
        if result is None:
            return None, None, None, None, None
        scaled = result["scaled"]
        if submitted <= closes_at:
            return result["percent"], None, None, scaled, None
        on_time = _percent(right_by_close, total), scaled_score(right_by_close, total)
        return on_time[0], result["percent"], max(later), on_time[1], scaled
    on_time = _percent(right_by_close, total)
    if not later:
        return on_time, None, None, None, None
    return on_time, _percent(sum(right for _, right in answers), total), max(later), None, None


def _best(scores) -> int | None:
    return max((p for p in scores if p is not None), default=None)


def standing(assignment: dict, closes_at, now, lab: dict | None, attempts: list[dict]) -> Standing:
    """Status and scores: a lab is done when every check passes, a quiz once an attempt is finished, each
    judged by the close; a lab's grade at the close is the one kept by its first change after it
    (lab_store.closed_grade), and without one the lab is as it was at the close. The score that counts is
    the one by the close, or the best with the late work when the assignment counts it."""
    late_percent = late_at = on_time_scaled = late_scaled = None
    if assignment["kind"] == "lab":
        grade = lab_grade(lab)
        kept = lab_store.closed_grade(lab, closes_at) if lab else None
        at_close = kept or (
            {
                "score": grade["score"],
                "max_score": grade["max_score"],
                "passed": sum(c["passed"] for c in grade["checks"]),
                "checks": len(grade["checks"]),
            }
            if grade
            else None
        )
        on_time = _percent(at_close["score"], at_close["max_score"]) if at_close else None
        done = at_close is not None and at_close["score"] >= at_close["max_score"]
        if kept is not None:
            late_percent = _percent(grade["score"], grade["max_score"])
            late_at = class_store.parse_time(lab["updated_at"])
        started = lab is not None
        count = lab["attempt"] if lab else 0
        detail = f"{at_close['passed']} of {at_close['checks']} checks" if at_close else ""
    else:
        scores = [_attempt_scores(a, closes_at) for a in attempts]
        on_time = _best(s[0] for s in scores)
        late_percent = _best(s[1] for s in scores)
        late_at = max((s[2] for s in scores if s[2]), default=None)
        on_time_scaled = _best(s[3] for s in scores)
        late_scaled = _best(s[4] for s in scores)
        finished = [class_store.parse_time(a["submitted_at"]) for a in attempts if a["submitted_at"]]
        done = any(at <= closes_at for at in finished)
        started = bool(attempts)
        count = len(attempts)
        detail = ""
    counts = bool(assignment.get("late_counts"))
    percent = _best([on_time, late_percent]) if counts else on_time
    scaled = _best([on_time_scaled, late_scaled]) if counts else on_time_scaled
    if done:
        status = "done"
    elif now < class_store.parse_time(assignment["opens_at"]):
        status = "upcoming"
    elif now > closes_at:
        status = "late"
    else:
        status = "started" if started else "due"
    return Standing(
        status, percent, count, closes_at, detail, late_percent, late_at, counts, scaled, late_scaled
    )


def _answer_times(db: Database, attempt_ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
    """Per attempt, each graded answer's time and verdict."""
    if not attempt_ids:
        return {}
    marks = ",".join("?" for _ in attempt_ids)
    rows = db.execute(
        f"""SELECT attempt_id, answered_at, correct FROM answers
            WHERE attempt_id IN ({marks}) AND correct IS NOT NULL AND answered_at IS NOT NULL""",
        attempt_ids,
    )
    found = defaultdict(list)
    for attempt_id, at, correct in rows:
        found[attempt_id].append((at, bool(correct)))
    return found


def with_answer_times(db: Database, attempts: list[dict]) -> list[dict]:
    """Each attempt with its graded answers' times and verdicts, to score it by a close."""
    times = _answer_times(db, [a["id"] for a in attempts])
    for attempt in attempts:
        attempt["answer_times"] = times.get(attempt["id"], [])
    return attempts


def student_standing(db: Database, assignment: dict, user_id: int) -> Standing:
    closes = class_store.closes_for(db, assignment, user_id)
    attempts = with_answer_times(db, class_store.attempts_for(db, assignment["id"], user_id))
    lab = class_store.lab_for(db, assignment["id"], user_id)
    return standing(assignment, closes, class_store.now_utc(), lab, attempts)


def student_due(db: Database, user_id: int) -> list[dict]:
    """What a student has to do: each assignment of their classes with its standing, late and due first."""
    items = [
        {"assignment": assignment, "standing": student_standing(db, assignment, user_id)}
        for assignment in class_store.student_assignments(db, user_id)
    ]
    order = {"late": 0, "due": 1, "started": 1, "upcoming": 2, "done": 3}
    return sorted(items, key=lambda item: (order[item["standing"].status], item["standing"].closes_at))


# Someone who did something this recently is shown as working now on the live board.
ACTIVE_NOW = datetime.timedelta(minutes=2)


@dataclass
class ClassTable:
    """Students x assignments, with the work behind each cell, for the live view and the gradebook."""

    students: list[dict]
    assignments: list[dict]
    cells: dict  # (user_id, assignment_id) -> Standing
    labs: dict  # (user_id, assignment_id) -> lab row
    attempts: dict  # (user_id, assignment_id) -> [attempt rows]
    activity: dict  # user_id -> {"at": ..., "what": ...}


def class_table(db: Database, class_id: int) -> ClassTable:
    now = class_store.now_utc()
    students = class_store.members(db, class_id, "student")
    assignments = class_store.assignments(db, class_id)
    labs_rows, attempt_rows = class_store.class_work(db, class_id)
    with_answer_times(db, attempt_rows)
    labs = {(lab["user_id"], lab["assignment_id"]): lab for lab in labs_rows}
    attempts = defaultdict(list)
    for attempt in attempt_rows:
        attempts[(attempt["user_id"], attempt["assignment_id"])].append(attempt)
    titles = {a["id"]: a["title"] for a in assignments}
    activity = {}
    for lab in labs_rows:
        _note(activity, lab["user_id"], lab["updated_at"], titles.get(lab["assignment_id"], ""))
    for attempt in attempt_rows:
        last = attempt["submitted_at"] or attempt["started_at"]
        _note(activity, attempt["user_id"], last, titles.get(attempt["assignment_id"], ""))
    for entry in activity.values():
        entry["now"] = now - class_store.parse_time(entry["at"]) < ACTIVE_NOW
    cells = {}
    for assignment in assignments:
        extended = class_store.extensions(db, assignment["id"])
        for student in students:
            closes = class_store.parse_time(assignment["closes_at"])
            if student["id"] in extended:
                closes = max(closes, class_store.parse_time(extended[student["id"]]))
            key = (student["id"], assignment["id"])
            cells[key] = standing(assignment, closes, now, labs.get(key), attempts.get(key, []))
    return ClassTable(students, assignments, cells, labs, dict(attempts), activity)


def _note(activity: dict, user_id: int, at: str, what: str) -> None:
    if at and (user_id not in activity or at > activity[user_id]["at"]):
        activity[user_id] = {"at": at, "what": what}


def heat_map(db: Database, class_id: int, table: ClassTable) -> dict:
    """Students x (lab checks and questions), most missed first: each cell passed, failed or not tried."""
    columns: dict[str, dict] = {}
    cells: dict[tuple[int, str], bool] = {}
    for (user_id, _), lab in table.labs.items():
        for check in lab_grade(lab)["checks"]:
            key = f"check:{lab['scenario_id']}:{check['id']}"
            columns.setdefault(key, {"key": key, "kind": "check", "label": check["title"], "missed": 0})
            cells[(user_id, key)] = bool(check["passed"])
    for answer in class_store.class_answers(db, class_id):
        key = f"question:{answer['question_id']}"
        columns.setdefault(key, {"key": key, "kind": "question", "label": answer["question_id"], "missed": 0})
        cells[(answer["user_id"], key)] = cells.get((answer["user_id"], key), False) or bool(
            answer["correct"]
        )
    for (_, key), passed in cells.items():
        columns[key]["missed"] += not passed
    ordered = sorted(columns.values(), key=lambda c: (-c["missed"], c["kind"], c["label"]))
    return {"columns": ordered, "cells": cells}


def question_statistics(db: Database, class_id: int, owner_ids: list[int]) -> list[dict]:
    """Per question answered in the class: how many answered, the share right, and for each option how often
    it was picked (and, for a fill question, the wrong answers given), so a misleading option shows."""
    questions = {}
    for owner in owner_ids:
        questions.update(questions_for(db, owner))
    answers_given = class_store.class_answers(db, class_id)
    by_question = defaultdict(list)
    for answer in answers_given:
        by_question[answer["question_id"]].append(answer)
    rest = _rest_of_attempt(answers_given)
    stats = []
    for qid, answers in by_question.items():
        question = questions.get(qid)
        if question is None or question.type == "lab":
            continue
        picks = Counter()
        wrong_texts = Counter()
        for answer in answers:
            response = answer["response"]
            chosen = (
                [response] if isinstance(response, str) else response if isinstance(response, list) else []
            )
            if question.type == "fill":
                if not answer["correct"] and isinstance(response, str):
                    wrong_texts[response.strip()[:80]] += 1
            else:
                picks.update(c for c in chosen if isinstance(c, str))
        right = sum(1 for a in answers if a["correct"])
        stats.append(
            {
                "question": question,
                "answered": len(answers),
                "right": right,
                "percent": _percent(right, len(answers)),
                "options": [
                    {"option": o, "picked": picks[o.id], "percent": _percent(picks[o.id], len(answers))}
                    for o in question.options
                ],
                "wrong_answers": wrong_texts.most_common(5),
                "discrimination": _correlation(
                    [(float(bool(a["correct"])), rest[(a["attempt_id"], qid)]) for a in answers]
                ),
            }
        )
    return sorted(stats, key=lambda s: (s["percent"], s["question"].id))


def _rest_of_attempt(answers: list[dict]) -> dict[tuple[int, str], float | None]:
    """For each answer, the share right of the other graded answers of its attempt (None when alone)."""
    per_attempt = defaultdict(lambda: [0, 0])
    for answer in answers:
        tally = per_attempt[answer["attempt_id"]]
        tally[0] += bool(answer["correct"])
        tally[1] += 1
    rest = {}
    for answer in answers:
        right, total = per_attempt[answer["attempt_id"]]
        others = total - 1
        rest[(answer["attempt_id"], answer["question_id"])] = (
            (right - bool(answer["correct"])) / others if others else None
        )
    return rest


def _correlation(pairs: list[tuple[float, float | None]]) -> float | None:
    """Moodle's discrimination index: how well the question separates those who did well on the rest of
    the attempt from those who did not (Pearson's r, -1 to 1); None with too little data to tell."""
    pairs = [(x, y) for x, y in pairs if y is not None]
    if len(pairs) < 2:
        return None
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    var_x = sum((x - mean_x) ** 2 for x, _ in pairs)
    var_y = sum((y - mean_y) ** 2 for _, y in pairs)
    if not var_x or not var_y:
        return None
    return round(cov / (var_x * var_y) ** 0.5, 2)


# Cells a spreadsheet would read as a formula (OWASP, "CSV injection"): = + - @, tab and carriage return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def area_mastery(db: Database, class_id: int, owner_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per student and knowledge area: the share of graded answers right in the class's quizzes, a question
    left unanswered in a submitted exam counting as wrong (as the exam's score counts it)."""
    questions = {}
    for owner in owner_ids:
        questions.update(questions_for(db, owner))
    tally = defaultdict(lambda: [0, 0])
    for answer in class_store.class_answers(db, class_id) + class_store.class_unanswered(db, class_id):
        question = questions.get(answer["question_id"])
        if question is not None:
            counts = tally[(answer["user_id"], question.area)]
            counts[0] += bool(answer["correct"])
            counts[1] += 1
    mastery = defaultdict(dict)
    for (user_id, area), (right, total) in tally.items():
        mastery[user_id][area] = _percent(right, total)
    return mastery


# How the gradebook's overall mean is taken, said beside its download links and in its header.
OVERALL_RULE = (
    "the mean of the assignments attempted, in % (an exam by its share of right answers); an assignment "
    "past its close with nothing done counts 0, one not yet closed and not started is left out"
)


def gradebook(db: Database, class_id: int, owner_ids: list[int]) -> list[list]:
    """The header, then one row per student: for each assignment the score that counts (%, or an exam's
    200-800 score: what was done by the close, unless the assignment counts late work), then the score with
    the late work and when it was done (empty without late work); the overall mean (OVERALL_RULE);
    mastery per knowledge area (%) from the class's quizzes.
    Scores are numbers ("" where there is none); the rest is text as learners and teachers wrote it."""
    table = class_table(db, class_id)
    mastery = area_mastery(db, class_id, owner_ids)
    header = ["student"]
    for a in table.assignments:
        counted = "counted" if a.get("late_counts") else "not counted"
        scale = f"{MIN_SCALED}-{MAX_SCALED}, {PASS_SCALED} to pass" if a["kind"] == "exam" else "%"
        header += [
            f"{a['title']} ({scale})",
            f"{a['title']}: late ({scale}, {counted})",
            f"{a['title']}: late on",
        ]
    overall = "overall (%: attempted work; closed work not done counts 0)"
    rows = [header + [overall] + [f"mastery: {AREAS[area]} (%)" for area in AREAS]]
    for student in table.students:
        cells, counted = [], []
        for assignment in table.assignments:
            cell = table.cells[(student["id"], assignment["id"])]
            exam = assignment["kind"] == "exam"
            score, late = (cell.scaled, cell.late_scaled) if exam else (cell.percent, cell.late_percent)
            cells.append("" if score is None else score)
            cells.append("" if late is None else late)
            cells.append(readable(cell.late_at) if late is not None else "")
            if cell.percent is not None or cell.status == "late":
                counted.append(cell.percent or 0)
        overall = round(sum(counted) / len(counted)) if counted else ""
        areas = [mastery.get(student["id"], {}).get(area, "") for area in AREAS]
        rows.append([class_store.display_name(student), *cells, overall, *areas])
    return rows


def gradebook_csv(rows: list[list]) -> str:
    """The gradebook as CSV, every text cell made safe to open in a spreadsheet (see safe_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell if isinstance(cell, int | float) else safe_cell(cell) for cell in row])
    return out.getvalue()


def gradebook_xlsx(rows: list[list], title: str) -> bytes:
    """The gradebook as an Excel workbook. XlsxWriter writes each cell as the type it is given: text is
    always a string cell, never a formula, whatever it starts with."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Gradebook")
    bold = workbook.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, int | float):
                sheet.write_number(r, c, cell)
            elif cell != "":
                sheet.write_string(r, c, cell, bold if r == 0 else None)
    sheet.freeze_panes(1, 1)
    workbook.set_properties({"title": title})
    workbook.close()
    return out.getvalue()
