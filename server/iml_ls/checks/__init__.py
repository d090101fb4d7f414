"""The checks behind the diagnostics catalogue: one module per rule family, run in order.

Checks run per scope: once for the file's own parts, and once per request. A request's diagnostics
are kept for the next version of the file and reused while the request's nodes and everything it
reads from the rest of the file (see :func:`_request_context`) are unchanged, so an edit re-checks
only the request it touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from iml_ls.checks import evaluation, expressions, jwt, names, recorded, structure, syntax
from iml_ls.checks.catalogue import Severity
from iml_ls.checks.suppressions import suppressions
from iml_ls.evaluate.environment import TempState, shared_evaluation
from iml_ls.evaluate.values import UNDEFINED
from iml_ls.model.connection import FileKind
from iml_ls.syntax.iml import Expr, Member, Name, walk_expr
from iml_ls.syntax.json_tree import Anchor, JsonObject

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis, Chunk, Scope
    from iml_ls.checks.diagnostic import Diagnostic
    from iml_ls.model.connection import Request, TempDefinition

Check = Callable[["Analysis", "Scope"], Iterable["Diagnostic"]]
Reads = tuple[frozenset[str] | None, frozenset[str] | None]
"""The ``temp`` keys a request reads, and those whose arriving value it can see (None: all)."""

CHECKS: tuple[Check, ...] = (
    syntax.check,
    names.check,
    recorded.check,
    expressions.check,
    structure.check,
    jwt.check,
    evaluation.check,
)


def diagnostics(analysis: Analysis) -> list[Diagnostic]:
    """The diagnostics of one analysis, computed once (every feature, the server and the CLI ask here;
    the analysis itself knows nothing of the checks)."""
    known = analysis.memo.get("diagnostics")
    if isinstance(known, list):
        return known
    found = analysis.memo["diagnostics"] = run_checks(analysis)
    return found


def run_checks(analysis: Analysis) -> list[Diagnostic]:
    """Every enabled diagnostic for one analysis, sorted by position (each reported once)."""
    if analysis.kind is FileKind.RECORDING:  # a response as a server sent it: nothing in it is the app's to fix
        return []
    if analysis.kind is FileKind.SAMPLES:  # sample values are data, not IML (a secret may hold `{{`)
        from iml_ls.analysis import Scope

        found = _check(analysis, Scope([], [], True))
    else:
        found = _check(analysis, analysis.file_scope)
        for position, chunk in enumerate(analysis.chunks):
            found.extend(_chunk_diagnostics(analysis, position, chunk))
    silenced = suppressions(analysis.text, analysis.index)
    enabled = {
        (d.start, d.end, d.rule.code, d.message): _with_severity(analysis, d)
        for d in found
        if analysis.is_enabled(d.rule.code, d.rule.name)
        and (silenced is None or not silenced.silences(d, analysis.index))
    }
    return sorted(enabled.values(), key=lambda d: (d.start, d.end, d.rule.code))[:MAX_DIAGNOSTICS]


MAX_DIAGNOSTICS = 1_000
"""Diagnostics reported for one file at most (the first ones): a generated file with 100,000 mistakes
would otherwise make a message of many megabytes on every keystroke."""


def _with_severity(analysis: Analysis, diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with the severity the project's configuration gives its rule."""
    wanted = analysis.settings.severity_of(diagnostic.rule.code, diagnostic.rule.name)
    if wanted is None or wanted == diagnostic.rule.severity.label:
        return diagnostic
    return replace(diagnostic, rule=replace(diagnostic.rule, severity=Severity[wanted.upper()]))


def _check(analysis: Analysis, scope: Scope) -> list[Diagnostic]:
    return [diagnostic for check in CHECKS for diagnostic in check(analysis, scope)]


@dataclass(frozen=True)
class _Kept:
    """A request's diagnostics as one version found them, for later versions to reuse."""

    context: tuple[object, ...]
    """What they were computed from, besides the request's own nodes (see :func:`_request_context`)."""
    reads: Reads
    """The ``temp`` keys the request reads (see :func:`_temp_reads`)."""
    diagnostics: list[Diagnostic]
    anchors: list[tuple[Anchor, int]]
    """For each diagnostic, the anchor of the entry it lies in and that anchor's offset then."""

    @classmethod
    def pin(
        cls, analysis: Analysis, context: tuple[object, ...], reads: Reads, found: list[Diagnostic]
    ) -> _Kept | None:
        """Keep diagnostics that all lie inside top-level entries (None when one does not)."""
        anchors = [analysis.syntax.anchor_of(d.start, d.end, d.edited_offsets(analysis.path)) for d in found]
        if any(anchor is None for anchor in anchors):
            return None
        return cls(context, reads, found, [(anchor, anchor.base) for anchor in anchors if anchor is not None])

    def current(self, path: str) -> list[Diagnostic]:
        """The diagnostics at today's offsets (entries before them may have grown or shrunk)."""
        return [
            diagnostic if anchor.base == base else diagnostic.moved(anchor.base - base, path)
            for diagnostic, (anchor, base) in zip(self.diagnostics, self.anchors, strict=True)
        ]


