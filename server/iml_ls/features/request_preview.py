"""The request Make would send, for every request of a component file: base merged in, ``temp``
evaluated request by request, the URL with its query string, the headers and the body encoded by
its ``type``, each ``jwt()`` token, and for a paginated request the second page too.

Shared by ``iml-ls preview``, the ``iml.previewRequest`` command and the ``Preview request`` code
lens; a run (:mod:`iml_ls.run.session`) builds the requests it sends with the same
:class:`RequestBuilder`, given the values it knows instead of placeholders.

Secrets (password, key and certificate parameters, values whose names say they are secrets, and
everything computed from them) are shown as ``••••`` unless the caller asks to reveal them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from iml_ls.analysis import Analysis, ImlString, Workspace
from iml_ls.checks.jwt import jwt_calls
from iml_ls.evaluate import coerce
from iml_ls.evaluate.environment import (
    EVALUATION_BUDGET,
    ConnectionEvaluation,
    SampleValues,
    TempState,
    plain_value,
    sample_values,
    secret_looking,
)
from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.jsonwebtoken import jwt_function
from iml_ls.evaluate.secrets import MASK as MASK
from iml_ls.evaluate.secrets import secret_masker
from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue
from iml_ls.features.client_names import REQUEST_PREVIEW_COMMAND as REQUEST_PREVIEW_COMMAND
from iml_ls.features.preview import TokenPreview, claim_times, current_second
from iml_ls.model.app import Component, ComponentKind, Role, linked_connections
from iml_ls.model.connection import FileKind, Request, saved_members
from iml_ls.model.schema import CONNECTIONS, REQUESTS_WITH_BASE, SECRET_PARAMETER_TYPES, Context
from iml_ls.syntax.iml import Binary, Call, Expr, Index, Member, Name, Template, Unary, member_path, walk_expr
from iml_ls.syntax.json_tree import JsonArray, JsonLiteral, JsonNumber, JsonObject, JsonString, JsonValue
from iml_ls.text.line_index import PositionEncoding

BOUNDARY = "----iml-ls-preview-boundary"
"""The multipart boundary of every preview (fixed, so that a preview is reproducible)."""
PAGINATION_START = {"page": 1, "offset": 0, "limit": 20}
"""``pagination`` of the first page, as Make's runtime starts it."""
PAGINATION_LIMIT_GROWTH = 5
"""How many times ``pagination.limit`` grows from a page to the next (up to :data:`PAGINATION_MAX_LIMIT`)."""
PAGINATION_MAX_LIMIT = 500
MERGED_PARTS = ("method", "headers", "qs", "body", "type", "encodeUrl")
"""The request directives base gives a module or RPC (besides ``baseUrl``)."""
SEND_OPTIONS = ("timeout", "gzip", "followRedirects", "followAllRedirects", "ca")
"""How the request is sent (not what): base gives them too, a run uses them, a preview does not show them."""
RESPONSE_ROOTS = frozenset({"body", "headers", "item", "iterate", "statusCode", "output"})
"""What a page's ``pagination`` reads from the response before it: unknown in a preview."""
CONTENT_TYPES = {
    "json": "application/json",
    "urlencoded": "application/x-www-form-urlencoded",
    "multipart/form-data": f"multipart/form-data; boundary={BOUNDARY}",
}
ASSUMPTIONS = (
    "Base is merged into modules, RPCs and epochs object by object: a key the request sets wins over "
    "base's, objects (headers, qs, body) are merged key by key; a relative `url` is appended to `baseUrl`.",
    "The query string is encoded as the `qs` package does (`a[b]=c`, `a[0]=x`); "
    "a `urlencoded` body the same way; `json` bodies as `JSON.stringify`.",
    "The second page has `pagination.page` 2, `offset` 20 and `limit` 100 (first page: 1, 0, 20; the limit "
    "grows five times a page up to 500, the offset by the page before's limit); values `pagination` reads "
    "from the first page's response are shown as `<body.…>` placeholders.",
)
"""What Make does not document and the preview assumes (stated in every preview)."""
_SENT_PARTS = (("url",), ("headers",), ("qs",), ("body",))


def page_variables(page: int) -> dict[str, JsValue]:
    """``pagination`` of a page as Make's runtime counts (the preview's pages and a run's share it):
    ``page`` from 1; ``limit`` 20, then five times the page before's up to 500 (20, 100, 500, 500…);
    ``offset`` 0, then the page before's ``offset`` plus its ``limit`` (0, 20, 120, 620…), so that
    the pages' ranges follow one another."""
    offset, limit = PAGINATION_START["offset"], PAGINATION_START["limit"]
    for _ in range(PAGINATION_START["page"], page):
        offset, limit = offset + limit, min(limit * PAGINATION_LIMIT_GROWTH, PAGINATION_MAX_LIMIT)
    return {"page": page, "offset": offset, "limit": limit}


FIRST_PAGE = page_variables(1)
SECOND_PAGE = page_variables(2)
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
"""What ``encodeURI`` leaves as it is (and ``%``, so that an encoded URL is not encoded twice)."""


