"""The shape of component files: unknown keys (IML401), values outside an enum (IML402), directives
the component kind does not have (IML403), URLs base does not complete (IML404, IML405), a polling
trigger without ``trigger`` (IML406), a parameter file that is not a list (IML407), secret parameters
(IML601, IML602), and a universal module whose URL the user's input starts (IML603).

Which key exists where is data (``model/schema.py``): a directive valid in a module and not in a
connection is a row of the table, not a branch here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from iml_ls.analysis import Analysis, Scope
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic
from iml_ls.checks.names import suggest
from iml_ls.model.connection import FileKind, Parameter, Request, sanitized_paths
from iml_ls.model.schema import (
    BASE_KEYS,
    CONNECTIONS,
    ERROR_OBJECT_KEYS,
    METADATA_KEYS,
    OAUTH_STAGES,
    PARAMETER_TYPES,
    REQUEST_DIRECTIVES,
    REQUESTS_WITH_BASE,
    RESPONSE_DIRECTIVES,
    Context,
    Directive,
    KeySpec,
)
from iml_ls.syntax.iml import member_path, walk_expr
from iml_ls.syntax.json_tree import JsonObject, JsonString, JsonValue

_STATUS_KEY = re.compile(r"\d{3}|\*|\d{3}-\d{3}")
_ABSOLUTE_URL = re.compile(r"\s*(\{\{|[a-z][a-z0-9+.-]*://)", re.I)
SECRET_PARAMETER_NAME = re.compile(
    r"(api|access|auth|bearer|refresh|secret|private|client)[-_]?(key|token|secret)|secret|password|passwd|^token$|^key$",
    re.I,
)
"""Parameter names that surely hold a secret (``apiKey``, ``clientSecret``, ``password``): narrower than
the evaluation's masking of secret-looking names, because here a match is a warning to the author."""
_NOT_SECRET = re.compile(r"(url|uri|endpoint|type|name|id|label|expir\w*|prefix|header|location|method|length)$", re.I)
_SECRET_HEADER = re.compile(r"authorization|cookie|(api|auth|access)[-_]?(key|token)|token|secret|password", re.I)


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    root = analysis.root
    if scope.file_level and analysis.kind is FileKind.OAUTH_COMMUNICATION and isinstance(root, JsonObject):
        yield from _keys(analysis, root, OAUTH_STAGES, "an OAuth 2.0 communication")
    if scope.file_level and analysis.context is Context.TRIGGER and analysis.kind is FileKind.COMMUNICATION:
        yield from _trigger(analysis)
    for request in scope.requests:
        if analysis.kind is FileKind.BASE:
            yield from _keys(analysis, request.node, BASE_KEYS, "base")
        else:
            yield from _directives(analysis, request.node, REQUEST_DIRECTIVES, "a request")
            yield from _url(analysis, request)
        yield from _response(analysis, request.node.get("response"))
        yield from _sanitize(analysis, request)
    if scope.file_level and analysis.kind is FileKind.PARAMS:
        yield from _parameter_list(analysis)
        for parameter in analysis.parameters:
            yield from _parameter_type(analysis, parameter)


def _response(analysis: Analysis, response: object) -> Iterator[Diagnostic]:
    if not isinstance(response, JsonObject):
        return
    if analysis.kind is FileKind.BASE:
        yield from _keys(
            analysis, response, {name: row.spec for name, row in RESPONSE_DIRECTIVES.items()}, "`response`"
        )
    else:
        yield from _directives(analysis, response, RESPONSE_DIRECTIVES, "`response`")
    error = response.get("error")
    if isinstance(error, JsonObject):
        yield from _keys(analysis, error, ERROR_OBJECT_KEYS, "`response.error`", status_keys=True)
        for member in error.members:
            if _STATUS_KEY.fullmatch(member.key.value) and isinstance(member.value, JsonObject):
                yield from _keys(analysis, member.value, ERROR_OBJECT_KEYS, f"`response.error.{member.key.value}`")
    metadata = response.get("metadata")
    if isinstance(metadata, JsonObject) and analysis.context in CONNECTIONS:
        yield from _keys(analysis, metadata, METADATA_KEYS, "`response.metadata`")


