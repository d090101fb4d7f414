"""One analysis per file version: syntax, IML, the connection model and, lazily, the diagnostics.

An :class:`Analysis` is an immutable snapshot. The server, the CLI and every feature read the same
one; nothing is computed twice for one version. The :class:`Workspace` owns the file texts (open
editor buffers first, then disk), caches analyses, and gives each its related files: the params
file beside a communication file, the common data, the preview sample values and the recorded
responses.
"""

from __future__ import annotations

import gc
import itertools
import math
import os
import time
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from pathlib import Path

from iml_ls import files
from iml_ls.model.app import (
    App,
    AppFacts,
    Component,
    ComponentKind,
    Place,
    Role,
    context_of,
    custom_function,
    file_kind_of,
    find_app_root,
    json_value,
    linked_connections,
    load_app,
)
from iml_ls.model.connection import (
    FileKind,
    JsonPath,
    Parameter,
    Request,
    TempDefinition,
    entry_requests,
    parameters,
    parameters_are_open,
    request_temps,
    requests,
    requests_by_entry,
    sanitized_paths,
    saved_members,
    sibling,
)
from iml_ls.model.schema import Context
from iml_ls.run.recordings import MAX_RECORDING_BYTES, Recording, parse_recording, recording_path
from iml_ls.syntax.iml import Template, find_templates
from iml_ls.syntax.json_tree import (
    Anchor,
    JsonArray,
    JsonDocument,
    JsonMember,
    JsonObject,
    JsonString,
    JsonValue,
    parse_json,
    reparse_segment,
    segments,
)
from iml_ls.text.line_index import LineIndex


@dataclass(frozen=True)
class Settings:
    """What a user can configure (``imlLs.*`` in the editor, flags in the CLI)."""

    required_claims: tuple[str, ...] = ("exp",)
    disabled_diagnostics: frozenset[str] = frozenset()
    """Codes (``IML308``) or names (``hardcoded-secret``) that are not reported."""
    samples_file: str | None = None
    severities: tuple[tuple[str, str], ...] = ()
    """Rules (code or name) reported with another severity: ``("IML602", "error")``."""

    def severity_of(self, code: str, name: str) -> str | None:
        return next((label for rule, label in self.severities if rule in (code, name)), None)

    def with_project(self, project: ProjectConfig | None) -> Settings:
        """These settings with the app's ``iml-ls.json``: its rules are disabled too and its
        severities apply; its claims and sample file apply where these leave the default."""
        if project is None:
            return self
        return Settings(
            required_claims=project.required_claims
            if project.required_claims is not None and self.required_claims == ("exp",)
            else self.required_claims,
            disabled_diagnostics=self.disabled_diagnostics | project.disabled,
            samples_file=self.samples_file or project.samples_file,
            severities=project.severities + self.severities,
        )


PROJECT_FILE = "iml-ls.json"
SEVERITY_LABELS = ("error", "warning", "information", "hint")
"""What ``severity`` in ``iml-ls.json`` may say of a rule (``"off"`` disables it)."""


@dataclass(frozen=True)
class ProjectConfig:
    """The app's own configuration, ``iml-ls.json`` at its root, shared by the team's editors and CI::

    {"disable": ["IML308"], "severity": {"unsanitized-secret": "error"},
     "requiredClaims": ["exp", "iat"], "samplesFile": "samples/dev.samples.json"}
    """

    disabled: frozenset[str] = frozenset()
    severities: tuple[tuple[str, str], ...] = ()
    required_claims: tuple[str, ...] | None = None
    samples_file: str | None = None


def project_config(root: str, text: str) -> ProjectConfig:
    """Read ``iml-ls.json`` (unknown keys and wrong types are ignored; the sample file must lie in the app)."""
    raw = json_value(text)
    if not isinstance(raw, dict):
        return ProjectConfig()
    disabled = raw.get("disable")
    severity = raw.get("severity")
    claims = raw.get("requiredClaims")
    samples = raw.get("samplesFile")
    levels = {str(rule): label for rule, label in severity.items()} if isinstance(severity, dict) else {}
    samples_path = os.path.normpath(os.path.join(root, samples)) if isinstance(samples, str) and samples else None
    if samples_path is not None and not samples_path.startswith(os.path.abspath(root) + os.sep):
        samples_path = None
    return ProjectConfig(
        disabled=frozenset(str(item) for item in disabled)
        if isinstance(disabled, list)
        else frozenset() | {str(rule) for rule, label in levels.items() if label == "off"},
        severities=tuple((str(rule), label) for rule, label in levels.items() if label in SEVERITY_LABELS),
        required_claims=tuple(str(claim) for claim in claims) if isinstance(claims, list) else None,
        samples_file=samples_path,
    )


@dataclass(frozen=True, eq=False)
class ImlString:
    """A JSON string value that holds at least one ``{{ … }}``."""

    node: JsonString
    path: JsonPath
    templates: tuple[Template, ...]

    @property
    def single(self) -> Template | None:
        """The template when the string is exactly one ``{{…}}`` (its value keeps its type)."""
        if len(self.templates) == 1:
            template = self.templates[0]
            if template.closed and template.start == 0 and template.end == len(self.node.value):
                return template
        return None

    def offset(self, template: Template, expr_offset: int) -> int:
        """The document offset of an offset inside a template's expression."""
        return self.node.source_offset(template.expr_start + expr_offset)


