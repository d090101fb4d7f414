"""The language server: document sync, settings, diagnostics, and the registry of feature handlers.

This layer only converts and schedules. Every answer comes from a pure feature function over an
:class:`~iml_ls.analysis.Analysis`; each LSP method has a small handler in ``lsp/handlers/``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import gc
import logging
import sys
import threading
import traceback
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification
from pygls.protocol.language_server import lsp_method

from iml_ls import __version__
from iml_ls.lsp.convert import (
    DiagnosticsJson,
    JsonReady,
    RawJson,
    encode,
    encoding_of,
    path_to_uri,
    to_diagnostic,
    to_offset,
    uri_to_path,
)
from iml_ls.text.line_index import Position, PositionEncoding

if TYPE_CHECKING:  # imported where used: `initialize` is answered before the analysis is imported
    from iml_ls.analysis import Analysis, Settings, Workspace

log = logging.getLogger("iml_ls")

CONFIGURATION_SECTION = "imlLs"
REQUEST_FAILED = -32803
CONTENT_MODIFIED = -32801
SERVER_CANCELLED = -32802
ANSWER_WITHIN = 0.8
"""Seconds a request waits for the analysis thread before it is answered with ``ContentModified``
(the client asks again): every request is answered within a second, whatever the file holds."""

P = ParamSpec("P")
R = TypeVar("R")


def settings_from(raw: object) -> Settings:
    """Settings from ``initializationOptions`` or the ``imlLs`` configuration section."""
    from iml_ls.analysis import Settings

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
    """pygls's protocol with three corrections.

    A request with malformed parameters gets an error response (pygls drops it without answering
    its id, and the client waits forever). And edits are not applied to pygls's own copy of the
    document: it splits lines like ``str.splitlines`` (at U+2028 too), so it drifts from the
    editor's text and can raise, and then pygls never calls our handler and an edit is lost.
    iml-ls keeps the text itself, with LSP's line rules. And LSP's lifecycle is kept (see
    :meth:`handle_message`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cancelled: set[str | int] = set()
        """Ids of requests the client cancelled (pygls cannot cancel a command's coroutine itself)."""
        self.initialize_received = False
        self.exit_status = 0
        """The process's exit status: 1 when ``exit`` came without ``shutdown`` before it (LSP's rule)."""

    def handle_message(self, message: Any) -> None:
        """LSP's lifecycle: before ``initialize`` a request gets ``ServerNotInitialized`` and a
        notification is dropped; after ``shutdown`` a request gets ``InvalidRequest`` (pygls answers
        the first and leaves the second unanswered)."""
        method = getattr(message, "method", None)
        is_request = method is not None and getattr(message, "id", None) is not None
        if method == types.EXIT:
            self.exit_status = 0 if self._shutdown else 1
        elif not self.initialize_received and method not in (None, types.INITIALIZE):
            if is_request:
                error = JsonRpcException("The server is not initialized yet: send initialize first.", -32002)
                self._send_response(message.id, None, error.to_response_error())
            return
        elif is_request and self._shutdown:
            error = JsonRpcException("The server is shutting down: only exit is accepted.", -32600)
            self._send_response(message.id, None, error.to_response_error())
            return
        if method == types.INITIALIZE:
            self.initialize_received = True
        super().handle_message(message)

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

    def _send_data(self, data: Any) -> None:
        """Parameters and results already in JSON form (:class:`JsonReady`) go out as they are."""
        params, result = getattr(data, "params", None), getattr(data, "result", None)
        if isinstance(params, JsonReady) and not hasattr(data, "id"):
            body = f'{{"jsonrpc":"2.0","method":{encode(data.method)},"params":{encode(params)}}}'
        elif isinstance(result, JsonReady):
            body = f'{{"jsonrpc":"2.0","id":{encode(data.id)},"result":{encode(result)}}}'
        else:
            super()._send_data(data)
            return
        if self.writer is None:
            return
        encoded = body.encode(self.CHARSET)
        if self._include_headers:
            header = f"Content-Length: {len(encoded)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}"
            encoded = f"{header}\r\n\r\n".encode(self.CHARSET) + encoded
        self.writer.write(encoded)  # the writers iml-ls serves with (stdio, a TCP stream) write at once

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
        self._workspace: Workspace | None = None
        self._making_workspace = threading.Lock()
        self.encoding = PositionEncoding.UTF16
        self.pull_diagnostics = False
        self.uris: dict[str, str] = {}
        """path → URI of every open document, as the client spelled it."""
        self.latest: dict[str, int | None] = {}
        """The newest version the client sent of each open document (written by the protocol thread)."""
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="iml-ls-analysis")
        self.pushed_while_closed: set[str] = set()
        """URIs whose diagnostics the workspace check pushed to a pulling client while they were closed."""
        self._converted: dict[str, DiagnosticsJson] = {}
        """uri → the diagnostics last converted for it (see :meth:`json_diagnostics`; analysis thread only)."""

    @property
    def iml(self) -> Workspace:
        """The files and their analyses, made at the first use (after ``initialize`` is answered, on
        whichever thread asks first)."""
        with self._making_workspace:
            if self._workspace is None:
                from iml_ls.analysis import Workspace

                self._workspace = Workspace()
            return self._workspace

    @iml.setter
    def iml(self, workspace: Workspace) -> None:
        self._workspace = workspace

    @property
    def iml_protocol(self) -> ImlProtocol:
        assert isinstance(self.protocol, ImlProtocol)
        return self.protocol

    def stop_worker(self) -> None:
        """Drop the analysis jobs not started (the process is ending)."""
        self._worker.shutdown(wait=False, cancel_futures=True)

    def serve_one_tcp_client(self, host: str, port: int) -> None:
        """Listen on ``host:port`` for one client, and refuse every other connection: a second local
        process must not take over the session and read what the first one's files hold."""
        self._stop_event = stop_event = threading.Event()
        taken = False
        listening: asyncio.Server

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal taken
            if taken:
                writer.close()
                return
            taken = True
            self.protocol.set_writer(writer)
            await run_async(
                stop_event=stop_event, reader=reader, protocol=self.protocol, error_handler=self.report_server_error
            )
            listening.close()  # the one client left: the server ends

        async def listen() -> None:
            nonlocal listening
            listening = await asyncio.start_server(connection, host, port)
            async with listening:
                with contextlib.suppress(asyncio.CancelledError):
                    await listening.serve_forever()

        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            asyncio.run(listen())

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log instead of popping a message in the editor (never one popup per keystroke)."""
        log.error("iml-ls internal error: %s", type(error).__name__)

    # The analysis thread ---------------------------------------------------------------------
    # Everything that reads or changes the workspace runs, in the order the messages came, on one
    # thread of its own: the protocol thread goes on reading messages while a file is checked, so
    # edits that arrive meanwhile supersede the version being checked (its diagnostics are dropped
    # unchecked), cancellations get through, and a request is answered within a second.

    def submit(self, job: Callable[[], R]) -> concurrent.futures.Future[R]:
        """Run ``job`` on the analysis thread after the jobs submitted before it."""
        return self._worker.submit(contextvars.copy_context().run, job)

    async def in_worker(
        self, job: Callable[[], R], timeout: float | None = ANSWER_WITHIN, busy: int = CONTENT_MODIFIED
    ) -> R:
        """The result of ``job`` run on the analysis thread; after ``timeout`` seconds an error the
        client retries on, ``busy`` (a job that has not started then is dropped)."""
        future = asyncio.wrap_future(self.submit(job))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            # ServerCancelled asks a client that pulls diagnostics to ask again (LSP 3.17)
            data = {"retriggerRequest": True} if busy == SERVER_CANCELLED else None
            raise JsonRpcException("iml-ls is still checking this file; try again.", busy, data) from None

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
                start, end = min(start, end), max(start, end)  # a reversed range would duplicate text
                self.iml.edit_document(path, start, end, change.text, version)
            else:
                self.iml.open_document(path, change.text, version)

    # Diagnostics -----------------------------------------------------------------------------

    def diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        from iml_ls.checks import diagnostics as diagnostics_of

        return [to_diagnostic(analysis, item, self.encoding) for item in diagnostics_of(analysis)]

    def json_diagnostics(self, uri: str, analysis: Analysis) -> RawJson:
        """The analysis's diagnostics in LSP's JSON, as :meth:`diagnostics` would give them, made
        from what the previous version of the document reused (see :class:`DiagnosticsJson`)."""
        from iml_ls.analysis import collector_paused

        # Thousands of small objects (diagnostics moved, sort keys, texts): the collector would walk
        # the whole heap of a big file again and again (a third of a keystroke at 100,000 lines).
        with collector_paused():
            converted = self._converted.setdefault(uri, DiagnosticsJson()).convert(analysis, self.encoding)
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

    def schedule_publish(self, uri: str) -> None:
        """Check the document on the analysis thread and push its diagnostics (clients without pull),
        unless a newer version arrives first: then only the newest is checked."""
        if self.pull_diagnostics:
            return
        loop = asyncio.get_running_loop()
        version = self.latest.get(uri)
        self.submit(lambda: self._publish_if_latest(loop, uri, version))

    def _publish_if_latest(self, loop: asyncio.AbstractEventLoop, uri: str, version: int | None) -> None:
        """On the analysis thread: check the document if ``version`` is still its newest."""
        if uri not in self.latest or self.latest[uri] != version:
            return  # superseded by a newer edit (whose own publish follows) or closed
        try:
            analysis = self.analysis(uri)
            if analysis is None:
                return
            params = JsonReady(uri=uri, diagnostics=self.json_diagnostics(uri, analysis), version=analysis.version)
        except Exception:  # never let one bad document stop the server
            log.error("diagnostics failed for %s:\n%s", uri, stack_trace())
            return
        loop.call_soon_threadsafe(self._send_diagnostics, params)

    def _send_diagnostics(self, params: JsonReady) -> None:
        """On the protocol thread: push diagnostics still of the newest version of an open document
        (already in JSON form: see :meth:`json_diagnostics`)."""
        if params["uri"] in self.latest and self.latest[params["uri"]] == params["version"]:
            self.text_document_publish_diagnostics(params)  # type: ignore[arg-type]

    def app_files(self) -> list[str]:
        """Every file of the Make apps in the client's workspace folders (for the app's problems
        without opening files)."""
        from iml_ls.features.app_files import NoAppFiles, check_targets

        folders = [uri_to_path(folder.uri) for folder in self.workspace.folders.values()]
        if not folders and self.workspace.root_path:
            folders = [self.workspace.root_path]
        found: dict[str, None] = {}
        for folder in folders:
            try:
                targets = check_targets(folder)
            except (FileNotFoundError, NoAppFiles):
                continue
            found.update(dict.fromkeys(path for target in targets if target.root is not None for path in target.files))
        return list(found)

    def publish_app_files(self) -> None:
        """Push the diagnostics of every app file that is not open (clients without pull
        diagnostics), one analysis-thread job per file so that requests are answered in between."""
        if self.pull_diagnostics:
            return
        loop = asyncio.get_running_loop()
        self.submit(lambda: self._queue_disk(loop, self.app_files()))

    def _queue_disk(self, loop: asyncio.AbstractEventLoop, paths: list[str]) -> None:
        for path in paths:
            self.submit(functools.partial(self._publish_disk, loop, path))

    def publish_disk(self, path: str) -> None:
        """Push the diagnostics of an app file as it is on disk (it was just closed, say)."""
        if not self.pull_diagnostics:
            loop = asyncio.get_running_loop()
            self.submit(lambda: self._publish_disk(loop, path))

    def _publish_disk(self, loop: asyncio.AbstractEventLoop, path: str) -> None:
        """On the analysis thread: the diagnostics of an app file that is not open, sent by the protocol thread."""
        if self.iml.is_open(path) or self.iml.place_of(path) is None:
            return
        try:
            analysis = self.iml.analysis(path)
            if analysis is None:
                return
            params = types.PublishDiagnosticsParams(uri=path_to_uri(path), diagnostics=self.diagnostics(analysis))
        except Exception:  # never let one bad file stop the server
            log.error("diagnostics failed for %s:\n%s", path, stack_trace())
            return
        loop.call_soon_threadsafe(self.text_document_publish_diagnostics, params)

    def refresh_all(self) -> None:
        """Re-check every open document (settings or a related file changed)."""
        if self.pull_diagnostics:
            if self._client_refreshes():
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.uris.values()):
            self.schedule_publish(uri)
        self.publish_app_files()

    def refresh_code_lenses(self) -> None:
        """Ask the client for its code lenses again, when it can be asked (a run saved responses, so
        the file gains a "Run on recorded response" lens)."""
        workspace = self.client_capabilities.workspace
        if workspace and workspace.code_lens and workspace.code_lens.refresh_support:
            self.workspace_code_lens_refresh(None)

    def publish_dependents(self, path: str) -> None:
        """Re-check the open documents whose analysis a change of ``path`` changed: they read its
        parameters, common data, samples, saved connection values, base, manifest or function code."""
        if self.pull_diagnostics:
            return
        loop = asyncio.get_running_loop()
        self.submit(lambda: self._reschedule(loop, self._changed_by(path)))

    def _changed_by(self, path: str) -> list[str]:
        """On the analysis thread: the URIs of open documents whose analysis is no longer the one cached."""
        if not self.iml.is_read_by_others(path):
            return []
        changed = []
        for open_path in self.iml.open_paths():
            before = self.iml.cached_analysis(open_path)
            if open_path != path and before is not None and self.iml.analysis(open_path) is not before:
                changed.append(self.uris.get(open_path, path_to_uri(open_path)))
        return changed

    def _reschedule(self, loop: asyncio.AbstractEventLoop, uris: list[str]) -> None:
        for uri in uris:
            loop.call_soon_threadsafe(self.schedule_publish, uri)

    def _client_refreshes(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)


def stack_trace() -> str:
    """The traceback of the exception being handled, for the log: where it happened and its type, but
    not its message, which may quote a value of the document or a sample value (a secret)."""
    error = sys.exc_info()[1]
    if error is None:
        return ""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(error).__qualname__}"


def guarded(
    method: str, busy: int = CONTENT_MODIFIED
) -> Callable[[Callable[P, R]], Callable[P, Coroutine[Any, Any, R]]]:
    """Run a request handler on the analysis thread (see :meth:`ImlLanguageServer.in_worker`), answer
    a failing request with a short error and log the traceback to stderr (never to the client)."""

    def decorate(handler: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
        def answer(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return handler(*args, **kwargs)
            except JsonRpcException:
                raise
            except Exception as error:
                log.error("%s failed:\n%s", method, stack_trace())
                raise JsonRpcException(
                    f"iml-ls could not answer {method}: {type(error).__name__}", REQUEST_FAILED
                ) from None

        @functools.wraps(handler)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            server = args[0]
            assert isinstance(server, ImlLanguageServer)
            return await server.in_worker(lambda: answer(*args, **kwargs), busy=busy)

        return run

    return decorate


def create_server() -> ImlLanguageServer:
    """A server with every handler registered."""
    from iml_ls.lsp.handlers import register_all

    server = ImlLanguageServer()
    register_all(server)
    return server


def serve(tcp: tuple[str, int] | None = None) -> int:
    """Run over stdio (stdout carries LSP frames only; logs go to stderr) or on ``(host, port)``;
    return the exit status LSP asks for."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="iml-ls %(levelname)s: %(message)s")
    # pygls logs whole messages (document text included) when one fails; iml-ls logs its own short lines.
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    server = create_server()
    try:
        if tcp:
            server.serve_one_tcp_client(*tcp)
        else:
            server.start_io()
    finally:
        server.stop_worker()
    return server.iml_protocol.exit_status


def negotiate(server: ImlLanguageServer, params: types.InitializeParams) -> None:
    """Record what initialize told us: encoding, pull support, initial settings."""
    server.encoding = encoding_of(ServerCapabilitiesBuilder.choose_position_encoding(params.capabilities))
    text_document = params.capabilities.text_document
    server.pull_diagnostics = bool(text_document and text_document.diagnostic)
    options = params.initialization_options
    if options is not None:  # read on the analysis thread, which imports the analysis meanwhile
        server.submit(lambda: server.iml.update_settings(settings_from(options)))
