"""cliff's output formatters, as python-openstackclient prints through them (cliff 4.x, prettytable 3.x).

A Lister prints rows under column names; a ShowOne prints one resource as Field/Value. `-f table` (the
default), `json`, `value`, `shell`, `yaml`, `csv` (lists) and `-c COLUMN` (repeatable, matched without case,
spaces as underscores) as cliff/display.py and cliff/formatters/*.py do. Values are what the client
formats them to: human-readable text for tables, the machine-readable value for json and yaml.
"""

from __future__ import annotations

import json
import textwrap

import yaml

LIST_FORMATS = ("csv", "json", "table", "value", "yaml")
SHOW_FORMATS = ("json", "shell", "table", "value", "yaml")


class Column:
    """A FormattableColumn: one text for people, another value for json/yaml."""

    def __init__(self, human: str, machine):
        self.human, self.machine = human, machine

    def __str__(self) -> str:
        return self.human


def human(value) -> str:
    if isinstance(value, Column):
        return value.human
    return str(value)


def machine(value):
    return value.machine if isinstance(value, Column) else value


class ColumnError(ValueError):
    """cliff's error for -c naming no column."""


def select(names: list[str], rows: list[list], wanted: list[str]) -> tuple[list[str], list[list]]:
    """-c: the named columns, in the command's order (display.py _generate_columns_and_selector)."""
    if not wanted:
        return names, rows

    def normal(name: str) -> str:
        return name.lower().strip().replace(" ", "_")

    requested = [normal(c) for c in wanted]
    keep = [i for i, name in enumerate(names) if normal(name) in requested]
    if not keep:
        raise ColumnError(
            f"No recognized column names in {wanted!r}. Recognized columns are {tuple(names)!r}."
        )
    return [names[i] for i in keep], [[row[i] for i in keep] for row in rows]


