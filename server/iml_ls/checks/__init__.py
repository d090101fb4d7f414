"""The checks behind the diagnostics catalogue: one module per rule family, run in order.

Checks run per scope: once for the file's own parts, and once per request. A request's diagnostics
are kept for the next version of the file and reused while the request's nodes and everything it
reads from the rest of the file (see :func:`_request_context`) are unchanged, so an edit re-checks
only the request it touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iml_ls.checks import evaluation, jwt, names, structure, syntax
from iml_ls.evaluate.environment import shared_evaluation
from iml_ls.syntax.json_tree import Anchor

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis, Scope
    from iml_ls.checks.diagnostic import Diagnostic
    from iml_ls.model.connection import Request

Check = Callable[["Analysis", "Scope"], Iterable["Diagnostic"]]

CHECKS: tuple[Check, ...] = (syntax.check, names.check, structure.check, jwt.check, evaluation.check)


def run_checks(analysis: Analysis) -> list[Diagnostic]:
    """Every enabled diagnostic for one analysis, sorted by position (each reported once)."""
    found = _check(analysis, analysis.file_scope)
    for request in analysis.requests:
        found.extend(_request_diagnostics(analysis, request))
    enabled = {
        (d.start, d.end, d.rule.code, d.message): d for d in found if analysis.is_enabled(d.rule.code, d.rule.name)
    }
    return sorted(enabled.values(), key=lambda d: (d.start, d.end, d.rule.code))


def _check(analysis: Analysis, scope: Scope) -> list[Diagnostic]:
    return [diagnostic for check in CHECKS for diagnostic in check(analysis, scope)]


@dataclass(frozen=True)
class _Kept:
    """A request's diagnostics as one version found them, for the next versions to reuse."""

    context: tuple[object, ...]
    diagnostics: list[Diagnostic]
    anchors: list[tuple[Anchor, int]]
    """For each diagnostic, the anchor of the entry it lies in and that anchor's offset then."""

    def current(self, path: str) -> list[Diagnostic]:
        """The diagnostics at today's offsets (entries before them may have grown or shrunk)."""
        return [
            diagnostic if anchor.base == base else diagnostic.moved(anchor.base - base, path)
            for diagnostic, (anchor, base) in zip(self.diagnostics, self.anchors, strict=True)
        ]


def _request_diagnostics(analysis: Analysis, request: Request) -> list[Diagnostic]:
    key = ("diagnostics", request.node)
    context = _request_context(analysis, request)
    kept = analysis.reuse.get(key)
    if isinstance(kept, _Kept) and kept.context == context:
        return kept.current(analysis.path)
    diagnostics = _check(analysis, analysis.request_scope(request))
    anchors = [analysis.syntax.anchor_of(d.start, d.end, d.edited_offsets(analysis.path)) for d in diagnostics]
    if all(anchor is not None for anchor in anchors):
        pinned = [(anchor, anchor.base) for anchor in anchors if anchor is not None]
        analysis.reuse.put(key, _Kept(context, diagnostics, pinned))
    return diagnostics


def _request_context(analysis: Analysis, request: Request) -> tuple[object, ...]:
    """What a request's checks read outside the request: the settings and related files, the
    ``temp`` keys of the file, the ``temp`` objects the request sees and ``temp`` as it arrives."""
    evaluation_of = shared_evaluation(analysis)
    visible = analysis.visible_temp_objects(request)
    elsewhere = tuple(evaluation_of.state_before(d.request) for d in visible if d.request is not request)
    return (analysis.file_context, request.path, visible, elsewhere, evaluation_of.state_before(request))
