"""if, ifempty, switch, get, pick, omit."""

from __future__ import annotations

import math

import pytest

from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue

from .conftest import call

USER: dict[str, JsValue] = {
    "name": "Zoë",
    "emails": ["a@example.com", "b@example.com"],
    "address": {"city": "Prague", "lines": [{"text": "Main St"}]},
    "1": "one",
    "dotted.key": True,
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (True, "yes"), (False, "no"), (1, "yes"), (0, "no"), (math.nan, "no"), ("", "no"), ("0", "yes"),
        (None, "no"), (UNDEFINED, "no"), ([], "yes"), ({}, "yes"),
    ],
)  # fmt: skip
def test_if_uses_javascript_truthiness(condition: JsValue, expected: str) -> None:
    assert call("if", condition, "yes", "no") == expected


def test_if_without_else_gives_undefined() -> None:
    assert call("if", False, "yes") is UNDEFINED
    assert call("if") is UNDEFINED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "fallback"), (None, "fallback"), (UNDEFINED, "fallback"), ([], "fallback"), ("x", "x"), (0, 0),
        (False, False), ({}, {}), (" ", " "),
    ],
)  # fmt: skip
def test_ifempty(value: JsValue, expected: JsValue) -> None:
    assert call("ifempty", value, "fallback") == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("b", "a", 1, "b", 2, 0), 2), (("z", "a", 1, 0), 0), (("z", "a", 1), UNDEFINED), (("1", 1, "number", "text"), "text"),
        ((1, 1.0, "one"), "one"), (("a",), UNDEFINED), (("a", "default"), "default"), (([1], [1], "same"), "same"),
    ],
)  # fmt: skip
def test_switch_compares_strictly(args: tuple[JsValue, ...], expected: JsValue) -> None:
    assert call("switch", *args) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("name", "Zoë"), ("emails[1]", "a@example.com"), ("emails[2]", "b@example.com"), ("emails[0]", UNDEFINED),
        ("emails[3]", UNDEFINED), ("emails.2", "b@example.com"), ("address.city", "Prague"),
        ("address.lines[1].text", "Main St"), ("address.lines.1.text", "Main St"), ("1", "one"),
        ("missing.deeper", UNDEFINED), ("name.length", UNDEFINED), ("", USER), (None, UNDEFINED), (UNDEFINED, UNDEFINED),
    ],
)  # fmt: skip
def test_get_follows_paths_with_1_based_positions(path: JsValue, expected: JsValue) -> None:
    assert call("get", USER, path) == expected


@pytest.mark.parametrize(
    ("value", "path", "expected"),
    [
        (["a", "b"], 2, "b"), (["a", "b"], 0, UNDEFINED), (["a", "b"], 1.9, "a"), (["a"], math.nan, UNDEFINED),
        (["a"], math.inf, UNDEFINED), ({"a": 1}, 1, UNDEFINED), (None, "a", UNDEFINED), ("text", "length", UNDEFINED),
        ([["x", "y"]], "[1][2]", "y"),
    ],
)  # fmt: skip
def test_get_on_arrays_and_odd_values(value: JsValue, path: JsValue, expected: JsValue) -> None:
    assert call("get", value, path) == expected


def test_pick_and_omit() -> None:
    assert call("pick", USER, "name", "1") == {"name": "Zoë", "1": "one"}
    assert call("pick", USER, ["name", "emails"]) == {"name": "Zoë", "emails": USER["emails"]}
    assert call("pick", USER) == {}
    assert call("omit", USER, "emails", "address", ["1", "dotted.key"]) == {"name": "Zoë"}
    assert call("omit", USER) == USER
    assert call("pick", None, "a") == {}
    assert call("omit", UNDEFINED, "a") == {}


@pytest.mark.parametrize("name", ["pick", "omit"])
def test_pick_and_omit_refuse_non_collections(name: str) -> None:
    with pytest.raises(EvaluationError, match=rf"{name}\(\) expects a collection, got an array"):
        call(name, ["a"], "a")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1, 1), True), (("a", "a"), True), ((1, "1"), False), ((None, None), True), ((None, UNDEFINED), False),
        (([1], [1]), True), (({"a": 1}, {"a": 2}), False), ((UNDEFINED,), True),
    ],
)  # fmt: skip
def test_equal_compares_as_the_equals_operator(args: tuple[JsValue, ...], expected: bool) -> None:
    assert call("equal", *args) is expected
