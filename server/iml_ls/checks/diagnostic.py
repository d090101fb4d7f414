"""A diagnostic as the analysis produces it: offsets into one file, a rule, and the safe fixes."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    safe: bool = False
    """Whether "fix all" applies it unasked: it only restores what the author evidently meant (a
    stray trailing comma, a name's letter case, backticks around a name), never a guess."""


@dataclass(frozen=True)
class Diagnostic:
    rule: Rule
    start: int
    end: int
    message: str
    fixes: tuple[Fix, ...] = ()

    def edited_offsets(self, path: str) -> list[int]:
        """The offsets its fixes edit in the file at ``path``."""
        return [
            offset for fix in self.fixes for edit in fix.edits if edit.path == path for offset in (edit.start, edit.end)
        ]

    def moved(self, delta: int, path: str) -> Diagnostic:
        """The same diagnostic ``delta`` characters later in the file at ``path`` (fixes included)."""
        fixes = tuple(
            replace(
                fix,
                edits=tuple(
                    replace(edit, start=edit.start + delta, end=edit.end + delta) if edit.path == path else edit
                    for edit in fix.edits
                ),
            )
            for fix in self.fixes
        )
        return replace(self, start=self.start + delta, end=self.end + delta, fixes=fixes)


MAX_MESSAGE_LENGTH = 1_000
"""Characters of a message or a fix title at most: a text a file makes up (a huge literal quoted) is cut."""


def shorten(text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diagnostic(name: str, start: int, end: int, message: str, *fixes: Fix) -> Diagnostic:
    """Build a diagnostic for the catalogue rule called ``name`` (message and fix titles shortened)."""
    titled = tuple(replace(fix, title=shorten(fix.title)) for fix in fixes)
    return Diagnostic(RULES_BY_NAME[name], start, max(end, start), shorten(message), titled)
