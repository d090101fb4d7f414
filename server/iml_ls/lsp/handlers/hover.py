"""textDocument/hover."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ImlLanguageServer, params: types.HoverParams) -> types.Hover | None:
        from iml_ls.features.hover import hover

        analysis = ls.analysis(params.text_document.uri)
        found = hover(analysis, ls.offset(analysis, params.position)) if analysis is not None else None
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(types.MarkupKind.Markdown, found.markdown),
            range=to_range(analysis.index, found.start, found.end, ls.encoding) if analysis else None,
        )
