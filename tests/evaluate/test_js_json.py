"""``String(number)`` and ``JSON.stringify`` as JavaScript computes them (expectations written out from node)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iml_ls.evaluate.js_json import is_array_index, number_to_string, ordered_keys, quote, stringify
from iml_ls.evaluate.values import UNDEFINED, JsValue


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (100, "100"),
        (-1.5, "-1.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123456.789, "123456.789"),
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (-2.5e-8, "-2.5e-8"),
        (1.23e-18, "1.23e-18"),
        (5e-324, "5e-324"),
        (2**53 + 1, "9007199254740992"),
        (12345678901234567890, "12345678901234567000"),
        (10**21, "1e+21"),
        (10**400, "Infinity"),
        (-(10**400), "-Infinity"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
    ],
)
def test_number_to_string_matches_javascript(number: int | float, text: str) -> None:
    assert number_to_string(number) == text


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("0", True),
        ("7", True),
        ("4294967294", True),
        ("4294967295", False),
        ("01", False),
        ("-1", False),
        ("0\n", False),
        ("1.5", False),
        ("", False),
        ("１", False),
        ("a", False),
    ],
)
def test_is_array_index(key: str, expected: bool) -> None:
    assert is_array_index(key) is expected


def test_ordered_keys_put_array_indices_first_ascending() -> None:
    obj: dict[str, JsValue] = {"b": 1, "10": 2, "a": 3, "2": 4, "01": 5, "4294967295": 6, "0": 7}
    assert ordered_keys(obj) == ["0", "2", "10", "b", "a", "01", "4294967295"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (1.0, "1"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (math.nan, "null"),
        (math.inf, "null"),
        ("é日😀", '"é日😀"'),
        ('"\\/\b\f\n\r\t', '"\\"\\\\/\\b\\f\\n\\r\\t"'),
        ("\x00\x1f\x7f", '"\\u0000\\u001f\x7f"'),
        ("\u2028\u2029", '"\u2028\u2029"'),
        ("a\ud800b", '"a\\ud800b"'),
        ("\udfff\ud800", '"\\udfff\\ud800"'),
        ("\ud83d\ude00", '"😀"'),  # a surrogate pair held as two code points is one character in JS
        (b"\x00\xff", '{"type":"Buffer","data":[0,255]}'),
        (dt.datetime(2024, 1, 2, 3, 4, 5, 6789, tzinfo=dt.timezone.utc), '"2024-01-02T03:04:05.006Z"'),
        (dt.datetime(5, 1, 1, tzinfo=dt.timezone.utc), '"0005-01-01T00:00:00.000Z"'),
        (
            dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            '"2024-01-02T01:00:00.000Z"',
        ),
        ([1, UNDEFINED, None], "[1,null,null]"),
        ({"u": UNDEFINED, "n": None}, '{"n":null}'),
        ({"b": 1, "2": [], "a": {}, "1": "x"}, '{"1":"x","2":[],"b":1,"a":{}}'),
        ({"\ud800": 1}, '{"\\ud800":1}'),
    ],
)
def test_stringify_matches_json_stringify(value: JsValue, text: str) -> None:
    assert stringify(value) == text


def test_stringify_of_undefined_is_undefined() -> None:
    assert stringify(UNDEFINED) is None


def test_stringify_with_indent_lays_out_like_json_stringify() -> None:
    value: JsValue = {"a": [1, {"b": 2}], "c": {}, "d": [], "u": UNDEFINED}
    assert (
        stringify(value, indent=2) == '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ],\n  "c": {},\n  "d": []\n}'
    )


def test_stringify_indent_is_clamped_to_ten_and_zero_is_compact() -> None:
    assert stringify([1], indent=20) == "[\n" + " " * 10 + "1\n]"
    assert stringify({"a": 1}, indent=0) == '{"a":1}'
    assert stringify({"a": 1}, indent=-3) == '{"a":1}'


def test_quote_escapes_like_json_stringify() -> None:
    assert quote('a"b') == '"a\\"b"'


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_stringify_is_valid_json_with_the_same_content(value: JsValue) -> None:
    text = stringify(value)
    assert text is not None
    assert json.loads(text) == value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_reads_back_as_the_same_double(number: float) -> None:
    assert float(number_to_string(number)) == number
