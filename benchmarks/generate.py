"""Deterministic, realistic connection files of a chosen size for the benchmark.

A file is a basic connection's communication written as an array of requests (JWT-signed calls,
basic-auth POSTs, API-key searches) with headers, query strings, bodies, ``temp`` JWT payloads and
response directives: about one IML expression every two lines, plus a few planted mistakes (a
misspelt parameter, an unknown function, a broken expression, an unknown JWT algorithm) so every
diagnostics run has something to report. The same seed and size always give the same bytes.

The workload also lists where the benchmark types, completes and hovers; positions are LSP
positions (UTF-16 code units), spread over the whole file.

Run ``python -m benchmarks.generate --lines 10000 DIR`` to look at one.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SEED = 20240611
SITES_PER_KIND = 8

PARAMETERS: tuple[tuple[str, str, str], ...] = (
    ("clientId", "text", "Client ID"),
    ("clientSecret", "password", "Client secret"),
    ("region", "select", "Data region"),
    ("workspaceId", "text", "Workspace ID"),
    ("limit", "uinteger", "Page size"),
    ("username", "text", "User name"),
    ("password", "password", "Password"),
    ("scopes", "text", "Scopes (comma separated)"),
    ("query", "text", "Search query"),
    ("apiKey", "password", "API key"),
)

# Exact texts the measured positions are found at; planted mistakes never match them.
TIMESTAMP_EXPRESSION = "{{timestamp + 3600}}"
PARAMETER_EXPRESSION = "{{parameters.clientId}}"
JWT_CALL = "{{jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)}}"
HS256_CALL = "{{jwt(temp.payload, parameters.clientSecret, 'HS256')}}"
TYPED_KEY = '"method": "GET", '
"""Typed one character at a time before a request's ``url``, then deleted again: between its first
quote and its closing one the JSON is broken."""

SHAPES = ("basic", "varied")
"""basic: three kinds of request, four planted mistakes. varied: shared ``temp`` chains (a key
object, sessions), RS256 and HS256 tokens, and a mistake in one request of two."""


@dataclass(frozen=True)
class Position:
    line: int
    character: int
    """UTF-16 code units, as LSP counts by default."""

    def to_lsp(self) -> dict[str, int]:
        return {"line": self.line, "character": self.character}


@dataclass(frozen=True)
class Edit:
    """Replace ``start``..``end`` of one line with ``text``."""

    start: Position
    end: Position
    text: str

    def to_lsp(self) -> dict[str, Any]:
        return {"range": {"start": self.start.to_lsp(), "end": self.end.to_lsp()}, "text": self.text}


@dataclass(frozen=True)
class Workload:
    name: str
    """The connection id: files are ``<name>.communication.iml.json`` and ``<name>.params.iml.json``."""
    communication: str
    params: str
    edit_cycles: tuple[tuple[Edit, Edit], ...]
    """Pairs of (change, undo): after both, the document is back to the generated text."""
    typing: tuple[Edit, ...]
    """:data:`TYPED_KEY` typed and deleted again, one character per edit (back to the generated text)."""
    completion_positions: tuple[Position, ...]
    hover_positions: tuple[Position, ...]

    @property
    def lines(self) -> int:
        return self.communication.count("\n") + 1

    @property
    def expressions(self) -> int:
        return self.communication.count("{{")

    def edit(self, number: int) -> Edit:
        """The ``number``-th edit of the series: changes and undos alternate over the sites."""
        change, undo = self.edit_cycles[(number // 2) % len(self.edit_cycles)]
        return undo if number % 2 else change

    def write(self, directory: Path, params: bool = True) -> Path:
        """Write the files into ``directory`` (the params file only with ``params``); return the
        communication file's path."""
        communication = directory / f"{self.name}.communication.iml.json"
        communication.write_text(self.communication, encoding="utf-8")
        if params:
            (directory / f"{self.name}.params.iml.json").write_text(self.params, encoding="utf-8")
        return communication


