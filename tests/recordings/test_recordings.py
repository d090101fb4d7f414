"""Recorded responses on disk: the file name, the format both ways, the .gitignore, and what is refused."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from iml_ls.run.recordings import (
    MAX_RECORDING_BYTES,
    RecordedExchange,
    Recording,
    read_recording,
    recording_path,
    write_recording,
)

NOW = 1796138400.0  # 2026-12-01T15:20:00Z
CONTACTS = RecordedExchange(
    "request 1 of 2",
    1,
    "GET",
    "https://api.example.com/contacts?key=••••",
    200,
    (("content-type", "application/json"), ("x-total", "2")),
    b'{"items": [{"id": 1, "name": "Zo\xc3\xab"}], "next": null}',
)


@pytest.mark.parametrize(
    ("code", "recording"),
    [
        ("m/search/search.communication.iml.json", "m/search/search.communication.response.json"),
        ("modules/list/api.imljson", "modules/list/api.response.json"),
        ("rpcs/r/r.communication.json", "rpcs/r/r.communication.response.json"),
        ("connections/c/communication.iml.json", "connections/c/communication.response.json"),
    ],
)
def test_a_recording_lies_beside_its_code_file(code: str, recording: str) -> None:
    assert recording_path(code) == recording


def test_a_recording_is_written_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "modules" / "search" / "search.communication.response.json"
    path.parent.mkdir(parents=True)
    second = RecordedExchange("request 2 of 2", 2, "POST", "https://a.example/x", 500, (), b"Internal error")
    binary = RecordedExchange("image", 1, "GET", "https://a.example/i.png", 200, (), b"\x89PNG\xff\x00")
    write_recording(str(tmp_path), str(path), [CONTACTS, second, binary], NOW)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["recorded"] == "2026-12-01T15:20:00Z"
    assert saved["exchanges"][0] == {
        "label": "request 1 of 2",
        "page": 1,
        "request": {"method": "GET", "url": "https://api.example.com/contacts?key=••••"},
        "response": {
            "status": 200,
            "headers": [["content-type", "application/json"], ["x-total", "2"]],
            "json": {"items": [{"id": 1, "name": "Zoë"}], "next": None},
        },
    }
    assert saved["exchanges"][1]["response"]["text"] == "Internal error"
    assert saved["exchanges"][2]["response"]["base64"] == "iVBOR/8A"
    recording = read_recording(str(tmp_path), str(path))
    assert recording is not None
    assert recording.recorded == "2026-12-01T15:20:00Z"
    assert [exchange.body for exchange in recording.exchanges[1:]] == [second.body, binary.body]
    assert recording.exchanges[0].json() == {"items": [{"id": 1, "name": "Zoë"}], "next": None}
    assert recording.exchanges[1:] == (second, binary)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writing_ignores_recordings_in_git_once(tmp_path: Path) -> None:
    folder = tmp_path / "modules" / "search"
    folder.mkdir(parents=True)
    path = str(folder / "search.communication.response.json")
    write_recording(str(tmp_path), path, [CONTACTS], NOW)
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*.response.json\n"
    write_recording(str(tmp_path), path, [CONTACTS], NOW + 60)
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "*.response.json\n"
    (folder / ".gitignore").write_text("node_modules", encoding="utf-8")
    write_recording(str(tmp_path), path, [CONTACTS], NOW)
    assert (folder / ".gitignore").read_text(encoding="utf-8") == "node_modules\n*.response.json\n"


def test_a_hand_written_recording_needs_only_the_response(tmp_path: Path) -> None:
    path = tmp_path / "list.communication.response.json"
    path.write_text('{"exchanges": [{"response": {"json": {"items": []}}}]}', encoding="utf-8")
    assert read_recording(str(tmp_path), str(path)) == Recording(
        str(path), "", (RecordedExchange("request 1", 1, "GET", "", 200, (), b'{"items":[]}'),)
    )


def test_a_body_reads_as_javascript_reads_json(tmp_path: Path) -> None:
    exchange = RecordedExchange("r", 1, "GET", "", 200, (), b'{"id": 12345678901234567890, "z": -0}')
    assert exchange.json() == {"id": 12345678901234567168, "z": -0.0}
    assert RecordedExchange("r", 1, "GET", "", 200, (), b"NaN").json() is None
    assert RecordedExchange("r", 1, "GET", "", 200, (), b"<html>").json() is None


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"exchanges": {}}',
        '{"recorded": 1, "exchanges": []}',
        '{"exchanges": [{"request": {"url": "x"}}]}',
        '{"exchanges": [{"response": {"status": "200"}}]}',
        '{"exchanges": [{"response": {"status": true}}]}',
        '{"exchanges": [{"response": {"status": 42}}]}',
        '{"exchanges": [{"page": 0, "response": {}}]}',
        '{"exchanges": [{"response": {"json": 1, "text": "1"}}]}',
        '{"exchanges": [{"response": {"base64": "***"}}]}',
        '{"exchanges": [{"response": {"headers": [["a"]]}}]}',
        '{"exchanges": [{"response": {"headers": {"a": "b"}}}]}',
        '{"exchanges": [{"response": {"json": NaN}}]}',
        '{"exchanges": [{"response": {}}, "second"]}',
        "[" * 100_000,
    ],
)
def test_a_malformed_recording_reads_as_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.communication.response.json"
    path.write_text(text, encoding="utf-8")
    assert read_recording(str(tmp_path), str(path)) is None


def test_a_missing_or_too_large_recording_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "c.communication.response.json"
    assert read_recording(str(tmp_path), str(path)) is None
    path.write_text('{"exchanges": [{"response": {"text": "' + "x" * MAX_RECORDING_BYTES + '"}}]}', encoding="utf-8")
    assert read_recording(str(tmp_path), str(path)) is None


def test_a_recording_linked_out_of_the_app_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"exchanges": [{"response": {"text": "secret"}}]}', encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "c.communication.response.json").symlink_to(outside)
    assert read_recording(str(app), str(app / "c.communication.response.json")) is None


def test_a_recording_is_never_written_outside_the_app(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "modules").mkdir(parents=True)
    (app / ".git").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (app / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for path in (
        tmp_path / "c.response.json",
        app / "modules" / ".." / ".." / "c.response.json",
        app / "linked" / "c.response.json",
        app / ".git" / "c.response.json",
        app / "missing" / "c.response.json",
    ):
        with pytest.raises(ValueError):
            write_recording(str(app), str(path), [CONTACTS], NOW)
    assert sorted(os.listdir(tmp_path / "elsewhere")) == []
    assert not (tmp_path / "c.response.json").exists() and not (app / ".git" / "c.response.json").exists()


def test_only_a_recording_is_written(tmp_path: Path) -> None:
    code = tmp_path / "c.communication.iml.json"
    code.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError):
        write_recording(str(tmp_path), str(code), [CONTACTS], NOW)
    assert code.read_text(encoding="utf-8") == "[]"


def test_a_symlink_in_place_of_the_recording_is_replaced_not_followed(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    target = tmp_path / "victim.txt"
    target.write_text("keep", encoding="utf-8")
    (app / "c.response.json").symlink_to(target)
    write_recording(str(app), str(app / "c.response.json"), [CONTACTS], NOW)
    assert target.read_text(encoding="utf-8") == "keep"
    assert not (app / "c.response.json").is_symlink()


def test_an_unreadable_gitignore_stops_the_write(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "outside").write_text("", encoding="utf-8")
    (app / ".gitignore").symlink_to(tmp_path / "outside")
    with pytest.raises(ValueError):
        write_recording(str(app), str(app / "c.response.json"), [CONTACTS], NOW)
    assert not (app / "c.response.json").exists()


def test_a_recording_too_large_to_read_back_is_not_written(tmp_path: Path) -> None:
    huge = RecordedExchange("r", 1, "GET", "", 200, (), b"x" * MAX_RECORDING_BYTES)
    with pytest.raises(ValueError):
        write_recording(str(tmp_path), str(tmp_path / "c.response.json"), [huge], NOW)
    assert os.listdir(tmp_path) == []
