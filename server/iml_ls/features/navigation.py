"""Go to definition, find references and rename for ``temp`` keys and ``parameters`` names.

A parameter is declared in ``<id>.params.iml.json`` and used in the communication and OAuth
communication files of the same component; a ``temp`` key is declared by a ``temp`` directive and
used in the same file. The cursor may be on a declaration or on a use, so every answer starts by
finding the :class:`Symbol` under the cursor and then collects the same name in every file it can
appear in.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.model.connection import FileKind, sibling
from iml_ls.syntax.iml import Call, Expr, Index, Literal, Member, Name, walk_expr
from iml_ls.syntax.json_tree import JsonString


class SymbolKind(enum.Enum):
    PARAMETER = "parameter"
    TEMP = "temp"

    @property
    def root(self) -> str:
        """The IML variable the name is read from (``parameters.clientId``, ``temp.jwt``)."""
        return "parameters" if self is SymbolKind.PARAMETER else "temp"


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
    """A parameter or ``temp`` key at one place: its declaration or one of its uses."""

    kind: SymbolKind
    name: str
    location: Location
    is_declaration: bool


class RenameError(Exception):
    """The rename cannot be done; the message tells the user why."""


def _uses(analysis: Analysis, kind: SymbolKind | None = None, name: str | None = None) -> Iterator[Symbol]:
    """Every ``parameters.x`` / ``temp.x`` in a file's expressions, located at the ``x``."""
    for string in analysis.iml_strings:
        for template in string.templates:
            if template.expr is None:
                continue
            for node in walk_expr(template.expr):
                use = _use(node, template.source)
                if use is None:
                    continue
                found, used, name_start, name_end = use
                if (kind is not None and found is not kind) or (name is not None and used != name):
                    continue
                start, end = string.offset(template, name_start), string.offset(template, name_end)
                yield Symbol(found, used, Location(analysis.path, start, end), is_declaration=False)


def _use(node: Expr, source: str) -> tuple[SymbolKind, str, int, int] | None:
    """The name ``node`` reads from ``parameters`` or ``temp``, and where it is written in the
    expression: ``parameters.x``, ``parameters["x"]`` and ``get(parameters, 'x.y')`` read ``x``."""
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


def _declarations(analysis: Analysis, kind: SymbolKind | None = None, name: str | None = None) -> Iterator[Symbol]:
    """The ``temp`` keys of a file, or the ``"name"`` values of a params file."""
    if kind in (None, SymbolKind.TEMP):
        for key, definitions in analysis.temps.items():
            if name is None or key == name:
                for definition in definitions:
                    location = _inside_quotes(analysis.path, definition.key)
                    yield Symbol(SymbolKind.TEMP, key, location, is_declaration=True)
    if kind in (None, SymbolKind.PARAMETER) and analysis.kind is FileKind.PARAMS:
        for parameter in analysis.parameters:
            if name is None or parameter.name == name:
                location = _inside_quotes(analysis.path, parameter.name_node)
                yield Symbol(SymbolKind.PARAMETER, parameter.name, location, is_declaration=True)


def symbol_at(analysis: Analysis, offset: int) -> Symbol | None:
    """The declaration or use whose name touches ``offset`` (the cursor may sit just after it)."""
    for symbol in (*_uses(analysis), *_declarations(analysis)):
        if symbol.location.start <= offset <= symbol.location.end:
            return symbol
    return None


def _files(workspace: Workspace, analysis: Analysis, kind: SymbolKind) -> list[Analysis]:
    """The files a name can appear in: the file itself for ``temp``; the component's files for parameters."""
    if kind is SymbolKind.TEMP:
        return [analysis]
    paths = {analysis.path}
    for file_kind in (FileKind.PARAMS, FileKind.COMMUNICATION, FileKind.OAUTH_COMMUNICATION):
        path = sibling(analysis.path, file_kind)
        if path is not None:
            paths.add(path)
    files = [analysis if path == analysis.path else workspace.analysis(path) for path in sorted(paths)]
    return [file for file in files if file is not None]


def _occurrences(workspace: Workspace, analysis: Analysis, symbol: Symbol) -> list[Symbol]:
    """Every declaration and use of the symbol's name, file by file, in document order."""
    found: list[Symbol] = []
    for file in _files(workspace, analysis, symbol.kind):
        here = [*_declarations(file, symbol.kind, symbol.name), *_uses(file, symbol.kind, symbol.name)]
        found.extend(sorted(here, key=lambda s: s.location.start))
    return found


def definition(workspace: Workspace, analysis: Analysis, offset: int) -> list[Location]:
    """Where the name under the cursor is declared (empty when it is declared nowhere)."""
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
        for file in _files(workspace, analysis, symbol.kind)
        for found in _declarations(file, symbol.kind, new_name)
    ]
    if taken:
        raise RenameError(
            f"`{symbol.kind.root}.{new_name}` already exists: pick another name, or the two would become one."
        )


def rename(workspace: Workspace, analysis: Analysis, offset: int, new_name: str) -> list[TextEdit]:
    """Edits that rename the name under the cursor at its declarations and every use, in every file."""
    symbol = symbol_at(analysis, offset)
    if symbol is None:
        raise RenameError("Only `temp` keys and `parameters` names can be renamed; put the cursor on one.")
    if new_name == symbol.name:
        return []
    _check_new_name(workspace, analysis, symbol, new_name)
    return [
        TextEdit(found.location.path, found.location.start, found.location.end, new_name)
        for found in _occurrences(workspace, analysis, symbol)
    ]
