"""Write a small connection (communication + params file) and analyse it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Settings, Workspace
from iml_ls.checks import diagnostics

PARAMS = """[
    {"name": "clientId", "type": "text", "label": "Client ID", "required": true},
    {"name": "clientSecret", "type": "password", "label": "Client secret", "required": true},
    {"name": "privateKey", "type": "pkey", "label": "Private key", "required": true}
]
"""

Analyse = Callable[..., Analysis]


@pytest.fixture
def analyse(tmp_path: Path) -> Analyse:
    """``analyse(communication_text, params=..., samples=..., settings=...)`` → the communication's analysis."""

    def run(
        communication: str,
        params: str | None = PARAMS,
        samples: str | None = None,
        settings: Settings | None = None,
        name: str = "conn.communication.iml.json",
    ) -> Analysis:
        folder = tmp_path / "connections" / "conn"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(communication, encoding="utf-8")
        if params is not None:
            (folder / "conn.params.iml.json").write_text(params, encoding="utf-8")
        if samples is not None:
            (folder / "conn.samples.json").write_text(samples, encoding="utf-8")
        workspace = Workspace(settings=settings or Settings())
        analysis = workspace.analysis(str(path))
        assert analysis is not None
        return analysis

    return run


def found(analysis: Analysis, code: str) -> list[str]:
    """The source text under each diagnostic with ``code``."""
    return [analysis.text[d.start : d.end] for d in diagnostics(analysis) if d.rule.code == code]


def codes(analysis: Analysis) -> list[str]:
    return [d.rule.code for d in diagnostics(analysis)]
