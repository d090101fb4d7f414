"""jsonwebtoken 9.0.3 ``sign`` rules and error messages, without node (tokens written out from node)."""

from __future__ import annotations

import base64
import json
import math

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from iml_ls.evaluate.jsonwebtoken import (
    MAKE_ALGORITHMS,
    REGISTERED_CLAIMS,
    SIGN_OPTIONS,
    JwtSignError,
    SecretKind,
    classify_secret,
    jwt_function,
    parse_timespan,
    sign,
)
from iml_ls.evaluate.values import UNDEFINED, JsValue

NOW = 1_700_000_000


def private_pem(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey, password: bytes | None = None
) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pems(rsa_key: rsa.RSAPrivateKey) -> dict[str, str]:
    pkcs8 = private_pem(rsa_key)
    return {
        "rsa": pkcs8,
        "rsa1024": private_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
        "ec": private_pem(ec.generate_private_key(ec.SECP256R1())),
        "ed25519": private_pem(ed25519.Ed25519PrivateKey.generate()),
        "public": rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
        "encrypted": private_pem(rsa_key, b"pw"),
        "one-line": pkcs8.replace("\n", " "),
        "escaped": pkcs8.replace("\n", "\\n"),
    }


def segment(token: str, index: int) -> str:
    """A token segment decoded as latin1 (the header is latin1, the payload ASCII-safe here)."""
    return base64.urlsafe_b64decode(token.split(".")[index] + "==").decode("latin-1")


# ---------------------------------------------------------------------------------------------
# Tokens (expected values produced by node's jsonwebtoken 9.0.3 with Date.now pinned to NOW)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "secret", "options", "token"),
    [
        (
            {"a": 1},
            "secret",
            UNDEFINED,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhIjoxLCJpYXQiOjE3MDAwMDAwMDB9."
            "Kyhsshc_ttIN1uv6O8ja2QzegqAnunFUREhg_a5tYoI",
        ),
        (
            "hello",
            "secret",
            UNDEFINED,
            "eyJhbGciOiJIUzI1NiJ9.aGVsbG8.UYmO_lPAY5V0Wf4KZsfhiYs1SxqXPhxvjuYqellDV5A",
        ),
        (
            {"a": 1},
            "secret",
            {"keyid": "clé"},
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImNs6SJ9.eyJhIjoxLCJpYXQiOjE3MDAwMDAwMDB9."
            "mZa7aHz8uoWFmTWHfcGlPgvzqd1dXGoi8xAfW5D3Vqw",
        ),
        (
            {"b": 1, "2": 2, "a": 3, "1": 4},
            "secret",
            {"expiresIn": "1h", "audience": ["x"], "notBefore": 0},
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyIxIjo0LCIyIjoyLCJiIjoxLCJhIjozLCJpYXQiOjE3MDAwMDAwMDAsIm5iZiI6"
            "MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAzNjAwLCJhdWQiOlsieCJdfQ.Som79fez-1aA6hze014lT7TxSB175iVb0z9Qw4XEMkw",
        ),
        (
            {"a": 1},
            b"",
            UNDEFINED,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhIjoxLCJpYXQiOjE3MDAwMDAwMDB9."
            "-kOBlCXkmyPPijoqw3K8AGlceZ1ixTUDh1S9iEUi6d0",
        ),
        (
            {"a": 1},
            "",
            {"algorithm": "none"},
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhIjoxLCJpYXQiOjE3MDAwMDAwMDB9.",
        ),
    ],
)
def test_tokens_equal_nodes(payload: JsValue, secret: JsValue, options: JsValue, token: str) -> None:
    assert sign(payload, secret, options, now=NOW).token == token


