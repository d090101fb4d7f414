"""A diagnostic as the analysis produces it: offsets into one file, a rule, and the safe fixes."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.checks.catalogue import RULES_BY_NAME, Rule


@dataclass(frozen=True)
class TextEdit:
    """Replace ``[start, end)`` of the file at ``path`` with ``new_text``."""

    path: str
    start: int
    end: int
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A quick fix: edits that are safe to apply as they are."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = True


@dataclass(frozen=True)
class Diagnostic:
    rule: Rule
    start: int
    end: int
    message: str
    fixes: tuple[Fix, ...] = ()


def diagnostic(name: str, start: int, end: int, message: str, *fixes: Fix) -> Diagnostic:
    """Build a diagnostic for the catalogue rule called ``name``."""
    return Diagnostic(RULES_BY_NAME[name], start, max(end, start), message, fixes)
