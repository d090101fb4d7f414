"""Quick fixes (the fixes that the diagnostics carry, for the diagnostics under a range) and "fix
all" (every safe fix of a file at once, as ``source.fixAll.iml-ls``)."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks import diagnostics
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit
from iml_ls.features.client_names import FIX_ALL_KIND as FIX_ALL_KIND


@dataclass(frozen=True)
class QuickFix:
    diagnostic: Diagnostic
    fix: Fix


def quick_fixes(analysis: Analysis, start: int, end: int) -> list[QuickFix]:
    """Every fix of every diagnostic that overlaps ``[start, end]``."""
    return [
        QuickFix(item, fix)
        for item in diagnostics(analysis)
        if item.start <= end and start <= item.end
        for fix in item.fixes
    ]


def fix_all(analysis: Analysis) -> list[TextEdit]:
    """The safe fixes of the file, in order, leaving out any that would overlap an earlier one
    (the next run of fix all picks it up once the first is applied)."""
    chosen: list[TextEdit] = []
    reach = -1
    fixes = [fix for item in diagnostics(analysis) for fix in item.fixes[:1] if fix.safe]
    for fix in sorted(fixes, key=lambda fix: min(edit.start for edit in fix.edits)):
        if any(edit.path != analysis.path for edit in fix.edits):
            continue
        if min(edit.start for edit in fix.edits) <= reach:
            continue
        chosen.extend(fix.edits)
        reach = max(edit.end for edit in fix.edits)
    return chosen
