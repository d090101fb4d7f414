"""Array and collection functions."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from iml_ls.evaluate.functions.spec import StandIn
from iml_ls.evaluate.values import UNDEFINED, EvaluationError, EvaluationLimitError, JsValue

from .conftest import call, small_context

CONTACTS: list[JsValue] = [
    {"email": "ann@example.com", "type": "work", "age": 40},
    {"email": "bob@example.com", "type": "home", "age": 30},
    {"email": "cid@example.com", "type": "work", "age": 35},
]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("first", ["a", "b"], "a"), ("first", [], UNDEFINED), ("first", None, UNDEFINED), ("first", [[1]], [1]),
        ("last", ["a", "b"], "b"), ("last", [], UNDEFINED), ("last", UNDEFINED, UNDEFINED),
    ],
)  # fmt: skip
def test_first_and_last(name: str, value: JsValue, expected: JsValue) -> None:
    assert call(name, value) == expected


@pytest.mark.parametrize("name", ["first", "last", "slice", "flatten", "distinct", "reverse", "sort", "add", "remove"])
def test_array_functions_refuse_text(name: str) -> None:
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects an array, got text"):
        call(name, "abc")


def test_keys_in_javascript_order() -> None:
    assert call("keys", {"b": 1, "2": 0, "a": 2, "1": 0}) == ["1", "2", "b", "a"]
    assert call("keys", {}) == []
    assert call("keys", None) == []
    with pytest.raises(EvaluationError, match=r"keys\(\) expects a collection, got an array"):
        call("keys", [1])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["a"], ["b", "c"]), ["a", "b", "c"]), ((["a"], None, []), ["a"]), (({"a": 1, "b": 1}, {"b": 2}), {"a": 1, "b": 2}),
        (({"a": {"x": 1}}, {"a": {"y": 2}}), {"a": {"y": 2}}), ((), []), ((UNDEFINED,), []), (({"a": 1}, None), {"a": 1}),
    ],
)  # fmt: skip
def test_merge(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("merge", *args) == expected


def test_merge_refuses_mixed_kinds_and_respects_the_budget() -> None:
    with pytest.raises(EvaluationError, match="only arrays or only collections, got an array"):
        call("merge", {"a": 1}, [1])
    with pytest.raises(EvaluationError, match="got text"):
        call("merge", {"a": 1}, "x")
    with pytest.raises(EvaluationLimitError):
        call("merge", [1] * 6, [2] * 6, context=small_context(max_collection_length=10))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["a", "b", "c", "d"], 1, 3), ["b", "c"]), ((["a", "b", "c"], 1), ["b", "c"]), ((["a", "b", "c"], -1), ["c"]),
        ((["a", "b", "c"], 0, -1), ["a", "b"]), ((["a", "b"], 5), []), ((["a", "b"], math.nan), ["a", "b"]),
        ((["a", "b"], -math.inf, math.inf), ["a", "b"]), ((None, 0), []), ((["a", "b"],), ["a", "b"]),
    ],
)  # fmt: skip
def test_slice_counts_from_zero(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("slice", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([1, [2, 3, [4]]],), [1, 2, 3, [4]]), (([1, [2, 3, [4]]], 2), [1, 2, 3, 4]), (([1, [2]], 0), [1, [2]]),
        (([[1, [2, [3, [4]]]]], math.inf), [1, 2, 3, 4]), (([],), []), ((None,), []), (([[], [[]]],), [[]]),
    ],
)  # fmt: skip
def test_flatten(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("flatten", *args) == expected


def test_flatten_stops_at_the_budget() -> None:
    with pytest.raises(EvaluationLimitError):
        call("flatten", [[0] * 6, [0] * 6], context=small_context(max_collection_length=10))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["a", "b", "a"],), ["a", "b"]), (([1, 1.0, "1", True, None, None, UNDEFINED],), [1, "1", True, None, UNDEFINED]),
        (([math.nan, math.nan],), [math.nan]), (([[1], [1], {"a": 1}, {"a": 1}],), [[1], {"a": 1}]),
        ((CONTACTS, "type"), [CONTACTS[0], CONTACTS[1]]), (([{"a": {"b": 1}}, {"a": {"b": 1}}], "a.b"), [{"a": {"b": 1}}]),
        (([],), []), ((None,), []),
    ],
)  # fmt: skip
def test_distinct_keeps_first_occurrences(args: tuple[JsValue, ...], expected: list[JsValue]) -> None:
    result = call("distinct", *args)
    assert isinstance(result, list) and len(result) == len(expected)
    assert all(r == e or (r != r and e != e) for r, e in zip(result, expected, strict=True))


def test_distinct_is_linear_on_large_arrays() -> None:
    assert call("distinct", list(range(100_000)) * 2) == list(range(100_000))


def test_reverse() -> None:
    assert call("reverse", ["a", "b", "c"]) == ["c", "b", "a"]
    assert call("reverse", None) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([3, 10, 1],), [1, 3, 10]), ((["b", "C", "a"],), ["C", "a", "b"]), ((["b", "C", "a"], "asc ci"), ["a", "b", "C"]),
        ((["b", "C", "a"], "desc"), ["b", "a", "C"]), ((["b", "C", "a"], "desc ci"), ["C", "b", "a"]),
        (([None, "x", 2, True],), [2, "x", True, None]), ((CONTACTS, "asc", "age"), [CONTACTS[1], CONTACTS[2], CONTACTS[0]]),
        ((CONTACTS, "DESC", "email"), [CONTACTS[2], CONTACTS[1], CONTACTS[0]]), (([],), []),
        (([dt.datetime(2024, 1, 2, tzinfo=dt.UTC), dt.datetime(2023, 1, 2, tzinfo=dt.UTC)],),
         [dt.datetime(2023, 1, 2, tzinfo=dt.UTC), dt.datetime(2024, 1, 2, tzinfo=dt.UTC)]),
    ],
)  # fmt: skip
def test_sort(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("sort", *args) == expected


def test_sort_refuses_unknown_orders() -> None:
    with pytest.raises(EvaluationError, match="unknown order 'up'"):
        call("sort", [1], "up")


def test_add_and_remove() -> None:
    assert call("add", ["a"], "b", ["c"]) == ["a", "b", ["c"]]
    assert call("add", None, 1) == [1]
    assert call("remove", ["a", "b", "c", "a"], "a", "c") == ["b"]
    assert call("remove", [1, "1", [1]], "1", [1]) == [1]
    assert call("remove", ["a"]) == ["a"]
    with pytest.raises(EvaluationLimitError):
        call("add", [0] * 10, 1, context=small_context(max_collection_length=10))


def test_to_array_and_to_collection_round_trip() -> None:
    entries = call("toArray", {"b": 1, "a": [2]})
    assert entries == [{"key": "b", "value": 1}, {"key": "a", "value": [2]}]
    assert call("toCollection", entries, "key", "value") == {"b": 1, "a": [2]}
    assert call("toArray", None) == []
    assert call("toArray", [1]) == [1]
    with pytest.raises(EvaluationError, match=r"toArray\(\) expects a collection, got text"):
        call("toArray", "x")


def test_to_collection_skips_items_without_a_key() -> None:
    items: list[JsValue] = [{"k": "a", "v": 1}, {"v": 2}, "text", {"k": 3}]
    assert call("toCollection", items, "k", "v") == {"a": 1, "3": UNDEFINED}


def test_map_takes_one_key_from_each_item() -> None:
    assert call("map", CONTACTS, "email") == ["ann@example.com", "bob@example.com", "cid@example.com"]
    assert call("map", CONTACTS, "email", "type", "work") == ["ann@example.com", "cid@example.com"]
    assert call("map", CONTACTS, "age", "type", "home,work") == [40, 30, 35]
    assert call("map", CONTACTS, "missing") == [UNDEFINED] * 3
    assert call("map", None, "email") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["a", "b", "a"], ["a", "b"]),
        ([1, "1", 1.0], [1, "1"]),
        ([{"a": 1}, {"a": 1}], [{"a": 1}]),
        (None, []),
        ([], []),
    ],
)
def test_deduplicate(value: JsValue, expected: JsValue) -> None:
    assert call("deduplicate", value) == expected


def test_deduplicate_and_shuffle_refuse_text() -> None:
    for name in ("deduplicate", "shuffle"):
        with pytest.raises(EvaluationError, match=rf"{name}\(\) expects an array, got text"):
            call(name, "abc")


def test_shuffle_is_a_stand_in_that_keeps_the_items() -> None:
    items: list[JsValue] = ["a", "b", "c"]
    result = call("shuffle", items)
    assert isinstance(result, StandIn) and result.value == items and result.value is not items
    assert call("shuffle", None) == StandIn([])
