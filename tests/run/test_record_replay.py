"""``--record`` saves a run's responses beside the file; ``--replay`` runs the pipeline on them offline."""

from __future__ import annotations

import json
from pathlib import Path

from iml_ls.analysis import Workspace
from iml_ls.features.code_lens import code_lenses
from iml_ls.run.session import RunResult
from tests.run.apps import SECRET_API_KEY, store_tokens, write_app
from tests.run.fake_api import Answer, FakeApi
from tests.run.helpers import result_of, run
from tests.run.test_components import contact_page

SEARCH = "modules/search-contacts/search-contacts.communication.iml.json"
RECORDING = "modules/search-contacts/search-contacts.communication.response.json"


def test_a_recorded_search_replays_offline_with_the_same_bundles(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("GET", "/v2/contacts", contact_page)
    live = result_of(app, SEARCH, api, pages=3, record=True)
    assert live["recordedTo"] == str(app / RECORDING)
    saved = json.loads((app / RECORDING).read_text())
    assert [(e["label"], e["page"], e["response"]["status"]) for e in saved["exchanges"]] == [
        ("request", 1, 200),  # the page is kept apart: a hand-written recording says the same
        ("request", 2, 200),
        ("request", 3, 200),
    ]
    assert "*.response.json" in (app / "modules/search-contacts/.gitignore").read_text().splitlines()
    sent = len(api.received)
    replayed = run(app, SEARCH, pages=3, replay=True)  # no host confirmed: nothing may go to the network
    assert isinstance(replayed, RunResult)
    shown = replayed.as_json()["result"]
    assert len(api.received) == sent
    assert shown["replayedFrom"] == str(app / RECORDING)
    assert shown["outputs"] == live["outputs"]
    assert shown["failure"] is None


def test_the_recording_masks_what_was_asked(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "ok", "account": "acme"}))
    result_of(app, "connections/api-key/api-key.communication.iml.json", api, record=True)
    text = (app / "connections/api-key/api-key.communication.response.json").read_text()
    assert SECRET_API_KEY not in text
    assert "api_key=••••" in json.loads(text)["exchanges"][0]["request"]["url"]


def test_replay_without_a_recording_fails_and_sends_nothing(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    answer = run(app, SEARCH, replay=True)
    assert isinstance(answer, RunResult) and answer.failure is not None
    assert answer.failure.directive == "replay"
    assert api.received == []


def test_a_recording_adds_the_replay_lens(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)

    def titles() -> list[str]:
        analysis = Workspace().analysis(str(app / SEARCH))
        assert analysis is not None
        return [lens.title for lens in code_lenses(analysis)]

    assert titles() == ["Preview request", "Send request"]
    api.answer("GET", "/v2/contacts", contact_page)
    result_of(app, SEARCH, api, record=True)
    assert titles() == ["Preview request", "Send request", "Run on recorded response"]
