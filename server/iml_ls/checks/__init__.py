"""The checks behind the diagnostics catalogue: one module per rule family, run in order.

Checks run per scope: once for the file's own parts, and once per request. A request's diagnostics
are kept for the next version of the file and reused while the request's nodes and everything it
reads from the rest of the file (see :func:`_request_context`) are unchanged, so an edit re-checks
only the request it touched. A request checked again takes from the earlier version what each of its
unchanged strings found (see :class:`_StringTable`), and its ``jwt()`` findings while their inputs are
the same (see :func:`_jwt_inputs`). They are listed in parts, one per chunk of requests (see :class:`Part`):
the part of a chunk an edit left alone is the same in the next version, and the server sends what it
made of it then again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, cast

from iml_ls.checks import evaluation, expressions, jwt, names, recorded, structure, syntax
from iml_ls.checks.catalogue import Severity
from iml_ls.checks.suppressions import Suppressions, suppressions
from iml_ls.evaluate.environment import TempState, shared_evaluation
from iml_ls.evaluate.values import UNDEFINED
from iml_ls.model.connection import FileKind
from iml_ls.syntax.iml import Expr, Member, Name, walk_expr
from iml_ls.syntax.json_tree import Anchor, JsonObject

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis, Chunk, ImlString, Scope
    from iml_ls.checks.diagnostic import Diagnostic
    from iml_ls.checks.jwt import JwtCall
    from iml_ls.evaluate.values import JsValue
    from iml_ls.model.connection import Request, TempDefinition
    from iml_ls.syntax.json_tree import JsonValue

Check = Callable[["Analysis", "Scope"], Iterable["Diagnostic"]]
Reads = tuple[frozenset[str] | None, frozenset[str] | None, tuple[tuple[str, frozenset[str]], ...]]
"""The ``temp`` keys a request reads, those whose arriving value it can see (None: all), and for each
key it reads only as ``temp.key.member``, the members it reads."""

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
    return [diagnostic for part in diagnostic_parts(analysis) for diagnostic in part.diagnostics]


@dataclass(frozen=True, eq=False)
class Part:
    """A stretch ``[start, end]`` of a file's diagnostics, as :func:`diagnostics` lists them.

    A chunk's part whose diagnostics were kept from an earlier version has that version's
    :class:`_KeptChunk` as its ``key`` (the same object while they stay the same, moved with the
    chunk's entries); the protocol layer keeps what it made of a part by that key, so an unchanged
    chunk is neither moved nor converted again. Its diagnostics are moved to today's offsets only
    when asked.
    """

    start: int
    end: int
    key: _KeptChunk | None
    """None: the part was made afresh (its chunk was checked again, or it holds file-level diagnostics)."""
    found: list[Diagnostic] | None
    """Its diagnostics, when made afresh."""
    path: str

    def __len__(self) -> int:
        return len(self.found) if self.found is not None else len(self.key.final) if self.key is not None else 0

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        if self.found is not None:
            return self.found
        assert self.key is not None
        return self.key.final_now(self.path)


def diagnostic_parts(analysis: Analysis) -> list[Part]:
    """The analysis's diagnostics in parts, in order: their concatenation is :func:`diagnostics`.

    Each chunk whose diagnostics all lie inside its entries is a part of its own, with the file-level
    diagnostics that lie there; file-level ones between chunks are parts of their own. A file whose
    diagnostics cannot be split so (suppression comments, a diagnostic of a request that lies outside
    its chunk, a single request) is one part.
    """
    known = analysis.memo.get("diagnostic-parts")
    if isinstance(known, list):
        return known
    parts = analysis.memo["diagnostic-parts"] = _capped(_parts(analysis))
    return parts


def _parts(analysis: Analysis) -> list[Part]:
    path, whole_file = analysis.path, (0, len(analysis.text))
    if analysis.kind is FileKind.RECORDING:  # a response as a server sent it: nothing in it is the app's to fix
        return []
    silenced = suppressions(analysis.text, analysis.index)
    if analysis.kind is FileKind.SAMPLES:  # sample values are data, not IML (a secret may hold `{{`)
        from iml_ls.analysis import Scope

        return [Part(*whole_file, None, _final(analysis, _check(analysis, Scope([], [], True)), silenced), path)]
    file_level = _check(analysis, analysis.file_scope)
    chunks = [(chunk, _chunk_diagnostics(analysis, position, chunk)) for position, chunk in enumerate(analysis.chunks)]
    spans = [_span(chunk, found) for chunk, found in chunks]
    if silenced is not None or any(span is None for span in spans):
        everything = list(file_level)
        for _, found in chunks:
            everything.extend(found.current(path) if isinstance(found, _KeptChunk) else found)
        return [Part(*whole_file, None, _final(analysis, everything, silenced), path)]
    file_level.sort(key=attrgetter("start"))
    parts: list[Part] = []
    placed = 0
    for (_, found), span in zip(chunks, spans, strict=True):
        assert span is not None
        start, end = span
        before = placed
        while placed < len(file_level) and file_level[placed].start < start:
            placed += 1
        if placed > before:
            parts.append(Part(file_level[before].start, start, None, _final(analysis, file_level[before:placed]), path))
        inside = placed
        while placed < len(file_level) and file_level[placed].start <= end:
            placed += 1
        if isinstance(found, _KeptChunk) and inside == placed:
            parts.append(Part(start, end, found, None, path))
        else:
            mine = found.current(path) if isinstance(found, _KeptChunk) else found
            parts.append(Part(start, end, None, _final(analysis, [*file_level[inside:placed], *mine]), path))
    if placed < len(file_level):
        parts.append(Part(file_level[placed].start, whole_file[1], None, _final(analysis, file_level[placed:]), path))
    return parts


def _span(chunk: Chunk, found: _KeptChunk | list[Diagnostic]) -> tuple[int, int] | None:
    """Where a chunk's entries lie, if every diagnostic of the chunk lies there (None: one does not)."""
    if not chunk.entries:
        return None if found else (0, 0)
    start, end = chunk.entries[0].start, chunk.entries[-1].end
    if isinstance(found, _KeptChunk):
        return (start, end) if found.inside else None
    return (start, end) if all(start <= d.start and d.end <= end for d in found) else None


def _capped(parts: list[Part]) -> list[Part]:
    """The parts holding the first :data:`MAX_DIAGNOSTICS` diagnostics."""
    kept: list[Part] = []
    room = MAX_DIAGNOSTICS
    for part in parts:
        if len(part) > room:
            kept.append(Part(part.start, part.end, None, part.diagnostics[:room], part.path))
            break
        kept.append(part)
        room -= len(part)
    return kept


def _final(analysis: Analysis, found: list[Diagnostic], silenced: Suppressions | None = None) -> list[Diagnostic]:
    """The enabled ones of ``found``, with their configured severity, sorted by position, each once."""
    return [diagnostic for _, diagnostic in _final_pairs(analysis, found, silenced)]


def _final_pairs(
    analysis: Analysis, found: list[Diagnostic], silenced: Suppressions | None = None
) -> list[tuple[Diagnostic, Diagnostic]]:
    """:func:`_final`, each with the diagnostic of ``found`` it comes from (of duplicates, the last)."""
    enabled = {
        (d.start, d.end, d.rule.code, d.message): (d, _with_severity(analysis, d))
        for d in found
        if analysis.is_enabled(d.rule.code, d.rule.name)
        and (silenced is None or not silenced.silences(d, analysis.index))
    }
    return sorted(enabled.values(), key=lambda pair: (pair[0].start, pair[0].end, pair[0].rule.code))


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
    """The diagnostics of one scope, check by check. While :func:`_chunk_diagnostics` checks a request,
    the checks that go string by string take each string's results from :class:`_StringTable`."""
    table = analysis.memo.get(_STRING_TABLE) if scope.requests and not scope.file_level else None
    if not isinstance(table, _StringTable):
        return [diagnostic for check in CHECKS for diagnostic in check(analysis, scope)]
    of_strings = [table.results_of(analysis, string) for string in scope.strings]
    found: list[Diagnostic] = []
    for check in CHECKS:
        slot = _STRING_SLOTS.get(check)
        if slot is not None:
            for results in of_strings:
                found.extend(results[slot])
        elif check is evaluation.check:
            found.extend(evaluation.check(analysis, scope, table))
        elif check is jwt.check:
            found.extend(table.jwt_results(analysis, scope))
        else:
            found.extend(check(analysis, scope))
    return found


_STRING_SLOTS: dict[Check, int] = {syntax.check: 0, names.check: 1, expressions.check: 2}
"""The checks whose results in a request are those of each of its strings, and their place in a
:class:`_StringResult`."""
_STRING_TABLE = "string-table"
"""The memo key of the :class:`_StringTable` in use while a chunk's requests are checked."""
StringKey = tuple[str, bool, str | None]
"""What a string's own checks read of it: its source text, whether it lies where the response
exists, and the OAuth stage of its request."""


@dataclass(eq=False)
class _StringResult:
    """The diagnostics the string-by-string checks found in one string, as one version found them."""

    start: int
    """Where the string started then."""
    found: tuple[list[Diagnostic], ...]
    """Each check's, in the order of :data:`_STRING_SLOTS`."""
    reads: tuple[_ExprReads | None, ...]
    """What each of its templates reads of ``temp`` (None: it has no expression)."""
    evaluated: list[Diagnostic] | None = None
    """What evaluating it with the sample values found, once asked, when it reads no ``temp``: then
    its value depends on the text and the file's context alone (see :func:`_string_context`)."""

    def at(self, start: int, path: str) -> tuple[list[Diagnostic], ...]:
        """The diagnostics of the same text starting at ``start``."""
        if start == self.start:
            return self.found
        return tuple(_shifted(found, start - self.start, path) for found in self.found)

    @property
    def reads_temp(self) -> bool:
        return any(read is not None and (read.keys or read.whole) for read in self.reads)


def _shifted(found: list[Diagnostic], delta: int, path: str) -> list[Diagnostic]:
    """``found``, each ``delta`` characters later in the file at ``path``."""
    return found if delta == 0 else [diagnostic.moved(delta, path) for diagnostic in found]


@dataclass(frozen=True)
class _KeptJwt:
    """What the ``jwt()`` checks found in one request, and the inputs they were found from besides
    the request's own nodes (see :func:`_jwt_inputs`)."""

    inputs: tuple[object, ...]
    start: int
    """Where the request started then."""
    found: list[Diagnostic]


@dataclass(eq=False)
class _StringTable:
    """The string-by-string checks' results by :data:`StringKey`, for one analysis: those its requests
    kept from earlier versions (while :func:`_string_context` is the same) and those made now."""

    context: tuple[object, ...]
    results: dict[StringKey, _StringResult]
    keys: dict[int, StringKey]
    """The key of each string (by ``id``) whose results were asked for."""
    jwt_before: _KeptJwt | None = None
    """What the ``jwt()`` checks found in the request being checked, when an earlier version checked
    the same request node."""
    jwt_made: _KeptJwt | None = None
    """What they found in it now, when a later version can reuse it."""

    def jwt_results(self, analysis: Analysis, scope: Scope) -> list[Diagnostic]:
        """The ``jwt()`` diagnostics of a request: those of the earlier version while the request is the
        same node and its calls read the same inputs, else found again."""
        node = scope.requests[0].node
        calls = jwt.calls_in(analysis, scope.strings)
        inputs = _jwt_inputs(analysis, scope, calls, self)
        before = self.jwt_before
        if inputs is not None and before is not None and before.inputs == inputs:
            self.jwt_made = before
            return _shifted(before.found, node.start - before.start, analysis.path)
        found = list(jwt.check(analysis, scope, calls))
        inside = all(
            node.start <= offset <= node.end
            for diagnostic in found
            for offset in (diagnostic.start, diagnostic.end, *diagnostic.edited_offsets(analysis.path))
        )
        limited = any(diagnostic.rule.name == "evaluation-limit" for diagnostic in found)
        self.jwt_made = _KeptJwt(inputs, node.start, found) if inputs is not None and inside and not limited else None
        return found

    def _result(self, string: ImlString) -> _StringResult | None:
        key = self.keys.get(id(string))
        return self.results[key] if key is not None else None

    def evaluated(self, string: ImlString, path: str) -> list[Diagnostic] | None:
        """What evaluating the string found, if an earlier version evaluated the same text (see
        :attr:`_StringResult.evaluated`), at today's offsets."""
        result = self._result(string)
        if result is None or result.evaluated is None:
            return None
        return _shifted(result.evaluated, string.node.start - result.start, path)

    def keep_evaluated(self, string: ImlString, found: list[Diagnostic], path: str) -> None:
        """Keep what evaluating the string found, for later versions, if they can use it."""
        result = self._result(string)
        if result is not None and not result.reads_temp:
            result.evaluated = _shifted(found, result.start - string.node.start, path)

    def results_of(self, analysis: Analysis, string: ImlString) -> tuple[list[Diagnostic], ...]:
        request = analysis.request_at(string.path)
        in_response = analysis.in_response(string.path)
        node = string.node
        key = (analysis.text[node.start : node.end], in_response, request.stage if request is not None else None)
        self.keys[id(string)] = key
        known = self.results.get(key)
        if known is None:
            found = (
                list(syntax.check_string(string)),
                list(names.check_string(analysis, string, request, in_response)),
                list(expressions.check_string(analysis, string)),
            )
            known = self.results[key] = _StringResult(node.start, found, _string_reads(string))
        return known.at(node.start, analysis.path)

    def reads_of(self, string: ImlString) -> tuple[_ExprReads | None, ...]:
        """What each template of a string reads of ``temp`` (found once per text)."""
        key = self.keys.get(id(string))
        return _string_reads(string) if key is None else self.results[key].reads

    def kept_for(self, scope: Scope) -> dict[StringKey, _StringResult]:
        """The results of a scope's strings, for the request's :class:`_Kept`."""
        return {key: self.results[key] for string in scope.strings if (key := self.keys.get(id(string))) is not None}


@dataclass(frozen=True)
class _Kept:
    """A request's diagnostics as one version found them, for later versions to reuse."""

    context: tuple[object, ...]
    """What they were computed from, besides the request's own nodes (see :func:`_request_context`)."""
    reads: Reads
    """The ``temp`` keys the request reads (see :func:`_temp_reads`)."""
    local: bool
    """Whether every diagnostic lies in the request's own entry (see :func:`_request_context`)."""
    diagnostics: list[Diagnostic]
    anchors: list[tuple[Anchor, int]]
    """For each diagnostic, the anchor of the entry it lies in and that anchor's offset then."""
    strings: dict[StringKey, _StringResult] = field(default_factory=dict)
    """What the string-by-string checks found in the request's strings (see :class:`_StringTable`)."""
    strings_context: tuple[object, ...] = ()
    """The :attr:`_StringTable.context` they were found with."""
    jwt: _KeptJwt | None = None
    """What the ``jwt()`` checks found in the request, if a later version can reuse it."""

    @classmethod
    def pin(
        cls,
        analysis: Analysis,
        where: _Where,
        reads: Reads,
        found: list[Diagnostic],
        strings: tuple[tuple[object, ...], dict[StringKey, _StringResult]],
        kept_jwt: _KeptJwt | None = None,
    ) -> _Kept | None:
        """Keep diagnostics that all lie inside top-level entries (None when one does not)."""
        anchors = [analysis.syntax.anchor_of(d.start, d.end, d.edited_offsets(analysis.path)) for d in found]
        if any(anchor is None for anchor in anchors):
            return None
        local = all(anchor is where.request.node.anchor for anchor in anchors)
        context = _request_context(analysis, where, reads, local)
        pinned = [(anchor, anchor.base) for anchor in anchors if anchor is not None]
        return cls(context, reads, local, found, pinned, strings[1], strings[0], kept_jwt)

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
    final: list[tuple[Diagnostic, Anchor, int]]
    """Its diagnostics as :func:`diagnostics` lists them (enabled, with their severity, sorted, each
    once), each with the anchor of the entry it lies in and that anchor's offset then."""

    @classmethod
    def of(cls, analysis: Analysis, context: tuple[object, ...], parts: dict[JsonObject, _Kept]) -> _KeptChunk:
        found = [
            (diagnostic, anchor)
            for part in parts.values()
            for diagnostic, (anchor, _) in zip(part.current(analysis.path), part.anchors, strict=True)
        ]
        anchor_of = {id(diagnostic): anchor for diagnostic, anchor in found}
        final = [
            (diagnostic, anchor_of[id(original)], anchor_of[id(original)].base)
            for original, diagnostic in _final_pairs(analysis, [diagnostic for diagnostic, _ in found])
        ]
        return cls(context, parts, final)

    @cached_property
    def whole(self) -> _Kept:
        """The parts' diagnostics as one list (an unchanged chunk is then one step per diagnostic)."""
        parts = self.parts.values()
        return _Kept(
            self.context,
            (None, None, ()),
            False,
            [diagnostic for part in parts for diagnostic in part.diagnostics],
            [anchor for part in parts for anchor in part.anchors],
        )

    def current(self, path: str) -> list[Diagnostic]:
        """Every diagnostic its requests found, in order, at today's offsets."""
        return self.whole.current(path)

    def final_now(self, path: str) -> list[Diagnostic]:
        """:attr:`final` at today's offsets."""
        return [
            diagnostic if anchor.base == base else diagnostic.moved(anchor.base - base, path)
            for diagnostic, anchor, base in self.final
        ]

    @cached_property
    def inside(self) -> bool:
        """Whether each of its diagnostics lies in one of the chunk's own entries."""
        chunk = cast("Chunk", self.context[0])
        anchors = {id(entry.anchor) for entry in chunk.entries}
        return all(id(anchor) in anchors for _, anchor, _ in self.final)


def _chunk_diagnostics(analysis: Analysis, position: int, chunk: Chunk) -> _KeptChunk | list[Diagnostic]:
    """A chunk's diagnostics: kept whole while the chunk and what its requests read from the rest of
    the file are unchanged, else gathered request by request (each kept while it can be). A list when
    they cannot be kept (one lies outside every top-level entry)."""
    if not chunk.requests:
        return []
    evaluation_of = shared_evaluation(analysis)
    context = (chunk, analysis.file_context, _elsewhere(analysis, position), evaluation_of.state_before_chunk(position))
    key = ("chunk-diagnostics", position)
    kept = analysis.reuse.get(key)
    if isinstance(kept, _KeptChunk) and kept.context == context:
        return kept
    earlier = kept.parts if isinstance(kept, _KeptChunk) else {}
    parts: dict[JsonObject, _Kept] = {}
    found: list[Diagnostic] = []
    first = analysis.request_starts[position]
    table: _StringTable | None = None
    for number, (request, seen) in enumerate(zip(chunk.requests, analysis.visible_in_chunk(position), strict=True)):
        where = _Where(request, first + number, seen)
        part = earlier.get(request.node)
        if part is not None and part.context == _request_context(analysis, where, part.reads, part.local):
            found.extend(part.current(analysis.path))
        else:
            if table is None:
                table = _string_table(analysis, earlier.values())
            scope = analysis.request_scope(request)
            table.jwt_before = part.jwt if part is not None and part.strings_context == table.context else None
            table.jwt_made = None
            analysis.memo[_STRING_TABLE] = table
            try:
                diagnostics = _check(analysis, scope)
            finally:
                del analysis.memo[_STRING_TABLE]
            found.extend(diagnostics)
            reads = _temp_reads(scope, table)
            kept_for = (table.context, table.kept_for(scope))
            part = _Kept.pin(analysis, where, reads, diagnostics, kept_for, table.jwt_made)
        if part is not None:
            parts[request.node] = part
    if len(parts) < len(chunk.requests):
        return found
    made = _KeptChunk.of(analysis, context, parts)
    analysis.reuse.put(key, made)
    return made


def _string_table(analysis: Analysis, earlier: Iterable[_Kept]) -> _StringTable:
    """The analysis's :class:`_StringTable`, with what the requests of a chunk's earlier version kept
    (an edited request is a new node, but most of its strings are the same text)."""
    table = analysis.memo.get("string-results")
    if not isinstance(table, _StringTable):
        table = analysis.memo["string-results"] = _StringTable(_string_context(analysis), {}, {})
    for part in earlier:
        if part.strings_context == table.context:
            for key, result in part.strings.items():
                table.results.setdefault(key, result)
    return table


def _jwt_inputs(
    analysis: Analysis, scope: Scope, calls: list[JwtCall], table: _StringTable
) -> tuple[object, ...] | None:
    """What the ``jwt()`` checks of a request read besides its own nodes and :func:`_string_context`:
    the ``temp`` values its calls and their payload and options objects read, as they arrive at the
    request and as its own directive leaves them. None when they read more: a payload or options
    object of another request, or ``temp`` as a whole."""
    request = scope.requests[0]
    node = request.node
    if not calls:
        return ()
    if any(
        objects is not None and not (node.start <= objects.start and objects.end <= node.end)
        for call in calls
        for objects in (call.payload, call.options)
    ):
        return None
    spans = [(o.start, o.end) for call in calls for o in (call.payload, call.options) if o is not None]
    read = {id(call.string): call.string for call in calls} | {
        id(string): string
        for string in scope.strings
        if any(start <= string.node.start and string.node.end <= end for start, end in spans)
    }
    keys: set[str] = set()
    wholes: set[str] = set()
    members: dict[str, set[str]] = {}
    for string in read.values():
        for reads in table.reads_of(string):
            if reads is None:
                continue
            if reads.whole:
                return None
            keys |= reads.keys
            wholes |= reads.wholes
            for key, read_members in reads.members.items():
                members.setdefault(key, set()).update(read_members)
    seen = {key: frozenset(members[key]) if key in members and key not in wholes else None for key in sorted(keys)}
    evaluation_of = shared_evaluation(analysis)
    states = (evaluation_of.state_before(request), evaluation_of.temp_before(request))
    return tuple(
        (
            key,
            _value_seen(state.values.get(key, UNDEFINED), only),
            state.placeholders.get(key),
            key in state.secrets,
        )
        for state in states
        for key, only in seen.items()
    )


def _string_context(analysis: Analysis) -> tuple[object, ...]:
    """What a string's checks read of the analysis besides the string and its request: the file's
    vocabulary and :attr:`~iml_ls.analysis.Analysis.file_context` (its kind and settings, the
    related files by identity, the app's facts, its ``temp`` keys and the instant it evaluates at)."""
    return (analysis.path, analysis.context, analysis.file_context)


def _elsewhere(analysis: Analysis, position: int) -> tuple[tuple[object, TempState], ...]:
    """The ``temp`` objects a chunk's first request sees, each with the ``temp`` it is evaluated with
    (most chunks see the same few: each is looked up once per version)."""
    evaluation_of = shared_evaluation(analysis)
    known = analysis.memo.setdefault("temp-objects-seen", {})
    assert isinstance(known, dict)
    found = []
    for definition in analysis.visible_at_chunk(position):
        seen = known.get(id(definition))
        if seen is None:
            seen = known[id(definition)] = (definition.value, evaluation_of.state_before(definition.request))
        found.append(seen)
    return tuple(found)


@dataclass(frozen=True)
class _Where:
    """A request, its position in the file and the ``temp`` objects it sees."""

    request: Request
    index: int
    visible: tuple[TempDefinition, ...]


def _request_context(analysis: Analysis, where: _Where, uses: Reads, local: bool) -> tuple[object, ...]:
    """What a request's checks read outside the request: the settings and related files, the
    ``temp`` keys of the file, and of the ``temp`` keys it reads, the objects it sees and the values
    they arrive with (an object defined by an earlier request arrives as its evaluated value; one
    defined later, as the ``temp`` it is evaluated with).

    Of an object it reads only as ``temp.key.member``, a request whose diagnostics all lie in its own
    entry (``local``) sees only the object's keys and the members it reads: an edit of another member
    of a shared ``temp`` object (a session's expiry) does not check every request that reads it again.
    """
    reads, arriving_reads, members_read = uses
    members = dict(members_read) if local else {}
    evaluation_of = shared_evaluation(analysis)
    visible = tuple(
        (
            _members_seen(analysis, d.value, members[d.name]) if d.name in members else d.value,
            evaluation_of.state_before(d.request) if _later(analysis, d.request, where) else None,
        )
        for d in where.visible
        if reads is None or d.name in reads
    )
    state = evaluation_of.state_after(where.index - 1)
    arriving: object = state
    if arriving_reads is not None:
        arriving = tuple(
            (
                key,
                _value_seen(state.values.get(key, UNDEFINED), members.get(key)),
                state.placeholders.get(key, frozenset()),
                key in state.secrets,
            )
            for key in sorted(arriving_reads)
        )
    return (analysis.file_context, where.request.path, visible, arriving)


def _members_seen(analysis: Analysis, value: JsonValue | None, members: frozenset[str]) -> object:
    """What the definition of a ``temp`` object is to a request that reads only ``members`` of it:
    its keys, and the text of the members it reads."""
    if not isinstance(value, JsonObject):
        return value
    text = analysis.text
    return (
        tuple(member.key.value for member in value.members),
        tuple(
            (member.key.value, text[member.value.start : member.value.end] if member.value is not None else None)
            for member in value.members
            if member.key.value in members
        ),
    )


def _value_seen(value: JsValue, members: frozenset[str] | None) -> object:
    """The evaluated value of a ``temp`` key as a request that reads only ``members`` of it sees it."""
    if members is None or not isinstance(value, dict):
        return value
    return tuple((member, value.get(member, UNDEFINED)) for member in sorted(members))


def _later(analysis: Analysis, other: Request, where: _Where) -> bool:
    if other is where.request:
        return False
    other_index = analysis.request_index(other)
    return other_index is None or other_index > where.index


def _temp_reads(scope: Scope, table: _StringTable) -> Reads:
    """The ``temp`` keys a request's expressions read: all of them, those whose arriving value they
    can see (not hidden by the request's own ``temp`` directive), and the members read of the keys
    read only as ``temp.key.member``. ``temp.key`` only: None when ``temp`` is used as a whole, as in
    ``keys(temp)`` or ``temp['key']``."""
    request = scope.requests[0]
    directive = request.node.get("temp")
    own = [member.key.value for member in directive.members] if isinstance(directive, JsonObject) else []
    keys: set[str] = set()
    arriving: set[str] = set()
    members: dict[str, set[str]] = {}
    wholes: set[str] = set()
    whole = False
    for string in scope.strings:
        rest = string.path[len(request.path) :]
        inside = rest[1] if rest[:1] == ("temp",) and len(rest) > 1 and rest[1] in own else None
        hidden = set(own[: own.index(inside)]) if isinstance(inside, str) else set(own)
        for read in table.reads_of(string):
            if read is None:
                continue
            keys |= read.keys
            arriving |= read.keys - hidden
            whole = whole or read.whole
            wholes |= read.wholes
            for key, read_members in read.members.items():
                members.setdefault(key, set()).update(read_members)
    if whole:
        return (None, None, ())
    only_members = tuple(sorted((key, frozenset(read)) for key, read in members.items() if key not in wholes))
    return (frozenset(keys), frozenset(arriving), only_members)


@dataclass(frozen=True)
class _ExprReads:
    """What one expression reads of ``temp``."""

    keys: set[str]
    """The keys of ``temp.key``."""
    whole: bool
    """Whether it uses ``temp`` as a whole."""
    members: dict[str, set[str]]
    """For each key read as ``temp.key.member``, the members."""
    wholes: set[str]
    """The keys read as a whole too (``temp.key`` not followed by ``.member``)."""


def _string_reads(string: ImlString) -> tuple[_ExprReads | None, ...]:
    return tuple(_reads_of(template.expr) if template.expr is not None else None for template in string.templates)


def _reads_of(expr: Expr) -> _ExprReads:
    keys: set[str] = set()
    whole = 0
    nodes = walk_expr(expr)
    members: dict[str, set[str]] = {}
    deeper: set[int] = set()
    for node in nodes:
        if isinstance(node, Name) and node.name == "temp":
            whole += 1
        elif _is_temp_key(node):
            assert isinstance(node, Member)
            keys.add(node.name)
            whole -= 1
        if isinstance(node, Member) and _is_temp_key(node.object):
            assert isinstance(node.object, Member)
            members.setdefault(node.object.name, set()).add(node.name)
            deeper.add(id(node.object))
    wholes = {node.name for node in nodes if isinstance(node, Member) and _is_temp_key(node) and id(node) not in deeper}
    return _ExprReads(keys, whole > 0, members, wholes)


def _is_temp_key(node: Expr) -> bool:
    """Whether ``node`` is ``temp.key``."""
    return isinstance(node, Member) and isinstance(node.object, Name) and node.object.name == "temp"
