"""End to end: the document outline of a communication file and of a params file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import open_document, position_of

TEXT = """{
    "url": "https://api.example.com/😀",
    "temp": {"jwt": {"sub": "Zoë 😀 日本"}, "options": {"keyid": "k1"}},
    "headers": {"x-emoji": "😀😀", "authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}"},
    "response": {"temp": {"expires": "{{body.expires_in}}"}, "output": {"token": "{{body.token}}"}}
}
"""


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def outline(symbol: types.DocumentSymbol) -> object:
    """(name, kind) for a leaf, (name, kind, [children]) for a parent."""
    if symbol.children:
        return (symbol.name, symbol.kind, [outline(child) for child in symbol.children])
    return (symbol.name, symbol.kind)


def contains(outer: types.Range, inner: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return (position.line, position.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)


def assert_nested(symbols: list[types.DocumentSymbol]) -> None:
    for symbol in symbols:
        assert contains(symbol.range, symbol.selection_range)
        for child in symbol.children or []:
            assert contains(symbol.range, child.range)
        assert_nested(list(symbol.children or []))


@pytest.mark.asyncio
async def test_outline_of_a_communication_file(client: LanguageClient, connection_dir: Path) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    assert symbols is not None
    assert all(isinstance(symbol, types.DocumentSymbol) for symbol in symbols)
    tree = [symbol for symbol in symbols if isinstance(symbol, types.DocumentSymbol)]
    kind = types.SymbolKind
    assert [outline(symbol) for symbol in tree] == [
        (
            "request",
            kind.Module,
            [
                ("url", kind.Namespace),
                ("temp", kind.Namespace, [("jwt", kind.Field), ("options", kind.Field)]),
                ("headers", kind.Namespace, [("x-emoji", kind.Field), ("authorization", kind.Field)]),
                ("jwt(HS512)", kind.Function),
                (
                    "response",
                    kind.Namespace,
                    [("temp", kind.Field, [("expires", kind.Field)]), ("output", kind.Field, [("token", kind.Field)])],
                ),
            ],
        )
    ]
    assert_nested(tree)
    call = next(child for child in tree[0].children or [] if child.kind == kind.Function)
    start = position_of(TEXT, "jwt(temp.jwt")  # after two astral characters on the line
    assert call.selection_range == types.Range(start, position_of(TEXT, "jwt(temp.jwt", 3))
    assert call.range.end == position_of(TEXT, "temp.options)", len("temp.options)"))
    assert call.detail == "signs temp.jwt"


@pytest.mark.asyncio
async def test_outline_of_a_params_file(client: LanguageClient, connection_dir: Path) -> None:
    path = connection_dir / "jwt-auth.params.iml.json"
    uri = open_document(client, path)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(uri)))
    assert symbols is not None
    tree = [symbol for symbol in symbols if isinstance(symbol, types.DocumentSymbol)]
    assert [(s.name, s.kind, s.detail) for s in tree] == [
        ("clientId", types.SymbolKind.Variable, "text, required"),
        ("clientSecret", types.SymbolKind.Variable, "password, required"),
    ]
    text = path.read_text(encoding="utf-8")
    assert tree[0].selection_range == types.Range(
        position_of(text, '"clientId"'), position_of(text, '"clientId"', len('"clientId"'))
    )


@pytest.mark.asyncio
async def test_folding_ranges(client: LanguageClient, connection_dir: Path) -> None:
    text = '// the token\n// request\n{\n    "url": "https://api.example.com",\n    "headers": {\n        "a": "b"\n    }\n}\n'
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", text)
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(doc(uri)))
    assert [(f.start_line, f.end_line, f.kind) for f in folds or []] == [
        (0, 1, types.FoldingRangeKind.Comment),
        (2, 6, types.FoldingRangeKind.Region),
        (4, 5, types.FoldingRangeKind.Region),
    ]
