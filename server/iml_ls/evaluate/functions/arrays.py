"""Arrays and collections."""

from __future__ import annotations

from collections.abc import Sequence

from iml_ls.evaluate.coerce import strict_equals, to_number, to_string, to_text
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, check_size, expect_array, function
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, JsValue, Undefined


@function("first", "array", "any", "The first item.", "first(split('a,b', ','))", "a", array="The array.")
def first(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = expect_array("first", arg(args, 0))
    return items[0] if items else UNDEFINED


@function("last", "array", "any", "The last item.", "last(split('a,b', ','))", "b", array="The array.")
def last(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = expect_array("last", arg(args, 0))
    return items[-1] if items else UNDEFINED


@function(
    "join",
    "array, separator",
    "text",
    "The items as text, separated by `separator`.",
    "join(split('a,b', ','), '+')",
    "a+b",
    array="The array.",
    separator="Text between items.",
)
def join(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = expect_array("join", arg(args, 0))
    separator = "," if isinstance(arg(args, 1), Undefined) else to_string(arg(args, 1))
    return check_size(ctx, separator.join(to_text(item) for item in items))


@function(
    "keys",
    "collection",
    "array",
    "The keys of a collection.",
    "keys(temp.jwt)",
    '["iss","exp"]',
    collection="The collection.",
)
def keys(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return [str(i + 1) for i in range(len(value))]
    raise EvaluationError("keys() expects a collection.")


@function(
    "merge",
    "collections...",
    "collection",
    "The collections merged; later keys win (arrays are concatenated).",
    "merge(temp.a, temp.b)",
    "a collection with the keys of both",
    collections="Collections (or arrays).",
)
def merge(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    if args and all(isinstance(a, list) for a in args):
        return check_size(ctx, [item for a in args if isinstance(a, list) for item in a])
    result: dict[str, JsValue] = {}
    for value in args:
        if isinstance(value, dict):
            result.update(value)
        elif not (value is None or isinstance(value, Undefined)):
            raise EvaluationError("merge() expects collections.")
    return result


@function(
    "slice",
    "array, start, [end]",
    "array",
    "The items from `start` up to (not including) `end`, from 0.",
    "slice(split('a,b,c', ','), 1)",
    '["b","c"]',
    array="The array.",
    start="First index (0-based).",
    end="Index to stop before.",
)
def slice_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = expect_array("slice", arg(args, 0))
    start = int(to_number(arg(args, 1))) if not isinstance(arg(args, 1), Undefined) else 0
    end = int(to_number(arg(args, 2))) if not isinstance(arg(args, 2), Undefined) else len(items)
    return items[start:end]


@function(
    "flatten",
    "array",
    "array",
    "Nested arrays flattened by one level.",
    "flatten(temp.nested)",
    "[1,2,3]",
    array="The array.",
)
def flatten(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = expect_array("flatten", arg(args, 0))
    flat: list[JsValue] = []
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    return check_size(ctx, flat)


@function(
    "distinct",
    "array",
    "array",
    "The array without duplicates (first occurrence kept).",
    "distinct(split('a,b,a', ','))",
    '["a","b"]',
    array="The array.",
)
def distinct(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    unique: list[JsValue] = []
    for item in expect_array("distinct", arg(args, 0)):
        if not any(strict_equals(item, seen) for seen in unique):
            unique.append(item)
    return unique


@function(
    "reverse",
    "array",
    "array",
    "The items in reverse order.",
    "reverse(split('a,b', ','))",
    '["b","a"]',
    array="The array.",
)
def reverse(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return list(reversed(expect_array("reverse", arg(args, 0))))


@function(
    "add",
    "array, values...",
    "array",
    "The array with values appended.",
    "add(split('a', ','), 'b')",
    '["a","b"]',
    array="The array.",
    values="Items to add.",
)
def add(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return check_size(ctx, [*expect_array("add", arg(args, 0)), *args[1:]])


@function(
    "remove",
    "array, values...",
    "array",
    "The array without the given values.",
    "remove(split('a,b', ','), 'a')",
    '["b"]',
    array="The array.",
    values="Items to remove.",
)
def remove(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return [i for i in expect_array("remove", arg(args, 0)) if not any(strict_equals(i, v) for v in args[1:])]


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    first, last, join, keys, merge, slice_, flatten, distinct, reverse, add, remove,
)  # fmt: skip