# Requests ------------------------------------------------------------------------------------


def jwt_request(number: int) -> dict[str, Any]:
    """Make's documented JWT connection: sign an HS512 token, send it as a bearer token."""
    return {
        "url": f"https://{{{{parameters.region}}}}.api.acme-crm.example/v2/workspaces/{{{{parameters.workspaceId}}}}/items/{number}",
        "method": "GET",
        "temp": {
            "jwt": {
                "iss": PARAMETER_EXPRESSION,
                "sub": "Zoë Müller",
                "aud": "https://api.acme-crm.example",
                "scope": "{{join(split(parameters.scopes, ','), ' ')}}",
                "iat": "{{timestamp}}",
                "nbf": "{{timestamp - 60}}",
                "exp": TIMESTAMP_EXPRESSION,
            },
            "options": {"header": {"kid": "{{lower(parameters.clientId)}}"}},
        },
        "headers": {
            "authorization": f"Bearer {JWT_CALL}",
            "x-request-id": f"bench-{number}-{{{{upper(parameters.clientId)}}}}",
            "x-region": "{{upper(parameters.region)}}",
            "x-workspace": "{{parameters.workspaceId}}",
        },
        "qs": {"limit": "{{parameters.limit}}", "since": "{{formatDate(addDays(now, -7), 'YYYY-MM-DD')}}"},
        "log": {"sanitize": ["request.headers.authorization"]},
        "response": {
            "valid": "{{body.ok = true}}",
            "error": {"message": "{{body.error.message}}", "type": "InvalidAccessTokenError"},
            "temp": {"cursor": "{{body.next}}", "seen": "{{ifempty(temp.seen, 0) + length(body.items)}}"},
        },
    }


def basic_request(number: int) -> dict[str, Any]:
    """A basic-auth POST that creates a record and stores what the API answers."""
    return {
        "url": f"https://api.acme-crm.example/v2/contacts/{{{{temp.contactId}}}}-{number}",
        "method": "POST",
        "temp": {"contactId": "{{ifempty(parameters.workspaceId, 'default')}}"},
        "headers": {"authorization": "Basic {{base64(parameters.username + ':' + parameters.password)}}"},
        "log": {"sanitize": ["request.headers.authorization"]},
        "body": {
            "name": "{{capitalize(parameters.username)}}",
            "email": "{{lower(parameters.username)}}@example.com",
            "tags": ["crm", "{{parameters.region}}"],
            "createdAt": "{{formatDate(now, 'YYYY-MM-DDTHH:mm:ss')}}",
            "scopeCount": "{{length(split(parameters.scopes, ','))}}",
            "region": "{{parameters.region}}",
            "owner": "{{parameters.username}}",
        },
        "type": "json",
        "response": {
            "valid": "{{body.id != null}}",
            "data": {
                "contactId": "{{body.id}}",
                "expires": "{{addSeconds(now, body.expires_in)}}",
                "refreshedAt": "{{timestamp}}",
            },
            "metadata": {"value": "{{body.name}} ({{body.email}})", "type": "text"},
            "uid": "{{body.id}}",
        },
    }


def api_key_request(number: int) -> dict[str, Any]:
    """A paged search authenticated by an API key header."""
    return {
        "url": "https://api.acme-crm.example/v2/search",
        "qs": {
            "q": "{{parameters.query}}",
            "page": f"{{{{ifempty(temp.page, 0) + {number % 7 + 1}}}}}",
            "limit": "{{parameters.limit}}",
        },
        "headers": {"x-api-key": "{{parameters.apiKey}}", "accept": "application/json"},
        "log": {"sanitize": ["request.headers.x-api-key"]},
        "response": {
            "temp": {"page": "{{body.page}}", "total": "{{body.total * 1}}"},
            "valid": "{{body.status = 'ok'}}",
            "error": "{{body.message}}",
        },
    }


