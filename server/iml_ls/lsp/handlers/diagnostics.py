"""textDocument/diagnostic: pull diagnostics for clients that ask for them."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.server import SERVER_CANCELLED, ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="iml-ls", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    @guarded(types.TEXT_DOCUMENT_DIAGNOSTIC, busy=SERVER_CANCELLED)
    def diagnostic(ls: ImlLanguageServer, params: types.DocumentDiagnosticParams) -> types.FullDocumentDiagnosticReport:
        analysis = ls.analysis(params.text_document.uri)
        items = ls.diagnostics(analysis) if analysis is not None else []
        return types.FullDocumentDiagnosticReport(items=items)
