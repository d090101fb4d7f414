"""The rules that read the whole app, per component kind and module type: a wrong and a right case each.

Every case writes one file into a small app (a ``makecomapp.json`` with a basic and an OAuth
connection, a module of each type, an RPC, a webhook, a custom function and base, in the default
layout) and compares everything reported in that file: ``(code, the source text under it)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks import diagnostics


def code_file(kind: str, name: str, code: str) -> str:
    return f"{kind}s/{name}/{name}.{code}.iml.json"


def module(name: str, code: str = "communication") -> str:
    return code_file("module", name, code)


def component(kind: str, name: str, codes: list[str], **facts: str) -> dict[str, object]:
    return {**facts, "codeFiles": {code: code_file(kind, name, code) for code in codes}}


MODULE_CODES = ["communication", "static-params", "mappable-params", "interface"]
MANIFEST = {
    "fileVersion": 1,
    "generalCodeFiles": {"base": "general/base.iml.json"},
    "components": {
        "connection": {
            "acme": component("connection", "acme", ["communication", "params"], connectionType="basic"),
            "acme-oauth": {
                "connectionType": "oauth",
                "codeFiles": {
                    "communication": "connections/acme-oauth/acme-oauth.oauth-communication.iml.json",
                    "params": "connections/acme-oauth/acme-oauth.params.iml.json",
                },
            },
        },
        "module": {
            "list": component("module", "list", MODULE_CODES, moduleType="search", connection="acme"),
            "create": component("module", "create", MODULE_CODES, moduleType="action", connection="acme"),
            "watch": component("module", "watch", [*MODULE_CODES, "epoch"], moduleType="trigger", connection="acme"),
            "on-event": component("module", "on-event", MODULE_CODES, moduleType="instant_trigger", webhook="hook"),
            "call": component("module", "call", MODULE_CODES, moduleType="universal", connection="acme"),
            "reply": component("module", "reply", MODULE_CODES, moduleType="responder"),
            "untyped": component("module", "untyped", MODULE_CODES, connection="acme"),
            "oauth-list": component("module", "oauth-list", MODULE_CODES, moduleType="search", connection="acme-oauth"),
        },
        "rpc": {"list-fields": component("rpc", "list-fields", ["communication", "params"], connection="acme")},
        "webhook": {
            "hook": component(
                "webhook",
                "hook",
                ["communication", "params", "attach", "detach", "update"],
                webhookType="web",
                connection="acme",
            )
        },
        "function": {"slugify": {"codeFiles": {"code": "functions/slugify/slugify.code.js"}}},
    },
}

SANITIZED = {"sanitize": ["request.headers.authorization"]}
ITEMS = {"iterate": "{{body.items}}", "output": "{{item}}"}
TRIGGER = {"id": "{{item.id}}", "date": "{{item.created}}", "type": "date", "order": "desc"}
ACME_CONNECTION = {
    "url": "https://api.example.com/v1/me",
    "headers": {"authorization": "Bearer {{parameters.apiKey}}"},
    "log": SANITIZED,
    "response": {"data": {"userId": "{{body.id}}"}},
}
TOKEN_STAGE = {
    "url": "https://auth.example.com/token",
    "method": "POST",
    "body": {"code": "{{temp.code}}", "client_secret": "{{parameters.clientSecret}}"},
    "response": {"data": {"accessToken": "{{body.access_token}}", "refreshToken": "{{body.refresh_token}}"}},
}
OAUTH_CONNECTION = {
    "authorize": {
        "url": "https://auth.example.com/authorize",
        "qs": {"client_id": "{{parameters.clientId}}", "redirect_uri": "{{oauth.localRedirectUri}}"},
        "response": {"temp": {"code": "{{query.code}}"}},
    },
    "token": TOKEN_STAGE,
}
MODULE_PARAMS = {
    "static-params": [{"name": "limit", "type": "uinteger", "label": "Limit"}],
    "mappable-params": [
        {"name": "name", "type": "text", "label": "Name"},
        {
            "name": "kind",
            "type": "select",
            "label": "Kind",
            "options": [{"label": "Person", "value": "person", "nested": [{"name": "birthday", "type": "date"}]}],
        },
        {"name": "field", "type": "select", "label": "Field", "options": "rpc://list-fields"},
    ],
    "interface": [{"name": "id", "type": "text", "label": "ID"}],
}
APP: dict[str, object] = {
    "makecomapp.json": MANIFEST,
    "general/base.iml.json": {
        "baseUrl": "https://api.example.com/v1",
        "headers": {"x-api-key": "{{connection.apiKey}}"},
        "log": {"sanitize": ["request.headers.x-api-key"]},
    },
    code_file("connection", "acme", "communication"): ACME_CONNECTION,
    code_file("connection", "acme", "params"): [
        {"name": "apiKey", "type": "password", "label": "API key"},
        {"name": "region", "type": "select", "label": "Region", "options": [{"label": "EU", "value": "eu"}]},
    ],
    "connections/acme-oauth/acme-oauth.oauth-communication.iml.json": OAUTH_CONNECTION,
    "connections/acme-oauth/acme-oauth.params.iml.json": [
        {"name": "clientId", "type": "text", "label": "Client ID"},
        {"name": "clientSecret", "type": "password", "label": "Client secret"},
    ],
    **{
        module(name, code): params
        for name in MANIFEST["components"]["module"]  # type: ignore[index]
        for code, params in MODULE_PARAMS.items()
    },
    module("list"): {"url": "/contacts", "response": ITEMS},
    module("create"): {"url": "/contacts", "method": "POST", "response": {"output": "{{body}}"}},
    module("watch"): {"url": "/contacts", "response": {**ITEMS, "trigger": TRIGGER}},
    module("watch", "epoch"): {
        "url": "/contacts",
        "response": {"iterate": "{{body.items}}", "output": {"label": "{{item.name}}", "date": "{{item.created}}"}},
    },
    module("on-event"): {"response": {"output": "{{body}}"}},
    module("call", "mappable-params"): [
        {"name": "url", "type": "text", "label": "URL", "help": "Relative to https://api.example.com/v1"},
        {"name": "body", "type": "any", "label": "Body"},
    ],
    module("call"): {
        "url": "/{{parameters.url}}",
        "method": "POST",
        "body": "{{parameters.body}}",
        "response": {"output": "{{body}}"},
    },
    module("reply"): {"response": {"status": 200, "body": "{{parameters.name}}"}},
    module("untyped"): {"url": "/contacts", "response": ITEMS},
    module("oauth-list"): {"url": "/contacts", "response": ITEMS},
    code_file("rpc", "list-fields", "communication"): {"url": "/fields", "response": ITEMS},
    code_file("rpc", "list-fields", "params"): [],
    code_file("webhook", "hook", "communication"): {"output": "{{body}}"},
    code_file("webhook", "hook", "params"): [{"name": "events", "type": "text", "label": "Events"}],
    code_file("webhook", "hook", "attach"): {
        "url": "/hooks",
        "method": "POST",
        "body": {"url": "{{webhook.url}}", "events": "{{webhook.events}}"},
        "response": {"data": {"hookId": "{{body.id}}"}},
    },
    code_file("webhook", "hook", "detach"): {"url": "/hooks/{{webhook.hookId}}", "method": "DELETE"},
    code_file("webhook", "hook", "update"): {"url": "/hooks/{{webhook.hookId}}", "method": "PUT"},
    "functions/slugify/slugify.code.js": "function slugify(text) {\n    return iml.lower(text).replace(/ /g, '-');\n}\n",
}
"""The app every case starts from; it checks clean (see the first test)."""

Found = list[tuple[str, str]]
CheckFile = Callable[..., Found]


def write(root: Path, path: str, content: object) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content if isinstance(content, str) else json.dumps(content, indent=4), encoding="utf-8")


def analyse(root: Path, path: str) -> Analysis:
    analysis = Workspace().analysis(str(root / path))
    assert analysis is not None
    return analysis


def reported(analysis: Analysis) -> Found:
    return [(d.rule.code, analysis.text[d.start : d.end]) for d in diagnostics(analysis)]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    for path, content in APP.items():
        write(tmp_path, path, content)
    return tmp_path


@pytest.fixture
def check(app: Path) -> CheckFile:
    """``check(path, content, **{other path: content or None})`` → what the file reports."""

    def run(path: str, content: object, others: dict[str, object | None] | None = None) -> Found:
        for other, other_content in (others or {}).items():
            if other_content is None:
                (app / other).unlink()
            else:
                write(app, other, other_content)
        write(app, path, content)
        return reported(analyse(app, path))

    return run


def test_the_starting_app_is_clean(app: Path) -> None:
    for path in APP:
        if path.endswith(".js"):
            continue
        analysis = analyse(app, path)
        assert analysis.place is not None, path
        assert reported(analysis) == [], path


# IML201 unknown-parameter ----------------------------------------------------------------------

PARAMETER_CASES = [
    ("static", module("list"), "{{parameters.limit}}", []),
    ("mappable", module("list"), "{{parameters.name}}", []),
    ("nested", module("create"), "{{parameters.birthday}}", []),
    ("missing-in-search", module("list"), "{{parameters.nmae}}", [("IML201", "nmae")]),
    ("missing-in-action", module("create"), "{{parameters.limt}}", [("IML201", "limt")]),
    ("missing-in-trigger", module("watch"), "{{parameters.since}}", [("IML201", "since")]),
    ("missing-in-instant-trigger", module("on-event"), "{{parameters.since}}", [("IML201", "since")]),
    ("rpc-is-not-checked", code_file("rpc", "list-fields", "communication"), "{{parameters.anything}}", []),
    ("webhook-parameter", code_file("webhook", "hook", "attach"), "{{parameters.events}}", []),
    (
        "missing-in-webhook-attach",
        code_file("webhook", "hook", "attach"),
        "{{parameters.event}}",
        [("IML201", "event")],
    ),
]


@pytest.mark.parametrize(
    ("path", "expression", "expected"),
    [case[1:] for case in PARAMETER_CASES],
    ids=[case[0] for case in PARAMETER_CASES],
)
def test_unknown_parameter_per_component(check: CheckFile, path: str, expression: str, expected: Found) -> None:
    response = {"output": "{{body}}", **({"trigger": TRIGGER} if path == module("watch") else {})}
    assert (
        check(path, {"url": "https://api.example.com/v1/contacts", "qs": {"q": expression}, "response": response})
        == expected
    )


def test_unknown_parameter_in_a_module_names_the_module_parameters_and_suggests(app: Path) -> None:
    write(app, module("list"), {"url": "/contacts", "qs": {"q": "{{parameters.nmae}}"}, "response": ITEMS})
    [diagnostic] = diagnostics(analyse(app, module("list")))
    assert diagnostic.message.startswith("The module's parameters declare no parameter `nmae`.")
    assert diagnostic.fixes[0].edits[0].new_text == "name"


def test_a_parameter_list_with_fields_from_an_rpc_is_not_checked(check: CheckFile) -> None:
    dynamic = [{"name": "name", "type": "text"}, "rpc://list-fields"]
    request = {"url": "/contacts", "qs": {"q": "{{parameters.customField}}"}, "response": ITEMS}
    assert check(module("list"), request, {module("list", "mappable-params"): dynamic}) == []
    nested = [{"name": "kind", "type": "select", "options": [{"value": "a", "nested": "rpc://list-fields"}]}]
    assert check(module("list"), request, {module("list", "mappable-params"): nested}) == []
    options_only = [{"name": "field", "type": "select", "options": "rpc://list-fields"}]
    assert check(module("list"), request, {module("list", "mappable-params"): options_only}) == [
        ("IML201", "customField")
    ]


# IML203 variable-out-of-scope ------------------------------------------------------------------

ACME = code_file("connection", "acme", "communication")
OAUTH = "connections/acme-oauth/acme-oauth.oauth-communication.iml.json"
BASE = "general/base.iml.json"


def test_connection_inside_a_basic_connection(check: CheckFile) -> None:
    wrong = {**ACME_CONNECTION, "qs": {"user": "{{connection.userId}}"}}
    assert check(ACME, wrong) == [("IML203", "connection")]
    right = {**ACME_CONNECTION, "qs": {"region": "{{parameters.region}}"}}
    assert check(ACME, right) == []


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("preauthorize", [("IML203", "connection")]),
        ("authorize", [("IML203", "connection")]),
        ("token", [("IML203", "connection")]),
        ("info", []),
        ("refresh", []),
        ("invalidate", []),
    ],
)
def test_connection_in_oauth_stages_only_after_the_token(check: CheckFile, stage: str, expected: Found) -> None:
    request = {
        "url": "https://api.example.com/v1/me",
        "headers": {"authorization": "Bearer {{connection.accessToken}}"},
        "log": SANITIZED,
    }
    existing = OAUTH_CONNECTION.get(stage, {})
    assert check(OAUTH, {**OAUTH_CONNECTION, stage: {**existing, **request}}) == expected


def test_base_may_read_the_connection(check: CheckFile) -> None:
    base = {"baseUrl": "https://api.example.com/v1", "qs": {"region": "{{connection.region}}"}}
    assert check(BASE, base) == []


VARIABLE_CASES = [
    ("webhook-in-connection", ACME, {**ACME_CONNECTION, "qs": {"x": "{{webhook.id}}"}}, [("IML203", "webhook")]),
    ("item-in-connection", ACME, {**ACME_CONNECTION, "qs": {"x": "{{item.id}}"}}, [("IML203", "item")]),
    (
        "oauth-in-module",
        module("list"),
        {"url": "/contacts", "qs": {"x": "{{oauth.scope}}"}, "response": ITEMS},
        [("IML203", "oauth")],
    ),
    (
        "query-in-module",
        module("list"),
        {"url": "/contacts", "qs": {"x": "{{query.code}}"}, "response": ITEMS},
        [("IML203", "query")],
    ),
    (
        "body-in-module-request",
        module("list"),
        {"url": "/contacts/{{body.id}}", "response": ITEMS},
        [("IML203", "body")],
    ),
    (
        "body-in-pagination",
        module("list"),
        {"url": "/contacts", "pagination": {"qs": {"cursor": "{{body.next}}"}}, "response": ITEMS},
        [],
    ),
    (
        "webhook-in-detach",
        code_file("webhook", "hook", "detach"),
        {"url": "/hooks/{{webhook.hookId}}", "method": "DELETE"},
        [],
    ),
    (
        "body-in-webhook-communication",
        code_file("webhook", "hook", "communication"),
        {"output": "{{body.contact}}", "uid": "{{headers.`x-account`}}"},
        [],
    ),
    (
        "metadata-in-module",
        module("create"),
        {"url": "/contacts", "method": "POST", "body": "{{metadata.expect}}", "response": {"output": "{{body}}"}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("path", "content", "expected"), [case[1:] for case in VARIABLE_CASES], ids=[case[0] for case in VARIABLE_CASES]
)
def test_variables_per_component(check: CheckFile, path: str, content: object, expected: Found) -> None:
    assert check(path, content) == expected


# IML204 unknown-connection-value ---------------------------------------------------------------

CONNECTION_VALUE_CASES = [
    ("saved-key", module("list"), "{{connection.userId}}", []),
    ("parameter", module("list"), "{{connection.apiKey}}", []),
    ("misspelt-in-search", module("list"), "{{connection.userID}}", [("IML204", "userID")]),
    ("misspelt-in-action", module("create"), "{{connection.apikey}}", [("IML204", "apikey")]),
    ("in-untyped-module", module("untyped"), "{{connection.tenant}}", [("IML204", "tenant")]),
    ("in-rpc", code_file("rpc", "list-fields", "communication"), "{{connection.tenant}}", [("IML204", "tenant")]),
    ("in-webhook-attach", code_file("webhook", "hook", "attach"), "{{connection.tenant}}", [("IML204", "tenant")]),
    (
        "instant-trigger-reads-its-webhook-connection",
        module("on-event"),
        "{{connection.tenant}}",
        [("IML204", "tenant")],
    ),
    ("instant-trigger-right", module("on-event"), "{{connection.userId}}", []),
    ("oauth-token-key", module("oauth-list"), "{{connection.accessToken}}", []),
    ("oauth-parameter", module("oauth-list"), "{{connection.clientId}}", []),
    ("oauth-misspelt", module("oauth-list"), "{{connection.acessToken}}", [("IML204", "acessToken")]),
    ("module-without-connection", module("reply"), "{{connection.anything}}", []),
]


@pytest.mark.parametrize(
    ("path", "expression", "expected"),
    [case[1:] for case in CONNECTION_VALUE_CASES],
    ids=[case[0] for case in CONNECTION_VALUE_CASES],
)
def test_connection_values(check: CheckFile, path: str, expression: str, expected: Found) -> None:
    request = {"url": "/contacts", "qs": {"x": expression}, "response": {"output": "{{body}}"}}
    assert check(path, request) == expected


def test_unknown_connection_value_names_the_connection_and_suggests(app: Path) -> None:
    write(app, module("list"), {"url": "/contacts", "qs": {"x": "{{connection.userID}}"}, "response": ITEMS})
    [diagnostic] = diagnostics(analyse(app, module("list")))
    assert "connection `acme`" in diagnostic.message and "`userId`" in diagnostic.message
    assert diagnostic.fixes[0].edits[0].new_text == "userId"


def test_connection_values_known_only_at_run_time_are_not_checked(check: CheckFile) -> None:
    request = {"url": "/contacts", "qs": {"x": "{{connection.tenant}}"}, "response": ITEMS}
    spread = {**ACME_CONNECTION, "response": {"data": "{{body}}"}}
    assert check(module("list"), request, {ACME: spread}) == []
    dynamic_key = {**ACME_CONNECTION, "response": {"data": {"{{body.key}}": "{{body.value}}"}}}
    assert check(module("list"), request, {ACME: dynamic_key}) == []
    fields_from_rpc = [{"name": "apiKey", "type": "password"}, "rpc://list-fields"]
    assert (
        check(
            module("list"), request, {ACME: ACME_CONNECTION, code_file("connection", "acme", "params"): fields_from_rpc}
        )
        == []
    )


# IML205 unknown-webhook-value ------------------------------------------------------------------

WEBHOOK_VALUE_CASES = [
    ("saved-key-in-detach", "detach", "{{webhook.hookId}}", []),
    ("make-id-and-url", "detach", "{{webhook.id}}-{{webhook.url}}", []),
    ("webhook-parameter", "detach", "{{webhook.events}}", []),
    ("misspelt-in-detach", "detach", "{{webhook.hookID}}", [("IML205", "hookID")]),
    ("misspelt-in-update", "update", "{{webhook.hook_id}}", [("IML205", "hook_id")]),
]


@pytest.mark.parametrize(
    ("code", "expression", "expected"),
    [case[1:] for case in WEBHOOK_VALUE_CASES],
    ids=[case[0] for case in WEBHOOK_VALUE_CASES],
)
def test_webhook_values(check: CheckFile, code: str, expression: str, expected: Found) -> None:
    assert check(code_file("webhook", "hook", code), {"url": f"/hooks/{expression}", "method": "DELETE"}) == expected


def test_webhook_values_are_not_checked_when_attach_saves_an_expression(check: CheckFile) -> None:
    attach = {"url": "/hooks", "method": "POST", "response": {"data": "{{body}}"}}
    detach = {"url": "/hooks/{{webhook.anything}}", "method": "DELETE"}
    assert check(code_file("webhook", "hook", "detach"), detach, {code_file("webhook", "hook", "attach"): attach}) == []


# IML206 unknown-rpc ----------------------------------------------------------------------------

RPC_CASES = [
    ("mappable-right", module("list", "mappable-params"), "rpc://list-fields", []),
    ("with-a-query", module("list", "mappable-params"), "rpc://list-fields?type=contact", []),
    ("an-expression", module("list", "mappable-params"), "rpc://{{parameters.source}}", []),
    ("mappable-wrong", module("list", "mappable-params"), "rpc://missing", [("IML206", "missing")]),
    ("static-wrong", module("watch", "static-params"), "rpc://list-field", [("IML206", "list-field")]),
    ("interface-wrong", module("create", "interface"), "rpc://output-fields", [("IML206", "output-fields")]),
    ("connection-params-wrong", code_file("connection", "acme", "params"), "rpc://regions", [("IML206", "regions")]),
]


@pytest.mark.parametrize(
    ("path", "reference", "expected"), [case[1:] for case in RPC_CASES], ids=[case[0] for case in RPC_CASES]
)
def test_rpc_references(check: CheckFile, path: str, reference: str, expected: Found) -> None:
    params = [
        {"name": "apiKey", "type": "password", "label": "API key"},
        {"name": "field", "type": "select", "label": "Field", "options": reference},
    ]
    assert check(path, params) == expected


def test_unknown_rpc_suggests_the_nearest(app: Path) -> None:
    write(app, module("list", "mappable-params"), [{"name": "field", "type": "select", "options": "rpc://list-field"}])
    [diagnostic] = diagnostics(analyse(app, module("list", "mappable-params")))
    assert diagnostic.fixes[0].edits[0].new_text == "list-fields"


# IML207 legacy-redirect-uri --------------------------------------------------------------------


def test_legacy_redirect_uri(check: CheckFile) -> None:
    authorize = OAUTH_CONNECTION["authorize"]
    legacy = {**authorize, "qs": {"client_id": "{{parameters.clientId}}", "redirect_uri": "{{oauth.redirectUri}}"}}
    assert check(OAUTH, {**OAUTH_CONNECTION, "authorize": legacy}) == [("IML207", "redirectUri")]
    assert check(OAUTH, OAUTH_CONNECTION) == []


# IML208 key-not-in-recording -------------------------------------------------------------------


def recording_of(path: str, body: object) -> dict[str, object]:
    """A recording beside ``path`` (one JSON response to its first request)."""
    recording = {"exchanges": [{"label": "request", "response": {"status": 200, "json": body}}]}
    return {path.replace(".iml.json", ".response.json"): recording}


RECORDED_CASES = [
    ("search-item", module("list"), {**ITEMS, "output": {"n": "{{item.nmae}}"}}, [("IML208", "nmae")]),
    ("search-item-right", module("list"), {**ITEMS, "output": {"n": "{{item.name}}"}}, []),
    ("rpc-body", code_file("rpc", "list-fields", "communication"), {"iterate": "{{body.item}}"}, [("IML208", "item")]),
    (
        "attach-data",
        code_file("webhook", "hook", "attach"),
        {"data": {"h": "{{body.hook_id}}"}},
        [("IML208", "hook_id")],
    ),
    ("attach-data-right", code_file("webhook", "hook", "attach"), {"data": {"h": "{{body.hookId}}"}}, []),
    (
        "epoch-output",
        module("watch", "epoch"),
        {**ITEMS, "output": {"label": "{{item.Name}}", "date": "{{item.created}}"}},
        [("IML208", "Name")],
    ),
    ("optional-key", module("list"), {**ITEMS, "output": {"phone": "{{item.phone}}"}}, []),
    (
        "trigger-date",
        module("watch"),
        {**ITEMS, "trigger": {"id": "{{item.id}}", "date": "{{item.date}}", "type": "date", "order": "desc"}},
        [("IML208", "date")],
    ),
    ("error-body", module("list"), {**ITEMS, "error": "{{body.message}}"}, []),
]


@pytest.mark.parametrize(
    ("path", "response", "expected"), [case[1:] for case in RECORDED_CASES], ids=[case[0] for case in RECORDED_CASES]
)
def test_keys_not_in_the_recording(check: CheckFile, path: str, response: dict[str, object], expected: Found) -> None:
    body = {"items": [{"id": 1, "name": "Zoë", "created": "2026-11-30"}], "hookId": "h-1"}
    assert check(path, {"url": "/x", "method": "POST", "response": response}, recording_of(path, body)) == expected


def test_keys_are_not_compared_without_a_recording(check: CheckFile) -> None:
    assert check(module("list"), {"url": "/x", "response": {**ITEMS, "output": "{{item.nmae}}"}}) == []


# IML403 directive-not-available ----------------------------------------------------------------

DIRECTIVE_CASES = [
    (
        "limit-in-action",
        module("create"),
        {"url": "/contacts", "response": {"output": "{{body}}", "limit": 1}},
        [("IML403", '"limit"')],
    ),
    (
        "limit-in-search",
        module("list"),
        {"url": "/contacts", "response": {**ITEMS, "limit": "{{parameters.limit}}"}},
        [],
    ),
    (
        "pagination-in-instant-trigger",
        module("on-event"),
        {"url": "/contacts", "pagination": {"qs": {"page": 2}}, "response": {"output": "{{body}}"}},
        [("IML403", '"pagination"')],
    ),
    (
        "iterate-in-instant-trigger",
        module("on-event"),
        {"url": "/contacts", "response": ITEMS},
        [("IML403", '"iterate"')],
    ),
    (
        "pagination-in-responder",
        module("reply"),
        {"pagination": {"qs": {"page": 2}}, "response": {"status": 200}},
        [("IML403", '"pagination"')],
    ),
    (
        "pagination-in-search",
        module("list"),
        {"url": "/contacts", "pagination": {"qs": {"page": 2}}, "response": ITEMS},
        [],
    ),
    (
        "pagination-in-rpc",
        code_file("rpc", "list-fields", "communication"),
        {"url": "/fields", "pagination": {"qs": {"page": 2}}, "response": ITEMS},
        [],
    ),
    (
        "data-in-module",
        module("list"),
        {"url": "/contacts", "response": {**ITEMS, "data": {"x": 1}}},
        [("IML403", '"data"')],
    ),
    (
        "data-in-rpc",
        code_file("rpc", "list-fields", "communication"),
        {"url": "/fields", "response": {**ITEMS, "data": {"x": 1}}},
        [("IML403", '"data"')],
    ),
    (
        "data-in-attach",
        code_file("webhook", "hook", "attach"),
        {"url": "/hooks", "response": {"data": {"hookId": "{{body.id}}"}}},
        [],
    ),
    (
        "metadata-in-module",
        module("create"),
        {"url": "/contacts", "response": {"output": "{{body}}", "metadata": {"value": "x"}}},
        [("IML403", '"metadata"')],
    ),
    (
        "trigger-in-search",
        module("list"),
        {"url": "/contacts", "response": {**ITEMS, "trigger": TRIGGER}},
        [("IML403", '"trigger"')],
    ),
    (
        "status-in-search",
        module("list"),
        {"url": "/contacts", "response": {**ITEMS, "status": 200}},
        [("IML403", '"status"')],
    ),
    (
        "status-in-responder",
        module("reply"),
        {"response": {"status": 201, "headers": {"x-id": "1"}, "body": "{{parameters.name}}"}},
        [],
    ),
    (
        "untyped-module-allows-every-module-directive",
        module("untyped"),
        {"url": "/contacts", "response": {**ITEMS, "limit": 1, "trigger": TRIGGER}},
        [],
    ),
    (
        "aws-in-attach",
        code_file("webhook", "hook", "attach"),
        {"url": "/hooks", "aws": {"key": "{{parameters.events}}"}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("path", "content", "expected"), [case[1:] for case in DIRECTIVE_CASES], ids=[case[0] for case in DIRECTIVE_CASES]
)
def test_directives_per_component(check: CheckFile, path: str, content: object, expected: Found) -> None:
    assert check(path, content) == expected


def test_a_module_only_directive_in_a_connection_is_an_unknown_key(check: CheckFile) -> None:
    assert check(ACME, {**ACME_CONNECTION, "response": {"limit": 1}}) == [("IML401", '"limit"')]


def test_the_message_names_the_module_type(app: Path) -> None:
    write(app, module("create"), {"url": "/contacts", "response": {"output": "{{body}}", "limit": 1}})
    [diagnostic] = diagnostics(analyse(app, module("create")))
    assert "an action module" in diagnostic.message


# IML404 relative-url-in-connection / IML405 relative-url-without-base --------------------------


def test_relative_url_in_a_connection(check: CheckFile) -> None:
    assert check(ACME, {**ACME_CONNECTION, "url": "/me"}) == [("IML404", '"/me"')]
    info = {"url": "/me", "headers": {"x": "1"}}
    assert check(OAUTH, {**OAUTH_CONNECTION, "info": info}) == [("IML404", '"/me"')]
    assert check(ACME, {**ACME_CONNECTION, "url": "{{common.apiUrl}}/me"}) == []
    assert check(ACME, ACME_CONNECTION) == []


def test_a_connection_file_outside_any_app_may_be_relative(tmp_path: Path) -> None:
    write(tmp_path, "acme.communication.iml.json", {"url": "/me"})
    assert reported(analyse(tmp_path, "acme.communication.iml.json")) == []


BASE_WITHOUT_URL = {"headers": {"accept": "application/json"}}
RELATIVE_CASES = [
    ("search", module("list"), {"url": "/contacts", "response": ITEMS}),
    ("action", module("create"), {"url": "/contacts", "method": "POST", "response": {"output": "{{body}}"}}),
    (
        "trigger-epoch",
        module("watch", "epoch"),
        {
            "url": "/contacts",
            "response": {"iterate": "{{body.items}}", "output": {"label": "{{item.name}}", "date": "{{item.created}}"}},
        },
    ),
    ("rpc", code_file("rpc", "list-fields", "communication"), {"url": "/fields", "response": ITEMS}),
]


@pytest.mark.parametrize(
    ("path", "content"), [case[1:] for case in RELATIVE_CASES], ids=[case[0] for case in RELATIVE_CASES]
)
def test_relative_url_without_base_url(check: CheckFile, path: str, content: object) -> None:
    assert check(path, content, {BASE: BASE_WITHOUT_URL}) == [
        ("IML405", '"/contacts"' if "rpc" not in path else '"/fields"')
    ]
    assert check(path, content, {BASE: {**BASE_WITHOUT_URL, "baseUrl": "https://api.example.com/v1"}}) == []
    absolute = {**content, "url": "https://api.example.com/v1/items"}  # type: ignore[dict-item]
    assert check(path, absolute, {BASE: BASE_WITHOUT_URL}) == []


# IML406 missing-trigger ------------------------------------------------------------------------


def test_a_polling_trigger_needs_a_trigger_directive(check: CheckFile) -> None:
    assert check(module("watch"), {"url": "/contacts", "response": ITEMS}) == [("IML406", "{")]
    assert check(module("watch"), {"url": "/contacts", "response": {**ITEMS, "trigger": TRIGGER}}) == []
    token = {"url": "/token", "response": {"temp": {"token": "{{body.token}}"}}}
    last = {"url": "/contacts", "response": {**ITEMS, "trigger": TRIGGER}}
    assert check(module("watch"), [token, last]) == []


def test_only_polling_triggers_need_a_trigger_directive(check: CheckFile) -> None:
    assert check(module("list"), {"url": "/contacts", "response": ITEMS}) == []
    assert check(module("untyped"), {"url": "/contacts", "response": ITEMS}) == []
    epoch = {
        "url": "/contacts",
        "response": {"iterate": "{{body.items}}", "output": {"label": "{{item.name}}", "date": "{{item.created}}"}},
    }
    assert check(module("watch", "epoch"), epoch) == []


# IML407 parameters-not-a-list ------------------------------------------------------------------

ONE_PARAMETER = {"name": "limit", "type": "uinteger", "label": "Limit"}


@pytest.mark.parametrize(
    "path",
    [
        module("list", "static-params"),
        module("create", "mappable-params"),
        module("list", "interface"),
        code_file("connection", "acme", "params"),
        code_file("webhook", "hook", "params"),
    ],
)
def test_a_parameter_file_holds_an_array(check: CheckFile, path: str) -> None:
    assert check(path, ONE_PARAMETER) == [("IML407", "{")]
    assert check(path, [ONE_PARAMETER]) == []
    assert check(path, []) == []


def test_one_parameter_written_as_an_object_is_put_in_an_array_by_the_fix(app: Path) -> None:
    path = module("list", "static-params")
    write(app, path, ONE_PARAMETER)
    analysis = analyse(app, path)
    [diagnostic] = diagnostics(analysis)
    [fix] = diagnostic.fixes
    text = analysis.text
    for edit in sorted(fix.edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    assert json.loads(text) == [ONE_PARAMETER]
    write(app, path, {"url": "/contacts", "method": "GET"})  # not a parameter: no fix can say what was meant
    [diagnostic] = diagnostics(analyse(app, path))
    assert diagnostic.fixes == ()


def test_reads_beside_an_object_for_parameters_are_not_reported_as_unknown(check: CheckFile) -> None:
    """The object declares nothing Make can read: IML407 says so in that file, not IML201 at every read."""
    request = {"url": "/contacts", "qs": {"limit": "{{parameters.limit}}"}, "response": ITEMS}
    misplaced = {module("list", "static-params"): {"url": "/contacts", "method": "GET"}}
    assert check(module("list"), request, misplaced) == []
    listed = {module("list", "static-params"): [{"name": "max", "type": "uinteger"}]}
    assert check(module("list"), request, listed) == [("IML201", "limit")]


# IML603 universal-url-from-input ---------------------------------------------------------------

OUTPUT_BODY = {"output": "{{body}}"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("{{parameters.url}}", [("IML603", "{{parameters.url}}")]),
        (" {{ifempty(parameters.url, '/me')}}", [("IML603", " {{ifempty(parameters.url, '/me')}}")]),
        ("{{parameters.url}}/items", [("IML603", "{{parameters.url}}/items")]),
        ("/{{parameters.url}}", []),
        ("https://api.example.com/{{parameters.url}}", []),
        ("{{connection.apiKey}}/{{parameters.url}}", []),  # the connection's own host, not the user's input
    ],
)
def test_a_universal_module_s_url_does_not_start_with_the_user_s_input(
    check: CheckFile, url: str, expected: Found
) -> None:
    assert check(module("call"), {"url": url, "response": OUTPUT_BODY}) == expected


def test_only_a_universal_module_s_url_is_checked_so(check: CheckFile) -> None:
    assert check(module("create"), {"url": "{{parameters.name}}", "response": OUTPUT_BODY}) == []


def test_the_fix_puts_base_s_url_first_when_base_has_one(app: Path) -> None:
    write(app, module("call"), {"url": "{{parameters.url}}", "response": OUTPUT_BODY})
    analysis = analyse(app, module("call"))
    [diagnostic] = diagnostics(analysis)
    [edit] = diagnostic.fixes[0].edits
    fixed = analysis.text[: edit.start] + edit.new_text + analysis.text[edit.end :]
    assert json.loads(fixed)["url"] == "/{{parameters.url}}"
    write(app, BASE, BASE_WITHOUT_URL)  # a `/` would then be a URL with nothing before it (IML405)
    [diagnostic] = diagnostics(analyse(app, module("call")))
    assert diagnostic.rule.code == "IML603" and diagnostic.fixes == ()


# IML601 secret-parameter-as-text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "type_", "expected"),
    [
        ("apiKey", "text", [("IML601", '"text"')]),
        ("client_secret", "text", [("IML601", '"text"')]),
        ("accessToken", "text", [("IML601", '"text"')]),
        ("password", "text", [("IML601", '"text"')]),
        ("apiKey", "password", []),
        ("tokenUrl", "text", []),
        ("apiKeyName", "text", []),
        ("username", "text", []),
    ],
)
def test_secret_parameters_in_a_connection(check: CheckFile, name: str, type_: str, expected: Found) -> None:
    assert check(code_file("connection", "acme", "params"), [{"name": name, "type": type_, "label": name}]) == expected


def test_secret_parameter_fix_changes_the_type_to_password(app: Path) -> None:
    path = code_file("connection", "acme", "params")
    write(app, path, [{"name": "apiKey", "type": "text", "label": "API key"}])
    [diagnostic] = diagnostics(analyse(app, path))
    assert diagnostic.fixes[0].edits[0].new_text == '"password"'


def test_module_parameters_are_not_connection_secrets(check: CheckFile) -> None:
    params = [{"name": "name", "type": "text"}, {"name": "password", "type": "text", "label": "New user's password"}]
    assert check(module("create", "mappable-params"), params) == []


# IML602 unsanitized-secret ---------------------------------------------------------------------

SECRET_CASES = [
    (
        "authorization-header",
        {"url": "https://api.example.com/v1/me", "headers": {"authorization": "Bearer {{parameters.apiKey}}"}},
        [("IML602", '"authorization"')],
    ),
    (
        "api-key-query",
        {"url": "https://api.example.com/v1/me", "qs": {"api_key": "{{parameters.apiKey}}"}},
        [("IML602", '"api_key"')],
    ),
    (
        "sanitized",
        {
            "url": "https://api.example.com/v1/me",
            "qs": {"api_key": "{{parameters.apiKey}}"},
            "log": {"sanitize": ["request.qs.api_key"]},
        },
        [],
    ),
    (
        "sanitized-with-backticks-in-another-case",  # a hyphenated name quoted as IML quotes it
        {
            "url": "https://api.example.com/v1/me",
            "headers": {"X-API-KEY": "{{parameters.apiKey}}"},
            "log": {"sanitize": ["request.headers.`x-api-key`"]},
        },
        [],
    ),
    ("literal-value", {"url": "https://api.example.com/v1/me", "headers": {"authorization": "Bearer public"}}, []),
    (
        "not-a-secret-name",
        {"url": "https://api.example.com/v1/me", "headers": {"x-region": "{{parameters.region}}"}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [case[1:] for case in SECRET_CASES], ids=[case[0] for case in SECRET_CASES]
)
def test_secrets_a_connection_sends(check: CheckFile, content: object, expected: Found) -> None:
    assert check(ACME, content) == expected


def test_secrets_in_oauth_stages(check: CheckFile) -> None:
    info = {"url": "https://api.example.com/v1/me", "headers": {"authorization": "Bearer {{connection.accessToken}}"}}
    assert check(OAUTH, {**OAUTH_CONNECTION, "info": info}) == [("IML602", '"authorization"')]
    assert check(OAUTH, {**OAUTH_CONNECTION, "info": {**info, "log": SANITIZED}}) == []


def test_secrets_base_sends(check: CheckFile) -> None:
    base = {"baseUrl": "https://api.example.com/v1", "headers": {"x-api-key": "{{connection.apiKey}}"}}
    assert check(BASE, base) == [("IML602", '"x-api-key"')]
    assert check(BASE, {**base, "log": {"sanitize": ["request.headers.x-api-key"]}}) == []


def test_base_log_sanitize_covers_the_modules_that_inherit_it(check: CheckFile) -> None:
    request = {"url": "/contacts", "headers": {"authorization": "Bearer {{connection.apiKey}}"}, "response": ITEMS}
    assert check(module("list"), request) == []


def test_base_log_sanitize_does_not_cover_a_connection(check: CheckFile) -> None:
    base = {"baseUrl": "https://api.example.com/v1", "log": {"sanitize": ["request.headers.authorization"]}}
    connection = {"url": "https://api.example.com/v1/me", "headers": {"authorization": "Bearer {{parameters.apiKey}}"}}
    assert check(ACME, connection, {BASE: base}) == [("IML602", '"authorization"')]


# Custom IML functions --------------------------------------------------------------------------


def test_a_custom_function_of_the_app_is_known(check: CheckFile) -> None:
    request = {
        "url": "/contacts",
        "method": "POST",
        "body": {"slug": "{{slugify(parameters.name)}}"},
        "response": {"output": "{{body}}"},
    }
    assert check(module("create"), request) == []
    misspelt = {**request, "body": {"slug": "{{slugfy(parameters.name)}}"}}
    assert check(module("create"), misspelt) == [("IML101", "slugfy")]
    assert check(module("create"), request, {"functions/slugify/slugify.code.js": None}) == [("IML101", "slugify")]


def test_unknown_parameter_in_a_connection_names_its_params_file(app: Path) -> None:
    write(app, ACME, {**ACME_CONNECTION, "qs": {"region": "{{parameters.regoin}}"}})
    [diagnostic] = diagnostics(analyse(app, ACME))
    assert diagnostic.message.startswith("The params file declares no parameter `regoin`.")


def test_a_manifest_without_components_links_modules_to_the_single_connection(tmp_path: Path) -> None:
    write(tmp_path, "makecomapp.json", {"fileVersion": 1, "origins": [{"appId": "acme", "appVersion": 1}]})
    write(tmp_path, code_file("connection", "acme", "communication"), ACME_CONNECTION)
    write(tmp_path, code_file("connection", "acme", "params"), APP[code_file("connection", "acme", "params")])
    write(
        tmp_path,
        module("list"),
        {"url": "https://api.example.com/v1/contacts", "qs": {"u": "{{connection.userID}}"}, "response": ITEMS},
    )
    assert reported(analyse(tmp_path, module("list"))) == [("IML204", "userID")]
