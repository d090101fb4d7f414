"""Numbers: rounding, min/max/sum/average, parsing and formatting, with JavaScript's double arithmetic."""

from __future__ import annotations

import math as _math
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

from iml_ls.evaluate.coerce import JS_WHITESPACE, js_number, to_number
from iml_ls.evaluate.functions.spec import (
    BuiltinFunction,
    arg,
    function,
    integer_argument,
    is_absent,
    number_argument,
    optional_text,
)
from iml_ls.evaluate.js_json import number_to_string
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue

MAX_DECIMALS = 100
"""JavaScript's ``toFixed`` refuses more decimals than this, and so does ``formatNumber``."""
_EXACT = Context(prec=1000)
"""Enough digits for any double with up to :data:`MAX_DECIMALS` decimals."""


def _js_round(number: float) -> float:
    """``Math.round``: halves go up (``-2.5`` → ``-2``), exactly, without the ``x + 0.5`` rounding error."""
    whole = float(_math.floor(number))
    rounded = whole + 1 if number - whole >= 0.5 else whole
    return _math.copysign(rounded, number) if rounded == 0 else rounded


def _keep_sign(operation: Callable[[float], int]) -> Callable[[float], float]:
    """JavaScript keeps the sign of a zero result (``Math.ceil(-0.5)`` is ``-0``)."""
    return lambda number: _math.copysign(0.0, number) if operation(number) == 0 else float(operation(number))


def _rounding(name: str, how: str, operation: Callable[[float], float], example: str) -> BuiltinFunction:
    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        number = number_argument(name, arg(args, 0))
        return js_number(number if not _math.isfinite(number) else operation(number))

    return function(
        name,
        "number",
        "number",
        f"The number {how}.",
        f"{name}({example})",
        number_to_string(operation(float(example))),
        number="A number (or text holding one).",
    )(implementation)


round_ = _rounding("round", "rounded to the nearest integer (halves up, as JavaScript's Math.round)", _js_round, "2.5")
ceil = _rounding("ceil", "rounded up to an integer", _keep_sign(_math.ceil), "1.2")
floor = _rounding("floor", "rounded down to an integer", _keep_sign(_math.floor), "1.8")
trunc = _rounding("trunc", "without its fractional part", _keep_sign(_math.trunc), "-1.8")


@function("abs", "number", "number", "The absolute value.", "abs(-3)", "3", number="A number (or text holding one).")
def abs_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return js_number(abs(number_argument("abs", arg(args, 0))))


def _numbers(name: str, args: Sequence[JsValue]) -> list[float]:
    """All arguments as numbers; an array argument contributes its items (``sum(1, 2)``, ``sum(array)``)."""
    values: list[JsValue] = []
    for value in args:
        values.extend(value if isinstance(value, list) else [value])
    return [number_argument(name, value) for value in values]


def _js_sum(numbers: Sequence[float]) -> float:
    """Left-to-right double addition, as a JavaScript loop adds (``sum(0.1, 0.2)`` is 0.30000000000000004)."""
    total = 0.0
    for number in numbers:
        total += number
    return total


@function(
    "min",
    "values...",
    "number",
    "The smallest of the numbers (given one by one or as an array).",
    "min(3, 1, 2)",
    "1",
    "With no numbers at all the result is Infinity here (JavaScript's Math.min()); Make's is not documented.",
    values="Numbers, or arrays of numbers.",
)
def min_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("min", args)
    return js_number(min(numbers)) if numbers else _math.inf


@function(
    "max",
    "values...",
    "number",
    "The largest of the numbers (given one by one or as an array).",
    "max(3, 1, 2)",
    "3",
    "With no numbers at all the result is -Infinity here (JavaScript's Math.max()); Make's is not documented.",
    values="Numbers, or arrays of numbers.",
)
def max_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("max", args)
    return js_number(max(numbers)) if numbers else -_math.inf


@function(
    "sum",
    "values...",
    "number",
    "The sum of the numbers (given one by one or as an array); 0 when there are none.",
    "sum(1, 2, 3.5)",
    "6.5",
    values="Numbers, or arrays of numbers.",
)
def sum_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return js_number(_js_sum(_numbers("sum", args)))


@function(
    "average",
    "values...",
    "number",
    "The mean of the numbers (given one by one or as an array).",
    "average(1, 2, 4)",
    "2.3333333333333335",
    values="Numbers, or arrays of numbers.",
)
def average(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = _numbers("average", args)
    if not numbers:
        raise EvaluationError("average() needs at least one number.")
    return js_number(_js_sum(numbers) / len(numbers))


@function(
    "parseNumber",
    "text, [decimalSeparator]",
    "number",
    "The number written in the text, ignoring spaces and the thousands separator.",
    "parseNumber('1 234,5', ',')",
    "1234.5",
    "The thousands separator is taken to be the other one of `.` and `,`; how Make reads other separators, "
    "currency signs or exponents is not documented.",
    text="The text holding a number, e.g. `'1,234.50'`.",
    decimalSeparator="`.` (default) or `,`.",
)
def parse_number(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return js_number(value)
    text = optional_text("parseNumber", value, "")
    separator = optional_text("parseNumber", arg(args, 1), ".")
    thousands = "," if separator == "." else "."
    cleaned = re.sub(f"[{re.escape(JS_WHITESPACE)}']", "", text).replace(thousands, "")
    if separator:
        cleaned = cleaned.replace(separator, ".")
    number = to_number(cleaned) if cleaned else _math.nan
    if _math.isnan(number) or cleaned.lower().startswith(("0x", "0o", "0b")):
        raise EvaluationError(f"parseNumber(): '{text}' is not a number.")
    return js_number(number)


@function(
    "formatNumber",
    "number, [decimals], [decimalSeparator], [thousandsSeparator]",
    "text",
    "The number as text with a fixed number of decimals and the given separators.",
    "formatNumber(1234567.891, 2, '.', ',')",
    "1,234,567.89",
    "The default separators (`,` for decimals, `.` for thousands) follow Make's scenario documentation; "
    "halves are rounded away from zero, as JavaScript's toFixed does.",
    number="The number.",
    decimals=f"Digits after the decimal separator (default 0, at most {MAX_DECIMALS}).",
    decimalSeparator="Default `,`.",
    thousandsSeparator="Default `.`.",
)
def format_number(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    number = number_argument("formatNumber", arg(args, 0))
    decimals = 0 if is_absent(arg(args, 1)) else integer_argument(number_argument("formatNumber", arg(args, 1)), 0)
    if not 0 <= decimals <= MAX_DECIMALS:
        raise EvaluationError(f"formatNumber(): decimals must be between 0 and {MAX_DECIMALS}, got {decimals}.")
    decimal_separator = optional_text("formatNumber", arg(args, 2), ",")
    thousands_separator = optional_text("formatNumber", arg(args, 3), ".")
    if not _math.isfinite(number):
        return number_to_string(number)
    exact = Decimal(abs(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_EXACT)
    whole, _, fraction = f"{exact:f}".partition(".")
    text = _group_thousands(whole, thousands_separator) + (decimal_separator + fraction if fraction else "")
    return ("-" if number < 0 and exact != 0 else "") + text


def _group_thousands(digits: str, separator: str) -> str:
    """``1234567`` → ``1.234.567`` (with separator ``.``)."""
    head = len(digits) % 3 or 3
    return separator.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    round_, ceil, floor, trunc, abs_, min_, max_, sum_, average, parse_number, format_number,
)  # fmt: skip
