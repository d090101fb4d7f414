"""jsonwebtoken's ``sign`` (npm, 9.0.x), reproduced byte for byte with PyJWT and cryptography.

Make's ``jwt()`` calls jsonwebtoken's synchronous ``sign(payload, secret, options)``. PyJWT's own
``encode`` differs from it (header key order, non-ASCII escaping, number formatting, key policy), so
the JOSE assembly is done here, step by step in jsonwebtoken's order with its exact error messages,
and PyJWT's algorithm objects only compute the HMAC or RSA signature.
"""

from __future__ import annotations

import base64
import binascii
import enum
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa, x448, x25519
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from iml_ls.evaluate.js_json import number_to_string, ordered_keys, stringify
from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue, Undefined

if TYPE_CHECKING:
    from jwt.algorithms import Algorithm

MAKE_ALGORITHMS: dict[str, str] = {
    "HS256": "HMAC with SHA-256 and a shared secret (the default when no algorithm is given).",
    "HS384": "HMAC with SHA-384 and a shared secret.",
    "HS512": "HMAC with SHA-512 and a shared secret.",
    "RS256": "RSA signature with SHA-256; the key is a PEM private key (a `pkey` parameter).",
}
"""The algorithms Make's ``jwt()`` offers (jsonwebtoken itself knows more)."""

JSONWEBTOKEN_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "none",
)  # fmt: skip


@dataclass(frozen=True)
class OptionSpec:
    """One of the options jsonwebtoken's ``sign`` accepts (the fourth argument of ``jwt()``)."""

    name: str
    description: str
    value_kind: str
    """"integer or timespan", "string", "string or array", "boolean", "object" or "algorithm"."""
    example: str
    message: str
    """jsonwebtoken's error when the value has the wrong type."""


def _option(name: str, description: str, kind: str, example: str, message: str) -> tuple[str, OptionSpec]:
    return name, OptionSpec(name, description, kind, example, message)


_TIMESPAN_MESSAGE = "should be a number of seconds or string representing a timespan"
SIGN_OPTIONS: dict[str, OptionSpec] = dict(
    (
        _option("algorithm", "The signing algorithm (Make sets it from jwt()'s third argument).", "algorithm",
                '"HS256"', '"algorithm" must be a valid string enum value'),
        _option("expiresIn", "Adds `exp`: seconds (3600) or a timespan (\"1h\", \"2 days\"); a text without unit "
                "is milliseconds.", "integer or timespan", '"1h"', f'"expiresIn" {_TIMESPAN_MESSAGE}'),
        _option("notBefore", "Adds `nbf`: seconds or a timespan after `iat`.", "integer or timespan", '"5m"',
                f'"notBefore" {_TIMESPAN_MESSAGE}'),
        _option("audience", "Adds `aud`.", "string or array", '"https://api.example.com"',
                '"audience" must be a string or array'),
        _option("issuer", "Adds `iss`.", "string", '"my-app"', '"issuer" must be a string'),
        _option("subject", "Adds `sub`.", "string", '"user@example.com"', '"subject" must be a string'),
        _option("jwtid", "Adds `jti`.", "string", '"{{uuid}}"', '"jwtid" must be a string'),
        _option("keyid", "Sets the `kid` header.", "string", '"{{parameters.clientId}}"', '"keyid" must be a string'),
        _option("header", "Extra header fields, e.g. `{\"kid\": …}`; they override `alg`, `typ` and `kid`.", "object",
                '{"kid": "{{parameters.clientId}}"}', '"header" must be an object'),
        _option("noTimestamp", "`true` leaves out `iat`.", "boolean", "true", '"noTimestamp" must be a boolean'),
        _option("encoding", "Encoding of the payload text (default utf8).", "string", '"utf8"',
                '"encoding" must be a string'),
        _option("mutatePayload", "Changes the caller's payload object (no effect on the token).", "boolean", "false",
                '"mutatePayload" must be a boolean'),
        _option("allowInsecureKeySizes", "Allows RSA keys shorter than 2048 bits.", "boolean", "false",
                '"allowInsecureKeySizes" must be a boolean'),
        _option("allowInvalidAsymmetricKeyTypes", "Skips the check that the key type fits the algorithm.", "boolean",
                "false", '"allowInvalidAsymmetricKeyTypes" must be a boolean'),
    )
)  # fmt: skip


@dataclass(frozen=True)
class ClaimSpec:
    name: str
    description: str
    value_kind: str


