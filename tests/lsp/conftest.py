"""End-to-end fixtures: the real server process over stdio, driven by pytest-lsp's client."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "iml_ls", "serve"]


def capabilities(*, pull: bool = False, encodings: list[str] | None = None) -> types.ClientCapabilities:
    """A VS Code-like client: snippets, markdown, watched files, configuration; push diagnostics unless ``pull``."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings] if encodings else None
        ),
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(dynamic_registration=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        ),
        text_document=types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=True, documentation_format=[types.MarkupKind.Markdown]
                )
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
        ),
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client that has initialised a fresh server (push diagnostics, UTF-16)."""
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities()))
    yield lsp_client
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    """Open ``path`` (with ``text``, or its content on disk) and return its URI."""
    uri = path.as_uri()
    content = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=version, text=content)
        )
    )
    return uri


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int | None = None, timeout: float = 20.0
) -> list[types.Diagnostic]:
    """Wait until the client holds diagnostics for ``uri`` (for ``version`` when given)."""

    async def poll() -> list[types.Diagnostic]:
        while True:
            published = client.diagnostics.get(uri)
            versions = getattr(client, "diagnostic_versions", {})
            if published is not None and (version is None or versions.get(uri, version) == version):
                return list(published)
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), timeout)


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    """The UTF-16 position of ``needle`` (plus ``offset`` code points) in ``text``."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    line_start = text.rfind("\n", 0, index) + 1
    return types.Position(line, len(text[line_start:index].encode("utf-16-le")) // 2)


@pytest.fixture
def connection_dir(tmp_path: Path) -> Path:
    """A connection folder with a params file declaring clientId (text) and clientSecret (password)."""
    folder = tmp_path / "connections" / "jwt-auth"
    folder.mkdir(parents=True)
    (folder / "jwt-auth.params.iml.json").write_text(
        '[\n    {"name": "clientId", "type": "text", "label": "Client ID", "required": true},\n'
        '    {"name": "clientSecret", "type": "password", "label": "Client secret", "required": true}\n]\n',
        encoding="utf-8",
    )
    return folder
