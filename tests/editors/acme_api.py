"""A stand-in for the Acme CRM API of ``examples/make-app`` on 127.0.0.1, for the editor tests that send
requests for real (Neovim here, VS Code in code-server through ``python3 acme_api.py``).

``copy_app`` copies the example app with every Acme URL pointing at the server. The server answers
what the example's components send: the API-key ping (which refuses the key, so ``response.valid``
decides a failure), three pages of contacts, a contact that cannot be created (4xx, base's
``response.error``), the OAuth 2 token exchange for the code ``CODE`` and ``/v2/me`` for the token it
gives. Each request it received is kept (and, from the command line, written as a JSON line to a log),
secrets in the clear: it is the test's view of what was really sent.

Standard library only: the VS Code end-to-end runs it with the user's ``python3``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

EXAMPLE_APP = Path(__file__).resolve().parents[2] / "examples" / "make-app"
ACME_ORIGINS = ("https://api.acme-crm.example", "https://auth.acme-crm.example", "https://{{parameters.region}}.acme-crm.example")
CODE = "code-from-the-redirect"
"""The only authorization code the token endpoint accepts."""
ACCESS_TOKEN = "at-1f2e3d"
"""The token it gives for ``CODE``; ``/v2/me`` and the contacts need it."""
PAGES = 3
SAMPLES = {
    "_comment": "Made-up values for the editor tests against the local Acme CRM stand-in.",
    "demo": True,
    "parameters": {"apiKey": "key-for-the-test", "region": "eu", "query": "ada", "field": "name", "limit": 10},
    "common": {"clientId": "acme-client-42", "clientSecret": "client-secret-for-the-test"},
    "data": {"accessToken": ACCESS_TOKEN},
}
"""``iml-ls.samples.json`` of the copied app: every component's sample values."""


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: str

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "query": self.query, "headers": self.headers, "body": self.body}


@dataclass
class AcmeApi:
    """The running server: its origin (``http://127.0.0.1:PORT``) and what it received, in order."""

    origin: str
    received: list[Received] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [f"{request.method} {request.path}" for request in self.received]


Answer = tuple[int, dict[str, str], bytes]


def _json(status: int, value: object) -> Answer:
    return status, {"content-type": "application/json"}, json.dumps(value).encode()


def _contacts(page: int) -> Answer:
    contacts = [
        {"id": page * 10 + number, "name": f"Contact {page}.{number}", "email": f"c{page}{number}@example.com", "created_at": f"2026-11-0{page}T10:0{number}:00Z"}
        for number in (1, 2)
    ]
    return _json(200, {"contacts": contacts, "meta": {"page": page, "has_more": page < PAGES}})


def answer(request: Received) -> Answer:
    """What Acme CRM answers: by method and path, checking the credentials a real API would."""
    bearer = request.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"
    route = f"{request.method} {request.path}"
    if route == "GET /v2/ping":
        return _json(200, {"status": "locked", "error": "This API key is locked: ask your Acme admin.", "account": "A-7"})
    if route == "GET /v2/contacts":
        if not bearer:
            return _json(401, {"error": {"message": "missing or wrong access token"}})
        return _contacts(int(request.query.get("page", ["1"])[0]))
    if route == "POST /v2/contacts":
        return _json(422, {"error": {"message": "email is not an email address"}})
    if route == "GET /v2/contact-fields":
        return _json(200, {"fields": [{"label": "Name", "key": "name"}, {"label": "Email", "key": "email"}]})
    if route == "POST /oauth2/token":
        form = parse_qs(request.body)
        if form.get("grant_type") != ["authorization_code"] or form.get("code") != [CODE]:
            return _json(400, {"error": "invalid_grant", "error_description": "The authorization code is wrong."})
        return _json(200, {"access_token": ACCESS_TOKEN, "refresh_token": "rt-9a8b", "expires_in": 3600, "token_type": "Bearer"})
    if route == "GET /v2/me":
        if not bearer:
            return _json(401, {"error": {"message": "missing or wrong access token"}})
        return _json(200, {"id": "u-42", "email": "ada@example.com"})
    return _json(404, {"error": {"message": f"no route {route}"}})


def _handler(api: AcmeApi, on_request: Callable[[Received], None]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            request = Received(self.command, url.path, parse_qs(url.query), {k.lower(): v for k, v in self.headers.items()}, body)
            api.received.append(request)
            on_request(request)
            status, headers, content = answer(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads ``received``."""

    return Handler


@contextmanager
def running(on_request: Callable[[Received], None] = lambda _: None) -> Iterator[AcmeApi]:
    """The server on a free port of 127.0.0.1, for as long as the ``with`` block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    api = AcmeApi(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(api, on_request)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_app(destination: Path, origin: str) -> Path:
    """``examples/make-app`` at ``destination`` with every Acme URL at ``origin``, and its samples file."""
    shutil.copytree(EXAMPLE_APP, destination)
    for path in destination.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        for acme in ACME_ORIGINS:
            text = text.replace(acme, origin)
        path.write_text(text, encoding="utf-8")
    (destination / "iml-ls.samples.json").write_text(json.dumps(SAMPLES, indent=4) + "\n", encoding="utf-8")
    return destination


def main() -> None:
    """``python3 acme_api.py --copy-app DEST --log FILE``: copies the app, prints the origin, serves until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copy-app", type=Path, help="where to copy the example app, its URLs pointing here")
    parser.add_argument("--log", type=Path, required=True, help="one JSON line per request received")
    options = parser.parse_args()
    log = options.log.open("a", encoding="utf-8")

    def write(request: Received) -> None:
        log.write(json.dumps(request.to_json()) + "\n")
        log.flush()

    with running(write) as api:
        if options.copy_app:
            copy_app(options.copy_app, api.origin)
        print(api.origin, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
