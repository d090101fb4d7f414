"""Every catalogue rule: a failing example with its exact range, and a passing example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from iml_ls.analysis import Settings
from iml_ls.checks import diagnostics
from iml_ls.checks.catalogue import RULES
from iml_ls.checks.suggestions import typo_of
from iml_ls.evaluate.functions import FUNCTIONS

from .conftest import Analyse, codes, found


def request(**sections: object) -> str:
    """A one-request communication file, formatted like a real one."""
    return json.dumps(sections, indent=4, ensure_ascii=False) + "\n"


JWT_TEMP = {
    "jwt": {"iss": "{{parameters.clientId}}", "iat": "{{timestamp}}", "exp": "{{timestamp + 3600}}"},
    "options": {"header": {"kid": "{{parameters.clientId}}"}},
}


def jwt_request(call: str, jwt: dict[str, object] | None = None, options: dict[str, object] | None = None) -> str:
    temp = {
        "jwt": JWT_TEMP["jwt"] if jwt is None else jwt,
        "options": JWT_TEMP["options"] if options is None else options,
    }
    return request(
        url="https://api.example.com/v1/me",
        temp=temp,
        headers={"authorization": f"Bearer {{{{{call}}}}}"},
        log={"sanitize": ["request.headers.authorization"]},
    )


GOOD_CALL = "jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)"


def test_the_correct_jwt_connection_has_no_diagnostics(analyse: Analyse) -> None:
    assert codes(analyse(jwt_request(GOOD_CALL))) == []


# IML001 / IML002 / IML003 ----------------------------------------------------------------------


def test_json_syntax(analyse: Analyse) -> None:
    analysis = analyse('{\n    "url": "https://api.example.com/v1"\n    "method": "GET"\n}\n')
    assert "IML001" in codes(analysis)
    assert codes(analyse('{\n    "url": "https://api.example.com/v1",\n    "method": "GET"\n}\n')) == []


def test_trailing_comma_is_a_warning_with_a_fix(analyse: Analyse) -> None:
    analysis = analyse('{\n    "url": "https://api.example.com/v1",\n    "method": "GET",\n}\n')
    assert found(analysis, "IML002") == [","]
    diagnostic = next(d for d in diagnostics(analysis) if d.rule.code == "IML002")
    assert diagnostic.fixes[0].edits[0].new_text == ""
    assert codes(analyse('{\n    "url": "https://api.example.com/v1"\n}\n')) == []


def test_iml_syntax(analyse: Analyse) -> None:
    assert found(analyse(request(url="https://api.example.com/v1/{{1 +}}")), "IML003") == ["+"]
    assert found(analyse(request(url="https://api.example.com/v1/{{parameters.clientId")), "IML003") == ["{{"]
    assert codes(analyse(request(url="https://api.example.com/v1/{{1 + 2}}"))) == []


# IML1xx / IML2xx: names ------------------------------------------------------------------------


def test_unknown_function_suggests_the_nearest(analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1/{{lenght('abc')}}"))
    assert found(analysis, "IML101") == ["lenght"]
    fix = next(d for d in diagnostics(analysis) if d.rule.code == "IML101").fixes[0]
    assert fix.edits[0].new_text == "length"
    assert codes(analyse(request(url="https://api.example.com/v1/{{length('abc')}}"))) == []


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("lenght", "length"), ("fromatDate", "formatDate"), ("ParseJson", "parseJSON"), ("base46", "base64"),
     ("sha265", "sha256"), ("formatNumbr", "formatNumber")],
)  # fmt: skip
def test_a_typo_gets_the_function_it_misspells(analyse: Analyse, typed: str, suggested: str) -> None:
    analysis = analyse(request(url=f"https://api.example.com/v1/{{{{{typed}('a')}}}}"))
    assert next(d for d in diagnostics(analysis) if d.rule.code == "IML101").fixes[0].edits[0].new_text == suggested


@pytest.mark.parametrize("typed", ["jsonParse", "toJSON", "arrayDifference", "parse", "stdev", "sha384", "hmc", "xyz"])
def test_no_suggestion_when_no_function_is_a_typo_away(analyse: Analyse, typed: str) -> None:
    analysis = analyse(request(url=f"https://api.example.com/v1/{{{{{typed}('a')}}}}"))
    diagnostic = next(d for d in diagnostics(analysis) if d.rule.code == "IML101")
    assert diagnostic.fixes == () and "Did you mean" not in diagnostic.message


def test_a_real_function_is_suggested_for_another_only_one_letter_apart() -> None:
    names = list(FUNCTIONS)
    suggested = {name: typo_of(name, [other for other in names if other != name]) for name in names}
    assert {name: other for name, other in suggested.items() if other} == {
        "map": "max", "max": "map", "stdevP": "stdevS", "stdevS": "stdevP",
    }  # fmt: skip


def test_suggestions_for_variables_keep_abbreviations_and_transpositions(analyse: Analyse) -> None:
    assert typo_of("param", ["parameters", "temp"]) == "parameters"
    assert typo_of("tmep", ["parameters", "temp"]) == "temp"
    assert typo_of("x" * 100_000, ["parameters", "temp"]) is None


def test_wrong_argument_count(analyse: Analyse) -> None:
    assert found(analyse(request(url="https://api.example.com/v1/{{base64()}}")), "IML102") == ["base64()"]
    assert codes(analyse(request(url="https://api.example.com/v1/{{base64('a')}}"))) == []


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("if(1)", "if(1, 'a', 'b')"), ("switch(1, 2)", "switch(1, 2, 'x')"), ("sum()", "sum(1)"),
        ("pick(temp.x)", "pick(temp.x, 'a')"), ("formatNumber(1)", "formatNumber(1, 2)"), ("md5('a', 'hex')", "md5('a')"),
        ("split('a,b')", "split('a,b', ',', true)"), ("trunc(1, 2, 3)", "trunc(1.55, 1)"),
    ],
)  # fmt: skip
def test_make_s_argument_counts(analyse: Analyse, wrong: str, right: str) -> None:
    temp = {"x": {"a": 1}}
    assert codes(analyse(request(temp=temp, url=f"https://api.example.com/v1/{{{{{wrong}}}}}"))) == ["IML102"]
    assert codes(analyse(request(temp=temp, url=f"https://api.example.com/v1/{{{{{right}}}}}"))) == []


@pytest.mark.parametrize("call", ["formatDate(now)", "parseDate('2023-11-14')", "contains('Ab', 'a', true)"])
def test_optional_arguments_make_accepts_pass(analyse: Analyse, call: str) -> None:
    assert codes(analyse(request(url=f"https://api.example.com/v1/{{{{{call}}}}}"))) == []


def test_unknown_variable(analyse: Analyse) -> None:
    assert found(analyse(request(url="https://api.example.com/v1/{{foo.bar}}")), "IML103") == ["foo"]
    assert codes(analyse(request(url="https://api.example.com/v1/{{parameters.clientId}}"))) == []


@pytest.mark.parametrize("name", ["uuid", "pi", "random", "executionId", "erase", "ignore", "nbsp", "carriagereturn"])
def test_make_s_variables_and_keywords_are_known(analyse: Analyse, name: str) -> None:
    assert codes(analyse(request(url=f"https://api.example.com/v1/{{{{{name}}}}}"))) == []
    assert found(analyse(request(url=f"https://api.example.com/v1/{{{{{name}x}}}}")), "IML103") == [f"{name}x"]


def test_unknown_parameter_offers_rename_and_declaration(analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1/{{parameters.clientSecrt}}"))
    assert found(analysis, "IML201") == ["clientSecrt"]
    fixes = next(d for d in diagnostics(analysis) if d.rule.code == "IML201").fixes
    assert fixes[0].edits[0].new_text == "clientSecret"
    declare = fixes[1].edits[0]
    assert declare.path.endswith("conn.params.iml.json") and '"name": "clientSecrt"' in declare.new_text
    assert codes(analyse(request(url="https://api.example.com/v1/{{parameters.clientSecret}}"))) == []


def test_unknown_temp(analyse: Analyse) -> None:
    analysis = analyse(request(temp={"token": "abc"}, url="https://api.example.com/v1/{{temp.tokn}}"))
    assert found(analysis, "IML202") == ["tokn"]
    assert codes(analyse(request(temp={"token": "abc"}, url="https://api.example.com/v1/{{temp.token}}"))) == []


def test_response_variables_outside_response(analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1/{{body.id}}"))
    assert found(analysis, "IML203") == ["body"]
    assert (
        codes(
            analyse(
                request(
                    url="https://api.example.com/v1",
                    response={"valid": "{{body.ok}}", "metadata": {"value": "{{body.name}}", "type": "text"}},
                )
            )
        )
        == []
    )


# IML3xx: jwt() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "suggestion"), [("HS1", "HS256"), ("hs512", "HS512"), ("ES256", "HS256"), ("RS257", "RS256")]
)
def test_invalid_jwt_algorithm(analyse: Analyse, algorithm: str, suggestion: str) -> None:
    analysis = analyse(jwt_request(f"jwt(temp.jwt, parameters.clientSecret, '{algorithm}', temp.options)"))
    assert found(analysis, "IML301") == [f"'{algorithm}'"]
    fixes = next(d for d in diagnostics(analysis) if d.rule.code == "IML301").fixes
    if algorithm == "hs512":
        assert fixes[0].edits[0].new_text == f"'{suggestion}'"


def test_missing_jwt_claim_with_a_fix_and_a_setting(analyse: Analyse) -> None:
    payload = {"iss": "{{parameters.clientId}}", "iat": "{{timestamp}}"}
    analysis = analyse(jwt_request(GOOD_CALL, jwt=payload))
    assert found(analysis, "IML302") == ['"jwt"']
    fix = next(d for d in diagnostics(analysis) if d.rule.code == "IML302").fixes[0]
    assert fix.edits[0].new_text.endswith('"exp": "{{timestamp + 3600}}"')
    relaxed = analyse(jwt_request(GOOD_CALL, jwt=payload), settings=Settings(required_claims=()))
    assert codes(relaxed) == []
    stricter = analyse(jwt_request(GOOD_CALL), settings=Settings(required_claims=("exp", "sub")))
    assert "IML302" in codes(stricter)
    from_option = analyse(jwt_request(GOOD_CALL, jwt=payload, options={"expiresIn": "1h"}))
    assert "IML302" not in codes(from_option)  # jsonwebtoken adds `exp` from `expiresIn`


def test_jwt_claim_type_trailing_space_makes_text(analyse: Analyse) -> None:
    payload = {"iat": "{{timestamp}}", "exp": "{{timestamp + 30000}} "}
    analysis = analyse(jwt_request(GOOD_CALL, jwt=payload))
    assert found(analysis, "IML303") == ['"{{timestamp + 30000}} "']
    fix = next(d for d in diagnostics(analysis) if d.rule.code == "IML303").fixes[0]
    assert fix.edits[0].new_text == '"{{timestamp + 30000}}"'
    for wrong in ("soon", True, None, "{{'1700000000'}}", "{{now}}"):
        assert "IML303" in codes(analyse(jwt_request(GOOD_CALL, jwt={"exp": wrong}))), wrong
    for right in (1700000000, "{{timestamp + 60}}", "{{parameters.clientId}}"):
        assert "IML303" not in codes(analyse(jwt_request(GOOD_CALL, jwt={"exp": right}))), right


def test_jwt_expiry_order(analyse: Analyse) -> None:
    analysis = analyse(jwt_request(GOOD_CALL, jwt={"iat": "{{timestamp}}", "exp": "{{timestamp - 60}}"}))
    assert found(analysis, "IML304") == ['"{{timestamp - 60}}"']
    assert codes(analyse(jwt_request(GOOD_CALL, jwt={"iat": 1000, "nbf": 1000, "exp": 2000}))) == []


def test_unknown_jwt_option(analyse: Analyse) -> None:
    analysis = analyse(jwt_request(GOOD_CALL, options={"kid": "{{parameters.clientId}}"}))
    assert found(analysis, "IML305") == ['"kid"']
    message = next(d.message for d in diagnostics(analysis) if d.rule.code == "IML305")
    assert '"kid" is not allowed in "options"' in message and "header" in message
    assert found(analyse(jwt_request(GOOD_CALL, options={"expiresin": 60})), "IML305") == ['"expiresin"']


def test_jwt_option_conflict(analyse: Analyse) -> None:
    analysis = analyse(jwt_request(GOOD_CALL, options={"expiresIn": "1h"}))
    assert found(analysis, "IML306") == ['"expiresIn"']
    payload = {"iat": "{{timestamp}}", "iss": "me"}
    assert (
        codes(
            analyse(
                jwt_request(GOOD_CALL, jwt=payload, options={"expiresIn": "1h"}), settings=Settings(required_claims=())
            )
        )
        == []
    )


def test_jwt_key_mismatch(analyse: Analyse) -> None:
    rs256 = analyse(jwt_request("jwt(temp.jwt, parameters.clientSecret, 'RS256')"))
    assert found(rs256, "IML307") == ["parameters.clientSecret"]
    hs = analyse(jwt_request("jwt(temp.jwt, parameters.privateKey, 'HS256')"))
    assert found(hs, "IML307") == ["parameters.privateKey"]
    message = next(d.message for d in diagnostics(hs) if d.rule.code == "IML307")
    assert "rejects a private key" in message and "encrypted, public or unreadable PEM" in message
    assert codes(analyse(jwt_request("jwt(temp.jwt, parameters.privateKey, 'RS256')"))) == []


def test_hardcoded_secret_moves_into_a_password_parameter(analyse: Analyse) -> None:
    analysis = analyse(jwt_request("jwt(temp.jwt, 'my-secret', 'HS256')"))
    assert found(analysis, "IML308") == ["'my-secret'"]
    fix = next(d for d in diagnostics(analysis) if d.rule.code == "IML308").fixes[0]
    assert fix.edits[0].new_text == "parameters.secretKey"
    assert '"type": "password"' in fix.edits[1].new_text


def test_invalid_jwt_option_value(analyse: Analyse) -> None:
    payload = {"iat": "{{timestamp}}"}
    relaxed = Settings(required_claims=())
    analysis = analyse(jwt_request(GOOD_CALL, jwt=payload, options={"expiresIn": "3600"}), settings=relaxed)
    assert found(analysis, "IML309") == ['"3600"']
    assert "milliseconds" in next(d.message for d in diagnostics(analysis) if d.rule.code == "IML309")
    assert found(analyse(jwt_request(GOOD_CALL, options={"noTimestamp": "yes"})), "IML309") == ['"yes"']
    assert codes(analyse(jwt_request(GOOD_CALL, jwt=payload, options={"expiresIn": "1h"}), settings=relaxed)) == []


def test_jwt_sign_error_uses_the_sample_values(analyse: Analyse) -> None:
    samples = json.dumps({"parameters": {"clientId": "abc", "clientSecret": "s3cret"}})
    call = "jwt(parameters.clientId, parameters.clientSecret, 'HS256', temp.options)"
    analysis = analyse(jwt_request(call, options={"issuer": "me"}), samples=samples)
    assert found(analysis, "IML310") == [call]
    assert "invalid issuer option for string payload" in next(
        d.message for d in diagnostics(analysis) if d.rule.code == "IML310"
    )
    assert codes(analyse(jwt_request(GOOD_CALL), samples=samples)) == []


def rsa_pem(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


@pytest.mark.parametrize(
    ("call", "options", "secret", "message"),
    [
        # a warning on the call (IML302 no `exp`, IML308 a literal secret) once switched the signing off
        ("jwt(temp.jwt, parameters.privateKey, 'RS256')", None, "1024", "minimum key size of 2048 bits"),
        ("jwt(temp.jwt, '', 'HS256')", None, "s3cret", "secretOrPrivateKey must have a value"),
        ("jwt(temp.jwt, 's3cret', 'HS256', temp.options)", {"encoding": "utf32"}, "s3cret", "Unknown encoding: utf32"),
        ("jwt(temp.jwt, parameters.privateKey, 'RS256')", None, "public", "must be an asymmetric key"),
        ("jwt(temp.jwt, parameters.clientSecret, 'HS256', 'HS256')", None, "s3cret", '"options" to be a plain'),
    ],
)
def test_jwt_sign_error_is_reported_whatever_else_the_call_has(
    analyse: Analyse, call: str, options: dict[str, object] | None, secret: str, message: str
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    values = {"1024": rsa_pem(1024), "public": public, "s3cret": "s3cret"}
    samples = json.dumps({"parameters": {"clientId": "abc", "clientSecret": "s3cret", "privateKey": values[secret]}})
    analysis = analyse(jwt_request(call, jwt={"iss": "abc"}, options=options), samples=samples)
    assert "IML302" in codes(analysis)
    assert found(analysis, "IML310") == [call]
    assert message in next(d.message for d in diagnostics(analysis) if d.rule.code == "IML310")


def test_jwt_sign_error_is_reported_when_the_rule_that_would_report_it_is_disabled(analyse: Analyse) -> None:
    samples = json.dumps({"parameters": {"clientId": "abc", "clientSecret": "s3cret"}})
    text = jwt_request(GOOD_CALL, options={"kid": "abc"})
    assert found(analyse(text, samples=samples), "IML305") == ['"kid"']
    assert found(analyse(text, samples=samples), "IML310") == []  # IML305 reports it
    disabled = analyse(text, samples=samples, settings=Settings(disabled_diagnostics=frozenset({"IML305"})))
    assert codes(disabled) == ["IML310"]
    assert '"kid" is not allowed in "options"' in diagnostics(disabled)[0].message


def test_jwt_object_method_key(analyse: Analyse) -> None:
    samples = json.dumps({"parameters": {"clientId": "abc", "clientSecret": "s3cret"}})
    payload = {"iss": "abc", "exp": 1700003600, "toString": "x"}
    analysis = analyse(jwt_request(GOOD_CALL, jwt=payload), samples=samples)
    assert codes(analysis) == ["IML311"] and found(analysis, "IML311") == ['"toString"']
    assert "validator.isValid is not a function" in diagnostics(analysis)[0].message
    in_options = analyse(jwt_request(GOOD_CALL, options={"constructor": 1}), samples=samples)
    assert codes(in_options) == ["IML311"] and found(in_options, "IML311") == ['"constructor"']
    assert diagnostics(in_options)[0].fixes[0].title == "Remove `constructor`"
    disabled = analyse(
        jwt_request(GOOD_CALL, jwt=payload),
        samples=samples,
        settings=Settings(disabled_diagnostics=frozenset({"IML311"})),
    )
    assert codes(disabled) == ["IML310"]
    assert "payload key `toString`" in diagnostics(disabled)[0].message
    nested = {"iss": "abc", "exp": 1700003600, "claims": {"toString": "x", "__proto__": 1}}
    assert codes(analyse(jwt_request(GOOD_CALL, jwt=nested), samples=samples)) == []


# IML4xx: structure -----------------------------------------------------------------------------


def test_unknown_connection_key(analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1", heders={"a": "b"}))
    assert found(analysis, "IML401") == ['"heders"']
    assert found(analyse(request(url="https://api.example.com/v1", response={"iterate": "{{body}}"})), "IML401") == [
        '"iterate"'
    ]
    assert codes(analyse(request(url="https://api.example.com/v1", headers={"a": "b"}))) == []


def test_invalid_enum_value(analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1", method="FETCH"))
    assert found(analysis, "IML402") == ['"FETCH"']
    assert found(analyse(request(url="https://api.example.com/v1", method="post")), "IML402") == ['"post"']
    assert codes(analyse(request(url="https://api.example.com/v1", method="{{if(true, 'POST', 'GET')}}"))) == []


def test_parameter_type_enum_in_a_params_file(tmp_path: object, analyse: Analyse) -> None:
    analysis = analyse(request(url="https://api.example.com/v1"))
    params = analysis.related.params
    assert params is not None and diagnostics(params) == []


# IML503 ----------------------------------------------------------------------------------------


def test_every_rule_is_tested_here() -> None:
    source = "".join(path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py"))
    untested = [
        rule.code for rule in RULES if rule.code not in source and rule.code not in ("IML501", "IML502", "IML503")
    ]
    assert untested == []
