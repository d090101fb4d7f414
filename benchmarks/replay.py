"""``python -m benchmarks.replay``: the benchmark's edits replayed in one process, for profiling.

The generated file is opened in an :class:`~iml_ls.lsp.server.ImlLanguageServer` that serves no
client; each edit is applied as a ``didChange`` would apply it, and timed until the diagnostics are
JSON text, as a push would send them. No pygls, no pipe, no second thread: what is left is iml-ls's
own work, so a profile of it (``--profile``) shows where a keystroke goes. ``--app-modules`` replays
the whole-app scenario instead: an edit of the connection's params file, timed until the open module
it changes has its diagnostics too.

    .venv/bin/python -m benchmarks.replay --lines 10000 --shape varied --profile tottime
    .venv/bin/python -m benchmarks.replay --lines 10000 --shape varied --typing
    .venv/bin/python -m benchmarks.replay --app-modules 200
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types

from benchmarks.app import generate_app
from benchmarks.generate import DEFAULT_SEED, SHAPES, Edit, generate
from iml_ls.lsp.convert import path_to_uri, uri_to_path
from iml_ls.lsp.server import ImlLanguageServer


def replay(server: ImlLanguageServer, uri: str, edits: list[Edit], first_version: int) -> list[float]:
    """Seconds each edit took, from the change to the diagnostics' JSON text (of the edited file
    and of each open file the edit changed)."""
    seconds = []
    for version, edit in enumerate(edits, start=first_version):
        start = time.perf_counter()
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                types.Position(edit.start.line, edit.start.character),
                types.Position(edit.end.line, edit.end.character),
            ),
            text=edit.text,
        )
        server.apply_changes(uri, version, [change])
        server.latest[uri] = version
        for changed in [uri, *server._changed_by(uri_to_path(uri))]:
            analysis = server.analysis(changed)
            assert analysis is not None
            server.json_diagnostics(changed, analysis)
        seconds.append(time.perf_counter() - start)
    return seconds


def opened(directory: Path, files: dict[Path, str]) -> ImlLanguageServer:
    """A server with ``files`` open, their diagnostics made once."""
    server = ImlLanguageServer()
    for path, text in files.items():
        uri = path.as_uri()
        server.latest[uri] = 1
        server.iml.open_document(str(path), text, 1)
        analysis = server.analysis(uri)
        assert analysis is not None
        server.json_diagnostics(uri, analysis)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--shape", choices=SHAPES, default="varied")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--typing", action="store_true", help="the broken-JSON typing sequence, not the edits")
    parser.add_argument("--app-modules", type=int, default=0, help="the whole-app scenario with this many modules")
    parser.add_argument("--rounds", type=int, default=3, help="times the sequence is replayed after a first one")
    parser.add_argument("--profile", metavar="SORT", help="print a cProfile of the measured rounds, sorted so")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iml-ls-replay-") as folder:
        directory = Path(folder)
        start = time.perf_counter()
        if args.app_modules:
            app = generate_app(args.app_modules)
            app.write(directory)
            edits = [app.edit(number) for number in range(30)]
            server = opened(directory, {directory / name: app.files[name] for name in (app.module, app.params)})
            uri = path_to_uri(str(directory / app.params))
        else:
            workload = generate(args.lines, args.seed, args.shape)
            edits = list(workload.typing) if args.typing else [workload.edit(number) for number in range(30)]
            path = workload.write(directory)
            server = opened(directory, {path: workload.communication})
            uri = path.as_uri()
        print(f"open: {(time.perf_counter() - start) * 1000:.1f} ms")
        seconds = measured(lambda version: replay(server, uri, edits, version), len(edits), args.rounds, args.profile)
    ordered = sorted(seconds)
    p50, p95 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"per edit: p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms")


def measured(rounds_of: Callable[[int], list[float]], edits: int, rounds: int, profile_sort: str | None) -> list[float]:
    """The seconds of each edit over ``rounds`` rounds, after a first one that warms the caches."""
    rounds_of(2)
    version = edits + 2
    profile = cProfile.Profile() if profile_sort else None
    if profile is not None:
        profile.enable()
    seconds = []
    for _ in range(rounds):
        seconds += rounds_of(version)
        version += edits
    if profile is not None:
        profile.disable()
        pstats.Stats(profile).sort_stats(profile_sort).print_stats(40)
    return seconds


if __name__ == "__main__":
    main()
