"""textDocument/inlayHint: when the time claims of each jwt() payload fall."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.server import ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    @guarded(types.TEXT_DOCUMENT_INLAY_HINT)
    def hints(ls: ImlLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        from iml_ls.features.inlay_hints import inlay_hints

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        start, end = ls.offset(analysis, params.range.start), ls.offset(analysis, params.range.end)
        result = []
        for hint in inlay_hints(analysis, start, end):
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
