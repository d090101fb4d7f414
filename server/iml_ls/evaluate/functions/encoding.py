"""Encodings and digests: base64, URL encoding, binary, md5/sha*, hmac."""

from __future__ import annotations

import base64 as _base64
import hashlib
import hmac as _hmac
import urllib.parse
from collections.abc import Sequence

from iml_ls.evaluate.coerce import to_string
from iml_ls.evaluate.functions.spec import BuiltinFunction, arg, check_size, function
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue, Undefined


def _bytes(value: JsValue) -> bytes:
    """Text as UTF-8 bytes; binary as it is."""
    if isinstance(value, bytes):
        return value
    if value is None or isinstance(value, Undefined):
        return b""
    return to_string(value).encode("utf-8", "surrogatepass")


@function(
    "base64",
    "text",
    "text",
    "The text (or binary data) encoded as Base64.",
    "base64('user:pass')",
    "dXNlcjpwYXNz",
    text="Text (encoded as UTF-8) or binary data.",
)
def base64(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return check_size(ctx, _base64.b64encode(_bytes(arg(args, 0))).decode("ascii"))


@function(
    "toBinary",
    "value, [encoding]",
    "binary",
    "Text as binary data; with `base64` or `hex`, decoded first.",
    "toBinary('aGk=', 'base64')",
    "binary 'hi'",
    "Make's full list of encodings is not documented here.",
    value="The text.",
    encoding="`utf8` (default), `base64` or `hex`.",
)
def to_binary(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value, encoding = arg(args, 0), arg(args, 1)
    name = "utf8" if isinstance(encoding, Undefined) else to_string(encoding).lower()
    try:
        if name == "base64":
            return _base64.b64decode(to_string(value) + "==")
        if name == "hex":
            return bytes.fromhex(to_string(value))
    except ValueError as error:
        raise EvaluationError(f"toBinary(): the text is not valid {name}: {error}.") from None
    if name not in ("utf8", "utf-8", "binary"):
        raise EvaluationError(f"toBinary(): unknown encoding `{name}`; use utf8, base64 or hex.")
    return _bytes(value)


@function(
    "encodeURL",
    "text",
    "text",
    "The text encoded for use in a URL (like encodeURIComponent).",
    "encodeURL('a b&c')",
    "a%20b%26c",
    text="The text to encode.",
)
def encode_url(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return urllib.parse.quote(_bytes(arg(args, 0)), safe="-_.!~*'()")


@function(
    "decodeURL",
    "text",
    "text",
    "Decodes `%XX` escapes in URL text.",
    "decodeURL('a%20b')",
    "a b",
    text="The text to decode.",
)
def decode_url(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = to_string(arg(args, 0)) if not isinstance(arg(args, 0), Undefined) else ""
    return urllib.parse.unquote(text, errors="strict")


def _digest(name: str, algorithm: str) -> BuiltinFunction:
    empty = hashlib.new(algorithm, b"").hexdigest()

    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        encoding = arg(args, 1)
        digest = hashlib.new(algorithm, _bytes(arg(args, 0))).digest()
        if not isinstance(encoding, Undefined) and to_string(encoding).lower() == "base64":
            return _base64.b64encode(digest).decode("ascii")
        return digest.hex()

    return function(
        name,
        "text, [encoding]",
        "text",
        f"The {algorithm.upper()} digest of the text, in hex (or base64).",
        f"{name}('')",
        empty[:12] + "…",
        "Make's scenario version also takes a key for HMAC; here only the digest of the text is computed.",
        text="Text (UTF-8) or binary data.",
        encoding="`hex` (default) or `base64`.",
    )(implementation)


md5, sha1, sha256, sha512 = (_digest(n, n) for n in ("md5", "sha1", "sha256", "sha512"))


@function(
    "hmac",
    "text, key, [algorithm], [encoding]",
    "text",
    "The HMAC of the text with the key, in hex.",
    "hmac('message', 'key', 'sha256')",
    "6e9ef29b75ff…",
    "The argument order follows Make's documentation for scenarios; its exact form in apps is unverified.",
    text="The message.",
    key="The secret key.",
    algorithm="`sha1`, `sha256` (default) or `sha512`.",
    encoding="`hex` (default) or `base64`.",
)
def hmac(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    algorithm = "sha256" if isinstance(arg(args, 2), Undefined) else to_string(arg(args, 2)).lower()
    if algorithm not in ("md5", "sha1", "sha256", "sha384", "sha512"):
        raise EvaluationError(f"hmac(): unknown algorithm `{algorithm}`; use sha1, sha256 or sha512.")
    digest = _hmac.new(_bytes(arg(args, 1)), _bytes(arg(args, 0)), algorithm).digest()
    if not isinstance(arg(args, 3), Undefined) and to_string(arg(args, 3)).lower() == "base64":
        return _base64.b64encode(digest).decode("ascii")
    return digest.hex()


FUNCTIONS: tuple[BuiltinFunction, ...] = (base64, to_binary, encode_url, decode_url, md5, sha1, sha256, sha512, hmac)
