"""The real server over stdio: a recording saved on disk, or edited in the editor, re-checks the module
beside it, and hover shows the recorded value."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from ..app_files import write_files
from ..lsp.conftest import (
    open_document,
    position_of,
)

MODULE = "modules/list/list.communication.iml.json"
RECORDING = "modules/list/list.communication.response.json"
TEXT = json.dumps(
    {
        "url": "https://api.example.com/contacts",
        "response": {"iterate": "{{body.contacts}}", "output": {"id": "{{item.id}}", "created": "{{item.created_at}}"}},
    },
    indent=4,
)


def recording(contact: dict[str, object]) -> str:
    return json.dumps({"exchanges": [{"label": "request", "response": {"json": {"contacts": [contact]}}}]})


async def codes_become(client: LanguageClient, uri: str, wanted: list[str]) -> None:
    """Wait until the diagnostics published for ``uri`` have exactly the codes ``wanted``."""

    async def poll() -> None:
        while sorted(str(d.code) for d in client.diagnostics.get(uri, [None]) if d is not None) != wanted:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), 20)


@pytest.mark.asyncio
async def test_a_recording_saved_on_disk_and_edited_in_the_editor_rechecks_the_module(
    client: LanguageClient, tmp_path: Path
) -> None:
    manifest = {"fileVersion": 1, "components": {"module": {"list": {"moduleType": "search"}}}}
    write_files(tmp_path, {"makecomapp.json": manifest, MODULE: TEXT})
    uri = open_document(client, tmp_path / MODULE, TEXT)
    await codes_become(client, uri, [])

    saved = tmp_path / RECORDING
    saved.write_text(recording({"id": 1, "createdAt": "2026-11-30"}), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(saved.as_uri(), types.FileChangeType.Created)])
    )
    await codes_become(client, uri, ["IML208"])
    shown = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(TEXT, "item.id", 6))
    )
    assert shown is not None and isinstance(shown.contents, types.MarkupContent)
    assert "Recorded value" in shown.contents.value and "```\n1\n```" in shown.contents.value

    open_document(client, saved, recording({"id": 1, "created_at": "2026-11-30"}))
    await codes_become(client, uri, [])
