"""textDocument/documentLink and workspace/symbol."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import path_to_uri, to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded

SYMBOL_KINDS = {
    "component": types.SymbolKind.Module,
    "request": types.SymbolKind.Function,
    "parameter": types.SymbolKind.Variable,
}


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    @guarded(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    def links(ls: ImlLanguageServer, params: types.DocumentLinkParams) -> list[types.DocumentLink]:
        from iml_ls.features.links import document_links

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [
            types.DocumentLink(
                range=to_range(analysis.index, link.start, link.end, ls.encoding),
                target=ls.uris.get(link.target, path_to_uri(link.target)),
                tooltip=link.tooltip,
            )
            for link in document_links(ls.iml, analysis)
        ]

    @server.feature(types.WORKSPACE_SYMBOL)
    @guarded(types.WORKSPACE_SYMBOL)
    def symbols(ls: ImlLanguageServer, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
        from iml_ls.features.links import workspace_symbols

        found = []
        for symbol in workspace_symbols(ls.iml, ls.app_files(), params.query):
            analysis = ls.iml.analysis(symbol.path)
            if analysis is None:
                continue
            found.append(
                types.WorkspaceSymbol(
                    name=symbol.name,
                    kind=SYMBOL_KINDS[symbol.kind],
                    container_name=symbol.container,
                    location=types.Location(
                        ls.uris.get(symbol.path, path_to_uri(symbol.path)),
                        to_range(analysis.index, symbol.start, symbol.end, ls.encoding),
                    ),
                )
            )
        return found
