"""Conditions, comparisons and lookups: if, ifempty, switch, equal, get, pick, omit."""

from __future__ import annotations

import re
from collections.abc import Sequence

from iml_ls.evaluate.coerce import describe, is_empty, is_number, is_truthy, strict_equals, to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, function, integer_argument, is_absent
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, JsValue

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@function(
    "if",
    "condition, then, else",
    "any",
    "`then` when the condition is true, otherwise `else`; only the branch chosen is evaluated.",
    "if(2 > 1, 'yes', 'no')",
    "yes",
    "False conditions are JavaScript's: false, 0, empty text, null and undefined (an empty array is true).",
    condition="Any value; false, 0, empty text, null and undefined count as false.",
    then="The result when the condition is true.",
    **{"else": "The result when the condition is false."},
)
def if_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return arg(args, 1) if is_truthy(arg(args, 0)) else arg(args, 2)


@function(
    "ifempty",
    "value, fallback",
    "any",
    "The value, or `fallback` when the value is empty (absent, null, empty text or an empty array); "
    "`fallback` is evaluated only when it is used.",
    "ifempty('', 'eu1')",
    "eu1",
    "Whether Make counts an empty array as empty is not documented; iml-ls does.",
    value="The preferred value, e.g. `parameters.region`.",
    fallback="The value to use when it is empty.",
)
def ifempty(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return arg(args, 1) if is_empty(arg(args, 0)) else arg(args, 0)


@function(
    "switch",
    "expression, value, result, [more...]",
    "any",
    "The result paired with the first value equal to the expression; a last unpaired argument is the default.",
    "switch('b', 'a', 1, 'b', 2, 0)",
    "2",
    "Values are compared strictly (`'1'` does not equal `1`).",
    expression="The value to compare.",
    value="The first value to compare the expression with.",
    result="The result when the expression equals `value`.",
    more="Further value, result pairs, and optionally a default result.",
)
def switch(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    expression, cases = arg(args, 0), list(args[1:])
    for index in range(0, len(cases) - 1, 2):
        if index % 1024 == 0:
            ctx.deadline.check()
        if strict_equals(expression, cases[index]):
            return cases[index + 1]
    return cases[-1] if len(cases) % 2 == 1 else UNDEFINED


@function(
    "equal",
    "value1, value2",
    "boolean",
    "Whether the two values are equal, as the `=` operator compares them.",
    "equal(length('abc'), 3)",
    "true",
    "Listed in Make's scenario documentation; whether app IML has it, and whether it compares strictly, is not "
    "documented (iml-ls compares as its `=` does, strictly).",
    value1="The first value.",
    value2="The second value.",
)
def equal(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return strict_equals(arg(args, 0), arg(args, 1))


def _item(items: list[JsValue], position: int) -> JsValue:
    """The item at an IML (1-based) position, or undefined."""
    return items[position - 1] if 1 <= position <= len(items) else UNDEFINED


def get_path(value: JsValue, path: str) -> JsValue:
    """Follow ``a.b[1].c`` or ``a.b.1.c``: array positions count from 1, as everywhere in IML."""
    current = value
    for name, index in _PATH_PART.findall(path):
        if index:
            current = _item(current, int(index)) if isinstance(current, list) else UNDEFINED
        elif isinstance(current, dict):
            current = current.get(name, UNDEFINED)
        elif isinstance(current, list) and name.isdigit():
            current = _item(current, int(name))
        else:
            return UNDEFINED
    return current


@function(
    "get",
    "value, path",
    "any",
    "The value at a path such as `user.emails[1]` (array positions count from 1); undefined when absent.",
    "get(temp.user, 'emails[2]')",
    "b@example.com",
    value="A collection or an array.",
    path="Keys separated by dots, with `[n]` or `.n` for the n-th item of an array; a number picks an item.",
)
def get(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    path = arg(args, 1)
    if is_absent(path):
        return UNDEFINED
    if is_number(path):
        value = arg(args, 0)
        return _item(value, integer_argument(path, 0)) if isinstance(value, list) else UNDEFINED
    return get_path(arg(args, 0), to_string(path))


def _collection(name: str, value: JsValue) -> dict[str, JsValue]:
    if isinstance(value, dict):
        return value
    if is_absent(value):
        return {}
    raise EvaluationError(f"{name}() expects a collection, got {describe(value)}.")


def _key_names(keys: Sequence[JsValue]) -> set[str]:
    """Keys given one by one or as arrays: ``pick(x, 'a', 'b')`` and ``pick(x, split('a,b', ','))``."""
    names: set[str] = set()
    for key in keys:
        if isinstance(key, list):
            names.update(to_string(k) for k in key)
        else:
            names.add(to_string(key))
    return names


@function(
    "pick",
    "collection, keys...",
    "collection",
    "A collection with only the given keys.",
    "pick(temp.user, 'name')",
    '{"name":"Zoë"}',
    collection="The source collection.",
    keys="Keys to keep (texts, or arrays of texts).",
)
def pick(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    source, wanted = _collection("pick", arg(args, 0)), _key_names(args[1:])
    return {key: value for key, value in source.items() if key in wanted}


@function(
    "omit",
    "collection, keys...",
    "collection",
    "A collection without the given keys.",
    "omit(temp.user, 'emails')",
    '{"name":"Zoë"}',
    collection="The source collection.",
    keys="Keys to drop (texts, or arrays of texts).",
)
def omit(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    source, unwanted = _collection("omit", arg(args, 0)), _key_names(args[1:])
    return {key: value for key, value in source.items() if key not in unwanted}


FUNCTIONS: tuple[BuiltinFunction, ...] = (if_, ifempty, switch, equal, get, pick, omit)
