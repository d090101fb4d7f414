"""IML expressions: finding ``{{ … }}`` in a JSON string and parsing each with the lark grammar.

Parsing is cached by expression text: the same expression typed in a hundred places, or unchanged
between two keystrokes, is parsed once. Node offsets are relative to the expression text; a
:class:`Template` places them in the decoded string, and the string's offset map places that in the
document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TypeAlias

import lark

from iml_ls.evaluate.values import JsValue


@dataclass(frozen=True, eq=False, slots=True)
class Literal:
    start: int
    end: int
    value: JsValue


@dataclass(frozen=True, eq=False, slots=True)
class Name:
    """A root variable such as ``parameters`` or ``timestamp``."""

    start: int
    end: int
    name: str


@dataclass(frozen=True, eq=False, slots=True)
class Member:
    """``object.name`` (or ``object.`a name```): ``name_start`` locates the property."""

    start: int
    end: int
    object: Expr
    name: str
    name_start: int


@dataclass(frozen=True, eq=False, slots=True)
class Index:
    """``object[index]`` (IML arrays are 1-based)."""

    start: int
    end: int
    object: Expr
    index: Expr


@dataclass(frozen=True, eq=False, slots=True)
class Call:
    start: int
    end: int
    name: str
    name_end: int
    args: tuple[Expr, ...]
    semicolons: tuple[int, ...] = ()
    """Where a ``;`` (the scenario editor's separator) separates arguments instead of ``,``."""


@dataclass(frozen=True, eq=False, slots=True)
class Unary:
    start: int
    end: int
    op: str
    operand: Expr


@dataclass(frozen=True, eq=False, slots=True)
class Binary:
    start: int
    end: int
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, eq=False, slots=True)
class InlineLiteral:
    """``['a', 'b']`` or ``{key: value}``: IML has neither, but parsing them lets a check say so."""

    start: int
    end: int
    kind: str
    """``array`` or ``object``."""
    items: tuple[Expr, ...]
    """The items of an array, the values of an object."""


Expr: TypeAlias = Literal | Name | Member | Index | Call | Unary | Binary | InlineLiteral

WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!"}
"""Words people write for IML's operators (in any case), and the operator IML has instead."""


def is_word_operator(op: str) -> bool:
    return op.lower() in WORD_OPERATORS


def unsupported_syntax(expr: Expr) -> Expr | None:
    """The first form in ``expr`` that IML does not have (a word operator, an inline literal), or None."""
    for node in walk_expr(expr):
        if isinstance(node, InlineLiteral) or (isinstance(node, Unary | Binary) and is_word_operator(node.op)):
            return node
    return None


@dataclass(frozen=True, slots=True)
class ImlSyntaxError:
    """Where and why an expression does not parse (offsets relative to the expression)."""

    start: int
    end: int
    message: str


@dataclass(frozen=True, eq=False, slots=True)
class Template:
    """One ``{{ … }}`` in a decoded string; offsets index the decoded string."""

    start: int
    end: int
    """From the first ``{`` to after the last ``}`` (or the string's end when unclosed)."""
    expr_start: int
    source: str
    closed: bool
    expr: Expr | None
    error: ImlSyntaxError | None


@cache
def _parser() -> lark.Lark:
    from importlib import resources  # imported by the first parse (it takes a while to import)

    grammar = resources.files("iml_ls").joinpath("iml.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


_STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def _unescape(body: str) -> str:
    """Resolve backslash escapes in a string literal; unknown ones (``\\w`` in a regex) stay as written."""
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if len(m.group(1)) == 5 else _STRING_ESCAPES.get(m.group(1), m.group(0)),
        body,
        flags=re.S,
    )


def _span(token: lark.Token) -> tuple[int, int]:
    return token.start_pos or 0, token.end_pos or 0


