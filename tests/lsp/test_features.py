"""Completion, hover, signature help, watched files, and the workspace check with progress and cancellation.

Navigation, symbols, semantic tokens, inlay hints and code lens have their own modules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, capabilities, diagnostics_for, open_document, position_of

TEXT = """{
    "url": "https://api.example.com/v1/me",
    "temp": {
        "jwt": {"iss": "{{parameters.clientId}}", "sub": "Zoë 😀 日本", "iat": "{{timestamp}}", "exp": "{{timestamp + 3600}}"},
        "options": {"header": {"kid": "{{parameters.clientId}}"}, "expiresIn2": 1}
    },
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}", "x-id": "😀{{parameters.clientId}}"}
}
"""


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.fixture
def connection(connection_dir: Path) -> Path:
    path = connection_dir / "jwt-auth.communication.iml.json"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.asyncio
async def test_completion_in_half_typed_text(client: LanguageClient, connection: Path) -> None:
    head = TEXT.split('"headers"')[0]
    broken = head + '"headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, \'\n}\n'
    uri = open_document(client, connection, broken)
    line = broken.count("\n", 0, broken.index("clientSecret, '"))
    character = len(broken.split("\n")[line].encode("utf-16-le")) // 2
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=types.Position(line, character))
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    assert [item.label for item in items] == ["HS256", "HS384", "HS512", "RS256"]
    assert items[0].text_edit is not None and items[0].text_edit.new_text == "'HS256'"


@pytest.mark.asyncio
async def test_completion_of_parameters_after_astral_characters(client: LanguageClient, connection: Path) -> None:
    uri = open_document(client, connection, TEXT)
    position = position_of(TEXT, "😀{{parameters.", len("😀{{parameters."))
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=position)
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    assert {"clientId", "clientSecret"} <= {item.label for item in items}
    edit = next(item.text_edit for item in items if item.label == "clientId")
    assert isinstance(edit, types.TextEdit) and edit.range.start == position


@pytest.mark.asyncio
async def test_hover_on_jwt_shows_the_token_preview(client: LanguageClient, connection: Path) -> None:
    uri = open_document(client, connection, TEXT)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position_of(TEXT, "jwt(temp.jwt", 1))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert text.startswith("**Token** (HS512, ")  # the token first, once, as plain text
    token = text.split("```text\n")[1].split("\n")[0]
    assert token.count(".") == 2 and text.count(token[:20]) == 1
    assert '"alg":"HS512"' in text and '"sub":"Zoë 😀 日本"' in text
    assert "placeholders: `parameters.clientId`, `parameters.clientSecret`" in text
    assert text.index("eyJ") < text.index("jwt(") and "Example" not in text


@pytest.mark.asyncio
async def test_hover_on_a_parameter_and_an_expression(client: LanguageClient, connection: Path) -> None:
    uri = open_document(client, connection, TEXT)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position_of(TEXT, "parameters.clientSecret", 12))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Client secret" in hover.contents.value and "password" in hover.contents.value
    stamp = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=position_of(TEXT, "timestamp + 3600", 12))
    )
    assert stamp is not None and isinstance(stamp.contents, types.MarkupContent)
    assert "As a date" in stamp.contents.value


@pytest.mark.asyncio
async def test_signature_help_marks_the_active_argument(client: LanguageClient, connection: Path) -> None:
    uri = open_document(client, connection, TEXT)
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=doc(uri), position=position_of(TEXT, "'HS512'", 1))
    )
    assert help_ is not None
    assert help_.signatures[0].label == "jwt(payload, key, [algorithm], [options])"
    assert help_.active_parameter == 2


@pytest.mark.asyncio
async def test_params_file_is_watched_on_disk(client: LanguageClient, connection: Path) -> None:
    text = TEXT.replace("parameters.clientSecret", "parameters.region")
    uri = open_document(client, connection, text)
    assert "IML201" in [d.code for d in await diagnostics_for(client, uri)]
    params_path = connection.with_name("jwt-auth.params.iml.json")
    params = json.loads(params_path.read_text(encoding="utf-8"))
    params_path.write_text(json.dumps([*params, {"name": "region", "type": "text"}]), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(params_path.as_uri(), types.FileChangeType.Changed)])
    )
    await asyncio.sleep(1.0)
    assert "IML201" not in [d.code for d in client.diagnostics[uri]]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def workspace_client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[LanguageClient]:
    folder = tmp_path / "app" / "connections" / "c"
    folder.mkdir(parents=True)
    (folder / "c.communication.iml.json").write_text('{"method": "FETCH"}', encoding="utf-8")
    (folder / "c.params.iml.json").write_text("[]", encoding="utf-8")
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    caps = capabilities(pull=True, encodings=["utf-8", "utf-16"])
    caps.window = types.WindowClientCapabilities(work_done_progress=True)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            workspace_folders=[types.WorkspaceFolder(uri=(tmp_path / "app").as_uri(), name="app")],
            initialization_options={"requiredClaims": ["exp", "sub"]},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_workspace_check_reports_progress_in_utf8_with_pull_diagnostics(
    workspace_client: LanguageClient, tmp_path: Path
) -> None:
    result = await workspace_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.checkWorkspace", arguments=[])
    )
    assert result == {"files": 2, "errors": 1, "warnings": 0}
    [reports] = workspace_client.progress_reports.values()
    kinds = [type(report).__name__ for report in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    path = tmp_path / "app" / "connections" / "c" / "c.communication.iml.json"
    text = '{"url": "é/{{lenght(1)}}"}'
    uri = open_document(workspace_client, path, text)
    report = await workspace_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=doc(uri))
    )
    assert isinstance(report, types.FullDocumentDiagnosticReport | types.RelatedFullDocumentDiagnosticReport)
    [unknown] = [d for d in report.items if d.code == "IML101"]
    assert unknown.range.start.character == len('{"url": "é/{{'.encode())  # utf-8 was negotiated


@pytest.mark.asyncio
async def test_the_workspace_check_lists_closed_files_for_a_pulling_client_until_they_open(
    workspace_client: LanguageClient, tmp_path: Path
) -> None:
    """VS Code pulls only open files: the check's push is what lists the others in its Problems panel."""
    await workspace_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.checkWorkspace", arguments=[])
    )
    path = tmp_path / "app" / "connections" / "c" / "c.communication.iml.json"
    uri = path.as_uri()
    assert len(workspace_client.diagnostics[uri]) == 1  # the method FETCH
    open_document(workspace_client, path, path.read_text(encoding="utf-8"))
    await pushed_diagnostics_become(workspace_client, uri, ())


async def pushed_diagnostics_become(client: LanguageClient, uri: str, expected: tuple[object, ...]) -> None:
    """Wait until the client's pushed diagnostics of ``uri`` are ``expected``."""

    async def poll() -> None:
        while tuple(client.diagnostics.get(uri, ())) != expected:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), 20)


@pytest.mark.asyncio
async def test_a_workspace_check_can_be_cancelled(workspace_client: LanguageClient, tmp_path: Path) -> None:
    for number in range(400):
        folder = tmp_path / "app" / "connections" / f"c{number}"
        folder.mkdir(parents=True)
        (folder / f"c{number}.communication.iml.json").write_text('{"url": "/{{lenght(1)}}"}', encoding="utf-8")
    pending = workspace_client.protocol.send_request_async(
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(command="iml.checkWorkspace", arguments=[]),
        msg_id="scan",
    )
    workspace_client.cancel_request(types.CancelParams(id="scan"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(pending, 30)
    # the server is still there
    result = await workspace_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.checkWorkspace", arguments=[])
    )
    assert result["files"] == 402
