"""The whole-app scenario: a generated app of many modules linked to one connection.

The session opens one module and the connection's params file, then renames a parameter the
modules read (``connection.region`` → an unknown value, and back) one character at a time: each
edit of the params file must re-check the open module, and the time until the module's new
diagnostics arrive is what a developer waits for. Completion asks after ``connection.`` in the
module (the connection's parameters and saved keys); hover points at ``connection.region``. The
floor, which reads no other file, is timed until its diagnostics of the params file arrive.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import Edit, Position
from benchmarks.lsp_client import LspClient, LspError
from benchmarks.session import Counts, ServerSpec, SessionResult, initialize_params

CONNECTION = "acme"
READ = "{{connection.region}}"


@dataclass(frozen=True)
class AppWorkload:
    modules: int
    files: dict[str, str]
    """Relative path → text."""
    module: str
    """The module the session opens (the middle one)."""
    params: str
    """The connection's params file."""
    edit_cycles: tuple[tuple[Edit, Edit], ...]
    completion: Position
    hover: Position

    @property
    def label(self) -> str:
        return f"app {self.modules} modules push"

    def edit(self, number: int) -> Edit:
        change, undo = self.edit_cycles[(number // 2) % len(self.edit_cycles)]
        return undo if number % 2 else change

    def write(self, directory: Path) -> None:
        for name, text in self.files.items():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            (directory / name).write_text(text, encoding="utf-8")


def generate_app(modules: int = 200) -> AppWorkload:
    """An app of ``modules`` action modules, each reading the connection's ``region`` and ``apiKey``."""
    names = [f"module{number:03}" for number in range(modules)]
    manifest = {
        "fileVersion": 1,
        "generalCodeFiles": {"base": "general/base.iml.json"},
        "components": {
            "connection": {
                CONNECTION: {
                    "connectionType": "basic",
                    "codeFiles": {
                        "communication": f"connections/{CONNECTION}/{CONNECTION}.communication.iml.json",
                        "params": f"connections/{CONNECTION}/{CONNECTION}.params.iml.json",
                    },
                }
            },
            "module": {
                name: {
                    "moduleType": "action",
                    "connection": CONNECTION,
                    "codeFiles": {
                        "communication": f"modules/{name}/{name}.communication.iml.json",
                        "mappable-params": f"modules/{name}/{name}.mappable-params.iml.json",
                    },
                }
                for name in names
            },
        },
    }
    params = [
        {"name": "apiKey", "type": "password", "label": "API key", "required": True},
        {"name": "region", "type": "text", "label": "Region", "required": True},
    ]
    files = {
        "makecomapp.json": json.dumps(manifest, indent=4),
        "general/base.iml.json": json.dumps(
            {
                "baseUrl": "https://{{connection.region}}.api.acme.example/v1",
                "headers": {"x-api-key": "{{connection.apiKey}}"},
                "log": {"sanitize": ["request.headers.x-api-key"]},
            },
            indent=4,
        ),
        f"connections/{CONNECTION}/{CONNECTION}.communication.iml.json": json.dumps(
            {
                "url": "https://{{parameters.region}}.api.acme.example/v1/me",
                "headers": {"x-api-key": "{{parameters.apiKey}}"},
                "log": {"sanitize": ["request.headers.x-api-key"]},
            },
            indent=4,
        ),
        f"connections/{CONNECTION}/{CONNECTION}.params.iml.json": json.dumps(params, indent=4),
    }
    for name in names:
        files[f"modules/{name}/{name}.communication.iml.json"] = json.dumps(
            {
                "url": f"/records/{name}/{{{{parameters.recordId}}}}",
                "method": "GET",
                "qs": {"region": READ, "fields": "{{join(parameters.fields, ',')}}"},
                "response": {"output": "{{body.data}}"},
            },
            indent=4,
        )
        files[f"modules/{name}/{name}.mappable-params.iml.json"] = json.dumps(
            [
                {"name": "recordId", "type": "text", "label": "Record ID", "required": True},
                {"name": "fields", "type": "array", "label": "Fields"},
            ],
            indent=4,
        )
    module = f"modules/{names[modules // 2]}/{names[modules // 2]}.communication.iml.json"
    params_path = f"connections/{CONNECTION}/{CONNECTION}.params.iml.json"
    params_lines = files[params_path].split("\n")
    line = next(n for n, text in enumerate(params_lines) if '"name": "region"' in text)
    column = params_lines[line].index('"region"') + len('"regio')
    at = Position(line, column)
    cut = (Edit(at, Position(line, column + 1), ""), Edit(at, at, "n"))
    module_lines = files[module].split("\n")
    read_line = next(n for n, text in enumerate(module_lines) if READ in text)
    read_column = module_lines[read_line].index(READ)
    return AppWorkload(
        modules=modules,
        files=files,
        module=module,
        params=params_path,
        edit_cycles=(cut,),
        completion=Position(read_line, read_column + len("{{connection.")),
        hover=Position(read_line, read_column + len("{{connection.re")),
    )


async def run_app_session(spec: ServerSpec, workload: AppWorkload, counts: Counts, directory: Path) -> SessionResult:
    """Measure one fresh server on the app written into ``directory``."""
    result = SessionResult(server=spec.name, size=workload.modules, scenario=workload.label)
    workload.write(directory)
    client = LspClient(spec.argv, cwd=directory)
    try:
        await _converse(client, spec, workload, counts, directory, result)
    except LspError as error:
        result.error = str(error)
    finally:
        await client.close(counts.timeout)
    return result


async def _converse(
    client: LspClient, spec: ServerSpec, workload: AppWorkload, counts: Counts, directory: Path, result: SessionResult
) -> None:
    timeout = counts.timeout
    module_uri = (directory / workload.module).as_uri()
    params_uri = (directory / workload.params).as_uri()
    reads_others = spec.name == "iml-ls"
    await client.start()
    await client.request("initialize", initialize_params(directory, False), timeout)
    result.initialize = time.perf_counter() - client.started_at
    client.notify("initialized", {})

    async def opened(uri: str, path: str) -> tuple[float, int]:
        published = client.expect("textDocument/publishDiagnostics", lambda pushed: pushed.get("uri") == uri)
        start = time.perf_counter()
        document = {"uri": uri, "languageId": "imljson", "version": 1, "text": workload.files[path]}
        client.notify("textDocument/didOpen", {"textDocument": document})
        pushed = await client.wait(published, timeout, f"diagnostics of {path}")
        return time.perf_counter() - start, len(pushed.get("diagnostics", []))

    result.open_diagnostics, result.open_diagnostic_count = await opened(module_uri, workload.module)
    await opened(params_uri, workload.params)
    for number in range(counts.edits):
        version = number + 2
        unknown = number % 2 == 0  # the rename makes `connection.region` unknown; the undo, known again
        if reads_others:
            published = client.expect(
                "textDocument/publishDiagnostics",
                lambda pushed, unknown=unknown: (
                    pushed.get("uri") == module_uri and bool(pushed.get("diagnostics")) == unknown
                ),
            )
        else:
            published = client.expect(
                "textDocument/publishDiagnostics",
                lambda pushed, version=version: pushed.get("uri") == params_uri and pushed.get("version") == version,
            )
        change = {
            "textDocument": {"uri": params_uri, "version": version},
            "contentChanges": [workload.edit(number).to_lsp()],
        }
        start = time.perf_counter()
        client.notify("textDocument/didChange", change)
        await client.wait(published, timeout, f"diagnostics after edit {number}")
        result.edits.append(time.perf_counter() - start)
    for _ in range(counts.completions):
        params = {
            "textDocument": {"uri": module_uri},
            "position": workload.completion.to_lsp(),
            "context": {"triggerKind": 1},
        }
        start = time.perf_counter()
        answer = await client.request("textDocument/completion", params, timeout)
        result.completions.append(time.perf_counter() - start)
        items = answer.get("items", []) if isinstance(answer, dict) else answer
        result.completion_items += len(items) if isinstance(items, list) else 0
    for _ in range(counts.hovers):
        params = {"textDocument": {"uri": module_uri}, "position": workload.hover.to_lsp()}
        start = time.perf_counter()
        answer = await client.request("textDocument/hover", params, timeout)
        result.hovers.append(time.perf_counter() - start)
        result.hover_answers += answer is not None
    result.peak_memory_kib = client.peak_memory_kib()
