"""End to end: the semantic tokens legend, and tokens placed exactly in UTF-16 and UTF-8."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.features.test_semantic_tokens import decode

from .conftest import SERVER, capabilities, open_document, position_of

TEXT = """{
    "url": "https://api.example.com/Zoë/😀/{{parameters.clientId}}",
    "temp": {"jwt": {"sub": "日本 😀 \\u00e9\\"{{lower(parameters.clientId)}}", "n": "{{1 + 2}}"}},
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}"}
}
"""


@pytest.fixture
def encodings() -> list[str]:
    """The position encodings the client offers (override for UTF-8)."""
    return ["utf-16"]


@pytest.fixture
def initialize_result() -> dict[str, types.InitializeResult]:
    return {}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def tokens_client(
    lsp_client: LanguageClient, encodings: list[str], initialize_result: dict[str, types.InitializeResult]
) -> AsyncIterator[LanguageClient]:
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    params = types.InitializeParams(capabilities=capabilities(encodings=encodings))
    initialize_result["result"] = await lsp_client.initialize_session(params)
    yield lsp_client
    await lsp_client.shutdown_session()


def legend(result: types.InitializeResult) -> list[str]:
    provider = result.capabilities.semantic_tokens_provider
    assert isinstance(provider, types.SemanticTokensOptions)
    return list(provider.legend.token_types)


async def tokens_of(client: LanguageClient, path: Path, names: list[str]) -> list[tuple[int, int, int, str]]:
    """(line, character, length, type) of every token the server sends for ``TEXT``."""
    uri = open_document(client, path, TEXT)
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None
    return decode(list(result.data), names)


@pytest.mark.asyncio
async def test_capabilities_declare_full_tokens_with_the_legend(
    tokens_client: LanguageClient, initialize_result: dict[str, types.InitializeResult]
) -> None:
    provider = initialize_result["result"].capabilities.semantic_tokens_provider
    assert isinstance(provider, types.SemanticTokensOptions)
    assert provider.full is True and provider.range is None
    assert legend(initialize_result["result"]) == [
        "function",
        "variable",
        "property",
        "string",
        "number",
        "operator",
        "keyword",
        "macro",
    ]
    assert list(provider.legend.token_modifiers) == []


@pytest.mark.asyncio
async def test_tokens_after_astral_characters_and_escapes_in_utf16(
    tokens_client: LanguageClient, connection_dir: Path, initialize_result: dict[str, types.InitializeResult]
) -> None:
    path = connection_dir / "jwt-auth.communication.iml.json"
    tokens = await tokens_of(tokens_client, path, legend(initialize_result["result"]))

    def at(needle: str, skip: int, length: int, kind: str) -> tuple[int, int, int, str]:
        position = position_of(TEXT, needle, skip)
        return (position.line, position.character, length, kind)

    assert at("😀/{{parameters", 2, 2, "macro") in tokens
    assert at("😀/{{parameters", 4, 10, "variable") in tokens
    assert at("😀/{{parameters.clientId", 15, 8, "property") in tokens
    assert at('\\"{{lower', 4, 5, "function") in tokens  # after \u00e9 and \" escapes
    assert at("1 + 2", 2, 1, "operator") in tokens
    assert at("jwt(temp", 0, 3, "function") in tokens
    assert at("'HS512'", 0, 7, "string") in tokens
    assert len(tokens) == 4 + 5 + 5 + 8  # per line: braces, names, operators, literals


@pytest.mark.asyncio
@pytest.mark.parametrize("encodings", [["utf-8"]])
async def test_tokens_count_bytes_when_utf8_was_negotiated(
    tokens_client: LanguageClient,
    connection_dir: Path,
    initialize_result: dict[str, types.InitializeResult],
    encodings: list[str],
) -> None:
    assert initialize_result["result"].capabilities.position_encoding == types.PositionEncodingKind.Utf8
    tokens = await tokens_of(
        tokens_client, connection_dir / "jwt-auth.communication.iml.json", legend(initialize_result["result"])
    )
    line = TEXT.split("\n")[1]
    column = len(line[: line.index("{{parameters")].encode("utf-8"))
    assert (1, column, 2, "macro") in tokens
    assert (1, column + 2, len("parameters"), "variable") in tokens
