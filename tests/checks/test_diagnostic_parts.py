"""The diagnostics of a file come in parts, one per chunk of requests, that later versions reuse:
their concatenation must be what checking every request afresh gives (enabled, sorted, each once),
whatever was typed before, and an edit must leave the parts of the other chunks as they were."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import iml_ls.checks
from iml_ls.analysis import Analysis, Scope, Workspace
from iml_ls.checks import MAX_DIAGNOSTICS, _check, _final, diagnostic_parts, diagnostics
from iml_ls.checks.diagnostic import Diagnostic
from tests.checks.test_incremental_checks import PARAMS, fresh, request

TYPED = ["x", "1", "\n", "é", "{{", "}}", "+", "(", ")", ".", "", "parameters.clientSecrt"]


def opened(tmp_path: Path, text: str) -> tuple[Workspace, str]:
    folder = tmp_path / "connections" / "big"
    folder.mkdir(parents=True)
    (folder / "big.params.iml.json").write_text(json.dumps(PARAMS, indent=4), encoding="utf-8")
    path = folder / "big.communication.iml.json"
    path.write_text(text, encoding="utf-8")
    workspace = Workspace(clock=lambda: 1_700_000_000.0)
    workspace.open_document(str(path), text, 0)
    return workspace, str(path)


def checked_afresh(analysis: Analysis) -> list[tuple[int, int, str, str]]:
    """Every scope checked again, as one list: what the parts must add up to."""
    found = _check(analysis, analysis.file_scope)
    for each in analysis.requests:
        found.extend(_check(analysis, analysis.request_scope(each)))
    return [(d.start, d.end, d.rule.code, d.message) for d in _final(analysis, found)[:MAX_DIAGNOSTICS]]


def test_the_parts_add_up_to_every_request_checked_afresh(tmp_path: Path) -> None:
    text = json.dumps([request(number) for number in range(90)], indent=4)
    workspace, path = opened(tmp_path, text)
    rnd = random.Random(5)
    for version in range(1, 81):
        analysis = workspace.analysis(path)
        assert analysis is not None
        string = rnd.choice(analysis.iml_strings).node
        start = rnd.randint(string.start + 1, string.end - 1)
        workspace.edit_document(path, start, start, rnd.choice(TYPED), version)
        edited = workspace.analysis(path)
        assert edited is not None
        shown = [(d.start, d.end, d.rule.code, d.message) for d in diagnostics(edited)]
        assert shown == checked_afresh(edited), f"version {version}"


def test_an_edit_in_the_last_request_keeps_the_parts_of_the_chunks_before_it(tmp_path: Path) -> None:
    text = json.dumps([request(number) for number in range(90)], indent=4)
    workspace, path = opened(tmp_path, text)
    first = workspace.analysis(path)
    assert first is not None
    before = diagnostic_parts(first)
    assert len(before) > 4 and all(part.key is not None for part in before)
    end = text.rindex("api.example.com")
    workspace.edit_document(path, end, end, "x", 1)
    edited = workspace.analysis(path)
    assert edited is not None
    after = diagnostic_parts(edited)
    assert [part.key for part in after[:-1]] == [part.key for part in before[:-1]]
    assert after[-1].key is not before[-1].key


def test_a_suppression_comment_makes_one_part_that_it_silences(tmp_path: Path) -> None:
    text = json.dumps([request(number) for number in range(90)], indent=4)
    text = "// iml-ls-disable-file IML201\n" + text
    workspace, path = opened(tmp_path, text)
    analysis = workspace.analysis(path)
    assert analysis is not None
    parts = diagnostic_parts(analysis)
    assert len(parts) == 1 and parts[0].key is None
    assert "IML201" not in {d.rule.code for d in diagnostics(analysis)}
    assert diagnostics(analysis), "other problems are still shown"


def test_a_suppression_comment_silences_a_samples_file_too(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "conn"
    folder.mkdir(parents=True)
    path = folder / "conn.samples.json"
    workspace = Workspace()
    workspace.open_document(str(path), '{"parameters": {"a": 1,}}\n', 0)
    noisy = workspace.analysis(str(path))
    assert noisy is not None and [d.rule.code for d in diagnostics(noisy)] == ["IML002"]
    workspace.open_document(str(path), '// iml-ls-disable-file IML002\n{"parameters": {"a": 1,}}\n', 1)
    silenced = workspace.analysis(str(path))
    assert silenced is not None and diagnostics(silenced) == []


def test_a_request_reading_one_member_of_a_shared_object_is_checked_again_only_when_that_member_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = json.dumps([request(number) for number in range(12)], indent=4)
    workspace, path = opened(tmp_path, text)
    first = workspace.analysis(path)
    assert first is not None
    diagnostics(first)
    checked: list[object] = []
    original = iml_ls.checks._check

    def counting(analysis: Analysis, scope: Scope) -> list[Diagnostic]:
        checked.append(scope.requests[0].path if scope.requests else "file")
        return original(analysis, scope)

    monkeypatch.setattr(iml_ls.checks, "_check", counting)

    def edit(old: str, new: str) -> list[object]:
        current = workspace.analysis(path)
        assert current is not None
        at = current.text.index(old)  # in request 0, which defines temp.jwt
        workspace.edit_document(path, at, at + len(old), new, None)
        edited = workspace.analysis(path)
        assert edited is not None
        checked.clear()
        shown = [(d.start, d.end, d.message) for d in diagnostics(edited)]
        rechecked = list(checked)
        assert shown == [(d.start, d.end, d.message) for d in diagnostics(fresh(edited))]
        return rechecked

    # request 1 signs temp.jwt whole; request 3 reads only temp.jwt.iss
    assert edit("{{timestamp + 3600}}", "{{timestamp + 3601}}") == ["file", (0,), (1,)]
    assert edit('"{{parameters.clientId}}"', '"{{parameters.clientSecret}}"') == ["file", (0,), (1,), (3,)]
