"""Evaluation and analysis stop at their budgets (issue: regexes ran for minutes or forever, `remove()`
ran unbounded, the budget restarted with every request, a 1 MB file took 1.4 GB and a 15 KB file
made a 209 MB message)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks import diagnostics
from iml_ls.evaluate import environment
from iml_ls.evaluate.environment import shared_evaluation
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.values import EvalContext, EvaluationLimitError
from iml_ls.features.hover import hover

NOW = 1_700_000_000.0


def analysis_of(tmp_path: Path, text: str) -> Analysis:
    path = tmp_path / "c" / "c.communication.iml.json"
    path.parent.mkdir(exist_ok=True)
    workspace = Workspace()
    workspace.open_document(str(path), text, 1)
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    return analysis


def codes(tmp_path: Path, text: str) -> list[str]:
    return [item.rule.code for item in diagnostics(analysis_of(tmp_path, text))]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("/(a|a)*$/", "a" * 40 + "!"),
        ("/(.*a){12}$/", "a" * 40 + "!"),
    ],
)
def test_a_backtracking_regex_stops_at_the_budget(tmp_path: Path, pattern: str, text: str) -> None:
    expression = f"{{{{replace('{text}', '{pattern}', 'z')}}}}"
    assert set(codes(tmp_path, json.dumps({"url": "https://x.example/" + expression}))) <= {"IML502"}


def test_remove_checks_the_deadline() -> None:
    from iml_ls.evaluate.values import Deadline

    context = EvalContext(now=dt.datetime.fromtimestamp(NOW, dt.UTC), deadline=Deadline(at=0.0))
    with pytest.raises(EvaluationLimitError):
        FUNCTIONS["remove"].implementation(context, [["a"] * 100_000, "b", "c"])


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("contains", [["a"] * 100_000, "b"]),
        ("contains", [["a"] * 100_000, "B", True]),
        ("indexOf", [["a"] * 100_000, "b"]),
    ],
)
def test_array_searches_check_the_deadline(name: str, arguments: list[object]) -> None:
    from iml_ls.evaluate.values import Deadline

    context = EvalContext(now=dt.datetime.fromtimestamp(NOW, dt.UTC), deadline=Deadline(at=0.0))
    with pytest.raises(EvaluationLimitError):
        FUNCTIONS[name].implementation(context, arguments)


def test_the_evaluation_budget_belongs_to_the_analysis_not_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many hovers ask, one version of a file evaluates for at most ANALYSIS_BUDGET seconds."""
    monkeypatch.setattr(environment, "ANALYSIS_BUDGET", 0.3)
    monkeypatch.setattr(environment, "EVALUATION_BUDGET", 0.2)
    slow = "{{replace('" + "a" * 40 + "!', '/(a|a)*$/', 'z')}}"
    text = json.dumps({"url": "https://x.example/" + slow})
    analysis = analysis_of(tmp_path, text)
    offset = text.index("replace") + 20
    answers = [hover(analysis, offset, now=NOW) for _ in range(6)]
    assert shared_evaluation(analysis, NOW).budget.seconds <= 0
    last = answers[-1]
    assert last is not None and "too long" in last.markdown


def test_a_megabyte_of_tiny_values_is_not_analysed(tmp_path: Path) -> None:
    assert codes(tmp_path, "[" + ",".join(["0"] * 500_001) + "]") == ["IML502"]
    assert codes(tmp_path, "[" + ",".join(["{}"] * 20_001) + "]") == ["IML502"]


def test_a_message_quotes_no_huge_value(tmp_path: Path) -> None:
    huge = "{{parseNumber(join(split(sha512('x') + sha512('y') + sha512('z'), ''), sha512('w')))}}"
    analysis = analysis_of(tmp_path, json.dumps({"url": "https://x.example/", "headers": {"a": huge}}))
    messages = [item.message for item in diagnostics(analysis)]
    assert messages and all(len(message) <= 1_000 for message in messages)


def test_at_most_a_thousand_diagnostics(tmp_path: Path) -> None:
    text = json.dumps({"url": "https://x.example/", "body": {"items": ["{{nope()}}"] * 5_000}})
    assert len(codes(tmp_path, text)) == 1_000
