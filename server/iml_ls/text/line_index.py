"""Positions in a document: offsets, LSP lines and characters, in every position encoding.

LSP splits lines only at ``\\n``, ``\\r\\n`` and ``\\r`` (never at U+2028, which JSON strings may hold
raw) and counts characters in the encoding negotiated with the client. Offsets inside iml-ls are
indexes into the Python ``str`` (code points). One :class:`LineIndex` is built per document version
and serves every conversion.
"""

from __future__ import annotations

import enum
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


class PositionEncoding(str, enum.Enum):
    """The units an LSP ``character`` counts."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


@dataclass(frozen=True, order=True)
class Position:
    """A zero-based LSP position in some encoding."""

    line: int
    character: int


def _units(text: str, encoding: PositionEncoding) -> int:
    """How many units of ``encoding`` the text takes."""
    if encoding is PositionEncoding.UTF32 or text.isascii():
        return len(text)
    if encoding is PositionEncoding.UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


_LINES_PER_BLOCK = 512


class _LineStarts:
    """Line starts in blocks, each stored relative to its block's first line, so that an edit moves
    the blocks after it by changing their base: O(blocks + one block) per edit, not O(lines)."""

    __slots__ = ("bases", "blocks", "firsts")

    def __init__(self, bases: list[int], blocks: list[list[int]]) -> None:
        self.bases = bases
        self.blocks = blocks
        self.firsts = list(itertools.accumulate((len(block) for block in blocks[:-1]), initial=0))
        """The number of each block's first line."""

    @classmethod
    def of(cls, starts: list[int]) -> _LineStarts:
        chunks = [starts[first : first + _LINES_PER_BLOCK] for first in range(0, len(starts), _LINES_PER_BLOCK)]
        return cls([chunk[0] for chunk in chunks], [[start - chunk[0] for start in chunk] for chunk in chunks])

    def __len__(self) -> int:
        return self.firsts[-1] + len(self.blocks[-1])

    def __getitem__(self, line: int) -> int:
        block = bisect_right(self.firsts, line) - 1
        return self.bases[block] + self.blocks[block][line - self.firsts[block]]

    def line_of(self, offset: int) -> int:
        block = bisect_right(self.bases, offset) - 1
        return self.firsts[block] + bisect_right(self.blocks[block], offset - self.bases[block]) - 1

    def all(self) -> list[int]:
        return [base + start for base, block in zip(self.bases, self.blocks, strict=True) for start in block]

    def replaced(self, start: int, stop: int, found: list[int], delta: int) -> _LineStarts:
        """The starts in ``[start, stop]`` replaced by ``found``; those after ``stop`` moved by ``delta``."""
        first = max(bisect_right(self.bases, start) - 1, 0)
        last = max(bisect_right(self.bases, stop) - 1, 0)
        around = [
            base + line_start
            for base, block in zip(self.bases[first : last + 1], self.blocks[first : last + 1], strict=True)
            for line_start in block
        ]
        kept = [line_start for line_start in around if line_start < start] or ([0] if first == 0 else [])
        kept += found
        kept += [line_start + delta for line_start in around if line_start > stop]
        rebuilt = _LineStarts.of(kept) if kept else _LineStarts([], [])
        return _LineStarts(
            [*self.bases[:first], *rebuilt.bases, *(base + delta for base in self.bases[last + 1 :])],
            [*self.blocks[:first], *rebuilt.blocks, *self.blocks[last + 1 :]],
        )


