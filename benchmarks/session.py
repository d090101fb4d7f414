"""One measured session: start a server, open a generated connection, edit, complete, hover, leave.

Every server gets the same conversation; only how diagnostics are collected differs. A server
that pushes (iml-ls, the floor) is timed until ``textDocument/publishDiagnostics`` arrives with
the version just sent; a server that is pulled (vscode-json-language-server, whose client
declares pull support) is timed until its ``textDocument/diagnostic`` answer arrives, asked
right after each change. Edits are sent one at a time, each waited for, so a debounce cannot
merge them.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import Position, Workload
from benchmarks.lsp_client import JsonObject, LspClient, LspError, ResponseError

RETRIGGER_CODES = ("-32802:", "-32801:")
"""ServerCancelled and ContentModified: the server asks the client to ask again."""


@dataclass(frozen=True)
class ServerSpec:
    name: str
    argv: tuple[str, ...]
    language_id: str
    can_push: bool
    """Whether it pushes when the client does not declare pull (vscode-json is always pulled)."""


@dataclass(frozen=True)
class Scenario:
    """One file and one way of asking for diagnostics: what a row of the report is measured on."""

    shape: str
    """``basic`` or ``varied`` (see :mod:`benchmarks.generate`)."""
    size: int
    pull: bool = False
    """The client declares pull diagnostics and asks after each change (iml-ls and the floor)."""
    params: bool = True
    """Whether the params file is written beside the communication."""

    @property
    def label(self) -> str:
        size = f"{self.size // 1000}k" if self.size >= 1000 and self.size % 1000 == 0 else str(self.size)
        return " ".join(
            [self.shape, size, "pull" if self.pull else "push", *([] if self.params else ["no params file"])]
        )

    def pulled(self, spec: ServerSpec) -> bool:
        return self.pull or not spec.can_push


@dataclass(frozen=True)
class Counts:
    edits: int
    completions: int
    hovers: int
    timeout: float
    """Hard limit, in seconds, on every single answer."""
    typing: bool = True
    """Also type the broken-JSON sequence after the edits (:attr:`Workload.typing`)."""


@dataclass
class SessionResult:
    """Seconds (and KiB for memory); a figure stays None when the session ended before it."""

    server: str
    size: int
    scenario: str = ""
    initialize: float | None = None
    open_diagnostics: float | None = None
    edits: list[float] = field(default_factory=list)
    typing: list[float] = field(default_factory=list)
    """Edits typing a header and deleting it again (the JSON is broken between its quotes)."""
    completions: list[float] = field(default_factory=list)
    hovers: list[float] = field(default_factory=list)
    peak_memory_kib: int | None = None
    error: str | None = None
    open_diagnostic_count: int | None = None
    """How many diagnostics the opened file got: shows whether a server really checked it."""
    completion_items: int = 0
    """Items over all completion answers."""
    hover_answers: int = 0
    """Hovers that were not null."""


def client_capabilities(pull: bool) -> JsonObject:
    """What a modern editor declares; only pull support differs between servers."""
    text_document: JsonObject = {
        "synchronization": {"dynamicRegistration": False, "didSave": False},
        "completion": {
            "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]},
            "contextSupport": True,
        },
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
    }
    if pull:
        text_document["diagnostic"] = {"dynamicRegistration": False, "relatedDocumentSupport": False}
    return {"general": {"positionEncodings": ["utf-16"]}, "textDocument": text_document}


async def run_session(
    spec: ServerSpec, size: int, workload: Workload, counts: Counts, scenario: Scenario | None = None
) -> SessionResult:
    """Measure one fresh server process on ``workload``; failures end up in ``result.error``."""
    scenario = scenario or Scenario("basic", size)
    result = SessionResult(server=spec.name, size=size, scenario=scenario.label)
    with tempfile.TemporaryDirectory(prefix="iml-ls-bench-") as directory:
        path = workload.write(Path(directory), params=scenario.params)
        client = LspClient(spec.argv, cwd=Path(directory))
        try:
            await _converse(client, spec, scenario.pulled(spec), path, workload, counts, result)
        except LspError as error:
            result.error = str(error)
        finally:
            await client.close(counts.timeout)
    return result


async def _converse(
    client: LspClient,
    spec: ServerSpec,
    pull: bool,
    path: Path,
    workload: Workload,
    counts: Counts,
    result: SessionResult,
) -> None:
    uri = path.as_uri()
    document = {"uri": uri}
    timeout = counts.timeout
    await client.start()
    await client.request("initialize", initialize_params(path.parent, pull), timeout)
    result.initialize = time.perf_counter() - client.started_at
    client.notify("initialized", {})

    async def diagnostics_after(method: str, params: JsonObject, version: int) -> tuple[float, int]:
        """Seconds from sending ``method`` until the diagnostics of ``version`` are in, and how many there are."""
        if pull:
            start = time.perf_counter()
            client.notify(method, params)
            while True:  # as VS Code does: a server still checking answers "ask again" (LSP 3.17)
                try:
                    report = await client.request("textDocument/diagnostic", {"textDocument": document}, timeout)
                    break
                except ResponseError as error:
                    if not str(error).startswith(RETRIGGER_CODES):
                        raise
            return time.perf_counter() - start, len(report.get("items", []))
        published = client.expect(
            "textDocument/publishDiagnostics",
            lambda pushed: pushed.get("uri") == uri and pushed.get("version") == version,
        )
        start = time.perf_counter()
        client.notify(method, params)
        pushed = await client.wait(published, timeout, f"diagnostics for version {version}")
        return time.perf_counter() - start, len(pushed.get("diagnostics", []))

    opened = {"uri": uri, "languageId": spec.language_id, "version": 1, "text": workload.communication}
    result.open_diagnostics, result.open_diagnostic_count = await diagnostics_after(
        "textDocument/didOpen", {"textDocument": opened}, 1
    )

    for number in range(counts.edits):
        version = number + 2
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [workload.edit(number).to_lsp()]}
        seconds, _ = await diagnostics_after("textDocument/didChange", change, version)
        result.edits.append(seconds)
    for number, edit in enumerate(workload.typing if counts.typing else ()):
        version = counts.edits + number + 2
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit.to_lsp()]}
        seconds, _ = await diagnostics_after("textDocument/didChange", change, version)
        result.typing.append(seconds)

    def at(position: Position) -> JsonObject:
        return {"textDocument": document, "position": position.to_lsp()}

    invoked = {"triggerKind": 1}
    for number in range(counts.completions):
        params = {**at(_cycle(workload.completion_positions, number)), "context": invoked}
        seconds, answer = await _timed(client.request("textDocument/completion", params, timeout))
        result.completions.append(seconds)
        items = answer.get("items", []) if isinstance(answer, dict) else answer
        result.completion_items += len(items) if isinstance(items, list) else 0
    for number in range(counts.hovers):
        params = at(_cycle(workload.hover_positions, number))
        seconds, answer = await _timed(client.request("textDocument/hover", params, timeout))
        result.hovers.append(seconds)
        result.hover_answers += answer is not None
    result.peak_memory_kib = client.peak_memory_kib()


def initialize_params(root: Path, pull: bool) -> JsonObject:
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "iml-ls benchmark"},
        "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
        "capabilities": client_capabilities(pull),
    }


def _cycle(positions: tuple[Position, ...], number: int) -> Position:
    return positions[number % len(positions)]


async def _timed(answer: Awaitable[Any]) -> tuple[float, Any]:
    """Seconds the awaited request took, and its result."""
    start = time.perf_counter()
    result = await answer
    return time.perf_counter() - start, result
