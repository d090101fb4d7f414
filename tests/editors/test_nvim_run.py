"""Sending requests from real headless Neovim (0.7.2 and 0.11) to a real HTTP server on 127.0.0.1 started by
the test: the host confirmation (cancel sends nothing), the authorization code of an OAuth 2 token stage,
the Run result float (output bundles, what the connection stores, the failing directive and <CR> to it),
the "Send request" and "Run on recorded response" lenses, and :ImlReplayResponse."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.editors import acme_api
from tests.editors.neovim import BINARIES, on_screen, run_harness
from tests.run import acme
from tests.run.fake_api import running_api

APIKEY = "connections/api-key/api-key.communication.iml.json"
OAUTH = "connections/oauth2/oauth2.oauth-communication.iml.json"
MODULE = "modules/search-contacts/search-contacts.communication.iml.json"


@pytest.fixture(scope="module", params=sorted(BINARIES))
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the harness saw in one Neovim version, what the server received, and the app it ran in."""
    version = request.param
    tmp_path = tmp_path_factory.mktemp(f"nvim-run-{version}")
    with running_api() as api:
        acme_api.serve(api)
        app = acme_api.copy_app(tmp_path / "make-app", api.url)
        files = {"IML_APIKEY": APIKEY, "IML_OAUTH": OAUTH, "IML_MODULE": MODULE}
        variables = {name: str(app / path) for name, path in files.items()} | {"IML_CODE": acme.CODE}
        seen = run_harness(version, "run_harness.lua", tmp_path, variables)
    return {"seen": seen, "api": api, "app": app, "host": api.url.removeprefix("http://")}


def text(lines: list[str]) -> str:
    return "\n".join(lines)


def shown(seen: dict[str, Any]) -> str:
    """Everything the floats, the questions and the messages showed the user."""
    parts = [text(seen[name]) for name in ("apiKey", "token", "info", "module", "replayLens", "replay")]
    parts += [json.dumps(seen["confirms"]), json.dumps(seen["inputs"]), json.dumps(seen["notifications"])]
    return "\n".join(parts)


def test_the_first_send_to_a_host_asks_and_cancel_sends_nothing(run: dict[str, Any]) -> None:
    seen, api = run["seen"], run["api"]
    assert seen["cancelled"] == "iml-ls: cancelled: nothing was sent"
    assert seen["confirmsWhenCancelled"] == 1
    first = seen["confirms"][0]
    assert first["choices"] == "&Send\n&Cancel" and first["default"] == 2  # Enter cancels
    assert f"Send this request to {run['host']}?" in first["message"]
    assert "parameters.apiKey" in first["message"]
    assert sum(request.path == "/v2/ping" for request in api.received) == 1  # the cancelled one never reached the server
    # once confirmed, the host is not asked about again in this session
    assert [confirm["message"] for confirm in seen["confirms"]][1:] == [first["message"]]


def test_a_failing_directive_is_named_and_enter_goes_to_it(run: dict[str, Any]) -> None:
    lines = run["seen"]["apiKey"]
    float_text = text(lines)
    assert lines[0].startswith("Run result of api-key.communication.iml.json")
    assert "Secrets: masked as ••••" in lines
    assert f"GET http://{run['host']}/v2/ping?api_key=••••" in lines
    assert any(line.startswith("→ 200 (") for line in lines) and '"status": "locked"' in float_text
    failure = lines.index("Make would fail: InvalidConfigurationError")
    assert "This API key is locked: ask your Acme admin." in lines[failure + 1]
    assert "decided by" in lines[failure + 2] and "valid" in lines[failure + 2]
    jumped = run["seen"]["jumped"]
    assert jumped["window"] is True and '"valid"' in jumped["text"], jumped
    source = (run["app"] / APIKEY).read_text(encoding="utf-8").splitlines()
    assert '"valid"' in source[jumped["line"] - 1]


def test_the_token_stage_asks_for_the_code_and_stores_the_token_the_info_stage_sends(run: dict[str, Any]) -> None:
    seen, api = run["seen"], run["api"]
    [prompt] = seen["inputs"]
    assert f"Authorize at http://{run['host']}/oauth2/authorize" in prompt and prompt.endswith("Authorization code: ")
    [token_request] = [request for request in api.received if request.path == "/oauth2/token"]
    assert token_request.form()["code"] == acme.CODE
    token = text(seen["token"])
    assert "What the connection would store:" in token and "accessToken" in token
    assert "What the connection would store:" in text(seen["info"]) and '"uid":4711' in text(seen["info"])
    me = [request.headers["authorization"] for request in api.received if request.path == "/v2/me"]
    assert me and set(me) == {f"Bearer {acme.ACCESS_TOKEN}"}  # the token the token stage stored
    stored = run["app"] / ".iml-ls"
    assert (stored / "connection-data.json").exists() and (stored / ".gitignore").read_text().strip() == "*"


