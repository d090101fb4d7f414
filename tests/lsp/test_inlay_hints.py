"""End to end: inlay hints after the time claims and timespan options of a jwt() call, in the requested range."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import open_document, position_of

TEXT = """{
    "temp": {
        "jwt": {"sub": "Zoë 😀 日本", "iat": "{{timestamp}}", "exp": "{{timestamp + 3600}}"},
        "options": {"notBefore": "😀" , "expiresIn2": 1, "audience": "api"},
        "opts": {"notBefore": 120}
    },
    "headers": {
        "authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}",
        "x-other": "{{jwt(temp.jwt, parameters.clientSecret, 'HS256', temp.opts)}}"
    }
}
"""
UTC = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"


async def hints_in(
    client: LanguageClient, uri: str, start: types.Position, end: types.Position
) -> list[types.InlayHint]:
    found = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start, end))
    )
    return list(found or [])


@pytest.mark.asyncio
async def test_hints_after_time_claims_and_options(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    hints = await hints_in(client, uri, types.Position(0, 0), types.Position(99, 0))
    assert [hint.position for hint in hints] == [
        position_of(TEXT, '"{{timestamp}}"', len('"{{timestamp}}"')),  # after astral characters
        position_of(TEXT, '"{{timestamp + 3600}}"', len('"{{timestamp + 3600}}"')),
        position_of(TEXT, '"notBefore": 120', len('"notBefore": 120')),
    ]
    labels = [hint.label for hint in hints]
    assert isinstance(labels[0], str) and re.fullmatch(r"iat → " + MINUTE + r" \(now\)", labels[0])
    assert isinstance(labels[1], str) and re.fullmatch(r"exp → " + MINUTE + r" \(in 1 h\)", labels[1])
    assert isinstance(labels[2], str) and re.fullmatch(r"nbf → " + MINUTE + r" \(in 2 min\)", labels[2])
    assert all(hint.padding_left for hint in hints)
    assert isinstance(hints[1].tooltip, str) and re.fullmatch(UTC + r" \(in 1 h\)", hints[1].tooltip)
    assert isinstance(hints[2].tooltip, str)
    assert re.fullmatch(r"jsonwebtoken adds nbf = iat \+ 120 s: " + UTC + r" \(in 2 min\)", hints[2].tooltip)


@pytest.mark.asyncio
async def test_only_hints_in_the_requested_range(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    exp = position_of(TEXT, '"{{timestamp + 3600}}"')
    hints = await hints_in(client, uri, exp, types.Position(exp.line + 1, 0))
    assert [str(hint.label).split(" (")[-1] for hint in hints] == ["in 1 h)"]
    assert await hints_in(client, uri, types.Position(6, 0), types.Position(99, 0)) == []


@pytest.mark.asyncio
async def test_a_params_file_has_no_hints(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.params.iml.json")
    assert await hints_in(client, uri, types.Position(0, 0), types.Position(99, 0)) == []
