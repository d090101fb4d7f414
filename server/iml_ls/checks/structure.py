"""The shape of connection files: unknown keys (IML401) and values outside an enum (IML402)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from iml_ls.analysis import Analysis, Scope
from iml_ls.checks.diagnostic import Diagnostic, diagnostic
from iml_ls.checks.names import suggest
from iml_ls.model.connection import FileKind, Parameter
from iml_ls.model.schema import (
    BASE_KEYS,
    ERROR_OBJECT_KEYS,
    METADATA_KEYS,
    NOT_IN_CONNECTIONS,
    OAUTH_STAGES,
    PARAMETER_TYPES,
    REQUEST_KEYS,
    RESPONSE_KEYS,
    KeySpec,
)
from iml_ls.syntax.json_tree import JsonObject, JsonString

_STATUS_KEY = re.compile(r"\d{3}|\*|\d{3}-\d{3}")


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    root = analysis.root
    if scope.file_level and analysis.kind is FileKind.OAUTH_COMMUNICATION and isinstance(root, JsonObject):
        yield from _keys(analysis, root, OAUTH_STAGES, "an OAuth 2.0 communication")
    for request in scope.requests:
        allowed = BASE_KEYS if analysis.kind is FileKind.BASE else REQUEST_KEYS
        yield from _keys(analysis, request.node, allowed, "a request")
        yield from _response(analysis, request.node.get("response"))
    if scope.file_level and analysis.kind is FileKind.PARAMS:
        for parameter in analysis.parameters:
            yield from _parameter_type(analysis, parameter)


def _response(analysis: Analysis, response: object) -> Iterator[Diagnostic]:
    if not isinstance(response, JsonObject):
        return
    yield from _keys(analysis, response, RESPONSE_KEYS, "`response`")
    error = response.get("error")
    if isinstance(error, JsonObject):
        yield from _keys(analysis, error, ERROR_OBJECT_KEYS, "`response.error`", status_keys=True)
        for member in error.members:
            if _STATUS_KEY.fullmatch(member.key.value) and isinstance(member.value, JsonObject):
                yield from _keys(analysis, member.value, ERROR_OBJECT_KEYS, f"`response.error.{member.key.value}`")
    metadata = response.get("metadata")
    if isinstance(metadata, JsonObject):
        yield from _keys(analysis, metadata, METADATA_KEYS, "`response.metadata`")


def _keys(
    analysis: Analysis, node: JsonObject, allowed: Mapping[str, KeySpec], where: str, *, status_keys: bool = False
) -> Iterator[Diagnostic]:
    """Report keys outside ``allowed`` and enum values outside their set."""
    for member in node.members:
        key = member.key.value
        spec = allowed.get(key)
        if spec is None:
            if status_keys and _STATUS_KEY.fullmatch(key):
                continue
            start, end = member.key.start, member.key.end
            if key in NOT_IN_CONNECTIONS:
                yield diagnostic("unknown-connection-key", start, end, NOT_IN_CONNECTIONS[key])
                continue
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


def _parameter_type(analysis: Analysis, parameter: Parameter) -> Iterator[Diagnostic]:
    type_node = parameter.node.get("type")
    if isinstance(type_node, JsonString):
        yield from _enum(analysis, type_node, KeySpec("type", "", PARAMETER_TYPES))
