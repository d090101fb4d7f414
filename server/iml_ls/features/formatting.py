"""Format Document and Format Selection for Make app files: one layout, and no value touched.

Only the whitespace between tokens changes. Strings (with the IML in them, their escapes and their
quotes), numbers, comments and commas stay exactly as written, so a formatted file means the same to
Make. The layout is the one Make app files are usually written in:

- an object or array the author wrote on one line stays on one line (``{"sort": "-created"}``),
  as long as it fits in :data:`LINE_WIDTH` columns and holds no comment; one written over several
  lines gets one member per line, indented by the editor's tab size;
- ``": "`` after a key, ``", "`` between the members of a one-line group;
- a comment stays on the line of what it follows when it was written there, else on its own line;
- runs of blank lines become one blank line; spaces at line ends and before the first value go.

A file with JSON syntax errors is not formatted: where its tokens belong is a guess. Neither is a file
over :data:`MAX_FORMATTED_CHARACTERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from iml_ls.syntax.json_tokens import Token, json_tokens

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis

LINE_WIDTH = 120
"""The widest a one-line object or array may become and stay on one line (from its line's start)."""
MAX_FORMATTED_CHARACTERS = 1_000_000
"""Larger files (about 30,000 lines) are not formatted: it would take longer than a second."""


@dataclass(frozen=True)
class FormatOptions:
    """What the editor says (LSP ``FormattingOptions``)."""

    tab_size: int = 4
    insert_spaces: bool = True
    insert_final_newline: bool | None = None
    """None: keep the file's final newline, or the lack of one, as it is."""


@dataclass(frozen=True)
class WhitespaceEdit:
    """Replace the whitespace ``[start, end)`` of the text with ``new_text``."""

    start: int
    end: int
    new_text: str


@dataclass(slots=True)
class _Token(Token):
    depth: int = 0
    """How many groups hold the token (an opener and its closer count as outside their own group)."""
    group: _Group | None = None
    """An opener's or closer's own group; for any other token, the innermost group holding it."""


@dataclass
class _Group:
    opener: int
    """Index of the opening token."""
    closer: int = -1
    flat_width: int = 0
    """The group's width on one line: its tokens, and a space after each comma and colon."""
    multiline: bool = False
    """Its members go on lines of their own (decided before the layout, or at its opener by width)."""


def format_edits(
    text: str, options: FormatOptions, start: int = 0, end: int | None = None
) -> list[WhitespaceEdit] | None:
    """The edits that format ``text`` (only those inside ``[start, end)`` for a selection); None when
    the text cannot be formatted (it is not JSON with comments)."""
    if len(text) > MAX_FORMATTED_CHARACTERS:
        return None
    tokens = json_tokens(text, _Token)
    if not tokens or not _in_order(tokens) or not _grouped(text, tokens):
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    indent_unit = " " * max(options.tab_size, 1) if options.insert_spaces else "\t"
    gaps = _layout(text, tokens, newline, indent_unit, options)
    changed = [gap for gap in gaps if text[gap.start : gap.end] != gap.new_text]
    if end is None:
        return changed
    return [gap for gap in changed if start <= gap.start < end and start < gap.end <= end]  # inside, not touching


_VALUE_ENDS = frozenset({"string", "scalar", "close"})
_VALUE_STARTS = frozenset({"string", "scalar", "open"})


def _in_order(tokens: list[_Token]) -> bool:
    """Whether no two values follow each other without a comma or colon between them (a missing
    comma: where one belongs is a guess) and no separator follows another."""
    previous = "comma"
    for token in tokens:
        if token.kind.endswith("comment"):
            continue
        if previous in _VALUE_ENDS and token.kind in _VALUE_STARTS:
            return False
        if previous in ("comma", "colon", "open") and token.kind in ("comma", "colon"):
            return False
        previous = token.kind
    return True


def _grouped(text: str, tokens: list[_Token]) -> bool:
    """Pair the brackets, give each token its depth and group, and each group its one-line width and
    whether its structure already asks for several lines; False when the brackets do not pair."""
    stack: list[_Group] = []
    groups: list[_Group] = []
    for index, token in enumerate(tokens):
        if token.kind == "open":
            token.depth = len(stack)
            token.group = _Group(index)
            stack.append(token.group)
            groups.append(token.group)
        elif token.kind == "close":
            if not stack or text[tokens[stack[-1].opener].start] + text[token.start] not in ("{}", "[]"):
                return False
            token.group = stack.pop()
            token.group.closer = index
            token.depth = len(stack)
        else:
            token.depth = len(stack)
            token.group = stack[-1] if stack else None
    if stack:
        return False
    for group in reversed(groups):  # inner groups come later in the list: they are decided first
        inner = tokens[group.opener + 1 : group.closer]
        group.flat_width = sum(token.end - token.start for token in tokens[group.opener : group.closer + 1]) + sum(
            1 for token in inner if token.kind in ("comma", "colon")
        )
        # written over several lines (JSON strings hold no line break), or holding a comment
        group.multiline = bool(inner) and (
            "\n" in text[tokens[group.opener].end : tokens[group.closer].start]
            or any(token.kind.endswith("comment") for token in inner)
        )
    return True


def _layout(
    text: str, tokens: list[_Token], newline: str, indent_unit: str, options: FormatOptions
) -> list[WhitespaceEdit]:
    """The whitespace before each token and after the last, token by token, keeping track of the
    column (a one-line group too wide for its place is laid out on several lines)."""
    gaps = [WhitespaceEdit(0, tokens[0].start, "\ufeff" if text.startswith("\ufeff") else "")]
    column = 0
    for index, token in enumerate(tokens):
        if token.kind == "open" and token.group is not None and not token.group.multiline:
            token.group.multiline = column + token.group.flat_width > LINE_WIDTH
        column += token.end - token.start
        if index + 1 == len(tokens):
            break
        after = tokens[index + 1]
        between = _between(token, after, text[token.end : after.start], newline, indent_unit)
        gaps.append(WhitespaceEdit(token.end, after.start, between))
        column = len(between) - between.rfind("\n") - 1 if "\n" in between else column + len(between)
    last = tokens[-1].end
    final = options.insert_final_newline
    gaps.append(WhitespaceEdit(last, len(text), newline if final or (final is None and "\n" in text[last:]) else ""))
    return gaps


def _between(token: _Token, after: _Token, written: str, newline: str, indent_unit: str) -> str:
    """The whitespace between two tokens, ``written`` being what is there now."""
    blank_kept = newline * (2 if written.count("\n") >= 2 else 1)  # a run of blank lines becomes one

    def new_line(keep_blank: bool = False) -> str:
        return (blank_kept if keep_blank else newline) + indent_unit * after.depth

    if token.kind == "line_comment":
        return new_line(keep_blank=True)
    if after.kind.endswith("comment"):
        return new_line(keep_blank=token.kind != "open") if "\n" in written else " "
    if after.kind == "close" and after.group is not None:
        return new_line() if after.group.multiline else ""
    if token.kind == "block_comment":
        return new_line(keep_blank=True) if "\n" in written else " "
    if after.kind in ("comma", "colon"):
        return ""
    if token.kind == "colon":
        return " "
    if token.kind == "open" and token.group is not None:
        return new_line() if token.group.multiline else ""
    # what is left is a comma before a value (values in a row were refused by `_in_order`)
    return new_line(keep_blank=True) if token.group is not None and token.group.multiline else " "


def document_edits(
    analysis: Analysis, options: FormatOptions, start: int = 0, end: int | None = None
) -> list[WhitespaceEdit] | None:
    """The edits that format an app file; None while it has JSON syntax errors (a trailing comma,
    which Make's JSON with comments tolerates, is not one)."""
    if any(not problem.trailing_comma for problem in analysis.syntax.json.problems):
        return None
    return format_edits(analysis.text, options, start, end)
