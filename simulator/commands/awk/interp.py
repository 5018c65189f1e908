"""The awk evaluator: runs a parsed program over records read through the simulated filesystem.

Every record read, loop turn and function call counts against the line's work budget (ctx.tick).
Pipes (`cmd | getline`, `print | cmd`) and system() are refused with a clear message: nothing here
runs a program.
"""

from __future__ import annotations

import math
import random
import re

from simulator.commands.awk.lexer import AwkSyntaxError, unescape
from simulator.commands.awk.printf import format_printf
from simulator.commands.awk.values import (
    MAX_INT,
    UNINIT,
    compare,
    format_number,
    strnum,
    to_int,
    to_number,
    to_string,
    truth,
)
from simulator.commands.text import translate_regex
from simulator.dialogue import all_input
from simulator.filesystem import FsError
from simulator.patterns import Regex, line_budget

MAX_STRING = 1 << 20  # one value past this: mawk would keep allocating; we stop as it stops at its limits
MAX_CALL_DEPTH = 60  # nested function calls (mawk's evaluation stack has a limit too)
SPECIAL_DEFAULTS = {
    "FS": " ",
    "OFS": " ",
    "ORS": "\n",
    "RS": "\n",
    "SUBSEP": "\x1c",
    "CONVFMT": "%.6g",
    "OFMT": "%.6g",
    "RSTART": 0.0,
    "RLENGTH": -1.0,
    "NR": 0.0,
    "FNR": 0.0,
    "FILENAME": "",
}
REGEX_REASONS = {
    "missing )": "missing ')'",
    "unterminated subpattern": "missing ')'",
    "unbalanced parenthesis": "missing '('",
    "character set": "bad class -- [], [^] or [",
}


class AwkExit(Exception):
    def __init__(self, status: int | None):
        self.status = status


class AwkError(Exception):
    """mawk stops with this message on stderr (already without the "awk: " prefix) and status 2."""


class NextRecord(Exception):
    pass


class NextFile(Exception):
    pass


class BreakLoop(Exception):
    pass


class ContinueLoop(Exception):
    pass


class ReturnValue(Exception):
    def __init__(self, value):
        self.value = value