REQUEST_KINDS: tuple[tuple[Callable[[int], dict[str, Any]], float], ...] = (
    (jwt_request, 0.5),
    (basic_request, 0.3),
    (api_key_request, 0.2),
)


# The varied shape: what a real connection grown over years looks like -----------------------

DEMO_KEY_FILE = (
    Path(__file__).resolve().parent.parent
    / "examples/make-app/connections/rs256-service-account/rs256-service-account.samples.json"
)
"""The repository's throwaway demo RSA key (it protects nothing), signed with RS256 in varied files."""


def _demo_key() -> str:
    key = json.loads(DEMO_KEY_FILE.read_text(encoding="utf-8"))["parameters"]["privateKey"]
    assert isinstance(key, str)
    return key


def key_request(number: int) -> dict[str, Any]:
    """Defines the shared ``temp.rsa`` object (the RS256 key and its id) every later request reads."""
    return {
        "url": f"https://auth.acme-crm.example/v2/keys/{number}",
        "method": "GET",
        "temp": {"rsa": {"kid": f"key-{number}", "key": _demo_key()}},
        "headers": {"x-api-key": "{{parameters.apiKey}}", "accept": "application/json"},
        "log": {"sanitize": ["request.headers.x-api-key"]},
        "response": {"temp": {"keyVersion": "{{body.version}}"}, "valid": "{{body.ok}}"},
    }


def session_request(number: int) -> dict[str, Any]:
    """Opens a session: a ``temp.session`` object the following requests read (a shared chain)."""
    return {
        "url": "https://api.acme-crm.example/v2/sessions",
        "method": "POST",
        "temp": {
            "session": {
                "id": f"{{{{md5(parameters.clientId + '-{number}')}}}}",
                "scope": "{{join(split(parameters.scopes, ','), ' ')}}",
                "started": "{{timestamp}}",
                "expires": TIMESTAMP_EXPRESSION,
                "owner": PARAMETER_EXPRESSION,
            }
        },
        "body": {"client": "{{parameters.clientId}}", "region": "{{parameters.region}}"},
        "type": "json",
        "response": {"temp": {"token": "{{body.token}}", "cursor": "{{body.next}}"}, "valid": "{{body.ok}}"},
    }


def rs256_request(number: int) -> dict[str, Any]:
    """A service-account call signed with RS256 by the shared key, reading the session too."""
    return {
        "url": f"https://api.acme-crm.example/v2/accounts/{{{{temp.session.id}}}}/items/{number}",
        "method": "GET",
        "temp": {
            "claims": {
                "iss": PARAMETER_EXPRESSION,
                "aud": "https://api.acme-crm.example",
                "scope": "{{temp.session.scope}}",
                "iat": "{{timestamp}}",
                "exp": TIMESTAMP_EXPRESSION,
            }
        },
        "headers": {
            "authorization": "Bearer {{jwt(temp.claims, temp.rsa.key, 'RS256')}}",
            "x-key-id": "{{temp.rsa.kid}}",
            "x-session": "{{temp.session.id}}",
            "x-cursor": "{{ifempty(temp.cursor, 'start')}}",
            "accept": "application/json",
        },
        "qs": {"limit": "{{parameters.limit}}", "owner": "{{temp.session.owner}}"},
        "response": {
            "valid": "{{body.ok = true}}",
            "error": {"message": "{{body.error.message}}"},
            "temp": {"cursor": "{{body.next}}"},
        },
    }


