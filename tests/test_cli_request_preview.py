"""``iml-ls preview`` for any component file: the request formats, masking, and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .app_files import write_files

ROOT = Path(__file__).parent.parent
SECRET = "sk-cli-secret-31337"


def preview(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iml_ls", "preview", *args, "--now", "1700000000"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def module(tmp_path: Path) -> Path:
    """A module of an app without a manifest, whose single connection holds an API key."""
    files = {
        "general/base.iml.json": {"baseUrl": "https://api.acme.example/v2", "headers": {"x-key": "{{connection.apiKey}}"}},
        "connections/acme/acme.params.iml.json": [{"name": "apiKey", "type": "password"}],
        "connections/acme/acme.communication.iml.json": {"url": "https://api.acme.example/v2/me"},
        "connections/acme/acme.samples.json": {"parameters": {"apiKey": SECRET}},
        "modules/add/add.communication.iml.json": {"url": "/items", "method": "PUT", "body": {"n": 1}},
    }  # fmt: skip
    return write_files(tmp_path, files) / "modules/add/add.communication.iml.json"


def test_curl_and_http_formats_print_only_the_request(module: Path) -> None:
    curl = preview(str(module), "--format", "curl")
    assert curl.returncode == 0, curl.stderr
    assert curl.stdout == (
        "curl --request PUT https://api.acme.example/v2/items \\\n"
        "  --header 'x-key: ••••' \\\n"
        "  --header 'content-type: application/json' \\\n"
        """  --data-raw '{"n":1}'\n"""
    )
    http = subprocess.run(
        [sys.executable, "-m", "iml_ls", "preview", str(module), "--format", "http"], capture_output=True, timeout=120
    )
    assert http.stdout.decode() == (
        "PUT /v2/items HTTP/1.1\r\nHost: api.acme.example\r\nx-key: ••••\r\ncontent-type: application/json\r\n\r\n"
        '{"n":1}'
    )


def test_secrets_are_masked_in_every_format_unless_revealed(module: Path) -> None:
    for arguments in ([], ["--request"], ["--request", "--format", "json"], ["--format", "curl"]):
        result = preview(str(module), *arguments)
        assert result.returncode == 0 and "••••" in result.stdout and SECRET not in result.stdout, arguments
    revealed = preview(str(module), "--request", "--format", "json", "--reveal-secrets")
    output = json.loads(revealed.stdout)
    assert output["secrets"] == "revealed" and output["requests"][0]["headers"][0] == ["x-key", SECRET]


def test_text_shows_tokens_then_requests_and_json_keeps_the_token_shape() -> None:
    connection = "examples/make-app/connections/jwt-auth/jwt-auth.communication.iml.json"
    samples = "examples/make-app/connections/jwt-auth/jwt-auth.samples.json"
    text = preview(connection, "--samples", samples)
    assert text.returncode == 0
    tokens, requests = text.stdout.split("Requests of jwt-auth.communication.iml.json", 1)
    assert "jwt() #1 at line 20, column 36" in tokens
    assert "authorization: Bearer ••••" in requests and "curl https://api.acme-crm.example/v2/me" in requests
    output = json.loads(preview(connection, "--samples", samples, "--format", "json").stdout)
    assert set(output) == {"now", "samples", "requests", "tokens", "placeholders", "errors", "notes"}


def test_an_expression_make_would_fail_on_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "modules" / "m" / "m.communication.iml.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"url": "https://x.example/{{nosuchfunction()}}"}', encoding="utf-8")
    result = preview(str(path), "--request")
    assert result.returncode == 1
    assert "error at line 1: IML has no function `nosuchfunction`." in result.stdout


def test_a_file_without_requests_says_so(tmp_path: Path) -> None:
    path = tmp_path / "webhooks" / "hook" / "hook.communication.iml.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"output": "{{body}}"}', encoding="utf-8")
    result = preview(str(path), "--format", "curl")
    assert (result.returncode, result.stdout) == (0, "")
    assert "holds no request" in result.stderr