class _Builder(lark.Transformer[lark.Token, Expr]):
    """Turns lark's tree into :data:`Expr` nodes."""

    def __default_token__(self, token: lark.Token) -> lark.Token:
        return token

    def number(self, items: list[lark.Token]) -> Literal:
        token = items[0]
        text = str(token)
        value: float | int = int(text) if text.isdigit() and len(text) < 16 else float(text)
        return Literal(*_span(token), value)

    def string(self, items: list[lark.Token]) -> Literal:
        token = items[0]
        return Literal(*_span(token), _unescape(str(token)[1:-1]))

    def name(self, items: list[lark.Token]) -> Expr:
        token = items[0]
        start, end = _span(token)
        text = str(token)
        if text.startswith("`"):
            return Name(start, end, text[1:-1])
        if text in ("true", "false"):
            return Literal(start, end, text == "true")
        if text == "null":
            return Literal(start, end, None)
        return Name(start, end, text)

    def property(self, items: list[lark.Token]) -> lark.Token:
        return items[0]

    def member(self, items: list[Expr | lark.Token]) -> Member:
        obj, token = items
        assert isinstance(token, lark.Token) and not isinstance(obj, lark.Token)
        text = str(token)
        name = text[1:-1] if text.startswith("`") else text
        start, end = _span(token)
        return Member(obj.start, end, obj, name, start)

    @lark.v_args(meta=True)
    def index(self, meta: lark.tree.Meta, items: list[Expr | None]) -> Index:
        obj, index = items
        assert obj is not None
        if index is None:  # `items[]`: Make reads the first item, as `items[1]`
            index = Literal(meta.end_pos - 1, meta.end_pos - 1, 1)
        return Index(obj.start, meta.end_pos, obj, index)

    def call(self, items: list[Expr | lark.Token | None]) -> Call:
        token = items[0]
        assert isinstance(token, lark.Token)
        args: list[Expr] = []
        for position, item in enumerate(items[1:]):
            if isinstance(item, lark.Token):
                continue
            if item is None:  # an argument left empty: between two separators, or after the last one
                if position == 0 and len(items) == 2:
                    continue  # f(): no argument at all
                before = items[position]
                at = (before.end_pos or 0) if isinstance(before, lark.Token) else (token.end_pos or 0) + 1
                item = Literal(at, at, None)
            args.append(item)
        semicolons = tuple(
            item.start_pos or 0 for item in items[1:] if isinstance(item, lark.Token) and item.type == "SEMICOLON"
        )
        start, name_end = _span(token)
        return Call(start, name_end, str(token), name_end, tuple(args), semicolons)

    @lark.v_args(meta=True)
    def array_literal(self, meta: lark.tree.Meta, items: list[Expr | None]) -> InlineLiteral:
        return InlineLiteral(meta.start_pos, meta.end_pos, "array", tuple(item for item in items if item is not None))

    @lark.v_args(meta=True)
    def object_literal(self, meta: lark.tree.Meta, items: list[Expr | None]) -> InlineLiteral:
        return InlineLiteral(meta.start_pos, meta.end_pos, "object", tuple(item for item in items if item is not None))

    def entry(self, items: list[Expr | lark.Token]) -> Expr:
        value = items[-1]
        assert not isinstance(value, lark.Token)
        return value

    def unary(self, items: list[Expr | lark.Token]) -> Unary:
        op, operand = items
        assert isinstance(op, lark.Token) and not isinstance(operand, lark.Token)
        return Unary(op.start_pos or 0, operand.end, str(op), operand)

    def binary(self, items: list[Expr | lark.Token]) -> Binary:
        left, op, right = items
        assert isinstance(op, lark.Token)
        assert not isinstance(left, lark.Token) and not isinstance(right, lark.Token)
        return Binary(left.start, right.end, str(op), left, right)


def _syntax_error(source: str, error: lark.exceptions.LarkError) -> ImlSyntaxError:
    if isinstance(error, lark.exceptions.UnexpectedEOF) or (
        isinstance(error, lark.exceptions.UnexpectedToken) and error.token.type == "$END"
    ):
        end = len(source.rstrip())
        return ImlSyntaxError(max(end - 1, 0), end, "The expression ends too early: something is missing at its end.")
    if isinstance(error, lark.exceptions.UnexpectedToken):
        start = error.token.start_pos or 0
        text = str(error.token)
        return ImlSyntaxError(start, start + max(len(text), 1), f"Unexpected `{text}` here.")
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        start = error.pos_in_stream or 0
        char = source[start : start + 1]
        hint = " Close the quote." if char in "'\"`" else ""
        return ImlSyntaxError(start, start + 1, f"Unexpected `{char}` here.{hint}")
    return ImlSyntaxError(0, len(source), "This expression cannot be parsed.")


@lru_cache(maxsize=20_000)
def parse_expression(source: str) -> Expr | ImlSyntaxError:
    """Parse one expression (the text between the braces); cached by its text."""
    if not source.strip():
        return ImlSyntaxError(0, len(source), "Empty `{{}}`: write an expression between the braces.")
    if _nesting(source) > MAX_NESTING:
        return ImlSyntaxError(
            0, len(source), f"This expression nests deeper than {MAX_NESTING} levels; iml-ls does not analyse it."
        )
    try:
        tree = _parser().parse(source)
    except lark.exceptions.LarkError as error:
        return _syntax_error(source, error)
    except RecursionError:
        return ImlSyntaxError(0, len(source), "This expression is nested too deeply to analyse.")
    try:
        expr = _Builder().transform(tree)
    except (lark.exceptions.VisitError, RecursionError):
        return ImlSyntaxError(0, len(source), "This expression is nested too deeply to analyse.")
    assert not isinstance(expr, lark.Token | lark.Tree)
    try:
        return _close_calls(expr, source)
    except RecursionError:
        return ImlSyntaxError(0, len(source), "This expression is nested too deeply to analyse.")


