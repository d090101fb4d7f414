"""Connection JSON as a tree with exact offsets, tolerant of the half-typed text an editor sends.

Make reads ``*.iml.json`` as JSON with comments. tree-sitter-json parses it (comments included) and
recovers from errors locally, so one unterminated string or missing comma does not hide the rest of
the file. The tree is converted into small immutable nodes whose offsets index the document ``str``.
Strings keep a map from each decoded character back to the document, so that positions stay exact
through JSON escapes (``\\"``, ``\\n``, ``\\u00e9``).

Each top-level entry of the root (a request in a communication array, a stage in an OAuth file)
is a *segment* with its own :class:`Anchor`: the nodes under it store offsets relative to the
anchor, so when an edit stays inside one segment, only that segment is parsed again and the others
are reused as they are, their anchors moved by the edit's length (:func:`reparse_segment`).
"""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, AnyStr, TypeAlias

from iml_ls.text.line_index import LineIndex

if TYPE_CHECKING:  # imported by the first parse: a server answers `initialize` without them
    import tree_sitter

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
MAX_DEPTH = 200
"""Nesting deeper than this is reported, not converted (a guard for the Python stack)."""


class Anchor:
    """Where a segment starts: nodes under it keep offsets relative to it, so moving it is O(1).

    A segment that an edit did not touch is shared by the next version of the tree with its anchor
    moved; offsets read from an older version's nodes are then those of the newest text.
    """

    __slots__ = ("base",)

    def __init__(self, base: int) -> None:
        self.base = base


@dataclass(frozen=True, eq=False, slots=True)
class _Node:
    anchor: Anchor
    rel_start: int
    rel_end: int

    @property
    def start(self) -> int:
        return self.anchor.base + self.rel_start

    @property
    def end(self) -> int:
        return self.anchor.base + self.rel_end


@dataclass(frozen=True, eq=False, slots=True)
class JsonString(_Node):
    """A JSON string: its decoded value and where each decoded character came from."""

    value: str
    raw_offsets: tuple[int, ...] | None
    """Offset (relative to the anchor) of each decoded character plus one past the last; None when no escapes."""

    def source_offset(self, index: int) -> int:
        """The document offset of decoded character ``index`` (``len(value)`` → the closing quote)."""
        if self.raw_offsets is None:
            return self.anchor.base + self.rel_start + 1 + index
        return self.anchor.base + self.raw_offsets[min(max(index, 0), len(self.raw_offsets) - 1)]


@dataclass(frozen=True, eq=False, slots=True)
class JsonNumber(_Node):
    value: float | int


@dataclass(frozen=True, eq=False, slots=True)
class JsonLiteral(_Node):
    """``true``, ``false`` or ``null``."""

    value: bool | None


@dataclass(frozen=True, eq=False, slots=True)
class JsonMember(_Node):
    """``"key": value`` inside an object; the value is None while it is still being typed."""

    key: JsonString
    value: JsonValue | None


@dataclass(frozen=True, eq=False, slots=True)
class JsonObject(_Node):
    members: tuple[JsonMember, ...]

    def get(self, key: str) -> JsonValue | None:
        """The value of the last member named ``key`` (as JSON.parse keeps the last duplicate)."""
        found: JsonValue | None = None
        for member in self.members:
            if member.key.value == key and member.value is not None:
                found = member.value
        return found

    def member(self, key: str) -> JsonMember | None:
        found = None
        for member in self.members:
            if member.key.value == key:
                found = member
        return found


@dataclass(frozen=True, eq=False, slots=True)
class JsonArray(_Node):
    items: tuple[JsonValue, ...]


JsonValue: TypeAlias = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral


@dataclass(frozen=True)
class SyntaxProblem:
    """A place where the text is not JSON-with-comments."""

    start: int
    end: int
    message: str
    trailing_comma: bool = False


@dataclass(frozen=True, eq=False)
class JsonDocument:
    """The parsed document: its root value (None when there is none) and the syntax problems."""

    root: JsonValue | None
    problems: tuple[SyntaxProblem, ...]
    clean: bool = False
    """The text has no syntax problem at all, so an edit inside one segment can be parsed on its own."""
    replaced: int | None = None
    """When this document came from :func:`reparse_segment`: the position of the entry parsed again."""
    too_large: bool = False
    """The text has more than :data:`MAX_JSON_TOKENS` tokens: it is not turned into a tree at all."""


