"""A real HTTP server on 127.0.0.1 for run tests (a thread of the test): answers by route, records
every request it received."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of_json(value: object, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
        return Answer(status, json.dumps(value).encode(), (("content-type", "application/json"), *headers))


Handler = Callable[[Received], Answer]


@dataclass
class FakeApi:
    """Routes ``(method, path)`` to answers; ``received`` lists what came, in order."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, method: str, path: str, answer: Answer | Handler) -> None:
        self.routes[(method, path)] = answer if callable(answer) else (lambda _request, fixed=answer: fixed)

    def handle(self, request: Received) -> Answer:
        self.received.append(request)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return Answer.of_json({"error": {"message": f"no route {request.method} {request.path}"}}, 404)
        return handler(request)


def _handler_class(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            received = Received(
                self.command,
                parts.path,
                urllib.parse.parse_qs(parts.query, keep_blank_values=True),
                {name.lower(): value for name, value in self.headers.items()},
                body,
            )
            answer = api.handle(received)
            self.send_response_only(answer.status)  # no Server or Date header: answers are reproducible
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout test) leaves a broken pipe: not worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def serving(api: FakeApi, port: int = 0) -> QuietServer:
    return QuietServer(("127.0.0.1", port), _handler_class(api))


@contextmanager
def running_api() -> Iterator[FakeApi]:
    api = FakeApi()
    server = serving(api)
    api.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
