"""The tokens of JSON with comments, with their offsets: for what works on the text's layout rather
than its values (formatting, folding), where the tree would lose the comments and the commas.

Strings are matched with their escapes and never split; a line comment ends before ``\\r\\n``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

_TOKEN = re.compile(
    r"""
      (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<line_comment>//[^\r\n]*)
    | (?P<block_comment>/\*.*?\*/)
    | (?P<open>[{\[])
    | (?P<close>[}\]])
    | (?P<colon>:)
    | (?P<comma>,)
    | (?P<scalar>[A-Za-z0-9_.+-]+)
    """,
    re.VERBOSE | re.DOTALL,
)
_WHITESPACE = re.compile(r"[ \t\r\n\ufeff]*")


@dataclass(slots=True)
class Token:
    kind: str
    """``string``, ``scalar`` (numbers, ``true``, ``false``, ``null``), ``open``, ``close``, ``colon``,
    ``comma``, ``line_comment`` or ``block_comment``."""
    start: int
    end: int


T = TypeVar("T")


def json_tokens(text: str, make: Callable[[str, int, int], T] = Token) -> list[T] | None:  # type: ignore[assignment]
    """Every token of ``text`` in order (made by ``make``); None when a character belongs to none
    (an unclosed string or comment, a stray character)."""
    found: list[T] = []
    position = _after_whitespace(text, 0)
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            return None
        found.append(make(match.lastgroup, match.start(), match.end()))
        position = _after_whitespace(text, match.end())
    return found


def _after_whitespace(text: str, position: int) -> int:
    found = _WHITESPACE.match(text, position)
    return found.end() if found else position
