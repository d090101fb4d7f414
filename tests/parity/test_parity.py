"""Byte-for-byte parity of our jsonwebtoken ``sign`` with node's real jsonwebtoken 9.0.3 (the oracle).

Every case runs through ``tests/parity/oracle.js`` (one node process per batch) and through our
``sign``/``jwt_function``; tokens must be identical and errors must carry the same message and class.
ES*/PS* and forced key/algorithm mismatches sign with random salts or nonces: for them the header and
payload segments must be identical and our signature must verify.

Besides the named cases, three randomized comparisons: JSON number texts against ``JSON.parse``,
random ``sign()`` calls (``IML_PARITY_CASES``, 3,000 by default), and random connection files whose
requests call ``jwt()`` (``IML_PARITY_CONNECTION_CASES``, 2,000), where the preview must give node's
token or its rejection, ``check`` must report every rejection, and the CLI must write every answer.
``IML_PARITY_CASES=50000 IML_PARITY_SEED=7 pytest tests/parity`` runs deeper (``make fuzz`` does).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jwt as pyjwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from iml_ls.checks import diagnostics
from iml_ls.evaluate import environment
from iml_ls.evaluate.environment import plain_value
from iml_ls.evaluate.js_json import number_to_string
from iml_ls.evaluate.jsonwebtoken import JwtSignError, jwt_function, sign
from iml_ls.evaluate.values import UNDEFINED, JsValue, Undefined
from iml_ls.syntax.json_tree import parse_json
from iml_ls.text.line_index import LineIndex

ORACLE = Path(__file__).parent
OBJECT_PROTOTYPE_NAMES = (
    "constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__", "__lookupSetter__",
    "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString",
)  # fmt: skip
"""``Object.getOwnPropertyNames(Object.prototype)`` in Node 20."""
NOW = 1_700_000_000
RANDOM_SIGNATURE_PREFIXES = ("ES", "PS")
"""Algorithms whose signatures are random (ECDSA nonce, PSS salt): compared by verification."""


@dataclass(frozen=True)
class JsonText:
    """A value written as JSON text, as in a connection file: node reads it with ``JSON.parse``, iml-ls
    with its connection-file parser (so the two parsers are compared too)."""

    text: str

    def value(self) -> JsValue:
        document = parse_json(LineIndex(self.text))
        assert not document.problems, (self.text, document.problems)
        return plain_value(document.root)


def parsed(value: JsValue | JsonText) -> JsValue:
    return value.value() if isinstance(value, JsonText) else value


@dataclass(frozen=True)
class Case:
    """One call: ``sign(payload, secret, options)``, or Make's ``jwt()`` when ``algorithm`` is given."""

    name: str
    payload: JsValue | JsonText
    secret: JsValue
    options: JsValue | JsonText = UNDEFINED
    algorithm: JsValue = field(default=UNDEFINED)
    now: float = NOW
    via_jwt_function: bool = False


def to_wire(value: JsValue | JsonText) -> object:
    """Encode a value for the oracle (JSON plus tags for undefined, Buffers, Dates, special numbers, JSON text)."""
    if isinstance(value, JsonText):
        return {"$json": value.text}
    if isinstance(value, Undefined):
        return {"$undefined": 1}
    if isinstance(value, bytes):
        return {"$buffer": base64.b64encode(value).decode()}
    if isinstance(value, dt.datetime):
        return {"$date": math.floor(value.timestamp() * 1000)}
    if isinstance(value, float) and (not math.isfinite(value) or (value == 0 and math.copysign(1, value) < 0)):
        return {"$number": repr(value).replace("inf", "Infinity").replace("nan", "NaN")}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return {"$number": str(value)}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    return value


def oracle(cases: list[Case]) -> list[dict[str, str]]:
    """What node's jsonwebtoken answers for each case (one node process for the whole batch)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is required for the parity tests: install Node.js 20, then run `npm ci --prefix tests/parity`"
        )
    if not (ORACLE / "node_modules" / "jsonwebtoken").is_dir():
        pytest.fail("the parity oracle's jsonwebtoken is missing: run `npm ci --prefix tests/parity` (make test does)")
    wire = []
    for case in cases:
        item = {"payload": to_wire(case.payload), "secret": to_wire(case.secret), "options": to_wire(case.options)}
        if case.via_jwt_function and not isinstance(case.algorithm, Undefined):  # an absent argument copies nothing
            item["algorithm"] = to_wire(case.algorithm)
        wire.append({**item, "now": case.now})
    result = subprocess.run(
        [node, str(ORACLE / "oracle.js")], input=json.dumps(wire), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    answers: list[dict[str, str]] = json.loads(result.stdout)
    assert len(answers) == len(cases)
    return answers


def ours(case: Case) -> dict[str, str]:
    try:
        payload, options = parsed(case.payload), parsed(case.options)
        if case.via_jwt_function:
            signed = jwt_function(payload, case.secret, case.algorithm, options, now=case.now)
        else:
            signed = sign(payload, case.secret, options, now=case.now)
    except JwtSignError as error:
        return {"error": error.message, "name": error.js_name}
    return {"token": signed.token}


def differs(case: Case, theirs: dict[str, str], got: dict[str, str], public_keys: dict[str, object]) -> bool:
    """Whether our answer differs from node's (random signatures: same signing input and ours verifies)."""
    if "token" not in theirs or "token" not in got:
        return theirs != got
    header_text = base64.urlsafe_b64decode(theirs["token"].split(".")[0] + "==").decode("latin-1")
    header = json.loads(header_text, strict=False)  # latin1 bytes of astral characters include control bytes
    algorithm = header.get("alg") if isinstance(header, dict) else None
    if not (isinstance(algorithm, str) and algorithm.startswith(RANDOM_SIGNATURE_PREFIXES)) and not forced(case):
        return theirs != got
    their_input, _, _ = theirs["token"].rpartition(".")
    our_input, _, our_signature = got["token"].rpartition(".")
    if their_input != our_input:
        return True
    public = public_keys.get(case.secret) if isinstance(case.secret, str) else None
    if public is None or forced(case) or not isinstance(algorithm, str):
        return False
    signature = base64.urlsafe_b64decode(our_signature + "==")
    verifier = pyjwt.get_algorithm_by_name(algorithm)
    return not verifier.verify(our_input.encode(), public, signature)


def forced(case: Case) -> bool:
    return isinstance(case.options, dict) and case.options.get("allowInvalidAsymmetricKeyTypes") is True


def assert_parity(cases: list[Case], public_keys: dict[str, object]) -> list[dict[str, str]]:
    expected = oracle(cases)
    mismatches = [
        (case, theirs, got)
        for case, theirs in zip(cases, expected, strict=True)
        if differs(case, theirs, got := ours(case), public_keys)
    ]
    details = "\n".join(
        f"{case.name}: payload={case.payload!r:.300} options={case.options!r:.300} algorithm={case.algorithm!r}\n"
        f"  node: {theirs}\n  ours: {got}"
        for case, theirs, got in mismatches[:5]
    )
    assert not mismatches, f"{len(mismatches)} of {len(cases)} cases differ from node's jsonwebtoken:\n{details}"
    return expected


# --------------------------------------------------------------------------------------------
# Keys (generated per session; never committed)
# --------------------------------------------------------------------------------------------


def pem(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | dsa.DSAPrivateKey,
    pkcs1: bool = False,
    password: bytes | None = None,
) -> str:
    fmt = serialization.PrivateFormat.TraditionalOpenSSL if pkcs1 else serialization.PrivateFormat.PKCS8
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode()


