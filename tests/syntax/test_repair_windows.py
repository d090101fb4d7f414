"""While the JSON is broken, the repairs (unclosed strings, missing commas) scan the lines around the
edit and around the previous version's problems, not the whole file, and find what a whole scan finds;
the next keystroke is parsed from the previous version's tree."""

from __future__ import annotations

import json

from iml_ls.syntax.json_tree import JsonDocument, _changed_span, _repair_windows, parse_json
from iml_ls.text.line_index import LineIndex
from tests.syntax.test_incremental import shape

ENTRIES = [{"url": f"https://api.example.com/{n}", "headers": {"accept": "application/json"}} for n in range(2000)]
TEXT = json.dumps(ENTRIES, indent=4)


def replaced(text: str, old: str, new: str, after: int) -> str:
    at = text.index(old, after)
    return text[:at] + new + text[at + len(old) :]


def messages(document: JsonDocument) -> list[str]:
    return [problem.message for problem in document.problems]


def step(before: str, document: JsonDocument, after: str) -> JsonDocument:
    """Parse ``after`` as the next version of ``before``; the scanned windows are a small part of it."""
    index = LineIndex(after)
    windows = _repair_windows(index, (document, before), _changed_span(before, after))
    assert sum(end - start for start, end in windows) < len(after) // 50
    edited = parse_json(index, (document, before))
    assert messages(edited) == messages(parse_json(LineIndex(after)))  # what a whole scan finds
    return edited


def test_slips_typed_into_a_big_file_are_found_from_the_lines_around_them() -> None:
    document = parse_json(LineIndex(TEXT))
    unclosed = replaced(TEXT, '"application/json"', '"application/json', len(TEXT) // 2)
    document = step(TEXT, document, unclosed)
    assert messages(document) == ['This string is not closed: add the missing `"`.']
    # a missing comma far before it: the unclosed string is still found, from the previous problems
    both = replaced(unclosed, "\n    },", "\n    }", len(TEXT) // 10)
    document = step(unclosed, document, both)
    assert sorted(messages(document)) == [
        "A comma is missing after this value.",
        'This string is not closed: add the missing `"`.',
    ]


def test_a_block_comment_makes_the_repairs_scan_everything() -> None:
    text = '/* a\n " */\n' + TEXT
    document = parse_json(LineIndex(text))
    same = _changed_span(text, text + " ")
    assert _repair_windows(LineIndex(text + " "), (document, text), same) == [(0, len(text) + 1)]


def test_typing_on_in_broken_json_equals_a_fresh_parse() -> None:
    at = TEXT.index('"url"', len(TEXT) // 2)
    text, document = TEXT, parse_json(LineIndex(TEXT))
    for typed in ('"', "x", "-", "y", '"', ":", " ", "1", ","):
        after = text[:at] + typed + text[at:]
        at += 1
        document = parse_json(LineIndex(after), (document, text))
        fresh = parse_json(LineIndex(after))
        assert shape(document.root) == shape(fresh.root) and document.problems == fresh.problems
        text = after
    assert not document.problems  # `"x-y": 1,` is a member again
