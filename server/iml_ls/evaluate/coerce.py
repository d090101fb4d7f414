"""JavaScript's conversions and operators, as IML applies them (IML is evaluated by JavaScript at Make).

Where IML differs from JavaScript it is said here: text interpolation writes ``null`` and
``undefined`` as empty text, and equality is always strict.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from iml_ls.evaluate.js_json import number_to_string, stringify
from iml_ls.evaluate.values import EvaluationError, JsValue, Undefined

MAX_SAFE_INTEGER = 2**53
_NUMBER_TEXT = re.compile(r"\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Infinity)\s*")


def js_number(value: float | int) -> float | int:
    """A number as iml-ls stores it: integral values within ±2**53 as ``int``, others as ``float``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= MAX_SAFE_INTEGER else float(value)
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and abs(value) <= MAX_SAFE_INTEGER
        and not _negative_zero(value)
    ):
        return int(value)
    return value


def _negative_zero(value: float) -> bool:
    return value == 0 and math.copysign(1.0, value) < 0


def is_number(value: JsValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def type_name(value: JsValue) -> str:
    """Make's word for a value's type, for messages."""
    if isinstance(value, Undefined):
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bytes):
        return "binary"
    if isinstance(value, dt.datetime):
        return "date"
    return "array" if isinstance(value, list) else "collection"


def to_string(value: JsValue) -> str:
    """JavaScript's ``String(value)``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Undefined):
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_to_string(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dt.datetime):
        return stringify(value) or ""
    if isinstance(value, list):
        return ",".join("" if item is None or isinstance(item, Undefined) else to_string(item) for item in value)
    return "[object Object]"


def to_text(value: JsValue) -> str:
    """How a value is written into text around ``{{…}}``: as ``String()``, but null/undefined are empty.

    Dates are written in ISO form; collections as JSON (Make shows objects as JSON in text).
    """
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, dict):
        return stringify(value) or ""
    if isinstance(value, dt.datetime):
        return (stringify(value) or "").strip('"')
    return to_string(value)


def to_number(value: JsValue) -> float | int:
    """JavaScript's ``Number(value)`` (NaN when it is not a number)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
            return int(text, 16)
        if _NUMBER_TEXT.fullmatch(text):
            return js_number(float(text))
        return math.nan
    if isinstance(value, dt.datetime):
        return js_number(value.timestamp() * 1000)
    if isinstance(value, list):
        return to_number(to_string(value))
    return math.nan


def is_truthy(value: JsValue) -> bool:
    """JavaScript truthiness (empty text, 0, NaN, null and undefined are false)."""
    if value is None or isinstance(value, Undefined):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def is_empty(value: JsValue) -> bool:
    """Make's "empty": undefined, null, empty text or an empty array."""
    return value is None or isinstance(value, Undefined) or value == "" or value == []


def strict_equals(left: JsValue, right: JsValue) -> bool:
    """IML's equality (``=``, ``==`` and ``===`` are all strict): same type and same value.

    Unlike JavaScript, arrays and collections compare by value, and dates by their time, because IML
    values are data that came from JSON, never shared objects.
    """
    if is_number(left) and is_number(right):
        return float(left) == float(right)  # type: ignore[arg-type]
    if type_name(left) != type_name(right):
        return False
    return left == right


def add(left: JsValue, right: JsValue) -> JsValue:
    """``+``: text concatenation when either side is text, number addition otherwise."""
    if isinstance(left, str) or isinstance(right, str):
        return to_string(left) + to_string(right)
    if isinstance(left, dt.datetime) or isinstance(right, dt.datetime) or isinstance(left, list | dict):
        return to_string(left) + to_string(right)
    return js_number(to_number(left) + to_number(right))


def arithmetic(op: str, left: JsValue, right: JsValue) -> float | int:
    """``- * / %`` with JavaScript's results (division by zero gives Infinity or NaN)."""
    a, b = float(to_number(left)), float(to_number(right))
    if op == "-":
        return js_number(a - b)
    if op == "*":
        return js_number(a * b)
    if op == "/":
        if b == 0:
            return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1, b)
        return js_number(a / b)
    if op == "%":
        if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
            return math.nan
        if math.isinf(b):
            return js_number(a)
        return js_number(math.fmod(a, b))
    raise EvaluationError(f"Unknown operator `{op}`.")


def compare(op: str, left: JsValue, right: JsValue) -> bool:
    """``< <= > >=``: text compares by UTF-16 code units when both sides are text, otherwise as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        a16, b16 = left.encode("utf-16-be", "surrogatepass"), right.encode("utf-16-be", "surrogatepass")
        return {"<": a16 < b16, "<=": a16 <= b16, ">": a16 > b16, ">=": a16 >= b16}[op]
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def binary_operator(op: str, left: JsValue, right: JsValue) -> JsValue:
    """Every binary operator except ``&&``/``||`` (which short-circuit in the evaluator)."""
    if op == "+":
        return add(left, right)
    if op in ("-", "*", "/", "%"):
        return arithmetic(op, left, right)
    if op in ("<", "<=", ">", ">="):
        return compare(op, left, right)
    if op in ("=", "==", "==="):
        return strict_equals(left, right)
    if op in ("!=", "!=="):
        return not strict_equals(left, right)
    raise EvaluationError(f"Unknown operator `{op}`.")
