"""Byte-for-byte parity of our jsonwebtoken ``sign`` with node's real jsonwebtoken 9.0.3 (the oracle)."""

from __future__ import annotations

import base64
import json
import math
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from iml_ls.evaluate.jsonwebtoken import JwtSignError, sign
from iml_ls.evaluate.values import UNDEFINED, JsValue, Undefined

ORACLE = Path(__file__).parent
NOW = 1_700_000_000


def to_wire(value: JsValue) -> object:
    """Encode a value for the oracle (JSON plus tags for undefined, Buffers and special numbers)."""
    if isinstance(value, Undefined):
        return {"$undefined": 1}
    if isinstance(value, bytes):
        return {"$buffer": base64.b64encode(value).decode()}
    if isinstance(value, float) and (not math.isfinite(value) or (value == 0 and math.copysign(1, value) < 0)):
        return {"$number": repr(value).replace("inf", "Infinity").replace("nan", "NaN")}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return {"$number": str(value)}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    return value


def oracle(cases: list[tuple[JsValue, JsValue, JsValue, float]]) -> list[dict[str, str]]:
    node = shutil.which("node")
    assert node is not None, "node is required for the parity tests (make test installs it)"
    assert (ORACLE / "node_modules" / "jsonwebtoken").is_dir(), f"run `npm ci --prefix {ORACLE}` (make test does)"
    wire = [{"payload": to_wire(p), "secret": to_wire(s), "options": to_wire(o), "now": now} for p, s, o, now in cases]
    result = subprocess.run(
        [node, str(ORACLE / "oracle.js")], input=json.dumps(wire), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    answers: list[dict[str, str]] = json.loads(result.stdout)
    return answers


def ours(payload: JsValue, secret: JsValue, options: JsValue, now: float) -> dict[str, str]:
    try:
        return {"token": sign(payload, secret, options, now=now).token}
    except JwtSignError as error:
        return {"error": str(error)}


def pem(key: object, pkcs1: bool = False) -> str:
    fmt = serialization.PrivateFormat.TraditionalOpenSSL if pkcs1 else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public = (
        rsa2048.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    encrypted = rsa2048.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    ).decode()
    pkcs8 = pem(rsa2048)
    return {
        "pkcs8": pkcs8,
        "pkcs1": pem(rsa2048, pkcs1=True),
        "crlf": pkcs8.replace("\n", "\r\n"),
        "no-final-newline": pkcs8.rstrip("\n"),
        "one-line": pkcs8.replace("\n", " "),
        "escaped-newlines": pkcs8.replace("\n", "\\n"),
        "public": public,
        "encrypted": encrypted,
        "rsa1024": pem(rsa1024),
        "ec": pem(ec.generate_private_key(ec.SECP256R1())),
        "ed25519": pem(ed25519.Ed25519PrivateKey.generate()),
    }


def named_cases(keys: dict[str, str]) -> list[tuple[str, JsValue, JsValue, JsValue]]:
    """(name, payload, secret, options) for every behaviour the issue lists."""
    base: dict[str, JsValue] = {"iss": "acme", "iat": NOW, "exp": NOW + 3600}
    cases: list[tuple[str, JsValue, JsValue, JsValue]] = []
    for alg in ("HS256", "HS384", "HS512"):
        cases.append((f"{alg} minimal", {"a": 1}, "secret", {"algorithm": alg}))
        cases.append((f"{alg} keyid", base, "secret", {"algorithm": alg, "keyid": "client-123"}))
        cases.append((f"{alg} header.kid (Make docs)", base, "s3cr3t", {"algorithm": alg, "header": {"kid": "c-1"}}))
    for name in ("pkcs8", "pkcs1", "crlf", "no-final-newline"):
        cases.append((f"RS256 {name}", {"name": "Zoë 日本 😀"}, keys[name], {"algorithm": "RS256", "keyid": "k"}))
    cases += [
        ("RS384", base, keys["pkcs8"], {"algorithm": "RS384"}),
        ("RS512", base, keys["pkcs8"], {"algorithm": "RS512"}),
        ("default algorithm", {"a": 1}, "secret", UNDEFINED),
        ("extra header and typ override", base, "s", {"header": {"x5t": "abc", "typ": "at+jwt", "cty": "JWT"}}),
        ("integer-like header key", base, "s", {"header": {"7": 0, "kid": "k"}}),
        ("typ null", base, "s", {"header": {"typ": None}}),
        ("unicode claims", {"n": "é ü ß 日本語 😀 \u2028 \x7f \x00 \"q\""}, "s", {}),
        ("lone surrogate", {"n": "a\ud800b"}, "s", {}),
        ("unicode keyid (latin1 header)", base, "s", {"keyid": "clé-€-😀"}),
        ("floats", {"a": [1.5, 1.0, 1e21, 1e20, 1e16, 1e-7, 0.000001, 0.1 + 0.2, -0.0, -2.5e-8, 1.79e308]}, "s", {}),
        ("large integers", {"a": 12345678901234567890, "b": 2**53 + 1, "c": 10**21}, "s", {}),
        ("integer-like payload keys", {"b": 1, "2": 2, "a": 3, "1": 4, "01": 5, "0\n": 6}, "s", {}),
        ("nested", {"a": {"b": [1, {"c": None}, [True, False]]}, "d": {}}, "s", {}),
        ("implicit iat", {"a": 1}, "s", {}),
        ("zero iat replaced by clock", {"iat": 0}, "s", {}),
        ("float iat", {"iat": 1000.7}, "s", {"expiresIn": 10}),
        ("noTimestamp", {"iat": 1000}, "s", {"noTimestamp": True, "expiresIn": 10}),
        ("noTimestamp false", {"a": 1}, "s", {"noTimestamp": False}),
        ("expiresIn/notBefore numbers", {"a": 1}, "s", {"expiresIn": 3600, "notBefore": -60}),
        ("expiresIn strings", {"a": 1}, "s", {"expiresIn": "1.5h", "notBefore": "10 minutes"}),
        ("unitless expiresIn is ms", {"iat": 100.9}, "s", {"expiresIn": "1500"}),
        ("expiresIn 1y", {"a": 1}, "s", {"expiresIn": "1y"}),
        ("claims from options", {"a": 1}, "s", {"audience": ["x", "y"], "issuer": "i", "subject": "s", "jwtid": "j"}),
        ("encoding latin1", {"n": "é"}, "s", {"encoding": "latin1"}),
        ("encoding utf16le", {"n": "é"}, "s", {"encoding": "utf16le"}),
        ("string payload", "hello", "s", {}),
        ("JSON text payload", '{"a":1}', "s", {"keyid": "k"}),
        ("number payload", 1e21, "s", {}),
        ("boolean payload", True, "s", {}),
        ("Buffer payload", b"\xffabc", "s", {}),
        ("Buffer secret", {"a": 1}, b"\x00\x01secret", {}),
        ("empty Buffer secret", {"a": 1}, b"", {}),
        ("public PEM as HMAC secret", {"a": 1}, keys["public"], {}),
        ("encrypted PEM as HMAC secret", {"a": 1}, keys["encrypted"], {}),
        ("none with empty secret", {"a": 1}, "", {"algorithm": "none"}),
        ("RS256 1024 allowed", {"a": 1}, keys["rsa1024"], {"algorithm": "RS256", "allowInsecureKeySizes": True}),
        # Rejections
        ("missing secret", {"a": 1}, UNDEFINED, {}),
        ("empty secret", {"a": 1}, "", {}),
        ("null secret", {"a": 1}, None, {}),
        ("number secret", {"a": 1}, 42, {}),
        ("object secret", {"a": 1}, {"x": 1}, {}),
        ("HS with PKCS#8 private key", {"a": 1}, keys["pkcs8"], {"algorithm": "HS256"}),
        ("HS with PKCS#1 private key", {"a": 1}, keys["pkcs1"], {"algorithm": "HS512"}),
        ("RS256 with a plain secret", {"a": 1}, "secret", {"algorithm": "RS256"}),
        ("RS256 with a public key", {"a": 1}, keys["public"], {"algorithm": "RS256"}),
        ("RS256 with an encrypted key", {"a": 1}, keys["encrypted"], {"algorithm": "RS256"}),
        ("RS256 one-line PEM", {"a": 1}, keys["one-line"], {"algorithm": "RS256"}),
        ("RS256 escaped newlines", {"a": 1}, keys["escaped-newlines"], {"algorithm": "RS256"}),
        ("RS256 1024-bit", {"a": 1}, keys["rsa1024"], {"algorithm": "RS256"}),
        ("RS256 EC key", {"a": 1}, keys["ec"], {"algorithm": "RS256"}),
        ("RS256 Ed25519 key", {"a": 1}, keys["ed25519"], {"algorithm": "RS256"}),
        ("missing payload", UNDEFINED, "s", {}),
        ("null payload", None, "s", {}),
        ("array payload", [1], "s", {}),
        ("string exp", {"exp": "soon"}, "s", {}),
        ("string iat", {"iat": "1"}, "s", {}),
        ("boolean nbf", {"nbf": True}, "s", {}),
        ("null exp", {"exp": None}, "s", {}),
        ("exp + expiresIn", {"exp": 1}, "s", {"expiresIn": 60}),
        ("nbf + notBefore", {"nbf": 1}, "s", {"notBefore": 60}),
        ("aud + audience", {"aud": "x"}, "s", {"audience": "y"}),
        ("iss + issuer", {"iss": "x"}, "s", {"issuer": "y"}),
        ("sub + subject", {"sub": "x"}, "s", {"subject": "y"}),
        ("jti + jwtid", {"jti": "x"}, "s", {"jwtid": "y"}),
        ("unknown option kid", {"a": 1}, "s", {"kid": "x"}),
        ("unknown option expiresin", {"a": 1}, "s", {"expiresin": 60}),
        ("unknown option headers", {"a": 1}, "s", {"headers": {}}),
        ("algorithm hs256", {"a": 1}, "s", {"algorithm": "hs256"}),
        ("algorithm RS257", {"a": 1}, "s", {"algorithm": "RS257"}),
        ("algorithm HS257", {"a": 1}, "s", {"algorithm": "HS257"}),
        ("algorithm null", {"a": 1}, "s", {"algorithm": None}),
        ("algorithm number", {"a": 1}, "s", {"algorithm": 256}),
        ("header.alg invalid", {"a": 1}, "s", {"header": {"alg": "HS999"}}),
        ("header.alg null", {"a": 1}, "s", {"header": {"alg": None}}),
        ("header not object", {"a": 1}, "s", {"header": "x"}),
        ("expiresIn float", {"a": 1}, "s", {"expiresIn": 1.5}),
        ("expiresIn unparsable", {"a": 1}, "s", {"expiresIn": "1 fortnight"}),
        ("notBefore unparsable", {"a": 1}, "s", {"notBefore": " 1h"}),
        ("audience number", {"a": 1}, "s", {"audience": 5}),
        ("issuer number", {"a": 1}, "s", {"issuer": 5}),
        ("noTimestamp text", {"a": 1}, "s", {"noTimestamp": "yes"}),
        ("keyid number", {"a": 1}, "s", {"keyid": 5}),
        ("encoding unknown", {"a": 1}, "s", {"encoding": "utf9"}),
        ("options array", {"a": 1}, "s", [1]),
        ("string payload with claim options", "x", "s", {"expiresIn": 1, "issuer": "i"}),
        ("Buffer payload with claim options", b"x", "s", {"noTimestamp": False}),
        ("first failure: key before payload", None, keys["pkcs8"], {"algorithm": "HS256"}),
        ("first failure: payload before options", {"exp": "x"}, "s", {"bogus": 1}),
        ("first failure: options in order", {"a": 1}, "s", {"issuer": 1, "subject": 2}),
        ("first failure: claims in key order", {"nbf": "a", "exp": "b"}, "s", {}),
    ]  # fmt: skip
    return cases


def test_named_cases_are_byte_identical(keys: dict[str, str]) -> None:
    cases = named_cases(keys)
    expected = oracle([(p, s, o, NOW) for _, p, s, o in cases])
    mismatches = [
        (name, theirs, got)
        for (name, p, s, o), theirs in zip(cases, expected, strict=True)
        if (got := ours(p, s, o, NOW)) != theirs
    ]
    assert mismatches == [], "\n".join(f"{n}:\n  node: {t}\n  ours: {g}" for n, t, g in mismatches)
    assert sum("token" in e for e in expected) > 40 and sum("error" in e for e in expected) > 40


def random_value(rng: random.Random, depth: int = 0) -> JsValue:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice([0, 1, -1, 2**53 + 1, 10**21, 12345678901234567890, rng.randrange(-(10**9), 10**9)])
    if kind == 1:
        return rng.choice([1e-12, 1e-7, 1e-6, 0.1 + 0.2, -0.0, 1e16, 1e21, 1e25, 1.5]) * rng.choice([1, -1, 3.7])
    if kind == 2:
        alphabet = ["a", "é", "日", "😀", "\ud800", "\u2028", "\x00", "\x1f", '"', "\\", "/", "\x7f"]
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
    if kind == 3:
        return rng.choice([True, False, None])
    if kind in (4, 5):
        return rng.choice(["x", "ab", "Zoë"])
    if kind in (6, 7):
        keys = ["a", "b", "1", "2", "01", "0\n", "10", "é", "iss", "sub"]
        return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def random_case(rng: random.Random, keys: dict[str, str]) -> tuple[JsValue, JsValue, JsValue]:
    payload: JsValue = random_value(rng, 1) if rng.random() < 0.05 else {"sub": random_value(rng, 1)}
    if isinstance(payload, dict):
        payload.update({str(rng.choice(["1", "b", "a"])): random_value(rng, 1) for _ in range(rng.randrange(3))})
        for claim in ("iat", "exp", "nbf"):
            if rng.random() < 0.3:
                payload[claim] = rng.choice([NOW, NOW + 60, 0, 1000.5, "x", None, NOW - 60])
    alg = rng.choice(["HS256", "HS384", "HS512", "RS256", "HS256", "RS256", "hs256", "none"])
    secret = keys["pkcs8"] if alg == "RS256" and rng.random() < 0.9 else rng.choice(["secret", "", b"k", keys["pkcs1"]])
    options: dict[str, JsValue] = {"algorithm": alg}
    choices: dict[str, list[JsValue]] = {
        "expiresIn": [60, "1h", "100", 1.5, "x"],
        "notBefore": [0, "2d", -5],
        "audience": ["a", ["a", "b"], 1],
        "issuer": ["i", 3],
        "subject": ["s"],
        "jwtid": ["j"],
        "keyid": ["k", "clé"],
        "header": [{"kid": "h", "x": 1}, {"typ": None}, "bad"],
        "noTimestamp": [True, False, "no"],
        "kid": ["x"],
    }
    for name, values in choices.items():
        if rng.random() < 0.12:
            options[name] = rng.choice(values)
    return payload, secret, options


def test_randomized_cases_are_byte_identical(keys: dict[str, str]) -> None:
    count = int(os.environ.get("IML_PARITY_CASES", "1000"))
    rng = random.Random(20261128)
    cases = [(*random_case(rng, keys), NOW + rng.randrange(-5, 5)) for _ in range(count)]
    expected = oracle(cases)
    mismatches = [
        (case, theirs, got) for case, theirs in zip(cases, expected, strict=True) if (got := ours(*case)) != theirs
    ]
    assert not mismatches, f"{len(mismatches)} of {count} differ; first: {mismatches[0]!r}"
    assert sum("token" in e for e in expected) > count // 5
