"""textDocument/documentSymbol (the outline) and textDocument/foldingRange."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded

if TYPE_CHECKING:
    from iml_ls.features.symbols import DocumentSymbol
    from iml_ls.text.line_index import LineIndex, PositionEncoding

SYMBOL_KINDS = {
    "REQUEST": types.SymbolKind.Module,
    "SECTION": types.SymbolKind.Namespace,
    "KEY": types.SymbolKind.Field,
    "CALL": types.SymbolKind.Function,
    "PARAMETER": types.SymbolKind.Variable,
}
"""By the name of each ``OutlineKind`` (the features are imported at the first request)."""


def _symbol(index: LineIndex, symbol: DocumentSymbol, encoding: PositionEncoding) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=SYMBOL_KINDS[symbol.kind.name],
        range=to_range(index, symbol.start, symbol.end, encoding),
        selection_range=to_range(index, symbol.selection_start, symbol.selection_end, encoding),
        detail=symbol.detail or None,
        children=[_symbol(index, child, encoding) for child in symbol.children] or None,
    )


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def outline(ls: ImlLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        from iml_ls.features.symbols import document_symbols

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [_symbol(analysis.index, symbol, ls.encoding) for symbol in document_symbols(analysis)]

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folds(ls: ImlLanguageServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        from iml_ls.features.folding import FoldKind, folding_ranges

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        document = ls.client_capabilities.text_document
        limit = document.folding_range.range_limit if document and document.folding_range else None
        kinds = {FoldKind.REGION: types.FoldingRangeKind.Region, FoldKind.COMMENT: types.FoldingRangeKind.Comment}
        return [
            types.FoldingRange(fold.start_line, fold.end_line, kind=kinds[fold.kind])
            for fold in folding_ranges(analysis, limit)
        ]
