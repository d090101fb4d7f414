"""Keys the recorded response does not have (IML208): ``output`` mapping ``item.created_at`` where
the recorded items have ``createdAt``.

A recording is one response, so the rule keeps to what it proves. It reports only in a request
that has a recording, a successful JSON one, and only in directives that map the data (``output``,
``iterate``, ``data``, ``temp``, ``trigger``…), never in ``valid``, ``error`` or ``pagination``,
which read keys of other responses (an error body, the last page). A key counts as there when any
object at that place has it (items need not all have it); where the recorded value is no object
(text, a number, null, an empty array) nothing is said. A read that tests whether the key is
there (``ifempty(body.x, …)``, ``if(item.x, …)``, ``body.x || …``, ``!body.x``) is never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from iml_ls.analysis import Analysis, ImlString, Scope
from iml_ls.checks.diagnostic import Diagnostic, diagnostic
from iml_ls.checks.names import nearest, suggest
from iml_ls.evaluate.recorded import Missing, Roots, Step, look_up, recorded_roots, steps_of
from iml_ls.syntax.iml import Binary, Call, Expr, Index, Member, Name, Template, Unary, walk_expr

MAPPING_DIRECTIVES = frozenset({"output", "iterate", "data", "temp", "trigger", "uid", "metadata", "expires", "limit"})
"""The ``response`` directives whose reads are checked against the recording."""
PRESENCE_TESTS = frozenset({"if", "ifempty", "switch", "contains", "equal", "isArray"})
"""Functions whose arguments are often keys that are only sometimes there."""
TESTING_OPERATORS = frozenset({"||", "&&", "|", "&", "==", "!=", "=", "!", "<", ">", "<=", ">="})
MAX_KEYS_SHOWN = 12


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    if analysis.related.recording is None or not scope.requests:
        return
    request = scope.requests[0]
    for string in scope.strings:
        rest = string.path[len(request.path) :]
        if rest[:1] != ("response",) or len(rest) < 2 or rest[1] not in MAPPING_DIRECTIVES:
            continue
        if rest[1:3] == ("iterate", "condition"):  # a filter: it may well test for a key few items have
            continue
        found = recorded_roots(analysis, string.path)
        if found is None:
            continue
        response, roots = found
        if not response.parsed or not 200 <= response.exchange.status <= 299:
            continue
        for template in string.templates:
            if template.expr is not None:
                yield from _check_template(analysis, string, template, roots, response.exchange.label)


def _check_template(
    analysis: Analysis, string: ImlString, template: Template, roots: Roots, label: str
) -> Iterator[Diagnostic]:
    assert template.expr is not None
    tested = _tested(template.expr)
    inner = {id(node.object) for node in walk_expr(template.expr) if isinstance(node, Member | Index)}
    for node in walk_expr(template.expr):
        if not isinstance(node, Member | Index) or id(node) in inner or id(node) in tested:
            continue
        steps = steps_of(node)
        if steps is None or steps[0] not in ("body", "item") or steps[0] not in roots:
            continue
        missing = look_up(roots[steps[0]], steps[1])
        if isinstance(missing, Missing):
            yield _diagnostic(analysis, string, template, _chain(node), steps[1][missing.depth], missing, label)


def _tested(expr: Expr) -> set[int]:
    """The nodes inside a presence test (see the module's docstring), by identity."""
    tested: set[int] = set()
    for node in walk_expr(expr):
        if isinstance(node, Call) and node.name in PRESENCE_TESTS:
            tested |= {id(inner) for arg in node.args for inner in walk_expr(arg)}
        elif isinstance(node, Unary | Binary) and node.op in TESTING_OPERATORS:
            tested |= {id(inner) for inner in walk_expr(node)} - {id(node)}
    return tested


def _chain(node: Member | Index) -> list[Expr]:
    """The chain's nodes from the variable out: ``body``, ``body.a``, ``body.a.b``."""
    nodes: list[Expr] = []
    current: Expr = node
    while isinstance(current, Member | Index):
        nodes.append(current)
        current = current.object
    nodes.append(current)
    return nodes[::-1]


def _diagnostic(
    analysis: Analysis,
    string: ImlString,
    template: Template,
    chain: list[Expr],
    key: Step,
    missing: Missing,
    label: str,
) -> Diagnostic:
    step, owner = chain[missing.depth + 1], chain[missing.depth]
    assert isinstance(step, Member | Index)
    start, end = (step.name_start, step.end) if isinstance(step, Member) else (step.index.start, step.index.end)
    start, end = string.offset(template, start), string.offset(template, end)
    name = str(key)
    keys = list(missing.keys)
    has = ", ".join(f"`{known}`" for known in keys[:MAX_KEYS_SHOWN]) + (", …" if len(keys) > MAX_KEYS_SHOWN else "")
    plain = isinstance(step, Member) and name.isidentifier()  # a fix retypes a plain name only
    found = suggest(analysis, name, [k for k in keys if k.isidentifier()] if plain else [], start, end)
    hint = found.hint
    if found.name is None and (closest := nearest(name, keys)) is not None:
        hint = f" The closest it has is `{closest}`."
    if isinstance(owner, Name) and owner.name == "item":
        said = f"no recorded item has `{name}`" + (f" (they have {has})" if has else "")
    else:
        where = analysis.text[string.offset(template, owner.start) : string.offset(template, owner.end)]
        said = f"`{where}` has no `{name}`" + (f" (it has {has})" if has else " (it is empty)")
    message = (
        f"In the recorded response{'' if label == 'request' else f' ({label})'}, {said}.{hint} "
        f"If the API sends `{name}` only sometimes, read it with `ifempty()`."
    )
    return diagnostic("key-not-in-recording", start, end, message, *found.fixes)
