"""Diagnostics sent as prepared JSON (fields kept from the previous conversion, ranges in one pass)
equal lsprotocol's own conversion of a fresh analysis, after every random edit and in every encoding."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from lsprotocol.converters import get_converter

from iml_ls.analysis import Workspace
from iml_ls.lsp.server import ImlLanguageServer
from iml_ls.text.line_index import PositionEncoding

PARAMS = [{"name": "clientId", "type": "text", "label": "Client ID", "required": True}]
TYPED = ["x", "\n", "\r\n", "é", "😀", "{{", "}}", "parameters.clientI", "lowr(", ")", "", '"']


def request(number: int) -> dict[str, object]:
    return {
        "url": f"https://api.example.com/v1/{number}/{{{{parameters.clientSecrt}}}}",
        "headers": {"x-name": "Zoë {{lowr(parameters.clientId)}}", "x-n": "{{length()}}"},
        "qs": {"when": "{{formatDate(now, 'YYYY')}} 😀 {{temp.nothing}}"},
    }


@pytest.mark.parametrize("encoding", list(PositionEncoding))
def test_prepared_diagnostics_equal_a_fresh_conversion(tmp_path: Path, encoding: PositionEncoding) -> None:
    (tmp_path / "big.params.iml.json").write_text(json.dumps(PARAMS), encoding="utf-8")
    path = str(tmp_path / "big.communication.iml.json")
    text = json.dumps([request(number) for number in range(40)], indent=4, ensure_ascii=False)
    clock = lambda: 1_700_000_000.0  # noqa: E731
    server = ImlLanguageServer()
    server.iml = Workspace(clock=clock)
    server.encoding = encoding
    server.iml.open_document(path, text, 0)
    converter = get_converter()
    rnd = random.Random(7)
    for version in range(1, 61):
        analysis = server.iml.analysis(path)
        assert analysis is not None
        prepared = server.json_diagnostics("file:///big", analysis)
        assert server.json_diagnostics("file:///big", analysis) is prepared  # the same version asked again
        fresh = ImlLanguageServer()
        fresh.iml = Workspace(clock=clock)
        fresh.encoding = encoding
        fresh.iml.open_document(path, analysis.text, version)
        fresh_analysis = fresh.iml.analysis(path)
        assert fresh_analysis is not None
        expected = converter.unstructure(fresh.diagnostics(fresh_analysis))
        assert json.loads(prepared) == expected, f"version {version}"
        start = rnd.randint(0, len(analysis.text))
        end = min(len(analysis.text), start + rnd.choice([0, 0, 1, 2]))
        server.iml.edit_document(path, start, end, rnd.choice(TYPED), version)
    assert prepared, "the file has diagnostics to compare"
