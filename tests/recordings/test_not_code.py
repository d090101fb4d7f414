"""A recorded response is never a component's code: no layout and no manifest makes it one, and
``iml-ls check`` reports nothing in it, however much it looks like IML."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics
from iml_ls.model.app import load_app

from ..app_files import write_files

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "make-app"
SEARCH = "modules/search-contacts/search-contacts.communication.iml.json"
SEARCH_RECORDING = "modules/search-contacts/search-contacts.communication.response.json"
RECORDING = {
    "recorded": "2026-12-01T15:20:00Z",
    "exchanges": [
        {
            "label": "request",
            "page": 1,
            "request": {"method": "GET", "url": "https://api.example.com/contacts?q=zo"},
            "response": {
                "status": 200,
                "headers": [["content-type", "application/json"]],
                # what a server may well send: text that looks like IML, even broken IML
                "json": {
                    "contacts": [
                        {
                            "id": 1,
                            "name": "{{nme}",
                            "email": "{{unknownFunction()}}",
                            "created_at": "2026-11-30T09:12:00Z",
                        }
                    ]
                },
            },
        }
    ],
}


def check(*paths: str) -> dict[str, list[dict[str, object]]]:
    result = subprocess.run(
        [sys.executable, "-m", "iml_ls", "check", *paths, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    output: dict[str, list[dict[str, object]]] = json.loads(result.stdout)
    return output


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """examples/make-app with a recording beside its search module."""
    root = tmp_path / "make-app"
    shutil.copytree(EXAMPLE, root)
    write_files(root, {SEARCH_RECORDING: RECORDING})
    return root


def test_a_recording_beside_a_module_is_no_file_of_the_module(app: Path) -> None:
    loaded = load_app(str(app))
    assert str(app / SEARCH_RECORDING) not in loaded.places
    assert loaded.place_of(str(app / SEARCH)) is not None


def test_check_reports_nothing_in_a_recording(app: Path) -> None:
    output = check(str(app))
    assert output["diagnostics"] == []
    assert not [file for file in output["files"] if str(file["path"]).endswith(".response.json")]


def test_check_given_the_recording_itself_reports_nothing(app: Path) -> None:
    (app / SEARCH_RECORDING).write_text('{"exchanges": [{"response": {"text": "{{oops"}}', encoding="utf-8")
    output = check(str(app / SEARCH_RECORDING))
    assert output["diagnostics"] == []
    assert [file["role"] for file in output["files"]] == ["recording"]


def test_an_open_recording_has_no_diagnostics(app: Path) -> None:
    workspace = Workspace()
    path = str(app / SEARCH_RECORDING)
    workspace.open_document(path, '{"exchanges": [{"response": {"json": {"a": "{{bad("}}}], }', 1)
    analysis = workspace.analysis(path)
    assert analysis is not None and diagnostics(analysis) == []


@pytest.mark.parametrize(
    "files",
    [
        {  # the default layout: <id>.<code>.iml.json
            "modules/list/list.communication.iml.json": {"url": "/x"},
            "modules/list/list.communication.response.json": RECORDING,
        },
        {  # the layout without the <id>. prefix
            "modules/list/communication.iml.json": {"url": "/x"},
            "modules/list/communication.response.json": RECORDING,
        },
        {  # the older export: api.imljson
            "modules/list/api.imljson": {"url": "/x"},
            "modules/list/api.response.json": RECORDING,
            "modules/list/response.json": RECORDING,
        },
    ],
    ids=["default", "no-prefix", "export"],
)
def test_no_layout_places_a_recording(tmp_path: Path, files: dict[str, object]) -> None:
    write_files(tmp_path, {"base.imljson": {"baseUrl": "https://api.example.com"}, **files})
    placed = {Path(path).relative_to(tmp_path).as_posix() for path in load_app(str(tmp_path)).places}
    assert placed == {"base.imljson", *(name for name in files if not name.endswith("response.json"))}


def test_a_manifest_naming_a_recording_as_code_does_not_make_it_code(tmp_path: Path) -> None:
    manifest = {
        "fileVersion": 1,
        "components": {
            "module": {
                "list": {
                    "moduleType": "search",
                    "codeFiles": {
                        "communication": "modules/list/list.communication.response.json",
                        "mappable-params": "modules/list/list.Response.JSON",
                    },
                }
            }
        },
    }
    write_files(
        tmp_path,
        {
            "makecomapp.json": manifest,
            "modules/list/list.communication.response.json": RECORDING,
            "modules/list/list.Response.JSON": [],
        },
    )
    assert list(load_app(str(tmp_path)).places) == [str(tmp_path / "makecomapp.json")]
    assert check(str(tmp_path))["diagnostics"] == []
