"""workspace/executeCommand ``iml.previewToken``: the evaluated connection and its signed tokens."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from iml_ls.features.preview import preview
from iml_ls.lsp.server import ImlLanguageServer, guarded

PREVIEW_TOKEN = "iml.previewToken"


def _position(value: Any) -> types.Position:
    if (
        isinstance(value, dict)
        and isinstance(value.get("line"), int)
        and isinstance(value.get("character"), int)
        and value["line"] >= 0
        and value["character"] >= 0
    ):
        return types.Position(value["line"], value["character"])
    raise JsonRpcInvalidParams('The position must be {"line": n, "character": n}.')


def register(server: ImlLanguageServer) -> None:
    @server.command(PREVIEW_TOKEN)
    @guarded(PREVIEW_TOKEN)
    def preview_token(ls: ImlLanguageServer, *args: Any) -> dict[str, object]:
        """Arguments: ``[uri]`` or ``[uri, position]``; returns the preview JSON of ``iml-ls preview``."""
        if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams(f"{PREVIEW_TOKEN} takes [uri] or [uri, position].")
        analysis = ls.analysis(args[0])
        if analysis is None:
            raise JsonRpcInvalidParams(f"{args[0]} is not an open document.")
        at = ls.offset(analysis, _position(args[1])) if len(args) == 2 else None
        return preview(analysis, at=at).as_json(analysis, ls.encoding)