def der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def rsa_pss_pem(key: rsa.RSAPrivateKey, with_parameters: bool) -> str:
    """The key as a PKCS#8 RSASSA-PSS key (cryptography cannot write those; Node reads them as rsa-pss)."""
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    rsa_algorithm = bytes.fromhex("300d06092a864886f70d0101010500")
    assert rsa_algorithm in pkcs8
    oid = bytes.fromhex("06092a864886f70d01010a")
    sha256 = der(0x30, bytes.fromhex("0609608648016503040201"))
    mgf1 = der(0x30, bytes.fromhex("06092a864886f70d010108") + sha256)
    parameters = der(0x30, der(0xA0, sha256) + der(0xA1, mgf1) + der(0xA2, der(0x02, b"\x20")))
    algorithm = der(0x30, oid + (parameters if with_parameters else b""))
    body = pkcs8[pkcs8.index(rsa_algorithm) + len(rsa_algorithm) :]
    outer = der(0x30, der(0x02, b"\x00") + algorithm + body)
    lines = [base64.b64encode(outer[i : i + 48]).decode() for i in range(0, len(outer), 48)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def certificate(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "iml-ls test")])
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass(frozen=True)
class Keys:
    pem: dict[str, str]
    public: dict[str, object]
    """Public key per PEM text, to verify random signatures."""


