"""A request's recorded response as the values its ``response`` directives read.

A run can save the responses it received beside the component (see :mod:`iml_ls.run.recordings`).
Each request then has real values for ``body``, ``headers`` and ``statusCode`` in its ``response``
and ``pagination``, and for ``item`` where ``iterate`` goes through the body: hover shows them,
completion offers their keys, and a check warns where a directive reads a key the recording lacks.
Only the first page of each request counts, and the body is what Make would parse: JSON when the
response ``type`` or the ``content-type`` says so, text otherwise.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.evaluate.values import JsValue, Undefined
from iml_ls.model.connection import JsonPath, Request
from iml_ls.run.exchange import header_variables
from iml_ls.run.recordings import RecordedExchange, Recording
from iml_ls.syntax.iml import Expr, Index, Literal, Member, Name
from iml_ls.syntax.json_tree import JsonObject, JsonString, JsonValue

ANY_ITEM = 0
"""A step into any item of an array (``items[1]``): which one depends on the data, so all count."""
Step = str | int
"""A key of an object, or :data:`ANY_ITEM`."""
Roots = dict[str, tuple[JsValue, ...]]
"""Each variable's recorded values (``item``: one per item)."""

_ITEM_PLACES: tuple[JsonPath, ...] = (("response", "output"), ("response", "trigger"), ("response", "iterate"))
"""Where ``item`` is the item ``iterate`` is at (in ``iterate`` itself, only in its ``condition``)."""
_PARSED_TYPES = frozenset({"json", "automatic"})
_LABEL = re.compile(
    r"(?:request|attach|detach|update|epoch)(?: (\d+)(?: of \d+)?)?(?:, repetition \d+)?(?:, page \d+)?"
)
_STAGE_LABEL = re.compile(r"`(\w+)` stage(?:, request (\d+))?(?:, repetition \d+)?(?:, page \d+)?")


@dataclass(frozen=True)
class RecordedResponse:
    """The first recorded page of one request, as Make's directives would read it."""

    exchange: RecordedExchange
    recorded: str
    body: JsValue
    parsed: bool
    """Whether ``body`` is the parsed JSON (else text or bytes, in which no key is looked up)."""
    headers: dict[str, JsValue]
    items: tuple[JsValue, ...] | None
    """What ``iterate`` goes through (None: no ``iterate``, or one the recording does not answer)."""


@dataclass(frozen=True)
class Found:
    """The recorded values at a path: one, or one per item that has it."""

    values: tuple[JsValue, ...]


@dataclass(frozen=True)
class Missing:
    """A path whose key at ``depth`` no recorded object there has; ``keys`` are those they have."""

    depth: int
    keys: tuple[str, ...]


def recorded_response(analysis: Analysis, request: Request) -> RecordedResponse | None:
    """The request's recorded first page (None without a recording that answers it)."""
    recording = analysis.related.recording
    if recording is None:
        return None
    key = ("recorded-response", request.node)
    if key not in analysis.memo:
        exchange = _exchange_of(analysis, request, recording)
        analysis.memo[key] = None if exchange is None else _response(analysis, request, exchange, recording)
    found = analysis.memo[key]
    return found if isinstance(found, RecordedResponse) else None


def recorded_roots(analysis: Analysis, path: JsonPath) -> tuple[RecordedResponse, Roots] | None:
    """At a JSON path after the response arrived: the recorded response, and the values of the
    variables it gives there (``item`` holds each item ``iterate`` goes through)."""
    request = analysis.request_at(path)
    if request is None or not analysis.in_response(path):
        return None
    response = recorded_response(analysis, request)
    if response is None:
        return None
    roots: Roots = {
        "body": (response.body,),
        "headers": (response.headers,),
        "statusCode": (response.exchange.status,),
    }
    rest = path[len(request.path) :]
    in_iterate = rest[:2] == ("response", "iterate")
    if response.items is not None and rest[:2] in _ITEM_PLACES and (not in_iterate or rest[2:3] == ("condition",)):
        roots["item"] = response.items
    return response, roots


def steps_of(expr: Expr) -> tuple[str, tuple[Step, ...]] | None:
    """``body.items[1].name`` → ("body", ("items", ANY_ITEM, "name")); None when the chain is not
    names, ``['key']`` and indexes all the way down to a variable."""
    steps: list[Step] = []
    node = expr
    while isinstance(node, Member | Index):
        if isinstance(node, Member):
            steps.append(node.name)
        elif isinstance(node.index, Literal) and isinstance(node.index.value, str):
            steps.append(node.index.value)
        else:
            steps.append(ANY_ITEM)
        node = node.object
    return (node.name, tuple(reversed(steps))) if isinstance(node, Name) else None


