"""Folding ranges: each object or array over several lines, each comment over several lines, and
each run of line comments, so that a long ``temp`` or ``response`` folds to its first line.

From the text's tokens, not the JSON tree: the tree has no comments, and a file with a syntax error
(which the tree repairs) still folds by the brackets it has, as long as they pair.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iml_ls.syntax.json_tokens import Token, json_tokens

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis

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
    tokens: list[Token] | None = json_tokens(text) if len(text) <= MAX_FOLDED_CHARACTERS else None
    if tokens is None:
        return []
    line_of = analysis.index.line_of
    folds: list[Fold] = []
    openers: list[int] = []
    comment_run: tuple[int, int] | None = None  # the first and last line of consecutive line comments
    for token in tokens:
        if token.kind == "line_comment":
            line = line_of(token.start)
            own_line = not text[analysis.index.line_start(line) : token.start].strip()
            if comment_run is not None and own_line and line == comment_run[1] + 1:
                comment_run = (comment_run[0], line)
                continue
            _end_run(folds, comment_run)
            comment_run = (line, line) if own_line else None
            continue
        _end_run(folds, comment_run)
        comment_run = None
        if token.kind == "block_comment":
            first, last = line_of(token.start), line_of(token.end - 1)
            if last > first:
                folds.append(Fold(first, last, FoldKind.COMMENT))
        elif token.kind == "open":
            openers.append(token.start)
        elif token.kind == "close" and openers:
            first, last = line_of(openers.pop()), line_of(token.start)
            if not text[analysis.index.line_start(last) : token.start].strip():
                last -= 1  # the closing bracket starts its line: it stays in view
            if last > first:
                folds.append(Fold(first, last, FoldKind.REGION))
    _end_run(folds, comment_run)
    folds.sort(key=lambda fold: (fold.start_line, -fold.end_line))
    return folds if limit is None else folds[:limit]


def _end_run(folds: list[Fold], run: tuple[int, int] | None) -> None:
    if run is not None and run[1] > run[0]:
        folds.append(Fold(run[0], run[1], FoldKind.COMMENT))
