"""The floor: a pygls server that does no work at all, measured beside iml-ls.

It keeps documents with the same text sync as iml-ls (incremental), answers completion with an
empty list and hover with null, and publishes empty diagnostics (with the document version) on
every open and change, or, when the client pulls, answers each pull with an empty report.
Whatever it costs is what pygls, JSON-RPC and Python cost; iml-ls's
figures divided by the floor's say how much iml-ls itself adds.

Run: ``python benchmarks/floor_server.py`` (LSP over stdio).
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("iml-ls-bench-floor", "1", text_document_sync_kind=types.TextDocumentSyncKind.Incremental)


Document = types.VersionedTextDocumentIdentifier | types.TextDocumentItem


def publish_nothing(ls: LanguageServer, document: Document) -> None:
    text_document = ls.client_capabilities.text_document
    if text_document is not None and text_document.diagnostic is not None:
        return  # the client pulls
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=document.uri, diagnostics=[], version=document.version)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    publish_nothing(ls, params.text_document)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    publish_nothing(ls, params.text_document)


@server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(False, False))
def diagnostic(ls: LanguageServer, params: types.DocumentDiagnosticParams) -> types.FullDocumentDiagnosticReport:
    return types.FullDocumentDiagnosticReport(items=[])


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(ls: LanguageServer, params: types.CompletionParams) -> types.CompletionList:
    return types.CompletionList(is_incomplete=False, items=[])


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
    return None


if __name__ == "__main__":
    server.start_io()