MAX_JSON_TOKENS = 1_000_000
"""Files with more syntax nodes (values, keys, punctuation) than this are not analysed: a megabyte of
``[0,0,0,…`` takes seconds and hundreds of megabytes to build (a 100,000-line connection has about
760,000)."""
MAX_TOP_LEVEL_ENTRIES = 20_000
"""Files whose root holds more entries than this are not analysed: each entry of a communication
file is a request, checked on its own (a 100,000-line connection has about 2,800)."""


@cache
def _parser() -> tree_sitter.Parser:
    import tree_sitter
    import tree_sitter_json

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _parse(utf8: bytes) -> tree_sitter.Tree:
    """tree-sitter's parse of the text, with every exponent's ``+`` read as a ``0``.

    tree-sitter-json 0.24.8 (the latest release on PyPI) has no ``+`` in its exponent rule, so
    ``2.5E+3`` would parse as ``2.5`` followed by an error; the fix is merged upstream
    (tree-sitter-json pull request 64) but not released. ``E+3`` and ``E03`` are the same exponent,
    and the byte has the same width, so the parser sees ``2.5E03`` while every node keeps its offsets
    and its value is read from the real text (outside numbers, a ``+`` between ``e`` and a digit is
    string or comment text, whose value is also read from the real text). Harmless once a release
    has the fix.
    """
    return _parser().parse(_as_parsed(utf8))


def _as_parsed(utf8: bytes) -> bytes:
    """The bytes tree-sitter is given (see :func:`_parse`). The ``e+`` and ``E+`` are found with
    ``bytes.find``: a regular expression over the whole text took longer than the parse, and a
    base64 key or a URL holds such pairs too."""
    pluses = [
        at + 1
        for marker in (b"e+", b"E+")
        for at in _occurrences(utf8, marker)
        if at > 0 and at + 2 < len(utf8) and utf8[at - 1] in _DIGITS and utf8[at + 2] in _DIGITS
    ]
    if not pluses:
        return utf8
    parsed = bytearray(utf8)
    for plus in pluses:
        parsed[plus] = ord("0")
    return bytes(parsed)


_DIGITS = frozenset(b"0123456789")


def _occurrences(data: bytes, marker: bytes) -> Iterator[int]:
    at = data.find(marker)
    while at >= 0:
        yield at
        at = data.find(marker, at + 1)


def _decode(text: str, start: int, end: int) -> tuple[str, list[int] | None]:
    """Decode the JSON string literal ``text[start:end]`` (quotes included; the end quote may be missing).

    Returns the value and, when there were escapes, the offset in ``text`` of each decoded
    character plus one past the last.
    """
    inner_start = start + 1
    inner_end = end - 1 if end - start >= 2 and text[end - 1] == '"' else end
    raw = text[inner_start:inner_end]
    if "\\" not in raw:
        return raw, None
    chars: list[str] = []
    offsets: list[int] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        offsets.append(inner_start + index)
        if char != "\\" or index + 1 >= len(raw):
            chars.append(char)
            index += 1
            continue
        escape = raw[index + 1]
        if escape == "u" and _HEX4.fullmatch(raw, index + 2, index + 6):
            chars.append(chr(int(raw[index + 2 : index + 6], 16)))
            index += 6
        elif escape in _ESCAPES:
            chars.append(_ESCAPES[escape])
            index += 2
        else:  # an invalid escape: keep the text as it is (reported as a syntax problem)
            chars.append(char)
            index += 1
    offsets.append(inner_end)
    return "".join(chars), offsets


