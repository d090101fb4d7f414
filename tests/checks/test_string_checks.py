"""A request checked again takes the syntax, name and expression diagnostics of each string whose
text, place and file context are unchanged from what an earlier version found (see
``iml_ls.checks._StringTable``): reused when only other strings changed, found again when the string
or what its checks read changed (the parameters file, the component kind, the file's ``temp`` keys),
and always what a fresh analysis reports, suppression comments included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, ImlString, Workspace
from iml_ls.checks import diagnostics, evaluation, jwt, names
from iml_ls.checks.diagnostic import Diagnostic
from iml_ls.evaluate import jsonwebtoken
from iml_ls.evaluate.environment import ConnectionEvaluation
from iml_ls.model.connection import Request
from iml_ls.syntax.json_tree import JsonObject
from tests.checks.test_incremental_checks import PARAMS, fresh

REQUESTS: list[dict[str, object]] = [
    {
        "url": "https://api.example.com/v1/items",
        "headers": {"x-client": "{{parameters.clientId}}", "x-other": "{{parameters.tenant}}"},
        "qs": {"q": "{{lowr(parameters.clientId)}}", "session": "{{temp.session}}"},
    },
    {"url": "https://api.example.com/v1/other", "qs": {"n": "{{length(parameters.clientId)}}"}},
]


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of each string whose names are checked (not taken from an earlier version)."""
    found: list[str] = []
    original = names.check_string

    def counting(analysis: Analysis, string: ImlString, request: Request | None, in_response: bool) -> list[Diagnostic]:
        found.append(string.node.value)
        return list(original(analysis, string, request, in_response))

    monkeypatch.setattr(names, "check_string", counting)
    return found


def write(folder: Path, requests: list[dict[str, object]], params: list[dict[str, object]] = PARAMS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conn.params.iml.json").write_text(json.dumps(params, indent=4), encoding="utf-8")
    path = folder / "conn.communication.iml.json"
    path.write_text(json.dumps(requests, indent=4), encoding="utf-8")
    return path


def shown(analysis: Analysis) -> list[tuple[int, int, str, str, object]]:
    return [(d.start, d.end, d.rule.code, d.message, d.fixes) for d in diagnostics(analysis)]


def edit(workspace: Workspace, path: str, old: str, new: str, *recorded: list[str]) -> Analysis:
    """Replace the first ``old`` of the open file and analyse it (see :func:`analysed`)."""
    current = workspace.analysis(path)
    assert current is not None
    at = current.text.index(old)
    workspace.edit_document(path, at, at + len(old), new, None)
    return analysed(workspace, path, *recorded)


def analysed(workspace: Workspace, path: str, *recorded: list[str]) -> Analysis:
    """The file's analysis now, leaving in each of ``recorded`` what its diagnostics checked or
    evaluated (see the fixtures); they must be a fresh analysis's."""
    edited = workspace.analysis(path)
    assert edited is not None
    for each in recorded:
        each.clear()
    found = shown(edited)
    now = [list(each) for each in recorded]
    assert found == shown(fresh(edited))
    for each, then in zip(recorded, now, strict=True):
        each[:] = then
    return edited


def opened(tmp_path: Path, requests: list[dict[str, object]] = REQUESTS) -> tuple[Workspace, str]:
    path = write(tmp_path / "connections" / "conn", requests)
    workspace = Workspace(clock=lambda: 1_700_000_000.0)
    workspace.open_document(str(path), path.read_text(encoding="utf-8"), 0)
    first = workspace.analysis(str(path))
    assert first is not None
    diagnostics(first)
    return workspace, str(path)


def test_an_edit_checks_the_names_of_the_edited_string_only(tmp_path: Path, checked: list[str]) -> None:
    workspace, path = opened(tmp_path)
    edited = edit(workspace, path, "{{parameters.tenant}}", "{{parameters.tenants}}", checked)
    assert checked == ["{{parameters.tenants}}"]
    assert "`tenants`" in " ".join(d.message for d in diagnostics(edited))
    checked.clear()
    edit(workspace, path, "{{parameters.tenants}}", "{{parameters.tenant}}", checked)
    assert checked == ["{{parameters.tenant}}"]


def test_a_string_whose_text_moved_keeps_its_diagnostics_at_the_new_offsets(tmp_path: Path, checked: list[str]) -> None:
    workspace, path = opened(tmp_path)
    edited = edit(workspace, path, "/v1/items", "/v1/items/longer/than/before", checked)
    assert checked == []
    assert {d.rule.code for d in diagnostics(edited)} >= {"IML101", "IML201", "IML202"}


def test_the_same_text_in_another_place_of_the_request_is_checked_there(tmp_path: Path, checked: list[str]) -> None:
    requests: list[dict[str, object]] = [
        {"url": "https://api.example.com", "qs": {"id": "{{body.id}}"}, "response": {"valid": "{{body.id}}"}}
    ]
    workspace, path = opened(tmp_path, requests)
    edited = edit(workspace, path, "api.example", "api2.example", checked)
    assert [d.rule.code for d in diagnostics(edited)] == ["IML203"], "body exists only in the response"
    assert checked == []


def test_a_changed_parameters_file_checks_every_string_again(tmp_path: Path, checked: list[str]) -> None:
    workspace, path = opened(tmp_path)
    params_path = str(Path(path).with_name("conn.params.iml.json"))
    declared = json.dumps([*PARAMS, {"name": "tenant", "type": "text", "label": "Tenant"}], indent=4)
    workspace.open_document(params_path, declared, 1)
    changed = analysed(workspace, path, checked)
    assert "{{parameters.tenant}}" in checked
    assert "`tenant`" not in " ".join(d.message for d in diagnostics(changed))
    edit(workspace, path, "/v1/items", "/v1/item", checked)
    assert checked == [], "kept with the new parameters file"


def test_a_new_temp_key_checks_the_strings_that_read_temp_again(tmp_path: Path, checked: list[str]) -> None:
    workspace, path = opened(tmp_path)
    assert "`session`" in " ".join(d.message for d in diagnostics(analysed(workspace, path, checked)))
    other = '"url": "https://api.example.com/v1/other"'
    edited = edit(workspace, path, other, '"temp": {"session": "{{parameters.clientId}}"}, ' + other, checked)
    assert "{{temp.session}}" in checked
    assert "`session`" not in " ".join(d.message for d in diagnostics(edited))


def test_a_suppression_comment_silences_a_kept_diagnostic_and_its_removal_shows_it_again(
    tmp_path: Path, checked: list[str]
) -> None:
    workspace, path = opened(tmp_path)
    silenced = edit(workspace, path, "[", "// iml-ls-disable-file IML101\n[", checked)
    assert "IML101" not in {d.rule.code for d in diagnostics(silenced)}
    shown_again = edit(workspace, path, "// iml-ls-disable-file IML101\n", "", checked)
    assert "IML101" in {d.rule.code for d in diagnostics(shown_again)}


def test_another_component_kind_checks_the_same_text_again(tmp_path: Path, checked: list[str]) -> None:
    """The file moves from a connection to a module in the manifest: `connection.*` becomes readable."""
    shared = "shared/acme.communication.iml.json"
    requests = [{"url": "https://api.example.com/{{connection.region}}", "headers": {"a": "{{lowr('x')}}"}}]
    path = tmp_path / shared
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(requests, indent=4), encoding="utf-8")
    manifest = tmp_path / "makecomapp.json"

    def declare(kind: str, facts: dict[str, str]) -> None:
        components = {kind: {"acme": {**facts, "codeFiles": {"communication": shared}}}}
        manifest.write_text(json.dumps({"fileVersion": 1, "components": components}), encoding="utf-8")

    declare("connection", {"connectionType": "basic"})
    workspace = Workspace(clock=lambda: 1_700_000_000.0)
    workspace.open_document(str(path), path.read_text(encoding="utf-8"), 0)
    first = workspace.analysis(str(path))
    assert first is not None and "IML203" in {d.rule.code for d in diagnostics(first)}
    declare("module", {"moduleType": "action"})
    workspace.file_changed(str(manifest))
    moved = analysed(workspace, str(path), checked)
    assert "IML203" not in {d.rule.code for d in diagnostics(moved)}
    assert checked == ["https://api.example.com/{{connection.region}}", "{{lowr('x')}}"]


