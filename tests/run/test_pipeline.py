"""The response pipeline's directives one by one, and ``temp`` carried from one response to the next
request, against the test's server."""

from __future__ import annotations

from pathlib import Path

import pytest

from iml_ls.run.session import RunResult
from tests.app_files import write_files
from tests.run.apps import connected_app
from tests.run.fake_api import Answer, FakeApi
from tests.run.helpers import result_of, run

MODULE = "modules/create-contact/create-contact.communication.iml.json"
EPOCH = "modules/watch-contacts/watch-contacts.epoch.iml.json"


@pytest.fixture
def app(tmp_path: Path, api: FakeApi) -> Path:
    return connected_app(tmp_path / "app", api.url)


def module(app: Path, requests: object) -> None:
    write_files(app, {MODULE: requests})


def test_response_temp_of_one_request_is_sent_by_the_next(app: Path, api: FakeApi) -> None:
    module(
        app,
        [
            {
                "url": "/lookup",
                "qs": {"email": "ada@example.com"},
                "response": {"temp": {"contact": {"id": "{{body.id}}"}}},
            },
            {"url": "/contacts/{{temp.contact.id}}/notes", "temp": {"page": 1}, "response": {"output": "{{body}}"}},
        ],
    )
    api.answer("GET", "/v2/lookup", Answer.of_json({"id": "c-77"}))
    api.answer("GET", "/v2/contacts/c-77/notes", Answer.of_json({"notes": ["hi"]}))
    result = result_of(app, MODULE, api)
    assert [r.path for r in api.received] == ["/v2/lookup", "/v2/contacts/c-77/notes"]
    assert [e["label"] for e in result["exchanges"]] == ["request 1 of 2", "request 2 of 2"]
    assert result["outputs"] == [{"notes": ["hi"]}]


def test_the_request_at_a_position_runs_with_the_requests_before_it(app: Path, api: FakeApi) -> None:
    text = (
        '[\n    {"url": "/one", "response": {"temp": {"n": "{{body.n}}"}}},\n'
        '    {"url": "/two/{{temp.n}}"},\n    {"url": "/three"}\n]\n'
    )
    module(app, text)
    api.answer("GET", "/v2/one", Answer.of_json({"n": 2}))
    api.answer("GET", "/v2/two/2", Answer.of_json({"ok": True}))
    result = result_of(app, MODULE, api, at=text.index('{"url": "/two'))
    assert [r.path for r in api.received] == ["/v2/one", "/v2/two/2"]
    assert result["outputs"] == [{"ok": True}]  # the last request's bundles


def test_iterate_with_a_condition_then_wrapper(app: Path, api: FakeApi) -> None:
    module(
        app,
        {
            "url": "/contacts",
            "response": {
                "iterate": {"container": "{{body.items}}", "condition": "{{item.active}}"},
                "output": "{{item.name}}",
                "wrapper": {"names": "{{output}}", "count": "{{length(output)}}"},
            },
        },
    )
    items = [{"name": "a", "active": True}, {"name": "b", "active": False}, {"name": "c", "active": True}]
    api.answer("GET", "/v2/contacts", Answer.of_json({"items": items}))
    result = result_of(app, MODULE, api)
    assert result["outputs"] == [{"names": ["a", "c"], "count": 2}]
    assert [s["directive"] for s in result["exchanges"][0]["steps"]] == ["iterate", "output", "wrapper"]


def test_response_type_by_status(app: Path, api: FakeApi) -> None:
    module(app, {"url": "/ping", "response": {"type": {"200": "text", "*": "json"}, "output": "{{body}}"}})
    api.answer("GET", "/v2/ping", Answer(200, b'{"looks": "like json"}', (("content-type", "application/json"),)))
    assert result_of(app, MODULE, api)["outputs"] == ['{"looks": "like json"}']


def test_a_urlencoded_response_is_read_as_fields(app: Path, api: FakeApi) -> None:
    module(app, {"url": "/token", "response": {"output": "{{body.access}}"}})
    api.answer(
        "GET",
        "/v2/token",
        Answer(200, b"access=yes&scope=read", (("content-type", "application/x-www-form-urlencoded"),)),
    )
    assert result_of(app, MODULE, api)["outputs"] == ["yes"]


def test_limit_zero_is_an_invalid_configuration(app: Path, api: FakeApi) -> None:
    write_files(
        app,
        {
            "modules/search-contacts/search-contacts.communication.iml.json": {
                "url": "/contacts",
                "response": {"iterate": "{{body}}", "limit": 0},
            }
        },
    )
    api.answer("GET", "/v2/contacts", Answer.of_json([1, 2]))
    failure = result_of(app, "modules/search-contacts/search-contacts.communication.iml.json", api)["failure"]
    assert (failure["directive"], failure["errorType"]) == ("limit", "InvalidConfigurationError")


def test_an_expression_make_would_fail_on_stops_before_sending(app: Path, api: FakeApi) -> None:
    module(app, {"url": "/contacts/{{parseJSON('{')}}"})
    result = result_of(app, MODULE, api)
    assert result["failure"]["directive"] == "request"
    assert "not valid JSON" in result["failure"]["message"]
    assert api.received == []


def test_an_epoch_lists_where_to_start(app: Path, api: FakeApi) -> None:
    write_files(
        app,
        {
            EPOCH: {
                "url": "/contacts",
                "response": {
                    "iterate": "{{body.contacts}}",
                    "output": {"label": "{{item.name}}", "date": "{{item.created_at}}"},
                },
            }
        },
    )
    manifest = (app / "makecomapp.json").read_text()
    (app / "makecomapp.json").write_text(
        manifest.replace(
            '"watch-contacts.communication.iml.json"',
            '"watch-contacts.communication.iml.json", "epoch": "modules/watch-contacts/watch-contacts.epoch.iml.json"',
        )
    )
    api.answer("GET", "/v2/contacts", Answer.of_json({"contacts": [{"name": "Ada", "created_at": "2026-01-01"}]}))
    result = result_of(app, EPOCH, api)
    assert result["context"] == "an epoch"
    assert result["outputs"] == [{"label": "Ada", "date": "2026-01-01"}]


def test_base_and_a_webhooks_own_communication_are_not_sent(app: Path, api: FakeApi) -> None:
    for file in ("general/base.iml.json", "webhooks/contact-events/contact-events.communication.iml.json"):
        answer = run(app, file, api)
        assert isinstance(answer, RunResult)
        assert answer.notes == ["This file has no request to send."]
    assert api.received == []


def test_a_requests_own_temp_is_read_by_its_response(app: Path, api: FakeApi) -> None:
    module(
        app, {"temp": {"kind": "person"}, "url": "/contacts", "response": {"output": "{{temp.kind}}: {{body.name}}"}}
    )
    api.answer("GET", "/v2/contacts", Answer.of_json({"name": "Ada"}))
    assert result_of(app, MODULE, api)["outputs"] == ["person: Ada"]


def test_gzip_asks_for_a_compressed_response_and_reads_it(app: Path, api: FakeApi) -> None:
    import gzip
    import json

    module(app, {"url": "/big", "gzip": True, "response": {"output": "{{body.size}}"}})
    packed = gzip.compress(json.dumps({"size": "large"}).encode())
    api.answer(
        "GET", "/v2/big", Answer(200, packed, (("content-type", "application/json"), ("content-encoding", "gzip")))
    )
    assert result_of(app, MODULE, api)["outputs"] == ["large"]
    assert api.received[0].headers["accept-encoding"] == "gzip, deflate"
