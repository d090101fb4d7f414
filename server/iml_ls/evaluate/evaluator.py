"""Evaluating IML as Make's runtime does, over the syntax tree, with sample values and budgets.

The evaluator never runs code from the file, never reads files and never touches the network: it
walks the expression tree and calls the built-in functions of :mod:`iml_ls.evaluate.functions`.
A wall-clock budget and the size budgets of :class:`EvalContext` bound every evaluation.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from iml_ls.evaluate import coerce
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue
from iml_ls.syntax.iml import Binary, Call, Expr, Index, Literal, Member, Name, Unary, member_path

CONSTANTS: dict[str, JsValue] = {
    "undefined": UNDEFINED,
    "emptystring": "",
    "space": " ",
    "newline": "\n",
    "tab": "\t",
}


@dataclass
class Evaluator:
    """Evaluates expressions against root variables; remembers which placeholder values it read."""

    context: EvalContext
    variables: Mapping[str, JsValue]
    placeholders: Mapping[tuple[str, str], frozenset[tuple[str, str]]] = field(default_factory=dict)
    """For ``("parameters", "clientSecret")`` or ``("temp", "jwt")``: the made-up placeholder values it holds."""
    time_budget: float = 1.0
    deadline: float | None = None
    """An absolute ``time.monotonic()`` limit shared by every evaluation of one analysis."""
    used_placeholders: set[tuple[str, str]] = field(default_factory=set)
    _deadline: float = 0.0

    def evaluate(self, expr: Expr) -> JsValue:
        """The value of one expression (raises :class:`EvaluationError` as Make would fail)."""
        own = time.monotonic() + self.time_budget
        self._deadline = own if self.deadline is None else min(own, self.deadline)
        try:
            return self._eval(expr)
        except RecursionError:
            raise EvaluationLimitError("The expression is nested too deeply to evaluate.") from None

    def _eval(self, expr: Expr) -> JsValue:
        if time.monotonic() > self._deadline:
            raise EvaluationLimitError("Evaluation took too long and was stopped.")
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Name):
            return self._variable(expr.name)
        if isinstance(expr, Member):
            path = member_path(expr)
            if path is not None and len(path) >= 2:
                self.used_placeholders |= self.placeholders.get((path[0], path[1]), frozenset())
            return _property(self._eval(expr.object), expr.name)
        if isinstance(expr, Index):
            return _item(self._eval(expr.object), self._eval(expr.index))
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, Unary):
            operand = self._eval(expr.operand)
            return not coerce.is_truthy(operand) if expr.op == "!" else coerce.negate(operand)
        return self._binary(expr)

    def _variable(self, name: str) -> JsValue:
        if name == "timestamp":
            return self.context.timestamp
        if name == "now":
            return self.context.now
        if name == "emptyarray":
            return []
        if name in CONSTANTS:
            return CONSTANTS[name]
        return self.variables.get(name, UNDEFINED)

    def _call(self, call: Call) -> JsValue:
        function = FUNCTIONS.get(call.name)
        if function is None:
            raise EvaluationError(f"IML has no function `{call.name}`.")
        args = [self._eval(arg) for arg in call.args]
        try:
            return function.implementation(self.context, args)
        except (ArithmeticError, ValueError, TypeError, LookupError, UnicodeError, OSError) as error:
            # Values no function documents (a date past year 9999, a huge exponent…): Make fails too.
            raise EvaluationError(f"{call.name}() cannot handle these values ({error}).") from None

    def _binary(self, expr: Binary) -> JsValue:
        op = expr.op
        left = self._eval(expr.left)
        if op == "&&":
            return self._eval(expr.right) if coerce.is_truthy(left) else left
        if op == "||":
            return left if coerce.is_truthy(left) else self._eval(expr.right)
        result = coerce.binary_operator(op, left, self._eval(expr.right))
        if isinstance(result, str) and len(result) > self.context.max_string_length:
            raise EvaluationLimitError(f"Text longer than {self.context.max_string_length:,} characters.")
        return result


def _property(value: JsValue, name: str) -> JsValue:
    if isinstance(value, dict):
        return value.get(name, UNDEFINED)
    if isinstance(value, list) and name == "length":
        return len(value)
    return UNDEFINED


def _item(value: JsValue, index: JsValue) -> JsValue:
    """``value[index]``: arrays count from 1 in IML; objects take a key."""
    if isinstance(value, list):
        if isinstance(index, int | float) and not isinstance(index, bool) and float(index).is_integer():
            position = int(index)
            return value[position - 1] if 1 <= position <= len(value) else UNDEFINED
        return UNDEFINED
    if isinstance(value, dict):
        return value.get(coerce.to_string(index), UNDEFINED)
    return UNDEFINED
