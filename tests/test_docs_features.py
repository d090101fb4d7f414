"""The example answers on the navigation, outline, semantic tokens, inlay hints and code lens pages are what
iml-ls computes for the example files those pages show."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.inlay_hints import inlay_hints
from iml_ls.features.navigation import definition, prepare_rename, references, rename
from iml_ls.features.semantic_tokens import encode, semantic_tokens
from iml_ls.features.symbols import DocumentSymbol, document_symbols
from iml_ls.text.line_index import PositionEncoding

DOCS = Path(__file__).parent.parent / "docs" / "features"
PAGES = ("navigation", "symbols", "semantic-tokens", "inlay-hints", "code-lens")
COMMUNICATION = "jwt-auth.communication.iml.json"
PARAMS = "jwt-auth.params.iml.json"
DOCS_FOLDER = "file:///app/connections/jwt-auth/"
NOW = dt.datetime(2025, 11, 28, 22, 50, tzinfo=dt.UTC).timestamp()  # the clock the inlay hint page states


def blocks(page: str) -> list[tuple[str, str]]:
    """(the line before the block, block text) of every JSON code block of a page."""
    text = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([^\n]*)\n\n?```jsonc?\n(.*?)```", text, re.S)]


def example_files(page: str) -> dict[str, str]:
    found = {}
    for before, block in blocks(page):
        for name in (COMMUNICATION, PARAMS):
            if before.startswith(f"`{name}`"):
                found[name] = block
    return found


def answer_after(page: str, heading: str) -> Any:
    """The JSON block right after the line starting with ``heading``."""
    return json.loads(next(block for before, block in blocks(page) if before.startswith(heading)))


@pytest.fixture
def example(tmp_path: Path) -> tuple[Workspace, Path]:
    folder = tmp_path / "app" / "connections" / "jwt-auth"
    folder.mkdir(parents=True)
    for name, text in example_files("navigation").items():
        (folder / name).write_text(text, encoding="utf-8")
    return Workspace(), folder


def analysis_of(example: tuple[Workspace, Path], name: str = COMMUNICATION) -> Analysis:
    workspace, folder = example
    analysis = workspace.analysis(str(folder / name))
    assert analysis is not None
    return analysis


def lsp_range(analysis: Analysis, start: int, end: int) -> dict[str, dict[str, int]]:
    first, last = analysis.index.position(start), analysis.index.position(end)
    return {
        "start": {"line": first.line, "character": first.character},
        "end": {"line": last.line, "character": last.character},
    }


def location(example: tuple[Workspace, Path], path: str, start: int, end: int) -> dict[str, Any]:
    name = Path(path).name
    return {"uri": DOCS_FOLDER + name, "range": lsp_range(analysis_of(example, name), start, end)}


def test_every_page_shows_the_same_example_files() -> None:
    files = [example_files(page) for page in PAGES]
    assert set(files[0]) == {COMMUNICATION, PARAMS}
    assert all(found == files[0] for found in files)


def test_navigation_answers(example: tuple[Workspace, Path]) -> None:
    workspace = example[0]
    analysis = analysis_of(example)
    request = answer_after("navigation", "Cursor on `clientId`")
    position = request["params"]["position"]
    assert analysis.text.splitlines()[position["line"]][position["character"] :].startswith("lientId}}")
    offset = analysis.index.line_starts[position["line"]] + position["character"]
    found = [location(example, loc.path, loc.start, loc.end) for loc in definition(workspace, analysis, offset)]
    assert found == answer_after("navigation", "The answer points into the params file")
    refs = references(workspace, analysis, offset, include_declaration=True)
    assert [location(example, loc.path, loc.start, loc.end) for loc in refs] == answer_after(
        "navigation", "files, then the declaration"
    )
    symbol = prepare_rename(analysis, offset)
    assert symbol is not None
    assert {
        "range": lsp_range(analysis, symbol.location.start, symbol.location.end),
        "placeholder": symbol.name,
    } == answer_after("navigation", "`textDocument/prepareRename` tells")
    documented = answer_after("navigation", "files read from disk carry")["documentChanges"]
    edits: dict[str, list[dict[str, Any]]] = {}
    for edit in rename(workspace, analysis, offset, "appId"):
        place = location(example, edit.path, edit.start, edit.end)
        edits.setdefault(place["uri"], []).append({"range": place["range"], "newText": edit.new_text})
    assert {change["textDocument"]["uri"]: change["edits"] for change in documented} == edits


def _symbol_json(analysis: Analysis, symbol: DocumentSymbol) -> dict[str, Any]:
    return {
        "name": symbol.name,
        "detail": symbol.detail,
        "range": lsp_range(analysis, symbol.start, symbol.end),
        "selectionRange": lsp_range(analysis, symbol.selection_start, symbol.selection_end),
    }


def test_outline_answers(example: tuple[Workspace, Path]) -> None:
    params = analysis_of(example, PARAMS)
    documented = answer_after("symbols", "For `jwt-auth.params.iml.json`")
    computed = [_symbol_json(params, symbol) for symbol in document_symbols(params)]
    assert {key: documented[0][key] for key in ("name", "detail", "range", "selectionRange")} == computed[0]
    assert [s["name"] for s in documented] == [s["name"] for s in computed]
    analysis = analysis_of(example)
    [request] = document_symbols(analysis)
    call = next(child for child in request.children if child.name.startswith("jwt("))
    page = (DOCS / "symbols.md").read_text(encoding="utf-8")
    assert f'"name": "{call.name}", "kind": 12, "detail": "{call.detail}"' in page
    assert json.dumps(_symbol_json(analysis, call)["range"]) in page
    assert json.dumps(_symbol_json(analysis, call)["selectionRange"]) in page


def test_semantic_tokens_answer(example: tuple[Workspace, Path]) -> None:
    analysis = analysis_of(example)
    block = next(block for before, block in blocks("semantic-tokens") if before.startswith("are `{{`"))
    documented = [int(number) for number in re.findall(r"\b\d+\b", re.sub(r"//[^\n]*", "", block))]
    assert len(documented) == 25
    assert encode(semantic_tokens(analysis), analysis.index, PositionEncoding.UTF16)[:25] == documented


def test_inlay_hint_answer(example: tuple[Workspace, Path]) -> None:
    analysis = analysis_of(example)
    computed = [
        {
            "position": {
                "line": analysis.index.position(hint.offset).line,
                "character": analysis.index.position(hint.offset).character,
            },
            "label": hint.label,
            "paddingLeft": True,
            "tooltip": hint.tooltip,
        }
        for hint in inlay_hints(analysis, 0, len(analysis.text), NOW)
    ]
    assert computed == answer_after("inlay-hints", "Response, asked at 2025-11-28 22:50:00 UTC")


def test_code_lens_answer(example: tuple[Workspace, Path]) -> None:
    analysis = analysis_of(example)
    computed = []
    for lens in code_lenses(analysis):
        span = lsp_range(analysis, lens.start, lens.end)
        uri, position = DOCS_FOLDER + COMMUNICATION, lsp_range(analysis, lens.call_start, lens.call_start)["start"]
        arguments = (
            [uri, position] if lens.arguments is None else [{"uri": uri, "position": position, **lens.arguments}]
        )
        computed.append(
            {"range": span, "command": {"title": lens.title, "command": lens.command, "arguments": arguments}}
        )
    assert computed == answer_after("code-lens", "both (`Send request`), or the document URI and the position")
