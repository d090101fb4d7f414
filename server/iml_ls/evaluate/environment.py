"""What a connection's expressions evaluate against: sample values, placeholders, ``temp``.

Sample values come from the samples file (``{"parameters": …, "common": …, "data": …}``), then from
the params file's ``default``s and the connection's common data, and otherwise from placeholders that
are marked as such, so that a preview always appears and always says what it made up.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from functools import cached_property

from iml_ls.analysis import Analysis, ImlString
from iml_ls.evaluate import coerce
from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, JsValue
from iml_ls.model.connection import JsonPath, Request
from iml_ls.model.schema import SECRET_PARAMETER_TYPES
from iml_ls.syntax.iml import Expr, Template
from iml_ls.syntax.json_tree import JsonArray, JsonLiteral, JsonNumber, JsonObject, JsonString, JsonValue

PLACEHOLDER_BY_TYPE: dict[str, JsValue] = {
    "boolean": True,
    "number": 1,
    "integer": 1,
    "uinteger": 1,
    "port": 443,
    "array": [],
    "collection": {},
}


_SECRET_NAME = re.compile(r"secret|password|token|key", re.I)
EVALUATION_BUDGET = 2.0
"""Seconds all evaluations of one analysis may take together."""


def plain_value(node: JsonValue | None) -> JsValue:
    """A JSON node as a value, without evaluating any IML in it."""
    if node is None:
        return UNDEFINED
    if isinstance(node, JsonObject):
        return {member.key.value: plain_value(member.value) for member in node.members}
    if isinstance(node, JsonArray):
        return [plain_value(item) for item in node.items]
    return node.value


@dataclass(frozen=True)
class SampleValues:
    """The values of ``parameters``, ``common`` and ``data`` used for evaluation."""

    parameters: dict[str, JsValue]
    common: dict[str, JsValue]
    data: dict[str, JsValue]
    placeholders: frozenset[tuple[str, str]]
    samples_path: str | None
    secrets: tuple[str, ...] = ()
    """Sample values that are secrets: never shown in a message."""

    def redact(self, message: str) -> str:
        """The message with every secret value replaced by ``••••``."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            message = message.replace(secret, "••••")
        return message


def sample_values(analysis: Analysis) -> SampleValues:
    samples = plain_value(analysis.related.samples.root) if analysis.related.samples is not None else {}
    samples = samples if isinstance(samples, dict) else {}

    def section(name: str) -> dict[str, JsValue]:
        value = samples.get(name)
        return dict(value) if isinstance(value, dict) else {}

    parameters, common, data = section("parameters"), section("common"), section("data")
    placeholders: set[tuple[str, str]] = set()
    for parameter in analysis.parameters:
        if parameter.name in parameters:
            continue
        if parameter.default is not None:
            parameters[parameter.name] = plain_value(parameter.default)
        else:
            parameters[parameter.name] = PLACEHOLDER_BY_TYPE.get(parameter.type, f"<{parameter.name}>")
            placeholders.add(("parameters", parameter.name))
    if analysis.related.common is not None:
        stored = plain_value(analysis.related.common.root)
        if isinstance(stored, dict):
            for key, value in stored.items():
                common.setdefault(key, value)
    path = analysis.related.samples_path if analysis.related.samples is not None else None
    secret_names = {p.name for p in analysis.parameters if p.type in SECRET_PARAMETER_TYPES}
    secrets = [value for name, value in parameters.items() if name in secret_names and isinstance(value, str)]
    secrets += [value for name, value in common.items() if _SECRET_NAME.search(name) and isinstance(value, str)]
    return SampleValues(
        parameters, common, data, frozenset(placeholders), path, tuple(s for s in secrets if len(s) >= 4)
    )