def hs256_request(number: int) -> dict[str, Any]:
    """An HS256 token from the client secret, with the session's token as a header."""
    return {
        "url": f"https://api.acme-crm.example/v2/reports/{number}",
        "method": "GET",
        "temp": {"payload": {"sub": PARAMETER_EXPRESSION, "sid": "{{temp.session.id}}", "exp": TIMESTAMP_EXPRESSION}},
        "headers": {
            "authorization": "Bearer {{jwt(temp.payload, parameters.clientSecret, 'HS256')}}",
            "x-token": "{{temp.token}}",
            "accept": "application/json",
        },
        "log": {"sanitize": ["request.headers.authorization", "request.headers.x-token"]},
        "qs": {"since": "{{formatDate(addDays(now, -7), 'YYYY-MM-DD')}}", "page": "{{ifempty(temp.page, 1)}}"},
        "response": {"temp": {"page": "{{body.page + 1}}"}, "valid": "{{body.status = 'ok'}}"},
    }


VARIED_KINDS: tuple[tuple[Callable[[int], dict[str, Any]], float], ...] = (
    (session_request, 0.15),
    (rs256_request, 0.3),
    (hs256_request, 0.3),
    (basic_request, 0.15),
    (api_key_request, 0.1),
)

VARIED_MISTAKES: tuple[tuple[str, str], ...] = (
    ("x-client", "{{parameters.clientSecrte}}"),
    ("x-trace", "{{temp.sesion.id}}"),
    ("x-lower", "{{lowr(parameters.clientId)}}"),
    ("x-count", "{{length()}}"),
    ("x-secret", "{{parameters.password}}"),
    ("x-when", "{{formatDate(now)}}"),
)
"""Slips a grown file is full of: unknown parameter, temp key and function, wrong argument counts,
a secret header nobody sanitizes. One in two requests has one (about 400 at 10,000 lines)."""


def plant_mistake(request: dict[str, Any], kind: int) -> None:
    """One typical slip, chosen by ``kind``, in a place no measured position uses."""
    headers = request.setdefault("headers", {})
    if kind == 0:
        headers["x-client"] = "{{parameters.clientSecrte}}"
    elif kind == 1:
        headers["x-client"] = "{{lowr(parameters.clientId)}}"
    elif kind == 2:
        headers["x-client"] = "{{timestamp + }}"
    else:
        headers["x-client"] = "{{jwt(temp.jwt, parameters.clientSecret, 'HS1')}}"


def _requests(rng: random.Random, lines: int, varied: bool) -> list[dict[str, Any]]:
    """Requests until the next one would make the file longer than ``lines``; the first signs a JWT
    (the varied shape: the first defines the key, the second opens a session, the third signs HS256)."""
    kinds = VARIED_KINDS if varied else REQUEST_KINDS
    makers = [maker for maker, _ in kinds]
    weights = [weight for _, weight in kinds]
    requests = [key_request(0), session_request(1), hs256_request(2)] if varied else [jwt_request(0)]
    total = _FRAME_LINES + _line_count(requests[0])
    while True:
        candidate = rng.choices(makers, weights)[0](len(requests))
        if varied and rng.random() < 0.5:
            header, value = rng.choice(VARIED_MISTAKES)
            candidate.setdefault("headers", {})[header] = value
        total += _line_count(candidate)
        if total > lines:
            return requests
        requests.append(candidate)


def _line_count(request: dict[str, Any]) -> int:
    return json.dumps(request, indent=4, ensure_ascii=False).count("\n") + 1


# Layout --------------------------------------------------------------------------------------

_HEADER = "// Generated by benchmarks/generate.py for `make bench`: {requests} requests, seed {seed}.\n"
_FRAME_LINES = 3
"""The header comment, ``[`` and ``]``."""


