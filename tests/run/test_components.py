"""Every component kind run against a real HTTP server on 127.0.0.1: what is sent, and what Make's
response pipeline makes of the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iml_ls.run.session import NeedsInput, RunResult
from tests.run.apps import (
    ACCESS_TOKEN,
    CLIENT_SECRET,
    CODE,
    PASSWORD,
    REFRESH_TOKEN,
    SECRET_API_KEY,
    STORE,
    store_tokens,
    write_app,
)
from tests.run.fake_api import Answer, FakeApi, Received
from tests.run.helpers import result_of, run

OAUTH = "connections/oauth2/oauth2.oauth-communication.iml.json"


@pytest.fixture
def app(tmp_path: Path, api: FakeApi) -> Path:
    return write_app(tmp_path / "app", api.url)


def test_an_api_key_connection_sends_the_key_and_stores_what_it_reads(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "ok", "account": "acme"}))
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    [received] = api.received
    assert received.query == {"api_key": [SECRET_API_KEY]}
    [exchange] = result["exchanges"]
    assert exchange["request"]["url"].endswith("/v2/ping?api_key=••••")
    assert [step["directive"] for step in exchange["steps"]] == ["valid", "data", "metadata"]
    assert result["failure"] is None
    assert result["stored"] == {"data": {"account": "acme"}, "metadata": {"value": "account acme", "type": "text"}}
    assert json.loads((app / STORE).read_text())["connections"]["api-key"]["data"] == {"account": "acme"}


def test_valid_false_fails_with_the_error_directive(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "denied"}))
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert result["failure"]["directive"] == "valid"
    assert result["failure"]["errorType"] == "InvalidConfigurationError"
    assert result["failure"]["message"] == "The API key was refused."
    assert result["failure"]["range"]["start"]["line"] > 0
    assert result["stored"] is None
    assert not (app / STORE).exists()


def test_a_basic_connection_sends_basic_credentials(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/whoami", Answer.of_json({"login": "ada", "id": 7}))
    result = result_of(app, "connections/basic-auth/basic-auth.communication.iml.json", api)
    import base64

    assert api.received[0].headers["authorization"] == "Basic " + base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
    assert result["exchanges"][0]["request"]["headers"] == [["authorization", "Basic ••••"]]
    assert result["stored"] == {"uid": 7, "metadata": {"value": "ada", "type": "text"}}


def test_oauth_token_needs_the_pasted_code_and_says_where_to_get_it(app: Path, api: FakeApi) -> None:
    answer = run(app, OAUTH, api)
    assert isinstance(answer, NeedsInput)
    assert answer.name == "code"
    assert answer.authorize_url == (
        f"{api.url}/oauth/authorize?client_id=acme-client&redirect_uri=https%3A%2F%2Fwww.make.com%2Foauth%2Fcb%2Fapp"
        "&response_type=code"
    )
    assert api.received == []


def test_oauth_token_exchange_then_info_and_the_stored_tokens(app: Path, api: FakeApi) -> None:
    def token(request: Received) -> Answer:
        form = request.form()
        if form.get("code") != CODE or form.get("client_secret") != CLIENT_SECRET:
            return Answer.of_json({"error": "invalid_grant"}, 400)
        return Answer.of_json({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "expires_in": 3600})

    api.answer("POST", "/oauth/token", token)
    api.answer(
        "GET",
        "/v2/me",
        lambda request: (
            Answer.of_json({"id": 42, "email": "ada@example.com"})
            if request.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"
            else Answer.of_json({}, 401)
        ),
    )
    result = result_of(app, OAUTH, api, code=CODE)
    assert [exchange["label"] for exchange in result["exchanges"]] == [
        "`authorize` stage",
        "`token` stage",
        "`info` stage",
    ]
    assert result["exchanges"][0]["steps"] == [
        {
            "directive": "temp",
            "value": {"code": "••••"},
            "range": result["exchanges"][0]["steps"][0]["range"],
            "file": None,  # in this file
        }
    ]
    assert [r.path for r in api.received] == ["/oauth/token", "/v2/me"]
    assert result["failure"] is None
    stored = result["stored"]
    assert stored["data"]["accessToken"] == "••••"
    assert stored["uid"] == 42
    assert stored["metadata"] == {"value": "ada@example.com", "type": "email"}
    kept = json.loads((app / STORE).read_text())["connections"]["oauth2"]
    assert kept["data"]["accessToken"] == ACCESS_TOKEN
    assert kept["data"]["refreshToken"] == REFRESH_TOKEN
    assert kept["uid"] == 42
    assert (app / ".iml-ls" / ".gitignore").read_text() == "*\n"


def test_refresh_reads_the_stored_refresh_token(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/oauth/token", Answer.of_json({"access_token": "at-fresh-000111222"}))
    result = result_of(app, OAUTH, api, stage="refresh")
    assert api.received[0].form()["refresh_token"] == REFRESH_TOKEN
    assert result["stored"] == {"data": {"accessToken": "••••"}}
    kept = json.loads((app / STORE).read_text())["connections"]["oauth2"]["data"]
    assert kept == {"accessToken": "at-fresh-000111222", "refreshToken": REFRESH_TOKEN}


def test_invalidate_revokes_the_stored_token(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/oauth/revoke", Answer(200))
    result = result_of(app, OAUTH, api, stage="invalidate")
    assert api.received[0].form() == {"token": ACCESS_TOKEN}
    assert result["exchanges"][0]["request"]["body"] == "token=••••"
    assert result["failure"] is None


def test_an_action_module_runs_with_the_data_the_connection_stored(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"contact": {"id": 9, "name": "Ada Lovelace"}}, 201))
    result = result_of(app, "modules/create-contact/create-contact.communication.iml.json", api)
    [received] = api.received
    assert received.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert received.headers["content-type"] == "application/json"
    assert received.json() == {"name": "Ada Lovelace", "tags": ["vip"]}
    assert result["outputs"] == [{"id": 9, "name": "Ada Lovelace"}]
    assert result["notes"] == []


CONTACT_PAGES = {
    "1": {"contacts": [{"id": 1, "name": "ada"}, {"id": 2, "name": "bob"}], "meta": {"has_more": True}},
    "2": {"contacts": [{"id": 3, "name": "cy"}, {"id": 4, "name": "di"}], "meta": {"has_more": True}},
    "3": {"contacts": [{"id": 5, "name": "eve"}], "meta": {"has_more": False}},
}


def contact_page(request: Received) -> Answer:
    return Answer.of_json(CONTACT_PAGES[request.query.get("page", ["1"])[0]])


def test_a_search_follows_pagination_across_three_pages(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("GET", "/v2/contacts", contact_page)
    result = result_of(app, "modules/search-contacts/search-contacts.communication.iml.json", api, pages=5)
    assert [r.query for r in api.received] == [
        {"per_page": ["2"]},
        {"per_page": ["2"], "page": ["2"]},
        {"per_page": ["2"], "page": ["3"]},
    ]
    assert [(e["label"], e["page"]) for e in result["exchanges"]] == [
        ("request", 1),
        ("request, page 2", 2),
        ("request, page 3", 3),
    ]
    assert result["outputs"] == [{"id": n, "name": name} for n, name in enumerate(["ADA", "BOB", "CY", "DI", "EVE"], 1)]
    assert [s["value"] for e in result["exchanges"] for s in e["steps"] if s["directive"] == "pagination"] == [
        True,
        True,
        False,
    ]


def test_a_search_stops_at_the_pages_asked_for(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("GET", "/v2/contacts", contact_page)
    result = result_of(app, "modules/search-contacts/search-contacts.communication.iml.json", api)
    assert len(api.received) == 1
    assert len(result["outputs"]) == 2
    assert result["notes"] == ["`pagination` asks for page 2: ask for more pages to follow it."]


def test_a_polling_trigger_remembers_its_newest_item(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    contacts = [
        {"id": 30, "created_at": "2026-11-30T10:00:00Z"},
        {"id": 20, "created_at": "2026-11-29T10:00:00Z"},
    ]
    api.answer("GET", "/v2/contacts", Answer.of_json({"contacts": contacts}))
    result = result_of(app, "modules/watch-contacts/watch-contacts.communication.iml.json", api)
    assert result["outputs"] == contacts
    [trigger] = [s["value"] for s in result["exchanges"][0]["steps"] if s["directive"] == "trigger"]
    assert trigger["type"] == "date" and trigger["order"] == "desc"
    assert trigger["newest"] == {"id": 30, "date": "2026-11-30T10:00:00Z"}
    assert result["stored"] == {"trigger": {"id": 30, "date": "2026-11-30T10:00:00Z"}}


def test_an_rpc_gives_its_options(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("GET", "/v2/fields", Answer.of_json({"fields": [{"label": "Name", "key": "name"}]}))
    result = result_of(app, "rpcs/list-fields/list-fields.communication.iml.json", api)
    assert result["outputs"] == [{"label": "Name", "value": "name"}]


def test_webhook_attach_stores_the_hook_and_detach_uses_then_forgets_it(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/v2/webhooks", Answer.of_json({"id": "hook-77"}))
    api.answer("DELETE", "/v2/webhooks/hook-77", Answer(204))
    attached = result_of(app, "webhooks/contact-events/contact-events.attach.iml.json", api)
    assert attached["stored"] == {"data": {"hookId": "hook-77"}}
    assert json.loads((app / STORE).read_text())["webhooks"]["contact-events"] == {"data": {"hookId": "hook-77"}}
    detached = result_of(app, "webhooks/contact-events/contact-events.detach.iml.json", api)
    assert detached["failure"] is None
    assert api.received[1].method == "DELETE" and api.received[1].path == "/v2/webhooks/hook-77"
    assert "contact-events" not in json.loads((app / STORE).read_text())["webhooks"]


def test_a_multipart_body_is_sent_as_form_data(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/v2/files", lambda request: Answer.of_json({"id": "f1", "size": len(request.body)}))
    result = result_of(app, "modules/upload-file/upload-file.communication.iml.json", api)
    [received] = api.received
    boundary = received.headers["content-type"].split("boundary=")[1]
    parts = received.body.decode().split(f"--{boundary}")
    assert 'Content-Disposition: form-data; name="title"\r\n\r\nnotes\r\n' in parts[1]
    assert 'name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nhello file\r\n' in parts[2]
    assert result["outputs"] == [{"id": "f1", "size": len(received.body)}]


def test_an_urlencoded_body_is_sent_as_a_form(app: Path, api: FakeApi) -> None:
    store_tokens(app)
    api.answer("POST", "/v2/subscriptions", Answer.of_json({"ok": True}))
    result = result_of(app, "modules/subscribe/subscribe.communication.iml.json", api)
    [received] = api.received
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert received.body == b"email=ada%40example.com&lists%5B0%5D=news&lists%5B1%5D=tips"
    assert result["outputs"] == [{"ok": True}]


@pytest.mark.parametrize(
    ("status", "error_type", "message"),
    [
        (404, "RuntimeError", "[404] no such contact"),
        (429, "RateLimitError", "Slow down."),
        (503, "ConnectionError", "[503] no such contact"),
    ],
)
def test_an_error_status_raises_the_error_base_describes(
    app: Path, api: FakeApi, status: int, error_type: str, message: str
) -> None:
    store_tokens(app)
    api.answer("POST", "/v2/contacts", Answer.of_json({"error": {"message": "no such contact"}}, status))
    result = result_of(app, "modules/create-contact/create-contact.communication.iml.json", api)
    assert result["failure"]["directive"] == "error"
    assert result["failure"]["errorType"] == error_type
    assert result["failure"]["message"] == message
    assert result["failure"]["range"] is None  # base's `error`, in another file, which it names
    assert Path(result["failure"]["file"]).relative_to(app) == Path("general/base.iml.json")
    assert result["outputs"] == []


def test_a_status_without_an_error_directive_names_the_status(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/ping", Answer(502, b"bad gateway"))
    (app / "connections/api-key/api-key.communication.iml.json").write_text(
        json.dumps({"url": f"{api.url}/v2/ping"}), encoding="utf-8"
    )
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert result["failure"] == {
        "directive": "status",
        "errorType": "ConnectionError",
        "message": "The server answered 502.",
        "range": None,
        "file": None,
    }
    assert result["exchanges"][0]["response"]["body"] == "bad gateway"


def test_no_response_is_a_connection_error(app: Path, api: FakeApi) -> None:
    from iml_ls.run.exchange import SendError, SentRequest

    def refuse(request: SentRequest) -> object:
        raise SendError("No response: ConnectionRefusedError: [Errno 111] Connection refused")

    from iml_ls.analysis import Workspace
    from iml_ls.run.session import Run, RunOptions

    workspace = Workspace()
    analysis = workspace.analysis(str(app / "connections/api-key/api-key.communication.iml.json"))
    assert analysis is not None
    options = RunOptions(confirmed_hosts=frozenset({f"127.0.0.1:{api.port}"}))
    answer = Run(workspace, analysis, options, sender=refuse).run()  # type: ignore[arg-type]
    assert isinstance(answer, RunResult)
    assert answer.failure is not None
    assert (answer.failure.directive, answer.failure.error_type) == ("url", "ConnectionError")
    assert answer.as_json()["result"]["failure"]["range"]["start"]["line"] == 1  # links to the request's `url`
