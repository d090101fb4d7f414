"""A small, strict LSP client over a subprocess's stdio, for timing language servers.

Strict on purpose: every byte the server writes to stdout must belong to a ``Content-Length``
frame holding a JSON-RPC 2.0 message. A stray ``print()`` in a server would corrupt a real
editor's session, so here it ends the session with :class:`ProtocolViolation`. A server that
exits or stops answering is reported (:class:`ServerCrashed`, :class:`ServerTimeout`), never
waited on forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JsonObject = dict[str, Any]

_HEADER_LIMIT = 1 << 16
_STDERR_LINES_KEPT = 40
_EXIT_GRACE_SECONDS = 5
_METHOD_NOT_FOUND = -32601


class LspError(Exception):
    """Anything that ends a measured session early."""


class ProtocolViolation(LspError):
    """The server wrote something on stdout that is not an LSP frame."""


class ServerCrashed(LspError):
    """The server process ended (or closed stdout) while the client still expected answers."""


class ServerTimeout(LspError):
    """An answer did not arrive within the hard timeout."""


class ResponseError(LspError):
    """The server answered a request with a JSON-RPC error."""


@dataclass
class _Waiter:
    method: str
    accepts: Callable[[JsonObject], bool]
    future: asyncio.Future[JsonObject]


@dataclass
class LspClient:
    """One server process and the JSON-RPC conversation with it."""

    argv: Sequence[str]
    cwd: Path | None = None
    started_at: float = 0.0
    """``time.perf_counter()`` just before the process was spawned."""
    _process: asyncio.subprocess.Process | None = None
    _reader: asyncio.Task[None] | None = None
    _stderr_reader: asyncio.Task[None] | None = None
    _next_id: int = 0
    _pending: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    _waiters: list[_Waiter] = field(default_factory=list)
    _failure: LspError | None = None
    _stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=_STDERR_LINES_KEPT))

    # Process ---------------------------------------------------------------------------------

    async def start(self) -> None:
        self.started_at = time.perf_counter()
        try:
            self._process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=self.cwd,
                limit=_HEADER_LIMIT,
                start_new_session=True,  # its own process group: a wrapper's children die with it
            )
        except OSError as error:
            raise ServerCrashed(f"cannot start {' '.join(self.argv)}: {error}") from None
        self._reader = asyncio.create_task(self._read_stdout())
        self._stderr_reader = asyncio.create_task(self._read_stderr())

    @property
    def pid(self) -> int:
        return self._running().pid

    def peak_memory_kib(self) -> int:
        """The server's peak resident set size so far (``VmHWM`` of ``/proc/<pid>/status``)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError as error:
            raise ServerCrashed(f"cannot read the server's memory figures: {error}") from None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise LspError("/proc/<pid>/status has no VmHWM line")

    def stderr_tail(self) -> str:
        return "\n".join(self._stderr_tail)

    async def close(self, timeout: float) -> None:
        """``shutdown`` + ``exit`` if the server still runs; kill it when it does not leave in time."""
        process = self._process
        if process is None:
            return
        if self._failure is None and process.returncode is None:
            with contextlib.suppress(LspError):
                await self.request("shutdown", None, timeout)
                self.notify("exit", None)
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            self._kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), _EXIT_GRACE_SECONDS)
        for task in (self._reader, self._stderr_reader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _kill(self) -> None:
        """SIGKILL the server's whole process group (asyncio waits until every holder of its pipes is gone)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._running().pid, signal.SIGKILL)

    def _running(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise LspError("the server was not started")
        return self._process

    # Messages --------------------------------------------------------------------------------

    def notify(self, method: str, params: object) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: object, timeout: float) -> Any:
        """Send a request and return its result; the error, crash or timeout is raised instead."""
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        try:
            return await self._wait(future, timeout, f"a response to {method}")
        finally:
            self._pending.pop(request_id, None)

    def expect(self, method: str, accepts: Callable[[JsonObject], bool]) -> asyncio.Future[JsonObject]:
        """A future for the next ``method`` notification whose params ``accepts``.

        Register before sending what triggers the notification, so a fast answer is not missed.
        """
        future: asyncio.Future[JsonObject] = asyncio.get_running_loop().create_future()
        if self._failure is not None:
            future.set_exception(self._failure)
        else:
            self._waiters.append(_Waiter(method, accepts, future))
        return future

    async def wait(self, future: asyncio.Future[JsonObject], timeout: float, what: str) -> JsonObject:
        try:
            params: JsonObject = await self._wait(future, timeout, what)
            return params
        finally:
            self._waiters = [waiter for waiter in self._waiters if waiter.future is not future]

    async def _wait(self, future: asyncio.Future[Any], timeout: float, what: str) -> Any:
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            raise ServerTimeout(f"no {what} within {timeout:g} s") from None

    def _send(self, message: JsonObject) -> None:
        if self._failure is not None:
            raise self._failure
        process = self._running()
        if process.stdin is None or process.stdin.is_closing():
            raise self._fail(ServerCrashed(self._ended("its stdin is closed")))
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
        process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    # Reading ---------------------------------------------------------------------------------

    async def _read_stdout(self) -> None:
        stdout = self._running().stdout
        assert stdout is not None
        try:
            while True:
                message = await _read_frame(stdout)
                if message is None:
                    with contextlib.suppress(TimeoutError):  # for its exit status, if it comes soon
                        await asyncio.wait_for(self._running().wait(), _EXIT_GRACE_SECONDS)
                    self._fail(ServerCrashed(self._ended("it closed stdout")))
                    return
                self._dispatch(message)
        except ProtocolViolation as violation:
            self._fail(violation)
            self._kill()

    async def _read_stderr(self) -> None:
        stderr = self._running().stderr
        assert stderr is not None
        while line := await stderr.readline():
            self._stderr_tail.append(line.decode(errors="replace").rstrip())

    def _dispatch(self, message: JsonObject) -> None:
        if "method" not in message:
            future = self._pending.get(message.get("id", -1))
            if future is None or future.done():
                return
            if "error" in message:
                error = message["error"]
                future.set_exception(ResponseError(f"{error.get('code')}: {error.get('message')}"))
            else:
                future.set_result(message.get("result"))
            return
        if "id" in message:
            self._answer_server_request(message)
            return
        params = message.get("params")
        params = params if isinstance(params, dict) else {}
        for waiter in self._waiters:
            if waiter.method == message["method"] and not waiter.future.done() and waiter.accepts(params):
                waiter.future.set_result(params)

    def _answer_server_request(self, message: JsonObject) -> None:
        """Accept registrations and refreshes; answer configuration with "no settings"."""
        method = message["method"]
        if method == "workspace/configuration":
            items = (message.get("params") or {}).get("items", [])
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": [None] * len(items)})
        elif method in (
            "client/registerCapability",
            "client/unregisterCapability",
            "workspace/diagnostic/refresh",
            "window/workDoneProgress/create",
        ):
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        else:
            error = {"code": _METHOD_NOT_FOUND, "message": f"the benchmark client does not handle {method}"}
            self._send({"jsonrpc": "2.0", "id": message["id"], "error": error})

    def _fail(self, failure: LspError) -> LspError:
        if self._failure is None:
            self._failure = failure
        for future in [*self._pending.values(), *(waiter.future for waiter in self._waiters)]:
            if not future.done():
                future.set_exception(self._failure)
        return self._failure

    def _ended(self, how: str) -> str:
        process = self._running()
        status = f"exit status {process.returncode}" if process.returncode is not None else "still running"
        tail = self.stderr_tail()
        return f"the server stopped answering: {how} ({status})" + (f"; stderr:\n{tail}" if tail else "")


async def _read_frame(stdout: asyncio.StreamReader) -> JsonObject | None:
    """One frame, or None at a clean end of stream; anything malformed is a ProtocolViolation."""
    length: int | None = None
    first = True
    while True:
        try:
            line = await stdout.readuntil(b"\n")
        except asyncio.IncompleteReadError as error:
            if first and not error.partial:
                return None
            raise ProtocolViolation(f"stdout ended inside a header: {error.partial[:80]!r}") from None
        except asyncio.LimitOverrunError:
            raise ProtocolViolation("stdout carries a header line longer than 64 KiB (not an LSP frame)") from None
        first = False
        if not line.endswith(b"\r\n"):
            raise ProtocolViolation(f"stdout carries a line that is not an LSP header: {line[:80]!r}")
        if line == b"\r\n":
            break
        name, separator, value = line[:-2].partition(b":")
        if not separator:
            raise ProtocolViolation(f"stdout carries a line that is not an LSP header: {line[:80]!r}")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise ProtocolViolation(f"bad Content-Length header: {line[:80]!r}") from None
        elif name.strip().lower() != b"content-type":
            raise ProtocolViolation(f"unknown header on stdout: {line[:80]!r}")
    if length is None:
        raise ProtocolViolation("a frame without Content-Length")
    try:
        body = await stdout.readexactly(length)
    except asyncio.IncompleteReadError:
        raise ProtocolViolation(f"stdout ended inside a {length}-byte frame body") from None
    try:
        message = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProtocolViolation(f"a frame body that is not JSON ({error}): {body[:80]!r}") from None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        raise ProtocolViolation(f"a frame that is not a JSON-RPC 2.0 message: {body[:80]!r}")
    return message
