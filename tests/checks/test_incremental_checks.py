"""Diagnostics after an edit come from the requests the edit touched; the rest are reused.

A big communication (more than three chunks of requests, ``temp`` objects shared across requests,
``jwt()`` calls, planted mistakes) is edited at random; after every edit the diagnostics must equal
those of a fresh analysis of the same text, and an edit inside one request must check only a few
requests again.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import iml_ls.checks
from iml_ls.analysis import Analysis, Scope, SyntaxTree, Workspace
from iml_ls.checks import diagnostics
from iml_ls.checks.diagnostic import Diagnostic

PARAMS = [
    {"name": "clientId", "type": "text", "label": "Client ID", "required": True},
    {"name": "clientSecret", "type": "password", "label": "Client secret", "required": True},
]
TYPED = ["x", "1", " ", "é", "{{", "}}", "+", "'", "(", ")", ".", ""]


def request(number: int) -> dict[str, object]:
    """One of four kinds of request; some read ``temp`` that an earlier request defined."""
    kind = number % 4
    if kind == 0:
        return {
            "url": f"https://api.example.com/v1/items/{number}",
            "temp": {"jwt": {"iss": "{{parameters.clientId}}", "iat": "{{timestamp}}", "exp": "{{timestamp + 3600}}"}},
            "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS256')}}"},
        }
    if kind == 1:  # signs the payload of the request before it
        return {
            "url": f"https://api.example.com/v1/other/{number}",
            "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}"},
            "temp": {"options": {"keyid": "{{parameters.clientId}}"}},
        }
    if kind == 2:
        return {
            "url": "https://api.example.com/v1/search",
            "method": "POST",
            "body": {"query": "{{lower(parameters.clientId)}}", "page": "{{1 + 1}}"},
            "response": {"temp": {"cursor": "{{body.next}}"}, "output": "{{body.items}}"},
        }
    return {
        "url": "https://api.example.com/v1/{{temp.cursor}}/{{parameters.clientSecrt}}",
        "qs": {"since": "{{formatDate(timestamp, 'YYYY')}}", "n": "{{length(temp.jwt.iss)}}"},
    }


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Workspace, str]:
    folder = tmp_path / "connections" / "big"
    folder.mkdir(parents=True)
    (folder / "big.params.iml.json").write_text(json.dumps(PARAMS, indent=4), encoding="utf-8")
    path = folder / "big.communication.iml.json"
    text = json.dumps([request(number) for number in range(133)], indent=4)  # 13 chunks (of 11, the last of 1)
    path.write_text(text, encoding="utf-8")
    opened = Workspace(clock=lambda: 1_700_000_000.0)
    opened.open_document(str(path), text, 0)
    return opened, str(path)


def shown(diagnostics: list[Diagnostic]) -> list[tuple[int, int, str, str, object]]:
    return [(d.start, d.end, d.rule.code, d.message, d.fixes) for d in diagnostics]


def fresh(analysis: Analysis) -> Analysis:
    syntax = SyntaxTree.parse(analysis.text)
    return Analysis(
        analysis.path,
        syntax,
        analysis.version,
        analysis.settings,
        analysis.related,
        instant=analysis.instant,
        place=analysis.place,
    )


def test_random_edits_give_the_diagnostics_of_a_fresh_analysis(
    workspace: tuple[Workspace, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened, path = workspace
    checked: list[Scope] = []
    original = iml_ls.checks._check

    def counting(analysis: Analysis, scope: Scope) -> list[Diagnostic]:
        checked.append(scope)
        return original(analysis, scope)

    monkeypatch.setattr(iml_ls.checks, "_check", counting)
    first = opened.analysis(path)
    assert first is not None and len(first.chunks) > 4
    assert {d.rule.code for d in diagnostics(first)} >= {"IML201"}
    rnd = random.Random(11)
    local_edits = 0
    undo: tuple[int, int, str] | None = None
    for version in range(1, 121):
        analysis = opened.analysis(path)
        assert analysis is not None
        text = analysis.text
        if undo is not None:  # take back the breaking edit, so that typing goes on in valid JSON
            start, end, replacement = undo
            undo = None
        elif rnd.random() < 0.85:
            string = rnd.choice(analysis.iml_strings).node
            start = end = rnd.randint(string.start + 1, string.end - 1)
            replacement = rnd.choice(TYPED)
        else:
            start = rnd.randint(0, len(text))
            end = min(len(text), start + rnd.choice([0, 1]))
            replacement = rnd.choice(['"', "}", ",", "\n"])
            undo = (start, start + len(replacement), text[start:end])
        opened.edit_document(path, start, end, replacement, version)
        edited = opened.analysis(path)
        assert edited is not None
        checked.clear()
        found = shown(diagnostics(edited))
        if edited.syntax.json.replaced is not None:
            local_edits += 1
            # the edited request and those reading a temp object it defines (four kinds of request)
            rechecked = [scope.requests[0].path for scope in checked if scope.requests]
            assert len(rechecked) <= 4, f"typing {replacement!r} re-checked {rechecked}"
        assert found == shown(diagnostics(fresh(edited))), f"version {version}: {replacement!r} at {start}"
    assert local_edits > 60


def test_editing_a_shared_temp_object_rechecks_the_requests_that_sign_it(workspace: tuple[Workspace, str]) -> None:
    opened, path = workspace
    analysis = opened.analysis(path)
    assert analysis is not None and not [d for d in diagnostics(analysis) if d.rule.code == "IML303"]
    text = analysis.text
    at = text.index('"iss"', text.index('"temp"', len(text) // 2))
    opened.edit_document(path, at, at + len('"iss"'), '"exp"', 1)  # a second exp, now a string claim
    edited = opened.analysis(path)
    assert edited is not None
    assert shown(diagnostics(edited)) == shown(diagnostics(fresh(edited)))


def test_a_changed_params_file_rechecks_every_request(workspace: tuple[Workspace, str], tmp_path: Path) -> None:
    opened, path = workspace
    analysis = opened.analysis(path)
    assert analysis is not None
    before = [d for d in diagnostics(analysis) if d.rule.code == "IML201"]
    assert before, "clientSecrt is not declared"
    params = str(Path(path).with_name("big.params.iml.json"))
    declared = [*PARAMS, {"name": "clientSecrt", "type": "text", "label": "Typo", "required": False}]
    opened.open_document(params, json.dumps(declared, indent=4), 1)
    after = opened.analysis(path)
    assert after is not None
    assert not [d for d in diagnostics(after) if d.rule.code == "IML201"]
    assert shown(diagnostics(after)) == shown(diagnostics(fresh(after)))
