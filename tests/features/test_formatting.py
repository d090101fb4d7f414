"""Format Document: the layout, and that nothing but whitespace ever changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from iml_ls.features.formatting import (
    MAX_FORMATTED_CHARACTERS,
    FormatOptions,
    WhitespaceEdit,
    document_edits,
    format_edits,
)
from tests.features.conftest import analysis_of


def apply(text: str, edits: list[WhitespaceEdit]) -> str:
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    return text


def formatted(text: str, options: FormatOptions | None = None) -> str:
    edits = format_edits(text, options or FormatOptions())
    assert edits is not None
    return apply(text, edits)


def test_members_of_a_multi_line_object_get_a_line_each_and_one_line_groups_stay() -> None:
    text = (
        '{  "url":"/contacts",   "method" : "GET",\n'
        '"qs":{"sort":"-created","limit" :   10},\n\n\n\n'
        '  "response": {"iterate": "{{body.contacts}}",\n"output":"{{item}}"}   }'
    )
    assert formatted(text) == (
        "{\n"
        '    "url": "/contacts",\n'
        '    "method": "GET",\n'
        '    "qs": {"sort": "-created", "limit": 10},\n'
        "\n"
        '    "response": {\n'
        '        "iterate": "{{body.contacts}}",\n'
        '        "output": "{{item}}"\n'
        "    }\n"
        "}"
    )


def test_strings_and_the_iml_in_them_are_kept_as_written() -> None:
    text = '{"authorization" :  "Bearer {{ jwt( temp.jwt ,parameters.key,  \'HS512\' ) }}", "a": "x\\"y \\u00e9  z"}'
    assert formatted(text) == (
        '{"authorization": "Bearer {{ jwt( temp.jwt ,parameters.key,  \'HS512\' ) }}", "a": "x\\"y \\u00e9  z"}'
    )


def test_comments_stay_where_they_were_written() -> None:
    text = (
        "// The contact search\n"
        "[\n"
        "  // first the token\n"
        '  {"url": "/token",   // no base here\n'
        '   "method": "POST" /* form */},\n'
        "/* then\n   the search */\n"
        '  {"url": "/contacts"}\n'
        "]\n"
    )
    assert formatted(text) == (
        "// The contact search\n"
        "[\n"
        "    // first the token\n"
        "    {\n"
        '        "url": "/token", // no base here\n'
        '        "method": "POST" /* form */\n'
        "    },\n"
        "    /* then\n   the search */\n"
        '    {"url": "/contacts"}\n'
        "]\n"
    )


def test_a_one_line_group_too_wide_for_its_line_is_laid_out_on_several() -> None:
    long = "x" * 100
    text = f'{{"headers": {{"authorization": "{long}", "accept": "application/json"}}}}'
    assert formatted(text) == (
        "{\n"
        '    "headers": {\n'
        f'        "authorization": "{long}",\n'
        '        "accept": "application/json"\n'
        "    }\n"
        "}"
    )
    minified = json.dumps([{"url": f"/items/{n}", "method": "GET", "response": {"output": "{{body}}"}} for n in range(5)])
    lines = formatted(minified).split("\n")
    assert lines[0] == "[" and lines[1] == '    {"url": "/items/0", "method": "GET", "response": {"output": "{{body}}"}},'
    assert max(len(line) for line in lines) <= 120


def test_the_editor_s_indentation_line_ends_byte_order_mark_and_final_newline() -> None:
    text = '\ufeff{\r\n"a": [1,\r\n2]}\r\n'
    assert formatted(text, FormatOptions(tab_size=2)) == '\ufeff{\r\n  "a": [\r\n    1,\r\n    2\r\n  ]\r\n}\r\n'
    assert formatted('{\n"a": 1}', FormatOptions(insert_spaces=False)) == '{\n\t"a": 1\n}'
    with_comments = '// top\r\n{\r\n  // the key\r\n  "a": 1 // one\r\n}\r\n'
    assert formatted(with_comments) == '// top\r\n{\r\n    // the key\r\n    "a": 1 // one\r\n}\r\n'
    assert formatted('{"a": 1}', FormatOptions(insert_final_newline=True)) == '{"a": 1}\n'
    assert formatted('{"a": 1}\n\n\n') == '{"a": 1}\n'
    assert formatted('{"a": 1}') == '{"a": 1}'


def test_empty_groups_and_trailing_commas() -> None:
    assert formatted('{"a": [ ], "b": { }, "c": [1, 2,]}') == '{"a": [], "b": {}, "c": [1, 2,]}'
    assert formatted('{"b": {\n}}') == '{\n    "b": {}\n}'
    assert formatted('[\n1,\n]') == "[\n    1,\n]"


def test_a_selection_formats_only_what_it_covers() -> None:
    text = '{\n"a":  1,\n"b":  2\n}'
    start = text.index('"b"')
    edits = format_edits(text, FormatOptions(), start, len(text))
    assert edits is not None
    assert apply(text, edits) == '{\n"a":  1,\n"b": 2\n}'


def test_text_that_is_not_json_is_left_alone() -> None:
    for broken in ('{"a": 1 "b": 2}', '{"a": [1, 2}', '{"a": 1', '{"a": "unclosed}', "{'a': 1}", '{"a":: 1}'):
        assert format_edits(broken, FormatOptions()) is None, broken
    assert format_edits("", FormatOptions()) is None
    huge = "[" + ",\n".join(['{"url":  "/a"}'] * (MAX_FORMATTED_CHARACTERS // 10)) + "]"
    assert format_edits(huge, FormatOptions()) is None  # answering would take more than a second


def test_an_app_file_with_a_syntax_error_is_not_formatted_but_a_trailing_comma_is() -> None:
    assert document_edits(analysis_of('{"url": "/a"  "method": "GET"}'), FormatOptions()) is None
    edits = document_edits(analysis_of('{"url":  "/a",}'), FormatOptions())
    assert edits is not None and apply('{"url":  "/a",}', edits) == '{"url": "/a",}'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    json_values,
    st.lists(st.sampled_from(["", " ", "\n", "\n\n", "\t", " \r\n  "]), min_size=1, max_size=40),
    st.sampled_from([FormatOptions(), FormatOptions(tab_size=2), FormatOptions(insert_spaces=False)]),
)
def test_formatting_keeps_the_value_and_a_second_pass_changes_nothing(
    value: object, spaces: list[str], options: FormatOptions
) -> None:
    compact = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # the same JSON with arbitrary whitespace between tokens (outside strings)
    text, in_string, escaped, gap = "", False, False, 0
    for char in compact:
        if not in_string and char in "{}[],:":
            text += spaces[gap % len(spaces)] + char + spaces[(gap + 1) % len(spaces)]
            gap += 2
        else:
            text += char
        if in_string and not escaped and char == '"':
            in_string = False
        elif not in_string and char == '"':
            in_string = True
        escaped = in_string and char == "\\" and not escaped
    result = formatted(text, options)
    assert json.loads(result) == value
    assert format_edits(result, options) == []


def test_the_page_s_example_is_what_format_document_gives() -> None:
    page = (Path(__file__).parents[2] / "docs" / "features" / "formatting.md").read_text(encoding="utf-8")
    before, after = re.findall(r"```jsonc\n(.*?)```", page, re.S)
    assert formatted(before) == after
