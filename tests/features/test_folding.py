"""Folding ranges: objects and arrays over several lines, block comments, runs of line comments."""

from __future__ import annotations

from iml_ls.features.folding import Fold, FoldKind, _piece_folds, folding_ranges
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


ENTRIES = """[
    // the token
    // (kept for an hour)
    {
        "url": "/token",
        "temp": {
            "jwt": {"sub": "{{parameters.clientId}}"}
        }
    }, // after the first request, on its line
    /* then
       the search */
    {
        "url": "/contacts",
        "response": {
            "output": "{{body}}"
        }
    }
]
"""


def test_a_clean_file_folds_entry_by_entry_as_it_would_whole() -> None:
    assert folding_ranges(analysis_of(ENTRIES)) == [
        Fold(0, 16, REGION),
        Fold(1, 2, COMMENT),  # a run of comments before the first entry
        Fold(3, 7, REGION),
        Fold(5, 6, REGION),
        Fold(9, 10, COMMENT),  # the comment after `},` is no run: it follows a value on its line
        Fold(11, 15, REGION),
        Fold(13, 14, REGION),
    ]
    # a trailing comma makes the file unclean, so it is folded whole: the same folds
    unclean = ENTRIES.replace('"output": "{{body}}"', '"output": "{{body}}",')
    assert folding_ranges(analysis_of(unclean)) == folding_ranges(analysis_of(ENTRIES))


def test_an_edit_folds_again_only_the_entry_it_changed() -> None:
    folding_ranges(analysis_of(ENTRIES))
    before = _piece_folds.cache_info()
    edited = ENTRIES.replace('"/contacts"', '"/contacts/search"')
    assert folding_ranges(analysis_of(edited)) == folding_ranges(analysis_of(ENTRIES))
    after = _piece_folds.cache_info()
    assert after.misses - before.misses == 1  # the second request's text; the rest were kept
