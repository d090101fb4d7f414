"""End to end: definition, references, documentHighlight, prepareRename and rename, across the params and communication files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from iml_ls.text.line_index import LineIndex, Position

from .conftest import SERVER, capabilities, open_document, position_of

TEXT = """{
    "url": "https://api.example.com/Zoë/😀/{{parameters.clientId}}",
    "temp": {
        "jwt": {"iss": "{{parameters.clientId}}", "sub": "日本 😀 \\u00e9\\"{{parameters.clientId}}"}
    },
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}"}
}
"""


@pytest.fixture
def document_changes() -> bool:
    """Whether the client takes versioned document changes in a workspace edit (override to test older clients)."""
    return True


@pytest.fixture
def initialize_result() -> dict[str, types.InitializeResult]:
    return {}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def rename_client(
    lsp_client: LanguageClient, document_changes: bool, initialize_result: dict[str, types.InitializeResult]
) -> AsyncIterator[LanguageClient]:
    """A client that supports prepareRename, as VS Code does."""
    caps = capabilities()
    assert caps.workspace is not None and caps.text_document is not None
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=document_changes)
    caps.text_document.rename = types.RenameClientCapabilities(prepare_support=True)
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    initialize_result["result"] = await lsp_client.initialize_session(types.InitializeParams(capabilities=caps))
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest.fixture
def connection(connection_dir: Path) -> Path:
    path = connection_dir / "jwt-auth.communication.iml.json"
    path.write_text(TEXT, encoding="utf-8")
    return path


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def span(text: str, needle: str, skip: int = 0, length: int | None = None) -> types.Range:
    """The UTF-16 range of ``needle`` (from ``skip`` code points in, ``length`` long)."""
    size = len(needle) - skip if length is None else length
    start = position_of(text, needle, skip)
    end = position_of(text, needle, skip + size)
    return types.Range(start, end)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    index = LineIndex(text)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = index.offset(Position(edit.range.start.line, edit.range.start.character))
        end = index.offset(Position(edit.range.end.line, edit.range.end.character))
        text = text[:start] + edit.new_text + text[end:]
    return text


@pytest.mark.asyncio
async def test_capabilities_declare_definition_references_and_rename_with_prepare(
    rename_client: LanguageClient, initialize_result: dict[str, types.InitializeResult]
) -> None:
    server = initialize_result["result"].capabilities
    assert server.definition_provider is True and server.references_provider is True
    assert server.rename_provider == types.RenameOptions(prepare_provider=True)


@pytest.mark.asyncio
async def test_definition_of_a_use_after_astral_characters_and_escapes(
    rename_client: LanguageClient, connection: Path
) -> None:
    uri = open_document(rename_client, connection, TEXT)
    params_path = connection.with_name("jwt-auth.params.iml.json")
    params_text = params_path.read_text(encoding="utf-8")
    for needle in ("😀/{{parameters.clientId", '\\"{{parameters.clientId'):
        use = position_of(TEXT, needle, len(needle) - len("Id"))
        found = await rename_client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(uri), position=use)
        )
        assert found == [types.Location(params_path.as_uri(), span(params_text, "clientId"))]


@pytest.mark.asyncio
async def test_definition_and_references_of_a_temp_key(rename_client: LanguageClient, connection: Path) -> None:
    uri = open_document(rename_client, connection, TEXT)
    use = position_of(TEXT, "temp.jwt", len("temp.j"))
    found = await rename_client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=use)
    )
    assert found == [types.Location(uri, span(TEXT, '"jwt"', 1, 3))]
    refs = await rename_client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri), position=use, context=types.ReferenceContext(include_declaration=False)
        )
    )
    assert list(refs or []) == [types.Location(uri, span(TEXT, "temp.jwt", len("temp.")))]


@pytest.mark.asyncio
async def test_references_from_the_params_file_reach_the_communication_file(
    rename_client: LanguageClient, connection: Path
) -> None:
    params_path = connection.with_name("jwt-auth.params.iml.json")
    params_uri = open_document(rename_client, params_path)
    params_text = params_path.read_text(encoding="utf-8")
    refs = await rename_client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(params_uri),
            position=position_of(params_text, "clientId", 3),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    assert [(ref.uri, ref.range.start.line) for ref in refs] == [
        (connection.as_uri(), 1),
        (connection.as_uri(), 3),
        (connection.as_uri(), 3),
        (params_uri, 1),
    ]


@pytest.mark.asyncio
async def test_prepare_rename_then_rename_across_params_and_communication_files(
    rename_client: LanguageClient, connection: Path
) -> None:
    uri = open_document(rename_client, connection, TEXT)
    params_path = connection.with_name("jwt-auth.params.iml.json")
    use = position_of(TEXT, "😀/{{parameters.clientId", len("😀/{{parameters.c"))
    prepared = await rename_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=use)
    )
    assert prepared == types.PrepareRenamePlaceholder(
        span(TEXT, "😀/{{parameters.clientId", len("😀/{{parameters.")), "clientId"
    )
    edit = await rename_client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=use, new_name="appId")
    )
    assert edit is not None and edit.document_changes is not None and edit.changes is None
    changes = {
        change.text_document.uri: change
        for change in edit.document_changes
        if isinstance(change, types.TextDocumentEdit)
    }
    assert set(changes) == {uri, params_path.as_uri()}
    assert changes[uri].text_document.version == 1  # the open document's version
    assert changes[params_path.as_uri()].text_document.version is None  # read from disk
    renamed = apply(TEXT, [e for e in changes[uri].edits if isinstance(e, types.TextEdit)])
    assert renamed == TEXT.replace("parameters.clientId", "parameters.appId")
    params_text = params_path.read_text(encoding="utf-8")
    params_edits = [e for e in changes[params_path.as_uri()].edits if isinstance(e, types.TextEdit)]
    assert apply(params_text, params_edits) == params_text.replace('"clientId"', '"appId"')


@pytest.mark.asyncio
async def test_rename_from_the_params_file(rename_client: LanguageClient, connection: Path) -> None:
    open_document(rename_client, connection, TEXT)
    params_path = connection.with_name("jwt-auth.params.iml.json")
    params_uri = open_document(rename_client, params_path)
    params_text = params_path.read_text(encoding="utf-8")
    edit = await rename_client.text_document_rename_async(
        types.RenameParams(
            text_document=doc(params_uri), position=position_of(params_text, "clientSecret"), new_name="signingKey"
        )
    )
    assert edit is not None and edit.document_changes is not None
    edited = {
        change.text_document.uri: apply(
            TEXT if change.text_document.uri == connection.as_uri() else params_text,
            [e for e in change.edits if isinstance(e, types.TextEdit)],
        )
        for change in edit.document_changes
        if isinstance(change, types.TextDocumentEdit)
    }
    assert "jwt(temp.jwt, parameters.signingKey, 'HS512')" in edited[connection.as_uri()]
    assert '"name": "signingKey"' in edited[params_uri]


@pytest.mark.asyncio
@pytest.mark.parametrize("document_changes", [False])
async def test_clients_without_document_changes_get_a_changes_map(
    rename_client: LanguageClient, connection: Path, document_changes: bool
) -> None:
    uri = open_document(rename_client, connection, TEXT)
    edit = await rename_client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=position_of(TEXT, "temp.jwt", 6), new_name="claims")
    )
    assert edit is not None and edit.document_changes is None and edit.changes is not None
    assert apply(TEXT, list(edit.changes[uri])) == TEXT.replace('"jwt": {', '"claims": {').replace(
        "temp.jwt", "temp.claims"
    )


@pytest.mark.asyncio
async def test_rename_to_an_invalid_or_taken_name_is_refused_with_a_reason(
    rename_client: LanguageClient, connection: Path
) -> None:
    uri = open_document(rename_client, connection, TEXT)
    use = position_of(TEXT, "parameters.clientId", len("parameters.c"))
    with pytest.raises(Exception, match="`client id` is not a valid name"):
        await rename_client.text_document_rename_async(
            types.RenameParams(text_document=doc(uri), position=use, new_name="client id")
        )
    with pytest.raises(Exception, match="already exists"):
        await rename_client.text_document_rename_async(
            types.RenameParams(text_document=doc(uri), position=use, new_name="clientSecret")
        )


@pytest.mark.asyncio
async def test_nothing_to_rename_or_find_outside_names(rename_client: LanguageClient, connection: Path) -> None:
    uri = open_document(rename_client, connection, TEXT)
    elsewhere = position_of(TEXT, "https")
    prepared = await rename_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc(uri), position=elsewhere)
    )
    assert prepared is None
    found = await rename_client.text_document_definition_async(
        types.DefinitionParams(text_document=doc(uri), position=elsewhere)
    )
    assert found == []


@pytest.mark.asyncio
async def test_document_highlight_marks_each_use_in_utf16(rename_client: LanguageClient, connection: Path) -> None:
    uri = open_document(rename_client, connection)
    highlights = await rename_client.text_document_document_highlight_async(
        types.DocumentHighlightParams(doc(uri), position_of(TEXT, "parameters.clientId", len("parameters.cl")))
    )
    assert highlights is not None
    lines = TEXT.split("\n")
    covered = []
    for highlight in highlights:
        line = lines[highlight.range.start.line].encode("utf-16-le")
        covered.append(line[2 * highlight.range.start.character : 2 * highlight.range.end.character].decode("utf-16-le"))
        assert highlight.kind == types.DocumentHighlightKind.Read
    assert covered == ["clientId"] * 3  # after 😀 and 日本 on their lines: counted in UTF-16
    elsewhere = await rename_client.text_document_document_highlight_async(
        types.DocumentHighlightParams(doc(uri), position_of(TEXT, "https://"))
    )
    assert not elsewhere
