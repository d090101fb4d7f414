"""``jwt()``: a token signed exactly as jsonwebtoken's ``sign`` signs it at Make."""

from __future__ import annotations

from collections.abc import Sequence

from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, function
from iml_ls.evaluate.values import EvalContext, JsValue


@function(
    "jwt",
    "payload, key, [algorithm], [options]",
    "text",
    "A JSON Web Token signed with the key, exactly as Make's runtime (npm jsonwebtoken) signs it.",
    "jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)",
    "eyJhbGciOiJIUzUxMiIs…",
    "How Make merges the algorithm argument into the options is not documented; iml-ls sets "
    "`options.algorithm` from it.",
    payload="The claims (a collection), e.g. `temp.jwt`.",
    key="The shared secret (HS256/384/512) or a PEM private key (RS256).",
    algorithm="`'HS256'` (default), `'HS384'`, `'HS512'` or `'RS256'`.",
    options='jsonwebtoken options, e.g. `{"header": {"kid": …}, "expiresIn": "1h"}`.',
)
def jwt(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    from iml_ls.evaluate.jsonwebtoken import jwt_function

    signed = jwt_function(arg(args, 0), arg(args, 1), arg(args, 2), arg(args, 3), now=ctx.now.timestamp())
    return signed.token


FUNCTIONS: tuple[BuiltinFunction, ...] = (jwt,)
