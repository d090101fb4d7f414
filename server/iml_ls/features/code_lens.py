"""Code lens: ``Preview token`` for every ``jwt()`` call, running the ``iml.previewToken`` command for it.

The lenses of one request all sit on the request's first line (editors draw lenses of one line side
by side), so a header block with several calls gets one extra line, not one per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.features.preview import PREVIEW_COMMAND


@dataclass(frozen=True)
class CodeLens:
    start: int
    """Where the lens is drawn: the start of the request that holds the call."""
    end: int
    call_start: int
    """Where the ``jwt(`` call starts: the command previews the call at this offset."""
    title: str
    command: str


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    lenses = []
    calls = jwt_calls(analysis)
    for number, call in enumerate(calls, start=1):
        call_start, call_end = call.span(call.call)
        request = analysis.request_at(call.string.path)
        start = request.node.start if request is not None else call_start
        title = "Preview token"
        if len(calls) > 1:
            title += f" #{number}"
        if call.algorithm:
            title += f" ({call.algorithm})"
        lenses.append(CodeLens(start, start if request is not None else call_end, call_start, title, PREVIEW_COMMAND))
    return lenses
