"""Incremental parsing: a tree built from the previous version equals a fresh parse of the new text.

An edit inside one top-level entry (a request of a communication array, a stage of an OAuth file)
parses only that entry and reuses the others; every other edit parses the whole text. Either way the
tree, its offsets, the IML strings and the diagnostics must be exactly those of a fresh parse.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, SyntaxTree, Workspace
from iml_ls.checks import diagnostics
from iml_ls.syntax.json_tree import JsonArray, JsonMember, JsonObject, JsonString, JsonValue, segments

EXAMPLES = sorted(str(path) for path in Path(__file__).parents[2].joinpath("examples").rglob("*.iml.json"))
TYPED = ["x", "1", " ", "é", "😀", "{{", "}}", "+", "'", ""]
"""What is typed inside a string (keeps the JSON valid, so the one-entry path is taken)."""
BREAKING = ['"', "\\", "}", "]", ",", "\n", "{", ":", "//"]
"""What may break the JSON (the whole text is parsed again, and repaired)."""


def shape(value: JsonValue | JsonMember | None) -> object:
    """A tree as plain data with absolute offsets, for comparing two trees."""
    if value is None:
        return None
    if isinstance(value, JsonMember):
        return ("member", value.start, value.end, shape(value.key), shape(value.value))
    if isinstance(value, JsonObject):
        return ("object", value.start, value.end, [shape(member) for member in value.members])
    if isinstance(value, JsonArray):
        return ("array", value.start, value.end, [shape(item) for item in value.items])
    if isinstance(value, JsonString):
        offsets = [value.source_offset(index) for index in range(len(value.value) + 1)]
        return ("string", value.start, value.end, value.value, offsets)
    return (type(value).__name__, value.start, value.end, value.value)


def assert_same_as_fresh(analysis: Analysis) -> None:
    fresh_syntax = SyntaxTree.parse(analysis.text)
    assert shape(analysis.root) == shape(fresh_syntax.json.root)
    assert analysis.syntax.json.problems == fresh_syntax.json.problems
    strings = [(string.node.start, string.path) for string in analysis.iml_strings]
    assert strings == [(string.node.start, string.path) for string in fresh_syntax.iml_strings]
    fresh = Analysis(
        analysis.path,
        fresh_syntax,
        analysis.version,
        analysis.settings,
        analysis.related,
        instant=analysis.instant,
        place=analysis.place,
    )
    found = [(d.start, d.end, d.rule.code, d.message) for d in diagnostics(analysis)]
    assert found == [(d.start, d.end, d.rule.code, d.message) for d in diagnostics(fresh)]
    for offset in range(0, len(analysis.text) + 1, 7):
        located = analysis.syntax.iml_string_at(offset)
        expected = fresh_syntax.iml_string_at(offset)
        assert (located and located.node.start) == (expected and expected.node.start)


def example(name: str) -> str:
    return next(path for path in EXAMPLES if path.endswith(name))


@pytest.mark.parametrize(
    ("path", "seed"),
    [
        *((path, Path(path).name) for path in EXAMPLES),
        # sequences that once left a repair the whole-text scan does not make (several slips at once)
        (example("oauth2.params.iml.json"), "26"),
        (example("create-contact.interface.iml.json"), "33"),
    ],
    ids=lambda value: Path(value).name if "/" in value else value,
)
def test_edits_give_the_tree_of_a_fresh_parse(path: str, seed: str) -> None:
    rnd = random.Random(f"{seed}:{Path(path).name}")
    workspace = Workspace()
    workspace.open_document(path, Path(path).read_text(encoding="utf-8"), 0)
    reused = 0
    for version in range(1, 61):
        analysis = workspace.analysis(path)
        assert analysis is not None
        before = set(map(id, segments(analysis.root)))
        text = analysis.text
        if rnd.random() < 0.85 and analysis.iml_strings:
            string = rnd.choice(analysis.iml_strings).node
            start = end = rnd.randint(string.start + 1, string.end - 1)
            end = min(end + rnd.choice([0, 0, 1]), string.end - 1)
            replacement = rnd.choice(TYPED)
        else:
            start = rnd.randint(0, len(text))
            end = min(len(text), start + rnd.choice([0, 1, 2]))
            replacement = rnd.choice(BREAKING)
        workspace.edit_document(path, start, end, replacement, version)
        edited = workspace.analysis(path)
        assert edited is not None and edited.text == text[:start] + replacement + text[end:]
        reused += any(id(entry) in before for entry in segments(edited.root))
        assert_same_as_fresh(edited)
    original = SyntaxTree.parse(Path(path).read_text(encoding="utf-8"))
    if original.json.clean and len(original.segments) > 1 and original.iml_strings:
        assert reused, "no edit reused an entry: the incremental path never ran"


@pytest.mark.parametrize("seed", [55, *range(5)])  # 55: a missing comma after comment lines
def test_typing_on_while_the_json_stays_broken_gives_the_tree_of_a_fresh_parse(seed: int) -> None:
    """Breaking edits one after another, never taken back: every version is parsed from the
    previous broken one (its tree, its repairs) and must still equal a fresh parse."""
    rnd = random.Random(seed)
    workspace = Workspace()
    path = rnd.choice(EXAMPLES)
    workspace.open_document(path, Path(path).read_text(encoding="utf-8"), 0)
    for version in range(1, 81):
        analysis = workspace.analysis(path)
        assert analysis is not None
        start = rnd.randint(0, len(analysis.text))
        end = min(len(analysis.text), start + rnd.choice([0, 0, 1, 3]))
        workspace.edit_document(path, start, end, rnd.choice(BREAKING + TYPED), version)
        edited = workspace.analysis(path)
        assert edited is not None
        fresh = SyntaxTree.parse(edited.text)
        assert shape(edited.root) == shape(fresh.json.root), f"version {version}"
        assert edited.syntax.json.problems == fresh.json.problems, f"version {version}"


PATH = "/app/x.communication.iml.json"


def opened(text: str) -> tuple[Workspace, Analysis]:
    workspace = Workspace()
    workspace.open_document(PATH, text, 1)
    analysis = workspace.analysis(PATH)
    assert analysis is not None
    return workspace, analysis


def edited(workspace: Workspace, start: int, end: int, replacement: str) -> Analysis:
    version = (workspace.version_of(PATH) or 0) + 1
    workspace.edit_document(PATH, start, end, replacement, version)
    analysis = workspace.analysis(PATH)
    assert analysis is not None
    return analysis


def test_an_edit_inside_one_request_reparses_only_that_request() -> None:
    text = '[\n  {"url": "/a/{{parameters.x}}"},\n  {"url": "/b/{{temp.y}}"},\n  {"url": "/c"}\n]\n'
    workspace, first = opened(text)
    old = segments(first.root)
    offset = text.index("/b/") + 1
    second = edited(workspace, offset, offset, "bb")
    new = segments(second.root)
    assert new[0] is old[0] and new[2] is old[2] and new[1] is not old[1]
    assert new[2].start == text.index('{"url": "/c"}') + 2
    assert_same_as_fresh(second)


def test_a_change_that_breaks_the_json_parses_the_whole_text_and_keeps_the_untouched_entries() -> None:
    text = '[{"url": "/a"}, {"url": "/b"},\n {"url": "/c"}]'
    workspace, first = opened(text)
    old = segments(first.root)
    second = edited(workspace, text.index("/b"), text.index("/b"), '"')  # an unclosed string
    assert second.syntax.json.problems and second.syntax.json.replaced is None
    new = segments(second.root)
    assert new[0] is old[0] and new[1] is not old[1]
    assert_same_as_fresh(second)
    third = edited(workspace, text.index("/b"), text.index("/b") + 1, "")  # taken back
    assert not third.syntax.json.problems
    assert segments(third.root)[0] is old[0] and segments(third.root)[2].start == text.index('{"url": "/c"}')
    assert_same_as_fresh(third)
