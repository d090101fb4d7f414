"""The sender: one request over HTTP or HTTPS with the standard library, as Make's runtime sends it.

TLS certificates are always verified (a request's ``ca`` adds a trusted authority, it never turns
verification off). Redirects are followed as Make's HTTP client follows them: a GET or HEAD unless
``followRedirects`` is false, any method with ``followAllRedirects``; at most 10; a 307 keeps the method
and body, any other becomes a GET without a body; ``authorization`` is dropped when the host changes,
and a redirect to a host the user has not confirmed is not followed (the 3xx is the response).
"""

from __future__ import annotations

import http.client
import ssl
import time
import urllib.parse
import zlib
from collections.abc import Callable

from iml_ls.run.exchange import MAX_TIMEOUT, ReceivedResponse, SendError, SentRequest, host_of

MAX_REDIRECTS = 10
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""A larger response (after decompression) is not read: a server cannot exhaust iml-ls's memory."""
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "transfer-encoding"})


def send(request: SentRequest, may_follow: Callable[[str], bool] = lambda host: True) -> ReceivedResponse:
    """Send ``request`` and read the response, following redirects to the hosts ``may_follow`` allows."""
    started = time.monotonic()
    current = request
    for _ in range(MAX_REDIRECTS + 1):
        status, headers, body = _exchange(current)
        location = next((value for name, value in headers if name == "location"), None)
        target = _redirect(current, status, location)
        if target is None or not may_follow(host_of(target.url)):
            return ReceivedResponse(status, headers, body, current.url, (time.monotonic() - started) * 1000)
        current = target
    raise SendError(f"More than {MAX_REDIRECTS} redirects.")


def _redirect(request: SentRequest, status: int, location: str | None) -> SentRequest | None:
    """The request a redirect asks for, when Make would follow it."""
    if not 300 <= status < 400 or not location:
        return None
    follows = request.options.follow_all_redirects or (
        request.options.follow_redirects and request.method in ("GET", "HEAD", "OPTIONS")
    )
    if not follows:
        return None
    url = urllib.parse.urljoin(request.url, location)
    headers = request.headers
    if host_of(url).split(":")[0] != request.host.split(":")[0]:
        headers = tuple((name, value) for name, value in headers if name.lower() != "authorization")
    if status == 307:
        return SentRequest(request.method, url, headers, request.body, request.options)
    headers = tuple((name, value) for name, value in headers if name.lower() not in _BODY_HEADERS)
    return SentRequest("GET", url, headers, None, request.options)


def _exchange(request: SentRequest) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    parts = urllib.parse.urlsplit(request.url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise SendError(f"Only http and https URLs can be sent, not {request.url[:200]!r}.")
    timeout = min(max(request.options.timeout, 0.001), MAX_TIMEOUT)
    try:
        port = parts.port
    except ValueError:
        raise SendError("The URL's port is not a number from 0 to 65535.") from None
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout, context=_tls(request))
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.putrequest(request.method, target, skip_accept_encoding=True)
        names = {name.lower() for name, _ in request.headers}
        for name, value in request.headers:
            connection.putheader(name, value)
        if request.options.gzip and "accept-encoding" not in names:
            connection.putheader("accept-encoding", "gzip, deflate")
        if request.body is not None and "content-length" not in names:
            connection.putheader("content-length", str(len(request.body)))
        connection.endheaders(request.body)
        response = connection.getresponse()
        raw = response.read(MAX_RESPONSE_BYTES + 1)
        headers = tuple((name.lower(), value) for name, value in response.getheaders())
        status = response.status
    except ssl.SSLError as error:
        raise SendError(
            f"TLS failed: {error.reason or error}. The certificate is verified; a request's `ca` "
            "can name the authority of a self-signed server."
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise SendError(f"No response: {type(error).__name__}: {error}") from None
    finally:
        connection.close()
    if len(raw) > MAX_RESPONSE_BYTES:
        raise SendError(f"The response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB: not read.")
    encoding = next((value.lower() for name, value in headers if name == "content-encoding"), "")
    return status, headers, _decoded(raw, encoding) if request.options.gzip else raw


def _tls(request: SentRequest) -> ssl.SSLContext:
    """The system's trusted authorities (and the request's ``ca``); hostnames and certificates checked."""
    context = ssl.create_default_context()
    if request.options.ca:
        try:
            context.load_verify_locations(cadata=request.options.ca)
        except (ssl.SSLError, ValueError):
            raise SendError("The request's `ca` is not a PEM certificate.") from None
    return context


def _decoded(raw: bytes, encoding: str) -> bytes:
    """A gzip or deflate body decompressed (at most :data:`MAX_RESPONSE_BYTES`)."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return raw
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 32 if encoding != "deflate" else zlib.MAX_WBITS)
    try:
        body = decompressor.decompress(raw, MAX_RESPONSE_BYTES + 1)
    except zlib.error:
        raise SendError(f"The {encoding} body cannot be decompressed.") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise SendError(f"The response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MB: not read.")
    return body
