"""Load the YAML question banks once at start-up; refuse them, with every reason at once, if any is wrong."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from quiz.grading import normalise_fill
from quiz.model import AREAS, TERMS, TYPES, Advice, Bank, CommandRun, FillAnswer, Option, Question

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "questions" / "schema.json"

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
CHOOSE_STATEMENT = re.compile(r"\b(?:choose|select)\s+(two|three|four|five|[2-5])\b", re.IGNORECASE)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class BankError:
    """One reason a bank file was refused: `question` is the question id when known, else `line`."""

    file: str
    message: str
    question: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.question:
            return f"{self.file}: {self.question}: {self.message}"
        if self.line:
            return f"{self.file}: line {self.line}: {self.message}"
        return f"{self.file}: {self.message}"


class BankInvalid(ValueError):
    """Raised by load_bank; `errors` holds every BankError found."""

    def __init__(self, errors: list[BankError]):
        self.errors = errors
        super().__init__("invalid question bank:\n" + "\n".join(str(e) for e in errors))


def load_bank(path: Path = Path("questions"), scenario_checks: Mapping[str, Set[str]] | None = None) -> Bank:
    """Load every `*.yaml` bank under `path` (or the single file `path`), raising BankInvalid on any error."""
    bank, errors = check_banks(path, scenario_checks)
    if errors or bank is None:
        raise BankInvalid(errors)
    return bank


def check_banks(
    path: Path = Path("questions"), scenario_checks: Mapping[str, Set[str]] | None = None
) -> tuple[Bank | None, list[BankError]]:
    """Validate the banks and return (bank, []) when all is well, or (None, errors).

    `scenario_checks` maps lab scenario ids to their check ids; when None, lab references are not checked.
    """
    path = Path(path)
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        return None, [BankError(str(path), "no *.yaml question banks found")]
    loader = _BankLoader(scenario_checks)
    for file in files:
        loader.load_file(file)
    if loader.errors:
        return None, loader.errors
    return Bank(questions=loader.questions), []


def summary(bank: Bank) -> dict[str, Any]:
    """Counts of questions overall and per type, area and term (zeros included, in model order)."""
    questions = list(bank.questions.values())
    return {
        "questions": len(questions),
        "by_type": {t: sum(q.type == t for q in questions) for t in TYPES},
        "by_area": {a: sum(q.area == a for q in questions) for a in AREAS},
        "by_term": {t: sum(t in q.terms for q in questions) for t in TERMS},
    }


@cache
def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _normalise_stem(stem: str) -> str:
    return " ".join(stem.split()).casefold()


class _BankLoader:
    """Accumulates questions and errors across files, so ids and stems are checked for uniqueness globally."""

    def __init__(self, scenario_checks: Mapping[str, Set[str]] | None):
        self.scenario_checks = scenario_checks
        self.questions: dict[str, Question] = {}
        self.errors: list[BankError] = []
        self.id_seen: dict[str, str] = {}
        self.stem_seen: dict[str, str] = {}

    def load_file(self, file: Path) -> None:
        name = file.as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.errors.append(BankError(name, f"cannot read file: {exc}"))
            return
        try:
            node, data = _parse_yaml(text)
        except yaml.YAMLError as exc:
            self.errors.append(_yaml_error(name, exc))
            return
        if node is not None:
            for line, key in _duplicate_keys(node):
                self.errors.append(BankError(name, f"duplicate key '{key}'", line=line))
        lines = _question_lines(node)
        top_lines = _top_level_lines(node)
        questions = data.get("questions") if isinstance(data, dict) else None
        questions = questions if isinstance(questions, list) else []

        bad_questions: set[int] = set()
        for error in sorted(_schema_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
            where = list(error.absolute_path)
            if len(where) >= 2 and where[0] == "questions" and isinstance(where[1], int):
                index = where[1]
                bad_questions.add(index)
                question = questions[index] if index < len(questions) else None
                self.errors.append(
                    BankError(
                        name,
                        _schema_message(error, where[2:], question),
                        question=_question_id(question),
                        line=lines.get(index),
                    )
                )
            else:
                line = top_lines.get(where[0], 1) if where else 1
                self.errors.append(BankError(name, _schema_message(error, where, data), line=line))

        if not isinstance(data, dict):
            return
        defaults = {
            "area": data.get("area"),
            "author": data.get("author", "GuestLab contributors"),
            "licence": data.get("licence", "CC-BY-SA-4.0"),
        }
        for index, raw in enumerate(questions):
            if index in bad_questions or not isinstance(raw, dict):
                continue
            question = _build_question(raw, defaults, name)
            problems = self._semantic_problems(question)
            self.errors.extend(BankError(name, p, question=question.id) for p in problems)
            if not problems:
                self.questions[question.id] = question

    def _semantic_problems(self, q: Question) -> list[str]:
        problems = []
        if q.id in self.id_seen:
            problems.append(f"duplicate id, already used in {self.id_seen[q.id]}")
        else:
            self.id_seen[q.id] = q.source_file
        stem_key = _normalise_stem(q.stem)
        if stem_key in self.stem_seen:
            problems.append(f"duplicate stem, same text as question {self.stem_seen[stem_key]}")
        else:
            self.stem_seen[stem_key] = q.id
        if q.area not in AREAS:
            problems.append(f"unknown area '{q.area}'")
        problems += [f"unknown term '{t}'" for t in q.terms if t not in TERMS]
        if q.type in ("single", "multiple"):
            problems += _option_problems(q)
        elif q.type == "fill" and q.fill is not None:
            problems += _fill_problems(q.fill)
            run = q.fill.run
            if run and self.scenario_checks is not None and run.scenario not in self.scenario_checks:
                problems.append(f"answers run on unknown scenario '{run.scenario}'")
        elif q.type == "lab":
            problems += self._lab_problems(q)
        return problems

    def _lab_problems(self, q: Question) -> list[str]:
        if self.scenario_checks is None or q.scenario is None:
            return []
        if q.scenario not in self.scenario_checks:
            known = ", ".join(sorted(self.scenario_checks))
            return [f"unknown scenario '{q.scenario}' (known: {known})"]
        known_checks = self.scenario_checks[q.scenario]
        return [
            f"scenario '{q.scenario}' has no check '{check}' (it has: {', '.join(sorted(known_checks))})"
            for check in q.checks
            if check not in known_checks
        ]


def _option_problems(q: Question) -> list[str]:
    problems = []
    correct = len(q.correct_option_ids)
    if q.type == "single" and correct != 1:
        problems.append(f"a single question needs exactly one correct option, found {correct}")
    if q.type == "multiple":
        if correct != q.choose:
            problems.append(f"choose is {q.choose} but {correct} options are marked correct")
        if len(q.options) <= q.choose:
            problems.append(f"choose is {q.choose} but there are only {len(q.options)} options")
        stated = {NUMBER_WORDS[m.casefold()] for m in CHOOSE_STATEMENT.findall(q.stem)}
        if not stated:
            problems.append(f'the stem must say how many to choose, e.g. "(Choose {_word(q.choose)}.)"')
        elif stated != {q.choose}:
            said = ", ".join(str(n) for n in sorted(stated))
            problems.append(f"the stem says choose {said} but choose is {q.choose}")
    seen: dict[str, str] = {}
    for option in q.options:
        key = _normalise_stem(option.text)
        if key in seen:
            problems.append(f"options {seen[key]} and {option.id} have the same text")
        seen.setdefault(key, option.id)
    return problems


def _fill_problems(fill: FillAnswer) -> list[str]:
    problems = []
    if not fill.exact and not fill.patterns:
        problems.append("a fill question needs at least one exact answer or pattern")
    for exact in fill.exact:
        if not normalise_fill(exact, fill):
            problems.append(f"exact answer {exact!r} is empty after normalisation")
    flags = 0 if fill.case_sensitive else re.IGNORECASE
    for pattern in fill.patterns:
        try:
            compiled = re.compile(pattern, flags)
        except re.error as exc:
            problems.append(f"pattern {pattern!r} is not a valid regular expression: {exc}")
            continue
        if compiled.fullmatch(""):
            problems.append(f"pattern {pattern!r} accepts an empty answer")
    for advice in fill.advice:
        try:
            re.compile(advice.pattern, flags)
        except re.error as exc:
            problems.append(f"advice pattern {advice.pattern!r} is not a valid regular expression: {exc}")
    if fill.run is not None and not fill.exact:
        problems.append("a fill question graded by running needs exact answers to run as keys")
    return problems


def _word(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def _build_question(raw: dict[str, Any], defaults: dict[str, Any], source_file: str) -> Question:
    options = tuple(
        Option(
            id=string.ascii_lowercase[i],
            text=o["text"].strip(),
            correct=bool(o.get("correct", False)),
            explanation=o["explanation"].strip(),
        )
        for i, o in enumerate(raw.get("options", ()))
    )
    fill = None
    if "answers" in raw:
        answers = raw["answers"]
        run = answers.get("run")
        fill = FillAnswer(
            exact=tuple(answers.get("exact", ())),
            patterns=tuple(answers.get("patterns", ())),
            case_sensitive=answers.get("case_sensitive", True),
            optional_sudo=answers.get("optional_sudo", False),
            run=CommandRun(
                scenario=run["scenario"],
                compare=run.get("compare", "output"),
                tools=tuple(run.get("tools", ())),
                setup=tuple(run.get("setup", ())),
                machine=dict(run.get("machine", {})),
            )
            if run
            else None,
            advice=tuple(Advice(a["pattern"], a["message"].strip()) for a in answers.get("advice", ())),
        )
    return Question(
        id=raw["id"],
        type=raw["type"],
        area=defaults["area"],
        stem=raw["stem"].strip(),
        explanation=raw["explanation"].strip(),
        terms=tuple(raw.get("terms", ())),
        difficulty=raw["difficulty"],
        author=raw.get("author", defaults["author"]),
        licence=raw.get("licence", defaults["licence"]),
        options=options,
        choose=raw.get("choose", 1),
        fill=fill,
        scenario=raw.get("scenario"),
        checks=tuple(raw.get("checks", ())),
        source_file=source_file,
    )


def _parse_yaml(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse like yaml.safe_load, but keep the node tree so errors can point at lines."""
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _yaml_error(name: str, exc: yaml.YAMLError) -> BankError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {context + ', ' if context else ''}{problem}"
    if mark is None:
        return BankError(name, message)
    return BankError(name, f"{message} (column {mark.column + 1})", line=mark.line + 1)