def test_make_docs_shape_via_jwt_function() -> None:
    signed = jwt_function(
        {"iss": "client-1", "scope": "read"}, "s3cr3t", "HS512", {"header": {"kid": "client-1"}}, now=NOW
    )
    assert signed.token == (
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCIsImtpZCI6ImNsaWVudC0xIn0."
        "eyJpc3MiOiJjbGllbnQtMSIsInNjb3BlIjoicmVhZCIsImlhdCI6MTcwMDAwMDAwMH0."
        "ACyALU6xsH5jiJingKNQ8rW_dqkGIdgCANJule-kmnjM9oDdNMWncbEnQJoTKJ0lAFk2eRFts5Sqiy_yskUQNQ"
    )
    assert signed.header == {"alg": "HS512", "typ": "JWT", "kid": "client-1"}
    assert signed.payload == {"iss": "client-1", "scope": "read", "iat": NOW}
    assert signed.algorithm == "HS512"


def test_rs256_is_deterministic_and_verifies(rsa_key: rsa.RSAPrivateKey, pems: dict[str, str]) -> None:
    first = sign({"name": "Zoë"}, pems["rsa"], {"algorithm": "RS256"}, now=NOW).token
    assert first == sign({"name": "Zoë"}, pems["rsa"], {"algorithm": "RS256"}, now=NOW).token
    assert pyjwt.decode(first, rsa_key.public_key(), algorithms=["RS256"]) == {"name": "Zoë", "iat": NOW}


# ---------------------------------------------------------------------------------------------
# Header and claims
# ---------------------------------------------------------------------------------------------


def test_header_keeps_alg_typ_kid_positions_and_appends_extra_keys() -> None:
    signed = sign({}, "s", {"keyid": "a", "header": {"x5t": "t", "kid": "b", "typ": "at+jwt", "7": 0}}, now=NOW)
    assert segment(signed.token, 0) == '{"7":0,"alg":"HS256","typ":"at+jwt","kid":"b","x5t":"t"}'
    assert signed.header == {"7": 0, "alg": "HS256", "typ": "at+jwt", "kid": "b", "x5t": "t"}


def test_header_typ_null_is_kept_and_non_object_payload_has_no_typ() -> None:
    assert segment(sign({}, "s", {"header": {"typ": None}}, now=NOW).token, 0) == '{"alg":"HS256","typ":null}'
    assert segment(sign(5, "s", now=NOW).token, 0) == '{"alg":"HS256"}'


def test_header_is_latin1_bytes() -> None:
    token = sign({}, "s", {"keyid": "é€😀"}, now=NOW).token
    raw = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    assert raw.endswith(b'"kid":"\xe9\xac\x3d\x00"}')


def test_claims_order_and_values() -> None:
    signed = sign(
        {"b": 1, "iat": 5, "a": 2}, "s", {"jwtid": "j", "audience": "x", "expiresIn": 10, "notBefore": 1}, now=NOW
    )
    assert signed.payload == {"b": 1, "iat": 5, "a": 2, "nbf": 6, "exp": 15, "aud": "x", "jti": "j"}
    assert list(signed.payload) == ["b", "iat", "a", "nbf", "exp", "aud", "jti"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payload", "options", "now", "claims"),
    [
        ({}, {}, NOW + 0.9, {"iat": NOW}),
        ({"iat": 0}, {}, NOW, {"iat": NOW}),
        ({"iat": math.nan}, {"expiresIn": 1}, NOW, {"iat": NOW, "exp": NOW + 1}),
        ({"iat": 1000.7}, {"expiresIn": 10}, NOW, {"iat": 1000.7, "exp": 1010.7}),
        ({"iat": 100.9}, {"expiresIn": "1500"}, NOW, {"iat": 100.9, "exp": 102}),
        ({}, {"expiresIn": "100"}, NOW, {"iat": NOW, "exp": NOW}),
        ({"iat": 1000}, {"noTimestamp": True, "expiresIn": 10}, NOW, {"exp": 1010}),
        ({}, {"noTimestamp": False}, NOW, {"iat": NOW}),
        ({}, {"expiresIn": "1y", "notBefore": "-1m"}, NOW, {"iat": NOW, "nbf": NOW - 60, "exp": NOW + 31557600}),
        ({"iat": math.inf}, {"expiresIn": "1h"}, NOW, {"iat": math.inf, "exp": math.inf}),
    ],
)
def test_time_claims(payload: dict[str, JsValue], options: JsValue, now: float, claims: dict[str, JsValue]) -> None:
    assert sign(payload, "s", options, now=now).payload == claims