def test_an_rs256_signature_is_made_once_per_key_and_signing_input(monkeypatch: pytest.MonkeyPatch) -> None:
    key = json.loads(
        (
            Path(__file__).resolve().parents[2]
            / "examples/make-app/connections/rs256-service-account/rs256-service-account.samples.json"
        ).read_text(encoding="utf-8")
    )["parameters"]["privateKey"]
    jsonwebtoken._rsa_signature.cache_clear()
    first = jsonwebtoken.sign({"sub": "a", "iat": 1}, key, {"algorithm": "RS256"}, now=1).token
    again = jsonwebtoken.sign({"sub": "a", "iat": 1}, key, {"algorithm": "RS256"}, now=1).token
    other = jsonwebtoken.sign({"sub": "b", "iat": 1}, key, {"algorithm": "RS256"}, now=1).token
    info = jsonwebtoken._rsa_signature.cache_info()
    assert first == again and (info.hits, info.misses) == (1, 2)
    assert other.split(".")[2] != first.split(".")[2], "another payload is signed afresh"
    pss = jsonwebtoken.sign({"sub": "a", "iat": 1}, key, {"algorithm": "PS256"}, now=1).token
    assert jsonwebtoken._rsa_signature.cache_info().misses == 2, "PSS signatures are random: never cached"
    assert (
        pss.split(".")[2]
        != jsonwebtoken.sign({"sub": "a", "iat": 1}, key, {"algorithm": "PS256"}, now=1).token.split(".")[2]
    )


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of each string evaluated with the sample values by the evaluation check."""
    found: list[str] = []
    original = evaluation._string_failures

    def counting(of: ConnectionEvaluation, string: ImlString) -> Iterator[Diagnostic]:
        found.append(string.node.value)
        return original(of, string)

    monkeypatch.setattr(evaluation, "_string_failures", counting)
    return found


EVALUATED: list[dict[str, object]] = [
    {
        "url": "https://api.example.com/v1/items",
        "temp": {"raw": "{{'not json'}}"},
        "headers": {"x-parsed": "{{parseJSON(temp.raw)}}", "x-sample": "{{parseJSON(parameters.clientId)}}"},
    }
]


def messages(analysis: Analysis) -> str:
    return " ".join(d.message for d in diagnostics(analysis))


def test_a_string_that_reads_no_temp_is_evaluated_once_per_text(tmp_path: Path, evaluated: list[str]) -> None:
    workspace, path = opened(tmp_path, EVALUATED)
    edit(workspace, path, "/v1/items", "/v1/item", evaluated)
    assert evaluated == ["{{parseJSON(temp.raw)}}"], "what reads temp is evaluated again, the rest kept"
    changed = edit(workspace, path, "{{'not json'}}", "{{'[1]'}}", evaluated)
    assert evaluated == ["{{parseJSON(temp.raw)}}"]
    assert "This fails with the sample values" not in messages(changed)


def test_new_sample_values_evaluate_every_string_again(tmp_path: Path, evaluated: list[str]) -> None:
    workspace, path = opened(tmp_path, EVALUATED)
    samples = str(Path(path).with_name("conn.samples.json"))
    assert messages(analysed(workspace, path)).count("This fails with the sample values") == 1, (
        "a placeholder is silent"
    )
    workspace.open_document(samples, '{"parameters": {"clientId": "not json"}}', 1)
    changed = analysed(workspace, path, evaluated)
    assert sorted(evaluated) == ["{{parseJSON(parameters.clientId)}}", "{{parseJSON(temp.raw)}}"]
    assert messages(changed).count("This fails with the sample values") == 2, "the sample value fails too"


@pytest.fixture
def signed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of each ``jwt()`` payload the jwt checks examine."""
    found: list[str] = []
    original = jwt._payload

    def counting(
        analysis: Analysis, payload: JsonObject, of: ConnectionEvaluation, claims: set[str]
    ) -> Iterator[jwt.Finding]:
        found.append(analysis.text[payload.start : payload.end])
        return original(analysis, payload, of, claims)

    monkeypatch.setattr(jwt, "_payload", counting)
    return found


