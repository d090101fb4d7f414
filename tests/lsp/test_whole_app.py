"""The server sees the whole app: a module is checked with its connection in view, and editing the
connection's params file re-checks the open module (and only the files that read it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ..app_files import write_files
from .conftest import SERVER, capabilities, diagnostics_for, open_document

CONNECTION_PARAMS = [{"name": "apiKey", "type": "password", "label": "API key", "required": True}]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    manifest = {
        "fileVersion": 1,
        "generalCodeFiles": {"base": "general/base.iml.json"},
        "components": {
            "connection": {"acme": {"connectionType": "basic", "codeFiles": {
                "communication": "connections/acme/acme.communication.iml.json",
                "params": "connections/acme/acme.params.iml.json"}}},
            "module": {"getContact": {"moduleType": "action", "connection": "acme", "codeFiles": {
                "communication": "modules/get-contact/get-contact.communication.iml.json",
                "mappable-params": "modules/get-contact/get-contact.mappable-params.iml.json"}}},
        },
    }  # fmt: skip
    files = {
        "makecomapp.json": json.dumps(manifest),
        "general/base.iml.json": json.dumps(
            {
                "baseUrl": "https://api.acme.example/v1",
                "headers": {"x-api-key": "{{connection.apiKey}}"},
                "log": {"sanitize": ["request.headers.x-api-key"]},
            }
        ),
        "connections/acme/acme.communication.iml.json": json.dumps(
            {
                "url": "https://api.acme.example/v1/me",
                "headers": {"x-api-key": "{{parameters.apiKey}}"},
                "log": {"sanitize": ["request.headers.x-api-key"]},
            }
        ),
        "connections/acme/acme.params.iml.json": json.dumps(CONNECTION_PARAMS),
        "modules/get-contact/get-contact.communication.iml.json": json.dumps(
            {
                "url": "/contacts/{{parameters.contactId}}",
                "qs": {"region": "{{connection.region}}"},
                "response": {"output": "{{body}}"},
            },
            indent=4,
        ),
        "modules/get-contact/get-contact.mappable-params.iml.json": json.dumps(
            [{"name": "contactId", "type": "text", "label": "Contact ID", "required": True}]
        ),
    }
    return write_files(tmp_path, files)


@pytest.mark.asyncio
async def test_a_module_reads_its_connection_and_is_rechecked_when_the_params_change(
    client: LanguageClient, app: Path
) -> None:
    module = open_document(client, app / "modules/get-contact/get-contact.communication.iml.json")
    [unknown] = await diagnostics_for(client, module)
    assert unknown.code == "IML204" and "acme has no parameter region" in unknown.message  # LSP messages are plain text
    params_path = app / "connections/acme/acme.params.iml.json"
    params = open_document(client, params_path)
    await diagnostics_for(client, params)
    declared = [*CONNECTION_PARAMS, {"name": "region", "type": "text", "label": "Region"}]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=params, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=json.dumps(declared))],
        )
    )
    for _ in range(100):
        if not client.diagnostics.get(module):
            break
        await asyncio.sleep(0.05)
    assert list(client.diagnostics[module]) == []


@pytest.mark.asyncio
async def test_module_directives_and_variables_are_not_judged_by_connection_rules(
    client: LanguageClient, app: Path
) -> None:
    path = app / "modules/get-contact/get-contact.communication.iml.json"
    text = json.dumps(
        {
            "url": "/contacts",
            "headers": {"x-region": "{{connection.apiKey}}"},
            "response": {"iterate": "{{body.items}}", "output": "{{item}}", "limit": "{{parameters.contactId}}"},
        },
        indent=4,
    )
    uri = open_document(client, path, text)
    diagnostics = await diagnostics_for(client, uri)
    # an action module returns one bundle: `limit` is the one directive out of place here
    assert [(d.code, d.severity) for d in diagnostics] == [("IML403", types.DiagnosticSeverity.Warning)]
    assert "not available in an action module" in diagnostics[0].message


def _broken(app: Path) -> Path:
    """A module file with a problem, never opened by the client."""
    path = app / "modules/get-contact/get-contact.communication.iml.json"
    path.write_text('{"url": "/contacts/{{parameters.contactId}}", "response": {"output": "{{lenght(body)}}"}}')
    return path


async def _initialize(lsp_client: LanguageClient, app: Path, *, pull: bool) -> None:
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(pull=pull),
            workspace_folders=[types.WorkspaceFolder(uri=app.as_uri(), name="app")],
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def bare_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client that initialises the server itself (with a workspace folder)."""
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_workspace_diagnostics_list_problems_of_files_never_opened(
    bare_client: LanguageClient, app: Path
) -> None:
    broken = _broken(app)
    await _initialize(bare_client, app, pull=True)
    report = await bare_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: [d.code for d in item.items] for item in report.items}
    assert by_uri[broken.as_uri()] == ["IML101"]
    assert by_uri[(app / "connections/acme/acme.params.iml.json").as_uri()] == []
    assert len(by_uri) == 6  # every file of the app: manifest, base, two of the connection, two of the module


@pytest.mark.asyncio
async def test_without_pull_the_server_pushes_the_problems_of_every_app_file(
    bare_client: LanguageClient, app: Path
) -> None:
    broken = _broken(app)
    await _initialize(bare_client, app, pull=False)
    bare_client.initialized(types.InitializedParams())
    diagnostics = await diagnostics_for(bare_client, broken.as_uri())
    assert [d.code for d in diagnostics] == ["IML101"]
