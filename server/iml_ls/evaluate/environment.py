"""What a connection's expressions evaluate against: sample values, placeholders, ``temp``.

Sample values come from the samples file (``{"parameters": …, "common": …, "data": …}``), then from
the params file's ``default``s and the connection's common data, and otherwise from placeholders that
are marked as such, so that a preview always appears and always says what it made up.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from iml_ls.analysis import Analysis, Chunk, ImlString
from iml_ls.evaluate import coerce
from iml_ls.evaluate.evaluator import Budget, Evaluator
from iml_ls.evaluate.secrets import MASK as MASK
from iml_ls.evaluate.secrets import secret_masker
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


SECRET_NAME = re.compile(
    r"secret|passw|passphrase|token|key|cert|credential|private|bearer|session|cookie|signature", re.IGNORECASE
)
"""Names of parameters, common data and data whose values are secrets whatever type the params file
gives them (``apiKey``, ``clientSecret``, ``accessToken``, ``password``, ``privateKey``…)."""
_SECRET_VALUE = re.compile(r"-----BEGIN|^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*$")
"""Values that are secrets whatever their name: PEM blocks and tokens shaped like a JWT."""
MAX_MESSAGE_LENGTH = 1_000
"""Characters of an evaluation error that are kept (a message may quote a huge value)."""
SECRET_HIDDEN = "the reason is not shown, because it would quote a value derived from a secret sample value"
EVALUATION_BUDGET = 1.0
"""Seconds the evaluations of one caller (one request's checks, one hover, one preview) may take together."""
ANALYSIS_BUDGET = 2.0
"""Seconds all evaluations of one analysis (one version of a file) may take together."""


def secret_looking(name: str) -> bool:
    """Whether a key's name says it holds a secret (``clientSecret``, ``apiKey``, ``accessToken``)."""
    return SECRET_NAME.search(name) is not None


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
    """Sample values that are secrets (every text inside them): never shown in a message."""
    secret_keys: dict[str, frozenset[str]] = field(default_factory=dict)
    """For ``parameters``, ``common`` and ``data``: the keys whose sample values are secrets."""


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
    typed = {p.name for p in analysis.parameters if p.type in SECRET_PARAMETER_TYPES}
    secret_keys = {
        root: frozenset(key for key, value in values.items() if key in typed or is_secret_like(key, value))
        for root, values in (("parameters", parameters), ("common", common), ("data", data))
    }
    secrets = {
        text
        for root, values in (("parameters", parameters), ("common", common), ("data", data))
        for key in secret_keys[root]
        for text in _texts(values[key])
        if (root, key) not in placeholders
    }
    return SampleValues(parameters, common, data, frozenset(placeholders), path, tuple(sorted(secrets)), secret_keys)


def is_secret_like(name: str, value: JsValue) -> bool:
    """Whether a sample value is a secret by its name or by what it looks like (see :data:`SECRET_NAME`)."""
    return secret_looking(name) or any(_SECRET_VALUE.search(text) for text in _texts(value))


def _texts(value: JsValue) -> list[str]:
    """Every text inside a value (a ``{key, passphrase}`` object holds two)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


@dataclass(frozen=True)
class TempState:
    """``temp`` at one point of a connection, and the placeholders each key's value came from."""

    values: dict[str, JsValue] = field(default_factory=dict)
    placeholders: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()
    """The keys whose values derive from a secret sample value."""


@dataclass(frozen=True)
class _Step:
    """One request's ``temp`` directive evaluated: what it saw, what it left, the errors on the way."""

    sources: tuple[object, ...]
    """The related analyses the sample values came from (compared by identity)."""
    before: TempState
    after: TempState
    errors: dict[ImlString, str]

    def reusable(self, sources: tuple[object, ...], before: TempState) -> bool:
        return _same_start(self.sources, self.before, sources, before)


@dataclass(frozen=True, eq=False)
class _ChunkSteps:
    """The ``temp`` directives of a chunk's requests evaluated in order: ``temp`` after each request."""

    chunk: Chunk
    sources: tuple[object, ...]
    before: TempState
    after: list[TempState]
    steps: dict[JsonObject, _Step]
    """Each request's step, by the request's node (requests without a directive have none)."""

    @cached_property
    def errors(self) -> dict[ImlString, str]:
        return {string: message for step in self.steps.values() for string, message in step.errors.items()}

    def reusable(self, chunk: Chunk, sources: tuple[object, ...], before: TempState) -> bool:
        return self.chunk is chunk and _same_start(self.sources, self.before, sources, before)


def _same_start(
    kept_sources: tuple[object, ...], kept_before: TempState, sources: tuple[object, ...], before: TempState
) -> bool:
    """Whether directives evaluated from ``kept_before`` with ``kept_sources`` would give the same
    result now: the same related analyses (by identity) and an equal ``temp``."""
    same_sources = all(old is new for old, new in zip(kept_sources, sources, strict=True))
    return same_sources and (kept_before is before or kept_before == before)


@dataclass
class ConnectionEvaluation:
    """Evaluates the values of one connection file at one instant (``now``)."""

    analysis: Analysis
    now: dt.datetime
    errors: dict[ImlString, str] = field(default_factory=dict)
    """Messages of the strings whose expressions failed."""
    _states: list[list[TempState]] = field(default_factory=list)
    """``temp`` after each request, chunk by chunk, computed in order as far as asked."""
    _chunk_befores: list[TempState] = field(default_factory=list)
    """``temp`` before each chunk computed so far."""

    deadline: float = field(default_factory=lambda: time.monotonic() + EVALUATION_BUDGET)
    """When evaluating stops (see :meth:`renew_budget`)."""
    budget: Budget = field(default_factory=lambda: Budget(ANALYSIS_BUDGET))
    """What the whole analysis may still spend (shared by its evaluations at every instant)."""
    extra_variables: dict[str, JsValue] = field(default_factory=dict)
    """Root variables besides the samples: a module's ``connection``, an attach's ``webhook``, the
    ``pagination`` of a page. An evaluation with them gets ``temp`` from :meth:`temp_in_order`: the
    checks' :meth:`temp_before` reuses results evaluated without them."""
    extra_placeholders: frozenset[tuple[str, str]] = frozenset()
    """Which of the extra values are made up (``("connection", "accessToken")``)."""

    def renew_budget(self) -> None:
        """Give the evaluations that follow a budget of their own (each check of each request gets one,
        so a slow request does not starve the next, and what a request reports does not depend on the others)."""
        self.deadline = time.monotonic() + EVALUATION_BUDGET

    def redact(self, message: str) -> str:
        """The message with every form of every secret sample value masked (:mod:`iml_ls.evaluate.secrets`).

        The evaluator's taint tracking (:attr:`EvaluationError.reveals_secret`) keeps messages that
        could quote a derived value from being shown at all; this is the second line of defence.
        """
        return secret_masker(self.samples.secrets).mask(message)

    def message_of(self, error: EvaluationError) -> str:
        """What may be said of a failure: nothing of a message that could quote a secret."""
        return SECRET_HIDDEN if error.reveals_secret else self.redact(str(error)[:MAX_MESSAGE_LENGTH])

    @cached_property
    def samples(self) -> SampleValues:
        return sample_values(self.analysis)

    @cached_property
    def context(self) -> EvalContext:
        app = self.analysis.related.app
        return EvalContext(now=self.now, own_functions=app.function_names if app is not None else frozenset())

    def evaluator(self, temp: TempState) -> Evaluator:
        samples = self.samples
        variables: dict[str, JsValue] = {
            "parameters": samples.parameters,
            "common": samples.common,
            "data": samples.data,
            "temp": dict(temp.values),
            "oauth": {"makeRedirectUri": "https://www.make.com/oauth/cb/app", "localRedirectUri": ""},
        }
        variables.update(self.extra_variables)
        sources = {key: frozenset({key}) for key in samples.placeholders | self.extra_placeholders} | {
            ("temp", key): used for key, used in temp.placeholders.items()
        }
        secrets = samples.secret_keys | {"temp": temp.secrets}
        return Evaluator(self.context, variables, sources, deadline=self.deadline, budget=self.budget, secrets=secrets)

    def temp_before(self, request: Request | None) -> TempState:
        """``temp`` as a request sees it: the request-level ``temp`` of it and of the requests before it.

        Make evaluates request-level ``temp`` before sending the request; ``response.temp`` needs the
        response, which a preview never has, so its keys stay undefined.
        """
        index = self.analysis.request_index(request) if request is not None else None
        return self._after(len(self.analysis.requests) - 1 if index is None else index)

    def state_before(self, request: Request) -> TempState:
        """``temp`` as the requests before ``request`` left it."""
        index = self.analysis.request_index(request)
        return self._after(len(self.analysis.requests) - 1 if index is None else index - 1)

    def state_after(self, index: int) -> TempState:
        """``temp`` once the request at ``index`` (and those before it) evaluated theirs."""
        return self._after(index)

    def state_before_chunk(self, chunk: int) -> TempState:
        """``temp`` as the requests of the chunks before ``chunk`` left it."""
        self._chunk_states(chunk)
        return self._chunk_befores[chunk]

    def _after(self, index: int) -> TempState:
        """``temp`` once the requests up to ``index`` evaluated theirs (each request's once, in order)."""
        if index < 0:
            return TempState()
        starts = self.analysis.request_starts
        chunk = bisect_right(starts, index) - 1
        return self._chunk_states(chunk)[index - starts[chunk]]

    def _chunk_states(self, chunk: int) -> list[TempState]:
        """``temp`` after each request of a chunk, computing the chunks before it first."""
        chunks = self.analysis.chunks
        while len(self._states) <= chunk:
            position = len(self._states)
            if not self._states:
                before = TempState()
            elif self._states[-1]:
                before = self._states[-1][-1]  # after the last request of the chunk before
            else:
                before = self._chunk_befores[-1]  # the chunk before has no requests
            self._chunk_befores.append(before)
            self._states.append(self._chunk_step(position, chunks[position], before))
        return self._states[chunk]

    def _chunk_step(self, position: int, chunk: Chunk, before: TempState) -> list[TempState]:
        """The ``temp`` directives of a chunk's requests, evaluated in order; reused from an earlier
        version, whole or request by request, where the directives and the ``temp`` they start from
        are unchanged."""
        related = self.analysis.related
        sources = (related.params, related.common, related.samples)
        key = ("temp-chunk", position, self.now)
        cached = self.analysis.reuse.get(key)
        if isinstance(cached, _ChunkSteps) and cached.reusable(chunk, sources, before):
            self.errors.update(cached.errors)
            return cached.after
        earlier = cached.steps if isinstance(cached, _ChunkSteps) else {}
        steps: dict[JsonObject, _Step] = {}
        states: list[TempState] = []
        for request in chunk.requests:
            state = states[-1] if states else before
            if isinstance(request.node.get("temp"), JsonObject):
                kept = earlier.get(request.node)
                step = (
                    kept if kept is not None and kept.reusable(sources, state) else self._step(request, state, sources)
                )
                self.errors.update(step.errors)
                steps[request.node] = step
                state = step.after
            states.append(state)
        self.analysis.reuse.put(key, _ChunkSteps(chunk, sources, before, states, steps))
        return states

    def _step(self, request: Request, before: TempState, sources: tuple[object, ...]) -> _Step:
        """Evaluate one request's ``temp`` directive, keeping the errors it met apart."""
        outer, self.errors = self.errors, {}
        try:
            after = self._apply_temp(request, before, None)
            return _Step(sources, before, after, self.errors)
        finally:
            self.errors = outer

    def apply_temp(self, request: Request, state: TempState) -> TempState:
        """``state`` with a request's ``temp`` directive evaluated into it (a run starts from the
        ``temp`` the earlier responses left)."""
        return self._apply_temp(request, state, None)

    def _apply_temp(self, request: Request, state: TempState, stop_key: str | None) -> TempState:
        """``state`` with a request's ``temp`` directive evaluated into it, stopping before ``stop_key``."""
        node = request.node.get("temp")
        if not isinstance(node, JsonObject):
            return state
        values, placeholders, secrets = dict(state.values), dict(state.placeholders), set(state.secrets)
        for member in node.members:
            if member.key.value == stop_key:
                break
            evaluator = self.evaluator(TempState(values, placeholders, frozenset(secrets)))
            values[member.key.value] = self.value(member.value, evaluator)
            if evaluator.used_placeholders:
                placeholders[member.key.value] = frozenset(evaluator.used_placeholders)
            if evaluator.used_secrets:
                secrets.add(member.key.value)
            else:
                secrets.discard(member.key.value)
        return TempState(values, placeholders, frozenset(secrets))

    def temp_in_order(self) -> list[TempState]:
        """``temp`` after each request, evaluated afresh in request order (nothing reused)."""
        states: list[TempState] = []
        state = TempState()
        for request in self.analysis.requests:
            state = self._apply_temp(request, state, None)
            states.append(state)
        return states

    def evaluator_at(self, path: JsonPath) -> Evaluator:
        """An evaluator with the ``temp`` that a value at ``path`` sees."""
        request = self.analysis.request_at(path)
        if request is None:
            return self.evaluator(TempState())
        rest = path[len(request.path) :]
        if rest[:1] == ("temp",) and len(rest) >= 2 and isinstance(rest[1], str):
            return self.evaluator(self._apply_temp(request, self.state_before(request), rest[1]))
        return self.evaluator(self.temp_before(request))

    def value(self, node: JsonValue | None, evaluator: Evaluator, *, hide_secrets: bool = False) -> JsValue:
        """A JSON value with every IML string evaluated (a lone ``{{…}}`` keeps its type); with
        ``hide_secrets``, a string whose value derives from a secret sample value is :data:`MASK`."""
        if node is None:
            return UNDEFINED
        if isinstance(node, JsonObject):
            return {
                member.key.value: self.value(member.value, evaluator, hide_secrets=hide_secrets)
                for member in node.members
            }
        if isinstance(node, JsonArray):
            return [self.value(item, evaluator, hide_secrets=hide_secrets) for item in node.items]
        if isinstance(node, JsonString):
            string = self.analysis.iml_string_of(node)
            if string is None:
                return node.value
            reads = evaluator.secret_reads
            result = self.string(string, evaluator)
            return MASK if hide_secrets and evaluator.secret_reads != reads else result
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
            self.errors[string] = self.message_of(error)
            return UNDEFINED


def _expr(template: Template) -> Expr:
    if template.expr is None:
        raise EvaluationError(template.error.message if template.error else "The expression cannot be parsed.")
    return template.expr


def shared_evaluation(analysis: Analysis, now: float | None = None) -> ConnectionEvaluation:
    """The evaluation of an analysis at ``now`` (Unix seconds; default: the analysis's instant),
    made once and shared by every rule and feature that asks for the same instant. Each caller gets a
    fresh time budget for what it evaluates next (a hover minutes after the diagnostics still has one)."""
    instant = analysis.instant if now is None else now
    key = ("evaluation", instant)
    evaluation = analysis.memo.get(key)
    if not isinstance(evaluation, ConnectionEvaluation):
        budget = analysis.memo.setdefault("evaluation-budget", Budget(ANALYSIS_BUDGET))
        assert isinstance(budget, Budget)
        evaluation = ConnectionEvaluation(analysis, dt.datetime.fromtimestamp(instant, dt.UTC), budget=budget)
        analysis.memo[key] = evaluation
    evaluation.renew_budget()
    return evaluation
