"""The token preview: every request evaluated and every ``jwt()`` signed as Make's runtime would.

Shared by ``iml-ls preview``, the ``iml.previewToken`` command, hover on ``jwt(`` and the code lens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import JwtCall, jwt_calls, jwt_calls_at
from iml_ls.evaluate.environment import MASK, shared_evaluation
from iml_ls.evaluate.evaluator import placeholder_label
from iml_ls.evaluate.js_json import number_to_string, stringify
from iml_ls.evaluate.jsonwebtoken import jwt_function
from iml_ls.evaluate.values import UNDEFINED, EvaluationError, JsValue
from iml_ls.features.client_names import PREVIEW_COMMAND as PREVIEW_COMMAND
from iml_ls.model.connection import Request
from iml_ls.syntax.json_tree import JsonArray, JsonObject, JsonString
from iml_ls.text.line_index import PositionEncoding

REQUEST_PARTS = ("url", "method", "headers", "qs", "body")
TIME_CLAIMS = ("iat", "nbf", "exp")


@dataclass(frozen=True)
class TokenPreview:
    """One ``jwt()`` call's result: the token, or why Make would fail to produce it."""

    start: int
    end: int
    token: str | None
    header: JsValue
    payload: JsValue
    algorithm: str | None
    error: str | None
    placeholders: tuple[str, ...]
    hidden: bool = False
    """Whether the token is withheld: its header or payload holds a value derived from a secret."""