def _iml_strings(
    root: JsonValue | None, path: JsonPath, known: dict[str, tuple[Template, ...]] | None = None
) -> list[ImlString]:
    """Every string value under ``root`` holding ``{{``, in document order, with its JSON path (the
    templates of a value ``known`` already are taken from there: they index the value alone)."""
    found: list[ImlString] = []
    stack: list[tuple[JsonValue, JsonPath]] = [] if root is None else [(root, path)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, JsonString):
            if "{{" in value.value:
                templates = known.get(value.value) if known is not None else None
                if templates is None:
                    templates = tuple(find_templates(value.value))
                found.append(ImlString(value, path, templates))
            continue
        children: list[tuple[str | int, JsonValue]] = (
            [(m.key.value, m.value) for m in value.members if m.value is not None]
            if isinstance(value, JsonObject)
            else list(enumerate(value.items))
            if isinstance(value, JsonArray)
            else []
        )
        for step, child in reversed(children):
            if isinstance(child, JsonObject | JsonArray) or (isinstance(child, JsonString) and "{{" in child.value):
                stack.append((child, (*path, step)))
    return found


def _segment_strings(
    position: int, segment: JsonValue | JsonMember, known: dict[str, tuple[Template, ...]] | None = None
) -> list[ImlString]:
    """The IML strings of one top-level entry of the root (its path starts with its index or key)."""
    if isinstance(segment, JsonMember):
        return _iml_strings(segment.value, (segment.key.value,), known)
    return _iml_strings(segment, (position,), known)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the garbage collector while a tree is built: it would walk the young nodes again and
    again (building the tree of a 100,000-line file took twice as long with it running)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


MAX_ANALYSED_CHARACTERS = 8_000_000
"""Larger files are not analysed (reported as IML502), so that no keystroke can freeze the editor."""


class SyntaxTree:
    """The parse of one text: JSON tree and IML strings. Shared by analyses of the same text.

    :meth:`edited` builds the tree of the next version from this one: an edit inside one top-level
    entry (one request of a communication array) parses and scans only that entry.
    """

    def __init__(self, index: LineIndex, json: JsonDocument | None = None, previous: SyntaxTree | None = None) -> None:
        self.index = index
        self.text = index.text
        self.too_large = len(self.text) > MAX_ANALYSED_CHARACTERS
        with collector_paused():
            if json is None:
                earlier = (previous.json, previous.text) if previous is not None else None
                json = JsonDocument(None, ()) if self.too_large else parse_json(index, earlier)
            self.json: JsonDocument = json
            self.too_large = self.too_large or json.too_large
            self.segments = segments(json.root)
            # The IML strings of each top-level entry, and its position, by the entry's and its anchor's
            # id. A tree made from the previous one copies both and changes the one entry parsed again;
            # a whole parse after it keeps the strings of the entries it took over.
            self._strings: dict[int, list[ImlString]]
            self._entries_by_anchor: dict[int, int]
            position = json.replaced
            if previous is not None and position is not None:
                old, new = previous.segments[position], self.segments[position]
                self._strings = dict(previous._strings)
                # an edit changes one string of the entry, mostly: the others keep their templates
                known = {string.node.value: string.templates for string in self._strings.pop(id(old))}
                self._strings[id(new)] = _segment_strings(position, new, known)
                self._entries_by_anchor = dict(previous._entries_by_anchor)
                del self._entries_by_anchor[id(old.anchor)]
                self._entries_by_anchor[id(new.anchor)] = position
            else:
                kept = previous._strings_at if previous is not None else {}
                self._strings = {
                    id(entry): kept[id(entry), n] if (id(entry), n) in kept else _segment_strings(n, entry)
                    for n, entry in enumerate(self.segments)
                }
                self._entries_by_anchor = {id(entry.anchor): n for n, entry in enumerate(self.segments)}

    @property
    def _strings_at(self) -> dict[tuple[int, int], list[ImlString]]:
        """The IML strings of each entry by its ``id`` and position (their paths start with it)."""
        return {(id(entry), n): self._strings[id(entry)] for n, entry in enumerate(self.segments)}

    @classmethod
    def parse(cls, text: str) -> SyntaxTree:
        return cls(LineIndex(text))

    def edited(self, index: LineIndex, start: int, old_end: int, new_end: int) -> SyntaxTree:
        """The tree of ``index.text``, which is this text with ``[start, old_end)`` → ``[start, new_end)``."""
        if len(index.text) <= MAX_ANALYSED_CHARACTERS:
            document = reparse_segment(self.json, index.text, start, old_end, new_end)
            if document is not None:
                return SyntaxTree(index, document, self)
        return SyntaxTree(index, previous=self)

    @cached_property
    def iml_strings(self) -> list[ImlString]:
        """Every string value holding ``{{``, in document order."""
        if not self.segments:
            return _iml_strings(self.json.root, ())
        found: list[ImlString] = []
        for segment in self.segments:
            found.extend(self._strings[id(segment)])
        return found

    def entry_position(self, node: JsonValue) -> int | None:
        """The position of the top-level entry that holds ``node`` (None for the root itself)."""
        return self._entries_by_anchor.get(id(node.anchor))

    def iml_string_of(self, node: JsonValue) -> ImlString | None:
        """The IML string of a JSON string node (None when it holds no ``{{``)."""
        if not isinstance(node, JsonString) or "{{" not in node.value:
            return None
        position = self.entry_position(node)
        candidates = self.iml_strings if position is None else self._strings[id(self.segments[position])]
        return next((string for string in candidates if string.node is node), None)

    def anchor_of(self, start: int, end: int, others: list[int]) -> Anchor | None:
        """The anchor of the top-level entry that holds ``[start, end]`` and every offset of ``others``."""
        position = self._entry_at(start)
        if position < 0:
            return None
        segment = self.segments[position]
        if all(segment.start <= offset <= segment.end for offset in (start, end, *others)):
            return segment.anchor
        return None

    def entry_strings(self, entry: JsonValue | JsonMember) -> list[ImlString]:
        """The IML strings of one top-level entry."""
        return self._strings[id(entry)]

    def _entry_at(self, offset: int) -> int:
        """The position of the last top-level entry that starts at or before ``offset`` (-1: none)."""
        return bisect_right(self.segments, offset, key=attrgetter("start")) - 1

    def iml_string_at(self, offset: int) -> ImlString | None:
        """The IML string whose quotes enclose ``offset`` (inclusive of the closing quote)."""
        if self.segments:
            position = self._entry_at(offset)
            candidates = self._strings[id(self.segments[position])] if position >= 0 else []
        else:
            candidates = self.iml_strings
        position = bisect_right(candidates, offset, key=attrgetter("node.start")) - 1
        if position >= 0:
            candidate = candidates[position]
            if candidate.node.start < offset <= candidate.node.end:
                return candidate
        return None