@dataclass(frozen=True)
class _Earlier:
    """The previous version of a document: its top-level entries, text and problems."""

    entries: tuple[JsonValue | JsonMember, ...]
    text: str
    problems: tuple[SyntaxProblem, ...]
    same_start: int
    """How many characters the new text starts with that this text starts with too."""
    same_end: int
    """How many it ends with that this text ends with too."""

    def has_problem(self, start: int, end: int) -> bool:
        return any(problem.start < end and problem.end > start for problem in self.problems)

    def same_text(self, old_start: int, old_end: int, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is this text's ``[old_start, old_end)``: said at once for a span
        in the start or end both texts share, compared otherwise."""
        if end - start != old_end - old_start:
            return False
        if old_start == start and end <= self.same_start:
            return True
        delta = len(text) - len(self.text)
        if start - old_start == delta and old_start >= len(self.text) - self.same_end:
            return True
        return text[start:end] == self.text[old_start:old_end]


class _Converter:
    """Walks a tree-sitter tree once, producing JSON nodes and syntax problems.

    Offsets from the parser are in the parsed text; ``shift`` is the document offset of that text's
    start (non-zero when one segment is parsed on its own).
    """

    def __init__(
        self,
        index: LineIndex,
        shift: int = 0,
        *,
        unterminated: frozenset[int] = frozenset(),
        commas: frozenset[int] = frozenset(),
        earlier: _Earlier | None = None,
    ) -> None:
        self.index = index
        self.text = index.text
        self.shift = shift
        self.unterminated = unterminated
        """Offsets of the line breaks that :func:`_close_open_strings` turned into closing quotes."""
        self.repaired = unterminated | commas
        """Every offset :func:`parse_json` changed before parsing (those and the missing commas)."""
        self.earlier = earlier
        """The previous version of the document, whose unchanged top-level entries are taken over."""
        self.anchor = Anchor(shift)
        self.trailing_commas: set[int] = set()
        self.problems: list[SyntaxProblem] = []

    def span(self, node: tree_sitter.Node) -> tuple[int, int]:
        if self.index.is_ascii:
            return node.start_byte, node.end_byte
        return self.index.offset_of_byte(node.start_byte), self.index.offset_of_byte(node.end_byte)

    def relative(self, offset: int) -> int:
        """An offset of the parsed text, relative to the current segment's anchor."""
        return offset + self.shift - self.anchor.base

    def enter_segment(self, node: tree_sitter.Node) -> Anchor:
        """Give a top-level entry its own anchor; returns the anchor to restore afterwards."""
        previous = self.anchor
        self.anchor = Anchor(self.span(node)[0] + self.shift)
        return previous

    def taken_over(self, node: tree_sitter.Node, position: int) -> JsonValue | JsonMember | None:
        """The previous version's entry at ``position``, moved here, when its text is the same and
        neither version found a problem in it (a whole-text parse then reuses what did not change)."""
        earlier = self.earlier
        if earlier is None or position >= len(earlier.entries) or node.has_error:
            return None
        entry = earlier.entries[position]
        start, end = self.span(node)
        old_start, old_end = entry.start, entry.end
        if (
            not earlier.same_text(old_start, old_end, self.text, start, end)
            or (earlier.problems and earlier.has_problem(old_start, old_end))
            or (self.repaired and any(start <= repaired < end for repaired in self.repaired))
        ):
            return None
        entry.anchor.base = start + self.shift
        return entry

    def add_problem(self, start: int, end: int, message: str, *, trailing_comma: bool = False) -> None:
        self.problems.append(SyntaxProblem(start + self.shift, end + self.shift, message, trailing_comma))

    def problem(self, node: tree_sitter.Node, message: str, *, trailing_comma: bool = False) -> None:
        start, end = self.span(node)
        self.add_problem(start, max(end, start), message, trailing_comma=trailing_comma)

    def value(self, node: tree_sitter.Node, depth: int) -> JsonValue | None:
        kind = node.type
        if node.is_missing:
            self.problem(node, f"Expected {_describe(kind)} here.")
            return None
        if depth > MAX_DEPTH:
            self.problem(node, f"Nesting deeper than {MAX_DEPTH} levels is not analysed.")
            return None
        if kind == "object":
            return self.object(node, depth)
        if kind == "array":
            return self.array(node, depth)
        start, end = self.span(node)
        if kind == "string":
            return self.string(node, start, end)
        if kind == "number":
            text = self.text[start:end]
            if _JSON_NUMBER.fullmatch(text) is None:  # tree-sitter also takes `1.` and `1.e5`
                self.add_problem(start, end, f"`{text}` is not a JSON number; write digits after the `.`.")
            return JsonNumber(self.anchor, self.relative(start), self.relative(end), _number(text))
        if kind in ("true", "false", "null"):
            value = None if kind == "null" else kind == "true"
            return JsonLiteral(self.anchor, self.relative(start), self.relative(end), value)
        if kind == "ERROR":
            self.error(node)
        return None

    def string(self, node: tree_sitter.Node, start: int, end: int) -> JsonString:
        raw = self.text[start:end]
        if "\n" in raw or "\r" in raw or len(raw) < 2 or not raw.endswith('"'):
            end = self.index.line_end(self.index.line_of(start))
            self.add_problem(start, end, 'This string is not closed: add the missing `"`.')
        elif "\\" not in raw and not node.has_error:
            return JsonString(self.anchor, self.relative(start), self.relative(end), raw[1:-1], None)
        else:
            self.escape_problems(node)
        value, offsets = _decode(self.text, start, end)
        raw_offsets = None if offsets is None else tuple(self.relative(offset) for offset in offsets)
        return JsonString(self.anchor, self.relative(start), self.relative(end), value, raw_offsets)

    def escape_problems(self, node: tree_sitter.Node) -> None:
        for child in node.children:
            if child.type == "escape_sequence":
                escape_start, escape_end = self.span(child)
                text = self.text[escape_start:escape_end]
                is_unicode = text[1:2] == "u" and _HEX4.match(self.text, escape_start + 2) is not None
                if not (text[1:2] in _ESCAPES or is_unicode):
                    self.problem(child, f"`{text}` is not a JSON escape; write `\\\\` for a backslash.")
            elif child.type == "ERROR" or child.is_missing:
                self.error(child)

    def object(self, node: tree_sitter.Node, depth: int) -> JsonObject:
        members: list[JsonMember] = []
        if node.has_error:
            self.check_commas(node, "}")
        for child in node.named_children:
            if child.type == "pair":
                taken = self.taken_over(child, len(members)) if depth == 0 else None
                if isinstance(taken, JsonMember):
                    member: JsonMember | None = taken
                else:
                    previous = self.enter_segment(child) if depth == 0 else self.anchor
                    member = self.pair(child, depth)
                    self.anchor = previous
                if member is not None:
                    members.append(member)
            elif child.type == "ERROR":
                self.error(child)
            elif child.type != "comment":
                self.problem(child, 'Expected a `"key": value` member here.')
        start, end = self.span(node)
        if node.has_error:
            self.check_closed(node, "}")
        return JsonObject(self.anchor, self.relative(start), self.relative(end), tuple(members))

    def pair(self, node: tree_sitter.Node, depth: int) -> JsonMember | None:
        key_node = node.child_by_field_name("key")
        value_node = node.child_by_field_name("value")
        if node.has_error:
            for child in node.children:
                if child.type == "ERROR":
                    self.error(child)
        if key_node is None or key_node.type != "string" or key_node.is_missing:
            if key_node is not None:
                self.problem(key_node, "Object keys must be strings in double quotes.")
            return None
        key_start, key_end = self.span(key_node)
        key = self.string(key_node, key_start, key_end)
        value = self.value(value_node, depth + 1) if value_node is not None else None
        start, end = self.span(node)
        return JsonMember(self.anchor, self.relative(start), self.relative(end), key, value)

    def array(self, node: tree_sitter.Node, depth: int) -> JsonArray:
        items: list[JsonValue] = []
        if node.has_error:
            self.check_commas(node, "]")
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.is_missing and child.prev_sibling is not None and child.prev_sibling.type == ",":
                continue  # a trailing comma, reported by check_commas
            taken = self.taken_over(child, len(items)) if depth == 0 else None
            if taken is not None and not isinstance(taken, JsonMember):
                item: JsonValue | None = taken
            else:
                previous = self.enter_segment(child) if depth == 0 else self.anchor
                item = self.value(child, depth + 1)
                self.anchor = previous
            if item is not None:
                items.append(item)
        start, end = self.span(node)
        if node.has_error:
            self.check_closed(node, "]")
        return JsonArray(self.anchor, self.relative(start), self.relative(end), tuple(items))

    def check_commas(self, node: tree_sitter.Node, closer: str) -> None:
        """Report a comma that directly precedes the closing bracket (Make warns and tolerates it)."""
        children = [child for child in node.children if child.type != "comment"]
        for previous, current in itertools.pairwise(children):
            if (current.type == closer or (current.is_missing and current.next_sibling is not None)) and self.is_comma(
                previous
            ):
                self.problem(previous, "Remove this trailing comma.", trailing_comma=True)
                self.trailing_commas.add(previous.start_byte)

    def is_comma(self, node: tree_sitter.Node) -> bool:
        if node.type == ",":
            return True
        start, end = self.span(node)
        return node.type == "ERROR" and self.text[start:end].strip() == ","

    def check_closed(self, node: tree_sitter.Node, closer: str) -> None:
        last = node.children[-1] if node.children else None
        if last is None or last.type != closer or last.is_missing:
            start, _ = self.span(node)
            self.add_problem(start, start + 1, f"This is never closed: add the matching `{closer}`.")

    def error(self, node: tree_sitter.Node) -> None:
        if node.start_byte in self.trailing_commas:
            return
        start, end = self.span(node)
        if any(start <= line_break < end for line_break in self.unterminated):
            return  # the unclosed string inside is the real problem, reported on its own
        snippet = self.text[start : min(end, start + 20)].split("\n")[0]
        self.add_problem(start, max(end, start + 1), f"Unexpected `{snippet}`: this is not valid JSON here.")


def _describe(kind: str) -> str:
    return {"}": "`}`", "]": "`]`", ":": "`:`", ",": "`,`", '"': '`"`'}.get(kind, "a value")


def _number(text: str) -> float | int:
    """The double ``JSON.parse`` reads: ``-0`` is negative zero, ``1e400`` Infinity, and integers beyond
    2**53 are rounded (``12345678901234567890`` → 12345678901234567168); whole numbers written without
    a fraction or exponent are ``int``."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    integral = text.lstrip("-").isdigit() and math.isfinite(value) and not (value == 0 and text.startswith("-"))
    return int(value) if integral else value


_LEXEME = re.compile(
    r'"(?:[^"\\\r\n]|\\[^\r\n])*"|(?P<open>"(?:[^"\\\r\n]|\\[^\r\n])*\\?)(?=[\r\n]|\Z)|//[^\r\n]*|/\*.*?(?:\*/|\Z)|[^"/]+|/',
    re.S,
)


def _close_open_strings(text: str, windows: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Close each string left open at its line end by turning the line break into a quote.

    JSON strings cannot span lines, so a string still open at a line break is unterminated.
    Replacing the break (not inserting) keeps every offset valid for the original text, and lets
    the parser recover right after the broken string instead of at the next quote in the file.
    Only ``windows`` are scanned (see :func:`_repair_windows`).
    """
    opened: list[tuple[int, int]] = []
    for start, end in windows:
        for match in _LEXEME.finditer(text, start, end):
            if match.group("open") is not None and match.end() < len(text):
                opened.append((match.start(), match.end()))
    if not opened:
        return text, []
    characters = list(text)
    for _, line_break in opened:
        characters[line_break] = '"'
    return "".join(characters), opened


_JSON_TOKEN = re.compile(
    r'"(?:[^"\\\r\n]|\\[^\r\n])*"|//[^\r\n]*|/\*.*?(?:\*/|\Z)|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null'
    r"|[{}\[\]:,]|\s+|.",
    re.S,
)
_VALUE_END = re.compile(r'"|-|\d|true|false|null|[}\]]')
_VALUE_START = re.compile(r'"|-|\d|true|false|null|[{\[]')


def _add_missing_commas(text: str, windows: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Put a comma where two values follow each other with only white space between them.

    The white space character right after the first value becomes the comma, so offsets stay
    valid. Returns the repaired text and where each comma went. Only ``windows`` are scanned.
    """
    commas: list[int] = []
    for start, end in windows:
        previous: re.Match[str] | None = None
        gap: int | None = None
        for token in _JSON_TOKEN.finditer(text, start, end):
            value = token.group()
            if value[0].isspace() or value.startswith(("//", "/*")):
                if gap is None and value[0].isspace():
                    gap = token.start()
                continue
            if (
                previous is not None
                and gap is not None
                and _VALUE_END.match(previous.group())
                and _VALUE_START.match(value)
            ):
                commas.append(gap)
            previous, gap = token, None
    if not commas:
        return text, []
    characters = list(text)
    for position in commas:
        characters[position] = ","
    return "".join(characters), commas


_WINDOW_LINES = 2
"""Lines scanned for slips before and after the edited text and each earlier problem."""


def _changed_span(old: AnyStr, new: AnyStr) -> tuple[int, int]:
    """The lengths of the start and end ``new`` shares with ``old`` (compared in halves: each step
    is one fast slice comparison, so a big file costs a few passes, not a Python loop per character)."""
    limit = min(len(old), len(new))
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if old[:middle] == new[:middle]:
            low = middle
        else:
            high = middle - 1
    prefix = low
    low, high = 0, limit - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle :] == new[len(new) - middle :]:
            low = middle
        else:
            high = middle - 1
    return prefix, low


def _insignificant(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a line) holds only white space and comments."""
    return all(
        token.group()[0].isspace() or token.group().startswith("//") for token in _JSON_TOKEN.finditer(text, start, end)
    )


def _repair_windows(
    index: LineIndex, previous: tuple[JsonDocument, str] | None, same: tuple[int, int]
) -> list[tuple[int, int]]:
    """The parts of the text that the repairs scan. After an edit, a slip can only be in the edited
    lines or where the previous version had a problem, so those lines (and a few around them) are
    scanned, not the whole file. Lines start outside every string (a string cannot span lines), so
    a scan can start at any line; a block comment can span lines, and then everything is scanned, as
    it is when the previous version had several problems (one repair can change how the text after
    it reads: the windows are for the common case, a quote or comma being typed)."""
    text = index.text
    if previous is None or "/*" in text or len(previous[0].problems) > 1:
        return [(0, len(text))]
    document, old = previous
    prefix, suffix = same
    delta = len(text) - len(old)
    spots = [(prefix, len(text) - suffix)]
    for problem in document.problems:
        if problem.end <= prefix:
            spots.append((problem.start, problem.end))
        elif problem.start >= len(old) - suffix:
            spots.append((problem.start + delta, problem.end + delta))
    last_line = index.line_count - 1
    windows: list[tuple[int, int]] = []
    for start, end in sorted(spots):
        first = max(index.line_of(start) - _WINDOW_LINES, 0)
        last = min(index.line_of(end) + _WINDOW_LINES, last_line)
        # a missing comma is between two values: reach the value before and after the window
        while first > 0 and _insignificant(text, index.line_start(first), index.line_end(first)):
            first -= 1
        while last < last_line and _insignificant(text, index.line_start(last), index.line_end(last)):
            last += 1
        begin, finish = index.line_start(first), index.line_end(last)
        if windows and begin <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], finish))
        else:
            windows.append((begin, finish))
    return windows


