"""IML001 json-syntax, IML002 trailing-comma, IML003 iml-syntax."""

from __future__ import annotations

from collections.abc import Iterator

from iml_ls.analysis import Analysis
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic


def check(analysis: Analysis) -> Iterator[Diagnostic]:
    for problem in analysis.syntax.json.problems:
        if problem.trailing_comma:
            remove = Fix("Remove the trailing comma", (TextEdit(analysis.path, problem.start, problem.end, ""),))
            yield diagnostic("trailing-comma", problem.start, problem.end, problem.message, remove)
        else:
            yield diagnostic("json-syntax", problem.start, problem.end, problem.message)
    for string in analysis.iml_strings:
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