class Interpreter:
    def __init__(self, ctx, program, prog: str, argv: list[str], assignments: list[tuple[str, str]], fs=None):
        self.ctx = ctx
        self.program = program
        self.prog = prog
        self.vars: dict = dict(SPECIAL_DEFAULTS)
        self.vars["ENVIRON"] = {key: strnum(value) for key, value in ctx.env.items()}
        self.vars["ARGV"] = {str(i): strnum(arg) for i, arg in enumerate(argv)}
        self.vars["ARGC"] = float(len(argv))
        if fs is not None:
            self.vars["FS"] = fs
        for name, value in assignments:
            self.vars[name] = strnum(value)
        self.frames: list[dict] = []
        self.record = ""
        self.fields: list[str] | None = []
        self.nf = 0
        self.regexes: dict[str, Regex] = {}
        self.budget = line_budget(ctx)
        self.argv_index = 1
        self.main_records: list[str] = []
        self.main_position = 0
        self.main_open = False
        self.used_file_operand = False
        self.read_files: dict[str, tuple[list[str], int]] = {}
        self.outputs: dict[str, list[str]] = {}
        self.range_active: dict[int, bool] = {}
        self.in_end = False
        self.phase = "begin"  # begin, main or end: next and nextfile belong to main
        self.exit_status = 0
        # mawk seeds rand() from the clock, as srand() does: here the machine's clock (a transcript replays)
        clock = getattr(ctx.machine, "now", None)
        self.seed = float(clock()) if callable(clock) else 0.0
        self.random = random.Random(self.seed)

    def check_literals(self, literals: list[tuple[str, str]]) -> None:
        """Compile every /regex/ of the program first: mawk rejects a bad one before running anything."""
        for pattern, where in literals:
            try:
                self.regex(pattern)
            except AwkError as error:
                raise AwkSyntaxError(f"{where}: " + str(error).removeprefix("run time error: ")) from None

    # running
    def run(self) -> int:
        try:
            try:
                for block in self.program.begin:
                    self.exec_block(block)
                if self.program.rules or self.program.end:
                    self.phase = "main"
                    self.main_loop()
            except AwkExit as stop:
                if stop.status is not None:
                    self.exit_status = stop.status
            if not self.in_end:
                self.in_end = True
                self.phase = "end"
                try:
                    for block in self.program.end:
                        self.exec_block(block)
                except AwkExit as stop:
                    if stop.status is not None:
                        self.exit_status = stop.status
        finally:
            self.flush_outputs()
        return self.exit_status

    def main_loop(self) -> None:
        rules = self.program.rules
        while self.next_main_record():
            try:
                for index, (pattern, pattern2, is_range, body) in enumerate(rules):
                    if self.rule_matches(index, pattern, pattern2, is_range):
                        if body is None:
                            self.print_record()
                        else:
                            self.exec_block(body)
            except NextRecord:
                continue
            except NextFile:
                self.main_position = len(self.main_records)

    def rule_matches(self, index: int, pattern, pattern2, is_range: bool) -> bool:
        if pattern is None:
            return True
        if not is_range:
            return truth(self.eval(pattern))
        if not self.range_active.get(index):
            if not truth(self.eval(pattern)):
                return False
            self.range_active[index] = True
        if truth(self.eval(pattern2)):
            self.range_active[index] = False
        return True

    def print_record(self) -> None:
        self.write(self.record + to_string(self.vars["ORS"]), None)

    # input
    def next_main_record(self) -> bool:
        while True:
            if self.main_open and self.main_position < len(self.main_records):
                self.set_record(self.main_records[self.main_position])
                self.main_position += 1
                self.vars["NR"] = to_number(self.vars["NR"]) + 1
                self.vars["FNR"] = to_number(self.vars["FNR"]) + 1
                self.ctx.tick()
                return True
            if not self.open_next_main():
                return False

    def open_next_main(self) -> bool:
        argc = to_int(to_number(self.vars["ARGC"]))
        argv = self.vars["ARGV"]
        while self.argv_index < argc:
            arg = to_string(argv.get(str(self.argv_index), ""))
            self.argv_index += 1
            if not arg:
                continue
            assignment = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", arg, re.S)
            if assignment:
                self.vars[assignment.group(1)] = strnum(unescape(assignment.group(2)))
                continue
            self.used_file_operand = True
            return self.open_main(arg)
        if not self.used_file_operand:
            self.used_file_operand = True
            return self.open_main("-")
        return False

    def open_main(self, name: str) -> bool:
        text = self.read_text(name)
        if text is None:
            raise AwkError(f"cannot open {name} (No such file or directory)")
        self.main_records = self.split_records(text)
        self.main_position = 0
        self.main_open = True
        self.vars["FILENAME"] = name
        self.vars["FNR"] = 0.0
        return True

    def read_text(self, name: str) -> str | None:
        if name in ("-", "/dev/stdin"):
            text, self.ctx.stdin = all_input(self.ctx), ""
            return text
        try:
            return self.ctx.machine.fs.read(name, self.ctx.cwd, self.ctx.uid)
        except FsError as error:
            if error.errno == "EISDIR":
                raise AwkError("read error (Is a directory)") from None
            if error.errno != "ENOENT":
                raise AwkError(f"cannot open {name} ({error.message})") from None
            return None

    def split_records(self, text: str) -> list[str]:
        rs = to_string(self.vars["RS"])
        if rs == "\n" or rs == "":
            if rs == "":
                text = text.lstrip("\n")
                records = re.split(r"\n\n+", text)
                if records and records[-1].endswith("\n"):
                    records[-1] = records[-1].rstrip("\n")
                return [r for r in records if r != ""] if text else []
            records = text.split("\n")
        elif len(rs) == 1:
            records = text.split(rs)
        else:
            records = regex_split(self.regex(rs), text) if text else [""]
        if records and records[-1] == "":
            records.pop()
        return records

    # records and fields
    def set_record(self, text: str) -> None:
        if len(text) > MAX_STRING:
            raise AwkError(f"program limit exceeded: record size={len(text)}")
        self.record = text
        self.fields = None

    def split_fields(self) -> None:
        if self.fields is None:
            self.fields = self.split_text(self.record, self.vars["FS"])
            self.nf = len(self.fields)

    def split_text(self, text: str, separator, paragraph: bool | None = None) -> list[str]:
        if paragraph is None:
            paragraph = to_string(self.vars["RS"]) == ""
        if isinstance(separator, tuple):  # a regex literal
            return regex_split(self.regex(separator[1]), text) if text else []
        fs = to_string(separator)
        if fs == " ":
            return re.split(r"[ \t\n]+", text.strip(" \t\n")) if text.strip(" \t\n") else []
        if text == "":
            return []
        if fs == "":
            return list(text)
        if paragraph:
            return regex_split(self.regex("\n|" + (re.escape(fs) if len(fs) == 1 else fs)), text)
        if len(fs) == 1 and fs != "\\":
            return text.split(fs)
        return regex_split(self.regex(fs), text)

    def get_field(self, index: int):
        if index == 0:
            return strnum(self.record)
        self.split_fields()
        return strnum(self.fields[index - 1] if index <= self.nf else "")

    def set_field(self, index: int, value) -> None:
        text = to_string(value, self.convfmt)
        if index == 0:
            self.set_record(text)
            return
        self.split_fields()
        if index > 32767:
            raise AwkError(f"run time error: $ index out of range ${index}")
        while len(self.fields) < index:
            self.fields.append("")
        self.fields[index - 1] = text
        self.nf = len(self.fields)
        self.rebuild()

    def set_nf(self, value) -> None:
        self.split_fields()
        count = to_int(to_number(value))
        if count < 0 or count > 32767:
            raise AwkError(f"run time error: NF set to negative value {count}")
        self.fields = (self.fields + [""] * count)[:count]
        self.nf = count
        self.rebuild()

    def rebuild(self) -> None:
        self.record = to_string(self.vars["OFS"]).join(self.fields)
        if len(self.record) > MAX_STRING:
            raise AwkError(f"program limit exceeded: record size={len(self.record)}")

    @property
    def convfmt(self) -> str:
        return to_string(self.vars["CONVFMT"])

    # output
    def write(self, text: str, redirect) -> None:
        if redirect is None:
            self.ctx.out(text)
            return
        how, target = redirect
        name = to_string(self.eval(target), self.convfmt)
        if how == "|":
            raise AwkError(self.refusal(name))
        if name in ("/dev/stdout", "-"):
            self.ctx.out(text)
            return
        if name == "/dev/stderr":
            self.ctx.err(text)
            return
        if name not in self.outputs:
            try:
                self.ctx.machine.fs.write(name, "", self.ctx.cwd, self.ctx.uid, append=how == ">>")
            except FsError as error:
                raise AwkError(f'cannot open "{name}" for output ({error.message})') from None
            self.outputs[name] = []
        self.outputs[name].append(text)

    def flush_outputs(self, only: str | None = None) -> None:
        for name in list(self.outputs):
            if only is not None and name != only:
                continue
            chunks = self.outputs.pop(name)
            if chunks:
                try:
                    self.ctx.machine.fs.write(name, "".join(chunks), self.ctx.cwd, self.ctx.uid, append=True)
                except FsError as error:
                    self.ctx.err(f"{self.prog}: write failure ({error.message})\n")

    def refusal(self, command: str) -> str:
        return f'cannot run "{command}": this simulated awk runs no programs (pipes and system() are refused)'

    # statements
    def exec_block(self, statements: list) -> None:
        for statement in statements:
            self.exec(statement)

    def exec(self, node: tuple) -> None:
        self.ctx.tick()  # every statement run counts, whatever loop or call runs it
        kind = node[0]
        if kind == "expr":
            self.eval(node[1])
        elif kind == "print":
            self.exec_print(node)
        elif kind == "printf":
            values = [self.eval(arg) for arg in node[1]]
            try:
                text = format_printf(self, "printf", values)
            except AwkError as error:
                self.write(getattr(error, "partial", ""), node[2])
                raise
            self.write(text, node[2])
        elif kind == "block":
            self.exec_block(node[1])
        elif kind == "if":
            if truth(self.eval(node[1])):
                self.exec(node[2])
            elif node[3] is not None:
                self.exec(node[3])
        elif kind == "while":
            while truth(self.eval(node[1])):
                self.ctx.tick()
                if self.loop_body(node[2]):
                    break
        elif kind == "do":
            while True:
                self.ctx.tick()
                if self.loop_body(node[1]) or not truth(self.eval(node[2])):
                    break
        elif kind == "for":
            self.exec_for(node)
        elif kind == "forin":
            self.exec_forin(node)
        elif kind == "next":
            if self.phase != "main":
                raise AwkError("run time error: improper use of next")
            raise NextRecord()
        elif kind == "nextfile":
            if self.phase != "main":
                raise AwkError("run time error: improper use of nextfile")
            raise NextFile()
        elif kind == "exit":
            raise AwkExit(None if node[1] is None else to_int(to_number(self.eval(node[1]))) & 255)
        elif kind == "return":
            raise ReturnValue(UNINIT if node[1] is None else self.eval(node[1]))
        elif kind == "break":
            raise BreakLoop()
        elif kind == "continue":
            raise ContinueLoop()
        elif kind == "delete":
            array = self.get_array(node[1])
            if node[2] is None:
                array.clear()
            else:
                array.pop(self.subscript(node[2]), None)

    def loop_body(self, body: tuple) -> bool:
        """Run one turn; True when the loop must stop (break)."""
        try:
            self.exec(body)
        except BreakLoop:
            return True
        except ContinueLoop:
            pass
        return False

    def exec_for(self, node: tuple) -> None:
        _, init, condition, step, body = node
        if init is not None:
            self.exec(init)
        while condition is None or truth(self.eval(condition)):
            self.ctx.tick()
            if self.loop_body(body):
                break
            if step is not None:
                self.exec(step)

    def exec_forin(self, node: tuple) -> None:
        _, var, name, body = node
        for key in list(self.get_array(name)):
            self.ctx.tick()
            self.assign(("var", var), strnum(key))
            if self.loop_body(body):
                break

    def exec_print(self, node: tuple) -> None:
        _, args, redirect = node
        if not args:
            text = self.record
        else:
            ofmt = to_string(self.vars["OFMT"])
            parts = []
            for arg in args:
                value = self.eval(arg)
                parts.append(format_number(value, ofmt) if isinstance(value, float) else str(value))
            text = to_string(self.vars["OFS"]).join(parts)
        self.write(text + to_string(self.vars["ORS"]), redirect)

    # variables
    def scope(self, name: str) -> dict:
        if self.frames and name in self.frames[-1]:
            return self.frames[-1]
        return self.vars

    def get_var(self, name: str):
        if name == "NF":
            self.split_fields()
            return float(self.nf)
        scope = self.scope(name)
        value = scope.get(name, UNINIT)
        if isinstance(value, LazyArray) and not value.used:
            return UNINIT
        if isinstance(value, dict):
            raise AwkError(f"run time error: can't use array {name} in scalar context")
        return value

    def get_array(self, name: str) -> dict:
        scope = self.scope(name)
        value = scope.get(name)
        if value is None or value is UNINIT:
            value = scope[name] = {}
        if isinstance(value, LazyArray):
            value.used = True
        if not isinstance(value, dict):
            raise AwkError(f"run time error: can't use scalar {name} as array")
        return value

    def subscript(self, expressions: list) -> str:
        convfmt = self.convfmt
        parts = []
        for expression in expressions:
            value = self.eval(expression)
            if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_INT:
                parts.append(str(int(value)))
            else:
                parts.append(to_string(value, convfmt))
        return to_string(self.vars["SUBSEP"]).join(parts)

    def assign(self, target: tuple, value):
        if isinstance(value, str) and len(value) > MAX_STRING:
            raise AwkError(f"program limit exceeded: string size={len(value)}")
        kind = target[0]
        if kind == "var":
            name = target[1]
            if name == "NF":
                self.set_nf(value)
                return value
            scope = self.scope(name)
            held = scope.get(name)
            if isinstance(held, dict) and not (isinstance(held, LazyArray) and not held.used):
                raise AwkError(f"run time error: can't assign to array {name}")
            scope[name] = value
        elif kind == "index":
            self.get_array(target[1])[self.subscript(target[2])] = value
        elif kind == "field":
            self.set_field(self.field_index(target[1]), value)
        return value

    def field_index(self, node: tuple) -> int:
        number = to_number(self.eval(node))
        index = to_int(number)
        if index < 0:
            raise AwkError(f"run time error: negative field index ${index}")
        return index

    def lvalue(self, target: tuple):
        kind = target[0]
        if kind == "var":
            return self.get_var(target[1])
        if kind == "index":
            array = self.get_array(target[1])
            key = self.subscript(target[2])
            if key not in array:
                array[key] = UNINIT
            return array[key]
        return self.get_field(self.field_index(target[1]))

    # regular expressions
    def regex(self, pattern: str) -> Regex:
        compiled = self.regexes.get(pattern)
        if compiled is None:
            try:
                python = "(?s)" + translate_regex(pattern, extended=True)
                compiled = Regex(python, longest=True, budget=self.budget)
            except re.error as error:
                reason = next((v for k, v in REGEX_REASONS.items() if k in str(error)), "bad class")
                raise AwkError(
                    f"run time error: regular expression compile failed ({reason})\n{pattern}"
                ) from None
            self.regexes[pattern] = compiled
        return compiled

    def regex_of(self, node: tuple) -> Regex:
        if node[0] == "regex":
            return self.regex(node[1])
        return self.regex(to_string(self.eval(node), self.convfmt))

    # expressions
    def eval(self, node: tuple):
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "str":
            return node[1]
        if kind == "var":
            return self.get_var(node[1])
        if kind == "field":
            return self.get_field(self.field_index(node[1]))
        if kind == "index":
            return self.lvalue(node)
        if kind == "group":
            return self.eval(node[1])
        if kind == "regex":
            return 1.0 if self.regex(node[1]).search(self.record) else 0.0
        if kind == "assign":
            return self.eval_assign(node)
        if kind == "concat":
            left = to_string(self.eval(node[1]), self.convfmt)
            right = to_string(self.eval(node[2]), self.convfmt)
            size = len(left) + len(right)
            if size > MAX_STRING:
                raise AwkError(f"program limit exceeded: string size={size}")
            self.ctx.tick(size >> 12)  # copying a long string is work too
            return left + right
        if kind == "arith":
            return arithmetic(node[1], to_number(self.eval(node[2])), to_number(self.eval(node[3])))
        if kind == "compare":
            return 1.0 if compare(self.eval(node[2]), self.eval(node[3]), node[1], self.convfmt) else 0.0
        if kind == "match":
            text = to_string(self.eval(node[2]), self.convfmt)
            found = self.regex_of(node[3]).search(text)
            return 1.0 if found != node[1] else 0.0
        if kind == "and":
            return 1.0 if truth(self.eval(node[1])) and truth(self.eval(node[2])) else 0.0
        if kind == "or":
            return 1.0 if truth(self.eval(node[1])) or truth(self.eval(node[2])) else 0.0
        if kind == "not":
            return 0.0 if truth(self.eval(node[1])) else 1.0
        if kind == "negate":
            return -to_number(self.eval(node[1]))
        if kind == "plus":
            return to_number(self.eval(node[1]))
        if kind == "cond":
            return self.eval(node[2]) if truth(self.eval(node[1])) else self.eval(node[3])
        if kind == "in":
            return 1.0 if self.subscript(node[1]) in self.get_array(node[2]) else 0.0
        if kind in ("preinc", "predec", "postinc", "postdec"):
            old = to_number(self.lvalue(node[1]))
            new = old + (1 if kind in ("preinc", "postinc") else -1)
            self.assign(node[1], new)
            return new if kind.startswith("pre") else old
        if kind == "call":
            return self.call(node[1], node[2])
        if kind == "builtin":
            from simulator.commands.awk.builtins import call_builtin

            return call_builtin(self, node[1], node[2])
        return self.getline(node)  # the last kind: getline

    def eval_assign(self, node: tuple):
        _, op, target, expression = node
        if op == "=":
            value = self.eval(expression)
            if isinstance(value, dict):
                raise AwkError("run time error: can't assign an array")
            return self.assign(target, value)
        right = to_number(self.eval(expression))
        left = to_number(self.lvalue(target))
        return self.assign(target, arithmetic(op[0], left, right))

    def call(self, name: str, args: list):
        params, body = self.program.functions[name]
        if len(args) > len(params):
            raise AwkError(f"run time error: too many arguments in call to {name}")
        if len(self.frames) >= MAX_CALL_DEPTH:
            raise AwkError("program limit exceeded: function call depth")
        frame: dict = {}
        lazy: list[tuple[dict, str, LazyArray]] = []
        for param, arg in zip(params, args, strict=False):
            if arg[0] == "var":
                scope = self.scope(arg[1])
                held = scope.get(arg[1], UNINIT)
                if held is UNINIT and arg[1] != "NF":
                    held = LazyArray()
                    lazy.append((scope, arg[1], held))
                frame[param] = held if isinstance(held, dict) else self.eval(arg)
            else:
                frame[param] = self.eval(arg)
        for param in params[len(args) :]:
            frame[param] = UNINIT
        self.ctx.tick()
        self.frames.append(frame)
        try:
            self.exec_block(body)
        except ReturnValue as result:
            return result.value
        finally:
            self.frames.pop()
            for scope, name, array in lazy:
                if array.used and scope.get(name, UNINIT) is UNINIT:
                    scope[name] = array
        return UNINIT

    def getline(self, node: tuple):
        _, how, target, source = node
        if how == "command":
            raise AwkError(self.refusal(to_string(self.eval(source), self.convfmt)))
        if how == "simple":
            if self.in_end and not self.main_open:
                return 0.0
            saved = (self.record, self.fields, self.nf)
            if not self.next_main_record():
                return 0.0
            if target is not None:
                text = self.record
                self.record, self.fields, self.nf = saved
                self.assign(target, strnum(text))
            return 1.0
        name = to_string(self.eval(source), self.convfmt)
        if name not in self.read_files:
            text = self.read_text(name)
            if text is None:
                return -1.0
            self.read_files[name] = (self.split_records(text), 0)
        records, position = self.read_files[name]
        if position >= len(records):
            return 0.0
        self.read_files[name] = (records, position + 1)
        self.ctx.tick()
        if target is None:
            self.set_record(records[position])
        else:
            self.assign(target, strnum(records[position]))
        return 1.0

    def close(self, name: str) -> float:
        found = name in self.outputs or name in self.read_files
        self.flush_outputs(only=name)
        self.read_files.pop(name, None)
        return 0.0 if found else -1.0


def arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return -math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b)
        return a / b
    if op == "%":
        if b == 0 or math.isinf(a):
            return -math.nan
        return math.fmod(a, b)
    try:
        result = math.pow(a, b)
    except OverflowError:
        return math.inf
    except ValueError:
        return -math.nan
    return result


def regex_split(regex: Regex, text: str) -> list[str]:
    """The pieces of text between the (non-empty) matches of regex, as awk's split() and FS cut."""
    pieces = []
    position = start = 0
    while position <= len(text):
        found = regex.search_from(text, position)
        if found is None:
            break
        begin, end = found.span()
        if end == begin:
            position = begin + 1
            continue
        pieces.append(text[start:begin])
        start = position = end
    pieces.append(text[start:])
    return pieces


class LazyArray(dict):
    """An unset variable passed to a function: it becomes the caller's array if the callee uses it so."""

    used = False
