"""The awk parser: tokens to a tree of tuples, by recursive descent over POSIX awk's grammar.

Expressions, lowest precedence first: assignment, ?:, ||, &&, in, ~ !~, comparisons, concatenation,
+ -, * / %, unary ! + -, ^ (right-associative), ++ --, $, grouping. Inside a print statement's
arguments a bare `>` redirects output rather than compares, as in every awk. Syntax errors read as
mawk's yacc parser reports them: "syntax error at or near X", "missing ) near X", "missing } near X".
"""

from __future__ import annotations

from simulator.commands.awk.lexer import AwkSyntaxError, Token

SPECIAL_SCALARS = "NR NF FNR FS OFS ORS RS FILENAME SUBSEP RSTART RLENGTH CONVFMT OFMT ARGC".split()
# how many arguments each built-in function takes (mawk checks them when it compiles)
ARITY = {
    "length": (0, 1),
    "substr": (2, 3),
    "index": (2, 2),
    "split": (2, 3),
    "sub": (2, 3),
    "gsub": (2, 3),
    "match": (2, 2),
    "sprintf": (1, 255),
    "tolower": (1, 1),
    "toupper": (1, 1),
    "int": (1, 1),
    "sqrt": (1, 1),
    "exp": (1, 1),
    "log": (1, 1),
    "sin": (1, 1),
    "cos": (1, 1),
    "atan2": (2, 2),
    "rand": (0, 0),
    "srand": (0, 1),
    "close": (1, 1),
    "system": (1, 1),
    "fflush": (0, 1),
}

ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "^="}
COMPARISONS = {"<", "<=", "!=", "==", ">", ">="}
# tokens that start the right operand of a concatenation ("a -1" subtracts, "a !b" is no awk)
CONCAT_START = {"NUMBER", "STRING", "ERE", "NAME", "FUNC_NAME", "BUILTIN", "$", "("}


class Program:
    def __init__(self):
        self.begin: list = []
        self.end: list = []
        self.rules: list = []  # (pattern, pattern2 or None, is_range, body or None)
        self.functions: dict[str, tuple[list[str], list]] = {}
        self.regex_literals: list[tuple[str, int]] = []


class Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0
        self.parens = 0
        self.braces = 0
        self.calls: list[tuple[str, int]] = []
        self.regex_literals: list[tuple[str, int]] = []
        self.uses: list[list] = []  # [node or name, "scalar"/"array", line]: how each global is used
        self.params: set[str] = set()  # the current function's parameters (local names)

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if self.pos < len(self.tokens) - 1:
            self.pos += 1
        return tok

    def error(self, tok: Token | None = None) -> AwkSyntaxError:
        tok = tok or self.tok
        if self.parens and tok.kind in ("EOF", "NEWLINE", ";", "}"):
            return AwkSyntaxError(f"{tok.where}: missing ) near {tok.text()}")
        if self.braces and tok.kind in ("EOF", "BEGIN", "END"):
            return AwkSyntaxError(f"{tok.where}: missing }} near {tok.text()}")
        return AwkSyntaxError(f"{tok.where}: syntax error at or near {tok.text()}")

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self.error()
        if kind == "(":
            self.parens += 1
        elif kind == ")":
            self.parens -= 1
        elif kind == "{":
            self.braces += 1
        elif kind == "}":
            self.braces -= 1
        return self.advance()

    def newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.advance()

    def terminators(self) -> None:
        while self.tok.kind in ("NEWLINE", ";"):
            self.advance()

    # program
    def program(self) -> Program:
        program = Program()
        self.terminators()
        while self.tok.kind != "EOF":
            kind = self.tok.kind
            if kind == "}":
                raise AwkSyntaxError(f"{self.tok.where}: extra '}}'")
            if kind in ("BEGIN", "END"):
                self.advance()
                self.newlines()
                if self.tok.kind != "{":
                    raise self.error()
                (program.begin if kind == "BEGIN" else program.end).append(self.block())
            elif kind == "function":
                self.function(program)
            else:
                pattern = pattern2 = None
                is_range = False
                if self.tok.kind != "{":
                    pattern = self.expression()
                    if self.tok.kind == ",":
                        self.advance()
                        self.newlines()
                        pattern2 = self.expression()
                        is_range = True
                body = self.block() if self.tok.kind == "{" else None
                program.rules.append((pattern, pattern2, is_range, body))
            if self.tok.kind not in ("NEWLINE", ";", "EOF"):
                if self.tokens[self.pos - 1].kind != "}":
                    raise self.error()
            self.terminators()
        for name, _ in self.calls:
            if name not in program.functions:
                raise AwkSyntaxError(f"{self.tok.where}: function {name} never defined")
        return program

    def function(self, program: Program) -> None:
        self.advance()
        name_tok = self.advance()
        if name_tok.kind not in ("NAME", "FUNC_NAME"):
            raise self.error(name_tok)
        self.expect("(")
        params = []
        while self.tok.kind != ")":
            if self.tok.kind != "NAME":
                raise self.error()
            params.append(self.advance().value)
            if self.tok.kind == ",":
                self.advance()
                self.newlines()
            elif self.tok.kind != ")":
                raise self.error()
        self.expect(")")
        self.newlines()
        self.params = set(params)
        if name_tok.value in program.functions:
            raise AwkSyntaxError(f"{name_tok.where}: redefinition of {name_tok.value}")
        program.functions[name_tok.value] = (params, self.block())
        self.params = set()

    def block(self) -> list:
        self.expect("{")
        statements = []
        self.terminators()
        while self.tok.kind != "}":
            if self.tok.kind == "EOF":
                raise self.error()
            statements.append(self.statement())
            self.terminators()
        self.expect("}")
        return statements

    # statements
    def simple_end(self) -> None:
        """A simple statement ends at ; newline or before } (and at the end of the program)."""
        if self.tok.kind in (";", "NEWLINE"):
            self.advance()
        elif self.tok.kind not in ("}", "EOF"):
            raise self.error()

    def body(self) -> tuple:
        """The statement an if, while or for controls (a lone ; is an empty one)."""
        self.newlines()
        if self.tok.kind == ";":
            self.advance()
            return ("block", [])
        if self.tok.kind == "}":  # mawk takes `if (x) }` as an empty statement
            return ("block", [])
        return self.statement()

    def statement(self) -> tuple:
        kind = self.tok.kind
        if kind == "{":
            return ("block", self.block())
        if kind == "if":
            self.advance()
            self.expect("(")
            condition = self.expression()
            self.expect(")")
            then = self.body()
            save = self.pos
            self.terminators()
            if self.tok.kind == "else":
                self.advance()
                return ("if", condition, then, self.body())
            self.pos = save
            return ("if", condition, then, None)
        if kind == "while":
            self.advance()
            self.expect("(")
            condition = self.expression()
            self.expect(")")
            if self.tok.kind == ";":
                self.advance()
                return ("while", condition, ("block", []))
            return ("while", condition, self.body())
        if kind == "do":
            self.advance()
            body = self.body()
            self.terminators()
            if self.tok.kind != "while":
                raise self.error()
            self.advance()
            self.expect("(")
            condition = self.expression()
            self.expect(")")
            self.simple_end()
            return ("do", body, condition)
        if kind == "for":
            return self.for_statement()
        if kind == ";":
            self.advance()
            return ("block", [])
        statement = self.simple_statement()
        self.simple_end()
        return statement

    def for_statement(self) -> tuple:
        self.advance()
        self.expect("(")
        if self.tok.kind == "NAME" and self.peek().kind == "in" and self.peek(2).kind == "NAME":
            after = self.peek(3).kind
            if after == ")":
                var_tok = self.advance()
                self.advance()
                array_tok = self.advance()
                var, array = var_tok.value, array_tok.value
                self.use(var, "scalar", var_tok.where)
                self.use(array, "array", array_tok.where)
                self.expect(")")
                return ("forin", var, array, self.body())
        init = None if self.tok.kind == ";" else self.simple_statement()
        self.expect(";")
        self.newlines()
        condition = None if self.tok.kind == ";" else self.expression()
        self.expect(";")
        self.newlines()
        step = None if self.tok.kind == ")" else self.simple_statement()
        self.expect(")")
        if self.tok.kind == ";":
            self.advance()
            return ("for", init, condition, step, ("block", []))
        return ("for", init, condition, step, self.body())

    def simple_statement(self) -> tuple:
        kind = self.tok.kind
        if kind in ("print", "printf"):
            return self.print_statement()
        if kind in ("next", "nextfile", "break", "continue"):
            self.advance()
            return (kind,)
        if kind in ("exit", "return"):
            self.advance()
            value = None if self.tok.kind in (";", "NEWLINE", "}", "EOF") else self.expression()
            return (kind, value)
        if kind == "delete":
            self.advance()
            if self.tok.kind != "NAME":
                raise self.error()
            name_tok = self.advance()
            name = name_tok.value
            self.use(name, "array", name_tok.where)
            if self.tok.kind == "[":
                self.advance()
                subscripts = self.expression_list("]")
                self.expect("]")
                return ("delete", name, subscripts)
            return ("delete", name, None)
        return ("expr", self.expression())

    def print_statement(self) -> tuple:
        kind = self.advance().kind
        args: list = []
        if self.tok.kind not in (";", "NEWLINE", "}", ">", ">>", "|", "EOF"):
            if self.tok.kind == "(":
                # print (a, b) > "f": a parenthesized list is the argument list
                save, parens = self.pos, self.parens
                self.expect("(")
                grouped = self.expression_list(")")
                self.expect(")")
                if self.tok.kind in (";", "NEWLINE", "}", ">", ">>", "|", "EOF"):
                    args = grouped
                else:
                    self.pos, self.parens = save, parens
                    args = self.expression_list(None, no_gt=True)
            else:
                args = self.expression_list(None, no_gt=True)
        redirect = None
        if self.tok.kind in (">", ">>", "|"):
            how = self.advance().kind
            redirect = (how, self.concatenation(no_gt=True))
        if kind == "printf" and not args:
            raise self.error()
        return (kind, args, redirect)

    def expression_list(self, closer: str | None, no_gt: bool = False) -> list:
        items = [self.expression(no_gt)]
        while self.tok.kind == ",":
            self.advance()
            self.newlines()
            items.append(self.expression(no_gt))
        return items

    # expressions
    def expression(self, no_gt: bool = False) -> tuple:
        left = self.ternary(no_gt)
        if self.tok.kind in ASSIGN_OPS and is_lvalue(left):
            op = self.advance().kind
            self.newlines()
            return ("assign", op, left, self.expression(no_gt))
        return left

    def ternary(self, no_gt: bool) -> tuple:
        condition = self.logical_or(no_gt)
        if self.tok.kind != "?":
            return condition
        self.advance()
        self.newlines()
        yes = self.expression(no_gt)
        self.newlines()
        if self.tok.kind != ":":
            raise self.error()
        self.advance()
        self.newlines()
        return ("cond", condition, yes, self.expression(no_gt))

    def logical_or(self, no_gt: bool) -> tuple:
        left = self.logical_and(no_gt)
        while self.tok.kind == "||":
            self.advance()
            self.newlines()
            left = ("or", left, self.logical_and(no_gt))
        return left

    def logical_and(self, no_gt: bool) -> tuple:
        left = self.membership(no_gt)
        while self.tok.kind == "&&":
            self.advance()
            self.newlines()
            left = ("and", left, self.membership(no_gt))
        return left

    def membership(self, no_gt: bool) -> tuple:
        left = self.matching(no_gt)
        while self.tok.kind == "in":
            self.advance()
            if self.tok.kind != "NAME":
                raise self.error()
            name_tok = self.advance()
            self.use(name_tok.value, "array", name_tok.where)
            left = ("in", [left], name_tok.value)
        return left

    def matching(self, no_gt: bool) -> tuple:
        left = self.comparison(no_gt)
        while self.tok.kind in ("~", "!~"):
            negate = self.advance().kind == "!~"
            where = self.tok.where
            right = self.comparison(no_gt)
            if right[0] == "str":  # a constant dynamic regex is compiled with the program
                self.regex_literals.append((right[1], where))
            left = ("match", negate, left, right)
        return left

    def comparison(self, no_gt: bool) -> tuple:
        left = self.concatenation(no_gt)
        if self.tok.kind in COMPARISONS and not (no_gt and self.tok.kind == ">"):
            op = self.advance().kind
            left = ("compare", op, left, self.concatenation(no_gt))
        return left

    def concatenation(self, no_gt: bool = False) -> tuple:
        left = self.additive()
        while True:
            kind = self.tok.kind
            if kind == "|" and self.peek().kind == "getline":
                self.advance()
                self.advance()
                target = self.optional_lvalue()
                left = ("getline", "command", target, left)
                continue
            if kind in CONCAT_START:
                left = ("concat", left, self.additive())
                continue
            return left

    def additive(self) -> tuple:
        left = self.multiplicative()
        while self.tok.kind in ("+", "-"):
            op = self.advance().kind
            left = ("arith", op, left, self.multiplicative())
        return left

    def multiplicative(self) -> tuple:
        left = self.unary()
        while self.tok.kind in ("*", "/", "%"):
            op = self.advance().kind
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> tuple:
        kind = self.tok.kind
        if kind == "!":
            self.advance()
            return ("not", self.unary())
        if kind in ("-", "+"):
            self.advance()
            return ("negate" if kind == "-" else "plus", self.unary())
        return self.power()

    def power(self) -> tuple:
        base = self.postfix()
        if self.tok.kind == "^":
            self.advance()
            # right-associative, and the exponent may carry its own sign: 2^-1
            if self.tok.kind in ("-", "+", "!"):
                return ("arith", "^", base, self.unary())
            return ("arith", "^", base, self.power())
        return base

    def postfix(self) -> tuple:
        if self.tok.kind in ("++", "--"):
            op = self.advance().kind
            target = self.postfix()
            if not is_lvalue(target):
                raise self.error()
            return ("preinc" if op == "++" else "predec", target)
        value = self.primary()
        if self.tok.kind in ("++", "--") and is_lvalue(value):
            op = self.advance().kind
            return ("postinc" if op == "++" else "postdec", value)
        return value

    def primary(self) -> tuple:
        tok = self.tok
        kind = tok.kind
        if kind == "NUMBER":
            self.advance()
            return ("num", tok.value[0])
        if kind == "STRING":
            self.advance()
            return ("str", tok.value)
        if kind == "ERE":
            self.advance()
            self.regex_literals.append((tok.value, tok.where))
            return ("regex", tok.value)
        if kind == "$":
            self.advance()
            if self.tok.kind in ("++", "--"):
                return ("field", self.postfix())
            return ("field", self.primary_for_field())
        if kind == "(":
            self.expect("(")
            self.newlines()
            first = self.expression()
            if self.tok.kind == ",":
                items = [first]
                while self.tok.kind == ",":
                    self.advance()
                    self.newlines()
                    items.append(self.expression())
                self.expect(")")
                if self.tok.kind != "in":
                    raise self.error()
                self.advance()
                if self.tok.kind != "NAME":
                    raise self.error()
                name_tok = self.advance()
                self.use(name_tok.value, "array", name_tok.where)
                return ("in", items, name_tok.value)
            self.newlines()
            self.expect(")")
            return ("group", first)
        if kind == "NAME":
            self.advance()
            if self.tok.kind == "[":
                self.use(tok.value, "array", tok.where)
                self.advance()
                subscripts = self.expression_list("]")
                self.expect("]")
                return ("index", tok.value, subscripts)
            node = ("var", tok.value)
            self.use(node, "scalar", tok.where)
            return node
        if kind == "FUNC_NAME":
            self.advance()
            self.expect("(")
            args = [] if self.tok.kind == ")" else self.expression_list(")")
            self.expect(")")
            self.untyped(args)  # a bare name passed to a function may be an array
            self.calls.append((tok.value, tok.where))
            return ("call", tok.value, args)
        if kind == "BUILTIN":
            self.advance()
            if self.tok.kind == "(":
                self.expect("(")
                args = [] if self.tok.kind == ")" else self.expression_list(")")
                self.expect(")")
                low, high = ARITY[tok.value]
                if tok.value == "split" and len(args) < low:
                    raise self.error(self.tokens[self.pos - 1])
                if not low <= len(args) <= high:
                    raise AwkSyntaxError(f"{tok.where}: wrong number of arguments in call to {tok.value}")
                if tok.value == "length":
                    self.untyped(args)
                elif tok.value == "split" and len(args) > 1:
                    self.retype(args[1], "array")
            elif tok.value == "length":
                args = []
            else:
                raise self.error()
            return ("builtin", tok.value, args)
        if kind == "getline":
            self.advance()
            target = self.optional_lvalue()
            if self.tok.kind == "<":
                self.advance()
                return ("getline", "file", target, self.primary_for_field())
            return ("getline", "simple", target, None)
        if kind in ("-", "+", "!"):
            return self.unary()
        raise self.error()

    def primary_for_field(self) -> tuple:
        """What follows $ (or getline <): a primary, with ++/-- but no binary operator."""
        if self.tok.kind in ("-", "+", "!"):
            op = self.advance().kind
            operand = self.primary_for_field()
            return {"-": ("negate", operand), "+": ("plus", operand), "!": ("not", operand)}[op]
        return self.primary()

    def optional_lvalue(self) -> tuple | None:
        if self.tok.kind == "$":
            self.advance()
            return ("field", self.primary_for_field())
        if self.tok.kind == "NAME":
            name = self.advance().value
            if self.tok.kind == "[":
                self.advance()
                subscripts = self.expression_list("]")
                self.expect("]")
                return ("index", name, subscripts)
            return ("var", name)
        return None

    def use(self, what, kind: str, where: str) -> None:
        name = what if isinstance(what, str) else what[1]
        if name not in self.params:
            self.uses.append([what, kind, where])

    def untyped(self, args: list) -> None:
        self.uses = [use for use in self.uses if not any(use[0] is arg for arg in args)]

    def retype(self, node: tuple, kind: str) -> None:
        for use in self.uses:
            if use[0] is node:
                use[1] = kind

    def check_types(self) -> None:
        """mawk's compile-time check: a name is a scalar or an array, whichever it was first."""
        types = {"ENVIRON": "array", "ARGV": "array"} | dict.fromkeys(SPECIAL_SCALARS, "scalar")
        for what, kind, where in self.uses:
            name = what if isinstance(what, str) else what[1]
            known = types.setdefault(name, kind)
            if known != kind:
                shown = "array" if known == "array" else "variable"
                raise AwkSyntaxError(f"{where}: illegal reference to {shown} {name}")


def is_lvalue(node: tuple) -> bool:
    return node[0] in ("var", "index", "field")


def parse(tokens: list[Token]) -> Program:
    parser = Parser(tokens)
    program = parser.program()
    parser.check_types()
    program.regex_literals = parser.regex_literals
    return program
