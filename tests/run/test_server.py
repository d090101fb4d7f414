"""``iml.runRequest`` and the ``Send request`` lenses through the real server over stdio."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp.conftest import (
    SERVER,
    capabilities,
    open_document,
)
from tests.run.apps import ACCESS_TOKEN, CODE, REFRESH_TOKEN, store_tokens, write_app
from tests.run.fake_api import Answer, FakeApi, Received

pytestmark = pytest.mark.asyncio
OAUTH = "connections/oauth2/oauth2.oauth-communication.iml.json"
ACTION = "modules/create-contact/create-contact.communication.iml.json"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def refreshing_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client that can be asked for its code lenses again (``workspace/codeLens/refresh``), counting the asks."""
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(lambda params: None)
    lsp_client.lens_refreshes = 0  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def count_refresh(params: None) -> None:
        lsp_client.lens_refreshes += 1  # type: ignore[attr-defined]

    offered = capabilities()
    assert offered.workspace is not None
    offered.workspace.code_lens = types.CodeLensWorkspaceClientCapabilities(refresh_support=True)
    await lsp_client.initialize_session(types.InitializeParams(capabilities=offered))
    yield lsp_client
    await lsp_client.shutdown_session()


async def execute(client: LanguageClient, argument: dict[str, object]) -> dict[str, object]:
    answer = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="iml.runRequest", arguments=[argument])
    )
    assert isinstance(answer, dict)
    return answer


async def test_send_request_lenses_carry_the_run_arguments(
    client: LanguageClient, tmp_path: Path, api: FakeApi
) -> None:
    app = write_app(tmp_path / "app", api.url)
    uri = open_document(client, app / OAUTH)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))
    )
    sends = [lens.command for lens in lenses if lens.command is not None and lens.command.title == "Send request"]
    assert [c.command for c in sends] == ["iml.runRequest"] * 4
    stages = [c.arguments[0]["stage"] for c in sends]
    assert stages == ["token", "info", "refresh", "invalidate"]  # not authorize: the browser opens it
    assert all(set(c.arguments[0]) == {"uri", "position", "stage"} and c.arguments[0]["uri"] == uri for c in sends)
    uri = open_document(client, app / ACTION)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))
    )
    [send] = [lens.command for lens in lenses if lens.command is not None and lens.command.title == "Send request"]
    assert list(send.arguments) == [{"uri": uri, "position": {"line": 0, "character": 0}}]


async def test_nothing_is_sent_before_the_host_is_confirmed(
    client: LanguageClient, tmp_path: Path, api: FakeApi
) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"contact": {"id": 1}}))
    uri = open_document(client, app / ACTION)
    asked = await execute(client, {"uri": uri, "position": {"line": 0, "character": 0}})
    host = f"127.0.0.1:{api.port}"
    assert asked == {
        "confirm": {
            "host": host,
            "secrets": ["connection.accessToken"],
            "message": f"Send the request to {host}? It carries connection.accessToken. "
            "Nothing is sent to a host until you confirm it.",
        }
    }
    assert api.received == []
    answer = await execute(client, {"uri": uri, "confirmedHosts": [host]})
    assert answer["result"]["outputs"] == [{"id": 1}]
    assert len(api.received) == 1
    again = await execute(client, {"uri": uri})  # confirmed for the rest of this session
    assert "result" in again
    assert ACCESS_TOKEN not in str(answer) and ACCESS_TOKEN not in str(again)


async def test_the_oauth_chain_asks_for_the_code(client: LanguageClient, tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    api.answer(
        "POST",
        "/oauth/token",
        Answer.of_json({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "expires_in": 60}),
    )
    api.answer("GET", "/v2/me", Answer.of_json({"id": 5, "email": "ada@example.com"}))
    uri = open_document(client, app / OAUTH)
    host = f"127.0.0.1:{api.port}"
    needs = await execute(client, {"uri": uri, "stage": "token", "confirmedHosts": [host]})
    assert needs["needsInput"]["name"] == "code"
    assert needs["needsInput"]["authorizeUrl"].startswith(f"{api.url}/oauth/authorize?client_id=acme-client")
    answer = await execute(client, {"uri": uri, "stage": "token", "code": CODE})
    result = answer["result"]
    assert result["stage"] == "token"
    assert result["stored"]["uid"] == 5
    assert result["exchanges"][1]["response"]["status"] == 200
    assert result["exchanges"][1]["request"]["body"].startswith("grant_type=authorization_code&code=••••&")
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, CODE):
        assert secret not in str(answer)


async def test_other_requests_are_answered_while_a_send_waits(
    client: LanguageClient, tmp_path: Path, api: FakeApi
) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    arrived, release = threading.Event(), threading.Event()

    def slow(request: Received) -> Answer:
        arrived.set()
        release.wait(60)
        return Answer.of_json({"contact": {"id": 2}})

    api.answer("POST", "/v2/contacts", slow)
    uri = open_document(client, app / ACTION)
    host = f"127.0.0.1:{api.port}"
    sending = asyncio.ensure_future(execute(client, {"uri": uri, "confirmedHosts": [host]}))
    await asyncio.to_thread(arrived.wait, 60)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert lenses  # answered while the server waits for the network
    assert not sending.done()
    release.set()
    answer = await sending
    assert answer["result"]["outputs"] == [{"id": 2}]


async def test_bad_arguments_are_refused(client: LanguageClient, tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    uri = open_document(client, app / ACTION)
    for argument in ({"uri": uri, "pages": 0}, {"uri": uri, "confirmedHosts": "x"}, {"position": {}}):
        with pytest.raises(Exception, match=r"iml\.runRequest"):
            await execute(client, argument)
    assert api.received == []


async def lens_titles(client: LanguageClient, uri: str) -> list[str]:
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))
    )
    return [lens.command.title for lens in lenses if lens.command is not None]


async def test_a_recorded_run_asks_the_client_for_its_lenses_again(
    refreshing_client: LanguageClient, tmp_path: Path, api: FakeApi
) -> None:
    client = refreshing_client
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"contact": {"id": 3}}))
    uri = open_document(client, app / ACTION)
    assert "Run on recorded response" not in await lens_titles(client, uri)
    host = f"127.0.0.1:{api.port}"
    await execute(client, {"uri": uri, "confirmedHosts": [host]})
    assert client.lens_refreshes == 0  # type: ignore[attr-defined]  # nothing was saved: the lenses are the same
    await execute(client, {"uri": uri, "record": True})
    await asyncio.sleep(0)
    for _ in range(100):  # the ask is a request of its own, sent as the run answers
        if client.lens_refreshes:  # type: ignore[attr-defined]
            break
        await asyncio.sleep(0.05)
    assert client.lens_refreshes == 1  # type: ignore[attr-defined]
    assert "Run on recorded response" in await lens_titles(client, uri)


async def test_a_client_that_cannot_be_asked_is_not(client: LanguageClient, tmp_path: Path, api: FakeApi) -> None:
    asked: list[None] = []

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def count_refresh(params: None) -> None:  # answers, though it did not offer it
        asked.append(params)

    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"contact": {"id": 4}}))
    uri = open_document(client, app / ACTION)
    host = f"127.0.0.1:{api.port}"
    answer = await execute(client, {"uri": uri, "confirmedHosts": [host], "record": True})
    assert answer["result"]["recordedTo"]
    assert "Run on recorded response" in await lens_titles(client, uri)  # it asks again itself
    assert asked == []