@pytest.fixture(scope="session")
def keys() -> Keys:
    rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa3072 = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    pkcs8 = pem(rsa2048)
    public = (
        rsa2048.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    body = pkcs8.splitlines()[1:-1]
    texts = {
        "pkcs8": pkcs8,
        "pkcs1": pem(rsa2048, pkcs1=True),
        "rsa3072": pem(rsa3072),
        "rsa1024": pem(rsa1024),
        "public": public,
        "certificate": certificate(rsa2048),
        "encrypted": pem(rsa2048, password=b"pw"),
        "encrypted-pkcs1": pem(rsa2048, pkcs1=True, password=b"pw"),
        "ec": pem(p256),
        "ec384": pem(p384),
        "ed25519": pem(ed25519.Ed25519PrivateKey.generate()),
        "dsa": pem(dsa.generate_private_key(2048)),
        "rsa-pss": rsa_pss_pem(rsa2048, with_parameters=True),
        "rsa-pss-unrestricted": rsa_pss_pem(rsa2048, with_parameters=False),
        # Layouts Node reads as a key
        "crlf": pkcs8.replace("\n", "\r\n"),
        "no-final-newline": pkcs8.rstrip("\n"),
        "text lines before": "my service account key\n\n" + pkcs8,
        "text after END line": pkcs8 + "more text\n",
        "indented body": "\n".join([pkcs8.splitlines()[0], *("  " + line for line in body), pkcs8.splitlines()[-1]]),
        "spaces after BEGIN dashes": pkcs8.replace("-----\n", "-----  \n", 1),
        "body on one line": "\n".join([pkcs8.splitlines()[0], "".join(body), pkcs8.splitlines()[-1]]) + "\n",
        "certificate then key": certificate(rsa2048) + pkcs8,
        # Layouts Node does not read as a key
        "one-line": pkcs8.replace("\n", " "),
        "tabs for line breaks": pkcs8.replace("\n", "\t"),
        "escaped-newlines": pkcs8.replace("\n", "\\n"),
        "indented BEGIN": "  " + pkcs8,
        "text before BEGIN on its line": "key: " + pkcs8,
        "text after END dashes": pkcs8.rstrip("\n") + " trailing\n",
        "blank line before END": pkcs8.replace("\n-----END", "\n\n-----END"),
        "CR line breaks": pkcs8.replace("\n", "\r"),
        "label mismatch": pkcs8.replace("END PRIVATE KEY", "END RSA PRIVATE KEY"),
    }
    pss = texts["rsa-pss"]
    texts |= {
        "rsa-pss after a blank line": "\n" + pss,
        "rsa-pss after text lines": "service account key\n\n" + pss,
        "rsa-pss after a certificate": texts["certificate"] + pss,
    }
    public_keys: dict[str, object] = {
        texts["pkcs8"]: rsa2048.public_key(),
        texts["rsa3072"]: rsa3072.public_key(),
        texts["rsa-pss"]: rsa2048.public_key(),
        texts["rsa-pss after text lines"]: rsa2048.public_key(),
        texts["ec"]: p256.public_key(),
        texts["ec384"]: p384.public_key(),
    }
    return Keys(texts, public_keys)


# --------------------------------------------------------------------------------------------
# Named cases
# --------------------------------------------------------------------------------------------


def named_cases(keys: dict[str, str]) -> list[Case]:
    """Every behaviour the issue lists, each with a name that says what it checks."""
    base: dict[str, JsValue] = {"iss": "acme", "iat": NOW, "exp": NOW + 3600}
    cases: list[Case] = []
    for alg in ("HS256", "HS384", "HS512"):
        cases += [
            Case(f"{alg} minimal", {"a": 1}, "secret", {"algorithm": alg}),
            Case(f"{alg} keyid", base, "secret", {"algorithm": alg, "keyid": "client-123"}),
            Case(f"{alg} header.kid", base, "s3cr3t", {"algorithm": alg, "header": {"kid": "c-1"}}),
        ]
    for alg in ("RS256", "RS384", "RS512"):
        cases.append(Case(f"{alg} PKCS#8", base, keys["pkcs8"], {"algorithm": alg}))
    for name in (
        "pkcs8",
        "pkcs1",
        "rsa3072",
        "crlf",
        "no-final-newline",
        "text lines before",
        "text after END line",
        "indented body",
        "spaces after BEGIN dashes",
        "body on one line",
        "certificate then key",
        "one-line",
        "tabs for line breaks",
        "escaped-newlines",
        "indented BEGIN",
        "text before BEGIN on its line",
        "text after END dashes",
        "blank line before END",
        "CR line breaks",
        "label mismatch",
    ):
        cases.append(
            Case(
                f"RS256 key layout: {name}",
                {"name": "Zoë 日本 😀", "n": 1.5},
                keys[name],
                {"algorithm": "RS256", "keyid": "k"},
            )
        )
        cases.append(Case(f"HS256 key layout: {name}", {"a": 1}, keys[name], {"algorithm": "HS256"}))
    cases += [
        # Make's jwt(payload, key, algorithm, options)
        Case(
            "jwt(): Make docs shape HS512 + header.kid",
            {"iss": "client-1", "scope": "read", "iat": NOW},
            "s3cr3t",
            {"header": {"kid": "client-1"}},
            "HS512",
            via_jwt_function=True,
        ),
        Case("jwt(): algorithm, no options", {"a": 1}, "s", UNDEFINED, "HS384", via_jwt_function=True),
        Case("jwt(): algorithm, null options", {"a": 1}, "s", None, "HS512", via_jwt_function=True),
        Case("jwt(): no algorithm, no options", {"a": 1}, "s", UNDEFINED, UNDEFINED, via_jwt_function=True),
        Case(
            "jwt(): algorithm overrides options.algorithm",
            {"a": 1},
            "s",
            {"algorithm": "HS512"},
            "HS256",
            via_jwt_function=True,
        ),
        Case("jwt(): RS256", {"a": 1}, keys["pkcs1"], {"keyid": "k"}, "RS256", via_jwt_function=True),
        Case("jwt(): lower-case algorithm", {"a": 1}, "s", {}, "hs256", via_jwt_function=True),
        Case("jwt(): options array keeps no algorithm", {"a": 1}, "s", [1], "HS256", via_jwt_function=True),
        Case(
            "jwt(): unknown option listed before algorithm", {"a": 1}, "s", {"kid": "x"}, "RS257", via_jwt_function=True
        ),
        # Header
        Case("default algorithm", {"a": 1}, "secret"),
        Case("extra header and typ override", base, "s", {"header": {"x5t": "abc", "typ": "at+jwt", "cty": "JWT"}}),
        Case("integer-like header key", base, "s", {"header": {"7": 0, "kid": "k"}}),
        Case("header.kid overrides keyid", base, "s", {"keyid": "a", "header": {"kid": "b"}}),
        Case("typ null", base, "s", {"header": {"typ": None}}),
        Case("header member undefined", base, "s", {"keyid": "a", "header": {"kid": UNDEFINED}}),
        Case("unicode keyid (latin1 header)", base, "s", {"keyid": "clé-€-😀"}),
        Case("unicode header value", base, "s", {"header": {"x": "日本"}}),
        Case("header.alg overrides algorithm", base, "s", {"algorithm": "HS256", "header": {"alg": "HS512"}}),
        Case("header.alg none", base, "s", {"header": {"alg": "none"}}),
        # Payload serialisation
        Case("unicode claims", {"n": 'é ü ß 日本語 😀 \u2028 \u2029 \x7f \x00 \x1f "q" \\ /'}, "s"),
        Case("lone surrogates", {"n": "a\ud800b\udfff", "\ud83d": 1}, "s"),
        Case(
            "floats",
            {
                "a": [
                    1.5,
                    1.0,
                    1e21,
                    1e20,
                    1e16,
                    1e-7,
                    0.000001,
                    0.1 + 0.2,
                    -0.0,
                    -2.5e-8,
                    1.7976931348623157e308,
                    5e-324,
                    123456.789e3,
                ]
            },
            "s",
        ),
        Case("special numbers", {"nan": math.nan, "inf": math.inf, "minf": -math.inf}, "s"),
        Case("large integers", {"a": 12345678901234567890, "b": 2**53 + 1, "c": 10**21, "d": -(2**63)}, "s"),
        Case(
            "integer-like payload keys",
            {"b": 1, "2": 2, "a": 3, "1": 4, "01": 5, "0\n": 6, "4294967294": 7, "4294967295": 8, "-1": 9},
            "s",
        ),
        Case("nested", {"a": {"b": [1, {"c": None}, [True, False, [[], {}]]]}, "d": {"2": {"1": "x"}}}, "s"),
        Case(
            "date and Buffer claims",
            {"d": dt.datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=dt.timezone.utc), "b": b"\x00\xff"},
            "s",
        ),
        Case("undefined members dropped, null kept", {"u": UNDEFINED, "n": None, "l": [UNDEFINED, 1]}, "s"),
        # iat / exp / nbf
        Case("implicit iat", {"a": 1}, "s"),
        Case("clock with a fraction", {"a": 1}, "s", {}, now=NOW + 0.75),
        Case("explicit iat", {"iat": 1234}, "s", {"expiresIn": 60}),
        Case("zero iat replaced by clock", {"iat": 0}, "s"),
        Case("NaN iat replaced by clock", {"iat": math.nan}, "s", {"expiresIn": 5}),
        Case("negative iat", {"iat": -5}, "s", {"notBefore": 5}),
        Case("float iat", {"iat": 1000.7}, "s", {"expiresIn": 10}),
        Case("infinite iat with timespan", {"iat": math.inf}, "s", {"expiresIn": "1h"}),
        Case("huge integer iat", {"iat": 2**60 + 1}, "s", {"expiresIn": 1}),
        Case("iat kept in place", {"a": 1, "iat": 5, "b": 2}, "s"),
        Case("noTimestamp removes user iat", {"iat": 1000}, "s", {"noTimestamp": True, "expiresIn": 10}),
        Case("noTimestamp false", {"a": 1}, "s", {"noTimestamp": False}),
        Case("expiresIn/notBefore numbers", {"a": 1}, "s", {"expiresIn": 3600, "notBefore": -60}),
        Case("expiresIn 3600.0", {"a": 1}, "s", {"expiresIn": 3600.0}),
        Case("expiresIn strings", {"a": 1}, "s", {"expiresIn": "1.5h", "notBefore": "10 minutes"}),
        Case("unitless expiresIn is ms", {"iat": 100.9}, "s", {"expiresIn": "1500"}),
        Case("unitless notBefore 100", {"a": 1}, "s", {"notBefore": "100"}),
        Case("timespan units", {"a": 1}, "s", {"expiresIn": "2 Days", "notBefore": "-1m"}),
        Case("timespan 1y", {"a": 1}, "s", {"expiresIn": "1y"}),
        Case("timespan with spaces", {"a": 1}, "s", {"expiresIn": "1  H"}),
        Case("timespan .5s", {"a": 1}, "s", {"expiresIn": ".5s"}),
        Case(
            "claim order with options",
            {"b": 1, "2": 2, "a": 3, "1": 4, "01": 5, "iat": 5},
            "s",
            {"audience": "x", "expiresIn": 1, "notBefore": 0},
        ),
        Case(
            "claims from options", {"a": 1}, "s", {"audience": ["x", "y"], "issuer": "i", "subject": "s", "jwtid": "j"}
        ),
        Case("audience odd array", {"a": 1}, "s", {"audience": [1, {}]}),
        Case("undefined aud with audience", {"aud": UNDEFINED}, "s", {"audience": "x"}),
        Case("mutatePayload", {"a": 1}, "s", {"mutatePayload": True}),
        # Encodings
        *(
            Case(f"encoding {name}", {"n": "é€😀", "k": "a=b"}, "s", {"encoding": name})
            for name in (
                "utf8",
                "UTF-8",
                "latin1",
                "binary",
                "ascii",
                "utf16le",
                "ucs2",
                "hex",
                "base64",
                "base64url",
                "",
            )
        ),
        Case("encoding hex with hex text", "abcdef0", "s", {"encoding": "hex"}),
        # Payload kinds
        Case("string payload", "hello", "s"),
        Case("JSON text payload", '{"a":1}', "s", {"keyid": "k"}),
        Case("empty string payload", "", "s"),
        Case("number payload", 1e21, "s"),
        Case("negative zero payload", -0.0, "s"),
        Case("NaN payload", math.nan, "s"),
        Case("boolean payload", True, "s"),
        Case("Buffer payload", b"\xffabc\xed\xa0\x80\xf0\x9f", "s"),
        Case("string payload RS256", "x", keys["pkcs8"], {"algorithm": "RS256"}),
        # Secrets
        Case("Buffer secret", {"a": 1}, b"\x00\x01secret"),
        Case("empty Buffer secret", {"a": 1}, b""),
        Case("unicode secret", {"a": 1}, "sécret-😀"),
        Case("lone surrogate secret", {"a": 1}, "x\ud800"),
        Case("secret zero text", {"a": 1}, "0"),
        Case("public PEM as HMAC secret", {"a": 1}, keys["public"]),
        Case("certificate as HMAC secret", {"a": 1}, keys["certificate"]),
        Case("encrypted PEM as HMAC secret", {"a": 1}, keys["encrypted"]),
        Case("encrypted PKCS#1 as HMAC secret", {"a": 1}, keys["encrypted-pkcs1"]),
        Case(
            "key and passphrase object",
            {"a": 1},
            {"key": keys["encrypted"], "passphrase": "pw"},
            {"algorithm": "RS256"},
        ),
        Case(
            "key and wrong passphrase", {"a": 1}, {"key": keys["encrypted"], "passphrase": "no"}, {"algorithm": "RS256"}
        ),
        Case("key object as HMAC", {"a": 1}, {"key": keys["pkcs8"]}, {"algorithm": "HS256"}),
        Case("none with empty secret", {"a": 1}, "", {"algorithm": "none"}),
        Case("none without secret", {"a": 1}, UNDEFINED, {"algorithm": "none"}),
        Case("none with RSA key", {"a": 1}, keys["pkcs8"], {"algorithm": "none"}),
        Case("none with zero secret", {"a": 1}, 0, {"algorithm": "none"}),
        Case(
            "none without secret, header HS256", {"a": 1}, UNDEFINED, {"algorithm": "none", "header": {"alg": "HS256"}}
        ),
        Case("none with null secret, header RS256", {"a": 1}, None, {"algorithm": "none", "header": {"alg": "RS256"}}),
        Case("RS256 1024 allowed", {"a": 1}, keys["rsa1024"], {"algorithm": "RS256", "allowInsecureKeySizes": True}),
        Case(
            "RS256 1024 allowed by text",
            {"a": 1},
            keys["rsa1024"],
            {"algorithm": "RS256", "allowInsecureKeySizes": "y"},
        ),
        # Other algorithms (random signatures: verified)
        Case("PS256 RSA key", base, keys["pkcs8"], {"algorithm": "PS256"}),
        Case("PS384 RSA key", base, keys["rsa3072"], {"algorithm": "PS384"}),
        Case("PS256 RSA-PSS key", base, keys["rsa-pss"], {"algorithm": "PS256"}),
        Case("ES256", base, keys["ec"], {"algorithm": "ES256"}),
        Case("ES384", base, keys["ec384"], {"algorithm": "ES384"}),
        Case(
            "RS256 EC key forced, long payload",
            {"a": "x" * 300},
            keys["ec"],
            {"algorithm": "RS256", "allowInvalidAsymmetricKeyTypes": True},
        ),
        Case(
            "RS256 EC key forced, short token",
            {"a": 1},
            keys["ec"],
            {"algorithm": "RS256", "allowInvalidAsymmetricKeyTypes": True},
        ),
        Case(
            "RS256 Ed25519 forced",
            {"a": 1},
            keys["ed25519"],
            {"algorithm": "RS256", "allowInvalidAsymmetricKeyTypes": True},
        ),
        Case(
            "ES256 RSA key forced",
            {"a": 1},
            keys["pkcs8"],
            {"algorithm": "ES256", "allowInvalidAsymmetricKeyTypes": True},
        ),
        # Numbers written in JSON (exponents with `+` were misread)
        Case(
            "JSON number forms",
            JsonText('{"a": [2.5E+3, 1e+21, 1E-7, -0, 0.1, 12345678901234567890, 1e400, -1E+400, 0e+0, 1.5e+300]}'),
            "s",
        ),
        Case("exp and iat written with e+", JsonText('{"exp": 1.7e+9, "iat": 1.69E+9}'), "s"),
        Case("expiresIn written with e+", {"a": 1}, "s", JsonText('{"expiresIn": 3.6e+3}')),
        Case("notBefore written with E+", {"a": 1}, "s", JsonText('{"notBefore": 1E+2, "noTimestamp": false}')),
        # Keys named like the methods every JavaScript object has (jsonwebtoken#945)
        *(Case(f"payload key {name}", {"a": 1, name: 1}, "s") for name in OBJECT_PROTOTYPE_NAMES),
        Case("payload key __proto__ holding an object", JsonText('{"__proto__": {"admin": true}}'), "s"),
        Case("claim type error before a method key", {"exp": "x", "toString": 1}, "s"),
        Case("method key before a claim type error", {"toString": 1, "exp": "x"}, "s"),
        Case("method keys nested in the payload are fine", {"a": {"toString": 1, "__proto__": 2}}, "s"),
        *(Case(f"options key {name}", {"a": 1}, "s", {name: 1}) for name in ("toString", "constructor", "valueOf")),
        Case("options key __proto__", {"a": 1}, "s", JsonText('{"__proto__": {"expiresIn": 1}}')),
        Case(
            "jwt(): options key __proto__", {"a": 1}, "s", JsonText('{"__proto__": 1}'), "HS256", via_jwt_function=True
        ),
        Case("unknown option before a method key", {"a": 1}, "s", {"kid": 1, "hasOwnProperty": 1}),
        Case("string payload, options key valueOf", "x", "s", {"valueOf": 1}),
        Case(
            "header __proto__ object is dropped",
            {"a": 1},
            "s",
            JsonText('{"header": {"__proto__": {"kid": "z"}, "x": 1}}'),
        ),
        Case(
            "header __proto__ null is dropped", {"a": 1}, "s", JsonText('{"header": {"__proto__": null, "kid": "k"}}')
        ),
        Case("header __proto__ text is dropped", {"a": 1}, "s", JsonText('{"header": {"__proto__": "t"}}')),
        Case(
            "header toString and constructor are kept", {"a": 1}, "s", {"header": {"toString": "q", "constructor": 1}}
        ),
        # RSA-PSS keys with lines before the PEM block
        Case(
            "RS256 RSA-PSS key after a blank line", {"a": 1}, keys["rsa-pss after a blank line"], {"algorithm": "RS256"}
        ),
        Case("RS256 RSA-PSS key after text lines", {"a": 1}, keys["rsa-pss after text lines"], {"algorithm": "RS256"}),
        Case(
            "RS256 RSA-PSS key after a certificate",
            {"a": 1},
            keys["rsa-pss after a certificate"],
            {"algorithm": "RS256"},
        ),
        Case("PS256 RSA-PSS key after text lines", base, keys["rsa-pss after text lines"], {"algorithm": "PS256"}),
        Case(
            "PS384 RSA-PSS sha256 key after a blank line",
            {"a": 1},
            keys["rsa-pss after a blank line"],
            {"algorithm": "PS384"},
        ),
        # Rejections: secret and key
        Case("missing secret", {"a": 1}, UNDEFINED),
        Case("empty secret", {"a": 1}, ""),
        Case("null secret", {"a": 1}, None),
        Case("false secret", {"a": 1}, False),
        Case("NaN secret", {"a": 1}, math.nan),
        Case("number secret", {"a": 1}, 42),
        Case("true secret", {"a": 1}, True),
        Case("array secret", {"a": 1}, ["k"]),
        Case("object secret", {"a": 1}, {"x": 1}),
        Case("date secret", {"a": 1}, dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)),
        Case("HS256 with PKCS#8 private key", {"a": 1}, keys["pkcs8"], {"algorithm": "HS256"}),
        Case("HS512 with PKCS#1 private key", {"a": 1}, keys["pkcs1"], {"algorithm": "HS512"}),
        Case("HS256 with EC key", {"a": 1}, keys["ec"], {"algorithm": "HS256"}),
        Case("HS256 with Ed25519 key", {"a": 1}, keys["ed25519"], {"algorithm": "HS256"}),
        Case("RS256 with a plain secret", {"a": 1}, "secret", {"algorithm": "RS256"}),
        Case("RS256 with a Buffer secret", {"a": 1}, b"secret", {"algorithm": "RS256"}),
        Case("RS256 with a public key", {"a": 1}, keys["public"], {"algorithm": "RS256"}),
        Case("RS256 with a certificate", {"a": 1}, keys["certificate"], {"algorithm": "RS256"}),
        Case("RS256 with an encrypted key", {"a": 1}, keys["encrypted"], {"algorithm": "RS256"}),
        Case("RS256 with an encrypted PKCS#1 key", {"a": 1}, keys["encrypted-pkcs1"], {"algorithm": "RS256"}),
        Case("RS256 1024-bit", {"a": 1}, keys["rsa1024"], {"algorithm": "RS256"}),
        Case("PS256 1024-bit", {"a": 1}, keys["rsa1024"], {"algorithm": "PS256"}),
        Case("RS256 EC key", {"a": 1}, keys["ec"], {"algorithm": "RS256"}),
        Case("ES256 with P-384 key", {"a": 1}, keys["ec384"], {"algorithm": "ES256"}),
        Case("ES256 with RSA key", {"a": 1}, keys["pkcs8"], {"algorithm": "ES256"}),
        Case("RS256 Ed25519 key", {"a": 1}, keys["ed25519"], {"algorithm": "RS256"}),
        Case("RS256 DSA key", {"a": 1}, keys["dsa"], {"algorithm": "RS256"}),
        Case("RS256 RSA-PSS key", {"a": 1}, keys["rsa-pss"], {"algorithm": "RS256"}),
        Case("PS384 RSA-PSS sha256 key", {"a": 1}, keys["rsa-pss"], {"algorithm": "PS384"}),
        Case("PS256 unrestricted RSA-PSS key", {"a": 1}, keys["rsa-pss-unrestricted"], {"algorithm": "PS256"}),
        Case("RS257 with a plain secret", {"a": 1}, "secret", {"algorithm": "RS257"}),
        # Rejections: payload
        Case("missing payload", UNDEFINED, "s"),
        Case("null payload", None, "s"),
        Case("array payload", [1], "s"),
        Case("date payload", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), "s"),
        Case("string exp", {"exp": "soon"}, "s"),
        Case("string iat", {"iat": "1"}, "s"),
        Case("boolean nbf", {"nbf": True}, "s"),
        Case("null exp", {"exp": None}, "s"),
        Case("undefined exp member", {"exp": UNDEFINED}, "s"),
        Case("date iat", {"iat": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)}, "s"),
        Case("string payload with claim options", "x", "s", {"expiresIn": 1, "issuer": "i"}),
        Case(
            "number payload with all claim options",
            5,
            "s",
            {
                "jwtid": "j",
                "subject": "s",
                "audience": "a",
                "noTimestamp": True,
                "notBefore": 1,
                "expiresIn": 1,
                "issuer": "i",
            },
        ),
        Case("boolean payload with null option", False, "s", {"issuer": None}),
        Case("Buffer payload with claim options", b"x", "s", {"noTimestamp": False}),
        # Rejections: conflicts
        Case("exp + expiresIn", {"exp": 1}, "s", {"expiresIn": 60}),
        Case("nbf + notBefore", {"nbf": 1}, "s", {"notBefore": 60}),
        Case("aud + audience", {"aud": "x"}, "s", {"audience": "y"}),
        Case("iss + issuer", {"iss": "x"}, "s", {"issuer": "y"}),
        Case("sub + subject", {"sub": "x"}, "s", {"subject": "y"}),
        Case("jti + jwtid", {"jti": "x"}, "s", {"jwtid": "y"}),
        Case("null iss + issuer", {"iss": None}, "s", {"issuer": "y"}),
        # Rejections: options
        Case("options array", {"a": 1}, "s", [1]),
        Case("options string", {"a": 1}, "s", "HS256"),
        Case("options true", {"a": 1}, "s", True),
        Case("options false is {}", {"a": 1}, "s", False),
        Case("unknown option kid", {"a": 1}, "s", {"kid": "x"}),
        Case("unknown option expiresin", {"a": 1}, "s", {"expiresin": 60}),
        Case("unknown option headers", {"a": 1}, "s", {"headers": {}}),
        Case("unknown integer-like option first", {"a": 1}, "s", {"zz": 1, "3": 2}),
        Case("algorithm hs256", {"a": 1}, "s", {"algorithm": "hs256"}),
        Case("algorithm HS257", {"a": 1}, "s", {"algorithm": "HS257"}),
        Case("algorithm null", {"a": 1}, "s", {"algorithm": None}),
        Case("algorithm empty", {"a": 1}, "s", {"algorithm": ""}),
        Case("algorithm number", {"a": 1}, "s", {"algorithm": 256}),
        Case("algorithm true", {"a": 1}, "s", {"algorithm": True}),
        Case("header.alg invalid", {"a": 1}, "s", {"header": {"alg": "HS999"}}),
        Case("header.alg lower case", {"a": 1}, "s", {"header": {"alg": "hs256"}}),
        Case("header.alg empty", {"a": 1}, "s", {"header": {"alg": ""}}),
        Case("header.alg null", {"a": 1}, "s", {"header": {"alg": None}}),
        Case("header.alg undefined", {"a": 1}, "s", {"header": {"alg": UNDEFINED}}),
        Case("header.alg false", {"a": 1}, "s", {"header": {"alg": False}}),
        Case("header not object", {"a": 1}, "s", {"header": "x"}),
        Case("header array", {"a": 1}, "s", {"header": ["x"]}),
        Case("expiresIn float", {"a": 1}, "s", {"expiresIn": 1.5}),
        Case("expiresIn empty", {"a": 1}, "s", {"expiresIn": ""}),
        Case("expiresIn numeric text with dot", {"a": 1}, "s", {"expiresIn": "5."}),
        Case("expiresIn huge integer", {"a": 1}, "s", {"expiresIn": 10**400}),
        Case("expiresIn infinity", {"a": 1}, "s", {"expiresIn": math.inf}),
        Case("expiresIn unparsable", {"a": 1}, "s", {"expiresIn": "1 fortnight"}),
        Case("expiresIn too long", {"a": 1}, "s", {"expiresIn": "1" * 101}),
        Case("expiresIn 100 characters", {"a": 1}, "s", {"expiresIn": "0" * 99 + "1"}),
        Case("notBefore leading space", {"a": 1}, "s", {"notBefore": " 1h"}),
        Case("notBefore null", {"a": 1}, "s", {"notBefore": None}),
        Case("audience number", {"a": 1}, "s", {"audience": 5}),
        Case("issuer number", {"a": 1}, "s", {"issuer": 5}),
        Case("subject null", {"a": 1}, "s", {"subject": None}),
        Case("jwtid number", {"a": 1}, "s", {"jwtid": 1}),
        Case("keyid number", {"a": 1}, "s", {"keyid": 5}),
        Case("noTimestamp text", {"a": 1}, "s", {"noTimestamp": "yes"}),
        Case("mutatePayload number", {"a": 1}, "s", {"mutatePayload": 1}),
        Case("allowInsecureKeySizes text", {"a": 1}, "s", {"allowInsecureKeySizes": "yes"}),
        Case("allowInvalidAsymmetricKeyTypes number", {"a": 1}, "s", {"allowInvalidAsymmetricKeyTypes": 1}),
        Case("encoding number", {"a": 1}, "s", {"encoding": 8}),
        Case("encoding unknown", {"a": 1}, "s", {"encoding": "utf9"}),
        Case("option undefined value", {"a": 1}, "s", {"issuer": UNDEFINED}),
        # First failure wins
        Case("first failure: key before payload", None, keys["pkcs8"], {"algorithm": "HS256"}),
        Case("first failure: secret before everything", UNDEFINED, "", {"bogus": 1}),
        Case("first failure: payload before options", {"exp": "x"}, "s", {"bogus": 1}),
        Case("first failure: options in order", {"a": 1}, "s", {"issuer": 1, "subject": 2}),
        Case("first failure: claims in key order", {"nbf": "a", "exp": "b"}, "s"),
        Case("first failure: conflict before options", {"exp": 1}, "s", {"expiresIn": 5, "bogus": 1}),
        Case("first failure: key type after options", {"a": 1}, keys["ec"], {"algorithm": "ES256", "bogus": 1}),
        Case("first failure: timespan before claim conflict", {"aud": 1}, "s", {"expiresIn": "x", "audience": "a"}),
        Case(
            "first failure: algorithm name after claims", {"aud": 1}, "s", {"header": {"alg": "HS1"}, "audience": "a"}
        ),
        Case("first failure: size check before payload", UNDEFINED, keys["rsa1024"], {"algorithm": "RS256"}),
    ]
    return cases


