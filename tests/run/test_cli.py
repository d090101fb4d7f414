"""``iml-ls run`` as a subprocess: it refuses to send without a terminal or ``--yes``, and prints the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.run.apps import ACCESS_TOKEN, CLIENT_SECRET, CODE, REFRESH_TOKEN, store_tokens, write_app
from tests.run.fake_api import Answer, FakeApi
from tests.run.test_components import CONTACT_PAGES, contact_page

OAUTH = "connections/oauth2/oauth2.oauth-communication.iml.json"
SEARCH = "modules/search-contacts/search-contacts.communication.iml.json"


def iml_ls(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iml_ls", *map(str, args)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_without_a_terminal_or_yes_nothing_is_sent(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    done = iml_ls("run", app / SEARCH)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"not sent: Send the request to 127.0.0.1:{api.port}? It carries connection.accessToken." in done.stderr
    assert "--yes" in done.stderr
    assert api.received == []


def test_a_search_in_json_with_three_pages(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("GET", "/v2/contacts", contact_page)
    done = iml_ls("run", app / SEARCH, "--yes", "--pages", "3", "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["result"]
    assert len(result["exchanges"]) == 3
    assert len(result["outputs"]) == sum(len(page["contacts"]) for page in CONTACT_PAGES.values())
    assert ACCESS_TOKEN not in done.stdout


def test_the_oauth_chain_in_text(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    api.answer(
        "POST",
        "/oauth/token",
        Answer.of_json({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "expires_in": 60}),
    )
    api.answer("GET", "/v2/me", Answer.of_json({"id": 5, "email": "ada@example.com"}))
    needs = iml_ls("run", app / OAUTH, "--yes")
    assert needs.returncode == 2
    assert "the `token` stage needs the authorization code (--code CODE)" in needs.stderr
    done = iml_ls("run", app / OAUTH, "--yes", "--code", CODE)
    assert done.returncode == 0, done.stderr
    assert "── `token` stage ──" in done.stdout and "── `info` stage ──" in done.stdout
    assert '"access_token": "••••"' in done.stdout
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, CODE, CLIENT_SECRET):
        assert secret not in done.stdout + done.stderr
    revealed = iml_ls("run", app / OAUTH, "--yes", "--stage", "info", "--reveal-secrets")
    assert f"authorization: Bearer {ACCESS_TOKEN}" in revealed.stdout


def test_a_failure_exits_1(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "no"}))
    done = iml_ls("run", app / "connections/api-key/api-key.communication.iml.json", "--yes")
    assert done.returncode == 1
    assert "Failed at `valid` (line 7): InvalidConfigurationError: The API key was refused." in done.stdout


def test_a_failure_decided_by_base_names_base(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"error": {"message": "no such contact"}}, 404))
    done = iml_ls("run", app / "modules/create-contact/create-contact.communication.iml.json", "--yes")
    assert done.returncode == 1
    assert "Failed at `error` (in base.iml.json): RuntimeError: [404] no such contact" in done.stdout


def test_at_runs_up_to_the_request_on_that_line(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    module = app / "modules/create-contact/create-contact.communication.iml.json"
    module.write_text('[\n    {"url": "/one"},\n    {"url": "/two"},\n    {"url": "/three"}\n]\n', encoding="utf-8")
    api.answer("GET", "/v2/one", Answer.of_json({"n": 1}))
    api.answer("GET", "/v2/two", Answer.of_json({"n": 2}))
    done = iml_ls("run", module, "--yes", "--at", "3", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [r.path for r in api.received] == ["/v2/one", "/v2/two"]
    assert json.loads(done.stdout)["result"]["outputs"] == [{"n": 2}]
