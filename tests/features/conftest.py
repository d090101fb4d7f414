"""Helpers shared by the feature tests."""

from __future__ import annotations

from iml_ls.analysis import Analysis, Workspace

DEMO = "/app/connections/demo/demo.communication.iml.json"


def analysis_of(text: str) -> Analysis:
    """The analysis of ``text`` opened as a communication file with no params file beside it."""
    workspace = Workspace()
    workspace.open_document(DEMO, text, 1)
    analysis = workspace.analysis(DEMO)
    assert analysis is not None
    return analysis
