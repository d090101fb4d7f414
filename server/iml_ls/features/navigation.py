"""Go to definition, find references and rename, across the whole app.

A name belongs to an *owner*: a ``temp`` key to its file; a parameter to its component (declared in
its params or mappable params file, read as ``parameters.x`` in the component's requests); a
connection's values — its parameters and the keys its ``response.data`` saves — are also read as
``connection.x`` by every module, RPC and webhook linked to it (and by base when the app has one
connection); a webhook's saved keys are read as ``webhook.x`` in its own files. Every answer starts
from the :class:`Symbol` under the cursor, finds its owners, then collects the name in every file the
owners' names can appear in. ``rpc://name`` strings lead to the RPC, custom function calls to their
JavaScript file.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, ImlString, Workspace
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.model.app import Component, ComponentKind, Role, linked_connections, rpc_name
from iml_ls.model.connection import FileKind, saved_members, sibling
from iml_ls.syntax.iml import Call, Expr, Index, Literal, Member, Name, walk_expr
from iml_ls.syntax.json_tree import JsonString, JsonValue, walk


class SymbolKind(enum.Enum):
    PARAMETER = "parameter"
    TEMP = "temp"
    CONNECTION = "connection"
    WEBHOOK = "webhook"

    @property
    def root(self) -> str:
        """The IML variable the name is read from (``parameters.clientId``, ``temp.jwt``)."""
        return {"parameter": "parameters"}.get(self.value, self.value)


_KIND_OF_ROOT = {kind.root: kind for kind in SymbolKind}
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
MAX_NAME_LENGTH = 128
"""Make's limit for a parameter name."""


@dataclass(frozen=True)
class Location:
    """A range of one file (offsets into that file's text)."""

    path: str
    start: int
    end: int


@dataclass(frozen=True)
class Symbol:
    """A name at one place: its declaration or one of its uses."""

    kind: SymbolKind
    name: str
    location: Location
    is_declaration: bool


class RenameError(Exception):
    """The rename cannot be done; the message tells the user why."""


@dataclass(frozen=True)
class _Owner:
    """What a name belongs to: a component (or, outside any app, a component's folder), or a file."""

    component: Component | None
    path: str
    """The file a ``temp`` key belongs to, or the file the component was reached from."""


def _uses(
    analysis: Analysis, roots: frozenset[str], name: str | None = None, strings: Iterable[ImlString] | None = None
) -> Iterator[Symbol]:
    """Every ``<root>.x`` (or ``<root>["x"]``, ``get(<root>, 'x')``) in a file's expressions (or in
    ``strings`` of it) for the given roots, located at the ``x``."""
    for string in analysis.iml_strings if strings is None else strings:
        for template in string.templates:
            if template.expr is None:
                continue
            for node in walk_expr(template.expr):
                use = _use(node, template.source)
                if use is None:
                    continue
                found, used, name_start, name_end = use
                if found.root not in roots or (name is not None and used != name):
                    continue
                start, end = string.offset(template, name_start), string.offset(template, name_end)
                yield Symbol(found, used, Location(analysis.path, start, end), is_declaration=False)


def _use(node: Expr, source: str) -> tuple[SymbolKind, str, int, int] | None:
    """The name ``node`` reads from ``parameters``, ``temp``, ``connection`` or ``webhook``, and where
    it is written in the expression: ``parameters.x``, ``parameters["x"]`` and ``get(parameters, 'x.y')`` read ``x``."""
    if isinstance(node, Member) and isinstance(node.object, Name):
        found = _KIND_OF_ROOT.get(node.object.name)
        return None if found is None else (found, node.name, node.name_start, node.end)
    root, key = (
        (node.object, node.index)
        if isinstance(node, Index)
        else (node.args[0], node.args[1])
        if isinstance(node, Call) and node.name == "get" and len(node.args) >= 2
        else (None, None)
    )
    if not isinstance(root, Name) or not isinstance(key, Literal) or not isinstance(key.value, str):
        return None
    found = _KIND_OF_ROOT.get(root.name)
    written = source[key.start + 1 : key.end - 1]
    if found is None or written != key.value:  # an escape inside the quotes: the offsets would not match
        return None
    used = written.split(".", 1)[0] if isinstance(node, Call) else written
    if not _IDENTIFIER.fullmatch(used):
        return None
    return found, used, key.start + 1, key.start + 1 + len(used)


def _inside_quotes(path: str, node: JsonString) -> Location:
    """The characters of a JSON string between its quotes."""
    return Location(path, node.start + 1, max(node.end - 1, node.start + 1))


def _temp_declarations(analysis: Analysis, name: str | None = None) -> Iterator[Symbol]:
    for key, definitions in analysis.temps.items():
        if name is None or key == name:
            for definition in definitions:
                yield Symbol(SymbolKind.TEMP, key, _inside_quotes(analysis.path, definition.key), True)


