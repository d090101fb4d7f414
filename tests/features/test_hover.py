"""Hover over evaluated values, long after the diagnostics evaluated the same file."""

from __future__ import annotations

import time

import pytest

from iml_ls.evaluate import environment
from iml_ls.features.hover import hover

from .conftest import analysis_of

TEXT = '{"url": "/v1", "temp": {"jwt": {"exp": "{{timestamp + 3600}}"}}}'


def test_a_hover_after_the_diagnostics_budget_ran_out_still_evaluates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "EVALUATION_BUDGET", 0.05)
    analysis = analysis_of(TEXT)
    assert not [d for d in analysis.diagnostics if d.rule.name == "evaluation-limit"]
    time.sleep(0.1)  # longer than the budget the diagnostics' evaluation started with
    found = hover(analysis, TEXT.index("timestamp + 3600") + 12)
    assert found is not None
    assert f"Value:\n```\n{int(analysis.instant) + 3600}\n```" in found.markdown
