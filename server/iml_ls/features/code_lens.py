"""Code lens: ``Preview token`` above every ``jwt()`` call."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.features.preview import PREVIEW_COMMAND


@dataclass(frozen=True)
class CodeLens:
    start: int
    end: int
    title: str
    command: str


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    lenses = []
    for call in jwt_calls(analysis):
        start, end = call.span(call.call)
        algorithm = call.algorithm or "token"
        lenses.append(CodeLens(start, end, f"Preview token ({algorithm})", PREVIEW_COMMAND))
    return lenses