def _directives(
    analysis: Analysis, node: JsonObject, table: Mapping[str, Directive], where: str
) -> Iterator[Diagnostic]:
    """Keys outside the table (IML401), and keys the table does not allow in this context: in a
    connection an error (IML401), elsewhere a warning (IML403)."""
    context = analysis.context
    allowed = {name: row.spec for name, row in table.items() if context in row.allowed}
    for member in node.members:
        row = table.get(member.key.value)
        if row is not None and context not in row.allowed:
            rule = "unknown-connection-key" if context in CONNECTIONS else "directive-not-available"
            message = (row.unavailable or f"`{row.spec.name}` is not available in {{where}}.").format(
                where=context.value
            )
            yield diagnostic(rule, member.key.start, member.key.end, message)
    yield from _keys(analysis, node, allowed, where, known=table)


def _keys(
    analysis: Analysis,
    node: JsonObject,
    allowed: Mapping[str, KeySpec],
    where: str,
    *,
    status_keys: bool = False,
    known: Mapping[str, object] = {},
) -> Iterator[Diagnostic]:
    """Report keys outside ``allowed`` (except those ``known`` elsewhere, reported by the caller) and
    enum values outside their set."""
    for member in node.members:
        key = member.key.value
        spec = allowed.get(key)
        if spec is None:
            if (status_keys and _STATUS_KEY.fullmatch(key)) or key in known or "{{" in key:
                continue
            start, end = member.key.start, member.key.end
            found = suggest(analysis, key, allowed, start, end, quoted=True)
            message = f"Make does not accept `{key}` in {where}; it is ignored or rejected.{found.hint}"
            yield diagnostic("unknown-connection-key", start, end, message, *found.fixes)
        elif spec.enum and isinstance(member.value, JsonString):
            yield from _enum(analysis, member.value, spec)


def _enum(analysis: Analysis, value: JsonString, spec: KeySpec) -> Iterator[Diagnostic]:
    if "{{" in value.value or value.value in spec.enum:
        return
    found = suggest(analysis, value.value, spec.enum, value.start, value.end, quoted=True)
    allowed = ", ".join(f"`{item}`" for item in spec.enum)
    message = f"`{value.value}` is not a valid `{spec.name}`; use one of {allowed}.{found.hint}"
    yield diagnostic("invalid-enum-value", value.start, value.end, message, *found.fixes)


def _url(analysis: Analysis, request: Request) -> Iterator[Diagnostic]:
    """A relative ``url`` only works where base completes it (modules and RPCs, with a ``baseUrl``)."""
    url = request.node.get("url")
    if analysis.context is Context.UNIVERSAL and isinstance(url, JsonString):
        yield from _universal_url(analysis, url)
    if not isinstance(url, JsonString) or not url.value.strip() or _ABSOLUTE_URL.match(url.value):
        return
    context, app = analysis.context, analysis.related.app
    if context in CONNECTIONS and analysis.place is not None:
        yield diagnostic(
            "relative-url-in-connection",
            url.start,
            url.end,
            f"`{url.value}` is relative, but connections do not inherit base's `baseUrl`: "
            "write the whole URL, e.g. `https://api.example.com/v1/me`.",
        )
    elif context in REQUESTS_WITH_BASE and app is not None and app.base_url is False:
        yield diagnostic(
            "relative-url-without-base",
            url.start,
            url.end,
            f"`{url.value}` is relative, but base gives no `baseUrl` to start it from: add "
            '`"baseUrl": "https://api.example.com/v1"` to base, or write the whole URL.',
        )


def _universal_url(analysis: Analysis, url: JsonString) -> Iterator[Diagnostic]:
    """Make approves a universal module only when its URL is relative or starts with the API's host:
    a URL that starts with what the user maps (``{{parameters.url}}``) can be any server's, and the
    request carries the connection's credentials there."""
    string = analysis.iml_string_of(url)
    first = string.templates[0] if string is not None and string.templates else None
    if string is None or first is None or first.expr is None or url.value[: first.start].strip():
        return
    if not any((member_path(node) or ("",))[0] == "parameters" for node in walk_expr(first.expr)):
        return
    fixes = []
    app = analysis.related.app
    if app is not None and app.base_url:  # base's baseUrl then comes first, whatever the user types
        at = url.source_offset(first.start)
        fixes.append(Fix("Start the URL with `/`", (TextEdit(analysis.path, at, at, "/"),)))
    yield diagnostic(
        "universal-url-from-input",
        url.start + 1,
        url.end - 1,
        "The URL starts with what the user maps, so a scenario can send the connection's credentials to any "
        'server, and Make does not approve such a universal module: write `"url": "/{{parameters.url}}"` '
        "(base's `baseUrl` comes first) or start it with your API's host "
        '(`"url": "https://api.example.com/{{parameters.url}}"`).',
        *fixes,
    )