def _declarations(analysis: Analysis, name: str | None = None) -> Iterator[Symbol]:
    """The parameter names a file declares, and the keys its ``response.data`` saves (a connection's
    communication, a webhook's attach)."""
    if analysis.kind is FileKind.PARAMS:
        for parameter in analysis.parameters:
            if name is None or parameter.name == name:
                yield Symbol(
                    SymbolKind.PARAMETER, parameter.name, _inside_quotes(analysis.path, parameter.name_node), True
                )
    place = analysis.place
    if place is None or not (
        (place.kind is ComponentKind.CONNECTION and place.role is Role.COMMUNICATION)
        or (place.kind is ComponentKind.WEBHOOK and place.role is Role.ATTACH)
    ):
        return
    kind = SymbolKind.CONNECTION if place.kind is ComponentKind.CONNECTION else SymbolKind.WEBHOOK
    for key in saved_members(analysis.root, analysis.kind) or []:
        if name is None or key.value == name:
            yield Symbol(kind, key.value, _inside_quotes(analysis.path, key), True)


def _own_roots(analysis: Analysis) -> frozenset[str]:
    """The roots under which a file reads the names its own component owns."""
    place = analysis.place
    if place is not None and place.kind is ComponentKind.WEBHOOK:
        return frozenset({"parameters", "webhook"})
    return frozenset({"parameters"})


def symbol_at(analysis: Analysis, offset: int) -> Symbol | None:
    """The declaration or use whose name touches ``offset`` (the cursor may sit just after it)."""
    roots = frozenset(_KIND_OF_ROOT)
    here = analysis.syntax.iml_string_at(offset)  # a use is inside the string at the cursor
    uses: Iterable[Symbol] = _uses(analysis, roots, strings=[here]) if here is not None else ()
    for symbol in (*uses, *_temp_declarations(analysis), *_declarations(analysis)):
        if symbol.location.start <= offset <= symbol.location.end:
            return symbol
    return None


def _owners(workspace: Workspace, analysis: Analysis, symbol: Symbol) -> list[_Owner]:
    """What the name under the cursor belongs to (a use of ``connection.x`` may have two connections)."""
    if symbol.kind is SymbolKind.TEMP:
        return [_Owner(None, analysis.path)]
    place, app = analysis.place, workspace.app_of(analysis.path)
    if place is None or app is None:
        return [_Owner(None, analysis.path)]
    if symbol.kind is SymbolKind.CONNECTION and not symbol.is_declaration:
        return [_Owner(connection, analysis.path) for connection in linked_connections(app, place.component)]
    return [_Owner(place.component, analysis.path)]


def _component_paths(workspace: Workspace, owner: _Owner) -> list[str]:
    """The files of an owner that may declare or read its names."""
    if owner.component is None:
        paths = {owner.path}
        for kind in (FileKind.PARAMS, FileKind.COMMUNICATION, FileKind.OAUTH_COMMUNICATION):
            path = sibling(owner.path, kind)
            if path is not None:
                paths.add(path)
        return sorted(paths)
    return sorted(path for role, path in owner.component.files if role.holds_requests or role.holds_parameters)


def _readers(workspace: Workspace, owner: _Owner) -> list[str]:
    """The request files of the components that read a connection's values as ``connection.x``."""
    component = owner.component
    app = workspace.app_of(owner.path)
    if component is None or app is None or component.kind is not ComponentKind.CONNECTION:
        return []
    found = [
        path
        for other in app.components
        if component in linked_connections(app, other)
        for role, path in other.files
        if role.holds_requests
    ]
    base = app.app_component.file(Role.BASE)
    if base is not None and len(app.of_kind(ComponentKind.CONNECTION)) == 1:
        found.append(base)
    return sorted(found)


def _occurrences(workspace: Workspace, analysis: Analysis, symbol: Symbol) -> list[Symbol]:
    """Every declaration and use of the symbol's name, file by file, in document order."""
    if symbol.kind is SymbolKind.TEMP:
        here = [*_temp_declarations(analysis, symbol.name), *_uses(analysis, frozenset({"temp"}), symbol.name)]
        return sorted(here, key=lambda s: s.location.start)
    found: list[Symbol] = []
    for owner in _owners(workspace, analysis, symbol):
        files = [(path, True) for path in _component_paths(workspace, owner)]
        files += [(path, False) for path in _readers(workspace, owner)]
        for path, own in files:
            file = analysis if path == analysis.path else workspace.analysis(path)
            if file is None:
                continue
            roots = _own_roots(file) if own else frozenset({"connection"})
            here = [*(_declarations(file, symbol.name) if own else ()), *_uses(file, roots, symbol.name)]
            found.extend(sorted(here, key=lambda s: s.location.start))
    return list(dict.fromkeys(found))


