"""Go to definition, find references and rename for ``temp`` keys and ``parameters`` names.

A parameter is declared in the params file and used in the communication files of the same
component; a ``temp`` key is declared by a ``temp`` directive and used in the same file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.model.connection import FileKind, sibling
from iml_ls.syntax.iml import Member, member_path, walk_expr
from iml_ls.syntax.json_tree import JsonString

ROOTS = {"parameters": "parameter", "temp": "temp"}
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


@dataclass(frozen=True)
class Location:
    path: str
    start: int
    end: int


@dataclass(frozen=True)
class Symbol:
    """What the cursor is on: a parameter or a temp key, and where its name is."""

    kind: str
    """"parameter" or "temp"."""
    name: str
    location: Location


class RenameError(Exception):
    """The rename cannot be done; the message says why."""


def _uses(analysis: Analysis, kind: str, name: str | None = None) -> Iterator[Symbol]:
    """Every ``parameters.x`` / ``temp.x`` in a file's expressions (the ``x`` part)."""
    for string in analysis.iml_strings:
        for template in string.templates:
            if template.expr is None:
                continue
            for node in walk_expr(template.expr):
                if not isinstance(node, Member):
                    continue
                path = member_path(node)
                if path is None or len(path) < 2 or ROOTS.get(path[0]) != kind:
                    continue
                if member_path(node.object) != (path[0],) or (name is not None and path[1] != name):
                    continue
                start = string.offset(template, node.name_start)
                end = string.offset(template, node.end)
                yield Symbol(kind, node.name, Location(analysis.path, start, end))


def _inner(path: str, node: JsonString) -> Location:
    """The characters of a JSON string without its quotes."""
    return Location(path, node.start + 1, max(node.end - 1, node.start + 1))


def _declarations(analysis: Analysis, kind: str, name: str | None = None) -> Iterator[Symbol]:
    if kind == "temp":
        for key, definitions in analysis.temps.items():
            if name is None or key == name:
                for definition in definitions:
                    yield Symbol("temp", key, _inner(analysis.path, definition.key))
    elif analysis.kind is FileKind.PARAMS:
        for parameter in analysis.parameters:
            if name is None or parameter.name == name:
                yield Symbol("parameter", parameter.name, _inner(analysis.path, parameter.name_node))


def symbol_at(analysis: Analysis, offset: int) -> Symbol | None:
    for kind in ("parameter", "temp"):
        for symbol in (*_uses(analysis, kind), *_declarations(analysis, kind)):
            if symbol.location.start <= offset <= symbol.location.end:
                return symbol
    return None


def _component_files(workspace: Workspace, analysis: Analysis, kind: str) -> list[Analysis]:
    """The files a symbol can appear in: for parameters, the params file and the communication files."""
    if kind == "temp":
        return [analysis]
    paths = {analysis.path}
    for file_kind in (FileKind.PARAMS, FileKind.COMMUNICATION, FileKind.OAUTH_COMMUNICATION):
        path = sibling(analysis.path, file_kind)
        if path is not None:
            paths.add(path)
    found = [workspace.analysis(path) for path in sorted(paths)]
    return [a for a in found if a is not None]


def definition(workspace: Workspace, analysis: Analysis, offset: int) -> list[Location]:
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        return []
    return [
        found.location
        for file in _component_files(workspace, analysis, symbol.kind)
        for found in _declarations(file, symbol.kind, symbol.name)
    ]


def references(workspace: Workspace, analysis: Analysis, offset: int, include_declaration: bool) -> list[Location]:
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        return []
    locations: list[Location] = []
    for file in _component_files(workspace, analysis, symbol.kind):
        if include_declaration:
            locations.extend(found.location for found in _declarations(file, symbol.kind, symbol.name))
        locations.extend(found.location for found in _uses(file, symbol.kind, symbol.name))
    return locations


def prepare_rename(analysis: Analysis, offset: int) -> Symbol | None:
    return symbol_at(analysis, offset)


def rename(workspace: Workspace, analysis: Analysis, offset: int, new_name: str) -> list[TextEdit]:
    """Edits that rename the symbol at ``offset`` everywhere it is declared and used."""
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        raise RenameError("Only `temp` keys and `parameters` names can be renamed.")
    if not _NAME.fullmatch(new_name):
        raise RenameError(f"`{new_name}` is not a valid name: use letters, digits and `_`, not starting with a digit.")
    return [
        TextEdit(location.path, location.start, location.end, new_name)
        for location in references(workspace, analysis, offset, include_declaration=True)
    ]
