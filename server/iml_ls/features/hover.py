"""Hover: function documentation, where a variable comes from, evaluated values, the token preview."""

from __future__ import annotations

import re
from dataclasses import dataclass

from iml_ls.analysis import Analysis, ImlString
from iml_ls.evaluate.environment import shared_evaluation
from iml_ls.evaluate.evaluator import placeholder_label
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import EvaluationError, JsValue
from iml_ls.features import markdown
from iml_ls.features.completion import function_documentation, keys_for
from iml_ls.features.cursor import json_cursor
from iml_ls.features.preview import TokenPreview, claim_times, describe_time, preview
from iml_ls.features.recorded import recorded_value
from iml_ls.model.schema import VARIABLES
from iml_ls.syntax.iml import Call, Expr, Literal, Member, Name, Template, member_path, walk_expr

MAX_VALUE_LENGTH = 400
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True)
class Hover:
    markdown: str
    start: int
    end: int


def hover(analysis: Analysis, offset: int, now: float | None = None) -> Hover | None:
    string = analysis.syntax.iml_string_at(offset)
    if string is None:
        return _json_key_hover(analysis, offset)
    for template in string.templates:
        if template.expr is None:
            continue
        nodes = [
            n
            for n in walk_expr(template.expr)
            if string.offset(template, n.start) <= offset <= string.offset(template, n.end)
        ]
        if not nodes:
            continue
        node = nodes[-1] if not isinstance(nodes[-1], Literal) else nodes[0]  # a literal's value is plain to see
        clock = analysis.instant if now is None else now
        return _node_hover(analysis, string, template, node, nodes, offset, clock)
    return None


def _node_hover(
    analysis: Analysis, string: ImlString, template: Template, node: Expr, chain: list[Expr], offset: int, now: float
) -> Hover:
    start, end = string.offset(template, node.start), string.offset(template, node.end)
    call = next(
        (n for n in reversed(chain) if isinstance(n, Call) and string.offset(template, n.name_end) >= offset), None
    )
    if call is not None:
        return Hover(
            _call_markdown(analysis, call, string.offset(template, call.start), now),
            string.offset(template, call.start),
            string.offset(template, call.name_end),
        )
    member = next((n for n in reversed(chain) if isinstance(n, Member | Name)), None)
    sections: list[str] = []
    if member is not None:
        sections.append(_variable_markdown(analysis, member))
        start, end = string.offset(template, member.start), string.offset(template, member.end)
        node = member
    value = _evaluate(analysis, string, node, now)
    if value is not None:
        sections.append(value)
    return Hover("\n\n---\n\n".join(s for s in sections if s), start, end)


def _call_markdown(analysis: Analysis, call: Call, call_start: int, now: float) -> str:
    function = FUNCTIONS.get(call.name)
    app = analysis.related.app
    custom = dict(app.functions) if app is not None else {}
    if function is None and call.name in custom:
        count = custom[call.name]
        return (
            f"`{call.name}` — a custom IML function of this app ({count} argument{'s' if count != 1 else ''}), "
            f"written in JavaScript in `functions/`."
        )
    if function is None:
        return f"`{call.name}` is not an IML function."
    if call.name != "jwt":
        return function_documentation(function)
    # Token first and once, as plain text (not coloured as IML), then its parts; one line of reference
    # last, so the hover stays short enough for small hover boxes and Emacs's echo area.
    tokens = preview(analysis, now=now, at=call_start, with_requests=False).tokens
    parts = [_token_markdown(token, now) for token in tokens]
    parts.append(f"`{function.signature()} → {function.returns}`: {function.summary}")
    return "\n\n".join(parts)


def _token_markdown(token: TokenPreview, now: float) -> str:
    """One token: the token itself first, as plain text, then its header and payload and the times."""
    if token.token is None:
        return f"**Make would fail to sign this token:** {markdown.text(token.error or '')}"
    if token.hidden:
        return f"**Token** ({markdown.text(token.algorithm or '')}): *(hidden: its header or payload holds a secret)*"
    lines = [
        f"**Token** ({markdown.text(token.algorithm or '')}, {len(token.token)} characters)",
        markdown.code_block(token.token, "text"),
        "Header and payload:",
        markdown.code_block(f"{stringify(token.header) or ''}\n{stringify(token.payload) or ''}", "json"),
    ]
    lines += [f"{claim}: {text}  " for claim, text in claim_times(token.payload, now).items()]  # iml-ls's own words
    if token.placeholders:
        lines.append("placeholders: " + ", ".join(map(markdown.code, token.placeholders)))
    return "\n".join(lines)


