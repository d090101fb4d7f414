"""Document symbols: an outline of requests (or OAuth stages), their sections, temp keys and jwt() calls."""

from __future__ import annotations

from dataclasses import dataclass, field

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.model.connection import FileKind
from iml_ls.syntax.json_tree import JsonMember, JsonObject, JsonString


@dataclass(frozen=True)
class DocumentSymbol:
    name: str
    kind: str
    """module (request), namespace (section), field (key), function (jwt call), variable (parameter)."""
    start: int
    end: int
    selection_start: int
    selection_end: int
    detail: str = ""
    children: list[DocumentSymbol] = field(default_factory=list)


def _member_symbol(member: JsonMember, kind: str, depth: int) -> DocumentSymbol:
    value = member.value
    children = []
    if depth > 0 and isinstance(value, JsonObject):
        children = [_member_symbol(child, "field", depth - 1) for child in value.members]
    detail = value.value[:60] if isinstance(value, JsonString) else ""
    return DocumentSymbol(
        member.key.value, kind, member.start, member.end, member.key.start, member.key.end, detail, children
    )


def document_symbols(analysis: Analysis) -> list[DocumentSymbol]:
    if analysis.kind is FileKind.PARAMS:
        return [
            DocumentSymbol(p.name, "variable", p.node.start, p.node.end, p.name_node.start, p.name_node.end, p.type)
            for p in analysis.parameters
        ]
    if not analysis.requests:
        root = analysis.root
        members = root.members if isinstance(root, JsonObject) else ()
        return [_member_symbol(member, "field", 1) for member in members]
    calls = list(jwt_calls(analysis))
    symbols = []
    for number, request in enumerate(analysis.requests, start=1):
        sections = [
            _member_symbol(m, "namespace", 1 if m.key.value in ("temp", "response") else 0)
            for m in request.node.members
        ]
        for call in calls:
            if call.string.path[: len(request.path)] == request.path:
                start, end = call.span(call.call)
                algorithm = call.algorithm or "?"
                sections.append(
                    DocumentSymbol(f"jwt({algorithm})", "function", start, end, start, start + 3, "signed token")
                )
        method = request.node.get("method")
        url = request.node.get("url")
        detail = " ".join(v.value for v in (method, url) if isinstance(v, JsonString))
        name = request.stage or (f"request {number}" if len(analysis.requests) > 1 else "request")
        node = request.node
        symbols.append(
            DocumentSymbol(name, "module", node.start, node.end, node.start, node.start + 1, detail, sections)
        )
    return symbols
