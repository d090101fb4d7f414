"""docs/features/recorded-responses.md shows what iml-ls does: its file names, its recording read as the
page says, the hover, the completion and the warning for the example app with that recording, and the
hand-written recording."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.completion import complete
from iml_ls.features.hover import hover
from iml_ls.run.recordings import GITIGNORE_LINE, MAX_RECORDING_BYTES, read_recording, recording_path
from tests.doc_pages import console_sessions, iml_ls, page

ROOT = Path(__file__).parent.parent.parent
PAGE = page("features/recorded-responses.md")
MODULE = "modules/search-contacts/search-contacts.communication.iml.json"
RECORDING = "modules/search-contacts/search-contacts.communication.response.json"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", PAGE, re.S | re.M)


def recordings() -> list[str]:
    """The page's two recordings of the search module: the one a run saved, the one written by hand."""
    found = [m.group(1) for m in re.finditer(rf"`{RECORDING}`:\n```json\n(.*?)```", PAGE, re.S)]
    assert len(found) == 2
    return found


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "make-app"
    shutil.copytree(ROOT / "examples" / "make-app", root)
    (root / RECORDING).write_text(recordings()[0], encoding="utf-8")
    return root


def module_analysis(app: Path) -> Analysis:
    analysis = Workspace().analysis(str(app / MODULE))
    assert analysis is not None
    return analysis


def test_the_file_names_are_those_iml_ls_uses() -> None:
    table = re.search(r"\| code file \| recording \|\n\|---\|---\|\n((?:\|.*\|\n)+)", PAGE)
    assert table is not None
    rows = re.findall(r"^\| `([^`]+)`(?: \([^)]*\))? \| `([^`]+)` \|$", table.group(1), re.M)
    assert len(rows) == 3
    for code, recording in rows:
        assert recording_path(code) == recording
    assert f"`{GITIGNORE_LINE}`" in PAGE and f"{MAX_RECORDING_BYTES // 1_000_000} MB" in PAGE


def test_the_recording_reads_as_the_page_describes_it(app: Path) -> None:
    recording = read_recording(str(app), str(app / RECORDING))
    assert recording is not None and recording.recorded == "2026-12-01T15:20:00Z"
    [exchange] = recording.exchanges
    assert (exchange.label, exchange.page, exchange.method, exchange.status) == ("request", 1, "GET", 200)
    assert exchange.headers[0] == ("content-type", "application/json; charset=utf-8")
    body = exchange.json()
    assert isinstance(body, dict) and [c["id"] for c in body["contacts"]] == [4181, 4182]


def test_the_hover_is_what_the_server_shows(app: Path) -> None:
    analysis = module_analysis(app)
    [shown] = re.findall(r"^````markdown\n(.*?)\n^````$", PAGE, re.S | re.M)
    found = hover(analysis, analysis.text.index("item.email") + len("item.e"))
    assert found is not None and found.markdown == shown


def test_the_completion_is_what_the_server_offers(app: Path) -> None:
    analysis = module_analysis(app)
    table = re.search(r"\| label \| detail \|\n\|---\|---\|\n((?:\|.*\|\n)+)", PAGE)
    assert table is not None
    documented = re.findall(r"^\| `(.*?)` \| `(.*?)` \|$", table.group(1), re.M)
    offered = complete(analysis, analysis.text.index("{{item.id") + len("{{item."))
    assert [(item.label, item.detail) for item in offered] == documented


def test_the_warning_is_what_the_cli_prints(app: Path) -> None:
    [(arguments, expected)] = console_sessions(PAGE, "check")
    result = iml_ls(arguments, app)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_the_recording_written_by_hand_is_read_and_fits_the_module(app: Path) -> None:
    (app / RECORDING).write_text(recordings()[1], encoding="utf-8")
    recording = read_recording(str(app), str(app / RECORDING))
    assert recording is not None
    [exchange] = recording.exchanges
    assert (exchange.label, exchange.page, exchange.status, exchange.headers) == ("", 1, 200, ())
    analysis = module_analysis(app)
    assert analysis.related.recording == recording
    assert "Recorded value" in (hover(analysis, analysis.text.index("item.email") + 6) or pytest.fail()).markdown
    result = subprocess.run(
        [sys.executable, "-m", "iml_ls", "check", "modules/search-contacts"],
        capture_output=True,
        text=True,
        cwd=app,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout == ""
