"""Names in expressions: functions (IML101, IML102), variables (IML103, IML203), parameters (IML201), temp (IML202)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, ImlString, Scope
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic
from iml_ls.checks.expressions import hyphenated_name_parts
from iml_ls.checks.suggestions import typo_of
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.model.app import RPC_PREFIX, rpc_name
from iml_ls.model.connection import FileKind, Request
from iml_ls.model.schema import OAUTH_STAGES_WITH_CONNECTION, VARIABLES, Context
from iml_ls.syntax.iml import Call, Member, Name, Template, member_path, walk_expr
from iml_ls.syntax.json_tree import JsonArray, JsonString, JsonValue, walk

UNDOCUMENTED_SHORT_CALLS = frozenset({("if", 2)})
"""Calls with fewer arguments than Make documents, common in public apps, whose result Make does not
document: a warning (IML116), not the error of a wrong argument count (IML102)."""


def nearest(name: str, candidates: list[str]) -> str | None:
    """The closest known name to a misspelt one, case-insensitively first."""
    by_case = [candidate for candidate in candidates if candidate.lower() == name.lower()]
    if by_case:
        return by_case[0]
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Suggestion:
    """The nearest known name for a misspelt one: a hint for the message and the fix that applies it."""

    name: str | None
    hint: str
    fixes: tuple[Fix, ...]


def suggest(
    analysis: Analysis,
    typed: str,
    known: Iterable[str],
    start: int,
    end: int,
    *,
    quoted: bool = False,
    otherwise: str = "",
) -> Suggestion:
    """Suggest the nearest of ``known`` for ``typed`` at ``[start, end)`` (``quoted`` for JSON strings)."""
    name = typo_of(typed, sorted(known))  # only a typo: never another real name that looks alike
    if name is None:
        return Suggestion(None, otherwise, ())
    replacement = json.dumps(name) if quoted else name
    fix = Fix(
        f"Change to `{name}`", (TextEdit(analysis.path, start, end, replacement),), safe=name.lower() == typed.lower()
    )
    return Suggestion(name, f" Did you mean `{name}`?", (fix,))


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    if scope.file_level and analysis.kind is FileKind.PARAMS and analysis.related.app is not None:
        yield from _check_rpcs(analysis, analysis.root, analysis.related.app.rpc_names)
    for string in scope.strings:
        request = analysis.request_at(string.path)
        yield from check_string(analysis, string, request, analysis.in_response(string.path))


def check_string(
    analysis: Analysis, string: ImlString, request: Request | None, in_response: bool
) -> Iterator[Diagnostic]:
    """The names of one string, in the ``request`` that holds it: besides these, they depend on the
    file's kind and vocabulary, its parameter files, the app's facts and the file's ``temp`` keys."""
    for template in string.templates:
        if template.expr is None:
            continue
        hyphenated = hyphenated_name_parts(template)  # reported by IML111 instead
        for node in walk_expr(template.expr):
            if isinstance(node, Call):
                yield from _check_call(analysis, string, template, node)
            elif isinstance(node, Name) and node.start not in hyphenated:
                yield from _check_variable(analysis, string, template, node, request, in_response)
            elif isinstance(node, Member) and isinstance(node.object, Name) and node.name_start not in hyphenated:
                yield from _check_member(analysis, string, template, node)


def _check_call(analysis: Analysis, string: ImlString, template: Template, call: Call) -> Iterator[Diagnostic]:
    start, name_end = string.offset(template, call.start), string.offset(template, call.name_end)
    function = FUNCTIONS.get(call.name)
    app = analysis.related.app
    if function is None and app is not None and call.name in app.function_names:
        return
    if function is None:
        custom = app.function_names if app is not None else frozenset()
        known = [name for name, spec in FUNCTIONS.items() if not spec.not_in_make]
        found = suggest(analysis, call.name, [*known, *custom], start, name_end)
        message = f"IML has no function `{call.name}`.{found.hint}"
        yield diagnostic("unknown-function", start, name_end, message, *found.fixes)
        return
    count = len(call.args)
    if (call.name, count) in UNDOCUMENTED_SHORT_CALLS:
        yield diagnostic(
            "if-without-else",
            start,
            string.offset(template, call.end),
            f"`{call.name}` is given no else value: Make documents `{function.signature()}`, and what a false "
            "condition gives without one is not documented. Write the value you expect, e.g. `if(x, 'yes', '')`.",
        )
        return
    too_few = count < function.min_args
    too_many = function.max_args is not None and count > function.max_args
    if too_few or too_many:
        expected = (
            f"{function.min_args}"
            if function.max_args == function.min_args
            else f"at least {function.min_args}"
            if function.max_args is None
            else f"{function.min_args} to {function.max_args}"
        )
        yield diagnostic(
            "wrong-argument-count",
            start,
            string.offset(template, call.end),
            f"`{call.name}` takes {expected} argument{'s' if expected != '1' else ''} but is given {count}: "
            f"`{function.signature()}`.",
        )


