"""Make's response pipeline, run on a response that came back (or was recorded).

The directives run in Make's order: ``response.temp`` first (it sees ``body``,
``headers`` and ``statusCode``), then whether the response is an error (its status, then ``valid``)
and the ``error`` Make raises for it, then ``iterate``, ``output`` per item, ``wrapper``, ``limit``,
whether ``pagination`` asks for another page, a polling trigger's ``trigger``, and what a connection
or a webhook's attach stores (``data``, ``expires``, ``uid``, ``metadata``). Which directive runs in
which component comes from the vocabulary tables (:mod:`iml_ls.model.schema`). A request without
``url`` runs ``response.temp`` and ``output`` only; after a request's last page, ``repeat`` says
whether Make sends it again (the session sends).

Pure: no network, no files; the caller evaluates with the request's own variables.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from iml_ls.analysis import Analysis
from iml_ls.evaluate import coerce
from iml_ls.evaluate.environment import ConnectionEvaluation, TempState
from iml_ls.evaluate.values import UNDEFINED, JsValue
from iml_ls.features.request_preview import Values
from iml_ls.model.schema import REQUEST_DIRECTIVES, RESPONSE_DIRECTIVES, Context
from iml_ls.run.exchange import ReceivedResponse, header_variables
from iml_ls.syntax.iml import Name, walk_expr
from iml_ls.syntax.json_tree import JsonNumber, JsonObject, JsonValue

STORED = ("data", "expires", "uid", "metadata")
"""What a connection (and a webhook's attach: ``data``, ``uid``) keeps once the response is read."""
ERROR_TYPE_BY_STATUS = ((429, 429, "RateLimitError"), (500, 599, "ConnectionError"))
"""The error type Make raises for a status when ``error`` does not name one: (first, last, type)."""
DEFAULT_ERROR_TYPE = "RuntimeError"
BODY_TYPES = {
    "json": "json",
    "urlencoded": "urlencoded",
    "text": "text",
    "string": "text",
    "raw": "text",
    "xml": "text",
    "binary": "binary",
}
"""How each ``response.type`` reads the body (``automatic`` goes by the ``content-type``)."""
_AUTOMATIC = (("json", "json"), ("x-www-form-urlencoded", "urlencoded"), ("text/", "text"), ("xml", "text"))
"""``content-type`` fragments and how ``automatic`` reads such a body (anything else: binary)."""
RESPONSE_VARIABLES = ("body", "headers", "statusCode")
"""What the response gives the directives after it (not ``repeat.condition``)."""
MAX_REPEATS = 1000
"""Make's runtime sends a repeated request at most 1,000 times, whatever ``repeat.limit`` says."""


@dataclass(frozen=True)
class Step:
    """A directive that ran and the value it gave."""

    directive: str
    value: JsValue
    owner: Analysis | None
    """The file the directive is written in (the component's, or base's); None when Make decided alone."""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Failure:
    """Why Make would fail the module here, and which directive decided it."""

    directive: str
    error_type: str
    message: str
    owner: Analysis | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Repeat:
    """A request's ``repeat``: Make sends the request again while ``condition`` holds (it is evaluated
    after each request, with ``temp`` but not the response), waiting ``delay`` between two sends, and
    sends it at most ``limit`` times (never more than :data:`MAX_REPEATS`)."""

    owner: Analysis
    node: JsonObject
    delay: float
    """Seconds."""
    limit: int
    """The most requests, the first included."""
    reads_response: tuple[str, ...] = ()
    """What of the response (``body``, ``headers``, ``statusCode``) ``condition`` reads: nothing there."""


@dataclass
class PageResult:
    """What one response gave."""

    temp: TempState
    body: JsValue
    steps: list[Step] = field(default_factory=list)
    outputs: list[JsValue] = field(default_factory=list)
    stored: dict[str, JsValue] = field(default_factory=dict)
    failure: Failure | None = None
    more_pages: bool = False
    """Whether ``pagination`` asks for the next page (its ``condition`` holds and the page had items)."""
    limit: int | None = None
    """The ``limit`` (of all pages together), when there is one."""


@dataclass(frozen=True)
class Directives:
    """The ``response`` directives of a request: its own first, then base's (modules and RPCs)."""

    sources: tuple[tuple[Analysis, JsonObject], ...]
    pagination: tuple[Analysis, JsonObject] | None = None
    """The request's ``pagination`` (or base's)."""
    repeat: tuple[Analysis, JsonObject] | None = None
    """The request's ``repeat`` (or base's)."""

    def get(self, name: str) -> tuple[Analysis, JsonValue] | None:
        for owner, response in self.sources:
            node = response.get(name)
            if node is not None:
                return owner, node
        return None

    def error_for(self, status: int) -> tuple[Analysis, JsonValue] | None:
        """The ``error`` for a status: a ``"429"`` entry of any source first, else the first ``error``."""
        for owner, response in self.sources:
            error = response.get("error")
            entry = error.get(str(status)) if isinstance(error, JsonObject) else None
            if entry is not None:
                return owner, entry
        return self.get("error")


@dataclass
class Evaluating:
    """Evaluates directives with the request's variables (``parameters``, ``connection``, ``temp``…)
    and the response's (``body``, ``headers``, ``statusCode``, ``item``, ``output``)."""

    evaluation: ConnectionEvaluation
    errors: list[tuple[str, int, int, str]] = field(default_factory=list)

    def value(self, owner: Analysis, node: JsonValue, temp: TempState, variables: Mapping[str, JsValue]) -> JsValue:
        self.evaluation.renew_budget()  # the network took its time: every directive gets its own second
        evaluator = self.evaluation.evaluator(temp)
        evaluator = replace(
            evaluator, variables={**evaluator.variables, **variables}, used_placeholders=set(), used_secrets=set()
        )
        return Values(evaluator, None, self.errors, self.evaluation).of(owner, node)


class _Failed(Exception):
    def __init__(self, failure: Failure) -> None:
        self.failure = failure


def read_body(response: ReceivedResponse, directives: Directives) -> JsValue:
    """The body as ``body`` reads it, by ``response.type`` (or the ``content-type``)."""
    chosen = directives.get("type")
    kind = "automatic"
    if chosen is not None:
        kind = _type_for(chosen[1], response.status)
    how = BODY_TYPES.get(kind)
    if how is None:
        content_type = (response.header("content-type") or "").lower()
        how = next((reading for fragment, reading in _AUTOMATIC if fragment in content_type), "binary")
        if not response.body:
            return ""
    text = response.body.decode("utf-8", "replace")
    if how == "json":
        try:
            parsed: JsValue = json.loads(text, parse_constant=_not_json)
            return parsed
        except ValueError:
            if kind == "automatic":
                return text
            raise _Failed(
                Failure("type", DEFAULT_ERROR_TYPE, "`response.type` is json, but the body is not JSON.")
            ) from None
    if how == "urlencoded":
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if how == "text":
        return text
    return response.body


def _not_json(name: str) -> JsValue:
    raise ValueError(f"{name} is not JSON")


def _type_for(node: JsonValue, status: int) -> str:
    """``response.type`` as text, or the entry of an object keyed by status (``"200"``, ``"400-499"``, ``"*"``)."""
    if not isinstance(node, JsonObject):
        value = getattr(node, "value", "automatic")
        return value if isinstance(value, str) else "automatic"
    fallback = "automatic"
    for member in node.members:
        key, value = member.key.value, getattr(member.value, "value", None)
        if not isinstance(value, str):
            continue
        first, _, last = key.partition("-")
        if key == str(status) or (first.isdigit() and last.isdigit() and int(first) <= status <= int(last)):
            return value
        if key == "*":
            fallback = value
    return fallback


def merge_temp(temp: TempState, values: JsValue) -> TempState:
    """``temp`` with a directive's values merged in as lodash's ``_.merge`` does: objects key by key,
    arrays index by index, undefined values skipped."""
    if not isinstance(values, dict):
        return temp
    merged = _lodash_merge(dict(temp.values), values)
    assert isinstance(merged, dict)
    return TempState(merged, temp.placeholders, temp.secrets)


def _lodash_merge(target: JsValue, source: JsValue) -> JsValue:
    if source is UNDEFINED:
        return target
    if isinstance(source, dict):
        base = dict(target) if isinstance(target, dict) else {}
        for key, value in source.items():
            base[key] = _lodash_merge(base.get(key, UNDEFINED), value)
        return base
    if isinstance(source, list):
        items = list(target) if isinstance(target, list) else []
        for index, value in enumerate(source):
            if index < len(items):
                items[index] = _lodash_merge(items[index], value)
            else:
                items.append(_lodash_merge(UNDEFINED, value))
        return items
    return source


def error_type_for(status: int) -> str:
    return next((kind for first, last, kind in ERROR_TYPE_BY_STATUS if first <= status <= last), DEFAULT_ERROR_TYPE)


@dataclass
class Pipeline:
    """The directives of one request in one component, and how to evaluate them."""

    context: Context
    directives: Directives
    evaluating: Evaluating

    def allowed(self, directive: str) -> bool:
        return self.context in RESPONSE_DIRECTIVES[directive].allowed

    def response_temp(self, temp: TempState, variables: Mapping[str, JsValue], steps: list[Step]) -> TempState:
        """``temp`` after ``response.temp``: every key evaluated before any is assigned, then merged."""
        found = self.directives.get("temp")
        if found is None:
            return temp
        value = self._evaluate("temp", found, temp, variables, steps)
        return merge_temp(temp, value)

    def run_without_request(self, temp: TempState) -> PageResult:
        """A request without ``url`` (request-less communication): nothing is sent, and Make runs only
        ``response.temp`` and ``output`` (the request's own ``temp`` ran when it was built); there is
        no ``body``, ``headers`` or ``statusCode``. ``output`` false, null or missing gives no bundle."""
        result = PageResult(temp, UNDEFINED)
        try:
            result.temp = self.response_temp(temp, {}, result.steps)
            found = self.directives.get("output") if self.allowed("output") else None
            if found is not None:
                value = self._evaluate("output", found, result.temp, {}, result.steps)
                result.outputs = [] if _no_bundle(value) or value is UNDEFINED else [value]
        except _Failed as failed:
            result.failure = failed.failure
        return result

    def repeat(self) -> Repeat | Failure | None:
        """The request's ``repeat`` where Make runs it; a failure when ``delay`` or ``limit`` is not a
        number written in the file (Make does not evaluate ``{{…}}`` in them)."""
        found = self.directives.repeat
        if found is None or self.context not in REQUEST_DIRECTIVES["repeat"].allowed:
            return None
        owner, node = found
        numbers: dict[str, float] = {}
        for key in ("delay", "limit"):
            value = node.get(key)
            if value is None:
                continue
            if not isinstance(value, JsonNumber):
                message = f"`repeat.{key}` must be a number written in the file (Make evaluates no `{{{{…}}}}` there)."
                return Failure("repeat", DEFAULT_ERROR_TYPE, message, owner, value.start, value.end)
            numbers[key] = value.value
        delay = max(numbers.get("delay", 0), 0) / 1000
        limit = min(max(int(numbers.get("limit", MAX_REPEATS)), 1), MAX_REPEATS)
        string = owner.iml_string_of(condition) if (condition := node.get("condition")) is not None else None
        read = {
            name.name
            for template in (string.templates if string is not None else ())
            if template.expr is not None
            for name in walk_expr(template.expr)
            if isinstance(name, Name) and name.name in RESPONSE_VARIABLES
        }
        return Repeat(owner, node, delay, limit, tuple(sorted(read)))

    def repeat_holds(self, repeat: Repeat, temp: TempState, steps: list[Step]) -> bool | Failure:
        """Whether ``repeat.condition`` asks for the request again: evaluated with ``temp`` (after
        ``response.temp``) and the request's variables, not ``body``, ``headers`` or ``statusCode``
        (Make's documentation: the condition sees ``temp`` only). No condition: no repetition."""
        condition = repeat.node.get("condition")
        if condition is None:
            return False
        try:
            holds = coerce.is_truthy(self._evaluate("repeat", (repeat.owner, condition), temp, {}, None))
        except _Failed as failed:
            return failed.failure
        steps.append(Step("repeat", holds, repeat.owner, condition.start, condition.end))
        return holds

    def run(self, response: ReceivedResponse, temp: TempState) -> PageResult:
        result = PageResult(temp, UNDEFINED)
        try:
            result.body = read_body(response, self.directives)
            variables: dict[str, JsValue] = {
                "body": result.body,
                "headers": header_variables(response.headers),
                "statusCode": response.status,
            }
            result.temp = self.response_temp(temp, variables, result.steps)
            self._check(response.status, result, variables)
            items = self._items(result, variables)
            self._outputs(result, variables, items)
            self._pagination(result, variables, items)
            self._trigger(result, variables, items)
            for name in STORED:
                found = self.directives.get(name) if self.allowed(name) else None
                if found is not None:
                    result.stored[name] = self._evaluate(name, found, result.temp, variables, result.steps)
        except _Failed as failed:
            result.failure = failed.failure
            result.more_pages = False
        return result

    def _evaluate(
        self,
        directive: str,
        found: tuple[Analysis, JsonValue],
        temp: TempState,
        variables: Mapping[str, JsValue],
        steps: list[Step] | None,
    ) -> JsValue:
        owner, node = found
        errors = self.evaluating.errors
        before = len(errors)
        value = self.evaluating.value(owner, node, temp, variables)
        if len(errors) > before:
            _, start, end, message = errors[before]
            raise _Failed(Failure(directive, DEFAULT_ERROR_TYPE, message, owner, start, end))
        if steps is not None:
            steps.append(Step(directive, value, owner, node.start, node.end))
        return value

    def _check(self, status: int, result: PageResult, variables: Mapping[str, JsValue]) -> None:
        """An error status, or ``valid`` false: the error Make raises, with ``error``'s message and type."""
        failure = Failure("status", error_type_for(status), f"The server answered {status}.")
        if status < 400:
            found = self.directives.get("valid")
            if found is None:
                return
            owner, node = found
            valid = self._evaluate("valid", found, result.temp, variables, result.steps)
            if isinstance(valid, dict):  # {"condition", "message", "type"}
                if coerce.is_truthy(valid.get("condition", UNDEFINED)):
                    return
                message = coerce.to_text(valid.get("message", UNDEFINED)) or "The response is not valid."
                kind = coerce.to_text(valid.get("type", UNDEFINED)) or DEFAULT_ERROR_TYPE
                raise _Failed(Failure("valid", kind, message, owner, node.start, node.end))
            if coerce.is_truthy(valid):
                return
            message = "The response is not valid (`valid` is false)."
            failure = Failure("valid", DEFAULT_ERROR_TYPE, message, owner, node.start, node.end)
        found = self.directives.error_for(status)
        if found is not None:
            message, kind = failure.message, failure.error_type
            error = self._evaluate("error", found, result.temp, variables, result.steps)
            if isinstance(error, dict):
                message = coerce.to_text(error.get("message", UNDEFINED)) or message
                kind = coerce.to_text(error.get("type", UNDEFINED)) or kind
            elif error is not UNDEFINED:
                message = coerce.to_text(error) or message
            failure = replace(failure, message=message, error_type=kind)
            if failure.directive == "status":  # the status decided, `error` said what Make raises
                failure = replace(failure, directive="error", owner=found[0], start=found[1].start, end=found[1].end)
        raise _Failed(failure)

    def _items(self, result: PageResult, variables: Mapping[str, JsValue]) -> list[JsValue] | None:
        """The items ``iterate`` goes through (its ``condition`` kept), or None without ``iterate``."""
        found = self.directives.get("iterate") if self.allowed("iterate") else None
        if found is None:
            return None
        owner, node = found
        condition = node.get("condition") if isinstance(node, JsonObject) else None
        container_node = node.get("container") if isinstance(node, JsonObject) else node
        container = (
            self._evaluate("iterate", (owner, container_node), result.temp, variables, None)
            if container_node is not None
            else UNDEFINED
        )
        if container is UNDEFINED or container is None:
            items: list[JsValue] = []
        elif isinstance(container, list):
            items = list(container)
        else:
            message = f"`iterate` must give an array, but it gave {coerce.type_name(container)}."
            raise _Failed(Failure("iterate", DEFAULT_ERROR_TYPE, message, owner, node.start, node.end))
        if condition is not None:
            items = [
                item
                for item in items
                if coerce.is_truthy(
                    self._evaluate("iterate", (owner, condition), result.temp, self._item(variables, item, items), None)
                )
            ]
        result.steps.append(Step("iterate", items, owner, node.start, node.end))
        return items

    @staticmethod
    def _item(variables: Mapping[str, JsValue], item: JsValue, items: list[JsValue]) -> dict[str, JsValue]:
        container = {"first": items[0] if items else UNDEFINED, "last": items[-1] if items else UNDEFINED}
        return {**variables, "item": item, "iterate": {"container": container}}

    def _outputs(self, result: PageResult, variables: Mapping[str, JsValue], items: list[JsValue] | None) -> None:
        """``output`` per item (once without ``iterate``; the body when there is no ``output``), then
        ``wrapper`` around them, then ``limit``."""
        if not self.allowed("output"):
            return
        found = self.directives.get("output")
        if items is None:
            outputs = [self._evaluate("output", found, result.temp, variables, None) if found else result.body]
            outputs = [output for output in outputs if not _no_bundle(output)]
        else:
            outputs = [
                self._evaluate("output", found, result.temp, self._item(variables, item, items), None)
                if found
                else item
                for item in items
            ]
        if found is not None:
            result.steps.append(Step("output", outputs, found[0], found[1].start, found[1].end))
        wrapper = self.directives.get("wrapper") if self.allowed("wrapper") else None
        if wrapper is not None and (outputs or items is not None):  # false or null output: no wrapper
            shown = outputs if items is not None else outputs[0]
            wrapped = self._evaluate("wrapper", wrapper, result.temp, {**variables, "output": shown}, result.steps)
            outputs = wrapped if isinstance(wrapped, list) else [wrapped]
        limit = self.directives.get("limit") if self.allowed("limit") else None
        if limit is not None:
            value = self._evaluate("limit", limit, result.temp, variables, result.steps)
            number = coerce.to_number(value) if value is not UNDEFINED else None
            if number is not None and number == number:  # not NaN
                if number <= 0:
                    owner, node = limit
                    message = "`limit` is 0: Make refuses to run (InvalidConfigurationError)."
                    raise _Failed(Failure("limit", "InvalidConfigurationError", message, owner, node.start, node.end))
                result.limit = int(number)
                outputs = outputs[: result.limit]
        result.outputs = outputs

    def _pagination(self, result: PageResult, variables: Mapping[str, JsValue], items: list[JsValue] | None) -> None:
        """Another page when the request has ``pagination``, this page had items and ``condition`` holds."""
        if self.directives.pagination is None:
            return
        owner, pagination = self.directives.pagination
        condition = pagination.get("condition")
        holds = True
        if condition is not None:
            holds = coerce.is_truthy(self._evaluate("pagination", (owner, condition), result.temp, variables, None))
            result.steps.append(Step("pagination", holds, owner, condition.start, condition.end))
        batch = items if items is not None else result.outputs
        result.more_pages = holds and bool(batch)

    def _trigger(self, result: PageResult, variables: Mapping[str, JsValue], items: list[JsValue] | None) -> None:
        """A polling trigger's ``trigger``: each item's ``id`` and ``date``, and the newest, which Make
        remembers so that the next poll returns only newer items."""
        found = self.directives.get("trigger") if self.allowed("trigger") else None
        if found is None:
            return
        owner, node = found
        if not isinstance(node, JsonObject):
            return
        spec = {
            key: self._evaluate("trigger", (owner, part), result.temp, variables, None)
            for key in ("type", "order")
            if (part := node.get(key)) is not None
        }
        kind = coerce.to_text(spec.get("type", UNDEFINED)) or "id"
        order = coerce.to_text(spec.get("order", UNDEFINED)) or "unordered"
        marks: list[dict[str, JsValue]] = []
        for item in items if items is not None else [result.body]:
            scope = self._item(variables, item, items or [])
            marks.append(
                {
                    key: self._evaluate("trigger", (owner, part), result.temp, scope, None)
                    for key in ("id", "date")
                    if (part := node.get(key)) is not None
                }
            )
        newest = _newest(marks, kind, order)
        shown: dict[str, JsValue] = {"type": kind, "order": order, "items": list(marks)}
        if newest is not None:
            shown["newest"] = newest
            result.stored["trigger"] = newest
        result.steps.append(Step("trigger", shown, owner, node.start, node.end))


def _no_bundle(output: JsValue) -> bool:
    """An ``output`` of false or null ends Make's chain there: no bundle."""
    return output is None or output is False


def _newest(marks: list[dict[str, JsValue]], kind: str, order: str) -> dict[str, JsValue] | None:
    """The item Make remembers: the first of a ``desc`` order, the last of ``asc``, else the greatest."""
    if not marks:
        return None
    if order == "desc":
        return marks[0]
    if order == "asc":
        return marks[-1]
    return max(marks, key=lambda mark: _sort_key(mark.get(kind, UNDEFINED)))


def _sort_key(value: JsValue) -> tuple[int, float, str]:
    if isinstance(value, dt.datetime):
        return (1, value.timestamp(), "")
    if coerce.is_number(value):
        return (0, float(value), "")
    return (2, 0.0, coerce.to_text(value))
