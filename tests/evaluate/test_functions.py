"""Built-in functions and operators through the parser and the evaluator (the family files call
implementations directly)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re

import pytest

from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, EvaluationLimitError, JsValue
from iml_ls.syntax.iml import ImlSyntaxError, parse_expression

NOW = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
VARIABLES: dict[str, JsValue] = {
    "temp": {"user": {"name": "Zoë", "emails": ["a@x.com", "b@x.com"]}, "nested": [[1, 2], [3], 4], "n": None},
    "parameters": {"clientId": "acme", "region": ""},
}


def run(source: str) -> JsValue:
    expr = parse_expression(source)
    assert not isinstance(expr, ImlSyntaxError), expr
    return Evaluator(EvalContext(now=NOW), VARIABLES).evaluate(expr)


CASES: list[tuple[str, JsValue]] = [
    # text
    ("length('abc')", 3), ("length('😀')", 2), ("length(split('a,b', ','))", 2), ("length(temp.n)", 0),
    ("lower('ÀB')", "àb"), ("upper('abc')", "ABC"), ("lower(temp.missing)", ""),
    ("capitalize('hello')", "Hello"), ("capitalize('')", ""), ("startcase('hello big world')", "Hello Big World"),
    ("trim('  a b  ')", "a b"), ("trim(temp.n)", ""),
    ("replace('a-b-c', '-', '+')", "a+b+c"), ("replace('a-b', '/-/g', '')", "ab"),
    ("replace('John Smith', '/(\\w+) (\\w+)/', '$2 $1')", "Smith John"), ("replace('aA', '/a/gi', 'x')", "xx"),
    ("substring('Hello', 1, 3)", "el"), ("substring('Hello', 3)", "lo"), ("substring('Hello', 3, 1)", "el"),
    ("split('a,b,c', ',')", ["a", "b", "c"]), ("split('abc', '')", ["a", "b", "c"]),
    ("indexOf('Make', 'k')", 2), ("indexOf('Make', 'z')", -1), ("indexOf(split('a,b', ','), 'b')", 1),
    ("contains('Hello', 'ell')", True), ("contains(split('a,b', ','), 'c')", False),
    ("toString(42)", "42"), ("toString(1.5)", "1.5"), ("toString(temp.n)", ""), ("toString(true)", "true"),
    ("escapeHTML('<b>&')", "&lt;b&gt;&amp;"), ("stripHTML('<b>Hi</b>')", "Hi"),
    # encodings and digests
    ("base64('user:pass')", "dXNlcjpwYXNz"), ("base64('')", ""), ("base64('é')", "w6k="),
    ("encodeURL('a b&c/é')", "a%20b%26c%2F%C3%A9"), ("decodeURL('a%20b%C3%A9')", "a bé"),
    ("md5('')", "d41d8cd98f00b204e9800998ecf8427e"), ("sha1('abc')", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    ("sha256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("length(sha512('abc'))", 128), ("sha256('abc', 'base64')", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
    ("hmac('message', 'key', 'sha256')", "6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a"),
    ("length(toBinary('aGk=', 'base64'))", 2),
    # logic
    ("if(1 > 0, 'yes', 'no')", "yes"), ("if('', 'yes', 'no')", "no"), ("if(false, 'yes')", UNDEFINED),
    ("ifempty(parameters.region, 'eu1')", "eu1"), ("ifempty(parameters.clientId, 'x')", "acme"),
    ("ifempty(temp.n, 0)", 0), ("switch('b', 'a', 1, 'b', 2, 0)", 2), ("switch('z', 'a', 1, 0)", 0),
    ("switch('z', 'a', 1)", UNDEFINED), ("get(temp.user, 'emails[2]')", "b@x.com"), ("get(temp.user, 'x.y')", UNDEFINED),
    ("get(temp.user, 'name')", "Zoë"), ("keys(pick(temp.user, 'name'))", ["name"]), ("keys(omit(temp.user, 'name'))", ["emails"]),
    # math
    ("round(2.5)", 3), ("round(-2.5)", -2), ("ceil(1.1)", 2), ("floor(-1.1)", -2), ("trunc(-1.9)", -1), ("abs(-3)", 3),
    ("min(3, 1, 2)", 1), ("max(split('1,5,3', ','))", 5), ("sum(1, 2, 3)", 6), ("sum()", 0), ("average(1, 2)", 1.5),
    ("parseNumber('1 234,5', ',')", 1234.5), ("parseNumber('1,234.5')", 1234.5), ("formatNumber(1234.5, 2, ',', '.')", "1.234,50"),
    # arrays
    ("first(split('a,b', ','))", "a"), ("last(split('a,b', ','))", "b"), ("first(split('', 'x'))", ""),
    ("join(split('a,b', ','), '+')", "a+b"), ("keys(temp.user)", ["name", "emails"]),
    ("merge(temp.user, pick(temp.user, 'name'))", {"name": "Zoë", "emails": ["a@x.com", "b@x.com"]}),
    ("slice(split('a,b,c', ','), 1)", ["b", "c"]), ("slice(split('a,b,c', ','), 0, 1)", ["a"]),
    ("flatten(temp.nested)", [1, 2, 3, 4]), ("distinct(split('a,b,a', ','))", ["a", "b"]),
    ("reverse(split('a,b', ','))", ["b", "a"]), ("add(split('a', ','), 'b')", ["a", "b"]),
    ("remove(split('a,b', ','), 'a')", ["b"]),
    # dates
    ("formatDate(now, 'YYYY-MM-DD HH:mm:ss')", "2023-11-14 22:13:20"),
    ("formatDate(now, 'X')", "1700000000"), ("formatDate(now, 'ddd, D MMM YYYY [at] h A')", "Tue, 14 Nov 2023 at 10 PM"),
    ("formatDate(now, 'YYYY-MM-DD HH:mm Z', 'Europe/Prague')", "2023-11-14 23:13 +01:00"),
    ("formatDate(parseDate('14/11/2023', 'DD/MM/YYYY'), 'YYYY-MM-DD')", "2023-11-14"),
    ("formatDate(parseDate('1700000000', 'X'), 'YYYY-MM-DDTHH:mm:ss')", "2023-11-14T22:13:20"),
    ("formatDate(addSeconds(now, 40), 'HH:mm:ss')", "22:14:00"), ("formatDate(addMinutes(now, -13), 'HH:mm')", "22:00"),
    ("formatDate(addHours(now, 2), 'HH')", "00"), ("formatDate(addDays(now, 17), 'YYYY-MM-DD')", "2023-12-01"),
    ("formatDate(addMonths(parseDate('2024-01-31', 'YYYY-MM-DD'), 1), 'YYYY-MM-DD')", "2024-02-29"),
    ("formatDate(addYears(now, 1), 'YYYY')", "2024"),
    # variables
    ("timestamp", 1700000000), ("timestamp + 3600", 1700003600), ("formatDate(now, 'x')", "1700000000000"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_function(source: str, expected: JsValue) -> None:
    assert run(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "lower(1 > 0 && temp.user)",
        "first('abc')",
        "parseDate('not a date', 'YYYY-MM-DD')",
        "parseNumber('abc')",
        "formatDate(now, 'YYYY', 'Mars/Olympus')",
        "hmac('m', 'k', 'sha3')",
        "abs('x')",
        "keys(5)",
        "replace('a', '/(/', 'b')",
    ],
)
def test_wrong_inputs_fail_with_a_message(source: str) -> None:
    with pytest.raises(EvaluationError) as error:
        run(source)
    assert str(error.value)


def test_expensive_expressions_hit_the_budget() -> None:
    with pytest.raises(EvaluationLimitError):
        run("replace('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '/(a+)+b/', 'x')")
    context = EvalContext(now=NOW, max_string_length=1000)
    expr = parse_expression("join(split(sha512('a') + sha512('b'), ''), sha512('c'))")
    assert not isinstance(expr, ImlSyntaxError)
    with pytest.raises(EvaluationLimitError):
        Evaluator(context, VARIABLES).evaluate(expr)


def test_jwt_delegates_to_the_signer() -> None:
    token = run("jwt(temp.user, 'secret', 'HS256')")
    assert isinstance(token, str) and token.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")


def test_operators_follow_javascript() -> None:
    assert run("1 + 2 * 3") == 7
    assert run("'a' + 1") == "a1"
    assert run("'a' + temp.n") == "anull"
    assert run("1 / 0") == math.inf
    assert math.isnan(run("0 / 0"))  # type: ignore[arg-type]
    assert run("7 % 3") == 1
    assert run("'1' = 1") is False
    assert run("1 == 1.0") is True
    assert run("temp.n || 'fallback'") == "fallback"
    assert run("'x' && 'y'") == "y"
    assert run("!''") is True
    assert run("'b' > 'a'") is True
    assert run("split('a,b', ',')[1]") == "a"  # IML arrays count from 1
    assert run("temp.user.emails[2]") == "b@x.com"


def test_stringify_of_evaluated_dates() -> None:
    assert stringify(run("addDays(now, 1)")) == '"2023-11-15T22:13:20.000Z"'


@pytest.mark.parametrize(
    "source",
    [
        "formatDate(253402300800000.0)",
        "formatDate(6.77680361916768e+19)",
        "addDays(now, 1e20)",
        "formatDate(addYears(now, 9000), 'YYYY')",
        "round(1e400)",
    ],
)
def test_values_out_of_range_are_evaluation_errors(source: str) -> None:
    """Regression: the fuzzer found a date past year 9999 raising a Python ValueError."""
    with contextlib.suppress(EvaluationError):
        run(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("erase", None), ("ignore", UNDEFINED), ("nbsp", "\u00a0"), ("carriagereturn", "\r"), ("pi", math.pi),
        ("'a' + nbsp + 'b'", "a\u00a0b"), ("length(newline + carriagereturn)", 2), ("round(pi * 100)", 314),
        ("ifempty(erase, 'x')", "x"), ("ifempty(ignore, 'x')", "x"),
    ],
)  # fmt: skip
def test_keywords(source: str, expected: JsValue) -> None:
    assert run(source) == expected


@pytest.mark.parametrize("name", ["uuid", "random", "executionId"])
def test_random_and_run_time_variables_are_stand_ins(name: str) -> None:
    expr = parse_expression(name)
    assert not isinstance(expr, ImlSyntaxError)
    evaluator = Evaluator(EvalContext(now=NOW), VARIABLES)
    first = evaluator.evaluate(expr)
    assert first == evaluator.evaluate(expr)  # previews are reproducible
    assert evaluator.used_placeholders == {(name, "")}


def test_stand_ins_look_like_the_real_values() -> None:
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", str(run("uuid")))
    random = run("random")
    assert isinstance(random, float) and 0 <= random < 1


def test_if_and_ifempty_evaluate_only_the_branch_they_return() -> None:
    assert run("if(true, 'ok', parseJSON('{bad'))") == "ok"
    assert run("if(false, parseJSON('{bad'), 'ok')") == "ok"
    assert run("ifempty('set', parseJSON('{bad'))") == "set"
    with pytest.raises(EvaluationError, match="parseJSON"):
        run("if(false, 'ok', parseJSON('{bad'))")
    with pytest.raises(EvaluationError, match="parseJSON"):
        run("ifempty('', parseJSON('{bad'))")


def test_single_ampersand_and_bar_are_and_and_or() -> None:
    assert run("1 & 'y'") == "y"
    assert run("0 & parseJSON('{bad')") == 0  # short-circuits like &&
    assert run("temp.n | 'fallback'") == "fallback"
    assert run("1 > 0 & 2 > 1 | false") is True


def test_semicolons_separate_arguments_as_commas_do() -> None:
    assert run("formatDate(now; 'YYYY'; 'UTC')") == "2023"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("true and false", "IML has no `and` operator; write `&&`."), ("1 OR 0", "IML has no `OR` operator; write `||`."),
        ("not true", "IML has no `not` operator; write `!`."), ("['a', 'b']", "IML has no array literals"),
        ("{k: 1}", "IML has no object literals"), ("length([1])", "IML has no array literals"),
    ],
)  # fmt: skip
def test_forms_iml_lacks_fail_when_evaluated(source: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=re.escape(message)):
        run(source)