@dataclass(frozen=True, eq=False)
class Related:
    """The other files an analysis depends on (each an analysis itself, or None when absent)."""

    params: Analysis | None = None
    """The parameters file: a connection's, RPC's or webhook's; a module's static parameters."""
    mappable: Analysis | None = None
    """A module's mappable parameters (``expect``)."""
    common: Analysis | None = None
    samples: Analysis | None = None
    samples_path: str | None = None
    samples_tracked_by_git: bool = False
    recording: Recording | None = None
    """The responses a run recorded beside the file (see :mod:`iml_ls.run.recordings`)."""
    app: AppFacts | None = None
    """What the file reads from the rest of its app (compared by value: a change elsewhere in the app
    that leaves these facts as they were re-checks nothing here)."""


class Reuse:
    """What earlier versions of one file computed, keyed by the nodes it was computed from.

    An edit inside one request leaves the other requests' nodes as they were (the same objects), so a
    result keyed by such a node carries over to the next version. Entries that a version does not ask
    for are dropped at the version after it.
    """

    def __init__(self) -> None:
        self._older: dict[Hashable, object] = {}
        self._newer: dict[Hashable, object] = {}

    def next_version(self) -> None:
        self._older, self._newer = self._newer, {}

    def get(self, key: Hashable) -> object | None:
        if key in self._newer:
            return self._newer[key]
        value = self._older.pop(key, None)
        if value is not None:
            self._newer[key] = value
        return value

    def put(self, key: Hashable, value: object) -> None:
        self._newer[key] = value


@dataclass(frozen=True)
class Scope:
    """What one run of the checks covers: one request, or the parts of the file outside every request."""

    strings: list[ImlString]
    requests: list[Request]
    file_level: bool
    """Whether the file's own parts are checked too (JSON syntax, root keys, parameter declarations)."""


