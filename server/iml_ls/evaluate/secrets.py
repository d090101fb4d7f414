"""The one rule for masking secret values in any text iml-ls shows: diagnostics, hovers, previews,
a run's requests and responses, recordings.

Which values are secrets is each caller's to say (sample values under secret names, a run's tokens);
this module only replaces every form of them in a text: the value as it is, in any case, reversed,
in base64 (standard or URL-safe, padded or not) or hex, each of these URL-encoded or JSON-escaped
(whichever characters the encoder kept), and every run of :data:`WINDOW` of its characters that does
not read like ordinary text (a ``substring()``, a piece of a ``split()``).
"""

from __future__ import annotations

import base64
import itertools
import re
import string
from collections.abc import Iterable, Iterator
from functools import lru_cache

MASK = "••••"
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked: a secret of two or three characters (``"ab"``) would mask ordinary
words; where it stands under a secret name its caller masks it whole."""
WINDOW = 6
"""Length of the runs of a secret's characters that are masked on their own (see :func:`_distinctive`)."""
LONGEST_SPELT = 16_384
"""Longer secrets (no key, token or certificate chain is this long) are found in their whole forms as
plain text, and their runs are not masked on their own: a pattern of every spelling of each of their
characters would take seconds to build, and a samples file of the repository may hold one."""
_ORDINARY_PUNCTUATION = frozenset("-_. ")
"""What joins the words of ordinary names and texts (``acme-client``, ``first_name``, ``Ada Lovelace``)."""
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-_.~")
"""Characters no URL encoder or JSON writer escapes."""
_SHARED_PARTS = re.compile(r"-----[A-Z0-9 ]+-----|^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.(?=[A-Za-z0-9_-])")
"""The parts of a secret that values of its kind share, whose runs are not masked on their own: a
PEM's armour (``-----BEGIN PRIVATE KEY-----``) and a JWT's header and claims (``eyJhbGciOiJIUzI1NiJ9``,
``eyJzdWIiOi`` is ``{"sub":``), which every token spells alike; a JWT's signature is its secret part."""
_JSON_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


class SecretMasker:
    """Masks every form of a set of secret values (built once per set: see :func:`secret_masker`)."""

    def __init__(self, secrets: frozenset[str]) -> None:
        kept = [secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH and secret != MASK]
        spelt = [secret for secret in kept if len(secret) <= LONGEST_SPELT]
        forms = sorted({form for secret in spelt for form in _forms(secret)}, key=len, reverse=True)
        # forms side by side (two secrets, a secret twice) become one mask
        self._pattern = re.compile(f"(?:{'|'.join(map(_spelt, forms))})+", re.IGNORECASE) if forms else None
        self._long_forms = sorted(
            {form.lower() for secret in kept if len(secret) > LONGEST_SPELT for form in _forms(secret)},
            key=len,
            reverse=True,
        )
        self._windows = frozenset(
            window.lower()
            for secret in spelt
            if "://" not in secret  # a URL's pieces are hosts and paths the request shows anyway
            for text in [_SHARED_PARTS.sub("\0", secret)]
            for start in range(len(text) - WINDOW + 1)
            for window in [text[start : start + WINDOW]]
            if _distinctive(window)
        )

    def mask(self, text: str) -> str:
        """The text with every form of every secret replaced by :data:`MASK` (overlapping runs as one)."""
        if self._long_forms:
            text = _masked(text, self._long_spans(text))
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        if self._windows:
            text = _masked(text, self._window_spans(text))
        return text

    def _long_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where the whole forms of the long secrets stand, in any case."""
        lower = text.lower()
        haystack = lower if len(lower) == len(text) else text  # a few letters lengthen when lowered (`İ`)
        spans: list[tuple[int, int]] = []
        for form in self._long_forms:
            start = haystack.find(form)
            while start >= 0:
                spans.append((start, start + len(form)))
                start = haystack.find(form, start + len(form))
        return iter(sorted(spans))

    def _window_spans(self, text: str) -> Iterator[tuple[int, int]]:
        lower, windows = text.lower(), self._windows
        if len(lower) != len(text):
            lower = text
        for start in range(len(lower) - WINDOW + 1):
            if lower[start : start + WINDOW] in windows:
                yield start, start + WINDOW


def _masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with each span (in order of their starts) replaced by one :data:`MASK`, overlapping
    and adjoining spans by one together."""
    pieces: list[str] = []
    kept_from, covered_until = 0, -1
    for start, end in spans:
        if start > covered_until:
            pieces += [text[kept_from:start], MASK]
        covered_until = kept_from = max(covered_until, end)
    if not pieces:
        return text
    pieces.append(text[kept_from:])
    return "".join(pieces)


@lru_cache(maxsize=64)
def _masker(secrets: frozenset[str]) -> SecretMasker:
    return SecretMasker(secrets)


def secret_masker(secrets: Iterable[str]) -> SecretMasker:
    """The masker of a set of secret values, built once per distinct set (a hover, a preview and each
    response of a run ask for the same set again and again)."""
    return _masker(secrets if isinstance(secrets, frozenset) else frozenset(secrets))


def _forms(secret: str) -> set[str]:
    """The secret as a text may carry it, before URL encoding or JSON escaping (see :func:`_spelt`)."""
    data = secret.encode("utf-8", "surrogatepass")
    standard, url_safe = base64.b64encode(data).decode(), base64.urlsafe_b64encode(data).decode()
    encoded = {standard, url_safe, standard.rstrip("="), url_safe.rstrip("=")}
    return {secret, secret[::-1], data.hex(), *encoded}


def _spelt(form: str) -> str:
    """A pattern of the form with each character as it is, percent-encoded (``%2F``, ``+`` for a space)
    or JSON-escaped (``\\/``, ``\\u00e9``)."""
    return "".join(_spellings(char) for char in form)


@lru_cache(maxsize=4096)
def _spellings(char: str) -> str:
    if char in _UNRESERVED:
        return re.escape(char)
    spellings = {char, "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))}
    units = char.encode("utf-16-be", "surrogatepass")
    spellings.add("".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)))
    if 0xD800 <= ord(char) <= 0xDFFF:  # a lone surrogate goes over the wire as U+FFFD
        spellings |= {"\ufffd", "%EF%BF%BD"}
    if char == " ":
        spellings.add("+")
    if char in _JSON_SHORT_ESCAPES:
        spellings.add(_JSON_SHORT_ESCAPES[char])
    alternatives = "|".join(map(re.escape, sorted(spellings, key=len, reverse=True)))
    return f"(?:{alternatives})"


def _distinctive(window: str) -> bool:
    """Whether a run of a secret's characters is unlike ordinary text: it mixes two letters or more
    with a digit or a symbol, or has a capital after a small letter (``MIIEvQ``). Words (``client``,
    ``Secret``) and numbers, dates and times (``2026-1``, ``01T18:``) are ordinary: masking them
    would mask every text that shares a word or a day with a secret."""
    if "\0" in window:
        return False
    letters = sum(char.isalpha() for char in window)
    others = sum(not char.isalpha() and char not in _ORDINARY_PUNCTUATION for char in window)
    return (letters >= 2 and others > 0) or any(a.islower() and b.isupper() for a, b in itertools.pairwise(window))
