"""Static types of expressions: what can be known about a value without evaluating it."""

from __future__ import annotations

from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.syntax.iml import Binary, Call, Expr, Literal, Name, Unary, is_word_operator

NUMBER, TEXT, BOOLEAN, DATE = "number", "text", "boolean", "date"

_VARIABLE_TYPES = {
    "timestamp": NUMBER, "now": DATE, "pi": NUMBER, "random": NUMBER, "uuid": TEXT, "executionId": TEXT,
    "emptystring": TEXT, "space": TEXT, "nbsp": TEXT, "newline": TEXT, "carriagereturn": TEXT, "tab": TEXT,
}  # fmt: skip


def static_type(expr: Expr) -> str | None:
    """Make's type word for the value of ``expr`` when it is certain, else None."""
    if isinstance(expr, Literal):
        value = expr.value
        if isinstance(value, bool):
            return BOOLEAN
        if isinstance(value, int | float):
            return NUMBER
        if isinstance(value, str):
            return TEXT
        return None
    if isinstance(expr, Name):
        return _VARIABLE_TYPES.get(expr.name)
    if isinstance(expr, Unary):
        return {"!": BOOLEAN, "-": NUMBER}.get(expr.op)
    if isinstance(expr, Binary):
        if expr.op in ("-", "*", "/", "%"):
            return NUMBER
        if expr.op == "+":
            left, right = static_type(expr.left), static_type(expr.right)
            if TEXT in (left, right):
                return TEXT
            return NUMBER if left == NUMBER and right == NUMBER else None
        if expr.op in ("&&", "||", "&", "|"):
            left, right = static_type(expr.left), static_type(expr.right)
            return left if left == right else None
        return None if is_word_operator(expr.op) else BOOLEAN
    if isinstance(expr, Call):
        function = FUNCTIONS.get(expr.name)
        if function is not None and function.returns in (NUMBER, TEXT, BOOLEAN, DATE):
            return function.returns
    return None
