"""Definition, references and rename of `temp` keys and `parameters` names, across a component's files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.features.navigation import (
    Location,
    RenameError,
    SymbolKind,
    definition,
    highlights,
    prepare_rename,
    references,
    rename,
)

from ..app_files import write_files

PARAMS = """[
    {"name": "clientId", "type": "text"},
    {"name": "clientSecret", "type": "password"},
    {"name": "region", "type": "select", "options": [{"label": "EU", "value": "eu", "nested": [{"name": "euZone", "type": "text"}]}]}
]"""

COMMUNICATION = """{
    "url": "https://api.example.com/{{parameters.region}}/é😀/{{parameters.clientId}}",
    "temp": {
        "jwt": {"iss": "{{parameters.`clientId`}}", "sub": "\\u00e9\\"{{parameters.clientId}}"},
        "token": "{{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}"
    },
    "headers": {"authorization": "Bearer {{temp.token}}"},
    "response": {"temp": {"expires": "{{body.expires_in}}"}, "output": {"until": "{{temp.expires}}"}}
}"""

OAUTH = """{
    "token": {"url": "https://api.example.com/token", "body": {"client_id": "{{parameters.clientId}}"}}
}"""


@pytest.fixture
def component(tmp_path: Path) -> tuple[Workspace, Path]:
    """A component with params, communication and OAuth communication files, all on disk."""
    folder = tmp_path / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(PARAMS, encoding="utf-8")
    (folder / "demo.communication.iml.json").write_text(COMMUNICATION, encoding="utf-8")
    (folder / "demo.oauth-communication.iml.json").write_text(OAUTH, encoding="utf-8")
    return Workspace(), folder


def analysis_of(workspace: Workspace, path: Path) -> Analysis:
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    return analysis


def communication(component: tuple[Workspace, Path]) -> Analysis:
    workspace, folder = component
    return analysis_of(workspace, folder / "demo.communication.iml.json")


def params(component: tuple[Workspace, Path]) -> Analysis:
    workspace, folder = component
    return analysis_of(workspace, folder / "demo.params.iml.json")


def texts_at(workspace: Workspace, locations: list[Location]) -> list[tuple[str, str]]:
    """(file name, covered text) of each location."""
    return [
        (Path(loc.path).name, analysis_of(workspace, Path(loc.path)).text[loc.start : loc.end]) for loc in locations
    ]


def apply(workspace: Workspace, edits: list[TextEdit]) -> dict[str, str]:
    """The text of each edited file after the edits (file name → text)."""
    result: dict[str, str] = {}
    for path in {edit.path for edit in edits}:
        text = analysis_of(workspace, Path(path)).text
        for edit in sorted((e for e in edits if e.path == path), key=lambda e: e.start, reverse=True):
            text = text[: edit.start] + edit.new_text + text[edit.end :]
        result[Path(path).name] = text
    return result


def test_definition_of_a_parameter_use_is_its_name_in_the_params_file(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    use = COMMUNICATION.index("parameters.clientSecret") + len("parameters.")
    found = definition(component[0], analysis, use + 3)
    assert texts_at(component[0], found) == [("demo.params.iml.json", "clientSecret")]
    assert found[0].start == PARAMS.index('"clientSecret"') + 1


def test_definition_after_non_ascii_astral_characters_and_escapes(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    for marker in ("😀/{{parameters.clientId", '\\"{{parameters.clientId'):
        use = COMMUNICATION.index(marker) + len(marker) - len("clientId")
        assert texts_at(component[0], references(component[0], analysis, use, False))[0][1] == "clientId"
        assert texts_at(component[0], definition(component[0], analysis, use)) == [("demo.params.iml.json", "clientId")]


def test_definition_of_a_temp_use_is_its_key(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    found = definition(component[0], analysis, COMMUNICATION.index("temp.token") + len("temp.t"))
    assert [(loc.start, loc.end) for loc in found] == [
        (COMMUNICATION.index('"token"') + 1, COMMUNICATION.index('"token"') + 6)
    ]
    in_response = definition(component[0], analysis, COMMUNICATION.index("temp.expires") + len("temp."))
    assert texts_at(component[0], in_response) == [("demo.communication.iml.json", "expires")]


def test_the_cursor_may_touch_either_end_of_the_name(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    start = COMMUNICATION.index("temp.token") + len("temp.")
    for offset in (start, start + len("token")):
        assert len(definition(component[0], analysis, offset)) == 1
    assert definition(component[0], analysis, start - len("temp.")) == []  # on `temp` itself
    assert definition(component[0], analysis, COMMUNICATION.index("body.expires_in") + 6) == []


def test_highlights_are_this_file_s_places_of_the_name_under_the_cursor(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    found = highlights(analysis, COMMUNICATION.index("parameters.clientId") + len("parameters.c"))
    # the plain, the backticked and the escaped-string uses; the declaration is in the params file
    assert [COMMUNICATION[s.location.start : s.location.end] for s in found] == ["clientId", "`clientId`", "clientId"]
    assert not any(s.is_declaration for s in found)
    assert all(s.location.path == analysis.path for s in found)
    token = highlights(analysis, COMMUNICATION.index("temp.token") + len("temp.to"))
    assert [(s.location.start, s.is_declaration) for s in token] == [
        (COMMUNICATION.index('"token"') + 1, True),
        (COMMUNICATION.index("temp.token") + len("temp."), False),
    ]
    declared = highlights(params(component), PARAMS.index('"clientSecret"') + 3)
    assert [(PARAMS[s.location.start : s.location.end], s.is_declaration) for s in declared] == [("clientSecret", True)]
    assert highlights(analysis, COMMUNICATION.index("body.expires_in") + 6) == []


def test_references_of_a_parameter_span_every_file_of_the_component(component: tuple[Workspace, Path]) -> None:
    analysis = communication(component)
    use = COMMUNICATION.index("parameters.clientId") + len("parameters.")
    found = texts_at(component[0], references(component[0], analysis, use, include_declaration=True))
    assert found == [
        ("demo.communication.iml.json", "clientId"),
        ("demo.communication.iml.json", "`clientId`"),
        ("demo.communication.iml.json", "clientId"),
        ("demo.oauth-communication.iml.json", "clientId"),
        ("demo.params.iml.json", "clientId"),
    ]
    without = references(component[0], analysis, use, include_declaration=False)
    assert [Path(loc.path).name for loc in without].count("demo.params.iml.json") == 0 and len(without) == 4


def test_references_from_the_params_file_find_the_uses(component: tuple[Workspace, Path]) -> None:
    analysis = params(component)
    found = references(component[0], analysis, PARAMS.index("clientSecret"), include_declaration=False)
    assert texts_at(component[0], found) == [("demo.communication.iml.json", "clientSecret")]
    nested = references(component[0], analysis, PARAMS.index("euZone"), include_declaration=True)
    assert texts_at(component[0], nested) == [("demo.params.iml.json", "euZone")]


def test_prepare_rename_names_what_will_be_renamed(component: tuple[Workspace, Path]) -> None:
    symbol = prepare_rename(communication(component), COMMUNICATION.index("`clientId`") + 2)
    assert symbol is not None and symbol.kind is SymbolKind.PARAMETER and symbol.name == "clientId"
    assert COMMUNICATION[symbol.location.start : symbol.location.end] == "`clientId`"
    assert prepare_rename(communication(component), COMMUNICATION.index("https")) is None


def test_rename_a_parameter_from_a_use_edits_params_and_both_communication_files(
    component: tuple[Workspace, Path],
) -> None:
    workspace = component[0]
    analysis = communication(component)
    edits = rename(workspace, analysis, COMMUNICATION.index("`clientId`") + 1, "appId")
    after = apply(workspace, edits)
    assert set(after) == {"demo.params.iml.json", "demo.communication.iml.json", "demo.oauth-communication.iml.json"}
    assert '{"name": "appId", "type": "text"}' in after["demo.params.iml.json"]
    assert "clientId" not in after["demo.communication.iml.json"] + after["demo.oauth-communication.iml.json"]
    assert after["demo.communication.iml.json"].count("parameters.appId") == 3  # the backticked use too


def test_rename_from_the_params_file(component: tuple[Workspace, Path]) -> None:
    workspace = component[0]
    edits = rename(workspace, params(component), PARAMS.index("clientSecret") + 4, "signingKey")
    after = apply(workspace, edits)
    assert "jwt(temp.jwt, parameters.signingKey, 'HS512')" in after["demo.communication.iml.json"]
    assert '"name": "signingKey"' in after["demo.params.iml.json"]


def test_rename_a_temp_key_stays_in_its_file(component: tuple[Workspace, Path]) -> None:
    workspace = component[0]
    edits = rename(workspace, communication(component), COMMUNICATION.index('"jwt"') + 1, "claims")
    after = apply(workspace, edits)
    assert list(after) == ["demo.communication.iml.json"]
    assert '"claims": {' in after["demo.communication.iml.json"]
    assert "jwt(temp.claims, " in after["demo.communication.iml.json"]


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("1x", "`1x` is not a valid name"),
        ("client id", "not a valid name"),
        ("", "not a valid name"),
        ("a" * 129, "at most 128"),
        ("clientSecret", "`parameters.clientSecret` already exists"),
        ("euZone", "`parameters.euZone` already exists"),
    ],
)
def test_rename_refuses_bad_or_taken_names(component: tuple[Workspace, Path], new_name: str, message: str) -> None:
    analysis = communication(component)
    with pytest.raises(RenameError, match=re.escape(message)):
        rename(component[0], analysis, COMMUNICATION.index("parameters.clientId") + 12, new_name)


def test_rename_refuses_a_temp_key_that_exists(component: tuple[Workspace, Path]) -> None:
    with pytest.raises(RenameError, match=r"`temp\.token` already exists"):
        rename(component[0], communication(component), COMMUNICATION.index("temp.jwt") + 6, "token")


def test_rename_outside_a_name_explains_what_can_be_renamed(component: tuple[Workspace, Path]) -> None:
    with pytest.raises(RenameError, match="Only `temp` keys, `parameters`, `connection` and `webhook` names"):
        rename(component[0], communication(component), 0, "x")


def test_rename_to_the_same_name_changes_nothing(component: tuple[Workspace, Path]) -> None:
    assert rename(component[0], communication(component), COMMUNICATION.index("temp.jwt") + 6, "jwt") == []


def test_open_editor_text_wins_over_the_params_file_on_disk(component: tuple[Workspace, Path]) -> None:
    workspace, folder = component
    path = str(folder / "demo.params.iml.json")
    unsaved = PARAMS.replace('"clientId"', '"appId"')
    workspace.open_document(path, unsaved, 3)
    use = COMMUNICATION.index("parameters.clientId") + len("parameters.")
    assert definition(workspace, communication(component), use) == []
    assert texts_at(
        workspace, definition(workspace, communication(component), COMMUNICATION.index("clientSecret"))
    ) == [("demo.params.iml.json", "clientSecret")]


APP_FILES = {
    "makecomapp.json": """{"components": {
        "connection": {"acme": {"connectionType": "basic", "codeFiles": {
            "communication": "connections/acme/api.iml.json", "params": "connections/acme/params.iml.json"}}},
        "module": {"getContact": {"moduleType": "action", "connection": "acme", "codeFiles": {
            "communication": "modules/get-contact/api.iml.json",
            "mappable-params": "modules/get-contact/expect.iml.json"}}},
        "rpc": {"listRegions": {"connection": "acme", "codeFiles": {"communication": "rpcs/list-regions/api.iml.json"}}},
        "function": {"toCents": {"codeFiles": {"code": "functions/to-cents/code.js"}}}
    }}""",
    "connections/acme/params.iml.json": '[{"name": "apiKey", "type": "password", "label": "API key"}]',
    "connections/acme/api.iml.json": '{"url": "https://api.acme.example/me", "headers": {"x-key": "{{parameters.apiKey}}"},'
    ' "response": {"data": {"region": "{{body.region}}"}}}',
    "modules/get-contact/expect.iml.json": '[{"name": "id", "type": "text", "label": "ID"},'
    ' {"name": "zone", "type": "select", "options": "rpc://listRegions"}]',
    "modules/get-contact/api.iml.json": '{"url": "https://api.acme.example/{{connection.region}}/{{parameters.id}}",'
    ' "headers": {"x-key": "{{connection.apiKey}}"}, "body": {"cents": "{{toCents(parameters.id)}}"}}',
    "rpcs/list-regions/api.iml.json": '{"url": "https://api.acme.example/regions", "qs": {"k": "{{connection.apiKey}}"}}',
    "functions/to-cents/code.js": "function toCents(amount) { return Math.round(amount * 100); }\n",
}


@pytest.fixture
def app(tmp_path: Path) -> tuple[Workspace, Path]:
    return Workspace(), write_files(tmp_path, APP_FILES)


def at(analysis: Analysis, needle: str, offset: int = 0) -> int:
    return analysis.text.index(needle) + offset


def test_connection_values_lead_to_the_connection_parameter_and_its_saved_key(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    module = analysis_of(workspace, root / "modules/get-contact/api.iml.json")
    [key] = definition(workspace, module, at(module, "connection.apiKey", 12))
    assert key.path == str(root / "connections/acme/params.iml.json")
    params_text = (root / "connections/acme/params.iml.json").read_text()
    assert params_text[key.start : key.end] == "apiKey"
    [region] = definition(workspace, module, at(module, "connection.region", 12))
    assert region.path == str(root / "connections/acme/api.iml.json")
    assert APP_FILES["connections/acme/api.iml.json"][region.start : region.end] == "region"


def test_rpc_strings_and_custom_functions_lead_to_their_files(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    expect = analysis_of(workspace, root / "modules/get-contact/expect.iml.json")
    assert definition(workspace, expect, at(expect, "rpc://listRegions", 8)) == [
        Location(str(root / "rpcs/list-regions/api.iml.json"), 0, 0)
    ]
    module = analysis_of(workspace, root / "modules/get-contact/api.iml.json")
    assert definition(workspace, module, at(module, "toCents", 2)) == [
        Location(str(root / "functions/to-cents/code.js"), 0, 0)
    ]


def test_renaming_a_connection_parameter_renames_every_reader_in_the_app(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    params = analysis_of(workspace, root / "connections/acme/params.iml.json")
    edits = rename(workspace, params, at(params, "apiKey", 1), "token")
    assert sorted((Path(edit.path).relative_to(root).as_posix(), edit.new_text) for edit in edits) == [
        ("connections/acme/api.iml.json", "token"),
        ("connections/acme/params.iml.json", "token"),
        ("modules/get-contact/api.iml.json", "token"),
        ("rpcs/list-regions/api.iml.json", "token"),
    ]
    module = analysis_of(workspace, root / "modules/get-contact/api.iml.json")
    uses = references(workspace, module, at(module, "connection.apiKey", 12), include_declaration=False)
    assert len(uses) == 3


def test_module_parameters_are_declared_in_its_mappable_params(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    module = analysis_of(workspace, root / "modules/get-contact/api.iml.json")
    [declaration] = definition(workspace, module, at(module, "parameters.id", 12))
    assert declaration.path == str(root / "modules/get-contact/expect.iml.json")