def test_named_cases_match_node(keys: Keys) -> None:
    cases = named_cases(keys.pem)
    assert len({case.name for case in cases}) == len(cases), "case names must be unique"
    expected = assert_parity(cases, keys.public)
    assert sum("token" in e for e in expected) > 90 and sum("error" in e for e in expected) > 90


# --------------------------------------------------------------------------------------------
# JSON numbers: the connection-file parser against JSON.parse
# --------------------------------------------------------------------------------------------

NUMBER_FORMS = (
    "1e+21", "1E-7", "-0", "0.1", "12345678901234567890", "1e400", "-1e400", "2.5E+3", "1.7e+9", "3.6e+3", "0e+0",
    "-0.0", "-0e-5", "1E+0", "5e-324", "2e-324", "1.7976931348623157e308", "9007199254740993", "-9007199254740993",
    "1" + "0" * 400, "0.000001", "123456789012345678901234567890e-10",
    # not JSON
    "1.", "1.e5", "-", "+1", ".5", "01", "-01", "1e", "1e+", "0x1F", "Infinity", "NaN", "1_000",
)  # fmt: skip


def json_parse(texts: list[str]) -> list[dict[str, object]]:
    """What node's ``JSON.parse`` reads from each text (see json_parse.js)."""
    node = shutil.which("node")
    assert node is not None, "node is required for the parity tests"
    result = subprocess.run(
        [node, str(ORACLE / "json_parse.js")], input=json.dumps(texts), capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    answers: list[dict[str, object]] = json.loads(result.stdout)
    return answers


def read_as_js(value: JsValue) -> dict[str, object]:
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return {"string": number_to_string(value), "negativeZero": value == 0 and math.copysign(1, value) < 0}


def test_json_numbers_read_as_json_parse_reads_them() -> None:
    """Every number form, and every text of up to four characters from digits, `.`, `e`, `E`, `+` and `-`."""
    shapes = ["".join(chars) for size in range(1, 5) for chars in itertools.product("019.eE+-", repeat=size)]
    texts = [*NUMBER_FORMS, *shapes]
    mismatches = []
    for text, theirs in zip(texts, json_parse([f"[{text}]" for text in texts]), strict=True):
        document = parse_json(LineIndex(f"[{text}]"))
        value = plain_value(document.root)
        if document.problems or not isinstance(value, list):
            ours: dict[str, object] = {"rejected": True}
        else:
            ours = {"items": [read_as_js(item) for item in value]}
        if ours != theirs and not ("error" in theirs and ours == {"rejected": True}):
            mismatches.append(f"{text!r}: node {theirs}, ours {ours}")
    assert not mismatches, "\n".join(mismatches[:20])
    together = parse_json(LineIndex("[" + ", ".join(NUMBER_FORMS[:22]) + "]"))
    assert not together.problems and len(plain_value(together.root)) == 22  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Randomized differential test
# --------------------------------------------------------------------------------------------

_ALPHABET = [
    "a",
    "Z",
    "0",
    "é",
    "ß",
    "日",
    "😀",
    "\ud800",
    "\udc00",
    "\u2028",
    "\x00",
    "\x1f",
    "\n",
    '"',
    "\\",
    "/",
    "\x7f",
    "€",
    " ",
]
_KEYS = [
    "a",
    "b",
    "1",
    "2",
    "01",
    "0\n",
    "10",
    "4294967294",
    "4294967295",
    "-1",
    "é",
    "iss",
    "sub",
    "aud",
    "jti",
    "😀",
    "\ud800",
    "",
]


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(8)))


