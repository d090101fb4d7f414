"""One request as it goes over the wire and the response that came back: what the sender, the
pipeline, the recordings and every view of a run share."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from iml_ls.evaluate.values import JsValue

DEFAULT_TIMEOUT = 40.0
"""Seconds Make waits for a response unless the request's ``timeout`` says otherwise."""
MAX_TIMEOUT = 300.0
"""The longest ``timeout`` Make accepts (300,000 ms)."""

_FIRST_ONLY_HEADERS = frozenset(
    {
        "age", "authorization", "content-length", "content-type", "etag", "expires", "from", "host",
        "if-modified-since", "if-unmodified-since", "last-modified", "location", "max-forwards",
        "proxy-authorization", "referer", "retry-after", "server", "user-agent",
    }
)  # fmt: skip
"""Headers of which Node.js keeps the first when a response repeats them."""


@dataclass(frozen=True)
class SendOptions:
    """How a request is sent: its ``timeout``, ``gzip``, ``followRedirects``, ``followAllRedirects``, ``ca``."""

    timeout: float = DEFAULT_TIMEOUT
    """Seconds."""
    follow_redirects: bool = True
    """Follow a 3xx answer to a GET or HEAD."""
    follow_all_redirects: bool = False
    """Follow a 3xx answer to any method."""
    gzip: bool = False
    """Ask for a compressed response and decompress it."""
    ca: str | None = None
    """A certificate authority (PEM) trusted besides the system's, for a self-signed server."""


@dataclass(frozen=True)
class SentRequest:
    """A request exactly as it is sent."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    options: SendOptions = SendOptions()

    @property
    def host(self) -> str:
        """The host (with a port other than the scheme's) the request goes to."""
        return host_of(self.url)


@dataclass(frozen=True)
class ReceivedResponse:
    """The response as it came back, after the redirects that were followed."""

    status: int
    headers: tuple[tuple[str, str], ...]
    """Lower-case names, in the order they came (a name may repeat, e.g. ``set-cookie``)."""
    body: bytes
    url: str
    """The URL that answered (the last of the redirects)."""
    elapsed_ms: float

    def header(self, name: str) -> str | None:
        """The first value of a header (names are compared in lower case)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)


class SendError(Exception):
    """The request got no response: the host is unknown or refused, TLS failed, or it timed out."""


Sender = Callable[[SentRequest], ReceivedResponse]
"""What sends a request: :func:`iml_ls.run.http.send`, or a replay of a recording, or a test's."""


def host_of(url: str) -> str:
    """``api.example.com`` for ``https://api.example.com/v2``; ``127.0.0.1:8080`` keeps its port."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port is not None and port != default else host


def header_variables(pairs: Iterable[tuple[str, str]]) -> dict[str, JsValue]:
    """The headers as Make's runtime (Node.js) gives them: names in lower case, ``set-cookie`` a list,
    a repeated header joined with ``, ``, except those of which only the first counts."""
    headers: dict[str, JsValue] = {}
    for name, value in pairs:
        lowered = name.lower()
        known = headers.get(lowered)
        if lowered == "set-cookie":
            headers[lowered] = [*(known if isinstance(known, list) else []), value]
        elif not isinstance(known, str):
            headers[lowered] = value
        elif lowered not in _FIRST_ONLY_HEADERS:
            headers[lowered] = f"{known}, {value}"
    return headers
