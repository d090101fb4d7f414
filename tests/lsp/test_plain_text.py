"""Diagnostic messages, quick-fix titles and parameter notes are plain text in every client: no Markdown
backticks, though the checks write their messages with code spans (the docs and hovers render them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_document, position_of

TEXT = """{
    "temp": {"jwt": {"iss": "{{parameters.clientId}}"}},
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS1')}}"}
}
"""


@pytest.mark.asyncio
async def test_messages_titles_and_parameter_notes_have_no_backticks(
    client: LanguageClient, connection_dir: Path
) -> None:
    uri = open_document(client, connection_dir / "jwt-auth.communication.iml.json", TEXT)
    diagnostics = await diagnostics_for(client, uri)
    missing_exp = next(d for d in diagnostics if d.code == "IML302")
    assert "exp" in missing_exp.message and "`" not in missing_exp.message
    assert all("`" not in d.message for d in diagnostics)
    invalid = next(d for d in diagnostics if d.code == "IML301")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=invalid.range,
            context=types.CodeActionContext(diagnostics=[invalid]),
        )
    )
    titles = [action.title for action in actions or []]
    assert titles and all("`" not in title for title in titles), titles
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(TEXT, "'HS1'", 1)
        )
    )
    assert help_ is not None
    notes = [str(parameter.documentation) for parameter in help_.signatures[0].parameters or []]
    assert notes and all("`" not in note for note in notes), notes
