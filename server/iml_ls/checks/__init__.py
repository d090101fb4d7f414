"""The checks behind the diagnostics catalogue: one module per rule family, run in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from iml_ls.checks import evaluation, jwt, names, structure, syntax

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis
    from iml_ls.checks.diagnostic import Diagnostic

Check = Callable[["Analysis"], Iterable["Diagnostic"]]

CHECKS: tuple[Check, ...] = (syntax.check, names.check, structure.check, jwt.check, evaluation.check)


def run_checks(analysis: Analysis) -> list[Diagnostic]:
    """Every enabled diagnostic for one analysis, sorted by position."""
    found = [
        diagnostic
        for check in CHECKS
        for diagnostic in check(analysis)
        if analysis.is_enabled(diagnostic.rule.code, diagnostic.rule.name)
    ]
    return sorted(found, key=lambda d: (d.start, d.end, d.rule.code))
