"""Calling a built-in function directly, without the parser and the evaluator."""

from __future__ import annotations

import datetime as dt

from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.values import EvalContext, JsValue

NOW = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
CONTEXT = EvalContext(now=NOW)


def call(name: str, *args: JsValue, context: EvalContext = CONTEXT) -> JsValue:
    """``name(args…)`` as IML would call it."""
    return FUNCTIONS[name].implementation(context, list(args))


def small_context(max_string_length: int = 1_000_000, max_collection_length: int = 100_000) -> EvalContext:
    return EvalContext(now=NOW, max_string_length=max_string_length, max_collection_length=max_collection_length)
