"""Completion: IML functions, variables and members, ``jwt()`` arguments, claims, options, keys, enums."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from iml_ls.analysis import Analysis
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.checks.json_edits import add_member
from iml_ls.checks.jwt import jwt_calls
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.functions.spec import BuiltinFunction
from iml_ls.evaluate.jsonwebtoken import MAKE_ALGORITHMS, REGISTERED_CLAIMS, SIGN_OPTIONS
from iml_ls.features import markdown
from iml_ls.features.cursor import ImlCursor, JsonCursor, iml_cursor, json_cursor
from iml_ls.features.recorded import recorded_keys
from iml_ls.model.connection import FileKind, JsonPath, saved_data
from iml_ls.model.schema import (
    BASE_KEYS,
    ERROR_OBJECT_KEYS,
    METADATA_KEYS,
    OAUTH_STAGES,
    PARAMETER_KEYS,
    REQUEST_DIRECTIVES,
    RESPONSE_DIRECTIVES,
    RESPONSE_KEYS,
    SECRET_PARAMETER_TYPES,
    VARIABLES,
    KeySpec,
    directives_in,
)
from iml_ls.syntax.json_tree import JsonObject, JsonString

HEADER_FIELDS = {
    "kid": "Key id: tells the receiver which key signed the token.",
    "typ": "Token type (jsonwebtoken sets `JWT`).",
    "cty": "Content type of the payload.",
    "x5t": "Thumbprint of the signing certificate.",
    "jku": "URL of the key set that holds the signing key.",
}
OAUTH_MEMBERS = {
    "makeRedirectUri": "The redirect URI to register with the service: `https://www.make.com/oauth/cb/app`.",
    "localRedirectUri": "The redirect URI for apps going through Make's approval.",
    "redirectUri": "Legacy redirect URI on integromat.com; use `localRedirectUri`.",
    "scope": "The scopes the user granted, as the connection's scope files list them.",
}


@dataclass(frozen=True)
class CompletionItem:
    """One suggestion; ``replace`` is the document range the inserted text replaces."""

    label: str
    kind: str
    """function, variable, property, value, enum, keyword or snippet."""
    detail: str = ""
    documentation: str = ""
    insert_text: str | None = None
    snippet: bool = False
    sort_text: str | None = None
    preselect: bool = False
    replace: tuple[int, int] | None = None
    additional_edits: tuple[TextEdit, ...] = field(default=())
    filter_text: str | None = None
    """What the client matches typed text against (the label when None)."""


def complete(analysis: Analysis, offset: int, snippets: bool = True) -> list[CompletionItem]:
    """The suggestions at ``offset`` (inside ``{{ … }}`` or in the JSON around it)."""
    cursor = iml_cursor(analysis, offset)
    if cursor is not None:
        return _iml(analysis, cursor, snippets)
    json_position = json_cursor(analysis.root, offset)
    if json_position is None:
        return []
    return _json(analysis, json_position, offset, snippets)


# IML -------------------------------------------------------------------------------------------


def _iml(analysis: Analysis, cursor: ImlCursor, snippets: bool) -> list[CompletionItem]:
    replace = (cursor.document_offset(cursor.word_start), cursor.document_offset(cursor.position))
    call = cursor.call
    if cursor.in_string is not None:
        if call is not None and call.name == "jwt" and call.argument == 2:
            quote = cursor.in_string.text[0]
            # Replace the whole literal being edited: what precedes the cursor, and the rest of the
            # algorithm name and its closing quote after it (`'HS|1'` becomes `'HS256'`, not `'HS256'1'`).
            rest = re.match(r"[A-Za-z0-9]*" + re.escape(quote) + "?", cursor.template.source[cursor.position :])
            end = cursor.position + (rest.end() if rest else 0)
            span = (cursor.document_offset(cursor.in_string.start), cursor.document_offset(end))
            return _algorithms(span, quote)
        return []
    if cursor.member_of is not None:
        if recorded := recorded_keys(analysis, cursor.string.path, cursor.member_of):
            return [
                CompletionItem(key.name, "property", key.detail, insert_text=key.insert_text, replace=replace)
                for key in recorded
            ]
        return _members(analysis, cursor.member_of, replace, call is not None and call.name == "jwt")
    items: list[CompletionItem] = []
    if call is not None and call.name == "jwt":
        items.extend(_jwt_argument(analysis, cursor, call.argument, replace))
    items.extend(_functions(replace, snippets))
    items.extend(_variables(analysis, cursor, replace))
    return items


def _algorithms(replace: tuple[int, int], quote: str) -> list[CompletionItem]:
    return [
        CompletionItem(
            label=name,
            kind="enum",
            detail="default" if name == "HS256" else "",
            documentation=description,
            insert_text=f"{quote}{name}{quote}",
            filter_text=f"{quote}{name}{quote}",  # clients filter by the text from the range start: the quote
            sort_text=f"{index:02d}",
            preselect=name == "HS256",
            replace=replace,
        )
        for index, (name, description) in enumerate(MAKE_ALGORITHMS.items())
    ]


def function_documentation(function: BuiltinFunction) -> str:
    """Markdown for a built-in function: signature, summary, example and what is uncertain."""
    parts = [
        f"```\n{function.signature()} → {function.returns}\n```",
        function.summary,
        f"Example: `{function.example}` → `{function.example_result}`",
    ]
    if function.caveat:
        parts.append(f"*Uncertain:* {function.caveat}")
    if function.not_in_make:
        parts.append(f"*Not a Make function:* {function.not_in_make}")
    return "\n\n".join(parts)


def _functions(replace: tuple[int, int], snippets: bool) -> Iterable[CompletionItem]:
    for name, function in sorted(FUNCTIONS.items()):
        if function.not_in_make:
            continue  # offered nowhere, so that nobody starts using it
        documentation = function_documentation(function)
        yield CompletionItem(
            label=name,
            kind="function",
            detail=f"{function.signature()} → {function.returns}",
            documentation=documentation,
            insert_text=f"{name}($0)" if snippets else f"{name}(",
            snippet=snippets,
            sort_text=f"1{name}",  # after `{{` a function is what most expressions start with
            replace=replace,
        )


def _variables(analysis: Analysis, cursor: ImlCursor, replace: tuple[int, int]) -> Iterable[CompletionItem]:
    in_response = analysis.in_response(cursor.string.path)
    for name, spec in VARIABLES.items():
        if not spec.available(analysis.context, in_response):
            continue
        yield CompletionItem(
            label=name,
            kind="variable",
            documentation=spec.description,
            sort_text=f"2{name}",
            replace=replace,
        )


def _members(
    analysis: Analysis, path: tuple[str, ...], replace: tuple[int, int], for_jwt_key: bool
) -> list[CompletionItem]:
    root = path[0]
    if root == "parameters" and len(path) == 1:
        return [
            CompletionItem(
                label=parameter.name,
                kind="property",
                detail=f"{parameter.type or 'parameter'}{' (required)' if parameter.required else ''}",
                documentation=f"{markdown.text(parameter.label or parameter.name)} — declared in the params file.",
                sort_text=("0" if for_jwt_key and parameter.type in SECRET_PARAMETER_TYPES else "1") + parameter.name,
                replace=replace,
            )
            for parameter in analysis.parameters
        ]
    if root == "temp":
        return [
            CompletionItem(label=key, kind="property", detail=detail, replace=replace)
            for key, detail in _temp_members(analysis, path[1:]).items()
        ]
    if root == "common" and len(path) == 1:
        return [
            CompletionItem(label=key, kind="property", detail="common data", replace=replace)
            for key in analysis.common_keys
        ]
    if root == "oauth" and len(path) == 1:
        return [
            CompletionItem(label=k, kind="property", documentation=d, replace=replace) for k, d in OAUTH_MEMBERS.items()
        ]
    app = analysis.related.app
    linked = {"connection": app.connection_fields, "webhook": app.webhook_fields} if app is not None else {}
    if root in linked and len(path) == 1:
        return [
            CompletionItem(label=name, kind="property", documentation=what, replace=replace)
            for name, what in linked[root] or ()
        ]
    if root == "data" and len(path) == 1:
        return [
            CompletionItem(label=k, kind="property", detail="saved by response.data", replace=replace)
            for k in _data_keys(analysis)
        ]
    return []


def _temp_members(analysis: Analysis, path: tuple[str, ...]) -> dict[str, str]:
    """Keys under ``temp`` (or under ``temp.a.b`` when those are objects written in the file)."""
    if not path:
        return {
            key: ("response.temp" if definitions[0].in_response else "temp")
            for key, definitions in analysis.temps.items()
        }
    found: dict[str, str] = {}
    for definition in analysis.temps.get(path[0], []):
        node = definition.value
        for key in path[1:]:
            node = node.get(key) if isinstance(node, JsonObject) else None
        if isinstance(node, JsonObject):
            found.update({member.key.value: "temp" for member in node.members})
    return found


def _data_keys(analysis: Analysis) -> list[str]:
    """The keys earlier stages save (``data.<key>``), each once."""
    saved = saved_data(analysis.root, analysis.kind)
    return list(dict.fromkeys(m.key.value for data in saved if isinstance(data, JsonObject) for m in data.members))


def _jwt_argument(
    analysis: Analysis, cursor: ImlCursor, argument: int, replace: tuple[int, int]
) -> Iterable[CompletionItem]:
    objects = {key: defs[0].value for key, defs in analysis.temps.items() if isinstance(defs[0].value, JsonObject)}
    if argument in (0, 3):
        for key, node in objects.items():
            assert isinstance(node, JsonObject)
            keys = {member.key.value for member in node.members}
            looks_right = bool(keys & set(REGISTERED_CLAIMS)) if argument == 0 else bool(keys & set(SIGN_OPTIONS))
            yield CompletionItem(
                label=f"temp.{key}",
                kind="variable",
                detail="JWT payload" if argument == 0 else "jsonwebtoken options",
                documentation="Keys: " + ", ".join(markdown.code(k) for k in sorted(keys)),
                sort_text=("0" if looks_right else "1") + key,
                preselect=looks_right,
                replace=replace,
            )
        if argument == 3:
            yield from _new_options_item(analysis, cursor, replace)
    elif argument == 1:
        for parameter in analysis.parameters:
            secret = parameter.type in SECRET_PARAMETER_TYPES
            yield CompletionItem(
                label=f"parameters.{parameter.name}",
                kind="variable",
                detail=parameter.type,
                documentation=(
                    f"{markdown.text(parameter.label or parameter.name)} — the signing key from the connection form."
                ),
                sort_text=("0" if secret else "1") + parameter.name,
                preselect=secret,
                replace=replace,
            )
        for key in analysis.common_keys:
            yield CompletionItem(
                label=f"common.{key}", kind="variable", detail="common data", sort_text="1" + key, replace=replace
            )
    elif argument == 2:
        yield from _algorithms(replace, "'")


def _new_options_item(analysis: Analysis, cursor: ImlCursor, replace: tuple[int, int]) -> Iterable[CompletionItem]:
    """``temp.jwtOptions``, adding ``"jwtOptions": {"header": {"kid": …}, "expiresIn": "1h"}`` to the request's temp."""
    request = analysis.request_at(cursor.string.path)
    temp = request.node.get("temp") if request is not None else None
    if not isinstance(temp, JsonObject) or "jwtOptions" in analysis.temps:
        return
    kid = next(
        (f"{{{{parameters.{p.name}}}}}" for p in analysis.parameters if p.type not in SECRET_PARAMETER_TYPES),
        "my-key-id",
    )
    value = json.dumps({"header": {"kid": kid}, "expiresIn": "1h"})
    yield CompletionItem(
        label="temp.jwtOptions (new)",
        kind="snippet",
        detail="add an options object to temp",
        documentation=f'Adds `"jwtOptions": {value}` to this request\'s `temp` and passes it as jsonwebtoken options.',
        insert_text="temp.jwtOptions",
        filter_text="temp.jwtOptions",
        sort_text="9",
        replace=replace,
        additional_edits=(add_member(analysis, temp, "jwtOptions", value),),
    )


