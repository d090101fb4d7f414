"""Arrays and collections: items, keys, merging, slicing, flattening, de-duplicating, sorting, shuffling."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Sequence

from iml_ls.evaluate.coerce import describe, is_number, strict_equals, to_float, to_string
from iml_ls.evaluate.functions.logic import get_path
from iml_ls.evaluate.functions.spec import (
    BuiltinFunction,
    StandIn,
    arg,
    array_argument,
    check_length,
    function,
    integer_argument,
    is_absent,
    optional_text,
)
from iml_ls.evaluate.js_json import ordered_keys, stringify
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, JsValue, Undefined

_SORT_ORDERS = ("asc", "desc", "asc ci", "desc ci")


@function(
    "first",
    "array",
    "any",
    "The first item of the array (undefined when it is empty).",
    "first(split('a,b,c', ','))",
    "a",
    array="The array.",
)
def first(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("first", arg(args, 0))
    return items[0] if items else UNDEFINED


@function(
    "last",
    "array",
    "any",
    "The last item of the array (undefined when it is empty).",
    "last(split('a,b,c', ','))",
    "c",
    array="The array.",
)
def last(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("last", arg(args, 0))
    return items[-1] if items else UNDEFINED


@function(
    "keys",
    "collection",
    "array",
    "The keys of a collection, in JavaScript's order (integer-like keys first).",
    "keys(temp.user)",
    '["name","emails"]',
    collection="The collection.",
)
def keys(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, dict):
        return list[JsValue](ordered_keys(value))
    if is_absent(value):
        return []
    raise EvaluationError(f"keys() expects a collection, got {describe(value)}.")


@function(
    "merge",
    "values...",
    "any",
    "Arrays joined into one array, or collections merged into one (later keys win).",
    "merge(split('a,b', ','), split('c', ','))",
    '["a","b","c"]',
    "Make documents merge() for arrays; merging collections (shallowly, like `Object.assign`) is an "
    "iml-ls extension of the same idea.",
    values="Arrays, or collections; null and undefined are skipped.",
)
def merge(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    present = [value for value in args if not is_absent(value)]
    if all(isinstance(value, list) for value in present):
        arrays = [value for value in present if isinstance(value, list)]
        check_length(ctx, sum(map(len, arrays)), text=False)
        return [item for items in arrays for item in items]
    result: dict[str, JsValue] = {}
    for value in present:
        if not isinstance(value, dict):
            raise EvaluationError(f"merge() expects only arrays or only collections, got {describe(value)}.")
        result.update(value)
    return result


@function(
    "slice",
    "array, start, [end]",
    "array",
    "The items from `start` up to (not including) `end`, counting from 0; negative positions count from the end.",
    "slice(split('a,b,c,d', ','), 1, 3)",
    '["b","c"]',
    "Positions count from 0 as in JavaScript's `slice`; Make's documentation does not say.",
    array="The array.",
    start="First position (0-based; -1 is the last item).",
    end="Position to stop before (default: the end).",
)
def slice_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("slice", arg(args, 0))
    return items[integer_argument(arg(args, 1), 0) : integer_argument(arg(args, 2), len(items))]


@function(
    "flatten",
    "array, [depth]",
    "array",
    "The items of nested arrays lifted into the array, `depth` levels deep (default 1).",
    "flatten(temp.nested)",
    "[1,2,3,[4]]",
    array="The array.",
    depth="How many levels of nesting to remove (default 1).",
)
def flatten(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    flat: list[JsValue] = []
    _flatten_into(ctx, flat, array_argument("flatten", arg(args, 0)), integer_argument(arg(args, 1), 1))
    return flat


def _flatten_into(ctx: EvalContext, flat: list[JsValue], items: list[JsValue], depth: int) -> None:
    for item in items:
        if isinstance(item, list) and depth >= 1:
            _flatten_into(ctx, flat, item, depth - 1)
        else:
            flat.append(item)
            check_length(ctx, len(flat), text=False)


def _identity(value: JsValue) -> Hashable:
    """A hashable stand-in: equal for values ``distinct()`` treats as duplicates (NaN is one value)."""
    if is_number(value):
        number = to_float(value)
        return ("number", "NaN" if math.isnan(number) else number)
    if isinstance(value, list):
        return ("array", tuple(map(_identity, value)))
    if isinstance(value, dict):
        return ("collection", frozenset((key, _identity(item)) for key, item in value.items()))
    if isinstance(value, Undefined):
        return ("undefined",)
    return (type(value).__name__, value)


@function(
    "distinct",
    "array, [key]",
    "array",
    "The array without duplicates (the first occurrence is kept); with `key`, collections are compared by that key.",
    "distinct(split('a,b,a', ','))",
    '["a","b"]',
    array="The array.",
    key="For an array of collections, the key (or dotted path) whose value must be unique.",
)
def distinct(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    key = optional_text("distinct", arg(args, 1), "")
    seen: set[Hashable] = set()
    unique: list[JsValue] = []
    for item in array_argument("distinct", arg(args, 0)):
        identity = _identity(get_path(item, key) if key else item)
        if identity not in seen:
            seen.add(identity)
            unique.append(item)
    return unique


@function(
    "deduplicate",
    "array",
    "array",
    "The array without duplicates (the first occurrence is kept), as `distinct` without a key.",
    "deduplicate(split('a,b,a', ','))",
    '["a","b"]',
    array="The array.",
)
def deduplicate(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    array_argument("deduplicate", arg(args, 0))  # the error names this function
    unique = distinct.implementation(ctx, args[:1])
    assert not isinstance(unique, StandIn)
    return unique


@function(
    "shuffle",
    "array",
    "array",
    "The items in a random order.",
    "shuffle(split('a,b,c', ','))",
    '["a","b","c"]',
    "The order is random in Make, so iml-ls keeps the items in their order and treats the result as a "
    "placeholder: no check reports on what follows from it.",
    array="The array.",
)
def shuffle(ctx: EvalContext, args: Sequence[JsValue]) -> StandIn:
    return StandIn(list(array_argument("shuffle", arg(args, 0))))


@function(
    "reverse",
    "array",
    "array",
    "The items in reverse order.",
    "reverse(split('a,b,c', ','))",
    '["c","b","a"]',
    array="The array.",
)
def reverse(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return list(reversed(array_argument("reverse", arg(args, 0))))


def _sort_key(value: JsValue, case_insensitive: bool) -> tuple[int, float, bytes]:
    """Numbers, then texts, dates, booleans, other values, and empty values last."""
    if is_number(value):
        number = to_float(value)
        return (0, math.inf if math.isnan(number) else number, b"")
    if isinstance(value, str):
        text = value.lower() if case_insensitive else value
        return (1, 0.0, text.encode("utf-16-be", "surrogatepass"))
    if isinstance(value, dt.datetime):
        return (2, value.timestamp(), b"")
    if isinstance(value, bool):
        return (3, float(value), b"")
    if is_absent(value):
        return (5, 0.0, b"")
    return (4, 0.0, (stringify(value) or "").encode("utf-16-be", "surrogatepass"))


@function(
    "sort",
    "array, [order], [key]",
    "array",
    "The items sorted: numbers by value, texts alphabetically; `order` is `asc`, `desc`, `asc ci` or "
    "`desc ci` (ci: ignore case).",
    "sort(split('b,C,a', ','), 'asc ci')",
    '["a","b","C"]',
    "How Make orders items of different types in one array is not documented (iml-ls puts numbers "
    "first, then texts, dates, booleans, other values and empty values).",
    array="The array.",
    order="`asc` (default), `desc`, `asc ci` or `desc ci`.",
    key="For an array of collections, the key (or dotted path) to sort by.",
)
def sort(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("sort", arg(args, 0))
    order = optional_text("sort", arg(args, 1), "asc").lower()
    if order not in _SORT_ORDERS:
        raise EvaluationError(f"sort(): unknown order '{order}'; use one of {', '.join(_SORT_ORDERS)}.")
    key = optional_text("sort", arg(args, 2), "")
    case_insensitive = order.endswith(" ci")

    def sort_key(item: JsValue) -> tuple[int, float, bytes]:
        return _sort_key(get_path(item, key) if key else item, case_insensitive)

    return sorted(items, key=sort_key, reverse=order.startswith("desc"))


@function(
    "add",
    "array, values...",
    "array",
    "The array with the values appended.",
    "add(split('a,b', ','), 'c')",
    '["a","b","c"]',
    array="The array.",
    values="Items to append.",
)
def add(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("add", arg(args, 0))
    check_length(ctx, len(items) + len(args) - 1, text=False)
    return [*items, *args[1:]]


@function(
    "remove",
    "array, values...",
    "array",
    "The array without the items equal to any of the values.",
    "remove(split('a,b,c', ','), 'a', 'c')",
    '["b"]',
    array="The array.",
    values="Items to remove.",
)
def remove(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items, unwanted = array_argument("remove", arg(args, 0)), args[1:]
    kept = []
    for item in items:
        ctx.deadline.check()  # each comparison may walk a large item: the work is items × values × size
        if not any(strict_equals(item, value) for value in unwanted):
            kept.append(item)
    return kept


@function(
    "toArray",
    "collection",
    "array",
    "The collection as an array of `{key, value}` collections.",
    "toArray(pick(temp.user, 'name'))",
    '[{"key":"name","value":"Zoë"}]',
    collection="The collection.",
)
def to_array(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    if isinstance(value, list):
        return value
    if is_absent(value):
        return []
    if not isinstance(value, dict):
        raise EvaluationError(f"toArray() expects a collection, got {describe(value)}.")
    check_length(ctx, len(value), text=False)
    return [{"key": key, "value": value[key]} for key in ordered_keys(value)]


@function(
    "toCollection",
    "array, key, value",
    "collection",
    "A collection built from an array of collections: each item's `key` field names an entry whose value is "
    "the item's `value` field.",
    "toCollection(toArray(pick(temp.user, 'name')), 'key', 'value')",
    '{"name":"Zoë"}',
    array="The array of collections.",
    key="The field holding each entry's name.",
    value="The field holding each entry's value.",
)
def to_collection(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    key_field = optional_text("toCollection", arg(args, 1), "key")
    value_field = optional_text("toCollection", arg(args, 2), "value")
    result: dict[str, JsValue] = {}
    for item in array_argument("toCollection", arg(args, 0)):
        if isinstance(item, dict) and not is_absent(item.get(key_field)):
            result[to_string(item[key_field])] = item.get(value_field, UNDEFINED)
    return result


@function(
    "map",
    "array, key, [filterKey], [filterValues]",
    "array",
    "The value of `key` in each collection of the array, optionally only from items whose `filterKey` is "
    "one of `filterValues` (comma-separated).",
    "map(temp.contacts, 'email', 'type', 'work')",
    '["ann@example.com"]',
    array="An array of collections.",
    key="The key (or dotted path) to take from each item.",
    filterKey="A key to filter the items by.",
    filterValues="The accepted values of `filterKey`, separated by commas.",
)
def map_(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("map", arg(args, 0))
    key = optional_text("map", arg(args, 1), "")
    filter_key = optional_text("map", arg(args, 2), "")
    accepted = set(optional_text("map", arg(args, 3), "").split(","))
    if filter_key:
        items = [item for item in items if to_string(get_path(item, filter_key)) in accepted]
    return [get_path(item, key) for item in items]


FUNCTIONS: tuple[BuiltinFunction, ...] = (
    first, last, keys, merge, slice_, flatten, distinct, deduplicate, reverse, shuffle, sort, add, remove, to_array,
    to_collection, map_,
)  # fmt: skip
