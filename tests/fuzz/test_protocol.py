"""Protocol-level fuzzing of the real server process: random edits with requests interleaved, malformed
frames, wrong parameter shapes, positions past the end, unknown URIs, and a client that disconnects.
After each sequence the server still answers, and its diagnostics equal a fresh server's for the same text."""

from __future__ import annotations

import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from iml_ls.text.line_index import LineIndex, PositionEncoding
from tests.security.leaks import SECRET, assert_no_secret

from .strategies import EXAMPLE_TEXTS

SEQUENCES = int(os.environ.get("IML_FUZZ_SEQUENCES", "3"))
EDITS = int(os.environ.get("IML_FUZZ_EDITS", "60"))
FRAGMENTS = [
    "{{",
    "}}",
    "jwt(",
    "temp.",
    "parameters.",
    "'HS",
    '"',
    "\\",
    ",",
    "}",
    "]",
    "\n",
    "😀",
    "é",
    "\u2028",
    " + 1",
]
REQUESTS = [
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/signatureHelp",
    "textDocument/definition",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/codeLens",
    "textDocument/inlayHint",
    "textDocument/codeAction",
]


class RawClient:
    """A minimal LSP client over the server's stdio that records every message it receives."""

    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        """What the server wrote to stderr (its log lines)."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "iml_ls", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.responses: dict[int, dict[str, Any]] = {}
        self.published: dict[str, dict[str, Any]] = {}
        self.received: list[dict[str, Any]] = []
        """Every message from the server, in order."""
        self.sent_at: dict[int, float] = {}
        self.answered_in: dict[int, float] = {}
        """For each request, the seconds from sending it to reading its answer."""
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            self._read_frames()
        except (OSError, ValueError, KeyError):  # the process went away mid-frame
            return

    def _read_frames(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = json.loads(stream.read(int(headers["content-length"])))
            self.received.append(body)
            if body.get("method") == "textDocument/publishDiagnostics":
                self.published[body["params"]["uri"]] = body["params"]
            elif body.get("method") in ("workspace/configuration", "client/registerCapability"):
                self.send(
                    {
                        "jsonrpc": "2.0",
                        "id": body["id"],
                        "result": [None] if "configuration" in body["method"] else None,
                    }
                )
            elif "id" in body and "method" not in body:
                if body["id"] in self.sent_at:
                    self.answered_in[body["id"]] = time.monotonic() - self.sent_at[body["id"]]
                self.responses[body["id"]] = body

    def raw(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        self.raw(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.sent_at[self.next_id] = time.monotonic()
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, request_id: int, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while request_id not in self.responses:
            assert self.process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, f"no answer to request {request_id}"
            time.sleep(0.01)
        return self.responses[request_id]

    def start(self) -> None:
        self.wait(
            self.request("initialize", {"processId": None, "capabilities": {"workspace": {"configuration": True}}})
        )
        self.notify("initialized", {})

    def diagnostics_for(self, uri: str, version: int, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while self.published.get(uri, {}).get("version") != version:
            assert time.monotonic() < deadline, f"no diagnostics for version {version}"
            time.sleep(0.01)
        items: list[dict[str, Any]] = self.published[uri]["diagnostics"]
        return items

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


def position(text: str, offset: int) -> dict[str, int]:
    point = LineIndex(text).position(offset, PositionEncoding.UTF16)
    return {"line": point.line, "character": point.character}


def malformed(client: RawClient, rng: random.Random, uri: str) -> list[int]:
    """Send one kind of garbage; return the ids of requests that must still be answered."""
    kind = rng.randrange(6)
    if kind == 0:
        client.raw(b"Content-Length: abc\r\n\r\n")
    elif kind == 1:
        client.raw(b"Content-Length: 9\r\n\r\n{not json")
    elif kind == 2:
        return [client.request("iml/noSuchMethod", {})]
    elif kind == 3:
        return [client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "x"}})]
    elif kind == 4:
        return [
            client.request(
                "textDocument/completion",
                {"textDocument": {"uri": "file:///nowhere.iml.json"}, "position": {"line": 0, "character": 0}},
            )
        ]
    else:
        return [
            client.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 99999, "character": 99999}}
            )
        ]
    return []


ANSWER_BOUND = 5.0
"""Seconds a request may take to be answered here: the server answers within 0.8 s (with
ContentModified when the file is still being checked); the rest is slack for a loaded CI machine."""


def fuzz_sequence(seed: int, folder: Path) -> None:
    rng = random.Random(seed)
    text = rng.choice(EXAMPLE_TEXTS)
    uri = (folder / f"f{seed}.communication.iml.json").as_uri()
    samples = {"parameters": {"clientId": "acme", "clientSecret": SECRET, "privateKey": SECRET, "apiKey": SECRET}}
    (folder / f"f{seed}.samples.json").write_text(json.dumps(samples), encoding="utf-8")
    client = RawClient()
    pending: list[int] = []
    try:
        client.start()
        client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}
        )
        version = 1
        for _ in range(EDITS):
            start = rng.randrange(len(text) + 1)
            end = min(len(text), start + rng.randrange(0, 12))
            inserted = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randrange(0, 3)))
            change = {"range": {"start": position(text, start), "end": position(text, end)}, "text": inserted}
            text = text[:start] + inserted + text[end:]
            version += 1
            client.notify(
                "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
            )
            if rng.random() < 0.5:
                offset = rng.randrange(len(text) + 1)
                here = {"textDocument": {"uri": uri}, "position": position(text, offset)}
                method = rng.choice(REQUESTS)
                if method in (
                    "textDocument/documentSymbol",
                    "textDocument/semanticTokens/full",
                    "textDocument/codeLens",
                ):
                    params: dict[str, Any] = {"textDocument": {"uri": uri}}
                elif method in ("textDocument/inlayHint", "textDocument/codeAction"):
                    params = {
                        "textDocument": {"uri": uri},
                        "range": {"start": here["position"], "end": here["position"]},
                        "context": {"diagnostics": []},
                    }
                else:
                    params = here
                pending.append(client.request(method, params))
            if rng.random() < 0.1:
                pending += malformed(client, rng, uri)
        final = client.diagnostics_for(uri, version)
        for request_id in pending:
            answer = client.wait(request_id)
            assert "result" in answer or "error" in answer
            if "error" in answer:
                assert "Traceback" not in json.dumps(answer["error"])
            assert client.answered_in[request_id] < ANSWER_BOUND, f"request {request_id} waited"
        assert_no_secret(*client.received, client.stderr())
        fresh = RawClient()
        try:
            fresh.start()
            fresh.notify(
                "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 7, "text": text}}
            )
            assert fresh.diagnostics_for(uri, 7) == final
        finally:
            fresh.close()
    finally:
        client.close()


def test_random_edit_sequences_match_a_fresh_server(tmp_path: Path) -> None:
    for seed in range(SEQUENCES):
        fuzz_sequence(seed, tmp_path)


def test_a_client_that_disconnects_mid_request_lets_the_server_exit(tmp_path: Path) -> None:
    client = RawClient()
    client.start()
    client.request("workspace/executeCommand", {"command": "iml.checkWorkspace", "arguments": []})
    assert client.process.stdin is not None
    client.process.stdin.close()
    client.process.wait(timeout=20)