def current_minute(clock: Callable[[], float] = time.time) -> float:
    """The instant diagnostics evaluate at: the clock rounded down to the minute, so that results
    computed a few seconds apart are the same and an edit re-evaluates only what it changed."""
    return float(int(clock()) // 60 * 60)


def entries_per_chunk(entries: int) -> int:
    """How many top-level entries a :class:`Chunk` holds: about the square root of their number (at
    least 8), which balances the two costs of a keystroke: walking the chunks, and redoing the work of
    the one chunk that changed."""
    return max(8, math.isqrt(entries))


@dataclass(frozen=True, eq=False)
class _EntryFacts:
    """The requests of one top-level entry (or of a file that is one request), their ``temp`` keys
    and the entry's strings outside every request."""

    requests: list[Request]
    temps: list[TempDefinition]
    outside: list[ImlString]

    @classmethod
    def of(cls, requests_found: list[Request], strings: list[ImlString]) -> _EntryFacts:
        temps = [definition for request in requests_found for definition in request_temps(request)]
        paths = {request.path for request in requests_found}  # (), (index), (stage) or (stage, index)
        outside = (
            []
            if () in paths
            else [string for string in strings if string.path[:1] not in paths and string.path[:2] not in paths]
        )
        return cls(requests_found, temps, outside)


@dataclass(frozen=True, eq=False)
class Chunk:
    """Consecutive top-level entries of a file (requests, mostly): their requests, ``temp`` keys and
    the strings outside any request.

    A chunk whose entries an edit left as they were is the same object in the next version, and so
    is everything computed for it (see :class:`Reuse`).
    """

    entries: tuple[JsonValue | JsonMember, ...]
    facts: tuple[_EntryFacts, ...]
    """What each entry holds, in order."""

    @cached_property
    def requests(self) -> list[Request]:
        return [request for facts in self.facts for request in facts.requests]

    @cached_property
    def temps(self) -> list[TempDefinition]:
        return [definition for facts in self.facts for definition in facts.temps]

    @cached_property
    def outside(self) -> list[ImlString]:
        """Its IML strings that lie outside every request."""
        return [string for facts in self.facts for string in facts.outside]

    @cached_property
    def temp_keys(self) -> frozenset[str]:
        return frozenset(definition.name for definition in self.temps)

    @cached_property
    def index(self) -> dict[int, int]:
        """The position of each of its requests (by ``id``) in the chunk."""
        return {id(request): index for index, request in enumerate(self.requests)}

    @cached_property
    def by_path(self) -> dict[JsonPath, Request]:
        return {request.path: request for request in self.requests}

    @cached_property
    def objects(self) -> list[tuple[int, TempDefinition]]:
        """Its request-level ``temp`` keys holding objects, with the position of their request."""
        return [
            (self.index[id(definition.request)], definition)
            for definition in self.temps
            if isinstance(definition.value, JsonObject) and not definition.in_response
        ]

    @cached_property
    def first_objects(self) -> dict[str, TempDefinition]:
        found: dict[str, TempDefinition] = {}
        for _, definition in self.objects:
            found.setdefault(definition.name, definition)
        return found

    @cached_property
    def last_objects(self) -> dict[str, TempDefinition]:
        return {definition.name: definition for _, definition in self.objects}


class Analysis:
    """Everything iml-ls knows about one version of one file."""

    def __init__(
        self,
        path: str,
        syntax: SyntaxTree,
        version: int | None,
        settings: Settings,
        related: Related,
        reuse: Reuse | None = None,
        instant: float | None = None,
        place: Place | None = None,
    ) -> None:
        self.path = path
        self.syntax = syntax
        self.version = version
        self.settings = settings
        self.related = related
        self.place = place
        """The file's component and role in its app (None for a file outside any app)."""
        self.kind = file_kind_of(path, place)
        self.context: Context = context_of(place, self.kind)
        """Which vocabulary (directives, variables) its requests and expressions are checked with."""
        self.reuse = reuse if reuse is not None else Reuse()
        """Results of earlier versions of this file that are still valid (see :class:`Reuse`)."""
        self.instant = current_minute() if instant is None else instant
        """The time (Unix seconds) diagnostics evaluate ``timestamp`` and ``now`` at."""

    @property
    def text(self) -> str:
        return self.syntax.text

    @property
    def index(self) -> LineIndex:
        return self.syntax.index

    @property
    def root(self) -> JsonValue | None:
        return self.syntax.json.root

    @property
    def iml_strings(self) -> list[ImlString]:
        return self.syntax.iml_strings

    @cached_property
    def chunk_size(self) -> int:
        return entries_per_chunk(len(self.syntax.segments))

    @cached_property
    def chunks(self) -> list[Chunk]:
        """The file's requests chunk by chunk (one chunk when the root is a single request)."""
        if not requests_by_entry(self.root, self.kind):
            return [Chunk((), (_EntryFacts.of(requests(self.root, self.kind), self.iml_strings),))]
        entries = self.syntax.segments
        found: list[Chunk] = []
        for first in range(0, len(entries), self.chunk_size):
            members = entries[first : first + self.chunk_size]
            key = ("chunk", first, self.kind)
            chunk = self.reuse.get(key)
            if not isinstance(chunk, Chunk) or chunk.entries != members:
                known = dict(zip(map(id, chunk.entries), chunk.facts, strict=True)) if isinstance(chunk, Chunk) else {}
                chunk = Chunk(
                    members, tuple(self._entry_facts(first + n, entry, known) for n, entry in enumerate(members))
                )
            self.reuse.put(key, chunk)
            found.append(chunk)
        return found

    def _entry_facts(self, position: int, entry: JsonValue | JsonMember, known: dict[int, _EntryFacts]) -> _EntryFacts:
        """An entry's facts: those of the previous version when the entry is the same object."""
        facts = known.get(id(entry))
        if facts is None:
            facts = _EntryFacts.of(entry_requests(entry, position, self.kind), self.syntax.entry_strings(entry))
        return facts

    @cached_property
    def requests(self) -> list[Request]:
        return list(itertools.chain.from_iterable(chunk.requests for chunk in self.chunks))

    @cached_property
    def temps(self) -> dict[str, list[TempDefinition]]:
        found: dict[str, list[TempDefinition]] = {}
        for chunk in self.chunks:
            for definition in chunk.temps:
                found.setdefault(definition.name, []).append(definition)
        return found

    @cached_property
    def temp_keys(self) -> frozenset[str]:
        return frozenset().union(*(chunk.temp_keys for chunk in self.chunks))

    @cached_property
    def request_starts(self) -> list[int]:
        """The position in :attr:`requests` of each chunk's first request."""
        return list(itertools.accumulate((len(chunk.requests) for chunk in self.chunks[:-1]), initial=0))

    def chunk_of(self, request: Request) -> int | None:
        """The position of the chunk that holds ``request`` (None for a request of another version)."""
        if len(self.chunks) == 1:
            return 0 if id(request) in self.chunks[0].index else None
        position = self.syntax.entry_position(request.node) if request.path else None
        if position is None:
            return None
        chunk = position // self.chunk_size
        return chunk if id(request) in self.chunks[chunk].index else None

    def request_index(self, request: Request) -> int | None:
        """The position of ``request`` in :attr:`requests`."""
        known = self._request_indexes.get(id(request))
        if known is None:
            chunk = self.chunk_of(request)
            if chunk is None:
                return None
            known = self._request_indexes[id(request)] = (
                self.request_starts[chunk] + self.chunks[chunk].index[id(request)]
            )
        return known

    @cached_property
    def _request_indexes(self) -> dict[int, int]:
        """:meth:`request_index` of this analysis's requests as far as asked (:attr:`chunks` keeps them alive)."""
        return {}

    @cached_property
    def _first_objects(self) -> dict[str, TempDefinition]:
        """The first ``temp`` object of each key: what a request before every definition is given."""
        found: dict[str, TempDefinition] = {}
        for chunk in self.chunks:
            for key, definition in chunk.first_objects.items():
                found.setdefault(key, definition)
        return found

    @cached_property
    def _objects_at_chunk(self) -> list[dict[str, TempDefinition]]:
        """The ``temp`` objects that each chunk's first request sees before its own directives (and,
        last, those after every chunk)."""
        current = dict(self._first_objects)
        found = []
        for chunk in self.chunks:
            found.append(current)
            if chunk.last_objects:
                current = current | chunk.last_objects
        found.append(current)
        return found

    def visible_at_chunk(self, chunk: int) -> tuple[TempDefinition, ...]:
        return tuple(self._objects_at_chunk[chunk].values())

    def visible_in_chunk(self, chunk: int) -> list[tuple[TempDefinition, ...]]:
        """For each request of a chunk, the ``temp`` objects it sees (its own directive included)."""
        key = ("visible", chunk)
        known = self.memo.get(key)
        if isinstance(known, list):
            return known
        changes: dict[int, list[TempDefinition]] = {}
        for index, definition in self.chunks[chunk].objects:
            changes.setdefault(index, []).append(definition)
        current = self._objects_at_chunk[chunk]
        visible = tuple(current.values())
        found: list[tuple[TempDefinition, ...]] = []
        for index in range(len(self.chunks[chunk].requests)):
            if index in changes:
                current = current | {definition.name: definition for definition in changes[index]}
                visible = tuple(current.values())
            found.append(visible)
        self.memo[key] = found
        return found

    def visible_temp_objects(self, request: Request) -> tuple[TempDefinition, ...]:
        """The object each ``temp`` key holds in ``request`` (as :meth:`temp_object` finds it)."""
        chunk = self.chunk_of(request)
        if chunk is None:
            return tuple(self._objects_at_chunk[-1].values())
        return self.visible_in_chunk(chunk)[self.chunks[chunk].index[id(request)]]

    @cached_property
    def file_context(self) -> tuple[object, ...]:
        """What every request's checks read from outside the file's requests (compared by identity
        for related analyses: a new analysis of a related file is a change)."""
        related = self.related
        return (
            self.kind,
            self.settings,
            related.params,
            related.mappable,
            related.common,
            related.samples,
            related.recording,
            related.app,
            self.temp_keys,
            self.instant,
        )

    def temp_object(self, key: str, request: Request | None) -> TempDefinition | None:
        """The object ``temp.<key>`` holds in ``request``: its own definition, else the latest before
        it, else the first in the file."""
        if request is None:
            return self._first_objects.get(key)
        return next((d for d in self.visible_temp_objects(request) if d.name == key), None)

    def temp_definition_of(self, node: JsonValue) -> TempDefinition | None:
        """The ``temp`` key whose value is ``node``."""
        chunks = self.chunks
        if len(chunks) > 1:
            position = self.syntax.entry_position(node)
            chunks = [chunks[position // self.chunk_size]] if position is not None else []
        return next((d for chunk in chunks for d in chunk.temps if d.value is node), None)

    @cached_property
    def parameters(self) -> list[Parameter]:
        """Parameters declared by this file (a params file) or by the params file beside it."""
        if self.kind is FileKind.PARAMS:
            return parameters(self.root)
        return [
            parameter
            for related in (self.related.params, self.related.mappable)
            if related is not None
            for parameter in related.parameters
        ]

    @property
    def has_params_file(self) -> bool:
        return self.kind is FileKind.PARAMS or self.related.params is not None or self.related.mappable is not None

    @cached_property
    def parameters_known(self) -> bool:
        """Whether every ``parameters.<name>`` the file may read is declared in its parameter files:
        not in an RPC (it also sees the calling module's), nor beside a parameter list that an RPC
        fills in (``"rpc://…"`` fields), nor beside an object where the list belongs (IML407 says so
        there, once, rather than an unknown parameter at every use)."""
        if self.context is Context.RPC or not self.has_params_file or self.kind is FileKind.PARAMS:
            return False
        return not any(
            related is not None and (parameters_are_open(related.root) or isinstance(related.root, JsonObject))
            for related in (self.related.params, self.related.mappable)
        )

    @cached_property
    def common_keys(self) -> list[str]:
        common = self.related.common
        if common is None or not isinstance(common.root, JsonObject):
            return []
        return [member.key.value for member in common.root.members]

    def retire(self) -> None:
        """Forget what was memoised, once a newer analysis replaces this one: an evaluation refers back
        to its analysis, and until that cycle is broken the old version (its text, tree and line
        index) would live on until the garbage collector's rare full pass."""
        self.memo.clear()

    @cached_property
    def memo(self) -> dict[Hashable, object]:
        """Results that higher layers derive from this analysis once (e.g. its ``jwt()`` calls)."""
        return {}

    def request_at(self, path: JsonPath) -> Request | None:
        """The innermost request whose specification contains ``path``."""
        chunks = self.chunks
        if len(chunks) > 1 and path and isinstance(path[0], int):
            chunks = chunks[path[0] // self.chunk_size : path[0] // self.chunk_size + 1]
        for length in range(len(path), -1, -1):
            for chunk in chunks:
                request = chunk.by_path.get(path[:length])
                if request is not None:
                    return request
        return None

    def iml_string_of(self, node: JsonValue) -> ImlString | None:
        """The IML string of a JSON string node (None when it holds no ``{{``)."""
        return self.syntax.iml_string_of(node)

    @cached_property
    def file_scope(self) -> Scope:
        """The strings outside every request, with the file-level checks."""
        return Scope(list(itertools.chain.from_iterable(chunk.outside for chunk in self.chunks)), [], True)

    def request_scope(self, request: Request) -> Scope:
        """One request and its strings."""
        position = self.syntax.entry_position(request.node) if request.path else None
        if position is None:
            return Scope(self.iml_strings, [request], False)
        depth = len(request.path)
        entry_strings = self.syntax.entry_strings(self.syntax.segments[position])
        return Scope([string for string in entry_strings if string.path[:depth] == request.path], [request], False)

    def in_response(self, path: JsonPath) -> bool:
        """Whether a JSON path lies where the response exists (``body``, ``headers``): in a request's
        ``response``, ``pagination`` or ``repeat``."""
        request = self.request_at(path)
        if request is None:
            return any(step in _AFTER_RESPONSE for step in path)
        rest = path[len(request.path) :]
        return bool(rest) and rest[0] in _AFTER_RESPONSE

    def is_enabled(self, code: str, name: str) -> bool:
        disabled = self.settings.disabled_diagnostics
        return code not in disabled and name not in disabled


FileReader = Callable[[str], str | None]


def read_disk(path: str) -> str | None:
    """A file's text from disk, or None when it cannot or may not be read (see :mod:`iml_ls.files`)."""
    return files.read_text(path, files.app_root(path))


@dataclass
class _Entry:
    syntax: SyntaxTree
    version: int | None
    reuse: Reuse
    analysis: Analysis | None = None

    def drop_analysis(self) -> None:
        """Forget the analysis, retiring it (see :meth:`Analysis.retire`)."""
        if self.analysis is not None:
            self.analysis.retire()
            self.analysis = None


@dataclass
class _Buffer:
    """An open editor buffer: its text, version and line index, and what changed since the last parse."""

    index: LineIndex
    version: int | None
    unchanged: tuple[int, int] | None = None
    """Lengths of the text's start and end that the last parsed text shares (None: unknown)."""

    @property
    def text(self) -> str:
        return self.index.text


@dataclass
class Workspace:
    """The files iml-ls knows, their analyses, and the settings they are analysed with."""

    settings: Settings = field(default_factory=Settings)
    read: FileReader = read_disk
    clock: Callable[[], float] = time.time
    _open: dict[str, _Buffer] = field(default_factory=dict)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _disk: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    _tracked: dict[str, bool] = field(default_factory=dict)
    _roots: dict[str, str | None] = field(default_factory=dict)
    _apps: dict[str, App] = field(default_factory=dict)
    _projects: dict[str, tuple[str, ProjectConfig]] = field(default_factory=dict)
    _recordings: dict[str, tuple[str, Recording | None]] = field(default_factory=dict)

    def open_document(self, path: str, text: str, version: int | None) -> None:
        """Record an editor buffer's whole text; it wins over the file on disk."""
        self._open[path] = _Buffer(LineIndex(text), version)

    def edit_document(self, path: str, start: int, end: int, replacement: str, version: int | None) -> None:
        """Replace ``[start, end)`` of an open buffer (an incremental change from the editor)."""
        buffer = self._open.get(path)
        if buffer is None:
            self.open_document(path, replacement, version)
            return
        if buffer.unchanged is not None:
            prefix, suffix = buffer.unchanged
            buffer.unchanged = (min(prefix, start), min(suffix, len(buffer.text) - end))
        buffer.index = buffer.index.edited(start, end, replacement)
        buffer.version = version

    def line_index(self, path: str) -> LineIndex | None:
        """The line index of an open buffer's current text."""
        buffer = self._open.get(path)
        return buffer.index if buffer is not None else None

    def close_document(self, path: str) -> None:
        self._open.pop(path, None)
        self._drop_entry(path)

    def file_changed(self, path: str) -> None:
        """Forget what was read from disk for ``path`` (it changed outside the editor); a new, removed
        or renamed file, the manifest or a ``metadata.json`` changes the app it is in."""
        self._disk.pop(path, None)
        self._tracked.pop(path, None)
        if path not in self._open:
            self._drop_entry(path)
        app = self.app_of(path)
        if app is not None and (
            app.place_of(path) is None or Path(path).name in _APP_SHAPING or not Path(path).exists()
        ):
            self._forget_app(app.root)

    def _forget_app(self, root: str) -> None:
        self._apps.pop(root, None)
        self._roots.clear()

    def app_of(self, path: str) -> App | None:
        """The Make app that holds ``path`` (its manifest and layout read once, until they change)."""
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._roots:
            self._roots[folder] = find_app_root(path)
        root = self._roots[folder]
        if root is None:
            return None
        if root not in self._apps:
            self._apps[root] = load_app(root)
        return self._apps[root]

    def settings_for(self, path: str) -> Settings:
        """The settings a file is checked with: the editor's or the CLI's, with its app's ``iml-ls.json``."""
        app = self.app_of(path)
        if app is None:
            return self.settings
        source = self._text(os.path.join(app.root, PROJECT_FILE))
        if source is None:
            return self.settings
        known = self._projects.get(app.root)
        if known is None or known[0] is not source[0]:
            known = self._projects[app.root] = (source[0], project_config(app.root, source[0]))
        return self.settings.with_project(known[1])

    def cached_analysis(self, path: str) -> Analysis | None:
        """The analysis last made for ``path``, without making a new one."""
        entry = self._entries.get(path)
        return entry.analysis if entry is not None else None

    def is_read_by_others(self, path: str) -> bool:
        """Whether other files' analyses can read ``path`` (see :class:`Related`, :class:`AppFacts`)."""
        place = self.place_of(path)
        if Path(path).name == PROJECT_FILE:
            return True
        if place is None:
            return file_kind_of(path, None) in (FileKind.PARAMS, FileKind.COMMON, FileKind.SAMPLES, FileKind.RECORDING)
        if place.role is Role.COMMUNICATION:
            return place.kind is ComponentKind.CONNECTION
        return place.role in _READ_BY_OTHERS or place.kind is ComponentKind.FUNCTION

    def place_of(self, path: str) -> Place | None:
        app = self.app_of(path)
        return app.place_of(path) if app is not None else None

    def _drop_entry(self, path: str) -> None:
        entry = self._entries.pop(path, None)
        if entry is not None:
            entry.drop_analysis()

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        for entry in self._entries.values():
            entry.drop_analysis()

    def version_of(self, path: str) -> int | None:
        """An open buffer's version (None when it is not open)."""
        buffer = self._open.get(path)
        return buffer.version if buffer is not None else None

    def text_of(self, path: str) -> str | None:
        """An open buffer's text, without analysing it."""
        buffer = self._open.get(path)
        return buffer.text if buffer is not None else None

    def is_open(self, path: str) -> bool:
        return path in self._open

    def open_paths(self) -> list[str]:
        return list(self._open)

    def _text(self, path: str) -> tuple[str, int | None] | None:
        buffer = self._open.get(path)
        if buffer is not None:
            return buffer.text, buffer.version
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            return None
        cached = self._disk.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, self.read(path))
            self._disk[path] = cached
        return None if cached[1] is None else (cached[1], None)

    def syntax(self, path: str) -> tuple[SyntaxTree, int | None] | None:
        source = self._text(path)
        if source is None:
            return None
        text, version = source
        entry = self._entries.get(path)
        if entry is None or entry.syntax.text != text:
            if entry is not None:
                entry.drop_analysis()
            entry = _Entry(self._parse(path, text, entry), version, entry.reuse if entry is not None else Reuse())
            self._entries[path] = entry
        entry.version = version
        return entry.syntax, version

    def _parse(self, path: str, text: str, previous: _Entry | None) -> SyntaxTree:
        """The tree of a new text: from the previous tree when the buffer knows what the edits changed."""
        buffer = self._open.get(path)
        if buffer is None or buffer.text is not text:
            return SyntaxTree.parse(text)
        unchanged, buffer.unchanged = buffer.unchanged, (len(text), len(text))
        if previous is None or unchanged is None:
            return SyntaxTree(buffer.index)
        old_length = len(previous.syntax.text)
        prefix = min(unchanged[0], old_length, len(text))
        suffix = min(unchanged[1], old_length - prefix, len(text) - prefix)
        return previous.syntax.edited(buffer.index, prefix, old_length - suffix, len(text) - suffix)

    def analysis(self, path: str) -> Analysis | None:
        """The analysis of ``path``'s current text (cached until it or a related file changes)."""
        parsed = self.syntax(path)
        if parsed is None:
            return None
        syntax, version = parsed
        related = self._related(path)
        settings = self.settings_for(path)
        entry = self._entries[path]
        cached = entry.analysis
        if (
            cached is not None
            and cached.syntax is syntax
            and cached.version == version
            and cached.settings == settings
            and _same_related(cached.related, related)
        ):
            return cached
        entry.drop_analysis()
        entry.reuse.next_version()
        entry.analysis = Analysis(
            path,
            syntax,
            version,
            settings,
            related,
            entry.reuse,
            current_minute(self.clock),
            self.place_of(path),
        )
        return entry.analysis

    def _related(self, path: str) -> Related:
        place = self.place_of(path)
        kind = file_kind_of(path, place)
        if not (kind.holds_requests or kind is FileKind.WEBHOOK):
            return Related(app=self._app_facts(path, place) if place is not None else None)
        if place is None:
            params_path, mappable_path = sibling(path, FileKind.PARAMS), None
            common_path = sibling(path, FileKind.COMMON)
        else:
            component = place.component
            params_path = component.file(Role.PARAMS)
            mappable_path = component.file(Role.MAPPABLE_PARAMS)
            common_path = component.file(Role.COMMON)
        samples_path = self.samples_path(path)
        return Related(
            params=self._plain(params_path),
            mappable=self._plain(mappable_path),
            common=self._plain(common_path),
            samples=self._plain(samples_path),
            samples_path=samples_path,
            samples_tracked_by_git=samples_path is not None and self._tracked_by_git(samples_path),
            recording=self._recording(path) if kind.holds_requests else None,
            app=self._app_facts(path, place) if place is not None else None,
        )

    def _recording(self, path: str) -> Recording | None:
        """The recording beside a file, read like every file (an open buffer wins) and parsed once per text."""
        where = recording_path(path)
        source = self._text(where)
        if source is None:
            self._recordings.pop(where, None)
            return None
        known = self._recordings.get(where)
        if known is None or known[0] is not source[0]:
            fits = len(source[0].encode("utf-8", "surrogatepass")) <= MAX_RECORDING_BYTES
            known = self._recordings[where] = (source[0], parse_recording(where, source[0]) if fits else None)
        return known[1]

    def _plain(self, path: str | None) -> Analysis | None:
        """An analysis of a related file, without related files of its own."""
        if path is None:
            return None
        parsed = self.syntax(path)
        if parsed is None:
            return None
        syntax, version = parsed
        entry = self._entries[path]
        if entry.analysis is None or entry.analysis.syntax is not syntax:
            entry.drop_analysis()
            settings = self.settings_for(path)
            entry.analysis = Analysis(path, syntax, version, settings, Related(), place=self.place_of(path))
        return entry.analysis

    def _app_facts(self, path: str, place: Place) -> AppFacts:
        """What a file reads from the rest of its app (see :class:`AppFacts`)."""
        app = self.app_of(path)
        assert app is not None
        component = place.component
        connections = linked_connections(app, component)
        connection_values = self.linked_values(path, "connection")
        webhook_values = self.linked_values(path, "webhook")
        base = self._plain(app.app_component.file(Role.BASE))
        base_root = base.root if base is not None and isinstance(base.root, JsonObject) else None
        functions = tuple(
            found
            for function in app.of_kind(ComponentKind.FUNCTION)
            if (code := function.file(Role.CODE)) is not None
            and (source := self._text(code)) is not None
            and (found := custom_function(source[0])) is not None
        )
        return AppFacts(
            component=component,
            connection=", ".join(f"`{c.name}`" for c in connections) or None,
            connection_fields=_fields(connection_values),
            webhook_fields=_fields(webhook_values),
            rpc_names=frozenset(rpc.name for rpc in app.of_kind(ComponentKind.RPC)),
            functions=functions,
            base_url=None if base is None else base_root is not None and base_root.get("baseUrl") is not None,
            base_sanitized=sanitized_paths(base_root),
        )

    def linked_values(self, path: str, root: str) -> list[LinkedValue] | None:
        """What ``connection.<name>`` (``root="connection"``) or ``webhook.<name>`` reads in the file at
        ``path``, where each is declared (None when some are only known at runtime, or no component
        is linked)."""
        app, place = self.app_of(path), self.place_of(path)
        if app is None or place is None:
            return None
        if root == "connection":
            connections = linked_connections(app, place.component)
            found = [self._connection_values(connection) for connection in connections]
            if not found or any(values is None for values in found):
                return None
            return [value for values in found if values is not None for value in values]
        if root == "webhook" and place.kind is ComponentKind.WEBHOOK:
            return self._webhook_values(place.component)
        return None

    def _connection_values(self, connection: Component) -> list[LinkedValue] | None:
        """A connection's parameters and the keys it saves with ``response.data``."""
        params = self._plain(connection.file(Role.PARAMS))
        communication = self._plain(connection.file(Role.COMMUNICATION))
        if communication is None or (params is not None and parameters_are_open(params.root)):
            return None
        saved = saved_members(communication.root, communication.kind)
        if saved is None:
            return None
        found = _parameter_values(params, f"the connection `{connection.name}`")
        found += [
            LinkedValue(
                key.value,
                f"saved by `response.data` of the connection `{connection.name}`",
                communication.path,
                key.start + 1,
                key.end - 1,
            )
            for key in saved
        ]
        return found

    def _webhook_values(self, webhook: Component) -> list[LinkedValue] | None:
        """``webhook.id``, ``webhook.url``, the webhook's parameters and what its attach saves."""
        attach = self._plain(webhook.file(Role.ATTACH))
        if attach is None:
            return None
        saved = saved_members(attach.root, attach.kind)
        if saved is None:
            return None
        found = [
            LinkedValue("id", "The webhook's id in Make.", None, 0, 0),
            LinkedValue("url", "The webhook's URL, to register with the service.", None, 0, 0),
            *_parameter_values(self._plain(webhook.file(Role.PARAMS)), "the webhook"),
        ]
        found += [
            LinkedValue(key.value, "saved by the attach `response.data`", attach.path, key.start + 1, key.end - 1)
            for key in saved
        ]
        return found

    def samples_path(self, path: str) -> str | None:
        """The preview sample-values file for a connection file, by the documented convention.

        In order: ``imlLs.samplesFile`` / ``--samples``; ``<id>.samples.json`` beside the file;
        ``iml-ls.samples.json`` in the app root (the nearest folder up with ``makecomapp.json``).
        """
        settings = self.settings_for(path)
        if settings.samples_file:
            return settings.samples_file
        beside = sibling(path, FileKind.SAMPLES)
        if beside is not None and self._text(beside) is not None:
            return beside
        for folder in Path(path).parents:
            if (folder / "makecomapp.json").is_file():
                candidate = folder / "iml-ls.samples.json"
                return str(candidate) if candidate.is_file() else None
        return None

    def _tracked_by_git(self, path: str) -> bool:
        if path not in self._tracked:
            self._tracked[path] = _tracked_by_git(path)
        return self._tracked[path]


@dataclass(frozen=True)
class LinkedValue:
    """A value one component reads from another (``connection.apiKey``), and where it is declared."""

    name: str
    description: str
    path: str | None
    """The file that declares it (None: Make provides it, like ``webhook.url``)."""
    start: int
    end: int


def _parameter_values(params: Analysis | None, owner: str) -> list[LinkedValue]:
    """The parameters of a params file as values another component reads (``connection.apiKey``)."""
    if params is None:
        return []
    return [
        LinkedValue(
            parameter.name,
            f"{parameter.label or parameter.name}: a `{parameter.type}` parameter of {owner}",
            params.path,
            parameter.name_node.start + 1,
            parameter.name_node.end - 1,
        )
        for parameter in params.parameters
    ]


def _fields(values: list[LinkedValue] | None) -> tuple[tuple[str, str], ...] | None:
    if values is None:
        return None
    found: dict[str, str] = {}
    for value in values:
        found.setdefault(value.name, value.description)
    return tuple(sorted(found.items()))


_AFTER_RESPONSE = ("response", "pagination", "repeat")
"""The parts of a request evaluated once its response has arrived."""

_READ_BY_OTHERS = frozenset(
    {Role.PARAMS, Role.MAPPABLE_PARAMS, Role.COMMON, Role.BASE, Role.MANIFEST, Role.ATTACH, Role.METADATA}
)
"""Roles of files that other files' analyses read (with a connection's communication)."""

_APP_SHAPING = frozenset({"makecomapp.json", "metadata.json"})
"""Files whose change can move other files to another component or role."""


def _same_related(left: Related, right: Related) -> bool:
    return (
        left.params is right.params
        and left.mappable is right.mappable
        and left.app == right.app
        and left.common is right.common
        and left.samples is right.samples
        and left.samples_tracked_by_git == right.samples_tracked_by_git
        and left.recording is right.recording
    )


def _tracked_by_git(path: str) -> bool:
    """Whether git tracks the file (a sample file holding secrets should not be committed)."""
    return files.tracked_by_git(path)
