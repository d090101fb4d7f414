"""Conversions between the analysis (offsets, dataclasses) and lsprotocol types. No decisions here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from iml_ls.analysis import Analysis
from iml_ls.checks.catalogue import DOCS_URL, Rule
from iml_ls.checks.diagnostic import Diagnostic, Fix
from iml_ls.text.line_index import LineIndex, Position, PositionEncoding

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


def diagnostic_fields(rule: Rule, message: str) -> dict[str, Any]:
    """A diagnostic's JSON without its range: what :func:`to_diagnostic` gives, unstructured."""
    return {
        "message": plain(message),
        "severity": int(rule.severity),
        "code": rule.code,
        "codeDescription": {"href": f"{DOCS_URL}#{rule.anchor}"},
        "source": SOURCE,
        "data": {"name": rule.name},
    }


def json_range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}


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
