"""Inlay hints: when the time claims of a ``jwt()`` payload fall (``exp → 2025-11-28 23:50 UTC (in 1 h)``).

After ``iat``, ``exp`` and ``nbf`` in the payload, the hint shows the evaluated value; after
``expiresIn`` and ``notBefore`` in the options, the claim jsonwebtoken adds from them (``iat`` plus the
timespan). The tooltip gives the absolute UTC time. A hint appears only when the value can be
evaluated to a number; anything else is the diagnostics' business.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import CLAIM_FOR_OPTION, TIME_CLAIMS, JwtCall, jwt_calls
from iml_ls.evaluate.environment import ConnectionEvaluation, shared_evaluation
from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.jsonwebtoken import parse_timespan
from iml_ls.evaluate.values import JsValue
from iml_ls.features.preview import describe_time, relative_time
from iml_ls.syntax.json_tree import JsonMember, JsonObject

TIME_OPTIONS = ("expiresIn", "notBefore")


@dataclass(frozen=True)
class InlayHint:
    offset: int
    """Where the hint is drawn: just after the value."""
    label: str
    tooltip: str


def inlay_hints(analysis: Analysis, start: int, end: int, now: float | None = None) -> list[InlayHint]:
    """The hints whose place lies in ``start``-``end``, at the clock ``now`` (Unix seconds; by default
    the instant the diagnostics evaluate at, so hints and diagnostics agree and share their work)."""
    now = analysis.instant if now is None else now
    evaluation = shared_evaluation(analysis, now)
    hints: dict[int, InlayHint] = {}  # by offset: a payload shared by two calls gets one hint per claim
    for call in jwt_calls(analysis):
        evaluator = evaluation.evaluator_at(call.string.path)
        for member, seconds, tooltip_prefix in _times(call, evaluation, evaluator, now):
            assert member.value is not None
            offset = member.value.end
            if start <= offset <= end and offset not in hints:
                claim = CLAIM_FOR_OPTION.get(member.key.value, member.key.value)
                hints[offset] = InlayHint(
                    offset, f"{claim} → {hint_time(seconds, now)}", tooltip_prefix + describe_time(seconds, now)
                )
    return sorted(hints.values(), key=lambda hint: hint.offset)


def hint_time(seconds: float, now: float) -> str:
    """``2025-11-28 23:50 UTC``, with ``(in 1 h)`` when it is within a day of now."""
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return describe_time(seconds, now)
    return f"{moment} ({relative_time(seconds - now)})" if abs(seconds - now) < 86400 else moment


def _times(
    call: JwtCall, evaluation: ConnectionEvaluation, evaluator: Evaluator, now: float
) -> list[tuple[JsonMember, float, str]]:
    """The time members of a call's payload and options, each with the Unix time it stands for."""
    found: list[tuple[JsonMember, float, str]] = []
    payload = _members(call.payload, TIME_CLAIMS)
    claims = {
        member.key.value: _seconds(evaluation.value(member.value, evaluator, hide_secrets=True)) for member in payload
    }
    found += [(member, seconds, "") for member in payload if (seconds := claims[member.key.value]) is not None]
    # jsonwebtoken: exp and nbf count from payload.iat when it is a non-zero number, else from the clock
    issued = claims.get("iat") or float(math.floor(now))
    for member in _members(call.options, TIME_OPTIONS):
        span = _timespan_seconds(evaluation.value(member.value, evaluator, hide_secrets=True))
        if span is not None:
            claim = CLAIM_FOR_OPTION[member.key.value]
            found.append((member, issued + span, f"jsonwebtoken adds {claim} = iat + {span:g} s: "))
    return found


def _members(node: JsonObject | None, keys: tuple[str, ...]) -> list[JsonMember]:
    if node is None:
        return []
    return [member for member in node.members if member.key.value in keys and member.value is not None]


def _seconds(value: JsValue) -> float | None:
    """A finite number as seconds; anything else (text, NaN, Infinity) has no time to show."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _timespan_seconds(value: JsValue) -> float | None:
    """An ``expiresIn``/``notBefore`` value in seconds: a number, or a timespan text like ``"1h"``."""
    if isinstance(value, str):
        milliseconds = parse_timespan(value)
        return None if milliseconds is None else milliseconds / 1000
    return _seconds(value)
