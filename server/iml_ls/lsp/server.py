"""The language server: document sync, settings, diagnostics, and the registry of feature handlers.

This layer only converts and schedules. Every answer comes from a pure feature function over an
:class:`~iml_ls.analysis.Analysis`; each LSP method has a small handler in ``lsp/handlers/``.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification
from pygls.protocol.language_server import lsp_method

from iml_ls import __version__
from iml_ls.analysis import Analysis, Settings, Workspace, collector_paused
from iml_ls.checks.diagnostic import Diagnostic
from iml_ls.lsp.convert import (
    JsonReady,
    diagnostic_fields,
    encoding_of,
    json_range,
    to_diagnostic,
    to_offset,
    uri_to_path,
)
from iml_ls.text.line_index import Position, PositionEncoding

log = logging.getLogger("iml_ls")

CONFIGURATION_SECTION = "imlLs"
REQUEST_FAILED = -32803

P = ParamSpec("P")
R = TypeVar("R")


def settings_from(raw: object) -> Settings:
    """Settings from ``initializationOptions`` or the ``imlLs`` configuration section."""
    if not isinstance(raw, dict):
        return Settings()
    claims = raw.get("requiredClaims")
    disabled = raw.get("disabledDiagnostics")
    samples = raw.get("samplesFile")
    return Settings(
        required_claims=tuple(str(c) for c in claims) if isinstance(claims, list) else ("exp",),
        disabled_diagnostics=frozenset(str(d) for d in disabled) if isinstance(disabled, list) else frozenset(),
        samples_file=samples if isinstance(samples, str) and samples else None,
    )


class ImlProtocol(LanguageServerProtocol):
    """pygls's protocol with two corrections.

    A request with malformed parameters gets an error response (pygls drops it without answering
    its id, and the client waits forever). And edits are not applied to pygls's own copy of the
    document: it splits lines like ``str.splitlines`` (at U+2028 too), so it drifts from the
    editor's text and can raise, and then pygls never calls our handler and an edit is lost.
    iml-ls keeps the text itself, with LSP's line rules.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cancelled: set[str | int] = set()
        """Ids of requests the client cancelled (pygls cannot cancel a command's coroutine itself)."""

    def _handle_cancel_notification(self, msg_id: str | int) -> None:
        self.cancelled.add(msg_id)
        super()._handle_cancel_notification(msg_id)

    def check_cancelled(self) -> None:
        """Raise RequestCancelled when the request being handled was cancelled by the client."""
        msg_id = self.msg_id
        if msg_id is not None and msg_id in self.cancelled:
            self.cancelled.discard(msg_id)
            raise JsonRpcRequestCancelled(f'Request "{msg_id}" was cancelled.')

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Iterator[Any]:
        handler = self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None

    def _serialize_message(self, data: Any) -> Any:
        """Parameters and results already in JSON form (:class:`JsonReady`) go out as they are."""
        params = getattr(data, "params", None)
        if isinstance(params, JsonReady) and not hasattr(data, "id"):
            return {"jsonrpc": data.jsonrpc, "method": data.method, "params": params}
        result = getattr(data, "result", None)
        if isinstance(result, JsonReady):
            return {"jsonrpc": data.jsonrpc, "id": data.id, "result": result}
        return super()._serialize_message(data)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                message = f"Invalid parameters for {data['method']}."
                self._send_response(data["id"], None, JsonRpcException(message, error.code).to_response_error())
                return JsonRPCNotification(method="$/iml-ls/rejected", jsonrpc="2.0", params=None)
            raise