def test_huge_integer_iat_is_added_as_a_double() -> None:
    signed = sign({"iat": 2**60 + 1}, "s", {"expiresIn": 1}, now=NOW)
    assert json.loads(segment(signed.token, 1)) == {"iat": 1152921504606847000, "exp": 1152921504606847000}


def test_payload_kinds_are_signed_as_their_text() -> None:
    assert segment(sign(1e21, "s", now=NOW).token, 1) == "1e+21"
    assert segment(sign(True, "s", now=NOW).token, 1) == "true"
    assert segment(sign(b"\xffa", "s", now=NOW).token, 1) == "\xef\xbf\xbda"  # U+FFFD, as UTF-8 read as latin1
    assert segment(sign('{"a":1}', "s", now=NOW).token, 1) == '{"a":1}'


@pytest.mark.parametrize(
    ("encoding", "payload_segment"),
    [("utf8", "IsOpIg"), ("latin1", "Iuki"), ("utf16le", "IgDpACIA"), ("hex", ""), ("base64", "")],
)
def test_payload_encodings(encoding: str, payload_segment: str) -> None:
    assert sign('"é"', "s", {"encoding": encoding}, now=NOW).token.split(".")[1] == payload_segment


def test_jwt_function_merges_algorithm_into_options() -> None:
    assert jwt_function({}, "s", "HS384", UNDEFINED, now=NOW).header["alg"] == "HS384"
    assert jwt_function({}, "s", "HS384", None, now=NOW).header["alg"] == "HS384"
    assert jwt_function({}, "s", "HS384", {"algorithm": "HS512"}, now=NOW).header["alg"] == "HS384"
    assert jwt_function({}, "s", UNDEFINED, {"algorithm": "HS512"}, now=NOW).header["alg"] == "HS512"
    with pytest.raises(JwtSignError, match=r'^Expected "options" to be a plain object\.$'):
        jwt_function({}, "s", "HS384", [1], now=NOW)


# ---------------------------------------------------------------------------------------------
# Every error, with its exact message
# ---------------------------------------------------------------------------------------------

INVALID_ALGORITHM = (
    '"HS999" is not a valid algorithm.\n  Supported algorithms are:\n  "HS256", "HS384", "HS512", "RS256", "RS384", '
    '"RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" and "none".'
)
TIMESPAN = ' should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'

