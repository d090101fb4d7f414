"""The catalogue itself: complete entries, examples that really give their stated result, a current
reference page, and a test file that mentions every function."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.functions import FUNCTIONS, arrays, dates, encoding, jwt, logic, lookup, math, runtime, text
from iml_ls.evaluate.functions.reference import EXAMPLE_NOW, EXAMPLE_VARIABLES, render_markdown
from iml_ls.evaluate.functions.spec import BuiltinFunction, Parameter, show_value
from iml_ls.evaluate.values import UNDEFINED, EvalContext
from iml_ls.syntax.iml import Call, parse_expression

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = (arrays, dates, encoding, jwt, logic, math, runtime, text)
TYPE_WORDS = {"text", "number", "boolean", "date", "binary", "array", "collection", "any"}
REQUIRED = (
    "jwt", "base64", "md5", "sha1", "sha256", "sha512", "hmac", "encodeURL", "decodeURL", "if", "ifempty", "switch", "get", "length", "lower", "upper", "capitalize", "trim", "replace", "substring", "split", "join", "indexOf", "contains", "toString", "formatDate", "parseDate", "addSeconds", "addMinutes", "addHours", "addDays", "round", "ceil", "floor", "abs", "min", "max", "sum", "parseNumber", "first", "last", "keys", "merge", "slice", "flatten", "distinct",
)  # fmt: skip


MAKE_FUNCTIONS = (
    "if", "ifempty", "switch", "get", "pick", "omit", "equal", "length", "lower", "upper", "capitalize", "startcase",
    "trim", "substring", "indexOf", "contains", "replace", "replaceEmojiCharacters", "split", "join", "base64", "md5",
    "sha1", "sha256", "sha512", "ascii", "toString", "toBinary", "encodeURL", "decodeURL", "stripHTML", "escapeHTML",
    "escapeMarkdown", "round", "floor", "ceil", "trunc", "abs", "min", "max", "sum", "average", "median", "stdevS",
    "stdevP", "parseNumber", "formatNumber", "parseDate", "formatDate", "dateDiff", "addSeconds", "addMinutes",
    "addHours", "addDays", "addMonths", "addYears", "setSecond", "setMinute", "setHour", "setDate", "setDay",
    "setMonth", "setYear", "add", "remove", "map", "sort", "reverse", "shuffle", "slice", "merge", "flatten",
    "distinct", "deduplicate", "keys", "toCollection", "toArray", "first", "last", "jwt", "generateJwtWithKeyId",
    "cryptoSign", "mime", "parseJSON", "createJSON", "parseXML", "createXML", "toDataStructure", "isArray", "pop",
    "shift", "errorFactory",
)  # fmt: skip
"""Make's functions (its IML library, scenario documentation and app runtime), without the two array
functions whose names no source spells out."""

MAKE_ARITIES = {
    "if": (3, 3), "switch": (3, None), "pick": (2, None), "omit": (2, None), "add": (2, None), "remove": (2, None),
    "min": (1, None), "max": (1, None), "sum": (1, None), "average": (1, None), "merge": (1, None),
    "formatNumber": (2, 4), "md5": (1, 1), "contains": (2, 3), "split": (2, 3), "sha1": (1, 4), "toString": (1, 2),
    "trunc": (1, 2), "parseDate": (1, 3), "formatDate": (1, 3), "replaceEmojiCharacters": (2, 2), "median": (1, None),
    "stdevS": (1, None), "dateDiff": (3, 3), "setDay": (2, 2), "generateJwtWithKeyId": (2, 5), "cryptoSign": (3, 4),
    "toDataStructure": (1, 2), "errorFactory": (2, 2), "jwt": (2, 4), "sha256": (1, 4), "map": (2, 4),
}  # fmt: skip
"""The argument counts Make accepts, where iml-ls used to differ (and a few that always agreed)."""


def test_the_required_functions_are_all_there() -> None:
    assert sorted(set(REQUIRED) - set(FUNCTIONS)) == []


def test_every_make_function_is_there() -> None:
    assert sorted(set(MAKE_FUNCTIONS) - set(FUNCTIONS)) == []
    assert sorted(name for name, function in FUNCTIONS.items() if function.not_in_make) == ["hmac"]
    assert sorted(set(FUNCTIONS) - set(MAKE_FUNCTIONS)) == ["hmac"]


@pytest.mark.parametrize("name", sorted(MAKE_ARITIES))
def test_arity_is_make_s(name: str) -> None:
    function = FUNCTIONS[name]
    assert (function.min_args, function.max_args) == MAKE_ARITIES[name]


def test_lookup() -> None:
    assert lookup("jwt") is FUNCTIONS["jwt"]
    assert lookup("JWT") is None
    assert lookup("") is None


def test_every_function_of_a_family_module_is_registered() -> None:
    for module in FAMILIES:
        declared = {value.name for value in vars(module).values() if isinstance(value, BuiltinFunction)}
        assert declared == {function.name for function in module.FUNCTIONS}, module.__name__
    assert len(FUNCTIONS) == sum(len(module.FUNCTIONS) for module in FAMILIES), "a name is declared twice"


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_catalogue_entry_is_complete(name: str) -> None:
    function = FUNCTIONS[name]
    assert function.name == name
    assert function.summary.endswith(".") and function.example_result
    assert function.returns in TYPE_WORDS
    assert all(p.description for p in function.parameters)
    assert not any(p.variadic for p in function.parameters[:-1]), "only the last parameter may repeat"
    optional_seen = False
    for parameter in function.parameters:
        assert not (optional_seen and not parameter.optional), "required after optional"
        optional_seen |= parameter.optional
    assert function.caveat is None or function.caveat.endswith((".", ")"))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_example_gives_its_stated_result(name: str) -> None:
    function = FUNCTIONS[name]
    expr = parse_expression(function.example)
    assert isinstance(expr, Call) and expr.name == name, function.example
    assert function.min_args <= len(expr.args) <= (function.max_args or len(expr.args))
    shown = show_value(Evaluator(EvalContext(now=EXAMPLE_NOW), EXAMPLE_VARIABLES).evaluate(expr))
    if function.example_result.endswith("…"):
        assert shown.startswith(function.example_result[:-1])
    else:
        assert shown == function.example_result


def test_signature_and_arity() -> None:
    function = BuiltinFunction(
        "f",
        (Parameter("a", "A."), Parameter("b", "B.", optional=True), Parameter("c", "C.", optional=True, variadic=True)),
        "any",
        "F.",
        "f(1)",
        "1",
        lambda ctx, args: UNDEFINED,
    )
    assert function.signature() == "f(a, [b], [c...])"
    assert (function.min_args, function.max_args) == (1, None)
    assert FUNCTIONS["sum"].signature() == "sum(values...)"
    assert (FUNCTIONS["sum"].min_args, FUNCTIONS["sum"].max_args) == (1, None)
    assert FUNCTIONS["jwt"].signature() == "jwt(payload, key, [algorithm], [options])"
    assert (FUNCTIONS["jwt"].min_args, FUNCTIONS["jwt"].max_args) == (2, 4)


def test_show_value() -> None:
    assert [show_value(v) for v in ("a", 1.0, UNDEFINED, None, [1, "a"], b"hi", b"", EXAMPLE_NOW)] == [
        "a", "1", "undefined", "null", '[1,"a"]', "binary 68 69", "empty binary", "2023-11-14T22:13:20.000Z",
    ]  # fmt: skip


def test_the_function_reference_page_is_current() -> None:
    page = ROOT / "docs" / "functions.md"
    assert page.read_text(encoding="utf-8") == render_markdown(), (
        "regenerate: python -m iml_ls.evaluate.functions.reference > docs/functions.md"
    )


def test_every_function_has_tests() -> None:
    tests = "".join(
        path.read_text(encoding="utf-8")
        for path in Path(__file__).parent.glob("test_functions_*.py")
        if path.name != Path(__file__).name  # the lists of names above are not tests of the functions
    )
    quoted = set(re.findall(r'"([A-Za-z][A-Za-z0-9]*)"', tests))
    assert sorted(set(FUNCTIONS) - quoted) == []