MAX_NESTING = 200
"""Deeper expressions are refused, so that every recursive walk over a syntax tree stays bounded."""


_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)


def _nesting(source: str) -> int:
    """An upper bound of the expression's depth: brackets plus operators (each may add a level)."""
    code = _STRING_LITERAL.sub("", source)
    depth = deepest = 0
    for char in code:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    operators = sum(code.count(op) for op in ("+", "-", "*", "/", "%", "&", "|", "!", "<", ">", "=", ";"))
    return deepest + operators + len(_WORDS.findall(code))


_WORDS = re.compile(r"\b(?:and|or|not)\b", re.I)


def _close_calls(expr: Expr, source: str) -> Expr:
    """Extend each call's end past its closing parenthesis (the builder only sees its arguments)."""
    if isinstance(expr, Call):
        args = tuple(_close_calls(arg, source) for arg in expr.args)
        position = args[-1].end if args else expr.name_end
        close = source.find(")", position)
        return Call(expr.start, close + 1 if close >= 0 else position, expr.name, expr.name_end, args, expr.semicolons)
    if isinstance(expr, InlineLiteral):
        return InlineLiteral(expr.start, expr.end, expr.kind, tuple(_close_calls(item, source) for item in expr.items))
    if isinstance(expr, Member):
        return Member(expr.start, expr.end, _close_calls(expr.object, source), expr.name, expr.name_start)
    if isinstance(expr, Index):
        return Index(expr.start, expr.end, _close_calls(expr.object, source), _close_calls(expr.index, source))
    if isinstance(expr, Unary):
        operand = _close_calls(expr.operand, source)
        return Unary(expr.start, operand.end, expr.op, operand)
    if isinstance(expr, Binary):
        left, right = _close_calls(expr.left, source), _close_calls(expr.right, source)
        return Binary(left.start, right.end, expr.op, left, right)
    return expr


def find_templates(text: str) -> list[Template]:
    """Every ``{{ … }}`` in a decoded JSON string, parsed; an unclosed one runs to the end."""
    templates: list[Template] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            return templates
        if start > 0 and text[start - 1] == "\\":
            position = start + 2
            continue
        close = _closing_braces(text, start + 2)
        closed = close >= 0
        expr_end = close if closed else len(text)
        source = text[start + 2 : expr_end]
        parsed = parse_expression(source)
        if closed:
            expr, error = (None, parsed) if isinstance(parsed, ImlSyntaxError) else (parsed, None)
        else:
            expr = None
            error = ImlSyntaxError(-2, 0, "This `{{` is never closed: add `}}` after the expression.")
        templates.append(Template(start, expr_end + 2 if closed else expr_end, start + 2, source, closed, expr, error))
        position = expr_end + 2 if closed else len(text)


def _closing_braces(text: str, position: int) -> int:
    """Index of the ``}}`` that closes an expression starting at ``position``, or -1.

    A lone ``{`` inside the expression (an object literal, which IML lacks but people write, as in
    ``{{{key: 1}}}``) is matched by its own ``}`` first, when the text allows that."""
    nested = _find_close(text, position, nested=True)
    return nested if nested >= 0 else _find_close(text, position, nested=False)


def _find_close(text: str, position: int, *, nested: bool) -> int:
    quote = ""
    depth = 0
    index = position
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and quote != "`":
                index += 2
                continue
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif nested and char == "{" and _lone_brace(text, index, position):
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == "}" and text.startswith("}}", index):
            return index
        index += 1
    return -1


def _lone_brace(text: str, index: int, position: int) -> bool:
    """A ``{`` that is not part of a ``{{``."""
    return not text.startswith("{{", index) and (index == position or text[index - 1] != "{")


def walk_expr(expr: Expr) -> list[Expr]:
    """The expression and all its sub-expressions, outermost first."""
    result: list[Expr] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        result.append(node)
        if isinstance(node, Member):
            stack.append(node.object)
        elif isinstance(node, Index):
            stack.extend((node.index, node.object))
        elif isinstance(node, Call | InlineLiteral):
            stack.extend(reversed(node.args if isinstance(node, Call) else node.items))
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack.extend((node.right, node.left))
    return result


def member_path(expr: Expr) -> tuple[str, ...] | None:
    """``parameters.a.b`` → ("parameters", "a", "b"); None when the chain is not plain names."""
    parts: list[str] = []
    node: Expr = expr
    while isinstance(node, Member):
        parts.append(node.name)
        node = node.object
    if not isinstance(node, Name):
        return None
    parts.append(node.name)
    return tuple(reversed(parts))