def _variable_markdown(analysis: Analysis, expr: Expr) -> str:
    path = member_path(expr)
    if path is None:
        return ""
    root = path[0]
    spec = VARIABLES.get(root)
    if len(path) == 1:
        return f"`{root}` — {spec.description}" if spec else ""
    key = path[1]
    if root == "parameters":
        parameter = next((p for p in analysis.parameters if p.name == key), None)
        if parameter is None:
            return f"{markdown.code('parameters.' + key)} is not declared in the params file."
        required = "a required" if parameter.required else "an optional"
        label = markdown.text(parameter.label or key)
        return (
            f"{markdown.code('parameters.' + key)} — **{label}**, {required} {markdown.code(parameter.type)} "
            "parameter of the params file."
        )
    app = analysis.related.app
    fields = {"connection": app.connection_fields, "webhook": app.webhook_fields} if app is not None else {}
    if root in fields and fields[root] is not None:
        what = dict(fields[root] or ()).get(key)
        shown = markdown.code(_shown_path(path))
        return f"{shown} — {markdown.text(what)}." if what else f"{shown} is neither a parameter nor a saved value."
    if root == "temp":
        definitions = analysis.temps.get(key, [])
        if not definitions:
            return f"{markdown.code('temp.' + key)} is not defined by any `temp` directive."
        where = ", ".join("`response.temp`" if d.in_response else "the request's `temp`" for d in definitions)
        return f"{markdown.code('temp.' + key)} — defined in {where}."
    return f"{markdown.code(_shown_path(path))} — {spec.description}" if spec else ""


def _shown_path(path: tuple[str, ...]) -> str:
    """A member path as it is written: names that are not identifiers keep their backticks
    (``headers.`retry-after` ``)."""
    return ".".join(step if _IDENTIFIER.fullmatch(step) else f"`{step}`" for step in path)


def _evaluate(analysis: Analysis, string: ImlString, expr: Expr, now: float) -> str | None:
    if analysis.in_response(string.path) or not analysis.kind.holds_requests:
        recorded = recorded_value(analysis, string.path, expr)
        return None if recorded is None else f"{recorded.title}\n{markdown.code_block(_show(recorded.value))}"
    evaluation = shared_evaluation(analysis, now)
    evaluator = evaluation.evaluator_at(string.path)
    try:
        value = evaluator.evaluate(expr)
    except EvaluationError as error:
        return f"Evaluates to an error: {markdown.text(evaluation.message_of(error))}"
    if evaluator.used_secrets - evaluation.samples.placeholders:
        return "Sample value: *(hidden: a secret, or derived from one)*"
    made_up = ", ".join(map(markdown.code, sorted(map(placeholder_label, evaluator.used_placeholders))))
    note = f" *(placeholder, not a real value: {made_up})*" if made_up else ""
    when = ""
    if isinstance(value, int | float) and not isinstance(value, bool) and 1e9 <= value <= 1e10:
        when = f"\n\nAs a date: {describe_time(value, now)}"
    return f"Value:{note}\n{markdown.code_block(_show(value))}{when}"


def _show(value: JsValue) -> str:
    text = stringify(value)
    text = "undefined" if text is None else text
    return text if len(text) <= MAX_VALUE_LENGTH else text[:MAX_VALUE_LENGTH] + "…"


def _json_key_hover(analysis: Analysis, offset: int) -> Hover | None:

    cursor = json_cursor(analysis.root, offset)
    if cursor is None or cursor.member is None or not cursor.in_key:
        return None
    specs = keys_for(analysis, cursor)
    spec = specs.get(cursor.member.key.value) if specs else None
    if spec is None:
        return None
    text = f"`{spec.name}` — {spec.description}"
    if spec.enum:
        text += "\n\nOne of: " + ", ".join(f"`{v}`" for v in spec.enum)
    return Hover(text, cursor.member.key.start, cursor.member.key.end)