def _check_variable(
    analysis: Analysis, string: ImlString, template: Template, name: Name, request: Request | None, in_response: bool
) -> Iterator[Diagnostic]:
    start, end = string.offset(template, name.start), string.offset(template, name.end)
    spec = VARIABLES.get(name.name)
    context = analysis.context
    if spec is None:
        found = suggest(analysis, name.name, VARIABLES, start, end)
        message = f"`{name.name}` is not an IML variable.{found.hint}"
        yield diagnostic("unknown-variable", start, end, message, *found.fixes)
    elif name.name == "connection" and context in (Context.CONNECTION, Context.OAUTH):
        if context is Context.OAUTH and request is not None and request.stage in OAUTH_STAGES_WITH_CONNECTION:
            return
        yield diagnostic(
            "variable-out-of-scope",
            start,
            end,
            "Inside a connection, `connection.*` is not set yet: read what the user entered as "
            "`parameters.<name>` and what an earlier stage saved as `data.<key>`.",
        )
    elif not spec.available(context, in_response):
        if context in spec.contexts:
            yield diagnostic(
                "variable-out-of-scope",
                start,
                end,
                f"`{name.name}` (the HTTP response's {name.name}) exists only inside `response` and "
                "`pagination`; the request has not been sent yet here.",
            )
        else:
            yield diagnostic(
                "variable-out-of-scope",
                start,
                end,
                f"`{name.name}` does not exist in {context.value}: "
                f"{spec.description[:1].lower()}{spec.description[1:]}",
            )


def _check_member(analysis: Analysis, string: ImlString, template: Template, member: Member) -> Iterator[Diagnostic]:
    path = member_path(member)
    if path is None or len(path) != 2:
        return
    root, key = path
    start = string.offset(template, member.name_start)
    end = string.offset(template, member.end)
    app = analysis.related.app
    if root == "parameters" and analysis.parameters_known:
        declared = [parameter.name for parameter in analysis.parameters]
        if key in declared or key in ("accountName", "teamID"):
            return
        where = "the module's parameters" if analysis.related.mappable is not None else "the params file"
        found = suggest(analysis, key, declared, start, end, otherwise=f" Declare it in {where}.")
        declare = _declare_parameter_fix(analysis, key)
        fixes = (*found.fixes, *((declare,) if declare is not None else ()))
        verb = "declare" if analysis.related.mappable is not None else "declares"
        message = f"{where[:1].upper()}{where[1:]} {verb} no parameter `{key}`.{found.hint}"
        yield diagnostic("unknown-parameter", start, end, message, *fixes)
    elif (
        root == "connection" and app is not None and app.connection_keys is not None and key not in app.connection_keys
    ):
        found = suggest(analysis, key, app.connection_keys, start, end)
        message = (
            f"The connection {app.connection} has no parameter `{key}` and saves no `{key}` in `response.data`."
            f"{found.hint}"
        )
        yield diagnostic("unknown-connection-value", start, end, message, *found.fixes)
    elif root == "webhook" and app is not None and app.webhook_keys is not None and key not in app.webhook_keys:
        found = suggest(analysis, key, app.webhook_keys, start, end)
        message = (
            f"The webhook's attach saves no `{key}` in `response.data`, and it is no webhook parameter.{found.hint}"
        )
        yield diagnostic("unknown-webhook-value", start, end, message, *found.fixes)
    elif root == "oauth" and key == "redirectUri":
        yield diagnostic(
            "legacy-redirect-uri",
            start,
            end,
            "`oauth.redirectUri` is the legacy callback on integromat.com; use `oauth.localRedirectUri` "
            "(`https://www.make.com/oauth/cb/app`, as Make's review asks) and register it with the service.",
        )
    elif root == "temp" and analysis.kind.holds_requests and key not in analysis.temp_keys:
        found = suggest(analysis, key, analysis.temp_keys, start, end, otherwise=" Define it in a `temp` directive.")
        message = f"No `temp` directive defines `{key}`.{found.hint}"
        yield diagnostic("unknown-temp", start, end, message, *found.fixes)


def _declare_parameter_fix(analysis: Analysis, name: str) -> Fix | None:
    """Append ``{"name": …, "type": "text", …}`` to the params file's array."""
    params = analysis.related.params
    if params is None or not isinstance(params.root, JsonArray):
        return None
    array = params.root
    declaration = json.dumps({"name": name, "type": "text", "label": name, "required": True})
    if array.items:
        last = array.items[-1]
        line = params.index.line_of(last.start)
        indent = params.text[params.index.line_start(line) : last.start]
        indent = indent if not indent.strip() else "    "
        edit = TextEdit(params.path, last.end, last.end, f",\n{indent}{declaration}")
    else:
        edit = TextEdit(params.path, array.start + 1, array.end - 1, f"\n    {declaration}\n")
    return Fix(f"Declare `{name}` in {params.path.rsplit('/', 1)[-1]}", (edit,), preferred=False)


def _check_rpcs(analysis: Analysis, root: JsonValue | None, rpcs: frozenset[str]) -> Iterator[Diagnostic]:
    """``"rpc://name"`` in parameter files names an RPC of the app."""
    for value in walk(root):
        name = rpc_name(value.value) if isinstance(value, JsonString) else None
        if isinstance(value, JsonString) and name is not None and name not in rpcs:
            start, end = value.source_offset(len(RPC_PREFIX)), value.source_offset(len(RPC_PREFIX) + len(name))
            found = suggest(analysis, name, rpcs, start, end, otherwise=" Add it under `rpcs/`.")
            yield diagnostic("unknown-rpc", start, end, f"The app has no RPC `{name}`.{found.hint}", *found.fixes)