@dataclass
class ConnectionEvaluation:
    """Evaluates the values of one connection file at one instant (``now``)."""

    analysis: Analysis
    now: dt.datetime
    errors: dict[int, str] = field(default_factory=dict)
    """Messages of expressions that failed, keyed by the ``id`` of their JSON string."""
    _temps_after: list[dict[str, JsValue]] = field(default_factory=list)
    _temp_placeholders: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    """The placeholders each ``temp`` key's value was computed from."""

    @cached_property
    def deadline(self) -> float:
        return time.monotonic() + EVALUATION_BUDGET

    def redact(self, message: str) -> str:
        return self.samples.redact(message)

    @cached_property
    def samples(self) -> SampleValues:
        return sample_values(self.analysis)

    @cached_property
    def context(self) -> EvalContext:
        return EvalContext(now=self.now)

    def evaluator(self, temp: dict[str, JsValue]) -> Evaluator:
        samples = self.samples
        variables: dict[str, JsValue] = {
            "parameters": samples.parameters,
            "common": samples.common,
            "data": samples.data,
            "temp": temp,
            "oauth": {"makeRedirectUri": "https://www.make.com/oauth/cb/app", "localRedirectUri": ""},
        }
        sources = {key: frozenset({key}) for key in samples.placeholders} | {
            ("temp", key): used for key, used in self._temp_placeholders.items()
        }
        return Evaluator(self.context, variables, sources, deadline=self.deadline)

    def temp_before(self, request: Request | None) -> dict[str, JsValue]:
        """``temp`` as a request sees it: the request-level ``temp`` of it and of the requests before it.

        Make evaluates request-level ``temp`` before sending the request; ``response.temp`` needs the
        response, which a preview never has, so its keys stay undefined.
        """
        requests = self.analysis.requests
        index = self._request_index.get(id(request), len(requests) - 1) if request is not None else len(requests) - 1
        return self._after(index)

    @cached_property
    def _request_index(self) -> dict[int, int]:
        return {id(request): index for index, request in enumerate(self.analysis.requests)}

    def _after(self, index: int) -> dict[str, JsValue]:
        """``temp`` once the requests up to ``index`` evaluated theirs (each request's once, in order)."""
        requests = self.analysis.requests
        while len(self._temps_after) <= index and len(self._temps_after) < len(requests):
            temp = dict(self._temps_after[-1]) if self._temps_after else {}
            self._apply_temp(requests[len(self._temps_after)], temp, None)
            self._temps_after.append(temp)
        return dict(self._temps_after[index]) if index >= 0 and self._temps_after else {}

    def _apply_temp(self, request: Request, temp: dict[str, JsValue], stop_key: str | None) -> None:
        """Evaluate a request's ``temp`` directive into ``temp``, stopping before ``stop_key``."""
        node = request.node.get("temp")
        if not isinstance(node, JsonObject):
            return
        for member in node.members:
            if member.key.value == stop_key:
                return
            evaluator = self.evaluator(dict(temp))
            temp[member.key.value] = self.value(member.value, evaluator)
            if evaluator.used_placeholders:
                self._temp_placeholders[member.key.value] = frozenset(evaluator.used_placeholders)

    def evaluator_at(self, path: JsonPath) -> Evaluator:
        """An evaluator with the ``temp`` that a value at ``path`` sees."""
        request = self.analysis.request_at(path)
        if request is None:
            return self.evaluator({})
        rest = path[len(request.path) :]
        if rest[:1] == ("temp",) and len(rest) >= 2 and isinstance(rest[1], str):
            temp = self._after(self._request_index[id(request)] - 1)
            self._apply_temp(request, temp, rest[1])
            return self.evaluator(temp)
        return self.evaluator(self.temp_before(request))

    def value(self, node: JsonValue | None, evaluator: Evaluator) -> JsValue:
        """A JSON value with every IML string evaluated (a lone ``{{…}}`` keeps its type)."""
        if node is None:
            return UNDEFINED
        if isinstance(node, JsonObject):
            return {member.key.value: self.value(member.value, evaluator) for member in node.members}
        if isinstance(node, JsonArray):
            return [self.value(item, evaluator) for item in node.items]
        if isinstance(node, JsonString):
            string = self.analysis.iml_string_of(node)
            return node.value if string is None else self.string(string, evaluator)
        if isinstance(node, JsonNumber | JsonLiteral):
            return node.value
        return UNDEFINED

    def string(self, string: ImlString, evaluator: Evaluator) -> JsValue:
        try:
            single = string.single
            if single is not None:
                return evaluator.evaluate(_expr(single))
            parts: list[str] = []
            position = 0
            for template in string.templates:
                parts.append(string.node.value[position : template.start])
                parts.append(coerce.to_text(evaluator.evaluate(_expr(template))))
                position = template.end
            parts.append(string.node.value[position:])
            return "".join(parts)
        except EvaluationError as error:
            self.errors[id(string.node)] = self.redact(str(error))
            return UNDEFINED


def _expr(template: Template) -> Expr:
    if template.expr is None:
        raise EvaluationError(template.error.message if template.error else "The expression cannot be parsed.")
    return template.expr