REGISTERED_CLAIMS: dict[str, ClaimSpec] = {
    spec.name: spec
    for spec in (
        ClaimSpec("iss", "Issuer: who created the token, often your client id.", "string"),
        ClaimSpec("sub", "Subject: whom the token is about, e.g. a user or service account.", "string"),
        ClaimSpec("aud", "Audience: who the token is for, e.g. the API's URL.", "string or array"),
        ClaimSpec("exp", "Expiration time in Unix seconds, e.g. `{{timestamp + 3600}}`.", "number"),
        ClaimSpec("nbf", "Not before: Unix seconds before which the token is not valid.", "number"),
        ClaimSpec("iat", "Issued at, in Unix seconds (`{{timestamp}}`); jsonwebtoken adds it when absent.", "number"),
        ClaimSpec("jti", "A unique id of the token.", "string"),
        ClaimSpec("scope", "The permissions the token asks for (space separated).", "string"),
    )
}


class JwtSignError(EvaluationError):
    """jsonwebtoken rejected the input.

    ``message`` is jsonwebtoken's own; ``str()`` adds the reason when that message does not say it
    (``validator.isValid is not a function`` names no key). ``kind`` is a stable short code for
    diagnostics (``"option-unknown"``, ``"key-too-short"``, …) and ``subject`` the option or claim it is
    about, if any; ``js_name`` is the class of the JavaScript error (``"Error"`` or ``"TypeError"``).
    """

    def __init__(
        self, message: str, kind: str, js_name: str = "Error", *, subject: str | None = None, reason: str = ""
    ) -> None:
        super().__init__(f"{message} ({reason})" if reason else message)
        self.message = message
        self.kind = kind
        self.js_name = js_name
        self.subject = subject


@dataclass(frozen=True)
class SignedToken:
    token: str
    header: dict[str, JsValue]
    payload: JsValue
    """The claims as signed (after ``iat``, ``exp``, ``aud``… were applied)."""
    algorithm: str


class SecretKind(enum.Enum):
    """What Node makes of a ``jwt()`` key (``crypto.createPrivateKey``, else ``createSecretKey``)."""

    HMAC_SECRET = "hmac-secret"
    RSA_PRIVATE_KEY = "rsa-private-key"
    OTHER_PRIVATE_KEY = "other-private-key"
    PUBLIC_KEY_OR_CERTIFICATE = "public-key-or-certificate"
    ENCRYPTED_PEM = "encrypted-pem"
    MALFORMED_PEM = "malformed-pem"
    MISSING = "missing"
    NOT_KEY_MATERIAL = "not-key-material"


_PEM_FRAMING = re.compile(
    r"(?:^|\n)-----BEGIN (?P<label>[A-Z0-9 ]+)-----[ \t]*\r?\n(?P<body>.*?)"
    r"\n-----END (?P=label)-----[ \t]*(?=\r?\n|\Z)",
    re.S,
)
OBJECT_METHOD_NAMES = frozenset(
    ("constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__", "__lookupSetter__",
     "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString")
)  # fmt: skip
"""The properties every JavaScript object inherits (``Object.prototype``'s).

jsonwebtoken looks each payload and options key up in a plain object of validators, so these keys
find an inherited method instead of a validator and ``sign`` throws ``validator.isValid is not a
function`` (an open jsonwebtoken bug, auth0/node-jsonwebtoken#945)."""
OBJECT_METHOD_MESSAGE = "validator.isValid is not a function"
_RSA_PSS_OID = bytes.fromhex("06092A864886F70D01010A")
_MGF1_OID = bytes.fromhex("06092A864886F70D010108")
_HASH_OIDS = {
    bytes.fromhex("06052B0E03021A"): "sha1",
    bytes.fromhex("0609608648016503040204"): "sha224",
    bytes.fromhex("0609608648016503040201"): "sha256",
    bytes.fromhex("0609608648016503040202"): "sha384",
    bytes.fromhex("0609608648016503040203"): "sha512",
}
_ALGORITHM_PATTERN = re.compile(r"(RS|PS|ES|HS)(256|384|512)|none")
_ALLOWED_FOR_KEY = {
    "ec": ("ES256", "ES384", "ES512"),
    "rsa": ("RS256", "PS256", "RS384", "PS384", "RS512", "PS512"),
    "rsa-pss": ("PS256", "PS384", "PS512"),
}
_EC_CURVES = {"ES256": "prime256v1", "ES384": "secp384r1", "ES512": "secp521r1"}
_CURVE_NAMES = {"secp256r1": "prime256v1", "secp384r1": "secp384r1", "secp521r1": "secp521r1"}


