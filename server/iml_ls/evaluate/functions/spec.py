"""The catalogue entry of a built-in IML function: what completion, hover, signature help and checks read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iml_ls.evaluate.coerce import type_name
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue

Implementation = Callable[[EvalContext, Sequence[JsValue]], JsValue]


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    optional: bool = False
    variadic: bool = False
    """Only the last parameter: it repeats."""


@dataclass(frozen=True)
class BuiltinFunction:
    name: str
    parameters: tuple[Parameter, ...]
    returns: str
    """Make's type word: text, number, boolean, date, array, collection, binary or any."""
    summary: str
    example: str
    example_result: str
    implementation: Implementation
    caveat: str | None = None
    """Where our knowledge of Make's exact behaviour is uncertain."""

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.parameters if not p.optional and not p.variadic)

    @property
    def max_args(self) -> int | None:
        return None if any(p.variadic for p in self.parameters) else len(self.parameters)

    def signature(self) -> str:
        parts = [f"[{p.name}]" if p.optional else f"{p.name}..." if p.variadic else p.name for p in self.parameters]
        return f"{self.name}({', '.join(parts)})"


def function(
    name: str,
    parameters: str,
    returns: str,
    summary: str,
    example: str,
    example_result: str,
    caveat: str | None = None,
    **descriptions: str,
) -> Callable[[Implementation], BuiltinFunction]:
    """Declare a function from a compact parameter list: ``"text, [start], values..."``."""

    def make(implementation: Implementation) -> BuiltinFunction:
        specs = []
        for raw in (part.strip() for part in parameters.split(",") if part.strip()):
            optional, variadic = raw.startswith("["), raw.endswith("...")
            bare = raw.strip("[].")
            specs.append(Parameter(bare, descriptions.get(bare, ""), optional, variadic))
        return BuiltinFunction(name, tuple(specs), returns, summary, example, example_result, implementation, caveat)

    return make


def arg(args: Sequence[JsValue], index: int) -> JsValue:
    """The argument at ``index``, or undefined when it was not given."""
    return args[index] if index < len(args) else UNDEFINED


def expect_text(name: str, value: JsValue) -> str:
    if isinstance(value, str):
        return value
    raise EvaluationError(f"{name}() expects text, got {type_name(value)}.")


def expect_array(name: str, value: JsValue) -> list[JsValue]:
    if isinstance(value, list):
        return value
    raise EvaluationError(f"{name}() expects an array, got {type_name(value)}.")


def check_size(ctx: EvalContext, value: JsValue) -> JsValue:
    """Stop runaway results (huge texts or arrays) with an evaluation-limit error."""
    if isinstance(value, str | bytes) and len(value) > ctx.max_string_length:
        raise EvaluationLimitError(f"A result longer than {ctx.max_string_length:,} characters.")
    if isinstance(value, list) and len(value) > ctx.max_collection_length:
        raise EvaluationLimitError(f"An array longer than {ctx.max_collection_length:,} items.")
    return value
