"""A secret sample value, and how to tell that an output reveals it (shared by the security tests and
the fuzzers)."""

from __future__ import annotations

import base64
import json

SECRET = "Qz7#vK2!mW9p"
"""A sample value every test keeps out of every output. Each run of six of its characters holds `#`
or `!`, which no token, hash or base64 text contains, so finding one means it leaked."""


def revealing_forms(secret: str = SECRET) -> list[str]:
    """The secret as an output could reveal it: as it is, in another case, reversed, encoded, or any
    six characters of it (a `substring()`, a piece of a `split()`)."""
    data = secret.encode()
    forms = {secret, secret.lower(), secret.upper(), secret[::-1], data.hex(), base64.b64encode(data).decode()}
    forms |= {base64.urlsafe_b64encode(data).decode().rstrip("=")}
    forms |= {secret[start : start + 6] for start in range(len(secret) - 5)}
    forms |= {form.lower() for form in list(forms)}
    return sorted(forms)


def assert_no_secret(*outputs: object, secret: str = SECRET) -> None:
    """No form of the secret in any of the outputs (texts, or anything JSON can write)."""
    for output in outputs:
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, default=str)
        lowered = text.lower()
        for form in revealing_forms(secret):
            assert form.lower() not in lowered, f"{form!r} of the secret appears in {text[:2000]!r}"
