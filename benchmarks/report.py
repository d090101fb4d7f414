"""Figures, goals and the Markdown report (``docs/performance.md``).

Each session gives one value per figure (a percentile over its own samples); a figure in the
report is the median of those values over the repetitions, so one noisy repetition cannot move it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from benchmarks.session import SessionResult

SUBJECT = "iml-ls"
FLOOR = "floor"
VSCODE_JSON = "vscode-json"
REFERENCES = (FLOOR, VSCODE_JSON)


def percentile(samples: Sequence[float], percent: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None without samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _mib(kib: int | None) -> float | None:
    return None if kib is None else kib / 1024


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    of: Callable[[SessionResult], float | None]


METRICS: tuple[Metric, ...] = (
    Metric("initialize", "start → `initialize` answered", "ms", lambda r: _ms(r.initialize)),
    Metric("open", "`didOpen` → diagnostics", "ms", lambda r: _ms(r.open_diagnostics)),
    Metric("edit_p50", "edit → diagnostics p50", "ms", lambda r: _ms(percentile(r.edits, 50))),
    Metric("edit_p95", "edit → diagnostics p95", "ms", lambda r: _ms(percentile(r.edits, 95))),
    Metric("edit_max", "edit → diagnostics max", "ms", lambda r: _ms(max(r.edits, default=None))),
    Metric("completion_p50", "completion p50", "ms", lambda r: _ms(percentile(r.completions, 50))),
    Metric("completion_p95", "completion p95", "ms", lambda r: _ms(percentile(r.completions, 95))),
    Metric("hover_p50", "hover p50", "ms", lambda r: _ms(percentile(r.hovers, 50))),
    Metric("hover_p95", "hover p95", "ms", lambda r: _ms(percentile(r.hovers, 95))),
    Metric("memory", "peak memory (VmHWM)", "MiB", lambda r: _mib(r.peak_memory_kib)),
)
METRIC_BY_KEY = {metric.key: metric for metric in METRICS}

ANSWERS: tuple[Metric, ...] = (
    Metric("diagnostics", "diagnostics on the opened file", "", lambda r: r.open_diagnostic_count),
    Metric(
        "completion_items",
        "completion items per answer",
        "",
        lambda r: r.completion_items / len(r.completions) if r.completions else None,
    ),
    Metric("hovers", "hovers with content", "%", lambda r: 100 * r.hover_answers / len(r.hovers) if r.hovers else None),
)


@dataclass(frozen=True)
class Goal:
    metric: str
    size: int
    reference: str
    factor: float
    strict: bool = False
    """``<`` instead of ``≤``."""

    def describe(self) -> str:
        bound = "<" if self.strict else "≤"
        scale = "" if self.factor == 1 else f"{self.factor:g}× "
        return f"{METRIC_BY_KEY[self.metric].label}, {size_label(self.size)}: {bound} {scale}{self.reference}"

    def met(self, ratio: float) -> bool:
        return ratio < self.factor if self.strict else ratio <= self.factor


GOALS: tuple[Goal, ...] = (
    Goal("edit_p95", 1_000, FLOOR, 2),
    Goal("edit_p95", 10_000, FLOOR, 2),
    Goal("edit_p95", 10_000, VSCODE_JSON, 1, strict=True),
    Goal("edit_p95", 100_000, VSCODE_JSON, 0.5),
    Goal("completion_p95", 1_000, FLOOR, 2),
    Goal("completion_p95", 10_000, FLOOR, 3),
    Goal("completion_p95", 10_000, VSCODE_JSON, 1, strict=True),
    Goal("completion_p95", 100_000, VSCODE_JSON, 1, strict=True),
    Goal("hover_p95", 1_000, FLOOR, 3),
    Goal("hover_p95", 10_000, FLOOR, 3),
    Goal("hover_p95", 100_000, FLOOR, 5),
    Goal("initialize", 1_000, FLOOR, 1.3),
    Goal("memory", 100_000, FLOOR, 3),
    Goal("memory", 100_000, VSCODE_JSON, 1, strict=True),
)


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


# Aggregation ---------------------------------------------------------------------------------

Figures = dict[tuple[str, int, str], float | None]
"""(server, size, metric key) → median over the repetitions, None when no repetition produced it."""


def aggregate(sessions: Iterable[SessionResult]) -> Figures:
    by_run: dict[tuple[str, int], list[SessionResult]] = {}
    for session in sessions:
        by_run.setdefault((session.server, session.size), []).append(session)
    figures: Figures = {}
    for (server, size), runs in by_run.items():
        for metric in (*METRICS, *ANSWERS):
            values = [value for value in map(metric.of, runs) if value is not None]
            figures[server, size, metric.key] = statistics.median(values) if values else None
    return figures


def ratio(figures: Figures, size: int, metric: str, reference: str) -> float | None:
    ours = figures.get((SUBJECT, size, metric))
    theirs = figures.get((reference, size, metric))
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


# Markdown ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileShape:
    size: int
    lines: int
    characters: int
    expressions: int


@dataclass(frozen=True)
class RunInfo:
    command: str
    date: str
    machine: str
    versions: str
    repetitions: int
    counts: str
    servers: tuple[str, ...]
    files: tuple[FileShape, ...]


def render(info: RunInfo, figures: Figures, failures: Sequence[str]) -> str:
    sizes = [shape.size for shape in info.files]
    references = [server for server in REFERENCES if server in info.servers]
    out = [
        "# Performance",
        "",
        "How quickly iml-ls answers an editor, next to two references measured in the same run:",
        "**floor**, a pygls server that does nothing (empty answers, empty diagnostics), so the",
        "ratio to it is what iml-ls's own work costs; and **vscode-json**, the JSON language server",
        "inside VS Code (`vscode-json-language-server` from `vscode-langservers-extracted`), which",
        "only checks JSON syntax. Lower is better everywhere. See `benchmarks/README.md` for what",
        "each figure measures and how the files are made.",
        "",
        f"- Command: `{info.command}` (what `make bench` runs)",
        f"- Date: {info.date}",
        f"- Machine: {info.machine}",
        f"- Versions: {info.versions}",
        f"- Repetitions: {info.repetitions}, each a fresh server process per file and server; {info.counts}.",
        "  A figure is the median over the repetitions of each session's own value.",
        "",
        "Files (a basic connection's communication as an array of requests, with its params file):",
        "",
        "| file | lines | characters | IML expressions |",
        "|---|---:|---:|---:|",
        *(
            f"| {size_label(s.size)} | {s.lines:,} | {s.characters:,} | {s.expressions:,} |"
            for s in info.files
        ),
        "",
    ]
    if SUBJECT in info.servers and references:
        out += _goals_table(figures, sizes)
    for size in sizes:
        out += _size_table(figures, size, info.servers, references)
    if failures:
        out += ["## Sessions that failed", "", *(f"- {failure}" for failure in failures), ""]
    return "\n".join(out)


def answered_nothing(figures: Figures, size: int) -> bool:
    """iml-ls gave no completion item and no hover on this file: it did not analyse it, so its
    times there say nothing about its analysis (files over its size limit are skipped)."""
    return figures.get((SUBJECT, size, "completion_items")) == 0 and figures.get((SUBJECT, size, "hovers")) == 0


def _goals_table(figures: Figures, sizes: Sequence[int]) -> list[str]:
    rows = ["## Goals", "", "| goal | ratio measured | result |", "|---|---:|---|"]
    for goal in GOALS:
        measured = ratio(figures, goal.size, goal.metric, goal.reference) if goal.size in sizes else None
        if measured is None:
            rows.append(f"| {goal.describe()} | — | not measured |")
            continue
        result = "met" if goal.met(measured) else "**not met**"
        if answered_nothing(figures, goal.size):
            result += f" (but iml-ls answered nothing at {size_label(goal.size)}: see below)"
        rows.append(f"| {goal.describe()} | {measured:.2f}× | {result} |")
    return [*rows, ""]


def _size_table(figures: Figures, size: int, servers: Sequence[str], references: Sequence[str]) -> list[str]:
    ratio_columns = [f"{SUBJECT} ÷ {reference}" for reference in references] if SUBJECT in servers else []
    header = ["figure", *servers, *ratio_columns]
    rows = [
        f"## {size_label(size)} lines",
        "",
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
    ]
    for metric in METRICS:
        cells = [_number(figures.get((server, size, metric.key)), metric.unit) for server in servers]
        if ratio_columns:
            cells += [_ratio(ratio(figures, size, metric.key, reference)) for reference in references]
        rows.append(f"| {metric.label} | " + " | ".join(cells) + " |")
    for metric in ANSWERS:
        cells = [_number(figures.get((server, size, metric.key)), metric.unit) for server in servers]
        rows.append(f"| {metric.label} | " + " | ".join(cells) + " |" + " |" * len(ratio_columns))
    if answered_nothing(figures, size):
        rows += [
            "",
            "At this size iml-ls answered no completion and no hover: it did not analyse the file (files",
            "over its size limit get one IML502 warning instead), so its times here are not those of an analysis.",
        ]
    return [*rows, ""]


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    digits = 1 if value < 100 and value != int(value) else 0
    return f"{value:,.{digits}f} {unit}".rstrip()


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"
