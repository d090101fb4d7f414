"""End to end: the `Preview request` lens of a module runs `iml.previewRequest`, which answers the
request with base merged in, as HTTP text and curl, with the connection's key masked unless revealed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import open_document

SECRET = "sk-e2e-secret-77"
MODULE = """{
    "url": "/contacts",
    "method": "POST",
    "headers": {"x-api-key": "{{connection.apiKey}}"},
    "body": {"name": "{{parameters.name}}"}
}
"""


@pytest.fixture
def module_file(tmp_path: Path) -> Path:
    files = {
        "makecomapp.json": {
            "generalCodeFiles": {"base": "general/base.iml.json"},
            "components": {
                "connection": {"acme": {"connectionType": "basic", "codeFiles": {
                    "communication": "connections/acme/acme.communication.iml.json",
                    "params": "connections/acme/acme.params.iml.json"}}},
                "module": {"create": {"moduleType": "action", "connection": "acme", "codeFiles": {
                    "communication": "modules/create/create.communication.iml.json",
                    "mappable-params": "modules/create/create.mappable-params.iml.json"}}},
            },
        },
        "general/base.iml.json": {"baseUrl": "https://api.acme.example/v2", "headers": {"accept": "application/json"}},
        "connections/acme/acme.params.iml.json": [{"name": "apiKey", "type": "password"}],
        "connections/acme/acme.communication.iml.json": {"url": "https://api.acme.example/v2/me"},
        "connections/acme/acme.samples.json": {"parameters": {"apiKey": SECRET}},
        "modules/create/create.mappable-params.iml.json": [{"name": "name", "type": "text", "default": "Zoë"}],
    }  # fmt: skip
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")
    module = tmp_path / "modules/create/create.communication.iml.json"
    module.write_text(MODULE, encoding="utf-8")
    return module


@pytest.mark.asyncio
async def test_the_lens_previews_the_merged_request_with_a_curl_command(
    client: LanguageClient, module_file: Path
) -> None:
    uri = open_document(client, module_file)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses is not None
    [lens] = [lens for lens in lenses if lens.command is not None and lens.command.command == "iml.previewRequest"]
    assert lens.command is not None and lens.command.title == "Preview request"
    assert lens.command.command == "iml.previewRequest" and lens.range.start == types.Position(0, 0)
    arguments = list(lens.command.arguments or [])
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=arguments)
    )
    [request] = answer["requests"]
    assert answer["context"] == "an action module" and answer["secrets"] == "masked"
    assert request["url"] == "https://api.acme.example/v2/contacts"
    assert request["fromBase"] == ["baseUrl", "headers.accept"]
    assert request["headers"] == [
        ["accept", "application/json"],
        ["x-api-key", "••••"],
        ["content-type", "application/json"],
    ]
    assert request["curl"] == (
        "curl --request POST https://api.acme.example/v2/contacts \\\n"
        "  --header 'accept: application/json' \\\n"
        "  --header 'x-api-key: ••••' \\\n"
        "  --header 'content-type: application/json' \\\n"
        """  --data-raw '{"name":"Zoë"}'"""
    )
    assert request["http"].startswith("POST /v2/contacts HTTP/1.1\r\nHost: api.acme.example\r\n")
    assert SECRET not in json.dumps(answer)
    revealed = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.previewRequest", arguments=[*arguments, {"revealSecrets": True}])
    )
    assert ["x-api-key", SECRET] in revealed["requests"][0]["headers"]


@pytest.mark.asyncio
async def test_bad_arguments_are_refused(client: LanguageClient, module_file: Path) -> None:
    with pytest.raises(Exception, match="takes"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="iml.previewRequest", arguments=[])
        )