@dataclass(frozen=True)
class _Key:
    """A key as Node's KeyObject sees it."""

    type: str
    """"secret" or "private"."""
    secret: bytes = b""
    private: object = None
    asymmetric_type: str | None = None
    modulus_bits: int | None = None
    curve: str | None = None
    pss: PssParameters | None = None
    """For an RSA-PSS key: the restrictions it carries (None when it carries none)."""


@dataclass(frozen=True)
class PssParameters:
    """The RSASSA-PSS parameters of a key, as Node's ``asymmetricKeyDetails`` reports them."""

    hash_algorithm: str
    mgf1_hash_algorithm: str
    salt_length: int


def _truthy(value: JsValue) -> bool:
    if value is None or isinstance(value, Undefined):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == value and value != 0  # NaN is the only value unequal to itself
    if isinstance(value, str | bytes):
        return len(value) > 0 if isinstance(value, str) else True
    return True


def _get(value: JsValue, key: str) -> JsValue:
    """``value[key]`` for the property names sign() reads (only plain objects have them)."""
    return value.get(key, UNDEFINED) if isinstance(value, dict) else UNDEFINED


def _is_number(value: JsValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _utf8(text: str) -> bytes:
    """A JS string as UTF-8 the way Node writes it (lone surrogates become U+FFFD)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode("utf-8")


def _load_private_key(data: str | bytes, passphrase: bytes | None = None) -> _Key | None:
    """``crypto.createPrivateKey`` on PEM text: the key, or None where Node would not read one."""
    raw = data if isinstance(data, bytes) else _utf8(data)
    return _parse_private_key(raw, passphrase)


@functools.lru_cache(maxsize=32)
def _parse_private_key(raw: bytes, passphrase: bytes | None) -> _Key | None:
    """Cached: loading (and checking) an RSA key costs ~50 ms, and a file signs with the same key often."""
    text = raw.decode("utf-8", "replace")
    if _PEM_FRAMING.search(text) is None:
        return None
    try:
        key = load_pem_private_key(raw, password=passphrase)
    except TypeError:  # encrypted and no passphrase, or a passphrase for a plain key (Node ignores it)
        if passphrase is None:
            return None
        try:
            key = load_pem_private_key(raw, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return None
    except (ValueError, UnsupportedAlgorithm):
        return None
    if isinstance(key, rsa.RSAPrivateKey):
        der = _pem_der(text)
        if _RSA_PSS_OID in der[:32]:
            return _Key("private", private=key, asymmetric_type="rsa-pss", modulus_bits=key.key_size, pss=_pss(der))
        return _Key("private", private=key, asymmetric_type="rsa", modulus_bits=key.key_size)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return _Key(
            "private", private=key, asymmetric_type="ec", curve=_CURVE_NAMES.get(key.curve.name, key.curve.name)
        )
    names = {ed25519.Ed25519PrivateKey: "ed25519", ed448.Ed448PrivateKey: "ed448", dsa.DSAPrivateKey: "dsa",
             x25519.X25519PrivateKey: "x25519", x448.X448PrivateKey: "x448"}  # fmt: skip
    kind = next((name for cls, name in names.items() if isinstance(key, cls)), "unknown")
    return _Key("private", private=key, asymmetric_type=kind, modulus_bits=getattr(key, "key_size", None))


def _der_elements(data: bytes) -> list[tuple[int, bytes]]:
    """(tag, content) of each DER element in ``data``; [] when it is malformed."""
    elements = []
    position = 0
    while position + 2 <= len(data):
        tag, length, start = data[position], data[position + 1], position + 2
        if length & 0x80:
            start += length & 0x7F
            length = int.from_bytes(data[position + 2 : start], "big")
        if start + length > len(data):
            return []
        elements.append((tag, data[start : start + length]))
        position = start + length
    return elements


def _pss(der: bytes) -> PssParameters | None:
    """The parameters of an RSA-PSS PKCS#8 key (RFC 4055 defaults: sha1, mgf1 sha1, salt 20)."""
    outer = _der_elements(der)
    info = _der_elements(outer[0][1]) if outer else []
    algorithm = _der_elements(info[1][1]) if len(info) > 1 else []
    if len(algorithm) < 2 or algorithm[1][0] != 0x30:
        return None
    hash_name, mgf1_hash, salt = "sha1", "sha1", 20
    for tag, content in _der_elements(algorithm[1][1]):
        inner = _der_elements(content)
        if tag == 0xA0 and inner:
            hash_name = _hash_name(inner[0][1])
        elif tag == 0xA1 and inner:
            mgf = _der_elements(inner[0][1])
            if len(mgf) > 1 and bytes([mgf[0][0], len(mgf[0][1])]) + mgf[0][1] == _MGF1_OID:
                mgf1_hash = _hash_name(mgf[1][1])
        elif tag == 0xA2 and inner:
            salt = int.from_bytes(inner[0][1], "big")
    return PssParameters(hash_name, mgf1_hash, salt)


def _hash_name(algorithm_identifier: bytes) -> str:
    elements = _der_elements(algorithm_identifier)
    if not elements:
        return "unknown"
    tag, content = elements[0]
    return _HASH_OIDS.get(bytes([tag, len(content)]) + content, "unknown")


def _pem_der(text: str) -> bytes:
    """The DER bytes of the first private key block (text or blank lines before it are no part of it)."""
    match = next((m for m in _PEM_FRAMING.finditer(text) if m.group("label").endswith("PRIVATE KEY")), None)
    if match is None:
        return b""
    body = "".join(line.strip() for line in match.group("body").splitlines() if ":" not in line)
    try:
        return base64.b64decode(body + "==")
    except (binascii.Error, ValueError):
        return b""


def _key_object(secret: JsValue) -> _Key:
    """``createPrivateKey(secret)``, falling back to ``createSecretKey`` as jsonwebtoken does."""
    if isinstance(secret, str | bytes):
        private = _load_private_key(secret)
        if private is not None:
            return private
        return _Key("secret", secret=secret if isinstance(secret, bytes) else _utf8(secret))
    if isinstance(secret, dict) and isinstance(secret.get("key"), str | bytes):
        passphrase = secret.get("passphrase")
        key_data = secret["key"]
        assert isinstance(key_data, str | bytes)
        private = _load_private_key(key_data, _utf8(passphrase) if isinstance(passphrase, str) else None)
        if private is not None:
            return private
    raise JwtSignError("secretOrPrivateKey is not valid key material", "key-invalid")


def classify_secret(secret: JsValue) -> SecretKind:
    """What kind of key a ``jwt()`` secret is for Node, without signing anything."""
    if not _truthy(secret) and not isinstance(secret, bytes):
        return SecretKind.MISSING
    try:
        key = _key_object(secret)  # also reads {key, passphrase} objects
    except JwtSignError:
        return SecretKind.NOT_KEY_MATERIAL
    if key.type == "private":
        return SecretKind.RSA_PRIVATE_KEY if key.asymmetric_type == "rsa" else SecretKind.OTHER_PRIVATE_KEY
    assert isinstance(secret, str | bytes)  # only text and Buffers become secret keys
    text = secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret
    if "-----BEGIN" not in text and "\\n" not in text:
        return SecretKind.HMAC_SECRET
    if "ENCRYPTED" in text:
        return SecretKind.ENCRYPTED_PEM
    if re.search(r"-----BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----", text):
        return SecretKind.PUBLIC_KEY_OR_CERTIFICATE
    return SecretKind.MALFORMED_PEM if "-----BEGIN" in text else SecretKind.HMAC_SECRET


_TIMESPAN = re.compile(
    r"(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|"
    r"years?|yrs?|y)?",
    re.I,
)
_UNIT_MS = {"y": 31_557_600_000, "w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}


def parse_timespan(text: str) -> float | None:
    """The npm ``ms`` package's parse: milliseconds, or None when it does not understand the text."""
    if len(text) > 100 or not text.isascii():
        return None
    match = _TIMESPAN.fullmatch(text)
    if match is None:
        return None
    number = float(match.group(1))
    unit = (match.group(2) or "ms").lower()
    if unit.startswith("ms") or unit.startswith("msec") or unit.startswith("milli"):
        return number
    key = "m" if unit.startswith("min") or unit == "m" else unit[0]
    return number * _UNIT_MS[key]


def _timespan(value: JsValue, timestamp: float) -> JsValue:
    """jsonwebtoken's ``timespan()``: ``exp``/``nbf`` for an option value, in JS double arithmetic."""
    if isinstance(value, str):
        milliseconds = parse_timespan(value)
        if milliseconds is None:
            return UNDEFINED
        total = timestamp + milliseconds / 1000
        return _js_int(float(math.floor(total)) if math.isfinite(total) else total)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _js_int(timestamp + _double(value))
    return UNDEFINED


def _double(value: int | float) -> float:
    """The double a JS number holds: ints beyond the double range are ±Infinity."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _js_int(value: float) -> float | int:
    """The value model keeps integral numbers as ``int`` (but -0 stays a float)."""
    if math.isfinite(value) and value.is_integer() and math.copysign(1, value) > 0:
        return int(value)
    return value


def _is_integer(value: JsValue) -> bool:
    """lodash ``isInteger``: a finite whole JS number (3600.0 counts)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    number = _double(value)
    return math.isfinite(number) and number.is_integer()


def _option_valid(name: str, value: JsValue) -> bool:
    kind = SIGN_OPTIONS[name].value_kind
    if kind == "integer or timespan":
        return _is_integer(value) or (isinstance(value, str) and value != "")
    if kind == "string or array":
        return isinstance(value, str | list)
    if kind == "algorithm":
        return isinstance(value, str) and value in JSONWEBTOKEN_ALGORITHMS
    if kind == "object":
        return isinstance(value, dict)
    return isinstance(value, str) if kind == "string" else isinstance(value, bool)


def _type_of(value: JsValue) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "number" if _is_number(value) else "object"


def _encode_payload(text: str, encoding: str) -> bytes:
    name = encoding.lower()
    if name in ("utf8", "utf-8"):
        return _utf8(text)
    if name in ("latin1", "binary", "ascii"):
        return text.encode("utf-16-le", "surrogatepass")[::2]
    if name in ("ucs2", "ucs-2", "utf16le", "utf-16le"):
        return text.encode("utf-16-le", "surrogatepass")
    # Node's hex and base64 decoders read only the low byte of each UTF-16 code unit ("Ł" reads as "A").
    low_bytes = text.encode("utf-16-le", "surrogatepass")[::2].decode("latin-1")
    if name == "hex":
        pairs = re.match(r"(?:[0-9a-fA-F]{2})*", low_bytes)
        return bytes.fromhex(pairs.group(0) if pairs else "")
    if name in ("base64", "base64url"):
        before_padding = low_bytes.split("=", 1)[0]  # Node stops decoding at the first "="
        cleaned = re.sub(r"[^A-Za-z0-9+/\-_]", "", before_padding).replace("-", "+").replace("_", "/")
        usable = cleaned[: len(cleaned) - 1] if len(cleaned) % 4 == 1 else cleaned  # a lone last character is dropped
        return base64.b64decode(usable + "=" * (-len(usable) % 4))
    raise JwtSignError(f"Unknown encoding: {encoding}", "encoding-unknown", "TypeError")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _check_key(algorithm: str, key: _Key | None, secret: JsValue, options: dict[str, JsValue]) -> None:
    """Step 5: the key kind must fit the algorithm family; RSA keys need 2048 bits.

    ``key`` is None when the secret was null/undefined, which only the "none" algorithm allows; an
    ``options.header.alg`` that then asks for a key makes jsonwebtoken read ``.type`` of it.
    """
    if key is None:
        if algorithm.startswith("HS") or re.match(r"RS|PS|ES", algorithm):
            what = "null" if secret is None else "undefined"
            raise JwtSignError(f"Cannot read properties of {what} (reading 'type')", "secret-missing", "TypeError")
        return
    if algorithm.startswith("HS") and key.type != "secret":
        raise JwtSignError(
            f"secretOrPrivateKey must be a symmetric key when using {algorithm}", "key-symmetric-required"
        )
    if re.match(r"RS|PS|ES", algorithm):
        if key.type != "private":
            raise JwtSignError(
                f"secretOrPrivateKey must be an asymmetric key when using {algorithm}", "key-asymmetric-required"
            )
        if (
            not _truthy(_get(options, "allowInsecureKeySizes"))
            and not algorithm.startswith("ES")
            and key.modulus_bits is not None
            and key.modulus_bits < 2048
        ):
            raise JwtSignError(
                f"secretOrPrivateKey has a minimum key size of 2048 bits for {algorithm}", "key-too-short"
            )


def _check_key_type(algorithm: str, key: _Key | None) -> None:
    """Step 9: an asymmetric key's type must allow the algorithm (and an RSA-PSS key's parameters)."""
    if not algorithm or key is None or key.asymmetric_type is None:
        return
    allowed = _ALLOWED_FOR_KEY.get(key.asymmetric_type)
    if allowed is None:
        raise JwtSignError(f'Unknown key type "{key.asymmetric_type}".', "key-type-unknown")
    if algorithm not in allowed:
        raise JwtSignError(
            f'"alg" parameter for "{key.asymmetric_type}" key type must be one of: {", ".join(allowed)}.',
            "key-type-mismatch",
        )
    if key.asymmetric_type == "ec" and key.curve != _EC_CURVES[algorithm]:
        raise JwtSignError(f'"alg" parameter "{algorithm}" requires curve "{_EC_CURVES[algorithm]}".', "key-curve")
    if key.asymmetric_type == "rsa-pss":
        bits = int(algorithm[-3:])
        pss = key.pss
        if pss is None or pss.hash_algorithm != f"sha{bits}" or pss.mgf1_hash_algorithm != pss.hash_algorithm:
            raise JwtSignError(
                "Invalid key for this operation, its RSA-PSS parameters do not meet the requirements of "
                f'"alg" {algorithm}.',
                "key-pss-parameters",
            )
        if pss.salt_length > bits >> 3:
            raise JwtSignError(
                "Invalid key for this operation, its RSA-PSS parameter saltLength does not meet the requirements "
                f'of "alg" {algorithm}.',
                "key-pss-parameters",
            )


def _object_method_key(key: str, where: str) -> JwtSignError:
    remedy = "rename the claim" if where == "payload" else "remove the key"
    return JwtSignError(
        OBJECT_METHOD_MESSAGE,
        "object-method-key",
        "TypeError",
        subject=key,
        reason=f"jsonwebtoken fails on the {where} key `{key}`, the name of a method every JavaScript object has; "
        f"{remedy}",
    )


def _validate_payload(payload: dict[str, JsValue]) -> None:
    for key in ordered_keys(payload):
        if key in OBJECT_METHOD_NAMES:
            raise _object_method_key(key, "payload")
        if key in ("iat", "exp", "nbf") and not _is_number(payload[key]):
            raise JwtSignError(f'"{key}" should be a number of seconds', "claim-type", subject=key)


def _validate_options(options: JsValue) -> None:
    if not isinstance(options, dict):
        raise JwtSignError('Expected "options" to be a plain object.', "options-not-object")
    for key in ordered_keys(options):
        if key in OBJECT_METHOD_NAMES:
            raise _object_method_key(key, "options")
        if key not in SIGN_OPTIONS:
            raise JwtSignError(f'"{key}" is not allowed in "options"', "option-unknown", subject=key)
        if not _option_valid(key, options[key]):
            raise JwtSignError(SIGN_OPTIONS[key].message, "option-value", subject=key)


_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
_ECDSA_PARAMETER_BYTES = {"256": 32, "384": 48, "512": 66}


def _signature(algorithm: str, key: _Key | None, message: bytes) -> bytes:
    """jwa's signature; PyJWT's algorithm objects compute the regular ones.

    With ``allowInvalidAsymmetricKeyTypes`` a key can meet an algorithm it does not fit. Node then
    signs with what the key can do (an EC key under RS*/PS* gives a DER ECDSA signature, an RSA-PSS
    key under RS* a PSS one) or fails; those signatures are random, so only their shape matches.
    """
    if algorithm == "none":
        return b""
    assert key is not None  # _check_key rejected a missing key for every other algorithm
    if algorithm.startswith("HS"):
        return _pyjwt_algorithm(algorithm).sign(message, key.secret)
    private = key.private
    digest = _HASHES[algorithm[2:]]()
    if algorithm.startswith(("RS", "PS")) and isinstance(private, ec.EllipticCurvePrivateKey):
        return private.sign(message, ec.ECDSA(digest))
    if algorithm.startswith("RS") and key.asymmetric_type == "rsa-pss" and isinstance(private, rsa.RSAPrivateKey):
        return private.sign(message, padding.PSS(padding.MGF1(digest), digest.digest_size), digest)
    if algorithm.startswith("ES") and isinstance(private, rsa.RSAPrivateKey):
        raise JwtSignError('Could not find expected "seq"', "key-unsupported-operation")
    if algorithm.startswith("ES") and isinstance(private, ec.EllipticCurvePrivateKey):
        return _der_to_jose(private.sign(message, ec.ECDSA(digest)), algorithm)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise JwtSignError("Unsupported crypto operation", "key-unsupported-operation")
    if algorithm.startswith("RS"):
        return _rsa_signature(algorithm, private, message)
    signed: bytes = _pyjwt_algorithm(algorithm).sign(message, private)
    return signed


@functools.lru_cache(maxsize=256)
def _rsa_signature(algorithm: str, private: rsa.RSAPrivateKey, message: bytes) -> bytes:
    """Cached: an RS* signature (RSASSA-PKCS1-v1_5, deterministic) costs about a millisecond, and a
    keystroke checks again requests whose tokens it did not change (a shared ``temp`` object they read)."""
    signed: bytes = _pyjwt_algorithm(algorithm).sign(message, private)
    return signed


@functools.cache
def _pyjwt_algorithm(name: str) -> Algorithm:
    """PyJWT's implementation of an algorithm. PyJWT is imported on the first signature, not when
    the server starts: it pulls in most of cryptography's X.509 code (about 60 ms)."""
    import jwt

    return jwt.get_algorithm_by_name(name)


def _der_to_jose(der: bytes, algorithm: str) -> bytes:
    """ecdsa-sig-formatter's ``derToJose``: fixed-width r‖s, sized by the algorithm (not the curve)."""
    width = _ECDSA_PARAMETER_BYTES[algorithm[2:]]
    sequence = _der_elements(der)
    integers = _der_elements(sequence[0][1]) if sequence else []
    parts = []
    for name, (_, content) in zip(("r", "s"), integers, strict=True):
        if len(content) > width + 1:
            raise JwtSignError(
                f'"{name}" specified length of "{len(content)}", max of "{width + 1}" is acceptable',
                "key-unsupported-operation",
            )
        parts.append(content.lstrip(b"\0").rjust(width, b"\0"))
    return b"".join(parts)


def sign(payload: JsValue, secret: JsValue, options: JsValue = UNDEFINED, *, now: float) -> SignedToken:
    """jsonwebtoken 9's synchronous ``sign(payload, secretOrPrivateKey, options)`` at the instant ``now``."""
    if not _truthy(options):
        options = {}
    object_payload = (
        payload is None
        or isinstance(payload, dict | list)
        or (not isinstance(payload, str | bytes | bool | Undefined) and not _is_number(payload))
    )
    algorithm_option = _get(options, "algorithm")
    header: dict[str, JsValue] = {
        "alg": algorithm_option if _truthy(algorithm_option) else "HS256",
        "typ": "JWT" if object_payload else UNDEFINED,
        "kid": _get(options, "keyid"),
    }
    extra = _get(options, "header")
    if isinstance(extra, dict):  # a string or array header adds index keys, but options validation rejects it
        for name in ordered_keys(extra):
            if name != "__proto__":  # Object.assign sets the header's prototype: no member of the JSON
                header[name] = extra[name]
    if not _truthy(secret) and not isinstance(secret, bytes) and algorithm_option != "none":
        raise JwtSignError("secretOrPrivateKey must have a value", "secret-missing")
    key = None if secret is None or isinstance(secret, Undefined) else _key_object(secret)
    alg = header["alg"]
    if not isinstance(alg, str):
        what = "null" if alg is None else "undefined" if isinstance(alg, Undefined) else None
        message = (
            f"Cannot read properties of {what} (reading 'startsWith')"
            if what
            else "header.alg.startsWith is not a function"
        )
        raise JwtSignError(message, "algorithm-type", "TypeError")
    _check_key(alg, key, secret, options if isinstance(options, dict) else {})

    if isinstance(payload, Undefined):
        raise JwtSignError("payload is required", "payload-missing")
    claims: JsValue = payload
    if object_payload:
        if not isinstance(payload, dict):
            raise JwtSignError('Expected "payload" to be a plain object.', "payload-not-object")
        _validate_payload(payload)
        claims = dict(payload)
    else:
        present = [
            name
            for name in ("expiresIn", "notBefore", "noTimestamp", "audience", "issuer", "subject", "jwtid")
            if not isinstance(_get(options, name), Undefined)
        ]
        if present:
            raise JwtSignError(
                f"invalid {','.join(present)} option for {_type_of(payload)} payload", "option-for-non-object"
            )
    if isinstance(claims, dict):
        for claim, option in (("exp", "expiresIn"), ("nbf", "notBefore")):
            if not isinstance(claims.get(claim, UNDEFINED), Undefined) and not isinstance(
                _get(options, option), Undefined
            ):
                raise JwtSignError(
                    f'Bad "options.{option}" option the payload already has an "{claim}" property.',
                    "option-conflict",
                    subject=option,
                )
    _validate_options(options)
    assert isinstance(options, dict)
    if not _truthy(options.get("allowInvalidAsymmetricKeyTypes", UNDEFINED)):
        _check_key_type(alg, key)

    iat = claims.get("iat", UNDEFINED) if isinstance(claims, dict) else UNDEFINED
    # payload.iat || Math.floor(Date.now() / 1000): an iat of 0 (or NaN) is replaced by the clock
    stamp: JsValue = iat if _truthy(iat) else math.floor(now)
    assert isinstance(stamp, int | float)
    timestamp = _double(stamp)
    if isinstance(claims, dict):
        if _truthy(options.get("noTimestamp", UNDEFINED)):
            claims.pop("iat", None)
        else:
            claims["iat"] = stamp
        for claim, option in (("nbf", "notBefore"), ("exp", "expiresIn")):
            if not isinstance(options.get(option, UNDEFINED), Undefined):
                value = _timespan(options[option], timestamp)
                if isinstance(value, Undefined):
                    raise JwtSignError(
                        f'"{option}" {_TIMESPAN_MESSAGE} eg: "1d", "20h", 60', "timespan", subject=option
                    )
                claims[claim] = value
        for option, claim in (("audience", "aud"), ("issuer", "iss"), ("subject", "sub"), ("jwtid", "jti")):
            if not isinstance(options.get(option, UNDEFINED), Undefined):
                if not isinstance(claims.get(claim, UNDEFINED), Undefined):
                    raise JwtSignError(
                        f'Bad "options.{option}" option. The payload already has an "{claim}" property.',
                        "option-conflict",
                        subject=option,
                    )
                claims[claim] = options[option]

    if _ALGORITHM_PATTERN.fullmatch(alg) is None:
        supported = ", ".join(f'"{prefix}{bits}"' for prefix in ("HS", "RS", "PS", "ES") for bits in (256, 384, 512))
        raise JwtSignError(
            f'"{alg}" is not a valid algorithm.\n  Supported algorithms are:\n  {supported} and "none".',
            "algorithm-invalid",
            "TypeError",
        )
    header_text = stringify(header) or "{}"
    if isinstance(claims, str):
        payload_text = claims
    elif isinstance(claims, bytes):
        payload_text = claims.decode("utf-8", "replace")
    elif _is_number(claims):
        payload_text = number_to_string(claims)  # type: ignore[arg-type]
    else:
        payload_text = stringify(claims) or ""
    encoding = options.get("encoding", UNDEFINED)
    payload_bytes = _encode_payload(payload_text, encoding if isinstance(encoding, str) and encoding else "utf8")
    signing_input = _b64url(header_text.encode("utf-16-le", "surrogatepass")[::2]) + "." + _b64url(payload_bytes)
    signature = _signature(alg, key, signing_input.encode("ascii"))
    token = signing_input + "." + _b64url(signature)
    if not _truthy(options.get("allowInsecureKeySizes", UNDEFINED)) and re.match(r"RS|PS", alg) and len(token) < 256:
        raise JwtSignError(f"secretOrPrivateKey has a minimum key size of 2048 bits for {alg}", "key-too-short")
    shown_header: dict[str, JsValue] = {k: v for k, v in header.items() if not isinstance(v, Undefined)}
    return SignedToken(token, {k: shown_header[k] for k in ordered_keys(shown_header)}, claims, alg)


def jwt_function(
    payload: JsValue, secret: JsValue, algorithm: JsValue = UNDEFINED, options: JsValue = UNDEFINED, *, now: float
) -> SignedToken:
    """Make's ``jwt(payload, key, [algorithm], [options])``.

    Make does not document how it combines the algorithm argument with the options object; iml-ls
    assumes it sets ``options.algorithm`` when the options are absent, null or a plain object, as
    ``{...options, algorithm}`` does (every key of the options stays a key, ``__proto__`` included).
    """
    if not isinstance(algorithm, Undefined):
        if isinstance(options, Undefined) or options is None:
            options = {"algorithm": algorithm}
        elif isinstance(options, dict):
            options = {**options, "algorithm": algorithm}
    return sign(payload, secret, options, now=now)
