"""Numbers: rounding, min/max/sum/average, parsing and formatting."""

from __future__ import annotations

import math as _math
import re
from collections.abc import Callable, Sequence

from iml_ls.evaluate.coerce import js_number, to_number, to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, function
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue, Undefined


def _number(name: str, value: JsValue) -> float:
    number = float(to_number(value))
    if _math.isnan(number):
        raise EvaluationError(f"{name}() expects a number, got `{to_string(value)}`.")
    return number


def _numbers(name: str, args: Sequence[JsValue]) -> list[float]:
    """All arguments as numbers; an array argument contributes its items."""
    values: list[JsValue] = []
    for value in args:
        values.extend(value if isinstance(value, list) else [value])
    return [_number(name, value) for value in values]


def _rounding(name: str, how: str, operation: Callable[[float], float | int]) -> BuiltinFunction:
    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        number = _number(name, arg(args, 0))
        if _math.isinf(number):
            return number
        return js_number(operation(number))

    return function(
        name,
        "number",
        "number",
        f"The number {how}.",
        f"{name}(2.5)",
        to_string(js_number(operation(2.5))),
        number="The number.",
    )(implementation)


round_ = _rounding("round", "rounded to the nearest integer (halves up)", lambda x: _math.floor(x + 0.5))
ceil = _rounding("ceil", "rounded up", _math.ceil)
floor = _rounding("floor", "rounded down", _math.floor)
trunc = _rounding("trunc", "without its fractional part", _math.trunc)


@function("abs", "number", "number", "The absolute value.", "abs(-3)", "3", number="The number.")
def abs_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return js_number(abs(_number("abs", arg(args, 0))))


@function(
    "min",
    "values...",
    "number",
    "The smallest number (of the arguments or an array).",
    "min(3, 1, 2)",
    "1",
    values="Numbers, or an array of numbers.",
)
def min_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("min", args)
    return js_number(min(numbers)) if numbers else _math.inf


@function(
    "max",
    "values...",
    "number",
    "The largest number (of the arguments or an array).",
    "max(3, 1, 2)",
    "3",
    values="Numbers, or an array of numbers.",
)
def max_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("max", args)
    return js_number(max(numbers)) if numbers else -_math.inf


@function(
    "sum",
    "values...",
    "number",
    "The sum of the numbers (of the arguments or an array).",
    "sum(1, 2, 3)",
    "6",
    values="Numbers, or an array of numbers.",
)
def sum_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return js_number(_math.fsum(_numbers("sum", args)))


@function(
    "average",
    "values...",
    "number",
    "The mean of the numbers.",
    "average(1, 2, 3)",
    "2",
    values="Numbers, or an array of numbers.",
)
def average(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("average", args)
    if not numbers:
        raise EvaluationError("average() needs at least one number.")
    return js_number(_math.fsum(numbers) / len(numbers))


@function(
    "parseNumber",
    "text, [decimalSeparator]",
    "number",
    "The number written in the text.",
    "parseNumber('1 234,5', ',')",
    "1234.5",
    "How Make treats thousands separators other than spaces, dots and commas is not documented.",
    text="The text holding a number.",
    decimalSeparator="`.` (default) or `,`.",
)
def parse_number(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = to_string(arg(args, 0)).strip()
    separator = "." if isinstance(arg(args, 1), Undefined) else to_string(arg(args, 1))
    thousands = "," if separator == "." else "."
    cleaned = re.sub(r"[\s\u00a0']", "", text).replace(thousands, "").replace(separator, ".")
    try:
        return js_number(float(cleaned))
    except ValueError:
        raise EvaluationError(f"parseNumber(): `{text}` is not a number.") from None


@function(
    "formatNumber",
    "number, [decimals], [decimalSeparator], [thousandsSeparator]",
    "text",
    "The number as text with fixed decimals and separators.",
    "formatNumber(1234.5, 2, ',', '.')",
    "1.234,50",
    number="The number.",
    decimals="Digits after the separator (default 0).",
    decimalSeparator="Default `,`.",
    thousandsSeparator="Default `.`.",
)
def format_number(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    number = _number("formatNumber", arg(args, 0))
    decimals = 0 if isinstance(arg(args, 1), Undefined) else int(_number("formatNumber", arg(args, 1)))
    decimal_sep = "," if isinstance(arg(args, 2), Undefined) else to_string(arg(args, 2))
    thousands_sep = "." if isinstance(arg(args, 3), Undefined) else to_string(arg(args, 3))
    whole, _, fraction = f"{abs(number):,.{max(decimals, 0)}f}".partition(".")
    text = whole.replace(",", thousands_sep) + (decimal_sep + fraction if fraction else "")
    return ("-" if number < 0 else "") + text


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    round_, ceil, floor, trunc, abs_, min_, max_, sum_, average, parse_number, format_number,
)  # fmt: skip
