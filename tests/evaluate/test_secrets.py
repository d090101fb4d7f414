"""The one masker of secret texts: every form of a secret masked, and nothing else."""

from __future__ import annotations

import base64
import json
import urllib.parse

import pytest

from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.secrets import MASK, secret_masker
from tests.security.leaks import SECRET, assert_no_secret, revealing_forms

TOKEN = "at-5e6f7a8b9c0d1e2f"
DATA = SECRET.encode()


def masked(text: str, *secrets: str) -> str:
    return secret_masker(secrets or (SECRET,)).mask(text)


FORMS = {
    "raw": SECRET,
    "upper": SECRET.upper(),
    "lower": SECRET.lower(),
    "mixed case": SECRET.swapcase(),
    "reversed": SECRET[::-1],
    "base64": base64.b64encode(DATA).decode(),
    "base64 unpadded": base64.b64encode(DATA).decode().rstrip("="),
    "base64 url-safe": base64.urlsafe_b64encode(DATA).decode(),
    "base64 url-safe unpadded": base64.urlsafe_b64encode(DATA).decode().rstrip("="),
    "base64 in a query": urllib.parse.quote(base64.b64encode(DATA).decode(), safe=""),
    "hex": DATA.hex(),
    "hex upper": DATA.hex().upper(),
    "URL-encoded": urllib.parse.quote(SECRET, safe=""),
    "URL-encoded lower hex": urllib.parse.quote(SECRET, safe="").lower(),
    "partly URL-encoded": urllib.parse.quote(SECRET, safe="#"),
    "reversed URL-encoded": urllib.parse.quote(SECRET[::-1], safe=""),
    "substring": SECRET[1:9],
    "piece of a split": SECRET.split("!")[0],
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_form_of_a_secret_is_masked(form: str) -> None:
    shown = masked(f"'{form}' is not a number")
    assert MASK in shown
    assert form.lower() not in shown.lower()
    assert_no_secret(shown)


def test_whole_forms_leave_nothing_of_the_secret_around_the_mask() -> None:
    for name in ("raw", "upper", "reversed", "base64", "base64 url-safe", "hex", "URL-encoded", "base64 in a query"):
        assert masked(f"<{FORMS[name]}>") == f"<{MASK}>", name


@pytest.mark.parametrize("form", revealing_forms())
def test_every_form_the_leak_tests_look_for_is_masked(form: str) -> None:
    assert_no_secret(masked(f"value {form}, again {form}"))


def test_a_secret_with_spaces_slashes_quotes_and_non_ascii_is_masked_however_it_is_escaped() -> None:
    secret = 'pa ss/wörd "42"\n'
    forms = [
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(secret),  # `/` kept
        urllib.parse.quote_plus(secret),  # a form body: space as `+`
        (stringify(secret) or "")[1:-1],  # JSON.stringify
        json.dumps(secret)[1:-1],  # ASCII-escaped
        json.dumps(secret)[1:-1].replace("/", "\\/"),  # `\/`, as PHP writes it
    ]
    for form in forms:
        assert masked(f"[{form}]", secret) == f"[{MASK}]", form


def test_ordinary_text_that_shares_no_secret_is_left_alone() -> None:
    text = json.dumps(
        {
            "id": 42,
            "name": "Ada Lovelace",
            "client": "acme-client",
            "updated": "2026-12-01T17:00:00Z",
            "url": "https://api.example.com/v2/contacts?limit=20",
            "note": "the secret handshake, hunter and horse",
        }
    )
    secrets = (SECRET, TOKEN, "client-secret-0a1b2c3d", "hunter2-correct-horse", "2026-12-01T18:00:00Z")
    assert masked(text, *secrets) == text


def test_runs_of_letters_or_numbers_alone_are_ordinary_but_mixed_runs_are_masked() -> None:
    secret = "client-secret-0a1b2c3d"
    assert masked("client secret", secret) == "client secret"  # words every app uses
    assert masked("id 0a1b2c", secret) == f"id {MASK}"  # a piece of the random part
    assert masked("ret-0a1b and 2c3d", secret) == f"{MASK} and 2c3d"


def test_short_values_and_the_mask_are_not_secrets() -> None:
    assert masked("abc is ABC, cba", "abc") == "abc is ABC, cba"
    assert masked(f"shown as {MASK}", MASK) == f"shown as {MASK}"
    assert masked("abcd ABCD dcba", "abcd") == f"{MASK} {MASK} {MASK}"


def test_what_every_key_or_token_of_its_kind_shares_is_not_masked_alone() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
    other_jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.Zk9xR2pQd1N0bTNhV2xL"
    text = f"-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY----- and {other_jwt}"
    assert masked(text, pem, jwt) == text
    assert masked("piece kiG9w0BAQEF of it", pem, jwt) == f"piece {MASK} of it"
    assert masked(f"{jwt} and {jwt.split('.')[2][3:20]}", pem, jwt) == f"{MASK} and {MASK}"


def test_a_url_is_masked_whole_not_by_its_pieces() -> None:
    secret = "https://hooks.example.com/T042/B1337/s3cr3t"
    assert masked(f"sent to {secret}", secret) == f"sent to {MASK}"
    assert masked("https://hooks.example.com/T042/other", secret) == "https://hooks.example.com/T042/other"


def test_overlapping_forms_of_several_secrets_become_one_mask() -> None:
    assert masked(f"x {SECRET}{TOKEN} y", SECRET, TOKEN) == f"x {MASK} y"
    assert masked(f"x {SECRET[:7]}{TOKEN[3:12]} y", SECRET, TOKEN) == f"x {MASK} y"


def test_a_lone_surrogate_is_masked_as_it_goes_over_the_wire() -> None:
    secret = "key-\ud83d-4242"
    assert masked("key-\ufffd-4242", secret) == MASK
    assert masked(urllib.parse.quote("key-\ufffd-4242"), secret) == MASK


def test_a_secret_too_long_to_spell_is_masked_in_its_whole_forms() -> None:
    huge = "".join(f"{n:05d}-{SECRET}" for n in range(2000))  # 36,000 characters: a hostile samples file
    data = huge.encode()
    for form in (huge, huge.upper(), huge[::-1], base64.b64encode(data).decode(), data.hex()):
        assert masked(f"<{form}> and {TOKEN}", huge, TOKEN) == f"<{MASK}> and {MASK}"
    assert masked(f"<{huge}{huge}>", huge) == f"<{MASK}>"
    assert masked(SECRET, huge) == SECRET  # its runs are not masked on their own


def test_no_secret_masks_nothing() -> None:
    assert secret_masker(()).mask("any text") == "any text"


def test_the_masker_of_a_set_is_built_once() -> None:
    assert secret_masker([SECRET, TOKEN]) is secret_masker(frozenset({TOKEN, SECRET}))
