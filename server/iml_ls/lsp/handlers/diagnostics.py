"""textDocument/diagnostic and workspace/diagnostic: pull diagnostics, for one document or for every
file of the workspace's apps (so the Problems panel lists files never opened)."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import JsonReady, path_to_uri
from iml_ls.lsp.server import SERVER_CANCELLED, ImlLanguageServer, guarded


def register(server: ImlLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="iml-ls", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    @guarded(types.TEXT_DOCUMENT_DIAGNOSTIC, busy=SERVER_CANCELLED)
    def diagnostic(ls: ImlLanguageServer, params: types.DocumentDiagnosticParams) -> JsonReady:
        """A full report, in JSON form (see :meth:`ImlLanguageServer.json_diagnostics`)."""
        uri = params.text_document.uri
        analysis = ls.analysis(uri)
        return JsonReady(kind="full", items=ls.json_diagnostics(uri, analysis) if analysis is not None else [])

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    @guarded(types.WORKSPACE_DIAGNOSTIC)
    def workspace_diagnostic(
        ls: ImlLanguageServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        reports: list[types.WorkspaceDocumentDiagnosticReport] = []
        for path in ls.app_files():
            analysis = ls.iml.analysis(path)
            if analysis is not None:
                reports.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=ls.uris.get(path, path_to_uri(path)),
                        version=analysis.version,
                        items=ls.diagnostics(analysis),
                    )
                )
        return types.WorkspaceDiagnosticReport(items=reports)
