"""The jwt() entry hands its arguments and the context's clock to the jsonwebtoken-compatible signer."""

from __future__ import annotations

import base64
import json

import pytest

from iml_ls.evaluate.jsonwebtoken import JwtSignError, jwt_function
from iml_ls.evaluate.values import JsValue

from .conftest import NOW, call

PAYLOAD: dict[str, JsValue] = {"iss": "acme", "scope": "read"}


def claims(token: JsValue) -> dict[str, JsValue]:
    assert isinstance(token, str)
    body = token.split(".")[1]
    decoded: dict[str, JsValue] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def test_jwt_gives_the_signers_token_at_the_context_clock() -> None:
    options: dict[str, JsValue] = {"header": {"kid": "key-1"}, "expiresIn": "1h"}
    token = call("jwt", PAYLOAD, "s3cret", "HS512", options)
    assert token == jwt_function(PAYLOAD, "s3cret", "HS512", options, now=NOW.timestamp()).token
    assert claims(token) == {"iss": "acme", "scope": "read", "iat": 1700000000, "exp": 1700003600}


def test_jwt_defaults_to_hs256() -> None:
    token = call("jwt", PAYLOAD, "s3cret")
    assert isinstance(token, str) and token.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")


def test_jwt_signing_errors_pass_through() -> None:
    with pytest.raises(JwtSignError):
        call("jwt", PAYLOAD, "s3cret", "HS999")