# JSON ------------------------------------------------------------------------------------------


def _json(analysis: Analysis, cursor: JsonCursor, offset: int, snippets: bool) -> list[CompletionItem]:
    if cursor.in_key:
        specs = keys_for(analysis, cursor)
        if not specs or cursor.container is None:
            return []
        present = {m.key.value for m in cursor.container.members if cursor.member is None or m is not cursor.member}
        return [_key_item(spec, cursor, snippets) for name, spec in specs.items() if name not in present]
    if cursor.string is not None and cursor.string.value.startswith("rpc:"):
        return _rpc_names(analysis, cursor.string)
    if cursor.member is None or cursor.string is None or "{{" in cursor.string.value:
        return []
    specs = keys_for(analysis, JsonCursor(cursor.path[:-1], cursor.container, None, True, None))
    spec = specs.get(cursor.member.key.value) if specs else None
    if spec is None or not spec.enum:
        return []
    replace = (cursor.string.start, cursor.string.end)
    return [
        CompletionItem(label=value, kind="enum", insert_text=json.dumps(value), replace=replace, sort_text=f"{i:02d}")
        for i, value in enumerate(spec.enum)
    ]


def _rpc_names(analysis: Analysis, string: JsonString) -> list[CompletionItem]:
    """``"rpc://…"`` being typed (``options``, ``nested``, a dynamic field): the app's RPCs."""
    app = analysis.related.app
    if app is None:
        return []
    return [
        CompletionItem(
            label=f"rpc://{name}",
            kind="value",
            detail="RPC of the app",
            insert_text=json.dumps(f"rpc://{name}"),
            replace=(string.start, string.end),
        )
        for name in sorted(app.rpc_names)
    ]


