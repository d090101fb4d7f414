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
class Budget:
    """Seconds of evaluation one analysis may still spend, whoever evaluates (diagnostics, hovers,
    previews): however many requests a client sends, one version of a file costs at most this."""

    seconds: float


_KEY_ARGUMENTS: dict[str, tuple[int, ...]] = {"jwt": (1,)}
"""Arguments that are signing keys: the result (a signed token) does not reveal them, and the error
messages never quote them (jsonwebtoken says what is wrong with a key, its type or its size, but
never shows it), so a token may be shown and a failing ``jwt()`` explained."""


@dataclass
class Evaluator:
    """Evaluates expressions against root variables; remembers which placeholder values it read."""

    context: EvalContext
    variables: Mapping[str, JsValue]
    placeholders: Mapping[tuple[str, str], frozenset[tuple[str, str]]] = field(default_factory=dict)
    """For ``("parameters", "clientSecret")`` or ``("temp", "jwt")``: the made-up placeholder values it holds."""
    time_budget: float = 1.0
    deadline: float | None = None
    """An absolute ``time.monotonic()`` limit shared by the evaluations of one caller (one request's checks)."""
    budget: Budget | None = None
    """The seconds the whole analysis may still spend evaluating, which every evaluation uses up."""
    used_placeholders: set[tuple[str, str]] = field(default_factory=set)
    secrets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """For each root variable (``parameters``, ``temp``…), its keys whose values are or derive from secrets."""
    used_secrets: set[tuple[str, str]] = field(default_factory=set)
    """The secret keys the evaluations so far read (see :meth:`read_secrets`)."""
    secret_reads: int = 0
    """How many times a secret was read: compare it before and after one evaluation to learn whether
    that value derives from a secret."""
    _deadline: float = 0.0

    def evaluate(self, expr: Expr) -> JsValue:
        """The value of one expression (raises :class:`EvaluationError` as Make would fail)."""
        start = time.monotonic()
        limits = [start + self.time_budget]
        if self.deadline is not None:
            limits.append(self.deadline)
        if self.budget is not None:
            limits.append(start + max(0.0, self.budget.seconds))
        self._deadline = min(limits)
        self.context.deadline.at = self._deadline
        try:
            return self._eval(expr)
        except RecursionError:
            raise EvaluationLimitError("The expression is nested too deeply to evaluate.") from None
        finally:
            if self.budget is not None:
                self.budget.seconds -= time.monotonic() - start

    def _eval(self, expr: Expr) -> JsValue:
        if time.monotonic() > self._deadline:
            raise EvaluationLimitError("Evaluation took too long and was stopped.")
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Name):
            self._read(expr.name, self.secrets.get(expr.name, frozenset()))
            return self._variable(expr.name)
        if isinstance(expr, Member):
            path = member_path(expr)
            if path is not None and len(path) >= 2:
                self.used_placeholders |= self.placeholders.get((path[0], path[1]), frozenset())
                self._read(path[0], self.secrets.get(path[0], frozenset()) & {path[1]})
                value = self._variable(path[0])
                for name in path[1:]:
                    value = _property(value, name)
                return value
            return _property(self._eval(expr.object), expr.name)
        if isinstance(expr, Index):
            return _item(self._eval(expr.object), self._eval(expr.index))
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, Unary):
            operand = self._eval(expr.operand)
            return not coerce.is_truthy(operand) if expr.op == "!" else coerce.negate(operand)
        return self._binary(expr)

    def _read(self, root: str, keys: frozenset[str]) -> None:
        """Record that the keys of ``root`` were read (a whole ``parameters`` reads every key)."""
        if keys:
            self.used_secrets |= {(root, key) for key in keys}
            self.secret_reads += 1

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
        args: list[JsValue] = []
        quotes_secret = False
        for position, arg in enumerate(call.args):
            reads, used = self.secret_reads, set(self.used_secrets)
            args.append(self._eval(arg))
            if position in _KEY_ARGUMENTS.get(call.name, ()):
                self.secret_reads, self.used_secrets = reads, used  # a signature does not reveal its key
            quotes_secret |= self.secret_reads != reads
        try:
            return function.implementation(self.context, args)
        except EvaluationError as error:
            error.reveals_secret |= quotes_secret
            raise
        except (ArithmeticError, ValueError, TypeError, LookupError, UnicodeError, OSError) as error:
            # Values no function documents (a date past year 9999, a huge exponent…): Make fails too.
            failure = EvaluationError(f"{call.name}() cannot handle these values ({error}).")
            failure.reveals_secret = quotes_secret
            raise failure from None

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
