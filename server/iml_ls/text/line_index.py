"""Positions in a document: offsets, LSP lines and characters, in every position encoding.

LSP splits lines only at ``\\n``, ``\\r\\n`` and ``\\r`` (never at U+2028, which JSON strings may hold
raw) and counts characters in the encoding negotiated with the client. Offsets inside iml-ls are
indexes into the Python ``str`` (code points). One :class:`LineIndex` is built per document version
and serves every conversion.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
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


class LineIndex:
    """Line starts of one text, for converting between offsets and LSP positions."""

    def __init__(self, text: str, line_starts: list[int] | None = None, is_ascii: bool | None = None) -> None:
        self.text = text
        if line_starts is None:
            line_starts = [0]
            line_starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        self.line_starts = line_starts
        self.is_ascii = text.isascii() if is_ascii is None else is_ascii

    def edited(self, start: int, end: int, replacement: str) -> LineIndex:
        """The index of this text with ``[start, end)`` replaced: only the lines around the edit are
        searched again, the line starts after it are moved."""
        text = self.text[:start] + replacement + self.text[end:]
        delta = len(replacement) - (end - start)
        following = _LINE_BREAK.search(text, start + len(replacement))
        stop = following.end() if following is not None else len(text)
        starts = self.line_starts[: max(1, bisect_left(self.line_starts, start))]
        starts.extend(match.end() for match in _LINE_BREAK.finditer(text, max(start - 1, 0), stop))
        moved = self.line_starts[bisect_right(self.line_starts, stop - delta) :]
        starts.extend([line_start + delta for line_start in moved])
        is_ascii = replacement.isascii() if self.is_ascii else text.isascii()
        return LineIndex(text, starts, is_ascii)

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        """The zero-based line that holds ``offset`` (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        return bisect_right(self.line_starts, offset) - 1

    def line_end(self, line: int) -> int:
        """The offset where ``line``'s content ends (before its line break)."""
        if line + 1 < len(self.line_starts):
            end = self.line_starts[line + 1]
            if self.text.startswith("\r\n", end - 2) and end - 2 >= self.line_starts[line]:
                return end - 2
            return end - 1
        return len(self.text)

    def position(self, offset: int, encoding: PositionEncoding = PositionEncoding.UTF16) -> Position:
        """The LSP position of an offset."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        if self.is_ascii:
            return Position(line, offset - start)
        return Position(line, _units(self.text[start:offset], encoding))

    def offset(self, position: Position, encoding: PositionEncoding = PositionEncoding.UTF16) -> int:
        """The offset of an LSP position; lines and characters past the end clamp (as LSP says)."""
        if position.line < 0:
            return 0
        if position.line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[position.line]
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