@dataclass(frozen=True)
class FormField:
    """One part of a ``multipart/form-data`` body (a file when it has a file name)."""

    name: str
    value: str
    filename: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class RequestPreview:
    """One request as Make would send it (or why it would not be sent)."""

    label: str
    start: int
    end: int
    """The request object's offsets in its file."""
    page: int
    method: str
    url: str | None
    """None for a request without a URL (it only evaluates ``temp`` and ``output``)."""
    headers: tuple[tuple[str, str], ...]
    body_type: str
    body: str | None
    form: tuple[FormField, ...] = ()
    temp: tuple[tuple[str, JsValue], ...] = ()
    """The keys its ``temp`` directive sets, with their values, in order."""
    from_base: tuple[str, ...] = ()
    """What base gave it (``baseUrl``, ``headers.accept``); empty where base does not apply."""
    skipped: str | None = None
    tokens: tuple[TokenPreview, ...] = ()
    pagination_condition: str | None = None
    options: tuple[tuple[str, JsValue], ...] = ()
    """How it is sent (:data:`SEND_OPTIONS` it or base sets: ``timeout``, ``gzip``…)."""
    secrets_sent: tuple[str, ...] = ()
    """The secrets it carries (``parameters.apiKey``, ``temp.jwt``), when secrets are masked."""

    def http(self) -> str:
        """The request as HTTP/1.1 text."""
        if self.url is None:
            return "(no HTTP request)\n"
        parts = urllib.parse.urlsplit(self.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"{self.method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        text = "\r\n".join(lines) + "\r\n\r\n"
        return text + (self.body or "")

    def curl(self) -> str:
        """A ``curl`` command that sends the request (POSIX shell quoting)."""
        if self.url is None:
            return ""
        first = ["curl"]
        if self.method == "HEAD":
            first.append("--head")
        elif self.method != "GET" or (self.body is not None and not self.form):
            first += ["--request", self.method]
        first.append(self.url)
        options: list[list[str]] = []
        for name, value in self.headers:
            if self.form and name.lower() == "content-type":
                continue  # curl writes its own boundary
            options.append(["--header", f"{name}: {value}"])
        for part in self.form:
            if part.filename is None:
                options.append(["--form-string", f"{part.name}={part.value}"])
            else:
                kind = f";type={part.content_type}" if part.content_type else ""
                options.append(["--form", f"{part.name}=@{part.filename}{kind}"])
        if self.body is not None and not self.form:
            options.append(["--data-raw", self.body])
        lines = [" ".join(shlex.quote(word) for word in words) for words in (first, *options)]
        return " \\\n  ".join(lines)

    def as_json(self, analysis: Analysis, now: float, encoding: PositionEncoding) -> dict[str, object]:
        return {
            "label": self.label,
            "range": _span(analysis, self.start, self.end, encoding),
            "page": self.page,
            "fromBase": list(self.from_base),
            "temp": [{"key": key, "value": _json_safe(value)} for key, value in self.temp],
            "skipped": self.skipped,
            "method": self.method,
            "url": self.url,
            "headers": [[name, value] for name, value in self.headers],
            "type": self.body_type,
            "body": self.body,
            "tokens": [
                {
                    "token": token.token,
                    "algorithm": token.algorithm,
                    "header": _json_safe(token.header),
                    "payload": _json_safe(token.payload),
                    "times": claim_times(token.payload, now),
                    "error": token.error,
                }
                for token in self.tokens
            ],
            "paginationCondition": self.pagination_condition,
            "http": self.http(),
            "curl": self.curl(),
        }


@dataclass
class RequestPreviewResult:
    """Every request of a file (or the one asked for), with what the preview made up."""

    path: str
    context: Context
    now: float
    revealed: bool
    samples_path: str | None
    requests: list[RequestPreview] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    errors: list[tuple[str, int, int, str]] = field(default_factory=list)
    """(file, start, end, message) of each expression Make would fail on."""
    note: str | None = None

    @property
    def complete(self) -> bool:
        """Whether every expression evaluated and every ``jwt()`` produced a token."""
        return not self.errors and all(t.error is None for r in self.requests for t in r.tokens)

    def as_json(self, analysis: Analysis, encoding: PositionEncoding = PositionEncoding.UTF16) -> dict[str, object]:
        """The documented JSON shape (ranges are LSP ranges in ``encoding``; an error in another file,
        such as base, names that file instead)."""
        return {
            "context": self.context.value,
            "now": self.now,
            "samples": self.samples_path,
            "secrets": "revealed" if self.revealed else "masked",
            "assumptions": list(ASSUMPTIONS),
            "note": self.note,
            "requests": [request.as_json(analysis, self.now, encoding) for request in self.requests],
            "placeholders": self.placeholders,
            "errors": [
                {"message": message}
                | ({"range": _span(analysis, start, end, encoding)} if path == self.path else {"file": Path(path).name})
                for path, start, end, message in self.errors
            ],
        }


def _span(analysis: Analysis, start: int, end: int, encoding: PositionEncoding) -> dict[str, object]:
    first, last = analysis.index.position(start, encoding), analysis.index.position(end, encoding)
    return {
        "start": {"line": first.line, "character": first.character},
        "end": {"line": last.line, "character": last.character},
    }


def _json_safe(value: JsValue) -> object:
    text = stringify(value)
    return None if text is None else json.loads(text)


# --- What the file reads besides its own samples ------------------------------------------------


@dataclass(frozen=True)
class _Surroundings:
    """Values from the rest of the app: the linked connection's, the webhook's, and base."""

    variables: dict[str, JsValue]
    placeholders: frozenset[tuple[str, str]]
    secret_names: dict[str, frozenset[str]]
    secret_values: tuple[str, ...]
    base: Analysis | None


def _samples_section(analysis: Analysis, name: str) -> dict[str, JsValue]:
    samples = plain_value(analysis.related.samples.root) if analysis.related.samples is not None else {}
    section = samples.get(name) if isinstance(samples, dict) else None
    return dict(section) if isinstance(section, dict) else {}


def _connection_values(workspace: Workspace, connection: Component) -> tuple[dict[str, JsValue], set[str], set[str]]:
    """What ``connection.*`` holds: the connection's parameters (its samples, defaults, placeholders)
    and what its ``response.data`` saves (placeholders); the made-up keys; the secret parameters."""
    own_file = connection.file(Role.COMMUNICATION) or connection.file(Role.PARAMS)
    linked = workspace.analysis(own_file) if own_file is not None else None
    if linked is None:
        return {}, set(), set()
    samples = sample_values(linked)
    values: dict[str, JsValue] = {**samples.parameters, **samples.data}
    made_up = {name for _, name in samples.placeholders if name not in samples.data}
    for key in sorted(_saved_names(linked.root, linked.kind)):
        if key not in values:
            values[key] = f"<{key}>"
            made_up.add(key)
    return values, made_up, {p.name for p in linked.parameters if p.type in SECRET_PARAMETER_TYPES}


def _webhook_values(workspace: Workspace, hook: Component, role: Role) -> dict[str, JsValue]:
    """What ``webhook.*`` holds (all made up): its id and URL, and the keys attach saves."""
    values: dict[str, JsValue] = {"id": "<webhook.id>", "url": "https://hook.make.com/<webhook.id>"}
    attach = hook.file(Role.ATTACH)
    attached = workspace.analysis(attach) if attach is not None and role is not Role.ATTACH else None
    for key in sorted(_saved_names(attached.root, attached.kind)) if attached is not None else ():
        values[key] = f"<{key}>"
    return values


def _surroundings(
    workspace: Workspace, analysis: Analysis, known: Mapping[str, Mapping[str, JsValue]] | None = None
) -> _Surroundings:
    """What the file reads from the rest of the app; ``known`` gives real values a run has for
    ``connection``, ``data`` and ``webhook`` (what a connection or attach stored), over the samples."""
    variables: dict[str, JsValue] = {}
    placeholders: set[tuple[str, str]] = set()
    secret_names: dict[str, set[str]] = {"connection": set(), "webhook": set(), "data": set()}
    base = None
    app = workspace.app_of(analysis.path)
    place = analysis.place
    if app is not None and place is not None:
        component = place.component
        for connection in linked_connections(app, component)[:1]:
            values, made_up, secret_names["connection"] = _connection_values(workspace, connection)
            variables["connection"] = values
            placeholders |= {("connection", key) for key in made_up}
        is_webhook = component.kind is ComponentKind.WEBHOOK
        hook = component if is_webhook else app.component(ComponentKind.WEBHOOK, component.webhook)
        if hook is not None:
            hook_values = _webhook_values(workspace, hook, place.role)
            variables["webhook"] = hook_values
            placeholders |= {("webhook", key) for key in hook_values}
        base_file = app.app_component.file(Role.BASE)
        if base_file is not None and analysis.context in REQUESTS_WITH_BASE and analysis.context is not Context.BASE:
            base = workspace.analysis(base_file)
    if analysis.context in CONNECTIONS:  # what its OAuth stages save, later stages read as data.*
        data = dict(sample_values(analysis).data)
        for key in sorted(_saved_in_file(analysis) - set(data)):
            data[key] = f"<{key}>"
            placeholders.add(("data", key))
        variables["data"] = data
    secret_values: list[str] = []
    for root, names in secret_names.items():
        current = variables.get(root)
        given = {} if root == "data" else _samples_section(analysis, root)  # the file's own samples may give these
        given |= (known or {}).get(root, {})
        if given and (root != "data" or root in variables):
            variables[root] = current = (dict(current) if isinstance(current, dict) else {}) | given
            placeholders -= {(root, key) for key in given}
        if isinstance(current, dict):
            names |= {key for key in current if secret_looking(key)}
            secret_values += [v for k, v in current.items() if k in names and isinstance(v, str)]
    return _Surroundings(
        variables,
        frozenset(placeholders),
        {root: frozenset(names) for root, names in secret_names.items()},
        tuple(secret_values),
        base,
    )


# --- Secrets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Secrets:
    """Which ``root.name`` values are secrets, and the secret values themselves."""

    names: dict[str, frozenset[str]]
    values: frozenset[str]

    def read_by(self, expr: Expr) -> bool:
        """Whether an expression reads a secret (a whole root that holds one counts)."""
        if isinstance(expr, Member):
            path = member_path(expr)
            if path is not None:
                return path[1] in self.names.get(path[0], frozenset())
            return self.read_by(expr.object)
        if isinstance(expr, Name):
            return bool(self.names.get(expr.name))
        if isinstance(expr, Index):
            return self.read_by(expr.object) or self.read_by(expr.index)
        if isinstance(expr, Call):
            return any(self.read_by(arg) for arg in expr.args)
        if isinstance(expr, Unary):
            return self.read_by(expr.operand)
        if isinstance(expr, Binary):
            return self.read_by(expr.left) or self.read_by(expr.right)
        return False

    def names_read(self, expr: Expr) -> set[str]:
        """The secrets an expression reads, as ``root.name`` (``parameters.apiKey``, ``temp.jwt``)."""
        found: set[str] = set()
        for node in walk_expr(expr):
            path = member_path(node) if isinstance(node, Member) else None
            if path is not None and path[1] in self.names.get(path[0], frozenset()):
                found.add(f"{path[0]}.{path[1]}")
        return found

    def mask(self, text: str) -> str:
        """The text with every form of every secret value in it masked (:mod:`iml_ls.evaluate.secrets`)."""
        return secret_masker(self.values).mask(text)


def _secrets(
    analysis: Analysis, samples: SampleValues, around: _Surroundings, known_secrets: tuple[str, ...] = ()
) -> _Secrets:
    """What is masked: the secret names per root, and every secret value (``known_secrets``: those a
    run learned, such as a pasted authorization code or a token an earlier response gave)."""
    names: dict[str, set[str]] = {root: set(found) for root, found in around.secret_names.items()}
    names["parameters"] = {
        p.name for p in analysis.parameters if p.type in SECRET_PARAMETER_TYPES or secret_looking(p.name)
    }
    names["common"] = {key for key in samples.common if secret_looking(key)}
    names["data"] |= {key for key in samples.data if secret_looking(key)}
    names["data"] |= {key for key in _saved_in_file(analysis) if secret_looking(key)}
    names["temp"] = set()
    without_temp = _Secrets({root: frozenset(found) for root, found in names.items()}, frozenset())
    read_by: dict[str, set[str]] = {}  # temp key → the temp keys whose values read it
    pending: list[str] = []
    for key, definitions in analysis.temps.items():
        exprs = [t.expr for d in definitions for string in _strings_under(analysis, d.value) for t in string.templates]
        for expr in exprs:
            if expr is None:
                continue
            if without_temp.read_by(expr):
                pending.append(key)
            for node in walk_expr(expr):
                path = member_path(node) if isinstance(node, Member) else None
                if path is not None and path[0] == "temp":
                    read_by.setdefault(path[1], set()).add(key)
    while pending:  # a temp key computed from a secret is one, and so is one computed from it
        key = pending.pop()
        if key not in names["temp"]:
            names["temp"].add(key)
            pending.extend(read_by.get(key, ()))
    secrets = _Secrets({root: frozenset(found) for root, found in names.items()}, frozenset())
    values = [*samples.secrets, *around.secret_values, *known_secrets]
    for root in ("parameters", "common", "data"):
        source = getattr(samples, root)
        values += [source[key] for key in names[root] if isinstance(source.get(key), str)]
    return _Secrets(secrets.names, frozenset(values))


def _saved_in_file(analysis: Analysis) -> frozenset[str]:
    """The keys the file's own OAuth stages save (later read as ``data.<key>``)."""
    return _saved_names(analysis.root, analysis.kind)


def _strings_under(analysis: Analysis, node: JsonValue | None) -> Iterator[ImlString]:
    if isinstance(node, JsonObject):
        for member in node.members:
            yield from _strings_under(analysis, member.value)
    elif isinstance(node, JsonArray):
        for item in node.items:
            yield from _strings_under(analysis, item)
    elif isinstance(node, JsonString):
        string = analysis.iml_string_of(node)
        if string is not None:
            yield string


# --- Evaluating one request --------------------------------------------------------------------


@dataclass
class Values:
    """Evaluates JSON values with one evaluator, masking what reads a secret and noting failures."""

    evaluator: Evaluator
    secrets: _Secrets | None
    """None when secrets are revealed."""
    errors: list[tuple[str, int, int, str]]
    evaluation: ConnectionEvaluation
    """Whose samples' secrets are masked in error messages."""
    response_unknown: bool = False
    """Whether the response roots (``body``, ``headers``) are unknown here (a page's ``pagination``)."""
    made_up: set[str] = field(default_factory=set)

    def of(self, owner: Analysis, node: JsonValue | None) -> JsValue:
        if node is None:
            return UNDEFINED
        if isinstance(node, JsonObject):
            return {member.key.value: self.of(owner, member.value) for member in node.members}
        if isinstance(node, JsonArray):
            return [self.of(owner, item) for item in node.items]
        if isinstance(node, JsonString):
            string = owner.iml_string_of(node)
            return node.value if string is None else self._string(owner, string)
        if isinstance(node, JsonNumber | JsonLiteral):
            return node.value
        return UNDEFINED

    def _string(self, owner: Analysis, string: ImlString) -> JsValue:
        single = string.single
        if single is not None:
            return self._template(owner, string, single)
        parts: list[str] = []
        position = 0
        for template in string.templates:
            parts.append(string.node.value[position : template.start])
            value = self._template(owner, string, template)
            parts.append(value if value is MASK else coerce.to_text(value))
            position = template.end
        parts.append(string.node.value[position:])
        return "".join(parts)

    def _template(self, owner: Analysis, string: ImlString, template: Template) -> JsValue:
        expr = template.expr
        if expr is None:
            message = template.error.message if template.error else "The expression cannot be parsed."
            self.errors.append((owner.path, string.node.start, string.node.end, message))
            return UNDEFINED
        if self.response_unknown and any(
            isinstance(node, Name) and node.name in RESPONSE_ROOTS for node in _names(expr)
        ):
            source = string.node.value[template.expr_start + expr.start : template.expr_start + expr.end]
            self.made_up.add(source)
            return f"<{source}>"
        try:
            value = self.evaluator.evaluate(expr)
        except EvaluationError as error:
            self.errors.append((owner.path, string.node.start, string.node.end, self.evaluation.redact(str(error))))
            return UNDEFINED
        return MASK if self.secrets is not None and self.secrets.read_by(expr) else value


def _names(expr: Expr) -> Iterator[Expr]:
    yield from (node for node in walk_expr(expr) if isinstance(node, Name))


def _merge(base: JsValue, own: JsValue, path: str, taken: list[str]) -> JsValue:
    """``own`` over ``base``: objects key by key, anything else replaced (``taken`` lists what base gave)."""
    if own is UNDEFINED:
        if base is not UNDEFINED:
            taken.append(path)
        return base
    if isinstance(base, dict) and isinstance(own, dict):
        merged = dict(own)
        for key, value in base.items():
            merged[key] = _merge(value, own.get(key, UNDEFINED), f"{path}.{key}", taken)
        return {key: merged[key] for key in [*base, *(k for k in own if k not in base)]}
    return own


def _join_url(base_url: str, url: str) -> str:
    """A relative ``url`` after ``baseUrl`` (one slash between them); an absolute one as it is."""
    if _ABSOLUTE_URL.match(url) or not base_url:
        return url
    if not url:
        return base_url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def query_pairs(value: JsValue, prefix: str = "") -> list[tuple[str, str]]:
    """The ``key=value`` pairs of a query string or urlencoded body, as the ``qs`` package writes
    nested values (``a[b]=c``, ``a[0]=x``); undefined values are left out, null gives empty text."""
    if value is UNDEFINED:
        return []
    if isinstance(value, dict):
        return [
            pair for key, item in value.items() for pair in query_pairs(item, f"{prefix}[{key}]" if prefix else key)
        ]
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in query_pairs(item, f"{prefix}[{index}]")]
    if not prefix:
        return []
    if value is None:
        return [(prefix, "")]
    if isinstance(value, bool):
        return [(prefix, "true" if value else "false")]
    return [(prefix, coerce.to_string(value))]