ERRORS: list[tuple[str, JsValue, JsValue, JsValue, str, str]] = [
    # (name, payload, secret ("pem:<name>" for a generated key), options, message, kind)
    ("missing secret", {}, "", {}, "secretOrPrivateKey must have a value", "secret-missing"),
    ("null secret", {}, None, {}, "secretOrPrivateKey must have a value", "secret-missing"),
    ("number secret", {}, 42, {}, "secretOrPrivateKey is not valid key material", "key-invalid"),
    ("object secret", {}, {"x": 1}, {}, "secretOrPrivateKey is not valid key material", "key-invalid"),
    (
        "none and zero secret",
        {},
        0,
        {"algorithm": "none"},
        "secretOrPrivateKey is not valid key material",
        "key-invalid",
    ),
    (
        "none and no secret, header alg HS",
        {},
        UNDEFINED,
        {"algorithm": "none", "header": {"alg": "HS256"}},
        "Cannot read properties of undefined (reading 'type')",
        "secret-missing",
    ),
    ("algorithm number", {}, "s", {"algorithm": 256}, "header.alg.startsWith is not a function", "algorithm-type"),
    (
        "header alg null",
        {},
        "s",
        {"header": {"alg": None}},
        "Cannot read properties of null (reading 'startsWith')",
        "algorithm-type",
    ),
    (
        "HS with private key",
        {},
        "pem:rsa",
        {"algorithm": "HS256"},
        "secretOrPrivateKey must be a symmetric key when using HS256",
        "key-symmetric-required",
    ),
    (
        "RS with plain secret",
        {},
        "s",
        {"algorithm": "RS256"},
        "secretOrPrivateKey must be an asymmetric key when using RS256",
        "key-asymmetric-required",
    ),
    (
        "RS with public key",
        {},
        "pem:public",
        {"algorithm": "RS256"},
        "secretOrPrivateKey must be an asymmetric key when using RS256",
        "key-asymmetric-required",
    ),
    (
        "RS with encrypted key",
        {},
        "pem:encrypted",
        {"algorithm": "RS256"},
        "secretOrPrivateKey must be an asymmetric key when using RS256",
        "key-asymmetric-required",
    ),
    (
        "RS with one-line PEM",
        {},
        "pem:one-line",
        {"algorithm": "RS256"},
        "secretOrPrivateKey must be an asymmetric key when using RS256",
        "key-asymmetric-required",
    ),
    (
        "RS 1024-bit",
        {},
        "pem:rsa1024",
        {"algorithm": "RS256"},
        "secretOrPrivateKey has a minimum key size of 2048 bits for RS256",
        "key-too-short",
    ),
    ("payload missing", UNDEFINED, "s", {}, "payload is required", "payload-missing"),
    ("payload null", None, "s", {}, 'Expected "payload" to be a plain object.', "payload-not-object"),
    ("payload array", [1], "s", {}, 'Expected "payload" to be a plain object.', "payload-not-object"),
    ("iat string", {"iat": "1"}, "s", {}, '"iat" should be a number of seconds', "claim-type"),
    ("exp null", {"exp": None}, "s", {}, '"exp" should be a number of seconds', "claim-type"),
    ("nbf boolean", {"nbf": True}, "s", {}, '"nbf" should be a number of seconds', "claim-type"),
    ("claims in key order", {"nbf": "a", "exp": "b"}, "s", {}, '"nbf" should be a number of seconds', "claim-type"),
    (
        "string payload with options",
        "x",
        "s",
        {"issuer": "i", "expiresIn": 1},
        "invalid expiresIn,issuer option for string payload",
        "option-for-non-object",
    ),
    (
        "Buffer payload with options",
        b"x",
        "s",
        {"noTimestamp": False},
        "invalid noTimestamp option for object payload",
        "option-for-non-object",
    ),
    (
        "exp and expiresIn",
        {"exp": 1},
        "s",
        {"expiresIn": 1},
        'Bad "options.expiresIn" option the payload already has an "exp" property.',
        "option-conflict",
    ),
    (
        "nbf and notBefore",
        {"nbf": 1},
        "s",
        {"notBefore": 1},
        'Bad "options.notBefore" option the payload already has an "nbf" property.',
        "option-conflict",
    ),
    (
        "iss and issuer",
        {"iss": None},
        "s",
        {"issuer": "i"},
        'Bad "options.issuer" option. The payload already has an "iss" property.',
        "option-conflict",
    ),
    (
        "aud and audience",
        {"aud": "a"},
        "s",
        {"audience": "b"},
        'Bad "options.audience" option. The payload already has an "aud" property.',
        "option-conflict",
    ),
    ("options array", {}, "s", [1], 'Expected "options" to be a plain object.', "options-not-object"),
    ("unknown option", {}, "s", {"kid": "k"}, '"kid" is not allowed in "options"', "option-unknown"),
    ("unknown option case", {}, "s", {"expiresin": 1}, '"expiresin" is not allowed in "options"', "option-unknown"),
    (
        "algorithm lower case",
        {},
        "s",
        {"algorithm": "hs256"},
        '"algorithm" must be a valid string enum value',
        "option-value",
    ),
    (
        "expiresIn float",
        {},
        "s",
        {"expiresIn": 1.5},
        '"expiresIn" should be a number of seconds or string representing a timespan',
        "option-value",
    ),
    (
        "notBefore empty",
        {},
        "s",
        {"notBefore": ""},
        '"notBefore" should be a number of seconds or string representing a timespan',
        "option-value",
    ),
    ("audience number", {}, "s", {"audience": 1}, '"audience" must be a string or array', "option-value"),
    ("issuer number", {}, "s", {"issuer": 1}, '"issuer" must be a string', "option-value"),
    ("subject null", {}, "s", {"subject": None}, '"subject" must be a string', "option-value"),
    ("jwtid number", {}, "s", {"jwtid": 1}, '"jwtid" must be a string', "option-value"),
    ("keyid number", {}, "s", {"keyid": 1}, '"keyid" must be a string', "option-value"),
    ("header string", {}, "s", {"header": "x"}, '"header" must be an object', "option-value"),
    ("noTimestamp text", {}, "s", {"noTimestamp": "yes"}, '"noTimestamp" must be a boolean', "option-value"),
    ("encoding number", {}, "s", {"encoding": 8}, '"encoding" must be a string', "option-value"),
    ("mutatePayload number", {}, "s", {"mutatePayload": 1}, '"mutatePayload" must be a boolean', "option-value"),
    (
        "allowInsecureKeySizes text",
        {},
        "s",
        {"allowInsecureKeySizes": "y"},
        '"allowInsecureKeySizes" must be a boolean',
        "option-value",
    ),
    (
        "allowInvalidAsymmetricKeyTypes number",
        {},
        "s",
        {"allowInvalidAsymmetricKeyTypes": 1},
        '"allowInvalidAsymmetricKeyTypes" must be a boolean',
        "option-value",
    ),
    ("options in key order", {}, "s", {"issuer": 1, "subject": 2}, '"issuer" must be a string', "option-value"),
    (
        "RS with Ed25519 key",
        {},
        "pem:ed25519",
        {"algorithm": "RS256"},
        'Unknown key type "ed25519".',
        "key-type-unknown",
    ),
    (
        "RS with EC key",
        {},
        "pem:ec",
        {"algorithm": "RS256"},
        '"alg" parameter for "ec" key type must be one of: ES256, ES384, ES512.',
        "key-type-mismatch",
    ),
    (
        "ES384 with P-256 key",
        {},
        "pem:ec",
        {"algorithm": "ES384"},
        '"alg" parameter "ES384" requires curve "secp384r1".',
        "key-curve",
    ),
    ("expiresIn unparsable", {}, "s", {"expiresIn": "1 fortnight"}, '"expiresIn"' + TIMESPAN, "timespan"),
    ("notBefore leading space", {}, "s", {"notBefore": " 1h"}, '"notBefore"' + TIMESPAN, "timespan"),
    ("header alg invalid", {}, "s", {"header": {"alg": "HS999"}}, INVALID_ALGORITHM, "algorithm-invalid"),
    ("unknown encoding", {}, "s", {"encoding": "utf9"}, "Unknown encoding: utf9", "encoding-unknown"),
    (
        "key check before payload",
        None,
        "pem:rsa",
        {"algorithm": "HS256"},
        "secretOrPrivateKey must be a symmetric key when using HS256",
        "key-symmetric-required",
    ),
    ("payload before options", {"exp": "x"}, "s", {"bogus": 1}, '"exp" should be a number of seconds', "claim-type"),
]


