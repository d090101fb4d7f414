"""``repeat`` through the real server over stdio: one confirmation, then every repetition of the
request comes back as an exchange of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from tests.app_files import write_files
from tests.lsp.conftest import open_document
from tests.run.apps import store_tokens, write_app
from tests.run.fake_api import FakeApi
from tests.run.test_repeat import ACTION, job_server, poll
from tests.run.test_server import execute

pytestmark = pytest.mark.asyncio


async def test_a_polled_request_asks_once_and_shows_each_repetition(
    client: LanguageClient, tmp_path: Path, api: FakeApi
) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 10})})
    job_server(api, ["processing", "processing", "done"])
    uri = open_document(client, app / ACTION)
    asked = await execute(client, {"uri": uri})
    assert asked["confirm"]["host"] == f"127.0.0.1:{api.port}"
    assert api.received == []
    answer = await execute(client, {"uri": uri, "confirmedHosts": [asked["confirm"]["host"]]})
    result = answer["result"]
    assert [e["label"] for e in result["exchanges"]][1:4] == [
        "request 2 of 3",
        "request 2 of 3, repetition 2",
        "request 2 of 3, repetition 3",
    ]
    assert [s["value"] for e in result["exchanges"] for s in e["steps"] if s["directive"] == "repeat"] == [
        True,
        True,
        False,
    ]
    assert result["outputs"] == [{"pages": 12, "polls": 3}]
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 3
