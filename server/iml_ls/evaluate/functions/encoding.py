"""Encodings and digests: base64, URL encoding, binary data, md5/sha1/sha256/sha512 and HMAC.

Text is hashed and encoded as UTF-8, the way Node's ``Buffer.from(text)`` encodes it (a lone
surrogate becomes U+FFFD); binary data is used as it is.
"""

from __future__ import annotations

import base64 as _base64
import hashlib
import hmac as _hmac
import re
import urllib.parse
from collections.abc import Sequence

from iml_ls.evaluate.functions.spec import (
    BuiltinFunction,
    arg,
    check_length,
    check_size,
    function,
    is_absent,
    optional_text,
    text_argument,
)
from iml_ls.evaluate.values import EvalContext, EvaluationError, JsValue

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BASE64_ALPHABET = re.compile(r"[A-Za-z0-9+/\-_]*")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_URL_SAFE = "-_.!~*'()"
_DIGEST_ENCODINGS = ("hex", "base64", "latin1")
_KEY_ENCODINGS = ("text", "hex", "base64", "binary")


def utf8(text: str) -> bytes:
    """Text as Node encodes it in UTF-8: surrogate pairs joined, lone surrogates as U+FFFD."""
    if _LONE_SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return text.encode("utf-8")


def data_argument(name: str, value: JsValue) -> bytes:
    """A text-or-binary parameter as bytes (text as UTF-8; null and undefined as no bytes)."""
    return value if isinstance(value, bytes) else utf8(text_argument(name, value))


def decode_base64(text: str) -> bytes:
    """Base64 read as leniently as Node reads it: white space ignored, URL-safe letters accepted,
    decoding stops at ``=`` or the first character outside the alphabet."""
    letters = _BASE64_ALPHABET.match(re.sub(r"\s+", "", text))
    assert letters is not None  # the pattern matches the empty prefix
    standard = letters.group().replace("-", "+").replace("_", "/")
    usable = len(standard) - (1 if len(standard) % 4 == 1 else 0)
    return _base64.b64decode(standard[:usable] + "=" * (-usable % 4))


def decode_hex(text: str) -> bytes:
    """Hex read as Node reads it: pairs of hex digits up to the first pair that is not one."""
    pairs = re.match(r"(?:[0-9A-Fa-f]{2})*", text)
    assert pairs is not None
    return bytes.fromhex(pairs.group())


