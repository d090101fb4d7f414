"""What hover and completion show of a recorded response (see :mod:`iml_ls.evaluate.recorded`):
the value ``body.items`` had, and the keys the recorded body has after ``body.`` or ``item.``."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.evaluate.environment import shared_evaluation
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.recorded import Found, Missing, look_up, masked, recorded_roots, steps_of
from iml_ls.evaluate.values import UNDEFINED, JsValue
from iml_ls.features import markdown
from iml_ls.model.connection import JsonPath
from iml_ls.syntax.iml import Expr

MAX_DETAIL_LENGTH = 60


@dataclass(frozen=True)
class RecordedValue:
    """A value of the recorded response, masked, and a line of Markdown saying where it is from."""

    title: str
    value: JsValue


def recorded_value(analysis: Analysis, path: JsonPath, expr: Expr) -> RecordedValue | None:
    """The recorded value of ``body.…``, ``headers.…``, ``statusCode`` or ``item.…`` at ``path``."""
    found = recorded_roots(analysis, path)
    steps = steps_of(expr)
    if found is None or steps is None or steps[0] not in found[1]:
        return None
    response, roots = found
    root, keys = steps
    source = f"{markdown.text(response.exchange.label)}, status {response.exchange.status}"
    if response.recorded:
        source += f", {markdown.text(response.recorded)}"
    result = look_up(roots[root], keys)
    if isinstance(result, Missing):
        have = ", ".join(markdown.code(key) for key in result.keys[:20])
        return RecordedValue(f"Not in the recorded response ({source}); it has {have} there:", UNDEFINED)
    if not isinstance(result, Found) or not result.values:
        return None
    where = f"; {len(result.values)} of {len(roots[root])} items have it, the first" if root == "item" else ""
    value = _redacted(analysis, masked(result.values[0], keys))
    return RecordedValue(f"Recorded value ({source}{where}):", value)


@dataclass(frozen=True)
class RecordedKey:
    """A key of the recorded response, what to type for it, and its recorded value (shortened)."""

    name: str
    insert_text: str
    detail: str


def recorded_keys(analysis: Analysis, path: JsonPath, member_of: tuple[str, ...]) -> list[RecordedKey]:
    """The keys after ``member_of.`` (``body.``, ``item.data.``) in the recorded response."""
    found = recorded_roots(analysis, path)
    if found is None or member_of[0] not in found[1]:
        return []
    result = look_up(found[1][member_of[0]], member_of[1:])
    if not isinstance(result, Found):
        return []
    keys: dict[str, RecordedKey] = {}
    for value in result.values:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in keys:
                    typed = key if key.isidentifier() else f"`{key}`"  # `x-total` needs its backticks
                    keys[key] = RecordedKey(key, typed, _detail(analysis, masked(item, (*member_of[1:], key))))
    return list(keys.values())


def _detail(analysis: Analysis, value: JsValue) -> str:
    text = stringify(_redacted(analysis, value)) or "undefined"
    return text if len(text) <= MAX_DETAIL_LENGTH else text[: MAX_DETAIL_LENGTH - 1] + "…"


def _redacted(analysis: Analysis, value: JsValue) -> JsValue:
    """The value with every sample secret masked in its texts (a response may echo the API key)."""
    evaluation = shared_evaluation(analysis)
    if isinstance(value, str):
        return evaluation.redact(value)
    if isinstance(value, dict):
        return {evaluation.redact(key): _redacted(analysis, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(analysis, item) for item in value]
    return value
