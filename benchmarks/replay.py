"""``python -m benchmarks.replay``: the benchmark's edits replayed in one process, for profiling.

The generated file is opened in an :class:`~iml_ls.lsp.server.ImlLanguageServer` that serves no
client; each edit is applied as a ``didChange`` would apply it, and timed until the diagnostics are
JSON text, as a push would send them. No pygls, no pipe, no second thread: what is left is iml-ls's
own work, so a profile of it (``--profile``) shows where a keystroke goes.

    .venv/bin/python -m benchmarks.replay --lines 10000 --shape varied --profile tottime
    .venv/bin/python -m benchmarks.replay --lines 10000 --shape varied --typing
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from lsprotocol import types

from benchmarks.generate import DEFAULT_SEED, SHAPES, Edit, generate
from iml_ls.lsp.server import ImlLanguageServer


def replay(server: ImlLanguageServer, uri: str, edits: list[Edit], first_version: int) -> list[float]:
    """Seconds each edit took, from the change to the diagnostics' JSON text."""
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
        analysis = server.analysis(uri)
        assert analysis is not None
        server.json_diagnostics(uri, analysis)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--shape", choices=SHAPES, default="varied")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--typing", action="store_true", help="the broken-JSON typing sequence, not the edits")
    parser.add_argument("--rounds", type=int, default=3, help="times the sequence is replayed after a first one")
    parser.add_argument("--profile", metavar="SORT", help="print a cProfile of the measured rounds, sorted so")
    args = parser.parse_args()
    workload = generate(args.lines, args.seed, args.shape)
    edits = list(workload.typing) if args.typing else [workload.edit(number) for number in range(30)]
    with tempfile.TemporaryDirectory(prefix="iml-ls-replay-") as directory:
        path = workload.write(Path(directory))
        uri = path.as_uri()
        server = ImlLanguageServer()
        server.latest[uri] = 1
        start = time.perf_counter()
        server.iml.open_document(str(path), workload.communication, 1)
        opened = server.analysis(uri)
        assert opened is not None
        server.json_diagnostics(uri, opened)
        print(f"open: {(time.perf_counter() - start) * 1000:.1f} ms")
        replay(server, uri, edits, 2)  # a first round warms the caches
        version = len(edits) + 2
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        seconds = []
        for _ in range(args.rounds):
            seconds += replay(server, uri, edits, version)
            version += len(edits)
        if profile is not None:
            profile.disable()
            pstats.Stats(profile).sort_stats(args.profile).print_stats(40)
    ordered = sorted(seconds)
    p50, p95 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    print(f"per edit: p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
