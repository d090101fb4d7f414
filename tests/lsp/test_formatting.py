"""End to end: Format Document and Format Selection through the real server, positions in UTF-16."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import open_document, position_of

pytestmark = pytest.mark.asyncio

TEXT = (
    '{"url":"https://api.example.com/😀/contacts",\n'
    '"headers":{"x-name":"Zoë 😀",   "authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, \'HS512\')}}"},\n'
    '  "response" :{"output":  "{{body}}"}}\n'
)
FORMATTED = (
    "{\n"
    '  "url": "https://api.example.com/😀/contacts",\n'
    '  "headers": {"x-name": "Zoë 😀", "authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, \'HS512\')}}"},\n'
    '  "response": {"output": "{{body}}"}\n'
    "}\n"
)


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The text with LSP edits applied, their positions read in UTF-16 code units."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        units = lines[position.line].encode("utf-16-le")[: 2 * position.character]
        return before + len(units.decode("utf-16-le"))

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def format_document(client: LanguageClient, uri: str, tab_size: int = 2) -> list[types.TextEdit]:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri), options=types.FormattingOptions(tab_size, True)
        )
    )
    return list(edits or [])


async def test_format_document_changes_only_whitespace(client: LanguageClient, connection_dir: Path) -> None:
    assert client.capabilities is not None
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    edits = await format_document(client, uri)
    assert applied(TEXT, edits) == FORMATTED
    assert all(edit.new_text.strip() == "" for edit in edits)
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", FORMATTED, version=2)
    assert await format_document(client, uri) == []


async def test_format_selection(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    start, end = position_of(TEXT, '"response"'), position_of(TEXT, '"}}\n', 2)  # up to the object's own brace
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(start, end),
            options=types.FormattingOptions(2, True),
        )
    )
    assert applied(TEXT, list(edits or [])) == TEXT.replace('"response" :{"output":  "{{body}}"}', '"response": {"output": "{{body}}"}')


async def test_a_file_with_a_syntax_error_is_not_formatted(client: LanguageClient, connection_dir: Path) -> None:
    broken = '{"url": "/a"\n"method":   "GET"}'
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", broken)
    assert await format_document(client, uri) == []