@function(
    "base64",
    "text",
    "text",
    "The text (or binary data) encoded as Base64.",
    "base64('user:pass')",
    "dXNlcjpwYXNz",
    text="Text (encoded as UTF-8 first) or binary data.",
)
def base64(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    data = data_argument("base64", arg(args, 0))
    check_length(ctx, (len(data) + 2) // 3 * 4, text=True)
    return _base64.b64encode(data).decode("ascii")


@function(
    "toBinary",
    "value, [encoding]",
    "binary",
    "The value as binary data; with `base64` or `hex`, the text is decoded from that encoding first.",
    "toBinary('aGk=', 'base64')",
    "binary 68 69",
    "Encodings other than `utf8`, `base64` and `hex` (Make may accept more, as Node does) are refused.",
    value="The text (or binary data, returned as it is).",
    encoding="`utf8` (default), `base64` or `hex`.",
)
def to_binary(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    value = arg(args, 0)
    encoding = optional_text("toBinary", arg(args, 1), "utf8").lower()
    if isinstance(value, bytes):
        return value
    text = text_argument("toBinary", value)
    if encoding == "base64":
        return decode_base64(text)
    if encoding == "hex":
        return decode_hex(text)
    if encoding not in ("utf8", "utf-8"):
        raise EvaluationError(f"toBinary(): unknown encoding '{encoding}'; use utf8, base64 or hex.")
    return check_size(ctx, utf8(text))


@function(
    "encodeURL",
    "text",
    "text",
    "The text encoded for a URL query value or path segment (JavaScript's `encodeURIComponent`).",
    "encodeURL('a b&c=é')",
    "a%20b%26c%3D%C3%A9",
    text="The text to encode.",
)
def encode_url(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    data = data_argument("encodeURL", arg(args, 0))
    check_length(ctx, len(data) * 3, text=True)
    return urllib.parse.quote(data, safe=_URL_SAFE)


@function(
    "decodeURL",
    "text",
    "text",
    "The text with its `%XX` escapes decoded (JavaScript's `decodeURIComponent`; `+` stays `+`).",
    "decodeURL('a%20b%26c')",
    "a b&c",
    text="The URL-encoded text.",
)
def decode_url(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("decodeURL", arg(args, 0))

    def decode_run(run: re.Match[str]) -> str:
        try:
            return bytes.fromhex(run.group().replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            raise EvaluationError(f"decodeURL(): '{run.group()}' is not valid UTF-8 (URI malformed).") from None

    decoded = _PERCENT_RUN.sub(decode_run, text)
    if "%" in _PERCENT_RUN.sub("", text):
        raise EvaluationError("decodeURL(): a '%' not followed by two hex digits (URI malformed).")
    return decoded


def _encode_digest(name: str, digest: bytes, encoding: str) -> str:
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return _base64.b64encode(digest).decode("ascii")
    if encoding == "latin1":
        return digest.decode("latin-1")
    raise EvaluationError(f"{name}(): unknown encoding '{encoding}'; use {', '.join(_DIGEST_ENCODINGS)}.")


def _key_bytes(name: str, key: JsValue, key_encoding: str) -> bytes:
    if key_encoding == "binary":
        if not isinstance(key, bytes):
            raise EvaluationError(f"{name}(): with key encoding 'binary' the key must be binary data.")
        return key
    if key_encoding == "text":
        return data_argument(name, key)
    if key_encoding in ("hex", "base64"):
        text = text_argument(name, key)
        return decode_hex(text) if key_encoding == "hex" else decode_base64(text)
    raise EvaluationError(f"{name}(): unknown key encoding '{key_encoding}'; use {', '.join(_KEY_ENCODINGS)}.")


def _digest(name: str, algorithm: str, *, keyed: bool, example_result: str) -> BuiltinFunction:
    """md5/sha1/sha256/sha512: a digest, or an HMAC when a key is given (as Make's scenario functions do)."""

    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
        data = data_argument(name, arg(args, 0))
        encoding = optional_text(name, arg(args, 1), "hex").lower()
        key = arg(args, 2)
        if keyed and not is_absent(key):
            key_format = optional_text(name, arg(args, 3), "text").lower()
            digest = _hmac.new(_key_bytes(name, key, key_format), data, algorithm).digest()
        else:
            digest = hashlib.new(algorithm, data).digest()
        return _encode_digest(name, digest, encoding)

    parameters = "text, [encoding], [key], [keyEncoding]" if keyed else "text"
    return function(
        name,
        parameters,
        "text",
        f"The {algorithm.upper()} digest of the text, in hex"
        + (" (or base64); with a key, the HMAC-" + algorithm.upper() + " instead." if keyed else "."),
        f"{name}('Make')",
        example_result,
        "The extra arguments follow Make's scenario documentation; whether app IML accepts them the same way "
        "is unverified."
        if keyed
        else None,
        text="Text (UTF-8) or binary data.",
        encoding="`hex` (default), `base64` or `latin1`.",
        key="A secret key: the result is then an HMAC.",
        keyEncoding="How the key is written: `text` (default), `hex`, `base64` or `binary`.",
    )(implementation)


md5 = _digest("md5", "md5", keyed=False, example_result="529a05ca6c1263aab080ec4f20754411")
sha1 = _digest("sha1", "sha1", keyed=True, example_result="a94431ee22f05f141107f9355ed3127d0f0c4d5a")
sha256 = _digest(
    "sha256", "sha256", keyed=True, example_result="ccdd25d4230fb997a7ee1166f8afabd157248eb812ea55ec7c3d1b7c8af7fa11"
)
sha512 = _digest("sha512", "sha512", keyed=True, example_result="e8000cd0fb8fae18…")


@function(
    "hmac",
    "text, key, [algorithm], [encoding]",
    "text",
    "The HMAC of the text with the key, in hex (or base64).",
    "hmac('message', 'key', 'sha256')",
    "6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a",
    not_in_make="No Make documentation or library listing has `hmac()`: Make computes an HMAC with "
    "`sha1`, `sha256` or `sha512(text, encoding, key)`, so a call to `hmac()` likely fails when Make runs it.",
    text="The message.",
    key="The secret key (text as UTF-8, or binary data).",
    algorithm="`md5`, `sha1`, `sha256` (default), `sha384` or `sha512`.",
    encoding="`hex` (default), `base64` or `latin1`.",
)
def hmac(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    algorithm = optional_text("hmac", arg(args, 2), "sha256").lower()
    if algorithm not in ("md5", "sha1", "sha256", "sha384", "sha512"):
        raise EvaluationError(f"hmac(): unknown algorithm '{algorithm}'; use sha1, sha256 or sha512.")
    digest = _hmac.new(data_argument("hmac", arg(args, 1)), data_argument("hmac", arg(args, 0)), algorithm).digest()
    return _encode_digest("hmac", digest, optional_text("hmac", arg(args, 3), "hex").lower())


FUNCTIONS: tuple[BuiltinFunction, ...] = (base64, to_binary, encode_url, decode_url, md5, sha1, sha256, sha512, hmac)
