"""Encodings and digests (expected values are Node's Buffer/crypto outputs and published test vectors)."""

from __future__ import annotations

import pytest

from iml_ls.evaluate.values import UNDEFINED, EvaluationError, EvaluationLimitError, JsValue

from .conftest import call, small_context

FOX = "The quick brown fox jumps over the lazy dog"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("user:pass", "dXNlcjpwYXNz"), ("", ""), ("é", "w6k="), (None, ""), (UNDEFINED, ""), (b"\x00\xff", "AP8="),
        ("\ud800", "77+9"), ("\ud83d\ude00", "8J+YgA=="), (12, "MTI="),
    ],
)  # fmt: skip
def test_base64(value: JsValue, expected: str) -> None:
    assert call("base64", value) == expected


def test_base64_refuses_arrays_and_respects_the_budget() -> None:
    with pytest.raises(EvaluationError, match=r"base64\(\) expects text, got an array"):
        call("base64", ["a"])
    with pytest.raises(EvaluationLimitError):
        call("base64", "x" * 90, context=small_context(max_string_length=100))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("hi",), b"hi"), (("aGk=", "base64"), b"hi"), (("aGk", "base64"), b"hi"), (("a G\nk=", "BASE64"), b"hi"),
        (("aGk=garbage", "base64"), b"hi"), (("-_8", "base64"), b"\xfb\xff"), (("6869", "hex"), b"hi"),
        (("abz1", "hex"), b"\xab"), ((b"raw", "hex"), b"raw"), ((None,), b""), (("é", "utf8"), b"\xc3\xa9"),
    ],
)  # fmt: skip
def test_to_binary(args: tuple[JsValue, ...], expected: bytes) -> None:
    assert call("toBinary", *args) == expected


def test_to_binary_refuses_unknown_encodings() -> None:
    with pytest.raises(EvaluationError, match="unknown encoding 'ucs2'"):
        call("toBinary", "x", "ucs2")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a b&c=é/?#[]!'()*~", "a%20b%26c%3D%C3%A9%2F%3F%23%5B%5D!'()*~"), ("", ""), (None, ""), (1.5, "1.5"),
        ("\U0001f600", "%F0%9F%98%80"),
    ],
)  # fmt: skip
def test_encode_url_is_encode_uri_component(value: JsValue, expected: str) -> None:
    assert call("encodeURL", value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a%20b%26c%3D%C3%A9", "a b&c=é"), ("a+b", "a+b"), ("%f0%9f%98%80", "\U0001f600"), ("plain", "plain"), (None, "")],
)
def test_decode_url_is_decode_uri_component(value: JsValue, expected: str) -> None:
    assert call("decodeURL", value) == expected


@pytest.mark.parametrize("value", ["%", "%zz", "100%", "%C3", "%E0%A4%A", "%FF"])
def test_decode_url_reports_malformed_text(value: str) -> None:
    with pytest.raises(EvaluationError, match="URI malformed"):
        call("decodeURL", value)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("md5", ("",), "d41d8cd98f00b204e9800998ecf8427e"),
        ("md5", (FOX,), "9e107d9d372bb6826bd81d3542a419d6"),
        ("md5", (None,), "d41d8cd98f00b204e9800998ecf8427e"),
        ("sha1", ("abc",), "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("sha1", ("abc", "base64"), "qZk+NkcGgWq6PiVxeFDCbJzQ2J0="),
        ("sha1", (FOX, "hex", "key"), "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"),
        ("sha256", ("abc",), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("sha256", ("abc", "base64"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
        ("sha256", (FOX, "hex", "key"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ("sha256", (FOX, "hex", "6b6579", "hex"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ("sha256", (FOX, "hex", "a2V5", "base64"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ("sha256", (FOX, "hex", b"key", "binary"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ("sha256", (FOX, UNDEFINED, "key"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ("sha256", (b"abc",), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("sha512", ("abc",), "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        ("sha512", (FOX, "hex", "key"), "b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb"
                                        "82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a"),
        ("sha1", ("abc", "latin1"), bytes.fromhex("a9993e364706816aba3e25717850c26c9cd0d89d").decode("latin-1")),
    ],
)  # fmt: skip
def test_digests_and_keyed_digests(name: str, args: tuple[JsValue, ...], expected: str) -> None:
    assert call(name, *args) == expected


def test_md5_takes_no_key() -> None:
    assert call("md5", FOX, "hex", "key") == "9e107d9d372bb6826bd81d3542a419d6"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("abc", "base32"), "unknown encoding 'base32'"),
        (("abc", "hex", "k", "utf16"), "unknown key encoding 'utf16'"),
        (("abc", "hex", "k", "binary"), "key must be binary data"),
        ((["abc"],), "expects text, got an array"),
    ],
)
def test_digest_errors(args: tuple[JsValue, ...], message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        call("sha256", *args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((FOX, "key"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
        ((FOX, "key", "SHA1"), "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"),
        ((FOX, "key", "md5"), "80070713463e7749b90c2dc24911e275"),
        ((FOX, "key", "sha256", "base64"), "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="),
        ((FOX, b"key"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
    ],
)
def test_hmac(args: tuple[JsValue, ...], expected: str) -> None:
    assert call("hmac", *args) == expected


def test_hmac_refuses_unknown_algorithms() -> None:
    with pytest.raises(EvaluationError, match="unknown algorithm 'sha3'"):
        call("hmac", "m", "k", "sha3")


def test_sha1_takes_a_key_encoding_like_sha256() -> None:
    hex_key = "6b6579"  # "key"
    assert call("sha1", FOX, "hex", hex_key, "hex") == call("sha1", FOX, "hex", "key")
    assert call("sha1", FOX, "hex", "a2V5", "base64") == "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
