"""Recorded responses: what one run of a component received, saved beside its code file.

A recording lets the response pipeline run offline and lets the editor show real values in
``response`` directives (``body.items`` has a value). It sits next to the code file, named like it
with ``.response.json`` instead of ``.iml.json`` / ``.imljson`` / ``.json``, and holds::

    {"recorded": "2026-12-01T15:20:00Z",
     "exchanges": [{"label": "request 1 of 2", "page": 1,
                    "request": {"method": "GET", "url": "https://api.example.com/contacts"},
                    "response": {"status": 200, "headers": [["content-type", "application/json"]],
                                 "json": {"items": []}}}]}

The response body is exactly one of ``json`` (a JSON body, parsed), ``text`` or ``base64``. A
response can hold personal data and tokens, so writing one adds ``*.response.json`` to the
``.gitignore`` of its folder. A repository may be hostile: a recording is read only through
:mod:`iml_ls.files`, at most :data:`MAX_RECORDING_BYTES`, and anything malformed reads as no
recording at all.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from iml_ls import files
from iml_ls.evaluate.coerce import parse_json_text
from iml_ls.evaluate.values import JsValue
from iml_ls.model.connection import RECORDING_SUFFIX, is_recording

GITIGNORE_LINE = "*" + RECORDING_SUFFIX
MAX_RECORDING_BYTES = 4_000_000
"""Larger recordings are not read (nor written): the editor reads one on every change of the file."""

_CODE_SUFFIXES = (".iml.json", ".imljson", ".json")
_PRIVATE = 0o600
"""A recording is readable by its owner only: it can hold personal data and tokens."""
_SHARED = 0o644


def recording_path(code_path: str) -> str:
    """The recording beside a code file: ``x.communication.iml.json`` → ``x.communication.response.json``."""
    for suffix in _CODE_SUFFIXES:
        if code_path.endswith(suffix):
            return code_path[: -len(suffix)] + RECORDING_SUFFIX
    return code_path + RECORDING_SUFFIX


@dataclass(frozen=True)
class RecordedExchange:
    """One request of a run and the response it received (the request only says what was asked:
    its URL is saved with secrets masked)."""

    label: str
    page: int
    method: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def json(self) -> JsValue | None:
        """The body as ``JSON.parse`` reads it, or None when it is not JSON text."""
        try:
            return parse_json_text(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None


@dataclass(frozen=True)
class Recording:
    path: str
    recorded: str
    """When it was recorded (ISO 8601, UTC), as written in the file."""
    exchanges: tuple[RecordedExchange, ...]


def read_recording(app_root: str, path: str) -> Recording | None:
    """The recording at ``path``, or None when it is missing, unsafe to read (see :mod:`iml_ls.files`),
    larger than :data:`MAX_RECORDING_BYTES` or not a recording."""
    text = files.read_text(path, app_root, MAX_RECORDING_BYTES)
    return None if text is None else parse_recording(path, text)


def parse_recording(path: str, text: str) -> Recording | None:
    """A recording's text read (None when malformed). Only ``exchanges[].response`` is required, so a
    recording written by hand can be short; whatever is there must have the documented type."""
    try:
        raw = json.loads(text, parse_constant=_reject)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict):
        return None
    recorded = raw.get("recorded", "")
    exchanges = raw.get("exchanges")
    if not isinstance(recorded, str) or not isinstance(exchanges, list):
        return None
    read = [_exchange(item) for item in exchanges]
    found = [exchange for exchange in read if exchange is not None]
    return Recording(path, recorded, tuple(found)) if len(found) == len(read) else None


def _reject(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _exchange(raw: object) -> RecordedExchange | None:
    if not isinstance(raw, dict):
        return None
    request = raw.get("request", {})
    response = raw.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return None
    label = raw.get("label", "")
    page = raw.get("page", 1)
    method = request.get("method", "GET")
    url = request.get("url", "")
    status = response.get("status", 200)
    headers = _headers(response.get("headers", []))
    body = _body(response)
    if (
        not isinstance(label, str)
        or not _is_int(page)
        or page < 1
        or not isinstance(method, str)
        or not isinstance(url, str)
        or not _is_int(status)
        or not 100 <= status <= 599
        or headers is None
        or body is None
    ):
        return None
    return RecordedExchange(label, page, method, url, status, headers, body)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _headers(raw: object) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(raw, list):
        return None
    pairs = [(item[0], item[1]) for item in raw if isinstance(item, list) and len(item) == 2]
    if len(pairs) != len(raw) or not all(isinstance(name, str) and isinstance(value, str) for name, value in pairs):
        return None
    return tuple(pairs)


def _body(response: dict[str, object]) -> bytes | None:
    """The body bytes from the one of ``json``, ``text`` or ``base64`` the response holds (none: empty)."""
    present = [key for key in ("json", "text", "base64") if key in response]
    if len(present) > 1:
        return None
    if not present:
        return b""
    value = response[present[0]]
    if present[0] == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if not isinstance(value, str):
        return None
    if present[0] == "text":
        return value.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def write_recording(app_root: str, path: str, exchanges: Sequence[RecordedExchange], now: float) -> None:
    """Save ``exchanges`` at ``path`` (a ``*.response.json`` file inside ``app_root``), atomically, after
    making sure the ``.gitignore`` beside it ignores recordings.

    Raises ``ValueError`` when the path is not a recording's, lies outside the app root (symlinks
    resolved) or in ``.git``, when the recording would be too large to read back, or when the
    ``.gitignore`` beside it cannot be read safely (the recording would not be ignored).
    """
    if not is_recording(path):
        raise ValueError(f"{path}: a recording's name ends with {RECORDING_SUFFIX}")
    folder = _folder_inside(app_root, path)
    text = recording_text(exchanges, now)
    if len(text.encode("utf-8")) > MAX_RECORDING_BYTES:
        raise ValueError(f"{path}: the recording would be larger than {MAX_RECORDING_BYTES} bytes")
    _ignore_recordings(app_root, folder)
    files.write_atomically(folder / Path(path).name, text, _PRIVATE)


def recording_text(exchanges: Sequence[RecordedExchange], now: float) -> str:
    """The file's text for ``exchanges`` recorded at ``now`` (seconds since the epoch)."""
    recorded = dt.datetime.fromtimestamp(int(now), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {"recorded": recorded, "exchanges": [_exchange_json(exchange) for exchange in exchanges]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (``"\\ud800"`` in a body) is kept escaped
        text = json.dumps(document, indent=2) + "\n"
    return text


def _exchange_json(exchange: RecordedExchange) -> dict[str, object]:
    response = {"status": exchange.status, "headers": [list(pair) for pair in exchange.headers]}
    return {
        "label": exchange.label,
        "page": exchange.page,
        "request": {"method": exchange.method, "url": exchange.url},
        "response": response | _body_json(exchange.body),
    }


def _body_json(body: bytes) -> dict[str, object]:
    """The body as the file keeps it: parsed when it is JSON, else as text, else as base64."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}
    try:
        return {"json": json.loads(text, parse_constant=_reject)} if text.strip() else {"text": text}
    except (ValueError, RecursionError):
        return {"text": text}


def _folder_inside(app_root: str, path: str) -> Path:
    """The real folder of ``path`` when it lies inside the real app root and outside ``.git``."""
    try:
        root = Path(os.path.realpath(app_root, strict=True))
        folder = Path(os.path.realpath(os.path.dirname(os.path.abspath(path)), strict=True))
    except (OSError, RuntimeError, ValueError):
        raise ValueError(f"{path}: its folder does not exist inside the app {app_root}") from None
    if not folder.is_dir() or not folder.is_relative_to(root) or ".git" in folder.relative_to(root).parts:
        raise ValueError(f"{path}: a recording is written only inside the app {app_root}")
    return folder


def _ignore_recordings(app_root: str, folder: Path) -> None:
    """Add ``*.response.json`` to the folder's ``.gitignore`` (created if missing), once."""
    gitignore = folder / ".gitignore"
    if not os.path.lexists(gitignore):
        files.write_atomically(gitignore, GITIGNORE_LINE + "\n", _SHARED)
        return
    current = files.read_text(gitignore, app_root)
    if current is None:
        raise ValueError(f"{gitignore}: cannot be read safely, so the recording would not be git-ignored")
    if GITIGNORE_LINE in (line.strip() for line in current.splitlines()):
        return
    separator = "" if not current or current.endswith(("\n", "\r")) else "\n"
    files.write_atomically(gitignore, current + separator + GITIGNORE_LINE + "\n", _SHARED)