def encode_query(pairs: list[tuple[str, str]]) -> str:
    """``a=1&b%5Bc%5D=x%20y``: every character but the unreserved ones percent-encoded (the mask kept)."""
    return "&".join(f"{_quote(key)}={_quote(value)}" for key, value in pairs)


def _quote(text: str) -> str:
    return urllib.parse.quote(well_formed(text), safe="").replace(urllib.parse.quote(MASK, safe=""), MASK)


def _encode_url(url: str) -> str:
    return urllib.parse.quote(well_formed(url), safe=_URL_SAFE).replace(urllib.parse.quote(MASK, safe=""), MASK)


def _form(body: JsValue) -> list[FormField]:
    """The parts of a multipart body: ``{"file": {"value": …, "options": {"filename": …}}}`` is a file."""
    fields: list[FormField] = []
    if not isinstance(body, dict):
        return fields
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            if item is UNDEFINED:
                continue
            options = item.get("options") if isinstance(item, dict) else None
            if isinstance(item, dict) and isinstance(options, dict):
                content = item.get("value")
                described = f"<{len(content)} bytes>" if isinstance(content, bytes) else coerce.to_text(content)
                filename = coerce.to_text(options.get("filename", UNDEFINED)) or "file"
                kind = coerce.to_text(options.get("contentType", UNDEFINED)) or None
                fields.append(FormField(name, described, filename, kind))
            else:
                text = f"<{len(item)} bytes>" if isinstance(item, bytes) else coerce.to_text(item)
                fields.append(FormField(name, text))
    return fields


