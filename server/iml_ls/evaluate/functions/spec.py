"""The catalogue entry of a built-in IML function, and the argument conversions the functions share.

Completion, hover, signature help, the arity checks, the evaluator and ``docs/functions.md`` all
read the same :class:`BuiltinFunction` entries, so a function is described exactly once.

How arguments are read (the same rules for every function, so Make developers can predict them):

* a *text* parameter takes text, and converts numbers, booleans, dates (ISO 8601) and binary data
  (UTF-8) to text, as Make converts mapped values; ``null`` and an absent value count as empty text;
* an *array* parameter takes an array; ``null`` and an absent value count as an empty array;
* a *number* parameter takes a number or text holding one (``'12'``), as JavaScript's ``Number()``
  reads it; anything else (``'abc'``, an array) is an error naming the function;
* a result longer than the context's budget raises :class:`EvaluationLimitError` before it is built;
* a result that is not Make's (the function is random, or its behaviour is not public) is returned as a
  :class:`StandIn`: the evaluator counts it as a placeholder, so no check reports on what follows from it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iml_ls.evaluate.coerce import describe, is_number, to_float, to_number, to_string
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue, Undefined


@dataclass(frozen=True)
class StandIn:
    """A result iml-ls made up (a random value, or a function whose behaviour Make does not publish)."""

    value: JsValue


Implementation = Callable[[EvalContext, Sequence[JsValue]], "JsValue | StandIn"]


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    optional: bool = False
    variadic: bool = False
    """Only the last parameter: it repeats (at least once, unless it is also optional)."""

    @property
    def label(self) -> str:
        """``key``, ``[key]``, ``keys...`` (one or more) or ``[keys...]`` (any number)."""
        name = f"{self.name}..." if self.variadic else self.name
        return f"[{name}]" if self.optional else name


@dataclass(frozen=True)
class BuiltinFunction:
    name: str
    parameters: tuple[Parameter, ...]
    returns: str
    """Make's type word: text, number, boolean, date, array, collection, binary or any."""
    summary: str
    example: str
    """An IML call; ``tests/evaluate/test_functions_catalogue.py`` evaluates it."""
    example_result: str
    """What the example gives, as :func:`show_value` writes it (a trailing ``…`` shortens it)."""
    implementation: Implementation
    caveat: str | None = None
    """Where our knowledge of Make's exact behaviour is uncertain."""
    not_in_make: str | None = None
    """Why Make probably has no such function (no source lists it): a call gets a warning and
    completion leaves it out; iml-ls still evaluates it so that a preview shows what was meant."""

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.parameters if not p.optional)

    @property
    def max_args(self) -> int | None:
        return None if any(p.variadic for p in self.parameters) else len(self.parameters)

    def signature(self) -> str:
        """``jwt(payload, key, [algorithm], [options])``; a repeating parameter is ``values...``."""
        return f"{self.name}({', '.join(p.label for p in self.parameters)})"


def function(
    name: str,
    parameters: str,
    returns: str,
    summary: str,
    example: str,
    example_result: str,
    caveat: str | None = None,
    not_in_make: str | None = None,
    **descriptions: str,
) -> Callable[[Implementation], BuiltinFunction]:
    """Declare a function from a compact parameter list: ``"text, [start], values..."`` (one or
    more values) or ``"array, [values...]"`` (any number)."""

    def make(implementation: Implementation) -> BuiltinFunction:
        specs = []
        for raw in (part.strip() for part in parameters.split(",") if part.strip()):
            optional, variadic = raw.startswith("["), raw.rstrip("]").endswith("...")
            bare = raw.strip("[].")
            specs.append(Parameter(bare, descriptions.get(bare, ""), optional, variadic))
        return BuiltinFunction(
            name, tuple(specs), returns, summary, example, example_result, implementation, caveat, not_in_make
        )

    return make


def show_value(value: JsValue) -> str:
    """A result as the catalogue and hover show it: text as it is, anything else as JSON or its name."""
    from iml_ls.evaluate.js_json import stringify

    if isinstance(value, str):
        return value
    if isinstance(value, Undefined):
        return "undefined"
    if isinstance(value, dt.datetime):
        return to_string(value)
    if isinstance(value, bytes):
        return "binary " + value.hex(" ") if value else "empty binary"
    if is_number(value):
        return to_string(value)
    return stringify(value) or "undefined"


def arg(args: Sequence[JsValue], index: int) -> JsValue:
    """The argument at ``index``, or undefined when it was not given."""
    return args[index] if index < len(args) else UNDEFINED


def is_absent(value: JsValue) -> bool:
    """Null or undefined: what Make calls an empty (unmapped) value."""
    return value is None or isinstance(value, Undefined)


def text_argument(name: str, value: JsValue) -> str:
    """A text parameter (see the module notes): null/undefined are empty, scalars convert, arrays fail."""
    if isinstance(value, str):
        return value
    if is_absent(value):
        return ""
    if isinstance(value, list | dict):
        raise EvaluationError(f"{name}() expects text, got {describe(value)}.")
    return to_string(value)


def optional_text(name: str, value: JsValue, default: str) -> str:
    """A text parameter that may be left out (null/undefined give ``default``)."""
    return default if is_absent(value) else text_argument(name, value)


def number_argument(name: str, value: JsValue) -> float:
    """A number parameter: a number, or text holding one (``'12.5'``); anything else is an error."""
    if is_number(value):
        return to_float(value)
    if isinstance(value, str):
        number = to_float(to_number(value))
        if not math.isnan(number):
            return number
        raise EvaluationError(f"{name}() expects a number, got the text '{value}'.")
    raise EvaluationError(f"{name}() expects a number, got {describe(value)}.")


def integer_argument(value: JsValue, default: int) -> int:
    """A position or count the JavaScript way (``ToIntegerOrInfinity``): NaN is 0, fractions truncate,
    infinities clamp (to ±2**53, beyond every text and array length); absent gives ``default``."""
    if is_absent(value):
        return default
    number = to_float(to_number(value))
    if math.isnan(number):
        return 0
    limit = 2**53
    return int(max(-limit, min(limit, number)))


def array_argument(name: str, value: JsValue) -> list[JsValue]:
    """An array parameter: null/undefined count as an empty array, anything else not an array fails."""
    if isinstance(value, list):
        return value
    if is_absent(value):
        return []
    raise EvaluationError(f"{name}() expects an array, got {describe(value)}.")


def check_length(ctx: EvalContext, length: int, *, text: bool) -> None:
    """Refuse a result of ``length`` characters (or items) beyond the budget, before it is built."""
    limit = ctx.max_string_length if text else ctx.max_collection_length
    if length > limit:
        what = "characters" if text else "items"
        raise EvaluationLimitError(f"The result would be longer than {limit:,} {what}.")


def check_size(ctx: EvalContext, value: JsValue) -> JsValue:
    """Stop a result that is already built (huge text, binary data or array) with a limit error."""
    if isinstance(value, str | bytes):
        check_length(ctx, len(value), text=True)
    if isinstance(value, list):
        check_length(ctx, len(value), text=False)
    return value
