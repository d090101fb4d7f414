"""Where the cursor is: inside which ``{{ … }}``, which call and argument, after which member chain.

Completion and signature help run on half-typed text (``{{jwt(temp.jwt, param`` with no closing
braces or quote yet), where the expression does not parse. So the text before the cursor is lexed
with a small tolerant tokenizer instead of the grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iml_ls.analysis import Analysis, ImlString
from iml_ls.model.connection import JsonPath
from iml_ls.syntax.iml import Template
from iml_ls.syntax.json_tree import JsonArray, JsonMember, JsonObject, JsonString, JsonValue

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      |(?P<string>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)
      |(?P<backtick>`[^`]*`?)
      |(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
      |(?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
      |(?P<punct>\|\||&&|===|!==|==|!=|<=|>=|[-+*/%<>=!().,\[\]])
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokenize(source: str) -> list[Token]:
    """Tokens of (possibly incomplete) IML; unterminated strings are single tokens."""
    tokens = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "other"
        if kind != "space":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
    return tokens


@dataclass(frozen=True)
class CallContext:
    """The innermost call the cursor is in, and the index of the argument under the cursor."""

    name: str
    argument: int
    open_paren: int


@dataclass(frozen=True)
class ImlCursor:
    """The cursor inside an IML expression."""

    string: ImlString
    template: Template
    position: int
    """Offset into the expression text."""
    tokens: list[Token]
    call: CallContext | None
    word_start: int
    """Start (expression offset) of the word being typed (== position when none)."""
    member_of: tuple[str, ...] | None
    """``("parameters",)`` when the cursor follows ``parameters.``; None when not after a dot."""
    in_string: Token | None
    """The (possibly unterminated) string literal the cursor is in."""

    def document_offset(self, expr_offset: int) -> int:
        return self.string.offset(self.template, expr_offset)


def _call_context(tokens: list[Token]) -> CallContext | None:
    depth = 0
    commas = 0
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.text in (")", "]"):
            depth += 1
        elif token.text == "[":
            if depth == 0:
                return None
            depth -= 1
        elif token.text == "(":
            if depth == 0:
                if index > 0 and tokens[index - 1].kind == "name":
                    return CallContext(tokens[index - 1].text, commas, token.start)
                commas = 0
                continue
            depth -= 1
        elif token.text in (",", ";") and depth == 0:  # `;` is read as `,` (see IML114)
            commas += 1
    return None


def _member_chain(tokens: list[Token]) -> tuple[str, ...] | None:
    """``parameters.`` → ("parameters",); ``temp.a.`` → ("temp", "a"); None if not after a dot."""
    if not tokens or tokens[-1].text != ".":
        return None
    parts: list[str] = []
    index = len(tokens) - 2
    while index >= 0 and tokens[index].kind in ("name", "backtick"):
        text = tokens[index].text
        parts.append(text.strip("`"))
        if index >= 1 and tokens[index - 1].text == ".":
            index -= 2
            continue
        break
    return tuple(reversed(parts)) if parts else None


def iml_cursor(analysis: Analysis, offset: int) -> ImlCursor | None:
    """The IML context at a document offset, or None when the offset is not inside ``{{ … }}``."""
    string = analysis.syntax.iml_string_at(offset)
    if string is None:
        return None
    for template in string.templates:
        expr_start = string.node.source_offset(template.expr_start)
        expr_end = string.node.source_offset(template.expr_start + len(template.source))
        if expr_start <= offset <= expr_end:
            position = _decoded_index(string, template, offset)
            before = template.source[:position]
            tokens = tokenize(before)
            in_string = None
            if tokens and tokens[-1].kind == "string" and _unterminated(tokens[-1].text):
                in_string = tokens[-1]
                tokens = tokens[:-1]
            word_start = position
            if in_string is None and tokens and tokens[-1].kind in ("name", "backtick") and tokens[-1].end == position:
                word_start = tokens[-1].start
                tokens = tokens[:-1]
            return ImlCursor(
                string=string,
                template=template,
                position=position,
                tokens=tokens,
                call=_call_context(tokens),
                word_start=word_start,
                member_of=_member_chain(tokens),
                in_string=in_string,
            )
    return None


def _unterminated(text: str) -> bool:
    return len(text) == 1 or text[-1] != text[0] or (len(text) >= 2 and text[-2] == "\\" and text[-3:-1] != "\\\\")


def _decoded_index(string: ImlString, template: Template, offset: int) -> int:
    """The index into the template's expression of a document offset (through JSON escapes)."""
    low = 0
    high = len(template.source)
    while low < high:
        middle = (low + high) // 2
        if string.node.source_offset(template.expr_start + middle) < offset:
            low = middle + 1
        else:
            high = middle
    return low


@dataclass(frozen=True)
class JsonCursor:
    """The cursor in the JSON structure (outside IML): which object, and key or value position."""

    path: JsonPath
    """Path of the object whose keys are being typed, or of the member whose value is."""
    container: JsonObject | None
    member: JsonMember | None
    in_key: bool
    string: JsonString | None
    """The string the cursor is in (key or value), if any."""


def json_cursor(root: JsonValue | None, offset: int) -> JsonCursor | None:
    """Find the innermost object, key or string value at ``offset`` (None outside any object)."""
    node: JsonValue | None = root
    path: JsonPath = ()
    while isinstance(node, JsonObject | JsonArray) and node.start < offset < max(node.end, node.start + 1) + 1:
        child: JsonValue | None = None
        if isinstance(node, JsonArray):
            for index, item in enumerate(node.items):
                if item.start < offset < item.end:
                    path, child = (*path, index), item
            if child is None:
                return None
        else:
            for member in node.members:
                if member.key.start < offset <= member.key.end:
                    return JsonCursor(path, node, member, True, member.key)
                value = member.value
                if value is not None and value.start < offset < value.end:
                    if isinstance(value, JsonString):
                        return JsonCursor((*path, member.key.value), node, member, False, value)
                    path, child = (*path, member.key.value), value
            if child is None:
                return JsonCursor(path, node, None, True, None)
        node = child
    return None
