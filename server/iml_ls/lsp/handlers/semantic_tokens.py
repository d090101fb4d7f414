"""textDocument/semanticTokens/full (no range or delta requests: a connection file is small)."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.features.client_names import TOKEN_TYPES
from iml_ls.lsp.server import ImlLanguageServer, guarded

LEGEND = types.SemanticTokensLegend(token_types=list(TOKEN_TYPES), token_modifiers=[])


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    @guarded(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL)
    def tokens(ls: ImlLanguageServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
        from iml_ls.features.semantic_tokens import encode, semantic_tokens

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return types.SemanticTokens(data=[])
        return types.SemanticTokens(data=encode(semantic_tokens(analysis), analysis.index, ls.encoding))
