"""Signature help: the function being called and the argument under the cursor."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.features.cursor import iml_cursor


@dataclass(frozen=True)
class SignatureHelp:
    label: str
    documentation: str
    parameters: tuple[tuple[str, str], ...]
    """(label, documentation) of each parameter, in order."""
    active_parameter: int


def signature_help(analysis: Analysis, offset: int) -> SignatureHelp | None:
    cursor = iml_cursor(analysis, offset)
    if cursor is None or cursor.call is None:
        return None
    function = FUNCTIONS.get(cursor.call.name)
    if function is None:
        return None
    parameters = tuple((p.label, p.description) for p in function.parameters)
    active = cursor.call.argument
    if parameters and active >= len(parameters) and function.parameters[-1].variadic:
        active = len(parameters) - 1
    documentation = f"{function.summary}\n\nExample: `{function.example}` → `{function.example_result}`"
    return SignatureHelp(function.signature(), documentation, parameters, active)
