"""Code lens: ``Preview request`` and ``Send request`` over every request (``iml.previewRequest``,
``iml.runRequest``; ``Run on recorded response`` too when the file has a recording) and ``Preview token``
for every ``jwt()`` call (``iml.previewToken`` for that call).

The lenses of one request all sit on the request's first line (editors draw lenses of one line side
by side), so a header block with several calls gets one extra line, not one per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import jwt_calls
from iml_ls.features.client_names import RUN_COMMAND
from iml_ls.features.preview import PREVIEW_COMMAND
from iml_ls.features.request_preview import REQUEST_PREVIEW_COMMAND, request_targets
from iml_ls.model.schema import BROWSER_STAGES

"""The command that sends a component's requests and runs Make's response pipeline (``Send request``)."""


@dataclass(frozen=True)
class CodeLens:
    start: int
    """Where the lens is drawn: the start of the request that holds the call."""
    end: int
    call_start: int
    """Where the command looks: the start of the ``jwt(`` call, or of the request, it previews."""
    title: str
    command: str
    arguments: dict[str, object] | None = None
    """None: the command takes ``[uri, position]``; else one object, these entries with ``uri`` and ``position``."""


def code_lenses(analysis: Analysis) -> list[CodeLens]:
    lenses: list[CodeLens] = []
    for target in request_targets(analysis):
        at = target.node.start
        lenses.append(CodeLens(at, at, at, "Preview request", REQUEST_PREVIEW_COMMAND))
        if target.stage not in BROWSER_STAGES:  # the user's browser opens `authorize`
            stage: dict[str, object] = {"stage": target.stage} if target.stage is not None else {}
            lenses.append(CodeLens(at, at, at, "Send request", RUN_COMMAND, stage))
            if analysis.related.recording is not None:
                replay: dict[str, object] = {**stage, "replay": True}
                lenses.append(CodeLens(at, at, at, "Run on recorded response", RUN_COMMAND, replay))
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
