"""Figures, goals and the Markdown report (``docs/performance.md``).

Each session gives one value per figure (a percentile over its own samples); a figure in the
report is the median of those values over the repetitions, so one noisy repetition cannot move it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.commands import CommandTiming, command_table
from benchmarks.session import SessionResult

NOTES = Path(__file__).resolve().parent / "notes.md"
"""Where the time goes, from profiles of the same code: written by hand, shown after the goals."""

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
    Metric(
        "typing_p95", "edit → diagnostics while the JSON is broken p95", "ms", lambda r: _ms(percentile(r.typing, 95))
    ),
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
    scenario: str
    """A scenario's label (``varied 10k pull``, see :class:`~benchmarks.session.Scenario`)."""
    reference: str
    factor: float
    strict: bool = False
    """``<`` instead of ``≤``."""

    def describe(self) -> str:
        bound = "<" if self.strict else "≤"
        scale = "" if self.factor == 1 else f"{self.factor:g}× "
        return f"{METRIC_BY_KEY[self.metric].label}, {self.scenario}: {bound} {scale}{self.reference}"

    def met(self, ratio: float) -> bool:
        return ratio < self.factor if self.strict else ratio <= self.factor


def goals_for(scenarios: Sequence[str]) -> list[Goal]:
    """The goals of the performance issue, for the scenarios of one run."""
    found: list[Goal] = []
    for scenario in scenarios:
        size = scenario.split()[1]
        if size in ("1k", "10k") or scenario.startswith("app"):
            found.append(Goal("edit_p95", scenario, FLOOR, 2))
        if size == "100k":
            found.append(Goal("edit_p95", scenario, VSCODE_JSON, 0.5))
        if scenario.startswith("varied") and size == "10k":
            found.append(Goal("typing_p95", scenario, FLOOR, 3))
        if scenario.startswith("varied") and size == "100k":
            found.append(Goal("typing_p95", scenario, VSCODE_JSON, 1))
        if size in ("10k", "100k"):
            found.append(Goal("open", scenario, VSCODE_JSON, 1))
        if scenario.startswith("basic"):
            found += _BASIC_GOALS.get(size, [])
            if size == "100k":
                found += [Goal("memory", scenario, FLOOR, 3), Goal("memory", scenario, VSCODE_JSON, 1, strict=True)]
    first = next((scenario for scenario in scenarios if scenario.startswith("basic")), None)
    if first is not None:
        found.append(Goal("initialize", first, FLOOR, 1.1))
    return found


_BASIC_GOALS: dict[str, list[Goal]] = {
    "1k": [Goal("completion_p95", "basic 1k push", FLOOR, 2), Goal("hover_p95", "basic 1k push", FLOOR, 3)],
    "10k": [
        Goal("completion_p95", "basic 10k push", FLOOR, 3),
        Goal("completion_p95", "basic 10k push", VSCODE_JSON, 1, strict=True),
        Goal("hover_p95", "basic 10k push", FLOOR, 3),
    ],
    "100k": [
        Goal("completion_p95", "basic 100k push", VSCODE_JSON, 1, strict=True),
        Goal("hover_p95", "basic 100k push", FLOOR, 5),
    ],
}
"""Completion and hover are measured on every file; their goals are kept on the basic ones."""


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


# Aggregation ---------------------------------------------------------------------------------

Figures = dict[tuple[str, str, str], float | None]
"""(server, scenario, metric key) → median over the repetitions, None when no repetition produced it."""


def aggregate(sessions: Iterable[SessionResult]) -> Figures:
    by_run: dict[tuple[str, str], list[SessionResult]] = {}
    for session in sessions:
        by_run.setdefault((session.server, session.scenario), []).append(session)
    figures: Figures = {}
    for (server, scenario), runs in by_run.items():
        for metric in (*METRICS, *ANSWERS):
            values = [value for value in map(metric.of, runs) if value is not None]
            figures[server, scenario, metric.key] = statistics.median(values) if values else None
    return figures


def ratio(figures: Figures, scenario: str, metric: str, reference: str) -> float | None:
    ours = figures.get((SUBJECT, scenario, metric))
    theirs = figures.get((reference, scenario, metric))
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


# Markdown ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileShape:
    shape: str
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
    scenarios: tuple[str, ...]


def render(info: RunInfo, figures: Figures, failures: Sequence[str], timings: Sequence[CommandTiming] = ()) -> str:
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
        "Files (a connection's communication as an array of requests, with its params file; *basic*:",
        "three kinds of request and four planted mistakes; *varied*: shared `temp` chains, RS256 and",
        "HS256 tokens and a mistake in one request of two). Each is measured with diagnostics pushed",
        "and pulled (vscode-json is always pulled), and one varied file without its params file:",
        "",
        "| file | lines | characters | IML expressions |",
        "|---|---:|---:|---:|",
        *(
            f"| {s.shape} {size_label(s.size)} | {s.lines:,} | {s.characters:,} | {s.expressions:,} |"
            for s in info.files
        ),
        "",
    ]
    if SUBJECT in info.servers and references:
        out += _goals_table(figures, info.scenarios)
        if NOTES.is_file():
            out += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    out += command_table(timings)
    for scenario in info.scenarios:
        out += _scenario_table(figures, scenario, info.servers, references)
    if failures:
        out += ["## Sessions that failed", "", *(f"- {failure}" for failure in failures), ""]
    return "\n".join(out)


def answered_nothing(figures: Figures, scenario: str) -> bool:
    """iml-ls gave no completion item and no hover on this file: it did not analyse it, so its
    times there say nothing about its analysis (files over its size limit are skipped)."""
    return figures.get((SUBJECT, scenario, "completion_items")) == 0 and figures.get((SUBJECT, scenario, "hovers")) == 0


def _goals_table(figures: Figures, scenarios: Sequence[str]) -> list[str]:
    rows = ["## Goals", "", "| goal | ratio measured | result |", "|---|---:|---|"]
    for goal in goals_for(scenarios):
        measured = ratio(figures, goal.scenario, goal.metric, goal.reference)
        if measured is None:
            rows.append(f"| {goal.describe()} | — | not measured |")
            continue
        result = "met" if goal.met(measured) else "**not met**"
        if answered_nothing(figures, goal.scenario):
            result += f" (but iml-ls answered nothing on {goal.scenario}: see below)"
        rows.append(f"| {goal.describe()} | {measured:.2f}× | {result} |")
    return [*rows, ""]


def _scenario_table(figures: Figures, scenario: str, servers: Sequence[str], references: Sequence[str]) -> list[str]:
    ratio_columns = [f"{SUBJECT} ÷ {reference}" for reference in references] if SUBJECT in servers else []
    header = ["figure", *servers, *ratio_columns]
    rows = [
        f"## {scenario}",
        "",
        "| " + " | ".join(header) + " |",
        "|---|" + "---:|" * (len(header) - 1),
    ]
    for metric in METRICS:
        cells = [_number(figures.get((server, scenario, metric.key)), metric.unit) for server in servers]
        if ratio_columns:
            cells += [_ratio(ratio(figures, scenario, metric.key, reference)) for reference in references]
        rows.append(f"| {metric.label} | " + " | ".join(cells) + " |")
    for metric in ANSWERS:
        cells = [_number(figures.get((server, scenario, metric.key)), metric.unit) for server in servers]
        rows.append(f"| {metric.label} | " + " | ".join(cells) + " |" + " |" * len(ratio_columns))
    if answered_nothing(figures, scenario):
        rows += [
            "",
            "In this scenario iml-ls answered no completion and no hover: it did not analyse the file (files",
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
