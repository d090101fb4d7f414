"""Document symbols: the outline of a connection file.

A communication file shows each request (or OAuth stage) with its sections: ``url``, ``headers``,
``temp`` with its keys, ``response`` with its directives, and every ``jwt()`` call it signs, named by
its algorithm (``jwt(HS512)``). A params file shows its parameters with their types, nested ones
under their parent. Children are in document order and lie inside their parent's range, as editors
require for breadcrumbs.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import JwtCall, jwt_calls
from iml_ls.model.connection import FileKind, Parameter, Request
from iml_ls.syntax.iml import member_path
from iml_ls.syntax.json_tree import JsonMember, JsonObject, JsonString, JsonValue

SECTION_DEPTH = {"response": 2}
"""How many levels of keys a section lists: ``response`` shows its directives and their keys."""
DETAIL_LENGTH = 60


class OutlineKind(enum.Enum):
    REQUEST = "request"
    SECTION = "section"
    KEY = "key"
    CALL = "call"
    PARAMETER = "parameter"


@dataclass(frozen=True)
class DocumentSymbol:
    name: str
    kind: OutlineKind
    start: int
    end: int
    selection_start: int
    selection_end: int
    """The name's range (inside ``start``-``end``): what the editor highlights."""
    detail: str = ""
    children: list[DocumentSymbol] = field(default_factory=list)


def document_symbols(analysis: Analysis) -> list[DocumentSymbol]:
    if analysis.kind is FileKind.PARAMS:
        return _parameter_tree(analysis.parameters)
    if analysis.requests:
        calls = list(jwt_calls(analysis))
        names = _request_names(analysis.requests)
        return [
            _request_symbol(analysis, request, name, calls)
            for request, name in zip(analysis.requests, names, strict=True)
        ]
    root = analysis.root
    members = root.members if isinstance(root, JsonObject) else ()
    return [_member_symbol(member, OutlineKind.KEY, 1) for member in members]


def _display(name: str) -> str:
    """Editors refuse empty symbol names; an empty key is shown as ``""``."""
    return name if name.strip() else f'"{name}"'


def _short(value: JsonValue | None) -> str:
    """A string value as a detail, cut to fit on one line."""
    if not isinstance(value, JsonString):
        return ""
    text = " ".join(value.value.split())
    return text if len(text) <= DETAIL_LENGTH else text[: DETAIL_LENGTH - 1] + "…"


def _member_symbol(member: JsonMember, kind: OutlineKind, depth: int) -> DocumentSymbol:
    value = member.value
    children = []
    if depth > 0 and isinstance(value, JsonObject):
        children = [_member_symbol(child, OutlineKind.KEY, depth - 1) for child in value.members]
    key = member.key
    return DocumentSymbol(
        _display(key.value), kind, member.start, member.end, key.start, key.end, _short(value), children
    )


def _call_symbol(call: JwtCall) -> DocumentSymbol:
    start, end = call.span(call.call)
    name_end = call.string.offset(call.template, call.call.name_end)
    payload = member_path(call.call.args[0])
    detail = f"signs {'.'.join(payload)}" if payload is not None else "signs a token"
    return DocumentSymbol(f"jwt({call.algorithm or '…'})", OutlineKind.CALL, start, end, start, name_end, detail)


def _request_names(requests: list[Request]) -> list[str]:
    """``request`` or the OAuth stage; numbered (``request 1``, ``token 2``) when several share the name."""
    labels = [request.stage or "request" for request in requests]
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    names = []
    for label in labels:
        seen[label] += 1
        names.append(f"{label} {seen[label]}" if counts[label] > 1 else label)
    return names


def _request_symbol(analysis: Analysis, request: Request, name: str, calls: list[JwtCall]) -> DocumentSymbol:
    node = request.node
    children = [
        _member_symbol(member, OutlineKind.SECTION, SECTION_DEPTH.get(member.key.value, 1)) for member in node.members
    ]
    children += [_call_symbol(call) for call in calls if call.string.path[: len(request.path)] == request.path]
    children.sort(key=lambda symbol: symbol.start)
    method, url = node.get("method"), node.get("url")
    detail = " ".join(text for text in (_short(method), _short(url)) if text)
    stage_member = _stage_member(analysis, request)
    if stage_member is not None:  # {"token": {…}}: the stage key names the request
        key = stage_member.key
        return DocumentSymbol(
            name, OutlineKind.REQUEST, stage_member.start, stage_member.end, key.start, key.end, detail, children
        )
    return DocumentSymbol(name, OutlineKind.REQUEST, node.start, node.end, node.start, node.start + 1, detail, children)


def _stage_member(analysis: Analysis, request: Request) -> JsonMember | None:
    """The ``"stage": {…}`` member of an OAuth stage written as a single request."""
    root = analysis.root
    if request.stage is None or len(request.path) != 1 or not isinstance(root, JsonObject):
        return None
    member = root.member(request.stage)
    return member if member is not None and member.value is request.node else None


def _parameter_tree(parameters: list[Parameter]) -> list[DocumentSymbol]:
    """Parameters as a tree: a parameter whose object lies inside another's is its child."""
    ordered = sorted(parameters, key=lambda p: (p.node.start, -p.node.end))
    roots: list[DocumentSymbol] = []
    open_parents: list[tuple[Parameter, DocumentSymbol]] = []
    for parameter in ordered:
        while open_parents and parameter.node.start >= open_parents[-1][0].node.end:
            open_parents.pop()
        detail = parameter.type + (", required" if parameter.required else "")
        name_node = parameter.name_node
        symbol = DocumentSymbol(
            _display(parameter.name),
            OutlineKind.PARAMETER,
            parameter.node.start,
            parameter.node.end,
            name_node.start,
            name_node.end,
            detail,
        )
        (open_parents[-1][1].children if open_parents else roots).append(symbol)
        open_parents.append((parameter, symbol))
    return roots
