"""The real server over stdio: diagnostics, versions, settings, related files, quick fixes, preview."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_document, position_of

COMMUNICATION = {
    "url": "https://api.example.com/v1/me",
    "temp": {
        "jwt": {
            "iss": "{{parameters.clientId}}",
            "sub": "café ☕ 😀",
            "iat": "{{timestamp}}",
            "exp": "{{timestamp + 3600}}",
        },
        "options": {"header": {"kid": "{{parameters.clientId}}"}},
    },
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS1', temp.options)}}"},
}


def communication_text(**changes: object) -> str:
    return json.dumps(COMMUNICATION | changes, indent=4, ensure_ascii=False) + "\n"


def edit(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


@pytest.mark.asyncio
async def test_invalid_algorithm_after_astral_characters_has_an_exact_utf16_range(
    client: LanguageClient, connection_dir: Path
) -> None:
    text = communication_text()
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    diagnostics = await diagnostics_for(client, uri)
    [invalid] = [d for d in diagnostics if d.code == "IML301"]
    assert invalid.range.start == position_of(text, "'HS1'")
    assert invalid.range.end == position_of(text, "'HS1'", len("'HS1'"))
    assert invalid.source == "iml-ls"
    assert invalid.code_description is not None and invalid.code_description.href.endswith(
        "#iml301-invalid-jwt-algorithm"
    )


@pytest.mark.asyncio
async def test_incremental_edit_and_a_quick_fix(client: LanguageClient, connection_dir: Path) -> None:
    text = communication_text()
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    await diagnostics_for(client, uri)
    start = position_of(text, "'HS1'")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start, start),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is not None
    titles = [action.title for action in actions if isinstance(action, types.CodeAction)]
    assert "Change to 'HS512'" in titles
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start, position_of(text, "'HS1'", 5)), text="'HS512'"
                )
            ],
        )
    )
    await asyncio.sleep(0.5)
    assert [d for d in client.diagnostics[uri] if d.code == "IML301"] == []


@pytest.mark.asyncio
async def test_only_the_latest_of_quick_edits_keeps_diagnostics(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", communication_text())
    await diagnostics_for(client, uri)
    broken = communication_text(method="FETCH")
    fixed = communication_text(
        method="GET",
        headers={"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}"},
        log={"sanitize": ["request.headers.authorization"]},
    )
    edit(client, uri, 2, broken)
    edit(client, uri, 3, fixed)
    await asyncio.sleep(1.0)
    assert list(client.diagnostics[uri]) == []


@pytest.mark.asyncio
async def test_a_params_file_edit_rechecks_the_communication(client: LanguageClient, connection_dir: Path) -> None:
    text = communication_text(url="https://api.example.com/{{parameters.region}}")
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    diagnostics = await diagnostics_for(client, uri)
    assert "IML201" in [d.code for d in diagnostics]
    params_path = connection_dir / "jwt-auth.params.iml.json"
    params = json.loads(params_path.read_text())
    params.append({"name": "region", "type": "text"})
    open_document(client, params_path, json.dumps(params, indent=4))
    await asyncio.sleep(1.0)
    assert "IML201" not in [d.code for d in client.diagnostics[uri]]


@pytest.mark.asyncio
async def test_configuration_change_disables_a_rule(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", communication_text())
    assert "IML301" in [d.code for d in await diagnostics_for(client, uri)]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"imlLs": {"disabledDiagnostics": ["invalid-jwt-algorithm"]}})
    )
    await asyncio.sleep(1.0)
    assert "IML301" not in [d.code for d in client.diagnostics[uri]]


@pytest.mark.asyncio
async def test_preview_command_returns_the_token(client: LanguageClient, connection_dir: Path) -> None:
    text = communication_text(
        headers={"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}"}
    )
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.previewToken", arguments=[uri])
    )
    [token] = result["tokens"]
    assert token["token"].startswith("eyJ")
    assert token["header"] == {"alg": "HS512", "typ": "JWT", "kid": "<clientId>"}
    assert token["payload"]["sub"] == "café ☕ 😀"
    assert "parameters.clientSecret" in result["placeholders"]
    with pytest.raises(Exception, match="takes \\[uri\\]"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="iml.previewToken", arguments=[])
        )


@pytest.mark.asyncio
async def test_requests_for_unknown_documents_answer_without_crashing(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "never-opened.communication.iml.json").as_uri()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0))
    )
    assert hover is None
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(99, 99))
    )
    assert completion is not None and list(completion.items) == []


@pytest.mark.asyncio
async def test_an_edit_after_a_raw_u2028_lands_where_the_editor_put_it(
    client: LanguageClient, connection_dir: Path
) -> None:
    """Regression (found by the protocol fuzzer): pygls's own line splitting treats U+2028 as a line break."""
    text = '{\n    "url": "a\u2028b",\n    "method": "GET"\n}\n'
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    assert await diagnostics_for(client, uri) == []
    start = position_of(text, "GET")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start, position_of(text, "GET", 3)), text="FETCH"
                )
            ],
        )
    )
    await asyncio.sleep(0.5)
    [invalid] = client.diagnostics[uri]
    assert invalid.code == "IML402" and invalid.range.start == position_of(text, '"GET"')
