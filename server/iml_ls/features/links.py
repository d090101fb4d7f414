"""Document links and workspace symbols: the app's files reachable from where they are named.

``"rpc://listFields"`` links to the RPC's communication file; in ``makecomapp.json`` every
``codeFiles`` and ``generalCodeFiles`` path links to its file. Workspace symbols list every
component of the app, each request of its files and each parameter it declares.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, Workspace
from iml_ls.model.app import RPC_PREFIX, App, ComponentKind, Role, rpc_name
from iml_ls.model.connection import FileKind
from iml_ls.syntax.json_tree import JsonObject, JsonString, walk

MAX_WORKSPACE_SYMBOLS = 500


@dataclass(frozen=True)
class DocumentLink:
    start: int
    end: int
    target: str
    tooltip: str


@dataclass(frozen=True)
class WorkspaceSymbol:
    name: str
    kind: str
    """``component``, ``request`` or ``parameter``."""
    container: str
    path: str
    start: int
    end: int


def document_links(workspace: Workspace, analysis: Analysis) -> list[DocumentLink]:
    """Links from ``rpc://`` names to RPCs, and from the manifest's paths to the files."""
    app = workspace.app_of(analysis.path)
    if app is None:
        return []
    links: list[DocumentLink] = []
    for value in walk(analysis.root):
        name = rpc_name(value.value) if isinstance(value, JsonString) else None
        rpc = app.component(ComponentKind.RPC, name) if name is not None else None
        target = rpc.file(Role.COMMUNICATION) if rpc is not None else None
        if name is not None and target is not None:
            end = value.start + 1 + len(RPC_PREFIX) + len(name)
            links.append(DocumentLink(value.start + 1, end, target, f"The RPC `{name}`"))
        if analysis.kind is FileKind.APP_MANIFEST and isinstance(value, JsonObject):
            for member in value.members:
                if member.key.value in ("codeFiles", "generalCodeFiles") and isinstance(member.value, JsonObject):
                    links.extend(_file_links(app, member.value))
    return sorted(links, key=lambda link: link.start)


def _file_links(app: App, code_files: JsonObject) -> Iterator[DocumentLink]:
    """The manifest's ``codeFiles`` paths that name a file of the app."""
    for member in code_files.members:
        path = member.value
        if isinstance(path, JsonString) and path.value:
            target = os.path.normpath(os.path.join(app.root, path.value))
            if app.place_of(target) is not None:
                yield DocumentLink(path.start + 1, path.end - 1, target, f"Open {path.value}")


def workspace_symbols(workspace: Workspace, paths: list[str], query: str) -> list[WorkspaceSymbol]:
    """Components, requests and parameters of the apps whose files are ``paths`` that match ``query``
    (letters in order, case-insensitively, as editors filter)."""
    found: list[WorkspaceSymbol] = []
    seen_components: set[tuple[str, str, str]] = set()
    for path in paths:
        place = workspace.place_of(path)
        analysis = workspace.analysis(path)
        if place is None or analysis is None:
            continue
        component = place.component
        title = component.title.replace("`", "")
        key = (os.path.dirname(path), component.kind.value, component.name)
        if place.role in (Role.COMMUNICATION, Role.BASE, Role.MANIFEST) and key not in seen_components:
            seen_components.add(key)
            found.append(WorkspaceSymbol(component.label or component.name, "component", title, path, 0, 0))
        if analysis.kind is FileKind.PARAMS:
            found.extend(
                WorkspaceSymbol(p.name, "parameter", title, path, p.name_node.start + 1, p.name_node.end - 1)
                for p in analysis.parameters
            )
        for request in analysis.requests if analysis.kind.holds_requests else ():
            url = request.node.get("url")
            method = request.node.get("method")
            label = " ".join(part.value for part in (method, url) if isinstance(part, JsonString)) or (
                request.stage or "request"
            )
            found.append(WorkspaceSymbol(label, "request", title, path, request.node.start, request.node.start + 1))
    matching = [symbol for symbol in found if _matches(query, symbol.name)]
    return matching[:MAX_WORKSPACE_SYMBOLS]


def _matches(query: str, name: str) -> bool:
    position = 0
    lowered = name.lower()
    for character in query.lower():
        position = lowered.find(character, position) + 1
        if position == 0:
            return False
    return True
