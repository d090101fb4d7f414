"""textDocument/documentSymbol, semanticTokens/full, inlayHint and codeLens."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.analysis import Analysis
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.inlay_hints import inlay_hints
from iml_ls.features.preview import current_second
from iml_ls.features.semantic_tokens import TOKEN_TYPES, semantic_tokens
from iml_ls.features.symbols import DocumentSymbol, document_symbols
from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded
from iml_ls.text.line_index import PositionEncoding

SYMBOL_KINDS = {
    "module": types.SymbolKind.Module,
    "namespace": types.SymbolKind.Namespace,
    "field": types.SymbolKind.Field,
    "function": types.SymbolKind.Function,
    "variable": types.SymbolKind.Variable,
}


def _symbol(analysis: Analysis, symbol: DocumentSymbol, encoding: PositionEncoding) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name or "(empty)",
        kind=SYMBOL_KINDS[symbol.kind],
        range=to_range(analysis.index, symbol.start, symbol.end, encoding),
        selection_range=to_range(analysis.index, symbol.selection_start, symbol.selection_end, encoding),
        detail=symbol.detail or None,
        children=[_symbol(analysis, child, encoding) for child in symbol.children],
    )


def encode_tokens(analysis: Analysis, encoding: PositionEncoding) -> list[int]:
    """The LSP's relative encoding: line delta, start delta, length, type, modifiers."""
    data: list[int] = []
    previous_line = previous_start = 0
    for token in semantic_tokens(analysis):
        start = analysis.index.position(token.start, encoding)
        end = analysis.index.position(token.end, encoding)
        if end.line != start.line or end.character <= start.character:
            continue
        delta_line = start.line - previous_line
        delta_start = start.character - previous_start if delta_line == 0 else start.character
        data += [delta_line, delta_start, end.character - start.character, TOKEN_TYPES.index(token.type), 0]
        previous_line, previous_start = start.line, start.character
    return data


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: ImlLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [_symbol(analysis, symbol, ls.encoding) for symbol in document_symbols(analysis)]

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=[]),
    )
    @guarded(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL)
    def tokens(ls: ImlLanguageServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        analysis = ls.analysis(params.text_document.uri)
        return types.SemanticTokens(data=encode_tokens(analysis, ls.encoding) if analysis is not None else [])

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded(types.TEXT_DOCUMENT_INLAY_HINT)
    def hints(ls: ImlLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        start, end = ls.offset(analysis, params.range.start), ls.offset(analysis, params.range.end)
        result = []
        for hint in inlay_hints(analysis, start, end, current_second()):
            position = analysis.index.position(hint.offset, ls.encoding)
            result.append(
                types.InlayHint(
                    position=types.Position(position.line, position.character),
                    label=hint.label,
                    padding_left=True,
                    tooltip=hint.tooltip,
                )
            )
        return result

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    @guarded(types.TEXT_DOCUMENT_CODE_LENS)
    def lenses(ls: ImlLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        result = []
        for lens in code_lenses(analysis):
            lens_range = to_range(analysis.index, lens.start, lens.end, ls.encoding)
            position = {"line": lens_range.start.line, "character": lens_range.start.character}
            command = types.Command(
                title=lens.title, command=lens.command, arguments=[params.text_document.uri, position]
            )
            result.append(types.CodeLens(range=lens_range, command=command))
        return result
