"""A local stand-in for the Acme CRM API of ``examples/make-app``, and a copy of that app pointed at it:
what docs/features/run.md runs, and what its test runs again."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.run.fake_api import Answer, FakeApi, Received

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "make-app"
HOSTS = ("https://api.acme-crm.example", "https://auth.acme-crm.example")
CODE = "SplxlOBeZQQYbYS6WxSbIA"
"""The authorization code the session pastes."""
ACCESS_TOKEN = "eyJhY2Nlc3MiOiJkZW1vIn0.acme-access-7f3a9c"
REFRESH_TOKEN = "acme-refresh-2b8e41d0"
CONTACTS = [
    {"id": 101, "name": "Ada Lovelace", "email": "ada@example.com", "created_at": "2023-11-14T09:00:00Z"},
    {"id": 102, "name": "Alan Turing", "email": "alan@example.com", "created_at": "2023-11-13T09:00:00Z"},
    {"id": 103, "name": "Grace Hopper", "email": "grace@example.com", "created_at": "2023-11-12T09:00:00Z"},
    {"id": 104, "name": "Edsger Dijkstra", "email": "edsger@example.com", "created_at": "2023-11-11T09:00:00Z"},
    {"id": 105, "name": "Barbara Liskov", "email": "barbara@example.com", "created_at": "2023-11-10T09:00:00Z"},
]
PER_PAGE = 2


def copy_app(folder: Path, server: str) -> Path:
    """``examples/make-app`` copied into ``folder`` with every Acme URL on ``server``, without the
    ``handle`` keys (they call the app's own JavaScript function ``slugify``, which iml-ls never runs),
    and with sample values for the search module."""
    app = folder / "make-app"
    shutil.copytree(EXAMPLE, app)
    for path in app.rglob("*.iml.json"):
        text = path.read_text(encoding="utf-8")
        for host in HOSTS:
            text = text.replace(host, server)
        lines = [line for line in text.split("\n") if '"handle": "{{slugify(' not in line]
        path.write_text("\n".join(lines), encoding="utf-8")
    (folder / "search.samples.json").write_text(
        '{"parameters": {"query": "a", "field": "name", "limit": 10}}\n', encoding="utf-8"
    )
    return app


def _token(request: Received) -> Answer:
    form = request.form()
    if form.get("code") != CODE or form.get("client_secret") != "acme-client-secret-placeholder":
        return Answer.of_json({"error": "invalid_grant"}, 400)
    return Answer.of_json({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "expires_in": 3600})


def _authorized(answer: Answer) -> object:
    def handle(request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return Answer.of_json({"error": {"message": "Invalid access token."}}, 401)
        return answer

    return handle


def _contacts(request: Received) -> Answer:
    if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
        return Answer.of_json({"error": {"message": "Invalid access token."}}, 401)
    page = int(request.query.get("page", ["1"])[0])
    found = [c for c in CONTACTS if request.query.get("q", [""])[0].lower() in c["name"].lower()]
    items = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    return Answer.of_json({"contacts": items, "meta": {"has_more": page * PER_PAGE < len(found)}})


def serve_acme(api: FakeApi) -> None:
    """The routes the session uses: the token exchange, the account, the contacts; creating a contact
    answers 429 (too many requests)."""
    api.answer("POST", "/oauth2/token", _token)
    api.answer("GET", "/v2/me", _authorized(Answer.of_json({"id": 4711, "email": "owner@acme.example"})))  # type: ignore[arg-type]
    api.answer("GET", "/v2/contacts", _contacts)
    api.answer(
        "POST",
        "/v2/contacts",
        _authorized(Answer.of_json({"error": {"message": "rate limit"}}, 429, (("retry-after", "30"),))),  # type: ignore[arg-type]
    )
