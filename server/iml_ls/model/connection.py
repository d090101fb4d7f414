"""What a connection file is and what it holds: its kind, requests, ``temp`` keys and parameters."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeAlias

from iml_ls.model.schema import OAUTH_STAGES
from iml_ls.syntax.json_tree import JsonArray, JsonLiteral, JsonMember, JsonObject, JsonString, JsonValue, segments

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
    WEBHOOK = "webhook"
    """A webhook's own communication: how Make answers and reads an incoming call (no request)."""
    RECORDING = "recording"
    """iml-ls's recorded responses of a component (data, never Make code: see :data:`RECORDING_SUFFIX`)."""
    OTHER_IML = "iml"
    OTHER = "other"

    @property
    def holds_requests(self) -> bool:
        return self in (FileKind.COMMUNICATION, FileKind.OAUTH_COMMUNICATION, FileKind.BASE)


RECORDING_SUFFIX = ".response.json"
"""How a recorded response ends (``search.communication.response.json`` beside
``search.communication.iml.json``): iml-ls writes it and reads it, Make never sees it."""

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
    if is_recording(name):
        return FileKind.RECORDING
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return FileKind.OTHER_IML if name.endswith(".iml.json") else FileKind.OTHER


def is_recording(path: str) -> bool:
    """Whether a file is a recorded response (by its name, in any case)."""
    return PurePath(path).name.lower().endswith(RECORDING_SUFFIX)


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


def _requests_in(value: JsonValue | None, path: JsonPath, stage: str | None) -> list[Request]:
    if isinstance(value, JsonObject):
        return [Request(value, path, stage)]
    if isinstance(value, JsonArray):
        return [
            Request(item, (*path, index), stage)
            for index, item in enumerate(value.items)
            if isinstance(item, JsonObject)
        ]
    return []


def entry_requests(entry: JsonValue | JsonMember, position: int, kind: FileKind) -> list[Request]:
    """The requests in one top-level entry of a file whose root is an array of requests or an OAuth
    object (each request's path starts with the entry's index or key)."""
    if isinstance(entry, JsonMember):
        stage = entry.key.value
        return (
            _requests_in(entry.value, (stage,), stage)
            if kind is FileKind.OAUTH_COMMUNICATION and stage in OAUTH_STAGES
            else []
        )
    return _requests_in(entry, (position,), None) if isinstance(entry, JsonObject) else []


def requests_by_entry(root: JsonValue | None, kind: FileKind) -> bool:
    """Whether the file's requests are found entry by entry (see :func:`entry_requests`)."""
    return kind.holds_requests and (
        isinstance(root, JsonArray) or (kind is FileKind.OAUTH_COMMUNICATION and isinstance(root, JsonObject))
    )


def requests(root: JsonValue | None, kind: FileKind) -> list[Request]:
    """The request specifications of a communication (or base) file."""
    if requests_by_entry(root, kind):
        return [
            request
            for position, entry in enumerate(segments(root))
            for request in entry_requests(entry, position, kind)
        ]
    return _requests_in(root, (), None) if kind.holds_requests else []


def request_temps(request: Request) -> list[TempDefinition]:
    """The keys of a request's ``temp`` and ``response.temp`` directives, in document order."""
    found: list[TempDefinition] = []
    response = request.node.get("response")
    sources = [(request.node.get("temp"), False)]
    if isinstance(response, JsonObject):
        sources.append((response.get("temp"), True))
    for temp, in_response in sources:
        if isinstance(temp, JsonObject):
            found.extend(
                TempDefinition(member.key.value, member.key, member.value, request, in_response)
                for member in temp.members
            )
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
        elif isinstance(options, JsonObject):  # {"store": "rpc://…", "nested": [...]}
            stack.append(options.get("nested"))
    return found


def parameters_are_open(root: JsonValue | None) -> bool:
    """Whether a parameter list takes fields from an RPC (``"rpc://…"`` as an item, or as ``nested``
    or ``spec``), so that names it does not spell out may exist."""
    stack: list[tuple[JsonValue | None, bool]] = [(root, True)]
    while stack:
        value, dynamic_place = stack.pop()
        if isinstance(value, JsonString):
            if dynamic_place and value.value.startswith("rpc://"):
                return True
        elif isinstance(value, JsonArray):
            stack.extend((item, True) for item in value.items)
        elif isinstance(value, JsonObject):
            stack.extend((member.value, member.key.value in ("nested", "spec")) for member in value.members)
    return False


def saved_data(root: JsonValue | None, kind: FileKind) -> Iterator[JsonValue]:
    """The ``response.data`` of every request or stage: what a connection (or an attach) saves."""
    for request in requests(root, kind):
        response = request.node.get("response")
        data = response.get("data") if isinstance(response, JsonObject) else None
        if data is not None:
            yield data


def saved_members(root: JsonValue | None, kind: FileKind) -> list[JsonString] | None:
    """The keys a connection (or a webhook's attach) saves with ``response.data``, in every request
    or stage; None when one of them is not a plain object (its keys are only known at runtime)."""
    found: list[JsonString] = []
    for data in saved_data(root, kind):
        if not isinstance(data, JsonObject) or any("{{" in member.key.value for member in data.members):
            return None
        found.extend(member.key for member in data.members)
    return found


def sanitized_paths(node: JsonObject | None) -> frozenset[str]:
    """The paths a request (or base) masks in Make's logs: ``log.sanitize``, without the backticks
    that quote a hyphenated name (``request.headers.`X-API-KEY``` is ``request.headers.X-API-KEY``)."""
    log = node.get("log") if node is not None else None
    paths = log.get("sanitize") if isinstance(log, JsonObject) else None
    if not isinstance(paths, JsonArray):
        return frozenset()
    return frozenset(item.value.replace("`", "") for item in paths.items if isinstance(item, JsonString))
