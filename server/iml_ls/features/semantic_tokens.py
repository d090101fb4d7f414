"""Semantic tokens for IML inside JSON strings, so clients without a TextMate grammar colour it too."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.features.cursor import Token, tokenize

TOKEN_TYPES = ("function", "variable", "property", "string", "number", "operator", "keyword", "macro")
"""The legend; ``macro`` marks the ``{{`` and ``}}`` braces."""
KEYWORDS = ("true", "false", "null")


@dataclass(frozen=True)
class SemanticToken:
    start: int
    end: int
    type: str


def semantic_tokens(analysis: Analysis) -> list[SemanticToken]:
    """Every IML token in the document, in order (document offsets)."""
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
    if token.kind == "string":
        return "string"
    if token.kind == "number":
        return "number"
    if token.kind == "punct":
        return None if token.text in "(),[]." else "operator"
    if token.kind not in ("name", "backtick"):
        return None
    after_dot = index > 0 and tokens[index - 1].text == "."
    if after_dot:
        return "property"
    if token.text in KEYWORDS:
        return "keyword"
    if index + 1 < len(tokens) and tokens[index + 1].text == "(":
        return "function"
    return "variable"
