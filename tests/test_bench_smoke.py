"""Smoke test of the benchmark (``make bench``): it must keep running, whatever the figures are.

No timing is asserted (the machine is noisy): only that every figure is produced for iml-ls and
the floor on a tiny file, that the report renders, and that a broken server is reported, not
waited on. vscode-json is left out so ``make test`` needs no npm install for it.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import TYPED_KEY, Edit, Workload, generate
from benchmarks.report import METRICS
from benchmarks.session import Counts, ServerSpec, run_session

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("iml-ls", "floor")
COUNTS = Counts(edits=2, completions=3, hovers=3, timeout=60)


def test_one_repetition_produces_every_figure_and_the_report(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    raw = tmp_path / "raw.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--sizes",
        "120",
        "--repetitions",
        "1",
        "--app-modules",
        "3",
        "--servers",
        ",".join(SERVERS),
        "--edits",
        str(COUNTS.edits),
        "--requests",
        str(COUNTS.completions),
        "--timeout",
        str(COUNTS.timeout),
        "--output",
        str(report),
        "--json",
        str(raw),
        "--command-runs",
        "2",
    ]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr

    sessions = json.loads(raw.read_text())["sessions"]
    scenarios = {"basic 120 push", "varied 120 push", "varied 120 pull", "varied 120 push no params file"}
    assert sorted((s["scenario"], s["server"]) for s in sessions) == sorted(
        (scenario, server) for scenario in {*scenarios, "app 3 modules push"} for server in SERVERS
    )
    for session in sessions:
        assert session["error"] is None
        assert len(session["typing"]) == (2 * len(TYPED_KEY) if session["scenario"] in scenarios else 0)
        assert session["initialize"] > 0 and session["open_diagnostics"] > 0
        assert len(session["edits"]) == COUNTS.edits
        assert len(session["completions"]) == COUNTS.completions
        assert len(session["hovers"]) == COUNTS.hovers
        assert session["peak_memory_kib"] > 0

    commands = json.loads(raw.read_text())["commands"]
    assert [c["label"] for c in commands] == ["interpreter", "--version", "check"]
    assert all(len(c["seconds"]) == 2 and min(c["seconds"]) > 0 for c in commands)

    text = report.read_text()
    assert "## Commands" in text and "| `iml-ls check examples/make-app` |" in text
    assert "## Goals" in text and "## basic 120 push" in text and "## varied 120 pull" in text
    assert "## app 3 modules push" in text
    for metric in METRICS:
        row = next(line for line in text.splitlines() if line.startswith(f"| {metric.label} |"))
        server_cells = row.split("|")[2 : 2 + len(SERVERS)]
        assert all(cell.strip() not in ("", "—") for cell in server_cells), row

    # the report made again from the raw samples (after notes.md is written from them) is the same
    again = tmp_path / "again.md"
    command = [sys.executable, "-m", "benchmarks.run", "--render", str(raw), "--output", str(again)]
    rendered = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert again.read_text() == text


def test_a_server_that_exits_is_reported() -> None:
    spec = ServerSpec("exits", (sys.executable, "-c", "import sys; sys.exit(3)"), "imljson", True)
    result = asyncio.run(run_session(spec, 120, generate(120), COUNTS))
    assert result.error is not None and "exit status 3" in result.error
    assert result.initialize is None


def test_a_stray_line_on_stdout_is_a_protocol_violation() -> None:
    chatty = "import sys, time; print('debug: starting'); sys.stdout.flush(); time.sleep(60)"
    spec = ServerSpec("chatty", (sys.executable, "-c", chatty), "imljson", True)
    result = asyncio.run(run_session(spec, 120, generate(120), COUNTS))
    assert result.error is not None and "not an LSP header" in result.error and "debug: starting" in result.error


def _apply(text: str, edit: Edit) -> str:
    lines = text.split("\n")
    line = lines[edit.start.line]  # the generated lines that are edited are ASCII: UTF-16 columns are indexes
    lines[edit.start.line] = line[: edit.start.character] + edit.text + line[edit.end.character :]
    return "\n".join(lines)


def _before(workload: Workload, line: int, character: int) -> str:
    return workload.communication.split("\n")[line][:character]


def test_generated_files_are_reproducible_and_their_positions_hit_their_targets() -> None:
    workload = generate(1000)
    assert workload == generate(1000)
    assert 900 <= workload.lines <= 1100 and workload.expressions * 3 >= workload.lines
    for position in workload.completion_positions:
        assert _before(workload, position.line, position.character).endswith(("{{parameters.", "'HS"))
    for position in workload.hover_positions:
        assert _before(workload, position.line, position.character).endswith(("{{j", "{{parameters.cl", "{{time"))
    text = workload.communication
    for number in range(0, 2 * len(workload.edit_cycles), 2):
        changed = _apply(text, workload.edit(number))
        assert changed != text and _apply(changed, workload.edit(number + 1)) == text


def test_the_replay_times_every_edit_in_one_process() -> None:
    command = [sys.executable, "-m", "benchmarks.replay", "--lines", "120", "--rounds", "1", "--profile", "tottime"]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert "per edit: p50" in finished.stdout and "function calls" in finished.stdout
