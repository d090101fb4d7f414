"""``iml-ls serve --tcp HOST:PORT`` answers LSP over a socket."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def read_frame(connection: socket.socket) -> dict[str, object]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    header, rest = data.split(b"\r\n\r\n", 1)
    fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n"))
    length = int(fields[b"Content-Length"])
    while len(rest) < length:
        rest += connection.recv(4096)
    message: dict[str, object] = json.loads(rest[:length])
    return message


def test_tcp_initialize_and_shutdown() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "iml_ls", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not listen"
                time.sleep(0.1)
        with connection:
            connection.sendall(
                frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
            )
            answer = read_frame(connection)
            result = answer["result"]
            assert isinstance(result, dict)
            assert result["serverInfo"]["name"] == "iml-ls"
            assert "completionProvider" in result["capabilities"]
            connection.sendall(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            assert read_frame(connection)["id"] == 2
            connection.sendall(frame({"jsonrpc": "2.0", "method": "exit"}))
    finally:
        server.terminate()
        server.wait(timeout=10)
