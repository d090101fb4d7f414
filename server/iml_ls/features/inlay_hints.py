"""Inlay hints: when ``iat``, ``exp`` and ``nbf`` fall (``exp → in 1 h``), and how long option timespans are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.checks.jwt import TIME_CLAIMS, jwt_calls
from iml_ls.evaluate.environment import ConnectionEvaluation
from iml_ls.evaluate.jsonwebtoken import parse_timespan
from iml_ls.features.preview import describe_time, relative_time
from iml_ls.syntax.json_tree import JsonNumber, JsonString, JsonValue


@dataclass(frozen=True)
class InlayHint:
    offset: int
    label: str
    tooltip: str


def inlay_hints(analysis: Analysis, start: int, end: int, now: float) -> list[InlayHint]:
    hints: list[InlayHint] = []
    evaluation = ConnectionEvaluation(analysis, dt.datetime.fromtimestamp(now, dt.UTC))
    seen: set[int] = set()
    for call in jwt_calls(analysis):
        if call.payload is not None and id(call.payload) not in seen:
            seen.add(id(call.payload))
            evaluator = evaluation.evaluator_at(call.string.path)
            for claim in TIME_CLAIMS:
                member = call.payload.member(claim)
                if member is None or member.value is None or not start <= member.value.end <= end:
                    continue
                value = evaluation.value(member.value, evaluator)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    hints.append(
                        InlayHint(
                            member.value.end, f"{claim} → {relative_time(value - now)}", describe_time(value, now)
                        )
                    )
        if call.options is not None and id(call.options) not in seen:
            seen.add(id(call.options))
            for option in ("expiresIn", "notBefore"):
                member = call.options.member(option)
                if member is not None and member.value is not None and start <= member.value.end <= end:
                    hint = _timespan_hint(option, member.value)
                    if hint is not None:
                        hints.append(hint)
    return sorted(hints, key=lambda h: h.offset)


def _timespan_hint(option: str, value: JsonValue) -> InlayHint | None:
    if isinstance(value, JsonNumber):
        seconds: float | None = float(value.value)
    elif isinstance(value, JsonString) and "{{" not in value.value:
        milliseconds = parse_timespan(value.value)
        seconds = None if milliseconds is None else milliseconds / 1000
    else:
        seconds = None
    if seconds is None:
        return None
    claim = "exp" if option == "expiresIn" else "nbf"
    duration = relative_time(seconds).removeprefix("in ")
    return InlayHint(
        value.end, f"{claim} = iat + {duration}", f"jsonwebtoken adds `{claim}` {seconds:g} s after `iat`."
    )
