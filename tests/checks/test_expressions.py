"""IML110–IML116: forms Make does not have or does not read as written, each with a failing and a
passing example, the exact range, and the quick fix applied."""

from __future__ import annotations

import json

import pytest

from iml_ls.analysis import Analysis
from iml_ls.checks import diagnostics
from iml_ls.checks.diagnostic import Diagnostic

from .conftest import Analyse, codes, found


def url(expression: str) -> str:
    """A one-request connection whose URL holds ``{{expression}}``."""
    return json.dumps({"url": f"https://api.example.com/v1/{{{{{expression}}}}}"}, indent=4) + "\n"


def response(expression: str) -> str:
    """A one-request connection whose ``response.valid`` is ``{{expression}}``."""
    return json.dumps({"url": "https://api.example.com/v1", "response": {"valid": f"{{{{{expression}}}}}"}}) + "\n"


def only(analysis: Analysis, code: str) -> Diagnostic:
    matching = [d for d in diagnostics(analysis) if d.rule.code == code]
    assert len(matching) == 1, diagnostics(analysis)
    return matching[0]


def fixed(analysis: Analysis, code: str) -> str:
    """The file with the first fix of the only ``code`` diagnostic applied."""
    edits = sorted(only(analysis, code).fixes[0].edits, key=lambda edit: edit.start, reverse=True)
    text = analysis.text
    for edit in edits:
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    return text


# IML110 word-operator ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "word", "after_fix"),
    [
        ("parameters.clientId and parameters.clientSecret", "and", "parameters.clientId && parameters.clientSecret"),
        ("parameters.clientId OR 'x'", "OR", "parameters.clientId || 'x'"),
        ("not parameters.clientId", "not", "! parameters.clientId"),
        ("if(not(parameters.clientId), 'a', 'b')", "not", "if(!(parameters.clientId), 'a', 'b')"),
        ("length(parameters.clientId) > 1 and length(parameters.clientId) < 9", "and", None),
        ("if(not parameters.clientId && 1, 'a', 'b')", "not", "if(! parameters.clientId && 1, 'a', 'b')"),
    ],
)  # fmt: skip
def test_word_operators_are_errors_with_the_symbol_as_fix(
    analyse: Analyse, expression: str, word: str, after_fix: str | None
) -> None:
    analysis = analyse(url(expression))
    assert found(analysis, "IML110") == [word] and codes(analysis) == ["IML110"]
    if after_fix is not None:
        assert fixed(analysis, "IML110") == url(after_fix)


def test_not_before_a_comparison_gets_no_fix(analyse: Analyse) -> None:
    analysis = analyse(url("if(not parameters.clientId = 'x', 'a', 'b')"))
    diagnostic = only(analysis, "IML110")
    assert diagnostic.fixes == () and "`!(…)`" in diagnostic.message


@pytest.mark.parametrize(
    "expression",
    [
        "parameters.clientId && parameters.clientSecret", "parameters.clientId & 'x'", "parameters.clientId | 'x'",
        "!parameters.clientId", "temp.and", "temp.note", "android", "ifempty(temp.order, 'x')",
    ],
)  # fmt: skip
def test_symbols_and_names_that_start_like_words_pass(analyse: Analyse, expression: str) -> None:
    text = json.dumps(
        {"temp": {"and": 1, "note": 2, "order": 3}, "url": f"https://api.example.com/v1/{{{{{expression}}}}}"}
    )
    assert "IML110" not in codes(analyse(text))
    assert "IML003" not in codes(analyse(text))


# IML111 hyphen-without-backticks -----------------------------------------------------------------


def test_a_hyphenated_key_without_backticks_is_read_as_subtraction(analyse: Analyse) -> None:
    analysis = analyse(response("headers.x-rate-limit > 0"))
    assert found(analysis, "IML111") == ["x-rate-limit"] and codes(analysis) == ["IML111"]
    diagnostic = only(analysis, "IML111")
    assert "`headers.x-rate-limit` as `headers.x` minus `rate` minus `limit`" in diagnostic.message
    assert fixed(analysis, "IML111") == response("headers.`x-rate-limit` > 0")


def test_the_parts_of_a_hyphenated_key_are_not_reported_as_names(analyse: Analyse) -> None:
    analysis = analyse(url("parameters.client-id"))
    assert codes(analysis) == ["IML111"]
    assert fixed(analysis, "IML111") == url("parameters.`client-id`")
    assert codes(analyse(url("parameters.`client-id`"))) == ["IML201"]  # now the parameter itself is checked
    text = json.dumps({"temp": {"a": 1}, "url": "https://api.example.com/v1/{{temp.page-size}}"})
    assert codes(analyse(text)) == ["IML111"]


