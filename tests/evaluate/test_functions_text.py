"""Text functions, called directly, with empty, null, undefined and wrong-type arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from iml_ls.evaluate.values import UNDEFINED, EvaluationError, EvaluationLimitError, JsValue

from .conftest import call, small_context

EMOJI = "\U0001f600"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Make",), 4), (("",), 0), ((EMOJI,), 2), ((None,), 0), ((UNDEFINED,), 0), (([1, [2, 3]],), 2),
        ((b"\x00\x01\x02",), 3), ((12345,), 5), ((True,), 4),
    ],
)  # fmt: skip
def test_length(args: tuple[JsValue, ...], expected: int) -> None:
    assert call("length", *args) == expected


def test_length_of_a_collection_points_to_keys() -> None:
    with pytest.raises(EvaluationError, match=r"length\(\) expects text or an array, got a collection"):
        call("length", {"a": 1})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("lower", "ÀBC", "àbc"), ("lower", "", ""), ("lower", None, ""), ("lower", 12, "12"),
        ("upper", "straße", "STRASSE"), ("upper", UNDEFINED, ""), ("upper", False, "FALSE"),
        ("capitalize", "make app", "Make app"), ("capitalize", "mAKE", "MAKE"), ("capitalize", "", ""),
        ("capitalize", "école", "École"), ("startcase", "hello WORLD", "Hello World"),
        ("startcase", "  two  spaces ", "  Two  Spaces "), ("startcase", None, ""),
        ("trim", "  a b \n\t", "a b"), ("trim", "\ufeff\u00a0x\u2028", "x"), ("trim", "\x1cx", "\x1cx"), ("trim", None, ""),
    ],
)  # fmt: skip
def test_case_and_trimming(name: str, value: JsValue, expected: str) -> None:
    assert call(name, value) == expected


@pytest.mark.parametrize("name", ["lower", "upper", "capitalize", "startcase", "trim", "replace", "split"])
def test_text_functions_refuse_arrays_and_collections(name: str) -> None:
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects text, got an array"):
        call(name, ["a"], "a", "b")
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects text, got a collection"):
        call(name, {}, "a", "b")


def test_dates_and_binary_become_text() -> None:
    date = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert call("upper", date) == "2024-01-02T00:00:00.000Z"
    assert call("lower", b"ABC") == "abc"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("a-b-c", "-", "+"), "a+b+c"),
        (("a-b-c", "-", ""), "abc"),
        (("abc", "", "x"), "abc"),
        (("a.b", ".", "$&$&"), "a$&$&b"),  # plain text search: the replacement is literal
        (("aaa", "aa", "b"), "ba"),
        ((None, "a", "b"), ""),
        (("a1b22", "/\\d+/g", "#"), "a#b#"),
        (("a1b22", "/\\d+/", "#"), "a#b22"),
        (("AbA", "/a/gi", "x"), "xbx"),
        (("John Smith", "/(\\w+) (\\w+)/", "$2, $1"), "Smith, John"),
        (("abc", "/b/", "[$`|$&|$']"), "a[a|b|c]c"),
        (("abc", "/b/", "$$"), "a$c"),
        (("abc", "/b/", "$1"), "a$1c"),  # no such group: literal, as in JavaScript
        (("2024-01", "/(?<y>\\d{4})-(?<m>\\d{2})/", "$<m>/$<y>"), "01/2024"),
        (("abab", "/(a)(b)\\1\\2/", "x"), "x"),
        (("a\nb", "/a.b/", "x"), "a\nb"),  # . stops at line breaks
        (("a\nb", "/a.b/s", "x"), "x"),
        (("12\n", "/\\d$/", "x"), "12\n"),  # $ is the very end without the m flag
        (("1\n2", "/\\d$/gm", "x"), "x\nx"),
        (("١٢3", "/\\d/g", "x"), "١٢x"),  # \d is ASCII
        (("a/b", "/\\//g", "-"), "a-b"),
        (("path/to/", "/to/", "from"), "path/from/"),
        (("xyz", "/[^]/g", "."), "..."),
        (("x-y", "/[\\w]/g", "_"), "_-_"),
        (("e", "/\\e/", "E"), "E"),  # an unknown escape is the letter itself
        (("abc", "/x*/g", "-"), "-a-b-c-"),
        (("baac", "/a*/g", "-"), "-b--c-"),
        (("café bar", "/\\b\\w/g", "X"), "Xafé Xar"),
        (("café bar", "/\\w\\b/g", "X"), "caXé baX"),  # \b and \w are ASCII: é is not a letter
        (("a\x1cb c", "/\\s/g", "_"), "a\x1cb_c"),  # \s is JavaScript's white space
        (("a\ufeffb", "/[\\s]/g", "_"), "a_b"),
        (("ab", "/\\Bb/", "X"), "aX"),
        (("a\bb", "/[\\b]/", "X"), "aXb"),  # in a class, \b is a backspace
    ],
)
def test_replace(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("replace", *args) == expected


@pytest.mark.parametrize("pattern", ["/(a+)+b/", "/(\\w*\\s?)*$/", "/((ab)*c)+/", "/(?:a|b+){2,}/", "/(x?)+/"])
def test_replace_refuses_patterns_that_backtrack_catastrophically(pattern: str) -> None:
    with pytest.raises(EvaluationLimitError, match="repeats a group that itself repeats"):
        call("replace", "a" * 40 + "!", pattern, "x")


@pytest.mark.parametrize("pattern", ["/(\\d{3}){2}/", "/(ab)+/", "/(a|b)+c/", "/(a+)?/", "/(?:a+){2}/"])
def test_replace_accepts_safe_repeated_groups(pattern: str) -> None:
    assert isinstance(call("replace", "ab", pattern, "x"), str)


@pytest.mark.parametrize("pattern", ["/(/", "/a)/", "/[a/", "/*/", "/a/y", "/\\u{1F600}/u"])
def test_replace_reports_invalid_patterns(pattern: str) -> None:
    with pytest.raises(EvaluationError):
        call("replace", "abc", pattern, "x")


def test_replace_respects_the_text_budget() -> None:
    context = small_context(max_string_length=100)
    with pytest.raises(EvaluationLimitError, match="longer than 100 characters"):
        call("replace", "a" * 50, "a", "bbb", context=context)
    with pytest.raises(EvaluationLimitError, match="longer than 100 characters"):
        call("replace", "a" * 50, "/a/g", "$&$&$&", context=context)
    with pytest.raises(EvaluationLimitError, match="at most 100,000 characters"):
        call("replace", "a" * 100_001, "/a/", "b")
    assert call("replace", "a" * 50, "a", "bb", context=context) == "b" * 100


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Hello", 1, 3), "el"), (("Hello", 3), "lo"), (("Hello", 3, 1), "el"), (("Hello", -2, 2), "He"),
        (("Hello", 2, 100), "llo"), (("Hello", "1", "2"), "e"), (("Hello", "x", 2), "He"), (("Hello", 1.7), "ello"),
        (("Hello", float("inf")), ""), (("Hello", float("-inf"), float("nan")), ""), ((None, 0, 1), ""),
        (("a" + EMOJI + "b", 1, 3), EMOJI), (("a" + EMOJI + "b", 2), "\ude00b"),
    ],
)  # fmt: skip
def test_substring_counts_utf16_units_from_zero(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("substring", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("a,b,c", ","), ["a", "b", "c"]), (("a,b,", ","), ["a", "b", ""]), (("", ","), [""]), (("abc", ""), ["a", "b", "c"]),
        (("abc",), ["abc"]), ((None, ","), [""]), (("a1b1c", 1), ["a", "b", "c"]), (("x" + EMOJI, ""), ["x", "\ud83d", "\ude00"]),
    ],
)  # fmt: skip
def test_split(args: tuple[JsValue, ...], expected: list[JsValue]) -> None:
    assert call("split", *args) == expected


def test_split_respects_the_item_budget() -> None:
    with pytest.raises(EvaluationLimitError, match="longer than 10 items"):
        call("split", "a" * 11, "", context=small_context(max_collection_length=10))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["a", None, 1.5, {"k": "v"}], "|"), 'a||1.5|{"k":"v"}'), ((["a", "b"],), "a,b"), (([], "-"), ""),
        ((None, "-"), ""), ((["a", "b"], None), "a,b"),
    ],
)  # fmt: skip
def test_join(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("join", *args) == expected


def test_join_checks_the_budget_before_building() -> None:
    with pytest.raises(EvaluationLimitError):
        call("join", ["x" * 60, "y" * 60], "", context=small_context(max_string_length=100))
    with pytest.raises(EvaluationError, match=r"join\(\) expects an array, got text"):
        call("join", "abc", ",")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Make", "k"), 2), (("Make", "z"), -1), (("Make", ""), 0), (("aXbX", "X", 2), 3), (("aXbX", "X", -5), 1),
        (("aXbX", "X", 99), -1), ((EMOJI + "k", "k"), 2), ((None, "a"), -1), ((123, 2), 1), ((["a", "b"], "b"), 1),
        ((["a", "b", "a"], "a", 1), 2), ((["a"], "z"), -1), (([1], "1"), -1),
    ],
)  # fmt: skip
def test_index_of(args: tuple[JsValue, ...], expected: int) -> None:
    assert call("indexOf", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Hello", "ell"), True), (("Hello", "x"), False), (("Hello", ""), True), ((None, "a"), False),
        (("a1", 1), True), (([1, "a"], "a"), True), (([1, "a"], "1"), False), (([{"a": 1}], {"a": 1}), True),
    ],
)  # fmt: skip
def test_contains(args: tuple[JsValue, ...], expected: bool) -> None:
    assert call("contains", *args) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, "42"), (1.50, "1.5"), (1e21, "1e+21"), (None, ""), (UNDEFINED, ""), (True, "true"), ("x", "x"),
        ([1, 2], "1,2"), ({"a": 1}, '{"a":1}'), (dt.datetime(2024, 1, 2, tzinfo=dt.UTC), "2024-01-02T00:00:00.000Z"),
    ],
)  # fmt: skip
def test_to_string(value: JsValue, expected: str) -> None:
    assert call("toString", value) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("Crème brûlée",), "Crme brle"), (("Crème brûlée", True), "Creme brulee"), (("表示",), ""), ((None,), "")],
)
def test_ascii(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("ascii", *args) == expected


def test_html_functions() -> None:
    assert (
        call("escapeHTML", "<a href=\"x\">Tom & 'J'</a>")
        == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;J&#x27;&lt;/a&gt;"
    )
    assert call("escapeHTML", None) == ""
    assert call("stripHTML", "<p>Hi <b>there</b><br/></p>") == "Hi there"
    assert call("stripHTML", "1 < 2 &amp; 3") == "1 < 2 &amp; 3"
    assert call("stripHTML", UNDEFINED) == ""


def test_split_accepts_keep_empty_and_keeps_every_item() -> None:
    assert call("split", "a,,b", ",", True) == ["a", "", "b"]
    assert call("split", "a,,b", ",", False) == ["a", "", "b"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Hello", "ELL", True), True), (("Hello", "ELL"), False), (("Hello", "ELL", False), False),
        ((["Read", "Write"], "read", True), True), ((["Read"], "read"), False), (([1], 1, True), True),
        ((["1"], 1, True), False), (("ÀB", "àb", True), True),
    ],
)  # fmt: skip
def test_contains_case_insensitive(args: tuple[JsValue, ...], expected: bool) -> None:
    assert call("contains", *args) is expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((b"hi", "hex"), "6869"), ((b"hi", "base64"), "aGk="), ((b"hi", "utf8"), "hi"), ((b"\xe9", "latin1"), "é"),
        ((b"\xe9", "binary"), "é"), ((b"hi",), "hi"), ((12, "hex"), "12"), ((b"", "hex"), ""),
    ],
)  # fmt: skip
def test_to_string_decodes_binary_data(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("toString", *args) == expected


def test_to_string_refuses_unknown_encodings_and_respects_the_budget() -> None:
    with pytest.raises(EvaluationError, match=r"toString\(\): unknown encoding 'utf16'"):
        call("toString", b"hi", "utf16")
    with pytest.raises(EvaluationLimitError):
        call("toString", b"x" * 60, "hex", context=small_context(max_string_length=100))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*Sale* #1", "\\*Sale\\* \\#1"), ("a_b", "a\\_b"), ("[x](y)", "\\[x\\]\\(y\\)"), ("1. a - b!", "1\\. a \\- b\\!"),
        ("a|b~c", "a\\|b\\~c"), ("`code`", "\\`code\\`"), ("C:\\dir", "C:\\\\dir"), ("<b>", "\\<b\\>"),
        ("plain text", "plain text"), (None, ""), (12.5, "12\\.5"),
    ],
)  # fmt: skip
def test_escape_markdown(text: JsValue, expected: str) -> None:
    assert call("escapeMarkdown", text) == expected


@pytest.mark.parametrize(
    ("text", "replacement", "expected"),
    [
        ("Hi 👋!", "", "Hi !"), ("Hi 👋🏽!", "?", "Hi ?!"), ("👩\u200d💻 dev", "*", "* dev"), ("🇨🇿 flag", "", " flag"),
        ("1️⃣ one", "", " one"), ("☀️ sun ❤", "-", "- sun -"), ("no emoji 123 #", "x", "no emoji 123 #"),
        ("\ud83d\ude00 pair", "", " pair"), ("a😀b😀c", "\\1", "a\\1b\\1c"), (None, "x", ""), ("Zoë", "", "Zoë"),
    ],
)  # fmt: skip
def test_replace_emoji_characters(text: JsValue, replacement: str, expected: str) -> None:
    assert call("replaceEmojiCharacters", text, replacement) == expected


def test_replace_emoji_characters_respects_the_budget() -> None:
    with pytest.raises(EvaluationLimitError):
        call("replaceEmojiCharacters", "😀" * 10, "x" * 20, context=small_context(max_string_length=100))
