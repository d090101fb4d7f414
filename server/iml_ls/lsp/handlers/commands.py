"""workspace/executeCommand ``iml.previewToken`` (the evaluated connection and its signed tokens) and
``iml.previewRequest`` (the requests Make would send)."""

from __future__ import annotations

import asyncio
import functools
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from iml_ls.features.client_names import PREVIEW_COMMAND as PREVIEW_TOKEN
from iml_ls.features.client_names import REQUEST_PREVIEW_COMMAND
from iml_ls.lsp.convert import path_to_uri, uri_to_path
from iml_ls.lsp.server import ImlLanguageServer, guarded


def position_argument(value: Any) -> types.Position:
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
        """Arguments: ``[uri]`` or ``[uri, position]``; returns the preview JSON of ``iml-ls preview`` and,
        as ``text``, its rendering by ``iml-ls preview`` (for clients that show it as it is)."""
        from iml_ls.features.preview import preview, render_preview_text

        if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams(f"{PREVIEW_TOKEN} takes [uri] or [uri, position].")
        analysis = ls.analysis(args[0])
        if analysis is None:
            raise JsonRpcInvalidParams(f"{args[0]} is not an open document.")
        at = ls.offset(analysis, position_argument(args[1])) if len(args) == 2 else None
        result = preview(analysis, at=at)
        return result.as_json(analysis, ls.encoding) | {"text": render_preview_text(result, analysis)}

    @server.command(REQUEST_PREVIEW_COMMAND)
    @guarded(REQUEST_PREVIEW_COMMAND)
    def preview_request(ls: ImlLanguageServer, *args: Any) -> dict[str, object]:
        """Arguments: ``[uri]``, ``[uri, position]`` or ``[uri, position, {"revealSecrets": true}]``;
        returns the JSON of ``iml-ls preview --request --format json``."""
        from iml_ls.features.request_preview import request_preview

        if not 1 <= len(args) <= 3 or not isinstance(args[0], str):
            raise JsonRpcInvalidParams(
                f"{REQUEST_PREVIEW_COMMAND} takes [uri], [uri, position] or [uri, position, options]."
            )
        analysis = ls.analysis(args[0])
        if analysis is None:
            raise JsonRpcInvalidParams(f"{args[0]} is not an open document.")
        at = ls.offset(analysis, position_argument(args[1])) if len(args) >= 2 and args[1] is not None else None
        options = args[2] if len(args) == 3 and isinstance(args[2], dict) else {}
        reveal = options.get("revealSecrets") is True
        return request_preview(ls.iml, analysis, at=at, reveal_secrets=reveal).as_json(analysis, ls.encoding)

    register_scan(server)


CHECK_WORKSPACE = "iml.checkWorkspace"
SCANNED_SUFFIXES = (".iml.json", ".common.json")


def _workspace_files(ls: ImlLanguageServer) -> list[str]:
    """On the analysis thread: the files of the workspace's apps, else its loose connection files."""
    from iml_ls.files import walk

    apps = ls.app_files()
    if apps:
        return apps
    files: list[str] = []
    for folder in ls.workspace.folders.values():
        root = uri_to_path(folder.uri)
        if Path(root).is_dir():
            files += [str(path) for path in walk(root) if path.name.endswith(SCANNED_SUFFIXES)]
    return files


def _diagnostics_of(ls: ImlLanguageServer, path: str) -> list[types.Diagnostic] | None:
    """On the analysis thread: the diagnostics of a file of the workspace (None: it cannot be read)."""
    analysis = ls.iml.analysis(path)
    return ls.diagnostics(analysis) if analysis is not None else None


def register_scan(server: ImlLanguageServer) -> None:
    @server.command(CHECK_WORKSPACE)
    async def check_workspace(ls: ImlLanguageServer, *args: Any) -> dict[str, int]:
        """Check every file of the workspace's apps (or, without any app, every connection file),
        reporting ``$/progress``; cancellable. Files that are not open get their diagnostics pushed
        (the Problems panel lists them)."""
        files = await ls.in_worker(functools.partial(_workspace_files, ls), timeout=None)  # a big tree takes a while
        window = ls.client_capabilities.window
        token = str(uuid.uuid4()) if window and window.work_done_progress else None
        if token is not None:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title="Checking IML files", percentage=0, cancellable=True)
            )
        totals = {"files": 0, "errors": 0, "warnings": 0}
        try:
            for number, path in enumerate(files, start=1):
                ls.iml_protocol.check_cancelled()
                if token is not None and ls.work_done_progress.tokens[token].cancelled():
                    break
                diagnostics = await ls.in_worker(functools.partial(_diagnostics_of, ls, path), timeout=None)
                if diagnostics is not None:
                    totals["files"] += 1
                    totals["errors"] += sum(d.severity == types.DiagnosticSeverity.Error for d in diagnostics)
                    totals["warnings"] += sum(d.severity == types.DiagnosticSeverity.Warning for d in diagnostics)
                    if path not in ls.uris:
                        # pushed even to clients that pull: they pull only open files; opening the
                        # file clears this push (documents.did_open), so nothing shows twice
                        uri = path_to_uri(path)
                        ls.text_document_publish_diagnostics(
                            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
                        )
                        ls.pushed_while_closed.add(uri)
                if token is not None:
                    ls.work_done_progress.report(
                        token,
                        types.WorkDoneProgressReport(message=Path(path).name, percentage=number * 100 // len(files)),
                    )
                await asyncio.sleep(0)  # let other requests (and $/cancelRequest) through
        finally:
            if token is not None:
                ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{totals['files']} files checked"))
        return totals