@pytest.mark.parametrize(
    ("payload", "secret", "options", "message", "kind"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_errors_carry_jsonwebtokens_message(
    pems: dict[str, str], payload: JsValue, secret: JsValue, options: JsValue, message: str, kind: str
) -> None:
    if isinstance(secret, str) and secret.startswith("pem:"):
        secret = pems[secret.removeprefix("pem:")]
    with pytest.raises(JwtSignError) as caught:
        sign(payload, secret, options, now=NOW)
    assert str(caught.value) == message
    assert caught.value.kind == kind


def test_type_errors_are_marked_as_such() -> None:
    with pytest.raises(JwtSignError) as caught:
        sign({}, "s", {"header": {"alg": "HS999"}}, now=NOW)
    assert caught.value.js_name == "TypeError"
    with pytest.raises(JwtSignError) as caught:
        sign({}, "s", {"issuer": 1}, now=NOW)
    assert caught.value.js_name == "Error"


def test_allow_options_relax_key_checks(pems: dict[str, str]) -> None:
    signed = sign({"a": 1}, pems["rsa1024"], {"algorithm": "RS256", "allowInsecureKeySizes": True}, now=NOW)
    assert signed.algorithm == "RS256"
    with pytest.raises(JwtSignError, match="Unsupported crypto operation"):
        sign({}, pems["ed25519"], {"algorithm": "RS256", "allowInvalidAsymmetricKeyTypes": True}, now=NOW)


# ---------------------------------------------------------------------------------------------
# Helpers for diagnostics
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        ("client-secret", SecretKind.HMAC_SECRET),
        (b"\x00\x01", SecretKind.HMAC_SECRET),
        ("pem:rsa", SecretKind.RSA_PRIVATE_KEY),
        ("pem:ec", SecretKind.OTHER_PRIVATE_KEY),
        ("pem:ed25519", SecretKind.OTHER_PRIVATE_KEY),
        ("pem:public", SecretKind.PUBLIC_KEY_OR_CERTIFICATE),
        ("pem:encrypted", SecretKind.ENCRYPTED_PEM),
        ("pem:one-line", SecretKind.MALFORMED_PEM),
        ("pem:escaped", SecretKind.MALFORMED_PEM),
        ("", SecretKind.MISSING),
        (None, SecretKind.MISSING),
        (UNDEFINED, SecretKind.MISSING),
        (42, SecretKind.NOT_KEY_MATERIAL),
        ({"key": "pem:encrypted", "passphrase": "pw"}, SecretKind.RSA_PRIVATE_KEY),
        ({"key": "pem:encrypted", "passphrase": "wrong"}, SecretKind.NOT_KEY_MATERIAL),
        ([1], SecretKind.NOT_KEY_MATERIAL),
    ],
)
def test_classify_secret(pems: dict[str, str], secret: JsValue, kind: SecretKind) -> None:
    if isinstance(secret, str) and secret.startswith("pem:"):
        secret = pems[secret.removeprefix("pem:")]
    if isinstance(secret, dict):
        secret = {**secret, "key": pems[str(secret["key"]).removeprefix("pem:")]}
    assert classify_secret(secret) is kind