def random_number(rng: random.Random) -> int | float:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice([0, 1, -1, 2**53, 2**53 + 1, 10**21, 12345678901234567890, 2**63, -(2**64) - 1])
    if kind == 1:
        return rng.randrange(-(10**12), 10**12)
    if kind == 2:
        return rng.choice([1e-7, 1e-6, 0.1 + 0.2, -0.0, 1e16, 1e21, 5e-324, math.inf, -math.inf, math.nan])
    return rng.choice([1, -1]) * rng.uniform(1, 10) * 10.0 ** rng.randint(-12, 25)


def random_value(rng: random.Random, depth: int = 0) -> JsValue:
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return random_number(rng)
    if kind == 1:
        return random_text(rng)
    if kind == 2:
        return rng.choice([True, False, None, UNDEFINED, b"\x00\xfe", dt.datetime(2030, 5, 6, tzinfo=dt.timezone.utc)])
    if kind in (3, 4):
        return rng.choice(["x", "ab", "Zoë", ""])
    if kind in (5, 6):
        return {rng.choice([*_KEYS, random_text(rng)]): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


_OPTION_VALUES: dict[str, tuple[list[JsValue], list[JsValue]]] = {
    # option: (valid values, invalid values)
    "expiresIn": ([60, "1h", "100", "2 days", -30, 3600.0], [1.5, "x", "", None]),
    "notBefore": ([0, "2d", -5, "1.5m"], ["soon", True]),
    "audience": (["a", ["a", "b"], []], [1]),
    "issuer": (["i", "é"], [3]),
    "subject": (["s"], [None]),
    "jwtid": (["j"], [UNDEFINED]),
    "keyid": (["k", "clé-😀"], [7]),
    "header": (
        [{"kid": "h", "x": 1}, {"typ": None}, {"2": "two", "alg": "HS512"}, {"__proto__": {"kid": "p"}, "toString": 2}],
        ["bad", {"alg": "HS1"}],
    ),
    "noTimestamp": ([True, False], ["no"]),
    "encoding": (["utf8", "latin1", "utf16le", "hex"], ["nope", "utf32"]),
    "mutatePayload": ([True], [0]),
    "allowInsecureKeySizes": ([True, False], []),
    "kid": ([], ["x"]),
    "expiresin": ([], [1]),
}
_CLAIM_VALUES: tuple[list[JsValue], list[JsValue]] = (
    [NOW, NOW + 60, 0, 1000.5, NOW - 60, -1, math.nan, 2**60],
    ["x", None, UNDEFINED, True],
)


def odd_keys(keys: dict[str, str]) -> list[JsValue]:
    """Keys jsonwebtoken rejects under RS256 (and takes as HMAC secrets, or rejects, under HS*)."""
    names = ["rsa1024", "public", "encrypted", "rsa-pss after a blank line", "rsa-pss after text lines", "one-line"]
    return [keys[name] for name in names]


def random_case(rng: random.Random, index: int, keys: dict[str, str]) -> Case:
    """A random call; about half are built from valid parts only, so that both tokens and errors abound."""
    valid = rng.random() < 0.5
    payload: JsValue
    if not valid and rng.random() < 0.1:
        odd_payloads: list[JsValue] = [
            random_text(rng),
            random_number(rng),
            True,
            b"\xc3\xa9\xff",
            None,
            [1],
            UNDEFINED,
        ]
        payload = rng.choice(odd_payloads)
    else:
        names = [key for key in _KEYS if not valid or key not in ("iss", "sub", "aud", "jti")]
        payload = {rng.choice(names): random_value(rng, 1) for _ in range(rng.randrange(6))}
        for claim in ("iat", "exp", "nbf"):
            if rng.random() < 0.25:
                good, bad = _CLAIM_VALUES
                payload[claim] = rng.choice(good if valid or rng.random() < 0.5 else bad)
        if not valid and rng.random() < 0.1:
            payload[rng.choice(OBJECT_PROTOTYPE_NAMES)] = random_value(rng, 1)
    algorithms = ["HS256", "HS384", "HS512", "RS256"]
    alg: JsValue = rng.choice(algorithms if valid else [*algorithms, "hs256", "none", "RS257", "ES256", None])
    if alg == "RS256" and (valid or rng.random() < 0.8):
        secret: JsValue = rng.choice([keys["pkcs8"], keys["pkcs1"]])
    elif valid:
        valid_secrets: list[JsValue] = ["secret", random_text(rng) or "k", b"k"]
        secret = rng.choice(valid_secrets)
    else:
        secret = rng.choice(["secret", random_text(rng) or "k", "", b"k", keys["pkcs1"], None, 0, *odd_keys(keys)])
    options: JsValue = {}
    assert isinstance(options, dict)
    for name, (good, bad) in _OPTION_VALUES.items():
        choices = good if valid or not bad or (good and rng.random() < 0.5) else bad
        if choices and rng.random() < 0.1:
            options[name] = rng.choice(choices)
    if valid and isinstance(payload, dict):
        payload.pop("exp" if "expiresIn" in options else "", None)
        payload.pop("nbf" if "notBefore" in options else "", None)
    if not valid and rng.random() < 0.05:
        options[rng.choice(OBJECT_PROTOTYPE_NAMES)] = 1
    if not valid and rng.random() < 0.04:
        odd_options: list[JsValue] = [None, UNDEFINED, [1], "s"]
        options = rng.choice(odd_options)
    via_jwt_function = rng.random() < 0.5
    if not via_jwt_function and isinstance(options, dict):
        options = {"algorithm": alg, **options}
    now = NOW + rng.randrange(-5, 5) + rng.random()
    return Case(f"random #{index}", payload, secret, options, alg, now, via_jwt_function)


def test_randomized_cases_match_node(keys: Keys) -> None:
    count = int(os.environ.get("IML_PARITY_CASES", "3000"))
    rng = random.Random(int(os.environ.get("IML_PARITY_SEED", "20261128")))
    cases = [random_case(rng, index, keys.pem) for index in range(count)]
    expected = assert_parity(cases, keys.public)
    assert sum("token" in e for e in expected) > count // 3
    assert sum("error" in e for e in expected) > count // 3


# --------------------------------------------------------------------------------------------
# Connection files: `iml-ls check` and `iml-ls preview` against node
# --------------------------------------------------------------------------------------------
#
# Each case is a request of a connection file whose `temp` holds the payload and options as JSON
# text, and whose header calls jwt() with a parameter (its value in the samples file) or a literal
# secret. Node signs the same call on the texts as JSON.parse reads them. The preview must give the
# same token or fail with the same message; `check` must report an error on the request wherever
# node rejects, and never IML310 where node signs; the CLI must write every answer without crashing.

CONNECTION_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256")
STATIC_RULES = ("IML301", "IML303", "IML305", "IML306", "IML307", "IML309", "IML311")
"""Rules that report a rejection themselves; the random test disables some, and IML310 must step in."""


def json_number(rng: random.Random, value: int | float) -> str:
    """A JSON spelling of ``value`` that JSON.parse reads as the same double (exponents with and without signs)."""
    if isinstance(value, float) and math.isinf(value):
        return rng.choice(["1e400", "1E+400"]) if value > 0 else rng.choice(["-1e400", "-1E+999"])
    if value == 0 and math.copysign(1, value) < 0:
        return rng.choice(["-0", "-0.0", "-0e+0", "-0E-3"])
    if isinstance(value, int) and abs(value) < 10**21:
        spellings = [str(value), f"{value}e+0", f"{value}E0", f"{value}e-0"]
        if value % 1000 == 0 and value:
            spellings += [f"{value // 1000}e+3", f"{value // 1000}E+3", f"{value / 1000!r}e+3"]
        return rng.choice(spellings)
    double = float(value)
    return rng.choice([repr(double), repr(double).upper(), format(double, ".17e"), format(double, ".17E")])


def json_text(rng: random.Random, value: JsValue) -> str | None:
    """``value`` as JSON text with randomly spelled numbers and escapes; None when JSON cannot hold it."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else json_number(rng, value)
    if isinstance(value, str):
        lone = any("\ud800" <= char <= "\udfff" for char in value)
        return json.dumps(value, ensure_ascii=lone or rng.random() < 0.3)
    if isinstance(value, list):
        items = [json_text(rng, item) for item in value]
        return None if None in items else "[" + ", ".join(item for item in items if item is not None) + "]"
    if isinstance(value, dict):
        members = [(json_text(rng, key), json_text(rng, item)) for key, item in value.items()]
        if any(text is None for pair in members for text in pair):
            return None
        return "{" + ", ".join(f"{key}: {item}" for key, item in members) + "}"
    return None


@dataclass(frozen=True)
class ConnectionCase:
    """One request calling jwt(); ``secret_literal`` writes the secret into the call (IML308)."""

    payload: str
    options: str | None
    algorithm: str | None
    secret: JsValue
    secret_literal: bool

    def case(self, index: int) -> Case:
        options: JsValue | JsonText = UNDEFINED if self.options is None else JsonText(self.options)
        algorithm: JsValue = UNDEFINED if self.algorithm is None else self.algorithm
        return Case(f"request #{index}", JsonText(self.payload), self.secret, options, algorithm, NOW, True)

    def request(self, index: int) -> str:
        secret = f"'{self.secret}'" if self.secret_literal else f"parameters.k{index}"
        arguments = ["temp.p", secret]
        if self.algorithm is not None:
            arguments.append(f"'{self.algorithm}'")
            if self.options is not None:
                arguments.append("temp.o")
        temp = f'"p": {self.payload}' + (f', "o": {self.options}' if self.options is not None else "")
        return (
            f'    {{\n        "url": "https://api.example.com/v1/{index}",\n        "temp": {{{temp}}},\n'
            f'        "headers": {{"authorization": "Bearer {{{{jwt({", ".join(arguments)})}}}}"}}\n    }}'
        )


def random_connection_case(rng: random.Random, keys: dict[str, str]) -> ConnectionCase:
    """A random call drawn from the classes that once differed from node, among ordinary ones."""
    for _ in range(100):
        case = random_case(rng, 0, keys)
        payload = parsed(case.payload)
        if isinstance(payload, dict) and rng.random() < 0.3:
            payload = {key: value for key, value in payload.items() if key not in ("exp", "iat", "nbf")}
            if rng.random() < 0.5:
                payload["exp"] = rng.choice([1.7e9, 1_700_003_600, 2.5e9, 1e21, -0.0])
        options = parsed(case.options)
        if isinstance(options, dict):
            options = {key: value for key, value in options.items() if key != "algorithm"}
            if rng.random() < 0.2:
                options[rng.choice(["expiresIn", "notBefore"])] = rng.choice([3600, 3.6e3, 60_000, 1.5, -0.0, 1e21])
            if rng.random() < 0.05:
                options["header"] = {"__proto__": rng.choice([{"kid": "p"}, None, "t"]), "kid": "k"}
        payload_text = json_text(rng, payload)
        options_text = None if isinstance(options, Undefined) or rng.random() < 0.2 else json_text(rng, options)
        secret = case.secret
        if payload_text is None or not (isinstance(secret, str) or secret is None or type(secret) is int):
            continue  # a Buffer secret, or a value JSON cannot write
        algorithm = case.algorithm if isinstance(case.algorithm, str) else rng.choice(CONNECTION_ALGORITHMS)
        if algorithm not in ("HS256", "HS384", "HS512", "RS256", "hs256", "none", "RS257"):
            algorithm = "RS256"
        if algorithm == "RS256" and rng.random() < 0.3:
            secret = rng.choice([keys["pkcs8"], keys["rsa1024"], *odd_keys(keys)])
        if options_text is None and rng.random() < 0.1:
            algorithm = None  # jwt(payload, key): HS256 and no options
        if rng.random() < 0.05 and algorithm is not None:
            options_text = rng.choice(['"HS256"', "[1]", "5", "true", "null"])
        literal = isinstance(secret, str) and re.fullmatch(r"[A-Za-z0-9-]*", secret) is not None and rng.random() < 0.3
        return ConnectionCase(payload_text, options_text, algorithm, secret, literal)
    raise AssertionError("no expressible case in 100 draws")


@dataclass(frozen=True)
class CheckedConnection:
    """What iml-ls made of one file of cases: each request's token or error, and its diagnostics."""

    results: list[dict[str, str]]
    diagnostics: list[list[tuple[str, str, str]]]
    """Per request: (code, severity, message) of each diagnostic inside it."""
    redact: Callable[[str], str]
    """How messages hide the secrets of the samples file (so node's messages are compared hidden the same way)."""


def check_connection(folder: Path, cases: list[ConnectionCase], disabled: frozenset[str]) -> CheckedConnection:
    from iml_ls.analysis import Settings, Workspace
    from iml_ls.checks.catalogue import Severity
    from iml_ls.evaluate.environment import shared_evaluation
    from iml_ls.features.preview import preview

    folder.mkdir(parents=True)
    connection = folder / "conn.communication.iml.json"
    connection.write_text("[\n" + ",\n".join(c.request(i) for i, c in enumerate(cases)) + "\n]\n", encoding="utf-8")
    params = [
        {"name": f"k{i}", "type": "pkey" if "-----BEGIN" in str(c.secret) else "password"} for i, c in enumerate(cases)
    ]
    (folder / "conn.params.iml.json").write_text(json.dumps(params), encoding="utf-8")
    samples = {"parameters": {f"k{i}": c.secret for i, c in enumerate(cases)}}
    (folder / "conn.samples.json").write_text(json.dumps(samples), encoding="utf-8")
    settings = Settings(required_claims=("exp",), disabled_diagnostics=disabled)
    analysis = Workspace(settings=settings).analysis(str(connection))
    assert analysis is not None
    result = preview(analysis, now=NOW)
    assert len(result.tokens) == len(cases)
    results = [
        {"token": token.token} if token.token is not None else {"error": token.error or ""} for token in result.tokens
    ]
    requests = analysis.requests
    by_request: list[list[tuple[str, str, str]]] = [[] for _ in cases]
    for item in diagnostics(analysis):
        index = next((i for i, r in enumerate(requests) if r.node.start <= item.start < r.node.end), None)
        assert index is not None, item
        severity = "error" if item.rule.severity is Severity.ERROR else "other"
        by_request[index].append((item.rule.code, severity, item.message))
    return CheckedConnection(results, by_request, shared_evaluation(analysis).redact)


def reports(diagnostic: tuple[str, str, str], message: str) -> bool:
    """Whether a diagnostic reports the rejection node's ``message`` describes: IML310 with that message,
    or an error of a rule that reports a rejection itself."""
    code, severity, text = diagnostic
    return (code == "IML310" and message in text) or (code in STATIC_RULES and severity == "error")


def cli_output(arguments: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the CLI in this process with a strict UTF-8 stdout (what cannot be encoded would raise)."""
    from iml_ls.cli import main

    buffer = io.BytesIO()
    stdout = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", stdout)
        main(arguments)
        stdout.flush()
    return buffer.getvalue().decode("utf-8")


def test_random_connection_files_match_node(keys: Keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = int(os.environ.get("IML_PARITY_CONNECTION_CASES", "2000"))
    rng = random.Random(int(os.environ.get("IML_PARITY_SEED", "20261128")) + 1)
    cases = [random_connection_case(rng, keys.pem) for _ in range(count)]
    expected = oracle([case.case(index) for index, case in enumerate(cases)])
    mismatches: list[str] = []
    per_file = 100
    # 100 signed requests in one file take longer than the evaluation budget that keeps an editor
    # responsive (on a loaded CI machine too): this test is about what is signed, not about budgets
    monkeypatch.setattr(environment, "ANALYSIS_BUDGET", 600.0)
    monkeypatch.setattr(environment, "EVALUATION_BUDGET", 600.0)
    for first in range(0, count, per_file):
        batch = cases[first : first + per_file]
        disabled = frozenset(rng.sample(STATIC_RULES, rng.randrange(3))) if rng.random() < 0.3 else frozenset()
        folder = tmp_path / f"file{first}"
        checked = check_connection(folder, batch, disabled)
        for offset, (case, ours, reported) in enumerate(zip(batch, checked.results, checked.diagnostics, strict=True)):
            theirs = expected[first + offset]
            what = f"request #{offset} of {folder.name} (disabled {sorted(disabled)}): {case!r:.400}\n  node: {theirs}"
            if any(code in ("IML001", "IML002") for code, _, _ in reported):
                mismatches.append(f"JSON syntax problem in text JSON.parse reads: {what}\n  ours: {reported}")
            if "token" in theirs:
                if ours != {"token": theirs["token"]}:
                    mismatches.append(f"token differs: {what}\n  ours: {ours}")
                elif any(code == "IML310" for code, _, _ in reported):
                    mismatches.append(f"IML310 where node signs: {what}\n  ours: {reported}")
            elif not ours.get("error", "").startswith(checked.redact(theirs["error"])):
                mismatches.append(f"rejection differs: {what}\n  ours: {ours}")
            elif not any(reports(diagnostic, checked.redact(theirs["error"])) for diagnostic in reported):
                mismatches.append(f"check reports no error: {what}\n  ours: {reported}")
        connection = str(folder / "conn.communication.iml.json")
        for arguments in (["preview", connection, "--now", str(NOW)], ["check", str(folder)]):
            for output in ("json", "text"):
                try:
                    cli_output([*arguments, "--format", output], monkeypatch)
                except Exception as error:  # the one thing no input may do
                    mismatches.append(f"`iml-ls {arguments[0]} --format {output}` crashed: {folder.name}, {error!r}")
    rejected = sum("error" in answer for answer in expected)
    kinds = Counter(mismatch.split(":", 1)[0] for mismatch in mismatches)
    assert not mismatches, f"{len(mismatches)} mismatches in {count} cases {dict(kinds)}:\n" + "\n".join(
        mismatches[:10]
    )
    assert count // 5 < rejected < count - count // 5, rejected
