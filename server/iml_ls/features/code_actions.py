"""Quick fixes: the fixes that the diagnostics carry, offered for the diagnostics under a range."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.diagnostic import Diagnostic, Fix


@dataclass(frozen=True)
class QuickFix:
    diagnostic: Diagnostic
    fix: Fix


def quick_fixes(analysis: Analysis, start: int, end: int) -> list[QuickFix]:
    """Every fix of every diagnostic that overlaps ``[start, end]``."""
    return [
        QuickFix(item, fix)
        for item in analysis.diagnostics
        if item.start <= end and start <= item.end
        for fix in item.fixes
    ]