@pytest.mark.parametrize(
    ("text", "milliseconds"),
    [
        ("100", 100),
        ("1.5h", 5_400_000),
        (".5s", 500),
        ("10 minutes", 600_000),
        ("1  H", 3_600_000),
        ("-1m", -60_000),
        ("2 Days", 172_800_000),
        ("1w", 604_800_000),
        ("1y", 31_557_600_000),
        ("3 msecs", 3),
        ("5.", None),
        (" 1h", None),
        ("1h ", None),
        ("soon", None),
        ("1 fortnight", None),
        ("", None),
        ("1" * 101, None),
        ("１h", None),
    ],
)
def test_parse_timespan(text: str, milliseconds: float | None) -> None:
    assert parse_timespan(text) == milliseconds


def test_data_tables_for_completion() -> None:
    assert list(MAKE_ALGORITHMS) == ["HS256", "HS384", "HS512", "RS256"]
    assert set(SIGN_OPTIONS) == {
        "algorithm",
        "expiresIn",
        "notBefore",
        "audience",
        "issuer",
        "subject",
        "jwtid",
        "keyid",
        "header",
        "noTimestamp",
        "encoding",
        "mutatePayload",
        "allowInsecureKeySizes",
        "allowInvalidAsymmetricKeyTypes",
    }
    assert all(spec.description and spec.example and spec.value_kind for spec in SIGN_OPTIONS.values())
    assert list(REGISTERED_CLAIMS) == ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope"]