def test_the_send_request_lens_follows_three_pages_and_shows_the_output_bundles(run: dict[str, Any]) -> None:
    seen, api = run["seen"], run["api"]
    assert seen["moduleLenses"] == ["Preview request", "Send request"]
    lines = seen["module"]
    assert f"Output bundles ({len(acme.CONTACTS)}):" in lines
    bundles = [json.loads(line.split(". ", 1)[1]) for line in lines if re.match(r"  \d+\. \{", line)]
    assert [bundle["name"] for bundle in bundles] == [contact["name"] for contact in acme.CONTACTS]
    assert bundles[0] == {"id": 101, "name": "Ada Lovelace", "email": "ada@example.com", "created": "2023-11-14T09:00:00Z"}
    assert [request.query.get("page") for request in api.received if request.path == "/v2/contacts"] == [
        None,
        ["2"],
        ["3"],
    ]
    assert sum(line.startswith("── ") for line in lines) == 3
    assert "authorization: Bearer ••••" in lines
    assert all(request.headers["authorization"] == f"Bearer {acme.ACCESS_TOKEN}" for request in api.received if request.path == "/v2/contacts")


def test_the_recorded_response_is_replayed_by_its_lens_and_the_command_without_sending(run: dict[str, Any]) -> None:
    seen, api, app = run["seen"], run["api"], run["app"]
    recording = app / MODULE.replace(".iml.json", ".response.json")
    assert recording.exists()
    assert "*.response.json" in (recording.parent / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "Run on recorded response" in seen["lensesAfterSend"]
    for replayed in (seen["replayLens"], seen["replay"]):
        assert any(line.startswith("Replayed from ") and line.endswith(": nothing was sent") for line in replayed), replayed
        assert f"Output bundles ({len(acme.CONTACTS)}):" in replayed
    assert sum(request.path == "/v2/contacts" for request in api.received) == 3  # the replays sent nothing


def test_no_secret_is_shown_and_no_error(run: dict[str, Any]) -> None:
    everything = shown(run["seen"])
    for secret in (*acme_api.SECRETS, "acme-client-secret-placeholder"):  # common.json's clientSecret
        assert secret not in everything
    assert run["seen"]["errmsg"] == ""
    assert [note for note in run["seen"]["notifications"] if note["level"] == 4] == []  # vim.log.levels.ERROR



@pytest.mark.parametrize("version", sorted(BINARIES))
def test_the_code_and_the_confirmation_on_a_real_screen(version: str, tmp_path: Path) -> None:
    """Neovim's own confirm() and input() in a terminal (tmux), as a user answers them: ``s`` for Send, the
    code typed, then the float; the screens are kept as the test's artefacts."""
    with running_api() as api:
        acme_api.serve(api)
        app = acme_api.copy_app(tmp_path / "make-app", api.url)
        with on_screen(version, tmp_path, app / OAUTH) as screen:
            opened = screen.until("Send request", "opened")
            screen.keys('/"token"', "Enter", ":ImlSendRequest token", "Enter")
            question = screen.until("(S)end, [C]ancel:", "confirmation")  # Enter would cancel
            screen.keys("s")
            prompt = screen.until("Authorization code:", "code")  # tmux drops the trailing space
            screen.keys(acme.CODE, "Enter")
            result = screen.until("What the connection would store:", "result")
    host = api.url.removeprefix("http://")
    assert "Send request" in opened, opened
    assert f"Authorize at {api.url}/oauth2/authorize?" in prompt, prompt
    assert f"Send this request to {host}?" in question and "common.clientSecret" in question, question
    assert "Run result of oauth2.oauth-communication.iml.json" in result and '"accessToken":"••••"' in result, result
    assert not any(secret in screen for screen in (prompt, question, result) for secret in acme_api.SECRETS)
    [token] = [request for request in api.received if request.path == "/oauth2/token"]
    assert token.form()["code"] == acme.CODE
