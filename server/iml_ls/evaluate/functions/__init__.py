"""The built-in IML functions: one catalogue read by the evaluator, completion, hover, signature help
and the checks.

A function is added by declaring it in its family module (and listing it in that module's
``FUNCTIONS``) plus its tests; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from iml_ls.evaluate.functions import arrays, dates, encoding, jwt, logic, math, runtime, text
from iml_ls.evaluate.functions.spec import BuiltinFunction

FUNCTIONS: Mapping[str, BuiltinFunction] = {
    function.name: function
    for module in (jwt, encoding, text, logic, math, arrays, dates, runtime)
    for function in module.FUNCTIONS
}


def lookup(name: str) -> BuiltinFunction | None:
    """The built-in function called ``name`` (names are case-sensitive, as in IML), or None."""
    return FUNCTIONS.get(name)
