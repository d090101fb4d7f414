"""Resource limits: huge documents, many expressions, deep nesting, long literals and expensive expressions
all finish (no hang, no crash) and degrade with a diagnostic instead of freezing the editor."""

from __future__ import annotations

import json
from pathlib import Path

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics


def analyse(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "big.communication.iml.json"
    path.write_text(text, encoding="utf-8")
    analysis = Workspace().analysis(str(path))
    assert analysis is not None
    return [d.rule.code for d in diagnostics(analysis)]


def test_a_10_mb_document_is_reported_not_analysed(tmp_path: Path) -> None:
    text = json.dumps({"url": "/v1", "body": {"blob": "x" * 10_000_000}})
    path = str(tmp_path / "big.communication.iml.json")
    workspace = Workspace()
    workspace.open_document(path, text, 1)  # an editor buffer (on disk, a file this large is not read)
    analysis = workspace.analysis(path)
    assert analysis is not None
    assert [d.rule.code for d in diagnostics(analysis)] == ["IML502"]


def test_a_hundred_thousand_expressions(tmp_path: Path) -> None:
    text = json.dumps({"url": "/v1", "body": {"items": ["{{1 + " + str(i) + "}}" for i in range(100_000)]}})
    assert analyse(tmp_path, text) == []


def test_ten_thousand_levels_of_nesting(tmp_path: Path) -> None:
    assert "IML001" in analyse(tmp_path, '{"body": ' + "[" * 10_000 + "]" * 10_000 + "}")
    deep = "(" * 10_000 + "1" + ")" * 10_000
    assert analyse(tmp_path, json.dumps({"url": "{{" + deep + "}}"})) == ["IML003"]


def test_a_one_megabyte_string_literal(tmp_path: Path) -> None:
    literal = "a" * 1_000_000
    assert analyse(tmp_path, json.dumps({"url": "{{length('" + literal + "')}}"})) == []


def test_expensive_expressions_stop_at_the_budget(tmp_path: Path) -> None:
    catastrophic = "{{replace('" + "a" * 40 + "!', '/(a+)+b/', 'x')}}"
    assert analyse(tmp_path, json.dumps({"url": catastrophic})) == ["IML502"]
    growing = "{{join(split(" + " + ".join(["sha512('x')"] * 100) + ", ''), sha512('y'))}}"
    assert analyse(tmp_path, json.dumps({"url": growing})) == ["IML502"]