SIGNED: list[dict[str, object]] = [
    {"url": "https://api.example.com/v1/session", "temp": {"session": {"exp": "{{1000}}", "owner": "{{'alice'}}"}}},
    {
        "url": "https://api.example.com/v1/items",
        "temp": {"claims": {"iat": "{{2000}}", "exp": "{{temp.session.exp}}"}},
        "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS256')}}"},
        "qs": {"owner": "{{temp.session.owner}}"},
    },
]


def test_a_request_checked_again_keeps_its_jwt_findings_while_its_calls_read_the_same(
    tmp_path: Path, signed: list[str]
) -> None:
    workspace, path = opened(tmp_path, SIGNED)
    assert "is not after `iat`" in messages(analysed(workspace, path))
    edit(workspace, path, "{{'alice'}}", "{{'bob'}}", signed)
    assert signed == [], "the owner changed, which the token does not read"
    changed = edit(workspace, path, '"{{1000}}"', '"{{3000}}"', signed)
    assert len(signed) == 1, "the expiry the token reads changed"
    assert "is not after `iat`" not in messages(changed)


def test_a_payload_of_another_request_is_examined_whenever_the_call_is_checked(
    tmp_path: Path, signed: list[str]
) -> None:
    shared: list[dict[str, object]] = [
        {"url": "https://api.example.com/v1/a", "temp": {"claims": {"iat": "{{2000}}", "exp": "{{1000}}"}}},
        {
            "url": "https://api.example.com/v1/b",
            "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS256')}}"},
        },
    ]
    workspace, path = opened(tmp_path, shared)
    spaced = edit(workspace, path, '"{{1000}}"', '"{{1000}}"   ', signed)
    assert len(signed) == 1, "the same values, but the finding on `exp` stays where the next request moved from"
    assert "is not after `iat`" in messages(spaced)


def test_an_edited_request_keeps_the_templates_of_its_unchanged_strings(tmp_path: Path) -> None:
    workspace, path = opened(tmp_path)
    before = workspace.analysis(path)
    assert before is not None
    edited = edit(workspace, path, "{{lowr(parameters.clientId)}}", "{{lower(parameters.clientId)}}")
    old = {string.node.value: string.templates for string in before.iml_strings}
    for string, afresh in zip(edited.iml_strings, fresh(edited).iml_strings, strict=True):
        assert [(t.start, t.end, t.source, t.closed, t.error) for t in string.templates] == [
            (t.start, t.end, t.source, t.closed, t.error) for t in afresh.templates
        ]
        assert (string.templates is old.get(string.node.value)) == (
            string.node.value != "{{lower(parameters.clientId)}}"
        )