def parse_json(index: LineIndex, previous: tuple[JsonDocument, str] | None = None) -> JsonDocument:
    """Parse a whole document into a :class:`JsonDocument`.

    When the text has errors, two common slips are repaired before a second parse, so that they
    do not hide the rest of the file: a string left open at the end of its line, and a missing comma.
    With ``previous`` (the last version's document and text), top-level entries whose text did not
    change are taken over from it, so the analysis of what they hold is reused too.
    """
    # always a fresh parse: tree-sitter's incremental reparse of a text with errors can recover from
    # them differently than a parse of the same text, and the problems must not depend on history
    tree = _parse(index.utf8)
    same = _changed_span(previous[1], index.text) if previous is not None else (0, 0)
    if tree.root_node.descendant_count > MAX_JSON_TOKENS or any(
        child.named_child_count > MAX_TOP_LEVEL_ENTRIES for child in tree.root_node.children
    ):
        return JsonDocument(None, (), too_large=True)
    clean = not tree.root_node.has_error
    unterminated: list[tuple[int, int]] = []
    commas: list[int] = []
    if not clean:
        windows = _repair_windows(index, previous, same)
        repaired, unterminated = _close_open_strings(index.text, windows)
        repaired, commas = _add_missing_commas(repaired, windows)
        if len(unterminated) + len(commas) > 1 and windows != [(0, len(index.text))]:
            # several slips: one repair can change how the text after it reads, so scan it all
            everything = [(0, len(index.text))]
            repaired, unterminated = _close_open_strings(index.text, everything)
            repaired, commas = _add_missing_commas(repaired, everything)
        if unterminated or commas:
            index = LineIndex(repaired)
            tree = _parse(index.utf8)
    earlier = _Earlier(segments(previous[0].root), previous[1], previous[0].problems, *same) if previous else None
    converter = _Converter(
        index,
        unterminated=frozenset(line_break for _, line_break in unterminated),
        commas=frozenset(commas),
        earlier=earlier,
    )
    for start, line_break in unterminated:
        converter.add_problem(start, line_break, 'This string is not closed: add the missing `"`.')
    for comma in commas:
        converter.add_problem(comma - 1, comma, "A comma is missing after this value.")
    root: JsonValue | None = None
    for child in tree.root_node.children:
        if child.type == "comment":
            continue
        if root is None and child.type != "ERROR":
            root = converter.value(child, 0)
        else:
            converter.error(child)
    if root is None and not converter.problems and index.text.strip():
        converter.add_problem(0, len(index.text), "Expected a JSON value.")
    return JsonDocument(root, _unique(converter.problems), clean and not converter.problems)


