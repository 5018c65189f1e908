"""Shell arithmetic as bash 5.2 evaluates it (expr.c): 64-bit integers that wrap, C's operators and
precedence, assignments, ++ and --, bases (0x1f, 017, 2#101), variables whose values are themselves
expressions, array elements, and bash's error messages ("division by 0 (error token is "0")")."""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"\s*(?:(\d+#[0-9A-Za-z@_]+|0[xX][0-9A-Fa-f]*|\d+)|([A-Za-z_][A-Za-z0-9_]*)|"
    r"(\*\*=|<<=|>>=|\+\+|--|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&^|]=|[-+*/%<>&^|!~?:=,()\[\]]))"
)
BINARY = [  # lowest precedence first
    {"||"},
    {"&&"},
    {"|"},
    {"^"},
    {"&"},
    {"==", "!="},
    {"<", ">", "<=", ">="},
    {"<<", ">>"},
    {"+", "-"},
    {"*", "/", "%"},
]
ASSIGNMENTS = {"=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|="}
MAX_RECURSION = 64


class ArithmeticError_(ValueError):
    """bash's message, without the expression that bash prints in front of it."""


def wrap(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _number(text: str) -> int:
    if "#" in text:
        base_text, digits = text.split("#", 1)
        base = int(base_text)
        if not 2 <= base <= 64:
            raise ArithmeticError_(f'invalid arithmetic base (error token is "{text}")')
        value = 0
        for c in digits:
            if c.isdigit():
                digit = int(c)
            elif c.islower():
                digit = ord(c) - ord("a") + 10
            elif c.isupper():
                digit = ord(c) - ord("A") + (36 if base > 36 else 10)
            else:
                digit = 62 if c == "@" else 63
            if digit >= base:
                raise ArithmeticError_(f'value too great for base (error token is "{text}")')
            value = value * base + digit
        return wrap(value)
    if text[:2] in ("0x", "0X"):
        if len(text) == 2:
            raise ArithmeticError_(f'invalid number (error token is "{text}")')
        return wrap(int(text[2:], 16))
    if len(text) > 1 and text[0] == "0":
        if not set(text) <= set("01234567"):
            raise ArithmeticError_(f'value too great for base (error token is "{text}")')
        return wrap(int(text, 8))
    return wrap(int(text))


class Arithmetic:
    """Evaluate one expression; `variables` reads and writes the shell's variables:
    get(name, index) -> str | None, set(name, index, value: str)."""

    def __init__(self, text: str, variables, depth: int = 0):
        self.text = text
        self.variables = variables
        self.depth = depth
        self.tokens: list[str] = []
        self.kinds: list[str] = []
        self.starts: list[int] = []  # where each token starts: bash's error token is the text from there
        position = 0
        while position < len(text):
            match = TOKEN.match(text, position)
            if not match or match.end() == position:
                rest = text[position:].strip()
                if not rest:
                    break
                raise ArithmeticError_(f'syntax error: invalid arithmetic operator (error token is "{rest}")')
            number, name, op = match.groups()
            self.starts.append(match.start(match.lastindex))
            self.tokens.append(number or name or op)
            self.kinds.append("number" if number else "name" if name else "op")
            position = match.end()
        self.pos = 0

    def evaluate(self) -> int:
        if not self.tokens:
            return 0
        tree = self.comma()
        if self.pos < len(self.tokens):
            raise ArithmeticError_(f'syntax error in expression (error token is "{self.rest()}")')
        return self.run(tree)

    def rest(self) -> str:
        """The error token: the text from the current token on (from the last one read, at the end)."""
        index = self.pos if self.pos < len(self.tokens) else len(self.tokens) - 1
        return self.text[self.starts[index] :] if self.starts else ""

    def last_read(self) -> int:
        return self.starts[self.pos - 1] if self.pos else 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise ArithmeticError_('syntax error: operand expected (error token is "")')
        self.pos += 1
        return self.tokens[self.pos - 1]

    # Parsing: a tuple tree, so that && || ?: evaluate only what they must.

    def comma(self):
        tree = self.assignment()
        while self.peek() == ",":
            self.take()
            tree = (",", tree, self.assignment())
        return tree

    def assignment(self):
        start = self.pos
        if self.pos < len(self.tokens) and self.kinds[self.pos] == "name":
            target = self.lvalue()
            if self.peek() in ASSIGNMENTS:
                op = self.take()
                return ("assign", op, target, self.assignment())
            self.pos = start
        return self.conditional()

    def lvalue(self):
        name = self.take()
        if self.peek() == "[":
            self.take()
            index = self.comma()
            if self.take() != "]":
                raise ArithmeticError_(
                    f'syntax error: invalid arithmetic operator (error token is "{self.rest()}")'
                )
            return ("var", name, index)
        return ("var", name, None)

    def conditional(self):
        tree = self.binary(0)
        if self.peek() == "?":
            self.take()
            then = self.comma()
            if self.peek() != ":":
                raise ArithmeticError_(
                    f'`:\' expected for conditional expression (error token is "{self.rest()}")'
                )
            self.take()
            return ("?", tree, then, self.conditional())
        return tree

    def binary(self, level: int):
        if level == len(BINARY):
            return self.power()
        tree = self.binary(level + 1)
        while self.peek() in BINARY[level] and self.kinds[self.pos] == "op":
            op = self.take()
            right = self.binary(level + 1)
            tree = (op, tree, right, self.last_read())
        return tree

    def power(self):
        base = self.unary()
        if self.peek() == "**":
            self.take()
            exponent = self.power()
            return ("**", base, exponent, self.last_read())
        return base

    def unary(self):
        if self.pos >= len(self.tokens):
            raise ArithmeticError_(f'syntax error: operand expected (error token is "{self.rest()}")')
        token = self.peek()
        if self.kinds[self.pos] == "op":
            if token in ("-", "+", "!", "~"):
                self.take()
                return ("unary", token, self.unary())
            if token in ("++", "--"):
                self.take()
                if self.pos >= len(self.tokens) or self.kinds[self.pos] != "name":
                    raise ArithmeticError_(f'syntax error: operand expected (error token is "{self.rest()}")')
                return ("pre", token, self.lvalue())
            if token == "(":
                self.take()
                tree = self.comma()
                if self.peek() != ")":
                    raise ArithmeticError_(f'missing `)\' (error token is "{self.rest()}")')
                self.take()
                return tree
            raise ArithmeticError_(f'syntax error: operand expected (error token is "{self.rest()}")')
        if self.kinds[self.pos] == "number":
            return ("number", _number(self.take()))
        target = self.lvalue()
        if self.peek() in ("++", "--"):
            return ("post", self.take(), target)
        return target

    # Evaluation

    def run(self, tree) -> int:
        kind = tree[0]
        if kind == "number":
            return tree[1]
        if kind == "var":
            return self.read(tree)
        if kind == "unary":
            value = self.run(tree[2])
            return {"-": wrap(-value), "+": value, "!": int(not value), "~": wrap(~value)}[tree[1]]
        if kind in ("pre", "post"):
            old = self.read(tree[2])
            new = wrap(old + (1 if tree[1] == "++" else -1))
            self.write(tree[2], new)
            return new if kind == "pre" else old
        if kind == "assign":
            value = self.run(tree[3])
            if tree[1] != "=":
                value = self.apply(tree[1][:-1], self.read(tree[2]), value, len(self.text))
            self.write(tree[2], value)
            return value
        if kind == ",":
            self.run(tree[1])
            return self.run(tree[2])
        if kind == "?":
            return self.run(tree[2]) if self.run(tree[1]) else self.run(tree[3])
        if kind == "&&":
            return int(bool(self.run(tree[1])) and bool(self.run(tree[2])))
        if kind == "||":
            return int(bool(self.run(tree[1])) or bool(self.run(tree[2])))
        return self.apply(kind, self.run(tree[1]), self.run(tree[2]), tree[3])

    def apply(self, op: str, left: int, right: int, at: int) -> int:
        if op in ("/", "%"):
            if right == 0:
                raise ArithmeticError_(f'division by 0 (error token is "{self.text[at:]}")')
            quotient = abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1)
            return wrap(quotient if op == "/" else left - quotient * right)
        if op == "**":
            if right < 0:
                raise ArithmeticError_(f'exponent less than 0 (error token is "{self.text[at:]}")')
            return wrap(pow(left, right, 1 << 64))
        if op in ("<<", ">>"):
            return wrap(left << (right & 63)) if op == "<<" else left >> (right & 63)
        return {
            "+": lambda: wrap(left + right),
            "-": lambda: wrap(left - right),
            "*": lambda: wrap(left * right),
            "&": lambda: left & right,
            "|": lambda: left | right,
            "^": lambda: left ^ right,
            "==": lambda: int(left == right),
            "!=": lambda: int(left != right),
            "<": lambda: int(left < right),
            ">": lambda: int(left > right),
            "<=": lambda: int(left <= right),
            ">=": lambda: int(left >= right),
        }[op]()

    def index(self, target) -> str | None:
        return None if target[2] is None else str(self.run(target[2]))

    def read(self, target) -> int:
        value = self.variables.get(target[1], self.index(target))
        value = (value or "").strip()
        if not value:
            return 0
        if re.fullmatch(r"-?\d+", value):
            return wrap(int(value))
        if self.depth >= MAX_RECURSION:
            raise ArithmeticError_(f'expression recursion level exceeded (error token is "{value}")')
        return Arithmetic(value, self.variables, self.depth + 1).evaluate()

    def write(self, target, value: int) -> None:
        self.variables.set(target[1], self.index(target), str(value))
