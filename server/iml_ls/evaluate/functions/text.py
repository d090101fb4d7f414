"""Text functions."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from iml_ls.evaluate.coerce import is_number, to_number, to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, check_size, expect_text, function
from iml_ls.evaluate.values import EvalContext, EvaluationError, EvaluationLimitError, JsValue, Undefined

MAX_REGEX_INPUT = 100_000
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")
_REGEX_LITERAL = re.compile(r"/(.+)/([gimsuy]*)", re.S)


def _text_or_empty(name: str, value: JsValue) -> str:
    """Most text functions treat an absent value as empty text."""
    if value is None or isinstance(value, Undefined):
        return ""
    if is_number(value) or isinstance(value, bool):
        return to_string(value)
    return expect_text(name, value)


@function(
    "length",
    "value",
    "number",
    "The number of characters of a text or items of an array.",
    "length('abc')",
    "3",
    value="A text, an array or binary data.",
)
def length(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, str):
        return len(value.encode("utf-16-le", "surrogatepass")) // 2
    if isinstance(value, list | bytes):
        return len(value)
    if value is None or isinstance(value, Undefined):
        return 0
    raise EvaluationError(f"length() expects text or an array, got {to_string(value)!r}.")


@function("lower", "text", "text", "The text in lower case.", "lower('ABC')", "abc", text="The text to convert.")
def lower(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return _text_or_empty("lower", arg(args, 0)).lower()


@function("upper", "text", "text", "The text in upper case.", "upper('abc')", "ABC", text="The text to convert.")
def upper(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return _text_or_empty("upper", arg(args, 0)).upper()


@function(
    "capitalize",
    "text",
    "text",
    "The text with its first character in upper case.",
    "capitalize('hello')",
    "Hello",
    text="The text to convert.",
)
def capitalize(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = _text_or_empty("capitalize", arg(args, 0))
    return text[:1].upper() + text[1:]


@function(
    "startcase",
    "text",
    "text",
    "Every word capitalized.",
    "startcase('hello big world')",
    "Hello Big World",
    "Make's handling of punctuation between words is not documented.",
    text="The text to convert.",
)
def startcase(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return " ".join(word[:1].upper() + word[1:].lower() for word in _text_or_empty("startcase", arg(args, 0)).split())


@function(
    "trim",
    "text",
    "text",
    "The text without leading and trailing white space.",
    "trim('  a b  ')",
    "a b",
    text="The text to trim.",
)
def trim(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return _text_or_empty("trim", arg(args, 0)).strip()


def compile_pattern(pattern: str) -> tuple[re.Pattern[str], bool] | None:
    """A ``/regex/flags`` literal as a compiled pattern and its global flag; None for plain text."""
    match = _REGEX_LITERAL.fullmatch(pattern)
    if match is None:
        return None
    source, flags = match.groups()
    if _NESTED_QUANTIFIER.search(source):
        raise EvaluationLimitError(
            "This regular expression can backtrack catastrophically (a repeated group that repeats)."
        )
    options = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0) | (re.S if "s" in flags else 0)
    try:
        return re.compile(source, options), "g" in flags
    except re.error as error:
        raise EvaluationError(f"Invalid regular expression /{source}/: {error}.") from None


def _js_replacement(replacement: str) -> str:
    """JavaScript's ``$1``/``$&`` replacement patterns in Python's syntax."""
    escaped = replacement.replace("\\", "\\\\")
    escaped = re.sub(r"\$(\d{1,2})", r"\\g<\1>", escaped)
    return escaped.replace("$&", r"\g<0>").replace("$$", "$")


@function(
    "replace",
    "text, search, replacement",
    "text",
    "Replaces every occurrence of `search` (text, or a `/regex/flags` literal) with `replacement`.",
    "replace('a-b-c', '-', '+')",
    "a+b+c",
    "Plain-text search replaces every occurrence, as Make documents; regular expressions follow JavaScript "
    "syntax and are run by Python's engine, which differs in rare constructs.",
    text="The text to search in.",
    search="Text to find, or a regular expression like `/ab+/gi`.",
    replacement="The new text; `$1` refers to a regex group.",
)
def replace(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = _text_or_empty("replace", arg(args, 0))
    search = to_string(arg(args, 1)) if not isinstance(arg(args, 1), Undefined) else ""
    replacement = "" if isinstance(arg(args, 2), Undefined) else to_string(arg(args, 2))
    compiled = compile_pattern(search)
    if compiled is None:
        return check_size(ctx, text.replace(search, replacement) if search else text)
    if len(text) > MAX_REGEX_INPUT:
        raise EvaluationLimitError(f"Regular expressions run on at most {MAX_REGEX_INPUT:,} characters here.")
    pattern, global_ = compiled
    return check_size(ctx, pattern.sub(_js_replacement(replacement), text, count=0 if global_ else 1))


def _index(value: JsValue, default: int) -> int:
    if isinstance(value, Undefined) or value is None:
        return default
    number = to_number(value)
    return default if number != number else int(number)


@function(
    "substring",
    "text, start, [end]",
    "text",
    "The part of the text from `start` up to (not including) `end`, counting from 0.",
    "substring('Hello', 1, 3)",
    "el",
    text="The text.",
    start="First position (0-based).",
    end="Position to stop before (default: the end).",
)
def substring(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = _text_or_empty("substring", arg(args, 0))
    start = max(0, min(_index(arg(args, 1), 0), len(text)))
    end = max(0, min(_index(arg(args, 2), len(text)), len(text)))
    start, end = min(start, end), max(start, end)
    return text[start:end]


@function(
    "split",
    "text, separator",
    "array",
    "Splits the text at each separator.",
    "split('a,b,c', ',')",
    '["a","b","c"]',
    text="The text to split.",
    separator="Where to split.",
)
def split(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = _text_or_empty("split", arg(args, 0))
    separator = arg(args, 1)
    if isinstance(separator, Undefined):
        return [text]
    separator_text = to_string(separator)
    parts: list[JsValue] = list(text) if separator_text == "" else list(text.split(separator_text))
    return check_size(ctx, parts)


@function(
    "indexOf",
    "text, value, [start]",
    "number",
    "The position of the first occurrence (from 0), or -1.",
    "indexOf('Make', 'k')",
    "2",
    text="The text (or array) to search.",
    value="What to find.",
    start="Where to start searching.",
)
def index_of(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    haystack, needle, start = arg(args, 0), arg(args, 1), _index(arg(args, 2), 0)
    if isinstance(haystack, list):
        from iml_ls.evaluate.coerce import strict_equals

        return next((i for i in range(max(start, 0), len(haystack)) if strict_equals(haystack[i], needle)), -1)
    return _text_or_empty("indexOf", haystack).find(to_string(needle), max(start, 0))


@function(
    "contains",
    "text, value",
    "boolean",
    "Whether the text (or array) contains the value.",
    "contains('Hello', 'ell')",
    "true",
    text="The text or array.",
    value="What to look for.",
)
def contains(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    haystack, needle = arg(args, 0), arg(args, 1)
    if isinstance(haystack, list):
        from iml_ls.evaluate.coerce import strict_equals

        return any(strict_equals(item, needle) for item in haystack)
    return to_string(needle) in _text_or_empty("contains", haystack)


@function("toString", "value", "text", "The value as text.", "toString(42)", "42", value="Any value.")
def to_string_function(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    from iml_ls.evaluate.coerce import to_text

    return to_text(arg(args, 0))


@function(
    "escapeHTML",
    "text",
    "text",
    "The text with `<`, `>`, `&` and quotes escaped for HTML.",
    "escapeHTML('<b>')",
    "&lt;b&gt;",
    text="The text to escape.",
)
def escape_html(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return html.escape(_text_or_empty("escapeHTML", arg(args, 0)))


@function(
    "stripHTML", "text", "text", "The text with HTML tags removed.", "stripHTML('<b>Hi</b>')", "Hi", text="HTML text."
)
def strip_html(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return re.sub(r"<[^>]*>", "", _text_or_empty("stripHTML", arg(args, 0)))


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    length, lower, upper, capitalize, startcase, trim, replace, substring, split, index_of, contains,
    to_string_function, escape_html, strip_html,
)  # fmt: skip