@pytest.mark.parametrize(
    ("expression", "key"),
    [("body.data.x-total", "x-total"), ("body.items[1].next-page.url", "next-page"), ("body.a-b * 2", "a-b")],
)
def test_hyphenated_keys_anywhere_in_a_path(analyse: Analyse, expression: str, key: str) -> None:
    assert found(analyse(response(expression)), "IML111") == [key]


@pytest.mark.parametrize(
    "expression",
    [
        "headers.`x-rate-limit`", "body.total - body.used", "body.total -body.used", "body.total-1",
        "timestamp-parameters.clientId", "body.x-data", "body.x-length(body.y)", "'a-b'", "body.`a`-b",
        "body.x-temp.y",
    ],
)  # fmt: skip
def test_subtraction_and_backticked_keys_pass(analyse: Analyse, expression: str) -> None:
    assert "IML111" not in codes(analyse(response(expression)))


# IML112 inline-literal ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "literal", "after_fix"),
    [
        ("['read', 'write']", "['read', 'write']", "split('read,write', ',')"), ("[]", "[]", "emptyarray"),
        ("join([parameters.clientId], ',')", "[parameters.clientId]", None), ("['a,b']", "['a,b']", None),
        ("{scope: 'read'}", "{scope: 'read'}", None), (" {'k': [1]} ", "{'k': [1]}", None),
    ],
)  # fmt: skip
def test_inline_literals_are_errors(analyse: Analyse, expression: str, literal: str, after_fix: str | None) -> None:
    analysis = analyse(url(expression))
    assert found(analysis, "IML112") == [literal] and codes(analysis) == ["IML112"]
    if after_fix is None:
        assert only(analysis, "IML112").fixes == ()
    else:
        assert fixed(analysis, "IML112") == url(after_fix)


def test_an_object_literal_right_after_the_braces_is_found(analyse: Analyse) -> None:
    assert found(analyse(url("{k: 1}")), "IML112") == ["{k: 1}"]  # written {{{k: 1}}}


def test_names_inside_a_literal_are_still_checked(analyse: Analyse) -> None:
    assert sorted(codes(analyse(url("[parameters.nope]")))) == ["IML112", "IML201"]


def test_real_arrays_pass(analyse: Analyse) -> None:
    assert codes(analyse(url("join(split('read,write', ','), ' ')"))) == []
    assert codes(analyse(url("join(add(emptyarray, 'read'), ' ')"))) == []


# IML113 zero-index -------------------------------------------------------------------------------


def test_index_zero_is_a_warning_with_a_fix_to_one(analyse: Analyse) -> None:
    analysis = analyse(response("body.items[0].id"))
    assert found(analysis, "IML113") == ["0"] and codes(analysis) == ["IML113"]
    assert only(analysis, "IML113").fixes[0].preferred is False  # an object may have a key "0"
    assert fixed(analysis, "IML113") == response("body.items[1].id")


@pytest.mark.parametrize("expression", ["body.items[1].id", "body.items[10]", "body.items[false]", "body.items['0']"])
def test_other_indexes_pass(analyse: Analyse, expression: str) -> None:
    assert "IML113" not in codes(analyse(response(expression)))


def test_index_zero_in_a_get_path_is_a_warning_too(analyse: Analyse) -> None:
    analysis = analyse(response("get(body, 'accounts[0].id')"))
    assert found(analysis, "IML113") == ["0"] and codes(analysis) == ["IML113"]
    assert fixed(analysis, "IML113") == response("get(body, 'accounts[1].id')")
    assert codes(analyse(response("get(body, 'accounts[1].id')"))) == []
    assert codes(analyse(response("get(body, 'accounts[10]')"))) == []
    assert codes(analyse(response("length('a[0]')"))) == []


# IML114 semicolon-separator ----------------------------------------------------------------------


def test_semicolons_between_arguments_are_a_warning_with_commas_as_fix(analyse: Analyse) -> None:
    analysis = analyse(url("formatDate(now; 'YYYY'; 'UTC')"))
    assert found(analysis, "IML114") == [";"] and codes(analysis) == ["IML114"]
    assert "does not say whether app code accepts `;`" in only(analysis, "IML114").message
    assert fixed(analysis, "IML114") == url("formatDate(now, 'YYYY', 'UTC')")


