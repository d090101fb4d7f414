"""The tolerant JSON tree: exact offsets, comments, escapes, and recovery from half-typed text."""

from __future__ import annotations

import random
import re

import pytest

from iml_ls.syntax.json_tree import JsonArray, JsonNumber, JsonObject, JsonString, parse_json, walk
from iml_ls.text.line_index import LineIndex


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_json(LineIndex(text))


def test_comments_are_accepted_and_ranges_are_exact() -> None:
    text = '{\n  // the request\n  "url": "/v1", /* inline */ "n": 2.5\n}'
    document = parse(text)
    assert document.problems == ()
    assert isinstance(document.root, JsonObject)
    url = document.root.get("url")
    assert isinstance(url, JsonString) and text[url.start : url.end] == '"/v1"'
    number = document.root.get("n")
    assert isinstance(number, JsonNumber) and number.value == 2.5


def test_escapes_are_decoded_and_map_back_to_the_source() -> None:
    text = '{"a": "é\\"\\u00e9\\n{{x}}"}'
    document = parse(text)
    assert isinstance(document.root, JsonObject)
    value = document.root.get("a")
    assert isinstance(value, JsonString)
    assert value.value == 'é"é\n{{x}}'
    decoded_x = value.value.index("x")
    assert text[value.source_offset(decoded_x)] == "x"
    assert text[value.source_offset(1) : value.source_offset(2)] == '\\"'


def test_trailing_commas_are_their_own_problem() -> None:
    document = parse('{"a": [1, 2,], "b": 3,}')
    trailing = [p for p in document.problems if p.trailing_comma]
    assert len(trailing) == 2
    assert all(not p.trailing_comma for p in document.problems if p not in trailing) or len(document.problems) == 2


def test_an_unterminated_string_does_not_hide_the_rest_of_the_file() -> None:
    text = '{\n  "a": "open,\n  "b": {"c": "{{x}}"}\n}'
    document = parse(text)
    assert any("not closed" in p.message for p in document.problems)
    strings = [n.value for n in walk(document.root) if isinstance(n, JsonString)]
    assert "{{x}}" in strings


def test_a_missing_comma_is_reported_and_members_survive() -> None:
    text = '{"a": 1 "b": 2, "c": "{{y}}"}'
    document = parse(text)
    assert document.problems
    assert isinstance(document.root, JsonObject)
    assert document.root.get("c") is not None


def test_bad_input_never_raises() -> None:
    for text in ["", "   ", "\x00\x01\x02", "[" * 10_000, "{" * 5000 + "}" * 5000, '"\\', "}", "\ufffd\ufffd"]:
        document = parse(text)
        list(walk(document.root))


def test_deep_nesting_is_reported_not_recursed() -> None:
    document = parse("[" * 3000 + "]" * 3000)
    assert isinstance(document.root, JsonArray)
    assert any("Nesting deeper" in p.message for p in document.problems)


def test_exponents_with_a_plus_sign_are_numbers_with_exact_ranges() -> None:
    text = '{"exp": 1.7e+9, "n": [2.5E+3, -1e+21], "s": "1e+3 {{1e+3}}" /* 1e+3 */}'
    document = parse(text)
    assert document.problems == ()
    assert isinstance(document.root, JsonObject)
    exp = document.root.get("exp")
    assert isinstance(exp, JsonNumber) and exp.value == 1.7e9 and text[exp.start : exp.end] == "1.7e+9"
    numbers = document.root.get("n")
    assert isinstance(numbers, JsonArray)
    assert [item.value for item in numbers.items if isinstance(item, JsonNumber)] == [2500.0, -1e21]
    string = document.root.get("s")
    assert isinstance(string, JsonString) and string.value == "1e+3 {{1e+3}}"


def test_numbers_read_as_json_parse_reads_them_and_only_json_numbers_are_accepted() -> None:
    document = parse("[-0, 12345678901234567890, 1e400, 7]")
    assert isinstance(document.root, JsonArray)
    values = [item.value for item in document.root.items if isinstance(item, JsonNumber)]
    assert str(values[0]) == "-0.0" and values[1] == float(12345678901234567890) and values[2] == float("inf")
    assert values[3] == 7 and isinstance(values[3], int)
    for text in ("[1.]", "[1.e5]", "[01]", "[+1]", "[1e+]"):
        assert parse(text).problems != (), text
    assert "not a JSON number" in parse("[1.]").problems[0].message


@pytest.mark.parametrize("seed", range(20))
def test_only_an_exponents_plus_is_read_as_a_zero(seed: int) -> None:
    """What tree-sitter is given differs from the text exactly at each ``+`` between a digit and ``e``
    or ``E`` and a digit (a base64 key's ``E+`` between letters stays)."""
    from iml_ls.syntax.json_tree import _as_parsed

    rnd = random.Random(seed)
    text = "".join(rnd.choice(["1", "e", "E", "+", "a", '"', "2.5", " "]) for _ in range(200)).encode()
    parsed = _as_parsed(text)
    changed = [at for at, (old, new) in enumerate(zip(text, parsed, strict=True)) if old != new]
    expected = [match.start() for match in re.finditer(rb"(?<=[0-9][eE])\+(?=[0-9])", text)]
    assert changed == expected
    assert all(parsed[at] == ord("0") for at in changed)