def _justify(text: str, width: int, align: str) -> str:
    if align == "r":
        return text.rjust(width)
    if align == "l":
        return text.ljust(width)
    excess = width - len(text)
    if excess % 2 and len(text) % 2 == 0:
        return " " * (excess // 2 + 1) + text + " " * (excess // 2)
    return " " * (excess // 2) + text + " " * (excess - excess // 2)


def table(names: list[str], rows: list[list], aligns: list[str], fit: int = 0, min_width: int = 0) -> str:
    """prettytable's default style: +---+ rules, one space of padding, cells of several lines. With `fit`
    (a terminal's width), the widest columns are narrowed and their text wrapped as cliff's
    TableFormatter._assign_max_widths and prettytable's max_width do."""
    cells = [[human(v).replace("\r\n", "\n").replace("\r", " ").split("\n") for v in row] for row in rows]
    natural = [
        max([len(name)] + [len(line) for row in cells for line in row[i]]) for i, name in enumerate(names)
    ]
    limits = _max_widths(names, natural, fit, min_width) if fit else {}
    widths = []
    for i, name in enumerate(names):
        width = len(name)
        for row in cells:
            longest = max(len(line) for line in row[i])
            width = max(width, min(longest, limits.get(i, longest)))
        widths.append(width)
    if limits:
        cells = [
            [
                sum(
                    (
                        textwrap.fill(line, widths[i]).split("\n") if len(line) > widths[i] else [line]
                        for line in lines
                    ),
                    [],
                )
                for i, lines in enumerate(row)
            ]
            for row in cells
        ]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    heads = [_justify(n, w, a) for n, w, a in zip(names, widths, aligns, strict=True)]
    out = [rule, "| " + " | ".join(heads) + " |", rule]
    for row in cells:
        height = max(len(lines) for lines in row)
        for n in range(height):
            parts = [
                _justify(lines[n] if n < len(lines) else "", w, a)
                for lines, w, a in zip(row, widths, aligns, strict=True)
            ]
            out.append("| " + " | ".join(parts) + " |")
    out.append(rule)
    return "\n".join(out) + "\n"


def _max_widths(names: list[str], natural: list[int], term_width: int, min_width: int) -> dict[int, int]:
    """cliff's _assign_max_widths: nothing when the table fits; else the columns wider than an equal share
    split what the narrow ones leave, the last of them taking the remainder."""
    if sum(w + 3 for w in natural) + 1 <= term_width:
        return {}
    usable = max(0, term_width - 1 - 3 * len(names))
    optimal = usable // len(names)
    shrink = [i for i, w in enumerate(natural) if w > optimal]
    remaining = usable - sum(w for w in natural if w <= optimal)
    limits = {}
    share = remaining // len(shrink)
    for i in shrink[:-1]:
        limits[i] = max(min_width, share)
        remaining -= share
    limits[shrink[-1]] = max(min_width, remaining)
    return limits


def emit_list(fmt: str, names: list[str], rows: list[list], noindent: bool = False, fit: int = 0) -> str:
    if fmt == "table":
        if not rows:
            return "\n"  # prettytable prints nothing for no rows (print_empty off); cliff adds the newline
        aligns = ["r" if type(v) in (int, float) else "l" for v in rows[0]]
        return table(names, rows, aligns, fit, min_width=8)
    if fmt == "json":
        items = [{n: machine(v) for n, v in zip(names, row, strict=True)} for row in rows]
        return json.dumps(items, indent=None if noindent else 2) + "\n"
    if fmt == "value":
        return "".join(" ".join(str(machine(v)) for v in row) + "\n" for row in rows)
    if fmt == "yaml":
        items = [{n: machine(v) for n, v in zip(names, row, strict=True)} for row in rows]
        return yaml.safe_dump(items, default_flow_style=False)

    # csv, quoting non-numeric values (cliff's default --quote nonnumeric)
    def cell(v) -> str:
        v = machine(v)
        return str(v) if type(v) in (int, float) else '"' + str(v).replace('"', '""') + '"'

    lines = [",".join(f'"{n}"' for n in names)] + [",".join(cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def emit_one(
    fmt: str, names: list[str], values: list, noindent: bool = False, prefix: str = "", fit: int = 0
) -> str:
    if fmt == "table":
        rows = [[n, v] for n, v in zip(names, values, strict=True)]
        return table(["Field", "Value"], rows, ["l", "l"], fit, min_width=16)
    if fmt == "json":
        return (
            json.dumps(
                {n: machine(v) for n, v in zip(names, values, strict=True)}, indent=None if noindent else 2
            )
            + "\n"
        )
    if fmt == "value":
        return "".join(f"{machine(v)}\n" for v in values)
    if fmt == "yaml":
        return yaml.safe_dump(
            {n: machine(v) for n, v in zip(names, values, strict=True)}, default_flow_style=False
        )
    # shell: NAME="value", the name with non-word characters made underscores (formatters/shell.py)
    out = []
    for name, value in zip(names, values, strict=True):
        key = "".join(c if c.isalnum() or c == "_" else "_" for c in name.lower())
        text = str(machine(value)).replace('"', '\\"')
        out.append(f'{prefix}{key}="{text}"\n')
    return "".join(out)


def format_dict(data: dict | None, prefix: str = "") -> str:
    """osc_lib.utils.format_dict: key='value' pairs sorted by key, a nested dict flattened as key.sub."""
    if data is None:
        return "None"
    output = ""
    for key in sorted(data):
        name = f"{prefix}.{key}" if prefix else key
        value = data[key]
        if isinstance(value, dict):
            output += format_dict(value, name) + ", "
        elif value is not None:
            output += f"{name}='{value}', "
        else:
            output += f"{name}=, "
    return output[:-2]


def format_list_of_dicts(items: list[dict]) -> str:
    return "\n".join(format_dict(item) for item in items)


def format_dict_of_list(data: dict) -> str:
    """osc_lib.utils.format_dict_of_list: network=address, address; another=... (keys and values sorted)"""
    return "; ".join(f"{key}={', '.join(sorted(data[key]))}" for key in sorted(data) if data[key] is not None)
