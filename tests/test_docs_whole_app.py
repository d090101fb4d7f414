"""The answers on docs/features/whole-app.md are what iml-ls computes for the example app."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.app_files import app_paths
from iml_ls.features.completion import complete
from iml_ls.features.links import document_links, workspace_symbols
from iml_ls.features.navigation import definition
from iml_ls.text.line_index import PositionEncoding

PAGE = Path(__file__).parent.parent / "docs" / "features" / "whole-app.md"
APP = Path(__file__).parent.parent / "examples" / "make-app"
MODULE = APP / "modules/create-contact/create-contact.communication.iml.json"


def answer(heading: str) -> Any:
    """The first JSON block of the section under ``## heading``."""
    section = PAGE.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block is not None
    return json.loads(block.group(1))


def position(analysis: Analysis, offset: int) -> dict[str, int]:
    found = analysis.index.position(offset, PositionEncoding.UTF16)
    return {"line": found.line, "character": found.character}


def uri(path: str) -> str:
    return "file:///app/" + Path(path).relative_to(APP).as_posix()


def edited(workspace: Workspace, member: str) -> Analysis:
    text = MODULE.read_text(encoding="utf-8").replace(
        '"tags": "{{parameters.tags}}"', f'"tags": "{{{{parameters.tags}}}}",\n        "region": "{{{{{member}}}}}"'
    )
    workspace.open_document(str(MODULE), text, 1)
    analysis = workspace.analysis(str(MODULE))
    assert analysis is not None
    return analysis


def test_completion_answer() -> None:
    analysis = edited(Workspace(), "connection.")
    offset = analysis.text.index("{{connection.") + len("{{connection.")
    assert position(analysis, offset) == {"line": 9, "character": 32}
    items = [{"label": item.label, "documentation": item.documentation} for item in complete(analysis, offset)]
    assert items == answer("Completion after `{{connection.`")


def test_definition_answer() -> None:
    workspace = Workspace()
    analysis = edited(workspace, "connection.accessToken")
    found = []
    for location in definition(workspace, analysis, analysis.text.index("connection.accessToken") + 13):
        target = workspace.analysis(location.path)
        assert target is not None
        span = {"start": position(target, location.start), "end": position(target, location.end)}
        found.append({"uri": uri(location.path), "range": span})
    assert found == answer("Go to definition of `connection.accessToken`")


def test_document_links_answer() -> None:
    workspace = Workspace()
    params = workspace.analysis(str(APP / "modules/search-contacts/search-contacts.mappable-params.iml.json"))
    assert params is not None
    links = [
        {
            "range": {"start": position(params, link.start), "end": position(params, link.end)},
            "target": uri(link.target),
            "tooltip": link.tooltip,
        }
        for link in document_links(workspace, params)
    ]
    assert links == answer("Document links")


def test_workspace_symbols_answer() -> None:
    found = workspace_symbols(Workspace(), app_paths(str(APP)), "contact")
    symbols = [{"name": s.name, "kind": s.kind, "containerName": s.container} for s in found]
    assert symbols == answer("Workspace symbols")
