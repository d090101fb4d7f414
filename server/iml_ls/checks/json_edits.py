"""Edits of JSON text that quick fixes share: removing a member, adding one to an object."""

from __future__ import annotations

from iml_ls.analysis import Analysis
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.syntax.json_tree import JsonMember, JsonObject


def remove_member(analysis: Analysis, node: JsonObject, member: JsonMember) -> TextEdit:
    """Delete ``member`` and the comma that separated it from its neighbour."""
    members = list(node.members)
    position = members.index(member)
    if position + 1 < len(members):
        return TextEdit(analysis.path, member.start, members[position + 1].start, "")
    if position > 0:
        return TextEdit(analysis.path, members[position - 1].end, member.end, "")
    return TextEdit(analysis.path, member.start, member.end, "")


def add_member(analysis: Analysis, node: JsonObject, key: str, value_json: str) -> TextEdit:
    """Append ``"key": value`` to an object, indented like its last member."""
    if not node.members:
        return TextEdit(analysis.path, node.start + 1, node.start + 1, f'"{key}": {value_json}')
    last = node.members[-1]
    line_start = analysis.index.line_start(analysis.index.line_of(last.start))
    indent = analysis.text[line_start : last.start]
    separator = f",\n{indent}" if not indent.strip() else ", "
    return TextEdit(analysis.path, last.end, last.end, f'{separator}"{key}": {value_json}')
