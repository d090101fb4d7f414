"""Code lens: ``Preview token`` over every ``jwt()`` call, running the ``iml.previewToken`` command for it."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.features.preview import PREVIEW_COMMAND


@dataclass(frozen=True)
class CodeLens:
    start: int
    """Where the ``jwt(`` call starts: the command previews the call at this offset."""
    end: int
    title: str
    command: str


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    lenses = []
    for call in jwt_calls(analysis):
        start, end = call.span(call.call)
        title = f"Preview token ({call.algorithm})" if call.algorithm else "Preview token"
        lenses.append(CodeLens(start, end, title, PREVIEW_COMMAND))
    return lenses