def _key_item(spec: KeySpec, cursor: JsonCursor, snippets: bool) -> CompletionItem:
    if cursor.string is not None:
        return CompletionItem(
            label=spec.name,
            kind="property",
            documentation=spec.description,
            insert_text=json.dumps(spec.name),
            replace=(cursor.string.start, cursor.string.end),
        )
    return CompletionItem(
        label=spec.name,
        kind="property",
        documentation=spec.description,
        insert_text=f'"{spec.name}": $0' if snippets else f'"{spec.name}": ',
        snippet=snippets,
    )


def keys_for(analysis: Analysis, cursor: JsonCursor) -> Mapping[str, KeySpec] | None:
    """Which keys belong in the object at the cursor."""
    container = cursor.container
    for call in jwt_calls(analysis):
        if container is not None and container is call.payload:
            return {name: KeySpec(name, claim.description) for name, claim in REGISTERED_CLAIMS.items()}
        if container is not None and container is call.options:
            return {name: KeySpec(name, option.description) for name, option in SIGN_OPTIONS.items()}
        if call.options is not None and container is not None and call.options.get("header") is container:
            return {name: KeySpec(name, text) for name, text in HEADER_FIELDS.items()}
    if analysis.kind is FileKind.PARAMS:
        return PARAMETER_KEYS if cursor.path and isinstance(cursor.path[-1], int) else None
    if analysis.kind is FileKind.OAUTH_COMMUNICATION and cursor.path == ():
        return OAUTH_STAGES
    request = analysis.request_at(cursor.path)
    if request is None:
        return None
    rest: JsonPath = cursor.path[len(request.path) :]
    if rest == ():
        return BASE_KEYS if analysis.kind is FileKind.BASE else directives_in(REQUEST_DIRECTIVES, analysis.context)
    return {
        ("response",): RESPONSE_KEYS
        if analysis.kind is FileKind.BASE
        else directives_in(RESPONSE_DIRECTIVES, analysis.context),
        ("response", "error"): ERROR_OBJECT_KEYS,
        ("response", "metadata"): METADATA_KEYS,
    }.get(
        tuple(rest)  # type: ignore[arg-type]
    )
