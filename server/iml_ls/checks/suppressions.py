"""Suppression comments: ``// iml-ls-disable-next-line IML308`` (or a rule name, or several, or none
for every rule) silences the line below it; ``// iml-ls-disable-file IML204`` the whole file.
Make's ``.iml.json`` files are JSON with comments, so the comment stays in the app."""

from __future__ import annotations

import re
from dataclasses import dataclass

from iml_ls.checks.diagnostic import Diagnostic
from iml_ls.text.line_index import LineIndex

MARKER = "iml-ls-disable"
_COMMENT = re.compile(r"//[ \t]*iml-ls-disable-(next-line|file)\b([^\n\r]*)")


@dataclass(frozen=True)
class Suppressions:
    """What a file's comments silence: rules by line, and for the whole file (empty: every rule)."""

    lines: dict[int, frozenset[str]]
    file: frozenset[str] | None

    def silences(self, diagnostic: Diagnostic, index: LineIndex) -> bool:
        names = {diagnostic.rule.code, diagnostic.rule.name}
        if self.file is not None and (not self.file or names & self.file):
            return True
        rules = self.lines.get(index.line_of(diagnostic.start))
        return rules is not None and (not rules or bool(names & rules))


def suppressions(text: str, index: LineIndex) -> Suppressions | None:
    """The suppression comments of a file (None when it has none: the common case costs one search)."""
    if MARKER not in text:
        return None
    lines: dict[int, frozenset[str]] = {}
    whole: set[str] | None = None
    for match in _COMMENT.finditer(text):
        rules = frozenset(part for part in re.split(r"[\s,]+", match.group(2).split("--")[0]) if part)
        if match.group(1) == "file":
            everything = not rules or whole == set()
            whole = set() if everything else (whole or set()) | rules
        else:
            line = index.line_of(match.start()) + 1
            lines[line] = lines.get(line, frozenset()) | rules if rules else frozenset()
    return Suppressions(lines, None if whole is None else frozenset(whole))