def _multipart(fields: list[FormField]) -> str:
    lines: list[str] = []
    for part in fields:
        lines.append(f"--{BOUNDARY}")
        disposition = f'Content-Disposition: form-data; name="{part.name}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        lines.append(disposition)
        if part.content_type:
            lines.append(f"Content-Type: {part.content_type}")
        lines += ["", part.value]
    lines.append(f"--{BOUNDARY}--")
    return "\r\n".join(lines) + "\r\n"


def _encoded_body(body_type: str, body: JsValue) -> tuple[str | None, list[FormField]]:
    if body is UNDEFINED:
        return None, []
    if body_type == "json":
        return stringify(body), []
    if body_type == "urlencoded":
        return encode_query(query_pairs(body)), []
    if body_type == "multipart/form-data":
        fields = _form(body)
        return _multipart(fields), fields
    if isinstance(body, bytes):
        return f"<{len(body)} bytes>", []
    return coerce.to_text(body), []


_ROLE_LABELS = {Role.ATTACH: "attach", Role.DETACH: "detach", Role.UPDATE: "update", Role.EPOCH: "epoch"}


def _label(analysis: Analysis, request: Request, number: int, count: int) -> str:
    """``request``, ``request 2 of 3``, ``attach``, ```token` stage``."""
    kind = _ROLE_LABELS.get(analysis.place.role, "request") if analysis.place is not None else "request"
    if request.stage is not None:
        index = request.path[1] if len(request.path) > 1 else None
        return f"`{request.stage}` stage" + (f", request {index + 1}" if isinstance(index, int) else "")
    return kind if count == 1 else f"{kind} {number} of {count}"


