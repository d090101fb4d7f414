"""Conversions between the analysis (offsets, dataclasses) and lsprotocol types. No decisions here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from iml_ls.text.line_index import LineIndex, Position, PositionEncoding

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis
    from iml_ls.checks.catalogue import Rule
    from iml_ls.checks.diagnostic import Diagnostic, Fix

SOURCE = "iml-ls"


def uri_to_path(uri: str) -> str:
    """A file URI as a path; other URIs stay as they are (their name still tells the file kind)."""
    if uri.startswith("file:"):
        path = to_fs_path(uri)
        if path:
            return path
    return uri


def path_to_uri(path: str) -> str:
    if "://" in path or path.startswith("untitled:"):
        return path
    return from_fs_path(str(Path(path))) or path


def encoding_of(kind: str | types.PositionEncodingKind) -> PositionEncoding:
    value = kind.value if isinstance(kind, types.PositionEncodingKind) else kind
    return PositionEncoding(value) if value in {e.value for e in PositionEncoding} else PositionEncoding.UTF16


def to_range(index: LineIndex, start: int, end: int, encoding: PositionEncoding) -> types.Range:
    first, last = index.position(start, encoding), index.position(end, encoding)
    return types.Range(types.Position(first.line, first.character), types.Position(last.line, last.character))


def to_offset(index: LineIndex, position: types.Position, encoding: PositionEncoding) -> int:
    return index.offset(Position(position.line, position.character), encoding)


def plain(text: str) -> str:
    """Text written with Markdown code spans, for the places a client shows as plain text (diagnostic
    messages, quick-fix titles, parameter notes): the backticks go, the words stay."""
    return text.replace("`", "")


def to_diagnostic(analysis: Analysis, item: Diagnostic, encoding: PositionEncoding) -> types.Diagnostic:
    from iml_ls.checks.catalogue import DOCS_URL

    return types.Diagnostic(
        range=to_range(analysis.index, item.start, item.end, encoding),
        message=plain(item.message),
        severity=types.DiagnosticSeverity(int(item.rule.severity)),
        code=item.rule.code,
        code_description=types.CodeDescription(href=f"{DOCS_URL}#{item.rule.anchor}"),
        source=SOURCE,
        data={"name": item.rule.name},
    )


class JsonReady(dict[str, Any]):
    """A message's parameters or result already in JSON form: sent as they are, not through
    lsprotocol's converter (which walks every value again on every keystroke)."""


class RawJson(str):
    """JSON text, written into a :class:`JsonReady` message as it is (see :func:`encode`)."""


def encode(value: object) -> str:
    """The JSON text of a value of a :class:`JsonReady` message, :class:`RawJson` written as it is."""
    if isinstance(value, RawJson):
        return value
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{encode(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)


def diagnostic_fields(rule: Rule, message: str) -> dict[str, Any]:
    """A diagnostic's JSON without its range: what :func:`to_diagnostic` gives, unstructured."""
    from iml_ls.checks.catalogue import DOCS_URL

    return {
        "message": plain(message),
        "severity": int(rule.severity),
        "code": rule.code,
        "codeDescription": {"href": f"{DOCS_URL}#{rule.anchor}"},
        "source": SOURCE,
        "data": {"name": rule.name},
    }


@dataclass(frozen=True)
class _Fragment:
    """The JSON of one part of a document's diagnostics, and where the part lay when it was made."""

    start: int
    end: int
    position: tuple[int, int]
    """The part's start as a line and character."""
    json: str
    """Its diagnostics' JSON, separated by commas (empty when it has none)."""


class DiagnosticsJson:
    """One document's diagnostics in LSP's JSON, made part by part (see :class:`~iml_ls.checks.Part`).

    A part whose key the previous version had, at the same line and character, with the same text
    from its start to its end, has the same JSON (the lines and characters of its diagnostics are
    those of then): it is taken as it was, so an unchanged chunk of a big file costs one comparison
    of its text. The others are converted; a message's fields (code, link, text) are reused from
    the previous versions. The same analysis asked again (a pull after a push) gets the same text.
    """

    def __init__(self) -> None:
        self._analysis: Analysis | None = None
        self._encoding: PositionEncoding | None = None
        self._source = ""
        """The text of the version last converted."""
        self._fragments: dict[object, _Fragment] = {}
        self._fields: dict[tuple[str, str], str] = {}
        self._json = RawJson("[]")

    def convert(self, analysis: Analysis, encoding: PositionEncoding) -> RawJson:
        from iml_ls.checks import diagnostic_parts

        if analysis is self._analysis and encoding is self._encoding:
            return self._json
        if encoding is not self._encoding:
            self._fragments = {}
        text, source = analysis.text, self._source
        parts = diagnostic_parts(analysis)
        keyed = [part for part in parts if part.key is not None]
        starts = iter(analysis.index.line_characters([part.start for part in keyed], encoding))
        fragments: dict[object, _Fragment] = {}
        pieces: list[str] = []
        for part in parts:
            if part.key is None:
                pieces.append(self._items(analysis, part.diagnostics, encoding))
                continue
            position = next(starts)
            known = self._fragments.get(part.key)
            if (
                known is None
                or known.position != position
                or known.end - known.start != part.end - part.start
                or text[part.start : part.end] != source[known.start : known.end]
            ):
                known = _Fragment(part.start, part.end, position, self._items(analysis, part.diagnostics, encoding))
            elif known.start != part.start:
                known = _Fragment(part.start, part.end, position, known.json)
            fragments[part.key] = known
            pieces.append(known.json)
        self._analysis, self._encoding, self._source, self._fragments = analysis, encoding, text, fragments
        self._json = RawJson("[" + ",".join(piece for piece in pieces if piece) + "]")
        return self._json

    def _items(self, analysis: Analysis, items: list[Diagnostic], encoding: PositionEncoding) -> str:
        """The JSON of diagnostics, separated by commas."""
        offsets = [offset for item in items for offset in (item.start, item.end)]
        positions = analysis.index.line_characters(offsets, encoding)
        found = []
        for number, item in enumerate(items):
            (start_line, start_character), (end_line, end_character) = positions[2 * number : 2 * number + 2]
            key = (item.rule.code, item.message)
            fields = self._fields.get(key)
            if fields is None:
                fields = self._fields[key] = json.dumps(diagnostic_fields(item.rule, item.message))[1:-1]
            found.append(
                f'{{"range":{{"start":{{"line":{start_line},"character":{start_character}}},'
                f'"end":{{"line":{end_line},"character":{end_character}}}}},{fields}}}'
            )
        return ",".join(found)


def to_workspace_edit(
    fix: Fix, indexes: dict[str, LineIndex], versions: dict[str, int | None], encoding: PositionEncoding
) -> types.WorkspaceEdit:
    """A fix's edits, grouped per file, as a workspace edit (document changes carry versions)."""
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in fix.edits:
        index = indexes[edit.path]
        changes.setdefault(edit.path, []).append(
            types.TextEdit(range=to_range(index, edit.start, edit.end, encoding), new_text=edit.new_text)
        )
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=path_to_uri(path), version=versions.get(path)
                ),
                edits=list(edits),
            )
            for path, edits in changes.items()
        ]
    )