def _trigger(analysis: Analysis) -> Iterator[Diagnostic]:
    """A polling trigger must say how Make tells new items (``response.trigger``) in its last request."""
    requests = analysis.requests
    if not requests:
        return
    for request in requests:
        response = request.node.get("response")
        if isinstance(response, JsonObject) and response.get("trigger") is not None:
            return
    last = requests[-1].node
    yield diagnostic(
        "missing-trigger",
        last.start,
        last.start + 1,
        'A polling trigger needs `response.trigger`, e.g. `"trigger": {"id": "{{item.id}}", "date": '
        '"{{item.created}}", "type": "date", "order": "desc"}`, so Make can tell which items are new.',
    )


def _parameter_list(analysis: Analysis) -> Iterator[Diagnostic]:
    """Make reads parameters, mappable parameters and the interface as an array of definitions; an
    object there (``{"url": …, "method": …}``, a request written into the wrong file) declares nothing."""
    root = analysis.root
    if not isinstance(root, JsonObject):
        return
    fixes: list[Fix] = []
    if isinstance(root.get("name"), JsonString):  # one parameter's definition: the array around it is safe
        edits = (TextEdit(analysis.path, root.start, root.start, "["), TextEdit(analysis.path, root.end, root.end, "]"))
        fixes.append(Fix("Put the parameter in an array", edits))
    yield diagnostic(
        "parameters-not-a-list",
        root.start,
        root.start + 1,
        "Make reads this file as an array of parameter definitions, one object per parameter, so this "
        'object declares none: write `[{"name": "query", "type": "text", "label": "Search for"}]`.',
        *fixes,
    )


def _parameter_type(analysis: Analysis, parameter: Parameter) -> Iterator[Diagnostic]:
    type_node = parameter.node.get("type")
    if not isinstance(type_node, JsonString):
        return
    yield from _enum(analysis, type_node, KeySpec("type", "", PARAMETER_TYPES))
    if (
        type_node.value == "text"
        and analysis.context in CONNECTIONS
        and SECRET_PARAMETER_NAME.search(parameter.name)
        and not _NOT_SECRET.search(parameter.name)
    ):
        fix = Fix(
            'Change the type to "password"', (TextEdit(analysis.path, type_node.start, type_node.end, '"password"'),)
        )
        yield diagnostic(
            "secret-parameter-as-text",
            type_node.start,
            type_node.end,
            f"`{parameter.name}` looks like a secret but has type `text`, so Make shows it in the connection "
            'form and keeps it readable; use `"type": "password"`.',
            fix,
        )


def _sanitize(analysis: Analysis, request: Request) -> Iterator[Diagnostic]:
    """Headers and query values that carry a secret must be masked in Make's logs (``log.sanitize``)."""
    if not (analysis.context in CONNECTIONS or analysis.kind is FileKind.BASE):
        return
    inherited = analysis.related.app.base_sanitized if analysis.related.app else frozenset()
    covered = sanitized_paths(request.node) | (inherited if analysis.context in REQUESTS_WITH_BASE else frozenset())
    covered_names = {path.lower() for path in covered}  # header names ignore case; Make's logs too
    for section in ("headers", "qs"):
        values = request.node.get(section)
        if not isinstance(values, JsonObject):
            continue
        for member in values.members:
            name = member.key.value
            path = f"request.{section}.{name}"
            if path.lower() in covered_names or not _carries_secret(name, member.value):
                continue
            yield diagnostic(
                "unsanitized-secret",
                member.key.start,
                member.key.end,
                f"`{name}` sends a secret, and Make's logs show it unless the request says "
                f'`"log": {{"sanitize": ["{path}"]}}`.',
            )


def _carries_secret(name: str, value: JsonValue | None) -> bool:
    """A header or query value holding a secret: named like one, and built from an expression."""
    if not isinstance(value, JsonString) or "{{" not in value.value:
        return False
    return bool(_SECRET_HEADER.search(name)) and not _NOT_SECRET.search(name)
