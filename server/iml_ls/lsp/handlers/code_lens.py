"""textDocument/codeLens: ``Preview request`` over every request and ``Preview token`` for every jwt() call,
on its request (already resolved: no codeLens/resolve)."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    @guarded(types.TEXT_DOCUMENT_CODE_LENS)
    def lenses(ls: ImlLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        from iml_ls.features.code_lens import code_lenses

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        result = []
        for lens in code_lenses(analysis):
            span = to_range(analysis.index, lens.start, lens.end, ls.encoding)
            call = to_range(analysis.index, lens.call_start, lens.call_start, ls.encoding).start
            call_position = {"line": call.line, "character": call.character}
            uri = params.text_document.uri
            arguments = (
                [uri, call_position]
                if lens.arguments is None
                else [{"uri": uri, "position": call_position, **lens.arguments}]
            )
            command = types.Command(lens.title, lens.command, arguments=arguments)
            result.append(types.CodeLens(range=span, command=command))
        return result
