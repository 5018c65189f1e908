"""Tokens to the command tree, by recursive descent over bash's grammar (parse.y):

  list      := and_or ((; | & | newline) and_or)*
  and_or    := pipeline ((&& | ||) newline* pipeline)*
  pipeline  := [time [-p]] [!] command ((| | |&) newline* command)*
  command   := simple | compound redirection* | function definition
  compound  := { list } | ( list ) | (( arith )) | [[ cond ]] | if | while | until | for | case

Reserved words count only where a command starts, as in bash (`echo fi` prints fi). When the input ends
inside a construct, the parser raises Incomplete: the interactive shell then prompts `> ` for more.
"""

from __future__ import annotations

import re

from simulator.bash import nodes
from simulator.bash.errors import Incomplete, ShellSyntaxError
from simulator.bash.lexer import IDENTIFIER, REDIRECTIONS, HereDoc, Lexer, Token

ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
RESERVED = {"if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while", "until", "for"}
RESERVED |= {"in", "function", "select", "time", "{", "}", "!", "[[", "]]"}
CLOSERS = {"then", "elif", "else", "fi", "do", "done", "esac", "}"}
CASE_ENDS = {";;", ";&", ";;&"}
COND_UNARY = set("abcdefghkprstuwxGLNOSznov") | {"R"}
COND_BINARY = {"=", "==", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"}
MAX_PIPELINE = 32
MAX_NESTING = 64


def parse(source: str) -> nodes.Sequence:
    """The whole input as one list of commands; ShellSyntaxError (or Incomplete) when bash would refuse."""
    return Parser(source).program()


class Parser:
    def __init__(self, source: str):
        self.lexer = Lexer(source)
        self.source = source
        self.token: Token | None = None
        self.last_end = 0
        self.depth = 0

    def peek(self) -> Token:
        if self.token is None:
            self.token = self.lexer.next()
        return self.token

    def take(self) -> Token:
        token = self.peek()
        self.token = None
        self.last_end = token.end
        return token

    def is_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text in ops

    def is_word(self, *words: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text in words

    def unexpected(self, token: Token | None = None) -> ShellSyntaxError:
        token = token or self.peek()
        if token.kind == "eof":
            return Incomplete("syntax error: unexpected end of file")
        text = "newline" if token.text == "\n" else token.text
        return ShellSyntaxError(f"syntax error near unexpected token `{text}'")

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            raise self.unexpected()
        self.take()

    def skip_newlines(self) -> None:
        while self.is_op("\n"):
            self.take()

    def program(self) -> nodes.Sequence:
        sequence = self.sequence(stop=set(), top=True)
        if self.lexer.heredocs:
            wanted = self.lexer.heredocs[0].delimiter
            raise Incomplete(f"here-document delimited by end-of-file (wanted `{wanted}')")
        return sequence

    def sequence(self, stop: set[str], top: bool = False, parens: bool = False) -> nodes.Sequence:
        """A list up to EOF, a reserved word in `stop`, `)` (when `parens`) or a case terminator."""
        items: list[nodes.AndOr] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token.kind == "eof":
                if top:
                    return nodes.Sequence(items)
                raise self.unexpected()
            if token.kind == "word" and token.text in stop:
                break
            if token.kind == "op" and (
                token.text == ")" and parens or token.text in CASE_ENDS and "esac" in stop
            ):
                break
            items.append(self.and_or())
            if self.is_op(";", "&", "\n"):
                self.take()
            elif not (self.peek().kind == "eof" or self.is_op(")") or self.is_op(*CASE_ENDS)):
                if not (self.peek().kind == "word" and self.peek().text in stop):
                    raise self.unexpected()
        if not items:
            raise self.unexpected()
        return nodes.Sequence(items)

    def and_or(self) -> nodes.AndOr:
        items = [(";", self.pipeline())]
        while self.is_op("&&", "||"):
            connector = self.take().text
            self.skip_newlines()
            items.append((connector, self.pipeline()))
        return nodes.AndOr(items)

    def pipeline(self) -> nodes.Pipeline:
        pipeline = nodes.Pipeline([])
        if self.is_word("time"):
            self.take()
            pipeline.timed = "time"
            if self.is_word("-p"):
                self.take()
                pipeline.timed = "time -p"
        while self.is_word("!"):
            self.take()
            pipeline.negate = not pipeline.negate
        pipeline.commands.append(self.command())
        while self.is_op("|", "|&"):
            if len(pipeline.commands) >= MAX_PIPELINE:
                raise ShellSyntaxError(f"pipeline too long (max {MAX_PIPELINE} commands)")
            if self.take().text == "|&":
                pipeline.commands[-1].redirects.append(nodes.Redirect(2, ">&", "1"))
            self.skip_newlines()
            pipeline.commands.append(self.command())
        return pipeline

    def command(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ShellSyntaxError("expression nested too deeply")
        try:
            node = self._command()
        finally:
            self.depth -= 1
        if not isinstance(node, nodes.Simple | nodes.FunctionDef):
            self.redirections(node.redirects)
        return node

    def _command(self):
        token = self.peek()
        if token.kind == "op" and token.text == "(":
            if self.source.startswith("((", token.start):
                self.take()
                self.lexer.pos = token.start + 2
                return nodes.Arith(self.lexer.read_until_double_paren())
            self.take()
            body = self.sequence(stop=set(), parens=True)
            if not self.is_op(")"):
                raise self.unexpected()
            self.take()
            return nodes.Subshell(body)
        if token.kind == "word":
            compound = COMPOUND_PARSERS.get(token.text)
            if compound is not None:
                self.take()
                return compound(self)
            if token.text in CLOSERS or token.text in ("in", "]]"):
                raise self.unexpected()
        return self.simple()

    def simple(self):
        command = nodes.Simple()
        while True:
            token = self.peek()
            if token.kind == "word":
                self.take()
                if not command.words and ASSIGNMENT.match(token.text):
                    command.assignments.append(token.text)
                    continue
                if not command.words and not command.assignments and self.is_op("("):
                    return self.function_rest(token.text)
                command.words.append(token.text)
            elif token.kind == "io" or (token.kind == "op" and token.text in REDIRECTIONS):
                command.redirects.append(self.redirection())
            else:
                break
        if not (command.words or command.assignments or command.redirects):
            raise self.unexpected()
        return command

    def redirections(self, redirects: list) -> None:
        while self.peek().kind == "io" or self.is_op(*REDIRECTIONS):
            redirects.append(self.redirection())

    def redirection(self) -> nodes.Redirect:
        fd = None
        if self.peek().kind == "io":
            fd = int(self.take().text)
        op = self.take().text
        target = self.peek()
        if target.kind != "word":
            if target.kind == "eof":
                raise ShellSyntaxError("syntax error near unexpected token `newline'")
            raise self.unexpected()
        self.take()
        redirect = nodes.Redirect(fd, op, target.text)
        if op in ("<<", "<<-"):
            quoted = any(c in target.text for c in "'\"\\")
            delimiter = re.sub(
                r"\\(.)|'([^']*)'|\"([^\"]*)\"", lambda m: "".join(g or "" for g in m.groups()), target.text
            )
            redirect.heredoc = HereDoc(delimiter, op == "<<-")
            redirect.target = "'" if quoted else ""  # a quoted delimiter: the body is not expanded
            self.lexer.heredocs.append(redirect.heredoc)
        return redirect

    def function_rest(self, name: str) -> nodes.FunctionDef:
        self.take()  # (
        if not self.is_op(")"):
            token = self.peek()
            raise ShellSyntaxError(
                f"syntax error near unexpected token `{token.text if token.text.strip() else 'newline'}'"
            )
        self.take()
        return self.function_body(name)

    def function_body(self, name: str) -> nodes.FunctionDef:
        self.skip_newlines()
        token = self.peek()
        start = token.start
        if not (
            token.kind == "op"
            and token.text == "("
            or token.kind == "word"
            and token.text in COMPOUND_PARSERS
        ):
            raise self.unexpected()
        body = self.command()
        return nodes.FunctionDef(name, self.source[start : self.last_end], body)


def _function(parser: Parser) -> nodes.FunctionDef:
    token = parser.take()
    if token.kind != "word":
        raise parser.unexpected(token)
    if parser.is_op("("):
        return parser.function_rest(token.text)
    return parser.function_body(token.text)


def _group(parser: Parser) -> nodes.Group:
    body = parser.sequence(stop={"}"})
    parser.expect_word("}")
    return nodes.Group(body)


def _if(parser: Parser) -> nodes.If:
    node = nodes.If([])
    while True:
        condition = parser.sequence(stop={"then"})
        parser.expect_word("then")
        node.clauses.append((condition, parser.sequence(stop={"elif", "else", "fi"})))
        keyword = parser.take()
        if keyword.text == "fi":
            return node
        if keyword.text == "else":
            node.otherwise = parser.sequence(stop={"fi"})
            parser.expect_word("fi")
            return node


def _loop(until: bool):
    def parse_loop(parser: Parser) -> nodes.Loop:
        condition = parser.sequence(stop={"do"})
        return nodes.Loop(condition, _do_done(parser), until)

    return parse_loop


def _do_done(parser: Parser) -> nodes.Sequence:
    parser.expect_word("do")
    body = parser.sequence(stop={"done"})
    parser.expect_word("done")
    return body


def _for(parser: Parser):
    rest = parser.source[parser.lexer.pos :]
    if rest.lstrip(" \t").startswith("(("):
        parser.lexer.pos += len(rest) - len(rest.lstrip(" \t")) + 2
        parts = _split_arith(parser.lexer.read_until_double_paren())
        if len(parts) != 3:
            raise ShellSyntaxError("syntax error: `;' unexpected")
        if parser.is_op(";"):
            parser.take()
        parser.skip_newlines()
        return nodes.ArithFor(*parts, _do_done(parser))
    name = parser.take()
    if name.kind != "word":
        raise parser.unexpected(name)
    if not IDENTIFIER.fullmatch(name.text):
        raise ShellSyntaxError(f"`{name.text}': not a valid identifier")
    words = None
    parser.skip_newlines()
    if parser.is_word("in"):
        parser.take()
        words = []
        while parser.peek().kind == "word":
            words.append(parser.take().text)
        if not parser.is_op(";", "\n"):
            raise parser.unexpected()
        parser.take()
    elif parser.is_op(";"):
        parser.take()
    parser.skip_newlines()
    return nodes.For(name.text, words, _do_done(parser))


def _split_arith(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _case(parser: Parser) -> nodes.Case:
    word = parser.take()
    if word.kind != "word":
        raise parser.unexpected(word)
    parser.skip_newlines()
    parser.expect_word("in")
    node = nodes.Case(word.text, [])
    while True:
        parser.skip_newlines()
        if parser.is_word("esac"):
            parser.take()
            return node
        if parser.is_op("("):
            parser.take()
        patterns = []
        while True:
            token = parser.take()
            if token.kind != "word":
                raise parser.unexpected(token)
            patterns.append(token.text)
            if parser.is_op(")"):
                parser.take()
                break
            if not parser.is_op("|"):
                raise parser.unexpected()
            parser.take()
        parser.skip_newlines()
        body = None
        if not (parser.is_word("esac") or parser.is_op(*CASE_ENDS)):
            body = parser.sequence(stop={"esac"})
        if parser.is_op(*CASE_ENDS):
            node.items.append(nodes.CaseItem(patterns, body, parser.take().text))
        else:
            node.items.append(nodes.CaseItem(patterns, body, ";;"))
            parser.expect_word("esac")
            return node


def _cond(parser: Parser) -> nodes.Cond:
    expression = _cond_or(parser)
    parser.skip_newlines()
    if not parser.is_word("]]"):
        token = parser.peek()
        if token.kind == "eof":
            raise parser.unexpected(token)
        raise ShellSyntaxError(f"syntax error in conditional expression: unexpected token `{token.text}'")
    parser.take()
    return nodes.Cond(expression)


def _cond_or(parser: Parser) -> tuple:
    left = _cond_and(parser)
    while parser.is_op("||"):
        parser.take()
        parser.skip_newlines()
        left = ("or", left, _cond_and(parser))
    return left


def _cond_and(parser: Parser) -> tuple:
    left = _cond_not(parser)
    while parser.is_op("&&"):
        parser.take()
        parser.skip_newlines()
        left = ("and", left, _cond_not(parser))
    return left


def _cond_not(parser: Parser) -> tuple:
    parser.skip_newlines()
    if parser.is_word("!"):
        parser.take()
        return ("not", _cond_not(parser))
    if parser.is_op("("):
        parser.take()
        inner = _cond_or(parser)
        parser.skip_newlines()
        if not parser.is_op(")"):
            raise parser.unexpected()
        parser.take()
        return inner
    token = parser.take()
    if token.kind not in ("word", "io") or token.text == "]]":
        if token.kind == "eof":
            raise parser.unexpected(token)
        raise ShellSyntaxError(f"syntax error in conditional expression: unexpected token `{token.text}'")
    if token.text[:1] == "-" and token.text[1:] in COND_UNARY and len(token.text) == 2:
        operand = parser.peek()
        if operand.kind == "word" and operand.text != "]]":
            parser.take()
            return ("unary", token.text, operand.text)
    following = parser.peek()
    if (
        following.kind == "word"
        and following.text in COND_BINARY
        or following.kind == "op"
        and following.text in "<>"
    ):
        op = parser.take().text
        if op == "=~":
            right = parser.lexer.read_regex_word()
            parser.last_end = right.end
        else:
            right = parser.take()
        if right.kind != "word" or not right.text or right.text == "]]":
            raise ShellSyntaxError(
                f"unexpected argument `{right.text or 'newline'}' to conditional binary operator"
            )
        return ("binary", op, token.text, right.text)
    return ("word", token.text)


COMPOUND_PARSERS = {
    "{": _group,
    "if": _if,
    "while": _loop(until=False),
    "until": _loop(until=True),
    "for": _for,
    "case": _case,
    "function": _function,
    "[[": _cond,
}
