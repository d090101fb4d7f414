"""End to end: a `Preview token` lens for each jwt() call, on its request's first line, previewing that call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, capabilities, open_document, position_of

TEXT = """{
    "temp": {"jwt": {"sub": "Zoë 😀 日本", "exp": "{{timestamp + 60}}"}},
    "headers": {
        "authorization": "😀😀 {{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}",
        "x-second": "\\u00e9{{jwt(temp.jwt, parameters.clientSecret)}}"
    }
}
"""


@pytest.fixture
def initialize_result() -> dict[str, types.InitializeResult]:
    return {}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def lens_client(
    lsp_client: LanguageClient, initialize_result: dict[str, types.InitializeResult]
) -> AsyncIterator[LanguageClient]:
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    params = types.InitializeParams(capabilities=capabilities())
    initialize_result["result"] = await lsp_client.initialize_session(params)
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_capabilities_declare_code_lens_without_resolve(
    lens_client: LanguageClient, initialize_result: dict[str, types.InitializeResult]
) -> None:
    server = initialize_result["result"].capabilities
    assert server.code_lens_provider == types.CodeLensOptions(resolve_provider=False)
    assert server.inlay_hint_provider == types.InlayHintOptions(resolve_provider=False)
    assert server.execute_command_provider is not None
    assert "iml.previewToken" in server.execute_command_provider.commands


@pytest.mark.asyncio
async def test_a_lens_per_call_runs_the_preview_of_that_call(lens_client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(lens_client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    lenses = await lens_client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None
    lenses = [lens for lens in lenses if lens.command is None or lens.command.command == "iml.previewToken"]
    first = position_of(TEXT, "jwt(temp.jwt, parameters.clientSecret, 'HS512')")  # after two astral characters
    second = position_of(TEXT, "jwt(temp.jwt, parameters.clientSecret)}}")  # after a \u00e9 escape
    request_start = types.Position(0, 0)  # both lenses share the request's first line: one line, not two
    assert [(lens.range.start, lens.command.title if lens.command else None) for lens in lenses] == [
        (request_start, "Preview token #1 (HS512)"),
        (request_start, "Preview token #2 (HS256)"),
    ]
    for lens, algorithm, call in zip(lenses, ("HS512", "HS256"), (first, second), strict=True):
        assert lens.command is not None and lens.command.command == "iml.previewToken"
        arguments = list(lens.command.arguments or [])
        assert arguments == [uri, {"line": call.line, "character": call.character}]
        preview = await lens_client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=lens.command.command, arguments=arguments)
        )
        [token] = preview["tokens"]
        assert token["algorithm"] == algorithm and token["token"].count(".") == 2
        assert token["payload"]["sub"] == "Zoë 😀 日本"


@pytest.mark.asyncio
async def test_no_lens_without_a_jwt_call(lens_client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(lens_client, connection_dir / "jwt-auth.params.iml.json")
    lenses = await lens_client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None and list(lenses) == []
