"""Evaluating IML as Make's runtime does, over the syntax tree, with sample values and budgets.

The evaluator never runs code from the file, never reads files and never touches the network: it
walks the expression tree and calls the built-in functions of :mod:`iml_ls.evaluate.functions`.
A wall-clock budget and the size budgets of :class:`EvalContext` bound every evaluation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from iml_ls.evaluate import coerce
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.functions.spec import StandIn
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue
from iml_ls.syntax.iml import (
    WORD_OPERATORS,
    Binary,
    Call,
    Expr,
    Index,
    InlineLiteral,
    Literal,
    Member,
    Name,
    Unary,
    member_path,
)

CONSTANTS: dict[str, JsValue] = {
    "undefined": UNDEFINED,
    "ignore": UNDEFINED,
    "erase": None,
    "emptystring": "",
    "space": " ",
    "nbsp": "\u00a0",
    "newline": "\n",
    "carriagereturn": "\r",
    "tab": "\t",
    "pi": math.pi,
}

STAND_IN_VARIABLES: dict[str, JsValue] = {
    "uuid": "6f1c2a3e-8b4d-4e5f-9a7b-0c1d2e3f4a5b",
    "random": 0.5,
    "executionId": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
}
"""Values Make draws anew each time (or knows only while a scenario runs): evaluation uses these
samples and counts them as placeholders, so no check reports on what follows from them."""


BUILT_IN_NAMES = ("now", "timestamp", *STAND_IN_VARIABLES, "emptyarray", *CONSTANTS)
"""Every variable and keyword the evaluator knows without sample values."""


def placeholder_label(placeholder: tuple[str, str]) -> str:
    """How a preview names a made-up value: ``parameters.clientSecret``, ``uuid`` or ``shuffle()``."""
    root, key = placeholder
    return f"{root}.{key}" if key else root


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
        if isinstance(expr, InlineLiteral):
            raise EvaluationError(f"IML has no {expr.kind} literals; Make does not build this {expr.kind}.")
        if isinstance(expr, Unary):
            if expr.op.lower() in WORD_OPERATORS:
                raise EvaluationError(f"IML has no `{expr.op}` operator; write `!`.")
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
        if name in STAND_IN_VARIABLES:
            self.used_placeholders.add((name, ""))
            return STAND_IN_VARIABLES[name]
        return self.variables.get(name, UNDEFINED)

    def _call(self, call: Call) -> JsValue:
        function = FUNCTIONS.get(call.name)
        if function is None and call.name in self.context.own_functions:
            raise EvaluationError(
                f"`{call.name}` is one of your app's own functions (functions/{call.name}): iml-ls never runs an"
                " app's JavaScript, so it cannot compute this value."
            )
        if function is None:
            raise EvaluationError(f"IML has no function `{call.name}`.")
        if call.name in ("if", "ifempty") and len(call.args) >= 2:
            return self._choice(call)
        args: list[JsValue] = []
        quotes_secret = False
        for position, arg in enumerate(call.args):
            reads, used = self.secret_reads, set(self.used_secrets)
            args.append(self._eval(arg))
            if position in _KEY_ARGUMENTS.get(call.name, ()):
                self.secret_reads, self.used_secrets = reads, used  # a signature does not reveal its key
            quotes_secret |= self.secret_reads != reads
        try:
            result = function.implementation(self.context, args)
        except EvaluationError as error:
            error.reveals_secret |= quotes_secret
            raise
        except (ArithmeticError, ValueError, TypeError, LookupError, UnicodeError, OSError) as error:
            # Values no function documents (a date past year 9999, a huge exponent…): Make fails too.
            failure = EvaluationError(f"{call.name}() cannot handle these values ({error}).")
            failure.reveals_secret = quotes_secret
            raise failure from None
        if isinstance(result, StandIn):
            self.used_placeholders.add((f"{call.name}()", ""))
            return result.value
        return result

    def _choice(self, call: Call) -> JsValue:
        """``if`` and ``ifempty`` evaluate only the argument they return, as Make's library does, so an
        error in the branch not taken (``parseJSON('')`` when the text is empty) does not count."""
        first = self._eval(call.args[0])
        if call.name == "ifempty":
            return self._eval(call.args[1]) if coerce.is_empty(first) else first
        if coerce.is_truthy(first):
            return self._eval(call.args[1])
        return self._eval(call.args[2]) if len(call.args) > 2 else UNDEFINED

    def _binary(self, expr: Binary) -> JsValue:
        op = expr.op
        if op.lower() in WORD_OPERATORS:
            raise EvaluationError(f"IML has no `{op}` operator; write `{WORD_OPERATORS[op.lower()]}`.")
        left = self._eval(expr.left)
        if op in ("&&", "&"):
            return self._eval(expr.right) if coerce.is_truthy(left) else left
        if op in ("||", "|"):
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
