"""The language server answers every request while a hostile file is being checked, drops versions
that newer edits supersede, reads no device, keeps LSP's lifecycle, and serves one TCP client only."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.test_protocol import RawClient

from .conftest import App

SLOW = "{{replace('" + "a" * 40 + "!', '/(a|a)*$/', 'z')}}"
"""An expression that backtracks until its evaluation budget runs out."""
SLOW_FILE = json.dumps(
    [{"url": f"https://api.example.com/v{n}", "headers": {"h": SLOW}, "method": "GET"} for n in range(8)], indent=2
)
"""A connection whose checks evaluate for the whole budget of an analysis (each request's checks
stop at their own budget; together they spend the analysis's, seconds)."""


def opened(client: RawClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": version, "text": text}}
    )
    return uri


def index_of(client: RawClient, predicate: Any) -> int:
    return next(n for n, message in enumerate(client.received) if predicate(message))


@pytest.fixture
def client() -> Any:
    started = RawClient()
    started.start()
    yield started
    started.close()


@pytest.mark.timeout(120)
def test_a_request_is_answered_while_a_file_is_being_checked(app: App, client: RawClient) -> None:
    uri = opened(client, app.connection, SLOW_FILE)
    request = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    client.wait(request)
    client.diagnostics_for(uri, 1, timeout=60)
    answered = index_of(client, lambda message: message.get("id") == request and "method" not in message)
    published = index_of(client, lambda message: message.get("method") == "textDocument/publishDiagnostics")
    assert answered < published  # it did not wait for the check (which takes the analysis's whole budget)


@pytest.mark.timeout(120)
def test_versions_superseded_by_newer_edits_are_not_checked(app: App, client: RawClient) -> None:
    uri = opened(client, app.connection, SLOW_FILE)
    text = SLOW_FILE
    for version in range(2, 22):
        position = text.index("/v0") + 3
        line = text[:position].count("\n")
        character = position - text.rfind("\n", 0, position) - 1
        point = {"line": line, "character": character}
        change = {"range": {"start": point, "end": point}, "text": "x"}
        text = text[:position] + "x" + text[position:]
        client.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
        )
    client.diagnostics_for(uri, 21, timeout=90)
    published = [m for m in client.received if m.get("method") == "textDocument/publishDiagnostics"]
    assert len(published) <= 3, [m["params"]["version"] for m in published]


@pytest.mark.timeout(60)
def test_a_samples_file_linked_to_stdin_is_not_read(app: App, client: RawClient) -> None:
    (app.folder / "c.samples.json").unlink()
    (app.folder / "c.samples.json").symlink_to("/dev/stdin")
    uri = opened(client, app.connection, json.dumps({"url": "https://api.example.com/{{parameters.clientId}}"}))
    assert client.diagnostics_for(uri, 1) == []
    answer = client.wait(client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}))
    assert "result" in answer


def test_a_reversed_edit_range_is_applied_as_the_range_it_spans(app: App, client: RawClient) -> None:
    text = '{"url": "https://api.example.com", "method": "GET"}'
    uri = opened(client, app.connection, text)
    assert client.diagnostics_for(uri, 1) == []
    start, end = text.index("GET"), text.index("GET") + 3
    reversed_range = {"start": {"line": 0, "character": end}, "end": {"line": 0, "character": start}}
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": reversed_range, "text": "POST"}]},
    )
    assert client.diagnostics_for(uri, 2) == []  # "POST", not "GETPOSTGET" (an invalid method)


def test_the_lifecycle() -> None:
    client = RawClient()
    try:
        early = client.wait(client.request("textDocument/documentSymbol", {"textDocument": {"uri": "file:///x.json"}}))
        assert early["error"]["code"] == -32002
        client.start()
        client.wait(client.request("shutdown", None))
        hover = {"textDocument": {"uri": "file:///x.json"}, "position": {"line": 0, "character": 0}}
        late = client.wait(client.request("textDocument/hover", hover), timeout=10)
        assert late["error"]["code"] == -32600
        client.notify("exit", None)
        assert client.process.wait(timeout=20) == 0
    finally:
        client.close()


def test_exit_without_shutdown_is_status_1() -> None:
    client = RawClient()
    try:
        client.start()
        client.notify("exit", None)
        assert client.process.wait(timeout=20) == 1
    finally:
        client.close()


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def test_tcp_serves_one_client_and_refuses_the_next() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "iml_ls", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                first = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                time.sleep(0.1)
        with first:
            first.sendall(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}))
            assert b'"serverInfo"' in first.recv(65536)
            with socket.create_connection(("127.0.0.1", port), timeout=30) as second:
                second.sendall(
                    frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
                )
                try:
                    answer = second.recv(65536)
                except ConnectionResetError:
                    answer = b""
                assert answer == b""  # closed without an answer
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.timeout(120)
def test_a_pull_client_is_asked_to_pull_again_while_a_file_is_being_checked(app: App) -> None:
    client = RawClient()
    try:
        capabilities = {"textDocument": {"diagnostic": {}}, "workspace": {"configuration": True}}
        client.wait(client.request("initialize", {"processId": None, "capabilities": capabilities}))
        client.notify("initialized", {})
        uri = opened(client, app.connection, SLOW_FILE)
        pull = {"textDocument": {"uri": uri}}
        first = client.wait(client.request("textDocument/diagnostic", pull))
        assert first["error"]["code"] == -32802 and first["error"]["data"] == {"retriggerRequest": True}
        for _ in range(100):
            answer = client.wait(client.request("textDocument/diagnostic", pull))
            if "result" in answer:
                break
        assert [item["code"] for item in answer["result"]["items"]][:1] == ["IML502"]
    finally:
        client.close()


def test_a_logged_traceback_holds_no_exception_message() -> None:
    from iml_ls.lsp.server import stack_trace

    from .leaks import SECRET, assert_no_secret

    try:
        raise KeyError(SECRET)
    except KeyError:
        logged = stack_trace()
    assert logged.endswith("KeyError") and "test_a_logged_traceback" in logged
    assert_no_secret(logged)


@pytest.mark.timeout(120)
def test_a_cancellation_gets_through_while_a_file_is_being_checked(app: App, client: RawClient) -> None:
    uri = opened(client, app.connection, SLOW_FILE)
    request = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    client.notify("$/cancelRequest", {"id": request})
    answer = client.wait(request)
    client.diagnostics_for(uri, 1, timeout=60)
    assert answer["error"]["code"] == -32800
    answered = index_of(client, lambda message: message.get("id") == request and "method" not in message)
    published = index_of(client, lambda message: message.get("method") == "textDocument/publishDiagnostics")
    assert answered < published