@dataclass
class PreviewResult:
    now: float
    samples_path: str | None
    requests: list[dict[str, JsValue]] = field(default_factory=list)
    tokens: list[TokenPreview] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Why values are placeholders (no params file, no samples file) and how to change that."""

    @property
    def complete(self) -> bool:
        """Whether every ``jwt()`` call produced a token."""
        return all(token.token is not None for token in self.tokens)

    def as_json(self, analysis: Analysis, encoding: PositionEncoding = PositionEncoding.UTF16) -> dict[str, object]:
        """The documented JSON shape (ranges are LSP ranges in ``encoding``)."""

        def span(start: int, end: int) -> dict[str, object]:
            first, last = analysis.index.position(start, encoding), analysis.index.position(end, encoding)
            return {
                "start": {"line": first.line, "character": first.character},
                "end": {"line": last.line, "character": last.character},
            }

        return {
            "now": self.now,
            "samples": self.samples_path,
            "requests": [_json_safe(request) for request in self.requests],
            "tokens": [
                {
                    "range": span(token.start, token.end),
                    "token": token.token,
                    "header": _json_safe(token.header),
                    "payload": _json_safe(token.payload),
                    "algorithm": token.algorithm,
                    "times": claim_times(token.payload, self.now),
                    "error": token.error,
                    "placeholders": list(token.placeholders),
                }
                for token in self.tokens
            ],
            "placeholders": self.placeholders,
            "errors": [{"range": span(start, end), "message": message} for start, end, message in self.errors],
            "notes": self.notes,
        }


def _json_safe(value: JsValue) -> object:
    """A value as plain JSON data (dates as ISO text, binary as Buffer objects, undefined dropped)."""
    import json

    text = stringify(value)
    return None if text is None else json.loads(text)


def current_second() -> float:
    """The clock in whole seconds, as IML's ``timestamp`` and jsonwebtoken's ``iat`` see it."""
    return float(int(time.time()))


def claim_times(payload: JsValue, now: float) -> dict[str, str]:
    """``{"exp": "2023-11-14 23:13:20 UTC (in 1 h)"}`` for each numeric time claim."""
    if not isinstance(payload, dict):
        return {}
    times = {}
    for claim in TIME_CLAIMS:
        value = payload.get(claim)
        if isinstance(value, int | float) and not isinstance(value, bool):
            times[claim] = describe_time(value, now)
    return times


def describe_time(seconds: float, now: float) -> str:
    if not math.isfinite(seconds):  # `timestamp + 'x'` is NaN in JavaScript: jsonwebtoken keeps it
        return f"{number_to_string(seconds)} (not a time)"
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        moment = f"{seconds:g} (out of the date range)"
    return f"{moment} ({relative_time(seconds - now)})"


def relative_time(delta: float) -> str:
    """``in 8 h 20 min`` / ``2 min ago`` / ``now``."""
    magnitude = abs(round(delta))
    if magnitude < 1:
        return "now"
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        if magnitude >= size and len(parts) < 2:
            amount = int(magnitude // size)
            magnitude -= amount * size
            parts.append(f"{amount} {unit}")
    text = " ".join(parts)
    return f"in {text}" if delta > 0 else f"{text} ago"


def preview(
    analysis: Analysis, now: float | None = None, at: int | None = None, with_requests: bool = True
) -> PreviewResult:
    """Evaluate the connection; with ``at``, only the ``jwt()`` call around that offset (and the request
    that holds it). ``with_requests=False`` leaves the requests out (the hover shows only the token)."""
    clock = current_second() if now is None else now
    evaluation = shared_evaluation(analysis, clock)
    result = PreviewResult(clock, evaluation.samples.samples_path)
    used: set[tuple[str, str]] = set()
    calls = jwt_calls(analysis) if at is None else jwt_calls_at(analysis, at)
    requests = analysis.requests if at is None else _requests_of(analysis, calls)
    for request in requests if with_requests else []:
        evaluator = evaluation.evaluator(evaluation.temp_before(request))
        parts = {part: evaluation.value(request.node.get(part), evaluator, hide_secrets=True) for part in REQUEST_PARTS}
        result.requests.append(
            _sanitized(parts, _sanitize_paths(request.node)) | ({"stage": request.stage} if request.stage else {})
        )
        used |= evaluator.used_placeholders
    for call in calls:
        start, end = call.span(call.call)
        evaluator = evaluation.evaluator_at(call.string.path)
        try:
            args, shows_secret = [], False
            for position, arg in enumerate(call.call.args[:4]):
                reads = evaluator.secret_reads
                args.append(evaluator.evaluate(arg))
                shows_secret |= position != 1 and evaluator.secret_reads != reads  # the key is never shown
            args += [UNDEFINED] * (4 - len(args))
            signed = jwt_function(args[0], args[1], args[2], args[3], now=clock)
            token = (
                TokenPreview(start, end, MASK, None, None, signed.algorithm, None, (), hidden=True)
                if shows_secret
                else TokenPreview(start, end, signed.token, signed.header, signed.payload, signed.algorithm, None, ())
            )
        except EvaluationError as error:
            token = TokenPreview(start, end, None, None, None, call.algorithm, evaluation.message_of(error), ())
        names = tuple(sorted(map(placeholder_label, evaluator.used_placeholders)))
        result.tokens.append(dataclasses.replace(token, placeholders=names))
        used |= evaluator.used_placeholders
    result.placeholders = sorted(map(placeholder_label, used))
    for string, message in evaluation.errors.items():
        result.errors.append((string.node.start, string.node.end, message))
    result.notes = _placeholder_notes(analysis, result)
    return result


def _requests_of(analysis: Analysis, calls: list[JwtCall]) -> list[Request]:
    """The requests that hold ``calls``, each once, in order."""
    found: list[Request] = []
    for call in calls:
        request = analysis.request_at(call.string.path)
        if request is not None and all(request is not seen for seen in found):
            found.append(request)
    return found


def _placeholder_notes(analysis: Analysis, result: PreviewResult) -> list[str]:
    """Say why values are made up: the missing params file or samples file, by the name to create."""
    notes = []
    stem = Path(analysis.path).name.split(".")[0]
    if not analysis.has_params_file and analysis.kind.holds_requests:
        notes.append(
            f"This connection has no params file ({stem}.params.iml.json beside it), so iml-ls does not know "
            "its parameters: every parameters.* value is undefined."
        )
    if result.samples_path is None and result.placeholders:
        notes.append(
            f"No sample values found: create {stem}.samples.json beside the connection, e.g. "
            '{"parameters": {"clientSecret": "…"}, "common": {}, "data": {}}, to sign with real values.'
        )
    return notes


def render_preview_text(result: PreviewResult, analysis: Analysis) -> str:
    """The human form of a preview, for the terminal and for hovers."""
    lines: list[str] = []
    clock = dt.datetime.fromtimestamp(result.now, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines.append(f"Clock: {clock} ({result.now:.0f} Unix seconds)")
    lines.append(f"Sample values: {result.samples_path or 'none found (params defaults and placeholders)'}")
    if result.placeholders:
        lines.append("Placeholders used (not real values): " + ", ".join(result.placeholders))
    for number, token in enumerate(result.tokens, start=1):
        position = analysis.index.position(token.start, PositionEncoding.UTF32)
        lines.append("")
        lines.append(f"jwt() #{number} at line {position.line + 1}, column {position.character + 1}")
        lines.extend("  " + line for line in token_lines(token, result.now))
    for start, _end, message in result.errors:
        position = analysis.index.position(start, PositionEncoding.UTF32)
        lines.append(f"error at line {position.line + 1}: {message}")
    if not result.tokens:
        lines.append("")
        lines.append("No jwt() call in this file.")
    if result.notes:
        lines.append("")
        lines.extend(result.notes)
    return "\n".join(lines) + "\n"


def _sanitize_paths(request: JsonObject) -> list[list[str]]:
    """The request's ``log.sanitize`` paths (``request.headers.authorization``), split at the dots."""
    log = request.get("log")
    sanitize = log.get("sanitize") if isinstance(log, JsonObject) else None
    if not isinstance(sanitize, JsonArray):
        return []
    return [
        item.value.split(".")[1:]
        for item in sanitize.items
        if isinstance(item, JsonString) and item.value.startswith("request.")
    ]


def _sanitized(parts: dict[str, JsValue], paths: list[list[str]]) -> dict[str, JsValue]:
    """The request with every value a ``log.sanitize`` path names masked, as Make masks it in its
    logs (keys compared without case, as HTTP header names are)."""
    for path in paths:
        value: JsValue = parts
        for step, name in enumerate(path):
            if not isinstance(value, dict):
                break
            key = next((key for key in value if key.lower() == name.lower()), None)
            if key is None:
                break
            if step == len(path) - 1:
                value[key] = MASK
            value = value[key]
    return parts


def token_lines(token: TokenPreview, now: float) -> list[str]:
    if token.hidden:
        return [
            f"algorithm: {token.algorithm}",
            "token: hidden: its header or payload holds a value derived from a secret sample value",
        ]
    if token.token is None:
        return [f"Make would fail: {token.error}"]
    lines = [f"algorithm: {token.algorithm}", f"token ({len(token.token)} characters):", f"  {token.token}"]
    lines.append("header:  " + (stringify(token.header) or ""))
    lines.append("payload: " + (stringify(token.payload, indent=2) or "").replace("\n", "\n  "))
    for claim, text in claim_times(token.payload, now).items():
        lines.append(f"{claim}: {text}")
    if token.placeholders:
        lines.append("placeholders: " + ", ".join(token.placeholders))
    return lines