def generate(lines: int, seed: int = DEFAULT_SEED, shape: str = "basic") -> Workload:
    """A workload of about ``lines`` lines (a request shorter, a few planted lines longer)."""
    varied = shape == "varied"
    requests = _requests(random.Random(f"{seed}:{lines}" + (":varied" if varied else "")), lines, varied)
    mistakes = max(4, lines // 10_000)
    for number in range(mistakes):
        plant_mistake(requests[(number * 2 + 1) * len(requests) // (mistakes * 2)], number % 4)
    text = _render(requests, seed)
    jwt_call = HS256_CALL if varied else JWT_CALL
    return Workload(
        name=f"{shape}-{lines}",
        communication=text,
        params=_params(),
        edit_cycles=tuple(_edit_cycles(text)),
        typing=_typing(text),
        completion_positions=tuple(
            _interleave(
                _sites(text, PARAMETER_EXPRESSION, len("{{parameters.")),
                _sites(text, jwt_call, jwt_call.index("'HS") + 3),
            )
        ),
        hover_positions=tuple(
            _interleave(
                _sites(text, jwt_call, len("{{j")),
                _sites(text, PARAMETER_EXPRESSION, len("{{parameters.cl")),
                _sites(text, TIMESTAMP_EXPRESSION, len("{{time")),
            )
        ),
    )


def _render(requests: list[dict[str, Any]], seed: int) -> str:
    body = json.dumps(requests, indent=4, ensure_ascii=False)
    return _HEADER.format(requests=len(requests), seed=seed) + body + "\n"


def _params() -> str:
    params = [{"name": name, "type": kind, "label": label, "required": True} for name, kind, label in PARAMETERS]
    for param in params:
        if param["type"] == "select":
            param["options"] = [{"label": "Europe", "value": "eu"}, {"label": "United States", "value": "us"}]
    return json.dumps(params, indent=4) + "\n"


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """(line, UTF-16 column) of each line's first ``needle``."""
    found = []
    for number, line in enumerate(text.split("\n")):
        column = line.find(needle)
        if column >= 0:
            found.append((number, len(line[:column].encode("utf-16-le")) // 2))
    return found


def _spread(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``SITES_PER_KIND`` items evenly spaced from the first to the last."""
    if len(items) <= SITES_PER_KIND:
        return items
    last = len(items) - 1
    return [items[index * last // (SITES_PER_KIND - 1)] for index in range(SITES_PER_KIND)]


def _sites(text: str, needle: str, offset: int) -> list[Position]:
    return [Position(line, column + offset) for line, column in _spread(_occurrences(text, needle))]


def _interleave(*kinds: list[Position]) -> Iterator[Position]:
    for group in zip(*kinds, strict=False):
        yield from group


def _edit_cycles(text: str) -> Iterator[tuple[Edit, Edit]]:
    """Toggle a digit of ``{{timestamp + 3600}}``; delete and retype the ``Id`` of ``clientId``."""
    digit = TIMESTAMP_EXPRESSION.index("6")
    name_end = PARAMETER_EXPRESSION.index("}}")
    timestamps = _spread(_occurrences(text, TIMESTAMP_EXPRESSION))
    names = _spread(_occurrences(text, PARAMETER_EXPRESSION))
    for (t_line, t_column), (n_line, n_column) in zip(timestamps, names, strict=False):
        start, end = Position(t_line, t_column + digit), Position(t_line, t_column + digit + 1)
        yield Edit(start, end, "7"), Edit(start, end, "6")
        start, end = Position(n_line, n_column + name_end - 2), Position(n_line, n_column + name_end)
        yield Edit(start, end, ""), Edit(start, start, "Id")


def _typing(text: str) -> tuple[Edit, ...]:
    """Type :data:`TYPED_KEY` before the middle request's ``url``, then delete it character by character."""
    sites = _occurrences(text, '"url": ')
    line, column = sites[len(sites) // 2]
    typed = [
        Edit(Position(line, column + n), Position(line, column + n), character) for n, character in enumerate(TYPED_KEY)
    ]
    deleted = [
        Edit(Position(line, column + n), Position(line, column + n + 1), "") for n in reversed(range(len(TYPED_KEY)))
    ]
    return (*typed, *deleted)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--shape", choices=SHAPES, default="basic")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    workload = generate(args.lines, args.seed, args.shape)
    path = workload.write(args.directory)
    print(f"{path}: {workload.lines} lines, {workload.expressions} IML expressions")


if __name__ == "__main__":
    main()
