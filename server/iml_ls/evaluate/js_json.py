"""JavaScript's ``String(number)`` and ``JSON.stringify``, reproduced exactly.

Make's runtime is JavaScript: a token signed by ``jwt()`` or a preview of a ``{{…}}`` value is only
right byte for byte when numbers, key order and string escapes follow the JS rules, which differ
from Python's ``json.dumps`` (``1.0`` vs ``1``, ``1e-07`` vs ``1e-7``, integer-like keys first,
lone surrogates escaped, non-ASCII kept raw).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import Decimal

from iml_ls.evaluate.values import JsValue, Undefined

_MAX_ARRAY_INDEX = 4_294_967_294
_ARRAY_INDEX_RE = re.compile(r"0|[1-9][0-9]{0,9}")
_NEEDS_ESCAPE_RE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MAX_INDENT = 10


def number_to_string(x: int | float) -> str:
    """Format a number as JavaScript's ``Number.prototype.toString()`` does.

    Python ints are JS doubles in the value model, so integers beyond 2**53 are first rounded to the
    nearest double (``12345678901234567890`` → ``"12345678901234567000"``).

    >>> [number_to_string(v) for v in (1.0, -0.0, 1e21, 1e-7, 0.1 + 0.2, float("nan"))]
    ['1', '0', '1e+21', '1e-7', '0.30000000000000004', 'NaN']
    """
    try:
        value = float(x)
    except OverflowError:
        value = math.inf if x > 0 else -math.inf
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _positive_number_to_string(-value)
    return _positive_number_to_string(value)


def _positive_number_to_string(value: float) -> str:
    """ECMAScript Number::toString for a finite positive double (shortest round-trip digits)."""
    sign_and_digits = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, sign_and_digits.digits)).rstrip("0")
    exponent = sign_and_digits.exponent
    assert isinstance(exponent, int)
    # value == 0.<digits> × 10**n, with k significant digits
    k = len(digits)
    n = exponent + len(sign_and_digits.digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    power = n - 1
    exponent_text = ("+" if power >= 0 else "-") + str(abs(power))
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return mantissa + "e" + exponent_text


def is_array_index(key: str) -> bool:
    """Whether ``key`` is a canonical JS array index ("0" … "4294967294"), which JS orders first.

    ``"01"``, ``"-1"`` and ``"0\\n"`` are ordinary keys (hence ``fullmatch``, not ``$``).
    """
    return _ARRAY_INDEX_RE.fullmatch(key) is not None and int(key) <= _MAX_ARRAY_INDEX


def ordered_keys(obj: dict[str, JsValue]) -> list[str]:
    """The keys in JS property order: array indices ascending, then the rest in insertion order."""
    index_keys = sorted((key for key in obj if is_array_index(key)), key=int)
    return index_keys + [key for key in obj if not is_array_index(key)]


def quote(text: str) -> str:
    """A JS string literal as ``JSON.stringify`` writes it (well-formed: lone surrogates escaped)."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # Adjacent high+low surrogates are one character in JS: join them so only lone ones remain.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return '"' + _NEEDS_ESCAPE_RE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def date_to_iso_string(value: _dt.datetime) -> str:
    """``Date.prototype.toISOString()``: UTC, millisecond precision (``2024-01-02T03:04:05.006Z``)."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
        f"{value.second:02d}.{value.microsecond // 1000:03d}Z"
    )


def stringify(value: JsValue, indent: int = 0) -> str | None:
    """``JSON.stringify(value, null, indent)``; ``None`` where JS returns ``undefined``.

    >>> stringify({"b": 1.0, "2": [None, float("inf")], "a": "é"})
    '{"2":[null,null],"b":1,"a":"é"}'
    """
    gap = " " * min(max(indent, 0), _MAX_INDENT)
    return _serialize(value, gap, "")


def _serialize(value: JsValue, gap: str, current_indent: str) -> str | None:
    if isinstance(value, Undefined):
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = number_to_string(value)
        return "null" if text in ("NaN", "Infinity", "-Infinity") else text
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, _dt.datetime):
        return quote(date_to_iso_string(value))
    if isinstance(value, bytes):
        return _serialize({"type": "Buffer", "data": list(value)}, gap, current_indent)
    if isinstance(value, list):
        inner_indent = current_indent + gap
        items = [_serialize(item, gap, inner_indent) or "null" for item in value]
        return _join(items, "[", "]", gap, current_indent)
    if isinstance(value, dict):
        inner_indent = current_indent + gap
        colon = ": " if gap else ":"
        members = []
        for key in ordered_keys(value):
            member = _serialize(value[key], gap, inner_indent)
            if member is not None:
                members.append(quote(key) + colon + member)
        return _join(members, "{", "}", gap, current_indent)
    raise TypeError(f"not a JS value: {type(value).__name__}")


def _join(parts: list[str], opening: str, closing: str, gap: str, current_indent: str) -> str:
    """Join serialised members, laid out the way ``JSON.stringify`` does with and without a gap."""
    if not parts:
        return opening + closing
    if not gap:
        return opening + ",".join(parts) + closing
    inner_indent = current_indent + gap
    separator = ",\n" + inner_indent
    return opening + "\n" + inner_indent + separator.join(parts) + "\n" + current_indent + closing
