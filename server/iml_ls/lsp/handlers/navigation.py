"""textDocument/definition, references, prepareRename and rename."""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from iml_ls.features.navigation import Location, RenameError, definition, prepare_rename, references, rename
from iml_ls.lsp.convert import path_to_uri, to_range
from iml_ls.lsp.server import REQUEST_FAILED, ImlLanguageServer, guarded


def _locations(ls: ImlLanguageServer, locations: list[Location]) -> list[types.Location]:
    result = []
    for location in locations:
        analysis = ls.iml.analysis(location.path)
        if analysis is not None:
            uri = ls.uris.get(location.path, path_to_uri(location.path))
            result.append(types.Location(uri, to_range(analysis.index, location.start, location.end, ls.encoding)))
    return result


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(types.TEXT_DOCUMENT_DEFINITION)
    def goto_definition(ls: ImlLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return _locations(ls, definition(ls.iml, analysis, ls.offset(analysis, params.position)))

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(types.TEXT_DOCUMENT_REFERENCES)
    def find_references(ls: ImlLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
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
        analysis = ls.analysis(params.text_document.uri)
        symbol = prepare_rename(analysis, ls.offset(analysis, params.position)) if analysis is not None else None
        if symbol is None or analysis is None:
            return None
        location = symbol.location
        return types.PrepareRenamePlaceholder(
            to_range(analysis.index, location.start, location.end, ls.encoding), symbol.name
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @guarded(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: ImlLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return None
        try:
            edits = rename(ls.iml, analysis, ls.offset(analysis, params.position), params.new_name)
        except RenameError as error:
            raise JsonRpcException(str(error), REQUEST_FAILED) from None
        by_file: dict[str, list[types.TextEdit]] = {}
        versions: dict[str, int | None] = {}
        for edit in edits:
            target = ls.iml.analysis(edit.path)
            if target is None:
                continue
            versions[edit.path] = target.version
            by_file.setdefault(edit.path, []).append(
                types.TextEdit(to_range(target.index, edit.start, edit.end, ls.encoding), edit.new_text)
            )
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    types.OptionalVersionedTextDocumentIdentifier(ls.uris.get(path, path_to_uri(path)), versions[path]),
                    list(file_edits),
                )
                for path, file_edits in by_file.items()
            ]
        )
