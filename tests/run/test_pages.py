"""``pagination.page``, ``offset`` and ``limit`` of each page as Make's runtime counts them: one sequence
for a run's pages (sent to a real HTTP server on 127.0.0.1) and the preview's second page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls.analysis import Workspace
from iml_ls.features.request_preview import page_variables, request_preview
from tests.app_files import write_files
from tests.run.apps import connected_app
from tests.run.fake_api import Answer, FakeApi, Received
from tests.run.helpers import result_of

SEARCH = "modules/search-contacts/search-contacts.communication.iml.json"
BY_OFFSET = {
    "url": "/contacts",
    "qs": {"offset": "{{pagination.offset}}", "limit": "{{pagination.limit}}"},
    "pagination": {
        "qs": {"offset": "{{pagination.offset}}", "limit": "{{pagination.limit}}"},
        "condition": "{{body.more}}",
    },
    "response": {"iterate": "{{body.items}}", "output": "{{item}}"},
}


def test_the_limit_grows_five_times_a_page_up_to_500_and_the_offset_follows_it() -> None:
    assert [page_variables(page) for page in range(1, 7)] == [
        {"page": 1, "offset": 0, "limit": 20},
        {"page": 2, "offset": 20, "limit": 100},
        {"page": 3, "offset": 120, "limit": 500},
        {"page": 4, "offset": 620, "limit": 500},
        {"page": 5, "offset": 1120, "limit": 500},
        {"page": 6, "offset": 1620, "limit": 500},
    ]


@pytest.fixture
def app(tmp_path: Path, api: FakeApi) -> Path:
    root = connected_app(tmp_path / "app", api.url)
    write_files(root, {SEARCH: BY_OFFSET})
    return root


def by_offset(request: Received) -> Answer:
    """Items ``offset`` to ``offset + limit`` (two at most), and more until the offset passes 600."""
    offset, limit = int(request.query["offset"][0]), int(request.query["limit"][0])
    items = [{"n": n} for n in range(offset, offset + min(limit, 2))]
    return Answer.of_json({"items": items, "more": offset < 600})


def sent_ranges(api: FakeApi) -> list[tuple[str, str]]:
    return [(r.query["offset"][0], r.query["limit"][0]) for r in api.received]


def test_a_run_sends_each_pages_offset_and_limit(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/contacts", by_offset)
    result = result_of(app, SEARCH, api, pages=5)
    assert sent_ranges(api) == [("0", "20"), ("20", "100"), ("120", "500"), ("620", "500")]
    assert [e["page"] for e in result["exchanges"]] == [1, 2, 3, 4]
    assert result["outputs"][:3] == [{"n": 0}, {"n": 1}, {"n": 20}]


def test_the_preview_shows_the_second_page_as_a_run_sends_it(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/contacts", by_offset)
    workspace = Workspace()
    analysis = workspace.analysis(str(app / SEARCH))
    assert analysis is not None
    previewed = [r.url for r in request_preview(workspace, analysis, now=1_700_000_000).requests]
    result_of(app, SEARCH, api, pages=2)
    assert previewed == [
        f"{api.url}{r.path}?offset={r.query['offset'][0]}&limit={r.query['limit'][0]}" for r in api.received
    ]
    assert previewed[1] is not None and previewed[1].endswith("?offset=20&limit=100")


def test_the_cli_sends_the_same_pages(app: Path, api: FakeApi) -> None:
    api.answer("GET", "/v2/contacts", by_offset)
    done = subprocess.run(
        [sys.executable, "-m", "iml_ls", "run", str(app / SEARCH), "--yes", "--pages", "3", "--format", "json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert sent_ranges(api) == [("0", "20"), ("20", "100"), ("120", "500")]
    result = json.loads(done.stdout)["result"]
    assert "`pagination` asks for page 4: ask for more pages to follow it." in result["notes"]
