"""Evaluation with the sample values: IML501 evaluation-error, IML502 evaluation-limit, IML503 sample-file-tracked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from iml_ls.analysis import Analysis, ImlString, Scope
from iml_ls.checks.diagnostic import Diagnostic, diagnostic
from iml_ls.evaluate.environment import ConnectionEvaluation, shared_evaluation
from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.jsonwebtoken import JwtSignError
from iml_ls.evaluate.values import EvaluationError, EvaluationLimitError
from iml_ls.syntax.iml import Call, Expr, Template, unsupported_syntax, walk_expr
from iml_ls.syntax.json_tree import JsonLiteral, JsonObject

MAX_EVALUATED_STRINGS = 400
"""Evaluate at most this many strings per request (and outside requests), so no request can stall typing."""


class Known(Protocol):
    """What earlier versions found evaluating strings of the same text, where that still holds."""

    def evaluated(self, string: ImlString, path: str) -> list[Diagnostic] | None: ...

    def keep_evaluated(self, string: ImlString, found: list[Diagnostic], path: str) -> None: ...


def check(analysis: Analysis, scope: Scope, known: Known | None = None) -> Iterator[Diagnostic]:
    if not analysis.kind.holds_requests:
        return
    if scope.file_level:
        yield from _tracked_samples(analysis)
    evaluation = shared_evaluation(analysis)
    evaluated = 0
    for string in scope.strings:
        if evaluated >= MAX_EVALUATED_STRINGS:
            return
        if "(" not in string.node.value:  # no call without its parenthesis: nothing to walk
            continue
        if analysis.in_response(string.path) or not _calls_functions(string.templates):
            continue
        evaluated += 1
        kept = known.evaluated(string, analysis.path) if known is not None else None
        if kept is not None:
            yield from kept
            continue
        found = list(_string_failures(evaluation, string))
        yield from found
        if any(item.rule.name == "evaluation-limit" for item in found):
            return  # the budget is spent: evaluating more would only repeat this
        if known is not None:
            known.keep_evaluated(string, found, analysis.path)


def _string_failures(evaluation: ConnectionEvaluation, string: ImlString) -> Iterator[Diagnostic]:
    """How the expressions of one string fail with the sample values, up to the first limit reached."""
    evaluator = evaluation.evaluator_at(string.path)
    for template in string.templates:
        if template.expr is None or _is_jwt_error(template.expr) or not _known_calls(template.expr):
            continue
        start, end = string.offset(template, 0), string.offset(template, len(template.source))
        found = list(failures(evaluation, evaluator, template.expr, start, end))
        yield from found
        if any(item.rule.name == "evaluation-limit" for item in found):
            return


def failures(
    evaluation: ConnectionEvaluation,
    evaluator: Evaluator,
    expr: Expr,
    start: int,
    end: int,
    already_reported: Callable[[JwtSignError], bool] = lambda error: False,
) -> Iterator[Diagnostic]:
    """Evaluate ``expr`` and report how it fails, if it does (secrets never appear in the message).
    Forms IML lacks (``a and b``, ``['a']``) are reported by IML110/IML112, not again here."""
    if unsupported_syntax(expr) is not None:
        return
    try:
        evaluator.evaluate(expr)
    except EvaluationLimitError as error:
        yield diagnostic("evaluation-limit", start, end, f"Evaluation limit reached: {error}")
    except JwtSignError as error:
        if not evaluator.used_placeholders and not already_reported(error):
            message = f"Make would fail to sign this token: {evaluation.message_of(error)}"
            yield diagnostic("jwt-sign-error", start, end, message)
    except EvaluationError as error:
        if not evaluator.used_placeholders:
            message = f"This fails with the sample values: {evaluation.message_of(error)}"
            yield diagnostic("evaluation-error", start, end, message)


def _calls_functions(templates: tuple[Template, ...]) -> bool:
    return any(
        template.expr is not None and any(isinstance(node, Call) for node in walk_expr(template.expr))
        for template in templates
    )


def _known_calls(expr: Expr) -> bool:
    """Calls to unknown functions are reported by IML101, not again as evaluation errors."""
    return all(node.name in FUNCTIONS for node in walk_expr(expr) if isinstance(node, Call))


def _is_jwt_error(expr: object) -> bool:
    """jwt() failures are reported by the jwt rules (with the call's own range)."""
    return isinstance(expr, Call) and expr.name == "jwt"


def _declares_demo_values(samples: Analysis) -> bool:
    """A samples file with ``"demo": true`` says its values are made up (the example apps' files)."""
    root = samples.root
    demo = root.get("demo") if isinstance(root, JsonObject) else None
    return isinstance(demo, JsonLiteral) and demo.value is True


def _tracked_samples(analysis: Analysis) -> Iterator[Diagnostic]:
    related = analysis.related
    if related.samples is None or not related.samples_tracked_by_git or related.samples_path is None:
        return
    samples = shared_evaluation(analysis).samples
    held = {(root, key) for root, keys in samples.secret_keys.items() for key in keys} - samples.placeholders
    if not held or _declares_demo_values(related.samples):
        return
    first_line_end = analysis.index.line_end(0)
    name = Path(related.samples_path).name
    yield diagnostic(
        "sample-file-tracked",
        0,
        first_line_end,
        f"The sample values file `{name}` holds secrets and is tracked by git; "
        f"remove it from the repository (`git rm --cached {name}`) and add it to `.gitignore`.",
    )
