"""Hover over evaluated values, long after the diagnostics evaluated the same file."""

from __future__ import annotations

import time

import pytest

from iml_ls.checks import diagnostics
from iml_ls.evaluate import environment
from iml_ls.features.hover import hover
from iml_ls.features.signature_help import signature_help

from .conftest import analysis_of

TEXT = '{"url": "/v1", "temp": {"jwt": {"exp": "{{timestamp + 3600}}"}}}'


def test_a_hover_after_the_diagnostics_budget_ran_out_still_evaluates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "EVALUATION_BUDGET", 0.05)
    analysis = analysis_of(TEXT)
    assert not [d for d in diagnostics(analysis) if d.rule.name == "evaluation-limit"]
    time.sleep(0.1)  # longer than the budget the diagnostics' evaluation started with
    found = hover(analysis, TEXT.index("timestamp + 3600") + 12)
    assert found is not None
    assert f"Value:\n```\n{int(analysis.instant) + 3600}\n```" in found.markdown


def test_a_random_value_is_shown_as_a_placeholder_also_through_temp() -> None:
    order = "{{shuffle(split('a,b', ','))}}"
    text = f'{{"temp": {{"order": "{order}"}}, "url": "/v1", "headers": {{"x-id": "{{{{uuid}}}}", "x": "{{{{temp.order}}}}"}}}}'
    analysis = analysis_of(text)
    found = hover(analysis, text.index("uuid") + 1)
    assert found is not None and "*(placeholder, not a real value: `uuid`)*" in found.markdown
    found = hover(analysis, text.index("temp.order") + 6)
    assert found is not None and "*(placeholder, not a real value: `shuffle()`)*" in found.markdown


def test_signature_help_shows_repeating_and_optional_parameters() -> None:
    text = '{"url": "/v1/{{switch(1, 1, 2, )}}"}'
    help = signature_help(analysis_of(text), text.index(", )") + 2)
    assert help is not None and help.label == "switch(expression, value, result, [more...])"
    assert help.active_parameter == 3


def test_signature_help_counts_semicolons_as_separators() -> None:
    text = '{"url": "/v1/{{formatDate(now; \'YYYY\'; )}}"}'
    help = signature_help(analysis_of(text), text.index("; )") + 2)
    assert help is not None and help.active_parameter == 2
