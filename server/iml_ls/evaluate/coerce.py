"""JavaScript's conversions and operators, as IML applies them (IML is evaluated by JavaScript at Make).

The operators follow JavaScript: ``+`` joins text when either side is text (or a date, an array, a
collection or binary data, which JavaScript turns into text first) and adds numbers otherwise;
``- * / %`` work on numbers, so division by zero gives ``Infinity`` (or ``NaN`` for ``0 / 0``)
instead of an error; ``< <= > >=`` compare two texts by UTF-16 code units and anything else as
numbers. Where IML deliberately differs from JavaScript it is said here:

* text interpolation (``"Bearer {{token}}"``) writes ``null`` and ``undefined`` as empty text
  (:func:`to_text`), while :func:`to_string` is JavaScript's ``String()``;
* dates become ISO 8601 text (``2023-11-14T22:13:20.000Z``), the form Make shows, not JavaScript's
  ``Tue Nov 14 2023 …``;
* equality is always strict, and arrays and collections compare by value (see :func:`strict_equals`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from typing import TypeGuard

from iml_ls.evaluate.js_json import date_to_iso_string, number_to_string, stringify
from iml_ls.evaluate.values import EvaluationError, JsValue, Undefined

MAX_SAFE_INTEGER = 2**53
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JavaScript's ``trim()`` and ``Number()`` strip (Python's ``str.strip()`` differs slightly)."""

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DECIMAL_TEXT = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_RADIX_TEXT = re.compile(r"0(?:[xX](?P<hex>[0-9a-fA-F]+)|[oO](?P<oct>[0-7]+)|[bB](?P<bin>[01]+))")
_RELATIONS: dict[str, Callable[[int], bool]] = {
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


def js_number(value: float | int) -> float | int:
    """A number as iml-ls stores it: integral values within ±2**53 as ``int``, others as ``float``.

    ``-0.0``, ``NaN`` and the infinities stay floats, so that ``1 / -0`` is still ``-Infinity``.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= MAX_SAFE_INTEGER else to_float(value)
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and abs(value) <= MAX_SAFE_INTEGER
        and not is_negative_zero(value)
    ):
        return int(value)
    return value


def parse_json_text(text: str) -> JsValue:
    """``JSON.parse``: numbers become doubles (``-0`` stays negative zero, integers beyond 2**53 are
    rounded), ``NaN`` and ``Infinity`` are not JSON; raises ``ValueError`` on text that is not JSON."""
    value: JsValue = json.loads(text, parse_int=_json_integer, parse_constant=_not_json)
    return value


def _json_integer(text: str) -> int | float:
    return -0.0 if text == "-0" else js_number(int(text))


def _not_json(name: str) -> JsValue:
    raise ValueError(f"{name} is not JSON")


def to_float(value: float | int) -> float:
    """The double nearest to a number; integers too large for a double become ±Infinity, as in JS."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def is_negative_zero(value: float | int) -> bool:
    return value == 0 and math.copysign(1.0, value) < 0


def is_number(value: JsValue) -> TypeGuard[int | float]:
    """Whether the value is a JS number (Python's ``bool`` is an ``int``, but not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def type_name(value: JsValue) -> str:
    """Make's word for a value's type, for messages: text, number, boolean, date, binary, array…"""
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


def describe(value: JsValue) -> str:
    """A value's type as a phrase for messages: "a number", "an array", "text", "null"."""
    name = type_name(value)
    phrases = {"text": "text", "binary": "binary data", "null": "null", "undefined": "undefined", "array": "an array"}
    return phrases.get(name, "a " + name)


def to_code_units(text: str) -> str:
    """The text as JavaScript sees it: one character per UTF-16 code unit (an emoji becomes its two
    surrogates), so that Python's positions, lengths and searches are JavaScript's."""
    return _ASTRAL.sub(_surrogate_pair, text)


def _surrogate_pair(match: re.Match[str]) -> str:
    offset = ord(match.group()) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def from_code_units(units: str) -> str:
    """Undo :func:`to_code_units`: surrogate pairs become one character again; lone halves stay."""
    if not _SURROGATE.search(units):
        return units
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def bytes_to_text(data: bytes) -> str:
    """Binary data as text, the way Node's ``buffer.toString()`` decodes UTF-8 (bad bytes become �)."""
    return data.decode("utf-8", "replace")


def to_string(value: JsValue) -> str:
    """JavaScript's ``String(value)``, except that a date gives its ISO 8601 form."""
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
        return bytes_to_text(value)
    if isinstance(value, dt.datetime):
        return date_to_iso_string(value)
    if isinstance(value, list):
        return ",".join("" if item is None or isinstance(item, Undefined) else to_string(item) for item in value)
    return "[object Object]"


def to_text(value: JsValue) -> str:
    """How a value is written into text around ``{{…}}`` (and by ``toString()``).

    As :func:`to_string`, but ``null`` and ``undefined`` give empty text (``"Bearer {{temp.none}}"``
    is ``"Bearer "``) and a collection is written as JSON, as Make shows objects in text.
    """
    if value is None or isinstance(value, Undefined):
        return ""
    if isinstance(value, dict):
        return stringify(value) or ""
    return to_string(value)


def to_number(value: JsValue) -> float | int:
    """JavaScript's ``Number(value)``: ``NaN`` when the value is not a number.

    ``Number('')`` and ``Number(null)`` are 0, ``Number('0x1F')`` is 31, a date gives its
    milliseconds since 1970, binary data is read as its text.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        return _text_to_number(value)
    if isinstance(value, dt.datetime):
        return js_number(_milliseconds(value))
    if isinstance(value, bytes | list):
        return _text_to_number(to_string(value))
    return math.nan


def _text_to_number(value: str) -> float | int:
    text = value.strip(JS_WHITESPACE)
    if not text:
        return 0
    if _DECIMAL_TEXT.fullmatch(text):
        return js_number(float(text))
    radix = _RADIX_TEXT.fullmatch(text)
    if radix is None:
        return math.nan
    digits, base = next((radix[name], base) for name, base in (("hex", 16), ("oct", 8), ("bin", 2)) if radix[name])
    return js_number(int(digits, base))


def _milliseconds(value: dt.datetime) -> int:
    """A date's time value (whole milliseconds since 1970), computed exactly."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    since_epoch = value - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return since_epoch // dt.timedelta(milliseconds=1)


def is_truthy(value: JsValue) -> bool:
    """JavaScript truthiness: ``false, 0, NaN, '', null, undefined`` are false; arrays are always true."""
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
    """Make's "empty" (what ``ifempty()`` replaces): undefined, null, empty text or an empty array."""
    return value is None or isinstance(value, Undefined) or value == "" or value == []


def strict_equals(left: JsValue, right: JsValue) -> bool:
    """IML's equality (``=``, ``==`` and ``===`` are all strict): same type and same value.

    Unlike JavaScript, arrays, collections and binary data compare by value (``[1] = [1]`` is true),
    and dates by their time, because IML values are data that came from JSON, never shared objects.
    ``NaN`` equals nothing and ``0`` equals ``-0``, as in JavaScript.
    """
    if is_number(left) and is_number(right):
        return to_float(left) == to_float(right)
    if type_name(left) != type_name(right):
        return False
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(strict_equals, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(strict_equals(left[key], right[key]) for key in left)
    return left == right


def to_primitive(value: JsValue, prefer_number: bool = False) -> JsValue:
    """JavaScript's ToPrimitive: arrays, collections and binary data become text; dates become text,
    or their milliseconds when a number is preferred (as ``<`` and ``-`` prefer)."""
    if isinstance(value, dt.datetime):
        return js_number(_milliseconds(value)) if prefer_number else to_string(value)
    if isinstance(value, list | dict | bytes):
        return to_string(value)
    return value


def add(left: JsValue, right: JsValue) -> JsValue:
    """``+``: text concatenation when either side is (or becomes) text, number addition otherwise.

    ``'a' + 1`` is ``'a1'``, ``1 + null`` is 1, ``now + 1`` is the date's ISO text followed by ``1``
    (JavaScript concatenates dates too; whether Make's runtime does the same is unverified).
    """
    left, right = to_primitive(left), to_primitive(right)
    if isinstance(left, str) or isinstance(right, str):
        return to_string(left) + to_string(right)
    return js_number(to_float(to_number(left)) + to_float(to_number(right)))


def arithmetic(op: str, left: JsValue, right: JsValue) -> float | int:
    """``- * / %`` with JavaScript's results: ``1 / 0`` is Infinity, ``0 / 0`` and ``5 % 0`` are NaN."""
    a = to_float(to_number(to_primitive(left, prefer_number=True)))
    b = to_float(to_number(to_primitive(right, prefer_number=True)))
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


def negate(value: JsValue) -> float | int:
    """Unary ``-`` (``-0`` stays a negative zero, as in JavaScript)."""
    return js_number(-to_float(to_number(to_primitive(value, prefer_number=True))))


def compare(op: str, left: JsValue, right: JsValue) -> bool:
    """``< <= > >=``: two texts compare by UTF-16 code units (``'B' < 'a'``), anything else as numbers;
    a comparison with ``NaN`` (``'abc' < 1``) is false both ways."""
    relation = _RELATIONS.get(op)
    if relation is None:
        raise EvaluationError(f"Unknown operator `{op}`.")
    left, right = to_primitive(left, prefer_number=True), to_primitive(right, prefer_number=True)
    if isinstance(left, str) and isinstance(right, str):
        a16, b16 = left.encode("utf-16-be", "surrogatepass"), right.encode("utf-16-be", "surrogatepass")
        return relation((a16 > b16) - (a16 < b16))
    a, b = to_float(to_number(left)), to_float(to_number(right))
    if math.isnan(a) or math.isnan(b):
        return False
    return relation((a > b) - (a < b))


def binary_operator(op: str, left: JsValue, right: JsValue) -> JsValue:
    """Every binary operator except ``&&``/``||`` (which short-circuit in the evaluator)."""
    if op == "+":
        return add(left, right)
    if op in ("-", "*", "/", "%"):
        return arithmetic(op, left, right)
    if op in _RELATIONS:
        return compare(op, left, right)
    if op in ("=", "==", "==="):
        return strict_equals(left, right)
    if op in ("!=", "!=="):
        return not strict_equals(left, right)
    raise EvaluationError(f"Unknown operator `{op}`.")
