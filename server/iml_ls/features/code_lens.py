"""Code lens: ``Preview request`` over every request (``iml.previewRequest``) and ``Preview token`` over every
``jwt()`` call (``iml.previewToken`` for that call)."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.features.preview import PREVIEW_COMMAND
from iml_ls.features.request_preview import REQUEST_PREVIEW_COMMAND, request_targets


@dataclass(frozen=True)
class CodeLens:
    start: int
    """Where the ``jwt(`` call starts: the command previews the call at this offset."""
    end: int
    title: str
    command: str


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    lenses = [
        CodeLens(request.node.start, request.node.start + 1, "Preview request", REQUEST_PREVIEW_COMMAND)
        for request in request_targets(analysis)
    ]
    for call in jwt_calls(analysis):
        start, end = call.span(call.call)
        title = f"Preview token ({call.algorithm})" if call.algorithm else "Preview token"
        lenses.append(CodeLens(start, end, title, PREVIEW_COMMAND))
    return lenses
