"""Which files a check covers: the apps a path names, and their files (shared by the CLI and the
server's workspace diagnostics)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from iml_ls.model.app import Role, app_roots_under, find_app_root, load_app
from iml_ls.model.connection import FileKind, file_kind

_LOOSE_KINDS = {
    FileKind.COMMUNICATION,
    FileKind.OAUTH_COMMUNICATION,
    FileKind.PARAMS,
    FileKind.BASE,
    FileKind.OTHER_IML,
    FileKind.COMMON,
    FileKind.APP_MANIFEST,
    FileKind.SAMPLES,
}
"""Files checked outside any app, by their names (a connection's files copied somewhere)."""
_UNCHECKED_ROLES = {Role.CODE, Role.TEST, Role.OTHER}
"""JavaScript and Markdown files of an app are not IML."""


class NoAppFiles(Exception):
    """The path holds no file of a Make app."""


@dataclass(frozen=True)
class CheckTarget:
    """The files to check under one app root (None: loose files outside any app)."""

    root: str | None
    files: tuple[str, ...]


def app_paths(root: str) -> list[str]:
    """Every file of the app at ``root`` that holds Make code (JSON, IMLJSON)."""
    app = load_app(root)
    return sorted(path for path, place in app.places.items() if place.role not in _UNCHECKED_ROLES)


def check_targets(given: str) -> list[CheckTarget]:
    """The apps (and their files) a path names: a file, a folder inside an app, an app root, or a
    folder of many apps; loose connection files when no app is found."""
    path = Path(given)
    if path.is_file():
        return [CheckTarget(find_app_root(str(path)), (os.path.abspath(path),))]
    if not path.is_dir():
        raise FileNotFoundError(given)
    folder = os.path.abspath(path)
    root = find_app_root(folder)
    roots = [root] if root is not None else app_roots_under(folder)
    targets = [
        CheckTarget(found, tuple(p for p in app_paths(found) if p == folder or p.startswith(folder + os.sep)))
        for found in roots
    ]
    if not roots:
        loose = tuple(
            os.path.abspath(found)
            for found in sorted(path.rglob("*.json"))
            if found.is_file() and file_kind(str(found)) in _LOOSE_KINDS and "node_modules" not in found.parts
        )
        targets.append(CheckTarget(None, loose))
    if not any(target.files for target in targets):
        raise NoAppFiles(given)
    return targets
