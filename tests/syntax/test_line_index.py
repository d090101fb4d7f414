"""LSP positions: lines break only at \\n, \\r\\n and \\r; characters counted per encoding."""

from __future__ import annotations

import random

import pytest

from iml_ls.text import line_index
from iml_ls.text.line_index import LineIndex, Position, PositionEncoding

UTF8, UTF16, UTF32 = PositionEncoding.UTF8, PositionEncoding.UTF16, PositionEncoding.UTF32


def test_line_breaks_are_lf_crlf_and_cr_only() -> None:
    text = "a\nb\r\nc\rd\u2028e\u0085f"
    index = LineIndex(text)
    assert index.line_count == 4
    assert index.position(text.index("d")) == Position(3, 0)
    assert index.position(text.index("e")) == Position(3, 2)  # U+2028 is not a line break in LSP


def test_offsets_round_trip_in_every_encoding_with_astral_characters() -> None:
    text = 'x = "é😀日" + y\nz'
    index = LineIndex(text)
    offset = text.index("+")
    assert index.position(offset, UTF32) == Position(0, 10)
    assert index.position(offset, UTF16) == Position(0, 11)  # the emoji is two UTF-16 units
    assert index.position(offset, UTF8) == Position(0, 16)  # é 2 bytes, emoji 4, 日 3
    for encoding in (UTF8, UTF16, UTF32):
        assert index.offset(index.position(offset, encoding), encoding) == offset


def test_positions_past_the_end_clamp() -> None:
    index = LineIndex("ab\ncd")
    assert index.offset(Position(0, 99)) == 2
    assert index.offset(Position(7, 0)) == 5
    assert index.offset(Position(-1, 0)) == 0
    assert index.position(99) == Position(1, 2)


def test_a_position_inside_a_surrogate_pair_lands_before_the_character() -> None:
    text = "😀x"
    index = LineIndex(text)
    assert index.offset(Position(0, 1), UTF16) == 0
    assert index.offset(Position(0, 2), UTF16) == 1


@pytest.mark.parametrize("text", ["", "\n", "\r\n\r\n", "é\r\n😀\r"])
def test_line_end_excludes_the_break(text: str) -> None:
    index = LineIndex(text)
    for line in range(index.line_count):
        end = index.line_end(line)
        assert "\n" not in text[index.line_starts[line] : end]
        assert "\r" not in text[index.line_starts[line] : end]


def test_utf8_byte_offsets_convert_to_offsets() -> None:
    text = '{"é": "😀{{x}}"}\n{"b": 1}'
    index = LineIndex(text)
    data = text.encode("utf-8")
    for offset in range(len(text) + 1):
        byte_offset = len(text[:offset].encode("utf-8"))
        assert index.offset_of_byte(byte_offset) == offset
    assert index.utf8 == data


@pytest.mark.parametrize("lines_per_block", [1, 2, 3, 512])
def test_an_edited_index_equals_a_fresh_one_whatever_the_line_breaks(
    lines_per_block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line starts after an edit are moved, not searched again: CR, LF and CRLF split by the edit
    included, and edits that join, split or empty blocks of lines."""
    monkeypatch.setattr(line_index, "_LINES_PER_BLOCK", lines_per_block)
    rnd = random.Random(7)
    pieces = ["a", "\n", "\r", "\r\n", "é", "😀"]
    for _ in range(3000):
        index = LineIndex("".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))))
        for _ in range(3):
            start = rnd.randint(0, len(index.text))
            end = rnd.randint(start, len(index.text))
            replacement = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 4)))
            edited = index.edited(start, end, replacement)
            fresh = LineIndex(index.text[:start] + replacement + index.text[end:])
            assert (edited.text, edited.line_starts, edited.is_ascii) == (fresh.text, fresh.line_starts, fresh.is_ascii)
            for offset in range(len(edited.text) + 1):
                assert edited.position(offset) == fresh.position(offset)
            index = edited