class RequestBuilder:
    """Builds each request of a file as Make would send it, from what is known.

    The preview knows no response: ``temp`` keys an earlier ``response.temp`` sets are placeholders,
    and what a page's ``pagination`` reads from the page before is shown as ``<body.next>``. A run
    (:mod:`iml_ls.run.session`) passes the real ``temp`` and the previous page's response instead;
    everything else (base merged, the body encoded, the masking) is this one code.
    """

    def __init__(
        self,
        analysis: Analysis,
        around: _Surroundings,
        now: float,
        secrets: _Secrets | None,
        result: RequestPreviewResult,
        deadline: float | None = None,
    ) -> None:
        self.analysis = analysis
        self.around = around
        self.now = now
        self.secrets = secrets
        """None when secrets are revealed."""
        self.result = result
        self.used: set[tuple[str, str]] = set()
        self.deadline = time.monotonic() + EVALUATION_BUDGET if deadline is None else deadline
        """One time budget for the whole preview, however many requests and pages it evaluates."""
        self._evaluations: dict[int, tuple[ConnectionEvaluation, list[TempState]]] = {}

    def evaluation(
        self, page: dict[str, JsValue] | None, response: Mapping[str, JsValue] | None = None
    ) -> ConnectionEvaluation:
        """An evaluation of the file with its surroundings, a page's ``pagination`` and (in a run, from
        the second page) the ``body``, ``headers`` and ``statusCode`` of the page before."""
        extra = dict(self.around.variables) | ({"pagination": page} if page is not None else {})
        return ConnectionEvaluation(
            self.analysis,
            dt.datetime.fromtimestamp(self.now, dt.UTC),
            deadline=self.deadline,
            extra_variables=extra | dict(response or {}),
            extra_placeholders=self.around.placeholders,
        )

    def _preview_states(self, page: dict[str, JsValue] | None) -> tuple[ConnectionEvaluation, list[TempState]]:
        """The preview's evaluation of a page: ``temp`` after each request, evaluated once per page."""
        number = page["page"] if page is not None else 0
        assert isinstance(number, int)
        if number not in self._evaluations:
            evaluation = self.evaluation(page)
            states = evaluation.temp_in_order()
            self._collect(evaluation)
            self._evaluations[number] = (evaluation, states)
        return self._evaluations[number]

    def _collect(self, evaluation: ConnectionEvaluation) -> None:
        for string, message in evaluation.errors.items():
            self.result.errors.append((self.analysis.path, string.node.start, string.node.end, message))
        evaluation.errors.clear()

    @cached_property
    def _response_temp(self) -> dict[str, int]:
        """Each key a ``response.temp`` sets, and the position of the first request that sets it."""
        found: dict[str, int] = {}
        for key, definitions in self.analysis.temps.items():
            positions = [
                position
                for definition in definitions
                if definition.in_response and (position := self.analysis.request_index(definition.request)) is not None
            ]
            if positions:
                found[key] = min(positions)
        return found

    def _with_response_temp(self, state: TempState, index: int) -> TempState:
        """``temp`` with a placeholder (``<code>``) for each key an earlier response set: a preview
        has no response, but Make would send what it held."""
        keys = [key for key, first in self._response_temp.items() if first < index and key not in state.values]
        if not keys:
            return state
        return TempState(
            state.values | {key: f"<{key}>" for key in keys},
            state.placeholders | {key: frozenset({("temp", key)}) for key in keys},
        )

    def request(
        self,
        request: Request,
        index: int,
        count: int,
        page: dict[str, JsValue] | None,
        temp: TempState | None = None,
        response: Mapping[str, JsValue] | None = None,
    ) -> RequestPreview:
        """One request (one page of it). ``temp``: what the run's earlier responses left, before this
        request's own ``temp`` (None: the preview's); ``response``: the previous page's response."""
        if temp is None:
            evaluation, states = self._preview_states(page)
            state = self._with_response_temp(states[index] if index < len(states) else TempState(), index)
        else:
            evaluation = self.evaluation(page, response)
            state = evaluation.apply_temp(request, temp)
            self._collect(evaluation)
        evaluator = evaluation.evaluator(state)
        values = Values(evaluator, self.secrets, self.result.errors, evaluation)
        node = request.node
        own = {part: values.of(self.analysis, node.get(part)) for part in (*MERGED_PARTS, *SEND_OPTIONS, "url")}
        taken: list[str] = []
        base = self.around.base
        base_root = base.root if base is not None and isinstance(base.root, JsonObject) else None
        base_url = ""
        if base is not None and base_root is not None:
            base_values = Values(evaluator, values.secrets, self.result.errors, evaluation)
            for part in (*MERGED_PARTS, *SEND_OPTIONS):
                own[part] = _merge(base_values.of(base, base_root.get(part)), own[part], part, taken)
            base_url = coerce.to_text(base_values.of(base, base_root.get("baseUrl")))
        elif self.analysis.context is Context.BASE and isinstance(node.get("baseUrl"), JsonString):
            own["url"] = values.of(self.analysis, node.get("baseUrl"))
        url_value = own["url"]
        url: str | None = None
        if url_value is not UNDEFINED and url_value is not None:  # a request without one sends nothing
            url = _join_url(base_url, coerce.to_text(url_value))
            if base_url and url.startswith(base_url.rstrip("/")):
                taken.insert(0, "baseUrl")
        temp_node = node.get("temp")
        temp_values = tuple(
            (member.key.value, values.of(self.analysis, member.value))
            for member in (temp_node.members if isinstance(temp_node, JsonObject) else ())
        )
        label = _label(self.analysis, request, index + 1, count)
        preview = self._assemble(
            label, request, own, url, temp_values, tuple(taken), self._skipped(request, evaluation, state)
        )
        preview = replace(
            preview,
            tokens=tuple(self._tokens(request, evaluator, evaluation)),
            options=tuple((name, own[name]) for name in SEND_OPTIONS if own[name] is not UNDEFINED),
            secrets_sent=self._secrets_sent(request, base, base_root),
        )
        self.used |= evaluator.used_placeholders
        number = page["page"] if page is not None else 1
        if isinstance(number, int) and number != 1:
            return self._next_page(preview, request, evaluation, (state, number), (base_url, base, base_root), response)
        return preview

    def finished(self, preview: RequestPreview) -> RequestPreview:
        """The request as it is shown (masked unless revealed) or sent: well-formed text, and no
        secret that still appears in any form."""
        return _finished(preview, self.secrets)

    def _secrets_sent(self, request: Request, base: Analysis | None, base_root: JsonObject | None) -> tuple[str, ...]:
        """The secrets the request's URL, headers, query and body read (its own and base's)."""
        if self.secrets is None:
            return ()
        found: set[str] = set()
        sources = [(self.analysis, request.node)] + ([(base, base_root)] if base is not None and base_root else [])
        for owner, node in sources:
            for part in ("url", "baseUrl", "headers", "qs", "body"):
                for string in _strings_under(owner, node.get(part)):
                    for template in string.templates:
                        if template.expr is not None:
                            found |= self.secrets.names_read(template.expr)
        return tuple(sorted(found))

    def _skipped(self, request: Request, evaluation: ConnectionEvaluation, state: TempState) -> str | None:
        """Why Make would not send the request: its ``condition`` is false (or may be, when it reads
        made-up values)."""
        node = request.node.get("condition")
        if node is None:
            return None
        evaluator = evaluation.evaluator(state)
        holds = coerce.is_truthy(Values(evaluator, None, self.result.errors, evaluation).of(self.analysis, node))
        self.used |= evaluator.used_placeholders
        if holds:
            return None
        made_up = sorted(f"{root}.{name}" for root, name in evaluator.used_placeholders)
        if made_up:
            return f"Make may skip this request: its `condition` is false with made-up values ({', '.join(made_up)})."
        return "Make skips this request: its `condition` is false with these values."

    def _assemble(
        self,
        label: str,
        request: Request,
        own: dict[str, JsValue],
        url: str | None,
        temp: tuple[tuple[str, JsValue], ...],
        taken: tuple[str, ...],
        skipped: str | None = None,
    ) -> RequestPreview:
        method = (coerce.to_text(own["method"]) or "GET").upper()
        body_type = coerce.to_text(own["type"]) or "json"
        headers = [
            (name, coerce.to_text(value))
            for name, value in (own["headers"].items() if isinstance(own["headers"], dict) else ())
            if value is not UNDEFINED
        ]
        body, form = _encoded_body(body_type, own["body"])
        if body is not None and body_type in CONTENT_TYPES and all(n.lower() != "content-type" for n, _ in headers):
            headers.append(("content-type", CONTENT_TYPES[body_type]))
        if url is not None:
            query = encode_query(query_pairs(own["qs"]))
            encode = own["encodeUrl"]
            url = url if encode is False else _encode_url(url)
            if query:
                url += ("&" if "?" in url else "?") + query
        return RequestPreview(
            label=label,
            start=request.node.start,
            end=request.node.end,
            page=1,
            method=method,
            url=url,
            headers=tuple(headers),
            body_type=body_type,
            body=body,
            form=tuple(form),
            temp=temp,
            from_base=taken,
            skipped=skipped,
        )

    def _next_page(
        self,
        first: RequestPreview,
        request: Request,
        evaluation: ConnectionEvaluation,
        at: tuple[TempState, int],
        from_base: tuple[str, Analysis | None, JsonObject | None],
        response: Mapping[str, JsValue] | None,
    ) -> RequestPreview:
        """A page after the first: the request with its ``pagination`` directives merged in (or alone
        when ``mergeWithParent`` is false), evaluated with that page's ``pagination``; what they read
        from the page before is a placeholder unless ``response`` gives it."""
        (state, page), (base_url, base, base_root) = at, from_base
        owner, pagination = self.analysis, request.node.get("pagination")
        if not isinstance(pagination, JsonObject) and base is not None and base_root is not None:
            owner, pagination = base, base_root.get("pagination")
        assert isinstance(pagination, JsonObject)
        evaluator = evaluation.evaluator(state)
        values = Values(evaluator, self.secrets, self.result.errors, evaluation, response_unknown=response is None)
        merge = values.of(owner, pagination.get("mergeWithParent"))
        own = {part: values.of(owner, pagination.get(part)) for part in (*MERGED_PARTS, "url")}
        self.used |= evaluator.used_placeholders
        self.result.placeholders.extend(sorted(values.made_up - set(self.result.placeholders)))
        condition = pagination.get("condition")
        condition_text = condition.value if isinstance(condition, JsonString) else None
        parent = urllib.parse.urlsplit(first.url or "")
        if merge is False:
            own_url = coerce.to_text(own["url"])
            url = _join_url(base_url, own_url) if own_url else urllib.parse.urlunsplit(parent._replace(query=""))
            preview = self._assemble(first.label, request, own, url, first.temp, first.from_base)
        else:
            parent_qs = urllib.parse.parse_qsl(parent.query, keep_blank_values=True)
            query = dict(parent_qs) | dict(query_pairs(own["qs"]))
            url_text = _join_url(base_url, coerce.to_text(own["url"])) if own["url"] is not UNDEFINED else None
            base_part = urllib.parse.urlunsplit(parent._replace(query=""))
            url = url_text or base_part
            headers = dict(first.headers) | {
                name: coerce.to_text(value)
                for name, value in (own["headers"].items() if isinstance(own["headers"], dict) else ())
                if value is not UNDEFINED
            }
            body = first.body
            form = first.form
            if own["body"] is not UNDEFINED:
                parent_body = json.loads(first.body) if first.body_type == "json" and first.body else {}
                merged = _merge(parent_body, own["body"], "body", []) if isinstance(parent_body, dict) else own["body"]
                body, fields = _encoded_body(first.body_type, merged)
                form = tuple(fields)
            full = _encode_url(url) if url_text else url
            if query:
                full += "?" + encode_query(list(query.items()))
            preview = replace(
                first,
                method=(coerce.to_text(own["method"]) or first.method).upper(),
                url=full,
                headers=tuple(headers.items()),
                body=body,
                form=form,
            )
        return replace(preview, page=page, label=f"{first.label}, page {page}", pagination_condition=condition_text)

    def _tokens(
        self, request: Request, evaluator: Evaluator, evaluation: ConnectionEvaluation
    ) -> Iterator[TokenPreview]:
        """Each ``jwt()`` of the request's URL, headers, query and body, signed as Make signs it."""
        depth = len(request.path)
        for call in jwt_calls(self.analysis):
            path = call.string.path
            if path[:depth] != request.path or path[depth : depth + 1] not in _SENT_PARTS:
                continue
            start, end = call.span(call.call)
            try:
                args = [evaluator.evaluate(arg) for arg in call.call.args[:4]]
                args += [UNDEFINED] * (4 - len(args))
                signed = jwt_function(args[0], args[1], args[2], args[3], now=self.now)
            except EvaluationError as error:
                yield TokenPreview(start, end, None, None, None, call.algorithm, evaluation.redact(str(error)), ())
                continue
            token = signed.token if self.secrets is None else MASK
            yield TokenPreview(start, end, token, signed.header, signed.payload, signed.algorithm, None, ())