@dataclass(frozen=True, eq=False)
class _KeptChunk:
    """A chunk's diagnostics: its requests' own, in order, and what the chunk was checked with."""

    context: tuple[object, ...]
    parts: dict[JsonObject, _Kept]
    """Each request's, by the request's node."""

    @cached_property
    def whole(self) -> _Kept:
        """The parts' diagnostics as one list (an unchanged chunk is then one step per diagnostic)."""
        parts = self.parts.values()
        return _Kept(
            self.context,
            (None, None),
            [diagnostic for part in parts for diagnostic in part.diagnostics],
            [anchor for part in parts for anchor in part.anchors],
        )

    def current(self, path: str) -> list[Diagnostic]:
        return self.whole.current(path)


def _chunk_diagnostics(analysis: Analysis, position: int, chunk: Chunk) -> list[Diagnostic]:
    """A chunk's diagnostics: kept whole while the chunk and what its requests read from the rest of
    the file are unchanged, else gathered request by request (each kept while it can be)."""
    if not chunk.requests:
        return []
    evaluation_of = shared_evaluation(analysis)
    visible = analysis.visible_at_chunk(position)
    elsewhere = tuple((d.value, evaluation_of.state_before(d.request)) for d in visible)
    context = (chunk, analysis.file_context, elsewhere, evaluation_of.state_before_chunk(position))
    key = ("chunk-diagnostics", position)
    kept = analysis.reuse.get(key)
    if isinstance(kept, _KeptChunk) and kept.context == context:
        return kept.current(analysis.path)
    earlier = kept.parts if isinstance(kept, _KeptChunk) else {}
    parts: dict[JsonObject, _Kept] = {}
    found: list[Diagnostic] = []
    first = analysis.request_starts[position]
    for number, (request, seen) in enumerate(zip(chunk.requests, analysis.visible_in_chunk(position), strict=True)):
        where = _Where(request, first + number, seen)
        part = earlier.get(request.node)
        if part is not None and part.context == _request_context(analysis, where, part.reads):
            found.extend(part.current(analysis.path))
        else:
            scope = analysis.request_scope(request)
            diagnostics = _check(analysis, scope)
            found.extend(diagnostics)
            reads = _temp_reads(scope)
            part = _Kept.pin(analysis, _request_context(analysis, where, reads), reads, diagnostics)
        if part is not None:
            parts[request.node] = part
    if len(parts) == len(chunk.requests):
        analysis.reuse.put(key, _KeptChunk(context, parts))
    return found


@dataclass(frozen=True)
class _Where:
    """A request, its position in the file and the ``temp`` objects it sees."""

    request: Request
    index: int
    visible: tuple[TempDefinition, ...]


def _request_context(analysis: Analysis, where: _Where, uses: Reads) -> tuple[object, ...]:
    """What a request's checks read outside the request: the settings and related files, the
    ``temp`` keys of the file, and of the ``temp`` keys it reads, the objects it sees and the values
    they arrive with (an object defined by an earlier request arrives as its evaluated value; one
    defined later, as the ``temp`` it is evaluated with)."""
    reads, arriving_reads = uses
    evaluation_of = shared_evaluation(analysis)
    visible = tuple(
        (d.value, evaluation_of.state_before(d.request) if _later(analysis, d.request, where) else None)
        for d in where.visible
        if reads is None or d.name in reads
    )
    arriving = evaluation_of.state_after(where.index - 1)
    if arriving_reads is not None:
        arriving = TempState(
            {key: arriving.values.get(key, UNDEFINED) for key in arriving_reads},
            {key: arriving.placeholders.get(key, frozenset()) for key in arriving_reads},
        )
    return (analysis.file_context, where.request.path, visible, arriving)


def _later(analysis: Analysis, other: Request, where: _Where) -> bool:
    if other is where.request:
        return False
    other_index = analysis.request_index(other)
    return other_index is None or other_index > where.index


def _temp_reads(scope: Scope) -> Reads:
    """The ``temp`` keys a request's expressions read: all of them, and those whose arriving value
    they can see (not hidden by the request's own ``temp`` directive). ``temp.key`` only: None when
    ``temp`` is used as a whole, as in ``keys(temp)`` or ``temp['key']``."""
    request = scope.requests[0]
    directive = request.node.get("temp")
    own = [member.key.value for member in directive.members] if isinstance(directive, JsonObject) else []
    keys: set[str] = set()
    arriving: set[str] = set()
    whole = False
    for string in scope.strings:
        rest = string.path[len(request.path) :]
        inside = rest[1] if rest[:1] == ("temp",) and len(rest) > 1 and rest[1] in own else None
        hidden = set(own[: own.index(inside)]) if isinstance(inside, str) else set(own)
        for template in string.templates:
            read, as_whole = _reads_of(template.expr) if template.expr is not None else (set(), False)
            keys |= read
            arriving |= read - hidden
            whole = whole or as_whole
    return (None if whole else frozenset(keys), None if whole else frozenset(arriving))


def _reads_of(expr: Expr) -> tuple[set[str], bool]:
    """The keys ``temp.key`` reads in an expression, and whether it uses ``temp`` as a whole."""
    keys: set[str] = set()
    whole = 0
    for node in walk_expr(expr):
        if isinstance(node, Name) and node.name == "temp":
            whole += 1
        elif isinstance(node, Member) and isinstance(node.object, Name) and node.object.name == "temp":
            keys.add(node.name)
            whole -= 1
    return keys, whole > 0