def segments(root: JsonValue | None) -> tuple[JsonValue | JsonMember, ...]:
    """The top-level entries of the root, each with its own anchor: array items or object members."""
    if isinstance(root, JsonArray):
        return root.items
    if isinstance(root, JsonObject):
        return root.members
    return ()


def reparse_segment(document: JsonDocument, text: str, start: int, old_end: int, new_end: int) -> JsonDocument | None:
    """The document after the edit ``[start, old_end)`` → ``[start, new_end)`` of ``text``, if it stays
    inside one top-level entry and leaves valid JSON: that entry is parsed alone, the others reused.

    Returns None when the edit is not such an edit (the caller then parses the whole text).
    """
    root = document.root
    if not document.clean or not isinstance(root, JsonArray | JsonObject):
        return None
    entries = segments(root)
    position = bisect_right(entries, start, key=attrgetter("start")) - 1
    if position < 0 or not (entries[position].start < start and old_end < entries[position].end):
        return None
    entry = entries[position]
    delta = new_end - old_end
    entry_start, entry_end = entry.start, entry.end + delta
    opener, closer = ("[", "]") if isinstance(root, JsonArray) else ("{", "}")
    index = LineIndex(opener + text[entry_start:entry_end] + closer)
    tree = _parse(index.utf8)
    if tree.root_node.has_error or tree.root_node.descendant_count > MAX_JSON_TOKENS:
        return None
    converter = _Converter(index, shift=entry_start - 1)
    wrapper = next((child for child in tree.root_node.children if child.type != "comment"), None)
    parsed = converter.value(wrapper, 0) if wrapper is not None else None
    replacement = segments(parsed)
    if converter.problems or type(parsed) is not type(root) or len(replacement) != 1:
        return None
    for later in entries[position + 1 :]:
        later.anchor.base += delta
    updated = (*entries[:position], *replacement, *entries[position + 1 :])
    if isinstance(root, JsonArray):
        new_root: JsonValue = JsonArray(root.anchor, root.rel_start, root.rel_end + delta, updated)  # type: ignore[arg-type]
    else:
        new_root = JsonObject(root.anchor, root.rel_start, root.rel_end + delta, updated)  # type: ignore[arg-type]
    return JsonDocument(new_root, (), clean=True, replaced=position)


def _unique(problems: Sequence[SyntaxProblem]) -> tuple[SyntaxProblem, ...]:
    seen: set[tuple[int, int]] = set()
    result = []
    for problem in sorted(problems, key=lambda p: (p.start, p.end)):
        if (problem.start, problem.end) not in seen:
            seen.add((problem.start, problem.end))
            result.append(problem)
    return tuple(result)


def walk(value: JsonValue | None) -> Iterator[JsonValue]:
    """Every value in the tree, depth first, without recursion (deep nesting is legal JSON)."""
    stack: list[JsonValue] = [] if value is None else [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, JsonObject):
            stack.extend(m.value for m in reversed(node.members) if m.value is not None)
        elif isinstance(node, JsonArray):
            stack.extend(reversed(node.items))