def request_preview(
    workspace: Workspace,
    analysis: Analysis,
    *,
    now: float | None = None,
    at: int | None = None,
    reveal_secrets: bool = False,
) -> RequestPreviewResult:
    """The requests of a file as Make would send them; with ``at``, only the request around that offset."""
    run = request_builder(
        workspace, analysis, now=current_second() if now is None else now, reveal_secrets=reveal_secrets
    )
    result, around, secrets = run.result, run.around, run.secrets
    sendable = analysis.kind.holds_requests and analysis.context not in (Context.WEBHOOK, Context.OTHER)
    if not sendable:
        result.note = "This file holds no request Make sends (a webhook's communication handles incoming calls)."
        return result
    requests = analysis.requests
    paginated = analysis.context not in CONNECTIONS | {Context.WEBHOOK_REQUEST}
    for index, request in enumerate(requests):
        if at is not None and not request.node.start <= at <= request.node.end:
            continue
        page = FIRST_PAGE if paginated else None
        result.requests.append(run.request(request, index, len(requests), page))
        if paginated and has_pagination(request, around.base):
            result.requests.append(run.request(request, index, len(requests), SECOND_PAGE))
    if at is not None and len({(r.start, r.end) for r in result.requests}) > 1:
        innermost = min(result.requests, key=lambda r: r.end - r.start)
        result.requests = [r for r in result.requests if (r.start, r.end) == (innermost.start, innermost.end)]
    result.placeholders = sorted({*result.placeholders, *(f"{root}.{name}" for root, name in run.used)})
    result.errors = list(dict.fromkeys(result.errors))  # the pages of a request evaluate the same strings
    result.requests = [_finished(request, secrets) for request in result.requests]
    result.errors = [(path, start, end, _text(message, secrets)) for path, start, end, message in result.errors]
    return result


