"""A request without ``url`` (request-less communication): Make sends nothing and runs only ``temp``,
``response.temp`` and ``output``; a run does the same, asks no question and touches no network (the
test's real HTTP server on 127.0.0.1 would see it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls.run.session import Confirm
from tests.app_files import write_files
from tests.doc_pages import page
from tests.run.apps import connected_app
from tests.run.fake_api import Answer, FakeApi
from tests.run.helpers import host, result_of, run

RPC = "rpcs/list-fields/list-fields.communication.iml.json"
ACTION = "modules/create-contact/create-contact.communication.iml.json"
FIELDS = {
    "temp": {"keys": ["name", "email"]},
    "response": {
        "temp": {"count": "{{length(temp.keys)}}"},
        "valid": "{{body.ok}}",  # not run: there is no response
        "error": "never raised",
        "output": {"fields": "{{temp.keys}}", "count": "{{temp.count}}", "status": "{{statusCode}}"},
    },
    "pagination": {"condition": "{{true}}"},  # not run either: there is no page
}


@pytest.fixture
def app(tmp_path: Path, api: FakeApi) -> Path:
    return connected_app(tmp_path / "app", api.url)


def test_only_temp_response_temp_and_output_run_and_nothing_is_sent(app: Path, api: FakeApi) -> None:
    write_files(app, {RPC: FIELDS})
    answer = run(app, RPC, pages=3)  # no host confirmed: none is needed
    assert not isinstance(answer, Confirm)
    shown = answer.as_json()["result"]
    assert api.received == []
    [exchange] = shown["exchanges"]
    assert exchange["request"]["url"] is None
    assert exchange["response"] is None
    assert [step["directive"] for step in exchange["steps"]] == ["temp", "output"]
    assert shown["outputs"] == [{"fields": ["name", "email"], "count": 2}]  # no `statusCode` without a response
    assert shown["failure"] is None
    assert not any("pagination" in note for note in shown["notes"])


def test_a_request_less_step_feeds_the_request_after_it(app: Path, api: FakeApi) -> None:
    write_files(
        app,
        {
            ACTION: [
                {"temp": {"name": "{{upper(parameters.name)}}"}, "response": {"temp": {"tag": "t-{{temp.name}}"}}},
                {
                    "url": "/contacts",
                    "method": "POST",
                    "body": {"name": "{{temp.name}}", "tag": "{{temp.tag}}"},
                    "response": {"output": "{{body}}"},
                },
            ]
        },
    )
    api.answer("POST", "/v2/contacts", lambda request: Answer.of_json(request.json()))
    asked = run(app, ACTION)
    assert isinstance(asked, Confirm)
    assert asked.host == host(api)  # the one request that goes out
    shown = result_of(app, ACTION, api)
    [received] = api.received
    assert received.json() == {"name": "ADA LOVELACE", "tag": "t-ADA LOVELACE"}
    assert [e["response"] is None for e in shown["exchanges"]] == [True, False]
    assert shown["outputs"] == [{"name": "ADA LOVELACE", "tag": "t-ADA LOVELACE"}]


@pytest.mark.parametrize("url", [None, "/contacts"])
def test_an_output_of_null_gives_no_bundle(app: Path, api: FakeApi, url: str | None) -> None:
    """Make's ``output`` of false or null ends the chain: no bundle, sent or not."""
    write_files(app, {ACTION: {"response": {"output": None}} | ({"url": url, "method": "POST"} if url else {})})
    api.answer("POST", "/v2/contacts", Answer.of_json({"id": 1}))
    shown = result_of(app, ACTION, api)
    assert shown["outputs"] == []
    assert len(api.received) == (1 if url else 0)


def test_the_cli_runs_it_without_asking(app: Path, api: FakeApi) -> None:
    write_files(app, {RPC: FIELDS})
    done = subprocess.run(  # no terminal and no --yes: a request that went out would be refused
        [sys.executable, "-m", "iml_ls", "run", str(app / RPC), "--format", "json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["outputs"] == [{"fields": ["name", "email"], "count": 2}]
    assert api.received == []


def test_the_example_on_the_page_gives_the_bundle_it_says(app: Path, api: FakeApi) -> None:
    section = page("features/run.md").split("\n## Request-less communication\n", 1)[1].split("\n## ", 1)[0]
    [communication] = re.findall(r"^```json\n(.*?)^```$", section, re.S | re.M)
    (app / RPC).write_text(communication)
    shown = result_of(app, RPC, api)
    [bundle] = shown["outputs"]
    assert f"the bundle `{json.dumps(bundle, separators=(',', ':'))}`" in " ".join(section.split())
    assert [step["directive"] for step in shown["exchanges"][0]["steps"]] == ["output"]
    assert api.received == []