def test_each_call_with_semicolons_is_reported_once(analyse: Analyse) -> None:
    analysis = analyse(url("formatDate(addDays(now; 1); 'YYYY')"))
    assert found(analysis, "IML114") == [";", ";"]


def test_commas_and_semicolons_inside_texts_pass(analyse: Analyse) -> None:
    assert codes(analyse(url("formatDate(now, 'YYYY;MM')"))) == []


# IML115 not-a-make-function ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "after_fix"),
    [
        ("hmac('data', parameters.clientSecret)", "sha256('data', 'hex', parameters.clientSecret)"),
        ("hmac('data', parameters.clientSecret, 'SHA512', 'base64')", "sha512('data', 'base64', parameters.clientSecret)"),
        ("hmac('data', parameters.clientSecret, 'sha1')", "sha1('data', 'hex', parameters.clientSecret)"),
        ("hmac('data', parameters.clientSecret, 'md5')", None), ("hmac('data', parameters.clientSecret, temp.x)", None),
    ],
)  # fmt: skip
def test_hmac_is_a_warning_with_make_s_own_hmac_as_fix(analyse: Analyse, call: str, after_fix: str | None) -> None:
    analysis = analyse(url(call))
    assert found(analysis, "IML115") == ["hmac"]
    assert "IML101" not in codes(analysis)
    if after_fix is None:
        assert only(analysis, "IML115").fixes == ()
    else:
        assert fixed(analysis, "IML115") == url(after_fix)
        assert codes(analyse(url(after_fix))) == []


def test_the_fix_keeps_escaped_arguments_as_written(analyse: Analyse) -> None:
    text = '{"url": "https://api.example.com/v1/{{hmac(\\"a\\", parameters.clientSecret)}}"}'
    analysis = analyse(text)
    assert (
        fixed(analysis, "IML115")
        == '{"url": "https://api.example.com/v1/{{sha256(\\"a\\", \'hex\', parameters.clientSecret)}}"}'
    )


# Stand-ins and the evaluation checks -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "{{formatDate(temp.x.date, 'YYYY')}}", "{{formatDate(mime('file.unknownext'), 'YYYY')}}",
        "{{parseNumber(uuid)}}", "{{formatDate(executionId, 'YYYY')}}", "{{keys(first(shuffle(split('a', ','))))}}",
    ],
)  # fmt: skip
def test_no_evaluation_error_follows_from_a_stand_in(analyse: Analyse, value: str) -> None:
    text = json.dumps({"temp": {"x": "{{parseXML('<a/>')}}"}, "url": "https://api.example.com/v1", "qs": {"v": value}})
    assert codes(analyse(text)) == []


def test_the_same_failure_without_a_stand_in_is_reported(analyse: Analyse) -> None:
    text = json.dumps({"url": "https://api.example.com/v1", "qs": {"v": "{{parseNumber('abc')}}"}})
    assert codes(analyse(text)) == ["IML501"]


def test_an_error_in_the_branch_not_taken_is_not_reported(analyse: Analyse) -> None:
    text = json.dumps({"url": "https://api.example.com/v1", "qs": {"v": "{{if(true, 1, parseNumber('abc'))}}"}})
    assert codes(analyse(text)) == []


def test_forms_iml_lacks_are_not_reported_again_as_evaluation_errors(analyse: Analyse) -> None:
    text = json.dumps({"url": "https://api.example.com/v1", "qs": {"v": "{{length(['a']) and parseNumber('x')}}"}})
    assert sorted(codes(analyse(text))) == ["IML110", "IML112"]


# IML116 if-without-else --------------------------------------------------------------------------


def test_if_without_else_is_a_warning_not_a_wrong_argument_count(analyse: Analyse) -> None:
    analysis = analyse(url("if(parameters.clientId, 'yes')"))
    assert found(analysis, "IML116") == ["if(parameters.clientId, 'yes')"] and codes(analysis) == ["IML116"]
    assert only(analysis, "IML116").rule.severity.name == "WARNING"
    assert "Make documents `if(condition, then, else)`" in only(analysis, "IML116").message
    assert only(analysis, "IML116").fixes == ()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("if(parameters.clientId, 'yes', 'no')", []), ("if(parameters.clientId)", ["IML102"])],
)
def test_if_with_its_else_or_with_one_argument(analyse: Analyse, expression: str, expected: list[str]) -> None:
    assert codes(analyse(url(expression))) == expected
