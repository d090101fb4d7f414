"""Markdown for hovers, built so that text from a repository or an evaluation cannot inject markup.

A value a ``temp`` directive computes can hold backticks, fences, ``![image](url)`` or HTML: put
unescaped into a hover, it could close the code span and make the editor fetch an image whose URL
carries a secret. Every text that is not iml-ls's own goes through one of these functions.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")
_BACKTICKS = re.compile(r"`+")


def text(value: str) -> str:
    """Plain text inside Markdown: every markup character escaped, line breaks as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.splitlines()))


def code(value: str) -> str:
    """An inline code span that holds ``value`` whatever backticks it contains (on one line)."""
    flat = " ".join(value.splitlines())
    fence = "`" * (_longest_backtick_run(flat) + 1)
    padding = " " if flat.startswith("`") or flat.endswith("`") else ""  # Markdown drops one space each side
    return f"{fence}{padding}{flat}{padding}{fence}"


def code_block(value: str, language: str = "") -> str:
    """A fenced block that ``value`` cannot close (its fence is longer than any backtick run inside)."""
    fence = "`" * max(3, _longest_backtick_run(value) + 1)
    return f"{fence}{language}\n{value}\n{fence}"


def _longest_backtick_run(value: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(value)), default=0)
