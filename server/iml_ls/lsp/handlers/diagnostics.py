"""textDocument/diagnostic: pull diagnostics for clients that ask for them."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import JsonReady
from iml_ls.lsp.server import ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="iml-ls", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    @guarded(types.TEXT_DOCUMENT_DIAGNOSTIC)
    def diagnostic(ls: ImlLanguageServer, params: types.DocumentDiagnosticParams) -> JsonReady:
        """A full report, in JSON form (see :meth:`ImlLanguageServer.json_diagnostics`)."""
        uri = params.text_document.uri
        analysis = ls.analysis(uri)
        return JsonReady(kind="full", items=ls.json_diagnostics(uri, analysis) if analysis is not None else [])
