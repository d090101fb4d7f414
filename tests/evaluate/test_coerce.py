"""JavaScript conversions and operators (expected values are what node prints for the same expression)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from iml_ls.evaluate import coerce
from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue

DATE = dt.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=dt.UTC)


def same(actual: JsValue, expected: JsValue) -> bool:
    """Equal, with NaN equal to NaN and the sign of zero significant."""
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    if isinstance(expected, float) and expected == 0:
        return isinstance(actual, float) and math.copysign(1, actual) == math.copysign(1, expected)
    return type(actual) is type(expected) and actual == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, 1), (-0.0, -0.0), (2.0**53, 2**53), (2.0**53 + 2, 2.0**53 + 2), (0.5, 0.5), (2**60, 2.0**60),
        (math.inf, math.inf), (7, 7),
    ],
)  # fmt: skip
def test_js_number_normalises_integral_doubles(value: float, expected: JsValue) -> None:
    assert same(coerce.js_number(value), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (UNDEFINED, "undefined"), (None, "null"), (True, "true"), (1.0, "1"), (1e21, "1e+21"), (-0.0, "0"),
        (math.nan, "NaN"), ("x", "x"), ([1, None, [2, 3], UNDEFINED], "1,,2,3,"), ({"a": 1}, "[object Object]"),
        (b"hi", "hi"), (b"\xff", "\ufffd"), (DATE, "2024-01-02T03:04:05.006Z"),
    ],
)  # fmt: skip
def test_to_string_is_javascript_string(value: JsValue, expected: str) -> None:
    assert coerce.to_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (UNDEFINED, ""),
        ({"a": [1, "é"]}, '{"a":[1,"é"]}'),
        (DATE, "2024-01-02T03:04:05.006Z"),
        (2.50, "2.5"),
    ],
)
def test_to_text_writes_empty_values_as_nothing_and_collections_as_json(value: JsValue, expected: str) -> None:
    assert coerce.to_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", 0), ("  12  ", 12), ("\ufeff\u00a012\n", 12), ("1e3", 1000), (".5", 0.5), ("5.", 5), ("-0", -0.0),
        ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("-0x1F", math.nan), ("Infinity", math.inf),
        ("-Infinity", -math.inf), ("inf", math.nan), ("nan", math.nan), ("1_000", math.nan), ("١٢", math.nan),
        ("12px", math.nan), (None, 0), (UNDEFINED, math.nan), (True, 1), (False, 0), ([], 0), (["7"], 7),
        ([1, 2], math.nan), ({}, math.nan), (b"42", 42), (DATE, 1704164645006),
    ],
)  # fmt: skip
def test_to_number_is_javascript_number(value: JsValue, expected: JsValue) -> None:
    assert same(coerce.to_number(value), expected)


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        (UNDEFINED, False), (None, False), (False, False), (0, False), (-0.0, False), (math.nan, False), ("", False),
        ("0", True), ("false", True), ([], True), ({}, True), (b"", True), (DATE, True), (-1, True),
    ],
)  # fmt: skip
def test_truthiness(value: JsValue, truthy: bool) -> None:
    assert coerce.is_truthy(value) is truthy


def test_empty_is_makes_notion() -> None:
    assert [coerce.is_empty(v) for v in (UNDEFINED, None, "", [], " ", 0, False, {})] == [True] * 4 + [False] * 4


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("a", "text"), (1, "number"), (1.5, "number"), (True, "boolean"), (DATE, "date"), (b"", "binary"),
        ([], "array"), ({}, "collection"), (None, "null"), (UNDEFINED, "undefined"),
    ],
)  # fmt: skip
def test_type_names_are_makes_words(value: JsValue, name: str) -> None:
    assert coerce.type_name(value) == name


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (1, 1.0, True), (0, -0.0, True), (math.nan, math.nan, False), ("1", 1, False), (True, 1, False),
        (None, UNDEFINED, False), (None, None, True), ([1, [True]], [1.0, [True]], True), ([True], [1], False),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True), ({"a": 1}, {"a": 1, "b": 2}, False), ({"a": True}, {"a": 1}, False),
        (DATE, DATE.astimezone(dt.timezone(dt.timedelta(hours=2))), True), (b"a", b"a", True), ([math.nan], [math.nan], False),
    ],
)  # fmt: skip
def test_equality_is_strict_and_by_value(left: JsValue, right: JsValue, equal: bool) -> None:
    assert coerce.strict_equals(left, right) is equal
    assert coerce.binary_operator("!==", left, right) is not equal


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (1, 2, 3), ("a", 1, "a1"), (1, "a", "1a"), (1, None, 1), (1, UNDEFINED, math.nan), (True, 1, 2),
        ("a", None, "anull"), (1, [2], "12"), ([1], 2, "12"), ({}, "", "[object Object]"), (b"hi", 1, "hi1"),
        (DATE, 1, "2024-01-02T03:04:05.006Z1"), (0.1, 0.2, 0.30000000000000004), (2**53, 2**53, 2.0**54),
        (-0.0, -0.0, -0.0),
    ],
)  # fmt: skip
def test_plus_adds_numbers_and_joins_text(left: JsValue, right: JsValue, expected: JsValue) -> None:
    assert same(coerce.add(left, right), expected)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("-", 5, 7, -2), ("-", "5", 2, 3), ("-", "a", 1, math.nan), ("*", 1e308, 10, math.inf), ("*", -0.0, 1, -0.0),
        ("/", 1, 0, math.inf), ("/", -1, 0, -math.inf), ("/", 1, -0.0, -math.inf), ("/", 0, 0, math.nan),
        ("/", 7, 2, 3.5), ("%", 7, 3, 1), ("%", -7, 3, -1), ("%", 7, -3, 1), ("%", 5, 0, math.nan),
        ("%", math.inf, 2, math.nan), ("%", 5, math.inf, 5), ("%", 5.5, 2, 1.5),
        ("-", DATE, DATE - dt.timedelta(seconds=1), 1000),
    ],
)  # fmt: skip
def test_arithmetic_follows_javascript(op: str, left: JsValue, right: JsValue, expected: JsValue) -> None:
    assert same(coerce.arithmetic(op, left, right), expected)


def test_negation_keeps_negative_zero() -> None:
    assert same(coerce.negate(0), -0.0)
    assert coerce.negate("3") == -3
    assert same(coerce.negate("x"), math.nan)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("<", "B", "a", True), ("<", "a", "B", False), ("<", "10", "9", True), ("<", "10", 9, False),
        ("<", "\U0001f600", "\uffff", True),  # UTF-16: a surrogate (0xD83D) sorts before 0xFFFF
        (">=", 2, 2, True), ("<=", None, 0, True), ("<", UNDEFINED, 1, False), (">=", UNDEFINED, 1, False),
        ("<", "abc", 1, False), (">", "abc", 1, False), ("<", [2], [10], False), ("<", [2], 10, True),
        ("<", DATE, DATE + dt.timedelta(milliseconds=1), True), (">", True, False, True),
    ],
)  # fmt: skip
def test_comparisons_follow_javascript(op: str, left: JsValue, right: JsValue, expected: bool) -> None:
    assert coerce.compare(op, left, right) is expected


def test_binary_operator_dispatches_every_operator() -> None:
    assert coerce.binary_operator("+", 1, 2) == 3
    assert coerce.binary_operator("*", 2, 3) == 6
    assert coerce.binary_operator("<", 1, 2) is True
    assert coerce.binary_operator("=", "a", "a") is True
    assert coerce.binary_operator("==", 1, 1) is True
    assert coerce.binary_operator("===", 1, "1") is False
    assert coerce.binary_operator("!=", 1, 2) is True
    with pytest.raises(EvaluationError, match="Unknown operator"):
        coerce.binary_operator("**", 1, 2)
