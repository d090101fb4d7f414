"""Property: an app built only from what the vocabulary tables allow in each component reports nothing.

Each generated app has a connection, base, and modules of random types whose requests use a random
subset of the directives the tables accept in that module type, with values Make accepts. A
diagnostic on such an app is a false alarm: the tables and the checks disagree.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics
from iml_ls.model.app import load_app
from iml_ls.model.schema import REQUEST_DIRECTIVES, RESPONSE_DIRECTIVES, Context

from ..app_files import write_files

MODULE_TYPES = {
    "action": Context.ACTION,
    "search": Context.SEARCH,
    "trigger": Context.TRIGGER,
    "instant_trigger": Context.INSTANT_TRIGGER,
    "universal": Context.UNIVERSAL,
}

REQUEST_VALUES: dict[str, object] = {
    "url": "/contacts/{{parameters.contactId}}",
    "method": "POST",
    "headers": {"accept": "application/json", "x-region": "{{connection.region}}"},
    "qs": {"page": "{{pagination.page}}"},
    "body": {"name": "{{parameters.name}}"},
    "type": "json",
    "temp": {"since": "{{formatDate(now, 'YYYY-MM-DD')}}"},
    "condition": "{{parameters.contactId}}",
    "encodeUrl": True,
    "gzip": False,
    "followRedirects": True,
    "followAllRedirects": False,
    "timeout": 30000,
    "log": {"sanitize": ["request.headers.authorization"]},
    "pagination": {"qs": {"page": "{{pagination.page + 1}}"}, "condition": "{{body.hasMore}}"},
    "repeat": {"condition": "{{body.status != 'done'}}", "delay": 1000, "limit": 10},
    "aws": {"key": "{{connection.region}}", "secret": "{{connection.apiKey}}"},
}
RESPONSE_VALUES: dict[str, object] = {
    "type": "json",
    "valid": "{{statusCode < 400}}",
    "error": {"message": "[{{statusCode}}] {{body.error}}", "type": "DataError"},
    "temp": {"count": "{{length(body.items)}}"},
    "output": "{{body}}",
    "iterate": "{{body.items}}",
    "limit": "{{parameters.limit}}",
    "wrapper": {"items": "{{output}}"},
    "trigger": {"id": "{{item.id}}", "date": "{{item.created}}", "type": "date", "order": "desc"},
}
NOT_GENERATED = {"oauth", "ca", "endpoint", "input", "response", "url"}
"""Directives whose values need more than a constant (OAuth 1.0 keys, a certificate, an SDK endpoint)."""

FILES = {
    "general/base.iml.json": {
        "baseUrl": "https://api.acme.example/v1",
        "headers": {"authorization": "Token {{connection.apiKey}}"},
        "log": {"sanitize": ["request.headers.authorization"]},
    },
    "connections/acme/acme.communication.iml.json": {
        "url": "https://api.acme.example/v1/me",
        "headers": {"authorization": "Token {{parameters.apiKey}}"},
        "log": {"sanitize": ["request.headers.authorization"]},
        "response": {"data": {"region": "{{body.region}}"}, "metadata": {"value": "{{body.name}}", "type": "text"}},
    },
    "connections/acme/acme.params.iml.json": [
        {"name": "apiKey", "type": "password", "label": "API key", "required": True}
    ],
}
MAPPABLE = [
    {"name": "contactId", "type": "text", "label": "Contact"},
    {"name": "name", "type": "text", "label": "Name"},
    {"name": "limit", "type": "uinteger", "label": "Limit", "default": 10},
]


def allowed(table: dict[str, object], context: Context, values: dict[str, object]) -> list[str]:
    return sorted(name for name in values if context in table[name].allowed and name not in NOT_GENERATED)  # type: ignore[attr-defined]


@st.composite
def module_requests(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    module_type = draw(st.sampled_from(sorted(MODULE_TYPES)))
    context = MODULE_TYPES[module_type]
    request: dict[str, object] = {"url": "/contacts"}
    for name in draw(st.lists(st.sampled_from(allowed(REQUEST_DIRECTIVES, context, REQUEST_VALUES)), unique=True)):
        request[name] = REQUEST_VALUES[name]
    response_keys = draw(st.lists(st.sampled_from(allowed(RESPONSE_DIRECTIVES, context, RESPONSE_VALUES)), unique=True))
    if module_type == "trigger" and "trigger" not in response_keys:
        response_keys.append("trigger")
    if "trigger" in response_keys or "wrapper" in response_keys:
        response_keys = [*response_keys, *(["output"] if "output" not in response_keys else [])]
    request["response"] = {name: RESPONSE_VALUES[name] for name in response_keys}
    return module_type, request


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(modules=st.lists(module_requests(), min_size=1, max_size=4))
def test_an_app_made_of_allowed_directives_reports_nothing(
    tmp_path_factory: object, modules: list[tuple[str, dict[str, object]]]
) -> None:
    root = Path(tmp_path_factory.mktemp("app"))  # type: ignore[attr-defined]
    components: dict[str, dict[str, object]] = {}
    files: dict[str, object] = dict(FILES)
    for number, (module_type, request) in enumerate(modules):
        folder = f"modules/m{number}/m{number}"
        files[f"{folder}.communication.iml.json"] = request
        files[f"{folder}.mappable-params.iml.json"] = MAPPABLE
        components[f"m{number}"] = {
            "moduleType": module_type,
            "connection": "acme",
            "codeFiles": {
                "communication": f"{folder}.communication.iml.json",
                "mappable-params": f"{folder}.mappable-params.iml.json",
            },
        }
    manifest = {
        "fileVersion": 1,
        "generalCodeFiles": {"base": "general/base.iml.json"},
        "components": {
            "connection": {"acme": {"connectionType": "basic", "codeFiles": {
                "communication": "connections/acme/acme.communication.iml.json",
                "params": "connections/acme/acme.params.iml.json"}}},
            "module": components,
        },
    }  # fmt: skip
    files["makecomapp.json"] = manifest
    write_files(root, files)
    workspace = Workspace()
    found = {}
    for path in load_app(str(root)).places:
        analysis = workspace.analysis(path)
        assert analysis is not None
        found[Path(path).relative_to(root).as_posix()] = [(d.rule.code, d.message) for d in diagnostics(analysis)]
    assert {path: problems for path, problems in found.items() if problems} == {}
