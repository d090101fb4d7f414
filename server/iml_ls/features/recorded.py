"""What hover and completion show of a recorded response (see :mod:`iml_ls.evaluate.recorded`):
the value ``body.items`` had, and the keys the recorded body has after ``body.`` or ``item.``."""

from __future__ import annotations

from dataclasses import dataclass

from iml_ls.analysis import Analysis
from iml_ls.evaluate.environment import MASK, is_secret_like, secret_looking, shared_evaluation
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.recorded import Found, Missing, Step, look_up, recorded_roots, steps_of
from iml_ls.evaluate.values import UNDEFINED, JsValue
from iml_ls.features import markdown
from iml_ls.model.connection import JsonPath
from iml_ls.syntax.iml import Expr

MAX_DETAIL_LENGTH = 60
_REDACTION_MARGIN = 64
"""Characters past the shown start of a text that are redacted with it (a secret cut off at the end
is still recognised by its start)."""


@dataclass(frozen=True)
class RecordedValue:
    """A value of the recorded response, masked, and a line of Markdown saying where it is from."""

    title: str
    value: JsValue


def recorded_value(analysis: Analysis, path: JsonPath, expr: Expr, length: int) -> RecordedValue | None:
    """The recorded value of ``body.…``, ``headers.…``, ``statusCode`` or ``item.…`` at ``path``
    (about ``length`` characters of it, once written as JSON)."""
    found = recorded_roots(analysis, path)
    steps = steps_of(expr)
    if found is None or steps is None or steps[0] not in found[1]:
        return None
    response, roots = found
    root, keys = steps
    label = response.exchange.label
    source = (
        f"{markdown.text(label)}, status {response.exchange.status}" if label else f"status {response.exchange.status}"
    )
    if response.recorded:
        source += f", {markdown.text(response.recorded)}"
    result = look_up(roots[root], keys)
    if isinstance(result, Missing):
        have = ", ".join(markdown.code(key) for key in result.keys[:20])
        return RecordedValue(f"Not in the recorded response ({source}); it has {have} there:", UNDEFINED)
    if not isinstance(result, Found) or not result.values:
        return None
    where = "" if root != "item" else _among_items(len(result.values), len(roots[root]))
    value = _shown(analysis, result.values[0], keys, length)
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
                    shown = _shown(analysis, item, (*member_of[1:], key), MAX_DETAIL_LENGTH)
                    keys[key] = RecordedKey(key, typed, _detail(shown))
    return list(keys.values())


def _among_items(having: int, items: int) -> str:
    """Which item's value a hover on ``item.x`` shows: ``the only item``, ``the first of 3 items``…"""
    if items == 1:
        return "; the only item"
    if having == items:
        return f"; the first of {items} items"
    return f"; {having} of {items} items have it, the first"


def _detail(value: JsValue) -> str:
    text = stringify(value) or "undefined"
    return text if len(text) <= MAX_DETAIL_LENGTH else text[: MAX_DETAIL_LENGTH - 1] + "…"


def _shown(analysis: Analysis, value: JsValue, path: tuple[Step, ...], length: int) -> JsValue:
    """The start of a recorded value fit to show, about ``length`` characters of it as JSON (more when
    it is cut, so that whoever shows it sees the cut: writing a 4 MB body for a hover would take
    seconds). A value under a key named like a secret (``access_token``, ``set-cookie``) or that
    looks like a token or a key is :data:`MASK`, and so is every sample secret in a text (a
    response may echo the API key)."""
    if any(isinstance(step, str) and secret_looking(step) for step in path):
        return MASK
    if isinstance(value, str):
        if is_secret_like("", value):
            return MASK
        return shared_evaluation(analysis).redact(value[: length + _REDACTION_MARGIN])[: length + 1]
    if not isinstance(value, list | dict):
        return value
    kept: list[JsValue] = []
    members: dict[str, JsValue] = {}
    used = 0
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if used > length:
            break
        if isinstance(key, str):
            part = MASK if secret_looking(key) else _shown(analysis, item, (), length - used)
            members[shared_evaluation(analysis).redact(key)] = part
            used += len(key) + 4
        else:
            part = _shown(analysis, item, (), length - used)
            kept.append(part)
        used += len(stringify(part) or "") + 1
    return members if isinstance(value, dict) else kept