def definition(workspace: Workspace, analysis: Analysis, offset: int) -> list[Location]:
    """Where the name under the cursor is declared (empty when it is declared nowhere); for
    ``rpc://name`` the RPC, for a custom function call its JavaScript file."""
    target = _file_target(workspace, analysis, offset)
    if target is not None:
        return [target]
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        return []
    return [found.location for found in _occurrences(workspace, analysis, symbol) if found.is_declaration]


def references(workspace: Workspace, analysis: Analysis, offset: int, include_declaration: bool) -> list[Location]:
    """Every use of the name under the cursor, and its declarations when asked."""
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        return []
    return [
        found.location
        for found in _occurrences(workspace, analysis, symbol)
        if include_declaration or not found.is_declaration
    ]


def highlights(analysis: Analysis, offset: int) -> list[Symbol]:
    """The places in this file that name what the cursor is on (``temp.jwt``, ``parameters.apiKey``
    and its declaration, a saved key and ``connection.x``…), in document order. This file only, so
    that moving the cursor costs one pass over the file's expressions, never a read of the others."""
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        return []
    temp = symbol.kind is SymbolKind.TEMP
    declared = _temp_declarations(analysis, symbol.name) if temp else _declarations(analysis, symbol.name)
    here = [*declared, *_uses(analysis, frozenset({symbol.kind.root}), symbol.name)]
    return sorted(dict.fromkeys(found for found in here if found.kind is symbol.kind), key=lambda s: s.location.start)


def prepare_rename(analysis: Analysis, offset: int) -> Symbol | None:
    """What a rename at ``offset`` would rename (None: nothing renamable there)."""
    return symbol_at(analysis, offset)


def _check_new_name(workspace: Workspace, analysis: Analysis, symbol: Symbol, new_name: str) -> None:
    """Refuse a name IML cannot read after a dot, or one that would merge two names into one."""
    if not _IDENTIFIER.fullmatch(new_name):
        raise RenameError(
            f"`{new_name}` is not a valid name: use letters, digits, `_` or `$`, not starting with a digit"
            " (for example `clientKey`)."
        )
    if len(new_name) > MAX_NAME_LENGTH:
        raise RenameError(f"The new name has {len(new_name)} characters; Make allows at most {MAX_NAME_LENGTH}.")
    taken = [
        found
        for found in _occurrences(workspace, analysis, Symbol(symbol.kind, new_name, symbol.location, False))
        if found.is_declaration
    ]
    if taken:
        raise RenameError(
            f"`{symbol.kind.root}.{new_name}` already exists: pick another name, or the two would become one."
        )


def rename(workspace: Workspace, analysis: Analysis, offset: int, new_name: str) -> list[TextEdit]:
    """Edits that rename the name under the cursor at its declarations and every use, in every file
    (renaming a connection's parameter renames ``connection.x`` in the modules that read it too)."""
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        raise RenameError(
            "Only `temp` keys, `parameters`, `connection` and `webhook` names can be renamed; put the cursor on one."
        )
    if new_name == symbol.name:
        return []
    _check_new_name(workspace, analysis, symbol, new_name)
    return [
        TextEdit(found.location.path, found.location.start, found.location.end, new_name)
        for found in _occurrences(workspace, analysis, symbol)
    ]


def _file_target(workspace: Workspace, analysis: Analysis, offset: int) -> Location | None:
    """The file an ``rpc://name`` string or a custom function call under the cursor leads to."""
    app = workspace.app_of(analysis.path)
    if app is None:
        return None
    rpc = _rpc_at(analysis.root, offset)
    if rpc is not None:
        component = app.component(ComponentKind.RPC, rpc)
        path = component.file(Role.COMMUNICATION) if component is not None else None
        return Location(path, 0, 0) if path is not None else None
    string = analysis.syntax.iml_string_at(offset)
    for template in string.templates if string is not None else ():
        for node in walk_expr(template.expr) if template.expr is not None else ():
            if isinstance(node, Call) and string is not None:
                start, end = string.offset(template, node.start), string.offset(template, node.name_end)
                if start <= offset <= end:
                    function = app.component(ComponentKind.FUNCTION, node.name)
                    code = function.file(Role.CODE) if function is not None else None
                    return Location(code, 0, 0) if code is not None else None
    return None


def _rpc_at(root: JsonValue | None, offset: int) -> str | None:
    """The RPC name of an ``"rpc://name"`` string that holds ``offset``."""
    for value in walk(root):
        if isinstance(value, JsonString) and value.start <= offset <= value.end:
            return rpc_name(value.value)
    return None
