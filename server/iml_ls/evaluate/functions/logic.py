"""Conditions and lookups: if, ifempty, switch, get, pick, omit."""

from __future__ import annotations

import re
from collections.abc import Sequence

from iml_ls.evaluate.coerce import is_empty, is_truthy, strict_equals, to_number, to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, function
from iml_ls.evaluate.values import UNDEFINED, EvalContext, JsValue, Undefined

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@function(
    "if",
    "condition, then, [else]",
    "any",
    "`then` when the condition is true, otherwise `else`.",
    "if(1 > 0, 'yes', 'no')",
    "yes",
    condition="Any value; empty, 0, false and null are false.",
    then="The result when true.",
    **{"else": "The result when false."},
)
def if_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return arg(args, 1) if is_truthy(arg(args, 0)) else arg(args, 2)


@function(
    "ifempty",
    "value, fallback",
    "any",
    "The value, or `fallback` when the value is empty (absent, null or empty text).",
    "ifempty(parameters.region, 'eu1')",
    "eu1",
    value="The preferred value.",
    fallback="The value to use instead.",
)
def ifempty(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return arg(args, 1) if is_empty(arg(args, 0)) else arg(args, 0)


@function(
    "switch",
    "expression, cases...",
    "any",
    "The result paired with the first value equal to the expression; a last unpaired argument is the default.",
    "switch('b', 'a', 1, 'b', 2, 0)",
    "2",
    expression="The value to compare.",
    cases="value1, result1, value2, result2, …, [default].",
)
def switch(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    expression, cases = arg(args, 0), list(args[1:])
    for index in range(0, len(cases) - 1, 2):
        if strict_equals(expression, cases[index]):
            return cases[index + 1]
    return cases[-1] if len(cases) % 2 == 1 else UNDEFINED


def get_path(value: JsValue, path: str) -> JsValue:
    """Follow ``a.b[1].c`` (array indexes count from 1, as everywhere in IML)."""
    current = value
    for name, index in _PATH_PART.findall(path):
        if index:
            position = int(index)
            current = (
                current[position - 1] if isinstance(current, list) and 1 <= position <= len(current) else UNDEFINED
            )
        elif isinstance(current, dict):
            current = current.get(name, UNDEFINED)
        elif isinstance(current, list) and name.isdigit():
            position = int(name)
            current = current[position - 1] if 1 <= position <= len(current) else UNDEFINED
        else:
            return UNDEFINED
    return current


@function(
    "get",
    "value, path",
    "any",
    "The value at a path such as `a.b[1]` (arrays count from 1).",
    "get(temp.user, 'emails[1]')",
    "the first email",
    value="A collection or array.",
    path="Dotted path.",
)
def get(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    path = arg(args, 1)
    if isinstance(path, Undefined):
        return UNDEFINED
    if isinstance(path, int | float) and not isinstance(path, bool):
        return get_path(arg(args, 0), f"[{int(to_number(path))}]")
    return get_path(arg(args, 0), to_string(path))


@function(
    "pick",
    "collection, keys...",
    "collection",
    "A collection with only the given keys.",
    "pick(temp.user, 'id', 'name')",
    '{"id":…,"name":…}',
    collection="The source.",
    keys="Keys to keep.",
)
def pick(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    source = arg(args, 0)
    keys = [to_string(k) for k in args[1:]]
    return {k: v for k, v in source.items() if k in keys} if isinstance(source, dict) else {}


@function(
    "omit",
    "collection, keys...",
    "collection",
    "A collection without the given keys.",
    "omit(temp.user, 'password')",
    "the user without `password`",
    collection="The source.",
    keys="Keys to drop.",
)
def omit(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    source = arg(args, 0)
    keys = [to_string(k) for k in args[1:]]
    return {k: v for k, v in source.items() if k not in keys} if isinstance(source, dict) else {}


FUNCTIONS: tuple[BuiltinFunction, ...] = (if_, ifempty, switch, get, pick, omit)
