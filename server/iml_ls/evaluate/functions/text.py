"""Text functions: length, case, trimming, searching, replacing, splitting, HTML, Markdown, emoji.

Positions and lengths count UTF-16 code units, as JavaScript does (``length('😀')`` is 2), so that
``substring`` and ``indexOf`` agree with Make's runtime on texts with emoji.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from collections.abc import Sequence

from iml_ls.evaluate.coerce import (
    JS_WHITESPACE,
    describe,
    from_code_units,
    is_truthy,
    strict_equals,
    to_code_units,
    to_string,
    to_text,
)
from iml_ls.evaluate.functions.regex import compile_js_regex, parse_literal, regex_replace
from iml_ls.evaluate.functions.spec import (
    BuiltinFunction,
    arg,
    array_argument,
    check_length,
    check_size,
    function,
    integer_argument,
    is_absent,
    optional_text,
    text_argument,
)
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue

_WORD = re.compile(r"[^\s]+")
_HTML_TAG = re.compile(r"<[^>]*>")


@function(
    "length",
    "value",
    "number",
    "The number of characters of a text, items of an array or bytes of binary data.",
    "length('Make')",
    "4",
    "Characters are counted as JavaScript counts them (an emoji counts 2). `length(null)` is 0 here; "
    "Make's result for an empty value is not documented.",
    value="A text, an array or binary data.",
)
def length(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, list | bytes):
        return len(value)
    if isinstance(value, dict):
        raise EvaluationError(f"length() expects text or an array, got {describe(value)}; use length(keys(…)).")
    return len(to_code_units(text_argument("length", value)))


@function("lower", "text", "text", "The text in lower case.", "lower('Hello')", "hello", text="The text to convert.")
def lower(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return text_argument("lower", arg(args, 0)).lower()


@function("upper", "text", "text", "The text in upper case.", "upper('Hello')", "HELLO", text="The text to convert.")
def upper(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return text_argument("upper", arg(args, 0)).upper()


@function(
    "capitalize",
    "text",
    "text",
    "The text with its first character in upper case (the rest unchanged).",
    "capitalize('make app')",
    "Make app",
    text="The text to convert.",
)
def capitalize(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("capitalize", arg(args, 0))
    return text[:1].upper() + text[1:]


@function(
    "startcase",
    "text",
    "text",
    "Every word with its first letter in upper case and the others in lower case.",
    "startcase('hello WORLD')",
    "Hello World",
    "Words are separated by white space here; how Make treats punctuation and camelCase inside words is "
    "not documented.",
    text="The text to convert.",
)
def startcase(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return _WORD.sub(_capitalize_word, text_argument("startcase", arg(args, 0)))


def _capitalize_word(word: re.Match[str]) -> str:
    return word.group()[:1].upper() + word.group()[1:].lower()


@function(
    "trim",
    "text",
    "text",
    "The text without white space (spaces, tabs, line breaks) at the start and the end.",
    "trim('  a b  ')",
    "a b",
    text="The text to trim.",
)
def trim(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return text_argument("trim", arg(args, 0)).strip(JS_WHITESPACE)


@function(
    "replace",
    "text, search, replacement",
    "text",
    "Replaces every occurrence of `search` (text, or a regular expression like `/ab+/gi`) with `replacement`.",
    "replace('John Smith', '/(\\w+) (\\w+)/', '$2, $1')",
    "Smith, John",
    "A plain-text search replaces every occurrence and its replacement is used literally; an empty "
    "search changes nothing. Regular expressions use JavaScript syntax and `$1`/`$&` replacements, run "
    "by Python's engine: rare constructs may differ, patterns that repeat a repeating group (`(a+)+`) "
    "are refused, and texts over 100,000 characters are not searched with a pattern.",
    text="The text to search in.",
    search="Text to find, or a regular expression between slashes with flags `g`, `i`, `m`, `s`: `/ab+/gi`.",
    replacement="The new text; with a regular expression, `$1` is the first group and `$&` the match.",
)
def replace(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("replace", arg(args, 0))
    search = text_argument("replace", arg(args, 1))
    replacement = text_argument("replace", arg(args, 2))
    literal = parse_literal(search)
    if literal is not None:
        return regex_replace(ctx, compile_js_regex(*literal), text, replacement)
    if not search:
        return text
    units, found, put = to_code_units(text), to_code_units(search), to_code_units(replacement)
    check_length(ctx, len(units) + units.count(found) * (len(put) - len(found)), text=True)
    return from_code_units(units.replace(found, put))


@function(
    "substring",
    "text, start, [end]",
    "text",
    "The part of the text from `start` up to (not including) `end`, counting from 0 as JavaScript does.",
    "substring('Hello', 1, 3)",
    "el",
    text="The text.",
    start="First position, from 0 (negative counts as 0).",
    end="Position to stop before (default: the end); if smaller than `start`, the two are swapped.",
)
def substring(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    units = to_code_units(text_argument("substring", arg(args, 0)))
    start = max(0, min(integer_argument(arg(args, 1), 0), len(units)))
    end = max(0, min(integer_argument(arg(args, 2), len(units)), len(units)))
    return from_code_units(units[min(start, end) : max(start, end)])


@function(
    "split",
    "text, separator, [keepEmpty]",
    "array",
    "Splits the text at each separator into an array of texts.",
    "split('a,b,c', ',')",
    '["a","b","c"]',
    "iml-ls splits as JavaScript does and keeps every item as it is: an empty separator splits into single "
    "characters (JavaScript code units), an empty separator value gives the whole text in an array. Make's "
    "library is reported to trim the items and drop empty ones unless `keepEmpty` is true; that is unverified.",
    text="The text to split.",
    separator="Where to split, e.g. `','`.",
    keepEmpty="`true` to keep empty items (iml-ls always keeps them).",
)
def split(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("split", arg(args, 0))
    if is_absent(arg(args, 1)):
        return [text]
    units, separator = to_code_units(text), to_code_units(text_argument("split", arg(args, 1)))
    check_length(ctx, len(units) if separator == "" else units.count(separator) + 1, text=False)
    parts = list(units) if separator == "" else units.split(separator)
    return [from_code_units(part) for part in parts]


@function(
    "indexOf",
    "text, value, [start]",
    "number",
    "The position of the first occurrence of `value` (from 0), or -1 when it does not occur.",
    "indexOf('Make', 'k')",
    "2",
    "For an array, the position counts from 0 here, as JavaScript's `indexOf` does; Make's IML indexes "
    "arrays from 1 elsewhere, so check this against Make before relying on it.",
    text="The text (or array) to search.",
    value="What to find.",
    start="Where to start searching (default 0).",
)
def index_of(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    haystack, needle = arg(args, 0), arg(args, 1)
    if isinstance(haystack, list):
        start = integer_argument(arg(args, 2), 0)
        start = max(0, start + len(haystack) if start < 0 else start)
        for position in range(start, len(haystack)):
            if position % 1024 == 0:
                ctx.deadline.check()  # an array of up to the size limit, a comparison each
            if strict_equals(haystack[position], needle):
                return position
        return -1
    units = to_code_units(text_argument("indexOf", haystack))
    start = min(max(0, integer_argument(arg(args, 2), 0)), len(units))
    return units.find(to_code_units(to_string(needle)), start)


@function(
    "contains",
    "text, value, [caseInsensitive]",
    "boolean",
    "Whether the text contains the value (or the array contains an item equal to it).",
    "contains('Hello', 'ELL', true)",
    "true",
    "With `caseInsensitive`, texts are compared in lower case (array items only when both are texts); the "
    "third argument is documented only by a secondary source.",
    text="The text or array.",
    value="What to look for.",
    caseInsensitive="`true` to ignore upper and lower case.",
)
def contains(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    haystack, needle = arg(args, 0), arg(args, 1)
    fold = is_truthy(arg(args, 2))
    if isinstance(haystack, list):
        wanted_text = needle.lower() if fold and isinstance(needle, str) else None
        for position, item in enumerate(haystack):
            if position % 1024 == 0:
                ctx.deadline.check()  # an array of up to the size limit, a comparison each
            if wanted_text is not None and isinstance(item, str) and item.lower() == wanted_text:
                return True
            if wanted_text is None and strict_equals(item, needle):
                return True
        return False
    text, wanted = text_argument("contains", haystack), to_string(needle)
    if fold:
        text, wanted = text.lower(), wanted.lower()
    return to_code_units(wanted) in to_code_units(text)


@function(
    "toString",
    "value, [encoding]",
    "text",
    "The value as text: numbers as JavaScript writes them, dates in ISO 8601, collections as JSON; binary "
    "data decoded as `encoding`.",
    "toString(1.50)",
    "1.5",
    "Empty values (null, undefined) give empty text here, as in text around `{{…}}`; arrays give their items "
    "joined by commas, as in JavaScript. Make's exact output for arrays and dates is not documented.",
    value="Any value.",
    encoding="For binary data: `utf8` (default), `hex`, `base64` or `latin1`.",
)
def to_string_function(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    encoding = optional_text("toString", arg(args, 1), "utf8").lower()
    if not isinstance(value, bytes) or encoding in ("utf8", "utf-8"):
        return check_size(ctx, to_text(value))
    check_length(ctx, len(value) * 2, text=True)
    if encoding == "hex":
        return value.hex()
    if encoding == "base64":
        return base64.b64encode(value).decode("ascii")
    if encoding in ("latin1", "binary"):
        return value.decode("latin-1")
    raise EvaluationError(f"toString(): unknown encoding '{encoding}'; use utf8, hex, base64 or latin1.")


@function(
    "ascii",
    "text, [removeDiacritics]",
    "text",
    "The text without its non-ASCII characters; with `true`, accented letters first lose their accents.",
    "ascii('Crème brûlée', true)",
    "Creme brulee",
    text="The text to clean.",
    removeDiacritics="`true` to keep `é` as `e` instead of removing it.",
)
def ascii_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("ascii", arg(args, 0))
    if is_truthy(arg(args, 1)):
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return "".join(char for char in text if char.isascii())


@function(
    "escapeHTML",
    "text",
    "text",
    "The text with `&`, `<`, `>`, `\"` and `'` replaced by HTML entities.",
    "escapeHTML('<b>Tom & Jerry</b>')",
    "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;",
    "The entity Make uses for `'` is not documented (iml-ls writes `&#x27;`).",
    text="The text to escape.",
)
def escape_html(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return check_size(ctx, html.escape(text_argument("escapeHTML", arg(args, 0))))


@function(
    "stripHTML",
    "text",
    "text",
    "The text with every HTML tag (`<…>`) removed.",
    "stripHTML('<p>Hi <b>there</b></p>')",
    "Hi there",
    "Entities such as `&amp;` are left as they are here.",
    text="HTML text.",
)
def strip_html(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return _HTML_TAG.sub("", text_argument("stripHTML", arg(args, 0)))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")


@function(
    "escapeMarkdown",
    "text",
    "text",
    "The text with a backslash before each character Markdown gives a meaning to.",
    "escapeMarkdown('*Sale* #1')",
    "\\*Sale\\* \\#1",
    "Which characters Make escapes is not documented; iml-ls escapes \\ ` * _ { } [ ] ( ) # + - . ! | ~ < >.",
    text="The text to escape.",
)
def escape_markdown(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return check_size(ctx, _MARKDOWN_SPECIAL.sub(r"\\\1", text_argument("escapeMarkdown", arg(args, 0))))


_PICTOGRAPH = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_EMOJI = re.compile(
    f"[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag: two regional indicators
    f"|[0-9#*]\ufe0f?\u20e3"  # a keycap
    f"|[{_PICTOGRAPH}][\ufe0f\U0001f3fb-\U0001f3ff]*(?:\u200d[{_PICTOGRAPH}][\ufe0f\U0001f3fb-\U0001f3ff]*)*"
    f"[\U000e0020-\U000e007f]*"  # tag sequences (subdivision flags)
)


@function(
    "replaceEmojiCharacters",
    "text, replacement",
    "text",
    "The text with every emoji replaced by `replacement` (a joined emoji such as 👩‍💻 or a flag counts as one).",
    "replaceEmojiCharacters('Hi 👋🏽!', '')",
    "Hi !",
    "Which characters Make counts as emoji is not documented; iml-ls uses Unicode's emoji pictographs, flags and "
    "keycaps.",
    text="The text.",
    replacement="The text to put in place of each emoji (`''` removes them).",
)
def replace_emoji_characters(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = from_code_units(to_code_units(text_argument("replaceEmojiCharacters", arg(args, 0))))
    replacement = text_argument("replaceEmojiCharacters", arg(args, 1))
    emoji = _EMOJI.findall(text)
    check_length(ctx, len(text) + len(emoji) * len(replacement), text=True)
    return _EMOJI.sub(lambda _: replacement, text)


@function(
    "join",
    "array, [separator]",
    "text",
    "The items of the array as one text, with `separator` between them.",
    "join(split('a,b,c', ','), ' | ')",
    "a | b | c",
    "Empty items (null) give empty text and collections are written as JSON.",
    array="The array.",
    separator="Text between items (default `,`).",
)
def join(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = [to_text(item) for item in array_argument("join", arg(args, 0))]
    separator = optional_text("join", arg(args, 1), ",")
    check_length(ctx, sum(map(len, items)) + len(separator) * max(len(items) - 1, 0), text=True)
    return separator.join(items)


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    length, lower, upper, capitalize, startcase, trim, replace, substring, split, join, index_of, contains,
    to_string_function, ascii_, escape_html, strip_html, escape_markdown, replace_emoji_characters,
)  # fmt: skip
