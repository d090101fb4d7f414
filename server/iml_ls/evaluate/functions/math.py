"""Numbers: rounding, min/max/sum/average/median, standard deviations, parsing and formatting, with
JavaScript's double arithmetic."""

from __future__ import annotations

import math as _math
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

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
_truncate = _keep_sign(_math.trunc)


@function(
    "trunc",
    "number, [decimals]",
    "number",
    "The number without its fractional part, or cut after `decimals` digits (never rounded up).",
    "trunc(3.14159, 2)",
    "3.14",
    "iml-ls cuts the number as JavaScript writes it in decimal (`trunc(0.29, 2)` is 0.29); a negative "
    "`decimals` sets digits before the point to zero (`trunc(1234, -2)` is 1200).",
    number="A number (or text holding one).",
    decimals="How many digits to keep after the decimal point (default 0).",
)
def trunc(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    number = number_argument("trunc", arg(args, 0))
    decimals = 0 if is_absent(arg(args, 1)) else integer_argument(number_argument("trunc", arg(args, 1)), 0)
    if not _math.isfinite(number) or decimals == 0:
        return js_number(number if not _math.isfinite(number) else _truncate(number))
    if decimals > MAX_DECIMALS or decimals < -400:
        return js_number(number if decimals > 0 else _math.copysign(0.0, number))
    exact = Decimal(number_to_string(number)).quantize(Decimal(1).scaleb(-decimals), ROUND_DOWN, context=_EXACT)
    return js_number(_math.copysign(float(exact), number) if exact == 0 else float(exact))


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
    "median",
    "values...",
    "number",
    "The middle of the numbers in order (the mean of the two middle ones for an even count).",
    "median(3, 1, 4, 1)",
    "2",
    "With no numbers at all the result is null here, as Make's library is reported to give.",
    values="Numbers, or arrays of numbers.",
)
def median(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    numbers = sorted(_numbers("median", args))
    if not numbers:
        return None
    middle = len(numbers) // 2
    return js_number(numbers[middle] if len(numbers) % 2 else (numbers[middle - 1] + numbers[middle]) / 2)


def _deviation(name: str, kind: str, divisor_offset: int, example_result: str) -> BuiltinFunction:
    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        numbers = _numbers(name, args)
        count = len(numbers) - divisor_offset
        if count <= 0:
            return _math.nan
        mean = _js_sum(numbers) / len(numbers)
        return js_number(_math.sqrt(_js_sum([(number - mean) ** 2 for number in numbers]) / count))

    divisor = "count - 1" if divisor_offset else "count"
    return function(
        name,
        "values...",
        "number",
        f"The {kind} standard deviation of the numbers (the squared deviations divided by {divisor}).",
        f"{name}(2, 4, 4, 4, 5, 5, 7, 9)",
        example_result,
        f"With {'fewer than two numbers' if divisor_offset else 'no numbers'} the result is NaN here (a division "
        "by zero); Make's result is not documented.",
        values="Numbers, or arrays of numbers.",
    )(implementation)


stdev_s = _deviation("stdevS", "sample", 1, "2.138089935299395")
stdev_p = _deviation("stdevP", "population", 0, "2")


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
    "number, decimals, [decimalSeparator], [thousandsSeparator]",
    "text",
    "The number as text with a fixed number of decimals and the given separators.",
    "formatNumber(1234567.891, 2, '.', ',')",
    "1,234,567.89",
    "The default separators (`,` for decimals, `.` for thousands) follow Make's scenario documentation; "
    "halves are rounded away from zero, as JavaScript's toFixed does.",
    number="The number.",
    decimals=f"Digits after the decimal separator (0 to {MAX_DECIMALS}).",
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
    round_, ceil, floor, trunc, abs_, min_, max_, sum_, average, median, stdev_s, stdev_p, parse_number,
    format_number,
)  # fmt: skip
