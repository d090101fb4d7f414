"""textDocument/formatting and textDocument/rangeFormatting (Format Document, Format Selection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded

if TYPE_CHECKING:
    from iml_ls.features.formatting import FormatOptions


def _options(given: types.FormattingOptions) -> FormatOptions:
    from iml_ls.features.formatting import FormatOptions

    return FormatOptions(given.tab_size, given.insert_spaces, given.insert_final_newline)


def _edits(ls: ImlLanguageServer, uri: str, options: FormatOptions, span: types.Range | None) -> list[types.TextEdit]:
    from iml_ls.features.formatting import document_edits

    analysis = ls.analysis(uri)
    if analysis is None:
        return []
    start, end = (ls.offset(analysis, span.start), ls.offset(analysis, span.end)) if span else (0, None)
    edits = document_edits(analysis, options, start, end) or []
    return [types.TextEdit(to_range(analysis.index, e.start, e.end, ls.encoding), e.new_text) for e in edits]


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(types.TEXT_DOCUMENT_FORMATTING)
    def format_document(ls: ImlLanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
        return _edits(ls, params.text_document.uri, _options(params.options), None)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @guarded(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def format_selection(ls: ImlLanguageServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit]:
        return _edits(ls, params.text_document.uri, _options(params.options), params.range)