def _duplicate_keys(node: yaml.Node) -> list[tuple[int, str]]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        found.append((key.start_mark.line + 1, key.value))
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found)


def _question_lines(node: yaml.Node | None) -> dict[int, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        is_questions = isinstance(key, yaml.ScalarNode) and key.value == "questions"
        if is_questions and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


def _top_level_lines(node: yaml.Node | None) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def _question_id(question: Any) -> str | None:
    if isinstance(question, dict) and isinstance(question.get("id"), str) and question["id"].strip():
        return question["id"]
    return None


def _schema_message(error: jsonschema.ValidationError, where: list[Any], instance_root: Any) -> str:
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where).lstrip(".")
    prefix = f"{field}: " if field else ""
    value = error.instance
    validator = error.validator
    if validator == "not" and isinstance(error.validator_value, dict) and "required" in error.validator_value:
        kind = instance_root.get("type") if isinstance(instance_root, dict) else "this"
        key = error.validator_value["required"][0]
        return f"'{key}' is not used in a {kind} question"
    if validator == "enum" and where and where[-1] == "area":
        return f"unknown area {value!r} (known: {', '.join(AREAS)})"
    if validator == "enum" and len(where) >= 2 and where[-2] == "terms":
        return f"unknown term {value!r} (known: {', '.join(TERMS)})"
    if validator == "enum" and where == ["type"]:
        return f"unknown type {value!r} (known: {', '.join(TYPES)})"
    if validator == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = ", ".join(repr(k) for k in value if k not in allowed)
        return f"{prefix}unknown key {extra}"
    if validator in ("minLength", "pattern") and error.validator_value in (1, "\\S"):
        return f"{prefix}must not be empty"
    if validator == "pattern":
        return f"{prefix}{value!r} is not a slug (lowercase letters, digits, single hyphens)"
    if validator in ("minItems", "maxItems") and isinstance(value, list):
        bound = "at least" if validator == "minItems" else "at most"
        return f"{prefix}{bound} {error.validator_value} allowed, found {len(value)}"
    if validator == "anyOf" and where and where[-1] == "answers":
        return f"{prefix}needs 'exact' or 'patterns'"
    message = error.message
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{prefix}{message}"


def check_question(
    raw: dict[str, Any], area: str, scenario_checks: Mapping[str, Set[str]] | None = None, **defaults: str
) -> tuple[Question | None, list[str]]:
    """One question as a bank file would hold it (the YAML keys), checked by the same schema and rules
    as the banks: (question, []) when valid, else (None, every problem). For the browser editor."""
    document = {"area": area, "author": "editor", "licence": "editor", "questions": [raw]}
    problems = [
        _schema_message(error, list(error.absolute_path)[2:], raw)
        if list(error.absolute_path)[:1] == ["questions"]
        else _schema_message(error, list(error.absolute_path), document)
        for error in _schema_validator().iter_errors(document)
    ]
    if problems:
        return None, list(dict.fromkeys(problems))
    fields = {"area": area, "author": "GuestLab contributors", "licence": "CC-BY-SA-4.0", **defaults}
    question = _build_question(raw, fields, "")
    problems = _BankLoader(scenario_checks)._semantic_problems(question)
    return (None, problems) if problems else (question, [])
