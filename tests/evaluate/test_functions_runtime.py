"""The functions Make's app runtime adds: JSON, MIME types, array helpers, and those known by name only."""

from __future__ import annotations

import math

import pytest

from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.functions.spec import StandIn
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue
from iml_ls.syntax.iml import ImlSyntaxError, parse_expression

from .conftest import NOW, call, small_context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"k": "v", "n": [1, 2.5, null, true]}', {"k": "v", "n": [1, 2.5, None, True]}), ("[]", []), ('"x"', "x"),
        ("12", 12), ("-0", -0.0), ("1e400", math.inf), ("12345678901234567890", 12345678901234567000.0),
        ('{"a": 1, "a": 2}', {"a": 2}), (' \n {"\\u00e9": "\\ud83d\\ude00"} ', {"é": "😀"}), ("", None), (None, None),
        (UNDEFINED, None), ("   ", None), ("null", None),
    ],
)  # fmt: skip
def test_parse_json(text: JsValue, expected: JsValue) -> None:
    result = call("parseJSON", text)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("text", ["{k: 1}", "{'k': 1}", "[1,]", "NaN", "Infinity", "-Infinity", '{"a": 1} x', '"\t"'])
def test_parse_json_refuses_what_json_parse_refuses(text: str) -> None:
    with pytest.raises(EvaluationError, match=r"parseJSON\(\): the text is not valid JSON"):
        call("parseJSON", text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [1, None, "x"]}, '{"b":1,"a":[1,null,"x"]}'), ("é", '"é"'), (1.5, "1.5"), (None, "null"),
        (NOW, '"2023-11-14T22:13:20.000Z"'), ({"u": UNDEFINED, "n": math.nan}, '{"n":null}'), (UNDEFINED, UNDEFINED),
    ],
)  # fmt: skip
def test_create_json(value: JsValue, expected: JsValue) -> None:
    assert call("createJSON", value) == expected


def test_create_json_respects_the_budget() -> None:
    with pytest.raises(EvaluationLimitError):
        call("createJSON", ["x" * 60, "y" * 60], context=small_context(max_string_length=100))


def test_parse_json_and_create_json_round_trip() -> None:
    text = '{"scope":["read","write"],"n":{"m":-1.5}}'
    assert call("createJSON", call("parseJSON", text)) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [([], True), ([1], True), ({}, False), ("[1]", False), (None, False), (UNDEFINED, False), (b"ab", False)],
)
def test_is_array(value: JsValue, expected: bool) -> None:
    assert call("isArray", value) is expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("pop", ["a", "b"], "b"), ("pop", [], UNDEFINED), ("pop", None, UNDEFINED), ("shift", ["a", "b"], "a"),
        ("shift", [], UNDEFINED), ("shift", UNDEFINED, UNDEFINED),
    ],
)  # fmt: skip
def test_pop_and_shift_leave_the_array_unchanged(name: str, value: JsValue, expected: JsValue) -> None:
    before = list(value) if isinstance(value, list) else value
    assert call(name, value) == expected
    assert value == before


@pytest.mark.parametrize("name", ["pop", "shift"])
def test_pop_and_shift_refuse_text(name: str) -> None:
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects an array, got text"):
        call(name, "abc")


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("report.pdf", "application/pdf"), ("IMG_1.JPG", "image/jpeg"), ("a/b/data.json", "application/json"),
        ("archive.tar.gz", "application/gzip"), ("sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.txt", "text/plain"), ("png", "image/png"), ("x.7z", "application/x-7z-compressed"),
    ],
)  # fmt: skip
def test_mime_knows_the_common_extensions(filename: str, expected: str) -> None:
    assert call("mime", filename) == expected


@pytest.mark.parametrize("filename", ["file.unknownext", "", None, "dir.d/README"])
def test_mime_of_an_unknown_extension_is_a_stand_in(filename: JsValue) -> None:
    assert call("mime", filename) == StandIn(None)


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("parseXML", "'<a>1</a>'", {}), ("createXML", "temp.x", "<createXML()>"),
        ("toDataStructure", "temp.x, 'json'", []), ("errorFactory", "'DataError', 'no'", UNDEFINED),
        ("cryptoSign", "'RSA-SHA256', 'm', 'k', 'base64'", "<cryptoSign()>"),
        ("generateJwtWithKeyId", "temp.x, 'k', 'RS256', 'sha256', temp.x", "<generateJwtWithKeyId()>"),
    ],
)  # fmt: skip
def test_functions_known_by_name_give_marked_stand_ins(name: str, arguments: str, expected: JsValue) -> None:
    expr = parse_expression(f"{name}({arguments})")
    assert not isinstance(expr, ImlSyntaxError)
    evaluator = Evaluator(EvalContext(now=NOW), {"temp": {"x": {"a": 1}}})
    assert evaluator.evaluate(expr) == expected
    assert evaluator.used_placeholders == {(f"{name}()", "")}
    caveat = FUNCTIONS[name].caveat
    assert caveat is not None and "does not evaluate it" in caveat
