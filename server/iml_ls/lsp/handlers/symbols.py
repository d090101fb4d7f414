"""textDocument/documentSymbol: the outline."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.features.symbols import DocumentSymbol, OutlineKind, document_symbols
from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded
from iml_ls.text.line_index import LineIndex, PositionEncoding

SYMBOL_KINDS = {
    OutlineKind.REQUEST: types.SymbolKind.Module,
    OutlineKind.SECTION: types.SymbolKind.Namespace,
    OutlineKind.KEY: types.SymbolKind.Field,
    OutlineKind.CALL: types.SymbolKind.Function,
    OutlineKind.PARAMETER: types.SymbolKind.Variable,
}


def _symbol(index: LineIndex, symbol: DocumentSymbol, encoding: PositionEncoding) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=SYMBOL_KINDS[symbol.kind],
        range=to_range(index, symbol.start, symbol.end, encoding),
        selection_range=to_range(index, symbol.selection_start, symbol.selection_end, encoding),
        detail=symbol.detail or None,
        children=[_symbol(index, child, encoding) for child in symbol.children] or None,
    )


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def outline(ls: ImlLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [_symbol(analysis.index, symbol, ls.encoding) for symbol in document_symbols(analysis)]
