"""Semantic tokens for IML inside JSON strings, so that editors without a TextMate grammar colour it too.

The expression text is lexed rather than parsed, so a half-typed ``{{jwt(temp.`` is coloured while
it is being written. Tokens are found as document offsets (exact through JSON escapes) and then
encoded in LSP's relative form in the negotiated position encoding, one token per line segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.features.client_names import TOKEN_TYPES as TOKEN_TYPES
from iml_ls.features.cursor import Token, tokenize
from iml_ls.text.line_index import LineIndex, PositionEncoding

KEYWORDS = ("true", "false", "null")
_UNCOLOURED_PUNCTUATION = ("(", ")", ",", "[", "]", ".")


@dataclass(frozen=True)
class SemanticToken:
    start: int
    end: int
    type: str
    """One of :data:`TOKEN_TYPES`."""


def semantic_tokens(analysis: Analysis) -> list[SemanticToken]:
    """Every IML token of the document, in document order (document offsets)."""
    found: list[SemanticToken] = []
    for string in analysis.iml_strings:
        node = string.node
        for template in string.templates:
            found.append(
                SemanticToken(node.source_offset(template.start), node.source_offset(template.start + 2), "macro")
            )
            tokens = tokenize(template.source)
            for index, token in enumerate(tokens):
                kind = _classify(tokens, index)
                if kind is not None:
                    found.append(
                        SemanticToken(string.offset(template, token.start), string.offset(template, token.end), kind)
                    )
            if template.closed:
                found.append(
                    SemanticToken(node.source_offset(template.end - 2), node.source_offset(template.end), "macro")
                )
    return found


def _classify(tokens: list[Token], index: int) -> str | None:
    token = tokens[index]
    if token.kind in ("string", "number"):
        return token.kind
    if token.kind == "punct":
        return None if token.text in _UNCOLOURED_PUNCTUATION else "operator"
    if token.kind not in ("name", "backtick"):
        return None
    if index > 0 and tokens[index - 1].text == ".":
        return "property"
    if token.kind == "name" and token.text in KEYWORDS:
        return "keyword"
    if token.kind == "name" and index + 1 < len(tokens) and tokens[index + 1].text == "(":
        return "function"
    return "variable"


def encode(tokens: list[SemanticToken], index: LineIndex, encoding: PositionEncoding) -> list[int]:
    """LSP's relative encoding (line delta, start delta, length, type, modifiers), a token per line it covers.

    A JSON string cannot hold a raw line break, but a recovered unclosed string can run on; each
    line's part of a token then becomes a token of its own, since clients may not accept multi-line ones.
    """
    data: list[int] = []
    previous_line = previous_start = 0
    for token in tokens:
        type_index = TOKEN_TYPES.index(token.type)
        first, last = index.line_of(token.start), index.line_of(token.end)
        for line in range(first, last + 1):
            start = max(token.start, index.line_start(line))
            end = min(token.end, index.line_end(line))
            if end <= start:
                continue
            position = index.position(start, encoding)
            length = index.position(end, encoding).character - position.character
            delta_line = position.line - previous_line
            delta_start = position.character - previous_start if delta_line == 0 else position.character
            data += [delta_line, delta_start, length, type_index, 0]
            previous_line, previous_start = position.line, position.character
    return data