def look_up(values: tuple[JsValue, ...], steps: tuple[Step, ...]) -> Found | Missing | None:
    """Follow ``steps`` through recorded values. A key is there when any object at that place has
    it (items of an array need not all have it); None when the shape there is not objects (text,
    numbers, arrays where a key is read, or nothing at all), where nothing can be said."""
    for depth, step in enumerate(steps):
        present = [value for value in values if value is not None and not isinstance(value, Undefined)]
        if step == ANY_ITEM:
            if not present or not all(isinstance(value, list) for value in present):
                return None
            values = tuple(item for value in present if isinstance(value, list) for item in value)
            continue
        objects = [value for value in present if isinstance(value, dict)]
        if not objects or len(objects) != len(present):
            return None
        having = tuple(value[step] for value in objects if step in value)
        if not having:
            return Missing(depth, tuple(dict.fromkeys(key for value in objects for key in value)))
        values = having
    return Found(values)


def _exchange_of(analysis: Analysis, request: Request, recording: Recording) -> RecordedExchange | None:
    """The first page recorded for ``request``: by its label (``request 2 of 3``, ```token` stage``,
    as a run writes them), else, when the labels say nothing and there is one first page for each
    request that sends something (one with a ``url``), the n-th for the n-th. (A run that skipped
    a request by its ``condition`` has fewer: which answers which is then unknown.)"""
    firsts = [exchange for exchange in recording.exchanges if exchange.page == 1]
    index = analysis.request_index(request)
    if request.stage is not None:
        number = request.path[1] + 1 if len(request.path) > 1 and isinstance(request.path[1], int) else 1
        for exchange in firsts:
            match = _STAGE_LABEL.fullmatch(exchange.label)
            if match and match[1] == request.stage and int(match[2] or 1) == number:
                return exchange
        return None
    if index is None:
        return None
    matches = [_LABEL.fullmatch(exchange.label) for exchange in firsts]
    if all(matches):
        return next((e for e, m in zip(firsts, matches, strict=True) if m and int(m[1] or 1) == index + 1), None)
    sending = [found for found in analysis.requests if found.node.get("url") is not None]
    position = next((number for number, found in enumerate(sending) if found is request), None)
    return firsts[position] if position is not None and len(firsts) == len(sending) else None


def _response(
    analysis: Analysis, request: Request, exchange: RecordedExchange, recording: Recording
) -> RecordedResponse:
    headers = header_variables(exchange.headers)
    body: JsValue
    parsed = _parsed_as_json(request, headers)
    json_body = _json_of(exchange) if parsed else None
    if json_body is not None:
        body = json_body
    else:
        parsed = False
        try:
            body = exchange.body.decode("utf-8")
        except UnicodeDecodeError:
            body = exchange.body
    items = _iterated(analysis, request, body) if parsed else None
    return RecordedResponse(exchange, recording.recorded, body, parsed, headers, items)


_PARSED: weakref.WeakKeyDictionary[RecordedExchange, JsValue | None] = weakref.WeakKeyDictionary()
"""Each recorded body parsed once while its recording is in use, not once per version of the file."""


def _json_of(exchange: RecordedExchange) -> JsValue | None:
    if exchange not in _PARSED:
        _PARSED[exchange] = exchange.json()
    return _PARSED[exchange]


def _parsed_as_json(request: Request, headers: dict[str, JsValue]) -> bool:
    """Whether Make parses the body as JSON: ``type`` is ``json``, or ``automatic`` (the default) and
    the content type is JSON (a recording written by hand without headers is taken for JSON)."""
    response = request.node.get("response")
    declared = response.get("type") if isinstance(response, JsonObject) else None
    if declared is not None:
        if not isinstance(declared, JsonString) or declared.value not in _PARSED_TYPES:
            return False
        if declared.value == "json":
            return True
    content_type = headers.get("content-type")
    return content_type is None or (isinstance(content_type, str) and "json" in content_type.lower())


def _iterated(analysis: Analysis, request: Request, body: JsValue) -> tuple[JsValue, ...] | None:
    """The items ``iterate`` goes through, when it reads an array of the body (``{{body.items}}``)."""
    response = request.node.get("response")
    node: JsonValue | None = response.get("iterate") if isinstance(response, JsonObject) else None
    if isinstance(node, JsonObject):
        node = node.get("container")
    string = analysis.iml_string_of(node) if isinstance(node, JsonString) else None
    template = string.single if string is not None else None
    steps = steps_of(template.expr) if template is not None and template.expr is not None else None
    if steps is None or steps[0] != "body":
        return None
    found = look_up((body,), steps[1])
    if not isinstance(found, Found) or len(found.values) != 1 or not isinstance(found.values[0], list):
        return None
    return tuple(found.values[0])
