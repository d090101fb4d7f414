"""Semantic tokens: what each piece of IML is, where it is (through JSON escapes), and the LSP encoding."""

from __future__ import annotations

from collections.abc import Sequence

from iml_ls.features.semantic_tokens import TOKEN_TYPES, SemanticToken, encode, semantic_tokens
from iml_ls.text.line_index import LineIndex, PositionEncoding

from .conftest import analysis_of


def pieces(text: str) -> list[tuple[str, str]]:
    """(covered document text, type) of every token."""
    return [(text[token.start : token.end], token.type) for token in semantic_tokens(analysis_of(text))]


def decode(data: list[int], legend: Sequence[str] = TOKEN_TYPES) -> list[tuple[int, int, int, str]]:
    """LSP's relative encoding back to (line, character, length, type), with the types named by ``legend``."""
    tokens = []
    line = character = 0
    for index in range(0, len(data), 5):
        delta_line, delta_start, length, kind, modifiers = data[index : index + 5]
        assert modifiers == 0
        line += delta_line
        character = character + delta_start if delta_line == 0 else delta_start
        tokens.append((line, character, length, legend[kind]))
    return tokens


def test_each_kind_of_iml_token() -> None:
    text = '{"url": "a/{{if(parameters.flag = true, \'on\', 1.5) + temp.`a b`.c * -2 || null}}"}'
    assert pieces(text) == [
        ("{{", "macro"),
        ("if", "function"),
        ("parameters", "variable"),
        ("flag", "property"),
        ("=", "operator"),
        ("true", "keyword"),
        ("'on'", "string"),
        ("1.5", "number"),
        ("+", "operator"),
        ("temp", "variable"),
        ("`a b`", "property"),
        ("c", "property"),
        ("*", "operator"),
        ("-", "operator"),
        ("2", "number"),
        ("||", "operator"),
        ("null", "keyword"),
        ("}}", "macro"),
    ]


def test_a_keyword_after_a_dot_is_a_property() -> None:
    assert ("null", "property") in pieces('{"url": "{{body.null}}"}')


def test_tokens_cover_json_escapes_exactly() -> None:
    text = '{"url": "\\u00e9\\"{{formatDate(now, \\"YYYY\\")}}\\t{{temp.x}}"}'
    assert pieces(text) == [
        ("{{", "macro"),
        ("formatDate", "function"),
        ("now", "variable"),
        ('\\"YYYY\\"', "string"),
        ("}}", "macro"),
        ("{{", "macro"),
        ("temp", "variable"),
        ("x", "property"),
        ("}}", "macro"),
    ]


def test_a_half_typed_expression_is_coloured_without_a_closing_macro() -> None:
    text = '{"url": "x", "headers": {"a": "{{jwt(temp.\n}\n'
    assert pieces(text) == [("{{", "macro"), ("jwt", "function"), ("temp", "variable")]


def test_plain_strings_have_no_tokens() -> None:
    assert pieces('{"url": "https://example.com/{not iml}", "n": 1}') == []


def test_encoding_counts_characters_in_the_negotiated_encoding() -> None:
    text = '{"url": "😀é{{temp.a}}"}'
    analysis = analysis_of(text)
    tokens = semantic_tokens(analysis)
    prefix = '{"url": "😀é'
    utf16 = len(prefix.encode("utf-16-le")) // 2
    utf8 = len(prefix.encode("utf-8"))
    assert decode(encode(tokens, analysis.index, PositionEncoding.UTF16))[0] == (0, utf16, 2, "macro")
    assert decode(encode(tokens, analysis.index, PositionEncoding.UTF8))[0] == (0, utf8, 2, "macro")
    assert decode(encode(tokens, analysis.index, PositionEncoding.UTF32))[0] == (0, len(prefix), 2, "macro")


def test_a_token_over_several_lines_becomes_one_per_line() -> None:
    text = "ab\r\n😀cd\nef"
    index = LineIndex(text)
    token = SemanticToken(1, len(text) - 1, "string")
    assert decode(encode([token], index, PositionEncoding.UTF16)) == [
        (0, 1, 1, "string"),
        (1, 0, 4, "string"),
        (2, 0, 1, "string"),
    ]


def test_relative_encoding_restarts_the_column_on_each_line() -> None:
    text = '{\n  "a": "{{x}}", "b": "{{y}}",\n  "c": "{{z}}"\n}'
    analysis = analysis_of(text)
    decoded = decode(encode(semantic_tokens(analysis), analysis.index, PositionEncoding.UTF16))
    variables = [(line, character) for line, character, _, kind in decoded if kind == "variable"]
    lines = text.split("\n")
    assert variables == [(1, lines[1].index("x")), (1, lines[1].index("y")), (2, lines[2].index("z"))]