def request_builder(
    workspace: Workspace,
    analysis: Analysis,
    *,
    now: float,
    reveal_secrets: bool,
    known: Mapping[str, Mapping[str, JsValue]] | None = None,
    known_secrets: tuple[str, ...] = (),
    deadline: float | None = None,
) -> RequestBuilder:
    """The builder of a file's requests, with what a run knows (``known``: stored ``connection``,
    ``data`` or ``webhook`` values; ``known_secrets``: values it learned that must be masked)."""
    around = _surroundings(workspace, analysis, known)
    samples = analysis.related.samples_path if analysis.related.samples is not None else None
    result = RequestPreviewResult(analysis.path, analysis.context, now, reveal_secrets, samples)
    secrets = None if reveal_secrets else _secrets(analysis, sample_values(analysis), around, known_secrets)
    return RequestBuilder(analysis, around, now, secrets, result, deadline)


def has_pagination(request: Request, base: Analysis | None) -> bool:
    if isinstance(request.node.get("pagination"), JsonObject):
        return True
    return (
        base is not None and isinstance(base.root, JsonObject) and isinstance(base.root.get("pagination"), JsonObject)
    )


def well_formed(text: str) -> str:
    """The text as it goes over the wire: UTF-16 surrogate pairs joined, a lone surrogate (half of
    an emoji cut by ``substring``) replaced by U+FFFD, as Node's UTF-8 encoder does."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _text(text: str, secrets: _Secrets | None) -> str:
    return well_formed(secrets.mask(text) if secrets is not None else text)


def _clean(value: JsValue, secrets: _Secrets | None) -> JsValue:
    """A value with its texts well formed and, unless revealed, every secret still in them masked, in any form."""
    if isinstance(value, str):
        return _text(value, secrets)
    if isinstance(value, dict):
        return {well_formed(key): _clean(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, secrets) for item in value]
    return value


def _finished(request: RequestPreview, secrets: _Secrets | None) -> RequestPreview:
    """A preview as it is shown: well-formed text, and no secret that still appears in any form."""

    def text(value: str) -> str:
        return _text(value, secrets)

    return replace(
        request,
        method=text(request.method),
        from_base=tuple(well_formed(path) for path in request.from_base),
        body_type=text(request.body_type),
        pagination_condition=text(request.pagination_condition) if request.pagination_condition else None,
        url=text(request.url) if request.url is not None else None,
        headers=tuple((text(name), text(value)) for name, value in request.headers),
        body=text(request.body) if request.body is not None else None,
        form=tuple(replace(part, name=text(part.name), value=text(part.value)) for part in request.form),
        temp=tuple((well_formed(key), _clean(value, secrets)) for key, value in request.temp),
        tokens=tuple(
            replace(
                token,
                payload=_clean(token.payload, secrets),
                header=_clean(token.header, secrets),
                error=text(token.error) if token.error is not None else None,
            )
            for token in request.tokens
        ),
    )


def request_targets(analysis: Analysis) -> list[Request]:
    """The requests a ``Preview request`` lens sits over (none in base or a webhook's communication)."""
    if not analysis.kind.holds_requests or analysis.context in (Context.BASE, Context.WEBHOOK, Context.OTHER):
        return []
    return list(analysis.requests)


def render_request_text(result: RequestPreviewResult, analysis: Analysis) -> str:
    """The human form: per request, its ``temp``, the HTTP text and the curl command."""
    lines: list[str] = []
    clock = dt.datetime.fromtimestamp(result.now, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines.append(f"Requests of {Path(result.path).name} ({result.context.value}), clock {clock}")
    lines.append(f"Sample values: {result.samples_path or 'none found (params defaults and placeholders)'}")
    lines.append("Secrets: " + ("shown (--reveal-secrets)" if result.revealed else f"masked as {MASK}"))
    if result.placeholders:
        lines.append("Placeholders used (not real values): " + ", ".join(result.placeholders))
    if result.note:
        lines.append(result.note)
    for request in result.requests:
        position = analysis.index.position(request.start, PositionEncoding.UTF32)
        lines.append("")
        lines.append(f"── {request.label} (line {position.line + 1}) ──")
        if request.from_base:
            lines.append("from base: " + ", ".join(request.from_base))
        for key, value in request.temp:
            lines.append(f"temp.{key} = {stringify(value) or 'undefined'}")
        if request.skipped:
            lines.append(request.skipped)
        if request.pagination_condition:
            lines.append(f"sent while `pagination.condition` ({request.pagination_condition}) is true")
        for token in request.tokens:
            if token.error is not None:
                lines.append(f"jwt(): Make would fail: {token.error}")
            else:
                lines.append(f"jwt() {token.algorithm}: payload {stringify(token.payload) or ''}")
        if request.url is None:
            lines.append("No HTTP request: it only evaluates `temp` and `output`.")
            continue
        lines.append("")
        lines.extend(request.http().replace("\r\n", "\n").rstrip("\n").split("\n"))
        lines.append("")
        lines.append(request.curl())
    for path, start, _end, message in result.errors:
        where = (
            f"line {analysis.index.position(start, PositionEncoding.UTF32).line + 1}"
            if path == result.path
            else Path(path).name
        )
        lines.append(f"error at {where}: {message}")
    return well_formed("\n".join(lines) + "\n")


def _saved_names(root: JsonValue | None, kind: FileKind) -> frozenset[str]:
    """The keys ``response.data`` saves (none known when one of them is built at runtime)."""
    return frozenset(key.value for key in saved_members(root, kind) or ())
