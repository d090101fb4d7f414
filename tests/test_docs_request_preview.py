"""The request preview page shows what iml-ls answers: the example app's curl commands from the CLI,
and the command's JSON for the module the page shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

from iml_ls.analysis import Workspace
from iml_ls.features.request_preview import ASSUMPTIONS, request_preview
from tests.doc_pages import console_sessions, iml_ls, page

ROOT = Path(__file__).parent.parent
PAGE = page("features/request-preview.md")
MODULE = "modules/list-contacts/list-contacts.communication.iml.json"


def blocks(language: str) -> list[tuple[str, str]]:
    """(the line before, the text) of every code block of ``language`` on the page."""
    return [(m.group(1), m.group(2)) for m in re.finditer(rf"([^\n]*)\n```{language}\n(.*?)```", PAGE, re.S)]


def test_the_terminal_example_is_what_the_cli_prints() -> None:
    [(arguments, expected)] = console_sessions(PAGE, "preview")
    result = iml_ls(arguments, ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected


def test_the_command_answer_is_what_the_server_computes(tmp_path: Path) -> None:
    app = tmp_path / "app"
    for before, block in blocks("json"):
        name = re.match(r"`([\w./-]+\.json)`:", before)
        if name:
            path = app / name.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block, encoding="utf-8")
    request = json.loads(next(block for before, block in blocks("json") if before == "Request:"))
    assert request["params"]["arguments"] == [f"file:///app/{MODULE}"]
    workspace = Workspace()
    analysis = workspace.analysis(str(app / MODULE))
    assert analysis is not None
    computed = request_preview(workspace, analysis, now=1700000000).as_json(analysis)
    documented = json.loads(next(block for before, block in blocks("json") if before.startswith("Response")))
    assert documented == computed


def test_every_assumption_is_on_the_page() -> None:
    assert len(ASSUMPTIONS) == 3
    for topic in ("object by object", "`qs` package", "`pagination.page` 1"):
        assert topic in PAGE
