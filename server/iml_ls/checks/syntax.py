"""IML001 json-syntax, IML002 trailing-comma, IML003 iml-syntax."""

from __future__ import annotations

from collections.abc import Iterator

from iml_ls.analysis import MAX_ANALYSED_CHARACTERS, Analysis, ImlString, Scope
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic
from iml_ls.syntax.json_tree import MAX_JSON_TOKENS, MAX_TOP_LEVEL_ENTRIES


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    if scope.file_level:
        yield from _json(analysis)
    for string in scope.strings:
        yield from check_string(string)


def check_string(string: ImlString) -> Iterator[Diagnostic]:
    """The IML syntax errors of one string: a function of its source text alone."""
    for template in string.templates:
        error = template.error
        if error is None:
            continue
        start = string.offset(template, error.start)
        end = string.offset(template, error.end)
        if not template.closed:
            start = string.node.source_offset(template.start)
            end = string.node.source_offset(template.start + 2)
        yield diagnostic("iml-syntax", start, end, error.message)


def _json(analysis: Analysis) -> Iterator[Diagnostic]:
    if analysis.syntax.too_large:
        megabytes = len(analysis.text) / 1_000_000
        message = (
            f"Evaluation limit reached: this file has {megabytes:.1f} million characters; iml-ls analyses files "
            f"up to {MAX_ANALYSED_CHARACTERS // 1_000_000} million characters, {MAX_JSON_TOKENS:,} JSON tokens "
            f"and {MAX_TOP_LEVEL_ENTRIES:,} requests. Split it into smaller files."
        )
        yield diagnostic("evaluation-limit", 0, analysis.index.line_end(0), message)
        return
    for problem in analysis.syntax.json.problems:
        if problem.trailing_comma:
            remove = Fix(
                "Remove the trailing comma", (TextEdit(analysis.path, problem.start, problem.end, ""),), safe=True
            )
            yield diagnostic("trailing-comma", problem.start, problem.end, problem.message, remove)
        else:
            yield diagnostic("json-syntax", problem.start, problem.end, problem.message)