class ImlLanguageServer(LanguageServer):
    """pygls server holding the iml-ls workspace and the per-document state."""

    def __init__(self) -> None:
        super().__init__(
            "iml-ls",
            __version__,
            protocol_cls=ImlProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.iml = Workspace()
        self.encoding = PositionEncoding.UTF16
        self.pull_diagnostics = False
        self.uris: dict[str, str] = {}
        """path → URI of every open document, as the client spelled it."""
        self._published: dict[str, int | None] = {}
        self._converted: dict[str, _Converted] = {}
        """uri → the diagnostics last converted for it (see :meth:`json_diagnostics`)."""

    @property
    def iml_protocol(self) -> ImlProtocol:
        assert isinstance(self.protocol, ImlProtocol)
        return self.protocol

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of popping a message in the editor (never one popup per keystroke)."""
        log.error("iml-ls internal error: %s", error)

    # Documents -------------------------------------------------------------------------------

    def analysis(self, uri: str) -> Analysis | None:
        """The analysis of an open document (None for documents the client has not opened)."""
        path = uri_to_path(uri)
        if not self.iml.is_open(path):
            return None
        return self.iml.analysis(path)

    def offset(self, analysis: Analysis, position: types.Position) -> int:
        return to_offset(analysis.index, position, self.encoding)

    def apply_changes(self, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent]) -> None:
        """Apply incremental edits with LSP's own line rules (not ``str.splitlines``)."""
        path = uri_to_path(uri)
        for change in changes:
            index = self.iml.line_index(path)
            if isinstance(change, types.TextDocumentContentChangePartial) and index is not None:
                start = index.offset(Position(change.range.start.line, change.range.start.character), self.encoding)
                end = index.offset(Position(change.range.end.line, change.range.end.character), self.encoding)
                self.iml.edit_document(path, start, end, change.text, version)
            else:
                self.iml.open_document(path, change.text, version)

    # Diagnostics -----------------------------------------------------------------------------

    def diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        return [to_diagnostic(analysis, item, self.encoding) for item in analysis.diagnostics]

    def json_diagnostics(self, uri: str, analysis: Analysis) -> list[dict[str, Any]]:
        """The analysis's diagnostics in LSP's JSON, as :meth:`diagnostics` would give them.

        The ranges of all of them are computed in one pass. A diagnostic the previous conversion
        of the document had (the same object: its request was not checked again) at the same range
        is reused as it was; for the others, what does not depend on the position (message, code,
        link) is taken from the previous conversion. The same analysis asked again (a pull after a
        push, a second pull) gets the same list.
        """
        before = self._converted.get(uri)
        if before is not None and before.analysis is analysis and before.encoding is self.encoding:
            return before.items
        known = before if before is not None and before.encoding is self.encoding else None
        fields: dict[tuple[str, str], dict[str, Any]] = {}
        converted_items: dict[int, tuple[Diagnostic, tuple[int, int], tuple[int, int], dict[str, Any]]] = {}
        converted = []
        # Thousands of small objects (diagnostics moved, sort keys, dicts): the collector would walk
        # the whole heap of a big file again and again (a third of a keystroke at 100,000 lines).
        with collector_paused():
            items = analysis.diagnostics
            offsets = [offset for item in items for offset in (item.start, item.end)]
            positions = analysis.index.line_characters(offsets, self.encoding)
            for number, item in enumerate(items):
                start, end = positions[2 * number], positions[2 * number + 1]
                kept = known.by_item.get(id(item)) if known is not None else None
                if kept is not None and kept[0] is item and kept[1] == start and kept[2] == end:
                    json_item = kept[3]
                else:
                    key = (item.rule.code, item.message)
                    static = fields.get(key) or (known.fields.get(key) if known is not None else None)
                    static = static or diagnostic_fields(item.rule, item.message)
                    fields[key] = static
                    json_item = {"range": json_range(start, end), **static}
                converted_items[id(item)] = (item, start, end, json_item)
                converted.append(json_item)
        self._converted[uri] = _Converted(analysis, self.encoding, fields, converted_items, converted)
        # What survives a version (the trees, analyses and diagnostics of the open files) lives long:
        # moved out of the collector's generations, it is not walked again by every full collection
        # (a pause of half a second every few keystrokes at 100,000 lines). Such objects are still
        # freed when no longer referenced; retired analyses hold no cycles (see Analysis.retire).
        gc.freeze()
        return converted

    def forget_diagnostics(self, uri: str) -> None:
        """Drop a closed document's converted diagnostics, and collect what it leaves (the frozen
        objects too: a cycle among them is found only by a full collection of everything)."""
        self._converted.pop(uri, None)
        gc.unfreeze()
        gc.collect()

    def publish(self, uri: str) -> None:
        """Push the diagnostics of the document's current version (clients without pull)."""
        analysis = self.analysis(uri)
        if analysis is None or self.pull_diagnostics:
            return
        diagnostics = self.json_diagnostics(uri, analysis)
        self.text_document_publish_diagnostics(
            JsonReady(uri=uri, diagnostics=diagnostics, version=analysis.version)  # type: ignore[arg-type]
        )
        self._published[uri] = analysis.version

    def schedule_publish(self, uri: str) -> None:
        """Publish once the messages already queued are handled, so only the latest version is checked."""
        asyncio.get_event_loop().call_soon(self._publish_if_latest, uri, self._version(uri))

    def _version(self, uri: str) -> int | None:
        """The open document's version, without parsing it (this runs on every keystroke)."""
        return self.iml.version_of(uri_to_path(uri))

    def _publish_if_latest(self, uri: str, version: int | None) -> None:
        if self._version(uri) != version:
            return  # a newer edit arrived; its own publish follows
        try:
            self.publish(uri)
        except Exception:  # never let one bad document stop the server
            log.error("diagnostics failed for %s:\n%s", uri, traceback.format_exc())

    def refresh_all(self) -> None:
        """Re-check every open document (settings or a related file changed)."""
        if self.pull_diagnostics:
            if self._client_refreshes():
                self.workspace_diagnostic_refresh(None)
            return
        for path in self.iml.open_paths():
            self.schedule_publish(self.uris.get(path, path))

    def _client_refreshes(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)

    def dependents_of(self, path: str) -> list[str]:
        """URIs of open files whose analysis a change of ``path`` changed (they read its parameters,
        common data, samples, saved connection values, base, manifest or function code)."""
        if not self.iml.is_read_by_others(path):
            return []
        result = []
        for open_path in self.iml.open_paths():
            if open_path == path:
                continue
            before = self.iml.cached_analysis(open_path)
            if before is not None and self.iml.analysis(open_path) is not before:
                result.append(self.uris.get(open_path, open_path))
        return result


@dataclass(frozen=True, eq=False)
class _Converted:
    """One document's diagnostics as last sent, for which analysis and encoding, with what the next
    conversion reuses."""

    analysis: Analysis
    encoding: PositionEncoding
    fields: dict[tuple[str, str], dict[str, Any]]
    """Each message's fields without the range, by code and message, for the next conversion."""
    by_item: dict[int, tuple[Diagnostic, tuple[int, int], tuple[int, int], dict[str, Any]]]
    """Each diagnostic's JSON by the diagnostic's ``id``, with the diagnostic (kept alive so that its
    ``id`` is not reused) and its range's start and end."""
    items: list[dict[str, Any]]


def guarded(method: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Answer a failing request with a short error and log the traceback to stderr (never to the client)."""

    def decorate(handler: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(handler)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return handler(*args, **kwargs)
            except JsonRpcException:
                raise
            except Exception as error:
                log.error("%s failed:\n%s", method, traceback.format_exc())
                raise JsonRpcException(
                    f"iml-ls could not answer {method}: {type(error).__name__}", REQUEST_FAILED
                ) from None

        return run

    return decorate


def create_server() -> ImlLanguageServer:
    """A server with every handler registered."""
    from iml_ls.lsp.handlers import register_all

    server = ImlLanguageServer()
    register_all(server)
    return server


def serve(tcp: str | None = None) -> None:
    """Run over stdio (stdout carries LSP frames only; logs go to stderr) or on ``HOST:PORT``."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="iml-ls %(levelname)s: %(message)s")
    # pygls logs whole messages (document text included) when one fails; iml-ls logs its own short lines.
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()


def negotiate(server: ImlLanguageServer, params: types.InitializeParams) -> None:
    """Record what initialize told us: encoding, pull support, initial settings."""
    server.encoding = encoding_of(ServerCapabilitiesBuilder.choose_position_encoding(params.capabilities))
    text_document = params.capabilities.text_document
    server.pull_diagnostics = bool(text_document and text_document.diagnostic)
    server.iml.update_settings(settings_from(params.initialization_options))
