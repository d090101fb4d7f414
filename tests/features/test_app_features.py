"""Completion and hover in module, RPC and webhook files, with the rest of the app in view."""

from __future__ import annotations

from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.completion import complete
from iml_ls.features.hover import hover
from iml_ls.features.links import document_links, workspace_symbols

from ..app_files import write_files

FILES = {
    "makecomapp.json": """{"components": {
        "connection": {"acme": {"connectionType": "basic", "codeFiles": {
            "communication": "connections/acme/api.iml.json", "params": "connections/acme/params.iml.json"}}},
        "module": {"listContacts": {"moduleType": "search", "connection": "acme", "codeFiles": {
            "communication": "modules/list-contacts/api.iml.json",
            "mappable-params": "modules/list-contacts/expect.iml.json"}},
            "watchContacts": {"moduleType": "trigger", "connection": "acme", "codeFiles": {
            "communication": "modules/watch-contacts/api.iml.json"}}},
        "rpc": {"listRegions": {"connection": "acme", "codeFiles": {"communication": "rpcs/list-regions/api.iml.json"}}},
        "webhook": {"contactEvents": {"webhookType": "web", "connection": "acme", "codeFiles": {
            "communication": "webhooks/contact-events/api.iml.json", "attach": "webhooks/contact-events/attach.iml.json",
            "detach": "webhooks/contact-events/detach.iml.json"}}},
        "function": {"toCents": {"codeFiles": {"code": "functions/to-cents/code.js"}}}
    }}""",
    "connections/acme/params.iml.json": '[{"name": "apiKey", "type": "password", "label": "API key"}]',
    "connections/acme/api.iml.json": '{"url": "https://api.acme.example/me", "headers": {"x-key": "{{parameters.apiKey}}"},'
    ' "response": {"data": {"region": "{{body.region}}"}}}',
    "modules/list-contacts/expect.iml.json": '[{"name": "zone", "type": "select", "options": "rpc://"}]',
    "modules/list-contacts/api.iml.json": '{"url": "https://api.acme.example/contacts", "qs": {"r": "{{connection.}}"},'
    ' "response": {"output": "{{toCents(body.total)}} {{headers.`retry-after`}}"}}',
    "modules/watch-contacts/api.iml.json": '{"url": "https://api.acme.example/contacts", "response": {}}',
    "rpcs/list-regions/api.iml.json": '{"url": "https://api.acme.example/regions"}',
    "webhooks/contact-events/api.iml.json": '{"output": "{{body}}"}',
    "webhooks/contact-events/attach.iml.json": '{"url": "https://api.acme.example/hooks", "method": "POST",'
    ' "body": {"target": "{{webhook.url}}"}, "response": {"data": {"hookId": "{{body.id}}"}}}',
    "webhooks/contact-events/detach.iml.json": '{"url": "https://api.acme.example/hooks/{{webhook.}}", "method": "DELETE"}',
    "functions/to-cents/code.js": "function toCents(amount) { return Math.round(amount * 100); }\n",
}


@pytest.fixture
def app(tmp_path: Path) -> tuple[Workspace, Path]:
    return Workspace(), write_files(tmp_path, FILES)


def opened(app: tuple[Workspace, Path], name: str) -> Analysis:
    workspace, root = app
    analysis = workspace.analysis(str(root / name))
    assert analysis is not None
    return analysis


def labels(analysis: Analysis, after: str) -> list[str]:
    return [item.label for item in complete(analysis, analysis.text.index(after) + len(after))]


def test_connection_members_are_the_linked_connections_parameters_and_saved_values(app: tuple[Workspace, Path]) -> None:
    module = opened(app, "modules/list-contacts/api.iml.json")
    items = {item.label: item.documentation for item in complete(module, module.text.index("connection.") + 11)}
    assert set(items) == {"apiKey", "region"}
    assert "parameter of the connection `acme`" in items["apiKey"]
    assert "saved by `response.data`" in items["region"]


def test_webhook_members_in_detach_are_what_attach_saved(app: tuple[Workspace, Path]) -> None:
    detach = opened(app, "webhooks/contact-events/detach.iml.json")
    assert set(labels(detach, "{{webhook.")) == {"id", "url", "hookId"}


def test_rpc_names_complete_in_parameter_files(app: tuple[Workspace, Path]) -> None:
    expect = opened(app, "modules/list-contacts/expect.iml.json")
    assert labels(expect, '"rpc://') == ["rpc://listRegions"]


def test_directive_keys_follow_the_module_type(app: tuple[Workspace, Path]) -> None:
    trigger = opened(app, "modules/watch-contacts/api.iml.json")
    keys = labels(trigger, '"response": {')
    assert {"trigger", "iterate", "output", "limit"} <= set(keys) and "data" not in keys
    connection = opened(app, "connections/acme/api.iml.json")
    assert "pagination" not in labels(connection, '"url": "https://api.acme.example/me", ')


def test_hover_says_where_a_connection_value_comes_from_and_knows_custom_functions(app: tuple[Workspace, Path]) -> None:
    module = opened(app, "modules/list-contacts/api.iml.json")
    found = hover(module, module.text.index("toCents") + 2)
    assert found is not None and "custom IML function of this app (1 argument)" in found.markdown
    retry = hover(module, module.text.index("retry-after") + 2)
    assert retry is not None and retry.markdown.startswith("`` headers.`retry-after` `` — ")


def test_links_lead_from_rpc_names_and_manifest_paths_to_the_files(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    (root / "modules/list-contacts/expect.iml.json").write_text(
        '[{"name": "zone", "type": "select", "options": "rpc://listRegions?all=true"}]', encoding="utf-8"
    )
    workspace.file_changed(str(root / "modules/list-contacts/expect.iml.json"))
    expect = opened(app, "modules/list-contacts/expect.iml.json")
    [link] = document_links(workspace, expect)
    assert expect.text[link.start : link.end] == "rpc://listRegions"
    assert link.target == str(root / "rpcs/list-regions/api.iml.json")
    manifest = opened(app, "makecomapp.json")
    targets = {Path(link.target).relative_to(root).as_posix() for link in document_links(workspace, manifest)}
    assert targets == {name for name in FILES if name != "makecomapp.json"}


def test_workspace_symbols_list_components_requests_and_parameters(app: tuple[Workspace, Path]) -> None:
    workspace, root = app
    paths = sorted(str(root / name) for name in FILES if not name.endswith(".js"))
    found = {(symbol.kind, symbol.name) for symbol in workspace_symbols(workspace, paths, "")}
    assert {("component", "listContacts"), ("component", "contactEvents"), ("parameter", "apiKey")} <= found
    assert ("request", "POST https://api.acme.example/hooks") in found
    assert {symbol.name for symbol in workspace_symbols(workspace, paths, "lstcnt")} == {"listContacts"}
