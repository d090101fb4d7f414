"""Rounding, aggregates, parseNumber and formatNumber (expected values match node's Math and toFixed)."""

from __future__ import annotations

import math

import pytest

from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue

from .conftest import call


def same(actual: JsValue, expected: JsValue) -> bool:
    """Equal, with the sign of zero and the int/float distinction significant."""
    if isinstance(expected, float) and expected == 0:
        return isinstance(actual, float) and math.copysign(1, actual) == math.copysign(1, expected)
    return type(actual) is type(expected) and actual == expected


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("round", 2.5, 3), ("round", -2.5, -2), ("round", 2.4, 2), ("round", 0.49999999999999994, 0), ("round", -0.4, -0.0),
        ("round", "1.5", 2), ("round", 1e300, 1e300), ("round", math.inf, math.inf),
        ("ceil", 1.1, 2), ("ceil", -0.5, -0.0), ("ceil", 3, 3), ("floor", -1.1, -2), ("floor", 1.9, 1), ("floor", "7.5", 7),
        ("trunc", -1.9, -1), ("trunc", 1.9, 1), ("trunc", -0.5, -0.0), ("abs", -3, 3), ("abs", "-2.5", 2.5), ("abs", -0.0, 0),
    ],
)  # fmt: skip
def test_rounding_and_abs(name: str, value: JsValue, expected: JsValue) -> None:
    assert same(call(name, value), expected)


@pytest.mark.parametrize("name", ["round", "ceil", "floor", "trunc", "abs"])
@pytest.mark.parametrize("value", ["abc", None, UNDEFINED, True, [1], {}])
def test_number_functions_refuse_non_numbers(name: str, value: JsValue) -> None:
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects a number"):
        call(name, value)


def test_number_errors_say_what_they_got() -> None:
    with pytest.raises(EvaluationError, match=r"abs\(\) expects a number, got the text 'abc'\."):
        call("abs", "abc")
    with pytest.raises(EvaluationError, match=r"round\(\) expects a number, got null\."):
        call("round", None)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("min", (3, 1, 2), 1), ("min", ([3, 1], 0.5), 0.5), ("min", (), math.inf), ("min", (["4", 5],), 4),
        ("max", (3, 1, 2), 3), ("max", ([1, 5, 3],), 5), ("max", (), -math.inf), ("max", (-0.0,), -0.0),
        ("sum", (1, 2, 3.5), 6.5), ("sum", ([0.1, 0.2],), 0.30000000000000004), ("sum", ([0.1] * 10,), 0.9999999999999999),
        ("sum", (), 0), ("sum", ([],), 0), ("average", (1, 2, 4), 2.3333333333333335), ("average", ([2, 4],), 3),
    ],
)  # fmt: skip
def test_aggregates(name: str, args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert same(call(name, *args), expected)


def test_aggregates_refuse_non_numbers() -> None:
    with pytest.raises(EvaluationError, match=r"sum\(\) expects a number, got the text 'x'"):
        call("sum", [1, "x"])
    with pytest.raises(EvaluationError, match="at least one number"):
        call("average", [])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("1 234,5", ","), 1234.5), (("1,234.5",), 1234.5), (("1.234.567,89", ","), 1234567.89), (("-12",), -12),
        (("\u00a012 ",), 12), (("1'000.5",), 1000.5), (("1e3",), 1000), ((42,), 42), (("3,5", ","), 3.5),
    ],
)  # fmt: skip
def test_parse_number(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert same(call("parseNumber", *args), expected)


@pytest.mark.parametrize("text", ["abc", "", "12px", "0x1F", "inf", "NaN", None])
def test_parse_number_refuses_text_without_a_number(text: JsValue) -> None:
    with pytest.raises(EvaluationError, match="is not a number"):
        call("parseNumber", text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1234567.891, 2, ".", ","), "1,234,567.89"), ((1234.5, 2), "1.234,50"), ((1234.5,), "1.235"),
        ((0.125, 2, "."), "0.13"), ((1.005, 2, "."), "1.00"), ((-1234.5, 1, ".", " "), "-1 234.5"), ((-0.001, 2), "0,00"),
        ((999, 0), "999"), ((1000, 0, ",", ""), "1000"), (("12.5", 1, "."), "12.5"), ((math.inf, 2), "Infinity"),
        ((1e21, 0, ".", ","), "1,000,000,000,000,000,000,000"), ((5, 2.9, "."), "5.00"),
    ],
)  # fmt: skip
def test_format_number(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("formatNumber", *args) == expected


@pytest.mark.parametrize("decimals", [-1, 101, 1e9])
def test_format_number_refuses_absurd_decimals(decimals: float) -> None:
    with pytest.raises(EvaluationError, match="decimals must be between 0 and 100"):
        call("formatNumber", 1, decimals)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3.14159, 2), 3.14), ((-3.14159, 2), -3.14), ((0.29, 2), 0.29), ((1234, -2), 1200), ((-1234, -2), -1200),
        ((5, -2), 0), ((-0.001, 2), -0.0), ((1.9, 0), 1), ((1.9, None), 1), ((2.5, 300), 2.5), ((7, -500), 0),
        (("9.99", "1"), 9.9), ((math.inf, 2), math.inf),
    ],
)  # fmt: skip
def test_trunc_keeps_decimals(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert same(call("trunc", *args), expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((3, 1, 4, 1), 2), ((5,), 5), (([1, 2, 3],), 2), (([4, 1], 10), 4), (("2", "8"), 5), ((), None), (([],), None),
        ((0.1, 0.2), 0.15000000000000002),
    ],
)  # fmt: skip
def test_median(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("median", *args) == expected


def test_median_refuses_text() -> None:
    with pytest.raises(EvaluationError, match=r"median\(\) expects a number, got the text 'x'"):
        call("median", 1, "x")


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("stdevS", (2, 4, 4, 4, 5, 5, 7, 9), 2.138089935299395), ("stdevP", (2, 4, 4, 4, 5, 5, 7, 9), 2),
        ("stdevS", ([1, 2, 3, 4],), 1.2909944487358056), ("stdevP", ([1, 2, 3, 4],), 1.118033988749895),
        ("stdevP", (5,), 0), ("stdevS", (5, 5), 0),
    ],
)  # fmt: skip
def test_standard_deviations(name: str, args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call(name, *args) == expected


@pytest.mark.parametrize(("name", "args"), [("stdevS", (5,)), ("stdevS", ()), ("stdevP", ())])
def test_standard_deviation_of_too_few_numbers_is_nan(name: str, args: tuple[JsValue, ...]) -> None:
    result = call(name, *args)
    assert isinstance(result, float) and math.isnan(result)
