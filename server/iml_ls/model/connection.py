"""What a connection file is and what it holds: its kind, requests, ``temp`` keys and parameters."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeAlias

from iml_ls.model.schema import OAUTH_STAGES
from iml_ls.syntax.json_tree import JsonArray, JsonLiteral, JsonObject, JsonString, JsonValue

JsonPath: TypeAlias = tuple[str | int, ...]


class FileKind(enum.Enum):
    """The role a file plays in Make's local-development layout."""

    COMMUNICATION = "communication"
    OAUTH_COMMUNICATION = "oauth-communication"
    PARAMS = "params"
    COMMON = "common"
    BASE = "base"
    APP_MANIFEST = "makecomapp"
    SAMPLES = "samples"
    OTHER_IML = "iml"
    OTHER = "other"

    @property
    def holds_requests(self) -> bool:
        return self in (FileKind.COMMUNICATION, FileKind.OAUTH_COMMUNICATION, FileKind.BASE)


_SUFFIXES = (
    (".oauth-communication.iml.json", FileKind.OAUTH_COMMUNICATION),
    (".communication.iml.json", FileKind.COMMUNICATION),
    (".params.iml.json", FileKind.PARAMS),
    (".samples.json", FileKind.SAMPLES),
    (".common.json", FileKind.COMMON),
)


def file_kind(path: str) -> FileKind:
    """Tell a file's role from its name (``jwt-auth.communication.iml.json`` → COMMUNICATION)."""
    name = PurePath(path).name
    if name == "makecomapp.json":
        return FileKind.APP_MANIFEST
    if name == "base.iml.json":
        return FileKind.BASE
    if name in ("iml-ls.samples.json",):
        return FileKind.SAMPLES
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return FileKind.OTHER_IML if name.endswith(".iml.json") else FileKind.OTHER


def component_id(path: str) -> str | None:
    """The component id a file belongs to (``jwt-auth`` for ``jwt-auth.params.iml.json``)."""
    name = PurePath(path).name
    for suffix, _ in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def sibling(path: str, kind: FileKind) -> str | None:
    """The path of the file of ``kind`` beside ``path`` in the same component."""
    ident = component_id(path)
    if ident is None:
        return None
    suffix = next(s for s, k in _SUFFIXES if k is kind)
    return str(PurePath(path).with_name(ident + suffix))


@dataclass(frozen=True, eq=False)
class Request:
    """One request specification (a basic connection's request, or an OAuth stage's)."""

    node: JsonObject
    path: JsonPath
    stage: str | None


@dataclass(frozen=True, eq=False)
class TempDefinition:
    """A key of a ``temp`` directive: ``temp.<name>`` reads its value."""

    name: str
    key: JsonString
    value: JsonValue | None
    request: Request
    in_response: bool


@dataclass(frozen=True, eq=False)
class Parameter:
    """A field of the connection form, declared in the params file."""

    name: str
    type: str
    required: bool
    label: str
    default: JsonValue | None
    name_node: JsonString
    node: JsonObject


def requests(root: JsonValue | None, kind: FileKind) -> list[Request]:
    """The request specifications of a communication (or base) file."""

    def of(value: JsonValue | None, path: JsonPath, stage: str | None) -> Iterator[Request]:
        if isinstance(value, JsonObject):
            yield Request(value, path, stage)
        elif isinstance(value, JsonArray):
            for index, item in enumerate(value.items):
                if isinstance(item, JsonObject):
                    yield Request(item, (*path, index), stage)

    if kind is FileKind.OAUTH_COMMUNICATION and isinstance(root, JsonObject):
        return [
            request
            for member in root.members
            if member.key.value in OAUTH_STAGES
            for request in of(member.value, (member.key.value,), member.key.value)
        ]
    if kind.holds_requests:
        return list(of(root, (), None))
    return []


def temp_definitions(all_requests: list[Request]) -> dict[str, list[TempDefinition]]:
    """Every ``temp`` key, from request-level ``temp`` and ``response.temp``, in document order."""
    found: dict[str, list[TempDefinition]] = {}
    for request in all_requests:
        response = request.node.get("response")
        sources = [(request.node.get("temp"), False)]
        if isinstance(response, JsonObject):
            sources.append((response.get("temp"), True))
        for temp, in_response in sources:
            if not isinstance(temp, JsonObject):
                continue
            for member in temp.members:
                definition = TempDefinition(member.key.value, member.key, member.value, request, in_response)
                found.setdefault(member.key.value, []).append(definition)
    return found


def parameters(root: JsonValue | None) -> list[Parameter]:
    """The parameters declared in a params file, including ``nested`` ones and those in options."""
    found: list[Parameter] = []
    stack: list[JsonValue | None] = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, JsonArray):
            stack.extend(reversed(value.items))
            continue
        if not isinstance(value, JsonObject):
            continue
        name = value.get("name")
        if isinstance(name, JsonString) and name.value:
            type_node = value.get("type")
            label = value.get("label")
            required = value.get("required")
            found.append(
                Parameter(
                    name=name.value,
                    type=type_node.value if isinstance(type_node, JsonString) else "",
                    required=isinstance(required, JsonLiteral) and required.value is True,
                    label=label.value if isinstance(label, JsonString) else "",
                    default=value.get("default"),
                    name_node=name,
                    node=value,
                )
            )
        stack.append(value.get("nested"))
        options = value.get("options")
        if isinstance(options, JsonArray):
            stack.extend(option.get("nested") for option in options.items if isinstance(option, JsonObject))
    return found