class LineIndex:
    """Line starts of one text, for converting between offsets and LSP positions."""

    def __init__(self, text: str, starts: _LineStarts | None = None, is_ascii: bool | None = None) -> None:
        self.text = text
        if starts is None:
            found = [0]
            found.extend(match.end() for match in _LINE_BREAK.finditer(text))
            starts = _LineStarts.of(found)
        self._starts = starts
        self.is_ascii = text.isascii() if is_ascii is None else is_ascii

    def edited(self, start: int, end: int, replacement: str) -> LineIndex:
        """The index of this text with ``[start, end)`` replaced: only the lines around the edit are
        searched again, the blocks of lines after it are moved."""
        text = self.text[:start] + replacement + self.text[end:]
        delta = len(replacement) - (end - start)
        following = _LINE_BREAK.search(text, start + len(replacement))
        stop = following.end() if following is not None else len(text)
        found = [match.end() for match in _LINE_BREAK.finditer(text, max(start - 1, 0), stop)]
        is_ascii = replacement.isascii() if self.is_ascii else text.isascii()
        return LineIndex(text, self._starts.replaced(start, stop - delta, found, delta), is_ascii)

    @property
    def line_starts(self) -> list[int]:
        """Every line's start (a new list: prefer :meth:`line_start`)."""
        return self._starts.all()

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        """The offset where ``line`` starts (the line must exist)."""
        return self._starts[line]

    def line_of(self, offset: int) -> int:
        """The zero-based line that holds ``offset`` (clamped to the text)."""
        return self._starts.line_of(min(max(offset, 0), len(self.text)))

    def line_end(self, line: int) -> int:
        """The offset where ``line``'s content ends (before its line break)."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            if self.text.startswith("\r\n", end - 2) and end - 2 >= self._starts[line]:
                return end - 2
            return end - 1
        return len(self.text)

    def position(self, offset: int, encoding: PositionEncoding = PositionEncoding.UTF16) -> Position:
        """The LSP position of an offset."""
        offset = min(max(offset, 0), len(self.text))
        line = self._starts.line_of(offset)
        start = self._starts[line]
        if self.is_ascii:
            return Position(line, offset - start)
        return Position(line, _units(self.text[start:offset], encoding))

    def line_characters(self, offsets: list[int], encoding: PositionEncoding) -> list[tuple[int, int]]:
        """``(line, character)`` of many offsets, as :meth:`position` gives them, in one tight loop
        (publishing hundreds of diagnostics per keystroke converts twice as many offsets)."""
        starts = self._starts
        bases, blocks, firsts = starts.bases, starts.blocks, starts.firsts
        text = self.text
        length = len(text)
        found: list[tuple[int, int]] = []
        for offset in offsets:
            offset = min(max(offset, 0), length)
            block = bisect_right(bases, offset) - 1
            base = bases[block]
            starts_in_block = blocks[block]
            row = bisect_right(starts_in_block, offset - base) - 1
            start = base + starts_in_block[row]
            column = offset - start if self.is_ascii else _units(text[start:offset], encoding)
            found.append((firsts[block] + row, column))
        return found

    def offset(self, position: Position, encoding: PositionEncoding = PositionEncoding.UTF16) -> int:
        """The offset of an LSP position; lines and characters past the end clamp (as LSP says)."""
        if position.line < 0:
            return 0
        if position.line >= len(self._starts):
            return len(self.text)
        start = self._starts[position.line]
        end = self.line_end(position.line)
        wanted = max(position.character, 0)
        if self.is_ascii or encoding is PositionEncoding.UTF32:
            return min(start + wanted, end)
        units = 0
        for index in range(start, end):
            if units >= wanted:
                return index
            units += _units(self.text[index], encoding)
            if units > wanted:  # inside a surrogate pair or a multi-byte character
                return index
        return end

    @cached_property
    def utf8(self) -> bytes:
        """The text as UTF-8 (lone surrogates kept), as the JSON parser reads it."""
        return self.text.encode("utf-8", "surrogatepass")

    @cached_property
    def _wide_characters(self) -> tuple[list[int], list[int]]:
        """For each character that takes more than one UTF-8 byte: the byte offset just after it, and
        how many more bytes than characters the text has up to there."""
        ends: list[int] = []
        extra: list[int] = []
        total = 0
        for match in _NON_ASCII.finditer(self.text):
            for offset, character in enumerate(match.group(), match.start()):
                total += len(character.encode("utf-8", "surrogatepass")) - 1
                ends.append(offset + total + 1)
                extra.append(total)
        return ends, extra

    def offset_of_byte(self, byte_offset: int) -> int:
        """Convert a UTF-8 byte offset (from the JSON parser; always between characters) to an offset."""
        if self.is_ascii:
            return byte_offset
        ends, extra = self._wide_characters
        before = bisect_right(ends, byte_offset) - 1
        return byte_offset - (extra[before] if before >= 0 else 0)
