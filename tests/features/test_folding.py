"""Folding ranges: objects and arrays over several lines, block comments, runs of line comments."""

from __future__ import annotations

from iml_ls.features.folding import Fold, FoldKind, folding_ranges
from tests.features.conftest import analysis_of

REGION, COMMENT = FoldKind.REGION, FoldKind.COMMENT

TEXT = """// The contact search:
// one request, then the pages
[
    {
        "url": "/contacts",
        "qs": {"q": "{{parameters.query}}"},
        /* the API pages
           by number */
        "response": {
            "iterate": "{{body.contacts}}",
            "output": "{{item}}"}
    }
]
"""


def test_brackets_over_several_lines_comments_and_comment_runs_fold() -> None:
    assert folding_ranges(analysis_of(TEXT)) == [
        Fold(0, 1, COMMENT),  # the two line comments
        Fold(2, 11, REGION),  # the array: its `]` stays in view
        Fold(3, 10, REGION),  # the request
        Fold(6, 7, COMMENT),  # the block comment
        Fold(8, 10, REGION),  # `response`: its `}` ends a line of members, so that line folds too
    ]


def test_one_line_groups_and_lone_comments_do_not_fold() -> None:
    assert folding_ranges(analysis_of('{"qs": {"q": 1}, "url": "/a"} // one\n')) == []
    trailing = '{\n    "a": 1, // not a run:\n    "b": 2  // each follows a value\n}'
    assert folding_ranges(analysis_of(trailing)) == [Fold(0, 2, REGION)]


def test_the_client_s_limit_keeps_the_first_folds() -> None:
    assert [fold.start_line for fold in folding_ranges(analysis_of(TEXT), limit=2)] == [0, 2]


def test_a_file_that_is_not_json_still_folds_by_its_brackets_until_a_character_breaks_them() -> None:
    missing_comma = '{\n    "a": {\n        "b": 1\n    }\n    "c": 2\n}'
    assert folding_ranges(analysis_of(missing_comma)) == [Fold(0, 4, REGION), Fold(1, 2, REGION)]
    assert folding_ranges(analysis_of('{\n    "a": "unclosed\n}')) == []
