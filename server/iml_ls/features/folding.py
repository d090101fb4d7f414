"""Folding ranges: each object or array over several lines, each comment over several lines, and
each run of line comments, so that a long ``temp`` or ``response`` folds to its first line.

From the text's tokens, not the JSON tree: the tree has no comments, and a file with a syntax error
(which the tree repairs) still folds by the brackets it has, as long as they pair.

Editors ask again after every edit, so a clean file is folded entry by entry (the requests of a
communication array, the stages of an OAuth file): an entry whose text did not change keeps its
folds, and a keystroke tokenizes only the entry it changed.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from iml_ls.syntax.json_tokens import Token, json_tokens
from iml_ls.syntax.json_tree import JsonArray, JsonObject, segments

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis

_NEWLINE = re.compile("\n")
MAX_FOLDED_CHARACTERS = 1_000_000
"""Larger files get no folding ranges (the editor folds them by indentation)."""


class FoldKind(enum.Enum):
    REGION = "region"
    COMMENT = "comment"


@dataclass(frozen=True)
class Fold:
    """Lines ``start_line`` to ``end_line`` (zero-based, inclusive) fold to the first one."""

    start_line: int
    end_line: int
    kind: FoldKind


def folding_ranges(analysis: Analysis, limit: int | None = None) -> list[Fold]:
    """The folds of a file, by their first line; at most ``limit`` (the client's ``rangeLimit``)."""
    text = analysis.text
    if len(text) > MAX_FOLDED_CHARACTERS:
        return []
    index = analysis.index
    root = analysis.root
    entries = segments(root) if analysis.syntax.json.clean else ()
    pieces: list[tuple[int, int]] = []  # the entries, and the text before, between and after them
    position = 0
    for entry in entries:
        pieces += [(position, entry.start), (entry.start, entry.end)]
        position = entry.end
    pieces.append((position, len(text)))
    folds: list[Fold] = []
    for start, end in pieces:
        first_line = index.line_of(start)
        starts_line = not text[index.line_start(first_line) : start].strip()
        fold = _piece_folds if entries else _folds_in  # a whole file is not worth keeping
        folds.extend(Fold(first_line + a, first_line + b, kind) for a, b, kind in fold(text[start:end], starts_line))
    if entries and isinstance(root, JsonArray | JsonObject):
        first, last = index.line_of(root.start), index.line_of(root.end - 1)
        if not text[index.line_start(last) : root.end - 1].strip():
            last -= 1
        if last > first:
            folds.append(Fold(first, last, FoldKind.REGION))
    folds.sort(key=lambda fold: (fold.start_line, -fold.end_line))
    return folds if limit is None else folds[:limit]


@lru_cache(maxsize=8192)
def _piece_folds(text: str, starts_line: bool) -> tuple[tuple[int, int, FoldKind], ...]:
    """:func:`_folds_in`, kept for the entries of a file that do not change from one edit to the next."""
    return _folds_in(text, starts_line)


def _folds_in(text: str, starts_line: bool) -> tuple[tuple[int, int, FoldKind], ...]:
    """The folds of a piece of a file, by lines counted from its first; ``starts_line``: nothing but
    whitespace comes before the piece on its first line. Brackets that do not pair inside the piece
    (a root's, around its entries) fold nothing here."""
    tokens: list[Token] | None = json_tokens(text)
    if tokens is None:
        return ()
    line_starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]

    def line_of(offset: int) -> int:
        return bisect_right(line_starts, offset) - 1

    def alone(line: int, offset: int) -> bool:
        """Only whitespace before ``offset`` on its line."""
        return (line > 0 or starts_line) and not text[line_starts[line] : offset].strip()

    found: list[tuple[int, int, FoldKind]] = []
    openers: list[int] = []
    comment_run: tuple[int, int] | None = None  # the first and last line of consecutive line comments

    def end_run() -> None:
        if comment_run is not None and comment_run[1] > comment_run[0]:
            found.append((comment_run[0], comment_run[1], FoldKind.COMMENT))

    for token in tokens:
        if token.kind == "line_comment":
            line = line_of(token.start)
            own_line = alone(line, token.start)
            if comment_run is not None and own_line and line == comment_run[1] + 1:
                comment_run = (comment_run[0], line)
                continue
            end_run()
            comment_run = (line, line) if own_line else None
            continue
        end_run()
        comment_run = None
        if token.kind == "block_comment":
            first, last = line_of(token.start), line_of(token.end - 1)
            if last > first:
                found.append((first, last, FoldKind.COMMENT))
        elif token.kind == "open":
            openers.append(token.start)
        elif token.kind == "close" and openers:
            first, last = line_of(openers.pop()), line_of(token.start)
            if alone(last, token.start):
                last -= 1  # the closing bracket starts its line: it stays in view
            if last > first:
                found.append((first, last, FoldKind.REGION))
    end_run()
    return tuple(found)
