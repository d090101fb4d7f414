"""``python -m benchmarks.run``: time iml-ls, the floor and vscode-json on generated connections.

Servers run one at a time (never side by side, the machine has few cores), each repetition in a
fresh process; the repetitions interleave the servers so slow minutes of a noisy machine spread
over all of them. Writes the Markdown report and, on request, every raw sample as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import importlib.metadata
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.app import AppWorkload, generate_app, run_app_session
from benchmarks.commands import CommandTiming, measure_commands
from benchmarks.generate import DEFAULT_SEED, SHAPES, Workload, generate
from benchmarks.report import FLOOR, SUBJECT, VSCODE_JSON, FileShape, RunInfo, aggregate, render
from benchmarks.session import Counts, Scenario, ServerSpec, SessionResult, run_session

BENCHMARKS = Path(__file__).resolve().parent
VSCODE_JSON_BIN = BENCHMARKS / "node_modules" / ".bin" / "vscode-json-language-server"
VSCODE_JSON_PACKAGE = BENCHMARKS / "node_modules" / "vscode-langservers-extracted" / "package.json"


def server_specs(iml_ls_command: str | None) -> dict[str, ServerSpec]:
    """iml-ls from the same virtualenv as this Python (unless told otherwise); the others from this folder."""
    iml_ls = shlex.split(iml_ls_command) if iml_ls_command else [str(Path(sys.executable).parent / "iml-ls"), "serve"]
    return {
        SUBJECT: ServerSpec(SUBJECT, tuple(iml_ls), "imljson", True),
        FLOOR: ServerSpec(FLOOR, (sys.executable, str(BENCHMARKS / "floor_server.py")), "imljson", True),
        VSCODE_JSON: ServerSpec(VSCODE_JSON, (str(VSCODE_JSON_BIN), "--stdio"), "jsonc", False),
    }


def _missing(spec: ServerSpec) -> str | None:
    if Path(spec.argv[0]).exists():
        return None
    if spec.name == VSCODE_JSON:
        return f"{spec.argv[0]} is missing: run `npm ci --prefix benchmarks` first"
    return f"{spec.argv[0]} is missing: run `make venv` first"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="lines per generated file, comma separated")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help="generated file shapes, comma separated (basic, varied)"
    )
    parser.add_argument(
        "--modes",
        default="push,pull",
        help="how iml-ls and the floor give diagnostics, comma separated (basic files are pushed only)",
    )
    parser.add_argument(
        "--app-modules", type=int, default=200, help="modules of the whole-app scenario (0: leave it out)"
    )
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--servers", default=f"{SUBJECT},{FLOOR},{VSCODE_JSON}", help="comma separated")
    parser.add_argument("--edits", type=int, default=30, help="edits per session, each waited for")
    parser.add_argument("--requests", type=int, default=30, help="completion and hover requests per session (each)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds any single answer may take")
    parser.add_argument(
        "--command-runs",
        type=int,
        default=20,
        help="runs of each command timed (`iml-ls --version`, `iml-ls check`, the interpreter; 0: leave them out)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--output", type=Path, default=Path("docs/performance.md"))
    parser.add_argument("--json", type=Path, help="also write every raw sample here")
    parser.add_argument(
        "--render", type=Path, help="measure nothing: write the report of the raw samples a run wrote with --json"
    )
    parser.add_argument(
        "--iml-ls-command", help="start iml-ls with this command, not `<bin of this Python>/iml-ls serve`"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if args.render:
        return _render_again(args.render, args.output)
    specs = server_specs(args.iml_ls_command)
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    unknown = [name for name in names if name not in specs]
    if unknown:
        print(f"unknown server {', '.join(unknown)}; choose from {', '.join(specs)}", file=sys.stderr)
        return 2
    missing = [problem for problem in (_missing(specs[name]) for name in names) if problem]
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 2
    scenarios = _scenarios([int(size) for size in args.sizes.split(",")], args.shapes.split(","), args.modes.split(","))
    counts = Counts(edits=args.edits, completions=args.requests, hovers=args.requests, timeout=args.timeout)
    workloads = {(s.shape, s.size): generate(s.size, args.seed, s.shape) for s in scenarios}
    app = generate_app(args.app_modules) if args.app_modules > 0 else None
    chosen = [specs[name] for name in names]
    sessions = asyncio.run(_measure(chosen, scenarios, workloads, app, counts, args.repetitions))
    timings = measure_commands(Path(sys.executable).parent, args.command_runs) if args.command_runs > 0 else []

    failures = [f"{s.server}, {s.scenario}: {s.error}" for s in sessions if s.error]
    info = RunInfo(
        command=shlex.join(["python", "-m", "benchmarks.run", *(sys.argv[1:] if argv is None else argv)]),
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=_machine(),
        versions=_versions(names),
        repetitions=args.repetitions,
        counts=f"{args.edits} edits, {args.requests} completions and {args.requests} hovers per session",
        servers=tuple(names),
        files=tuple(
            FileShape(shape, size, w.lines, len(w.communication), w.expressions)
            for (shape, size), w in workloads.items()
        ),
        scenarios=tuple(scenario.label for scenario in scenarios) + ((app.label,) if app is not None else ()),
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(info, aggregate(sessions), failures, timings), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    if args.json:
        raw = {
            "info": dataclasses.asdict(info),
            "sessions": [dataclasses.asdict(s) for s in sessions],
            "commands": [dataclasses.asdict(t) for t in timings],
        }
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _render_again(raw_path: Path, output: Path) -> int:
    """The report of an earlier run's raw samples, with today's ``notes.md`` (written after the run,
    from its figures)."""
    raw = json.loads(raw_path.read_text(encoding="utf-8"))
    fields = raw["info"]
    info = RunInfo(
        **{
            **fields,
            "servers": tuple(fields["servers"]),
            "files": tuple(FileShape(**shape) for shape in fields["files"]),
            "scenarios": tuple(fields["scenarios"]),
        }
    )
    sessions = [SessionResult(**session) for session in raw["sessions"]]
    failures = [f"{s.server}, {s.scenario}: {s.error}" for s in sessions if s.error]
    timings = [CommandTiming(**timing) for timing in raw.get("commands", [])]
    output.write_text(render(info, aggregate(sessions), failures, timings), encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 1 if failures else 0


def _scenarios(sizes: Sequence[int], shapes: Sequence[str], modes: Sequence[str]) -> list[Scenario]:
    """Basic files pushed at every size; varied files in every mode at every size; one varied file of
    10,000 lines (or the largest size below) without its params file."""
    unknown = [shape for shape in shapes if shape not in SHAPES]
    if unknown:
        raise SystemExit(f"unknown shape {', '.join(unknown)}; choose from {', '.join(SHAPES)}")
    found = [Scenario("basic", size) for size in sizes] if "basic" in shapes else []
    if "varied" in shapes:
        found += [Scenario("varied", size, pull=mode == "pull") for size in sizes for mode in modes]
        without = max((size for size in sizes if size <= 10_000), default=None)
        if without is not None:
            found.append(Scenario("varied", without, params=False))
    return found


async def _measure(
    specs: Sequence[ServerSpec],
    scenarios: Sequence[Scenario],
    workloads: dict[tuple[str, int], Workload],
    app: AppWorkload | None,
    counts: Counts,
    repetitions: int,
) -> list[SessionResult]:
    sessions = []
    for repetition in range(1, repetitions + 1):
        for scenario in scenarios:
            for spec in specs:
                print(f"[{repetition}/{repetitions}] {spec.name}, {scenario.label}", file=sys.stderr, flush=True)
                workload = workloads[scenario.shape, scenario.size]
                sessions.append(await run_session(spec, scenario.size, workload, counts, scenario))
        for spec in specs if app is not None else ():
            if spec.name == VSCODE_JSON:
                continue  # it reads no other file: there is nothing to compare
            assert app is not None
            print(f"[{repetition}/{repetitions}] {spec.name}, {app.label}", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(prefix="iml-ls-bench-app-") as directory:
                sessions.append(await run_app_session(spec, app, counts, Path(directory)))
    return sessions


def _machine() -> str:
    cpu = [line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")]
    model = cpu[0] if cpu else platform.processor() or "unknown CPU"
    memory = [line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")]
    ram = f", {int(memory[0]) / 1024 / 1024:.0f} GiB RAM" if memory else ""
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model}){ram}"


def _versions(servers: Sequence[str]) -> str:
    parts = [f"Python {platform.python_version()}", f"node {_node_version()}"]
    parts.append(f"pygls {importlib.metadata.version('pygls')}")
    if SUBJECT in servers:
        parts.append(f"iml-ls {importlib.metadata.version('iml-ls')}")
    if VSCODE_JSON in servers:
        package = json.loads(VSCODE_JSON_PACKAGE.read_text())
        parts.append(f"vscode-langservers-extracted {package['version']}")
    return ", ".join(parts)


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not found"


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


if __name__ == "__main__":
    sys.exit(main())
