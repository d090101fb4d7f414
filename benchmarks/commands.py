"""How long the ``iml-ls`` command takes to start and finish, next to the interpreter's own start.

``python -c pass`` with the same Python is the floor: what no command written in Python can beat.
The commands run one after another, interleaved over the repetitions like the servers are, so a slow
minute of a noisy machine spreads over all of them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_APP = Path(__file__).resolve().parent.parent / "examples" / "make-app"
INTERPRETER = "interpreter"


@dataclass(frozen=True)
class CommandTiming:
    label: str
    """``interpreter`` (the floor), ``--version`` or ``check``."""
    command: str
    """What was run, for the report (paths shortened)."""
    seconds: list[float]


def commands(bin_dir: Path) -> list[tuple[str, str, list[str]]]:
    """(label, what the report shows, argv) of each command measured; the floor first."""
    iml_ls = str(bin_dir / "iml-ls")
    return [
        (INTERPRETER, "python -c pass", [sys.executable, "-c", "pass"]),
        ("--version", "iml-ls --version", [iml_ls, "--version"]),
        ("check", "iml-ls check examples/make-app", [iml_ls, "check", str(EXAMPLE_APP)]),
    ]


def measure_commands(bin_dir: Path, repetitions: int) -> list[CommandTiming]:
    """Each command's wall-clock times, from start to exit (``check`` exits 1 when it reports problems)."""
    chosen = commands(bin_dir)
    samples: dict[str, list[float]] = {label: [] for label, _, _ in chosen}
    for _ in range(repetitions):
        for label, _, argv in chosen:
            started = time.perf_counter()
            finished = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
            elapsed = time.perf_counter() - started
            if finished.returncode not in (0, 1):
                raise RuntimeError(f"{' '.join(argv)} exited {finished.returncode}: {finished.stderr.decode()[-500:]}")
            samples[label].append(elapsed)
    return [CommandTiming(label, shown, samples[label]) for label, shown, _ in chosen]


def command_table(timings: Sequence[CommandTiming]) -> list[str]:
    """The report's section: median and p95 of each command, and the median's ratio to the floor's."""
    if not timings:
        return []
    floor = next((statistics.median(t.seconds) for t in timings if t.label == INTERPRETER and t.seconds), None)
    out = [
        "## Commands",
        "",
        f"Start to exit, {len(timings[0].seconds)} runs each; the floor is the interpreter starting and",
        "doing nothing. `check` reads, parses and checks every file of the bundled example app.",
        "",
        "| command | median | p95 | × floor |",
        "|---|---:|---:|---:|",
    ]
    for timing in timings:
        median = statistics.median(timing.seconds)
        p95 = statistics.quantiles(timing.seconds, n=20, method="inclusive")[-1] if len(timing.seconds) > 1 else median
        ratio = f"{median / floor:.2f}×" if floor else "–"
        out.append(f"| `{timing.command}` | {median * 1000:.1f} ms | {p95 * 1000:.1f} ms | {ratio} |")
    return [*out, ""]
