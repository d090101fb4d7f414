"""textDocument/definition, references, documentHighlight, prepareRename and rename."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from iml_ls.lsp.convert import path_to_uri, to_range
from iml_ls.lsp.server import REQUEST_FAILED, ImlLanguageServer, guarded

if TYPE_CHECKING:
    from iml_ls.checks.diagnostic import TextEdit
    from iml_ls.features.navigation import Location


def _uri(ls: ImlLanguageServer, path: str) -> str:
    """The URI as the client spelled it when it opened the file, else one made from the path."""
    return ls.uris.get(path, path_to_uri(path))


def _locations(ls: ImlLanguageServer, locations: list[Location]) -> list[types.Location]:
    result = []
    for location in locations:
        analysis = ls.iml.analysis(location.path)
        if analysis is not None:
            span = to_range(analysis.index, location.start, location.end, ls.encoding)
            result.append(types.Location(_uri(ls, location.path), span))
    return result


def _workspace_edit(ls: ImlLanguageServer, edits: list[TextEdit]) -> types.WorkspaceEdit:
    """One text-document edit per file (with its version when open), or a ``changes`` map for older clients."""
    by_path: dict[str, list[types.TextEdit]] = {}
    versions: dict[str, int | None] = {}
    for edit in edits:
        target = ls.iml.analysis(edit.path)
        if target is not None:
            versions[edit.path] = target.version  # None for a file read from disk
            span = to_range(target.index, edit.start, edit.end, ls.encoding)
            by_path.setdefault(edit.path, []).append(types.TextEdit(span, edit.new_text))
    workspace = ls.client_capabilities.workspace
    edit_capabilities = workspace.workspace_edit if workspace is not None else None
    if edit_capabilities is None or not edit_capabilities.document_changes:
        return types.WorkspaceEdit(changes={_uri(ls, path): file_edits for path, file_edits in by_path.items()})
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                types.OptionalVersionedTextDocumentIdentifier(_uri(ls, path), versions[path]), list(file_edits)
            )
            for path, file_edits in by_path.items()
        ]
    )


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(types.TEXT_DOCUMENT_DEFINITION)
    def goto_definition(ls: ImlLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
        from iml_ls.features.navigation import definition

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return _locations(ls, definition(ls.iml, analysis, ls.offset(analysis, params.position)))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(types.TEXT_DOCUMENT_REFERENCES)
    def find_references(ls: ImlLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
        from iml_ls.features.navigation import references

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        offset = ls.offset(analysis, params.position)
        return _locations(ls, references(ls.iml, analysis, offset, params.context.include_declaration))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare_rename(
        ls: ImlLanguageServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        from iml_ls.features.navigation import prepare_rename

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        symbol = prepare_rename(analysis, ls.offset(analysis, params.position))
        if symbol is None:
            return None
        location = symbol.location
        span = to_range(analysis.index, location.start, location.end, ls.encoding)
        return types.PrepareRenamePlaceholder(span, symbol.name)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @guarded(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: ImlLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        from iml_ls.features.navigation import RenameError, rename

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        try:
            edits = rename(ls.iml, analysis, ls.offset(analysis, params.position), params.new_name)
        except RenameError as error:
            raise JsonRpcException(str(error), REQUEST_FAILED) from None
        return _workspace_edit(ls, edits)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @guarded(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def on_highlight(ls: ImlLanguageServer, params: types.DocumentHighlightParams) -> list[types.DocumentHighlight]:
        from iml_ls.features.navigation import highlights

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [
            types.DocumentHighlight(
                to_range(analysis.index, found.location.start, found.location.end, ls.encoding),
                types.DocumentHighlightKind.Write if found.is_declaration else types.DocumentHighlightKind.Read,
            )
            for found in highlights(analysis, ls.offset(analysis, params.position))
        ]
